//! What the Section 19 report reads (issue 17): one line per case open during a period, with
//! the pupil, the school and its district, and the day the pupil's illness absence passed the
//! threshold where an early-identification alert recorded it.

use chrono::NaiveDate;
use mns_domain::outcomes::{ConditionGroup, Measures};
use mns_domain::provision::Package;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::cases::{date, day};
use crate::{Store, StoreError, StoreResult};

/// Which cases a report covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// Cases open on any day from this one...
    pub from: Option<NaiveDate>,
    /// ... to this one.
    pub to: Option<NaiveDate>,
    /// One school's cases (URN).
    pub school_urn: Option<String>,
    /// One district's schools' cases.
    pub district: Option<String>,
}

/// One case as the report reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplianceLine {
    /// The case's id.
    pub case_id: String,
    /// Its state (stored form).
    pub state: String,
    /// The pupil's given and family name.
    pub pupil_name: String,
    /// Their date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Their UPN, when known.
    pub upn: Option<String>,
    /// The home school's URN and name.
    pub school_urn: Option<String>,
    /// Its name.
    pub school_name: String,
    /// Its district.
    pub district: Option<String>,
    /// The referral date.
    pub referral_date: NaiveDate,
    /// The day the case opened.
    pub opened_on: NaiveDate,
    /// The first day of provision.
    pub provision_start: Option<NaiveDate>,
    /// The last day of provision, once ended.
    pub last_day: Option<NaiveDate>,
    /// Hours per week in the package, once Part A is finalised.
    pub hours_per_week: Option<f64>,
    /// The full-time week the record gives.
    pub full_time_hours: Option<f64>,
    /// Part A's package, once Part A is written.
    pub package: Option<Package>,
    /// Part A's medical reason for a part-time package.
    pub medical_reason: Option<String>,
    /// Part A's condition group.
    pub condition_group: Option<ConditionGroup>,
    /// Part A's baseline measures.
    pub baseline: Option<Measures>,
    /// When this period's review is due and when it was held.
    pub review_due: Option<NaiveDate>,
    /// When it was held.
    pub review_held_on: Option<NaiveDate>,
    /// When the continuation request is due.
    pub continuation_due: Option<NaiveDate>,
    /// Whether one was made for this period.
    pub continuation_requested: bool,
    /// The day the illness absence passed the threshold, where known.
    pub absence_threshold_on: Option<NaiveDate>,
    /// The outcome recorded at the end (stored form).
    pub outcome: Option<String>,
    /// The latest review's measures (Part B).
    pub latest_measures: Option<Measures>,
}

/// One case's columns, in the order [`LINE_COLUMNS`] selects them.
#[derive(Deserialize)]
struct Row {
    id: String,
    state: String,
    given_name: Option<String>,
    family_name: Option<String>,
    date_of_birth: Option<String>,
    upn: Option<String>,
    school_urn: Option<String>,
    school_name: Option<String>,
    district: Option<String>,
    referral_date: String,
    opened_at: String,
    provision_start: Option<String>,
    ended_at: Option<String>,
    ends_on: Option<String>,
    hours_per_week: Option<f64>,
    full_time_hours: Option<f64>,
    finalised: i64,
    package: Option<String>,
    medical_reason: Option<String>,
    condition_group: Option<String>,
    baseline: Option<String>,
    review_due: Option<String>,
    review_held_on: Option<String>,
    continuation_due: Option<String>,
    continuations: i64,
    absence_threshold_at: Option<String>,
    outcome: Option<String>,
    latest_measures: Option<String>,
}

fn opt(text: Option<String>) -> StoreResult<Option<NaiveDate>> {
    text.as_deref()
        .map(|t| date(t.get(..10).unwrap_or(t)))
        .transpose()
}

/// A report column holding JSON (migration 0025: a package or measures). One that does not
/// read as what the report expects is treated as not recorded, as a record that failed to
/// parse was.
pub(crate) fn json_column<T: DeserializeOwned>(text: Option<String>) -> Option<T> {
    serde_json::from_str(&text?).ok()
}

/// The condition group column (stored form); an unknown one is not recorded.
pub(crate) fn condition_column(text: Option<String>) -> Option<ConditionGroup> {
    ConditionGroup::parse(&text?).ok()
}

