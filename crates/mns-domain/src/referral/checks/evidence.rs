//! Whether the medical evidence is of a kind the service accepts (§11b.ii): from an accepted
//! kind of professional (MN-EV-1) who saw the young person recently (MN-EV-2), not an
//! appointment letter or card (MN-EV-3), and what to do with fit notes and SEND-only evidence
//! (MN-EV-4).

use super::wording::{date, list, weeks_and_days};
use super::{Check, Context};
use crate::referral::{EvidenceHandling, MedicalEvidence};

/// Whether an item is a fit note or names SEND without an illness (MN-EV-4).
fn is_fit_note_or_send_only(evidence: &MedicalEvidence) -> bool {
    evidence.names_send_without_illness
        || evidence.document == Some(crate::referral::DocumentKind::FitNote)
}

/// The evidence that counts for the referral, with its position: everything except appointment
/// letters and cards (MN-EV-3), and fit notes and SEND-only evidence where the policy rejects
/// them (MN-EV-4).
pub(super) fn counted<'a>(
    context: &'a Context,
) -> impl Iterator<Item = (usize, &'a MedicalEvidence)> + 'a {
    let rejects_fit_notes = context.policy.fit_note_policy == EvidenceHandling::Reject;
    context
        .referral
        .evidence
        .iter()
        .enumerate()
        .filter(move |(_, evidence)| {
            let appointment = evidence.document.is_some_and(|kind| kind.is_appointment());
            let rejected = rejects_fit_notes && is_fit_note_or_send_only(evidence);
            !appointment && !rejected
        })
}

/// Who an item is from, with an article: "the paediatrician", "a health professional of a kind
/// the policy does not list", "a professional not named".
fn from_whom(evidence: &MedicalEvidence) -> String {
    match evidence.professional {
        Some(kind) if kind.is_accepted() => format!("the {}", kind.label()),
        Some(kind) => format!("a {}", kind.label()),
        None => "a professional of a kind not given".to_owned(),
    }
}

/// How a message names an item: "Evidence from the paediatrician" when there is one,
/// "Evidence 2 (from the GP)" when there are several.
pub(super) fn subject(context: &Context, index: usize, evidence: &MedicalEvidence) -> String {
    if context.referral.evidence.len() == 1 {
        format!("Evidence from {}", from_whom(evidence))
    } else {
        format!("Evidence {} (from {})", index + 1, from_whom(evidence))
    }
}

/// MN-EV-1: evidence comes from a qualified health professional of a kind the policy lists.
pub(super) fn accepted_professional(context: &Context) -> Check {
    const RULE: &str = "MN-EV-1";
    if context.referral.evidence.is_empty() {
        return Check::fail(
            RULE,
            "No medical evidence is attached; a referral needs evidence from a qualified health professional (§11b.ii).",
        );
    }
    let (accepted, others): (Vec<_>, Vec<_>) = counted(context)
        .partition(|(_, evidence)| evidence.professional.is_some_and(|kind| kind.is_accepted()));
    let names = |items: &[(usize, &MedicalEvidence)]| {
        let mut names: Vec<String> = items
            .iter()
            .map(|(_, evidence)| from_whom(evidence))
            .collect();
        names.dedup();
        list(&names)
    };
    let others_sentence = format!(
        "Evidence from {} is not from a kind of health professional the policy lists.",
        names(&others)
    );
    if !accepted.is_empty() {
        let mut message = format!(
            "Evidence from {}: {} the policy accepts.",
            names(&accepted),
            if accepted.len() == 1 {
                "a kind of health professional"
            } else {
                "kinds of health professional"
            }
        );
        if !others.is_empty() {
            message.push(' ');
            message.push_str(&others_sentence);
        }
        Check::pass(RULE, message)
    } else if others.is_empty() {
        Check::fail(
            RULE,
            "None of the evidence counts for a referral (see MN-EV-3 and MN-EV-4).",
        )
    } else {
        Check::fail(
            RULE,
            format!(
                "{others_sentence} The policy accepts a CAMHS professional, the ME/CFS service, a school nurse, a paediatrician, a clinical child psychologist, a consultant child psychiatrist, another specialist NHS service, a primary care health professional or a GP."
            ),
        )
    }
}

/// MN-EV-2: the professional physically saw the young person, for diagnosis or treatment,
/// within 12 weeks before the referral date (exactly 12 weeks passes); evidence saying the
/// professional has not seen or spoken to the young person is flagged for challenge, and a
/// "seen" date after today fails: it cannot be true.
pub(super) fn seen_within_max_age(context: &Context) -> Check {
    const RULE: &str = "MN-EV-2";
    let on = context.assessed_on();
    let when = context.assessed_on_words();
    let max_weeks = context.policy.evidence_max_age_weeks;
    let max_days = i64::from(max_weeks) * 7;
    let mut recent = false;
    let mut challenged = false;
    let mut future = false;
    let mut sentences = Vec::new();
    for (index, evidence) in counted(context) {
        let subject = subject(context, index, evidence);
        let sentence = if evidence.has_not_seen_or_spoken_to_young_person {
            challenged = true;
            format!(
                "{subject} says the professional has not seen or spoken to the young person: challenge it (§11b.ii)."
            )
        } else if evidence.seen_in_person == Some(false) {
            format!(
                "{subject}: the professional did not see the young person in person; the policy asks for someone who physically saw them."
            )
        } else {
            match evidence.date_seen {
                None => format!("{subject} does not say when the young person was seen."),
                Some(seen) if seen > context.today => {
                    future = true;
                    format!(
                        "{subject} says the young person was seen on {}, which is after today: a date in the future cannot be right.",
                        date(seen)
                    )
                }
                Some(seen) => {
                    let age = (on - seen).num_days();
                    if age > max_days {
                        format!(
                            "{subject} is {} old on {when}; the policy accepts up to {max_weeks} weeks.",
                            weeks_and_days(age)
                        )
                    } else if evidence.seen_in_person.is_none() {
                        format!(
                            "{subject} does not say whether the professional saw the young person in person."
                        )
                    } else {
                        recent = true;
                        let ago = match age {
                            ..0 => format!("after {when}"),
                            0 => format!("on {when}"),
                            age => format!("{} before {when}", weeks_and_days(age)),
                        };
                        format!(
                            "{subject}: seen in person on {}, {ago}, within {max_weeks} weeks.",
                            date(seen)
                        )
                    }
                }
            }
        };
        sentences.push(sentence);
    }
    if sentences.is_empty() {
        return Check::fail(RULE, "No medical evidence that counts for a referral.");
    }
    let message = sentences.join(" ");
    if future {
        Check::fail(RULE, message)
    } else if recent && !challenged {
        Check::pass(RULE, message)
    } else {
        Check::flag(RULE, message)
    }
}

/// MN-EV-3: appointment cards and appointment letters are not accepted for a referral: they do
/// not show that the young person attended.
pub(super) fn no_appointment_letters(context: &Context) -> Check {
    const RULE: &str = "MN-EV-3";
    let appointments: Vec<String> = context
        .referral
        .evidence
        .iter()
        .enumerate()
        .filter_map(|(index, evidence)| {
            let kind = evidence.document.filter(|kind| kind.is_appointment())?;
            Some(format!(
                "{} is an {}",
                subject(context, index, evidence),
                kind.label()
            ))
        })
        .collect();
    if appointments.is_empty() {
        return Check::pass(RULE, "No appointment letter or card is relied on.");
    }
    let message = format!(
        "{}: appointment letters and cards do not show that the young person attended, and are not accepted for a referral (§11b.ii).",
        list(&appointments)
    );
    if counted(context).next().is_some() {
        Check::flag(
            RULE,
            format!("{message} It is left out; the other evidence is checked on its own."),
        )
    } else {
        Check::fail(RULE, format!("{message} There is no other evidence."))
    }
}

/// MN-EV-4: a fit note ("Fitness for Work"), or evidence that names SEND without an associated
/// illness or diagnosis, is treated as the policy parameter says; by default it is flagged for
/// the coordinator, since the policy's "will be accepted" reads as a slip for "will not".
pub(super) fn fit_note_or_send_only(context: &Context) -> Check {
    const RULE: &str = "MN-EV-4";
    let items: Vec<String> = context
        .referral
        .evidence
        .iter()
        .enumerate()
        .filter(|(_, evidence)| is_fit_note_or_send_only(evidence))
        .map(|(index, evidence)| {
            let subject = subject(context, index, evidence);
            if evidence.names_send_without_illness {
                format!("{subject} names SEND without an illness or diagnosis")
            } else {
                format!("{subject} is a fit note")
            }
        })
        .collect();
    if items.is_empty() {
        return Check::pass(
            RULE,
            "No fit note, and no evidence that names SEND without an illness or diagnosis.",
        );
    }
    let items = list(&items);
    let version = &context.policy.version;
    match context.policy.fit_note_policy {
        EvidenceHandling::Accept => {
            Check::pass(RULE, format!("{items}: accepted under policy {version}."))
        }
        EvidenceHandling::Flag => Check::flag(
            RULE,
            format!(
                "{items}. The policy says such evidence \"will be accepted\", which reads as a slip for \"will not be accepted\": the coordinator decides (policy {version})."
            ),
        ),
        EvidenceHandling::Reject => Check::fail(
            RULE,
            format!("{items}: not accepted under policy {version}, and left out."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::referral::test_support::{Scenario, check, date, example};
    use crate::referral::{
        DocumentKind, EvidenceHandling, MedicalEvidence, Outcome, ProfessionalKind,
    };

    fn gp_letter() -> MedicalEvidence {
        MedicalEvidence {
            professional: Some(ProfessionalKind::GeneralPractitioner),
            document: Some(DocumentKind::Letter),
            date_seen: Some(date(2026, 11, 2)),
            seen_in_person: Some(true),
            ..MedicalEvidence::default()
        }
    }

    #[test]
    fn mn_ev_1_evidence_from_an_accepted_professional_passes() {
        let result = check(&example(), "MN-EV-1");
        assert_eq!(result.outcome, Outcome::Pass);
        assert_eq!(
            result.message,
            "Evidence from the paediatrician: a kind of health professional the policy accepts."
        );
    }

    #[test]
    fn mn_ev_1_evidence_only_from_other_kinds_fails() {
        let mut referral = example();
        referral.evidence[0].professional = Some(ProfessionalKind::OtherHealthProfessional);
        let result = check(&referral, "MN-EV-1");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(
            result
                .message
                .contains("not from a kind of health professional the policy lists")
        );
        referral.evidence.clear();
        let result = check(&referral, "MN-EV-1");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(
            result
                .message
                .starts_with("No medical evidence is attached")
        );
    }

    #[test]
    fn mn_ev_2_evidence_exactly_12_weeks_old_passes() {
        let mut referral = example();
        // 84 days before Monday 16 November 2026.
        referral.evidence[0].date_seen = Some(date(2026, 8, 24));
        let result = check(&referral, "MN-EV-2");
        assert_eq!(result.outcome, Outcome::Pass, "{}", result.message);
        assert!(
            result
                .message
                .contains("12 weeks before the referral date, within 12 weeks")
        );
    }

    #[test]
    fn mn_ev_2_evidence_older_than_12_weeks_is_flagged() {
        let mut referral = example();
        referral.evidence[0].date_seen = Some(date(2026, 8, 23));
        let result = check(&referral, "MN-EV-2");
        assert_eq!(result.outcome, Outcome::Flag);
        assert_eq!(
            result.message,
            "Evidence from the paediatrician is 12 weeks and 1 day old on the referral date; the policy accepts up to 12 weeks."
        );
        referral.evidence[0].date_seen = Some(date(2026, 8, 17));
        assert_eq!(
            check(&referral, "MN-EV-2").message,
            "Evidence from the paediatrician is 13 weeks old on the referral date; the policy accepts up to 12 weeks."
        );
    }

    #[test]
    fn mn_ev_2_a_seen_date_in_the_future_fails() {
        let mut scenario = Scenario::new(example());
        scenario.referral.evidence[0].date_seen = scenario.today.succ_opt();
        let result = scenario.check("MN-EV-2");
        assert_eq!(result.outcome, Outcome::Fail, "{}", result.message);
        assert!(result.message.contains("after today"), "{}", result.message);
        scenario.referral.evidence[0].date_seen = Some(scenario.today);
        assert_ne!(scenario.check("MN-EV-2").outcome, Outcome::Fail);
    }

    #[test]
    fn mn_ev_2_the_maximum_age_is_a_policy_parameter() {
        let mut scenario = Scenario::new(example());
        scenario.referral.evidence[0].date_seen = Some(date(2026, 8, 17));
        scenario.policy.evidence_max_age_weeks = 13;
        assert_eq!(scenario.check("MN-EV-2").outcome, Outcome::Pass);
    }

    #[test]
    fn mn_ev_2_evidence_from_someone_who_has_not_seen_the_young_person_is_challenged() {
        let mut referral = example();
        referral.evidence.push(MedicalEvidence {
            has_not_seen_or_spoken_to_young_person: true,
            ..gp_letter()
        });
        let result = check(&referral, "MN-EV-2");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains(
            "Evidence 2 (from the GP) says the professional has not seen or spoken to the young person: challenge it"
        ));
        let mut referral = example();
        referral.evidence[0].seen_in_person = Some(false);
        assert_eq!(check(&referral, "MN-EV-2").outcome, Outcome::Flag);
    }

    #[test]
    fn mn_ev_3_an_appointment_letter_is_not_accepted() {
        let mut referral = example();
        referral.evidence.push(MedicalEvidence {
            document: Some(DocumentKind::AppointmentLetter),
            ..gp_letter()
        });
        let result = check(&referral, "MN-EV-3");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.starts_with(
            "Evidence 2 (from the GP) is an appointment letter: appointment letters and cards do not show"
        ));
        // Left out of the other checks: MN-EV-1 names only the paediatrician.
        assert!(!check(&referral, "MN-EV-1").message.contains("GP"));
        // With nothing else, the referral has no evidence that counts.
        referral.evidence.remove(0);
        assert_eq!(check(&referral, "MN-EV-3").outcome, Outcome::Fail);
        assert_eq!(check(&referral, "MN-EV-1").outcome, Outcome::Fail);
        assert_eq!(check(&referral, "MN-EV-2").outcome, Outcome::Fail);
        assert_eq!(check(&example(), "MN-EV-3").outcome, Outcome::Pass);
    }

    #[test]
    fn mn_ev_4_a_fit_note_is_flagged_by_default_and_follows_the_policy_parameter() {
        let mut scenario = Scenario::new(example());
        scenario.referral.evidence.push(MedicalEvidence {
            document: Some(DocumentKind::FitNote),
            ..gp_letter()
        });
        let result = scenario.check("MN-EV-4");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(
            result
                .message
                .starts_with("Evidence 2 (from the GP) is a fit note.")
        );
        assert!(
            result
                .message
                .contains("the coordinator decides (policy norfolk-2024-12)")
        );
        scenario.policy.fit_note_policy = EvidenceHandling::Accept;
        assert_eq!(scenario.check("MN-EV-4").outcome, Outcome::Pass);
        scenario.policy.fit_note_policy = EvidenceHandling::Reject;
        assert_eq!(scenario.check("MN-EV-4").outcome, Outcome::Fail);
        assert!(!scenario.check("MN-EV-1").message.contains("GP"));
    }

    #[test]
    fn mn_ev_4_evidence_naming_send_without_an_illness_is_flagged() {
        let mut referral = example();
        referral.evidence[0].names_send_without_illness = true;
        let result = check(&referral, "MN-EV-4");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(
            result
                .message
                .contains("names SEND without an illness or diagnosis")
        );
        assert_eq!(check(&example(), "MN-EV-4").outcome, Outcome::Pass);
    }
}
