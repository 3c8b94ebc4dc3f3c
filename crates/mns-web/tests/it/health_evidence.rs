//! Health professionals give medical evidence (MN-EV-1, MN-EV-8): through the HTTP layer, from
//! the list of referrals waiting for evidence to the coordinator seeing it on the referral.

use crate::authorization::referral_of;
use crate::support::{Client, TestApp, TestResponse};
use axum::http::StatusCode;
use mns_store::Backend;

/// A small real PDF (the documents' own test letter).
const LETTER: &[u8] = include_bytes!("../../../mns-app/src/documents/test_letter.pdf");

/// Good answers for the evidence form (the demo's today is 22 November 2026).
fn good_answers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("step", "check"),
        ("profession", "paediatrician"),
        ("registration_body", "gmc"),
        ("registration_number", "1234567"),
        ("organisation_code", "rmy"),
        (
            "organisation_name",
            "Norfolk and Norwich University Hospitals",
        ),
        ("date_seen-day", "10"),
        ("date_seen-month", "11"),
        ("date_seen-year", "2026"),
        ("seen_in_person", "yes"),
        (
            "condition_and_treatment",
            "Crohn's disease, treated with infliximab; fatigue keeps him from full days",
        ),
        ("referrals_to_other_services", "Dietitian"),
        ("reintegration", ""),
        ("document_kind", "letter"),
    ]
}

fn with(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut answers = good_answers();
    for (name, value) in changes {
        answers.retain(|(n, _)| n != name);
        answers.push((name, value));
    }
    answers
}

/// The value of the hidden field `name` on a page.
fn hidden(page: &TestResponse, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.body.find(&marker).expect("the hidden field") + marker.len();
    page.body[at..].split('"').next().unwrap().to_string()
}

/// What giving evidence would change: the referral's row and the documents held or attached.
async fn written(app: &TestApp, referral: &str) -> (String, String, usize, usize) {
    let store = app.app.store_for_tests();
    let record = store.get_referral(referral).await.unwrap().unwrap();
    (
        record.status,
        record.form_json,
        store
            .documents_for("referral", referral)
            .await
            .unwrap()
            .len(),
        store
            .documents_for("pending_evidence", referral)
            .await
            .unwrap()
            .len(),
    )
}

async fn health_professional(app: &TestApp) -> Client<'_> {
    let mut hp = app.signed_in("health@demo.invalid").await;
    hp.get("/evidence").await;
    hp
}

#[tokio::test]
async fn mn_ev_8_a_health_professional_gives_evidence_and_the_referral_stops_waiting() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let noah = referral_of(&app, "Noah").await;
    let mut hp = app.signed_in("health@demo.invalid").await;
    assert!(hp.get("/home").await.body.contains("Evidence requests"));
    let list = hp.get("/evidence").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Noah Ellis"), "{}", list.body);
    assert!(
        list.body
            .contains(&format!("/referrals/{noah}/evidence/new"))
    );
    // Isla's referral was decided: nothing is asked of them there.
    assert!(!list.body.contains("Isla"));

    let form = hp.get(&format!("/referrals/{noah}/evidence/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Give medical evidence for Noah Ellis"));
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    // The school's form is not the health professional's to read.
    assert!(!form.body.contains("926400121004"));

    let before = written(&app, &noah).await;
    let check = hp
        .upload_form(
            &format!("/referrals/{noah}/evidence"),
            &good_answers(),
            "document",
            "clinic-letter.pdf",
            LETTER,
        )
        .await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert!(check.body.contains("Check your evidence for Noah Ellis"));
    assert!(check.body.contains("(GMC 1234567), organisation RMY"));
    assert!(check.body.contains("Confirm and send the evidence"));
    assert!(check.body.contains("the Medical Needs coordinator"));
    // Nothing is on the referral until they confirm; the document is only held.
    let held = written(&app, &noah).await;
    assert_eq!((&held.0, &held.1, held.2), (&before.0, &before.1, before.2));
    assert_eq!(held.3, 1);

    let document_id = hidden(&check, "document_id");
    let mut confirm = good_answers();
    confirm.retain(|(n, _)| *n != "step");
    confirm.push(("step", "confirm"));
    confirm.push(("document_id", &document_id));
    let sent = hp
        .post(&format!("/referrals/{noah}/evidence"), &confirm)
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), format!("/evidence?sent={noah}"));
    let banner = hp.get(sent.location()).await;
    assert!(banner.body.contains("Evidence sent for Noah Ellis"));
    assert!(
        banner
            .body
            .contains("We have told the Medical Needs coordinator and Yare Bank")
    );
    assert!(
        banner
            .body
            .contains("No referral is waiting for evidence from you")
    );

    // On the referral at once: no longer waiting, the evidence and the document on it.
    let store = app.app.store_for_tests();
    let record = store.get_referral(&noah).await.unwrap().unwrap();
    assert_eq!(record.status, "submitted");
    assert_eq!(record.waiting_for_evidence_since, None);
    let form: mns_domain::referral::Referral = serde_json::from_str(&record.form_json).unwrap();
    let given = form.evidence.last().unwrap();
    let hp_id = store
        .find_user_by_email("health@demo.invalid")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(given.given_by_user.as_deref(), Some(hp_id.as_str()));
    assert_eq!(given.registration.as_ref().unwrap().number(), "1234567");
    let documents = store.documents_for("referral", &noah).await.unwrap();
    assert!(documents.iter().any(|d| d.id == document_id));
    assert!(
        store
            .documents_for("pending_evidence", &noah)
            .await
            .unwrap()
            .is_empty()
    );

    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get(&format!("/referrals/{noah}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(
        "Given by Dr Kim Shaw, Norfolk and Norwich University Hospitals (GMC 1234567), organisation RMY, on 22 November 2026"
    ));
    assert!(page.body.contains("The medical evidence arrived"));
    assert!(!page.body.contains("waiting for evidence for"));
    assert!(page.body.contains("clinic-letter.pdf"));
    let mut school = app.signed_in("school2@demo.invalid").await;
    let page = school.get(&format!("/referrals/{noah}")).await;
    assert!(page.body.contains("(GMC 1234567), organisation RMY"));

    // The coordinator and the school are told, without the child's details.
    for to in [
        app.app.settings.coordinator_email.as_str(),
        "school2@demo.invalid",
    ] {
        let messages = store.outbox_messages_to(to).await.unwrap();
        let told = messages
            .iter()
            .find(|m| m.subject.contains("Medical evidence has been given"))
            .unwrap_or_else(|| panic!("{to} was not told"));
        assert!(told.body.contains(&format!("/referrals/{noah}")));
        for detail in ["Noah", "Ellis", "926400121004"] {
            assert!(!told.body.contains(detail) && !told.subject.contains(detail));
        }
    }
    // Giving the same held document twice does nothing more.
    let again = hp
        .post(&format!("/referrals/{noah}/evidence"), &confirm)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("upload it again"));
}

