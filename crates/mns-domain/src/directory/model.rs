//! The directory's records, following Open Referral UK 3.0 (HSDS 3.0): organisations, services,
//! locations and the parts a service is made of. Field names follow the standard so that the
//! ORUK API, imports and the council's own forms all speak one vocabulary.
//!
//! A [`Service`] is one document: its contacts, phones, schedules, costs, languages, areas,
//! funding, locations and taxonomy links travel with it. That is how a provider edits it, how
//! the council approves a change and restores an older version, and how ORUK publishes it.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// An organisation that provides services (ORUK `organization`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// UUID.
    pub id: String,
    /// Its public name.
    pub name: String,
    /// What it does, in plain English.
    pub description: String,
    /// A general email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Its website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// A link to its logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// A persistent identifier (for example a Charity Commission page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The organisation this one belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_organization_id: Option<String>,
    /// Its numbers in registers: Companies House, the Charity Commission, Ofsted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<OrganizationIdentifier>,
}

/// An organisation's number in a register (ORUK `organization_identifier`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationIdentifier {
    /// UUID.
    pub id: String,
    /// The register's code in org-id.guide ("GB-COH", "GB-CHC").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier_scheme: Option<String>,
    /// The register in words ("Company number").
    pub identifier_type: String,
    /// The number itself.
    pub identifier: String,
}

/// Whether a service is running (ORUK `service.status`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceStatus {
    /// Running: shown in search.
    #[default]
    #[serde(rename = "active")]
    Active,
    /// Not running at present.
    #[serde(rename = "inactive")]
    Inactive,
    /// Closed for good.
    #[serde(rename = "defunct")]
    Defunct,
    /// Closed for now, expected back.
    #[serde(rename = "temporarily closed")]
    TemporarilyClosed,
}

impl ServiceStatus {
    /// The ORUK string.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceStatus::Active => "active",
            ServiceStatus::Inactive => "inactive",
            ServiceStatus::Defunct => "defunct",
            ServiceStatus::TemporarilyClosed => "temporarily closed",
        }
    }

    /// Parses the ORUK string.
    pub fn parse(text: &str) -> Option<ServiceStatus> {
        match text.trim().to_ascii_lowercase().as_str() {
            "active" => Some(ServiceStatus::Active),
            "inactive" => Some(ServiceStatus::Inactive),
            "defunct" => Some(ServiceStatus::Defunct),
            "temporarily closed" | "temporarily_closed" => Some(ServiceStatus::TemporarilyClosed),
            _ => None,
        }
    }

    /// Words for families.
    pub fn label(self) -> &'static str {
        match self {
            ServiceStatus::Active => "Running",
            ServiceStatus::Inactive => "Not running at present",
            ServiceStatus::Defunct => "Closed",
            ServiceStatus::TemporarilyClosed => "Temporarily closed",
        }
    }
}

/// The SEND Local Offer's questions, answered for one service. A service that has these is part
/// of the council's Local Offer and carries its mark in search results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalOfferAnswers {
    /// Who the service is for.
    pub who_for: String,
    /// How to get it: referral, self-referral, drop in.
    pub how_to_access: String,
    /// How it supports children and young people with SEND.
    pub send_support: String,
    /// How it is paid for.
    pub funding: String,
    /// Whom to contact with questions.
    pub contact: String,
}

