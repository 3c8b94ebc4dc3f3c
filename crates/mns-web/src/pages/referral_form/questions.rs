//! What a question page is made of, and reading what the school posted.
//!
//! A page is a list of [`Group`]s of [`Question`]s, rendered by one partial
//! (`referral_form_question.html`) in the GOV.UK components: text inputs, textareas, date inputs
//! (day, month, year), radios (with conditionally revealed questions) and checkboxes. Every
//! question's element id is the field's path in the referral (`pupil.date_of_birth`), the same
//! path `Referral::missing_fields` names, so an error summary can link straight to it.
//!
//! What the school posted is read with [`Fields`]'s draft readers (`set_text`, `set_date`…): a
//! field that is not in the post is left as it was, since a browser always sends every text
//! input on the page, so an absent field is one the page did not show.

use crate::form::Fields;
use chrono::{Datelike, NaiveDate};
use mns_app::FieldError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A one-line text input.
    Text,
    /// A textarea.
    Textarea,
    /// Three inputs: day, month, year.
    Date,
    /// Radios: one answer from a closed list.
    Radios,
    /// Checkboxes: each a yes-or-no of its own.
    Checkboxes,
    /// An answer the school cannot change here, shown for reference.
    ReadOnly,
}

/// One question on a page.
#[derive(Debug, Clone)]
pub struct Question {
    /// How it is answered.
    pub kind: Kind,
    /// The element id (the first input's, for radios and dates): the field's path.
    pub id: String,
    /// The form field's name (dates add `-day`, `-month`, `-year`).
    pub name: String,
    /// The label or legend.
    pub label: String,
    /// Words added to the label for screen readers only.
    pub label_hidden: String,
    /// Hint text, if any.
    pub hint: String,
    /// The problem with the answer, if any.
    pub error: Option<String>,
    /// The text entered (text inputs, textareas, read-only answers).
    pub value: String,
    /// A date's day, month and year as entered.
    pub day: String,
    /// See [`Question::day`].
    pub month: String,
    /// See [`Question::day`].
    pub year: String,
    /// The choices (radios and checkboxes).
    pub options: Vec<Choice>,
    /// A width class for a text input, e.g. `govuk-input--width-10`.
    pub width: &'static str,
    /// Whether a text input takes digits (numeric keyboard).
    pub numeric: bool,
    /// Whether radios sit side by side.
    pub inline: bool,
    /// Rows for a textarea.
    pub rows: u32,
}

/// One choice of radios or checkboxes.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The input's id.
    pub id: String,
    /// The form field's name (a checkbox has its own; radios share the question's).
    pub name: String,
    /// The value posted.
    pub value: String,
    /// What it says.
    pub label: String,
    /// Hint text for the choice, if any.
    pub hint: String,
    /// Whether it is selected.
    pub checked: bool,
    /// Questions revealed when this radio is chosen (shown anyway without JavaScript).
    pub conditional: Vec<Question>,
}

/// Questions under an optional heading.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// A level-2 heading, if any.
    pub heading: String,
    /// A paragraph under the heading, if any.
    pub intro: String,
    /// The questions.
    pub questions: Vec<Question>,
    /// Whether a line follows the group.
    pub divider: bool,
}

impl Group {
    /// A group of questions with no heading.
    pub fn of(questions: Vec<Question>) -> Group {
        Group {
            questions,
            ..Group::default()
        }
    }

    /// A group under a heading.
    pub fn headed(heading: &str, questions: Vec<Question>) -> Group {
        Group {
            heading: heading.to_string(),
            questions,
            ..Group::default()
        }
    }

    /// Adds a paragraph under the heading.
    pub fn intro(mut self, text: &str) -> Group {
        self.intro = text.to_string();
        self
    }
}

impl Choice {
    /// A choice with its value and label.
    pub fn new(value: impl Into<String>, label: impl Into<String>, checked: bool) -> Choice {
        Choice {
            id: String::new(),
            name: String::new(),
            value: value.into(),
            label: label.into(),
            hint: String::new(),
            checked,
            conditional: Vec::new(),
        }
    }

    /// A checkbox: its own field, posted as `yes` when ticked.
    pub fn checkbox(name: &str, label: &str, checked: bool) -> Choice {
        Choice {
            id: name.to_string(),
            name: name.to_string(),
            ..Choice::new("yes", label, checked)
        }
    }

    /// Adds hint text.
    pub fn hint(mut self, hint: &str) -> Choice {
        self.hint = hint.to_string();
        self
    }

    /// Reveals these questions when the choice is selected.
    pub fn reveal(mut self, questions: Vec<Question>) -> Choice {
        self.conditional = questions;
        self
    }
}

