//! What the service achieves and what it owes (issue 17): Section 19 compliance for each child
//! and for the service ([`compliance`]), the outcome recorded when a case ends ([`outcome`]),
//! and the suppression of small numbers in figures that leave the service ([`disclosure`]).
//!
//! Like the rest of the crate these are plain functions over facts the application reads from
//! the records: nothing here is a condition of provision, only a measure of it.

pub mod benefit;
pub mod compliance;
pub mod condition;
pub mod costs;
pub mod disclosure;
pub mod outcome;

pub use benefit::{Measures, Reintegration, WellbeingMeasure};
pub use compliance::{
    Compliance, ComplianceFacts, ComplianceTargets, DAYS_TO_START_BANDS, FullTimeWeek,
    ServiceCompliance, assess, full_time_hours_for,
};
pub use condition::{ConditionGroup, UnknownConditionGroup};
pub use disclosure::{Disclosed, SMALL_NUMBER, disclose, disclose_share};
pub use outcome::{CaseOutcome, UnknownOutcome};
