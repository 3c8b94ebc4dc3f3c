//! Term dates as a council or academy publishes them: each term's first and last day and its
//! half-term break. A [`TermCalendar`] is data (loaded, edited, marked provisional), checked
//! once when it is built or loaded.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One term: the first and last day pupils attend, and the half-term break inside it.
///
/// All dates are inclusive. The half term runs from the first to the last day pupils are not in
/// school, e.g. Monday 27 October to Monday 3 November 2025 when pupils return on the Tuesday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// The term's name, e.g. "Autumn 2025".
    pub name: String,
    /// The first day of the term.
    pub start: NaiveDate,
    /// The last day of the term.
    pub end: NaiveDate,
    /// The first day of the half-term break, if the term has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_term_start: Option<NaiveDate>,
    /// The last day of the half-term break, if the term has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_term_end: Option<NaiveDate>,
}

impl Term {
    /// A term without a half-term break.
    pub fn new(name: impl Into<String>, start: NaiveDate, end: NaiveDate) -> Self {
        Self {
            name: name.into(),
            start,
            end,
            half_term_start: None,
            half_term_end: None,
        }
    }

    /// The same term with a half-term break from `start` to `end`, inclusive.
    pub fn with_half_term(self, start: NaiveDate, end: NaiveDate) -> Self {
        Self {
            half_term_start: Some(start),
            half_term_end: Some(end),
            ..self
        }
    }

    /// Whether the date falls between the term's first and last day, half term included.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Whether the date falls in the term's half-term break.
    pub fn is_half_term(&self, date: NaiveDate) -> bool {
        match (self.half_term_start, self.half_term_end) {
            (Some(start), Some(end)) => start <= date && date <= end,
            _ => false,
        }
    }

    /// Checks the term on its own: it ends after it starts, and its half term has both dates,
    /// in order, inside the term.
    fn check(&self) -> Result<(), TermCalendarError> {
        let term = || self.name.clone();
        if self.end < self.start {
            return Err(TermCalendarError::TermEndsBeforeItStarts { term: term() });
        }
        match (self.half_term_start, self.half_term_end) {
            (None, None) => Ok(()),
            (Some(start), Some(end)) if end < start => {
                Err(TermCalendarError::HalfTermEndsBeforeItStarts { term: term() })
            }
            (Some(start), Some(end)) if start < self.start || end > self.end => {
                Err(TermCalendarError::HalfTermOutsideTerm { term: term() })
            }
            (Some(_), Some(_)) => Ok(()),
            _ => Err(TermCalendarError::HalfTermIncomplete { term: term() }),
        }
    }
}

/// A published set of term dates, usually one school year's, which may be provisional until
/// the council confirms it.
///
/// Built by [`TermCalendar::new`] or deserialised, both of which check the dates, so a
/// `TermCalendar` always has at least one term, each term in order, and no overlaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TermCalendarFields")]
pub struct TermCalendar {
    name: String,
    provisional: bool,
    terms: Vec<Term>,
}

/// The shape a data file describes, before its dates are checked.
#[derive(Deserialize)]
struct TermCalendarFields {
    name: String,
    #[serde(default)]
    provisional: bool,
    terms: Vec<Term>,
}

/// Why a set of term dates cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermCalendarError {
    /// The calendar has no terms.
    #[error("Term calendar '{calendar}' has no terms")]
    NoTerms {
        /// The calendar's name.
        calendar: String,
    },
    /// A term's last day is before its first.
    #[error("Term '{term}' ends before it starts")]
    TermEndsBeforeItStarts {
        /// The term's name.
        term: String,
    },
    /// A term has only one of the two half-term dates.
    #[error("Term '{term}' needs both the first and the last day of its half term, or neither")]
    HalfTermIncomplete {
        /// The term's name.
        term: String,
    },
    /// A half term's last day is before its first.
    #[error("The half term in '{term}' ends before it starts")]
    HalfTermEndsBeforeItStarts {
        /// The term's name.
        term: String,
    },
    /// A half term falls partly outside its term.
    #[error("The half term in '{term}' should fall inside the term")]
    HalfTermOutsideTerm {
        /// The term's name.
        term: String,
    },
    /// A term starts before or on the last day of the term before it.
    #[error("Term '{later}' should start after term '{earlier}' ends")]
    TermsOverlap {
        /// The earlier term's name.
        earlier: String,
        /// The later term's name.
        later: String,
    },
}

impl TermCalendar {
    /// A term calendar, checked: at least one term; each term ends after it starts with its half
    /// term inside it; and the terms are listed in date order without overlapping.
    pub fn new(
        name: impl Into<String>,
        provisional: bool,
        terms: Vec<Term>,
    ) -> Result<Self, TermCalendarError> {
        let name = name.into();
        if terms.is_empty() {
            return Err(TermCalendarError::NoTerms { calendar: name });
        }
        for term in &terms {
            term.check()?;
        }
        check_in_order(terms.iter())?;
        Ok(Self {
            name,
            provisional,
            terms,
        })
    }