/// A named person to contact about a service (ORUK `contact`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// UUID.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Their job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Their email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// A phone number for a service (ORUK `phone`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// UUID.
    pub id: String,
    /// The number as people dial it.
    pub number: String,
    /// What the number is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// When a service runs, weekly (ORUK `schedule` with `freq` WEEKLY).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// UUID.
    pub id: String,
    /// The days it runs.
    pub days: Vec<Weekday>,
    /// When it opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<NaiveTime>,
    /// When it closes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<NaiveTime>,
    /// In words ("term time only").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Monthly rather than weekly (ORUK `freq` MONTHLY): `days` are then the weekdays it falls
    /// on, and `byday` or `bymonthday` say which of them in the month.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub monthly: bool,
    /// The feed's `byday` when it says more than the days do ("2MO" for the second Monday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byday: Option<String>,
    /// Days of the month ("1,15"), as ORUK `bymonthday`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bymonthday: Option<String>,
    /// Every this many weeks or months (ORUK `interval`); none means every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<u32>,
    /// The first day the rule counts from (ORUK `dtstart`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtstart: Option<NaiveDate>,
    /// The first day the schedule applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// The last day the schedule applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// A page with the timetable or bookings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_link: Option<String>,
    /// How people attend at these times ("in person or by video").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attending_type: Option<String>,
    /// Anything else about these times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A price, or that it is free (ORUK `cost_option`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CostOption {
    /// UUID.
    pub id: String,
    /// What the price is for ("per session").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    /// The amount in pounds; 0 means free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// The price in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_description: Option<String>,
    /// The first day the price applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// The last day the price applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
}

/// A language the service is delivered in (ORUK `language`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Language {
    /// UUID.
    pub id: String,
    /// The language's name ("British Sign Language").
    pub name: String,
    /// Its ISO 639 code, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// An area the service covers (ORUK `service_area`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceArea {
    /// UUID.
    pub id: String,
    /// The area's name ("Norfolk", "Great Yarmouth").
    pub name: String,
    /// More about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its boundary, in the format `extent_type` names (GeoJSON, KML, WKT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent: Option<String>,
    /// The format of `extent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent_type: Option<String>,
    /// A persistent identifier for the area (an ONS code's page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

/// Where the money comes from (ORUK `funding`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funding {
    /// UUID.
    pub id: String,
    /// The source ("Norfolk County Council", "NHS Norfolk and Waveney").
    pub source: String,
}

/// A postal address (ORUK `address`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// UUID.
    pub id: String,
    /// First line.
    pub address_1: String,
    /// Second line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_2: Option<String>,
    /// Town or city.
    pub city: String,
    /// County.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The full postcode.
    pub postal_code: String,
    /// Whom post is for ("FAO the SENCO").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<String>,
    /// A state or province, for an address abroad; none for a UK one, whose county is `region`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_province: Option<String>,
    /// The country's ISO 3166 code; none means the United Kingdom ([`COUNTRY`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `postal` or `virtual`; none means the place itself (`physical`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_type: Option<String>,
}

/// The country of an address that names none: ISO 3166-1 alpha-2, as ORUK asks.
pub const COUNTRY: &str = "GB";

/// A physical feature that helps disabled people use a location (ORUK `accessibility`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accessibility {
    /// UUID.
    pub id: String,
    /// What it is ("Step-free access", "Hearing loop").
    pub description: String,
    /// More detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// A page about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A place where services are delivered (ORUK `location`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// UUID.
    pub id: String,
    /// Its name ("Norwich Millennium Library").
    pub name: String,
    /// More about getting there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// WGS84 latitude.
    pub latitude: f64,
    /// WGS84 longitude.
    pub longitude: f64,
    /// Its address.
    pub address: Address,
    /// Its other addresses: where to send post, for example.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_addresses: Vec<Address>,
    /// An identifier in another register (ORUK `external_identifier`): a UPRN, for example.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_identifier: Option<String>,
    /// The register `external_identifier` belongs to ("UPRN").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_identifier_type: Option<String>,
    /// Access features.
    #[serde(default)]
    pub accessibility: Vec<Accessibility>,
}

/// A service delivered at a location (ORUK `service_at_location`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceAtLocation {
    /// UUID of the link.
    pub id: String,
    /// The place.
    pub location: Location,
}

