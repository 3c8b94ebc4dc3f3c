//! Who a request is from: a session cookie (pages, and the API from a browser) or an
//! `Authorization: Bearer` personal API token. Resolved once per request by [`authenticate`];
//! handlers ask for it with the [`SignedIn`] and [`ApiCaller`] extractors.

use crate::AppState;
use crate::errors::{ApiError, PageError};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use mns_app::identity::sessions::ResolvedSession;
use mns_app::{Actor, AppError};
use std::net::SocketAddr;

/// How the request proved who it is from.
#[derive(Clone, Debug)]
pub enum Authenticated {
    /// A browser session (possibly still waiting for a one-time code).
    Session(Box<ResolvedSession>),
    /// A personal API token.
    Token(Box<Actor>),
}

/// Where the request came from (the peer's IP address), for the audit trail.
#[derive(Clone, Debug)]
pub struct Source(pub String);

/// The session cookie's name: `__Host-` prefixed when served over HTTPS (the prefix requires
/// `Secure`, which browsers refuse on plain HTTP).
pub fn session_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-mns-session"
    } else {
        "mns-session"
    }
}

/// The pre-sign-in CSRF cookie's name (double-submit for the sign-in form).
pub fn presession_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-mns-presession"
    } else {
        "mns-presession"
    }
}

/// A `Set-Cookie` value with the service's attributes.
pub fn cookie(https: bool, name: &str, value: &str, max_age_seconds: Option<i64>) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if https {
        text.push_str("; Secure");
    }
    if let Some(age) = max_age_seconds {
        text.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The value of the cookie called `name`.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The client's address: the peer's, unless the peer is a trusted proxy, in which case the
/// last address in `X-Forwarded-For` that is not itself a trusted proxy (the entries before it
/// are the client's to write, so they are never believed).
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

/// Middleware: resolves the session or token and puts [`Authenticated`] and [`Source`] in the
/// request's extensions. A bad token is refused at once; a stale cookie is simply ignored.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let source = client_address(peer, request.headers(), &state.trusted_proxies)
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    let headers = request.headers().clone();
    if let Some(token) = bearer(&headers) {
        match state.app.resolve_api_token(token, &source).await {
            Ok(Some(actor)) => {
                request
                    .extensions_mut()
                    .insert(Authenticated::Token(Box::new(actor)));
            }
            Ok(None) => return ApiError(AppError::SignInFailed).into_response(),
            Err(e) => return ApiError(e).into_response(),
        }
    } else if let Some(token) = read_cookie(&headers, session_cookie_name(state.https)) {
        match state.app.resolve_session(&token, &source).await {
            Ok(Some(session)) => {
                request
                    .extensions_mut()
                    .insert(Authenticated::Session(Box::new(session)));
            }
            Ok(None) => {}
            Err(e) => return PageError(e).into_response(),
        }
    }
    request.extensions_mut().insert(Source(source));
    next.run(request).await
}

/// A signed-in user on a page: a session with any one-time code given. Without one, the
/// browser is sent to sign in.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// Who is acting.
    pub actor: Actor,
    /// The session's CSRF token, for forms.
    pub csrf_token: String,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Authenticated>() {
            Some(Authenticated::Session(s)) if s.needs_code => {
                Err(Redirect::to("/sign-in/code").into_response())
            }
            Some(Authenticated::Session(s)) if s.must_change_password => {
                Err(Redirect::to("/account/password").into_response())
            }
            Some(Authenticated::Session(s)) => Ok(SignedIn {
                actor: s.actor.clone(),
                csrf_token: s.csrf_token.clone(),
            }),
            Some(Authenticated::Token(actor)) => Ok(SignedIn {
                actor: (**actor).clone(),
                csrf_token: String::new(),
            }),
            None => Err(Redirect::to("/sign-in").into_response()),
        }
    }
}

/// A caller of the JSON API: a token, or a fully signed-in browser session. Anyone else gets
/// `401` with a JSON error.
#[derive(Clone, Debug)]
pub struct ApiCaller(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for ApiCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Authenticated>() {
            Some(Authenticated::Session(s)) if !s.needs_code && !s.must_change_password => {
                Ok(ApiCaller(s.actor.clone()))
            }
            Some(Authenticated::Token(actor)) => Ok(ApiCaller((**actor).clone())),
            _ => Err(ApiError(AppError::SignInFailed).into_response()),
        }
    }
}

/// The session, if there is one, whatever its state (for the sign-in pages).
#[derive(Clone, Debug)]
pub struct MaybeSession(pub Option<ResolvedSession>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeSession(
            match parts.extensions.get::<Authenticated>() {
                Some(Authenticated::Session(s)) => Some((**s).clone()),
                _ => None,
            },
        ))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Source>()
            .cloned()
            .unwrap_or_else(|| Source("unknown".into())))
    }
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use axum::http::HeaderMap;
    use std::net::IpAddr;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "198.51.100.9, 203.0.113.5".parse().unwrap(),
        );
        let proxy = ip("10.0.0.2");
        // Not behind a trusted proxy: the peer, whatever the header says.
        assert_eq!(
            client_address(Some(ip("192.0.2.1")), &headers, &[proxy]),
            Some(ip("192.0.2.1"))
        );
        // Behind it: the last address the proxy added, never the client's own claims before it.
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy]),
            Some(ip("203.0.113.5"))
        );
        // Two proxies in a row are both skipped.
        headers.insert(
            "x-forwarded-for",
            "198.51.100.9, 203.0.113.5, 10.0.0.3".parse().unwrap(),
        );
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy, ip("10.0.0.3")]),
            Some(ip("203.0.113.5"))
        );
        // A trusted proxy that sends no header is itself the client.
        assert_eq!(
            client_address(Some(proxy), &HeaderMap::new(), &[proxy]),
            Some(proxy)
        );
        assert_eq!(client_address(None, &headers, &[proxy]), None);
    }
}
