//! The SEND Local Offer directory: services for children and young people with special
//! educational needs and disabilities (0–25) and their families, modelled on Open Referral UK
//! 3.0 so that other directories can reuse what the council publishes.
//!
//! - [`model`]: organisations, services and their parts, in ORUK's vocabulary.
//! - [`taxonomy`]: the built-in needs, kinds of service and delivery terms.
//! - [`search`]: the parsed search and the pure parts of searching (stems, distances).
//! - [`relevance`]: ranking, synonyms and spelling tolerance for keyword searches.
//! - [`index`]: the in-memory search every instance answers from.
//! - [`diff`]: what changed between two versions, for approval and restore.
//! - [`glossary`]: plain English for the acronyms families meet.

pub mod diff;
pub mod feedback;
pub mod glossary;
pub mod import;
pub mod index;
pub mod model;
pub mod oruk;
pub mod relevance;
pub mod search;
pub mod taxonomy;

pub use model::{
    Accessibility, Address, Contact, CostOption, Funding, Language, LocalOfferAnswers, Location,
    Organization, Phone, Schedule, Service, ServiceArea, ServiceAtLocation, ServiceStatus,
    Taxonomy, TaxonomyTerm,
};
pub use search::{Point, SearchError, SearchQuery};

use chrono::{Months, NaiveDate};

/// Whether `text` is a UUID in the 8-4-4-4-12 hexadecimal form ORUK requires for every id.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A service entry is out of date when nobody has confirmed it for `months` months: it is then
/// flagged to the council and its owner is reminded. Families keep finding stale entries in
/// local offer directories; this makes staleness a date, not a guess.
pub fn review_overdue(last_reviewed: NaiveDate, today: NaiveDate, months: u32) -> bool {
    last_reviewed
        .checked_add_months(Months::new(months))
        .is_none_or(|due| due <= today)
}

/// The day a review falls due.
pub fn review_due_on(last_reviewed: NaiveDate, months: u32) -> Option<NaiveDate> {
    last_reviewed.checked_add_months(Months::new(months))
}

/// A problem with a service entry, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct EntryError {
    /// The field, as the edit form names it.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The oldest age the SEND Local Offer serves: a service's youngest age is at most this, and
/// the council's forms ask for ages from 0 to this.
pub const SEND_AGE_LIMIT: u8 = 25;

/// The largest `maximum_age` a service may carry. Other directories write 99 or 100 for "no
/// upper limit" (the ORUK standard's own example says 100); any oldest age above
/// [`SEND_AGE_LIMIT`] reads as no upper limit ([`Service::age_limits`]).
pub const MAXIMUM_AGE_LIMIT: u8 = 120;

/// Checks the parts of a service a family relies on: a name, a description, an age range that
/// makes sense (a youngest age within the SEND range of 0–25, an oldest age up to 120), a way
/// to get in touch, and well-formed ids.
pub fn check_service(service: &Service) -> Vec<EntryError> {
    let mut errors = Vec::new();
    let mut push = |field: &'static str, message: &str| {
        errors.push(EntryError {
            field,
            message: message.into(),
        })
    };
    if !is_uuid(&service.id) {
        push("id", "must be a UUID");
    }
    if !is_uuid(&service.organization_id) {
        push("organization_id", "must be a UUID");
    }
    if service.name.trim().is_empty() {
        push("name", "Enter the service's name");
    } else if service.name.chars().count() > 200 {
        push("name", "The name must be 200 characters or fewer");
    }
    if service.description.trim().is_empty() {
        push("description", "Enter a description of the service");
    }
    if service.minimum_age.is_some_and(|a| a > SEND_AGE_LIMIT) {
        push("minimum_age", "Ages must be from 0 to 25");
    }
    if service.maximum_age.is_some_and(|a| a > MAXIMUM_AGE_LIMIT) {
        push(
            "maximum_age",
            "The oldest age must be 120 or less; leave it out when there is no upper limit",
        );
    }
    if let (Some(min), Some(max)) = (service.minimum_age, service.maximum_age)
        && min > max
    {
        push(
            "maximum_age",
            "The oldest age must be the same as or more than the youngest age",
        );
    }
    if let Some(email) = &service.email
        && !looks_like_email(email)
    {
        push(
            "email",
            "Enter an email address in the correct format, like name@example.com",
        );
    }
    if let Some(url) = &service.url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        push("url", "Enter a website address starting with https://");
    }
    for s in &service.schedules {
        if let (Some(o), Some(c)) = (s.opens_at, s.closes_at)
            && o >= c
        {
            push(
                "schedules",
                "The closing time must be after the opening time",
            );
        }
    }
    for c in &service.cost_options {
        if c.amount.is_some_and(|a| !(a.is_finite() && a >= 0.0)) {
            push("cost_options", "A cost must be £0 or more");
        }
    }
    for l in &service.locations {
        let (lat, lon) = (l.location.latitude, l.location.longitude);
        if !(lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon))
        {
            push(
                "locations",
                "A location's latitude or longitude is out of range",
            );
        }
    }
    errors
}

fn looks_like_email(text: &str) -> bool {
    let mut parts = text.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(local), Some(domain), None)
        if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !text.contains(char::is_whitespace))
}

