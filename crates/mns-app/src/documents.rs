//! Documents on a child's record, encrypted at rest with a key per document (envelope
//! encryption).
//!
//! Each upload gets a random 256-bit data key; the content is sealed with it by
//! XChaCha20-Poly1305 with the document's id as associated data, so a ciphertext moved to
//! another row no longer opens. The data key is stored only wrapped (sealed) by a
//! key-encryption key from configuration ([`DocumentKeys`], `MNS_DOCUMENT_KEYS`), whose id is
//! kept beside it. Rotating the key-encryption key re-wraps the small data keys
//! ([`App::rewrap_documents`]) and never touches the content. A stolen database or backup
//! therefore holds nothing readable without the configuration.
//!
//! Who may upload and read is decided in one place, [`App::may_use_documents`]; a record out of
//! scope and a missing one both answer [`AppError::NotFound`].

use crate::{Actor, App, AppError, AppResult, system_actor};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use chrono::SubsecRound;
use mns_domain::documents::{
    DEFAULT_MAX_DOCUMENT_BYTES, DocumentKind, DocumentOwner, clean_filename,
};
use mns_store::{DocumentMeta, DocumentRecord, new_id};
use rand::RngCore;
use rand::rngs::OsRng;
use std::fmt;
use std::io::Write;
use std::path::Path;

/// The length of a data key and of a key-encryption key: 256 bits.
const KEY_BYTES: usize = 32;
/// The length of an XChaCha20-Poly1305 nonce: long enough to pick at random.
const NONCE_BYTES: usize = 24;
/// How many wrapped keys a rotation reads and rewrites per transaction.
const REWRAP_PAGE: i64 = 200;

/// What someone wants to do with a record's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentAccess {
    /// See the list of documents and download them.
    Read,
    /// Add a document.
    Upload,
}

/// The key-encryption keys, from configuration: the first is current (new documents' data
/// keys are wrapped by it); every one can unwrap. Its `Debug` shows only the key ids.
#[derive(Clone)]
pub struct DocumentKeys {
    current: KeyEncryptionKey,
    older: Vec<KeyEncryptionKey>,
}

#[derive(Clone)]
struct KeyEncryptionKey {
    id: String,
    key: [u8; KEY_BYTES],
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

    fn find(&self, id: &str) -> Option<&KeyEncryptionKey> {
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

fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// What the data key is sealed with: the wrapping key's own AEAD, bound to the document.
fn wrap_aad(document_id: &str) -> Vec<u8> {
    format!("mns document key {document_id}").into_bytes()
}

/// A document's content and data key, sealed.
struct Sealed {
    key_id: String,
    wrapped_key: Vec<u8>,
    nonce: Vec<u8>,
    ciphertext: Vec<u8>,
}

/// Seals `data_key` with the key-encryption key `kek`: the wrapping nonce, then the sealed key.
fn wrap(
    kek: &KeyEncryptionKey,
    document_id: &str,
    data_key: &[u8; KEY_BYTES],
) -> AppResult<Vec<u8>> {
    let nonce: [u8; NONCE_BYTES] = random_bytes().map_err(AppError::Internal)?;
    let sealed = XChaCha20Poly1305::new(&Key::from(kek.key))
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: data_key,
                aad: &wrap_aad(document_id),
            },
        )
        .map_err(|_| {
            AppError::Internal(format!("document {document_id}: wrapping its key failed"))
        })?;
    Ok([nonce.as_slice(), &sealed].concat())
}

