//! The county feed's hot path: whole lines from large blocks, split on commas without the csv
//! crate (a line with a quote goes through it), each cell mapped through a small cache (the
//! previous row's school, pupil and date), and the mark put in the pupil's grid.

use std::collections::HashMap;
use std::io::{self, BufRead};

use chrono::{Datelike, NaiveDate};

use super::super::code::{Recognised, recognise};
use super::super::reader::dates::parse_date;
use super::super::{HalfDay, ProblemKind};
use super::{FeedLayout, FeedProblems, SLOTS, SchoolTally, grid, pack_upn};
use crate::calendar::SchoolYear;
use crate::identifiers::Upn;

/// How much is read at a time.
pub(crate) const BLOCK: usize = 8 << 20;

/// The most cells of a row the fast path looks at.
const MAX_CELLS: usize = 32;

/// What a date cell turned out to be.
#[derive(Clone)]
enum DateCell {
    Day(u16),
    Problem(ProblemKind),
}

/// The grid byte for each one-byte mark (upper or lower case): the code's number plus one, or
/// 0 for a byte that is not a whole code by itself.
fn single_byte_codes() -> [u8; 256] {
    let mut table = [0u8; 256];
    for byte in 0..=255u8 {
        if let Recognised::Code(code) = recognise(&[byte]) {
            table[usize::from(byte)] = grid::byte_of(code);
        }
    }
    table
}

/// One thread's share of the file: its schools and the problems it found, lines counted from
/// the start of its share.
pub(crate) struct Part<'a> {
    layout: &'a FeedLayout,
    school_year: SchoolYear,
    first_day: NaiveDate,
    /// The calendar year the school year starts in, for [`iso_key`].
    first_year: usize,
    codes: [u8; 256],
    schools: Vec<SchoolTally>,
    by_urn: HashMap<Vec<u8>, usize>,
    file_problems: FeedProblems,
    last_urn: Vec<u8>,
    last_school: usize,
    last_upn: Vec<u8>,
    last_pupil: Option<usize>,
    last_date: Vec<u8>,
    last_day: Option<DateCell>,
    dates: HashMap<Vec<u8>, DateCell>,
    /// ISO dates of the school year by (year offset, month, day): the day index, or
    /// `u16::MAX` for a day outside the year (or no such day).
    iso_days: Vec<u16>,
    lines: u64,
    rows: u64,
    /// Whether the block being read (or the line carried into it) may hold a quote.
    quotes: bool,
    /// The last good row's cells up to its URN and UPN (the later of the two) and the comma
    /// after, with the school and pupil they named: a line starting with the same bytes names
    /// them too, so only the cells after are read ([`Part::same_pupil`]). Empty when the file's
    /// date, session or mark come before its URN or UPN.
    prefix: Vec<u8>,
    prefix_pupil: (usize, usize),
    /// The cells after the prefix, when it is in use: `layout.needed - 1 - key_end`.
    after_prefix: Option<usize>,
    /// The last ISO date [`Part::same_pupil`] read, and its day in the year.
    last_iso: Option<([u8; 10], u16)>,
}

impl<'a> Part<'a> {
    pub(crate) fn new(layout: &'a FeedLayout, school_year: SchoolYear) -> Self {
        Self {
            layout,
            school_year,
            first_day: school_year.first_day(),
            first_year: first_year(school_year),
            codes: single_byte_codes(),
            schools: Vec::new(),
            by_urn: HashMap::new(),
            file_problems: FeedProblems::default(),
            last_urn: Vec::new(),
            last_school: usize::MAX,
            last_upn: Vec::new(),
            last_pupil: None,
            last_date: Vec::new(),
            last_day: None,
            dates: HashMap::new(),
            iso_days: iso_day_table(school_year),
            lines: 0,
            rows: 0,
            quotes: true,
            prefix: Vec::new(),
            prefix_pupil: (usize::MAX, usize::MAX),
            last_iso: None,
            after_prefix: {
                let key_end = layout.urn.max(layout.upn);
                (key_end < layout.date.min(layout.half).min(layout.mark))
                    .then(|| layout.needed - 1 - key_end)
            },
        }
    }

