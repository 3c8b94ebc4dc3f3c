//! The price list and the budgets (issue 17), and what the cost figures read: the finalised
//! packages of the cases open in a period, the hours delivered in it, the robots, and the
//! hospital invoices paid in it.

use chrono::{DateTime, NaiveDate, Utc};
use mns_domain::outcomes::ConditionGroup;
use mns_domain::outcomes::costs::{CostKind, FundingSource, UnitPrice};
use mns_domain::provision::Package;
use serde::Deserialize;
use sqlx::FromRow;

use crate::cases::{date, day};
use crate::outcomes::{condition_column, json_column};
use crate::{Store, StoreError, StoreResult, WriteTx, ts};

/// A price as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRecord {
    /// Its id.
    pub id: String,
    /// The price.
    pub price: UnitPrice,
    /// Who put it on the list.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A year's budget for one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetRecord {
    /// The financial year, by its first year.
    pub financial_year: i32,
    /// The source.
    pub source: FundingSource,
    /// In pence.
    pub amount_pence: i64,
}

#[derive(FromRow)]
struct PriceRow {
    id: String,
    kind: String,
    amount_pence: i64,
    funding_source: String,
    valid_from: String,
    valid_to: Option<String>,
    recorded_by: String,
    recorded_at: String,
}

fn corrupt(what: &str, text: &str) -> StoreError {
    StoreError::Corrupt(format!("'{text}' is not a {what}"))
}

impl PriceRow {
    fn into_record(self) -> StoreResult<PriceRecord> {
        Ok(PriceRecord {
            price: UnitPrice {
                kind: CostKind::parse(&self.kind)
                    .ok_or_else(|| corrupt("cost kind", &self.kind))?,
                amount_pence: self.amount_pence,
                source: FundingSource::parse(&self.funding_source)
                    .ok_or_else(|| corrupt("funding source", &self.funding_source))?,
                valid_from: date(&self.valid_from)?,
                valid_to: self.valid_to.as_deref().map(date).transpose()?,
            },
            id: self.id,
            recorded_by: self.recorded_by,
            recorded_at: crate::parse_ts(&self.recorded_at)?,
        })
    }
}

/// A case's finalised package and its dates, for costing.
#[derive(Debug, Clone, PartialEq)]
pub struct CostedCase {
    /// The case's id.
    pub case_id: String,
    /// Part A's package.
    pub package: Package,
    /// Part A's condition group.
    pub condition_group: Option<ConditionGroup>,
    /// The first day of provision.
    pub provision_start: NaiveDate,
    /// The last day, once ended.
    pub last_day: Option<NaiveDate>,
    /// The current period's last day, for what is committed.
    pub period_end: Option<NaiveDate>,
    /// The home school's URN.
    pub school_urn: Option<String>,
    /// The home school's name and district.
    pub school_name: String,
    /// The district.
    pub district: Option<String>,
}

/// A costed case's columns, in the order `costed_cases` selects them.
#[derive(Deserialize)]
struct CostedRow {
    id: String,
    package: Option<String>,
    condition_group: Option<String>,
    provision_start: String,
    ended_at: Option<String>,
    ends_on: Option<String>,
    period_end: Option<String>,
    school_urn: Option<String>,
    school_name: Option<String>,
    district: Option<String>,
}

