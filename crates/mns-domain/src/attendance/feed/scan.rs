//! From a county tally to each pupil's figures and alerts: what `mns attendance scan` prints
//! and what `mns attendance import` stores.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::super::alerts::{Alert, AlertRule, PupilContext, evaluate};
use super::super::{ReadProblem, Session};
use super::{CountyTally, GridFigures, PupilFile, PupilMarks, SchoolTally};
use crate::referral::PolicyParameters;

/// Each school's pupils' figures, in the tally's order (worked out on `threads` threads).
pub fn all_figures(tally: &CountyTally, threads: usize) -> Vec<Vec<GridFigures>> {
    let schools = &tally.schools;
    let threads = threads.clamp(1, schools.len().max(1));
    let chunk = schools.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = schools
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|s| school_figures(tally, s))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_default())
            .collect()
    })
}

/// One school's pupils' figures.
pub fn school_figures(tally: &CountyTally, school: &SchoolTally) -> Vec<GridFigures> {
    (0..school.pupils())
        .filter_map(|index| school.pupil(index))
        .map(|(_, cells)| GridFigures::of(PupilMarks::new(cells, tally.dates()), tally.school_year))
        .collect()
}

/// The last day each pupil on two or more schools' rolls had a session marked at each of
/// them: UPN → (URN, day), across every tally given. Only such a pupil can be on another roll
/// after leaving (EI-CME), so a county of 130,000 pupils keeps a few entries, not one each
/// (counted first by packed UPN, without making a string), and only their grids are read.
pub fn last_sessions<'a>(
    tallies: impl IntoIterator<Item = &'a CountyTally> + Clone,
) -> HashMap<String, Vec<(String, NaiveDate)>> {
    let mut schools: super::KeyMap<u64, (&str, u32)> = super::KeyMap::default();
    for tally in tallies.clone() {
        for school in &tally.schools {
            for key in &school.keys {
                let seen = schools.entry(*key).or_insert((school.urn.as_str(), 0));
                if seen.1 == 0 || seen.0 != school.urn {
                    seen.1 += 1;
                }
            }
        }
    }
    let mut last: HashMap<String, Vec<(String, NaiveDate)>> = HashMap::new();
    for tally in tallies {
        for school in &tally.schools {
            for (index, key) in school.keys.iter().enumerate() {
                if schools.get(key).is_none_or(|seen| seen.1 < 2) {
                    continue;
                }
                let Some((upn, cells)) = school.pupil(index) else {
                    continue;
                };
                let marks = PupilMarks::new(cells, tally.dates());
                let Some(session) = GridFigures::of(marks, tally.school_year).last_session else {
                    continue;
                };
                last.entry(upn)
                    .or_default()
                    .push((school.urn.clone(), session.date));
            }
        }
    }
    last
}

/// What else is known, for the rules that need more than the marks.
#[derive(Debug, Clone, Default)]
pub struct ScanContext {
    /// The pupil file, if one was given.
    pub pupils: Option<PupilFile>,
    /// The UPNs the service has a referral for this year, if known.
    pub referred: Option<std::collections::HashSet<String>>,
    /// The service's cases by UPN, if known.
    pub cases: Option<HashMap<String, Vec<super::super::alerts::CaseSpan>>>,
    /// Where else each pupil was last on a roll (from [`last_sessions`]).
    pub elsewhere: HashMap<String, Vec<(String, NaiveDate)>>,
}

impl ScanContext {
    /// The context of one pupil at one school.
    pub fn pupil(&self, urn: &str, upn: &str) -> PupilContext {
        let details = self
            .pupils
            .as_ref()
            .and_then(|file| file.pupils.get(&(urn.to_owned(), upn.to_owned())));
        let leaving_date = details.and_then(|d| d.leaving_date);
        let on_another_roll_after_leaving = leaving_date.is_some_and(|left| {
            self.elsewhere
                .get(upn)
                .is_some_and(|rolls| rolls.iter().any(|(other, day)| other != urn && *day > left))
        });
        PupilContext {
            ehcp: details.and_then(|d| d.ehcp),
            looked_after: details.and_then(|d| d.looked_after),
            leaving_date,
            on_another_roll_after_leaving,
            referred_this_year: self.referred.as_ref().map(|set| set.contains(upn)),
            cases: self
                .cases
                .as_ref()
                .map(|cases| cases.get(upn).cloned().unwrap_or_default()),
        }
    }

