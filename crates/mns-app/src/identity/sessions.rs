//! Signing in and out, and finding who a request is from.
//!
//! A session is created after the password; staff must then give a one-time code before the
//! session lets them do anything else. Sessions end on sign-out, after the idle time-out,
//! at the absolute time-out, and at once when the user is disabled.

use super::{email_key, new_token, passwords, token_hash, totp};
use crate::{Actor, App, AppError, AppResult, system_actor};
use chrono::{DateTime, Utc};
use mns_store::{SessionRecord, UserRecord};

/// A new session's secret parts, for the cookie and the forms.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The token for the cookie (only its hash is stored).
    pub token: String,
    /// Whether a one-time code is still needed before the session can be used.
    pub needs_code: bool,
}

/// What a session cookie resolves to.
#[derive(Debug, Clone)]
pub struct ResolvedSession {
    /// The acting user.
    pub actor: Actor,
    /// The CSRF token forms in this session must carry.
    pub csrf_token: String,
    /// The stored session key.
    pub token_hash: String,
    /// A staff user who has not yet given their one-time code.
    pub needs_code: bool,
    /// A staff user who has no confirmed one-time code set up yet.
    pub needs_code_setup: bool,
    /// The TOTP secret being set up (shown once on the set-up page).
    pub pending_totp_secret: Option<String>,
    /// The coordinator reset the password: the user must choose a new one before anything
    /// else.
    pub must_change_password: bool,
}

/// How stale a session's last-seen time may get before a request writes it again.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

