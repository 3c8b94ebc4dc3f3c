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

use chrono::{NaiveTime, SecondsFormat, Weekday};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::model::{
    Accessibility, Address, Contact, CostOption, Funding, Language, LocalOfferAnswers, Location,
    Organization, Phone, Schedule, Service, ServiceArea, ServiceAtLocation, Taxonomy, TaxonomyTerm,
};

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

/// The country of every address (ISO 3166-1 alpha-2): the directory is a UK council's.
pub const COUNTRY: &str = "GB";

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

/// A service's own fields and its organisation: what a `/services` list item holds.
fn service_fields(service: &Service, organization: Option<&Organization>) -> Fields {
    Fields::new()
        .put("id", service.id.as_str())
        .put("organization_id", service.organization_id.as_str())
        .put("name", service.name.as_str())
        .put("description", service.description.as_str())
        .put("url", service.url.as_deref())
        .put("email", service.email.as_deref())
        .put("status", service.status.as_str())
        .put("fees", service.fees_description.as_deref())
        .put("accreditations", service.accreditations.as_deref())
        .put("minimum_age", service.minimum_age)
        .put("maximum_age", service.maximum_age)
        .put(
            "assured_date",
            service.last_reviewed.format("%Y-%m-%d").to_string(),
        )
        .put("alert", service.alert.as_deref())
        .put(
            "last_modified",
            service
                .last_modified
                .to_rfc3339_opts(SecondsFormat::Millis, true),
        )
        .put("organization", organization.map(organization_list_item))
}

/// A service with everything that belongs to it (`/services/{id}`, compiled/service.json).
///
/// `terms` and `taxonomies` are looked up for the service's attributes; pass at least the terms
/// it links to. A linked term that is not among them is still linked, by `taxonomy_term_id`
/// alone. `organization` is the service's organisation, written in full when given.
pub fn service_full(
    service: &Service,
    organization: Option<&Organization>,
    terms: &[TaxonomyTerm],
    taxonomies: &[Taxonomy],
) -> Value {
    let id = service.id.as_str();
    service_fields(service, organization)
        .list("schedules", &service.schedules, |s| schedule(s, id))
        .list("service_areas", &service.service_areas, |a| {
            service_area(a, id)
        })
        .list("service_at_locations", &service.locations, |sal| {
            Fields::new()
                .put("id", sal.id.as_str())
                .put("service_id", id)
                .put("location_id", sal.location.id.as_str())
                .put("location", location_full(&sal.location))
                .done()
        })
        .list("languages", &service.languages, |l| language(l, id))
        .list("funding", &service.funding, |f| funding(f, id))
        .list("cost_options", &service.cost_options, |c| {
            cost_option(c, id)
        })
        .list("contacts", &service.contacts, |c| contact(c, id))
        .list("phones", &service.phones, |p| phone(p, id))
        .list("attributes", &service.terms, |term_id| {
            attribute(id, term_id, terms, taxonomies)
        })
        .put(
            LOCAL_OFFER_FIELD,
            service.local_offer.as_ref().map(local_offer),
        )
        .done()
}

/// A service as one item of a `/services` page (the `contents` items of
/// compiled/service_list.json): its own fields and its organisation, not its parts.
pub fn service_list_item(service: &Service, organization: Option<&Organization>) -> Value {
    service_fields(service, organization).done()
}

/// A service at one of its locations (`/service_at_locations/{id}`,
/// compiled/service_at_location.json): the location in full, and the service in full less its
/// other locations.
pub fn service_at_location(
    sal: &ServiceAtLocation,
    service: &Service,
    organization: Option<&Organization>,
    terms: &[TaxonomyTerm],
    taxonomies: &[Taxonomy],
) -> Value {
    let mut nested = service_full(service, organization, terms, taxonomies);
    if let Value::Object(fields) = &mut nested {
        fields.remove("service_at_locations");
    }
    Fields::new()
        .put("id", sal.id.as_str())
        .put("service_id", service.id.as_str())
        .put("location_id", sal.location.id.as_str())
        .put("location", location_full(&sal.location))
        .put("service", nested)
        .done()
}

