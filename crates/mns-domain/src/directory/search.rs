//! What a family (or another directory, through the ORUK API) asks the directory for, parsed
//! once at the edge, and the pieces of search that are pure: words, stems and distances.
//!
//! The public pages and the ORUK API build the same [`SearchQuery`] and call the same search,
//! so they answer alike.

use chrono::{DateTime, NaiveTime, Utc, Weekday};
use std::collections::BTreeSet;

use super::model::Schedule;

/// The most results one page may hold.
pub const MAX_PER_PAGE: u32 = 200;
/// Results per page unless asked otherwise.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// The furthest a family may ask to search, in metres (100 miles).
pub const MAX_PROXIMITY_METRES: u32 = 160_934;

/// A parsed search. Empty fields mean "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchQuery {
    /// Word stems that must all appear (prefix match) in the service's text.
    pub words: Vec<String>,
    /// Keywords were given, but every one was too common to search by ("the", "and"): the
    /// search finds nothing rather than everything.
    pub stop_words_only: bool,
    /// The postcode or postcode district to measure from, as typed (normalised, upper case).
    pub postcode: Option<String>,
    /// Only services with a location within this many metres of the postcode.
    pub within_metres: Option<u32>,
    /// The child or young person's age: the service's age range must include it.
    pub age: Option<u8>,
    /// ORUK `minimum_age`: the service's minimum age is at least this.
    pub minimum_age: Option<u8>,
    /// ORUK `maximum_age`: the service's maximum age is at most this.
    pub maximum_age: Option<u8>,
    /// Groups of term ids: a service must have at least one term of every group.
    pub term_groups: Vec<Vec<String>>,
    /// Only services linked to some term of this taxonomy.
    pub taxonomy_id: Option<String>,
    /// Only services that cost nothing.
    pub free_only: bool,
    /// Only services that run on one of these days.
    pub days: Vec<Weekday>,
    /// Only services open at or after this time (ORUK `start_time`).
    pub start_time: Option<NaiveTime>,
    /// Only services closing at or before this time (ORUK `end_time`).
    pub end_time: Option<NaiveTime>,
    /// Only services in the SEND Local Offer.
    pub local_offer_only: bool,
    /// Only this organisation's services.
    pub organization_id: Option<String>,
    /// Only services changed at or after this instant (ORUK `modified_after`).
    pub modified_after: Option<DateTime<Utc>>,
    /// Page number, from 1.
    pub page: u32,
    /// Results per page.
    pub per_page: u32,
}

impl SearchQuery {
    /// An empty query: every active service, first page.
    pub fn new() -> SearchQuery {
        SearchQuery {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ..SearchQuery::default()
        }
    }

    /// The bit set of [`SearchQuery::days`] (Monday = bit 0), 0 for any day.
    pub fn day_mask(&self) -> i64 {
        self.days
            .iter()
            .fold(0, |mask, day| mask | super::model::day_bit(*day))
    }

    /// Rows to skip for this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.max(1) - 1) * u64::from(self.per_page)
    }
}

/// A problem with one search parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SearchError {
    /// The parameter's name, as in the URL.
    pub field: &'static str,
    /// What is wrong, in a sentence.
    pub message: String,
}

/// Parses a whole number in `min..=max` for parameter `field`.
pub fn parse_number(
    field: &'static str,
    text: &str,
    min: u32,
    max: u32,
) -> Result<u32, SearchError> {
    let bad = || SearchError {
        field,
        message: format!("must be a whole number from {min} to {max}"),
    };
    // ORUK clients send ages as numbers, sometimes with a decimal point ("5.0").
    let trimmed = text.trim();
    let whole = trimmed.strip_suffix(".0").unwrap_or(trimmed);
    let n: u32 = whole.parse().map_err(|_| bad())?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(bad())
    }
}

