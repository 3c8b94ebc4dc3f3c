//! `mns attendance scan` and `mns attendance import`: the county attendance feed (issue 16).
//! Both read the same files the same way (streaming, split between threads); `scan` prints the
//! alerts as JSON with no database, `import` keeps each school's figures and alerts.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use mns_domain::attendance::alerts::CaseSpan;
use mns_domain::attendance::feed::{
    AlertFigures, CountyTally, GridFigures, ProblemOut, PupilFile, ScanAlert, ScanContext,
    SchoolRead, SchoolRefused, SkippedRule, all_figures, is_pupil_file_header,
    is_school_export_header, last_sessions, read_county_split, read_pupil_file, school_alerts,
    school_figures, sort_alerts, tally_from_exports,
};
use mns_domain::calendar::SchoolYear;
use mns_domain::referral::PolicyParameters;
use serde::Serialize;

/// The options both commands take.
#[derive(clap::Args, Debug, Clone)]
pub struct FeedArgs {
    /// The files: session marks (long form with a URN column) and, beside them, a pupil file
    /// (URN, UPN, names, EHCP, looked after, leaving date); recognised by their headers. Or a
    /// folder of schools' own exports: each `*.csv` in it one school's, in any form `attendance
    /// summarise` reads, named by the school's URN (`121234-sims.csv`) unless it has a URN column.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The school year the marks belong to (e.g. 2025/26); default: the one containing --today.
    #[arg(long)]
    pub school_year: Option<String>,
    /// The day to evaluate as of (default: today).
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// Threads to read with (default: up to 2).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print timing and peak memory as one JSON line on standard error.
    #[arg(long)]
    pub stats: bool,
}

/// What `scan` takes besides.
#[derive(clap::Args, Debug, Clone)]
pub struct ScanArgs {
    #[command(flatten)]
    pub feed: FeedArgs,
    /// The schools list (GIAS `edubasealldata` CSV): refuse rows of schools not on it.
    #[arg(long)]
    pub schools: Option<PathBuf>,
    /// The service's cases as CSV `UPN,Start,End` (for EI-K-NOCASE and MN-PROV-6).
    #[arg(long)]
    pub cases: Option<PathBuf>,
    /// The UPNs with a referral this school year, as CSV with a `UPN` column (for EI-ABS-15).
    #[arg(long)]
    pub referrals: Option<PathBuf>,
}

/// The files read.
pub struct Inputs {
    pub school_year: SchoolYear,
    pub today: NaiveDate,
    /// Each marks file's (or folder's) name and tally.
    pub tallies: Vec<(String, CountyTally)>,
    /// Each tally's pupils' figures (only for the schools not refused), once
    /// [`Inputs::count_figures`] has counted them (`import` counts each school's as it goes).
    pub figures: Vec<Vec<Vec<GridFigures>>>,
    pub pupils: Option<PupilFile>,
    pub rows: u64,
    pub started: Instant,
    pub threads: usize,
}

impl FeedArgs {
    /// Reads every file: pupil files whole, marks files streaming.
    pub fn read(&self, known_school: Option<&dyn Fn(&str) -> bool>) -> Result<Inputs> {
        let started = Instant::now();
        let today = self
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let school_year = match &self.school_year {
            Some(text) => {
                SchoolYear::parse(text).map_err(|e| anyhow::anyhow!("--school-year: {e}"))?
            }
            None => SchoolYear::containing(today),
        };
        let threads = self
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(2)));
        let mut inputs = Inputs {
            school_year,
            today,
            tallies: Vec::new(),
            figures: Vec::new(),
            pupils: None,
            rows: 0,
            started,
            threads,
        };
        for path in &self.files {
            let name = path.display().to_string();
            let mut tally = if path.is_dir() {
                inputs.read_folder(path)?
            } else if is_pupil_file_header(&header_of(path)?) {
                inputs.read_pupil_file(path)?;
                continue;
            } else {
                let len = std::fs::metadata(path)
                    .with_context(|| format!("could not read {name}"))?
                    .len();
                read_county_split(|| File::open(path), len, school_year, threads)
                    .map_err(|e| anyhow::anyhow!("{name}: {e}"))?
            };
            tally.check_two_schools_one_day();
            if let Some(known) = known_school {
                tally.check_schools(known);
            }
            inputs.rows += tally.rows;
            inputs.tallies.push((name, tally));
        }
        if inputs.tallies.is_empty() {
            bail!(
                "no session-marks file was given (a file with URN, UPN, Date, Session and Mark columns, or a folder of schools' exports)"
            );
        }
        Ok(inputs)
    }
}