/// A service at a location as one item of a `/service_at_locations` page (the `contents` items
/// of compiled/service_at_location_list.json): the location's and the service's own fields.
pub fn service_at_location_list_item(
    sal: &ServiceAtLocation,
    service: &Service,
    organization: Option<&Organization>,
) -> Value {
    Fields::new()
        .put("id", sal.id.as_str())
        .put("service_id", service.id.as_str())
        .put("location_id", sal.location.id.as_str())
        .put("location", location_fields(&sal.location).done())
        .put("service", service_list_item(service, organization))
        .done()
}

/// An organisation (`/organizations/{id}`, compiled/organization.json), with its services when
/// given: pass the [`service_full`] documents of its services, or `None` to leave them out.
/// A blank description is written as the name, because the schema requires one.
pub fn organization(org: &Organization, services: Option<&[Value]>) -> Value {
    organization_fields(org)
        .put("services", services.map(<[Value]>::to_vec))
        .done()
}

/// An organisation as one item of an `/organizations` page (compiled/organization_list.json):
/// its own fields only.
pub fn organization_list_item(org: &Organization) -> Value {
    organization_fields(org).done()
}

fn organization_fields(org: &Organization) -> Fields {
    Fields::new()
        .put("id", org.id.as_str())
        .put("name", org.name.as_str())
        .required("description", &org.description, &org.name)
        .put("email", org.email.as_deref())
        .put("website", org.website.as_deref())
        .put("logo", org.logo.as_deref())
        .put("uri", org.uri.as_deref())
        .put(
            "parent_organization_id",
            org.parent_organization_id.as_deref(),
        )
}

/// A taxonomy with its terms (`/taxonomies/{id}`, compiled/taxonomy.json). Only the terms of
/// `terms` that belong to it are written. A blank description is written as the name.
pub fn taxonomy(t: &Taxonomy, terms: &[TaxonomyTerm]) -> Value {
    let own: Vec<&TaxonomyTerm> = terms
        .iter()
        .filter(|term| term.taxonomy_id == t.id)
        .collect();
    taxonomy_fields(t)
        .list("taxonomy_terms", &own, |term| taxonomy_term(term, Some(t)))
        .done()
}

/// A taxonomy as one item of a `/taxonomies` page (compiled/taxonomy_list.json): without its
/// terms.
pub fn taxonomy_list_item(t: &Taxonomy) -> Value {
    taxonomy_fields(t).done()
}

fn taxonomy_fields(t: &Taxonomy) -> Fields {
    Fields::new()
        .put("id", t.id.as_str())
        .put("name", t.name.as_str())
        .required("description", &t.description, &t.name)
        .put("uri", t.uri.as_deref())
        .put("version", t.version.as_deref())
}

/// A taxonomy term (`/taxonomy_terms/{id}`, compiled/taxonomy_term.json; also the items of a
/// `/taxonomy_terms` page). `term` is the term's stable code and `taxonomy` its taxonomy's
/// name, when `taxonomy` is given. The schema requires a description: a blank one is written
/// as the name.
pub fn taxonomy_term(term: &TaxonomyTerm, taxonomy: Option<&Taxonomy>) -> Value {
    Fields::new()
        .put("id", term.id.as_str())
        .put("name", term.name.as_str())
        .required("description", &term.description, &term.name)
        .put("parent_id", term.parent_id.as_deref())
        .put("taxonomy", taxonomy.map(|t| t.name.as_str()))
        .put("taxonomy_id", term.taxonomy_id.as_str())
        .put("term", term.code.as_str())
        .done()
}

