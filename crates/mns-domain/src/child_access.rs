//! Access to a child, given and taken (issue 14): the kinds of access a person can be given to
//! a child, and who may give each. The coordinator gives and takes every kind; a school gives
//! and takes only parents' and carers' access to its own pupils (the scope part is the
//! application's, [`crate::permissions::ChildScope`]).

use crate::identity::Role;

/// The kind of access a person has to a child; each is held by users of one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKind {
    /// A parent or carer (MN-ROLE-3).
    Parent,
    /// A provider assigned to the child's package (MN-ROLE-4).
    Provider,
    /// A health professional who gives evidence for the child (MN-ROLE-5).
    HealthProfessional,
    /// A case viewer: an EHCP coordinator or social worker (MN-ROLE-6).
    CaseViewer,
}

/// Whether a parent or carer holds parental responsibility for the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentalResponsibility {
    /// They hold it.
    Yes,
    /// They do not.
    No,
    /// Not known (and for anyone who is not a parent or carer).
    Unknown,
}

impl ParentalResponsibility {
    /// As stored: `yes`, `no`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParentalResponsibility::Yes => "yes",
            ParentalResponsibility::No => "no",
            ParentalResponsibility::Unknown => "unknown",
        }
    }

    /// From its stored (or submitted) form.
    pub fn parse(text: &str) -> Option<ParentalResponsibility> {
        [Self::Yes, Self::No, Self::Unknown]
            .into_iter()
            .find(|p| p.as_str() == text)
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            ParentalResponsibility::Yes => "Yes",
            ParentalResponsibility::No => "No",
            ParentalResponsibility::Unknown => "Not known",
        }
    }
}

impl AccessKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [AccessKind; 4] = [
        AccessKind::Parent,
        AccessKind::Provider,
        AccessKind::HealthProfessional,
        AccessKind::CaseViewer,
    ];

    /// As stored and typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessKind::Parent => "parent",
            AccessKind::Provider => "provider",
            AccessKind::HealthProfessional => "health_professional",
            AccessKind::CaseViewer => "case_viewer",
        }
    }

    /// From its stored form.
    pub fn parse(text: &str) -> Option<AccessKind> {
        AccessKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            AccessKind::Parent => "Parent or carer",
            AccessKind::Provider => "Provider",
            AccessKind::HealthProfessional => "Health professional",
            AccessKind::CaseViewer => "Case viewer (EHCP coordinator, social worker)",
        }
    }

    /// As a noun inside a sentence ("an account for a …").
    pub fn noun(self) -> &'static str {
        match self {
            AccessKind::Parent => "parent or carer",
            AccessKind::Provider => "provider",
            AccessKind::HealthProfessional => "health professional",
            AccessKind::CaseViewer => "case viewer",
        }
    }

    /// The role a person must hold to be given this kind of access.
    pub fn role(self) -> Role {
        match self {
            AccessKind::Parent => Role::Parent,
            AccessKind::Provider => Role::Provider,
            AccessKind::HealthProfessional => Role::HealthProfessional,
            AccessKind::CaseViewer => Role::CaseViewer,
        }
    }

    /// Whether `role` may give and take this kind of access: the coordinator every kind, a
    /// school parents and carers only.
    pub fn managed_by(self, role: Role) -> bool {
        match role {
            Role::Coordinator => true,
            Role::School => self == AccessKind::Parent,
            _ => false,
        }
    }

    /// Whether `role` may restrict (or lift a restriction on) this kind of access: only the
    /// coordinator, and only a parent's or carer's (for example after a court order).
    pub fn restricted_by(self, role: Role) -> bool {
        role == Role::Coordinator && self == AccessKind::Parent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coordinator_manages_every_kind_and_a_school_only_parents() {
        for kind in AccessKind::ALL {
            assert!(kind.managed_by(Role::Coordinator));
            assert_eq!(kind.managed_by(Role::School), kind == AccessKind::Parent);
            for role in Role::ALL {
                if !matches!(role, Role::Coordinator | Role::School) {
                    assert!(!kind.managed_by(role), "{role:?} manages {kind:?}");
                }
            }
        }
    }

    #[test]
    fn only_the_coordinator_restricts_and_only_a_parents_access() {
        for kind in AccessKind::ALL {
            for role in Role::ALL {
                assert_eq!(
                    kind.restricted_by(role),
                    role == Role::Coordinator && kind == AccessKind::Parent
                );
            }
        }
    }

    #[test]
    fn each_kind_is_held_by_its_linked_role_and_round_trips() {
        for kind in AccessKind::ALL {
            assert_eq!(AccessKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                crate::permissions::ChildScope::of(kind.role()),
                crate::permissions::ChildScope::Linked
            );
        }
        assert_eq!(AccessKind::parse("coordinator"), None);
        assert_eq!(
            ParentalResponsibility::parse("no"),
            Some(ParentalResponsibility::No)
        );
    }
}
