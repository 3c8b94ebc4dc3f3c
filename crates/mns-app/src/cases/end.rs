//! Requests to end, the end of provision and life-limiting conditions (MN-END-1..4).

use super::*;
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use mns_domain::provision::{CaseState, EndReason, must_tell_coordinator_at_once};
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

    /// Ends provision (only the coordinator, MN-END-2) for one of the reasons of MN-END-1,
    /// declining any open continuation request; its HLSA hours and online place are released and
    /// it leaves every waiting list (MN-PROV-1); the End of Provision letter is then available.
    pub async fn end_case(
        &self,
        actor: &Actor,
        id: &str,
        reason: EndReason,
        note: &str,
    ) -> AppResult<()> {
        require(actor, CaseAction::EndProvision)?;
        let mut case = self.case_in_scope(actor, id).await?;
        let from = Self::move_case(actor, &mut case, CaseState::Ended)?;
        let now = self.now();
        case.end_reason = Some(reason);
        case.ended_at = Some(now);
        case.updated_at = now;
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
        let mut text = format!("Provision ended: {}", reason.label());
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
        self.tell_school_and_parents(&mut tx, &case, "An End of Provision letter is ready")
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
