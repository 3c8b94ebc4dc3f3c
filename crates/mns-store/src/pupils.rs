//! Pupils and the links that put a pupil in a parent's, provider's or case viewer's scope.

use crate::{Store, StoreResult, WriteTx, duplicate_as, parse_ts, qualified, ts};
use chrono::{DateTime, NaiveDate, Utc};

/// A pupil: one record that follows the child between schools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilRecord {
    /// The pupil's id.
    pub id: String,
    /// Unique Pupil Number, validated at the edge.
    pub upn: Option<String>,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// The school the pupil is on the roll of, by URN.
    pub school_urn: Option<String>,
    /// When the record was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

type PupilRow = (
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
);

const COLUMNS: &str =
    "id, upn, given_name, family_name, date_of_birth, school_urn, created_at, updated_at";

fn pupil(
    (id, upn, given_name, family_name, dob, school_urn, created, updated): PupilRow,
) -> StoreResult<PupilRecord> {
    Ok(PupilRecord {
        id,
        upn,
        given_name,
        family_name,
        date_of_birth: NaiveDate::parse_from_str(&dob, "%Y-%m-%d")
            .map_err(|_| crate::StoreError::Corrupt(format!("'{dob}' is not a date")))?,
        school_urn,
        created_at: parse_ts(&created)?,
        updated_at: parse_ts(&updated)?,
    })
}

impl WriteTx {
    /// Adds a pupil; a second pupil with the same UPN is refused.
    pub async fn insert_pupil(&mut self, p: &PupilRecord) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO pupils ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(&p.id)
        .bind(&p.upn)
        .bind(&p.given_name)
        .bind(&p.family_name)
        .bind(p.date_of_birth.format("%Y-%m-%d").to_string())
        .bind(&p.school_urn)
        .bind(ts(p.created_at))
        .bind(ts(p.updated_at))
        .execute(&mut *self.tx)
        .await
        .map_err(duplicate_as("a pupil with that UPN"))?;
        Ok(())
    }

    /// Moves a pupil to another school; the record (and its history) stays one.
    pub async fn move_pupil(
        &mut self,
        pupil_id: &str,
        school_urn: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE pupils SET school_urn = $1, updated_at = $2 WHERE id = $3")
            .bind(school_urn)
            .bind(ts(now))
            .bind(pupil_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts a pupil in a user's scope (`parent`, `provider`, `case_viewer`, …).
    pub async fn link_pupil(
        &mut self,
        user_id: &str,
        pupil_id: &str,
        relation: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO pupil_links (user_id, pupil_id, relation, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(pupil_id)
        .bind(relation)
        .bind(ts(now))
        .execute(&mut *self.tx)
        .await
        .map_err(duplicate_as("that link"))?;
        Ok(())
    }
}

impl Store {
    /// The pupil with this id.
    pub async fn get_pupil(&self, id: &str) -> StoreResult<Option<PupilRecord>> {
        let row: Option<PupilRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM pupils WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(pupil).transpose()
    }

    /// Pupils on a school's roll, by family name.
    pub async fn pupils_at_school(&self, urn: &str) -> StoreResult<Vec<PupilRecord>> {
        let rows: Vec<PupilRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM pupils WHERE school_urn = $1 ORDER BY family_name, given_name, id"
        ))
        .bind(urn)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(pupil).collect()
    }

    /// Pupils linked to a user, by family name.
    pub async fn pupils_linked_to(&self, user_id: &str) -> StoreResult<Vec<PupilRecord>> {
        let columns = qualified(COLUMNS, "p");
        let rows: Vec<PupilRow> = sqlx::query_as(&format!(
            "SELECT {columns} FROM pupils p JOIN pupil_links l ON l.pupil_id = p.id \
             WHERE l.user_id = $1 ORDER BY p.family_name, p.given_name, p.id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(pupil).collect()
    }

    /// Every pupil, by family name, at most `limit`.
    pub async fn all_pupils(&self, limit: i64) -> StoreResult<Vec<PupilRecord>> {
        let rows: Vec<PupilRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM pupils ORDER BY family_name, given_name, id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(pupil).collect()
    }

    /// How a user is linked to a pupil, if they are.
    pub async fn pupil_link(&self, user_id: &str, pupil_id: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT relation FROM pupil_links WHERE user_id = $1 AND pupil_id = $2")
                .bind(user_id)
                .bind(pupil_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(r,)| r))
    }
}
