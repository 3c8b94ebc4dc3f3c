//! The index's own tests: order, paging, keywords, places and filters.

use super::*;
use chrono::TimeZone;

fn service(id: &str, name: &str, words: &[&str], places: &[(&str, f64, f64)]) -> IndexedService {
    IndexedService {
        id: id.into(),
        organization_id: "org".into(),
        name_key: name.to_lowercase(),
        local_offer: false,
        free: true,
        minimum_age: 0,
        maximum_age: 255,
        day_mask: 0,
        opens_at: "00:00".into(),
        closes_at: "24:00".into(),
        last_modified: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        terms: vec![],
        words: words.iter().map(|w| (w.to_string(), 1)).collect(),
        locations: places
            .iter()
            .map(|(id, lat, lon)| {
                (
                    id.to_string(),
                    Point {
                        latitude: *lat,
                        longitude: *lon,
                    },
                )
            })
            .collect(),
    }
}

fn ids(page: &IndexPage) -> Vec<&str> {
    page.rows.iter().map(|r| r.service_id.as_str()).collect()
}

fn sample() -> SearchIndex {
    SearchIndex::new(
        [],
        vec![
            service(
                "c",
                "Swimming club",
                &["swimming", "club"],
                &[("c1", 52.63, 1.29)],
            ),
            service("a", "Art club", &["art", "club"], &[("a1", 52.75, 0.40)]),
            service("b", "Befriending", &["befriend"], &[]),
        ],
    )
}

#[test]
fn without_a_point_results_are_in_name_order_and_paged() {
    let index = sample();
    let mut q = SearchQuery::new();
    assert_eq!(
        ids(&index.search(&q, None, SearchUnit::Service)),
        ["a", "b", "c"]
    );
    q.per_page = 2;
    q.page = 2;
    let page = index.search(&q, None, SearchUnit::Service);
    assert_eq!((page.total, ids(&page)), (3, vec!["c"]));
}

#[test]
fn a_keyword_matches_word_prefixes() {
    let index = sample();
    let mut q = SearchQuery::new();
    q.words = vec!["swim".into()];
    assert_eq!(ids(&index.search(&q, None, SearchUnit::Service)), ["c"]);
    q.words = vec!["club".into(), "art".into()];
    assert_eq!(ids(&index.search(&q, None, SearchUnit::Service)), ["a"]);
    q.words = vec!["zzz".into()];
    assert_eq!(index.search(&q, None, SearchUnit::Service).total, 0);
}

#[test]
fn near_a_point_the_nearest_comes_first_and_placeless_services_last() {
    let index = sample();
    let norwich = Point {
        latitude: 52.63,
        longitude: 1.30,
    };
    let q = SearchQuery::new();
    assert_eq!(
        ids(&index.search(&q, Some(norwich), SearchUnit::Service)),
        ["c", "a", "b"]
    );
    let mut q = SearchQuery::new();
    q.within_metres = Some(8_000);
    let page = index.search(&q, Some(norwich), SearchUnit::Service);
    assert_eq!((page.total, ids(&page)), (1, vec!["c"]));
    let page = index.search(
        &SearchQuery::new(),
        Some(norwich),
        SearchUnit::ServiceAtLocation,
    );
    assert_eq!(
        page.rows
            .iter()
            .map(|r| r.service_at_location_id.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["c1", "a1"]
    );
}

#[test]
fn upsert_and_remove_keep_every_lookup_in_step() {
    let mut index = sample();
    let mut renamed = service("c", "Aquatics", &["aquatic"], &[("c2", 52.0, 1.0)]);
    renamed.free = false;
    index.upsert(renamed);
    let q = SearchQuery::new();
    assert_eq!(
        ids(&index.search(&q, None, SearchUnit::Service)),
        ["c", "a", "b"]
    );
    let mut q = SearchQuery::new();
    q.words = vec!["swim".into()];
    assert_eq!(index.search(&q, None, SearchUnit::Service).total, 0);
    q.words = vec!["aqua".into()];
    assert_eq!(index.search(&q, None, SearchUnit::Service).total, 1);
    let mut q = SearchQuery::new();
    q.free_only = true;
    assert_eq!(
        ids(&index.search(&q, None, SearchUnit::Service)),
        ["a", "b"]
    );
    index.remove("a");
    index.remove("nobody");
    assert_eq!(index.len(), 2);
    let page = index.search(&SearchQuery::new(), None, SearchUnit::ServiceAtLocation);
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.rows[0].service_at_location_id.as_deref(), Some("c2"));
    index.upsert(service("d", "Drama", &["drama"], &[]));
    assert_eq!(
        ids(&index.search(&SearchQuery::new(), None, SearchUnit::Service)),
        ["c", "b", "d"]
    );
}

#[test]
fn keywords_rank_by_relevance_and_a_search_that_finds_nothing_offers_one_that_does() {
    let mut index = SearchIndex::new(
        [],
        vec![
            service("a", "Art club", &["art", "club"], &[]),
            service("b", "Cub scouts", &["cub", "scout"], &[]),
            service("c", "Another art group", &["art", "group"], &[]),
        ],
    );
    let mut art = service("d", "Zebra art", &[], &[]);
    art.words = vec![("art".into(), 5), ("zebra".into(), 5)];
    index.upsert(art);
    let mut q = SearchQuery::new();
    q.words = vec!["art".into()];
    let page = index.search(&q, None, SearchUnit::Service);
    // The name counts five times: "Zebra art" first, then A to Z among equals.
    assert_eq!(ids(&page), ["d", "c", "a"]);
    q.words = vec!["art".into(), "cub".into()];
    let page = index.search(&q, None, SearchUnit::Service);
    assert_eq!(page.total, 0);
    assert_eq!(page.suggestion.as_deref(), Some("art club"));
    q.stop_words_only = true;
    q.words.clear();
    assert_eq!(index.search(&q, None, SearchUnit::Service).total, 0);
}

#[test]
fn terms_and_taxonomies_filter() {
    let mut a = service("a", "A", &[], &[]);
    a.terms = vec!["t1".into()];
    let mut b = service("b", "B", &[], &[]);
    b.terms = vec!["t2".into()];
    let index = SearchIndex::new(
        [("t1".into(), "x".into()), ("t2".into(), "y".into())],
        vec![a, b, service("c", "C", &[], &[])],
    );
    let mut q = SearchQuery::new();
    q.term_groups = vec![vec!["t1".into(), "t2".into()]];
    assert_eq!(
        ids(&index.search(&q, None, SearchUnit::Service)),
        ["a", "b"]
    );
    let mut q = SearchQuery::new();
    q.taxonomy_id = Some("y".into());
    assert_eq!(ids(&index.search(&q, None, SearchUnit::Service)), ["b"]);
}

#[test]
fn clock_keys_order_as_the_times_written_do() {
    let times = [
        "", "00:00", "07:30", "09:00", "09:05", "10:00", "23:59", "24:00",
    ];
    for a in times {
        for b in times {
            assert_eq!(
                super::clock_key(a).cmp(&super::clock_key(b)),
                a.cmp(b),
                "{a:?} against {b:?}"
            );
        }
    }
}