    /// The schools, the file-wide problems, the lines and the data rows read.
    pub(crate) fn into_parts(self) -> (Vec<SchoolTally>, FeedProblems, u64, u64) {
        (self.schools, self.file_problems, self.lines, self.rows)
    }

    /// Reads up to `limit` bytes of whole lines; with `last`, a final line without its line end
    /// is read too (and checked for being cut short).
    pub(crate) fn read(
        &mut self,
        input: &mut impl BufRead,
        limit: u64,
        last: bool,
    ) -> io::Result<()> {
        let mut remaining = limit;
        let mut carry: Vec<u8> = Vec::new();
        loop {
            let block = input.fill_buf()?;
            if block.is_empty() || remaining == 0 {
                break;
            }
            let take = block
                .len()
                .min(usize::try_from(remaining).unwrap_or(usize::MAX));
            let block = &block[..take];
            let mut start = 0;
            // A carried line is checked for quotes on its own.
            self.quotes = true;
            // A line begun in the previous block.
            if !carry.is_empty() {
                match memchr::memchr(b'\n', block) {
                    Some(end) => {
                        carry.extend_from_slice(&block[..end]);
                        let line = std::mem::take(&mut carry);
                        self.line(&line, false);
                        start = end + 1;
                    }
                    None => {
                        carry.extend_from_slice(block);
                        start = block.len();
                    }
                }
            }
            // One look for quotes in the rest of the block spares one per line in the usual
            // file.
            self.quotes = memchr::memchr(b'"', &block[start..]).is_some();
            while start < block.len() {
                match memchr::memchr(b'\n', &block[start..]) {
                    Some(end) => {
                        self.line(&block[start..start + end], false);
                        start += end + 1;
                    }
                    None => {
                        carry.extend_from_slice(&block[start..]);
                        start = block.len();
                    }
                }
            }
            input.consume(take);
            remaining -= take as u64;
        }
        if !carry.is_empty() && last {
            self.quotes = true;
            self.line(&carry, true);
        }
        self.quotes = true;
        Ok(())
    }

    /// One line of the file (without its `\n`).
    fn line(&mut self, raw: &[u8], unterminated: bool) {
        self.lines += 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        if self.quotes && memchr::memchr(b'"', raw).is_some() {
            self.quoted_line(raw, unterminated);
            return;
        }
        if !unterminated
            && !self.prefix.is_empty()
            && let Some(rest) = raw.strip_prefix(self.prefix.as_slice())
            && self.same_pupil(rest)
        {
            return;
        }
        let (cells, count) = split_cells(raw, self.layout.needed);
        let cells = &cells[..count.min(MAX_CELLS)];
        if let Some(pupil) = self.row(cells, unterminated)
            && self.after_prefix.is_some()
        {
            // The row was good: its bytes up to the comma after the URN and UPN name the same
            // school and pupil whenever they come again.
            let key_end = self.layout.urn.max(self.layout.upn);
            let end =
                cells[key_end].as_ptr() as usize - raw.as_ptr() as usize + cells[key_end].len() + 1;
            self.prefix.clear();
            self.prefix.extend_from_slice(&raw[..end]);
            self.prefix_pupil = pupil;
        }
    }

