//! The emailed invitation link: someone given access to a child who had no account creates one
//! here, for the address the invitation was sent to. A link that is unknown, used, expired or
//! cancelled gets a page saying so, and changes nothing.

use super::account::{csrf_for, with_presession};
use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::{MaybeSession, Source};
use crate::form::show_again;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mns_app::FieldError;
use mns_app::identity::sessions::ResolvedSession;
use mns_app::invitations::{Acceptance, InvitationLink};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    csrf_token: String,
    token: String,
    state: &'static str,
    email: String,
    display_name: String,
}

struct Shown<'a> {
    token: &'a str,
    link: InvitationLink,
    errors: Vec<FieldError>,
    email: String,
    display_name: String,
}

fn page(
    state: &AppState,
    headers: &HeaderMap,
    session: Option<&ResolvedSession>,
    shown: Shown<'_>,
) -> Response {
    let (csrf_token, new) = csrf_for(state, headers, session);
    let form = FormState::with(shown.errors.clone());
    let (page_state, status) = match shown.link {
        InvitationLink::Open => ("form", StatusCode::OK),
        InvitationLink::Accepted => ("done", StatusCode::OK),
        InvitationLink::Used => ("used", StatusCode::GONE),
        InvitationLink::Expired => ("expired", StatusCode::GONE),
        InvitationLink::Cancelled => ("cancelled", StatusCode::GONE),
        InvitationLink::Unknown => ("unknown", StatusCode::NOT_FOUND),
    };
    let mut response = render(&InvitationPage {
        chrome: Chrome::new(state, None, "/invitations/").with_errors(&form),
        form,
        errors: shown.errors,
        csrf_token: csrf_token.clone(),
        token: shown.token.to_string(),
        state: page_state,
        email: shown.email,
        display_name: shown.display_name,
    });
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    with_presession(state, response, &csrf_token, new)
}

/// `GET /invitations/{token}`: the emailed link.
pub async fn show(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> PageResult {
    let link = state.app.invitation_link(&token).await?;
    Ok(page(
        &state,
        &headers,
        session.as_ref(),
        Shown {
            token: &token,
            link,
            errors: Vec::new(),
            email: String::new(),
            display_name: String::new(),
        },
    ))
}

/// The account form.
#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

/// `POST /invitations/{token}`: creates the account.
pub async fn accept(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Source(source): Source,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> PageResult {
    let (email, display_name) = (form.email.clone(), form.display_name.clone());
    let result = state
        .app
        .accept_invitation(
            &token,
            Acceptance {
                email: form.email,
                display_name: form.display_name,
                password: form.password,
                confirm_password: form.confirm_password,
            },
            &source,
        )
        .await;
    let shown = |link, errors| Shown {
        token: &token,
        link,
        errors,
        email: email.clone(),
        display_name: display_name.clone(),
    };
    match result {
        Ok(link) => Ok(page(
            &state,
            &headers,
            session.as_ref(),
            shown(link, Vec::new()),
        )),
        Err(e) => {
            show_again(e, |errors| {
                std::future::ready(Ok(page(
                    &state,
                    &headers,
                    session.as_ref(),
                    shown(InvitationLink::Open, errors),
                )))
            })
            .await
        }
    }
}
