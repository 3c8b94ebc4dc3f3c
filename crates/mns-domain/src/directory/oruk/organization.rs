//! An organisation (`/organizations`), in full or as one item of a page.

use super::Fields;
use crate::directory::model::Organization;
use serde_json::Value;

/// An organisation (`/organizations/{id}`, compiled/organization.json), with its services when
/// given: pass the [`service_full`](super::service_full) documents of its services, or `None`
/// to leave them out. A blank description is written as the name, because the schema requires
/// one.
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
        .list("organization_identifiers", &org.identifiers, |i| {
            Fields::new()
                .put("id", i.id.as_str())
                .put("organization_id", org.id.as_str())
                .put("identifier_scheme", i.identifier_scheme.as_deref())
                .put("identifier_type", i.identifier_type.as_str())
                .put("identifier", i.identifier.as_str())
                .done()
        })
}
