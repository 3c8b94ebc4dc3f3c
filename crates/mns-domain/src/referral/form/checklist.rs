//! What the school did before referring: the schools' checklist (§11a, MN-CHK-1) and the
//! Healthy Child Programme contact with the parent's consent first (§4, MN-CHK-2).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The schools' checklist: an answer for each item, keyed by item. In JSON an object whose keys
/// are the items' snake_case names: `{"keyworker": {"answer": "done", "note": "..."}}`.
pub type Checklist = BTreeMap<ChecklistItem, ChecklistEntry>;

/// An item of the schools' checklist (§11a), in the order the policy lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistItem {
    /// The school's own medical needs policy checked and all procedures followed.
    OwnMedicalNeedsPolicyFollowed,
    /// Health advice sought from Just One Number (the 5-19 Healthy Child Programme).
    JustOneNumberContacted,
    /// Health advice sought from specialist services, through the Joint Protocol.
    SpecialistServicesContacted,
    /// Health advice sought from the GP, through the Joint Protocol.
    GpContacted,
    /// A meeting with the parent or carer.
    MeetingWithParent,
    /// An individual healthcare plan, if appropriate.
    IndividualHealthcarePlan,
    /// A SENCO assessment, if SEND is identified.
    SencoAssessment,
    /// The SEN Support Guidance checked for strategies.
    SenSupportGuidanceChecked,
    /// The emotionally based school avoidance (EBSA) guidance checked, if appropriate.
    EbsaGuidanceChecked,
    /// Use of the SEN notional budget.
    SenNotionalBudgetUsed,
    /// A keyworker, or access to a preferred member of staff.
    Keyworker,
    /// An attendance action plan.
    AttendanceActionPlan,
    /// A safe space or break-out room.
    SafeSpace,
    /// A time-out card or exit strategy.
    TimeOutCard,
    /// A temporary reduced timetable.
    TemporaryReducedTimetable,
    /// A reduced exam offer (Key Stage 4 only).
    ReducedExamOffer,
    /// Outreach support or alternative provision (off-site education).
    OutreachOrAlternativeProvision,
    /// Online learning.
    OnlineLearning,
}

impl ChecklistItem {
    /// Every item, in the policy's order.
    pub const ALL: [Self; 18] = [
        Self::OwnMedicalNeedsPolicyFollowed,
        Self::JustOneNumberContacted,
        Self::SpecialistServicesContacted,
        Self::GpContacted,
        Self::MeetingWithParent,
        Self::IndividualHealthcarePlan,
        Self::SencoAssessment,
        Self::SenSupportGuidanceChecked,
        Self::EbsaGuidanceChecked,
        Self::SenNotionalBudgetUsed,
        Self::Keyworker,
        Self::AttendanceActionPlan,
        Self::SafeSpace,
        Self::TimeOutCard,
        Self::TemporaryReducedTimetable,
        Self::ReducedExamOffer,
        Self::OutreachOrAlternativeProvision,
        Self::OnlineLearning,
    ];

    /// The item's snake_case name, as in the JSON and in field paths.
    pub fn key(self) -> &'static str {
        match self {
            Self::OwnMedicalNeedsPolicyFollowed => "own_medical_needs_policy_followed",
            Self::JustOneNumberContacted => "just_one_number_contacted",
            Self::SpecialistServicesContacted => "specialist_services_contacted",
            Self::GpContacted => "gp_contacted",
            Self::MeetingWithParent => "meeting_with_parent",
            Self::IndividualHealthcarePlan => "individual_healthcare_plan",
            Self::SencoAssessment => "senco_assessment",
            Self::SenSupportGuidanceChecked => "sen_support_guidance_checked",
            Self::EbsaGuidanceChecked => "ebsa_guidance_checked",
            Self::SenNotionalBudgetUsed => "sen_notional_budget_used",
            Self::Keyworker => "keyworker",
            Self::AttendanceActionPlan => "attendance_action_plan",
            Self::SafeSpace => "safe_space",
            Self::TimeOutCard => "time_out_card",
            Self::TemporaryReducedTimetable => "temporary_reduced_timetable",
            Self::ReducedExamOffer => "reduced_exam_offer",
            Self::OutreachOrAlternativeProvision => "outreach_or_alternative_provision",
            Self::OnlineLearning => "online_learning",
        }
    }

    /// The item as the checklist names it, e.g. "Attendance action plan".
    pub fn label(self) -> &'static str {
        match self {
            Self::OwnMedicalNeedsPolicyFollowed => "School's own medical needs policy followed",
            Self::JustOneNumberContacted => "Advice from Just One Number",
            Self::SpecialistServicesContacted => "Advice from specialist services",
            Self::GpContacted => "Advice from the GP",
            Self::MeetingWithParent => "Meeting with the parent or carer",
            Self::IndividualHealthcarePlan => "Individual healthcare plan",
            Self::SencoAssessment => "SENCO assessment",
            Self::SenSupportGuidanceChecked => "SEN Support Guidance checked",
            Self::EbsaGuidanceChecked => "EBSA guidance checked",
            Self::SenNotionalBudgetUsed => "Use of the SEN notional budget",
            Self::Keyworker => "Keyworker or preferred member of staff",
            Self::AttendanceActionPlan => "Attendance action plan",
            Self::SafeSpace => "Safe space or break-out room",
            Self::TimeOutCard => "Time-out card or exit strategy",
            Self::TemporaryReducedTimetable => "Temporary reduced timetable",
            Self::ReducedExamOffer => "Reduced exam offer (KS4)",
            Self::OutreachOrAlternativeProvision => "Outreach or alternative provision",
            Self::OnlineLearning => "Online learning",
        }
    }
}

/// The school's answer to one checklist item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChecklistEntry {
    /// Done, not applicable, or not done (required).
    pub answer: Option<ChecklistAnswer>,
    /// What was done, or why not (required when not done).
    pub note: String,
}

/// An answer to a checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistAnswer {
    /// The school did it.
    Done,
    /// It does not apply to this pupil.
    NotApplicable,
    /// It applies but was not done.
    NotDone,
}

/// The school's contact with the 5-19 Healthy Child Programme (Just One Number) before the
/// referral (§4, MN-CHK-2, MN-ABS-3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthyChildProgrammeContact {
    /// Whether the school contacted the Healthy Child Programme (required).
    pub contacted: Option<bool>,
    /// When (required if contacted).
    pub contacted_on: Option<NaiveDate>,
    /// Whether the parent or carer consented before the call (required if contacted;
    /// MN-CHK-2).
    pub parental_consent_before_contact: Option<bool>,
    /// What the Healthy Child Programme advised.
    pub outcome: String,
}
