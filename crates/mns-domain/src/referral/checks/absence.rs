//! The absence threshold (§11a and the statutory guidance): 15 school days of health absence,
//! consecutive or cumulative, recorded (MN-ABS-1) or still expected (MN-ABS-2), and the early
//! warning at 5 days (MN-ABS-3).

use super::wording::{count, date, days};
use super::{Check, Context};
use crate::calendar::SchoolYear;
use crate::referral::{AttendanceEvidence, PolicyParameters};

/// Whether a pupil's health absence has reached the early warning (MN-ABS-3): the school should
/// contact the Healthy Child Programme now rather than wait for the threshold.
pub fn needs_healthy_child_programme_contact(
    health_absence_days: f32,
    policy: &PolicyParameters,
) -> bool {
    health_absence_days >= policy.early_warning_days as f32
}

/// The threshold as days, for comparing with recorded absence.
fn threshold(context: &Context) -> f32 {
    context.policy.absence_threshold_days as f32
}

/// " (figures for 2025/26, the last school year)" when the figures are not for the school year
/// the referral is assessed in.
fn year_note(context: &Context, attendance: &AttendanceEvidence) -> String {
    if attendance.school_year == SchoolYear::containing(context.assessed_on()) {
        String::new()
    } else {
        format!(" (figures for {})", attendance.school_year)
    }
}

/// MN-ABS-1: the pupil will miss 15 school days or more through health, consecutive or
/// cumulative, counted from the herringbone (code `I`; `M` sessions shown, not counted).
pub(super) fn absence_threshold(context: &Context) -> Check {
    const RULE: &str = "MN-ABS-1";
    let Some(attendance) = context.attendance else {
        return Check::flag(
            RULE,
            "No attendance herringbone has been read, so the health absence recorded is not known.",
        );
    };
    let threshold = threshold(context);
    let recorded = format!(
        "{} of health absence (code I) recorded in {}{}, the longest run {}; {} shown beside it, not counted.",
        days(attendance.health_absence_days),
        attendance.school_year,
        year_note(context, attendance),
        days(attendance.longest_health_absence_run_days),
        count(
            attendance.medical_appointment_sessions.into(),
            "M session (medical appointment)",
            "M sessions (medical appointments)"
        ),
    );
    if attendance.health_absence_days >= threshold
        || attendance.longest_health_absence_run_days >= threshold
    {
        Check::pass(
            RULE,
            format!(
                "{recorded} That meets the threshold of {}, consecutive or cumulative.",
                days(threshold)
            ),
        )
    } else {
        Check::flag(
            RULE,
            format!(
                "{recorded} That is below the threshold of {}; see MN-ABS-2 for absence still expected.",
                days(threshold)
            ),
        )
    }
}

/// MN-ABS-2: expected absence counts too; the check passes when recorded and expected absence
/// together reach the threshold, and says so.
pub(super) fn expected_absence(context: &Context) -> Check {
    const RULE: &str = "MN-ABS-2";
    let threshold = threshold(context);
    let recorded = context
        .attendance
        .map(|attendance| attendance.health_absence_days);
    let expected = context
        .referral
        .health_need
        .expected_absence
        .as_ref()
        .and_then(|expected| Some((expected.further_school_days?, expected.reason)));
    let Some((further, reason)) = expected else {
        return match recorded {
            Some(recorded) if recorded < threshold => Check::fail(
                RULE,
                format!(
                    "The referral expects no further absence, and the {} recorded is below the threshold of {}.",
                    days(recorded),
                    days(threshold)
                ),
            ),
            _ => Check::not_applicable(RULE, "The referral expects no further absence."),
        };
    };
    let further = further as f32;
    let why = reason.map_or(String::new(), |reason| format!(" ({})", reason.label()));
    let Some(recorded) = recorded else {
        return if further >= threshold {
            Check::pass(
                RULE,
                format!(
                    "{} more expected{why}, which alone meets the threshold of {}.",
                    days(further),
                    days(threshold)
                ),
            )
        } else {
            Check::flag(
                RULE,
                format!(
                    "{} more expected{why}; no herringbone has been read, so whether recorded and expected absence together reach {} is not known.",
                    days(further),
                    days(threshold)
                ),
            )
        };
    };
    let total = recorded + further;
    let sum = format!(
        "{} recorded and {} more expected{why} make {}",
        days(recorded),
        days(further),
        days(total)
    );
    if total < threshold {
        return Check::fail(
            RULE,
            format!("{sum}, below the threshold of {}.", days(threshold)),
        );
    }
    let mut message = format!(
        "{sum}, which meets the threshold of {}, consecutive or cumulative.",
        days(threshold)
    );
    if recorded < threshold {
        message.push_str(
            " The recorded absence alone is below the threshold: this passes on recorded and expected absence together.",
        );
    }
    Check::pass(RULE, message)
}

