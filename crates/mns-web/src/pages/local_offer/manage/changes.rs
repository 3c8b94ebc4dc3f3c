//! A proposed change with the difference shown (`/local-offer/manage/changes/{id}`), and the
//! council approving or rejecting it.

use super::chrome;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::Fields;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::AppError;
use mns_app::directory::is_local_offer_officer;
use mns_app::records::ChangeRecord;
use mns_domain::directory::diff::{FieldChange, diff};

#[derive(Template)]
#[template(path = "local_offer_change.html")]
struct ChangePage {
    chrome: Chrome,
    form: FormState,
    change: ChangeRecord,
    submitted: String,
    changes: Vec<FieldChange>,
    /// The organisation that would run it (named for a new service).
    organization: String,
    officer: bool,
    reason: String,
}

async fn change_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    form: FormState,
    reason: String,
) -> PageResult {
    let (change, current) = state.app.directory_change(&user.actor, id).await?;
    let changes = match &current {
        Some(entry) => diff(&entry.service, &change.proposed),
        // A new service: every field it has, against an empty entry.
        None => diff(&mns_domain::directory::Service::default(), &change.proposed),
    };
    let organization = state
        .app
        .directory_organization(&change.proposed.organization_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(render(&ChangePage {
        organization,
        chrome: chrome(state, user, "/local-offer/manage/changes").with_errors(&form),
        form,
        submitted: mns_domain::calendar::format_uk_datetime(change.submitted_at),
        change,
        changes,
        officer: is_local_offer_officer(&user.actor),
        reason,
    }))
}

/// `GET /local-offer/manage/changes/{id}`: a proposed change with the difference shown.
pub async fn show_change(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    change_page(&state, &user, &id, FormState::default(), String::new()).await
}

/// `POST /local-offer/manage/changes/{id}`: the council approves or rejects it.
pub async fn decide_change(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    if !is_local_offer_officer(&user.actor) {
        return Err(AppError::NotFound.into());
    }
    // A change that does not exist is a 404 before anything about the form is said.
    state.app.directory_change(&user.actor, &id).await?;
    let fields = Fields::from_body(&body);
    let decision = fields.trimmed("decision");
    let reason = fields.trimmed("reason");
    let result = match decision.as_str() {
        "approve" => {
            state
                .app
                .decide_directory_change(&user.actor, &id, true, None)
                .await
        }
        "reject" => {
            state
                .app
                .decide_directory_change(&user.actor, &id, false, Some(&reason))
                .await
        }
        _ => Err(AppError::invalid(
            "decision",
            "Select whether to approve the change",
        )),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/local-offer/manage").into_response()),
        Err(AppError::Invalid(errors)) => {
            change_page(&state, &user, &id, FormState::with(errors), reason).await
        }
        Err(e) => Err(e.into()),
    }
}
