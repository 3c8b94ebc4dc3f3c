//! The figures a herringbone gives for one school year: the attendance counts schools report,
//! and the health-absence figures of MN-ABS-1 that the referral check (MN-REF-4) reads.

use serde::Serialize;

use super::health_run::longest_health_run_by;
use super::school_days::SchoolDays;
use super::{
    AttendanceCategory, AttendanceCode, DayCount, HealthRun, Herringbone, Session,
    longest_health_run,
};
use crate::calendar::{SchoolCalendar, SchoolYear};

/// A pupil's attendance figures within one school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AttendanceFigures {
    /// The school year counted.
    pub school_year: SchoolYear,
    /// Possible sessions: every marked session except those coded as not possible.
    pub sessions_possible: u32,
    /// Sessions attended: present, late before the register closed, or at an approved
    /// educational activity (`K`, `V`, `P`, `W`, `B`).
    pub present: u32,
    /// Sessions of authorised absence (`I` and `M` included).
    pub authorised: u32,
    /// Sessions of unauthorised absence.
    pub unauthorised: u32,
    /// MN-ABS-1: health absence, the sessions coded `I`, in days (two sessions a day),
    /// cumulative over the school year.
    pub health_absence: DayCount,
    /// MN-ABS-1: the longest consecutive run of health absence in the school year (non-school
    /// days do not break a run), if there was any health absence.
    pub longest_health_run: Option<HealthRun>,
    /// MN-ABS-1: sessions coded `M` (medical or dental appointment), shown beside the health
    /// absence and not counted in it.
    pub medical_appointment_sessions: u32,
}

impl AttendanceFigures {
    /// Counts the herringbone's marks that fall in `school_year`.
    ///
    /// The calendar, when given, decides which days are school days for the consecutive run
    /// (see [`longest_health_run`]); without one, a school day is a day with a possible session.
    pub fn for_school_year(
        herringbone: &Herringbone,
        school_year: SchoolYear,
        calendar: Option<&SchoolCalendar>,
    ) -> Self {
        let marks = herringbone.between(school_year.first_day(), school_year.last_day());
        let run = longest_health_run(marks, calendar);
        Self::count(
            herringbone.between(school_year.first_day(), school_year.last_day()),
            school_year,
            run,
        )
    }

    /// [`Self::for_school_year`] with the school days worked out once for many pupils.
    pub(crate) fn for_school_year_with(
        herringbone: &Herringbone,
        school_year: SchoolYear,
        school_days: Option<&SchoolDays<'_>>,
    ) -> Self {
        let marks = herringbone.between(school_year.first_day(), school_year.last_day());
        let run = longest_health_run_by(marks, |date| {
            school_days.and_then(|days| days.school_day(date))
        });
        Self::count(
            herringbone.between(school_year.first_day(), school_year.last_day()),
            school_year,
            run,
        )
    }

    /// The figures of marks already limited to `school_year` and in session order, as the
    /// county feed's session grid gives them (the same counting as [`Self::for_school_year`]);
    /// the grid counts its own in one pass now (`GridFigures::of`), and its tests hold the two
    /// equal.
    #[cfg(test)]
    pub(crate) fn from_marks(
        marks: impl Iterator<Item = (Session, AttendanceCode)> + Clone,
        school_year: SchoolYear,
    ) -> Self {
        let run = longest_health_run_by(marks.clone(), |_| None);
        Self::count(marks, school_year, run)
    }

    /// Counts the marks in the school year, given its longest health run.
    fn count(
        marks: impl Iterator<Item = (Session, AttendanceCode)>,
        school_year: SchoolYear,
        longest_health_run: Option<HealthRun>,
    ) -> Self {
        let mut figures = Self {
            school_year,
            sessions_possible: 0,
            present: 0,
            authorised: 0,
            unauthorised: 0,
            health_absence: DayCount::ZERO,
            longest_health_run,
            medical_appointment_sessions: 0,
        };
        let mut illness_sessions: u32 = 0;
        for (_, code) in marks {
            let count = match code.category() {
                AttendanceCategory::NotPossible => continue,
                AttendanceCategory::Present | AttendanceCategory::ApprovedActivity => {
                    &mut figures.present
                }
                AttendanceCategory::AuthorisedAbsence => &mut figures.authorised,
                AttendanceCategory::UnauthorisedAbsence => &mut figures.unauthorised,
            };
            *count = count.saturating_add(1);
            figures.sessions_possible = figures.sessions_possible.saturating_add(1);
            match code {
                AttendanceCode::Illness => illness_sessions = illness_sessions.saturating_add(1),
                AttendanceCode::MedicalAppointment => {
                    figures.medical_appointment_sessions =
                        figures.medical_appointment_sessions.saturating_add(1);
                }
                _ => {}
            }
        }
        figures.health_absence = DayCount::from_sessions(illness_sessions);
        figures
    }

    /// The length of the longest consecutive run of health absence (zero if there was none).
    pub fn longest_health_run_length(&self) -> DayCount {
        self.longest_health_run
            .map_or(DayCount::ZERO, |run| run.length)
    }
}
