//! The coordinator's help for a user who cannot get in: unlock the account, reset the
//! password (a reset link by email; no password is passed around), reset the one-time code
//! key, and allow a member of staff to reset their own password. Each has a confirmation page;
//! the operations refuse everyone but the coordinator (404).

use super::{Chrome, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::identity::oidc_links::UserIdentities;
use mns_app::identity::recovery::AccountState;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "user_account.html")]
struct AccountPage {
    chrome: Chrome,
    account: AccountState,
    role: &'static str,
    identities: UserIdentities,
    link_sent: bool,
    now: chrono::DateTime<chrono::Utc>,
}

/// What the account page was reached with.
#[derive(Deserialize)]
pub struct AccountQuery {
    #[serde(default)]
    sent: Option<String>,
}

/// `GET /users/{id}/account`: a user's sign-in state and what the coordinator can do.
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Query(query): Query<AccountQuery>,
) -> PageResult {
    let account = state.app.account_state(&user.actor, &id).await?;
    let identities = state.app.user_identities(&user.actor, &id).await?;
    Ok(render(&AccountPage {
        chrome: Chrome::signed_in(&state, &user, "/users/"),
        role: account.user.role.label(),
        account,
        identities,
        link_sent: query.sent.is_some(),
        now: state.app.now(),
    }))
}

/// The form that sends a link to connect a sign-in account.
#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    provider: String,
}

