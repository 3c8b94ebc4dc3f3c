//! Static assets, embedded in the binary so a deployment is one file: govuk-frontend's built
//! CSS and JavaScript (see `assets/README.md`), the favicon, and the council's logo if one is
//! configured.

use crate::AppState;
use crate::errors::PageError;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mns_app::AppError;

const FILES: [(&str, &str, &[u8]); 6] = [
    (
        "govuk-frontend.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/govuk-frontend.min.css"),
    ),
    (
        "govuk-frontend.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/govuk-frontend.min.js"),
    ),
    (
        "init.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/init.js"),
    ),
    (
        "init-module.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/init-module.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/favicon.svg"),
    ),
    (
        "local-offer-mark.svg",
        "image/svg+xml",
        include_bytes!("../assets/local-offer-mark.svg"),
    ),
];

/// Serves one asset by name.
pub async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    if let (true, Some(logo)) = (file == "council-logo", &state.logo) {
        return ([(header::CONTENT_TYPE, logo.0.clone())], logo.1.clone()).into_response();
    }
    match FILES.iter().find(|(name, ..)| *name == file) {
        Some((_, content_type, bytes)) => {
            ([(header::CONTENT_TYPE, *content_type)], *bytes).into_response()
        }
        None => PageError(AppError::NotFound).into_response(),
    }
}
