//! The coordinator's side of OpenID Connect sign-in: which provider accounts are linked to a
//! user, sending a link that connects one, and unlinking.
//!
//! A link is emailed to the user's address, works once for 7 days and only with the provider it
//! names; signing in through it links the identity the provider vouches for to that user and no
//! other. Sending a new link for the same provider cancels the old one.

use super::{email_key, new_token, token_hash};
use crate::{Actor, App, AppError, AppResult};
use mns_domain::permissions::Capability;
use mns_store::{IdentityLinkRecord, UserRecord};

/// How long a coordinator's link works.
pub const LINK_LIFETIME_DAYS: i64 = 7;

/// One identity linked to a user, as the coordinator sees it.
#[derive(Debug, Clone)]
pub struct LinkedIdentity {
    /// The provider's id, where known.
    pub provider: Option<String>,
    /// The provider's name, or the issuer if the provider is no longer configured.
    pub provider_name: String,
    /// The issuer.
    pub issuer: String,
    /// The subject (an opaque id, not personal data in itself).
    pub subject: String,
    /// When it was linked.
    pub linked_at: chrono::DateTime<chrono::Utc>,
}

impl LinkedIdentity {
    /// The query string that names this identity (`issuer=…&subject=…`).
    pub fn query(&self) -> String {
        openidconnect::url::form_urlencoded::Serializer::new(String::new())
            .append_pair("issuer", &self.issuer)
            .append_pair("subject", &self.subject)
            .finish()
    }
}

/// A user's sign-in accounts, links sent, and the providers a link can be sent for.
#[derive(Debug, Clone)]
pub struct UserIdentities {
    /// The user.
    pub user: UserRecord,
    /// Linked identities, oldest first.
    pub identities: Vec<LinkedIdentity>,
    /// Links sent, newest first, with the provider's name.
    pub links: Vec<(IdentityLinkRecord, String)>,
    /// Providers that may sign in this user's role and are not connected yet: `(id, name)`.
    pub providers: Vec<(String, String)>,
}

impl App {
    /// A user's linked identities and the links sent to them (the coordinator).
    pub async fn user_identities(&self, actor: &Actor, user_id: &str) -> AppResult<UserIdentities> {
        actor.require(Capability::ManageUsers)?;
        let user = self
            .store
            .get_user(user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let identities: Vec<LinkedIdentity> = self
            .store
            .identities_of(user_id)
            .await?
            .into_iter()
            .map(|i| {
                let label = i
                    .provider
                    .as_deref()
                    .and_then(|p| self.oidc.config(p))
                    .map_or_else(|| i.issuer.clone(), |c| c.name.clone());
                LinkedIdentity {
                    provider: i.provider,
                    provider_name: label,
                    issuer: i.issuer,
                    subject: i.subject,
                    linked_at: i.created_at,
                }
            })
            .collect();
        let name_of = |id: &str| {
            self.oidc
                .config(id)
                .map_or(id.to_string(), |c| c.name.clone())
        };
        let links = self
            .store
            .identity_links_for(user_id)
            .await?
            .into_iter()
            .map(|l| {
                let name = name_of(&l.provider);
                (l, name)
            })
            .collect();
        let providers = self
            .oidc
            .buttons()
            .into_iter()
            .filter(|(id, _)| {
                self.oidc
                    .config(id)
                    .is_some_and(|c| c.policy.roles.contains(&user.role))
                    && !identities
                        .iter()
                        .any(|i: &LinkedIdentity| i.provider.as_deref() == Some(id))
            })
            .map(|(id, _)| {
                let name = name_of(&id);
                (id, name)
            })
            .collect();
        Ok(UserIdentities {
            user,
            identities,
            links,
            providers,
        })
    }

    /// Emails a user a link that connects their account at `provider` to this one (the
    /// coordinator). The email names neither a child nor the coordinator's reason.
    pub async fn send_identity_link(
        &self,
        actor: &Actor,
        user_id: &str,
        provider: &str,
    ) -> AppResult<()> {
        actor.require(Capability::ManageUsers)?;
        let user = self
            .store
            .get_user(user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let Some(config) = self.oidc.config(provider) else {
            return Err(AppError::invalid(
                "provider",
                "Select a sign-in service that is set up",
            ));
        };
        if user.disabled_at.is_some() {
            return Err(AppError::invalid(
                "provider",
                "This account is disabled: no link can be sent",
            ));
        }
        if !config.policy.roles.contains(&user.role) {
            return Err(AppError::invalid(
                "provider",
                format!(
                    "{} is not set up to sign in {} users",
                    config.name,
                    user.role.as_str().replace('_', " ")
                ),
            ));
        }
        let token = new_token();
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.cancel_identity_links(&user.id, &config.id, now).await?;
        let id = tx
            .insert_identity_link(
                &token_hash(&token),
                &user.id,
                &config.id,
                &actor.user.id,
                now,
                now + chrono::Duration::days(LINK_LIFETIME_DAYS),
            )
            .await?;
        self.audit(
            &mut tx,
            actor,
            "identity.link_sent",
            "user",
            &user.id,
            &format!("provider={} link={id}", config.id),
        )
        .await?;
        tx.enqueue_message(
            &user.email,
            &format!(
                "Connect your sign-in to the {} Medical Needs Service",
                self.settings.council_name
            ),
            &format!(
                "You can now sign in to the {council} Medical Needs Service with your {name}.\n\n\
                 To connect it to your account in the service, open this link within \
                 {LINK_LIFETIME_DAYS} days and sign in with your {name}{create}. The link works \
                 once:\n{url}/sign-in/oidc/{provider}?link={token}\n\nAfter that, choose \
                 \"{label}\" on the sign-in page. If you did not expect this email, you can \
                 ignore it.\n",
                council = self.settings.council_name,
                name = config.name,
                create = if config.policy.kind == mns_domain::oidc::ProviderKind::OneLogin {
                    " (if you do not have one yet, you can create one there)"
                } else {
                    ""
                },
                label = config.label,
                url = self.settings.public_url,
                provider = config.id,
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// As [`App::send_identity_link`], for the user with this email address (`mns user
    /// connect`).
    pub async fn send_identity_link_by_email(
        &self,
        actor: &Actor,
        email: &str,
        provider: &str,
    ) -> AppResult<()> {
        actor.require(Capability::ManageUsers)?;
        let Some(user) = self.store.find_user_by_email(&email_key(email)).await? else {
            return Err(AppError::invalid(
                "email",
                format!("No account has the email address {}", email.trim()),
            ));
        };
        self.send_identity_link(actor, &user.id, provider).await
    }

    /// Unlinks an identity from a user (the coordinator): they can no longer sign in with it.
    pub async fn unlink_identity(
        &self,
        actor: &Actor,
        user_id: &str,
        issuer: &str,
        subject: &str,
    ) -> AppResult<()> {
        actor.require(Capability::ManageUsers)?;
        let mut tx = self.store.begin().await?;
        if !tx.unlink_identity(user_id, issuer, subject).await? {
            return Err(AppError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            "identity.unlink",
            "user",
            user_id,
            &format!("issuer={issuer}"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
