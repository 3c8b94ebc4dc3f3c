//! "School, SEND and looked-after status": whether the pupil is on a roll, the type of school,
//! special educational needs and disabilities, and whether the child is looked after
//! (MN-REF-2, MN-ELIG-2, MN-ELIG-3, MN-ELIG-6, MN-ELIG-7, MN-SEND-1).
//!
//! The school itself is not asked: a referral is always from the signed-in user's school
//! (`App::save_referral` keeps the URN), so it is shown, not edited.

use super::answers::{Row, Rows};
use super::questions::{Choice, Group, Question, capitalised, list_radios, long_date};
use crate::form::Fields;
use mns_app::FieldError;
use mns_domain::referral::{Enrolment, LookedAfter, Referral, SchoolType, SendStatus};

/// Every type of school, in the order the form lists them.
const SCHOOL_TYPES: [SchoolType; 9] = [
    SchoolType::Maintained,
    SchoolType::MaintainedSpecial,
    SchoolType::Academy,
    SchoolType::AcademySpecial,
    SchoolType::AlternativeProvision,
    SchoolType::NonMaintainedSpecial,
    SchoolType::Independent,
    SchoolType::IndependentSpecial,
    SchoolType::FurtherEducation,
];

/// Fails to compile when a type of school is added, so the list above is kept up to date.
#[expect(
    dead_code,
    reason = "a compile-time check that SCHOOL_TYPES lists every variant"
)]
fn every_school_type_is_listed(school_type: SchoolType) {
    match school_type {
        SchoolType::Maintained
        | SchoolType::MaintainedSpecial
        | SchoolType::Academy
        | SchoolType::AcademySpecial
        | SchoolType::AlternativeProvision
        | SchoolType::NonMaintainedSpecial
        | SchoolType::Independent
        | SchoolType::IndependentSpecial
        | SchoolType::FurtherEducation => {}
    }
}

/// The school as the page shows it: "Wensum Valley Primary (URN 121001)".
fn school_line(form: &Referral) -> String {
    let urn = form.school.urn.as_ref().map_or("", |u| u.text());
    match (form.school.name.trim(), urn) {
        ("", urn) => format!("URN {urn}"),
        (name, "") => name.to_string(),
        (name, urn) => format!("{name} (URN {urn})"),
    }
}

fn enrolment_label(enrolment: &Enrolment) -> &'static str {
    match enrolment {
        Enrolment::OnRoll => "On the school's roll",
        Enrolment::NotOnRoll => "Not on any school roll",
        Enrolment::ElectivelyHomeEducated { .. } => "Electively home educated",
    }
}

