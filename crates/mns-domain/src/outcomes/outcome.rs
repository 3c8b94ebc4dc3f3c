//! The outcome recorded when a case ends (issue 17): where the child went, alongside the
//! policy's reason for ending (MN-END-1). Required when a case ends; it measures the service
//! and is never a condition of provision.

use serde::{Deserialize, Serialize};

/// Where the child is when provision ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseOutcome {
    /// Back at school full time.
    BackFullTime,
    /// Back at school part time.
    BackPartTime,
    /// Moved to specialist provision (a special school, resource base or alternative
    /// provision).
    SpecialistProvision,
    /// Moved on after Year 11: college, training or work (post-16).
    PostSixteen,
    /// Anything else (for example the family moved away, or elective home education).
    Other,
}

/// The text did not name an outcome.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Select where the young person is now that provision ends")]
pub struct UnknownOutcome(pub String);

impl CaseOutcome {
    /// Every outcome, in the order the form lists them.
    pub const ALL: [CaseOutcome; 5] = [
        CaseOutcome::BackFullTime,
        CaseOutcome::BackPartTime,
        CaseOutcome::SpecialistProvision,
        CaseOutcome::PostSixteen,
        CaseOutcome::Other,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseOutcome::BackFullTime => "back_full_time",
            CaseOutcome::BackPartTime => "back_part_time",
            CaseOutcome::SpecialistProvision => "specialist_provision",
            CaseOutcome::PostSixteen => "post_16",
            CaseOutcome::Other => "other",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Result<CaseOutcome, UnknownOutcome> {
        let key = text.trim();
        CaseOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == key)
            .ok_or_else(|| UnknownOutcome(key.to_owned()))
    }

    /// How people see it.
    pub fn label(self) -> &'static str {
        match self {
            CaseOutcome::BackFullTime => "Back at school full time",
            CaseOutcome::BackPartTime => "Back at school part time",
            CaseOutcome::SpecialistProvision => "Moved to specialist provision",
            CaseOutcome::PostSixteen => "Moved on to post-16 education, training or work",
            CaseOutcome::Other => "Other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s19_every_outcome_reads_back_from_its_stored_form() {
        for outcome in CaseOutcome::ALL {
            assert_eq!(CaseOutcome::parse(outcome.as_str()), Ok(outcome));
        }
        assert!(CaseOutcome::parse("").is_err());
        assert!(CaseOutcome::parse("cured").is_err());
    }
}
