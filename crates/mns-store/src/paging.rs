//! Keyset pagination (issue 20): a page of a list starts after (or before) a line already
//! shown, named by its place in the list's order, so a deep page costs what the first does and
//! a line added meanwhile neither repeats nor hides another.

use crate::{parse_ts, ts};
use chrono::{DateTime, NaiveDate, Utc};

/// Where a page of a list starts (keyset pagination: a deep page costs what the first does).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Page<C> {
    /// From the start.
    #[default]
    First,
    /// The lines after this one, in the list's order.
    After(C),
    /// The lines before this one, in the list's order (a "Previous" link).
    Before(C),
}

impl<C> Page<C> {
    /// Whether the page is read backwards (before a cursor) and turned round.
    pub fn backwards(&self) -> bool {
        matches!(self, Page::Before(_))
    }

    /// The cursor, if the page starts at one.
    pub fn cursor(&self) -> Option<&C> {
        match self {
            Page::First => None,
            Page::After(c) | Page::Before(c) => Some(c),
        }
    }
}

/// A page of the queue, whose order is by referral date, then id.
pub type QueuePage = Page<QueueCursor>;

/// A line's place in the queue's order. The date is kept as text of the stored form
/// (`YYYY-MM-DD`) and compared as text, as the column is: a cursor of the right shape whose date
/// is not a day ("0000-00-00") is still a place in the order, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCursor {
    /// The line's referral date, `YYYY-MM-DD`.
    pub referral_date: String,
    /// The line's referral id.
    pub id: String,
}

impl QueueCursor {
    /// The place of the line with this referral date and id.
    pub fn of(referral_date: NaiveDate, id: &str) -> QueueCursor {
        QueueCursor {
            referral_date: crate::day(referral_date),
            id: id.to_string(),
        }
    }

    /// The cursor as it goes in a link: `2025-01-31_<id>`.
    pub fn to_param(&self) -> String {
        format!("{}_{}", self.referral_date, self.id)
    }

    /// Reads [`QueueCursor::to_param`]'s form (four digits, two, two, `_`, then an id of 1 to
    /// 100 characters); `None` for anything else.
    pub fn parse(text: &str) -> Option<QueueCursor> {
        let (date, id) = text.split_once('_')?;
        let shaped = date.len() == 10
            && date.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        let count = id.chars().count();
        (shaped && (1..=100).contains(&count)).then(|| QueueCursor {
            referral_date: date.to_string(),
            id: id.to_string(),
        })
    }
}

/// A case's place in the case list's order (newest opened first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseCursor {
    /// When the case was opened.
    pub opened_at: DateTime<Utc>,
    /// The case's id.
    pub id: String,
}

impl CaseCursor {
    /// The cursor as it goes in a link: `<opened at>_<id>`.
    pub fn to_param(&self) -> String {
        format!("{}_{}", ts(self.opened_at), self.id)
    }

    /// Reads [`CaseCursor::to_param`]'s form; `None` for anything else.
    pub fn parse(text: &str) -> Option<CaseCursor> {
        let (at, id) = text.split_once('_')?;
        Some(CaseCursor {
            opened_at: parse_ts(at).ok()?,
            id: Some(id.trim())
                .filter(|id| !id.is_empty() && id.len() <= 100)?
                .to_string(),
        })
    }
}

/// A page of the case list.
pub type CasePage = Page<CaseCursor>;
