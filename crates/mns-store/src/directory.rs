//! The Local Offer directory: organisations, taxonomies, services with their search columns,
//! versions, providers' proposed changes, feedback and postcode centroids.
//!
//! Search is one statement built from the parsed query, the same on both databases: every
//! filter is a plain column test or an `IN (SELECT service_id …)` over a (key, service) index
//! table, and distance is ordered with arithmetic on indexed latitude and longitude.

use crate::{Store, StoreError, StoreResult, WriteTx, parse_ts, ts};
use chrono::{DateTime, NaiveDate, Utc};
use mns_domain::directory::index::{DEGREES_PER_METRE, IndexedService};
use mns_domain::directory::search::{Point, SearchQuery, prefix_upper_bound};
use mns_domain::directory::{Organization, Service, Taxonomy, TaxonomyTerm};
use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::{Any, FromRow};

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
    /// Words and stems of its text, for keyword search.
    pub words: Vec<String>,
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

/// Feedback from a family about a service.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct FeedbackRecord {
    /// Its id.
    pub id: String,
    /// The service.
    pub service_id: String,
    /// When it was left.
    pub created_at: String,
    /// What they said.
    pub comment: String,
    /// An address for a reply, if they gave one.
    pub email: Option<String>,
    /// `new` or `read`.
    pub status: String,
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

impl WriteTx {
    /// Adds an organisation or replaces it.
    pub async fn put_organization(
        &mut self,
        org: &Organization,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO directory_organizations (id, name, name_key, document, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
             name_key = excluded.name_key, document = excluded.document, \
             updated_at = excluded.updated_at",
        )
        .bind(&org.id)
        .bind(&org.name)
        .bind(org.name.to_lowercase())
        .bind(to_json(org))
        .bind(ts(now))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Adds a taxonomy and its terms, or replaces them.
    pub async fn put_taxonomy(
        &mut self,
        taxonomy: &Taxonomy,
        terms: &[TaxonomyTerm],
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO directory_taxonomies (id, name, document) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, document = excluded.document",
        )
        .bind(&taxonomy.id)
        .bind(&taxonomy.name)
        .bind(to_json(taxonomy))
        .execute(&mut *self.tx)
        .await?;
        let mut moved = false;
        for (position, term) in terms.iter().enumerate() {
            let before: Option<(String,)> =
                sqlx::query_as("SELECT taxonomy_id FROM directory_terms WHERE id = $1")
                    .bind(&term.id)
                    .fetch_optional(&mut *self.tx)
                    .await?;
            moved |= before.is_none_or(|(t,)| t != term.taxonomy_id);
            sqlx::query(
                "INSERT INTO directory_terms (id, taxonomy_id, code, position, document) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET \
                 taxonomy_id = excluded.taxonomy_id, code = excluded.code, \
                 position = excluded.position, document = excluded.document",
            )
            .bind(&term.id)
            .bind(&term.taxonomy_id)
            .bind(&term.code)
            .bind(position as i64)
            .bind(to_json(term))
            .execute(&mut *self.tx)
            .await?;
        }
        // Search filters by taxonomy through its terms: a new term, or one that moved, changes
        // what search indexes hold.
        if moved {
            self.bump_directory_generation(None).await?;
        }
        Ok(())
    }

