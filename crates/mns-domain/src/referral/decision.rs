//! The coordinator's decision on a referral (§11e, MN-DEC-1) and how long cases take
//! (MN-DEC-2). The system records the decision with the checks that were shown; it never makes
//! it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Check, PolicyParameters};

/// A decision on a referral, as recorded (MN-DEC-1): what was decided, who decided it and when,
/// the policy version it was taken under, and the checks the coordinator was shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// What was decided.
    pub outcome: DecisionOutcome,
    /// Who decided: the coordinator's user id or name.
    pub decided_by: String,
    /// When.
    pub decided_at: DateTime<Utc>,
    /// The version of the policy parameters in force ([`PolicyParameters::version`]).
    pub policy_version: String,
    /// The checks shown to the coordinator when they decided.
    pub checks_shown: Vec<Check>,
}

/// What the coordinator decided (MN-DEC-1). In JSON, `{"decision": "accept"}`,
/// `{"decision": "decline", "reasons": [...], "explanation": "..."}` or
/// `{"decision": "ask_for_information", "questions": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case", deny_unknown_fields)]
pub enum DecisionOutcome {
    /// The referral is accepted; the school arranges the planning meeting.
    Accept,
    /// The referral is declined, for reasons from the list and in the coordinator's words.
    Decline {
        /// The reasons, from the list (at least one).
        reasons: Vec<DeclineReason>,
        /// The coordinator's explanation to the school (required with [`DeclineReason::Other`]).
        #[serde(default)]
        explanation: String,
    },
    /// The referral goes back to the school with questions. The referral date stays as it was:
    /// the clock keeps running (MN-DEC-2).
    AskForInformation {
        /// The questions for the school (at least one).
        questions: Vec<String>,
    },
}

/// Why a referral may be declined. There is deliberately no reason about cost, capacity or
/// resources: provision is never refused or reduced for those (MN-DEC-3; Ombudsman case
/// 18 003 453).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    /// The child does not live in the council's area (MN-ELIG-1).
    LivesOutsideTheArea,
    /// An independent special school provides the support under its contract (MN-ELIG-2).
    IndependentSpecialSchoolContract,
    /// The child is not of compulsory school age, and not a Year 11 repeater (MN-ELIG-4, 5).
    NotOfCompulsorySchoolAge,
    /// The child is electively home educated, without exceptional circumstances (MN-ELIG-6).
    ElectivelyHomeEducated,
    /// The referral is an interim measure while a specialist place is found (MN-ELIG-8).
    InterimMeasureForSpecialistPlace,
    /// Pregnancy without evidence that the pupil is too unwell to attend (MN-ELIG-9).
    PregnancyWithoutIllness,
    /// The absence, recorded and expected, is below the threshold (MN-ABS-1, MN-ABS-2).
    BelowAbsenceThreshold,
    /// The evidence is not of a kind the service accepts (MN-EV-1, MN-EV-3, MN-EV-4).
    EvidenceNotAccepted,
    /// The professional did not see the young person within the time the policy allows
    /// (MN-EV-2).
    EvidenceOutOfDate,
    /// The school can meet the need with support, so the child receives suitable education
    /// without the council's intervention (§2).
    NeedMetBySchool,
    /// Another reason, given in the explanation.
    Other,
}

impl DecisionOutcome {
    /// What is missing before the outcome can be recorded, if anything: a reason to decline
    /// (with an explanation for "other"), a question to ask. Checked before the coordinator is
    /// asked to confirm, and again when the decision is recorded.
    pub fn problem(&self) -> Option<DecisionError> {
        match self {
            DecisionOutcome::Accept => None,
            DecisionOutcome::Decline {
                reasons,
                explanation,
            } => {
                if reasons.is_empty() {
                    Some(DecisionError::NoDeclineReason)
                } else if reasons.contains(&DeclineReason::Other) && explanation.trim().is_empty() {
                    Some(DecisionError::NoExplanation)
                } else {
                    None
                }
            }
            DecisionOutcome::AskForInformation { questions } => questions
                .iter()
                .all(|question| question.trim().is_empty())
                .then_some(DecisionError::NoQuestions),
        }
    }
}

