//! Sessions providers log, and the non-engagement they may show (MN-PROV-2, MN-PROV-3).

use super::*;
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::NaiveDate;
use mns_domain::provision::CaseState;
use mns_store::{SessionLogRecord, new_id};

impl App {
    /// Logs a session (MN-PROV-2): the provider linked to the child, or the coordinator. When
    /// this session makes a lack of engagement show (MN-PROV-3), the coordinator is told and a
    /// review proposed.
    pub async fn log_session(
        &self,
        actor: &Actor,
        id: &str,
        held_on: NaiveDate,
        outcome_kind: &str,
        hours: f64,
        note: &str,
    ) -> AppResult<()> {
        require(actor, CaseAction::LogSession)?;
        let case = self.case_in_scope(actor, id).await?;
        let state = case.state;
        let mut errors = Vec::new();
        if !matches!(
            state,
            CaseState::InProvision
                | CaseState::Review
                | CaseState::ContinuationRequested
                | CaseState::Continued
        ) {
            errors.push(FieldError::new(
                "state",
                "Sessions can be logged only while provision runs",
            ));
        }
        let today = self.today();
        if held_on > today {
            errors.push(FieldError::new(
                "held_on",
                "The session date must be today or in the past",
            ));
        } else if case.provision_start.is_some_and(|s| held_on < s) {
            errors.push(FieldError::new(
                "held_on",
                "The session date must be on or after the day provision started",
            ));
        }
        if outcome(outcome_kind, hours).is_none() {
            errors.push(FieldError::new("outcome", "Select what happened: delivered, cancelled by the family, cancelled by the provider or refused"));
        }
        if !(hours > 0.0 && hours <= 8.0) {
            errors.push(FieldError::new(
                "hours",
                "Enter the session's hours, more than 0 and at most 8",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let before = self.store.case_sessions(id).await?;
        let was = self.shows_non_engagement(&before, today);
        let record = SessionLogRecord {
            id: new_id(),
            case_id: id.to_string(),
            held_on,
            outcome: outcome_kind.to_string(),
            hours,
            note: note.trim().to_string(),
            logged_by: actor.user.id.clone(),
            logged_at: self.now(),
        };
        let mut after = before;
        after.push(record.clone());
        let now_shows = self.shows_non_engagement(&after, today);
        let mut tx = self.store.begin().await?;
        tx.insert_case_session(&record).await?;
        self.audit(&mut tx, actor, "case.session", "case", id, outcome_kind)
            .await?;
        if now_shows && !was {
            self.case_event(
                &mut tx,
                actor,
                id,
                "non_engagement",
                None,
                None,
                &format!(
                    "{} cancellations or refusals within {} weeks: a review is proposed (MN-PROV-3)",
                    self.policy().non_engagement_count,
                    self.policy().non_engagement_window_weeks
                ),
            )
            .await?;
            self.email_about_case(
                &mut tx,
                &self.settings.coordinator_email,
                "A case shows a lack of engagement",
                (
                    "Sessions on a case show repeated cancellations or refusals. A review is proposed.",
                    "see it",
                ),
                id,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
