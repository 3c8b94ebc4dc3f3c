//! What the school did before referring (§4, §11a): the schools' checklist (MN-CHK-1) and the
//! parent's consent before the Healthy Child Programme was contacted (MN-CHK-2).

use super::wording::{date, list};
use super::{Check, Context};
use crate::referral::{ChecklistAnswer, ChecklistItem, SendStatus};

/// MN-CHK-1: the referral carries the schools' checklist, each item done, not applicable or not
/// done with a note. Unanswered items fail; items not done are flagged with the school's note.
pub(super) fn schools_checklist(context: &Context) -> Check {
    const RULE: &str = "MN-CHK-1";
    let referral = context.referral;
    let answer = |item: ChecklistItem| referral.checklist.get(&item).and_then(|entry| entry.answer);
    let quoted = |item: ChecklistItem| format!("‘{}’", item.label());
    let unanswered: Vec<String> = ChecklistItem::ALL
        .into_iter()
        .filter(|item| answer(*item).is_none())
        .map(quoted)
        .collect();
    let not_done: Vec<String> = ChecklistItem::ALL
        .into_iter()
        .filter(|item| answer(*item) == Some(ChecklistAnswer::NotDone))
        .map(|item| {
            let note = referral
                .checklist
                .get(&item)
                .map_or("", |entry| entry.note.trim().trim_end_matches('.'));
            if note.is_empty() {
                quoted(item)
            } else {
                format!("{} ({note})", quoted(item))
            }
        })
        .collect();
    let mut sentences = Vec::new();
    if unanswered.len() == ChecklistItem::ALL.len() {
        sentences.push("No item is answered.".to_owned());
    } else if !unanswered.is_empty() {
        sentences.push(format!("No answer for {}.", list(&unanswered)));
    }
    if !not_done.is_empty() {
        sentences.push(format!("Not done: {}.", list(&not_done)));
    }
    let has_send = matches!(
        referral.pupil.send,
        Some(SendStatus::SenSupport { .. } | SendStatus::Ehcp { .. })
    );
    if has_send && answer(ChecklistItem::SencoAssessment) == Some(ChecklistAnswer::NotApplicable) {
        sentences.push(format!(
            "{} is marked not applicable, but the pupil has SEND.",
            quoted(ChecklistItem::SencoAssessment)
        ));
    }
    if !unanswered.is_empty() {
        Check::fail(
            RULE,
            format!(
                "The schools' checklist is not complete. {}",
                sentences.join(" ")
            ),
        )
    } else if !sentences.is_empty() {
        sentences.push("Everything else is done or not applicable.".to_owned());
        Check::flag(RULE, sentences.join(" "))
    } else {
        Check::pass(
            RULE,
            "Every item on the schools' checklist is done or not applicable.",
        )
    }
}

/// MN-CHK-2: the parent or carer consented before the school contacted the Healthy Child
/// Programme.
pub(super) fn healthy_child_programme_consent(context: &Context) -> Check {
    const RULE: &str = "MN-CHK-2";
    let contact = &context.referral.healthy_child_programme;
    let when = contact
        .contacted_on
        .map_or(String::new(), |on| format!(" on {}", date(on)));
    match (contact.contacted, contact.parental_consent_before_contact) {
        (Some(true), Some(true)) => Check::pass(
            RULE,
            format!(
                "The school contacted the Healthy Child Programme{when}, with the parent's consent first."
            ),
        ),
        (Some(true), Some(false)) => Check::fail(
            RULE,
            format!(
                "The school contacted the Healthy Child Programme{when} without the parent's consent first; schools must get consent before calling Just One Number (§4)."
            ),
        ),
        (Some(true), None) => Check::flag(
            RULE,
            format!(
                "The school contacted the Healthy Child Programme{when}, but the referral does not say whether the parent consented first."
            ),
        ),
        (Some(false), _) => Check::not_applicable(
            RULE,
            "The school has not contacted the Healthy Child Programme.",
        ),
        (None, _) => Check::flag(
            RULE,
            "The referral does not say whether the school contacted the Healthy Child Programme.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::referral::test_support::{check, example};
    use crate::referral::{ChecklistAnswer, ChecklistEntry, ChecklistItem, Outcome};

    #[test]
    fn mn_chk_1_an_item_not_done_is_flagged_with_the_school_s_note() {
        let result = check(&example(), "MN-CHK-1");
        assert_eq!(result.outcome, Outcome::Flag);
        assert_eq!(
            result.message,
            "Not done: ‘Outreach or alternative provision’ (Too unwell to travel to off-site provision). Everything else is done or not applicable."
        );
    }

    #[test]
    fn mn_chk_1_every_item_done_or_not_applicable_passes() {
        let mut referral = example();
        referral.checklist.insert(
            ChecklistItem::OutreachOrAlternativeProvision,
            ChecklistEntry {
                answer: Some(ChecklistAnswer::NotApplicable),
                note: String::new(),
            },
        );
        assert_eq!(check(&referral, "MN-CHK-1").outcome, Outcome::Pass);
    }

    #[test]
    fn mn_chk_1_unanswered_items_fail_and_are_named() {
        let mut referral = example();
        referral.checklist.remove(&ChecklistItem::Keyworker);
        referral.checklist.remove(&ChecklistItem::SafeSpace);
        let result = check(&referral, "MN-CHK-1");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(result.message.contains(
            "No answer for ‘Keyworker or preferred member of staff’ and ‘Safe space or break-out room’."
        ));
        assert_eq!(ChecklistItem::ALL.len(), 18);
        referral.checklist.clear();
        assert_eq!(
            check(&referral, "MN-CHK-1").message,
            "The schools' checklist is not complete. No item is answered."
        );
    }

    #[test]
    fn mn_chk_1_senco_assessment_not_applicable_for_a_pupil_with_send_is_flagged() {
        let mut referral = example();
        referral.checklist.insert(
            ChecklistItem::SencoAssessment,
            ChecklistEntry {
                answer: Some(ChecklistAnswer::NotApplicable),
                note: String::new(),
            },
        );
        let result = check(&referral, "MN-CHK-1");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("but the pupil has SEND"));
    }

    #[test]
    fn mn_chk_2_contacting_the_healthy_child_programme_without_consent_first_fails() {
        let mut referral = example();
        let result = check(&referral, "MN-CHK-2");
        assert_eq!(result.outcome, Outcome::Pass);
        assert_eq!(
            result.message,
            "The school contacted the Healthy Child Programme on 12 October 2026, with the parent's consent first."
        );
        referral
            .healthy_child_programme
            .parental_consent_before_contact = Some(false);
        assert_eq!(check(&referral, "MN-CHK-2").outcome, Outcome::Fail);
        referral.healthy_child_programme.contacted = Some(false);
        assert_eq!(check(&referral, "MN-CHK-2").outcome, Outcome::NotApplicable);
    }
}
