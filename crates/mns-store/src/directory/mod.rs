//! The Local Offer directory: organisations, taxonomies, services with their search columns,
//! versions, providers' proposed changes, feedback and postcode centroids.
//!
//! Search is one statement built from the parsed query, the same on both databases: every
//! filter is a plain column test or an `IN (SELECT service_id …)` over a (key, service) index
//! table, and distance is ordered with arithmetic on indexed latitude and longitude.

use crate::{StoreError, StoreResult, WriteTx, ts};
use chrono::{DateTime, Utc};
use mns_domain::directory::Service;
use mns_domain::directory::search::{Point, SearchQuery, prefix_upper_bound};
use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;

/// A service as stored: the document and what surrounds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceEntry {
    /// The service.
    pub service: Service,
    /// Its published version number (from 1).
    pub version: i64,
}

/// The search columns of a service, worked out by the application from the document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceIndex {
    /// The stems of its text with their weighted counts, for keyword search and ranking.
    pub words: Vec<(String, u32)>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The service.
    pub service: Service,
    /// The service-at-location the row is for (when searching by location).
    pub service_at_location_id: Option<String>,
    /// The nearest location to the searched point, if a point was given and it has one.
    pub nearest: Option<Point>,
}

impl SearchHit {
    /// A hit on `service` (at `service_at_location_id` when searching by location), with its
    /// nearest place to `near` worked out.
    pub fn new(
        service: Service,
        service_at_location_id: Option<String>,
        near: Option<Point>,
    ) -> SearchHit {
        let nearest = near.and_then(|p| {
            service
                .locations
                .iter()
                .filter(|l| service_at_location_id.as_ref().is_none_or(|id| &l.id == id))
                .map(|l| Point {
                    latitude: l.location.latitude,
                    longitude: l.location.longitude,
                })
                .min_by(|a, b| p.distance_metres(*a).total_cmp(&p.distance_metres(*b)))
        });
        SearchHit {
            service,
            service_at_location_id,
            nearest,
        }
    }
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    /// How many results match in all.
    pub total: u64,
    /// This page's results.
    pub hits: Vec<SearchHit>,
}

pub use mns_domain::directory::index::SearchUnit;

/// A stored version of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceVersion {
    /// The version number.
    pub version: i64,
    /// The service as it was.
    pub service: Service,
    /// Who published it (none for imports and the demo).
    pub changed_by: Option<String>,
    /// When.
    pub changed_at: DateTime<Utc>,
    /// Why ("approved change", "restored version 2", "imported").
    pub note: String,
}

/// A provider's proposed change.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRecord {
    /// Its id.
    pub id: String,
    /// The service it changes (or creates).
    pub service_id: String,
    /// The organisation that owns the service.
    pub organization_id: String,
    /// The published version it was made against (0 for a new service).
    pub base_version: i64,
    /// The service as the provider wants it.
    pub proposed: Service,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// Who proposed it.
    pub submitted_by: String,
    /// When.
    pub submitted_at: DateTime<Utc>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub reason: Option<String>,
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("directory document: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("directory types always serialise")
}

/// Ages stored for "no limit", so that range tests need no NULL handling.
const NO_MINIMUM_AGE: i64 = 0;
const NO_MAXIMUM_AGE: i64 = 255;

mod feeds;
mod reads;
mod search;
mod writes;

/// Inserts (key, service) rows in batches.
async fn insert_keys(
    tx: &mut WriteTx,
    table: &str,
    column: &str,
    service_id: &str,
    keys: &[String],
) -> StoreResult<()> {
    for batch in keys.chunks(100) {
        let values: Vec<String> = (0..batch.len())
            .map(|i| format!("(${}, $1)", i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({column}, service_id) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(service_id);
        for key in batch {
            q = q.bind(key);
        }
        q.execute(&mut *tx.tx).await?;
    }
    Ok(())
}

/// The earliest opening and latest closing time over a service's schedules ("HH:MM"), for the
/// ORUK `start_time` and `end_time` filters; "00:00" and "24:00" when unknown.
fn opening_bounds(service: &Service) -> (String, String) {
    let opens = service.schedules.iter().filter_map(|s| s.opens_at).min();
    let closes = service.schedules.iter().filter_map(|s| s.closes_at).max();
    (
        opens.map_or("00:00".into(), |t| t.format("%H:%M").to_string()),
        closes.map_or("24:00".into(), |t| t.format("%H:%M").to_string()),
    )
}

/// A value to bind into a built statement.
enum Param {
    Text(String),
    Int(i64),
    Float(f64),
}

fn bind_all<'q, O>(
    mut q: QueryAs<'q, Any, O, AnyArguments<'q>>,
    params: &'q [Param],
) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
    for p in params {
        q = match p {
            Param::Text(t) => q.bind(t.as_str()),
            Param::Int(i) => q.bind(*i),
            Param::Float(f) => q.bind(*f),
        };
    }
    q
}

