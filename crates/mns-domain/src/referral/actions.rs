//! Where a referral is, and who may do what on it: the referral's part of the permissions
//! table (MN-ROLE-1, MN-ROLE-2, MN-REF-1, MN-DEC-1, MN-EV-8).
//!
//! As for cases ([`crate::provision::actions`]), each action has a role part
//! ([`ReferralAction::allowed_for`]), which the application checks before anything else, and a
//! state part ([`ReferralAction::open_in`]). [`referral_actions`] is both: what the referral's
//! page offers its reader.

use crate::identity::Role;
use crate::permissions::Capability;

/// Where a referral is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferralStatus {
    /// The school is still writing it.
    Draft,
    /// A health professional told the service about the child ("Waiting for the school"): the
    /// school has not completed its part yet. The clock already runs from the notification.
    AwaitingSchool,
    /// Submitted, waiting for the coordinator.
    Submitted,
    /// Sent back to the school with questions (the clock keeps running).
    InformationRequested,
    /// Waiting for medical evidence (MN-EV-8: days waited are shown).
    WaitingForEvidence,
    /// Accepted.
    Accepted,
    /// Declined.
    Declined,
}

impl ReferralStatus {
    /// Every status, in the order the queue lists them.
    pub const ALL: [ReferralStatus; 7] = [
        ReferralStatus::Submitted,
        ReferralStatus::AwaitingSchool,
        ReferralStatus::InformationRequested,
        ReferralStatus::WaitingForEvidence,
        ReferralStatus::Accepted,
        ReferralStatus::Declined,
        ReferralStatus::Draft,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralStatus::Draft => "draft",
            ReferralStatus::AwaitingSchool => "awaiting_school",
            ReferralStatus::Submitted => "submitted",
            ReferralStatus::InformationRequested => "information_requested",
            ReferralStatus::WaitingForEvidence => "waiting_for_evidence",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Declined => "declined",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<ReferralStatus> {
        ReferralStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// How people see it.
    pub fn label(self) -> &'static str {
        match self {
            ReferralStatus::Draft => "Draft",
            ReferralStatus::AwaitingSchool => "Waiting for the school",
            ReferralStatus::Submitted => "New",
            ReferralStatus::InformationRequested => "Waiting for information",
            ReferralStatus::WaitingForEvidence => "Waiting for evidence",
            ReferralStatus::Accepted => "Accepted",
            ReferralStatus::Declined => "Declined",
        }
    }

    /// Whether the school may still change the form (MN-REF-1).
    pub fn school_may_edit(self) -> bool {
        matches!(
            self,
            ReferralStatus::Draft
                | ReferralStatus::InformationRequested
                | ReferralStatus::AwaitingSchool
        )
    }

    /// Whether the referral is waiting for the coordinator's decision (MN-DEC-1).
    pub fn awaits_decision(self) -> bool {
        matches!(
            self,
            ReferralStatus::Submitted
                | ReferralStatus::WaitingForEvidence
                | ReferralStatus::InformationRequested
                | ReferralStatus::AwaitingSchool
        )
    }
}

/// Something a user can do on one referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferralAction {
    /// Change and submit the form (its school, MN-ROLE-2, MN-REF-1).
    EditForm,
    /// Read the checks against every rule (council staff; a school never sees them).
    ReadChecks,
    /// Decide: accept, decline or ask for information (the coordinator, MN-DEC-1).
    Decide,
    /// Decide whether a UPN match is the same child (the coordinator, MN-ROLE-2).
    ResolvePupilMatch,
    /// Mark it as waiting for medical evidence, or clear that (MN-EV-8).
    MarkWaitingForEvidence,
    /// Attach documents (evidence, the attendance export).
    AddDocuments,
    /// Read the decision letter (who may read the referral, and the child's parents, who are
    /// owed it: MN-ROLE-3).
    ReadDecisionLetter,
    /// Assign it to a caseworker (or the coordinator) to work on, or take the assignment away:
    /// the coordinator shares out the work (MN-ROLE-1).
    Assign,
    /// Delete a draft the school has not sent, with the documents attached to it (its school).
    /// A referral that has been submitted is never deleted: it is a child's record (MN-REC-1).
    DeleteDraft,
    /// Give medical evidence on it (a health professional linked to the child, MN-EV-1,
    /// MN-EV-8): open while the referral waits for a decision, so evidence that arrives stops
    /// the waiting-for-evidence clock.
    GiveEvidence,
}

