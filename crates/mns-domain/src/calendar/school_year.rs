//! The school year in England: 1 September to 31 August, named by the years it spans ("2025/26").

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A school year, from 1 September to the following 31 August, known by the calendar year it
/// starts in: `SchoolYear::new(2025)` is 2025/26.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchoolYear {
    start_year: i32,
}

/// Why some text is not a school year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchoolYearError {
    /// The text is not of the form `2025/26`.
    #[error("School year should be written like 2025/26")]
    NotASchoolYear,
    /// The second year is not the year after the first.
    #[error("School year {given} should end the year after it starts, as in {expected}")]
    NotConsecutive {
        /// The text given.
        given: String,
        /// The school year its first year starts.
        expected: String,
    },
}

impl SchoolYear {
    /// The school year starting on 1 September of `start_year`.
    pub const fn new(start_year: i32) -> Self {
        Self { start_year }
    }

    /// The school year a date falls in: September to December belong to the year starting that
    /// September, January to August to the one that started the September before.
    pub fn containing(date: NaiveDate) -> Self {
        if date.month() >= 9 {
            Self::new(date.year())
        } else {
            Self::new(date.year() - 1)
        }
    }

    /// Parses `2025/26` (or `2025/2026`), accepting surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, SchoolYearError> {
        let text = input.trim();
        let (first, second) = text
            .split_once('/')
            .ok_or(SchoolYearError::NotASchoolYear)?;
        let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if first.len() != 4 || !all_digits(first) || !all_digits(second) {
            return Err(SchoolYearError::NotASchoolYear);
        }
        let start_year: i32 = first.parse().map_err(|_| SchoolYearError::NotASchoolYear)?;
        let year = Self::new(start_year);
        let next = start_year + 1;
        let consecutive = match second.len() {
            2 => second == format!("{:02}", next.rem_euclid(100)),
            4 => second == next.to_string(),
            _ => return Err(SchoolYearError::NotASchoolYear),
        };
        if consecutive {
            Ok(year)
        } else {
            Err(SchoolYearError::NotConsecutive {
                given: text.to_owned(),
                expected: year.to_string(),
            })
        }
    }

    /// The calendar year the school year starts in (2025 for 2025/26).
    pub const fn start_year(self) -> i32 {
        self.start_year
    }

    /// 1 September, the first day of the school year (the earliest date there is, for a year
    /// beyond the range of dates).
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year, 9, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 August, the last day of the school year (the latest date there is, for a year beyond
    /// the range of dates).
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year.saturating_add(1), 8, 31).unwrap_or(NaiveDate::MAX)
    }

    /// Whether the date falls in this school year.
    pub fn contains(self, date: NaiveDate) -> bool {
        Self::containing(date) == self
    }

    /// The school year after this one.
    pub const fn next(self) -> Self {
        Self::new(self.start_year.saturating_add(1))
    }

    /// The school year before this one.
    pub const fn previous(self) -> Self {
        Self::new(self.start_year.saturating_sub(1))
    }
}

impl fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = self.start_year.saturating_add(1).rem_euclid(100);
        write!(f, "{}/{end:02}", self.start_year)
    }
}

impl TryFrom<String> for SchoolYear {
    type Error = SchoolYearError;

    fn try_from(input: String) -> Result<Self, Self::Error> {
        Self::parse(&input)
    }
}

impl From<SchoolYear> for String {
    fn from(year: SchoolYear) -> Self {
        year.to_string()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_school_year_runs_from_1_september_to_31_august() {
        let year = SchoolYear::new(2025);
        assert_eq!(year.to_string(), "2025/26");
        assert_eq!(year.first_day(), date!(2025, 9, 1));
        assert_eq!(year.last_day(), date!(2026, 8, 31));
        assert_eq!(SchoolYear::containing(date!(2025, 9, 1)), year);
        assert_eq!(SchoolYear::containing(date!(2026, 8, 31)), year);
        assert_eq!(SchoolYear::containing(date!(2025, 8, 31)), year.previous());
        assert_eq!(SchoolYear::containing(date!(2026, 9, 1)), year.next());
    }

    #[test]
    fn the_turn_of_the_century_displays_with_two_digits() {
        assert_eq!(SchoolYear::new(1999).to_string(), "1999/00");
        assert_eq!(SchoolYear::new(2009).to_string(), "2009/10");
    }

    #[test]
    fn a_school_year_parses_from_its_name() {
        assert_eq!(SchoolYear::parse(" 2025/26 "), Ok(SchoolYear::new(2025)));
        assert_eq!(SchoolYear::parse("2025/2026"), Ok(SchoolYear::new(2025)));
        assert_eq!(SchoolYear::parse("1999/00"), Ok(SchoolYear::new(1999)));
        assert_eq!(
            SchoolYear::parse("2025/27").unwrap_err().to_string(),
            "School year 2025/27 should end the year after it starts, as in 2025/26"
        );
        assert_eq!(
            SchoolYear::parse("2025"),
            Err(SchoolYearError::NotASchoolYear)
        );
        assert_eq!(
            SchoolYear::parse("+025/26"),
            Err(SchoolYearError::NotASchoolYear)
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = SchoolYear::parse(&input);
        }

        #[test]
        fn a_school_year_contains_its_first_and_last_day(start in 1000i32..9000) {
            let year = SchoolYear::new(start);
            prop_assert!(year.contains(year.first_day()));
            prop_assert!(year.contains(year.last_day()));
            prop_assert_eq!(SchoolYear::parse(&year.to_string()), Ok(year));
        }
    }
}