impl Inputs {
    /// Reads a pupil file, adding its pupils to any read before.
    fn read_pupil_file(&mut self, path: &Path) -> Result<()> {
        let name = path.display();
        let file = read_pupil_file(open(path)?).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        if let Some(first) = file.problems.listed.first() {
            bail!(
                "{name}: the pupil file has {} problems; the first is at {first}",
                file.problems.total
            );
        }
        match &mut self.pupils {
            Some(pupils) => pupils.pupils.extend(file.pupils),
            None => self.pupils = Some(file),
        }
        Ok(())
    }

    /// Reads a folder of schools' own exports (its `*.csv` files, not those in folders inside
    /// it, in name order) into one tally, one file in memory at a time; a pupil file among them
    /// is read as one.
    fn read_folder(&mut self, folder: &Path) -> Result<CountyTally> {
        let listing = || format!("could not list the folder {}", folder.display());
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(folder).with_context(listing)? {
            let path = entry.with_context(listing)?.path();
            let csv = path
                .extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("csv"));
            if csv && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        let mut exports = Vec::new();
        for path in paths {
            // A school's export may name its pupils and school as a pupil file does.
            let header = header_of(&path)?;
            if is_pupil_file_header(&header) && !is_school_export_header(&header) {
                self.read_pupil_file(&path)?;
            } else {
                exports.push(path);
            }
        }
        if exports.is_empty() {
            bail!(
                "{} has no schools' exports (.csv files) in it",
                folder.display()
            );
        }
        let mut failed = None;
        let files = exports.iter().map_while(|path| match std::fs::read(path) {
            Ok(bytes) => Some((path.display().to_string(), bytes)),
            Err(error) => {
                failed = Some(
                    anyhow::Error::new(error).context(format!("could not read {}", path.display())),
                );
                None
            }
        });
        let tally = tally_from_exports(files, self.school_year);
        match failed {
            Some(error) => Err(error),
            None => Ok(tally),
        }
    }

    /// Counts every pupil's figures, on the threads the files were read with.
    pub fn count_figures(&mut self) {
        self.figures = self
            .tallies
            .iter()
            .map(|(_, tally)| all_figures(tally, self.threads))
            .collect();
    }

    /// Whether a school of a tally is refused (its own problems, or the file's).
    pub fn refused(tally: &CountyTally, school: usize) -> bool {
        !tally.file_problems.is_empty() || !tally.schools[school].problems.is_empty()
    }

    /// The schools refused, with their problems.
    pub fn refusals(&self) -> Vec<SchoolRefused> {
        let mut refused = Vec::new();
        for (file, tally) in &self.tallies {
            for (index, school) in tally.schools.iter().enumerate() {
                if !Self::refused(tally, index) {
                    continue;
                }
                let problems = if school.problems.is_empty() {
                    &tally.file_problems
                } else {
                    &school.problems
                };
                refused.push(SchoolRefused {
                    school: school.urn.clone(),
                    file: school.file.clone().unwrap_or_else(|| file.clone()),
                    total: problems.total,
                    problems: problems.listed.iter().map(ProblemOut::from).collect(),
                });
            }
        }
        refused
    }

    /// Where each pupil on two or more rolls was last on each, across every file.
    pub fn elsewhere(&self) -> HashMap<String, Vec<(String, NaiveDate)>> {
        last_sessions(self.tallies.iter().map(|(_, tally)| tally))
    }

