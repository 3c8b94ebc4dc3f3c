//! Events on the SEND Local Offer and the places booked at them (issue 19, migration 0026).
//! Booking happens inside a transaction that holds the audit head (`Store::begin`), so the count
//! of places taken and the new booking are one step on both databases: two people asking for
//! the last place at once get it and the waiting list, never both a place.

use crate::columns::{OptText, Text};
use crate::{Store, StoreError, StoreResult, WriteTx, ts};
use chrono::{DateTime, Utc};
use mns_domain::events::{Attendee, BookingDetails, BookingStatus, Event};
use sqlx::FromRow;

/// An event as stored, with its bookings counted.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// Its id.
    pub id: String,
    /// The event.
    pub event: Event,
    /// Whether it was cancelled, and why.
    pub cancelled: Option<String>,
    /// When it was published.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Places taken.
    pub confirmed: u32,
    /// People on the waiting list.
    pub waiting: u32,
    /// People marked as having come.
    pub attended: u32,
}

#[derive(FromRow)]
struct EventRow {
    id: String,
    details: String,
    status: String,
    cancel_reason: Option<String>,
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    created_at: DateTime<Utc>,
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    updated_at: DateTime<Utc>,
    confirmed: i64,
    waiting: i64,
    attended: i64,
}

fn event_of(row: EventRow) -> StoreResult<EventRecord> {
    let event: Event = serde_json::from_str(&row.details)
        .map_err(|e| StoreError::Corrupt(format!("event {}: {e}", row.id)))?;
    Ok(EventRecord {
        cancelled: (row.status == "cancelled").then(|| row.cancel_reason.unwrap_or_default()),
        id: row.id,
        event,
        created_at: row.created_at,
        updated_at: row.updated_at,
        confirmed: row.confirmed as u32,
        waiting: row.waiting as u32,
        attended: row.attended as u32,
    })
}

const EVENT_COLUMNS: &str = "SELECT e.id, e.details, e.status, e.cancel_reason, e.created_at, \
     e.updated_at, \
     (SELECT COUNT(*) FROM event_bookings b WHERE b.event_id = e.id AND b.status = 'confirmed') \
     AS confirmed, \
     (SELECT COUNT(*) FROM event_bookings b WHERE b.event_id = e.id AND b.status = 'waiting') \
     AS waiting, \
     (SELECT COUNT(*) FROM event_bookings b WHERE b.event_id = e.id AND b.attended = 1) \
     AS attended FROM local_offer_events e";

/// A booking as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRecord {
    /// Its id.
    pub id: String,
    /// The event's id.
    pub event_id: String,
    /// Its state.
    pub status: BookingStatus,
    /// Who, and how to reach them.
    pub details: BookingDetails,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it got a place (at once, or off the waiting list).
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Whether they came, once marked.
    pub attended: Option<bool>,
    /// The outbox message that will remind them.
    pub reminder_id: Option<String>,
}

#[derive(FromRow)]
struct BookingRow {
    id: String,
    event_id: String,
    #[sqlx(try_from = "Text<BookingStatus>")]
    status: BookingStatus,
    name: String,
    email: String,
    phone: String,
    attendee: String,
    access_needs: String,
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    created_at: DateTime<Utc>,
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    confirmed_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    cancelled_at: Option<DateTime<Utc>>,
    attended: Option<i64>,
    reminder_id: Option<String>,
}

fn booking_of(row: BookingRow) -> StoreResult<BookingRecord> {
    let attendee = Attendee::parse(&row.attendee)
        .ok_or_else(|| StoreError::Corrupt(format!("'{}' is not an attendee", row.attendee)))?;
    Ok(BookingRecord {
        id: row.id,
        event_id: row.event_id,
        status: row.status,
        details: BookingDetails {
            name: row.name,
            email: row.email,
            phone: row.phone,
            attendee,
            access_needs: row.access_needs,
        },
        created_at: row.created_at,
        confirmed_at: row.confirmed_at,
        cancelled_at: row.cancelled_at,
        attended: row.attended.map(|a| a != 0),
        reminder_id: row.reminder_id,
    })
}

