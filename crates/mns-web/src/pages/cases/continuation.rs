//! The school's continuation request (MN-CONT-1).

use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mns_app::cases::CaseView;
use mns_app::{AppError, FieldError};
use mns_domain::provision::{CaseAction, ContinuationRequest};

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
    state
        .app
        .require_case_action(&user.actor, id, CaseAction::RequestContinuation)
        .await?;
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
