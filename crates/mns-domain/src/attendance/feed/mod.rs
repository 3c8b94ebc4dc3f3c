//! The county attendance feed (issue 16): every school's session marks at once, read streaming
//! into a session grid per pupil, so that the early-identification alerts can be worked out
//! for the whole county without holding the file.
//!
//! # The file
//! The long form the single-school reader knows (see [`super::read_attendance_export`]) with
//! the school's URN as a column: `URN` (or `School URN`, `Unique Reference Number`), a pupil
//! column holding the UPN (`UPN`, or `Pupil ID` holding UPNs), `Date`, `Session` and `Mark`
//! (or `Code`, `Attendance code`, the DfE daily data share's name). Schools, pupils and dates
//! may come in any order. Other columns are ignored.
//!
//! ```text
//! URN,UPN,Date,Session,Mark
//! 121234,B801200005001,2025-09-03,AM,/
//! ```
//!
//! # What is kept
//! One byte per session of the school year per pupil (732 bytes: 366 days × AM/PM), so a
//! county of 130,000 pupils takes about 95 MB whatever the file's size. The marks themselves
//! are never stored: [`CountyTally::figures`] turns each grid into the pupil's figures.
//!
//! # Bad input
//! A problem in a row refuses that row's **school** (every problem is listed with its line and
//! column, the first hundred per school); the other schools in the file still import. Unlike
//! the single-school reader, an unknown code and a date outside the school year are problems,
//! and a quoted cell may not hold a line break. A problem that cannot be put down to a school
//! (a blank URN) refuses the whole file. A file cut exactly at a line end cannot be told from
//! a whole one: the summary gives each school's row count so that a short school stands out.
//!
//! # A folder of schools' exports
//! [`tally_from_exports`] reads a folder's files instead, one school's own MIS export each, into
//! the same tally (see the `folder` module).

mod folder;
mod grid;
mod parse;
mod pupils;
mod scan;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};

use chrono::NaiveDate;

use super::reader::header::normalise;
use super::{ProblemKind, ReadError, ReadProblem, Session};
use crate::calendar::SchoolYear;

pub use folder::{NAME_BY_URN, is_school_export_header, tally_from_exports, urn_of_file_name};
pub use grid::{GridFigures, PupilMarks};
pub use pupils::{PupilDetails, PupilFile, is_pupil_file_header, read_pupil_file};
pub use scan::{
    AlertFigures, ProblemOut, ScanAlert, ScanContext, SchoolRead, SchoolRefused, SkippedRule,
    all_figures, last_sessions, school_alerts, school_figures, sort_alerts,
};

/// Sessions in a school year's grid: 366 days (a leap year) × AM and PM.
pub const SLOTS: usize = 732;

/// How many problems are listed per school; the rest are counted.
const MAX_LISTED: usize = 100;

/// A multiplying hasher for the packed UPN keys (already well spread), far cheaper than SipHash
/// on the import's hot path. Keys come from files the council receives, not from the public.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0 ^ value).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub(crate) type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// Problems found in one school's rows (or in the file's), with lines; the first hundred kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedProblems {
    /// The problems listed, in the order found.
    pub listed: Vec<ReadProblem>,
    /// How many there were in all.
    pub total: usize,
}

impl FeedProblems {
    pub(crate) fn add(&mut self, line: u64, column: Option<&str>, kind: ProblemKind) {
        self.total = self.total.saturating_add(1);
        if self.listed.len() < MAX_LISTED {
            self.listed.push(ReadProblem {
                line,
                column: column.map(str::to_owned),
                kind,
            });
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    fn absorb(&mut self, other: FeedProblems, line_offset: u64) {
        for mut problem in other.listed {
            problem.line = problem.line.saturating_add(line_offset);
            if self.listed.len() < MAX_LISTED {
                self.listed.push(problem);
            }
        }
        self.total = self.total.saturating_add(other.total);
        self.listed.sort_by_key(|problem| problem.line);
    }
}

/// Which column of the county file does what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FeedLayout {
    pub names: Vec<String>,
    pub urn: usize,
    pub upn: usize,
    pub date: usize,
    pub half: usize,
    pub mark: usize,
    /// One more than the highest column read.
    pub needed: usize,
}

impl FeedLayout {
    /// Reads the header of a county file: the single-school reader's long form, plus a URN.
    pub(crate) fn detect(names: Vec<String>, line: u64) -> Result<Self, ReadError> {
        let urn = names
            .iter()
            .position(|name| is_urn_header(name))
            .ok_or_else(|| ReadError::BadInput {
                problems: vec![ReadProblem {
                    line,
                    column: None,
                    kind: ProblemKind::File(
                        "a county file needs a 'URN' column naming each row's school".into(),
                    ),
                }],
                total: 1,
            })?;
        let layout = super::reader::header::detect_layout(names.clone(), line)?;
        let super::reader::header::Shape::Long { date, half, mark } = layout.shape else {
            return Err(ReadError::LongFormIncomplete {
                missing: "'Date', 'Session' (AM/PM) and 'Mark'".into(),
            });
        };
        let upn = layout
            .pupils
            .iter()
            .find(|column| column.kind != super::reader::header::PupilColumnKind::AdmissionNumber)
            .map(|column| column.index)
            .ok_or(ReadError::NoPupilColumn)?;
        let needed = [urn, upn, date, half, mark].into_iter().max().unwrap_or(0) + 1;
        Ok(Self {
            names,
            urn,
            upn,
            date,
            half,
            mark,
            needed,
        })
    }

