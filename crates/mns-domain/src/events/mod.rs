//! Events on the SEND Local Offer (issue 19): family roadshows, the termly SEND forum for
//! professionals and other sessions, with places that families and professionals book.
//!
//! The rules live here: what an event must say before it is published ([`EventForm::parse`]),
//! when booking is open ([`Event::booking_window`]), whether a new booking gets a place or joins
//! the waiting list ([`place_for`]), and who moves up when places free ([`promote`]).
//! Times are the UK clock's (`calendar::uk_time`); the store keeps instants in UTC.

mod booking;
pub mod ics;

pub use booking::{
    Attendee, BookingDetails, BookingForm, BookingStatus, is_email, place_for, promote,
};

use crate::calendar::{uk_local_time, uk_to_utc};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// What sort of event it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A family roadshow: the council's SEND teams meet parents and carers.
    Roadshow,
    /// The termly SEND forum for professionals.
    Forum,
    /// A workshop or training session.
    Workshop,
    /// Anything else.
    Other,
}

impl EventKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [EventKind; 4] = [
        EventKind::Roadshow,
        EventKind::Forum,
        EventKind::Workshop,
        EventKind::Other,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Roadshow => "roadshow",
            EventKind::Forum => "forum",
            EventKind::Workshop => "workshop",
            EventKind::Other => "other",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Roadshow => "Family roadshow",
            EventKind::Forum => "SEND forum",
            EventKind::Workshop => "Workshop or training",
            EventKind::Other => "Other event",
        }
    }

    /// The kind whose stored form is `text`.
    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Who an event is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Parents, carers and young people.
    Families,
    /// Practitioners: schools, health, early years, social care.
    Professionals,
    /// Anyone.
    Everyone,
}

impl Audience {
    /// Every audience, in the order forms list them.
    pub const ALL: [Audience; 3] = [
        Audience::Families,
        Audience::Professionals,
        Audience::Everyone,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Families => "families",
            Audience::Professionals => "professionals",
            Audience::Everyone => "everyone",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Audience::Families => "Parents, carers and young people",
            Audience::Professionals => "Professionals",
            Audience::Everyone => "Everyone",
        }
    }

    /// The audience whose stored form is `text`.
    pub fn parse(text: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// What a venue offers people with access needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessFeature {
    /// Step-free access to the room.
    StepFree,
    /// An accessible toilet.
    AccessibleToilet,
    /// A hearing loop.
    HearingLoop,
    /// A quiet room to take a break.
    QuietSpace,
    /// A British Sign Language interpreter on request.
    BslOnRequest,
    /// Parking for Blue Badge holders.
    BlueBadgeParking,
    /// Live captions (online events).
    Captions,
}

impl AccessFeature {
    /// Every feature, in the order forms list them.
    pub const ALL: [AccessFeature; 7] = [
        AccessFeature::StepFree,
        AccessFeature::AccessibleToilet,
        AccessFeature::HearingLoop,
        AccessFeature::QuietSpace,
        AccessFeature::BslOnRequest,
        AccessFeature::BlueBadgeParking,
        AccessFeature::Captions,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessFeature::StepFree => "step_free",
            AccessFeature::AccessibleToilet => "accessible_toilet",
            AccessFeature::HearingLoop => "hearing_loop",
            AccessFeature::QuietSpace => "quiet_space",
            AccessFeature::BslOnRequest => "bsl_on_request",
            AccessFeature::BlueBadgeParking => "blue_badge_parking",
            AccessFeature::Captions => "captions",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            AccessFeature::StepFree => "Step-free access",
            AccessFeature::AccessibleToilet => "Accessible toilet",
            AccessFeature::HearingLoop => "Hearing loop",
            AccessFeature::QuietSpace => "Quiet space to take a break",
            AccessFeature::BslOnRequest => "British Sign Language interpreter on request",
            AccessFeature::BlueBadgeParking => "Blue Badge parking",
            AccessFeature::Captions => "Live captions",
        }
    }

    /// The feature whose stored form is `text`.
    pub fn parse(text: &str) -> Option<AccessFeature> {
        AccessFeature::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// Where an event happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Venue {
    /// In a room: the venue's name, its address and postcode, and where the postcode is.
    InPerson {
        /// The venue's name ("Norwich Library, Millennium Plain").
        name: String,
        /// Its address, without the postcode.
        address: String,
        /// Its postcode.
        postcode: String,
        /// The postcode's latitude, when the postcode list knows it.
        latitude: Option<f64>,
        /// The postcode's longitude.
        longitude: Option<f64>,
    },
    /// Online: how to join, which only people with a place see.
    Online {
        /// The joining link and instructions.
        joining: String,
    },
}