/// Parses a page size: a whole number from 1; above [`MAX_PER_PAGE`] it is that (ORUK
/// consumers ask for large pages and read `size` and `total_pages` for what they got, and the
/// ORUK validators expect a clamp, not an error).
pub fn parse_per_page(text: &str) -> Result<u32, SearchError> {
    parse_per_page_up_to(text, MAX_PER_PAGE)
}

/// The ORUK API's page size when the reader asks for none, and the most it gives: enough for
/// a county's whole directory on the first page, since bulk readers read only that (DfE's "Find
/// support for your family" importer asks for `/services` once, with no paging parameters).
/// The public pages keep [`DEFAULT_PER_PAGE`] and [`MAX_PER_PAGE`].
pub const API_PER_PAGE: u32 = 1000;

/// Parses a page size, as [`parse_per_page`] does, with `most` as the ceiling.
pub fn parse_per_page_up_to(text: &str, most: u32) -> Result<u32, SearchError> {
    match parse_number("per_page", text, 1, u32::MAX) {
        Ok(n) => Ok(n.min(most)),
        Err(_) => Err(SearchError {
            field: "per_page",
            message: "must be a whole number from 1".into(),
        }),
    }
}

/// Parses a day of the week: `monday`, `Mon`, or the iCalendar `MO`.
pub fn parse_day(text: &str) -> Option<Weekday> {
    let t = text.trim().to_ascii_lowercase();
    let day = match t.as_str() {
        "mo" | "mon" | "monday" => Weekday::Mon,
        "tu" | "tue" | "tues" | "tuesday" => Weekday::Tue,
        "we" | "wed" | "wednesday" => Weekday::Wed,
        "th" | "thu" | "thurs" | "thursday" => Weekday::Thu,
        "fr" | "fri" | "friday" => Weekday::Fri,
        "sa" | "sat" | "saturday" => Weekday::Sat,
        "su" | "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    };
    Some(day)
}

/// The iCalendar code of a day (`MO`), as ORUK schedules write it.
pub fn ical_day(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// The English name of a day (`Monday`), as pages and the approver's change view write it.
pub fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// The days a schedule runs on, in words: "Monday, Thursday", "Every 2 weeks: Tuesday", "The
/// second Monday of the month", "Days 1 and 15 of the month". Times and notes are the caller's.
pub fn schedule_days(schedule: &Schedule) -> String {
    let list = |items: Vec<String>| match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let every = match (schedule.monthly, schedule.interval) {
        (false, Some(n)) if n > 1 => format!("Every {n} weeks: "),
        (true, Some(n)) if n > 1 => format!("Every {n} months: "),
        _ => String::new(),
    };
    let days: Vec<String> = schedule
        .days
        .iter()
        .map(|d| day_name(*d).to_owned())
        .collect();
    if !schedule.monthly {
        return format!("{every}{}", days.join(", "));
    }
    let in_month = if let Some(rule) = &schedule.byday {
        let named: Option<Vec<String>> = rule
            .split(',')
            .map(|code| {
                let (n, day) = code.split_at(code.len().checked_sub(2)?);
                let day = day_name(crate::directory::oruk::weekday_from_code(day)?);
                let nth = match n.trim_start_matches('+') {
                    "" => return Some(format!("every {day}")),
                    "1" => "first",
                    "2" => "second",
                    "3" => "third",
                    "4" => "fourth",
                    "5" => "fifth",
                    "-1" => "last",
                    "-2" => "second to last",
                    _ => return None,
                };
                Some(format!("the {nth} {day}"))
            })
            .collect();
        named.map(list).unwrap_or_else(|| rule.clone())
    } else if let Some(dates) = &schedule.bymonthday {
        let dates: Vec<String> = dates.split(',').map(|d| d.trim().to_owned()).collect();
        format!(
            "day{} {}",
            if dates.len() > 1 { "s" } else { "" },
            list(dates)
        )
    } else {
        list(days)
    };
    let mut words = format!("{every}{in_month} of the month");
    if let Some(first) = words.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    words
}

/// Parses a time of day: `09:30`, `9:30`, `09:30:00`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim();
    NaiveTime::parse_from_str(t, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
        .ok()
}

/// Words too common to narrow a search.
const STOP_WORDS: [&str; 24] = [
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "our", "the", "to", "we", "with", "you", "your", "who",
];

/// Reduces a lower-case word to the stem both the index and queries use, so that "clubs"
/// finds "club" (other words for the same need are [`super::relevance::SYNONYMS`]).
pub fn stem(word: &str) -> String {
    if matches!(word, "children" | "kids") {
        return "child".into();
    }
    for (suffix, keep) in [("ies", "y"), ("sses", "ss"), ("ing", ""), ("s", "")] {
        if let Some(base) = word.strip_suffix(suffix)
            && base.len() >= 3
            && !(suffix == "s" && (base.ends_with('s') || base.ends_with('u')))
        {
            return format!("{base}{keep}");
        }
    }
    word.to_string()
}

/// The searchable stems of a text: split on anything not a letter or digit, lower-cased, stop
/// words dropped, stemmed.
pub fn words(text: &str) -> Vec<String> {
    // Apostrophes split words too ("child's" → "child"), so that every stored word is letters
    // and digits only and sorts the same under any collation.
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 2 && !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

/// The distinct stems of several texts, for the search index.
pub fn index_words<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    texts.into_iter().flat_map(words).collect()
}

/// The smallest string greater than every word that starts with `prefix`, for a range scan
/// (`word >= prefix AND word < upper`) that an ordinary index answers on both databases. The
/// last character is stepped up ("swim" → "swin"), which orders the same under a byte-wise and
/// a linguistic collation because stored words are lower-case letters and digits. `None` when
/// the last character cannot be stepped; then match the word exactly.
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    let last = chars.pop()?;
    let next = match last {
        '0'..='8' | 'a'..='y' => char::from_u32(last as u32 + 1)?,
        _ => return None,
    };
    chars.push(next);
    Some(chars.into_iter().collect())
}

/// A point on the earth (WGS84 degrees).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
}