impl App {
    /// Checks an email and password and starts a session.
    ///
    /// Failed attempts are counted per account and per address, and the count and this
    /// attempt are recorded in one serialised transaction before the password is checked, so
    /// simultaneous guesses cannot overrun the limit. Past the per-address limit every attempt
    /// from that address is refused. Past the per-account limit a guess is refused unchecked
    /// — except that council staff may still sign in with the right password *and* a valid
    /// one-time code (`code`), so that someone guessing cannot lock the owner out: guesses
    /// are throttled, not the owner.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        code: Option<&str>,
        source: &str,
    ) -> AppResult<NewSession> {
        let key = email_key(email);
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let attempt = tx
            .reserve_sign_in_attempt(&key, source, now - self.settings.throttle_window, now)
            .await?;
        tx.commit().await?;
        if attempt.address_failures >= self.settings.throttle_address_attempts {
            tracing::warn!(%source, "sign-in refused: too many failures from this address");
            return Err(AppError::Throttled);
        }
        let locked = attempt.account_failures >= self.settings.throttle_attempts;
        let code = code.map(str::trim).filter(|c| !c.is_empty());
        if locked && code.is_none() {
            return Err(AppError::Throttled);
        }
        let user = self.store.find_user_by_email(&key).await?;
        let credentials = match &user {
            Some(u) => self.store.get_credentials(&u.id).await?,
            None => None,
        };
        let phc = credentials
            .as_ref()
            .map_or(passwords::decoy_hash(), |c| c.password_hash.as_str());
        let password_ok = passwords::verify_password(password, phc);
        let user = match user {
            Some(u) if password_ok && credentials.is_some() && u.disabled_at.is_none() => u,
            _ if locked => return Err(AppError::Throttled),
            _ => return Err(AppError::SignInFailed),
        };
        let mut second_factor_done = !user.role.is_staff();
        if locked {
            // Only staff have a second factor to prove they are the owner.
            let owner = user.role.is_staff()
                && credentials
                    .as_ref()
                    .is_some_and(|c| c.totp_confirmed_at.is_some())
                && self
                    .accept_code(
                        &user.id,
                        credentials.as_ref(),
                        code.unwrap_or_default(),
                        now,
                    )
                    .await?
                    .is_ok();
            if !owner {
                return Err(AppError::Throttled);
            }
            second_factor_done = true;
        }
        self.store.mark_sign_in_succeeded(&attempt.id, now).await?;
        let token = self
            .start_session(&user, second_factor_done, source)
            .await?;
        Ok(NewSession {
            token,
            needs_code: !second_factor_done,
        })
    }

    /// Checks a one-time code and, if it is right and newer than the last code accepted,
    /// records its time step so it is never accepted again. `Ok(Err(message))` says why a
    /// code was refused, in the words the code page shows.
    async fn accept_code(
        &self,
        user_id: &str,
        credentials: Option<&mns_store::CredentialRecord>,
        code: &str,
        now: DateTime<Utc>,
    ) -> AppResult<Result<(), &'static str>> {
        let secret = credentials
            .and_then(|c| c.totp_secret.clone())
            .unwrap_or_default();
        let Some(step) = totp::matching_step(&secret, code, now) else {
            return Ok(Err(
                "The code is not right: enter the 6-digit code your authenticator app shows now",
            ));
        };
        if !self.store.accept_totp_step(user_id, step).await? {
            return Ok(Err(
                "That code has already been used: wait for your authenticator app to show a new code (it changes every 30 seconds), then enter it",
            ));
        }
        Ok(Ok(()))
    }

    /// Starts a session for a user who has proved who they are (a password, or in future an
    /// OpenID Connect callback). `second_factor_done` is true when no code is needed.
    pub async fn start_session(
        &self,
        user: &UserRecord,
        second_factor_done: bool,
        source: &str,
    ) -> AppResult<String> {
        let now = self.now();
        let token = new_token();
        self.store
            .insert_session(&SessionRecord {
                token_hash: token_hash(&token),
                user_id: user.id.clone(),
                csrf_token: new_token(),
                second_factor_at: second_factor_done.then_some(now),
                created_at: now,
                last_seen_at: now,
                expires_at: now + self.settings.session_absolute,
            })
            .await?;
        let mut tx = self.store.begin().await?;
        let actor = Actor {
            user: user.clone(),
            source: source.to_string(),
        };
        self.audit(&mut tx, &actor, "session.start", "user", &user.id, "")
            .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Finds the session a cookie token belongs to, ending it if it has timed out or its user
    /// is disabled. Activity moves the idle time-out on.
    pub async fn resolve_session(
        &self,
        token: &str,
        source: &str,
    ) -> AppResult<Option<ResolvedSession>> {
        let hash = token_hash(token);
        // The session, its user and the password flag in one read (issue 20). A session whose
        // user is gone cannot be (the key refers to the user), and is swept when it times out.
        let Some(found) = self.store.find_session_with_user(&hash).await? else {
            return Ok(None);
        };
        let (session, user) = (found.session, found.user);
        let now = self.now();
        if self.session_expired(&session, now) {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        if user.disabled_at.is_some() {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        // Activity moves the idle time-out on, written at most once a minute: a page view is
        // not a write (issue 20), and the time-out is kept to within a minute.
        if now - session.last_seen_at >= TOUCH_EVERY {
            self.store.touch_session(&hash, now).await?;
        }
        let needs_code = user.role.is_staff() && session.second_factor_at.is_none();
        // The authenticator's state matters only until the code is given.
        let credentials = if needs_code {
            self.store.get_credentials(&user.id).await?
        } else {
            None
        };
        let confirmed = credentials
            .as_ref()
            .is_some_and(|c| c.totp_confirmed_at.is_some());
        let must_change_password = found.must_change_password_at.is_some();
        Ok(Some(ResolvedSession {
            must_change_password,
            needs_code_setup: needs_code && !confirmed,
            pending_totp_secret: credentials
                .filter(|_| needs_code && !confirmed)
                .and_then(|c| c.totp_secret),
            needs_code,
            csrf_token: session.csrf_token,
            token_hash: hash,
            actor: Actor {
                user,
                source: source.to_string(),
            },
        }))
    }

    fn session_expired(&self, session: &SessionRecord, now: DateTime<Utc>) -> bool {
        now >= session.expires_at || now - session.last_seen_at >= self.settings.session_idle
    }

    /// Checks a staff user's one-time code and completes the sign-in. The first good code
    /// also confirms a newly set-up authenticator. Each code is accepted once: a second
    /// sign-in within the same 30 seconds waits for the next code.
    pub async fn verify_code(&self, session: &ResolvedSession, code: &str) -> AppResult<()> {
        let now = self.now();
        let key = format!("totp:{}", session.actor.user.id);
        let failures = self
            .store
            .failed_sign_ins_since(&key, now - self.settings.throttle_window)
            .await?;
        if failures >= self.settings.throttle_attempts {
            return Err(AppError::Throttled);
        }
        let mut credentials = self
            .store
            .get_credentials(&session.actor.user.id)
            .await?
            .ok_or(AppError::SignInFailed)?;
        if let Err(message) = self
            .accept_code(&session.actor.user.id, Some(&credentials), code, now)
            .await?
        {
            self.store
                .record_sign_in_attempt(&key, &session.actor.source, now, false)
                .await?;
            return Err(AppError::invalid("code", message));
        }
        self.store
            .record_sign_in_attempt(&key, &session.actor.source, now, true)
            .await?;
        if credentials.totp_confirmed_at.is_none() {
            credentials.totp_confirmed_at = Some(now);
            let mut tx = self.store.begin().await?;
            tx.set_credentials(&session.actor.user.id, &credentials, now)
                .await?;
            self.audit(
                &mut tx,
                &session.actor,
                "user.totp_confirmed",
                "user",
                &session.actor.user.id,
                "",
            )
            .await?;
            tx.commit().await?;
        }
        self.store
            .set_session_second_factor(&session.token_hash, now)
            .await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn sign_out(&self, session: &ResolvedSession) -> AppResult<()> {
        self.store.delete_session(&session.token_hash).await?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            &session.actor,
            "session.end",
            "user",
            &session.actor.user.id,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Finds the user an API bearer token belongs to.
    pub async fn resolve_api_token(&self, token: &str, source: &str) -> AppResult<Option<Actor>> {
        Ok(self
            .store
            .find_user_by_token_hash(&token_hash(token), self.now())
            .await?
            .filter(|u| u.disabled_at.is_none())
            .map(|user| Actor {
                user,
                source: source.to_string(),
            }))
    }

    /// Removes timed-out sessions (run by the background worker).
    pub async fn sweep_sessions(&self) -> AppResult<u64> {
        let now = self.now();
        // Rate-limit counts older than a day no longer matter to any window.
        self.store
            .purge_rate_events(now - chrono::Duration::days(1))
            .await?;
        // OpenID Connect sign-ins that were never finished (they expire after 10 minutes).
        self.store.purge_oidc_requests(now).await?;
        Ok(self
            .store
            .delete_expired_sessions(now, now - self.settings.session_idle)
            .await?)
    }
}

/// The system actor, for audit entries written by background work.
pub fn worker_actor() -> Actor {
    system_actor("worker")
}
