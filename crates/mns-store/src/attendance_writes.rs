//! The attendance import's writes (issue 16): a school's figures replaced whole, its alerts
//! read back in one row and reconciled, many rows to a statement (see [`crate::bulk`]).

use crate::attendance_feed::{
    ALERT_COLUMNS, EVENT_COLUMNS, FIGURES_COLUMNS, IMPORT_COLUMNS, count,
};
use crate::bulk::{chunks, standard};
use crate::{
    AlertEventRecord, AlertPriority, AlertRecord, AlertStatus, AttendanceFiguresRecord,
    AttendanceImportRecord, StoreError, StoreResult, WriteTx, day, duplicate_as, parse_ts, ts,
};
use chrono::{DateTime, NaiveDate, Utc};

/// Columns written per figures row: [`FIGURES_COLUMNS`] plus `import_id` and `delete_after`.
const FIGURES_WRITTEN: usize = 24;
/// The columns an alert insert binds: [`ALERT_COLUMNS`] plus `priority_rank`.
const ALERT_WRITTEN: usize = 20;
/// The columns an event insert binds.
const EVENT_WRITTEN: usize = 8;

/// A statement being given its parameters.
type BulkQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// The columns of an [`AlertState`], in its order.
const STATE_COLUMNS: &str = "id, rule_id, upn, pupil_id, status, priority, opened_at, \
    first_opened_at, measure, decided_measure, still_met, pupil_name, delete_after";

/// An alert as an import reconciles it: everything but its figures, sentence and policy
/// version, which a change replaces anyway (read hundreds at a time, so kept small).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertState {
    /// Its id.
    pub id: String,
    /// The rule that fired.
    pub rule_id: String,
    /// The pupil's UPN.
    pub upn: String,
    /// The pupil's record, once there is one.
    pub pupil_id: Option<String>,
    /// Open or decided.
    pub status: AlertStatus,
    /// How soon it needs looking at.
    pub priority: AlertPriority,
    /// When it was last opened.
    pub opened_at: DateTime<Utc>,
    /// When it was first opened.
    pub first_opened_at: DateTime<Utc>,
    /// The rule's measure on the figures last written.
    pub measure: i64,
    /// The measure when last decided.
    pub decided_measure: Option<i64>,
    /// Whether the rule still fired on the figures last written.
    pub still_met: bool,
    /// The pupil's name, when the county's pupil file gave it.
    pub pupil_name: Option<String>,
    /// When it goes, unless linked to a pupil's record.
    pub delete_after: NaiveDate,
}

/// An [`AlertState`] as the JSON aggregate gives it, in [`STATE_COLUMNS`] order.
type StateRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    i64,
    Option<String>,
    String,
);

impl AlertState {
    fn from_row(row: StateRow) -> StoreResult<AlertState> {
        let (id, rule_id, upn, pupil_id, status, priority, opened, first, measure, decided, met) = (
            row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10,
        );
        let corrupt = |what: &str, text: &str| {
            StoreError::Corrupt(format!("alert {id}: '{text}' is not {what}"))
        };
        Ok(AlertState {
            status: AlertStatus::parse(&status).ok_or_else(|| corrupt("a status", &status))?,
            priority: AlertPriority::parse(&priority)
                .ok_or_else(|| corrupt("a priority", &priority))?,
            opened_at: parse_ts(&opened)?,
            first_opened_at: parse_ts(&first)?,
            delete_after: crate::cases::date(&row.12)?,
            still_met: met != 0,
            pupil_name: row.11,
            id,
            rule_id,
            upn,
            pupil_id,
            measure,
            decided_measure: decided,
        })
    }
}

impl WriteTx {
    /// Replaces a school's figures for a school year with an import's: records `import`,
    /// deletes the figures the school had for `import.school_year`, and writes `rows` (each to
    /// be deleted after `delete_after`). All in this transaction, so readers see the old
    /// figures or the new, never a mix. Every row must be for the import's school and year
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
        sqlx::query("DELETE FROM attendance_figures WHERE urn = $1 AND school_year = $2")
            .bind(&import.urn)
            .bind(&import.school_year)
            .execute(&mut *self.tx)
            .await?;
        let delete_after = day(delete_after);
        let head = format!("attendance_figures ({FIGURES_COLUMNS}, import_id, delete_after)");
        // Every nullable column is bound as the same type whether empty or not (dates as text,
        // flags as `Option<i64>`): PostgreSQL keeps a prepared statement's parameter types from
        // its first call.
        self.bulk_insert(&head, FIGURES_WRITTEN, rows, |query, r| {
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
        .await
        .map_err(duplicate_as("attendance figures for a pupil"))
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
        for batch in chunks(items) {
            let sql = format!(
                "INSERT INTO {head} VALUES {}",
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
        assert_eq!(columns(STATE_COLUMNS), 13);
    }
}
