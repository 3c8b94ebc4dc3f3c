//! The events' iCalendar: a feed of every event still to come (cancelled ones marked so, so
//! calendars that subscribed remove them), and a booking's own event with its joining details.

use super::BookingView;
use crate::{App, AppResult};
use mns_domain::events::Venue;
use mns_domain::events::ics::{CalendarEvent, calendar};

impl App {
    fn calendar_uid(&self, id: &str) -> String {
        let host = self
            .settings
            .public_url
            .split("://")
            .nth(1)
            .unwrap_or("mns")
            .split(['/', ':'])
            .next()
            .unwrap_or("mns")
            .to_string();
        format!("event-{id}@{host}")
    }

    /// The iCalendar feed of events to come.
    pub async fn events_calendar(&self) -> AppResult<String> {
        let now = self.now();
        let records = self.store.events(Some(now), true).await?;
        let items: Vec<CalendarEvent<'_>> = records
            .iter()
            .map(|r| CalendarEvent {
                uid: self.calendar_uid(&r.id),
                event: &r.event,
                url: self.event_url(&r.id),
                stamp: r.updated_at,
                cancelled: r.cancelled.is_some(),
                note: String::new(),
            })
            .collect();
        Ok(calendar(
            &format!("{} SEND Local Offer events", self.settings.council_name),
            &items,
        ))
    }

    /// A booking's event as iCalendar, with how to join when it is online and the booking has
    /// a place.
    pub async fn booking_calendar(&self, token: &str) -> AppResult<String> {
        let BookingView { booking, event, .. } = self.booking(token).await?;
        let mut note = format!("Your booking: {}", self.booking_url(token));
        if let Venue::Online { joining } = &event.event.venue
            && booking.status == mns_domain::events::BookingStatus::Confirmed
        {
            note = format!("How to join: {joining}\n\n{note}");
        }
        Ok(calendar(
            &event.event.title,
            &[CalendarEvent {
                uid: self.calendar_uid(&event.id),
                event: &event.event,
                url: self.event_url(&event.id),
                stamp: self.now(),
                cancelled: event.cancelled.is_some()
                    || booking.status == mns_domain::events::BookingStatus::Cancelled,
                note,
            }],
        ))
    }
}
