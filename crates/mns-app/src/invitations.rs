//! Invitations (issue 14): giving access to a child to someone who has no account yet. They are
//! emailed a link (naming no child) to create an account; the link works once, for 7 days, and
//! only for the address it was sent to. Accepting creates the account, tied to that address,
//! and gives the access every open invitation to it describes. Every step is audited on the
//! pupil's record, so the access history shows it.

use crate::child_access::AccessTerms;
use crate::identity::recovery::check_new_pair;
use crate::identity::{email_key, new_token, passwords, token_hash};
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::{DateTime, Utc};
use mns_domain::child_access::AccessKind;
use mns_domain::permissions::Capability;
use mns_store::{
    CredentialRecord, InvitationRecord, NewInvitation, PupilRecord, UserRecord, new_id,
};

/// How long an invitation link works.
pub fn invitation_lifetime() -> chrono::Duration {
    chrono::Duration::days(7)
}

/// An invitation, for the pupil page and the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Its id.
    pub id: String,
    /// Where it went.
    pub email: String,
    /// The kind of access it gives.
    pub kind: AccessKind,
    /// In words.
    pub relationship: String,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
    /// When its link stops working.
    pub expires_at: DateTime<Utc>,
    /// Whether the link has stopped working (a new invitation can be sent).
    pub expired: bool,
}

fn view(record: InvitationRecord, now: DateTime<Utc>) -> Option<Invitation> {
    Some(Invitation {
        kind: AccessKind::parse(&record.kind)?,
        expired: record.expires_at <= now,
        id: record.id,
        email: record.email,
        relationship: record.relationship,
        sent_at: record.created_at,
        expires_at: record.expires_at,
    })
}

/// What an invitation link's page finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationLink {
    /// The link works: the account can be created.
    Open,
    /// The invitation was accepted (the account exists: sign in).
    Used,
    /// The link is more than 7 days old.
    Expired,
    /// The person who sent it cancelled it.
    Cancelled,
    /// No invitation has this link.
    Unknown,
    /// The account was created just now, with the access the invitation gave.
    Accepted,
}

/// What a person accepting an invitation types.
#[derive(Debug, Clone, Default)]
pub struct Acceptance {
    /// The address the invitation was sent to.
    pub email: String,
    /// Their name, as others will see it.
    pub display_name: String,
    /// The password they choose.
    pub password: String,
    /// The same again.
    pub confirm_password: String,
}

