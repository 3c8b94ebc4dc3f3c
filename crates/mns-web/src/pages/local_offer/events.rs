//! Events on the public Local Offer (issue 19): the list with its filters, an event's page
//! with the booking form, a booking seen through its link (with the cancel button), and the
//! iCalendar feed and a booking's own `.ics`. No sign-in: the booking link is the key.

use super::{form_token, with_cookie};
use crate::AppState;
use crate::auth::{Authenticated, Source};
use crate::form::{Fields, with_status_422};
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mns_app::events::{BookingView, CancelOutcome, EventFilter};
use mns_app::records::EventRecord;
use mns_app::{AppError, FieldError};
use mns_domain::calendar::format_uk_datetime;
use mns_domain::events::{
    AccessFeature, Attendee, Audience, BookingForm, BookingStatus, BookingWindow, EventKind, Venue,
};

/// An event as a list or page shows it.
pub struct EventSummary {
    /// Its id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind's label.
    pub kind: &'static str,
    /// Audience's label.
    pub audience: &'static str,
    /// "Saturday 16 January 2027, 10am to 1pm".
    pub when: String,
    /// "Online" or the venue.
    pub place: String,
    /// How far, when a postcode was given.
    pub distance: String,
    /// Places left, the waiting list, or why booking is not open.
    pub availability: String,
    /// Whether it is cancelled (with the reason).
    pub cancelled: Option<String>,
}

fn availability(r: &EventRecord, now: chrono::DateTime<chrono::Utc>) -> String {
    if r.cancelled.is_some() {
        return "Cancelled".into();
    }
    match r.event.booking_window(now) {
        BookingWindow::Past => "This event has happened".into(),
        BookingWindow::Closed => "Booking has closed".into(),
        BookingWindow::NotYetOpen(day) => format!("Booking opens on {}", day.format("%-d %B %Y")),
        BookingWindow::Open => match r.event.capacity.saturating_sub(r.confirmed) {
            0 => "Fully booked: you can join the waiting list".into(),
            1 => "1 place left".into(),
            n => format!("{n} places left"),
        },
    }
}

/// Text split into paragraphs at blank lines (single line breaks kept as spaces).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The summary of an event.
pub fn summary(
    r: &EventRecord,
    distance: Option<f64>,
    now: chrono::DateTime<chrono::Utc>,
) -> EventSummary {
    EventSummary {
        id: r.id.clone(),
        title: r.event.title.clone(),
        kind: r.event.kind.label(),
        audience: r.event.audience.label(),
        when: r.event.when(),
        place: r.event.place(),
        distance: distance
            .map(|m| format!("{:.1} miles away", m / 1609.344))
            .unwrap_or_default(),
        availability: availability(r, now),
        cancelled: r.cancelled.clone(),
    }
}

#[derive(Template)]
#[template(path = "local_offer_events.html")]
struct EventsPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    events: Vec<EventSummary>,
    kinds: Vec<(&'static str, &'static str)>,
    audiences: Vec<(&'static str, &'static str)>,
    origin: String,
    filtered: bool,
}

/// `GET /local-offer/events`: events to come, by kind, audience, place or online.
pub async fn events(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let values = Fields::from_query(raw.as_deref());
    let postcode = values.trimmed("postcode");
    let filter = EventFilter {
        kind: EventKind::parse(values.text("kind")),
        audience: Audience::parse(values.text("audience")),
        postcode: (!postcode.is_empty()).then_some(postcode),
        online_only: values.has("online", "yes"),
    };
    let now = state.app.now();
    let (found, errors, origin) = match state.app.upcoming_events(&filter).await {
        Ok((list, origin)) => (list, Vec::new(), origin.unwrap_or_default()),
        Err(AppError::Invalid(errors)) => (Vec::new(), errors, String::new()),
        Err(e) => return Err(e.into()),
    };
    let form = FormState::with(errors);
    let page = render(&EventsPage {
        chrome: Chrome::local_offer(&state, auth.as_ref(), "/local-offer/events")
            .with_errors(&form),
        events: found.iter().map(|(r, d)| summary(r, *d, now)).collect(),
        kinds: EventKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        audiences: Audience::ALL
            .iter()
            .filter(|a| **a != Audience::Everyone)
            .map(|a| (a.as_str(), a.label()))
            .collect(),
        origin,
        filtered: filter.kind.is_some()
            || filter.audience.is_some()
            || filter.postcode.is_some()
            || filter.online_only,
        form,
        values,
    });
    Ok(page)
}

#[derive(Template)]
#[template(path = "local_offer_event.html")]
struct EventPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    csrf_token: String,
    event: EventSummary,
    description: Vec<String>,
    access: Vec<&'static str>,
    access_notes: String,
    online: bool,
    open: bool,
    full: bool,
    attendees: Vec<(&'static str, &'static str)>,
}

