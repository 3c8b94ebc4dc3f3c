//! Who may do what on a case: the one table that the application's operations check and the
//! case page shows (MN-ROLE-1..6, MN-PLAN-1, MN-PROV-2, MN-PROV-4, MN-PROV-5, MN-REV-1,
//! MN-CONT-1, MN-END-2, MN-END-3, MN-HOSP-2).
//!
//! Each action has two parts. [`CaseAction::allowed_for`] is the role part: who may ever take
//! it on a case in their scope; an operation refuses anyone else as `NotFound`.
//! [`CaseAction::open_in`] is the state part: whether the case, as it stands, lets it be
//! taken now. [`case_actions`] is both, and is what a page offers its reader, so a page never
//! shows a button its reader may not press.

use super::CaseState;
use crate::identity::Role;

/// Something a user can do on a case's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseAction {
    /// Write Part A of the Planning and Review Record (MN-PLAN-1).
    WritePlan,
    /// Start provision once Part A is final (the coordinator).
    StartProvision,
    /// Log a session (MN-PROV-2).
    LogSession,
    /// Start the review at the end of a period (MN-REV-1).
    StartReview,
    /// Record the review's Part B.
    RecordReview,
    /// Ask for provision to continue (MN-CONT-1).
    RequestContinuation,
    /// Agree a continuation (the coordinator).
    DecideContinuation,
    /// Ask for provision to end (MN-END-3).
    RequestEnd,
    /// End provision (the coordinator alone, MN-END-2).
    EndProvision,
    /// Record a life-limiting condition (the coordinator).
    SetLifeLimiting,
    /// Log a welfare check (the school, MN-PROV-4).
    LogWelfareCheck,
    /// Raise a safeguarding concern (MN-PROV-5).
    RaiseConcern,
    /// See the SEND details and hospital episodes.
    ReadSpecialSituations,
    /// Record SEND details, admissions and invoices (council staff who work cases).
    RecordSpecialSituations,
    /// See the case's hospital invoices (MN-HOSP-2).
    ReadInvoices,
    /// Upload the school's attendance export once provision has started (MN-PROV-6).
    UploadAttendance,
    /// Read the Planning and Review Record as a PDF.
    ReadPlanRecord,
    /// Read the End of Provision letter.
    ReadEndLetter,
    /// See the case's working detail: Part A before it is final, every timeline entry (not only
    /// moves of state), continuation and end requests, and welfare checks (council staff and
    /// the school; MN-ROLE-3..6 see the agreed plan and the moves only).
    ReadCaseWork,
    /// See the reviews' Part B (everyone who sees the case but providers).
    ReadReviews,
}

/// What the state part of the table needs to know about a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    /// Where the case is.
    pub state: CaseState,
    /// Part A has been finalised.
    pub plan_finalised: bool,
    /// Provision has started (on some day).
    pub provision_started: bool,
    /// The case ended with a recorded reason (so there is a letter).
    pub end_recorded: bool,
}

const COUNCIL: [Role; 3] = [Role::Coordinator, Role::Caseworker, Role::Auditor];

impl CaseAction {
    /// Every action, in the order a page lists them.
    pub const ALL: [CaseAction; 20] = [
        CaseAction::WritePlan,
        CaseAction::StartProvision,
        CaseAction::LogSession,
        CaseAction::StartReview,
        CaseAction::RecordReview,
        CaseAction::RequestContinuation,
        CaseAction::DecideContinuation,
        CaseAction::RequestEnd,
        CaseAction::EndProvision,
        CaseAction::SetLifeLimiting,
        CaseAction::LogWelfareCheck,
        CaseAction::RaiseConcern,
        CaseAction::ReadSpecialSituations,
        CaseAction::RecordSpecialSituations,
        CaseAction::ReadInvoices,
        CaseAction::UploadAttendance,
        CaseAction::ReadPlanRecord,
        CaseAction::ReadEndLetter,
        CaseAction::ReadCaseWork,
        CaseAction::ReadReviews,
    ];

    /// The role part: whether `role` may ever take this action on a case in their scope.
    pub fn allowed_for(self, role: Role) -> bool {
        use Role::{Caseworker, Coordinator, HealthProfessional, Parent, Provider, School};
        let council = COUNCIL.contains(&role);
        match self {
            CaseAction::WritePlan | CaseAction::StartReview | CaseAction::RecordReview => {
                matches!(role, Coordinator | School)
            }
            CaseAction::StartProvision
            | CaseAction::DecideContinuation
            | CaseAction::EndProvision
            | CaseAction::SetLifeLimiting => role == Coordinator,
            CaseAction::LogSession => matches!(role, Provider | Coordinator),
            CaseAction::RequestContinuation | CaseAction::LogWelfareCheck => role == School,
            CaseAction::RequestEnd => matches!(role, School | Provider | HealthProfessional),
            CaseAction::RaiseConcern => matches!(role, Provider | Coordinator),
            CaseAction::ReadSpecialSituations => council || role == School,
            CaseAction::RecordSpecialSituations => matches!(role, Coordinator | Caseworker),
            CaseAction::ReadInvoices => council,
            CaseAction::UploadAttendance => matches!(role, Coordinator | Caseworker | School),
            CaseAction::ReadPlanRecord => {
                council || matches!(role, School | Parent | HealthProfessional)
            }
            CaseAction::ReadEndLetter => council || matches!(role, School | Parent),
            CaseAction::ReadCaseWork => council || role == School,
            CaseAction::ReadReviews => {
                crate::permissions::Capability::ReadChildren.allowed_for(role) && role != Provider
            }
        }
    }

