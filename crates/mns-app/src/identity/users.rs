//! User administration: adding users, disabling them, API tokens. Only the coordinator (or a
//! command on the server) manages users.

use super::{email_key, new_token, passwords, token_hash, totp};
use crate::{Actor, App, AppError, AppResult, FieldError};
use mns_domain::identifiers::Urn;
use mns_domain::identity::Role;
use mns_domain::permissions::Capability;
use mns_store::{ApiTokenRecord, CredentialRecord, UserRecord, new_id};

/// What is needed to add a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Their email address.
    pub email: String,
    /// Their name as other users see it.
    pub display_name: String,
    /// Their role, as typed (parsed here).
    pub role: String,
    /// For a school user, the school's URN.
    pub school_urn: Option<String>,
    /// A first password; a random one is set when absent.
    pub password: Option<String>,
}

/// A user just added, with what must be handed to them once.
#[derive(Debug, Clone)]
pub struct AddedUser {
    /// The stored user.
    pub user: UserRecord,
    /// The password set (generated if none was given).
    pub password: String,
    /// For staff, the TOTP secret their authenticator app needs.
    pub totp_secret: Option<String>,
}

fn may_manage_users(actor: &Actor) -> bool {
    actor.may(Capability::ManageUsers)
}

impl App {
    /// Adds a user, checking every field and naming each problem. A welcome email (with no
    /// personal data beyond the address it goes to) is queued in the same transaction.
    pub async fn add_user(&self, actor: &Actor, new: NewUser) -> AppResult<AddedUser> {
        if !may_manage_users(actor) {
            return Err(AppError::NotFound);
        }
        let mut problems = Vec::new();
        let display_name = new.display_name.trim().to_string();
        if display_name.is_empty() {
            problems.push(FieldError::new("display_name", "Enter the user's name"));
        }
        let email = email_key(&new.email);
        if email.is_empty() {
            problems.push(FieldError::new("email", "Enter the user's email address"));
        } else if !looks_like_email(&email) {
            problems.push(FieldError::new(
                "email",
                "Enter an email address in the correct format, like name@example.org",
            ));
        }
        let role = match Role::parse(&new.role) {
            Ok(role) => Some(role),
            Err(_) if new.role.trim().is_empty() => {
                problems.push(FieldError::new("role", "Select the user's role"));
                None
            }
            Err(e) => {
                problems.push(FieldError::new("role", e.to_string()));
                None
            }
        };
        let school_text = new
            .school_urn
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let mut school_urn = None;
        match (role, school_text) {
            (Some(r), None) if r.needs_school() => {
                problems.push(FieldError::new(
                    "school_urn",
                    "Enter the URN of the user's school",
                ));
            }
            (Some(r), Some(_)) if !r.needs_school() => {
                problems.push(FieldError::new(
                    "school_urn",
                    "Only school users belong to a school: leave the URN empty",
                ));
            }
            (_, Some(text)) => match Urn::parse(text) {
                Ok(urn) => {
                    if self.store.get_school(urn.as_str()).await?.is_none() {
                        problems.push(FieldError::new(
                            "school_urn",
                            format!("No school with URN {urn} is known: import schools first"),
                        ));
                    } else {
                        school_urn = Some(urn.as_str().to_string());
                    }
                }
                Err(e) => problems.push(FieldError::new("school_urn", e.to_string())),
            },
            _ => {}
        }
        let password = match new.password {
            Some(p) => {
                if let Err(message) = passwords::check_new_password(&p) {
                    problems.push(FieldError::new("password", message));
                }
                p
            }
            None => new_token()[..20].to_string(),
        };
        if !email.is_empty() && self.store.find_user_by_email(&email).await?.is_some() {
            problems.push(FieldError::new(
                "email",
                "A user with that email address already exists",
            ));
        }
        let Some(role) = role.filter(|_| problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let now = self.now();
        let user = UserRecord {
            id: new_id(),
            email,
            display_name,
            role,
            school_urn,
            disabled_at: None,
            created_at: now,
        };
        let totp_secret = role.is_staff().then(totp::new_secret);
        let password_hash = passwords::hash_password(&password).map_err(AppError::internal)?;
        let mut tx = self.store.begin().await?;
        tx.insert_user(&user).await?;
        tx.set_credentials(
            &user.id,
            &CredentialRecord {
                password_hash,
                totp_secret: totp_secret.clone(),
                totp_confirmed_at: None,
            },
            now,
        )
        .await?;
        self.audit(&mut tx, actor, "user.add", "user", &user.id, role.as_str())
            .await?;
        tx.enqueue_message(
            &user.email,
            &format!("Your {} account", self.settings.council_name),
            &format!(
                "An account has been created for you on the {council} Medical Needs Service.\n\n\
                 Ask the person who set it up for your first password, then sign in at:\n{url}/sign-in\n",
                council = self.settings.council_name,
                url = self.settings.public_url,
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(AddedUser {
            user,
            password,
            totp_secret,
        })
    }

    /// Disables a user: every session and API token of theirs ends in the same transaction.
    pub async fn disable_user(&self, actor: &Actor, user_id: &str) -> AppResult<()> {
        if !may_manage_users(actor) || actor.user.id == user_id {
            return Err(AppError::NotFound);
        }
        if self.store.get_user(user_id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.begin().await?;
        tx.disable_user(user_id, self.now()).await?;
        self.audit(&mut tx, actor, "user.disable", "user", user_id, "")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One user, for the coordinator's pages.
    pub async fn user_for_admin(&self, actor: &Actor, user_id: &str) -> AppResult<UserRecord> {
        if !may_manage_users(actor) {
            return Err(AppError::NotFound);
        }
        self.store
            .get_user(user_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The name and email of a user, for showing who did something in an access history (to
    /// those who may read access histories).
    pub async fn user_label(&self, actor: &Actor, user_id: &str) -> AppResult<Option<String>> {
        actor.require(Capability::ReadAccessHistory)?;
        Ok(self
            .store
            .get_user(user_id)
            .await?
            .map(|u| format!("{} ({})", u.display_name, u.email)))
    }

    /// Every user (coordinator only).
    pub async fn list_users(&self, actor: &Actor) -> AppResult<Vec<UserRecord>> {
        if !may_manage_users(actor) {
            return Err(AppError::NotFound);
        }
        Ok(self.store.list_users().await?)
    }

    /// Issues a personal API token for the user with `email` (the coordinator, on the user's
    /// tokens page or with `mns user token`). It is called `name`, lasts `days` days (the
    /// default lifetime if `None`, at most 366), and is returned once; only its hash is kept.
    /// The user's other tokens are left as they are.
    pub async fn issue_api_token(
        &self,
        actor: &Actor,
        email: &str,
        name: &str,
        days: Option<i64>,
    ) -> AppResult<String> {
        if !may_manage_users(actor) {
            return Err(AppError::NotFound);
        }
        let mut problems = Vec::new();
        let name = name.trim();
        if name.is_empty() {
            problems.push(FieldError::new(
                "name",
                "Enter what the token is for, for example the school's MIS",
            ));
        } else if name.chars().count() > 100 {
            problems.push(FieldError::new(
                "name",
                "The name must be 100 characters or fewer",
            ));
        }
        let lifetime = match days {
            None => self.settings.api_token_lifetime,
            Some(d) if (1..=366).contains(&d) => chrono::Duration::days(d),
            Some(_) => {
                problems.push(FieldError::new(
                    "days",
                    "The number of days must be a whole number from 1 to 366",
                ));
                self.settings.api_token_lifetime
            }
        };
        let user = self
            .store
            .find_user_by_email(&email_key(email))
            .await?
            .filter(|u| u.disabled_at.is_none());
        let Some(user) = user else {
            problems.push(FieldError::new(
                "email",
                format!("No active user has the email address {}", email.trim()),
            ));
            return Err(AppError::Invalid(problems));
        };
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let now = self.now();
        let token = format!("mns_{}", new_token());
        let mut tx = self.store.begin().await?;
        let token_id = tx
            .insert_api_token(&user.id, &token_hash(&token), name, now + lifetime, now)
            .await?;
        self.audit(
            &mut tx,
            actor,
            "api_token.issue",
            "user",
            &user.id,
            &token_id,
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// A user's API tokens (never the tokens themselves): for the user and the coordinator.
    pub async fn api_tokens(
        &self,
        actor: &Actor,
        user_id: &str,
    ) -> AppResult<(UserRecord, Vec<ApiTokenRecord>)> {
        if actor.user.id != user_id && !may_manage_users(actor) {
            return Err(AppError::NotFound);
        }
        let user = self
            .store
            .get_user(user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let tokens = self.store.api_tokens_of(user_id).await?;
        Ok((user, tokens))
    }

    /// Revokes one of a user's API tokens: by the user, or by the coordinator. Audited.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        user_id: &str,
        token_id: &str,
    ) -> AppResult<()> {
        if actor.user.id != user_id && !may_manage_users(actor) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.begin().await?;
        if !tx
            .revoke_api_token(token_id, user_id, &actor.user.id, self.now())
            .await?
        {
            return Err(AppError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            "api_token.revoke",
            "user",
            user_id,
            token_id,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A deliberately loose check: something@something.something, no spaces.
pub(crate) fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::looks_like_email;

    #[test]
    fn email_addresses_are_checked_loosely() {
        assert!(looks_like_email("a.person@norfolk.gov.uk"));
        assert!(!looks_like_email("a person@norfolk.gov.uk"));
        assert!(!looks_like_email("nobody"));
        assert!(!looks_like_email("x@localhost"));
        assert!(!looks_like_email("x@y@z.org"));
    }
}