async fn event_page(
    state: &AppState,
    auth: Option<&Authenticated>,
    headers: &HeaderMap,
    id: &str,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let record = state.app.public_event(id).await?;
    let now = state.app.now();
    let (csrf_token, cookie) = form_token(state, auth, headers);
    let form = FormState::with(errors);
    let open =
        record.cancelled.is_none() && record.event.booking_window(now) == BookingWindow::Open;
    let page = render(&EventPage {
        chrome: Chrome::local_offer(state, auth, "/local-offer/events").with_errors(&form),
        form,
        values,
        csrf_token,
        description: paragraphs(&record.event.description),
        access: record.event.access.iter().map(|a| a.label()).collect(),
        access_notes: record.event.access_notes.clone(),
        online: record.event.is_online(),
        open,
        full: record.confirmed >= record.event.capacity,
        attendees: Attendee::ALL
            .iter()
            .map(|a| (a.as_str(), a.label()))
            .collect(),
        event: summary(&record, None, now),
    });
    Ok(with_cookie(page, cookie))
}

/// `GET /local-offer/events/{id}`: the event, and the form to book a place.
pub async fn event(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    event_page(
        &state,
        auth.as_ref(),
        &headers,
        &id,
        Fields::default(),
        Vec::new(),
    )
    .await
}

/// `POST /local-offer/events/{id}/book`: books a place, or a place on the waiting list, and
/// shows the booking; every problem is shown with what was typed.
pub async fn book(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    Source(source): Source,
    headers: HeaderMap,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let form = BookingForm {
        name: values.text("name").into(),
        email: values.text("email").into(),
        phone: values.text("phone").into(),
        attendee: values.text("attendee").into(),
        access_needs: values.text("access_needs").into(),
    };
    match state.app.book_event(&id, &form, &source).await {
        Ok((token, _)) => Ok(Redirect::to(&format!(
            "/local-offer/events/bookings/{token}?booked=yes"
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => Ok(with_status_422(
            event_page(&state, auth.as_ref(), &headers, &id, values, errors).await?,
        )),
        Err(AppError::Throttled) => {
            let mut page = event_page(
                &state,
                auth.as_ref(),
                &headers,
                &id,
                values,
                vec![FieldError::new(
                    "name",
                    "Too many bookings have been made from here in the last hour. Try again later, or phone the Local Offer team",
                )],
            )
            .await?;
            *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "local_offer_booking.html")]
struct BookingPage {
    chrome: Chrome,
    form: FormState,
    csrf_token: String,
    token: String,
    event: EventSummary,
    status: BookingStatus,
    status_label: &'static str,
    queue_position: usize,
    joining: String,
    cancelled_at: String,
    notice: &'static str,
    may_cancel: bool,
}

async fn booking_page(
    state: &AppState,
    auth: Option<&Authenticated>,
    headers: &HeaderMap,
    token: &str,
    notice: &'static str,
    errors: Vec<FieldError>,
) -> PageResult {
    let BookingView {
        booking,
        event,
        queue_position,
    } = state.app.booking(token).await?;
    let now = state.app.now();
    let (csrf_token, cookie) = form_token(state, auth, headers);
    let form = FormState::with(errors);
    let joining = match &event.event.venue {
        Venue::Online { joining } if booking.status == BookingStatus::Confirmed => joining.clone(),
        _ => String::new(),
    };
    let page = render(&BookingPage {
        chrome: Chrome::local_offer(state, auth, "/local-offer/events").with_errors(&form),
        form,
        csrf_token,
        token: token.into(),
        status: booking.status,
        status_label: booking.status.label(),
        queue_position: queue_position.unwrap_or_default(),
        joining,
        cancelled_at: booking
            .cancelled_at
            .map(format_uk_datetime)
            .unwrap_or_default(),
        notice,
        may_cancel: booking.status != BookingStatus::Cancelled && event.event.starts_at > now,
        event: summary(&event, None, now),
    });
    Ok(with_cookie(page, cookie))
}

/// `GET /local-offer/events/bookings/{token}`: the booking its link names.
pub async fn booking(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let q = Fields::from_query(raw.as_deref());
    let notice = match q.text("booked") {
        "yes" => "booked",
        _ => match q.text("cancelled") {
            "yes" => "cancelled",
            "already" => "already",
            _ => "",
        },
    };
    booking_page(&state, auth.as_ref(), &headers, &token, notice, Vec::new()).await
}

/// `POST /local-offer/events/bookings/{token}/cancel`: cancels it; a link used again says
/// when it was cancelled and changes nothing.
pub async fn cancel_booking(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    match state.app.cancel_booking(&token).await {
        Ok(CancelOutcome::Cancelled) => Ok(Redirect::to(&format!(
            "/local-offer/events/bookings/{token}?cancelled=yes"
        ))
        .into_response()),
        Ok(CancelOutcome::AlreadyCancelled(_)) => Ok(Redirect::to(&format!(
            "/local-offer/events/bookings/{token}?cancelled=already"
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => Ok(with_status_422(
            booking_page(&state, auth.as_ref(), &headers, &token, "", errors).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

fn ics(body: String, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.ics\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /local-offer/events.ics`: the iCalendar feed of events to come.
pub async fn events_calendar(State(state): State<AppState>) -> PageResult {
    Ok(ics(state.app.events_calendar().await?, "send-events"))
}

/// `GET /local-offer/events/bookings/{token}/event.ics`: the booking's event, for a calendar.
pub async fn booking_calendar(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> PageResult {
    Ok(ics(state.app.booking_calendar(&token).await?, "event"))
}

/// The access features' choices, for the organiser's form.
pub fn access_choices() -> Vec<(&'static str, &'static str)> {
    AccessFeature::ALL
        .iter()
        .map(|a| (a.as_str(), a.label()))
        .collect()
}
