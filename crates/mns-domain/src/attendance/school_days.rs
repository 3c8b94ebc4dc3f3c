//! A school year's school days worked out once from a calendar, so that summarising a whole
//! export asks the calendar 365 questions rather than one per session of every pupil.

use chrono::{Datelike, NaiveDate};

use crate::calendar::{SchoolCalendar, SchoolYear};

/// For each day of one school year: whether it is a school day, or `None` where the calendar
/// does not cover it.
pub(crate) struct SchoolDays<'a> {
    calendar: &'a SchoolCalendar,
    first_day: NaiveDate,
    known: Vec<Option<bool>>,
}

impl<'a> SchoolDays<'a> {
    /// The calendar's answers for every day of `school_year`.
    pub(crate) fn for_school_year(calendar: &'a SchoolCalendar, school_year: SchoolYear) -> Self {
        let first_day = school_year.first_day();
        let last_day = school_year.last_day();
        let known = first_day
            .iter_days()
            .take_while(|day| *day <= last_day)
            .map(|day| ask(calendar, day))
            .collect();
        Self {
            calendar,
            first_day,
            known,
        }
    }

    /// Whether the date is a school day (`None` where the calendar does not know); dates
    /// outside the year are asked of the calendar.
    pub(crate) fn school_day(&self, date: NaiveDate) -> Option<bool> {
        let offset = usize::try_from(date.num_days_from_ce() - self.first_day.num_days_from_ce());
        match offset.ok().and_then(|offset| self.known.get(offset)) {
            Some(known) => *known,
            None => ask(self.calendar, date),
        }
    }
}

/// The calendar's answer for one day.
fn ask(calendar: &SchoolCalendar, date: NaiveDate) -> Option<bool> {
    calendar.covers(date).then(|| calendar.is_school_day(date))
}
