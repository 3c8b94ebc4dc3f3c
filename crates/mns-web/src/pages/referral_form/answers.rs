//! The rows of "Check your answers": one summary-list row per answer, each with a "Change"
//! link to the field on its section's page.

use super::sections::problem_href;
use chrono::NaiveDate;

/// One answer as the summary list shows it.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was asked, briefly.
    pub key: String,
    /// The answer, a line each.
    pub lines: Vec<String>,
    /// Where to change it; empty when the school cannot change it here.
    pub href: String,
    /// The words after "Change" that only screen readers say, naming the answer.
    pub hidden: String,
}

/// Builds the rows of one section for one referral.
pub struct Rows<'a> {
    referral_id: &'a str,
    /// The rows so far.
    pub rows: Vec<Row>,
}

/// What an answer left empty shows.
pub const NOT_ANSWERED: &str = "Not answered";

impl<'a> Rows<'a> {
    /// No rows yet, for the referral with this id.
    pub fn new(referral_id: &'a str) -> Rows<'a> {
        Rows {
            referral_id,
            rows: Vec::new(),
        }
    }

    /// A row whose "Change" link goes to `field`.
    pub fn lines(&mut self, key: &str, field: &str, lines: Vec<String>) {
        let lines: Vec<String> = lines.into_iter().filter(|l| !l.trim().is_empty()).collect();
        self.rows.push(Row {
            key: key.to_string(),
            lines: if lines.is_empty() {
                vec![NOT_ANSWERED.to_string()]
            } else {
                lines
            },
            href: problem_href(self.referral_id, field),
            hidden: lowercase_first(key),
        });
    }

    /// A row of text.
    pub fn text(&mut self, key: &str, field: &str, value: &str) {
        self.lines(key, field, vec![value.to_string()]);
    }

    /// A row of yes or no.
    pub fn yes_no(&mut self, key: &str, field: &str, value: Option<bool>) {
        self.text(key, field, yes_no(value));
    }

    /// A row with a date.
    pub fn date(&mut self, key: &str, field: &str, value: Option<NaiveDate>) {
        self.text(
            key,
            field,
            &value.map(super::questions::long_date).unwrap_or_default(),
        );
    }

    /// A row the school cannot change here.
    pub fn fixed(&mut self, key: &str, value: &str) {
        self.rows.push(Row {
            key: key.to_string(),
            lines: vec![value.to_string()],
            href: String::new(),
            hidden: String::new(),
        });
    }
}

/// "Yes", "No", or nothing when not answered (the row then says "Not answered").
pub fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "",
    }
}

/// The words with the first letter in lower case, unless the first word is an abbreviation
/// ("Date of birth" → "date of birth", "UPN" stays).
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_string(),
    }
}
