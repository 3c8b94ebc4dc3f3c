//! The load benchmark (issue 20): `mns serve` under 32 connections against a minimal axum
//! handler that renders the same rows, on SQLite and on PostgreSQL, and two instances on
//! PostgreSQL.
//!
//! `cargo bench -p mns --bench load`. It generates 100,000 referrals (10,000 of them accepted,
//! each with a case) and 50,000 Local Offer services, signs a coordinator in (a session row, as
//! a sign-in with a one-time code leaves it), starts the release-built `mns serve` on the data,
//! and drives each page for a few seconds from 32 connections: the queue, a referral, a case,
//! the home page, the Local Offer search and the ORUK API. In the same run the benchmark starts
//! itself again as the baseline: axum and sqlx over the same database, one query per page
//! rendering the same rows, without sign-in, permissions or audit. PostgreSQL is measured when
//! `MNS_TEST_POSTGRES_URL` (or `postgres://postgres@127.0.0.1:5432/postgres`) answers, in a
//! database of its own that is dropped afterwards; then two `mns serve` instances share it
//! behind a client that alternates between them, with one session cookie for both, while the
//! outbox delivers messages queued before the run (each exactly once, by one instance or the
//! other) and a service added during the run appears in both instances' search.
//!
//! Prints requests a second, p50 and p99 per page, database and target, and the ratios to the
//! baseline; asserts nothing about speed. `MNS_BENCH_REFERRALS`, `MNS_BENCH_CASES`,
//! `MNS_BENCH_SERVICES`, `MNS_BENCH_SECONDS` (per page, default 8) and
//! `MNS_BENCH_CONNECTIONS` (default 32) change the sizes; `MNS_BENCH_FILL_ONLY=1` writes the
//! SQLite dataset, prints how to serve it and stops (for looking at one page's queries);
//! `MNS_BENCH_DRIVE=host:port/path` (with `MNS_BENCH_COOKIE`) drives one page of a server
//! already running, for profiling it; `MNS_BENCH_SEARCH=1` measures the Local Offer's searches
//! alone ([`search`]).

#[path = "load/baseline.rs"]
mod baseline;
#[path = "load/fill.rs"]
mod fill;
#[path = "load/search.rs"]
mod search;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The same allocator as the `mns` binary, so that the baseline is not slower for want of it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The audit and document key both processes use (32 zero bytes: a benchmark's data only).
const KEYS: &str = "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const METRICS_TOKEN: &str = "load-bench-metrics";
const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A server process, killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `command` and waits for the `http://` address it prints when listening.
fn start(mut command: Command) -> Server {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the server");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let address = loop {
        let mut line = String::new();
        if stdout
            .read_line(&mut line)
            .expect("read the server's output")
            == 0
        {
            panic!("the server stopped before listening");
        }
        if let Some(rest) = line.split("http://").nth(1) {
            break rest
                .split(|c: char| c == '/' || c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_owned();
        }
    };
    // Keep reading what it prints so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in stdout.lines() {});
    Server { child, address }
}

/// `mns serve` (the release build cargo made for this benchmark) on `url`, with `dir` for its
/// files (the outbox's messages land in `dir/outbox`).
fn serve(url: &str, dir: &Path) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mns"));
    command
        .arg("serve")
        .env("MNS_DATABASE_URL", url)
        .env("MNS_DATA_DIR", dir)
        .env("MNS_AUDIT_KEYS", KEYS)
        .env("MNS_DOCUMENT_KEYS", KEYS)
        .env("MNS_BIND", "127.0.0.1:0")
        .env("MNS_METRICS_TOKEN", METRICS_TOKEN)
        .env("RUST_LOG", "warn");
    start(command)
}

/// This benchmark again, as the baseline server on `url`.
fn serve_baseline(url: &str) -> Server {
    let mut command = Command::new(std::env::current_exe().expect("the benchmark's own path"));
    command.env(baseline::ENV, url).env("RUST_LOG", "warn");
    start(command)
}

