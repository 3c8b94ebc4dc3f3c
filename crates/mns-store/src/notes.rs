//! Notes on referrals and cases: dated, signed, never edited.

use crate::columns::Text;
use crate::{Store, StoreResult, WriteTx, ts};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

/// A note as stored, with its author's name.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct NoteRecord {
    /// Its id.
    pub id: String,
    /// `referral` or `case`.
    pub record_type: String,
    /// The referral's or case's id.
    pub record_id: String,
    /// Who wrote it.
    pub author_id: String,
    /// Their name as other users see it.
    pub author_name: String,
    /// When.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub written_at: DateTime<Utc>,
    /// What it says.
    pub body: String,
}

impl WriteTx {
    /// Adds a note.
    pub async fn insert_note(&mut self, note: &NoteRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO notes (id, record_type, record_id, author_id, written_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&note.id)
        .bind(&note.record_type)
        .bind(&note.record_id)
        .bind(&note.author_id)
        .bind(ts(note.written_at))
        .bind(&note.body)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// A record's notes, oldest first.
    pub async fn notes(&self, record_type: &str, record_id: &str) -> StoreResult<Vec<NoteRecord>> {
        self.rows_where(
            "SELECT n.id, n.record_type, n.record_id, n.author_id, \
             COALESCE(u.display_name, '') AS author_name, n.written_at, n.body \
             FROM notes n LEFT JOIN users u ON u.id = n.author_id \
             WHERE n.record_type = $1 AND n.record_id = $2 ORDER BY n.written_at, n.id",
            &[record_type, record_id],
            |note: NoteRecord| Ok(note),
        )
        .await
    }
}
