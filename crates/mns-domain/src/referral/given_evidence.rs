//! Evidence a health professional gives through the service (MN-EV-1, MN-EV-2, MN-EV-3,
//! MN-EV-5, MN-EV-8): their structured answers, checked, become a [`MedicalEvidence`] on the
//! referral. What the school copies from a letter may be incomplete and is flagged by the
//! checks; what a professional gives themselves is checked as they give it, so a registration
//! number or ODS code in the wrong shape never reaches the referral.

use chrono::NaiveDate;

use super::form::{DocumentKind, EvidenceContent, MedicalEvidence, ProfessionalKind};
use crate::identifiers::{OdsCode, ProfessionalRegistration, RegistrationBody};

/// The kinds of professional a health professional may say they are: the nine MN-EV-1 accepts,
/// then "another kind of health professional" (whose evidence the checks flag).
pub const PROFESSIONS: [ProfessionalKind; 10] = [
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
];

/// The kinds of document a health professional may upload with their evidence; appointment
/// letters and cards are offered so that choosing one is answered with MN-EV-3's reason.
pub const DOCUMENT_KINDS: [DocumentKind; 6] = [
    DocumentKind::Letter,
    DocumentKind::DischargeSummary,
    DocumentKind::JointMedicalProtocolForm,
    DocumentKind::FitNote,
    DocumentKind::AppointmentLetter,
    DocumentKind::Other,
];

/// What a health professional answered on the evidence page, read from the form but not yet
/// checked. A choice that was not one of the list's is `None`, as is a date not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceAnswers {
    /// Their profession (MN-EV-1).
    pub profession: Option<ProfessionalKind>,
    /// Their regulator.
    pub registration_body: Option<RegistrationBody>,
    /// Their registration number, as typed.
    pub registration_number: String,
    /// Their organisation's ODS code, as typed.
    pub organisation_code: String,
    /// Their organisation's name.
    pub organisation_name: String,
    /// When they saw the young person (MN-EV-2, MN-EV-5).
    pub date_seen: Option<NaiveDate>,
    /// Whether they saw the young person in person (MN-EV-2).
    pub seen_in_person: Option<bool>,
    /// What the evidence says (MN-EV-5).
    pub content: EvidenceContent,
    /// The kind of document uploaded with it (MN-EV-3).
    pub document: Option<DocumentKind>,
}

/// One problem with the answers: the form field and what is wrong, in plain English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerProblem {
    /// The form field.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl AnswerProblem {
    fn new(field: &'static str, message: impl Into<String>) -> AnswerProblem {
        AnswerProblem {
            field,
            message: message.into(),
        }
    }
}