/// MN-ABS-3: at 5 days of health absence the school should contact the Healthy Child Programme,
/// not wait for 15.
pub(super) fn early_warning(context: &Context) -> Check {
    const RULE: &str = "MN-ABS-3";
    let Some(attendance) = context.attendance else {
        return Check::not_applicable(RULE, "No attendance herringbone has been read.");
    };
    let early_warning = days(context.policy.early_warning_days as f32);
    let absence = days(attendance.health_absence_days);
    if !needs_healthy_child_programme_contact(attendance.health_absence_days, context.policy) {
        return Check::not_applicable(
            RULE,
            format!("{absence} of health absence, below the early warning at {early_warning}."),
        );
    }
    let contact = &context.referral.healthy_child_programme;
    match (contact.contacted, contact.contacted_on) {
        (Some(true), on) => Check::pass(
            RULE,
            format!(
                "{absence} of health absence, past the early warning at {early_warning}; the school contacted the Healthy Child Programme{}.",
                on.map_or(String::new(), |on| format!(" on {}", date(on)))
            ),
        ),
        _ => Check::flag(
            RULE,
            format!(
                "{absence} of health absence, past the early warning at {early_warning}, and the school has not contacted the Healthy Child Programme (Just One Number): it should, rather than wait for the threshold."
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::referral::test_support::{Scenario, attendance, example};
    use crate::referral::{ExpectedAbsence, Outcome};

    fn scenario_with(recorded: f32, expected: Option<u32>) -> Scenario {
        let mut referral = example();
        referral.health_need.expected_absence = expected.map(|days| ExpectedAbsence {
            further_school_days: Some(days),
            ..referral
                .health_need
                .expected_absence
                .clone()
                .unwrap_or_default()
        });
        let mut scenario = Scenario::new(referral);
        scenario.attendance = Some(attendance(recorded, recorded.min(4.0)));
        scenario
    }

    #[test]
    fn mn_abs_1_fifteen_days_cumulative_meets_the_threshold() {
        let result = scenario_with(15.0, None).check("MN-ABS-1");
        assert_eq!(result.outcome, Outcome::Pass);
        assert_eq!(
            result.message,
            "15 days of health absence (code I) recorded in 2026/27, the longest run 4 days; 2 M sessions (medical appointments) shown beside it, not counted. That meets the threshold of 15 days, consecutive or cumulative."
        );
    }

    #[test]
    fn mn_abs_1_a_long_consecutive_run_meets_the_threshold() {
        let mut scenario = scenario_with(15.0, None);
        scenario.attendance = Some(attendance(15.0, 15.0));
        assert_eq!(scenario.check("MN-ABS-1").outcome, Outcome::Pass);
    }

    #[test]
    fn mn_abs_1_below_the_threshold_is_flagged_and_points_to_expected_absence() {
        let result = scenario_with(14.5, None).check("MN-ABS-1");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("14.5 days"));
        assert!(result.message.contains("see MN-ABS-2"));
        let mut scenario = scenario_with(14.5, None);
        scenario.attendance = None;
        assert_eq!(scenario.check("MN-ABS-1").outcome, Outcome::Flag);
    }

    #[test]
    fn mn_abs_2_recorded_below_threshold_plus_expected_passes_and_says_so() {
        let scenario = scenario_with(9.0, Some(10));
        assert_eq!(scenario.check("MN-ABS-1").outcome, Outcome::Flag);
        let result = scenario.check("MN-ABS-2");
        assert_eq!(result.outcome, Outcome::Pass);
        assert_eq!(
            result.message,
            "9 days recorded and 10 days more expected (planned surgery) make 19 days, which meets the threshold of 15 days, consecutive or cumulative. The recorded absence alone is below the threshold: this passes on recorded and expected absence together."
        );
    }

    #[test]
    fn mn_abs_2_recorded_and_expected_together_below_the_threshold_fails() {
        let result = scenario_with(9.0, Some(5)).check("MN-ABS-2");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(result.message.contains("make 14 days, below the threshold"));
        let result = scenario_with(9.0, None).check("MN-ABS-2");
        assert_eq!(result.outcome, Outcome::Fail);
        let result = scenario_with(16.0, None).check("MN-ABS-2");
        assert_eq!(result.outcome, Outcome::NotApplicable);
    }

    #[test]
    fn mn_abs_2_expected_absence_alone_can_meet_the_threshold() {
        let mut scenario = scenario_with(0.0, Some(20));
        scenario.attendance = None;
        let result = scenario.check("MN-ABS-2");
        assert_eq!(result.outcome, Outcome::Pass);
        assert!(result.message.contains("which alone meets the threshold"));
    }

    #[test]
    fn mn_abs_3_five_days_without_a_healthy_child_programme_contact_is_flagged() {
        let mut scenario = scenario_with(5.0, None);
        assert_eq!(scenario.check("MN-ABS-3").outcome, Outcome::Pass);
        scenario.referral.healthy_child_programme.contacted = Some(false);
        let result = scenario.check("MN-ABS-3");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("past the early warning at 5 days"));
        let scenario = scenario_with(4.5, None);
        assert_eq!(scenario.check("MN-ABS-3").outcome, Outcome::NotApplicable);
        let policy = crate::referral::PolicyParameters::norfolk_2024();
        assert!(super::needs_healthy_child_programme_contact(5.0, &policy));
        assert!(!super::needs_healthy_child_programme_contact(4.5, &policy));
    }
}
