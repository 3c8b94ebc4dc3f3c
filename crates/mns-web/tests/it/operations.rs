//! `/metrics` for the council's IT team (issue 20).

use crate::support::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use mns_store::testing::backends;
use std::sync::Arc;

fn scrape(token: Option<&str>) -> Request<Body> {
    let mut request = Request::get("/metrics");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn metrics_answer_only_the_token_and_count_routes_not_paths() {
    for backend in backends() {
        let test = TestApp::spawn(backend).await;
        // Without a token configured, there is nothing to find.
        assert_eq!(
            test.send(scrape(Some("guess"))).await.status,
            StatusCode::NOT_FOUND
        );

        let test = test.reconfigured(|state| state.metrics_token = Some(Arc::from("s3cret-token")));
        for wrong in [None, Some("guess"), Some("s3cret-token-and-more")] {
            let response = test.send(scrape(wrong)).await;
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{wrong:?}");
            assert_eq!(response.headers[header::WWW_AUTHENTICATE], "Bearer");
            assert!(!response.body.contains("mns_"), "nothing leaks");
        }

        let mut client = test.client();
        assert_eq!(client.get("/healthz").await.status, StatusCode::OK);
        assert_eq!(client.get("/healthz").await.status, StatusCode::OK);
        let pupil = test.pupils().await.remove(0);
        client.get(&format!("/pupils/{}", pupil.id)).await;
        client.get("/no-such-page/A123456789012").await;

        let response = test.send(scrape(Some("s3cret-token"))).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        assert!(
            response.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/openmetrics-text"),
        );
        let text = &response.body;
        for line in [
            r#"mns_http_requests_total{route="/healthz",method="GET",status="200"} 2"#,
            r#"mns_http_requests_total{route="unmatched",method="GET",status="404"} 1"#,
            r#"mns_http_request_duration_seconds_count{route="/healthz",method="GET"} 2"#,
            r#"mns_db_pool_connections{state="max"}"#,
            r#"mns_db_pool_connections{state="open"}"#,
            "mns_outbox_pending_messages ",
            "mns_outbox_oldest_pending_seconds ",
            "mns_audit_entries_total ",
            "mns_directory_index_generation ",
        ] {
            assert!(text.contains(line), "{backend:?}: {line} in\n{text}");
        }
        assert!(
            text.contains(r#"route="/pupils/{id}""#),
            "a route is its template"
        );
        assert!(
            !text.contains(&pupil.id) && !text.contains("A123456789012"),
            "no identifier from a path reaches the metrics"
        );
        let audit: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("mns_audit_entries_total "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap();
        assert!(audit > 0.0, "the demo's audit trail is counted");
    }
}