    /// The stats line for `--stats`.
    pub fn print_stats(&self, extra: &[(&str, f64)]) {
        let seconds = self.started.elapsed().as_secs_f64();
        let mut stats = serde_json::json!({
            "rows": self.rows,
            "seconds": (seconds * 1000.0).round() / 1000.0,
            "rows_per_s": (self.rows as f64 / seconds.max(1e-9)).round(),
            "peak_rss_bytes": peak_rss_bytes(),
            "threads": self.threads,
        });
        for (name, value) in extra {
            stats[*name] = serde_json::json!((value * 1000.0).round() / 1000.0);
        }
        eprintln!("{stats}");
    }
}

/// The peak resident memory of this process (VmHWM), in bytes, where Linux says.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn open(path: &Path) -> Result<File> {
    File::open(path).with_context(|| format!("could not read {}", path.display()))
}

/// The header row of a CSV file (the first non-blank line).
fn header_of(path: &Path) -> Result<Vec<String>> {
    use std::io::BufRead;
    let reader = std::io::BufReader::new(open(path)?);
    for line in reader.split(b'\n') {
        let line = line.with_context(|| format!("could not read {}", path.display()))?;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_start_matches('\u{feff}').trim();
        if !text.is_empty() {
            return Ok(text
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_owned())
                .collect());
        }
    }
    Ok(Vec::new())
}

/// What `scan` prints.
#[derive(Serialize)]
struct ScanOutput {
    school_year: String,
    today: NaiveDate,
    policy_version: String,
    alerts: Vec<ScanAlert>,
    skipped_rules: Vec<SkippedRule>,
    read: Vec<SchoolRead>,
    refused: Vec<SchoolRefused>,
}

/// `mns attendance scan`: exit code 3 when some schools were refused.
pub fn scan(args: &ScanArgs, policy: &PolicyParameters) -> Result<std::process::ExitCode> {
    let schools = args.schools.as_deref().map(read_schools).transpose()?;
    let known = schools
        .as_ref()
        .map(|set| move |urn: &str| set.contains(urn));
    let mut inputs = args
        .feed
        .read(known.as_ref().map(|f| f as &dyn Fn(&str) -> bool))?;
    inputs.count_figures();
    let read_seconds = inputs.started.elapsed().as_secs_f64();
    let context = ScanContext {
        referred: args.referrals.as_deref().map(read_referrals).transpose()?,
        cases: args.cases.as_deref().map(read_cases).transpose()?,
        elsewhere: inputs.elsewhere(),
        pupils: inputs.pupils.clone(),
    };
    let mut output = ScanOutput {
        school_year: inputs.school_year.to_string(),
        today: inputs.today,
        policy_version: policy.version.clone(),
        alerts: Vec::new(),
        skipped_rules: context.skipped_rules(),
        read: Vec::new(),
        refused: inputs.refusals(),
    };
    for ((_, tally), figures) in inputs.tallies.iter().zip(&inputs.figures) {
        for (index, (school, pupils)) in tally.schools.iter().zip(figures).enumerate() {
            if Inputs::refused(tally, index) {
                continue;
            }
            output.read.push(SchoolRead {
                school: school.urn.clone(),
                pupils: school.pupils(),
                rows: school.rows,
            });
            for (pupil, alert) in
                school_alerts(tally, school, pupils, &context, policy, inputs.today)
            {
                let upn = school.pupil(pupil).map(|(upn, _)| upn).unwrap_or_default();
                output.alerts.push(ScanAlert {
                    rule: alert.rule.id(),
                    pupil: upn,
                    school: school.urn.clone(),
                    priority: alert.priority,
                    measure: alert.measure,
                    figures: AlertFigures::of(&pupils[pupil]),
                    why: alert.why,
                });
            }
        }
    }
    sort_alerts(&mut output.alerts);
    if schools.is_none() {
        output.skipped_rules.push(SkippedRule {
            rule: "schools",
            why: "schools not checked against the schools list: give --schools".into(),
        });
    }
    {
        use std::io::Write;
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        // Indented for a person at a terminal; compact for a program (a county's alerts run
        // to tens of megabytes).
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            serde_json::to_writer_pretty(&mut out, &output)?;
        } else {
            serde_json::to_writer(&mut out, &output)?;
        }
        writeln!(out)?;
        out.flush()?;
    }
    if args.feed.stats {
        inputs.print_stats(&[("read_seconds", read_seconds)]);
    }
    Ok(if output.refused.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(3)
    })
}

