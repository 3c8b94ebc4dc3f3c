//! Verifying the audit trail (MN-REC-1): `mns audit verify`, and the checkpoints the worker
//! writes outside the database so that a rewound or rewritten trail is caught.
//!
//! The chain is keyed (HMAC-SHA-256 under `MNS_AUDIT_KEYS`), so someone who holds only the
//! database cannot recompute it after an edit. They could still delete the newest entries and
//! point the head at an older one: the chain would verify. Checkpoints catch that: every few
//! minutes the worker verifies the entries written since the last checkpoint and appends
//! `at seq hash key_id mac` to the checkpoint file (mode 0600) and to the log. Verification
//! then requires every checkpointed entry to be present with the same hash.

use crate::Context as _;
use crate::{Actor, App, AppError, AppResult};
use mns_domain::audit::{AuditKeys, ChainBreak, Checkpoint, GENESIS_HASH, verify_run};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many entries were checked.
    pub entries: i64,
    /// How many checkpoints were checked against the trail.
    pub checkpoints: usize,
    /// The first break found, if any.
    pub problem: Option<ChainBreak>,
}

/// The checkpoints in a file, oldest first; a line without a valid MAC is a break. A missing
/// file has none.
fn read_checkpoints(
    path: &Path,
    keys: &AuditKeys,
) -> AppResult<Result<Vec<Checkpoint>, ChainBreak>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ok(Vec::new())),
        Err(e) => {
            return Err(AppError::internal(format!(
                "could not read the audit checkpoint file {}: {e}",
                path.display()
            )));
        }
    };
    let mut checkpoints = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match Checkpoint::parse_line(line).filter(|c| c.is_authentic(keys)) {
            Some(c) => checkpoints.push(c),
            None => return Ok(Err(ChainBreak::CheckpointForged { line: index + 1 })),
        }
    }
    Ok(Ok(checkpoints))
}

impl App {
    fn audit_keys(&self) -> AppResult<&AuditKeys> {
        self.store
            .audit_keys()
            .ok_or_else(|| AppError::internal("no audit key is configured"))
    }

    /// [`App::verify_audit_trail`] for someone signed in who may check the trail (MN-REC-1).
    pub async fn check_audit_trail(&self, actor: &Actor) -> AppResult<VerifyReport> {
        actor.require(mns_domain::permissions::Capability::VerifyAuditTrail)?;
        self.verify_audit_trail().await
    }

    /// Walks the whole trail in pages, checking every keyed hash and link, that the last entry
    /// is the one the head records (so a deleted tail is caught too), and that every checkpoint
    /// in the checkpoint file (if one is configured) matches the entry it names.
    pub async fn verify_audit_trail(&self) -> AppResult<VerifyReport> {
        const PAGE: i64 = 5_000;
        let keys = self.audit_keys()?;
        let checkpoints = match &self.settings.audit_checkpoints {
            Some(path) => match read_checkpoints(path, keys)? {
                Ok(c) => c,
                Err(problem) => {
                    return Ok(VerifyReport {
                        entries: 0,
                        checkpoints: 0,
                        problem: Some(problem),
                    });
                }
            },
            None => Vec::new(),
        };
        let mut by_seq: BTreeMap<i64, Vec<&Checkpoint>> = BTreeMap::new();
        for c in &checkpoints {
            by_seq.entry(c.seq).or_default().push(c);
        }
        let report = |entries: i64, problem: Option<ChainBreak>| VerifyReport {
            entries,
            checkpoints: checkpoints.len(),
            problem,
        };
        let (head_seq, head_hash) = self.store.audit_head().await?;
        let mut last = (0_i64, GENESIS_HASH.to_string());
        loop {
            let page = self.store.audit_page(last.0, PAGE).await?;
            if page.is_empty() {
                break;
            }
            match verify_run((last.0, &last.1), &page, keys) {
                Ok(next) => last = next,
                Err(problem) => return Ok(report(last.0, Some(problem))),
            }
            for entry in &page {
                for c in by_seq.get(&entry.seq).into_iter().flatten() {
                    if c.hash != entry.hash {
                        return Ok(report(
                            last.0,
                            Some(ChainBreak::CheckpointMismatch {
                                seq: c.seq,
                                at: c.at.clone(),
                            }),
                        ));
                    }
                }
            }
        }
        if let Some((&seq, found)) = by_seq.range(last.0 + 1..).next() {
            return Ok(report(
                last.0,
                Some(ChainBreak::CheckpointBeyondEnd {
                    seq,
                    at: found.first().map(|c| c.at.clone()).unwrap_or_default(),
                    last: last.0,
                }),
            ));
        }
        let problem =
            (last.0 != head_seq || last.1 != head_hash).then_some(ChainBreak::Truncated {
                last: last.0,
                expected: head_seq,
            });
        Ok(report(last.0, problem))
    }

