//! Cases after acceptance: the case row with its current period and Part A, its timeline of
//! events, reviews (Part B), sessions, continuation requests and requests to end.

use crate::columns::{OptText, Text};
use crate::{Store, StoreError, StoreResult, WriteTx, parse_ts, ts};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use mns_domain::identity::Role;
use mns_domain::outcomes::CaseOutcome;
use mns_domain::provision::{CaseState, EndReason, RequestStatus};
use sqlx::FromRow;

/// A case as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    /// The case's id (the accepted referral's).
    pub id: String,
    /// The pupil.
    pub pupil_id: Option<String>,
    /// The home school.
    pub school_urn: Option<String>,
    /// Where it stands (the domain's `CaseState`, stored form).
    pub state: CaseState,
    /// When it was opened (the referral was accepted).
    pub opened_at: DateTime<Utc>,
    /// The referral date (MN-DEC-2).
    pub referral_date: NaiveDate,
    /// The first day of provision.
    pub provision_start: Option<NaiveDate>,
    /// The current period's number, from 1 (0 before provision starts).
    pub period_number: i64,
    /// The current period's first day.
    pub period_start: Option<NaiveDate>,
    /// Its last day.
    pub period_end: Option<NaiveDate>,
    /// When its review is due (MN-REV-1).
    pub review_due: Option<NaiveDate>,
    /// When the continuation request is due (MN-CONT-2).
    pub continuation_due: Option<NaiveDate>,
    /// When this period's review was held.
    pub review_held_on: Option<NaiveDate>,
    /// Part A as JSON.
    pub plan_json: Option<String>,
    /// When Part A was finalised.
    pub plan_finalised_at: Option<DateTime<Utc>>,
    /// Hours per week in the package.
    pub hours_per_week: Option<f64>,
    /// The full-time week it is measured against.
    pub full_time_hours: Option<f64>,
    /// A life-limiting or terminal illness (MN-LIFE-1).
    pub life_limiting: bool,
    /// Why provision ended (MN-END-1).
    pub end_reason: Option<EndReason>,
    /// When the end was recorded.
    pub ended_at: Option<DateTime<Utc>>,
    /// The last day of provision the coordinator gave when ending it (today or later when
    /// recorded); `None` for cases ended before it was asked, whose last day is `ended_at`'s.
    pub ends_on: Option<NaiveDate>,
    /// When the row last changed.
    pub updated_at: DateTime<Utc>,
    /// Where the child went when provision ended (issue 17); `None` while open and for cases
    /// ended before it was asked.
    pub outcome: Option<CaseOutcome>,
}

/// A case with the names the lists show.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseLine {
    /// The case.
    pub case: CaseRecord,
    /// The pupil's given and family name.
    pub pupil_name: String,
    /// The school's name.
    pub school_name: String,
}

/// Something that happened to a case.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CaseEvent {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// When (stored form).
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub at: DateTime<Utc>,
    /// Who (none for the system).
    pub actor_id: Option<String>,
    /// What kind of thing (`opened`, `moved`, `plan_finalised`, `session`, …).
    pub kind: String,
    /// The state before, for a move.
    #[sqlx(try_from = "OptText<CaseState>")]
    pub from_state: Option<CaseState>,
    /// The state after, for a move.
    #[sqlx(try_from = "OptText<CaseState>")]
    pub to_state: Option<CaseState>,
    /// Why, or what, in words.
    pub note: String,
}

/// A session the provider logged.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct SessionLogRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The day (`YYYY-MM-DD`).
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub held_on: NaiveDate,
    /// `delivered`, `cancelled_by_family`, `cancelled_by_provider` or `refused`.
    pub outcome: String,
    /// Hours delivered or lost.
    pub hours: f64,
    /// A note.
    pub note: String,
    /// Who logged it.
    pub logged_by: String,
    /// When (stored form).
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub logged_at: DateTime<Utc>,
}

/// A continuation request and its decision.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ContinuationRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The period it asks to continue.
    pub period_number: i64,
    /// Who submitted it.
    pub submitted_by: String,
    /// When (stored form).
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub submitted_at: DateTime<Utc>,
    /// The date of the new medical evidence (`YYYY-MM-DD`).
    #[sqlx(try_from = "OptText<NaiveDate>")]
    pub evidence_dated: Option<NaiveDate>,
    /// Attendance was attached.
    pub has_attendance: i64,
    /// An updated healthcare plan was attached.
    pub has_updated_plan: i64,
    /// What the school says.
    pub note: String,
    /// `agreed` or `declined`, once decided.
    pub decision: Option<String>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When (stored form).
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    pub decided_at: Option<DateTime<Utc>>,
    /// Why, when declined.
    pub reason: Option<String>,
}