    /// Builds a calendar from built-in dates that the tests check with [`TermCalendar::new`].
    pub(super) fn from_checked_parts(name: &str, provisional: bool, terms: Vec<Term>) -> Self {
        Self {
            name: name.to_owned(),
            provisional,
            terms,
        }
    }

    /// The calendar's name, e.g. "Norfolk 2025/26".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the dates are provisional, awaiting the council's confirmation.
    pub fn is_provisional(&self) -> bool {
        self.provisional
    }

    /// The terms, in date order.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The first day of the first term.
    pub fn first_day(&self) -> Option<NaiveDate> {
        self.terms.first().map(|term| term.start)
    }

    /// The last day of the last term.
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.terms.last().map(|term| term.end)
    }
}

/// Checks that terms, taken in the order given, each start after the one before ends.
pub(super) fn check_in_order<'a>(
    terms: impl Iterator<Item = &'a Term>,
) -> Result<(), TermCalendarError> {
    let mut previous: Option<&Term> = None;
    for term in terms {
        if let Some(earlier) = previous.filter(|earlier| term.start <= earlier.end) {
            return Err(TermCalendarError::TermsOverlap {
                earlier: earlier.name.clone(),
                later: term.name.clone(),
            });
        }
        previous = Some(term);
    }
    Ok(())
}

impl TryFrom<TermCalendarFields> for TermCalendar {
    type Error = TermCalendarError;

    fn try_from(fields: TermCalendarFields) -> Result<Self, Self::Error> {
        Self::new(fields.name, fields.provisional, fields.terms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn autumn() -> Term {
        Term::new("Autumn 2025", date!(2025, 9, 3), date!(2025, 12, 19))
            .with_half_term(date!(2025, 10, 27), date!(2025, 11, 3))
    }

    #[test]
    fn a_term_knows_its_half_term() {
        let term = autumn();
        assert!(term.contains(date!(2025, 10, 29)));
        assert!(term.is_half_term(date!(2025, 10, 29)));
        assert!(term.is_half_term(date!(2025, 11, 3)));
        assert!(!term.is_half_term(date!(2025, 11, 4)));
        assert!(!term.contains(date!(2025, 12, 22)));
    }

    #[test]
    fn a_calendar_without_terms_is_rejected() {
        assert_eq!(
            TermCalendar::new("Empty", false, vec![]),
            Err(TermCalendarError::NoTerms {
                calendar: "Empty".into()
            })
        );
    }

    #[test]
    fn a_term_ending_before_it_starts_is_rejected() {
        let term = Term::new("Backwards", date!(2025, 12, 19), date!(2025, 9, 3));
        assert_eq!(
            TermCalendar::new("Bad", false, vec![term])
                .unwrap_err()
                .to_string(),
            "Term 'Backwards' ends before it starts"
        );
    }

    #[test]
    fn a_half_term_must_be_whole_ordered_and_inside_the_term() {
        let mut half = autumn();
        half.half_term_end = None;
        assert!(matches!(
            TermCalendar::new("Bad", false, vec![half]),
            Err(TermCalendarError::HalfTermIncomplete { .. })
        ));
        let reversed = autumn().with_half_term(date!(2025, 11, 3), date!(2025, 10, 27));
        assert!(matches!(
            TermCalendar::new("Bad", false, vec![reversed]),
            Err(TermCalendarError::HalfTermEndsBeforeItStarts { .. })
        ));
        let outside = autumn().with_half_term(date!(2025, 12, 15), date!(2026, 1, 2));
        assert!(matches!(
            TermCalendar::new("Bad", false, vec![outside]),
            Err(TermCalendarError::HalfTermOutsideTerm { .. })
        ));
    }

    #[test]
    fn overlapping_or_unordered_terms_are_rejected() {
        let spring = Term::new("Spring 2026", date!(2025, 12, 19), date!(2026, 3, 27));
        assert_eq!(
            TermCalendar::new("Bad", false, vec![autumn(), spring])
                .unwrap_err()
                .to_string(),
            "Term 'Spring 2026' should start after term 'Autumn 2025' ends"
        );
    }

    #[test]
    fn a_loaded_calendar_is_checked_like_a_built_one() {
        // Deserialising goes through this conversion (`#[serde(try_from)]`).
        let fields = TermCalendarFields {
            name: "Empty".into(),
            provisional: true,
            terms: vec![],
        };
        assert!(matches!(
            TermCalendar::try_from(fields),
            Err(TermCalendarError::NoTerms { .. })
        ));
        let fields = TermCalendarFields {
            name: "Autumn only".into(),
            provisional: true,
            terms: vec![autumn()],
        };
        let calendar = TermCalendar::try_from(fields).unwrap();
        assert!(calendar.is_provisional());
        assert_eq!(calendar.first_day(), Some(date!(2025, 9, 3)));
        assert_eq!(calendar.last_day(), Some(date!(2025, 12, 19)));
    }
}
