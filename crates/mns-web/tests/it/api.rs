//! The JSON API with a personal token and with a browser session.

use crate::support::TestApp;
use axum::http::StatusCode;
use mns_store::Backend;

#[tokio::test]
async fn a_personal_token_reads_the_api_in_the_users_scope() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app
        .app
        .issue_api_token(
            &mns_app::system_actor("test"),
            "school@demo.invalid",
            "test",
            None,
        )
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
    assert_eq!(names, ["Amelia", "Oliver", "Isla", "Harry", "Grace"]);
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

/// The whole referral, through the API, on every database: a school's MIS submits a referral
/// with its evidence; the coordinator reads the checks and decides; the school gets the letter.
#[tokio::test]
async fn a_referral_goes_from_submission_to_decision_through_the_api_on_every_database() {
    for backend in mns_store::testing::backends() {
        let app = TestApp::spawn(backend).await;
        let system = mns_app::system_actor("test");
        let school_token = app
            .app
            .issue_api_token(&system, "school@demo.invalid", "test", None)
            .await
            .unwrap();
        let coordinator_token = app
            .app
            .issue_api_token(&system, "coordinator@demo.invalid", "test", None)
            .await
            .unwrap();
        let mut school = app.client();
        school.bearer = Some(school_token);
        let mut referral: serde_json::Value =
            serde_json::from_str(mns_domain::referral::EXAMPLE_REFERRAL_JSON).unwrap();
        referral["pupil"]["first_name"] = "Morgan".into();
        referral["evidence"][0]["date_seen"] = "2026-11-01".into();
        referral["consent"]["given_on"] = "2026-11-10".into();
        let created = school
            .send_json(
                axum::http::Method::POST,
                "/api/v1/referrals",
                &referral.to_string(),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{backend:?}: {}",
            created.body
        );
        let id = created.json()["id"].as_str().unwrap().to_string();
        assert_eq!(created.json()["status"], "draft");

        let pdf = mns_app::letters::render(&mns_app::letters::Letter {
            council: "Hospital".into(),
            service: "Clinic".into(),
            date: "1 November 2026".into(),
            title: "Clinic letter".into(),
            blocks: vec![],
        });
        let uploaded = school
            .send_bytes(
                &format!("/api/v1/referrals/{id}/documents?filename=clinic.pdf"),
                pdf.clone(),
            )
            .await;
        assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
        let wrong = school
            .send_bytes(
                &format!("/api/v1/referrals/{id}/documents?filename=clinic.docx"),
                pdf,
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("clinic.docx"), "{}", wrong.body);

        let csv = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../mns/tests/fixtures/attendance-long.csv"
        ))
        .unwrap();
        let attached = school
            .send_bytes(
                &format!("/api/v1/referrals/{id}/attendance?filename=attendance.csv"),
                csv,
            )
            .await;
        assert_eq!(attached.status, StatusCode::CREATED, "{}", attached.body);
        let bad = school
            .send_bytes(
                &format!("/api/v1/referrals/{id}/attendance"),
                b"UPN,Date,Session,Mark\nC926123426001,2025-13-01,AM,I\n".to_vec(),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("line 2, column Date"), "{}", bad.body);
        let figures = school
            .get(&format!("/api/v1/referrals/{id}/attendance"))
            .await
            .json();
        assert_eq!(figures["attached"], true);
        assert_eq!(figures["health_days"], 19.0, "{figures}");

        let submitted = school
            .send_json(
                axum::http::Method::POST,
                &format!("/api/v1/referrals/{id}/submit"),
                "",
            )
            .await;
        assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
        assert_eq!(submitted.json()["status"], "submitted");

        let mut coordinator = app.client();
        coordinator.bearer = Some(coordinator_token);
        let checks = coordinator
            .get(&format!("/api/v1/referrals/{id}/checks"))
            .await
            .json();
        assert_eq!(checks["policy_version"], app.app.policy().version.as_str());
        assert!(
            checks["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["rule"] == "MN-EV-2")
        );
        let decided = coordinator
            .send_json(
                axum::http::Method::POST,
                &format!("/api/v1/referrals/{id}/decision"),
                r#"{"decision":"accept"}"#,
            )
            .await;
        assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.body);
        assert_eq!(
            decided.json()["policy_version"],
            app.app.policy().version.as_str()
        );

        school.bearer = None;
        let mut school_browser = app.signed_in("school@demo.invalid").await;
        let letter = school_browser
            .get(&format!("/referrals/{id}/letter.pdf"))
            .await;
        assert_eq!(letter.status, StatusCode::OK, "{backend:?}");
        assert!(letter.body.starts_with("%PDF-"));
        assert!(
            letter.body.contains("Morgan"),
            "the letter names the pupil for the school"
        );
    }
}
