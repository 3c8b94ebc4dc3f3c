//! The triage list of early-identification alerts (issue 16): open alerts by priority and age,
//! filtered by school, rule, status and priority; each alert's figures, why and history; and
//! "What did you do?", which records the decision. An alert prompts a person, never decides.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::show_again;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::FieldError;
use mns_app::early_identification::{ALERT_ACTIONS, action_label, rule_title};
use mns_app::records::{AlertFilter, AlertPriority, AlertStatus};
use mns_domain::attendance::alerts::AlertRule;
use mns_domain::calendar::format_uk_datetime;
use serde::Deserialize;

/// Alerts on a page.
const PAGE_SIZE: u32 = 50;

/// The list's filters.
#[derive(Deserialize, Default)]
pub struct AlertsQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    school: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    done: String,
}

struct AlertLine {
    id: String,
    priority: &'static str,
    pupil: String,
    school: String,
    rule: String,
    rule_id: String,
    opened: String,
    status: &'static str,
    still_met: bool,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    chrome: Chrome,
    alerts: Vec<AlertLine>,
    total: u64,
    statuses: Vec<Choice>,
    rules: Vec<Choice>,
    priorities: Vec<Choice>,
    school: String,
    page: u32,
    has_next: bool,
    filter_query: String,
    done: bool,
    /// A school's view: its own pupils, no school filter.
    school_view: bool,
}

fn tag(priority: AlertPriority) -> &'static str {
    match priority {
        AlertPriority::Urgent => "urgent",
        AlertPriority::Soon => "soon",
        AlertPriority::Routine => "routine",
    }
}

/// `GET /alerts`: the triage list.
pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Query(query): Query<AlertsQuery>,
) -> PageResult {
    let status = match query.status.as_str() {
        "all" => None,
        other => Some(AlertStatus::parse(other).unwrap_or(AlertStatus::Open)),
    };
    let page = query.page.unwrap_or(1).max(1);
    let filter = AlertFilter {
        status,
        urn: Some(query.school.trim().to_owned()).filter(|s| !s.is_empty()),
        rules: AlertRule::parse(&query.rule)
            .map(|rule| vec![rule.id().to_owned()])
            .unwrap_or_default(),
        priority: AlertPriority::parse(&query.priority),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
    };
    let (rows, total) = state.app.attendance_alerts(&user.actor, &filter).await?;
    let today = state.app.today();
    let alerts = rows
        .into_iter()
        .map(|row| {
            let a = row.alert;
            let days = (today - a.opened_at.date_naive()).num_days();
            AlertLine {
                priority: tag(a.priority),
                pupil: row
                    .record_name
                    .clone()
                    .or_else(|| a.pupil_name.clone())
                    .unwrap_or_else(|| a.upn.clone()),
                school: row
                    .school_name
                    .map_or_else(|| a.urn.clone(), |name| format!("{name} ({})", a.urn)),
                rule: rule_title(&a.rule_id),
                rule_id: a.rule_id.clone(),
                opened: match days {
                    0 => "today".into(),
                    1 => "1 day ago".into(),
                    n => format!("{n} days ago"),
                },
                status: if a.status == AlertStatus::Open {
                    "Open"
                } else {
                    "Decided"
                },
                still_met: a.still_met,
                id: a.id,
            }
        })
        .collect();
    let status_value = status.map_or("all", AlertStatus::as_str);
    let choice = |value: &str, label: &str, current: &str| Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected: value == current,
    };
    let filter_query = format!(
        "&status={status_value}&school={}&rule={}&priority={}",
        form_urlencoded::byte_serialize(query.school.trim().as_bytes()).collect::<String>(),
        AlertRule::parse(&query.rule).map_or("", AlertRule::id),
        filter.priority.map_or("", AlertPriority::as_str),
    );
    Ok(render(&AlertsPage {
        chrome: Chrome::signed_in(&state, &user, "/alerts"),
        alerts,
        total,
        statuses: vec![
            choice("open", "Open", status_value),
            choice("decided", "Decided", status_value),
            choice("all", "All", status_value),
        ],
        rules: std::iter::once(choice("", "Any rule", &query.rule))
            .chain(
                AlertRule::ALL
                    .iter()
                    .map(|r| choice(r.id(), &format!("{} ({})", r.title(), r.id()), &query.rule)),
            )
            .collect(),
        priorities: vec![
            choice("", "Any priority", &query.priority),
            choice("urgent", "Urgent", &query.priority),
            choice("soon", "Soon", &query.priority),
            choice("routine", "Routine", &query.priority),
        ],
        school: query.school.trim().to_owned(),
        page,
        has_next: u64::from(page * PAGE_SIZE) < total,
        filter_query,
        done: query.done == "1",
        school_view: user.actor.role() == mns_domain::identity::Role::School,
    }))
}

struct EventLine {
    when: String,
    what: String,
    reason: Option<String>,
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    id: String,
    pupil: String,
    upn: String,
    school: String,
    rule: String,
    rule_id: String,
    priority: &'static str,
    status: &'static str,
    still_met: bool,
    why: String,
    figures: Vec<(String, String)>,
    events: Vec<EventLine>,
    actions: Vec<(&'static str, &'static str)>,
    action: String,
    reason: String,
    response: String,
    policy_version: String,
    /// A school's view: it tells the service what it is doing; it does not decide.
    school_view: bool,
    told: bool,
}

