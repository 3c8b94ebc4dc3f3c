//! Cases after acceptance: the list, the coordinator's dashboard, a case's page (its timeline
//! and what the reader may do next), Part A and Part B of the Planning and Review Record, the
//! continuation request, and the PDFs. Every page calls one application operation, which
//! checks who may do what.

use super::{Chrome, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::Fields;
use askama::Template;
use axum::extract::{RawQuery, State};
use chrono::NaiveDate;
use mns_app::cases::Dashboard;
use mns_app::records::{CaseCursor, CaseLine, CasePage};

/// Cases on a page of the list.
const CASES_A_PAGE: i64 = 50;
use mns_domain::permissions::Capability;
use mns_domain::provision::CaseState;

mod actions;
mod case;
mod confirm;
mod continuation;
mod forms;
mod measures;
mod plan;
mod review;
mod summary;

pub use actions::*;
pub use case::*;
pub use confirm::*;
pub use continuation::*;
pub use forms::{CaseForm, form_page};
pub use plan::*;
pub use review::*;

fn short(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// The case for the page of one step (the view is audited), or, when the case as it stands
/// does not let its reader take `action` now, a redirect back to the case, which offers what
/// is open. `NotFound` for a reader whose role may never take it, or outside their scope.
async fn open_step(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    action: mns_domain::provision::CaseAction,
) -> Result<Result<mns_app::cases::CaseView, axum::response::Response>, crate::errors::PageError> {
    use axum::response::{IntoResponse, Redirect};
    let view = state.app.view_case_for(&user.actor, id, action).await?;
    Ok(if view.may(action) {
        Ok(view)
    } else {
        Err(Redirect::to(&format!("/cases/{id}")).into_response())
    })
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn tag(state: CaseState) -> &'static str {
    match state {
        CaseState::Accepted => "govuk-tag--blue",
        CaseState::Planning => "govuk-tag--light-blue",
        CaseState::InProvision => "govuk-tag--green",
        CaseState::Review => "govuk-tag--turquoise",
        CaseState::ContinuationRequested => "govuk-tag--yellow",
        CaseState::Continued => "govuk-tag--green",
        CaseState::Ended => "govuk-tag--grey",
    }
}

/// A case in a list.
pub struct CaseRow {
    id: String,
    pupil: String,
    school: String,
    state: &'static str,
    tag: &'static str,
    period_end: String,
}

fn case_row(line: &CaseLine) -> CaseRow {
    let state = line.case.state;
    CaseRow {
        id: line.case.id.clone(),
        pupil: line.pupil_name.clone(),
        school: line.school_name.clone(),
        state: state.label(),
        tag: tag(state),
        period_end: line.case.period_end.map(short).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<CaseRow>,
    council: bool,
    /// Only the cases assigned to the reader (`?assigned=me`).
    assigned_to_me: bool,
    /// Ended cases (`?state=ended`) rather than open ones.
    ended: bool,
    /// The "Previous" and "Next" links ("" when there is none).
    previous: String,
    next: String,
}

/// `GET /cases`: the cases the user may see; `?assigned=me`, only the open cases whose
/// referral is assigned to them.
pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(query): RawQuery,
) -> PageResult {
    let fields = Fields::from_query(query.as_deref());
    let assigned_to_me = fields.text("assigned") == "me";
    let ended = fields.text("state") == "ended";
    let page = match (
        CaseCursor::parse(fields.text("after")),
        CaseCursor::parse(fields.text("before")),
    ) {
        (Some(after), _) => CasePage::After(after),
        (None, Some(before)) => CasePage::Before(before),
        (None, None) => CasePage::First,
    };
    let mut lines = state
        .app
        .my_cases(
            &user.actor,
            ended,
            assigned_to_me,
            page.clone(),
            CASES_A_PAGE + 1,
        )
        .await?;
    // One line more than a page says whether there is more in the direction of travel; the
    // other direction is where the reader came from.
    let more = lines.len() as i64 > CASES_A_PAGE;
    if more {
        if page.backwards() {
            lines.remove(0);
        } else {
            lines.truncate(CASES_A_PAGE as usize);
        }
    }
    let (has_previous, has_next) = match page {
        CasePage::First => (false, more),
        CasePage::After(_) => (true, more),
        CasePage::Before(_) => (more, true),
    };
    let cursor = |line: Option<&CaseLine>| {
        line.map(|l| {
            CaseCursor {
                opened_at: l.case.opened_at,
                id: l.case.id.clone(),
            }
            .to_param()
        })
    };
    let mut keep = form_urlencoded::Serializer::new(String::new());
    if assigned_to_me {
        keep.append_pair("assigned", "me");
    }
    if ended {
        keep.append_pair("state", "ended");
    }
    let keep = keep.finish();
    let link = |key: &str, value: Option<String>| {
        value
            .map(|v| {
                let mut q = form_urlencoded::Serializer::new(keep.clone());
                q.append_pair(key, &v);
                format!("/cases?{}", q.finish())
            })
            .unwrap_or_default()
    };
    Ok(render(&ListPage {
        chrome: Chrome::signed_in(&state, &user, "/cases"),
        previous: link("before", cursor(lines.first()).filter(|_| has_previous)),
        next: link("after", cursor(lines.last()).filter(|_| has_next)),
        rows: lines.iter().map(case_row).collect(),
        council: user.actor.may(Capability::ReadCaseDashboard),
        assigned_to_me,
        ended,
    }))
}

/// A dated item on the dashboard.
pub struct DueRow {
    case: CaseRow,
    what: &'static str,
    due: String,
}

#[derive(Template)]
#[template(path = "case_dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    by_state: Vec<(&'static str, usize)>,
    open: usize,
    due_this_week: Vec<DueRow>,
    overdue: Vec<DueRow>,
    no_continuation: Vec<CaseRow>,
    non_engagement: Vec<CaseRow>,
    continuations_waiting: Vec<CaseRow>,
    end_requests: Vec<(CaseRow, String, bool)>,
    median_days: Option<i64>,
    started: usize,
    waiting: Vec<(CaseRow, i64)>,
    robots_waiting: usize,
    hlsa_hours_short: f64,
}

/// `GET /cases/dashboard`: the coordinator's dashboard.
pub async fn dashboard(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let d: Dashboard = state.app.case_dashboard(&user.actor).await?;
    let due = |items: &[mns_app::cases::DueItem]| {
        items
            .iter()
            .map(|i| DueRow {
                case: case_row(&i.line),
                what: i.what,
                due: short(i.due),
            })
            .collect()
    };
    Ok(render(&DashboardPage {
        chrome: Chrome::signed_in(&state, &user, "/cases/dashboard"),
        open: d
            .by_state
            .iter()
            .filter(|(s, _)| *s != CaseState::Ended)
            .map(|(_, n)| n)
            .sum(),
        by_state: d.by_state.iter().map(|(s, n)| (s.label(), *n)).collect(),
        due_this_week: due(&d.due_this_week),
        overdue: due(&d.overdue),
        no_continuation: d.no_continuation.iter().map(case_row).collect(),
        non_engagement: d.non_engagement.iter().map(case_row).collect(),
        continuations_waiting: d.continuations_waiting.iter().map(case_row).collect(),
        end_requests: d
            .end_requests
            .iter()
            .filter_map(|(r, line)| {
                line.as_ref()
                    .map(|l| (case_row(l), r.reason.clone(), r.early != 0))
            })
            .collect(),
        median_days: d.median_days_to_start(),
        started: d.days_to_start.len(),
        waiting: d
            .waiting
            .iter()
            .map(|(l, days)| (case_row(l), *days))
            .collect(),
        robots_waiting: d.robots_waiting,
        hlsa_hours_short: d.hlsa_hours_short,
    }))
}
