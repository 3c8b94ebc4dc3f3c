//! An organisation's code in the NHS Organisation Data Service (ODS): the key the NHS uses for
//! trusts (`RMY`), their sites (`RMY01`), GP practices (`D82001`) and other health
//! organisations.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An ODS code: 3 to 6 letters and digits, starting with a letter or digit, with at least one
/// letter (every ODS code has one; a bare number is a mistyped phone or registration number).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OdsCode(String);

/// Why some text is not an ODS code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OdsCodeError {
    /// Nothing was given.
    #[error("Enter your organisation's ODS code")]
    Empty,
    /// A character other than a letter or digit was given.
    #[error("An ODS code contains only letters and numbers, not '{found}'")]
    NotAlphanumeric {
        /// The character found.
        found: char,
    },
    /// Too short or too long.
    #[error(
        "An ODS code is 3 to 6 letters and numbers, like RMY or D82001, but this one has {found}"
    )]
    WrongLength {
        /// How many characters were given.
        found: usize,
    },
    /// Only digits.
    #[error("An ODS code has at least one letter, like RMY or D82001")]
    NoLetter,
}

impl OdsCode {
    /// Parses an ODS code, ignoring surrounding spaces and case.
    pub fn parse(input: &str) -> Result<Self, OdsCodeError> {
        let text = input.trim().to_ascii_uppercase();
        if text.is_empty() {
            return Err(OdsCodeError::Empty);
        }
        if let Some(found) = text.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(OdsCodeError::NotAlphanumeric { found });
        }
        if !(3..=6).contains(&text.len()) {
            return Err(OdsCodeError::WrongLength { found: text.len() });
        }
        if !text.chars().any(|c| c.is_ascii_alphabetic()) {
            return Err(OdsCodeError::NoLetter);
        }
        Ok(Self(text))
    }

    /// The code, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

text_conversions!(OdsCode, OdsCodeError);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn ods_codes_of_trusts_sites_and_practices_are_accepted() {
        for (input, code) in [("RMY", "RMY"), (" rm102 ", "RM102"), ("D82001", "D82001")] {
            assert_eq!(OdsCode::parse(input).unwrap().as_str(), code);
        }
    }

    #[test]
    fn ods_codes_in_the_wrong_format_are_refused_with_the_reason() {
        assert_eq!(OdsCode::parse(""), Err(OdsCodeError::Empty));
        assert_eq!(
            OdsCode::parse("RM-1"),
            Err(OdsCodeError::NotAlphanumeric { found: '-' })
        );
        assert_eq!(
            OdsCode::parse("RM"),
            Err(OdsCodeError::WrongLength { found: 2 })
        );
        assert_eq!(
            OdsCode::parse("D8200123"),
            Err(OdsCodeError::WrongLength { found: 8 })
        );
        assert_eq!(OdsCode::parse("123456"), Err(OdsCodeError::NoLetter));
        assert!(
            OdsCode::parse("123456")
                .unwrap_err()
                .to_string()
                .contains("at least one letter")
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_accepted_codes_reparse(s in "\\PC{0,10}") {
            if let Ok(code) = OdsCode::parse(&s) {
                prop_assert_eq!(OdsCode::parse(code.as_str()), Ok(code.clone()));
            }
        }
    }
}
