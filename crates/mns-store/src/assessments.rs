//! Assessments (issue 16): the early-intervention step before a referral, opened with the
//! school for a pupil, often from an attendance alert.

use crate::columns::Text;
use crate::{Store, StoreResult, WriteTx, ts};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

/// An assessment as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AssessmentRecord {
    /// Its id.
    pub id: String,
    /// The pupil.
    pub pupil_id: String,
    /// The school it is opened with.
    pub urn: Option<String>,
    /// The attendance alert it came from, if any.
    pub alert_id: Option<String>,
    /// Who opened it (a user's id).
    pub opened_by: String,
    /// When.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub opened_at: DateTime<Utc>,
    /// The concern.
    pub concern: String,
    /// The advice and strategies agreed.
    pub advice: String,
    /// Who does what, by when (JSON list of `{action, owner, by}`).
    pub actions_json: String,
    /// The review date, `YYYY-MM-DD`.
    pub review_date: Option<String>,
    /// `resolved`, `referral_invited` or `referral_made`, once recorded.
    pub outcome: Option<String>,
    /// What the person recording the outcome added.
    pub outcome_note: Option<String>,
    /// When the outcome was recorded (a timestamp).
    pub outcome_at: Option<String>,
    /// The referral made from it.
    pub referral_id: Option<String>,
    /// When it last changed.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, pupil_id, urn, alert_id, opened_by, opened_at, concern, advice, \
    actions_json, review_date, outcome, outcome_note, outcome_at, referral_id, updated_at";

impl WriteTx {
    /// Adds an assessment.
    pub async fn insert_assessment(&mut self, a: &AssessmentRecord) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO assessments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11, $12, $13, $14, $15)"
        ))
        .bind(&a.id)
        .bind(&a.pupil_id)
        .bind(&a.urn)
        .bind(&a.alert_id)
        .bind(&a.opened_by)
        .bind(ts(a.opened_at))
        .bind(&a.concern)
        .bind(&a.advice)
        .bind(&a.actions_json)
        .bind(&a.review_date)
        .bind(&a.outcome)
        .bind(&a.outcome_note)
        .bind(&a.outcome_at)
        .bind(&a.referral_id)
        .bind(ts(a.updated_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records an assessment's outcome, and links the referral made from it both ways.
    pub async fn record_assessment_outcome(&mut self, a: &AssessmentRecord) -> StoreResult<()> {
        sqlx::query(
            "UPDATE assessments SET outcome = $1, outcome_note = $2, outcome_at = $3, \
             referral_id = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(&a.outcome)
        .bind(&a.outcome_note)
        .bind(&a.outcome_at)
        .bind(&a.referral_id)
        .bind(ts(a.updated_at))
        .bind(&a.id)
        .execute(&mut *self.tx)
        .await?;
        if let Some(referral) = &a.referral_id {
            sqlx::query("UPDATE referrals SET assessment_id = $1 WHERE id = $2")
                .bind(&a.id)
                .bind(referral)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }
}

impl Store {
    /// One assessment.
    pub async fn assessment(&self, id: &str) -> StoreResult<Option<AssessmentRecord>> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM assessments WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// A pupil's assessments, newest first.
    pub async fn assessments_for_pupil(
        &self,
        pupil_id: &str,
    ) -> StoreResult<Vec<AssessmentRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM assessments WHERE pupil_id = $1 ORDER BY opened_at DESC, id"
        ))
        .bind(pupil_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The assessment a referral was made from, if any.
    pub async fn assessment_for_referral(
        &self,
        referral_id: &str,
    ) -> StoreResult<Option<AssessmentRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM assessments WHERE referral_id = $1 ORDER BY opened_at LIMIT 1"
        ))
        .bind(referral_id)
        .fetch_optional(&self.pool)
        .await?)
    }
}

impl WriteTx {
    /// Links a pupil's alerts (by UPN) to their record, once the record exists.
    pub async fn link_alerts_to_pupil(&mut self, upn: &str, pupil_id: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE attendance_alerts SET pupil_id = $1 WHERE upn = $2 AND pupil_id IS NULL",
        )
        .bind(pupil_id)
        .bind(upn)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// A pupil's referrals that have been sent (not drafts): id, status and when created.
    pub async fn sent_referrals_of_pupil(
        &self,
        pupil_id: &str,
    ) -> StoreResult<Vec<(String, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT id, status, created_at FROM referrals WHERE pupil_id = $1 \
             AND status <> 'draft' ORDER BY created_at DESC, id",
        )
        .bind(pupil_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
