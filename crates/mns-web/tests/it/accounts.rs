//! Accounts people can get back into (issue 14): forgotten passwords by emailed link, changing
//! one's own password, and the coordinator's unlock and resets. Every event is audited and
//! emailed to the account's owner. Each test runs on SQLite, and on PostgreSQL when configured.

use crate::support::{Client, PASSWORD, TestApp};
use axum::http::StatusCode;
use chrono::Duration;
use mns_store::testing::backends;

const NEW_PASSWORD: &str = "three random words";

/// The path of the last reset link emailed to `email`, if one was.
async fn reset_link(app: &TestApp, email: &str) -> Option<String> {
    let messages = app
        .app
        .store_for_tests()
        .outbox_messages_to(email)
        .await
        .unwrap();
    messages.iter().rev().find_map(|m| {
        let start = m.body.find("/reset-password/")?;
        let rest = &m.body[start..];
        Some(rest[..rest.find('\n').unwrap_or(rest.len())].to_string())
    })
}

async fn emails_to(app: &TestApp, email: &str) -> Vec<String> {
    app.app
        .store_for_tests()
        .outbox_messages_to(email)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
}

async fn user_id(app: &TestApp, email: &str) -> String {
    app.app
        .store_for_tests()
        .find_user_by_email(email)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn audited(app: &TestApp, user_id: &str, action: &str) -> bool {
    app.app
        .store_for_tests()
        .audit_for_record("user", user_id, 100)
        .await
        .unwrap()
        .iter()
        .any(|e| e.action == action)
}

async fn ask_for_link<'a>(app: &'a TestApp, email: &str) -> (Client<'a>, String) {
    let mut client = app.client();
    let page = client.get("/forgotten-password").await;
    assert_eq!(page.status, StatusCode::OK);
    let answer = client
        .post("/forgotten-password", &[("email", email)])
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(
        answer
            .body
            .contains("If an account exists for that email address")
    );
    (client, answer.body)
}

/// Where signing in with this password leads (a redirect), or the status if refused.
async fn sign_in_with(app: &TestApp, email: &str, password: &str) -> String {
    let mut client = app.client();
    client.get("/sign-in").await;
    let r = client
        .post("/sign-in", &[("email", email), ("password", password)])
        .await;
    if r.status == StatusCode::SEE_OTHER {
        r.location().to_string()
    } else {
        r.status.to_string()
    }
}

#[tokio::test]
async fn a_parent_resets_a_forgotten_password_through_the_emailed_link_once() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let sign_in_page = app.client().get("/sign-in").await;
        assert!(sign_in_page.body.contains("href=\"/forgotten-password\""));
        let (mut client, _) = ask_for_link(&app, "Parent@demo.invalid ").await;
        let link = reset_link(&app, "parent@demo.invalid")
            .await
            .expect("a reset link is emailed");
        let form = client.get(&link).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Choose a new password"));
        let short = client
            .post(
                &link,
                &[("new_password", "short"), ("confirm_password", "short")],
            )
            .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(short.body.contains("href=\"#new_password\""));
        let mismatch = client
            .post(
                &link,
                &[
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", "three random wards"),
                ],
            )
            .await;
        assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(mismatch.body.contains("href=\"#confirm_password\""));
        // A session the parent had open elsewhere ends with the reset.
        let mut elsewhere = app.signed_in("parent@demo.invalid").await;
        let done = client
            .post(
                &link,
                &[
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body.contains("Your password has been changed"));
        assert_eq!(elsewhere.get("/home").await.location(), "/sign-in");
        assert_eq!(
            sign_in_with(&app, "parent@demo.invalid", NEW_PASSWORD).await,
            "/home"
        );
        assert_eq!(
            sign_in_with(&app, "parent@demo.invalid", PASSWORD).await,
            "401 Unauthorized"
        );
        let parent = user_id(&app, "parent@demo.invalid").await;
        assert!(audited(&app, &parent, "password.reset_requested").await);
        assert!(audited(&app, &parent, "password.reset").await);
        assert!(
            emails_to(&app, "parent@demo.invalid")
                .await
                .iter()
                .any(|b| b.contains("was changed using a reset link"))
        );

        // The link replayed: a clear page, and nothing changes.
        let again = client.get(&link).await;
        assert_eq!(again.status, StatusCode::GONE);
        assert!(again.body.contains("This link does not work"));
        let replay = client
            .post(
                &link,
                &[
                    ("new_password", "someone else's password"),
                    ("confirm_password", "someone else's password"),
                ],
            )
            .await;
        assert_eq!(replay.status, StatusCode::GONE);
        assert_eq!(
            sign_in_with(&app, "parent@demo.invalid", "someone else's password").await,
            "401 Unauthorized"
        );
        assert_eq!(
            sign_in_with(&app, "parent@demo.invalid", NEW_PASSWORD).await,
            "/home"
        );
    }
}