const EARTH_RADIUS_METRES: f64 = 6_371_008.8;

impl Point {
    /// The great-circle distance to `other`, in metres (haversine).
    pub fn distance_metres(self, other: Point) -> f64 {
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.longitude - self.longitude).to_radians();
        let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_METRES * h.sqrt().asin()
    }

    /// A latitude/longitude box that contains every point within `metres`, for an index scan
    /// before the exact distance is worked out.
    pub fn bounding_box(self, metres: f64) -> BoundingBox {
        let dlat = (metres / EARTH_RADIUS_METRES).to_degrees();
        let cos = self.latitude.to_radians().cos().max(0.01);
        let dlon = dlat / cos;
        BoundingBox {
            min_latitude: self.latitude - dlat,
            max_latitude: self.latitude + dlat,
            min_longitude: self.longitude - dlon,
            max_longitude: self.longitude + dlon,
        }
    }

    /// The scale that turns a longitude difference into the same units as a latitude
    /// difference near this point, so that a database can order by an approximate distance
    /// with arithmetic alone (no trigonometry in SQL).
    pub fn longitude_scale(self) -> f64 {
        self.latitude.to_radians().cos()
    }
}

/// A box of latitudes and longitudes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    /// Southern edge.
    pub min_latitude: f64,
    /// Northern edge.
    pub max_latitude: f64,
    /// Western edge.
    pub min_longitude: f64,
    /// Eastern edge.
    pub max_longitude: f64,
}

