//! Retention (MN-REC-2): finding the children whose records are past the retention period, the
//! legal hold that keeps them, and anonymising them in one transaction.

use crate::{Store, StoreResult, WriteTx, day};
use chrono::NaiveDate;

/// A pupil the retention job considers.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RetentionCandidate {
    /// The pupil.
    pub id: String,
    /// Their date of birth (`YYYY-MM-DD`).
    pub date_of_birth: String,
    /// Whether a legal hold keeps their records.
    pub legal_hold: i64,
}

impl Store {
    /// Pupils not yet anonymised born on or before `born_by` (`YYYY-MM-DD`), held or not.
    pub async fn retention_candidates(
        &self,
        born_by: &str,
    ) -> StoreResult<Vec<RetentionCandidate>> {
        Ok(sqlx::query_as(
            "SELECT id, date_of_birth, legal_hold FROM pupils WHERE anonymised_at IS NULL \
             AND date_of_birth <= $1 ORDER BY date_of_birth, id",
        )
        .bind(born_by)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A pupil's legal hold: whether one is set, and why.
    pub async fn legal_hold(
        &self,
        pupil_id: &str,
    ) -> StoreResult<Option<(bool, Option<String>, Option<String>)>> {
        let row: Option<(i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT legal_hold, legal_hold_reason, anonymised_at FROM pupils WHERE id = $1",
        )
        .bind(pupil_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(hold, reason, at)| (hold != 0, reason, at)))
    }
}

impl WriteTx {
    /// Sets or lifts a legal hold.
    pub async fn set_legal_hold(
        &mut self,
        pupil_id: &str,
        hold: bool,
        reason: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE pupils SET legal_hold = $1, legal_hold_reason = $2 WHERE id = $3")
            .bind(i64::from(hold))
            .bind(reason)
            .bind(pupil_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Anonymises a child's records (MN-REC-2): documents are destroyed; the referral form
    /// becomes `blank_referral`; decision, case, review, session, welfare, concern,
    /// continuation, end-request and timeline texts are emptied; links to users go; the pupil
    /// row keeps only its id, school and year of birth. Returns how many documents were
    /// destroyed.
    pub async fn anonymise_pupil(
        &mut self,
        pupil_id: &str,
        blank_referral: &str,
        year_of_birth: &str,
        at: &str,
    ) -> StoreResult<u64> {
        let referrals = "SELECT id FROM referrals WHERE pupil_id = $1";
        let documents = sqlx::query(&format!(
            "DELETE FROM documents WHERE record_id IN ({referrals})"
        ))
        .bind(pupil_id)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        let statements = [
            format!(
                "UPDATE referral_decisions SET note = '', reasons_json = '[]', checks_json = '[]' WHERE referral_id IN ({referrals})"
            ),
            // With what the reports keep of Part A and Part B (migration 0025): the medical
            // reason is free text.
            format!(
                "UPDATE cases SET plan_json = NULL, plan_package = NULL, \
                 plan_medical_reason = NULL, plan_condition_group = NULL, plan_baseline = NULL, \
                 latest_measures = NULL WHERE id IN ({referrals})"
            ),
            format!("DELETE FROM case_reviews WHERE case_id IN ({referrals})"),
            format!("UPDATE case_sessions SET note = '' WHERE case_id IN ({referrals})"),
            format!("UPDATE case_welfare_checks SET notes = '' WHERE case_id IN ({referrals})"),
            format!("UPDATE case_concerns SET concern = '' WHERE case_id IN ({referrals})"),
            format!("UPDATE case_continuations SET note = '' WHERE case_id IN ({referrals})"),
            format!("UPDATE case_end_requests SET reason = '' WHERE case_id IN ({referrals})"),
            format!("UPDATE case_events SET note = '' WHERE case_id IN ({referrals})"),
            // A case's id is its referral's, so this takes the notes on both.
            format!("DELETE FROM notes WHERE record_id IN ({referrals})"),
            "DELETE FROM pupil_links WHERE pupil_id = $1".to_string(),
            // Assessments keep their dates and outcome, not what was said (issue 16); the
            // attendance alerts linked to the child go with their history.
            "UPDATE assessments SET concern = '', advice = '', actions_json = '[]', \
             outcome_note = NULL, alert_id = NULL WHERE pupil_id = $1"
                .to_string(),
            "DELETE FROM attendance_alert_events WHERE alert_id IN \
             (SELECT id FROM attendance_alerts WHERE pupil_id = $1)"
                .to_string(),
            "DELETE FROM attendance_alerts WHERE pupil_id = $1".to_string(),
        ];
        for sql in statements {
            sqlx::query(&sql)
                .bind(pupil_id)
                .execute(&mut *self.tx)
                .await?;
        }
        sqlx::query("UPDATE referrals SET form_json = $1 WHERE pupil_id = $2")
            .bind(blank_referral)
            .bind(pupil_id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "UPDATE pupils SET given_name = 'Removed', family_name = '(past retention)', \
             upn = NULL, date_of_birth = $1, anonymised_at = $2, updated_at = $2 WHERE id = $3",
        )
        .bind(format!("{year_of_birth}-01-01"))
        .bind(at)
        .bind(pupil_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(documents)
    }
}

impl WriteTx {
    /// The attendance retention sweep (issue 16): deletes figures whose `delete_after` is
    /// before `today`, and alerts (with their history) past theirs that are not linked to a
    /// pupil's record (a linked alert follows the child's record, MN-REC-2); then the imports
    /// no figures are left from. Returns how many figures rows and alerts went.
    pub async fn delete_expired_attendance(&mut self, today: NaiveDate) -> StoreResult<(u64, u64)> {
        let today = day(today);
        let figures = sqlx::query("DELETE FROM attendance_figures WHERE delete_after < $1")
            .bind(&today)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        let expired =
            "SELECT id FROM attendance_alerts WHERE delete_after < $1 AND pupil_id IS NULL";
        sqlx::query(&format!(
            "DELETE FROM attendance_alert_events WHERE alert_id IN ({expired})"
        ))
        .bind(&today)
        .execute(&mut *self.tx)
        .await?;
        let alerts = sqlx::query(
            "DELETE FROM attendance_alerts WHERE delete_after < $1 AND pupil_id IS NULL",
        )
        .bind(&today)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        // By the school's key, then the import (`import_id` has no index of its own, since a
        // re-import moves it on every row): each import looks at its own school's figures
        // only, on both databases (PostgreSQL makes it an anti-join).
        sqlx::query(
            "DELETE FROM attendance_imports WHERE NOT EXISTS \
             (SELECT 1 FROM attendance_figures f WHERE f.school_year = attendance_imports.school_year \
              AND f.urn = attendance_imports.urn AND f.import_id = attendance_imports.id)",
        )
        .execute(&mut *self.tx)
        .await?;
        Ok((figures, alerts))
    }
}
