//! The forms on a case's page: each calls one application operation, then shows the case
//! again (or the page with the problems named), and the case's PDFs.

use super::case::case_page;
use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::redirect_or_show_again;
use crate::pages::PageResult;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use mns_app::{AppError, FieldError};
use mns_domain::provision::{CaseAction, EndReason};

/// After an operation on a case: back to the case page (at `anchor`) when it worked, or the
/// page again with the problems named and the values kept (422) when the input was bad.
async fn after_case(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Fields,
    result: Result<(), AppError>,
    anchor: &str,
) -> PageResult {
    redirect_or_show_again(
        result,
        |()| format!("/cases/{id}{anchor}"),
        |errors| case_page(state, user, id, values, errors),
    )
    .await
}

/// The problems of a form that could not be read, once the user is known to be allowed to
/// send it: a refusal (404) looks the same however the form was filled in.
async fn form_problems(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    action: CaseAction,
    errors: Vec<FieldError>,
) -> Result<(), AppError> {
    state
        .app
        .require_case_action(&user.actor, id, action)
        .await?;
    Err(AppError::Invalid(errors))
}

/// `POST /cases/{id}/start`: the coordinator starts provision.
pub async fn start(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
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
            form_problems(
                &state,
                &user,
                &id,
                CaseAction::StartProvision,
                vec![FieldError::new("start", "Enter the day provision starts")],
            )
            .await
        }
        _ => form_problems(&state, &user, &id, CaseAction::StartProvision, errors).await,
    };
    after_case(&state, &user, &id, values, result, "").await
}

/// `POST /cases/{id}/sessions`: the provider logs a session.
pub async fn log_session(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
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
                    values.text("outcome"),
                    h,
                    values.text("note"),
                )
                .await
        }
        _ => {
            if held_on.is_none() && !errors.iter().any(|e| e.field == "held_on") {
                errors.push(FieldError::new("held_on", "Enter the date of the session"));
            }
            if hours.is_none() && !errors.iter().any(|e| e.field == "hours") {
                errors.push(FieldError::new("hours", "Enter the session's hours"));
            }
            form_problems(&state, &user, &id, CaseAction::LogSession, errors).await
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
    after_case(&state, &user, &id, Fields::default(), result, "").await
}

/// `POST /cases/{id}/continuation/agree`: the coordinator agrees the continuation.
pub async fn agree_continuation(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let result = state.app.agree_continuation(&user.actor, &id).await;
    after_case(&state, &user, &id, Fields::default(), result, "").await
}

/// `POST /cases/{id}/end`: the coordinator ends provision.
pub async fn end(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let result = match EndReason::parse(values.text("reason")) {
        Ok(reason) => {
            state
                .app
                .end_case(&user.actor, &id, reason, values.text("end_note"))
                .await
        }
        Err(_) => {
            form_problems(
                &state,
                &user,
                &id,
                CaseAction::EndProvision,
                vec![FieldError::new("reason", "Select why provision ends")],
            )
            .await
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
    values: Fields,
) -> PageResult {
    let mut errors = Vec::new();
    let stops_on = values.date("stops_on", "The day provision would stop", &mut errors);
    let result = if errors.is_empty() {
        state
            .app
            .request_end(&user.actor, &id, stops_on, values.text("end_reason"))
            .await
    } else {
        form_problems(&state, &user, &id, CaseAction::RequestEnd, errors).await
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
    values: Fields,
) -> PageResult {
    let mut errors = Vec::new();
    let checked_on = values.date("checked_on", "The date of the check", &mut errors);
    let result = match (checked_on, errors.is_empty()) {
        (Some(d), true) => {
            state
                .app
                .log_welfare_check(&user.actor, &id, d, values.text("welfare_notes"))
                .await
        }
        _ => {
            if checked_on.is_none() && errors.is_empty() {
                errors.push(FieldError::new("checked_on", "Enter the date of the check"));
            }
            form_problems(&state, &user, &id, CaseAction::LogWelfareCheck, errors).await
        }
    };
    after_case(&state, &user, &id, values, result, "#welfare").await
}

/// `POST /cases/{id}/concerns`: a provider or the coordinator raises a safeguarding concern.
pub async fn raise_concern(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let result = state
        .app
        .raise_concern(&user.actor, &id, values.text("concern"))
        .await;
    after_case(&state, &user, &id, values, result, "#concerns").await
}

/// `POST /cases/{id}/notes`: the coordinator or a caseworker adds a note.
pub async fn add_note(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let result = state
        .app
        .add_note(
            &user.actor,
            mns_app::notes::NoteOn::Case,
            &id,
            values.text("note"),
        )
        .await;
    after_case(&state, &user, &id, values, result, "#notes").await
}

/// `POST /cases/{id}/send`: SEND details (MN-SEND-1).
pub async fn send_details(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let details = mns_domain::provision::SendDetails {
        has_ehcp: values.has("has_ehcp", "yes"),
        ehcp_coordinator: Some(values.text("ehcp_coordinator").trim().to_string())
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
    values: Fields,
) -> PageResult {
    let mut errors = Vec::new();
    let admitted = values.date("admitted_on", "The date of admission", &mut errors);
    let discharge = values.date("discharge_on", "The discharge date", &mut errors);
    let result = if errors.is_empty() {
        state
            .app
            .record_admission(
                &user.actor,
                &id,
                values.text("hospital"),
                values.text("hospital_school"),
                admitted,
                discharge,
            )
            .await
    } else {
        form_problems(
            &state,
            &user,
            &id,
            CaseAction::RecordSpecialSituations,
            errors,
        )
        .await
    };
    after_case(&state, &user, &id, values, result, "#hospital").await
}

/// `POST /cases/{id}/invoices`: an invoice from a privately funded hospital (MN-HOSP-2).
pub async fn record_invoice(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
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
            values.text("invoice_hospital"),
            values.text("reference"),
            values.text("amount"),
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
    let result = match crate::pages::documents::uploaded_file(
        &state,
        request,
        "attendance",
        "Choose the attendance file to upload",
    )
    .await
    {
        Ok((name, bytes)) => state
            .app
            .attach_case_attendance(&user.actor, &id, &name, &bytes)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    after_case(&state, &user, &id, Fields::default(), result, "#coding").await
}

/// `POST /cases/{id}/life-limiting`: the coordinator records MN-LIFE-1.
pub async fn life_limiting(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    state
        .app
        .set_life_limiting(&user.actor, &id, values.text("life_limiting") == "yes")
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
