//! The Unique Pupil Number (DfE *UPN Guide*): a check letter followed by the LA number (3 digits),
//! the establishment number (4), the year of allocation (2) and a serial (3). A temporary UPN
//! has 11 digits and a final letter in place of the last serial digit.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The letters a check letter is drawn from, indexed by the weighted sum modulo 23 (A = 0; no
/// I, O or S, which are too easily read as 1, 0 and 5).
const CHECK_LETTERS: [char; 23] = [
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R', 'T', 'U', 'V',
    'W', 'X', 'Y', 'Z',
];

/// Codes that census returns use when a pupil's UPN is not known; they are not UPNs.
const UNKNOWN_UPN_CODES: [&str; 5] = ["UN1", "UN2", "UN3", "UN4", "UN5"];

/// How many characters a UPN has.
const UPN_LENGTH: usize = 13;

/// A pupil's Unique Pupil Number, permanent or temporary, whose check letter is right.
///
/// Held in upper case without spaces, e.g. `B801200005001`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Upn(String);

/// Why some text is not a UPN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpnError {
    /// Nothing was given.
    #[error("Enter a UPN")]
    Empty,
    /// A census placeholder for an unknown UPN (`UN1`..`UN5`) was given.
    #[error(
        "{code} is the code returns use when a UPN is not known; enter the pupil's 13-character UPN"
    )]
    UnknownUpnCode {
        /// The placeholder, in upper case.
        code: String,
    },
    /// The text is not 13 characters long.
    #[error("UPN should be 13 characters long, but this one has {found}")]
    WrongLength {
        /// How many characters were given.
        found: usize,
    },
    /// The first character is not a letter.
    #[error("UPN should start with a letter, not '{found}'")]
    FirstCharacterNotALetter {
        /// The character found.
        found: char,
    },
    /// One of characters 2 to 12 is not a digit.
    #[error("Character {position} of a UPN should be a digit, not '{found}'")]
    NotADigit {
        /// The character's position, counting the first as 1.
        position: usize,
        /// The character found.
        found: char,
    },
    /// The last character is neither a digit nor a letter a temporary UPN can end with.
    #[error(
        "The last character of a UPN should be a digit, or for a temporary UPN a letter other than I, O or S, not '{found}'"
    )]
    BadLastCharacter {
        /// The character found.
        found: char,
    },
    /// The check letter does not match the other twelve characters.
    #[error("UPN check letter should be {expected}, not {found}")]
    WrongCheckLetter {
        /// The check letter the other characters give.
        expected: char,
        /// The check letter given.
        found: char,
    },
}

impl Upn {
    /// Parses a UPN, accepting lower case and surrounding spaces, and checks its check letter.
    pub fn parse(input: &str) -> Result<Self, UpnError> {
        // Spaces typed or pasted inside a UPN ("A801 2001 0100 1") are tidied away.
        let text: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if text.is_empty() {
            return Err(UpnError::Empty);
        }
        if UNKNOWN_UPN_CODES.contains(&text.as_str()) {
            return Err(UpnError::UnknownUpnCode { code: text });
        }
        let characters: Vec<char> = text.chars().collect();
        let [first, rest @ ..] = characters.as_slice() else {
            return Err(UpnError::Empty);
        };
        if characters.len() != UPN_LENGTH {
            return Err(UpnError::WrongLength {
                found: characters.len(),
            });
        }
        if !first.is_ascii_uppercase() {
            return Err(UpnError::FirstCharacterNotALetter { found: *first });
        }
        let (last, middle) = match rest.split_last() {
            Some(split) => split,
            None => return Err(UpnError::WrongLength { found: 1 }),
        };
        if let Some((index, found)) = middle.iter().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(UpnError::NotADigit {
                position: index + 2,
                found: *found,
            });
        }
        if character_value(*last).is_none() {
            return Err(UpnError::BadLastCharacter { found: *last });
        }
        let expected = check_letter(rest);
        if *first != expected {
            return Err(UpnError::WrongCheckLetter {
                expected,
                found: *first,
            });
        }
        Ok(Self(text))
    }

    /// Builds a UPN from its last twelve characters by working out the check letter: for test
    /// data and for schools that hold a UPN without its check letter.
    pub fn with_check_letter(last_twelve: &str) -> Result<Self, UpnError> {
        let rest = last_twelve.trim();
        match Self::parse(&format!("A{rest}")) {
            Err(UpnError::WrongCheckLetter { expected, .. }) => {
                Self::parse(&format!("{expected}{rest}"))
            }
            other => other,
        }
    }

    /// The UPN as 13 upper-case characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a temporary UPN (its last character is a letter).
    pub fn is_temporary(&self) -> bool {
        self.0.ends_with(|c: char| c.is_ascii_uppercase())
    }

    /// The three-digit number of the local authority that allocated the UPN (926 is Norfolk).
    pub fn la_code(&self) -> &str {
        self.0.get(1..4).unwrap_or_default()
    }
}

/// A character's value in the weighted sum: a digit its own value, a letter its index in the
/// check-letter table; `None` for anything else.
fn character_value(character: char) -> Option<usize> {
    match character.to_digit(10) {
        Some(digit) => usize::try_from(digit).ok(),
        None => CHECK_LETTERS.iter().position(|&letter| letter == character),
    }
}

/// The check letter for characters 2 to 13: each weighed by its position (2..13), summed,
/// modulo 23, looked up in the table.
fn check_letter(rest: &[char]) -> char {
    let sum: usize = rest
        .iter()
        .zip(2..)
        .map(|(&character, weight)| character_value(character).unwrap_or(0) * weight)
        .sum();
    CHECK_LETTERS[sum % CHECK_LETTERS.len()]
}

