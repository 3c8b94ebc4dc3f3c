//! A parent's or carer's enquiry to the Medical Needs Coordinator (§2): logged with whether the
//! parent consents to the service discussing the case with the school (MN-ENQ-1), and with no
//! place for a view on whether the threshold for support is met (MN-ENQ-2).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::identifiers::Urn;

/// What the service says when asked whether a child meets the threshold before a referral
/// (MN-ENQ-2, quoting §2).
pub const NO_THRESHOLD_VIEW_WITHOUT_A_REFERRAL: &str = "We are unable to comment on whether the threshold for support has been met without a completed referral being submitted.";

/// An enquiry about a child, as the coordinator logs it (MN-ENQ-1).
///
/// It has, on purpose, no field for a view on whether the threshold for support is met: that
/// needs a completed referral (MN-ENQ-2). Unknown fields are refused, so one cannot be slipped
/// in through the JSON either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enquiry {
    /// When the enquiry was made.
    pub received_on: NaiveDate,
    /// Who made it.
    pub enquirer_name: String,
    /// Their relationship to the child.
    pub enquirer: Enquirer,
    /// The child's name.
    pub child_name: String,
    /// The child's date of birth, if given.
    pub child_date_of_birth: Option<NaiveDate>,
    /// The child's school, if they are on a roll.
    pub school: Option<Urn>,
    /// Whether the parent or carer consents to the service discussing the case with the school
    /// (MN-ENQ-1).
    pub consent_to_discuss_with_school: bool,
    /// What the enquirer asked about.
    pub summary: String,
    /// The guidance given on the referral process.
    pub guidance_given: String,
    /// Who logged the enquiry.
    pub recorded_by: String,
}

/// Who made an enquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enquirer {
    /// The child's parent.
    Parent,
    /// The child's carer.
    Carer,
    /// A professional working with a child not on a school roll (§5).
    Professional,
}

impl Enquiry {
    /// Whether the service may discuss the case with the school (MN-ENQ-1): only with the
    /// parent's consent.
    pub fn may_discuss_with_school(&self) -> bool {
        self.consent_to_discuss_with_school
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::test_support::date;

    fn enquiry(consent: bool) -> Enquiry {
        Enquiry {
            received_on: date(2026, 11, 2),
            enquirer_name: "Mrs K Hart".to_owned(),
            enquirer: Enquirer::Parent,
            child_name: "Amelia Hart".to_owned(),
            child_date_of_birth: Some(date(2012, 5, 14)),
            school: Some(Urn::parse("121234").unwrap()),
            consent_to_discuss_with_school: consent,
            summary: "Daughter has Crohn's disease and has missed most of October.".to_owned(),
            guidance_given: "Explained that the school makes the referral.".to_owned(),
            recorded_by: "coordinator-1".to_owned(),
        }
    }

    #[test]
    fn mn_enq_1_an_enquiry_is_logged_with_consent_to_discuss_with_the_school() {
        assert!(enquiry(true).may_discuss_with_school());
        assert!(!enquiry(false).may_discuss_with_school());
        let json = serde_json::to_value(enquiry(true)).unwrap();
        assert_eq!(json["consent_to_discuss_with_school"], true);
        let read: Enquiry = serde_json::from_value(json).unwrap();
        assert_eq!(read, enquiry(true));
    }

    #[test]
    fn mn_enq_2_an_enquiry_carries_no_threshold_opinion() {
        let json = serde_json::to_value(enquiry(true)).unwrap();
        let fields: Vec<&String> = json.as_object().unwrap().keys().collect();
        for word in ["threshold", "eligib", "opinion", "meets", "met"] {
            assert!(
                fields.iter().all(|field| !field.contains(word)),
                "{word} in {fields:?}"
            );
        }
        let mut with_opinion = json.clone();
        with_opinion["threshold_met"] = serde_json::json!(true);
        assert!(serde_json::from_value::<Enquiry>(with_opinion).is_err());
        assert!(NO_THRESHOLD_VIEW_WITHOUT_A_REFERRAL.contains("unable to comment"));
    }
}
