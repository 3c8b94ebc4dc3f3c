//! The audit trail (MN-REC-1): appended inside a [`WriteTx`], read in pages for verification and
//! per record for a coordinator's access history.

use crate::{Store, StoreError, StoreResult, WriteTx, ts};
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
    String,
);

const COLUMNS: &str = "seq, at, actor_id, actor_role, action, record_type, record_id, source, \
                       detail, prev_hash, key_id, hash";

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
        key_id,
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
        key_id,
        hash,
    }
}

/// Writes one sealed entry.
async fn insert_entry<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    e: &AuditEntry,
) -> StoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(e.seq)
    .bind(&e.at)
    .bind(&e.actor_id)
    .bind(&e.actor_role)
    .bind(&e.action)
    .bind(&e.record_type)
    .bind(&e.record_id)
    .bind(&e.source)
    .bind(&e.detail)
    .bind(&e.prev_hash)
    .bind(&e.key_id)
    .bind(&e.hash)
    .execute(executor)
    .await?;
    Ok(())
}

impl WriteTx {
    /// Appends an entry to the chain; it becomes visible when the transaction commits.
    pub async fn audit(&mut self, new: NewAuditEntry) -> StoreResult<i64> {
        let keys = self.audit_keys.clone().ok_or(StoreError::NoAuditKey)?;
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
            key_id: String::new(),
            hash: String::new(),
        }
        .seal(&self.head_hash, &keys);
        insert_entry(&mut *self.tx, &sealed).await?;
        self.head_seq = sealed.seq;
        self.head_hash = sealed.hash;
        self.head_moved = true;
        Ok(sealed.seq)
    }
}

impl Store {
    /// Appends `entries` to the chain, in order, in one transaction: the audit group's commit
    /// of the views that waited together (see `mns_app::audit_group`).
    pub async fn append_audit_entries(&self, entries: Vec<NewAuditEntry>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        for entry in entries {
            tx.audit(entry).await?;
        }
        tx.commit().await
    }

