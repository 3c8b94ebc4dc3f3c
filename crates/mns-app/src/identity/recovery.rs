//! Getting back into an account (issue 14): "Forgotten your password?" links by email,
//! changing one's own password, and what the coordinator can do for a user who is stuck
//! (unlock, reset the password, reset the one-time code key, allow a member of staff to reset
//! their own password). Every event is audited and the account's owner is emailed, with no
//! personal data in the email beyond the address it goes to.

use super::{email_key, new_token, passwords, token_hash, totp};
use crate::{Actor, App, AppError, AppResult, FieldError};
use mns_domain::permissions::Capability;
use mns_store::{RecoveryFlags, UserRecord, WriteTx};

/// How long a reset link works.
pub fn reset_link_lifetime() -> chrono::Duration {
    chrono::Duration::hours(1)
}

/// Reset links asked for from one address in the window, at most.
const RESETS_PER_ADDRESS: i64 = 10;
/// Reset links sent to one account in the window, at most.
const RESETS_PER_ACCOUNT: i64 = 3;
const RESET_REQUEST: &str = "password_reset";

/// What a reset link's page finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetLink {
    /// The link works.
    Usable,
    /// Unknown, used already, or expired: the page says so and nothing changes.
    Unusable,
}

/// A user's account state, for the coordinator's account page.
#[derive(Debug, Clone)]
pub struct AccountState {
    /// The user.
    pub user: UserRecord,
    /// Whether failed sign-ins lock the account now.
    pub locked: bool,
    /// The recovery flags.
    pub flags: RecoveryFlags,
    /// Whether the user signs in with a one-time code (staff).
    pub has_code: bool,
}

pub(crate) fn check_new_pair(new: &str, confirm: &str, problems: &mut Vec<FieldError>) {
    if new.is_empty() {
        problems.push(FieldError::new("new_password", "Enter a new password"));
    } else if let Err(message) = passwords::check_new_password(new) {
        problems.push(FieldError::new("new_password", message));
    } else if confirm.is_empty() {
        problems.push(FieldError::new(
            "confirm_password",
            "Enter the new password again",
        ));
    } else if new != confirm {
        problems.push(FieldError::new(
            "confirm_password",
            "The passwords do not match: enter the same new password twice",
        ));
    }
}

impl App {
    fn sign_in_url(&self) -> String {
        format!("{}/sign-in", self.settings.public_url)
    }

    async fn tell_owner(&self, tx: &mut WriteTx, user: &UserRecord, what: &str) -> AppResult<()> {
        tx.enqueue_message(
            &user.email,
            &format!("Your {} account", self.settings.council_name),
            &format!(
                "{what}\n\nIf this was not you or you did not expect it, contact the {council} \
                 Medical Needs Service at once.\n\nSign in at:\n{url}\n",
                council = self.settings.council_name,
                url = self.sign_in_url(),
            ),
            self.now(),
        )
        .await?;
        Ok(())
    }

    async fn enqueue_reset_link(&self, tx: &mut WriteTx, user: &UserRecord) -> AppResult<()> {
        let now = self.now();
        let token = new_token();
        tx.insert_password_reset(
            &user.id,
            &token_hash(&token),
            now + reset_link_lifetime(),
            now,
        )
        .await?;
        tx.enqueue_message(
            &user.email,
            &format!(
                "Choose a new password for your {} account",
                self.settings.council_name
            ),
            &format!(
                "Someone asked to reset the password of your account on the {council} Medical \
                 Needs Service.\n\nTo choose a new password, open this link within 1 hour. It \
                 works once:\n{url}/reset-password/{token}\n\nIf you did not ask for this, you \
                 can ignore this email: your password has not changed.\n",
                council = self.settings.council_name,
                url = self.settings.public_url,
            ),
            now,
        )
        .await?;
        Ok(())
    }

