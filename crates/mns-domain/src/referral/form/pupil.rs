//! Who the referral is for (MN-REF-2): the pupil's identity, home, and the circumstances the
//! eligibility rules ask about (MN-ELIG-1, -3, -5, -6, -7, -9, MN-SEND-1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::identifiers::{NhsNumber, Postcode, Upn};
use crate::referral::Entered;

/// The pupil the referral is for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pupil {
    /// First name (required).
    pub first_name: String,
    /// Last name (required).
    pub last_name: String,
    /// Date of birth (required); year group and compulsory school age derive from it
    /// (MN-ELIG-4).
    pub date_of_birth: Option<NaiveDate>,
    /// Unique Pupil Number, permanent or temporary (required for a pupil on the roll of a
    /// school that is not independent).
    pub upn: Option<Entered<Upn>>,
    /// NHS number, if known.
    pub nhs_number: Option<Entered<NhsNumber>>,
    /// Home address (required).
    pub home_address: HomeAddress,
    /// Whether the child lives ("is ordinarily resident") in the council's area, whatever school
    /// they attend (MN-ELIG-1; required).
    pub ordinarily_resident: Option<bool>,
    /// Year group on the school's record: 0 for Reception, 1 to 13 (required).
    pub year_group: Option<i32>,
    /// Whether the pupil, who would be in Year 12 by age, is repeating Year 11 for medical
    /// reasons (MN-ELIG-5); `None` until the school answers (required only for a pupil who
    /// would be in Year 12 or above by age).
    pub repeating_year_11_for_medical_reasons: Option<bool>,
    /// Whether the pupil is on a school roll, not on any roll, or electively home educated
    /// (MN-ELIG-6, MN-ELIG-7; required).
    pub enrolment: Option<Enrolment>,
    /// Special educational needs and disabilities (MN-SEND-1; required).
    pub send: Option<SendStatus>,
    /// Whether the child is looked after, and by whom (MN-ELIG-3; required).
    pub looked_after: Option<LookedAfter>,
    /// Whether the pupil is pregnant (MN-ELIG-9; required): `None` until the school answers.
    pub pregnant: Option<bool>,
    /// The date the baby is expected, for a pregnant pupil (MN-ELIG-9).
    pub expected_due_date: Option<NaiveDate>,
}

/// The pupil's home address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HomeAddress {
    /// Building and street (required).
    pub line_1: String,
    /// Second line of the address.
    pub line_2: String,
    /// Town or city (required).
    pub town: String,
    /// Postcode (required).
    pub postcode: Option<Entered<Postcode>>,
}

/// Whether the pupil is on a school roll (MN-ELIG-6, MN-ELIG-7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum Enrolment {
    /// On the roll of the referring school: the usual case.
    OnRoll,
    /// On no school roll (a child missing education): the coordinator or the EHCP coordinator
    /// handles the case, without a school referral (MN-ELIG-7).
    NotOnRoll,
    /// Registered by the parents as electively home educated: not eligible unless the
    /// coordinator records exceptional circumstances (MN-ELIG-6).
    ElectivelyHomeEducated {
        /// The exceptional circumstances the coordinator recorded, if any.
        #[serde(default)]
        exceptional_circumstances: String,
    },
}

/// The pupil's special educational needs and disabilities (MN-REF-2, MN-SEND-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum SendStatus {
    /// No identified special educational needs (`"none"`).
    #[serde(rename = "none")]
    NoIdentifiedNeeds,
    /// SEN support at school, without an Education, Health and Care Plan.
    SenSupport {
        /// A summary of the needs and the support in place.
        #[serde(default)]
        summary: String,
    },
    /// An Education, Health and Care Plan.
    Ehcp {
        /// The EHCP coordinator's name and how to reach them (required).
        #[serde(default)]
        ehcp_coordinator: String,
        /// The date of the plan's last annual review, if known.
        #[serde(default)]
        last_reviewed: Option<NaiveDate>,
        /// A summary of the needs and the provision the plan sets out.
        #[serde(default)]
        summary: String,
    },
}

/// Whether the child is looked after by a local authority, and which (MN-ELIG-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum LookedAfter {
    /// Not a looked-after child.
    No,
    /// Looked after by this council.
    ByThisCouncil,
    /// Looked after by another authority that placed the child in this council's area; the
    /// placing authority is recorded so the cost can be recouped.
    PlacedByAnotherAuthority {
        /// The authority that placed the child (required).
        #[serde(default)]
        placing_authority: String,
    },
}

impl Pupil {
    /// The pupil's name as "First Last", or "the pupil" when no name is given.
    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name.trim(), self.last_name.trim());
        let name = name.trim();
        if name.is_empty() {
            "the pupil".to_owned()
        } else {
            name.to_owned()
        }
    }
}