    pub(crate) fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }
}

/// Whether a header names the school's URN.
pub(crate) fn is_urn_header(name: &str) -> bool {
    matches!(
        normalise(name).as_str(),
        "urn" | "schoolurn" | "uniquereferencenumber" | "establishmenturn"
    )
}

/// One school's pupils in the feed: a session grid per pupil.
#[derive(Debug, Clone, Default)]
pub struct SchoolTally {
    /// The school's URN as the file gives it.
    pub urn: String,
    /// Data rows read for the school.
    pub rows: u64,
    /// What is wrong with the school's rows; any problem refuses the school.
    pub problems: FeedProblems,
    /// The school's own file, when each school has one (a folder of exports); `None` when the
    /// school's rows came in a county file.
    pub file: Option<String>,
    keys: Vec<u64>,
    first_lines: Vec<u64>,
    index: KeyMap<u64, u32>,
    grid: Vec<u8>,
}

impl SchoolTally {
    fn new(urn: String) -> Self {
        Self {
            urn,
            ..Self::default()
        }
    }

    /// How many pupils the school's rows name.
    pub fn pupils(&self) -> usize {
        self.keys.len()
    }

    /// The pupil at `index` (in order of first appearance): UPN and marks.
    pub fn pupil(&self, index: usize) -> Option<(String, &[u8])> {
        let key = *self.keys.get(index)?;
        let start = index.checked_mul(SLOTS)?;
        let cells = self.grid.get(start..start + SLOTS)?;
        Some((unpack_upn(key), cells))
    }

    /// The index of a pupil already seen, or a new one (with an empty grid).
    fn pupil_index(&mut self, key: u64, line: u64) -> usize {
        if let Some(index) = self.index.get(&key) {
            return *index as usize;
        }
        let index = self.keys.len();
        self.keys.push(key);
        self.first_lines.push(line);
        self.grid.resize(self.grid.len() + SLOTS, 0);
        self.index
            .insert(key, u32::try_from(index).unwrap_or(u32::MAX));
        index
    }

    /// Records a mark; a different mark already in the slot is a conflict.
    fn mark(&mut self, pupil: usize, slot: usize, code: u8) -> Result<(), u8> {
        let cell = &mut self.grid[pupil * SLOTS + slot];
        match *cell {
            0 => {
                *cell = code;
                Ok(())
            }
            same if same == code => Ok(()),
            first => Err(first),
        }
    }

    /// Adds another part's rows for the same school (read by the other thread).
    fn absorb(&mut self, other: SchoolTally, line_offset: u64, dates: &[NaiveDate]) {
        self.rows = self.rows.saturating_add(other.rows);
        self.problems.absorb(other.problems, line_offset);
        for (position, key) in other.keys.iter().enumerate() {
            let line = other.first_lines[position].saturating_add(line_offset);
            let pupil = self.pupil_index(*key, line);
            let theirs = &other.grid[position * SLOTS..(position + 1) * SLOTS];
            for (slot, code) in theirs.iter().enumerate() {
                if *code == 0 {
                    continue;
                }
                if let Err(first) = self.mark(pupil, slot, *code) {
                    let kind = ProblemKind::ConflictingMarks {
                        pupil: unpack_upn(*key),
                        session: grid::session_of(dates, slot),
                        first: grid::code_of(first),
                        second: grid::code_of(*code),
                    };
                    self.problems.add(line, None, kind);
                }
            }
        }
    }
}

/// The whole feed read: each school's grids, and problems that refuse the whole file.
#[derive(Debug, Clone)]
pub struct CountyTally {
    /// The school year read.
    pub school_year: SchoolYear,
    /// The schools, in order of first appearance.
    pub schools: Vec<SchoolTally>,
    /// Problems not put down to one school: these refuse every school in the file.
    pub file_problems: FeedProblems,
    /// Data rows read.
    pub rows: u64,
    dates: Vec<NaiveDate>,
}

