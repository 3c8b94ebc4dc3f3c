//! Welfare checks (the school's, MN-PROV-4) and safeguarding concerns (MN-PROV-5) on a case.

use super::*;
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::NaiveDate;
use mns_domain::provision::CaseState;
use mns_domain::provision::record::PartA;
use mns_store::{ConcernRecord, WelfareCheckRecord, new_id};

impl App {
    /// Logs a welfare check (MN-PROV-4): the school's, with no fixed frequency.
    pub async fn log_welfare_check(
        &self,
        actor: &Actor,
        id: &str,
        checked_on: NaiveDate,
        notes: &str,
    ) -> AppResult<()> {
        require(actor, CaseAction::LogWelfareCheck)?;
        let case = self.case_in_scope(actor, id).await?;
        let mut errors = Vec::new();
        if case.state == CaseState::Ended {
            errors.push(FieldError::new("state", "This case has ended"));
        }
        if checked_on > self.today() {
            errors.push(FieldError::new(
                "checked_on",
                "The date of the check must be today or in the past",
            ));
        }
        if notes.trim().is_empty() {
            errors.push(FieldError::new(
                "welfare_notes",
                "Enter what the check found",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut tx = self.store.begin().await?;
        tx.insert_welfare_check(&WelfareCheckRecord {
            id: new_id(),
            case_id: id.to_string(),
            checked_on,
            notes: notes.trim().to_string(),
            logged_by: actor.user.id.clone(),
            logged_at: self.now(),
        })
        .await?;
        self.audit(&mut tx, actor, "case.welfare_check", "case", id, "")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Raises a safeguarding concern (MN-PROV-5): a provider or the coordinator. It goes to the
    /// school's Designated Safeguarding Lead named on the record (told by email to sign in; the
    /// email carries nothing of the concern) and to the service mailbox, and only they and the
    /// person who raised it see it.
    pub async fn raise_concern(&self, actor: &Actor, id: &str, concern: &str) -> AppResult<()> {
        require(actor, CaseAction::RaiseConcern)?;
        let case = self.case_in_scope(actor, id).await?;
        let plan: Option<PartA> = case
            .plan_json
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .filter(|_| case.plan_finalised_at.is_some());
        let Some(plan) = plan else {
            return Err(AppError::invalid(
                "concern",
                "The record names no Designated Safeguarding Lead yet: contact the school's DSL directly, as your own safeguarding procedure says",
            ));
        };
        if concern.trim().is_empty() {
            return Err(AppError::invalid("concern", "Enter the concern"));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.insert_concern(&ConcernRecord {
            id: new_id(),
            case_id: id.to_string(),
            raised_by: actor.user.id.clone(),
            raised_by_role: actor.role(),
            raised_at: now,
            concern: concern.trim().to_string(),
            sent_to_dsl: plan.dsl_name.clone(),
            dsl_email: plan.dsl_email.clone(),
        })
        .await?;
        // The audit names the concern, not its words.
        self.audit(&mut tx, actor, "case.concern", "case", id, "raised")
            .await?;
        let mut to = vec![self.settings.coordinator_email.clone()];
        if !plan.dsl_email.trim().is_empty() {
            to.push(plan.dsl_email.trim().to_string());
        }
        for address in to {
            self.email_about_case(
                &mut tx,
                &address,
                "A safeguarding concern has been raised",
                (
                    "A safeguarding concern has been raised about a pupil receiving Medical Needs provision. Please act on it under your safeguarding procedure.",
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
