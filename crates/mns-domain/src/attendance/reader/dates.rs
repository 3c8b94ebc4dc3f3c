//! Dates as MIS exports write them: ISO `2025-09-03`, or the British `03/09/2025` (day first;
//! Excel often drops the leading zeros, so `3/9/2025` is read too).

use chrono::NaiveDate;

/// Parses `YYYY-MM-DD` or `DD/MM/YYYY` (day and month of one or two digits), forgiving
/// surrounding spaces; `None` for anything else, including dates that do not exist (31/02).
pub(in crate::attendance) fn parse_date(raw: &[u8]) -> Option<NaiveDate> {
    let text = raw.trim_ascii();
    let (year, month, day) = if let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *text {
        (
            number(&[y1, y2, y3, y4])?,
            number(&[m1, m2])?,
            number(&[d1, d2])?,
        )
    } else {
        let mut parts = text.split(|&byte| byte == b'/');
        let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || year.len() != 4 || !(1..=2).contains(&day.len()) {
            return None;
        }
        if !(1..=2).contains(&month.len()) {
            return None;
        }
        (number(year)?, number(month)?, number(day)?)
    };
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Whether the text is shaped like a date (digits with `-` or `/` between), so that a header
/// such as `2025-02-31 AM` is reported as a bad date rather than ignored.
pub(super) fn looks_like_a_date(raw: &[u8]) -> bool {
    let text = raw.trim_ascii();
    text.iter().any(u8::is_ascii_digit)
        && text.iter().any(|byte| matches!(byte, b'-' | b'/'))
        && text
            .iter()
            .all(|byte| byte.is_ascii_digit() || matches!(byte, b'-' | b'/'))
}

/// The value of up to four ASCII digits.
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    digits.iter().try_fold(0u32, |value, byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u32::from(byte - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, month, day)
    }

    #[test]
    fn iso_and_british_dates_are_read() {
        assert_eq!(parse_date(b"2025-09-03"), date(2025, 9, 3));
        assert_eq!(parse_date(b" 03/09/2025 "), date(2025, 9, 3));
        assert_eq!(parse_date(b"3/9/2025"), date(2025, 9, 3));
    }

    #[test]
    fn impossible_and_other_shapes_are_not_dates() {
        assert_eq!(parse_date(b"31/02/2025"), None);
        assert_eq!(parse_date(b"2025-9-3"), None);
        assert_eq!(parse_date(b"09/03/25"), None);
        assert_eq!(parse_date(b"2025/09/03"), None);
        assert_eq!(parse_date(b"03/09/2025/1"), None);
        assert_eq!(parse_date(b"+3/09/2025"), None);
        assert_eq!(parse_date(b""), None);
    }

    #[test]
    fn date_shaped_text_is_recognised() {
        assert!(looks_like_a_date(b"2025-02-31"));
        assert!(looks_like_a_date(b"31/02/2025"));
        assert!(!looks_like_a_date(b"Mon"));
        assert!(!looks_like_a_date(b"2025"));
    }
}
