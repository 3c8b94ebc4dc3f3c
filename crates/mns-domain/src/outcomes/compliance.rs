//! Section 19 compliance (issue 17): for each child, how long they waited for education and
//! how much of a full-time week they get; for the service, the same summed up.
//!
//! - Days from the referral to the first day of provision (MN-DEC-2), and from the day the
//!   child's illness absence passed the threshold, where the attendance data says when.
//! - A start later than the council's target ([`ComplianceTargets::start_target_days`]), or
//!   a wait already longer than it, is listed by name for the coordinator.
//! - Hours offered against the full-time week for the pupil's year group; a package below it
//!   needs its medical reason on the record (MN-DEC-3, MN-PLAN-2), and one without is listed.
//! - Cases open more than a term, and reviews (MN-REV-1) and continuation requests (MN-CONT-2)
//!   not made by their dates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::referral::PolicyParameters;

/// The full-time week for a range of year groups, in hours (Reception is year 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FullTimeWeek {
    /// The first year group it applies to.
    pub first_year: i32,
    /// The last.
    pub last_year: i32,
    /// Hours of education in a full-time week.
    pub hours: f64,
}

/// The Department for Education's expectation from September 2024: a school week of at least
/// 32.5 hours in every mainstream year group, Reception to Year 13.
pub fn dfe_2024_full_time_weeks() -> Vec<FullTimeWeek> {
    vec![FullTimeWeek {
        first_year: 0,
        last_year: 13,
        hours: 32.5,
    }]
}

/// The council's targets the service is measured against: versioned with the policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplianceTargets {
    /// Calendar days from the referral to the first day of provision the council aims for.
    pub start_target_days: u32,
    /// A case open longer than this many days (about a term) is listed.
    pub long_case_days: u32,
    /// The full-time week by year group.
    pub full_time_weeks: Vec<FullTimeWeek>,
}

impl ComplianceTargets {
    /// The targets in a policy version.
    pub fn from_policy(policy: &PolicyParameters) -> Self {
        ComplianceTargets {
            start_target_days: policy.provision_start_target_days,
            long_case_days: policy.long_case_days,
            full_time_weeks: policy.full_time_weeks.clone(),
        }
    }
}

/// The full-time week a pupil's package is measured against: the council's week for their
/// year group, or, when the year group is not known or not in the table, the week the
/// planning record gives, or the Department's 32.5 hours.
pub fn full_time_hours_for(
    year_group: Option<i32>,
    weeks: &[FullTimeWeek],
    plan_full_time: Option<f64>,
) -> f64 {
    year_group
        .and_then(|year| {
            weeks
                .iter()
                .find(|w| (w.first_year..=w.last_year).contains(&year))
        })
        .map(|w| w.hours)
        .or(plan_full_time.filter(|h| *h > 0.0))
        .unwrap_or(crate::provision::record::DEFAULT_FULL_TIME_HOURS)
}

/// What the records say about one case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComplianceFacts {
    /// The referral date (MN-DEC-2).
    pub referral_date: NaiveDate,
    /// The day the child's illness absence passed the threshold, where the attendance data
    /// says.
    pub absence_threshold_on: Option<NaiveDate>,
    /// The first day of provision.
    pub provision_start: Option<NaiveDate>,
    /// The last day of provision, when the case has ended.
    pub last_day: Option<NaiveDate>,
    /// The day the case opened.
    pub opened_on: NaiveDate,
    /// Hours per week in the package agreed, once there is one.
    pub hours_per_week: Option<f64>,
    /// The full-time week the planning record gives.
    pub plan_full_time_hours: Option<f64>,
    /// The medical reason for less than full time on the record (MN-DEC-3).
    pub medical_reason: Option<String>,
    /// The pupil's year group by age.
    pub year_group: Option<i32>,
    /// Provision is running (not ended, not waiting to start).
    pub running: bool,
    /// When this period's review is due, and when it was held (MN-REV-1).
    pub review_due: Option<NaiveDate>,
    /// When it was held.
    pub review_held_on: Option<NaiveDate>,
    /// When the continuation request is due (MN-CONT-2).
    pub continuation_due: Option<NaiveDate>,
    /// Whether it has been made for this period.
    pub continuation_requested: bool,
}

impl Default for ComplianceTargets {
    fn default() -> Self {
        ComplianceTargets::from_policy(&PolicyParameters::default())
    }
}

