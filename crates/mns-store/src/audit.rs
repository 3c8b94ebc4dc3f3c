//! The audit trail (MN-REC-1): appended inside a [`WriteTx`], read in pages for verification and
//! per record for a coordinator's access history.

use crate::{Store, StoreResult, WriteTx, ts};
use chrono::{DateTime, Utc};
use mns_domain::audit::AuditEntry;

/// An entry about to be appended; the sequence number and hashes are added by the chain.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The acting user's id, or `system`.
    pub actor_id: String,
    /// The actor's role.
    pub actor_role: String,
    /// What was done, e.g. `pupil.view`.
    pub action: String,
    /// The kind of record.
    pub record_type: String,
    /// The record's id.
    pub record_id: String,
    /// Where from: an IP address, `cli` or `worker`.
    pub source: String,
    /// A short description, without personal data.
    pub detail: String,
}

type AuditRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

const COLUMNS: &str = "seq, at, actor_id, actor_role, action, record_type, record_id, source, \
                       detail, prev_hash, hash";

fn entry(
    (
        seq,
        at,
        actor_id,
        actor_role,
        action,
        record_type,
        record_id,
        source,
        detail,
        prev_hash,
        hash,
    ): AuditRow,
) -> AuditEntry {
    AuditEntry {
        seq,
        at,
        actor_id,
        actor_role,
        action,
        record_type,
        record_id,
        source,
        detail,
        prev_hash,
        hash,
    }
}

impl WriteTx {
    /// Appends an entry to the chain; it becomes visible when the transaction commits.
    pub async fn audit(&mut self, new: NewAuditEntry) -> StoreResult<i64> {
        let sealed = AuditEntry {
            seq: self.head_seq + 1,
            at: ts(new.at),
            actor_id: new.actor_id,
            actor_role: new.actor_role,
            action: new.action,
            record_type: new.record_type,
            record_id: new.record_id,
            source: new.source,
            detail: new.detail,
            prev_hash: String::new(),
            hash: String::new(),
        }
        .seal(&self.head_hash);
        sqlx::query(&format!(
            "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(sealed.seq)
        .bind(&sealed.at)
        .bind(&sealed.actor_id)
        .bind(&sealed.actor_role)
        .bind(&sealed.action)
        .bind(&sealed.record_type)
        .bind(&sealed.record_id)
        .bind(&sealed.source)
        .bind(&sealed.detail)
        .bind(&sealed.prev_hash)
        .bind(&sealed.hash)
        .execute(&mut *self.tx)
        .await?;
        self.head_seq = sealed.seq;
        self.head_hash = sealed.hash;
        self.head_moved = true;
        Ok(sealed.seq)
    }
}

impl Store {
    /// Entries after `after_seq`, oldest first, at most `limit`.
    pub async fn audit_page(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    /// The chain's head: how many entries were written and the last hash.
    pub async fn audit_head(&self) -> StoreResult<(i64, String)> {
        Ok(
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Every entry about one record, newest first, at most `limit`: its access history.
    pub async fn audit_for_record(
        &self,
        record_type: &str,
        record_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE record_type = $1 AND record_id = $2 \
             ORDER BY seq DESC LIMIT $3"
        ))
        .bind(record_type)
        .bind(record_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    /// Overwrites one entry's action without fixing the chain: only for tests that show
    /// tampering is detected. Not reachable from the application.
    #[doc(hidden)]
    pub async fn tamper_with_audit_entry_for_test(
        &self,
        seq: i64,
        action: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE audit_log SET action = $1 WHERE seq = $2")
            .bind(action)
            .bind(seq)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
