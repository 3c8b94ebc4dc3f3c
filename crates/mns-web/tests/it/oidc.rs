//! Signing in through OpenID Connect, against a real OIDC server: `e2e/oidc-mock.mjs` runs
//! oauth2-mock-server with three issuers shaped like Entra ID, DfE Sign-in and GOV.UK One
//! Login, and a stand-in for DfE Sign-in's role API. The test plays the browser: the service's
//! redirect goes to the mock's /authorize, whose redirect comes back to the service.
//!
//! Without `e2e/node_modules` these tests skip, unless `CI` is set (then they fail).

use crate::support::{Client, TestApp, TestResponse};
use axum::http::StatusCode;
use mns_app::App;
use mns_app::identity::oidc::{ClientAuth, DfeApi, OidcProviders, ProviderConfig};
use mns_domain::identity::Role;
use mns_domain::oidc::{ProviderKind, ProviderPolicy};
use mns_store::Backend;
use mns_store::testing::backends;
use openidconnect::reqwest;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct MockOidc {
    child: Child,
    info: serde_json::Value,
    http: reqwest::Client,
}

impl Drop for MockOidc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl MockOidc {
    /// Starts the mock, or `None` (skip) where its npm packages are not installed.
    fn start() -> Option<MockOidc> {
        let e2e = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e");
        if !e2e.join("node_modules/oauth2-mock-server").exists() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI: run `npm ci` in e2e/ so the OpenID Connect tests can run"
            );
            eprintln!("skipping: e2e/node_modules is not installed (npm ci in e2e/)");
            return None;
        }
        let mut child = Command::new("node")
            .arg(e2e.join("oidc-mock.mjs"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("the mock prints its addresses");
        let info: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the mock's first line is JSON ({e}): {line}"));
        let http = reqwest::ClientBuilder::new()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Some(MockOidc { child, info, http })
    }

    fn url(&self, name: &str) -> String {
        self.info[name].as_str().unwrap().to_string()
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: serde_json::Value) {
        let response = self
            .http
            .request(method, format!("{}{path}", self.url("control")))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "mock control {path}");
    }

    async fn user(&self, issuer: &str, claims: serde_json::Value) {
        self.control(reqwest::Method::PUT, &format!("/user/{issuer}"), claims)
            .await;
    }

    async fn tamper(&self, fault: serde_json::Value) {
        self.control(reqwest::Method::PUT, "/tamper", fault).await;
    }

    async fn stats(&self, issuer: &str) -> serde_json::Value {
        let text = self
            .http
            .get(format!("{}/stats/{issuer}", self.url("control")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn providers(&self, adjust: impl Fn(&mut ProviderConfig)) -> OidcProviders {
        let mut entra = ProviderPolicy::new(
            ProviderKind::Entra,
            vec![Role::Coordinator, Role::Caseworker],
        );
        entra.tenant_id = Some("tenant-1".into());
        entra.trust_mfa = true;
        let mut dfe = ProviderPolicy::new(ProviderKind::Dfe, vec![Role::School]);
        dfe.trust_mfa = true;
        dfe.dfe_role_codes = vec!["MNS_SCHOOL".into()];
        let onelogin = ProviderPolicy::new(ProviderKind::OneLogin, vec![Role::Parent]);
        let mut configs = vec![
            ProviderConfig {
                id: "entra".into(),
                label: "Sign in with your council account".into(),
                name: "council Microsoft account".into(),
                issuer: self.url("entra"),
                client_id: "mns-entra".into(),
                auth: ClientAuth::Secret("mock-secret".into()),
                scopes: vec!["openid".into(), "profile".into(), "email".into()],
                policy: entra,
                dfe_api: None,
            },
            ProviderConfig {
                id: "dfe".into(),
                label: "Sign in with DfE Sign-in".into(),
                name: "DfE Sign-in".into(),
                issuer: self.url("dfe"),
                client_id: "mns-dfe".into(),
                auth: ClientAuth::Secret("mock-secret".into()),
                scopes: ProviderKind::Dfe
                    .default_scopes()
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                policy: dfe,
                dfe_api: Some(DfeApi {
                    url: format!("{}/dfe-api", self.url("control")),
                    secret: "mock-api-secret".into(),
                }),
            },
            ProviderConfig {
                id: "onelogin".into(),
                label: "Sign in with GOV.UK One Login".into(),
                name: "GOV.UK One Login".into(),
                issuer: self.url("onelogin"),
                client_id: "mns-onelogin".into(),
                auth: ClientAuth::PrivateKey {
                    pem: self.url("onelogin_private_key_pem"),
                    key_id: self.url("onelogin_key_id"),
                },
                scopes: vec!["openid".into(), "email".into()],
                policy: onelogin,
                dfe_api: None,
            },
        ];
        for config in &mut configs {
            adjust(config);
        }
        OidcProviders::new(configs, "mns-tests").unwrap()
    }
}

async fn spawn(mock: &MockOidc, backend: Backend) -> TestApp {
    spawn_adjusted(mock, backend, |_| {}).await
}

async fn spawn_adjusted(
    mock: &MockOidc,
    backend: Backend,
    adjust: impl Fn(&mut ProviderConfig),
) -> TestApp {
    let providers = mock.providers(adjust);
    TestApp::spawn_with(backend, move |app: App| app.with_oidc(providers)).await
}

/// Links a demo user to an identity, as a coordinator's link would.
async fn link(app: &TestApp, email: &str, issuer: &str, subject: &str) {
    let store = app.app.store_for_tests();
    let user = store.find_user_by_email(email).await.unwrap().unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.link_identity(issuer, subject, &user.id, app.app.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Plays the browser through a sign-in: the service's redirect, the provider's /authorize,
/// and back to the callback. Returns the callback's response and its path (for replays).
async fn through_provider(
    mock: &MockOidc,
    client: &mut Client<'_>,
    start: &str,
) -> (TestResponse, String) {
    let path = callback_path(mock, client, start).await;
    (client.get(&path).await, path)
}

/// The service's redirect and the provider's /authorize, up to (not into) the callback: the
/// callback's path, for the browser (or another one) to open.
async fn callback_path(mock: &MockOidc, client: &mut Client<'_>, start: &str) -> String {
    let begin = client.get(start).await;
    assert_eq!(begin.status, StatusCode::SEE_OTHER, "{}", begin.body);
    let authorize = mock
        .http
        .get(begin.location())
        .send()
        .await
        .expect("the mock's /authorize answers");
    let back = authorize
        .headers()
        .get("location")
        .expect("the mock redirects back")
        .to_str()
        .unwrap()
        .to_string();
    back.strip_prefix("http://mns.test")
        .unwrap_or_else(|| panic!("back to the service: {back}"))
        .to_string()
}

async fn sign_in_with(
    mock: &MockOidc,
    client: &mut Client<'_>,
    provider: &str,
) -> (TestResponse, String) {
    through_provider(mock, client, &format!("/sign-in/oidc/{provider}")).await
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    app.app
        .store_for_tests()
        .audit_page(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect()
}

/// The refusal page, with no session: the reason's code is on the page and in the audit trail
/// (which holds no token), and the browser is not signed in.
async fn assert_refused(
    app: &TestApp,
    client: &mut Client<'_>,
    response: &TestResponse,
    reason: &str,
) {
    assert!(
        response.status.is_client_error() || response.status.is_server_error(),
        "{reason}: refused, not {}",
        response.status
    );
    assert!(
        response.body.contains(&format!("<code>{reason}</code>")),
        "{reason} is named on the page: {}",
        response.body
    );
    assert!(
        !client.cookies.contains_key("mns-session"),
        "{reason}: no session cookie"
    );
    let audit = audit_actions(app).await;
    assert!(
        audit
            .iter()
            .any(|(a, d)| a == "oidc.refused" && d.contains(&format!("reason={reason}"))),
        "{reason} is audited: {audit:?}"
    );
    assert!(
        audit.iter().all(|(_, d)| !d.contains("eyJ")),
        "no token in the audit trail"
    );
    let home = client.get("/home").await;
    assert_eq!(
        home.status,
        StatusCode::SEE_OTHER,
        "{reason}: not signed in"
    );
}

const ENTRA_USER: &str = "entra-oid-1";

async fn entra_coordinator(mock: &MockOidc, app: &TestApp) {
    mock.user(
        "entra",
        serde_json::json!({"sub": "pairwise-1", "oid": ENTRA_USER, "tid": "tenant-1",
            "roles": ["MNS.Coordinator"], "email": "coordinator@demo.invalid", "name": "Alex"}),
    )
    .await;
    link(
        app,
        "coordinator@demo.invalid",
        &mock.url("entra"),
        &format!("tenant-1/{ENTRA_USER}"),
    )
    .await;
}

#[tokio::test]
async fn a_council_user_signs_in_with_entra_and_signs_out_there_too() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    for backend in backends() {
        let app = spawn(&mock, backend).await;
        entra_coordinator(&mock, &app).await;
        let mut browser = app.client();
        let sign_in = browser.get("/sign-in").await;
        assert!(sign_in.body.contains("href=\"/sign-in/oidc/entra\""));
        let (done, _) = sign_in_with(&mock, &mut browser, "entra").await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(
            done.location(),
            "/home",
            "the provider's second factor is trusted"
        );
        let home = browser.get("/home").await;
        assert_eq!(home.status, StatusCode::OK);
        let audit = audit_actions(&app).await;
        assert!(
            audit
                .iter()
                .any(|(a, d)| a == "oidc.sign_in" && d == "provider=entra")
        );
        // A page that moves on at once to the provider (a redirect would break the CSP's
        // form-action), with a link for anyone whose browser does not.
        let out = browser.post("/sign-out", &[]).await;
        assert_eq!(out.status, StatusCode::OK);
        assert!(out.body.contains("Signing you out"), "{}", out.body);
        let start = out.body.find("url=").unwrap() + 4;
        let end = unescape(out.body[start..].split('"').next().unwrap());
        let end = end.as_str();
        assert!(
            end.starts_with(&mock.url("entra")),
            "to the provider: {end}"
        );
        assert!(end.contains("id_token_hint=eyJ"), "{end}");
        assert!(end.contains("post_logout_redirect_uri=http%3A%2F%2Fmns.test%2Fsigned-out"));
        let back = mock.http.get(end).send().await.unwrap();
        let back = back.headers()["location"].to_str().unwrap().to_string();
        assert!(back.starts_with("http://mns.test/signed-out"), "{back}");
        assert_eq!(browser.get("/signed-out").await.status, StatusCode::OK);
        assert_eq!(browser.get("/home").await.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn token_faults_fail_closed() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    let app = spawn(&mock, Backend::Sqlite).await;
    entra_coordinator(&mock, &app).await;
    let now = chrono::Utc::now().timestamp();
    for (fault, reason) in [
        (serde_json::json!({"aud": "someone-else"}), "wrong_audience"),
        (
            serde_json::json!({"iss": "https://evil.example"}),
            "wrong_issuer",
        ),
        (serde_json::json!({"nonce": "not-this-one"}), "wrong_nonce"),
        (serde_json::json!({"drop": ["nonce"]}), "wrong_nonce"),
        (serde_json::json!({"exp": now - 600}), "token_expired"),
        (serde_json::json!({"status": 503}), "provider_unavailable"),
        (serde_json::json!({"alg": "none"}), "invalid_token"),
        (serde_json::json!({"alg": "HS256"}), "invalid_token"),
    ] {
        mock.tamper(fault).await;
        let mut browser = app.client();
        let (refused, _) = sign_in_with(&mock, &mut browser, "entra").await;
        assert_refused(&app, &mut browser, &refused, reason).await;
    }
}

#[tokio::test]
async fn a_replayed_callback_or_code_a_foreign_state_and_a_provider_error_fail_closed() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    let app = spawn(&mock, Backend::Sqlite).await;
    entra_coordinator(&mock, &app).await;
    let mut browser = app.client();
    let (ok, callback) = sign_in_with(&mock, &mut browser, "entra").await;
    assert_eq!(ok.location(), "/home");
    // The same callback again: its state was used.
    let mut other = app.client();
    other.cookies = browser
        .cookies
        .iter()
        .filter(|(k, _)| k.as_str() != "mns-session")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let replay = other.get(&callback).await;
    assert_refused(&app, &mut other, &replay, "state_mismatch").await;
    // The old code with a fresh state: the provider refuses the code.
    let mut third = app.client();
    let begin = third.get("/sign-in/oidc/entra").await;
    let state = url_param(begin.location(), "state");
    let code = url_param(&callback, "code");
    let replayed = third
        .get(&format!(
            "/sign-in/oidc/entra/callback?code={code}&state={state}"
        ))
        .await;
    assert_refused(&app, &mut third, &replayed, "code_rejected").await;
    // A callback from someone else's browser: no binding cookie.
    let mut victim = app.client();
    let mut attacker = app.client();
    let planted = callback_path(&mock, &mut attacker, "/sign-in/oidc/entra").await;
    let refused = victim.get(&planted).await;
    assert_refused(&app, &mut victim, &refused, "state_mismatch").await;
    // The provider sends an error instead of a code.
    let mut fourth = app.client();
    let begin = fourth.get("/sign-in/oidc/entra").await;
    let state = url_param(begin.location(), "state");
    let error = fourth
        .get(&format!(
            "/sign-in/oidc/entra/callback?error=access_denied&state={state}"
        ))
        .await;
    assert_refused(&app, &mut fourth, &error, "provider_error").await;
    // A state that has expired (the sign-in took more than 10 minutes).
    let mut slow = app.client();
    let back = callback_path(&mock, &mut slow, "/sign-in/oidc/entra").await;
    app.app.clock.advance(chrono::Duration::minutes(11));
    let late = slow.get(&back).await;
    assert_refused(&app, &mut slow, &late, "state_mismatch").await;
}

fn url_param(url: &str, name: &str) -> String {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} in {url}"))
        .to_string()
}

#[tokio::test]
async fn an_unknown_key_is_fetched_again_once_and_a_rotated_key_is_accepted() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    let app = spawn(&mock, Backend::Sqlite).await;
    entra_coordinator(&mock, &app).await;
    let mut first = app.client();
    assert_eq!(
        sign_in_with(&mock, &mut first, "entra").await.0.location(),
        "/home"
    );
    let fetched = mock.stats("entra").await["jwks"].as_i64().unwrap();
    mock.tamper(serde_json::json!({"kid": "nope"})).await;
    let mut second = app.client();
    let (refused, _) = sign_in_with(&mock, &mut second, "entra").await;
    assert_refused(&app, &mut second, &refused, "unknown_key").await;
    let after = mock.stats("entra").await["jwks"].as_i64().unwrap();
    assert_eq!(
        after,
        fetched + 1,
        "the keys were fetched again exactly once"
    );
    // A new key a minute later: fetched again, and accepted.
    app.app.clock.advance(chrono::Duration::minutes(2));
    mock.control(
        reqwest::Method::POST,
        "/rotate/entra",
        serde_json::json!({}),
    )
    .await;
    let mut third = app.client();
    let (ok, _) = sign_in_with(&mock, &mut third, "entra").await;
    assert_eq!(ok.location(), "/home", "{}", ok.body);
}

#[tokio::test]
async fn entra_rules_other_tenant_app_roles_and_no_linked_account() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    let app = spawn_adjusted(&mock, Backend::Sqlite, |c| {
        if c.id == "entra" {
            c.policy.role_map = vec![("MNS.Coordinator".into(), Role::Coordinator)];
        }
    })
    .await;
    entra_coordinator(&mock, &app).await;
    let users_before = app.app.store_for_tests().list_users().await.unwrap().len();
    for (claims, reason) in [
        (
            serde_json::json!({"sub": "s", "oid": ENTRA_USER, "tid": "tenant-2"}),
            "wrong_tenant",
        ),
        (
            serde_json::json!({"sub": "s", "oid": ENTRA_USER, "tid": "tenant-1", "roles": ["Other"]}),
            "role_not_assigned",
        ),
        (
            serde_json::json!({"sub": "s", "oid": "someone-new", "tid": "tenant-1",
                "email": "coordinator@demo.invalid", "email_verified": true}),
            "no_linked_account",
        ),
    ] {
        mock.user("entra", claims).await;
        let mut browser = app.client();
        let (refused, _) = sign_in_with(&mock, &mut browser, "entra").await;
        assert_refused(&app, &mut browser, &refused, reason).await;
    }
    assert_eq!(
        app.app.store_for_tests().list_users().await.unwrap().len(),
        users_before,
        "no account is created because a token is valid"
    );
}

fn dfe_user(urn: &str) -> serde_json::Value {
    serde_json::json!({"sub": "dfe-user-1", "email": "school@demo.invalid",
        "organisation": {"id": "org-1", "name": "A school", "urn": urn,
            "category": {"id": "001", "name": "Establishment"}}})
}

#[tokio::test]
async fn a_school_user_signs_in_with_dfe_sign_in_only_at_their_own_school_with_a_role() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    let app = spawn(&mock, Backend::Sqlite).await;
    link(&app, "school@demo.invalid", &mock.url("dfe"), "dfe-user-1").await;
    mock.user("dfe", dfe_user("121001")).await;
    // No role in the service yet.
    let mut browser = app.client();
    let (refused, _) = sign_in_with(&mock, &mut browser, "dfe").await;
    assert_refused(&app, &mut browser, &refused, "no_service_role").await;
    mock.control(
        reqwest::Method::PUT,
        "/dfe-roles/dfe-user-1",
        serde_json::json!({"organisation": "org-1", "roles": ["MNS_SCHOOL"]}),
    )
    .await;
    let mut browser = app.client();
    let (ok, _) = sign_in_with(&mock, &mut browser, "dfe").await;
    assert_eq!(ok.location(), "/home", "{}", ok.body);
    // Another school, a school the service does not know, the role API down.
    for (urn, reason) in [("121002", "other_school"), ("999999", "unknown_school")] {
        mock.user("dfe", dfe_user(urn)).await;
        let mut browser = app.client();
        let (refused, _) = sign_in_with(&mock, &mut browser, "dfe").await;
        assert_refused(&app, &mut browser, &refused, reason).await;
    }
    mock.user("dfe", dfe_user("121001")).await;
    mock.control(
        reqwest::Method::PUT,
        "/dfe-api-status",
        serde_json::json!({"status": 503}),
    )
    .await;
    let mut browser = app.client();
    let (refused, _) = sign_in_with(&mock, &mut browser, "dfe").await;
    assert_refused(&app, &mut browser, &refused, "provider_unavailable").await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
}

fn one_login_parent(vot: &str, verified: bool) -> serde_json::Value {
    serde_json::json!({"sub": "urn:fdc:gov.uk:2022:parent-1", "email": "parent@demo.invalid",
        "email_verified": verified, "vot": vot})
}

#[tokio::test]
async fn a_parent_signs_in_with_one_login_by_private_key_jwt_and_the_confidence_asked_for() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    for backend in backends() {
        let app = spawn(&mock, backend).await;
        mock.user("onelogin", one_login_parent("Cl.Cm", true)).await;
        // Not linked, and the council has not allowed linking by email.
        let mut browser = app.client();
        let (refused, _) = sign_in_with(&mock, &mut browser, "onelogin").await;
        assert_refused(&app, &mut browser, &refused, "no_linked_account").await;
        link(
            &app,
            "parent@demo.invalid",
            &mock.url("onelogin"),
            "urn:fdc:gov.uk:2022:parent-1",
        )
        .await;
        let mut browser = app.client();
        let (ok, _) = sign_in_with(&mock, &mut browser, "onelogin").await;
        assert_eq!(ok.location(), "/home", "{}", ok.body);
        let stats = mock.stats("onelogin").await;
        assert_eq!(stats["authorize"]["vtr"], "[\"Cl.Cm\"]", "{stats}");
        mock.user("onelogin", one_login_parent("Cl", true)).await;
        let mut browser = app.client();
        let (refused, _) = sign_in_with(&mock, &mut browser, "onelogin").await;
        assert_refused(&app, &mut browser, &refused, "wrong_confidence").await;
    }
}

