//! The Open Referral UK API under `/api/oruk`, checked the way the ORUK validator checks a feed:
//! every list's paging envelope and items, every item by id, the first, a middle and the last
//! page, each against the profile's compiled JSON schemas with formats (uuid, uri, email,
//! date-time) checked, and no empty fields anywhere. Then the search parameters against the
//! stored directory, the errors, and the same search through the public page and the API.

use crate::support::{Client, TestApp, TestResponse};
use axum::http::{StatusCode, header};
use chrono::{NaiveTime, Weekday};
use jsonschema::Validator;
use mns_domain::directory::oruk;
use mns_domain::directory::search::{Point, words};
use mns_domain::directory::taxonomy::{DELIVERY_TAXONOMY, NEEDS_TAXONOMY, term_id};
use mns_domain::directory::{Organization, Service, ServiceStatus, Taxonomy, TaxonomyTerm};
use mns_store::Backend;
use serde_json::{Value, json};
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// The profile's schemas

/// One of the ORUK 3.0 compiled schemas, as copied into mns-domain's fixtures.
fn schema(name: &str) -> Value {
    let text = match name {
        "api_details" => {
            include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/api_details.json")
        }
        "empy_list_response" => {
            include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/empy_list_response.json")
        }
        "organization" => {
            include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/organization.json")
        }
        "organization_list" => {
            include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/organization_list.json")
        }
        "service" => include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/service.json"),
        "service_list" => {
            include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/service_list.json")
        }
        "service_at_location" => {
            include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/service_at_location.json")
        }
        "service_at_location_list" => include_str!(
            "../../../mns-domain/tests/fixtures/oruk-3.0/service_at_location_list.json"
        ),
        "taxonomy" => include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/taxonomy.json"),
        "taxonomy_list" => {
            include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/taxonomy_list.json")
        }
        "taxonomy_term" => {
            include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/taxonomy_term.json")
        }
        "taxonomy_term_list" => {
            include_str!("../../../mns-domain/tests/fixtures/oruk-3.0/taxonomy_term_list.json")
        }
        other => panic!("no schema {other}"),
    };
    serde_json::from_str(text).expect("the schema is JSON")
}

/// A schema compiled as the validator uses it: with formats checked.
fn compile(schema: &Value) -> Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the schema compiles")
}

fn schema_errors(validator: &Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// The paging envelope, from the OpenAPI `Page` in compiled/empy_list_response.json, strict:
/// every `Page` field required with its type, `contents` an array, nothing else. (The file
/// cannot be used as it stands: its items are `{"$ref": ""}` and its `allOf` holds `{"Page":
/// ...}`, which is no keyword.)
fn envelope_schema() -> Value {
    let file = schema("empy_list_response");
    let page = &file["allOf"][0]["Page"];
    let mut properties = page["properties"]
        .as_object()
        .expect("the Page fields")
        .clone();
    let required: Vec<Value> = properties.keys().cloned().map(Value::from).collect();
    assert_eq!(required.len(), 7, "the seven Page fields");
    properties.insert("contents".into(), json!({"type": "array"}));
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// One list endpoint and the schemas its answers are checked against.
struct Endpoint {
    /// The path under `/api/oruk/`.
    name: &'static str,
    /// The endpoint's list schema, checked against the whole page as the validator does (none
    /// for `/organizations`, whose organization_list.json describes one item).
    list: Option<Validator>,
    /// The schema of one item of `contents`.
    item: Validator,
    /// The schema of `/{name}/{id}`.
    single: Validator,
}

/// Every schema the API is checked against.
struct Oruk {
    api_details: Validator,
    envelope: Validator,
    endpoints: Vec<Endpoint>,
}

impl Oruk {
    fn new() -> Oruk {
        let list = |name: &'static str, list: &str, single: &str| Endpoint {
            name,
            list: Some(compile(&schema(list))),
            item: compile(&schema(list)["properties"]["contents"]["items"]),
            single: compile(&schema(single)),
        };
        Oruk {
            api_details: compile(&schema("api_details")),
            envelope: compile(&envelope_schema()),
            endpoints: vec![
                list("services", "service_list", "service"),
                list(
                    "service_at_locations",
                    "service_at_location_list",
                    "service_at_location",
                ),
                list("taxonomies", "taxonomy_list", "taxonomy"),
                list("taxonomy_terms", "taxonomy_term_list", "taxonomy_term"),
                Endpoint {
                    name: "organizations",
                    list: None,
                    item: compile(&schema("organization_list")),
                    single: compile(&schema("organization")),
                },
            ],
        }
    }

    fn endpoint(&self, name: &str) -> &Endpoint {
        self.endpoints
            .iter()
            .find(|e| e.name == name)
            .expect("a known endpoint")
    }
}

// ---------------------------------------------------------------------------------------------
// Requests and checks

/// GETs `path` and checks that any origin may read the answer, whatever it is.
async fn fetch(client: &mut Client<'_>, path: &str) -> TestResponse {
    let response = client.get(path).await;
    assert_eq!(
        response
            .headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .and_then(|v| v.to_str().ok()),
        Some("*"),
        "{path} ({}) has Access-Control-Allow-Origin: *",
        response.status
    );
    let content_type = response
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        content_type.starts_with("application/json"),
        "{path} ({}) answers JSON, not {content_type:?}",
        response.status
    );
    response
}