/// The form.
#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    response: String,
}

fn figure_rows(json: &str) -> Vec<(String, String)> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let number = |key: &str| value.get(key).and_then(serde_json::Value::as_f64);
    let mut rows = Vec::new();
    if let Some(days) = number("health_days") {
        rows.push(("Illness absence this year".into(), format!("{days} days")));
    }
    if let Some(days) = number("longest_run_days") {
        let ongoing = value
            .get("run_ongoing")
            .and_then(serde_json::Value::as_bool)
            == Some(true);
        rows.push((
            "Longest run of illness".into(),
            format!("{days} days{}", if ongoing { " (still going)" } else { "" }),
        ));
    }
    if let Some(percent) = number("attendance_percent") {
        rows.push(("Attendance".into(), format!("{percent}%")));
    }
    for (key, label) in [
        ("m_sessions", "Medical appointment sessions (M)"),
        ("k_sessions", "Sessions of local-authority provision (K)"),
        ("c2_weeks", "Weeks in a row on a part-time timetable (C2)"),
        ("sessions_possible", "Possible sessions"),
    ] {
        if let Some(n) = number(key) {
            rows.push((label.into(), n.to_string()));
        }
    }
    if let Some(last) = value
        .get("last_session")
        .and_then(|s| s.get("date"))
        .and_then(|d| d.as_str())
    {
        rows.push(("Last session marked".into(), last.to_owned()));
    }
    rows
}

async fn alert_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: ActionForm,
    errors: Vec<FieldError>,
    told: bool,
) -> PageResult {
    let (alert, events, school) = state.app.attendance_alert(&user.actor, id).await?;
    let school = school.map_or_else(
        || alert.urn.clone(),
        |name| format!("{name} ({})", alert.urn),
    );
    // The history starts with the opening (kept on the alert itself, not as an event).
    let opening = EventLine {
        when: format_uk_datetime(alert.first_opened_at),
        what: "Alert opened by the attendance import".into(),
        reason: None,
    };
    let events = std::iter::once(opening)
        .chain(events.into_iter().map(|e| EventLine {
            when: format_uk_datetime(e.at),
            what: match e.kind.as_str() {
                "opened" => "Alert opened by the attendance import".into(),
                "worsened" => "Figures worsened".into(),
                "reopened" => "Re-opened: the figures worsened after the decision".into(),
                "no_longer_met" => "The rule no longer fires on the latest figures".into(),
                "met_again" => "The rule fires again".into(),
                "school_response" => "The school said what it is doing".into(),
                "action" => format!(
                    "{}{}",
                    action_label(e.action.as_deref().unwrap_or_default()),
                    if e.actor_id.as_deref() == Some(user.actor.user.id.as_str()) {
                        " (by you)"
                    } else {
                        ""
                    }
                ),
                other => other.to_owned(),
            },
            reason: e.reason,
        }))
        .collect();
    let form = FormState::with(errors.clone());
    Ok(render(&AlertPage {
        chrome: Chrome::signed_in(state, user, "/alerts").with_errors(&form),
        form,
        errors,
        id: alert.id.clone(),
        pupil: alert
            .pupil_name
            .clone()
            .unwrap_or_else(|| alert.upn.clone()),
        upn: alert.upn.clone(),
        school,
        rule: rule_title(&alert.rule_id),
        rule_id: alert.rule_id.clone(),
        priority: tag(alert.priority),
        status: if alert.status == AlertStatus::Open {
            "Open"
        } else {
            "Decided"
        },
        still_met: alert.still_met,
        why: alert.why.clone(),
        figures: figure_rows(&alert.figures_json),
        events,
        actions: ALERT_ACTIONS.to_vec(),
        action: values.action,
        reason: values.reason,
        response: values.response,
        policy_version: alert.policy_version,
        school_view: user.actor.role() == mns_domain::identity::Role::School,
        told,
    }))
}

/// `GET /alerts/{id}` (`?told=1` after a school's response).
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Query(query): Query<AlertsQuery>,
) -> PageResult {
    let told = query.done == "told";
    alert_page(&state, &user, &id, ActionForm::default(), Vec::new(), told).await
}

/// `POST /alerts/{id}`: record what was done.
pub async fn act(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(values): Form<ActionForm>,
) -> PageResult {
    if user.actor.role() == mns_domain::identity::Role::School {
        return match state
            .app
            .respond_to_attendance_alert(&user.actor, &id, &values.response)
            .await
        {
            Ok(()) => Ok(Redirect::to(&format!("/alerts/{id}?done=told")).into_response()),
            Err(e) => {
                show_again(e, |errors| {
                    alert_page(&state, &user, &id, values, errors, false)
                })
                .await
            }
        };
    }
    match state
        .app
        .act_on_attendance_alert(&user.actor, &id, &values.action, &values.reason)
        .await
    {
        Ok(_) => Ok(Redirect::to("/alerts?done=1").into_response()),
        Err(e) => {
            show_again(e, |errors| {
                alert_page(&state, &user, &id, values, errors, false)
            })
            .await
        }
    }
}
