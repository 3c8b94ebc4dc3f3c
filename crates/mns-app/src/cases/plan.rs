//! The planning meeting: Part A of the Planning and Review Record (MN-PLAN-1..4, MN-DEC-3)
//! and the start of provision on the term calendar (MN-PLAN-5).

use super::*;
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use mns_domain::provision::record::PartA;
use mns_domain::provision::{
    CaseState, days_from_referral_to_provision_start, period, record_recipients,
};

impl App {
    /// Saves Part A of the record; with `finalise`, checks it whole and finalises it
    /// (MN-PLAN-1..4, MN-DEC-3), sending it to those MN-PLAN-4 lists. The school and the
    /// coordinator write it, while the case is accepted or in planning.
    pub async fn save_plan(
        &self,
        actor: &Actor,
        id: &str,
        plan: PartA,
        finalise: bool,
    ) -> AppResult<()> {
        require(actor, CaseAction::WritePlan)?;
        let mut case = self.case_in_scope(actor, id).await?;
        let state = case.state;
        if !matches!(state, CaseState::Accepted | CaseState::Planning)
            || case.plan_finalised_at.is_some()
        {
            return Err(AppError::invalid(
                "plan",
                "Part A has been finalised; changes are agreed at the review (Part B)",
            ));
        }
        if finalise {
            let problems = plan.problems();
            if !problems.is_empty() {
                return Err(invalid(problems));
            }
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if state == CaseState::Accepted {
            Self::move_case(actor, &mut case, CaseState::Planning)?;
            self.case_event(
                &mut tx,
                actor,
                id,
                "moved",
                Some(state),
                Some(CaseState::Planning),
                "Planning meeting arranged",
            )
            .await?;
        }
        case.plan_json = Some(serde_json::to_string(&plan).context("writing Part A")?);
        case.hours_per_week = Some(plan.hours());
        case.full_time_hours = Some(plan.full_time_hours);
        case.updated_at = now;
        if finalise {
            case.plan_finalised_at = Some(now);
            let hours = mns_domain::wording::hours(plan.hours());
            let note = if plan.is_part_time() {
                format!(
                    "Part A finalised: {hours} a week of {} (less than full time for a medical reason)",
                    plan.full_time_hours
                )
            } else {
                format!("Part A finalised: {hours} a week")
            };
            self.case_event(&mut tx, actor, id, "plan_finalised", None, None, &note)
                .await?;
            let recipients = record_recipients(
                &plan.attendee_kinds(),
                plan.has_ehcp,
                plan.has_social_worker,
            );
            let text = format!(
                "The Planning and Review Record for a child you support has been finalised by the {} Medical Needs Service.",
                self.settings.council_name
            );
            for to in self.recipient_emails(&case, &recipients).await? {
                self.email_about_case(
                    &mut tx,
                    &to,
                    "A Planning and Review Record has been finalised",
                    (&text, "read it"),
                    id,
                )
                .await?;
            }
        } else {
            self.audit(&mut tx, actor, "case.plan_saved", "case", id, "draft")
                .await?;
        }
        tx.save_case(&case).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts provision on `start` (the coordinator, once Part A is final): the period is 12
    /// school weeks on the term calendar, or the expected absence if shorter (MN-PLAN-5), with
    /// the review (MN-REV-1) and continuation request (MN-CONT-2) dates inside it. The days from
    /// referral to start are recorded (MN-DEC-2).
    pub async fn start_provision(
        &self,
        actor: &Actor,
        id: &str,
        start: NaiveDate,
        expected_absence_end: Option<NaiveDate>,
    ) -> AppResult<()> {
        require(actor, CaseAction::StartProvision)?;
        let mut case = self.case_in_scope(actor, id).await?;
        if case.plan_finalised_at.is_none() {
            return Err(AppError::invalid(
                "plan",
                "Finalise Part A of the record before provision starts",
            ));
        }
        let Some(calendar) = self.calendar_for_school(case.school_urn.as_deref()).await? else {
            return Err(AppError::invalid(
                "start",
                "Load the term calendar first: school weeks are counted on it",
            ));
        };
        if start < case.referral_date {
            return Err(AppError::invalid(
                "start",
                format!(
                    "Provision cannot start before the referral date, {}",
                    long_date(case.referral_date)
                ),
            ));
        }
        let period = period(&calendar, start, self.policy(), expected_absence_end)
            .map_err(|e| AppError::invalid("start", e.to_string()))?;
        let from = Self::move_case(actor, &mut case, CaseState::InProvision)?;
        case.provision_start = Some(start);
        case.period_number = 1;
        case.period_start = Some(period.start);
        case.period_end = Some(period.end);
        case.review_due = Some(period.review_due);
        case.continuation_due = Some(period.continuation_due);
        case.review_held_on = None;
        case.updated_at = self.now();
        let days = days_from_referral_to_provision_start(case.referral_date, start);
        let mut tx = self.store.begin().await?;
        tx.save_case(&case).await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::InProvision),
            &format!(
                "Provision starts {} ({} after the referral); period ends {}, review due by {}, continuation request due by {}",
                long_date(period.start),
                mns_domain::wording::count(days, "day", "days"),
                long_date(period.end),
                long_date(period.review_due),
                long_date(period.continuation_due)
            ),
        )
        .await?;
        // The school codes the authority's provision `K` from its first day (MN-PROV-6, §11c).
        if let Some(urn) = &case.school_urn {
            let text = format!(
                "Provision arranged by the {} Medical Needs Service for a pupil of your school starts on {}. From that day, code the sessions the pupil is receiving this provision as K in your register.",
                self.settings.council_name,
                long_date(period.start),
            );
            for to in self.store.school_user_emails(urn).await? {
                self.email_about_case(
                    &mut tx,
                    &to,
                    "Medical Needs provision starts: code the sessions K",
                    (&text, "see the case"),
                    id,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
