//! The audit trail through the service: views are recorded, coordinators see a record's
//! access history, and tampering is detected.

use crate::support::TestApp;
use axum::http::StatusCode;
use mns_store::Backend;

#[tokio::test]
async fn mn_rec_1_every_view_of_a_pupil_is_in_its_access_history() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let pupil = app.pupil("Amelia").await;
    let mut school = app.signed_in("school@demo.invalid").await;
    school.get(&format!("/pupils/{}", pupil.id)).await;
    let mut parent = app.signed_in("parent@demo.invalid").await;
    parent.get(&format!("/api/v1/pupils/{}", pupil.id)).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let history = coordinator
        .get(&format!("/pupils/{}/access-history", pupil.id))
        .await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(
        history.body.contains("Jo Turner (school@demo.invalid)"),
        "the school user's view"
    );
    assert!(history.body.contains("Pat Green"), "the parent's API read");
    assert!(history.body.contains("Viewed the record"));
    // Other roles cannot see who looked.
    assert_eq!(
        school
            .get(&format!("/pupils/{}/access-history", pupil.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn mn_rec_1_a_tampered_audit_entry_is_detected() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let intact = coordinator.get("/audit").await;
    assert!(
        intact.body.contains("Audit trail intact"),
        "{}",
        intact.body
    );
    assert!(
        app.app
            .verify_audit_trail()
            .await
            .unwrap()
            .problem
            .is_none()
    );
    app.app
        .store_for_tests()
        .tamper_with_audit_entry_for_test(3, "nothing.happened")
        .await
        .unwrap();
    let report = app.app.verify_audit_trail().await.unwrap();
    assert_eq!(
        report.problem,
        Some(mns_domain::audit::ChainBreak::Altered { seq: 3 })
    );
    let page = coordinator.get("/audit").await;
    assert!(
        page.body
            .contains("The audit trail has been tampered with: audit entry 3 has been altered")
    );
}