    /// Verifies the entries written since the last checkpoint and, if there are any and they
    /// verify, appends a checkpoint of the head to the checkpoint file and the log. Returns the
    /// checkpoint written, if any. A break is returned as an error and no checkpoint is written.
    pub async fn write_audit_checkpoint(&self) -> AppResult<Option<Checkpoint>> {
        let Some(path) = &self.settings.audit_checkpoints else {
            return Ok(None);
        };
        let keys = self.audit_keys()?;
        let previous = match read_checkpoints(path, keys)? {
            Ok(c) => c.into_iter().max_by_key(|c| c.seq),
            Err(problem) => return Err(AppError::internal(problem.to_string())),
        };
        let (head_seq, head_hash) = self.store.audit_head().await?;
        let mut last = match &previous {
            Some(c) if c.seq == head_seq => return Ok(None),
            Some(c) => (c.seq, c.hash.clone()),
            None => (0, GENESIS_HASH.to_string()),
        };
        if head_seq == 0 {
            return Ok(None);
        }
        // The checkpointed entry must still be the one checkpointed before chaining from it.
        if let Some(c) = &previous {
            match self.store.audit_entry(c.seq).await? {
                Some(e) if e.hash == c.hash => {}
                _ => {
                    return Err(AppError::internal(
                        ChainBreak::CheckpointMismatch {
                            seq: c.seq,
                            at: c.at.clone(),
                        }
                        .to_string(),
                    ));
                }
            }
        }
        loop {
            let page = self.store.audit_page(last.0, 5_000).await?;
            if page.is_empty() || last.0 >= head_seq {
                break;
            }
            let upto: Vec<_> = page.into_iter().filter(|e| e.seq <= head_seq).collect();
            last = verify_run((last.0, &last.1), &upto, keys)
                .context("the audit trail since the last checkpoint")?;
        }
        if last.0 != head_seq || last.1 != head_hash {
            return Err(AppError::internal(
                ChainBreak::Truncated {
                    last: last.0,
                    expected: head_seq,
                }
                .to_string(),
            ));
        }
        let checkpoint = Checkpoint::seal(&mns_store::ts(self.now()), head_seq, &head_hash, keys);
        append_owner_only(path, &format!("{}\n", checkpoint.to_line())).map_err(|e| {
            AppError::internal(format!(
                "could not write the audit checkpoint file {}: {e}",
                path.display()
            ))
        })?;
        tracing::info!(
            seq = checkpoint.seq,
            hash = %checkpoint.hash,
            key = %checkpoint.key_id,
            mac = %checkpoint.mac,
            "audit checkpoint"
        );
        Ok(Some(checkpoint))
    }

    /// Seals the entries written before the chain was keyed, once (see
    /// [`mns_store::Store::seal_unkeyed_audit_entries`]). Refused when a checkpoint file
    /// already has checkpoints: a keyed trail's entries never lose their keys on their own.
    pub async fn seal_unkeyed_audit_entries(&self) -> AppResult<i64> {
        if !self.store.audit_trail_is_unkeyed().await? {
            return Ok(0);
        }
        if let Some(path) = &self.settings.audit_checkpoints
            && std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
        {
            return Err(AppError::internal(
                "the audit trail's entries carry no key although checkpoints exist: the trail may have been rewritten; run 'mns audit verify'",
            ));
        }
        Ok(self.store.seal_unkeyed_audit_entries().await?)
    }
}

/// Appends `text` to `path`, creating it readable and writable by its owner only (0600,
/// whatever the umask).
pub fn append_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
