//! The health need behind the referral and the absence expected from it (MN-ABS-2), and who
//! keeps supporting the pupil until provision starts (MN-REF-5).

use serde::{Deserialize, Serialize};

/// The pupil's health need, as the school describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthNeed {
    /// What the health need is and how it stops the pupil attending (required).
    pub description: String,
    /// Whether the school expects the pupil to miss more school because of their health
    /// (MN-ABS-2; required): `None` until the school answers. See
    /// [`HealthNeed::expects_absence`].
    pub absence_expected: Option<bool>,
    /// Absence still to come, if the school expects some (MN-ABS-2).
    pub expected_absence: Option<ExpectedAbsence>,
}

impl HealthNeed {
    /// The school's answer to "do you expect the pupil to miss more school?": details of the
    /// absence expected are a yes (referrals written before the question had only those).
    pub fn expects_absence(&self) -> Option<bool> {
        if self.expected_absence.is_some() {
            Some(true)
        } else {
            self.absence_expected
        }
    }
}

/// Absence the school expects from now on, for example after planned surgery (MN-ABS-2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExpectedAbsence {
    /// How many more school days the pupil is expected to miss (required).
    pub further_school_days: Option<u32>,
    /// Why (required).
    pub reason: Option<ExpectedAbsenceReason>,
    /// Details, e.g. the date of the operation and the recovery time the surgeon gave.
    pub details: String,
}

/// Why further absence is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectedAbsenceReason {
    /// Planned surgery and the recovery after it.
    PlannedSurgery,
    /// Planned treatment, such as a course of chemotherapy.
    PlannedTreatment,
    /// A planned or expected hospital admission.
    HospitalAdmission,
    /// Recovery from an illness or injury.
    Recovery,
    /// A long-term condition expected to keep the pupil away.
    OngoingCondition,
    /// Another reason, given in the details.
    Other,
}

impl ExpectedAbsenceReason {
    /// The reason in a coordinator's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::PlannedSurgery => "planned surgery",
            Self::PlannedTreatment => "planned treatment",
            Self::HospitalAdmission => "a hospital admission",
            Self::Recovery => "recovery",
            Self::OngoingCondition => "an ongoing condition",
            Self::Other => "another reason",
        }
    }
}

/// Who supports the pupil between the referral and the start of provision (MN-REF-5): the
/// school goes on setting work and checking on the pupil's welfare meanwhile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupportMeanwhile {
    /// Who at the school supports the pupil's learning, with work and resources (required).
    pub learning_supported_by: String,
    /// Who at the school carries out welfare checks (required).
    pub welfare_checks_by: String,
}