    /// The rest of a line whose cells up to the URN and UPN are the last good row's: its date,
    /// session and mark, when each is in the usual form (an ISO date, `AM` or `PM`, a one-byte
    /// code) and the mark does not clash. Anything else is left to [`Part::row`] (false), which
    /// reads the line whole and names what is wrong.
    fn same_pupil(&mut self, rest: &[u8]) -> bool {
        let Some(wanted) = self.after_prefix else {
            return false;
        };
        let key_end = self.layout.urn.max(self.layout.upn);
        let (cells, count) = split_cells(rest, wanted);
        if count < wanted {
            return false;
        }
        let cell = |column: usize| cells[column - key_end - 1];
        // A date is usually the last row's (its other session, or the next pupil's day).
        let date = cell(self.layout.date);
        let day = match (<[u8; 10]>::try_from(date), self.last_iso) {
            (Ok(bytes), Some((last, day))) if bytes == last => day,
            (Ok(bytes), _) => {
                let Some(day) = iso_key(date, self.first_year)
                    .and_then(|key| self.iso_days.get(key).copied())
                    .filter(|day| *day != u16::MAX)
                else {
                    return false;
                };
                self.last_iso = Some((bytes, day));
                day
            }
            (Err(_), _) => return false,
        };
        let pm = match cell(self.layout.half) {
            b"AM" => false,
            b"PM" => true,
            _ => return false,
        };
        let code = match cell(self.layout.mark) {
            [byte] => self.codes[usize::from(*byte)],
            _ => 0,
        };
        if code == 0 {
            return false;
        }
        let (school, pupil) = self.prefix_pupil;
        let slot = usize::from(day) * 2 + usize::from(pm);
        let tally = &mut self.schools[school];
        if tally.mark(pupil, slot, code).is_err() {
            return false; // the general path reports the clash (the grid is unchanged)
        }
        tally.rows += 1;
        self.rows += 1;
        true
    }

