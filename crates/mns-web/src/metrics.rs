//! `/metrics` for the council's monitoring (issue 20): requests by route and status, their
//! latency, the database pool, the email outbox, the audit trail's growth and the directory's
//! generation, in the OpenMetrics text format Prometheus reads. Not public: it answers only
//! with the bearer token in `MNS_METRICS_TOKEN`, and is not served at all without one.
//!
//! Labels are route templates (`/pupils/{id}`), methods and status codes: never a path as
//! requested, so no identifier or personal data reaches the monitoring system.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mns_app::operations::ServiceFigures;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::AppState;

/// A request's labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

/// A route's labels, for latency.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: String,
}

/// A pool state's label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The service's metrics: counted as requests pass, the rest read at each scrape.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    pool: Family<PoolLabels, Gauge>,
    outbox_pending: Gauge,
    outbox_oldest: Gauge<f64, AtomicU64>,
    audit_entries: Counter,
    audit_view_commits: Counter,
    audit_view_entries: Counter,
    directory_generation: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("mns");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            requests.clone(),
        );
        let latency: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route template and method",
            latency.clone(),
        );
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections: open, idle, and the most the pool opens",
            pool.clone(),
        );
        let outbox_pending = Gauge::default();
        registry.register(
            "outbox_pending_messages",
            "Emails waiting to be delivered",
            outbox_pending.clone(),
        );
        let outbox_oldest = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "outbox_oldest_pending_seconds",
            "How long the oldest email waiting has waited",
            outbox_oldest.clone(),
        );
        let audit_entries = Counter::default();
        registry.register(
            "audit_entries",
            "Entries in the audit trail (its rate is the audit append rate)",
            audit_entries.clone(),
        );
        let audit_view_commits = Counter::default();
        registry.register(
            "audit_view_commits",
            "Commits of views' audit entries by this instance (views waiting together share one)",
            audit_view_commits.clone(),
        );
        let audit_view_entries = Counter::default();
        registry.register(
            "audit_view_entries",
            "Views' audit entries committed by this instance",
            audit_view_entries.clone(),
        );
        let directory_generation = Gauge::default();
        registry.register(
            "directory_index_generation",
            "The Local Offer directory's generation (moves with every change to a service)",
            directory_generation.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            pool,
            outbox_pending,
            outbox_oldest,
            audit_entries,
            audit_view_commits,
            audit_view_entries,
            directory_generation,
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    fn observe(&self, route: &str, method: &str, status: StatusCode, took: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                method: method.to_owned(),
                status: status.as_u16(),
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
                method: method.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// Sets the figures read at a scrape.
    fn set_service(&self, figures: &ServiceFigures) {
        let gauge = |state| self.pool.get_or_create(&PoolLabels { state }).clone();
        gauge("open").set(i64::from(figures.pool_size));
        gauge("idle").set(i64::try_from(figures.pool_idle).unwrap_or(i64::MAX));
        gauge("max").set(i64::from(figures.pool_max));
        self.outbox_pending.set(figures.outbox_pending);
        self.outbox_oldest.set(figures.outbox_oldest_seconds);
        // The trail only grows (retention never deletes entries), and the group's figures
        // since start only grow: catch each counter up.
        for (counter, now) in [
            (
                &self.audit_entries,
                u64::try_from(figures.audit_entries).unwrap_or(0),
            ),
            (&self.audit_view_commits, figures.audit_view_commits),
            (&self.audit_view_entries, figures.audit_view_entries),
        ] {
            let counted = counter.get();
            if now > counted {
                counter.inc_by(now - counted);
            }
        }
        self.directory_generation.set(figures.directory_generation);
    }

    /// The metrics in the OpenMetrics text format.
    fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// A method as a label: the standard ones by name, anything else as `other` (a client can
/// send any method name, and each would be a new series).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Middleware: counts and times every request by its route template (`unmatched` for a path
/// no route has).
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    state
        .metrics
        .observe(&route, method, response.status(), started.elapsed());
    response
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// `GET /metrics`: with `Authorization: Bearer <MNS_METRICS_TOKEN>`; 401 without it, 404 when
/// no token is configured.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared as digests in constant time: the answer says nothing of how much matched.
    if !bool::from(digest(given).ct_eq(&digest(token))) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    match state.app.service_figures().await {
        Ok(figures) => state.metrics.set_service(&figures),
        Err(error) => {
            tracing::error!(%error, "could not read the service's figures for /metrics");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    match state.metrics.encode() {
        Ok(text) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A shared handle, for [`AppState`].
pub fn new() -> Arc<Metrics> {
    Arc::new(Metrics::default())
}
