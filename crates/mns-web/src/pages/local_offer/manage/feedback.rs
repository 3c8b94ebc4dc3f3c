//! Families' feedback for the council (`/local-offer/manage/feedback`): the list, and marking
//! an item read.

use super::chrome;
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};

#[derive(Template)]
#[template(path = "local_offer_feedback.html")]
struct FeedbackPage {
    chrome: Chrome,
    items: Vec<(mns_app::records::FeedbackRecord, String)>,
}

/// `GET /local-offer/manage/feedback`: what families have said.
pub async fn feedback(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let items = state.app.directory_feedback(&user.actor).await?;
    Ok(render(&FeedbackPage {
        chrome: chrome(&state, &user, "/local-offer/manage/feedback"),
        items,
    }))
}

/// `POST /local-offer/manage/feedback/{id}/read`: marks it read.
pub async fn feedback_read(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    state
        .app
        .mark_directory_feedback_read(&user.actor, &id)
        .await?;
    Ok(Redirect::to("/local-offer/manage/feedback").into_response())
}