    /// A line with quotes, through the csv crate.
    fn quoted_line(&mut self, raw: &[u8], unterminated: bool) {
        let quotes = raw.iter().filter(|byte| **byte == b'"').count();
        if quotes % 2 == 1 {
            let line = self.lines;
            self.file_problems
                .add(line, None, ProblemKind::LineBreakInCell);
            return;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(raw);
        let mut record = csv::ByteRecord::new();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                let cells: Vec<&[u8]> = record.iter().collect();
                self.row(&cells, unterminated);
            }
            Ok(false) => {}
            Err(error) => {
                let line = self.lines;
                self.file_problems
                    .add(line, None, ProblemKind::NotCsv(error.to_string()));
            }
        }
    }

    /// The school a URN cell names, added on first sight.
    fn school(&mut self, urn: &[u8]) -> usize {
        if urn == self.last_urn.as_slice() && self.last_school != usize::MAX {
            return self.last_school;
        }
        let index = match self.by_urn.get(urn) {
            Some(index) => *index,
            None => {
                let index = self.schools.len();
                let text = String::from_utf8_lossy(urn).into_owned();
                self.schools.push(SchoolTally::new(text));
                self.by_urn.insert(urn.to_vec(), index);
                index
            }
        };
        self.last_urn.clear();
        self.last_urn.extend_from_slice(urn);
        self.last_school = index;
        self.last_upn.clear();
        self.last_pupil = None;
        index
    }

    /// One data row's cells: the school and pupil it marked, if it was good.
    fn row(&mut self, cells: &[&[u8]], unterminated: bool) -> Option<(usize, usize)> {
        let line = self.lines;
        let layout = self.layout;
        self.rows += 1;
        let Some(urn) = cells.get(layout.urn).map(|cell| cell.trim_ascii()) else {
            let kind = if unterminated {
                ProblemKind::Truncated
            } else {
                ProblemKind::TooFewCells {
                    found: cells.len(),
                    expected: layout.needed,
                }
            };
            self.file_problems.add(line, None, kind);
            return None;
        };
        if urn.is_empty() {
            let column = layout.name(layout.urn).to_owned();
            self.file_problems
                .add(line, Some(&column), ProblemKind::Blank);
            return None;
        }
        let school = self.school(urn);
        self.schools[school].rows += 1;
        if cells.len() < layout.needed {
            let kind = if unterminated {
                ProblemKind::Truncated
            } else {
                ProblemKind::TooFewCells {
                    found: cells.len(),
                    expected: layout.needed,
                }
            };
            self.schools[school].problems.add(line, None, kind);
            return None;
        }
        let mut problems: Vec<(usize, ProblemKind)> = Vec::new();
        let pupil = self.pupil(school, cells[layout.upn].trim_ascii(), line);
        let pupil = pupil.map_err(|kind| problems.push((layout.upn, kind))).ok();
        let day = match self.day(cells[layout.date].trim_ascii()) {
            DateCell::Day(day) => Some(day),
            DateCell::Problem(kind) => {
                problems.push((layout.date, kind));
                None
            }
        };
        let half = cells[layout.half].trim_ascii();
        let half = if half.eq_ignore_ascii_case(b"AM") {
            Some(HalfDay::Am)
        } else if half.eq_ignore_ascii_case(b"PM") {
            Some(HalfDay::Pm)
        } else {
            let kind = match half {
                [] => ProblemKind::Blank,
                text => ProblemKind::NotASession(String::from_utf8_lossy(text).into_owned()),
            };
            problems.push((layout.half, kind));
            None
        };
        let mark = cells[layout.mark];
        let code = match mark {
            [byte] if self.codes[usize::from(*byte)] != 0 => Some(self.codes[usize::from(*byte)]),
            _ => match recognise(mark) {
                Recognised::Blank => return None,
                Recognised::Code(code) => Some(grid::byte_of(code)),
                Recognised::Retired(retired) => Some(grid::byte_of(retired.replacement())),
                Recognised::Unknown => {
                    let text = String::from_utf8_lossy(mark.trim_ascii()).into_owned();
                    problems.push((layout.mark, ProblemKind::UnknownCode(text)));
                    None
                }
            },
        };
        let tally = &mut self.schools[school];
        if !problems.is_empty() {
            if unterminated {
                tally.problems.add(line, None, ProblemKind::Truncated);
                return None;
            }
            for (column, kind) in problems {
                tally.problems.add(line, Some(layout.name(column)), kind);
            }
            return None;
        }
        let (Some(pupil), Some(day), Some(half), Some(code)) = (pupil, day, half, code) else {
            return None;
        };
        let slot = usize::from(day) * 2 + usize::from(half == HalfDay::Pm);
        if let Err(first) = tally.mark(pupil, slot, code) {
            let kind = ProblemKind::ConflictingMarks {
                pupil: super::unpack_upn(tally.keys[pupil]),
                session: grid::session_of(&grid::school_year_dates(self.school_year), slot),
                first: grid::code_of(first),
                second: grid::code_of(code),
            };
            let column = layout.name(layout.mark).to_owned();
            tally.problems.add(line, Some(&column), kind);
            return None;
        }
        Some((school, pupil))
    }

    /// The pupil a UPN cell names within the school, checked on first sight.
    fn pupil(&mut self, school: usize, upn: &[u8], line: u64) -> Result<usize, ProblemKind> {
        if let Some(pupil) = self.last_pupil
            && upn == self.last_upn.as_slice()
        {
            return Ok(pupil);
        }
        let not_a_pupil = |upn: &[u8]| {
            let text = String::from_utf8_lossy(upn).into_owned();
            match Upn::parse(&text) {
                Err(error) => ProblemKind::NotAPupil {
                    value: text,
                    error: error.into(),
                },
                Ok(_) => ProblemKind::Blank,
            }
        };
        if upn.is_empty() {
            return Err(ProblemKind::Blank);
        }
        let key = pack_upn(upn).ok_or_else(|| not_a_pupil(upn))?;
        let tally = &mut self.schools[school];
        let pupil = match tally.index.get(&key) {
            Some(index) => *index as usize,
            None => {
                // First sight in this school: check the check letter once.
                if Upn::parse(&String::from_utf8_lossy(upn)).is_err() {
                    return Err(not_a_pupil(upn));
                }
                tally.pupil_index(key, line)
            }
        };
        self.last_upn.clear();
        self.last_upn.extend_from_slice(upn);
        self.last_pupil = Some(pupil);
        Ok(pupil)
    }

    /// The day index of a date cell in the school year.
    fn day(&mut self, text: &[u8]) -> DateCell {
        // Most feeds write ISO dates: read those by table, without parsing or hashing.
        if let Some(index) = iso_key(text, self.first_year)
            && let Some(&day) = self.iso_days.get(index)
            && day != u16::MAX
        {
            return DateCell::Day(day);
        }
        if let Some(cell) = &self.last_day
            && text == self.last_date.as_slice()
        {
            return cell.clone();
        }
        let cell = match self.dates.get(text) {
            Some(cell) => cell.clone(),
            None => {
                let cell = match parse_date(text) {
                    None if text.is_empty() => DateCell::Problem(ProblemKind::Blank),
                    None => DateCell::Problem(ProblemKind::NotADate(
                        String::from_utf8_lossy(text).into_owned(),
                    )),
                    Some(date) if !self.school_year.contains(date) => {
                        DateCell::Problem(ProblemKind::OutsideSchoolYear {
                            date,
                            year: self.school_year,
                        })
                    }
                    Some(date) => {
                        let day = (date - self.first_day).num_days();
                        match u16::try_from(day) {
                            Ok(day) if usize::from(day) < SLOTS / 2 => DateCell::Day(day),
                            _ => DateCell::Problem(ProblemKind::OutsideSchoolYear {
                                date,
                                year: self.school_year,
                            }),
                        }
                    }
                };
                if self.dates.len() < 4096 {
                    self.dates.insert(text.to_vec(), cell.clone());
                }
                cell
            }
        };
        self.last_date.clear();
        self.last_date.extend_from_slice(text);
        self.last_day = Some(cell.clone());
        cell
    }
}

