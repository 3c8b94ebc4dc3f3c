//! The Planning and Review Record (§11f, §11h): Part A, agreed at the planning meeting
//! (MN-PLAN-1..3, MN-DEC-3), and Part B, written at each review (MN-REV-1). Each part checks
//! itself and names every problem by the field it is about, so a form can show them all.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::package::Component;
use super::package::{
    Action, AttendeeKind, MeetingPlace, Package, PackageError, check_actions, check_hlsa_readiness,
    part_time_needs_medical_reason,
};
use super::review::ReintegrationStep;
use crate::outcomes::{ConditionGroup, Measures};
use crate::referral::{LookedAfter, ProfessionalKind, Referral, SendStatus};

/// The length of a full-time school week in hours the form starts from (the Department for
/// Education's expectation for mainstream schools); the record can say otherwise.
pub const DEFAULT_FULL_TIME_HOURS: f64 = 32.5;

/// Someone at the planning meeting (MN-PLAN-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    /// In what capacity.
    pub kind: AttendeeKind,
    /// Their name.
    pub name: String,
}

/// Part A of the Planning and Review Record (MN-PLAN-1, MN-PLAN-2, MN-PLAN-3, MN-DEC-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartA {
    /// When the planning meeting was held.
    pub meeting_date: Option<NaiveDate>,
    /// Where: home, online or school.
    pub place: Option<MeetingPlace>,
    /// Who attended.
    pub attendees: Vec<Attendee>,
    /// The child's learning needs.
    pub learning_needs: String,
    /// What is expected of the child, the family, the school and the provider.
    pub expectations: String,
    /// The package and its hours per week.
    pub package: Package,
    /// The school's full-time week, in hours, the package is measured against.
    pub full_time_hours: f64,
    /// Why the child gets less than full time, when they do (MN-DEC-3): a medical reason.
    pub medical_reason: Option<String>,
    /// The broad group of the health condition, from the medical evidence (issue 17: the
    /// service's figures by kind of need; never a condition of provision).
    #[serde(default)]
    pub condition_group: Option<ConditionGroup>,
    /// The HLSA readiness statement, when an HLSA is agreed (MN-PLAN-3).
    pub readiness_statement: Option<String>,
    /// The actions agreed, each with an owner and a date.
    pub actions: Vec<Action>,
    /// The school's Designated Safeguarding Lead (MN-PLAN-2, MN-PROV-5).
    pub dsl_name: String,
    /// How to reach the DSL.
    pub dsl_email: String,
    /// The joint approach agreed.
    pub joint_approach: String,
    /// The child has an Education, Health and Care Plan (MN-SEND-1, MN-PLAN-4).
    pub has_ehcp: bool,
    /// The child has a social worker (MN-PLAN-4).
    pub has_social_worker: bool,
    /// Where the child starts from (issue 17: benefit tracking), each measure optional.
    #[serde(default)]
    pub baseline: Measures,
}

impl Default for PartA {
    fn default() -> Self {
        PartA {
            meeting_date: None,
            place: None,
            attendees: Vec::new(),
            learning_needs: String::new(),
            expectations: String::new(),
            package: Package::default(),
            full_time_hours: DEFAULT_FULL_TIME_HOURS,
            medical_reason: None,
            condition_group: None,
            readiness_statement: None,
            actions: Vec::new(),
            dsl_name: String::new(),
            dsl_email: String::new(),
            joint_approach: String::new(),
            has_ehcp: false,
            has_social_worker: false,
            baseline: Measures::default(),
        }
    }
}

/// A problem with a record, named by the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordProblem {
    /// The form field (`meeting_date`, `package`, `action_2_owner`, …).
    pub field: String,
    /// What to do about it, in a sentence.
    pub message: String,
}