/// What the state part of the table needs to know about a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralFacts {
    /// Where the referral is.
    pub status: ReferralStatus,
    /// A UPN match is waiting for the coordinator (MN-ROLE-2).
    pub pupil_match_open: bool,
    /// The referral was accepted and its case wants updated medical evidence for the
    /// continuation request (MN-CONT-1; [`crate::referral::case_wants_evidence`]).
    pub case_wants_evidence: bool,
}

impl ReferralAction {
    /// Every action.
    pub const ALL: [ReferralAction; 10] = [
        ReferralAction::EditForm,
        ReferralAction::ReadChecks,
        ReferralAction::Decide,
        ReferralAction::ResolvePupilMatch,
        ReferralAction::MarkWaitingForEvidence,
        ReferralAction::AddDocuments,
        ReferralAction::ReadDecisionLetter,
        ReferralAction::Assign,
        ReferralAction::DeleteDraft,
        ReferralAction::GiveEvidence,
    ];

    /// The role part: whether `role` may ever take this action on a referral in their scope.
    pub fn allowed_for(self, role: Role) -> bool {
        match self {
            ReferralAction::EditForm | ReferralAction::DeleteDraft => {
                Capability::StartReferral.allowed_for(role)
            }
            ReferralAction::ReadChecks => Capability::ReadReferralQueue.allowed_for(role),
            ReferralAction::Decide | ReferralAction::ResolvePupilMatch | ReferralAction::Assign => {
                Capability::DecideReferral.allowed_for(role)
            }
            ReferralAction::MarkWaitingForEvidence => Capability::WorkReferral.allowed_for(role),
            ReferralAction::AddDocuments => {
                Capability::StartReferral.allowed_for(role)
                    || Capability::WorkReferral.allowed_for(role)
            }
            ReferralAction::ReadDecisionLetter => {
                Capability::ReadReferrals.allowed_for(role) || role == Role::Parent
            }
            ReferralAction::GiveEvidence => Capability::GiveEvidence.allowed_for(role),
        }
    }

    /// The state part: whether the referral as it stands lets `role` take this action now
    /// (the school's own actions close once it has sent the referral).
    pub fn open_in(self, role: Role, facts: &ReferralFacts) -> bool {
        use ReferralStatus::{Accepted, Declined, Submitted, WaitingForEvidence};
        let s = facts.status;
        match self {
            ReferralAction::EditForm => s.school_may_edit(),
            ReferralAction::ReadChecks => s != ReferralStatus::Draft,
            ReferralAction::Decide => s.awaits_decision(),
            ReferralAction::ResolvePupilMatch => facts.pupil_match_open,
            ReferralAction::MarkWaitingForEvidence => matches!(s, Submitted | WaitingForEvidence),
            ReferralAction::AddDocuments => {
                if Capability::WorkReferral.allowed_for(role) {
                    s != ReferralStatus::Draft
                } else {
                    s.school_may_edit()
                }
            }
            ReferralAction::ReadDecisionLetter => matches!(s, Accepted | Declined),
            // The school's draft is not the council's yet; once sent, the work on it can be
            // shared out at any point, a decided referral's follow-up included.
            ReferralAction::Assign => s != ReferralStatus::Draft,
            ReferralAction::DeleteDraft => s == ReferralStatus::Draft,
            // While a decision is awaited; and on an accepted referral, while its case wants
            // updated evidence for the continuation request (MN-CONT-1).
            ReferralAction::GiveEvidence => {
                s.awaits_decision() || (s == Accepted && facts.case_wants_evidence)
            }
        }
    }
}