#[tokio::test]
async fn an_expired_or_unknown_reset_link_changes_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let (mut client, _) = ask_for_link(&app, "parent@demo.invalid").await;
        let link = reset_link(&app, "parent@demo.invalid").await.unwrap();
        app.app.clock.advance(Duration::minutes(61));
        assert_eq!(client.get(&link).await.status, StatusCode::GONE);
        let late = client
            .post(
                &link,
                &[
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(late.status, StatusCode::GONE);
        assert!(late.body.contains("Ask for a new link"));
        let unknown = client
            .get("/reset-password/00000000000000000000000000000000")
            .await;
        assert_eq!(unknown.status, StatusCode::GONE);
        assert_eq!(
            sign_in_with(&app, "parent@demo.invalid", PASSWORD).await,
            "/home"
        );
    }
}

#[tokio::test]
async fn the_answer_is_the_same_whether_or_not_the_account_exists() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let (_, known) = ask_for_link(&app, "parent@demo.invalid").await;
        let (_, unknown) = ask_for_link(&app, "nobody@demo.invalid").await;
        let strip = |body: &str| {
            body.lines()
                .filter(|l| !l.contains("csrf_token"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&known), strip(&unknown));
        assert!(reset_link(&app, "nobody@demo.invalid").await.is_none());
        // Past the per-account limit, the same answer and no more links.
        for _ in 0..4 {
            ask_for_link(&app, "school@demo.invalid").await;
        }
        let links = emails_to(&app, "school@demo.invalid")
            .await
            .iter()
            .filter(|b| b.contains("/reset-password/"))
            .count();
        assert_eq!(links, 3);
        // An empty address is an error on the form, not an answer.
        let mut client = app.client();
        client.get("/forgotten-password").await;
        let empty = client.post("/forgotten-password", &[("email", "")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("href=\"#email\""));
    }
}

