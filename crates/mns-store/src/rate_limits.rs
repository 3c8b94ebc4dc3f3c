//! Events counted for rate limits other than sign-ins (anonymous shortlist emails): counted
//! and recorded inside a write transaction, which both databases serialise, so simultaneous
//! requests cannot overrun a limit.

use crate::{Store, StoreResult, WriteTx, new_id, ts};
use chrono::{DateTime, Utc};

impl WriteTx {
    /// How many `kind` events `key` has had since `since`.
    pub async fn count_rate_events(
        &mut self,
        kind: &str,
        key: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let (count,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM rate_events WHERE kind = $1 AND key = $2 AND at >= $3",
        )
        .bind(kind)
        .bind(key)
        .bind(ts(since))
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(count)
    }

    /// Records a `kind` event for `key` at `at`.
    pub async fn record_rate_event(
        &mut self,
        kind: &str,
        key: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO rate_events (id, kind, key, at) VALUES ($1, $2, $3, $4)")
            .bind(new_id())
            .bind(kind)
            .bind(key)
            .bind(ts(at))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Forgets rate-limit events and sign-in attempts older than `before` (the worker's sweep).
    pub async fn purge_rate_events(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let events = sqlx::query("DELETE FROM rate_events WHERE at < $1")
            .bind(ts(before))
            .execute(&self.pool)
            .await?;
        let attempts = sqlx::query("DELETE FROM sign_in_attempts WHERE at < $1")
            .bind(ts(before))
            .execute(&self.pool)
            .await?;
        Ok(events.rows_affected() + attempts.rows_affected())
    }
}
