//! Attendance: the codes of the School Attendance (Pupil Registration) (England) Regulations
//! 2024, a pupil's herringbone of session marks, the reader for schools' MIS exports, and the
//! rules the service counts from them: the health-absence threshold (MN-ABS-1), the early
//! warning (MN-ABS-3) and the coding of local-authority provision (MN-PROV-6).
//!
//! Everything here is pure: the reader takes the file's bytes, never a path, and the figures are
//! plain functions of a herringbone, a school year and, where it matters, a school calendar.

pub mod alerts;
mod category;
mod code;
mod day_count;
mod early_warning;
pub mod feed;
mod figures;
mod grid;
mod health_run;
mod herringbone;
mod provision_coding;
mod pupil_id;
mod reader;
mod retired;
mod school_days;
mod session;
mod summary;
#[cfg(test)]
mod tests;

pub use category::AttendanceCategory;
pub use code::{AttendanceCode, AttendanceCodeError};
pub use day_count::DayCount;
pub use early_warning::{EarlyWarning, early_warning};
pub use figures::AttendanceFigures;
pub use grid::{AttendanceGrid, CELLS_PER_WEEK, GridCell, GridWeek};
pub use health_run::{HealthRun, longest_health_run};
pub use herringbone::Herringbone;
pub use provision_coding::{ProvisionCodingMismatch, provision_coding_mismatches};
pub use pupil_id::{AdmissionNumber, AdmissionNumberError, PupilId, PupilIdError};
pub use reader::{
    AttendanceExport, ExportForm, ProblemKind, PupilAttendance, ReadError, ReadProblem,
    RetiredCodeSeen, UnknownCodeSeen, read_attendance_export,
};
pub use retired::RetiredCode;
pub use session::{HalfDay, HalfDayError, Session};
pub use summary::{AttendanceSummary, PupilSummary};
