//! Round trips of what other directories' feeds carry beyond the council's own forms (issue
//! 18): every optional field out through ORUK and back, and the standard's own example read in
//! full.

use super::oruk_feed::*;
use crate::directory::model::{Address, Organization, OrganizationIdentifier, Schedule, Service};
use crate::directory::oruk::tests::{schema, schema_errors};
use crate::directory::{example_service, oruk};
use chrono::{NaiveDate, NaiveTime, Weekday};
use serde_json::{Value, json};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 2).expect("date")
}

/// A service using every field ORUK carries that the directory's own forms do not fill in.
fn service_with_every_field() -> (Service, Organization) {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    let mut service = example_service();
    service.assurer_email = Some("checker@norfolk.gov.uk".into());
    service.maximum_age = Some(100);
    let weekly = &mut service.schedules[0];
    weekly.interval = Some(2);
    weekly.dtstart = day(2026, 9, 7);
    weekly.valid_from = day(2026, 9, 1);
    weekly.valid_to = day(2027, 7, 23);
    weekly.schedule_link = Some("https://example.org/splash/timetable".into());
    weekly.attending_type = Some("In person".into());
    weekly.notes = Some("No session on inset days".into());
    service.schedules.push(Schedule {
        id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0020".into(),
        days: vec![Weekday::Mon, Weekday::Fri],
        monthly: true,
        byday: Some("2MO,-1FR".into()),
        opens_at: NaiveTime::from_hms_opt(18, 0, 0),
        closes_at: NaiveTime::from_hms_opt(19, 0, 0),
        ..Schedule::default()
    });
    service.schedules.push(Schedule {
        id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0021".into(),
        monthly: true,
        bymonthday: Some("1,15".into()),
        description: Some("Parents' drop-in".into()),
        ..Schedule::default()
    });
    service.cost_options[0].valid_from = day(2026, 4, 1);
    service.cost_options[0].valid_to = day(2027, 3, 31);
    let area = &mut service.service_areas[0];
    area.extent = Some(r#"{"type":"Point","coordinates":[1.29,52.63]}"#.into());
    area.extent_type = Some("geojson".into());
    area.uri = Some("https://statistics.data.gov.uk/id/statistical-geography/E07000148".into());
    let place = &mut service.locations[0].location;
    place.external_identifier = Some("10092008082".into());
    place.external_identifier_type = Some("UPRN".into());
    place.accessibility[0].url = Some("https://example.org/splash/access".into());
    place.more_addresses.push(Address {
        id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0022".into(),
        attention: Some("FAO the club secretary".into()),
        address_1: "PO Box 12".into(),
        city: "Norwich".into(),
        region: Some("Norfolk".into()),
        postal_code: "NR1 9ZZ".into(),
        address_type: Some("postal".into()),
        ..Address::default()
    });
    place.more_addresses.push(Address {
        id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0023".into(),
        address_1: "1 Rue de la Piscine".into(),
        city: "Rouen".into(),
        region: Some("Normandie".into()),
        state_province: Some("Seine-Maritime".into()),
        postal_code: "76000".into(),
        country: Some("FR".into()),
        address_type: Some("postal".into()),
        ..Address::default()
    });
    let organization = Organization {
        id: service.organization_id.clone(),
        name: "Splash Swimming Trust".into(),
        description: "Runs swimming clubs.".into(),
        identifiers: vec![OrganizationIdentifier {
            id: "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0024".into(),
            identifier_scheme: Some("GB-CHC".into()),
            identifier_type: "Charity number".into(),
            identifier: "1234567".into(),
        }],
        ..Organization::default()
    };
    (service, organization)
}

#[test]
fn every_field_oruk_carries_comes_back_unchanged() {
    let (service, organization) = service_with_every_field();
    let document = oruk::service_full(&service, Some(&organization), &[], &[]);
    assert_eq!(
        schema_errors(&schema("service"), &document),
        Vec::<String>::new()
    );
    assert_eq!(oruk::empty_fields(&document), Vec::<String>::new());
    let imported = from_oruk_service(&document, today()).expect("imports");
    assert_eq!(imported.left_out, Vec::<String>::new());
    assert_eq!(imported.organization, Some(organization));
    assert_eq!(imported.service, service);
    // And what ORUK readers see: the rules as the standard writes them.
    assert_eq!(document["schedules"][1]["freq"], "MONTHLY");
    assert_eq!(document["schedules"][1]["byday"], "2MO,-1FR");
    assert_eq!(document["schedules"][0]["interval"], 2);
    let addresses = &document["service_at_locations"][0]["location"]["addresses"];
    assert_eq!(addresses[2]["country"], "FR");
    assert_eq!(addresses[2]["state_province"], "Seine-Maritime");
    assert_eq!(addresses[1]["address_type"], "postal");
}

#[test]
fn schedules_are_told_in_words() {
    use crate::directory::search::schedule_days;
    let (service, _) = service_with_every_field();
    let words: Vec<String> = service.schedules.iter().map(schedule_days).collect();
    assert_eq!(
        words,
        vec![
            "Every 2 weeks: Saturday",
            "The second Monday and the last Friday of the month",
            "Days 1 and 15 of the month",
        ]
    );
}

#[test]
fn the_standards_example_place_is_read_in_full_when_it_is_on_earth() {
    let mut example: Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/oruk-3.0/example_service_full.json"
    ))
    .expect("JSON");
    example["service_at_locations"][0]["location"]["latitude"] = json!(52.6309);
    example["service_at_locations"][0]["location"]["longitude"] = json!(1.2974);
    let place = &example["service_at_locations"][0]["location"];
    let imported = from_oruk_service(&example, today()).expect("imports");
    let location = &imported.service.locations[0].location;
    assert_eq!(location.name, "MyCity Civic Center");
    assert_eq!(location.external_identifier.as_deref(), Some("10092008082"));
    assert_eq!(location.external_identifier_type.as_deref(), Some("UPRN"));
    let address = &location.address;
    assert_eq!(address.attention.as_deref(), Some("A. Persona"));
    assert_eq!(address.region.as_deref(), Some("MyRegion"));
    assert_eq!(address.state_province.as_deref(), Some("MyState"));
    assert_eq!(address.country.as_deref(), Some("US"));
    assert_eq!(address.address_type.as_deref(), Some("postal"));
    assert_eq!(address.postal_code, "ABC 1234");
    assert_eq!(
        location.accessibility[0].url.as_deref(),
        Some("http://example.com")
    );
    // And out again as the standard wrote it.
    let out = oruk::service_full(&imported.service, None, &[], &[]);
    let written = &out["service_at_locations"][0]["location"];
    for key in ["external_identifier", "external_identifier_type"] {
        assert_eq!(written[key], place[key], "{key}");
    }
    for key in [
        "id",
        "attention",
        "address_1",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ] {
        assert_eq!(
            written["addresses"][0][key], place["addresses"][0][key],
            "{key}"
        );
    }
}

