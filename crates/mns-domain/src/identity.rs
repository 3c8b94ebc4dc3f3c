//! Who uses the service: the roles of the council's policy (MN-ROLE-1..6) and what each is for.
//!
//! A role says what kind of person a user is; *which* records they may touch is decided by the
//! application layer from the role and the user's bindings (a school, their children, assigned
//! cases), because that needs data.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A user's role. The string forms are stable: they are stored and shown in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// MN-ROLE-1: the Medical Needs Coordinator, the statutory named person. Decides.
    Coordinator,
    /// A council caseworker in the Medical Needs team: works cases, does not decide.
    Caseworker,
    /// MN-ROLE-2: a member of staff at one school, bound to it by URN.
    School,
    /// MN-ROLE-3: a parent or carer, bound to their own children.
    Parent,
    /// MN-ROLE-4: a provider (HLSA, online learning, AV1 loans), bound to assigned cases.
    Provider,
    /// MN-ROLE-5: a health professional who supplies evidence for named pupils.
    HealthProfessional,
    /// MN-ROLE-6: a read-only viewer of the cases they are invited to (EHCP coordinator,
    /// social worker).
    CaseViewer,
    /// MN-ROLE-6: read-only finance officer (costs and invoices, no clinical detail).
    Finance,
    /// MN-ROLE-6: read-only auditor (the audit trail and records, for assurance).
    Auditor,
    /// The council's SEND Local Offer officer: approves providers' changes to directory
    /// entries, restores versions and reads families' feedback. Sees no child's record.
    LocalOfferOfficer,
    /// The council's SEND specialist team (specialist learning support teachers, SEMH
    /// practitioners, the autism team, educational psychologists): schedules and records Core
    /// Consultations with schools (issue 19). Sees no child's record.
    SendTeam,
}

/// The text did not name a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a role; use one of: {list}", list = Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "))]
pub struct UnknownRole(pub String);

impl Role {
    /// Every role, in the order they are listed to people.
    pub const ALL: [Role; 11] = [
        Role::Coordinator,
        Role::Caseworker,
        Role::School,
        Role::Parent,
        Role::Provider,
        Role::HealthProfessional,
        Role::CaseViewer,
        Role::Finance,
        Role::Auditor,
        Role::LocalOfferOfficer,
        Role::SendTeam,
    ];

    /// Parses the stored form (`coordinator`, `school`, …); case and `-`/`_` are forgiven.
    pub fn parse(text: &str) -> Result<Role, UnknownRole> {
        let key = text.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == key)
            .ok_or_else(|| UnknownRole(text.trim().to_string()))
    }

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Caseworker => "caseworker",
            Role::School => "school",
            Role::Parent => "parent",
            Role::Provider => "provider",
            Role::HealthProfessional => "health_professional",
            Role::CaseViewer => "case_viewer",
            Role::Finance => "finance",
            Role::Auditor => "auditor",
            Role::LocalOfferOfficer => "local_offer_officer",
            Role::SendTeam => "send_team",
        }
    }

    /// How the role is named to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Coordinator => "Medical Needs Coordinator",
            Role::Caseworker => "Caseworker",
            Role::School => "School staff",
            Role::Parent => "Parent or carer",
            Role::Provider => "Provider",
            Role::HealthProfessional => "Health professional",
            Role::CaseViewer => "Case viewer (EHCP coordinator or social worker)",
            Role::Finance => "Finance (costs and invoices)",
            Role::Auditor => "Auditor (read only)",
            Role::LocalOfferOfficer => "Local Offer officer",
            Role::SendTeam => "SEND specialist team",
        }
    }

    /// Council staff sign in with a second factor (a time-based one-time code), because they
    /// see every child's record.
    pub fn is_staff(self) -> bool {
        matches!(
            self,
            Role::Coordinator
                | Role::Caseworker
                | Role::Finance
                | Role::Auditor
                | Role::LocalOfferOfficer
                | Role::SendTeam
        )
    }

    /// A school user must be bound to exactly one school (MN-ROLE-2).
    pub fn needs_school(self) -> bool {
        self == Role::School
    }

    /// Roles that can never change a child's record (MN-ROLE-6).
    pub fn is_read_only(self) -> bool {
        matches!(self, Role::CaseViewer | Role::Finance | Role::Auditor)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_form() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(
            Role::parse(" Health-Professional "),
            Ok(Role::HealthProfessional)
        );
    }

    #[test]
    fn an_unknown_role_names_the_choices() {
        let err = Role::parse("headteacher").unwrap_err().to_string();
        assert!(err.contains("'headteacher' is not a role"), "{err}");
        assert!(err.contains("coordinator, caseworker, school"), "{err}");
    }

    #[test]
    fn mn_role_1_coordinator_is_staff_and_not_read_only() {
        assert!(Role::Coordinator.is_staff());
        assert!(!Role::Coordinator.is_read_only());
    }

    #[test]
    fn mn_role_2_school_users_need_a_school() {
        assert!(Role::School.needs_school());
        assert!(Role::ALL.iter().filter(|r| r.needs_school()).count() == 1);
    }

    #[test]
    fn mn_role_6_read_only_roles_are_read_only() {
        for role in [Role::CaseViewer, Role::Finance, Role::Auditor] {
            assert!(role.is_read_only(), "{role}");
        }
        for role in [
            Role::Coordinator,
            Role::School,
            Role::Provider,
            Role::Parent,
        ] {
            assert!(!role.is_read_only(), "{role}");
        }
    }
}
