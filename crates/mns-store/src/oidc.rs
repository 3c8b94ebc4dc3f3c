//! OpenID Connect sign-in: sign-ins in progress (single use), coordinators' links to connect an
//! account, which provider a session came from, and the identities linked to a user.

use crate::columns::{OptText, Text};
use crate::{Store, StoreResult, WriteTx, new_id, ts};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

/// A sign-in in progress, between sending the browser to the provider and its return.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OidcRequestRecord {
    /// SHA-256 of the `state` sent to the provider.
    pub state_hash: String,
    /// SHA-256 of the browser-binding cookie set when the sign-in began.
    pub binding_hash: String,
    /// The provider's id (as configured).
    pub provider: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// SHA-256 of the coordinator's link token, if the sign-in connects an account.
    pub link_token_hash: Option<String>,
    /// When it began.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub created_at: DateTime<Utc>,
    /// When it can no longer be finished.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub expires_at: DateTime<Utc>,
}

/// A coordinator's link to connect a provider's account to a user.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct IdentityLinkRecord {
    /// Its id.
    pub id: String,
    /// The user the identity will be linked to.
    pub user_id: String,
    /// The provider's id.
    pub provider: String,
    /// Who sent it.
    pub created_by: String,
    /// When.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub expires_at: DateTime<Utc>,
    /// When it was used.
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    pub used_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl IdentityLinkRecord {
    /// Whether the link still works at `now`.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.used_at.is_none() && self.cancelled_at.is_none() && self.expires_at > now
    }
}

/// An identity linked to a user.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct IdentityRecord {
    /// The issuer.
    pub issuer: String,
    /// The subject.
    pub subject: String,
    /// The provider it was linked through, where known.
    pub provider: Option<String>,
    /// When it was linked.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub created_at: DateTime<Utc>,
}

const LINK_SELECT: &str = "SELECT id, user_id, provider, created_by, created_at, expires_at, \
     used_at, cancelled_at FROM identity_link_requests";

impl Store {
    /// Stores a sign-in in progress.
    pub async fn insert_oidc_request(&self, r: &OidcRequestRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO oidc_requests (state_hash, binding_hash, provider, nonce, \
             pkce_verifier, link_token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&r.state_hash)
        .bind(&r.binding_hash)
        .bind(&r.provider)
        .bind(&r.nonce)
        .bind(&r.pkce_verifier)
        .bind(r.link_token_hash.as_deref())
        .bind(ts(r.created_at))
        .bind(ts(r.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes the sign-in in progress with this state, started in the browser with this binding
    /// for this provider and not yet expired: one atomic `DELETE … RETURNING`, so a state is
    /// used at most once even by two callbacks at the same moment. A state that matches but
    /// comes from another browser is left alone (the real browser can still finish).
    pub async fn take_oidc_request(
        &self,
        state_hash: &str,
        binding_hash: &str,
        provider: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<OidcRequestRecord>> {
        Ok(sqlx::query_as(
            "DELETE FROM oidc_requests WHERE state_hash = $1 AND binding_hash = $2 \
             AND provider = $3 AND expires_at > $4 RETURNING state_hash, binding_hash, provider, \
             nonce, pkce_verifier, link_token_hash, created_at, expires_at",
        )
        .bind(state_hash)
        .bind(binding_hash)
        .bind(provider)
        .bind(ts(now))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Removes sign-ins in progress that can no longer be finished.
    pub async fn purge_oidc_requests(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        Ok(
            sqlx::query("DELETE FROM oidc_requests WHERE expires_at <= $1")
                .bind(ts(now))
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    /// Records which provider a session came from and its ID token (for signing out there).
    pub async fn set_session_oidc(
        &self,
        token_hash: &str,
        provider: &str,
        id_token: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE sessions SET oidc_provider = $1, oidc_id_token = $2 WHERE token_hash = $3",
        )
        .bind(provider)
        .bind(id_token)
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The provider a session came from and its ID token, if it came from one.
    pub async fn session_oidc(&self, token_hash: &str) -> StoreResult<Option<(String, String)>> {
        let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT oidc_provider, oidc_id_token FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(p, t)| Some((p?, t?))))
    }

    /// The coordinator's link with this token, whatever its state.
    pub async fn identity_link_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<IdentityLinkRecord>> {
        Ok(
            sqlx::query_as(&format!("{LINK_SELECT} WHERE token_hash = $1"))
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The links sent for a user, newest first.
    pub async fn identity_links_for(&self, user_id: &str) -> StoreResult<Vec<IdentityLinkRecord>> {
        Ok(sqlx::query_as(&format!(
            "{LINK_SELECT} WHERE user_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The identities linked to a user, oldest first.
    pub async fn identities_of(&self, user_id: &str) -> StoreResult<Vec<IdentityRecord>> {
        Ok(sqlx::query_as(
            "SELECT issuer, subject, provider, created_at FROM user_identities \
             WHERE user_id = $1 ORDER BY created_at, issuer, subject",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

impl WriteTx {
    /// Stores a coordinator's link, returning its id.
    pub async fn insert_identity_link(
        &mut self,
        token_hash: &str,
        user_id: &str,
        provider: &str,
        created_by: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<String> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO identity_link_requests (id, token_hash, user_id, provider, created_by, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(token_hash)
        .bind(user_id)
        .bind(provider)
        .bind(created_by)
        .bind(ts(now))
        .bind(ts(expires_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// Uses the open link with this token for this provider (one conditional update, so a
    /// link is used at most once). Returns the user it links to, or nothing if it was not open.
    pub async fn use_identity_link(
        &mut self,
        token_hash: &str,
        provider: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "UPDATE identity_link_requests SET used_at = $1 WHERE token_hash = $2 \
             AND provider = $3 AND used_at IS NULL AND cancelled_at IS NULL AND expires_at > $1 \
             RETURNING user_id",
        )
        .bind(ts(now))
        .bind(token_hash)
        .bind(provider)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(row.map(|(user,)| user))
    }

    /// Cancels a user's open links for a provider (a newer one replaces them, or the
    /// coordinator withdrew it).
    pub async fn cancel_identity_links(
        &mut self,
        user_id: &str,
        provider: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        Ok(sqlx::query(
            "UPDATE identity_link_requests SET cancelled_at = $1 WHERE user_id = $2 \
             AND provider = $3 AND used_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(ts(now))
        .bind(user_id)
        .bind(provider)
        .execute(&mut *self.tx)
        .await?
        .rows_affected())
    }

    /// Records the provider an identity was linked through.
    pub async fn set_identity_provider(
        &mut self,
        issuer: &str,
        subject: &str,
        provider: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE user_identities SET provider = $1 WHERE issuer = $2 AND subject = $3")
            .bind(provider)
            .bind(issuer)
            .bind(subject)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Unlinks an identity from a user. Returns whether it was linked to them.
    pub async fn unlink_identity(
        &mut self,
        user_id: &str,
        issuer: &str,
        subject: &str,
    ) -> StoreResult<bool> {
        Ok(sqlx::query(
            "DELETE FROM user_identities WHERE user_id = $1 AND issuer = $2 AND subject = $3",
        )
        .bind(user_id)
        .bind(issuer)
        .bind(subject)
        .execute(&mut *self.tx)
        .await?
        .rows_affected()
            == 1)
    }
}
