//! The Open Referral UK 3.0 API under `/api/oruk`: the directory as other directories read
//! it. Every list uses the ORUK paging envelope; every id is a UUID; empty optional fields are
//! left out; every response carries `Access-Control-Allow-Origin: *`. The lists of services
//! and of services at locations run the same search as the public pages.

use crate::AppState;
use crate::errors::ApiError;
use crate::form::Fields;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use mns_app::AppError;
use mns_app::directory::parse_search;
use mns_app::records::SearchUnit;
use mns_domain::directory::oruk;
use mns_domain::directory::search::{
    API_PER_PAGE, MAX_PER_PAGE, SearchQuery, parse_per_page_up_to,
};
use mns_domain::directory::{Taxonomy, TaxonomyTerm};
use serde_json::Value;

type ApiResult = Result<Response, ApiError>;

/// The most of a list's JSON the API buffers to hash and compress (a page of 200 full
/// services is about 1 MB).
const MOST_BUFFERED: usize = 32 << 20;

/// How long a reader may keep an answer before asking again (it can ask cheaply, with the
/// `ETag`).
const CACHE_CONTROL: &str = "public, max-age=60";

/// Middleware for everything under `/api/oruk`, errors and unknown paths included:
/// - any site may read it (`Access-Control-Allow-Origin: *`; ORUK directories are read across
///   origins), and a CORS preflight (`OPTIONS`) is answered here;
/// - a successful `GET` carries an `ETag` (a hash of its JSON) and `Cache-Control`, and a
///   request whose `If-None-Match` has that tag gets `304 Not Modified` with no body;
/// - it is gzipped when the reader accepts gzip. Only this public API is compressed: pages
///   carry CSRF tokens beside what the user typed, which compression would leak (BREACH).
pub async fn open_to_any_origin(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::http::{Method, StatusCode};
    if !request.uri().path().starts_with("/api/oruk") {
        return next.run(request).await;
    }
    if request.method() == Method::OPTIONS {
        let asked = request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned()
            .unwrap_or(HeaderValue::from_static("*"));
        return (
            StatusCode::NO_CONTENT,
            [
                (
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                ),
                (
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static("GET, HEAD, OPTIONS"),
                ),
                (header::ACCESS_CONTROL_ALLOW_HEADERS, asked),
                (
                    header::ACCESS_CONTROL_MAX_AGE,
                    HeaderValue::from_static("86400"),
                ),
            ],
        )
            .into_response();
    }
    // GET only: a HEAD answer reaches here without its body, so its tag would differ.
    let cacheable = request.method() == Method::GET;
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let gzip = request
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(accepts_gzip);
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if !cacheable || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MOST_BUFFERED).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let tag = {
        use sha2::{Digest, Sha256};
        format!("W/\"{}\"", hex::encode(&Sha256::digest(&bytes)[..12]))
    };
    let tag_value = HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""));
    parts.headers.insert(header::ETAG, tag_value.clone());
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    parts
        .headers
        .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let matched = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if matched {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, axum::body::Body::empty());
    }
    if gzip && bytes.len() >= 1024 {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        if encoder.write_all(&bytes).is_ok()
            && let Ok(compressed) = encoder.finish()
        {
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            parts.headers.remove(header::CONTENT_LENGTH);
            return Response::from_parts(parts, axum::body::Body::from(compressed));
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Whether an `Accept-Encoding` list accepts gzip (`gzip`, or `*`, without `q=0`).
fn accepts_gzip(list: &str) -> bool {
    list.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or_default();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
    })
}

/// A JSON response.
fn open(value: Value) -> Response {
    Json(value).into_response()
}