#[tokio::test]
async fn a_client_assertion_with_the_wrong_key_is_refused_by_the_provider() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    // Another RSA key (PKCS#1), not the one registered with the provider.
    let other_key = include_str!("oidc_other_key.pem");
    let app = spawn_adjusted(&mock, Backend::Sqlite, |c| {
        if c.id == "onelogin" {
            c.auth = ClientAuth::PrivateKey {
                pem: other_key.into(),
                key_id: "mns-test-key".into(),
            };
        }
    })
    .await;
    mock.user("onelogin", one_login_parent("Cl.Cm", true)).await;
    let mut browser = app.client();
    let (refused, _) = sign_in_with(&mock, &mut browser, "onelogin").await;
    assert_refused(&app, &mut browser, &refused, "code_rejected").await;
}

#[tokio::test]
async fn linking_by_verified_email_only_where_allowed_and_a_disabled_account_is_refused() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    let app = spawn_adjusted(&mock, Backend::Sqlite, |c| {
        c.policy.link_by_email = c.id == "onelogin";
    })
    .await;
    mock.user("onelogin", one_login_parent("Cl.Cm", false))
        .await;
    let mut browser = app.client();
    let (refused, _) = sign_in_with(&mock, &mut browser, "onelogin").await;
    assert_refused(&app, &mut browser, &refused, "no_linked_account").await;
    mock.user("onelogin", one_login_parent("Cl.Cm", true)).await;
    let mut browser = app.client();
    let (ok, _) = sign_in_with(&mock, &mut browser, "onelogin").await;
    assert_eq!(ok.location(), "/home", "{}", ok.body);
    let audit = audit_actions(&app).await;
    assert!(
        audit
            .iter()
            .any(|(a, d)| a == "identity.link" && d == "provider=onelogin how=email")
    );
    // The coordinator disables the parent: the linked identity no longer signs in.
    let parent = app
        .app
        .store_for_tests()
        .find_user_by_email("parent@demo.invalid")
        .await
        .unwrap()
        .unwrap();
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    coordinator
        .get(&format!("/users/{}/disable", parent.id))
        .await;
    coordinator
        .post(&format!("/users/{}/disable", parent.id), &[])
        .await;
    let mut browser = app.client();
    let (refused, _) = sign_in_with(&mock, &mut browser, "onelogin").await;
    assert_refused(&app, &mut browser, &refused, "account_disabled").await;
}

