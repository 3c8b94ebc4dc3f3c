//! What families say about the Local Offer, and "You said, we did" (issue 19, migration 0027):
//! the comment as left, the Local Offer officer's moderation, and the council's answer.

use crate::columns::{OptText, Text};
use crate::{Store, StoreResult, WriteTx};
use chrono::{DateTime, Utc};
use mns_domain::directory::feedback::{
    ActionStatus, FeedbackSource, Moderation, Theme, WithheldReason,
};
use sqlx::FromRow;

/// A comment, with its moderation.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct FeedbackRecord {
    /// Its id.
    pub id: String,
    /// Where it came from.
    #[sqlx(try_from = "Text<FeedbackSource>")]
    pub source: FeedbackSource,
    /// The service it is about, if one.
    pub service_id: Option<String>,
    /// The event it was gathered at, if one.
    pub event_id: Option<String>,
    /// When it was left (stored form).
    pub created_at: String,
    /// What they said.
    pub comment: String,
    /// An address for a reply, if they gave one.
    pub email: Option<String>,
    /// `new` or `read`.
    pub status: String,
    /// The officer who recorded it (comments gathered at events and consultations).
    pub recorded_by: Option<String>,
    /// `pending`, `published` or `withheld`.
    pub moderation: String,
    /// What it is about.
    #[sqlx(try_from = "OptText<Theme>")]
    pub theme: Option<Theme>,
    /// Why it is not published.
    #[sqlx(try_from = "OptText<WithheldReason>")]
    pub withheld_reason: Option<WithheldReason>,
    /// What families said, as published.
    pub you_said: Option<String>,
    /// The council's answer.
    pub we_did: Option<String>,
    /// How far the council has got.
    #[sqlx(try_from = "OptText<ActionStatus>")]
    pub action_status: Option<ActionStatus>,
    /// Who moderated it.
    pub moderated_by: Option<String>,
    /// When (stored form).
    pub moderated_at: Option<String>,
}

const COLUMNS: &str = "SELECT id, source, service_id, event_id, created_at, comment, email, \
     status, recorded_by, moderation, theme, withheld_reason, you_said, we_did, action_status, \
     moderated_by, moderated_at FROM local_offer_feedback";

impl Store {
    /// How many comments are in `status` (the officer's page counts the new ones without
    /// reading them all).
    pub async fn count_feedback_with_status(&self, status: &str) -> StoreResult<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM local_offer_feedback WHERE status = $1")
                .bind(status)
                .fetch_one(&self.pool)
                .await?;
        Ok(n)
    }

    /// Comments with a status (every one when `None`), newest first.
    pub async fn directory_feedback(
        &self,
        status: Option<&str>,
    ) -> StoreResult<Vec<FeedbackRecord>> {
        let status = status.unwrap_or("%");
        Ok(sqlx::query_as(&format!(
            "{COLUMNS} WHERE status LIKE $1 ORDER BY created_at DESC, id"
        ))
        .bind(status)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One comment.
    pub async fn feedback_item(&self, id: &str) -> StoreResult<Option<FeedbackRecord>> {
        Ok(sqlx::query_as(&format!("{COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Published comments, most recently answered first.
    pub async fn published_feedback(&self) -> StoreResult<Vec<FeedbackRecord>> {
        Ok(sqlx::query_as(&format!(
            "{COLUMNS} WHERE moderation = 'published' ORDER BY moderated_at DESC, id"
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Comments left from `from` up to (not including) `to` (stored forms), oldest first.
    pub async fn feedback_between(&self, from: &str, to: &str) -> StoreResult<Vec<FeedbackRecord>> {
        Ok(sqlx::query_as(&format!(
            "{COLUMNS} WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id"
        ))
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?)
    }
}

impl WriteTx {
    /// Stores a comment.
    pub async fn insert_feedback(&mut self, f: &FeedbackRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO local_offer_feedback (id, source, service_id, event_id, created_at, \
             comment, email, status, recorded_by, moderation) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending')",
        )
        .bind(&f.id)
        .bind(f.source.as_str())
        .bind(&f.service_id)
        .bind(&f.event_id)
        .bind(&f.created_at)
        .bind(&f.comment)
        .bind(&f.email)
        .bind(&f.status)
        .bind(&f.recorded_by)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Marks a comment as read.
    pub async fn mark_feedback_read(&mut self, id: &str) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE local_offer_feedback SET status = 'read' WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the officer's decision on a comment (which also marks it read). Whether there
    /// was such a comment.
    pub async fn moderate_feedback(
        &mut self,
        id: &str,
        decision: &Moderation,
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let (moderation, theme, reason, you_said, we_did, status) = match decision {
            Moderation::Publish {
                theme,
                you_said,
                we_did,
                status,
            } => (
                "published",
                Some(theme.as_str().to_string()),
                None,
                Some(you_said.clone()),
                Some(we_did.clone()),
                Some(status.as_str().to_string()),
            ),
            Moderation::Withhold { theme, reason } => (
                "withheld",
                theme.map(|t| t.as_str().to_string()),
                Some(reason.as_str().to_string()),
                None,
                None,
                None,
            ),
        };
        let done = sqlx::query(
            "UPDATE local_offer_feedback SET status = 'read', moderation = $1, theme = $2, \
             withheld_reason = $3, you_said = $4, we_did = $5, action_status = $6, \
             moderated_by = $7, moderated_at = $8 WHERE id = $9",
        )
        .bind(moderation)
        .bind(theme)
        .bind(reason)
        .bind(you_said)
        .bind(we_did)
        .bind(status)
        .bind(by)
        .bind(crate::ts(at))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
