//! "You said, we did" on the public Local Offer (issue 19): what was published, by theme, with
//! each year's counts; and the Local Offer's own feedback form.

use super::{form_token, with_cookie};
use crate::AppState;
use crate::auth::Authenticated;
use crate::form::{Fields, with_status_422};
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use mns_app::AppError;
use mns_domain::directory::feedback::Theme;

/// A published entry.
pub struct Entry {
    you_said: String,
    we_did: String,
    status: &'static str,
    answered: String,
}

#[derive(Template)]
#[template(path = "local_offer_you_said.html")]
struct YouSaidPage {
    chrome: Chrome,
    years: Vec<(i32, String)>,
    groups: Vec<(&'static str, Vec<Entry>)>,
}

/// `GET /local-offer/you-said-we-did`: what families said and what the council did.
pub async fn you_said_we_did(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let published = state.app.published_feedback().await?;
    let this_year = state.app.today().year();
    let mut years = Vec::new();
    for year in [this_year, this_year - 1] {
        let y = state.app.feedback_year(year).await?;
        if y.received == 0 {
            continue;
        }
        let mut text = format!(
            "{} comments received, {} published with our answer",
            y.received, y.published
        );
        for (reason, n) in &y.withheld {
            text.push_str(&format!(
                ", {n} not published ({})",
                reason.label().to_lowercase()
            ));
        }
        if y.pending > 0 {
            text.push_str(&format!(", {} still being looked at", y.pending));
        }
        text.push('.');
        years.push((year, text));
    }
    let mut groups = Vec::new();
    for theme in Theme::ALL {
        let entries: Vec<Entry> = published
            .iter()
            .filter(|f| f.theme == Some(*theme))
            .map(|f| Entry {
                you_said: f.you_said.clone().unwrap_or_default(),
                we_did: f.we_did.clone().unwrap_or_default(),
                status: f.action_status.map(|s| s.label()).unwrap_or_default(),
                answered: f
                    .moderated_at
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.format("%-d %B %Y").to_string())
                    .unwrap_or_default(),
            })
            .collect();
        if !entries.is_empty() {
            groups.push((theme.label(), entries));
        }
    }
    Ok(render(&YouSaidPage {
        chrome: Chrome::local_offer(&state, auth.as_ref(), "/local-offer/you-said-we-did"),
        years,
        groups,
    }))
}

#[derive(Template)]
#[template(path = "local_offer_feedback_form.html")]
struct FeedbackFormPage {
    chrome: Chrome,
    form: FormState,
    csrf_token: String,
    comment: String,
    email: String,
    sent: bool,
}

async fn form_page(
    state: &AppState,
    auth: Option<&Authenticated>,
    headers: &HeaderMap,
    values: &Fields,
    form: FormState,
    sent: bool,
) -> PageResult {
    let (csrf_token, cookie) = form_token(state, auth, headers);
    let page = render(&FeedbackFormPage {
        chrome: Chrome::local_offer(state, auth, "/local-offer/you-said-we-did").with_errors(&form),
        form,
        csrf_token,
        comment: values.text("comment").into(),
        email: values.text("email").into(),
        sent,
    });
    Ok(with_cookie(page, cookie))
}

/// `GET /local-offer/feedback`: the Local Offer's feedback form (or its thanks).
pub async fn feedback_form(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let sent = Fields::from_query(raw.as_deref()).has("sent", "yes");
    form_page(
        &state,
        auth.as_ref(),
        &headers,
        &Fields::default(),
        FormState::default(),
        sent,
    )
    .await
}

/// `POST /local-offer/feedback`: sends it; problems are shown with what was typed.
pub async fn send_feedback(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    headers: HeaderMap,
    values: Fields,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    match state
        .app
        .leave_local_offer_feedback(values.text("comment"), Some(values.text("email")))
        .await
    {
        Ok(()) => Ok(Redirect::to("/local-offer/feedback?sent=yes").into_response()),
        Err(AppError::Invalid(errors)) => Ok(with_status_422(
            form_page(
                &state,
                auth.as_ref(),
                &headers,
                &values,
                FormState::with(errors),
                false,
            )
            .await?,
        )),
        Err(e) => Err(e.into()),
    }
}
