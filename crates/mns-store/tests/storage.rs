//! The storage suite: every test runs on SQLite, and on PostgreSQL when
//! `MNS_TEST_POSTGRES_URL` is set (CI sets it and fails if PostgreSQL is unreachable).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use mns_domain::audit::{GENESIS_HASH, verify_run};
use mns_domain::identity::Role;
use mns_store::testing::{backends, fresh_store};
use mns_store::{
    Backend, CalendarRecord, CredentialRecord, NewAuditEntry, NewChildAccess, OutboxStatus,
    PupilRecord, SchoolRecord, SessionRecord, Store, StoreError, UserRecord,
};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap() + Duration::minutes(minute)
}

fn school(urn: &str) -> SchoolRecord {
    SchoolRecord {
        urn: urn.into(),
        name: format!("School {urn}"),
        town: Some("Norwich".into()),
        ..SchoolRecord::default()
    }
}

fn user(id: &str, email: &str, role: Role, school: Option<&str>) -> UserRecord {
    UserRecord {
        id: id.into(),
        email: email.into(),
        display_name: id.into(),
        role,
        school_urn: school.map(str::to_string),
        disabled_at: None,
        created_at: at(0),
    }
}

fn pupil(id: &str, upn: &str, school: &str) -> PupilRecord {
    PupilRecord {
        id: id.into(),
        upn: Some(upn.into()),
        given_name: "Given".into(),
        family_name: format!("Family {id}"),
        date_of_birth: NaiveDate::from_ymd_opt(2014, 2, 3).unwrap(),
        school_urn: Some(school.into()),
        created_at: at(0),
        updated_at: at(0),
    }
}

fn audit_entry(action: &str, record: &str) -> NewAuditEntry {
    NewAuditEntry {
        at: at(1),
        actor_id: "u1".into(),
        actor_role: "coordinator".into(),
        action: action.into(),
        record_type: "pupil".into(),
        record_id: record.into(),
        source: "127.0.0.1".into(),
        detail: String::new(),
    }
}

async fn seeded(backend: Backend) -> (Store, mns_store::testing::TestDb) {
    let (store, db) = fresh_store(backend).await;
    let mut tx = store.begin().await.unwrap();
    tx.upsert_school(&school("100001"), at(0)).await.unwrap();
    tx.upsert_school(&school("100002"), at(0)).await.unwrap();
    tx.insert_user(&user("u1", "one@example.org", Role::School, Some("100001")))
        .await
        .unwrap();
    tx.insert_user(&user("u2", "two@example.org", Role::Parent, None))
        .await
        .unwrap();
    tx.insert_pupil(&pupil("p1", "A926200125001", "100001"))
        .await
        .unwrap();
    tx.insert_pupil(&pupil("p2", "A926200125002", "100002"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (store, db)
}

#[tokio::test]
async fn migrations_apply_once_and_again_without_harm() {
    for backend in backends() {
        let (store, _db) = fresh_store(backend).await;
        store.migrate().await.unwrap();
        assert_eq!(store.backend(), backend);
        store.ping().await.unwrap();
        assert_eq!(
            store.audit_head().await.unwrap(),
            (0, GENESIS_HASH.to_string())
        );
    }
}

#[tokio::test]
async fn the_pool_takes_its_size_lifetime_and_statement_timeout_from_settings() {
    for backend in backends() {
        let db = mns_store::testing::fresh_database(backend).await;
        let settings = mns_store::PoolSettings {
            max_connections: Some(2),
            statement_timeout: Some(std::time::Duration::from_millis(300)),
            max_lifetime: Some(std::time::Duration::from_secs(60)),
        };
        let store = mns_store::Store::connect_with(&db.url, &settings)
            .await
            .unwrap();
        assert_eq!(store.pool_stats().2, 2, "{backend:?}");
        mns_store::testing::sleep_in_database(&store, 0.05)
            .await
            .unwrap();
        let late = mns_store::testing::sleep_in_database(&store, 2.0).await;
        match backend {
            Backend::Postgres => assert!(
                late.as_ref()
                    .is_err_and(|e| e.to_string().contains("statement timeout")),
                "PostgreSQL cancels it: {late:?}"
            ),
            Backend::Sqlite => assert!(late.is_ok()),
        }
        store.ping().await.unwrap();
        assert_eq!(
            mns_store::PoolSettings::default().max_connections(backend),
            match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            }
        );
    }
}

#[tokio::test]
async fn users_round_trip_and_a_second_user_with_the_same_email_is_refused() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let found = store
            .find_user_by_email("one@example.org")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            found,
            user("u1", "one@example.org", Role::School, Some("100001")),
            "{backend:?}"
        );
        let mut tx = store.begin().await.unwrap();
        let err = tx
            .insert_user(&user("u3", "one@example.org", Role::Parent, None))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Duplicate(_)),
            "{backend:?}: {err}"
        );
        drop(tx);
        assert_eq!(store.list_users().await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn a_school_user_must_name_a_known_school() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        let err = tx
            .insert_user(&user(
                "u9",
                "nine@example.org",
                Role::School,
                Some("999999"),
            ))
            .await;
        assert!(err.is_err(), "{backend:?}: foreign keys must be enforced");
    }
}

#[tokio::test]
async fn credentials_and_identities_round_trip() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let credentials = CredentialRecord {
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$abc$def".into(),
            totp_secret: Some("JBSWY3DPEHPK3PXP".into()),
            totp_confirmed_at: Some(at(3)),
        };
        let mut tx = store.begin().await.unwrap();
        tx.set_credentials("u1", &credentials, at(3)).await.unwrap();
        tx.set_credentials("u1", &credentials, at(4)).await.unwrap();
        tx.link_identity(
            "https://login.microsoftonline.com/tenant/v2.0",
            "sub-1",
            "u1",
            at(3),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.get_credentials("u1").await.unwrap(),
            Some(credentials)
        );
        assert_eq!(
            store
                .find_user_by_identity("https://login.microsoftonline.com/tenant/v2.0", "sub-1")
                .await
                .unwrap(),
            Some("u1".into())
        );
    }
}

fn session(hash: &str, user: &str) -> SessionRecord {
    SessionRecord {
        token_hash: hash.into(),
        user_id: user.into(),
        csrf_token: "csrf".into(),
        second_factor_at: None,
        created_at: at(0),
        last_seen_at: at(0),
        expires_at: at(720),
    }
}

#[tokio::test]
async fn sessions_are_found_touched_and_swept() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        store.insert_session(&session("h1", "u1")).await.unwrap();
        store.insert_session(&session("h2", "u2")).await.unwrap();
        store.touch_session("h1", at(20)).await.unwrap();
        store.set_session_second_factor("h1", at(20)).await.unwrap();
        let found = store.find_session("h1").await.unwrap().unwrap();
        assert_eq!(found.last_seen_at, at(20));
        assert_eq!(found.second_factor_at, Some(at(20)));
        // Idle since minute 10: h2 (last seen at 0) goes, h1 (seen at 20) stays.
        assert_eq!(
            store.delete_expired_sessions(at(25), at(10)).await.unwrap(),
            1
        );
        assert!(store.find_session("h2").await.unwrap().is_none());
        store.delete_session("h1").await.unwrap();
        assert!(store.find_session("h1").await.unwrap().is_none());
    }
}

/// Issue 11: API tokens expire, and one can be revoked while the user's others keep working.
#[tokio::test]
async fn api_tokens_expire_and_are_revoked_one_by_one() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        let first = tx
            .insert_api_token(
                "u1",
                "first",
                "MIS",
                at(0) + chrono::Duration::days(90),
                at(0),
            )
            .await
            .unwrap();
        tx.insert_api_token(
            "u1",
            "second",
            "Forms",
            at(0) + chrono::Duration::days(1),
            at(0),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let later = at(0) + chrono::Duration::days(2);
        assert!(
            store
                .find_user_by_token_hash("first", later)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .find_user_by_token_hash("second", later)
                .await
                .unwrap()
                .is_none(),
            "{backend:?}: an expired token stops working"
        );
        let mut tx = store.begin().await.unwrap();
        assert!(
            !tx.revoke_api_token(&first, "u2", "u2", later)
                .await
                .unwrap()
        );
        assert!(
            tx.revoke_api_token(&first, "u1", "u1", later)
                .await
                .unwrap()
        );
        assert!(
            !tx.revoke_api_token(&first, "u1", "u1", later)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        assert!(
            store
                .find_user_by_token_hash("first", later)
                .await
                .unwrap()
                .is_none()
        );
        let listed = store.api_tokens_of("u1").await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(
            listed.iter().filter(|t| t.revoked_at.is_some()).count(),
            1,
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_tokens_in_one_transaction() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        store.insert_session(&session("h1", "u1")).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        tx.insert_api_token(
            "u1",
            "tokenhash",
            "test",
            at(0) + chrono::Duration::days(90),
            at(0),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert!(
            store
                .find_user_by_token_hash("tokenhash", at(1))
                .await
                .unwrap()
                .is_some()
        );
        let mut tx = store.begin().await.unwrap();
        assert!(tx.disable_user("u1", at(5)).await.unwrap());
        tx.commit().await.unwrap();
        assert!(
            store.find_session("h1").await.unwrap().is_none(),
            "{backend:?}"
        );
        assert!(
            store
                .find_user_by_token_hash("tokenhash", at(1))
                .await
                .unwrap()
                .is_none(),
            "{backend:?}"
        );
        assert_eq!(
            store.get_user("u1").await.unwrap().unwrap().disabled_at,
            Some(at(5))
        );
    }
}

#[tokio::test]
async fn sign_in_failures_are_counted_since_the_last_success() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        for minute in 0..3 {
            store
                .record_sign_in_attempt("a@example.org", "ip", at(minute), false)
                .await
                .unwrap();
        }
        assert_eq!(
            store
                .failed_sign_ins_since("a@example.org", at(-10))
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            store
                .failed_sign_ins_since("a@example.org", at(1))
                .await
                .unwrap(),
            2
        );
        store
            .record_sign_in_attempt("a@example.org", "ip", at(4), true)
            .await
            .unwrap();
        store
            .record_sign_in_attempt("a@example.org", "ip", at(5), false)
            .await
            .unwrap();
        assert_eq!(
            store
                .failed_sign_ins_since("a@example.org", at(-10))
                .await
                .unwrap(),
            1,
            "{backend:?}"
        );
    }
}

fn today() -> NaiveDate {
    at(0).date_naive()
}