/// A complete example service, for tests and documentation.
pub fn example_service() -> Service {
    use chrono::{NaiveTime, TimeZone, Utc, Weekday};
    let needs = |code| taxonomy::term_id(taxonomy::NEEDS_TAXONOMY, code).expect("built-in term");
    let kind = |code| taxonomy::term_id(taxonomy::CATEGORY_TAXONOMY, code).expect("built-in term");
    let delivery =
        |code| taxonomy::term_id(taxonomy::DELIVERY_TAXONOMY, code).expect("built-in term");
    Service {
        id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0001".into(),
        organization_id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0100".into(),
        name: "Splash Swim Club".into(),
        description:
            "Friendly swimming sessions for children with SEND, with a quiet changing area.".into(),
        url: Some("https://example.org/splash".into()),
        email: Some("splash@example.org".into()),
        status: ServiceStatus::Active,
        fees_description: None,
        accreditations: None,
        minimum_age: Some(5),
        maximum_age: Some(16),
        alert: None,
        last_reviewed: NaiveDate::from_ymd_opt(2026, 9, 1).expect("date"),
        last_modified: Utc
            .with_ymd_and_hms(2026, 9, 1, 10, 0, 0)
            .single()
            .expect("time"),
        local_offer: Some(LocalOfferAnswers {
            who_for: "Children aged 5 to 16 with SEND.".into(),
            how_to_access: "Book by phone; no referral needed.".into(),
            send_support: "Small groups, trained staff and a quiet changing room.".into(),
            funding: "Free, funded by the council's short breaks grant.".into(),
            contact: "Sam Reed, club leader".into(),
        }),
        terms: vec![needs("autism"), kind("activities"), delivery("in-person")],
        contacts: vec![Contact {
            id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0002".into(),
            name: "Sam Reed".into(),
            title: Some("Club leader".into()),
            email: Some("sam@example.org".into()),
            phone: Some("01603 000000".into()),
        }],
        phones: vec![Phone {
            id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0003".into(),
            number: "01603 000000".into(),
            description: Some("Bookings".into()),
        }],
        schedules: vec![Schedule {
            id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0004".into(),
            days: vec![Weekday::Sat],
            opens_at: NaiveTime::from_hms_opt(10, 0, 0),
            closes_at: NaiveTime::from_hms_opt(11, 30, 0),
            description: Some("Term time only".into()),
            ..Default::default()
        }],
        cost_options: vec![CostOption {
            id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0005".into(),
            option: Some("per session".into()),
            amount: Some(0.0),
            amount_description: Some("Free".into()),
            ..Default::default()
        }],
        languages: vec![Language {
            id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0006".into(),
            name: "English".into(),
            code: Some("en".into()),
        }],
        service_areas: vec![ServiceArea {
            id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0007".into(),
            name: "Norwich".into(),
            description: None,
            ..Default::default()
        }],
        funding: vec![Funding {
            id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0008".into(),
            source: "Norfolk County Council".into(),
        }],
        locations: vec![ServiceAtLocation {
            id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0009".into(),
            location: Location {
                id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0010".into(),
                name: "Riverside Leisure Centre".into(),
                description: None,
                latitude: 52.6237,
                longitude: 1.3057,
                address: Address {
                    id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0011".into(),
                    address_1: "Wherry Road".into(),
                    address_2: None,
                    city: "Norwich".into(),
                    region: Some("Norfolk".into()),
                    postal_code: "NR1 1WX".into(),
                    ..Default::default()
                },
                accessibility: vec![Accessibility {
                    id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0012".into(),
                    description: "Pool hoist and step-free access".into(),
                    details: None,
                    ..Default::default()
                }],
                ..Default::default()
            },
        }],
        assurer_email: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_recognised() {
        assert!(is_uuid("0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0001"));
        assert!(!is_uuid("0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a000"));
        assert!(!is_uuid("not-a-uuid"));
        assert!(!is_uuid("0b6d8f52x7d3c-4e7a-9a61-2f1f0c6a0001"));
    }

    #[test]
    fn a_service_unreviewed_for_a_year_is_overdue() {
        let reviewed = NaiveDate::from_ymd_opt(2025, 11, 22).expect("date");
        assert!(review_overdue(
            reviewed,
            NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
            12
        ));
        assert!(!review_overdue(
            reviewed,
            NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"),
            12
        ));
    }

    #[test]
    fn the_example_service_is_valid_and_free() {
        let s = example_service();
        assert_eq!(check_service(&s), vec![]);
        assert!(s.is_free());
        assert!(s.in_local_offer());
        assert_eq!(s.day_mask(), 1 << 5);
    }

    #[test]
    fn bad_entries_name_their_fields() {
        let mut s = example_service();
        s.name = " ".into();
        s.minimum_age = Some(12);
        s.maximum_age = Some(8);
        s.email = Some("not an email".into());
        s.cost_options[0].amount = Some(-3.0);
        let fields: Vec<_> = check_service(&s).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["name", "maximum_age", "email", "cost_options"]);
    }

    #[test]
    fn a_service_that_charges_is_not_free() {
        let mut s = example_service();
        s.cost_options[0].amount = Some(4.5);
        assert!(!s.is_free());
        s.cost_options.clear();
        s.fees_description = Some("£4 a session".into());
        assert!(!s.is_free());
    }

    #[test]
    fn runs_at_checks_day_and_hours() {
        use chrono::{NaiveTime, Weekday};
        let s = example_service();
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0);
        assert!(s.runs_at(Some(Weekday::Sat), None, None));
        assert!(!s.runs_at(Some(Weekday::Mon), None, None));
        assert!(s.runs_at(None, t(9), t(12)));
        assert!(!s.runs_at(None, t(12), None));
    }
}