/// The questions, showing what the referral holds.
pub fn groups(form: &Referral, council_name: &str) -> Vec<Group> {
    let pupil = &form.pupil;
    let enrolment = pupil.enrolment.as_ref();
    let (sen_summary, ehcp) = match &pupil.send {
        Some(SendStatus::SenSupport { summary }) => (summary.as_str(), None),
        Some(SendStatus::Ehcp {
            ehcp_coordinator,
            last_reviewed,
            summary,
        }) => (
            "",
            Some((ehcp_coordinator.as_str(), *last_reviewed, summary.as_str())),
        ),
        _ => ("", None),
    };
    let placing_authority = match &pupil.looked_after {
        Some(LookedAfter::PlacedByAnotherAuthority { placing_authority }) => {
            placing_authority.as_str()
        }
        _ => "",
    };
    vec![
        Group::headed(
            "School",
            vec![
                Question::read_only("school.urn", "School", &school_line(form))
                    .hint("The referral is from your school."),
                Question::radios(
                    "pupil.enrolment",
                    "Is the pupil on the school's roll?",
                    vec![
                        Choice::new(
                            "on_roll",
                            enrolment_label(&Enrolment::OnRoll),
                            enrolment == Some(&Enrolment::OnRoll),
                        ),
                        Choice::new(
                            "not_on_roll",
                            enrolment_label(&Enrolment::NotOnRoll),
                            enrolment == Some(&Enrolment::NotOnRoll),
                        )
                        .hint("The coordinator handles a child missing education without a school referral."),
                        Choice::new(
                            "electively_home_educated",
                            "Electively home educated",
                            matches!(enrolment, Some(Enrolment::ElectivelyHomeEducated { .. })),
                        )
                        .hint("Registered by the parents as educated at home"),
                    ],
                ),
                list_radios(
                    "school.school_type",
                    "What type of school is it?",
                    &SCHOOL_TYPES,
                    form.school.school_type,
                    |t| capitalised(t.label()),
                )
                .hint("As Get Information About Schools lists it"),
            ],
        ),
        Group::headed(
            "Special educational needs and disabilities (SEND)",
            vec![Question::radios(
                "pupil.send",
                "What is the pupil's SEND status?",
                vec![
                    Choice::new(
                        "none",
                        "No identified special educational needs",
                        pupil.send == Some(SendStatus::NoIdentifiedNeeds),
                    ),
                    Choice::new(
                        "sen_support",
                        "SEN support, without an Education, Health and Care Plan",
                        matches!(pupil.send, Some(SendStatus::SenSupport { .. })),
                    )
                    .reveal(vec![Question::textarea(
                        "pupil.send.sen_support_summary",
                        "Summary of the needs and the support in place",
                        sen_summary,
                    )]),
                    Choice::new(
                        "ehcp",
                        "Education, Health and Care Plan (EHCP)",
                        ehcp.is_some(),
                    )
                    .reveal(vec![
                        Question::text(
                            "pupil.send.ehcp_coordinator",
                            "EHCP coordinator's name and how to contact them",
                            ehcp.map_or("", |e| e.0),
                        ),
                        Question::date(
                            "pupil.send.last_reviewed",
                            "Date of the plan's last annual review (optional)",
                            ehcp.and_then(|e| e.1),
                        ),
                        Question::textarea(
                            "pupil.send.ehcp_summary",
                            "Summary of the needs and the provision the plan sets out",
                            ehcp.map_or("", |e| e.2),
                        ),
                    ]),
                ],
            )],
        ),
        Group::headed(
            "Looked-after status",
            vec![Question::radios(
                "pupil.looked_after",
                "Is the pupil a looked-after child?",
                vec![
                    Choice::new("no", "No", pupil.looked_after == Some(LookedAfter::No)),
                    Choice::new(
                        "by_this_council",
                        format!("Yes, looked after by {council_name}"),
                        pupil.looked_after == Some(LookedAfter::ByThisCouncil),
                    ),
                    Choice::new(
                        "placed_by_another_authority",
                        "Yes, placed in the area by another local authority",
                        matches!(
                            pupil.looked_after,
                            Some(LookedAfter::PlacedByAnotherAuthority { .. })
                        ),
                    )
                    .reveal(vec![Question::text(
                        "pupil.looked_after.placing_authority",
                        "Which local authority placed the child?",
                        placing_authority,
                    )]),
                ],
            )],
        ),
    ]
}

