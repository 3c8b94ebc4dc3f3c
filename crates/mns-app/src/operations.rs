//! What the council's IT team monitors (`/metrics`, issue 20): figures about the running
//! service, never about a person.

use chrono::{DateTime, Utc};

use crate::{App, AppResult};

/// The service's state at one moment, for monitoring.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFigures {
    /// Database connections open now.
    pub pool_size: u32,
    /// Of those, how many are idle.
    pub pool_idle: usize,
    /// The most the pool opens.
    pub pool_max: u32,
    /// Emails waiting to be delivered.
    pub outbox_pending: i64,
    /// How long the oldest of them has waited, in seconds (0 when none waits).
    pub outbox_oldest_seconds: f64,
    /// Entries in the audit trail: its rate of growth is the audit append rate.
    pub audit_entries: i64,
    /// The Local Offer directory's generation (moves with every change to a service).
    pub directory_generation: i64,
    /// Commits this instance has made of views' audit entries since it started (group commit:
    /// the views waiting together share one).
    pub audit_view_commits: u64,
    /// The view entries those commits held.
    pub audit_view_entries: u64,
}

impl App {
    /// The service's figures now (a few cheap reads). Not audited: nothing in them is about a
    /// person.
    pub async fn service_figures(&self) -> AppResult<ServiceFigures> {
        let (pool_size, pool_idle, pool_max) = self.store.pool_stats();
        let now: DateTime<Utc> = self.now();
        let oldest = self.store.oldest_pending_message().await?;
        let (audit_view_commits, audit_view_entries) = self.audit_group.figures();
        Ok(ServiceFigures {
            pool_size,
            pool_idle,
            pool_max,
            outbox_pending: self.store.pending_message_count().await?,
            outbox_oldest_seconds: oldest.map_or(0.0, |at| {
                (now - at).num_milliseconds().max(0) as f64 / 1000.0
            }),
            audit_entries: self.store.audit_head().await?.0,
            directory_generation: self.store.directory_generation().await?,
            audit_view_commits,
            audit_view_entries,
        })
    }
}
