//! The directory as Open Referral UK 3.0 JSON (the UK profile of HSDS 3.0): pure functions from
//! the model to the documents the ORUK API serves, shaped after the profile's compiled JSON
//! schemas, which are what the ORUK validator checks a feed against.
//!
//! Three rules hold for every document made here:
//! - every id is a UUID (the model's own, or one made by [`stable_uuid`] for links that have
//!   none of their own, so the same input always gives the same id);
//! - an empty optional field is left out, never written as `null`, `""` or `[]`
//!   ([`empty_fields`] checks this, and the web crate's tests reuse it);
//! - field names are the schema's.
//!
//! The UK profile drops a few HSDS 3.0 fields that the model carries: a language's `name` and
//! `code`, a service's `phones`, a contact's `email` and `phones`, an address's `address_2`.
//! The profile's schemas do not restrict `additionalProperties`, so these are still written,
//! under their HSDS 3.0 names, where any HSDS reader will find them and a UK validator ignores
//! them. The Local Offer answers go the same way: see [`LOCAL_OFFER_FIELD`].
//!
//! This file holds the constants, the ids and what every document is built with; the
//! documents themselves are in `service.rs`, `location.rs` (a service at a location),
//! `organization.rs`, `taxonomy.rs` and `envelope.rs` (the paging envelope and the base
//! endpoint's answer).

mod envelope;
mod location;
mod organization;
mod service;
mod taxonomy;

pub use envelope::{api_details, page};
pub use location::{service_at_location, service_at_location_list_item};
pub use organization::{organization, organization_list_item};
pub use service::{service_full, service_list_item};
pub use taxonomy::{taxonomy, taxonomy_list_item, taxonomy_term};

use chrono::{NaiveTime, Weekday};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The `version` the API's base endpoint reports. The ORUK validator reads it to choose the
/// schemas to test against: older releases match this exact text (anything else falls back to
/// their default), newer ones also accept "3.0"; the profile's OpenAPI document names its version
/// the same way.
pub const API_VERSION: &str = "HSDS-UK-3.0";

/// The profile the API follows, for the base endpoint's `profile`.
pub const PROFILE_URL: &str =
    "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md";

/// The path, under the API's base URL, where its OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/openapi.json";

/// The extension field of a service that carries its SEND Local Offer answers, as an object
/// with the keys `who_for`, `how_to_access`, `send_support`, `funding` and `contact`.
///
/// Why an extension object and not an attribute: the profile's service schema does not restrict
/// `additionalProperties`, so an extra object is valid ORUK, and it is the only place the
/// answers' text can go: the profile's `attribute` has no `value` field, so an attribute could
/// say that a service is in the Local Offer but not what its answers are. A service is in the
/// Local Offer when the object is present; one with no answer filled in at all is published
/// without it.
pub const LOCAL_OFFER_FIELD: &str = "send_local_offer";

/// The `link_type` of the attributes that link a service to its taxonomy terms.
pub const SERVICE_LINK_TYPE: &str = "service";

pub use crate::directory::model::COUNTRY;

/// A UUID made from `seed` by SHA-256, shaped like a version 4 UUID so that strict readers
/// accept it. The same seed always gives the same id, which keeps the ids of links that have
/// none of their own (a service's taxonomy attributes, rows imported without an id) stable
/// from one export or import to the next.
pub fn stable_uuid(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The id of the attribute that links `service_id` to `term_id`.
pub fn attribute_id(service_id: &str, term_id: &str) -> String {
    stable_uuid(&format!("attribute {service_id} {term_id}"))
}

/// The id of the phone written inside a contact, which the model keeps as the contact's text.
pub fn contact_phone_id(contact_id: &str) -> String {
    stable_uuid(&format!("contact phone {contact_id}"))
}

/// The ORUK `byday` code of a weekday (iCalendar: `MO` … `SU`).
pub fn byday_code(day: Weekday) -> &'static str {
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

/// The weekday of an ORUK `byday` code (`MO` … `SU`, any case).
pub fn weekday_from_code(code: &str) -> Option<Weekday> {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .into_iter()
    .find(|d| byday_code(*d).eq_ignore_ascii_case(code))
}

/// An object under construction that drops empty values as they are put in, so no document
/// made here can carry a `null`, a blank string or an empty list or object.
struct Fields(Map<String, Value>);

impl Fields {
    fn new() -> Fields {
        Fields(Map::new())
    }

    fn put(mut self, key: &str, value: impl Into<Value>) -> Fields {
        let value = value.into();
        if !is_empty(&value) {
            self.0.insert(key.to_owned(), value);
        }
        self
    }

    /// Puts `text`, or `fallback` when `text` is blank: for fields the schema requires.
    fn required(self, key: &str, text: &str, fallback: &str) -> Fields {
        let chosen = if text.trim().is_empty() {
            fallback
        } else {
            text
        };
        self.put(key, chosen)
    }

    fn list<T>(self, key: &str, items: &[T], each: impl Fn(&T) -> Value) -> Fields {
        self.put(key, Value::Array(items.iter().map(each).collect()))
    }

    fn done(self) -> Value {
        Value::Object(self.0)
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

fn hh_mm(time: Option<NaiveTime>) -> Option<String> {
    time.map(|t| t.format("%H:%M").to_string())
}

/// A day as ORUK writes dates: `2026-09-01`.
fn iso_date(day: Option<chrono::NaiveDate>) -> Option<String> {
    day.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The JSON pointers of every empty value in `value`: `null`, a blank string, an empty list or
/// an empty object. ORUK asks for empty fields to be left out, so a document this returns
/// anything for is wrong. The `contents` of a page envelope are the one exception: an empty
/// page has an empty `contents`.
pub fn empty_fields(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    if let Value::Object(fields) = value {
        for (key, child) in fields {
            let pointer = format!("/{}", escape_pointer(key));
            if key == "contents" && child.as_array().is_some_and(Vec::is_empty) {
                continue;
            }
            collect_empty(child, &pointer, &mut found);
        }
    } else {
        collect_empty(value, "", &mut found);
    }
    found
}

fn collect_empty(value: &Value, pointer: &str, found: &mut Vec<String>) {
    if is_empty(value) {
        found.push(pointer.to_owned());
        return;
    }
    match value {
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                collect_empty(item, &format!("{pointer}/{n}"), found);
            }
        }
        Value::Object(fields) => {
            for (key, child) in fields {
                collect_empty(child, &format!("{pointer}/{}", escape_pointer(key)), found);
            }
        }
        _ => {}
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
pub(crate) mod tests;
