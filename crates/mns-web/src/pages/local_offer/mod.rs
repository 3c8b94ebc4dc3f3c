//! The SEND Local Offer's public pages: search with filters, the needs-led guided search, a
//! service's page with feedback, the shortlist (print or email) and the glossary. No sign-in is
//! needed; forms that change something carry the pre-session CSRF token. `manage` holds the
//! pages where providers and the council keep entries true.
//!
//! This file holds what the pages share: checkbox choices, reading the query string, the form
//! token, and the lines that describe a service's ages, cost and kinds; each page has its own
//! file.

pub mod manage;
pub mod routes;

mod events;
mod glossary;
mod guided;
mod search;
mod service;
mod shortlist;
mod you_said;

pub use events::{
    EventSummary, access_choices, book, booking, booking_calendar, cancel_booking, event, events,
    events_calendar, paragraphs, summary,
};
pub use glossary::glossary;
pub use guided::guided;
pub use search::{PageLink, ResultLine, search};
pub use service::{Fact, FeedbackForm, feedback, service};
pub use shortlist::{
    EmailForm, ShortlistForm, add_to_shortlist, email_shortlist, remove_from_shortlist,
    show_shortlist,
};
pub use you_said::{feedback_form, send_feedback, you_said_we_did};

use crate::AppState;
use crate::auth::{Authenticated, presession_cookie_name, read_cookie};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use mns_domain::directory::{Service, TaxonomyTerm};

/// A checkbox or radio choice.
pub struct Choice {
    /// Submitted value.
    pub value: String,
    /// Label.
    pub label: String,
    /// Hint.
    pub hint: String,
    /// Whether it is chosen.
    pub checked: bool,
}

fn choices(terms: &[TaxonomyTerm], taxonomy: &str, chosen: &[&str]) -> Vec<Choice> {
    terms
        .iter()
        .filter(|t| t.taxonomy_id == taxonomy)
        .map(|t| Choice {
            value: t.code.clone(),
            label: t.name.clone(),
            hint: t.description.clone(),
            checked: chosen.contains(&t.code.as_str()),
        })
        .collect()
}

/// The pre-session (or session) CSRF token for anonymous forms, and a cookie to set if new.
pub fn form_token(
    state: &AppState,
    auth: Option<&Authenticated>,
    headers: &HeaderMap,
) -> (String, Option<HeaderValue>) {
    if let Some(Authenticated::Session(s)) = auth {
        return (s.csrf_token.clone(), None);
    }
    let name = presession_cookie_name(state.https);
    match read_cookie(headers, name) {
        Some(token) => (token, None),
        None => {
            let token = mns_app::identity::new_token();
            let cookie = crate::auth::cookie(state.https, name, &token, None);
            (token, Some(cookie))
        }
    }
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(value) = cookie {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn age_text(s: &Service) -> String {
    match s.age_limits() {
        (Some(a), Some(b)) => format!("{a} to {b} years"),
        (Some(a), None) => format!("{a} years and over"),
        (None, Some(b)) => format!("Up to {b} years"),
        (None, None) => "All ages".into(),
    }
}

fn cost_text(s: &Service) -> String {
    if s.is_free() {
        return "Free".into();
    }
    s.cost_options
        .iter()
        .filter_map(|c| match (c.amount, &c.option) {
            (Some(a), Some(o)) if a > 0.0 => Some(format!("£{a:.2} {o}")),
            (Some(a), None) if a > 0.0 => Some(format!("£{a:.2}")),
            _ => c.amount_description.clone(),
        })
        .next()
        .or_else(|| s.fees_description.clone())
        .unwrap_or_else(|| "There is a charge".into())
}

fn term_names(s: &Service, terms: &[TaxonomyTerm], taxonomy: &str) -> String {
    terms
        .iter()
        .filter(|t| t.taxonomy_id == taxonomy && s.terms.contains(&t.id))
        .map(|t| t.name.clone())
        .collect::<Vec<_>>()
        .join(", ")
}