/// The ORUK paging envelope around one page of `contents`.
///
/// The fields are those of the OpenAPI document's `Page` (compiled/empy_list_response.json):
/// `size` is the number of items on this page, which the validator compares with the length of
/// `contents`; `total_pages` is 0 when nothing matched; `first_page` is page 1 (or 0);
/// `last_page` is true from the last page on, and on the single page of an empty result;
/// `empty` says this page holds nothing. `per_page` of 0 is taken as 1.
pub fn page(contents: Vec<Value>, total_items: u64, page_number: u32, per_page: u32) -> Value {
    let per_page = u64::from(per_page.max(1));
    let total_pages = total_items.div_ceil(per_page);
    let mut fields = Map::new();
    fields.insert("total_items".into(), total_items.into());
    fields.insert("total_pages".into(), total_pages.into());
    fields.insert("page_number".into(), page_number.into());
    fields.insert("size".into(), contents.len().into());
    fields.insert("first_page".into(), (page_number <= 1).into());
    fields.insert(
        "last_page".into(),
        (u64::from(page_number) >= total_pages).into(),
    );
    fields.insert("empty".into(), contents.is_empty().into());
    fields.insert("contents".into(), Value::Array(contents));
    Value::Object(fields)
}

/// What the API's base endpoint (`/`) answers (compiled/api_details.json): the profile's
/// version, the profile and where the OpenAPI document is. `base_url` is the API's public
/// address, such as `https://directory.example.gov.uk/api/oruk`.
pub fn api_details(base_url: &str) -> Value {
    let base = base_url.trim_end_matches('/');
    Fields::new()
        .put("version", API_VERSION)
        .put("profile", PROFILE_URL)
        .put("openapi_url", format!("{base}{OPENAPI_PATH}"))
        .done()
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

fn schedule(s: &Schedule, service_id: &str) -> Value {
    let byday: Vec<&str> = s.days.iter().map(|d| byday_code(*d)).collect();
    Fields::new()
        .put("id", s.id.as_str())
        .put("service_id", service_id)
        .put("freq", (!byday.is_empty()).then_some("WEEKLY"))
        .put("byday", byday.join(","))
        .put("opens_at", hh_mm(s.opens_at))
        .put("closes_at", hh_mm(s.closes_at))
        .put("description", s.description.as_deref())
        .done()
}

/// The area's `description` goes in `service_area`, the profile's free-text account of the
/// area; `name` stays the area's name.
fn service_area(a: &ServiceArea, service_id: &str) -> Value {
    Fields::new()
        .put("id", a.id.as_str())
        .put("service_id", service_id)
        .put("name", a.name.as_str())
        .put("service_area", a.description.as_deref())
        .done()
}

fn location_fields(l: &Location) -> Fields {
    Fields::new()
        .put("id", l.id.as_str())
        .put("location_type", "physical")
        .put("name", l.name.as_str())
        .put("description", l.description.as_deref())
        .put("latitude", l.latitude)
        .put("longitude", l.longitude)
}

fn location_full(l: &Location) -> Value {
    let id = l.id.as_str();
    location_fields(l)
        .put("addresses", vec![address(&l.address, id)])
        .list("accessibility", &l.accessibility, |a| accessibility(a, id))
        .done()
}

/// The profile requires `state_province`, which UK addresses do not have: the county
/// (`region`) is written there too, or the town when the county is not known.
fn address(a: &Address, location_id: &str) -> Value {
    let region = a.region.as_deref().filter(|r| !r.trim().is_empty());
    Fields::new()
        .put("id", a.id.as_str())
        .put("location_id", location_id)
        .put("address_1", a.address_1.as_str())
        .put("address_2", a.address_2.as_deref())
        .put("city", a.city.as_str())
        .put("region", region)
        .put("state_province", region.unwrap_or(&a.city))
        .put("postal_code", a.postal_code.as_str())
        .put("country", COUNTRY)
        .put("address_type", "physical")
        .done()
}

fn accessibility(a: &Accessibility, location_id: &str) -> Value {
    Fields::new()
        .put("id", a.id.as_str())
        .put("location_id", location_id)
        .put("description", a.description.as_str())
        .put("details", a.details.as_deref())
        .done()
}

fn language(l: &Language, service_id: &str) -> Value {
    Fields::new()
        .put("id", l.id.as_str())
        .put("service_id", service_id)
        .put("name", l.name.as_str())
        .put("code", l.code.as_deref())
        .done()
}

fn funding(f: &Funding, service_id: &str) -> Value {
    Fields::new()
        .put("id", f.id.as_str())
        .put("service_id", service_id)
        .put("source", f.source.as_str())
        .done()
}

/// The profile's cost option has no currency: amounts are pounds sterling.
fn cost_option(c: &CostOption, service_id: &str) -> Value {
    Fields::new()
        .put("id", c.id.as_str())
        .put("service_id", service_id)
        .put("option", c.option.as_deref())
        .put("amount", c.amount.filter(|a| a.is_finite()))
        .put("amount_description", c.amount_description.as_deref())
        .done()
}

fn contact(c: &Contact, service_id: &str) -> Value {
    let phones: Vec<Value> = c
        .phone
        .iter()
        .filter(|number| !number.trim().is_empty())
        .map(|number| {
            Fields::new()
                .put("id", contact_phone_id(&c.id))
                .put("contact_id", c.id.as_str())
                .put("number", number.as_str())
                .done()
        })
        .collect();
    Fields::new()
        .put("id", c.id.as_str())
        .put("service_id", service_id)
        .put("name", c.name.as_str())
        .put("title", c.title.as_deref())
        .put("email", c.email.as_deref())
        .put("phones", phones)
        .done()
}

fn phone(p: &Phone, service_id: &str) -> Value {
    Fields::new()
        .put("id", p.id.as_str())
        .put("service_id", service_id)
        .put("number", p.number.as_str())
        .put("description", p.description.as_deref())
        .done()
}

fn attribute(
    service_id: &str,
    term_id: &str,
    terms: &[TaxonomyTerm],
    taxonomies: &[Taxonomy],
) -> Value {
    let term = terms.iter().find(|t| t.id == term_id);
    let taxonomy = term.and_then(|term| taxonomies.iter().find(|t| t.id == term.taxonomy_id));
    Fields::new()
        .put("id", attribute_id(service_id, term_id))
        .put("link_id", service_id)
        .put("link_type", SERVICE_LINK_TYPE)
        .put("taxonomy_term_id", term_id)
        .put("taxonomy_term", term.map(|t| taxonomy_term(t, taxonomy)))
        .done()
}

fn local_offer(answers: &LocalOfferAnswers) -> Value {
    Fields::new()
        .put("who_for", answers.who_for.as_str())
        .put("how_to_access", answers.how_to_access.as_str())
        .put("send_support", answers.send_support.as_str())
        .put("funding", answers.funding.as_str())
        .put("contact", answers.contact.as_str())
        .done()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::directory::{example_service, is_uuid, taxonomy as builtin};
    use serde_json::json;

    /// A compiled schema of the profile, copied from the standard into the test fixtures so the
    /// crate's tests need nothing outside it.
    pub(crate) fn schema(name: &str) -> Value {
        let text = match name {
            "api_details" => include_str!("../../tests/fixtures/oruk-3.0/api_details.json"),
            "empy_list_response" => {
                include_str!("../../tests/fixtures/oruk-3.0/empy_list_response.json")
            }
            "organization" => include_str!("../../tests/fixtures/oruk-3.0/organization.json"),
            "organization_list" => {
                include_str!("../../tests/fixtures/oruk-3.0/organization_list.json")
            }
            "service" => include_str!("../../tests/fixtures/oruk-3.0/service.json"),
            "service_list" => include_str!("../../tests/fixtures/oruk-3.0/service_list.json"),
            "service_at_location" => {
                include_str!("../../tests/fixtures/oruk-3.0/service_at_location.json")
            }
            "service_at_location_list" => {
                include_str!("../../tests/fixtures/oruk-3.0/service_at_location_list.json")
            }
            "taxonomy" => include_str!("../../tests/fixtures/oruk-3.0/taxonomy.json"),
            "taxonomy_list" => include_str!("../../tests/fixtures/oruk-3.0/taxonomy_list.json"),
            "taxonomy_term" => include_str!("../../tests/fixtures/oruk-3.0/taxonomy_term.json"),
            "taxonomy_term_list" => {
                include_str!("../../tests/fixtures/oruk-3.0/taxonomy_term_list.json")
            }
            other => panic!("no schema {other}"),
        };
        serde_json::from_str(text).expect("schema is JSON")
    }

    /// The schema errors of `document`, with formats (uuid, uri, email, date-time) checked.
    pub(crate) fn schema_errors(schema: &Value, document: &Value) -> Vec<String> {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(schema)
            .expect("the schema compiles");
        validator
            .iter_errors(document)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// Checks a document against one compiled schema and the no-empty-fields rule.
    fn assert_valid(schema_name: &str, document: &Value) {
        assert_eq!(
            schema_errors(&schema(schema_name), document),
            Vec::<String>::new(),
            "{schema_name}: {document:#}"
        );
        assert_eq!(empty_fields(document), Vec::<String>::new(), "{document:#}");
    }

    /// The schema of the items of a list endpoint's `contents`.
    fn contents_schema(list_schema: &str) -> Value {
        schema(list_schema)["properties"]["contents"]["items"].clone()
    }

    /// The envelope's fields, from the OpenAPI `Page` in compiled/empy_list_response.json. That
    /// file cannot be used as it stands: its `contents` items are `{"$ref": ""}`, the file
    /// itself, and its `allOf` holds `{"Page": ...}`, which is no keyword and checks nothing.
    /// So the envelope is checked here with every `Page` field required and no others, and the
    /// items separately against their own schema.
    fn envelope_schema() -> Value {
        let file = schema("empy_list_response");
        let page = &file["allOf"][0]["Page"];
        let mut properties = page["properties"].as_object().expect("Page fields").clone();
        let required: Vec<Value> = properties.keys().cloned().map(Value::from).collect();
        properties.insert("contents".into(), json!({"type": "array"}));
        json!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    }

    /// Checks a page envelope, and each of its items against `items`. `list_schema`, when
    /// given, is an endpoint's list schema, which is also checked against the whole envelope as
    /// the validator does.
    fn assert_valid_page(envelope: &Value, items: &Value, list_schema: Option<&str>) {
        assert_eq!(
            schema_errors(&envelope_schema(), envelope),
            Vec::<String>::new()
        );
        assert_eq!(empty_fields(envelope), Vec::<String>::new(), "{envelope:#}");
        if let Some(list_schema) = list_schema {
            assert_valid(list_schema, envelope);
        }
        for item in envelope["contents"].as_array().expect("contents") {
            assert_eq!(schema_errors(items, item), Vec::<String>::new());
        }
    }

    fn example_organization() -> Organization {
        Organization {
            id: example_service().organization_id,
            name: "Splash Swimming Trust".into(),
            description: "A charity that runs swimming clubs in Norfolk.".into(),
            email: Some("hello@example.org".into()),
            website: Some("https://example.org".into()),
            logo: None,
            uri: None,
            parent_organization_id: None,
        }
    }

    fn example_full() -> Value {
        service_full(
            &example_service(),
            Some(&example_organization()),
            &builtin::builtin_terms(),
            &builtin::builtin_taxonomies(),
        )
    }

    /// Every string the schema marks `format: uuid` is one here: the validator checks that, but
    /// this also catches ids the schema leaves unformatted.
    fn all_ids_are_uuids(value: &Value) {
        match value {
            Value::Object(fields) => {
                for (key, child) in fields {
                    if key == "id" || key.ends_with("_id") {
                        let text = child.as_str().expect("ids are text");
                        assert!(is_uuid(text), "{key}: {text}");
                    }
                    all_ids_are_uuids(child);
                }
            }
            Value::Array(items) => items.iter().for_each(all_ids_are_uuids),
            _ => {}
        }
    }

    #[test]
    fn the_example_service_is_valid_oruk() {
        let full = example_full();
        assert_valid("service", &full);
        all_ids_are_uuids(&full);
    }

    #[test]
    fn the_example_service_has_the_fields_the_profile_names() {
        let full = example_full();
        assert_eq!(full["assured_date"], "2026-09-01");
        assert_eq!(full["last_modified"], "2026-09-01T10:00:00.000Z");
        assert_eq!(full["organization"]["name"], "Splash Swimming Trust");
        let schedule = &full["schedules"][0];
        assert_eq!(schedule["freq"], "WEEKLY");
        assert_eq!(schedule["byday"], "SA");
        assert_eq!(schedule["opens_at"], "10:00");
        assert_eq!(schedule["closes_at"], "11:30");
        assert_eq!(schedule["service_id"], full["id"]);
        let address = &full["service_at_locations"][0]["location"]["addresses"][0];
        assert_eq!(address["country"], "GB");
        assert_eq!(address["address_type"], "physical");
        assert_eq!(address["state_province"], "Norfolk");
        assert_eq!(address["postal_code"], "NR1 1WX");
        let location = &full["service_at_locations"][0]["location"];
        assert_eq!(location["latitude"], 52.6237);
        assert_eq!(location["accessibility"][0]["location_id"], location["id"]);
        assert_eq!(full["cost_options"][0]["amount"], 0.0);
        assert_eq!(full["contacts"][0]["phones"][0]["number"], "01603 000000");
        assert_eq!(full[LOCAL_OFFER_FIELD]["contact"], "Sam Reed, club leader");
        assert!(full.get("fees").is_none(), "no fees text, no field");
    }

    #[test]
    fn attributes_link_each_term_with_a_stable_id() {
        let full = example_full();
        let service = example_service();
        let attributes = full["attributes"].as_array().expect("attributes");
        assert_eq!(attributes.len(), service.terms.len());
        let autism = &attributes[0];
        assert_eq!(autism["link_id"], service.id.as_str());
        assert_eq!(autism["link_type"], "service");
        assert_eq!(autism["taxonomy_term_id"], service.terms[0].as_str());
        assert_eq!(autism["taxonomy_term"]["term"], "autism");
        assert_eq!(autism["taxonomy_term"]["taxonomy"], "SEND needs");
        assert_eq!(
            autism["taxonomy_term"]["taxonomy_id"],
            builtin::NEEDS_TAXONOMY
        );
        assert_eq!(autism["id"], attribute_id(&service.id, &service.terms[0]));
        assert_eq!(
            example_full(),
            full,
            "the same service gives the same document"
        );
    }

    #[test]
    fn a_term_that_is_not_known_is_linked_by_id_alone() {
        let mut service = example_service();
        service.terms = vec!["9a1b2c3d-0000-4000-8000-000000000001".into()];
        let full = service_full(&service, None, &[], &[]);
        assert_valid("service", &full);
        assert!(full["attributes"][0].get("taxonomy_term").is_none());
        assert!(full.get("organization").is_none());
    }

    #[test]
    fn empty_optional_parts_are_left_out() {
        let mut service = example_service();
        service.url = Some(String::new());
        service.email = None;
        service.local_offer = None;
        service.contacts.clear();
        service.phones.clear();
        service.schedules[0].days.clear();
        service.schedules[0].description = Some("  ".into());
        service.locations[0].location.address.region = None;
        service.cost_options[0].amount = Some(f64::NAN);
        let full = service_full(&service, None, &[], &[]);
        assert_valid("service", &full);
        for gone in ["url", "email", "contacts", "phones", LOCAL_OFFER_FIELD] {
            assert!(full.get(gone).is_none(), "{gone}");
        }
        assert!(full["schedules"][0].get("byday").is_none());
        assert!(full["schedules"][0].get("freq").is_none());
        assert!(full["cost_options"][0].get("amount").is_none());
        let address = &full["service_at_locations"][0]["location"]["addresses"][0];
        assert_eq!(address["state_province"], "Norwich");
        assert!(address.get("region").is_none());
    }

    #[test]
    fn a_service_list_item_is_valid_and_has_no_parts() {
        let item = service_list_item(&example_service(), Some(&example_organization()));
        assert_eq!(
            schema_errors(&contents_schema("service_list"), &item),
            Vec::<String>::new()
        );
        assert_eq!(empty_fields(&item), Vec::<String>::new());
        for part in ["schedules", "contacts", "attributes", LOCAL_OFFER_FIELD] {
            assert!(item.get(part).is_none(), "{part}");
        }
        let envelope = page(vec![item], 41, 1, 20);
        assert_valid_page(
            &envelope,
            &contents_schema("service_list"),
            Some("service_list"),
        );
    }

    #[test]
    fn a_service_at_location_is_valid() {
        let service = example_service();
        let org = example_organization();
        let document = service_at_location(
            &service.locations[0],
            &service,
            Some(&org),
            &builtin::builtin_terms(),
            &builtin::builtin_taxonomies(),
        );
        assert_valid("service_at_location", &document);
        all_ids_are_uuids(&document);
        assert_eq!(document["location"]["addresses"][0]["city"], "Norwich");
        assert_eq!(document["service"]["schedules"][0]["byday"], "SA");
        assert!(document["service"].get("service_at_locations").is_none());

        let item = service_at_location_list_item(&service.locations[0], &service, Some(&org));
        assert_eq!(
            schema_errors(&contents_schema("service_at_location_list"), &item),
            Vec::<String>::new()
        );
        assert!(item["location"].get("addresses").is_none());
        assert!(item["service"].get("schedules").is_none());
        assert_valid_page(
            &page(vec![item], 1, 1, 20),
            &contents_schema("service_at_location_list"),
            Some("service_at_location_list"),
        );
    }

    #[test]
    fn an_organization_is_valid_with_and_without_services() {
        let org = example_organization();
        let services = [example_full()];
        let with = organization(&org, Some(&services));
        assert_valid("organization", &with);
        assert_eq!(with["services"][0]["name"], "Splash Swim Club");
        let without = organization(&org, None);
        assert_valid("organization", &without);
        assert!(without.get("services").is_none());

        let item = organization_list_item(&org);
        // organization_list.json describes one item, not the page: the `/organizations` page is
        // checked as an envelope with items of that schema.
        assert_valid("organization_list", &item);
        assert_valid_page(
            &page(vec![item], 1, 1, 20),
            &schema("organization_list"),
            None,
        );
    }

    #[test]
    fn a_blank_organization_description_is_written_as_its_name() {
        let mut org = example_organization();
        org.description = " ".into();
        let document = organization(&org, None);
        assert_valid("organization", &document);
        assert_eq!(document["description"], "Splash Swimming Trust");
    }

    #[test]
    fn the_builtin_taxonomies_and_terms_are_valid() {
        let terms = builtin::builtin_terms();
        for t in builtin::builtin_taxonomies() {
            let document = taxonomy(&t, &terms);
            assert_valid("taxonomy", &document);
            let own = terms.iter().filter(|term| term.taxonomy_id == t.id).count();
            assert_eq!(
                document["taxonomy_terms"].as_array().map(Vec::len),
                Some(own)
            );
            assert_valid_page(
                &page(vec![taxonomy_list_item(&t)], 3, 1, 20),
                &contents_schema("taxonomy_list"),
                Some("taxonomy_list"),
            );
        }
        let needs = &builtin::builtin_taxonomies()[0];
        let items: Vec<Value> = terms
            .iter()
            .map(|term| {
                let document = taxonomy_term(term, Some(needs));
                assert_valid("taxonomy_term", &document);
                document
            })
            .collect();
        assert_valid_page(
            &page(items, 28, 1, 50),
            &contents_schema("taxonomy_term_list"),
            Some("taxonomy_term_list"),
        );
    }

    #[test]
    fn a_term_without_a_description_still_has_one() {
        let mut term = builtin::builtin_terms().remove(0);
        term.description.clear();
        let document = taxonomy_term(&term, None);
        assert_valid("taxonomy_term", &document);
        assert_eq!(document["description"], "Autism");
        assert!(document.get("taxonomy").is_none());
    }

    #[test]
    fn pages_count_from_one_and_size_is_what_the_page_holds() {
        let items = |n: usize| vec![json!({"id": "x"}); n];
        let first = page(items(20), 41, 1, 20);
        assert_eq!(first["total_pages"], 3);
        assert_eq!(first["size"], 20);
        assert_eq!(first["first_page"], true);
        assert_eq!(first["last_page"], false);
        assert_eq!(first["empty"], false);
        let last = page(items(1), 41, 3, 20);
        assert_eq!(last["size"], 1);
        assert_eq!(last["first_page"], false);
        assert_eq!(last["last_page"], true);
        let beyond = page(items(0), 41, 4, 20);
        assert_eq!(beyond["empty"], true);
        assert_eq!(beyond["last_page"], true);
        let nothing = page(Vec::new(), 0, 1, 20);
        assert_eq!(nothing["total_pages"], 0);
        assert_eq!(nothing["first_page"], true);
        assert_eq!(nothing["last_page"], true);
        assert_eq!(nothing["empty"], true);
        assert_eq!(nothing["contents"], json!([]));
        assert_eq!(empty_fields(&nothing), Vec::<String>::new());
        assert_valid_page(
            &nothing,
            &contents_schema("service_list"),
            Some("service_list"),
        );
        assert_eq!(page(items(1), 1, 1, 0)["total_pages"], 1);
    }

    #[test]
    fn the_profiles_envelope_schema_checks_nothing_so_the_tests_use_their_own() {
        let wrong = json!({"total_items": "many", "contents": [{"id": 1}]});
        assert_eq!(
            schema_errors(&schema("empy_list_response"), &wrong),
            Vec::<String>::new()
        );
        assert_eq!(schema_errors(&envelope_schema(), &wrong).len(), 7);
    }

    #[test]
    fn api_details_name_the_uk_profile() {
        let details = api_details("https://directory.example.gov.uk/api/oruk/");
        assert_valid("api_details", &details);
        assert_eq!(details["version"], "HSDS-UK-3.0");
        assert_eq!(
            details["openapi_url"],
            "https://directory.example.gov.uk/api/oruk/openapi.json"
        );
    }

    #[test]
    fn the_schemas_check_formats() {
        // Guards the tests above: with format checks off, a bad uuid or email would pass.
        let mut full = example_full();
        full["id"] = json!("not-a-uuid");
        full["email"] = json!("not an email");
        full["last_modified"] = json!("yesterday");
        assert_eq!(schema_errors(&schema("service"), &full).len(), 3);
    }

    #[test]
    fn empty_fields_finds_nulls_blanks_and_empty_lists() {
        let document = json!({
            "a": null,
            "b": " ",
            "c": [],
            "d": {"e/f": [1, {"g": ""}], "h": {}},
            "contents": [],
            "ok": [0, false, "x"],
        });
        assert_eq!(
            empty_fields(&document),
            vec!["/a", "/b", "/c", "/d/e~1f/1/g", "/d/h"]
        );
        assert_eq!(
            empty_fields(&json!({"contents": [{}]})),
            vec!["/contents/0"]
        );
        assert_eq!(empty_fields(&json!("")), vec![""]);
    }

    #[test]
    fn stable_uuids_are_uuids_and_stable() {
        let a = stable_uuid("Splash Swimming Trust\nSplash Swim Club");
        assert!(is_uuid(&a));
        assert_eq!(&a[14..15], "4", "version 4 shape");
        assert!(
            matches!(&a[19..20], "8" | "9" | "a" | "b"),
            "RFC 4122 variant"
        );
        assert_eq!(a, stable_uuid("Splash Swimming Trust\nSplash Swim Club"));
        assert_ne!(a, stable_uuid("Splash Swimming Trust\nSplash Swim Club "));
        let v = json!(a);
        assert_eq!(
            schema_errors(&json!({"type": "string", "format": "uuid"}), &v),
            Vec::<String>::new()
        );
    }
}