#[tokio::test]
async fn staff_with_a_one_time_code_get_no_link_unless_the_coordinator_allows_it() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        ask_for_link(&app, "caseworker@demo.invalid").await;
        assert!(reset_link(&app, "caseworker@demo.invalid").await.is_none());
        let caseworker = user_id(&app, "caseworker@demo.invalid").await;
        assert!(audited(&app, &caseworker, "password.reset_refused").await);

        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let account = coordinator
            .get(&format!("/users/{caseworker}/account"))
            .await;
        assert_eq!(account.status, StatusCode::OK);
        assert!(account.body.contains("You reset it for them"));
        let confirm = coordinator
            .get(&format!("/users/{caseworker}/self-reset"))
            .await;
        assert!(confirm.body.contains("Allow self-service reset"));
        let allowed = coordinator
            .post(
                &format!("/users/{caseworker}/self-reset"),
                &[("allowed", "yes")],
            )
            .await;
        assert_eq!(allowed.status, StatusCode::SEE_OTHER);
        assert!(audited(&app, &caseworker, "user.self_reset").await);
        ask_for_link(&app, "caseworker@demo.invalid").await;
        assert!(reset_link(&app, "caseworker@demo.invalid").await.is_some());
        // Another role cannot allow it.
        let mut auditor = app.signed_in("auditor@demo.invalid").await;
        assert_eq!(
            auditor
                .post(
                    &format!("/users/{caseworker}/self-reset"),
                    &[("allowed", "yes")]
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn a_user_changes_their_own_password_only_with_the_current_one() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let mut parent = app.signed_in("parent@demo.invalid").await;
        let home = parent.get("/home").await;
        assert!(home.body.contains("href=\"/account/password\""));
        let form = parent.get("/account/password").await;
        assert_eq!(form.status, StatusCode::OK);
        let wrong = parent
            .post(
                "/account/password",
                &[
                    ("current_password", "not my password"),
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("Your current password is not right"));
        assert_eq!(
            sign_in_with(&app, "parent@demo.invalid", NEW_PASSWORD).await,
            "401 Unauthorized"
        );
        let mut elsewhere = app.signed_in("parent@demo.invalid").await;
        let done = parent
            .post(
                "/account/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body.contains("You have changed your password"));
        // This session carries on; the other one ends.
        assert_eq!(parent.get("/home").await.status, StatusCode::OK);
        assert_eq!(elsewhere.get("/home").await.location(), "/sign-in");
        assert_eq!(
            sign_in_with(&app, "parent@demo.invalid", NEW_PASSWORD).await,
            "/home"
        );
        let id = user_id(&app, "parent@demo.invalid").await;
        assert!(audited(&app, &id, "password.change").await);
        assert!(
            emails_to(&app, "parent@demo.invalid")
                .await
                .iter()
                .any(|b| b.contains("The password of your account was changed."))
        );
    }
}

#[tokio::test]
async fn the_coordinator_unlocks_an_account_locked_by_failed_sign_ins() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        for _ in 0..app.app.settings.throttle_attempts {
            sign_in_with(&app, "parent@demo.invalid", "wrong password").await;
        }
        assert_eq!(
            sign_in_with(&app, "parent@demo.invalid", PASSWORD).await,
            "429 Too Many Requests"
        );
        let parent = user_id(&app, "parent@demo.invalid").await;
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let account = coordinator.get(&format!("/users/{parent}/account")).await;
        assert!(
            account
                .body
                .contains("Locked by failed attempts to sign in")
        );
        let confirm = coordinator.get(&format!("/users/{parent}/unlock")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        let done = coordinator
            .post(&format!("/users/{parent}/unlock"), &[])
            .await;
        assert_eq!(done.location(), format!("/users/{parent}/account"));
        assert_eq!(
            sign_in_with(&app, "parent@demo.invalid", PASSWORD).await,
            "/home"
        );
        assert!(audited(&app, &parent, "user.unlock").await);
        assert!(
            emails_to(&app, "parent@demo.invalid")
                .await
                .iter()
                .any(|b| b.contains("Your account was unlocked"))
        );
    }
}

#[tokio::test]
async fn after_the_coordinator_resets_a_password_the_user_must_choose_a_new_one_first() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent = user_id(&app, "parent@demo.invalid").await;
        let mut before = app.signed_in("parent@demo.invalid").await;
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let confirm = coordinator
            .get(&format!("/users/{parent}/reset-password"))
            .await;
        assert_eq!(confirm.status, StatusCode::OK);
        let done = coordinator
            .post(&format!("/users/{parent}/reset-password"), &[])
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert!(audited(&app, &parent, "user.password_reset").await);
        assert!(reset_link(&app, "parent@demo.invalid").await.is_some());
        assert_eq!(before.get("/home").await.location(), "/sign-in");

        let mut client = app.client();
        client.get("/sign-in").await;
        client
            .post(
                "/sign-in",
                &[("email", "parent@demo.invalid"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(client.get("/home").await.location(), "/account/password");
        assert_eq!(client.get("/pupils").await.location(), "/account/password");
        let form = client.get("/account/password").await;
        assert!(
            form.body
                .contains("The service's coordinator has reset your password")
        );
        let changed = client
            .post(
                "/account/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", NEW_PASSWORD),
                    ("confirm_password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        assert_eq!(client.get("/home").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_coordinator_resets_a_one_time_code_and_the_user_sets_it_up_again() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let caseworker = user_id(&app, "caseworker@demo.invalid").await;
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        assert_eq!(
            coordinator
                .get(&format!("/users/{caseworker}/reset-code"))
                .await
                .status,
            StatusCode::OK
        );
        coordinator
            .post(&format!("/users/{caseworker}/reset-code"), &[])
            .await;
        assert!(audited(&app, &caseworker, "user.totp_reset").await);
        let mut client = app.client();
        client.get("/sign-in").await;
        let r = client
            .post(
                "/sign-in",
                &[("email", "caseworker@demo.invalid"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.location(), "/sign-in/code");
        let code = client.get("/sign-in/code").await;
        assert!(code.body.contains("Set up your authenticator app"));
        // A half-finished sign-in offers "Sign in as someone else", which ends it.
        assert!(code.body.contains("Sign in as someone else"));
        let back = client.post("/sign-in/someone-else", &[]).await;
        assert_eq!(back.location(), "/sign-in");
        assert_eq!(client.get("/sign-in/code").await.location(), "/sign-in");

        // With self-service reset allowed, setting up the new key keeps that permission.
        coordinator
            .post(
                &format!("/users/{caseworker}/self-reset"),
                &[("allowed", "yes")],
            )
            .await;
        client.get("/sign-in").await;
        client
            .post(
                "/sign-in",
                &[("email", "caseworker@demo.invalid"), ("password", PASSWORD)],
            )
            .await;
        client.get("/sign-in/code").await;
        let secret = app
            .app
            .store_for_tests()
            .get_credentials(&caseworker)
            .await
            .unwrap()
            .unwrap()
            .totp_secret
            .unwrap();
        app.app.clock.advance(Duration::seconds(30));
        let code = mns_app::identity::totp::current_code(&secret, app.app.now()).unwrap();
        let done = client.post("/sign-in/code", &[("code", &code)]).await;
        assert_eq!(done.location(), "/home", "{}", done.body);
        let flags = app
            .app
            .store_for_tests()
            .recovery_flags(&caseworker)
            .await
            .unwrap();
        assert!(flags.self_reset_allowed_at.is_some());
    }
}