/// `POST /users/{id}/identities/link`: emails the user a link that connects their account at a
/// provider.
pub async fn send_identity_link(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> PageResult {
    match state
        .app
        .send_identity_link(&user.actor, &id, &form.provider)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/users/{id}/account?sent=1")).into_response()),
        Err(mns_app::AppError::Invalid(errors)) => {
            let mut response = info_page(
                &state,
                &user,
                &id,
                errors.into_iter().map(|e| e.message).collect(),
            )
            .await?;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

async fn info_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    paragraphs: Vec<String>,
) -> PageResult {
    let account = state.app.account_state(&user.actor, id).await?;
    Ok(render(&ConfirmPage {
        chrome: Chrome::signed_in(state, user, "/users/"),
        id: account.user.id,
        heading: "The link could not be sent".into(),
        paragraphs,
        action: "",
        button: "",
        allowed: "",
    }))
}

#[derive(Template)]
#[template(path = "user_identity_disconnect.html")]
struct DisconnectPage {
    chrome: Chrome,
    id: String,
    user_name: String,
    email: String,
    name: String,
    issuer: String,
    subject: String,
}

/// `GET /users/{id}/identities/disconnect?issuer=…&subject=…`: "are you sure?".
pub async fn confirm_unlink_identity(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Query(form): Query<UnlinkForm>,
) -> PageResult {
    let identities = state.app.user_identities(&user.actor, &id).await?;
    let identity = identities
        .identities
        .into_iter()
        .find(|i| i.issuer == form.issuer && i.subject == form.subject)
        .ok_or(mns_app::AppError::NotFound)?;
    Ok(render(&DisconnectPage {
        chrome: Chrome::signed_in(&state, &user, "/users/"),
        id: identities.user.id,
        user_name: identities.user.display_name,
        email: identities.user.email,
        name: identity.provider_name,
        issuer: identity.issuer,
        subject: identity.subject,
    }))
}

/// The form that unlinks a sign-in account.
#[derive(Deserialize)]
pub struct UnlinkForm {
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    subject: String,
}

/// `POST /users/{id}/identities/unlink`: the user can no longer sign in with that account.
pub async fn unlink_identity(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<UnlinkForm>,
) -> PageResult {
    state
        .app
        .unlink_identity(&user.actor, &id, &form.issuer, &form.subject)
        .await?;
    back_to_account(&id)
}

#[derive(Template)]
#[template(path = "user_account_confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    id: String,
    heading: String,
    paragraphs: Vec<String>,
    action: &'static str,
    button: &'static str,
    allowed: &'static str,
}

async fn confirm(state: &AppState, user: &SignedIn, id: &str, what: &'static str) -> PageResult {
    let account = state.app.account_state(&user.actor, id).await?;
    let name = account.user.display_name.clone();
    let email = account.user.email.clone();
    let (heading, paragraphs, button, allowed) = match what {
        "unlock" => (
            format!("Unlock {name}'s account"),
            vec![format!(
                "{email} will be able to sign in again at once. Their failed attempts to sign in are forgotten."
            )],
            "Unlock the account",
            "",
        ),
        "reset-password" => (
            format!("Reset {name}'s password"),
            vec![
                format!("{email} will be signed out and sent an email with a link to choose a new password. The link works once, for 1 hour."),
                "Until they choose a new password, they must do so before anything else when they sign in.".to_string(),
            ],
            "Reset the password",
            "",
        ),
        "reset-code" => (
            format!("Reset {name}'s one-time code"),
            vec![
                format!("{email} will be signed out. The next time they sign in, they will set up their authenticator app again with a new key."),
                "Their old authenticator app codes will stop working.".to_string(),
            ],
            "Reset the one-time code",
            "",
        ),
        _ if account.flags.self_reset_allowed_at.is_some() => (
            format!("Stop {name} resetting their own password"),
            vec![format!("If {email} forgets their password, they will have to ask you to reset it.")],
            "Stop self-service reset",
            "no",
        ),
        _ => (
            format!("Allow {name} to reset their own password"),
            vec![
                format!("If {email} forgets their password, they will be able to get a link to choose a new one by email."),
                "Their one-time code is still needed to sign in.".to_string(),
            ],
            "Allow self-service reset",
            "yes",
        ),
    };
    Ok(render(&ConfirmPage {
        chrome: Chrome::signed_in(state, user, "/users/"),
        id: account.user.id,
        heading,
        paragraphs,
        action: what,
        button,
        allowed,
    }))
}

fn back_to_account(id: &str) -> PageResult {
    Ok(Redirect::to(&format!("/users/{id}/account")).into_response())
}

/// `GET /users/{id}/unlock`: "are you sure?".
pub async fn confirm_unlock(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    confirm(&state, &user, &id, "unlock").await
}

/// `POST /users/{id}/unlock`.
pub async fn unlock(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    state.app.unlock_user(&user.actor, &id).await?;
    back_to_account(&id)
}

/// `GET /users/{id}/reset-password`: "are you sure?".
pub async fn confirm_reset_password(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    confirm(&state, &user, &id, "reset-password").await
}

/// `POST /users/{id}/reset-password`.
pub async fn reset_password(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    state.app.reset_user_password(&user.actor, &id).await?;
    back_to_account(&id)
}

/// `GET /users/{id}/reset-code`: "are you sure?".
pub async fn confirm_reset_code(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    confirm(&state, &user, &id, "reset-code").await
}

/// `POST /users/{id}/reset-code`.
pub async fn reset_code(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    match state.app.reset_user_code(&user.actor, &id).await {
        Err(mns_app::AppError::Invalid(_)) => back_to_account(&id),
        other => {
            other?;
            back_to_account(&id)
        }
    }
}

/// `GET /users/{id}/self-reset`: "are you sure?" (allowing, or stopping).
pub async fn confirm_self_reset(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    confirm(&state, &user, &id, "self-reset").await
}

/// The self-service reset form.
#[derive(Deserialize)]
pub struct SelfResetForm {
    #[serde(default)]
    allowed: String,
}

/// `POST /users/{id}/self-reset`.
pub async fn self_reset(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<SelfResetForm>,
) -> PageResult {
    match state
        .app
        .allow_self_reset(&user.actor, &id, form.allowed == "yes")
        .await
    {
        Err(mns_app::AppError::Invalid(_)) => back_to_account(&id),
        other => {
            other?;
            back_to_account(&id)
        }
    }
}
