//! What the medical evidence says and how the case stands on it (§11b.ii and the statutory
//! guidance): the contents of written evidence (MN-EV-5), the record of verbal evidence
//! (MN-EV-6), repeat referrals and contact with other services (MN-EV-7), and how long the
//! case has waited on evidence (MN-EV-8).

use chrono::NaiveDate;

use super::evidence::{counted, subject};
use super::wording::{count, date, list};
use super::{Check, Context};
use crate::referral::{DocumentKind, MedicalEvidence, VerbalSetting};

/// How many days a case has waited on evidence by `today` (MN-EV-8); 0 if `since` is later.
pub fn days_waiting_on_evidence(since: NaiveDate, today: NaiveDate) -> i64 {
    (today - since).num_days().max(0)
}

/// MN-EV-5: written evidence gives the health condition and treatment and how they affect
/// attendance, referrals to other services, how the young person may best be reintegrated, and
/// the date seen; each missing one is flagged.
pub(super) fn written_content(context: &Context) -> Check {
    const RULE: &str = "MN-EV-5";
    let written: Vec<(usize, &MedicalEvidence)> = counted(context)
        .filter(|(_, evidence)| evidence.document != Some(DocumentKind::Verbal))
        .collect();
    if written.is_empty() {
        return Check::not_applicable(RULE, "No written evidence to check.");
    }
    let gaps: Vec<String> = written
        .iter()
        .filter_map(|(index, evidence)| {
            let content = &evidence.content;
            let missing: Vec<&str> = [
                (
                    content.condition_and_treatment.trim().is_empty(),
                    "the health condition and treatment and how they affect attendance",
                ),
                (
                    content.referrals_to_other_services.trim().is_empty(),
                    "referrals to other services",
                ),
                (
                    content.reintegration.trim().is_empty(),
                    "how the young person may best be reintegrated",
                ),
                (evidence.date_seen.is_none(), "the date seen"),
            ]
            .into_iter()
            .filter_map(|(missing, what)| missing.then_some(what))
            .collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "{} does not give {}.",
                    subject(context, *index, evidence),
                    list(&missing)
                )
            })
        })
        .collect();
    if gaps.is_empty() {
        Check::pass(
            RULE,
            "The written evidence gives the health condition and treatment and how they affect attendance, referrals to other services, how the young person may best be reintegrated, and the date seen.",
        )
    } else {
        Check::flag(RULE, gaps.join(" "))
    }
}

/// MN-EV-6: verbal evidence (by telephone to the coordinator, or at a multi-agency meeting) is
/// recorded with who gave it, when, and what they said.
pub(super) fn verbal_evidence(context: &Context) -> Check {
    const RULE: &str = "MN-EV-6";
    let mut complete = true;
    let sentences: Vec<String> = context
        .referral
        .evidence
        .iter()
        .enumerate()
        .filter(|(_, evidence)| evidence.document == Some(DocumentKind::Verbal))
        .map(|(index, evidence)| {
            let subject = subject(context, index, evidence);
            let who = evidence.professional_name.trim();
            let verbal = evidence.verbal.clone().unwrap_or_default();
            let mut missing = Vec::new();
            if who.is_empty() {
                missing.push("who gave it");
            }
            if verbal.setting.is_none() {
                missing.push("how it was given");
            }
            if verbal.given_on.is_none() {
                missing.push("when");
            }
            if verbal.summary.trim().is_empty() {
                missing.push("what was said");
            }
            if verbal.recorded_by.trim().is_empty() {
                missing.push("who recorded it");
            }
            match (verbal.setting, verbal.given_on) {
                (Some(setting), Some(on)) if missing.is_empty() => {
                    let how = match setting {
                        VerbalSetting::Telephone => "by telephone",
                        VerbalSetting::MultiAgencyMeeting => "at a multi-agency meeting",
                    };
                    format!(
                        "{subject}: given by {who} {how} on {}, recorded by {}: “{}”",
                        date(on),
                        verbal.recorded_by.trim(),
                        verbal.summary.trim()
                    )
                }
                _ => {
                    complete = false;
                    format!(
                        "{subject} was given verbally, but the record does not say {}.",
                        list(&missing)
                    )
                }
            }
        })
        .collect();
    if sentences.is_empty() {
        Check::not_applicable(RULE, "No verbal evidence.")
    } else if complete {
        Check::pass(RULE, sentences.join(" "))
    } else {
        Check::flag(RULE, sentences.join(" "))
    }
}

