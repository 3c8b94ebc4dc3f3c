//! A pupil's session grid (one byte per session of the school year) and the figures it gives:
//! the same counting as [`AttendanceFigures::for_school_year`] on a herringbone, plus the
//! early-identification figures (K and C2 sessions, weeks of part-time timetable, whether the
//! longest run of illness is still going).

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::super::{AttendanceCode, AttendanceFigures, DayCount, HalfDay, HealthRun, Session};
use super::SLOTS;
use crate::calendar::SchoolYear;

/// The grid byte of a code: its place in [`AttendanceCode::ALL`] plus one (0 is "no mark").
pub(crate) fn byte_of(code: AttendanceCode) -> u8 {
    // The codes are declared in the order of ALL (tested), so the discriminant is the place.
    code as u8 + 1
}

/// The code of a non-zero grid byte.
pub(crate) fn code_of(byte: u8) -> AttendanceCode {
    AttendanceCode::ALL[usize::from(byte.saturating_sub(1)).min(AttendanceCode::ALL.len() - 1)]
}

/// Every date of the school year, by day index (up to 366; the grid's slot is day × 2 + half).
pub(crate) fn school_year_dates(year: SchoolYear) -> Vec<NaiveDate> {
    let first = year.first_day();
    (0..SLOTS as u64 / 2)
        .map_while(|day| first.checked_add_days(Days::new(day)))
        .collect()
}

/// The session of a slot.
pub(crate) fn session_of(dates: &[NaiveDate], slot: usize) -> Session {
    let date = dates.get(slot / 2).copied().unwrap_or_default();
    let half = if slot.is_multiple_of(2) {
        HalfDay::Am
    } else {
        HalfDay::Pm
    };
    Session::new(date, half)
}

/// Whether the pupil had a possible session on the day.
pub(crate) fn possible_day(cells: &[u8], day: usize) -> bool {
    cells[day * 2..day * 2 + 2]
        .iter()
        .any(|byte| *byte != 0 && code_of(*byte).is_possible_session())
}

/// One pupil's marks in a grid, in session order.
#[derive(Debug, Clone, Copy)]
pub struct PupilMarks<'a> {
    cells: &'a [u8],
    dates: &'a [NaiveDate],
}

impl<'a> PupilMarks<'a> {
    /// The marks of a grid (`cells` is [`SLOTS`] long) with the school year's dates.
    pub fn new(cells: &'a [u8], dates: &'a [NaiveDate]) -> Self {
        Self { cells, dates }
    }

    /// The marked sessions and their codes, in order.
    pub fn iter(&self) -> impl Iterator<Item = (Session, AttendanceCode)> + Clone + 'a {
        let dates = self.dates;
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte != 0)
            .map(move |(slot, byte)| (session_of(dates, slot), code_of(*byte)))
    }

    /// The marks between two dates, both included.
    pub fn between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> impl Iterator<Item = (Session, AttendanceCode)> + 'a {
        self.iter()
            .filter(move |(session, _)| session.date >= first && session.date <= last)
    }
}

/// A pupil's figures from the county feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GridFigures {
    /// The figures a school's own export gives (MN-ABS-1 and the attendance counts).
    pub figures: AttendanceFigures,
    /// Sessions coded `K` (local-authority provision; MN-PROV-6).
    pub k_sessions: u32,
    /// Sessions coded `C2` (part-time timetable).
    pub c2_sessions: u32,
    /// School weeks in a row, up to the latest week marked, with a `C2` session in each
    /// (weeks with no possible session, such as holidays, are passed over).
    pub c2_weeks: u32,
    /// Whether the longest run of illness is still going at the last possible session marked.
    pub run_ongoing: bool,
    /// The last session marked.
    pub last_session: Option<Session>,
}

