//! The shortlist: the services a family saves, kept in a cookie; adding and removing them, and
//! the page to print it or email it.

use super::{age_text, cost_text, form_token, with_cookie};
use crate::AppState;
use crate::auth::{Authenticated, Source, read_cookie};
use crate::form::Fields;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect};
use mns_app::{AppError, FieldError};
use mns_domain::directory::Service;
use serde::Deserialize;

/// The cookie that holds a family's shortlist (service ids, comma-separated).
const SHORTLIST_COOKIE: &str = "lo_shortlist";
/// The most services a shortlist holds.
const SHORTLIST_MAX: usize = 30;

pub(super) fn shortlist(headers: &HeaderMap) -> Vec<String> {
    read_cookie(headers, SHORTLIST_COOKIE)
        .map(|v| {
            v.split('.')
                .filter(|id| mns_domain::directory::is_uuid(id))
                .map(str::to_string)
                .take(SHORTLIST_MAX)
                .collect()
        })
        .unwrap_or_default()
}

fn shortlist_cookie(state: &AppState, ids: &[String]) -> HeaderValue {
    // Kept for 30 days; it holds only public service ids.
    crate::auth::cookie(
        state.https,
        SHORTLIST_COOKIE,
        &ids.join("."),
        Some(30 * 24 * 3600),
    )
}

#[derive(Template)]
#[template(path = "local_offer_shortlist.html")]
struct ShortlistPage {
    chrome: Chrome,
    form: FormState,
    csrf_token: String,
    services: Vec<(Service, String, String)>,
    email: String,
    sent: Option<usize>,
    print: bool,
}

async fn shortlist_page(
    state: &AppState,
    auth: Option<&Authenticated>,
    headers: &HeaderMap,
    form: FormState,
    email: String,
    sent: Option<usize>,
    print: bool,
) -> PageResult {
    let ids = shortlist(headers);
    let services = state.app.directory_services(&ids).await?;
    let (_, terms) = state.app.directory_vocabulary().await?;
    let services = services
        .into_iter()
        .map(|s| {
            let line = format!("{} · {}", age_text(&s), cost_text(&s));
            let _ = &terms;
            let contact = s
                .phones
                .first()
                .map(|p| p.number.clone())
                .or_else(|| s.email.clone())
                .unwrap_or_default();
            (s, line, contact)
        })
        .collect();
    let (csrf_token, cookie) = form_token(state, auth, headers);
    let page = ShortlistPage {
        chrome: Chrome::local_offer(state, auth, "/local-offer/shortlist").with_errors(&form),
        form,
        csrf_token,
        services,
        email,
        sent,
        print,
    };
    Ok(with_cookie(render(&page), cookie))
}

/// `GET /local-offer/shortlist`: the services a family has saved, to print or email.
pub async fn show_shortlist(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let fields = Fields::from_query(raw.as_deref());
    let sent = fields.trimmed("sent").parse().ok();
    let print = fields.trimmed("print") == "yes";
    shortlist_page(
        &state,
        auth.as_ref(),
        &headers,
        FormState::default(),
        String::new(),
        sent,
        print,
    )
    .await
}

/// The add/remove form.
#[derive(Debug, Deserialize)]
pub struct ShortlistForm {
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    back: String,
}

fn safe_back(back: &str) -> String {
    if back.starts_with("/local-offer") && !back.starts_with("//") {
        back.to_string()
    } else {
        "/local-offer/shortlist".into()
    }
}

/// `POST /local-offer/shortlist`: adds a service.
pub async fn add_to_shortlist(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ShortlistForm>,
) -> PageResult {
    let mut ids = shortlist(&headers);
    if state
        .app
        .directory_services(std::slice::from_ref(&form.service_id))
        .await?
        .is_empty()
    {
        return Err(
            AppError::invalid("service_id", "Choose a service to add to your shortlist").into(),
        );
    }
    if !ids.contains(&form.service_id) && ids.len() < SHORTLIST_MAX {
        ids.push(form.service_id.clone());
    }
    let response = Redirect::to(&safe_back(&form.back)).into_response();
    Ok(with_cookie(response, Some(shortlist_cookie(&state, &ids))))
}

/// `POST /local-offer/shortlist/remove`: takes a service off.
pub async fn remove_from_shortlist(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ShortlistForm>,
) -> PageResult {
    let ids: Vec<String> = shortlist(&headers)
        .into_iter()
        .filter(|id| *id != form.service_id)
        .collect();
    let response = Redirect::to(&safe_back(&form.back)).into_response();
    Ok(with_cookie(response, Some(shortlist_cookie(&state, &ids))))
}

/// The email form.
#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// `POST /local-offer/shortlist/email`: sends the shortlist to an address.
pub async fn email_shortlist(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    Source(source): Source,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let (errors, status) = match state
        .app
        .email_shortlist(&shortlist(&headers), &form.email, &source)
        .await
    {
        Ok(n) => {
            return Ok(Redirect::to(&format!("/local-offer/shortlist?sent={n}")).into_response());
        }
        Err(AppError::Invalid(errors)) => (errors, StatusCode::OK),
        Err(AppError::Throttled) => (
            vec![FieldError::new(
                "email",
                "Too many shortlists have been sent from here or to this address. Try again in an hour, or print your shortlist instead",
            )],
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(e) => return Err(e.into()),
    };
    let mut response = shortlist_page(
        &state,
        auth.as_ref(),
        &headers,
        FormState::with(errors),
        form.email,
        None,
        false,
    )
    .await?;
    if status != StatusCode::OK {
        *response.status_mut() = status;
    }
    Ok(response)
}