/// Puts the answers posted into the referral.
pub fn apply(fields: &Fields, form: &mut Referral) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(school_type) = fields.choice("school.school_type") {
        form.school.school_type = Some(school_type);
    }
    let pupil = &mut form.pupil;
    match fields.get("pupil.enrolment") {
        Some("on_roll") => pupil.enrolment = Some(Enrolment::OnRoll),
        Some("not_on_roll") => pupil.enrolment = Some(Enrolment::NotOnRoll),
        Some("electively_home_educated") => {
            // The exceptional circumstances are the coordinator's to record: kept as they are.
            let exceptional_circumstances = match &pupil.enrolment {
                Some(Enrolment::ElectivelyHomeEducated {
                    exceptional_circumstances,
                }) => exceptional_circumstances.clone(),
                _ => String::new(),
            };
            pupil.enrolment = Some(Enrolment::ElectivelyHomeEducated {
                exceptional_circumstances,
            });
        }
        _ => {}
    }
    match fields.get("pupil.send") {
        Some("none") => pupil.send = Some(SendStatus::NoIdentifiedNeeds),
        Some("sen_support") => {
            let mut summary = match &pupil.send {
                Some(SendStatus::SenSupport { summary }) => summary.clone(),
                _ => String::new(),
            };
            fields.set_text("pupil.send.sen_support_summary", &mut summary);
            pupil.send = Some(SendStatus::SenSupport { summary });
        }
        Some("ehcp") => {
            let (mut ehcp_coordinator, mut last_reviewed, mut summary) = match &pupil.send {
                Some(SendStatus::Ehcp {
                    ehcp_coordinator,
                    last_reviewed,
                    summary,
                }) => (ehcp_coordinator.clone(), *last_reviewed, summary.clone()),
                _ => (String::new(), None, String::new()),
            };
            fields.set_text("pupil.send.ehcp_coordinator", &mut ehcp_coordinator);
            fields.set_date(
                "pupil.send.last_reviewed",
                "The date of the plan's last annual review",
                &mut last_reviewed,
                &mut errors,
            );
            fields.set_text("pupil.send.ehcp_summary", &mut summary);
            pupil.send = Some(SendStatus::Ehcp {
                ehcp_coordinator,
                last_reviewed,
                summary,
            });
        }
        _ => {}
    }
    match fields.get("pupil.looked_after") {
        Some("no") => pupil.looked_after = Some(LookedAfter::No),
        Some("by_this_council") => pupil.looked_after = Some(LookedAfter::ByThisCouncil),
        Some("placed_by_another_authority") => {
            let mut placing_authority = match &pupil.looked_after {
                Some(LookedAfter::PlacedByAnotherAuthority { placing_authority }) => {
                    placing_authority.clone()
                }
                _ => String::new(),
            };
            fields.set_text(
                "pupil.looked_after.placing_authority",
                &mut placing_authority,
            );
            pupil.looked_after = Some(LookedAfter::PlacedByAnotherAuthority { placing_authority });
        }
        _ => {}
    }
    errors
}

/// The answers for "Check your answers".
pub fn answers(form: &Referral, referral_id: &str, council_name: &str) -> Vec<Row> {
    let pupil = &form.pupil;
    let mut rows = Rows::new(referral_id);
    rows.fixed("School", &school_line(form));
    rows.text(
        "On a school roll",
        "pupil.enrolment",
        pupil.enrolment.as_ref().map_or("", enrolment_label),
    );
    rows.text(
        "Type of school",
        "school.school_type",
        &form
            .school
            .school_type
            .map(|t| capitalised(t.label()))
            .unwrap_or_default(),
    );
    let send = match &pupil.send {
        None => Vec::new(),
        Some(SendStatus::NoIdentifiedNeeds) => {
            vec!["No identified special educational needs".to_string()]
        }
        Some(SendStatus::SenSupport { summary }) => vec!["SEN support".into(), summary.clone()],
        Some(SendStatus::Ehcp {
            ehcp_coordinator,
            last_reviewed,
            summary,
        }) => vec![
            "Education, Health and Care Plan".into(),
            format!("EHCP coordinator: {ehcp_coordinator}"),
            last_reviewed
                .map(|d| format!("Last reviewed {}", long_date(d)))
                .unwrap_or_default(),
            summary.clone(),
        ],
    };
    rows.lines("SEND status", "pupil.send", send);
    let looked_after = match &pupil.looked_after {
        None => Vec::new(),
        Some(LookedAfter::No) => vec!["No".to_string()],
        Some(LookedAfter::ByThisCouncil) => vec![format!("Yes, by {council_name}")],
        Some(LookedAfter::PlacedByAnotherAuthority { placing_authority }) => vec![
            "Yes, placed by another local authority".into(),
            placing_authority.clone(),
        ],
    };
    rows.lines("Looked-after child", "pupil.looked_after", looked_after);
    rows.rows
}
