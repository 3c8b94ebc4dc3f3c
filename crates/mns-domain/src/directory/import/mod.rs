//! Moving an existing directory in: services from another directory's Open Referral UK 3.0 feed,
//! or from a spreadsheet saved as CSV. Parsing only: the application fetches the feed's pages
//! or receives the upload, stores what comes back here, and writes the audit entries.
//!
//! ## From an ORUK feed
//!
//! [`from_oruk_page`] reads one page of a `/services` feed; [`from_oruk_service`] reads one full
//! service as `/services/{id}` returns it. Ids are kept. Optional parts that are missing are
//! simply absent; parts the model cannot hold are listed in [`ImportedService::left_out`], so
//! the council can see what did not come across. A service is not checked against the
//! directory's rules here: run [`check_service`] before storing it (another directory may allow
//! ages over 25, for example).
//!
//! What the round trip through [`service_full`](super::oruk::service_full) cannot carry:
//! `last_modified` keeps milliseconds, not finer; schedule times keep hours and minutes, not
//! seconds. A Local Offer entry with no answer filled in comes back as not in the Local Offer
//! (see [`LOCAL_OFFER_FIELD`]). A taxonomy comes back with its id and name only: an attribute
//! carries no taxonomy description or version, so keep a stored taxonomy with the same id rather
//! than overwrite it.
//!
//! ## From a spreadsheet (CSV)
//!
//! One row per service. The first line names the columns; they are found by name, in any
//! order, and any may be left out except `organisation`, `name` and `description`. A column
//! this import does not know is refused, so that a misspelt heading does not lose data
//! silently. Every cell is trimmed; an empty cell means "not given".
//!
//! | column | what goes in it |
//! | --- | --- |
//! | `id` | the service's UUID; left empty, one is made from the organisation and name, the same every time |
//! | `organisation` | the organisation's name (`organization` is accepted too); rows with the same name share one organisation |
//! | `name`, `description` | the service's name and what it does |
//! | `url`, `email`, `phone` | its web page (starting `https://`), email address and phone number |
//! | `contact_name` | a person to contact; also the Local Offer's contact answer (else the phone, else the email) |
//! | `minimum_age`, `maximum_age` | whole years from 0 to 25 |
//! | `cost` | `free` or `0` for free; an amount (`3.50`, `£3.50 per session`); other words are kept as the fees text |
//! | `days` | the days it runs, separated by `;` (`Mon;Sat`; full names and two-letter codes work too) |
//! | `opens_at`, `closes_at` | times like `09:30` |
//! | `needs`, `categories`, `delivery` | codes of the built-in taxonomies separated by `;` (`autism;adhd`, `activities`, `in-person`) |
//! | `local_offer` | `yes` if the service is in the SEND Local Offer, else `no` or empty |
//! | `who_for`, `how_to_access`, `send_support` | the Local Offer answers; only with `local_offer` yes |
//! | `funding` | who pays for it: the funding source, and the Local Offer's funding answer |
//! | `location_name`, `address_1`, `city`, `postcode`, `latitude`, `longitude` | where it is delivered; if any is given, all but the name are needed |
//! | `last_reviewed` | the day someone last checked the entry (`2026-09-01` or `01/09/2026`); empty means today |
//!
//! The whole file is refused if any row has a problem, so a council never ends up with half a
//! directory; every problem found (up to [`MAX_ROW_PROBLEMS`]) names its line and column.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};

use crate::directory::model::{Organization, Service, Taxonomy, TaxonomyTerm};

mod csv_rows;
mod oruk_feed;
#[cfg(test)]
mod round_trip;
#[cfg(test)]
mod tests;

pub use csv_rows::{from_csv, from_csv_skipping_bad};
pub use oruk_feed::{from_oruk_page, from_oruk_service};

/// The columns a CSV import understands, in the order of the template.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "organisation",
    "name",
    "description",
    "url",
    "email",
    "phone",
    "contact_name",
    "minimum_age",
    "maximum_age",
    "cost",
    "days",
    "opens_at",
    "closes_at",
    "needs",
    "categories",
    "delivery",
    "local_offer",
    "who_for",
    "how_to_access",
    "send_support",
    "funding",
    "location_name",
    "address_1",
    "city",
    "postcode",
    "latitude",
    "longitude",
    "last_reviewed",
];

/// The columns a CSV file must have.
pub const REQUIRED_CSV_COLUMNS: &[&str] = &["organisation", "name", "description"];

/// The most problems a refused CSV file reports one by one; the rest are counted.
pub const MAX_ROW_PROBLEMS: usize = 50;

/// The oldest age the directory serves, as in [`check_service`].
const MAX_AGE: u8 = 25;

