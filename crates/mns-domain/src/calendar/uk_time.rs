//! UK civil time: Greenwich Mean Time, and British Summer Time (UTC+1) from 01:00 UTC on the
//! last Sunday of March to 01:00 UTC on the last Sunday of October. The service stores
//! instants in UTC and shows people the time on their clocks.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let next_month = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let last = next_month.pred_opt()?;
    let back = last.weekday().num_days_from_sunday();
    last.checked_sub_signed(Duration::days(i64::from(back)))
}

/// Whether British Summer Time is in force at `at`.
pub fn is_british_summer_time(at: DateTime<Utc>) -> bool {
    let year = at.year();
    let (Some(start), Some(end)) = (last_sunday(year, 3), last_sunday(year, 10)) else {
        return false;
    };
    let start = start.and_hms_opt(1, 0, 0).map(|t| t.and_utc());
    let end = end.and_hms_opt(1, 0, 0).map(|t| t.and_utc());
    matches!((start, end), (Some(s), Some(e)) if at >= s && at < e)
}

/// The UK wall-clock time at `at`.
pub fn uk_local_time(at: DateTime<Utc>) -> NaiveDateTime {
    let offset = if is_british_summer_time(at) { 1 } else { 0 };
    (at + Duration::hours(offset)).naive_utc()
}

/// The instant at which UK clocks show `local`. In the hour the clocks go back, the first
/// (BST) reading; in the hour they skip in spring, the GMT reading.
pub fn uk_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    let as_bst = (local - Duration::hours(1)).and_utc();
    if is_british_summer_time(as_bst) {
        as_bst
    } else {
        local.and_utc()
    }
}

/// `at` as GOV.UK style writes a date and time: "22 November 2026 at 8:12pm".
pub fn format_uk_datetime(at: DateTime<Utc>) -> String {
    let local = uk_local_time(at);
    let hour = local.format("%-I").to_string();
    let minute = local.format("%M").to_string();
    let meridiem = if local.format("%p").to_string() == "AM" {
        "am"
    } else {
        "pm"
    };
    format!("{} at {hour}:{minute}{meridiem}", local.format("%-d %B %Y"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn uk_clock_times_convert_to_utc_in_winter_and_summer() {
        let at = |y, m, d, h| {
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        assert_eq!(
            uk_to_utc(at(2027, 1, 16, 10)),
            Utc.with_ymd_and_hms(2027, 1, 16, 10, 0, 0).unwrap()
        );
        assert_eq!(
            uk_to_utc(at(2027, 6, 16, 10)),
            Utc.with_ymd_and_hms(2027, 6, 16, 9, 0, 0).unwrap()
        );
        for t in [at(2027, 1, 16, 10), at(2027, 6, 16, 10)] {
            assert_eq!(uk_local_time(uk_to_utc(t)), t);
        }
    }

    #[test]
    fn winter_times_are_gmt_and_summer_times_are_bst() {
        let winter = Utc.with_ymd_and_hms(2026, 11, 22, 20, 12, 0).unwrap();
        assert_eq!(format_uk_datetime(winter), "22 November 2026 at 8:12pm");
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 9, 5, 0).unwrap();
        assert_eq!(format_uk_datetime(summer), "1 July 2026 at 10:05am");
    }

    #[test]
    fn the_clocks_change_at_one_in_the_morning_utc_on_the_last_sundays() {
        // 2026: BST from Sunday 29 March to Sunday 25 October.
        assert!(!is_british_summer_time(
            Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 59).unwrap()
        ));
        assert!(is_british_summer_time(
            Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap()
        ));
        assert!(is_british_summer_time(
            Utc.with_ymd_and_hms(2026, 10, 25, 0, 59, 59).unwrap()
        ));
        assert!(!is_british_summer_time(
            Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap()
        ));
    }
}