const BOOKING_COLUMNS: &str = "SELECT id, event_id, status, name, email, phone, attendee, \
     access_needs, created_at, confirmed_at, cancelled_at, attended, reminder_id \
     FROM event_bookings";

fn details_json(event: &Event) -> StoreResult<String> {
    serde_json::to_string(event).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// One event, with its bookings counted.
    pub async fn event(&self, id: &str) -> StoreResult<Option<EventRecord>> {
        self.row_where(&format!("{EVENT_COLUMNS} WHERE e.id = $1"), &[id], event_of)
            .await
    }

    /// Events ending after `after` (every event when `None`), soonest first; cancelled ones
    /// only when `with_cancelled`.
    pub async fn events(
        &self,
        after: Option<DateTime<Utc>>,
        with_cancelled: bool,
    ) -> StoreResult<Vec<EventRecord>> {
        let after = after.map(ts).unwrap_or_default();
        let status = if with_cancelled { "%" } else { "published" };
        self.rows_where(
            &format!(
                "{EVENT_COLUMNS} WHERE e.ends_at > $1 AND e.status LIKE $2 \
                 ORDER BY e.starts_at, e.id"
            ),
            &[&after, status],
            event_of,
        )
        .await
    }

    /// Every booking of an event: places, then the waiting list, then cancellations, each in
    /// the order they were made.
    pub async fn event_bookings(&self, event_id: &str) -> StoreResult<Vec<BookingRecord>> {
        self.rows_where(
            &format!(
                "{BOOKING_COLUMNS} WHERE event_id = $1 ORDER BY CASE status \
                 WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, created_at, id"
            ),
            &[event_id],
            booking_of,
        )
        .await
    }

    /// The booking whose link token hashes to `token_hash`.
    pub async fn booking_by_token(&self, token_hash: &str) -> StoreResult<Option<BookingRecord>> {
        self.row_where(
            &format!("{BOOKING_COLUMNS} WHERE token_hash = $1"),
            &[token_hash],
            booking_of,
        )
        .await
    }
}

/// A new booking.
pub struct NewBooking<'a> {
    /// Its id.
    pub id: &'a str,
    /// The event.
    pub event_id: &'a str,
    /// The SHA-256 of its link's token.
    pub token_hash: &'a str,
    /// A place, or the waiting list.
    pub status: BookingStatus,
    /// Who.
    pub details: &'a BookingDetails,
    /// When.
    pub at: DateTime<Utc>,
}

