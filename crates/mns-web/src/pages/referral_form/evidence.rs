//! "Medical evidence": the GOV.UK "add another" pattern. The section's page lists the evidence
//! added, each with "Change" and "Remove"; a piece is added or changed on a page of its own
//! (`?add=1`, `?change=N`), so nothing typed there is lost to another form's button
//! (MN-EV-1 to MN-EV-7).
//!
//! A piece of evidence is added only when it has what `Referral::missing_fields` asks of every
//! piece (who gave it, the kind of document, the date seen, whether in person, and for verbal
//! evidence who, when and what); the page says what is missing and keeps what was typed.

use super::answers::{Row, Rows};
use super::questions::{Choice, Question, capitalised, list_radios, long_date};
use super::sections::{evidence_anchor, evidence_field};
use crate::form::Fields;
use mns_app::FieldError;
use mns_domain::referral::{
    DocumentKind, EvidenceContent, MedicalEvidence, ProfessionalKind, Referral, VerbalEvidence,
    VerbalSetting,
};

/// Every kind of professional, accepted ones first (MN-EV-1).
const PROFESSIONALS: [ProfessionalKind; 11] = [
    ProfessionalKind::CamhsProfessional,
    ProfessionalKind::MeCfsService,
    ProfessionalKind::SchoolNurse,
    ProfessionalKind::Paediatrician,
    ProfessionalKind::ClinicalChildPsychologist,
    ProfessionalKind::ConsultantChildPsychiatrist,
    ProfessionalKind::OtherSpecialistNhsService,
    ProfessionalKind::PrimaryCareHealthProfessional,
    ProfessionalKind::GeneralPractitioner,
    ProfessionalKind::OtherHealthProfessional,
    ProfessionalKind::NotAHealthProfessional,
];

/// Every kind of document.
const DOCUMENTS: [DocumentKind; 8] = [
    DocumentKind::Letter,
    DocumentKind::DischargeSummary,
    DocumentKind::JointMedicalProtocolForm,
    DocumentKind::FitNote,
    DocumentKind::AppointmentLetter,
    DocumentKind::AppointmentCard,
    DocumentKind::Verbal,
    DocumentKind::Other,
];

/// Fails to compile when a kind is added, so the lists above are kept up to date.
#[expect(
    dead_code,
    reason = "a compile-time check that the lists name every variant"
)]
fn every_kind_is_listed(professional: ProfessionalKind, document: DocumentKind) {
    match professional {
        ProfessionalKind::CamhsProfessional
        | ProfessionalKind::MeCfsService
        | ProfessionalKind::SchoolNurse
        | ProfessionalKind::Paediatrician
        | ProfessionalKind::ClinicalChildPsychologist
        | ProfessionalKind::ConsultantChildPsychiatrist
        | ProfessionalKind::OtherSpecialistNhsService
        | ProfessionalKind::PrimaryCareHealthProfessional
        | ProfessionalKind::GeneralPractitioner
        | ProfessionalKind::OtherHealthProfessional
        | ProfessionalKind::NotAHealthProfessional => {}
    }
    match document {
        DocumentKind::Letter
        | DocumentKind::DischargeSummary
        | DocumentKind::JointMedicalProtocolForm
        | DocumentKind::FitNote
        | DocumentKind::AppointmentLetter
        | DocumentKind::AppointmentCard
        | DocumentKind::Verbal
        | DocumentKind::Other => {}
    }
}

/// A kind of professional as a radio button says it.
pub(crate) fn professional_label(kind: ProfessionalKind) -> String {
    match kind {
        ProfessionalKind::MeCfsService => "Norfolk and Suffolk ME/CFS service".into(),
        ProfessionalKind::OtherSpecialistNhsService => "Another specialist NHS service".into(),
        ProfessionalKind::OtherHealthProfessional => "Another kind of health professional".into(),
        ProfessionalKind::NotAHealthProfessional => "Not a health professional".into(),
        kind => capitalised(kind.label()),
    }
}

/// A kind of document as a radio button says it.
pub(crate) fn document_label(kind: DocumentKind) -> String {
    match kind {
        DocumentKind::Other => "Another kind of document".into(),
        kind => capitalised(kind.label()),
    }
}

fn setting_label(setting: VerbalSetting) -> &'static str {
    match setting {
        VerbalSetting::Telephone => "By telephone to the coordinator",
        VerbalSetting::MultiAgencyMeeting => "At a multi-agency meeting",
    }
}

/// What a post to the evidence page asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Add a piece of evidence, or change the one at this index.
    Add(Option<usize>),
    /// Remove the piece at this index.
    Remove(Option<usize>),
    /// Save the section's own question and go back to the task list.
    Save,
}

