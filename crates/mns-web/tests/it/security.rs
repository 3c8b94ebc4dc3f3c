//! The security review's findings (issue 11), each with a test that failed on the code before
//! its fix: the UPN takeover, the sign-in race, one-time code replay, lock-out as denial of
//! service, API tokens, shortlist email abuse, the CSRF token in URLs, JSON API errors and
//! uploads that only start like a PDF. (The keyed audit chain and file permissions are tested
//! through the `mns` commands in `crates/mns/tests/cli.rs`.)

use crate::support::{Client, PASSWORD, TestApp};
use axum::http::{Method, StatusCode};
use mns_app::AppError;
use mns_app::identity::totp;
use mns_store::Backend;
use mns_store::testing::backends;

/// A referral for `first`/`last`/`dob` with `upn`, created and submitted through the API by
/// the second demo school (Yare Bank Academy, URN 121002). Returns the referral's id and the
/// submitted referral's JSON.
async fn refer_from_school2(
    app: &TestApp,
    first: &str,
    last: &str,
    dob: &str,
    upn: &str,
) -> (String, serde_json::Value) {
    let mut school2 = api_client(app, "school2@demo.invalid").await;
    let mut referral: serde_json::Value =
        serde_json::from_str(mns_domain::referral::EXAMPLE_REFERRAL_JSON).unwrap();
    referral["pupil"]["first_name"] = first.into();
    referral["pupil"]["last_name"] = last.into();
    referral["pupil"]["date_of_birth"] = dob.into();
    referral["pupil"]["upn"] = upn.into();
    let created = school2
        .send_json(Method::POST, "/api/v1/referrals", &referral.to_string())
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    let attached = school2
        .send_bytes(
            &format!("/api/v1/referrals/{id}/attendance"),
            crate::referral_form_tasks::attendance_csv(upn).into_bytes(),
        )
        .await;
    assert_eq!(attached.status, StatusCode::CREATED, "{}", attached.body);
    let submitted = school2
        .send_json(Method::POST, &format!("/api/v1/referrals/{id}/submit"), "")
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    (id, submitted.json())
}

async fn api_client<'a>(app: &'a TestApp, email: &str) -> Client<'a> {
    let token = app
        .app
        .issue_api_token(&mns_app::system_actor("test"), email, "test", None)
        .await
        .unwrap();
    let mut client = app.client();
    client.bearer = Some(token);
    client
}

