//! Access to a child, given and taken (issue 14): the coordinator (and a school, for its own
//! pupils' parents and carers) gives a person access to a child, takes it away and restricts a
//! parent's. Every change is audited on the pupil's record, so the access history shows it.

use crate::identity::email_key;
use crate::identity::users::looks_like_email;
use crate::invitations::Invitation;
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use mns_domain::child_access::{AccessKind, ParentalResponsibility};
use mns_domain::identifiers::Upn;
use mns_domain::permissions::Capability;
use mns_store::{ChildAccessRecord, NewChildAccess, PupilRecord, UserRecord};

/// What is needed to give a person access to a child, as typed (checked here, in the order
/// the form asks).
#[derive(Debug, Clone)]
pub struct ChildAccessRequest {
    /// The person's email address: the account it belongs to is given access.
    pub email: String,
    /// The kind of access, as stored (`parent`, `provider`, …).
    pub kind: String,
    /// How they are related to the child, in words.
    pub relationship: String,
    /// For a parent or carer: `yes`, `no` or `unknown`.
    pub parental_responsibility: String,
    /// The last day of access, if it ends; a date that was not real is the problem to show.
    pub ends_on: Result<Option<NaiveDate>, FieldError>,
    /// Why the access is given.
    pub reason: String,
}

/// What giving access did.
#[derive(Debug, Clone)]
pub enum Granted {
    /// The person had an account: they can see the child now.
    Access(ChildAccessRecord),
    /// No one had an account with the address: an invitation to create one was sent.
    Invited(Invitation),
}

/// The terms of a person's access to a child, checked: what a link or an invitation records.
#[derive(Debug, Clone)]
pub(crate) struct AccessTerms {
    pub(crate) kind: AccessKind,
    pub(crate) relationship: String,
    pub(crate) responsibility: ParentalResponsibility,
    pub(crate) ends_on: Option<NaiveDate>,
    pub(crate) reason: String,
}

impl AccessTerms {
    pub(crate) fn link<'a>(
        &'a self,
        user_id: &'a str,
        pupil_id: &'a str,
        granted_by: &'a str,
        now: DateTime<Utc>,
    ) -> NewChildAccess<'a> {
        NewChildAccess {
            user_id,
            pupil_id,
            kind: self.kind.as_str(),
            relationship: &self.relationship,
            parental_responsibility: self.responsibility.as_str(),
            ends_on: self.ends_on,
            reason: &self.reason,
            granted_by,
            granted_at: now,
        }
    }
}

impl App {
    /// The pupil with this UPN, if `actor` may see them (for `mns user link`). Not audited:
    /// the change made to the record next is.
    pub async fn pupil_by_upn(&self, actor: &Actor, upn: &str) -> AppResult<PupilRecord> {
        actor.require(Capability::ReadChildren)?;
        let upn = Upn::parse(upn.trim()).map_err(|e| AppError::invalid("pupil", e.to_string()))?;
        // A pupil outside the actor's scope looks the same as one that is not there.
        match self.store.pupil_by_upn(upn.as_str()).await? {
            Some(pupil) if self.pupil_in_scope(actor, &pupil).await? => Ok(pupil),
            _ => Err(AppError::invalid(
                "pupil",
                format!("No pupil with the UPN {upn} is known"),
            )),
        }
    }

    /// The people who can see a child (those of the kinds `actor` manages), for the child's
    /// page. Reading the list is audited.
    pub async fn child_access_list(
        &self,
        actor: &Actor,
        pupil_id: &str,
    ) -> AppResult<(PupilRecord, Vec<ChildAccessRecord>)> {
        actor.require(Capability::ManageChildAccess)?;
        let pupil = self.pupil_for(actor, pupil_id).await?;
        self.audit_view(actor, "pupil.access_list", "pupil", &pupil.id)
            .await?;
        let people = self
            .store
            .child_access(&pupil.id)
            .await?
            .into_iter()
            .filter(|a| AccessKind::parse(&a.kind).is_some_and(|k| k.managed_by(actor.role())))
            .collect();
        Ok((pupil, people))
    }

    /// One person's access to a child, if `actor` manages its kind.
    pub async fn child_access_of(
        &self,
        actor: &Actor,
        pupil_id: &str,
        user_id: &str,
    ) -> AppResult<(PupilRecord, ChildAccessRecord)> {
        actor.require(Capability::ManageChildAccess)?;
        let pupil = self.pupil_for(actor, pupil_id).await?;
        let access = self
            .store
            .child_access_of(&pupil.id, user_id)
            .await?
            .filter(|a| AccessKind::parse(&a.kind).is_some_and(|k| k.managed_by(actor.role())))
            .ok_or(AppError::NotFound)?;
        Ok((pupil, access))
    }

