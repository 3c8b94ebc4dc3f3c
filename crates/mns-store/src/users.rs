//! Users, their local credentials, external identities (OpenID Connect) and API tokens.

use crate::{
    Store, StoreError, StoreResult, WriteTx, duplicate_as, new_id, parse_ts, qualified, ts,
};
use chrono::{DateTime, Utc};
use mns_domain::identity::Role;

/// A user of the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The user's id.
    pub id: String,
    /// Email address, lower-cased; how the user signs in.
    pub email: String,
    /// The name shown to other users.
    pub display_name: String,
    /// What kind of user this is.
    pub role: Role,
    /// For a school user, the school's URN.
    pub school_urn: Option<String>,
    /// When the user was disabled, if they were.
    pub disabled_at: Option<DateTime<Utc>>,
    /// When the user was added.
    pub created_at: DateTime<Utc>,
}

/// An API token as its owner and the coordinator see it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    /// The token's id.
    pub id: String,
    /// Whose it is.
    pub user_id: String,
    /// What it is for, as its issuer named it.
    pub name: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working (tokens issued before expiry existed have none).
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

type TokenRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// A local account's secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRecord {
    /// Argon2id PHC string.
    pub password_hash: String,
    /// The TOTP secret (base32), if one has been set up.
    pub totp_secret: Option<String>,
    /// When the TOTP secret was confirmed by a first code.
    pub totp_confirmed_at: Option<DateTime<Utc>>,
}

pub(crate) type UserRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);

const USER_COLUMNS: &str = "id, email, display_name, role, school_urn, disabled_at, created_at";