#[tokio::test]
async fn mn_ev_1_a_registration_number_or_ods_code_in_the_wrong_format_is_named_and_nothing_is_written()
 {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let noah = referral_of(&app, "Noah").await;
    let mut hp = health_professional(&app).await;
    let before = written(&app, &noah).await;
    for (changes, message) in [
        (
            vec![("registration_number", "123456")],
            "A GMC reference number is 7 digits",
        ),
        (
            vec![
                ("registration_body", "nmc"),
                ("registration_number", "1234567"),
            ],
            "An NMC PIN is 2 digits, a letter, 4 digits and a letter",
        ),
        (
            vec![
                ("registration_body", "hcpc"),
                ("registration_number", "XX12345"),
            ],
            "An HCPC registration number starts with the profession",
        ),
        (
            vec![("organisation_code", "R-MY")],
            "An ODS code contains only letters and numbers",
        ),
        (
            vec![("organisation_code", "RMYRMYRMY")],
            "An ODS code is 3 to 6 letters and numbers",
        ),
        (
            vec![("document_kind", "appointment_letter")],
            "Appointment letters and cards are not accepted",
        ),
        (
            vec![("date_seen-day", "31"), ("date_seen-month", "2")],
            "must be a real date",
        ),
    ] {
        let page = hp
            .upload_form(
                &format!("/referrals/{noah}/evidence"),
                &with(&changes),
                "document",
                "clinic-letter.pdf",
                LETTER,
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(page.body.contains("There is a problem"));
        assert!(page.body.contains(message), "{message}: {}", page.body);
        // What was typed is kept; the file must be chosen again, and the page says so.
        assert!(
            page.body
                .contains("Norfolk and Norwich University Hospitals")
        );
        assert!(page.body.contains("Choose the document again"));
        assert_eq!(written(&app, &noah).await, before, "{message}");
    }
    // Without a file, the page asks for one.
    let page = hp
        .upload_form(
            &format!("/referrals/{noah}/evidence"),
            &good_answers(),
            "document",
            "",
            b"",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Choose the document to upload"));
    assert_eq!(written(&app, &noah).await, before);
}

#[tokio::test]
async fn a_health_professional_not_linked_to_the_child_gets_404_and_nothing_is_written() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Amelia is not linked to the demo's health professional.
    let amelia = referral_of(&app, "Amelia").await;
    let noah = referral_of(&app, "Noah").await;
    let mut hp = health_professional(&app).await;
    assert!(!hp.get("/evidence").await.body.contains("Amelia"));
    let before = written(&app, &amelia).await;
    assert_eq!(
        hp.get(&format!("/referrals/{amelia}/evidence/new"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let upload = hp
        .upload_form(
            &format!("/referrals/{amelia}/evidence"),
            &good_answers(),
            "document",
            "clinic-letter.pdf",
            LETTER,
        )
        .await;
    assert_eq!(upload.status, StatusCode::NOT_FOUND);
    assert!(!upload.body.contains("Amelia"));
    let mut confirm = with(&[("step", "confirm")]);
    confirm.push(("document_id", "00000000-0000-4000-8000-000000000000"));
    assert_eq!(
        hp.post(&format!("/referrals/{amelia}/evidence"), &confirm)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        hp.get(&format!("/evidence?sent={amelia}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(written(&app, &amelia).await, before);

    // Another health professional, linked to nobody, sees nothing of Noah's.
    let coordinator = mns_app::Actor {
        user: app
            .app
            .store_for_tests()
            .find_user_by_email("coordinator@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    app.app
        .add_user(
            &coordinator,
            mns_app::identity::users::NewUser {
                email: "gp@example.org".into(),
                display_name: "Dr Lee".into(),
                role: "health_professional".into(),
                school_urn: None,
                password: Some(mns_app::demo::DEMO_PASSWORD.into()),
            },
        )
        .await
        .unwrap();
    let mut other = app.signed_in("gp@example.org").await;
    assert!(
        other
            .get("/evidence")
            .await
            .body
            .contains("No referral is waiting for evidence from you")
    );
    let noah_before = written(&app, &noah).await;
    assert_eq!(
        other
            .get(&format!("/referrals/{noah}/evidence/new"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let upload = other
        .upload_form(
            &format!("/referrals/{noah}/evidence"),
            &good_answers(),
            "document",
            "clinic-letter.pdf",
            LETTER,
        )
        .await;
    assert_eq!(upload.status, StatusCode::NOT_FOUND);
    assert_eq!(written(&app, &noah).await, noah_before);
}

#[tokio::test]
async fn mn_role_5_only_health_professionals_give_evidence() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let noah = referral_of(&app, "Noah").await;
    for email in [
        "school2@demo.invalid",
        "parent@demo.invalid",
        "coordinator@demo.invalid",
        "provider@demo.invalid",
    ] {
        let mut client = app.signed_in(email).await;
        assert!(!client.get("/home").await.body.contains("Evidence requests"));
        for path in [
            "/evidence".to_string(),
            format!("/referrals/{noah}/evidence/new"),
        ] {
            assert_eq!(
                client.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{email} {path}"
            );
        }
        let upload = client
            .upload_form(
                &format!("/referrals/{noah}/evidence"),
                &good_answers(),
                "document",
                "clinic-letter.pdf",
                LETTER,
            )
            .await;
        assert_eq!(upload.status, StatusCode::NOT_FOUND, "{email}");
    }
}

#[tokio::test]
async fn mn_cont_1_a_running_case_asks_for_updated_evidence_before_its_continuation_request() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let isla = referral_of(&app, "Isla").await;
    let store = app.app.store_for_tests();
    let case = store.get_case(&isla).await.unwrap().unwrap();
    let due = case.continuation_due.expect("Isla's case runs");
    // Four weeks before the continuation request is due, the case asks for evidence.
    let from = due - chrono::Duration::days(mns_domain::referral::CASE_EVIDENCE_LEAD_DAYS);
    let today = app.app.today();
    // Her evidence was seen before this period of provision started.
    let mut record = store.get_referral(&isla).await.unwrap().unwrap();
    let mut form: mns_domain::referral::Referral = serde_json::from_str(&record.form_json).unwrap();
    let before = case.period_start.unwrap() - chrono::Duration::days(30);
    for e in &mut form.evidence {
        e.date_seen = Some(before);
    }
    record.form_json = serde_json::to_string(&form).unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.save_referral(&record).await.unwrap();
    tx.commit().await.unwrap();
    if from > today {
        app.app
            .clock
            .advance(chrono::Duration::days((from - today).num_days()));
    }
    let mut hp = app.signed_in("health@demo.invalid").await;
    let list = hp.get("/evidence").await;
    assert!(list.body.contains("Isla"), "{}", list.body);
    assert!(list.body.contains("Continuation"));
    let form = hp.get(&format!("/referrals/{isla}/evidence/new")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("will soon ask for it to continue"));

    let check = hp
        .upload_form(
            &format!("/referrals/{isla}/evidence"),
            &good_answers(),
            "document",
            "clinic-letter.pdf",
            LETTER,
        )
        .await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    let document_id = hidden(&check, "document_id");
    let mut confirm = good_answers();
    confirm.retain(|(n, _)| *n != "step");
    confirm.push(("step", "confirm"));
    confirm.push(("document_id", &document_id));
    let sent = hp
        .post(&format!("/referrals/{isla}/evidence"), &confirm)
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    // The referral stays accepted, with the evidence on it; the case no longer asks.
    let record = store.get_referral(&isla).await.unwrap().unwrap();
    assert_eq!(record.status, "accepted");
    let form: mns_domain::referral::Referral = serde_json::from_str(&record.form_json).unwrap();
    assert!(form.evidence.iter().any(|e| e.given_by_user.is_some()));
    assert!(!hp.get("/evidence").await.body.contains("Isla"));
    assert_eq!(
        hp.get(&format!("/referrals/{isla}/evidence/new"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
