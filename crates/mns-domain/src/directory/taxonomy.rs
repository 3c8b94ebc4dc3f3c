//! The council's own taxonomies: SEND needs, kinds of service and how a service is delivered.
//! They ship with the product so that a fresh directory can be searched by need on day one;
//! imported feeds may bring further taxonomies, which are stored and published alongside.
//!
//! The ids are fixed UUIDs so that links from council web pages and other directories keep
//! working across installations.

use super::model::{Taxonomy, TaxonomyTerm};

/// The id of the SEND needs taxonomy.
pub const NEEDS_TAXONOMY: &str = "4c0c0a10-5e0d-4000-8000-000000000001";
/// The id of the kinds-of-service taxonomy.
pub const CATEGORY_TAXONOMY: &str = "4c0c0a10-5e0d-4000-8000-000000000002";
/// The id of the delivery taxonomy.
pub const DELIVERY_TAXONOMY: &str = "4c0c0a10-5e0d-4000-8000-000000000003";

/// A built-in term: (code, name, description).
type TermText = (&'static str, &'static str, &'static str);

const NEEDS: [TermText; 13] = [
    (
        "autism",
        "Autism",
        "Autism spectrum condition (ASC or ASD), diagnosed or not.",
    ),
    (
        "adhd",
        "ADHD",
        "Attention deficit hyperactivity disorder: difficulty focusing, sitting still or waiting.",
    ),
    (
        "speech-language",
        "Speech, language and communication",
        "Difficulty speaking, understanding others or being understood (SLCN).",
    ),
    (
        "learning-difficulties",
        "Learning difficulties",
        "Learning more slowly than others of the same age (moderate, severe or profound and multiple learning difficulties).",
    ),
    (
        "specific-learning",
        "Dyslexia and specific learning difficulties",
        "Difficulty with one area such as reading (dyslexia), maths (dyscalculia) or coordination (dyspraxia).",
    ),
    (
        "mental-health",
        "Social, emotional and mental health",
        "Anxiety, low mood, trauma, attachment difficulties or behaviour that shows distress (SEMH).",
    ),
    (
        "hearing",
        "Deaf or hearing impairment",
        "Deaf, deafened or hard of hearing.",
    ),
    (
        "vision",
        "Blind or vision impairment",
        "Blind or partially sighted.",
    ),
    (
        "multi-sensory",
        "Multi-sensory impairment",
        "Both hearing and sight are affected (deafblind).",
    ),
    (
        "physical",
        "Physical disability",
        "A condition that affects moving, using hands or getting about.",
    ),
    (
        "medical",
        "Medical and long-term health conditions",
        "An illness or condition that needs ongoing care, such as epilepsy, diabetes or chronic fatigue.",
    ),
    (
        "sensory-processing",
        "Sensory processing",
        "Being over- or under-sensitive to noise, light, touch, taste or smell.",
    ),
    (
        "complex",
        "Complex and multiple needs",
        "Several needs together that call for joined-up support from education, health and care.",
    ),
];

const CATEGORIES: [TermText; 12] = [
    (
        "activities",
        "Activities, clubs and holidays",
        "After-school clubs, sport, arts and holiday activities where children with SEND are welcome.",
    ),
    (
        "short-breaks",
        "Short breaks",
        "Time away for a disabled child or young person that also gives their family a break.",
    ),
    (
        "education",
        "Schools and education",
        "Schools, specialist places, alternative provision and support in education.",
    ),
    (
        "early-years",
        "Early years and childcare",
        "Nurseries, childminders and support before a child starts school.",
    ),
    (
        "health",
        "Health and therapy",
        "Speech and language therapy, occupational therapy, physiotherapy, nursing and clinics.",
    ),
    (
        "mental-health",
        "Emotional wellbeing and mental health",
        "Counselling, CAMHS and support with wellbeing.",
    ),
    (
        "social-care",
        "Social care",
        "Children with disabilities team, assessments and support at home.",
    ),
    (
        "family-support",
        "Support for parents and carers",
        "Parent groups, training, carers' support and someone to talk to.",
    ),
    (
        "advice",
        "Information and advice",
        "Independent advice on SEND, EHC plans, rights and benefits (including SENDIASS).",
    ),
    (
        "adulthood",
        "Preparing for adulthood",
        "Employment, independent living, further education and moving to adult services (16 to 25).",
    ),
    (
        "equipment",
        "Equipment and adaptations",
        "Specialist equipment, aids and changes to the home.",
    ),
    (
        "transport",
        "Travel and transport",
        "Help getting to school, college or activities, and travel training.",
    ),
];

const DELIVERY: [TermText; 3] = [
    (
        "in-person",
        "In person",
        "Face to face, at a place or in your home.",
    ),
    (
        "online",
        "Online",
        "Over the internet: video calls, online courses or chat.",
    ),
    ("phone", "By phone", "By telephone or text message."),
];

/// The built-in taxonomies.
pub fn builtin_taxonomies() -> Vec<Taxonomy> {
    vec![
        Taxonomy {
            id: NEEDS_TAXONOMY.into(),
            name: "SEND needs".into(),
            description: "Special educational needs and disabilities a service supports.".into(),
            uri: None,
            version: Some("1".into()),
        },
        Taxonomy {
            id: CATEGORY_TAXONOMY.into(),
            name: "Kinds of service".into(),
            description: "What sort of help a service gives.".into(),
            uri: None,
            version: Some("1".into()),
        },
        Taxonomy {
            id: DELIVERY_TAXONOMY.into(),
            name: "How the service is delivered".into(),
            description: "In person, online or by phone.".into(),
            uri: None,
            version: Some("1".into()),
        },
    ]
}

/// The built-in terms, in the order they are offered to families.
pub fn builtin_terms() -> Vec<TaxonomyTerm> {
    let mut terms = Vec::new();
    for (taxonomy, block, list) in [
        (NEEDS_TAXONOMY, 1, &NEEDS[..]),
        (CATEGORY_TAXONOMY, 2, &CATEGORIES[..]),
        (DELIVERY_TAXONOMY, 3, &DELIVERY[..]),
    ] {
        for (n, (code, name, description)) in list.iter().enumerate() {
            terms.push(TaxonomyTerm {
                id: builtin_term_id(block, n + 1),
                taxonomy_id: taxonomy.into(),
                code: (*code).into(),
                name: (*name).into(),
                description: (*description).into(),
                parent_id: None,
            });
        }
    }
    terms
}

/// The fixed id of built-in term `n` (from 1) of taxonomy block `block`.
fn builtin_term_id(block: usize, n: usize) -> String {
    format!("4c0c0a10-5e0d-4{block:03}-8000-{n:012}")
}

/// A built-in term's id from its taxonomy and code, for demo data and guided searches.
pub fn term_id(taxonomy_id: &str, code: &str) -> Option<String> {
    builtin_terms()
        .into_iter()
        .find(|t| t.taxonomy_id == taxonomy_id && t.code == code)
        .map(|t| t.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn builtin_ids_are_unique_uuids() {
        let terms = builtin_terms();
        let ids: HashSet<_> = terms.iter().map(|t| t.id.clone()).collect();
        assert_eq!(ids.len(), terms.len());
        for id in ids.iter().chain(builtin_taxonomies().iter().map(|t| &t.id)) {
            assert_eq!(id.len(), 36, "{id}");
            assert!(super::super::is_uuid(id), "{id}");
        }
    }

    #[test]
    fn term_ids_are_found_by_code() {
        assert!(term_id(NEEDS_TAXONOMY, "autism").is_some());
        assert!(term_id(CATEGORY_TAXONOMY, "autism").is_none());
    }
}
