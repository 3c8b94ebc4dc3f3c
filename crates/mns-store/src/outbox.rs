//! The transactional outbox: messages are written in the transaction of the change they
//! announce, and delivered afterwards by a worker. Claiming is safe with several instances on
//! one PostgreSQL (`FOR UPDATE SKIP LOCKED`); a claim is a lease, so a crashed worker's
//! messages are picked up again when it runs out.

use crate::columns::Text;
use crate::{Store, StoreResult, WriteTx, new_id, parse_ts, ts};
use chrono::{DateTime, Utc};

/// A message waiting to be (or being) delivered.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMessage {
    /// The message's id.
    pub id: String,
    /// The email address it goes to.
    pub recipient: String,
    /// Subject line (no personal data).
    pub subject: String,
    /// Plain-text body (no personal data).
    pub body: String,
    /// The name it is sent under, when not the one in the configured From address (the SEND
    /// Local Offer's emails).
    pub sender_name: Option<String>,
    /// Delivery attempts so far, including this one.
    pub attempts: i64,
    /// When it was written.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub created_at: DateTime<Utc>,
}

/// Where a message is in delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Waiting, or being retried.
    Pending,
    /// Delivered, by which worker.
    Sent {
        /// The worker that delivered it.
        by: String,
    },
    /// Given up after repeated failures.
    Failed,
}

impl WriteTx {
    /// Queues a message from the service under its configured From address; it is delivered
    /// only if the transaction commits.
    pub async fn enqueue_message(
        &mut self,
        recipient: &str,
        subject: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        self.enqueue(None, recipient, subject, body, now).await
    }

    /// Queues a message sent under `sender_name` (at the configured From address), for a part
    /// of the service with a name of its own, such as the SEND Local Offer.
    pub async fn enqueue_message_from(
        &mut self,
        sender_name: &str,
        recipient: &str,
        subject: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        self.enqueue(Some(sender_name), recipient, subject, body, now)
            .await
    }

    /// Queues a message under `sender_name` to be sent at `due` (a reminder), not before. Its
    /// queued time is `due`, so the outbox's age counts from when it falls due.
    pub async fn schedule_message_from(
        &mut self,
        sender_name: &str,
        recipient: &str,
        subject: &str,
        body: &str,
        due: DateTime<Utc>,
    ) -> StoreResult<String> {
        self.enqueue(Some(sender_name), recipient, subject, body, due)
            .await
    }

    /// Withdraws a message not yet sent nor being sent (a reminder whose booking was
    /// cancelled). Whether it was withdrawn.
    pub async fn withdraw_message(&mut self, id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM outbox WHERE id = $1 AND sent_at IS NULL \
             AND (claimed_until IS NULL OR claimed_until < $2)",
        )
        .bind(id)
        .bind(ts(now))
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn enqueue(
        &mut self,
        sender_name: Option<&str>,
        recipient: &str,
        subject: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        let id = new_id();
        // One statement for both: the name is text, bound as text or NULL text alike.
        sqlx::query(
            "INSERT INTO outbox (id, created_at, recipient, subject, body, attempts, \
             next_attempt_at, sender_name) VALUES ($1, $2, $3, $4, $5, 0, $2, $6)",
        )
        .bind(&id)
        .bind(ts(now))
        .bind(recipient)
        .bind(subject)
        .bind(body)
        .bind(sender_name.map(str::to_owned))
        .execute(&mut *self.tx)
        .await?;
        Ok(id)
    }
}

impl Store {
    /// Claims up to `limit` due messages for `worker` until `lease_until`. No two workers get
    /// the same message while its lease lasts.
    pub async fn claim_messages(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMessage>> {
        let rows: Vec<OutboxMessage> = sqlx::query_as(&format!(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
             AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3) \
             ORDER BY created_at, id LIMIT $4 {}) \
             RETURNING id, recipient, subject, body, sender_name, attempts, created_at",
            self.backend.skip_locked()
        ))
        .bind(worker)
        .bind(ts(lease_until))
        .bind(ts(now))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Records delivery by the worker holding the claim.
    pub async fn mark_message_sent(
        &self,
        id: &str,
        worker: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, sent_by = $2, claimed_by = NULL, claimed_until = NULL \
             WHERE id = $3 AND claimed_by = $2",
        )
        .bind(ts(now))
        .bind(worker)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: retry at `retry_at`, or give up when `retry_at` is `None`.
    pub async fn mark_message_failed(
        &self,
        id: &str,
        worker: &str,
        error: &str,
        now: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET last_error = $1, claimed_by = NULL, claimed_until = NULL, \
             next_attempt_at = COALESCE($2, next_attempt_at), failed_at = $3 \
             WHERE id = $4 AND claimed_by = $5",
        )
        .bind(error)
        .bind(retry_at.map(ts))
        .bind(retry_at.is_none().then(|| ts(now)))
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Where a message is in delivery.
    pub async fn message_status(&self, id: &str) -> StoreResult<Option<OutboxStatus>> {
        let row: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT sent_by, failed_at FROM outbox WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(sent_by, failed_at)| match (sent_by, failed_at) {
            (Some(by), _) => OutboxStatus::Sent { by },
            (None, Some(_)) => OutboxStatus::Failed,
            (None, None) => OutboxStatus::Pending,
        }))
    }

    /// Every message to one address, oldest first (for tests and support).
    pub async fn outbox_messages_to(&self, recipient: &str) -> StoreResult<Vec<OutboxMessage>> {
        let rows: Vec<OutboxMessage> = sqlx::query_as(
            "SELECT id, recipient, subject, body, sender_name, attempts, created_at FROM outbox \
             WHERE recipient = $1 ORDER BY created_at, id",
        )
        .bind(recipient)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// How many messages wait to be delivered (for `/readyz` and the admin page).
    pub async fn pending_message_count(&self) -> StoreResult<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }

    /// When the oldest message still waiting to be delivered was queued, if any waits.
    pub async fn oldest_pending_message(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let (at,): (Option<String>,) = sqlx::query_as(
            "SELECT MIN(created_at) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        at.as_deref().map(parse_ts).transpose()
    }
}
