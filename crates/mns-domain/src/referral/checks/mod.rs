//! Decision support: [`evaluate`] checks a referral against each rule of the policy that applies
//! to it, and says in the coordinator's words what it found.
//!
//! The system supports, it never decides (§2, §11j): a failed check is shown to the Medical
//! Needs Coordinator with its reason, never enforced. Nothing here stops a referral going
//! forward; the coordinator decides, and the decision records the checks that were shown
//! (MN-DEC-1).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use super::{AttendanceEvidence, PolicyParameters, Referral};
use crate::calendar::SchoolCalendar;

mod absence;
mod checklist;
mod eligibility;
mod enquiry;
mod evidence;
mod evidence_content;
mod referral_form;
mod rule_ids;
mod school_age;
mod school_phase;
mod send;
mod wording;

pub use absence::needs_healthy_child_programme_contact;
pub use evidence_content::days_waiting_on_evidence;
pub use rule_ids::{RULE_IDS, rule_id};
pub use school_phase::{PhaseMismatch, StatutoryAgeRange, school_phase_mismatch};

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The rule is met on what the referral says.
    Pass,
    /// The coordinator should look: the policy asks for their judgement, or something is
    /// unusual, contradictory or not yet known.
    Flag,
    /// The rule is not met on what the referral says. Shown, not enforced.
    Fail,
    /// The rule does not concern this referral.
    NotApplicable,
}

/// The result of checking one rule against a referral.
///
/// Serialised as `{"rule": "MN-EV-2", "outcome": "flag", "message": "..."}`; read back only
/// with a rule id from [`RULE_IDS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The rule's id, e.g. "MN-EV-2" (one of [`RULE_IDS`]).
    pub rule: &'static str,
    /// What the check found.
    pub outcome: Outcome,
    /// What it found, in a sentence or two in the coordinator's terms.
    pub message: String,
}

impl Check {
    /// A check with the given outcome.
    pub fn new(rule: &'static str, outcome: Outcome, message: impl Into<String>) -> Self {
        Self {
            rule,
            outcome,
            message: message.into(),
        }
    }

    fn pass(rule: &'static str, message: impl Into<String>) -> Self {
        Self::new(rule, Outcome::Pass, message)
    }

    fn flag(rule: &'static str, message: impl Into<String>) -> Self {
        Self::new(rule, Outcome::Flag, message)
    }

    fn fail(rule: &'static str, message: impl Into<String>) -> Self {
        Self::new(rule, Outcome::Fail, message)
    }

    fn not_applicable(rule: &'static str, message: impl Into<String>) -> Self {
        Self::new(rule, Outcome::NotApplicable, message)
    }
}

/// A check as stored, before its rule id is matched to [`RULE_IDS`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredCheck {
    rule: String,
    outcome: Outcome,
    message: String,
}

/// Reads a check back, matching its rule id to the `&'static str` in [`RULE_IDS`]; an unknown
/// id is an error.
impl<'de> Deserialize<'de> for Check {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = StoredCheck::deserialize(deserializer)?;
        let rule = rule_id(&stored.rule)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rule id {}", stored.rule)))?;
        Ok(Self::new(rule, stored.outcome, stored.message))
    }
}

/// Everything a rule may look at: the referral, the attendance figures and calendar if known,
/// the policy's numbers, and the dates checks are counted from.
pub(super) struct Context<'a> {
    referral: &'a Referral,
    attendance: Option<&'a AttendanceEvidence>,
    calendar: Option<&'a SchoolCalendar>,
    policy: &'a PolicyParameters,
    today: NaiveDate,
}

impl Context<'_> {
    /// The date the referral is assessed on: its referral date, or today for a draft without
    /// one.
    fn assessed_on(&self) -> NaiveDate {
        self.referral.referral_date.unwrap_or(self.today)
    }

    /// "the referral date", or "today" when the referral has none, for messages.
    fn assessed_on_words(&self) -> &'static str {
        if self.referral.referral_date.is_some() {
            "the referral date"
        } else {
            "today (the referral has no date)"
        }
    }
}

/// Checks a referral against every rule that can be checked on it, and returns one [`Check`]
/// per rule, always in the same order: MN-ENQ-2; MN-ELIG-1 to 9; MN-ABS-1 to 3; MN-CHK-1 and 2;
/// MN-REF-1 to 5; MN-EV-1 to 8; MN-SEND-1.
///
/// Supports, never decides: the result is shown to the coordinator, who decides (§2, §11j); a
/// check that fails does not stop anything.
///
/// A pure function of its inputs. Ages and evidence are counted from the referral date (or
/// `today` for a draft without one); how long a case has waited is counted to `today`.
/// `attendance` is what the application read from the herringbone, if it has; `calendar` the
/// school's term dates, if known, used to count school weeks.
pub fn evaluate(
    referral: &Referral,
    attendance: Option<&AttendanceEvidence>,
    calendar: Option<&SchoolCalendar>,
    policy: &PolicyParameters,
    today: NaiveDate,
) -> Vec<Check> {
    let context = Context {
        referral,
        attendance,
        calendar,
        policy,
        today,
    };
    let rules: [fn(&Context) -> Check; 29] = [
        enquiry::threshold_opinion_needs_a_complete_referral,
        eligibility::ordinarily_resident,
        eligibility::independent_special_school,
        eligibility::looked_after_placed_by_another_authority,
        school_age::compulsory_school_age,
        school_age::post_16,
        eligibility::electively_home_educated,
        eligibility::not_on_roll,
        eligibility::not_an_interim_measure,
        eligibility::pregnancy,
        absence::absence_threshold,
        absence::expected_absence,
        absence::early_warning,
        checklist::schools_checklist,
        checklist::healthy_child_programme_consent,
        referral_form::complete,
        referral_form::identity,
        referral_form::consent_to_contact_health_professionals,
        referral_form::herringbone_attached,
        referral_form::support_meanwhile,
        evidence::accepted_professional,
        evidence::seen_within_max_age,
        evidence::no_appointment_letters,
        evidence::fit_note_or_send_only,
        evidence_content::written_content,
        evidence_content::verbal_evidence,
        evidence_content::repeat_referral_and_other_services,
        evidence_content::waiting_on_evidence,
        send::send_plan,
    ];
    rules.iter().map(|rule| rule(&context)).collect()
}

#[cfg(test)]
mod tests;
