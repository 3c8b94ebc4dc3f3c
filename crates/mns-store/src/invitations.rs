//! Invitations: access to a child given to someone who has no account yet. Only the link's
//! token hash is kept; a link works once, until it expires, and not after it is cancelled.

use crate::columns::{OptText, Text};
use crate::pupils::day;
use crate::{Store, StoreResult, WriteTx, new_id, ts};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

/// An invitation as stored (never its token).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct InvitationRecord {
    /// Its id.
    pub id: String,
    /// The email it was sent to; the account it creates has this address.
    pub email: String,
    /// The child it gives access to.
    pub pupil_id: String,
    /// `parent`, `provider`, `health_professional` or `case_viewer`.
    pub kind: String,
    /// In words.
    pub relationship: String,
    /// For a parent or carer: `yes`, `no` or `unknown`.
    pub parental_responsibility: String,
    /// The last day of access, if it ends.
    #[sqlx(try_from = "OptText<NaiveDate>")]
    pub ends_on: Option<NaiveDate>,
    /// Why access is given.
    pub reason: String,
    /// Who sent it.
    pub invited_by: String,
    /// When.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub created_at: DateTime<Utc>,
    /// When the link stops working.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub expires_at: DateTime<Utc>,
    /// When it was accepted, if it was.
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    pub accepted_at: Option<DateTime<Utc>>,
    /// When it was cancelled, if it was.
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl InvitationRecord {
    /// Whether the link still works at `now`.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.accepted_at.is_none() && self.cancelled_at.is_none() && self.expires_at > now
    }
}

/// An invitation to write.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    /// The token's hash.
    pub token_hash: &'a str,
    /// Where it goes.
    pub email: &'a str,
    /// The child.
    pub pupil_id: &'a str,
    /// The kind of access.
    pub kind: &'a str,
    /// In words.
    pub relationship: &'a str,
    /// `yes`, `no` or `unknown`.
    pub parental_responsibility: &'a str,
    /// The last day, if any.
    pub ends_on: Option<NaiveDate>,
    /// Why.
    pub reason: &'a str,
    /// Who sends it.
    pub invited_by: &'a str,
    /// When.
    pub now: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT id, email, pupil_id, kind, relationship, parental_responsibility, \
     ends_on, reason, invited_by, created_at, expires_at, accepted_at, cancelled_at \
     FROM invitations";

impl WriteTx {
    /// Stores an invitation, returning its id.
    pub async fn insert_invitation(&mut self, new: &NewInvitation<'_>) -> StoreResult<String> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO invitations (id, token_hash, email, pupil_id, kind, relationship, \
             parental_responsibility, ends_on, reason, invited_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&id)
        .bind(new.token_hash)
        .bind(new.email)
        .bind(new.pupil_id)
        .bind(new.kind)
        .bind(new.relationship)
        .bind(new.parental_responsibility)
        .bind(new.ends_on.map(day))
        .bind(new.reason)
        .bind(new.invited_by)
        .bind(ts(new.now))
        .bind(ts(new.expires_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// Accepts the open invitation with `token_hash` to `email` for `user_id` (one atomic
    /// statement, so a link is never used twice even by two requests at once), and with it every
    /// other open invitation to that address of the same kind (an account holds one role). If
    /// the link is not open nothing changes and the answer is empty. Returns the invitations
    /// accepted.
    pub async fn accept_invitations(
        &mut self,
        token_hash: &str,
        email: &str,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<InvitationRecord>> {
        let open = "accepted_at IS NULL AND cancelled_at IS NULL AND expires_at > $1";
        let done = sqlx::query(&format!(
            "UPDATE invitations SET accepted_at = $1, accepted_by = $2 \
             WHERE token_hash = $3 AND email = $4 AND {open}"
        ))
        .bind(ts(now))
        .bind(user_id)
        .bind(token_hash)
        .bind(email)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(Vec::new());
        }
        sqlx::query(&format!(
            "UPDATE invitations SET accepted_at = $1, accepted_by = $2 WHERE email = $3 \
             AND kind = (SELECT kind FROM invitations WHERE token_hash = $4) AND {open}"
        ))
        .bind(ts(now))
        .bind(user_id)
        .bind(email)
        .bind(token_hash)
        .execute(&mut *self.tx)
        .await?;
        let rows: Vec<InvitationRecord> = sqlx::query_as(&format!(
            "{SELECT} WHERE accepted_by = $1 AND accepted_at = $2"
        ))
        .bind(user_id)
        .bind(ts(now))
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(rows)
    }

    /// Cancels an open invitation to a child. Returns whether there was one.
    pub async fn cancel_invitation(
        &mut self,
        pupil_id: &str,
        invitation_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE invitations SET cancelled_at = $1 WHERE id = $2 AND pupil_id = $3 \
             AND accepted_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(ts(now))
        .bind(invitation_id)
        .bind(pupil_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Cancels the open invitations to `email` for a child (a newer one replaces them).
    pub async fn cancel_invitations_to(
        &mut self,
        pupil_id: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE invitations SET cancelled_at = $1 WHERE pupil_id = $2 AND email = $3 \
             AND accepted_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(ts(now))
        .bind(pupil_id)
        .bind(email)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The invitation a link's token belongs to, whatever its state.
    pub async fn invitation_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<InvitationRecord>> {
        self.row_where(
            &format!("{SELECT} WHERE token_hash = $1"),
            &[token_hash],
            Ok,
        )
        .await
    }

    /// The invitations to a child not yet accepted or cancelled (expired ones included, so the
    /// page can say so), oldest first.
    pub async fn pending_invitations(&self, pupil_id: &str) -> StoreResult<Vec<InvitationRecord>> {
        self.rows_where(
            &format!(
                "{SELECT} WHERE pupil_id = $1 AND accepted_at IS NULL AND cancelled_at IS NULL \
                 ORDER BY created_at, id"
            ),
            &[pupil_id],
            Ok,
        )
        .await
    }

    /// One invitation to a child.
    pub async fn invitation(
        &self,
        pupil_id: &str,
        invitation_id: &str,
    ) -> StoreResult<Option<InvitationRecord>> {
        self.row_where(
            &format!("{SELECT} WHERE id = $1 AND pupil_id = $2"),
            &[invitation_id, pupil_id],
            Ok,
        )
        .await
    }
}