/// What one page did under load.
#[derive(Clone, Copy, Default)]
struct Figures {
    rps: f64,
    p50: f64,
    p99: f64,
    errors: usize,
}

/// Drives `paths` (connection `i` asks `targets[i % len]` for `paths[i % len]`) from
/// `connections` connections for `seconds`, after a one-second warm-up.
async fn drive(
    client: &reqwest::Client,
    targets: &[String],
    paths: &[String],
    cookie: Option<&str>,
    connections: usize,
    seconds: u64,
) -> Figures {
    let run = |length: Duration| {
        let mut tasks = Vec::new();
        for i in 0..connections {
            let client = client.clone();
            let url = format!(
                "http://{}{}",
                targets[i % targets.len()],
                paths[i % paths.len()]
            );
            let cookie = cookie.map(|c| format!("mns-session={c}"));
            tasks.push(tokio::spawn(async move {
                let (mut times, mut errors) = (Vec::new(), 0_usize);
                let end = Instant::now() + length;
                while Instant::now() < end {
                    let started = Instant::now();
                    let mut request = client.get(&url);
                    if let Some(c) = &cookie {
                        request = request.header("cookie", c);
                    }
                    let ok = match request.send().await {
                        Ok(response) => {
                            let status = response.status();
                            response.bytes().await.is_ok() && status.is_success()
                        }
                        Err(_) => false,
                    };
                    times.push(started.elapsed().as_secs_f64() * 1000.0);
                    if !ok {
                        errors += 1;
                    }
                }
                (times, errors)
            }));
        }
        tasks
    };
    for task in run(Duration::from_secs(1)) {
        task.await.expect("warm-up");
    }
    let started = Instant::now();
    let (mut times, mut errors) = (Vec::new(), 0);
    for task in run(Duration::from_secs(seconds)) {
        let (t, e) = task.await.expect("a connection");
        times.extend(t);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Figures {
        rps: times.len() as f64 / elapsed,
        p50: at(0.5),
        p99: at(0.99),
        errors,
    }
}

/// A page as mns serves it and as the baseline does.
struct Page {
    name: &'static str,
    mns: String,
    baseline: String,
    signed_in: bool,
}

fn pages(ids: &fill::Ids) -> Vec<Page> {
    let page = |name, mns: String, baseline: String, signed_in| Page {
        name,
        mns,
        baseline,
        signed_in,
    };
    vec![
        page("queue", "/referrals".into(), "/queue".into(), true),
        page(
            "referral",
            format!("/referrals/{}", ids.referral),
            format!("/referral/{}", ids.referral),
            true,
        ),
        page(
            "case",
            format!("/cases/{}", ids.case),
            format!("/case/{}", ids.case),
            true,
        ),
        page("home", "/home".into(), "/home".into(), true),
        page(
            "Local Offer search",
            "/local-offer".into(),
            "/local-offer".into(),
            false,
        ),
        page(
            "ORUK API",
            "/api/oruk/services".into(),
            "/oruk".into(),
            false,
        ),
    ]
}

/// The server's audit figures from `/metrics`: commits and entries of view audit groups.
async fn audit_figures(client: &reqwest::Client, address: &str) -> (f64, f64) {
    let text = client
        .get(format!("http://{address}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .unwrap_or_default();
    let value = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (
        value("mns_audit_view_commits_total"),
        value("mns_audit_view_entries_total"),
    )
}

/// Measures every page on one database, mns against the baseline; returns the table's lines.
async fn measure(
    label: &str,
    url: &str,
    dir: &Path,
    ids: &fill::Ids,
    client: &reqwest::Client,
) -> Vec<String> {
    let seconds = env_number("MNS_BENCH_SECONDS", 8) as u64;
    let connections = env_number("MNS_BENCH_CONNECTIONS", 32);
    let mns = serve(url, &dir.join("one"));
    let base = serve_baseline(url);
    let mut lines = Vec::new();
    for page in pages(ids) {
        let cookie = page.signed_in.then_some(ids.session.as_str());
        let m = drive(
            client,
            std::slice::from_ref(&mns.address),
            std::slice::from_ref(&page.mns),
            cookie,
            connections,
            seconds,
        )
        .await;
        let b = drive(
            client,
            std::slice::from_ref(&base.address),
            std::slice::from_ref(&page.baseline),
            None,
            connections,
            seconds,
        )
        .await;
        let line = format!(
            "| {} | {label} | {:.0} | {:.1} | {:.1} | {:.0} | {:.1} | {:.1} | {:.2} | {:.2} | {} |",
            page.name,
            m.rps,
            m.p50,
            m.p99,
            b.rps,
            b.p50,
            b.p99,
            m.rps / b.rps,
            m.p99 / b.p99,
            m.errors + b.errors
        );
        println!("{line}");
        lines.push(line);
    }
    let (commits, entries) = audit_figures(client, &mns.address).await;
    println!(
        "{label}: {entries:.0} views audited in {commits:.0} commits ({:.1} a commit)",
        entries / commits.max(1.0)
    );
    lines
}

/// Two instances on one PostgreSQL database behind a client that alternates between them.
async fn two_instances(url: &str, dir: &Path, ids: &fill::Ids, client: &reqwest::Client) {
    let seconds = env_number("MNS_BENCH_SECONDS", 8) as u64;
    let connections = env_number("MNS_BENCH_CONNECTIONS", 32);
    let queued = fill::queue_messages(url, 500).await;
    let (a, b) = (serve(url, &dir.join("a")), serve(url, &dir.join("b")));
    let targets = [a.address.clone(), b.address.clone()];
    let marker = format!("Loadbench marker {}", std::process::id());
    let adding = {
        let (url, marker) = (url.to_owned(), marker.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            fill::add_marker_service(&url, &marker).await;
            Instant::now()
        })
    };
    println!("| page | instances | requests/s | p50 ms | p99 ms | errors |");
    println!("|---|---|---|---|---|---|");
    for page in pages(ids) {
        let cookie = page.signed_in.then_some(ids.session.as_str());
        let f = drive(
            client,
            &targets,
            std::slice::from_ref(&page.mns),
            cookie,
            connections,
            seconds,
        )
        .await;
        println!(
            "| {} | 2 on PostgreSQL | {:.0} | {:.1} | {:.1} | {} |",
            page.name, f.rps, f.p50, f.p99, f.errors
        );
    }
    let added = adding.await.expect("the marker service");
    for target in &targets {
        let found = client
            .get(format!(
                "http://{target}/api/oruk/services?search={}",
                marker.replace(' ', "+")
            ))
            .send()
            .await
            .expect("search")
            .text()
            .await
            .unwrap_or_default();
        println!(
            "instance {target}: the service added {:.0} s ago is {}",
            added.elapsed().as_secs_f64(),
            if found.contains(&marker) {
                "found"
            } else {
                "NOT found"
            }
        );
    }
    let waited = Instant::now();
    let delivered = loop {
        let delivered: Vec<BTreeSet<String>> = ["a", "b"]
            .iter()
            .map(|d| benchmark_messages(&dir.join(d).join("outbox")))
            .collect();
        if delivered.iter().map(BTreeSet::len).sum::<usize>() >= queued
            || waited.elapsed() > Duration::from_secs(60)
        {
            break delivered;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let twice = delivered[0].intersection(&delivered[1]).count();
    let all = delivered[0].union(&delivered[1]).count();
    println!(
        "outbox: {queued} messages queued; {} delivered by one instance, {} by the other, {twice} by both: {}",
        delivered[0].len(),
        delivered[1].len(),
        if all == queued && twice == 0 {
            "each exactly once"
        } else {
            "NOT each exactly once"
        }
    );
}

/// The messages the benchmark queued that were delivered into `dir` (one file each, named by
/// the message's id), leaving out the service's own (review reminders to providers).
fn benchmark_messages(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    std::fs::read_to_string(e.path())
                        .is_ok_and(|text| text.contains("Subject: Load benchmark"))
                })
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn main() {
    if let Ok(url) = std::env::var(baseline::ENV) {
        baseline::run(&url);
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    if let Ok(target) = std::env::var("MNS_BENCH_DRIVE") {
        // One page of a server already running (`host:port/path`), for profiling it.
        let (address, path) = target.split_once('/').expect("host:port/path");
        let cookie = std::env::var("MNS_BENCH_COOKIE").ok();
        let f = runtime.block_on(drive(
            &reqwest::Client::new(),
            &[address.to_owned()],
            &[format!("/{path}")],
            cookie.as_deref(),
            env_number("MNS_BENCH_CONNECTIONS", 32),
            env_number("MNS_BENCH_SECONDS", 8) as u64,
        ));
        println!(
            "{target}: {:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms, {} errors",
            f.rps, f.p50, f.p99, f.errors
        );
        return;
    }
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .build()
            .expect("an HTTP client");
        let work = tempfile::tempdir().expect("a temporary folder");
        let mut table = vec![
            "| page | database | mns req/s | p50 ms | p99 ms | baseline req/s | p50 ms | p99 ms | req/s ratio | p99 ratio | errors |".to_string(),
            "|---|---|---|---|---|---|---|---|---|---|---|".to_string(),
        ];
        println!("{}\n{}", table[0], table[1]);
        let sqlite = format!(
            "sqlite://{}?mode=rwc",
            work.path().join("mns.sqlite").display()
        );
        let dir: PathBuf = work.path().join("sqlite");
        let ids = fill::fill(&sqlite, KEYS).await;
        if std::env::var_os("MNS_BENCH_SEARCH").is_some() {
            let mut rows = vec![
                "| search | database | 1 connection p50 ms | p99 ms | 4 connections req/s | p50 ms | p99 ms | 32 connections req/s | p50 ms | p99 ms | errors |".to_string(),
                "|---|---|---|---|---|---|---|---|---|---|---|".to_string(),
            ];
            rows.extend(search::measure("SQLite", &sqlite, &dir, &client).await);
            if let Some(pg) = fill::fresh_postgres(DEFAULT_POSTGRES).await {
                fill::fill(&pg.url, KEYS).await;
                let dir = work.path().join("postgres");
                rows.extend(search::measure("PostgreSQL", &pg.url, &dir, &client).await);
                pg.drop_database().await;
            }
            println!("\n{}", rows.join("\n"));
            return;
        }
        if std::env::var_os("MNS_BENCH_FILL_ONLY").is_some() {
            let kept = work.keep();
            println!(
                "kept {}: MNS_DATABASE_URL={sqlite} MNS_AUDIT_KEYS={KEYS} MNS_DOCUMENT_KEYS={KEYS}; \
                 cookie mns-session={}; referral {}, case {}",
                kept.display(),
                ids.session,
                ids.referral,
                ids.case
            );
            return;
        }
        table.extend(measure("SQLite", &sqlite, &dir, &ids, &client).await);
        match fill::fresh_postgres(DEFAULT_POSTGRES).await {
            Some(pg) => {
                let ids = fill::fill(&pg.url, KEYS).await;
                let dir = work.path().join("postgres");
                table.extend(measure("PostgreSQL", &pg.url, &dir, &ids, &client).await);
                two_instances(&pg.url, &dir, &ids, &client).await;
                pg.drop_database().await;
            }
            None => println!("PostgreSQL does not answer: measured SQLite only"),
        }
        println!("\n{}", table.join("\n"));
    });
}
