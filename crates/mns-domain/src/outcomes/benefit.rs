//! Benefit tracking (issue 17): where a child starts from when their case opens (the baseline,
//! recorded with Part A at the planning meeting) and where they are at each review (with
//! Part B): attendance at the home school, hours of education received, reintegration
//! progress, and the wellbeing scores the council chooses. Every one is optional: none is ever
//! a condition of provision.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::disclosure::disclose_share;
use crate::provision::record::RecordProblem;

/// How far back into school the child has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reintegration {
    /// Not back at school at all yet.
    None,
    /// Back for part of the week.
    Partial,
    /// Back full time.
    Full,
}

impl Reintegration {
    /// Every value, in order.
    pub const ALL: [Reintegration; 3] = [
        Reintegration::None,
        Reintegration::Partial,
        Reintegration::Full,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Reintegration::None => "none",
            Reintegration::Partial => "partial",
            Reintegration::Full => "full",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<Reintegration> {
        Reintegration::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim())
    }

    /// How people see it.
    pub fn label(self) -> &'static str {
        match self {
            Reintegration::None => "Not back at school yet",
            Reintegration::Partial => "Back at school for part of the week",
            Reintegration::Full => "Back at school full time",
        }
    }
}

/// A wellbeing scale the council chooses (versioned with the policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WellbeingMeasure {
    /// Its key in the records, e.g. `personal_development`.
    pub id: String,
    /// How the form names it.
    pub label: String,
    /// The lowest score.
    pub min: u32,
    /// The highest.
    pub max: u32,
}

/// Norfolk's choice: one personal-development scale from 1 to 5.
pub fn norfolk_wellbeing_measures() -> Vec<WellbeingMeasure> {
    vec![WellbeingMeasure {
        id: "personal_development".into(),
        label: "Personal development, from 1 (struggling) to 5 (thriving)".into(),
        min: 1,
        max: 5,
    }]
}

/// What is recorded at the baseline or a review: each optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Measures {
    /// Attendance at the home school, as a percentage of possible sessions, recently.
    pub attendance_percent: Option<f64>,
    /// Hours of education a week the child receives.
    pub hours_received: Option<f64>,
    /// How far back into school the child has come (at a review).
    pub reintegration: Option<Reintegration>,
    /// The council's wellbeing scores, by measure id.
    pub wellbeing: BTreeMap<String, u32>,
}

impl Measures {
    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.attendance_percent.is_none()
            && self.hours_received.is_none()
            && self.reintegration.is_none()
            && self.wellbeing.is_empty()
    }

    /// What is wrong with what was entered, by field (`prefix` + the measure): a percentage
    /// from 0 to 100, hours from 0 to 40, and scores on the council's scales.
    pub fn problems(&self, prefix: &str, scales: &[WellbeingMeasure]) -> Vec<RecordProblem> {
        let mut out = Vec::new();
        let problem = |field: &str, message: String| RecordProblem {
            field: format!("{prefix}{field}"),
            message,
        };
        if let Some(p) = self.attendance_percent
            && !(0.0..=100.0).contains(&p)
        {
            out.push(problem(
                "attendance",
                "Attendance must be a percentage from 0 to 100".into(),
            ));
        }
        if let Some(h) = self.hours_received
            && !(0.0..=40.0).contains(&h)
        {
            out.push(problem(
                "hours_received",
                "Hours received must be from 0 to 40 a week".into(),
            ));
        }
        for (id, score) in &self.wellbeing {
            match scales.iter().find(|s| &s.id == id) {
                Some(s) if (s.min..=s.max).contains(score) => {}
                Some(s) => out.push(problem(
                    &format!("wellbeing_{id}"),
                    format!("{} must be from {} to {}", s.label, s.min, s.max),
                )),
                None => out.push(problem(
                    &format!("wellbeing_{id}"),
                    format!("'{id}' is not one of the council's wellbeing measures"),
                )),
            }
        }
        out
    }
}

/// One measure across the cases with both a baseline and a review: how many, and the average
/// at each. Anything that leaves the service gives the averages only over 5 children or more
/// ([`Change::published`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Cases with both.
    pub cases: u64,
    /// The averages at the baseline and at the latest review, when shown.
    pub averages: Option<(f64, f64)>,
}

/// The change in a measure from the baseline to the latest review, over the cases that have
/// both: `pick` reads the measure.
pub fn change(pairs: &[(&Measures, &Measures)], pick: impl Fn(&Measures) -> Option<f64>) -> Change {
    let both: Vec<(f64, f64)> = pairs
        .iter()
        .filter_map(|(base, latest)| Some((pick(base)?, pick(latest)?)))
        .collect();
    let n = both.len() as u64;
    let averages = (!both.is_empty()).then(|| {
        let (a, b) = both
            .iter()
            .fold((0.0, 0.0), |(x, y), (a, b)| (x + a, y + b));
        (a / n as f64, b / n as f64)
    });
    Change { cases: n, averages }
}

impl Change {
    /// The averages as they may leave the service: not over fewer than 5 children.
    pub fn published(&self) -> Option<(f64, f64)> {
        self.averages
            .and_then(|avg| disclose_share(self.cases, 0.0).map(|_| avg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s19_measures_are_optional_and_checked_when_given() {
        let scales = norfolk_wellbeing_measures();
        assert!(
            Measures::default()
                .problems("baseline_", &scales)
                .is_empty()
        );
        let bad = Measures {
            attendance_percent: Some(120.0),
            hours_received: Some(-1.0),
            reintegration: None,
            wellbeing: [
                ("personal_development".to_string(), 9),
                ("iq".to_string(), 3),
            ]
            .into_iter()
            .collect(),
        };
        let fields: Vec<String> = bad
            .problems("baseline_", &scales)
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "baseline_attendance",
                "baseline_hours_received",
                "baseline_wellbeing_iq",
                "baseline_wellbeing_personal_development"
            ]
        );
        // A stored record from before the measures reads as empty.
        let old: Measures = serde_json::from_str("{}").unwrap();
        assert!(old.is_empty());
    }

    #[test]
    fn s19_the_change_from_the_baseline_is_averaged_and_suppressed_below_5_children() {
        let m = |attendance: f64| Measures {
            attendance_percent: Some(attendance),
            ..Default::default()
        };
        let base: Vec<Measures> = (0..5).map(|_| m(20.0)).collect();
        let latest: Vec<Measures> = (0..5).map(|i| m(40.0 + i as f64 * 10.0)).collect();
        let pairs: Vec<(&Measures, &Measures)> = base.iter().zip(&latest).collect();
        let c = change(&pairs, |m| m.attendance_percent);
        assert_eq!(c.cases, 5);
        assert_eq!(c.averages, Some((20.0, 60.0)));
        assert_eq!(c.published(), Some((20.0, 60.0)));
        let few = change(&pairs[..4], |m| m.attendance_percent);
        assert_eq!(few.cases, 4);
        assert!(few.averages.is_some());
        assert_eq!(few.published(), None);
        let none = change(&pairs, |m| m.hours_received);
        assert_eq!((none.cases, none.averages), (0, None));
    }
}