/// One service read from a feed or a file, with what it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedService {
    /// The service, its parts and its taxonomy links.
    pub service: Service,
    /// Its organisation, when the source describes it.
    pub organization: Option<Organization>,
    /// The taxonomy terms its attributes describe, to store alongside (empty for CSV, whose
    /// codes name built-in terms).
    pub terms: Vec<TaxonomyTerm>,
    /// The taxonomies of those terms, as far as the source describes them: id and name.
    pub taxonomies: Vec<Taxonomy>,
    /// What the source had that the model cannot hold, in words, naming where it was.
    pub left_out: Vec<String>,
    /// The source carried none of the service's parts (contacts, phones, schedules, costs,
    /// languages, areas, funding, places, taxonomy links, Local Offer answers), as an item of
    /// an ORUK list page without `full=true` does: it describes the service, not its parts,
    /// so an existing entry's parts must be kept ([`Service::with_summary_of`]).
    pub summary_only: bool,
}

/// The keys of an ORUK service that hold its parts; a service with none of them is a summary.
pub const PART_KEYS: [&str; 10] = [
    "contacts",
    "phones",
    "schedules",
    "cost_options",
    "languages",
    "service_areas",
    "funding",
    "service_at_locations",
    "attributes",
    crate::directory::oruk::LOCAL_OFFER_FIELD,
];

impl Service {
    /// This service with the summary fields of `summary` (name, description, links, status,
    /// fees, ages, alert and dates) and its own parts: how a summary from another directory
    /// updates an entry without stripping its contacts, schedules and places.
    pub fn with_summary_of(&self, summary: &Service) -> Service {
        Service {
            id: self.id.clone(),
            organization_id: summary.organization_id.clone(),
            name: summary.name.clone(),
            description: summary.description.clone(),
            url: summary.url.clone(),
            email: summary.email.clone(),
            status: summary.status,
            fees_description: summary.fees_description.clone(),
            accreditations: summary.accreditations.clone(),
            minimum_age: summary.minimum_age,
            maximum_age: summary.maximum_age,
            alert: summary.alert.clone(),
            last_reviewed: summary.last_reviewed,
            last_modified: summary.last_modified,
            ..self.clone()
        }
    }
}

/// A problem with one line of a CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line of the file, from 1 (the column names).
    pub line: u64,
    /// The column, when the problem is in one.
    pub column: Option<String>,
    /// What is wrong and how to put it right.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// Why an import was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The ORUK document lacks something a service cannot do without.
    #[error("{field}: missing, and a service cannot be imported without it")]
    Missing {
        /// Where it should be, as a path in the document (`organization_id`).
        field: String,
    },
    /// Something in the ORUK document is not what the standard says it should be.
    #[error("{field}: {message}")]
    Invalid {
        /// Where, as a path in the document (`schedules/0/opens_at`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The CSV file has problems, so none of it was imported.
    #[error("{}", rows_message(.problems, *.more))]
    Rows {
        /// The problems, in file order.
        problems: Vec<RowError>,
        /// How many more there were beyond [`MAX_ROW_PROBLEMS`].
        more: usize,
    },
}

fn rows_message(problems: &[RowError], more: usize) -> String {
    let mut text = String::from("the file was not imported; put these right and try again:");
    for problem in problems {
        text.push('\n');
        text.push_str(&problem.to_string());
    }
    if more > 0 {
        text.push_str(&format!("\nand {more} more"));
    }
    text
}

// ---------------------------------------------------------------------------------------------

/// A date like `2026-09-01`, or the date of a date and time.
fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| date_time(text).map(|t| t.date_naive()))
}

/// An RFC 3339 date and time, or a date alone (taken as midnight UTC).
fn date_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(midnight)
        })
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// A time of day like `09:30` or `09:30:00`. A zone suffix (`Z`, `+01:00`) is dropped: the
/// directory's times are local clock times, as families read them.
fn time_of_day(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    let clock = text
        .strip_suffix(['Z', 'z'])
        .or_else(|| {
            text.get(5..)
                .and_then(|rest| rest.rfind(['+', '-']).map(|n| &text[..5 + n]))
        })
        .unwrap_or(text);
    NaiveTime::parse_from_str(clock, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M"))
        .ok()
}

/// A weekday from an iCalendar code (`MO`), a short name (`Mon`) or a full name (`Monday`).
fn weekday(text: &str) -> Option<Weekday> {
    let lower = text.trim().to_ascii_lowercase();
    let day = match lower.get(..2)? {
        "mo" => Weekday::Mon,
        "tu" => Weekday::Tue,
        "we" => Weekday::Wed,
        "th" => Weekday::Thu,
        "fr" => Weekday::Fri,
        "sa" => Weekday::Sat,
        "su" => Weekday::Sun,
        _ => return None,
    };
    let full = match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    };
    // "Mo", "Mon", "Tues", "Thurs" and "Monday" are all the day; "Moon" is not.
    full.starts_with(lower.as_str()).then_some(day)
}
