//! Compulsory school age (MN-ELIG-4; Education Act 1996 s.8): when a child must start receiving
//! full-time education, and when they may leave.
//!
//! **Start.** The Act's prescribed days are 31 March, 31 August and 31 December (Education
//! (Start of Compulsory School Age) Order 1998). A child becomes of compulsory school age on the
//! first prescribed day *on or after* their fifth birthday: on the birthday itself when it is a
//! prescribed day. The policy's wording "the first prescribed day (1 Sep, 1 Jan, 1 Apr) after
//! the 5th birthday" names the day after each of these, when the next term begins; the two
//! readings differ by that one day and always agree on the term. Reading the policy's days as
//! "on or after" would be wrong: a child born on 1 September would be of compulsory school age
//! on their birthday, where the Act waits until 31 December. We return the Act's date.
//!
//! **End.** The last Friday of June in the school year (1 September to 31 August) in which the
//! child turns 16; they are of compulsory school age until the end of that day.

use chrono::{Datelike, NaiveDate, Weekday};

use super::SchoolYear;

/// The day a child becomes of compulsory school age (MN-ELIG-4): the first of 31 March,
/// 31 August and 31 December on or after their fifth birthday (see the module documentation
/// for why these days and not 1 April, 1 September and 1 January).
///
/// A birthday of 29 February counts as the first three months, whichever day the birthday is
/// taken to fall on in a year without one.
pub fn compulsory_school_age_starts(date_of_birth: NaiveDate) -> NaiveDate {
    let fifth_birthday_year = date_of_birth.year().saturating_add(5);
    let (month, day) = match date_of_birth.month() {
        1..=3 => (3, 31),
        4..=8 => (8, 31),
        _ => (12, 31),
    };
    NaiveDate::from_ymd_opt(fifth_birthday_year, month, day).unwrap_or(NaiveDate::MAX)
}

/// The last day a young person is of compulsory school age (MN-ELIG-4): the last Friday of
/// June in the school year in which they turn 16.
///
/// A young person born in July or August turns 16 after that Friday, and still leaves on it.
pub fn compulsory_school_age_ends(date_of_birth: NaiveDate) -> NaiveDate {
    // Whoever was born in school year S turns 16 in school year S + 16, whose June is in the
    // calendar year S + 17.
    let june_year = SchoolYear::containing(date_of_birth)
        .start_year()
        .saturating_add(17);
    last_friday_of_june(june_year)
}

/// Whether a child is of compulsory school age on a date (MN-ELIG-4): from the day it starts
/// to the day it ends, both included.
pub fn is_compulsory_school_age(date_of_birth: NaiveDate, on: NaiveDate) -> bool {
    compulsory_school_age_starts(date_of_birth) <= on
        && on <= compulsory_school_age_ends(date_of_birth)
}

