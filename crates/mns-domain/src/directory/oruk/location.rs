//! A service at a location (`/service_at_locations`), and the location with its address and
//! accessibility, which a service in full also carries.

use super::{COUNTRY, Fields, service_full, service_list_item};
use crate::directory::model::{
    Accessibility, Address, Location, Organization, Service, ServiceAtLocation, Taxonomy,
    TaxonomyTerm,
};
use serde_json::Value;

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
    // `name` and `status` at the top too: the published ORUK OpenAPI document checks this
    // answer against the service schema, which needs them; the service-at-location schema
    // allows them, so the answer passes both.
    Fields::new()
        .put("id", sal.id.as_str())
        .put("name", service.name.as_str())
        .put("status", service.status.as_str())
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

fn location_fields(l: &Location) -> Fields {
    Fields::new()
        .put("id", l.id.as_str())
        .put("location_type", "physical")
        .put("name", l.name.as_str())
        .put("description", l.description.as_deref())
        .put("latitude", l.latitude)
        .put("longitude", l.longitude)
        .put("external_identifier", l.external_identifier.as_deref())
        .put(
            "external_identifier_type",
            l.external_identifier_type.as_deref(),
        )
}

pub(super) fn location_full(l: &Location) -> Value {
    let id = l.id.as_str();
    location_fields(l)
        .put(
            "addresses",
            std::iter::once(&l.address)
                .chain(&l.more_addresses)
                .map(|a| address(a, id))
                .collect::<Vec<_>>(),
        )
        .list("accessibility", &l.accessibility, |a| accessibility(a, id))
        .done()
}

/// The profile requires `state_province`, which UK addresses do not have: the county
/// (`region`) is written there too, or the town when the county is not known.
fn address(a: &Address, location_id: &str) -> Value {
    let region = a.region.as_deref().filter(|r| !r.trim().is_empty());
    let state = a.state_province.as_deref().or(region).unwrap_or(&a.city);
    Fields::new()
        .put("id", a.id.as_str())
        .put("location_id", location_id)
        .put("attention", a.attention.as_deref())
        .put("address_1", a.address_1.as_str())
        .put("address_2", a.address_2.as_deref())
        .put("city", a.city.as_str())
        .put("region", region)
        .put("state_province", state)
        .put("postal_code", a.postal_code.as_str())
        .put("country", a.country.as_deref().unwrap_or(COUNTRY))
        .put(
            "address_type",
            a.address_type.as_deref().unwrap_or("physical"),
        )
        .done()
}

fn accessibility(a: &Accessibility, location_id: &str) -> Value {
    Fields::new()
        .put("id", a.id.as_str())
        .put("location_id", location_id)
        .put("description", a.description.as_str())
        .put("details", a.details.as_deref())
        .put("url", a.url.as_deref())
        .done()
}