    /// "Forgotten your password?": sends a single-use link to choose a new password, if an
    /// account that may reset its password by email has this address. The answer is the same
    /// whether or not it does (no account enumeration). Requests are limited per address and
    /// per account; past the limit nothing is sent, and the answer is still the same.
    pub async fn request_password_reset(&self, email: &str, source: &str) -> AppResult<()> {
        let key = email_key(email);
        if key.is_empty() {
            return Err(AppError::invalid("email", "Enter your email address"));
        }
        let now = self.now();
        let since = now - reset_link_lifetime();
        let from = format!("from:{source}");
        let to = format!("to:{}", &token_hash(&key)[..16]);
        let mut tx = self.store.begin().await?;
        let by_source = tx.count_rate_events(RESET_REQUEST, &from, since).await?;
        let by_account = tx.count_rate_events(RESET_REQUEST, &to, since).await?;
        tx.record_rate_event(RESET_REQUEST, &from, now).await?;
        if by_source >= RESETS_PER_ADDRESS || by_account >= RESETS_PER_ACCOUNT {
            tracing::warn!(%source, by_source, by_account, "password reset refused: rate limit");
            tx.commit().await?;
            return Ok(());
        }
        tx.record_rate_event(RESET_REQUEST, &to, now).await?;
        let user = self
            .store
            .find_user_by_email(&key)
            .await?
            .filter(|u| u.disabled_at.is_none());
        let Some(user) = user else {
            tx.commit().await?;
            return Ok(());
        };
        let Some(credentials) = self.store.get_credentials(&user.id).await? else {
            tx.commit().await?;
            return Ok(());
        };
        let flags = self.store.recovery_flags(&user.id).await?;
        let actor = Actor {
            user: user.clone(),
            source: source.to_string(),
        };
        if user.role.is_staff()
            && credentials.totp_secret.is_some()
            && flags.self_reset_allowed_at.is_none()
        {
            // A link by email alone would get round the one-time code: the coordinator resets
            // staff passwords unless they have allowed this user to.
            self.audit(
                &mut tx,
                &actor,
                "password.reset_refused",
                "user",
                &user.id,
                "staff",
            )
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        self.enqueue_reset_link(&mut tx, &user).await?;
        self.audit(
            &mut tx,
            &actor,
            "password.reset_requested",
            "user",
            &user.id,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a reset link still works (for its page).
    pub async fn password_reset_link(&self, token: &str) -> AppResult<ResetLink> {
        let now = self.now();
        Ok(
            match self.store.find_password_reset(&token_hash(token)).await? {
                Some(r) if r.used_at.is_none() && r.expires_at > now => ResetLink::Usable,
                _ => ResetLink::Unusable,
            },
        )
    }

    /// Sets a new password through a reset link: the link is used up, the user's sessions end,
    /// the change is audited and the owner emailed. A link that is unknown, used or expired
    /// changes nothing and answers `Ok(ResetLink::Unusable)`.
    pub async fn reset_password_with_link(
        &self,
        token: &str,
        new: &str,
        confirm: &str,
        source: &str,
    ) -> AppResult<ResetLink> {
        if self.password_reset_link(token).await? == ResetLink::Unusable {
            return Ok(ResetLink::Unusable);
        }
        let mut problems = Vec::new();
        check_new_pair(new, confirm, &mut problems);
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let hash = passwords::hash_password(new).map_err(AppError::internal)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let Some(user_id) = tx.use_password_reset(&token_hash(token), now).await? else {
            return Ok(ResetLink::Unusable);
        };
        let Some(user) = self
            .store
            .get_user(&user_id)
            .await?
            .filter(|u| u.disabled_at.is_none())
        else {
            return Ok(ResetLink::Unusable);
        };
        tx.set_password_hash(&user.id, &hash, now).await?;
        tx.cancel_password_resets(&user.id, now).await?;
        tx.end_sessions_of(&user.id, "").await?;
        tx.clear_failed_sign_ins(&user.email, &format!("totp:{}", user.id))
            .await?;
        let actor = Actor {
            user: user.clone(),
            source: source.to_string(),
        };
        self.audit(&mut tx, &actor, "password.reset", "user", &user.id, "link")
            .await?;
        self.tell_owner(
            &mut tx,
            &user,
            "The password of your account was changed using a reset link sent by email.",
        )
        .await?;
        tx.commit().await?;
        Ok(ResetLink::Usable)
    }

    /// A signed-in user changes their own password, giving the current one. Their other
    /// sessions end (the one in `keep_session`, a session hash, stays).
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        keep_session: &str,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> AppResult<()> {
        let credentials = self
            .store
            .get_credentials(&actor.user.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut problems = Vec::new();
        if current.is_empty() {
            problems.push(FieldError::new(
                "current_password",
                "Enter your current password",
            ));
        } else if !passwords::verify_password(current, &credentials.password_hash) {
            problems.push(FieldError::new(
                "current_password",
                "Your current password is not right",
            ));
        }
        check_new_pair(new, confirm, &mut problems);
        if problems.is_empty() && new == current {
            problems.push(FieldError::new(
                "new_password",
                "Choose a new password that is different from your current one",
            ));
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let hash = passwords::hash_password(new).map_err(AppError::internal)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.set_password_hash(&actor.user.id, &hash, now).await?;
        tx.cancel_password_resets(&actor.user.id, now).await?;
        tx.end_sessions_of(&actor.user.id, keep_session).await?;
        self.audit(
            &mut tx,
            actor,
            "password.change",
            "user",
            &actor.user.id,
            "",
        )
        .await?;
        self.tell_owner(
            &mut tx,
            &actor.user,
            "The password of your account was changed.",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether the signed-in user must choose a new password before anything else.
    pub async fn must_change_password(&self, user_id: &str) -> AppResult<bool> {
        Ok(self
            .store
            .recovery_flags(user_id)
            .await?
            .must_change_password_at
            .is_some())
    }

    /// A user's account state, for the coordinator.
    pub async fn account_state(&self, actor: &Actor, user_id: &str) -> AppResult<AccountState> {
        let user = self.user_for_admin(actor, user_id).await?;
        let failures = self
            .store
            .failed_sign_ins_since(&user.email, self.now() - self.settings.throttle_window)
            .await?;
        let code_failures = self
            .store
            .failed_sign_ins_since(
                &format!("totp:{}", user.id),
                self.now() - self.settings.throttle_window,
            )
            .await?;
        let credentials = self.store.get_credentials(&user.id).await?;
        Ok(AccountState {
            locked: failures >= self.settings.throttle_attempts
                || code_failures >= self.settings.throttle_attempts,
            flags: self.store.recovery_flags(&user.id).await?,
            has_code: user.role.is_staff() && credentials.is_some_and(|c| c.totp_secret.is_some()),
            user,
        })
    }

    /// The coordinator's user, checked: they manage users, and the user is someone else.
    async fn managed_user(&self, actor: &Actor, user_id: &str) -> AppResult<UserRecord> {
        actor.require(Capability::ManageUsers)?;
        if actor.user.id == user_id {
            return Err(AppError::NotFound);
        }
        let user = self.user_for_admin(actor, user_id).await?;
        if self.store.get_credentials(&user.id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        Ok(user)
    }

    /// The coordinator unlocks an account locked by failed sign-ins.
    pub async fn unlock_user(&self, actor: &Actor, user_id: &str) -> AppResult<()> {
        let user = self.managed_user(actor, user_id).await?;
        let mut tx = self.store.begin().await?;
        tx.clear_failed_sign_ins(&user.email, &format!("totp:{}", user.id))
            .await?;
        self.audit(&mut tx, actor, "user.unlock", "user", &user.id, "")
            .await?;
        self.tell_owner(
            &mut tx,
            &user,
            "Your account was unlocked by the service's coordinator: you can sign in again.",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The coordinator resets a user's password: no password is passed around. The user is
    /// sent a reset link, must choose a new password at their next sign-in, and is signed out.
    pub async fn reset_user_password(&self, actor: &Actor, user_id: &str) -> AppResult<()> {
        let user = self.managed_user(actor, user_id).await?;
        if user.disabled_at.is_some() {
            return Err(AppError::NotFound);
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.require_password_change(&user.id, now).await?;
        tx.end_sessions_of(&user.id, "").await?;
        self.enqueue_reset_link(&mut tx, &user).await?;
        self.audit(&mut tx, actor, "user.password_reset", "user", &user.id, "")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The coordinator resets a member of staff's one-time code key: they set up their
    /// authenticator app again at their next sign-in, and are signed out now.
    pub async fn reset_user_code(&self, actor: &Actor, user_id: &str) -> AppResult<()> {
        let user = self.managed_user(actor, user_id).await?;
        if !user.role.is_staff() {
            return Err(AppError::invalid(
                "code",
                "Only council staff sign in with a one-time code",
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.reset_totp_secret(&user.id, &totp::new_secret()).await?;
        tx.end_sessions_of(&user.id, "").await?;
        self.audit(&mut tx, actor, "user.totp_reset", "user", &user.id, "")
            .await?;
        self.tell_owner(
            &mut tx,
            &user,
            "The one-time code set-up of your account was reset by the service's coordinator. \
             When you next sign in, you will set up your authenticator app again.",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The coordinator allows (or stops allowing) a member of staff with a one-time code to
    /// reset their own forgotten password by email.
    pub async fn allow_self_reset(
        &self,
        actor: &Actor,
        user_id: &str,
        allowed: bool,
    ) -> AppResult<()> {
        let user = self.managed_user(actor, user_id).await?;
        if !user.role.is_staff() {
            return Err(AppError::invalid(
                "allowed",
                "Only council staff need permission to reset their own password",
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.set_self_reset_allowed(&user.id, allowed, self.now())
            .await?;
        let detail = if allowed { "allowed" } else { "refused" };
        self.audit(&mut tx, actor, "user.self_reset", "user", &user.id, detail)
            .await?;
        self.tell_owner(
            &mut tx,
            &user,
            if allowed {
                "The service's coordinator allowed you to reset your own password by email if \
                 you forget it."
            } else {
                "The service's coordinator stopped you resetting your own password by email: \
                 ask them if you forget it."
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
