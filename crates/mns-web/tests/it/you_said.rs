//! "You said, we did" (issue 19), through HTTP: a family's comment on the Local Offer's own
//! form, moderated by the Local Offer officer (every problem named), published with the
//! council's answer, and the year's report without anyone's own words or address.

use crate::support::TestApp;
use axum::http::StatusCode;
use mns_store::Backend;

#[tokio::test]
async fn a_familys_comment_is_moderated_answered_and_published() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let store = app.app.store_for_tests();

    // The demo's published answers are on the public page; the withheld and waiting ones not.
    let mut family = app.client();
    let page = family.get("/local-offer/you-said-we-did").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("We have brought short breaks together"));
    assert!(page.body.contains("Social care and short breaks"));
    assert!(page.body.contains("not published (an individual complaint"));
    assert!(!page.body.contains("three months late"));
    assert!(!page.body.contains("dyspraxia"));

    // A family's comment: an empty one refused, then sent; the team is told without its words.
    family.get("/local-offer/feedback").await;
    let refused = family
        .post("/local-offer/feedback", &[("comment", " ")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Enter your feedback"));
    let comment = "The Local Offer never says which services have a waiting list.";
    let sent = family
        .post(
            "/local-offer/feedback",
            &[("comment", comment), ("email", "fam@example.com")],
        )
        .await;
    assert_eq!(sent.location(), "/local-offer/feedback?sent=yes");
    let told = store
        .outbox_messages_to("local.offer@council.invalid")
        .await
        .unwrap();
    assert!(told.iter().all(|m| !m.body.contains("waiting list")));
    let id = store
        .directory_feedback(None)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.comment == comment)
        .unwrap()
        .id;

    // The officer moderates it: every problem named, then published with the answer.
    let mut officer = app.signed_in("localoffer@demo.invalid").await;
    let list = officer.get("/local-offer/manage/feedback").await;
    assert!(list.body.contains(comment));
    let page = officer
        .get(&format!("/local-offer/manage/feedback/{id}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("fam@example.com"));
    let path = format!("/local-offer/manage/feedback/{id}");
    let refused = officer
        .post(&path, &[("decision", "publish"), ("you_said", "")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Select what the comment is about",
        "Enter what families said, as it will be published",
        "Enter what the council has done or will do about it",
        "Select how far the council has got",
    ] {
        assert!(refused.body.contains(message), "{message}");
    }
    let refused = officer.post(&path, &[("decision", "withhold")]).await;
    assert!(
        refused
            .body
            .contains("Select why the comment is not published")
    );
    let saved = officer
        .post(
            &path,
            &[
                ("decision", "publish"),
                ("theme", "finding_information"),
                ("you_said", "Entries do not say whether a service has a waiting list."),
                ("we_did", "Providers can now say how long their waiting list is, and we show it on the service's page."),
                ("action_status", "in_progress"),
            ],
        )
        .await;
    assert_eq!(
        saved.location(),
        "/local-offer/manage/feedback?done=moderated"
    );
    let page = app.client().get("/local-offer/you-said-we-did").await;
    assert!(
        page.body
            .contains("Entries do not say whether a service has a waiting list.")
    );
    assert!(page.body.contains("In progress"));
    assert!(!page.body.contains("fam@example.com"));

    // A comment from a roadshow needs its event.
    let refused = officer
        .post(
            "/local-offer/manage/feedback/new",
            &[
                ("source", "event"),
                ("comment", "More sessions after school, please."),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Select the event"));
    let event = store.events(None, false).await.unwrap()[0].id.clone();
    let recorded = officer
        .post(
            "/local-offer/manage/feedback/new",
            &[
                ("source", "event"),
                ("event_id", &event),
                ("comment", "More sessions after school, please."),
            ],
        )
        .await;
    assert_eq!(
        recorded.location(),
        "/local-offer/manage/feedback?done=recorded"
    );

    // The year's report: every comment by theme, without anyone's words or address.
    let bad = officer
        .get("/local-offer/manage/feedback/report.csv?year=last")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter a year, like 2026"));
    let csv = officer
        .get("/local-offer/manage/feedback/report.csv?year=2026")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("Received,Where,Theme,Decision"));
    assert!(
        csv.body
            .contains("Entries do not say whether a service has a waiting list.")
    );
    assert!(csv.body.contains("An individual complaint"));
    assert!(csv.body.contains("Not yet moderated"));
    for private in [
        "three months late",
        "fam@example.com",
        comment,
        "More sessions after school",
    ] {
        assert!(!csv.body.contains(private), "{private}");
    }
    let ods = officer
        .get("/local-offer/manage/feedback/report.ods?year=2026")
        .await;
    assert_eq!(ods.status, StatusCode::OK);
    let trail = store
        .audit_for_record("local_offer_feedback", &id, 10)
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"directory.feedback.view"), "{actions:?}");
    assert!(
        actions.contains(&"directory.feedback.moderate"),
        "{actions:?}"
    );
}
