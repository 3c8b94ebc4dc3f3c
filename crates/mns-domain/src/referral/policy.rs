//! The numbers the policy sets, as versioned configuration: the council is redesigning the
//! service, so thresholds are data, and every decision records the version it was taken under
//! (MN-DEC-1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The policy's parameters: the numbers in bold in the rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyParameters {
    /// The version's name, recorded with every decision, e.g. "norfolk-2024-12".
    pub version: String,
    /// The day this version took effect.
    pub effective_from: NaiveDate,
    /// School days of health absence, consecutive or cumulative, that make a pupil eligible
    /// (MN-ABS-1, MN-ABS-2).
    pub absence_threshold_days: u32,
    /// Days of health absence at which a pupil is flagged for a Healthy Child Programme contact
    /// (MN-ABS-3).
    pub early_warning_days: u32,
    /// How many weeks before the referral date the professional must have seen the young person
    /// (MN-EV-2).
    pub evidence_max_age_weeks: u32,
    /// What to do with a fit note, or evidence that names SEND without an illness (MN-EV-4).
    pub fit_note_policy: EvidenceHandling,
    /// School weeks in the initial period of provision (MN-PLAN-5).
    pub initial_period_weeks: u32,
    /// The school week of the period by which the review meeting is due (MN-REV-1).
    pub review_due_by_week: u32,
    /// School weeks before the period ends that a continuation request is due (MN-CONT-2).
    pub continuation_due_weeks_before_end: u32,
    /// Cancellations or refusals that count as a lack of engagement (MN-PROV-3)...
    pub non_engagement_count: u32,
    /// ...within this many weeks (MN-PROV-3).
    pub non_engagement_window_weeks: u32,
    /// The birthday at which a child's records are destroyed or anonymised (MN-REC-2).
    pub retention_age_years: u32,
    /// The early-identification alert rules and their parameters (issue 16). A policy file
    /// written before them gets December 2024's settings.
    #[serde(default = "crate::attendance::alerts::norfolk_2024_alert_rules")]
    pub alert_rules: Vec<crate::attendance::alerts::AlertRuleSetting>,
    /// Calendar days from the referral to the first day of provision the council aims for
    /// (issue 17, MN-DEC-2): a later start is listed by name for the coordinator.
    #[serde(default = "default_start_target_days")]
    pub provision_start_target_days: u32,
    /// A case open longer than this many days, about a term, is listed (issue 17).
    #[serde(default = "default_long_case_days")]
    pub long_case_days: u32,
    /// The full-time week by year group the packages are measured against (issue 17,
    /// MN-DEC-3).
    #[serde(default = "crate::outcomes::compliance::dfe_2024_full_time_weeks")]
    pub full_time_weeks: Vec<crate::outcomes::FullTimeWeek>,
    /// The wellbeing scales the council records at the baseline and each review (issue 17),
    /// each optional on the forms.
    #[serde(default = "crate::outcomes::benefit::norfolk_wellbeing_measures")]
    pub wellbeing_measures: Vec<crate::outcomes::WellbeingMeasure>,
}

fn default_start_target_days() -> u32 {
    15
}

fn default_long_case_days() -> u32 {
    98
}

/// How a kind of doubtful evidence is treated (MN-EV-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceHandling {
    /// Accepted like any other evidence.
    Accept,
    /// Shown to the coordinator to decide.
    Flag,
    /// Not accepted for a referral.
    Reject,
}

/// Why a set of policy parameters cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyParametersError {
    /// The version has no name, so decisions could not record it.
    #[error("Give the policy version a name")]
    NoVersion,
    /// A number that must be at least 1 is 0.
    #[error("{parameter} should be at least 1")]
    Zero {
        /// The parameter's name.
        parameter: &'static str,
    },
    /// An alert rule's setting cannot be used.
    #[error("{0}")]
    AlertRule(String),
    /// The full-time weeks or the wellbeing measures cannot be used.
    #[error("{0}")]
    FullTimeWeek(String),
    /// A week counted inside the initial period falls outside it.
    #[error(
        "{parameter} ({weeks}) should be no more than the initial period ({initial_period_weeks} weeks)"
    )]
    BeyondInitialPeriod {
        /// The parameter's name.
        parameter: &'static str,
        /// Its value.
        weeks: u32,
        /// The initial period.
        initial_period_weeks: u32,
    },
}

