//! Early-identification alerts (issue 16): rules over a pupil's attendance figures that prompt
//! a person to act. An alert never decides anything; the coordinator records what was done.
//!
//! Each rule has an id, a plain name and (for most) a parameter set in the versioned policy
//! file ([`PolicyParameters::alert_rules`]); MN-ABS-3 and EI-ABS-15 take theirs from the
//! policy's `early_warning_days` and `absence_threshold_days`, so no number is stored twice.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::feed::{GridFigures, PupilMarks};
use super::{AttendanceCode, DayCount};
use crate::referral::PolicyParameters;

/// An alert rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AlertRule {
    /// MN-ABS-3: health absence has reached the early-warning threshold.
    #[serde(rename = "MN-ABS-3")]
    MnAbs3,
    /// Health absence has reached the Section 19 threshold with no referral this year.
    #[serde(rename = "EI-ABS-15")]
    EiAbs15,
    /// A run of illness sessions.
    #[serde(rename = "EI-RUN")]
    EiRun,
    /// Attendance below 90%, illness and medical appointments most of the absence.
    #[serde(rename = "EI-ATT-90")]
    EiAtt90,
    /// Attendance below 50%, illness and medical appointments most of the absence.
    #[serde(rename = "EI-ATT-50")]
    EiAtt50,
    /// Sessions coded K with no case of the service's.
    #[serde(rename = "EI-K-NOCASE")]
    EiKNoCase,
    /// MN-PROV-6: a case of the service's whose school does not code its sessions K.
    #[serde(rename = "MN-PROV-6")]
    MnProv6,
    /// A part-time timetable (C2) for more than some weeks.
    #[serde(rename = "EI-C2-6W")]
    EiC26w,
    /// A leaving date set during illness absence (children missing education).
    #[serde(rename = "EI-CME")]
    EiCme,
}

/// How soon someone should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// In the normal course.
    Routine,
    /// Soon.
    Soon,
    /// Now.
    Urgent,
}

impl Priority {
    /// One step up (urgent stays urgent).
    pub fn raised(self) -> Self {
        match self {
            Self::Routine => Self::Soon,
            Self::Soon | Self::Urgent => Self::Urgent,
        }
    }

    /// `routine`, `soon` or `urgent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Routine => "routine",
            Self::Soon => "soon",
            Self::Urgent => "urgent",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Routine, Self::Soon, Self::Urgent]
            .into_iter()
            .find(|p| p.as_str() == text)
    }

    /// 0, 1 or 2, for sorting.
    pub fn rank(self) -> i64 {
        self as i64
    }
}

impl AlertRule {
    /// Every rule.
    pub const ALL: [AlertRule; 9] = [
        Self::MnAbs3,
        Self::EiAbs15,
        Self::EiRun,
        Self::EiAtt90,
        Self::EiAtt50,
        Self::EiKNoCase,
        Self::MnProv6,
        Self::EiC26w,
        Self::EiCme,
    ];

    /// The rule's id, e.g. `MN-ABS-3`.
    pub fn id(self) -> &'static str {
        match self {
            Self::MnAbs3 => "MN-ABS-3",
            Self::EiAbs15 => "EI-ABS-15",
            Self::EiRun => "EI-RUN",
            Self::EiAtt90 => "EI-ATT-90",
            Self::EiAtt50 => "EI-ATT-50",
            Self::EiKNoCase => "EI-K-NOCASE",
            Self::MnProv6 => "MN-PROV-6",
            Self::EiC26w => "EI-C2-6W",
            Self::EiCme => "EI-CME",
        }
    }

    /// The rule from its id.
    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|rule| rule.id() == id)
    }

    /// The rule's plain name, for the triage list.
    pub fn title(self) -> &'static str {
        match self {
            Self::MnAbs3 => "Illness absence reached the early warning",
            Self::EiAbs15 => "Illness absence reached 15 days with no referral",
            Self::EiRun => "Off ill for days in a row",
            Self::EiAtt90 => "Attendance below 90%, mostly illness",
            Self::EiAtt50 => "Attendance below 50%, mostly illness",
            Self::EiKNoCase => "Coded K with no case",
            Self::MnProv6 => "Case sessions not coded K",
            Self::EiC26w => "Part-time timetable for many weeks",
            Self::EiCme => "Left school while ill",
        }
    }

    /// The parameter's default (`None` for rules that take none, or take theirs from another
    /// policy field).
    pub fn default_parameter(self) -> Option<u32> {
        match self {
            Self::EiRun => Some(5),
            Self::EiAtt90 => Some(90),
            Self::EiAtt50 => Some(50),
            Self::EiKNoCase => Some(2),
            Self::EiC26w => Some(6),
            Self::EiCme => Some(10),
            Self::MnAbs3 | Self::EiAbs15 | Self::MnProv6 => None,
        }
    }

    /// The priority before EHCP or looked-after status raises it.
    pub fn base_priority(self) -> Priority {
        match self {
            Self::MnAbs3 | Self::MnProv6 => Priority::Routine,
            Self::EiAbs15 | Self::EiRun | Self::EiAtt90 | Self::EiKNoCase | Self::EiC26w => {
                Priority::Soon
            }
            Self::EiAtt50 | Self::EiCme => Priority::Urgent,
        }
    }

    /// What the rule needs beyond the marks, when it needs something.
    pub fn needs(self) -> Option<&'static str> {
        match self {
            Self::EiAbs15 => Some("the service's referrals"),
            Self::EiKNoCase | Self::MnProv6 => Some("the service's cases"),
            Self::EiCme => Some("a pupil file with leaving dates"),
            _ => None,
        }
    }
}

