//! "About the pupil": name, date of birth, UPN and NHS number, home address, where the pupil
//! lives, year group and pregnancy (MN-REF-2, MN-ELIG-1, MN-ELIG-4, MN-ELIG-5, MN-ELIG-9).

use super::answers::{Row, Rows};
use super::questions::{Choice, Group, Question};
use crate::form::Fields;
use mns_app::FieldError;
use mns_domain::referral::Referral;

/// "Reception", or "Year 7".
pub fn year_label(year: i32) -> String {
    if year == 0 {
        "Reception".into()
    } else {
        format!("Year {year}")
    }
}

/// The questions, showing what the referral holds.
pub fn groups(form: &Referral, council_name: &str) -> Vec<Group> {
    let pupil = &form.pupil;
    let address = &pupil.home_address;
    let entered = |e: Option<String>| e.unwrap_or_default();
    vec![
        Group::of(vec![
            Question::text("pupil.first_name", "First name", &pupil.first_name)
                .width("govuk-!-width-two-thirds"),
            Question::text("pupil.last_name", "Last name", &pupil.last_name)
                .width("govuk-!-width-two-thirds"),
            Question::date("pupil.date_of_birth", "Date of birth", pupil.date_of_birth)
                .hint("For example, 27 3 2012"),
            Question::text(
                "pupil.upn",
                "Unique Pupil Number (UPN)",
                &entered(pupil.upn.as_ref().map(|u| u.text().to_string())),
            )
            .hint("13 characters, permanent or temporary, as on the school's records")
            .width("govuk-input--width-20"),
            Question::text(
                "pupil.nhs_number",
                "NHS number (optional)",
                &entered(pupil.nhs_number.as_ref().map(|n| n.text().to_string())),
            )
            .hint("10 digits, if you know it. For example, 485 777 3456")
            .width("govuk-input--width-10")
            .numeric(),
        ]),
        Group::headed(
            "Home address",
            vec![
                Question::text(
                    "pupil.home_address.line_1",
                    "Address line 1",
                    &address.line_1,
                ),
                Question::text(
                    "pupil.home_address.line_2",
                    "Address line 2 (optional)",
                    &address.line_2,
                ),
                Question::text("pupil.home_address.town", "Town or city", &address.town)
                    .width("govuk-!-width-two-thirds"),
                Question::text(
                    "pupil.home_address.postcode",
                    "Postcode",
                    &entered(address.postcode.as_ref().map(|p| p.text().to_string())),
                )
                .width("govuk-input--width-10"),
            ],
        ),
        Group::headed(
            "Circumstances",
            vec![
                Question::yes_no(
                    "pupil.ordinarily_resident",
                    &format!("Does the pupil live in the area of {council_name}?"),
                    pupil.ordinarily_resident,
                )
                .hint("Answer yes if the pupil lives in the area, whatever school they attend."),
                Question::radios(
                    "pupil.year_group",
                    "Year group",
                    (0..=13)
                        .map(|year| {
                            Choice::new(
                                year.to_string(),
                                year_label(year),
                                pupil.year_group == Some(year),
                            )
                        })
                        .collect(),
                )
                .hint("As the school records it"),
                Question::yes_no(
                    "pupil.repeating_year_11_for_medical_reasons",
                    "Is the pupil repeating Year 11 for medical reasons?",
                    pupil.repeating_year_11_for_medical_reasons,
                )
                .hint("Needed for a pupil who would be in Year 12 or above by age"),
                Question::radios(
                    "pupil.pregnant",
                    "Is the pupil pregnant?",
                    vec![
                        Choice::new("yes", "Yes", pupil.pregnant == Some(true)).reveal(vec![
                            Question::date(
                                "pupil.expected_due_date",
                                "When is the baby expected?",
                                pupil.expected_due_date,
                            ),
                        ]),
                        Choice::new("no", "No", pupil.pregnant == Some(false)),
                    ],
                )
                .hint(
                    "Pregnancy is not an illness: the medical evidence must show the pupil is too unwell to attend school.",
                ),
            ],
        ),
    ]
}

