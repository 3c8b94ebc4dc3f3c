//! The glossary (`GET /local-offer/glossary`): the words and acronyms families meet, explained.

use crate::AppState;
use crate::auth::Authenticated;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use mns_domain::directory::glossary::{GLOSSARY, GlossaryEntry, anchor};

#[derive(Template)]
#[template(path = "local_offer_glossary.html")]
struct GlossaryPage {
    chrome: Chrome,
    entries: Vec<(String, &'static GlossaryEntry)>,
}

/// `GET /local-offer/glossary`: the words and acronyms families meet, explained.
pub async fn glossary(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
) -> Response {
    let auth = auth.map(|Extension(a)| a);
    render(&GlossaryPage {
        chrome: Chrome::local_offer(&state, auth.as_ref(), "/local-offer/glossary"),
        entries: GLOSSARY.iter().map(|e| (anchor(e), e)).collect(),
    })
}
