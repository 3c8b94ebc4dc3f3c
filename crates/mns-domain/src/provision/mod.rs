//! Provision (§11e to §11j): what happens to a case after the coordinator accepts the referral.
//! The planning meeting and its record, the package and its hours, sessions and resources, the
//! review, continuation and the end of provision, the special situations, and how long records
//! are kept.
//!
//! - [`timeline`]: the case's states and who may move it ([`may_move`], MN-END-2), the period
//!   of provision on the school calendar ([`period`], MN-PLAN-5, MN-REV-1, MN-CONT-2) and the
//!   dashboard's due and overdue flags (MN-CONT-3).
//! - [`package`]: the package of provision and its hours (MN-PLAN-2, MN-DEC-3), the planning
//!   meeting's attendees, actions and recipients (MN-PLAN-1..4).
//! - [`delivery`]: sessions and engagement (MN-PROV-2, MN-PROV-3), HLSA hours and AV1 robots
//!   (MN-PROV-1), safeguarding concerns and welfare checks (MN-PROV-4, MN-PROV-5).
//! - [`review`]: the review meeting's reintegration steps and who gets a copy (MN-REV-1, 2).
//! - [`end`]: why provision ends and the life-limiting illness rule (MN-END-1..3, MN-LIFE-1).
//! - [`special`]: SEND, hospital admissions and hospital invoices (MN-SEND-1, MN-HOSP-1, 2).
//! - [`retention`]: when a child's records are destroyed or anonymised (MN-REC-2).
//!
//! Like the rest of the crate these are plain functions: the system checks and flags, the
//! coordinator decides.

pub mod actions;
pub mod delivery;
pub mod end;
pub mod package;
pub mod record;
pub mod retention;
pub mod review;
pub mod special;
pub mod timeline;

pub use actions::{CaseAction, CaseFacts, case_actions};
pub use delivery::{
    RobotState, SafeguardingConcern, SessionOutcome, WaitingListEntry, WaitingResource,
    WelfareCheck, hlsa_capacity_left, in_waiting_order, may_log_welfare_check, may_raise_concern,
    may_see_concern, non_engagement,
};
pub use end::{
    EndReason, LastDayInThePast, RequestStatus, UnknownEndReason, check_last_day,
    may_continue_life_limiting,
};
pub use package::{
    Action, ActionProblem, AttendeeKind, Component, HLSA_READINESS_STATEMENT, MeetingPlace,
    Package, PackageError, Recipient, check_actions, check_hlsa_readiness,
    hlsa_readiness_statement, part_time_needs_medical_reason, record_recipients,
};
pub use retention::{may_destroy, retention_due, retention_due_on};
pub use review::{ReintegrationStep, review_copy_recipients};
pub use special::{
    InvoiceStatus, SendDetails, authority_responsible_during_admission, discharge_opens_planning,
    invoice_payable,
};
pub use timeline::{
    CaseState, ContinuationRequest, PeriodError, ProvisionPeriod, TransitionError,
    UnknownCaseState, days_from_referral_to_provision_start, due_this_week, flag_no_continuation,
    may_move, may_request_end, moves_for, must_tell_coordinator_at_once, overdue, period,
};

#[cfg(test)]
pub(crate) mod test_support {
    use chrono::NaiveDate;

    use crate::calendar::{
        SchoolCalendar, england_bank_holidays_2025_2027, norfolk_2025_26,
        norfolk_2026_27_provisional,
    };

    /// A date the test knows is real.
    pub(crate) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("a real date")
    }

    /// Norfolk's 2025/26 and provisional 2026/27 term dates with England's bank holidays.
    pub(crate) fn norfolk() -> SchoolCalendar {
        SchoolCalendar::new(norfolk_2025_26(), england_bank_holidays_2025_2027())
            .with_term_calendar(norfolk_2026_27_provisional())
            .expect("the built-in calendars do not overlap")
    }
}
