//! Access to a child, given and taken (issue 14): the coordinator adds a person, who then sees
//! the child; removing them (after a confirmation page) takes it away; an access that has ended
//! or is restricted gives nothing; a school manages only its own pupils' parents; every change
//! is in the access history.

use crate::support::TestApp;
use axum::http::StatusCode;
use mns_store::testing::backends;

/// Adds a parent account that can see no child yet.
async fn new_parent(app: &TestApp, email: &str) -> String {
    app.app
        .add_user(
            &mns_app::system_actor("test"),
            mns_app::identity::users::NewUser {
                email: email.into(),
                display_name: "Sam Carter".into(),
                role: "parent".into(),
                school_urn: None,
                password: Some(mns_app::demo::DEMO_PASSWORD.into()),
            },
        )
        .await
        .unwrap()
        .user
        .id
}

fn grant<'a>(email: &'a str, kind: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("kind", kind),
        ("relationship", "Father"),
        ("parental_responsibility", "yes"),
        ("reason", "Asked at the planning meeting"),
    ]
}

#[tokio::test]
async fn the_coordinator_gives_a_parent_access_and_takes_it_away() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent_id = new_parent(&app, "sam@example.org").await;
        let amelia = app.pupil("Amelia").await;
        let pupil = format!("/pupils/{}", amelia.id);

        let mut parent = app.signed_in("sam@example.org").await;
        assert_eq!(parent.get(&pupil).await.status, StatusCode::NOT_FOUND);

        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let page = coordinator.get(&pupil).await;
        assert!(
            page.body.contains("People who can see this child"),
            "{}",
            page.body
        );
        let form = coordinator.get(&format!("{pupil}/access/new")).await;
        assert_eq!(form.status, StatusCode::OK);
        let added = coordinator
            .post(
                &format!("{pupil}/access"),
                &grant("sam@example.org", "parent"),
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let page = coordinator.get(added.location()).await;
        assert!(page.body.contains("Sam Carter"), "{}", page.body);
        assert!(page.body.contains("Father"));

        // They were told, without the child's name.
        let emails = app
            .app
            .store_for_tests()
            .outbox_messages_to("sam@example.org")
            .await
            .unwrap();
        let told = emails
            .iter()
            .find(|m| m.body.contains("given access"))
            .expect("an email saying they were given access");
        assert!(!told.body.contains("Amelia") && !told.subject.contains("Amelia"));

        assert_eq!(parent.get(&pupil).await.status, StatusCode::OK);
        assert!(parent.get("/pupils").await.body.contains("Amelia"));

        let confirm = coordinator
            .get(&format!("{pupil}/access/{parent_id}/remove"))
            .await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(
            confirm.body.contains("Remove Sam Carter"),
            "{}",
            confirm.body
        );
        let removed = coordinator
            .post(&format!("{pupil}/access/{parent_id}/remove"), &[])
            .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
        assert_eq!(parent.get(&pupil).await.status, StatusCode::NOT_FOUND);
        assert!(!parent.get("/pupils").await.body.contains("Amelia"));

        let history = coordinator.get(&format!("{pupil}/access-history")).await;
        assert!(
            history.body.contains("Gave a person access"),
            "{}",
            history.body
        );
        assert!(
            history.body.contains("Removed a person"),
            "{}",
            history.body
        );
    }
}

