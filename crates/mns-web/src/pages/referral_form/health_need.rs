//! "Health need and expected absence": what the health need is, absence the school expects
//! from now on (MN-ABS-2), and whether the pupil is waiting for a specialist place (MN-ELIG-8).

use super::answers::{Row, Rows, yes_no};
use super::questions::{Choice, Group, Question, capitalised, list_radios};
use crate::form::Fields;
use mns_app::FieldError;
use mns_domain::referral::{ExpectedAbsence, ExpectedAbsenceReason, Referral};

/// Every reason for expected absence, in the order the form lists them.
const REASONS: [ExpectedAbsenceReason; 6] = [
    ExpectedAbsenceReason::PlannedSurgery,
    ExpectedAbsenceReason::PlannedTreatment,
    ExpectedAbsenceReason::HospitalAdmission,
    ExpectedAbsenceReason::Recovery,
    ExpectedAbsenceReason::OngoingCondition,
    ExpectedAbsenceReason::Other,
];

/// Fails to compile when a reason is added, so the list above is kept up to date.
#[expect(
    dead_code,
    reason = "a compile-time check that REASONS lists every variant"
)]
fn every_reason_is_listed(reason: ExpectedAbsenceReason) {
    match reason {
        ExpectedAbsenceReason::PlannedSurgery
        | ExpectedAbsenceReason::PlannedTreatment
        | ExpectedAbsenceReason::HospitalAdmission
        | ExpectedAbsenceReason::Recovery
        | ExpectedAbsenceReason::OngoingCondition
        | ExpectedAbsenceReason::Other => {}
    }
}

const DAYS: &str = "health_need.expected_absence.further_school_days";

/// The questions, showing what the referral holds.
pub fn groups(form: &Referral) -> Vec<Group> {
    let need = &form.health_need;
    let expected = need.expected_absence.as_ref();
    let answer = need.expects_absence();
    vec![Group::of(vec![
        Question::textarea(
            "health_need.description",
            "Describe the pupil's health need",
            &need.description,
        )
        .hint("What the health need is, and how it stops the pupil attending school"),
        Question::radios(
            "health_need.absence_expected",
            "Do you expect the pupil to miss more school because of their health?",
            vec![
                Choice::new("yes", "Yes", answer == Some(true)).reveal(vec![
                    Question::text(
                        DAYS,
                        "How many more school days is the pupil expected to miss?",
                        &expected
                            .and_then(|e| e.further_school_days)
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                    )
                    .width("govuk-input--width-3")
                    .numeric(),
                    list_radios(
                        "health_need.expected_absence.reason",
                        "Why is the pupil expected to miss school?",
                        &REASONS,
                        expected.and_then(|e| e.reason),
                        |r| capitalised(r.label()),
                    ),
                    Question::textarea(
                        "health_need.expected_absence.details",
                        "Details (optional)",
                        expected.map_or("", |e| e.details.as_str()),
                    )
                    .hint("For example, the date of the operation and the recovery time the surgeon gave")
                    .rows(3),
                ]),
                Choice::new("no", "No", answer == Some(false)),
            ],
        )
        .hint("For example, after planned surgery. Absence still to come counts with the absence so far."),
        Question::yes_no(
            "awaiting_specialist_place",
            "Is the pupil waiting for a place at a specialist school?",
            form.awaiting_specialist_place,
        )
        .hint("The service is not a way to educate a pupil while they wait for a specialist place."),
    ])]
}

/// Puts the answers posted into the referral; a number of days that is not a whole number is
/// an error and is not saved.
pub fn apply(fields: &Fields, form: &mut Referral) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let need = &mut form.health_need;
    fields.set_text("health_need.description", &mut need.description);
    match fields.yes_no("health_need.absence_expected") {
        Some(true) => {
            let mut expected: ExpectedAbsence = need.expected_absence.clone().unwrap_or_default();
            if let Some(text) = fields.get(DAYS) {
                match text.trim() {
                    "" => expected.further_school_days = None,
                    days => match days.parse::<u32>() {
                        Ok(days) => expected.further_school_days = Some(days),
                        Err(_) => errors.push(FieldError::new(
                            DAYS,
                            "The number of school days must be a whole number, like 15",
                        )),
                    },
                }
            }
            if let Some(reason) = fields.choice("health_need.expected_absence.reason") {
                expected.reason = Some(reason);
            }
            fields.set_text(
                "health_need.expected_absence.details",
                &mut expected.details,
            );
            need.absence_expected = Some(true);
            need.expected_absence = Some(expected);
        }
        Some(false) => {
            need.absence_expected = Some(false);
            need.expected_absence = None;
        }
        None => {}
    }
    fields.set_answer(
        "awaiting_specialist_place",
        &mut form.awaiting_specialist_place,
    );
    errors
}

/// The answers for "Check your answers".
pub fn answers(form: &Referral, referral_id: &str) -> Vec<Row> {
    let need = &form.health_need;
    let mut rows = Rows::new(referral_id);
    rows.text("Health need", "health_need.description", &need.description);
    let expected = match &need.expected_absence {
        None => vec![yes_no(need.expects_absence()).to_string()],
        Some(e) => vec![
            e.further_school_days
                .map(|d| format!("{d} more school days"))
                .unwrap_or_else(|| "Yes".into()),
            e.reason.map(|r| capitalised(r.label())).unwrap_or_default(),
            e.details.clone(),
        ],
    };
    rows.lines(
        "Further absence expected",
        "health_need.absence_expected",
        expected,
    );
    rows.yes_no(
        "Waiting for a specialist school place",
        "awaiting_specialist_place",
        form.awaiting_specialist_place,
    );
    rows.rows
}
