//! User administration pages (coordinator only; others get 404 from the operations).

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use mns_app::identity::users::NewUser;
use mns_app::{AppError, FieldError};
use mns_domain::identity::Role;
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
        Err(AppError::Invalid(errors)) => {
            let mut r = new_user_page(&state, &user, values, errors, None);
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
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