/// Puts the answers posted into the referral; a date that is not real is an error and is not
/// saved. Identifiers are kept as typed, valid or not.
pub fn apply(fields: &Fields, form: &mut Referral) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let pupil = &mut form.pupil;
    fields.set_text("pupil.first_name", &mut pupil.first_name);
    fields.set_text("pupil.last_name", &mut pupil.last_name);
    fields.set_date(
        "pupil.date_of_birth",
        "Date of birth",
        &mut pupil.date_of_birth,
        &mut errors,
    );
    fields.set_entered("pupil.upn", &mut pupil.upn);
    fields.set_entered("pupil.nhs_number", &mut pupil.nhs_number);
    let address = &mut pupil.home_address;
    fields.set_text("pupil.home_address.line_1", &mut address.line_1);
    fields.set_text("pupil.home_address.line_2", &mut address.line_2);
    fields.set_text("pupil.home_address.town", &mut address.town);
    fields.set_entered("pupil.home_address.postcode", &mut address.postcode);
    fields.set_answer("pupil.ordinarily_resident", &mut pupil.ordinarily_resident);
    if let Some(year) = fields
        .get("pupil.year_group")
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|year| (0..=13).contains(year))
    {
        pupil.year_group = Some(year);
    }
    fields.set_answer(
        "pupil.repeating_year_11_for_medical_reasons",
        &mut pupil.repeating_year_11_for_medical_reasons,
    );
    fields.set_answer("pupil.pregnant", &mut pupil.pregnant);
    fields.set_date(
        "pupil.expected_due_date",
        "The date the baby is expected",
        &mut pupil.expected_due_date,
        &mut errors,
    );
    if pupil.pregnant != Some(true) {
        // A due date under an answer that is not "yes" would only mislead.
        pupil.expected_due_date = None;
    }
    errors
}

/// Identifiers saved as typed that are not valid, each with its reason: shown on the page at
/// once, though the draft keeps them.
pub fn identifier_problems(form: &Referral) -> Vec<FieldError> {
    let pupil = &form.pupil;
    [
        ("pupil.upn", pupil.upn.as_ref().and_then(|e| e.error())),
        (
            "pupil.nhs_number",
            pupil.nhs_number.as_ref().and_then(|e| e.error()),
        ),
        (
            "pupil.home_address.postcode",
            pupil.home_address.postcode.as_ref().and_then(|e| e.error()),
        ),
    ]
    .into_iter()
    .filter_map(|(field, error)| error.map(|message| FieldError::new(field, message)))
    .collect()
}

/// The answers for "Check your answers".
pub fn answers(form: &Referral, referral_id: &str) -> Vec<Row> {
    let pupil = &form.pupil;
    let address = &pupil.home_address;
    let mut rows = Rows::new(referral_id);
    rows.text("First name", "pupil.first_name", &pupil.first_name);
    rows.text("Last name", "pupil.last_name", &pupil.last_name);
    rows.date("Date of birth", "pupil.date_of_birth", pupil.date_of_birth);
    rows.text(
        "UPN",
        "pupil.upn",
        pupil.upn.as_ref().map_or("", |u| u.text()),
    );
    rows.text(
        "NHS number",
        "pupil.nhs_number",
        pupil.nhs_number.as_ref().map_or("", |n| n.text()),
    );
    rows.lines(
        "Home address",
        "pupil.home_address.line_1",
        vec![
            address.line_1.clone(),
            address.line_2.clone(),
            address.town.clone(),
            address
                .postcode
                .as_ref()
                .map(|p| p.text().to_string())
                .unwrap_or_default(),
        ],
    );
    rows.yes_no(
        "Lives in the council's area",
        "pupil.ordinarily_resident",
        pupil.ordinarily_resident,
    );
    rows.text(
        "Year group",
        "pupil.year_group",
        &pupil.year_group.map(year_label).unwrap_or_default(),
    );
    rows.yes_no(
        "Repeating Year 11 for medical reasons",
        "pupil.repeating_year_11_for_medical_reasons",
        pupil.repeating_year_11_for_medical_reasons,
    );
    rows.yes_no("Pregnant", "pupil.pregnant", pupil.pregnant);
    if pupil.pregnant == Some(true) {
        rows.date(
            "Baby expected",
            "pupil.expected_due_date",
            pupil.expected_due_date,
        );
    }
    rows.rows
}
