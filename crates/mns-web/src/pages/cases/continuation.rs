//! The school's continuation request (MN-CONT-1).

use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::redirect_or_show_again;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use mns_app::cases::CaseView;
use mns_app::{AppError, FieldError};
use mns_domain::provision::{CaseAction, ContinuationRequest};

#[derive(Template)]
#[template(path = "case_continuation.html")]
struct ContinuationPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Fields,
    id: String,
    pupil: String,
    evidence_weeks: u32,
}

fn continuation_page(
    state: &AppState,
    user: &SignedIn,
    view: &CaseView,
    values: Fields,
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

/// `GET /cases/{id}/continuation`: the school's continuation request.
pub async fn continuation_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let view = match open_step(&state, &user, &id, CaseAction::RequestContinuation).await? {
        Ok(view) => view,
        Err(back) => return Ok(back),
    };
    Ok(continuation_page(
        &state,
        &user,
        &view,
        Fields::default(),
        Vec::new(),
    ))
}

/// `POST /cases/{id}/continuation`: submits it.
pub async fn request_continuation(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let view = state
        .app
        .view_case_for(&user.actor, &id, CaseAction::RequestContinuation)
        .await?;
    let mut errors = Vec::new();
    let evidence_dated = values.date(
        "evidence_dated",
        "The date of the medical evidence",
        &mut errors,
    );
    let has_plan = match values.text("has_healthcare_plan") {
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
                .request_continuation(&user.actor, &id, request, has_plan, values.text("note"))
                .await
        }
        _ => Err(AppError::Invalid(errors)),
    };
    redirect_or_show_again(
        result,
        |()| format!("/cases/{id}?done=continuation"),
        |errors| std::future::ready(Ok(continuation_page(&state, &user, &view, values, errors))),
    )
    .await
}
