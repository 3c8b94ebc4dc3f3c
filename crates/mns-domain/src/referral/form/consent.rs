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
    /// Whether the parent or carer has withdrawn consent (required once consent was given):
    /// `None` until the school answers. See [`HealthProfessionalConsent::has_withdrawn`].
    pub withdrawn: Option<bool>,
    /// The withdrawal of consent, if the parent withdrew it: when, and how.
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
    /// The school's answer to "has consent been withdrawn?": a recorded withdrawal is a yes
    /// (referrals written before the question had only the record).
    pub fn has_withdrawn(&self) -> Option<bool> {
        if self.withdrawal.is_some() {
            Some(true)
        } else {
            self.withdrawn
        }
    }

    /// Whether the coordinator may contact the pupil's health professionals on a date
    /// (MN-REF-3): consent was given and had not been withdrawn by that day. A withdrawal with
    /// no date (or a yes with no record of it) stops contact at once, to be safe.
    pub fn allows_contact_on(&self, date: NaiveDate) -> bool {
        let withdrawn = match &self.withdrawal {
            Some(withdrawal) => withdrawal
                .withdrawn_on
                .is_none_or(|withdrawn_on| withdrawn_on <= date),
            None => self.withdrawn == Some(true),
        };
        self.given == Some(true) && !withdrawn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn mn_ref_3_a_recorded_withdrawal_is_a_yes_and_stops_contact_from_its_date() {
        let mut consent = HealthProfessionalConsent {
            given: Some(true),
            ..Default::default()
        };
        assert_eq!(consent.has_withdrawn(), None, "not answered yet");
        assert!(consent.allows_contact_on(day(20)));
        consent.withdrawn = Some(false);
        assert_eq!(consent.has_withdrawn(), Some(false));
        consent.withdrawal = Some(ConsentWithdrawal {
            withdrawn_on: Some(day(10)),
            note: String::new(),
        });
        assert_eq!(consent.has_withdrawn(), Some(true));
        assert!(consent.allows_contact_on(day(9)));
        assert!(!consent.allows_contact_on(day(10)));
        // A yes without its record stops contact at once.
        consent.withdrawal = None;
        consent.withdrawn = Some(true);
        assert!(!consent.allows_contact_on(day(1)));
    }
}