#[tokio::test]
async fn a_link_gives_access_until_its_last_day_and_not_while_restricted() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let grant = |ends_on: Option<NaiveDate>| NewChildAccess {
            user_id: "u2",
            pupil_id: "p2",
            kind: "parent",
            relationship: "Mother",
            parental_responsibility: "yes",
            ends_on,
            reason: "Asked by the school",
            granted_by: "u1",
            granted_at: at(0),
        };
        let mut tx = store.begin().await.unwrap();
        tx.grant_child_access(&grant(Some(today()))).await.unwrap();
        tx.commit().await.unwrap();
        let linked = |day: NaiveDate| {
            let store = store.clone();
            async move { store.pupil_link("u2", "p2", day).await.unwrap() }
        };
        assert_eq!(linked(today()).await, Some("parent".into()), "{backend:?}");
        let tomorrow = today().succ_opt().unwrap();
        assert_eq!(linked(tomorrow).await, None, "{backend:?}");
        assert!(
            store
                .pupils_linked_to("u2", tomorrow)
                .await
                .unwrap()
                .is_empty()
        );
        // Granting again replaces the link: no end now.
        let mut tx = store.begin().await.unwrap();
        tx.grant_child_access(&grant(None)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(linked(tomorrow).await, Some("parent".into()), "{backend:?}");
        let mut tx = store.begin().await.unwrap();
        assert!(
            tx.restrict_child_access("u2", "p2", true, "Court order")
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        assert_eq!(linked(today()).await, None, "{backend:?}");
        let listed = store.child_access("p2").await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].restricted);
        assert_eq!(listed[0].restricted_reason, "Court order");
        assert_eq!(listed[0].relationship, "Mother");
        assert_eq!(listed[0].ends_on, None);
        let mut tx = store.begin().await.unwrap();
        assert!(tx.remove_child_access("u2", "p2").await.unwrap());
        assert!(!tx.remove_child_access("u2", "p2").await.unwrap());
        tx.commit().await.unwrap();
        assert!(store.child_access("p2").await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn pupils_are_listed_by_school_and_by_link_and_keep_one_record_when_moving() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        tx.link_pupil("u2", "p2", "parent", at(0)).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let err = tx
            .insert_pupil(&pupil("p3", "A926200125001", "100001"))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Duplicate(_)), "{backend:?}");
        drop(tx);
        let ids = |v: Vec<PupilRecord>| v.into_iter().map(|p| p.id).collect::<Vec<_>>();
        assert_eq!(ids(store.pupils_at_school("100001").await.unwrap()), ["p1"]);
        assert_eq!(
            ids(store.pupils_linked_to("u2", today()).await.unwrap()),
            ["p2"],
            "{backend:?}"
        );
        assert_eq!(
            store.pupil_link("u2", "p2", today()).await.unwrap(),
            Some("parent".into())
        );
        assert_eq!(store.pupil_link("u2", "p1", today()).await.unwrap(), None);
        let mut tx = store.begin().await.unwrap();
        assert!(tx.move_pupil("p1", "100002", at(9)).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(
            ids(store.pupils_at_school("100002").await.unwrap()),
            ["p1", "p2"]
        );
        assert_eq!(
            store.get_pupil("p1").await.unwrap().unwrap().updated_at,
            at(9)
        );
        assert_eq!(store.all_pupils(10).await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn schools_upsert_by_urn_and_search_ignores_case() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut renamed = school("100001");
        renamed.name = "Riverside Academy".into();
        let mut tx = store.begin().await.unwrap();
        tx.upsert_school(&renamed, at(2)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(store.count_schools().await.unwrap(), 2);
        assert_eq!(
            store.get_school("100001").await.unwrap().unwrap().name,
            "Riverside Academy"
        );
        let found = store.search_schools("riverSIDE", 10).await.unwrap();
        assert_eq!(found.len(), 1, "{backend:?}");
        assert_eq!(store.search_schools("norwich", 10).await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn mn_rec_1_audit_entries_chain_and_commit_with_their_change() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        tx.audit(audit_entry("pupil.view", "p1")).await.unwrap();
        tx.audit(audit_entry("pupil.update", "p1")).await.unwrap();
        tx.commit().await.unwrap();
        // A rolled-back transaction leaves neither its change nor its audit entry.
        let mut tx = store.begin().await.unwrap();
        tx.audit(audit_entry("pupil.view", "p2")).await.unwrap();
        tx.insert_pupil(&pupil("p9", "A926200125009", "100001"))
            .await
            .unwrap();
        drop(tx);
        assert!(store.get_pupil("p9").await.unwrap().is_none());
        let entries = store.audit_page(0, 100).await.unwrap();
        assert_eq!(entries.len(), 2, "{backend:?}");
        let (seq, hash) = verify_run(
            (0, GENESIS_HASH),
            &entries,
            &mns_store::testing::test_audit_keys(),
        )
        .unwrap();
        assert_eq!(store.audit_head().await.unwrap(), (seq, hash));
        let history = store.audit_for_record("pupil", "p1", 10).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|e| e.action.as_str())
                .collect::<Vec<_>>(),
            ["pupil.update", "pupil.view"]
        );
    }
}

#[tokio::test]
async fn mn_rec_1_a_tampered_audit_entry_no_longer_verifies() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        for _ in 0..3 {
            tx.audit(audit_entry("pupil.view", "p1")).await.unwrap();
        }
        tx.commit().await.unwrap();
        store
            .tamper_with_audit_entry_for_test(2, "nothing.to.see")
            .await
            .unwrap();
        let entries = store.audit_page(0, 100).await.unwrap();
        assert!(
            verify_run(
                (0, GENESIS_HASH),
                &entries,
                &mns_store::testing::test_audit_keys()
            )
            .is_err(),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn concurrent_audited_transactions_keep_one_unbroken_chain() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tasks = Vec::new();
        for n in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..5 {
                    let mut tx = store.begin().await.unwrap();
                    tx.audit(audit_entry("pupil.view", &format!("p{n}")))
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let entries = store.audit_page(0, 1000).await.unwrap();
        assert_eq!(entries.len(), 40, "{backend:?}");
        verify_run(
            (0, GENESIS_HASH),
            &entries,
            &mns_store::testing::test_audit_keys(),
        )
        .unwrap();
    }
}

#[tokio::test]
async fn outbox_messages_exist_only_if_their_transaction_commits() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        tx.enqueue_message("a@example.org", "Subject", "Body", at(0))
            .await
            .unwrap();
        drop(tx);
        assert_eq!(
            store.pending_message_count().await.unwrap(),
            0,
            "{backend:?}"
        );
        let mut tx = store.begin().await.unwrap();
        let id = tx
            .enqueue_message("a@example.org", "Subject", "Body", at(0))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.message_status(&id).await.unwrap(),
            Some(OutboxStatus::Pending)
        );
    }
}

#[tokio::test]
async fn a_message_keeps_its_own_sender_name_and_others_have_none() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        // The service's own first: the same statement then binds a name, not NULL.
        tx.enqueue_message("a@example.org", "Service", "Body", at(0))
            .await
            .unwrap();
        tx.enqueue_message_from(
            "Example SEND Local Offer",
            "a@example.org",
            "Named",
            "Body",
            at(1),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let claimed = store.claim_messages("w1", at(2), at(7), 10).await.unwrap();
        // A claim's RETURNING rows come in no set order.
        let mut names: Vec<(String, Option<String>)> = claimed
            .into_iter()
            .map(|m| (m.subject, m.sender_name))
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                (
                    "Named".to_string(),
                    Some("Example SEND Local Offer".to_string())
                ),
                ("Service".to_string(), None)
            ],
            "{backend:?}"
        );
        let stored = store.outbox_messages_to("a@example.org").await.unwrap();
        assert_eq!(
            stored[1].sender_name.as_deref(),
            Some("Example SEND Local Offer")
        );
    }
}