impl Question {
    fn new(kind: Kind, id: &str, label: &str) -> Question {
        Question {
            kind,
            id: id.to_string(),
            name: id.to_string(),
            label: label.to_string(),
            label_hidden: String::new(),
            hint: String::new(),
            error: None,
            value: String::new(),
            day: String::new(),
            month: String::new(),
            year: String::new(),
            options: Vec::new(),
            width: "",
            numeric: false,
            inline: false,
            rows: 5,
        }
    }

    /// A text input.
    pub fn text(id: &str, label: &str, value: &str) -> Question {
        Question {
            value: value.to_string(),
            ..Question::new(Kind::Text, id, label)
        }
    }

    /// A textarea.
    pub fn textarea(id: &str, label: &str, value: &str) -> Question {
        Question {
            value: value.to_string(),
            ..Question::new(Kind::Textarea, id, label)
        }
    }

    /// A date input showing `value`.
    pub fn date(id: &str, legend: &str, value: Option<NaiveDate>) -> Question {
        let part = |f: fn(&NaiveDate) -> String| value.as_ref().map(f).unwrap_or_default();
        Question {
            day: part(|d| d.day().to_string()),
            month: part(|d| d.month().to_string()),
            year: part(|d| d.year().to_string()),
            hint: "For example, 27 3 2026".into(),
            ..Question::new(Kind::Date, id, legend)
        }
    }

    /// Radios; the first choice's input takes the question's id, so a link to the field lands
    /// on it.
    pub fn radios(id: &str, legend: &str, mut options: Vec<Choice>) -> Question {
        for (index, option) in options.iter_mut().enumerate() {
            option.id = if index == 0 {
                id.to_string()
            } else {
                format!("{id}-{}", option.value)
            };
            option.name = id.to_string();
        }
        Question {
            options,
            ..Question::new(Kind::Radios, id, legend)
        }
    }

    /// Yes-or-no radios, side by side.
    pub fn yes_no(id: &str, legend: &str, value: Option<bool>) -> Question {
        Question::radios(
            id,
            legend,
            vec![
                Choice::new("yes", "Yes", value == Some(true)),
                Choice::new("no", "No", value == Some(false)),
            ],
        )
        .inline()
    }

    /// Checkboxes, each its own field.
    pub fn checkboxes(id: &str, legend: &str, options: Vec<Choice>) -> Question {
        Question {
            options,
            ..Question::new(Kind::Checkboxes, id, legend)
        }
    }

    /// An answer shown but not changed here.
    pub fn read_only(id: &str, label: &str, value: &str) -> Question {
        Question {
            value: value.to_string(),
            ..Question::new(Kind::ReadOnly, id, label)
        }
    }

    /// Adds hint text.
    pub fn hint(mut self, hint: &str) -> Question {
        self.hint = hint.to_string();
        self
    }

    /// Adds words to the label that only screen readers say.
    pub fn hidden_label(mut self, text: &str) -> Question {
        self.label_hidden = text.to_string();
        self
    }

    /// Sets a text input's width class.
    pub fn width(mut self, class: &'static str) -> Question {
        self.width = class;
        self
    }

    /// Marks a text input as taking digits.
    pub fn numeric(mut self) -> Question {
        self.numeric = true;
        self
    }

    /// Puts radios side by side.
    pub fn inline(mut self) -> Question {
        self.inline = true;
        self
    }

    /// Sets a textarea's rows.
    pub fn rows(mut self, rows: u32) -> Question {
        self.rows = rows;
        self
    }

    /// Whether it is a textarea (for the template).
    pub fn is_textarea(&self) -> bool {
        self.kind == Kind::Textarea
    }

    /// Whether it is a date input (for the template).
    pub fn is_date(&self) -> bool {
        self.kind == Kind::Date
    }

    /// Whether it is radios (for the template).
    pub fn is_radios(&self) -> bool {
        self.kind == Kind::Radios
    }

    /// Whether it is checkboxes (for the template).
    pub fn is_checkboxes(&self) -> bool {
        self.kind == Kind::Checkboxes
    }

    /// Whether it is a read-only answer (for the template).
    pub fn is_read_only(&self) -> bool {
        self.kind == Kind::ReadOnly
    }

    /// Whether any choice reveals questions.
    pub fn has_conditionals(&self) -> bool {
        self.options.iter().any(|o| !o.conditional.is_empty())
    }

    /// The ids that describe the input: its hint and its error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }

