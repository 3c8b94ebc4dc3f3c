//! The audit trail's keyed hash chain (MN-REC-1).
//!
//! Each entry's hash is an HMAC-SHA-256, under a key from configuration, over its own fields
//! and the previous entry's hash, so editing or deleting any entry breaks every hash after it,
//! and someone who holds only the database cannot recompute the chain after an edit: they do
//! not have the key. Fields are length-prefixed before hashing so that no two different entries
//! can serialise to the same bytes. Each entry names the key that sealed it ([`AuditKeys`]
//! holds the current key and older ones, so keys can be rotated).
//!
//! A keyed chain still cannot show that its newest entries were cut off and the head rewound.
//! [`Checkpoint`]s close that gap: now and then the service writes the head's sequence number
//! and hash, keyed, outside the database (an append-only file and the log); verification
//! checks that every checkpoint's entry is still there with the same hash.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;

/// The hash the first entry chains from.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit key: an id (stored beside each entry it seals) and 32 secret bytes.
#[derive(Clone)]
pub struct AuditKey {
    id: String,
    secret: [u8; 32],
}

impl AuditKey {
    /// A key called `id` with these secret bytes.
    pub fn new(id: &str, secret: [u8; 32]) -> AuditKey {
        AuditKey {
            id: id.to_string(),
            secret,
        }
    }

    /// The key's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length, so this cannot fail for 32 bytes.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }
}

/// The audit keys in force: the first seals new entries and checkpoints, every one verifies.
/// Its `Debug` shows only the ids.
#[derive(Clone)]
pub struct AuditKeys {
    keys: Vec<AuditKey>,
}

impl AuditKeys {
    /// The keys, current first; `None` if there are none.
    pub fn new(keys: Vec<AuditKey>) -> Option<AuditKeys> {
        (!keys.is_empty()).then_some(AuditKeys { keys })
    }

    /// The key that seals new entries.
    pub fn current(&self) -> &AuditKey {
        &self.keys[0]
    }

    /// The key with this id.
    pub fn find(&self, id: &str) -> Option<&AuditKey> {
        self.keys.iter().find(|k| k.id == id)
    }
}

impl fmt::Debug for AuditKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditKeys")
            .field("ids", &self.keys.iter().map(|k| &k.id).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

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
    /// The id of the key that sealed it; empty for an entry written before the chain was keyed.
    pub key_id: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditEntry {
    fn fields(&self) -> Vec<String> {
        vec![
            self.seq.to_string(),
            self.at.clone(),
            self.actor_id.clone(),
            self.actor_role.clone(),
            self.action.clone(),
            self.record_type.clone(),
            self.record_id.clone(),
            self.source.clone(),
            self.detail.clone(),
            self.prev_hash.clone(),
        ]
    }

    /// The hash this entry should have under `key`, given its fields and `prev_hash`.
    pub fn keyed_hash(&self, key: &AuditKey) -> String {
        let mut mac = key.mac();
        for field in self.fields() {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// The unkeyed SHA-256 an entry written before the chain was keyed carries. Anyone can
    /// compute it, so verification never accepts it; it is read once, when such entries are
    /// sealed with the key ([`AuditEntry::seal`]).
    pub fn unkeyed_hash(&self) -> String {
        let mut hasher = Sha256::new();
        for field in self.fields() {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field.as_bytes());
        }
        hex::encode(hasher.finalize())
    }

    /// Fills in `prev_hash`, `key_id` and `hash`, chaining this entry after `prev_hash` under
    /// the current key.
    pub fn seal(mut self, prev_hash: &str, keys: &AuditKeys) -> AuditEntry {
        self.prev_hash = prev_hash.to_string();
        self.key_id = keys.current().id.clone();
        self.hash = self.keyed_hash(keys.current());
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
    /// An entry names no key, or a key the service does not have.
    #[error(
        "audit entry {seq} is not sealed by a known audit key ('{key_id}'): it was forged, or a key is missing from MNS_AUDIT_KEYS"
    )]
    UnknownKey {
        /// The entry's sequence number.
        seq: i64,
        /// The key id it names.
        key_id: String,
    },
    /// A checkpoint written outside the database disagrees with the entry in it.
    #[error(
        "audit entry {seq} is not the one checkpointed at {at}: the trail was rewritten after that"
    )]
    CheckpointMismatch {
        /// The checkpointed sequence number.
        seq: i64,
        /// When the checkpoint was written.
        at: String,
    },
    /// A checkpoint names an entry the database no longer has.
    #[error(
        "a checkpoint written at {at} records {seq} entries but the trail now ends at entry {last}: entries were deleted"
    )]
    CheckpointBeyondEnd {
        /// The checkpointed sequence number.
        seq: i64,
        /// When the checkpoint was written.
        at: String,
        /// The last entry found.
        last: i64,
    },
    /// A checkpoint line does not carry a valid keyed MAC.
    #[error("checkpoint line {line} is not valid: it was not written by this service")]
    CheckpointForged {
        /// The line's number in the checkpoint file, from 1.
        line: usize,
    },
}

