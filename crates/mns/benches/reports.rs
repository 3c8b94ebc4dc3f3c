//! The reports' benchmark (issue 17): ten years of a large county, 50,000 cases with their
//! finalised packages and 2 million sessions, and each dashboard and export timed through the
//! application (permissions, audit and all), on SQLite and, when it answers, PostgreSQL.
//!
//! `cargo bench -p mns --bench reports`. `MNS_BENCH_CASES` (50,000), `MNS_BENCH_SESSIONS`
//! (2,000,000) and `MNS_BENCH_RUNS` (20 per measure) change the sizes; PostgreSQL is measured
//! in a database of its own, dropped afterwards, at `MNS_TEST_POSTGRES_URL` (or
//! `postgres://postgres@127.0.0.1:5432/postgres`). Prints p50 and p99 per report and
//! database; asserts nothing about speed.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use mns_app::costs::NewPrice;
use mns_app::reports::{ComplianceTable, ExportFormat, ReportFilter};
use mns_app::{Actor, App, Settings};
use mns_domain::identity::Role;
use mns_domain::outcomes::ConditionGroup;
use mns_domain::provision::record::PartA;
use mns_domain::provision::timeline::CaseState;
use mns_domain::provision::{Component, Package};
use mns_store::{
    CaseRecord, PupilRecord, ReferralRecord, SchoolRecord, SessionLogRecord, Store, UserRecord,
};
use sqlx::{Connection, Executor};
use std::time::Instant;

const DISTRICTS: [&str; 7] = [
    "Breckland",
    "Broadland",
    "Great Yarmouth",
    "King's Lynn and West Norfolk",
    "North Norfolk",
    "Norwich",
    "South Norfolk",
];
const CHUNK: usize = 5_000;
const KEYS: &str = "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn plan(n: usize) -> PartA {
    PartA {
        package: Package::new(match n % 4 {
            0 => vec![
                Component::Hlsa {
                    hours_per_week: 5.0,
                },
                Component::OnlineLearning {
                    provider: "Home school".into(),
                    hours_per_week: 10.0,
                },
            ],
            1 => vec![
                Component::OnlineLearning {
                    provider: "Norfolk Online Academy".into(),
                    hours_per_week: 20.0,
                },
                Component::Av1Robot {
                    hours_per_week: 12.5,
                },
            ],
            2 => vec![Component::AlternativeProvision {
                hours_per_week: 15.0,
            }],
            _ => vec![
                Component::Hlsa {
                    hours_per_week: 8.0,
                },
                Component::HomeSchoolContact {
                    hours_per_week: 1.0,
                },
            ],
        }),
        medical_reason: (!n.is_multiple_of(7)).then(|| "Fatigue".to_string()),
        condition_group: Some(ConditionGroup::ALL[n % ConditionGroup::ALL.len()]),
        ..PartA::default()
    }
}

async fn app(url: &str) -> App {
    let keys = mns_app::documents::DocumentKeys::parse(KEYS).expect("keys");
    let store = Store::connect(url)
        .await
        .expect("the benchmark's database")
        .with_audit_keys(keys.to_audit_keys());
    store.migrate().await.expect("migrate");
    App::new(store, Settings::new("http://localhost")).with_document_keys(keys)
}