/// High: a UPN is guessable, so a referral from another school whose name or date of birth
/// differ from the record never takes it over: the referral gets its own record, the first
/// school keeps its pupil, and the coordinator decides with both side by side (API path).
#[tokio::test]
async fn mn_role_2_a_upn_match_with_different_details_is_never_merged() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = app.pupil("Amelia").await;
    let (id, submitted) = refer_from_school2(
        &app,
        "Amelie",
        "Barnes",
        "2016-04-14",
        amelia.upn.as_deref().unwrap(),
    )
    .await;
    let new_pupil = submitted["pupil_id"].as_str().unwrap().to_string();
    assert_ne!(new_pupil, amelia.id, "not merged into the existing record");
    let still = app
        .app
        .store_for_tests()
        .get_pupil(&amelia.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.school_urn.as_deref(), Some("121001"), "not moved");
    // The referring school sees its own referral's record, never Amelia's.
    let mut school2 = api_client(&app, "school2@demo.invalid").await;
    assert_eq!(
        school2
            .get(&format!("/api/v1/pupils/{}", amelia.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        school2
            .get(&format!("/api/v1/pupils/{new_pupil}"))
            .await
            .status,
        StatusCode::OK
    );
    // The parent linked to Amelia does not gain the new referral's record.
    let mut parent = app.signed_in("parent@demo.invalid").await;
    assert_eq!(
        parent.get(&format!("/pupils/{new_pupil}")).await.status,
        StatusCode::NOT_FOUND
    );

    let mut coordinator = api_client(&app, "coordinator@demo.invalid").await;
    let m = coordinator
        .get(&format!("/api/v1/referrals/{id}/pupil-match"))
        .await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.body);
    let m = m.json();
    assert_eq!(m["kind"], "possible_match");
    assert_eq!(m["existing_pupil"]["id"], amelia.id.as_str());
    assert_eq!(m["existing_pupil"]["date_of_birth"], "2016-03-14");
    assert_eq!(m["referral_pupil"]["date_of_birth"], "2016-04-14");
    assert!(m["resolution"].is_null());
    // The school cannot see or answer the match.
    assert_eq!(
        school2
            .get(&format!("/api/v1/referrals/{id}/pupil-match"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        school2
            .send_json(
                Method::POST,
                &format!("/api/v1/referrals/{id}/pupil-match"),
                r#"{"resolution":"same_child","note":"x"}"#
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // No decision to accept until the coordinator has decided who the child is.
    let accept = coordinator
        .send_json(
            Method::POST,
            &format!("/api/v1/referrals/{id}/decision"),
            r#"{"decision":"accept"}"#,
        )
        .await;
    assert_eq!(
        accept.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        accept.body
    );
    assert!(accept.body.contains("same child"), "{}", accept.body);
    // Joining a possible match needs a reason.
    let no_note = coordinator
        .send_json(
            Method::POST,
            &format!("/api/v1/referrals/{id}/pupil-match"),
            r#"{"resolution":"same_child"}"#,
        )
        .await;
    assert_eq!(no_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_note.body.contains("\"note\""), "{}", no_note.body);
    let kept = coordinator
        .send_json(
            Method::POST,
            &format!("/api/v1/referrals/{id}/pupil-match"),
            r#"{"resolution":"different_children","note":"Different child: confirmed with both schools"}"#,
        )
        .await;
    assert_eq!(kept.status, StatusCode::NO_CONTENT, "{}", kept.body);
    let still = app
        .app
        .store_for_tests()
        .get_pupil(&amelia.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.school_urn.as_deref(), Some("121001"));
    assert_eq!(
        school2
            .get(&format!("/api/v1/pupils/{}", amelia.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let again = coordinator
        .send_json(
            Method::POST,
            &format!("/api/v1/referrals/{id}/pupil-match"),
            r#"{"resolution":"same_child","note":"changed my mind"}"#,
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "decided once"
    );
    let accept = coordinator
        .send_json(
            Method::POST,
            &format!("/api/v1/referrals/{id}/decision"),
            r#"{"decision":"accept"}"#,
        )
        .await;
    assert_eq!(accept.status, StatusCode::CREATED, "{}", accept.body);
}

/// High: a genuine school move (same name and date of birth) still waits for the coordinator,
/// who confirms it on the referral page; only then does the new school see the child's
/// history, and the move is its own audit entry (pages path).
#[tokio::test]
async fn mn_role_2_a_school_move_waits_for_the_coordinator() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = app.pupil("Amelia").await;
    let (id, submitted) = refer_from_school2(
        &app,
        "Amelia",
        "Barnes",
        "2016-03-14",
        amelia.upn.as_deref().unwrap(),
    )
    .await;
    let new_pupil = submitted["pupil_id"].as_str().unwrap().to_string();
    assert_ne!(new_pupil, amelia.id);
    let mut school2 = app.signed_in("school2@demo.invalid").await;
    assert_eq!(
        school2.get(&format!("/pupils/{}", amelia.id)).await.status,
        StatusCode::NOT_FOUND,
        "the new school sees nothing of the child's history yet"
    );

    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let queue = coordinator.get("/referrals").await;
    assert!(
        queue.body.contains("Same child? Decide"),
        "the queue says a match waits"
    );
    let page = coordinator.get(&format!("/referrals/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Possible school move"), "{}", page.body);
    assert!(page.body.contains("Is this the same child?"));
    assert!(page.body.contains("121001") && page.body.contains("121002"));
    // No choice: the error is named, nothing changes.
    let empty = coordinator
        .post(&format!("/referrals/{id}/pupil-match"), &[])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Select whether this is the same child"));
    let confirmed = coordinator
        .post(
            &format!("/referrals/{id}/pupil-match"),
            &[("resolution", "same_child"), ("note", "Moved in September")],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let page = coordinator.get(&format!("/referrals/{id}")).await;
    assert!(page.body.contains("Confirmed as the same child"));
    assert!(
        !coordinator
            .get("/referrals")
            .await
            .body
            .contains("Same child? Decide")
    );
    assert!(!page.body.contains("Is this the same child?"));

    let moved = app
        .app
        .store_for_tests()
        .get_pupil(&amelia.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.school_urn.as_deref(), Some("121002"));
    assert!(
        app.app
            .store_for_tests()
            .get_pupil(&new_pupil)
            .await
            .unwrap()
            .is_none(),
        "the referral's own record is gone: one record per child"
    );
    let referral = app
        .app
        .store_for_tests()
        .get_referral(&id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(referral.pupil_id.as_deref(), Some(amelia.id.as_str()));
    assert_eq!(
        school2.get(&format!("/pupils/{}", amelia.id)).await.status,
        StatusCode::OK
    );
    let history = app
        .app
        .store_for_tests()
        .audit_for_record("pupil", &amelia.id, 50)
        .await
        .unwrap();
    let entry = history
        .iter()
        .find(|e| e.action == "pupil.move")
        .expect("the move is its own audit entry");
    assert!(entry.detail.contains("from school 121001 to school 121002"));
}

/// Medium: ten wrong passwords at once are checked against the limit of five one at a time:
/// five are checked, five are refused unchecked (on both databases).
#[tokio::test]
async fn simultaneous_wrong_passwords_cannot_overrun_the_sign_in_limit() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let attempts = (0..10).map(|n| {
            let app = app.app.clone();
            tokio::spawn(async move {
                app.sign_in(
                    "parent@demo.invalid",
                    &format!("wrong-{n}"),
                    None,
                    "203.0.113.7",
                )
                .await
            })
        });
        let mut checked = 0;
        let mut throttled = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                Err(AppError::SignInFailed) => checked += 1,
                Err(AppError::Throttled) => throttled += 1,
                other => panic!("{backend:?}: {other:?}"),
            }
        }
        assert_eq!((checked, throttled), (5, 5), "{backend:?}");
    }
}

/// Low: a one-time code is accepted once; a second sign-in in the same 30 seconds is told to
/// wait for the next code.
#[tokio::test]
async fn a_one_time_code_cannot_be_replayed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = totp::current_code(mns_app::demo::DEMO_TOTP_SECRET, app.app.now()).unwrap();
    let mut first = app.client();
    first.get("/sign-in").await;
    first
        .post(
            "/sign-in",
            &[
                ("email", "coordinator@demo.invalid"),
                ("password", PASSWORD),
            ],
        )
        .await;
    first.get("/sign-in/code").await;
    let ok = first.post("/sign-in/code", &[("code", &code)]).await;
    assert_eq!(ok.location(), "/home");

    let mut second = app.client();
    second.get("/sign-in").await;
    second
        .post(
            "/sign-in",
            &[
                ("email", "coordinator@demo.invalid"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let page = second.get("/sign-in/code").await;
    assert!(page.body.contains("Each code works once"));
    let replayed = second.post("/sign-in/code", &[("code", &code)]).await;
    assert_eq!(replayed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        replayed.body.contains("already been used"),
        "{}",
        replayed.body
    );
    app.app.clock.advance(chrono::Duration::seconds(30));
    let next = totp::current_code(mns_app::demo::DEMO_TOTP_SECRET, app.app.now()).unwrap();
    let ok = second.post("/sign-in/code", &[("code", &next)]).await;
    assert_eq!(ok.location(), "/home");
}

/// Low: five wrong guesses lock the account, but the owner (staff) still signs in with the
/// right password and a one-time code; a parent waits. Guesses from one address across many
/// accounts stop at the per-address limit.
#[tokio::test]
async fn lock_out_throttles_guesses_not_the_owner() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut guesser = app.client();
    guesser.get("/sign-in").await;
    for n in 0..5 {
        let r = guesser
            .post(
                "/sign-in",
                &[
                    ("email", "coordinator@demo.invalid"),
                    ("password", &format!("guess-{n}")),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let mut owner = app.client();
    owner.get("/sign-in").await;
    let locked = owner
        .post(
            "/sign-in",
            &[
                ("email", "coordinator@demo.invalid"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("One-time code (council staff only)"));
    let wrong_code = owner
        .post(
            "/sign-in",
            &[
                ("email", "coordinator@demo.invalid"),
                ("password", PASSWORD),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(wrong_code.status, StatusCode::TOO_MANY_REQUESTS);
    let code = totp::current_code(mns_app::demo::DEMO_TOTP_SECRET, app.app.now()).unwrap();
    let guessed_password = owner
        .post(
            "/sign-in",
            &[
                ("email", "coordinator@demo.invalid"),
                ("password", "guess-again"),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(guessed_password.status, StatusCode::TOO_MANY_REQUESTS);
    let signed_in = owner
        .post(
            "/sign-in",
            &[
                ("email", "coordinator@demo.invalid"),
                ("password", PASSWORD),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(signed_in.location(), "/home", "{}", signed_in.body);
    assert_eq!(owner.get("/home").await.status, StatusCode::OK);

    // A parent has no second factor: a locked parent account waits.
    for n in 0..5 {
        let _ = app
            .app
            .sign_in(
                "parent@demo.invalid",
                &format!("x{n}"),
                None,
                "198.51.100.1",
            )
            .await;
    }
    assert!(matches!(
        app.app
            .sign_in(
                "parent@demo.invalid",
                PASSWORD,
                Some("123456"),
                "198.51.100.2"
            )
            .await,
        Err(AppError::Throttled)
    ));

    // One address guessing across accounts is stopped at its own limit, for every account.
    for n in 0..30 {
        let _ = app
            .app
            .sign_in(&format!("nobody{n}@example.org"), "x", None, "192.0.2.99")
            .await;
    }
    assert!(matches!(
        app.app
            .sign_in("school@demo.invalid", PASSWORD, None, "192.0.2.99")
            .await,
        Err(AppError::Throttled)
    ));
    assert!(
        app.app
            .sign_in("school@demo.invalid", PASSWORD, None, "192.0.2.100")
            .await
            .is_ok(),
        "another address is not affected"
    );
}

/// Low: API tokens have a name and an expiry, are listed for their owner and the coordinator,
/// and are revoked one at a time.
#[tokio::test]
async fn api_tokens_expire_and_are_listed_and_revoked_one_by_one() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let school = app
        .app
        .store_for_tests()
        .find_user_by_email("school@demo.invalid")
        .await
        .unwrap()
        .unwrap();
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = format!("/users/{}/api-tokens", school.id);
    let bad = coordinator
        .post(&page, &[("name", ""), ("days", "400")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter what the token is for"));
    assert!(bad.body.contains("from 1 to 366"));
    let issued = coordinator
        .post(&page, &[("name", "Wensum MIS"), ("days", "30")])
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let token = issued
        .body
        .split("<code class=\"app-secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the token is shown once")
        .to_string();
    let other = app
        .app
        .issue_api_token(
            &mns_app::system_actor("test"),
            "school@demo.invalid",
            "Forms platform",
            Some(90),
        )
        .await
        .unwrap();
    let mut mis = app.client();
    mis.bearer = Some(token.clone());
    assert_eq!(mis.get("/api/v1/me").await.status, StatusCode::OK);

    // The school sees its own tokens (not another user's) and revokes one.
    let mut school_user = app.signed_in("school@demo.invalid").await;
    let own = school_user.get(&page).await;
    assert!(own.body.contains("Wensum MIS") && own.body.contains("Forms platform"));
    assert!(!own.body.contains(&token), "a token is never shown again");
    let coordinator_id = app
        .app
        .store_for_tests()
        .find_user_by_email("coordinator@demo.invalid")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(
        school_user
            .get(&format!("/users/{coordinator_id}/api-tokens"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let tokens = app
        .app
        .store_for_tests()
        .api_tokens_of(&school.id)
        .await
        .unwrap();
    let mis_id = tokens
        .iter()
        .find(|t| t.name == "Wensum MIS")
        .unwrap()
        .id
        .clone();
    let revoked = school_user
        .post(&format!("{page}/{mis_id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(mis.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let mut forms = app.client();
    forms.bearer = Some(other);
    assert_eq!(
        forms.get("/api/v1/me").await.status,
        StatusCode::OK,
        "the other token keeps working"
    );
    assert!(school_user.get(&page).await.body.contains("Revoked"));
    // After 90 days the other token has expired.
    app.app.clock.advance(chrono::Duration::days(91));
    assert_eq!(
        forms.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// Low: anyone may email a shortlist, so it is limited per address and per recipient.
#[tokio::test]
async fn shortlist_emails_are_rate_limited_by_address_and_recipient() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let store = &app.app.store_for_tests();
    let (_, orgs) = store.directory_organizations(None, 1, 10).await.unwrap();
    let mut ids = Vec::new();
    for org in &orgs {
        for entry in store.services_of_organization(&org.id).await.unwrap() {
            if entry.service.status == mns_domain::directory::ServiceStatus::Active {
                ids.push(entry.service.id.to_string());
            }
        }
        if !ids.is_empty() {
            break;
        }
    }
    ids.truncate(1);
    for n in 0..3 {
        app.app
            .email_shortlist(&ids, "family@example.org", "203.0.113.9")
            .await
            .unwrap_or_else(|e| panic!("email {n}: {e:?}"));
    }
    assert!(matches!(
        app.app
            .email_shortlist(&ids, "FAMILY@example.org", "203.0.113.10")
            .await,
        Err(AppError::Throttled)
    ));
    for n in 0..7 {
        app.app
            .email_shortlist(&ids, &format!("other{n}@example.org"), "203.0.113.9")
            .await
            .unwrap();
    }
    assert!(matches!(
        app.app
            .email_shortlist(&ids, "someone.new@example.org", "203.0.113.9")
            .await,
        Err(AppError::Throttled)
    ));
    app.app
        .clock
        .advance(chrono::Duration::hours(1) + chrono::Duration::seconds(1));
    assert!(
        app.app
            .email_shortlist(&ids, "family@example.org", "203.0.113.9")
            .await
            .is_ok(),
        "the window moves on"
    );
}

/// Low: an upload's CSRF token travels in the form's body, never in its URL (which browsers
/// keep in their history).
#[tokio::test]
async fn the_csrf_token_of_an_upload_is_read_from_the_body_not_the_url() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get("/calendars").await;
    assert!(
        !page.body.contains("?csrf_token="),
        "no token in a form's URL"
    );
    let body = b"{}".to_vec();
    let with_body_token = coordinator
        .upload("/calendars", "file", "calendar.json", &body)
        .await;
    assert_ne!(with_body_token.status, StatusCode::FORBIDDEN);
    let csrf = coordinator.csrf.clone();
    coordinator.csrf = String::new();
    let url_only = coordinator
        .upload(
            &format!("/calendars?csrf_token={csrf}"),
            "file",
            "calendar.json",
            &body,
        )
        .await;
    assert_eq!(url_only.status, StatusCode::FORBIDDEN);
}

/// Low: every API error is JSON of one shape, and bad parameters are refused naming them.
#[tokio::test]
async fn api_errors_are_json_and_name_the_bad_parameter() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = api_client(&app, "coordinator@demo.invalid").await;
    for (path, field) in [
        ("/api/v1/referrals?status=anything", "status"),
        ("/api/v1/referrals?after=-1", "after"),
        ("/api/v1/referrals?after=2025-1-01_x", "after"),
    ] {
        let r = coordinator.get(path).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let json = r.json();
        assert_eq!(json["error"], "invalid_request", "{path}");
        assert_eq!(json["fields"][0]["field"], field, "{path}");
    }
    let mut school = api_client(&app, "school@demo.invalid").await;
    for body in ["[]", "\"referral\"", "42"] {
        let r = school
            .send_json(Method::POST, "/api/v1/referrals", body)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(r.json()["fields"][0]["field"], "referral", "{body}");
    }
    let wrong_method = coordinator
        .send_json(Method::DELETE, "/api/v1/me", "")
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.json()["error"], "method_not_allowed");
    assert!(wrong_method.headers.contains_key("allow"));
    let no_filename = school
        .send_bytes(
            "/api/v1/referrals/x/documents?filename=a&filename=b",
            vec![1],
        )
        .await;
    assert!(no_filename.status.is_client_error());
    let _ = no_filename.json();
    // The document lists every status the API answers.
    let doc = coordinator.get("/api/v1/openapi.json").await.json();
    let list = &doc["paths"]["/referrals"]["get"]["responses"];
    for status in ["200", "400", "401", "404", "422", "500"] {
        assert!(
            list.get(status).is_some(),
            "GET /referrals documents {status}"
        );
    }
}

/// Low: a file that only starts like a PDF (`%PDF-` then a web page) is refused with a clear
/// message; a real PDF is taken.
#[tokio::test]
async fn an_upload_must_be_a_whole_file_of_its_kind() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut school = api_client(&app, "school@demo.invalid").await;
    let draft = school
        .send_json(Method::POST, "/api/v1/referrals", "{}")
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let fake = b"%PDF-1.7\n<html><script>alert(1)</script></html>\n".to_vec();
    let refused = school
        .send_bytes(
            &format!("/api/v1/referrals/{draft}/documents?filename=letter.pdf"),
            fake,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("letter.pdf could not be opened as a PDF"),
        "{}",
        refused.body
    );
    let real = mns_app::letters::render(&mns_app::letters::Letter {
        council: "Hospital".into(),
        service: "Clinic".into(),
        date: "1 November 2026".into(),
        title: "Clinic letter".into(),
        blocks: vec![],
    });
    let taken = school
        .send_bytes(
            &format!("/api/v1/referrals/{draft}/documents?filename=letter.pdf"),
            real,
        )
        .await;
    assert_eq!(taken.status, StatusCode::CREATED, "{}", taken.body);
}
