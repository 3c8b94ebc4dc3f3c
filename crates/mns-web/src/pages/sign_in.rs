//! Signing in (email and password, then a one-time code for council staff) and out.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::{
    MaybeSession, Source, cookie, presession_cookie_name, read_cookie, session_cookie_name,
};
use crate::errors::PageError;
use crate::form::{redirect_or_show_again, with_status_422};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use mns_app::identity::{new_token, totp};
use mns_app::{AppError, FieldError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    csrf_token: String,
    email: String,
    throttled: bool,
    demo: bool,
    demo_password: &'static str,
    demo_sign_ins: &'a [mns_app::demo::DemoSignIn],
    /// The OpenID Connect providers: `(id, button label)`.
    providers: Vec<(String, String)>,
}

fn sign_in_page(
    state: &AppState,
    headers: &HeaderMap,
    email: String,
    errors: Vec<FieldError>,
) -> Response {
    let throttled = errors.iter().any(|e| e.field == "code");
    let name = presession_cookie_name(state.https);
    let existing = read_cookie(headers, name);
    let csrf_token = existing.clone().unwrap_or_else(new_token);
    let form = FormState::with(errors.clone());
    let mut response = render(&SignInPage {
        chrome: Chrome::new(state, None, "/sign-in").with_errors(&form),
        form,
        errors,
        csrf_token: csrf_token.clone(),
        email,
        throttled,
        demo: state.app.settings.demo,
        demo_password: mns_app::demo::DEMO_PASSWORD,
        demo_sign_ins: &state.demo_sign_ins,
        providers: state.app.oidc().buttons(),
    });
    if existing.is_none() {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookie(state.https, name, &csrf_token, None),
        );
    }
    response
}

/// `GET /sign-in`.
pub async fn show(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
) -> Response {
    match session {
        Some(s) if s.needs_code => Redirect::to("/sign-in/code").into_response(),
        Some(_) => Redirect::to("/home").into_response(),
        None => sign_in_page(&state, &headers, String::new(), Vec::new()),
    }
}

#[derive(Template)]
#[template(path = "signing_out.html")]
struct SigningOutPage {
    chrome: Chrome,
    url: String,
    name: String,
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Staff whose account is locked by failed attempts sign in with a one-time code too.
    #[serde(default)]
    code: String,
}

/// `POST /sign-in`: checks the password; staff go on to the code page.
pub async fn submit(
    State(state): State<AppState>,
    Source(source): Source,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    if session.is_some() {
        // Already signed in (or half-way): carry on from where the session is.
        return Redirect::to("/sign-in/code").into_response();
    }
    let mut errors = Vec::new();
    if form.email.trim().is_empty() {
        errors.push(FieldError::new("email", "Enter your email address"));
    }
    if form.password.is_empty() {
        errors.push(FieldError::new("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return with_status_422(sign_in_page(&state, &headers, form.email, errors));
    }
    match state
        .app
        .sign_in(&form.email, &form.password, Some(&form.code), &source)
        .await
    {
        Ok(session) => {
            let next = if session.needs_code {
                "/sign-in/code"
            } else {
                "/home"
            };
            (
                AppendHeaders([
                    (
                        header::SET_COOKIE,
                        cookie(
                            state.https,
                            session_cookie_name(state.https),
                            &session.token,
                            None,
                        ),
                    ),
                    (
                        header::SET_COOKIE,
                        cookie(
                            state.https,
                            presession_cookie_name(state.https),
                            "",
                            Some(0),
                        ),
                    ),
                ]),
                Redirect::to(next),
            )
                .into_response()
        }
        Err(AppError::SignInFailed) => {
            let mut r = sign_in_page(
                &state,
                &headers,
                form.email,
                vec![FieldError::new(
                    "email",
                    "Enter a correct email address and password",
                )],
            );
            *r.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            r
        }
        Err(AppError::Throttled) => {
            let mut r = sign_in_page(
                &state,
                &headers,
                form.email,
                vec![FieldError::new(
                    "code",
                    "There have been too many failed attempts to sign in. Wait 15 minutes, then try again. Council staff can sign in now with their password and the 6-digit code from their authenticator app",
                )],
            );
            *r.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
            r
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "code.html")]
struct CodePage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    setup: bool,
    setup_key: String,
    setup_uri: String,
    demo_code: Option<String>,
}

fn code_page(
    state: &AppState,
    session: &mns_app::identity::sessions::ResolvedSession,
    errors: Vec<FieldError>,
) -> Response {
    let secret = session.pending_totp_secret.clone().unwrap_or_default();
    let form = FormState::with(errors.clone());
    let demo_code = state
        .app
        .settings
        .demo
        .then(|| totp::current_code(mns_app::demo::DEMO_TOTP_SECRET, state.app.now()))
        .flatten();
    let mut chrome = Chrome::new(state, None, "/sign-in/code").with_errors(&form);
    chrome.csrf_token.clone_from(&session.csrf_token);
    render(&CodePage {
        chrome,
        form,
        errors,
        setup: session.needs_code_setup,
        setup_uri: totp::setup_uri(
            &secret,
            &format!("{} Medical Needs", state.app.settings.council_name),
            &session.actor.user.email,
        )
        .unwrap_or_default(),
        setup_key: secret,
        demo_code,
    })
}

/// `GET /sign-in/code`: the one-time code (and, the first time, setting up the app).
pub async fn show_code(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> Response {
    match session {
        Some(s) if s.needs_code => code_page(&state, &s, Vec::new()),
        Some(_) => Redirect::to("/home").into_response(),
        None => Redirect::to("/sign-in").into_response(),
    }
}

/// The one-time code form.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /sign-in/code`.
pub async fn submit_code(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Form(form): Form<CodeForm>,
) -> PageResult {
    let session = match session {
        Some(s) if s.needs_code => s,
        Some(_) => return Ok(Redirect::to("/home").into_response()),
        None => return Ok(Redirect::to("/sign-in").into_response()),
    };
    if form.code.trim().is_empty() {
        return Ok(code_page(
            &state,
            &session,
            vec![FieldError::new("code", "Enter the 6-digit code")],
        ));
    }
    redirect_or_show_again(
        state.app.verify_code(&session, &form.code).await,
        |()| "/home".into(),
        |errors| std::future::ready(Ok(code_page(&state, &session, errors))),
    )
    .await
}

/// `POST /sign-out`.
pub async fn sign_out(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> PageResult {
    // A session from a provider that supports it is ended there too (RP-initiated logout),
    // and the provider sends the browser back to /signed-out. That is a page here that moves
    // on at once, not a redirect: browsers apply the CSP's `form-action 'self'` to the
    // redirects after a form is posted, and the provider is another site.
    let mut provider = None;
    if let Some(session) = session {
        provider = state.app.oidc_logout_url(&session.token_hash).await?;
        state.app.sign_out(&session).await?;
    }
    let clear = [(
        header::SET_COOKIE,
        cookie(state.https, session_cookie_name(state.https), "", Some(0)),
    )];
    Ok(match provider {
        Some((url, name)) => (
            clear,
            render(&SigningOutPage {
                chrome: Chrome::new(&state, None, "/sign-out"),
                url,
                name,
            }),
        )
            .into_response(),
        None => (clear, Redirect::to("/")).into_response(),
    })
}
