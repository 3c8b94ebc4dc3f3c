//! Early identification from the county's attendance (issue 16): each school's figures per
//! pupil and school year as last imported, and the alerts the rules raised on them with their
//! history. Figures never hold names; an alert holds one only when the county's pupil file gave
//! it for that pupil.

use crate::columns::{OptText, Text};
use crate::{Store, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Decode, FromRow, Type, ValueRef};

/// One import of a school's attendance for a school year: where it came from and what it held.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AttendanceImportRecord {
    /// Its id.
    pub id: String,
    /// The school, by URN.
    pub urn: String,
    /// The school year, as the domain writes it (`2025/26`).
    pub school_year: String,
    /// Where the file came from (e.g. `county`, a file name or an upload).
    pub source: String,
    /// The SHA-256 of the file read, in hex.
    pub file_sha256: String,
    /// How many attendance rows were read for the school.
    #[sqlx(try_from = "i64")]
    pub rows: u64,
    /// How many pupils they covered (one figures row each).
    #[sqlx(try_from = "i64")]
    pub pupils: u64,
    /// Who imported it (a user's id); `None` for the command line's system actor.
    pub imported_by: Option<String>,
    /// When.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub imported_at: DateTime<Utc>,
}

/// A pupil's attendance figures at one school for one school year, as of the last import.
/// Counts are in sessions (two a school day) unless named otherwise.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AttendanceFiguresRecord {
    /// The school year (`2025/26`).
    pub school_year: String,
    /// The school, by URN.
    pub urn: String,
    /// The pupil's UPN (validated at the edge).
    pub upn: String,
    /// Possible sessions.
    #[sqlx(try_from = "i64")]
    pub sessions_possible: u32,
    /// Sessions present (approved educational activity counts as present).
    #[sqlx(try_from = "i64")]
    pub present: u32,
    /// Authorised absences.
    #[sqlx(try_from = "i64")]
    pub authorised: u32,
    /// Unauthorised absences.
    #[sqlx(try_from = "i64")]
    pub unauthorised: u32,
    /// Sessions absent through illness (`I`).
    #[sqlx(try_from = "i64")]
    pub illness_sessions: u32,
    /// The longest run of illness absence, in sessions.
    #[sqlx(try_from = "i64")]
    pub longest_run_sessions: u32,
    /// The first day of that run, if there was one.
    #[sqlx(try_from = "OptText<NaiveDate>")]
    pub longest_run_first: Option<NaiveDate>,
    /// The last day of that run, if there was one.
    #[sqlx(try_from = "OptText<NaiveDate>")]
    pub longest_run_last: Option<NaiveDate>,
    /// Whether that run was still going at the last marked session.
    #[sqlx(try_from = "Flag")]
    pub run_ongoing: bool,
    /// Sessions coded `M` (medical or dental appointments).
    #[sqlx(try_from = "i64")]
    pub m_sessions: u32,
    /// Sessions coded `K` (education arranged by the local authority).
    #[sqlx(try_from = "i64")]
    pub k_sessions: u32,
    /// Sessions coded `C2` (part-time timetable).
    #[sqlx(try_from = "i64")]
    pub c2_sessions: u32,
    /// Consecutive school weeks with `C2`, up to the latest week marked.
    #[sqlx(try_from = "i64")]
    pub c2_weeks: u32,
    /// Persistently absent (absence at or above 10 %).
    #[sqlx(try_from = "Flag")]
    pub persistent: bool,
    /// Severely absent (absence at or above 50 %).
    #[sqlx(try_from = "Flag")]
    pub severe: bool,
    /// Whether the pupil has an EHCP, when the pupil file said.
    #[sqlx(try_from = "OptFlag")]
    pub ehcp: Option<bool>,
    /// Whether the pupil is looked after, when the pupil file said.
    #[sqlx(try_from = "OptFlag")]
    pub looked_after: Option<bool>,
    /// The pupil's actual leaving date, when the pupil file gave one.
    #[sqlx(try_from = "OptText<NaiveDate>")]
    pub leaving_date: Option<NaiveDate>,
    /// The day of the last marked session, if any was marked.
    #[sqlx(try_from = "OptText<NaiveDate>")]
    pub last_session: Option<NaiveDate>,
}

/// Whether an alert waits for someone to decide, or has been decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertStatus {
    /// Waiting for a decision (stored `open`). An alert whose rule no longer fires stays open.
    Open,
    /// Someone recorded what they did (stored `decided`); worse figures reopen it.
    Decided,
}

