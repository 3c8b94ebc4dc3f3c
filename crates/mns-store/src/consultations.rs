//! Core Consultations (issue 19, migration 0028): a school's request, the booking, the record
//! of the meeting and the school's evaluation.

use crate::columns::{OptText, Text};
use crate::{Store, StoreError, StoreResult, WriteTx, day, ts};
use chrono::{DateTime, NaiveDate, Utc};
use mns_domain::consultations::{Booking, Evaluation, Record, Request, Strand};
use sqlx::FromRow;

/// A consultation as stored, with its school's name and district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationRecord {
    /// Its id.
    pub id: String,
    /// The school's URN.
    pub school_urn: String,
    /// The school's name (from the schools list).
    pub school_name: String,
    /// The school's district.
    pub district: Option<String>,
    /// The strand.
    pub strand: Strand,
    /// "requested", "scheduled", "held" or "cancelled".
    pub status: String,
    /// The school's request.
    pub request: Request,
    /// Who asked.
    pub requested_by: String,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// The booking.
    pub booking: Option<Booking>,
    /// What happened.
    pub record: Option<Record>,
    /// When it was recorded.
    pub recorded_at: Option<DateTime<Utc>>,
    /// The school's evaluation.
    pub evaluation: Option<Evaluation>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
}

#[derive(FromRow)]
struct Row {
    id: String,
    school_urn: String,
    school_name: Option<String>,
    district: Option<String>,
    strand: String,
    status: String,
    request: String,
    requested_by: String,
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    requested_at: DateTime<Utc>,
    booking: Option<String>,
    record: Option<String>,
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    recorded_at: Option<DateTime<Utc>>,
    evaluation: Option<String>,
    cancel_reason: Option<String>,
}

fn json<T: serde::de::DeserializeOwned>(id: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("consultation {id}: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn record_of(row: Row) -> StoreResult<ConsultationRecord> {
    let strand = Strand::parse(&row.strand)
        .ok_or_else(|| StoreError::Corrupt(format!("'{}' is not a strand", row.strand)))?;
    Ok(ConsultationRecord {
        request: json(&row.id, &row.request)?,
        booking: row
            .booking
            .as_deref()
            .map(|b| json(&row.id, b))
            .transpose()?,
        record: row
            .record
            .as_deref()
            .map(|r| json(&row.id, r))
            .transpose()?,
        evaluation: row
            .evaluation
            .as_deref()
            .map(|e| json(&row.id, e))
            .transpose()?,
        school_name: row.school_name.unwrap_or_else(|| row.school_urn.clone()),
        id: row.id,
        school_urn: row.school_urn,
        district: row.district,
        strand,
        status: row.status,
        requested_by: row.requested_by,
        requested_at: row.requested_at,
        recorded_at: row.recorded_at,
        cancel_reason: row.cancel_reason,
    })
}

const COLUMNS: &str = "SELECT c.id, c.school_urn, s.name AS school_name, s.district, c.strand, \
     c.status, c.request, c.requested_by, c.requested_at, c.booking, c.record, c.recorded_at, \
     c.evaluation, c.cancel_reason FROM consultations c LEFT JOIN schools s ON s.urn = c.school_urn";

impl Store {
    /// One consultation.
    pub async fn consultation(&self, id: &str) -> StoreResult<Option<ConsultationRecord>> {
        self.row_where(&format!("{COLUMNS} WHERE c.id = $1"), &[id], record_of)
            .await
    }

    /// Consultations, newest request first: one school's (when `school` is given) or all.
    pub async fn consultations(
        &self,
        school: Option<&str>,
    ) -> StoreResult<Vec<ConsultationRecord>> {
        self.rows_where(
            &format!("{COLUMNS} WHERE c.school_urn LIKE $1 ORDER BY c.requested_at DESC, c.id"),
            &[school.unwrap_or("%")],
            record_of,
        )
        .await
    }

    /// How many schools on the schools list are open (for the consultations' coverage).
    pub async fn count_open_schools(&self) -> StoreResult<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM schools WHERE status IS NULL OR status LIKE 'Open%'",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }
}

impl WriteTx {
    /// Stores a school's request.
    pub async fn insert_consultation(
        &mut self,
        id: &str,
        school_urn: &str,
        strand: Strand,
        request: &Request,
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO consultations (id, school_urn, strand, status, request, requested_by, \
             requested_at) VALUES ($1, $2, $3, 'requested', $4, $5, $6)",
        )
        .bind(id)
        .bind(school_urn)
        .bind(strand.as_str())
        .bind(to_json(request)?)
        .bind(by)
        .bind(ts(at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Books (or rebooks) a consultation.
    pub async fn schedule_consultation(&mut self, id: &str, booking: &Booking) -> StoreResult<()> {
        sqlx::query(
            "UPDATE consultations SET status = 'scheduled', booking = $1, scheduled_on = $2 \
             WHERE id = $3",
        )
        .bind(to_json(booking)?)
        .bind(day(booking.date))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records what happened.
    pub async fn record_consultation(
        &mut self,
        id: &str,
        record: &Record,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE consultations SET status = 'held', record = $1, recorded_at = $2 WHERE id = $3",
        )
        .bind(to_json(record)?)
        .bind(ts(at))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Cancels a consultation not yet held, with the reason.
    pub async fn cancel_consultation(&mut self, id: &str, reason: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE consultations SET status = 'cancelled', cancel_reason = $1 WHERE id = $2",
        )
        .bind(reason)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Stores the school's evaluation.
    pub async fn evaluate_consultation(
        &mut self,
        id: &str,
        evaluation: &Evaluation,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE consultations SET evaluation = $1, evaluated_at = $2 WHERE id = $3")
            .bind(to_json(evaluation)?)
            .bind(ts(at))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

/// The day a consultation was or is booked for.
pub fn consultation_day(c: &ConsultationRecord) -> Option<NaiveDate> {
    c.booking.as_ref().map(|b| b.date)
}
