//! A registration session: a date and its morning (AM) or afternoon (PM) half. Schools take two
//! registers a day, so two sessions make a day of attendance or absence.

use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

/// The morning or afternoon register of a school day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HalfDay {
    /// The morning session.
    Am,
    /// The afternoon session.
    Pm,
}

/// Some text is not `AM` or `PM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a session; use AM or PM")]
pub struct HalfDayError(pub String);

impl HalfDay {
    /// Both halves, morning first.
    pub const BOTH: [HalfDay; 2] = [HalfDay::Am, HalfDay::Pm];

    /// Parses `AM` or `PM`, forgiving case and surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, HalfDayError> {
        Self::from_bytes(input.as_bytes()).ok_or_else(|| HalfDayError(input.trim().to_owned()))
    }

    /// `AM` or `PM` from raw bytes, without allocating (the importer's path).
    pub(crate) fn from_bytes(raw: &[u8]) -> Option<Self> {
        let text = raw.trim_ascii();
        if text.eq_ignore_ascii_case(b"AM") {
            Some(Self::Am)
        } else if text.eq_ignore_ascii_case(b"PM") {
            Some(Self::Pm)
        } else {
            None
        }
    }

    /// `AM` or `PM`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Am => "AM",
            Self::Pm => "PM",
        }
    }
}

impl fmt::Display for HalfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for HalfDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One registration session: a date and its half. Sessions order by date, then AM before PM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Session {
    /// The day.
    pub date: NaiveDate,
    /// Morning or afternoon.
    pub half: HalfDay,
}

impl Session {
    /// The session on `date` in the given half.
    pub const fn new(date: NaiveDate, half: HalfDay) -> Self {
        Self { date, half }
    }

    /// The session after this one: the afternoon of the same day, or the next morning (`None`
    /// past the last date there is).
    pub fn next(self) -> Option<Self> {
        match self.half {
            HalfDay::Am => Some(Self::new(self.date, HalfDay::Pm)),
            HalfDay::Pm => self
                .date
                .succ_opt()
                .map(|date| Self::new(date, HalfDay::Am)),
        }
    }
}

impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.date.format("%Y-%m-%d"), self.half)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn half_day_parses_am_and_pm_in_any_case() {
        assert_eq!(HalfDay::parse(" am "), Ok(HalfDay::Am));
        assert_eq!(HalfDay::parse("PM"), Ok(HalfDay::Pm));
        assert_eq!(
            HalfDay::parse("XM").unwrap_err().to_string(),
            "'XM' is not a session; use AM or PM"
        );
    }

    #[test]
    fn sessions_order_by_date_then_morning_first() {
        let monday_am = Session::new(day(2025, 9, 8), HalfDay::Am);
        let monday_pm = Session::new(day(2025, 9, 8), HalfDay::Pm);
        let tuesday_am = Session::new(day(2025, 9, 9), HalfDay::Am);
        assert!(monday_am < monday_pm && monday_pm < tuesday_am);
        assert_eq!(monday_am.next(), Some(monday_pm));
        assert_eq!(monday_pm.next(), Some(tuesday_am));
        assert_eq!(monday_pm.to_string(), "2025-09-08 PM");
    }
}
