//! A health professional's professional registration (MN-EV-1): which regulator holds it and the
//! number it gave them, format checked.
//!
//! - General Medical Council (doctors): a reference number of 7 digits, e.g. `1234567`.
//! - Nursing and Midwifery Council (nurses, midwives, health visitors, school nurses): a PIN of two
//!   digits, a letter, four digits and a letter, e.g. `12A3456E`.
//! - Health and Care Professions Council (psychologists, physiotherapists, occupational therapists,
//!   speech and language therapists, dietitians and others): the profession's prefix and a number,
//!   e.g. `PYL012345` or `PH12345`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The regulator a health professional is registered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationBody {
    /// The General Medical Council: doctors, including GPs, paediatricians and psychiatrists.
    Gmc,
    /// The Nursing and Midwifery Council: nurses (CAMHS, school and practice nurses) and midwives.
    Nmc,
    /// The Health and Care Professions Council: psychologists and allied health professionals.
    Hcpc,
}

impl RegistrationBody {
    /// Every body, in the order a form lists them.
    pub const ALL: [RegistrationBody; 3] = [Self::Gmc, Self::Nmc, Self::Hcpc];

    /// The value a form posts.
    pub fn code(self) -> &'static str {
        match self {
            Self::Gmc => "gmc",
            Self::Nmc => "nmc",
            Self::Hcpc => "hcpc",
        }
    }

    /// Reads a form's value.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.code() == code)
    }

    /// The body's name, e.g. "General Medical Council (GMC)".
    pub fn label(self) -> &'static str {
        match self {
            Self::Gmc => "General Medical Council (GMC)",
            Self::Nmc => "Nursing and Midwifery Council (NMC)",
            Self::Hcpc => "Health and Care Professions Council (HCPC)",
        }
    }

    /// What the number is called and looks like, for a form's hint.
    pub fn hint(self) -> &'static str {
        match self {
            Self::Gmc => "GMC reference number: 7 digits, like 1234567",
            Self::Nmc => "NMC PIN: 2 digits, a letter, 4 digits and a letter, like 12A3456E",
            Self::Hcpc => {
                "HCPC registration number: the profession's letters and a number, like PYL012345"
            }
        }
    }
}

/// The profession prefixes the HCPC register uses, longest first so `PYL` is not read as `PY`.
pub const HCPC_PREFIXES: [&str; 15] = [
    "HAD", "ODP", "PYL", "AS", "BS", "CH", "CS", "DT", "OR", "OT", "PA", "PH", "PO", "RA", "SL",
];

/// A registration with a regulator, its number format checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfessionalRegistration {
    /// The regulator.
    pub body: RegistrationBody,
    number: String,
}

/// Why a registration number is not one the regulator would have given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    /// Nothing was given.
    #[error("Enter your registration number")]
    Empty,
    /// A GMC number that is not 7 digits.
    #[error("A GMC reference number is 7 digits, like 1234567")]
    Gmc,
    /// An NMC PIN of the wrong shape.
    #[error("An NMC PIN is 2 digits, a letter, 4 digits and a letter, like 12A3456E")]
    Nmc,
    /// An HCPC number whose prefix is not a profession's.
    #[error(
        "An HCPC registration number starts with the profession's letters (such as PYL, PH, OT or SL), like PYL012345"
    )]
    HcpcPrefix,
    /// An HCPC number whose digits are missing or too many.
    #[error(
        "An HCPC registration number has 4 to 6 digits after the profession's letters, like PH12345"
    )]
    HcpcDigits,
}