#[tokio::test]
async fn an_outbox_claim_is_exclusive_until_its_lease_runs_out() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        let id = tx
            .enqueue_message("a@example.org", "Subject", "Body", at(0))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let first = store.claim_messages("w1", at(1), at(6), 10).await.unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].attempts, 1);
        assert!(
            store
                .claim_messages("w2", at(2), at(7), 10)
                .await
                .unwrap()
                .is_empty(),
            "{backend:?}"
        );
        // w1 vanished: after its lease, w2 may take the message.
        let again = store.claim_messages("w2", at(7), at(12), 10).await.unwrap();
        assert_eq!(again.len(), 1);
        // w1's late report is ignored: only the claim holder can mark it.
        store.mark_message_sent(&id, "w1", at(8)).await.unwrap();
        assert_eq!(
            store.message_status(&id).await.unwrap(),
            Some(OutboxStatus::Pending)
        );
        store.mark_message_sent(&id, "w2", at(8)).await.unwrap();
        assert_eq!(
            store.message_status(&id).await.unwrap(),
            Some(OutboxStatus::Sent { by: "w2".into() })
        );
        assert!(
            store
                .claim_messages("w3", at(20), at(25), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_failed_delivery_is_retried_later_or_given_up() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        let id = tx
            .enqueue_message("a@example.org", "Subject", "Body", at(0))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        store.claim_messages("w1", at(1), at(6), 10).await.unwrap();
        store
            .mark_message_failed(&id, "w1", "connection refused", at(1), Some(at(3)))
            .await
            .unwrap();
        assert!(
            store
                .claim_messages("w1", at(2), at(7), 10)
                .await
                .unwrap()
                .is_empty(),
            "{backend:?}"
        );
        assert_eq!(
            store.claim_messages("w1", at(3), at(8), 10).await.unwrap()[0].attempts,
            2
        );
        store
            .mark_message_failed(&id, "w1", "connection refused", at(3), None)
            .await
            .unwrap();
        assert_eq!(
            store.message_status(&id).await.unwrap(),
            Some(OutboxStatus::Failed)
        );
        assert_eq!(store.pending_message_count().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn calendars_and_bank_holidays_round_trip() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let calendar = CalendarRecord {
            id: "norfolk-2025-26".into(),
            name: "Norfolk 2025/26".into(),
            school_year: 2025,
            provisional: true,
            terms_json: "[]".into(),
        };
        let mut tx = store.begin().await.unwrap();
        tx.upsert_calendar(&calendar, at(0)).await.unwrap();
        tx.upsert_calendar(&calendar, at(1)).await.unwrap();
        tx.upsert_bank_holiday(
            NaiveDate::from_ymd_opt(2025, 12, 25).unwrap(),
            "Christmas Day",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.list_calendars().await.unwrap(),
            vec![calendar],
            "{backend:?}"
        );
        assert_eq!(
            store.list_bank_holidays().await.unwrap(),
            vec![("2025-12-25".into(), "Christmas Day".into())]
        );
    }
}

fn referral(
    id: &str,
    pupil: &str,
    school: &str,
    status: &str,
    day: u32,
) -> mns_store::ReferralRecord {
    mns_store::ReferralRecord {
        id: id.into(),
        pupil_id: Some(pupil.into()),
        school_urn: Some(school.into()),
        status: status.into(),
        form_json: "{}".into(),
        created_by: "u1".into(),
        created_at: at(0),
        updated_at: at(0),
        submitted_at: (status != "draft").then(|| at(1)),
        referral_date: NaiveDate::from_ymd_opt(2026, 11, day),
        waiting_for_evidence_since: (status == "waiting_for_evidence")
            .then(|| NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()),
        decided_at: None,
        policy_version: None,
        origin: "school".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_queue_counts_stay_true_under_concurrent_status_changes() {
    const STATUSES: [&str; 5] = [
        "draft",
        "submitted",
        "information_requested",
        "waiting_for_evidence",
        "accepted",
    ];
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        for i in 0..40u32 {
            let school = if i % 3 == 0 { "100002" } else { "100001" };
            let pupil = if i % 3 == 0 { "p2" } else { "p1" };
            let status = STATUSES[(i as usize) % STATUSES.len()];
            tx.save_referral(&referral(
                &format!("r{i}"),
                pupil,
                school,
                status,
                1 + i % 28,
            ))
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();

        // Eight writers at once: each moves referrals between statuses and schools, and
        // deletes drafts; some of their transactions are rolled back.
        let mut writers = Vec::new();
        for w in 0..8u32 {
            let store = store.clone();
            writers.push(tokio::spawn(async move {
                for step in 0..15u32 {
                    let id = format!("r{}", (w * 7 + step * 3) % 40);
                    // Read outside the transaction, so possibly stale by the time it is
                    // saved: the counts must follow what is stored, not what was read.
                    let Some(mut r) = store.get_referral(&id).await.unwrap() else {
                        continue;
                    };
                    let mut tx = store.begin().await.unwrap();
                    if r.status == "draft" && step % 4 == 0 {
                        tx.delete_draft_referral(&id).await.unwrap();
                    } else {
                        r.status = STATUSES[((w + step) as usize) % STATUSES.len()].into();
                        if step % 5 == 0 {
                            r.school_urn =
                                Some(if w % 2 == 0 { "100002" } else { "100001" }.into());
                        }
                        tx.save_referral(&r).await.unwrap();
                    }
                    if step % 6 == 5 {
                        drop(tx);
                    } else {
                        tx.commit().await.unwrap();
                    }
                }
            }));
        }
        for writer in writers {
            writer.await.unwrap();
        }
        for school in [None, Some("100001"), Some("100002"), Some("999999")] {
            assert_eq!(
                store.referral_counts(school).await.unwrap(),
                store.referral_counts_by_counting(school).await.unwrap(),
                "{backend:?} {school:?}"
            );
        }
        assert!(!store.referral_counts(None).await.unwrap().is_empty());
    }
}

/// Issue 20: the queue pages by cursor (keyset), not by offset; walking forward page by page and
/// back again visits every line once, in order, whichever order and however many statuses.
#[tokio::test]
async fn the_referral_queue_pages_by_cursor_forwards_and_back() {
    use mns_store::{QueueCursor, QueueFilter, QueuePage};
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        // Eleven referrals, several on one day, so that the id breaks ties.
        for (n, day) in [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5].into_iter().enumerate() {
            let status = if n % 2 == 0 { "submitted" } else { "accepted" };
            tx.save_referral(&referral(&format!("r{n:02}"), "p1", "100001", status, day))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        for statuses in [vec![], vec!["submitted".to_string(), "accepted".into()]] {
            for newest_first in [false, true] {
                let filter = |limit, page| QueueFilter {
                    statuses: statuses.clone(),
                    newest_first,
                    limit,
                    page,
                    ..QueueFilter::default()
                };
                let ids = |lines: &[mns_store::QueueLine]| {
                    lines.iter().map(|l| l.id.clone()).collect::<Vec<_>>()
                };
                let cursor =
                    |l: &mns_store::QueueLine| QueueCursor::of(l.referral_date.unwrap(), &l.id);
                let whole = ids(&store
                    .referral_queue(&filter(100, QueuePage::First))
                    .await
                    .unwrap());
                assert_eq!(whole.len(), 11, "{backend:?}");
                let mut forwards = Vec::new();
                let mut page = QueuePage::First;
                let mut last_page = Vec::new();
                loop {
                    let lines = store.referral_queue(&filter(3, page)).await.unwrap();
                    if lines.is_empty() {
                        break;
                    }
                    forwards.extend(ids(&lines));
                    page = QueuePage::After(cursor(lines.last().unwrap()));
                    last_page = lines;
                }
                assert_eq!(forwards, whole, "{backend:?} newest first {newest_first}");
                let mut backwards = ids(&last_page);
                let mut page = QueuePage::Before(cursor(&last_page[0]));
                loop {
                    let lines = store.referral_queue(&filter(3, page)).await.unwrap();
                    if lines.is_empty() {
                        break;
                    }
                    let mut earlier = ids(&lines);
                    earlier.extend(backwards);
                    backwards = earlier;
                    page = QueuePage::Before(cursor(&lines[0]));
                }
                assert_eq!(backwards, whole, "{backend:?} back again");
                let round_trip = QueueCursor::parse(&cursor(&last_page[0]).to_param());
                assert_eq!(round_trip, Some(cursor(&last_page[0])));
            }
        }
        // A cursor of the right shape is a place in the order even if its date is no day.
        assert!(QueueCursor::parse("0000-00-00_0").is_some());
        assert_eq!(QueueCursor::parse("2026-11-1_r1"), None);
        assert_eq!(QueueCursor::parse("2026-11-01_"), None);
        assert_eq!(QueueCursor::parse("r1"), None);
    }
}

/// Issue 20: the case list pages by cursor, newest opened first, open and ended cases apart;
/// forward page by page and back again visits every case once, in order.
#[tokio::test]
async fn the_case_list_pages_by_cursor_forwards_and_back() {
    use mns_store::{CaseCursor, CaseListFilter, CasePage};
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        // Nine cases, some opened at the same instant (the id breaks ties); two ended.
        for (n, hour) in [3, 1, 4, 1, 5, 9, 2, 6, 5].into_iter().enumerate() {
            let id = format!("c{n}");
            let school = if n % 3 == 0 { "100002" } else { "100001" };
            tx.save_referral(&referral(&id, "p1", school, "accepted", 1))
                .await
                .unwrap();
            let opened = at(hour);
            tx.save_case(&mns_store::CaseRecord {
                id,
                pupil_id: Some("p1".into()),
                school_urn: Some(school.into()),
                state: if n == 2 || n == 6 {
                    mns_domain::provision::CaseState::Ended
                } else {
                    mns_domain::provision::CaseState::Planning
                },
                opened_at: opened,
                referral_date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                provision_start: None,
                period_number: 0,
                period_start: None,
                period_end: None,
                review_due: None,
                continuation_due: None,
                review_held_on: None,
                plan_json: None,
                plan_finalised_at: None,
                hours_per_week: None,
                full_time_hours: None,
                life_limiting: false,
                end_reason: None,
                ended_at: None,
                ends_on: None,
                updated_at: opened,
                outcome: None,
            })
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let ids = |lines: &[mns_store::CaseLine]| {
            lines.iter().map(|l| l.case.id.clone()).collect::<Vec<_>>()
        };
        let cursor = |l: &mns_store::CaseLine| CaseCursor {
            opened_at: l.case.opened_at,
            id: l.case.id.clone(),
        };
        let filter = |limit, page| CaseListFilter {
            limit,
            page,
            ..CaseListFilter::default()
        };
        let open = ids(&store
            .case_page(&filter(100, CasePage::First))
            .await
            .unwrap());
        assert_eq!(
            open,
            ["c5", "c7", "c8", "c4", "c0", "c3", "c1"],
            "{backend:?}: open cases, newest opened first, ties by id"
        );
        let mut forwards = Vec::new();
        let mut page = CasePage::First;
        let mut last = Vec::new();
        loop {
            let lines = store.case_page(&filter(2, page)).await.unwrap();
            if lines.is_empty() {
                break;
            }
            forwards.extend(ids(&lines));
            page = CasePage::After(cursor(lines.last().unwrap()));
            last = lines;
        }
        assert_eq!(forwards, open, "{backend:?}");
        let mut backwards = ids(&last);
        let mut page = CasePage::Before(cursor(&last[0]));
        loop {
            let lines = store.case_page(&filter(2, page)).await.unwrap();
            if lines.is_empty() {
                break;
            }
            let mut earlier = ids(&lines);
            earlier.extend(backwards);
            backwards = earlier;
            page = CasePage::Before(cursor(&lines[0]));
        }
        assert_eq!(backwards, open, "{backend:?} back again");
        let ended = CaseListFilter {
            ended: true,
            ..filter(100, CasePage::First)
        };
        assert_eq!(ids(&store.case_page(&ended).await.unwrap()), ["c2", "c6"]);
        let school = CaseListFilter {
            school_urn: Some("100002".into()),
            ..filter(100, CasePage::First)
        };
        assert_eq!(ids(&store.case_page(&school).await.unwrap()), ["c0", "c3"]);
        let nobody = CaseListFilter {
            pupil_ids: Some(Vec::new()),
            ..filter(100, CasePage::First)
        };
        assert!(store.case_page(&nobody).await.unwrap().is_empty());
        let param = cursor(&last[0]).to_param();
        assert_eq!(CaseCursor::parse(&param), Some(cursor(&last[0])));
        assert_eq!(CaseCursor::parse("yesterday_c1"), None);
    }
}

#[tokio::test]
async fn the_referral_queue_filters_sorts_and_counts() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        tx.save_referral(&referral("r1", "p1", "100001", "submitted", 3))
            .await
            .unwrap();
        tx.save_referral(&referral("r2", "p2", "100002", "waiting_for_evidence", 1))
            .await
            .unwrap();
        tx.save_referral(&referral("r3", "p1", "100001", "draft", 5))
            .await
            .unwrap();
        let mut changed = referral("r1", "p1", "100001", "accepted", 3);
        changed.policy_version = Some("norfolk-2024-12".into());
        tx.save_referral(&changed).await.unwrap();
        tx.commit().await.unwrap();
        let all = store
            .referral_queue(&mns_store::QueueFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            all.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
            ["r2", "r1"],
            "{backend:?}: drafts are not in the queue, oldest first"
        );
        assert_eq!(all[1].pupil_name, "Given Family p1");
        assert_eq!(all[1].school_name, "School 100001");
        assert_eq!(
            all[0].waiting_for_evidence_since,
            NaiveDate::from_ymd_opt(2026, 11, 2)
        );
        let waiting = store
            .referral_queue(&mns_store::QueueFilter {
                statuses: vec!["waiting_for_evidence".into(), "submitted".into()],
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(waiting.len(), 1);
        let newest = store
            .referral_queue(&mns_store::QueueFilter {
                newest_first: true,
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(newest[0].id, "r1");
        assert_eq!(
            store.referral_counts(None).await.unwrap(),
            vec![
                ("accepted".to_string(), 1),
                ("waiting_for_evidence".to_string(), 1)
            ]
        );
        assert_eq!(
            store.referral_counts(Some("100001")).await.unwrap(),
            vec![("accepted".to_string(), 1)]
        );
        assert_eq!(
            store
                .referrals_for_school("100001", 10)
                .await
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            store
                .get_referral("r1")
                .await
                .unwrap()
                .unwrap()
                .policy_version
                .as_deref(),
            Some("norfolk-2024-12")
        );
    }
}

#[tokio::test]
async fn decisions_are_kept_with_their_policy_version_and_checks() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let decision = mns_store::DecisionRecord {
            id: "d1".into(),
            referral_id: "r1".into(),
            decision: "accept".into(),
            reasons_json: "[]".into(),
            note: String::new(),
            decided_by: "u1".into(),
            decided_at: at(30),
            policy_version: "norfolk-2024-12".into(),
            checks_json: r#"[{"rule":"MN-ABS-1","outcome":"pass"}]"#.into(),
            days_from_referral: 4,
        };
        let mut tx = store.begin().await.unwrap();
        tx.save_referral(&referral("r1", "p1", "100001", "submitted", 3))
            .await
            .unwrap();
        tx.insert_decision(&decision).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.decisions_for("r1").await.unwrap(),
            vec![decision],
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn only_a_draft_referral_is_deleted_and_its_documents_go_with_it() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        tx.save_referral(&referral("r1", "p1", "100001", "submitted", 3))
            .await
            .unwrap();
        tx.save_referral(&referral("r2", "p1", "100001", "draft", 4))
            .await
            .unwrap();
        for (id, record_type, record_id) in [
            ("d1", "referral", "r2"),
            ("d2", "referral_attendance", "r2"),
            ("d3", "referral", "r1"),
        ] {
            let mut d = document(id, record_id, 1);
            d.meta.record_type = record_type.into();
            tx.insert_document(&d).await.unwrap();
        }
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        assert!(
            !tx.delete_draft_referral("r1").await.unwrap(),
            "{backend:?}"
        );
        assert!(tx.delete_draft_referral("r2").await.unwrap(), "{backend:?}");
        assert_eq!(tx.delete_documents_of("referral", "r2").await.unwrap(), 1);
        assert_eq!(
            tx.delete_documents_of("referral_attendance", "r2")
                .await
                .unwrap(),
            1
        );
        tx.commit().await.unwrap();
        assert!(store.get_referral("r2").await.unwrap().is_none());
        assert!(
            store.get_referral("r1").await.unwrap().is_some(),
            "sent: kept"
        );
        assert_eq!(
            store.documents_for("referral", "r1").await.unwrap().len(),
            1
        );
        assert!(store.get_document("d1").await.unwrap().is_none());
        assert!(store.get_document("d2").await.unwrap().is_none());
    }
}

fn document(id: &str, record_id: &str, minute: i64) -> mns_store::DocumentRecord {
    mns_store::DocumentRecord {
        meta: mns_store::DocumentMeta {
            id: id.into(),
            record_type: "pupil".into(),
            record_id: record_id.into(),
            filename: format!("Zoë's letter {id}.pdf"),
            kind: mns_domain::documents::DocumentKind::Pdf,
            size: 5,
            key_id: "k1".into(),
            uploaded_by: "u1".into(),
            uploaded_at: at(minute),
        },
        // Every byte value, NUL and invalid UTF-8 included, must survive both databases.
        wrapped_key: (0..=255u8).collect(),
        nonce: vec![0; 24],
        ciphertext: vec![0xFF, 0x00, 0xC3, 0x28, b'\'', 0x00, 0x7F],
    }
}

#[tokio::test]
async fn documents_keep_their_bytes_exactly_and_list_without_content() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let first = document("d1", "p1", 5);
        let second = document("d2", "p1", 3);
        let mut tx = store.begin().await.unwrap();
        tx.insert_document(&first).await.unwrap();
        tx.insert_document(&second).await.unwrap();
        tx.insert_document(&document("d3", "p2", 1)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.get_document("d1").await.unwrap(),
            Some(first.clone()),
            "{backend:?}"
        );
        assert_eq!(store.get_document("nope").await.unwrap(), None);
        assert_eq!(
            store.documents_for("pupil", "p1").await.unwrap(),
            vec![second.meta.clone(), first.meta.clone()],
            "{backend:?}: oldest first"
        );
        assert!(
            store
                .documents_for("referral", "p1")
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_held_document_moves_to_its_record_only_for_its_uploader() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut held = document("d1", "r1", 0);
        held.meta.record_type = "pending_evidence".into();
        let mut tx = store.begin().await.unwrap();
        tx.insert_document(&held).await.unwrap();
        // Another uploader, another record or another owner moves nothing.
        for (record, by, from) in [
            ("r1", "u2", "pending_evidence"),
            ("r2", "u1", "pending_evidence"),
            ("r1", "u1", "pupil"),
        ] {
            assert!(
                !tx.move_document("d1", record, by, from, "referral")
                    .await
                    .unwrap(),
                "{backend:?} {record} {by} {from}"
            );
        }
        assert!(
            tx.move_document("d1", "r1", "u1", "pending_evidence", "referral")
                .await
                .unwrap()
        );
        // Once moved it is no longer held.
        assert!(
            !tx.move_document("d1", "r1", "u1", "pending_evidence", "referral")
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        assert_eq!(
            store.documents_for("referral", "r1").await.unwrap().len(),
            1,
            "{backend:?}"
        );
        assert!(
            store
                .documents_for("pending_evidence", "r1")
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_document_must_name_a_known_uploader() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut orphan = document("d1", "p1", 0);
        orphan.meta.uploaded_by = "nobody".into();
        let mut tx = store.begin().await.unwrap();
        assert!(
            tx.insert_document(&orphan).await.is_err(),
            "{backend:?}: foreign keys must be enforced"
        );
    }
}

#[tokio::test]
async fn document_keys_page_in_id_order_and_rewrap_leaves_the_content_alone() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        for id in ["d3", "d1", "d2"] {
            tx.insert_document(&document(id, "p1", 0)).await.unwrap();
        }
        tx.commit().await.unwrap();
        let first = store.document_keys_page(None, 2).await.unwrap();
        assert_eq!(
            first.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
            ["d1", "d2"],
            "{backend:?}"
        );
        assert_eq!(first[0].key_id, "k1");
        assert_eq!(first[0].wrapped_key, (0..=255u8).collect::<Vec<_>>());
        let rest = store.document_keys_page(Some("d2"), 2).await.unwrap();
        assert_eq!(
            rest.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
            ["d3"]
        );
        assert!(
            store
                .document_keys_page(Some("d3"), 2)
                .await
                .unwrap()
                .is_empty()
        );

        let mut tx = store.begin().await.unwrap();
        assert!(tx.rewrap_document("d2", "k2", &[9, 0, 9]).await.unwrap());
        assert!(!tx.rewrap_document("nope", "k2", &[9]).await.unwrap());
        tx.commit().await.unwrap();
        let rewrapped = store.get_document("d2").await.unwrap().unwrap();
        let mut expected = document("d2", "p1", 0);
        expected.meta.key_id = "k2".into();
        expected.wrapped_key = vec![9, 0, 9];
        assert_eq!(rewrapped, expected, "{backend:?}");
    }
}

// ------------------------------------------------------------------------------------------
// The Local Offer directory.

mod directory {
    use super::*;
    use mns_domain::directory::search::{Point, SearchQuery, words};
    use mns_domain::directory::taxonomy::{
        NEEDS_TAXONOMY, builtin_taxonomies, builtin_terms, term_id,
    };
    use mns_domain::directory::{Organization, Service, ServiceStatus, example_service};
    use mns_store::{SearchUnit, ServiceIndex};

    fn org(id: &str) -> Organization {
        Organization {
            id: id.into(),
            name: "Broadland Family Group".into(),
            description: "A charity.".into(),
            email: None,
            website: None,
            logo: None,
            uri: None,
            parent_organization_id: None,
            ..Default::default()
        }
    }

    /// Three services: a Saturday swim club in Norwich (autism, free, Local Offer), a paid
    /// speech therapy clinic in Great Yarmouth for ages 0–5, and an online advice line with no
    /// location.
    fn services() -> Vec<Service> {
        let base = example_service();
        let mut swim = base.clone();
        swim.id = "11111111-1111-4111-8111-111111111111".into();
        let mut therapy = base.clone();
        therapy.id = "22222222-2222-4222-8222-222222222222".into();
        therapy.name = "Speech Therapy Drop-in".into();
        therapy.description = "Speech and language therapy for young children.".into();
        therapy.minimum_age = Some(0);
        therapy.maximum_age = Some(5);
        therapy.local_offer = None;
        therapy.cost_options[0].amount = Some(12.0);
        therapy.terms = vec![term_id(NEEDS_TAXONOMY, "speech-language").unwrap()];
        therapy.schedules[0].days = vec![chrono::Weekday::Tue];
        therapy.locations[0].id = "22222222-2222-4222-8222-000000000009".into();
        therapy.locations[0].location.latitude = 52.6083;
        therapy.locations[0].location.longitude = 1.7305;
        let mut advice = base;
        advice.id = "33333333-3333-4333-8333-333333333333".into();
        advice.name = "Advice Line".into();
        advice.description = "Phone advice about SEND for parents.".into();
        advice.locations.clear();
        advice.minimum_age = None;
        advice.maximum_age = None;
        vec![swim, therapy, advice]
    }

    async fn loaded(backend: Backend) -> (Store, mns_store::testing::TestDb) {
        let (store, db) = fresh_store(backend).await;
        let mut tx = store.begin().await.unwrap();
        for t in builtin_taxonomies() {
            let terms: Vec<_> = builtin_terms()
                .into_iter()
                .filter(|x| x.taxonomy_id == t.id)
                .collect();
            tx.put_taxonomy(&t, &terms).await.unwrap();
        }
        tx.put_organization(&org(&example_service().organization_id), at(0))
            .await
            .unwrap();
        for s in services() {
            let index = ServiceIndex {
                words: words(&format!("{} {}", s.name, s.description))
                    .into_iter()
                    .map(|w| (w, 1))
                    .collect(),
            };
            tx.put_service(&s, &index, None, "test", at(0))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        (store, db)
    }

    fn names(page: &mns_store::SearchPage) -> Vec<String> {
        page.hits.iter().map(|h| h.service.name.clone()).collect()
    }

    #[tokio::test]
    async fn search_filters_agree_on_both_databases() {
        for backend in backends() {
            let (store, _db) = loaded(backend).await;
            let search = |q: SearchQuery| {
                let store = store.clone();
                async move {
                    store
                        .search_directory(&q, None, SearchUnit::Service)
                        .await
                        .unwrap()
                }
            };
            let all = search(SearchQuery::new()).await;
            assert_eq!(all.total, 3, "{backend:?}");
            assert_eq!(
                names(&all),
                ["Advice Line", "Speech Therapy Drop-in", "Splash Swim Club"]
            );
            let swim = search(SearchQuery {
                words: words("swim"),
                ..SearchQuery::new()
            })
            .await;
            assert_eq!(
                names(&swim),
                ["Splash Swim Club"],
                "{backend:?}: prefix of 'swimming'"
            );
            let two = search(SearchQuery {
                words: words("speech therapy"),
                ..SearchQuery::new()
            })
            .await;
            assert_eq!(names(&two), ["Speech Therapy Drop-in"]);
            let age = search(SearchQuery {
                age: Some(9),
                ..SearchQuery::new()
            })
            .await;
            assert_eq!(
                names(&age),
                ["Advice Line", "Splash Swim Club"],
                "no age limits means any age"
            );
            let free = search(SearchQuery {
                free_only: true,
                local_offer_only: true,
                ..SearchQuery::new()
            })
            .await;
            assert_eq!(names(&free), ["Advice Line", "Splash Swim Club"]);
            let tuesday = search(SearchQuery {
                days: vec![chrono::Weekday::Tue],
                ..SearchQuery::new()
            })
            .await;
            assert_eq!(names(&tuesday), ["Speech Therapy Drop-in"]);
            let need = search(SearchQuery {
                term_groups: vec![vec![term_id(NEEDS_TAXONOMY, "speech-language").unwrap()]],
                ..SearchQuery::new()
            })
            .await;
            assert_eq!(names(&need), ["Speech Therapy Drop-in"]);
            let taxonomy = search(SearchQuery {
                taxonomy_id: Some(NEEDS_TAXONOMY.into()),
                ..SearchQuery::new()
            })
            .await;
            assert_eq!(taxonomy.total, 3);
            let paged = search(SearchQuery {
                per_page: 2,
                page: 2,
                ..SearchQuery::new()
            })
            .await;
            assert_eq!(
                (paged.total, names(&paged)),
                (3, vec!["Splash Swim Club".to_string()])
            );
        }
    }

    #[tokio::test]
    async fn distance_orders_nearest_first_and_limits_by_radius() {
        let norwich = Point {
            latitude: 52.6309,
            longitude: 1.2974,
        };
        for backend in backends() {
            let (store, _db) = loaded(backend).await;
            let near = store
                .search_directory(&SearchQuery::new(), Some(norwich), SearchUnit::Service)
                .await
                .unwrap();
            assert_eq!(
                names(&near),
                ["Splash Swim Club", "Speech Therapy Drop-in", "Advice Line"],
                "{backend:?}: nearest first, no location last"
            );
            let within = store
                .search_directory(
                    &SearchQuery {
                        within_metres: Some(10_000),
                        ..SearchQuery::new()
                    },
                    Some(norwich),
                    SearchUnit::Service,
                )
                .await
                .unwrap();
            assert_eq!(
                names(&within),
                ["Splash Swim Club"],
                "Great Yarmouth is 29 km away"
            );
            let d = norwich.distance_metres(within.hits[0].nearest.unwrap());
            assert!(d < 2_000.0, "{d}");
            let sal = store
                .search_directory(
                    &SearchQuery::new(),
                    Some(norwich),
                    SearchUnit::ServiceAtLocation,
                )
                .await
                .unwrap();
            assert_eq!(sal.total, 2, "one row per service at a location");
            assert_eq!(
                sal.hits[0].service_at_location_id.as_deref(),
                Some("0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0009")
            );
        }
    }

    #[tokio::test]
    async fn versions_changes_feedback_and_postcodes_round_trip() {
        for backend in backends() {
            let (store, _db) = loaded(backend).await;
            store_users(&store).await;
            let mut s = services().remove(0);
            s.status = ServiceStatus::Inactive;
            let mut tx = store.begin().await.unwrap();
            let v = tx
                .put_service(&s, &ServiceIndex::default(), Some("u1"), "second", at(5))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(v, 2);
            let versions = store.service_versions(&s.id).await.unwrap();
            assert_eq!(
                versions.iter().map(|v| v.version).collect::<Vec<_>>(),
                [2, 1]
            );
            assert_eq!(versions[0].changed_by.as_deref(), Some("u1"));
            let active = store
                .search_directory(&SearchQuery::new(), None, SearchUnit::Service)
                .await
                .unwrap();
            assert_eq!(
                active.total, 2,
                "{backend:?}: an inactive service is not searched"
            );
            let stale = store
                .services_due_review(
                    NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
                    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(stale.len(), 2);

            let change = mns_store::ChangeRecord {
                id: "c1".into(),
                service_id: s.id.clone(),
                organization_id: s.organization_id.clone(),
                base_version: 2,
                proposed: s.clone(),
                status: "pending".into(),
                submitted_by: "u1".into(),
                submitted_at: at(6),
                decided_by: None,
                decided_at: None,
                reason: None,
            };
            let mut tx = store.begin().await.unwrap();
            tx.insert_change(&change).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(
                store
                    .directory_changes_with_status("pending")
                    .await
                    .unwrap(),
                vec![change.clone()]
            );
            let mut tx = store.begin().await.unwrap();
            assert!(
                tx.decide_change("c1", "approved", "u1", None, at(7))
                    .await
                    .unwrap()
            );
            assert!(
                !tx.decide_change("c1", "rejected", "u1", None, at(8))
                    .await
                    .unwrap(),
                "decided once"
            );
            tx.commit().await.unwrap();
            assert_eq!(
                store.directory_change("c1").await.unwrap().unwrap().status,
                "approved"
            );

            let mut tx = store.begin().await.unwrap();
            tx.put_postcodes(&[(
                "NR2".into(),
                Point {
                    latitude: 52.63,
                    longitude: 1.28,
                },
                Some("Norwich".into()),
            )])
            .await
            .unwrap();
            tx.put_postcodes(&[(
                "NR2".into(),
                Point {
                    latitude: 52.64,
                    longitude: 1.28,
                },
                None,
            )])
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let (p, place) = store.postcode_point("NR2").await.unwrap().unwrap();
            assert_eq!(
                (p.latitude, place),
                (52.64, None),
                "a second load replaces the first"
            );
            assert!(store.postcode_point("ZZ9").await.unwrap().is_none());
        }
    }

    /// A feed's daily sync is taken by one instance a day, and starts where the last complete
    /// one did.
    #[tokio::test]
    async fn a_directory_feed_is_claimed_once_a_day_and_remembers_its_last_sync() {
        use chrono::NaiveDate;
        for backend in backends() {
            let (store, _db) = mns_store::testing::fresh_store(backend).await;
            let url = "https://directory.example.org/api";
            let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
            assert!(store.claim_directory_feed(url, day(7)).await.unwrap());
            assert!(
                !store.claim_directory_feed(url, day(7)).await.unwrap(),
                "{backend:?}"
            );
            assert_eq!(store.directory_feed_synced_from(url).await.unwrap(), None);
            store.set_directory_feed_synced(url, at(5)).await.unwrap();
            assert_eq!(
                store.directory_feed_synced_from(url).await.unwrap(),
                Some(at(5))
            );
            assert!(store.claim_directory_feed(url, day(8)).await.unwrap());
            assert!(
                store
                    .claim_directory_feed("https://other.example.org", day(8))
                    .await
                    .unwrap()
            );
        }
    }

    async fn store_users(store: &Store) {
        let mut tx = store.begin().await.unwrap();
        tx.insert_user(&user("u1", "u1@example.org", Role::Provider, None))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
}

/// An old deployment's unkeyed entries are verified and sealed with the key once; a trail where
/// some entries carry a key and others do not (someone stripped keys to have their own edits
/// sealed) is refused, on both databases.
#[tokio::test]
async fn mn_rec_1_unkeyed_entries_are_sealed_once_and_a_mix_is_refused() {
    for backend in backends() {
        let (store, _db) = mns_store::testing::fresh_store(backend).await;
        store
            .append_unkeyed_audit_entries_for_test(3)
            .await
            .unwrap();
        let keys = mns_store::testing::test_audit_keys();
        assert!(
            verify_run(
                (0, GENESIS_HASH),
                &store.audit_page(0, 100).await.unwrap(),
                &keys
            )
            .is_err(),
            "{backend:?}: unkeyed entries never verify"
        );
        assert_eq!(store.seal_unkeyed_audit_entries().await.unwrap(), 3);
        let entries = store.audit_page(0, 100).await.unwrap();
        let (seq, hash) = verify_run((0, GENESIS_HASH), &entries, &keys).unwrap();
        assert_eq!(
            (seq, hash),
            store.audit_head().await.unwrap(),
            "{backend:?}"
        );
        assert_eq!(store.seal_unkeyed_audit_entries().await.unwrap(), 0);
        // Keyed entries follow; then someone appends unkeyed ones to have them sealed.
        let mut tx = store.begin().await.unwrap();
        tx.audit(audit_entry("pupil.view", "p1")).await.unwrap();
        tx.commit().await.unwrap();
        store
            .append_unkeyed_audit_entries_for_test(1)
            .await
            .unwrap();
        assert!(
            store.seal_unkeyed_audit_entries().await.is_err(),
            "{backend:?}: a mix is refused"
        );
    }
}

#[tokio::test]
async fn an_invitation_is_accepted_once_with_the_others_of_its_kind_to_that_address() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let invitation = |token: &'static str, pupil: &'static str, kind: &'static str| {
            mns_store::NewInvitation {
                token_hash: token,
                email: "new@example.org",
                pupil_id: pupil,
                kind,
                relationship: "Aunt",
                parental_responsibility: "no",
                ends_on: None,
                reason: "Carer at home",
                invited_by: "u1",
                now: at(0),
                expires_at: at(60),
            }
        };
        let mut tx = store.begin().await.unwrap();
        tx.insert_invitation(&invitation("t1", "p1", "parent"))
            .await
            .unwrap();
        tx.insert_invitation(&invitation("t2", "p2", "parent"))
            .await
            .unwrap();
        tx.insert_invitation(&invitation("t3", "p2", "provider"))
            .await
            .unwrap();
        tx.insert_user(&user("u3", "new@example.org", Role::Parent, None))
            .await
            .unwrap();
        // Expired: nothing accepted.
        assert!(
            tx.accept_invitations("t1", "new@example.org", "u3", at(61))
                .await
                .unwrap()
                .is_empty()
        );
        // Another address: nothing accepted.
        assert!(
            tx.accept_invitations("t1", "other@example.org", "u3", at(1))
                .await
                .unwrap()
                .is_empty()
        );
        let accepted = tx
            .accept_invitations("t1", "new@example.org", "u3", at(1))
            .await
            .unwrap();
        let mut pupils: Vec<_> = accepted.iter().map(|i| i.pupil_id.as_str()).collect();
        pupils.sort();
        assert_eq!(pupils, ["p1", "p2"]);
        assert!(accepted.iter().all(|i| i.kind == "parent"));
        // Used: never twice.
        assert!(
            tx.accept_invitations("t1", "new@example.org", "u3", at(2))
                .await
                .unwrap()
                .is_empty()
        );
        tx.commit().await.unwrap();
        let pending = store.pending_invitations("p2").await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].kind, "provider");
        let found = store.invitation_by_token("t1").await.unwrap().unwrap();
        assert_eq!(found.accepted_at, Some(at(1)));
        assert!(!found.is_open(at(1)));
    }
}