    /// Gives the person with `request.email` access to a child, replacing any access they had
    /// to it. An account must hold the kind's role; if no one has an account with that address,
    /// they are sent an invitation to create one instead ([`Granted::Invited`]). Either way they
    /// are told by email (naming no child). Audited on the pupil's record.
    pub async fn grant_child_access(
        &self,
        actor: &Actor,
        pupil_id: &str,
        request: ChildAccessRequest,
    ) -> AppResult<Granted> {
        actor.require(Capability::ManageChildAccess)?;
        let pupil = self.pupil_for(actor, pupil_id).await?;
        let mut problems = Vec::new();
        let email = email_key(&request.email);
        if email.is_empty() {
            problems.push(FieldError::new(
                "email",
                "Enter the email address of the person to add",
            ));
        } else if !looks_like_email(&email) {
            problems.push(FieldError::new(
                "email",
                "Enter an email address in the correct format, like name@example.org",
            ));
        }
        let kind = match AccessKind::parse(request.kind.trim()) {
            Some(kind) if kind.managed_by(actor.role()) => Some(kind),
            _ => {
                problems.push(FieldError::new(
                    "kind",
                    "Select what the person is to the child",
                ));
                None
            }
        };
        let user = if problems.iter().any(|p| p.field == "email") {
            None
        } else {
            self.store.find_user_by_email(&email).await?
        };
        if user.as_ref().is_some_and(|u| u.disabled_at.is_some()) {
            problems.insert(
                0,
                FieldError::new(
                    "email",
                    "That person's account is disabled: the coordinator enables it first",
                ),
            );
        }
        if let (Some(u), Some(k)) = (&user, kind)
            && u.role != k.role()
        {
            problems.insert(
                0,
                FieldError::new(
                    "email",
                    format!(
                        "That person's account is not one for a {}: choose another kind \
                         or another person",
                        k.noun()
                    ),
                ),
            );
        }
        let relationship = request.relationship.trim().to_string();
        if relationship.is_empty() {
            problems.push(FieldError::new(
                "relationship",
                "Enter how the person is related to the child, for example Mother or Tutor",
            ));
        } else if relationship.chars().count() > 100 {
            problems.push(FieldError::new(
                "relationship",
                "The relationship must be 100 characters or fewer",
            ));
        }
        let responsibility = if kind == Some(AccessKind::Parent) {
            match ParentalResponsibility::parse(request.parental_responsibility.trim()) {
                Some(p) => p,
                None => {
                    problems.push(FieldError::new(
                        "parental_responsibility",
                        "Select whether the person holds parental responsibility",
                    ));
                    ParentalResponsibility::Unknown
                }
            }
        } else {
            ParentalResponsibility::Unknown
        };
        let ends_on = match request.ends_on {
            Ok(Some(day)) if day < self.today() => {
                problems.push(FieldError::new(
                    "ends_on",
                    "The last day of access must be today or in the future",
                ));
                None
            }
            Ok(day) => day,
            Err(problem) => {
                problems.push(problem);
                None
            }
        };
        let reason = request.reason.trim().to_string();
        if reason.is_empty() {
            problems.push(FieldError::new(
                "reason",
                "Enter why the person is given access",
            ));
        }
        let Some(kind) = kind.filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let access = AccessTerms {
            kind,
            relationship,
            responsibility,
            ends_on,
            reason,
        };
        match user {
            Some(user) => self
                .give_access(actor, &pupil, &user, &access)
                .await
                .map(Granted::Access),
            None => self
                .invite(actor, &pupil, &email, &access)
                .await
                .map(Granted::Invited),
        }
    }

    async fn give_access(
        &self,
        actor: &Actor,
        pupil: &PupilRecord,
        user: &UserRecord,
        access: &AccessTerms,
    ) -> AppResult<ChildAccessRecord> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.grant_child_access(&access.link(&user.id, &pupil.id, &actor.user.id, now))
            .await?;
        self.audit(
            &mut tx,
            actor,
            "pupil.access_grant",
            "pupil",
            &pupil.id,
            &format!("{} {}", access.kind.as_str(), user.id),
        )
        .await?;
        tx.enqueue_message(
            &user.email,
            &format!(
                "You have been given access on the {} Medical Needs Service",
                self.settings.council_name
            ),
            &format!(
                "You have been given access to a child's record on the {council} Medical Needs \
                 Service.\n\nSign in to see it:\n{url}/sign-in\n",
                council = self.settings.council_name,
                url = self.settings.public_url,
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        self.store
            .child_access_of(&pupil.id, &user.id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Takes a person's access to a child away. Audited on the pupil's record.
    pub async fn remove_child_access(
        &self,
        actor: &Actor,
        pupil_id: &str,
        user_id: &str,
    ) -> AppResult<()> {
        let (pupil, access) = self.child_access_of(actor, pupil_id, user_id).await?;
        let mut tx = self.store.begin().await?;
        if !tx.remove_child_access(&access.user_id, &pupil.id).await? {
            return Err(AppError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            "pupil.access_remove",
            "pupil",
            &pupil.id,
            &format!("{} {}", access.kind, access.user_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Restricts a parent's or carer's access to a child (for example after a court order),
    /// with the reason, or lifts the restriction (`restricted` false). A restricted parent sees
    /// nothing of the child and is told nothing. Coordinator only; audited.
    pub async fn restrict_parental_access(
        &self,
        actor: &Actor,
        pupil_id: &str,
        user_id: &str,
        restricted: bool,
        reason: &str,
    ) -> AppResult<()> {
        let (pupil, access) = self.child_access_of(actor, pupil_id, user_id).await?;
        if !AccessKind::parse(&access.kind).is_some_and(|k| k.restricted_by(actor.role())) {
            return Err(AppError::NotFound);
        }
        let reason = reason.trim();
        if restricted && reason.is_empty() {
            return Err(AppError::invalid(
                "restricted_reason",
                "Enter why the parent's access is restricted, for example a court order",
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.restrict_child_access(&access.user_id, &pupil.id, restricted, reason)
            .await?;
        self.audit(
            &mut tx,
            actor,
            if restricted {
                "pupil.access_restrict"
            } else {
                "pupil.access_unrestrict"
            },
            "pupil",
            &pupil.id,
            &format!("{} {}", access.kind, access.user_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
