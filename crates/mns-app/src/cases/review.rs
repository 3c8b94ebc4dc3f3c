//! The review at the end of each period: Part B of the record (MN-REV-1, MN-REV-2).

use super::*;
use crate::{Actor, App, AppError, AppResult};
use mns_domain::identity::Role;
use mns_domain::provision::CaseState;
use mns_domain::provision::record::PartB;
use mns_store::{ReviewRecord, new_id};

impl App {
    /// Opens the review and reintegration meeting (MN-REV-1): the school or the coordinator.
    pub async fn start_review(&self, actor: &Actor, id: &str) -> AppResult<()> {
        require(actor, CaseAction::StartReview)?;
        let mut case = self.case_in_scope(actor, id).await?;
        let from = Self::move_case(actor, &mut case, CaseState::Review)?;
        case.updated_at = self.now();
        let mut tx = self.store.begin().await?;
        tx.save_case(&case).await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::Review),
            "Review and reintegration meeting arranged",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records Part B of the review (MN-REV-1) and returns the case to provision. A review
    /// the school held is copied to the service mailbox (MN-REV-2).
    pub async fn record_review(&self, actor: &Actor, id: &str, mut part_b: PartB) -> AppResult<()> {
        require(actor, CaseAction::RecordReview)?;
        let mut case = self.case_in_scope(actor, id).await?;
        if case.state != CaseState::Review {
            return Err(AppError::invalid(
                "state",
                "Arrange the review meeting first",
            ));
        }
        part_b.held_by_school = actor.role() == Role::School;
        let mut problems = part_b.problems(self.today());
        problems.extend(
            part_b
                .measures
                .problems("review_", &self.policy().wellbeing_measures),
        );
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        let from = Self::move_case(actor, &mut case, CaseState::InProvision)?;
        case.review_held_on = part_b.held_on;
        case.updated_at = self.now();
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.save_case(&case).await?;
        tx.insert_case_review(&ReviewRecord {
            id: new_id(),
            case_id: id.to_string(),
            period_number: case.period_number,
            record_json: serde_json::to_string(&part_b).context("writing Part B")?,
            recorded_by: actor.user.id.clone(),
            recorded_at: now,
        })
        .await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::InProvision),
            "Review recorded (Part B)",
        )
        .await?;
        for _ in mns_domain::provision::review_copy_recipients(actor.role()) {
            self.email_about_case(
                &mut tx,
                &self.settings.coordinator_email,
                "A school has recorded a review",
                (
                    "A school has recorded a review and reintegration meeting (Part B).",
                    "read it",
                ),
                id,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
