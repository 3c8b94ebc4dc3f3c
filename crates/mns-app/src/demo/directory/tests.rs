//! The generator's tests: deterministic, plausible and unable to reach a real person.

use super::*;
use mns_domain::directory::search::Point;
use mns_domain::directory::taxonomy::builtin_terms;
use mns_domain::directory::{check_service, is_uuid, review_overdue};
use std::collections::{BTreeMap, HashSet};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
}

fn all_ids(directory: &GeneratedDirectory) -> Vec<String> {
    let mut ids: Vec<String> = directory
        .organizations
        .iter()
        .map(|o| o.id.clone())
        .collect();
    for s in &directory.services {
        ids.push(s.id.clone());
        ids.extend(s.contacts.iter().map(|x| x.id.clone()));
        ids.extend(s.phones.iter().map(|x| x.id.clone()));
        ids.extend(s.schedules.iter().map(|x| x.id.clone()));
        ids.extend(s.cost_options.iter().map(|x| x.id.clone()));
        ids.extend(s.languages.iter().map(|x| x.id.clone()));
        ids.extend(s.service_areas.iter().map(|x| x.id.clone()));
        ids.extend(s.funding.iter().map(|x| x.id.clone()));
        for l in &s.locations {
            ids.push(l.id.clone());
            ids.push(l.location.id.clone());
            ids.push(l.location.address.id.clone());
            ids.extend(l.location.accessibility.iter().map(|x| x.id.clone()));
        }
    }
    ids
}

#[test]
fn the_same_seed_gives_the_same_directory() {
    let a = generate_directory(200, 7, today());
    let b = generate_directory(200, 7, today());
    assert_eq!(a, b);
    let c = generate_directory(200, 8, today());
    assert_ne!(a.services[0].id, c.services[0].id);
}

#[test]
fn two_thousand_services_are_all_valid() {
    let directory = generate_directory(2_000, 42, today());
    assert_eq!(directory.services.len(), 2_000);
    assert!(directory.organizations.len() >= 12);
    let org_ids: HashSet<&str> = directory
        .organizations
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    for s in &directory.services {
        assert_eq!(check_service(s), vec![], "{}", s.name);
        assert!(org_ids.contains(s.organization_id.as_str()));
        assert_eq!(s.last_modified.date_naive(), s.last_reviewed);
        assert!(s.last_reviewed <= today());
        for p in &s.phones {
            assert!(p.number.starts_with("01632 960"), "{}", p.number);
        }
        let online_only = s.locations.is_empty();
        let in_person = term_id(DELIVERY_TAXONOMY, "in-person").expect("term");
        assert_eq!(online_only, !s.terms.contains(&in_person), "{}", s.name);
    }
    let ids = all_ids(&directory);
    for id in &ids {
        assert!(is_uuid(id), "{id}");
    }
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
}

#[test]
fn three_hundred_services_cover_the_whole_vocabulary() {
    for seed in [1, 42, 2026] {
        let directory = generate_directory(300, seed, today());
        let services = &directory.services;
        let terms: HashSet<&String> = services.iter().flat_map(|s| &s.terms).collect();
        for term in builtin_terms() {
            assert!(terms.contains(&term.id), "seed {seed}: {}", term.code);
        }
        let mask = services.iter().fold(0, |m, s| m | s.day_mask());
        assert_eq!(mask, 0b111_1111, "seed {seed}");
        assert!(services.iter().any(|s| s.is_free()));
        assert!(services.iter().any(|s| !s.is_free()));
        assert!(services.iter().any(|s| s.in_local_offer()));
        assert!(services.iter().any(|s| !s.in_local_offer()));
        for age in 0..=25u8 {
            assert!(
                services
                    .iter()
                    .any(|s| s.minimum_age <= Some(age) && s.maximum_age.is_some_and(|m| age <= m)),
                "seed {seed}: age {age}"
            );
        }
        let towns: HashSet<&str> = services
            .iter()
            .flat_map(|s| &s.locations)
            .map(|l| l.location.address.city.as_str())
            .collect();
        assert!(towns.len() >= 20, "seed {seed}: {} towns", towns.len());
        let overdue = services
            .iter()
            .filter(|s| review_overdue(s.last_reviewed, today(), 12))
            .count();
        assert!((45..=120).contains(&overdue), "seed {seed}: {overdue}");
    }
}