impl AlertStatus {
    /// Every status.
    pub const ALL: [AlertStatus; 2] = [AlertStatus::Open, AlertStatus::Decided];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Decided => "decided",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<AlertStatus> {
        AlertStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// How soon an alert needs looking at. The order is the triage order: `Routine < Soon < Urgent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlertPriority {
    /// Stored `routine`, rank 0.
    Routine,
    /// Stored `soon`, rank 1.
    Soon,
    /// Stored `urgent`, rank 2.
    Urgent,
}

impl AlertPriority {
    /// Every priority, lowest first.
    pub const ALL: [AlertPriority; 3] = [
        AlertPriority::Routine,
        AlertPriority::Soon,
        AlertPriority::Urgent,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertPriority::Routine => "routine",
            AlertPriority::Soon => "soon",
            AlertPriority::Urgent => "urgent",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<AlertPriority> {
        AlertPriority::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The number the triage list sorts on (`priority_rank`), written from the priority so
    /// the two never disagree.
    pub fn rank(self) -> i64 {
        match self {
            AlertPriority::Routine => 0,
            AlertPriority::Soon => 1,
            AlertPriority::Urgent => 2,
        }
    }
}

/// An alert: one rule firing for one pupil at one school in one school year. There is at most
/// one per (rule, year, school, UPN); it is updated, never duplicated, as new figures arrive.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AlertRecord {
    /// Its id.
    pub id: String,
    /// The rule that fired (`MN-ABS-3`, `EI-RUN`, …).
    pub rule_id: String,
    /// The school year (`2025/26`).
    pub school_year: String,
    /// The school, by URN.
    pub urn: String,
    /// The pupil's UPN.
    pub upn: String,
    /// The pupil's record, once there is one.
    pub pupil_id: Option<String>,
    /// Open or decided.
    pub status: AlertStatus,
    /// How soon it needs looking at (`priority_rank` is written from it).
    pub priority: AlertPriority,
    /// When it was last opened (or reopened): the triage list's age.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub opened_at: DateTime<Utc>,
    /// When it was first opened; never changes.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub first_opened_at: DateTime<Utc>,
    /// The figures the rule saw (the domain's JSON).
    pub figures_json: String,
    /// Why it fired, in a sentence.
    pub why: String,
    /// The rule's worsening measure on the latest figures (e.g. illness sessions).
    pub measure: i64,
    /// The measure when last decided: worse than this reopens it.
    pub decided_measure: Option<i64>,
    /// Whether the rule still fires on the latest figures.
    #[sqlx(try_from = "Flag")]
    pub still_met: bool,
    /// The policy version the rule was evaluated under.
    pub policy_version: String,
    /// The pupil's name, when the county's pupil file gave it.
    pub pupil_name: Option<String>,
    /// When it goes, unless linked to a pupil's record (then it follows the child's record).
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub delete_after: NaiveDate,
    /// When it last changed.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub updated_at: DateTime<Utc>,
}

/// An alert on the triage list, with its school's name from the schools list.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AlertListRow {
    /// The alert.
    #[sqlx(flatten)]
    pub alert: AlertRecord,
    /// The school's name, if the school is on the schools list.
    pub school_name: Option<String>,
    /// The pupil's name from the service's record of them (by UPN), if it has one.
    pub record_name: Option<String>,
}

/// Something that happened to an alert: its history, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AlertEventRecord {
    /// Its id.
    pub id: String,
    /// The alert.
    pub alert_id: String,
    /// When. Events of one alert are listed by this, then by id, so give each a distinct time.
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub at: DateTime<Utc>,
    /// `opened`, `worsened`, `reopened`, `no_longer_met`, `met_again` or `action`.
    pub kind: String,
    /// For `action`: what was done (the domain's action, e.g. `contacted_school`).
    pub action: Option<String>,
    /// Why, where a reason was given.
    pub reason: Option<String>,
    /// Who (a user's id); `None` for the import.
    pub actor_id: Option<String>,
    /// The figures at the time (the domain's JSON), for events the import records.
    pub figures_json: Option<String>,
}

