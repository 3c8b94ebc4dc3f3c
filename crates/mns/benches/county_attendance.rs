//! How `mns attendance import` and `mns attendance scan` cope with a county's attendance in one
//! file, against DuckDB computing the same per-pupil figures (docs/design/early-identification.md
//! §3). Not criterion: ten samples of a 1.8 GB import would take too long, so it does one warm-up
//! of each tool, then 3 timed runs, round-robin (the machine is noisy, and the ratio is what
//! counts), and reports the medians.
//!
//! Run with `cargo bench -p mns --bench county_attendance`. It needs about 2.5 GB free in
//! `$TMPDIR`: the CSV (400 schools × 325 pupils × 380 sessions = 49.4 million rows, 1.83 GB),
//! the SQLite database and the scan's output, all in a temporary folder deleted at the end.
//!
//! - `MNS_BENCH_PUPILS=13000` times a smaller county (schools of 325 pupils).
//! - `MNS_BENCH_POSTGRES_URL=postgres://…` also imports into that PostgreSQL database. Use a
//!   scratch database: the schools are upserted, the audit trail gains entries, and each import
//!   replaces the schools' attendance figures.
//! - DuckDB runs through `scripts/attendance-duckdb.py` if `python3 -c 'import duckdb'` works
//!   (`pip install duckdb`); otherwise there is no ratio.
//!
//! Each tool runs as a child process, so each peak memory is the child's own. The mns commands
//! are run with `--stats`, and print `{"rows":N,"seconds":S,"rows_per_s":R,"peak_rss_bytes":B}`
//! as the last line of stderr (S the wall time of the command's work, B its VmHWM); the DuckDB
//! script prints `{"rows":..,"seconds":..,"rows_per_s":..,"pupils":..,"peak_rss_mb":..}` on
//! stdout (its seconds are the query's alone). Without a stats line, the harness's own wall
//! time and the child's VmHWM sampled from `/proc` are used instead.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use mns_domain::identifiers::Upn;
use serde_json::Value;

/// Pupils in a county the size of Norfolk.
const COUNTY_PUPILS: usize = 130_000;

/// Pupils in each school: 400 schools for the county.
const SCHOOL_PUPILS: usize = 325;

/// School days in a maintained school's year: 190, so 380 sessions.
const SCHOOL_DAYS: usize = 190;

/// The first school's URN; the others follow.
const FIRST_URN: usize = 100_000;

/// The first school's DfE establishment number (the UPN's characters 5 to 8).
const FIRST_ESTABLISHMENT: usize = 2000;

/// The school year the exports cover, and the day the scan looks from.
const SCHOOL_YEAR: &str = "2025/26";
const TODAY: &str = "2026-06-12";

/// Timed runs of each tool, after one warm-up.
const TIMED_RUNS: usize = 3;

/// A small deterministic generator (xorshift), so every run times the same file.
struct Marks(u64);

impl Marks {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A mark outside an illness episode: mostly present, a little of everything else.
    fn mark(&mut self, afternoon: bool) -> &'static [u8] {
        match self.next() % 1000 {
            0..=919 if afternoon => b"\\",
            0..=919 => b"/",
            920..=934 => b"I",
            935..=944 => b"L",
            945..=954 => b"M",
            955..=964 => b"N",
            965..=974 => b"O",
            975..=982 => b"C2",
            983..=990 => b"K",
            _ => b"#",
        }
    }
}

/// The first `SCHOOL_DAYS` weekdays from Wednesday 3 September 2025, as `YYYY-MM-DD`.
fn school_days() -> Vec<String> {
    let mut days = Vec::with_capacity(SCHOOL_DAYS);
    let mut day = NaiveDate::from_ymd_opt(2025, 9, 3).expect("a real date");
    while days.len() < SCHOOL_DAYS {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            days.push(day.format("%Y-%m-%d").to_string());
        }
        day = day.checked_add_days(Days::new(1)).expect("a real date");
    }
    days
}