impl GridFigures {
    /// Counts a pupil's grid in one pass over its bytes: the counting of
    /// [`AttendanceFigures::for_school_year`] without a calendar (MN-ABS-1's run: an `I`
    /// extends it, any other possible session ends it, a session that is not possible does
    /// neither), with sessions as slots until the end. A county import counts 130,000 grids,
    /// so this is its hottest loop after the reading; the proptests hold it equal to the
    /// herringbone's counting and to the mark-by-mark one it replaced.
    pub fn of(marks: PupilMarks<'_>, school_year: SchoolYear) -> Self {
        use super::super::AttendanceCategory as Category;
        let first_weekday = school_year.first_day().weekday().num_days_from_monday() as usize;
        let (mut possible, mut present, mut authorised, mut unauthorised) = (0u32, 0, 0, 0);
        let (mut illness, mut appointments, mut k_sessions, mut c2_sessions) = (0u32, 0, 0, 0);
        let mut c2_weeks = 0u32;
        let mut week: Option<(usize, bool)> = None;
        let (mut last_session, mut last_possible) = (None, None);
        // Runs of illness as (first slot, last slot, sessions); the earlier wins a tie.
        let mut longest: Option<(usize, usize, u32)> = None;
        let mut current: Option<(usize, usize, u32)> = None;
        let mut end_run = |current: &mut Option<(usize, usize, u32)>| {
            if let Some(run) = current.take()
                && longest.is_none_or(|longest| run.2 > longest.2)
            {
                longest = Some(run);
            }
        };
        for (slot, byte) in marks.cells.iter().enumerate() {
            if *byte == 0 {
                continue;
            }
            let code = code_of(*byte);
            last_session = Some(slot);
            let count = match code.category() {
                Category::NotPossible => continue,
                Category::Present | Category::ApprovedActivity => &mut present,
                Category::AuthorisedAbsence => &mut authorised,
                Category::UnauthorisedAbsence => &mut unauthorised,
            };
            *count += 1;
            possible += 1;
            last_possible = Some(slot);
            match code {
                AttendanceCode::Illness => {
                    illness += 1;
                    current =
                        Some(current.map_or((slot, slot, 1), |(first, _, n)| (first, slot, n + 1)));
                }
                other => {
                    end_run(&mut current);
                    match other {
                        AttendanceCode::MedicalAppointment => appointments += 1,
                        AttendanceCode::LocalAuthorityProvision => k_sessions += 1,
                        AttendanceCode::PartTimeTimetable => c2_sessions += 1,
                        _ => {}
                    }
                }
            }
            let this_week = (slot / 2 + first_weekday) / 7;
            let c2 = code == AttendanceCode::PartTimeTimetable;
            week = match week {
                Some((number, had)) if number == this_week => Some((number, had || c2)),
                Some((_, had)) => {
                    c2_weeks = if had { c2_weeks + 1 } else { 0 };
                    Some((this_week, c2))
                }
                None => Some((this_week, c2)),
            };
        }
        end_run(&mut current);
        if let Some((_, had)) = week {
            c2_weeks = if had { c2_weeks + 1 } else { 0 };
        }
        let session = |slot: usize| session_of(marks.dates, slot);
        let longest_health_run = longest.map(|(first, last, sessions)| HealthRun {
            first: session(first),
            last: session(last),
            length: DayCount::from_sessions(sessions),
        });
        Self {
            figures: AttendanceFigures {
                school_year,
                sessions_possible: possible,
                present,
                authorised,
                unauthorised,
                health_absence: DayCount::from_sessions(illness),
                longest_health_run,
                medical_appointment_sessions: appointments,
            },
            k_sessions,
            c2_sessions,
            c2_weeks,
            run_ongoing: longest
                .zip(last_possible)
                .is_some_and(|(run, last)| run.1 == last),
            last_session: last_session.map(session),
        }
    }

    /// The counting [`GridFigures::of`] replaced, mark by mark through the herringbone's
    /// functions: kept for the proptest that holds the two equal.
    #[cfg(test)]
    pub(crate) fn of_by_marks(marks: PupilMarks<'_>, school_year: SchoolYear) -> Self {
        let figures = AttendanceFigures::from_marks(marks.iter(), school_year);
        let first_weekday = school_year.first_day().weekday().num_days_from_monday() as usize;
        let (mut k_sessions, mut c2_sessions) = (0u32, 0u32);
        let mut c2_weeks = 0u32;
        let mut week: Option<(usize, bool)> = None;
        let mut last_possible: Option<Session> = None;
        let mut last_session = None;
        for (slot, byte) in marks.cells.iter().enumerate() {
            if *byte == 0 {
                continue;
            }
            let code = code_of(*byte);
            last_session = Some(slot);
            if !code.is_possible_session() {
                continue;
            }
            last_possible = Some(session_of(marks.dates, slot));
            let this_week = (slot / 2 + first_weekday) / 7;
            let c2 = code == AttendanceCode::PartTimeTimetable;
            match code {
                AttendanceCode::LocalAuthorityProvision => k_sessions += 1,
                AttendanceCode::PartTimeTimetable => c2_sessions += 1,
                _ => {}
            }
            week = match week {
                Some((number, had)) if number == this_week => Some((number, had || c2)),
                Some((_, had)) => {
                    c2_weeks = if had { c2_weeks + 1 } else { 0 };
                    Some((this_week, c2))
                }
                None => Some((this_week, c2)),
            };
        }
        if let Some((_, had)) = week {
            c2_weeks = if had { c2_weeks + 1 } else { 0 };
        }
        let run_ongoing = match (figures.longest_health_run, last_possible) {
            (Some(run), Some(last)) => run.last == last,
            _ => false,
        };
        Self {
            figures,
            k_sessions,
            c2_sessions,
            c2_weeks,
            run_ongoing,
            last_session: last_session.map(|slot| session_of(marks.dates, slot)),
        }
    }

    /// Attendance as a percentage of possible sessions (approved activity counts as present,
    /// as the DfE counts it); `None` with no possible session.
    pub fn attendance_percent(&self) -> Option<f64> {
        let possible = self.figures.sessions_possible;
        (possible > 0).then(|| f64::from(self.figures.present) * 100.0 / f64::from(possible))
    }

    /// Sessions of absence (authorised and unauthorised).
    pub fn absence_sessions(&self) -> u32 {
        self.figures.authorised + self.figures.unauthorised
    }

    /// Persistent absence: absent for 10% or more of possible sessions (DfE).
    pub fn persistent(&self) -> bool {
        let possible = self.figures.sessions_possible;
        possible > 0 && self.absence_sessions() * 10 >= possible
    }

    /// Severe absence: absent for 50% or more of possible sessions (DfE).
    pub fn severe(&self) -> bool {
        let possible = self.figures.sessions_possible;
        possible > 0 && self.absence_sessions() * 2 >= possible
    }

    /// Illness (`I`) and medical appointment (`M`) sessions.
    pub fn health_sessions(&self) -> u32 {
        self.figures.health_absence.sessions() + self.figures.medical_appointment_sessions
    }
}