/// The action a post asks for: saving, unless it says otherwise.
pub fn action(fields: &Fields) -> Action {
    let index = fields.get("index").and_then(|i| i.parse().ok());
    match fields.get("action") {
        Some("add") => Action::Add(index),
        Some("remove") => Action::Remove(index),
        _ => Action::Save,
    }
}

/// The question the section's page asks of its own (MN-EV-7).
pub fn repeat_question(form: &Referral) -> Question {
    Question::yes_no(
        "repeat_referral",
        "Has the pupil been referred to the Medical Needs Service before?",
        form.repeat_referral,
    )
}

/// Saves the section's own question.
pub fn apply(fields: &Fields, form: &mut Referral) -> Vec<FieldError> {
    fields.set_answer("repeat_referral", &mut form.repeat_referral);
    Vec::new()
}

/// The questions about one piece of evidence, showing `item`.
pub fn item_questions(item: &MedicalEvidence) -> Vec<Question> {
    let verbal = item.verbal.clone().unwrap_or_default();
    let mut professional = list_radios(
        "professional",
        "Who gave the evidence?",
        &PROFESSIONALS,
        item.professional,
        professional_label,
    );
    for option in &mut professional.options {
        option.hint = match option.value.as_str() {
            "camhs_professional" => "A mental health nurse or practitioner".into(),
            "primary_care_health_professional" => "For example, a practice nurse".into(),
            "other_health_professional" => {
                "For example, a private therapist. The coordinator is told the policy does not list this kind."
                    .into()
            }
            "not_a_health_professional" => "For example, a parent or a teacher".into(),
            _ => String::new(),
        };
    }
    let mut document = list_radios(
        "document",
        "What kind of evidence is it?",
        &DOCUMENTS,
        item.document,
        document_label,
    );
    for option in &mut document.options {
        match option.value.as_str() {
            "appointment_letter" | "appointment_card" => {
                option.hint = "Not accepted as evidence for a referral".into();
            }
            "fit_note" => option.hint = "A ‘Fitness for Work’ note".into(),
            "verbal" => {
                option.hint =
                    "Given by telephone to the coordinator, or at a multi-agency meeting".into();
                option.conditional = vec![
                    list_radios(
                        "verbal.setting",
                        "How was it given?",
                        &[VerbalSetting::Telephone, VerbalSetting::MultiAgencyMeeting],
                        verbal.setting,
                        |s| setting_label(s).to_string(),
                    ),
                    Question::date("verbal.given_on", "When was it given?", verbal.given_on),
                    Question::textarea(
                        "verbal.summary",
                        "What did the professional say?",
                        &verbal.summary,
                    )
                    .rows(4),
                    Question::text(
                        "verbal.recorded_by",
                        "Who recorded it?",
                        &verbal.recorded_by,
                    ),
                ];
            }
            _ => {}
        }
    }
    let content = &item.content;
    vec![
        professional,
        Question::text(
            "professional_name",
            "Their name and service",
            &item.professional_name,
        )
        .hint("For example, Dr A Patel, Jenny Lind Children's Hospital. Needed for verbal evidence."),
        document,
        Question::date(
            "date_seen",
            "When did the professional see the pupil?",
            item.date_seen,
        )
        .hint("The date the evidence gives. For example, 27 10 2026"),
        Question::yes_no(
            "seen_in_person",
            "Did the professional see the pupil in person?",
            item.seen_in_person,
        )
        .hint("For diagnosis or treatment"),
        Question::checkboxes(
            "flags",
            "Does the evidence say either of these?",
            vec![
                Choice::checkbox(
                    "has_not_seen_or_spoken_to_young_person",
                    "The professional has not seen or spoken to the pupil",
                    item.has_not_seen_or_spoken_to_young_person,
                ),
                Choice::checkbox(
                    "names_send_without_illness",
                    "It names special educational needs but no illness or diagnosis",
                    item.names_send_without_illness,
                ),
            ],
        )
        .hint("Select any that apply, or leave them empty"),
        Question::textarea(
            "content.condition_and_treatment",
            "What does it say about the health condition and its treatment, and how they affect attendance?",
            &content.condition_and_treatment,
        )
        .hint("Leave empty if the evidence does not say")
        .rows(3),
        Question::textarea(
            "content.referrals_to_other_services",
            "What does it say about referrals to other services?",
            &content.referrals_to_other_services,
        )
        .hint("For example, CAMHS, or that there are none. Leave empty if the evidence does not say.")
        .rows(3),
        Question::textarea(
            "content.reintegration",
            "What does it say about how the pupil may best return to full-time education?",
            &content.reintegration,
        )
        .hint("Leave empty if the evidence does not say")
        .rows(3),
    ]
}

