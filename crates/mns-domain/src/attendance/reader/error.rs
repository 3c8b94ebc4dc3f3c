//! What can be wrong with an attendance export, said so that a school user can find the cell
//! and fix it: "line 14, column Date: '31/02/2025' is not a date".

use super::super::{AttendanceCode, PupilIdError, Session};

/// How many problems an error lists; the rest are counted, not listed.
pub(super) const MAX_LISTED_PROBLEMS: usize = 100;

/// Why an attendance export could not be read. Nothing from a file with an error is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file has no header row.
    #[error("The file is empty: an attendance export starts with a header row")]
    Empty,
    /// The header names no column that identifies the pupil.
    #[error(
        "The header has no pupil column: name one 'UPN', 'Pupil ID', 'Admission Number' or 'Adno'"
    )]
    NoPupilColumn,
    /// The header has some of the columns of a one-row-per-session export, but not all.
    #[error("The header is missing the {missing} column a one-row-per-session export needs")]
    LongFormIncomplete {
        /// The missing columns, e.g. "Session (AM/PM)".
        missing: String,
    },
    /// The header has weekday session columns but no date for each row's week.
    #[error("Columns such as 'Mon AM' need a 'Week beginning' column giving each row's week")]
    WeekdayColumnsWithoutWeekBeginning,
    /// The header mixes weekday and dated session columns.
    #[error(
        "The header mixes weekday columns such as 'Mon AM' with dated ones such as \
         '2025-09-03 AM'; use one kind"
    )]
    MixedSessionColumns,
    /// The header has no attendance columns at all.
    #[error(
        "The header has no attendance columns: give 'Date', 'Session' (AM/PM) and 'Mark' \
         columns, or a column per session such as 'Mon AM' (with 'Week beginning') or \
         '2025-09-03 AM'"
    )]
    NoSessionColumns,
    /// Cells or rows that could not be read: the first [`MAX_LISTED_PROBLEMS`] in file order,
    /// and how many there were in all.
    #[error("{}", describe_problems(.problems, *.total))]
    BadInput {
        /// The problems listed, in file order.
        problems: Vec<ReadProblem>,
        /// How many problems the file has, listed or not.
        total: usize,
    },
}

/// A problem in one row, or one cell, of the export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {kind}", column_part(.column.as_deref()))]
pub struct ReadProblem {
    /// The line of the file the row starts on, counting the header as line 1 when it is first.
    pub line: u64,
    /// The header of the column the bad cell is in, when the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a row or cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemKind {
    /// A cell that must have a value is blank.
    #[error("is blank")]
    Blank,
    /// A date cell (or the date in a column's header) is not a date.
    #[error("'{0}' is not a date; write dates as 2025-09-03 or 03/09/2025")]
    NotADate(String),
    /// A session cell is not `AM` or `PM`.
    #[error("'{0}' is not a session; use AM or PM")]
    NotASession(String),
    /// A pupil cell does not hold a UPN or admission number.
    #[error("'{value}' does not identify a pupil: {error}")]
    NotAPupil {
        /// The cell's text.
        value: String,
        /// Why not.
        error: PupilIdError,
    },
    /// A cell is not UTF-8 text.
    #[error("is not readable text (the file should be saved as UTF-8)")]
    NotText,
    /// The row has more non-blank cells than the header has columns.
    #[error("the row has {found} cells but the header has {expected} columns")]
    TooManyCells {
        /// How many cells the row has.
        found: usize,
        /// How many columns the header has.
        expected: usize,
    },
    /// Two columns of the header do the same job.
    #[error("this column and '{other}' both give the {role}; keep one")]
    DuplicateColumn {
        /// The other column's header.
        other: String,
        /// What both give, e.g. "date".
        role: &'static str,
    },
    /// The same session was given two different marks for the pupil.
    #[error("pupil {pupil} has a second, different mark for {session}: '{second}' after '{first}'")]
    ConflictingMarks {
        /// The pupil.
        pupil: String,
        /// The session.
        session: Session,
        /// The mark given first.
        first: AttendanceCode,
        /// The mark given later.
        second: AttendanceCode,
    },
    /// The file is not valid CSV at this point.
    #[error("the file is not valid CSV here: {0}")]
    NotCsv(String),
    /// County feed: a mark that is not a code of the 2024 regulations (the single-school reader
    /// lists these instead; a county import refuses the school).
    #[error("'{0}' is not an attendance code of the 2024 regulations")]
    UnknownCode(String),
    /// County feed: a date outside the school year being imported.
    #[error("{date} is outside {year} ({first} to {last})", first = .year.first_day().format("%-d %b %Y"), last = .year.last_day().format("%-d %b %Y"))]
    OutsideSchoolYear {
        /// The date.
        date: chrono::NaiveDate,
        /// The school year imported.
        year: crate::calendar::SchoolYear,
    },
    /// County feed: the school is not on the schools list (GIAS).
    #[error("{0} is not a school on the schools list")]
    UnknownSchool(String),
    /// County feed: the same pupil has a possible session at two schools on one day.
    #[error("{pupil} has a possible session at {school} and at {other} on {date}")]
    TwoSchoolsOneDay {
        /// The pupil's UPN.
        pupil: String,
        /// This school's URN.
        school: String,
        /// The other school's URN.
        other: String,
        /// The day.
        date: chrono::NaiveDate,
    },
    /// County feed: the file's last row is cut short.
    #[error("the file ends in the middle of a row; was it cut short?")]
    Truncated,
    /// County feed: the row has fewer cells than the columns the feed reads.
    #[error("the row has {found} cells but the header has {expected} columns")]
    TooFewCells {
        /// How many cells the row has.
        found: usize,
        /// How many columns the header has.
        expected: usize,
    },
    /// County feed: something wrong with a whole file, said in full.
    #[error("{0}")]
    File(String),
    /// County feed: a quoted cell runs over a line break, which a county file may not have.
    #[error("a cell has a line break inside quotes; county files keep each row on one line")]
    LineBreakInCell,
}

/// `", column Date"`, or nothing for a problem with the whole row.
fn column_part(column: Option<&str>) -> String {
    column
        .map(|name| format!(", column {name}"))
        .unwrap_or_default()
}

/// The message for a file with bad cells: the one problem, or how many and the first.
fn describe_problems(problems: &[ReadProblem], total: usize) -> String {
    match problems.first() {
        Some(first) if total <= 1 => first.to_string(),
        Some(first) => format!("The file has {total} problems; the first is at {first}"),
        None => format!("The file has {total} problems"),
    }
}

/// Problems found so far while reading: the first few kept, all counted.
#[derive(Debug, Default)]
pub(super) struct Problems {
    listed: Vec<ReadProblem>,
    total: usize,
}

impl Problems {
    /// Records a problem.
    pub(super) fn add(&mut self, line: u64, column: Option<&str>, kind: ProblemKind) {
        self.total = self.total.saturating_add(1);
        if self.listed.len() < MAX_LISTED_PROBLEMS {
            self.listed.push(ReadProblem {
                line,
                column: column.map(str::to_owned),
                kind,
            });
        }
    }

    /// Whether any problem was found.
    pub(super) fn any(&self) -> bool {
        self.total > 0
    }

    /// The error for the problems found, if any.
    pub(super) fn into_error(self) -> Option<ReadError> {
        if self.any() {
            Some(ReadError::BadInput {
                problems: self.listed,
                total: self.total,
            })
        } else {
            None
        }
    }
}
