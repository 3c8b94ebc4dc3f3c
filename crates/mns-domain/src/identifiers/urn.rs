//! A school's Unique Reference Number (URN), the key of the DfE's *Get Information About
//! Schools* register: six digits for current establishments.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A school's URN: 5 to 7 digits, not starting with 0 (GIAS URNs are numbers, today 6 digits).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Urn(String);

/// Why some text is not a URN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrnError {
    /// Nothing was given.
    #[error("Enter the school's URN")]
    Empty,
    /// A character other than a digit was given.
    #[error("URN should contain only digits, not '{found}'")]
    NotADigit {
        /// The character found.
        found: char,
    },
    /// Too few or too many digits.
    #[error("URN should be 6 digits long, like 121234, but this one has {found}")]
    WrongLength {
        /// How many digits were given.
        found: usize,
    },
    /// The URN starts with 0, which no URN does.
    #[error("URN should not start with 0")]
    LeadingZero,
}

impl Urn {
    /// Parses a URN, accepting surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, UrnError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(UrnError::Empty);
        }
        if let Some(found) = text.chars().find(|c| !c.is_ascii_digit()) {
            return Err(UrnError::NotADigit { found });
        }
        if !(5..=7).contains(&text.len()) {
            return Err(UrnError::WrongLength { found: text.len() });
        }
        if text.starts_with('0') {
            return Err(UrnError::LeadingZero);
        }
        Ok(Self(text.to_owned()))
    }

    /// The URN's digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URN as a number, as GIAS holds it.
    pub fn number(&self) -> u32 {
        // At most 7 digits, so it always fits.
        self.0.parse().unwrap_or_default()
    }
}

impl fmt::Display for Urn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

text_conversions!(Urn, UrnError);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_six_digit_urn_is_valid() {
        let urn = Urn::parse(" 121234 ").unwrap();
        assert_eq!(urn.as_str(), "121234");
        assert_eq!(urn.number(), 121_234);
        assert_eq!(urn.to_string(), "121234");
    }

    #[test]
    fn five_and_seven_digits_are_accepted() {
        assert!(Urn::parse("12345").is_ok());
        assert!(Urn::parse("1234567").is_ok());
    }

    #[test]
    fn other_text_is_rejected_with_a_reason() {
        assert_eq!(Urn::parse(""), Err(UrnError::Empty));
        assert_eq!(Urn::parse("1234"), Err(UrnError::WrongLength { found: 4 }));
        assert_eq!(
            Urn::parse("12345678"),
            Err(UrnError::WrongLength { found: 8 })
        );
        assert_eq!(
            Urn::parse("12 345"),
            Err(UrnError::NotADigit { found: ' ' })
        );
        assert_eq!(Urn::parse("012345"), Err(UrnError::LeadingZero));
        assert_eq!(
            UrnError::WrongLength { found: 4 }.to_string(),
            "URN should be 6 digits long, like 121234, but this one has 4"
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = Urn::parse(&input);
        }

        #[test]
        fn digits_round_trip(number in 10_000u32..10_000_000) {
            let urn = Urn::parse(&number.to_string()).unwrap();
            prop_assert_eq!(urn.number(), number);
        }
    }
}
