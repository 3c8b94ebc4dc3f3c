//! The five statistical categories the 2024 regulations sort attendance codes into, which decide
//! whether a session counts as possible, as attended, or as absence of either kind.

use serde::{Deserialize, Serialize};

/// How a session with a given code counts (School Attendance (Pupil Registration) (England)
/// Regulations 2024). The string forms are stable: they appear in the JSON a page renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceCategory {
    /// In school: `/`, `\`, `L`.
    Present,
    /// Attending an approved educational activity off site (`K V P W B`): counts as attendance.
    ApprovedActivity,
    /// Absent with the school's leave or for a reason the law accepts (`C1 C2 C M J1 S R I T E`).
    AuthorisedAbsence,
    /// Absent without leave or reason (`G N O U`).
    UnauthorisedAbsence,
    /// The pupil could not, or was not expected to, attend (`X Y1..Y7 D Q Z #`): not a possible
    /// session, so neither attendance nor absence.
    NotPossible,
}

impl AttendanceCategory {
    /// Whether a session in this category is a *possible* session (counted in the denominator of
    /// attendance figures).
    pub const fn is_possible_session(self) -> bool {
        !matches!(self, Self::NotPossible)
    }

    /// Whether a session in this category counts as attendance: present, or at an approved
    /// educational activity.
    pub const fn counts_as_attendance(self) -> bool {
        matches!(self, Self::Present | Self::ApprovedActivity)
    }

    /// Whether a session in this category is an absence, authorised or not.
    pub const fn is_absence(self) -> bool {
        matches!(self, Self::AuthorisedAbsence | Self::UnauthorisedAbsence)
    }

    /// The category's name as a school user reads it.
    pub const fn description(self) -> &'static str {
        match self {
            Self::Present => "Present",
            Self::ApprovedActivity => "Attending an approved educational activity",
            Self::AuthorisedAbsence => "Authorised absence",
            Self::UnauthorisedAbsence => "Unauthorised absence",
            Self::NotPossible => "Not a possible session",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendance_and_absence_are_both_possible_sessions() {
        use AttendanceCategory::*;
        for category in [
            Present,
            ApprovedActivity,
            AuthorisedAbsence,
            UnauthorisedAbsence,
        ] {
            assert!(category.is_possible_session());
            assert_ne!(category.counts_as_attendance(), category.is_absence());
        }
        assert!(!NotPossible.is_possible_session());
        assert!(!NotPossible.counts_as_attendance());
        assert!(!NotPossible.is_absence());
    }
}
