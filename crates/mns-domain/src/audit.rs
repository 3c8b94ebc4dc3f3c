//! The audit trail's hash chain (MN-REC-1).
//!
//! Each entry's hash covers its own fields and the previous entry's hash, so editing or deleting
//! any entry breaks every hash after it. Fields are length-prefixed before hashing so that no
//! two different entries can serialise to the same bytes.

use sha2::{Digest, Sha256};

/// The hash the first entry chains from.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as it is chained: who did what to which record, when and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When, in UTC, as RFC 3339 text.
    pub at: String,
    /// The acting user's id, or `system` for scheduled work and commands.
    pub actor_id: String,
    /// The actor's role at the time.
    pub actor_role: String,
    /// What was done, e.g. `pupil.view`, `user.disable`.
    pub action: String,
    /// The kind of record, e.g. `pupil`.
    pub record_type: String,
    /// The record's id.
    pub record_id: String,
    /// Where from: an IP address, `cli` or `worker`.
    pub source: String,
    /// A short description without personal data.
    pub detail: String,
    /// The previous entry's hash ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry should have, given its fields and `prev_hash`.
    pub fn expected_hash(&self) -> String {
        let mut hasher = Sha256::new();
        let seq = self.seq.to_string();
        for field in [
            seq.as_str(),
            &self.at,
            &self.actor_id,
            &self.actor_role,
            &self.action,
            &self.record_type,
            &self.record_id,
            &self.source,
            &self.detail,
            &self.prev_hash,
        ] {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field.as_bytes());
        }
        hex::encode(hasher.finalize())
    }

    /// Fills in `prev_hash` and `hash`, chaining this entry after `prev_hash`.
    pub fn seal(mut self, prev_hash: &str) -> AuditEntry {
        self.prev_hash = prev_hash.to_string();
        self.hash = self.expected_hash();
        self
    }
}

/// Why a chain does not verify: the first entry found wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// An entry's stored hash does not match its contents: it was edited.
    #[error("audit entry {seq} has been altered: its contents do not match its hash")]
    Altered {
        /// The entry's sequence number.
        seq: i64,
    },
    /// An entry does not chain from the one before it: something between was removed or
    /// replaced.
    #[error("audit entry {seq} does not follow entry {previous}: an entry was removed or replaced")]
    Unlinked {
        /// The entry's sequence number.
        seq: i64,
        /// The sequence number of the entry before it.
        previous: i64,
    },
    /// Sequence numbers skip: entries were deleted.
    #[error("audit entries are missing between {after} and {next}")]
    Gap {
        /// The last entry before the gap.
        after: i64,
        /// The first entry after it.
        next: i64,
    },
    /// The newest entry is not the one the chain's head records: the tail was deleted.
    #[error("the audit trail ends at entry {last} but {expected} entries were written")]
    Truncated {
        /// The last entry found.
        last: i64,
        /// How many entries the head says were written.
        expected: i64,
    },
}

/// Checks a run of entries in sequence order, continuing from `prev` (the last verified entry's
/// seq and hash, or `(0, GENESIS_HASH)`). Returns the new `(seq, hash)` to continue from, so a
/// long trail can be verified in pages.
pub fn verify_run(prev: (i64, &str), entries: &[AuditEntry]) -> Result<(i64, String), ChainBreak> {
    let (mut last_seq, mut last_hash) = (prev.0, prev.1.to_string());
    for entry in entries {
        if entry.seq != last_seq + 1 {
            return Err(ChainBreak::Gap {
                after: last_seq,
                next: entry.seq,
            });
        }
        if entry.hash != entry.expected_hash() {
            return Err(ChainBreak::Altered { seq: entry.seq });
        }
        if entry.prev_hash != last_hash {
            return Err(ChainBreak::Unlinked {
                seq: entry.seq,
                previous: last_seq,
            });
        }
        last_seq = entry.seq;
        last_hash.clone_from(&entry.hash);
    }
    Ok((last_seq, last_hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, action: &str) -> AuditEntry {
        AuditEntry {
            seq,
            at: "2026-11-22T10:00:00.000000Z".into(),
            actor_id: "u1".into(),
            actor_role: "school".into(),
            action: action.into(),
            record_type: "pupil".into(),
            record_id: "p1".into(),
            source: "127.0.0.1".into(),
            detail: String::new(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let sealed = entry(seq, "pupil.view").seal(&prev);
                prev.clone_from(&sealed.hash);
                sealed
            })
            .collect()
    }

    #[test]
    fn mn_rec_1_an_intact_chain_verifies() {
        let entries = chain(5);
        let (seq, hash) = verify_run((0, GENESIS_HASH), &entries).unwrap();
        assert_eq!(seq, 5);
        assert_eq!(hash, entries[4].hash);
    }

    #[test]
    fn mn_rec_1_an_edited_entry_is_detected() {
        let mut entries = chain(5);
        entries[2].action = "pupil.update".into();
        assert_eq!(
            verify_run((0, GENESIS_HASH), &entries),
            Err(ChainBreak::Altered { seq: 3 })
        );
    }

    #[test]
    fn mn_rec_1_an_edited_entry_with_a_recomputed_hash_is_detected() {
        let mut entries = chain(5);
        entries[2].actor_id = "someone-else".into();
        entries[2].hash = entries[2].expected_hash();
        assert_eq!(
            verify_run((0, GENESIS_HASH), &entries),
            Err(ChainBreak::Unlinked {
                seq: 4,
                previous: 3
            })
        );
    }

    #[test]
    fn mn_rec_1_a_deleted_entry_is_detected() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(
            verify_run((0, GENESIS_HASH), &entries),
            Err(ChainBreak::Gap { after: 1, next: 3 })
        );
    }

    #[test]
    fn fields_are_length_prefixed_so_shifting_text_between_fields_changes_the_hash() {
        let mut a = entry(1, "ab");
        a.record_type = "c".into();
        let mut b = entry(1, "a");
        b.record_type = "bc".into();
        assert_ne!(a.seal(GENESIS_HASH).hash, b.seal(GENESIS_HASH).hash);
    }
}
