//! Booking a place: who is coming, the checks on the booking form, a booking's states, and
//! who gets a place or moves up from the waiting list.

use super::Problem;
use serde::{Deserialize, Serialize};

/// Who is coming to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendee {
    /// A parent or carer.
    ParentCarer,
    /// A young person.
    YoungPerson,
    /// A professional.
    Professional,
    /// Someone else.
    Other,
}

impl Attendee {
    /// Every kind, in the order the booking form lists them.
    pub const ALL: [Attendee; 4] = [
        Attendee::ParentCarer,
        Attendee::YoungPerson,
        Attendee::Professional,
        Attendee::Other,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Attendee::ParentCarer => "parent_carer",
            Attendee::YoungPerson => "young_person",
            Attendee::Professional => "professional",
            Attendee::Other => "other",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Attendee::ParentCarer => "Parent or carer",
            Attendee::YoungPerson => "Young person",
            Attendee::Professional => "Professional",
            Attendee::Other => "Someone else",
        }
    }

    /// The attendee whose stored form is `text`.
    pub fn parse(text: &str) -> Option<Attendee> {
        Attendee::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// A booking as typed into the event's form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookingForm {
    /// The name of the person coming.
    pub name: String,
    /// Where the confirmation goes.
    pub email: String,
    /// A phone number (optional).
    pub phone: String,
    /// Who is coming (stored form of [`Attendee`]).
    pub attendee: String,
    /// What they need to take part (optional).
    pub access_needs: String,
}

/// A booking's details, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingDetails {
    /// The name of the person coming.
    pub name: String,
    /// Where emails go.
    pub email: String,
    /// A phone number, or empty.
    pub phone: String,
    /// Who is coming.
    pub attendee: Attendee,
    /// What they need to take part, or empty.
    pub access_needs: String,
}

/// Whether `text` looks like an email address (one `@`, no spaces, at most 254 characters).
pub fn is_email(text: &str) -> bool {
    let t = text.trim();
    matches!(t.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.contains('@'))
        && !t.contains(char::is_whitespace)
        && t.len() <= 254
}

impl BookingForm {
    /// The booking the form describes, or every problem with it, in the order of the form.
    pub fn parse(&self) -> Result<BookingDetails, Vec<Problem>> {
        let mut problems: Vec<Problem> = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.push(("name", "Enter the name of the person coming".into()));
        } else if name.chars().count() > 100 {
            problems.push(("name", "The name must be 100 characters or fewer".into()));
        }
        let email = self.email.trim();
        if email.is_empty() {
            problems.push((
                "email",
                "Enter an email address, so we can confirm your place".into(),
            ));
        } else if !is_email(email) {
            problems.push((
                "email",
                "Enter an email address in the correct format, like name@example.com".into(),
            ));
        }
        let phone = self.phone.trim();
        if !phone.is_empty()
            && (phone.chars().filter(char::is_ascii_digit).count() < 10
                || phone.len() > 20
                || !phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +()-".contains(c)))
        {
            problems.push((
                "phone",
                "Enter a phone number, like 01603 222222 or 07700 900 982".into(),
            ));
        }
        let attendee = Attendee::parse(&self.attendee);
        if attendee.is_none() {
            problems.push(("attendee", "Select who is coming".into()));
        }
        let access_needs = self.access_needs.trim();
        if access_needs.chars().count() > 1000 {
            problems.push((
                "access_needs",
                "What you need must be 1,000 characters or fewer".into(),
            ));
        }
        match attendee {
            Some(attendee) if problems.is_empty() => Ok(BookingDetails {
                name: name.into(),
                email: email.into(),
                phone: phone.into(),
                attendee,
                access_needs: access_needs.into(),
            }),
            _ => Err(problems),
        }
    }
}

/// A booking's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Has a place.
    Confirmed,
    /// On the waiting list.
    Waiting,
    /// Cancelled by the person, or with the event.
    Cancelled,
}

impl BookingStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::Waiting => "waiting",
            BookingStatus::Cancelled => "cancelled",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            BookingStatus::Confirmed => "Place booked",
            BookingStatus::Waiting => "On the waiting list",
            BookingStatus::Cancelled => "Cancelled",
        }
    }

    /// The status whose stored form is `text`.
    pub fn parse(text: &str) -> Option<BookingStatus> {
        [
            BookingStatus::Confirmed,
            BookingStatus::Waiting,
            BookingStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// A new booking's state: a place while `confirmed` is below `capacity`, otherwise the
/// waiting list. The caller counts inside the transaction that adds the booking, so two
/// people asking for the last place at once cannot both get it.
pub fn place_for(confirmed: u32, capacity: u32) -> BookingStatus {
    if confirmed < capacity {
        BookingStatus::Confirmed
    } else {
        BookingStatus::Waiting
    }
}

/// Who moves up from the waiting list: the first `capacity - confirmed` of `waiting` (which
/// is in the order people joined it).
pub fn promote<T: Clone>(waiting: &[T], confirmed: u32, capacity: u32) -> Vec<T> {
    let free = capacity.saturating_sub(confirmed) as usize;
    waiting.iter().take(free).cloned().collect()
}