/// How many schools `pupils` pupils fill, 325 to a school (the last may have fewer).
fn school_count(pupils: usize) -> usize {
    pupils.div_ceil(SCHOOL_PUPILS)
}

/// What was generated.
struct Export {
    rows: u64,
    bytes: u64,
    schools: usize,
}

/// Writes a long-form county export `URN,UPN,Date,Session,Mark` of `pupils` pupils, school by
/// school and pupil by pupil, each with every session of the school year. Each school day a
/// pupil who is not ill starts an illness episode (every session `I`) of 1 to 15 school days
/// with probability 1/200, so that long runs and the alerts happen.
fn write_county_export(path: &Path, pupils: usize) -> std::io::Result<Export> {
    let days = school_days();
    let schools = school_count(pupils);
    assert!(
        FIRST_ESTABLISHMENT + schools <= 9999,
        "too many schools for a 4-digit establishment number"
    );
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    out.write_all(b"URN,UPN,Date,Session,Mark\n")?;
    let mut marks = Marks(0x9E37_79B9_7F4A_7C15);
    let mut lines = Vec::with_capacity(SCHOOL_DAYS * 2 * 40);
    let mut rows = 0u64;
    for school in 0..schools {
        let urn = FIRST_URN + school;
        let in_school = SCHOOL_PUPILS.min(pupils - school * SCHOOL_PUPILS);
        for pupil in 0..in_school {
            // LA (926, Norfolk), establishment number, year allocated, serial: unique in the
            // county.
            let upn = Upn::with_check_letter(&format!(
                "926{:04}25{pupil:03}",
                FIRST_ESTABLISHMENT + school
            ))
            .expect("a valid UPN");
            let prefix = format!("{urn},{},", upn.as_str());
            lines.clear();
            let mut ill_days_left = 0u64;
            for day in &days {
                if ill_days_left == 0 && marks.next().is_multiple_of(200) {
                    ill_days_left = 1 + marks.next() % 15;
                }
                let (am, pm) = if ill_days_left > 0 {
                    ill_days_left -= 1;
                    (&b"I"[..], &b"I"[..])
                } else {
                    (marks.mark(false), marks.mark(true))
                };
                for (session, mark) in [(&b",AM,"[..], am), (&b",PM,"[..], pm)] {
                    lines.extend_from_slice(prefix.as_bytes());
                    lines.extend_from_slice(day.as_bytes());
                    lines.extend_from_slice(session);
                    lines.extend_from_slice(mark);
                    lines.push(b'\n');
                }
            }
            out.write_all(&lines)?;
            rows += (days.len() * 2) as u64;
        }
    }
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    let bytes = file.metadata()?.len();
    Ok(Export {
        rows,
        bytes,
        schools,
    })
}

/// What an export written by an earlier run holds, if `path` is one.
fn read_export(path: &Path, pupils: usize) -> Option<Export> {
    let bytes = std::fs::metadata(path).ok()?.len();
    Some(Export {
        rows: (pupils * SCHOOL_DAYS * 2) as u64,
        bytes,
        schools: school_count(pupils),
    })
}

/// A GIAS establishments CSV with the schools of the export, for `mns import schools`.
fn write_gias_csv(path: &Path, schools: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    writeln!(
        out,
        "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,\
         TypeOfEstablishment (name),EstablishmentStatus (name),PhaseOfEducation (name),\
         StatutoryLowAge,StatutoryHighAge,Town,Postcode"
    )?;
    for school in 0..schools {
        writeln!(
            out,
            "{},926,Norfolk,{},Benchmark School {},Community school,Open,Primary,4,11,Norwich,NR1 1AA",
            FIRST_URN + school,
            FIRST_ESTABLISHMENT + school,
            school + 1
        )?;
    }
    out.flush()
}

/// The `mns` binary with a clean environment's database settings and quiet logs.
fn mns(database_url: Option<&str>, data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mns"));
    command
        .env_remove("MNS_DATABASE_URL")
        .env_remove("MNS_DATA_DIR")
        .env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    command.arg("--data-dir").arg(data_dir);
    command
}