/// Turns a health professional's answers into the evidence put on the referral, or every
/// problem at once, in the order of the page:
///
/// - MN-EV-1: the profession is required and one of the accepted kinds or "another kind"; the
///   registration number must have the regulator's format ([`ProfessionalRegistration`]); the
///   organisation's ODS code its format ([`OdsCode`]) and its name given.
/// - MN-EV-2: the date seen is required and not after `today`; whether in person is required.
/// - MN-EV-5: the condition and its treatment are required; referrals to other services and
///   reintegration may be empty, which means the evidence does not say (the checks flag it).
/// - MN-EV-3: the kind of document is required, and an appointment letter or card is refused.
///
/// `name` is the professional's name as their account has it; `user_id` their account, kept on
/// the evidence with `today` as the day it was given.
pub fn evidence_from_answers(
    answers: &EvidenceAnswers,
    name: &str,
    user_id: &str,
    today: NaiveDate,
) -> Result<MedicalEvidence, Vec<AnswerProblem>> {
    let mut problems = Vec::new();
    let profession = answers.profession.filter(|p| PROFESSIONS.contains(p));
    if profession.is_none() {
        problems.push(AnswerProblem::new(
            "profession",
            "Select your profession, or ‘Another kind of health professional’",
        ));
    }
    let registration = match answers.registration_body {
        None => {
            problems.push(AnswerProblem::new(
                "registration_body",
                "Select the body you are registered with",
            ));
            None
        }
        Some(body) => match ProfessionalRegistration::parse(body, &answers.registration_number) {
            Ok(registration) => Some(registration),
            Err(e) => {
                problems.push(AnswerProblem::new("registration_number", e.to_string()));
                None
            }
        },
    };
    let organisation = match OdsCode::parse(&answers.organisation_code) {
        Ok(code) => Some(code),
        Err(e) => {
            problems.push(AnswerProblem::new("organisation_code", e.to_string()));
            None
        }
    };
    let organisation_name = answers.organisation_name.trim();
    if organisation_name.is_empty() {
        problems.push(AnswerProblem::new(
            "organisation_name",
            "Enter your organisation's name",
        ));
    }
    match answers.date_seen {
        None => problems.push(AnswerProblem::new(
            "date_seen",
            "Enter the date you saw the young person",
        )),
        Some(seen) if seen > today => problems.push(AnswerProblem::new(
            "date_seen",
            "The date you saw the young person must be today or in the past",
        )),
        Some(_) => {}
    }
    if answers.seen_in_person.is_none() {
        problems.push(AnswerProblem::new(
            "seen_in_person",
            "Select yes if you saw the young person in person",
        ));
    }
    let content = EvidenceContent {
        condition_and_treatment: answers.content.condition_and_treatment.trim().to_string(),
        referrals_to_other_services: answers
            .content
            .referrals_to_other_services
            .trim()
            .to_string(),
        reintegration: answers.content.reintegration.trim().to_string(),
    };
    if content.condition_and_treatment.is_empty() {
        problems.push(AnswerProblem::new(
            "condition_and_treatment",
            "Enter the health condition and its treatment, and how they affect attendance",
        ));
    }
    match answers.document {
        None => problems.push(AnswerProblem::new(
            "document_kind",
            "Select what kind of document you are uploading",
        )),
        Some(kind) if kind.is_appointment() => problems.push(AnswerProblem::new(
            "document_kind",
            "Appointment letters and cards are not accepted as evidence for a referral: they do not show that the young person was seen. Upload a clinic letter, report or discharge summary",
        )),
        Some(kind) if !DOCUMENT_KINDS.contains(&kind) => problems.push(AnswerProblem::new(
            "document_kind",
            "Select what kind of document you are uploading",
        )),
        Some(_) => {}
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(MedicalEvidence {
        professional: profession,
        professional_name: format!("{}, {organisation_name}", name.trim()),
        document: answers.document,
        date_seen: answers.date_seen,
        seen_in_person: answers.seen_in_person,
        content,
        registration,
        organisation,
        given_by_user: Some(user_id.to_string()),
        given_on: Some(today),
        ..MedicalEvidence::default()
    })
}

/// Whether a referral still waits for evidence from an accepted professional (MN-EV-1,
/// MN-EV-8): none of its evidence comes from a kind the policy accepts.
pub fn lacks_accepted_evidence(evidence: &[MedicalEvidence]) -> bool {
    !evidence
        .iter()
        .any(|e| e.professional.is_some_and(ProfessionalKind::is_accepted))
}

/// How many days before its continuation request is due a case asks for updated medical
/// evidence (MN-CONT-1): four weeks, so the evidence is in when the school sends the request.
pub const CASE_EVIDENCE_LEAD_DAYS: i64 = 28;

/// Since when a case wants updated medical evidence for its continuation request, if it does
/// (MN-CONT-1: the request carries updated evidence and the MN-EV rules apply again; MN-EV-8:
/// the days it has waited are shown). A case wants it while provision runs, from
/// [`CASE_EVIDENCE_LEAD_DAYS`] before the request is due, until evidence seen or given since
/// the current period started is on the referral.
pub fn case_wants_evidence(
    state: crate::provision::CaseState,
    period_start: Option<NaiveDate>,
    continuation_due: Option<NaiveDate>,
    evidence: &[MedicalEvidence],
    today: NaiveDate,
) -> Option<NaiveDate> {
    use crate::provision::CaseState::{ContinuationRequested, Continued, InProvision, Review};
    if !matches!(
        state,
        InProvision | Review | ContinuationRequested | Continued
    ) {
        return None;
    }
    let (start, due) = (period_start?, continuation_due?);
    let since = due - chrono::Duration::days(CASE_EVIDENCE_LEAD_DAYS);
    let recent = evidence.iter().any(|e| {
        e.professional.is_some_and(ProfessionalKind::is_accepted)
            && (e.date_seen.is_some_and(|d| d >= start) || e.given_on.is_some_and(|d| d >= start))
    });
    (today >= since && !recent).then_some(since.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mn_cont_1_a_running_case_wants_evidence_from_four_weeks_before_its_request_is_due() {
        use crate::provision::CaseState;
        let start = day(2026, 9, 7);
        let due = day(2026, 11, 16);
        let wants = |state, today, evidence: &[MedicalEvidence]| {
            case_wants_evidence(state, Some(start), Some(due), evidence, today)
        };
        assert_eq!(wants(CaseState::InProvision, day(2026, 10, 18), &[]), None);
        assert_eq!(
            wants(CaseState::InProvision, day(2026, 10, 19), &[]),
            Some(day(2026, 10, 19))
        );
        assert_eq!(
            wants(CaseState::ContinuationRequested, day(2026, 11, 20), &[]),
            Some(day(2026, 10, 19))
        );
        assert_eq!(wants(CaseState::Ended, day(2026, 11, 1), &[]), None);
        assert_eq!(wants(CaseState::Planning, day(2026, 11, 1), &[]), None);
        let old = MedicalEvidence {
            professional: Some(ProfessionalKind::Paediatrician),
            date_seen: Some(day(2026, 8, 1)),
            ..MedicalEvidence::default()
        };
        assert!(
            wants(
                CaseState::InProvision,
                day(2026, 11, 1),
                std::slice::from_ref(&old)
            )
            .is_some()
        );
        let recent = MedicalEvidence {
            given_on: Some(day(2026, 10, 30)),
            ..old
        };
        assert_eq!(
            wants(CaseState::InProvision, day(2026, 11, 1), &[recent]),
            None
        );
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn good() -> EvidenceAnswers {
        EvidenceAnswers {
            profession: Some(ProfessionalKind::Paediatrician),
            registration_body: Some(RegistrationBody::Gmc),
            registration_number: "1234567".into(),
            organisation_code: "rmy".into(),
            organisation_name: "Norfolk and Norwich University Hospitals".into(),
            date_seen: Some(day(2026, 11, 20)),
            seen_in_person: Some(true),
            content: EvidenceContent {
                condition_and_treatment: "Crohn's disease, infliximab every 8 weeks".into(),
                ..EvidenceContent::default()
            },
            document: Some(DocumentKind::Letter),
        }
    }

    fn fields(answers: &EvidenceAnswers) -> Vec<&'static str> {
        evidence_from_answers(answers, "Dr Kim Shaw", "u1", day(2026, 12, 6))
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn mn_ev_1_good_answers_become_evidence_with_who_gave_it() {
        let evidence =
            evidence_from_answers(&good(), "Dr Kim Shaw", "u1", day(2026, 12, 6)).unwrap();
        assert_eq!(evidence.professional, Some(ProfessionalKind::Paediatrician));
        assert_eq!(evidence.registration.unwrap().to_string(), "GMC 1234567");
        assert_eq!(evidence.organisation.unwrap().as_str(), "RMY");
        assert_eq!(
            evidence.professional_name,
            "Dr Kim Shaw, Norfolk and Norwich University Hospitals"
        );
        assert_eq!(evidence.given_by_user.as_deref(), Some("u1"));
        assert_eq!(evidence.given_on, Some(day(2026, 12, 6)));
    }

    #[test]
    fn mn_ev_1_profession_registration_and_organisation_are_required_and_format_checked() {
        let empty = EvidenceAnswers::default();
        assert_eq!(
            fields(&empty),
            [
                "profession",
                "registration_body",
                "organisation_code",
                "organisation_name",
                "date_seen",
                "seen_in_person",
                "condition_and_treatment",
                "document_kind"
            ]
        );
        let bad = EvidenceAnswers {
            registration_number: "123456".into(),
            organisation_code: "R-MY".into(),
            ..good()
        };
        let problems =
            evidence_from_answers(&bad, "Dr Kim Shaw", "u1", day(2026, 12, 6)).unwrap_err();
        assert_eq!(problems[0].field, "registration_number");
        assert!(problems[0].message.contains("7 digits"));
        assert_eq!(problems[1].field, "organisation_code");
        let nmc = EvidenceAnswers {
            registration_body: Some(RegistrationBody::Nmc),
            ..good()
        };
        assert_eq!(fields(&nmc), ["registration_number"]);
        let not_a_professional = EvidenceAnswers {
            profession: Some(ProfessionalKind::NotAHealthProfessional),
            ..good()
        };
        assert_eq!(fields(&not_a_professional), ["profession"]);
    }

    #[test]
    fn mn_ev_2_the_date_seen_is_not_in_the_future_and_in_person_is_answered() {
        let future = EvidenceAnswers {
            date_seen: Some(day(2026, 12, 7)),
            seen_in_person: None,
            ..good()
        };
        assert_eq!(fields(&future), ["date_seen", "seen_in_person"]);
        let today = EvidenceAnswers {
            date_seen: Some(day(2026, 12, 6)),
            seen_in_person: Some(false),
            ..good()
        };
        assert!(evidence_from_answers(&today, "Dr Kim Shaw", "u1", day(2026, 12, 6)).is_ok());
    }

    #[test]
    fn mn_ev_5_condition_and_treatment_are_required_the_rest_may_say_nothing() {
        let blank = EvidenceAnswers {
            content: EvidenceContent {
                condition_and_treatment: "  ".into(),
                ..EvidenceContent::default()
            },
            ..good()
        };
        assert_eq!(fields(&blank), ["condition_and_treatment"]);
        let evidence =
            evidence_from_answers(&good(), "Dr Kim Shaw", "u1", day(2026, 12, 6)).unwrap();
        assert!(evidence.content.reintegration.is_empty());
    }

    #[test]
    fn mn_ev_3_an_appointment_letter_is_refused_with_the_reason() {
        let appointment = EvidenceAnswers {
            document: Some(DocumentKind::AppointmentCard),
            ..good()
        };
        let problems =
            evidence_from_answers(&appointment, "Dr Kim Shaw", "u1", day(2026, 12, 6)).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("not accepted"));
    }

    #[test]
    fn mn_ev_8_a_referral_waits_until_an_accepted_professional_gives_evidence() {
        assert!(lacks_accepted_evidence(&[]));
        let parent = MedicalEvidence {
            professional: Some(ProfessionalKind::NotAHealthProfessional),
            ..MedicalEvidence::default()
        };
        assert!(lacks_accepted_evidence(std::slice::from_ref(&parent)));
        let given = evidence_from_answers(&good(), "Dr Kim Shaw", "u1", day(2026, 12, 6)).unwrap();
        assert!(!lacks_accepted_evidence(&[parent, given]));
    }
}
