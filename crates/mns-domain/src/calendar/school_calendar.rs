//! A school's calendar: one or more years of term dates with the bank holidays, answering
//! "is this a school day?" and counting school days.

use chrono::{Datelike, NaiveDate, Weekday};

use super::term::check_in_order;
use super::{BankHolidays, SchoolYear, Term, TermCalendar, TermCalendarError};

/// Term dates for one or more school years together with the bank holidays: the calendar that
/// school days and school weeks (MN-PLAN-5) are counted on.
///
/// It *covers* each school year (1 September to 31 August) that one of its term calendars falls
/// in; within a covered year, a day outside every term is a holiday, and outside the covered
/// years nothing is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolCalendar {
    /// In date order, terms not overlapping across calendars.
    term_calendars: Vec<TermCalendar>,
    bank_holidays: BankHolidays,
}

impl SchoolCalendar {
    /// A calendar of one set of term dates and the bank holidays.
    pub fn new(term_calendar: TermCalendar, bank_holidays: BankHolidays) -> Self {
        Self {
            term_calendars: vec![term_calendar],
            bank_holidays,
        }
    }

    /// Adds another set of term dates, usually the next school year's; fails if any of its
    /// terms overlaps a term already in the calendar.
    pub fn with_term_calendar(mut self, calendar: TermCalendar) -> Result<Self, TermCalendarError> {
        self.term_calendars.push(calendar);
        self.term_calendars
            .sort_by_key(|calendar| calendar.first_day());
        check_in_order(self.terms().map(|(_, term)| term))?;
        Ok(self)
    }

    /// The sets of term dates, in date order.
    pub fn term_calendars(&self) -> &[TermCalendar] {
        &self.term_calendars
    }

    /// The bank holidays.
    pub fn bank_holidays(&self) -> &BankHolidays {
        &self.bank_holidays
    }

    /// Every term in date order, with the calendar it comes from.
    fn terms(&self) -> impl Iterator<Item = (&TermCalendar, &Term)> {
        self.term_calendars
            .iter()
            .flat_map(|calendar| calendar.terms().iter().map(move |term| (calendar, term)))
    }

    /// The term the date falls in (half term included), if any.
    pub fn term_on(&self, date: NaiveDate) -> Option<&Term> {
        self.terms()
            .map(|(_, term)| term)
            .find(|term| term.contains(date))
    }

