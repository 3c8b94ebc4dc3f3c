//! Specialist place sufficiency (issue 19, migration 0029): the dated returns, the scenarios,
//! and the Medical Needs Service's open cases by district (the alternative-provision line).

use crate::columns::Text;
use crate::{Store, StoreError, StoreResult, WriteTx, day, ts};
use chrono::{DateTime, NaiveDate, Utc};
use mns_domain::sufficiency::Scenario;
use serde::{Serialize, de::DeserializeOwned};
use sqlx::FromRow;

/// A return as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ReturnRecord {
    /// Its id.
    pub id: String,
    /// "capacity" or "ehcp".
    pub kind: String,
    /// The day its figures are for.
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub as_at: NaiveDate,
    /// The file it was read from.
    pub file_name: String,
    /// Its lines, as JSON.
    pub lines: String,
    /// How many.
    pub line_count: i64,
    /// When it was imported.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub imported_at: DateTime<Utc>,
}

impl ReturnRecord {
    /// Its lines.
    pub fn read<T: DeserializeOwned>(&self) -> StoreResult<Vec<T>> {
        serde_json::from_str(&self.lines)
            .map_err(|e| StoreError::Corrupt(format!("return {}: {e}", self.id)))
    }
}

/// A scenario as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRecord {
    /// Its id.
    pub id: String,
    /// The scenario.
    pub scenario: Scenario,
}

impl Store {
    /// The newest return of a kind (by the day it is for, then when it came in).
    pub async fn latest_return(&self, kind: &str) -> StoreResult<Option<ReturnRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, kind, as_at, file_name, lines, line_count, imported_at \
             FROM sufficiency_returns WHERE kind = $1 ORDER BY as_at DESC, imported_at DESC LIMIT 1",
        )
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The scenarios, by name.
    pub async fn scenarios(&self) -> StoreResult<Vec<ScenarioRecord>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, scenario FROM sufficiency_scenarios ORDER BY name, id")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(id, json)| {
                let scenario = serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("scenario {id}: {e}")))?;
                Ok(ScenarioRecord { id, scenario })
            })
            .collect()
    }

    /// The Medical Needs Service's cases not ended, by their school's district.
    pub async fn open_cases_by_district(&self) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT COALESCE(s.district, 'Not known') AS district, COUNT(*) AS n FROM cases c \
             LEFT JOIN schools s ON s.urn = c.school_urn WHERE c.ended_at IS NULL \
             GROUP BY COALESCE(s.district, 'Not known') ORDER BY 1",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

impl Store {
    /// The Medical Needs Service's cases not ended, by the condition group in their Part A
    /// (its stored form, or none).
    pub async fn open_cases_by_condition(&self) -> StoreResult<Vec<(Option<String>, i64)>> {
        Ok(sqlx::query_as(
            "SELECT plan_condition_group, COUNT(*) FROM cases WHERE ended_at IS NULL \
             GROUP BY plan_condition_group ORDER BY 1",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

impl WriteTx {
    /// Stores a return's lines.
    pub async fn insert_return<T: Serialize>(
        &mut self,
        kind: &str,
        as_at: NaiveDate,
        file_name: &str,
        lines: &[T],
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<String> {
        let id = crate::new_id();
        let json = serde_json::to_string(lines).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sufficiency_returns (id, kind, as_at, file_name, lines, line_count, \
             imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(kind)
        .bind(day(as_at))
        .bind(file_name)
        .bind(json)
        .bind(lines.len() as i64)
        .bind(by)
        .bind(ts(at))
        .execute(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// Stores a scenario.
    pub async fn insert_scenario(
        &mut self,
        scenario: &Scenario,
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<String> {
        let id = crate::new_id();
        let json =
            serde_json::to_string(scenario).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sufficiency_scenarios (id, name, scenario, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(&scenario.name)
        .bind(json)
        .bind(by)
        .bind(ts(at))
        .execute(&mut *self.tx)
        .await?;
        Ok(id)
    }
}
