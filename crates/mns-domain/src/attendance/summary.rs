//! The JSON summary of an export that `mns attendance summarise FILE` prints: each pupil's
//! attendance and MN-ABS-1 figures for one school year, and the codes the import reported.

use serde::Serialize;

use super::school_days::SchoolDays;
use super::{
    AttendanceExport, AttendanceFigures, DayCount, PupilId, RetiredCodeSeen, UnknownCodeSeen,
};
use crate::calendar::{SchoolCalendar, SchoolYear};

/// One pupil's line of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PupilSummary {
    /// The pupil's UPN or admission number.
    pub pupil: PupilId,
    /// Possible sessions in the school year.
    pub sessions_possible: u32,
    /// Sessions attended, approved educational activities included.
    pub present: u32,
    /// Sessions of authorised absence.
    pub authorised: u32,
    /// Sessions of unauthorised absence.
    pub unauthorised: u32,
    /// MN-ABS-1: cumulative health absence (`I`) in days, halves included.
    pub health_days: DayCount,
    /// MN-ABS-1: the longest consecutive run of health absence, in school days.
    pub longest_health_run_days: DayCount,
    /// MN-ABS-1: medical or dental appointment (`M`) sessions, not counted in `health_days`.
    pub medical_appointment_sessions: u32,
}

impl PupilSummary {
    /// The summary line for a pupil's figures.
    pub fn new(pupil: PupilId, figures: &AttendanceFigures) -> Self {
        Self {
            pupil,
            sessions_possible: figures.sessions_possible,
            present: figures.present,
            authorised: figures.authorised,
            unauthorised: figures.unauthorised,
            health_days: figures.health_absence,
            longest_health_run_days: figures.longest_health_run_length(),
            medical_appointment_sessions: figures.medical_appointment_sessions,
        }
    }
}

/// The summary of a whole export:
/// `{"pupils":[...],"unknown_codes":[...],"retired_codes":[...],"school_year":"2025/26"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttendanceSummary {
    /// A line per pupil, in the export's order.
    pub pupils: Vec<PupilSummary>,
    /// Marks that were no attendance code, with their lines.
    pub unknown_codes: Vec<UnknownCodeSeen>,
    /// Retired codes read as their 2024 replacements.
    pub retired_codes: Vec<RetiredCodeSeen>,
    /// The school year counted.
    pub school_year: SchoolYear,
}

impl AttendanceSummary {
    /// Summarises the export's marks in `school_year` (usually
    /// [`AttendanceExport::latest_school_year`]); the calendar, when given, decides school
    /// days for the consecutive runs.
    pub fn new(
        export: &AttendanceExport,
        school_year: SchoolYear,
        calendar: Option<&SchoolCalendar>,
    ) -> Self {
        let school_days =
            calendar.map(|calendar| SchoolDays::for_school_year(calendar, school_year));
        let pupils = export
            .pupils
            .iter()
            .map(|pupil| {
                let figures = AttendanceFigures::for_school_year_with(
                    &pupil.herringbone,
                    school_year,
                    school_days.as_ref(),
                );
                PupilSummary::new(pupil.pupil.clone(), &figures)
            })
            .collect();
        Self {
            pupils,
            unknown_codes: export.unknown_codes.clone(),
            retired_codes: export.retired_codes.clone(),
            school_year,
        }
    }
}
