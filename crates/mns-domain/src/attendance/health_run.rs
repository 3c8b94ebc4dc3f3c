//! MN-ABS-1's consecutive count: the longest unbroken run of health absence (code `I`) in a
//! herringbone, in school days, where days the pupil could not have been in school do not
//! break a run.

use chrono::NaiveDate;
use serde::Serialize;

use super::{AttendanceCode, DayCount, Session};
use crate::calendar::SchoolCalendar;

/// An unbroken run of illness sessions (MN-ABS-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HealthRun {
    /// The first session of the run.
    pub first: Session,
    /// The last session of the run.
    pub last: Session,
    /// How long the run is: its illness sessions, two to a day.
    pub length: DayCount,
}

/// The longest run of health absence in the marks (in session order), for MN-ABS-1; the
/// earliest of equally long runs.
///
/// Walking the sessions in order:
/// - an `I` session extends the run (half a day);
/// - any other *possible* session (present, `M`, any other absence) ends it;
/// - a session that is not possible (`#`, `Y1`..`Y7`, `X`, `D`, `Q`, `Z`) neither extends nor
///   ends it, and nor do days without marks (weekends, holidays);
/// - with a calendar, for the school years it covers: marks on days that are not school days
///   are passed over, and a school day inside the run with no mark at all ends it, since the
///   record cannot show the pupil was still away. Without a calendar, or outside the years it
///   covers, a school day is simply a day with a possible session.
pub fn longest_health_run(
    marks: impl IntoIterator<Item = (Session, AttendanceCode)>,
    calendar: Option<&SchoolCalendar>,
) -> Option<HealthRun> {
    match calendar {
        Some(calendar) => longest_health_run_by(marks, |date| {
            calendar.covers(date).then(|| calendar.is_school_day(date))
        }),
        None => longest_health_run_by(marks, |_| None),
    }
}

/// [`longest_health_run`] with the calendar's answer given by `school_day`: whether a date is
/// a school day, or `None` where the calendar does not know (or there is no calendar). The
/// summary of a whole export passes a table worked out once for the school year.
pub(crate) fn longest_health_run_by(
    marks: impl IntoIterator<Item = (Session, AttendanceCode)>,
    school_day: impl Fn(NaiveDate) -> Option<bool>,
) -> Option<HealthRun> {
    let mut longest: Option<HealthRun> = None;
    let mut current: Option<HealthRun> = None;
    let mut last_marked: Option<Session> = None;
    for (session, code) in marks {
        if school_day(session.date) == Some(false) {
            continue;
        }
        let gap_breaks_run = match last_marked {
            Some(previous) if current.is_some() => {
                misses_a_school_session(&school_day, previous, session)
            }
            _ => false,
        };
        last_marked = Some(session);
        if gap_breaks_run {
            longest = longer(longest, current.take());
        }
        if !code.is_possible_session() {
            continue;
        }
        if code == AttendanceCode::Illness {
            current = Some(match current {
                Some(run) => HealthRun {
                    last: session,
                    length: DayCount::from_sessions(run.length.sessions().saturating_add(1)),
                    ..run
                },
                None => HealthRun {
                    first: session,
                    last: session,
                    length: DayCount::from_sessions(1),
                },
            });
        } else {
            longest = longer(longest, current.take());
        }
    }
    longer(longest, current)
}

/// The longer run, keeping the earlier one on a tie.
fn longer(earlier: Option<HealthRun>, later: Option<HealthRun>) -> Option<HealthRun> {
    match (earlier, later) {
        (Some(a), Some(b)) if b.length > a.length => Some(b),
        (Some(a), _) => Some(a),
        (None, b) => b,
    }
}

/// Whether a session strictly between `after` and `before` falls on a day known to be a school
/// day (and so is a session the export should have marked).
fn misses_a_school_session(
    school_day: impl Fn(NaiveDate) -> Option<bool>,
    after: Session,
    before: Session,
) -> bool {
    let mut next = after.next();
    while let Some(session) = next.filter(|session| *session < before) {
        if school_day(session.date) == Some(true) {
            return true;
        }
        next = session.next();
    }
    false
}