    /// Shows what was posted instead of what is stored, with the errors at their fields, here
    /// and in every revealed question.
    pub fn keep(&mut self, fields: &Fields, errors: &[FieldError]) {
        self.error = errors
            .iter()
            .find(|e| e.field == self.id)
            .map(|e| e.message.clone());
        match self.kind {
            Kind::Text | Kind::Textarea => {
                if let Some(value) = fields.get(&self.name) {
                    self.value = value.to_string();
                }
            }
            Kind::Date => {
                let name = self.name.clone();
                for (part, target) in [
                    ("day", &mut self.day),
                    ("month", &mut self.month),
                    ("year", &mut self.year),
                ] {
                    if let Some(value) = fields.get(&format!("{name}-{part}")) {
                        *target = value.to_string();
                    }
                }
            }
            Kind::Radios => {
                if let Some(value) = fields.get(&self.name) {
                    for option in &mut self.options {
                        option.checked = option.value == value;
                    }
                }
            }
            Kind::Checkboxes => {
                for option in &mut self.options {
                    option.checked = fields.get(&option.name).is_some();
                }
            }
            Kind::ReadOnly => {}
        }
        for option in &mut self.options {
            for question in &mut option.conditional {
                question.keep(fields, errors);
            }
        }
    }
}

/// Shows posted values and errors in every question of the groups.
pub fn keep_all(groups: &mut [Group], fields: &Fields, errors: &[FieldError]) {
    for group in groups {
        for question in &mut group.questions {
            question.keep(fields, errors);
        }
    }
}

/// Reads a GOV.UK date input: `Ok(None)` when nothing was entered; otherwise the date, or what
/// is wrong with it in the Design System's words.
pub fn parse_date(
    day: &str,
    month: &str,
    year: &str,
    label: &str,
) -> Result<Option<NaiveDate>, String> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    let missing: Vec<&str> = [("day", day), ("month", month), ("year", year)]
        .into_iter()
        .filter(|(_, value)| value.is_empty())
        .map(|(part, _)| part)
        .collect();
    match missing.len() {
        0 => {}
        3 => return Ok(None),
        _ => {
            return Err(format!("{label} must include a {}", missing.join(" and ")));
        }
    }
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{label} must include a year with 4 numbers"));
    }
    let number = |text: &str| text.parse::<u32>().ok();
    match (number(day), number(month), year.parse::<i32>().ok()) {
        (Some(d), Some(m), Some(y)) => NaiveDate::from_ymd_opt(y, m, d)
            .map(Some)
            .ok_or_else(|| format!("{label} must be a real date")),
        _ => Err(format!("{label} must be a real date")),
    }
}

/// A closed-list value's snake_case name, as in the referral JSON.
pub fn key<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// The closed-list value with this snake_case name.
pub fn from_key<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

/// Radios for a closed list: every value with its label, the current one checked.
pub fn list_radios<T: Copy + PartialEq + Serialize>(
    id: &str,
    legend: &str,
    values: &[T],
    current: Option<T>,
    label: impl Fn(T) -> String,
) -> Question {
    Question::radios(
        id,
        legend,
        values
            .iter()
            .map(|&v| Choice::new(key(v), label(v), current == Some(v)))
            .collect(),
    )
}

/// The text with its first letter in capitals ("paediatrician" → "Paediatrician").
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A date as the pages write it: "2 November 2026".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_date_is_no_date() {
        assert_eq!(parse_date("", " ", "", "Date of birth"), Ok(None));
    }

    #[test]
    fn a_date_reads_its_three_parts() {
        assert_eq!(
            parse_date("2", "11", "2015", "Date of birth"),
            Ok(NaiveDate::from_ymd_opt(2015, 11, 2))
        );
    }

    #[test]
    fn a_date_that_is_not_real_says_so_in_the_design_systems_words() {
        assert_eq!(
            parse_date("31", "2", "2015", "Date of birth").unwrap_err(),
            "Date of birth must be a real date"
        );
        assert_eq!(
            parse_date("x", "2", "2015", "Date of birth").unwrap_err(),
            "Date of birth must be a real date"
        );
        assert_eq!(
            parse_date("3", "", "", "Date of birth").unwrap_err(),
            "Date of birth must include a month and year"
        );
        assert_eq!(
            parse_date("3", "2", "15", "Date of birth").unwrap_err(),
            "Date of birth must include a year with 4 numbers"
        );
    }

    #[test]
    fn closed_list_values_use_the_json_names() {
        use mns_domain::referral::SchoolType;
        assert_eq!(key(SchoolType::IndependentSpecial), "independent_special");
        assert_eq!(
            from_key::<SchoolType>("academy_special"),
            Some(SchoolType::AcademySpecial)
        );
        assert_eq!(from_key::<SchoolType>("nonsense"), None);
    }
}
