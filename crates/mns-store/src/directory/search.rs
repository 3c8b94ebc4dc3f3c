//! Searching the directory in SQL (the reference the in-memory index is tested against) and
//! what the index loads and follows: documents, the generation log, postcodes.

use super::*;
use crate::{Store, StoreResult, parse_ts};
use mns_domain::directory::Service;
use mns_domain::directory::index::{DEGREES_PER_METRE, IndexedService};
use mns_domain::directory::relevance::{ANALYSIS_VERSION, decode_weighted};
use mns_domain::directory::search::{Point, SearchQuery};

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
    ///
    /// Each of the three statements (services, their terms, their places) answers with one
    /// JSON row ([`Backend::json_rows`]) rather than a row per service: sqlx's SQLite driver
    /// hands every row from its worker thread to the async task, about 20–28 µs a row, which
    /// made loading 50,000 services (and their 150,000 term and place rows) take 2.8–5.5 s.
    /// Coordinates travel as text in their exact form ([`Backend::exact_real`]), so the index
    /// holds the same numbers as the database. Other shapes measured slower to the first
    /// search: a row per service (the previous loader), four ranges of ids over four
    /// connections at once, and correlated subqueries for the terms and places.
    pub async fn directory_index_entries(
        &self,
        ids: Option<&[String]>,
    ) -> StoreResult<Vec<IndexedService>> {
        let Some(ids) = ids else {
            return self.index_entries_where("", "", &[]).await;
        };
        let mut out = Vec::new();
        for batch in ids.chunks(500) {
            let list: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
            let list = list.join(", ");
            out.extend(
                self.index_entries_where(
                    &format!(" AND id IN ({list})"),
                    &format!(" WHERE service_id IN ({list})"),
                    batch,
                )
                .await?,
            );
        }
        Ok(out)
    }

    /// One JSON row of `columns` from `from` (a table and its filter), with `binds`, read as
    /// `T`s.
    pub(super) async fn json_table<T: serde::de::DeserializeOwned>(
        &self,
        columns: &str,
        from: &str,
        binds: &[String],
    ) -> StoreResult<Vec<T>> {
        let sql = format!("SELECT {} FROM {from}", self.backend.json_rows(columns));
        let mut q = sqlx::query_as::<_, (String,)>(&sql);
        for id in binds {
            q = q.bind(id);
        }
        let (json,) = q.fetch_one(&self.pool).await?;
        serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("directory rows from {from}: {e}")))
    }

    /// The search columns of the active services `filter` (on `directory_services`) and
    /// `service_filter` (on the tables keyed by `service_id`) choose, with `binds` for both.
    async fn index_entries_where(
        &self,
        filter: &str,
        service_filter: &str,
        binds: &[String],
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
            String,
        );
        let services: Vec<Columns> = self
            .json_table(
                "id, organization_id, name_key, local_offer, minimum_age, maximum_age, free, \
                 day_mask, opens_at, closes_at, last_modified, search_words",
                &format!("directory_services WHERE status = 'active'{filter}"),
                binds,
            )
            .await?;
        let mut found: std::collections::HashMap<String, IndexedService> =
            std::collections::HashMap::with_capacity(services.len());
        for row in services {
            let (id, org, name_key, lo, min, max, free, days, opens, closes, modified, words) = row;
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
                    words: decode_weighted(&words),
                    locations: Vec::new(),
                },
            );
        }
        let terms: Vec<(String, String)> = self
            .json_table(
                "service_id, term_id",
                &format!("directory_service_terms{service_filter}"),
                binds,
            )
            .await?;
        for (service_id, term) in terms {
            if let Some(entry) = found.get_mut(&service_id) {
                entry.terms.push(term);
            }
        }
        let places: Vec<(String, String, String, String)> = self
            .json_table(
                &format!(
                    "service_id, id, {}, {}",
                    self.backend.exact_real("latitude"),
                    self.backend.exact_real("longitude")
                ),
                &format!("directory_service_at_locations{service_filter}"),
                binds,
            )
            .await?;
        for (service_id, id, latitude, longitude) in places {
            if let Some(entry) = found.get_mut(&service_id) {
                let coordinate = |text: &str| {
                    text.parse::<f64>()
                        .map_err(|_| StoreError::Corrupt(format!("'{text}' is not a coordinate")))
                };
                entry.locations.push((
                    id,
                    Point {
                        latitude: coordinate(&latitude)?,
                        longitude: coordinate(&longitude)?,
                    },
                ));
            }
        }
        Ok(found.into_values().collect())
    }

    /// Up to `limit` services (any status) whose search words were made by an older text
    /// analysis than this one's, to be made again. In no order: each batch remade leaves the
    /// set, and without an order the `search_version` index answers at once when none is left.
    pub async fn directory_services_to_reanalyse(&self, limit: u32) -> StoreResult<Vec<Service>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT document FROM directory_services WHERE search_version < $1 LIMIT $2",
        )
        .bind(ANALYSIS_VERSION)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|(d,)| from_json::<Service>(d)).collect()
    }

    /// Services by id, whatever their status; unknown ids are absent. Each 500 come back as
    /// one JSON row of (id, document) pairs ([`Backend::json_rows`]), not a row each: a page
    /// of 20 saves 20 of sqlx's SQLite thread hand-overs, and the ORUK API's page of 1,000
    /// saves 1,000.
    pub async fn directory_documents(
        &self,
        ids: &[String],
    ) -> StoreResult<std::collections::HashMap<String, Service>> {
        let mut by_id = std::collections::HashMap::with_capacity(ids.len());
        for batch in ids.chunks(500) {
            let from = format!(
                "directory_services WHERE id IN ({})",
                self.backend.in_list(batch.len())
            );
            let rows: Vec<(String, String)> = self.json_table("id, document", &from, batch).await?;
            for (id, document) in rows {
                by_id.insert(id, from_json::<Service>(&document)?);
            }
        }
        Ok(by_id)
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
