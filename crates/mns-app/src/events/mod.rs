//! Events on the SEND Local Offer (issue 19): the Local Offer officer publishes, changes and
//! cancels events and keeps their attendance (`ManageEvents`); families and professionals book
//! without an account ([`booking`]). Every email leaves through the outbox under the Local
//! Offer's name and carries no one's details: what the event is, when and where, and the link to
//! the booking.

mod booking;
mod calendar;

pub use booking::{BookingView, CancelOutcome, EventFilter};

use crate::reports::ExportFormat;
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::{DateTime, Utc};
use mns_domain::calendar::{uk_local_time, uk_to_utc};
use mns_domain::events::{BookingStatus, Event, EventForm, Problem, Venue, promote};
use mns_domain::permissions::Capability;
use mns_store::{BookingRecord, EventRecord, WriteTx, new_id};

fn problems(list: Vec<Problem>) -> AppError {
    AppError::Invalid(
        list.into_iter()
            .map(|(field, message)| FieldError::new(field, message))
            .collect(),
    )
}

/// When a booking's reminder goes: 9am on the UK day before the event; `None` if that has
/// passed.
fn reminder_due(event: &Event, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let day_before = event.date().pred_opt()?;
    let due = uk_to_utc(day_before.and_hms_opt(9, 0, 0)?);
    (due > now).then_some(due)
}

/// What an attendance mark says: "yes", "no" or empty (not marked).
pub fn attendance_mark(text: &str) -> Option<Option<bool>> {
    match text {
        "yes" => Some(Some(true)),
        "no" => Some(Some(false)),
        "" => Some(None),
        _ => None,
    }
}

impl App {
    fn event_url(&self, id: &str) -> String {
        format!("{}/local-offer/events/{id}", self.settings.public_url)
    }

    fn booking_url(&self, token: &str) -> String {
        format!(
            "{}/local-offer/events/bookings/{token}",
            self.settings.public_url
        )
    }

    /// Where the event's postcode is, from the postcode list (its district when the full
    /// postcode is not on it), so families can search by distance.
    async fn place_event(&self, mut event: Event) -> AppResult<Event> {
        if let Venue::InPerson {
            postcode,
            latitude,
            longitude,
            ..
        } = &mut event.venue
            && let Some((point, _)) = self.locate_postcode(postcode).await?
        {
            *latitude = Some(point.latitude);
            *longitude = Some(point.longitude);
        }
        Ok(event)
    }