/// GETs `path`, expecting 200 and a JSON document with no empty fields.
async fn ok_json(client: &mut Client<'_>, path: &str) -> Value {
    let response = fetch(client, path).await;
    assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
    let value = response.json();
    assert_eq!(
        oruk::empty_fields(&value),
        Vec::<String>::new(),
        "{path} has empty fields"
    );
    value
}

/// GETs `path`, expecting `status` and the API's JSON error with `error` code `code`.
async fn error_json(client: &mut Client<'_>, path: &str, status: StatusCode, code: &str) -> Value {
    let response = fetch(client, path).await;
    assert_eq!(response.status, status, "{path}: {}", response.body);
    let value = response.json();
    assert_eq!(value["error"], code, "{path}: {value}");
    assert!(
        value["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{path}: {value}"
    );
    value
}

/// `query` and `more` joined into one query string.
fn with(query: &str, more: &str) -> String {
    match (query.is_empty(), more.is_empty()) {
        (true, _) => more.to_string(),
        (_, true) => query.to_string(),
        _ => format!("{query}&{more}"),
    }
}

fn path_of(name: &str, query: &str) -> String {
    if query.is_empty() {
        format!("/api/oruk/{name}")
    } else {
        format!("/api/oruk/{name}?{query}")
    }
}

fn id_of(item: &Value) -> String {
    item["id"]
        .as_str()
        .expect("every item has an id")
        .to_string()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id_of).collect()
}

fn number(page: &Value, field: &str) -> u64 {
    page[field]
        .as_u64()
        .unwrap_or_else(|| panic!("{field} is a whole number: {}", page[field]))
}

fn boolean(page: &Value, field: &str) -> bool {
    page[field]
        .as_bool()
        .unwrap_or_else(|| panic!("{field} is true or false: {}", page[field]))
}

/// Checks page `page_number` of a list of `per_page` a page, as the validator does: the strict
/// envelope, the endpoint's list schema, every item's schema, no empty fields, and the paging
/// arithmetic. Returns the items.
fn check_page(
    oruk: &Oruk,
    endpoint: &Endpoint,
    path: &str,
    page: &Value,
    page_number: u64,
    per_page: u64,
) -> Vec<Value> {
    assert_eq!(
        schema_errors(&oruk.envelope, page),
        Vec::<String>::new(),
        "{path}: the paging envelope"
    );
    if let Some(list) = &endpoint.list {
        assert_eq!(
            schema_errors(list, page),
            Vec::<String>::new(),
            "{path}: the list schema"
        );
    }
    assert_eq!(
        oruk::empty_fields(page),
        Vec::<String>::new(),
        "{path} has empty fields"
    );
    let contents = page["contents"].as_array().expect("contents").clone();
    for (n, item) in contents.iter().enumerate() {
        assert_eq!(
            schema_errors(&endpoint.item, item),
            Vec::<String>::new(),
            "{path}: item {n}: {item:#}"
        );
    }
    let total_items = number(page, "total_items");
    let total_pages = number(page, "total_pages");
    assert_eq!(
        number(page, "page_number"),
        page_number,
        "{path}: page_number"
    );
    assert_eq!(
        total_pages,
        total_items.div_ceil(per_page),
        "{path}: total_pages of {total_items} items at {per_page} a page"
    );
    let expected_size = if page_number < total_pages {
        per_page
    } else if page_number == total_pages {
        total_items - (total_pages - 1) * per_page
    } else {
        0
    };
    assert_eq!(number(page, "size"), contents.len() as u64, "{path}: size");
    assert_eq!(
        contents.len() as u64,
        expected_size,
        "{path}: items on page {page_number} of {total_pages} ({total_items} items)"
    );
    assert_eq!(
        boolean(page, "first_page"),
        page_number == 1,
        "{path}: first_page"
    );
    assert_eq!(
        boolean(page, "last_page"),
        page_number >= total_pages,
        "{path}: last_page"
    );
    assert_eq!(boolean(page, "empty"), contents.is_empty(), "{path}: empty");
    contents
}

/// Every page of a list at `per_page` a page, each checked; returns the total and the items in
/// order, which are as many as the total and all different.
async fn walk(
    client: &mut Client<'_>,
    oruk: &Oruk,
    endpoint: &Endpoint,
    query: &str,
    per_page: u64,
) -> (u64, Vec<Value>) {
    let mut items = Vec::new();
    let mut page_number = 1;
    loop {
        let path = path_of(
            endpoint.name,
            &with(query, &format!("page={page_number}&per_page={per_page}")),
        );
        let page = ok_json(client, &path).await;
        items.extend(check_page(
            oruk,
            endpoint,
            &path,
            &page,
            page_number,
            per_page,
        ));
        let total_pages = number(&page, "total_pages");
        if page_number >= total_pages {
            let total = number(&page, "total_items");
            assert_eq!(items.len() as u64, total, "{query}: every item, once");
            let distinct: BTreeSet<String> = ids(&items).into_iter().collect();
            assert_eq!(distinct.len(), items.len(), "{query}: no item twice");
            return (total, items);
        }
        page_number += 1;
    }
}

