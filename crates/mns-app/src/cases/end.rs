//! Requests to end, the end of provision and life-limiting conditions (MN-END-1..4).

use super::*;
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use mns_domain::outcomes::CaseOutcome;
use mns_domain::provision::{CaseState, EndReason, check_last_day, must_tell_coordinator_at_once};
use mns_store::{EndRequestRecord, new_id};

impl App {
    /// Asks the coordinator to end provision (MN-END-2): the school, a provider or a health
    /// professional. Stopping before the period ends is flagged to the coordinator at once
    /// (MN-END-3).
    pub async fn request_end(
        &self,
        actor: &Actor,
        id: &str,
        stops_on: Option<NaiveDate>,
        reason: &str,
    ) -> AppResult<()> {
        require(actor, CaseAction::RequestEnd)?;
        let case = self.case_in_scope(actor, id).await?;
        if case.state == CaseState::Ended {
            return Err(AppError::invalid("state", "This case has already ended"));
        }
        if reason.trim().is_empty() {
            return Err(AppError::invalid(
                "reason",
                "Enter why provision should end",
            ));
        }
        let early = match (stops_on, case.period_start, case.period_end) {
            (Some(stops), Some(start), Some(end)) => must_tell_coordinator_at_once(
                &mns_domain::provision::ProvisionPeriod {
                    start,
                    end,
                    review_due: case.review_due.unwrap_or(end),
                    continuation_due: case.continuation_due.unwrap_or(end),
                    ends_with_expected_absence: false,
                },
                stops,
            ),
            _ => false,
        };
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.insert_end_request(&EndRequestRecord {
            id: new_id(),
            case_id: id.to_string(),
            requested_by: actor.user.id.clone(),
            requested_at: now,
            stops_on,
            reason: reason.trim().to_string(),
            early: i64::from(early),
            status: mns_domain::provision::RequestStatus::Open,
        })
        .await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "end_requested",
            None,
            None,
            if early {
                "Asked to end provision before the period ends"
            } else {
                "Asked to end provision"
            },
        )
        .await?;
        self.email_about_case(
            &mut tx,
            &self.settings.coordinator_email,
            if early {
                "Provision is to stop early: please act now"
            } else {
                "A request to end provision"
            },
            (
                if early {
                    "Someone working with a child has asked for provision to end before the period ends."
                } else {
                    "Someone working with a child has asked for provision to end."
                },
                "see it",
            ),
            id,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What ending provision would do, without doing it, for the coordinator to check: who
    /// will be told. Refused as [`App::end_case`] would refuse it (a last day in the past, a
    /// case that has ended). For the page that has just viewed (and audited) the case.
    pub async fn check_end(
        &self,
        actor: &Actor,
        id: &str,
        last_day: NaiveDate,
    ) -> AppResult<EndCheck> {
        require(actor, CaseAction::EndProvision)?;
        let mut case = self.case_in_scope(actor, id).await?;
        self.ending(actor, &mut case, last_day)?;
        Ok(EndCheck {
            told: self.told_school_and_parents(&case).await?,
        })
    }

    /// Moves `case` to ended with `last_day` as its last day of provision, if the actor may
    /// and the day is today or later (MN-END-2).
    fn ending(
        &self,
        actor: &Actor,
        case: &mut mns_store::CaseRecord,
        last_day: NaiveDate,
    ) -> AppResult<CaseState> {
        let from = Self::move_case(actor, case, CaseState::Ended)?;
        check_last_day(last_day, self.today())
            .map_err(|e| AppError::invalid("ends_on", e.to_string()))?;
        case.ends_on = Some(last_day);
        Ok(from)
    }

    /// Ends provision (only the coordinator, MN-END-2) for one of the reasons of MN-END-1,
    /// recording where the child goes now (`outcome`, issue 17: required, for the service's
    /// figures, never a condition of anything),
    /// declining any open continuation request; its HLSA hours and online place are released and
    /// it leaves every waiting list (MN-PROV-1); the End of Provision letter is then available
    /// and the school and the parents are told.
    ///
    /// `last_day` is the last day of provision, today or later: the case is ended when this is
    /// recorded (nothing more is logged or planned on it), and the letter names `last_day` as
    /// the day provision ends, after which the school is responsible for the pupil's education
    /// again. Sessions already arranged up to that day go ahead as agreed.
    pub async fn end_case(
        &self,
        actor: &Actor,
        id: &str,
        (reason, outcome): (EndReason, CaseOutcome),
        last_day: NaiveDate,
        note: &str,
    ) -> AppResult<()> {
        require(actor, CaseAction::EndProvision)?;
        let mut case = self.case_in_scope(actor, id).await?;
        let from = self.ending(actor, &mut case, last_day)?;
        let now = self.now();
        case.end_reason = Some(reason);
        case.outcome = Some(outcome);
        case.ended_at = Some(now);
        case.updated_at = now;
        let told = self.told_school_and_parents(&case).await?;
        let mut tx = self.store.begin().await?;
        self.answer_open_continuation(
            &mut tx,
            actor,
            id,
            ("declined", Some(reason.label().to_string())),
        )
        .await?;
        tx.save_case(&case).await?;
        tx.close_end_requests(id).await?;
        tx.release_hlsa(id, now).await?;
        tx.leave_waiting_lists(id, now).await?;
        let mut text = format!(
            "Provision ended: {}; the last day of provision is {}. Outcome: {}",
            reason.label(),
            long_date(last_day),
            outcome.label()
        );
        if !note.trim().is_empty() {
            text.push_str(&format!(". {}", note.trim()));
        }
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::Ended),
            &text,
        )
        .await?;
        self.tell(&mut tx, &case, &told, "An End of Provision letter is ready")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records whether the child has a life-limiting or terminal illness (MN-LIFE-1).
    pub async fn set_life_limiting(
        &self,
        actor: &Actor,
        id: &str,
        life_limiting: bool,
    ) -> AppResult<()> {
        require(actor, CaseAction::SetLifeLimiting)?;
        let mut case = self.case_in_scope(actor, id).await?;
        case.life_limiting = life_limiting;
        case.updated_at = self.now();
        let mut tx = self.store.begin().await?;
        tx.save_case(&case).await?;
        self.audit(
            &mut tx,
            actor,
            "case.life_limiting",
            "case",
            id,
            if life_limiting { "yes" } else { "no" },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What ending provision would do ([`App::check_end`]).
#[derive(Debug, Clone)]
pub struct EndCheck {
    /// Who will be told.
    pub told: Vec<Told>,
}
