//! The attendance import's writes (issue 16): a school's figures replaced whole, its alerts
//! read back in one row and reconciled, many rows to a statement (see [`crate::bulk`]).

use crate::attendance_feed::{
    ALERT_COLUMNS, EVENT_COLUMNS, FIGURES_COLUMNS, IMPORT_COLUMNS, count,
};
use crate::bulk::{chunks, standard};
use crate::{
    AlertEventRecord, AlertPriority, AlertRecord, AlertStatus, AttendanceFiguresRecord,
    AttendanceImportRecord, StoreError, StoreResult, WriteTx, day, duplicate_as, ts,
};
use chrono::{DateTime, NaiveDate, Utc};

/// Columns written per figures row: [`FIGURES_COLUMNS`] plus `import_id` and `delete_after`.
const FIGURES_WRITTEN: usize = 24;
/// A re-import's figures row updates the pupil's in place: every figure and the import that
/// wrote it. Not the key, nor `delete_after` (fixed by the school year, part of the key), so
/// neither index is touched: SQLite rewrites only the indexes whose columns are set, and
/// PostgreSQL can keep the new row version on its page (a HOT update).
const FIGURES_UPSERT: &str = " ON CONFLICT (school_year, urn, upn) DO UPDATE SET \
    sessions_possible = excluded.sessions_possible, present = excluded.present, \
    authorised = excluded.authorised, unauthorised = excluded.unauthorised, \
    illness_sessions = excluded.illness_sessions, \
    longest_run_sessions = excluded.longest_run_sessions, \
    longest_run_first = excluded.longest_run_first, longest_run_last = excluded.longest_run_last, \
    run_ongoing = excluded.run_ongoing, m_sessions = excluded.m_sessions, \
    k_sessions = excluded.k_sessions, c2_sessions = excluded.c2_sessions, \
    c2_weeks = excluded.c2_weeks, persistent = excluded.persistent, severe = excluded.severe, \
    ehcp = excluded.ehcp, looked_after = excluded.looked_after, \
    leaving_date = excluded.leaving_date, last_session = excluded.last_session, \
    import_id = excluded.import_id";
/// The columns an alert insert binds: [`ALERT_COLUMNS`] plus `priority_rank`.
const ALERT_WRITTEN: usize = 20;
/// The columns an event insert binds.
const EVENT_WRITTEN: usize = 8;

/// A statement being given its parameters.
type BulkQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// The columns of an [`AlertState`], in its order.
const STATE_COLUMNS: &str =
    "id, rule_id, upn, status, priority, measure, decided_measure, still_met, pupil_name";

/// An alert as an import reconciles it: what decides whether the new figures change it, and
/// no more (a county's alerts are read back at every import: 188,000 of them in the benchmark,
/// so its dates, figures and sentence are left where they are; [`WriteTx::update_alert_on_import`]
/// writes what an import changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertState {
    /// Its id.
    pub id: String,
    /// The rule that fired.
    pub rule_id: String,
    /// The pupil's UPN.
    pub upn: String,
    /// Open or decided.
    pub status: AlertStatus,
    /// How soon it needs looking at.
    pub priority: AlertPriority,
    /// The rule's measure on the figures last written.
    pub measure: i64,
    /// The measure when last decided.
    pub decided_measure: Option<i64>,
    /// Whether the rule still fired on the figures last written.
    pub still_met: bool,
    /// The pupil's name, when the county's pupil file gave it.
    pub pupil_name: Option<String>,
}

/// An [`AlertState`] as the JSON aggregate gives it, in [`STATE_COLUMNS`] order.
type StateRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    i64,
    Option<String>,
);

impl AlertState {
    fn from_row(row: StateRow) -> StoreResult<AlertState> {
        let (id, rule_id, upn, status, priority, measure, decided, met, pupil_name) = row;
        let corrupt = |what: &str, text: &str| {
            StoreError::Corrupt(format!("alert {id}: '{text}' is not {what}"))
        };
        Ok(AlertState {
            status: AlertStatus::parse(&status).ok_or_else(|| corrupt("a status", &status))?,
            priority: AlertPriority::parse(&priority)
                .ok_or_else(|| corrupt("a priority", &priority))?,
            still_met: met != 0,
            pupil_name,
            id,
            rule_id,
            upn,
            measure,
            decided_measure: decided,
        })
    }
}