/// Why a decision cannot be recorded as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    /// Nobody is named as deciding.
    #[error("Record who made the decision")]
    NoDecider,
    /// A decline without a reason from the list.
    #[error("Select at least one reason for declining the referral")]
    NoDeclineReason,
    /// "Other" without an explanation.
    #[error("Explain the reason for declining the referral")]
    NoExplanation,
    /// A request for information without a question.
    #[error("Add at least one question for the school")]
    NoQuestions,
}

impl DecisionError {
    /// The part of the decision the problem is with, named as in the decision's JSON
    /// (`decision`, `reasons`, `explanation`, `questions`), so a form can show it there.
    pub fn field(&self) -> &'static str {
        match self {
            DecisionError::NoDecider => "decision",
            DecisionError::NoDeclineReason => "reasons",
            DecisionError::NoExplanation => "explanation",
            DecisionError::NoQuestions => "questions",
        }
    }
}

impl Decision {
    /// Records a decision taken under `policy` with the checks shown (MN-DEC-1), after checking
    /// it is complete: a decider, a reason to decline (with an explanation for "other"), a
    /// question to ask.
    pub fn record(
        outcome: DecisionOutcome,
        decided_by: impl Into<String>,
        decided_at: DateTime<Utc>,
        policy: &PolicyParameters,
        checks_shown: Vec<Check>,
    ) -> Result<Self, DecisionError> {
        let decided_by = decided_by.into();
        if decided_by.trim().is_empty() {
            return Err(DecisionError::NoDecider);
        }
        if let Some(problem) = outcome.problem() {
            return Err(problem);
        }
        Ok(Self {
            outcome,
            decided_by,
            decided_at,
            policy_version: policy.version.clone(),
            checks_shown,
        })
    }

    /// Days from the referral date to this decision (MN-DEC-2), counted on the day the decision
    /// was taken (UTC).
    pub fn days_from_referral(&self, referral_date: NaiveDate) -> i64 {
        days_from_referral_to_decision(referral_date, self.decided_at.date_naive())
    }
}

/// Calendar days from the referral date to the decision (MN-DEC-2). A request for more
/// information does not restart the count: pass the original referral date. Negative only if
/// the dates were entered the wrong way round.
pub fn days_from_referral_to_decision(referral_date: NaiveDate, decided_on: NaiveDate) -> i64 {
    (decided_on - referral_date).num_days()
}