/// The first `wanted` comma-separated cells of `line` (the first [`MAX_CELLS`] of them kept),
/// and how many were found, up to `wanted`.
fn split_cells(line: &[u8], wanted: usize) -> ([&[u8]; MAX_CELLS], usize) {
    let mut cells: [&[u8]; MAX_CELLS] = [&[]; MAX_CELLS];
    let mut count = 0;
    for cell in line.split(|byte| *byte == b',') {
        if count < MAX_CELLS {
            cells[count] = cell;
        }
        count += 1;
        if count >= wanted {
            break;
        }
    }
    (cells, count)
}

/// The table key of an ISO date (`2025-09-03`) in the two calendar years from `first_year`
/// (the school year's first): (year offset × 12 + month − 1) × 31 + day − 1. `None` for
/// anything else.
fn iso_key(text: &[u8], first_year: usize) -> Option<usize> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *text else {
        return None;
    };
    let digit = |b: u8| b.is_ascii_digit().then(|| usize::from(b - b'0'));
    let year = digit(y1)? * 1000 + digit(y2)? * 100 + digit(y3)? * 10 + digit(y4)?;
    let month = digit(m1)? * 10 + digit(m2)?;
    let day = digit(d1)? * 10 + digit(d2)?;
    let offset = year.checked_sub(first_year).filter(|o| *o < 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some((offset * 12 + month - 1) * 31 + day - 1)
}

/// The calendar year a school year starts in, as [`iso_key`] takes it.
fn first_year(school_year: SchoolYear) -> usize {
    usize::try_from(school_year.first_day().year()).unwrap_or(usize::MAX)
}

/// [`iso_key`]'s table for the school year: each key's day index in the year's grid.
fn iso_day_table(school_year: SchoolYear) -> Vec<u16> {
    let mut table = vec![u16::MAX; 2 * 12 * 31];
    let dates = grid::school_year_dates(school_year);
    for (index, date) in dates
        .iter()
        .enumerate()
        .filter(|(_, d)| school_year.contains(**d))
    {
        let text = date.format("%Y-%m-%d").to_string();
        if let (Some(key), Ok(day)) = (
            iso_key(text.as_bytes(), first_year(school_year)),
            u16::try_from(index),
        ) && let Some(slot) = table.get_mut(key)
        {
            *slot = day;
        }
    }
    table
}