/// A request to end provision.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct EndRequestRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// Who asked.
    pub requested_by: String,
    /// When (stored form).
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub requested_at: DateTime<Utc>,
    /// The day provision would stop (`YYYY-MM-DD`).
    #[sqlx(try_from = "OptText<NaiveDate>")]
    pub stops_on: Option<NaiveDate>,
    /// Why.
    pub reason: String,
    /// Before the period's end (MN-END-3).
    pub early: i64,
    /// `open` or `closed`.
    #[sqlx(try_from = "Text<RequestStatus>")]
    pub status: RequestStatus,
}

/// A welfare check the school logged (MN-PROV-4).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct WelfareCheckRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The day of the check (`YYYY-MM-DD`).
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub checked_on: NaiveDate,
    /// What was found.
    pub notes: String,
    /// Who logged it.
    pub logged_by: String,
    /// When (stored form).
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub logged_at: DateTime<Utc>,
}

/// A safeguarding concern (MN-PROV-5).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ConcernRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// Who raised it.
    pub raised_by: String,
    /// Their role.
    #[sqlx(try_from = "Text<Role>")]
    pub raised_by_role: Role,
    /// When (stored form).
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub raised_at: DateTime<Utc>,
    /// The concern.
    pub concern: String,
    /// The DSL it went to, as named on the record.
    pub sent_to_dsl: String,
    /// The DSL's address on the record ("" when none).
    pub dsl_email: String,
}

pub(crate) const COLUMNS: &str = "c.id, c.pupil_id, c.school_urn, c.state, c.opened_at, c.referral_date, \
    c.provision_start, c.period_number, c.period_start, c.period_end, c.review_due, \
    c.continuation_due, c.review_held_on, c.plan_json, c.plan_finalised_at, c.hours_per_week, \
    c.full_time_hours, c.life_limiting, c.end_reason, c.ended_at, c.ends_on, c.updated_at, \
    c.outcome";

#[derive(FromRow)]
struct CaseRow {
    id: String,
    pupil_id: Option<String>,
    school_urn: Option<String>,
    state: String,
    opened_at: String,
    referral_date: String,
    provision_start: Option<String>,
    period_number: i64,
    period_start: Option<String>,
    period_end: Option<String>,
    review_due: Option<String>,
    continuation_due: Option<String>,
    review_held_on: Option<String>,
    plan_json: Option<String>,
    plan_finalised_at: Option<String>,
    hours_per_week: Option<f64>,
    full_time_hours: Option<f64>,
    life_limiting: i64,
    end_reason: Option<String>,
    ended_at: Option<String>,
    ends_on: Option<String>,
    updated_at: String,
    outcome: Option<String>,
}

#[derive(FromRow)]
pub(crate) struct CaseLineRow {
    #[sqlx(flatten)]
    case: CaseRow,
    pupil_name: Option<String>,
    school_name: Option<String>,
}

impl CaseLineRow {
    pub(crate) fn into_line(self) -> StoreResult<CaseLine> {
        Ok(CaseLine {
            case: self.case.into_record()?,
            pupil_name: self.pupil_name.unwrap_or_default(),
            school_name: self.school_name.unwrap_or_default(),
        })
    }
}

pub(crate) fn date(text: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("'{text}' is not a date")))
}

fn opt_date(text: Option<String>) -> StoreResult<Option<NaiveDate>> {
    text.as_deref().map(date).transpose()
}

fn opt_ts(text: Option<String>) -> StoreResult<Option<DateTime<Utc>>> {
    text.as_deref().map(parse_ts).transpose()
}

/// A date's stored form.
pub fn day(d: NaiveDate) -> String {
    // Not `format("%Y-%m-%d")`, which parses its pattern each time: an import writes
    // hundreds of thousands of dates.
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

impl CaseRow {
    fn into_record(self) -> StoreResult<CaseRecord> {
        Ok(CaseRecord {
            id: self.id,
            pupil_id: self.pupil_id,
            school_urn: self.school_urn,
            state: CaseState::parse(&self.state).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            opened_at: parse_ts(&self.opened_at)?,
            referral_date: date(&self.referral_date)?,
            provision_start: opt_date(self.provision_start)?,
            period_number: self.period_number,
            period_start: opt_date(self.period_start)?,
            period_end: opt_date(self.period_end)?,
            review_due: opt_date(self.review_due)?,
            continuation_due: opt_date(self.continuation_due)?,
            review_held_on: opt_date(self.review_held_on)?,
            plan_json: self.plan_json,
            plan_finalised_at: opt_ts(self.plan_finalised_at)?,
            hours_per_week: self.hours_per_week,
            full_time_hours: self.full_time_hours,
            life_limiting: self.life_limiting != 0,
            end_reason: self
                .end_reason
                .as_deref()
                .map(EndReason::parse)
                .transpose()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            ended_at: opt_ts(self.ended_at)?,
            ends_on: opt_date(self.ends_on)?,
            updated_at: parse_ts(&self.updated_at)?,
            outcome: self
                .outcome
                .as_deref()
                .map(CaseOutcome::parse)
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("{e}: {}", e.0)))?,
        })
    }
}

