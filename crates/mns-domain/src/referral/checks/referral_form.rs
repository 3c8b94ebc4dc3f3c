//! The referral form itself (§11b): complete (MN-REF-1), the pupil identified (MN-REF-2),
//! consent to contact health professionals (MN-REF-3), the herringbone attached (MN-REF-4), and
//! who supports the pupil meanwhile (MN-REF-5).

use chrono::{Datelike, Days};

use super::wording::{count, date, list, weeks_and_days};
use super::{Check, Context};
use crate::calendar::SchoolYear;
use crate::referral::form::is_identity_field;

/// MN-REF-1: forms must be complete to be submitted: every required field present and valid,
/// all the problems listed at once.
pub(super) fn complete(context: &Context) -> Check {
    const RULE: &str = "MN-REF-1";
    let problems = context.referral.missing_fields();
    if problems.is_empty() {
        return Check::pass(RULE, "Every required field is complete.");
    }
    let messages: Vec<&str> = problems
        .iter()
        .map(|problem| problem.message.as_str())
        .collect();
    Check::fail(
        RULE,
        format!(
            "{} to complete: {}.",
            count(
                i64::try_from(problems.len()).unwrap_or(i64::MAX),
                "field",
                "fields"
            ),
            messages.join("; ")
        ),
    )
}

/// MN-REF-2: the pupil is identified: name, date of birth, UPN with a right check letter, NHS
/// number if known, home address and postcode, school URN, year group, SEND and looked-after
/// status.
pub(super) fn identity(context: &Context) -> Check {
    const RULE: &str = "MN-REF-2";
    let referral = context.referral;
    let problems: Vec<String> = referral
        .missing_fields()
        .into_iter()
        .filter(|problem| is_identity_field(&problem.field))
        .map(|problem| problem.message)
        .collect();
    if !problems.is_empty() {
        return Check::fail(
            RULE,
            format!(
                "The pupil is not fully identified: {}.",
                problems.join("; ")
            ),
        );
    }
    let pupil = &referral.pupil;
    let mut notes = Vec::new();
    let temporary_upn = pupil
        .upn
        .as_ref()
        .and_then(|upn| upn.value())
        .filter(|upn| upn.is_temporary());
    if let Some(upn) = temporary_upn {
        notes.push(format!(
            "The UPN {upn} is temporary: ask the school for the permanent UPN once it is allocated."
        ));
    }
    let test_number = pupil
        .nhs_number
        .as_ref()
        .and_then(|number| number.value())
        .filter(|number| number.is_test_range());
    if let Some(number) = test_number {
        notes.push(format!(
            "The NHS number {number} is in the test range (999 000 0000 to 999 999 9999), which is never issued to a patient: check it."
        ));
    }
    let message = format!(
        "{} is identified: name, date of birth, UPN, home address, school, year group, SEND and looked-after status are given and valid.",
        pupil.display_name()
    );
    let message = [message]
        .into_iter()
        .chain(notes)
        .collect::<Vec<_>>()
        .join(" ");
    if test_number.is_some() {
        Check::flag(RULE, message)
    } else {
        Check::pass(RULE, message)
    }
}

/// MN-REF-3: the parent consents to the coordinator contacting health professionals; consent can
/// be withdrawn at any time, in writing to the school, and the withdrawal stops further contact.
pub(super) fn consent_to_contact_health_professionals(context: &Context) -> Check {
    const RULE: &str = "MN-REF-3";
    let consent = &context.referral.consent;
    if let Some(withdrawal) = &consent.withdrawal {
        let when = withdrawal
            .withdrawn_on
            .map_or(" (date not recorded)".to_owned(), |on| {
                format!(" on {}", date(on))
            });
        let note = withdrawal.note.trim();
        let note = if note.is_empty() {
            String::new()
        } else {
            format!(" ({note})")
        };
        return Check::flag(
            RULE,
            format!(
                "Consent to contact health professionals was withdrawn{when}{note}: do not contact them from then on."
            ),
        );
    }
    match consent.given {
        Some(true) => Check::pass(
            RULE,
            format!(
                "The parent or carer consents to the coordinator contacting health professionals{}.",
                consent
                    .given_on
                    .map_or(String::new(), |on| format!(" (given on {})", date(on)))
            ),
        ),
        Some(false) => Check::fail(
            RULE,
            "The parent or carer has not consented to the coordinator contacting health professionals, so the evidence cannot be checked with them.",
        ),
        None => Check::fail(
            RULE,
            "The referral does not record consent to contact health professionals.",
        ),
    }
}