/// One piece of evidence as posted; a date that is not real is an error.
pub fn item_from(fields: &Fields, errors: &mut Vec<FieldError>) -> MedicalEvidence {
    let text = |name: &str| fields.get(name).unwrap_or_default().to_string();
    let date = |name: &str, label: &str, errors: &mut Vec<FieldError>| {
        let mut date = None;
        fields.set_date(name, label, &mut date, errors);
        date
    };
    let document: Option<DocumentKind> = fields.choice("document");
    let date_seen = date(
        "date_seen",
        "The date the professional saw the pupil",
        errors,
    );
    let verbal = (document == Some(DocumentKind::Verbal)).then(|| VerbalEvidence {
        setting: fields.choice("verbal.setting"),
        given_on: date("verbal.given_on", "The date it was given", errors),
        summary: text("verbal.summary"),
        recorded_by: text("verbal.recorded_by"),
    });
    MedicalEvidence {
        professional: fields.choice("professional"),
        professional_name: text("professional_name"),
        document,
        date_seen,
        seen_in_person: fields.yes_no("seen_in_person"),
        has_not_seen_or_spoken_to_young_person: fields
            .get("has_not_seen_or_spoken_to_young_person")
            .is_some(),
        names_send_without_illness: fields.get("names_send_without_illness").is_some(),
        content: EvidenceContent {
            condition_and_treatment: text("content.condition_and_treatment"),
            referrals_to_other_services: text("content.referrals_to_other_services"),
            reintegration: text("content.reintegration"),
        },
        verbal,
        ..MedicalEvidence::default()
    }
}

/// Puts `item` at `index` (or at the end), returning where it went. Changing a piece a health
/// professional gave through the service keeps who gave it (their registration, organisation,
/// account and the day): the school's form has no fields for them, and may not take them away.
pub fn place(form: &mut Referral, index: Option<usize>, item: MedicalEvidence) -> usize {
    match index {
        Some(i) if i < form.evidence.len() => {
            let was = &form.evidence[i];
            form.evidence[i] = MedicalEvidence {
                registration: was.registration.clone(),
                organisation: was.organisation.clone(),
                given_by_user: was.given_by_user.clone(),
                given_on: was.given_on,
                ..item
            };
            i
        }
        _ => {
            form.evidence.push(item);
            form.evidence.len() - 1
        }
    }
}

/// What the piece of evidence at `index` still needs, named by the form's fields: the
/// domain's own list of problems (MN-REF-1) for that piece.
pub fn item_problems(form: &Referral, index: usize) -> Vec<FieldError> {
    form.missing_fields()
        .into_iter()
        .filter_map(|problem| match evidence_field(&problem.field) {
            Some((i, name)) if i == index => {
                Some(FieldError::new(evidence_anchor(name), problem.message))
            }
            _ => None,
        })
        .collect()
}

/// A piece of evidence in the list on the section's page.
pub struct EvidenceCard {
    /// Its index in the referral.
    pub index: usize,
    /// Its number as people count (index + 1).
    pub number: usize,
    /// "Evidence 1: paediatrician, letter".
    pub title: String,
    /// Its answers.
    pub rows: Vec<Row>,
}

fn summary(item: &MedicalEvidence) -> String {
    let mut parts = Vec::new();
    if let Some(p) = item.professional {
        parts.push(p.label().to_string());
    }
    if let Some(d) = item.document {
        parts.push(d.label().to_string());
    }
    parts.join(", ")
}

/// Who gave a piece of evidence through the service, e.g. "Given by Dr Kim Shaw, Norfolk and
/// Norwich University Hospitals (GMC 1234567), organisation RMY, on 6 December 2026"; `None`
/// for evidence the school added (MN-EV-1).
pub fn given_line(item: &MedicalEvidence) -> Option<String> {
    item.given_by_user.as_ref()?;
    let mut line = format!("Given by {}", item.professional_name);
    if let Some(registration) = &item.registration {
        line.push_str(&format!(" ({registration})"));
    }
    if let Some(organisation) = &item.organisation {
        line.push_str(&format!(", organisation {}", organisation.as_str()));
    }
    if let Some(on) = item.given_on {
        line.push_str(&format!(", on {}", long_date(on)));
    }
    Some(line)
}

fn seen_line(item: &MedicalEvidence) -> String {
    let when = item.date_seen.map(long_date).unwrap_or_default();
    match (when.as_str(), item.seen_in_person) {
        ("", None) => String::new(),
        ("", Some(true)) => "Seen in person".into(),
        ("", Some(false)) => "Not seen in person".into(),
        (when, Some(true)) => format!("Seen in person on {when}"),
        (when, Some(false)) => format!("Seen on {when}, not in person"),
        (when, None) => format!("Seen on {when}"),
    }
}

