//! Pupils and the links that put a pupil in a parent's, provider's or case viewer's scope.

use crate::{Store, StoreResult, WriteTx, duplicate_as, parse_ts, qualified, ts};
use chrono::{DateTime, NaiveDate, Utc};

/// A day as the schema stores it.
pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

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

pub(crate) const COLUMNS: &str =
    "id, upn, given_name, family_name, date_of_birth, school_urn, created_at, updated_at";

pub(crate) fn pupil(
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
        self.row_where(
            &format!("SELECT {COLUMNS} FROM pupils WHERE id = $1"),
            &[id],
            pupil,
        )
        .await
    }

    /// The pupil with this UPN, if any (a pupil keeps one record across schools).
    pub async fn pupil_by_upn(&self, upn: &str) -> StoreResult<Option<PupilRecord>> {
        self.row_where(
            &format!("SELECT {COLUMNS} FROM pupils WHERE upn = $1"),
            &[upn],
            pupil,
        )
        .await
    }

    /// Pupils on a school's roll, by family name.
    pub async fn pupils_at_school(&self, urn: &str) -> StoreResult<Vec<PupilRecord>> {
        self.rows_where(
            &format!(
                "SELECT {COLUMNS} FROM pupils WHERE school_urn = $1 \
                 ORDER BY family_name, given_name, id"
            ),
            &[urn],
            pupil,
        )
        .await
    }

    /// Pupils a user's links give access to on `today` (not ended, not restricted), by family
    /// name.
    pub async fn pupils_linked_to(
        &self,
        user_id: &str,
        today: NaiveDate,
    ) -> StoreResult<Vec<PupilRecord>> {
        let columns = qualified(COLUMNS, "p");
        self.rows_where(
            &format!(
                "SELECT {columns} FROM pupils p JOIN pupil_links l ON l.pupil_id = p.id \
                 WHERE l.user_id = $1 AND {active} ORDER BY p.family_name, p.given_name, p.id",
                active = crate::child_access::active_link("l", 2),
            ),
            &[user_id, &day(today)],
            pupil,
        )
        .await
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

    /// How a user is linked to a pupil, if the link gives access on `today` (not ended, not
    /// restricted).
    pub async fn pupil_link(
        &self,
        user_id: &str,
        pupil_id: &str,
        today: NaiveDate,
    ) -> StoreResult<Option<String>> {
        self.row_where(
            &format!(
                "SELECT l.relation FROM pupil_links l WHERE l.user_id = $1 AND l.pupil_id = $2 \
                 AND {}",
                crate::child_access::active_link("l", 3)
            ),
            &[user_id, pupil_id, &day(today)],
            |(relation,): (String,)| Ok(relation),
        )
        .await
    }
}

/// A UPN match the coordinator must resolve before a referral's pupil is joined to an existing
/// record (MN-ROLE-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilMatchRecord {
    /// The referral whose UPN matched.
    pub referral_id: String,
    /// The record made for the referral (all the submitting school sees until resolved).
    pub new_pupil_id: String,
    /// The existing record with that UPN.
    pub existing_pupil_id: String,
    /// `school_move` or `possible_match` ([`mns_domain::referral::UpnMatch`]).
    pub kind: String,
    /// When the match was found.
    pub created_at: DateTime<Utc>,
    /// `same_child` or `different_children`, once decided.
    pub resolution: Option<String>,
    /// Who decided.
    pub resolved_by: Option<String>,
    /// When.
    pub resolved_at: Option<DateTime<Utc>>,
    /// The coordinator's note.
    pub note: String,
}

type MatchRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

const MATCH_COLUMNS: &str = "referral_id, new_pupil_id, existing_pupil_id, kind, created_at, \
                             resolution, resolved_by, resolved_at, note";

fn pupil_match(
    (
        referral_id,
        new_pupil_id,
        existing_pupil_id,
        kind,
        created_at,
        resolution,
        resolved_by,
        resolved_at,
        note,
    ): MatchRow,
) -> StoreResult<PupilMatchRecord> {
    Ok(PupilMatchRecord {
        referral_id,
        new_pupil_id,
        existing_pupil_id,
        kind,
        created_at: parse_ts(&created_at)?,
        resolution,
        resolved_by,
        resolved_at: resolved_at.as_deref().map(parse_ts).transpose()?,
        note,
    })
}

impl WriteTx {
    /// Records a UPN match for the coordinator.
    pub async fn insert_pupil_match(&mut self, m: &PupilMatchRecord) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO pupil_matches ({MATCH_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&m.referral_id)
        .bind(&m.new_pupil_id)
        .bind(&m.existing_pupil_id)
        .bind(&m.kind)
        .bind(ts(m.created_at))
        .bind(&m.resolution)
        .bind(&m.resolved_by)
        .bind(m.resolved_at.map(ts))
        .bind(&m.note)
        .execute(&mut *self.tx)
        .await
        .map_err(duplicate_as("a match for that referral"))?;
        Ok(())
    }

    /// Records the coordinator's resolution; false if it was already resolved.
    pub async fn resolve_pupil_match(
        &mut self,
        referral_id: &str,
        resolution: &str,
        resolved_by: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE pupil_matches SET resolution = $1, resolved_by = $2, resolved_at = $3, \
             note = $4 WHERE referral_id = $5 AND resolved_at IS NULL",
        )
        .bind(resolution)
        .bind(resolved_by)
        .bind(ts(now))
        .bind(note)
        .bind(referral_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Joins a referral to another pupil's record.
    pub async fn set_referral_pupil(
        &mut self,
        referral_id: &str,
        pupil_id: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE referrals SET pupil_id = $1 WHERE id = $2")
            .bind(pupil_id)
            .bind(referral_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Removes a pupil record that nothing refers to any more (the record made for a referral
    /// that turned out to be an existing child's). Refused by the database if anything still
    /// refers to it.
    pub async fn delete_unused_pupil(&mut self, pupil_id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM pupils WHERE id = $1")
            .bind(pupil_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// The UPN match found when a referral was submitted, if there was one.
    pub async fn pupil_match(&self, referral_id: &str) -> StoreResult<Option<PupilMatchRecord>> {
        let row: Option<MatchRow> = sqlx::query_as(&format!(
            "SELECT {MATCH_COLUMNS} FROM pupil_matches WHERE referral_id = $1"
        ))
        .bind(referral_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(pupil_match).transpose()
    }

    /// Matches still waiting for the coordinator, oldest first.
    pub async fn open_pupil_matches(&self) -> StoreResult<Vec<PupilMatchRecord>> {
        let rows: Vec<MatchRow> = sqlx::query_as(&format!(
            "SELECT {MATCH_COLUMNS} FROM pupil_matches WHERE resolved_at IS NULL \
             ORDER BY created_at, referral_id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(pupil_match).collect()
    }
}
