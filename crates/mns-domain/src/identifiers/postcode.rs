//! UK postcodes: a full postcode for an address (`NR2 1AB`), and its outward code, the postcode
//! district (`NR2`), which the directory searches by.
//!
//! The shape follows the government's published pattern (BS 7666): an outward code of one or two
//! area letters, a district number and sometimes a letter (`A9`, `A99`, `AA9`, `AA99`, `A9A`,
//! `AA9A`), then an inward code of a digit and two letters.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A full UK postcode, in upper case with one space between the outward and inward codes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

/// A postcode district: the outward code, the part of a postcode before the space (`NR2`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostcodeDistrict(String);

/// Why some text is not a postcode or a postcode district.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    /// Nothing was given.
    #[error("Enter a postcode")]
    Empty,
    /// A character other than a letter, a digit or a space was given.
    #[error("Postcode should contain only letters, numbers and a space, not '{found}'")]
    InvalidCharacter {
        /// The character found.
        found: char,
    },
    /// Too few or too many letters and numbers for a full postcode.
    #[error(
        "Postcode should have 5 to 7 letters and numbers, like NR2 1AB, but this one has {found}"
    )]
    WrongLength {
        /// How many letters and numbers were given.
        found: usize,
    },
    /// The text has the right length but not the shape of a UK postcode.
    #[error("Enter a full UK postcode, like NR2 1AB")]
    NotAPostcode,
    /// The text is not the first part of a postcode.
    #[error("Enter the first part of a postcode, like NR2")]
    NotADistrict,
}

impl Postcode {
    /// Parses a full UK postcode, accepting lower case and any spacing (`nr21ab`, ` NR2  1AB`).
    pub fn parse(input: &str) -> Result<Self, PostcodeError> {
        let compact = compact(input)?;
        let length = compact.len();
        if !(5..=7).contains(&length) {
            return Err(PostcodeError::WrongLength { found: length });
        }
        // `compact` is ASCII, so any byte index is a character boundary.
        let (outward, inward) = compact.split_at(length - 3);
        if !is_outward_code(outward) || !is_inward_code(inward) {
            return Err(PostcodeError::NotAPostcode);
        }
        Ok(Self(format!("{outward} {inward}")))
    }

    /// The postcode in upper case with one space, e.g. `NR2 1AB`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code: the postcode district, e.g. `NR2` for `NR2 1AB`.
    pub fn outward(&self) -> PostcodeDistrict {
        let outward = self.0.split(' ').next().unwrap_or_default();
        PostcodeDistrict(outward.to_owned())
    }

    /// The inward code, e.g. `1AB` for `NR2 1AB`.
    pub fn inward(&self) -> &str {
        self.0.split(' ').nth(1).unwrap_or_default()
    }
}

impl PostcodeDistrict {
    /// Parses an outward code on its own (`NR2`, `nr21`), as typed into a directory search.
    pub fn parse(input: &str) -> Result<Self, PostcodeError> {
        let compact = compact(input)?;
        if is_outward_code(&compact) {
            Ok(Self(compact))
        } else {
            Err(PostcodeError::NotADistrict)
        }
    }

    /// The district in upper case, e.g. `NR2`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The postcode area: the district's leading letters, e.g. `NR` for `NR2`.
    pub fn area(&self) -> &str {
        let letters = self
            .0
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(self.0.len());
        self.0.get(..letters).unwrap_or_default()
    }
}

/// Upper-cases the text and drops all whitespace; rejects empty text and any character that is
/// not an ASCII letter or digit, so the result is ASCII.
fn compact(input: &str) -> Result<String, PostcodeError> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.is_empty() {
        return Err(PostcodeError::Empty);
    }
    match compact.chars().find(|c| !c.is_ascii_alphanumeric()) {
        Some(found) => Err(PostcodeError::InvalidCharacter { found }),
        None => Ok(compact),
    }
}

