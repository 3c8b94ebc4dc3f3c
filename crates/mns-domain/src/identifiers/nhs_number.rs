//! The NHS number (NHS Data Dictionary): ten digits, the last a modulus 11 check digit, shown in
//! groups of 3, 3 and 4.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How many digits an NHS number has.
const NHS_NUMBER_LENGTH: usize = 10;

/// An NHS number whose check digit is right, held as ten digits without spaces.
///
/// Displayed in the 3-3-4 form people read from letters, e.g. `943 476 5919`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

/// Why some text is not an NHS number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    /// Nothing was given.
    #[error("Enter an NHS number")]
    Empty,
    /// A character other than a digit, a space or a hyphen was given.
    #[error("NHS number should contain only digits, spaces and hyphens, not '{found}'")]
    InvalidCharacter {
        /// The character found.
        found: char,
    },
    /// The wrong number of digits was given.
    #[error("NHS number should have 10 digits, but this one has {found}")]
    WrongLength {
        /// How many digits were given.
        found: usize,
    },
    /// Ten digits, but spaced other than 3-3-4.
    #[error(
        "NHS number should be written as 10 digits, or in groups of 3, 3 and 4 like 943 476 5919"
    )]
    WrongGrouping,
    /// The first nine digits give a check value of 10, which no NHS number has.
    #[error("This is not a real NHS number; check each digit has been copied correctly")]
    NeverIssued,
    /// The check digit does not match the first nine digits.
    #[error(
        "NHS number is not valid: its last digit should be {expected}, not {found}; check each digit has been copied correctly"
    )]
    WrongCheckDigit {
        /// The check digit the first nine digits give.
        expected: u32,
        /// The last digit given.
        found: u32,
    },
}

impl NhsNumber {
    /// Parses an NHS number written as ten digits or in groups of 3, 3 and 4 separated by
    /// spaces or hyphens, and checks its modulus 11 check digit.
    pub fn parse(input: &str) -> Result<Self, NhsNumberError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(NhsNumberError::Empty);
        }
        if let Some(found) = text
            .chars()
            .find(|&c| !(c.is_ascii_digit() || c == ' ' || c == '-'))
        {
            return Err(NhsNumberError::InvalidCharacter { found });
        }
        let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
        if digits.len() != NHS_NUMBER_LENGTH {
            return Err(NhsNumberError::WrongLength {
                found: digits.len(),
            });
        }
        let groups: Vec<usize> = text
            .split([' ', '-'])
            .filter(|group| !group.is_empty())
            .map(str::len)
            .collect();
        if groups != [10] && groups != [3, 3, 4] {
            return Err(NhsNumberError::WrongGrouping);
        }
        let (found, first_nine) = match digits.split_last() {
            Some((&last, first_nine)) => (last, first_nine),
            None => return Err(NhsNumberError::WrongLength { found: 0 }),
        };
        match check_digit(first_nine) {
            None => Err(NhsNumberError::NeverIssued),
            Some(expected) if expected != found => {
                Err(NhsNumberError::WrongCheckDigit { expected, found })
            }
            Some(_) => Ok(Self(digits.iter().map(|d| d.to_string()).collect())),
        }
    }

    /// The NHS number as ten digits without spaces, the form it is stored in.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the number is in the test range `999 000 0000`..`999 999 9999`, which is never
    /// issued to a patient: such a number belongs to test or demonstration data.
    pub fn is_test_range(&self) -> bool {
        self.0.starts_with("999")
    }
}

/// The check digit for the first nine digits: weigh them 10 down to 2, sum, and subtract the
/// remainder modulo 11 from 11; 11 becomes 0, and 10 means no valid NHS number starts this way.
fn check_digit(first_nine: &[u32]) -> Option<u32> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| d * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        digit => Some(digit),
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.get(0..3), self.0.get(3..6), self.0.get(6..)) {
            (Some(first), Some(second), Some(third)) => write!(f, "{first} {second} {third}"),
            _ => f.write_str(&self.0),
        }
    }
}

