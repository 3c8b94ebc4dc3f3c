//! SEND details, hospital episodes and hospital invoices on a case (MN-SEND-1, MN-HOSP-1,
//! MN-HOSP-2).

use crate::columns::{OptText, Text};
use crate::{Store, StoreResult, WriteTx, day, ts};
use chrono::{DateTime, NaiveDate, Utc};
use mns_domain::provision::InvoiceStatus;
use sqlx::FromRow;

/// An in-patient episode.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct EpisodeRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The hospital (or Tier 4 unit).
    pub hospital: String,
    /// The hospital school teaching the pupil.
    pub hospital_school: String,
    /// Admitted.
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub admitted_on: NaiveDate,
    /// Discharge, when known.
    #[sqlx(try_from = "OptText<NaiveDate>")]
    pub discharge_on: Option<NaiveDate>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When (stored form).
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub recorded_at: DateTime<Utc>,
}

/// An invoice from a privately funded hospital.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct InvoiceRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The hospital.
    pub hospital: String,
    /// The hospital's invoice reference.
    pub reference: String,
    /// The amount in pence.
    pub amount_pence: i64,
    /// Evidence of admission supplied.
    pub has_admission_evidence: i64,
    /// The timetable supplied.
    pub has_timetable: i64,
    /// Attendance records supplied.
    pub has_attendance: i64,
    /// Held (evidence missing), payable or paid (MN-HOSP-2).
    #[sqlx(try_from = "Text<InvoiceStatus>")]
    pub status: InvoiceStatus,
    /// Who recorded it.
    pub recorded_by: String,
    /// When (stored form).
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub recorded_at: DateTime<Utc>,
    /// When paid (stored form).
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    pub paid_at: Option<DateTime<Utc>>,
}

impl WriteTx {
    /// Writes a case's SEND details.
    pub async fn save_send_details(
        &mut self,
        case_id: &str,
        json: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_send_details (case_id, details_json, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (case_id) DO UPDATE SET details_json = excluded.details_json, \
             updated_at = excluded.updated_at",
        )
        .bind(case_id)
        .bind(json)
        .bind(ts(at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records an in-patient episode.
    pub async fn insert_episode(&mut self, e: &EpisodeRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO hospital_episodes (id, case_id, hospital, hospital_school, admitted_on, \
             discharge_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&e.id)
        .bind(&e.case_id)
        .bind(&e.hospital)
        .bind(&e.hospital_school)
        .bind(day(e.admitted_on))
        .bind(e.discharge_on.map(day))
        .bind(&e.recorded_by)
        .bind(ts(e.recorded_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records an invoice.
    pub async fn insert_invoice(&mut self, i: &InvoiceRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO hospital_invoices (id, case_id, hospital, reference, amount_pence, \
             has_admission_evidence, has_timetable, has_attendance, status, recorded_by, \
             recorded_at, paid_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL)",
        )
        .bind(&i.id)
        .bind(&i.case_id)
        .bind(&i.hospital)
        .bind(&i.reference)
        .bind(i.amount_pence)
        .bind(i.has_admission_evidence)
        .bind(i.has_timetable)
        .bind(i.has_attendance)
        .bind(i.status.as_str())
        .bind(&i.recorded_by)
        .bind(ts(i.recorded_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Marks a payable invoice paid; false when it was not payable.
    pub async fn mark_invoice_paid(&mut self, id: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE hospital_invoices SET status = 'paid', paid_at = $1 WHERE id = $2 AND status = 'payable'",
        )
        .bind(ts(at))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// A case's SEND details as JSON.
    pub async fn send_details(&self, case_id: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT details_json FROM case_send_details WHERE case_id = $1")
                .bind(case_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(j,)| j))
    }

    /// A case's in-patient episodes, most recent first.
    pub async fn episodes(&self, case_id: &str) -> StoreResult<Vec<EpisodeRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, hospital, hospital_school, admitted_on, discharge_on, recorded_by, \
             recorded_at FROM hospital_episodes WHERE case_id = $1 ORDER BY admitted_on DESC, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Invoices: every one, or a case's; most recent first.
    pub async fn invoices(&self, case_id: Option<&str>) -> StoreResult<Vec<InvoiceRecord>> {
        let columns = "id, case_id, hospital, reference, amount_pence, has_admission_evidence, \
             has_timetable, has_attendance, status, recorded_by, recorded_at, paid_at";
        Ok(match case_id {
            Some(id) => sqlx::query_as(&format!(
                "SELECT {columns} FROM hospital_invoices WHERE case_id = $1 ORDER BY recorded_at DESC, id"
            ))
            .bind(id)
            .fetch_all(&self.pool)
            .await?,
            None => sqlx::query_as(&format!(
                "SELECT {columns} FROM hospital_invoices ORDER BY recorded_at DESC, id"
            ))
            .fetch_all(&self.pool)
            .await?,
        })
    }
}