#[tokio::test]
async fn a_health_notification_is_kept_with_its_referral_and_finds_the_child_again() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        let mut notified = referral("r1", "p1", "100001", "awaiting_school", 3);
        notified.origin = "health_notification".into();
        tx.save_referral(&notified).await.unwrap();
        tx.insert_health_notification(&mns_store::HealthNotificationRecord {
            referral_id: "r1".into(),
            notified_by: Some("u2".into()),
            notified_at: at(2),
            notification_json: "{\"first_name\":\"Given\"}".into(),
        })
        .await
        .unwrap();
        tx.set_pupil_nhs_number("p1", "9434765919").await.unwrap();
        // Saving the referral again (the school completing it) keeps where it came from.
        let mut completed = referral("r1", "p1", "100001", "submitted", 3);
        completed.origin = "school".into();
        tx.save_referral(&completed).await.unwrap();
        tx.commit().await.unwrap();
        let stored = store.get_referral("r1").await.unwrap().unwrap();
        assert_eq!(stored.origin, "health_notification");
        let line = store
            .referral_queue(&mns_store::QueueFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(line[0].origin, "health_notification");
        let kept = store.health_notification("r1").await.unwrap().unwrap();
        assert_eq!(kept.notified_by.as_deref(), Some("u2"));
        assert_eq!(kept.notified_at, at(2));
        assert!(store.health_notification("r2").await.unwrap().is_none());
        let found = store.pupils_by_nhs_number("9434765919").await.unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "p1");
        let named = store
            .pupils_named_at_school("100001", " given ", "FAMILY P1", "9434765919")
            .await
            .unwrap();
        assert_eq!(named.len(), 1);
        assert!(
            store
                .pupils_named_at_school("100001", "Given", "Family p1", "4010232137")
                .await
                .unwrap()
                .is_empty(),
            "a different NHS number is a different child"
        );
        assert!(
            store
                .pupils_named_at_school("100002", "Given", "Family p1", "9434765919")
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_public_health_notification_stays_open_until_handled_once() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let mut tx = store.begin().await.unwrap();
        tx.insert_notification_enquiry("n1", at(1), "{}")
            .await
            .unwrap();
        tx.insert_notification_enquiry("n2", at(2), "{}")
            .await
            .unwrap();
        tx.save_referral(&referral("r1", "p1", "100001", "awaiting_school", 3))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let open: Vec<String> = store
            .open_notification_enquiries()
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(open, ["n1", "n2"]);
        let mut tx = store.begin().await.unwrap();
        assert!(
            tx.handle_notification_enquiry("n1", Some("r1"), "", "u1", at(3))
                .await
                .unwrap()
        );
        assert!(
            tx.handle_notification_enquiry("n2", None, "Not our area", "u1", at(3))
                .await
                .unwrap()
        );
        assert!(
            !tx.handle_notification_enquiry("n2", None, "Again", "u1", at(4))
                .await
                .unwrap(),
            "handled once"
        );
        tx.commit().await.unwrap();
        assert!(
            store
                .open_notification_enquiries()
                .await
                .unwrap()
                .is_empty()
        );
        let made = store.notification_enquiry("n1").await.unwrap().unwrap();
        assert_eq!(made.referral_id.as_deref(), Some("r1"));
        assert_eq!(made.handled_at, Some(at(3)));
        let closed = store.notification_enquiry("n2").await.unwrap().unwrap();
        assert_eq!(closed.referral_id, None);
        assert_eq!(closed.closed_reason, "Not our area");
    }
}

