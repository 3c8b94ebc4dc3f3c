//! Errors become responses in one place each: [`PageError`] for pages (rendered by
//! [`render_error_pages`] with the site's header, so the user keeps their bearings) and
//! [`ApiError`] for JSON with stable snake_case codes. A server error is logged with its cause
//! and a reference; the user sees only the reference.

use crate::AppState;
use crate::auth::Authenticated;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mns_app::AppError;

/// An error on a page request.
#[derive(Debug)]
pub struct PageError(pub AppError);

/// What the error page should say; put on the response by [`PageError`] and rendered by
/// [`render_error_pages`].
#[derive(Clone, Debug)]
pub struct ErrorPage {
    /// The reference quoted to the user for a server error.
    pub reference: Option<String>,
}

impl PageError {
    /// A refused state change (missing or wrong CSRF token).
    pub fn forbidden() -> PageError {
        PageError(AppError::Forbidden)
    }
}

fn reference() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..10].to_uppercase()
}

fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::SignInFailed => StatusCode::UNAUTHORIZED,
        AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Store(_) | AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn log_server_error(error: &AppError) -> Option<String> {
    (status_of(error) == StatusCode::INTERNAL_SERVER_ERROR).then(|| {
        let reference = reference();
        tracing::error!(%reference, cause = %error.chain(), "request failed");
        reference
    })
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let reference = log_server_error(&self.0);
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage { reference });
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    chrome: Chrome,
    heading: &'static str,
    paragraphs: Vec<&'static str>,
    reference: Option<String>,
}

/// Middleware: turns a bare error response from a page handler into a full error page.
pub async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let auth = request.extensions().get::<Authenticated>().cloned();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    let status = response.status();
    let (heading, paragraphs) = match status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            vec![
                "If you typed the web address, check it is correct.",
                "If you followed a link to a pupil's record, you may not have access to it.",
            ],
        ),
        StatusCode::FORBIDDEN => (
            "This form has expired",
            vec![
                "For your security, forms stop working when you sign out or after a while. Go back, reload the page and try again.",
            ],
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "Too many attempts",
            vec!["You have tried too many times. Wait 15 minutes, then try again."],
        ),
        StatusCode::UNAUTHORIZED => ("You need to sign in", vec!["Sign in to see this page."]),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "There is a problem with your request",
            vec!["Go back and check what you entered."],
        ),
        _ => (
            "Sorry, there is a problem with the service",
            vec![
                "Try again later. Nothing you entered has been half-saved: either all of it was saved or none of it was.",
            ],
        ),
    };
    // The SEND Local Offer's pages keep its name and navigation when something is missing.
    let chrome = if path == "/local-offer" || path.starts_with("/local-offer/") {
        Chrome::local_offer(&state, auth.as_ref(), &path)
    } else {
        Chrome::new(&state, auth.as_ref(), &path)
    };
    let mut rendered = render(&ErrorTemplate {
        chrome,
        heading,
        paragraphs,
        reference: page.reference,
    });
    *rendered.status_mut() = status;
    rendered
}

/// The fallback for paths that match no route: JSON under `/api/`, a page elsewhere.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(AppError::NotFound).into_response()
    } else {
        PageError(AppError::NotFound).into_response()
    }
}

/// Middleware: every error the JSON API answers is JSON of one shape (`{"error": "…",
/// "message": "…"}`), including the ones axum writes as plain text before a handler runs (a
/// query string or path that does not parse, a method the path does not take, a body too
/// large). The plain text, which names the parameter, becomes the message.
pub async fn api_json_errors(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/v1/") {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let error = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_request",
        s if s.is_server_error() => "internal_error",
        _ => "bad_request",
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("Error").to_string()
    } else {
        text
    };
    let mut json = (
        status,
        Json(serde_json::json!({"error": error, "message": message})),
    )
        .into_response();
    // Keep what the response said besides its body (`Allow` on a 405, for one).
    for (name, value) in &parts.headers {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            json.headers_mut().insert(name.clone(), value.clone());
        }
    }
    json
}

/// An error on an API request, as JSON: `{"error": "not_found", "message": "…"}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let reference = log_server_error(&self.0);
        let body = match &self.0 {
            AppError::NotFound => {
                serde_json::json!({"error": "not_found", "message": "No such record, or not one you can see"})
            }
            AppError::Invalid(fields) => {
                serde_json::json!({"error": "invalid_request", "message": "The request has problems", "fields": fields})
            }
            AppError::SignInFailed => {
                serde_json::json!({"error": "unauthenticated", "message": "Sign in, or send a valid API token as 'Authorization: Bearer TOKEN'"})
            }
            AppError::Throttled => {
                serde_json::json!({"error": "rate_limited", "message": "Too many attempts: wait, then try again"})
            }
            AppError::Forbidden => {
                serde_json::json!({"error": "csrf_token_missing", "message": "Send the session's CSRF token in the X-CSRF-Token header"})
            }
            AppError::Store(_) | AppError::Internal { .. } => {
                serde_json::json!({"error": "internal_error", "message": "Something went wrong on our side", "reference": reference})
            }
        };
        (status, Json(body)).into_response()
    }
}