/// An event as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Its title.
    pub title: String,
    /// Its kind.
    pub kind: EventKind,
    /// Who it is for.
    pub audience: Audience,
    /// What happens at it.
    pub description: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// Where.
    pub venue: Venue,
    /// What the venue offers people with access needs.
    pub access: Vec<AccessFeature>,
    /// Anything else about access.
    #[serde(default)]
    pub access_notes: String,
    /// How many places there are.
    pub capacity: u32,
    /// The first day people can book.
    pub booking_opens: NaiveDate,
    /// The last day people can book.
    pub booking_closes: NaiveDate,
}

/// Whether people can book now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingWindow {
    /// Booking opens on this day.
    NotYetOpen(NaiveDate),
    /// Open.
    Open,
    /// Booking has closed (the event is still to come).
    Closed,
    /// The event has started or is over.
    Past,
}

impl Event {
    /// The day it happens, on the UK clock.
    pub fn date(&self) -> NaiveDate {
        uk_local_time(self.starts_at).date()
    }

    /// Whether it is online.
    pub fn is_online(&self) -> bool {
        matches!(self.venue, Venue::Online { .. })
    }

    /// Whether people can book at `now`: from the first booking day to the last (UK days),
    /// and never once the event has started.
    pub fn booking_window(&self, now: DateTime<Utc>) -> BookingWindow {
        if now >= self.starts_at {
            return BookingWindow::Past;
        }
        let today = uk_local_time(now).date();
        if today < self.booking_opens {
            BookingWindow::NotYetOpen(self.booking_opens)
        } else if today > self.booking_closes {
            BookingWindow::Closed
        } else {
            BookingWindow::Open
        }
    }

    /// "Saturday 16 January 2027, 10am to 1pm".
    pub fn when(&self) -> String {
        let start = uk_local_time(self.starts_at);
        let end = uk_local_time(self.ends_at);
        format!(
            "{}, {} to {}",
            start.format("%A %-d %B %Y"),
            clock(start.time()),
            clock(end.time())
        )
    }