/// Issue 15: a sign-in in progress is taken once, only by the browser that started it, only
/// before it expires; a coordinator's link is used once; a session remembers its provider.
#[tokio::test]
async fn oidc_requests_and_links_are_single_use() {
    for backend in backends() {
        let (store, _db) = seeded(backend).await;
        let request = mns_store::OidcRequestRecord {
            state_hash: "state".into(),
            binding_hash: "browser".into(),
            provider: "entra".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            link_token_hash: None,
            created_at: at(0),
            expires_at: at(10),
        };
        store.insert_oidc_request(&request).await.unwrap();
        let take = |binding: &'static str, provider: &'static str, now| {
            let store = store.clone();
            async move {
                store
                    .take_oidc_request("state", binding, provider, now)
                    .await
                    .unwrap()
            }
        };
        assert!(take("other-browser", "entra", at(1)).await.is_none());
        assert!(take("browser", "dfe", at(1)).await.is_none());
        assert!(take("browser", "entra", at(10)).await.is_none(), "expired");
        assert_eq!(take("browser", "entra", at(1)).await, Some(request.clone()));
        assert!(take("browser", "entra", at(1)).await.is_none(), "used once");
        let mut expired = request.clone();
        expired.state_hash = "old".into();
        store.insert_oidc_request(&expired).await.unwrap();
        assert_eq!(store.purge_oidc_requests(at(11)).await.unwrap(), 1);

        let mut tx = store.begin().await.unwrap();
        tx.insert_identity_link("link", "u2", "onelogin", "u1", at(0), at(60))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.use_identity_link("link", "entra", at(1)).await.unwrap(),
            None
        );
        assert_eq!(
            tx.use_identity_link("link", "onelogin", at(1))
                .await
                .unwrap(),
            Some("u2".into())
        );
        assert_eq!(
            tx.use_identity_link("link", "onelogin", at(2))
                .await
                .unwrap(),
            None
        );
        tx.link_identity("https://issuer", "sub", "u2", at(1))
            .await
            .unwrap();
        tx.set_identity_provider("https://issuer", "sub", "onelogin")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let identities = store.identities_of("u2").await.unwrap();
        assert_eq!(identities[0].provider.as_deref(), Some("onelogin"));
        let links = store.identity_links_for("u2").await.unwrap();
        assert_eq!(links[0].used_at, Some(at(1)));
        assert!(!links[0].is_open(at(2)));

        store.insert_session(&session("h1", "u2")).await.unwrap();
        assert_eq!(store.session_oidc("h1").await.unwrap(), None);
        store
            .set_session_oidc("h1", "onelogin", "eyJ.x.y")
            .await
            .unwrap();
        assert_eq!(
            store.session_oidc("h1").await.unwrap(),
            Some(("onelogin".into(), "eyJ.x.y".into()))
        );
        let mut tx = store.begin().await.unwrap();
        assert!(
            tx.unlink_identity("u2", "https://issuer", "sub")
                .await
                .unwrap()
        );
        assert!(
            !tx.unlink_identity("u2", "https://issuer", "sub")
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
    }
}

