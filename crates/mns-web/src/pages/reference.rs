//! Reference data and assurance pages for council staff: schools, term dates, the audit check.

use super::{Chrome, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::show_again;
use askama::Template;
use axum::extract::{Query, State};
use mns_app::AppError;
use mns_domain::permissions::Capability;
use serde::Deserialize;

fn staff_only(user: &SignedIn) -> Result<(), AppError> {
    user.actor.require(Capability::ReadReferenceData)
}

/// A school as the list shows it.
pub struct SchoolLine {
    urn: String,
    name: String,
    kind: String,
    town: String,
}

#[derive(Template)]
#[template(path = "schools.html")]
struct SchoolsPage {
    chrome: Chrome,
    search: String,
    schools: Vec<SchoolLine>,
}

/// The school search.
#[derive(Deserialize)]
pub struct SchoolSearch {
    #[serde(default)]
    search: String,
}

/// `GET /schools?search=`.
pub async fn schools(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<SchoolSearch>,
) -> PageResult {
    staff_only(&user)?;
    let schools = state.app.search_schools(&q.search).await?;
    Ok(render(&SchoolsPage {
        chrome: Chrome::signed_in(&state, &user, "/schools"),
        search: q.search,
        schools: schools
            .into_iter()
            .map(|s| SchoolLine {
                urn: s.urn,
                name: s.name,
                kind: s.type_of_establishment.unwrap_or_default(),
                town: s.town.unwrap_or_default(),
            })
            .collect(),
    }))
}

/// A term as the calendar page shows it.
pub struct TermLine {
    name: String,
    start: String,
    half_term: String,
    end: String,
}

/// A calendar as the page shows it.
pub struct CalendarView {
    name: String,
    provisional: bool,
    terms: Vec<TermLine>,
}

#[derive(Template)]
#[template(path = "calendars.html")]
struct CalendarsPage {
    chrome: Chrome,
    form: super::FormState,
    errors: Vec<mns_app::FieldError>,
    may_edit: bool,
    saved: bool,
    calendars: Vec<CalendarView>,
    bank_holidays: Vec<String>,
}

const DAY: &str = "%a %-d %b %Y";

/// `GET /calendars`.
pub async fn calendars(State(state): State<AppState>, user: SignedIn) -> PageResult {
    calendars_page(&state, &user, Vec::new(), false).await
}

async fn calendars_page(
    state: &AppState,
    user: &SignedIn,
    errors: Vec<mns_app::FieldError>,
    saved: bool,
) -> PageResult {
    staff_only(user)?;
    let calendars = state.app.list_calendars().await?;
    let school = state.app.school_calendar().await?;
    let form = super::FormState::with(errors.clone());
    Ok(render(&CalendarsPage {
        chrome: Chrome::signed_in(state, user, "/calendars").with_errors(&form),
        form,
        errors,
        may_edit: user.actor.may(Capability::ChangeReferenceData),
        saved,
        calendars: calendars
            .into_iter()
            .map(|c| CalendarView {
                name: c.calendar.name().to_string(),
                provisional: c.calendar.is_provisional(),
                terms: c
                    .calendar
                    .terms()
                    .iter()
                    .map(|t| TermLine {
                        name: t.name.clone(),
                        start: t.start.format(DAY).to_string(),
                        half_term: match (t.half_term_start, t.half_term_end) {
                            (Some(a), Some(b)) => format!("{} to {}", a.format(DAY), b.format(DAY)),
                            _ => "None".into(),
                        },
                        end: t.end.format(DAY).to_string(),
                    })
                    .collect(),
            })
            .collect(),
        bank_holidays: school
            .map(|s| {
                s.bank_holidays()
                    .iter()
                    .map(|d| d.format(DAY).to_string())
                    .collect()
            })
            .unwrap_or_default(),
    }))
}

/// `POST /calendars`: the coordinator uploads a term calendar as JSON (the same file
/// `mns import calendar` reads); a calendar with the same name is replaced.
pub async fn upload_calendar(
    State(state): State<AppState>,
    user: SignedIn,
    request: axum::extract::Request,
) -> PageResult {
    user.actor.require(Capability::ChangeReferenceData)?;
    let result = async {
        let (name, bytes) = super::documents::uploaded_file(
            &state,
            request,
            "calendar",
            "Choose the term dates file to upload",
        )
        .await?;
        let calendar: mns_domain::calendar::TermCalendar =
            serde_json::from_slice(&bytes).map_err(|e| {
                AppError::invalid("calendar", format!("{name} is not a term calendar: {e}"))
            })?;
        state
            .app
            .save_calendars(
                &user.actor,
                std::slice::from_ref(&calendar),
                &Default::default(),
            )
            .await
    }
    .await;
    match result {
        Ok(()) => calendars_page(&state, &user, Vec::new(), true).await,
        Err(e) => show_again(e, |errors| calendars_page(&state, &user, errors, false)).await,
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: i64,
    problem: Option<String>,
}

/// `GET /audit`: verifies the whole chain (coordinator and auditor).
pub async fn audit(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let report = state.app.check_audit_trail(&user.actor).await?;
    Ok(render(&AuditPage {
        chrome: Chrome::signed_in(&state, &user, "/audit"),
        entries: report.entries,
        problem: report.problem.map(|p| p.to_string()),
    }))
}