fn problem(field: &str, message: impl Into<String>) -> RecordProblem {
    RecordProblem {
        field: field.to_string(),
        message: message.into(),
    }
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

impl PartA {
    /// Hours of education per week in the package.
    pub fn hours(&self) -> f64 {
        self.package.total_hours()
    }

    /// Whether the package is less than the full-time week (MN-DEC-3).
    pub fn is_part_time(&self) -> bool {
        self.hours() < self.full_time_hours
    }

    /// Everything that stops the record being finalised; empty when it can be.
    pub fn problems(&self) -> Vec<RecordProblem> {
        let mut out = Vec::new();
        if self.meeting_date.is_none() {
            out.push(problem(
                "meeting_date",
                "Enter the date of the planning meeting",
            ));
        }
        if self.place.is_none() {
            out.push(problem(
                "place",
                "Select where the meeting was held: home, online or school",
            ));
        }
        if self.attendees.is_empty() {
            out.push(problem("attendees", "Enter who attended the meeting"));
        }
        for (i, attendee) in self.attendees.iter().enumerate() {
            if blank(&attendee.name) {
                out.push(problem(
                    &format!("attendee_{}_name", i + 1),
                    format!("Enter the name of attendee {}", i + 1),
                ));
            }
        }
        if blank(&self.learning_needs) {
            out.push(problem(
                "learning_needs",
                "Enter the child's learning needs",
            ));
        }
        if self.package.components.is_empty() {
            out.push(problem(
                "package",
                "Enter the package: at least one kind of provision with its hours per week",
            ));
        }
        if !(self.full_time_hours > 0.0 && self.full_time_hours <= 40.0) {
            out.push(problem(
                "full_time_hours",
                "Enter the school's full-time week in hours, from 1 to 40",
            ));
        } else if !self.package.components.is_empty() {
            match part_time_needs_medical_reason(
                &self.package,
                self.full_time_hours,
                self.medical_reason.as_deref(),
            ) {
                Ok(()) => {}
                Err(PackageError::InvalidHours { component }) => out.push(problem(
                    "package",
                    format!("{component}: hours per week must be a number of 0 or more"),
                )),
                Err(error) => out.push(problem("medical_reason", error.to_string())),
            }
        }
        if let Err(error) = check_hlsa_readiness(&self.package, self.readiness_statement.as_deref())
        {
            out.push(problem("readiness_statement", error.to_string()));
        }
        if let Err(problems) = check_actions(&self.actions) {
            for p in problems {
                let field = match p {
                    super::package::ActionProblem::NoOwner { action } => {
                        format!("action_{action}_owner")
                    }
                    super::package::ActionProblem::NoDate { action } => {
                        format!("action_{action}_due")
                    }
                };
                out.push(problem(&field, p.to_string()));
            }
        }
        if blank(&self.dsl_name) {
            out.push(problem(
                "dsl_name",
                "Enter the name of the school's Designated Safeguarding Lead",
            ));
        }
        if blank(&self.joint_approach) {
            out.push(problem(
                "joint_approach",
                "Enter the joint approach everyone agreed",
            ));
        }
        out
    }

    /// The attendees' kinds, for who receives the record (MN-PLAN-4).
    pub fn attendee_kinds(&self) -> Vec<AttendeeKind> {
        self.attendees.iter().map(|a| a.kind).collect()
    }

    /// A first draft of Part A from what the referral already says, for the planning meeting
    /// to check and complete: the health professional who gave the most recent evidence and
    /// the EHCP coordinator as people to invite (MN-PLAN-1, MN-PLAN-4), the SEND summary as
    /// the learning needs, the professional's advice on reintegration as the reintegration
    /// plan, whether there is a plan and whether the child is looked after (so has a social
    /// worker). The referral does not name the school's Designated Safeguarding Lead.
    pub fn drafted_from(referral: &Referral) -> PartA {
        let mut draft = PartA::default();
        let mut evidence: Vec<_> = referral
            .evidence
            .iter()
            .filter(|e| {
                e.professional
                    .is_some_and(|p| p != ProfessionalKind::NotAHealthProfessional)
            })
            .collect();
        // The most recent first.
        evidence.sort_by_key(|e| std::cmp::Reverse(e.date_seen));
        if let Some(e) = evidence.iter().find(|e| !blank(&e.professional_name)) {
            draft.attendees.push(Attendee {
                kind: AttendeeKind::HealthProfessional,
                name: e.professional_name.trim().to_string(),
            });
        }
        if let Some(e) = evidence.iter().find(|e| !blank(&e.content.reintegration)) {
            draft.package = Package::new(vec![Component::ReintegrationPlan {
                text: e.content.reintegration.trim().to_string(),
            }]);
        }
        match &referral.pupil.send {
            Some(SendStatus::Ehcp {
                ehcp_coordinator,
                summary,
                ..
            }) => {
                draft.has_ehcp = true;
                if !blank(ehcp_coordinator) {
                    draft.attendees.push(Attendee {
                        kind: AttendeeKind::EhcpCoordinator,
                        name: ehcp_coordinator.trim().to_string(),
                    });
                }
                draft.learning_needs = summary.trim().to_string();
            }
            Some(SendStatus::SenSupport { summary }) => {
                draft.learning_needs = summary.trim().to_string();
            }
            Some(SendStatus::NoIdentifiedNeeds) | None => {}
        }
        draft.has_social_worker = matches!(
            referral.pupil.looked_after,
            Some(LookedAfter::ByThisCouncil | LookedAfter::PlacedByAnotherAuthority { .. })
        );
        draft
    }
}

/// Part B of the record, written at a review and reintegration meeting (MN-REV-1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartB {
    /// When the review was held.
    pub held_on: Option<NaiveDate>,
    /// Whether the school held it (copied to the service mailbox, MN-REV-2) or the
    /// coordinator.
    pub held_by_school: bool,
    /// How the child is getting on.
    pub progress: String,
    /// Changes to the package agreed, in words.
    pub amendments: String,
    /// The reintegration steps agreed.
    pub steps: Vec<ReintegrationStep>,
    /// The reintegration plan in words.
    pub reintegration_plan: String,
    /// Actions agreed, each with an owner and a date.
    pub actions: Vec<Action>,
    /// Where the child is now (issue 17: benefit tracking), each measure optional.
    #[serde(default)]
    pub measures: Measures,
}

