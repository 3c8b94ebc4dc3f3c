//! Referrals to the Medical Needs Service (§11b): the referral a school submits, the policy's
//! numbers, the checks the coordinator is shown, and the decision they record.
//!
//! - [`Referral`]: the referral as data, the JSON the API and `mns referral check FILE.json`
//!   accept, documented field by field in [`form`]; [`EXAMPLE_REFERRAL_JSON`] is a complete
//!   example. [`Referral::missing_fields`] lists what is still to do (MN-REF-1).
//! - [`PolicyParameters`]: the policy's numbers as versioned configuration.
//! - [`evaluate`]: one [`Check`] per rule (eligibility, absence, checklist, form, evidence,
//!   SEND), each with its outcome and a sentence in the coordinator's terms. The system
//!   supports, it never decides: a failed check is shown, not enforced.
//! - [`Decision`] (MN-DEC-1) and the case timings (MN-DEC-2); [`Enquiry`] (MN-ENQ-1, MN-ENQ-2).
//!
//! [`AttendanceEvidence`] is what the checks need from the attendance record; the application
//! fills it from the herringbone it reads, so this module does not depend on how it is read.

pub mod actions;
mod attendance_evidence;
mod checks;
mod decision;
mod enquiry;
mod entered;
pub mod form;
pub mod given_evidence;
pub mod health_notification;
pub mod history;
mod policy;
pub mod pupil_match;
#[cfg(test)]
mod test_support;

pub use actions::{ReferralAction, ReferralFacts, ReferralStatus, referral_actions};
pub use attendance_evidence::{AttendanceEvidence, HerringboneDates};
pub use checks::{
    Check, Outcome, PhaseMismatch, RULE_IDS, StatutoryAgeRange, days_waiting_on_evidence, evaluate,
    needs_healthy_child_programme_contact, rule_id, school_phase_mismatch,
};
pub use decision::{
    Decision, DecisionError, DecisionOutcome, DeclineReason, days_from_referral_to_decision,
    days_from_referral_to_provision_start,
};
pub use enquiry::{Enquirer, Enquiry, NO_THRESHOLD_VIEW_WITHOUT_A_REFERRAL};
pub use entered::Entered;
pub use form::{
    ATTENDANCE_EXPORT, Checklist, ChecklistAnswer, ChecklistEntry, ChecklistItem,
    ConsentWithdrawal, DocumentKind, Enrolment, EvidenceContent, ExpectedAbsence,
    ExpectedAbsenceReason, FieldProblem, HealthNeed, HealthProfessionalConsent,
    HealthyChildProgrammeContact, HomeAddress, LookedAfter, MedicalEvidence, ProfessionalKind,
    Pupil, Referral, School, SchoolType, SendStatus, SupportMeanwhile, VerbalEvidence,
    VerbalSetting, form_position, sort_in_form_order,
};
pub use given_evidence::{
    AnswerProblem, CASE_EVIDENCE_LEAD_DAYS, EvidenceAnswers, case_wants_evidence,
    evidence_from_answers, lacks_accepted_evidence,
};
pub use health_notification::{
    HealthNotification, HealthNotificationEntry, NotificationRules, Notifier, ParentAgreement,
    ReferralOrigin,
};
pub use policy::{EvidenceHandling, PolicyParameters, PolicyParametersError};
pub use pupil_match::{Identity, MatchResolution, UpnMatch, classify_upn_match};

/// A complete referral in the JSON the API accepts (`referral/example.json`): for the API's
/// documentation, the command line's help, and the tests.
pub const EXAMPLE_REFERRAL_JSON: &str = include_str!("example.json");