impl Row {
    fn into_line(self) -> StoreResult<ComplianceLine> {
        let opened_on = self.opened_at.get(..10).unwrap_or(&self.opened_at);
        Ok(ComplianceLine {
            pupil_name: format!(
                "{} {}",
                self.given_name.unwrap_or_default(),
                self.family_name.unwrap_or_default()
            )
            .trim()
            .to_owned(),
            date_of_birth: opt(self.date_of_birth)?,
            school_name: self.school_name.unwrap_or_default(),
            referral_date: date(&self.referral_date)?,
            opened_on: date(opened_on)?,
            provision_start: opt(self.provision_start)?,
            last_day: opt(self.ends_on.or(self.ended_at))?,
            review_due: opt(self.review_due)?,
            review_held_on: opt(self.review_held_on)?,
            continuation_due: opt(self.continuation_due)?,
            continuation_requested: self.continuations > 0,
            absence_threshold_on: opt(self.absence_threshold_at)?,
            case_id: self.id,
            upn: self.upn,
            state: self.state,
            school_urn: self.school_urn,
            district: self.district,
            // A draft's hours are not a package yet.
            hours_per_week: self.hours_per_week.filter(|_| self.finalised == 1),
            full_time_hours: self.full_time_hours,
            package: json_column(self.package),
            medical_reason: self.medical_reason,
            condition_group: condition_column(self.condition_group),
            baseline: json_column(self.baseline),
            outcome: self.outcome,
            latest_measures: json_column(self.latest_measures),
        })
    }
}

impl Store {
    /// The cases open on any day of the filter's period (all cases without one), in referral
    /// date order.
    ///
    /// Read as one JSON row (`Backend::json_rows`), with what the report uses of Part A and the
    /// latest Part B from the columns kept beside them (migration 0025): ten years of a
    /// county's cases are tens of thousands of rows, sqlx hands SQLite's rows over one at a
    /// time, and parsing every record is slower still.
    pub async fn compliance_lines(
        &self,
        filter: &ReportFilter,
    ) -> StoreResult<Vec<ComplianceLine>> {
        let mut clauses = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        let mut bind = |value: String, clause: &str| {
            binds.push(value);
            clauses.push(clause.replace('?', &format!("${}", binds.len())));
        };
        if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
            // opened_at is a timestamp: before the next day's date sorts before it.
            bind(day(to), "c.opened_at < ?");
        }
        if let Some(from) = filter.from {
            bind(
                day(from),
                "(c.ended_at IS NULL OR COALESCE(c.ends_on, substr(c.ended_at, 1, 10)) >= ?)",
            );
        }
        if let Some(urn) = &filter.school_urn {
            bind(urn.clone(), "c.school_urn = ?");
        }
        if let Some(district) = &filter.district {
            bind(district.clone(), "s.district = ?");
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let columns = "c.id, c.state, p.given_name, p.family_name, p.date_of_birth, p.upn, \
             c.school_urn, s.name, s.district, c.referral_date, c.opened_at, c.provision_start, \
             c.ended_at, c.ends_on, c.hours_per_week, c.full_time_hours, \
             CASE WHEN c.plan_finalised_at IS NULL THEN 0 ELSE 1 END, \
             c.plan_package, c.plan_medical_reason, c.plan_condition_group, c.plan_baseline, \
             c.review_due, c.review_held_on, c.continuation_due, \
             (SELECT COUNT(*) FROM case_continuations cc WHERE cc.case_id = c.id \
              AND cc.period_number = c.period_number), \
             (SELECT MIN(a.first_opened_at) FROM attendance_alerts a WHERE a.upn = p.upn \
              AND a.rule_id = 'EI-ABS-15'), \
             c.outcome, c.latest_measures";
        let sql = format!(
            "SELECT {} FROM cases c LEFT JOIN pupils p ON p.id = c.pupil_id \
             LEFT JOIN schools s ON s.urn = c.school_urn {filter}",
            self.backend.json_rows(columns)
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql);
        for b in &binds {
            q = q.bind(b);
        }
        let (json,) = q.fetch_one(&self.pool).await?;
        let rows: Vec<Row> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("the report's cases: {e}")))?;
        let mut lines = rows
            .into_iter()
            .map(Row::into_line)
            .collect::<StoreResult<Vec<_>>>()?;
        lines.sort_by(|a, b| (a.referral_date, &a.case_id).cmp(&(b.referral_date, &b.case_id)));
        Ok(lines)
    }

    /// The districts of the schools that have cases, for the reports' filter.
    pub async fn case_districts(&self) -> StoreResult<Vec<String>> {
        let rows: Vec<(Option<String>,)> = sqlx::query_as(
            "SELECT DISTINCT s.district FROM schools s WHERE s.district IS NOT NULL \
             AND s.urn IN (SELECT c.school_urn FROM cases c) ORDER BY s.district",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().filter_map(|(d,)| d).collect())
    }

    /// The schools that have cases, URN and name, for the reports' filter.
    pub async fn case_schools(&self) -> StoreResult<Vec<(String, String)>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT s.urn, s.name FROM schools s WHERE s.urn IN (SELECT c.school_urn FROM cases c) \
             ORDER BY s.name, s.urn",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::from)?;
        Ok(rows)
    }
}
