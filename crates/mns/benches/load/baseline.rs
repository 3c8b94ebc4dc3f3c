//! The baseline the load benchmark compares `mns serve` with: axum and sqlx over the same
//! database, one query per page reading the same rows mns shows, rendered with `format!`, and
//! no sign-in, permissions, audit, templates or middleware. What a page costs at least.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

/// Five text columns of a row.
type Five = (String, String, String, String, String);
/// Six text columns of a row.
type Six = (String, String, String, String, String, String);

/// Set to a database URL, the benchmark runs as the baseline server instead.
pub const ENV: &str = "MNS_LOAD_BASELINE";

/// Serves the baseline on a free port, printing `http://address` when listening.
pub fn run(url: &str) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        // The pool sizes mns uses by default on each database.
        let size = if url.starts_with("sqlite:") { 4 } else { 10 };
        let pool = AnyPoolOptions::new()
            .max_connections(size)
            .connect(url)
            .await
            .expect("the baseline's database");
        let app = Router::new()
            .route("/queue", get(queue))
            .route("/referral/{id}", get(referral))
            .route("/case/{id}", get(case))
            .route("/home", get(home))
            .route("/local-offer", get(local_offer))
            .route("/oruk", get(oruk))
            .with_state(pool);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        println!(
            "baseline listening on http://{}",
            listener.local_addr().expect("an address")
        );
        axum::serve(listener, app).await.expect("serve");
    });
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn failed(e: sqlx::Error) -> Response {
    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body><main>{body}</main></body></html>"
    ))
}

/// The queue's first page: the 50 oldest referrals that are not drafts, with names.
async fn queue(State(pool): State<AnyPool>) -> Response {
    let rows: Result<Vec<Five>, _> = sqlx::query_as(
        "SELECT r.id, r.status, p.given_name || ' ' || p.family_name, COALESCE(s.name, ''), \
         r.referral_date FROM referrals r JOIN pupils p ON p.id = r.pupil_id \
         LEFT JOIN schools s ON s.urn = r.school_urn WHERE r.status <> 'draft' \
         ORDER BY r.referral_date, r.id LIMIT 50",
    )
    .fetch_all(&pool)
    .await;
    match rows {
        Ok(rows) => {
            let mut body = String::from("<table>");
            for (id, status, pupil, school, date) in rows {
                body.push_str(&format!(
                    "<tr><td><a href=\"/referral/{id}\">{}</a></td><td>{}</td><td>{}</td><td>{date}</td></tr>",
                    escape(&pupil),
                    escape(&school),
                    escape(&status)
                ));
            }
            body.push_str("</table>");
            page("Referrals", &body).into_response()
        }
        Err(e) => failed(e),
    }
}

/// One referral with its pupil and school.
async fn referral(State(pool): State<AnyPool>, Path(id): Path<String>) -> Response {
    let row: Result<Option<Six>, _> = sqlx::query_as(
        "SELECT r.status, r.form_json, r.referral_date, p.given_name || ' ' || p.family_name, \
             p.date_of_birth, COALESCE(s.name, '') FROM referrals r \
             JOIN pupils p ON p.id = r.pupil_id LEFT JOIN schools s ON s.urn = r.school_urn \
             WHERE r.id = $1",
    )
    .bind(&id)
    .fetch_optional(&pool)
    .await;
    match row {
        Ok(Some((status, form, date, pupil, born, school))) => page(
            "Referral",
            &format!(
                "<h1>{}</h1><p>{}</p><p>{born}</p><p>{date}</p><p>{}</p><pre>{}</pre>",
                escape(&pupil),
                escape(&status),
                escape(&school),
                escape(&form)
            ),
        )
        .into_response(),
        Ok(None) => axum::http::StatusCode::NOT_FOUND.into_response(),
        Err(e) => failed(e),
    }
}

/// One case with its pupil and school.
async fn case(State(pool): State<AnyPool>, Path(id): Path<String>) -> Response {
    let row: Result<Option<Five>, _> = sqlx::query_as(
        "SELECT c.state, c.referral_date, COALESCE(c.period_end, ''), \
         p.given_name || ' ' || p.family_name, COALESCE(s.name, '') FROM cases c \
         JOIN pupils p ON p.id = c.pupil_id LEFT JOIN schools s ON s.urn = c.school_urn \
         WHERE c.id = $1",
    )
    .bind(&id)
    .fetch_optional(&pool)
    .await;
    match row {
        Ok(Some((state, date, end, pupil, school))) => page(
            "Case",
            &format!(
                "<h1>{}</h1><p>{}</p><p>{date}</p><p>{end}</p><p>{}</p>",
                escape(&pupil),
                escape(&state),
                escape(&school)
            ),
        )
        .into_response(),
        Ok(None) => axum::http::StatusCode::NOT_FOUND.into_response(),
        Err(e) => failed(e),
    }
}

/// The home page's figures: referrals by status.
async fn home(State(pool): State<AnyPool>) -> Response {
    let rows: Result<Vec<(String, i64)>, _> = sqlx::query_as(
        "SELECT status, CAST(SUM(n) AS BIGINT) FROM referral_counts GROUP BY status ORDER BY status",
    )
    .fetch_all(&pool)
    .await;
    match rows {
        Ok(rows) => {
            let body: String = rows
                .iter()
                .map(|(status, n)| format!("<li>{}: {n}</li>", escape(status)))
                .collect();
            page("Home", &format!("<ul>{body}</ul>")).into_response()
        }
        Err(e) => failed(e),
    }
}

/// The first 20 active services by name, as stored (ORUK JSON documents).
async fn services(pool: &AnyPool) -> Result<Vec<serde_json::Value>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT document FROM directory_services WHERE status = 'active' \
         ORDER BY name_key, id LIMIT 20",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(d,)| serde_json::from_str(&d).ok())
        .collect())
}

/// The Local Offer search's first page, unfiltered: names and descriptions.
async fn local_offer(State(pool): State<AnyPool>) -> Response {
    match services(&pool).await {
        Ok(list) => {
            let text = |v: &serde_json::Value, k: &str| {
                escape(v.get(k).and_then(|t| t.as_str()).unwrap_or_default())
            };
            let body: String = list
                .iter()
                .map(|s| {
                    format!(
                        "<li><h2>{}</h2><p>{}</p></li>",
                        text(s, "name"),
                        text(s, "description")
                    )
                })
                .collect();
            page("Local Offer", &format!("<ul>{body}</ul>")).into_response()
        }
        Err(e) => failed(e),
    }
}

/// The ORUK `/services` first page: the same services as JSON.
async fn oruk(State(pool): State<AnyPool>) -> Response {
    match services(&pool).await {
        Ok(list) => axum::Json(serde_json::json!({
            "page_number": 1,
            "size": list.len(),
            "contents": list,
        }))
        .into_response(),
        Err(e) => failed(e),
    }
}
