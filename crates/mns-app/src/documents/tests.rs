//! Documents at rest: round trips, tampering, rotation, scope and the key configuration.

use super::*;
use crate::Settings;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{NaiveDate, TimeZone, Utc};
use mns_domain::identity::Role;
use mns_store::testing::{TestDb, fresh_store};
use mns_store::{Backend, PupilRecord, SchoolRecord, UserRecord};

/// A real one-page PDF whose text (uncompressed) names a child, to look for at rest.
const LETTER: &[u8] = include_bytes!("test_letter.pdf");
const SECRET_LINE: &[u8] = b"Alex has been admitted to the ward";

fn key_text(id: &str, byte: u8) -> String {
    format!("{id}:{}", STANDARD.encode([byte; KEY_BYTES]))
}

fn keys() -> DocumentKeys {
    DocumentKeys::parse(&key_text("k1", 1)).unwrap()
}

fn actor(id: &str, role: Role, school: Option<&str>) -> Actor {
    Actor {
        user: UserRecord {
            id: id.into(),
            email: format!("{id}@example.org"),
            display_name: id.into(),
            role,
            school_urn: school.map(str::to_string),
            disabled_at: None,
            created_at: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
        },
        source: "127.0.0.1".into(),
    }
}

struct Fixture {
    app: App,
    _db: TestDb,
    coordinator: Actor,
    school_a: Actor,
    school_b: Actor,
    auditor: Actor,
}

