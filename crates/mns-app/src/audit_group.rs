//! Group commit for the audit entries of views (issue 20, MN-REC-1).
//!
//! Every view of a child's record is audited, and the response waits until its entry is
//! committed: nothing shown is unaudited, and nothing acknowledged is lost if the process dies.
//! Writing each view's entry in its own transaction serialised the views on the audit head (one
//! commit each). Here the views that arrive while a commit is under way wait together, and the
//! next writer appends all of them to the chain in one transaction:
//!
//! 1. a view puts its entry in the queue, then waits for the writer's lock;
//! 2. whoever holds the lock takes the whole queue (its own entry and those that arrived
//!    meanwhile), appends them in order in one transaction, commits, and tells every one of
//!    them the result before letting the lock go;
//! 3. a view that gets the lock and finds its entry already written returns at once.
//!
//! There is no timer: an idle service commits a lone view at once, and a busy one shares each
//! commit among the views that queued during the one before. The write runs in a task of its
//! own, so a client that goes away mid-commit cannot cancel the others' entries.

use mns_store::{NewAuditEntry, Store};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Entries committed together at most; the rest wait for the next commit.
const MOST_IN_ONE_COMMIT: usize = 1_000;

type Outcome = Result<(), String>;

struct Waiting {
    entry: NewAuditEntry,
    done: oneshot::Sender<Outcome>,
}

/// The queue of view entries waiting for a commit, and the lock its writer holds.
#[derive(Default)]
pub struct AuditGroup {
    queue: Mutex<Vec<Waiting>>,
    writer: Arc<tokio::sync::Mutex<()>>,
    commits: AtomicU64,
    entries: AtomicU64,
}

impl std::fmt::Debug for AuditGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (commits, entries) = self.figures();
        f.debug_struct("AuditGroup")
            .field("commits", &commits)
            .field("entries", &entries)
            .finish_non_exhaustive()
    }
}

impl AuditGroup {
    /// Appends `entry` to the chain, sharing the commit with any others waiting, and returns
    /// once it is committed (or the commit failed).
    pub async fn append(&self, store: &Store, entry: NewAuditEntry) -> Outcome {
        let (done, mut outcome) = oneshot::channel();
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(Waiting { entry, done });
        loop {
            let lock = self.writer.clone().lock_owned().await;
            match outcome.try_recv() {
                Ok(result) => return result,
                Err(oneshot::error::TryRecvError::Closed) => {
                    return Err("the audit writer stopped before the entry was written".into());
                }
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            let batch: Vec<Waiting> = {
                let mut queue = self
                    .queue
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let take = queue.len().min(MOST_IN_ONE_COMMIT);
                queue.drain(..take).collect()
            };
            if batch.is_empty() {
                // A writer sends every result before it lets the lock go, so an entry that is
                // neither queued nor answered was lost with a writer that panicked.
                return Err("the audit writer stopped before the entry was written".into());
            }
            self.commits.fetch_add(1, Ordering::Relaxed);
            self.entries
                .fetch_add(batch.len() as u64, Ordering::Relaxed);
            let store = store.clone();
            tokio::spawn(async move {
                let _lock = lock;
                let entries: Vec<NewAuditEntry> = batch.iter().map(|w| w.entry.clone()).collect();
                let result = store
                    .append_audit_entries(entries)
                    .await
                    .map_err(|e| e.to_string());
                for waiting in batch {
                    let _ = waiting.done.send(result.clone());
                }
            });
            // Our entry was in this batch unless it was beyond the most one commit takes: the
            // loop takes the lock again once the batch is written, and finds out which.
        }
    }

    /// How many commits the group has made and how many entries they held, since start.
    pub fn figures(&self) -> (u64, u64) {
        (
            self.commits.load(Ordering::Relaxed),
            self.entries.load(Ordering::Relaxed),
        )
    }
}
