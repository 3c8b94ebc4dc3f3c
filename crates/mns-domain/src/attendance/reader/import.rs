//! Reading the rows of an export once its layout is known: each row's pupil, sessions and marks
//! into that pupil's herringbone, every bad cell recorded with its line and column.
//!
//! This is the hot loop for a county-sized file (tens of millions of rows), so cells stay as
//! bytes, the pupil of the previous row is remembered, and a pupil's identifier is parsed only
//! the first time it is met.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use csv::ByteRecord;

use super::super::code::{Recognised, recognise};
use super::super::{
    AdmissionNumber, AttendanceCode, HalfDay, Herringbone, PupilId, PupilIdError, Session,
};
use super::codes_seen::CodesSeen;
use super::dates::parse_date;
use super::error::{ProblemKind, Problems, ReadError};
use super::header::{Layout, PupilColumn, PupilColumnKind, Shape};
use super::{AttendanceExport, PupilAttendance};
use crate::identifiers::Upn;

/// An import in progress: the layout the header gave, and what the rows have given so far.
pub(super) struct Import {
    layout: Layout,
    read: Progress,
}

/// What the rows have given so far.
#[derive(Default)]
struct Progress {
    pupils: Vec<PupilAttendance>,
    /// Pupils by the raw text they were met by, one map per kind of pupil column, so a known
    /// pupil is found without parsing their identifier again.
    by_raw_id: [HashMap<Box<[u8]>, usize>; 3],
    /// Pupils by parsed identifier, so `b801...` and `B801...` are one pupil.
    by_id: HashMap<PupilId, usize>,
    /// The previous row's pupil, with the raw text in `last_raw_id`: exports are nearly always
    /// grouped by pupil.
    last_pupil: Option<(PupilColumnKind, usize)>,
    last_raw_id: Vec<u8>,
    /// The last date read and its text: a long export gives each date twice running (AM, PM).
    last_date: Option<NaiveDate>,
    last_raw_date: Vec<u8>,
    codes_seen: CodesSeen,
    problems: Problems,
}

impl Import {
    /// Starts an import of rows laid out as `layout`.
    pub(super) fn new(layout: Layout) -> Self {
        Self {
            layout,
            read: Progress::default(),
        }
    }

    /// Records a problem that is not in any one row, such as bad CSV.
    pub(super) fn problem(&mut self, line: u64, kind: ProblemKind) {
        self.read.problems.add(line, None, kind);
    }

    /// Reads one row, which starts on `line`.
    pub(super) fn row(&mut self, record: &ByteRecord, line: u64) {
        let (layout, read) = (&self.layout, &mut self.read);
        if record.iter().all(|cell| cell.trim_ascii().is_empty()) {
            return;
        }
        let expected = layout.names.len();
        let mut extra = record.iter().skip(expected);
        if extra.any(|cell| !cell.trim_ascii().is_empty()) {
            let found = record.len();
            let kind = ProblemKind::TooManyCells { found, expected };
            read.problems.add(line, None, kind);
            return;
        }
        let Some(pupil) = read.pupil(layout, record, line) else {
            return;
        };
        match &layout.shape {
            Shape::Long { date, half, mark } => {
                let date = read.date(layout, record, *date, line);
                let half = read.half(layout, record, *half, line);
                let code = read.mark(record, *mark, line);
                if let (Some(date), Some(half), Some(code)) = (date, half, code) {
                    read.record(pupil, Session::new(date, half), code, line);
                }
            }
            Shape::ByWeek {
                week_beginning,
                sessions,
            } => {
                let Some(first_day) = read.date(layout, record, *week_beginning, line) else {
                    return;
                };
                for column in sessions {
                    let Some(code) = read.mark(record, column.index, line) else {
                        continue;
                    };
                    if let Some(date) = day_of_week(first_day, column.weekday) {
                        read.record(pupil, Session::new(date, column.half), code, line);
                    }
                }
            }
            Shape::ByDate { sessions } => {
                for column in sessions {
                    if let Some(code) = read.mark(record, column.index, line) {
                        read.record(pupil, column.session, code, line);
                    }
                }
            }
        }
    }

    /// The pupils read, or every problem found.
    pub(super) fn finish(self) -> Result<AttendanceExport, ReadError> {
        let read = self.read;
        if let Some(error) = read.problems.into_error() {
            return Err(error);
        }
        let (retired_codes, unknown_codes) = read.codes_seen.into_report();
        let mut pupils = read.pupils;
        for pupil in &mut pupils {
            pupil.herringbone.shrink_to_fit();
        }
        Ok(AttendanceExport {
            form: self.layout.form(),
            pupils,
            unknown_codes,
            retired_codes,
        })
    }
}

impl Progress {
    /// The index of the row's pupil, met before or new; `None` (with a problem recorded) if the
    /// row names no pupil or names one badly.
    fn pupil(&mut self, layout: &Layout, record: &ByteRecord, line: u64) -> Option<usize> {
        let found = layout
            .pupils
            .iter()
            .map(|column| (*column, cell(record, column.index)))
            .find(|(_, raw)| !raw.is_empty());
        let Some((column, raw)) = found else {
            let first = layout.pupils.first().map_or(0, |column| column.index);
            self.problems
                .add(line, Some(layout.name(first)), ProblemKind::Blank);
            return None;
        };
        let same_as_last = |(kind, _): &(PupilColumnKind, usize)| {
            *kind == column.kind && self.last_raw_id.as_slice() == raw
        };
        if let Some((_, index)) = self.last_pupil.filter(same_as_last) {
            return Some(index);
        }
        let known = self
            .by_raw_id
            .get(column.kind as usize)
            .and_then(|map| map.get(raw))
            .copied();
        let index = match known {
            Some(index) => index,
            None => {
                let index = self.new_pupil(layout, column, raw, line)?;
                if let Some(map) = self.by_raw_id.get_mut(column.kind as usize) {
                    map.insert(Box::from(raw), index);
                }
                index
            }
        };
        self.last_pupil = Some((column.kind, index));
        self.last_raw_id.clear();
        self.last_raw_id.extend_from_slice(raw);
        Some(index)
    }