/// What an import writes over an alert it finds (see [`WriteTx::update_alert_on_import`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertImportUpdate<'a> {
    /// The alert's id.
    pub id: &'a str,
    /// Open or decided (an import re-opens a decided alert whose measure passed its decision's).
    pub status: AlertStatus,
    /// When it was re-opened, if this import re-opened it.
    pub reopened_at: Option<DateTime<Utc>>,
    /// How soon it needs looking at now.
    pub priority: AlertPriority,
    /// The figures it now stands on, as JSON.
    pub figures_json: &'a str,
    /// Why, in a sentence.
    pub why: &'a str,
    /// The rule's measure now.
    pub measure: i64,
    /// The policy version the rule came from.
    pub policy_version: &'a str,
    /// The pupil's name, if known.
    pub pupil_name: Option<&'a str>,
    /// This import's time.
    pub updated_at: DateTime<Utc>,
}

impl WriteTx {
    /// Replaces a school's figures for a school year with an import's: records `import`,
    /// writes `rows` (each to be deleted after `delete_after`) over the pupils' figures from the
    /// last import, and deletes those of pupils it does not name. All in this transaction, so
    /// readers see the old figures or the new, never a mix. Every row must be for the import's school and year
    /// (refused before anything is written); a UPN twice is [`StoreError::Duplicate`].
    pub async fn replace_attendance_figures(
        &mut self,
        import: &AttendanceImportRecord,
        delete_after: NaiveDate,
        rows: &[AttendanceFiguresRecord],
    ) -> StoreResult<()> {
        if let Some(stray) = rows
            .iter()
            .find(|r| r.urn != import.urn || r.school_year != import.school_year)
        {
            return Err(StoreError::Corrupt(format!(
                "figures for {} {} cannot be written with an import for {} {}",
                stray.urn, stray.school_year, import.urn, import.school_year
            )));
        }
        sqlx::query(&format!(
            "INSERT INTO attendance_imports ({IMPORT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&import.id)
        .bind(&import.urn)
        .bind(&import.school_year)
        .bind(&import.source)
        .bind(&import.file_sha256)
        .bind(count(import.rows)?)
        .bind(count(import.pupils)?)
        .bind(&import.imported_by)
        .bind(ts(import.imported_at))
        .execute(&mut *self.tx)
        .await?;
        // A UPN twice would be updated twice by one upsert (which PostgreSQL refuses and
        // SQLite allows): refused here, as a second insert was before.
        let mut seen = std::collections::HashSet::with_capacity(rows.len());
        if rows.iter().any(|r| !seen.insert(r.upn.as_str())) {
            return Err(StoreError::Duplicate("attendance figures for a pupil"));
        }
        let delete_after = day(delete_after);
        let head = format!("attendance_figures ({FIGURES_COLUMNS}, import_id, delete_after)");
        // Every nullable column is bound as the same type whether empty or not (dates as text,
        // flags as `Option<i64>`): PostgreSQL keeps a prepared statement's parameter types from
        // its first call.
        self.bulk_write(&head, FIGURES_WRITTEN, FIGURES_UPSERT, rows, |query, r| {
            query
                .bind(&r.school_year)
                .bind(&r.urn)
                .bind(&r.upn)
                .bind(i64::from(r.sessions_possible))
                .bind(i64::from(r.present))
                .bind(i64::from(r.authorised))
                .bind(i64::from(r.unauthorised))
                .bind(i64::from(r.illness_sessions))
                .bind(i64::from(r.longest_run_sessions))
                .bind(r.longest_run_first.map(day))
                .bind(r.longest_run_last.map(day))
                .bind(i64::from(r.run_ongoing))
                .bind(i64::from(r.m_sessions))
                .bind(i64::from(r.k_sessions))
                .bind(i64::from(r.c2_sessions))
                .bind(i64::from(r.c2_weeks))
                .bind(i64::from(r.persistent))
                .bind(i64::from(r.severe))
                .bind(r.ehcp.map(i64::from))
                .bind(r.looked_after.map(i64::from))
                .bind(r.leaving_date.map(day))
                .bind(r.last_session.map(day))
                .bind(import.id.clone())
                .bind(delete_after.clone())
        })
        .await?;
        // The pupils this import did not name (no longer on the school's roll) go.
        sqlx::query(
            "DELETE FROM attendance_figures WHERE school_year = $1 AND urn = $2 \
             AND import_id <> $3",
        )
        .bind(&import.school_year)
        .bind(&import.urn)
        .bind(&import.id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// A school's alerts for a school year, as an import reconciles them, read inside its
    /// transaction in one row (in no particular order).
    pub async fn alert_states_for_school(
        &mut self,
        school_year: &str,
        urn: &str,
    ) -> StoreResult<Vec<AlertState>> {
        let (json,): (String,) = sqlx::query_as(&format!(
            "SELECT {} FROM attendance_alerts WHERE school_year = $1 AND urn = $2",
            self.backend.json_rows(STATE_COLUMNS)
        ))
        .bind(school_year)
        .bind(urn)
        .fetch_one(&mut *self.tx)
        .await?;
        let rows: Vec<StateRow> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("a school's alerts: {e}")))?;
        rows.into_iter().map(AlertState::from_row).collect()
    }

    /// Adds an alert; a second for the same rule, year, school and UPN is
    /// [`StoreError::Duplicate`].
    pub async fn insert_alert(&mut self, a: &AlertRecord) -> StoreResult<()> {
        self.insert_alerts(std::slice::from_ref(a)).await
    }

    /// Adds alerts, many to a statement (an import opens thousands at once).
    pub async fn insert_alerts(&mut self, alerts: &[AlertRecord]) -> StoreResult<()> {
        let head = format!("attendance_alerts ({ALERT_COLUMNS}, priority_rank)");
        self.bulk_insert(&head, ALERT_WRITTEN, alerts, |query, a| {
            query
                .bind(&a.id)
                .bind(&a.rule_id)
                .bind(&a.school_year)
                .bind(&a.urn)
                .bind(&a.upn)
                .bind(&a.pupil_id)
                .bind(a.status.as_str())
                .bind(a.priority.as_str())
                .bind(ts(a.opened_at))
                .bind(ts(a.first_opened_at))
                .bind(&a.figures_json)
                .bind(&a.why)
                .bind(a.measure)
                .bind(a.decided_measure)
                .bind(i64::from(a.still_met))
                .bind(&a.policy_version)
                .bind(&a.pupil_name)
                .bind(day(a.delete_after))
                .bind(ts(a.updated_at))
                .bind(a.priority.rank())
        })
        .await
        .map_err(duplicate_as("an alert for this rule and pupil"))
    }

    /// Writes an alert's changeable columns (everything but its rule, year, school, UPN and
    /// first opening) by id. False if there is no alert with that id.
    pub async fn update_alert(&mut self, a: &AlertRecord) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE attendance_alerts SET pupil_id = $1, status = $2, priority = $3, \
             priority_rank = $4, opened_at = $5, figures_json = $6, why = $7, measure = $8, \
             decided_measure = $9, still_met = $10, policy_version = $11, pupil_name = $12, \
             delete_after = $13, updated_at = $14 WHERE id = $15",
        )
        .bind(&a.pupil_id)
        .bind(a.status.as_str())
        .bind(a.priority.as_str())
        .bind(a.priority.rank())
        .bind(ts(a.opened_at))
        .bind(&a.figures_json)
        .bind(&a.why)
        .bind(a.measure)
        .bind(a.decided_measure)
        .bind(i64::from(a.still_met))
        .bind(&a.policy_version)
        .bind(&a.pupil_name)
        .bind(day(a.delete_after))
        .bind(ts(a.updated_at))
        .bind(&a.id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Writes what an import changes in an alert it found (its rule still fires): status,
    /// priority, figures, sentence, measure, policy, name, and the opening time if re-opened.
    /// False if there is no alert with that id.
    pub async fn update_alert_on_import(&mut self, a: &AlertImportUpdate<'_>) -> StoreResult<bool> {
        // The re-opening time is bound as text either way (see the figures' binding).
        let done = sqlx::query(
            "UPDATE attendance_alerts SET status = $1, opened_at = COALESCE($2, opened_at), \
             priority = $3, priority_rank = $4, figures_json = $5, why = $6, measure = $7, \
             still_met = 1, policy_version = $8, pupil_name = $9, updated_at = $10 \
             WHERE id = $11",
        )
        .bind(a.status.as_str())
        .bind(a.reopened_at.map(ts))
        .bind(a.priority.as_str())
        .bind(a.priority.rank())
        .bind(a.figures_json)
        .bind(a.why)
        .bind(a.measure)
        .bind(a.policy_version)
        .bind(a.pupil_name)
        .bind(ts(a.updated_at))
        .bind(a.id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks an alert whose rule no longer fires (it stays open until someone decides). False
    /// if there is no alert with that id.
    pub async fn set_alert_no_longer_met(
        &mut self,
        id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE attendance_alerts SET still_met = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(0_i64)
        .bind(ts(at))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Adds an event to an alert's history.
    pub async fn insert_alert_event(&mut self, e: &AlertEventRecord) -> StoreResult<()> {
        self.insert_alert_events(std::slice::from_ref(e)).await
    }

    /// Adds events, many to a statement.
    pub async fn insert_alert_events(&mut self, events: &[AlertEventRecord]) -> StoreResult<()> {
        let head = format!("attendance_alert_events ({EVENT_COLUMNS})");
        Ok(self
            .bulk_insert(&head, EVENT_WRITTEN, events, |query, e| {
                query
                    .bind(&e.id)
                    .bind(&e.alert_id)
                    .bind(ts(e.at))
                    .bind(&e.kind)
                    .bind(&e.action)
                    .bind(&e.reason)
                    .bind(&e.actor_id)
                    .bind(&e.figures_json)
            })
            .await?)
    }

    /// Inserts `items` into `head` (`table (columns)`), `columns` parameters a row bound by
    /// `bind`, many rows to a statement (see [`crate::bulk`]).
    async fn bulk_insert<T>(
        &mut self,
        head: &str,
        columns: usize,
        items: &[T],
        bind: impl for<'a> Fn(BulkQuery<'a>, &'a T) -> BulkQuery<'a>,
    ) -> Result<(), sqlx::Error> {
        self.bulk_write(head, columns, "", items, bind).await
    }

    /// [`WriteTx::bulk_insert`] with `tail` after the rows (an `ON CONFLICT` clause).
    async fn bulk_write<T>(
        &mut self,
        head: &str,
        columns: usize,
        tail: &str,
        items: &[T],
        bind: impl for<'a> Fn(BulkQuery<'a>, &'a T) -> BulkQuery<'a>,
    ) -> Result<(), sqlx::Error> {
        for batch in chunks(items) {
            let sql = format!(
                "INSERT INTO {head} VALUES {}{tail}",
                self.backend.values(batch.len(), columns)
            );
            let query = batch.iter().fold(sqlx::query(&sql), &bind);
            query
                .persistent(standard(batch.len()))
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_column_counts_match_the_column_lists() {
        let columns = |list: &str| list.split(',').count();
        assert_eq!(columns(FIGURES_COLUMNS) + 2, FIGURES_WRITTEN);
        assert_eq!(columns(ALERT_COLUMNS) + 1, ALERT_WRITTEN);
        assert_eq!(columns(EVENT_COLUMNS), EVENT_WRITTEN);
        assert_eq!(columns(STATE_COLUMNS), 9);
    }
}
