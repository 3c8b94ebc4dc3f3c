//! The SEND Local Offer's routes, kept beside its pages (as `referral_form::routes`).

use crate::{Route, api_oruk, route};
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{get, post};

/// The SEND Local Offer's routes: public pages, the providers' and council's pages, and the
/// Open Referral UK API.
pub fn routes() -> Vec<Route> {
    use super as lo;
    use super::manage;
    vec![
        route(Method::GET, "/local-offer", get(lo::search)),
        route(Method::GET, "/local-offer/guided", get(lo::guided)),
        route(Method::GET, "/local-offer/glossary", get(lo::glossary)),
        route(Method::GET, "/local-offer/services/{id}", get(lo::service)),
        route(
            Method::POST,
            "/local-offer/services/{id}/feedback",
            post(lo::feedback),
        ),
        route(
            Method::GET,
            "/local-offer/shortlist",
            get(lo::show_shortlist),
        ),
        route(
            Method::POST,
            "/local-offer/shortlist",
            post(lo::add_to_shortlist),
        ),
        route(
            Method::POST,
            "/local-offer/shortlist/remove",
            post(lo::remove_from_shortlist),
        ),
        route(
            Method::POST,
            "/local-offer/shortlist/email",
            post(lo::email_shortlist),
        ),
        route(Method::GET, "/local-offer/manage", get(manage::home)),
        route(Method::GET, "/local-offer/manage/stale", get(manage::stale)),
        route(
            Method::GET,
            "/local-offer/manage/import",
            get(manage::import_form),
        ),
        route(
            Method::POST,
            "/local-offer/manage/import",
            post(manage::import_file).layer(DefaultBodyLimit::max(manage::IMPORT_LIMIT)),
        ),
        route(
            Method::POST,
            "/local-offer/manage/import/feed",
            post(manage::import_feed),
        ),
        route(
            Method::GET,
            "/local-offer/manage/services/new",
            get(manage::new_service),
        ),
        route(
            Method::POST,
            "/local-offer/manage/services/new",
            post(manage::save_new),
        ),
        route(
            Method::GET,
            "/local-offer/manage/services/{id}",
            get(manage::edit),
        ),
        route(
            Method::POST,
            "/local-offer/manage/services/{id}",
            post(manage::save),
        ),
        route(
            Method::POST,
            "/local-offer/manage/services/{id}/confirm",
            post(manage::confirm),
        ),
        route(
            Method::GET,
            "/local-offer/manage/services/{id}/history",
            get(manage::history),
        ),
        route(
            Method::POST,
            "/local-offer/manage/services/{id}/restore",
            post(manage::restore),
        ),
        route(
            Method::GET,
            "/local-offer/manage/changes/{id}",
            get(manage::show_change),
        ),
        route(
            Method::POST,
            "/local-offer/manage/changes/{id}",
            post(manage::decide_change),
        ),
        route(
            Method::GET,
            "/local-offer/manage/feedback",
            get(manage::feedback),
        ),
        route(
            Method::POST,
            "/local-offer/manage/feedback/{id}/read",
            post(manage::feedback_read),
        ),
        route(Method::GET, "/api/oruk", get(api_oruk::details)),
        route(Method::GET, "/api/oruk/", get(api_oruk::details)),
        route(
            Method::GET,
            "/api/oruk/openapi.json",
            get(api_oruk::openapi),
        ),
        route(Method::GET, "/api/oruk/services", get(api_oruk::services)),
        route(
            Method::GET,
            "/api/oruk/services/{id}",
            get(api_oruk::service),
        ),
        route(
            Method::GET,
            "/api/oruk/service_at_locations",
            get(api_oruk::service_at_locations),
        ),
        route(
            Method::GET,
            "/api/oruk/service_at_locations/{id}",
            get(api_oruk::service_at_location),
        ),
        route(
            Method::GET,
            "/api/oruk/taxonomies",
            get(api_oruk::taxonomies),
        ),
        route(
            Method::GET,
            "/api/oruk/taxonomies/{id}",
            get(api_oruk::taxonomy),
        ),
        route(
            Method::GET,
            "/api/oruk/taxonomy_terms",
            get(api_oruk::taxonomy_terms),
        ),
        route(
            Method::GET,
            "/api/oruk/taxonomy_terms/{id}",
            get(api_oruk::taxonomy_term),
        ),
        route(
            Method::GET,
            "/api/oruk/organizations",
            get(api_oruk::organizations),
        ),
        route(
            Method::GET,
            "/api/oruk/organizations/{id}",
            get(api_oruk::organization),
        ),
    ]
}
