//! School weeks (MN-PLAN-5): the initial period of provision is counted in school weeks on the
//! term calendar, so holidays and bank holidays do not use it up.
//!
//! **Definition.** A *school week* is a Monday-to-Sunday week that contains at least one school
//! day. A week that is all holiday, or whose only weekday in term is a bank holiday, is not a
//! school week; a week with a single school day (the Friday a term starts) is one.
//!
//! Counting works like counting calendar weeks: [`SchoolCalendar::add_school_weeks`] moves to
//! the same weekday in the n-th school week after the week of `start`, and
//! [`SchoolCalendar::school_weeks_between`] counts the school weeks after the week of `start` up
//! to and including the week of `end`. So `school_weeks_between(start, add_school_weeks(start,
//! n)) == n` for every start, and a period of 12 school weeks starting on Wednesday 10 September
//! 2025 is counted to Wednesday in the 12th school week after that one.

use chrono::{Datelike, Days, NaiveDate};

use super::SchoolCalendar;

/// The term dates loaded do not reach far enough to count the school weeks asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "The term dates loaded do not reach {weeks} school weeks after {start_text}; add the term dates for the next school year",
    start_text = start.format("%-d %B %Y")
)]
pub struct OutsideCalendarError {
    /// The date counting started from.
    pub start: NaiveDate,
    /// How many school weeks were asked for.
    pub weeks: u32,
}

/// One week, seven days.
const WEEK: Days = Days::new(7);

/// The Monday of the week the date falls in (`None` only at the very start of time).
fn monday_of(date: NaiveDate) -> Option<NaiveDate> {
    date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
}

impl SchoolCalendar {
    /// Whether the Monday-to-Sunday week the date falls in is a school week: it has at least
    /// one school day (MN-PLAN-5).
    pub fn is_school_week(&self, date: NaiveDate) -> bool {
        monday_of(date).is_some_and(|monday| {
            monday
                .iter_days()
                .take(7)
                .any(|day| self.is_school_day(day))
        })
    }

    /// The date `weeks` school weeks after `start` (MN-PLAN-5): the same weekday as `start` in
    /// the `weeks`-th school week after the week `start` falls in. Weeks that are not school
    /// weeks are skipped. The date found can itself be a non-school day (a bank holiday
    /// Monday, say); it is the day the weeks have run, like adding calendar weeks.
    ///
    /// Fails if a week has to be counted beyond the school years the calendar covers, rather
    /// than guess at term dates nobody has loaded.
    pub fn add_school_weeks(
        &self,
        start: NaiveDate,
        weeks: u32,
    ) -> Result<NaiveDate, OutsideCalendarError> {
        let outside = || OutsideCalendarError { start, weeks };
        let mut monday = monday_of(start).ok_or_else(outside)?;
        let mut counted = 0;
        while counted < weeks {
            monday = monday.checked_add_days(WEEK).ok_or_else(outside)?;
            if self.is_school_week(monday) {
                counted += 1;
            } else if !self.covers(monday)
                || !monday
                    .checked_add_days(Days::new(6))
                    .is_some_and(|sunday| self.covers(sunday))
            {
                return Err(outside());
            }
        }
        let weekday = Days::new(u64::from(start.weekday().num_days_from_monday()));
        monday.checked_add_days(weekday).ok_or_else(outside)
    }