impl WriteTx {
    /// Adds a price, ending `ends` (an open-ended price of the kind) the day before, in the
    /// same transaction.
    pub async fn insert_price(
        &mut self,
        record: &PriceRecord,
        ends: Option<(&str, NaiveDate)>,
    ) -> StoreResult<()> {
        if let Some((id, last)) = ends {
            sqlx::query("UPDATE unit_prices SET valid_to = $1 WHERE id = $2 AND valid_to IS NULL")
                .bind(day(last))
                .bind(id)
                .execute(&mut *self.tx)
                .await?;
        }
        let p = &record.price;
        sqlx::query(
            "INSERT INTO unit_prices (id, kind, amount_pence, funding_source, valid_from, \
             valid_to, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&record.id)
        .bind(p.kind.as_str())
        .bind(p.amount_pence)
        .bind(p.source.as_str())
        .bind(day(p.valid_from))
        .bind(p.valid_to.map(day))
        .bind(&record.recorded_by)
        .bind(ts(record.recorded_at))
        .persistent(false)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Sets a year's budget for a source.
    pub async fn set_budget(
        &mut self,
        budget: &BudgetRecord,
        recorded_by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO budgets (financial_year, funding_source, amount_pence, recorded_by, \
             recorded_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (financial_year, \
             funding_source) DO UPDATE SET amount_pence = excluded.amount_pence, \
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )
        .bind(i64::from(budget.financial_year))
        .bind(budget.source.as_str())
        .bind(budget.amount_pence)
        .bind(recorded_by)
        .bind(ts(at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The whole price list, by kind and first day.
    pub async fn prices(&self) -> StoreResult<Vec<PriceRecord>> {
        let rows: Vec<PriceRow> = sqlx::query_as(
            "SELECT id, kind, amount_pence, funding_source, valid_from, valid_to, recorded_by, \
             recorded_at FROM unit_prices ORDER BY kind, valid_from",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(PriceRow::into_record).collect()
    }

    /// Every budget, by year and source.
    pub async fn budgets(&self) -> StoreResult<Vec<BudgetRecord>> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT financial_year, funding_source, amount_pence FROM budgets \
             ORDER BY financial_year, funding_source",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(year, source, amount)| {
                Ok(BudgetRecord {
                    financial_year: i32::try_from(year)
                        .map_err(|_| corrupt("year", &year.to_string()))?,
                    source: FundingSource::parse(&source)
                        .ok_or_else(|| corrupt("funding source", &source))?,
                    amount_pence: amount,
                })
            })
            .collect()
    }

    /// The cases with a finalised package whose provision ran on any day from `from` to `to`,
    /// in id order. Read as one JSON row with Part A's package and condition group from the
    /// columns kept beside it (see `compliance_lines`); a case whose package does not read is
    /// left out.
    pub async fn costed_cases(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<CostedCase>> {
        let columns = "c.id, c.plan_package, c.plan_condition_group, c.provision_start, \
             c.ended_at, c.ends_on, c.period_end, c.school_urn, s.name, s.district";
        let (json,): (String,) = sqlx::query_as(&format!(
            "SELECT {} FROM cases c LEFT JOIN schools s ON s.urn = c.school_urn \
             WHERE c.plan_finalised_at IS NOT NULL AND c.plan_json IS NOT NULL \
             AND c.provision_start IS NOT NULL AND c.provision_start <= $1 \
             AND (c.ended_at IS NULL OR COALESCE(c.ends_on, substr(c.ended_at, 1, 10)) >= $2)",
            self.backend.json_rows(columns)
        ))
        .bind(day(to))
        .bind(day(from))
        .fetch_one(&self.pool)
        .await?;
        let rows: Vec<CostedRow> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("the costed cases: {e}")))?;
        let mut cases = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(package) = json_column::<Package>(r.package) else {
                continue;
            };
            let last = r.ends_on.or(r.ended_at);
            cases.push(CostedCase {
                provision_start: date(&r.provision_start)?,
                last_day: last
                    .as_deref()
                    .map(|t| date(t.get(..10).unwrap_or(t)))
                    .transpose()?,
                period_end: r.period_end.as_deref().map(date).transpose()?,
                case_id: r.id,
                package,
                condition_group: condition_column(r.condition_group),
                school_urn: r.school_urn,
                school_name: r.school_name.unwrap_or_default(),
                district: r.district,
            });
        }
        cases.sort_by(|a, b| a.case_id.cmp(&b.case_id));
        Ok(cases)
    }

    /// Hours delivered in sessions from `from` to `to`, by case, summed over each stretch of
    /// days that `changes` (days after `from`, in order) begin: (case, the stretch's first day,
    /// hours). Priced on that day, as each day's hours would be when no price changes inside
    /// a stretch (`mns_domain::outcomes::costs::price_changes`). Grouped in the database, so
    /// two million sessions come back as a few rows per case, in one JSON row.
    pub async fn delivered_hours(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        changes: &[NaiveDate],
    ) -> StoreResult<Vec<(String, NaiveDate, f64)>> {
        let mut stretch = String::from("$1");
        if !changes.is_empty() {
            stretch = String::from("CASE");
            for n in (0..changes.len()).rev() {
                stretch.push_str(&format!(" WHEN held_on >= ${0} THEN ${0}", n + 3));
            }
            stretch.push_str(" ELSE $1 END");
        }
        let sql = format!(
            "SELECT {} FROM (SELECT case_id, {stretch} AS stretch, SUM(hours) AS hours \
             FROM case_sessions WHERE outcome = 'delivered' AND held_on >= $1 AND held_on <= $2 \
             GROUP BY case_id, {stretch}) d",
            self.backend.json_rows("d.case_id, d.stretch, d.hours")
        );
        let mut query = sqlx::query_as::<_, (String,)>(&sql)
            .bind(day(from))
            .bind(day(to));
        for change in changes {
            query = query.bind(day(*change));
        }
        let (json,) = query.persistent(false).fetch_one(&self.pool).await?;
        let rows: Vec<(String, String, f64)> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("the hours delivered: {e}")))?;
        rows.into_iter()
            .map(|(case, stretch, hours)| Ok((case, date(&stretch)?, hours)))
            .collect()
    }

    /// How many robots the pool has.
    pub async fn robot_count(&self) -> StoreResult<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM robots")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// The hospital invoices paid from `from` to `to`: the case, the amount in pence and the
    /// day paid.
    pub async fn invoices_paid(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(String, i64, NaiveDate)>> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT case_id, amount_pence, paid_at FROM hospital_invoices WHERE status = 'paid' \
             AND paid_at IS NOT NULL AND substr(paid_at, 1, 10) >= $1 \
             AND substr(paid_at, 1, 10) <= $2",
        )
        .bind(day(from))
        .bind(day(to))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(case, pence, at)| Ok((case, pence, date(at.get(..10).unwrap_or(&at))?)))
            .collect()
    }
}