/// "More than 12 weeks" of absence (§11b.ii), in school days. Not a bold number in the rules,
/// so not a policy parameter.
const LONG_ABSENCE_SCHOOL_DAYS: f32 = 60.0;

/// Whether a text says something, rather than "none" or "n/a".
fn says_something(text: &str) -> bool {
    let text = text.trim().trim_end_matches('.').to_ascii_lowercase();
    !matches!(
        text.as_str(),
        "" | "none" | "no" | "n/a" | "na" | "nil" | "-"
    )
}

/// MN-EV-7: a repeat referral based only on a GP's Joint Medical Protocol form is flagged; so is
/// a young person too unwell to attend for more than 12 weeks (a repeat referral, or recorded
/// and expected absence over 60 school days) whose evidence shows no contact with other health
/// services.
pub(super) fn repeat_referral_and_other_services(context: &Context) -> Check {
    const RULE: &str = "MN-EV-7";
    let referral = context.referral;
    let evidence: Vec<&MedicalEvidence> = counted(context).map(|(_, evidence)| evidence).collect();
    let mut flags = Vec::new();
    let only_protocol_forms = !evidence.is_empty()
        && evidence
            .iter()
            .all(|item| item.document == Some(DocumentKind::JointMedicalProtocolForm));
    let repeat = referral.repeat_referral == Some(true);
    if repeat && only_protocol_forms {
        flags.push(
            "A repeat referral based only on a GP's Joint Medical Protocol form may not be accepted (§11b.ii).",
        );
    }
    let recorded = context
        .attendance
        .map_or(0.0, |attendance| attendance.health_absence_days);
    let expected = referral
        .health_need
        .expected_absence
        .as_ref()
        .and_then(|expected| expected.further_school_days)
        .map_or(0.0, |days| days as f32);
    let long_absence = repeat || recorded + expected > LONG_ABSENCE_SCHOOL_DAYS;
    let other_services = evidence.iter().any(|item| {
        item.professional
            .is_some_and(|kind| kind.is_accepted() && !kind.is_primary_care())
            || says_something(&item.content.referrals_to_other_services)
    });
    if long_absence && !other_services {
        flags.push(
            "A young person too unwell to attend for more than 12 weeks is expected to have had contact with other health services, and the evidence shows none.",
        );
    }
    if !flags.is_empty() {
        Check::flag(RULE, flags.join(" "))
    } else if long_absence {
        Check::pass(
            RULE,
            "A repeat referral or a long absence, and the evidence shows contact with health services beyond the GP.",
        )
    } else {
        Check::pass(
            RULE,
            "Not a repeat referral, and the recorded and expected absence is not over 12 weeks.",
        )
    }
}

/// MN-EV-8: waiting for evidence must not stall the case; a case waiting on evidence shows how
/// many days it has waited, to `today`.
pub(super) fn waiting_on_evidence(context: &Context) -> Check {
    const RULE: &str = "MN-EV-8";
    match context.referral.waiting_on_evidence_since {
        Some(since) => Check::flag(
            RULE,
            format!(
                "The case has waited on medical evidence for {}, since {}: waiting must not stall it; decide on what is known, or chase the evidence.",
                count(
                    days_waiting_on_evidence(since, context.today),
                    "day",
                    "days"
                ),
                date(since)
            ),
        ),
        None => Check::not_applicable(RULE, "The case is not waiting on evidence."),
    }
}

#[cfg(test)]
mod tests {
    use crate::referral::test_support::{Scenario, attendance, check, date, example};
    use crate::referral::{
        DocumentKind, MedicalEvidence, Outcome, ProfessionalKind, VerbalEvidence, VerbalSetting,
    };

    fn protocol_form() -> MedicalEvidence {
        MedicalEvidence {
            professional: Some(ProfessionalKind::GeneralPractitioner),
            document: Some(DocumentKind::JointMedicalProtocolForm),
            date_seen: Some(date(2026, 11, 2)),
            seen_in_person: Some(true),
            ..MedicalEvidence::default()
        }
    }

