//! The import's tests: ORUK pages and services, and CSV files, good and bad.

use super::csv_rows::*;
use super::oruk_feed::*;
use super::*;
use crate::directory::model::{Organization, OrganizationIdentifier, ServiceStatus};
use crate::directory::oruk::tests::{schema, schema_errors};
use crate::directory::taxonomy::{self, NEEDS_TAXONOMY};
use crate::directory::{check_service, is_uuid};
use crate::directory::{example_service, oruk};
use proptest::prelude::*;
use serde_json::Value;
use serde_json::json;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 2).expect("date")
}

fn example_full() -> Value {
    oruk::service_full(
        &example_service(),
        None,
        &taxonomy::builtin_terms(),
        &taxonomy::builtin_taxonomies(),
    )
}

fn rows(error: ImportError) -> Vec<String> {
    match error {
        ImportError::Rows { problems, .. } => problems.iter().map(ToString::to_string).collect(),
        other => panic!("not a row error: {other}"),
    }
}

#[test]
fn the_example_service_comes_back_unchanged_through_oruk() {
    let imported = from_oruk_service(&example_full(), today()).expect("imports");
    assert_eq!(imported.service, example_service());
    assert_eq!(imported.left_out, Vec::<String>::new());
    assert_eq!(imported.organization, None);
    // The terms come back as the built-in ones; the taxonomies by id and name only.
    let builtin = taxonomy::builtin_terms();
    for term in &imported.terms {
        assert!(builtin.contains(term), "{term:?}");
    }
    assert_eq!(imported.terms.len(), 3);
    let names: Vec<&str> = imported
        .taxonomies
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        names,
        vec![
            "SEND needs",
            "Kinds of service",
            "How the service is delivered"
        ]
    );
}

#[test]
fn a_service_with_every_optional_part_empty_comes_back_unchanged() {
    let mut service = example_service();
    service.url = None;
    service.email = None;
    service.minimum_age = None;
    service.maximum_age = None;
    service.local_offer = None;
    service.terms.clear();
    service.contacts.clear();
    service.phones.clear();
    service.schedules.clear();
    service.cost_options.clear();
    service.languages.clear();
    service.service_areas.clear();
    service.funding.clear();
    service.locations.clear();
    service.fees_description = Some("£3 a session".into());
    service.alert = Some("Closed over Easter".into());
    service.accreditations = Some("Swim England".into());
    let document = oruk::service_full(&service, None, &[], &[]);
    let imported = from_oruk_service(&document, today()).expect("imports");
    assert_eq!(imported.service, service);
}

#[test]
fn parts_oruk_writes_differently_come_back_as_they_were() {
    let mut service = example_service();
    // No county: the town is written as `state_province` and must not come back as one.
    service.locations[0].location.address.region = None;
    service.locations[0].location.address.address_2 = Some("Riverside".into());
    service.service_areas[0].description = Some("The city and its suburbs".into());
    service.schedules[0].days = vec![Weekday::Mon, Weekday::Sat];
    service.last_modified = "2026-09-01T10:00:00.123Z".parse().expect("time");
    let document = oruk::service_full(&service, None, &[], &[]);
    let imported = from_oruk_service(&document, today()).expect("imports");
    assert_eq!(imported.service, service);
}

#[test]
fn the_organisation_comes_back_with_the_service() {
    let org = Organization {
        id: example_service().organization_id,
        name: "Splash Swimming Trust".into(),
        description: "Runs swimming clubs.".into(),
        email: None,
        website: Some("https://example.org".into()),
        logo: None,
        uri: None,
        parent_organization_id: None,
        ..Default::default()
    };
    let document = oruk::service_full(&example_service(), Some(&org), &[], &[]);
    let imported = from_oruk_service(&document, today()).expect("imports");
    assert_eq!(imported.organization, Some(org));
}

