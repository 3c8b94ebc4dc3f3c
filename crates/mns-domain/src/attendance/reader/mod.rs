//! Reading a school's attendance export (CSV from SIMS, Arbor, Bromcom and the like) into a
//! herringbone per pupil (MN-REF-4). The form is worked out from the header row.
//!
//! # The file
//! - CSV with a header row first (blank lines before it are skipped); UTF-8, with or without a
//!   byte-order mark; lines may end in CRLF or LF; cells may be quoted.
//! - Headers are matched ignoring case, spaces and punctuation (`Week beginning`,
//!   `week_beginning` and `WeekBeginning` are the same). Columns not listed here (names, year
//!   group, registration group) are ignored.
//! - Cells are trimmed. Rows whose cells are all blank are skipped. A row may have fewer cells
//!   than the header (the missing ones are blank) but not more non-blank ones.
//!
//! # The pupil
//! At least one pupil column, of these kinds:
//! - `UPN` (or `Unique Pupil Number`): a valid UPN, check letter and all;
//! - `Pupil ID` (or `Pupil`, `Pupil Identifier`, `Student ID`): a UPN if the cell is shaped
//!   like one (13 characters starting with a letter), otherwise an admission number;
//! - `Admission Number` (or `Admission No`, `Adno`, `Admno`): 1 to 20 letters, digits, `-`, `/`
//!   or `.`.
//!
//! With several, each row uses the first non-blank one in that order (UPN first).
//!
//! # Long form: one row per pupil per session
//! Columns `Date` (or `Session Date`, `Attendance Date`, `Register Date`), `Session` (or
//! `AM/PM`, `AM or PM`) holding `AM` or `PM`, and `Mark` (or `Code`, `Attendance Mark`,
//! `Attendance Code`, `Session Mark`, `Register Mark`):
//!
//! ```text
//! UPN,Date,Session,Mark
//! B801200005001,2025-09-03,AM,/
//! B801200005001,03/09/2025,PM,I
//! ```
//!
//! When a header has all three, the file is read in long form whatever other columns it has.
//!
//! # Wide form by week: one row per pupil per week
//! A `Week beginning` column (or `Week commencing`, `Week starting`, `Week start`, `WB`, `WC`)
//! and a column per weekday session, named by the weekday (`Mon`/`Monday`, `Tue`/`Tues`/
//! `Tuesday`, `Wed`/`Weds`/`Wednesday`, `Thu`/`Thur`/`Thurs`/`Thursday`, `Fri`/`Friday`, and
//! `Sat`, `Sun` for schools with weekend sessions) then `AM` or `PM`, with a space, `_`, `-` or
//! nothing between (`Mon AM`, `Monday_PM`, `TueAM`):
//!
//! ```text
//! UPN,Week beginning,Mon AM,Mon PM,Tue AM,Tue PM,Wed AM,Wed PM,Thu AM,Thu PM,Fri AM,Fri PM
//! B801200005001,2025-09-01,,,,,/,\,I,I,I,I
//! ```
//!
//! A weekday column's date is the first day on or after the week beginning that falls on that
//! weekday, so weeks may be given from their Monday or their Sunday.
//!
//! # Wide form by date: a column per dated session
//! Columns named by a date and `AM` or `PM` (`2025-09-03 AM`, `03/09/2025 PM`, `2025-09-03_AM`),
//! one row per pupil (or several rows per pupil; their marks are combined):
//!
//! ```text
//! Adno,Name,2025-09-03 AM,2025-09-03 PM,2025-09-04 AM
//! 004512,Sam,/,\,I
//! ```
//!
//! A header may not mix weekday and dated session columns.
//!
//! # Cells
//! - Dates: `YYYY-MM-DD` or `DD/MM/YYYY` (day and month may have one digit: `3/9/2025`).
//! - Marks: the codes of the 2024 regulations in any case; blank means no session. Retired codes
//!   (`H`, `Y`, `J`) are read as their replacements and counted in
//!   [`AttendanceExport::retired_codes`]; anything else is left out and listed, with its lines,
//!   in [`AttendanceExport::unknown_codes`]. Neither stops the import.
//! - The same session given twice for a pupil is fine if the mark is the same, and a problem if
//!   it differs.
//!
//! # Errors
//! Every bad cell is reported with its line and column ("line 14, column Date: '31/02/2025' is
//! not a date"), the first hundred listed and all counted; a file with any problem yields no
//! pupils at all, so nothing is ever half-imported.
//!
//! The reader works through the bytes once, as they are, holding only the herringbones it
//! builds (about eight bytes a session), so a county-sized export needs no second copy.

mod codes_seen;
pub(super) mod dates;
mod error;
pub(super) mod header;
mod import;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::Serialize;

use super::{Herringbone, PupilId};
use crate::calendar::SchoolYear;

