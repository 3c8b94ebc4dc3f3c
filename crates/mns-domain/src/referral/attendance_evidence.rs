//! What the referral checks need from the pupil's attendance record (MN-ABS-1, MN-ABS-3,
//! MN-REF-4): a few figures the application fills in from the herringbone it has read, so
//! these rules do not depend on how the attendance record is read.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::SchoolYear;

/// The figures read from a pupil's attendance herringbone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttendanceEvidence {
    /// The school year the figures are for.
    pub school_year: SchoolYear,
    /// Days of health absence (code `I`) in the school year so far, two sessions to a day, so
    /// half days count as 0.5 (MN-ABS-1).
    pub health_absence_days: f32,
    /// The longest run of consecutive health absence, in school days (non-school days do not
    /// break a run; half days count as 0.5) (MN-ABS-1).
    pub longest_health_absence_run_days: f32,
    /// Sessions coded `M` (medical or dental appointment): shown beside the health absence, not
    /// counted in it (MN-ABS-1).
    pub medical_appointment_sessions: u32,
    /// The dates the herringbone read covers, or `None` if no herringbone was attached
    /// (MN-REF-4).
    pub herringbone: Option<HerringboneDates>,
}

/// The first and last day a herringbone covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HerringboneDates {
    /// The first day.
    pub first_day: NaiveDate,
    /// The last day.
    pub last_day: NaiveDate,
}
