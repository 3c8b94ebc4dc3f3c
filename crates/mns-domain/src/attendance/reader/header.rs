//! Working out from the header row which form an export takes (one row per session, or a column
//! per session by weekday or by date) and which column does what.

use chrono::Weekday;

use super::super::{HalfDay, Session};
use super::ExportForm;
use super::dates::{looks_like_a_date, parse_date};
use super::error::{ProblemKind, Problems, ReadError};

/// Which kind of identifier a pupil column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(in crate::attendance) enum PupilColumnKind {
    /// `UPN`: must be a valid UPN.
    Upn,
    /// `Pupil ID`: a UPN if shaped like one, otherwise an admission number.
    Either,
    /// `Admission Number`, `Adno`: the school's own number.
    AdmissionNumber,
}

/// A column naming the pupil.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::attendance) struct PupilColumn {
    /// The column's position, from 0.
    pub index: usize,
    /// What it holds.
    pub kind: PupilColumnKind,
}

/// A column of marks for one weekday's morning or afternoon, in a one-row-per-week export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::attendance) struct WeekdayColumn {
    /// The column's position, from 0.
    pub index: usize,
    /// The weekday.
    pub weekday: Weekday,
    /// Morning or afternoon.
    pub half: HalfDay,
}

/// A column of marks for one dated session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::attendance) struct DatedColumn {
    /// The column's position, from 0.
    pub index: usize,
    /// The session.
    pub session: Session,
}

/// Where the marks are in each row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::attendance) enum Shape {
    /// One row per session.
    Long {
        /// The date column.
        date: usize,
        /// The AM/PM column.
        half: usize,
        /// The mark column.
        mark: usize,
    },
    /// One row per pupil per week, a column per weekday session.
    ByWeek {
        /// The column giving the week's first day.
        week_beginning: usize,
        /// The session columns, in header order.
        sessions: Vec<WeekdayColumn>,
    },
    /// A column per dated session.
    ByDate {
        /// The session columns, in header order.
        sessions: Vec<DatedColumn>,
    },
}

/// What the header says about every row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::attendance) struct Layout {
    /// The header text of each column, trimmed, for messages.
    pub names: Vec<String>,
    /// The pupil columns, most trusted first (UPN, then Pupil ID, then admission number).
    pub pupils: Vec<PupilColumn>,
    /// Where the marks are.
    pub shape: Shape,
}

impl Layout {
    /// The form of export the layout reads.
    pub(super) fn form(&self) -> ExportForm {
        match self.shape {
            Shape::Long { .. } => ExportForm::Long,
            Shape::ByWeek { .. } => ExportForm::WideByWeek,
            Shape::ByDate { .. } => ExportForm::WideByDate,
        }
    }

    /// The header of a column, for messages.
    pub(super) fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }
}

/// A job a named column can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Pupil(PupilColumnKind),
    Date,
    Half,
    Mark,
    WeekBeginning,
}

impl Role {
    /// What the column gives, for the duplicate-column message.
    fn describe(self) -> &'static str {
        match self {
            Self::Pupil(PupilColumnKind::Upn) => "UPN",
            Self::Pupil(PupilColumnKind::Either) => "pupil ID",
            Self::Pupil(PupilColumnKind::AdmissionNumber) => "admission number",
            Self::Date => "date",
            Self::Half => "session (AM/PM)",
            Self::Mark => "mark",
            Self::WeekBeginning => "week beginning",
        }
    }
}

/// What a header that ends in AM or PM names.
enum SessionHeader {
    Weekday(Weekday, HalfDay),
    Dated(Session),
    BadDate(String),
}

