//! The condition group recorded on a case (issue 17): a broad group of the health condition
//! behind the referral, chosen by the coordinator at the planning meeting (Part A) from the
//! medical evidence, so that the service can report what it spends and achieves by kind of
//! need. It is a measure of the service and never a condition of provision; the evidence itself
//! stays in the referral.

use serde::{Deserialize, Serialize};

/// A broad group of health conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionGroup {
    /// Anxiety, depression, self-harm and other mental health needs (not eating disorders).
    MentalHealth,
    /// Anorexia, bulimia, ARFID and other eating disorders.
    EatingDisorder,
    /// ME/CFS, long COVID and other fatigue conditions.
    ChronicFatigue,
    /// Cancer and its treatment.
    Cancer,
    /// A long-term physical condition, such as epilepsy, diabetes, Crohn's disease or cystic
    /// fibrosis.
    LongTermPhysical,
    /// An injury, an operation and the recovery from it.
    InjuryOrSurgery,
    /// Anything else.
    Other,
}

/// The text did not name a condition group.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Select the group the young person's health condition belongs to")]
pub struct UnknownConditionGroup(pub String);

impl ConditionGroup {
    /// Every group, in the order the form lists them.
    pub const ALL: [ConditionGroup; 7] = [
        ConditionGroup::MentalHealth,
        ConditionGroup::EatingDisorder,
        ConditionGroup::ChronicFatigue,
        ConditionGroup::Cancer,
        ConditionGroup::LongTermPhysical,
        ConditionGroup::InjuryOrSurgery,
        ConditionGroup::Other,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionGroup::MentalHealth => "mental_health",
            ConditionGroup::EatingDisorder => "eating_disorder",
            ConditionGroup::ChronicFatigue => "chronic_fatigue",
            ConditionGroup::Cancer => "cancer",
            ConditionGroup::LongTermPhysical => "long_term_physical",
            ConditionGroup::InjuryOrSurgery => "injury_or_surgery",
            ConditionGroup::Other => "other",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Result<ConditionGroup, UnknownConditionGroup> {
        let key = text.trim();
        ConditionGroup::ALL
            .into_iter()
            .find(|g| g.as_str() == key)
            .ok_or_else(|| UnknownConditionGroup(key.to_owned()))
    }

    /// How people see it.
    pub fn label(self) -> &'static str {
        match self {
            ConditionGroup::MentalHealth => "Mental health",
            ConditionGroup::EatingDisorder => "Eating disorder",
            ConditionGroup::ChronicFatigue => "Chronic fatigue (ME/CFS, long COVID)",
            ConditionGroup::Cancer => "Cancer and its treatment",
            ConditionGroup::LongTermPhysical => "Long-term physical condition",
            ConditionGroup::InjuryOrSurgery => "Injury or surgery",
            ConditionGroup::Other => "Other",
        }
    }

    /// Examples, for the form's hint.
    pub fn hint(self) -> &'static str {
        match self {
            ConditionGroup::MentalHealth => "Anxiety, depression, self-harm, trauma",
            ConditionGroup::EatingDisorder => "Anorexia, bulimia, ARFID",
            ConditionGroup::ChronicFatigue => "Including post-viral fatigue",
            ConditionGroup::Cancer => "Including recovery after treatment",
            ConditionGroup::LongTermPhysical => {
                "Epilepsy, diabetes, Crohn's disease, cystic fibrosis, chronic pain"
            }
            ConditionGroup::InjuryOrSurgery => "A fracture, an operation, the recovery after it",
            ConditionGroup::Other => "Anything not listed",
        }
    }

    /// The label of a stored group, or how a case without one is shown.
    pub fn label_of(stored: Option<&str>) -> &'static str {
        stored
            .and_then(|s| ConditionGroup::parse(s).ok())
            .map_or(NOT_RECORDED, ConditionGroup::label)
    }
}

/// How a case without a condition group (Part A not yet held, or held before it was asked) is
/// shown in the reports.
pub const NOT_RECORDED: &str = "Not recorded";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s19_every_condition_group_reads_back_from_its_stored_form() {
        for group in ConditionGroup::ALL {
            assert_eq!(ConditionGroup::parse(group.as_str()), Ok(group));
            assert_eq!(
                ConditionGroup::label_of(Some(group.as_str())),
                group.label()
            );
        }
        assert!(ConditionGroup::parse("flu").is_err());
        assert_eq!(ConditionGroup::label_of(None), NOT_RECORDED);
        assert_eq!(ConditionGroup::label_of(Some("flu")), NOT_RECORDED);
    }
}
