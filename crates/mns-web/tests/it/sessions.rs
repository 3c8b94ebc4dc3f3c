//! Sign-in, sessions, CSRF and throttling, through HTTP.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;
use chrono::Duration;
use mns_store::Backend;

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let parent = app
        .app
        .store_for_tests()
        .find_user_by_email("parent@demo.invalid")
        .await
        .unwrap()
        .unwrap();
    let path = format!("/users/{}/disable", parent.id);
    let refused = coordinator.post_without_csrf(&path, &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("This form has expired"));
    let wrong = coordinator
        .post_without_csrf(&path, &[("csrf_token", "not-the-token")])
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let still = app
        .app
        .store_for_tests()
        .get_user(&parent.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        still.disabled_at.is_none(),
        "nothing changed without the token"
    );
    assert_eq!(
        coordinator.post(&path, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        app.app
            .store_for_tests()
            .get_user(&parent.id)
            .await
            .unwrap()
            .unwrap()
            .disabled_at
            .is_some()
    );
}

#[tokio::test]
async fn the_sign_in_form_needs_its_own_csrf_cookie() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut client = app.client();
    let refused = client
        .post_without_csrf(
            "/sign-in",
            &[("email", "school@demo.invalid"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let stolen_cookies = school.cookies.clone();
    assert_eq!(school.post("/sign-out", &[]).await.location(), "/");
    assert_eq!(school.get("/home").await.location(), "/sign-in");
    // The old cookie no longer works anywhere: the session is gone from the database.
    let mut replay = app.client();
    replay.cookies = stolen_cookies;
    assert_eq!(replay.get("/home").await.location(), "/sign-in");
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_at_once() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let user = app
        .app
        .store_for_tests()
        .find_user_by_email("school@demo.invalid")
        .await
        .unwrap()
        .unwrap();
    coordinator.get("/users").await;
    assert_eq!(
        coordinator
            .post(&format!("/users/{}/disable", user.id), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(school.get("/pupils").await.location(), "/sign-in");
    // And they cannot sign in again.
    let mut again = app.client();
    again.get("/sign-in").await;
    let response = again
        .post(
            "/sign-in",
            &[("email", "school@demo.invalid"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_end_after_the_idle_time_out_and_at_the_absolute_time_out() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    app.app.clock.advance(Duration::minutes(29));
    assert_eq!(school.get("/home").await.status, StatusCode::OK);
    app.app.clock.advance(Duration::minutes(31));
    assert_eq!(
        school.get("/home").await.location(),
        "/sign-in",
        "idle for 31 minutes"
    );

    let mut busy = app.signed_in("school@demo.invalid").await;
    for _ in 0..25 {
        app.app.clock.advance(Duration::minutes(29));
        if busy.get("/home").await.status != StatusCode::OK {
            break;
        }
    }
    assert_eq!(
        busy.get("/home").await.location(),
        "/sign-in",
        "ended by the 12-hour limit"
    );
}

#[tokio::test]
async fn staff_need_their_one_time_code_before_anything_else() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut client = app.client();
    client.get("/sign-in").await;
    let response = client
        .post(
            "/sign-in",
            &[
                ("email", "coordinator@demo.invalid"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.location(), "/sign-in/code");
    assert_eq!(client.get("/pupils").await.location(), "/sign-in/code");
    assert_eq!(
        client.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    client.get("/sign-in/code").await;
    let wrong = client.post("/sign-in/code", &[("code", "000000")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("govuk-error-summary") && wrong.body.contains("href=\"#code\""));
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_a_while() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut client = app.client();
    client.get("/sign-in").await;
    for _ in 0..5 {
        let r = client
            .post(
                "/sign-in",
                &[
                    ("email", "school@demo.invalid"),
                    ("password", "wrong password"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(
            r.body
                .contains("Enter a correct email address and password")
        );
    }
    let locked = client
        .post(
            "/sign-in",
            &[("email", "school@demo.invalid"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password is refused"
    );
    app.app.clock.advance(Duration::minutes(16));
    let ok = client
        .post(
            "/sign-in",
            &[("email", "school@demo.invalid"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_empty_sign_in_form_lists_every_problem_with_links_to_the_fields() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut client = app.client();
    client.get("/sign-in").await;
    let r = client
        .post("/sign-in", &[("email", ""), ("password", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("<title>Error: Sign in"));
    assert!(
        r.body
            .contains("<a href=\"#email\">Enter your email address</a>")
    );
    assert!(
        r.body
            .contains("<a href=\"#password\">Enter your password</a>")
    );
}

#[tokio::test]
async fn session_cookies_are_http_only_and_secure_over_https() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let https = mns_web::router(mns_web::AppState::new(app.app.clone(), true));
    let response = tower::ServiceExt::oneshot(
        https,
        axum::http::Request::get("/sign-in")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("__Host-"), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax")
    );
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_some()
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut client = app.signed_in("school@demo.invalid").await;
    let page = client.get("/pupils").await;
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "x-request-id",
    ] {
        assert!(page.headers.get(name).is_some(), "{name}");
    }
    assert!(
        page.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(page.headers["cache-control"], "no-store");
    let asset = client.get("/assets/govuk-frontend.min.css").await;
    assert_eq!(asset.headers["cache-control"], "public, max-age=3600");
    assert!(!asset.body.contains("GDS Transport"));
}
