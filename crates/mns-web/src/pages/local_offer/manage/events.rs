//! The Local Offer officer's events (issue 19): the list, publishing and changing an event,
//! who booked (with attendance to mark, and a download), and cancelling it.

use super::chrome;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again, with_status_422};
use crate::pages::local_offer::{EventSummary, access_choices, summary};
use crate::pages::reports::download;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::reports::ExportFormat;
use mns_app::{AppError, FieldError};
use mns_domain::calendar::format_uk_datetime;
use mns_domain::events::{Audience, BookingStatus, EventForm, EventKind};

/// A line of the organiser's list.
pub struct EventLine {
    summary: EventSummary,
    booked: String,
    waiting: u32,
    past: bool,
}

#[derive(Template)]
#[template(path = "local_offer_manage_events.html")]
struct EventsPage {
    chrome: Chrome,
    upcoming: Vec<EventLine>,
    past: Vec<EventLine>,
    done: &'static str,
}

/// `GET /local-offer/manage/events`: every event, to come and past.
pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let records = state.app.organiser_events(&user.actor).await?;
    let now = state.app.now();
    let done = match Fields::from_query(raw.as_deref()).text("done") {
        "cancelled" => "The event is cancelled and everyone who booked has been told",
        _ => "",
    };
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for r in &records {
        let line = EventLine {
            booked: format!("{} of {}", r.confirmed, r.event.capacity),
            waiting: r.waiting,
            past: r.event.ends_at <= now,
            summary: summary(r, None, now),
        };
        if line.past {
            past.push(line);
        } else {
            upcoming.push(line);
        }
    }
    past.reverse();
    Ok(render(&EventsPage {
        chrome: chrome(&state, &user, "/local-offer/manage/events"),
        upcoming,
        past,
        done,
    }))
}

#[derive(Template)]
#[template(path = "local_offer_event_form.html")]
struct FormPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    action: String,
    heading: &'static str,
    kinds: Vec<(&'static str, &'static str)>,
    audiences: Vec<(&'static str, &'static str)>,
    formats: Vec<(&'static str, &'static str)>,
    access: Vec<(&'static str, &'static str)>,
}

fn form_page(
    state: &AppState,
    user: &SignedIn,
    id: Option<&str>,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let form = FormState::with(errors);
    let (action, heading) = match id {
        Some(id) => (
            format!("/local-offer/manage/events/{id}/edit"),
            "Change the event",
        ),
        None => ("/local-offer/manage/events/new".to_string(), "Add an event"),
    };
    Ok(render(&FormPage {
        chrome: chrome(state, user, "/local-offer/manage/events").with_errors(&form),
        form,
        values,
        action,
        heading,
        kinds: EventKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        audiences: Audience::ALL
            .iter()
            .map(|a| (a.as_str(), a.label()))
            .collect(),
        formats: vec![("in_person", "In person"), ("online", "Online")],
        access: access_choices(),
    }))
}

/// The form's fields read into an event form; a date that is not real is a problem.
fn read_form(values: &Fields, errors: &mut Vec<FieldError>) -> EventForm {
    EventForm {
        title: values.text("title").into(),
        kind: values.text("kind").into(),
        audience: values.text("audience").into(),
        description: values.text("description").into(),
        date: values.date("date", "The day of the event", errors),
        starts: values.text("starts").into(),
        ends: values.text("ends").into(),
        format: values.text("format").into(),
        venue_name: values.text("venue_name").into(),
        address: values.text("address").into(),
        postcode: values.text("postcode").into(),
        joining: values.text("joining").into(),
        access: values.all("access").into_iter().map(String::from).collect(),
        access_notes: values.text("access_notes").into(),
        capacity: values.text("capacity").into(),
        booking_opens: values.date("booking_opens", "The first day of booking", errors),
        booking_closes: values.date("booking_closes", "The last day of booking", errors),
    }
}

/// `GET /local-offer/manage/events/new`: the form for a new event.
pub async fn new_event(State(state): State<AppState>, user: SignedIn) -> PageResult {
    user.actor
        .require(mns_domain::permissions::Capability::ManageEvents)?;
    let mut values = Fields::default();
    values.put("format", "in_person");
    form_page(&state, &user, None, values, Vec::new())
}

/// `POST /local-offer/manage/events/new`: publishes it; every problem is shown with what was
/// typed.
pub async fn publish(State(state): State<AppState>, user: SignedIn, values: Fields) -> PageResult {
    let mut errors = Vec::new();
    let form = read_form(&values, &mut errors);
    let result =
        crate::form::with_own_problems(state.app.publish_event(&user.actor, &form).await, errors);
    redirect_or_show_again(
        result,
        |id| format!("/local-offer/manage/events/{id}?done=published"),
        |errors| async { form_page(&state, &user, None, values.clone(), errors) },
    )
    .await
}

/// `GET /local-offer/manage/events/{id}/edit`: the event's form, filled in.
pub async fn edit(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let record = state.app.event_for_organiser(&user.actor, &id).await?;
    let f = EventForm::of(&record.event);
    let mut values = Fields::default();
    for (name, value) in [
        ("title", &f.title),
        ("kind", &f.kind),
        ("audience", &f.audience),
        ("description", &f.description),
        ("starts", &f.starts),
        ("ends", &f.ends),
        ("format", &f.format),
        ("venue_name", &f.venue_name),
        ("address", &f.address),
        ("postcode", &f.postcode),
        ("joining", &f.joining),
        ("access_notes", &f.access_notes),
        ("capacity", &f.capacity),
    ] {
        values.put(name, value.as_str());
    }
    for a in &f.access {
        values.put("access", a.as_str());
    }
    values.put_date("date", f.date);
    values.put_date("booking_opens", f.booking_opens);
    values.put_date("booking_closes", f.booking_closes);
    form_page(&state, &user, Some(&id), values, Vec::new())
}