/// Which alerts the triage list shows, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    /// Only alerts with this status (`None`: every status).
    pub status: Option<AlertStatus>,
    /// Only this school's alerts.
    pub urn: Option<String>,
    /// Only these rules (empty: every rule).
    pub rules: Vec<String>,
    /// Only this priority.
    pub priority: Option<AlertPriority>,
    /// How many rows.
    pub limit: u32,
    /// How many rows to skip.
    pub offset: u32,
}

pub(crate) const IMPORT_COLUMNS: &str =
    "id, urn, school_year, source, file_sha256, rows, pupils, imported_by, imported_at";

pub(crate) const FIGURES_COLUMNS: &str = "school_year, urn, upn, sessions_possible, present, \
    authorised, unauthorised, illness_sessions, longest_run_sessions, longest_run_first, \
    longest_run_last, run_ongoing, m_sessions, k_sessions, c2_sessions, c2_weeks, persistent, \
    severe, ehcp, looked_after, leaving_date, last_session";

pub(crate) const ALERT_COLUMNS: &str = "id, rule_id, school_year, urn, upn, pupil_id, status, priority, \
    opened_at, first_opened_at, figures_json, why, measure, decided_measure, still_met, \
    policy_version, pupil_name, delete_after, updated_at";

pub(crate) const EVENT_COLUMNS: &str =
    "id, alert_id, at, kind, action, reason, actor_id, figures_json";

impl Store {
    /// A pupil's figures at every school and in every school year held, newest year first.
    pub async fn attendance_figures_for_upn(
        &self,
        upn: &str,
    ) -> StoreResult<Vec<AttendanceFiguresRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {FIGURES_COLUMNS} FROM attendance_figures WHERE upn = $1 \
             ORDER BY school_year DESC, urn"
        ))
        .bind(upn)
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many pupils' figures a school has for a school year.
    pub async fn attendance_figures_count(&self, urn: &str, school_year: &str) -> StoreResult<u64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM attendance_figures WHERE urn = $1 AND school_year = $2",
        )
        .bind(urn)
        .bind(school_year)
        .fetch_one(&self.pool)
        .await?;
        Ok(n.unsigned_abs())
    }

    /// A school's most recent import, of any school year.
    pub async fn latest_attendance_import(
        &self,
        urn: &str,
    ) -> StoreResult<Option<AttendanceImportRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {IMPORT_COLUMNS} FROM attendance_imports WHERE urn = $1 \
             ORDER BY imported_at DESC, id DESC LIMIT 1"
        ))
        .bind(urn)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The alert with this id.
    pub async fn alert(&self, id: &str) -> StoreResult<Option<AlertRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ALERT_COLUMNS} FROM attendance_alerts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// An alert's history, oldest first.
    pub async fn alert_events(&self, alert_id: &str) -> StoreResult<Vec<AlertEventRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} FROM attendance_alert_events WHERE alert_id = $1 \
             ORDER BY at, id"
        ))
        .bind(alert_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A pupil's alerts at every school, newest school year first, then as the triage list
    /// orders them.
    pub async fn alerts_for_upn(&self, upn: &str) -> StoreResult<Vec<AlertRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ALERT_COLUMNS} FROM attendance_alerts WHERE upn = $1 \
             ORDER BY school_year DESC, priority_rank DESC, opened_at, id"
        ))
        .bind(upn)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One page of the triage list (most urgent first, then longest waiting) and how many
    /// alerts match the filter in all.
    pub async fn list_alerts(&self, filter: &AlertFilter) -> StoreResult<(Vec<AlertListRow>, u64)> {
        let (where_sql, binds) = alert_where(filter);
        let count_sql = format!("SELECT COUNT(*) FROM attendance_alerts a {where_sql}");
        let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
        for b in &binds {
            count = count.bind(b);
        }
        let (total,) = count.fetch_one(&self.pool).await?;
        let columns = crate::qualified(ALERT_COLUMNS, "a");
        let page_sql = format!(
            "SELECT {columns}, s.name AS school_name, \
             p.given_name || ' ' || p.family_name AS record_name FROM attendance_alerts a \
             LEFT JOIN schools s ON s.urn = a.urn LEFT JOIN pupils p ON p.upn = a.upn {where_sql} \
             ORDER BY a.priority_rank DESC, a.opened_at, a.id LIMIT ${} OFFSET ${}",
            binds.len() + 1,
            binds.len() + 2
        );
        let mut page = sqlx::query_as::<_, AlertListRow>(&page_sql);
        for b in &binds {
            page = page.bind(b);
        }
        let rows = page
            .bind(i64::from(filter.limit))
            .bind(i64::from(filter.offset))
            .fetch_all(&self.pool)
            .await?;
        Ok((rows, total.unsigned_abs()))
    }

    /// How many alerts with this status each rule has, by rule id (for the filter panel).
    pub async fn alert_counts_by_rule(
        &self,
        status: AlertStatus,
    ) -> StoreResult<Vec<(String, u64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT rule_id, COUNT(*) FROM attendance_alerts WHERE status = $1 \
             GROUP BY rule_id ORDER BY rule_id",
        )
        .bind(status.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(rule, n)| (rule, n.unsigned_abs()))
            .collect())
    }
}

