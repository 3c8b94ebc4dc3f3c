//! Specialist place sufficiency (issue 19), for the SEND team: the returns in use with their
//! upload forms, the scenarios, the five-year chart and table, the year's need × district ×
//! phase table, alternative provision against the Medical Needs Service's cases, and the
//! download.

use super::charts::{Bar, bar_chart};
use super::reports::download;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again, with_status_422};
use crate::pages::{Chrome, FormState, PageResult, render};
use crate::route;
use askama::Template;
use axum::extract::{DefaultBodyLimit, RawQuery, Request, State};
use axum::http::Method;
use axum::routing::{get, post};
use mns_app::reports::ExportFormat;
use mns_app::sufficiency::{ReturnKind, YEARS};
use mns_app::{AppError, FieldError};
use mns_domain::permissions::Capability;
use mns_domain::sufficiency::ScenarioForm;

/// The sufficiency routes.
pub fn routes() -> Vec<crate::Route> {
    vec![
        route(Method::GET, "/sufficiency", get(page)),
        route(Method::GET, "/sufficiency.csv", get(csv)),
        route(Method::GET, "/sufficiency.ods", get(ods)),
        route(
            Method::POST,
            "/sufficiency/returns",
            post(upload).layer(DefaultBodyLimit::max(crate::pages::documents::UPLOAD_LIMIT)),
        ),
        route(Method::POST, "/sufficiency/scenarios", post(add_scenario)),
    ]
}

/// A line of the year's table, as shown.
pub struct Row {
    need: &'static str,
    district: String,
    phase: &'static str,
    plans: String,
    demand: String,
    places: u32,
    gap: String,
    short: bool,
}

