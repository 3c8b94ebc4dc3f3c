//! Who may do what across the service: the one role → capability table (MN-ROLE-1..6).
//!
//! Two questions decide every request about a child or a council record:
//!
//! 1. **Which children does the role see?** [`ChildScope::of`]: council staff who work cases
//!    see every child, a school its own pupils, parents, providers, health professionals and
//!    case viewers the children linked to them, finance and the Local Offer officer none.
//! 2. **What may the role do?** [`Capability::allowed_for`]: the service-wide part of the
//!    table (starting a referral, deciding one, managing users, approving directory changes, …).
//!    What may be done on one case, as it stands, is the case part of the table,
//!    [`crate::provision::actions`]; on one referral, [`crate::referral::actions`].
//!
//! The application checks these before every operation (refusing as "not found", so a refusal
//! never reveals that a record exists), and pages and navigation show only what the table
//! allows: nothing else in the service lists roles.

use crate::identity::Role;

/// Which children's records a role sees (MN-ROLE-1..6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildScope {
    /// Every child known to the service (the Medical Needs team and the auditor).
    Every,
    /// The pupils of the user's own school, bound by URN (MN-ROLE-2).
    OwnSchool,
    /// The children linked to the user: their own (MN-ROLE-3), those they teach (MN-ROLE-4),
    /// give evidence for (MN-ROLE-5) or were invited to view (MN-ROLE-6).
    Linked,
    /// No child's record (finance sees invoices without names; the Local Offer officer works
    /// on the directory only).
    None,
}

impl ChildScope {
    /// The scope of `role`.
    pub fn of(role: Role) -> ChildScope {
        match role {
            Role::Coordinator | Role::Caseworker | Role::Auditor => ChildScope::Every,
            Role::School => ChildScope::OwnSchool,
            Role::Parent | Role::Provider | Role::HealthProfessional | Role::CaseViewer => {
                ChildScope::Linked
            }
            Role::Finance | Role::LocalOfferOfficer | Role::SendTeam => ChildScope::None,
        }
    }
}

/// Something a role may do across the service (rather than on one case or referral).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Start, write and submit referrals for their own school (MN-ROLE-2, MN-REF-1).
    StartReferral,
    /// Read referrals: a school its own, drafts included; council staff every submitted one.
    ReadReferrals,
    /// Read the queue and each referral's checks against the policy (council staff).
    ReadReferralQueue,
    /// Decide a referral, and decide whether a UPN match is the same child (MN-ROLE-1,
    /// MN-ROLE-2).
    DecideReferral,
    /// Mark a referral as waiting for medical evidence (MN-EV-8), and add documents to it.
    WorkReferral,
    /// Log a parent's enquiry (MN-ENQ).
    LogEnquiry,
    /// Tell the service that a child cannot attend school because of their health: a health
    /// notification, which becomes a referral the school completes (issue 14). Health
    /// professionals only.
    NotifyHealth,
    /// See the children in the role's [`ChildScope`] and their cases.
    ReadChildren,
    /// See who has read a child's record (MN-REC-1).
    ReadAccessHistory,
    /// Give and take people's access to a child (issue 14): the coordinator every kind, a
    /// school parents and carers of its own pupils ([`crate::child_access::AccessKind`]).
    ManageChildAccess,
    /// Put a legal hold on a child's record, and run the retention job (MN-REC-2).
    ManageRetention,
    /// The case dashboard: waiting times, overdue reviews, flags (MN-DEC-2).
    ReadCaseDashboard,
    /// See the limited resources of MN-PROV-1 (HLSA hours, online places, robots).
    ReadResources,
    /// Add and allocate those resources.
    ManageResources,
    /// See hospital invoices (MN-HOSP-2).
    ReadInvoices,
    /// Mark a payable invoice paid (MN-HOSP-2).
    PayInvoices,
    /// Add and disable users, and issue and revoke other users' API tokens.
    ManageUsers,
    /// See the council's reference data: schools (GIAS) and term dates.
    ReadReferenceData,
    /// Import schools and term dates.
    ChangeReferenceData,
    /// Check the audit trail (MN-REC-1).
    VerifyAuditTrail,
    /// Propose changes to the Local Offer entries of their own organisations.
    ProposeDirectoryChanges,
    /// Work on Local Offer entries: the managing pages (providers for their organisations,
    /// the Local Offer officer for all).
    ManageDirectoryEntries,
    /// Approve or reject changes, restore versions, read families' feedback, import feeds,
    /// send review reminders and link providers to organisations.
    ApproveDirectoryChanges,
    /// Give medical evidence, as a registered health professional, for the children linked to
    /// them (MN-ROLE-5, MN-EV-1), and see which of their referrals wait for it (MN-EV-8).
    GiveEvidence,
    /// See the early-identification alerts from the county's attendance and each pupil's
    /// figures (issue 16): the coordinator and caseworkers every school's, a school its own
    /// pupils' (and tell the service what it is doing). Not the auditor: figures of pupils who
    /// are not the service's clients are for the people who act on them.
    ReadAttendanceAlerts,
    /// Record what was done about an alert, which decides it (issue 16).
    ActOnAttendanceAlerts,
    /// Open an assessment with a school before a referral, and record its outcome (issue 16).
    ManageAssessments,
    /// The service's reports (issue 17): Section 19 compliance for each child, by name, and
    /// for the service, and their exports. The Medical Needs team and the auditor, who see
    /// every child.
    ReadServiceReports,
    /// The price list, the budgets and the finance report (issue 17): what the service spends,
    /// without any child's name. Finance, the coordinator and the auditor.
    ReadCosts,
    /// Keep the price list and set the budgets: finance and the coordinator.
    ManageCosts,
    /// Publish the Local Offer's events, see who booked, and mark attendance (issue 19): the
    /// Local Offer officer.
    ManageEvents,
    /// Ask for a Core Consultation (issue 19): a school for itself, and the SEND team for any
    /// school (when a school asks by phone).
    RequestConsultation,
    /// Schedule and record Core Consultations, and see the service's figures: the SEND team.
    ManageConsultations,
    /// Keep the specialist place returns, the EHCP counts and the projection's scenarios, and
    /// read the sufficiency table (issue 19): the SEND team.
    ManageSufficiency,
}

