//! The planning meeting: Part A of the Planning and Review Record (MN-PLAN-1..4, MN-DEC-3)
//! and the start of provision on the term calendar (MN-PLAN-5).

use super::*;
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use mns_domain::provision::record::PartA;
use mns_domain::provision::{
    CaseState, ProvisionPeriod, days_from_referral_to_provision_start, period, record_recipients,
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
        // The baseline (issue 17) is optional, but what is entered must be real.
        let mut problems = plan
            .baseline
            .problems("baseline_", &self.policy().wellbeing_measures);
        if finalise {
            problems.extend(plan.problems());
        }
        if !problems.is_empty() {
            return Err(invalid(problems));
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

    /// Part A to show on its form: as saved, or, when nothing has been saved yet, a first draft
    /// from the referral ([`PartA::drafted_from`]). The referral does not ask for the school's
    /// Designated Safeguarding Lead, so the school names them here; another child's record is
    /// never read for it. The flag says the draft came from the referral.
    /// For the page that has just viewed (and audited) the case; `NotFound` unless the actor
    /// may write Part A on a case in their scope.
    pub async fn plan_draft(&self, actor: &Actor, id: &str) -> AppResult<(PartA, bool)> {
        require(actor, CaseAction::WritePlan)?;
        let case = self.case_in_scope(actor, id).await?;
        if let Some(json) = &case.plan_json {
            let plan = serde_json::from_str(json).with_context(|| format!("case {id} plan"))?;
            return Ok((plan, false));
        }
        let Some(referral) = self.store.get_referral(id).await? else {
            return Ok((PartA::default(), false));
        };
        let form: mns_domain::referral::Referral =
            serde_json::from_str(&referral.form_json).context("referral form")?;
        Ok((PartA::drafted_from(&form), true))
    }

    /// What starting provision on `start` would do, without doing it, for the coordinator to
    /// check: the period on the term calendar (MN-PLAN-5) and who will be told. Refused as
    /// [`App::start_provision`] would refuse it. For the page that has just viewed (and
    /// audited) the case.
    pub async fn check_start(
        &self,
        actor: &Actor,
        id: &str,
        start: NaiveDate,
        expected_absence_end: Option<NaiveDate>,
    ) -> AppResult<StartCheck> {
        require(actor, CaseAction::StartProvision)?;
        let mut case = self.case_in_scope(actor, id).await?;
        let period = self.period_from(&case, start, expected_absence_end).await?;
        Self::move_case(actor, &mut case, CaseState::InProvision)?;
        Ok(StartCheck {
            period,
            days_from_referral: days_from_referral_to_provision_start(case.referral_date, start),
            told: vec![self.told_school(&case).await?],
        })
    }

    /// The first period if provision starts on `start`, or why it cannot start then.
    async fn period_from(
        &self,
        case: &mns_store::CaseRecord,
        start: NaiveDate,
        expected_absence_end: Option<NaiveDate>,
    ) -> AppResult<ProvisionPeriod> {
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
        period(&calendar, start, self.policy(), expected_absence_end)
            .map_err(|e| AppError::invalid("start", e.to_string()))
    }

    /// Starts provision on `start` (the coordinator, once Part A is final): the period is 12
    /// school weeks on the term calendar, or the expected absence if shorter (MN-PLAN-5), with
    /// the review (MN-REV-1) and continuation request (MN-CONT-2) dates inside it. The days from
    /// referral to start are recorded (MN-DEC-2). The school is told to code the sessions `K`
    /// (MN-PROV-6); [`App::check_start`] says the same beforehand.
    pub async fn start_provision(
        &self,
        actor: &Actor,
        id: &str,
        start: NaiveDate,
        expected_absence_end: Option<NaiveDate>,
    ) -> AppResult<()> {
        require(actor, CaseAction::StartProvision)?;
        let mut case = self.case_in_scope(actor, id).await?;
        let period = self.period_from(&case, start, expected_absence_end).await?;
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
        let told = self.told_school(&case).await?;
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
        let text = format!(
            "Provision arranged by the {} Medical Needs Service for a pupil of your school starts on {}. From that day, code the sessions the pupil is receiving this provision as K in your register.",
            self.settings.council_name,
            long_date(period.start),
        );
        for to in &told.addresses {
            self.email_about_case(
                &mut tx,
                to,
                "Medical Needs provision starts: code the sessions K",
                (&text, "see the case"),
                id,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// What starting provision would do ([`App::check_start`]).
#[derive(Debug, Clone)]
pub struct StartCheck {
    /// The first period, with its review and continuation dates.
    pub period: ProvisionPeriod,
    /// Days from the referral to the start (MN-DEC-2).
    pub days_from_referral: i64,
    /// Who will be told.
    pub told: Vec<Told>,
}