impl WriteTx {
    /// Publishes an event.
    pub async fn insert_event(
        &mut self,
        id: &str,
        event: &Event,
        created_by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO local_offer_events (id, details, starts_at, ends_at, capacity, status, \
             created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'published', $6, $7, $7)",
        )
        .bind(id)
        .bind(details_json(event)?)
        .bind(ts(event.starts_at))
        .bind(ts(event.ends_at))
        .bind(i64::from(event.capacity))
        .bind(created_by)
        .bind(ts(now))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Changes an event's details.
    pub async fn update_event(
        &mut self,
        id: &str,
        event: &Event,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE local_offer_events SET details = $1, starts_at = $2, ends_at = $3, \
             capacity = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(details_json(event)?)
        .bind(ts(event.starts_at))
        .bind(ts(event.ends_at))
        .bind(i64::from(event.capacity))
        .bind(ts(now))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Cancels an event, with the reason people are given.
    pub async fn cancel_event(
        &mut self,
        id: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE local_offer_events SET status = 'cancelled', cancel_reason = $1, \
             updated_at = $2 WHERE id = $3",
        )
        .bind(reason)
        .bind(ts(now))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// One event, read inside the transaction.
    pub async fn event(&mut self, id: &str) -> StoreResult<Option<EventRecord>> {
        let row: Option<EventRow> = sqlx::query_as(&format!("{EVENT_COLUMNS} WHERE e.id = $1"))
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.map(event_of).transpose()
    }

    /// An event's bookings in one state, in the order they were made.
    pub async fn bookings_with_status(
        &mut self,
        event_id: &str,
        status: BookingStatus,
    ) -> StoreResult<Vec<BookingRecord>> {
        let rows: Vec<BookingRow> = sqlx::query_as(&format!(
            "{BOOKING_COLUMNS} WHERE event_id = $1 AND status = $2 ORDER BY created_at, id"
        ))
        .bind(event_id)
        .bind(status.as_str())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.into_iter().map(booking_of).collect()
    }

    /// The booking whose link token hashes to `token_hash`, read inside the transaction.
    pub async fn booking_by_token(
        &mut self,
        token_hash: &str,
    ) -> StoreResult<Option<BookingRecord>> {
        let row: Option<BookingRow> =
            sqlx::query_as(&format!("{BOOKING_COLUMNS} WHERE token_hash = $1"))
                .bind(token_hash)
                .fetch_optional(&mut *self.tx)
                .await?;
        row.map(booking_of).transpose()
    }

    /// Adds a booking.
    pub async fn insert_booking(&mut self, b: &NewBooking<'_>) -> StoreResult<()> {
        let confirmed = (b.status == BookingStatus::Confirmed).then(|| ts(b.at));
        sqlx::query(
            "INSERT INTO event_bookings (id, event_id, token_hash, status, name, email, phone, \
             attendee, access_needs, created_at, confirmed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(b.id)
        .bind(b.event_id)
        .bind(b.token_hash)
        .bind(b.status.as_str())
        .bind(&b.details.name)
        .bind(&b.details.email)
        .bind(&b.details.phone)
        .bind(b.details.attendee.as_str())
        .bind(&b.details.access_needs)
        .bind(ts(b.at))
        .bind(confirmed)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Gives a booking a place (off the waiting list) or cancels it, at `now`.
    pub async fn set_booking_status(
        &mut self,
        id: &str,
        status: BookingStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let column = match status {
            BookingStatus::Confirmed => "confirmed_at",
            BookingStatus::Cancelled => "cancelled_at",
            BookingStatus::Waiting => "created_at",
        };
        sqlx::query(&format!(
            "UPDATE event_bookings SET status = $1, {column} = $2 WHERE id = $3"
        ))
        .bind(status.as_str())
        .bind(ts(now))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records the outbox message that will remind the booking's person.
    pub async fn set_booking_reminder(&mut self, id: &str, message_id: &str) -> StoreResult<()> {
        sqlx::query("UPDATE event_bookings SET reminder_id = $1 WHERE id = $2")
            .bind(message_id)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Erases the names and contact details of the bookings of events that ended before
    /// `ended_before` (the counts and attendance stay). How many bookings.
    pub async fn erase_event_bookings(&mut self, ended_before: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE event_bookings SET name = '', email = '', phone = '', access_needs = '' \
             WHERE email <> '' AND event_id IN \
             (SELECT id FROM local_offer_events WHERE ends_at < $1)",
        )
        .bind(ts(ended_before))
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected())
    }

    /// Marks whether someone with a place came (`None`: not marked). Whether the booking is
    /// one of the event's.
    pub async fn set_attended(
        &mut self,
        event_id: &str,
        booking_id: &str,
        attended: Option<bool>,
    ) -> StoreResult<bool> {
        // One statement per shape: PostgreSQL keeps a statement's parameter types.
        let done = match attended {
            Some(a) => {
                sqlx::query(
                    "UPDATE event_bookings SET attended = $1 WHERE id = $2 AND event_id = $3 \
                     AND status = 'confirmed'",
                )
                .bind(i64::from(a))
                .bind(booking_id)
                .bind(event_id)
                .execute(&mut *self.tx)
                .await?
            }
            None => {
                sqlx::query(
                    "UPDATE event_bookings SET attended = NULL WHERE id = $1 AND event_id = $2 \
                     AND status = 'confirmed'",
                )
                .bind(booking_id)
                .bind(event_id)
                .execute(&mut *self.tx)
                .await?
            }
        };
        Ok(done.rows_affected() > 0)
    }
}
