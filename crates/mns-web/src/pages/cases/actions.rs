//! The forms on a case: each `POST` calls one application operation, then goes back to the
//! case with a banner saying what happened, or shows the form's page again with the problems
//! named and what was typed (422). Also the case's PDFs. The steps that are checked before
//! they are done (start, continuation, end) are in [`super::confirm`].

use super::case::case_page;
use super::forms::{CaseForm, read_send, show_form};
use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::redirect_or_show_again;
use crate::pages::PageResult;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mns_app::{AppError, FieldError};
use mns_domain::provision::CaseAction;

/// After an operation on a case that has no form page of its own (arranging the review, a
/// note, a confirmed continuation): back to the case page, with `then` (an anchor or a query)
/// when it worked, or the case page again with the problems named (422).
pub(super) async fn after_case(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    result: Result<(), AppError>,
    then: &str,
) -> PageResult {
    redirect_or_show_again(
        result,
        |()| format!("/cases/{id}{then}"),
        |errors| case_page(state, user, id, errors),
    )
    .await
}

/// After a form's operation: to the case page with its banner (`?done=`) when it worked, or the
/// form's page again with the problems and what was typed (422).
pub(super) async fn after_form(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    kind: CaseForm,
    values: Fields,
    result: Result<(), AppError>,
) -> PageResult {
    redirect_or_show_again(
        result,
        |()| format!("/cases/{id}?done={}", kind.done()),
        |errors| async move {
            let view = state
                .app
                .view_case_for(&user.actor, id, kind.needs())
                .await?;
            Ok(show_form(state, user, &view, kind, values, errors))
        },
    )
    .await
}

/// What `operation` answers when the form was read without problems; otherwise the form's
/// problems, once the user is known to be allowed to send it (the operation is not run).
async fn unless_problems(
    state: &AppState,
    user: &SignedIn,
    (id, action): (&str, CaseAction),
    errors: Vec<FieldError>,
    operation: impl Future<Output = Result<(), AppError>>,
) -> Result<(), AppError> {
    if errors.is_empty() {
        operation.await
    } else {
        form_problems(state, user, id, action, errors).await
    }
}

/// The problems of a form that could not be read, once the user is known to be allowed to
/// send it: a refusal (404) looks the same however the form was filled in.
pub(super) async fn form_problems(
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
    after_form(&state, &user, &id, CaseForm::Session, values, result).await
}

/// `POST /cases/{id}/review/start`: the school or coordinator arranges the review.
pub async fn start_review(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let result = state.app.start_review(&user.actor, &id).await;
    after_case(&state, &user, &id, result, "").await
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
    let result = unless_problems(
        &state,
        &user,
        (&id, CaseAction::RequestEnd),
        errors,
        state
            .app
            .request_end(&user.actor, &id, stops_on, values.text("end_reason")),
    )
    .await;
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
    after_form(&state, &user, &id, CaseForm::EndRequest, values, result).await
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
    after_form(&state, &user, &id, CaseForm::WelfareCheck, values, result).await
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
    after_form(&state, &user, &id, CaseForm::Concern, values, result).await
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
    after_case(&state, &user, &id, result, "#notes").await
}

/// `POST /cases/{id}/send`: SEND details (MN-SEND-1).
pub async fn send_details(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let mut errors = Vec::new();
    let details = read_send(&values, &mut errors);
    let result = unless_problems(
        &state,
        &user,
        (&id, CaseAction::RecordSpecialSituations),
        errors,
        state.app.set_send_details(&user.actor, &id, details),
    )
    .await;
    after_form(&state, &user, &id, CaseForm::Send, values, result).await
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
    let result = unless_problems(
        &state,
        &user,
        (&id, CaseAction::RecordSpecialSituations),
        errors,
        state.app.record_admission(
            &user.actor,
            &id,
            values.text("hospital"),
            values.text("hospital_school"),
            admitted,
            discharge,
        ),
    )
    .await;
    after_form(&state, &user, &id, CaseForm::Admission, values, result).await
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
    after_form(&state, &user, &id, CaseForm::Invoice, values, result).await
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
    after_form(
        &state,
        &user,
        &id,
        CaseForm::Attendance,
        Fields::default(),
        result,
    )
    .await
}

/// `POST /cases/{id}/life-limiting`: the coordinator records MN-LIFE-1, or removes it.
pub async fn life_limiting(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let result = match values.yes_no("life_limiting") {
        Some(yes) => state.app.set_life_limiting(&user.actor, &id, yes).await,
        None => {
            form_problems(
                &state,
                &user,
                &id,
                CaseAction::SetLifeLimiting,
                vec![FieldError::new(
                    "life_limiting",
                    "Select yes if the child has a life-limiting or terminal illness",
                )],
            )
            .await
        }
    };
    after_form(&state, &user, &id, CaseForm::LifeLimiting, values, result).await
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
