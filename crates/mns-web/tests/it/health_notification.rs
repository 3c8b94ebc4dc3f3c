//! Health notifications (issue 14): a health professional tells the service about a child; the
//! referral waits for the school, dated the day of the notification; the school completes and
//! sends it, and the date stays. A child already on roll whose details differ is a question for
//! the coordinator, never a merge; a bad NHS number changes nothing.

use crate::support::{Client, TestApp};
use axum::http::StatusCode;
use chrono::NaiveDate;
use mns_domain::referral::{
    EXAMPLE_REFERRAL_JSON, HealthNotification, HealthNotificationEntry, NotificationRules,
    Notifier, Referral,
};
use mns_store::Backend;
use mns_store::testing::backends;

/// A complete notification about Amelia Hart (the example referral's child) at `urn`, dated
/// the tests' day.
pub fn notification(urn: &str) -> HealthNotification {
    HealthNotificationEntry {
        first_name: "Amelia".into(),
        last_name: "Hart".into(),
        date_of_birth: NaiveDate::from_ymd_opt(2012, 5, 14),
        nhs_number: "943 476 5919".into(),
        postcode: "NR3 1AB".into(),
        school_urn: urn.into(),
        condition: "Post-viral fatigue".into(),
        expected_weeks_absent: "8".into(),
        parent_agreed: true,
        agreed_by: "Jo Hart".into(),
        agreed_on: NaiveDate::from_ymd_opt(2026, 11, 20),
        notifier: Notifier {
            name: "Dr Kim Shaw".into(),
            role: "Consultant paediatrician".into(),
            organisation: "Norfolk and Norwich University Hospital".into(),
            email: "kim.shaw@example.nhs.uk".into(),
        },
    }
    .parse(NotificationRules {
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        allow_test_nhs_numbers: false,
    })
    .expect("a complete notification")
}

/// The form as a health professional fills it in, about Amelia Hart at Wensum Valley.
fn typed<'a>(nhs_number: &'a str, action: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("first_name", "Amelia"),
        ("last_name", "Hart"),
        ("date_of_birth-day", "14"),
        ("date_of_birth-month", "5"),
        ("date_of_birth-year", "2012"),
        ("nhs_number", nhs_number),
        ("postcode", "NR3 1AB"),
        ("school_search", "121001"),
        ("school_urn", "121001"),
        ("condition", "Post-viral fatigue"),
        ("expected_weeks_absent", "8"),
        ("parent_agreed", "yes"),
        ("agreed_by", "Jo Hart"),
        ("agreed_on-day", "20"),
        ("agreed_on-month", "11"),
        ("agreed_on-year", "2026"),
        ("notifier_name", "Dr Kim Shaw"),
        ("notifier_role", "Consultant paediatrician"),
        (
            "notifier_organisation",
            "Norfolk and Norwich University Hospital",
        ),
        ("notifier_email", "kim.shaw@example.nhs.uk"),
        ("action", action),
    ]
}

