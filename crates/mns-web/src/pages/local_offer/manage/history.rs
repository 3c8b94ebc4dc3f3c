//! A service's versions: confirming an entry is still correct, the history of every published
//! version with what changed in each, and the council restoring an older one.

use super::chrome;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::Fields;
use crate::pages::{Chrome, PageResult, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::AppError;
use mns_app::directory::is_local_offer_officer;
use mns_domain::directory::diff::{FieldChange, diff};

/// `POST /local-offer/manage/services/{id}/confirm`: "this entry is still correct".
pub async fn confirm(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    state.app.confirm_service_reviewed(&user.actor, &id).await?;
    Ok(Redirect::to(&format!("/local-offer/manage/services/{id}/history")).into_response())
}

/// A line of a service's history.
pub struct VersionLine {
    version: i64,
    when: String,
    note: String,
    changes: Vec<FieldChange>,
    current: bool,
}

#[derive(Template)]
#[template(path = "local_offer_history.html")]
struct HistoryPage {
    chrome: Chrome,
    id: String,
    name: String,
    officer: bool,
    versions: Vec<VersionLine>,
}

/// `GET /local-offer/manage/services/{id}/history`: every published version, with what
/// changed in each.
pub async fn history(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let versions = state.app.service_history(&user.actor, &id).await?;
    let name = versions
        .first()
        .map(|v| v.service.name.clone())
        .unwrap_or_default();
    let lines = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionLine {
            version: v.version,
            when: mns_domain::calendar::format_uk_datetime(v.changed_at),
            note: v.note.clone(),
            changes: versions
                .get(i + 1)
                .map(|older| diff(&older.service, &v.service))
                .unwrap_or_default(),
            current: i == 0,
        })
        .collect();
    Ok(render(&HistoryPage {
        chrome: chrome(&state, &user, "/local-offer/manage/services"),
        id,
        name,
        officer: is_local_offer_officer(&user.actor),
        versions: lines,
    }))
}

/// `POST /local-offer/manage/services/{id}/restore`: the council publishes an older version
/// again.
pub async fn restore(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    if !is_local_offer_officer(&user.actor) {
        return Err(AppError::NotFound.into());
    }
    let fields = Fields::from_body(&body);
    let version: i64 = fields
        .trimmed("version")
        .parse()
        .map_err(|_| AppError::invalid("version", "Choose a version to restore"))?;
    state
        .app
        .restore_service_version(&user.actor, &id, version)
        .await?;
    Ok(Redirect::to(&format!("/local-offer/manage/services/{id}/history")).into_response())
}
