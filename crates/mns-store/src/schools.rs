//! Schools, keyed by URN, as imported from GIAS.

use crate::{Store, StoreResult, WriteTx, ts};
use chrono::{DateTime, Utc};

/// A school (or other establishment) from GIAS.
#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct SchoolRecord {
    /// Unique Reference Number.
    pub urn: String,
    /// EstablishmentName.
    pub name: String,
    /// LA (code).
    pub la_code: Option<String>,
    /// LA (name).
    pub la_name: Option<String>,
    /// EstablishmentNumber.
    pub establishment_number: Option<String>,
    /// TypeOfEstablishment (name).
    pub type_of_establishment: Option<String>,
    /// EstablishmentTypeGroup (name).
    pub type_group: Option<String>,
    /// EstablishmentStatus (name).
    pub status: Option<String>,
    /// PhaseOfEducation (name).
    pub phase: Option<String>,
    /// StatutoryLowAge.
    pub statutory_low_age: Option<i64>,
    /// StatutoryHighAge.
    pub statutory_high_age: Option<i64>,
    /// Street.
    pub street: Option<String>,
    /// Locality.
    pub locality: Option<String>,
    /// Town.
    pub town: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// Easting (British National Grid).
    pub easting: Option<i64>,
    /// Northing (British National Grid).
    pub northing: Option<i64>,
    /// The school's own term calendar, if it has one.
    pub calendar_id: Option<String>,
    /// DistrictAdministrative (name): the district the reports filter by (issue 17).
    pub district: Option<String>,
}

const COLUMNS: &str = "urn, name, la_code, la_name, establishment_number, type_of_establishment, \
    type_group, status, phase, statutory_low_age, statutory_high_age, street, locality, town, \
    postcode, easting, northing, calendar_id, district";

impl WriteTx {
    /// Adds a school or replaces what is known of it; the school's own calendar is kept.
    pub async fn upsert_school(&mut self, s: &SchoolRecord, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO schools ({COLUMNS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
             ON CONFLICT (urn) DO UPDATE SET name = excluded.name, la_code = excluded.la_code, \
             la_name = excluded.la_name, establishment_number = excluded.establishment_number, \
             type_of_establishment = excluded.type_of_establishment, \
             type_group = excluded.type_group, status = excluded.status, phase = excluded.phase, \
             statutory_low_age = excluded.statutory_low_age, \
             statutory_high_age = excluded.statutory_high_age, street = excluded.street, \
             locality = excluded.locality, town = excluded.town, postcode = excluded.postcode, \
             easting = excluded.easting, northing = excluded.northing, \
             district = excluded.district, updated_at = excluded.updated_at"
        ))
        .bind(&s.urn)
        .bind(&s.name)
        .bind(&s.la_code)
        .bind(&s.la_name)
        .bind(&s.establishment_number)
        .bind(&s.type_of_establishment)
        .bind(&s.type_group)
        .bind(&s.status)
        .bind(&s.phase)
        .bind(s.statutory_low_age)
        .bind(s.statutory_high_age)
        .bind(&s.street)
        .bind(&s.locality)
        .bind(&s.town)
        .bind(&s.postcode)
        .bind(s.easting)
        .bind(s.northing)
        .bind(&s.calendar_id)
        .bind(&s.district)
        .bind(ts(now))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The school with this URN.
    pub async fn get_school(&self, urn: &str) -> StoreResult<Option<SchoolRecord>> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM schools WHERE urn = $1"))
                .bind(urn)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Schools whose name, town or URN contains `search` (any case), by name, at most `limit`.
    pub async fn search_schools(&self, search: &str, limit: i64) -> StoreResult<Vec<SchoolRecord>> {
        let pattern = format!("%{}%", search.to_lowercase());
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM schools WHERE LOWER(name) LIKE $1 OR LOWER(COALESCE(town, '')) \
             LIKE $1 OR urn LIKE $1 ORDER BY name, urn LIMIT $2"
        ))
        .bind(pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many schools are known.
    pub async fn count_schools(&self) -> StoreResult<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM schools")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}
