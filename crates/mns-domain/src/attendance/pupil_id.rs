//! How an attendance export names a pupil: by UPN where the school gives one, otherwise by the
//! school's own admission number (SIMS's "Adno"), which only means something within that school.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::identifiers::{Upn, UpnError};

/// The longest admission number accepted: MIS admission numbers are short (SIMS uses six
/// characters); anything much longer is a different column pasted in the wrong place.
const MAX_ADMISSION_NUMBER_LENGTH: usize = 20;

/// A school's admission number for a pupil: 1 to 20 letters, digits, `-`, `/` or `.`, held in
/// upper case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AdmissionNumber(String);

/// Why some text is not an admission number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdmissionNumberError {
    /// Nothing was given.
    #[error("Enter an admission number")]
    Empty,
    /// Too long to be an admission number.
    #[error("An admission number has at most 20 characters, but this one has {found}")]
    TooLong {
        /// How many characters were given.
        found: usize,
    },
    /// A character admission numbers do not use.
    #[error("An admission number has only letters, digits, '-', '/' and '.', not '{found}'")]
    BadCharacter {
        /// The character found.
        found: char,
    },
}

impl AdmissionNumber {
    /// Parses an admission number, forgiving surrounding spaces and lower case.
    pub fn parse(input: &str) -> Result<Self, AdmissionNumberError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(AdmissionNumberError::Empty);
        }
        let length = text.chars().count();
        if length > MAX_ADMISSION_NUMBER_LENGTH {
            return Err(AdmissionNumberError::TooLong { found: length });
        }
        if let Some(found) = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.')))
        {
            return Err(AdmissionNumberError::BadCharacter { found });
        }
        Ok(Self(text.to_ascii_uppercase()))
    }

    /// The admission number as held.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The pupil an attendance row belongs to. Serialises as the UPN or admission number text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PupilId {
    /// The pupil's Unique Pupil Number.
    Upn(Upn),
    /// The school's admission number, where the export gives no UPN.
    AdmissionNumber(AdmissionNumber),
}

/// Why a cell does not name a pupil.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PupilIdError {
    /// The cell should hold a UPN and does not.
    #[error(transparent)]
    Upn(#[from] UpnError),
    /// The cell should hold an admission number and does not.
    #[error(transparent)]
    AdmissionNumber(#[from] AdmissionNumberError),
}

impl PupilId {
    /// Reads a cell of a column that may hold either (headed `Pupil ID`): text shaped like a UPN
    /// (13 characters starting with a letter) must be a valid UPN; anything else is read as an
    /// admission number.
    pub fn parse_either(input: &str) -> Result<Self, PupilIdError> {
        let text = input.trim();
        let upn_shaped =
            text.chars().count() == 13 && text.starts_with(|c: char| c.is_ascii_alphabetic());
        if upn_shaped {
            Ok(Self::Upn(Upn::parse(text)?))
        } else {
            Ok(Self::AdmissionNumber(AdmissionNumber::parse(text)?))
        }
    }

    /// The UPN or admission number as text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Upn(upn) => upn.as_str(),
            Self::AdmissionNumber(number) => number.as_str(),
        }
    }
}

impl fmt::Display for PupilId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PupilId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pupil_id_column_takes_a_upn_or_an_admission_number() {
        assert_eq!(
            PupilId::parse_either("b801200005001").unwrap(),
            PupilId::Upn(Upn::parse("B801200005001").unwrap())
        );
        assert_eq!(
            PupilId::parse_either(" 004512 ").unwrap().as_str(),
            "004512"
        );
        assert!(matches!(
            PupilId::parse_either("C801200005001"),
            Err(PupilIdError::Upn(UpnError::WrongCheckLetter { .. }))
        ));
    }

    #[test]
    fn an_admission_number_is_short_and_plain() {
        assert_eq!(
            AdmissionNumber::parse("  "),
            Err(AdmissionNumberError::Empty)
        );
        assert_eq!(
            AdmissionNumber::parse("123456789012345678901"),
            Err(AdmissionNumberError::TooLong { found: 21 })
        );
        assert_eq!(
            AdmissionNumber::parse("12 34"),
            Err(AdmissionNumberError::BadCharacter { found: ' ' })
        );
        assert_eq!(AdmissionNumber::parse("ab-12").unwrap().as_str(), "AB-12");
    }
}
