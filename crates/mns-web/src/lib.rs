//! The web layer of mns: server-rendered pages in the GOV.UK Design System's patterns and the
//! JSON API under `/api/v1`.
//!
//! Handlers are thin: extract, convert to domain types, call one operation of `mns-app`,
//! render. A form is read one way ([`form::Fields`]) and a form with problems is answered one
//! way ([`form::redirect_or_show_again`]). Who the request is from is worked out once, by [`auth::authenticate`]; CSRF is
//! checked once, by [`csrf::protect`]; errors become pages or JSON in one place each
//! ([`errors`]). Every route is listed in [`routes`], which the authorisation test walks.

pub mod api;
pub mod api_oruk;
mod api_referrals;
pub mod assets;
pub mod auth;
pub mod csrf;
pub mod errors;
pub mod form;
pub mod metrics;
pub mod pages;
pub mod security;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderName, Method};
use axum::routing::{MethodRouter, get, post, put};
use mns_app::App;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The application operations.
    pub app: App,
    /// Served over HTTPS: cookies are `Secure` and `__Host-` prefixed, and HSTS is sent.
    pub https: bool,
    /// The council's logo, if configured (served at `/assets/council-logo`).
    pub logo: Option<Arc<(String, Vec<u8>)>>,
    /// The demo's sign-ins, shown on the sign-in page in demo mode.
    pub demo_sign_ins: Arc<Vec<mns_app::demo::DemoSignIn>>,
    /// The reverse proxies in front of the service: a request from one of them is from the
    /// address it names last in `X-Forwarded-For` (for the audit trail and per-address limits).
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
    /// Requests counted for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// The bearer token `/metrics` answers to (`MNS_METRICS_TOKEN`); without one it is not
    /// served.
    pub metrics_token: Option<Arc<str>>,
}

impl AppState {
    /// State for `app`, with no logo and no demo help.
    pub fn new(app: App, https: bool) -> AppState {
        AppState {
            app,
            https,
            logo: None,
            demo_sign_ins: Arc::new(Vec::new()),
            trusted_proxies: Arc::new(Vec::new()),
            metrics: metrics::new(),
            metrics_token: None,
        }
    }
}

/// One route: method, path, handler.
pub struct Route {
    /// The HTTP method.
    pub method: Method,
    /// The path pattern, with `{name}` parameters.
    pub path: &'static str,
    /// The handler.
    pub handler: MethodRouter<AppState>,
}