    /// Seals, with the current audit key, the unkeyed entries written before the chain was
    /// keyed (migration 0007): once, at start-up, in one transaction. The unkeyed chain is
    /// verified first, and nothing is sealed if it is broken or if any entry is keyed already
    /// (a mix means someone stripped keys to have their own edits sealed). Returns how many
    /// entries were sealed.
    pub async fn seal_unkeyed_audit_entries(&self) -> StoreResult<i64> {
        let keys = self.audit_keys.clone().ok_or(StoreError::NoAuditKey)?;
        let (unkeyed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE key_id = ''")
            .fetch_one(&self.pool)
            .await?;
        if unkeyed == 0 {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let (keyed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE key_id <> ''")
            .fetch_one(&mut *tx.tx)
            .await?;
        if keyed > 0 {
            return Err(StoreError::AuditChain(format!(
                "{unkeyed} entries carry no key while {keyed} do: refusing to seal a trail that may have been rewritten"
            )));
        }
        let rows: Vec<AuditRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"))
                .fetch_all(&mut *tx.tx)
                .await?;
        let (mut old_prev, mut new_prev) = (
            mns_domain::audit::GENESIS_HASH.to_string(),
            mns_domain::audit::GENESIS_HASH.to_string(),
        );
        let mut last_seq = 0;
        for row in rows {
            let old = entry(row);
            if old.seq != last_seq + 1
                || old.prev_hash != old_prev
                || old.hash != old.unkeyed_hash()
            {
                return Err(StoreError::AuditChain(format!(
                    "unkeyed entry {} does not verify",
                    old.seq
                )));
            }
            old_prev.clone_from(&old.hash);
            last_seq = old.seq;
            let sealed = old.seal(&new_prev, &keys);
            sqlx::query(
                "UPDATE audit_log SET prev_hash = $1, key_id = $2, hash = $3 WHERE seq = $4",
            )
            .bind(&sealed.prev_hash)
            .bind(&sealed.key_id)
            .bind(&sealed.hash)
            .bind(sealed.seq)
            .execute(&mut *tx.tx)
            .await?;
            new_prev = sealed.hash;
        }
        if last_seq != tx.head_seq || old_prev != tx.head_hash {
            return Err(StoreError::AuditChain(format!(
                "the unkeyed trail ends at entry {last_seq} but its head records {}",
                tx.head_seq
            )));
        }
        tx.head_hash = new_prev;
        tx.head_moved = true;
        tx.commit().await?;
        Ok(last_seq)
    }

    /// Whether the trail's first entry carries no key: a trail written before the chain was
    /// keyed. One primary-key read, so every command's start-up can ask it cheaply; a trail
    /// whose later entries lost their keys is caught by verification, not here.
    pub async fn audit_trail_is_unkeyed(&self) -> StoreResult<bool> {
        let first: Option<(String,)> = sqlx::query_as("SELECT key_id FROM audit_log WHERE seq = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(first.is_some_and(|(key_id,)| key_id.is_empty()))
    }

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

    /// The audited steps of one referral (sent, answered, decided, waiting for evidence),
    /// oldest first: the referral's history, without the views.
    pub async fn referral_steps(&self, referral_id: &str) -> StoreResult<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE record_type = 'referral' AND record_id = $1 \
             AND action IN ('referral.submit', 'referral.decide', 'referral.waiting_for_evidence') \
             ORDER BY seq"
        ))
        .bind(referral_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    /// Rewrites an entry as an attacker with only the database would: sets its action, then
    /// recomputes every later hash and the head with `rehash` (they have no key). Only for
    /// tests that show tampering is detected. Not reachable from the application.
    #[doc(hidden)]
    pub async fn rewrite_audit_chain_for_test(
        &self,
        seq: i64,
        action: &str,
        rehash: impl Fn(&AuditEntry) -> String,
    ) -> StoreResult<()> {
        let rows: Vec<AuditRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq"
        ))
        .bind(seq)
        .fetch_all(&self.pool)
        .await?;
        let mut prev: Option<String> = None;
        for row in rows {
            let mut e = entry(row);
            if e.seq == seq {
                e.action = action.to_string();
            }
            if let Some(p) = &prev {
                e.prev_hash.clone_from(p);
            }
            e.hash = rehash(&e);
            sqlx::query(
                "UPDATE audit_log SET action = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
            )
            .bind(&e.action)
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .bind(e.seq)
            .execute(&self.pool)
            .await?;
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(e.seq)
                .bind(&e.hash)
                .execute(&self.pool)
                .await?;
            prev = Some(e.hash);
        }
        Ok(())
    }

    /// Appends `n` entries the way the service did before the chain was keyed (unkeyed
    /// SHA-256, no key id), as an old deployment's database holds them. Only for tests.
    #[doc(hidden)]
    pub async fn append_unkeyed_audit_entries_for_test(&self, n: i64) -> StoreResult<()> {
        let (mut seq, mut prev) = self.audit_head().await?;
        for _ in 0..n {
            seq += 1;
            let mut e = AuditEntry {
                seq,
                at: "2026-01-01T10:00:00.000000Z".into(),
                actor_id: "system".into(),
                actor_role: "coordinator".into(),
                action: "user.add".into(),
                record_type: "user".into(),
                record_id: format!("u{seq}"),
                source: "cli".into(),
                detail: String::new(),
                prev_hash: prev.clone(),
                key_id: String::new(),
                hash: String::new(),
            };
            e.hash = e.unkeyed_hash();
            insert_entry(&self.pool, &e).await?;
            prev = e.hash;
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&prev)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes every entry after `seq` and points the head at entry `seq`, as an attacker with
    /// only the database would to hide what happened last. Only for tests.
    #[doc(hidden)]
    pub async fn cut_audit_tail_for_test(&self, seq: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM audit_log WHERE seq > $1")
            .bind(seq)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_log WHERE seq = $1)              WHERE id = 1",
        )
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The entry with this sequence number.
    pub async fn audit_entry(&self, seq: i64) -> StoreResult<Option<AuditEntry>> {
        let row: Option<AuditRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq = $1"))
                .bind(seq)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(entry))
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