    /// How many school weeks (MN-PLAN-5) there are after the week `start` falls in, up to and
    /// including the week `end` falls in: 0 when both fall in the same week or `end` is
    /// earlier. Weeks outside the calendar's terms do not count.
    pub fn school_weeks_between(&self, start: NaiveDate, end: NaiveDate) -> u32 {
        let first_term_day = self.term_calendars().iter().find_map(|c| c.first_day());
        let last_term_day = self
            .term_calendars()
            .iter()
            .rev()
            .find_map(|c| c.last_day());
        let (Some(first_term_day), Some(last_term_day)) = (first_term_day, last_term_day) else {
            return 0;
        };
        // Only weeks that touch a term can be school weeks, so the walk stays short.
        let after_start = monday_of(start).and_then(|monday| monday.checked_add_days(WEEK));
        let (Some(from), Some(first_monday)) = (after_start, monday_of(first_term_day)) else {
            return 0;
        };
        let to = end.min(last_term_day);
        let mut monday = from.max(first_monday);
        let mut counted = 0;
        while monday <= to {
            if self.is_school_week(monday) {
                counted += 1;
            }
            match monday.checked_add_days(WEEK) {
                Some(next) => monday = next,
                None => break,
            }
        }
        counted
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{
        BankHolidays, Term, TermCalendar, england_bank_holidays_2025_2027, norfolk_2025_26,
        norfolk_2026_27_provisional,
    };
    use super::*;

    fn norfolk() -> SchoolCalendar {
        SchoolCalendar::new(norfolk_2025_26(), england_bank_holidays_2025_2027())
            .with_term_calendar(norfolk_2026_27_provisional())
            .unwrap()
    }

    #[test]
    fn mn_plan_5_a_week_in_term_counts_and_a_week_of_half_term_does_not() {
        let calendar = norfolk();
        assert!(calendar.is_school_week(date!(2025, 9, 10)));
        assert!(!calendar.is_school_week(date!(2025, 10, 29)));
        // Back on Tuesday 4 November: the week of Monday 3 November counts.
        assert!(calendar.is_school_week(date!(2025, 11, 3)));
    }

    #[test]
    fn mn_plan_5_a_week_starting_on_a_wednesday_counts() {
        // Term starts Wednesday 3 September 2025.
        assert!(norfolk().is_school_week(date!(2025, 9, 1)));
        assert!(!norfolk().is_school_week(date!(2025, 8, 25)));
    }

    #[test]
    fn mn_plan_5_twelve_school_weeks_skip_october_half_term() {
        let calendar = norfolk();
        let start = date!(2025, 9, 10);
        let end = calendar.add_school_weeks(start, 12).unwrap();
        // 12 calendar weeks would be 3 December; half term pushes it a week later.
        assert_eq!(end, date!(2025, 12, 10));
        assert_eq!(calendar.school_weeks_between(start, end), 12);
    }

    #[test]
    fn mn_plan_5_counting_across_half_term() {
        let calendar = norfolk();
        // Wednesday 22 October, one school week on: half term is skipped.
        assert_eq!(
            calendar.add_school_weeks(date!(2025, 10, 22), 1),
            Ok(date!(2025, 11, 5))
        );
        assert_eq!(
            calendar.school_weeks_between(date!(2025, 10, 22), date!(2025, 11, 5)),
            1
        );
        // From inside the half term, the first school week is the one pupils return in.
        assert_eq!(
            calendar.add_school_weeks(date!(2025, 10, 29), 1),
            Ok(date!(2025, 11, 5))
        );
    }

    #[test]
    fn mn_plan_5_counting_across_christmas() {
        let calendar = norfolk();
        // Monday 15 December 2025: the two Christmas weeks do not count; spring starts Tuesday
        // 6 January, so the week of Monday 5 January is the next school week.
        assert_eq!(
            calendar.add_school_weeks(date!(2025, 12, 15), 1),
            Ok(date!(2026, 1, 5))
        );
        assert_eq!(
            calendar.school_weeks_between(date!(2025, 12, 15), date!(2026, 1, 16)),
            2
        );
    }

    #[test]
    fn mn_plan_5_counting_across_easter() {
        let calendar = norfolk();
        // Thursday 26 March 2026, spring ends Friday 27 March; the two Easter weeks (with Good
        // Friday and Easter Monday) do not count; summer starts Wednesday 15 April.
        assert_eq!(
            calendar.add_school_weeks(date!(2026, 3, 26), 1),
            Ok(date!(2026, 4, 16))
        );
        assert_eq!(
            calendar.school_weeks_between(date!(2026, 3, 23), date!(2026, 4, 30)),
            3
        );
    }

    #[test]
    fn mn_plan_5_a_week_whose_only_term_day_is_a_bank_holiday_does_not_count() {
        // A one-week term whose only weekday is the August bank holiday, in a calendar built
        // for the test.
        let terms = vec![
            Term::new("Summer", date!(2026, 7, 6), date!(2026, 7, 17)),
            Term::new("Bank holiday only", date!(2026, 8, 31), date!(2026, 8, 31)),
            Term::new("Autumn", date!(2026, 9, 7), date!(2026, 9, 18)),
        ];
        let calendar = SchoolCalendar::new(
            TermCalendar::new("Test", false, terms).unwrap(),
            england_bank_holidays_2025_2027(),
        );
        assert!(!calendar.is_school_week(date!(2026, 8, 31)));
        assert_eq!(
            calendar.add_school_weeks(date!(2026, 7, 8), 2),
            Ok(date!(2026, 9, 9))
        );
        assert_eq!(
            calendar.school_weeks_between(date!(2026, 7, 8), date!(2026, 9, 9)),
            2
        );
    }

    #[test]
    fn mn_plan_5_the_may_bank_holiday_week_still_counts() {
        // Monday 4 May 2026 is a bank holiday, but the rest of the week is in term.
        let calendar = norfolk();
        assert!(calendar.is_school_week(date!(2026, 5, 4)));
        assert_eq!(
            calendar.add_school_weeks(date!(2026, 4, 27), 1),
            Ok(date!(2026, 5, 4))
        );
    }

    #[test]
    fn mn_plan_5_counting_into_the_next_school_year() {
        let calendar = norfolk();
        // From Monday 6 July 2026: two weeks left in summer term, then the holiday, then
        // 2026/27's provisional autumn term.
        let end = calendar.add_school_weeks(date!(2026, 7, 6), 3).unwrap();
        assert_eq!(calendar.school_weeks_between(date!(2026, 7, 6), end), 3);
        assert!(end >= date!(2026, 9, 1));
        assert!(calendar.uses_provisional_dates(date!(2026, 7, 6), end));
    }

    #[test]
    fn mn_plan_5_counting_beyond_the_loaded_term_dates_fails_with_a_reason() {
        let calendar = SchoolCalendar::new(norfolk_2025_26(), BankHolidays::default());
        let error = calendar
            .add_school_weeks(date!(2026, 7, 6), 12)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "The term dates loaded do not reach 12 school weeks after 6 July 2026; add the term dates for the next school year"
        );
        assert!(calendar.add_school_weeks(date!(2024, 9, 4), 1).is_err());
    }