#[test]
fn the_standards_example_service_is_read() {
    let example: Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/oruk-3.0/example_service_full.json"
    ))
    .expect("JSON");
    let imported = from_oruk_service(&example, today()).expect("imports");
    let s = &imported.service;
    assert_eq!(s.id, "ac148810-d857-441c-9679-408f346de14b");
    assert_eq!(s.organization_id, "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610");
    assert_eq!(s.name, "Community Counselling");
    assert_eq!(s.status, ServiceStatus::Active);
    assert_eq!(s.fees_description.as_deref(), Some("fees_description"));
    assert_eq!((s.minimum_age, s.maximum_age), (Some(12), Some(100)));
    assert_eq!(
        s.last_reviewed,
        NaiveDate::from_ymd_opt(2005, 1, 1).expect("date")
    );
    assert_eq!(
        s.last_modified,
        "2023-03-15T10:30:45.123Z"
            .parse::<DateTime<Utc>>()
            .expect("time")
    );
    let schedule = &s.schedules[0];
    assert_eq!(schedule.days, vec![Weekday::Thu, Weekday::Fri]);
    assert_eq!(schedule.opens_at, NaiveTime::from_hms_opt(10, 0, 0));
    assert_eq!(schedule.closes_at, NaiveTime::from_hms_opt(18, 0, 0));
    assert_eq!(schedule.interval, Some(1));
    assert_eq!(schedule.bymonthday.as_deref(), Some("2,3,4"));
    let jan_1st = NaiveDate::from_ymd_opt(2005, 1, 1);
    assert_eq!(
        (schedule.dtstart, schedule.valid_from, schedule.valid_to),
        (jan_1st, jan_1st, jan_1st)
    );
    assert_eq!(
        schedule.schedule_link.as_deref(),
        Some("http://example.com")
    );
    assert!(schedule.attending_type.is_some() && schedule.notes.is_some());
    assert_eq!(s.assurer_email.as_deref(), Some("email@example.com"));
    // The example's coordinates (100, 101) are not on Earth: the place is left out, and said so.
    assert!(s.locations.is_empty());
    assert_eq!(s.cost_options[0].amount, Some(35.0));
    assert_eq!(
        (s.cost_options[0].valid_from, s.cost_options[0].valid_to),
        (
            NaiveDate::from_ymd_opt(2020, 1, 1),
            NaiveDate::from_ymd_opt(2022, 12, 31)
        )
    );
    let area = &s.service_areas[0];
    assert_eq!(
        (area.extent.as_deref(), area.extent_type.as_deref()),
        (Some("extent"), Some("geojson"))
    );
    assert_eq!(area.uri.as_deref(), Some("http://example.com"));
    assert_eq!(s.contacts[0].name, "Ann Persona");
    assert_eq!(s.funding.len(), 1);
    assert_eq!(s.service_areas.len(), 1);
    assert_eq!(s.local_offer, None);
    let org = imported.organization.as_ref().expect("organisation");
    assert_eq!(org.name, "Example Organization Inc.");
    assert_eq!(
        org.identifiers,
        vec![OrganizationIdentifier {
            id: "d4dbcebc-0802-47cb-8651-b937ac4f2f3e".into(),
            identifier_scheme: Some("GB-COH".into()),
            identifier_type: "Company number".into(),
            identifier: "1234567".into(),
        }]
    );
    // The attribute's term, with a taxonomy made from its free-text `taxonomy`.
    assert_eq!(
        s.terms,
        vec!["3f7b145d-84af-42d7-8fae-eaca714b02b2".to_owned()]
    );
    assert_eq!(imported.terms[0].code, "name");
    assert_eq!(
        imported.terms[0].parent_id.as_deref(),
        Some("0bc248fa-dc27-4650-9ba4-8f1a24ef16a2")
    );
    assert_eq!(imported.taxonomies[0].name, "taxonomy");
    assert_eq!(imported.terms[0].taxonomy_id, imported.taxonomies[0].id);
    // The UK profile's language has no name, so there is nothing to keep.
    assert_eq!(
        imported.left_out,
        vec![
            "languages/0: names no language (no name or code), so it was left out",
            "service_at_locations/0: the location's latitude and longitude (100, 101) are not \
             on Earth, so it was left out"
        ]
    );
    // What is kept passes the directory's rules: ages up to 100 mean "and over".
    assert_eq!(check_service(s), vec![]);
    assert_eq!(s.age_limits(), (Some(12), None));
}

#[test]
fn a_page_of_the_standards_example_feed_is_read() {
    let example: Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/oruk-3.0/example_service_list.json"
    ))
    .expect("JSON");
    let (items, total_pages) = from_oruk_page(&example).expect("a page");
    assert_eq!(total_pages, Some(10));
    assert_eq!(items.len(), 1);
    let imported = from_oruk_service(&items[0], today()).expect("a list item is a service");
    assert_eq!(imported.service.name, "Community Counselling");
    assert!(imported.service.schedules.is_empty());
}

