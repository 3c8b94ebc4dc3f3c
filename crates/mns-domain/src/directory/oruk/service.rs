//! A service as ORUK writes it: in full (`/services/{id}`) with its schedules, areas, languages,
//! funding, costs, contacts, phones, taxonomy attributes and Local Offer answers, or as one item
//! of a `/services` page.

use super::location::location_full;
use super::{
    Fields, LOCAL_OFFER_FIELD, SERVICE_LINK_TYPE, attribute_id, byday_code, contact_phone_id,
    hh_mm, iso_date, organization_list_item, taxonomy_term,
};
use crate::directory::model::{
    Contact, CostOption, Funding, Language, LocalOfferAnswers, Organization, Phone, Schedule,
    Service, ServiceArea, Taxonomy, TaxonomyTerm,
};
use chrono::SecondsFormat;
use serde_json::Value;

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
        .put("assurer_email", service.assurer_email.as_deref())
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

fn schedule(s: &Schedule, service_id: &str) -> Value {
    let days: Vec<&str> = s.days.iter().map(|d| byday_code(*d)).collect();
    let freq = if s.monthly {
        Some("MONTHLY")
    } else {
        (!days.is_empty()).then_some("WEEKLY")
    };
    Fields::new()
        .put("id", s.id.as_str())
        .put("service_id", service_id)
        .put("valid_from", iso_date(s.valid_from))
        .put("valid_to", iso_date(s.valid_to))
        .put("dtstart", iso_date(s.dtstart))
        .put("freq", freq)
        .put("interval", s.interval)
        .put("byday", s.byday.clone().unwrap_or_else(|| days.join(",")))
        .put("bymonthday", s.bymonthday.as_deref())
        .put("opens_at", hh_mm(s.opens_at))
        .put("closes_at", hh_mm(s.closes_at))
        .put("description", s.description.as_deref())
        .put("schedule_link", s.schedule_link.as_deref())
        .put("attending_type", s.attending_type.as_deref())
        .put("notes", s.notes.as_deref())
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
        .put("extent", a.extent.as_deref())
        .put("extent_type", a.extent_type.as_deref())
        .put("uri", a.uri.as_deref())
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
        .put("valid_from", iso_date(c.valid_from))
        .put("valid_to", iso_date(c.valid_to))
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
