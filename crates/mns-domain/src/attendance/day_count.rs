//! A number of school days counted in sessions, so that half days stay exact: a day is two
//! sessions (MN-ABS-1), and thresholds such as 15 or 5 days compare without rounding.

use std::fmt;

use serde::{Serialize, Serializer};

/// A number of days, held as a number of sessions (two to a day). Serialises as a JSON number
/// of days, e.g. `7.5`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DayCount {
    sessions: u32,
}

impl DayCount {
    /// No days.
    pub const ZERO: DayCount = DayCount { sessions: 0 };

    /// The count of `sessions` sessions (half days).
    pub const fn from_sessions(sessions: u32) -> Self {
        Self { sessions }
    }

    /// The count of `days` whole days (a policy threshold such as 15).
    pub const fn from_days(days: u32) -> Self {
        Self {
            sessions: days.saturating_mul(2),
        }
    }

    /// How many sessions (half days) this is.
    pub const fn sessions(self) -> u32 {
        self.sessions
    }

    /// How many days this is, halves included.
    pub fn days(self) -> f64 {
        f64::from(self.sessions) / 2.0
    }
}

impl fmt::Display for DayCount {
    /// Whole days without a decimal point, half days with `.5`: `7`, `7.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.sessions / 2;
        match self.sessions % 2 {
            0 => write!(f, "{whole}"),
            _ => write!(f, "{whole}.5"),
        }
    }
}

impl Serialize for DayCount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_two_sessions_and_half_days_are_kept() {
        assert_eq!(DayCount::from_days(15), DayCount::from_sessions(30));
        assert_eq!(DayCount::from_sessions(15).days(), 7.5);
        assert_eq!(DayCount::from_sessions(15).to_string(), "7.5");
        assert_eq!(DayCount::from_sessions(14).to_string(), "7");
        assert!(DayCount::from_sessions(9) < DayCount::from_days(5));
    }
}