#[derive(Template)]
#[template(path = "sufficiency.html")]
struct Page {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    capacity: String,
    ehcp: String,
    scenarios: Vec<(String, String)>,
    scenario_id: String,
    scenario: String,
    year: usize,
    years: Vec<(usize, String, String, u32, String, bool)>,
    chart: String,
    rows: Vec<Row>,
    alternative: Vec<(String, u32, i64, bool)>,
    districts: Vec<String>,
    district: String,
    conditions: Vec<(&'static str, i64)>,
    done: &'static str,
    kinds: Vec<(&'static str, &'static str)>,
}

async fn show(
    state: &AppState,
    user: &SignedIn,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let year: usize = values.text("year").parse().unwrap_or(0);
    let view = state
        .app
        .sufficiency(&user.actor, values.text("scenario"), year)
        .await?;
    let form = FormState::with(errors);
    let day = |d: chrono::NaiveDate| d.format("%-d %B %Y").to_string();
    let mut bars = Vec::new();
    for (label, demand, places) in &view.years {
        bars.push(Bar {
            label: format!("{label} demand"),
            value: *demand,
            shown: format!("{demand:.0}"),
        });
        bars.push(Bar {
            label: format!("{label} places"),
            value: f64::from(*places),
            shown: places.to_string(),
        });
    }
    let done = match values.text("done") {
        "capacity" => "The capacity return is in use",
        "ehcp" => "The EHCP counts are in use",
        "scenario" => "The scenario is added",
        _ => "",
    };
    let page = render(&Page {
        chrome: Chrome::signed_in(state, user, "/sufficiency").with_errors(&form),
        form,
        capacity: view
            .capacity
            .map(|(d, n)| format!("{n} lines, for {}", day(d)))
            .unwrap_or_else(|| "None yet".into()),
        ehcp: view
            .ehcp
            .map(|(d, n)| format!("{n} lines, for {}", day(d)))
            .unwrap_or_else(|| "None yet".into()),
        scenarios: view
            .scenarios
            .iter()
            .map(|s| (s.id.clone(), s.scenario.name.clone()))
            .collect(),
        scenario: view
            .scenario
            .as_ref()
            .map(|s| {
                format!(
                    "{}: new plans {:+.0}% a year; primary cohorts {:+.0}%, secondary {:+.0}%, post-16 {:+.0}% a year; {:.0}% need a specialist place",
                    s.name,
                    (s.intake - 1.0) * 100.0,
                    (s.primary - 1.0) * 100.0,
                    (s.secondary - 1.0) * 100.0,
                    (s.post16 - 1.0) * 100.0,
                    s.specialist_share * 100.0
                )
            })
            .unwrap_or_default(),
        scenario_id: view.scenario_id.clone(),
        year: view.year,
        years: view
            .years
            .iter()
            .enumerate()
            .map(|(i, (label, demand, places))| {
                let gap = f64::from(*places) - demand;
                (i, label.clone(), format!("{demand:.0}"), *places, format!("{gap:.0}"), gap < 0.0)
            })
            .collect(),
        chart: if bars.is_empty() {
            String::new()
        } else {
            bar_chart("sufficiency-chart", "Specialist places needed and available, by school year", &bars)
        },
        districts: {
            let mut d: Vec<String> = view.lines.iter().map(|l| l.district.clone()).collect();
            d.sort();
            d.dedup();
            d
        },
        district: values.text("district").to_string(),
        conditions: view.conditions.clone(),
        rows: view
            .lines
            .iter()
            .filter(|l| values.text("district").is_empty() || l.district == values.text("district"))
            .map(|l| Row {
                need: l.need.label(),
                district: l.district.clone(),
                phase: l.phase.label(),
                plans: format!("{:.0}", l.plans),
                demand: format!("{:.0}", l.demand),
                places: l.places,
                gap: format!("{:.0}", l.gap()),
                short: l.gap() < -0.5,
            })
            .collect(),
        alternative: view
            .alternative
            .iter()
            .map(|(d, p, c)| (d.clone(), *p, *c, i64::from(*p) < *c))
            .collect(),
        done,
        values,
        kinds: vec![
            (
                "capacity",
                "Specialist places (columns provider, kind, need, phase, district, places)",
            ),
            (
                "ehcp",
                "Children with an EHC plan (columns need, age, district, count)",
            ),
        ],
    });
    Ok(page)
}

async fn page(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(raw): RawQuery,
) -> PageResult {
    user.actor.require(Capability::ManageSufficiency)?;
    show(
        &state,
        &user,
        Fields::from_query(raw.as_deref()),
        Vec::new(),
    )
    .await
}

async fn export(
    state: &AppState,
    user: &SignedIn,
    raw: Option<String>,
    format: ExportFormat,
) -> PageResult {
    let q = Fields::from_query(raw.as_deref());
    let year: usize = q.text("year").parse().unwrap_or(0);
    let (name, bytes) = state
        .app
        .sufficiency_export(&user.actor, q.text("scenario"), year.min(YEARS), format)
        .await?;
    Ok(download(format, &name, bytes))
}

async fn csv(State(state): State<AppState>, user: SignedIn, RawQuery(raw): RawQuery) -> PageResult {
    export(&state, &user, raw, ExportFormat::Csv).await
}

async fn ods(State(state): State<AppState>, user: SignedIn, RawQuery(raw): RawQuery) -> PageResult {
    export(&state, &user, raw, ExportFormat::Ods).await
}

async fn upload(State(state): State<AppState>, user: SignedIn, request: Request) -> PageResult {
    user.actor.require(Capability::ManageSufficiency)?;
    let (fields, file) =
        match crate::pages::documents::multipart_form(&state, request, "file", "Choose a CSV file")
            .await
        {
            Ok(read) => read,
            Err(AppError::Invalid(errors)) => {
                return Ok(with_status_422(
                    show(&state, &user, Fields::default(), errors).await?,
                ));
            }
            Err(e) => return Err(e.into()),
        };
    let mut errors = Vec::new();
    let as_at = fields.date("as_at", "The day the figures are for", &mut errors);
    let kind = match fields.text("kind") {
        "capacity" => Some(ReturnKind::Capacity),
        "ehcp" => Some(ReturnKind::Ehcp),
        _ => None,
    };
    if kind.is_none() {
        errors.push(FieldError::new("kind", "Select what the file holds"));
    }
    let result = match (kind, file, errors.is_empty()) {
        (Some(kind), Some((name, bytes)), true) => state
            .app
            .import_sufficiency_return(&user.actor, kind, as_at, &name, &bytes)
            .await
            .map(|_| kind),
        (_, None, _) => {
            errors.push(FieldError::new("file", "Choose a CSV file"));
            Err(AppError::Invalid(errors))
        }
        _ => Err(AppError::Invalid(errors)),
    };
    let keep = Fields::default();
    redirect_or_show_again(
        result,
        |kind| {
            format!(
                "/sufficiency?done={}",
                if kind == ReturnKind::Capacity {
                    "capacity"
                } else {
                    "ehcp"
                }
            )
        },
        |errors| show(&state, &user, keep.clone(), errors),
    )
    .await
}

async fn add_scenario(State(state): State<AppState>, user: SignedIn, values: Fields) -> PageResult {
    let form = ScenarioForm {
        name: values.text("name").into(),
        intake: values.text("intake").into(),
        primary: values.text("primary").into(),
        secondary: values.text("secondary").into(),
        post16: values.text("post16").into(),
        specialist_share: values.text("specialist_share").into(),
    };
    let result = state.app.add_scenario(&user.actor, &form).await;
    redirect_or_show_again(
        result,
        |id| format!("/sufficiency?scenario={id}&done=scenario"),
        |errors| show(&state, &user, values.clone(), errors),
    )
    .await
}