/// Calendar days from the referral date to the first day of provision (MN-DEC-2): the
/// statutory guidance expects provision as soon as it is clear the child will miss 15 days.
pub fn days_from_referral_to_provision_start(
    referral_date: NaiveDate,
    provision_starts: NaiveDate,
) -> i64 {
    (provision_starts - referral_date).num_days()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::referral::test_support::{Scenario, date, example};

    fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, 10, 30, 0).unwrap()
    }

    #[test]
    fn mn_dec_1_a_decision_records_who_when_the_policy_version_and_the_checks_shown() {
        let checks = Scenario::new(example()).evaluate();
        let policy = PolicyParameters::norfolk_2024();
        let decision = Decision::record(
            DecisionOutcome::Accept,
            "coordinator-1",
            at(2026, 11, 20),
            &policy,
            checks.clone(),
        )
        .unwrap();
        assert_eq!(decision.policy_version, "norfolk-2024-12");
        assert_eq!(decision.checks_shown, checks);
        let json = serde_json::to_value(&decision).unwrap();
        assert_eq!(json["outcome"]["decision"], "accept");
        assert_eq!(json["decided_by"], "coordinator-1");
        assert_eq!(json["decided_at"], "2026-11-20T10:30:00Z");
        assert_eq!(json["checks_shown"][0]["rule"], "MN-ENQ-2");
        let read: Decision = serde_json::from_value(json).unwrap();
        assert_eq!(read, decision);
    }

    #[test]
    fn mn_dec_1_a_decline_needs_a_reason_from_the_list_and_other_needs_words() {
        let policy = PolicyParameters::norfolk_2024();
        let decline = |reasons: Vec<DeclineReason>, explanation: &str| {
            Decision::record(
                DecisionOutcome::Decline {
                    reasons,
                    explanation: explanation.to_owned(),
                },
                "coordinator-1",
                at(2026, 11, 20),
                &policy,
                Vec::new(),
            )
        };
        assert_eq!(decline(vec![], "No."), Err(DecisionError::NoDeclineReason));
        assert_eq!(
            decline(vec![DeclineReason::Other], " "),
            Err(DecisionError::NoExplanation)
        );
        let decision = decline(
            vec![DeclineReason::LivesOutsideTheArea],
            "The family lives in Suffolk; contact Suffolk County Council.",
        )
        .unwrap();
        let json = serde_json::to_value(&decision.outcome).unwrap();
        assert_eq!(json["decision"], "decline");
        assert_eq!(json["reasons"][0], "lives_outside_the_area");
    }

    #[test]
    fn mn_dec_1_what_is_missing_is_known_before_recording_and_names_its_field() {
        assert_eq!(DecisionOutcome::Accept.problem(), None);
        let decline = DecisionOutcome::Decline {
            reasons: vec![DeclineReason::Other],
            explanation: String::new(),
        };
        assert_eq!(decline.problem(), Some(DecisionError::NoExplanation));
        assert_eq!(DecisionError::NoExplanation.field(), "explanation");
        let ask = DecisionOutcome::AskForInformation {
            questions: Vec::new(),
        };
        assert_eq!(ask.problem().map(|p| p.field()), Some("questions"));
        assert_eq!(DecisionError::NoDeclineReason.field(), "reasons");
    }

    #[test]
    fn mn_dec_1_asking_for_information_needs_a_question_and_who_decided() {
        let policy = PolicyParameters::norfolk_2024();
        let ask = |questions: Vec<String>, by: &str| {
            Decision::record(
                DecisionOutcome::AskForInformation { questions },
                by,
                at(2026, 11, 20),
                &policy,
                Vec::new(),
            )
        };
        assert_eq!(
            ask(vec![" ".to_owned()], "c"),
            Err(DecisionError::NoQuestions)
        );
        assert_eq!(
            ask(vec!["Please attach the herringbone.".to_owned()], " "),
            Err(DecisionError::NoDecider)
        );
        let decision = ask(vec!["Please attach the herringbone.".to_owned()], "c").unwrap();
        let json = serde_json::to_value(&decision.outcome).unwrap();
        assert_eq!(json["decision"], "ask_for_information");
    }

    #[test]
    fn mn_dec_2_days_are_counted_from_the_original_referral_date() {
        let referred = date(2026, 11, 16);
        assert_eq!(
            days_from_referral_to_decision(referred, date(2026, 11, 20)),
            4
        );
        assert_eq!(
            days_from_referral_to_provision_start(referred, date(2026, 12, 7)),
            21
        );
        // Asking for information does not restart the clock: the decision after it counts from
        // the original referral date.
        let policy = PolicyParameters::norfolk_2024();
        let accepted = Decision::record(
            DecisionOutcome::Accept,
            "coordinator-1",
            at(2026, 12, 1),
            &policy,
            Vec::new(),
        )
        .unwrap();
        assert_eq!(accepted.days_from_referral(referred), 15);
    }

    #[test]
    fn mn_dec_3_no_decline_reason_is_about_cost_or_resources() {
        for reason in [
            "no_capacity",
            "cost",
            "insufficient_resources",
            "no_hlsa_available",
        ] {
            let parsed = serde_json::from_value::<DeclineReason>(serde_json::json!(reason));
            assert!(
                parsed.is_err(),
                "{reason} should not be a reason to decline"
            );
        }
    }
}
