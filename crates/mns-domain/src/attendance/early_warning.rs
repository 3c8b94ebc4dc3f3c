//! MN-ABS-3: schools are told not to wait for 15 days; the service flags a pupil once their
//! health absence reaches a lower threshold (a policy parameter, 5 days by default) so a
//! Healthy Child Programme contact can be made.

use serde::Serialize;

use super::{AttendanceFigures, DayCount};

/// A pupil's health absence has reached the early-warning threshold (MN-ABS-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EarlyWarning {
    /// The pupil's cumulative health absence in the school year.
    pub health_absence: DayCount,
    /// The threshold in force (from the policy configuration).
    pub threshold: DayCount,
}

/// MN-ABS-3: a warning when the cumulative health absence (`I` sessions, MN-ABS-1) in the
/// figures' school year is at or above `threshold` days; `None` below it.
pub fn early_warning(figures: &AttendanceFigures, threshold: DayCount) -> Option<EarlyWarning> {
    (figures.health_absence >= threshold).then_some(EarlyWarning {
        health_absence: figures.health_absence,
        threshold,
    })
}
