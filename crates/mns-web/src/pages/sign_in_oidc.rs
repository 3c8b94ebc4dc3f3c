//! Signing in through an OpenID Connect provider (Entra ID, DfE Sign-in, GOV.UK One Login):
//! the button sends the browser to the provider, which sends it back to the callback. The
//! sign-in is bound to the browser by a short-lived cookie, so a callback link planted by
//! someone else does not sign anyone in. A refusal is a page that says what happened and what
//! to do, with the reason's code to quote; it never sets a session.

use super::{Chrome, PageResult, render};
use crate::AppState;
use crate::auth::{Source, cookie, presession_cookie_name, read_cookie, session_cookie_name};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use mns_app::AppError;
use mns_app::identity::oidc::{CallbackParams, REQUEST_LIFETIME_MINUTES};
use mns_domain::oidc::Refusal;
use serde::Deserialize;

/// The browser-binding cookie's name: `__Host-` prefixed over HTTPS.
fn binding_cookie_name(https: bool) -> &'static str {
    if https { "__Host-mns-oidc" } else { "mns-oidc" }
}

#[derive(Template)]
#[template(path = "sign_in_refused.html")]
struct RefusedPage {
    chrome: Chrome,
    heading: &'static str,
    message: &'static str,
    provider: String,
    reason: &'static str,
}

fn refused(state: &AppState, provider: &str, refusal: Refusal) -> Response {
    let name = state
        .app
        .oidc()
        .config(provider)
        .map_or_else(|| provider.to_string(), |c| c.name.clone());
    let mut response = render(&RefusedPage {
        chrome: Chrome::new(state, None, "/sign-in"),
        heading: refusal.heading(),
        message: refusal.message(),
        provider: name,
        reason: refusal.code(),
    });
    *response.status_mut() =
        StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::FORBIDDEN);
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie(state.https, binding_cookie_name(state.https), "", Some(0)),
    );
    response
}

/// The start of a sign-in: a coordinator's link to connect an account may come with it.
#[derive(Deserialize)]
pub struct BeginQuery {
    #[serde(default)]
    link: Option<String>,
}

/// `GET /sign-in/oidc/{provider}`: sends the browser to the provider.
pub async fn begin(
    State(state): State<AppState>,
    Source(source): Source,
    Path(provider): Path<String>,
    Query(query): Query<BeginQuery>,
) -> PageResult {
    let link = query.link.as_deref().filter(|l| !l.is_empty());
    match state.app.oidc_begin(&provider, link, &source).await? {
        Ok(start) => Ok((
            AppendHeaders([(
                header::SET_COOKIE,
                cookie(
                    state.https,
                    binding_cookie_name(state.https),
                    &start.binding,
                    Some(REQUEST_LIFETIME_MINUTES * 60),
                ),
            )]),
            Redirect::to(&start.url),
        )
            .into_response()),
        Err(refusal) => Ok(refused(&state, &provider, refusal)),
    }
}

/// `GET /sign-in/oidc/{provider}/callback`: the provider sends the browser back here with a
/// code (or an error); a session starts only if everything checks out.
pub async fn callback(
    State(state): State<AppState>,
    Source(source): Source,
    Path(provider): Path<String>,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> PageResult {
    let binding = read_cookie(&headers, binding_cookie_name(state.https));
    match state
        .app
        .oidc_callback(&provider, &params, binding.as_deref(), &source)
        .await
    {
        Ok(Ok(session)) => {
            let next = if session.needs_code {
                "/sign-in/code"
            } else {
                "/home"
            };
            Ok((
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
                        cookie(state.https, binding_cookie_name(state.https), "", Some(0)),
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
                .into_response())
        }
        Ok(Err(refusal)) => Ok(refused(&state, &provider, refusal)),
        Err(AppError::NotFound) => Err(AppError::NotFound.into()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "signed_out.html")]
struct SignedOutPage {
    chrome: Chrome,
}

/// `GET /signed-out`: where a provider sends the browser after signing out there too.
pub async fn signed_out(State(state): State<AppState>) -> Response {
    render(&SignedOutPage {
        chrome: Chrome::new(&state, None, "/signed-out"),
    })
}