pub use codes_seen::{RetiredCodeSeen, UnknownCodeSeen};
pub use error::{ProblemKind, ReadError, ReadProblem};

/// The byte-order mark some programs (Excel among them) put at the start of a UTF-8 file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Which form an export took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportForm {
    /// One row per pupil per session.
    Long,
    /// One row per pupil per week, a column per weekday session.
    WideByWeek,
    /// A column per dated session.
    WideByDate,
}

/// One pupil's marks from an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilAttendance {
    /// The pupil.
    pub pupil: PupilId,
    /// The pupil's marks.
    pub herringbone: Herringbone,
}

/// What an export held: a herringbone per pupil, and the marks it read but did not take at face
/// value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceExport {
    /// The form the file took.
    pub form: ExportForm,
    /// Each pupil's marks, pupils in the order the file first names them.
    pub pupils: Vec<PupilAttendance>,
    /// Marks that are no attendance code, with the lines they were on; their sessions were left
    /// out.
    pub unknown_codes: Vec<UnknownCodeSeen>,
    /// Retired codes read as their 2024 replacements, with counts.
    pub retired_codes: Vec<RetiredCodeSeen>,
}

impl AttendanceExport {
    /// The school year of the latest session in the export: the year a summary counts by
    /// default (`None` if the export has no marks).
    pub fn latest_school_year(&self) -> Option<SchoolYear> {
        self.pupils
            .iter()
            .filter_map(|pupil| pupil.herringbone.span())
            .map(|(_, last)| last.date)
            .max()
            .map(SchoolYear::containing)
    }

    /// MN-REF-4: the school year a referral made on `referral_day` is read for. It is the
    /// referral's own school year; but early in a year a school may send last year's export,
    /// so a file with no sessions in the referral's year is read for its latest year instead.
    /// The coordinator's page and `mns referral check` both choose the year here.
    pub fn school_year_for_referral(&self, referral_day: NaiveDate) -> SchoolYear {
        let year = SchoolYear::containing(referral_day);
        let has_sessions = self.pupils.iter().any(|p| {
            p.herringbone
                .between(year.first_day(), year.last_day())
                .next()
                .is_some()
        });
        if has_sessions {
            year
        } else {
            self.latest_school_year().unwrap_or(year)
        }
    }
}

/// Reads an attendance export (see the module documentation for the shapes accepted).
///
/// Takes the file's bytes as they are (a `&str` converts with `as_bytes`); a file with any
/// problem gives an error listing them and no pupils.
pub fn read_attendance_export(input: &[u8]) -> Result<AttendanceExport, ReadError> {
    let body = input.strip_prefix(UTF8_BOM).unwrap_or(input);
    let lines = Lines::of(body);
    let line_of = |record: &csv::ByteRecord| lines.at(record.position());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut record = csv::ByteRecord::new();
    let (names, header_line) = loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) if record.iter().all(|cell| cell.trim_ascii().is_empty()) => continue,
            Ok(true) => break (header_names(&record), line_of(&record)),
            Ok(false) => return Err(ReadError::Empty),
            Err(error) => {
                let problem = ReadProblem {
                    line: error.position().map_or(1, |p| lines.at(Some(p))),
                    column: None,
                    kind: ProblemKind::NotCsv(error.to_string()),
                };
                return Err(ReadError::BadInput {
                    problems: vec![problem],
                    total: 1,
                });
            }
        }
    };
    let mut import = import::Import::new(header::detect_layout(names, header_line)?);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => import.row(&record, line_of(&record)),
            Ok(false) => break,
            Err(error) => {
                let line = error.position().map_or(0, |p| lines.at(Some(p)));
                import.problem(line, ProblemKind::NotCsv(error.to_string()));
                break;
            }
        }
    }
    import.finish()
}

/// The header row's cells as trimmed text.
fn header_names(record: &csv::ByteRecord) -> Vec<String> {
    record
        .iter()
        .map(|cell| String::from_utf8_lossy(cell).trim().to_owned())
        .collect()
}

/// Where the file's lines start, to name the line a record starts on from its byte offset.
/// The csv crate's own line count is one short in CRLF files: it gives a record the position
/// of the `\n` that ends the line before (it has read only the `\r`). So the record's first
/// byte is found past any line ends, and the line is one more than the `\n`s before it.
struct Lines<'a> {
    body: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn of(body: &'a [u8]) -> Lines<'a> {
        Lines {
            body,
            newlines: body
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The 1-based line of the record (or error) at `position`.
    fn at(&self, position: Option<&csv::Position>) -> u64 {
        position.map_or(0, |p| {
            let mut start = usize::try_from(p.byte()).unwrap_or(usize::MAX);
            while matches!(self.body.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            self.newlines.partition_point(|&newline| newline < start) as u64 + 1
        })
    }
}
