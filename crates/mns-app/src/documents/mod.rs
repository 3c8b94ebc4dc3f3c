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
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use chrono::SubsecRound;
use mns_domain::documents::{
    DEFAULT_MAX_DOCUMENT_BYTES, DocumentKind, DocumentOwner, clean_filename,
};
use mns_store::{DocumentMeta, DocumentRecord, new_id};

mod keys;
pub use keys::{DocumentKeys, DocumentKeysError};
use keys::{KeyEncryptionKey, random_bytes};

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
    let nonce: [u8; NONCE_BYTES] = random_bytes().map_err(AppError::internal)?;
    let sealed = XChaCha20Poly1305::new(&Key::from(kek.key))
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: data_key,
                aad: &wrap_aad(document_id),
            },
        )
        .map_err(|_| {
            AppError::internal(format!("document {document_id}: wrapping its key failed"))
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
        AppError::internal(format!(
            "document {document_id}: its key is wrapped by document key '{key_id}', which is not configured (MNS_DOCUMENT_KEYS has {:?})",
            keys.ids()
        ))
    })?;
    let failed = || {
        AppError::internal(format!(
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
    let data_key: [u8; KEY_BYTES] = random_bytes().map_err(AppError::internal)?;
    let nonce: [u8; NONCE_BYTES] = random_bytes().map_err(AppError::internal)?;
    let ciphertext = XChaCha20Poly1305::new(&Key::from(data_key))
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: content,
                aad: document_id.as_bytes(),
            },
        )
        .map_err(|_| AppError::internal(format!("document {document_id}: encryption failed")))?;
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
        AppError::internal(format!(
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
            AppError::internal(format!(
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
            DocumentOwner::PendingEvidence => {
                self.may_hold_evidence_document(actor, record_id, access)
                    .await
            }
            // A herringbone during provision (MN-PROV-6): council staff and the school read it;
            // the school and council staff who work cases add one once provision has started.
            DocumentOwner::CaseAttendance => {
                use mns_domain::provision::CaseAction;
                let action = match access {
                    DocumentAccess::Read => CaseAction::ReadCaseWork,
                    DocumentAccess::Upload => CaseAction::UploadAttendance,
                };
                if !action.allowed_for(actor.role()) {
                    return Ok(false);
                }
                match self.view_case_actions(actor, record_id).await {
                    Ok(actions) => Ok(actions.contains(&action)),
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
                .map_err(|_| AppError::internal("a document's size does not fit"))?,
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
mod tests;
