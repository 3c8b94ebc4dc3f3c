//! The coordinator's queue with 100,000 referrals: how long one page, a filtered page, a deep
//! page and the status counts take. Runs on SQLite, and on PostgreSQL when
//! `MNS_TEST_POSTGRES_URL` is set. Prints p50/p99/max per query; asserts nothing.
//!
//! `cargo bench -p mns-store --bench queue` (set `MNS_BENCH_REFERRALS` to change the size).

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use mns_domain::identity::Role;
use mns_store::testing::{backends, fresh_store};
use mns_store::{PupilRecord, QueueFilter, ReferralRecord, SchoolRecord, Store, UserRecord};
use std::time::Instant;

const STATUSES: [&str; 6] = [
    "submitted",
    "information_requested",
    "waiting_for_evidence",
    "accepted",
    "declined",
    "draft",
];

async fn fill(store: &Store, referrals: usize) {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
    let mut tx = store.begin().await.unwrap();
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
        .unwrap();
    }
    tx.insert_user(&UserRecord {
        id: "bench".into(),
        email: "bench@example.org".into(),
        display_name: "Bench".into(),
        role: Role::Coordinator,
        school_urn: None,
        disabled_at: None,
        created_at: now,
    })
    .await
    .unwrap();
    let first_day = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap();
    for n in 0..referrals {
        let school = format!("{}", 120_000 + n % 300);
        let pupil = format!("p{n}");
        tx.insert_pupil(&PupilRecord {
            id: pupil.clone(),
            upn: None,
            given_name: format!("Given{n}"),
            family_name: format!("Family{}", n % 5000),
            date_of_birth: NaiveDate::from_ymd_opt(2012, 1, 1).unwrap(),
            school_urn: Some(school.clone()),
            created_at: now,
            updated_at: now,
        })
        .await
        .unwrap();
        let status = STATUSES[n % STATUSES.len()];
        let day = first_day + Duration::days((n % 800) as i64);
        tx.save_referral(&ReferralRecord {
            id: format!("r{n:07}"),
            pupil_id: Some(pupil),
            school_urn: Some(school),
            status: status.into(),
            form_json: "{}".into(),
            created_by: "bench".into(),
            created_at: now,
            updated_at: now,
            submitted_at: (status != "draft").then_some(now),
            referral_date: Some(day),
            waiting_for_evidence_since: (status == "waiting_for_evidence").then_some(day),
            decided_at: None,
            policy_version: None,
            origin: "school".into(),
        })
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn measure<F, Fut>(name: &str, runs: usize, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut times = Vec::with_capacity(runs);
    let mut rows = 0;
    for _ in 0..runs {
        let start = Instant::now();
        rows = f().await;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "  {name:<44} rows {rows:>4}  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        p(0.5),
        p(0.99),
        times[times.len() - 1]
    );
}

#[tokio::main]
async fn main() {
    let referrals: usize = std::env::var("MNS_BENCH_REFERRALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    for backend in backends() {
        let (store, _db) = fresh_store(backend).await;
        let start = Instant::now();
        fill(&store, referrals).await;
        store.analyze().await.unwrap();
        println!(
            "{backend:?}: {referrals} referrals loaded in {:.1} s",
            start.elapsed().as_secs_f64()
        );
        let runs = 200;
        measure("first page (50, oldest first)", runs, || async {
            store
                .referral_queue(&QueueFilter {
                    limit: 50,
                    ..Default::default()
                })
                .await
                .unwrap()
                .len()
        })
        .await;
        measure("waiting for evidence, first page", runs, || async {
            store
                .referral_queue(&QueueFilter {
                    statuses: vec!["waiting_for_evidence".into()],
                    limit: 50,
                    ..Default::default()
                })
                .await
                .unwrap()
                .len()
        })
        .await;
        measure(
            "new + information requested, newest first",
            runs,
            || async {
                store
                    .referral_queue(&QueueFilter {
                        statuses: vec!["submitted".into(), "information_requested".into()],
                        newest_first: true,
                        limit: 50,
                        ..Default::default()
                    })
                    .await
                    .unwrap()
                    .len()
            },
        )
        .await;
        measure("one school's referrals", runs, || async {
            store
                .referral_queue(&QueueFilter {
                    school_urn: Some("120007".into()),
                    limit: 50,
                    ..Default::default()
                })
                .await
                .unwrap()
                .len()
        })
        .await;
        // Page 100 by cursor: the line before it, then the page after that line.
        let before = store
            .referral_queue(&QueueFilter {
                limit: 4950,
                ..Default::default()
            })
            .await
            .unwrap();
        let last = before.last().expect("a line");
        let after = mns_store::QueuePage::After(mns_store::QueueCursor::of(
            last.referral_date.expect("a date"),
            &last.id,
        ));
        measure("page 100 (after a cursor)", runs, || async {
            store
                .referral_queue(&QueueFilter {
                    limit: 50,
                    page: after.clone(),
                    ..Default::default()
                })
                .await
                .unwrap()
                .len()
        })
        .await;
        measure("counts by status (kept counts)", runs, || async {
            store.referral_counts(None).await.unwrap().len()
        })
        .await;
        measure("counts by status (counting, before)", runs, || async {
            store.referral_counts_by_counting(None).await.unwrap().len()
        })
        .await;
        assert_eq!(
            store.referral_counts(None).await.unwrap(),
            store.referral_counts_by_counting(None).await.unwrap(),
            "the kept counts are true"
        );
    }
}