#[test]
fn a_page_without_contents_is_refused() {
    assert_eq!(
        from_oruk_page(&json!({"total_pages": 2})),
        Err(ImportError::Missing {
            field: "contents".into()
        })
    );
    assert!(from_oruk_page(&json!({"contents": {}})).is_err());
    assert!(from_oruk_page(&json!({"contents": [], "total_pages": -1})).is_err());
    assert!(from_oruk_page(&json!("page")).is_err());
    assert_eq!(
        from_oruk_page(&json!([{"id": "x"}])),
        Ok((vec![json!({"id": "x"})], None))
    );
    let (items, pages) = from_oruk_page(&oruk::page(Vec::new(), 0, 1, 20)).expect("page");
    assert_eq!((items.len(), pages), (0, Some(0)));
}

#[test]
fn what_a_service_cannot_do_without_is_named() {
    let mut document = example_full();
    document
        .as_object_mut()
        .expect("object")
        .remove("organization_id");
    assert_eq!(
        from_oruk_service(&document, today()).map(|_| ()),
        Err(ImportError::Missing {
            field: "organization_id".into()
        })
    );
    let mut document = example_full();
    document["status"] = json!("open");
    let error = from_oruk_service(&document, today()).expect_err("bad status");
    assert_eq!(
        error.to_string(),
        "status: must be active, inactive, defunct or temporarily closed"
    );
    let mut document = example_full();
    document["schedules"][0]["opens_at"] = json!("ten o'clock");
    let error = from_oruk_service(&document, today()).expect_err("bad time");
    assert_eq!(
        error.to_string(),
        "schedules/0/opens_at: must be a time like 09:30"
    );
    let mut document = example_full();
    document["service_at_locations"][0]["location"]["latitude"] = json!([52]);
    let error = from_oruk_service(&document, today()).expect_err("bad latitude");
    assert_eq!(
        error.to_string(),
        "service_at_locations/0/location/latitude: must be a number"
    );
}

