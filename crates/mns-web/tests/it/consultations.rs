//! Core Consultations (issue 19), through HTTP: a school asks (a child's name only with a
//! parent's agreement), the SEND team books, records (signposting only to Local Offer services)
//! and the school evaluates; the SEND team's figures; each school sees only its own.

use crate::support::TestApp;
use axum::http::StatusCode;
use mns_store::Backend;

#[tokio::test]
async fn a_school_asks_the_send_team_books_and_records_and_the_school_evaluates() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let store = app.app.store_for_tests();
    let mut school = app.signed_in("school@demo.invalid").await;
    let list = school.get("/consultations").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Wensum Valley Primary School"));
    assert!(!list.body.contains("Yare Bank Academy"));
    let other = store.consultations(Some("121002")).await.unwrap()[0]
        .id
        .clone();
    assert_eq!(
        school.get(&format!("/consultations/{other}")).await.status,
        StatusCode::NOT_FOUND
    );

    // Asking: every problem named; a name needs a parent's agreement.
    let refused = school.post("/consultations/new", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Select the kind of consultation"));
    assert!(
        refused
            .body
            .contains("Enter what the school would like help with")
    );
    let fields = [
        ("strand", "mainstream"),
        ("issues", "Ideas for a pupil who finds group work hard."),
        ("child-0-reference", "Child E"),
        ("child-0-year", "Year 2"),
        ("child-0-concern", "Leaves the group when others join in."),
        ("child-0-name", "Ruby Jones"),
    ];
    let refused = school.post("/consultations/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Remove the name of Child E, or confirm a parent has agreed")
    );
    assert!(refused.body.contains("value=\"Ruby Jones\""));
    let mut ok = fields.to_vec();
    ok.retain(|(k, _)| *k != "child-0-name");
    let asked = school.post("/consultations/new", &ok).await;
    assert_eq!(asked.location(), "/consultations?done=asked");
    let id = store
        .consultations(Some("121001"))
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.request.issues.contains("group work"))
        .unwrap()
        .id;
    let told = store.outbox_messages_to("send@demo.invalid").await.unwrap();
    assert!(
        told.iter()
            .any(|m| m.subject == "A school has asked for a Core Consultation")
    );
    assert!(
        told.iter()
            .all(|m| !m.body.contains("Child E") && !m.body.contains("group"))
    );

    // The SEND team: a URN not on the list is refused; the figures are there.
    let mut team = app.signed_in("send@demo.invalid").await;
    let refused = team
        .post(
            "/consultations/new",
            &[("urn", "999999"), ("strand", "plus"), ("issues", "x")],
        )
        .await;
    assert!(
        refused
            .body
            .contains("No school on the schools list has the URN 999999")
    );
    let page = team.get("/consultations").await;
    assert!(page.body.contains("Yare Bank Academy"));
    assert!(page.body.contains("id=\"coverage\""));
    assert!(page.body.contains("id=\"by-district\""));

    // Booking: not in the past; then the school is told.
    let path = format!("/consultations/{id}/schedule");
    let booking = |day: &'static str| {
        vec![
            ("date-day", day),
            ("date-month", "11"),
            ("date-year", "2026"),
            ("starts", "1:30pm"),
            ("place", "At the school"),
            ("facilitators", "learning_support_teacher"),
        ]
    };
    let refused = team.post(&path, &booking("2")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("The consultation must be today or later")
    );
    let booked = team.post(&path, &booking("22")).await;
    assert_eq!(
        booked.location(),
        format!("/consultations/{id}?done=booked")
    );
    assert!(
        store
            .outbox_messages_to("school@demo.invalid")
            .await
            .unwrap()
            .iter()
            .any(|m| m.subject == "Your Core Consultation is booked")
    );

    // Recording: every problem named; signposting only to services on the Local Offer.
    let path = format!("/consultations/{id}/record");
    let refused = team.post(&path, &[("signposted", "not-a-service")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Enter who came",
        "Enter what was discussed",
        "Enter the recommendations",
        "Line 1 is not a Local Offer service",
    ] {
        assert!(refused.body.contains(message), "{message}");
    }
    let service = store.directory_feedback(None).await.unwrap();
    let service_id = service
        .iter()
        .find_map(|f| f.service_id.clone())
        .expect("a demo service");
    let link = format!("http://127.0.0.1:8080/local-offer/services/{service_id}");
    let recorded = team
        .post(
            &path,
            &[
                (
                    "attended",
                    "SENCO, class teacher, specialist learning support teacher",
                ),
                ("discussed", "Group work and turn-taking"),
                ("child-0-reference", "Child E"),
                ("child-0-recommendation", "Start in pairs, then threes"),
                ("signposted", &link),
                ("follow-0-action", "Review in six weeks"),
                ("follow-0-owner", "SENCO"),
                ("follow-0-due-day", "5"),
                ("follow-0-due-month", "1"),
                ("follow-0-due-year", "2027"),
            ],
        )
        .await;
    assert_eq!(
        recorded.location(),
        format!("/consultations/{id}?done=recorded"),
        "{}",
        recorded.body
    );
    let page = school.get(&format!("/consultations/{id}")).await;
    assert!(page.body.contains("Start in pairs, then threes"));
    assert!(
        page.body
            .contains(&format!("/local-offer/services/{service_id}"))
    );
    assert!(page.body.contains("Review in six weeks"));
    assert!(page.body.contains("Tell us how useful it was"));

    // The school evaluates, once.
    let path = format!("/consultations/{id}/evaluation");
    let refused = school.post(&path, &[("useful", "9")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Select how useful the consultation was")
    );
    let fields = [("useful", "4"), ("confident", "5"), ("recommend", "yes")];
    let sent = school.post(&path, &fields).await;
    assert_eq!(
        sent.location(),
        format!("/consultations/{id}?done=evaluated")
    );
    let again = school.post(&path, &fields).await;
    assert!(again.body.contains("already evaluated"));
    assert_eq!(
        team.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "only the school evaluates"
    );

    // A school withdraws another request, with its reason; the SEND team is told.
    let other_request = store
        .consultations(Some("121001"))
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.status == "requested")
        .unwrap()
        .id;
    let path = format!("/consultations/{other_request}/cancel");
    assert_eq!(school.get(&path).await.status, StatusCode::OK);
    let refused = school.post(&path, &[("reason", " ")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Enter why it is cancelled"));
    let cancelled = school
        .post(
            &path,
            &[("reason", "The pupil has settled since we asked.")],
        )
        .await;
    assert_eq!(
        cancelled.location(),
        format!("/consultations/{other_request}?done=cancelled")
    );
    let page = team.get(&format!("/consultations/{other_request}")).await;
    assert!(
        page.body
            .contains("Cancelled: The pupil has settled since we asked.")
    );
    let again = school.post(&path, &[("reason", "Again")]).await;
    assert!(again.body.contains("held or cancelled already"));
    assert!(
        store
            .outbox_messages_to("send@demo.invalid")
            .await
            .unwrap()
            .iter()
            .any(|m| m.subject == "A Core Consultation is cancelled")
    );

    let figures = app
        .app
        .consultation_figures(&mns_app::Actor {
            user: store
                .find_user_by_email("send@demo.invalid")
                .await
                .unwrap()
                .unwrap(),
            source: "test".into(),
        })
        .await
        .unwrap();
    assert_eq!(figures.schools_reached, 2, "{figures:?}");
    assert_eq!(figures.evaluations, 2);
    assert_eq!(figures.open_schools, 5);
    assert!(figures.median_wait_days.is_some());
    let trail = store
        .audit_for_record("consultation", &id, 20)
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "consultation.request",
        "consultation.schedule",
        "consultation.record",
        "consultation.evaluate",
        "consultation.view",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}
