//! The Local Offer directory with 50,000 generated services: how long the searches families
//! and other directories actually make take, end to end through `App::search_directory`
//! (postcode lookup, the generation check, the in-memory index, and reading the page's
//! documents). Also prints how long the index takes to load. Runs on SQLite, and on PostgreSQL at
//! `MNS_TEST_POSTGRES_URL` (or `postgres://postgres@127.0.0.1:5432/postgres`) when that server
//! answers, in a database of its own dropped afterwards. Each database is loaded in chunks of
//! 5,000 services, analysed (and PostgreSQL vacuumed), then every search runs a warm-up and
//! 200 timed runs. Prints p50/p95/p99 per query and the number of matches; asserts nothing.
//!
//! `cargo bench -p mns-app --bench directory_search` (set `MNS_BENCH_SERVICES` to change the
//! size, `MNS_BENCH_RUNS` the number of timed runs per query, and `MNS_BENCH_KEEP=1` to keep
//! both databases afterwards, printing where they are, for `EXPLAIN`).

use mns_app::demo::directory::generate_directory;
use mns_app::directory::parse_search;
use mns_app::{App, Backend, Settings, system_actor};
use mns_domain::directory::search::SearchQuery;
use mns_domain::directory::taxonomy::builtin_terms;
use mns_domain::directory::{Organization, Service};
use mns_store::testing::fresh_store;
use mns_store::{SearchUnit, Store};
use sqlx::{Connection, Executor};
use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

/// This process's resident memory in MiB, from `/proc` (0 where that is not readable): read
/// before and after loading the index, the difference is what loading it kept.
fn resident_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// The searches measured: a label and the query string the page or the ORUK API would send.
const SEARCHES: [(&str, &str); 14] = [
    ("no filters, first page", ""),
    ("keyword", "q=swim"),
    ("keyword, ranked", "q=autism"),
    ("misspelt keyword", "q=autsim"),
    ("synonym", "q=asd"),
    ("two keywords", "q=speech therapy"),
    ("need + age", "need=autism&age=9"),
    ("postcode, 5 miles", "postcode=NR2&distance=5"),
    (
        "guided: postcode 10 mi + need + category + age",
        "postcode=NR2&distance=10&need=autism&category=activities&age=9",
    ),
    (
        "free + Saturday + Local Offer",
        "free=yes&day=saturday&local_offer=yes",
    ),
    ("online advice", "delivery=online&category=advice"),
    ("deep page (50)", "page=50"),
    (
        "postcode 25 mi + keyword",
        "postcode=PE30&distance=25&q=club",
    ),
    (
        "ORUK ages + start time",
        "minimum_age=5&maximum_age=18&start_time=09:00",
    ),
];

