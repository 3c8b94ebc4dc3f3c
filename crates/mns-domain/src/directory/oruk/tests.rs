//! The ORUK documents checked against the profile's compiled schemas (kept in the crate's test
//! fixtures) and against the no-empty-fields rule.

use super::*;
use crate::directory::{Organization, example_service, is_uuid, taxonomy as builtin};
use serde_json::json;

/// A compiled schema of the profile, copied from the standard into the test fixtures so the
/// crate's tests need nothing outside it.
pub(crate) fn schema(name: &str) -> Value {
    let text = match name {
        "api_details" => include_str!("../../../tests/fixtures/oruk-3.0/api_details.json"),
        "empy_list_response" => {
            include_str!("../../../tests/fixtures/oruk-3.0/empy_list_response.json")
        }
        "organization" => include_str!("../../../tests/fixtures/oruk-3.0/organization.json"),
        "organization_list" => {
            include_str!("../../../tests/fixtures/oruk-3.0/organization_list.json")
        }
        "service" => include_str!("../../../tests/fixtures/oruk-3.0/service.json"),
        "service_list" => include_str!("../../../tests/fixtures/oruk-3.0/service_list.json"),
        "service_at_location" => {
            include_str!("../../../tests/fixtures/oruk-3.0/service_at_location.json")
        }
        "service_at_location_list" => {
            include_str!("../../../tests/fixtures/oruk-3.0/service_at_location_list.json")
        }
        "taxonomy" => include_str!("../../../tests/fixtures/oruk-3.0/taxonomy.json"),
        "taxonomy_list" => include_str!("../../../tests/fixtures/oruk-3.0/taxonomy_list.json"),
        "taxonomy_term" => include_str!("../../../tests/fixtures/oruk-3.0/taxonomy_term.json"),
        "taxonomy_term_list" => {
            include_str!("../../../tests/fixtures/oruk-3.0/taxonomy_term_list.json")
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
        ..Default::default()
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
    // The published OpenAPI document checks this answer against the service schema.
    assert_valid("service", &document);
    assert_eq!(document["name"], service.name.as_str());
    assert_eq!(document["status"], "active");
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