impl PolicyParameters {
    /// The parameters of Norfolk County Council's *Medical Needs Service Policy*, December 2024.
    pub fn norfolk_2024() -> Self {
        Self {
            version: "norfolk-2024-12".to_owned(),
            effective_from: NaiveDate::from_ymd_opt(2024, 12, 1).unwrap_or_default(),
            absence_threshold_days: 15,
            early_warning_days: 5,
            evidence_max_age_weeks: 12,
            fit_note_policy: EvidenceHandling::Flag,
            initial_period_weeks: 12,
            review_due_by_week: 6,
            continuation_due_weeks_before_end: 2,
            non_engagement_count: 3,
            non_engagement_window_weeks: 4,
            retention_age_years: 25,
            alert_rules: crate::attendance::alerts::norfolk_2024_alert_rules(),
            provision_start_target_days: default_start_target_days(),
            long_case_days: default_long_case_days(),
            full_time_weeks: crate::outcomes::compliance::dfe_2024_full_time_weeks(),
            wellbeing_measures: crate::outcomes::benefit::norfolk_wellbeing_measures(),
        }
    }

    /// Checks that the parameters make sense together, for a version loaded from a file.
    pub fn validate(&self) -> Result<(), PolicyParametersError> {
        if self.version.trim().is_empty() {
            return Err(PolicyParametersError::NoVersion);
        }
        let at_least_one = [
            ("absence_threshold_days", self.absence_threshold_days),
            ("evidence_max_age_weeks", self.evidence_max_age_weeks),
            ("initial_period_weeks", self.initial_period_weeks),
            ("review_due_by_week", self.review_due_by_week),
            ("non_engagement_count", self.non_engagement_count),
            (
                "non_engagement_window_weeks",
                self.non_engagement_window_weeks,
            ),
            ("retention_age_years", self.retention_age_years),
            (
                "provision_start_target_days",
                self.provision_start_target_days,
            ),
            ("long_case_days", self.long_case_days),
        ];
        if let Some((parameter, _)) = at_least_one.iter().find(|(_, value)| *value == 0) {
            return Err(PolicyParametersError::Zero { parameter });
        }
        let within_period = [
            ("review_due_by_week", self.review_due_by_week),
            (
                "continuation_due_weeks_before_end",
                self.continuation_due_weeks_before_end,
            ),
        ];
        if let Some((parameter, weeks)) = within_period
            .iter()
            .find(|(_, weeks)| *weeks > self.initial_period_weeks)
        {
            return Err(PolicyParametersError::BeyondInitialPeriod {
                parameter,
                weeks: *weeks,
                initial_period_weeks: self.initial_period_weeks,
            });
        }
        crate::attendance::alerts::validate_alert_rules(&self.alert_rules)
            .map_err(PolicyParametersError::AlertRule)?;
        check_full_time_weeks(&self.full_time_weeks)?;
        for m in &self.wellbeing_measures {
            if m.id.trim().is_empty() || m.min >= m.max {
                return Err(PolicyParametersError::FullTimeWeek(format!(
                    "wellbeing_measures: '{}' needs an id and a lowest score below its highest",
                    m.label
                )));
            }
        }
        Ok(())
    }
}