/// A distance in words for families: "0.4 miles", "12 miles".
pub fn describe_distance(metres: f64) -> String {
    let miles = metres / 1609.344;
    if miles < 10.0 {
        format!("{miles:.1} miles")
    } else {
        format!("{miles:.0} miles")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn page_sizes_above_the_most_are_clamped_not_refused() {
        assert_eq!(parse_per_page("5000"), Ok(MAX_PER_PAGE));
        assert_eq!(parse_per_page_up_to("5000", API_PER_PAGE), Ok(API_PER_PAGE));
        assert_eq!(parse_per_page_up_to("7", API_PER_PAGE), Ok(7));
        assert!(parse_per_page_up_to("0", API_PER_PAGE).is_err());
    }

    #[test]
    fn families_words_fold_to_one_stem() {
        assert_eq!(words("autism"), vec!["autism"]);
        assert_eq!(
            words("After-school clubs for children"),
            vec!["after", "school", "club", "child"]
        );
        assert_eq!(words("Swimming"), vec!["swimm"]);
        assert_eq!(words("swim"), vec!["swim"]);
        assert_eq!(words("Class"), vec!["class"]);
        assert_eq!(words("Families"), vec!["family"]);
    }

    #[test]
    fn a_prefix_range_contains_longer_words_only() {
        let upper = prefix_upper_bound("swim").expect("steppable");
        assert_eq!(upper, "swin");
        assert!("swimm" < upper.as_str() && "swimm" >= "swim");
        assert!("swin" >= upper.as_str());
        assert_eq!(prefix_upper_bound("fizz"), None);
        assert_eq!(prefix_upper_bound("café"), None);
    }

    #[test]
    fn norwich_to_great_yarmouth_is_about_29_km() {
        let norwich = Point {
            latitude: 52.6309,
            longitude: 1.2974,
        };
        let yarmouth = Point {
            latitude: 52.6083,
            longitude: 1.7305,
        };
        let d = norwich.distance_metres(yarmouth);
        assert!((28_000.0..31_000.0).contains(&d), "{d}");
        assert_eq!(describe_distance(d), "18 miles");
    }

    #[test]
    fn numbers_and_days_and_times_parse() {
        assert_eq!(parse_number("age", "9", 0, 25), Ok(9));
        assert_eq!(parse_number("age", "9.0", 0, 25), Ok(9));
        assert!(parse_number("age", "26", 0, 25).is_err());
        assert!(parse_number("age", "nine", 0, 25).is_err());
        assert_eq!(parse_day("MO"), Some(Weekday::Mon));
        assert_eq!(parse_day("saturday"), Some(Weekday::Sat));
        assert_eq!(parse_day("funday"), None);
        assert_eq!(parse_time("9:30"), NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(parse_time("25:00"), None);
    }

    proptest! {
        #[test]
        fn every_point_within_the_distance_is_inside_its_box(
            lat in 49.0f64..59.0, lon in -7.0f64..2.0, bearing in 0.0f64..360.0, metres in 1.0f64..100_000.0
        ) {
            let centre = Point { latitude: lat, longitude: lon };
            // Walk `metres * 0.99` along the bearing.
            let d = metres * 0.99 / EARTH_RADIUS_METRES;
            let (lat1, lon1, b) = (lat.to_radians(), lon.to_radians(), bearing.to_radians());
            let lat2 = (lat1.sin() * d.cos() + lat1.cos() * d.sin() * b.cos()).asin();
            let lon2 = lon1 + (b.sin() * d.sin() * lat1.cos()).atan2(d.cos() - lat1.sin() * lat2.sin());
            let p = Point { latitude: lat2.to_degrees(), longitude: lon2.to_degrees() };
            let bx = centre.bounding_box(metres);
            prop_assert!(p.latitude >= bx.min_latitude && p.latitude <= bx.max_latitude);
            prop_assert!(p.longitude >= bx.min_longitude && p.longitude <= bx.max_longitude);
        }

        #[test]
        fn words_never_panic_and_are_lower_case(text in ".{0,200}") {
            for w in words(&text) {
                prop_assert!(!w.is_empty());
                prop_assert_eq!(w.to_lowercase(), w);
            }
        }
    }
}
