//! CSRF protection on every state change: a request with a method other than GET or HEAD must
//! carry the session's token (the `csrf_token` form field, in URL-encoded and multipart forms
//! alike, or an `X-CSRF-Token` header for scripts). It is never read from the URL, which
//! browsers keep in their history. Before sign-in the token is a double-submit cookie. Requests authenticated with an
//! API token carry no cookies, so they need none.

use crate::AppState;
use crate::auth::{Authenticated, presession_cookie_name, read_cookie};
use crate::errors::{ApiError, PageError};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mns_app::AppError;
use subtle::ConstantTimeEq;

/// The largest form body read to find the token.
const FORM_LIMIT: usize = 1024 * 1024;

/// The largest multipart body read to find the token: the largest upload and its form.
const UPLOAD_LIMIT: usize = crate::pages::documents::UPLOAD_LIMIT + 64 * 1024;

/// The form field that carries the token.
pub const FIELD: &str = "csrf_token";

/// Middleware: refuses an unsafe request without the right token (403).
pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let expected = match request.extensions().get::<Authenticated>() {
        Some(Authenticated::Token(_)) => return next.run(request).await,
        Some(Authenticated::Session(s)) => Some(s.csrf_token.clone()),
        None => read_cookie(request.headers(), presession_cookie_name(state.https)),
    };
    let header_token = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (parts, body) = request.into_parts();
    let (given, body) = if header_token.is_some() {
        (header_token, body)
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
            return PageError(AppError::invalid("form", "The form is too large")).into_response();
        };
        let token = form_urlencoded_field(&bytes, FIELD);
        (token, Body::from(bytes))
    } else if content_type.starts_with("multipart/form-data") {
        // A file upload carries the token as a field of its own, before the file.
        let Ok(bytes) = to_bytes(body, UPLOAD_LIMIT).await else {
            return PageError(AppError::invalid("file", "The file is too large")).into_response();
        };
        let token = multipart_field(&parts, &bytes, FIELD).await;
        (token, Body::from(bytes))
    } else {
        (None, body)
    };
    let ok = match (&expected, &given) {
        (Some(e), Some(g)) if !e.is_empty() => e.as_bytes().ct_eq(g.as_bytes()).into(),
        _ => false,
    };
    if !ok {
        return if parts.uri.path().starts_with("/api/") {
            ApiError(PageError::forbidden().0).into_response()
        } else {
            PageError::forbidden().into_response()
        };
    }
    next.run(Request::from_parts(parts, body)).await
}

/// The text of the multipart field called `name`, read from a copy of the buffered body.
async fn multipart_field(
    parts: &axum::http::request::Parts,
    bytes: &axum::body::Bytes,
    name: &str,
) -> Option<String> {
    use axum::extract::{FromRequest, Multipart};
    let mut copy = Request::builder()
        .method(parts.method.clone())
        .uri(parts.uri.clone());
    for (k, v) in &parts.headers {
        copy = copy.header(k, v);
    }
    let request = copy.body(Body::from(bytes.clone())).ok()?;
    let mut multipart = Multipart::from_request(request, &()).await.ok()?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}