/// The last Friday of June in a year (the latest date there is, for a year beyond the range of
/// dates).
fn last_friday_of_june(year: i32) -> NaiveDate {
    let Some(june_30) = NaiveDate::from_ymd_opt(year, 6, 30) else {
        return NaiveDate::MAX;
    };
    let days_after_friday = (june_30.weekday().days_since(Weekday::Fri)).into();
    june_30
        .checked_sub_days(chrono::Days::new(days_after_friday))
        .unwrap_or(june_30)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn mn_elig_4_compulsory_school_age_starts_on_the_next_prescribed_day() {
        // IPSEA's example: 5 on 10 February 2024, compulsory school age from 31 March 2024.
        assert_eq!(
            compulsory_school_age_starts(date!(2019, 2, 10)),
            date!(2024, 3, 31)
        );
        assert_eq!(
            compulsory_school_age_starts(date!(2020, 10, 15)),
            date!(2025, 12, 31)
        );
        assert_eq!(
            compulsory_school_age_starts(date!(2020, 6, 1)),
            date!(2025, 8, 31)
        );
    }

    #[test]
    fn mn_elig_4_a_birthday_on_a_prescribed_day_starts_that_day() {
        assert_eq!(
            compulsory_school_age_starts(date!(2020, 8, 31)),
            date!(2025, 8, 31)
        );
        assert_eq!(
            compulsory_school_age_starts(date!(2020, 12, 31)),
            date!(2025, 12, 31)
        );
        assert_eq!(
            compulsory_school_age_starts(date!(2020, 3, 31)),
            date!(2025, 3, 31)
        );
    }

    #[test]
    fn mn_elig_4_a_birthday_on_1_september_waits_for_31_december() {
        let born = date!(2020, 9, 1);
        assert_eq!(compulsory_school_age_starts(born), date!(2025, 12, 31));
        assert!(!is_compulsory_school_age(born, date!(2025, 9, 1)));
        assert!(is_compulsory_school_age(born, date!(2026, 1, 5)));
    }

    #[test]
    fn mn_elig_4_a_leap_day_birthday_falls_in_the_spring_quarter() {
        assert_eq!(
            compulsory_school_age_starts(date!(2020, 2, 29)),
            date!(2025, 3, 31)
        );
    }

    #[test]
    fn mn_elig_4_compulsory_school_age_ends_on_the_last_friday_of_june() {
        // IPSEA's example: born 23 September 2007, ends 28 June 2024.
        assert_eq!(
            compulsory_school_age_ends(date!(2007, 9, 23)),
            date!(2024, 6, 28)
        );
    }

    #[test]
    fn mn_elig_4_a_pupil_turning_16_this_year_leaves_on_the_last_friday_of_june_2026() {
        // Turns 16 on 10 March 2026, in 2025/26: of compulsory school age to 26 June 2026.
        let born = date!(2010, 3, 10);
        assert_eq!(compulsory_school_age_ends(born), date!(2026, 6, 26));
        assert!(is_compulsory_school_age(born, date!(2026, 3, 10)));
        assert!(is_compulsory_school_age(born, date!(2026, 6, 26)));
        assert!(!is_compulsory_school_age(born, date!(2026, 6, 27)));
    }

    #[test]
    fn mn_elig_4_a_summer_born_pupil_leaves_before_turning_16() {
        // Turns 16 on 20 August 2026, after the last Friday of June, and still leaves then.
        let born = date!(2010, 8, 20);
        assert_eq!(compulsory_school_age_ends(born), date!(2026, 6, 26));
        // Born 1 September 2009: turns 16 on the first day of 2025/26.
        assert_eq!(
            compulsory_school_age_ends(date!(2009, 9, 1)),
            date!(2026, 6, 26)
        );
        // Born 31 August 2009: turned 16 in 2024/25.
        assert_eq!(
            compulsory_school_age_ends(date!(2009, 8, 31)),
            date!(2025, 6, 27)
        );
    }

    #[test]
    fn mn_elig_4_a_child_is_of_compulsory_school_age_between_the_two_dates() {
        let born = date!(2015, 11, 2);
        assert!(!is_compulsory_school_age(born, date!(2020, 12, 30)));
        assert!(is_compulsory_school_age(born, date!(2020, 12, 31)));
        assert!(is_compulsory_school_age(born, date!(2025, 9, 3)));
        assert!(!is_compulsory_school_age(born, date!(2032, 7, 1)));
    }

    proptest! {
        #[test]
        fn mn_elig_4_the_last_friday_of_june_is_a_friday_in_its_last_week(year in 1900i32..2200) {
            let day = last_friday_of_june(year);
            prop_assert_eq!(day.weekday(), Weekday::Fri);
            prop_assert_eq!(day.month(), 6);
            prop_assert!(day.day() >= 24);
        }

        #[test]
        fn mn_elig_4_starts_within_five_months_of_the_fifth_birthday(days in 0u64..40_000) {
            let born = date!(1950, 1, 1) + chrono::Days::new(days);
            let starts = compulsory_school_age_starts(born);
            let fifth = born.with_year(born.year() + 5).unwrap_or(born + chrono::Days::new(365 * 5 + 1));
            prop_assert!(starts >= fifth);
            // The longest wait is from a 1 April birthday to 31 August: 152 days.
            prop_assert!(starts <= fifth + chrono::Days::new(152));
            prop_assert!(starts < compulsory_school_age_ends(born));
            // Year 11 by age in the school year compulsory school age ends.
            let leaving_year = SchoolYear::containing(compulsory_school_age_ends(born));
            prop_assert_eq!(super::super::year_group(born, leaving_year), 11);
        }
    }
}