    /// Records that search columns changed (a service's, or with `None` the taxonomies'), so
    /// that every instance's search index catches up before its next search.
    async fn bump_directory_generation(&mut self, service_id: Option<&str>) -> StoreResult<()> {
        let (generation,): (i64,) = sqlx::query_as(
            "UPDATE directory_generation SET generation = generation + 1 WHERE id = 1 \
             RETURNING generation",
        )
        .fetch_one(&mut *self.tx)
        .await?;
        sqlx::query("INSERT INTO directory_index_log (generation, service_id) VALUES ($1, $2)")
            .bind(generation)
            .bind(service_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Publishes a service: writes the document, its search columns and side tables, and
    /// records it as a new version. Returns the version number.
    pub async fn put_service(
        &mut self,
        service: &Service,
        index: &ServiceIndex,
        changed_by: Option<&str>,
        note: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let document = to_json(service);
        let current: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM directory_services WHERE id = $1")
                .bind(&service.id)
                .fetch_optional(&mut *self.tx)
                .await?;
        let version = current.map_or(1, |(v,)| v + 1);
        let (opens, closes) = opening_bounds(service);
        sqlx::query(
            "INSERT INTO directory_services (id, organization_id, name_key, status, local_offer, \
             minimum_age, maximum_age, free, day_mask, opens_at, closes_at, last_reviewed, \
             last_modified, version, document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15) ON CONFLICT (id) DO UPDATE SET \
             organization_id = excluded.organization_id, name_key = excluded.name_key, \
             status = excluded.status, local_offer = excluded.local_offer, \
             minimum_age = excluded.minimum_age, maximum_age = excluded.maximum_age, \
             free = excluded.free, day_mask = excluded.day_mask, opens_at = excluded.opens_at, \
             closes_at = excluded.closes_at, last_reviewed = excluded.last_reviewed, \
             last_modified = excluded.last_modified, version = excluded.version, \
             document = excluded.document",
        )
        .bind(&service.id)
        .bind(&service.organization_id)
        .bind(service.name.to_lowercase())
        .bind(service.status.as_str())
        .bind(i64::from(service.in_local_offer()))
        .bind(service.minimum_age.map_or(NO_MINIMUM_AGE, i64::from))
        .bind(service.maximum_age.map_or(NO_MAXIMUM_AGE, i64::from))
        .bind(i64::from(service.is_free()))
        .bind(service.day_mask())
        .bind(opens)
        .bind(closes)
        .bind(service.last_reviewed.to_string())
        .bind(ts(service.last_modified))
        .bind(version)
        .bind(&document)
        .execute(&mut *self.tx)
        .await?;
        for table in [
            "directory_service_at_locations",
            "directory_service_terms",
            "directory_words",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE service_id = $1"))
                .bind(&service.id)
                .execute(&mut *self.tx)
                .await?;
        }
        for sal in &service.locations {
            sqlx::query(
                "INSERT INTO directory_service_at_locations (id, service_id, latitude, longitude) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&sal.id)
            .bind(&service.id)
            .bind(sal.location.latitude)
            .bind(sal.location.longitude)
            .execute(&mut *self.tx)
            .await?;
        }
        let mut terms = service.terms.clone();
        terms.sort();
        terms.dedup();
        insert_keys(
            self,
            "directory_service_terms",
            "term_id",
            &service.id,
            &terms,
        )
        .await?;
        let mut words = index.words.clone();
        words.sort();
        words.dedup();
        insert_keys(self, "directory_words", "word", &service.id, &words).await?;
        self.bump_directory_generation(Some(&service.id)).await?;
        sqlx::query(
            "INSERT INTO directory_service_versions (service_id, version, document, changed_by, \
             changed_at, note) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&service.id)
        .bind(version)
        .bind(&document)
        .bind(changed_by)
        .bind(ts(now))
        .bind(note)
        .execute(&mut *self.tx)
        .await?;
        Ok(version)
    }

    /// Records a provider's proposed change.
    pub async fn insert_change(&mut self, change: &ChangeRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO directory_changes (id, service_id, organization_id, base_version, \
             proposed, status, submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&change.id)
        .bind(&change.service_id)
        .bind(&change.organization_id)
        .bind(change.base_version)
        .bind(to_json(&change.proposed))
        .bind(&change.status)
        .bind(&change.submitted_by)
        .bind(ts(change.submitted_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Marks a pending change approved or rejected. Returns false if it was not pending.
    pub async fn decide_change(
        &mut self,
        id: &str,
        status: &str,
        decided_by: &str,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE directory_changes SET status = $1, decided_by = $2, decided_at = $3, \
             reason = $4 WHERE id = $5 AND status = 'pending'",
        )
        .bind(status)
        .bind(decided_by)
        .bind(ts(now))
        .bind(reason)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Lets a user edit an organisation's entries.
    pub async fn link_organization_user(
        &mut self,
        user_id: &str,
        organization_id: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO directory_organization_users (user_id, organization_id) VALUES ($1, $2) \
             ON CONFLICT (user_id, organization_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(organization_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Stores a family's feedback.
    pub async fn insert_feedback(&mut self, f: &FeedbackRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO directory_feedback (id, service_id, created_at, comment, email, status) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&f.id)
        .bind(&f.service_id)
        .bind(&f.created_at)
        .bind(&f.comment)
        .bind(&f.email)
        .bind(&f.status)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Marks feedback as read.
    pub async fn mark_feedback_read(&mut self, id: &str) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE directory_feedback SET status = 'read' WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Notes that the owner of a service was reminded to review it on `day`.
    pub async fn mark_review_reminded(
        &mut self,
        service_id: &str,
        day: NaiveDate,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE directory_services SET review_reminded_on = $1 WHERE id = $2")
            .bind(day.to_string())
            .bind(service_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Adds postcode centroids, replacing any already known. Rows go in batches so that a
    /// national file loads in minutes, not hours.
    pub async fn put_postcodes(
        &mut self,
        rows: &[(String, Point, Option<String>)],
    ) -> StoreResult<()> {
        for batch in rows.chunks(200) {
            let mut sql = String::from(
                "INSERT INTO postcodes (postcode, latitude, longitude, place) VALUES ",
            );
            for i in 0..batch.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let n = i * 4;
                sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
            }
            sql.push_str(
                " ON CONFLICT (postcode) DO UPDATE SET latitude = excluded.latitude, \
                 longitude = excluded.longitude, place = excluded.place",
            );
            let mut q = sqlx::query(&sql);
            for (postcode, point, place) in batch {
                q = q
                    .bind(postcode)
                    .bind(point.latitude)
                    .bind(point.longitude)
                    .bind(place);
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}

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
    for word in &query.words {
        match prefix_upper_bound(word) {
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

impl Store {
    /// Searches the directory. With `near`, results are ordered by distance to it (nearest
    /// location first) and `query.within_metres` limits how far; otherwise by name.
    pub async fn search_directory(
        &self,
        query: &SearchQuery,
        near: Option<Point>,
        unit: SearchUnit,
    ) -> StoreResult<SearchPage> {
        let mut params = Vec::new();
        let filters = search_filters(query, &mut params);
        let filter_params = params.len();
        let limit = i64::from(query.per_page.max(1));
        let offset = query.offset() as i64;
        // Each shape gives: the rows searched (`from`), the count's own statement when it can
        // skip work the page needs, the page's sort keys beside `s.id` (`keys`, named for the
        // outer query), the order over them inside (`order`) and outside (`outer_order`), and
        // what the outer query returns as distance and service-at-location.
        struct Shape {
            from: String,
            count: Option<(String, usize)>,
            keys: &'static str,
            order: &'static str,
            outer_order: &'static str,
            dist: &'static str,
            sal: &'static str,
        }
        let shape = match near {
            Some(point) => {
                // The distance expression: squared degrees, longitude scaled to latitude's
                // units.
                let lat = params.len() + 1;
                params.push(Param::Float(point.latitude));
                params.push(Param::Float(point.longitude));
                params.push(Param::Float(point.longitude_scale()));
                let expr = format!(
                    "((l.latitude - ${lat}) * (l.latitude - ${lat}) + \
                     (l.longitude - ${lon}) * ${k} * (l.longitude - ${lon}) * ${k})",
                    lon = lat + 1,
                    k = lat + 2
                );
                let mut within = String::new();
                if let Some(metres) = query.within_metres {
                    let bx = point.bounding_box(f64::from(metres));
                    let n = params.len();
                    params.push(Param::Float(bx.min_latitude));
                    params.push(Param::Float(bx.max_latitude));
                    params.push(Param::Float(bx.min_longitude));
                    params.push(Param::Float(bx.max_longitude));
                    let r = f64::from(metres) * DEGREES_PER_METRE;
                    params.push(Param::Float(r * r));
                    within = format!(
                        " WHERE l.latitude BETWEEN ${} AND ${} AND l.longitude BETWEEN ${} AND ${} \
                         AND {expr} <= ${}",
                        n + 1,
                        n + 2,
                        n + 3,
                        n + 4,
                        n + 5
                    );
                }
                match unit {
                    SearchUnit::Service => {
                        let join = if query.within_metres.is_some() {
                            "JOIN"
                        } else {
                            "LEFT JOIN"
                        };
                        // Counting needs no nearest distance: with a radius, a service counts
                        // if any of its locations is inside it; without, every service that
                        // passes the filters counts (the outer join keeps them all).
                        let count = if query.within_metres.is_some() {
                            (
                                format!(
                                    "SELECT COUNT(*) FROM directory_services s WHERE {filters} \
                                     AND s.id IN (SELECT l.service_id FROM \
                                     directory_service_at_locations l{within})"
                                ),
                                params.len(),
                            )
                        } else {
                            (
                                format!("SELECT COUNT(*) FROM directory_services s WHERE {filters}"),
                                filter_params,
                            )
                        };
                        Shape {
                            from: format!(
                                "directory_services s {join} (SELECT l.service_id, MIN({expr}) AS dist \
                                 FROM directory_service_at_locations l{within} GROUP BY l.service_id) d \
                                 ON d.service_id = s.id"
                            ),
                            count: Some(count),
                            keys: "d.dist AS dist, s.name_key AS name_key",
                            order: "(CASE WHEN d.dist IS NULL THEN 1 ELSE 0 END), d.dist, s.name_key, s.id",
                            outer_order: "(CASE WHEN p.dist IS NULL THEN 1 ELSE 0 END), p.dist, p.name_key, p.id",
                            dist: "p.dist",
                            sal: "NULL",
                        }
                    }
                    SearchUnit::ServiceAtLocation => Shape {
                        from: format!(
                            "directory_services s JOIN (SELECT l.id, l.service_id, {expr} AS dist \
                             FROM directory_service_at_locations l{within}) d ON d.service_id = s.id"
                        ),
                        count: None,
                        keys: "d.dist AS dist, s.name_key AS name_key, d.id AS sal",
                        order: "d.dist, s.name_key, d.id",
                        outer_order: "p.dist, p.name_key, p.sal",
                        dist: "p.dist",
                        sal: "p.sal",
                    },
                }
            }
            None => match unit {
                SearchUnit::Service => Shape {
                    from: "directory_services s".to_string(),
                    count: None,
                    keys: "s.name_key AS name_key",
                    order: "s.name_key, s.id",
                    outer_order: "p.name_key, p.id",
                    dist: "NULL",
                    sal: "NULL",
                },
                SearchUnit::ServiceAtLocation => Shape {
                    from: "directory_services s JOIN directory_service_at_locations d ON d.service_id = s.id"
                        .to_string(),
                    count: None,
                    keys: "s.name_key AS name_key, d.id AS sal",
                    order: "s.name_key, d.id",
                    outer_order: "p.name_key, p.sal",
                    dist: "NULL",
                    sal: "p.sal",
                },
            },
        };
        let Shape {
            from,
            count,
            keys,
            order,
            outer_order,
            dist,
            sal,
        } = shape;
        let (count_sql, count_params) = count.unwrap_or_else(|| {
            (
                format!("SELECT COUNT(*) FROM {from} WHERE {filters}"),
                params.len(),
            )
        });
        // Neither statement is kept prepared: searches come in many shapes, and PostgreSQL
        // would soon swap a kept statement's plan for a generic one that cannot see how many
        // services a term or a radius holds (measured at twice as slow).
        let (total,): (i64,) = bind_all(sqlx::query_as(&count_sql), &params[..count_params])
            .persistent(false)
            .fetch_one(&self.pool)
            .await?;
        // The page is chosen on the search columns alone and only its rows' documents are
        // read: sorting every match with its document would carry kilobytes per row.
        let page_sql = format!(
            "SELECT s.document, {dist}, {sal} FROM (SELECT s.id AS id, {keys} FROM {from} \
             WHERE {filters} ORDER BY {order} LIMIT {limit} OFFSET {offset}) p \
             JOIN directory_services s ON s.id = p.id ORDER BY {outer_order}"
        );
        let rows: Vec<(String, Option<f64>, Option<String>)> =
            bind_all(sqlx::query_as(&page_sql), &params)
                .persistent(false)
                .fetch_all(&self.pool)
                .await?;
        let mut hits = Vec::with_capacity(rows.len());
        for (document, _dist, sal) in rows {
            hits.push(SearchHit::new(from_json(&document)?, sal, near));
        }
        Ok(SearchPage {
            total: total as u64,
            hits,
        })
    }

    /// A service by id, whatever its status.
    pub async fn directory_service(&self, id: &str) -> StoreResult<Option<ServiceEntry>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT document, version FROM directory_services WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(doc, version)| {
            Ok(ServiceEntry {
                service: from_json(&doc)?,
                version,
            })
        })
        .transpose()
    }

    /// The directory's generation, bumped by every change to search columns.
    pub async fn directory_generation(&self) -> StoreResult<i64> {
        let (generation,): (i64,) =
            sqlx::query_as("SELECT generation FROM directory_generation WHERE id = 1")
                .fetch_one(&self.pool)
                .await?;
        Ok(generation)
    }

    /// What changed after `generation`, oldest first: each generation with the service that
    /// changed, or `None` when the taxonomies did.
    pub async fn directory_changes_since(
        &self,
        generation: i64,
    ) -> StoreResult<Vec<(i64, Option<String>)>> {
        Ok(sqlx::query_as(
            "SELECT generation, service_id FROM directory_index_log WHERE generation > $1 \
             ORDER BY generation",
        )
        .bind(generation)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every taxonomy term's id with its taxonomy's id.
    pub async fn directory_term_taxonomies(&self) -> StoreResult<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT id, taxonomy_id FROM directory_terms")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The search columns of active services, for a search index: every one, or those of
    /// `ids` (ids of services not running are left out).
    pub async fn directory_index_entries(
        &self,
        ids: Option<&[String]>,
    ) -> StoreResult<Vec<IndexedService>> {
        type Columns = (
            String,
            String,
            String,
            i64,
            i64,
            i64,
            i64,
            i64,
            String,
            String,
            String,
        );
        let batches: Vec<Option<&[String]>> = match ids {
            None => vec![None],
            Some(ids) => ids.chunks(500).map(Some).collect(),
        };
        let mut out = Vec::new();
        for batch in batches {
            let (filter, service_filter, binds) = match batch {
                None => (String::new(), String::new(), &[][..]),
                Some(ids) => {
                    let list: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
                    let list = list.join(", ");
                    (
                        format!(" AND id IN ({list})"),
                        format!(" WHERE service_id IN ({list})"),
                        ids,
                    )
                }
            };
            let sql = format!(
                "SELECT id, organization_id, name_key, local_offer, minimum_age, maximum_age, \
                 free, day_mask, opens_at, closes_at, last_modified FROM directory_services \
                 WHERE status = 'active'{filter}"
            );
            let mut q = sqlx::query_as::<_, Columns>(&sql);
            for id in binds {
                q = q.bind(id);
            }
            let mut found: std::collections::HashMap<String, IndexedService> =
                std::collections::HashMap::new();
            for row in q.fetch_all(&self.pool).await? {
                let (id, org, name_key, lo, min, max, free, days, opens, closes, modified) = row;
                found.insert(
                    id.clone(),
                    IndexedService {
                        id,
                        organization_id: org,
                        name_key,
                        local_offer: lo != 0,
                        free: free != 0,
                        minimum_age: min,
                        maximum_age: max,
                        day_mask: days,
                        opens_at: opens,
                        closes_at: closes,
                        last_modified: parse_ts(&modified)?,
                        terms: Vec::new(),
                        words: Vec::new(),
                        locations: Vec::new(),
                    },
                );
            }
            for (table, column) in [
                ("directory_service_terms", "term_id"),
                ("directory_words", "word"),
            ] {
                let sql = format!("SELECT service_id, {column} FROM {table}{service_filter}");
                let mut q = sqlx::query_as::<_, (String, String)>(&sql);
                for id in binds {
                    q = q.bind(id);
                }
                for (service_id, key) in q.fetch_all(&self.pool).await? {
                    if let Some(entry) = found.get_mut(&service_id) {
                        if column == "term_id" {
                            entry.terms.push(key);
                        } else {
                            entry.words.push(key);
                        }
                    }
                }
            }
            let sql = format!(
                "SELECT service_id, id, latitude, longitude FROM directory_service_at_locations\
                 {service_filter}"
            );
            let mut q = sqlx::query_as::<_, (String, String, f64, f64)>(&sql);
            for id in binds {
                q = q.bind(id);
            }
            for (service_id, id, latitude, longitude) in q.fetch_all(&self.pool).await? {
                if let Some(entry) = found.get_mut(&service_id) {
                    entry.locations.push((
                        id,
                        Point {
                            latitude,
                            longitude,
                        },
                    ));
                }
            }
            out.extend(found.into_values());
        }
        Ok(out)
    }

    /// Services by id, whatever their status, in the order given; unknown ids are skipped.
    pub async fn directory_documents(&self, ids: &[String]) -> StoreResult<Vec<Service>> {
        let mut by_id = std::collections::HashMap::new();
        for batch in ids.chunks(500) {
            let list: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id, document FROM directory_services WHERE id IN ({})",
                list.join(", ")
            );
            let mut q = sqlx::query_as::<_, (String, String)>(&sql);
            for id in batch {
                q = q.bind(id);
            }
            for (id, document) in q.fetch_all(&self.pool).await? {
                by_id.insert(id, from_json::<Service>(&document)?);
            }
        }
        Ok(ids.iter().filter_map(|id| by_id.get(id).cloned()).collect())
    }

    /// The service a service-at-location belongs to.
    pub async fn service_of_location_link(
        &self,
        sal_id: &str,
    ) -> StoreResult<Option<ServiceEntry>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT service_id FROM directory_service_at_locations WHERE id = $1")
                .bind(sal_id)
                .fetch_optional(&self.pool)
                .await?;
        match row {
            Some((service_id,)) => self.directory_service(&service_id).await,
            None => Ok(None),
        }
    }

    /// An organisation by id.
    pub async fn directory_organization(&self, id: &str) -> StoreResult<Option<Organization>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT document FROM directory_organizations WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(doc,)| from_json(&doc)).transpose()
    }

    /// The organisations with these ids, in one query (those that exist; any order).
    pub async fn directory_organizations_by_id(
        &self,
        ids: &[String],
    ) -> StoreResult<Vec<Organization>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT document FROM directory_organizations WHERE id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, (String,)>(&sql);
        for id in ids {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|(doc,)| from_json(doc)).collect()
    }

    /// A page of organisations by name, optionally those whose name contains `search`, and the
    /// total.
    pub async fn directory_organizations(
        &self,
        search: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> StoreResult<(u64, Vec<Organization>)> {
        let pattern = search.map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")));
        let filter = if pattern.is_some() {
            "WHERE name_key LIKE $1"
        } else {
            ""
        };
        let count_sql = format!("SELECT COUNT(*) FROM directory_organizations {filter}");
        let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
        if let Some(p) = &pattern {
            count = count.bind(p);
        }
        let (total,) = count.fetch_one(&self.pool).await?;
        let sql = format!(
            "SELECT document FROM directory_organizations {filter} ORDER BY name_key, id LIMIT {} OFFSET {}",
            per_page.max(1),
            u64::from(page.max(1) - 1) * u64::from(per_page)
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql);
        if let Some(p) = &pattern {
            q = q.bind(p);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let orgs = rows
            .iter()
            .map(|(d,)| from_json(d))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((total as u64, orgs))
    }

    /// An organisation's services (any status), by name.
    pub async fn services_of_organization(
        &self,
        organization_id: &str,
    ) -> StoreResult<Vec<ServiceEntry>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT document, version FROM directory_services WHERE organization_id = $1 \
             ORDER BY name_key, id",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|(d, v)| {
                Ok(ServiceEntry {
                    service: from_json(d)?,
                    version: *v,
                })
            })
            .collect()
    }

    /// Every taxonomy.
    pub async fn directory_taxonomies(&self) -> StoreResult<Vec<Taxonomy>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT document FROM directory_taxonomies ORDER BY name, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|(d,)| from_json(d)).collect()
    }

    /// Every term, by taxonomy then position; only one taxonomy's when `taxonomy_id` is given.
    pub async fn directory_terms(
        &self,
        taxonomy_id: Option<&str>,
    ) -> StoreResult<Vec<TaxonomyTerm>> {
        let rows: Vec<(String,)> = match taxonomy_id {
            Some(t) => sqlx::query_as(
                "SELECT document FROM directory_terms WHERE taxonomy_id = $1 ORDER BY position, id",
            )
            .bind(t)
            .fetch_all(&self.pool)
            .await?,
            None => {
                sqlx::query_as(
                    "SELECT document FROM directory_terms ORDER BY taxonomy_id, position, id",
                )
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(|(d,)| from_json(d)).collect()
    }

    /// The published versions of a service, newest first.
    pub async fn service_versions(&self, service_id: &str) -> StoreResult<Vec<ServiceVersion>> {
        let rows: Vec<(i64, String, Option<String>, String, String)> = sqlx::query_as(
            "SELECT version, document, changed_by, changed_at, note FROM directory_service_versions \
             WHERE service_id = $1 ORDER BY version DESC",
        )
        .bind(service_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(version, doc, changed_by, at, note)| {
                Ok(ServiceVersion {
                    version,
                    service: from_json(&doc)?,
                    changed_by,
                    changed_at: parse_ts(&at)?,
                    note,
                })
            })
            .collect()
    }

    /// One proposed change.
    pub async fn directory_change(&self, id: &str) -> StoreResult<Option<ChangeRecord>> {
        let rows = self.changes_where("id = $1", id).await?;
        Ok(rows.into_iter().next())
    }

    /// Changes with a status (`pending`, …), oldest first.
    pub async fn directory_changes_with_status(
        &self,
        status: &str,
    ) -> StoreResult<Vec<ChangeRecord>> {
        self.changes_where("status = $1", status).await
    }

    /// Every change to one service, oldest first.
    pub async fn directory_changes_of_service(
        &self,
        service_id: &str,
    ) -> StoreResult<Vec<ChangeRecord>> {
        self.changes_where("service_id = $1", service_id).await
    }

    async fn changes_where(&self, condition: &str, value: &str) -> StoreResult<Vec<ChangeRecord>> {
        type Row = (
            String,
            String,
            String,
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT id, service_id, organization_id, base_version, proposed, status, submitted_by, \
             submitted_at, decided_by, decided_at, reason FROM directory_changes WHERE {condition} \
             ORDER BY submitted_at, id"
        ))
        .bind(value)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(
                    id,
                    service_id,
                    organization_id,
                    base_version,
                    proposed,
                    status,
                    submitted_by,
                    submitted_at,
                    decided_by,
                    decided_at,
                    reason,
                )| {
                    Ok(ChangeRecord {
                        id,
                        service_id,
                        organization_id,
                        base_version,
                        proposed: from_json(&proposed)?,
                        status,
                        submitted_by,
                        submitted_at: parse_ts(&submitted_at)?,
                        decided_by,
                        decided_at: decided_at.as_deref().map(parse_ts).transpose()?,
                        reason,
                    })
                },
            )
            .collect()
    }

    /// The organisations a user may edit.
    pub async fn organizations_of_user(&self, user_id: &str) -> StoreResult<Vec<Organization>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT o.document FROM directory_organizations o JOIN directory_organization_users u \
             ON u.organization_id = o.id WHERE u.user_id = $1 ORDER BY o.name_key",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|(d,)| from_json(d)).collect()
    }

    /// The users who may edit an organisation's entries.
    pub async fn users_of_organization(&self, organization_id: &str) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT user_id FROM directory_organization_users WHERE organization_id = $1 ORDER BY user_id",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(u,)| u).collect())
    }

    /// Feedback with a status, newest first.
    pub async fn directory_feedback(
        &self,
        status: Option<&str>,
    ) -> StoreResult<Vec<FeedbackRecord>> {
        let cols = "id, service_id, created_at, comment, email, status";
        let rows = match status {
            Some(s) => {
                sqlx::query_as(&format!(
                    "SELECT {cols} FROM directory_feedback WHERE status = $1 ORDER BY created_at DESC, id"
                ))
                .bind(s)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as(&format!("SELECT {cols} FROM directory_feedback ORDER BY created_at DESC, id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        Ok(rows)
    }

    /// Active services last reviewed before `reviewed_before` whose owners have not been
    /// reminded since `reminded_before`: (service id, name, organisation id, last reviewed).
    pub async fn services_due_review(
        &self,
        reviewed_before: NaiveDate,
        reminded_before: NaiveDate,
    ) -> StoreResult<Vec<(String, String, String, NaiveDate)>> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT id, name_key, organization_id, last_reviewed FROM directory_services \
             WHERE status = 'active' AND last_reviewed < $1 \
             AND (review_reminded_on IS NULL OR review_reminded_on < $2) \
             ORDER BY last_reviewed, id",
        )
        .bind(reviewed_before.to_string())
        .bind(reminded_before.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, name, org, day)| {
                let day = day
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("'{day}' is not a date")))?;
                Ok((id, name, org, day))
            })
            .collect()
    }

    /// How many active services were last reviewed before `day`.
    pub async fn count_services_reviewed_before(&self, day: NaiveDate) -> StoreResult<u64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM directory_services WHERE status = 'active' AND last_reviewed < $1",
        )
        .bind(day.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(n as u64)
    }

    /// The centroid of a postcode or district, by its normalised text.
    pub async fn postcode_point(
        &self,
        postcode: &str,
    ) -> StoreResult<Option<(Point, Option<String>)>> {
        let row: Option<(f64, f64, Option<String>)> =
            sqlx::query_as("SELECT latitude, longitude, place FROM postcodes WHERE postcode = $1")
                .bind(postcode)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(latitude, longitude, place)| {
            (
                Point {
                    latitude,
                    longitude,
                },
                place,
            )
        }))
    }

    /// How many postcodes and districts are loaded.
    pub async fn count_postcodes(&self) -> StoreResult<u64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM postcodes")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    /// How many services the directory holds (any status).
    pub async fn count_directory_services(&self) -> StoreResult<u64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM directory_services")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }
}