/// The URNs of a GIAS schools file.
fn read_schools(path: &Path) -> Result<HashSet<String>> {
    let mut reader = csv::Reader::from_reader(open(path)?);
    let headers = reader.headers()?.clone();
    let urn = headers
        .iter()
        .position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case("URN")
        })
        .ok_or_else(|| anyhow::anyhow!("{}: no URN column", path.display()))?;
    let mut set = HashSet::new();
    for record in reader.records() {
        let record = record?;
        if let Some(value) = record.get(urn) {
            set.insert(value.trim().to_owned());
        }
    }
    Ok(set)
}

/// The UPNs of a referrals CSV (a `UPN` column).
fn read_referrals(path: &Path) -> Result<HashSet<String>> {
    let mut reader = csv::Reader::from_reader(open(path)?);
    let upn = column(&mut reader, path, "UPN")?;
    let mut set = HashSet::new();
    for record in reader.records() {
        if let Some(value) = record?.get(upn) {
            set.insert(value.trim().to_ascii_uppercase());
        }
    }
    Ok(set)
}

/// Cases as CSV `UPN,Start,End` (End blank while provision runs).
fn read_cases(path: &Path) -> Result<HashMap<String, Vec<CaseSpan>>> {
    let mut reader = csv::Reader::from_reader(open(path)?);
    let upn = column(&mut reader, path, "UPN")?;
    let start = column(&mut reader, path, "Start")?;
    let end = column(&mut reader, path, "End")?;
    let mut cases: HashMap<String, Vec<CaseSpan>> = HashMap::new();
    for (row, record) in reader.records().enumerate() {
        let record = record?;
        let date = |index: usize| -> Result<Option<NaiveDate>> {
            let text = record.get(index).unwrap_or_default().trim();
            if text.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    anyhow::anyhow!(
                        "{} line {}: '{text}' is not a date like 2025-09-03",
                        path.display(),
                        row + 2
                    )
                })
        };
        let Some(first) = date(start)? else {
            bail!("{} line {}: Start is blank", path.display(), row + 2);
        };
        cases
            .entry(
                record
                    .get(upn)
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_uppercase(),
            )
            .or_default()
            .push(CaseSpan {
                first,
                last: date(end)?,
            });
    }
    Ok(cases)
}

fn column(reader: &mut csv::Reader<File>, path: &Path, name: &str) -> Result<usize> {
    reader
        .headers()?
        .iter()
        .position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
        .ok_or_else(|| anyhow::anyhow!("{}: no {name} column", path.display()))
}

/// The size and modification time of a file, to tell one import's file from another's.
fn fingerprint(path: &str) -> String {
    std::fs::metadata(path)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            format!("bytes={} modified={modified}", m.len())
        })
        .unwrap_or_default()
}

/// One school imported, as `import` prints it.
#[derive(Serialize)]
struct SchoolImported {
    school: String,
    pupils: usize,
    rows: u64,
    #[serde(flatten)]
    changes: mns_app::early_identification::AlertChanges,
}

/// What `import` prints.
#[derive(Serialize)]
struct ImportOutput {
    school_year: String,
    policy_version: String,
    skipped_rules: Vec<SkippedRule>,
    imported: Vec<SchoolImported>,
    refused: Vec<SchoolRefused>,
}

