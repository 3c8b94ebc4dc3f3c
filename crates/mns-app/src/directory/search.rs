//! One reading of a directory search for the pages, the guided search and the ORUK API.

use crate::FieldError;
use chrono::NaiveDate;
use mns_domain::directory::TaxonomyTerm;
use mns_domain::directory::search::SearchQuery;

/// Parses search parameters, as a URL's query string carries them, into a [`SearchQuery`]. One
/// parser serves the public pages (`q`, `postcode`, `distance` in miles, `age`, `need`,
/// `category`, `delivery` as term codes, `free`, `day`, `local_offer`) and the ORUK API
/// (`search`, `taxonomy_term_id`, `taxonomy_id`, `minimum_age`, `maximum_age`, `start_time`,
/// `end_time`, `day`, `postcode`, `proximity` in metres, `organization_id`, `modified_after`,
/// `page`, `per_page`), so both answer the same question the same way. Every problem is
/// reported, each naming its parameter.
pub fn parse_search(
    pairs: &[(String, String)],
    terms: &[TaxonomyTerm],
) -> Result<SearchQuery, Vec<FieldError>> {
    use mns_domain::directory::search::{
        MAX_PROXIMITY_METRES, parse_day, parse_number, parse_per_page, parse_time, words,
    };
    use mns_domain::directory::taxonomy::{CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY};
    let mut q = SearchQuery::new();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut err = |field: &str, message: String| errors.push(FieldError::new(field, message));
    let mut groups: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (key, value) in pairs {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "q" | "search" => {
                let found = words(value);
                q.stop_words_only = found.is_empty() && q.words.is_empty();
                q.words.extend(found);
            }
            "postcode" => q.postcode = Some(value.to_string()),
            "distance" => match parse_number("distance", value, 1, 100) {
                Ok(miles) => q.within_metres = Some((f64::from(miles) * 1609.344).round() as u32),
                Err(e) => err("distance", format!("Distance {}", e.message)),
            },
            "proximity" => match parse_number("proximity", value, 1, MAX_PROXIMITY_METRES) {
                Ok(m) => q.within_metres = Some(m),
                Err(e) => err("proximity", format!("proximity {}", e.message)),
            },
            "age" => match parse_number("age", value, 0, 25) {
                Ok(a) => q.age = Some(a as u8),
                Err(_) => err("age", "Enter an age from 0 to 25, in years".into()),
            },
            "minimum_age" | "maximum_age" => match parse_number("age", value, 0, 255) {
                Ok(a) if key == "minimum_age" => q.minimum_age = Some(a.min(255) as u8),
                Ok(a) => q.maximum_age = Some(a.min(255) as u8),
                Err(_) => err(key, format!("{key} must be a whole number of years")),
            },
            "need" | "category" | "delivery" => {
                let taxonomy = match key.as_str() {
                    "need" => NEEDS_TAXONOMY,
                    "category" => CATEGORY_TAXONOMY,
                    _ => DELIVERY_TAXONOMY,
                };
                for code in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    match terms
                        .iter()
                        .find(|t| t.taxonomy_id == taxonomy && t.code == code)
                    {
                        Some(t) => groups.entry(key.as_str()).or_default().push(t.id.clone()),
                        None => err(key, format!("'{code}' is not one of the choices for {key}")),
                    }
                }
            }
            "taxonomy_term_id" => {
                for id in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    groups
                        .entry("taxonomy_term_id")
                        .or_default()
                        .push(id.to_string());
                }
            }
            "taxonomy_id" => q.taxonomy_id = Some(value.to_string()),
            "organization_id" => q.organization_id = Some(value.to_string()),
            "free" => q.free_only = matches!(value, "yes" | "true" | "1"),
            "local_offer" => q.local_offer_only = matches!(value, "yes" | "true" | "1"),
            "day" => {
                for d in value.split(',') {
                    match parse_day(d) {
                        Some(day) if !q.days.contains(&day) => q.days.push(day),
                        Some(_) => {}
                        None => err("day", format!("'{d}' is not a day of the week")),
                    }
                }
            }
            "start_time" | "end_time" => match parse_time(value) {
                Some(t) if key == "start_time" => q.start_time = Some(t),
                Some(t) => q.end_time = Some(t),
                None => err(key, format!("{key} must be a time like 09:30")),
            },
            "modified_after" => match chrono::DateTime::parse_from_rfc3339(value) {
                Ok(t) => q.modified_after = Some(t.with_timezone(&chrono::Utc)),
                Err(_) => match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                    Ok(d) => q.modified_after = d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()),
                    Err(_) => err(
                        "modified_after",
                        "modified_after must be a date-time like 2026-01-31T00:00:00Z".into(),
                    ),
                },
            },
            "page" => match parse_number("page", value, 1, 1_000_000) {
                Ok(p) => q.page = p,
                Err(e) => err("page", format!("page {}", e.message)),
            },
            "per_page" => match parse_per_page(value) {
                Ok(p) => q.per_page = p,
                Err(e) => err("per_page", format!("per_page {}", e.message)),
            },
            _ => {}
        }
    }
    if q.postcode.is_none() && q.within_metres.is_some() {
        err("postcode", "Enter a postcode to search by distance".into());
    }
    // A postcode without a distance (the page's empty "any distance") orders by distance
    // without a radius.
    q.term_groups = groups.into_values().collect();
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mns_domain::directory::taxonomy::builtin_terms;

    fn pairs(text: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(text.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn the_page_and_the_api_words_for_one_search_agree() {
        let terms = builtin_terms();
        let page =
            parse_search(&pairs("q=swimming&age=9&need=autism&day=sat"), &terms).expect("parses");
        let autism = mns_domain::directory::taxonomy::term_id(
            mns_domain::directory::taxonomy::NEEDS_TAXONOMY,
            "autism",
        )
        .expect("term");
        let api = parse_search(
            &pairs(&format!(
                "search=swimming&taxonomy_term_id={autism}&day=SA&age=9"
            )),
            &terms,
        )
        .expect("parses");
        assert_eq!(page, api);
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let errors = parse_search(
            &pairs("age=40&need=unicorns&day=someday&per_page=0&proximity=5"),
            &builtin_terms(),
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["age", "need", "day", "per_page", "postcode"]);
    }

    #[test]
    fn a_page_size_past_the_most_is_the_most() {
        let query = parse_search(&pairs("per_page=9999"), &builtin_terms()).unwrap();
        assert_eq!(query.per_page, mns_domain::directory::search::MAX_PER_PAGE);
        let query = parse_search(&pairs("per_page=7"), &builtin_terms()).unwrap();
        assert_eq!(query.per_page, 7);
        assert!(parse_search(&pairs("per_page=-1"), &builtin_terms()).is_err());
    }
}
