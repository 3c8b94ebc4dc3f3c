//! The outbox: written with the change, delivered once, even with two instances.

use crate::support::TestApp;
use mns_app::outbox::Delivery;
use mns_app::{App, Settings};
use mns_store::testing::{fresh_database, postgres_url};
use mns_store::{Backend, Store};
use std::collections::HashSet;

#[tokio::test]
async fn adding_a_user_queues_an_email_with_no_personal_details_and_the_worker_delivers_it() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let delivery = Delivery::Files(dir.path().to_path_buf());
    let mut sent = 0;
    loop {
        let n = app.app.deliver_due_messages(&delivery, "w1").await.unwrap();
        if n == 0 {
            break;
        }
        sent += n;
    }
    let texts: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(texts.len(), sent);
    let welcomes: Vec<&String> = texts
        .iter()
        .filter(|t| t.contains("Subject: Your Norfolk County Council account"))
        .collect();
    assert_eq!(welcomes.len(), 13, "one welcome email per demo user");
    assert!(welcomes[0].contains("http://mns.test/sign-in"));
    assert!(
        texts
            .iter()
            .any(|t| t.contains("There is an update on a Medical Needs referral"))
    );
    for pupil in app.pupils().await {
        for text in &texts {
            assert!(
                !text.contains(&pupil.family_name),
                "no child's name in an email"
            );
        }
    }
    assert_eq!(
        app.app.deliver_due_messages(&delivery, "w1").await.unwrap(),
        0,
        "nothing is sent twice"
    );
}

/// Two instances of the service on one PostgreSQL deliver every message exactly once.
#[tokio::test]
async fn two_instances_on_one_postgresql_deliver_each_message_exactly_once() {
    if postgres_url().is_none() {
        eprintln!("skipped: MNS_TEST_POSTGRES_URL is not set (CI sets it)");
        return;
    }
    let db = fresh_database(Backend::Postgres).await;
    let first = Store::connect(&db.url)
        .await
        .unwrap()
        .with_audit_keys(mns_store::testing::test_audit_keys());
    first.migrate().await.unwrap();
    let second = Store::connect(&db.url)
        .await
        .unwrap()
        .with_audit_keys(mns_store::testing::test_audit_keys());
    second.migrate().await.unwrap();
    let instances = [
        App::new(first.clone(), Settings::new("http://mns.test")),
        App::new(second, Settings::new("http://mns.test")),
    ];
    let messages = 200;
    for n in 0..messages {
        let mut tx = first.begin().await.unwrap();
        tx.enqueue_message(
            &format!("person{n}@example.org"),
            "Update",
            "Sign in to see it",
            instances[0].now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let mut tasks = Vec::new();
    for (i, app) in instances.iter().enumerate() {
        let app = app.clone();
        let delivery = Delivery::Files(dir.path().to_path_buf());
        tasks.push(tokio::spawn(async move {
            let mut sent = 0;
            loop {
                let n = app
                    .deliver_due_messages(&delivery, &format!("instance-{i}"))
                    .await
                    .unwrap();
                if n == 0 {
                    break sent;
                }
                sent += n;
            }
        }));
    }
    let mut per_instance = Vec::new();
    for t in tasks {
        per_instance.push(t.await.unwrap());
    }
    assert_eq!(
        per_instance.iter().sum::<usize>(),
        messages,
        "{per_instance:?}"
    );
    assert!(
        per_instance.iter().all(|&n| n > 0),
        "both instances took a share: {per_instance:?}"
    );
    let files: HashSet<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files.len(), messages);
    assert_eq!(first.pending_message_count().await.unwrap(), 0);
}

/// The SEND Local Offer's emails come in its own name, from the service's address; the Medical
/// Needs Service's keep theirs (one outbox, a sender name per message).
#[tokio::test]
async fn the_local_offers_emails_are_sent_in_its_own_name() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let store = app.app.store_for_tests();
    let provider = store
        .find_user_by_email("provider@demo.invalid")
        .await
        .unwrap()
        .unwrap();
    let organization = store.organizations_of_user(&provider.id).await.unwrap()[0]
        .id
        .clone();
    let service = store
        .services_of_organization(&organization)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.service.status == mns_domain::directory::ServiceStatus::Active)
        .expect("an active service")
        .service
        .id;
    app.app
        .email_shortlist(&[service], "family@example.org", "192.0.2.1")
        .await
        .unwrap();
    let queued = store
        .outbox_messages_to("family@example.org")
        .await
        .unwrap();
    assert_eq!(
        queued[0].sender_name.as_deref(),
        Some("Norfolk County Council SEND Local Offer")
    );

    let dir = tempfile::tempdir().unwrap();
    let delivery = Delivery::Files(dir.path().to_path_buf());
    while app.app.deliver_due_messages(&delivery, "w1").await.unwrap() > 0 {}
    let texts: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let from = |subject: &str| {
        texts
            .iter()
            .find(|t| t.contains(&format!("Subject: {subject}")))
            .and_then(|t| t.lines().find(|l| l.starts_with("From: ")))
            .unwrap_or_else(|| panic!("no email '{subject}'"))
            .to_string()
    };
    let shortlist = from("Your Local Offer shortlist");
    assert!(
        shortlist.contains("Norfolk County Council SEND Local Offer"),
        "{shortlist}"
    );
    assert!(shortlist.contains("<no-reply@mns.invalid>"), "{shortlist}");
    assert!(!shortlist.contains("Medical Needs"), "{shortlist}");
    let referral = from("There is an update on a Medical Needs referral");
    assert!(referral.contains("Medical Needs Service"), "{referral}");
}