/// `POST /local-offer/manage/events/{id}/edit`: saves the change; people booked are told when
/// the time or place changes.
pub async fn save(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let mut errors = Vec::new();
    let form = read_form(&values, &mut errors);
    let result = state
        .app
        .change_event(&user.actor, &id, &form)
        .await
        .map(|()| id.clone());
    let result = crate::form::with_own_problems(result, errors);
    redirect_or_show_again(
        result,
        |id| format!("/local-offer/manage/events/{id}?done=changed"),
        |errors| async { form_page(&state, &user, Some(&id), values.clone(), errors) },
    )
    .await
}

/// A line of the attendance list.
pub struct BookingLine {
    id: String,
    name: String,
    email: String,
    phone: String,
    attendee: &'static str,
    access_needs: String,
    booked: String,
    attended: &'static str,
}

#[derive(Template)]
#[template(path = "local_offer_event_attendance.html")]
struct AttendancePage {
    chrome: Chrome,
    form: FormState,
    event: EventSummary,
    capacity: u32,
    confirmed: Vec<BookingLine>,
    waiting: Vec<BookingLine>,
    cancelled: usize,
    attended: u32,
    started: bool,
    may_change: bool,
    done: &'static str,
}

async fn attendance_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    done: &'static str,
    errors: Vec<FieldError>,
) -> PageResult {
    let (record, bookings) = state.app.event_attendance(&user.actor, id).await?;
    let now = state.app.now();
    let line = |b: &mns_app::records::BookingRecord| BookingLine {
        id: b.id.clone(),
        name: b.details.name.clone(),
        email: b.details.email.clone(),
        phone: b.details.phone.clone(),
        attendee: b.details.attendee.label(),
        access_needs: b.details.access_needs.clone(),
        booked: format_uk_datetime(b.created_at),
        attended: match b.attended {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        },
    };
    let form = FormState::with(errors);
    Ok(render(&AttendancePage {
        chrome: chrome(state, user, "/local-offer/manage/events").with_errors(&form),
        form,
        capacity: record.event.capacity,
        confirmed: bookings
            .iter()
            .filter(|b| b.status == BookingStatus::Confirmed)
            .map(line)
            .collect(),
        waiting: bookings
            .iter()
            .filter(|b| b.status == BookingStatus::Waiting)
            .map(line)
            .collect(),
        cancelled: bookings
            .iter()
            .filter(|b| b.status == BookingStatus::Cancelled)
            .count(),
        attended: record.attended,
        started: record.event.starts_at <= now,
        may_change: record.cancelled.is_none() && record.event.starts_at > now,
        done,
        event: summary(&record, None, now),
    }))
}

/// `GET /local-offer/manage/events/{id}`: who booked, who waits, and who came.
pub async fn attendance(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let done = match Fields::from_query(raw.as_deref()).text("done") {
        "published" => "The event is published on the Local Offer",
        "changed" => "The event is changed",
        "marked" => "Attendance is saved",
        _ => "",
    };
    attendance_page(&state, &user, &id, done, Vec::new()).await
}

/// `POST /local-offer/manage/events/{id}/attendance`: saves who came (`came-{booking}` is
/// "yes", "no" or empty).
pub async fn mark(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let marks: Vec<(String, String)> = values
        .pairs()
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("came-").map(|b| (b.to_string(), v.clone())))
        .collect();
    match state.app.mark_attendance(&user.actor, &id, &marks).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/local-offer/manage/events/{id}?done=marked")).into_response(),
        ),
        Err(AppError::Invalid(errors)) => Ok(with_status_422(
            attendance_page(&state, &user, &id, "", errors).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

async fn export(state: &AppState, user: &SignedIn, id: &str, format: ExportFormat) -> PageResult {
    let (name, bytes) = state.app.attendance_export(&user.actor, id, format).await?;
    Ok(download(format, &name, bytes))
}

/// `GET /local-offer/manage/events/{id}/attendance.csv`: the list as CSV.
pub async fn attendance_csv(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    export(&state, &user, &id, ExportFormat::Csv).await
}

/// `GET /local-offer/manage/events/{id}/attendance.ods`: the list as a spreadsheet.
pub async fn attendance_ods(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    export(&state, &user, &id, ExportFormat::Ods).await
}

#[derive(Template)]
#[template(path = "local_offer_event_cancel.html")]
struct CancelPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    event: EventSummary,
    told: u32,
}

async fn cancel_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let record = state.app.event_for_organiser(&user.actor, id).await?;
    let form = FormState::with(errors);
    Ok(render(&CancelPage {
        chrome: chrome(state, user, "/local-offer/manage/events").with_errors(&form),
        form,
        values,
        told: record.confirmed + record.waiting,
        event: summary(&record, None, state.app.now()),
    }))
}

/// `GET /local-offer/manage/events/{id}/cancel`: what cancelling does, and the reason.
pub async fn cancel_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    cancel_page(&state, &user, &id, Fields::default(), Vec::new()).await
}

/// `POST /local-offer/manage/events/{id}/cancel`: cancels it and tells everyone booked.
pub async fn cancel(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let result = state
        .app
        .cancel_event(&user.actor, &id, values.text("reason"))
        .await;
    redirect_or_show_again(
        result,
        |()| "/local-offer/manage/events?done=cancelled".into(),
        |errors| cancel_page(&state, &user, &id, values.clone(), errors),
    )
    .await
}
