//! iCalendar (RFC 5545) for events: the feed of upcoming events and a booking's own `.ics`.
//! Times are written in UTC (`…Z`), so no time-zone definition is needed; text is escaped
//! (backslash, semicolon, comma, new lines) and lines are folded at 75 octets.

use super::{Event, Venue};
use chrono::{DateTime, Utc};

/// One event in a calendar.
pub struct CalendarEvent<'a> {
    /// A stable id, unique across the council's calendars (the event's id and the host).
    pub uid: String,
    /// The event.
    pub event: &'a Event,
    /// Its page.
    pub url: String,
    /// When the calendar was written.
    pub stamp: DateTime<Utc>,
    /// Whether it was cancelled (written with `STATUS:CANCELLED`, so calendars remove it).
    pub cancelled: bool,
    /// Extra lines for the description (for a booking: how to join, how to cancel).
    pub note: String,
}

fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes text for a TEXT value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (continuation lines start with a space), never inside a
/// character, and ends it with CRLF.
pub fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// A calendar holding `events`, named `name`.
pub fn calendar(name: &str, events: &[CalendarEvent<'_>]) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//mns//SEND Local Offer events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        fold(line, &mut out);
    }
    fold(&format!("X-WR-CALNAME:{}", escape(name)), &mut out);
    for e in events {
        let ev = e.event;
        let mut description = ev.description.clone();
        if !e.note.is_empty() {
            description.push_str("\n\n");
            description.push_str(&e.note);
        }
        description.push_str(&format!("\n\n{}", e.url));
        let mut lines = vec![
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", e.uid),
            format!("DTSTAMP:{}", instant(e.stamp)),
            format!("DTSTART:{}", instant(ev.starts_at)),
            format!("DTEND:{}", instant(ev.ends_at)),
            format!("SUMMARY:{}", escape(&ev.title)),
            format!("DESCRIPTION:{}", escape(&description)),
            format!("LOCATION:{}", escape(&ev.place())),
            format!("URL:{}", e.url),
            format!(
                "STATUS:{}",
                if e.cancelled {
                    "CANCELLED"
                } else {
                    "CONFIRMED"
                }
            ),
        ];
        if let Venue::InPerson {
            latitude: Some(lat),
            longitude: Some(lon),
            ..
        } = ev.venue
        {
            lines.push(format!("GEO:{lat:.6};{lon:.6}"));
        }
        lines.push("END:VEVENT".into());
        for line in lines {
            fold(&line, &mut out);
        }
    }
    fold("END:VCALENDAR", &mut out);
    out
}
