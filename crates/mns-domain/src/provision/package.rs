//! The initial planning meeting and its Planning and Review Record, Part A (§11e, §11f): who
//! attends (MN-PLAN-1), the package and its hours with the actions agreed (MN-PLAN-2), the
//! HLSA readiness sentence (MN-PLAN-3), who receives the record (MN-PLAN-4), and the rule that
//! less than full time needs a medical reason, never a lack of resources (MN-DEC-3).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who can attend the planning meeting (MN-PLAN-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendeeKind {
    /// The child or young person.
    Child,
    /// A parent or carer.
    ParentCarer,
    /// A representative of the home school.
    HomeSchoolRepresentative,
    /// The Medical Needs Coordinator.
    Coordinator,
    /// The health professional who gave the medical evidence.
    HealthProfessional,
    /// The coordinator of the child's Education, Health and Care Plan.
    EhcpCoordinator,
    /// The child's social worker.
    SocialWorker,
    /// Anyone else invited.
    Other,
}

impl AttendeeKind {
    /// Every kind, in the order they are listed on the record.
    pub const ALL: [AttendeeKind; 8] = [
        AttendeeKind::Child,
        AttendeeKind::ParentCarer,
        AttendeeKind::HomeSchoolRepresentative,
        AttendeeKind::Coordinator,
        AttendeeKind::HealthProfessional,
        AttendeeKind::EhcpCoordinator,
        AttendeeKind::SocialWorker,
        AttendeeKind::Other,
    ];

    /// How the kind is named on the record.
    pub fn label(self) -> &'static str {
        match self {
            AttendeeKind::Child => "Child or young person",
            AttendeeKind::ParentCarer => "Parent or carer",
            AttendeeKind::HomeSchoolRepresentative => "Home school representative",
            AttendeeKind::Coordinator => "Medical Needs Coordinator",
            AttendeeKind::HealthProfessional => "Health professional who gave the evidence",
            AttendeeKind::EhcpCoordinator => "EHCP coordinator",
            AttendeeKind::SocialWorker => "Social worker",
            AttendeeKind::Other => "Other",
        }
    }
}

/// Where the planning meeting is held (MN-PLAN-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingPlace {
    /// At the child's home.
    Home,
    /// Online.
    Online,
    /// At the school.
    School,
}

/// One part of the package (MN-PLAN-2). Hours are per week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Component {
    /// Home learning support assistant visits (HLSA), a limited resource (MN-PROV-1).
    Hlsa {
        /// Hours per week.
        hours_per_week: f64,
    },
    /// Online learning, from the home school or a commissioned provider.
    OnlineLearning {
        /// Who provides it ("Home school" or the provider's name).
        provider: String,
        /// Hours per week.
        hours_per_week: f64,
    },
    /// An AV1 robot attending lessons for the child, a limited resource (MN-PROV-1).
    Av1Robot {
        /// Hours per week of lessons attended through the robot.
        hours_per_week: f64,
    },
    /// Alternative provision commissioned by the school.
    AlternativeProvision {
        /// Hours per week.
        hours_per_week: f64,
    },
    /// Contact with the home school (keeping the child connected to their class).
    HomeSchoolContact {
        /// Hours per week.
        hours_per_week: f64,
    },
    /// The reintegration plan, in words; it has no hours of its own.
    ReintegrationPlan {
        /// The plan as agreed.
        text: String,
    },
}

impl Component {
    /// Hours per week of education this part gives (none for the reintegration plan).
    pub fn hours_per_week(&self) -> f64 {
        match self {
            Component::Hlsa { hours_per_week }
            | Component::OnlineLearning { hours_per_week, .. }
            | Component::Av1Robot { hours_per_week }
            | Component::AlternativeProvision { hours_per_week }
            | Component::HomeSchoolContact { hours_per_week } => *hours_per_week,
            Component::ReintegrationPlan { .. } => 0.0,
        }
    }

