//! The Planning and Review Record and the End of Provision letter as PDFs, rendered from the
//! stored case for those who may read them.

use super::*;
use crate::letters::{Block, Letter, render};
use crate::{Actor, App, AppError, AppResult};
use mns_domain::calendar::uk_local_time;

/// Which of a case's letters its reader may open now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseLetters {
    /// The Planning and Review Record (once Part A is final).
    pub planning_record: bool,
    /// The End of Provision letter (once provision has ended).
    pub end_letter: bool,
}

impl App {
    /// Which of a case's letters `actor` may open now, for a child's page that has just viewed
    /// (and audited) the child's record: what a parent is owed as well as the decision letter
    /// (MN-ROLE-3). `NotFound` outside the actor's scope.
    pub async fn case_letters(&self, actor: &Actor, id: &str) -> AppResult<CaseLetters> {
        let actions = self.view_case_actions(actor, id).await?;
        Ok(CaseLetters {
            planning_record: actions.contains(&CaseAction::ReadPlanRecord),
            end_letter: actions.contains(&CaseAction::ReadEndLetter),
        })
    }

    /// The Planning and Review Record as PDF: Part A and every Part B, for those who may read
    /// the plan (council staff, the school, the parent and the health professional linked to
    /// the child, not providers).
    pub async fn plan_record_pdf(&self, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
        require(actor, CaseAction::ReadPlanRecord)?;
        let view = self.view_case(actor, id).await?;
        let Some(plan) = &view.plan else {
            return Err(AppError::NotFound);
        };
        if view.case().plan_finalised_at.is_none() {
            return Err(AppError::NotFound);
        }
        let case = view.case();
        let mut blocks = vec![
            Block::Field("Pupil".into(), view.line.pupil_name.clone()),
            Block::Field("School".into(), view.line.school_name.clone()),
            Block::Gap,
            Block::Heading("Part A: the planning meeting".into()),
            Block::Field(
                "Date".into(),
                plan.meeting_date.map(long_date).unwrap_or_default(),
            ),
            Block::Field(
                "Place".into(),
                match plan.place {
                    Some(mns_domain::provision::MeetingPlace::Home) => "Home",
                    Some(mns_domain::provision::MeetingPlace::Online) => "Online",
                    Some(mns_domain::provision::MeetingPlace::School) => "School",
                    None => "",
                }
                .into(),
            ),
            Block::Heading("Who attended".into()),
        ];
        for a in &plan.attendees {
            blocks.push(Block::Bullet(format!("{} ({})", a.name, a.kind.label())));
        }
        blocks.push(Block::Heading("Learning needs".into()));
        blocks.push(Block::Paragraph(plan.learning_needs.clone()));
        if !plan.expectations.trim().is_empty() {
            blocks.push(Block::Heading("Expectations".into()));
            blocks.push(Block::Paragraph(plan.expectations.clone()));
        }
        blocks.push(Block::Heading("The package".into()));
        for c in &plan.package.components {
            let text = match c {
                mns_domain::provision::Component::ReintegrationPlan { text } => {
                    format!("{}: {text}", c.label())
                }
                mns_domain::provision::Component::OnlineLearning {
                    provider,
                    hours_per_week,
                } => {
                    format!(
                        "{} ({provider}): {} a week",
                        c.label(),
                        mns_domain::wording::hours(*hours_per_week)
                    )
                }
                _ => format!(
                    "{}: {} a week",
                    c.label(),
                    mns_domain::wording::hours(c.hours_per_week())
                ),
            };
            blocks.push(Block::Bullet(text));
        }
        blocks.push(Block::Field(
            "Hours a week".into(),
            format!(
                "{} of a full-time week of {}",
                plan.hours(),
                plan.full_time_hours
            ),
        ));
        if let Some(reason) = plan.medical_reason.as_ref().filter(|_| plan.is_part_time()) {
            blocks.push(Block::Field(
                "Medical reason for less than full time".into(),
                reason.clone(),
            ));
        }
        if let Some(statement) = &plan.readiness_statement {
            blocks.push(Block::Paragraph(statement.clone()));
        }
        if !plan.actions.is_empty() {
            blocks.push(Block::Heading("Actions".into()));
            for a in &plan.actions {
                blocks.push(Block::Bullet(format!(
                    "{} - {} by {}",
                    a.description,
                    a.owner,
                    a.due.map(long_date).unwrap_or_default()
                )));
            }
        }
        blocks.push(Block::Field(
            "Designated Safeguarding Lead".into(),
            plan.dsl_name.clone(),
        ));
        blocks.push(Block::Heading("Joint approach".into()));
        blocks.push(Block::Paragraph(plan.joint_approach.clone()));
        if let (Some(start), Some(end)) = (case.period_start, case.period_end) {
            blocks.push(Block::Heading("Dates".into()));
            blocks.push(Block::Field(
                "Period".into(),
                format!("{} to {}", long_date(start), long_date(end)),
            ));
            if let Some(d) = case.review_due {
                blocks.push(Block::Field("Review due by".into(), long_date(d)));
            }
            if let Some(d) = case.continuation_due {
                blocks.push(Block::Field(
                    "Continuation request due by".into(),
                    long_date(d),
                ));
            }
        }
        for (i, (_, part_b)) in view.reviews.iter().enumerate() {
            blocks.push(Block::Gap);
            blocks.push(Block::Heading(format!("Part B: review {}", i + 1)));
            blocks.push(Block::Field(
                "Date".into(),
                part_b.held_on.map(long_date).unwrap_or_default(),
            ));
            blocks.push(Block::Field(
                "Held by".into(),
                if part_b.held_by_school {
                    "The school"
                } else {
                    "The Medical Needs Service"
                }
                .into(),
            ));
            blocks.push(Block::Paragraph(part_b.progress.clone()));
            if !part_b.amendments.trim().is_empty() {
                blocks.push(Block::Field(
                    "Changes to the package".into(),
                    part_b.amendments.clone(),
                ));
            }
            for step in &part_b.steps {
                blocks.push(Block::Bullet(step.label().into()));
            }
            if !part_b.reintegration_plan.trim().is_empty() {
                blocks.push(Block::Paragraph(part_b.reintegration_plan.clone()));
            }
        }
        self.audit_view(actor, "case.plan_pdf", "case", id).await?;
        let date = case
            .plan_finalised_at
            .map(|t| long_date(uk_local_time(t).date()))
            .unwrap_or_default();
        Ok(render(&Letter {
            council: self.settings.council_name.clone(),
            service: "Medical Needs Service".into(),
            date,
            title: "Planning and Review Record".into(),
            blocks,
        }))
    }

