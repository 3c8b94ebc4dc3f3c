//! Cases after acceptance: the list, the coordinator's dashboard, a case's page (its timeline
//! and what the reader may do next), Part A and Part B of the Planning and Review Record, the
//! continuation request, and the PDFs. Every page calls one application operation, which
//! checks who may do what.

use super::{Chrome, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use askama::Template;
use axum::extract::State;
use chrono::NaiveDate;
use mns_app::FieldError;
use mns_app::cases::Dashboard;
use mns_app::records::CaseLine;
use mns_domain::permissions::Capability;
use mns_domain::provision::CaseState;
use std::collections::HashMap;

mod actions;
mod case;
mod continuation;
mod plan;
mod review;

pub use actions::*;
pub use case::*;
pub use continuation::*;
pub use plan::*;
pub use review::*;

/// Submitted form values, kept to show the form again.
#[derive(Debug, Clone, Default)]
pub struct Values(HashMap<String, Vec<String>>);

impl Values {
    /// Parses a form body.
    pub fn parse(body: &[u8]) -> Values {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in form_urlencoded::parse(body).into_owned() {
            map.entry(k).or_default().push(v);
        }
        Values(map)
    }

    fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.insert(name.to_string(), vec![value.into()]);
    }

    /// The first value of `name`, or "".
    pub fn v(&self, name: &str) -> &str {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map_or("", String::as_str)
    }

    /// Whether `name` was submitted with `value` (a ticked box or chosen radio).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0
            .get(name)
            .is_some_and(|v| v.iter().any(|x| x == value))
    }

    /// A date from `name-day`, `name-month`, `name-year`; a problem is added to `errors`.
    fn date(&self, name: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
        match crate::pages::referral_form::questions::parse_date(
            self.v(&format!("{name}-day")),
            self.v(&format!("{name}-month")),
            self.v(&format!("{name}-year")),
            label,
        ) {
            Ok(date) => date,
            Err(message) => {
                errors.push(FieldError::new(name, message));
                None
            }
        }
    }

    fn set_date(&mut self, name: &str, date: Option<NaiveDate>) {
        if let Some(d) = date {
            self.set(&format!("{name}-day"), d.format("%-d").to_string());
            self.set(&format!("{name}-month"), d.format("%-m").to_string());
            self.set(&format!("{name}-year"), d.format("%Y").to_string());
        }
    }

    /// Hours from `name`: none when blank, a problem when not a number.
    fn hours(&self, name: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<f64> {
        let text = self.v(name).trim();
        if text.is_empty() {
            return None;
        }
        match text.parse::<f64>() {
            Ok(h) if h.is_finite() && h >= 0.0 => Some(h),
            _ => {
                errors.push(FieldError::new(
                    name,
                    format!("{label} must be a number of hours, like 2 or 2.5"),
                ));
                None
            }
        }
    }
}

fn short(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
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
}

/// `GET /cases`: the cases the user may see.
pub async fn list(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let lines = state.app.my_cases(&user.actor).await?;
    Ok(render(&ListPage {
        chrome: Chrome::signed_in(&state, &user, "/cases"),
        rows: lines.iter().map(case_row).collect(),
        council: user.actor.may(Capability::ReadCaseDashboard),
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