// ------------------------------------------------------------------------------------------
// Early identification from the county's attendance (issue 16).

mod attendance {
    use super::*;
    use mns_store::{
        AlertEventRecord, AlertFilter, AlertImportUpdate, AlertPriority, AlertRecord, AlertState,
        AlertStatus, AttendanceFiguresRecord, AttendanceImportRecord,
    };

    const YEAR: &str = "2025/26";

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn import(id: &str, urn: &str, year: &str, minute: i64) -> AttendanceImportRecord {
        AttendanceImportRecord {
            id: id.into(),
            urn: urn.into(),
            school_year: year.into(),
            source: "county.csv".into(),
            file_sha256: format!("{id:0>64}"),
            rows: 380,
            pupils: 1,
            imported_by: (minute % 2 == 0).then(|| "u1".to_string()),
            imported_at: at(minute),
        }
    }

    /// Figures that differ with `n`, with every optional column empty for some `n` and
    /// filled for others.
    fn figures(year: &str, urn: &str, upn: &str, n: u32) -> AttendanceFiguresRecord {
        let some = !n.is_multiple_of(3);
        AttendanceFiguresRecord {
            school_year: year.into(),
            urn: urn.into(),
            upn: upn.into(),
            sessions_possible: 300 + n % 40,
            present: 250 + n % 30,
            authorised: 20 + n % 7,
            unauthorised: n % 5,
            illness_sessions: 10 + n % 11,
            longest_run_sessions: n % 13,
            longest_run_first: some.then(|| date(2025, 9, 1 + n % 28)),
            longest_run_last: some.then(|| date(2025, 10, 1 + n % 28)),
            run_ongoing: n.is_multiple_of(2),
            m_sessions: n % 4,
            k_sessions: n % 6,
            c2_sessions: n % 9,
            c2_weeks: n % 3,
            persistent: n.is_multiple_of(5),
            severe: n.is_multiple_of(7),
            ehcp: some.then_some(n % 2 == 1),
            looked_after: (!n.is_multiple_of(4)).then_some(n % 3 == 1),
            leaving_date: (n % 10 == 1).then(|| date(2026, 3, 1 + n % 28)),
            last_session: some.then(|| date(2025, 11, 20)),
        }
    }

    fn upn(i: u32) -> String {
        format!("B80120{i:07}")
    }

    fn alert(
        id: &str,
        rule: &str,
        urn: &str,
        upn: &str,
        priority: AlertPriority,
        minute: i64,
    ) -> AlertRecord {
        AlertRecord {
            id: id.into(),
            rule_id: rule.into(),
            school_year: YEAR.into(),
            urn: urn.into(),
            upn: upn.into(),
            pupil_id: None,
            status: AlertStatus::Open,
            priority,
            opened_at: at(minute),
            first_opened_at: at(minute),
            figures_json: format!("{{\"illness_sessions\":{minute}}}"),
            why: format!("{rule} fired"),
            measure: minute,
            decided_measure: None,
            still_met: true,
            policy_version: "norfolk-2024-12".into(),
            pupil_name: None,
            delete_after: date(2027, 8, 31),
            updated_at: at(minute),
        }
    }

    fn event(id: &str, alert_id: &str, minute: i64, kind: &str) -> AlertEventRecord {
        AlertEventRecord {
            id: id.into(),
            alert_id: alert_id.into(),
            at: at(minute),
            kind: kind.into(),
            action: None,
            reason: None,
            actor_id: None,
            figures_json: None,
        }
    }

    #[tokio::test]
    async fn replacing_a_schools_figures_twice_keeps_only_the_second_imports_rows() {
        for backend in backends() {
            let (store, _db) = seeded(backend).await;
            let keep = date(2027, 8, 31);
            let mut tx = store.begin().await.unwrap();
            let first: Vec<_> = (1..=3)
                .map(|i| figures(YEAR, "100001", &upn(i), i))
                .collect();
            tx.replace_attendance_figures(&import("i1", "100001", YEAR, 1), keep, &first)
                .await
                .unwrap();
            // Another school's and another year's figures, which the replace must leave alone.
            let other_school = [figures(YEAR, "100002", &upn(1), 40)];
            tx.replace_attendance_figures(&import("i2", "100002", YEAR, 2), keep, &other_school)
                .await
                .unwrap();
            let last_year = [figures("2024/25", "100001", &upn(1), 50)];
            tx.replace_attendance_figures(&import("i3", "100001", "2024/25", 3), keep, &last_year)
                .await
                .unwrap();
            tx.commit().await.unwrap();

            let second = [
                figures(YEAR, "100001", &upn(2), 20),
                figures(YEAR, "100001", &upn(4), 4),
            ];
            let mut tx = store.begin().await.unwrap();
            tx.replace_attendance_figures(&import("i4", "100001", YEAR, 4), keep, &second)
                .await
                .unwrap();
            tx.commit().await.unwrap();

            assert_eq!(
                store
                    .attendance_figures_count("100001", YEAR)
                    .await
                    .unwrap(),
                2,
                "{backend:?}"
            );
            assert_eq!(
                store.attendance_figures_for_upn(&upn(2)).await.unwrap(),
                vec![second[0].clone()],
                "{backend:?}: the second import's figures, not the first's"
            );
            assert_eq!(
                store.attendance_figures_for_upn(&upn(3)).await.unwrap(),
                vec![],
                "{backend:?}: a pupil missing from the second import has no figures left"
            );
            // Newest school year first; the other school's row is untouched.
            assert_eq!(
                store.attendance_figures_for_upn(&upn(1)).await.unwrap(),
                vec![other_school[0].clone(), last_year[0].clone()],
                "{backend:?}"
            );
            let latest = store
                .latest_attendance_import("100001")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(latest, import("i4", "100001", YEAR, 4), "{backend:?}");

            // A replace that fails half-way (a UPN twice) and is dropped changes nothing.
            let mut tx = store.begin().await.unwrap();
            let twice = [
                figures(YEAR, "100001", &upn(7), 7),
                figures(YEAR, "100001", &upn(7), 8),
            ];
            let err = tx
                .replace_attendance_figures(&import("i5", "100001", YEAR, 5), keep, &twice)
                .await
                .unwrap_err();
            assert!(
                matches!(err, StoreError::Duplicate(_)),
                "{backend:?}: {err}"
            );
            drop(tx);
            // Rows of another school are refused before anything is written.
            let mut tx = store.begin().await.unwrap();
            let stray = [figures(YEAR, "100002", &upn(8), 8)];
            assert!(
                tx.replace_attendance_figures(&import("i6", "100001", YEAR, 6), keep, &stray)
                    .await
                    .is_err()
            );
            drop(tx);
            assert_eq!(
                store.attendance_figures_for_upn(&upn(2)).await.unwrap(),
                vec![second[0].clone()],
                "{backend:?}"
            );
            assert_eq!(
                store
                    .latest_attendance_import("100001")
                    .await
                    .unwrap()
                    .map(|i| i.id),
                Some("i4".into())
            );
        }
    }