/// Opens a data key wrapped by [`wrap`].
fn unwrap(
    keys: &DocumentKeys,
    document_id: &str,
    key_id: &str,
    wrapped: &[u8],
) -> AppResult<[u8; KEY_BYTES]> {
    let kek = keys.find(key_id).ok_or_else(|| {
        AppError::Internal(format!(
            "document {document_id}: its key is wrapped by document key '{key_id}', which is not configured (MNS_DOCUMENT_KEYS has {:?})",
            keys.ids()
        ))
    })?;
    let failed = || {
        AppError::Internal(format!(
            "document {document_id}: its key does not unwrap with document key '{key_id}' (a different key under the same id, or the stored key was altered)"
        ))
    };
    if wrapped.len() <= NONCE_BYTES {
        return Err(failed());
    }
    let (nonce, sealed) = wrapped.split_at(NONCE_BYTES);
    let nonce = <[u8; NONCE_BYTES]>::try_from(nonce).map_err(|_| failed())?;
    let opened = XChaCha20Poly1305::new(&Key::from(kek.key))
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: sealed,
                aad: &wrap_aad(document_id),
            },
        )
        .map_err(|_| failed())?;
    <[u8; KEY_BYTES]>::try_from(opened.as_slice()).map_err(|_| failed())
}

/// Seals `content` under a new data key, wrapped by the current key-encryption key.
fn seal(keys: &DocumentKeys, document_id: &str, content: &[u8]) -> AppResult<Sealed> {
    let data_key: [u8; KEY_BYTES] = random_bytes().map_err(AppError::Internal)?;
    let nonce: [u8; NONCE_BYTES] = random_bytes().map_err(AppError::Internal)?;
    let ciphertext = XChaCha20Poly1305::new(&Key::from(data_key))
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: content,
                aad: document_id.as_bytes(),
            },
        )
        .map_err(|_| AppError::Internal(format!("document {document_id}: encryption failed")))?;
    let current = &keys.current;
    Ok(Sealed {
        key_id: current.id.clone(),
        wrapped_key: wrap(current, document_id, &data_key)?,
        nonce: nonce.to_vec(),
        ciphertext,
    })
}

/// Opens a stored document's content. Any alteration (of the content, the nonce, the wrapped
/// key or the row it is in) fails here rather than giving back wrong bytes.
fn open(keys: &DocumentKeys, record: &DocumentRecord) -> AppResult<Vec<u8>> {
    let id = &record.meta.id;
    let data_key = unwrap(keys, id, &record.meta.key_id, &record.wrapped_key)?;
    let nonce = <[u8; NONCE_BYTES]>::try_from(record.nonce.as_slice()).map_err(|_| {
        AppError::Internal(format!(
            "document {id}: its stored nonce is {} bytes, not {NONCE_BYTES}",
            record.nonce.len()
        ))
    })?;
    XChaCha20Poly1305::new(&Key::from(data_key))
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &record.ciphertext,
                aad: id.as_bytes(),
            },
        )
        .map_err(|_| {
            AppError::Internal(format!(
                "document {id}: its content failed authentication (the stored ciphertext was altered or belongs to another document)"
            ))
        })
}

impl App {
    /// Whether `actor` may read, or upload to, the documents of a record: the one place that
    /// decides. For now documents belong to pupils: anyone who can see the pupil
    /// ([`App::pupil_in_scope`]) may read them, and anyone of those not in a read-only role
    /// (MN-ROLE-6) may upload. Other record types (referrals next) are out of scope until
    /// added here.
    pub async fn may_use_documents(
        &self,
        actor: &Actor,
        owner: DocumentOwner,
        record_id: &str,
        access: DocumentAccess,
    ) -> AppResult<bool> {
        if access == DocumentAccess::Upload && actor.role().is_read_only() {
            return Ok(false);
        }
        match owner {
            DocumentOwner::Pupil => match self.store.get_pupil(record_id).await? {
                Some(pupil) => self.pupil_in_scope(actor, &pupil).await,
                None => Ok(false),
            },
            DocumentOwner::Referral | DocumentOwner::ReferralAttendance => {
                self.may_use_referral_documents(actor, record_id, access)
                    .await
            }
            // A herringbone during provision (MN-PROV-6): council staff and the school read it;
            // the school and council staff who work cases add one once provision has started.
            DocumentOwner::CaseAttendance => {
                use mns_domain::identity::Role;
                let role = actor.role();
                let allowed = match access {
                    DocumentAccess::Read => matches!(
                        role,
                        Role::Coordinator | Role::Caseworker | Role::Auditor | Role::School
                    ),
                    DocumentAccess::Upload => {
                        matches!(role, Role::Coordinator | Role::Caseworker | Role::School)
                    }
                };
                if !allowed {
                    return Ok(false);
                }
                match self.case_in_scope(actor, record_id).await {
                    Ok(case) => {
                        Ok(access == DocumentAccess::Read || case.provision_start.is_some())
                    }
                    Err(AppError::NotFound) => Ok(false),
                    Err(e) => Err(e),
                }
            }
        }
    }