    /// The state part: whether the case as it stands lets this action be taken now.
    pub fn open_in(self, facts: &CaseFacts) -> bool {
        use CaseState::{
            Accepted, ContinuationRequested, Continued, Ended, InProvision, Planning, Review,
        };
        let s = facts.state;
        let running = matches!(s, InProvision | Review | ContinuationRequested | Continued);
        match self {
            CaseAction::WritePlan => matches!(s, Accepted | Planning) && !facts.plan_finalised,
            CaseAction::StartProvision => s == Planning && facts.plan_finalised,
            CaseAction::LogSession => running,
            CaseAction::StartReview => matches!(s, InProvision | Continued),
            CaseAction::RecordReview => s == Review,
            CaseAction::RequestContinuation => matches!(s, InProvision | Review | Continued),
            CaseAction::DecideContinuation => s == ContinuationRequested,
            CaseAction::RequestEnd
            | CaseAction::EndProvision
            | CaseAction::SetLifeLimiting
            | CaseAction::LogWelfareCheck
            | CaseAction::RaiseConcern
            | CaseAction::RecordSpecialSituations => s != Ended,
            CaseAction::ReadSpecialSituations
            | CaseAction::ReadInvoices
            | CaseAction::ReadCaseWork
            | CaseAction::ReadReviews => true,
            CaseAction::UploadAttendance => facts.provision_started,
            CaseAction::ReadPlanRecord => facts.plan_finalised,
            CaseAction::ReadEndLetter => facts.end_recorded,
        }
    }
}

/// The actions `role` may take on a case with these facts, now: what its page offers.
pub fn case_actions(role: Role, facts: &CaseFacts) -> Vec<CaseAction> {
    CaseAction::ALL
        .into_iter()
        .filter(|a| a.allowed_for(role) && a.open_in(facts))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(state: CaseState) -> CaseFacts {
        CaseFacts {
            state,
            plan_finalised: !matches!(state, CaseState::Accepted),
            provision_started: !matches!(state, CaseState::Accepted | CaseState::Planning),
            end_recorded: state == CaseState::Ended,
        }
    }

    #[test]
    fn mn_end_2_only_the_coordinator_ends_provision() {
        for role in Role::ALL {
            assert_eq!(
                CaseAction::EndProvision.allowed_for(role),
                role == Role::Coordinator,
                "{role:?}"
            );
        }
        assert!(!CaseAction::EndProvision.open_in(&facts(CaseState::Ended)));
    }

    #[test]
    fn mn_plan_1_the_school_and_the_coordinator_write_part_a_until_it_is_final() {
        let mut planning = facts(CaseState::Planning);
        planning.plan_finalised = false;
        assert!(case_actions(Role::School, &planning).contains(&CaseAction::WritePlan));
        assert!(case_actions(Role::Coordinator, &planning).contains(&CaseAction::WritePlan));
        assert!(!case_actions(Role::Parent, &planning).contains(&CaseAction::WritePlan));
        planning.plan_finalised = true;
        assert!(!case_actions(Role::School, &planning).contains(&CaseAction::WritePlan));
        assert!(case_actions(Role::Coordinator, &planning).contains(&CaseAction::StartProvision));
    }

    #[test]
    fn mn_role_6_read_only_roles_take_no_action_but_reading() {
        for role in [Role::Auditor, Role::CaseViewer, Role::Finance] {
            for state in [CaseState::InProvision, CaseState::Review, CaseState::Ended] {
                for action in case_actions(role, &facts(state)) {
                    assert!(
                        matches!(
                            action,
                            CaseAction::ReadSpecialSituations
                                | CaseAction::ReadInvoices
                                | CaseAction::ReadPlanRecord
                                | CaseAction::ReadEndLetter
                                | CaseAction::ReadCaseWork
                                | CaseAction::ReadReviews
                        ),
                        "{role:?} may {action:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn nothing_changes_a_case_once_it_has_ended() {
        for role in Role::ALL {
            for action in case_actions(role, &facts(CaseState::Ended)) {
                assert!(
                    matches!(
                        action,
                        CaseAction::ReadSpecialSituations
                            | CaseAction::ReadInvoices
                            | CaseAction::UploadAttendance
                            | CaseAction::ReadPlanRecord
                            | CaseAction::ReadEndLetter
                            | CaseAction::ReadCaseWork
                            | CaseAction::ReadReviews
                    ),
                    "{role:?} may {action:?} on an ended case"
                );
            }
        }
    }
}
