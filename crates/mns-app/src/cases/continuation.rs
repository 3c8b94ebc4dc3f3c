//! The school's continuation request and the coordinator's decision (MN-CONT-1..3).

use super::*;
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::Days;
use mns_domain::provision::{CaseState, ContinuationRequest, ProvisionPeriod, may_move, period};
use mns_store::{ContinuationRecord, new_id};

impl App {
    /// The school submits a continuation request (MN-CONT-1): new medical evidence within the
    /// policy's age, the attendance, and the updated healthcare plan where there is one. What
    /// is missing is named and nothing is saved.
    pub async fn request_continuation(
        &self,
        actor: &Actor,
        id: &str,
        request: ContinuationRequest,
        pupil_has_healthcare_plan: bool,
        note: &str,
    ) -> AppResult<()> {
        require(actor, CaseAction::RequestContinuation)?;
        let mut case = self.case_in_scope(actor, id).await?;
        let from = case.state;
        may_move(from, CaseState::ContinuationRequested, actor.role())
            .map_err(|e| AppError::invalid("state", e.to_string()))?;
        let missing =
            request.missing_by_field(pupil_has_healthcare_plan, self.today(), self.policy());
        if !missing.is_empty() {
            // Each problem once, at the form's field for it.
            return Err(AppError::Invalid(
                missing
                    .into_iter()
                    .map(|(field, what)| {
                        let field = match field {
                            "has_updated_healthcare_plan" => "has_updated_plan",
                            other => other,
                        };
                        FieldError::new(field, format!("The request needs {what}"))
                    })
                    .collect(),
            ));
        }
        Self::move_case(actor, &mut case, CaseState::ContinuationRequested)?;
        let now = self.now();
        case.updated_at = now;
        let mut tx = self.store.begin().await?;
        tx.save_case(&case).await?;
        tx.save_continuation(&ContinuationRecord {
            id: new_id(),
            case_id: id.to_string(),
            period_number: case.period_number,
            submitted_by: actor.user.id.clone(),
            submitted_at: now,
            evidence_dated: request.evidence_dated,
            has_attendance: i64::from(request.has_attendance),
            has_updated_plan: i64::from(request.has_updated_healthcare_plan),
            note: note.trim().to_string(),
            decision: None,
            decided_by: None,
            decided_at: None,
            reason: None,
        })
        .await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::ContinuationRequested),
            "Continuation request submitted",
        )
        .await?;
        self.email_about_case(
            &mut tx,
            &self.settings.coordinator_email,
            "A continuation request is waiting for a decision",
            (
                "A school has submitted a continuation request.",
                "decide it",
            ),
            id,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What agreeing the continuation would do, without doing it, for the coordinator to check:
    /// the new period (MN-CONT-2) and who will be told. Refused as
    /// [`App::agree_continuation`] would refuse it. For the page that has just viewed (and
    /// audited) the case.
    pub async fn check_continuation(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<ContinuationCheck> {
        require(actor, CaseAction::DecideContinuation)?;
        let mut case = self.case_in_scope(actor, id).await?;
        Self::move_case(actor, &mut case, CaseState::Continued)?;
        Ok(ContinuationCheck {
            period_number: case.period_number + 1,
            period: self.next_period(&case).await?,
            told: self.told_school_and_parents(&case).await?,
        })
    }

    /// The period after the case's current one: from the day after it ends (MN-CONT-2).
    async fn next_period(&self, case: &mns_store::CaseRecord) -> AppResult<ProvisionPeriod> {
        let Some(calendar) = self.calendar_for_school(case.school_urn.as_deref()).await? else {
            return Err(AppError::invalid(
                "start",
                "Load the term calendar first: school weeks are counted on it",
            ));
        };
        let start = case
            .period_end
            .and_then(|end| end.checked_add_days(Days::new(1)))
            .unwrap_or_else(|| self.today());
        period(&calendar, start, self.policy(), None)
            .map_err(|e| AppError::invalid("start", e.to_string()))
    }

    /// The coordinator agrees a continuation: a new period starts the day after the current
    /// one ends and the timeline starts again (MN-CONT-2); the school and the parents are told.
    /// To decline, the coordinator ends provision with a reason ([`App::end_case`]).
    pub async fn agree_continuation(&self, actor: &Actor, id: &str) -> AppResult<()> {
        require(actor, CaseAction::DecideContinuation)?;
        let mut case = self.case_in_scope(actor, id).await?;
        let from = Self::move_case(actor, &mut case, CaseState::Continued)?;
        let period = self.next_period(&case).await?;
        case.period_number += 1;
        case.period_start = Some(period.start);
        case.period_end = Some(period.end);
        case.review_due = Some(period.review_due);
        case.continuation_due = Some(period.continuation_due);
        case.review_held_on = None;
        let now = self.now();
        case.updated_at = now;
        let told = self.told_school_and_parents(&case).await?;
        let mut tx = self.store.begin().await?;
        self.answer_open_continuation(&mut tx, actor, id, ("agreed", None))
            .await?;
        tx.save_case(&case).await?;
        tx.close_end_requests(id).await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::Continued),
            &format!(
                "Continuation agreed: period {} runs to {}, review due by {}",
                case.period_number,
                long_date(period.end),
                long_date(period.review_due)
            ),
        )
        .await?;
        self.tell(
            &mut tx,
            &case,
            &told,
            "There is an update on Medical Needs provision",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What agreeing a continuation would do ([`App::check_continuation`]).
#[derive(Debug, Clone)]
pub struct ContinuationCheck {
    /// The new period's number.
    pub period_number: i64,
    /// The new period, with its review and continuation dates.
    pub period: ProvisionPeriod,
    /// Who will be told.
    pub told: Vec<Told>,
}