/// One case measured against Section 19 and the council's targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Compliance {
    /// Days from the referral to the first day of provision, once it started (MN-DEC-2).
    pub days_to_start: Option<i64>,
    /// Days waited so far, for a child still waiting for provision to start.
    pub days_waiting: Option<i64>,
    /// Days from the day illness absence passed the threshold to the start of provision (or
    /// to today, while waiting), where that day is known.
    pub days_from_absence: Option<i64>,
    /// Started later than the target, or has waited longer than it.
    pub late_start: bool,
    /// The full-time week the package is measured against.
    pub full_time_hours: f64,
    /// Hours per week offered, once agreed.
    pub hours_offered: Option<f64>,
    /// The package is less than the full-time week.
    pub part_time: bool,
    /// ... and the record gives no medical reason (MN-DEC-3, MN-PLAN-2).
    pub part_time_without_reason: bool,
    /// Days the case has been open (to its last day, once ended).
    pub days_open: i64,
    /// Still open, and open longer than [`ComplianceTargets::long_case_days`].
    pub open_more_than_a_term: bool,
    /// The review's date has passed and it was not held (MN-REV-1).
    pub review_late: bool,
    /// The continuation request's date has passed and none was made (MN-CONT-2).
    pub continuation_late: bool,
}

/// Measures one case (MN-DEC-2, MN-DEC-3, MN-PLAN-2, MN-REV-1, MN-CONT-2).
pub fn assess(
    facts: &ComplianceFacts,
    targets: &ComplianceTargets,
    today: NaiveDate,
) -> Compliance {
    let days = |from: NaiveDate, to: NaiveDate| (to - from).num_days();
    let days_to_start = facts
        .provision_start
        .map(|start| days(facts.referral_date, start));
    let waiting = facts.provision_start.is_none() && facts.last_day.is_none();
    let days_waiting = waiting.then(|| days(facts.referral_date, today));
    let until = facts.provision_start.or(waiting.then_some(today));
    let days_from_absence = facts
        .absence_threshold_on
        .zip(until)
        .map(|(passed, until)| days(passed, until).max(0));
    let target = i64::from(targets.start_target_days);
    let late_start = days_to_start.or(days_waiting).is_some_and(|d| d > target);
    let full_time_hours = full_time_hours_for(
        facts.year_group,
        &targets.full_time_weeks,
        facts.plan_full_time_hours,
    );
    let part_time = facts
        .hours_per_week
        .is_some_and(|hours| hours + 1e-9 < full_time_hours);
    let has_reason = facts
        .medical_reason
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty());
    let days_open = days(facts.opened_on, facts.last_day.unwrap_or(today).min(today)).max(0);
    let passed = |date: Option<NaiveDate>| date.is_some_and(|d| d < today);
    Compliance {
        days_to_start,
        days_waiting,
        days_from_absence,
        late_start,
        full_time_hours,
        hours_offered: facts.hours_per_week,
        part_time,
        part_time_without_reason: part_time && !has_reason,
        days_open,
        open_more_than_a_term: facts.last_day.is_none()
            && days_open > i64::from(targets.long_case_days),
        review_late: facts.running && facts.review_held_on.is_none() && passed(facts.review_due),
        continuation_late: facts.running
            && !facts.continuation_requested
            && passed(facts.continuation_due),
    }
}

/// The bands the chart of days from referral to provision puts cases in: up to 7 days, 8 to
/// 15, 16 to 30, 31 to 60, over 60.
pub const DAYS_TO_START_BANDS: [(i64, Option<i64>, &str); 5] = [
    (0, Some(7), "Up to 7 days"),
    (8, Some(15), "8 to 15 days"),
    (16, Some(30), "16 to 30 days"),
    (31, Some(60), "31 to 60 days"),
    (61, None, "Over 60 days"),
];

/// The service's figures over a set of cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceCompliance {
    /// Cases counted.
    pub cases: u64,
    /// Of which provision has started.
    pub started: u64,
    /// Started within the target.
    pub started_within_target: u64,
    /// Started later than the target.
    pub started_late: u64,
    /// Still waiting for provision to start.
    pub waiting: u64,
    /// Waiting longer than the target.
    pub waiting_beyond_target: u64,
    /// The median days from referral to start, over the cases that started.
    pub median_days_to_start: Option<i64>,
    /// The median days from the absence threshold to start, where known.
    pub median_days_from_absence: Option<i64>,
    /// Cases whose threshold day is known.
    pub absence_known: u64,
    /// Cases with a package agreed.
    pub with_package: u64,
    /// Full-time packages.
    pub full_time: u64,
    /// Part-time packages with their medical reason.
    pub part_time_with_reason: u64,
    /// Part-time packages without one (MN-DEC-3).
    pub part_time_without_reason: u64,
    /// Hours offered per week, summed over the packages.
    pub hours_offered: f64,
    /// Full-time hours those pupils are owed, summed.
    pub full_time_hours: f64,
    /// Cases open more than a term.
    pub open_more_than_a_term: u64,
    /// Reviews late.
    pub reviews_late: u64,
    /// Continuation requests late.
    pub continuations_late: u64,
    /// Cases that started, by [`DAYS_TO_START_BANDS`].
    pub days_to_start_bands: [u64; 5],
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2
    } else {
        values[mid]
    })
}

