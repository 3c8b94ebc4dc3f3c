//! What families and professionals do without an account: find events, book a place (or join
//! the waiting list), see their booking through the link they were sent, and cancel it, which
//! gives the place to the first person waiting.

use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use mns_domain::directory::search::Point;
use mns_domain::events::{
    Audience, BookingForm, BookingStatus, BookingWindow, EventKind, Venue, place_for,
};
use mns_store::{BookingRecord, EventRecord, NewBooking, new_id};

/// What a family filters the events list by.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only this kind.
    pub kind: Option<EventKind>,
    /// Only events for this audience (events for everyone always match).
    pub audience: Option<Audience>,
    /// Near this postcode or district, nearest first (online events after).
    pub postcode: Option<String>,
    /// Only online events.
    pub online_only: bool,
}

/// A booking, seen through its link.
#[derive(Debug, Clone)]
pub struct BookingView {
    /// The booking.
    pub booking: BookingRecord,
    /// Its event.
    pub event: EventRecord,
    /// For someone waiting, their place in the queue (1 is next).
    pub queue_position: Option<usize>,
}

/// What cancelling did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    /// Cancelled now.
    Cancelled,
    /// It had been cancelled already, at this time: nothing changed.
    AlreadyCancelled(DateTime<Utc>),
}

/// How many bookings one address may make in an hour.
const BOOKINGS_PER_HOUR: i64 = 20;
const EVENT_BOOKING: &str = "event_booking";