pub(crate) fn user(
    (id, email, display_name, role, school_urn, disabled_at, created_at): UserRow,
) -> StoreResult<UserRecord> {
    Ok(UserRecord {
        id,
        email,
        display_name,
        role: Role::parse(&role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        school_urn,
        disabled_at: disabled_at.as_deref().map(parse_ts).transpose()?,
        created_at: parse_ts(&created_at)?,
    })
}

impl WriteTx {
    /// Adds a user; a second user with the same email is refused.
    pub async fn insert_user(&mut self, user: &UserRecord) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(&user.school_urn)
        .bind(user.disabled_at.map(ts))
        .bind(ts(user.created_at))
        .execute(&mut *self.tx)
        .await
        .map_err(duplicate_as("a user with that email address"))?;
        Ok(())
    }

    /// Sets (or replaces) a user's local credentials.
    pub async fn set_credentials(
        &mut self,
        user_id: &str,
        credentials: &CredentialRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        // The last accepted one-time code's step survives, so no code is accepted twice; so do
        // the coordinator's recovery flags.
        let kept: Option<(Option<i64>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT totp_last_step, must_change_password_at, self_reset_allowed_at \
             FROM local_credentials WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&mut *self.tx)
        .await?;
        let (last_step, must_change, self_reset) = kept.unwrap_or_default();
        sqlx::query("DELETE FROM local_credentials WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "INSERT INTO local_credentials (user_id, password_hash, totp_secret, \
             totp_confirmed_at, updated_at, totp_last_step, must_change_password_at, \
             self_reset_allowed_at) VALUES ($1, $2, $3, $4, $5, NULLIF($6, -1), $7, $8)",
        )
        .bind(user_id)
        .bind(&credentials.password_hash)
        .bind(&credentials.totp_secret)
        .bind(credentials.totp_confirmed_at.map(ts))
        .bind(ts(now))
        // Always an integer (-1 for none): PostgreSQL keeps a statement's parameter types.
        .bind(last_step.unwrap_or(-1))
        .bind(must_change)
        .bind(self_reset)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Disables a user and ends every one of their sessions and API tokens in the same
    /// transaction, so a disabled user is signed out at once.
    pub async fn disable_user(&mut self, user_id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
                .bind(ts(now))
                .bind(user_id)
                .execute(&mut *self.tx)
                .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(ts(now))
        .bind(user_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Re-enables a disabled user.
    pub async fn enable_user(&mut self, user_id: &str) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE users SET disabled_at = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a new API token's hash for a user, with its name and expiry; returns its id.
    pub async fn insert_api_token(
        &mut self,
        user_id: &str,
        token_hash: &str,
        name: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, token_hash, created_at, name, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(user_id)
        .bind(token_hash)
        .bind(ts(now))
        .bind(name)
        .bind(ts(expires_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// Revokes one token of `user_id`; false if it is not theirs or already revoked.
    pub async fn revoke_api_token(
        &mut self,
        token_id: &str,
        user_id: &str,
        revoked_by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 \
             WHERE id = $3 AND user_id = $4 AND revoked_at IS NULL",
        )
        .bind(ts(now))
        .bind(revoked_by)
        .bind(token_id)
        .bind(user_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Links an external identity (OpenID Connect issuer and subject) to a user.
    pub async fn link_identity(
        &mut self,
        issuer: &str,
        subject: &str,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO user_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(issuer)
        .bind(subject)
        .bind(user_id)
        .bind(ts(now))
        .execute(&mut *self.tx)
        .await
        .map_err(duplicate_as("that identity"))?;
        Ok(())
    }
}

impl Store {
    /// The user with this id.
    pub async fn get_user(&self, id: &str) -> StoreResult<Option<UserRecord>> {
        self.row_where(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
            &[id],
            user,
        )
        .await
    }

    /// The user with this email address (already lower-cased).
    pub async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        self.row_where(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"),
            &[email],
            user,
        )
        .await
    }

    /// The user an unrevoked, unexpired API token belongs to.
    pub async fn find_user_by_token_hash(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<UserRecord>> {
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "SELECT {} FROM users u JOIN api_tokens t ON t.user_id = u.id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
             AND (t.expires_at IS NULL OR t.expires_at > $2)",
            qualified(USER_COLUMNS, "u")
        ))
        .bind(token_hash)
        .bind(ts(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(user).transpose()
    }

    /// The user an external identity is linked to.
    pub async fn find_user_by_identity(
        &self,
        issuer: &str,
        subject: &str,
    ) -> StoreResult<Option<String>> {
        self.row_where(
            "SELECT user_id FROM user_identities WHERE issuer = $1 AND subject = $2",
            &[issuer, subject],
            |(id,): (String,)| Ok(id),
        )
        .await
    }

    /// Every user, by role then email.
    pub async fn list_users(&self) -> StoreResult<Vec<UserRecord>> {
        self.rows_where(
            &format!("SELECT {USER_COLUMNS} FROM users ORDER BY role, email"),
            &[],
            user,
        )
        .await
    }

    /// A user's API tokens, newest first.
    pub async fn api_tokens_of(&self, user_id: &str) -> StoreResult<Vec<ApiTokenRecord>> {
        let rows: Vec<TokenRow> = sqlx::query_as(
            "SELECT id, user_id, name, created_at, expires_at, revoked_at FROM api_tokens \
                 WHERE user_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, user_id, name, created, expires, revoked)| {
                Ok(ApiTokenRecord {
                    id,
                    user_id,
                    name,
                    created_at: parse_ts(&created)?,
                    expires_at: expires.as_deref().map(parse_ts).transpose()?,
                    revoked_at: revoked.as_deref().map(parse_ts).transpose()?,
                })
            })
            .collect()
    }

    /// A user's local credentials, if they have any.
    pub async fn get_credentials(&self, user_id: &str) -> StoreResult<Option<CredentialRecord>> {
        let row: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT password_hash, totp_secret, totp_confirmed_at FROM local_credentials \
             WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(password_hash, totp_secret, confirmed)| {
            Ok(CredentialRecord {
                password_hash,
                totp_secret,
                totp_confirmed_at: confirmed.as_deref().map(parse_ts).transpose()?,
            })
        })
        .transpose()
    }
}
