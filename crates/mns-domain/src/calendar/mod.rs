//! The school calendar: school years (1 September to 31 August), the term dates a council or an
//! academy publishes, bank holidays, and the rules that count in them: school days and school
//! weeks (MN-PLAN-5), year groups and compulsory school age (MN-ELIG-4, MN-ELIG-5).
//!
//! Term dates and bank holidays are data the council loads and edits; the constructors in
//! [`norfolk_2025_26`], [`norfolk_2026_27_provisional`] and [`england_bank_holidays_2025_2027`]
//! are the starting data, not rules.

/// A date literal checked when the crate compiles, so a mistyped built-in date (31 June) fails
/// the build rather than panicking at run time.
macro_rules! date {
    ($year:literal, $month:literal, $day:literal) => {
        const {
            match chrono::NaiveDate::from_ymd_opt($year, $month, $day) {
                Some(date) => date,
                None => panic!("not a calendar date"),
            }
        }
    };
}

mod bank_holidays;
mod compulsory_school_age;
mod norfolk;
mod school_calendar;
mod school_weeks;
mod school_year;
mod term;
mod uk_time;
mod year_group;

pub use bank_holidays::{BankHolidays, england_bank_holidays_2025_2027};
pub use compulsory_school_age::{
    compulsory_school_age_ends, compulsory_school_age_starts, is_compulsory_school_age,
};
pub use norfolk::{norfolk_2025_26, norfolk_2026_27_provisional};
pub use school_calendar::SchoolCalendar;
pub use school_weeks::OutsideCalendarError;
pub use school_year::{SchoolYear, SchoolYearError};
pub use term::{Term, TermCalendar, TermCalendarError};
pub use uk_time::{format_uk_datetime, is_british_summer_time, uk_local_time, uk_to_utc};
pub use year_group::year_group;