    /// The rules that cannot run for want of their inputs, and why.
    pub fn skipped_rules(&self) -> Vec<SkippedRule> {
        AlertRule::ALL
            .into_iter()
            .filter(|rule| match rule {
                AlertRule::EiAbs15 => self.referred.is_none(),
                AlertRule::EiKNoCase | AlertRule::MnProv6 => self.cases.is_none(),
                AlertRule::EiCme => self.pupils.is_none(),
                _ => false,
            })
            .map(|rule| SkippedRule {
                rule: rule.id(),
                why: format!("needs {}", rule.needs().unwrap_or("more data")),
            })
            .collect()
    }
}

/// A rule that did not run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedRule {
    /// The rule's id.
    pub rule: &'static str,
    /// Why not.
    pub why: String,
}

/// The figures shown with an alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertFigures {
    /// Days of illness absence.
    pub health_days: f64,
    /// The longest run of illness, in days.
    pub longest_run_days: f64,
    /// Whether that run is still going.
    pub run_ongoing: bool,
    /// Medical appointment sessions.
    pub m_sessions: u32,
    /// Attendance as a percentage of possible sessions.
    pub attendance_percent: Option<f64>,
    /// K sessions.
    pub k_sessions: u32,
    /// C2 sessions.
    pub c2_sessions: u32,
    /// Weeks in a row with C2.
    pub c2_weeks: u32,
    /// Possible sessions.
    pub sessions_possible: u32,
    /// The last session marked.
    pub last_session: Option<Session>,
}

impl AlertFigures {
    /// The figures of a pupil.
    pub fn of(grid: &GridFigures) -> Self {
        Self {
            health_days: grid.figures.health_absence.days(),
            longest_run_days: grid.figures.longest_health_run_length().days(),
            run_ongoing: grid.run_ongoing,
            m_sessions: grid.figures.medical_appointment_sessions,
            attendance_percent: grid.attendance_percent().map(|p| (p * 10.0).round() / 10.0),
            k_sessions: grid.k_sessions,
            c2_sessions: grid.c2_sessions,
            c2_weeks: grid.c2_weeks,
            sessions_possible: grid.figures.sessions_possible,
            last_session: grid.last_session,
        }
    }
}

/// One alert for one pupil, as the scan prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanAlert {
    /// The rule's id.
    pub rule: &'static str,
    /// The pupil's UPN.
    pub pupil: String,
    /// The school's URN.
    pub school: String,
    /// How soon.
    pub priority: super::super::alerts::Priority,
    /// The rule's measure.
    pub measure: u32,
    /// The figures.
    pub figures: AlertFigures,
    /// Why.
    pub why: String,
}

/// A school whose rows were read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolRead {
    /// The school's URN.
    pub school: String,
    /// Its pupils.
    pub pupils: usize,
    /// Its rows.
    pub rows: u64,
}

/// A school refused, with its problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolRefused {
    /// The school's URN.
    pub school: String,
    /// The file its rows came from.
    pub file: String,
    /// How many problems in all.
    pub total: usize,
    /// The problems listed (the first hundred).
    pub problems: Vec<ProblemOut>,
}

/// A problem as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemOut {
    /// The line.
    pub line: u64,
    /// The column, if one.
    pub column: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl From<&ReadProblem> for ProblemOut {
    fn from(problem: &ReadProblem) -> Self {
        Self {
            line: problem.line,
            column: problem.column.clone(),
            message: problem.kind.to_string(),
        }
    }
}

/// The alerts for one school's pupils (who are in the tally), sorted by UPN then rule.
pub fn school_alerts(
    tally: &CountyTally,
    school: &SchoolTally,
    figures: &[GridFigures],
    context: &ScanContext,
    policy: &PolicyParameters,
    today: NaiveDate,
) -> Vec<(usize, Alert)> {
    let mut alerts = Vec::new();
    for (index, grid) in figures.iter().enumerate() {
        let Some((upn, cells)) = school.pupil(index) else {
            continue;
        };
        let marks = PupilMarks::new(cells, tally.dates());
        let pupil = context.pupil(&school.urn, &upn);
        for alert in evaluate(policy, grid, marks, &pupil, today) {
            alerts.push((index, alert));
        }
    }
    alerts
}

/// Sorts printed alerts: most urgent first, then school, then pupil, then rule.
pub fn sort_alerts(alerts: &mut [ScanAlert]) {
    alerts.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then_with(|| a.school.cmp(&b.school))
            .then_with(|| a.pupil.cmp(&b.pupil))
            .then_with(|| a.rule.cmp(b.rule))
    });
}