#[test]
fn a_sparse_feed_is_filled_in_from_today_and_notes_what_it_left_out() {
    let document = json!({
        "id": "ac148810-d857-441c-9679-408f346de14b",
        "organization_id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
        "name": "Drop-in",
        "minimum_age": 0.5,
        "maximum_age": 17.5,
        "schedules": [
            {"freq": "MONTHLY", "byday": "2MO", "opens_at": "09:00Z"},
            {"freq": "YEARLY", "bymonthday": "1"},
        ],
        "service_at_locations": [{"location": {"id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "location_type": "virtual"}}],
        "phones": [{"id": "1554f2e2-a373-45db-a3fa-9fc48a61c15e"}],
        "attributes": [{"id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8e", "taxonomy_term_id": "3f7b145d-84af-42d7-8fae-eaca714b02b2"}],
    });
    let imported = from_oruk_service(&document, today()).expect("imports");
    let s = &imported.service;
    assert_eq!(s.last_reviewed, today());
    assert_eq!(s.last_modified.date_naive(), today());
    assert_eq!((s.minimum_age, s.maximum_age), (Some(0), Some(18)));
    assert_eq!(s.description, "");
    // A monthly rule is kept whole, and runs on Mondays for a search by day.
    assert_eq!(s.schedules[0].days, vec![Weekday::Mon]);
    assert!(s.schedules[0].monthly);
    assert_eq!(s.schedules[0].byday.as_deref(), Some("2MO"));
    assert_eq!(s.schedules[0].description, None);
    // A rule ORUK does not have is kept in words.
    assert_eq!(
        s.schedules[1].description.as_deref(),
        Some("Repeats: YEARLY")
    );
    assert_eq!(s.schedules[0].opens_at, NaiveTime::from_hms_opt(9, 0, 0));
    assert!(s.locations.is_empty());
    assert!(s.phones.is_empty());
    assert_eq!(
        s.terms,
        vec!["3f7b145d-84af-42d7-8fae-eaca714b02b2".to_owned()]
    );
    assert!(imported.terms.is_empty());
    assert_eq!(
        imported.left_out,
        vec![
            "phones/0: has no number, so it was left out",
            "schedules/1: the rule YEARLY is kept as words only, not as days of the week",
            "service_at_locations/0: the location has no latitude and longitude, so it was left out",
        ]
    );
}

#[test]
fn times_are_read_with_or_without_seconds_and_zones() {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
    assert_eq!(time_of_day("09:30"), t(9, 30));
    assert_eq!(time_of_day("09:30:00"), t(9, 30));
    assert_eq!(time_of_day("09:30Z"), t(9, 30));
    assert_eq!(time_of_day("09:30-05:00"), t(9, 30));
    assert_eq!(time_of_day("09:30:00+01:00"), t(9, 30));
    assert_eq!(time_of_day("9.30am"), None);
    assert_eq!(time_of_day("25:00"), None);
}

#[test]
fn days_are_read_in_any_common_spelling() {
    for text in ["MO", "mon", "Monday", "mo"] {
        assert_eq!(weekday(text), Some(Weekday::Mon), "{text}");
    }
    assert_eq!(weekday("Tues"), Some(Weekday::Tue));
    assert_eq!(weekday("Thurs"), Some(Weekday::Thu));
    assert_eq!(weekday("Moon"), None);
    assert_eq!(weekday("M"), None);
    assert_eq!(weekday("Funday"), None);
}

#[test]
fn a_good_spreadsheet_is_imported() {
    let file = include_str!("../../../tests/fixtures/directory_import_good.csv");
    let imported = from_csv(file.as_bytes(), today()).expect("imports");
    assert_eq!(imported.len(), 3);

    let splash = &imported[0].service;
    let example = example_service();
    assert_eq!(splash.id, example.id);
    assert_eq!(splash.name, example.name);
    assert_eq!(splash.terms, example.terms);
    assert_eq!(
        splash.local_offer.as_ref().map(|a| a.contact.as_str()),
        Some("Sam Reed")
    );
    assert_eq!(
        splash.local_offer.as_ref().map(|a| a.funding.as_str()),
        Some("Norfolk County Council")
    );
    assert_eq!(splash.schedules[0].days, vec![Weekday::Sat]);
    assert_eq!(
        splash.schedules[0].closes_at,
        NaiveTime::from_hms_opt(11, 30, 0)
    );
    assert!(splash.is_free());
    let place = &splash.locations[0].location;
    assert_eq!(place.address.postal_code, "NR1 1WX");
    assert_eq!(place.latitude, 52.6237);
    assert_eq!(
        splash.last_reviewed,
        NaiveDate::from_ymd_opt(2026, 9, 1).expect("date")
    );
    assert_eq!(splash.last_modified.date_naive(), today());
    assert_eq!(
        imported[0].organization.as_ref().map(|o| o.name.as_str()),
        Some("Splash Swimming Trust")
    );

    let coffee = &imported[1].service;
    assert!(is_uuid(&coffee.id));
    assert_eq!(coffee.local_offer, None);
    assert_eq!(coffee.schedules[0].days, vec![Weekday::Mon, Weekday::Wed]);
    assert_eq!(coffee.cost_options[0].amount, Some(2.5));
    assert_eq!(
        coffee.cost_options[0].amount_description.as_deref(),
        Some("£2.50 per session")
    );
    assert!(!coffee.is_free());
    assert_eq!(coffee.terms.len(), 5);
    assert_eq!(
        coffee.last_reviewed,
        NaiveDate::from_ymd_opt(2026, 8, 1).expect("date")
    );

    let advice = &imported[2].service;
    assert_eq!(
        advice.fees_description.as_deref(),
        Some("Donations welcome")
    );
    assert!(advice.cost_options.is_empty());
    assert!(!advice.is_free());
    assert_eq!(advice.last_reviewed, today());
    // One organisation for the two rows that name it.
    assert_eq!(coffee.organization_id, advice.organization_id);
    assert_ne!(coffee.organization_id, splash.organization_id);
}

#[test]
fn ids_made_for_rows_without_one_are_the_same_on_every_import() {
    let file = include_str!("../../../tests/fixtures/directory_import_good.csv");
    let ids = |text: &str| -> Vec<String> {
        from_csv(text.as_bytes(), today())
            .expect("imports")
            .into_iter()
            .map(|i| i.service.id)
            .collect()
    };
    assert_eq!(ids(file), ids(file));
    // Case and spacing in the organisation and name do not make a different service.
    let respelt = file.replace(
        "Norfolk Parent Forum,SEND advice line",
        "norfolk  parent forum,Send Advice Line",
    );
    assert_eq!(ids(file), ids(&respelt));
}

#[test]
fn an_imported_spreadsheet_is_valid_oruk() {
    let file = include_str!("../../../tests/fixtures/directory_import_good.csv");
    for imported in from_csv(file.as_bytes(), today()).expect("imports") {
        let document = oruk::service_full(
            &imported.service,
            imported.organization.as_ref(),
            &taxonomy::builtin_terms(),
            &taxonomy::builtin_taxonomies(),
        );
        assert_eq!(
            schema_errors(&schema("service"), &document),
            Vec::<String>::new()
        );
        assert_eq!(oruk::empty_fields(&document), Vec::<String>::new());
    }
}

#[test]
fn a_spreadsheet_with_two_bad_rows_is_refused_naming_every_problem() {
    let file = include_str!("../../../tests/fixtures/directory_import_bad.csv");
    let error = from_csv(file.as_bytes(), today()).expect_err("refused");
    let needs: Vec<String> = taxonomy::builtin_terms()
        .into_iter()
        .filter(|t| t.taxonomy_id == NEEDS_TAXONOMY)
        .map(|t| t.code)
        .collect();
    assert_eq!(
        rows(error.clone()),
        vec![
            "line 3, column maximum_age: must be a whole number from 0 to 25".to_owned(),
            format!("line 3, column needs: \"autsim\" is not a need code; the codes are {}", needs.join(", ")),
            "line 5, column email: Enter an email address in the correct format, like name@example.com".to_owned(),
            "line 5, column closes_at: The closing time must be after the opening time".to_owned(),
        ]
    );
    assert!(error.to_string().starts_with(
        "the file was not imported; put these right and try again:\nline 3, column maximum_age:"
    ));
}

#[test]
fn columns_are_found_by_name_not_position() {
    let file = "description,name,organization,maximum_age\nA chat.,Coffee mornings,Norfolk Parent Forum,12\n";
    let imported = from_csv(file.as_bytes(), today()).expect("imports");
    assert_eq!(imported[0].service.name, "Coffee mornings");
    assert_eq!(imported[0].service.maximum_age, Some(12));
    assert_eq!(
        imported[0].organization.as_ref().map(|o| o.name.as_str()),
        Some("Norfolk Parent Forum")
    );
}

#[test]
fn an_unknown_or_missing_column_is_named() {
    let file = "organisation,name,maximum age,maxium_age\nA,B,1,2\n";
    assert_eq!(
        rows(from_csv(file.as_bytes(), today()).expect_err("refused"))
            .iter()
            .map(|p| p.split(':').next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>(),
        vec!["line 1, column maxium_age", "line 1, column description"]
    );
}

#[test]
fn a_repeated_service_is_refused() {
    let file = "organisation,name,description\nForum,Coffee,A chat.\nforum,coffee ,Another chat.\n";
    assert_eq!(
        rows(from_csv(file.as_bytes(), today()).expect_err("refused")),
        vec![
            "line 3, column name: is the same service as line 2 (the same id, or the same organisation and name)"
        ]
    );
}

#[test]
fn row_problems_are_counted_beyond_the_limit() {
    let mut file = String::from("organisation,name,description,maximum_age\n");
    for n in 0..(MAX_ROW_PROBLEMS + 7) {
        file.push_str(&format!("Forum,Club {n},A club.,99\n"));
    }
    match from_csv(file.as_bytes(), today()) {
        Err(ImportError::Rows { problems, more }) => {
            assert_eq!(problems.len(), MAX_ROW_PROBLEMS);
            assert_eq!(more, 7);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn excel_files_with_a_byte_order_mark_and_crlf_are_read() {
    let file = "\u{feff}organisation,name,description\r\nForum,Coffee,A chat.\r\n\r\n";
    let imported = from_csv(file.as_bytes(), today()).expect("imports");
    assert_eq!(imported.len(), 1);
    assert_eq!(imported[0].service.description, "A chat.");
}

#[test]
fn a_row_that_is_not_utf8_is_named() {
    let mut file = b"organisation,name,description\nForum,Coffee,A chat.\nForum,Caf".to_vec();
    file.extend([0xe9, b',', b'A', b'\n']);
    assert_eq!(
        rows(from_csv(file.as_slice(), today()).expect_err("refused")),
        vec!["line 3: is not UTF-8 text; save the spreadsheet as \"CSV UTF-8\" and try again"]
    );
}

#[test]
fn a_location_needs_its_address_and_coordinates() {
    let file = "organisation,name,description,location_name,postcode,latitude\nForum,Coffee,A chat.,Library,NR2,91\n";
    assert_eq!(
        rows(from_csv(file.as_bytes(), today()).expect_err("refused")),
        vec![
            "line 2, column address_1: enter the first line of the address",
            "line 2, column city: enter the town or city",
            "line 2, column postcode: Postcode should have 5 to 7 letters and numbers, like NR2 1AB, but this one has 3",
            "line 2, column latitude: must be a number from -90 to 90, like 52.6286",
            "line 2, column longitude: enter the longitude of the location, like 1.2924",
        ]
    );
}

#[test]
fn local_offer_answers_need_local_offer_yes() {
    let file = "organisation,name,description,local_offer,who_for\nForum,Coffee,A chat.,,Parents\nForum,Tea,A chat.,maybe,\n";
    assert_eq!(
        rows(from_csv(file.as_bytes(), today()).expect_err("refused")),
        vec![
            "line 2, column who_for: is a Local Offer answer: put yes in local_offer, or leave this empty",
            "line 3, column local_offer: must be yes or no",
        ]
    );
}

#[test]
fn costs_in_words_are_understood() {
    let cost = |text: &str| {
        let file = format!("organisation,name,description,cost\nForum,Coffee,A chat.,\"{text}\"\n");
        let s = from_csv(file.as_bytes(), today())
            .expect("imports")
            .remove(0)
            .service;
        (
            s.cost_options.first().and_then(|c| c.amount),
            s.fees_description.clone(),
            s.is_free(),
        )
    };
    assert_eq!(cost("Free"), (Some(0.0), None, true));
    assert_eq!(cost("0"), (Some(0.0), None, true));
    assert_eq!(cost("£0.00"), (Some(0.0), None, true));
    assert_eq!(cost("3.50"), (Some(3.5), None, false));
    assert_eq!(cost("£4 a session"), (Some(4.0), None, false));
    assert_eq!(cost("Varies"), (None, Some("Varies".into()), false));
}

#[test]
fn a_file_with_only_column_names_imports_nothing() {
    assert_eq!(
        from_csv("organisation,name,description\n".as_bytes(), today()),
        Ok(Vec::new())
    );
    assert!(from_csv("".as_bytes(), today()).is_err());
}

/// The JSON pointer of every value in `value`, itself included.
fn every_pointer(value: &Value, pointer: String, found: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (key, child) in fields {
                every_pointer(child, format!("{pointer}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (n, child) in items.iter().enumerate() {
                every_pointer(child, format!("{pointer}/{n}"), found);
            }
        }
        _ => {}
    }
    found.push(pointer);
}

proptest! {
    #[test]
    fn from_csv_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = from_csv(bytes.as_slice(), today());
    }

    #[test]
    fn from_csv_never_panics_on_rows_of_any_text(
        cells in proptest::collection::vec(proptest::collection::vec(".{0,12}", 0..12), 0..6)
    ) {
        let mut file = CSV_COLUMNS[..11].join(",");
        for row in cells {
            file.push('\n');
            file.push_str(&row.join(","));
        }
        let _ = from_csv(file.as_bytes(), today());
    }

    #[test]
    fn from_oruk_service_never_panics_when_any_field_is_wrong(
        which in 0usize..1000,
        replacement in prop_oneof![
            Just(Value::Null),
            Just(json!(-1)),
            Just(json!(1e300)),
            Just(json!(0.5)),
            Just(json!("")),
            Just(json!("MO,2XX,-1FR")),
            Just(json!("24:61")),
            Just(json!(["x"])),
            Just(json!({})),
            Just(json!(true)),
        ],
    ) {
        let mut document = example_full();
        let mut pointers = Vec::new();
        every_pointer(&document, String::new(), &mut pointers);
        let pointer = &pointers[which % pointers.len()];
        if let Some(slot) = document.pointer_mut(pointer) {
            *slot = replacement;
        }
        let _ = from_oruk_service(&document, today());
    }

    #[test]
    fn from_oruk_service_never_panics_on_any_json(text in "\\PC{0,200}") {
        if let Ok(value) = serde_json::from_str::<Value>(&text) {
            let _ = from_oruk_service(&value, today());
            let _ = from_oruk_page(&value);
        }
    }
}