    /// Whether the date is a school day: a weekday inside a term, not in its half term, and not
    /// a bank holiday.
    pub fn is_school_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.bank_holidays.contains(date)
            && self
                .term_on(date)
                .is_some_and(|term| !term.is_half_term(date))
    }

    /// How many school days there are from `start` to `end`, both included (0 if `end` is
    /// before `start`).
    pub fn school_days_between(&self, start: NaiveDate, end: NaiveDate) -> u32 {
        let count = self
            .terms()
            .map(|(_, term)| (start.max(term.start), end.min(term.end)))
            .filter(|(from, to)| from <= to)
            .flat_map(|(from, to)| from.iter_days().take_while(move |day| *day <= to))
            .filter(|day| self.is_school_day(*day))
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// The first and last day of the school years a term calendar falls in.
    fn span(calendar: &TermCalendar) -> Option<(NaiveDate, NaiveDate)> {
        let first = SchoolYear::containing(calendar.first_day()?).first_day();
        let last = SchoolYear::containing(calendar.last_day()?).last_day();
        Some((first, last))
    }

    /// Whether the calendar knows whether the date is a school day: the date falls in a school
    /// year that one of its term calendars covers.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.term_calendars
            .iter()
            .filter_map(Self::span)
            .any(|(first, last)| first <= date && date <= last)
    }

    /// Whether any of the days from `start` to `end` (both included) is counted on provisional
    /// term dates, so that a date worked out over them should be shown as provisional.
    pub fn uses_provisional_dates(&self, start: NaiveDate, end: NaiveDate) -> bool {
        self.term_calendars
            .iter()
            .filter(|calendar| calendar.is_provisional())
            .filter_map(Self::span)
            .any(|(first, last)| first <= end && start <= last)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{
        england_bank_holidays_2025_2027, norfolk_2025_26, norfolk_2026_27_provisional,
    };
    use super::*;

    fn norfolk() -> SchoolCalendar {
        SchoolCalendar::new(norfolk_2025_26(), england_bank_holidays_2025_2027())
            .with_term_calendar(norfolk_2026_27_provisional())
            .unwrap()
    }

    #[test]
    fn term_days_are_school_days_and_weekends_are_not() {
        let calendar = norfolk();
        assert!(calendar.is_school_day(date!(2025, 9, 3)));
        assert!(!calendar.is_school_day(date!(2025, 9, 2)));
        assert!(!calendar.is_school_day(date!(2025, 9, 6)));
        assert!(!calendar.is_school_day(date!(2025, 9, 7)));
    }

    #[test]
    fn half_term_is_not_school_days_up_to_the_day_pupils_return() {
        let calendar = norfolk();
        assert!(calendar.is_school_day(date!(2025, 10, 24)));
        assert!(!calendar.is_school_day(date!(2025, 10, 27)));
        assert!(!calendar.is_school_day(date!(2025, 11, 3)));
        assert!(calendar.is_school_day(date!(2025, 11, 4)));
    }

    #[test]
    fn a_bank_holiday_in_term_is_not_a_school_day() {
        let calendar = norfolk();
        // Early May bank holiday, Monday 4 May 2026, falls in the summer term.
        assert!(calendar.term_on(date!(2026, 5, 4)).is_some());
        assert!(!calendar.is_school_day(date!(2026, 5, 4)));
        assert!(calendar.is_school_day(date!(2026, 5, 5)));
    }

    /// The published dates give 188 days, not the usual 190: a figure for the council to check.
    #[test]
    fn norfolk_2025_26_as_published_has_188_school_days() {
        let calendar = norfolk();
        assert_eq!(
            calendar.school_days_between(date!(2025, 9, 1), date!(2026, 8, 31)),
            188
        );
    }

    #[test]
    fn norfolk_2026_27_provisional_has_190_school_days() {
        let calendar = norfolk();
        assert_eq!(
            calendar.school_days_between(date!(2026, 9, 1), date!(2027, 8, 31)),
            190
        );
    }

    #[test]
    fn school_days_between_counts_both_ends() {
        let calendar = norfolk();
        let monday = date!(2025, 9, 8);
        assert_eq!(calendar.school_days_between(monday, monday), 1);
        assert_eq!(calendar.school_days_between(monday, date!(2025, 9, 12)), 5);
        assert_eq!(calendar.school_days_between(date!(2025, 9, 12), monday), 0);
        // Christmas: Friday 19 December to Tuesday 6 January is two school days.
        assert_eq!(
            calendar.school_days_between(date!(2025, 12, 19), date!(2026, 1, 6)),
            2
        );
    }

    #[test]
    fn coverage_is_the_whole_school_years_of_the_terms() {
        let calendar = SchoolCalendar::new(norfolk_2025_26(), england_bank_holidays_2025_2027());
        assert!(calendar.covers(date!(2025, 9, 1)));
        assert!(calendar.covers(date!(2026, 8, 31)));
        assert!(!calendar.covers(date!(2025, 8, 31)));
        assert!(!calendar.covers(date!(2026, 9, 1)));
        assert!(norfolk().covers(date!(2026, 9, 1)));
    }

    #[test]
    fn dates_counted_on_a_provisional_year_are_flagged() {
        let calendar = norfolk();
        assert!(!calendar.uses_provisional_dates(date!(2025, 9, 1), date!(2026, 7, 17)));
        assert!(calendar.uses_provisional_dates(date!(2026, 6, 1), date!(2026, 9, 30)));
    }

    #[test]
    fn overlapping_term_calendars_cannot_be_combined() {
        let result = SchoolCalendar::new(norfolk_2025_26(), BankHolidays::default())
            .with_term_calendar(norfolk_2025_26());
        assert!(matches!(
            result,
            Err(TermCalendarError::TermsOverlap { .. })
        ));
    }
}
