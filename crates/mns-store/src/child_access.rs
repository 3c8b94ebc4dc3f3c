//! Who can see a child: the links that put a pupil in a parent's, provider's, health
//! professional's or case viewer's scope, as the coordinator (or the school, for parents) gives
//! and takes them.

use crate::pupils::day;
use crate::{Store, StoreResult, WriteTx, parse_ts, ts};
use chrono::{DateTime, NaiveDate, Utc};

/// The SQL condition under which a link (aliased `alias`) gives access on the day bound at
/// placeholder `$n`: not restricted and not ended. Every query that computes a linked user's
/// scope uses it, so an ended or restricted link gives nothing anywhere.
pub(crate) fn active_link(alias: &str, n: usize) -> String {
    format!("{alias}.restricted = 0 AND ({alias}.ends_on IS NULL OR {alias}.ends_on >= ${n})")
}

/// One person's access to one child, with who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildAccessRecord {
    /// The person's user id.
    pub user_id: String,
    /// Their name.
    pub display_name: String,
    /// Their email address.
    pub email: String,
    /// The pupil.
    pub pupil_id: String,
    /// The kind of access: `parent`, `provider`, `health_professional` or `case_viewer`.
    pub kind: String,
    /// How they are related to the child, in words ("Mother", "Tutor", "Social worker").
    pub relationship: String,
    /// For a parent or carer: `yes`, `no` or `unknown`.
    pub parental_responsibility: String,
    /// Whether the coordinator has restricted it (it then gives no access).
    pub restricted: bool,
    /// Why it was restricted.
    pub restricted_reason: String,
    /// The last day it gives access, if it ends.
    pub ends_on: Option<NaiveDate>,
    /// Why it was given.
    pub reason: String,
    /// Who gave it (a user id; empty for links made before this was recorded).
    pub granted_by: String,
    /// When.
    pub granted_at: DateTime<Utc>,
}

/// A link to write.
#[derive(Debug, Clone)]
pub struct NewChildAccess<'a> {
    /// The person.
    pub user_id: &'a str,
    /// The pupil.
    pub pupil_id: &'a str,
    /// `parent`, `provider`, `health_professional` or `case_viewer`.
    pub kind: &'a str,
    /// In words.
    pub relationship: &'a str,
    /// `yes`, `no` or `unknown`.
    pub parental_responsibility: &'a str,
    /// The last day, if any.
    pub ends_on: Option<NaiveDate>,
    /// Why.
    pub reason: &'a str,
    /// Who gives it.
    pub granted_by: &'a str,
    /// When.
    pub granted_at: DateTime<Utc>,
}

type AccessRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
);

fn access(
    (
        user_id,
        display_name,
        email,
        pupil_id,
        kind,
        relationship,
        parental_responsibility,
        restricted,
        restricted_reason,
        ends_on,
        reason,
        granted_by,
        granted_at,
    ): AccessRow,
) -> StoreResult<ChildAccessRecord> {
    let ends_on = if ends_on.is_empty() {
        None
    } else {
        Some(
            NaiveDate::parse_from_str(&ends_on, "%Y-%m-%d")
                .map_err(|_| crate::StoreError::Corrupt(format!("'{ends_on}' is not a date")))?,
        )
    };
    Ok(ChildAccessRecord {
        user_id,
        display_name,
        email,
        pupil_id,
        kind,
        relationship,
        parental_responsibility,
        restricted: restricted != 0,
        restricted_reason,
        ends_on,
        reason,
        granted_by,
        granted_at: parse_ts(&granted_at)?,
    })
}

const ACCESS_SELECT: &str = "SELECT l.user_id, u.display_name, u.email, l.pupil_id, l.relation, \
     l.relationship, l.parental_responsibility, l.restricted, l.restricted_reason, \
     COALESCE(l.ends_on, ''), l.reason, l.granted_by, l.created_at \
     FROM pupil_links l JOIN users u ON u.id = l.user_id";

impl WriteTx {
    /// Gives a person access to a child, replacing any link they already had to that child.
    pub async fn grant_child_access(&mut self, grant: &NewChildAccess<'_>) -> StoreResult<()> {
        sqlx::query("DELETE FROM pupil_links WHERE user_id = $1 AND pupil_id = $2")
            .bind(grant.user_id)
            .bind(grant.pupil_id)
            .execute(&mut *self.tx)
            .await?;
        // `ends_on` is always bound as text ('' for none, turned into NULL by the statement), so
        // PostgreSQL's prepared statement keeps one parameter type.
        sqlx::query(
            "INSERT INTO pupil_links (user_id, pupil_id, relation, created_at, relationship, \
             parental_responsibility, restricted, restricted_reason, ends_on, reason, granted_by) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, '', NULLIF($7, ''), $8, $9)",
        )
        .bind(grant.user_id)
        .bind(grant.pupil_id)
        .bind(grant.kind)
        .bind(ts(grant.granted_at))
        .bind(grant.relationship)
        .bind(grant.parental_responsibility)
        .bind(grant.ends_on.map(day).unwrap_or_default())
        .bind(grant.reason)
        .bind(grant.granted_by)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Takes a person's access to a child away; false if they had none.
    pub async fn remove_child_access(
        &mut self,
        user_id: &str,
        pupil_id: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM pupil_links WHERE user_id = $1 AND pupil_id = $2")
            .bind(user_id)
            .bind(pupil_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Restricts (with a reason) or lifts the restriction on a link; false if there is none.
    pub async fn restrict_child_access(
        &mut self,
        user_id: &str,
        pupil_id: &str,
        restricted: bool,
        reason: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE pupil_links SET restricted = $1, restricted_reason = $2 \
             WHERE user_id = $3 AND pupil_id = $4",
        )
        .bind(i64::from(restricted))
        .bind(reason)
        .bind(user_id)
        .bind(pupil_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

impl Store {
    /// Everyone linked to a child (ended and restricted links included, so the coordinator sees
    /// them), by kind then name.
    pub async fn child_access(&self, pupil_id: &str) -> StoreResult<Vec<ChildAccessRecord>> {
        self.rows_where(
            &format!(
                "{ACCESS_SELECT} WHERE l.pupil_id = $1 \
                 ORDER BY l.relation, u.display_name, l.user_id"
            ),
            &[pupil_id],
            access,
        )
        .await
    }

    /// One person's link to a child, whatever its state.
    pub async fn child_access_of(
        &self,
        pupil_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<ChildAccessRecord>> {
        self.row_where(
            &format!("{ACCESS_SELECT} WHERE l.pupil_id = $1 AND l.user_id = $2"),
            &[pupil_id, user_id],
            access,
        )
        .await
    }
}