text_conversions!(NhsNumber, NhsNumberError);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_data_dictionary_example_is_valid() {
        let number = NhsNumber::parse("9434765919").unwrap();
        assert_eq!(number.as_str(), "9434765919");
        assert_eq!(number.to_string(), "943 476 5919");
        assert!(!number.is_test_range());
    }

    #[test]
    fn spaces_and_hyphens_in_3_3_4_form_are_accepted() {
        for text in [
            "943 476 5919",
            "943-476-5919",
            " 943 476 5919 ",
            "943 476-5919",
        ] {
            assert_eq!(
                NhsNumber::parse(text).unwrap().as_str(),
                "9434765919",
                "{text}"
            );
        }
    }

    #[test]
    fn other_groupings_are_rejected() {
        assert_eq!(
            NhsNumber::parse("9434 76 5919"),
            Err(NhsNumberError::WrongGrouping)
        );
    }

    #[test]
    fn a_wrong_check_digit_says_what_it_should_be() {
        let error = NhsNumber::parse("943 476 5918").unwrap_err();
        assert_eq!(
            error,
            NhsNumberError::WrongCheckDigit {
                expected: 9,
                found: 8
            }
        );
        assert!(error.to_string().contains("last digit should be 9, not 8"));
    }

    #[test]
    fn a_remainder_giving_10_is_never_issued() {
        // 1,0,0,0,0,0,0,0,1 weighs to 10 + 2 = 12; 12 mod 11 = 1; 11 - 1 = 10.
        assert_eq!(
            NhsNumber::parse("1000000010"),
            Err(NhsNumberError::NeverIssued)
        );
    }

    #[test]
    fn a_remainder_of_0_gives_check_digit_0() {
        // 1 x 10 + 4 x 3 = 22, a multiple of 11: 11 - 0 = 11, written 0.
        assert!(NhsNumber::parse("1000000400").is_ok());
        assert_eq!(
            NhsNumber::parse("1000000401"),
            Err(NhsNumberError::WrongCheckDigit {
                expected: 0,
                found: 1
            })
        );
    }

    #[test]
    fn the_test_range_is_recognised() {
        let number = NhsNumber::parse("999 000 0018").unwrap();
        assert!(number.is_test_range());
    }

    #[test]
    fn wrong_length_and_characters_are_explained() {
        assert_eq!(NhsNumber::parse(""), Err(NhsNumberError::Empty));
        assert_eq!(
            NhsNumber::parse("943 476 591"),
            Err(NhsNumberError::WrongLength { found: 9 })
        );
        assert_eq!(
            NhsNumber::parse("943.476.5919"),
            Err(NhsNumberError::InvalidCharacter { found: '.' })
        );
        assert_eq!(
            NhsNumberError::WrongLength { found: 9 }.to_string(),
            "NHS number should have 10 digits, but this one has 9"
        );
    }

    /// Any valid NHS number: nine digits whose check value is not 10, then the check digit.
    fn valid_nhs_number() -> impl Strategy<Value = String> {
        prop::collection::vec(0u32..10, 9).prop_filter_map("check value 10", |first_nine| {
            check_digit(&first_nine).map(|check| {
                first_nine
                    .iter()
                    .chain(std::iter::once(&check))
                    .map(|d| d.to_string())
                    .collect()
            })
        })
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = NhsNumber::parse(&input);
        }

        #[test]
        fn parse_never_panics_on_number_like_text(input in "[0-9 -]{0,14}") {
            let _ = NhsNumber::parse(&input);
        }

        #[test]
        fn a_valid_number_round_trips_through_its_display(number in valid_nhs_number()) {
            let parsed = NhsNumber::parse(&number).unwrap();
            let displayed = parsed.to_string();
            prop_assert_eq!(displayed.len(), 12);
            prop_assert_eq!(NhsNumber::parse(&displayed), Ok(parsed.clone()));
            prop_assert_eq!(parsed.as_str(), number.as_str());
        }

        /// Changing any one digit is caught: modulus 11 with distinct weights catches every
        /// single-digit error, so a changed number is valid only if nothing changed.
        #[test]
        fn changing_a_single_digit_is_rejected(
            number in valid_nhs_number(),
            position in 0usize..10,
            replacement in 0u32..10,
        ) {
            let changed: String = number
                .chars()
                .enumerate()
                .map(|(i, c)| if i == position { char::from_digit(replacement, 10).unwrap_or(c) } else { c })
                .collect();
            prop_assert_eq!(NhsNumber::parse(&changed).is_ok(), changed == number);
        }
    }
}
