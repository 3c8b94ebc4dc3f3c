//! An identifier as a school typed it, together with what it parsed to: the referral keeps a
//! draft with a wrong UPN in it, and shows every error at once (MN-REF-1), rather than refuse
//! to load the whole form because of one check letter.
//!
//! The parse still happens once, when the form is read; past that point code asks
//! [`Entered::value`] for a typed identifier and never re-validates the text.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Text entered for a typed value `T` (a [`Upn`](crate::identifiers::Upn), an
/// [`NhsNumber`](crate::identifiers::NhsNumber), a [`Postcode`](crate::identifiers::Postcode), a
/// [`Urn`](crate::identifiers::Urn)), parsed when it is read.
///
/// In JSON it is the plain string the school typed: `"upn": "C926123426001"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entered<T> {
    text: String,
    parsed: Result<T, String>,
}

impl<T> Entered<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    /// Parses the text, keeping it and the outcome; the error is kept as its message.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let parsed = text.parse::<T>().map_err(|error| error.to_string());
        Self { text, parsed }
    }
}

impl<T> Entered<T> {
    /// A value already parsed, entered as its text.
    pub fn from_value(value: T) -> Self
    where
        T: AsRef<str>,
    {
        Self {
            text: value.as_ref().to_owned(),
            parsed: Ok(value),
        }
    }

    /// The text as entered.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed value, if the text was valid.
    pub fn value(&self) -> Option<&T> {
        self.parsed.as_ref().ok()
    }

    /// Why the text is not valid, as a sentence the school can act on.
    pub fn error(&self) -> Option<&str> {
        self.parsed.as_ref().err().map(String::as_str)
    }
}

impl<T> Serialize for Entered<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de, T> Deserialize<'de> for Entered<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use crate::identifiers::{Postcode, Upn};

    use super::*;

    #[test]
    fn valid_text_gives_the_value() {
        let upn: Entered<Upn> = Entered::new("b801200005001");
        assert_eq!(upn.text(), "b801200005001");
        assert_eq!(upn.value().map(Upn::as_str), Some("B801200005001"));
        assert_eq!(upn.error(), None);
    }

    #[test]
    fn invalid_text_keeps_the_text_and_the_reason() {
        let upn: Entered<Upn> = Entered::new("C801200005001");
        assert_eq!(upn.value(), None);
        assert_eq!(upn.error(), Some("UPN check letter should be B, not C"));
        assert_eq!(upn.text(), "C801200005001");
    }

    #[test]
    fn a_parsed_value_is_entered_as_its_text() {
        let postcode = Entered::from_value(Postcode::parse("nr2 1ab").unwrap());
        assert_eq!(postcode.text(), "NR2 1AB");
        assert!(postcode.value().is_some());
    }
}
