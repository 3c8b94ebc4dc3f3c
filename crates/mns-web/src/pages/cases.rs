//! Cases after acceptance: the list, the coordinator's dashboard, a case's page (its timeline
//! and what the reader may do next), Part A and Part B of the Planning and Review Record, the
//! continuation request, and the PDFs. Every page calls one application operation, which
//! checks who may do what.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use mns_app::cases::{CaseView, Dashboard, long_date};
use mns_app::{AppError, FieldError};
use mns_domain::identity::Role;
use mns_domain::provision::record::{Attendee, PartA, PartB};
use mns_domain::provision::{
    Action, AttendeeKind, CaseState, Component, ContinuationRequest, EndReason,
    HLSA_READINESS_STATEMENT, MeetingPlace, Package, ReintegrationStep,
};
use mns_store::CaseLine;
use std::collections::HashMap;

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
        match super::referral_form::questions::parse_date(
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
    let state = CaseState::parse(&line.case.state).unwrap_or(CaseState::Accepted);
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
        council: matches!(
            user.actor.role(),
            Role::Coordinator | Role::Caseworker | Role::Auditor
        ),
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

/// A timeline entry as shown.
pub struct EventRow {
    when: String,
    what: String,
}

/// A session as shown.
pub struct SessionRow {
    held_on: String,
    outcome: &'static str,
    hours: String,
    note: String,
}

/// A review as shown.
pub struct ReviewRow {
    held_on: String,
    by: &'static str,
    progress: String,
    amendments: String,
    steps: Vec<&'static str>,
    plan: String,
}

/// A continuation request as shown.
pub struct ContinuationRow {
    submitted: String,
    evidence: String,
    attendance: bool,
    plan: bool,
    note: String,
    decision: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Values,
    id: String,
    pupil: String,
    school: String,
    state: &'static str,
    tag: &'static str,
    facts: Vec<(&'static str, String)>,
    flags: Vec<String>,
    package: Vec<String>,
    has_plan: bool,
    plan_final: bool,
    events: Vec<EventRow>,
    sessions: Vec<SessionRow>,
    reviews: Vec<ReviewRow>,
    continuations: Vec<ContinuationRow>,
    end_requests: Vec<(String, String, bool, &'static str)>,
    may_write_plan: bool,
    may_start: bool,
    may_log_session: bool,
    may_start_review: bool,
    may_record_review: bool,
    may_request_continuation: bool,
    may_decide_continuation: bool,
    may_end: bool,
    may_request_end: bool,
    may_set_life_limiting: bool,
    life_limiting: bool,
    plan_pdf: bool,
    end_letter: bool,
    end_reasons: Vec<(&'static str, String)>,
    welfare_checks: Vec<(String, String)>,
    may_log_welfare: bool,
    concerns: Vec<(String, String, String)>,
    may_raise_concern: bool,
    show_special: bool,
    may_work_case: bool,
    send: Option<mns_domain::provision::SendDetails>,
    episodes: Vec<(String, String, String, String)>,
    invoices: Vec<(String, String, String, String, String)>,
    coding: Option<(String, Vec<String>)>,
    may_upload_attendance: bool,
}

/// Pence as pounds: `£1,250.00`.
pub fn pounds(pence: i64) -> String {
    let whole = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("£{grouped}.{:02}", pence % 100)
}

/// An invoice's status in words.
pub fn invoice_status(status: &str) -> String {
    match status {
        "held" => "Held: evidence missing",
        "payable" => "Ready to pay",
        "paid" => "Paid",
        other => other,
    }
    .to_string()
}

fn outcome_label(kind: &str) -> &'static str {
    match kind {
        "delivered" => "Delivered",
        "cancelled_by_family" => "Cancelled by the family",
        "cancelled_by_provider" => "Cancelled by the provider",
        "refused" => "Refused",
        _ => "Unknown",
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn component_line(c: &Component) -> String {
    match c {
        Component::ReintegrationPlan { text } => format!("{}: {text}", c.label()),
        Component::OnlineLearning {
            provider,
            hours_per_week,
        } => {
            format!("{} ({provider}): {hours_per_week} hours a week", c.label())
        }
        _ => format!("{}: {} hours a week", c.label(), c.hours_per_week()),
    }
}

async fn case_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Values,
    errors: Vec<FieldError>,
) -> PageResult {
    let view: CaseView = state.app.view_case(&user.actor, id).await?;
    let role = user.actor.role();
    let case = view.case();
    let s = view.state;
    let running = matches!(
        s,
        CaseState::InProvision
            | CaseState::Review
            | CaseState::ContinuationRequested
            | CaseState::Continued
    );
    let today = state.app.today();
    let mut facts = vec![("Referral date", long_date(case.referral_date))];
    match case.provision_start {
        Some(start) => facts.push((
            "Provision started",
            format!(
                "{} ({} days after the referral)",
                long_date(start),
                (start - case.referral_date).num_days()
            ),
        )),
        None if s != CaseState::Ended => facts.push((
            "Waiting for provision",
            format!(
                "{} days since the referral",
                (today - case.referral_date).num_days()
            ),
        )),
        None => {}
    }
    if let (Some(start), Some(end)) = (case.period_start, case.period_end) {
        facts.push((
            "Period",
            format!(
                "{} ({} to {})",
                case.period_number,
                long_date(start),
                long_date(end)
            ),
        ));
    }
    if let Some(d) = case.review_due {
        let done = case
            .review_held_on
            .map(|h| format!(", held {}", long_date(h)))
            .unwrap_or_default();
        facts.push(("Review due by", format!("{}{done}", long_date(d))));
    }
    if let Some(d) = case.continuation_due {
        facts.push(("Continuation request due by", long_date(d)));
    }
    if let (Some(h), Some(f)) = (case.hours_per_week, case.full_time_hours) {
        facts.push(("Hours a week", format!("{h} of a full-time week of {f}")));
    }
    if let Some(reason) = &case.end_reason {
        let label = EndReason::parse(reason)
            .map(|r| capitalised(r.label()))
            .unwrap_or_default();
        facts.push((
            "Ended",
            format!(
                "{}: {label}",
                case.ended_at
                    .map(mns_domain::calendar::format_uk_datetime)
                    .unwrap_or_default()
            ),
        ));
    }
    let mut flags = Vec::new();
    if view.non_engagement {
        flags.push(
            "Sessions show repeated cancellations or refusals: a review is proposed (MN-PROV-3)"
                .to_string(),
        );
    }
    if view.no_continuation {
        flags.push("The continuation request was due and has not come: this case is flagged for ending (MN-CONT-3)".to_string());
    }
    if running && case.review_held_on.is_none() && case.review_due.is_some_and(|d| d < today) {
        flags.push("The review is overdue".to_string());
    }
    let package = view
        .plan
        .as_ref()
        .map(|p| p.package.components.iter().map(component_line).collect())
        .unwrap_or_default();
    let show_special = matches!(
        role,
        Role::Coordinator | Role::Caseworker | Role::Auditor | Role::School
    );
    let (send, episodes) = if show_special {
        (
            state.app.send_details(&user.actor, &case.id).await?,
            state
                .app
                .episodes(&user.actor, &case.id)
                .await?
                .into_iter()
                .map(|e| {
                    let day = |d: &str| {
                        NaiveDate::parse_from_str(d, "%Y-%m-%d")
                            .map(long_date)
                            .unwrap_or_default()
                    };
                    (
                        e.hospital,
                        e.hospital_school,
                        day(&e.admitted_on),
                        e.discharge_on.as_deref().map(day).unwrap_or_default(),
                    )
                })
                .collect(),
        )
    } else {
        (None, Vec::new())
    };
    let invoices = if matches!(role, Role::Coordinator | Role::Caseworker | Role::Auditor) {
        state
            .app
            .case_invoices(&user.actor, &case.id)
            .await?
            .into_iter()
            .map(|l| {
                (
                    l.invoice.reference.clone(),
                    l.invoice.hospital.clone(),
                    pounds(l.invoice.amount_pence),
                    invoice_status(&l.invoice.status),
                    l.missing.join(", "),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let coding = state
        .app
        .case_coding_mismatches(&user.actor, &case.id, &state.document_keys)
        .await?
        .map(|(document, mismatches)| {
            (
                document.filename,
                mismatches
                    .iter()
                    .map(|m| {
                        format!(
                            "{} {}: coded {} ({})",
                            m.session.date.format("%a %-d %b %Y"),
                            if m.session.half.as_str() == "AM" {
                                "morning"
                            } else {
                                "afternoon"
                            },
                            m.code.as_str(),
                            m.code.description()
                        )
                    })
                    .collect(),
            )
        });
    let council_or_school = matches!(
        role,
        Role::Coordinator | Role::Caseworker | Role::Auditor | Role::School
    );
    let page = CasePage {
        chrome: Chrome::signed_in(state, user, "/cases")
            .with_errors(&FormState::with(errors.clone())),
        form: FormState::with(errors.clone()),
        errors,
        values,
        id: case.id.clone(),
        pupil: view.line.pupil_name.clone(),
        school: view.line.school_name.clone(),
        state: s.label(),
        tag: tag(s),
        facts,
        flags,
        package,
        has_plan: view.plan.is_some(),
        plan_final: case.plan_finalised_at.is_some(),
        events: view
            .events
            .iter()
            .map(|e| EventRow {
                when: chrono::DateTime::parse_from_rfc3339(&e.at)
                    .map(|t| {
                        mns_domain::calendar::format_uk_datetime(t.with_timezone(&chrono::Utc))
                    })
                    .unwrap_or_default(),
                what: match (&e.to_state, council_or_school) {
                    (_, true) => e.note.clone(),
                    (Some(to), false) => CaseState::parse(to)
                        .map(|s| s.label().to_string())
                        .unwrap_or_default(),
                    (None, false) => String::new(),
                },
            })
            .collect(),
        sessions: view
            .sessions
            .iter()
            .map(|x| SessionRow {
                held_on: NaiveDate::parse_from_str(&x.held_on, "%Y-%m-%d")
                    .map(short)
                    .unwrap_or_default(),
                outcome: outcome_label(&x.outcome),
                hours: format!("{}", x.hours),
                note: x.note.clone(),
            })
            .collect(),
        reviews: view
            .reviews
            .iter()
            .map(|(_, b)| ReviewRow {
                held_on: b.held_on.map(long_date).unwrap_or_default(),
                by: if b.held_by_school {
                    "the school"
                } else {
                    "the Medical Needs Service"
                },
                progress: b.progress.clone(),
                amendments: b.amendments.clone(),
                steps: b.steps.iter().map(|s| s.label()).collect(),
                plan: b.reintegration_plan.clone(),
            })
            .collect(),
        continuations: view
            .continuations
            .iter()
            .map(|c| ContinuationRow {
                submitted: chrono::DateTime::parse_from_rfc3339(&c.submitted_at)
                    .map(|t| {
                        mns_domain::calendar::format_uk_datetime(t.with_timezone(&chrono::Utc))
                    })
                    .unwrap_or_default(),
                evidence: c
                    .evidence_dated
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .map(long_date)
                    .unwrap_or_default(),
                attendance: c.has_attendance != 0,
                plan: c.has_updated_plan != 0,
                note: c.note.clone(),
                decision: match c.decision.as_deref() {
                    Some("agreed") => "Agreed".into(),
                    Some("declined") => {
                        format!("Declined: {}", c.reason.clone().unwrap_or_default())
                    }
                    _ => "Waiting for the coordinator".into(),
                },
            })
            .collect(),
        end_requests: view
            .end_requests
            .iter()
            .map(|r| {
                (
                    r.stops_on
                        .as_deref()
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                        .map(long_date)
                        .unwrap_or_default(),
                    r.reason.clone(),
                    r.early != 0,
                    if r.status == "open" { "Open" } else { "Closed" },
                )
            })
            .collect(),
        may_write_plan: matches!(role, Role::Coordinator | Role::School)
            && matches!(s, CaseState::Accepted | CaseState::Planning)
            && case.plan_finalised_at.is_none(),
        may_start: role == Role::Coordinator
            && s == CaseState::Planning
            && case.plan_finalised_at.is_some(),
        may_log_session: matches!(role, Role::Provider | Role::Coordinator) && running,
        may_start_review: matches!(role, Role::Coordinator | Role::School)
            && matches!(s, CaseState::InProvision | CaseState::Continued),
        may_record_review: matches!(role, Role::Coordinator | Role::School)
            && s == CaseState::Review,
        may_request_continuation: role == Role::School
            && matches!(
                s,
                CaseState::InProvision | CaseState::Review | CaseState::Continued
            ),
        may_decide_continuation: role == Role::Coordinator && s == CaseState::ContinuationRequested,
        may_end: role == Role::Coordinator && s != CaseState::Ended,
        may_request_end: mns_domain::provision::may_request_end(role) && s != CaseState::Ended,
        may_set_life_limiting: role == Role::Coordinator && s != CaseState::Ended,
        life_limiting: case.life_limiting,
        plan_pdf: case.plan_finalised_at.is_some()
            && matches!(
                role,
                Role::Coordinator
                    | Role::Caseworker
                    | Role::Auditor
                    | Role::School
                    | Role::Parent
                    | Role::HealthProfessional
            ),
        end_letter: case.end_reason.is_some()
            && matches!(
                role,
                Role::Coordinator | Role::Caseworker | Role::Auditor | Role::School | Role::Parent
            ),
        end_reasons: EndReason::ALL
            .iter()
            .map(|r| (r.as_str(), capitalised(r.label())))
            .collect(),
        welfare_checks: view
            .welfare_checks
            .iter()
            .map(|w| {
                (
                    NaiveDate::parse_from_str(&w.checked_on, "%Y-%m-%d")
                        .map(long_date)
                        .unwrap_or_default(),
                    w.notes.clone(),
                )
            })
            .collect(),
        may_log_welfare: role == Role::School && s != CaseState::Ended,
        concerns: view
            .concerns
            .iter()
            .map(|c| {
                (
                    chrono::DateTime::parse_from_rfc3339(&c.raised_at)
                        .map(|t| {
                            mns_domain::calendar::format_uk_datetime(t.with_timezone(&chrono::Utc))
                        })
                        .unwrap_or_default(),
                    c.sent_to_dsl.clone(),
                    c.concern.clone(),
                )
            })
            .collect(),
        may_raise_concern: mns_domain::provision::may_raise_concern(role) && s != CaseState::Ended,
        show_special,
        may_work_case: matches!(role, Role::Coordinator | Role::Caseworker)
            && s != CaseState::Ended,
        send,
        episodes,
        invoices,
        coding,
        may_upload_attendance: matches!(role, Role::Coordinator | Role::Caseworker | Role::School)
            && case.provision_start.is_some(),
    };
    Ok(render(&page))
}

/// `GET /cases/{id}`.
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    case_page(&state, &user, &id, Values::default(), Vec::new()).await
}

/// After an operation on a case: back to the case page (at `anchor`) when it worked, or the
/// page again with the problems named and the values kept (422) when the input was bad.
async fn after_case(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Values,
    result: Result<(), AppError>,
    anchor: &str,
) -> PageResult {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}{anchor}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut response = case_page(state, user, id, values, errors).await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /cases/{id}/start`: the coordinator starts provision.
pub async fn start(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let values = Values::parse(&body);
    let mut errors = Vec::new();
    let start = values.date("start", "The start date", &mut errors);
    let absence_end = values.date(
        "absence_end",
        "The expected end of the absence",
        &mut errors,
    );
    let result = match (start, errors.is_empty()) {
        (Some(start), true) => {
            state
                .app
                .start_provision(&user.actor, &id, start, absence_end)
                .await
        }
        (None, true) => {
            // Check who is asking before saying what is missing.
            state.app.view_case(&user.actor, &id).await?;
            if user.actor.role() != Role::Coordinator {
                return Err(AppError::NotFound.into());
            }
            Err(AppError::invalid("start", "Enter the day provision starts"))
        }
        _ => {
            if user.actor.role() != Role::Coordinator {
                return Err(AppError::NotFound.into());
            }
            Err(AppError::Invalid(errors))
        }
    };
    after_case(&state, &user, &id, values, result, "").await
}

/// `POST /cases/{id}/sessions`: the provider logs a session.
pub async fn log_session(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let values = Values::parse(&body);
    let mut errors = Vec::new();
    let held_on = values.date("held_on", "The session date", &mut errors);
    let hours = values.hours("hours", "Hours", &mut errors);
    let result = match (held_on, hours, errors.is_empty()) {
        (Some(d), Some(h), true) => {
            state
                .app
                .log_session(
                    &user.actor,
                    &id,
                    d,
                    values.v("outcome"),
                    h,
                    values.v("note"),
                )
                .await
        }
        _ => {
            if !matches!(user.actor.role(), Role::Provider | Role::Coordinator) {
                return Err(AppError::NotFound.into());
            }
            state.app.view_case(&user.actor, &id).await?;
            if held_on.is_none() && !errors.iter().any(|e| e.field == "held_on") {
                errors.push(FieldError::new("held_on", "Enter the date of the session"));
            }
            if hours.is_none() && !errors.iter().any(|e| e.field == "hours") {
                errors.push(FieldError::new("hours", "Enter the session's hours"));
            }
            Err(AppError::Invalid(errors))
        }
    };
    after_case(&state, &user, &id, values, result, "#sessions").await
}

/// `POST /cases/{id}/review/start`: the school or coordinator arranges the review.
pub async fn start_review(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let result = state.app.start_review(&user.actor, &id).await;
    after_case(&state, &user, &id, Values::default(), result, "").await
}

/// `POST /cases/{id}/continuation/agree`: the coordinator agrees the continuation.
pub async fn agree_continuation(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let result = state.app.agree_continuation(&user.actor, &id).await;
    after_case(&state, &user, &id, Values::default(), result, "").await
}

/// `POST /cases/{id}/end`: the coordinator ends provision.
pub async fn end(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let values = Values::parse(&body);
    let result = match EndReason::parse(values.v("reason")) {
        Ok(reason) => {
            state
                .app
                .end_case(&user.actor, &id, reason, values.v("end_note"))
                .await
        }
        Err(_) => {
            if user.actor.role() != Role::Coordinator {
                return Err(AppError::NotFound.into());
            }
            state.app.view_case(&user.actor, &id).await?;
            Err(AppError::invalid("reason", "Select why provision ends"))
        }
    };
    after_case(&state, &user, &id, values, result, "").await
}

/// `POST /cases/{id}/end-request`: the school, a provider or a health professional asks for
/// the end.
pub async fn request_end(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let values = Values::parse(&body);
    let mut errors = Vec::new();
    let stops_on = values.date("stops_on", "The day provision would stop", &mut errors);
    let result = if errors.is_empty() {
        state
            .app
            .request_end(&user.actor, &id, stops_on, values.v("end_reason"))
            .await
    } else {
        if !mns_domain::provision::may_request_end(user.actor.role()) {
            return Err(AppError::NotFound.into());
        }
        state.app.view_case(&user.actor, &id).await?;
        Err(AppError::Invalid(errors))
    };
    // The app names the reason `reason`; this form's field is `end_reason`.
    let result = result.map_err(|e| match e {
        AppError::Invalid(errors) => AppError::Invalid(
            errors
                .into_iter()
                .map(|e| {
                    if e.field == "reason" {
                        FieldError::new("end_reason", e.message)
                    } else {
                        e
                    }
                })
                .collect(),
        ),
        e => e,
    });
    after_case(&state, &user, &id, values, result, "").await
}

/// `POST /cases/{id}/welfare-checks`: the school logs a welfare check (MN-PROV-4).
pub async fn log_welfare_check(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let values = Values::parse(&body);
    let mut errors = Vec::new();
    let checked_on = values.date("checked_on", "The date of the check", &mut errors);
    let result = match (checked_on, errors.is_empty()) {
        (Some(d), true) => {
            state
                .app
                .log_welfare_check(&user.actor, &id, d, values.v("welfare_notes"))
                .await
        }
        _ => {
            if !mns_domain::provision::may_log_welfare_check(user.actor.role()) {
                return Err(AppError::NotFound.into());
            }
            state.app.view_case(&user.actor, &id).await?;
            if checked_on.is_none() && errors.is_empty() {
                errors.push(FieldError::new("checked_on", "Enter the date of the check"));
            }
            Err(AppError::Invalid(errors))
        }
    };
    after_case(&state, &user, &id, values, result, "#welfare").await
}

/// `POST /cases/{id}/concerns`: a provider or the coordinator raises a safeguarding concern.
pub async fn raise_concern(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let values = Values::parse(&body);
    let result = state
        .app
        .raise_concern(&user.actor, &id, values.v("concern"))
        .await;
    after_case(&state, &user, &id, values, result, "#concerns").await
}

/// `POST /cases/{id}/send`: SEND details (MN-SEND-1).
pub async fn send_details(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let values = Values::parse(&body);
    let details = mns_domain::provision::SendDetails {
        has_ehcp: values.has("has_ehcp", "yes"),
        ehcp_coordinator: Some(values.v("ehcp_coordinator").trim().to_string())
            .filter(|c| !c.is_empty()),
        designated_clinical_officer_raised: values.has("dco_raised", "yes"),
    };
    let result = state.app.set_send_details(&user.actor, &id, details).await;
    after_case(&state, &user, &id, values, result, "#send").await
}

/// `POST /cases/{id}/admissions`: an in-patient episode (MN-HOSP-1).
pub async fn record_admission(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let values = Values::parse(&body);
    let mut errors = Vec::new();
    let admitted = values.date("admitted_on", "The date of admission", &mut errors);
    let discharge = values.date("discharge_on", "The discharge date", &mut errors);
    let result = if errors.is_empty() {
        state
            .app
            .record_admission(
                &user.actor,
                &id,
                values.v("hospital"),
                values.v("hospital_school"),
                admitted,
                discharge,
            )
            .await
    } else {
        if !matches!(user.actor.role(), Role::Coordinator | Role::Caseworker) {
            return Err(AppError::NotFound.into());
        }
        state.app.view_case(&user.actor, &id).await?;
        Err(AppError::Invalid(errors))
    };
    after_case(&state, &user, &id, values, result, "#hospital").await
}

/// `POST /cases/{id}/invoices`: an invoice from a privately funded hospital (MN-HOSP-2).
pub async fn record_invoice(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let values = Values::parse(&body);
    let evidence = (
        values.has("evidence", "admission"),
        values.has("evidence", "timetable"),
        values.has("evidence", "attendance"),
    );
    let result = state
        .app
        .record_invoice(
            &user.actor,
            &id,
            values.v("invoice_hospital"),
            values.v("reference"),
            values.v("amount"),
            evidence,
        )
        .await
        .map(|_| ());
    after_case(&state, &user, &id, values, result, "#hospital").await
}

/// `POST /cases/{id}/attendance`: a herringbone during provision, checked for `K` coding
/// (MN-PROV-6).
pub async fn upload_attendance(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> PageResult {
    if !state
        .app
        .may_use_documents(
            &user.actor,
            mns_app::attendance::CASE_ATTENDANCE,
            &id,
            mns_app::documents::DocumentAccess::Upload,
        )
        .await?
    {
        return Err(AppError::NotFound.into());
    }
    let result = match super::documents::uploaded_file(
        &state,
        request,
        "attendance",
        "Choose the attendance file to upload",
    )
    .await
    {
        Ok((name, bytes)) => state
            .app
            .attach_case_attendance(&user.actor, &id, &name, &bytes, &state.document_keys)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    after_case(&state, &user, &id, Values::default(), result, "#coding").await
}

/// `POST /cases/{id}/life-limiting`: the coordinator records MN-LIFE-1.
pub async fn life_limiting(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let values = Values::parse(&body);
    state
        .app
        .set_life_limiting(&user.actor, &id, values.v("life_limiting") == "yes")
        .await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /cases/{id}/plan.pdf`.
pub async fn plan_pdf(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    Ok(pdf(
        state.app.plan_record_pdf(&user.actor, &id).await?,
        "planning-and-review-record.pdf",
    ))
}

/// `GET /cases/{id}/end-letter.pdf`.
pub async fn end_letter(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    Ok(pdf(
        state.app.end_letter_pdf(&user.actor, &id).await?,
        "end-of-provision.pdf",
    ))
}

// Part A

/// Attendee rows on the form.
const ATTENDEE_ROWS: usize = 6;
/// Action rows on the forms.
const ACTION_ROWS: usize = 4;

fn kind_key(kind: AttendeeKind) -> String {
    super::referral_form::questions::key(kind)
}

#[derive(Template)]
#[template(path = "case_plan.html")]
struct PlanPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Values,
    id: String,
    pupil: String,
    kinds: Vec<(String, &'static str)>,
    attendee_rows: Vec<usize>,
    action_rows: Vec<usize>,
    readiness: &'static str,
}

fn plan_values(plan: &PartA) -> Values {
    let mut v = Values::default();
    v.set_date("meeting_date", plan.meeting_date);
    if let Some(place) = plan.place {
        v.set("place", super::referral_form::questions::key(place));
    }
    for (i, a) in plan.attendees.iter().enumerate() {
        v.set(&format!("attendee_{}_kind", i + 1), kind_key(a.kind));
        v.set(&format!("attendee_{}_name", i + 1), a.name.clone());
    }
    v.set("learning_needs", plan.learning_needs.clone());
    v.set("expectations", plan.expectations.clone());
    for c in &plan.package.components {
        match c {
            Component::Hlsa { hours_per_week } => v.set("hlsa_hours", hours_per_week.to_string()),
            Component::OnlineLearning {
                provider,
                hours_per_week,
            } => {
                v.set("online_hours", hours_per_week.to_string());
                v.set("online_provider", provider.clone());
            }
            Component::Av1Robot { hours_per_week } => {
                v.set("robot_hours", hours_per_week.to_string())
            }
            Component::AlternativeProvision { hours_per_week } => {
                v.set("ap_hours", hours_per_week.to_string())
            }
            Component::HomeSchoolContact { hours_per_week } => {
                v.set("contact_hours", hours_per_week.to_string())
            }
            Component::ReintegrationPlan { text } => v.set("reintegration", text.clone()),
        }
    }
    v.set("full_time_hours", plan.full_time_hours.to_string());
    v.set(
        "medical_reason",
        plan.medical_reason.clone().unwrap_or_default(),
    );
    if plan.readiness_statement.is_some() {
        v.set("readiness", "yes");
    }
    for (i, a) in plan.actions.iter().enumerate() {
        v.set(
            &format!("action_{}_description", i + 1),
            a.description.clone(),
        );
        v.set(&format!("action_{}_owner", i + 1), a.owner.clone());
        v.set_date(&format!("action_{}_due", i + 1), a.due);
    }
    v.set("dsl_name", plan.dsl_name.clone());
    v.set("dsl_email", plan.dsl_email.clone());
    v.set("joint_approach", plan.joint_approach.clone());
    if plan.has_ehcp {
        v.set("has_ehcp", "yes");
    }
    if plan.has_social_worker {
        v.set("has_social_worker", "yes");
    }
    v
}

fn read_actions(values: &Values, errors: &mut Vec<FieldError>) -> Vec<Action> {
    let mut actions = Vec::new();
    for i in 1..=ACTION_ROWS {
        let description = values
            .v(&format!("action_{i}_description"))
            .trim()
            .to_string();
        let owner = values.v(&format!("action_{i}_owner")).trim().to_string();
        let due = values.date(
            &format!("action_{i}_due"),
            &format!("Action {i}'s date"),
            errors,
        );
        if description.is_empty() && owner.is_empty() && due.is_none() {
            continue;
        }
        if description.is_empty() {
            errors.push(FieldError::new(
                &format!("action_{i}_description"),
                format!("Action {i}: say what will be done"),
            ));
        }
        actions.push(Action {
            description,
            owner,
            due,
        });
    }
    actions
}

fn read_plan(values: &Values, errors: &mut Vec<FieldError>) -> PartA {
    let meeting_date = values.date("meeting_date", "The meeting date", errors);
    let place = match values.v("place") {
        "home" => Some(MeetingPlace::Home),
        "online" => Some(MeetingPlace::Online),
        "school" => Some(MeetingPlace::School),
        _ => None,
    };
    let mut attendees = Vec::new();
    for i in 1..=ATTENDEE_ROWS {
        let name = values.v(&format!("attendee_{i}_name")).trim().to_string();
        let kind = AttendeeKind::ALL
            .into_iter()
            .find(|k| kind_key(*k) == values.v(&format!("attendee_{i}_kind")));
        match (kind, name.is_empty()) {
            (None, true) => {}
            (Some(kind), _) => attendees.push(Attendee { kind, name }),
            (None, false) => errors.push(FieldError::new(
                &format!("attendee_{i}_kind"),
                format!("Attendee {i}: select in what capacity they attended"),
            )),
        }
    }
    let mut components = Vec::new();
    if let Some(h) = values.hours("hlsa_hours", "HLSA hours", errors) {
        components.push(Component::Hlsa { hours_per_week: h });
    }
    if let Some(h) = values.hours("online_hours", "Online learning hours", errors) {
        let provider = values.v("online_provider").trim();
        components.push(Component::OnlineLearning {
            provider: if provider.is_empty() {
                "Home school".into()
            } else {
                provider.to_string()
            },
            hours_per_week: h,
        });
    }
    if let Some(h) = values.hours("robot_hours", "AV1 robot hours", errors) {
        components.push(Component::Av1Robot { hours_per_week: h });
    }
    if let Some(h) = values.hours("ap_hours", "Alternative provision hours", errors) {
        components.push(Component::AlternativeProvision { hours_per_week: h });
    }
    if let Some(h) = values.hours("contact_hours", "Home school contact hours", errors) {
        components.push(Component::HomeSchoolContact { hours_per_week: h });
    }
    let reintegration = values.v("reintegration").trim();
    if !reintegration.is_empty() {
        components.push(Component::ReintegrationPlan {
            text: reintegration.to_string(),
        });
    }
    let full_time_hours = values
        .hours("full_time_hours", "The full-time week", errors)
        .unwrap_or(mns_domain::provision::record::DEFAULT_FULL_TIME_HOURS);
    let medical_reason =
        Some(values.v("medical_reason").trim().to_string()).filter(|r| !r.is_empty());
    PartA {
        meeting_date,
        place,
        attendees,
        learning_needs: values.v("learning_needs").trim().to_string(),
        expectations: values.v("expectations").trim().to_string(),
        package: Package::new(components),
        full_time_hours,
        medical_reason,
        readiness_statement: values
            .has("readiness", "yes")
            .then(|| HLSA_READINESS_STATEMENT.to_string()),
        actions: read_actions(values, errors),
        dsl_name: values.v("dsl_name").trim().to_string(),
        dsl_email: values.v("dsl_email").trim().to_string(),
        joint_approach: values.v("joint_approach").trim().to_string(),
        has_ehcp: values.has("has_ehcp", "yes"),
        has_social_worker: values.has("has_social_worker", "yes"),
    }
}

fn plan_page(
    state: &AppState,
    user: &SignedIn,
    view: &CaseView,
    values: Values,
    errors: Vec<FieldError>,
) -> Response {
    let form = FormState::with(errors.clone());
    render(&PlanPage {
        chrome: Chrome::signed_in(state, user, "/cases").with_errors(&form),
        form,
        errors,
        values,
        id: view.case().id.clone(),
        pupil: view.line.pupil_name.clone(),
        kinds: AttendeeKind::ALL
            .iter()
            .map(|k| (kind_key(*k), k.label()))
            .collect(),
        attendee_rows: (1..=ATTENDEE_ROWS).collect(),
        action_rows: (1..=ACTION_ROWS).collect(),
        readiness: HLSA_READINESS_STATEMENT,
    })
}

async fn plan_view(state: &AppState, user: &SignedIn, id: &str) -> Result<CaseView, AppError> {
    if !matches!(user.actor.role(), Role::Coordinator | Role::School) {
        return Err(AppError::NotFound);
    }
    state.app.view_case(&user.actor, id).await
}

/// `GET /cases/{id}/plan`: Part A of the record.
pub async fn plan_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let view = plan_view(&state, &user, &id).await?;
    if view.case().plan_finalised_at.is_some() {
        return Ok(Redirect::to(&format!("/cases/{id}")).into_response());
    }
    let values = plan_values(view.plan.as_ref().unwrap_or(&PartA::default()));
    Ok(plan_page(&state, &user, &view, values, Vec::new()))
}

/// `POST /cases/{id}/plan`: saves Part A as a draft, or finalises it.
pub async fn save_plan(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let view = plan_view(&state, &user, &id).await?;
    let values = Values::parse(&body);
    let mut errors = Vec::new();
    let plan = read_plan(&values, &mut errors);
    let finalise = values.v("finalise") == "yes";
    let result = if errors.is_empty() {
        state.app.save_plan(&user.actor, &id, plan, finalise).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(()) if finalise => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}/plan")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut response = plan_page(&state, &user, &view, values, errors);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

// Part B

#[derive(Template)]
#[template(path = "case_review.html")]
struct ReviewPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Values,
    id: String,
    pupil: String,
    steps: Vec<(String, &'static str)>,
    action_rows: Vec<usize>,
}

fn review_page(
    state: &AppState,
    user: &SignedIn,
    view: &CaseView,
    values: Values,
    errors: Vec<FieldError>,
) -> Response {
    let form = FormState::with(errors.clone());
    render(&ReviewPage {
        chrome: Chrome::signed_in(state, user, "/cases").with_errors(&form),
        form,
        errors,
        values,
        id: view.case().id.clone(),
        pupil: view.line.pupil_name.clone(),
        steps: ReintegrationStep::ALL
            .iter()
            .map(|s| (super::referral_form::questions::key(*s), s.label()))
            .collect(),
        action_rows: (1..=ACTION_ROWS).collect(),
    })
}

/// `GET /cases/{id}/review`: Part B of the record.
pub async fn review_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let view = plan_view(&state, &user, &id).await?;
    if view.state != CaseState::Review {
        return Ok(Redirect::to(&format!("/cases/{id}")).into_response());
    }
    Ok(review_page(
        &state,
        &user,
        &view,
        Values::default(),
        Vec::new(),
    ))
}

/// `POST /cases/{id}/review`: records Part B.
pub async fn save_review(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let view = plan_view(&state, &user, &id).await?;
    let values = Values::parse(&body);
    let mut errors = Vec::new();
    let held_on = values.date("held_on", "The review date", &mut errors);
    let part_b = PartB {
        held_on,
        held_by_school: user.actor.role() == Role::School,
        progress: values.v("progress").trim().to_string(),
        amendments: values.v("amendments").trim().to_string(),
        steps: ReintegrationStep::ALL
            .into_iter()
            .filter(|s| values.has("steps", &super::referral_form::questions::key(*s)))
            .collect(),
        reintegration_plan: values.v("reintegration_plan").trim().to_string(),
        actions: read_actions(&values, &mut errors),
    };
    let result = if errors.is_empty() {
        state.app.record_review(&user.actor, &id, part_b).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut response = review_page(&state, &user, &view, values, errors);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

// Continuation

#[derive(Template)]
#[template(path = "case_continuation.html")]
struct ContinuationPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Values,
    id: String,
    pupil: String,
    evidence_weeks: u32,
}

fn continuation_page(
    state: &AppState,
    user: &SignedIn,
    view: &CaseView,
    values: Values,
    errors: Vec<FieldError>,
) -> Response {
    let form = FormState::with(errors.clone());
    render(&ContinuationPage {
        chrome: Chrome::signed_in(state, user, "/cases").with_errors(&form),
        form,
        errors,
        values,
        id: view.case().id.clone(),
        pupil: view.line.pupil_name.clone(),
        evidence_weeks: state.app.policy().evidence_max_age_weeks,
    })
}

async fn continuation_view(
    state: &AppState,
    user: &SignedIn,
    id: &str,
) -> Result<CaseView, AppError> {
    if user.actor.role() != Role::School {
        return Err(AppError::NotFound);
    }
    state.app.view_case(&user.actor, id).await
}

/// `GET /cases/{id}/continuation`: the school's continuation request.
pub async fn continuation_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let view = continuation_view(&state, &user, &id).await?;
    Ok(continuation_page(
        &state,
        &user,
        &view,
        Values::default(),
        Vec::new(),
    ))
}

/// `POST /cases/{id}/continuation`: submits it.
pub async fn request_continuation(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let view = continuation_view(&state, &user, &id).await?;
    let values = Values::parse(&body);
    let mut errors = Vec::new();
    let evidence_dated = values.date(
        "evidence_dated",
        "The date of the medical evidence",
        &mut errors,
    );
    let has_plan = match values.v("has_healthcare_plan") {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.push(FieldError::new(
                "has_healthcare_plan",
                "Select whether the pupil has an individual healthcare plan",
            ));
            None
        }
    };
    let request = ContinuationRequest {
        evidence_dated,
        has_attendance: values.has("has_attendance", "yes"),
        has_updated_healthcare_plan: values.has("has_updated_plan", "yes"),
    };
    let result = match (errors.is_empty(), has_plan) {
        (true, Some(has_plan)) => {
            state
                .app
                .request_continuation(&user.actor, &id, request, has_plan, values.v("note"))
                .await
        }
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut response = continuation_page(&state, &user, &view, values, errors);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}
