//! The JSON API with a personal token and with a browser session.

use crate::support::TestApp;
use axum::http::StatusCode;
use mns_store::Backend;

#[tokio::test]
async fn a_personal_token_reads_the_api_in_the_users_scope() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app
        .app
        .issue_api_token(&mns_app::system_actor("test"), "school@demo.invalid")
        .await
        .unwrap();
    let mut client = app.client();
    client.bearer = Some(token);
    let me = client.get("/api/v1/me").await.json();
    assert_eq!(me["role"], "school");
    assert_eq!(me["school_urn"], "121001");
    let pupils = client.get("/api/v1/pupils").await.json();
    let names: Vec<&str> = pupils["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["given_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Amelia", "Oliver", "Isla"]);
    let other = app.pupil("Noah").await;
    let denied = client.get(&format!("/api/v1/pupils/{}", other.id)).await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);
    assert_eq!(denied.json()["error"], "not_found");
}

#[tokio::test]
async fn a_bad_token_and_no_credentials_answer_401_in_json() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut client = app.client();
    let anonymous = client.get("/api/v1/me").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["error"], "unauthenticated");
    client.bearer = Some("mns_not-a-token".into());
    assert_eq!(
        client.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let unknown = client.get("/api/v1/nothing-here").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = app.client().get("/api/v1/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.0.3");
    for route in mns_web::routes() {
        if let Some(path) = route.path.strip_prefix("/api/v1") {
            if path == "/openapi.json" {
                continue;
            }
            let method = route.method.as_str().to_lowercase();
            assert!(
                doc["paths"][path][&method].is_object(),
                "{} {} is not documented",
                route.method,
                route.path
            );
        }
    }
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut client = app.client();
    assert_eq!(client.get("/healthz").await.json()["status"], "ok");
    let ready = client.get("/readyz").await.json();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["database"], "sqlite");
}