/// How far into a school year a herringbone may start and still count as the year to date.
const START_OF_YEAR_GRACE: Days = Days::new(21);

/// How old the last day of a herringbone may be, on the referral date, and still be up to date.
const UP_TO_DATE_GRACE: Days = Days::new(14);

/// MN-REF-4: the attendance herringbone for the school year to date is attached (or last
/// year's, early in the school year: a referral in September or October) and has been read.
pub(super) fn herringbone_attached(context: &Context) -> Check {
    const RULE: &str = "MN-REF-4";
    // Submission requires an export attached; one that cannot be read for this pupil counts
    // as none for the checks.
    let Some(attendance) = context.attendance else {
        return Check::fail(
            RULE,
            "No attendance export has been read for the pupil; the referral needs the school year to date (or last year's, early in the school year).",
        );
    };
    let Some(dates) = attendance.herringbone else {
        return Check::flag(
            RULE,
            "The attendance export read for the pupil has no sessions.",
        );
    };
    let on = context.assessed_on();
    let year = SchoolYear::containing(on);
    let span = format!(
        "The herringbone read runs from {} to {}",
        date(dates.first_day),
        date(dates.last_day)
    );
    let covers = SchoolYear::containing(dates.last_day);
    if covers == year.previous() && matches!(on.month(), 9 | 10) {
        return Check::pass(
            RULE,
            format!("{span}: last school year's, which will do early in the school year."),
        );
    }
    if covers != year {
        return Check::flag(
            RULE,
            format!("{span}, which is not the school year to date ({year})."),
        );
    }
    let mut problems = Vec::new();
    if year
        .first_day()
        .checked_add_days(START_OF_YEAR_GRACE)
        .is_some_and(|late| dates.first_day > late)
    {
        problems.push("it starts well after the start of the school year".to_owned());
    }
    if dates
        .last_day
        .checked_add_days(UP_TO_DATE_GRACE)
        .is_some_and(|fresh_until| fresh_until < on)
    {
        problems.push(format!(
            "it ends {} before {}",
            weeks_and_days((on - dates.last_day).num_days()),
            context.assessed_on_words()
        ));
    }
    if problems.is_empty() {
        Check::pass(RULE, format!("{span}: the school year to date."))
    } else {
        Check::flag(
            RULE,
            format!(
                "{span}, but {}: ask for the school year to date (from the day the pupil joined, if that was during the year).",
                list(&problems)
            ),
        )
    }
}