    #[tokio::test]
    async fn figures_for_2500_pupils_span_three_batches_and_read_back_equal() {
        for backend in backends() {
            let (store, _db) = seeded(backend).await;
            let rows: Vec<_> = (0..2_500)
                .map(|i| figures(YEAR, "100001", &upn(i), i))
                .collect();
            let mut tx = store.begin().await.unwrap();
            tx.replace_attendance_figures(
                &import("i1", "100001", YEAR, 1),
                date(2027, 8, 31),
                &rows,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(
                store
                    .attendance_figures_count("100001", YEAR)
                    .await
                    .unwrap(),
                2_500
            );
            for row in &rows {
                assert_eq!(
                    store.attendance_figures_for_upn(&row.upn).await.unwrap(),
                    vec![row.clone()],
                    "{backend:?}"
                );
            }
        }
    }

    /// PostgreSQL keeps a prepared statement's parameter types from its first call on a
    /// connection: each nullable column is written empty first and filled later, through the
    /// same statements in one transaction (so on one connection; the pool's would each have
    /// their own statements).
    #[tokio::test]
    async fn nullable_attendance_columns_written_empty_then_filled_read_back() {
        for backend in backends() {
            let (store, _db) = seeded(backend).await;
            let keep = date(2027, 8, 31);
            let empty = |i| AttendanceFiguresRecord {
                longest_run_first: None,
                longest_run_last: None,
                ehcp: None,
                looked_after: None,
                leaving_date: None,
                last_session: None,
                ..figures(YEAR, "100001", &upn(i), i)
            };
            let filled = |i| AttendanceFiguresRecord {
                longest_run_first: Some(date(2025, 9, 8)),
                longest_run_last: Some(date(2025, 9, 12)),
                ehcp: Some(true),
                looked_after: Some(false),
                leaving_date: Some(date(2026, 1, 9)),
                last_session: Some(date(2025, 11, 20)),
                ..figures(YEAR, "100002", &upn(i), i)
            };
            // A full batch (the statement kept prepared) and a short one, empty first.
            let empty_rows: Vec<_> = (0..1_001).map(empty).collect();
            let filled_rows: Vec<_> = (0..1_001).map(filled).collect();
            let mut tx = store.begin().await.unwrap();
            tx.replace_attendance_figures(&import("i1", "100001", YEAR, 1), keep, &empty_rows)
                .await
                .unwrap();
            tx.replace_attendance_figures(&import("i2", "100002", YEAR, 2), keep, &filled_rows)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            for i in [0, 999, 1_000] {
                assert_eq!(
                    store.attendance_figures_for_upn(&upn(i)).await.unwrap(),
                    vec![empty(i), filled(i)],
                    "{backend:?}"
                );
            }

            let mut tx = store.begin().await.unwrap();
            let mut a = alert("a1", "MN-ABS-3", "100001", &upn(1), AlertPriority::Soon, 1);
            tx.insert_alert(&a).await.unwrap();
            let mut b = alert("a2", "EI-RUN", "100001", &upn(1), AlertPriority::Soon, 2);
            b.pupil_id = Some("p1".into());
            b.decided_measure = Some(12);
            b.pupil_name = Some("Ada Lovelace".into());
            tx.insert_alert(&b).await.unwrap();
            a.pupil_id = Some("p1".into());
            a.decided_measure = Some(10);
            a.pupil_name = Some("Ada Lovelace".into());
            a.status = AlertStatus::Decided;
            assert!(tx.update_alert(&a).await.unwrap());
            b.pupil_id = None;
            b.decided_measure = None;
            b.pupil_name = None;
            assert!(tx.update_alert(&b).await.unwrap());
            tx.insert_alert_event(&event("e1", "a1", 1, "opened"))
                .await
                .unwrap();
            let action = AlertEventRecord {
                action: Some("contacted_school".into()),
                reason: Some("Spoke to the SENCo".into()),
                actor_id: Some("u1".into()),
                figures_json: Some("{}".into()),
                ..event("e2", "a1", 2, "action")
            };
            tx.insert_alert_event(&action).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(store.alert("a1").await.unwrap(), Some(a), "{backend:?}");
            assert_eq!(store.alert("a2").await.unwrap(), Some(b), "{backend:?}");
            assert_eq!(
                store.alert_events("a1").await.unwrap(),
                vec![event("e1", "a1", 1, "opened"), action],
                "{backend:?}"
            );
        }
    }

    #[tokio::test]
    async fn the_alert_list_filters_orders_pages_and_counts() {
        for backend in backends() {
            let (store, _db) = seeded(backend).await;
            use AlertPriority::{Routine, Soon, Urgent};
            let mut decided = alert("d", "MN-ABS-3", "100001", &upn(9), Urgent, 0);
            decided.status = AlertStatus::Decided;
            let alerts = [
                alert("r-late", "MN-ABS-3", "100001", &upn(1), Routine, 9),
                alert("s-early", "EI-RUN", "100002", &upn(2), Soon, 1),
                alert("u-late", "EI-ATT-50", "100001", &upn(3), Urgent, 8),
                alert("s-tie-b", "MN-ABS-3", "100001", &upn(4), Soon, 5),
                alert("s-tie-a", "EI-RUN", "100001", &upn(5), Soon, 5),
                alert("u-early", "MN-ABS-3", "999999", &upn(6), Urgent, 2),
                decided,
            ];
            let mut tx = store.begin().await.unwrap();
            for a in &alerts {
                tx.insert_alert(a).await.unwrap();
            }
            tx.commit().await.unwrap();
            let list = |filter: AlertFilter| {
                let store = store.clone();
                async move {
                    let (rows, total) = store.list_alerts(&filter).await.unwrap();
                    let ids: Vec<String> = rows.into_iter().map(|r| r.alert.id).collect();
                    (ids, total)
                }
            };
            let open = AlertFilter {
                status: Some(AlertStatus::Open),
                limit: 50,
                ..AlertFilter::default()
            };
            // Most urgent first, then longest waiting, then id.
            assert_eq!(
                list(open.clone()).await,
                (
                    vec![
                        "u-early".to_string(),
                        "u-late".into(),
                        "s-early".into(),
                        "s-tie-a".into(),
                        "s-tie-b".into(),
                        "r-late".into(),
                    ],
                    6
                ),
                "{backend:?}"
            );
            let page = AlertFilter {
                limit: 2,
                offset: 2,
                ..open.clone()
            };
            assert_eq!(
                list(page).await,
                (vec!["s-early".to_string(), "s-tie-a".into()], 6),
                "{backend:?}: a page, with the total of every match"
            );
            let school = AlertFilter {
                urn: Some("100001".into()),
                rules: vec!["MN-ABS-3".into(), "EI-RUN".into()],
                ..open.clone()
            };
            assert_eq!(
                list(school).await,
                (
                    vec!["s-tie-a".to_string(), "s-tie-b".into(), "r-late".into()],
                    3
                ),
                "{backend:?}"
            );
            let soon = AlertFilter {
                priority: Some(Soon),
                rules: vec!["EI-RUN".into()],
                ..open.clone()
            };
            assert_eq!(
                list(soon).await,
                (vec!["s-early".to_string(), "s-tie-a".into()], 2),
                "{backend:?}"
            );
            let every_status = AlertFilter {
                status: None,
                limit: 1,
                ..AlertFilter::default()
            };
            assert_eq!(
                list(every_status).await,
                (vec!["d".to_string()], 7),
                "{backend:?}: the decided alert is oldest among the urgent ones"
            );
            let decided_only = AlertFilter {
                status: Some(AlertStatus::Decided),
                limit: 10,
                ..AlertFilter::default()
            };
            assert_eq!(list(decided_only).await, (vec!["d".to_string()], 1));

            let (rows, _) = store.list_alerts(&open).await.unwrap();
            let names: Vec<(String, Option<String>)> = rows
                .into_iter()
                .map(|r| (r.alert.id, r.school_name))
                .take(3)
                .collect();
            assert_eq!(
                names,
                [
                    ("u-early".to_string(), None),
                    ("u-late".into(), Some("School 100001".into())),
                    ("s-early".into(), Some("School 100002".into())),
                ],
                "{backend:?}: the school's name, where the schools list has it"
            );
            let (rows, _) = store.list_alerts(&open).await.unwrap();
            assert_eq!(rows[1].alert, alerts[2], "{backend:?}: the whole alert");

            assert_eq!(
                store.alert_counts_by_rule(AlertStatus::Open).await.unwrap(),
                vec![
                    ("EI-ATT-50".to_string(), 1),
                    ("EI-RUN".into(), 2),
                    ("MN-ABS-3".into(), 3),
                ],
                "{backend:?}"
            );
            assert_eq!(
                store
                    .alert_counts_by_rule(AlertStatus::Decided)
                    .await
                    .unwrap(),
                vec![("MN-ABS-3".to_string(), 1)]
            );
        }
    }

    #[tokio::test]
    async fn alerts_and_their_events_round_trip_with_events_oldest_first() {
        for backend in backends() {
            let (store, _db) = seeded(backend).await;
            // Read back through JSON too: a name with an apostrophe and an accent.
            let first = AlertRecord {
                pupil_name: Some("Zoë O'Brien \"Jo\"".into()),
                decided_measure: Some(2),
                ..alert(
                    "a1",
                    "MN-ABS-3",
                    "100001",
                    &upn(1),
                    AlertPriority::Routine,
                    1,
                )
            };
            let other_year = AlertRecord {
                id: "a0".into(),
                school_year: "2024/25".into(),
                ..alert("a0", "MN-ABS-3", "100001", &upn(1), AlertPriority::Soon, 0)
            };
            let mut tx = store.begin().await.unwrap();
            tx.insert_alert(&first).await.unwrap();
            tx.insert_alert(&other_year).await.unwrap();
            tx.commit().await.unwrap();
            // A failed statement ends a PostgreSQL transaction, so this one is dropped.
            let mut tx = store.begin().await.unwrap();
            let again = alert(
                "a9",
                "MN-ABS-3",
                "100001",
                &upn(1),
                AlertPriority::Urgent,
                3,
            );
            let err = tx.insert_alert(&again).await.unwrap_err();
            assert!(
                matches!(err, StoreError::Duplicate(_)),
                "{backend:?}: one alert per rule, year, school and UPN: {err}"
            );
            drop(tx);

            // An import reads the school's alerts inside its own transaction and updates them.
            let mut tx = store.begin().await.unwrap();
            let found = tx.alert_states_for_school(YEAR, "100001").await.unwrap();
            let state = AlertState {
                id: first.id.clone(),
                rule_id: first.rule_id.clone(),
                upn: first.upn.clone(),
                status: first.status,
                priority: first.priority,
                measure: first.measure,
                decided_measure: first.decided_measure,
                still_met: first.still_met,
                pupil_name: first.pupil_name.clone(),
            };
            assert_eq!(
                found,
                vec![state],
                "{backend:?}: one row, every column read back"
            );
            assert!(
                tx.alert_states_for_school(YEAR, "100002")
                    .await
                    .unwrap()
                    .is_empty()
            );
            let worse = AlertRecord {
                priority: AlertPriority::Urgent,
                measure: 14,
                still_met: false,
                figures_json: "{\"illness_sessions\":14}".into(),
                why: "7 days of illness".into(),
                updated_at: at(6),
                ..first.clone()
            };
            assert!(tx.update_alert(&worse).await.unwrap());
            assert!(
                !tx.update_alert(&alert("nope", "X", "100001", "U", AlertPriority::Soon, 1))
                    .await
                    .unwrap(),
                "no alert with that id"
            );
            assert!(tx.set_alert_no_longer_met("a0", at(7)).await.unwrap());
            assert!(!tx.set_alert_no_longer_met("nope", at(7)).await.unwrap());
            // Written out of order, same instant for two: listed by time, then id.
            tx.insert_alert_event(&event("e3", "a1", 6, "worsened"))
                .await
                .unwrap();
            tx.insert_alert_event(&event("e1", "a1", 1, "opened"))
                .await
                .unwrap();
            let decision = AlertEventRecord {
                action: Some("no_action".into()),
                reason: Some("Known to the school nurse".into()),
                actor_id: Some("u1".into()),
                ..event("e4", "a1", 6, "action")
            };
            tx.insert_alert_event(&decision).await.unwrap();
            let met = AlertEventRecord {
                figures_json: Some("{\"illness_sessions\":12}".into()),
                ..event("e2", "a1", 4, "no_longer_met")
            };
            tx.insert_alert_event(&met).await.unwrap();
            tx.insert_alert_event(&event("e5", "a0", 0, "opened"))
                .await
                .unwrap();
            tx.commit().await.unwrap();

            assert_eq!(
                store.alert("a1").await.unwrap(),
                Some(worse.clone()),
                "{backend:?}"
            );
            assert_eq!(store.alert("missing").await.unwrap(), None);
            assert_eq!(
                store.alert("a0").await.unwrap(),
                Some(AlertRecord {
                    still_met: false,
                    updated_at: at(7),
                    ..other_year.clone()
                }),
                "{backend:?}: only whether it is met, and when"
            );
            assert_eq!(
                store.alert_events("a1").await.unwrap(),
                vec![
                    event("e1", "a1", 1, "opened"),
                    met,
                    event("e3", "a1", 6, "worsened"),
                    decision,
                ],
                "{backend:?}"
            );
            // Newest school year first.
            assert_eq!(
                store.alerts_for_upn(&upn(1)).await.unwrap(),
                vec![
                    worse,
                    AlertRecord {
                        still_met: false,
                        updated_at: at(7),
                        ..other_year
                    }
                ],
                "{backend:?}"
            );
            assert!(store.alerts_for_upn(&upn(2)).await.unwrap().is_empty());

            // An import's update writes what the new figures change, and the opening time only
            // when it re-opens; the first opening, the pupil's record and the retention date
            // stay.
            let before = store.alert("a1").await.unwrap().unwrap();
            let mut tx = store.begin().await.unwrap();
            let mut update = AlertImportUpdate {
                id: "a1",
                status: AlertStatus::Open,
                reopened_at: None,
                priority: AlertPriority::Soon,
                figures_json: "{\"illness_sessions\":20}",
                why: "10 days of illness",
                measure: 20,
                policy_version: "norfolk-2025-09",
                pupil_name: Some("Ada Lovelace"),
                updated_at: at(8),
            };
            assert!(tx.update_alert_on_import(&update).await.unwrap());
            let updated = AlertRecord {
                priority: AlertPriority::Soon,
                figures_json: update.figures_json.into(),
                why: update.why.into(),
                measure: 20,
                still_met: true,
                policy_version: update.policy_version.into(),
                pupil_name: Some("Ada Lovelace".into()),
                updated_at: at(8),
                ..before
            };
            update.reopened_at = Some(at(9));
            update.id = "a0";
            assert!(tx.update_alert_on_import(&update).await.unwrap());
            update.id = "nope";
            assert!(!tx.update_alert_on_import(&update).await.unwrap());
            tx.commit().await.unwrap();
            assert_eq!(
                store.alert("a1").await.unwrap(),
                Some(updated),
                "{backend:?}"
            );
            let reopened = store.alert("a0").await.unwrap().unwrap();
            assert_eq!(
                (
                    reopened.opened_at,
                    reopened.first_opened_at,
                    reopened.still_met
                ),
                (at(9), at(0), true),
                "{backend:?}: re-opened now, first opened when it was"
            );
        }
    }

    #[tokio::test]
    async fn attendance_retention_deletes_only_expired_rows_and_keeps_alerts_linked_to_a_pupil() {
        for backend in backends() {
            let (store, _db) = seeded(backend).await;
            let today = date(2026, 9, 1);
            let mut tx = store.begin().await.unwrap();
            let old = [
                figures("2024/25", "100001", &upn(1), 1),
                figures("2024/25", "100001", &upn(2), 2),
            ];
            tx.replace_attendance_figures(
                &import("old", "100001", "2024/25", 1),
                date(2026, 8, 31),
                &old,
            )
            .await
            .unwrap();
            // Due on `today` itself: kept until the day after.
            let current = [figures(YEAR, "100001", &upn(1), 3)];
            tx.replace_attendance_figures(&import("new", "100001", YEAR, 2), today, &current)
                .await
                .unwrap();
            let expired = AlertRecord {
                delete_after: date(2026, 8, 31),
                ..alert(
                    "gone",
                    "MN-ABS-3",
                    "100001",
                    &upn(1),
                    AlertPriority::Soon,
                    1,
                )
            };
            let linked = AlertRecord {
                pupil_id: Some("p1".into()),
                ..alert(
                    "linked",
                    "EI-RUN",
                    "100001",
                    &upn(1),
                    AlertPriority::Soon,
                    1,
                )
            };
            let linked = AlertRecord {
                delete_after: date(2026, 8, 31),
                ..linked
            };
            let current_alert = AlertRecord {
                delete_after: today,
                ..alert(
                    "kept",
                    "EI-ATT-90",
                    "100001",
                    &upn(1),
                    AlertPriority::Soon,
                    1,
                )
            };
            for a in [&expired, &linked, &current_alert] {
                tx.insert_alert(a).await.unwrap();
            }
            tx.insert_alert_event(&event("e1", "gone", 1, "opened"))
                .await
                .unwrap();
            tx.insert_alert_event(&event("e2", "gone", 2, "worsened"))
                .await
                .unwrap();
            tx.insert_alert_event(&event("e3", "linked", 1, "opened"))
                .await
                .unwrap();
            tx.commit().await.unwrap();

            let mut tx = store.begin().await.unwrap();
            let swept = tx.delete_expired_attendance(today).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(swept, (2, 1), "{backend:?}");
            assert_eq!(
                store.attendance_figures_for_upn(&upn(1)).await.unwrap(),
                vec![current[0].clone()],
                "{backend:?}"
            );
            assert!(
                store
                    .attendance_figures_for_upn(&upn(2))
                    .await
                    .unwrap()
                    .is_empty()
            );
            assert_eq!(store.alert("gone").await.unwrap(), None);
            assert!(store.alert_events("gone").await.unwrap().is_empty());
            assert_eq!(store.alert("linked").await.unwrap(), Some(linked));
            assert_eq!(store.alert_events("linked").await.unwrap().len(), 1);
            assert_eq!(store.alert("kept").await.unwrap(), Some(current_alert));
            // The import no figures are left from goes; the current one stays.
            assert_eq!(
                store
                    .latest_attendance_import("100001")
                    .await
                    .unwrap()
                    .map(|i| i.id),
                Some("new".into())
            );
            let mut tx = store.begin().await.unwrap();
            let next_day = tx
                .delete_expired_attendance(date(2026, 9, 2))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(next_day, (1, 1), "{backend:?}");
            assert_eq!(
                store.latest_attendance_import("100001").await.unwrap(),
                None
            );
            assert!(store.alert("linked").await.unwrap().is_some());
        }
    }
}

/// Issue 17: what the reports read of Part A and the latest Part B is kept beside them when
/// they are written, filled for cases written before it was kept, and read back by the report.
#[tokio::test]
async fn s19_the_report_columns_are_kept_with_the_records_and_filled_for_older_cases() {
    use mns_domain::outcomes::{ConditionGroup, Measures};
    use mns_domain::provision::record::{PartA, PartB};
    use sqlx::Connection;
    for backend in backends() {
        let (store, db) = seeded(backend).await;
        let plan = PartA {
            medical_reason: Some("Fatigue".into()),
            condition_group: Some(ConditionGroup::Cancer),
            baseline: Measures {
                attendance_percent: Some(12.5),
                ..Measures::default()
            },
            ..PartA::default()
        };
        let mut tx = store.begin().await.unwrap();
        tx.save_referral(&referral("c1", "p1", "100001", "accepted", 1))
            .await
            .unwrap();
        tx.save_case(&mns_store::CaseRecord {
            id: "c1".into(),
            pupil_id: Some("p1".into()),
            school_urn: Some("100001".into()),
            state: mns_domain::provision::CaseState::InProvision,
            opened_at: at(1),
            referral_date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            provision_start: NaiveDate::from_ymd_opt(2026, 11, 9),
            period_number: 1,
            period_start: None,
            period_end: None,
            review_due: None,
            continuation_due: None,
            review_held_on: None,
            plan_json: Some(serde_json::to_string(&plan).unwrap()),
            plan_finalised_at: Some(at(2)),
            hours_per_week: Some(plan.hours()),
            full_time_hours: Some(32.5),
            life_limiting: false,
            end_reason: None,
            ended_at: None,
            ends_on: None,
            updated_at: at(2),
            outcome: None,
        })
        .await
        .unwrap();
        let review = PartB {
            held_on: None,
            held_by_school: false,
            progress: String::new(),
            amendments: String::new(),
            steps: Vec::new(),
            reintegration_plan: String::new(),
            actions: Vec::new(),
            measures: Measures {
                attendance_percent: Some(40.0),
                ..Measures::default()
            },
        };
        tx.insert_case_review(&mns_store::ReviewRecord {
            id: "rv1".into(),
            case_id: "c1".into(),
            period_number: 1,
            record_json: serde_json::to_string(&review).unwrap(),
            recorded_by: "u1".into(),
            recorded_at: at(3),
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let package = &plan.package;
        let read = |store: Store| async move {
            let lines = store
                .compliance_lines(&mns_store::ReportFilter::default())
                .await
                .unwrap();
            assert_eq!(lines.len(), 1);
            let line = &lines[0];
            assert_eq!(line.medical_reason.as_deref(), Some("Fatigue"));
            assert_eq!(line.condition_group, Some(ConditionGroup::Cancer));
            assert_eq!(line.package.as_ref(), Some(package));
            assert_eq!(
                line.baseline.as_ref().unwrap().attendance_percent,
                Some(12.5)
            );
            assert_eq!(
                line.latest_measures.as_ref().unwrap().attendance_percent,
                Some(40.0)
            );
            let costed = store
                .costed_cases(
                    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(costed[0].condition_group, Some(ConditionGroup::Cancer));
            store
        };
        let store = read(store).await;
        // A case written before the columns were kept: filled when the store next migrates.
        let mut raw = sqlx::AnyConnection::connect(&db.url).await.unwrap();
        sqlx::query(
            "UPDATE cases SET plan_package = NULL, plan_medical_reason = NULL, \
             plan_condition_group = NULL, plan_baseline = NULL, latest_measures = NULL, \
             report_columns = 0",
        )
        .execute(&mut raw)
        .await
        .unwrap();
        let lines = store
            .compliance_lines(&mns_store::ReportFilter::default())
            .await
            .unwrap();
        assert_eq!(lines[0].condition_group, None);
        store.migrate().await.unwrap();
        read(store).await;
    }
}
