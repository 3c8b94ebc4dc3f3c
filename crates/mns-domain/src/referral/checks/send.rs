//! Pupils with SEND (§10): the referral records the pupil's plan and its coordinator
//! (MN-SEND-1), so the planning meeting can involve them.

use super::wording::date;
use super::{Check, Context};
use crate::referral::SendStatus;

/// MN-SEND-1: for a pupil with SEND or an EHCP the referral records the plan and its
/// coordinator; a review of the plan may be needed, and significant health needs can be raised
/// with the Designated Clinical Officer.
pub(super) fn send_plan(context: &Context) -> Check {
    const RULE: &str = "MN-SEND-1";
    const REVIEW: &str = "A review of the plan may be needed to agree reasonable adjustments; significant health needs can be raised with the Designated Clinical Officer.";
    match &context.referral.pupil.send {
        Some(SendStatus::Ehcp {
            ehcp_coordinator,
            last_reviewed,
            ..
        }) => {
            let coordinator = ehcp_coordinator.trim();
            let reviewed = last_reviewed.map_or(String::new(), |on| {
                format!(", last reviewed on {}", date(on))
            });
            if coordinator.is_empty() {
                Check::flag(
                    RULE,
                    format!(
                        "The pupil has an EHCP{reviewed}, but the referral does not name the EHCP coordinator: ask, so they can be invited to the planning meeting."
                    ),
                )
            } else {
                Check::pass(
                    RULE,
                    format!(
                        "The pupil has an EHCP{reviewed}; the EHCP coordinator is {coordinator}: invite them to the planning meeting and bring the latest review. {REVIEW}"
                    ),
                )
            }
        }
        Some(SendStatus::SenSupport { .. }) => Check::pass(
            RULE,
            format!("The pupil has SEN support at school. {REVIEW}"),
        ),
        Some(SendStatus::NoIdentifiedNeeds) => {
            Check::not_applicable(RULE, "No special educational needs identified.")
        }
        None => Check::flag(RULE, "The referral does not give the pupil's SEND status."),
    }
}

#[cfg(test)]
mod tests {
    use crate::referral::test_support::{check, date, example};
    use crate::referral::{Outcome, SendStatus};

    #[test]
    fn mn_send_1_an_ehcp_is_recorded_with_its_coordinator() {
        let mut referral = example();
        referral.pupil.send = Some(SendStatus::Ehcp {
            ehcp_coordinator: "Ms R Shah, Norfolk SEN team".to_owned(),
            last_reviewed: Some(date(2026, 5, 20)),
            summary: String::new(),
        });
        let result = check(&referral, "MN-SEND-1");
        assert_eq!(result.outcome, Outcome::Pass);
        assert!(result.message.starts_with(
            "The pupil has an EHCP, last reviewed on 20 May 2026; the EHCP coordinator is Ms R Shah, Norfolk SEN team"
        ));
        referral.pupil.send = Some(SendStatus::Ehcp {
            ehcp_coordinator: String::new(),
            last_reviewed: None,
            summary: String::new(),
        });
        assert_eq!(check(&referral, "MN-SEND-1").outcome, Outcome::Flag);
        referral.pupil.send = Some(SendStatus::NoIdentifiedNeeds);
        assert_eq!(
            check(&referral, "MN-SEND-1").outcome,
            Outcome::NotApplicable
        );
    }
}