async fn referral_count(app: &TestApp) -> usize {
    app.app
        .store_for_tests()
        .referral_queue(&mns_store::QueueFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .len()
}

/// Sends the notification as the demo health professional; the new referral's id.
async fn notify(health: &mut Client<'_>, nhs_number: &str) -> String {
    let sent = health
        .post("/notifications/new", &typed(nhs_number, "send"))
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    sent.location()
        .strip_prefix("/notifications/")
        .and_then(|rest| rest.strip_suffix("/sent"))
        .expect("the confirmation")
        .to_string()
}

#[tokio::test]
async fn a_health_notification_becomes_a_referral_the_school_completes_with_the_same_date() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let notified_on = app.app.today();
        let mut health = app.signed_in("health@demo.invalid").await;
        let home = health.get("/home").await;
        assert!(home.body.contains("Tell us about a child"), "{}", home.body);

        // The school is found by its name, then chosen from the matches.
        let form = health.get("/notifications/new").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Dr Kim Shaw"), "the account's name");
        let found = health
            .post(
                "/notifications/new",
                &[("school_search", "Wensum"), ("action", "find")],
            )
            .await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(found.body.contains("value=\"121001\""), "{}", found.body);

        // Check your answers, then send.
        let check = health
            .post("/notifications/new", &typed("943 476 5919", "continue"))
            .await;
        assert_eq!(check.status, StatusCode::OK, "{}", check.body);
        assert!(check.body.contains("Check your answers"));
        assert!(check.body.contains("943 476 5919"));
        let before = referral_count(&app).await;
        let id = notify(&mut health, "943 476 5919").await;
        assert_eq!(referral_count(&app).await, before + 1);
        let sent = health.get(&format!("/notifications/{id}/sent")).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        assert!(sent.body.contains("Health notification sent"));
        assert!(sent.body.contains("Give your medical evidence"));
        assert!(sent.body.contains(&format!("/referrals/{id}/evidence/new")));

        let store = app.app.store_for_tests();
        let record = store.get_referral(&id).await.unwrap().unwrap();
        assert_eq!(record.status, "awaiting_school");
        assert_eq!(record.origin, "health_notification");
        assert_eq!(record.school_urn.as_deref(), Some("121001"));
        assert_eq!(record.referral_date, Some(notified_on));
        // The health professional keeps seeing the child.
        let pupil = record.pupil_id.clone().expect("a pupil");
        let hp = store
            .find_user_by_email("health@demo.invalid")
            .await
            .unwrap()
            .unwrap();
        assert!(
            store
                .child_access_of(&pupil, &hp.id)
                .await
                .unwrap()
                .is_some()
        );

        // The school and the coordinator are told, without the child's details.
        let told = store
            .outbox_messages_to("school@demo.invalid")
            .await
            .unwrap();
        let told = told
            .iter()
            .find(|m| m.subject.contains("health professional"))
            .expect("the school is told");
        assert!(!told.body.contains("Amelia") && !told.body.contains("Hart"));
        assert!(told.body.contains(&format!("/referrals/{id}")));

        // The coordinator's queue shows it as a health notification waiting for the school.
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let queue = coordinator.get("/referrals?status=awaiting_school").await;
        assert!(queue.body.contains("Health notification"), "{}", queue.body);
        assert!(queue.body.contains("Waiting for the school"));
        assert!(queue.body.contains("Amelia Hart"));
        let page = coordinator.get(&format!("/referrals/{id}")).await;
        assert!(
            page.body
                .contains("came from a health notification by Dr Kim Shaw"),
            "{}",
            page.body
        );
        assert!(page.body.contains("22 November 2026"));

        // The school completes its part days later and sends it: the date stays.
        app.app.clock.advance(chrono::Duration::days(3));
        let mut school = app.signed_in("school@demo.invalid").await;
        let list = school.get("/referrals").await;
        assert!(
            list.body.contains("Complete the school's part"),
            "{}",
            list.body
        );
        let tasks = school.get(&format!("/referrals/{id}/form")).await;
        assert_eq!(tasks.status, StatusCode::OK);
        assert!(tasks.body.contains("Amelia Hart"), "pre-filled");
        assert!(tasks.body.contains("Health notification"));
        let school_actor = mns_app::Actor {
            user: store
                .find_user_by_email("school@demo.invalid")
                .await
                .unwrap()
                .unwrap(),
            source: "test".into(),
        };
        let complete: Referral = serde_json::from_str(EXAMPLE_REFERRAL_JSON).unwrap();
        app.app
            .save_referral(&school_actor, &id, complete)
            .await
            .unwrap();
        let attached = school
            .upload(
                &format!("/referrals/{id}/attendance"),
                "attendance",
                "attendance.csv",
                crate::referral_form_tasks::attendance_csv("C926123426001").as_bytes(),
            )
            .await;
        assert_eq!(attached.status, StatusCode::SEE_OTHER, "{}", attached.body);
        school.get(&format!("/referrals/{id}/check-answers")).await;
        let submitted = school.post(&format!("/referrals/{id}/submit"), &[]).await;
        assert_eq!(
            submitted.status,
            StatusCode::SEE_OTHER,
            "{}",
            submitted.body
        );
        let record = store.get_referral(&id).await.unwrap().unwrap();
        assert_eq!(record.status, "submitted");
        assert_eq!(record.referral_date, Some(notified_on), "the clock ran on");
        assert_eq!(record.origin, "health_notification");
        assert_eq!(record.pupil_id.as_deref(), Some(pupil.as_str()));
    }
}

