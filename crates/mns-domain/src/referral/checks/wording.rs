//! How checks put dates, days and lists into words, so every message reads the same way.

use chrono::NaiveDate;

/// A date as people write it: "3 March 2026".
pub(super) fn date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// A date with its weekday: "Friday 26 June 2026".
pub(super) fn day(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// A number of days, halves allowed: "1 day", "7.5 days", "15 days".
pub(super) fn days(days: f32) -> String {
    if days == 1.0 {
        "1 day".to_owned()
    } else {
        format!("{days} days")
    }
}

pub(super) use crate::wording::count;

/// A span of days in weeks: "13 weeks", "12 weeks and 1 day", "4 days".
pub(super) fn weeks_and_days(total_days: i64) -> String {
    let weeks = total_days / 7;
    let days = total_days % 7;
    match (weeks, days) {
        (0, days) => count(days, "day", "days"),
        (weeks, 0) => count(weeks, "week", "weeks"),
        (weeks, days) => format!(
            "{} and {}",
            count(weeks, "week", "weeks"),
            count(days, "day", "days")
        ),
    }
}

/// A noun phrase with "a" or "an" before it: "an academy", "a maintained school".
pub(super) fn with_article(phrase: &str) -> String {
    let article = if phrase.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {phrase}")
}

/// Items joined as in a sentence: "a", "a and b", "a, b and c".
pub(super) fn list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_in_weeks_and_days() {
        assert_eq!(weeks_and_days(91), "13 weeks");
        assert_eq!(weeks_and_days(85), "12 weeks and 1 day");
        assert_eq!(weeks_and_days(4), "4 days");
        assert_eq!(weeks_and_days(7), "1 week");
    }

    #[test]
    fn lists_and_days_read_as_sentences() {
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(list(&["a"]), "a");
        assert_eq!(days(7.5), "7.5 days");
        assert_eq!(days(15.0), "15 days");
        assert_eq!(days(1.0), "1 day");
        assert_eq!(with_article("academy"), "an academy");
        assert_eq!(with_article("maintained school"), "a maintained school");
    }
}
