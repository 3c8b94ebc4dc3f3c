//! The start page and the footer's fixed pages.

use super::{Chrome, render};
use crate::AppState;
use crate::auth::MaybeSession;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    chrome: Chrome,
}

/// `GET /`: what the service is, and a way in. Signed-in users go to their home page.
pub async fn show(State(state): State<AppState>, MaybeSession(session): MaybeSession) -> Response {
    if session.as_ref().is_some_and(|s| !s.needs_code) {
        return Redirect::to("/home").into_response();
    }
    render(&StartPage {
        chrome: Chrome::new(&state, None, "/"),
    })
}

#[derive(Template)]
#[template(path = "info.html")]
struct InfoPage {
    chrome: Chrome,
    heading: &'static str,
    paragraphs: Vec<String>,
}

/// `GET /accessibility`: the accessibility statement.
pub async fn accessibility(State(state): State<AppState>) -> Response {
    render(&InfoPage {
        chrome: Chrome::new(&state, None, "/accessibility"),
        heading: "Accessibility statement",
        paragraphs: vec![
            format!("{} wants as many people as possible to be able to use this service. It is built to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.", state.app.settings.council_name),
            "Every page works without JavaScript, can be used with a keyboard alone, at 320 pixels wide, and zoomed to 400%.".into(),
            "If you find a problem, or need information in a different format, contact the Medical Needs Coordinator.".into(),
        ],
    })
}

/// `GET /privacy`: the privacy notice.
pub async fn privacy(State(state): State<AppState>) -> Response {
    render(&InfoPage {
        chrome: Chrome::new(&state, None, "/privacy"),
        heading: "Privacy notice",
        paragraphs: vec![
            format!("{} uses the information in this service to carry out its duty to arrange suitable education for children who cannot attend school because of their health (Section 19, Education Act 1996).", state.app.settings.council_name),
            "Health information is special category data. Only the people who need to see a child's record can see it, and every time anyone views or changes it, that is recorded.".into(),
            "Records are kept until the child's 25th birthday, then destroyed or anonymised.".into(),
        ],
    })
}
