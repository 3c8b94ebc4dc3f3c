//! Documents attached to a record, stored encrypted. This file only moves bytes: the
//! application encrypts before [`WriteTx::insert_document`] and decrypts after
//! [`Store::get_document`], so no plaintext and no unwrapped key ever reaches the database.
//! Binary columns are `Vec<u8>` through the `Any` driver (a blob on SQLite, `BYTEA` on
//! PostgreSQL).

use crate::{Store, StoreError, StoreResult, WriteTx, parse_ts, ts};
use chrono::{DateTime, Utc};
use mns_domain::documents::DocumentKind;
use std::fmt;

/// What is known about a document without opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentMeta {
    /// The document's id.
    pub id: String,
    /// The kind of record it belongs to (`pupil`).
    pub record_type: String,
    /// The record's id.
    pub record_id: String,
    /// The name it was uploaded with, cleaned for display.
    pub filename: String,
    /// What kind of file it is (checked against its contents on upload).
    pub kind: DocumentKind,
    /// Its size in bytes, before encryption.
    pub size: i64,
    /// The key-encryption key its data key is wrapped by.
    pub key_id: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

/// A document as stored: its metadata and the encrypted content with its wrapped data key.
#[derive(Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// What is known about it.
    pub meta: DocumentMeta,
    /// The data key, sealed by the key-encryption key `meta.key_id` (wrapping nonce first).
    pub wrapped_key: Vec<u8>,
    /// The nonce the content was sealed with.
    pub nonce: Vec<u8>,
    /// The sealed content (with its authentication tag).
    pub ciphertext: Vec<u8>,
}

impl fmt::Debug for DocumentRecord {
    // Lengths only: a 20 MB ciphertext in a log line helps nobody.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentRecord")
            .field("meta", &self.meta)
            .field("wrapped_key_len", &self.wrapped_key.len())
            .field("nonce_len", &self.nonce.len())
            .field("ciphertext_len", &self.ciphertext.len())
            .finish()
    }
}

/// A document's wrapped data key, for rotating key-encryption keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentKeyRecord {
    /// The document's id.
    pub id: String,
    /// The key-encryption key the data key is wrapped by.
    pub key_id: String,
    /// The wrapped data key.
    pub wrapped_key: Vec<u8>,
}

const META_COLUMNS: &str =
    "id, record_type, record_id, filename, kind, size, key_id, uploaded_by, uploaded_at";

type MetaRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
);

/// A metadata row followed by the wrapped key, the nonce and the ciphertext.
type RecordRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
    Vec<u8>,
    Vec<u8>,
    Vec<u8>,
);

fn meta(
    (id, record_type, record_id, filename, kind, size, key_id, uploaded_by, uploaded_at): MetaRow,
) -> StoreResult<DocumentMeta> {
    Ok(DocumentMeta {
        kind: DocumentKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("'{kind}' is not a document kind")))?,
        id,
        record_type,
        record_id,
        filename,
        size,
        key_id,
        uploaded_by,
        uploaded_at: parse_ts(&uploaded_at)?,
    })
}

impl WriteTx {
    /// Stores an encrypted document.
    pub async fn insert_document(&mut self, d: &DocumentRecord) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO documents ({META_COLUMNS}, wrapped_key, nonce, ciphertext) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(&d.meta.id)
        .bind(&d.meta.record_type)
        .bind(&d.meta.record_id)
        .bind(&d.meta.filename)
        .bind(d.meta.kind.as_str())
        .bind(d.meta.size)
        .bind(&d.meta.key_id)
        .bind(&d.meta.uploaded_by)
        .bind(ts(d.meta.uploaded_at))
        .bind(&d.wrapped_key)
        .bind(&d.nonce)
        .bind(&d.ciphertext)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Deletes every document attached to a record, content and all; returns how many.
    pub async fn delete_documents_of(
        &mut self,
        record_type: &str,
        record_id: &str,
    ) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM documents WHERE record_type = $1 AND record_id = $2")
            .bind(record_type)
            .bind(record_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected())
    }

    /// Moves a document from one owner to another of the same record (a pending upload
    /// becoming the record's), if it is `from`'s, of `record_id` and uploaded by `uploaded_by`;
    /// false otherwise.
    pub async fn move_document(
        &mut self,
        id: &str,
        record_id: &str,
        uploaded_by: &str,
        from: &str,
        to: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE documents SET record_type = $1 \
             WHERE id = $2 AND record_type = $3 AND record_id = $4 AND uploaded_by = $5",
        )
        .bind(to)
        .bind(id)
        .bind(from)
        .bind(record_id)
        .bind(uploaded_by)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a document's wrapped data key with one wrapped by another key-encryption key;
    /// the content is untouched. False when there is no such document.
    pub async fn rewrap_document(
        &mut self,
        id: &str,
        key_id: &str,
        wrapped_key: &[u8],
    ) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE documents SET key_id = $1, wrapped_key = $2 WHERE id = $3")
            .bind(key_id)
            .bind(wrapped_key)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// A document with its encrypted content.
    pub async fn get_document(&self, id: &str) -> StoreResult<Option<DocumentRecord>> {
        let row: Option<RecordRow> = sqlx::query_as(&format!(
            "SELECT {META_COLUMNS}, wrapped_key, nonce, ciphertext FROM documents WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(
            |(id, rt, rid, name, kind, size, key_id, by, at, wrapped_key, nonce, ciphertext)| {
                Ok(DocumentRecord {
                    meta: meta((id, rt, rid, name, kind, size, key_id, by, at))?,
                    wrapped_key,
                    nonce,
                    ciphertext,
                })
            },
        )
        .transpose()
    }

    /// The documents attached to a record, oldest first: metadata only, no content is read.
    pub async fn documents_for(
        &self,
        record_type: &str,
        record_id: &str,
    ) -> StoreResult<Vec<DocumentMeta>> {
        let rows: Vec<MetaRow> = sqlx::query_as(&format!(
            "SELECT {META_COLUMNS} FROM documents WHERE record_type = $1 AND record_id = $2 \
             ORDER BY uploaded_at, id"
        ))
        .bind(record_type)
        .bind(record_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(meta).collect()
    }

    /// One page of documents' wrapped keys in id order, after `after_id` (from the start when
    /// `None`), for rotating key-encryption keys without reading any content.
    pub async fn document_keys_page(
        &self,
        after_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<DocumentKeyRecord>> {
        // Every id sorts after the empty string, so one query serves the first page too.
        let rows: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT id, key_id, wrapped_key FROM documents WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, key_id, wrapped_key)| DocumentKeyRecord {
                id,
                key_id,
                wrapped_key,
            })
            .collect())
    }
}
