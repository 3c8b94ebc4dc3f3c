//! How long a county-sized attendance export takes to read and summarise: 130,000 pupils × 380
//! sessions (a full school year) in long form, about 49.4 million rows and 1.5 GB of CSV,
//! generated in memory and deterministically before the timed loop.
//!
//! Run with `cargo bench -p mns-domain --bench attendance`. Set `MNS_BENCH_PUPILS` to time a
//! smaller export (e.g. 13000) on a machine with less memory.

use std::hint::black_box;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use criterion::{Criterion, SamplingMode, Throughput};
use mns_domain::attendance::{AttendanceSummary, read_attendance_export};
use mns_domain::calendar::{
    SchoolCalendar, SchoolYear, england_bank_holidays_2025_2027, norfolk_2025_26,
};
use mns_domain::identifiers::Upn;

/// Pupils in a county the size of Norfolk.
const COUNTY_PUPILS: usize = 130_000;

/// School days in a maintained school's year: 190, so 380 sessions.
const SCHOOL_DAYS: usize = 190;

/// A small deterministic generator (xorshift), so every run times the same file.
struct Marks(u64);

impl Marks {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A mark with roughly a real school's mix: mostly present, some illness, a little of
    /// everything else.
    fn mark(&mut self, afternoon: bool) -> &'static [u8] {
        match self.next() % 1000 {
            0..=899 if afternoon => b"\\",
            0..=899 => b"/",
            900..=939 => b"I",
            940..=949 => b"M",
            950..=964 => b"L",
            965..=974 => b"N",
            975..=984 => b"O",
            985..=989 => b"K",
            990..=994 => b"C",
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

/// A long-form export of `pupils` pupils, each with every session of the school year.
fn county_export(pupils: usize) -> Vec<u8> {
    let days = school_days();
    let row_length = 13 + 1 + 10 + 1 + 2 + 1 + 1 + 1;
    let mut csv = Vec::with_capacity(pupils * SCHOOL_DAYS * 2 * row_length + 64);
    csv.extend_from_slice(b"UPN,Date,Session,Mark\n");
    let mut marks = Marks(0x9E37_79B9_7F4A_7C15);
    for pupil in 0..pupils {
        let upn = Upn::with_check_letter(&format!("926{pupil:09}")).expect("a valid UPN");
        for day in &days {
            for (session, afternoon) in [(&b"AM"[..], false), (&b"PM"[..], true)] {
                csv.extend_from_slice(upn.as_str().as_bytes());
                csv.push(b',');
                csv.extend_from_slice(day.as_bytes());
                csv.push(b',');
                csv.extend_from_slice(session);
                csv.push(b',');
                csv.extend_from_slice(marks.mark(afternoon));
                csv.push(b'\n');
            }
        }
    }
    csv
}

/// The resident memory of this process, from `/proc` (Linux), for the report.
fn resident_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM"))
                .map(|line| {
                    line.split_whitespace()
                        .skip(1)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn read_and_summarise(c: &mut Criterion) {
    let pupils = std::env::var("MNS_BENCH_PUPILS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(COUNTY_PUPILS);
    let csv = county_export(pupils);
    let rows = pupils * SCHOOL_DAYS * 2;
    eprintln!(
        "generated {pupils} pupils × {} sessions = {rows} rows, {:.2} GB of CSV",
        SCHOOL_DAYS * 2,
        csv.len() as f64 / 1e9
    );
    let year = SchoolYear::new(2025);
    let calendar = SchoolCalendar::new(norfolk_2025_26(), england_bank_holidays_2025_2027());

    let mut group = c.benchmark_group("attendance_export");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function(format!("read_and_summarise_{pupils}_pupils"), |b| {
        b.iter(|| {
            let export = read_attendance_export(black_box(&csv)).expect("a valid export");
            AttendanceSummary::new(&export, year, None)
        })
    });
    group.bench_function(
        format!("read_and_summarise_{pupils}_pupils_with_calendar"),
        |b| {
            b.iter(|| {
                let export = read_attendance_export(black_box(&csv)).expect("a valid export");
                AttendanceSummary::new(&export, year, Some(&calendar))
            })
        },
    );
    group.finish();
    eprintln!("peak resident memory: {}", resident_memory());
}

/// What `criterion_main!` would write, spelled out because its generated `pub fn` has no doc
/// comment and the workspace warns on those.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    read_and_summarise(&mut criterion);
    criterion.final_summary();
}
