//! Deleting a draft referral the school no longer wants: a confirmation page, then the
//! referrals list with a success banner. Only its school, and only a draft never sent: a
//! referral that has been submitted is a child's record and is never deleted (404, as for a
//! referral that does not exist).

use super::super::{Chrome, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use mns_domain::referral::Referral;

/// Where the referrals list says a draft was deleted.
pub const DELETED: &str = "/referrals?deleted=draft";

#[derive(Template)]
#[template(path = "referral_form_delete.html")]
struct ConfirmPage {
    chrome: Chrome,
    id: String,
    /// "Robin Example", or "an unnamed pupil".
    pupil: String,
}

/// Who the draft is for, as the question names them.
fn pupil(form: &Referral) -> String {
    let name = format!(
        "{} {}",
        form.pupil.first_name.trim(),
        form.pupil.last_name.trim()
    );
    match name.trim() {
        "" => "an unnamed pupil".into(),
        name => name.to_string(),
    }
}

/// `GET /referrals/{id}/delete`: "Are you sure you want to delete the draft referral for …?"
pub async fn confirm(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let view = state.app.draft_for_deleting(&user.actor, &id).await?;
    Ok(render(&ConfirmPage {
        chrome: Chrome::signed_in(&state, &user, &format!("/referrals/{id}/delete")),
        pupil: pupil(&view.form),
        id,
    }))
}

/// `POST /referrals/{id}/delete`: deletes the draft and the files attached to it, then the
/// referrals list says so.
pub async fn delete(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    state.app.delete_draft_referral(&user.actor, &id).await?;
    Ok(Redirect::to(DELETED).into_response())
}