/// Checks a run of entries in sequence order, continuing from `prev` (the last verified entry's
/// seq and hash, or `(0, GENESIS_HASH)`). Returns the new `(seq, hash)` to continue from, so a
/// long trail can be verified in pages. Every entry must be sealed by one of `keys`.
pub fn verify_run(
    prev: (i64, &str),
    entries: &[AuditEntry],
    keys: &AuditKeys,
) -> Result<(i64, String), ChainBreak> {
    let (mut last_seq, mut last_hash) = (prev.0, prev.1.to_string());
    for entry in entries {
        if entry.seq != last_seq + 1 {
            return Err(ChainBreak::Gap {
                after: last_seq,
                next: entry.seq,
            });
        }
        let Some(key) = keys.find(&entry.key_id) else {
            return Err(ChainBreak::UnknownKey {
                seq: entry.seq,
                key_id: entry.key_id.clone(),
            });
        };
        if entry.hash != entry.keyed_hash(key) {
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

/// A keyed record, kept outside the database, that the trail had `seq` entries ending in
/// `hash` at `at`. One line of the checkpoint file: `at seq hash key_id mac`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// When it was written (RFC 3339).
    pub at: String,
    /// How many entries the trail had.
    pub seq: i64,
    /// The hash of entry `seq`.
    pub hash: String,
    /// The key the MAC is under.
    pub key_id: String,
    /// HMAC-SHA-256 over the other fields.
    pub mac: String,
}

impl Checkpoint {
    fn mac_of(key: &AuditKey, at: &str, seq: i64, hash: &str) -> String {
        let mut mac = key.mac();
        for field in ["mns audit checkpoint", at, &seq.to_string(), hash] {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// A checkpoint of the head `(seq, hash)` at `at`, keyed with the current key.
    pub fn seal(at: &str, seq: i64, hash: &str, keys: &AuditKeys) -> Checkpoint {
        let key = keys.current();
        Checkpoint {
            at: at.to_string(),
            seq,
            hash: hash.to_string(),
            key_id: key.id.clone(),
            mac: Checkpoint::mac_of(key, at, seq, hash),
        }
    }

    /// Whether the MAC is right under one of `keys`.
    pub fn is_authentic(&self, keys: &AuditKeys) -> bool {
        keys.find(&self.key_id).is_some_and(|key| {
            let expected = Checkpoint::mac_of(key, &self.at, self.seq, &self.hash);
            expected.len() == self.mac.len()
                && expected
                    .bytes()
                    .zip(self.mac.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        })
    }

    /// The line written to the checkpoint file (without the newline).
    pub fn to_line(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.at, self.seq, self.hash, self.key_id, self.mac
        )
    }

    /// Reads a line written by [`Checkpoint::to_line`].
    pub fn parse_line(line: &str) -> Option<Checkpoint> {
        let mut parts = line.split_whitespace();
        let checkpoint = Checkpoint {
            at: parts.next()?.to_string(),
            seq: parts.next()?.parse().ok()?,
            hash: parts.next()?.to_string(),
            key_id: parts.next()?.to_string(),
            mac: parts.next()?.to_string(),
        };
        parts.next().is_none().then_some(checkpoint)
    }
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
            key_id: String::new(),
            hash: String::new(),
        }
    }

    fn keys() -> AuditKeys {
        AuditKeys::new(vec![AuditKey::new("k1", [7; 32])]).unwrap()
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let sealed = entry(seq, "pupil.view").seal(&prev, &keys());
                prev.clone_from(&sealed.hash);
                sealed
            })
            .collect()
    }

    #[test]
    fn mn_rec_1_an_intact_chain_verifies() {
        let entries = chain(5);
        let (seq, hash) = verify_run((0, GENESIS_HASH), &entries, &keys()).unwrap();
        assert_eq!(seq, 5);
        assert_eq!(hash, entries[4].hash);
    }

    #[test]
    fn mn_rec_1_an_edited_entry_is_detected() {
        let mut entries = chain(5);
        entries[2].action = "pupil.update".into();
        assert_eq!(
            verify_run((0, GENESIS_HASH), &entries, &keys()),
            Err(ChainBreak::Altered { seq: 3 })
        );
    }

    #[test]
    fn mn_rec_1_an_edited_entry_with_a_recomputed_hash_is_detected() {
        let mut entries = chain(5);
        entries[2].actor_id = "someone-else".into();
        entries[2].hash = entries[2].keyed_hash(keys().current());
        assert_eq!(
            verify_run((0, GENESIS_HASH), &entries, &keys()),
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
            verify_run((0, GENESIS_HASH), &entries, &keys()),
            Err(ChainBreak::Gap { after: 1, next: 3 })
        );
    }

    #[test]
    fn fields_are_length_prefixed_so_shifting_text_between_fields_changes_the_hash() {
        let mut a = entry(1, "ab");
        a.record_type = "c".into();
        let mut b = entry(1, "a");
        b.record_type = "bc".into();
        assert_ne!(
            a.seal(GENESIS_HASH, &keys()).hash,
            b.seal(GENESIS_HASH, &keys()).hash
        );
    }

    /// Someone with only the database edits an entry and recomputes every later hash the way
    /// the old unkeyed chain did, or under a key they guessed: neither verifies.
    #[test]
    fn mn_rec_1_a_chain_rewritten_without_the_key_is_detected() {
        let mut entries = chain(5);
        entries[1].action = "pupil.update".into();
        let mut prev = entries[0].hash.clone();
        for entry in &mut entries[1..] {
            entry.prev_hash.clone_from(&prev);
            entry.hash = entry.unkeyed_hash();
            prev.clone_from(&entry.hash);
        }
        assert_eq!(
            verify_run((0, GENESIS_HASH), &entries, &keys()),
            Err(ChainBreak::Altered { seq: 2 })
        );
        let guessed = AuditKeys::new(vec![AuditKey::new("k1", [0; 32])]).unwrap();
        let mut prev = entries[0].hash.clone();
        for entry in &mut entries[1..] {
            entry.prev_hash.clone_from(&prev);
            entry.hash = entry.keyed_hash(guessed.current());
            prev.clone_from(&entry.hash);
        }
        assert_eq!(
            verify_run((0, GENESIS_HASH), &entries, &keys()),
            Err(ChainBreak::Altered { seq: 2 })
        );
        for entry in &mut entries[1..] {
            entry.key_id = String::new();
        }
        assert_eq!(
            verify_run((0, GENESIS_HASH), &entries, &keys()),
            Err(ChainBreak::UnknownKey {
                seq: 2,
                key_id: String::new()
            })
        );
    }

    #[test]
    fn mn_rec_1_entries_sealed_by_an_older_key_still_verify_after_rotation() {
        let old = chain(3);
        let rotated = AuditKeys::new(vec![
            AuditKey::new("k2", [9; 32]),
            AuditKey::new("k1", [7; 32]),
        ])
        .unwrap();
        let mut entries = old.clone();
        entries.push(entry(4, "pupil.view").seal(&old[2].hash, &rotated));
        assert_eq!(entries[3].key_id, "k2");
        assert!(verify_run((0, GENESIS_HASH), &entries, &rotated).is_ok());
        let without_old = AuditKeys::new(vec![AuditKey::new("k2", [9; 32])]).unwrap();
        assert!(matches!(
            verify_run((0, GENESIS_HASH), &entries, &without_old),
            Err(ChainBreak::UnknownKey { seq: 1, .. })
        ));
    }

    #[test]
    fn mn_rec_1_checkpoints_round_trip_and_refuse_a_forged_mac() {
        let checkpoint = Checkpoint::seal("2026-12-06T10:00:00Z", 42, "ab12", &keys());
        let line = checkpoint.to_line();
        let read = Checkpoint::parse_line(&line).unwrap();
        assert_eq!(read, checkpoint);
        assert!(read.is_authentic(&keys()));
        let mut forged = read.clone();
        forged.seq = 40;
        assert!(!forged.is_authentic(&keys()));
        let other = AuditKeys::new(vec![AuditKey::new("k1", [1; 32])]).unwrap();
        assert!(!read.is_authentic(&other));
        assert_eq!(Checkpoint::parse_line("not a checkpoint"), None);
        assert_eq!(Checkpoint::parse_line(&format!("{line} extra")), None);
    }
}