impl ProfessionalRegistration {
    /// Parses a number given for `body`, ignoring spaces and case.
    pub fn parse(body: RegistrationBody, input: &str) -> Result<Self, RegistrationError> {
        let text: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        if text.is_empty() {
            return Err(RegistrationError::Empty);
        }
        let ok = match body {
            RegistrationBody::Gmc => {
                if text.len() != 7 || !text.chars().all(|c| c.is_ascii_digit()) {
                    return Err(RegistrationError::Gmc);
                }
                true
            }
            RegistrationBody::Nmc => {
                let b = text.as_bytes();
                let shape = b.len() == 8
                    && b[..2].iter().all(u8::is_ascii_digit)
                    && b[2].is_ascii_uppercase()
                    && b[3..7].iter().all(u8::is_ascii_digit)
                    && b[7].is_ascii_uppercase();
                if !shape {
                    return Err(RegistrationError::Nmc);
                }
                true
            }
            RegistrationBody::Hcpc => {
                let prefix = HCPC_PREFIXES
                    .iter()
                    .find(|p| text.starts_with(**p))
                    .ok_or(RegistrationError::HcpcPrefix)?;
                let digits = &text[prefix.len()..];
                if !(4..=6).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
                    return Err(RegistrationError::HcpcDigits);
                }
                true
            }
        };
        debug_assert!(ok);
        Ok(Self { body, number: text })
    }

    /// The number as the regulator prints it, e.g. `12A3456E`.
    pub fn number(&self) -> &str {
        &self.number
    }
}

impl fmt::Display for ProfessionalRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = match self.body {
            RegistrationBody::Gmc => "GMC",
            RegistrationBody::Nmc => "NMC",
            RegistrationBody::Hcpc => "HCPC",
        };
        write!(f, "{short} {}", self.number)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use RegistrationBody::{Gmc, Hcpc, Nmc};

    #[test]
    fn mn_ev_1_gmc_number_is_seven_digits() {
        assert_eq!(
            ProfessionalRegistration::parse(Gmc, " 123 4567 ")
                .unwrap()
                .number(),
            "1234567"
        );
        for bad in ["123456", "12345678", "123456A", "G1234567"] {
            assert_eq!(
                ProfessionalRegistration::parse(Gmc, bad),
                Err(RegistrationError::Gmc),
                "{bad}"
            );
        }
        assert_eq!(
            ProfessionalRegistration::parse(Gmc, "  "),
            Err(RegistrationError::Empty)
        );
    }

    #[test]
    fn mn_ev_1_nmc_pin_is_two_digits_letter_four_digits_letter() {
        let pin = ProfessionalRegistration::parse(Nmc, "12a3456e").unwrap();
        assert_eq!(pin.number(), "12A3456E");
        assert_eq!(pin.to_string(), "NMC 12A3456E");
        for bad in ["1234567", "12A34567", "A2A3456E", "12A345E", "12A3456EE"] {
            assert_eq!(
                ProfessionalRegistration::parse(Nmc, bad),
                Err(RegistrationError::Nmc),
                "{bad}"
            );
        }
    }

    #[test]
    fn mn_ev_1_hcpc_number_is_a_profession_prefix_and_digits() {
        assert_eq!(
            ProfessionalRegistration::parse(Hcpc, "pyl012345")
                .unwrap()
                .number(),
            "PYL012345"
        );
        assert_eq!(
            ProfessionalRegistration::parse(Hcpc, "PH 12345")
                .unwrap()
                .number(),
            "PH12345"
        );
        assert_eq!(
            ProfessionalRegistration::parse(Hcpc, "XX12345"),
            Err(RegistrationError::HcpcPrefix)
        );
        assert_eq!(
            ProfessionalRegistration::parse(Hcpc, "PH12"),
            Err(RegistrationError::HcpcDigits)
        );
        assert_eq!(
            ProfessionalRegistration::parse(Hcpc, "PH1234567"),
            Err(RegistrationError::HcpcDigits)
        );
    }

    #[test]
    fn registration_body_codes_round_trip() {
        for body in RegistrationBody::ALL {
            assert_eq!(RegistrationBody::from_code(body.code()), Some(body));
        }
        assert_eq!(RegistrationBody::from_code("gphc"), None);
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_accepted_numbers_reparse(body in 0usize..3, s in "\\PC{0,12}") {
            let body = RegistrationBody::ALL[body];
            if let Ok(r) = ProfessionalRegistration::parse(body, &s) {
                prop_assert_eq!(ProfessionalRegistration::parse(body, r.number()), Ok(r.clone()));
            }
        }
    }
}