impl Capability {
    /// Every capability, in the order the home page lists what they open.
    pub const ALL: [Capability; 34] = [
        Capability::StartReferral,
        Capability::ReadReferrals,
        Capability::ReadReferralQueue,
        Capability::DecideReferral,
        Capability::WorkReferral,
        Capability::LogEnquiry,
        Capability::NotifyHealth,
        Capability::ReadChildren,
        Capability::ReadAccessHistory,
        Capability::ManageChildAccess,
        Capability::ManageRetention,
        Capability::ReadCaseDashboard,
        Capability::ReadResources,
        Capability::ManageResources,
        Capability::ReadInvoices,
        Capability::PayInvoices,
        Capability::ManageUsers,
        Capability::ReadReferenceData,
        Capability::ChangeReferenceData,
        Capability::VerifyAuditTrail,
        Capability::ProposeDirectoryChanges,
        Capability::ManageDirectoryEntries,
        Capability::ApproveDirectoryChanges,
        Capability::GiveEvidence,
        Capability::ReadAttendanceAlerts,
        Capability::ActOnAttendanceAlerts,
        Capability::ManageAssessments,
        Capability::ReadServiceReports,
        Capability::ReadCosts,
        Capability::ManageCosts,
        Capability::ManageEvents,
        Capability::RequestConsultation,
        Capability::ManageConsultations,
        Capability::ManageSufficiency,
    ];

    /// Whether `role` has this capability (MN-ROLE-1..6).
    pub fn allowed_for(self, role: Role) -> bool {
        // Parents and case viewers have only `ReadChildren`; health professionals also give
        // evidence and notify the service of a child.
        use Role::{
            Auditor, Caseworker, Coordinator, Finance, HealthProfessional, LocalOfferOfficer,
            Provider, School,
        };
        match self {
            Capability::StartReferral => role == School,
            Capability::ReadReferrals => {
                matches!(role, School | Coordinator | Caseworker | Auditor)
            }
            Capability::ReadReferralQueue
            | Capability::ReadCaseDashboard
            | Capability::ReadResources
            | Capability::ReadServiceReports => matches!(role, Coordinator | Caseworker | Auditor),
            Capability::DecideReferral
            | Capability::ManageRetention
            | Capability::ManageUsers
            | Capability::ChangeReferenceData => role == Coordinator,
            Capability::WorkReferral | Capability::LogEnquiry | Capability::ManageResources => {
                matches!(role, Coordinator | Caseworker)
            }
            Capability::NotifyHealth => role == Role::HealthProfessional,
            Capability::ReadChildren => ChildScope::of(role) != ChildScope::None,
            Capability::ReadAccessHistory | Capability::VerifyAuditTrail => {
                matches!(role, Coordinator | Auditor)
            }
            Capability::ReadInvoices | Capability::ReadCosts => {
                matches!(role, Finance | Coordinator | Auditor)
            }
            Capability::ManageCosts => matches!(role, Finance | Coordinator),
            Capability::PayInvoices => role == Finance,
            Capability::ManageChildAccess => matches!(role, Coordinator | School),
            Capability::ReadReferenceData => {
                matches!(role, Coordinator | Caseworker | Finance | Auditor)
            }
            Capability::ProposeDirectoryChanges => role == Provider,
            Capability::ManageDirectoryEntries => matches!(role, Provider | LocalOfferOfficer),
            Capability::ApproveDirectoryChanges | Capability::ManageEvents => {
                role == LocalOfferOfficer
            }
            Capability::RequestConsultation => matches!(role, School | Role::SendTeam),
            Capability::ManageConsultations | Capability::ManageSufficiency => {
                role == Role::SendTeam
            }
            Capability::GiveEvidence => role == HealthProfessional,
            Capability::ReadAttendanceAlerts => matches!(role, Coordinator | Caseworker | School),
            Capability::ActOnAttendanceAlerts | Capability::ManageAssessments => {
                matches!(role, Coordinator | Caseworker)
            }
        }
    }
}

