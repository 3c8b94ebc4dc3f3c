//! The load benchmark's data: 300 schools, 100,000 pupils each with a referral (10,000 of them
//! accepted, each with a case: one in ten in provision, the rest ended), 50,000 Local Offer services, a coordinator with a
//! signed-in session; and the fresh PostgreSQL database it is written to.

use chrono::{Duration, NaiveDate, Utc};
use mns_app::demo::directory::generate_directory;
use mns_app::documents::DocumentKeys;
use mns_app::{App, Settings, system_actor};
use mns_domain::directory::{Organization, Service};
use mns_domain::identity::Role;
use mns_domain::provision::timeline::CaseState;
use mns_store::{
    CaseRecord, PupilRecord, ReferralRecord, SchoolRecord, SessionRecord, Store, UserRecord,
};
use sqlx::{Connection, Executor};
use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

/// What the pages are asked for: a referral, a case, and the coordinator's session token.
pub struct Ids {
    pub referral: String,
    pub case: String,
    pub session: String,
}

const STATUSES: [&str; 5] = [
    "submitted",
    "information_requested",
    "waiting_for_evidence",
    "declined",
    "draft",
];

/// Rows written per transaction.
const CHUNK: usize = 5_000;

async fn app(url: &str, keys: &str) -> App {
    let keys = DocumentKeys::parse(keys).expect("the benchmark's keys");
    let store = Store::connect(url)
        .await
        .expect("the benchmark's database")
        .with_audit_keys(keys.to_audit_keys());
    store.migrate().await.expect("migrate");
    App::new(store, Settings::new("http://localhost")).with_document_keys(keys)
}

/// Writes the dataset to the database at `url` (migrating it first).
pub async fn fill(url: &str, keys: &str) -> Ids {
    let referrals = super::env_number("MNS_BENCH_REFERRALS", 100_000);
    let cases = super::env_number("MNS_BENCH_CASES", 10_000).min(referrals);
    let services = super::env_number("MNS_BENCH_SERVICES", 50_000);
    let started = Instant::now();
    let app = app(url, keys).await;
    let store = app.store_for_tests();
    let now = Utc::now();
    let mut tx = store.begin().await.expect("begin");
    for s in 0..300 {
        tx.upsert_school(
            &SchoolRecord {
                urn: format!("{}", 120_000 + s),
                name: format!("School {s}"),
                ..SchoolRecord::default()
            },
            now,
        )
        .await
        .expect("a school");
    }
    tx.insert_user(&UserRecord {
        id: "load-coordinator".into(),
        email: "coordinator@load.example".into(),
        display_name: "Load Coordinator".into(),
        role: Role::Coordinator,
        school_urn: None,
        disabled_at: None,
        created_at: now,
    })
    .await
    .expect("the coordinator");
    tx.commit().await.expect("commit");
    let first_day = NaiveDate::from_ymd_opt(2024, 9, 2).expect("a date");
    for start in (0..referrals).step_by(CHUNK) {
        let mut tx = store.begin().await.expect("begin");
        for n in start..(start + CHUNK).min(referrals) {
            let school = format!("{}", 120_000 + n % 300);
            let pupil = format!("p{n:07}");
            tx.insert_pupil(&PupilRecord {
                id: pupil.clone(),
                upn: None,
                given_name: format!("Given{n}"),
                family_name: format!("Family{}", n % 5000),
                date_of_birth: NaiveDate::from_ymd_opt(2012, 1, 1).expect("a date"),
                school_urn: Some(school.clone()),
                created_at: now,
                updated_at: now,
            })
            .await
            .expect("a pupil");
            let status = if n < cases {
                "accepted"
            } else {
                STATUSES[n % STATUSES.len()]
            };
            let day = first_day + Duration::days((n % 800) as i64);
            let id = format!("r{n:07}");
            tx.save_referral(&ReferralRecord {
                id: id.clone(),
                pupil_id: Some(pupil.clone()),
                school_urn: Some(school.clone()),
                status: status.into(),
                form_json: "{}".into(),
                created_by: "load-coordinator".into(),
                created_at: now,
                updated_at: now,
                submitted_at: (status != "draft").then_some(now),
                referral_date: Some(day),
                waiting_for_evidence_since: (status == "waiting_for_evidence").then_some(day),
                decided_at: (status == "accepted" || status == "declined").then_some(now),
                policy_version: None,
                origin: "school".into(),
            })
            .await
            .expect("a referral");
            if n < cases {
                let provision = day + Duration::days(10);
                tx.save_case(&CaseRecord {
                    id,
                    pupil_id: Some(pupil),
                    school_urn: Some(school),
                    // Most cases of a service's history have ended; one in ten is open.
                    state: if n % 10 == 0 {
                        CaseState::InProvision
                    } else {
                        CaseState::Ended
                    },
                    opened_at: now,
                    referral_date: day,
                    provision_start: Some(provision),
                    period_number: 1,
                    period_start: Some(provision),
                    period_end: Some(provision + Duration::days(84)),
                    review_due: Some(provision + Duration::days(70)),
                    continuation_due: Some(provision + Duration::days(63)),
                    review_held_on: None,
                    plan_json: None,
                    plan_finalised_at: None,
                    hours_per_week: Some(15.0),
                    full_time_hours: Some(25.0),
                    life_limiting: false,
                    end_reason: None,
                    ended_at: (n % 10 != 0).then_some(now),
                    ends_on: None,
                    updated_at: now,
                    outcome: None,
                })
                .await
                .expect("a case");
            }
        }
        tx.commit().await.expect("commit");
    }
    let actor = system_actor("bench");
    app.ensure_directory_taxonomies().await.expect("taxonomies");
    app.import_postcodes(
        &actor,
        include_str!("../../../mns-app/data/uk-outcodes.csv").as_bytes(),
    )
    .await
    .expect("postcodes");
    let generated = generate_directory(services, 7, app.today());
    let organizations: HashMap<&str, &Organization> = generated
        .organizations
        .iter()
        .map(|o| (o.id.as_str(), o))
        .collect();
    for chunk in generated.services.chunks(CHUNK) {
        let ids: BTreeSet<&str> = chunk.iter().map(|s| s.organization_id.as_str()).collect();
        let orgs: Vec<Organization> = ids.iter().map(|id| organizations[id].clone()).collect();
        app.import_directory(&actor, &orgs, &[], chunk as &[Service], "benchmark")
            .await
            .expect("services");
    }
    // The day's review reminders for the directory's stale entries (thousands, the first day),
    // sent now and marked delivered, so that the server measured is in its steady state: its
    // worker has no backlog of writes to make beside the pages.
    let reminded = app
        .send_review_reminders(&actor)
        .await
        .expect("review reminders");
    let mut settle = sqlx::AnyConnection::connect(url).await.expect("connect");
    sqlx::query("UPDATE outbox SET sent_at = created_at, sent_by = 'load-bench'")
        .execute(&mut settle)
        .await
        .expect("settle the outbox");
    println!("{reminded} review reminders settled before the run");
    store.analyze().await.expect("analyse");
    let token = format!("load-{}-{}", mns_store::new_id(), mns_store::new_id());
    store
        .insert_session(&SessionRecord {
            token_hash: mns_app::identity::token_hash(&token),
            user_id: "load-coordinator".into(),
            csrf_token: mns_store::new_id(),
            second_factor_at: Some(now),
            created_at: now,
            last_seen_at: now,
            expires_at: now + Duration::hours(12),
        })
        .await
        .expect("the session");
    println!(
        "{:?}: {referrals} referrals, {cases} cases and {services} services written in {:.0} s",
        store.backend(),
        started.elapsed().as_secs_f64()
    );
    Ids {
        // The newest submitted referral (every fifth referral after the cases is submitted).
        referral: format!("r{:07}", (referrals - 1) / 5 * 5),
        // An open case (every tenth).
        case: format!("r{:07}", cases / 20 * 10),
        session: token,
    }
}