/// A command shown as it would be typed (for the report), with any URL's password hidden.
fn shown(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| redact_password(&part.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `scheme://user:password@host/…` → `scheme://user:***@host/…`; anything else unchanged.
fn redact_password(text: &str) -> String {
    if let Some((scheme, rest)) = text.split_once("://")
        && let Some((credentials, host)) = rest.split_once('@')
        && let Some((user, _)) = credentials.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    text.to_owned()
}

/// The last lines of a file, for a failure's report.
fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A process's peak resident memory (VmHWM) from `/proc`, in bytes; `None` once it has exited.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// A finished child: its wall time, measured here, and the peak memory sampled from `/proc`.
struct Finished {
    wall: Duration,
    sampled_peak: Option<u64>,
}

/// Runs `command` with stdout and stderr to files; an error names the command and shows the end
/// of its stderr.
fn run(mut command: Command, stdout: &Path, stderr: &Path) -> Result<Finished, String> {
    let described = shown(&command);
    command
        .stdin(Stdio::null())
        .stdout(File::create(stdout).map_err(|e| format!("{}: {e}", stdout.display()))?)
        .stderr(File::create(stderr).map_err(|e| format!("{}: {e}", stderr.display()))?);
    let start = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not start {described}: {e}"))?;
    // Sample the child's high-water mark while it runs: the fallback when it prints no stats.
    let pid = child.id();
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut peak = None;
            while !done.load(Ordering::Relaxed) {
                match vm_hwm(pid) {
                    Some(bytes) => peak = peak.max(Some(bytes)),
                    None if peak.is_some() => break,
                    None => {}
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            peak
        })
    };
    let status = child.wait();
    let wall = start.elapsed();
    done.store(true, Ordering::Relaxed);
    let sampled_peak = sampler.join().unwrap_or(None);
    match status {
        Ok(status) if status.success() => Ok(Finished { wall, sampled_peak }),
        Ok(status) => Err(format!(
            "{described} failed ({status}); its stderr ends:\n{}",
            tail(stderr, 15)
        )),
        Err(e) => Err(format!("{described}: {e}")),
    }
}

/// What a tool reports about itself: `--stats` from mns, the JSON line from the DuckDB script.
#[derive(Clone, Copy)]
enum Report {
    /// The last line of stderr: `{"rows","seconds","rows_per_s","peak_rss_bytes"}`.
    MnsStats,
    /// The last line of stdout: `{"rows","seconds","rows_per_s","pupils","peak_rss_mb"}`.
    DuckDb,
}

/// One timed run.
struct Sample {
    /// The tool's own time for its work, or the wall time if it reported none.
    seconds: f64,
    wall: f64,
    rows: Option<u64>,
    peak_bytes: Option<u64>,
    /// Whether `seconds` and the peak are the tool's own figures.
    reported: bool,
    /// The tool's report as printed, for any figures beyond these (parse and store apart).
    line: Option<Value>,
}

/// The last non-empty line of a file, as a JSON object.
fn last_json_line(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().rev().find(|line| !line.trim().is_empty())?;
    serde_json::from_str::<Value>(line.trim())
        .ok()
        .filter(Value::is_object)
}

/// Reads a finished run's figures from the tool's own report, or falls back to the wall time.
fn read_sample(report: Report, finished: &Finished, stdout: &Path, stderr: &Path) -> Sample {
    let wall = finished.wall.as_secs_f64();
    let line = match report {
        Report::MnsStats => last_json_line(stderr),
        Report::DuckDb => last_json_line(stdout),
    };
    let seconds = line
        .as_ref()
        .and_then(|l| l.get("seconds"))
        .and_then(Value::as_f64);
    let rows = line
        .as_ref()
        .and_then(|l| l.get("rows"))
        .and_then(Value::as_u64);
    let reported_peak = line.as_ref().and_then(|l| match report {
        Report::MnsStats => l.get("peak_rss_bytes").and_then(Value::as_u64),
        Report::DuckDb => l
            .get("peak_rss_mb")
            .and_then(Value::as_f64)
            .map(|mb| (mb * 1024.0 * 1024.0) as u64),
    });
    Sample {
        seconds: seconds.unwrap_or(wall),
        wall,
        rows,
        peak_bytes: reported_peak.or(finished.sampled_peak),
        reported: seconds.is_some(),
        line,
    }
}

/// A tool under test: how to run it and its timed runs so far.
struct Tool {
    name: &'static str,
    /// A short name for its output files.
    slug: &'static str,
    command: Box<dyn Fn() -> Command>,
    report: Report,
    samples: Vec<Sample>,
    failed: Option<String>,
}

impl Tool {
    fn new(
        name: &'static str,
        slug: &'static str,
        report: Report,
        command: impl Fn() -> Command + 'static,
    ) -> Tool {
        Tool {
            name,
            slug,
            command: Box::new(command),
            report,
            samples: Vec::new(),
            failed: None,
        }
    }

    fn median(&self, value: impl Fn(&Sample) -> f64) -> Option<f64> {
        let mut values: Vec<f64> = self.samples.iter().map(value).collect();
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied()
    }

    fn median_seconds(&self) -> Option<f64> {
        self.median(|s| s.seconds)
    }
}

/// Bytes as MiB, for the table.
fn mebibytes(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Whether `python3 -c 'import duckdb'` works.
fn duckdb_available() -> bool {
    Command::new("python3")
        .args(["-c", "import duckdb"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// How many alerts the scan printed: the length of the `alerts` array of its stdout's JSON.
fn alert_count(path: &Path) -> Result<usize, String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: Value = serde_json::from_reader(BufReader::with_capacity(1 << 20, file))
        .map_err(|e| format!("the scan's stdout is not one JSON document: {e}"))?;
    value
        .get("alerts")
        .and_then(Value::as_array)
        .map(Vec::len)
        .ok_or_else(|| "the scan's stdout has no \"alerts\" array".to_owned())
}

/// `mns … attendance import --stats --school-year 2025/26 --today 2026-06-12 FILE` into the
/// database at `url`: the day the scan looks from too, so both raise the same alerts whatever
/// the machine's date (without it, an import run after the school year evaluated the rules as
/// of a day outside it, and raised 324,350 alerts against the scan's 187,838).
fn attendance_import(url: &str, data_dir: &Path, file: &Path) -> Command {
    let mut command = mns(Some(url), data_dir);
    command
        .args([
            "attendance",
            "import",
            "--stats",
            "--school-year",
            SCHOOL_YEAR,
        ])
        .args(["--today", TODAY])
        .arg(file);
    command
}

/// `mns … attendance scan --stats --school-year 2025/26 --today 2026-06-12 FILE` (no database).
fn attendance_scan(data_dir: &Path, file: &Path) -> Command {
    let mut command = mns(None, data_dir);
    command
        .args([
            "attendance",
            "scan",
            "--stats",
            "--school-year",
            SCHOOL_YEAR,
        ])
        .args(["--today", TODAY])
        .arg(file);
    command
}

/// Sets up a database for imports: migrations (on opening) and the schools.
fn import_schools(
    database_url: &str,
    data_dir: &Path,
    gias: &Path,
    dir: &Path,
) -> Result<(), String> {
    let mut command = mns(Some(database_url), data_dir);
    command.args(["import", "schools"]).arg(gias);
    eprintln!("setting up: {}", shown(&command));
    run(command, &dir.join("schools.out"), &dir.join("schools.err")).map(|_| ())
}

fn main() {
    let pupils = std::env::var("MNS_BENCH_PUPILS")
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|&pupils: &usize| pupils > 0)
        .unwrap_or(COUNTY_PUPILS);
    // `MNS_BENCH_DIR` keeps the files in that folder between runs (the CSV is written once).
    let kept = std::env::var_os("MNS_BENCH_DIR").map(std::path::PathBuf::from);
    let dir = match &kept {
        Some(_) => None,
        None => Some(
            tempfile::Builder::new()
                .prefix("mns-county-attendance-")
                .tempdir()
                .expect("a temporary folder in $TMPDIR"),
        ),
    };
    let root = match (&kept, &dir) {
        (Some(kept), _) => {
            std::fs::create_dir_all(kept).expect("MNS_BENCH_DIR can be made");
            kept.clone()
        }
        (None, Some(dir)) => dir.path().to_path_buf(),
        (None, None) => unreachable!("a folder is kept or temporary"),
    };
    let county = root.join(format!("county-{pupils}.csv"));
    let gias = root.join("gias.csv");
    let data_dir = root.join("data");
    let sqlite_url = format!("sqlite://{}?mode=rwc", root.join("bench.db").display());

    let start = Instant::now();
    let export = match (&kept, read_export(&county, pupils)) {
        (Some(_), Some(export)) => export,
        _ => write_county_export(&county, pupils).expect("the county export is written"),
    };
    write_gias_csv(&gias, export.schools).expect("the GIAS file is written");
    eprintln!(
        "generated {pupils} pupils in {} schools × {} sessions = {} rows, {:.2} GB of CSV in {:.1} s: {}",
        export.schools,
        SCHOOL_DAYS * 2,
        export.rows,
        export.bytes as f64 / 1e9,
        start.elapsed().as_secs_f64(),
        county.display()
    );

    let mut tools = Vec::new();
    let mut sqlite_import = {
        let (url, data, file) = (sqlite_url.clone(), data_dir.clone(), county.clone());
        Tool::new(
            "mns import (SQLite)",
            "import-sqlite",
            Report::MnsStats,
            move || attendance_import(&url, &data, &file),
        )
    };
    sqlite_import.failed = import_schools(&sqlite_url, &data_dir, &gias, &root).err();
    tools.push(sqlite_import);
    if let Ok(postgres_url) = std::env::var("MNS_BENCH_POSTGRES_URL") {
        let (url, data, file) = (postgres_url.clone(), data_dir.clone(), county.clone());
        let mut postgres_import = Tool::new(
            "mns import (PostgreSQL)",
            "import-postgres",
            Report::MnsStats,
            move || attendance_import(&url, &data, &file),
        );
        postgres_import.failed = import_schools(&postgres_url, &data_dir, &gias, &root).err();
        tools.push(postgres_import);
    }
    {
        let (data, file) = (data_dir.clone(), county.clone());
        tools.push(Tool::new("mns scan", "scan", Report::MnsStats, move || {
            attendance_scan(&data, &file)
        }));
    }
    let duckdb = duckdb_available();
    if duckdb {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/attendance-duckdb.py");
        let file = county.clone();
        tools.push(Tool::new(
            "DuckDB (2 threads)",
            "duckdb",
            Report::DuckDb,
            move || {
                let mut command = Command::new("python3");
                command.arg(&script).arg(&file).args(["--threads", "2"]);
                command
            },
        ));
    } else {
        eprintln!("DuckDB not installed: pip install duckdb");
    }
    for tool in &tools {
        match &tool.failed {
            Some(error) => eprintln!("{}: not run: {error}", tool.name),
            None => eprintln!("{}: {}", tool.name, shown(&(tool.command)())),
        }
    }

    // Round-robin, so that a slow spell of the machine falls on every tool alike.
    for round in 0..=TIMED_RUNS {
        for tool in tools.iter_mut().filter(|tool| tool.failed.is_none()) {
            let stdout = root.join(format!("{}.out", tool.slug));
            let stderr = root.join(format!("{}.err", tool.slug));
            let label = if round == 0 {
                "warm-up".to_owned()
            } else {
                format!("run {round}")
            };
            match run((tool.command)(), &stdout, &stderr) {
                Ok(finished) => {
                    let sample = read_sample(tool.report, &finished, &stdout, &stderr);
                    eprintln!(
                        "{} {label}: {:.2} s{} (wall {:.2} s)",
                        tool.name,
                        sample.seconds,
                        if sample.reported {
                            ""
                        } else {
                            " [no stats line]"
                        },
                        sample.wall
                    );
                    if sample.rows.is_some_and(|rows| rows != export.rows) {
                        eprintln!(
                            "  warning: {} counted {:?} rows; the file has {}",
                            tool.name, sample.rows, export.rows
                        );
                    }
                    if round > 0 {
                        tool.samples.push(sample);
                    }
                }
                Err(error) => {
                    eprintln!("{} {label}: {error}", tool.name);
                    tool.failed = Some(error);
                }
            }
        }
    }

    println!();
    println!(
        "{} rows ({} pupils, {:.2} GB); median of {TIMED_RUNS} runs after a warm-up",
        export.rows,
        pupils,
        export.bytes as f64 / 1e9
    );
    println!(
        "{:<26} {:>12} {:>10} {:>10} {:>14} {:>12}",
        "tool", "rows", "seconds", "wall s", "rows/s", "peak memory"
    );
    for tool in &tools {
        let seconds = tool.median_seconds().filter(|_| tool.failed.is_none());
        let Some(seconds) = seconds else {
            println!("{:<26} failed or not run (see above)", tool.name);
            continue;
        };
        let wall = tool.median(|s| s.wall).unwrap_or(seconds);
        let rows = tool
            .samples
            .iter()
            .find_map(|s| s.rows)
            .unwrap_or(export.rows);
        let peak = tool.samples.iter().filter_map(|s| s.peak_bytes).max();
        let own = tool.samples.iter().all(|s| s.reported);
        println!(
            "{:<26} {:>12} {:>10.2} {:>10.2} {:>14.0} {:>12}{}",
            tool.name,
            rows,
            seconds,
            wall,
            rows as f64 / seconds,
            peak.map(mebibytes).unwrap_or_else(|| "unknown".to_owned()),
            if own {
                ""
            } else {
                "  (wall time: no stats line)"
            }
        );
    }
    for tool in tools.iter().filter(|tool| tool.failed.is_none()) {
        if let Some(line) = tool.samples.last().and_then(|s| s.line.as_ref()) {
            println!("{}, last report: {line}", tool.name);
        }
    }
    println!(
        "seconds: the tool's own time for its work (DuckDB: the query alone, after an untimed count); wall s: the whole child process"
    );

    let duckdb_seconds = tools
        .iter()
        .find(|tool| matches!(tool.report, Report::DuckDb))
        .and_then(Tool::median_seconds);
    match duckdb_seconds {
        Some(duckdb_seconds) => {
            for tool in tools
                .iter()
                .filter(|tool| matches!(tool.report, Report::MnsStats))
            {
                if let Some(seconds) = tool.median_seconds().filter(|_| tool.failed.is_none()) {
                    println!(
                        "DuckDB ÷ {}: {:.2}× (above 1: mns is faster)",
                        tool.name,
                        duckdb_seconds / seconds
                    );
                }
            }
        }
        None if duckdb => println!("no ratio: DuckDB failed"),
        None => println!("no ratio: DuckDB not installed (pip install duckdb)"),
    }

    if tools
        .iter()
        .any(|tool| tool.slug == "scan" && !tool.samples.is_empty())
    {
        match alert_count(&root.join("scan.out")) {
            Ok(alerts) => println!("the last scan raised {alerts} alerts"),
            Err(error) => println!("the last scan's alerts could not be counted: {error}"),
        }
    }

    let failed = tools.iter().filter(|tool| tool.failed.is_some()).count();
    if let Some(Err(error)) = dir.map(tempfile::TempDir::close) {
        eprintln!(
            "could not delete the temporary folder {}: {error}",
            root.display()
        );
    }
    if failed > 0 {
        eprintln!("{failed} tool(s) failed; see above");
        std::process::exit(1);
    }
}
