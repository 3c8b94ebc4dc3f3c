//! The parent's consent for the Medical Needs Coordinator to contact health professionals
//! (MN-REF-3), which can be withdrawn at any time in writing to the school.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Consent to contact the health professionals involved with the pupil (MN-REF-3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthProfessionalConsent {
    /// Whether the parent or carer gave consent (required).
    pub given: Option<bool>,
    /// When consent was given.
    pub given_on: Option<NaiveDate>,
    /// The withdrawal of consent, if the parent withdrew it.
    pub withdrawal: Option<ConsentWithdrawal>,
}

/// A withdrawal of consent, given in writing to the school (§11b.ii).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsentWithdrawal {
    /// The date of the withdrawal (required): no contact from that day on.
    pub withdrawn_on: Option<NaiveDate>,
    /// Who withdrew it and how, e.g. "Letter from mother to the school".
    pub note: String,
}

impl HealthProfessionalConsent {
    /// Whether the coordinator may contact the pupil's health professionals on a date
    /// (MN-REF-3): consent was given and had not been withdrawn by that day. A withdrawal with
    /// no date stops contact at once, to be safe.
    pub fn allows_contact_on(&self, date: NaiveDate) -> bool {
        let withdrawn = self.withdrawal.as_ref().is_some_and(|withdrawal| {
            withdrawal
                .withdrawn_on
                .is_none_or(|withdrawn_on| withdrawn_on <= date)
        });
        self.given == Some(true) && !withdrawn
    }
}
