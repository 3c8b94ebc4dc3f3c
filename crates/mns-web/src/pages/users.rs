//! User administration pages (coordinator only; others get 404 from the operations).

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::show_again;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::identity::users::NewUser;
use mns_app::{AppError, FieldError};
use mns_domain::identity::Role;
use mns_domain::permissions::Capability;
use serde::Deserialize;

/// A user as the list shows them.
pub struct UserLine {
    id: String,
    name: String,
    email: String,
    role: &'static str,
    disabled: bool,
    is_self: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserLine>,
}

/// `GET /users`.
pub async fn list(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let users = state.app.list_users(&user.actor).await?;
    Ok(render(&UsersPage {
        chrome: Chrome::signed_in(&state, &user, "/users"),
        users: users
            .into_iter()
            .map(|u| UserLine {
                is_self: u.id == user.actor.user.id,
                id: u.id,
                name: u.display_name,
                email: u.email,
                role: u.role.label(),
                disabled: u.disabled_at.is_some(),
            })
            .collect(),
    }))
}

/// A role choice on the form.
pub struct RoleChoice {
    value: &'static str,
    label: &'static str,
}

/// What was typed into the add-user form, kept when it is shown again with errors.
#[derive(Deserialize, Default, Clone)]
pub struct NewUserForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    school_urn: String,
}

/// Shown once after a user is added.
pub struct Added {
    email: String,
    password: String,
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: NewUserForm,
    roles: Vec<RoleChoice>,
    added: Option<Added>,
}

fn new_user_page(
    state: &AppState,
    user: &SignedIn,
    values: NewUserForm,
    errors: Vec<FieldError>,
    added: Option<Added>,
) -> axum::response::Response {
    let form = FormState::with(errors.clone());
    render(&NewUserPage {
        chrome: Chrome::signed_in(state, user, "/users/new").with_errors(&form),
        form,
        errors,
        values,
        roles: Role::ALL
            .iter()
            .map(|r| RoleChoice {
                value: r.as_str(),
                label: r.label(),
            })
            .collect(),
        added,
    })
}

/// `GET /users/new`.
pub async fn new(State(state): State<AppState>, user: SignedIn) -> PageResult {
    // The list operation is the permission check: only those who manage users see the form.
    state.app.list_users(&user.actor).await?;
    Ok(new_user_page(
        &state,
        &user,
        NewUserForm::default(),
        Vec::new(),
        None,
    ))
}

/// `POST /users`.
pub async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    Form(values): Form<NewUserForm>,
) -> PageResult {
    let result = state
        .app
        .add_user(
            &user.actor,
            NewUser {
                email: values.email.clone(),
                display_name: values.display_name.clone(),
                role: values.role.clone(),
                school_urn: Some(values.school_urn.clone()),
                password: None,
            },
        )
        .await;
    match result {
        Ok(added) => Ok(new_user_page(
            &state,
            &user,
            values,
            Vec::new(),
            Some(Added {
                email: added.user.email,
                password: added.password,
            }),
        )),
        Err(e) => {
            show_again(e, |errors| {
                std::future::ready(Ok(new_user_page(&state, &user, values, errors, None)))
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "user_disable.html")]
struct DisablePage {
    chrome: Chrome,
    id: String,
    name: String,
    email: String,
}

/// `GET /users/{id}/disable`: "are you sure?".
pub async fn confirm_disable(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let target = state.app.user_for_admin(&user.actor, &id).await?;
    Ok(render(&DisablePage {
        chrome: Chrome::signed_in(&state, &user, "/users/"),
        id: target.id,
        name: target.display_name,
        email: target.email,
    }))
}

/// `POST /users/{id}/disable`.
pub async fn disable(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    state.app.disable_user(&user.actor, &id).await?;
    Ok(Redirect::to("/users").into_response())
}

/// An API token as its page lists it.
pub struct TokenLine {
    id: String,
    name: String,
    created: String,
    expires: String,
    status: &'static str,
    tag: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "api_tokens.html")]
struct TokensPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    user_id: String,
    name: String,
    email: String,
    is_self: bool,
    may_issue: bool,
    tokens: Vec<TokenLine>,
    new_token: Option<String>,
    values: TokenForm,
}

/// The new-token form.
#[derive(Deserialize, Default, Clone)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

async fn tokens_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    new_token: Option<String>,
    values: TokenForm,
    errors: Vec<FieldError>,
) -> PageResult {
    let (owner, tokens) = state.app.api_tokens(&user.actor, id).await?;
    let now = state.app.now();
    let form = FormState::with(errors.clone());
    Ok(render(&TokensPage {
        chrome: Chrome::signed_in(state, user, "/users/").with_errors(&form),
        form,
        errors,
        is_self: owner.id == user.actor.user.id,
        may_issue: user.actor.may(Capability::ManageUsers),
        user_id: owner.id,
        name: owner.display_name,
        email: owner.email,
        tokens: tokens
            .into_iter()
            .map(|t| {
                let (status, tag, active) = match (t.revoked_at, t.expires_at) {
                    (Some(_), _) => ("Revoked", "govuk-tag--grey", false),
                    (None, Some(e)) if e <= now => ("Expired", "govuk-tag--grey", false),
                    _ => ("Active", "govuk-tag--green", true),
                };
                TokenLine {
                    id: t.id,
                    name: if t.name.is_empty() {
                        "(no name)".into()
                    } else {
                        t.name
                    },
                    created: mns_domain::calendar::format_uk_datetime(t.created_at),
                    expires: t
                        .expires_at
                        .map_or("Never".into(), mns_domain::calendar::format_uk_datetime),
                    status,
                    tag,
                    active,
                }
            })
            .collect(),
        new_token,
        values,
    }))
}

/// `GET /users/{id}/api-tokens`: a user's API tokens (the user's own, or any for the
/// coordinator), with their names, expiry and a revoke button each.
pub async fn api_tokens(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    tokens_page(&state, &user, &id, None, TokenForm::default(), Vec::new()).await
}

/// `POST /users/{id}/api-tokens` (the coordinator): issues a token, shown once on the page.
pub async fn issue_api_token(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(values): Form<TokenForm>,
) -> PageResult {
    let (owner, _) = state.app.api_tokens(&user.actor, &id).await?;
    let days = values.days.trim();
    let days = if days.is_empty() {
        Ok(None)
    } else {
        days.parse::<i64>().map(Some).map_err(|_| {
            AppError::invalid(
                "days",
                "The number of days must be a whole number from 1 to 366",
            )
        })
    };
    let issued = match days {
        Ok(days) => {
            state
                .app
                .issue_api_token(&user.actor, &owner.email, &values.name, days)
                .await
        }
        Err(e) => Err(e),
    };
    match issued {
        Ok(token) => {
            tokens_page(
                &state,
                &user,
                &id,
                Some(token),
                TokenForm::default(),
                Vec::new(),
            )
            .await
        }
        Err(e) => {
            show_again(e, |errors| {
                tokens_page(&state, &user, &id, None, values, errors)
            })
            .await
        }
    }
}

/// `POST /users/{id}/api-tokens/{token}/revoke`: by the token's owner or the coordinator.
pub async fn revoke_api_token(
    State(state): State<AppState>,
    user: SignedIn,
    Path((id, token)): Path<(String, String)>,
) -> PageResult {
    state.app.revoke_api_token(&user.actor, &id, &token).await?;
    Ok(Redirect::to(&format!("/users/{id}/api-tokens")).into_response())
}
