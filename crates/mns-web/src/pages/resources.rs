//! The limited resources page (MN-PROV-1): HLSAs and their hours, the AV1 robot pool, and the
//! waiting list, with the forms council staff use to allocate them.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again};
use askama::Template;
use axum::extract::State;
use mns_app::resources::ResourcesView;
use mns_app::{AppError, FieldError};
use mns_domain::permissions::Capability;
use mns_domain::provision::RobotState;

#[derive(Template)]
#[template(path = "resources.html")]
struct ResourcesPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Fields,
    view: ResourcesView,
    may_manage: bool,
    states: Vec<(&'static str, &'static str)>,
    shortfall: f64,
    robots_waiting: usize,
    robots_free: usize,
}

async fn page(
    state: &AppState,
    user: &SignedIn,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let view = state.app.resources(&user.actor).await?;
    let form = FormState::with(errors.clone());
    Ok(render(&ResourcesPage {
        chrome: Chrome::signed_in(state, user, "/resources").with_errors(&form),
        form,
        errors,
        values,
        may_manage: user.actor.may(Capability::ManageResources),
        states: RobotState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        shortfall: view.hlsa_shortfall(),
        robots_waiting: view.robots_waiting(),
        robots_free: view
            .robots
            .iter()
            .filter(|(r, _)| r.state == RobotState::InStore)
            .count(),
        view,
    }))
}

/// `GET /resources`.
pub async fn show(State(state): State<AppState>, user: SignedIn) -> PageResult {
    page(&state, &user, Fields::default(), Vec::new()).await
}

async fn after(
    state: &AppState,
    user: &SignedIn,
    values: Fields,
    result: Result<(), AppError>,
) -> PageResult {
    redirect_or_show_again(
        result,
        |()| "/resources".into(),
        |errors| page(state, user, values, errors),
    )
    .await
}

fn number(values: &Fields, name: &str) -> Option<f64> {
    values
        .text(name)
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|h| h.is_finite())
}

/// `POST /resources/hlsa`: adds an HLSA.
pub async fn add_hlsa(State(state): State<AppState>, user: SignedIn, values: Fields) -> PageResult {
    let result = state
        .app
        .add_hlsa_worker(
            &user.actor,
            values.text("worker_name"),
            number(&values, "weekly_hours"),
            values.text("areas"),
        )
        .await;
    after(&state, &user, values, result).await
}

/// `POST /resources/hlsa/allocate`: gives a case HLSA hours.
pub async fn allocate_hlsa(
    State(state): State<AppState>,
    user: SignedIn,
    values: Fields,
) -> PageResult {
    let result = state
        .app
        .allocate_hlsa(
            &user.actor,
            values.text("case"),
            values.text("worker"),
            number(&values, "hlsa_hours"),
        )
        .await
        .map(|_| ());
    after(&state, &user, values, result).await
}

/// `POST /resources/online`: adds an online-learning provider.
pub async fn add_online(
    State(state): State<AppState>,
    user: SignedIn,
    values: Fields,
) -> PageResult {
    let places = values.text("places").trim().parse::<i64>().ok();
    let result = state
        .app
        .add_online_provider(&user.actor, values.text("provider_name"), places)
        .await;
    after(&state, &user, values, result).await
}

/// `POST /resources/online/allocate`: gives a case an online-learning place.
pub async fn allocate_online(
    State(state): State<AppState>,
    user: SignedIn,
    values: Fields,
) -> PageResult {
    let result = state
        .app
        .allocate_online_place(
            &user.actor,
            values.text("online_case"),
            values.text("online_provider"),
        )
        .await
        .map(|_| ());
    after(&state, &user, values, result).await
}

/// `POST /resources/robots`: adds a robot to the pool.
pub async fn add_robot(
    State(state): State<AppState>,
    user: SignedIn,
    values: Fields,
) -> PageResult {
    let result = state
        .app
        .add_robot(&user.actor, values.text("serial"))
        .await;
    after(&state, &user, values, result).await
}

/// `POST /resources/robots/move`: moves a robot.
pub async fn move_robot(
    State(state): State<AppState>,
    user: SignedIn,
    values: Fields,
) -> PageResult {
    let to = RobotState::ALL
        .into_iter()
        .find(|s| s.as_str() == values.text("robot_state"));
    let case = Some(values.text("robot_case")).filter(|c| !c.is_empty());
    let result = state
        .app
        .move_robot(&user.actor, values.text("robot"), to, case)
        .await;
    after(&state, &user, values, result).await
}

/// `POST /resources/waiting`: puts a case on the waiting list for a robot.
pub async fn wait_for_robot(
    State(state): State<AppState>,
    user: SignedIn,
    values: Fields,
) -> PageResult {
    let result = state
        .app
        .wait_for_robot(&user.actor, values.text("waiting_case"))
        .await;
    after(&state, &user, values, result).await
}

/// An invoice as the finance list shows it (no child's name).
pub struct InvoiceRow {
    id: String,
    reference: String,
    hospital: String,
    amount: String,
    status: String,
    missing: String,
    payable: bool,
}

#[derive(Template)]
#[template(path = "invoices.html")]
struct InvoicesPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    rows: Vec<InvoiceRow>,
    may_pay: bool,
}

async fn invoices_page(state: &AppState, user: &SignedIn, errors: Vec<FieldError>) -> PageResult {
    let lines = state.app.invoice_list(&user.actor).await?;
    let form = FormState::with(errors.clone());
    Ok(render(&InvoicesPage {
        chrome: Chrome::signed_in(state, user, "/invoices").with_errors(&form),
        errors,
        may_pay: user.actor.may(Capability::PayInvoices),
        rows: lines
            .into_iter()
            .map(|l| InvoiceRow {
                payable: l.invoice.status == mns_domain::provision::InvoiceStatus::Payable,
                id: l.invoice.id,
                reference: l.invoice.reference,
                hospital: l.invoice.hospital,
                amount: super::cases::pounds(l.invoice.amount_pence),
                status: l.invoice.status.label().to_string(),
                missing: l.missing.join(", "),
            })
            .collect(),
    }))
}

/// `GET /invoices`: hospital invoices for finance (MN-HOSP-2).
pub async fn invoices(State(state): State<AppState>, user: SignedIn) -> PageResult {
    invoices_page(&state, &user, Vec::new()).await
}

/// `POST /invoices/{id}/paid`: finance marks a payable invoice paid.
pub async fn pay_invoice(
    State(state): State<AppState>,
    user: SignedIn,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> PageResult {
    redirect_or_show_again(
        state.app.pay_invoice(&user.actor, &id).await,
        |()| "/invoices".into(),
        |errors| invoices_page(&state, &user, errors),
    )
    .await
}