    /// The End of Provision letter as PDF (MN-END-1, MN-END-2), for the coordinator, the
    /// school and the parent: the pupil, the dates (the letter is dated the day the end was
    /// recorded and names the last day of provision the coordinator gave) and the reason,
    /// nothing medical.
    pub async fn end_letter_pdf(&self, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
        require(actor, CaseAction::ReadEndLetter)?;
        let case = self.case_in_scope(actor, id).await?;
        let (Some(reason), Some(ended_at)) = (case.end_reason, case.ended_at) else {
            return Err(AppError::NotFound);
        };
        let line = self.line_of(case.clone()).await?;
        self.audit_view(actor, "case.end_letter", "case", id)
            .await?;
        let ended = uk_local_time(ended_at).date();
        // Cases ended before the last day was asked for ended on the day it was recorded.
        let last_day = case.ends_on.unwrap_or(ended);
        let mut blocks = vec![
            Block::Field("Pupil".into(), line.pupil_name.clone()),
            Block::Field("School".into(), line.school_name.clone()),
        ];
        if let Some(start) = case.provision_start {
            blocks.push(Block::Field("Provision started".into(), long_date(start)));
        }
        blocks.push(Block::Field(
            "Last day of provision".into(),
            long_date(last_day),
        ));
        blocks.push(Block::Gap);
        blocks.push(Block::Heading("Why provision is ending".into()));
        blocks.push(Block::Paragraph(format!(
            "Provision arranged by the Medical Needs Service ends because {}.",
            reason.label()
        )));
        blocks.push(Block::Heading("What happens next".into()));
        blocks.push(Block::Bullet("The school is responsible for the pupil's education from the day after provision ends, and plans the return with the family.".into()));
        blocks.push(Block::Bullet(
            "If the pupil's health changes, the school can make a new referral.".into(),
        ));
        blocks.push(Block::Paragraph(format!(
            "If you have questions, contact the Medical Needs Coordinator at {}.",
            self.settings.coordinator_email
        )));
        Ok(render(&Letter {
            council: self.settings.council_name.clone(),
            service: "Medical Needs Service".into(),
            date: long_date(ended),
            title: "End of Provision".into(),
            blocks,
        }))
    }
}