/// Checks that everything in `part` is in `whole` with the same value: a list item is the
/// item by id less its parts.
fn assert_subset(part: &Value, whole: &Value, at: &str) {
    match (part, whole) {
        (Value::Object(p), Value::Object(w)) => {
            for (key, value) in p {
                let there = w
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}/{key} is in the list but not the item"));
                assert_subset(value, there, &format!("{at}/{key}"));
            }
        }
        _ => assert_eq!(part, whole, "{at}: the list and the item differ"),
    }
}

/// About `n` items spread evenly over `items`, the first and the last among them.
fn spread<T>(items: &[T], n: usize) -> Vec<&T> {
    let step = (items.len() / n).max(1);
    let mut chosen: Vec<&T> = items.iter().step_by(step).collect();
    if let Some(last) = items.last()
        && !std::ptr::eq(*chosen.last().expect("some items"), last)
    {
        chosen.push(last);
    }
    chosen
}

// ---------------------------------------------------------------------------------------------
// What is stored, to check the answers against

struct Stored {
    /// Every service, whatever its status.
    services: Vec<Service>,
    organizations: Vec<Organization>,
    taxonomies: Vec<Taxonomy>,
    terms: Vec<TaxonomyTerm>,
}

impl Stored {
    async fn read(app: &TestApp) -> Stored {
        let store = &app.app.store_for_tests();
        let (_, organizations) = store
            .directory_organizations(None, 1, 10_000)
            .await
            .unwrap();
        let mut services = Vec::new();
        for org in &organizations {
            for entry in store.services_of_organization(&org.id).await.unwrap() {
                services.push(entry.service);
            }
        }
        let (taxonomies, terms) = app.app.directory_vocabulary().await.unwrap();
        assert!(services.len() >= 250, "the demo directory is loaded");
        Stored {
            services,
            organizations,
            taxonomies,
            terms,
        }
    }

    fn active(&self) -> Vec<&Service> {
        self.services
            .iter()
            .filter(|s| s.status == ServiceStatus::Active)
            .collect()
    }

    fn service(&self, id: &str) -> &Service {
        self.services
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("{id} is a stored service"))
    }

    fn organization(&self, id: &str) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id)
    }

    /// Does the service's search text hold every word of `text` (as a prefix of a stem)?
    fn has_words(&self, service: &Service, text: &str) -> bool {
        let index = mns_app::directory::service_index(
            service,
            self.organization(&service.organization_id),
            &self.terms,
        );
        words(text).iter().all(|w| {
            index
                .words
                .iter()
                .any(|stored| stored.0.starts_with(w.as_str()))
        })
    }
}

fn point_of(location: &Value) -> Point {
    Point {
        latitude: location["latitude"].as_f64().expect("a latitude"),
        longitude: location["longitude"].as_f64().expect("a longitude"),
    }
}

/// The distance from `from` to the service's nearest location, if it has one.
fn nearest(service: &Service, from: Point) -> Option<f64> {
    service
        .locations
        .iter()
        .map(|l| {
            from.distance_metres(Point {
                latitude: l.location.latitude,
                longitude: l.location.longitude,
            })
        })
        .min_by(f64::total_cmp)
}

/// The search orders by a flat-earth distance and these tests measure great circles: allow
/// half a percent (and a metre) between the two.
const SLACK: f64 = 0.005;

fn assert_nearest_first(distances: &[f64], what: &str) {
    for (n, pair) in distances.windows(2).enumerate() {
        assert!(
            pair[1] + 1.0 >= pair[0] * (1.0 - SLACK),
            "{what}: result {} is {:.0} m away but result {} only {:.0} m",
            n + 1,
            pair[0],
            n + 2,
            pair[1]
        );
    }
}

fn backends() -> Vec<Backend> {
    mns_store::testing::backends()
}

/// The checks can fail: a wrong id format, a missing envelope field and a field the strict
/// envelope does not know are each caught, so a passing test means something.
#[test]
fn the_schemas_catch_what_the_validator_catches() {
    let oruk = Oruk::new();
    let services = oruk.endpoint("services");
    let good =
        json!({"id": "ac148810-d857-441c-9679-408f346de14b", "name": "Swim", "status": "active"});
    assert_eq!(schema_errors(&services.single, &good), Vec::<String>::new());
    let mut bad = good.clone();
    bad["id"] = "swim-1".into();
    assert!(
        !schema_errors(&services.single, &bad).is_empty(),
        "a uuid is checked"
    );
    bad = good.clone();
    bad["email"] = "not an address".into();
    assert!(
        !schema_errors(&services.single, &bad).is_empty(),
        "an email is checked"
    );
    let page = oruk::page(vec![good], 1, 1, 20);
    assert_eq!(schema_errors(&oruk.envelope, &page), Vec::<String>::new());
    let mut short = page.clone();
    short.as_object_mut().unwrap().remove("last_page");
    assert!(
        !schema_errors(&oruk.envelope, &short).is_empty(),
        "every Page field is required"
    );
    let mut long = page.clone();
    long["per_page"] = 20.into();
    assert!(
        !schema_errors(&oruk.envelope, &long).is_empty(),
        "no other field is allowed"
    );
    let mut wrong = page;
    wrong["total_items"] = "1".into();
    assert!(
        !schema_errors(&oruk.envelope, &wrong).is_empty(),
        "the types are checked"
    );
}

