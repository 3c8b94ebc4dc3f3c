//! Numbers in words as people read them: "1 session", "3 sessions", "1 hour", "2.5 hours".

/// A whole number of something: "1 session", "3 sessions", "-2 days".
pub fn count(number: i64, one: &str, many: &str) -> String {
    if number == 1 {
        format!("1 {one}")
    } else {
        format!("{number} {many}")
    }
}

/// A number of hours, halves allowed: "1 hour", "2.5 hours", "0 hours".
pub fn hours(hours: f64) -> String {
    if hours == 1.0 {
        "1 hour".to_owned()
    } else {
        format!("{hours} hours")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(count(1, "session", "sessions"), "1 session");
        assert_eq!(count(0, "session", "sessions"), "0 sessions");
        assert_eq!(count(3, "day", "days"), "3 days");
        assert_eq!(hours(1.0), "1 hour");
        assert_eq!(hours(2.5), "2.5 hours");
        assert_eq!(hours(6.0), "6 hours");
    }
}