/// Services loaded per transaction.
const CHUNK: usize = 5_000;

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// One query's timings on one database.
#[derive(Clone, Copy)]
struct Timing {
    p50: f64,
    p95: f64,
    p99: f64,
    total: u64,
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A fresh PostgreSQL database for this run, or `None` when the server does not answer. Not
/// `mns_test_…`: the test helpers drop those, and a test run may be going on beside us.
async fn fresh_postgres() -> Option<(Store, String, String)> {
    let server = std::env::var("MNS_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES.to_string());
    let mut admin = match sqlx::PgConnection::connect(&server).await {
        Ok(c) => c,
        Err(e) => {
            println!("PostgreSQL at {server} does not answer ({e}); measuring SQLite only");
            return None;
        }
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!("mns_bench_{}_{nanos}", std::process::id());
    admin
        .execute(format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .expect("create the benchmark database");
    let store = Store::connect(&with_database(&server, &name))
        .await
        .expect("connect to the benchmark database")
        .with_audit_keys(mns_store::testing::test_audit_keys());
    store.migrate().await.expect("migrate");
    Some((store, server, name))
}

/// Loads the taxonomies, postcode districts and the generated directory, then analyses the
/// tables; returns the app.
async fn load(store: Store, services: usize) -> App {
    let app = App::new(store, Settings::new("http://localhost"));
    let actor = system_actor("bench");
    let start = Instant::now();
    app.ensure_directory_taxonomies().await.unwrap();
    let postcodes = app
        .import_postcodes(&actor, include_str!("../data/uk-outcodes.csv").as_bytes())
        .await
        .unwrap();
    let generated = generate_directory(services, 7, app.today());
    let organizations: HashMap<&str, &Organization> = generated
        .organizations
        .iter()
        .map(|o| (o.id.as_str(), o))
        .collect();
    for chunk in generated.services.chunks(CHUNK) {
        // Each chunk carries the organisations its services belong to, as an import file would.
        let ids: BTreeSet<&str> = chunk.iter().map(|s| s.organization_id.as_str()).collect();
        let orgs: Vec<Organization> = ids.iter().map(|id| organizations[id].clone()).collect();
        app.import_directory(&actor, &orgs, &[], chunk as &[Service], "benchmark")
            .await
            .unwrap();
    }
    app.store_for_tests().analyze().await.unwrap();
    let held = resident_mib();
    let warm = Instant::now();
    let indexed = app.warm_directory_index().await.unwrap();
    println!(
        "{:?}: search index of {indexed} active services loaded in {:.2} s; resident memory grew by {:.1} MiB",
        app.store_for_tests().backend(),
        warm.elapsed().as_secs_f64(),
        resident_mib() - held
    );
    println!(
        "{:?}: {postcodes} postcode districts, {} organisations and {services} services loaded in {:.1} s",
        app.store_for_tests().backend(),
        generated.organizations.len(),
        start.elapsed().as_secs_f64()
    );
    app
}

async fn measure(app: &App, query: &SearchQuery, runs: usize) -> Timing {
    let search = || async {
        app.search_directory(query, SearchUnit::Service)
            .await
            .unwrap()
            .page
            .total
    };
    let mut total = 0;
    for _ in 0..runs.div_ceil(10).max(5) {
        total = search().await;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        total = search().await;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Timing {
        p50: p(0.5),
        p95: p(0.95),
        p99: p(0.99),
        total,
    }
}

async fn run(app: &App, queries: &[SearchQuery], runs: usize) -> Vec<Timing> {
    let mut out = Vec::new();
    for ((label, _), query) in SEARCHES.iter().zip(queries) {
        let t = measure(app, query, runs).await;
        println!(
            "  {label:<48} matches {:>6}  p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms",
            t.total, t.p50, t.p95, t.p99
        );
        out.push(t);
    }
    out
}

#[tokio::main]
async fn main() {
    let services = env_number("MNS_BENCH_SERVICES", 50_000);
    let runs = env_number("MNS_BENCH_RUNS", 200).max(1);
    let terms = builtin_terms();
    let queries: Vec<SearchQuery> = SEARCHES
        .iter()
        .map(|(label, text)| {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
                .into_owned()
                .collect();
            parse_search(&pairs, &terms)
                .unwrap_or_else(|e| panic!("the search '{label}' does not parse: {e:?}"))
        })
        .collect();

    let mut results: Vec<(Backend, Vec<Timing>)> = Vec::new();

    let keep = std::env::var_os("MNS_BENCH_KEEP").is_some_and(|v| v == "1");
    let (sqlite, db) = fresh_store(Backend::Sqlite).await;
    let app = load(sqlite, services).await;
    results.push((Backend::Sqlite, run(&app, &queries, runs).await));
    fts5_baseline(&db.url, &app, services, runs).await;
    app.store_for_tests().close().await;
    if keep {
        println!("kept {}", db.url);
        // Leaks the temporary folder so that it is not removed.
        std::mem::forget(db);
    }

    if let Some((store, server, name)) = fresh_postgres().await {
        let app = load(store, services).await;
        // Autovacuum would soon do this after a bulk load; doing it now keeps it from running
        // during the measurements and lets index-only scans skip the heap from the first run.
        let mut conn = sqlx::PgConnection::connect(&with_database(&server, &name))
            .await
            .expect("connect to vacuum");
        conn.execute("VACUUM").await.expect("vacuum");
        conn.close().await.expect("disconnect");
        results.push((Backend::Postgres, run(&app, &queries, runs).await));
        app.store_for_tests().close().await;
        if keep {
            println!("kept {}", with_database(&server, &name));
            return print_table(services, runs, &results);
        }
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .expect("reconnect to drop the benchmark database");
        admin
            .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
            .await
            .expect("drop the benchmark database");
    }
    print_table(services, runs, &results);
}

/// The keyword searches measured against SQLite's own full-text search.
const KEYWORDS: [(&str, &str); 4] = [
    ("autism", "autism"),
    ("speech therapy", "speech therapy"),
    ("swim (prefix)", "swim*"),
    ("autsim (misspelt)", "autsim"),
];

/// SQLite's full-text search (FTS5: BM25 with the index's field weights, the Porter stemmer)
/// over the same services, as the library the in-memory index is measured against: the page's
/// 20 ids by rank, the count of matches, and the page's documents, as the index's search reads
/// them. Prints p50 and p99 of each beside the index's own for the same words.
async fn fts5_baseline(url: &str, app: &App, services: usize, runs: usize) {
    use mns_domain::directory::taxonomy::builtin_terms;
    use sqlx::Row;
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    conn.execute(
        "CREATE VIRTUAL TABLE bench_fts USING fts5(id UNINDEXED, name, terms, organisation, \
         body, tokenize = 'porter unicode61')",
    )
    .await
    .expect("FTS5 is built into the bundled SQLite");
    let generated = generate_directory(services, 7, app.today());
    let terms: HashMap<String, String> = builtin_terms()
        .into_iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let organizations: HashMap<&str, &str> = generated
        .organizations
        .iter()
        .map(|o| (o.id.as_str(), o.name.as_str()))
        .collect();
    let filled = Instant::now();
    conn.execute("BEGIN").await.expect("begin");
    for service in &generated.services {
        let names: Vec<&str> = service
            .terms
            .iter()
            .filter_map(|t| terms.get(t).map(String::as_str))
            .collect();
        let mut body = service.description.clone();
        if let Some(lo) = &service.local_offer {
            body.push(' ');
            body.push_str(&lo.who_for);
            body.push(' ');
            body.push_str(&lo.send_support);
        }
        sqlx::query(
            "INSERT INTO bench_fts (id, name, terms, organisation, body) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&service.id)
        .bind(&service.name)
        .bind(names.join(" "))
        .bind(organizations.get(service.organization_id.as_str()).copied().unwrap_or(""))
        .bind(body)
        .execute(&mut conn)
        .await
        .expect("insert");
    }
    conn.execute("COMMIT").await.expect("commit");
    println!(
        "FTS5 table of {services} services filled in {:.1} s",
        filled.elapsed().as_secs_f64()
    );
    println!("\nkeyword search: the in-memory index against SQLite FTS5, p50 / p99 ms (matches)");
    let terms_list = builtin_terms();
    for (label, fts) in KEYWORDS {
        let mut times = Vec::with_capacity(runs);
        let mut matches = 0;
        for run in 0..runs + 10 {
            let started = Instant::now();
            let ids: Vec<String> = sqlx::query(
                "SELECT id FROM bench_fts WHERE bench_fts MATCH $1 \
                 ORDER BY bm25(bench_fts, 0.0, 5.0, 3.0, 2.0, 1.0) LIMIT 20",
            )
            .bind(fts)
            .fetch_all(&mut conn)
            .await
            .expect("search")
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect();
            let count: i64 = sqlx::query("SELECT COUNT(*) FROM bench_fts WHERE bench_fts MATCH $1")
                .bind(fts)
                .fetch_one(&mut conn)
                .await
                .expect("count")
                .get(0);
            if !ids.is_empty() {
                let list: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT document FROM directory_services WHERE id IN ({})",
                    list.join(", ")
                );
                let mut q = sqlx::query(&sql);
                for id in &ids {
                    q = q.bind(id);
                }
                q.fetch_all(&mut conn).await.expect("documents");
            }
            if run >= 10 {
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            matches = count;
        }
        times.sort_by(f64::total_cmp);
        let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
        let words = fts.trim_end_matches('*');
        let pairs = vec![("q".to_string(), words.to_string())];
        let query = parse_search(&pairs, &terms_list).expect("parses");
        let index = measure(app, &query, runs).await;
        println!(
            "  {label:<20} index {:>6.2} / {:>6.2} ({:>5})   FTS5 {:>6.2} / {:>6.2} ({:>5})",
            index.p50,
            index.p99,
            index.total,
            p(0.5),
            p(0.99),
            matches
        );
    }
    conn.close().await.expect("close");
}

fn print_table(services: usize, runs: usize, results: &[(Backend, Vec<Timing>)]) {
    println!();
    println!("{services} services, {runs} runs per query after a warm-up; times in ms");
    let mut header = format!("{:<48} {:>7}", "query", "matches");
    for (backend, _) in results {
        for pct in ["p50", "p95", "p99"] {
            header.push_str(&format!(" {:>15}", format!("{backend:?} {pct}")));
        }
    }
    println!("{header}");
    for (i, (label, _)) in SEARCHES.iter().enumerate() {
        let mut line = format!("{label:<48} {:>7}", results[0].1[i].total);
        for (_, timings) in results {
            let t = timings[i];
            line.push_str(&format!(" {:>15.2} {:>15.2} {:>15.2}", t.p50, t.p95, t.p99));
        }
        let totals: BTreeSet<u64> = results.iter().map(|(_, t)| t[i].total).collect();
        if totals.len() > 1 {
            line.push_str("  (databases disagree on matches!)");
        }
        println!("{line}");
    }
}