impl PartB {
    /// Everything that stops the review being recorded; empty when it can be.
    pub fn problems(&self, today: NaiveDate) -> Vec<RecordProblem> {
        let mut out = Vec::new();
        match self.held_on {
            None => out.push(problem("held_on", "Enter the date of the review meeting")),
            Some(date) if date > today => out.push(problem(
                "held_on",
                "The review date must be today or in the past",
            )),
            Some(_) => {}
        }
        if blank(&self.progress) {
            out.push(problem("progress", "Enter how the child is getting on"));
        }
        if blank(&self.reintegration_plan) && self.steps.is_empty() {
            out.push(problem(
                "reintegration_plan",
                "Select the reintegration steps agreed, or describe the plan",
            ));
        }
        if let Err(problems) = check_actions(&self.actions) {
            for p in problems {
                out.push(problem("actions", p.to_string()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::package::HLSA_READINESS_STATEMENT;

    fn complete() -> PartA {
        PartA {
            meeting_date: NaiveDate::from_ymd_opt(2026, 11, 2),
            place: Some(MeetingPlace::Home),
            attendees: vec![Attendee {
                kind: AttendeeKind::ParentCarer,
                name: "Sam Carter".into(),
            }],
            learning_needs: "Keep up with GCSE English and maths".into(),
            expectations: "Work set weekly by the school".into(),
            package: Package::new(vec![Component::OnlineLearning {
                provider: "Home school".into(),
                hours_per_week: 32.5,
            }]),
            actions: vec![Action {
                description: "Set up the online timetable".into(),
                owner: "Home school".into(),
                due: NaiveDate::from_ymd_opt(2026, 11, 9),
            }],
            dsl_name: "Pat Lee".into(),
            joint_approach: "Weekly contact between school and family".into(),
            ..PartA::default()
        }
    }

    fn fields(problems: &[RecordProblem]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn mn_plan_1_a_first_draft_of_part_a_comes_from_the_referral() {
        let referral: Referral =
            serde_json::from_str(crate::referral::EXAMPLE_REFERRAL_JSON).unwrap();
        let draft = PartA::drafted_from(&referral);
        let professional = referral
            .evidence
            .iter()
            .max_by_key(|e| e.date_seen)
            .unwrap();
        assert_eq!(
            draft.attendees.first(),
            Some(&Attendee {
                kind: AttendeeKind::HealthProfessional,
                name: professional.professional_name.trim().to_string(),
            })
        );
        assert!(
            draft.meeting_date.is_none(),
            "the meeting fills in the rest"
        );
        assert!(draft.dsl_name.is_empty());

        let mut with_plan = referral.clone();
        with_plan.pupil.send = Some(SendStatus::Ehcp {
            ehcp_coordinator: "Sam Ives".into(),
            last_reviewed: None,
            summary: "Dyslexia: reading support".into(),
        });
        with_plan.pupil.looked_after = Some(LookedAfter::ByThisCouncil);
        let draft = PartA::drafted_from(&with_plan);
        assert!(draft.has_ehcp && draft.has_social_worker);
        assert!(draft.attendees.contains(&Attendee {
            kind: AttendeeKind::EhcpCoordinator,
            name: "Sam Ives".into(),
        }));
        assert_eq!(draft.learning_needs, "Dyslexia: reading support");
        assert_eq!(PartA::drafted_from(&Referral::default()), PartA::default());
    }

    #[test]
    fn mn_plan_2_a_complete_part_a_has_no_problems() {
        assert!(complete().problems().is_empty());
    }

    #[test]
    fn mn_plan_2_an_empty_part_a_names_every_missing_field() {
        let problems = PartA::default().problems();
        assert_eq!(
            fields(&problems),
            [
                "meeting_date",
                "place",
                "attendees",
                "learning_needs",
                "package",
                "dsl_name",
                "joint_approach"
            ]
        );
    }

    #[test]
    fn mn_dec_3_part_time_without_a_medical_reason_is_a_problem_on_the_record() {
        let mut record = complete();
        record.package = Package::new(vec![Component::Hlsa {
            hours_per_week: 5.0,
        }]);
        record.readiness_statement = Some(HLSA_READINESS_STATEMENT.into());
        assert_eq!(fields(&record.problems()), ["medical_reason"]);
        record.medical_reason = Some("Not enough HLSA hours available".into());
        assert_eq!(fields(&record.problems()), ["medical_reason"]);
        record.medical_reason = Some("Fatigue after chemotherapy limits sessions".into());
        assert!(record.problems().is_empty());
        assert!(record.is_part_time());
    }

    #[test]
    fn mn_plan_3_an_hlsa_needs_the_readiness_statement_on_the_record() {
        let mut record = complete();
        record.package.components.push(Component::Hlsa {
            hours_per_week: 2.0,
        });
        assert_eq!(fields(&record.problems()), ["readiness_statement"]);
    }

    #[test]
    fn mn_plan_2_each_action_needs_an_owner_and_a_date() {
        let mut record = complete();
        record.actions.push(Action {
            description: "Order the robot".into(),
            owner: " ".into(),
            due: None,
        });
        assert_eq!(
            fields(&record.problems()),
            ["action_2_owner", "action_2_due"]
        );
    }

    #[test]
    fn mn_rev_1_part_b_needs_a_date_progress_and_a_reintegration_plan() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let empty = PartB {
            held_on: None,
            held_by_school: false,
            progress: String::new(),
            amendments: String::new(),
            steps: Vec::new(),
            reintegration_plan: String::new(),
            actions: Vec::new(),
            measures: Measures::default(),
        };
        assert_eq!(
            fields(&empty.problems(today)),
            ["held_on", "progress", "reintegration_plan"]
        );
        let review = PartB {
            held_on: Some(today),
            progress: "Attending two lessons a week by robot".into(),
            steps: vec![ReintegrationStep::BreakOrLunchTimes],
            ..empty
        };
        assert!(review.problems(today).is_empty());
    }
}
