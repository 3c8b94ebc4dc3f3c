//! Bank holidays: days that are never school days, whatever the term dates say.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A set of bank holiday dates, loaded as a plain list of dates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BankHolidays(BTreeSet<NaiveDate>);

impl BankHolidays {
    /// The bank holidays given, in any order, duplicates ignored.
    pub fn new(dates: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self(dates.into_iter().collect())
    }

    /// Whether the date is a bank holiday.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.0.contains(&date)
    }

    /// The bank holidays in date order.
    pub fn iter(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.0.iter().copied()
    }

    /// How many bank holidays there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<NaiveDate> for BankHolidays {
    fn from_iter<I: IntoIterator<Item = NaiveDate>>(dates: I) -> Self {
        Self::new(dates)
    }
}

/// England's bank holidays for 2025, 2026 and 2027, as published on GOV.UK
/// (see `data-standards.md`): the starting data the council can extend.
pub fn england_bank_holidays_2025_2027() -> BankHolidays {
    BankHolidays::new([
        // 2025
        date!(2025, 1, 1),
        date!(2025, 4, 18),
        date!(2025, 4, 21),
        date!(2025, 5, 5),
        date!(2025, 5, 26),
        date!(2025, 8, 25),
        date!(2025, 12, 25),
        date!(2025, 12, 26),
        // 2026 (Boxing Day falls on a Saturday, so the substitute day is Monday 28 December)
        date!(2026, 1, 1),
        date!(2026, 4, 3),
        date!(2026, 4, 6),
        date!(2026, 5, 4),
        date!(2026, 5, 25),
        date!(2026, 8, 31),
        date!(2026, 12, 25),
        date!(2026, 12, 28),
        // 2027 (Christmas Day and Boxing Day fall at a weekend: substitutes 27 and 28 December)
        date!(2027, 1, 1),
        date!(2027, 3, 26),
        date!(2027, 3, 29),
        date!(2027, 5, 3),
        date!(2027, 5, 31),
        date!(2027, 8, 30),
        date!(2027, 12, 27),
        date!(2027, 12, 28),
    ])
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Weekday};

    use super::*;

    #[test]
    fn england_has_eight_bank_holidays_a_year_all_on_weekdays() {
        let holidays = england_bank_holidays_2025_2027();
        assert_eq!(holidays.len(), 24);
        for year in 2025..=2027 {
            assert_eq!(holidays.iter().filter(|d| d.year() == year).count(), 8);
        }
        assert!(
            holidays
                .iter()
                .all(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        );
        assert!(holidays.contains(date!(2026, 5, 25)));
        assert!(!holidays.contains(date!(2026, 5, 26)));
    }

    #[test]
    fn duplicates_are_ignored() {
        let holidays: BankHolidays = [date!(2025, 12, 25), date!(2025, 12, 25)]
            .into_iter()
            .collect();
        assert_eq!(holidays.len(), 1);
        assert!(!holidays.is_empty());
    }
}