impl CountyTally {
    /// The dates of the school year, by day index (for the grid's slots).
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// MN-ABS: refuses both schools where one pupil has a possible session at each on the same
    /// day, since the service cannot tell which register is wrong.
    pub fn check_two_schools_one_day(&mut self) {
        let mut seen: KeyMap<u64, (usize, usize)> = KeyMap::default();
        let mut clashes: Vec<(usize, usize, usize, usize)> = Vec::new();
        for (school, tally) in self.schools.iter().enumerate() {
            for (pupil, key) in tally.keys.iter().enumerate() {
                match seen.get(key) {
                    Some(&(other_school, other_pupil)) => {
                        clashes.push((other_school, other_pupil, school, pupil));
                    }
                    None => {
                        seen.insert(*key, (school, pupil));
                    }
                }
            }
        }
        for (a_school, a_pupil, b_school, b_pupil) in clashes {
            let a = &self.schools[a_school];
            let b = &self.schools[b_school];
            if a.urn == b.urn {
                continue; // one school in two files of a folder: refused as that already
            }
            let a_cells = &a.grid[a_pupil * SLOTS..(a_pupil + 1) * SLOTS];
            let b_cells = &b.grid[b_pupil * SLOTS..(b_pupil + 1) * SLOTS];
            let day = (0..SLOTS / 2)
                .find(|day| grid::possible_day(a_cells, *day) && grid::possible_day(b_cells, *day));
            let Some(day) = day else { continue };
            let date = self.dates[day];
            let pupil = unpack_upn(a.keys[a_pupil]);
            let (a_urn, b_urn) = (a.urn.clone(), b.urn.clone());
            let a_line = a.first_lines[a_pupil];
            let b_line = b.first_lines[b_pupil];
            self.schools[a_school].problems.add(
                a_line,
                None,
                ProblemKind::TwoSchoolsOneDay {
                    pupil: pupil.clone(),
                    school: a_urn.clone(),
                    other: b_urn.clone(),
                    date,
                },
            );
            self.schools[b_school].problems.add(
                b_line,
                None,
                ProblemKind::TwoSchoolsOneDay {
                    pupil,
                    school: b_urn,
                    other: a_urn,
                    date,
                },
            );
        }
    }

    /// Refuses the schools not on the schools list (`known` says whether a URN is); a file of a
    /// folder with no URN is refused already.
    pub fn check_schools(&mut self, known: impl Fn(&str) -> bool) {
        for school in &mut self.schools {
            if !school.urn.is_empty() && !known(&school.urn) {
                let line = school.first_lines.first().copied().unwrap_or(0);
                school.problems.add(
                    line,
                    Some("URN"),
                    ProblemKind::UnknownSchool(school.urn.clone()),
                );
            }
        }
    }
}

/// Why the feed could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The header (or the file as a whole) is not a county attendance file.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The file could not be read.
    #[error("could not read the file: {0}")]
    Io(#[from] io::Error),
}

/// Reads a county file on one thread.
pub fn read_county(input: impl Read, school_year: SchoolYear) -> Result<CountyTally, FeedError> {
    let mut input = BufReader::with_capacity(parse::BLOCK, input);
    let (layout, header_line, _) = read_header(&mut input)?;
    let mut part = parse::Part::new(&layout, school_year);
    part.read(&mut input, u64::MAX, true)?;
    Ok(finish(vec![part], header_line, school_year))
}

/// Reads a county file split between `threads` threads (each opens the file with `open`), at
/// line ends near equal byte offsets; the parts' grids are then merged.
pub fn read_county_split<R: Read + Seek + Send>(
    open: impl Fn() -> io::Result<R> + Sync,
    len: u64,
    school_year: SchoolYear,
    threads: usize,
) -> Result<CountyTally, FeedError> {
    let mut first = BufReader::new(open()?);
    let (layout, header_line, header_end) = read_header(&mut first)?;
    let threads = threads.max(1);
    let mut bounds = vec![header_end];
    for part in 1..threads {
        let target = header_end + (len.saturating_sub(header_end)) * part as u64 / threads as u64;
        let mut reader = BufReader::new(open()?);
        reader.seek(SeekFrom::Start(target.saturating_sub(1)))?;
        let mut skipped = Vec::new();
        let read = reader.read_until(b'\n', &mut skipped)? as u64;
        let bound = target.saturating_sub(1) + read;
        if bound > *bounds.last().unwrap_or(&0) && bound < len {
            bounds.push(bound);
        }
    }
    bounds.push(len);
    let ranges: Vec<(u64, u64)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let last = ranges.len() - 1;
    let parts: Vec<Result<parse::Part, io::Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .iter()
            .enumerate()
            .map(|(number, (start, end))| {
                let (open, layout) = (&open, &layout);
                scope.spawn(move || {
                    let mut reader = open()?;
                    reader.seek(SeekFrom::Start(*start))?;
                    let mut reader = BufReader::with_capacity(parse::BLOCK, reader);
                    let mut part = parse::Part::new(layout, school_year);
                    part.read(&mut reader, end - start, number == last)?;
                    Ok(part)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("a reader thread failed")))
            })
            .collect()
    });
    let parts = parts.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(finish(parts, header_line, school_year))
}