impl App {
    /// Sends an invitation to create an account to `email`, which no account has, for access
    /// to `pupil` on `access`'s terms; an earlier open invitation to the same address for the
    /// same child is cancelled. Audited on the pupil's record.
    pub(crate) async fn invite(
        &self,
        actor: &Actor,
        pupil: &PupilRecord,
        email: &str,
        access: &AccessTerms,
    ) -> AppResult<Invitation> {
        let now = self.now();
        let token = new_token();
        let expires_at = now + invitation_lifetime();
        let mut tx = self.store.begin().await?;
        tx.cancel_invitations_to(&pupil.id, email, now).await?;
        let id = tx
            .insert_invitation(&NewInvitation {
                token_hash: &token_hash(&token),
                email,
                pupil_id: &pupil.id,
                kind: access.kind.as_str(),
                relationship: &access.relationship,
                parental_responsibility: access.responsibility.as_str(),
                ends_on: access.ends_on,
                reason: &access.reason,
                invited_by: &actor.user.id,
                now,
                expires_at,
            })
            .await?;
        self.audit(
            &mut tx,
            actor,
            "pupil.access_invite",
            "pupil",
            &pupil.id,
            &format!("{} invitation {id}", access.kind.as_str()),
        )
        .await?;
        tx.enqueue_message(
            email,
            &format!(
                "You are invited to the {} Medical Needs Service",
                self.settings.council_name
            ),
            &format!(
                "{inviter} has invited you to create an account on the {council} Medical Needs \
                 Service, so that you can follow a child's education there.\n\nTo create your \
                 account, open this link within 7 days. It works once, and only for this email \
                 address:\n{url}/invitations/{token}\n\nIf you did not expect this email, you can \
                 ignore it: no account is created.\n",
                inviter = actor.user.display_name,
                council = self.settings.council_name,
                url = self.settings.public_url,
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Invitation {
            id,
            email: email.to_string(),
            kind: access.kind,
            relationship: access.relationship.clone(),
            sent_at: now,
            expires_at,
            expired: false,
        })
    }

    /// The invitations to a child that have not been accepted or cancelled, of the kinds
    /// `actor` manages (for "People who can see this child").
    pub async fn invitations_to(
        &self,
        actor: &Actor,
        pupil_id: &str,
    ) -> AppResult<Vec<Invitation>> {
        actor.require(Capability::ManageChildAccess)?;
        let pupil = self.pupil_for(actor, pupil_id).await?;
        let now = self.now();
        Ok(self
            .store
            .pending_invitations(&pupil.id)
            .await?
            .into_iter()
            .filter_map(|r| view(r, now))
            .filter(|i| i.kind.managed_by(actor.role()))
            .collect())
    }

    /// One open invitation to a child, for the page that cancels it.
    pub async fn invitation_to(
        &self,
        actor: &Actor,
        pupil_id: &str,
        invitation_id: &str,
    ) -> AppResult<(PupilRecord, Invitation)> {
        actor.require(Capability::ManageChildAccess)?;
        let pupil = self.pupil_for(actor, pupil_id).await?;
        let now = self.now();
        let invitation = self
            .store
            .invitation(&pupil.id, invitation_id)
            .await?
            .filter(|r| r.accepted_at.is_none() && r.cancelled_at.is_none())
            .and_then(|r| view(r, now))
            .filter(|i| i.kind.managed_by(actor.role()))
            .ok_or(AppError::NotFound)?;
        Ok((pupil, invitation))
    }

    /// Cancels an invitation: its link stops working. Audited on the pupil's record.
    pub async fn cancel_invitation(
        &self,
        actor: &Actor,
        pupil_id: &str,
        invitation_id: &str,
    ) -> AppResult<()> {
        let (pupil, invitation) = self.invitation_to(actor, pupil_id, invitation_id).await?;
        let mut tx = self.store.begin().await?;
        if !tx
            .cancel_invitation(&pupil.id, &invitation.id, self.now())
            .await?
        {
            return Err(AppError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            "pupil.access_invite_cancel",
            "pupil",
            &pupil.id,
            &format!("{} invitation {}", invitation.kind.as_str(), invitation.id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What an invitation link's page should say. Reveals nothing about the invitation.
    pub async fn invitation_link(&self, token: &str) -> AppResult<InvitationLink> {
        let now = self.now();
        Ok(
            match self.store.invitation_by_token(&token_hash(token)).await? {
                None => InvitationLink::Unknown,
                Some(r) if r.accepted_at.is_some() => InvitationLink::Used,
                Some(r) if r.cancelled_at.is_some() => InvitationLink::Cancelled,
                Some(r) if r.expires_at <= now => InvitationLink::Expired,
                Some(_) => InvitationLink::Open,
            },
        )
    }

    /// Accepts an invitation: creates the account (for the address the invitation was sent
    /// to, which the person must type), and gives the access of every open invitation to that
    /// address. A link that is not open changes nothing and answers its state; bad answers
    /// change nothing and are named.
    pub async fn accept_invitation(
        &self,
        token: &str,
        answers: Acceptance,
        source: &str,
    ) -> AppResult<InvitationLink> {
        let link = self.invitation_link(token).await?;
        if link != InvitationLink::Open {
            return Ok(link);
        }
        let hash = token_hash(token);
        let invitation = self
            .store
            .invitation_by_token(&hash)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut problems = Vec::new();
        let email = email_key(&answers.email);
        if email.is_empty() {
            problems.push(FieldError::new(
                "email",
                "Enter the email address the invitation was sent to",
            ));
        } else if email != invitation.email {
            problems.push(FieldError::new(
                "email",
                "This invitation was sent to a different email address: enter the address \
                 the invitation email came to",
            ));
        } else if self.store.find_user_by_email(&email).await?.is_some() {
            problems.push(FieldError::new(
                "email",
                "An account with this email address already exists: sign in with it instead, \
                 and ask the person who invited you to give that account access",
            ));
        }
        let display_name = answers.display_name.trim().to_string();
        if display_name.is_empty() {
            problems.push(FieldError::new("display_name", "Enter your full name"));
        } else if display_name.chars().count() > 100 {
            problems.push(FieldError::new(
                "display_name",
                "Your name must be 100 characters or fewer",
            ));
        }
        check_new_pair(&answers.password, &answers.confirm_password, &mut problems);
        for p in &mut problems {
            // The form's fields are named as the person sees them.
            p.field = match p.field.as_str() {
                "new_password" => "password".into(),
                other => other.into(),
            };
        }
        let Some(kind) = AccessKind::parse(&invitation.kind).filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let password_hash =
            passwords::hash_password(&answers.password).map_err(AppError::internal)?;
        let now = self.now();
        let user = UserRecord {
            id: new_id(),
            email,
            display_name,
            role: kind.role(),
            school_urn: None,
            disabled_at: None,
            created_at: now,
        };
        let actor = Actor {
            user: user.clone(),
            source: source.to_string(),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_user(&user).await?;
        let accepted = tx
            .accept_invitations(&hash, &user.email, &user.id, now)
            .await?;
        if accepted.is_empty() {
            // Another request used the link first: nothing is kept.
            return Ok(InvitationLink::Used);
        }
        tx.set_credentials(
            &user.id,
            &CredentialRecord {
                password_hash,
                totp_secret: None,
                totp_confirmed_at: None,
            },
            now,
        )
        .await?;
        self.audit(
            &mut tx,
            &actor,
            "user.add",
            "user",
            &user.id,
            &format!("{} invitation", user.role.as_str()),
        )
        .await?;
        for accepted in &accepted {
            let Some(kind) = AccessKind::parse(&accepted.kind) else {
                continue;
            };
            let terms = AccessTerms {
                kind,
                relationship: accepted.relationship.clone(),
                responsibility: mns_domain::child_access::ParentalResponsibility::parse(
                    &accepted.parental_responsibility,
                )
                .unwrap_or(mns_domain::child_access::ParentalResponsibility::Unknown),
                ends_on: accepted.ends_on,
                reason: accepted.reason.clone(),
            };
            tx.grant_child_access(&terms.link(
                &user.id,
                &accepted.pupil_id,
                &accepted.invited_by,
                now,
            ))
            .await?;
            self.audit(
                &mut tx,
                &actor,
                "pupil.access_accept",
                "pupil",
                &accepted.pupil_id,
                &format!("{} {} invitation {}", kind.as_str(), user.id, accepted.id),
            )
            .await?;
        }
        tx.enqueue_message(
            &user.email,
            &format!("Your {} account", self.settings.council_name),
            &format!(
                "You have created your account on the {council} Medical Needs Service.\n\n\
                 Sign in at:\n{url}/sign-in\n\nIf this was not you, contact the {council} \
                 Medical Needs Service at once.\n",
                council = self.settings.council_name,
                url = self.settings.public_url,
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(InvitationLink::Accepted)
    }
}