    #[test]
    fn mn_plan_5_zero_weeks_is_the_start_and_same_week_is_zero() {
        let calendar = norfolk();
        let start = date!(2025, 9, 10);
        assert_eq!(calendar.add_school_weeks(start, 0), Ok(start));
        assert_eq!(calendar.school_weeks_between(start, date!(2025, 9, 14)), 0);
        assert_eq!(calendar.school_weeks_between(start, date!(2025, 9, 1)), 0);
    }

    /// A school day in Norfolk between September 2025 and March 2027, late enough in the
    /// loaded dates that 12 school weeks always fit.
    fn school_day() -> impl Strategy<Value = NaiveDate> {
        (0u64..550).prop_filter_map("not a school day", |offset| {
            let day = date!(2025, 9, 1).checked_add_days(Days::new(offset))?;
            norfolk().is_school_day(day).then_some(day)
        })
    }

    proptest! {
        #[test]
        fn mn_plan_5_weeks_added_are_weeks_between(start in school_day(), weeks in 1u32..=12) {
            let calendar = norfolk();
            let end = calendar.add_school_weeks(start, weeks).unwrap();
            prop_assert_eq!(calendar.school_weeks_between(start, end), weeks);
            prop_assert_eq!(end.weekday(), start.weekday());
            prop_assert!(calendar.is_school_week(end));
            prop_assert!(end > start);
        }

        #[test]
        fn mn_plan_5_more_weeks_end_later(start in school_day(), weeks in 1u32..=11) {
            let calendar = norfolk();
            let shorter = calendar.add_school_weeks(start, weeks).unwrap();
            let longer = calendar.add_school_weeks(start, weeks + 1).unwrap();
            prop_assert!(longer > shorter);
        }
    }
}