/// The list on the section's page.
pub fn cards(form: &Referral) -> Vec<EvidenceCard> {
    form.evidence
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let row = |key: &str, lines: Vec<String>| {
                let lines: Vec<String> =
                    lines.into_iter().filter(|l| !l.trim().is_empty()).collect();
                (!lines.is_empty()).then(|| Row {
                    key: key.to_string(),
                    lines,
                    href: String::new(),
                    hidden: String::new(),
                })
            };
            let mut flags = Vec::new();
            if item.has_not_seen_or_spoken_to_young_person {
                flags.push("Says the professional has not seen or spoken to the pupil".into());
            }
            if item.names_send_without_illness {
                flags.push("Names special educational needs but no illness or diagnosis".into());
            }
            let verbal = item.verbal.as_ref().map_or_else(Vec::new, |v| {
                vec![
                    v.setting.map(setting_label).unwrap_or_default().to_string(),
                    v.given_on
                        .map(|d| format!("Given {}", long_date(d)))
                        .unwrap_or_default(),
                    v.summary.clone(),
                    if v.recorded_by.trim().is_empty() {
                        String::new()
                    } else {
                        format!("Recorded by {}", v.recorded_by)
                    },
                ]
            });
            let rows = [
                row(
                    "Who gave it",
                    vec![
                        item.professional
                            .map(professional_label)
                            .unwrap_or_default(),
                        item.professional_name.clone(),
                    ],
                ),
                row(
                    "Given through the service",
                    given_line(item).into_iter().collect(),
                ),
                row(
                    "Kind of evidence",
                    vec![item.document.map(document_label).unwrap_or_default()],
                ),
                row("Seen", vec![seen_line(item)]),
                row("Verbal evidence", verbal),
                row("The evidence says", flags),
                row(
                    "Condition and treatment",
                    vec![item.content.condition_and_treatment.clone()],
                ),
                row(
                    "Referrals to other services",
                    vec![item.content.referrals_to_other_services.clone()],
                ),
                row(
                    "Return to education",
                    vec![item.content.reintegration.clone()],
                ),
            ]
            .into_iter()
            .flatten()
            .collect();
            let summary = summary(item);
            EvidenceCard {
                index,
                number: index + 1,
                title: if summary.is_empty() {
                    format!("Evidence {}", index + 1)
                } else {
                    format!("Evidence {}: {summary}", index + 1)
                },
                rows,
            }
        })
        .collect()
}

/// The answers for "Check your answers".
pub fn answers(form: &Referral, referral_id: &str) -> Vec<Row> {
    let mut rows = Rows::new(referral_id);
    if form.evidence.is_empty() {
        rows.text("Medical evidence", "evidence", "");
    }
    for (index, item) in form.evidence.iter().enumerate() {
        rows.lines(
            &format!("Evidence {}", index + 1),
            &format!("evidence[{index}].professional"),
            vec![
                capitalised(&summary(item)),
                given_line(item).unwrap_or_else(|| item.professional_name.clone()),
                seen_line(item),
            ],
        );
    }
    rows.yes_no("Referred before", "repeat_referral", form.repeat_referral);
    rows.rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use mns_domain::identifiers::{OdsCode, ProfessionalRegistration, RegistrationBody};

    #[test]
    fn mn_ev_1_a_school_changing_evidence_a_health_professional_gave_keeps_who_gave_it() {
        let given = MedicalEvidence {
            professional: Some(ProfessionalKind::Paediatrician),
            professional_name: "Dr Kim Shaw, NNUH".into(),
            registration: Some(
                ProfessionalRegistration::parse(RegistrationBody::Gmc, "1234567").unwrap(),
            ),
            organisation: Some(OdsCode::parse("RMY").unwrap()),
            given_by_user: Some("hp".into()),
            given_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 6),
            ..MedicalEvidence::default()
        };
        let mut form = Referral {
            evidence: vec![given],
            ..Referral::default()
        };
        // The school's form sends back what it shows, without the provenance.
        let resaved = MedicalEvidence {
            professional: Some(ProfessionalKind::Paediatrician),
            professional_name: "Dr Kim Shaw, NNUH".into(),
            seen_in_person: Some(true),
            ..MedicalEvidence::default()
        };
        assert_eq!(place(&mut form, Some(0), resaved), 0);
        let kept = &form.evidence[0];
        assert_eq!(kept.seen_in_person, Some(true));
        assert_eq!(kept.given_by_user.as_deref(), Some("hp"));
        assert_eq!(
            given_line(kept).unwrap(),
            "Given by Dr Kim Shaw, NNUH (GMC 1234567), organisation RMY, on 6 December 2026"
        );
        // A new piece the school adds is the school's.
        place(&mut form, None, MedicalEvidence::default());
        assert_eq!(given_line(&form.evidence[1]), None);
    }
}