/// A service: what families search for (ORUK `service`, with its parts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// UUID.
    pub id: String,
    /// The organisation that runs it.
    pub organization_id: String,
    /// Its public name.
    pub name: String,
    /// What it is, in plain English.
    pub description: String,
    /// Its web page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// An email address for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether it is running.
    pub status: ServiceStatus,
    /// Fees in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees_description: Option<String>,
    /// Accreditations and inspection grades.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accreditations: Option<String>,
    /// The youngest age it serves, in years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<u8>,
    /// The oldest age it serves, in years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<u8>,
    /// A temporary notice ("closed over Easter").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    /// The day someone last checked the entry is true (ORUK `assured_date`).
    pub last_reviewed: NaiveDate,
    /// Who checked it, as an email address (ORUK `assurer_email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assurer_email: Option<String>,
    /// When the entry last changed.
    pub last_modified: DateTime<Utc>,
    /// The Local Offer answers; `Some` means the service is part of the SEND Local Offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_offer: Option<LocalOfferAnswers>,
    /// Taxonomy terms it is linked to: SEND needs, categories, delivery (ORUK `attributes`).
    #[serde(default)]
    pub terms: Vec<String>,
    /// Named contacts.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Phone numbers.
    #[serde(default)]
    pub phones: Vec<Phone>,
    /// When it runs.
    #[serde(default)]
    pub schedules: Vec<Schedule>,
    /// What it costs.
    #[serde(default)]
    pub cost_options: Vec<CostOption>,
    /// Languages it is delivered in.
    #[serde(default)]
    pub languages: Vec<Language>,
    /// Areas it covers.
    #[serde(default)]
    pub service_areas: Vec<ServiceArea>,
    /// Who pays for it.
    #[serde(default)]
    pub funding: Vec<Funding>,
    /// Where it is delivered.
    #[serde(default)]
    pub locations: Vec<ServiceAtLocation>,
}

impl Service {
    /// Free when no cost option asks for money. A service with no cost options at all is
    /// treated as free only if its fees text does not mention a charge either.
    pub fn is_free(&self) -> bool {
        if self.cost_options.is_empty() {
            return self.fees_description.is_none();
        }
        self.cost_options
            .iter()
            .all(|c| c.amount.is_none_or(|amount| amount <= 0.0))
    }

    /// The ages it serves as a family reads them: a youngest age of 0 is no lower limit, and
    /// an oldest age above the SEND range (25) is no upper limit, so 0 to 100 is all ages.
    pub fn age_limits(&self) -> (Option<u8>, Option<u8>) {
        (
            self.minimum_age.filter(|a| *a > 0),
            self.maximum_age
                .filter(|a| *a <= crate::directory::SEND_AGE_LIMIT),
        )
    }

    /// Part of the SEND Local Offer.
    pub fn in_local_offer(&self) -> bool {
        self.local_offer.is_some()
    }

    /// The days of the week it runs on, as a bit set (Monday = bit 0).
    pub fn day_mask(&self) -> i64 {
        self.schedules
            .iter()
            .flat_map(|s| s.days.iter())
            .fold(0, |mask, day| mask | day_bit(*day))
    }

    /// Whether it runs on `day` at a time overlapping `from`..`until` (either may be open).
    pub fn runs_at(
        &self,
        day: Option<Weekday>,
        from: Option<NaiveTime>,
        until: Option<NaiveTime>,
    ) -> bool {
        self.schedules.iter().any(|s| {
            day.is_none_or(|d| s.days.contains(&d))
                && from.is_none_or(|f| s.closes_at.is_none_or(|c| c > f))
                && until.is_none_or(|u| s.opens_at.is_none_or(|o| o < u))
        })
    }
}

/// The bit for one weekday in [`Service::day_mask`].
pub fn day_bit(day: Weekday) -> i64 {
    1 << day.num_days_from_monday()
}

/// A taxonomy: a vocabulary that services are tagged with (ORUK `taxonomy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// UUID.
    pub id: String,
    /// Its name ("SEND needs").
    pub name: String,
    /// What it classifies.
    pub description: String,
    /// Where it is published, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Its version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// One term of a taxonomy (ORUK `taxonomy_term`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxonomyTerm {
    /// UUID.
    pub id: String,
    /// The taxonomy it belongs to.
    pub taxonomy_id: String,
    /// A short code, stable across versions ("autism").
    pub code: String,
    /// Its name for families ("Autism").
    pub name: String,
    /// What it means, in plain English.
    pub description: String,
    /// Its parent term, if the taxonomy is a tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}
