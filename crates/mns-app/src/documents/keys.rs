//! The key-encryption keys from configuration (`MNS_DOCUMENT_KEYS`, or a key file made on
//! first start), and the same form for the audit keys (`MNS_AUDIT_KEYS`).

use super::KEY_BYTES;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use rand::rngs::OsRng;
use std::fmt;
use std::io::Write;
use std::path::Path;

/// The key-encryption keys, from configuration: the first is current (new documents' data
/// keys are wrapped by it); every one can unwrap. Its `Debug` shows only the key ids.
#[derive(Clone)]
pub struct DocumentKeys {
    pub(super) current: KeyEncryptionKey,
    older: Vec<KeyEncryptionKey>,
}

#[derive(Clone)]
pub(super) struct KeyEncryptionKey {
    pub(super) id: String,
    pub(super) key: [u8; KEY_BYTES],
}

/// Why the document keys could not be read. No message ever contains key material.
#[derive(Debug, thiserror::Error)]
pub enum DocumentKeysError {
    /// No key was given.
    #[error("no key is set: give at least one, as ID:BASE64KEY")]
    Empty,
    /// An entry is not `ID:BASE64KEY`.
    #[error("key entry {position} is not in the form ID:BASE64KEY")]
    NotAnEntry {
        /// Which entry, counting the first as 1.
        position: usize,
    },
    /// A key id is empty, too long, or has other characters than letters, digits, `-`, `_`, `.`.
    #[error("key entry {position} has an id that is not 1 to 64 letters, digits, '-', '_' or '.'")]
    BadId {
        /// Which entry, counting the first as 1.
        position: usize,
    },
    /// Two entries have the same id.
    #[error("the key id '{id}' is given twice")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// A key is not base64.
    #[error("key '{id}' is not valid base64")]
    NotBase64 {
        /// The key's id.
        id: String,
    },
    /// A key is not 32 bytes long.
    #[error(
        "key '{id}' is {length} bytes long; a key must be 32 random bytes (44 characters of base64)"
    )]
    WrongLength {
        /// The key's id.
        id: String,
        /// How many bytes it decoded to.
        length: usize,
    },
    /// The operating system had no randomness to give.
    #[error("no random bytes for a new key: {0}")]
    Random(String),
    /// The key file could not be read or written.
    #[error("key file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
}

impl DocumentKeys {
    /// Reads keys from configuration text: `"id1:BASE64KEY,id2:BASE64KEY"` (standard base64
    /// of 32 random bytes, e.g. `openssl rand -base64 32`). The first is current; spaces and
    /// newlines around entries are ignored.
    pub fn parse(text: &str) -> Result<DocumentKeys, DocumentKeysError> {
        let mut keys: Vec<KeyEncryptionKey> = Vec::new();
        let entries = text.split(',').map(str::trim).filter(|e| !e.is_empty());
        for (index, entry) in entries.enumerate() {
            let position = index + 1;
            let (id, encoded) = entry
                .split_once(':')
                .ok_or(DocumentKeysError::NotAnEntry { position })?;
            let id = id.trim();
            if !valid_key_id(id) {
                return Err(DocumentKeysError::BadId { position });
            }
            if keys.iter().any(|k| k.id == id) {
                return Err(DocumentKeysError::DuplicateId { id: id.to_string() });
            }
            let bytes = STANDARD
                .decode(encoded.trim())
                .map_err(|_| DocumentKeysError::NotBase64 { id: id.to_string() })?;
            let key = <[u8; KEY_BYTES]>::try_from(bytes.as_slice()).map_err(|_| {
                DocumentKeysError::WrongLength {
                    id: id.to_string(),
                    length: bytes.len(),
                }
            })?;
            keys.push(KeyEncryptionKey {
                id: id.to_string(),
                key,
            });
        }
        let mut keys = keys.into_iter();
        let current = keys.next().ok_or(DocumentKeysError::Empty)?;
        Ok(DocumentKeys {
            current,
            older: keys.collect(),
        })
    }

    /// One new random key called `id`.
    pub fn generate(id: &str) -> Result<DocumentKeys, DocumentKeysError> {
        if !valid_key_id(id) {
            return Err(DocumentKeysError::BadId { position: 1 });
        }
        Ok(DocumentKeys {
            current: KeyEncryptionKey {
                id: id.to_string(),
                key: random_bytes().map_err(DocumentKeysError::Random)?,
            },
            older: Vec::new(),
        })
    }

