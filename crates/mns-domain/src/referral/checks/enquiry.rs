//! MN-ENQ-2 on a referral: whether the threshold for support is met can be discussed only once
//! the referral is complete ("we are unable to comment on whether the threshold for support has
//! been met without a completed referral", §2).

use super::{Check, Context};

/// MN-ENQ-2: no view on the threshold is given until the referral is complete; flagged while
/// fields are missing, so nobody offers an opinion on a draft.
pub(super) fn threshold_opinion_needs_a_complete_referral(context: &Context) -> Check {
    const RULE: &str = "MN-ENQ-2";
    let missing = context.referral.missing_fields().len();
    if missing == 0 {
        Check::pass(
            RULE,
            "The referral is complete, so whether the threshold for support is met can be discussed.",
        )
    } else {
        Check::flag(
            RULE,
            format!(
                "The referral is not complete ({}), so no view can be given yet on whether the threshold for support is met.",
                super::wording::count(
                    i64::try_from(missing).unwrap_or(i64::MAX),
                    "field to complete",
                    "fields to complete"
                )
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::referral::Outcome;
    use crate::referral::test_support::{check, example};

    #[test]
    fn mn_enq_2_no_threshold_view_on_an_incomplete_referral() {
        let mut referral = example();
        assert_eq!(check(&referral, "MN-ENQ-2").outcome, Outcome::Pass);
        referral.pupil.date_of_birth = None;
        referral.referral_date = None;
        let result = check(&referral, "MN-ENQ-2");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(
            result.message.contains("(2 fields to complete)"),
            "{}",
            result.message
        );
    }
}