/// Two schools, a pupil at each, a school user at each, a coordinator and an auditor.
async fn fixture() -> Fixture {
    let (store, db) = fresh_store(Backend::Sqlite).await;
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
    let coordinator = actor("coordinator", Role::Coordinator, None);
    let school_a = actor("school-a", Role::School, Some("100001"));
    let school_b = actor("school-b", Role::School, Some("100002"));
    let auditor = actor("auditor", Role::Auditor, None);
    let mut tx = store.begin().await.unwrap();
    for urn in ["100001", "100002"] {
        let school = SchoolRecord {
            urn: urn.into(),
            name: format!("School {urn}"),
            ..SchoolRecord::default()
        };
        tx.upsert_school(&school, now).await.unwrap();
    }
    for a in [&coordinator, &school_a, &school_b, &auditor] {
        tx.insert_user(&a.user).await.unwrap();
    }
    for (id, urn) in [("pupil-a", "100001"), ("pupil-b", "100002")] {
        tx.insert_pupil(&PupilRecord {
            id: id.into(),
            upn: None,
            given_name: "Alex".into(),
            family_name: id.into(),
            date_of_birth: NaiveDate::from_ymd_opt(2014, 2, 3).unwrap(),
            school_urn: Some(urn.into()),
            created_at: now,
            updated_at: now,
        })
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    Fixture {
        app: App::new(store, Settings::new("http://localhost")).with_document_keys(keys()),
        _db: db,
        coordinator,
        school_a,
        school_b,
        auditor,
    }
}

async fn upload(f: &Fixture) -> DocumentMeta {
    f.app
        .store_document(
            &f.school_a,
            DocumentOwner::Pupil,
            "pupil-a",
            "letter.pdf",
            LETTER,
        )
        .await
        .unwrap()
}

fn internal_message(err: AppError) -> String {
    match err {
        e @ AppError::Internal { .. } => e.chain(),
        other => panic!("expected an internal error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_document_round_trips_and_its_upload_and_download_are_audited() {
    let f = fixture().await;
    let meta = upload(&f).await;
    assert_eq!(meta.kind, DocumentKind::Pdf);
    assert_eq!(meta.filename, "letter.pdf");
    assert_eq!(meta.size, i64::try_from(LETTER.len()).unwrap());
    assert_eq!(meta.key_id, "k1");
    assert_eq!(meta.uploaded_by, "school-a");

    let (read, content) = f.app.read_document(&f.coordinator, &meta.id).await.unwrap();
    assert_eq!(read, meta);
    assert_eq!(content, LETTER);
    assert_eq!(
        f.app
            .list_documents(&f.school_a, DocumentOwner::Pupil, "pupil-a")
            .await
            .unwrap(),
        vec![meta.clone()]
    );

    let trail = f
        .app
        .store
        .audit_for_record("pupil", "pupil-a", 10)
        .await
        .unwrap();
    let actions: Vec<(&str, &str, &str)> = trail
        .iter()
        .map(|e| (e.action.as_str(), e.actor_id.as_str(), e.detail.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("document.download", "coordinator", meta.id.as_str()),
            ("document.upload", "school-a", meta.id.as_str()),
        ]
    );
}

#[tokio::test]
async fn the_stored_ciphertext_does_not_contain_the_plaintext() {
    let f = fixture().await;
    let meta = upload(&f).await;
    let stored = f.app.store.get_document(&meta.id).await.unwrap().unwrap();
    assert_eq!(stored.ciphertext.len(), LETTER.len() + 16, "content + tag");
    assert_eq!(stored.nonce.len(), NONCE_BYTES);
    for haystack in [&stored.ciphertext, &stored.wrapped_key] {
        assert!(
            !haystack
                .windows(SECRET_LINE.len())
                .any(|w| w == SECRET_LINE)
        );
        assert!(!haystack.windows(5).any(|w| w == b"%PDF-"));
        assert!(!haystack.windows(KEY_BYTES).any(|w| w == [1; KEY_BYTES]));
    }
    // A second upload of the same file gets its own data key and nonce.
    let again = upload(&f).await;
    let other = f.app.store.get_document(&again.id).await.unwrap().unwrap();
    assert_ne!(other.ciphertext, stored.ciphertext);
    assert_ne!(other.wrapped_key, stored.wrapped_key);
}

async fn insert_raw(f: &Fixture, record: &DocumentRecord) {
    let mut tx = f.app.store.begin().await.unwrap();
    tx.insert_document(record).await.unwrap();
    tx.commit().await.unwrap();
}

/// Stores a correctly sealed letter under a new id after `tamper` has altered it (the store
/// cannot change a document's content, as the service never does), and returns the id.
async fn store_tampered(f: &Fixture, tamper: impl FnOnce(&mut DocumentRecord)) -> String {
    let mut record = f
        .app
        .store
        .get_document(&upload(f).await.id)
        .await
        .unwrap()
        .unwrap();
    record.meta.id = new_id();
    let sealed = seal(&keys(), &record.meta.id, LETTER).unwrap();
    record.wrapped_key = sealed.wrapped_key;
    record.nonce = sealed.nonce;
    record.ciphertext = sealed.ciphertext;
    tamper(&mut record);
    insert_raw(f, &record).await;
    record.meta.id
}

#[tokio::test]
async fn a_flipped_byte_fails_to_decrypt_instead_of_giving_wrong_content() {
    let f = fixture().await;
    let untouched = store_tampered(&f, |_| {}).await;
    let (_, content) = f
        .app
        .read_document(&f.coordinator, &untouched)
        .await
        .unwrap();
    assert_eq!(content, LETTER, "the helper itself seals correctly");

    type Flip = (fn(&mut DocumentRecord), &'static str);
    let flips: [Flip; 4] = [
        (|r| r.ciphertext[10] ^= 0x01, "failed authentication"),
        (
            |r| r.ciphertext[LETTER.len()] ^= 0x01,
            "failed authentication",
        ),
        (|r| r.nonce[0] ^= 0x01, "failed authentication"),
        (|r| r.wrapped_key[30] ^= 0x80, "does not unwrap"),
    ];
    for (flip, cause) in flips {
        let id = store_tampered(&f, flip).await;
        let err = f.app.read_document(&f.coordinator, &id).await.unwrap_err();
        let message = internal_message(err);
        assert!(message.contains(cause), "{message}");
    }
}

#[tokio::test]
async fn a_ciphertext_moved_to_another_document_does_not_open() {
    let f = fixture().await;
    let meta = upload(&f).await;
    let original = f.app.store.get_document(&meta.id).await.unwrap().unwrap();
    // Moved whole: the wrapped key is bound to its document too.
    let mut copy = original.clone();
    copy.meta.id = new_id();
    insert_raw(&f, &copy).await;
    let err = f
        .app
        .read_document(&f.coordinator, &copy.meta.id)
        .await
        .unwrap_err();
    assert!(internal_message(err).contains("does not unwrap"));
    // Even with its data key properly re-wrapped for the new row, the content is bound
    // to the original document's id.
    let mut copy = original.clone();
    copy.meta.id = new_id();
    let data_key = unwrap(&keys(), &meta.id, "k1", &original.wrapped_key).unwrap();
    copy.wrapped_key = wrap(&keys().current, &copy.meta.id, &data_key).unwrap();
    insert_raw(&f, &copy).await;
    let err = f
        .app
        .read_document(&f.coordinator, &copy.meta.id)
        .await
        .unwrap_err();
    assert!(internal_message(err).contains("failed authentication"));
}

#[tokio::test]
async fn a_wrong_or_missing_key_fails_with_a_clear_cause() {
    let f = fixture().await;
    let meta = upload(&f).await;
    let same_id_other_key = DocumentKeys::parse(&key_text("k1", 2)).unwrap();
    let err = f
        .app
        .clone()
        .with_document_keys(same_id_other_key)
        .read_document(&f.coordinator, &meta.id)
        .await
        .unwrap_err();
    assert!(internal_message(err).contains("does not unwrap with document key 'k1'"));
    let other_id = DocumentKeys::parse(&key_text("k2", 1)).unwrap();
    let err = f
        .app
        .clone()
        .with_document_keys(other_id)
        .read_document(&f.coordinator, &meta.id)
        .await
        .unwrap_err();
    assert!(internal_message(err).contains("'k1', which is not configured"));
    let trail = f
        .app
        .store
        .audit_for_record("pupil", "pupil-a", 10)
        .await
        .unwrap();
    assert!(
        trail.iter().all(|e| e.action != "document.download"),
        "a failed download is not recorded as one"
    );
}

#[tokio::test]
async fn rotation_rewraps_every_key_and_documents_then_read_with_only_the_new_key() {
    let f = fixture().await;
    let old = keys();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(upload(&f).await.id);
    }
    let before = f.app.store.get_document(&ids[0]).await.unwrap().unwrap();
    let rotated = old.with_new_current("k2").unwrap();
    assert_eq!(rotated.ids(), ["k2", "k1"]);
    // A document uploaded during the rotation is already under the new key.
    let during = Fixture {
        app: f.app.clone().with_document_keys(rotated.clone()),
        ..f
    };
    ids.push(upload(&during).await.id);
    let f = during;

    assert_eq!(f.app.rewrap_documents().await.unwrap(), 3);
    assert_eq!(
        f.app.rewrap_documents().await.unwrap(),
        0,
        "a second run has nothing to do"
    );
    let after = f.app.store.get_document(&ids[0]).await.unwrap().unwrap();
    assert_eq!(after.meta.key_id, "k2");
    assert_ne!(after.wrapped_key, before.wrapped_key);
    assert_eq!(after.ciphertext, before.ciphertext, "content untouched");
    assert_eq!(after.nonce, before.nonce);

    let new_only = rotated.current_only();
    assert_eq!(new_only.ids(), ["k2"]);
    for id in &ids {
        let (meta, content) = f
            .app
            .clone()
            .with_document_keys(new_only.clone())
            .read_document(&f.coordinator, id)
            .await
            .unwrap();
        assert_eq!(meta.key_id, "k2");
        assert_eq!(content, LETTER);
    }
    // The old key alone no longer opens them.
    assert!(
        f.app
            .clone()
            .with_document_keys(old)
            .read_document(&f.coordinator, &ids[0])
            .await
            .is_err()
    );
    let rotations = f
        .app
        .store
        .audit_for_record("document_key", "k2", 10)
        .await
        .unwrap();
    assert_eq!(rotations.len(), 1);
    assert_eq!(rotations[0].action, "document.rewrap");
}

#[tokio::test]
async fn rotation_without_the_old_key_stops_with_a_clear_cause() {
    let f = fixture().await;
    upload(&f).await;
    let unrelated = DocumentKeys::parse(&key_text("k2", 2)).unwrap();
    let err = f
        .app
        .clone()
        .with_document_keys(unrelated)
        .rewrap_documents()
        .await
        .unwrap_err();
    assert!(internal_message(err).contains("'k1', which is not configured"));
}

#[tokio::test]
async fn a_school_user_cannot_reach_another_schools_pupils_documents() {
    let f = fixture().await;
    let meta = upload(&f).await;
    assert!(matches!(
        f.app.read_document(&f.school_b, &meta.id).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        f.app
            .list_documents(&f.school_b, DocumentOwner::Pupil, "pupil-a")
            .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        f.app
            .store_document(
                &f.school_b,
                DocumentOwner::Pupil,
                "pupil-a",
                "x.pdf",
                LETTER
            )
            .await,
        Err(AppError::NotFound)
    ));
    // A missing document and a missing pupil look the same.
    assert!(matches!(
        f.app.read_document(&f.school_b, "no-such-id").await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        f.app
            .store_document(
                &f.school_a,
                DocumentOwner::Pupil,
                "no-such-pupil",
                "x.pdf",
                LETTER
            )
            .await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn mn_role_6_read_only_roles_may_read_but_not_upload() {
    let f = fixture().await;
    let meta = upload(&f).await;
    assert!(f.app.read_document(&f.auditor, &meta.id).await.is_ok());
    assert!(matches!(
        f.app
            .store_document(&f.auditor, DocumentOwner::Pupil, "pupil-a", "x.pdf", LETTER)
            .await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn documents_belong_only_to_record_types_that_allow_them() {
    let f = fixture().await;
    assert!(matches!(
        f.app
            .store_document(
                &f.coordinator,
                DocumentOwner::Referral,
                "pupil-a",
                "x.pdf",
                LETTER
            )
            .await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn a_wrong_extension_upload_is_refused_naming_the_file() {
    let f = fixture().await;
    let err = f
        .app
        .store_document(
            &f.school_a,
            DocumentOwner::Pupil,
            "pupil-a",
            "notes.docx",
            LETTER,
        )
        .await
        .unwrap_err();
    let AppError::Invalid(problems) = err else {
        panic!("expected invalid input, got {err:?}");
    };
    assert_eq!(problems[0].field, "document");
    assert_eq!(
        problems[0].message,
        "notes.docx is not a Word document: its contents do not match its name"
    );
    assert!(
        f.app
            .list_documents(&f.school_a, DocumentOwner::Pupil, "pupil-a")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_stored_name_is_cleaned() {
    let f = fixture().await;
    let meta = f
        .app
        .store_document(
            &f.school_a,
            DocumentOwner::Pupil,
            "pupil-a",
            "C:\\Users\\me\\\"letter\"\r\n.pdf",
            LETTER,
        )
        .await
        .unwrap();
    assert_eq!(meta.filename, "letter.pdf");
}

#[test]
fn document_keys_parse_with_the_first_current() {
    let keys =
        DocumentKeys::parse(&format!(" {} ,\n{},", key_text("k2", 2), key_text("k1", 1))).unwrap();
    assert_eq!(keys.current_id(), "k2");
    assert_eq!(keys.ids(), ["k2", "k1"]);
    assert_eq!(
        DocumentKeys::parse(&keys.expose_config_text())
            .unwrap()
            .expose_config_text(),
        keys.expose_config_text()
    );
}

#[test]
fn bad_document_keys_are_refused_with_a_clear_error() {
    let short = format!("k1:{}", STANDARD.encode([7u8; 16]));
    let cases = [
        ("", "no key is set"),
        (" , ", "no key is set"),
        ("k1", "entry 1 is not in the form ID:BASE64KEY"),
        ("k1:!!!notbase64!!!", "'k1' is not valid base64"),
        (short.as_str(), "'k1' is 16 bytes long; a key must be 32"),
        (":AAAA", "entry 1 has an id"),
        ("bad id:AAAA", "entry 1 has an id"),
    ];
    for (text, expected) in cases {
        let err = DocumentKeys::parse(text).unwrap_err().to_string();
        assert!(err.contains(expected), "{text:?}: {err}");
    }
    let twice = format!("{},{}", key_text("k1", 1), key_text("k1", 2));
    assert_eq!(
        DocumentKeys::parse(&twice).unwrap_err().to_string(),
        "the key id 'k1' is given twice"
    );
}

#[test]
fn no_error_or_debug_output_contains_key_material() {
    let secret = STANDARD.encode([0xAB; KEY_BYTES]);
    let keys = DocumentKeys::parse(&format!("k1:{secret}")).unwrap();
    let debug = format!("{keys:?}");
    assert!(
        !debug.contains(&secret) && !debug.contains("171"),
        "{debug}"
    );
    assert!(debug.contains("k1"));
    let bad = DocumentKeys::parse(&format!("k1:{}", &secret[..20]))
        .unwrap_err()
        .to_string();
    assert!(!bad.contains(&secret[..20]), "{bad}");
    let not_an_entry = DocumentKeys::parse(&secret).unwrap_err().to_string();
    assert!(!not_an_entry.contains(&secret[..10]), "{not_an_entry}");
}

#[test]
fn a_key_file_is_created_private_and_loaded_again() {
    let dir = std::env::temp_dir().join(format!("mns-document-keys-{}", new_id()));
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("document-keys");
    let created = DocumentKeys::load_or_create(&path).unwrap();
    assert_eq!(created.ids(), ["k1"]);
    let loaded = DocumentKeys::load_or_create(&path).unwrap();
    assert_eq!(loaded.expose_config_text(), created.expose_config_text());
    assert!(
        DocumentKeys::generate_file(&path).is_err(),
        "an existing key file is never overwritten"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