/// Builds the WHERE clause of a search; `params` collects the values in placeholder order.
fn search_filters(query: &SearchQuery, params: &mut Vec<Param>) -> String {
    let next = |params: &mut Vec<Param>, p: Param| {
        params.push(p);
        format!("${}", params.len())
    };
    let mut clauses = vec!["s.status = 'active'".to_string()];
    if query.local_offer_only {
        clauses.push("s.local_offer = 1".into());
    }
    if query.free_only {
        clauses.push("s.free = 1".into());
    }
    if let Some(age) = query.age {
        let a = next(params, Param::Int(i64::from(age)));
        let b = next(params, Param::Int(i64::from(age)));
        clauses.push(format!("s.minimum_age <= {a} AND s.maximum_age >= {b}"));
    }
    if let Some(age) = query.minimum_age {
        let a = next(params, Param::Int(i64::from(age)));
        clauses.push(format!("s.minimum_age >= {a}"));
    }
    if let Some(age) = query.maximum_age {
        let a = next(params, Param::Int(i64::from(age)));
        clauses.push(format!("s.maximum_age <= {a}"));
    }
    let mask = query.day_mask();
    if mask != 0 {
        let m = next(params, Param::Int(mask));
        clauses.push(format!("(s.day_mask & {m}) <> 0"));
    }
    if let Some(t) = query.start_time {
        let p = next(params, Param::Text(t.format("%H:%M").to_string()));
        clauses.push(format!("s.opens_at >= {p}"));
    }
    if let Some(t) = query.end_time {
        let p = next(params, Param::Text(t.format("%H:%M").to_string()));
        clauses.push(format!("s.closes_at <= {p}"));
    }
    if let Some(org) = &query.organization_id {
        let p = next(params, Param::Text(org.clone()));
        clauses.push(format!("s.organization_id = {p}"));
    }
    if let Some(after) = query.modified_after {
        let p = next(params, Param::Text(ts(after)));
        clauses.push(format!("s.last_modified >= {p}"));
    }
    for group in query.term_groups.iter().filter(|g| !g.is_empty()) {
        let list: Vec<String> = group
            .iter()
            .map(|t| next(params, Param::Text(t.clone())))
            .collect();
        clauses.push(format!(
            "s.id IN (SELECT service_id FROM directory_service_terms WHERE term_id IN ({}))",
            list.join(", ")
        ));
    }
    if let Some(taxonomy) = &query.taxonomy_id {
        let p = next(params, Param::Text(taxonomy.clone()));
        clauses.push(format!(
            "s.id IN (SELECT st.service_id FROM directory_service_terms st JOIN directory_terms t \
             ON t.id = st.term_id WHERE t.taxonomy_id = {p})"
        ));
    }
    if query.stop_words_only {
        clauses.push("1 = 0".into());
    }
    for word in &query.words {
        match prefix_upper_bound(word).filter(|_| word.chars().count() >= 3) {
            Some(upper) => {
                let lo = next(params, Param::Text(word.clone()));
                let hi = next(params, Param::Text(upper));
                clauses.push(format!(
                    "s.id IN (SELECT service_id FROM directory_words WHERE word >= {lo} AND word < {hi})"
                ));
            }
            None => {
                let p = next(params, Param::Text(word.clone()));
                clauses.push(format!(
                    "s.id IN (SELECT service_id FROM directory_words WHERE word = {p})"
                ));
            }
        }
    }
    clauses.join(" AND ")
}