/// Reads the header row (at `line`) into a layout, or says why it is not an attendance export.
pub(in crate::attendance) fn detect_layout(
    names: Vec<String>,
    line: u64,
) -> Result<Layout, ReadError> {
    let mut problems = Problems::default();
    let mut roles: Vec<(Role, usize)> = Vec::new();
    let mut weekday_columns: Vec<WeekdayColumn> = Vec::new();
    let mut dated_columns: Vec<DatedColumn> = Vec::new();
    let duplicate = |problems: &mut Problems, index: usize, other: usize, role: &'static str| {
        let other = names.get(other).cloned().unwrap_or_default();
        let column = names.get(index).map(String::as_str);
        problems.add(line, column, ProblemKind::DuplicateColumn { other, role });
    };
    for (index, name) in names.iter().enumerate() {
        if let Some(role) = role_of(name) {
            match roles.iter().find(|(taken, _)| *taken == role) {
                Some(&(_, other)) => duplicate(&mut problems, index, other, role.describe()),
                None => roles.push((role, index)),
            }
            continue;
        }
        match session_header(name) {
            Some(SessionHeader::Weekday(weekday, half)) => {
                let same = |c: &&WeekdayColumn| c.weekday == weekday && c.half == half;
                match weekday_columns.iter().find(same) {
                    Some(other) => {
                        duplicate(&mut problems, index, other.index, "marks for one session")
                    }
                    None => weekday_columns.push(WeekdayColumn {
                        index,
                        weekday,
                        half,
                    }),
                }
            }
            Some(SessionHeader::Dated(session)) => {
                match dated_columns.iter().find(|c| c.session == session) {
                    Some(other) => {
                        duplicate(&mut problems, index, other.index, "marks for one session")
                    }
                    None => dated_columns.push(DatedColumn { index, session }),
                }
            }
            Some(SessionHeader::BadDate(text)) => {
                problems.add(line, Some(name), ProblemKind::NotADate(text));
            }
            None => {}
        }
    }
    if let Some(error) = problems.into_error() {
        return Err(error);
    }
    let column = |wanted: Role| {
        roles
            .iter()
            .find(|(role, _)| *role == wanted)
            .map(|(_, index)| *index)
    };
    let mut pupils: Vec<PupilColumn> = roles
        .iter()
        .filter_map(|(role, index)| match role {
            Role::Pupil(kind) => Some(PupilColumn {
                index: *index,
                kind: *kind,
            }),
            _ => None,
        })
        .collect();
    pupils.sort_by_key(|column| column.kind);
    if pupils.is_empty() {
        return Err(ReadError::NoPupilColumn);
    }
    let long = (column(Role::Date), column(Role::Half), column(Role::Mark));
    let shape = match long {
        (Some(date), Some(half), Some(mark)) => Shape::Long { date, half, mark },
        _ if !weekday_columns.is_empty() && !dated_columns.is_empty() => {
            return Err(ReadError::MixedSessionColumns);
        }
        _ if !weekday_columns.is_empty() => Shape::ByWeek {
            week_beginning: column(Role::WeekBeginning)
                .ok_or(ReadError::WeekdayColumnsWithoutWeekBeginning)?,
            sessions: weekday_columns,
        },
        _ if !dated_columns.is_empty() => Shape::ByDate {
            sessions: dated_columns,
        },
        (None, None, None) => return Err(ReadError::NoSessionColumns),
        (date, half, mark) => {
            let missing: Vec<&str> = [
                (date, "'Date'"),
                (half, "'Session' (AM/PM)"),
                (mark, "'Mark'"),
            ]
            .into_iter()
            .filter(|(found, _)| found.is_none())
            .map(|(_, name)| name)
            .collect();
            return Err(ReadError::LongFormIncomplete {
                missing: missing.join(" and "),
            });
        }
    };
    Ok(Layout {
        names,
        pupils,
        shape,
    })
}

/// The header in lower case with only its letters and digits: `Week beginning`, `week_beginning`
/// and `WeekBeginning` all become `weekbeginning`.
pub(in crate::attendance) fn normalise(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The job a column does, from its header.
fn role_of(name: &str) -> Option<Role> {
    let role = match normalise(name).as_str() {
        "upn" | "uniquepupilnumber" => Role::Pupil(PupilColumnKind::Upn),
        "pupilid" | "pupil" | "pupilidentifier" | "studentid" => {
            Role::Pupil(PupilColumnKind::Either)
        }
        "admissionnumber" | "admissionno" | "adno" | "admno" => {
            Role::Pupil(PupilColumnKind::AdmissionNumber)
        }
        "date" | "sessiondate" | "attendancedate" | "registerdate" => Role::Date,
        "session" | "ampm" | "amorpm" | "sessionampm" => Role::Half,
        "mark" | "code" | "attendancemark" | "attendancecode" | "sessionmark" | "registermark" => {
            Role::Mark
        }
        "weekbeginning" | "weekcommencing" | "weekstarting" | "weekstart" | "wb" | "wc" => {
            Role::WeekBeginning
        }
        _ => return None,
    };
    Some(role)
}

/// Reads a session column's header: a weekday (`Mon AM`, `Monday PM`, `Tue_AM`) or a date
/// (`2025-09-03 AM`, `03/09/2025 PM`) followed by AM or PM.
fn session_header(name: &str) -> Option<SessionHeader> {
    let bytes = name.trim().as_bytes();
    let split = bytes.len().checked_sub(2)?;
    let (rest, suffix) = bytes.split_at(split);
    let half = HalfDay::from_bytes(suffix)?;
    let rest = rest
        .trim_ascii()
        .strip_suffix(b"_")
        .or_else(|| rest.trim_ascii().strip_suffix(b"-"))
        .unwrap_or(rest.trim_ascii())
        .trim_ascii();
    if rest.is_empty() {
        return None;
    }
    if let Some(date) = parse_date(rest) {
        return Some(SessionHeader::Dated(Session::new(date, half)));
    }
    if looks_like_a_date(rest) {
        return Some(SessionHeader::BadDate(
            String::from_utf8_lossy(rest).into_owned(),
        ));
    }
    let weekday = match normalise(&String::from_utf8_lossy(rest)).as_str() {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "weds" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    };
    Some(SessionHeader::Weekday(weekday, half))
}