    /// These keys with a new random current key called `id` in front: the next step of a
    /// rotation (then [`App::rewrap_documents`], then [`DocumentKeys::current_only`]).
    pub fn with_new_current(&self, id: &str) -> Result<DocumentKeys, DocumentKeysError> {
        if self.find(id).is_some() {
            return Err(DocumentKeysError::DuplicateId { id: id.to_string() });
        }
        let mut keys = DocumentKeys::generate(id)?;
        keys.older = self.all().cloned().collect();
        Ok(keys)
    }

    /// Only the current key: what is left once every document is re-wrapped by it.
    pub fn current_only(&self) -> DocumentKeys {
        DocumentKeys {
            current: self.current.clone(),
            older: Vec::new(),
        }
    }

    /// The id of the key new documents are wrapped by.
    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    /// Every key's id, current first.
    pub fn ids(&self) -> Vec<&str> {
        self.all().map(|k| k.id.as_str()).collect()
    }

    /// The keys as configuration text (`id:BASE64KEY,…`). This is the secret itself: write it
    /// only to a protected file or a secret store, never to a log.
    pub fn expose_config_text(&self) -> String {
        self.all()
            .map(|k| format!("{}:{}", k.id, STANDARD.encode(k.key)))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Creates `path` holding one new key (`k1`), readable only by its owner (mode 0600 on
    /// unix). An existing file is never overwritten.
    pub fn generate_file(path: &Path) -> Result<DocumentKeys, DocumentKeysError> {
        let keys = DocumentKeys::generate("k1")?;
        let file_error = |source| DocumentKeysError::File {
            path: path.display().to_string(),
            source,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(file_error)?;
        file.write_all(format!("{}\n", keys.expose_config_text()).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(file_error)?;
        Ok(keys)
    }

    /// Reads the keys in `path`, creating the file with a new key first if there is none (for
    /// the demo, which keeps its key in the data directory).
    pub fn load_or_create(path: &Path) -> Result<DocumentKeys, DocumentKeysError> {
        match DocumentKeys::generate_file(path) {
            Ok(keys) => return Ok(keys),
            Err(DocumentKeysError::File { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(other) => return Err(other),
        }
        let text = std::fs::read_to_string(path).map_err(|source| DocumentKeysError::File {
            path: path.display().to_string(),
            source,
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_or(0, |m| m.permissions().mode());
            if mode & 0o077 != 0 {
                tracing::warn!(path = %path.display(), "the key file can be read by other users: chmod 600 it");
            }
        }
        DocumentKeys::parse(&text)
    }

    /// Each key's id and fingerprint: the first 16 hex digits of SHA-256 over a label and the
    /// key. Enough to tell whether two configurations hold the same key (a backup records the
    /// fingerprints of the keys it needs), and nothing about the key itself.
    pub fn fingerprints(&self) -> Vec<(String, String)> {
        use sha2::{Digest, Sha256};
        self.all()
            .map(|k| {
                let digest = Sha256::new()
                    .chain_update(b"mns key fingerprint\0")
                    .chain_update(k.key)
                    .finalize();
                (k.id.clone(), hex::encode(&digest[..8]))
            })
            .collect()
    }

    /// The same keys as audit keys: `MNS_AUDIT_KEYS` and the `audit-keys` file are written
    /// the same way (`id:BASE64KEY,…`, current first), and read by the same parser.
    pub fn to_audit_keys(&self) -> mns_domain::audit::AuditKeys {
        let keys = self
            .all()
            .map(|k| mns_domain::audit::AuditKey::new(&k.id, k.key))
            .collect();
        mns_domain::audit::AuditKeys::new(keys)
            .unwrap_or_else(|| unreachable!("a key ring always has its current key"))
    }

    /// Every key, current first.
    fn all(&self) -> impl Iterator<Item = &KeyEncryptionKey> {
        std::iter::once(&self.current).chain(&self.older)
    }

    pub(super) fn find(&self, id: &str) -> Option<&KeyEncryptionKey> {
        self.all().find(|k| k.id == id)
    }
}

impl fmt::Debug for DocumentKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentKeys")
            .field("current", &self.current_id())
            .field("ids", &self.ids())
            .finish_non_exhaustive()
    }
}

fn valid_key_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub(super) fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}
