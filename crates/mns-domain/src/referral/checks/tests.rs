//! Tests of `evaluate` as a whole: the order of the checks, the example, and that no input
//! makes it panic.

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;

use super::{Check, Outcome, RULE_IDS, evaluate};
use crate::calendar::SchoolYear;
use crate::referral::test_support::{Scenario, example, example_attendance, norfolk, today};
use crate::referral::{
    AttendanceEvidence, ExpectedAbsence, HerringboneDates, PolicyParameters, Referral,
};

/// The rules `evaluate` checks, in the order it returns them.
const ORDER: [&str; 29] = [
    "MN-ENQ-2",
    "MN-ELIG-1",
    "MN-ELIG-2",
    "MN-ELIG-3",
    "MN-ELIG-4",
    "MN-ELIG-5",
    "MN-ELIG-6",
    "MN-ELIG-7",
    "MN-ELIG-8",
    "MN-ELIG-9",
    "MN-ABS-1",
    "MN-ABS-2",
    "MN-ABS-3",
    "MN-CHK-1",
    "MN-CHK-2",
    "MN-REF-1",
    "MN-REF-2",
    "MN-REF-3",
    "MN-REF-4",
    "MN-REF-5",
    "MN-EV-1",
    "MN-EV-2",
    "MN-EV-3",
    "MN-EV-4",
    "MN-EV-5",
    "MN-EV-6",
    "MN-EV-7",
    "MN-EV-8",
    "MN-SEND-1",
];

fn rules(checks: &[Check]) -> Vec<&'static str> {
    checks.iter().map(|check| check.rule).collect()
}

#[test]
fn one_check_per_rule_in_a_stable_order_whatever_the_referral() {
    assert_eq!(rules(&Scenario::new(example()).evaluate()), ORDER);
    let empty = evaluate(
        &Referral::default(),
        None,
        None,
        &PolicyParameters::norfolk_2024(),
        today(),
    );
    assert_eq!(rules(&empty), ORDER);
    assert!(ORDER.iter().all(|rule| RULE_IDS.contains(rule)));
}

#[test]
fn the_example_json_parses_and_evaluates_without_a_failure() {
    let checks = Scenario::new(example()).evaluate();
    let outcome = |rule: &str| {
        checks
            .iter()
            .find(|check| check.rule == rule)
            .map(|check| check.outcome)
    };
    for check in &checks {
        assert_ne!(check.outcome, Outcome::Fail, "{check:?}");
        assert!(check.message.ends_with(['.', '”']), "{check:?}");
    }
    assert_eq!(outcome("MN-REF-1"), Some(Outcome::Pass));
    assert_eq!(outcome("MN-EV-2"), Some(Outcome::Pass));
    assert_eq!(outcome("MN-ABS-1"), Some(Outcome::Pass));
    // The school marked one checklist item not done, which the coordinator sees.
    assert_eq!(outcome("MN-CHK-1"), Some(Outcome::Flag));
}

#[test]
fn without_attendance_or_calendar_the_checks_still_run() {
    let scenario = Scenario {
        attendance: None,
        calendar: None,
        ..Scenario::new(example())
    };
    let checks = scenario.evaluate();
    assert_eq!(rules(&checks), ORDER);
    let absence = checks
        .iter()
        .find(|check| check.rule == "MN-ABS-1")
        .unwrap();
    assert_eq!(absence.outcome, Outcome::Flag);
}

#[test]
fn checks_serialise_with_snake_case_outcomes_and_read_back() {
    let checks = Scenario::new(example()).evaluate();
    let json = serde_json::to_string(&checks).unwrap();
    assert!(json.contains(r#""rule":"MN-EV-2","outcome":"pass""#));
    assert!(json.contains(r#""outcome":"not_applicable""#));
    let read: Vec<Check> = serde_json::from_str(&json).unwrap();
    assert_eq!(read, checks);
    let unknown =
        serde_json::from_str::<Check>(r#"{"rule":"MN-XX-1","outcome":"pass","message":""}"#);
    assert!(
        unknown
            .unwrap_err()
            .to_string()
            .contains("unknown rule id MN-XX-1")
    );
}

#[test]
fn evaluate_is_a_pure_function_of_its_inputs() {
    let scenario = Scenario::new(example());
    assert_eq!(scenario.evaluate(), scenario.evaluate());
}

/// Any date chrono can hold.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
        .prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).unwrap_or_default())
}

/// A date near the example's, where the calendar has something to say.
fn near_date() -> impl Strategy<Value = NaiveDate> {
    (0u64..20_000).prop_map(|days| NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Days::new(days))
}

fn some_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![any_date(), near_date()]
}

proptest! {
    #[test]
    fn evaluate_never_panics_for_arbitrary_dates(
        referral_date in proptest::option::of(some_date()),
        born in proptest::option::of(some_date()),
        seen in proptest::option::of(some_date()),
        due in proptest::option::of(some_date()),
        waiting in proptest::option::of(some_date()),
        herringbone in (some_date(), some_date()),
        today in some_date(),
        absence in any::<f32>(),
        run in any::<f32>(),
        expected in any::<Option<u32>>(),
        max_age_weeks in any::<u32>(),
        initial_period_weeks in any::<u32>(),
        repeating in any::<bool>(),
        with_calendar in any::<bool>(),
    ) {
        let mut referral = example();
        referral.referral_date = referral_date;
        referral.pupil.date_of_birth = born;
        referral.pupil.pregnant = Some(due.is_some());
        referral.pupil.expected_due_date = due;
        referral.pupil.repeating_year_11_for_medical_reasons = Some(repeating);
        referral.evidence[0].date_seen = seen;
        referral.waiting_on_evidence_since = waiting;
        referral.health_need.expected_absence = expected.map(|days| ExpectedAbsence {
            further_school_days: Some(days),
            ..ExpectedAbsence::default()
        });
        let attendance = AttendanceEvidence {
            school_year: SchoolYear::containing(herringbone.1),
            health_absence_days: absence,
            longest_health_absence_run_days: run,
            herringbone: Some(HerringboneDates { first_day: herringbone.0, last_day: herringbone.1 }),
            ..example_attendance()
        };
        let policy = PolicyParameters {
            evidence_max_age_weeks: max_age_weeks,
            initial_period_weeks,
            ..PolicyParameters::norfolk_2024()
        };
        let calendar = norfolk();
        let checks = evaluate(
            &referral,
            Some(&attendance),
            with_calendar.then_some(&calendar),
            &policy,
            today,
        );
        prop_assert_eq!(checks.len(), ORDER.len());
    }
}