/// The WHERE clause for `filter` over `attendance_alerts a`, with its values to bind as `$1`…
/// in order: every value is a parameter, none is written into the SQL.
fn alert_where(filter: &AlertFilter) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    let mut bind = |value: &str| {
        binds.push(value.to_string());
        format!("${}", binds.len())
    };
    if let Some(status) = filter.status {
        clauses.push(format!("a.status = {}", bind(status.as_str())));
    }
    if let Some(urn) = &filter.urn {
        clauses.push(format!("a.urn = {}", bind(urn)));
    }
    if !filter.rules.is_empty() {
        let marks: Vec<String> = filter.rules.iter().map(|r| bind(r)).collect();
        clauses.push(format!("a.rule_id IN ({})", marks.join(", ")));
    }
    if let Some(priority) = filter.priority {
        clauses.push(format!("a.priority = {}", bind(priority.as_str())));
    }
    if clauses.is_empty() {
        (String::new(), binds)
    } else {
        (format!("WHERE {}", clauses.join(" AND ")), binds)
    }
}

/// A count as the schema stores it (BIGINT).
pub(crate) fn count(n: u64) -> StoreResult<i64> {
    i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{n} is too large to store")))
}

/// A yes/no column (BIGINT 0 or 1) read as `bool`.
struct Flag(bool);

/// A yes/no column that may be NULL ("not known"), read as `Option<bool>`.
struct OptFlag(Option<bool>);

/// Declares each type as read from a column of the SQL type `$stored` reads.
macro_rules! read_as {
    ($stored:ty => $($t:ty),*) => {
        $(
            impl Type<Any> for $t {
                fn type_info() -> AnyTypeInfo {
                    <$stored as Type<Any>>::type_info()
                }

                fn compatible(ty: &AnyTypeInfo) -> bool {
                    <$stored as Type<Any>>::compatible(ty)
                }
            }
        )*
    };
}

read_as!(i64 => Flag, OptFlag);
read_as!(String => AlertStatus, AlertPriority);

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Flag(<i64 as Decode<Any>>::decode(value)? != 0))
    }
}

impl<'r> Decode<'r, Any> for OptFlag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.is_null() {
            return Ok(OptFlag(None));
        }
        Flag::decode(value).map(|flag| OptFlag(Some(flag.0)))
    }
}

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0
    }
}

impl From<OptFlag> for Option<bool> {
    fn from(flag: OptFlag) -> Option<bool> {
        flag.0
    }
}

/// Reads a stored status or priority, refusing any other text (named `what` in the error).
fn stored<T>(
    value: AnyValueRef<'_>,
    what: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, BoxDynError> {
    let text = <String as Decode<Any>>::decode(value)?;
    parse(&text).ok_or_else(|| format!("'{text}' is not a stored {what}").into())
}

impl<'r> Decode<'r, Any> for AlertStatus {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        stored(value, "alert status", AlertStatus::parse)
    }
}

impl<'r> Decode<'r, Any> for AlertPriority {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        stored(value, "alert priority", AlertPriority::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_priorities_read_back_from_their_stored_form_and_nothing_else() {
        for status in AlertStatus::ALL {
            assert_eq!(AlertStatus::parse(status.as_str()), Some(status));
        }
        for priority in AlertPriority::ALL {
            assert_eq!(AlertPriority::parse(priority.as_str()), Some(priority));
        }
        assert_eq!(AlertStatus::parse("Open"), None);
        assert_eq!(AlertPriority::parse("high"), None);
        let ranks: Vec<i64> = AlertPriority::ALL.iter().map(|p| p.rank()).collect();
        assert_eq!(ranks, [0, 1, 2]);
    }
}