    /// How the part is named on the record.
    pub fn label(&self) -> &'static str {
        match self {
            Component::Hlsa { .. } => "Home learning support (HLSA)",
            Component::OnlineLearning { .. } => "Online learning",
            Component::Av1Robot { .. } => "AV1 robot",
            Component::AlternativeProvision { .. } => {
                "Alternative provision (commissioned by the school)"
            }
            Component::HomeSchoolContact { .. } => "Contact with the home school",
            Component::ReintegrationPlan { .. } => "Reintegration plan",
        }
    }
}

/// The package of provision agreed at the planning meeting (MN-PLAN-2): any blend of the
/// components.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Package {
    /// The parts, in the order they were agreed.
    pub components: Vec<Component>,
}

impl Package {
    /// A package of these parts.
    pub fn new(components: Vec<Component>) -> Self {
        Self { components }
    }

    /// Hours of education per week, all parts together (MN-PLAN-2).
    pub fn total_hours(&self) -> f64 {
        self.components.iter().map(Component::hours_per_week).sum()
    }

    /// Whether an HLSA is part of the package (MN-PLAN-3).
    pub fn has_hlsa(&self) -> bool {
        self.components
            .iter()
            .any(|part| matches!(part, Component::Hlsa { .. }))
    }

    /// Whether an AV1 robot is part of the package (MN-PROV-1).
    pub fn has_av1_robot(&self) -> bool {
        self.components
            .iter()
            .any(|part| matches!(part, Component::Av1Robot { .. }))
    }
}

/// What is wrong with a package or its record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PackageError {
    /// A part has hours that are negative or not a number.
    #[error("{component}: hours per week must be a number of 0 or more")]
    InvalidHours {
        /// The part's label.
        component: &'static str,
    },
    /// Less than full time, and no medical reason recorded (MN-DEC-3).
    #[error(
        "The package is {hours} hours a week, less than full time ({full_time_hours}); record the medical reason"
    )]
    PartTimeWithoutMedicalReason {
        /// Hours in the package.
        hours: f64,
        /// Full time for this pupil.
        full_time_hours: f64,
    },
    /// The reason given for less than full time is about resources only (MN-DEC-3).
    #[error(
        "Provision is never reduced for cost or resource reasons; record the medical reason the pupil has less than full time"
    )]
    ResourceReasonNotAllowed,
    /// An HLSA is in the package and the record lacks the readiness sentence (MN-PLAN-3).
    #[error("Where an HLSA is agreed, the record must say: {HLSA_READINESS_STATEMENT}")]
    MissingReadinessStatement,
}

/// Words that name resources, cost or waiting rather than the pupil's health (MN-DEC-3).
const RESOURCE_WORDS: &[&str] = &[
    "afford",
    "allocation",
    "available",
    "availability",
    "budget",
    "capacity",
    "cost",
    "costs",
    "expensive",
    "funding",
    "funds",
    "money",
    "resource",
    "resources",
    "shortage",
    "staff",
    "staffing",
    "unavailable",
    "vacancy",
    "vacancies",
    "waiting",
    "waitlist",
];

/// Words that carry no reason of their own, or only name the resource that is short.
const FILLER_WORDS: &[&str] = &[
    "a",
    "all",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "av1",
    "because",
    "but",
    "by",
    "currently",
    "due",
    "enough",
    "for",
    "free",
    "from",
    "full",
    "has",
    "have",
    "hlsa",
    "hlsas",
    "hours",
    "in",
    "insufficient",
    "is",
    "lack",
    "limited",
    "list",
    "no",
    "none",
    "not",
    "of",
    "on",
    "only",
    "or",
    "pool",
    "robot",
    "robots",
    "service",
    "slot",
    "slots",
    "so",
    "the",
    "there",
    "time",
    "to",
    "tutor",
    "tutors",
    "until",
    "we",
    "yet",
];

/// Whether a reason names nothing but resources: every word is a resource word or filler, and
/// at least one is a resource word (MN-DEC-3).
fn only_about_resources(reason: &str) -> bool {
    let words: Vec<String> = reason
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.iter().any(|w| RESOURCE_WORDS.contains(&w.as_str()))
        && words
            .iter()
            .all(|w| RESOURCE_WORDS.contains(&w.as_str()) || FILLER_WORDS.contains(&w.as_str()))
}

