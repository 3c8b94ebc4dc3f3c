//! Getting back into an account: "Forgotten your password?", the emailed reset link, changing
//! one's own password (also where a user the coordinator reset is sent first), and "Sign in as
//! someone else" on a half-finished sign-in.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::{
    MaybeSession, SignedIn, Source, cookie, presession_cookie_name, read_cookie,
    session_cookie_name,
};
use crate::form::show_again;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mns_app::FieldError;
use mns_app::identity::new_token;
use mns_app::identity::recovery::ResetLink;
use mns_app::identity::sessions::ResolvedSession;
use serde::Deserialize;

/// The CSRF token for a page anyone may use: the session's, or a pre-session cookie's (set
/// on the response if it is new).
pub(crate) fn csrf_for(
    state: &AppState,
    headers: &HeaderMap,
    session: Option<&ResolvedSession>,
) -> (String, bool) {
    if let Some(s) = session {
        return (s.csrf_token.clone(), false);
    }
    match read_cookie(headers, presession_cookie_name(state.https)) {
        Some(token) => (token, false),
        None => (new_token(), true),
    }
}

pub(crate) fn with_presession(
    state: &AppState,
    mut response: Response,
    token: &str,
    new: bool,
) -> Response {
    if new {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookie(
                state.https,
                presession_cookie_name(state.https),
                token,
                None,
            ),
        );
    }
    response
}

#[derive(Template)]
#[template(path = "account_forgotten.html")]
struct ForgottenPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    csrf_token: String,
    email: String,
    sent: bool,
}

fn forgotten_page(
    state: &AppState,
    headers: &HeaderMap,
    session: Option<&ResolvedSession>,
    email: String,
    errors: Vec<FieldError>,
    sent: bool,
) -> Response {
    let (csrf_token, new) = csrf_for(state, headers, session);
    let form = FormState::with(errors.clone());
    let page = render(&ForgottenPage {
        chrome: Chrome::new(state, None, "/forgotten-password").with_errors(&form),
        form,
        errors,
        csrf_token: csrf_token.clone(),
        email,
        sent,
    });
    with_presession(state, page, &csrf_token, new)
}

/// `GET /forgotten-password`.
pub async fn forgotten(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
) -> Response {
    forgotten_page(
        &state,
        &headers,
        session.as_ref(),
        String::new(),
        Vec::new(),
        false,
    )
}

/// The forgotten-password form.
#[derive(Deserialize)]
pub struct ForgottenForm {
    #[serde(default)]
    email: String,
}