/// Writes ten years of cases, their packages and sessions, and a price list.
async fn fill(app: &App) -> Actor {
    let cases = env_number("MNS_BENCH_CASES", 50_000);
    let sessions = env_number("MNS_BENCH_SESSIONS", 2_000_000);
    let per_case = (sessions / cases.max(1)).max(1);
    let started = Instant::now();
    let store = app.store_for_tests();
    let now = Utc::now();
    let mut tx = store.begin().await.expect("begin");
    for s in 0..300 {
        tx.upsert_school(
            &SchoolRecord {
                urn: format!("{}", 120_000 + s),
                name: format!("School {s}"),
                district: Some(DISTRICTS[s % DISTRICTS.len()].into()),
                ..SchoolRecord::default()
            },
            now,
        )
        .await
        .expect("a school");
    }
    let user = UserRecord {
        id: "bench-coordinator".into(),
        email: "coordinator@bench.example".into(),
        display_name: "Bench Coordinator".into(),
        role: Role::Coordinator,
        school_urn: None,
        disabled_at: None,
        created_at: now,
    };
    tx.insert_user(&user).await.expect("the coordinator");
    tx.commit().await.expect("commit");
    let today = app.today();
    let first = today - Duration::days(3650);
    for start in (0..cases).step_by(CHUNK) {
        let mut tx = store.begin().await.expect("begin");
        for n in start..(start + CHUNK).min(cases) {
            let school = format!("{}", 120_000 + n % 300);
            let pupil = format!("p{n:07}");
            let referral = first + Duration::days((n * 3650 / cases) as i64);
            tx.insert_pupil(&PupilRecord {
                id: pupil.clone(),
                upn: Some(format!("A{:012}", n)),
                given_name: format!("Given{n}"),
                family_name: format!("Family{}", n % 5000),
                date_of_birth: NaiveDate::from_ymd_opt(referral.year() - 5 - (n % 11) as i32, 3, 1)
                    .expect("a date"),
                school_urn: Some(school.clone()),
                created_at: now,
                updated_at: now,
            })
            .await
            .expect("a pupil");
            let id = format!("r{n:07}");
            tx.save_referral(&ReferralRecord {
                id: id.clone(),
                pupil_id: Some(pupil.clone()),
                school_urn: Some(school.clone()),
                status: "accepted".into(),
                form_json: "{}".into(),
                created_by: user.id.clone(),
                created_at: now,
                updated_at: now,
                submitted_at: Some(now),
                referral_date: Some(referral),
                waiting_for_evidence_since: None,
                decided_at: Some(now),
                policy_version: None,
                origin: "school".into(),
            })
            .await
            .expect("a referral");
            let provision = referral + Duration::days(5 + (n % 30) as i64);
            let open = referral > today - Duration::days(120);
            let last_day = provision + Duration::days(84);
            let plan = plan(n);
            tx.save_case(&CaseRecord {
                id: id.clone(),
                pupil_id: Some(pupil),
                school_urn: Some(school),
                state: if open {
                    CaseState::InProvision
                } else {
                    CaseState::Ended
                },
                opened_at: (referral + Duration::days(2))
                    .and_hms_opt(9, 0, 0)
                    .expect("a time")
                    .and_utc(),
                referral_date: referral,
                provision_start: Some(provision),
                period_number: 1,
                period_start: Some(provision),
                period_end: Some(last_day),
                review_due: Some(provision + Duration::days(42)),
                continuation_due: Some(provision + Duration::days(70)),
                review_held_on: None,
                plan_json: Some(serde_json::to_string(&plan).expect("a plan")),
                plan_finalised_at: Some(now),
                hours_per_week: Some(plan.hours()),
                full_time_hours: Some(32.5),
                life_limiting: false,
                end_reason: None,
                ended_at: (!open)
                    .then(|| last_day.and_hms_opt(16, 0, 0).expect("a time").and_utc()),
                ends_on: (!open).then_some(last_day),
                updated_at: now,
                outcome: (!open).then_some(mns_domain::outcomes::CaseOutcome::BackFullTime),
            })
            .await
            .expect("a case");
            for k in 0..per_case {
                let held_on = provision + Duration::days((k * 84 / per_case) as i64);
                if held_on > today {
                    break;
                }
                tx.insert_case_session(&SessionLogRecord {
                    id: format!("{id}-{k}"),
                    case_id: id.clone(),
                    held_on,
                    outcome: if k % 9 == 0 { "refused" } else { "delivered" }.into(),
                    hours: 2.0,
                    note: String::new(),
                    logged_by: user.id.clone(),
                    logged_at: now,
                })
                .await
                .expect("a session");
            }
        }
        tx.commit().await.expect("commit");
    }
    let actor = Actor {
        user,
        source: "bench".into(),
    };
    for (kind, amount, source) in [
        ("hlsa_hour", "24.00", "high_needs_block"),
        ("tutor_hour", "32.00", "high_needs_block"),
        ("online_place_week", "95.00", "high_needs_block"),
        ("av1_robot_week", "42.00", "service_budget"),
    ] {
        app.add_price(
            &actor,
            &NewPrice {
                kind: kind.into(),
                amount: amount.into(),
                source: source.into(),
                valid_from: Some(first),
                valid_to: None,
            },
        )
        .await
        .expect("a price");
    }
    store.analyze().await.expect("analyse");
    println!(
        "filled {cases} cases and about {} sessions in {:.0} s",
        cases * per_case,
        started.elapsed().as_secs_f64()
    );
    actor
}