impl fmt::Display for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

text_conversions!(Upn, UpnError);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::Deserialize;
    use serde::de::value::{Error as ValueError, StrDeserializer};

    use super::*;

    #[test]
    fn a_upn_typed_with_spaces_is_tidied() {
        let upn = Upn::parse("B801 2000 0500 1").unwrap();
        assert_eq!(upn.as_str(), "B801200005001");
    }

    #[test]
    fn the_guide_example_is_valid() {
        let upn = Upn::parse("B801200005001").unwrap();
        assert_eq!(upn.as_str(), "B801200005001");
        assert_eq!(upn.la_code(), "801");
        assert!(!upn.is_temporary());
    }

    #[test]
    fn lower_case_and_surrounding_spaces_are_normalised() {
        let upn = Upn::parse("  b801200005001\n").unwrap();
        assert_eq!(upn.to_string(), "B801200005001");
    }

    #[test]
    fn a_wrong_check_letter_names_the_expected_one() {
        let error = Upn::parse("C801200005001").unwrap_err();
        assert_eq!(
            error,
            UpnError::WrongCheckLetter {
                expected: 'B',
                found: 'C'
            }
        );
        assert_eq!(error.to_string(), "UPN check letter should be B, not C");
    }

    #[test]
    fn a_temporary_upn_takes_its_final_letter_at_its_table_index() {
        // 92612342501 then A (index 0): the check letter is worked out, then verified.
        let upn = Upn::with_check_letter("92612342501A").unwrap();
        assert!(upn.is_temporary());
        assert_eq!(upn.la_code(), "926");
        assert_eq!(Upn::parse(upn.as_str()).unwrap(), upn);
        // Changing the final letter changes the check letter.
        let other = Upn::with_check_letter("92612342501B").unwrap();
        assert_ne!(upn.as_str().chars().next(), other.as_str().chars().next());
    }

    #[test]
    fn with_check_letter_reproduces_the_guide_example() {
        assert_eq!(
            Upn::with_check_letter("801200005001").unwrap().as_str(),
            "B801200005001"
        );
    }

    #[test]
    fn each_kind_of_mistake_gets_its_own_message() {
        assert_eq!(Upn::parse("   "), Err(UpnError::Empty));
        assert_eq!(
            Upn::parse("un3"),
            Err(UpnError::UnknownUpnCode { code: "UN3".into() })
        );
        assert_eq!(
            Upn::parse("B80120000500"),
            Err(UpnError::WrongLength { found: 12 })
        );
        assert_eq!(
            Upn::parse("1801200005001"),
            Err(UpnError::FirstCharacterNotALetter { found: '1' })
        );
        assert_eq!(
            Upn::parse("B8012000X5001"),
            Err(UpnError::NotADigit {
                position: 9,
                found: 'X'
            })
        );
        assert_eq!(
            Upn::parse("B80120000500I"),
            Err(UpnError::BadLastCharacter { found: 'I' })
        );
        assert_eq!(
            Upn::parse("B801200005001").map(|upn| upn.la_code().to_owned()),
            Ok("801".to_owned())
        );
    }

    #[test]
    fn messages_are_sentences_a_school_user_can_act_on() {
        assert_eq!(
            UpnError::WrongLength { found: 12 }.to_string(),
            "UPN should be 13 characters long, but this one has 12"
        );
        assert_eq!(
            UpnError::NotADigit {
                position: 9,
                found: 'X'
            }
            .to_string(),
            "Character 9 of a UPN should be a digit, not 'X'"
        );
    }

    #[test]
    fn deserialising_goes_through_parse() {
        let good = Upn::deserialize(StrDeserializer::<ValueError>::new("b801200005001"));
        assert_eq!(good.unwrap().as_str(), "B801200005001");
        let bad = Upn::deserialize(StrDeserializer::<ValueError>::new("C801200005001"));
        assert!(bad.unwrap_err().to_string().contains("should be B, not C"));
        assert_eq!(
            String::from(Upn::parse("B801200005001").unwrap()),
            "B801200005001"
        );
    }

    /// The last twelve characters of a valid UPN, permanent (twelve digits) or temporary
    /// (eleven digits and a letter from the check-letter table).
    fn last_twelve() -> impl Strategy<Value = String> {
        prop_oneof!["[0-9]{12}", "[0-9]{11}[ABCDEFGHJKLMNPQRTUVWXYZ]"]
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = Upn::parse(&input);
        }

        #[test]
        fn parse_never_panics_on_upn_like_text(input in "[ A-Za-z0-9]{0,16}") {
            let _ = Upn::parse(&input);
        }

        #[test]
        fn a_generated_valid_upn_round_trips(rest in last_twelve()) {
            let upn = Upn::with_check_letter(&rest).unwrap();
            prop_assert_eq!(Upn::parse(upn.as_str()), Ok(upn.clone()));
            let messy = format!("  {}  ", upn.as_str().to_ascii_lowercase());
            prop_assert_eq!(Upn::parse(&messy), Ok(upn.clone()));
            prop_assert_eq!(upn.as_str().parse::<Upn>(), Ok(upn.clone()));
        }

        #[test]
        fn any_other_check_letter_is_rejected(rest in last_twelve(), letter in prop::sample::select(&CHECK_LETTERS[..])) {
            let upn = Upn::with_check_letter(&rest).unwrap();
            let candidate = format!("{letter}{rest}");
            prop_assert_eq!(Upn::parse(&candidate).is_ok(), candidate == upn.as_str());
        }
    }
}