/// `POST /forgotten-password`: always the same answer, whether or not the account exists.
pub async fn request_reset(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Source(source): Source,
    headers: HeaderMap,
    Form(form): Form<ForgottenForm>,
) -> PageResult {
    match state.app.request_password_reset(&form.email, &source).await {
        Ok(()) => Ok(forgotten_page(
            &state,
            &headers,
            session.as_ref(),
            String::new(),
            Vec::new(),
            true,
        )),
        Err(e) => {
            show_again(e, |errors| {
                std::future::ready(Ok(forgotten_page(
                    &state,
                    &headers,
                    session.as_ref(),
                    form.email.clone(),
                    errors,
                    false,
                )))
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "account_reset.html")]
struct ResetPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    csrf_token: String,
    token: String,
    state: &'static str,
}

fn reset_page(
    state: &AppState,
    headers: &HeaderMap,
    session: Option<&ResolvedSession>,
    token: &str,
    errors: Vec<FieldError>,
    link: Option<ResetLink>,
) -> Response {
    let (csrf_token, new) = csrf_for(state, headers, session);
    let form = FormState::with(errors.clone());
    let (page_state, status) = match link {
        Some(ResetLink::Usable) => ("form", StatusCode::OK),
        Some(ResetLink::Unusable) => ("unusable", StatusCode::GONE),
        None => ("done", StatusCode::OK),
    };
    let mut page = render(&ResetPage {
        chrome: Chrome::new(state, None, "/reset-password/").with_errors(&form),
        form,
        errors,
        csrf_token: csrf_token.clone(),
        token: token.to_string(),
        state: page_state,
    });
    if page.status() == StatusCode::OK {
        *page.status_mut() = status;
    }
    with_presession(state, page, &csrf_token, new)
}

/// `GET /reset-password/{token}`: the emailed link. One that is unknown, used or expired gets
/// a page saying so.
pub async fn reset_form(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> PageResult {
    let link = state.app.password_reset_link(&token).await?;
    Ok(reset_page(
        &state,
        &headers,
        session.as_ref(),
        &token,
        Vec::new(),
        Some(link),
    ))
}

/// The new-password form (the reset link's, and changing one's own).
#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// `POST /reset-password/{token}`.
pub async fn reset(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Source(source): Source,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> PageResult {
    let result = state
        .app
        .reset_password_with_link(&token, &form.new_password, &form.confirm_password, &source)
        .await;
    match result {
        Ok(ResetLink::Usable) => Ok(reset_page(
            &state,
            &headers,
            session.as_ref(),
            "",
            Vec::new(),
            None,
        )),
        Ok(ResetLink::Unusable) => Ok(reset_page(
            &state,
            &headers,
            session.as_ref(),
            &token,
            Vec::new(),
            Some(ResetLink::Unusable),
        )),
        Err(e) => {
            show_again(e, |errors| {
                std::future::ready(Ok(reset_page(
                    &state,
                    &headers,
                    session.as_ref(),
                    &token,
                    errors,
                    Some(ResetLink::Usable),
                )))
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    forced: bool,
    done: bool,
}

fn password_page(
    state: &AppState,
    session: &ResolvedSession,
    errors: Vec<FieldError>,
    done: bool,
) -> Response {
    let form = FormState::with(errors.clone());
    let user = SignedIn {
        actor: session.actor.clone(),
        csrf_token: session.csrf_token.clone(),
    };
    let mut chrome = Chrome::signed_in(state, &user, "/account/password").with_errors(&form);
    if session.must_change_password {
        // Nothing else is open to them until they have chosen a new password.
        chrome.nav.clear();
    }
    render(&PasswordPage {
        chrome,
        form,
        errors,
        forced: session.must_change_password,
        done,
    })
}

/// Who may use the change-password page: a fully signed-in session (the one-time code given).
/// Anyone else is sent where they must go first (the `Err` path).
fn own_session(session: Option<ResolvedSession>) -> Result<ResolvedSession, &'static str> {
    match session {
        Some(s) if s.needs_code => Err("/sign-in/code"),
        Some(s) => Ok(s),
        None => Err("/sign-in"),
    }
}

/// `GET /account/password`: change your own password.
pub async fn password_form(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> Response {
    match own_session(session) {
        Ok(s) => password_page(&state, &s, Vec::new(), false),
        Err(to) => Redirect::to(to).into_response(),
    }
}

/// `POST /account/password`.
pub async fn change_password(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Form(form): Form<NewPasswordForm>,
) -> PageResult {
    let mut session = match own_session(session) {
        Ok(s) => s,
        Err(to) => return Ok(Redirect::to(to).into_response()),
    };
    let result = state
        .app
        .change_own_password(
            &session.actor,
            &session.token_hash,
            &form.current_password,
            &form.new_password,
            &form.confirm_password,
        )
        .await;
    match result {
        Ok(()) => {
            session.must_change_password = false;
            Ok(password_page(&state, &session, Vec::new(), true))
        }
        Err(e) => {
            show_again(e, |errors| {
                std::future::ready(Ok(password_page(&state, &session, errors, false)))
            })
            .await
        }
    }
}

/// `POST /sign-in/someone-else`: ends a half-finished sign-in (waiting for the one-time code)
/// and goes back to the sign-in page. A finished sign-in is left alone: that is signing out.
pub async fn someone_else(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> PageResult {
    match session {
        Some(s) if s.needs_code => {
            state.app.sign_out(&s).await?;
            Ok((
                [(
                    header::SET_COOKIE,
                    cookie(state.https, session_cookie_name(state.https), "", Some(0)),
                )],
                Redirect::to("/sign-in"),
            )
                .into_response())
        }
        Some(_) => Ok(Redirect::to("/home").into_response()),
        None => Ok(Redirect::to("/sign-in").into_response()),
    }
}
