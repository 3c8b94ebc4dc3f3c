//! Server-side sessions and sign-in attempts. Sessions live in the database so that any
//! instance can serve any user; the cookie carries a random token whose SHA-256 is the key.

use crate::{Store, StoreResult, WriteTx, new_id, parse_ts, ts};
use chrono::{DateTime, Utc};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the cookie's token, hex.
    pub token_hash: String,
    /// Whose session it is.
    pub user_id: String,
    /// The token forms must carry (synchroniser-token CSRF protection).
    pub csrf_token: String,
    /// When the second factor was given, if it was.
    pub second_factor_at: Option<DateTime<Utc>>,
    /// When the session began.
    pub created_at: DateTime<Utc>,
    /// The last request (for the idle time-out).
    pub last_seen_at: DateTime<Utc>,
    /// The absolute end of the session.
    pub expires_at: DateTime<Utc>,
}

type SessionRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
);

/// A session, its user, and when they were told to change their password (if they were).
#[derive(Debug, Clone)]
pub struct SessionWithUser {
    /// The session.
    pub session: SessionRecord,
    /// Whose it is.
    pub user: crate::UserRecord,
    /// Set when the user must change their password before anything else.
    pub must_change_password_at: Option<DateTime<Utc>>,
}

/// The session's seven columns, the user's seven and the password flag, as one row.
type SessionUserRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

fn session(
    (token_hash, user_id, csrf_token, second, created, seen, expires): SessionRow,
) -> StoreResult<SessionRecord> {
    Ok(SessionRecord {
        token_hash,
        user_id,
        csrf_token,
        second_factor_at: second.as_deref().map(parse_ts).transpose()?,
        created_at: parse_ts(&created)?,
        last_seen_at: parse_ts(&seen)?,
        expires_at: parse_ts(&expires)?,
    })
}

impl Store {
    /// Starts a session.
    pub async fn insert_session(&self, session: &SessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, second_factor_at, created_at, \
             last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&session.token_hash)
        .bind(&session.user_id)
        .bind(&session.csrf_token)
        .bind(session.second_factor_at.map(ts))
        .bind(ts(session.created_at))
        .bind(ts(session.last_seen_at))
        .bind(ts(session.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session with this token hash, if it exists.
    pub async fn find_session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT token_hash, user_id, csrf_token, second_factor_at, created_at, last_seen_at, \
             expires_at FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(session).transpose()
    }

    /// The session with this token hash with its user and whether they must change their
    /// password, in one read: what every signed-in request needs (issue 20).
    pub async fn find_session_with_user(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<SessionWithUser>> {
        let row: Option<SessionUserRow> = sqlx::query_as(
            "SELECT s.token_hash, s.user_id, s.csrf_token, s.second_factor_at, s.created_at, \
             s.last_seen_at, s.expires_at, u.id, u.email, u.display_name, u.role, u.school_urn, \
             u.disabled_at, u.created_at, c.must_change_password_at FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             LEFT JOIN local_credentials c ON c.user_id = s.user_id WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionWithUser {
                session: session((r.0, r.1, r.2, r.3, r.4, r.5, r.6))?,
                user: crate::users::user((r.7, r.8, r.9, r.10, r.11, r.12, r.13))?,
                must_change_password_at: r.14.as_deref().map(parse_ts).transpose()?,
            })
        })
        .transpose()
    }

    /// Records activity on a session (for the idle time-out).
    pub async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(ts(now))
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records that the second factor was given in this session.
    pub async fn set_session_second_factor(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET second_factor_at = $1 WHERE token_hash = $2")
            .bind(ts(now))
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions past their absolute or idle end.
    pub async fn delete_expired_sessions(
        &self,
        now: DateTime<Utc>,
        idle_since: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2")
            .bind(ts(now))
            .bind(ts(idle_since))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Records a sign-in attempt for throttling.
    pub async fn record_sign_in_attempt(
        &self,
        email_key: &str,
        source: &str,
        at: DateTime<Utc>,
        succeeded: bool,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sign_in_attempts (id, email_key, source, at, succeeded_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new_id())
        .bind(email_key)
        .bind(source)
        .bind(ts(at))
        .bind(succeeded.then(|| ts(at)))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Failed sign-ins for this account since `since` (and since its last success).
    pub async fn failed_sign_ins_since(
        &self,
        email_key: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let (count,): (i64,) = sqlx::query_as(FAILED_FOR_ACCOUNT)
            .bind(email_key)
            .bind(ts(since))
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    /// Marks a reserved sign-in attempt ([`WriteTx::reserve_sign_in_attempt`]) as succeeded.
    pub async fn mark_sign_in_succeeded(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE sign_in_attempts SET succeeded_at = $1 WHERE id = $2")
            .bind(ts(at))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Accepts a one-time code's time step for a user if it is later than the last one
    /// accepted: one atomic statement, so the same code is never accepted twice, even by two
    /// requests at once.
    pub async fn accept_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE local_credentials SET totp_last_step = $1 WHERE user_id = $2 \
             AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

const FAILED_FOR_ACCOUNT: &str = "SELECT COUNT(*) FROM sign_in_attempts WHERE email_key = $1 \
     AND at >= $2 AND succeeded_at IS NULL AND at > COALESCE((SELECT MAX(succeeded_at) \
     FROM sign_in_attempts WHERE email_key = $1), '')";

/// What a sign-in attempt found when it reserved its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInReservation {
    /// The attempt's id, to mark it succeeded.
    pub id: String,
    /// Failed attempts on the account in the window, before this one.
    pub account_failures: i64,
    /// Failed attempts from the address in the window, before this one.
    pub address_failures: i64,
}

impl WriteTx {
    /// Counts the failed sign-ins on an account and from an address since `since`, and
    /// records this attempt as failed until it is marked succeeded. Done inside a write
    /// transaction, which both databases serialise, so simultaneous attempts each see the
    /// ones before them: ten wrong passwords at once cannot all be checked against a limit of
    /// five.
    pub async fn reserve_sign_in_attempt(
        &mut self,
        email_key: &str,
        source: &str,
        since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> StoreResult<SignInReservation> {
        let (account_failures,): (i64,) = sqlx::query_as(FAILED_FOR_ACCOUNT)
            .bind(email_key)
            .bind(ts(since))
            .fetch_one(&mut *self.tx)
            .await?;
        let (address_failures,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM sign_in_attempts WHERE source = $1 AND at >= $2 \
             AND succeeded_at IS NULL AND email_key NOT LIKE 'totp:%'",
        )
        .bind(source)
        .bind(ts(since))
        .fetch_one(&mut *self.tx)
        .await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO sign_in_attempts (id, email_key, source, at, succeeded_at) \
             VALUES ($1, $2, $3, $4, NULL)",
        )
        .bind(&id)
        .bind(email_key)
        .bind(source)
        .bind(ts(at))
        .execute(&mut *self.tx)
        .await?;
        Ok(SignInReservation {
            id,
            account_failures,
            address_failures,
        })
    }
}