/// One rule's setting in the policy file: `{"id": "EI-RUN", "parameter": 5, "enabled": true}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertRuleSetting {
    /// The rule.
    pub id: AlertRule,
    /// Its number (days, percent, sessions or weeks); `None` for rules without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<u32>,
    /// Whether the rule runs.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// The settings of December 2024's policy: every rule on, with its default.
pub fn norfolk_2024_alert_rules() -> Vec<AlertRuleSetting> {
    AlertRule::ALL
        .into_iter()
        .map(|id| AlertRuleSetting {
            id,
            parameter: id.default_parameter(),
            enabled: true,
        })
        .collect()
}

/// Why a policy's alert rules cannot be used.
pub fn validate_alert_rules(rules: &[AlertRuleSetting]) -> Result<(), String> {
    for (index, setting) in rules.iter().enumerate() {
        if rules[..index].iter().any(|other| other.id == setting.id) {
            return Err(format!("alert rule {} is listed twice", setting.id.id()));
        }
        match (setting.id, setting.parameter) {
            (AlertRule::MnAbs3, Some(_)) => {
                return Err("MN-ABS-3 takes no parameter: set early_warning_days".into());
            }
            (AlertRule::EiAbs15, Some(_)) => {
                return Err("EI-ABS-15 takes no parameter: set absence_threshold_days".into());
            }
            (AlertRule::MnProv6, Some(_)) => {
                return Err("MN-PROV-6 takes no parameter".into());
            }
            (AlertRule::EiAtt90 | AlertRule::EiAtt50, Some(percent)) if percent > 100 => {
                return Err(format!(
                    "alert rule {}: {percent} is over 100%",
                    setting.id.id()
                ));
            }
            (_, Some(0)) => {
                return Err(format!(
                    "alert rule {}: the parameter should be at least 1",
                    setting.id.id()
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// A case of the service's for the pupil, for MN-PROV-6 and EI-K-NOCASE: the days its
/// provision runs (`last` open while it runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseSpan {
    /// The first day of provision.
    pub first: NaiveDate,
    /// The last day, if it has ended.
    pub last: Option<NaiveDate>,
}

/// What else is known about the pupil. `None` means not known: the rules that need it do not
/// run for the pupil.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PupilContext {
    /// Has an EHC plan.
    pub ehcp: Option<bool>,
    /// Is looked after.
    pub looked_after: Option<bool>,
    /// The actual leaving date, if the pupil has left.
    pub leaving_date: Option<NaiveDate>,
    /// Whether the pupil is on another school's roll after leaving (EI-CME).
    pub on_another_roll_after_leaving: bool,
    /// Whether the service has a referral (other than a draft) this school year.
    pub referred_this_year: Option<bool>,
    /// The service's cases for the pupil.
    pub cases: Option<Vec<CaseSpan>>,
}

/// An alert a rule raised for a pupil.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// The rule.
    pub rule: AlertRule,
    /// How soon someone should look.
    pub priority: Priority,
    /// How bad it is, in the rule's own unit (sessions, weeks, tenths of a percentage point
    /// below the line): a larger measure after a decision re-opens the alert.
    pub measure: u32,
    /// Why, in words.
    pub why: String,
}

fn days(sessions: u32) -> String {
    let days = DayCount::from_sessions(sessions).days();
    if days == 1.0 {
        "1 day".into()
    } else {
        format!("{days} days")
    }
}

/// Evaluates every enabled rule of the policy for one pupil, as of `today`.
pub fn evaluate(
    policy: &PolicyParameters,
    figures: &GridFigures,
    marks: PupilMarks<'_>,
    context: &PupilContext,
    today: NaiveDate,
) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for setting in policy.alert_rules.iter().filter(|s| s.enabled) {
        let parameter = setting
            .parameter
            .or(setting.id.default_parameter())
            .unwrap_or(0);
        if let Some((measure, why)) = fire(
            setting.id, parameter, policy, figures, marks, context, today,
        ) {
            let mut priority = setting.id.base_priority();
            let mut why = why;
            let reasons: Vec<&str> = [
                (context.ehcp == Some(true), "has an EHC plan"),
                (context.looked_after == Some(true), "is looked after"),
            ]
            .into_iter()
            .filter_map(|(yes, reason)| yes.then_some(reason))
            .collect();
            if !reasons.is_empty() {
                priority = priority.raised();
                why.push_str(&format!(
                    "; priority raised because the pupil {}",
                    reasons.join(" and ")
                ));
            }
            alerts.push(Alert {
                rule: setting.id,
                priority,
                measure,
                why,
            });
        }
    }
    alerts
}

/// Whether one rule fires: its measure and why.
fn fire(
    rule: AlertRule,
    parameter: u32,
    policy: &PolicyParameters,
    grid: &GridFigures,
    marks: PupilMarks<'_>,
    context: &PupilContext,
    today: NaiveDate,
) -> Option<(u32, String)> {
    let figures = &grid.figures;
    let year = figures.school_year;
    let illness = figures.health_absence.sessions();
    match rule {
        // MN-ABS-3: flagged for a Healthy Child Programme contact at the early warning.
        AlertRule::MnAbs3 => (figures.health_absence >= DayCount::from_days(policy.early_warning_days))
            .then(|| {
                (illness, format!(
                    "{} of illness absence in {year}, at or above the early warning of {} days (MN-ABS-3)",
                    days(illness), policy.early_warning_days
                ))
            }),
        AlertRule::EiAbs15 => {
            let over = figures.health_absence >= DayCount::from_days(policy.absence_threshold_days);
            (over && context.referred_this_year == Some(false)).then(|| {
                (illness, format!(
                    "{} of illness absence in {year} and no referral: the Section 19 duty may have arisen at {} days (MN-ABS-1)",
                    days(illness), policy.absence_threshold_days
                ))
            })
        }
        AlertRule::EiRun => {
            let run = figures.longest_health_run?;
            (run.length >= DayCount::from_days(parameter)).then(|| {
                let state = if grid.run_ongoing {
                    "still going at the last session marked"
                } else {
                    "ended"
                };
                (run.length.sessions(), format!(
                    "{} of illness in a row from {} to {}, {state}; the rule is {parameter} days (days with no possible session do not break a run)",
                    days(run.length.sessions()), run.first, run.last
                ))
            })
        }
        AlertRule::EiAtt90 | AlertRule::EiAtt50 => {
            let percent = grid.attendance_percent()?;
            let mostly_health = grid.health_sessions() * 2 > grid.absence_sessions();
            (percent < f64::from(parameter) && mostly_health).then(|| {
                let below = ((f64::from(parameter) - percent) * 10.0).round() as u32;
                (below.max(1), format!(
                    "attendance {percent:.1}% in {year}, below {parameter}%, and illness and medical appointments are {} of the {} sessions of absence",
                    grid.health_sessions(), grid.absence_sessions()
                ))
            })
        }
        AlertRule::EiKNoCase => {
            let cases = context.cases.as_ref()?;
            let uncovered = marks
                .iter()
                .filter(|(session, code)| {
                    *code == AttendanceCode::LocalAuthorityProvision
                        && !cases.iter().any(|case| {
                            session.date >= case.first
                                && case.last.is_none_or(|last| session.date <= last)
                        })
                })
                .count() as u32;
            (uncovered >= parameter).then(|| {
                (uncovered, format!(
                    "{uncovered} sessions coded K (provision arranged by the local authority) with no case of the service's covering them"
                ))
            })
        }
        AlertRule::MnProv6 => {
            let cases = context.cases.as_ref()?;
            let mismatches: u32 = cases
                .iter()
                .map(|case| {
                    let last = case.last.unwrap_or(today).min(today);
                    marks
                        .between(case.first, last)
                        .filter(|(_, code)| {
                            *code != AttendanceCode::LocalAuthorityProvision
                                && code.is_possible_session()
                        })
                        .count() as u32
                })
                .sum();
            (mismatches > 0).then(|| {
                (mismatches, format!(
                    "{mismatches} sessions during the service's provision are not coded K (MN-PROV-6)"
                ))
            })
        }
        AlertRule::EiC26w => (grid.c2_weeks > parameter).then(|| {
            (grid.c2_weeks, format!(
                "a part-time timetable (C2) in each of the last {} school weeks marked, more than {parameter}",
                grid.c2_weeks
            ))
        }),
        AlertRule::EiCme => {
            let left = context.leaving_date?;
            if context.on_another_roll_after_leaving {
                return None;
            }
            let recent: Vec<_> = marks
                .iter()
                .filter(|(session, code)| session.date <= left && code.is_possible_session())
                .collect();
            let mut days_seen = 0u32;
            let mut last_date = None;
            let mut ill = false;
            for (session, code) in recent.iter().rev() {
                if last_date != Some(session.date) {
                    days_seen += 1;
                    last_date = Some(session.date);
                }
                if days_seen > parameter {
                    break;
                }
                ill |= *code == AttendanceCode::Illness;
            }
            ill.then(|| {
                (1, format!(
                    "left on {left} with illness absence in the last {parameter} school days, and is on no other county school's roll: a child who may be missing education"
                ))
            })
        }
    }
}
