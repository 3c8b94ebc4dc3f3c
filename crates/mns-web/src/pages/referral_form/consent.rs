//! "Healthy Child Programme and consent": the school's contact with the 5-19 Healthy Child
//! Programme, with the parent's consent first (MN-CHK-2), and the parent's consent for the
//! coordinator to contact health professionals, or its withdrawal (MN-REF-3).

use super::answers::{Row, Rows, yes_no};
use super::questions::{Choice, Group, Question, long_date};
use crate::form::Fields;
use mns_app::FieldError;
use mns_domain::referral::{ConsentWithdrawal, Referral};

/// The questions, showing what the referral holds.
pub fn groups(form: &Referral) -> Vec<Group> {
    let contact = &form.healthy_child_programme;
    let consent = &form.consent;
    let withdrawal = consent.withdrawal.as_ref();
    let withdrawn = consent.has_withdrawn();
    vec![
        Group::headed(
            "Healthy Child Programme",
            vec![Question::radios(
                "healthy_child_programme.contacted",
                "Did the school contact the Healthy Child Programme (Just One Number) about the pupil?",
                vec![
                    Choice::new("yes", "Yes", contact.contacted == Some(true)).reveal(vec![
                        Question::date(
                            "healthy_child_programme.contacted_on",
                            "When did the school contact them?",
                            contact.contacted_on,
                        ),
                        Question::yes_no(
                            "healthy_child_programme.parental_consent_before_contact",
                            "Did the parent or carer consent before the school contacted them?",
                            contact.parental_consent_before_contact,
                        ),
                        Question::textarea(
                            "healthy_child_programme.outcome",
                            "What did the Healthy Child Programme advise? (optional)",
                            &contact.outcome,
                        )
                        .rows(3),
                    ]),
                    Choice::new("no", "No", contact.contacted == Some(false)),
                ],
            )
            .hint("The 5 to 19 Healthy Child Programme. Schools should contact it early, with the parent's consent.")],
        ),
        Group::headed(
            "Consent to contact health professionals",
            vec![
                Question::radios(
                    "consent.given",
                    "Does the parent or carer consent to the Medical Needs Coordinator contacting the health professionals involved with the pupil?",
                    vec![
                        Choice::new("yes", "Yes", consent.given == Some(true)).reveal(vec![
                            Question::date(
                                "consent.given_on",
                                "When did they give consent? (optional)",
                                consent.given_on,
                            ),
                        ]),
                        Choice::new("no", "No", consent.given == Some(false)),
                    ],
                ),
                Question::radios(
                    "consent.withdrawn",
                    "Has the parent or carer withdrawn consent?",
                    vec![
                        Choice::new("yes", "Yes", withdrawn == Some(true)).reveal(vec![
                            Question::date(
                                "consent.withdrawal.withdrawn_on",
                                "When was consent withdrawn?",
                                withdrawal.and_then(|w| w.withdrawn_on),
                            ),
                            Question::text(
                                "consent.withdrawal.note",
                                "Who withdrew consent, and how (optional)",
                                withdrawal.map_or("", |w| w.note.as_str()),
                            )
                            .hint("For example, letter from the pupil's mother to the school"),
                        ]),
                        Choice::new("no", "No", withdrawn == Some(false)),
                    ],
                )
                .hint("Consent can be withdrawn at any time, in writing to the school. The coordinator makes no contact from that day. If consent was never given, answer no."),
            ],
        ),
    ]
}

/// Puts the answers posted into the referral; a date that is not real is an error and is not
/// saved.
pub fn apply(fields: &Fields, form: &mut Referral) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let contact = &mut form.healthy_child_programme;
    fields.set_answer("healthy_child_programme.contacted", &mut contact.contacted);
    fields.set_date(
        "healthy_child_programme.contacted_on",
        "The date the school contacted the Healthy Child Programme",
        &mut contact.contacted_on,
        &mut errors,
    );
    fields.set_answer(
        "healthy_child_programme.parental_consent_before_contact",
        &mut contact.parental_consent_before_contact,
    );
    fields.set_text("healthy_child_programme.outcome", &mut contact.outcome);
    if contact.contacted == Some(false) {
        // Details of a contact that did not happen would only mislead.
        contact.contacted_on = None;
        contact.parental_consent_before_contact = None;
        contact.outcome.clear();
    }
    let consent = &mut form.consent;
    fields.set_answer("consent.given", &mut consent.given);
    fields.set_date(
        "consent.given_on",
        "The date consent was given",
        &mut consent.given_on,
        &mut errors,
    );
    match fields.yes_no("consent.withdrawn") {
        Some(true) => {
            let mut withdrawal = consent.withdrawal.clone().unwrap_or_default();
            fields.set_date(
                "consent.withdrawal.withdrawn_on",
                "The date consent was withdrawn",
                &mut withdrawal.withdrawn_on,
                &mut errors,
            );
            fields.set_text("consent.withdrawal.note", &mut withdrawal.note);
            consent.withdrawn = Some(true);
            consent.withdrawal = Some(withdrawal);
        }
        Some(false) => {
            consent.withdrawn = Some(false);
            consent.withdrawal = None;
        }
        None => {}
    }
    errors
}

/// The answers for "Check your answers".
pub fn answers(form: &Referral, referral_id: &str) -> Vec<Row> {
    let contact = &form.healthy_child_programme;
    let consent = &form.consent;
    let mut rows = Rows::new(referral_id);
    rows.yes_no(
        "Contacted the Healthy Child Programme",
        "healthy_child_programme.contacted",
        contact.contacted,
    );
    if contact.contacted == Some(true) {
        rows.date(
            "Date contacted",
            "healthy_child_programme.contacted_on",
            contact.contacted_on,
        );
        rows.yes_no(
            "Parent or carer consented before the contact",
            "healthy_child_programme.parental_consent_before_contact",
            contact.parental_consent_before_contact,
        );
        rows.text(
            "Healthy Child Programme's advice",
            "healthy_child_programme.outcome",
            &contact.outcome,
        );
    }
    rows.lines(
        "Consent to contact health professionals",
        "consent.given",
        vec![
            yes_no(consent.given).to_string(),
            consent
                .given_on
                .filter(|_| consent.given == Some(true))
                .map(|d| format!("Given {}", long_date(d)))
                .unwrap_or_default(),
        ],
    );
    let withdrawal = match (&consent.withdrawal, consent.has_withdrawn()) {
        (Some(ConsentWithdrawal { withdrawn_on, note }), _) => vec![
            withdrawn_on
                .map(|d| format!("Withdrawn {}", long_date(d)))
                .unwrap_or_else(|| "Withdrawn".into()),
            note.clone(),
        ],
        (None, answer) => vec![yes_no(answer).to_string()],
    };
    rows.lines("Consent withdrawn", "consent.withdrawn", withdrawal);
    rows.rows
}
