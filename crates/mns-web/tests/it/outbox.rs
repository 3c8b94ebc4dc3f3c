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
    assert_eq!(welcomes.len(), 12, "one welcome email per demo user");
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
