//! Codes the 2024 regulations retired (`H`, `Y`, `J`), which older exports still hold: they are
//! read as their nearest 2024 code, and every import says how many it read that way.
//!
//! The mapping, and why:
//! - `H`, "authorised holiday": the 2024 guidance makes `H` inactive and says leave of absence
//!   granted for a holiday in exceptional circumstances is recorded as `C` (leave of absence for
//!   exceptional circumstances). `H` was *authorised* absence, so it maps to `C`, which keeps it
//!   authorised; `G` (holiday not granted) would turn it into unauthorised absence.
//! - single `Y`, "unable to attend due to exceptional circumstances": split into `Y1`..`Y7` by
//!   cause; the old mark does not say which, so it maps to the catch-all `Y7` (any other
//!   unavoidable cause). All of them are not possible sessions, so the figures do not move.
//! - `J`, "interview": renamed `J1`. Before 2024 `J` counted as an approved educational activity
//!   (attendance); `J1` is authorised absence. Reading `J` as `J1` counts the session the 2024
//!   way, so a pre-2024 herringbone's attendance can come out slightly lower than the school
//!   reported at the time. Health figures (MN-ABS-1) do not change.

use std::fmt;

use serde::{Serialize, Serializer};

use super::AttendanceCode;

/// An attendance code the 2024 regulations retired, read from an older export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RetiredCode {
    /// `H`: authorised holiday in term time; read as `C`.
    AuthorisedHoliday,
    /// `Y`: unable to attend due to exceptional circumstances; read as `Y7`.
    UnableToAttend,
    /// `J`: interview (formerly an approved educational activity); read as `J1`.
    Interview,
}

impl RetiredCode {
    /// Every retired code, in alphabetical order of the code.
    pub const ALL: [RetiredCode; 3] = [
        RetiredCode::AuthorisedHoliday,
        RetiredCode::Interview,
        RetiredCode::UnableToAttend,
    ];

    /// The code as older registers show it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AuthorisedHoliday => "H",
            Self::UnableToAttend => "Y",
            Self::Interview => "J",
        }
    }

    /// The 2024 code a session marked with this retired code is read as (see the module doc
    /// for why each).
    pub const fn replacement(self) -> AttendanceCode {
        match self {
            Self::AuthorisedHoliday => AttendanceCode::ExceptionalCircumstances,
            Self::UnableToAttend => AttendanceCode::OtherUnavoidableCause,
            Self::Interview => AttendanceCode::Interview,
        }
    }

    /// What the code meant before the 2024 regulations.
    pub const fn description(self) -> &'static str {
        match self {
            Self::AuthorisedHoliday => "Authorised holiday in term time (retired)",
            Self::UnableToAttend => "Unable to attend due to exceptional circumstances (retired)",
            Self::Interview => "Interview, as an approved educational activity (retired)",
        }
    }
}

impl fmt::Display for RetiredCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RetiredCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attendance::AttendanceCategory;

    #[test]
    fn retired_codes_map_to_their_2024_successors() {
        assert_eq!(RetiredCode::AuthorisedHoliday.replacement().as_str(), "C");
        assert_eq!(RetiredCode::UnableToAttend.replacement().as_str(), "Y7");
        assert_eq!(RetiredCode::Interview.replacement().as_str(), "J1");
    }

    #[test]
    fn an_authorised_holiday_stays_authorised_absence() {
        assert_eq!(
            RetiredCode::AuthorisedHoliday.replacement().category(),
            AttendanceCategory::AuthorisedAbsence
        );
        assert!(
            !RetiredCode::UnableToAttend
                .replacement()
                .is_possible_session()
        );
    }

    #[test]
    fn retired_codes_parse_to_an_error_naming_them() {
        for retired in RetiredCode::ALL {
            assert_eq!(
                AttendanceCode::parse(retired.as_str()),
                Err(super::super::AttendanceCodeError::Retired(retired))
            );
        }
    }
}
