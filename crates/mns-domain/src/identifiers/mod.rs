//! Identifiers that arrive as text at the edge (forms, imports, MIS exports) and are parsed once
//! into types that cannot hold a bad value: a pupil's UPN and NHS number, a postcode, a school's
//! URN, a health professional's registration number and their organisation's ODS code. Past the
//! edge nothing re-validates strings.
//!
//! Each type has `parse(&str)` returning a typed error whose message is a plain-English sentence
//! a school user can act on, `as_str()`, `Display`, and serde that deserialises through `parse`
//! (so a bad value in a data file fails to load instead of slipping past).

/// Implements the text conversions every identifier shares: `FromStr` and `TryFrom<String>`
/// through `parse` (serde's `try_from` uses the latter), and `From<Self> for String` through
/// `as_str` (serde's `into`).
macro_rules! text_conversions {
    ($name:ident, $error:ident) => {
        impl std::str::FromStr for $name {
            type Err = $error;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                Self::parse(input)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;

            fn try_from(input: String) -> Result<Self, Self::Error> {
                Self::parse(&input)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.as_str().to_owned()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

mod nhs_number;
mod ods_code;
mod postcode;
mod registration;
mod upn;
mod urn;

pub use nhs_number::{NhsNumber, NhsNumberError};
pub use ods_code::{OdsCode, OdsCodeError};
pub use postcode::{Postcode, PostcodeDistrict, PostcodeError};
pub use registration::{
    HCPC_PREFIXES, ProfessionalRegistration, RegistrationBody, RegistrationError,
};
pub use upn::{Upn, UpnError};
pub use urn::{Urn, UrnError};