#[tokio::test]
async fn the_coordinator_sends_a_link_that_connects_an_account_once() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    let app = spawn(&mock, Backend::Sqlite).await;
    let parent = app
        .app
        .store_for_tests()
        .find_user_by_email("parent@demo.invalid")
        .await
        .unwrap()
        .unwrap();
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator
        .get(&format!("/users/{}/account", parent.id))
        .await;
    assert!(page.body.contains("Sign-in accounts"), "{}", page.body);
    assert!(page.body.contains("value=\"onelogin\""));
    assert!(
        !page.body.contains("value=\"entra\""),
        "Entra does not sign in parents"
    );
    let wrong = coordinator
        .post(
            &format!("/users/{}/identities/link", parent.id),
            &[("provider", "entra")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let sent = coordinator
        .post(
            &format!("/users/{}/identities/link", parent.id),
            &[("provider", "onelogin")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let messages = app
        .app
        .store_for_tests()
        .outbox_messages_to("parent@demo.invalid")
        .await
        .unwrap();
    let link_path = messages
        .iter()
        .find_map(|m| {
            let start = m.body.find("/sign-in/oidc/onelogin?link=")?;
            m.body[start..].lines().next().map(str::to_string)
        })
        .expect("the link is emailed");
    mock.user("onelogin", one_login_parent("Cl.Cm", true)).await;
    let mut browser = app.client();
    let (ok, _) = through_provider(&mock, &mut browser, &link_path).await;
    assert_eq!(ok.location(), "/home", "{}", ok.body);
    let page = coordinator
        .get(&format!("/users/{}/account", parent.id))
        .await;
    assert!(page.body.contains("GOV.UK One Login") && page.body.contains("Connected"));
    let start = page.body.find("/identities/disconnect?").unwrap();
    let disconnect = unescape(page.body[start..].split('"').next().unwrap());
    let confirm = coordinator
        .get(&format!("/users/{}{disconnect}", parent.id))
        .await;
    assert_eq!(
        confirm.status,
        StatusCode::OK,
        "{disconnect}: {}",
        confirm.body
    );
    assert!(confirm.body.contains("will no longer be able to sign in"));
    // The link works once.
    let mut again = app.client();
    let reused = again.get(&link_path).await;
    assert_refused(&app, &mut again, &reused, "link_not_usable").await;
    // Disconnected, the identity no longer signs in.
    coordinator
        .post(
            &format!("/users/{}/identities/unlink", parent.id),
            &[
                ("issuer", &mock.url("onelogin")),
                ("subject", "urn:fdc:gov.uk:2022:parent-1"),
            ],
        )
        .await;
    let mut browser = app.client();
    let (refused, _) = sign_in_with(&mock, &mut browser, "onelogin").await;
    assert_refused(&app, &mut browser, &refused, "no_linked_account").await;
}

#[tokio::test]
async fn a_provider_that_is_down_or_unknown_is_a_clear_page() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    let app = spawn_adjusted(&mock, Backend::Sqlite, |c| {
        if c.id == "dfe" {
            c.issuer = "http://127.0.0.1:9".into();
        }
    })
    .await;
    let mut browser = app.client();
    let down = browser.get("/sign-in/oidc/dfe").await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(down.body.contains("cannot sign in this way at the moment"));
    assert_refused(&app, &mut browser, &down, "provider_unavailable").await;
    assert_eq!(
        browser.get("/sign-in/oidc/nobody").await.status,
        StatusCode::NOT_FOUND
    );
}

/// A writer the service's OpenID Connect log lines go to, for the whole test binary: a scoped
/// subscriber misses callsites other tests' threads reached first.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured_log() -> &'static Captured {
    static LOG: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "mns_app::identity::oidc=warn",
            ))
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other test sets a global subscriber");
        captured
    })
}

fn unescape(html: &str) -> String {
    html.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#x3D;", "=")
        .replace("&#61;", "=")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
}

#[tokio::test]
async fn a_refusal_is_logged_for_the_council_with_its_reason_and_never_a_token() {
    let Some(mock) = MockOidc::start() else {
        return;
    };
    let captured = captured_log();
    let app = spawn(&mock, Backend::Sqlite).await;
    entra_coordinator(&mock, &app).await;
    mock.tamper(serde_json::json!({"aud": "someone-else"}))
        .await;
    let mut browser = app.client();
    let (refused, callback) = sign_in_with(&mock, &mut browser, "entra").await;
    assert_refused(&app, &mut browser, &refused, "wrong_audience").await;
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("OpenID Connect sign-in refused")
                && l.contains("provider=entra")
                && l.contains("reason=\"wrong_audience\"")),
        "{log}"
    );
    let code = url_param(&callback, "code");
    let state = url_param(&callback, "state");
    assert!(!log.contains("eyJ"), "no token in the log: {log}");
    assert!(
        !log.contains(&code) && !log.contains(&state),
        "no code or state in the log"
    );
}