    /// Publishes an event on the Local Offer. Every problem with the form is named; nothing
    /// is saved unless all is well.
    pub async fn publish_event(&self, actor: &Actor, form: &EventForm) -> AppResult<String> {
        actor.require(Capability::ManageEvents)?;
        let event = form.parse(self.today()).map_err(problems)?;
        let event = self.place_event(event).await?;
        let id = new_id();
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.insert_event(&id, &event, &actor.user.id, now).await?;
        self.audit(&mut tx, actor, "event.publish", "event", &id, &event.title)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every event, past and cancelled ones too, soonest first (for the organiser).
    pub async fn organiser_events(&self, actor: &Actor) -> AppResult<Vec<EventRecord>> {
        actor.require(Capability::ManageEvents)?;
        Ok(self.store.events(None, true).await?)
    }

    /// One event and everyone who booked it, for the organiser (a view of people's details:
    /// audited).
    pub async fn event_attendance(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(EventRecord, Vec<BookingRecord>)> {
        actor.require(Capability::ManageEvents)?;
        let event = self.store.event(id).await?.ok_or(AppError::NotFound)?;
        let bookings = self.store.event_bookings(id).await?;
        self.audit_view(actor, "event.attendance.view", "event", id)
            .await?;
        Ok((event, bookings))
    }

    /// The event, for changing it.
    pub async fn event_for_organiser(&self, actor: &Actor, id: &str) -> AppResult<EventRecord> {
        actor.require(Capability::ManageEvents)?;
        self.store.event(id).await?.ok_or(AppError::NotFound)
    }

    /// Changes an event. Fewer places than are booked is refused. When the time or place
    /// changes, everyone booked or waiting is told and their reminders move; more places move
    /// the waiting list up.
    pub async fn change_event(&self, actor: &Actor, id: &str, form: &EventForm) -> AppResult<()> {
        actor.require(Capability::ManageEvents)?;
        self.store.event(id).await?.ok_or(AppError::NotFound)?;
        let event = form.parse(self.today()).map_err(problems)?;
        let event = self.place_event(event).await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let old = tx.event(id).await?.ok_or(AppError::NotFound)?;
        if old.cancelled.is_some() || old.event.starts_at <= now {
            return Err(AppError::invalid(
                "title",
                "This event is cancelled or has started, so it cannot be changed",
            ));
        }
        if event.capacity < old.confirmed {
            return Err(AppError::invalid(
                "capacity",
                format!(
                    "{} places are already booked: the event needs at least {} places",
                    old.confirmed, old.confirmed
                ),
            ));
        }
        tx.update_event(id, &event, now).await?;
        let moved = old.event.starts_at != event.starts_at
            || old.event.ends_at != event.ends_at
            || old.event.place() != event.place();
        if moved {
            for status in [BookingStatus::Confirmed, BookingStatus::Waiting] {
                for b in tx.bookings_with_status(id, status).await? {
                    if status == BookingStatus::Confirmed {
                        self.reschedule_reminder(&mut tx, &event, &b, now).await?;
                    }
                    let body = format!(
                        "{} has changed.\n\nWhen: {}\nWhere: {}\n\nSee your booking or cancel it: the link in your first email.\n",
                        event.title,
                        event.when(),
                        event.place(),
                    );
                    tx.enqueue_message_from(
                        &self.local_offer_sender(),
                        &b.details.email,
                        "An event you booked has changed",
                        &body,
                        now,
                    )
                    .await?;
                }
            }
        }
        self.move_waiting_list_up(&mut tx, id, &event, now).await?;
        self.audit(&mut tx, actor, "event.change", "event", id, &event.title)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Withdraws a booking's reminder and queues a new one for the event as it is now.
    async fn reschedule_reminder(
        &self,
        tx: &mut WriteTx,
        event: &Event,
        b: &BookingRecord,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        if let Some(old) = &b.reminder_id {
            tx.withdraw_message(old, now).await?;
        }
        self.schedule_reminder(tx, event, &b.id, &b.details.email, now)
            .await
    }

    /// Queues the day-before reminder for a booking with a place.
    async fn schedule_reminder(
        &self,
        tx: &mut WriteTx,
        event: &Event,
        booking_id: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let Some(due) = reminder_due(event, now) else {
            return Ok(());
        };
        let body = format!(
            "A reminder: you have a place at {} tomorrow.\n\nWhen: {}\nWhere: {}\n\nIf you cannot come, please cancel with the link in your confirmation email so someone else can have your place.\n",
            event.title,
            event.when(),
            event.place(),
        );
        let message = tx
            .schedule_message_from(
                &self.local_offer_sender(),
                email,
                "Reminder: your event is tomorrow",
                &body,
                due,
            )
            .await?;
        tx.set_booking_reminder(booking_id, &message).await?;
        Ok(())
    }

    /// Gives the free places to the people waiting longest, and tells them.
    async fn move_waiting_list_up(
        &self,
        tx: &mut WriteTx,
        id: &str,
        event: &Event,
        now: DateTime<Utc>,
    ) -> AppResult<Vec<String>> {
        let confirmed = tx
            .bookings_with_status(id, BookingStatus::Confirmed)
            .await?;
        let waiting = tx.bookings_with_status(id, BookingStatus::Waiting).await?;
        let mut moved = Vec::new();
        for b in promote(&waiting, confirmed.len() as u32, event.capacity) {
            tx.set_booking_status(&b.id, BookingStatus::Confirmed, now)
                .await?;
            let body = format!(
                "A place has come up, and it is yours: you now have a place at {}.\n\nWhen: {}\nWhere: {}\n\nIf you cannot come, please cancel with the link in your first email so the next person can have it.\n",
                event.title,
                event.when(),
                event.place(),
            );
            tx.enqueue_message_from(
                &self.local_offer_sender(),
                &b.details.email,
                "You have a place at an event",
                &body,
                now,
            )
            .await?;
            self.schedule_reminder(tx, event, &b.id, &b.details.email, now)
                .await?;
            moved.push(b.id);
        }
        Ok(moved)
    }

    /// Cancels an event: everyone booked or waiting is told why, and their reminders are
    /// withdrawn. The reason is required.
    pub async fn cancel_event(&self, actor: &Actor, id: &str, reason: &str) -> AppResult<()> {
        actor.require(Capability::ManageEvents)?;
        self.store.event(id).await?.ok_or(AppError::NotFound)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "Enter why the event is cancelled: everyone who booked is told",
            ));
        }
        if reason.chars().count() > 500 {
            return Err(AppError::invalid(
                "reason",
                "The reason must be 500 characters or fewer",
            ));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let record = tx.event(id).await?.ok_or(AppError::NotFound)?;
        if record.cancelled.is_some() {
            return Err(AppError::invalid(
                "reason",
                "This event is already cancelled",
            ));
        }
        if record.event.starts_at <= now {
            return Err(AppError::invalid(
                "reason",
                "This event has started, so it cannot be cancelled",
            ));
        }
        let event = &record.event;
        tx.cancel_event(id, reason, now).await?;
        for status in [BookingStatus::Confirmed, BookingStatus::Waiting] {
            for b in tx.bookings_with_status(id, status).await? {
                if let Some(m) = &b.reminder_id {
                    tx.withdraw_message(m, now).await?;
                }
                tx.set_booking_status(&b.id, BookingStatus::Cancelled, now)
                    .await?;
                let body = format!(
                    "We are sorry: {} on {} is cancelled.\n\n{}\n\nYou do not need to do anything. Other events are on the Local Offer: {}/local-offer/events\n",
                    event.title,
                    event.when(),
                    reason,
                    self.settings.public_url,
                );
                tx.enqueue_message_from(
                    &self.local_offer_sender(),
                    &b.details.email,
                    "An event you booked is cancelled",
                    &body,
                    now,
                )
                .await?;
            }
        }
        self.audit(&mut tx, actor, "event.cancel", "event", id, reason)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks who came: each booking with a place and "yes", "no" or empty. A booking that is
    /// not one of the event's places is refused, and nothing is saved.
    pub async fn mark_attendance(
        &self,
        actor: &Actor,
        id: &str,
        marks: &[(String, String)],
    ) -> AppResult<usize> {
        actor.require(Capability::ManageEvents)?;
        let mut tx = self.store.begin().await?;
        let record = tx.event(id).await?.ok_or(AppError::NotFound)?;
        let mut changed = 0;
        for (booking, mark) in marks {
            let Some(attended) = attendance_mark(mark) else {
                return Err(AppError::invalid(
                    "attendance",
                    "Select whether each person came",
                ));
            };
            if !tx.set_attended(id, booking, attended).await? {
                return Err(AppError::invalid(
                    "attendance",
                    "The list has changed since it was opened: open it again",
                ));
            }
            changed += 1;
        }
        self.audit(
            &mut tx,
            actor,
            "event.attendance.mark",
            "event",
            id,
            &format!("{changed} marked at {}", record.event.title),
        )
        .await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// The attendance list as a CSV or ODS download: places, then the waiting list (every
    /// cell made safe to open in a spreadsheet). Audited as an export. The file's name (without its extension) and its bytes.
    pub async fn attendance_export(
        &self,
        actor: &Actor,
        id: &str,
        format: ExportFormat,
    ) -> AppResult<(String, Vec<u8>)> {
        actor.require(Capability::ManageEvents)?;
        let event = self.store.event(id).await?.ok_or(AppError::NotFound)?;
        let bookings = self.store.event_bookings(id).await?;
        let mut rows = vec![
            [
                "Status",
                "Name",
                "Email",
                "Phone",
                "Who is coming",
                "Access needs",
                "Booked",
                "Attended",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for b in bookings
            .iter()
            .filter(|b| b.status != BookingStatus::Cancelled)
        {
            let attended = match b.attended {
                Some(true) => "Yes",
                Some(false) => "No",
                None => "",
            };
            rows.push(vec![
                b.status.label().into(),
                b.details.name.clone(),
                b.details.email.clone(),
                b.details.phone.clone(),
                b.details.attendee.label().into(),
                b.details.access_needs.clone(),
                uk_local_time(b.created_at)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                attended.into(),
            ]);
        }
        let bytes = format.bytes("Attendance", &rows)?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "event.attendance.export",
            "event",
            id,
            format.extension(),
        )
        .await?;
        tx.commit().await?;
        let name = format!(
            "attendance-{}",
            uk_local_time(event.event.starts_at).format("%Y-%m-%d")
        );
        Ok((name, bytes))
    }
}

/// How long after an event the names and contact details of the people who booked it are
/// kept (then the retention job erases them; the counts stay).
pub const BOOKINGS_KEPT_FOR: chrono::Duration = chrono::Duration::days(365);
