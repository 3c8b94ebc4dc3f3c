//! How long a child's records are kept (MN-REC-2): until a birthday the policy sets (the 25th
//! by default), and then destroyed or anonymised unless a legal hold keeps them.

use chrono::{Datelike, NaiveDate};

use crate::referral::PolicyParameters;

/// The day a child's records fall due for destruction or anonymisation (MN-REC-2): their
/// birthday at the policy's retention age (**25**). Someone born on 29 February reaches an
/// age on 1 March in a year that is not a leap year, as English law counts it.
pub fn retention_due_on(date_of_birth: NaiveDate, policy: &PolicyParameters) -> NaiveDate {
    let years = i32::try_from(policy.retention_age_years).unwrap_or(i32::MAX);
    let year = date_of_birth.year().saturating_add(years);
    date_of_birth
        .with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a child's records are due for destruction or anonymisation today (MN-REC-2): from
/// the day of the birthday the policy sets (see [`retention_due_on`]).
pub fn retention_due(
    date_of_birth: NaiveDate,
    today: NaiveDate,
    policy: &PolicyParameters,
) -> bool {
    today >= retention_due_on(date_of_birth, policy)
}

/// Whether records may be destroyed or anonymised (MN-REC-2): the retention period is over and
/// no legal hold (a complaint, a claim, an inquiry) keeps them. Doing it is then recorded.
pub fn may_destroy(retention_due: bool, legal_hold: bool) -> bool {
    retention_due && !legal_hold
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::test_support::date;

    #[test]
    fn mn_rec_2_records_are_due_on_the_25th_birthday() {
        let policy = PolicyParameters::norfolk_2024();
        let born = date(2012, 5, 14);
        assert_eq!(retention_due_on(born, &policy), date(2037, 5, 14));
        assert!(!retention_due(born, date(2037, 5, 13), &policy));
        assert!(retention_due(born, date(2037, 5, 14), &policy));
        let mut longer = policy.clone();
        longer.retention_age_years = 30;
        assert!(!retention_due(born, date(2037, 5, 14), &longer));
    }

    #[test]
    fn mn_rec_2_a_leap_day_birthday_falls_due_on_1_march() {
        let policy = PolicyParameters::norfolk_2024();
        // 2033 is not a leap year.
        assert_eq!(
            retention_due_on(date(2008, 2, 29), &policy),
            date(2033, 3, 1)
        );
        // With a retention age that lands on a leap year, the birthday itself.
        let mut policy_24 = policy.clone();
        policy_24.retention_age_years = 24;
        assert_eq!(
            retention_due_on(date(2012, 2, 29), &policy_24),
            date(2036, 2, 29)
        );
    }

    #[test]
    fn mn_rec_2_a_legal_hold_stops_destruction() {
        assert!(may_destroy(true, false));
        assert!(!may_destroy(true, true));
        assert!(!may_destroy(false, false));
    }
}
