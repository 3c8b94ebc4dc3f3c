//! The Local Offer's searches through HTTP (issue 18): `MNS_BENCH_SEARCH=1 cargo bench -p mns
//! --bench load` fills the directory (50,000 services unless `MNS_BENCH_SERVICES` says
//! otherwise; set `MNS_BENCH_REFERRALS=100` to skip most of the case data), starts the
//! release-built `mns serve` cold on it, and reports how long until it first answers a search
//! (the index loads at start-up) and the server's resident memory. Then it drives each search
//! from one connection (latency), from 4 and from 32 (under load), on SQLite and on PostgreSQL.

use super::{Figures, drive, env_number, serve};
use std::path::Path;
use std::time::{Duration, Instant};

/// The searches measured: a label and the path a family's browser or another directory asks.
const SEARCHES: [(&str, &str); 11] = [
    ("keyword, ranked", "/local-offer?q=autism"),
    ("misspelt keyword", "/local-offer?q=autsim"),
    ("synonym", "/local-offer?q=ASD"),
    ("two keywords", "/local-offer?q=speech+therapy"),
    ("need + age", "/local-offer?need=autism&age=9"),
    ("postcode, 5 miles", "/local-offer?postcode=NR2&distance=5"),
    (
        "guided: postcode + need + kind + age",
        "/local-offer?postcode=NR2&distance=10&need=autism&category=activities&age=9",
    ),
    ("deep page (page 50)", "/local-offer?age=9&page=50"),
    ("two misspelt words", "/local-offer?q=swimmimg+clubz"),
    (
        "ORUK keyword, 20 a page",
        "/api/oruk/services?search=autism&per_page=20",
    ),
    (
        "ORUK keyword, its default page (up to 1,000)",
        "/api/oruk/services?search=autism",
    ),
];

/// The resident memory of a process, in MiB, from `/proc` (0 where that is not readable).
fn resident_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Starts `mns serve` cold on `url`, times its first search, and drives every search; returns
/// the table's rows.
pub async fn measure(name: &str, url: &str, dir: &Path, client: &reqwest::Client) -> Vec<String> {
    let seconds = env_number("MNS_BENCH_SECONDS", 3) as u64;
    let started = Instant::now();
    let server = serve(url, dir);
    let listening = started.elapsed();
    let first = format!("http://{}{}", server.address, SEARCHES[0].1);
    loop {
        match client.get(&first).send().await {
            Ok(r) if r.status().is_success() => break,
            _ => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
    let answered = started.elapsed();
    println!(
        "{name}: listening after {:.2} s, first search answered after {:.2} s; resident memory {:.0} MiB",
        listening.as_secs_f64(),
        answered.as_secs_f64(),
        resident_mib(server.child.id())
    );
    let mut rows = Vec::new();
    for (label, path) in SEARCHES {
        let targets = [server.address.clone()];
        let paths = [path.to_string()];
        let one: Figures = drive(client, &targets, &paths, None, 1, seconds).await;
        let four: Figures = drive(client, &targets, &paths, None, 4, seconds).await;
        let many: Figures = drive(client, &targets, &paths, None, 32, seconds).await;
        let row = format!(
            "| {label} | {name} | {:.2} | {:.2} | {:.0} | {:.1} | {:.1} | {:.0} | {:.1} | {:.1} | {} |",
            one.p50,
            one.p99,
            four.rps,
            four.p50,
            four.p99,
            many.rps,
            many.p50,
            many.p99,
            one.errors + four.errors + many.errors
        );
        println!("{row}");
        rows.push(row);
    }
    println!(
        "{name}: resident memory after the searches {:.0} MiB",
        resident_mib(server.child.id())
    );
    rows
}
