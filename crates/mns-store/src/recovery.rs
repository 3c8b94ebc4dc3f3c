//! Getting back into an account: single-use password-reset links, the "must choose a new
//! password" and "may reset by email" flags, unlocking, and ending a user's sessions.

use crate::{Store, StoreResult, WriteTx, new_id, parse_ts, ts};
use chrono::{DateTime, Utc};

/// A password-reset link as stored (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordResetRecord {
    /// Whose password it resets.
    pub user_id: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was used, if it was.
    pub used_at: Option<DateTime<Utc>>,
}

/// The recovery flags on a user's local credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryFlags {
    /// When the coordinator said the user must choose a new password.
    pub must_change_password_at: Option<DateTime<Utc>>,
    /// When the coordinator allowed a member of staff to reset their own password by email.
    pub self_reset_allowed_at: Option<DateTime<Utc>>,
}

impl WriteTx {
    /// Stores a new reset link's hash for a user.
    pub async fn insert_password_reset(
        &mut self,
        user_id: &str,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO password_resets (id, token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new_id())
        .bind(token_hash)
        .bind(user_id)
        .bind(ts(now))
        .bind(ts(expires_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Uses a reset link: one atomic statement, so a link is never used twice, even by two
    /// requests at once. Returns whose it was, or `None` if it is unknown, used or expired.
    pub async fn use_password_reset(
        &mut self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        let done = sqlx::query(
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(ts(now))
        .bind(token_hash)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        let (user_id,): (String,) =
            sqlx::query_as("SELECT user_id FROM password_resets WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_one(&mut *self.tx)
                .await?;
        Ok(Some(user_id))
    }

    /// Makes every unused reset link of a user stop working (a newer password was set).
    pub async fn cancel_password_resets(
        &mut self,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        )
        .bind(ts(now))
        .bind(user_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Replaces a user's password hash and clears "must choose a new password".
    pub async fn set_password_hash(
        &mut self,
        user_id: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE local_credentials SET password_hash = $1, updated_at = $2, \
             must_change_password_at = NULL WHERE user_id = $3",
        )
        .bind(password_hash)
        .bind(ts(now))
        .bind(user_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Says the user must choose a new password before anything else.
    pub async fn require_password_change(
        &mut self,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE local_credentials SET must_change_password_at = $1 WHERE user_id = $2",
        )
        .bind(ts(now))
        .bind(user_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Allows (or stops allowing) a member of staff to reset their own password by email.
    pub async fn set_self_reset_allowed(
        &mut self,
        user_id: &str,
        allowed: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        // Two statements rather than one with an optional parameter: PostgreSQL keeps a
        // statement's parameter types.
        let done = if allowed {
            sqlx::query(
                "UPDATE local_credentials SET self_reset_allowed_at = $1 WHERE user_id = $2",
            )
            .bind(ts(now))
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?
        } else {
            sqlx::query(
                "UPDATE local_credentials SET self_reset_allowed_at = NULL WHERE user_id = $1",
            )
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?
        };
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a user's one-time code key with a new, unconfirmed one: they set up their
    /// authenticator app again at their next sign-in.
    pub async fn reset_totp_secret(&mut self, user_id: &str, secret: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE local_credentials SET totp_secret = $1, totp_confirmed_at = NULL \
             WHERE user_id = $2",
        )
        .bind(secret)
        .bind(user_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends every session of a user except the one whose hash is `keep` ("" for none).
    pub async fn end_sessions_of(&mut self, user_id: &str, keep: &str) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected())
    }

    /// Forgets the failed sign-ins that lock an account (its password's and its one-time
    /// code's), so its owner may try again at once.
    pub async fn clear_failed_sign_ins(
        &mut self,
        email_key: &str,
        totp_key: &str,
    ) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM sign_in_attempts WHERE (email_key = $1 OR email_key = $2) \
             AND succeeded_at IS NULL",
        )
        .bind(email_key)
        .bind(totp_key)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected())
    }
}

impl Store {
    /// The reset link with this hash, if there is one.
    pub async fn find_password_reset(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<PasswordResetRecord>> {
        let row: Option<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(user_id, expires, used)| {
            Ok(PasswordResetRecord {
                user_id,
                expires_at: parse_ts(&expires)?,
                used_at: used.as_deref().map(parse_ts).transpose()?,
            })
        })
        .transpose()
    }

    /// A user's recovery flags (all unset if they have no local credentials).
    pub async fn recovery_flags(&self, user_id: &str) -> StoreResult<RecoveryFlags> {
        let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT must_change_password_at, self_reset_allowed_at FROM local_credentials \
             WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((must, allowed)) = row else {
            return Ok(RecoveryFlags::default());
        };
        Ok(RecoveryFlags {
            must_change_password_at: must.as_deref().map(parse_ts).transpose()?,
            self_reset_allowed_at: allowed.as_deref().map(parse_ts).transpose()?,
        })
    }
}