    async fn require_document_access(
        &self,
        actor: &Actor,
        owner: DocumentOwner,
        record_id: &str,
        access: DocumentAccess,
    ) -> AppResult<()> {
        if self
            .may_use_documents(actor, owner, record_id, access)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Attaches a document to a record: checks the contents match the name's extension and
    /// that it is at most 20 MB (a problem is [`AppError::Invalid`] on the field `document`,
    /// naming the file), encrypts it, and stores it with its `document.upload` audit entry in
    /// one transaction.
    pub async fn store_document(
        &self,
        actor: &Actor,
        owner: DocumentOwner,
        record_id: &str,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<DocumentMeta> {
        self.require_document_access(actor, owner, record_id, DocumentAccess::Upload)
            .await?;
        let kind = DocumentKind::sniff(filename, bytes, DEFAULT_MAX_DOCUMENT_BYTES)
            .map_err(|e| AppError::invalid("document", e.to_string()))?;
        let id = new_id();
        let sealed = seal(&self.document_keys, &id, bytes)?;
        let meta = DocumentMeta {
            id,
            record_type: owner.as_str().to_string(),
            record_id: record_id.to_string(),
            filename: clean_filename(filename),
            kind,
            size: i64::try_from(bytes.len())
                .map_err(|_| AppError::Internal("a document's size does not fit".into()))?,
            key_id: sealed.key_id,
            uploaded_by: actor.user.id.clone(),
            // Stored to the microsecond: return what a later read will give.
            uploaded_at: self.now().trunc_subsecs(6),
        };
        let record = DocumentRecord {
            meta,
            wrapped_key: sealed.wrapped_key,
            nonce: sealed.nonce,
            ciphertext: sealed.ciphertext,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_document(&record).await?;
        // The audit entry is filed under the owning record, so it shows in that record's
        // access history; the file's name stays out of the append-only trail.
        self.audit(
            &mut tx,
            actor,
            "document.upload",
            owner.as_str(),
            record_id,
            &record.meta.id,
        )
        .await?;
        tx.commit().await?;
        Ok(record.meta)
    }

    /// A document's details and its decrypted content, if `actor` may see the record it
    /// belongs to; the download is audited (`document.download`, MN-REC-1). Content that does
    /// not decrypt (altered, or no configured key fits) is an [`AppError::Internal`] naming the
    /// cause, never wrong bytes.
    pub async fn read_document(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(DocumentMeta, Vec<u8>)> {
        let record = self
            .store
            .get_document(id)
            .await?
            .ok_or(AppError::NotFound)?;
        // A document whose owner the service does not know is nobody's to read.
        let owner = DocumentOwner::parse(&record.meta.record_type).ok_or(AppError::NotFound)?;
        self.require_document_access(actor, owner, &record.meta.record_id, DocumentAccess::Read)
            .await?;
        // Decrypt first, so the trail records only downloads that happened.
        let content = open(&self.document_keys, &record)?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "document.download",
            &record.meta.record_type,
            &record.meta.record_id,
            &record.meta.id,
        )
        .await?;
        tx.commit().await?;
        Ok((record.meta, content))
    }

    /// The documents attached to a record, oldest first (details only, nothing decrypted). Not
    /// audited on its own: the list is shown on the record's page, whose view is.
    pub async fn list_documents(
        &self,
        actor: &Actor,
        owner: DocumentOwner,
        record_id: &str,
    ) -> AppResult<Vec<DocumentMeta>> {
        self.require_document_access(actor, owner, record_id, DocumentAccess::Read)
            .await?;
        Ok(self.store.documents_for(owner.as_str(), record_id).await?)
    }

    /// Re-wraps every document's data key that is not under the current key-encryption key,
    /// a page at a time (each page one transaction with a `document.rewrap` audit entry by the
    /// system). Content is not read or rewritten. Returns how many were re-wrapped; running it
    /// again is harmless, and needed if an instance still configured with the old current key
    /// uploaded meanwhile.
    pub async fn rewrap_documents(&self) -> AppResult<usize> {
        let keys = self.document_keys.clone();
        let current = &keys.current;
        let actor = system_actor("cli");
        let mut after: Option<String> = None;
        let mut rewrapped = 0;
        loop {
            let page = self
                .store
                .document_keys_page(after.as_deref(), REWRAP_PAGE)
                .await?;
            let Some(last) = page.last() else {
                break;
            };
            after = Some(last.id.clone());
            let mut changes = Vec::new();
            for stored in page.iter().filter(|k| k.key_id != current.id) {
                let data_key = unwrap(&keys, &stored.id, &stored.key_id, &stored.wrapped_key)?;
                changes.push((stored, wrap(current, &stored.id, &data_key)?));
            }
            if !changes.is_empty() {
                let mut tx = self.store.begin().await?;
                let mut done = 0;
                for (stored, wrapped) in &changes {
                    if tx.rewrap_document(&stored.id, &current.id, wrapped).await? {
                        done += 1;
                    }
                }
                self.audit(
                    &mut tx,
                    &actor,
                    "document.rewrap",
                    "document_key",
                    &current.id,
                    &format!("{done} document key(s) re-wrapped"),
                )
                .await?;
                tx.commit().await?;
                rewrapped += done;
            }
            if i64::try_from(page.len()).unwrap_or(i64::MAX) < REWRAP_PAGE {
                break;
            }
        }
        Ok(rewrapped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;
    use chrono::{NaiveDate, TimeZone, Utc};
    use mns_domain::identity::Role;
    use mns_store::testing::{TestDb, fresh_store};
    use mns_store::{Backend, PupilRecord, SchoolRecord, UserRecord};

    /// A real one-page PDF whose text (uncompressed) names a child, to look for at rest.
    const LETTER: &[u8] = include_bytes!("documents_test_letter.pdf");
    const SECRET_LINE: &[u8] = b"Alex has been admitted to the ward";

    fn key_text(id: &str, byte: u8) -> String {
        format!("{id}:{}", STANDARD.encode([byte; KEY_BYTES]))
    }

    fn keys() -> DocumentKeys {
        DocumentKeys::parse(&key_text("k1", 1)).unwrap()
    }

    fn actor(id: &str, role: Role, school: Option<&str>) -> Actor {
        Actor {
            user: UserRecord {
                id: id.into(),
                email: format!("{id}@example.org"),
                display_name: id.into(),
                role,
                school_urn: school.map(str::to_string),
                disabled_at: None,
                created_at: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
            },
            source: "127.0.0.1".into(),
        }
    }

    struct Fixture {
        app: App,
        _db: TestDb,
        coordinator: Actor,
        school_a: Actor,
        school_b: Actor,
        auditor: Actor,
    }

    /// Two schools, a pupil at each, a school user at each, a coordinator and an auditor.
    async fn fixture() -> Fixture {
        let (store, db) = fresh_store(Backend::Sqlite).await;
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
        let coordinator = actor("coordinator", Role::Coordinator, None);
        let school_a = actor("school-a", Role::School, Some("100001"));
        let school_b = actor("school-b", Role::School, Some("100002"));
        let auditor = actor("auditor", Role::Auditor, None);
        let mut tx = store.begin().await.unwrap();
        for urn in ["100001", "100002"] {
            let school = SchoolRecord {
                urn: urn.into(),
                name: format!("School {urn}"),
                ..SchoolRecord::default()
            };
            tx.upsert_school(&school, now).await.unwrap();
        }
        for a in [&coordinator, &school_a, &school_b, &auditor] {
            tx.insert_user(&a.user).await.unwrap();
        }
        for (id, urn) in [("pupil-a", "100001"), ("pupil-b", "100002")] {
            tx.insert_pupil(&PupilRecord {
                id: id.into(),
                upn: None,
                given_name: "Alex".into(),
                family_name: id.into(),
                date_of_birth: NaiveDate::from_ymd_opt(2014, 2, 3).unwrap(),
                school_urn: Some(urn.into()),
                created_at: now,
                updated_at: now,
            })
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        Fixture {
            app: App::new(store, Settings::new("http://localhost")).with_document_keys(keys()),
            _db: db,
            coordinator,
            school_a,
            school_b,
            auditor,
        }
    }

    async fn upload(f: &Fixture) -> DocumentMeta {
        f.app
            .store_document(
                &f.school_a,
                DocumentOwner::Pupil,
                "pupil-a",
                "letter.pdf",
                LETTER,
            )
            .await
            .unwrap()
    }

    fn internal_message(err: AppError) -> String {
        match err {
            AppError::Internal(message) => message,
            other => panic!("expected an internal error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_document_round_trips_and_its_upload_and_download_are_audited() {
        let f = fixture().await;
        let meta = upload(&f).await;
        assert_eq!(meta.kind, DocumentKind::Pdf);
        assert_eq!(meta.filename, "letter.pdf");
        assert_eq!(meta.size, i64::try_from(LETTER.len()).unwrap());
        assert_eq!(meta.key_id, "k1");
        assert_eq!(meta.uploaded_by, "school-a");

        let (read, content) = f.app.read_document(&f.coordinator, &meta.id).await.unwrap();
        assert_eq!(read, meta);
        assert_eq!(content, LETTER);
        assert_eq!(
            f.app
                .list_documents(&f.school_a, DocumentOwner::Pupil, "pupil-a")
                .await
                .unwrap(),
            vec![meta.clone()]
        );

        let trail = f
            .app
            .store
            .audit_for_record("pupil", "pupil-a", 10)
            .await
            .unwrap();
        let actions: Vec<(&str, &str, &str)> = trail
            .iter()
            .map(|e| (e.action.as_str(), e.actor_id.as_str(), e.detail.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                ("document.download", "coordinator", meta.id.as_str()),
                ("document.upload", "school-a", meta.id.as_str()),
            ]
        );
    }

    #[tokio::test]
    async fn the_stored_ciphertext_does_not_contain_the_plaintext() {
        let f = fixture().await;
        let meta = upload(&f).await;
        let stored = f.app.store.get_document(&meta.id).await.unwrap().unwrap();
        assert_eq!(stored.ciphertext.len(), LETTER.len() + 16, "content + tag");
        assert_eq!(stored.nonce.len(), NONCE_BYTES);
        for haystack in [&stored.ciphertext, &stored.wrapped_key] {
            assert!(
                !haystack
                    .windows(SECRET_LINE.len())
                    .any(|w| w == SECRET_LINE)
            );
            assert!(!haystack.windows(5).any(|w| w == b"%PDF-"));
            assert!(!haystack.windows(KEY_BYTES).any(|w| w == [1; KEY_BYTES]));
        }
        // A second upload of the same file gets its own data key and nonce.
        let again = upload(&f).await;
        let other = f.app.store.get_document(&again.id).await.unwrap().unwrap();
        assert_ne!(other.ciphertext, stored.ciphertext);
        assert_ne!(other.wrapped_key, stored.wrapped_key);
    }

    async fn insert_raw(f: &Fixture, record: &DocumentRecord) {
        let mut tx = f.app.store.begin().await.unwrap();
        tx.insert_document(record).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// Stores a correctly sealed letter under a new id after `tamper` has altered it (the store
    /// cannot change a document's content, as the service never does), and returns the id.
    async fn store_tampered(f: &Fixture, tamper: impl FnOnce(&mut DocumentRecord)) -> String {
        let mut record = f
            .app
            .store
            .get_document(&upload(f).await.id)
            .await
            .unwrap()
            .unwrap();
        record.meta.id = new_id();
        let sealed = seal(&keys(), &record.meta.id, LETTER).unwrap();
        record.wrapped_key = sealed.wrapped_key;
        record.nonce = sealed.nonce;
        record.ciphertext = sealed.ciphertext;
        tamper(&mut record);
        insert_raw(f, &record).await;
        record.meta.id
    }

    #[tokio::test]
    async fn a_flipped_byte_fails_to_decrypt_instead_of_giving_wrong_content() {
        let f = fixture().await;
        let untouched = store_tampered(&f, |_| {}).await;
        let (_, content) = f
            .app
            .read_document(&f.coordinator, &untouched)
            .await
            .unwrap();
        assert_eq!(content, LETTER, "the helper itself seals correctly");

        type Flip = (fn(&mut DocumentRecord), &'static str);
        let flips: [Flip; 4] = [
            (|r| r.ciphertext[10] ^= 0x01, "failed authentication"),
            (
                |r| r.ciphertext[LETTER.len()] ^= 0x01,
                "failed authentication",
            ),
            (|r| r.nonce[0] ^= 0x01, "failed authentication"),
            (|r| r.wrapped_key[30] ^= 0x80, "does not unwrap"),
        ];
        for (flip, cause) in flips {
            let id = store_tampered(&f, flip).await;
            let err = f.app.read_document(&f.coordinator, &id).await.unwrap_err();
            let message = internal_message(err);
            assert!(message.contains(cause), "{message}");
        }
    }

    #[tokio::test]
    async fn a_ciphertext_moved_to_another_document_does_not_open() {
        let f = fixture().await;
        let meta = upload(&f).await;
        let original = f.app.store.get_document(&meta.id).await.unwrap().unwrap();
        // Moved whole: the wrapped key is bound to its document too.
        let mut copy = original.clone();
        copy.meta.id = new_id();
        insert_raw(&f, &copy).await;
        let err = f
            .app
            .read_document(&f.coordinator, &copy.meta.id)
            .await
            .unwrap_err();
        assert!(internal_message(err).contains("does not unwrap"));
        // Even with its data key properly re-wrapped for the new row, the content is bound
        // to the original document's id.
        let mut copy = original.clone();
        copy.meta.id = new_id();
        let data_key = unwrap(&keys(), &meta.id, "k1", &original.wrapped_key).unwrap();
        copy.wrapped_key = wrap(&keys().current, &copy.meta.id, &data_key).unwrap();
        insert_raw(&f, &copy).await;
        let err = f
            .app
            .read_document(&f.coordinator, &copy.meta.id)
            .await
            .unwrap_err();
        assert!(internal_message(err).contains("failed authentication"));
    }

    #[tokio::test]
    async fn a_wrong_or_missing_key_fails_with_a_clear_cause() {
        let f = fixture().await;
        let meta = upload(&f).await;
        let same_id_other_key = DocumentKeys::parse(&key_text("k1", 2)).unwrap();
        let err = f
            .app
            .clone()
            .with_document_keys(same_id_other_key)
            .read_document(&f.coordinator, &meta.id)
            .await
            .unwrap_err();
        assert!(internal_message(err).contains("does not unwrap with document key 'k1'"));
        let other_id = DocumentKeys::parse(&key_text("k2", 1)).unwrap();
        let err = f
            .app
            .clone()
            .with_document_keys(other_id)
            .read_document(&f.coordinator, &meta.id)
            .await
            .unwrap_err();
        assert!(internal_message(err).contains("'k1', which is not configured"));
        let trail = f
            .app
            .store
            .audit_for_record("pupil", "pupil-a", 10)
            .await
            .unwrap();
        assert!(
            trail.iter().all(|e| e.action != "document.download"),
            "a failed download is not recorded as one"
        );
    }

    #[tokio::test]
    async fn rotation_rewraps_every_key_and_documents_then_read_with_only_the_new_key() {
        let f = fixture().await;
        let old = keys();
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(upload(&f).await.id);
        }
        let before = f.app.store.get_document(&ids[0]).await.unwrap().unwrap();
        let rotated = old.with_new_current("k2").unwrap();
        assert_eq!(rotated.ids(), ["k2", "k1"]);
        // A document uploaded during the rotation is already under the new key.
        let during = Fixture {
            app: f.app.clone().with_document_keys(rotated.clone()),
            ..f
        };
        ids.push(upload(&during).await.id);
        let f = during;

        assert_eq!(f.app.rewrap_documents().await.unwrap(), 3);
        assert_eq!(
            f.app.rewrap_documents().await.unwrap(),
            0,
            "a second run has nothing to do"
        );
        let after = f.app.store.get_document(&ids[0]).await.unwrap().unwrap();
        assert_eq!(after.meta.key_id, "k2");
        assert_ne!(after.wrapped_key, before.wrapped_key);
        assert_eq!(after.ciphertext, before.ciphertext, "content untouched");
        assert_eq!(after.nonce, before.nonce);

        let new_only = rotated.current_only();
        assert_eq!(new_only.ids(), ["k2"]);
        for id in &ids {
            let (meta, content) = f
                .app
                .clone()
                .with_document_keys(new_only.clone())
                .read_document(&f.coordinator, id)
                .await
                .unwrap();
            assert_eq!(meta.key_id, "k2");
            assert_eq!(content, LETTER);
        }
        // The old key alone no longer opens them.
        assert!(
            f.app
                .clone()
                .with_document_keys(old)
                .read_document(&f.coordinator, &ids[0])
                .await
                .is_err()
        );
        let rotations = f
            .app
            .store
            .audit_for_record("document_key", "k2", 10)
            .await
            .unwrap();
        assert_eq!(rotations.len(), 1);
        assert_eq!(rotations[0].action, "document.rewrap");
    }

    #[tokio::test]
    async fn rotation_without_the_old_key_stops_with_a_clear_cause() {
        let f = fixture().await;
        upload(&f).await;
        let unrelated = DocumentKeys::parse(&key_text("k2", 2)).unwrap();
        let err = f
            .app
            .clone()
            .with_document_keys(unrelated)
            .rewrap_documents()
            .await
            .unwrap_err();
        assert!(internal_message(err).contains("'k1', which is not configured"));
    }

    #[tokio::test]
    async fn a_school_user_cannot_reach_another_schools_pupils_documents() {
        let f = fixture().await;
        let meta = upload(&f).await;
        assert!(matches!(
            f.app.read_document(&f.school_b, &meta.id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            f.app
                .list_documents(&f.school_b, DocumentOwner::Pupil, "pupil-a")
                .await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            f.app
                .store_document(
                    &f.school_b,
                    DocumentOwner::Pupil,
                    "pupil-a",
                    "x.pdf",
                    LETTER
                )
                .await,
            Err(AppError::NotFound)
        ));
        // A missing document and a missing pupil look the same.
        assert!(matches!(
            f.app.read_document(&f.school_b, "no-such-id").await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            f.app
                .store_document(
                    &f.school_a,
                    DocumentOwner::Pupil,
                    "no-such-pupil",
                    "x.pdf",
                    LETTER
                )
                .await,
            Err(AppError::NotFound)
        ));
    }

    #[tokio::test]
    async fn mn_role_6_read_only_roles_may_read_but_not_upload() {
        let f = fixture().await;
        let meta = upload(&f).await;
        assert!(f.app.read_document(&f.auditor, &meta.id).await.is_ok());
        assert!(matches!(
            f.app
                .store_document(&f.auditor, DocumentOwner::Pupil, "pupil-a", "x.pdf", LETTER)
                .await,
            Err(AppError::NotFound)
        ));
    }

    #[tokio::test]
    async fn documents_belong_only_to_record_types_that_allow_them() {
        let f = fixture().await;
        assert!(matches!(
            f.app
                .store_document(
                    &f.coordinator,
                    DocumentOwner::Referral,
                    "pupil-a",
                    "x.pdf",
                    LETTER
                )
                .await,
            Err(AppError::NotFound)
        ));
    }

    #[tokio::test]
    async fn a_wrong_extension_upload_is_refused_naming_the_file() {
        let f = fixture().await;
        let err = f
            .app
            .store_document(
                &f.school_a,
                DocumentOwner::Pupil,
                "pupil-a",
                "notes.docx",
                LETTER,
            )
            .await
            .unwrap_err();
        let AppError::Invalid(problems) = err else {
            panic!("expected invalid input, got {err:?}");
        };
        assert_eq!(problems[0].field, "document");
        assert_eq!(
            problems[0].message,
            "notes.docx is not a Word document: its contents do not match its name"
        );
        assert!(
            f.app
                .list_documents(&f.school_a, DocumentOwner::Pupil, "pupil-a")
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn the_stored_name_is_cleaned() {
        let f = fixture().await;
        let meta = f
            .app
            .store_document(
                &f.school_a,
                DocumentOwner::Pupil,
                "pupil-a",
                "C:\\Users\\me\\\"letter\"\r\n.pdf",
                LETTER,
            )
            .await
            .unwrap();
        assert_eq!(meta.filename, "letter.pdf");
    }

    #[test]
    fn document_keys_parse_with_the_first_current() {
        let keys =
            DocumentKeys::parse(&format!(" {} ,\n{},", key_text("k2", 2), key_text("k1", 1)))
                .unwrap();
        assert_eq!(keys.current_id(), "k2");
        assert_eq!(keys.ids(), ["k2", "k1"]);
        assert_eq!(
            DocumentKeys::parse(&keys.expose_config_text())
                .unwrap()
                .expose_config_text(),
            keys.expose_config_text()
        );
    }

    #[test]
    fn bad_document_keys_are_refused_with_a_clear_error() {
        let short = format!("k1:{}", STANDARD.encode([7u8; 16]));
        let cases = [
            ("", "no key is set"),
            (" , ", "no key is set"),
            ("k1", "entry 1 is not in the form ID:BASE64KEY"),
            ("k1:!!!notbase64!!!", "'k1' is not valid base64"),
            (short.as_str(), "'k1' is 16 bytes long; a key must be 32"),
            (":AAAA", "entry 1 has an id"),
            ("bad id:AAAA", "entry 1 has an id"),
        ];
        for (text, expected) in cases {
            let err = DocumentKeys::parse(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
        let twice = format!("{},{}", key_text("k1", 1), key_text("k1", 2));
        assert_eq!(
            DocumentKeys::parse(&twice).unwrap_err().to_string(),
            "the key id 'k1' is given twice"
        );
    }

    #[test]
    fn no_error_or_debug_output_contains_key_material() {
        let secret = STANDARD.encode([0xAB; KEY_BYTES]);
        let keys = DocumentKeys::parse(&format!("k1:{secret}")).unwrap();
        let debug = format!("{keys:?}");
        assert!(
            !debug.contains(&secret) && !debug.contains("171"),
            "{debug}"
        );
        assert!(debug.contains("k1"));
        let bad = DocumentKeys::parse(&format!("k1:{}", &secret[..20]))
            .unwrap_err()
            .to_string();
        assert!(!bad.contains(&secret[..20]), "{bad}");
        let not_an_entry = DocumentKeys::parse(&secret).unwrap_err().to_string();
        assert!(!not_an_entry.contains(&secret[..10]), "{not_an_entry}");
    }

    #[test]
    fn a_key_file_is_created_private_and_loaded_again() {
        let dir = std::env::temp_dir().join(format!("mns-document-keys-{}", new_id()));
        std::fs::create_dir(&dir).unwrap();
        let path = dir.join("document-keys");
        let created = DocumentKeys::load_or_create(&path).unwrap();
        assert_eq!(created.ids(), ["k1"]);
        let loaded = DocumentKeys::load_or_create(&path).unwrap();
        assert_eq!(loaded.expose_config_text(), created.expose_config_text());
        assert!(
            DocumentKeys::generate_file(&path).is_err(),
            "an existing key file is never overwritten"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