/// One school's import: its pupils' figures, details and alerts.
fn school_import<'a>(
    inputs: &'a Inputs,
    context: &ScanContext,
    policy: &PolicyParameters,
    (file, tally): (&'a String, &'a CountyTally),
    index: usize,
) -> mns_app::early_identification::SchoolImport<'a> {
    use mns_app::early_identification::{ImportedPupil, SchoolImport};
    let school = &tally.schools[index];
    let pupils = school_figures(tally, school);
    // A school of a folder came from its own file.
    let source = school.file.as_ref().unwrap_or(file);
    let mut alerts: Vec<Vec<mns_domain::attendance::alerts::Alert>> =
        vec![Vec::new(); pupils.len()];
    for (pupil, alert) in school_alerts(tally, school, &pupils, context, policy, inputs.today) {
        alerts[pupil].push(alert);
    }
    let details = inputs.pupils.as_ref();
    SchoolImport {
        urn: school.urn.clone(),
        school_year: inputs.school_year,
        source: source.clone(),
        fingerprint: fingerprint(source),
        rows: school.rows,
        pupils: pupils
            .into_iter()
            .zip(alerts)
            .enumerate()
            .map(|(index, (figures, alerts))| {
                let upn = school.pupil(index).map(|(upn, _)| upn).unwrap_or_default();
                let details =
                    details.and_then(|file| file.pupils.get(&(school.urn.clone(), upn.clone())));
                ImportedPupil {
                    upn,
                    figures,
                    details,
                    alerts,
                }
            })
            .collect(),
    }
}

/// `mns attendance import`: each school read without problems replaces its figures for the
/// year, in its own transaction; exit code 3 when some schools were refused.
pub async fn import(app: &mns_app::App, args: &FeedArgs) -> Result<std::process::ExitCode> {
    use mns_app::early_identification::SchoolImport;
    let actor = mns_app::system_actor("cli");
    let urns = app.school_urns().await.map_err(anyhow::Error::new)?;
    if urns.is_empty() {
        bail!(
            "the schools list is empty: import it first with `mns import schools edubasealldata.csv`"
        );
    }
    let known = |urn: &str| urns.contains(urn);
    let inputs = tokio::task::block_in_place(|| args.read(Some(&known)))?;
    let read_seconds = inputs.started.elapsed().as_secs_f64();
    let policy = app.policy().clone();
    let (referred, cases) = app
        .attendance_rule_context(inputs.school_year)
        .await
        .map_err(anyhow::Error::new)?;
    let context = ScanContext {
        referred: Some(referred),
        cases: Some(cases),
        elsewhere: inputs.elsewhere(),
        pupils: inputs.pupils.clone(),
    };
    let mut output = ImportOutput {
        school_year: inputs.school_year.to_string(),
        policy_version: policy.version.clone(),
        skipped_rules: context.skipped_rules(),
        imported: Vec::new(),
        refused: inputs.refusals(),
    };
    for refused in &output.refused {
        app.record_refused_attendance(&actor, &refused.school, refused.total)
            .await
            .map_err(anyhow::Error::new)?;
    }
    // Each school's alerts are worked out on a thread of their own while the school before is
    // written: the database's writer and the rules' evaluation each keep a core.
    output.imported = tokio::task::block_in_place(|| {
        std::thread::scope(|scope| {
            let (send, receive) = std::sync::mpsc::sync_channel::<SchoolImport>(2);
            let (inputs, context, policy) = (&inputs, &context, &policy);
            scope.spawn(move || {
                for (file, tally) in &inputs.tallies {
                    for index in 0..tally.schools.len() {
                        if Inputs::refused(tally, index) {
                            continue;
                        }
                        let import = school_import(inputs, context, policy, (file, tally), index);
                        if send.send(import).is_err() {
                            return; // the writer stopped at a failure
                        }
                    }
                }
            });
            tokio::runtime::Handle::current().block_on(async {
                let mut imported = Vec::new();
                for import in receive {
                    let changes = app
                        .import_school_attendance(&actor, &import)
                        .await
                        .map_err(|e| anyhow::anyhow!("school {}: {}", import.urn, e.chain()))?;
                    imported.push(SchoolImported {
                        school: import.urn.clone(),
                        pupils: import.pupils.len(),
                        rows: import.rows,
                        changes,
                    });
                }
                Ok::<_, anyhow::Error>(imported)
            })
        })
    })?;
    println!("{}", serde_json::to_string_pretty(&output)?);
    if args.stats {
        let total = inputs.started.elapsed().as_secs_f64();
        inputs.print_stats(&[
            ("read_seconds", read_seconds),
            ("store_seconds", total - read_seconds),
        ]);
    }
    Ok(if output.refused.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(3)
    })
}