impl ServiceCompliance {
    /// Sums the cases up.
    pub fn of<'a>(cases: impl IntoIterator<Item = &'a Compliance>) -> Self {
        let mut out = ServiceCompliance::default();
        let mut to_start = Vec::new();
        let mut from_absence = Vec::new();
        for case in cases {
            out.cases += 1;
            if let Some(days) = case.days_to_start {
                out.started += 1;
                to_start.push(days);
                if case.late_start {
                    out.started_late += 1;
                } else {
                    out.started_within_target += 1;
                }
                let band = DAYS_TO_START_BANDS
                    .iter()
                    .position(|(from, to, _)| days >= *from && to.is_none_or(|to| days <= to))
                    .unwrap_or(0);
                out.days_to_start_bands[band] += 1;
            }
            if case.days_waiting.is_some() {
                out.waiting += 1;
                if case.late_start {
                    out.waiting_beyond_target += 1;
                }
            }
            if let Some(days) = case.days_from_absence {
                out.absence_known += 1;
                from_absence.push(days);
            }
            if let Some(hours) = case.hours_offered {
                out.with_package += 1;
                out.hours_offered += hours;
                out.full_time_hours += case.full_time_hours;
                match (case.part_time, case.part_time_without_reason) {
                    (false, _) => out.full_time += 1,
                    (true, false) => out.part_time_with_reason += 1,
                    (true, true) => out.part_time_without_reason += 1,
                }
            }
            out.open_more_than_a_term += u64::from(case.open_more_than_a_term);
            out.reviews_late += u64::from(case.review_late);
            out.continuations_late += u64::from(case.continuation_late);
        }
        out.median_days_to_start = median(to_start);
        out.median_days_from_absence = median(from_absence);
        out
    }

    /// Hours offered as a share of the full-time hours owed, over the packages agreed.
    pub fn share_of_full_time(&self) -> Option<f64> {
        (self.full_time_hours > 0.0).then(|| self.hours_offered / self.full_time_hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
    }

    fn started(days_after_referral: u64) -> ComplianceFacts {
        let referral = date(2026, 1, 5);
        ComplianceFacts {
            referral_date: referral,
            opened_on: referral,
            provision_start: referral.checked_add_days(chrono::Days::new(days_after_referral)),
            hours_per_week: Some(32.5),
            year_group: Some(9),
            running: true,
            ..Default::default()
        }
    }

    const TODAY: fn() -> NaiveDate = || date(2026, 3, 2);

    #[test]
    fn mn_dec_2_a_start_later_than_the_target_is_listed() {
        let targets = ComplianceTargets::default();
        assert_eq!(targets.start_target_days, 15);
        let on_time = assess(&started(15), &targets, TODAY());
        assert_eq!(
            (on_time.days_to_start, on_time.late_start),
            (Some(15), false)
        );
        let late = assess(&started(16), &targets, TODAY());
        assert_eq!((late.days_to_start, late.late_start), (Some(16), true));
    }

    #[test]
    fn mn_dec_2_a_child_still_waiting_past_the_target_is_listed_with_the_days_so_far() {
        let facts = ComplianceFacts {
            provision_start: None,
            hours_per_week: None,
            running: false,
            ..started(0)
        };
        let waiting = assess(&facts, &ComplianceTargets::default(), TODAY());
        assert_eq!(waiting.days_waiting, Some(56));
        assert!(waiting.late_start);
        assert_eq!(waiting.days_to_start, None);
        let early = assess(&facts, &ComplianceTargets::default(), date(2026, 1, 10));
        assert!(!early.late_start);
    }

    #[test]
    fn mn_dec_2_days_from_the_absence_threshold_are_counted_where_the_day_is_known() {
        let mut facts = started(10);
        assert_eq!(
            assess(&facts, &ComplianceTargets::default(), TODAY()).days_from_absence,
            None
        );
        facts.absence_threshold_on = Some(date(2025, 12, 15));
        assert_eq!(
            assess(&facts, &ComplianceTargets::default(), TODAY()).days_from_absence,
            Some(31)
        );
    }

    #[test]
    fn mn_dec_3_a_part_time_package_without_a_medical_reason_is_listed() {
        let mut facts = started(5);
        facts.hours_per_week = Some(15.0);
        let without = assess(&facts, &ComplianceTargets::default(), TODAY());
        assert!(without.part_time && without.part_time_without_reason);
        facts.medical_reason = Some("   ".into());
        assert!(assess(&facts, &ComplianceTargets::default(), TODAY()).part_time_without_reason);
        facts.medical_reason = Some("Fatigue after chemotherapy: two hours a day".into());
        let with = assess(&facts, &ComplianceTargets::default(), TODAY());
        assert!(with.part_time && !with.part_time_without_reason);
    }

    #[test]
    fn mn_plan_2_the_week_is_the_year_groups_not_the_one_the_school_wrote_down() {
        // The school's record calls 25 hours full time; the council's week for Year 9 is 32.5.
        let mut facts = started(5);
        facts.hours_per_week = Some(25.0);
        facts.plan_full_time_hours = Some(25.0);
        let case = assess(&facts, &ComplianceTargets::default(), TODAY());
        assert_eq!(case.full_time_hours, 32.5);
        assert!(case.part_time_without_reason);
        // Without a year group the record's own week is used.
        facts.year_group = None;
        assert!(!assess(&facts, &ComplianceTargets::default(), TODAY()).part_time);
        let weeks = [FullTimeWeek {
            first_year: 0,
            last_year: 6,
            hours: 30.0,
        }];
        assert_eq!(full_time_hours_for(Some(3), &weeks, None), 30.0);
        assert_eq!(full_time_hours_for(Some(9), &weeks, None), 32.5);
    }

    #[test]
    fn mn_rev_1_and_mn_cont_2_late_reviews_and_continuations_are_counted_while_running() {
        let mut facts = started(5);
        facts.review_due = Some(date(2026, 2, 20));
        facts.continuation_due = Some(date(2026, 3, 1));
        let case = assess(&facts, &ComplianceTargets::default(), TODAY());
        assert!(case.review_late && case.continuation_late);
        facts.review_held_on = Some(date(2026, 2, 19));
        facts.continuation_requested = true;
        let case = assess(&facts, &ComplianceTargets::default(), TODAY());
        assert!(!case.review_late && !case.continuation_late);
        facts.review_held_on = None;
        facts.running = false;
        assert!(!assess(&facts, &ComplianceTargets::default(), TODAY()).review_late);
    }

    #[test]
    fn s19_a_case_open_longer_than_a_term_is_listed_while_it_is_open() {
        let mut facts = started(5);
        facts.opened_on = date(2025, 9, 1);
        assert!(assess(&facts, &ComplianceTargets::default(), TODAY()).open_more_than_a_term);
        facts.last_day = Some(date(2025, 11, 1));
        let ended = assess(&facts, &ComplianceTargets::default(), TODAY());
        assert_eq!(ended.days_open, 61);
        assert!(!ended.open_more_than_a_term);
        // A case that has ended is not listed, however long it ran.
        facts.last_day = Some(date(2026, 2, 1));
        let ended = assess(&facts, &ComplianceTargets::default(), TODAY());
        assert_eq!(ended.days_open, 153);
        assert!(!ended.open_more_than_a_term);
    }

    #[test]
    fn s19_the_service_figures_sum_the_cases() {
        let targets = ComplianceTargets::default();
        let mut part_time = started(40);
        part_time.hours_per_week = Some(10.0);
        let waiting = ComplianceFacts {
            provision_start: None,
            hours_per_week: None,
            ..started(0)
        };
        let cases: Vec<Compliance> = [started(3), started(12), part_time, waiting]
            .iter()
            .map(|f| assess(f, &targets, TODAY()))
            .collect();
        let service = ServiceCompliance::of(&cases);
        assert_eq!(service.cases, 4);
        assert_eq!((service.started, service.started_late), (3, 1));
        assert_eq!((service.waiting, service.waiting_beyond_target), (1, 1));
        assert_eq!(service.median_days_to_start, Some(12));
        assert_eq!(service.days_to_start_bands, [1, 1, 0, 1, 0]);
        assert_eq!(
            (service.full_time, service.part_time_without_reason),
            (2, 1)
        );
        assert_eq!(service.share_of_full_time(), Some(75.0 / 97.5));
    }
}