/// Whether the (upper-case, ASCII) text has the shape of an outward code.
fn is_outward_code(text: &str) -> bool {
    let letter = |c: &u8| c.is_ascii_uppercase();
    let digit = |c: &u8| c.is_ascii_digit();
    // The second letter of a two-letter area is never I or Z.
    let area_second = |c: &u8| letter(c) && *c != b'I' && *c != b'Z';
    match text.as_bytes() {
        [a, b] => letter(a) && digit(b),
        [a, b, c] => {
            letter(a) && ((digit(b) && (digit(c) || letter(c))) || (area_second(b) && digit(c)))
        }
        [a, b, c, d] => letter(a) && area_second(b) && digit(c) && (digit(d) || letter(d)),
        _ => false,
    }
}

/// Whether the (upper-case, ASCII) text has the shape of an inward code: a digit, two letters.
fn is_inward_code(text: &str) -> bool {
    matches!(text.as_bytes(), [a, b, c] if a.is_ascii_digit() && b.is_ascii_uppercase() && c.is_ascii_uppercase())
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for PostcodeDistrict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

text_conversions!(Postcode, PostcodeError);
text_conversions!(PostcodeDistrict, PostcodeError);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_norwich_postcode_is_normalised() {
        for text in ["NR2 1AB", "nr21ab", "  Nr2   1aB ", "NR21AB"] {
            let postcode = Postcode::parse(text).unwrap();
            assert_eq!(postcode.as_str(), "NR2 1AB", "{text}");
            assert_eq!(postcode.outward().as_str(), "NR2");
            assert_eq!(postcode.inward(), "1AB");
        }
    }

    #[test]
    fn every_outward_shape_is_accepted() {
        for (text, outward) in [
            ("M1 1AE", "M1"),
            ("B33 8TH", "B33"),
            ("CR2 6XH", "CR2"),
            ("DN55 1PT", "DN55"),
            ("W1A 1HQ", "W1A"),
            ("EC1A 1BB", "EC1A"),
            ("NR21 8AA", "NR21"),
        ] {
            let postcode = Postcode::parse(text).unwrap();
            assert_eq!(postcode.as_str(), text);
            assert_eq!(postcode.outward().as_str(), outward);
        }
    }

    #[test]
    fn shapes_that_are_not_postcodes_are_rejected() {
        for text in [
            "NR2 1A1",
            "1R2 1AB",
            "NRR 1AB",
            "NI2 1AB",
            "NR2A2 1AB",
            "N 1AB",
        ] {
            assert!(Postcode::parse(text).is_err(), "{text}");
        }
        assert_eq!(Postcode::parse(""), Err(PostcodeError::Empty));
        assert_eq!(Postcode::parse("NR2 1A"), Err(PostcodeError::NotAPostcode));
        assert_eq!(
            Postcode::parse("NR2-1AB"),
            Err(PostcodeError::InvalidCharacter { found: '-' })
        );
        assert_eq!(
            Postcode::parse("NR"),
            Err(PostcodeError::WrongLength { found: 2 })
        );
    }

    #[test]
    fn a_district_parses_on_its_own() {
        let district = PostcodeDistrict::parse(" nr2 ").unwrap();
        assert_eq!(district.as_str(), "NR2");
        assert_eq!(district.area(), "NR");
        assert_eq!(PostcodeDistrict::parse("NR21").unwrap().as_str(), "NR21");
        assert_eq!(
            PostcodeDistrict::parse("NR2 1AB"),
            Err(PostcodeError::NotADistrict)
        );
        assert_eq!(
            Postcode::parse("NR2 1AB").unwrap().outward(),
            PostcodeDistrict::parse("NR2").unwrap()
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = Postcode::parse(&input);
            let _ = PostcodeDistrict::parse(&input);
        }

        #[test]
        fn a_parsed_postcode_parses_to_itself(input in "[A-Za-z]{1,2}[0-9]{1,2} ?[0-9][A-Za-z]{2}") {
            if let Ok(postcode) = Postcode::parse(&input) {
                prop_assert_eq!(Postcode::parse(postcode.as_str()), Ok(postcode.clone()));
                prop_assert_eq!(PostcodeDistrict::parse(postcode.outward().as_str()), Ok(postcode.outward()));
            }
        }
    }
}