#[tokio::test]
async fn the_add_form_names_each_problem_in_the_order_of_its_fields() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let amelia = app.pupil("Amelia").await;
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let refused = coordinator
            .post(
                &format!("/pupils/{}/access", amelia.id),
                &[
                    ("email", "nobody"),
                    ("ends_on-day", "31"),
                    ("ends_on-month", "2"),
                    ("ends_on-year", "2027"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let summary = refused
            .body
            .split("govuk-error-summary__list")
            .nth(1)
            .unwrap();
        let order: Vec<usize> = [
            "href=\"#email\"",
            "href=\"#kind\"",
            "href=\"#relationship\"",
            "href=\"#ends_on\"",
            "href=\"#reason\"",
        ]
        .iter()
        .map(|a| {
            summary
                .find(a)
                .unwrap_or_else(|| panic!("{a} in {summary}"))
        })
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{summary}");
        assert!(
            refused
                .body
                .contains("Enter an email address in the correct format")
        );

        // An account of another role is refused for that kind.
        let wrong = coordinator
            .post(
                &format!("/pupils/{}/access", amelia.id),
                &grant("provider@demo.invalid", "parent"),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong.body.contains("not one for a parent or carer"),
            "{}",
            wrong.body
        );
    }
}

#[tokio::test]
async fn an_access_that_has_ended_gives_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent_id = new_parent(&app, "sam@example.org").await;
        let amelia = app.pupil("Amelia").await;
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let mut fields = grant("sam@example.org", "parent");
        fields.extend([
            ("ends_on-day", "22"),
            ("ends_on-month", "11"),
            ("ends_on-year", "2026"),
        ]);
        let added = coordinator
            .post(&format!("/pupils/{}/access", amelia.id), &fields)
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let mut parent = app.signed_in("sam@example.org").await;
        let pupil = format!("/pupils/{}", amelia.id);
        assert_eq!(parent.get(&pupil).await.status, StatusCode::OK);
        // The next day the access has ended: no record, no list, no case.
        app.app.clock.advance(chrono::Duration::days(1));
        let mut parent = app.signed_in("sam@example.org").await;
        assert_eq!(parent.get(&pupil).await.status, StatusCode::NOT_FOUND);
        assert!(!parent.get("/pupils").await.body.contains("Amelia"));
        // The coordinator still sees it listed, with its last day.
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let page = coordinator.get(&pupil).await;
        assert!(
            page.body.contains("22 November 2026 is the last day"),
            "{}",
            page.body
        );
        let _ = parent_id;
    }
}

#[tokio::test]
async fn a_restricted_parent_sees_nothing_until_the_coordinator_lifts_it() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent_id = new_parent(&app, "sam@example.org").await;
        let amelia = app.pupil("Amelia").await;
        let pupil = format!("/pupils/{}", amelia.id);
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        coordinator
            .post(
                &format!("{pupil}/access"),
                &grant("sam@example.org", "parent"),
            )
            .await;
        let restrict = format!("{pupil}/access/{parent_id}/restrict");
        assert_eq!(coordinator.get(&restrict).await.status, StatusCode::OK);
        let refused = coordinator.post(&restrict, &[("restrict", "yes")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("href=\"#restricted_reason\""));
        let done = coordinator
            .post(
                &restrict,
                &[("restrict", "yes"), ("restricted_reason", "Court order")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let mut parent = app.signed_in("sam@example.org").await;
        assert_eq!(parent.get(&pupil).await.status, StatusCode::NOT_FOUND);
        assert!(coordinator.get(&pupil).await.body.contains("Court order"));
        coordinator.post(&restrict, &[("restrict", "no")]).await;
        assert_eq!(parent.get(&pupil).await.status, StatusCode::OK);
        let history = coordinator.get(&format!("{pupil}/access-history")).await;
        assert!(
            history.body.contains("Restricted a parent"),
            "{}",
            history.body
        );
        assert!(history.body.contains("Lifted the restriction"));
    }
}

#[tokio::test]
async fn a_school_adds_only_parents_and_only_to_its_own_pupils() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        new_parent(&app, "sam@example.org").await;
        let amelia = app.pupil("Amelia").await;
        let mut school = app.signed_in("school@demo.invalid").await;
        let form = school
            .get(&format!("/pupils/{}/access/new", amelia.id))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(!form.body.contains("value=\"provider\""), "{}", form.body);
        // A provider cannot be added by the school.
        let refused = school
            .post(
                &format!("/pupils/{}/access", amelia.id),
                &grant("provider@demo.invalid", "provider"),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let added = school
            .post(
                &format!("/pupils/{}/access", amelia.id),
                &grant("sam@example.org", "parent"),
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        // Another school's pupil is not there at all.
        let other = app.pupil("Finley").await;
        let response = school
            .post(
                &format!("/pupils/{}/access", other.id),
                &grant("sam@example.org", "parent"),
            )
            .await;
        assert_eq!(response.status, StatusCode::NOT_FOUND);
    }
}
