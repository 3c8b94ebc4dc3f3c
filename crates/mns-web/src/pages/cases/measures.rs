//! The benefit-tracking measures on Part A (the baseline) and Part B (each review), issue 17:
//! read from a form and written back into one, each optional.

use crate::form::Fields;
use mns_app::FieldError;
use mns_domain::outcomes::{Measures, Reintegration, WellbeingMeasure};

/// A wellbeing scale as the form shows it: its field, label and range.
pub struct Scale {
    /// The form field (`{prefix}wellbeing_{id}`).
    pub field: String,
    /// What it is.
    pub label: String,
    /// The hint: the range.
    pub hint: String,
}

/// The council's scales as fields named with `prefix`.
pub fn scales(prefix: &str, measures: &[WellbeingMeasure]) -> Vec<Scale> {
    measures
        .iter()
        .map(|m| Scale {
            field: format!("{prefix}wellbeing_{}", m.id),
            label: format!("{} (optional)", m.label),
            hint: format!("A whole number from {} to {}", m.min, m.max),
        })
        .collect()
}

/// The reintegration choices, for radios.
pub fn reintegration_choices() -> Vec<(&'static str, &'static str)> {
    Reintegration::ALL
        .iter()
        .map(|r| (r.as_str(), r.label()))
        .collect()
}

/// Reads the measures named with `prefix`; text that is not a number is a problem.
pub fn read(
    values: &Fields,
    prefix: &str,
    measures: &[WellbeingMeasure],
    errors: &mut Vec<FieldError>,
) -> Measures {
    let attendance_field = format!("{prefix}attendance");
    let attendance_text = values.text(&attendance_field).trim().trim_end_matches('%');
    let attendance_percent = if attendance_text.is_empty() {
        None
    } else {
        match attendance_text.parse::<f64>() {
            Ok(p) if p.is_finite() => Some(p),
            _ => {
                errors.push(FieldError::new(
                    &attendance_field,
                    "Enter attendance as a percentage, like 45",
                ));
                None
            }
        }
    };
    let hours_received = values.hours(
        &format!("{prefix}hours_received"),
        "Hours of education received",
        errors,
    );
    let mut wellbeing = std::collections::BTreeMap::new();
    for m in measures {
        let field = format!("{prefix}wellbeing_{}", m.id);
        let text = values.text(&field).trim();
        if text.is_empty() {
            continue;
        }
        match text.parse::<u32>() {
            Ok(score) => {
                wellbeing.insert(m.id.clone(), score);
            }
            Err(_) => errors.push(FieldError::new(
                &field,
                format!(
                    "{}: enter a whole number from {} to {}",
                    m.label, m.min, m.max
                ),
            )),
        }
    }
    Measures {
        attendance_percent,
        hours_received,
        reintegration: Reintegration::parse(values.text(&format!("{prefix}reintegration"))),
        wellbeing,
    }
}

/// Writes the measures into a form's values, named with `prefix`.
pub fn put(values: &mut Fields, prefix: &str, measures: &Measures) {
    if let Some(p) = measures.attendance_percent {
        values.put(&format!("{prefix}attendance"), p.to_string());
    }
    if let Some(h) = measures.hours_received {
        values.put(&format!("{prefix}hours_received"), h.to_string());
    }
    if let Some(r) = measures.reintegration {
        values.put(&format!("{prefix}reintegration"), r.as_str());
    }
    for (id, score) in &measures.wellbeing {
        values.put(&format!("{prefix}wellbeing_{id}"), score.to_string());
    }
}