    /// Parses an identifier not met before, and finds or adds its pupil.
    fn new_pupil(
        &mut self,
        layout: &Layout,
        column: PupilColumn,
        raw: &[u8],
        line: u64,
    ) -> Option<usize> {
        let name = Some(layout.name(column.index));
        let Ok(text) = std::str::from_utf8(raw) else {
            self.problems.add(line, name, ProblemKind::NotText);
            return None;
        };
        let parsed = match column.kind {
            PupilColumnKind::Upn => Upn::parse(text)
                .map(PupilId::Upn)
                .map_err(PupilIdError::from),
            PupilColumnKind::AdmissionNumber => AdmissionNumber::parse(text)
                .map(PupilId::AdmissionNumber)
                .map_err(PupilIdError::from),
            PupilColumnKind::Either => PupilId::parse_either(text),
        };
        let id = match parsed {
            Ok(id) => id,
            Err(error) => {
                let value = lossy(raw);
                self.problems
                    .add(line, name, ProblemKind::NotAPupil { value, error });
                return None;
            }
        };
        if let Some(index) = self.by_id.get(&id) {
            return Some(*index);
        }
        let index = self.pupils.len();
        self.by_id.insert(id.clone(), index);
        self.pupils.push(PupilAttendance {
            pupil: id,
            herringbone: Herringbone::new(),
        });
        Some(index)
    }

    /// A date cell, or `None` with a problem recorded.
    fn date(
        &mut self,
        layout: &Layout,
        record: &ByteRecord,
        index: usize,
        line: u64,
    ) -> Option<NaiveDate> {
        let raw = cell(record, index);
        if self.last_date.is_some() && self.last_raw_date == raw {
            return self.last_date;
        }
        let date = parse_date(raw);
        if date.is_some() {
            self.last_date = date;
            self.last_raw_date.clear();
            self.last_raw_date.extend_from_slice(raw);
        } else {
            let kind = if raw.is_empty() {
                ProblemKind::Blank
            } else {
                ProblemKind::NotADate(lossy(raw))
            };
            self.problems.add(line, Some(layout.name(index)), kind);
        }
        date
    }

    /// An AM/PM cell, or `None` with a problem recorded.
    fn half(
        &mut self,
        layout: &Layout,
        record: &ByteRecord,
        index: usize,
        line: u64,
    ) -> Option<HalfDay> {
        let raw = cell(record, index);
        let half = HalfDay::from_bytes(raw);
        if half.is_none() {
            let kind = if raw.is_empty() {
                ProblemKind::Blank
            } else {
                ProblemKind::NotASession(lossy(raw))
            };
            self.problems.add(line, Some(layout.name(index)), kind);
        }
        half
    }

    /// A mark cell's code: `None` when blank or unknown (an unknown one is reported, not an
    /// error); a retired code is counted and read as its replacement.
    fn mark(&mut self, record: &ByteRecord, index: usize, line: u64) -> Option<AttendanceCode> {
        let raw = cell(record, index);
        match recognise(raw) {
            Recognised::Code(code) => Some(code),
            Recognised::Blank => None,
            Recognised::Retired(retired) => {
                self.codes_seen.retired(retired);
                Some(retired.replacement())
            }
            Recognised::Unknown => {
                self.codes_seen.unknown(raw, line);
                None
            }
        }
    }

    /// Adds a mark to the pupil's herringbone; a different mark for a session already marked is
    /// a problem, the same mark again is not.
    fn record(&mut self, pupil: usize, session: Session, code: AttendanceCode, line: u64) {
        let Some(attendance) = self.pupils.get_mut(pupil) else {
            return;
        };
        match attendance.herringbone.insert(session, code) {
            Some(first) if first != code => {
                let kind = ProblemKind::ConflictingMarks {
                    pupil: attendance.pupil.to_string(),
                    session,
                    first,
                    second: code,
                };
                self.problems.add(line, None, kind);
            }
            _ => {}
        }
    }
}

/// A cell's bytes without surrounding spaces; a missing cell (a short row) is blank.
fn cell(record: &ByteRecord, index: usize) -> &[u8] {
    record.get(index).unwrap_or_default().trim_ascii()
}

/// A cell's text for a message, readable even if it is not UTF-8, and cut short if long.
fn lossy(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).chars().take(40).collect()
}

/// The date of the given weekday in the week starting on `first_day` (the first day on or after
/// it that falls on that weekday), so weeks may begin on a Monday or a Sunday.
fn day_of_week(first_day: NaiveDate, weekday: chrono::Weekday) -> Option<NaiveDate> {
    let from = first_day.weekday().num_days_from_monday();
    let to = weekday.num_days_from_monday();
    let offset = (to + 7 - from) % 7;
    first_day.checked_add_days(Days::new(u64::from(offset)))
}
