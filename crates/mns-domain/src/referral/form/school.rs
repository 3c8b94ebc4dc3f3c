//! The school the pupil would normally attend (MN-REF-2), and its type, which decides whether
//! the referral is flagged under MN-ELIG-2.

use serde::{Deserialize, Serialize};

use crate::identifiers::Urn;
use crate::referral::Entered;

/// The school the pupil would normally attend: the referring school when the pupil is on roll.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct School {
    /// The school's URN (required for a pupil on roll).
    pub urn: Option<Entered<Urn>>,
    /// The school's name, as the directory (GIAS) has it.
    pub name: String,
    /// The kind of school (required for a pupil on roll; MN-ELIG-2).
    pub school_type: Option<SchoolType>,
}

/// The kinds of school the policy distinguishes (§2 footnote 2), grouped from GIAS's
/// establishment types. The duty applies whatever the type (MN-ELIG-1); only an independent
/// special school is treated differently (MN-ELIG-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolType {
    /// A mainstream school maintained by a local authority (community, foundation, voluntary).
    Maintained,
    /// A special school maintained by a local authority.
    MaintainedSpecial,
    /// A mainstream academy or free school.
    Academy,
    /// A special academy or special free school.
    AcademySpecial,
    /// A pupil referral unit or alternative provision academy.
    AlternativeProvision,
    /// A non-maintained special school.
    NonMaintainedSpecial,
    /// An independent school that is not a special school.
    Independent,
    /// An independent special school, which provides medical needs support under its contract
    /// with the local authority (MN-ELIG-2).
    IndependentSpecial,
    /// A further education or sixth-form college (MN-ELIG-5).
    FurtherEducation,
}

impl SchoolType {
    /// The type in a coordinator's words, e.g. "independent special school".
    pub fn label(self) -> &'static str {
        match self {
            Self::Maintained => "maintained school",
            Self::MaintainedSpecial => "maintained special school",
            Self::Academy => "academy",
            Self::AcademySpecial => "special academy",
            Self::AlternativeProvision => "pupil referral unit or alternative provision academy",
            Self::NonMaintainedSpecial => "non-maintained special school",
            Self::Independent => "independent school",
            Self::IndependentSpecial => "independent special school",
            Self::FurtherEducation => "further education college",
        }
    }

    /// Whether schools of this type allocate UPNs: independent schools and colleges need not.
    pub fn allocates_upns(self) -> bool {
        !matches!(
            self,
            Self::Independent | Self::IndependentSpecial | Self::FurtherEducation
        )
    }
}