pub(crate) fn route(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Route {
    Route {
        method,
        path,
        handler,
    }
}

/// Every route of the service. The router is built from this list, and the authorisation test
/// fails for a route it has no expectation for.
pub fn routes() -> Vec<Route> {
    use pages::*;
    let mut all = vec![
        route(Method::GET, "/", get(start::show)),
        route(Method::GET, "/accessibility", get(start::accessibility)),
        route(Method::GET, "/privacy", get(start::privacy)),
        route(Method::GET, "/sign-in", get(sign_in::show)),
        route(Method::POST, "/sign-in", post(sign_in::submit)),
        route(Method::GET, "/sign-in/code", get(sign_in::show_code)),
        route(Method::POST, "/sign-in/code", post(sign_in::submit_code)),
        route(Method::POST, "/sign-out", post(sign_in::sign_out)),
        route(
            Method::GET,
            "/sign-in/oidc/{provider}",
            get(sign_in_oidc::begin),
        ),
        route(
            Method::GET,
            "/sign-in/oidc/{provider}/callback",
            get(sign_in_oidc::callback),
        ),
        route(Method::GET, "/signed-out", get(sign_in_oidc::signed_out)),
        route(
            Method::POST,
            "/users/{id}/identities/link",
            post(user_account::send_identity_link),
        ),
        route(
            Method::GET,
            "/users/{id}/identities/disconnect",
            get(user_account::confirm_unlink_identity),
        ),
        route(
            Method::POST,
            "/users/{id}/identities/unlink",
            post(user_account::unlink_identity),
        ),
        route(
            Method::POST,
            "/sign-in/someone-else",
            post(account::someone_else),
        ),
        route(Method::GET, "/forgotten-password", get(account::forgotten)),
        route(
            Method::POST,
            "/forgotten-password",
            post(account::request_reset),
        ),
        route(
            Method::GET,
            "/reset-password/{token}",
            get(account::reset_form),
        ),
        route(
            Method::POST,
            "/reset-password/{token}",
            post(account::reset),
        ),
        route(Method::GET, "/invitations/{token}", get(invitations::show)),
        route(
            Method::POST,
            "/invitations/{token}",
            post(invitations::accept),
        ),
        route(
            Method::GET,
            "/account/password",
            get(account::password_form),
        ),
        route(
            Method::POST,
            "/account/password",
            post(account::change_password),
        ),
        route(Method::GET, "/home", get(home::show)),
        route(Method::GET, "/pupils", get(pupils::list)),
        route(Method::GET, "/pupils/{id}", get(pupils::show)),
        route(
            Method::POST,
            "/pupils/{id}/legal-hold",
            post(pupils::legal_hold),
        ),
        route(
            Method::GET,
            "/pupils/{id}/access-history",
            get(pupils::access_history),
        ),
        route(
            Method::GET,
            "/pupils/{id}/access/new",
            get(child_access::new),
        ),
        route(Method::POST, "/pupils/{id}/access", post(child_access::add)),
        route(
            Method::GET,
            "/pupils/{id}/access/{user}/remove",
            get(child_access::confirm_remove),
        ),
        route(
            Method::POST,
            "/pupils/{id}/access/{user}/remove",
            post(child_access::remove),
        ),
        route(
            Method::GET,
            "/pupils/{id}/invitations/{invitation}/cancel",
            get(child_access::confirm_cancel_invitation),
        ),
        route(
            Method::POST,
            "/pupils/{id}/invitations/{invitation}/cancel",
            post(child_access::cancel_invitation),
        ),
        route(
            Method::GET,
            "/pupils/{id}/access/{user}/restrict",
            get(child_access::restrict_form),
        ),
        route(
            Method::POST,
            "/pupils/{id}/access/{user}/restrict",
            post(child_access::restrict),
        ),
        route(Method::GET, "/users", get(users::list)),
        route(Method::GET, "/users/new", get(users::new)),
        route(Method::POST, "/users", post(users::create)),
        route(
            Method::GET,
            "/users/{id}/disable",
            get(users::confirm_disable),
        ),
        route(Method::POST, "/users/{id}/disable", post(users::disable)),
        route(Method::GET, "/users/{id}/account", get(user_account::show)),
        route(
            Method::GET,
            "/users/{id}/unlock",
            get(user_account::confirm_unlock),
        ),
        route(
            Method::POST,
            "/users/{id}/unlock",
            post(user_account::unlock),
        ),
        route(
            Method::GET,
            "/users/{id}/reset-password",
            get(user_account::confirm_reset_password),
        ),
        route(
            Method::POST,
            "/users/{id}/reset-password",
            post(user_account::reset_password),
        ),
        route(
            Method::GET,
            "/users/{id}/reset-code",
            get(user_account::confirm_reset_code),
        ),
        route(
            Method::POST,
            "/users/{id}/reset-code",
            post(user_account::reset_code),
        ),
        route(
            Method::GET,
            "/users/{id}/self-reset",
            get(user_account::confirm_self_reset),
        ),
        route(
            Method::POST,
            "/users/{id}/self-reset",
            post(user_account::self_reset),
        ),
        route(
            Method::GET,
            "/users/{id}/api-tokens",
            get(users::api_tokens),
        ),
        route(
            Method::POST,
            "/users/{id}/api-tokens",
            post(users::issue_api_token),
        ),
        route(
            Method::POST,
            "/users/{id}/api-tokens/{token}/revoke",
            post(users::revoke_api_token),
        ),
        route(Method::GET, "/schools", get(reference::schools)),
        route(Method::GET, "/calendars", get(reference::calendars)),
        route(Method::POST, "/calendars", post(reference::upload_calendar)),
        route(Method::GET, "/audit", get(reference::audit)),
        route(Method::GET, "/healthz", get(health::healthz)),
        route(Method::GET, "/readyz", get(health::readyz)),
        route(Method::GET, "/assets/{file}", get(assets::serve)),
        route(Method::GET, "/api/v1/openapi.json", get(api::openapi)),
        route(Method::GET, "/api/v1/me", get(api::me)),
        route(Method::GET, "/api/v1/pupils", get(api::pupils)),
        route(Method::GET, "/api/v1/pupils/{id}", get(api::pupil)),
        route(Method::GET, "/api/v1/schools", get(api::schools)),
        route(Method::GET, "/referrals", get(referrals::list)),
        route(Method::GET, "/referrals.csv", get(referrals::export_csv)),
        route(Method::POST, "/referrals", post(referrals::start)),
        route(Method::GET, "/referrals/{id}", get(referrals::show)),
        route(
            Method::POST,
            "/referrals/{id}/decision",
            post(referrals::decide),
        ),
        route(Method::GET, "/referrals/{id}/sent", get(referrals::sent)),
        route(
            Method::POST,
            "/referrals/{id}/assign",
            post(referrals::assign),
        ),
        route(
            Method::POST,
            "/referrals/{id}/pupil-match",
            post(referrals::resolve_match),
        ),
        route(
            Method::POST,
            "/referrals/{id}/notes",
            post(referrals::add_note),
        ),
        route(
            Method::POST,
            "/referrals/{id}/waiting-for-evidence",
            post(referrals::waiting_for_evidence),
        ),
        route(
            Method::GET,
            "/referrals/{id}/letter.pdf",
            get(referrals::letter),
        ),
        route(
            Method::POST,
            "/referrals/{id}/documents",
            post(documents::upload).layer(DefaultBodyLimit::max(documents::UPLOAD_LIMIT)),
        ),
        route(Method::GET, "/documents/{id}", get(documents::download)),
        route(Method::GET, "/evidence", get(evidence::list)),
        route(
            Method::GET,
            "/referrals/{id}/evidence/new",
            get(evidence::new),
        ),
        route(
            Method::POST,
            "/referrals/{id}/evidence",
            post(evidence::submit).layer(DefaultBodyLimit::max(documents::UPLOAD_LIMIT)),
        ),
        route(
            Method::GET,
            "/referrals/{id}/documents",
            get(documents::show),
        ),
        route(
            Method::GET,
            "/referrals/{id}/attendance",
            get(attendance::show),
        ),
        route(
            Method::POST,
            "/referrals/{id}/attendance",
            post(attendance::upload).layer(DefaultBodyLimit::max(documents::UPLOAD_LIMIT)),
        ),
        route(Method::GET, "/api/v1/referrals", get(api_referrals::list)),
        route(
            Method::POST,
            "/api/v1/referrals",
            post(api_referrals::create),
        ),
        route(
            Method::GET,
            "/api/v1/referrals/{id}",
            get(api_referrals::show),
        ),
        route(
            Method::PUT,
            "/api/v1/referrals/{id}",
            put(api_referrals::update),
        ),
        route(
            Method::POST,
            "/api/v1/referrals/{id}/submit",
            post(api_referrals::submit),
        ),
        route(
            Method::GET,
            "/api/v1/referrals/{id}/pupil-match",
            get(api_referrals::pupil_match),
        ),
        route(
            Method::POST,
            "/api/v1/referrals/{id}/pupil-match",
            post(api_referrals::resolve_pupil_match),
        ),
        route(
            Method::GET,
            "/api/v1/referrals/{id}/checks",
            get(api_referrals::checks),
        ),
        route(
            Method::POST,
            "/api/v1/referrals/{id}/decision",
            post(api_referrals::decide),
        ),
        route(
            Method::POST,
            "/api/v1/referrals/{id}/documents",
            post(api_referrals::upload_document)
                .layer(DefaultBodyLimit::max(documents::UPLOAD_LIMIT)),
        ),
        route(
            Method::GET,
            "/api/v1/documents/{id}",
            get(api_referrals::download_document),
        ),
        route(
            Method::GET,
            "/api/v1/referrals/{id}/attendance",
            get(api_referrals::attendance),
        ),
        route(
            Method::POST,
            "/api/v1/referrals/{id}/attendance",
            post(api_referrals::upload_attendance)
                .layer(DefaultBodyLimit::max(documents::UPLOAD_LIMIT)),
        ),
        route(Method::GET, "/notifications/new", get(notifications::new)),
        route(
            Method::POST,
            "/notifications/new",
            post(notifications::submit),
        ),
        route(
            Method::GET,
            "/notifications/{id}/sent",
            get(notifications::sent),
        ),
        route(
            Method::GET,
            "/health-notification",
            get(public_notification::new),
        ),
        route(
            Method::POST,
            "/health-notification",
            post(public_notification::submit),
        ),
        route(
            Method::GET,
            "/health-notification/sent",
            get(public_notification::sent),
        ),
        route(
            Method::GET,
            "/health-notifications/{id}",
            get(public_notification::show),
        ),
        route(
            Method::POST,
            "/health-notifications/{id}/referral",
            post(public_notification::refer),
        ),
        route(
            Method::POST,
            "/health-notifications/{id}/close",
            post(public_notification::close),
        ),
        route(Method::GET, "/alerts", get(alerts::list)),
        route(Method::GET, "/alerts/{id}", get(alerts::show)),
        route(Method::POST, "/alerts/{id}", post(alerts::act)),
        route(
            Method::GET,
            "/alerts/{id}/assessment",
            get(assessments::new_from_alert),
        ),
        route(
            Method::POST,
            "/alerts/{id}/assessment",
            post(assessments::open_from_alert),
        ),
        route(
            Method::GET,
            "/pupils/{id}/assessments/new",
            get(assessments::new_for_pupil),
        ),
        route(
            Method::POST,
            "/pupils/{id}/assessments",
            post(assessments::open_for_pupil),
        ),
        route(Method::GET, "/assessments/{id}", get(assessments::show)),
        route(
            Method::POST,
            "/assessments/{id}/outcome",
            post(assessments::outcome),
        ),
        route(Method::GET, "/enquiries", get(referrals::enquiries)),
        route(Method::POST, "/enquiries", post(referrals::log_enquiry)),
    ];
    all.extend(referral_form::routes());
    all.extend(pages::local_offer::routes::routes());
    all.extend(pages::consultations::routes());
    all.extend(pages::sufficiency::routes());
    all.extend(case_routes());
    all
}

/// Cases after acceptance: the list, the dashboard, a case and what each side does next, with
/// a page for each of its forms ([`pages::cases::CaseForm`]).
fn case_routes() -> Vec<Route> {
    use pages::{cases, resources};
    let forms = cases::CaseForm::ALL.into_iter().map(|form| {
        route(
            Method::GET,
            form.page(),
            get(
                move |state: State<AppState>,
                      user: auth::SignedIn,
                      id: Path<String>,
                      query: RawQuery| {
                    cases::form_page(state, user, id, query, form)
                },
            ),
        )
    });
    forms
        .chain([
            route(Method::GET, "/cases", get(cases::list)),
            route(Method::GET, "/cases/dashboard", get(cases::dashboard)),
            route(
                Method::GET,
                "/reports/section-19",
                get(pages::reports::section_19),
            ),
            route(
                Method::GET,
                "/reports/section-19.csv",
                get(pages::reports::section_19_csv),
            ),
            route(
                Method::GET,
                "/reports/section-19.ods",
                get(pages::reports::section_19_ods),
            ),
            route(
                Method::GET,
                "/reports/annual-report.pdf",
                get(pages::reports::annual_report),
            ),
            route(
                Method::GET,
                "/reports/ap-census.csv",
                get(pages::reports::ap_census_csv),
            ),
            route(
                Method::GET,
                "/reports/ap-census.ods",
                get(pages::reports::ap_census_ods),
            ),
            route(
                Method::GET,
                "/reports/finance.ods",
                get(pages::finance::report_ods),
            ),
            route(Method::GET, "/reports/finance", get(pages::finance::report)),
            route(
                Method::GET,
                "/reports/finance.csv",
                get(pages::finance::report_csv),
            ),
            route(Method::GET, "/finance/prices", get(pages::finance::prices)),
            route(
                Method::POST,
                "/finance/prices",
                post(pages::finance::add_price),
            ),
            route(
                Method::POST,
                "/finance/budgets",
                post(pages::finance::set_budget),
            ),
            route(Method::GET, "/cases/{id}", get(cases::show)),
            route(
                Method::GET,
                "/cases/{id}/continuation/agree",
                get(cases::agree_page),
            ),
            route(Method::GET, "/cases/{id}/plan", get(cases::plan_form)),
            route(Method::POST, "/cases/{id}/plan", post(cases::save_plan)),
            route(Method::POST, "/cases/{id}/start", post(cases::start)),
            route(
                Method::POST,
                "/cases/{id}/sessions",
                post(cases::log_session),
            ),
            route(
                Method::POST,
                "/cases/{id}/review/start",
                post(cases::start_review),
            ),
            route(Method::GET, "/cases/{id}/review", get(cases::review_form)),
            route(Method::POST, "/cases/{id}/review", post(cases::save_review)),
            route(
                Method::GET,
                "/cases/{id}/continuation",
                get(cases::continuation_form),
            ),
            route(
                Method::POST,
                "/cases/{id}/continuation",
                post(cases::request_continuation),
            ),
            route(
                Method::POST,
                "/cases/{id}/continuation/agree",
                post(cases::agree_continuation),
            ),
            route(Method::POST, "/cases/{id}/end", post(cases::end)),
            route(
                Method::POST,
                "/cases/{id}/end-request",
                post(cases::request_end),
            ),
            route(
                Method::POST,
                "/cases/{id}/welfare-checks",
                post(cases::log_welfare_check),
            ),
            route(
                Method::POST,
                "/cases/{id}/concerns",
                post(cases::raise_concern),
            ),
            route(Method::POST, "/cases/{id}/notes", post(cases::add_note)),
            route(
                Method::POST,
                "/cases/{id}/life-limiting",
                post(cases::life_limiting),
            ),
            route(Method::GET, "/cases/{id}/plan.pdf", get(cases::plan_pdf)),
            route(Method::POST, "/cases/{id}/send", post(cases::send_details)),
            route(
                Method::POST,
                "/cases/{id}/attendance",
                post(cases::upload_attendance),
            ),
            route(
                Method::POST,
                "/cases/{id}/admissions",
                post(cases::record_admission),
            ),
            route(
                Method::POST,
                "/cases/{id}/invoices",
                post(cases::record_invoice),
            ),
            route(Method::GET, "/invoices", get(resources::invoices)),
            route(
                Method::POST,
                "/invoices/{id}/paid",
                post(resources::pay_invoice),
            ),
            route(Method::GET, "/resources", get(resources::show)),
            route(Method::POST, "/resources/hlsa", post(resources::add_hlsa)),
            route(
                Method::POST,
                "/resources/hlsa/allocate",
                post(resources::allocate_hlsa),
            ),
            route(
                Method::POST,
                "/resources/online",
                post(resources::add_online),
            ),
            route(
                Method::POST,
                "/resources/online/allocate",
                post(resources::allocate_online),
            ),
            route(
                Method::POST,
                "/resources/robots",
                post(resources::add_robot),
            ),
            route(
                Method::POST,
                "/resources/robots/move",
                post(resources::move_robot),
            ),
            route(
                Method::POST,
                "/resources/waiting",
                post(resources::wait_for_robot),
            ),
            route(
                Method::GET,
                "/cases/{id}/end-letter.pdf",
                get(cases::end_letter),
            ),
        ])
        .collect()
}

const REQUEST_ID: &str = "x-request-id";

/// The whole service: routes, then (innermost first) JSON errors for the API, CSRF, error pages, authentication,
/// security headers, tracing and request ids.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for r in routes() {
        // ORUK readers (and its validators) may ask for `/api/oruk/services/`: the same.
        if r.path.starts_with("/api/oruk/") && !r.path.ends_with('/') {
            router = router.route(&format!("{}/", r.path), r.handler.clone());
        }
        router = router.route(r.path, r.handler);
    }
    router
        .fallback(errors::not_found)
        .layer(axum::middleware::from_fn(errors::api_json_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(axum::middleware::from_fn_with_state(state.clone(), errors::render_error_pages))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::headers))
        .layer(axum::middleware::from_fn(api_oruk::open_to_any_origin))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::record))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    let id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(HeaderName::from_static(REQUEST_ID)))
        .layer(SetRequestIdLayer::new(HeaderName::from_static(REQUEST_ID), MakeRequestUuid))
        // Outside the layers: its bearer token is the monitoring's, not a user's API token.
        .route("/metrics", get(metrics::metrics))
        .with_state(state)
}