/// The full-time weeks: hours from 1 to 40, year groups in order, no year in two rows.
fn check_full_time_weeks(
    weeks: &[crate::outcomes::FullTimeWeek],
) -> Result<(), PolicyParametersError> {
    let mut sorted: Vec<_> = weeks.iter().collect();
    sorted.sort_by_key(|w| w.first_year);
    for (i, week) in sorted.iter().enumerate() {
        let years = format!("years {} to {}", week.first_year, week.last_year);
        if !(1.0..=40.0).contains(&week.hours) {
            return Err(PolicyParametersError::FullTimeWeek(format!(
                "full_time_weeks: the week for {years} should be from 1 to 40 hours"
            )));
        }
        if week.last_year < week.first_year {
            return Err(PolicyParametersError::FullTimeWeek(format!(
                "full_time_weeks: {years} end before they start"
            )));
        }
        if let Some(next) = sorted.get(i + 1).filter(|n| n.first_year <= week.last_year) {
            return Err(PolicyParametersError::FullTimeWeek(format!(
                "full_time_weeks: {years} overlap years {} to {}",
                next.first_year, next.last_year
            )));
        }
    }
    Ok(())
}

impl Default for PolicyParameters {
    fn default() -> Self {
        Self::norfolk_2024()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_december_2024_policy_has_the_numbers_in_the_rules() {
        let policy = PolicyParameters::norfolk_2024();
        assert_eq!(policy.version, "norfolk-2024-12");
        assert_eq!(policy.effective_from.to_string(), "2024-12-01");
        assert_eq!(policy.absence_threshold_days, 15);
        assert_eq!(policy.early_warning_days, 5);
        assert_eq!(policy.evidence_max_age_weeks, 12);
        assert_eq!(policy.fit_note_policy, EvidenceHandling::Flag);
        assert_eq!(policy.initial_period_weeks, 12);
        assert_eq!(policy.review_due_by_week, 6);
        assert_eq!(policy.continuation_due_weeks_before_end, 2);
        assert_eq!(
            (
                policy.non_engagement_count,
                policy.non_engagement_window_weeks
            ),
            (3, 4)
        );
        assert_eq!(policy.retention_age_years, 25);
        assert_eq!(policy.validate(), Ok(()));
    }

    #[test]
    fn parameters_that_contradict_each_other_are_refused() {
        let mut policy = PolicyParameters::norfolk_2024();
        policy.review_due_by_week = 13;
        assert_eq!(
            policy.validate().unwrap_err().to_string(),
            "review_due_by_week (13) should be no more than the initial period (12 weeks)"
        );
        policy.review_due_by_week = 6;
        policy.absence_threshold_days = 0;
        assert_eq!(
            policy.validate(),
            Err(PolicyParametersError::Zero {
                parameter: "absence_threshold_days"
            })
        );
        policy.version = " ".to_owned();
        assert_eq!(policy.validate(), Err(PolicyParametersError::NoVersion));
    }

    #[test]
    fn s19_full_time_weeks_that_overlap_or_are_out_of_range_are_refused() {
        use crate::outcomes::FullTimeWeek;
        let mut policy = PolicyParameters::norfolk_2024();
        let week = |first_year, last_year, hours| FullTimeWeek {
            first_year,
            last_year,
            hours,
        };
        policy.full_time_weeks = vec![week(0, 6, 32.5), week(6, 13, 32.5)];
        assert_eq!(
            policy.validate().unwrap_err().to_string(),
            "full_time_weeks: years 0 to 6 overlap years 6 to 13"
        );
        policy.full_time_weeks = vec![week(0, 6, 0.0)];
        assert_eq!(
            policy.validate().unwrap_err().to_string(),
            "full_time_weeks: the week for years 0 to 6 should be from 1 to 40 hours"
        );
        policy.full_time_weeks = vec![week(0, 6, 30.0), week(7, 13, 32.5)];
        assert_eq!(policy.validate(), Ok(()));
        // A policy file written before the targets existed gets the defaults.
        let mut old = serde_json::to_value(PolicyParameters::norfolk_2024()).unwrap();
        for key in [
            "provision_start_target_days",
            "long_case_days",
            "full_time_weeks",
            "wellbeing_measures",
        ] {
            old.as_object_mut().unwrap().remove(key);
        }
        let read: PolicyParameters = serde_json::from_value(old).unwrap();
        assert_eq!(read, PolicyParameters::norfolk_2024());
    }
}