impl App {
    /// Published events still to come that match `filter`, soonest first (nearest first when a
    /// postcode is given), with the distance in metres when there is one. An unknown postcode
    /// is a problem with `postcode`.
    pub async fn upcoming_events(
        &self,
        filter: &EventFilter,
    ) -> AppResult<(Vec<(EventRecord, Option<f64>)>, Option<String>)> {
        let origin = match &filter.postcode {
            Some(text) => Some(self.locate_postcode(text).await?.ok_or_else(|| {
                AppError::invalid(
                    "postcode",
                    "Enter a real postcode or the first half of one, like NR2 or NR2 1AB",
                )
            })?),
            None => None,
        };
        let events = self.store.events(Some(self.now()), false).await?;
        let mut out: Vec<(EventRecord, Option<f64>)> = events
            .into_iter()
            .filter(|r| filter.kind.is_none_or(|k| r.event.kind == k))
            .filter(|r| {
                filter
                    .audience
                    .is_none_or(|a| r.event.audience == a || r.event.audience == Audience::Everyone)
            })
            .filter(|r| !filter.online_only || r.event.is_online())
            .map(|r| {
                let distance = match (&origin, &r.event.venue) {
                    (
                        Some((from, _)),
                        Venue::InPerson {
                            latitude: Some(latitude),
                            longitude: Some(longitude),
                            ..
                        },
                    ) => Some(from.distance_metres(Point {
                        latitude: *latitude,
                        longitude: *longitude,
                    })),
                    _ => None,
                };
                (r, distance)
            })
            .collect();
        if origin.is_some() {
            out.sort_by(|a, b| match (a.1, b.1) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => a.0.event.starts_at.cmp(&b.0.event.starts_at),
            });
        }
        Ok((out, origin.map(|(_, label)| label)))
    }

    /// One event as the public sees it (cancelled and past ones too, saying so).
    pub async fn public_event(&self, id: &str) -> AppResult<EventRecord> {
        self.store.event(id).await?.ok_or(AppError::NotFound)
    }

    /// Books a place at an event, or a place on its waiting list when it is full, and emails
    /// the confirmation. The count of places and the new booking are one transaction, so the
    /// last place goes to one person. `source` is the requesting address, for the rate limit.
    /// Returns the token of the booking's link and its state.
    pub async fn book_event(
        &self,
        id: &str,
        form: &BookingForm,
        source: &str,
    ) -> AppResult<(String, BookingStatus)> {
        self.store.event(id).await?.ok_or(AppError::NotFound)?;
        let details = form.parse().map_err(super::problems)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let record = tx.event(id).await?.ok_or(AppError::NotFound)?;
        if record.cancelled.is_some() {
            return Err(AppError::invalid("name", "This event is cancelled"));
        }
        match record.event.booking_window(now) {
            BookingWindow::Open => {}
            BookingWindow::NotYetOpen(day) => {
                return Err(AppError::invalid(
                    "name",
                    format!("Booking opens on {}", day.format("%-d %B %Y")),
                ));
            }
            BookingWindow::Closed => {
                return Err(AppError::invalid(
                    "name",
                    "Booking for this event has closed",
                ));
            }
            BookingWindow::Past => {
                return Err(AppError::invalid("name", "This event has already happened"));
            }
        }
        let from = format!("from:{source}");
        let since = now - chrono::Duration::hours(1);
        if tx.count_rate_events(EVENT_BOOKING, &from, since).await? >= BOOKINGS_PER_HOUR {
            tracing::warn!(%source, "event booking refused: rate limit");
            return Err(AppError::Throttled);
        }
        tx.record_rate_event(EVENT_BOOKING, &from, now).await?;
        let confirmed = tx
            .bookings_with_status(id, BookingStatus::Confirmed)
            .await?;
        let waiting = tx.bookings_with_status(id, BookingStatus::Waiting).await?;
        let same = |b: &&BookingRecord| {
            b.details.email.eq_ignore_ascii_case(&details.email)
                && b.details.name.eq_ignore_ascii_case(&details.name)
        };
        if confirmed.iter().chain(&waiting).any(|b| same(&b)) {
            return Err(AppError::invalid(
                "name",
                "This person is already booked with this email address: the link in the email we sent shows the booking",
            ));
        }
        let status = place_for(confirmed.len() as u32, record.event.capacity);
        let token = crate::identity::new_token();
        let booking_id = new_id();
        tx.insert_booking(&NewBooking {
            id: &booking_id,
            event_id: id,
            token_hash: &crate::identity::token_hash(&token),
            status,
            details: &details,
            at: now,
        })
        .await?;
        let event = &record.event;
        let link = self.booking_url(&token);
        let (subject, body) = match status {
            BookingStatus::Confirmed => (
                "Your place is booked",
                format!(
                    "You have a place at {}.\n\nWhen: {}\nWhere: {}\n\nSee your booking, add it to your calendar or cancel it: {link}\n",
                    event.title,
                    event.when(),
                    event.place(),
                ),
            ),
            _ => (
                "You are on the waiting list",
                format!(
                    "{} is full, so you are on its waiting list, number {}. If a place comes up, it is yours and we will email you.\n\nWhen: {}\nWhere: {}\n\nSee where you are on the list, or leave it: {link}\n",
                    event.title,
                    waiting.len() + 1,
                    event.when(),
                    event.place(),
                ),
            ),
        };
        tx.enqueue_message_from(
            &self.local_offer_sender(),
            &details.email,
            subject,
            &body,
            now,
        )
        .await?;
        if status == BookingStatus::Confirmed {
            self.schedule_reminder(&mut tx, event, &booking_id, &details.email, now)
                .await?;
        }
        let actor = crate::system_actor("public");
        self.audit(
            &mut tx,
            &actor,
            "event.book",
            "event_booking",
            &booking_id,
            &format!("{} at event {id}", status.as_str()),
        )
        .await?;
        tx.commit().await?;
        Ok((token, status))
    }

    /// The booking whose link carries `token`, with its event.
    pub async fn booking(&self, token: &str) -> AppResult<BookingView> {
        let hash = crate::identity::token_hash(token);
        let booking = self
            .store
            .booking_by_token(&hash)
            .await?
            .ok_or(AppError::NotFound)?;
        let event = self
            .store
            .event(&booking.event_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let queue_position = if booking.status == BookingStatus::Waiting {
            let all = self.store.event_bookings(&booking.event_id).await?;
            all.iter()
                .filter(|b| b.status == BookingStatus::Waiting)
                .position(|b| b.id == booking.id)
                .map(|p| p + 1)
        } else {
            None
        };
        Ok(BookingView {
            booking,
            event,
            queue_position,
        })
    }

    /// Cancels the booking whose link carries `token`; its place goes to the first person
    /// waiting, who is told. A link used again changes nothing and says when it was cancelled.
    pub async fn cancel_booking(&self, token: &str) -> AppResult<CancelOutcome> {
        let hash = crate::identity::token_hash(token);
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let booking = tx
            .booking_by_token(&hash)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Some(at) = booking.cancelled_at {
            return Ok(CancelOutcome::AlreadyCancelled(at));
        }
        let record = tx
            .event(&booking.event_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if record.event.starts_at <= now {
            return Err(AppError::invalid(
                "cancel",
                "This event has started, so the booking cannot be cancelled",
            ));
        }
        if let Some(m) = &booking.reminder_id {
            tx.withdraw_message(m, now).await?;
        }
        tx.set_booking_status(&booking.id, BookingStatus::Cancelled, now)
            .await?;
        let event = &record.event;
        let body = format!(
            "Your booking for {} on {} is cancelled. Thank you for letting us know.\n\nOther events are on the Local Offer: {}/local-offer/events\n",
            event.title,
            event.when(),
            self.settings.public_url,
        );
        tx.enqueue_message_from(
            &self.local_offer_sender(),
            &booking.details.email,
            "Your booking is cancelled",
            &body,
            now,
        )
        .await?;
        let moved = if booking.status == BookingStatus::Confirmed {
            self.move_waiting_list_up(&mut tx, &booking.event_id, event, now)
                .await?
        } else {
            Vec::new()
        };
        let actor = crate::system_actor("public");
        self.audit(
            &mut tx,
            &actor,
            "event.booking.cancel",
            "event_booking",
            &booking.id,
            &format!("{} moved up from the waiting list", moved.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(CancelOutcome::Cancelled)
    }
}