/// Checks the package against full time (MN-DEC-3): provision is never reduced for cost or
/// resource reasons, so a package of less than `full_time_hours` needs a medical reason, and a
/// reason that names only cost, capacity or a waiting list is refused (Ombudsman case
/// 18 003 453). Hours that are negative or not a number are refused first.
///
/// The word screen catches the plain cases ("no HLSA capacity", "on the waiting list"); a
/// reason that mentions a health need passes and is read by the coordinator, who decides.
pub fn part_time_needs_medical_reason(
    package: &Package,
    full_time_hours: f64,
    medical_reason: Option<&str>,
) -> Result<(), PackageError> {
    if let Some(part) = package
        .components
        .iter()
        .find(|part| !(part.hours_per_week() >= 0.0 && part.hours_per_week().is_finite()))
    {
        return Err(PackageError::InvalidHours {
            component: part.label(),
        });
    }
    let hours = package.total_hours();
    if hours >= full_time_hours {
        return Ok(());
    }
    match medical_reason.map(str::trim) {
        None | Some("") => Err(PackageError::PartTimeWithoutMedicalReason {
            hours,
            full_time_hours,
        }),
        Some(reason) if only_about_resources(reason) => Err(PackageError::ResourceReasonNotAllowed),
        Some(_) => Ok(()),
    }
}

/// The sentence the record carries where an HLSA is agreed (MN-PLAN-3).
pub const HLSA_READINESS_STATEMENT: &str =
    "The parent or carer makes sure the young person is ready to learn at the agreed time.";

/// The sentence the record carries where an HLSA is agreed (MN-PLAN-3), for the record's
/// template.
pub fn hlsa_readiness_statement() -> &'static str {
    HLSA_READINESS_STATEMENT
}

/// Checks MN-PLAN-3: where the package has an HLSA, the record includes the parent's readiness
/// statement (`readiness_statement` is what the record says, if anything).
pub fn check_hlsa_readiness(
    package: &Package,
    readiness_statement: Option<&str>,
) -> Result<(), PackageError> {
    let recorded = readiness_statement.is_some_and(|text| !text.trim().is_empty());
    if package.has_hlsa() && !recorded {
        return Err(PackageError::MissingReadinessStatement);
    }
    Ok(())
}

/// An action agreed at the meeting (MN-PLAN-2): what, who, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// What is to be done.
    pub description: String,
    /// Who does it (a name or role); blank until agreed.
    pub owner: String,
    /// By when; `None` until agreed.
    pub due: Option<NaiveDate>,
}

/// What an action lacks (MN-PLAN-2); `action` counts from 1, as the record shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActionProblem {
    /// The action has no owner.
    #[error("Action {action}: say who will do it")]
    NoOwner {
        /// The action's number on the record, from 1.
        action: usize,
    },
    /// The action has no date.
    #[error("Action {action}: say when it will be done by")]
    NoDate {
        /// The action's number on the record, from 1.
        action: usize,
    },
}