/// Queues `n` messages in the outbox; returns `n`.
pub async fn queue_messages(url: &str, n: usize) -> usize {
    let store = Store::connect(url).await.expect("the database");
    let mut tx = store.begin().await.expect("begin");
    for i in 0..n {
        tx.enqueue_message(
            &format!("person{i}@load.example"),
            "Load benchmark",
            "A message queued before the two instances started.",
            Utc::now(),
        )
        .await
        .expect("a message");
    }
    tx.commit().await.expect("commit");
    n
}

/// Renames one service to `marker`, as an import would: a change the instances' search
/// indexes must pick up from the database.
pub async fn add_marker_service(url: &str, marker: &str) {
    let app = app(url, super::KEYS).await;
    let generated = generate_directory(1, 7, app.today());
    let mut service = generated.services[0].clone();
    service.name = marker.to_string();
    let organization = generated
        .organizations
        .iter()
        .find(|o| o.id == service.organization_id)
        .expect("its organisation")
        .clone();
    app.import_directory(
        &system_actor("bench"),
        &[organization],
        &[],
        &[service],
        "benchmark marker",
    )
    .await
    .expect("the marker service");
}

/// A PostgreSQL database made for this run.
pub struct Postgres {
    pub url: String,
    server: String,
    name: String,
}

impl Postgres {
    /// Drops the database.
    pub async fn drop_database(&self) {
        if let Ok(mut admin) = sqlx::PgConnection::connect(&self.server).await {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name).as_str())
                .await;
        }
    }
}

/// A fresh database on the server at `MNS_TEST_POSTGRES_URL` (or `default`), or `None` when
/// it does not answer.
pub async fn fresh_postgres(default: &str) -> Option<Postgres> {
    let server = std::env::var("MNS_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| default.to_string());
    let mut admin = sqlx::PgConnection::connect(&server).await.ok()?;
    // Databases of runs that were stopped before they could drop theirs.
    let stale: Vec<(String,)> =
        sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'mns_load_%'")
            .fetch_all(&mut admin)
            .await
            .ok()?;
    for (old,) in stale {
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)").as_str())
            .await;
    }
    let name = format!("mns_load_{}", std::process::id());
    admin
        .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
        .await
        .ok()?;
    admin
        .execute(format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .ok()?;
    let base = server.split('?').next().unwrap_or(&server);
    let cut = base
        .rfind('/')
        .filter(|&i| i > "postgres://".len())
        .unwrap_or(base.len());
    Some(Postgres {
        url: format!("{}/{name}", &base[..cut]),
        server,
        name,
    })
}