#[tokio::test]
async fn a_pupil_on_roll_with_a_different_date_of_birth_is_a_question_never_a_merge() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let amelia = app.pupil("Amelia").await; // Amelia Barnes, Wensum Valley
        let mut health = app.signed_in("health@demo.invalid").await;
        let mut fields = typed("943 476 5919", "send");
        for (name, value) in fields.iter_mut() {
            match *name {
                "last_name" => *value = "Barnes",
                "date_of_birth-year" => *value = "2015",
                _ => {}
            }
        }
        let sent = health.post("/notifications/new", &fields).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let id = sent
            .location()
            .trim_start_matches("/notifications/")
            .trim_end_matches("/sent")
            .to_string();
        let store = app.app.store_for_tests();
        let record = store.get_referral(&id).await.unwrap().unwrap();
        assert_ne!(record.pupil_id.as_deref(), Some(amelia.id.as_str()));
        let question = store.pupil_match(&id).await.unwrap().expect("a question");
        assert_eq!(question.existing_pupil_id, amelia.id);
        assert_eq!(question.kind, "possible_match");
        assert_eq!(
            store.get_pupil(&amelia.id).await.unwrap().unwrap(),
            amelia,
            "the pupil on roll is unchanged"
        );
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let queue = coordinator.get("/referrals?status=awaiting_school").await;
        assert!(queue.body.contains("Same child? Decide"), "{}", queue.body);

        // The same child told about again (same NHS number, name and date of birth) joins the
        // record the first notification made, without a question.
        let again = health.post("/notifications/new", &fields).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
        let again = again
            .location()
            .trim_start_matches("/notifications/")
            .trim_end_matches("/sent")
            .to_string();
        let again = store.get_referral(&again).await.unwrap().unwrap();
        assert_eq!(again.pupil_id, record.pupil_id, "found again by NHS number");
        assert!(store.pupil_match(&again.id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_bad_nhs_number_gets_a_clear_page_and_changes_nothing() {
    let mut app = TestApp::spawn(Backend::Sqlite).await;
    let before = referral_count(&app).await;
    {
        let mut health = app.signed_in("health@demo.invalid").await;
        for action in ["continue", "send"] {
            let refused = health
                .post("/notifications/new", &typed("943 476 5918", action))
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(refused.body.contains("There is a problem"));
            assert!(
                refused.body.contains("its last digit should be 9, not 8"),
                "{}",
                refused.body
            );
            assert!(refused.body.contains("href=\"#nhs_number\""));
            assert!(
                refused.body.contains(">Post-viral fatigue<"),
                "kept as typed"
            );
        }
        // A URN the schools list does not have is said in its place in the form.
        let mut unknown = typed("943 476 5918", "continue");
        for (name, value) in unknown.iter_mut() {
            if *name == "school_urn" {
                *value = "999999";
            }
        }
        let refused = health.post("/notifications/new", &unknown).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let nhs = refused
            .body
            .find("href=\"#nhs_number\"")
            .expect("the NHS number");
        let school = refused.body.find("href=\"#school\"").expect("the school");
        assert!(nhs < school, "in the order of the form");
        assert!(
            refused
                .body
                .contains("No school in the schools list has that URN")
        );
        // The 999 test range is the demo's only.
        let demo = health
            .post("/notifications/new", &typed("999 000 0018", "continue"))
            .await;
        assert_eq!(demo.status, StatusCode::OK, "{}", demo.body);
    }
    assert_eq!(referral_count(&app).await, before);

    let mut live = (*app.app.settings).clone();
    live.demo = false;
    app.app.settings = std::sync::Arc::new(live);
    app.router = mns_web::router(mns_web::AppState::new(app.app.clone(), false));
    let mut health = app.signed_in("health@demo.invalid").await;
    let refused = health
        .post("/notifications/new", &typed("999 000 0018", "send"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("NHS numbers starting 999 are for testing only")
    );
    assert_eq!(referral_count(&app).await, before, "nothing written");
}

#[tokio::test]
async fn only_health_professionals_reach_the_notification_pages() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut health = app.signed_in("health@demo.invalid").await;
    let id = notify(&mut health, "943 476 5919").await;
    for email in [
        "school@demo.invalid",
        "parent@demo.invalid",
        "coordinator@demo.invalid",
    ] {
        let mut other = app.signed_in(email).await;
        assert_eq!(
            other.get("/notifications/new").await.status,
            StatusCode::NOT_FOUND
        );
        let posted = other
            .post("/notifications/new", &typed("943 476 5919", "send"))
            .await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND, "{email}");
        assert_eq!(
            other.get(&format!("/notifications/{id}/sent")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    // The confirmation is its sender's: another health professional gets 404.
    app.app
        .add_user(
            &mns_app::system_actor("test"),
            mns_app::identity::users::NewUser {
                email: "another.doctor@example.nhs.uk".into(),
                display_name: "Dr Lee Ward".into(),
                role: "health_professional".into(),
                school_urn: None,
                password: Some(mns_app::demo::DEMO_PASSWORD.into()),
            },
        )
        .await
        .unwrap();
    let mut another = app.signed_in("another.doctor@example.nhs.uk").await;
    assert_eq!(
        another
            .get(&format!("/notifications/{id}/sent"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// The public form's fields (no sign-in): the signed-in form's, the school already chosen.
fn public_form(action: &str) -> Vec<(&str, &str)> {
    typed("943 476 5919", action)
}

#[tokio::test]
async fn a_public_notification_waits_for_the_coordinator_who_makes_a_referral_dated_its_day() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let received_on = app.app.today();
        let mut anyone = app.client();
        let form = anyone.get("/health-notification").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("You cannot attach documents here"));
        let refused = anyone
            .post("/health-notification", &typed("943 476 5918", "continue"))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("last digit should be 9"));
        let check = anyone
            .post("/health-notification", &public_form("continue"))
            .await;
        assert!(check.body.contains("Check your answers"), "{}", check.body);
        let before = referral_count(&app).await;
        let sent = anyone
            .post("/health-notification", &public_form("send"))
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert_eq!(sent.location(), "/health-notification/sent");
        assert_eq!(referral_count(&app).await, before, "no referral yet");

        // The coordinator triages it from the enquiries, days later.
        app.app.clock.advance(chrono::Duration::days(2));
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let list = coordinator.get("/enquiries").await;
        assert!(list.body.contains("Health notifications to triage"));
        let start = list.body.find("/health-notifications/").expect("a link");
        let link = list.body[start..].split('"').next().unwrap().to_string();
        let page = coordinator.get(&link).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Amelia Hart"));
        let mut caseworker = app.signed_in("caseworker@demo.invalid").await;
        assert_eq!(caseworker.get(&link).await.status, StatusCode::NOT_FOUND);
        let made = coordinator.post(&format!("{link}/referral"), &[]).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let id = made
            .location()
            .trim_start_matches("/referrals/")
            .to_string();
        let store = app.app.store_for_tests();
        let record = store.get_referral(&id).await.unwrap().unwrap();
        assert_eq!(record.status, "awaiting_school");
        assert_eq!(
            record.referral_date,
            Some(received_on),
            "the day it was received"
        );
        let kept = store.health_notification(&id).await.unwrap().unwrap();
        assert_eq!(kept.notified_by, None, "sent by someone without an account");
        assert!(!coordinator.get("/enquiries").await.body.contains(&link));
        assert_eq!(
            coordinator
                .post(&format!("{link}/referral"), &[])
                .await
                .status,
            StatusCode::NOT_FOUND,
            "made once"
        );

        // Another is closed, with a reason.
        anyone.get("/health-notification").await;
        anyone
            .post("/health-notification", &public_form("send"))
            .await;
        let list = coordinator.get("/enquiries").await;
        let start = list.body.find("/health-notifications/").expect("a link");
        let link = list.body[start..].split('"').next().unwrap().to_string();
        let refused = coordinator.post(&format!("{link}/close"), &[]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .body
                .contains("Enter why the notification is closed")
        );
        let closed = coordinator
            .post(&format!("{link}/close"), &[("reason", "Sent twice")])
            .await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER);
        assert!(
            store
                .open_notification_enquiries()
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(referral_count(&app).await, before + 1);
    }
}

#[tokio::test]
async fn the_public_form_is_rate_limited_by_address() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut anyone = app.client();
    anyone.get("/health-notification").await;
    for _ in 0..10 {
        let sent = anyone
            .post("/health-notification", &public_form("send"))
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    }
    let refused = anyone
        .post("/health-notification", &public_form("send"))
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused
            .body
            .contains("Too many notifications have been sent from here")
    );
    assert_eq!(
        app.app
            .store_for_tests()
            .open_notification_enquiries()
            .await
            .unwrap()
            .len(),
        10
    );
}