#[test]
fn what_oruk_cannot_carry_is_left_out_or_written_as_the_standard_writes_it() {
    let mut document = oruk::service_full(&example_service(), None, &[], &[]);
    let place = &mut document["service_at_locations"][0]["location"];
    place["addresses"][0]["country"] = json!("United Kingdom");
    place["addresses"]
        .as_array_mut()
        .expect("addresses")
        .push(json!({"id": "5c9b5cf4-2f3c-4b7e-9f0e-0d5a0c1e0020", "address_1": "PO Box 1", "address_type": "postal"}));
    document["schedules"][0]["byday"] = json!("MON, TUE");
    document["schedules"]
        .as_array_mut()
        .expect("schedules")
        .push(json!({"id": "5c9b5cf4-2f3c-4b7e-9f0e-0d5a0c1e0021", "freq": "MONTHLY", "byday": "+2mo"}));
    document["schedules"]
        .as_array_mut()
        .expect("schedules")
        .push(
            json!({"id": "5c9b5cf4-2f3c-4b7e-9f0e-0d5a0c1e0022", "freq": "DAILY", "interval": 2}),
        );
    let imported = from_oruk_service(&document, today()).expect("imports");
    let s = &imported.service;
    let location = &s.locations[0].location;
    assert_eq!(location.address.country, None, "not a country code: here");
    assert!(location.more_addresses.is_empty());
    assert!(
        imported
            .left_out
            .iter()
            .any(|n| n.contains("further addresses")),
        "{:?}",
        imported.left_out
    );
    // A weekly rule in other spellings is just its days; a monthly one keeps its ordinal, as
    // iCalendar writes it; a daily one is words, without an interval that would read as weeks.
    assert_eq!(s.schedules[0].days, vec![Weekday::Mon, Weekday::Tue]);
    assert_eq!(s.schedules[0].byday, None);
    assert_eq!(s.schedules[1].byday.as_deref(), Some("2MO"));
    assert_eq!(s.schedules[2].interval, None);
    let out = oruk::service_full(s, None, &[], &[]);
    assert_eq!(out["schedules"][0]["byday"], "MO,TU");
    assert_eq!(out["schedules"][1]["byday"], "2MO");
    assert_eq!(
        schema_errors(&schema("service"), &out),
        Vec::<String>::new()
    );
}