/// Reads the header row (after any blank lines and a byte-order mark): the layout, the header's
/// line number and the byte offset just after it.
fn read_header(input: &mut impl BufRead) -> Result<(FeedLayout, u64, u64), FeedError> {
    let mut line = 0u64;
    let mut offset = 0u64;
    let mut text = Vec::new();
    loop {
        text.clear();
        let read = input.read_until(b'\n', &mut text)?;
        if read == 0 {
            return Err(ReadError::Empty.into());
        }
        line += 1;
        offset += read as u64;
        let body = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
        if !body.trim_ascii().is_empty() {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(body);
            let mut record = csv::StringRecord::new();
            let names = match reader.read_record(&mut record) {
                Ok(true) => record.iter().map(|name| name.trim().to_owned()).collect(),
                _ => return Err(ReadError::Empty.into()),
            };
            return Ok((FeedLayout::detect(names, line)?, line, offset));
        }
    }
}

/// Merges the parts in file order, numbering their lines from the header.
fn finish(parts: Vec<parse::Part>, header_line: u64, school_year: SchoolYear) -> CountyTally {
    let dates = grid::school_year_dates(school_year);
    let mut tally = CountyTally {
        school_year,
        schools: Vec::new(),
        file_problems: FeedProblems::default(),
        rows: 0,
        dates,
    };
    let mut by_urn: HashMap<String, usize> = HashMap::new();
    let mut offset = header_line;
    for part in parts {
        let (schools, file_problems, lines, rows) = part.into_parts();
        tally.rows = tally.rows.saturating_add(rows);
        tally.file_problems.absorb(file_problems, offset);
        for mut school in schools {
            match by_urn.get(&school.urn) {
                Some(&index) => tally.schools[index].absorb(school, offset, &tally.dates),
                None => {
                    school.problems = {
                        let mut problems = FeedProblems::default();
                        problems.absorb(std::mem::take(&mut school.problems), offset);
                        problems
                    };
                    for line in &mut school.first_lines {
                        *line = line.saturating_add(offset);
                    }
                    by_urn.insert(school.urn.clone(), tally.schools.len());
                    tally.schools.push(school);
                }
            }
        }
        offset = offset.saturating_add(lines);
    }
    tally
}

/// Packs a UPN's 13 characters into a number (`None` if not shaped like one): the letter, the
/// 11 digits, then the last character (a digit or a temporary UPN's letter).
pub(crate) fn pack_upn(text: &[u8]) -> Option<u64> {
    let [first, middle @ .., last] = text else {
        return None;
    };
    if middle.len() != 11 {
        return None;
    }
    let letter = first.to_ascii_uppercase();
    if !letter.is_ascii_uppercase() {
        return None;
    }
    let mut key = u64::from(letter - b'A');
    for digit in middle {
        if !digit.is_ascii_digit() {
            return None;
        }
        key = key * 10 + u64::from(digit - b'0');
    }
    let last = last.to_ascii_uppercase();
    let tail = match last {
        b'0'..=b'9' => last - b'0',
        b'A'..=b'Z' => last - b'A' + 10,
        _ => return None,
    };
    Some(key * 36 + u64::from(tail))
}

/// The UPN text of a packed key.
pub(crate) fn unpack_upn(key: u64) -> String {
    let tail = (key % 36) as u8;
    let rest = key / 36;
    let digits = rest % 100_000_000_000;
    let letter = (rest / 100_000_000_000) as u8;
    let last = if tail < 10 {
        char::from(b'0' + tail)
    } else {
        char::from(b'A' + tail - 10)
    };
    format!("{}{digits:011}{last}", char::from(b'A' + letter))
}

/// The session a slot stands for, for messages.
pub fn slot_session(dates: &[NaiveDate], slot: usize) -> Session {
    grid::session_of(dates, slot)
}