// ---------------------------------------------------------------------------------------------
// 1. The base endpoint

#[tokio::test]
async fn the_base_endpoint_describes_the_api_and_its_openapi_document() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut client = app.client();
    let oruk = Oruk::new();
    for path in ["/api/oruk/", "/api/oruk"] {
        let details = ok_json(&mut client, path).await;
        assert_eq!(
            schema_errors(&oruk.api_details, &details),
            Vec::<String>::new(),
            "{path}: {details:#}"
        );
        assert_eq!(details["version"], oruk::API_VERSION);
        assert_eq!(
            details["openapi_url"],
            "http://mns.test/api/oruk/openapi.json"
        );
    }
    let openapi = ok_json(&mut client, "/api/oruk/openapi.json").await;
    assert!(
        openapi["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with('3'))
    );
    for endpoint in &oruk.endpoints {
        for path in [
            format!("/{}", endpoint.name),
            format!("/{}/{{id}}", endpoint.name),
        ] {
            assert!(
                openapi["paths"][&path]["get"].is_object(),
                "the OpenAPI document describes GET {path}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Every list, every item, every page

#[tokio::test]
async fn every_list_item_and_page_is_valid_oruk_on_every_database() {
    let oruk = Oruk::new();
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let stored = Stored::read(&app).await;
        let active = stored.active();
        let mut client = app.client();
        for endpoint in &oruk.endpoints {
            let name = endpoint.name;
            let what = format!("{backend:?} /{name}");
            // The collection as a client first sees it: page 1, of up to 1,000 (all of the
            // demo's).
            let path = path_of(name, "");
            let first = ok_json(&mut client, &path).await;
            let first_items = check_page(&oruk, endpoint, &path, &first, 1, 1000);
            assert!(!first_items.is_empty(), "{what} lists something");

            // Every item, 200 a page.
            let (total, items) = walk(&mut client, &oruk, endpoint, "", 200).await;
            assert_eq!(
                ids(&first_items),
                ids(&items[..first_items.len()]),
                "{what}: page 1 is the start of the list"
            );
            let expected_total = match name {
                "services" => active.len(),
                "service_at_locations" => active.iter().map(|s| s.locations.len()).sum(),
                "taxonomies" => stored.taxonomies.len(),
                "taxonomy_terms" => stored.terms.len(),
                _ => stored.organizations.len(),
            };
            assert_eq!(total, expected_total as u64, "{what}: total_items");

            // Each item by id: a spread of the services and services at locations, all the rest.
            let sample = match name {
                "services" | "service_at_locations" => spread(&items, 24),
                _ => items.iter().collect(),
            };
            if name == "services" {
                assert!(sample.len() >= 20, "{what}: at least 20 services by id");
            }
            for item in sample {
                let id = id_of(item);
                let path = format!("/api/oruk/{name}/{id}");
                let full = ok_json(&mut client, &path).await;
                assert_eq!(
                    schema_errors(&endpoint.single, &full),
                    Vec::<String>::new(),
                    "{backend:?} {path}: {full:#}"
                );
                assert_eq!(full["id"], item["id"], "{path}");
                assert_subset(item, &full, &path);
            }

            // Paged so that there are at least three pages: the first, a middle and the last,
            // each the matching slice of the whole list, and one past the end, empty.
            let per_page = ((total - 1) / 3).clamp(1, 200);
            let pages = total.div_ceil(per_page);
            assert!(pages >= 3, "{what}: {pages} pages");
            for n in [1, pages.div_ceil(2), pages, pages + 1] {
                let path = path_of(name, &format!("page={n}&per_page={per_page}"));
                let page = ok_json(&mut client, &path).await;
                let got = check_page(&oruk, endpoint, &path, &page, n, per_page);
                assert_eq!(number(&page, "total_items"), total, "{path}");
                let start = ((n - 1) * per_page).min(total) as usize;
                let end = (n * per_page).min(total) as usize;
                assert_eq!(
                    ids(&got),
                    ids(&items[start..end]),
                    "{backend:?} {path}: the slice of the whole list"
                );
            }
        }

        // A taxonomy holds its terms, as /taxonomy_terms?taxonomy_id= lists them.
        let terms = oruk.endpoint("taxonomy_terms");
        for taxonomy in &stored.taxonomies {
            let full = ok_json(
                &mut client,
                &format!("/api/oruk/taxonomies/{}", taxonomy.id),
            )
            .await;
            let (_, listed) = walk(
                &mut client,
                &oruk,
                terms,
                &format!("taxonomy_id={}", taxonomy.id),
                200,
            )
            .await;
            let held: Vec<String> = full["taxonomy_terms"]
                .as_array()
                .map(|a| ids(a))
                .unwrap_or_default();
            assert_eq!(
                held,
                ids(&listed),
                "{backend:?}: the terms of {}",
                taxonomy.name
            );
            assert!(!held.is_empty(), "{}", taxonomy.name);
            assert!(
                listed
                    .iter()
                    .all(|t| t["taxonomy_id"] == taxonomy.id.as_str())
            );
        }

        // An organisation with its services in full: those of its services that are running.
        let organizations = oruk.endpoint("organizations");
        for org in spread(&stored.organizations, 6) {
            let path = format!("/api/oruk/organizations/{}?full_service=true", org.id);
            let full = ok_json(&mut client, &path).await;
            assert_eq!(
                schema_errors(&organizations.single, &full),
                Vec::<String>::new(),
                "{backend:?} {path}: {full:#}"
            );
            let listed: BTreeSet<String> = full["services"]
                .as_array()
                .map(|a| ids(a).into_iter().collect())
                .unwrap_or_default();
            let running: BTreeSet<String> = active
                .iter()
                .filter(|s| s.organization_id == org.id)
                .map(|s| s.id.clone())
                .collect();
            assert_eq!(listed, running, "{backend:?} {path}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. The search parameters, and the errors

/// Which stored services a query should find.
type Keep<'a> = Box<dyn Fn(&Service) -> bool + 'a>;

fn first_opening(s: &Service) -> Option<NaiveTime> {
    s.schedules.iter().filter_map(|x| x.opens_at).min()
}

fn last_closing(s: &Service) -> Option<NaiveTime> {
    s.schedules.iter().filter_map(|x| x.closes_at).max()
}

fn runs_on(s: &Service, day: Weekday) -> bool {
    s.schedules.iter().any(|x| x.days.contains(&day))
}

fn time(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M").unwrap()
}

#[tokio::test]
async fn the_search_parameters_filter_as_documented_on_every_database() {
    let oruk = Oruk::new();
    let autism = term_id(NEEDS_TAXONOMY, "autism").unwrap();
    let adhd = term_id(NEEDS_TAXONOMY, "adhd").unwrap();
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let stored = Stored::read(&app).await;
        let active = stored.active();
        let mut client = app.client();
        let services = oruk.endpoint("services");
        let sals = oruk.endpoint("service_at_locations");
        let org = active[active.len() / 2].organization_id.clone();
        let s = &stored;
        let (autism, adhd) = (autism.as_str(), adhd.as_str());
        let cases: Vec<(String, Keep<'_>)> = vec![
            (
                "search=swim".into(),
                Box::new(|x: &Service| s.has_words(x, "swim")),
            ),
            (
                "search=Autism+SUPPORT".into(),
                Box::new(|x: &Service| s.has_words(x, "autism support")),
            ),
            (
                format!("taxonomy_term_id={autism}"),
                Box::new(|x: &Service| x.terms.iter().any(|t| t == autism)),
            ),
            (
                format!("taxonomy_term_id={autism},{adhd}"),
                Box::new(|x: &Service| x.terms.iter().any(|t| t == autism || t == adhd)),
            ),
            (
                format!("taxonomy_id={DELIVERY_TAXONOMY}"),
                Box::new(|x: &Service| {
                    s.terms
                        .iter()
                        .any(|t| t.taxonomy_id == DELIVERY_TAXONOMY && x.terms.contains(&t.id))
                }),
            ),
            (
                "minimum_age=5".into(),
                Box::new(|x: &Service| x.minimum_age.unwrap_or(0) >= 5),
            ),
            (
                "maximum_age=11".into(),
                Box::new(|x: &Service| x.maximum_age.unwrap_or(255) <= 11),
            ),
            (
                "minimum_age=4&maximum_age=18".into(),
                Box::new(|x: &Service| {
                    x.minimum_age.unwrap_or(0) >= 4 && x.maximum_age.unwrap_or(255) <= 18
                }),
            ),
            (
                "age=9".into(),
                Box::new(|x: &Service| {
                    x.minimum_age.unwrap_or(0) <= 9 && x.maximum_age.unwrap_or(255) >= 9
                }),
            ),
            (
                "day=SA".into(),
                Box::new(|x: &Service| runs_on(x, Weekday::Sat)),
            ),
            (
                "day=MO,SU".into(),
                Box::new(|x: &Service| runs_on(x, Weekday::Mon) || runs_on(x, Weekday::Sun)),
            ),
            (
                "start_time=10:00".into(),
                Box::new(|x: &Service| first_opening(x).is_some_and(|t| t >= time("10:00"))),
            ),
            (
                "end_time=15:30".into(),
                Box::new(|x: &Service| last_closing(x).is_some_and(|t| t <= time("15:30"))),
            ),
            (
                "day=TU&start_time=09:00&end_time=17:00".into(),
                Box::new(|x: &Service| {
                    runs_on(x, Weekday::Tue)
                        && first_opening(x).is_some_and(|t| t >= time("09:00"))
                        && last_closing(x).is_some_and(|t| t <= time("17:00"))
                }),
            ),
            (
                format!("organization_id={org}"),
                Box::new(|x: &Service| x.organization_id == org),
            ),
            (
                format!("search=club&taxonomy_term_id={autism}&minimum_age=5"),
                Box::new(|x: &Service| {
                    s.has_words(x, "club")
                        && x.terms.iter().any(|t| t == autism)
                        && x.minimum_age.unwrap_or(0) >= 5
                }),
            ),
        ];
        for (query, keep) in &cases {
            let what = format!("{backend:?} ?{query}");
            let want: BTreeSet<String> = active
                .iter()
                .filter(|x| keep(x))
                .map(|x| x.id.clone())
                .collect();
            assert!(
                !want.is_empty(),
                "{what} finds nothing in the demo: choose another"
            );
            // Every demo service has some term of each taxonomy, so `taxonomy_id` cannot narrow.
            assert!(
                want.len() < active.len() || query.starts_with("taxonomy_id="),
                "{what} narrows nothing: choose another"
            );
            let (total, items) = walk(&mut client, &oruk, services, query, 200).await;
            let got: BTreeSet<String> = ids(&items).into_iter().collect();
            assert_eq!(total, want.len() as u64, "{what}: total_items");
            assert_eq!(got, want, "{what}: the services found");
            // By location: every location of each service found.
            let want_sals: BTreeSet<String> = active
                .iter()
                .filter(|x| keep(x))
                .flat_map(|x| x.locations.iter().map(|l| l.id.clone()))
                .collect();
            let (_, items) = walk(&mut client, &oruk, sals, query, 200).await;
            let got_sals: BTreeSet<String> = ids(&items).into_iter().collect();
            assert_eq!(
                got_sals, want_sals,
                "{what}: the services at locations found"
            );
            for item in &items {
                assert!(
                    want.contains(item["service_id"].as_str().unwrap()),
                    "{what}: {item}"
                );
            }
        }

        // Searches that match nothing answer an empty page, which is valid too.
        for query in [
            "search=zzyzxqq".to_string(),
            "taxonomy_term_id=00000000-0000-4000-8000-000000000000".to_string(),
            "taxonomy_id=00000000-0000-4000-8000-000000000000".to_string(),
            "modified_after=2100-01-01T00:00:00Z".to_string(),
            "minimum_age=12&maximum_age=5".to_string(),
        ] {
            for endpoint in [services, sals] {
                let path = path_of(endpoint.name, &query);
                let page = ok_json(&mut client, &path).await;
                let items = check_page(&oruk, endpoint, &path, &page, 1, 1000);
                assert!(items.is_empty(), "{backend:?} {path} finds nothing");
                assert_eq!(page["total_pages"], 0, "{path}");
                assert_eq!(page["empty"], true, "{path}");
            }
        }

        // `full=true` lists the services, and the services at locations, as their items by id.
        for endpoint in [services, sals] {
            let path = path_of(endpoint.name, "search=club&full=true&per_page=30");
            let page = ok_json(&mut client, &path).await;
            assert_eq!(
                number(&page, "total_pages"),
                number(&page, "total_items").div_ceil(30)
            );
            let items = page["contents"].as_array().expect("contents");
            assert!(!items.is_empty(), "{path}");
            for item in items {
                assert_eq!(
                    schema_errors(&endpoint.single, item),
                    Vec::<String>::new(),
                    "{backend:?} {path}: {item:#}"
                );
                let by_id = ok_json(
                    &mut client,
                    &format!("/api/oruk/{}/{}", endpoint.name, id_of(item)),
                )
                .await;
                assert_eq!(item, &by_id, "{backend:?} {path}: as by id");
            }
        }

        // page and per_page pick the slice of the whole result.
        let (_, all) = walk(&mut client, &oruk, services, "search=club", 200).await;
        assert!(all.len() > 8, "{backend:?}: enough clubs to page through");
        let path = "/api/oruk/services?search=club&page=2&per_page=3";
        let page = ok_json(&mut client, path).await;
        let got = check_page(&oruk, services, path, &page, 2, 3);
        assert_eq!(ids(&got), ids(&all[3..6]), "{backend:?} {path}");

        // Near a postcode district: within the distance, nearest first.
        let (nr2, _) = app
            .app
            .locate_postcode("NR2")
            .await
            .unwrap()
            .expect("NR2 is known");
        for proximity in [3_000u32, 8_047, 25_000] {
            let what = format!("{backend:?} NR2 within {proximity} m");
            let limit = f64::from(proximity);
            let query = format!("postcode=NR2&proximity={proximity}");
            let (_, items) = walk(&mut client, &oruk, services, &query, 200).await;
            let distances: Vec<f64> = items
                .iter()
                .map(|item| {
                    let service = stored.service(&id_of(item));
                    nearest(service, nr2).expect("a service found by distance has a location")
                })
                .collect();
            for (item, d) in items.iter().zip(&distances) {
                assert!(
                    *d <= limit * (1.0 + SLACK) + 1.0,
                    "{what}: {} is {d:.0} m away",
                    item["name"]
                );
            }
            assert_nearest_first(&distances, &what);
            let got: BTreeSet<String> = ids(&items).into_iter().collect();
            let missing: Vec<&str> = active
                .iter()
                .filter(|x| nearest(x, nr2).is_some_and(|d| d < limit * (1.0 - SLACK)))
                .filter(|x| !got.contains(&x.id))
                .map(|x| x.name.as_str())
                .collect();
            assert_eq!(missing, Vec::<&str>::new(), "{what}: services left out");
            assert!(!items.is_empty(), "{what} finds something");
            assert!(items.len() < active.len(), "{what} leaves something out");

            // By location: each location within the distance, nearest first, none left out.
            let (_, items) = walk(&mut client, &oruk, sals, &query, 200).await;
            let distances: Vec<f64> = items
                .iter()
                .map(|item| nr2.distance_metres(point_of(&item["location"])))
                .collect();
            assert!(
                distances.iter().all(|d| *d <= limit * (1.0 + SLACK) + 1.0),
                "{what}: {distances:?}"
            );
            assert_nearest_first(&distances, &format!("{what}, by location"));
            let got: BTreeSet<String> = ids(&items).into_iter().collect();
            let missing: Vec<String> = active
                .iter()
                .flat_map(|x| x.locations.iter())
                .filter(|l| {
                    nr2.distance_metres(Point {
                        latitude: l.location.latitude,
                        longitude: l.location.longitude,
                    }) < limit * (1.0 - SLACK)
                })
                .filter(|l| !got.contains(&l.id))
                .map(|l| l.location.name.clone())
                .collect();
            assert_eq!(missing, Vec::<String>::new(), "{what}: locations left out");
        }

        // A postcode without a distance orders everything by distance, those with no place last.
        let (total, items) = walk(&mut client, &oruk, services, "postcode=NR2", 200).await;
        assert_eq!(
            total,
            active.len() as u64,
            "{backend:?}: postcode alone filters nothing"
        );
        let distances: Vec<Option<f64>> = items
            .iter()
            .map(|item| nearest(stored.service(&id_of(item)), nr2))
            .collect();
        let placed = distances.iter().take_while(|d| d.is_some()).count();
        assert!(
            distances[placed..].iter().all(Option::is_none),
            "{backend:?}: services with no place come after those with one"
        );
        let placed: Vec<f64> = distances.iter().flatten().copied().collect();
        assert_nearest_first(&placed, &format!("{backend:?} NR2, any distance"));

        // The vocabulary's own filters.
        let terms = oruk.endpoint("taxonomy_terms");
        let (_, needs) = walk(
            &mut client,
            &oruk,
            terms,
            &format!("taxonomy_id={NEEDS_TAXONOMY}"),
            200,
        )
        .await;
        let want: Vec<String> = stored
            .terms
            .iter()
            .filter(|t| t.taxonomy_id == NEEDS_TAXONOMY)
            .map(|t| t.id.clone())
            .collect();
        assert_eq!(ids(&needs), want, "{backend:?}: the needs terms");
        let (_, top) = walk(&mut client, &oruk, terms, "top_only=true", 200).await;
        assert_eq!(
            top.len(),
            stored
                .terms
                .iter()
                .filter(|t| t.parent_id.is_none())
                .count()
        );
        let (_, found) = walk(&mut client, &oruk, terms, "search=AUTISM", 200).await;
        assert_eq!(ids(&found), vec![autism.to_string()], "{backend:?}");

        let organizations = oruk.endpoint("organizations");
        let word = stored.organizations[0]
            .name
            .split_whitespace()
            .next()
            .unwrap()
            .to_lowercase();
        let (_, found) = walk(
            &mut client,
            &oruk,
            organizations,
            &format!("search={word}"),
            200,
        )
        .await;
        let want: BTreeSet<String> = stored
            .organizations
            .iter()
            .filter(|o| o.name.to_lowercase().contains(&word))
            .map(|o| o.id.clone())
            .collect();
        assert!(!want.is_empty());
        assert_eq!(
            ids(&found).into_iter().collect::<BTreeSet<_>>(),
            want,
            "{backend:?}: organisations named {word}"
        );
    }
}

/// A path under the API that names nothing is an error any origin may read too.
#[tokio::test]
async fn unknown_paths_under_the_api_answer_404_json_to_any_origin() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut client = app.client();
    for path in [
        "/api/oruk/nonsense",
        "/api/oruk/nonsense/",
        "/api/oruk/services//",
        "/api/oruk/services/00000000-0000-4000-8000-000000000000/extra",
    ] {
        error_json(&mut client, path, StatusCode::NOT_FOUND, "not_found").await;
    }
}

#[tokio::test]
async fn bad_parameters_and_unknown_ids_answer_json_errors_on_every_database() {
    let searches: &[(&str, &[&str])] = &[
        ("minimum_age=abc", &["minimum_age"]),
        ("maximum_age=-3", &["maximum_age"]),
        ("age=40", &["age"]),
        ("day=funday", &["day"]),
        ("start_time=25:00", &["start_time"]),
        ("end_time=noon", &["end_time"]),
        ("proximity=8047", &["postcode"]),
        ("postcode=NR2&proximity=0", &["proximity"]),
        ("postcode=NR2&proximity=far", &["proximity"]),
        ("postcode=NR2&proximity=99999999", &["proximity"]),
        ("postcode=ZZ99", &["postcode"]),
        ("postcode=not+a+place&proximity=1000", &["postcode"]),
        ("modified_after=yesterday", &["modified_after"]),
        ("page=0", &["page"]),
        ("page=two", &["page"]),
        ("per_page=0", &["per_page"]),
        ("per_page=-5", &["per_page"]),
        // A page size past the most is clamped, not refused (see `bulk_readers_...`).
        (
            "minimum_age=x&day=someday&per_page=9999",
            &["minimum_age", "day"],
        ),
    ];
    let paging: &[(&str, &[&str])] = &[
        ("page=0", &["page"]),
        ("page=-1", &["page"]),
        ("per_page=abc", &["per_page"]),
        ("per_page=1.5", &["per_page"]),
        ("page=x&per_page=0", &["page", "per_page"]),
    ];
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let stored = Stored::read(&app).await;
        let mut client = app.client();
        for (name, cases) in [
            ("services", searches),
            ("service_at_locations", searches),
            ("taxonomies", paging),
            ("taxonomy_terms", paging),
            ("organizations", paging),
        ] {
            for (query, fields) in cases {
                let path = path_of(name, query);
                let error = error_json(
                    &mut client,
                    &path,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_request",
                )
                .await;
                let named: BTreeSet<&str> = error["fields"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{path}: fields: {error}"))
                    .iter()
                    .map(|f| {
                        assert!(
                            f["message"].as_str().is_some_and(|m| !m.is_empty()),
                            "{path}: {f}"
                        );
                        f["field"].as_str().unwrap_or("")
                    })
                    .collect();
                let want: BTreeSet<&str> = fields.iter().copied().collect();
                assert_eq!(named, want, "{backend:?} {path}: {error}");
            }
        }

        // Unknown ids, ids of the wrong kind, and services that are not running: 404, in JSON.
        let inactive = stored
            .services
            .iter()
            .find(|s| s.status != ServiceStatus::Active && !s.locations.is_empty())
            .expect("the demo has a service that is not running, with a place");
        let active = stored.active()[0];
        let unknown = "00000000-0000-4000-8000-000000000000";
        let mut paths: Vec<String> = Vec::new();
        for name in [
            "services",
            "service_at_locations",
            "taxonomies",
            "taxonomy_terms",
            "organizations",
        ] {
            paths.push(format!("/api/oruk/{name}/{unknown}"));
            paths.push(format!("/api/oruk/{name}/not-an-id"));
        }
        paths.push(format!("/api/oruk/services/{}", inactive.id));
        paths.push(format!(
            "/api/oruk/service_at_locations/{}",
            inactive.locations[0].id
        ));
        paths.push(format!("/api/oruk/service_at_locations/{}", active.id));
        paths.push(format!("/api/oruk/services/{}", active.organization_id));
        paths.push(format!("/api/oruk/organizations/{}", active.id));
        paths.push(format!("/api/oruk/taxonomies/{}", stored.terms[0].id));
        paths.push(format!(
            "/api/oruk/taxonomy_terms/{}",
            stored.taxonomies[0].id
        ));
        for path in &paths {
            error_json(&mut client, path, StatusCode::NOT_FOUND, "not_found").await;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 4. One search, two doors

/// The service ids of a results page, in order, and the number it says it found.
fn page_results(html: &str) -> (Vec<String>, u64) {
    let marker = "href=\"/local-offer/services/";
    let ids = html
        .match_indices(marker)
        .map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"').expect("the link ends")].to_string()
        })
        .collect();
    let heading = "id=\"results\">";
    let at = html.find(heading).expect("the results heading") + heading.len();
    let total = html[at..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("the number found");
    (ids, total)
}

#[tokio::test]
async fn the_search_answers_the_same_in_the_page_and_in_the_api() {
    let oruk = Oruk::new();
    let autism = term_id(NEEDS_TAXONOMY, "autism").unwrap();
    let pairs = [
        ("q=swim".to_string(), "search=swim".to_string()),
        (
            "need=autism&age=9".to_string(),
            format!("taxonomy_term_id={autism}&age=9"),
        ),
        (
            "postcode=NR2&distance=5".to_string(),
            "postcode=NR2&proximity=8047".to_string(),
        ),
    ];
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let mut client = app.client();
        let services = oruk.endpoint("services");
        let mut second_pages = 0;
        for (page_query, api_query) in &pairs {
            for page_number in [1, 2] {
                let what = format!("{backend:?} ?{page_query} / ?{api_query}, page {page_number}");
                let html = client
                    .get(&format!("/local-offer?{page_query}&page={page_number}"))
                    .await;
                assert_eq!(html.status, StatusCode::OK, "{what}");
                let (page_ids, page_total) = page_results(&html.body);
                // The page shows 20 at a time; the API is asked for the same.
                let path = path_of(
                    "services",
                    &with(api_query, &format!("page={page_number}&per_page=20")),
                );
                let api = ok_json(&mut client, &path).await;
                let api_ids = ids(&check_page(&oruk, services, &path, &api, page_number, 20));
                assert_eq!(number(&api, "total_items"), page_total, "{what}: how many");
                assert_eq!(page_ids, api_ids, "{what}: the services, in order");
                assert!(!page_ids.is_empty(), "{what} finds something");
                if page_total <= 20 {
                    break;
                }
                second_pages += page_number - 1;
            }
        }
        assert!(second_pages >= 2, "{backend:?}: second pages compared too");
    }
}