    /// Where, in one line: "Online", or the venue, address and postcode.
    pub fn place(&self) -> String {
        match &self.venue {
            Venue::Online { .. } => "Online".into(),
            Venue::InPerson {
                name,
                address,
                postcode,
                ..
            } => [name.as_str(), address.as_str(), postcode.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A time as GOV.UK writes it: "10am", "1:30pm", "midday".
pub fn clock(t: NaiveTime) -> String {
    use chrono::Timelike;
    if t.hour() == 12 && t.minute() == 0 {
        return "midday".into();
    }
    let hour = match t.hour() % 12 {
        0 => 12,
        h => h,
    };
    let meridiem = if t.hour() < 12 { "am" } else { "pm" };
    if t.minute() == 0 {
        format!("{hour}{meridiem}")
    } else {
        format!("{hour}:{:02}{meridiem}", t.minute())
    }
}

/// Reads a time of day as people type it: `10:30`, `14:00`, `10am`, `2.30pm`, `midday`.
pub fn parse_clock(text: &str) -> Option<NaiveTime> {
    let t = text.trim().to_ascii_lowercase().replace(' ', "");
    if t == "midday" || t == "noon" {
        return NaiveTime::from_hms_opt(12, 0, 0);
    }
    let (body, offset) = if let Some(b) = t.strip_suffix("am") {
        (b, Some(0))
    } else if let Some(b) = t.strip_suffix("pm") {
        (b, Some(12))
    } else {
        (t.as_str(), None)
    };
    let (h, m) = match body.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        Some(_) => return None,
        None => (body.parse::<u32>().ok()?, 0),
    };
    let hour = match offset {
        Some(add) if (1..=12).contains(&h) => h % 12 + add,
        Some(_) => return None,
        None if body.contains([':', '.']) => h,
        None => return None,
    };
    NaiveTime::from_hms_opt(hour, m, 0)
}

/// An event as typed into the organiser's form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventForm {
    /// Title.
    pub title: String,
    /// Kind's stored form.
    pub kind: String,
    /// Audience's stored form.
    pub audience: String,
    /// Description.
    pub description: String,
    /// The day.
    pub date: Option<NaiveDate>,
    /// Start time as typed.
    pub starts: String,
    /// End time as typed.
    pub ends: String,
    /// "in_person" or "online".
    pub format: String,
    /// Venue's name.
    pub venue_name: String,
    /// Venue's address.
    pub address: String,
    /// Venue's postcode.
    pub postcode: String,
    /// Online joining details.
    pub joining: String,
    /// Access features' stored forms.
    pub access: Vec<String>,
    /// Other access notes.
    pub access_notes: String,
    /// Places, as typed.
    pub capacity: String,
    /// First booking day (empty: from today).
    pub booking_opens: Option<NaiveDate>,
    /// Last booking day (empty: the day before the event).
    pub booking_closes: Option<NaiveDate>,
}

/// A problem with a form's field: the field's name and what to do.
pub type Problem = (&'static str, String);

/// The most places an event may have.
pub const MAX_CAPACITY: u32 = 5000;

impl EventForm {
    /// The event the form describes, or every problem with it, in the order of the form.
    /// `today` is the UK day: an event must be in the future. Where the postcode is, is
    /// added by the caller ([`Venue::InPerson`]'s latitude and longitude).
    pub fn parse(&self, today: NaiveDate) -> Result<Event, Vec<Problem>> {
        let mut problems: Vec<Problem> = Vec::new();
        let mut need = |ok: bool, field: &'static str, message: &str| {
            if !ok {
                problems.push((field, message.to_string()));
            }
        };
        let title = self.title.trim();
        need(!title.is_empty(), "title", "Enter the event's title");
        need(
            title.chars().count() <= 120,
            "title",
            "The title must be 120 characters or fewer",
        );
        let kind = EventKind::parse(&self.kind);
        need(kind.is_some(), "kind", "Select the kind of event");
        let audience = Audience::parse(&self.audience);
        need(
            audience.is_some(),
            "audience",
            "Select who the event is for",
        );
        let description = self.description.trim();
        need(
            !description.is_empty(),
            "description",
            "Enter what happens at the event",
        );
        need(
            description.chars().count() <= 4000,
            "description",
            "The description must be 4,000 characters or fewer",
        );
        match self.date {
            None => need(false, "date", "Enter the day of the event"),
            Some(d) => need(
                d > today,
                "date",
                "The event must be after today: an event in the past cannot be booked",
            ),
        }
        let starts = parse_clock(&self.starts);
        need(
            starts.is_some(),
            "starts",
            "Enter the start time, like 10am or 14:30",
        );
        let ends = parse_clock(&self.ends);
        need(
            ends.is_some(),
            "ends",
            "Enter the end time, like 1pm or 16:00",
        );
        if let (Some(s), Some(e)) = (starts, ends) {
            need(e > s, "ends", "The end time must be after the start time");
        }
        let venue = match self.format.as_str() {
            "online" => {
                let joining = self.joining.trim();
                need(
                    !joining.is_empty(),
                    "joining",
                    "Enter how people join the event online",
                );
                Some(Venue::Online {
                    joining: joining.into(),
                })
            }
            "in_person" => {
                let name = self.venue_name.trim();
                need(!name.is_empty(), "venue_name", "Enter the venue's name");
                let address = self.address.trim();
                need(!address.is_empty(), "address", "Enter the venue's address");
                let postcode = crate::identifiers::Postcode::parse(&self.postcode);
                need(
                    postcode.is_ok(),
                    "postcode",
                    "Enter the venue's full postcode, like NR1 2DH",
                );
                Some(Venue::InPerson {
                    name: name.into(),
                    address: address.into(),
                    postcode: postcode.map(|p| p.as_str().to_string()).unwrap_or_default(),
                    latitude: None,
                    longitude: None,
                })
            }
            _ => {
                need(
                    false,
                    "format",
                    "Select whether the event is in person or online",
                );
                None
            }
        };
        let mut access = Vec::new();
        for a in &self.access {
            match AccessFeature::parse(a) {
                Some(f) if !access.contains(&f) => access.push(f),
                Some(_) => {}
                None => need(false, "access", "Select access features from the list"),
            }
        }
        let access_notes = self.access_notes.trim();
        need(
            access_notes.chars().count() <= 1000,
            "access_notes",
            "Access notes must be 1,000 characters or fewer",
        );
        let capacity = self.capacity.trim().replace(',', "").parse::<u32>().ok();
        need(
            capacity.is_some_and(|c| (1..=MAX_CAPACITY).contains(&c)),
            "capacity",
            "Enter the number of places, a whole number from 1 to 5,000",
        );
        let opens = self.booking_opens.unwrap_or(today);
        let closes = self
            .booking_closes
            .or_else(|| self.date.and_then(|d| d.pred_opt()))
            .unwrap_or(today);
        if let Some(d) = self.date {
            need(
                closes <= d,
                "booking_closes",
                "Booking must close on or before the day of the event",
            );
        }
        need(
            opens <= closes,
            "booking_opens",
            "Booking must open on or before the day it closes",
        );
        let (Some(kind), Some(audience), Some(date), Some(starts), Some(ends), Some(venue)) =
            (kind, audience, self.date, starts, ends, venue)
        else {
            return Err(problems);
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Event {
            title: title.into(),
            kind,
            audience,
            description: description.into(),
            starts_at: uk_to_utc(date.and_time(starts)),
            ends_at: uk_to_utc(date.and_time(ends)),
            venue,
            access,
            access_notes: access_notes.into(),
            capacity: capacity.unwrap_or(1),
            booking_opens: opens,
            booking_closes: closes,
        })
    }

    /// The form for an event, to change it.
    pub fn of(event: &Event) -> EventForm {
        let start = uk_local_time(event.starts_at);
        let end = uk_local_time(event.ends_at);
        let (format, venue_name, address, postcode, joining) = match &event.venue {
            Venue::InPerson {
                name,
                address,
                postcode,
                ..
            } => (
                "in_person",
                name.clone(),
                address.clone(),
                postcode.clone(),
                String::new(),
            ),
            Venue::Online { joining } => (
                "online",
                String::new(),
                String::new(),
                String::new(),
                joining.clone(),
            ),
        };
        EventForm {
            title: event.title.clone(),
            kind: event.kind.as_str().into(),
            audience: event.audience.as_str().into(),
            description: event.description.clone(),
            date: Some(start.date()),
            starts: start.format("%H:%M").to_string(),
            ends: end.format("%H:%M").to_string(),
            format: format.into(),
            venue_name,
            address,
            postcode,
            joining,
            access: event.access.iter().map(|a| a.as_str().into()).collect(),
            access_notes: event.access_notes.clone(),
            capacity: event.capacity.to_string(),
            booking_opens: Some(event.booking_opens),
            booking_closes: Some(event.booking_closes),
        }
    }
}

#[cfg(test)]
mod tests;