/// Runs `f` `runs` times and prints p50 and p99 in milliseconds.
async fn measure<F, Fut>(database: &str, what: &str, runs: usize, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    println!(
        "{database:<10} {what:<46} p50 {:>8.1} ms   p99 {:>8.1} ms",
        at(0.50),
        at(0.99)
    );
}

async fn run(database: &str, url: &str) {
    let app = app(url).await;
    let actor = fill(&app).await;
    let runs = env_number("MNS_BENCH_RUNS", 20);
    let today = app.today();
    let last_year = ReportFilter {
        from: Some(today - Duration::days(365)),
        to: Some(today),
        ..Default::default()
    };
    // Without a period the reports cover the financial year to date, as the pages open.
    let opened = ReportFilter::default();
    let all = ReportFilter {
        from: Some(today - Duration::days(3660)),
        to: Some(today),
        ..Default::default()
    };
    let district = ReportFilter {
        district: Some("Norwich".into()),
        ..last_year.clone()
    };
    measure(
        database,
        "Section 19 report as opened (FY to date)",
        runs,
        || async {
            app.compliance_report(&actor, &opened)
                .await
                .expect("report");
        },
    )
    .await;
    measure(
        database,
        "Section 19 report, all ten years",
        runs,
        || async {
            app.compliance_report(&actor, &all).await.expect("report");
        },
    )
    .await;
    measure(
        database,
        "Section 19 report, the last year",
        runs,
        || async {
            app.compliance_report(&actor, &last_year)
                .await
                .expect("report");
        },
    )
    .await;
    measure(
        database,
        "Section 19 report, one district, last year",
        runs,
        || async {
            app.compliance_report(&actor, &district)
                .await
                .expect("report");
        },
    )
    .await;
    measure(
        database,
        "Section 19 children download (CSV), all",
        runs,
        || async {
            app.compliance_export(&actor, &all, ComplianceTable::Children, ExportFormat::Csv)
                .await
                .expect("export");
        },
    )
    .await;
    measure(
        database,
        "Section 19 schools download (ODS), last year",
        runs,
        || async {
            app.compliance_export(
                &actor,
                &last_year,
                ComplianceTable::Schools,
                ExportFormat::Ods,
            )
            .await
            .expect("export");
        },
    )
    .await;
    measure(
        database,
        "AP census return (CSV), last year",
        runs,
        || async {
            app.ap_census_export(&actor, &last_year, ExportFormat::Csv)
                .await
                .expect("export");
        },
    )
    .await;
    measure(
        database,
        "Finance report, financial year to date",
        runs,
        || async {
            app.finance_report(&actor, &opened).await.expect("report");
        },
    )
    .await;
    measure(database, "Finance report, the last year", runs, || async {
        app.finance_report(&actor, &last_year)
            .await
            .expect("report");
    })
    .await;
    measure(
        database,
        "Finance sources download (CSV), last year",
        runs,
        || async {
            app.finance_export(&actor, &last_year, "sources", ExportFormat::Csv)
                .await
                .expect("export");
        },
    )
    .await;
    measure(database, "Annual report (PDF), last year", runs, || async {
        app.annual_report_pdf(&actor, &last_year)
            .await
            .expect("pdf");
    })
    .await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let sqlite = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("reports.db").display()
        );
        // MNS_BENCH_KEEP=1 keeps both databases for a closer look (SQLite in the current
        // directory, PostgreSQL under the name printed).
        let keep = std::env::var_os("MNS_BENCH_KEEP").is_some();
        let sqlite = if keep {
            "sqlite://reports-bench.db?mode=rwc".to_string()
        } else {
            sqlite
        };
        run("SQLite", &sqlite).await;
        let base = std::env::var("MNS_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let Ok(mut admin) = sqlx::PgConnection::connect(&base).await else {
            println!("PostgreSQL does not answer at {base}: measured on SQLite only");
            return;
        };
        let name = format!("mns_reports_bench_{}", std::process::id());
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create the benchmark's database");
        let url = match base.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => base.clone(),
        };
        run("PostgreSQL", &url).await;
        if keep {
            println!("kept the PostgreSQL database {name}");
            return;
        }
        admin
            .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
            .await
            .expect("drop the benchmark's database");
    });
}
