//! Taxonomies and their terms (`/taxonomies`, `/taxonomy_terms`).

use super::Fields;
use crate::directory::model::{Taxonomy, TaxonomyTerm};
use serde_json::Value;

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
        // HSDS 3.0's name for the code, beside the profile's `term`: DfE's importer requires it.
        .put("code", term.code.as_str())
        .done()
}