/// Checks MN-PLAN-2: every action has an owner and a date. Lists every problem, in order, so
/// the error summary can link to each.
pub fn check_actions(actions: &[Action]) -> Result<(), Vec<ActionProblem>> {
    let problems: Vec<ActionProblem> = actions
        .iter()
        .enumerate()
        .flat_map(|(index, action)| {
            let number = index + 1;
            let no_owner = action
                .owner
                .trim()
                .is_empty()
                .then_some(ActionProblem::NoOwner { action: number });
            let no_date = action
                .due
                .is_none()
                .then_some(ActionProblem::NoDate { action: number });
            no_owner.into_iter().chain(no_date)
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Who a record or a copy of it is sent to (MN-PLAN-4, MN-REV-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// The parent or carer.
    ParentCarer,
    /// The home school.
    HomeSchool,
    /// The Medical Needs Service's mailbox.
    ServiceMailbox,
    /// The health professional who attended the meeting.
    HealthProfessional,
    /// The coordinator of the child's EHCP.
    EhcpCoordinator,
    /// The child's social worker.
    SocialWorker,
}

impl Recipient {
    /// How the recipient is named in the list of who was sent the record.
    pub fn label(self) -> &'static str {
        match self {
            Recipient::ParentCarer => "Parent or carer",
            Recipient::HomeSchool => "Home school",
            Recipient::ServiceMailbox => "Medical Needs Service mailbox",
            Recipient::HealthProfessional => "Health professional",
            Recipient::EhcpCoordinator => "EHCP coordinator",
            Recipient::SocialWorker => "Social worker",
        }
    }
}

/// Who the finalised record is sent to (MN-PLAN-4): always the parent or carer, the home
/// school and the service mailbox; the health professional if they attended; the EHCP
/// coordinator where the child has an EHCP or the coordinator attended; the social worker
/// where the child has one or one attended.
pub fn record_recipients(
    attendees: &[AttendeeKind],
    has_ehcp: bool,
    has_social_worker: bool,
) -> Vec<Recipient> {
    let attended = |kind| attendees.contains(&kind);
    let mut recipients = vec![
        Recipient::ParentCarer,
        Recipient::HomeSchool,
        Recipient::ServiceMailbox,
    ];
    if attended(AttendeeKind::HealthProfessional) {
        recipients.push(Recipient::HealthProfessional);
    }
    if has_ehcp || attended(AttendeeKind::EhcpCoordinator) {
        recipients.push(Recipient::EhcpCoordinator);
    }
    if has_social_worker || attended(AttendeeKind::SocialWorker) {
        recipients.push(Recipient::SocialWorker);
    }
    recipients
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::test_support::date;

    fn blend() -> Package {
        Package::new(vec![
            Component::Hlsa {
                hours_per_week: 5.0,
            },
            Component::OnlineLearning {
                provider: "Academy21".to_owned(),
                hours_per_week: 10.0,
            },
            Component::Av1Robot {
                hours_per_week: 3.5,
            },
            Component::AlternativeProvision {
                hours_per_week: 4.0,
            },
            Component::HomeSchoolContact {
                hours_per_week: 0.5,
            },
            Component::ReintegrationPlan {
                text: "Mornings in school from week 8".to_owned(),
            },
        ])
    }

    #[test]
    fn mn_plan_2_the_package_totals_the_hours_of_each_part() {
        let package = blend();
        assert_eq!(package.total_hours(), 23.0);
        assert!(package.has_hlsa());
        assert!(package.has_av1_robot());
        assert_eq!(Package::default().total_hours(), 0.0);
    }

    #[test]
    fn mn_plan_2_the_package_reads_from_json() {
        let json = r#"{"components": [
            {"kind": "online_learning", "provider": "Home school", "hours_per_week": 12},
            {"kind": "reintegration_plan", "text": "Lunchtimes first"}
        ]}"#;
        let package: Package = serde_json::from_str(json).unwrap();
        assert_eq!(package.total_hours(), 12.0);
        assert!(!package.has_hlsa());
    }

    #[test]
    fn mn_dec_3_full_time_needs_no_reason() {
        assert_eq!(part_time_needs_medical_reason(&blend(), 23.0, None), Ok(()));
    }

    #[test]
    fn mn_dec_3_part_time_without_a_medical_reason_is_refused() {
        let error = part_time_needs_medical_reason(&blend(), 25.0, Some("  ")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "The package is 23 hours a week, less than full time (25); record the medical reason"
        );
        assert!(part_time_needs_medical_reason(&blend(), 25.0, None).is_err());
    }

    #[test]
    fn mn_dec_3_cost_capacity_and_waiting_lists_are_never_a_reason() {
        for reason in [
            "No HLSA capacity",
            "Waiting list for an AV1 robot",
            "Budget",
            "Cost of tutors; insufficient staffing",
            "Resources not available",
        ] {
            assert_eq!(
                part_time_needs_medical_reason(&blend(), 25.0, Some(reason)),
                Err(PackageError::ResourceReasonNotAllowed),
                "{reason}"
            );
        }
    }

    #[test]
    fn mn_dec_3_a_medical_reason_is_accepted_even_beside_a_resource_word() {
        for reason in [
            "Fatigue after chemotherapy limits learning to mornings",
            "Consultant advises no more than 10 hours while recovering; HLSA capacity also limited",
        ] {
            assert_eq!(
                part_time_needs_medical_reason(&blend(), 25.0, Some(reason)),
                Ok(()),
                "{reason}"
            );
        }
    }

    #[test]
    fn mn_dec_3_impossible_hours_are_refused() {
        let package = Package::new(vec![Component::Hlsa {
            hours_per_week: -2.0,
        }]);
        assert_eq!(
            part_time_needs_medical_reason(&package, 25.0, Some("Fatigue")),
            Err(PackageError::InvalidHours {
                component: "Home learning support (HLSA)"
            })
        );
        let package = Package::new(vec![Component::Av1Robot {
            hours_per_week: f64::NAN,
        }]);
        assert!(part_time_needs_medical_reason(&package, 25.0, Some("Fatigue")).is_err());
    }

    #[test]
    fn mn_plan_3_an_hlsa_needs_the_readiness_statement() {
        assert_eq!(
            check_hlsa_readiness(&blend(), None),
            Err(PackageError::MissingReadinessStatement)
        );
        assert_eq!(
            check_hlsa_readiness(&blend(), Some(hlsa_readiness_statement())),
            Ok(())
        );
        let no_hlsa = Package::new(vec![Component::Av1Robot {
            hours_per_week: 10.0,
        }]);
        assert_eq!(check_hlsa_readiness(&no_hlsa, None), Ok(()));
        assert!(
            PackageError::MissingReadinessStatement
                .to_string()
                .ends_with("ready to learn at the agreed time.")
        );
    }

    #[test]
    fn mn_plan_1_attendee_kinds_include_everyone_the_policy_names() {
        assert_eq!(AttendeeKind::ALL.len(), 8);
        assert_eq!(
            AttendeeKind::HealthProfessional.label(),
            "Health professional who gave the evidence"
        );
        let place: MeetingPlace = serde_json::from_str(r#""online""#).unwrap();
        assert_eq!(place, MeetingPlace::Online);
    }

    #[test]
    fn mn_plan_2_every_action_has_an_owner_and_a_date() {
        let done = Action {
            description: "Set up online learning".to_owned(),
            owner: "Home school SENCo".to_owned(),
            due: Some(date(2025, 9, 19)),
        };
        let no_owner = Action {
            owner: " ".to_owned(),
            ..done.clone()
        };
        let neither = Action {
            owner: String::new(),
            due: None,
            ..done.clone()
        };
        assert_eq!(check_actions(std::slice::from_ref(&done)), Ok(()));
        assert_eq!(check_actions(&[]), Ok(()));
        assert_eq!(
            check_actions(&[done, no_owner, neither]),
            Err(vec![
                ActionProblem::NoOwner { action: 2 },
                ActionProblem::NoOwner { action: 3 },
                ActionProblem::NoDate { action: 3 },
            ])
        );
        assert_eq!(
            ActionProblem::NoDate { action: 3 }.to_string(),
            "Action 3: say when it will be done by"
        );
    }

    #[test]
    fn mn_plan_4_the_record_goes_to_family_school_mailbox_and_those_involved() {
        let attendees = [
            AttendeeKind::ParentCarer,
            AttendeeKind::HomeSchoolRepresentative,
            AttendeeKind::HealthProfessional,
        ];
        assert_eq!(
            record_recipients(&attendees, true, false),
            [
                Recipient::ParentCarer,
                Recipient::HomeSchool,
                Recipient::ServiceMailbox,
                Recipient::HealthProfessional,
                Recipient::EhcpCoordinator,
            ]
        );
        assert_eq!(
            record_recipients(&[AttendeeKind::ParentCarer], false, true),
            [
                Recipient::ParentCarer,
                Recipient::HomeSchool,
                Recipient::ServiceMailbox,
                Recipient::SocialWorker,
            ]
        );
    }
}
