//! Term calendars and bank holidays, stored as data the council edits.

use crate::{Store, StoreResult, WriteTx, ts};
use chrono::{DateTime, Utc};

/// A stored term calendar; the terms are JSON of the domain's calendar type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRecord {
    /// The calendar's id, e.g. `norfolk-2025-26`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The school year it covers (2025 for 2025/26).
    pub school_year: i64,
    /// Whether the dates are provisional (not yet confirmed by the council).
    pub provisional: bool,
    /// The terms, as JSON.
    pub terms_json: String,
}

impl WriteTx {
    /// Adds a calendar or replaces it.
    pub async fn upsert_calendar(
        &mut self,
        c: &CalendarRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO calendars (id, name, school_year, provisional, terms_json, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
             school_year = excluded.school_year, provisional = excluded.provisional, \
             terms_json = excluded.terms_json, updated_at = excluded.updated_at",
        )
        .bind(&c.id)
        .bind(&c.name)
        .bind(c.school_year)
        .bind(i64::from(c.provisional))
        .bind(&c.terms_json)
        .bind(ts(now))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Adds a bank holiday or renames it.
    pub async fn upsert_bank_holiday(
        &mut self,
        day: chrono::NaiveDate,
        name: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO bank_holidays (day, name) VALUES ($1, $2) \
             ON CONFLICT (day) DO UPDATE SET name = excluded.name",
        )
        .bind(day.format("%Y-%m-%d").to_string())
        .bind(name)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl WriteTx {
    /// Makes a calendar a school's own (MN-PLAN-5).
    pub async fn assign_calendar(
        &mut self,
        calendar_id: &str,
        school_urn: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO school_calendars (calendar_id, school_urn) VALUES ($1, $2) \
             ON CONFLICT (calendar_id) DO UPDATE SET school_urn = excluded.school_urn",
        )
        .bind(calendar_id)
        .bind(school_urn)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Which calendars are schools' own: (calendar id, school URN).
    pub async fn school_calendar_ids(&self) -> StoreResult<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT calendar_id, school_urn FROM school_calendars ORDER BY calendar_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every calendar, by school year then name.
    pub async fn list_calendars(&self) -> StoreResult<Vec<CalendarRecord>> {
        let rows: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
            "SELECT id, name, school_year, provisional, terms_json FROM calendars \
             ORDER BY school_year, name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, school_year, provisional, terms_json)| CalendarRecord {
                    id,
                    name,
                    school_year,
                    provisional: provisional != 0,
                    terms_json,
                },
            )
            .collect())
    }

    /// Every bank holiday, in date order, as (`YYYY-MM-DD`, name).
    pub async fn list_bank_holidays(&self) -> StoreResult<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT day, name FROM bank_holidays ORDER BY day")
                .fetch_all(&self.pool)
                .await?,
        )
    }
}
