//! The reviews' Part B records (MN-REV-1), with what the reports keep of the newest.

use crate::columns::Text;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{Store, StoreResult, WriteTx, ts};

/// A review's Part B as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ReviewRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The period it reviewed.
    pub period_number: i64,
    /// Part B as JSON.
    pub record_json: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When (stored form).
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub recorded_at: DateTime<Utc>,
}

impl WriteTx {
    /// Records a review's Part B.
    pub async fn insert_case_review(&mut self, r: &ReviewRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_reviews (id, case_id, period_number, record_json, recorded_by, \
             recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&r.id)
        .bind(&r.case_id)
        .bind(r.period_number)
        .bind(&r.record_json)
        .bind(&r.recorded_by)
        .bind(ts(r.recorded_at))
        .execute(&mut *self.tx)
        .await?;
        // The newest review's measures, for the reports (migration 0025).
        sqlx::query("UPDATE cases SET latest_measures = $1 WHERE id = $2")
            .bind(crate::report_columns::review_measures(&r.record_json))
            .bind(&r.case_id)
            .persistent(false)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// A case's reviews, oldest first.
    pub async fn case_reviews(&self, case_id: &str) -> StoreResult<Vec<ReviewRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, period_number, record_json, recorded_by, recorded_at \
             FROM case_reviews WHERE case_id = $1 ORDER BY recorded_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