impl WriteTx {
    /// Writes a case, new or changed (every column).
    pub async fn save_case(&mut self, c: &CaseRecord) -> StoreResult<()> {
        // What the reports read of Part A, kept beside it (migration 0025).
        let plan = crate::report_columns::plan_columns(c.plan_json.as_deref());
        sqlx::query(
            "INSERT INTO cases (id, pupil_id, school_urn, state, opened_at, referral_date, \
             provision_start, period_number, period_start, period_end, review_due, \
             continuation_due, review_held_on, plan_json, plan_finalised_at, hours_per_week, \
             full_time_hours, life_limiting, end_reason, ended_at, ends_on, updated_at, outcome, \
             plan_package, plan_medical_reason, plan_condition_group, plan_baseline, \
             report_columns) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, 1) ON CONFLICT (id) DO UPDATE SET pupil_id = excluded.pupil_id, \
             school_urn = excluded.school_urn, state = excluded.state, \
             provision_start = excluded.provision_start, period_number = excluded.period_number, \
             period_start = excluded.period_start, period_end = excluded.period_end, \
             review_due = excluded.review_due, continuation_due = excluded.continuation_due, \
             review_held_on = excluded.review_held_on, plan_json = excluded.plan_json, \
             plan_finalised_at = excluded.plan_finalised_at, \
             hours_per_week = excluded.hours_per_week, full_time_hours = excluded.full_time_hours, \
             life_limiting = excluded.life_limiting, end_reason = excluded.end_reason, \
             ended_at = excluded.ended_at, ends_on = excluded.ends_on, \
             updated_at = excluded.updated_at, outcome = excluded.outcome, \
             plan_package = excluded.plan_package, \
             plan_medical_reason = excluded.plan_medical_reason, \
             plan_condition_group = excluded.plan_condition_group, \
             plan_baseline = excluded.plan_baseline",
        )
        .bind(&c.id)
        .bind(&c.pupil_id)
        .bind(&c.school_urn)
        .bind(c.state.as_str())
        .bind(ts(c.opened_at))
        .bind(day(c.referral_date))
        .bind(c.provision_start.map(day))
        .bind(c.period_number)
        .bind(c.period_start.map(day))
        .bind(c.period_end.map(day))
        .bind(c.review_due.map(day))
        .bind(c.continuation_due.map(day))
        .bind(c.review_held_on.map(day))
        .bind(&c.plan_json)
        .bind(c.plan_finalised_at.map(ts))
        .bind(c.hours_per_week)
        .bind(c.full_time_hours)
        .bind(i64::from(c.life_limiting))
        .bind(c.end_reason.map(EndReason::as_str))
        .bind(c.ended_at.map(ts))
        .bind(c.ends_on.map(day))
        .bind(ts(c.updated_at))
        .bind(c.outcome.map(CaseOutcome::as_str))
        .bind(plan.package)
        .bind(plan.medical_reason)
        .bind(plan.condition_group)
        .bind(plan.baseline)
        // Not kept prepared: PostgreSQL would keep the parameter types of the first call, and
        // an hours column first bound empty then with a number fails ("incorrect binary data
        // format").
        .persistent(false)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Adds an event to a case's timeline.
    pub async fn insert_case_event(&mut self, e: &CaseEvent) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_events (id, case_id, at, actor_id, kind, from_state, to_state, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&e.id)
        .bind(&e.case_id)
        .bind(ts(e.at))
        .bind(&e.actor_id)
        .bind(&e.kind)
        .bind(e.from_state.map(CaseState::as_str))
        .bind(e.to_state.map(CaseState::as_str))
        .bind(&e.note)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records a session.
    pub async fn insert_case_session(&mut self, s: &SessionLogRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_sessions (id, case_id, held_on, outcome, hours, note, logged_by, \
             logged_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&s.id)
        .bind(&s.case_id)
        .bind(day(s.held_on))
        .bind(&s.outcome)
        .bind(s.hours)
        .bind(&s.note)
        .bind(&s.logged_by)
        .bind(ts(s.logged_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Writes a continuation request, new or decided.
    pub async fn save_continuation(&mut self, c: &ContinuationRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_continuations (id, case_id, period_number, submitted_by, \
             submitted_at, evidence_dated, has_attendance, has_updated_plan, note, decision, \
             decided_by, decided_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13) ON CONFLICT (id) DO UPDATE SET decision = excluded.decision, \
             decided_by = excluded.decided_by, decided_at = excluded.decided_at, \
             reason = excluded.reason",
        )
        .bind(&c.id)
        .bind(&c.case_id)
        .bind(c.period_number)
        .bind(&c.submitted_by)
        .bind(ts(c.submitted_at))
        .bind(c.evidence_dated.map(day))
        .bind(c.has_attendance)
        .bind(c.has_updated_plan)
        .bind(&c.note)
        .bind(&c.decision)
        .bind(&c.decided_by)
        .bind(c.decided_at.map(ts))
        .bind(&c.reason)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records a request to end provision.
    pub async fn insert_end_request(&mut self, r: &EndRequestRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_end_requests (id, case_id, requested_by, requested_at, stops_on, \
             reason, early, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&r.id)
        .bind(&r.case_id)
        .bind(&r.requested_by)
        .bind(ts(r.requested_at))
        .bind(r.stops_on.map(day))
        .bind(&r.reason)
        .bind(r.early)
        .bind(r.status.as_str())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records a welfare check.
    pub async fn insert_welfare_check(&mut self, w: &WelfareCheckRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_welfare_checks (id, case_id, checked_on, notes, logged_by, \
             logged_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&w.id)
        .bind(&w.case_id)
        .bind(day(w.checked_on))
        .bind(&w.notes)
        .bind(&w.logged_by)
        .bind(ts(w.logged_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records a safeguarding concern.
    pub async fn insert_concern(&mut self, c: &ConcernRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_concerns (id, case_id, raised_by, raised_by_role, raised_at, \
             concern, sent_to_dsl, dsl_email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&c.id)
        .bind(&c.case_id)
        .bind(&c.raised_by)
        .bind(c.raised_by_role.as_str())
        .bind(ts(c.raised_at))
        .bind(&c.concern)
        .bind(&c.sent_to_dsl)
        .bind(&c.dsl_email)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Closes every open request to end a case (when it ends, or continues).
    pub async fn close_end_requests(&mut self, case_id: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE case_end_requests SET status = 'closed' WHERE case_id = $1 AND status = 'open'",
        )
        .bind(case_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// A case by id.
    pub async fn get_case(&self, id: &str) -> StoreResult<Option<CaseRecord>> {
        let row: Option<CaseRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM cases c WHERE c.id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(CaseRow::into_record).transpose()
    }

    /// Cases with names, filtered: only these states (all when empty), only one school, only
    /// these pupils. Ordered by the end of the current period, then when opened.
    pub async fn case_lines(
        &self,
        states: &[&str],
        school_urn: Option<&str>,
        pupil_ids: Option<&[String]>,
    ) -> StoreResult<Vec<CaseLine>> {
        let mut clauses = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        if !states.is_empty() {
            let list: Vec<String> = states
                .iter()
                .map(|s| {
                    binds.push(s.to_string());
                    format!("${}", binds.len())
                })
                .collect();
            clauses.push(format!("c.state IN ({})", list.join(", ")));
        }
        if let Some(urn) = school_urn {
            binds.push(urn.to_string());
            clauses.push(format!("c.school_urn = ${}", binds.len()));
        }
        if let Some(ids) = pupil_ids {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let list: Vec<String> = ids
                .iter()
                .map(|id| {
                    binds.push(id.clone());
                    format!("${}", binds.len())
                })
                .collect();
            clauses.push(format!("c.pupil_id IN ({})", list.join(", ")));
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!(
            "SELECT {COLUMNS}, p.given_name || ' ' || p.family_name AS pupil_name, \
             s.name AS school_name FROM cases c LEFT JOIN pupils p ON p.id = c.pupil_id \
             LEFT JOIN schools s ON s.urn = c.school_urn {filter} \
             ORDER BY c.period_end, c.opened_at, c.id"
        );
        let mut q = sqlx::query_as::<_, CaseLineRow>(&sql);
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(CaseLineRow::into_line)
            .collect()
    }

    /// What the home page counts about cases, without reading every case: cases
    /// in one of the `running` states whose review is overdue (not held this period, due before
    /// `today`: the domain's `provision::overdue`), and cases in the `awaiting` state. Only
    /// one school's when `school_urn` is given.
    pub async fn case_attention_counts(
        &self,
        school_urn: Option<&str>,
        today: NaiveDate,
        running: &[&str],
        awaiting: &str,
    ) -> StoreResult<(i64, i64)> {
        // Two counts, each a range of an index (`cases_review`, `cases_school`, `cases_state`),
        // rather than one pass over every open case.
        let mut binds: Vec<String> = vec![today.to_string()];
        let running = running
            .iter()
            .map(|state| {
                binds.push((*state).to_string());
                format!("${}", binds.len())
            })
            .collect::<Vec<_>>()
            .join(", ");
        let school = match school_urn {
            Some(urn) => {
                binds.push(urn.to_string());
                format!(" AND school_urn = ${}", binds.len())
            }
            None => String::new(),
        };
        let sql = format!(
            "SELECT COUNT(*) FROM cases WHERE state IN ({running}) AND review_held_on IS NULL \
             AND review_due < $1{school}"
        );
        let mut overdue = sqlx::query_as::<_, (i64,)>(&sql);
        for b in &binds {
            overdue = overdue.bind(b);
        }
        let (overdue,) = overdue.fetch_one(&self.pool).await?;
        let school = if school_urn.is_some() {
            " AND school_urn = $2"
        } else {
            ""
        };
        let sql = format!("SELECT COUNT(*) FROM cases WHERE state = $1{school}");
        let mut waiting = sqlx::query_as::<_, (i64,)>(&sql).bind(awaiting);
        if let Some(urn) = school_urn {
            waiting = waiting.bind(urn);
        }
        let (waiting,) = waiting.fetch_one(&self.pool).await?;
        Ok((overdue, waiting))
    }

    /// A case's timeline, oldest first.
    pub async fn case_events(&self, case_id: &str) -> StoreResult<Vec<CaseEvent>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, at, actor_id, kind, from_state, to_state, note FROM case_events \
             WHERE case_id = $1 ORDER BY at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A case's sessions, most recent first.
    pub async fn case_sessions(&self, case_id: &str) -> StoreResult<Vec<SessionLogRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, held_on, outcome, hours, note, logged_by, logged_at \
             FROM case_sessions WHERE case_id = $1 ORDER BY held_on DESC, logged_at DESC, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A case's continuation requests, oldest first.
    pub async fn case_continuations(&self, case_id: &str) -> StoreResult<Vec<ContinuationRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, period_number, submitted_by, submitted_at, evidence_dated, \
             has_attendance, has_updated_plan, note, decision, decided_by, decided_at, reason \
             FROM case_continuations WHERE case_id = $1 ORDER BY submitted_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A case's requests to end, oldest first.
    pub async fn case_end_requests(&self, case_id: &str) -> StoreResult<Vec<EndRequestRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, requested_by, requested_at, stops_on, reason, early, status \
             FROM case_end_requests WHERE case_id = $1 ORDER BY requested_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A case's welfare checks, most recent first.
    pub async fn case_welfare_checks(&self, case_id: &str) -> StoreResult<Vec<WelfareCheckRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, checked_on, notes, logged_by, logged_at FROM case_welfare_checks \
             WHERE case_id = $1 ORDER BY checked_on DESC, logged_at DESC, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A case's safeguarding concerns, most recent first (the caller filters who sees them).
    pub async fn case_concerns(&self, case_id: &str) -> StoreResult<Vec<ConcernRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, raised_by, raised_by_role, raised_at, concern, sent_to_dsl, \
             dsl_email FROM case_concerns WHERE case_id = $1 ORDER BY raised_at DESC, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Open requests to end, across cases, oldest first.
    pub async fn open_end_requests(&self) -> StoreResult<Vec<EndRequestRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, requested_by, requested_at, stops_on, reason, early, status \
             FROM case_end_requests WHERE status = 'open' ORDER BY requested_at, id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Sessions logged on or after `since` for every open case, for the engagement check.
    pub async fn sessions_since(&self, since: NaiveDate) -> StoreResult<Vec<SessionLogRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, held_on, outcome, hours, note, logged_by, logged_at \
             FROM case_sessions WHERE held_on >= $1 ORDER BY case_id, held_on",
        )
        .bind(day(since))
        .fetch_all(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_stored_as_iso_8601_as_chrono_writes_it() {
        let mut d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        while d < last {
            assert_eq!(day(d), d.format("%Y-%m-%d").to_string());
            d = d + chrono::Days::new(367);
        }
        assert_eq!(day(last), "9999-12-31");
    }
}