/// What `role` may do on a referral in their scope, as it stands.
pub fn referral_actions(role: Role, facts: &ReferralFacts) -> Vec<ReferralAction> {
    ReferralAction::ALL
        .into_iter()
        .filter(|a| a.allowed_for(role) && a.open_in(role, facts))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: ReferralStatus) -> ReferralFacts {
        ReferralFacts {
            status,
            pupil_match_open: false,
            case_wants_evidence: false,
        }
    }

    #[test]
    fn every_status_round_trips_through_its_stored_form() {
        for s in ReferralStatus::ALL {
            assert_eq!(ReferralStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ReferralStatus::parse("open"), None);
    }

    #[test]
    fn mn_role_1_only_the_coordinator_decides_and_only_while_a_decision_is_awaited() {
        for role in Role::ALL {
            for s in ReferralStatus::ALL {
                let may = referral_actions(role, &facts(s)).contains(&ReferralAction::Decide);
                assert_eq!(
                    may,
                    role == Role::Coordinator && s.awaits_decision(),
                    "{role} {s:?}"
                );
            }
        }
    }

    #[test]
    fn mn_ref_1_the_school_edits_only_a_draft_a_referral_sent_back_or_a_health_notification() {
        use ReferralStatus::*;
        for s in ReferralStatus::ALL {
            let may = referral_actions(Role::School, &facts(s)).contains(&ReferralAction::EditForm);
            assert_eq!(
                may,
                matches!(s, Draft | InformationRequested | AwaitingSchool),
                "{s:?}"
            );
        }
        assert!(!ReferralAction::EditForm.allowed_for(Role::Coordinator));
    }

    #[test]
    fn a_health_notification_waits_for_the_school_and_for_a_decision_at_once() {
        let s = ReferralStatus::AwaitingSchool;
        assert_eq!(s.as_str(), "awaiting_school");
        assert_eq!(s.label(), "Waiting for the school");
        assert!(s.school_may_edit());
        // The health professional's evidence page opens while a decision is awaited.
        assert!(s.awaits_decision());
        assert!(
            !referral_actions(Role::School, &facts(s)).contains(&ReferralAction::DeleteDraft),
            "a notification is the child's record, never a draft to delete"
        );
    }

    #[test]
    fn mn_rec_1_only_the_school_deletes_and_only_a_draft_it_has_never_sent() {
        for role in Role::ALL {
            for s in ReferralStatus::ALL {
                let may = referral_actions(role, &facts(s)).contains(&ReferralAction::DeleteDraft);
                assert_eq!(
                    may,
                    role == Role::School && s == ReferralStatus::Draft,
                    "{role} {s:?}"
                );
            }
        }
    }

    #[test]
    fn mn_role_2_a_school_never_sees_the_checks_and_the_coordinator_resolves_matches() {
        let submitted = ReferralFacts {
            status: ReferralStatus::Submitted,
            pupil_match_open: true,
            case_wants_evidence: false,
        };
        let school = referral_actions(Role::School, &submitted);
        assert!(!school.contains(&ReferralAction::ReadChecks));
        assert!(!school.contains(&ReferralAction::ResolvePupilMatch));
        let coordinator = referral_actions(Role::Coordinator, &submitted);
        assert!(coordinator.contains(&ReferralAction::ResolvePupilMatch));
        assert!(coordinator.contains(&ReferralAction::ReadChecks));
        assert!(
            !referral_actions(Role::Caseworker, &submitted)
                .contains(&ReferralAction::ResolvePupilMatch)
        );
    }

    #[test]
    fn mn_role_1_only_the_coordinator_assigns_a_sent_referral() {
        for role in Role::ALL {
            for s in ReferralStatus::ALL {
                let may = referral_actions(role, &facts(s)).contains(&ReferralAction::Assign);
                assert_eq!(
                    may,
                    role == Role::Coordinator && s != ReferralStatus::Draft,
                    "{role} {s:?}"
                );
            }
        }
    }

    #[test]
    fn mn_ev_8_council_staff_who_work_cases_mark_waiting_for_evidence_before_a_decision() {
        for role in Role::ALL {
            let may = referral_actions(role, &facts(ReferralStatus::Submitted))
                .contains(&ReferralAction::MarkWaitingForEvidence);
            assert_eq!(may, matches!(role, Role::Coordinator | Role::Caseworker));
        }
        assert!(
            !referral_actions(Role::Coordinator, &facts(ReferralStatus::Accepted))
                .contains(&ReferralAction::MarkWaitingForEvidence)
        );
    }

    #[test]
    fn mn_ev_8_a_health_professional_gives_evidence_while_a_decision_is_awaited() {
        for role in Role::ALL {
            for s in ReferralStatus::ALL {
                let may = referral_actions(role, &facts(s)).contains(&ReferralAction::GiveEvidence);
                assert_eq!(
                    may,
                    role == Role::HealthProfessional && s.awaits_decision(),
                    "{role} {s:?}"
                );
            }
        }
    }

    #[test]
    fn mn_cont_1_evidence_is_given_on_an_accepted_referral_only_while_its_case_wants_it() {
        let mut accepted = facts(ReferralStatus::Accepted);
        assert!(!ReferralAction::GiveEvidence.open_in(Role::HealthProfessional, &accepted));
        accepted.case_wants_evidence = true;
        assert!(ReferralAction::GiveEvidence.open_in(Role::HealthProfessional, &accepted));
        let mut declined = facts(ReferralStatus::Declined);
        declined.case_wants_evidence = true;
        assert!(!ReferralAction::GiveEvidence.open_in(Role::HealthProfessional, &declined));
    }
}