/// What `role` may do across the service, in [`Capability::ALL`]'s order.
pub fn capabilities(role: Role) -> Vec<Capability> {
    Capability::ALL
        .into_iter()
        .filter(|c| c.allowed_for(role))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mn_role_1_only_the_coordinator_decides_referrals_and_manages_users() {
        for role in Role::ALL {
            assert_eq!(
                Capability::DecideReferral.allowed_for(role),
                role == Role::Coordinator
            );
            assert_eq!(
                Capability::ManageUsers.allowed_for(role),
                role == Role::Coordinator
            );
        }
    }

    #[test]
    fn mn_role_2_only_a_school_starts_referrals_and_sees_only_its_pupils() {
        let starters: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| Capability::StartReferral.allowed_for(*r))
            .collect();
        assert_eq!(starters, vec![Role::School]);
        assert_eq!(ChildScope::of(Role::School), ChildScope::OwnSchool);
    }

    #[test]
    fn mn_role_3_to_5_parents_providers_and_health_professionals_see_linked_children_only() {
        for role in [
            Role::Parent,
            Role::Provider,
            Role::HealthProfessional,
            Role::CaseViewer,
        ] {
            assert_eq!(ChildScope::of(role), ChildScope::Linked);
            let caps = capabilities(role);
            assert!(caps.contains(&Capability::ReadChildren), "{role}");
            assert!(!caps.contains(&Capability::ReadReferralQueue), "{role}");
        }
    }

    #[test]
    fn mn_role_6_read_only_roles_change_nothing_but_what_finance_pays() {
        let changes = [
            Capability::StartReferral,
            Capability::DecideReferral,
            Capability::WorkReferral,
            Capability::LogEnquiry,
            Capability::ManageRetention,
            Capability::ManageResources,
            Capability::ManageUsers,
            Capability::ChangeReferenceData,
            Capability::ProposeDirectoryChanges,
            Capability::ApproveDirectoryChanges,
        ];
        for role in Role::ALL.into_iter().filter(|r| r.is_read_only()) {
            for c in changes {
                assert!(!c.allowed_for(role), "{role} may {c:?}");
            }
        }
        assert!(Capability::PayInvoices.allowed_for(Role::Finance));
        assert_eq!(ChildScope::of(Role::Finance), ChildScope::None);
    }

    #[test]
    fn mn_role_5_only_a_health_professional_gives_evidence() {
        for role in Role::ALL {
            assert_eq!(
                Capability::GiveEvidence.allowed_for(role),
                role == Role::HealthProfessional,
                "{role}"
            );
        }
    }

    #[test]
    fn only_health_professionals_send_health_notifications() {
        for role in Role::ALL {
            assert_eq!(
                Capability::NotifyHealth.allowed_for(role),
                role == Role::HealthProfessional,
                "{role}"
            );
        }
    }

    #[test]
    fn the_send_team_runs_core_consultations_which_schools_ask_for_and_sees_no_child() {
        assert_eq!(
            capabilities(Role::SendTeam),
            vec![
                Capability::RequestConsultation,
                Capability::ManageConsultations,
                Capability::ManageSufficiency
            ]
        );
        assert_eq!(ChildScope::of(Role::SendTeam), ChildScope::None);
        assert!(Capability::RequestConsultation.allowed_for(Role::School));
        assert!(!Capability::ManageConsultations.allowed_for(Role::School));
        assert!(Role::SendTeam.is_staff());
    }

    #[test]
    fn the_local_offer_officer_works_on_the_directory_and_sees_no_child() {
        assert_eq!(
            capabilities(Role::LocalOfferOfficer),
            vec![
                Capability::ManageDirectoryEntries,
                Capability::ApproveDirectoryChanges,
                Capability::ManageEvents
            ]
        );
    }
}