#[test]
fn an_autistic_nine_year_old_near_nr2_finds_activities() {
    let activities = term_id(CATEGORY_TAXONOMY, "activities").expect("term");
    let autism = term_id(NEEDS_TAXONOMY, "autism").expect("term");
    let here = Point {
        latitude: 52.631,
        longitude: 1.281,
    };
    for seed in [1, 42, 2026] {
        let directory = generate_directory(300, seed, today());
        let found = directory
            .services
            .iter()
            .filter(|s| {
                s.status == ServiceStatus::Active
                    && s.terms.contains(&activities)
                    && s.terms.contains(&autism)
                    && s.minimum_age.is_some_and(|a| a <= 9)
                    && s.maximum_age.is_some_and(|a| 9 <= a)
                    && s.locations.iter().any(|l| {
                        here.distance_metres(Point {
                            latitude: l.location.latitude,
                            longitude: l.location.longitude,
                        }) <= 8_000.0
                    })
            })
            .count();
        eprintln!("seed {seed}: {found} services for a 9-year-old autistic child near NR2");
        assert!(found >= 3, "seed {seed}: found {found}");
    }
}

#[test]
fn locations_are_near_their_town() {
    let directory = generate_directory(1_000, 3, today());
    for l in directory.services.iter().flat_map(|s| &s.locations) {
        let place = PLACES
            .iter()
            .find(|p| {
                l.location
                    .address
                    .postal_code
                    .starts_with(&format!("{} ", p.1))
            })
            .expect("known district");
        let centre = Point {
            latitude: place.2,
            longitude: place.3,
        };
        let at = Point {
            latitude: l.location.latitude,
            longitude: l.location.longitude,
        };
        assert!(centre.distance_metres(at) <= 2_000.0);
    }
}

#[test]
fn distributions_of_three_hundred_services() {
    let directory = generate_directory(300, 42, today());
    let services = &directory.services;
    let names: BTreeMap<String, String> = builtin_terms()
        .into_iter()
        .map(|t| (t.id, t.code))
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in services {
        for t in &s.terms {
            *counts.entry(names[t].as_str()).or_default() += 1;
        }
    }
    let count = |f: &dyn Fn(&Service) -> bool| services.iter().filter(|s| f(s)).count();
    eprintln!("organisations: {}", directory.organizations.len());
    eprintln!("terms: {counts:?}");
    eprintln!("free: {}", count(&|s| s.is_free()));
    eprintln!("local offer: {}", count(&|s| s.in_local_offer()));
    eprintln!("no location: {}", count(&|s| s.locations.is_empty()));
    eprintln!(
        "overdue (12 months): {}",
        count(&|s| review_overdue(s.last_reviewed, today(), 12))
    );
    eprintln!(
        "temporarily closed: {}, inactive: {}, alerts: {}",
        count(&|s| s.status == ServiceStatus::TemporarilyClosed),
        count(&|s| s.status == ServiceStatus::Inactive),
        count(&|s| s.alert.is_some())
    );
    let mut days = [0usize; 7];
    for s in services {
        for (i, day) in days.iter_mut().enumerate() {
            if s.day_mask() & (1 << i) != 0 {
                *day += 1;
            }
        }
    }
    eprintln!("days Mon..Sun: {days:?}");
    let mut towns: BTreeMap<&str, usize> = BTreeMap::new();
    for l in services.iter().flat_map(|s| &s.locations) {
        *towns.entry(l.location.address.city.as_str()).or_default() += 1;
    }
    eprintln!("towns ({}): {towns:?}", towns.len());
    let mut languages: BTreeMap<&str, usize> = BTreeMap::new();
    for l in services.iter().flat_map(|s| &s.languages) {
        *languages.entry(l.name.as_str()).or_default() += 1;
    }
    eprintln!("languages: {languages:?}");
    for s in services.iter().take(3) {
        eprintln!(
            "example: {} | {} | {:?}",
            s.name, s.description, s.local_offer
        );
    }
}

#[test]
fn fifty_thousand_services_timing() {
    let started = std::time::Instant::now();
    let directory = generate_directory(50_000, 9, today());
    eprintln!(
        "generated {} services and {} organisations in {:?}",
        directory.services.len(),
        directory.organizations.len(),
        started.elapsed()
    );
    assert_eq!(directory.services.len(), 50_000);
}