    #[test]
    fn mn_ev_5_complete_written_evidence_passes() {
        assert_eq!(check(&example(), "MN-EV-5").outcome, Outcome::Pass);
    }

    #[test]
    fn mn_ev_5_each_missing_content_field_is_flagged() {
        let mut referral = example();
        referral.evidence[0]
            .content
            .referrals_to_other_services
            .clear();
        referral.evidence[0].content.reintegration.clear();
        let result = check(&referral, "MN-EV-5");
        assert_eq!(result.outcome, Outcome::Flag);
        assert_eq!(
            result.message,
            "Evidence from the paediatrician does not give referrals to other services and how the young person may best be reintegrated."
        );
    }

    #[test]
    fn mn_ev_6_verbal_evidence_is_recorded_with_who_when_and_what() {
        let mut referral = example();
        referral.evidence.push(MedicalEvidence {
            professional: Some(ProfessionalKind::CamhsProfessional),
            professional_name: "J Smith, CAMHS nurse".to_owned(),
            document: Some(DocumentKind::Verbal),
            date_seen: Some(date(2026, 11, 12)),
            seen_in_person: Some(true),
            verbal: Some(VerbalEvidence {
                setting: Some(VerbalSetting::Telephone),
                given_on: Some(date(2026, 11, 18)),
                summary: "Seen weekly; not well enough to attend.".to_owned(),
                recorded_by: "D Hook".to_owned(),
            }),
            ..MedicalEvidence::default()
        });
        let result = check(&referral, "MN-EV-6");
        assert_eq!(result.outcome, Outcome::Pass);
        assert_eq!(
            result.message,
            "Evidence 2 (from the CAMHS professional): given by J Smith, CAMHS nurse by telephone on 18 November 2026, recorded by D Hook: “Seen weekly; not well enough to attend.”"
        );
        referral.evidence[1]
            .verbal
            .as_mut()
            .unwrap()
            .summary
            .clear();
        let result = check(&referral, "MN-EV-6");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(
            result
                .message
                .ends_with("the record does not say what was said.")
        );
        assert_eq!(check(&example(), "MN-EV-6").outcome, Outcome::NotApplicable);
    }

    #[test]
    fn mn_ev_7_a_repeat_referral_on_a_protocol_form_alone_is_flagged() {
        let mut referral = example();
        referral.repeat_referral = Some(true);
        referral.evidence = vec![protocol_form()];
        let result = check(&referral, "MN-EV-7");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(
            result
                .message
                .contains("Joint Medical Protocol form may not be accepted")
        );
        assert!(
            result
                .message
                .contains("contact with other health services")
        );
        referral.repeat_referral = Some(false);
        assert_eq!(check(&referral, "MN-EV-7").outcome, Outcome::Pass);
    }

    #[test]
    fn mn_ev_7_a_long_absence_without_other_services_is_flagged() {
        let mut scenario = Scenario::new(example());
        scenario.referral.evidence = vec![protocol_form()];
        scenario.attendance = Some(attendance(45.0, 30.0));
        let result = scenario.check("MN-EV-7");
        assert_eq!(result.outcome, Outcome::Flag);
        scenario.referral.evidence[0]
            .content
            .referrals_to_other_services = "None.".to_owned();
        assert_eq!(scenario.check("MN-EV-7").outcome, Outcome::Flag);
        scenario.referral.evidence[0]
            .content
            .referrals_to_other_services = "Referred to CAMHS in October".to_owned();
        assert_eq!(scenario.check("MN-EV-7").outcome, Outcome::Pass);
    }

    #[test]
    fn mn_ev_8_a_case_waiting_on_evidence_shows_the_days_waited() {
        let mut referral = example();
        assert_eq!(check(&referral, "MN-EV-8").outcome, Outcome::NotApplicable);
        referral.waiting_on_evidence_since = Some(date(2026, 11, 10));
        let result = check(&referral, "MN-EV-8");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(
            result.message.starts_with(
                "The case has waited on medical evidence for 12 days, since 10 November 2026"
            ),
            "{}",
            result.message
        );
        assert_eq!(
            super::days_waiting_on_evidence(date(2026, 11, 30), date(2026, 11, 22)),
            0
        );
    }
}
