//! Fixtures for the referral tests: the example referral, the attendance figures that go with
//! it, the Norfolk calendar, and a way to run one rule.

use chrono::NaiveDate;

use super::{
    AttendanceEvidence, Check, EXAMPLE_REFERRAL_JSON, HerringboneDates, PolicyParameters, Referral,
    evaluate,
};
use crate::calendar::{
    SchoolCalendar, SchoolYear, england_bank_holidays_2025_2027, norfolk_2025_26,
    norfolk_2026_27_provisional,
};

/// A date for a test.
pub(crate) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The day the tests run on: the Sunday after the example's referral date.
pub(crate) fn today() -> NaiveDate {
    date(2026, 11, 22)
}

/// The example referral, parsed from `example.json`.
pub(crate) fn example() -> Referral {
    serde_json::from_str(EXAMPLE_REFERRAL_JSON).unwrap()
}

/// The attendance figures the example's herringbone gives.
pub(crate) fn example_attendance() -> AttendanceEvidence {
    AttendanceEvidence {
        school_year: SchoolYear::new(2026),
        health_absence_days: 16.5,
        longest_health_absence_run_days: 9.0,
        medical_appointment_sessions: 2,
        herringbone: Some(HerringboneDates {
            first_day: date(2026, 9, 3),
            last_day: date(2026, 11, 13),
        }),
    }
}

/// Attendance figures with the given health absence, otherwise the example's.
pub(crate) fn attendance(health_absence_days: f32, longest_run_days: f32) -> AttendanceEvidence {
    AttendanceEvidence {
        health_absence_days,
        longest_health_absence_run_days: longest_run_days,
        ..example_attendance()
    }
}

/// Norfolk's term dates for 2025/26 and 2026/27 with the bank holidays.
pub(crate) fn norfolk() -> SchoolCalendar {
    SchoolCalendar::new(norfolk_2025_26(), england_bank_holidays_2025_2027())
        .with_term_calendar(norfolk_2026_27_provisional())
        .unwrap()
}

/// Everything `evaluate` takes, starting from the example's.
pub(crate) struct Scenario {
    pub(crate) referral: Referral,
    pub(crate) attendance: Option<AttendanceEvidence>,
    pub(crate) calendar: Option<SchoolCalendar>,
    pub(crate) policy: PolicyParameters,
    pub(crate) today: NaiveDate,
}

impl Scenario {
    /// The referral with the example's attendance, Norfolk's calendar, the 2024 policy and
    /// [`today`].
    pub(crate) fn new(referral: Referral) -> Self {
        Self {
            referral,
            attendance: Some(example_attendance()),
            calendar: Some(norfolk()),
            policy: PolicyParameters::norfolk_2024(),
            today: today(),
        }
    }

    /// Every check.
    pub(crate) fn evaluate(&self) -> Vec<Check> {
        evaluate(
            &self.referral,
            self.attendance.as_ref(),
            self.calendar.as_ref(),
            &self.policy,
            self.today,
        )
    }

    /// The check of one rule.
    pub(crate) fn check(&self, rule: &str) -> Check {
        self.evaluate()
            .into_iter()
            .find(|check| check.rule == rule)
            .unwrap()
    }
}

/// The check of one rule on a referral, in the example's circumstances.
pub(crate) fn check(referral: &Referral, rule: &str) -> Check {
    Scenario::new(referral.clone()).check(rule)
}