/// MN-REF-5: between the referral and the start of provision the school keeps supporting the
/// pupil's learning and doing welfare checks, and the referral says who does each.
pub(super) fn support_meanwhile(context: &Context) -> Check {
    const RULE: &str = "MN-REF-5";
    let support = &context.referral.support_meanwhile;
    let learning = support.learning_supported_by.trim();
    let welfare = support.welfare_checks_by.trim();
    if !learning.is_empty() && !welfare.is_empty() {
        return Check::pass(
            RULE,
            format!(
                "Until provision starts, learning is supported by {learning}; welfare checks are done by {welfare}."
            ),
        );
    }
    let mut missing = Vec::new();
    if learning.is_empty() {
        missing.push("supports the pupil's learning");
    }
    if welfare.is_empty() {
        missing.push("does welfare checks");
    }
    Check::fail(
        RULE,
        format!(
            "The referral does not say who at the school {} until provision starts; the school keeps doing both meanwhile.",
            list(&missing)
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::identifiers::{NhsNumber, Upn};
    use crate::referral::test_support::{Scenario, check, date, example};
    use crate::referral::{ConsentWithdrawal, Entered, HerringboneDates, Outcome, Referral};

    #[test]
    fn mn_ref_1_a_complete_referral_passes() {
        let referral = example();
        assert_eq!(referral.missing_fields(), vec![]);
        assert_eq!(check(&referral, "MN-REF-1").outcome, Outcome::Pass);
    }

    #[test]
    fn mn_ref_1_an_empty_draft_lists_every_problem_at_once() {
        let problems = Referral::default().missing_fields();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        for expected in [
            "referral_date",
            "pupil.first_name",
            "pupil.date_of_birth",
            "pupil.upn",
            "pupil.home_address.postcode",
            "pupil.ordinarily_resident",
            "school.urn",
            "checklist.keyworker.answer",
            "healthy_child_programme.contacted",
            "consent.given",
            "health_need.description",
            "awaiting_specialist_place",
            "evidence",
            "pupil.pregnant",
            "health_need.absence_expected",
            "repeat_referral",
            "support_meanwhile.welfare_checks_by",
        ] {
            assert!(
                fields.contains(&expected),
                "{expected} missing from {fields:?}"
            );
        }
        let date_of_birth = problems
            .iter()
            .find(|p| p.field == "pupil.date_of_birth")
            .unwrap();
        assert_eq!(date_of_birth.message, "Enter the pupil's date of birth");
        let result = check(&Referral::default(), "MN-REF-1");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(result.message.starts_with(&format!(
            "{} fields to complete: Enter the referral date; Enter the pupil's first name;",
            problems.len()
        )));
    }

    #[test]
    fn mn_ref_1_conditional_fields_are_required_when_they_apply() {
        let mut referral = example();
        referral.pupil.pregnant = Some(true);
        referral.consent.withdrawal = Some(ConsentWithdrawal::default());
        referral.evidence[0].date_seen = None;
        let fields: Vec<String> = referral
            .missing_fields()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "pupil.expected_due_date",
                "consent.withdrawal.withdrawn_on",
                "evidence[0].date_seen"
            ]
        );
    }

    #[test]
    fn mn_ref_1_a_yes_or_no_left_unanswered_is_a_problem_never_a_silent_no() {
        let mut referral = example();
        referral.pupil.pregnant = None;
        referral.repeat_referral = None;
        referral.consent.withdrawn = None;
        referral.health_need.absence_expected = None;
        referral.health_need.expected_absence = None;
        let fields: Vec<String> = referral
            .missing_fields()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "pupil.pregnant",
                "consent.withdrawn",
                "health_need.absence_expected",
                "repeat_referral"
            ]
        );
        // Consent that was never given cannot have been withdrawn: not asked.
        referral.consent.given = Some(false);
        assert!(
            !referral
                .missing_fields()
                .iter()
                .any(|p| p.field == "consent.withdrawn")
        );
    }

    #[test]
    fn mn_elig_5_only_a_pupil_in_year_12_by_age_must_say_whether_repeating_year_11() {
        let mut referral = example();
        referral.pupil.repeating_year_11_for_medical_reasons = None;
        assert_eq!(
            referral.missing_fields(),
            vec![],
            "Year 10 by age: not asked"
        );
        // Born March 2010: Year 11 in 2025/26, Year 12 by age in 2026/27.
        referral.pupil.date_of_birth = Some(date(2010, 3, 14));
        let fields: Vec<String> = referral
            .missing_fields()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["pupil.repeating_year_11_for_medical_reasons"]);
        referral.pupil.repeating_year_11_for_medical_reasons = Some(false);
        assert_eq!(referral.missing_fields(), vec![]);
    }

    #[test]
    fn mn_ref_1_details_of_expected_absence_are_required_once_the_school_says_yes() {
        let mut referral = example();
        referral.health_need.expected_absence = None;
        referral.health_need.absence_expected = Some(false);
        assert_eq!(referral.missing_fields(), vec![]);
        referral.health_need.absence_expected = Some(true);
        let fields: Vec<String> = referral
            .missing_fields()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "health_need.expected_absence.further_school_days",
                "health_need.expected_absence.reason"
            ]
        );
    }

    #[test]
    fn mn_ref_2_a_wrong_upn_check_letter_fails_with_the_right_letter() {
        let mut referral = example();
        referral.pupil.upn = Some(Entered::new("B926123426001"));
        let problems = referral.missing_fields();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "pupil.upn");
        assert_eq!(problems[0].message, "UPN check letter should be C, not B");
        let result = check(&referral, "MN-REF-2");
        assert_eq!(result.outcome, Outcome::Fail);
        assert_eq!(
            result.message,
            "The pupil is not fully identified: UPN check letter should be C, not B."
        );
    }

    #[test]
    fn mn_ref_2_a_temporary_upn_is_accepted_and_noted() {
        let mut referral = example();
        let temporary = Upn::with_check_letter("92612342601A").unwrap();
        referral.pupil.upn = Some(Entered::from_value(temporary));
        let result = check(&referral, "MN-REF-2");
        assert_eq!(result.outcome, Outcome::Pass);
        assert!(
            result.message.contains("B92612342601A is temporary"),
            "{}",
            result.message
        );
    }

    #[test]
    fn mn_ref_2_a_complete_identity_passes_and_a_test_nhs_number_is_flagged() {
        let mut referral = example();
        assert_eq!(check(&referral, "MN-REF-2").outcome, Outcome::Pass);
        referral.pupil.nhs_number =
            Some(Entered::from_value(NhsNumber::parse("9990000018").unwrap()));
        let result = check(&referral, "MN-REF-2");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("test range"));
        referral.pupil.nhs_number = Some(Entered::new("943 476 5918"));
        assert_eq!(check(&referral, "MN-REF-2").outcome, Outcome::Fail);
        referral.pupil.nhs_number = Some(Entered::new(""));
        assert_eq!(check(&referral, "MN-REF-2").outcome, Outcome::Pass);
        referral.pupil.upn = Some(Entered::new(" "));
        assert_eq!(
            check(&referral, "MN-REF-2").message,
            "The pupil is not fully identified: Enter the pupil's UPN."
        );
    }

    #[test]
    fn mn_ref_3_withdrawn_consent_is_flagged_and_stops_contact() {
        let mut referral = example();
        assert_eq!(check(&referral, "MN-REF-3").outcome, Outcome::Pass);
        referral.consent.withdrawal = Some(ConsentWithdrawal {
            withdrawn_on: Some(date(2026, 11, 19)),
            note: "Letter from mother to the school".to_owned(),
        });
        let result = check(&referral, "MN-REF-3");
        assert_eq!(result.outcome, Outcome::Flag);
        assert_eq!(
            result.message,
            "Consent to contact health professionals was withdrawn on 19 November 2026 (Letter from mother to the school): do not contact them from then on."
        );
        assert!(referral.consent.allows_contact_on(date(2026, 11, 18)));
        assert!(!referral.consent.allows_contact_on(date(2026, 11, 19)));
        referral.consent.withdrawal = None;
        referral.consent.given = Some(false);
        assert_eq!(check(&referral, "MN-REF-3").outcome, Outcome::Fail);
        assert!(!referral.consent.allows_contact_on(date(2026, 11, 18)));
    }

    #[test]
    fn mn_ref_4_the_herringbone_for_the_year_to_date_passes() {
        let result = check(&example(), "MN-REF-4");
        assert_eq!(result.outcome, Outcome::Pass);
        assert_eq!(
            result.message,
            "The herringbone read runs from 3 September 2026 to 13 November 2026: the school year to date."
        );
    }

    #[test]
    fn mn_ref_4_a_missing_or_out_of_date_herringbone_is_shown() {
        let mut scenario = Scenario::new(example());
        let dates = HerringboneDates {
            first_day: date(2026, 9, 3),
            last_day: date(2026, 10, 2),
        };
        scenario.attendance.as_mut().unwrap().herringbone = Some(dates);
        let result = scenario.check("MN-REF-4");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(
            result
                .message
                .contains("it ends 6 weeks and 3 days before the referral date")
        );
        scenario.attendance = None;
        assert_eq!(scenario.check("MN-REF-4").outcome, Outcome::Fail);
    }

    #[test]
    fn mn_ref_4_last_year_s_herringbone_will_do_early_in_the_school_year() {
        let mut scenario = Scenario::new(example());
        scenario.referral.referral_date = Some(date(2026, 9, 14));
        let attendance = scenario.attendance.as_mut().unwrap();
        attendance.school_year = crate::calendar::SchoolYear::new(2025);
        attendance.herringbone = Some(HerringboneDates {
            first_day: date(2025, 9, 3),
            last_day: date(2026, 7, 17),
        });
        let result = scenario.check("MN-REF-4");
        assert_eq!(result.outcome, Outcome::Pass);
        assert!(result.message.contains("last school year's"));
        scenario.referral.referral_date = Some(date(2026, 11, 16));
        assert_eq!(scenario.check("MN-REF-4").outcome, Outcome::Flag);
    }

    #[test]
    fn mn_ref_5_who_supports_the_pupil_meanwhile_is_recorded() {
        let mut referral = example();
        let result = check(&referral, "MN-REF-5");
        assert_eq!(result.outcome, Outcome::Pass);
        assert!(
            result
                .message
                .starts_with("Until provision starts, learning is supported by Mr J Cole")
        );
        referral.support_meanwhile.welfare_checks_by.clear();
        let result = check(&referral, "MN-REF-5");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(
            result
                .message
                .contains("who at the school does welfare checks")
        );
    }
}
