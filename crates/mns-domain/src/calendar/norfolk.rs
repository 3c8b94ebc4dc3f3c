//! Norfolk County Council's term dates for maintained schools: the starting data the council
//! loads and corrects, not rules. Academies may set their own dates in their own calendar.

use super::{Term, TermCalendar};

/// Norfolk's 2025/26 term dates as published (see `data-standards.md`).
///
/// Pupils return from the autumn half term on Tuesday 4 November, so the break runs to Monday
/// 3 November; the spring term starts on Tuesday 6 January and the summer term on Wednesday
/// 15 April. These dates give 188 school days rather than the usual 190, which the council
/// may want to check against its published calendar.
pub fn norfolk_2025_26() -> TermCalendar {
    TermCalendar::from_checked_parts(
        "Norfolk 2025/26",
        false,
        vec![
            Term::new("Autumn 2025", date!(2025, 9, 3), date!(2025, 12, 19))
                .with_half_term(date!(2025, 10, 27), date!(2025, 11, 3)),
            Term::new("Spring 2026", date!(2026, 1, 6), date!(2026, 3, 27))
                .with_half_term(date!(2026, 2, 16), date!(2026, 2, 20)),
            Term::new("Summer 2026", date!(2026, 4, 15), date!(2026, 7, 17))
                .with_half_term(date!(2026, 5, 25), date!(2026, 5, 29)),
        ],
    )
}

/// A provisional 2026/27 calendar for Norfolk, in the usual pattern, for the council to
/// correct: the real dates were not found in public sources.
///
/// Autumn from Thursday 3 September 2026 to Friday 18 December, half term the week of
/// 26 October; two weeks at Christmas; spring from Monday 4 January 2027 to Thursday 25 March
/// (Good Friday is 26 March), half term the week of 15 February; two weeks at Easter; summer
/// from Monday 12 April to Friday 16 July, half term the week of 31 May. That makes 190 school
/// days once the May bank holiday is taken out.
pub fn norfolk_2026_27_provisional() -> TermCalendar {
    TermCalendar::from_checked_parts(
        "Norfolk 2026/27",
        true,
        vec![
            Term::new("Autumn 2026", date!(2026, 9, 3), date!(2026, 12, 18))
                .with_half_term(date!(2026, 10, 26), date!(2026, 10, 30)),
            Term::new("Spring 2027", date!(2027, 1, 4), date!(2027, 3, 25))
                .with_half_term(date!(2027, 2, 15), date!(2027, 2, 19)),
            Term::new("Summer 2027", date!(2027, 4, 12), date!(2027, 7, 16))
                .with_half_term(date!(2027, 5, 31), date!(2027, 6, 4)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Weekday};

    use super::*;

    /// The built-in calendars skip the check in `TermCalendar::new`; this runs it.
    #[test]
    fn the_built_in_calendars_pass_the_checks_loaded_data_gets() {
        for calendar in [norfolk_2025_26(), norfolk_2026_27_provisional()] {
            let checked = TermCalendar::new(
                calendar.name(),
                calendar.is_provisional(),
                calendar.terms().to_vec(),
            );
            assert_eq!(checked.as_ref(), Ok(&calendar));
        }
    }

    #[test]
    fn terms_start_and_end_on_weekdays() {
        for calendar in [norfolk_2025_26(), norfolk_2026_27_provisional()] {
            for term in calendar.terms() {
                for day in [term.start, term.end] {
                    assert!(
                        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
                        "{}",
                        term.name
                    );
                }
            }
        }
    }

    #[test]
    fn only_2026_27_is_provisional() {
        assert!(!norfolk_2025_26().is_provisional());
        assert!(norfolk_2026_27_provisional().is_provisional());
    }
}