/// An answer, or the error as JSON.
fn answer(result: ApiResult) -> Response {
    match result {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// Whether the query sets `key` (`true`, `1` or `yes`).
fn flag(params: &Fields, key: &str) -> bool {
    params
        .all(key)
        .into_iter()
        .any(|v| matches!(v, "true" | "1" | "yes"))
}

/// A search of `/services` or `/service_at_locations`: the public page's parameters, with the
/// API's page size ([`API_PER_PAGE`] when none is asked for, and at most).
fn api_search(params: &Fields, terms: &[TaxonomyTerm]) -> Result<SearchQuery, ApiError> {
    let searched: Vec<(String, String)> = params
        .pairs()
        .iter()
        .filter(|(k, _)| k != "per_page")
        .cloned()
        .collect();
    let per_page = match params.get("per_page") {
        None => Ok(API_PER_PAGE),
        Some(text) => parse_per_page_up_to(text, API_PER_PAGE)
            .map_err(|e| mns_app::FieldError::new("per_page", format!("per_page {}", e.message))),
    };
    match (parse_search(&searched, terms), per_page) {
        (Ok(mut query), Ok(per_page)) => {
            query.per_page = per_page;
            Ok(query)
        }
        (Ok(_), Err(e)) => Err(ApiError(AppError::Invalid(vec![e]))),
        (Err(mut errors), per_page) => {
            errors.extend(per_page.err());
            Err(ApiError(AppError::Invalid(errors)))
        }
    }
}

/// `page` and `per_page` for the API's lists.
fn paging(params: &Fields) -> Result<(u32, u32), AppError> {
    use mns_domain::directory::search::parse_number;
    let mut page = 1;
    let mut per_page = API_PER_PAGE;
    let mut errors = Vec::new();
    for (k, v) in params.pairs() {
        match k.as_str() {
            "page" => match parse_number("page", v, 1, 1_000_000) {
                Ok(p) => page = p,
                Err(e) => errors.push(mns_app::FieldError::new(
                    "page",
                    format!("page {}", e.message),
                )),
            },
            "per_page" => match parse_per_page_up_to(v, API_PER_PAGE) {
                Ok(p) => per_page = p,
                Err(e) => errors.push(mns_app::FieldError::new(
                    "per_page",
                    format!("per_page {}", e.message),
                )),
            },
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok((page, per_page))
    } else {
        Err(AppError::Invalid(errors))
    }
}

fn base_url(state: &AppState) -> String {
    format!("{}/api/oruk", state.app.settings.public_url)
}

/// `GET /api/oruk/`: which version of ORUK this is and where its OpenAPI document is.
pub async fn details(State(state): State<AppState>) -> Response {
    open(oruk::api_details(&base_url(&state)))
}

/// `GET /api/oruk/openapi.json`: the ORUK 3.0 OpenAPI document this API follows, with this
/// council's name, contact and address filled in where the standard's template leaves blanks.
pub async fn openapi(State(state): State<AppState>) -> Response {
    let mut value: Value =
        serde_json::from_str(include_str!("oruk_openapi.json")).unwrap_or(Value::Null);
    if let Some(doc) = value.as_object_mut() {
        doc.insert("openapi".into(), Value::from("3.0.3"));
        doc.insert(
            "servers".into(),
            serde_json::json!([{ "url": base_url(&state), "description": "This directory" }]),
        );
        doc.insert(
            "info".into(),
            serde_json::json!({
                "title": format!("{} SEND Local Offer: Open Referral UK API", state.app.settings.council_name),
                "description": "The council's SEND Local Offer directory, published in the Open Referral UK 3.0 profile of HSDS.",
                "version": oruk::API_VERSION,
                "contact": { "name": "SEND Local Offer team", "email": state.app.settings.local_offer_email },
                "license": { "name": "Open Government Licence v3.0", "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" }
            }),
        );
    }
    open(value)
}

async fn vocabulary(state: &AppState) -> Result<(Vec<Taxonomy>, Vec<TaxonomyTerm>), AppError> {
    state.app.directory_vocabulary().await
}

/// `GET /api/oruk/services`: a page of services, searched and filtered as the public page.
pub async fn services(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    answer(services_inner(&state, raw.as_deref()).await)
}

async fn services_inner(state: &AppState, raw: Option<&str>) -> ApiResult {
    let params = Fields::from_query(raw);
    let (taxonomies, terms) = vocabulary(state).await?;
    let full = flag(&params, "full");
    let mut query = api_search(&params, &terms)?;
    // Full documents are some five times the size of list items: 200 a page at most.
    if full {
        query.per_page = query.per_page.min(MAX_PER_PAGE);
    }
    let found = state
        .app
        .search_directory(&query, SearchUnit::Service)
        .await?;
    let mut contents = Vec::new();
    for hit in &found.page.hits {
        let org = found.organization(&hit.service.organization_id);
        contents.push(if full {
            oruk::service_full(&hit.service, org, &terms, &taxonomies)
        } else {
            oruk::service_list_item(&hit.service, org)
        });
    }
    Ok(open(oruk::page(
        contents,
        found.page.total,
        query.page,
        query.per_page,
    )))
}

/// `GET /api/oruk/services/{id}`: one service in full.
pub async fn service(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    answer(service_inner(&state, &id).await)
}

async fn service_inner(state: &AppState, id: &str) -> ApiResult {
    let view = state.app.directory_service(None, id).await?;
    let (taxonomies, terms) = vocabulary(state).await?;
    Ok(open(oruk::service_full(
        &view.entry.service,
        view.organization.as_ref(),
        &terms,
        &taxonomies,
    )))
}

/// `GET /api/oruk/service_at_locations`: a page of services at their locations, nearest first
/// when a postcode is given.
pub async fn service_at_locations(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(service_at_locations_inner(&state, raw.as_deref()).await)
}

async fn service_at_locations_inner(state: &AppState, raw: Option<&str>) -> ApiResult {
    let params = Fields::from_query(raw);
    let (taxonomies, terms) = vocabulary(state).await?;
    let full = flag(&params, "full");
    let mut query = api_search(&params, &terms)?;
    // Full documents are some five times the size of list items: 200 a page at most.
    if full {
        query.per_page = query.per_page.min(MAX_PER_PAGE);
    }
    let found = state
        .app
        .search_directory(&query, SearchUnit::ServiceAtLocation)
        .await?;
    let mut contents = Vec::new();
    for hit in &found.page.hits {
        // The row came from this service's own locations, so a miss means the stored search
        // columns disagree with the document: an error, not a silently short page.
        let sal = hit
            .service
            .locations
            .iter()
            .find(|l| Some(&l.id) == hit.service_at_location_id.as_ref())
            .ok_or_else(|| {
                ApiError(AppError::internal(
                    "a service at location is missing from its service",
                ))
            })?;
        let org = found.organization(&hit.service.organization_id);
        contents.push(if full {
            oruk::service_at_location(sal, &hit.service, org, &terms, &taxonomies)
        } else {
            oruk::service_at_location_list_item(sal, &hit.service, org)
        });
    }
    Ok(open(oruk::page(
        contents,
        found.page.total,
        query.page,
        query.per_page,
    )))
}

/// `GET /api/oruk/service_at_locations/{id}`: one service at one location.
pub async fn service_at_location(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Response {
    answer(service_at_location_inner(&state, &id).await)
}

async fn service_at_location_inner(state: &AppState, id: &str) -> ApiResult {
    let service = state.app.service_of_location_link(id).await?;
    let sal = service
        .locations
        .iter()
        .find(|l| l.id == id)
        .ok_or(ApiError(AppError::NotFound))?;
    let org = state
        .app
        .directory_organization(&service.organization_id)
        .await?;
    let (taxonomies, terms) = vocabulary(state).await?;
    Ok(open(oruk::service_at_location(
        sal,
        &service,
        org.as_ref(),
        &terms,
        &taxonomies,
    )))
}

fn slice<T: Clone>(items: &[T], page: u32, per_page: u32) -> Vec<T> {
    let start = (page as usize - 1).saturating_mul(per_page as usize);
    items
        .iter()
        .skip(start)
        .take(per_page as usize)
        .cloned()
        .collect()
}

/// `GET /api/oruk/taxonomies`: a page of taxonomies.
pub async fn taxonomies(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    answer(
        async {
            let params = Fields::from_query(raw.as_deref());
            let (page, per_page) = paging(&params)?;
            let (taxonomies, _) = vocabulary(&state).await?;
            let search = params.get("search").map(str::to_lowercase);
            let taxonomies: Vec<Taxonomy> = taxonomies
                .into_iter()
                .filter(|t| {
                    search
                        .as_ref()
                        .is_none_or(|s| t.name.to_lowercase().contains(s))
                })
                .collect();
            let contents = slice(&taxonomies, page, per_page)
                .iter()
                .map(oruk::taxonomy_list_item)
                .collect();
            Ok(open(oruk::page(
                contents,
                taxonomies.len() as u64,
                page,
                per_page,
            )))
        }
        .await,
    )
}

/// `GET /api/oruk/taxonomies/{id}`: one taxonomy with its terms.
pub async fn taxonomy(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    answer(
        async {
            let (taxonomies, terms) = vocabulary(&state).await?;
            let t = taxonomies
                .iter()
                .find(|t| t.id == id)
                .ok_or(ApiError(AppError::NotFound))?;
            let own: Vec<TaxonomyTerm> =
                terms.into_iter().filter(|x| x.taxonomy_id == id).collect();
            Ok(open(oruk::taxonomy(t, &own)))
        }
        .await,
    )
}

/// `GET /api/oruk/taxonomy_terms`: a page of terms, optionally of one taxonomy
/// (`taxonomy_id`), under one parent (`parent_id`) or top-level only (`top_only`).
pub async fn taxonomy_terms(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    answer(
        async {
            let params = Fields::from_query(raw.as_deref());
            let (page, per_page) = paging(&params)?;
            let (taxonomies, terms) = vocabulary(&state).await?;
            let search = params.get("search").map(str::to_lowercase);
            let list: Vec<TaxonomyTerm> = terms
                .into_iter()
                .filter(|t| {
                    params
                        .get("taxonomy_id")
                        .is_none_or(|id| t.taxonomy_id == id)
                })
                .filter(|t| {
                    params
                        .get("parent_id")
                        .is_none_or(|id| t.parent_id.as_deref() == Some(id))
                })
                .filter(|t| !flag(&params, "top_only") || t.parent_id.is_none())
                .filter(|t| {
                    search
                        .as_ref()
                        .is_none_or(|s| t.name.to_lowercase().contains(s))
                })
                .collect();
            let contents = slice(&list, page, per_page)
                .iter()
                .map(|t| oruk::taxonomy_term(t, taxonomies.iter().find(|x| x.id == t.taxonomy_id)))
                .collect();
            Ok(open(oruk::page(
                contents,
                list.len() as u64,
                page,
                per_page,
            )))
        }
        .await,
    )
}

/// `GET /api/oruk/taxonomy_terms/{id}`: one term.
pub async fn taxonomy_term(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    answer(
        async {
            let (taxonomies, terms) = vocabulary(&state).await?;
            let t = terms
                .iter()
                .find(|t| t.id == id)
                .ok_or(ApiError(AppError::NotFound))?;
            Ok(open(oruk::taxonomy_term(
                t,
                taxonomies.iter().find(|x| x.id == t.taxonomy_id),
            )))
        }
        .await,
    )
}

/// `GET /api/oruk/organizations`: a page of organisations by name (`search` narrows it).
pub async fn organizations(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    answer(
        async {
            let params = Fields::from_query(raw.as_deref());
            let (page, per_page) = paging(&params)?;
            let search = params.get("search").filter(|s| !s.trim().is_empty());
            let (total, orgs) = state
                .app
                .directory_organizations(search, page, per_page)
                .await?;
            let contents = orgs.iter().map(oruk::organization_list_item).collect();
            Ok(open(oruk::page(contents, total, page, per_page)))
        }
        .await,
    )
}

/// `GET /api/oruk/organizations/{id}`: one organisation; with `full_service=true`, its
/// services in full.
pub async fn organization(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(
        async {
            let params = Fields::from_query(raw.as_deref());
            let org = state
                .app
                .directory_organization(&id)
                .await?
                .ok_or(ApiError(AppError::NotFound))?;
            if flag(&params, "full_service") {
                let (taxonomies, terms) = vocabulary(&state).await?;
                let services: Vec<Value> = state
                    .app
                    .active_services_of_organization(&id)
                    .await?
                    .iter()
                    .map(|s| oruk::service_full(s, Some(&org), &terms, &taxonomies))
                    .collect();
                Ok(open(oruk::organization(&org, Some(&services))))
            } else {
                Ok(open(oruk::organization(&org, None)))
            }
        }
        .await,
    )
}
