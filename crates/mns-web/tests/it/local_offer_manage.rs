//! Providers and the council keeping entries whole (issue 18): a provider adds a new service,
//! which waits for the council like a change; the edit form covers every place and every set
//! of opening times, adding and removing them.

use crate::local_offer::{form_of, provider_service};
use crate::support::{Client, TestApp, TestResponse};
use axum::http::StatusCode;
use mns_store::Backend;

async fn post_form(
    client: &mut Client<'_>,
    path: &str,
    page: &TestResponse,
    changes: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> TestResponse {
    let mut fields = form_of(page, changes);
    fields.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string())),
    );
    post_fields(client, path, &fields).await
}

/// Posts owned name–value pairs (a form as `form_of` read it, then changed).
async fn post_fields(
    client: &mut Client<'_>,
    path: &str,
    fields: &[(String, String)],
) -> TestResponse {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(path, &refs).await
}

/// The number of the blank group a form offers for adding (`places` or `times`).
fn blank_group(page: &TestResponse, counter: &str) -> usize {
    let marker = format!("name=\"{counter}\" value=\"");
    let start = page.body.find(&marker).expect("the group count") + marker.len();
    let end = page.body[start..].find('"').unwrap() + start;
    page.body[start..end].parse::<usize>().unwrap() - 1
}

#[tokio::test]
async fn a_provider_adds_a_service_which_waits_for_the_council_and_then_families_find_it() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut provider = app.signed_in("provider@demo.invalid").await;
    let home = provider.get("/local-offer/manage").await;
    assert!(
        home.body
            .contains("href=\"/local-offer/manage/services/new\"")
    );
    let form = provider.get("/local-offer/manage/services/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Add a service"), "{}", form.body);
    let path = "/local-offer/manage/services/new";

    // An empty form names what it needs, and nothing is sent.
    let empty = post_form(&mut provider, path, &form, &[], &[]).await;
    for field in ["name", "description", "free", "local_offer"] {
        assert!(
            empty.body.contains(&format!("href=\"#{field}\"")),
            "{field}: {}",
            empty.body
        );
    }
    // A place half filled in is named by its group.
    let half = post_form(
        &mut provider,
        path,
        &form,
        &[
            ("name", "Riverside Sensory Swim"),
            ("place-0-city", "Norwich"),
        ],
        &[],
    )
    .await;
    assert!(half.body.contains("href=\"#place-0-postal_code\""));

    let sent = post_form(
        &mut provider,
        path,
        &form,
        &[
            ("name", "Riverside Sensory Swim"),
            (
                "description",
                "Quiet swimming sessions for autistic children, with a sensory room.",
            ),
            ("status", "active"),
            ("free", "yes"),
            ("local_offer", "no"),
            ("minimum_age", "4"),
            ("maximum_age", "12"),
            ("place-0-name", "Riverside Pool"),
            ("place-0-address_1", "Marine Parade"),
            ("place-0-city", "Great Yarmouth"),
            ("place-0-postal_code", "NR30 2ER"),
            ("times-0-opens_at", "16:00"),
            ("times-0-closes_at", "17:30"),
        ],
        &[("times-0-day", "mon"), ("times-0-day", "wed")],
    )
    .await;
    assert_eq!(
        sent.location(),
        "/local-offer/manage?submitted=yes",
        "{}",
        sent.body
    );
    let mut family = app.client();
    let before = family.get("/local-offer?q=riverside+sensory+swim").await;
    assert!(
        !before.body.contains("Riverside Sensory Swim"),
        "not yet published"
    );
    let mine = provider.get("/local-offer/manage").await;
    assert!(mine.body.contains("Riverside Sensory Swim"));

    // The council sees a new service waiting, reads it, and approves it.
    let mut officer = app.signed_in("localoffer@demo.invalid").await;
    let waiting = officer.get("/local-offer/manage").await;
    let at = waiting
        .body
        .find("Riverside Sensory Swim")
        .expect("the change is listed");
    let link = &waiting.body[..at];
    let start = link.rfind("/local-offer/manage/changes/").unwrap();
    let change_path = &link[start..link[start..].find('"').unwrap() + start];
    assert!(waiting.body[at..].contains("New service"));
    let shown = officer.get(change_path).await;
    assert!(
        shown.body.contains("Quiet swimming sessions"),
        "{}",
        shown.body
    );
    let approved = officer.post(change_path, &[("decision", "approve")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let found = family.get("/local-offer?q=riverside+sensory+swim").await;
    assert!(
        found.body.contains("Riverside Sensory Swim"),
        "{}",
        found.body
    );
    let found = family
        .get("/local-offer?postcode=NR30&distance=3&day=wednesday")
        .await;
    assert!(found.body.contains("Riverside Sensory Swim"));
}

#[tokio::test]
async fn every_place_and_every_set_of_opening_times_can_be_edited_added_and_removed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (service_id, _) = provider_service(&app).await;
    let stored = || async {
        app.app
            .store_for_tests()
            .directory_service(&service_id)
            .await
            .unwrap()
            .unwrap()
            .service
    };
    let before = stored().await;
    let mut officer = app.signed_in("localoffer@demo.invalid").await;
    let path = format!("/local-offer/manage/services/{service_id}");

    // A second place and a second set of times, through the blank groups.
    let edit = officer.get(&path).await;
    let (p, t) = (blank_group(&edit, "places"), blank_group(&edit, "times"));
    assert_eq!((p, t), (before.locations.len(), before.schedules.len()));
    let (name, address, city, postcode, opens, closes, day) = (
        format!("place-{p}-name"),
        format!("place-{p}-address_1"),
        format!("place-{p}-city"),
        format!("place-{p}-postal_code"),
        format!("times-{t}-opens_at"),
        format!("times-{t}-closes_at"),
        format!("times-{t}-day"),
    );
    let saved = post_form(
        &mut officer,
        &path,
        &edit,
        &[
            (&name, "Marina Centre"),
            (&address, "Marine Parade"),
            (&city, "Great Yarmouth"),
            (&postcode, "NR30 2ER"),
            (&opens, "10:00"),
            (&closes, "12:00"),
        ],
        &[(&day, "sat")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let added = stored().await;
    assert_eq!(added.locations.len(), before.locations.len() + 1);
    assert_eq!(added.schedules.len(), before.schedules.len() + 1);
    // What was there keeps its ids and values.
    assert_eq!(added.locations[..p], before.locations[..]);
    assert_eq!(added.schedules[..t], before.schedules[..]);
    let new_place = added.locations.last().unwrap();
    assert_eq!(new_place.location.address.postal_code, "NR30 2ER");
    assert_eq!(
        added.schedules.last().unwrap().days,
        vec![chrono::Weekday::Sat]
    );

    // The added times without any day are refused, naming that group's days.
    let edit = officer.get(&path).await;
    let mut fields = form_of(&edit, &[]);
    fields.retain(|(k, _)| *k != day);
    let bad = post_fields(&mut officer, &path, &fields).await;
    assert!(
        bad.body.contains(&format!("href=\"#{day}\"")),
        "{}",
        bad.body
    );

    // Removing the first place and moving the added times to Sunday.
    let sunday = post_form(&mut officer, &path, &edit, &[], &[]).await;
    assert_eq!(
        sunday.status,
        StatusCode::SEE_OTHER,
        "nothing changed is fine"
    );
    let edit = officer.get(&path).await;
    let mut fields = form_of(&edit, &[("place-0-remove", "yes")]);
    fields.retain(|(k, _)| *k != day);
    fields.push((day.clone(), "sun".into()));
    let saved = post_fields(&mut officer, &path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = stored().await;
    assert_eq!(after.locations.len(), before.locations.len());
    assert!(
        after
            .locations
            .iter()
            .all(|l| l.id != added.locations[0].id)
    );
    assert_eq!(after.locations.last(), added.locations.last());
    assert_eq!(
        after.schedules.last().unwrap().days,
        vec![chrono::Weekday::Sun]
    );
    assert_eq!(
        after.schedules.last().unwrap().id,
        added.schedules.last().unwrap().id
    );
}

/// The Local Offer officer imports from the browser what `mns import directory` imports: the
/// standard's own example file (its off-Earth place named as kept in part), a bad file refused
/// whole with its problems named, and the same bad file with the bad service left out.
#[tokio::test]
async fn the_council_imports_a_file_from_the_browser_and_reads_what_was_kept() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut provider = app.signed_in("provider@demo.invalid").await;
    let refused = provider.get("/local-offer/manage/import").await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let mut officer = app.signed_in("localoffer@demo.invalid").await;
    let home = officer.get("/local-offer/manage").await;
    assert!(home.body.contains("href=\"/local-offer/manage/import\""));
    let form = officer.get("/local-offer/manage/import").await;
    assert_eq!(form.status, StatusCode::OK);

    let example =
        include_bytes!("../../../mns-domain/tests/fixtures/oruk-3.0/example_service_full.json");
    let done = officer
        .upload(
            "/local-offer/manage/import",
            "file",
            "service_full.json",
            example,
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body
            .contains("Imported 1 services from service_full.json"),
        "{}",
        done.body
    );
    assert!(done.body.contains("Kept in part"));
    assert!(done.body.contains("are not on Earth"));
    let mut family = app.client();
    let page = family
        .get("/local-offer/services/ac148810-d857-441c-9679-408f346de14b")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("12 years and over"),
        "ages to 100 read as no upper limit"
    );

    // Two services, one without a name: refused whole, then imported without it.
    let mut bad: serde_json::Value = serde_json::from_slice(example).unwrap();
    bad["id"] = "5c9b5cf4-2f3c-4b7e-9f0e-0d5a0c1e0001".into();
    bad["name"] = "Second Counselling".into();
    let mut nameless = bad.clone();
    nameless["id"] = "5c9b5cf4-2f3c-4b7e-9f0e-0d5a0c1e0002".into();
    nameless["name"] = "".into();
    let list = serde_json::json!([bad, nameless]).to_string();
    let whole = officer
        .upload(
            "/local-offer/manage/import",
            "file",
            "two.json",
            list.as_bytes(),
        )
        .await;
    assert_eq!(
        whole.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        whole.body
    );
    assert!(whole.body.contains("href=\"#file\""));
    assert!(whole.body.contains("service 2"), "{}", whole.body);
    let skipping = officer
        .upload_form(
            "/local-offer/manage/import",
            &[("skip_bad", "yes")],
            "file",
            "two.json",
            list.as_bytes(),
        )
        .await;
    assert!(
        skipping.body.contains("Imported 1 services from two.json"),
        "{}",
        skipping.body
    );
    assert!(skipping.body.contains("Left out"));
    // No file, and a feed that is not HTTPS, are named.
    let none = officer
        .upload("/local-offer/manage/import", "file", "", b"")
        .await;
    assert!(
        none.body.contains("Choose an ORUK JSON or CSV file"),
        "{}",
        none.body
    );
    let feed = officer
        .post(
            "/local-offer/manage/import/feed",
            &[("url", "http://directory.example.org/api")],
        )
        .await;
    assert!(feed.body.contains("href=\"#url\""), "{}", feed.body);
    assert!(feed.body.contains("must start with https://"));
}

/// What the form does not show survives an edit of something else: an imported place with a
/// foreign address and an exact position, a postcode written without its space, opening
/// times with validity dates and a monthly rule, two prices (the form shows one) and an oldest
/// age above the form's range.
#[tokio::test]
async fn an_edit_keeps_what_the_form_does_not_show() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (service_id, _) = provider_service(&app).await;
    let store = app.app.store_for_tests();
    let entry = store.directory_service(&service_id).await.unwrap().unwrap();
    let mut imported = entry.service.clone();
    {
        let place = &mut imported.locations[0].location;
        place.address.postal_code = "nr302er".into();
        place.latitude = 52.60712;
        place.more_addresses.push(mns_domain::directory::Address {
            id: "5c9b5cf4-2f3c-4b7e-9f0e-0d5a0c1e0010".into(),
            address_1: "1-30 Main Street".into(),
            city: "MyCity".into(),
            postal_code: "ABC 1234".into(),
            country: Some("US".into()),
            address_type: Some("postal".into()),
            ..Default::default()
        });
    }
    imported.schedules[0].valid_from = chrono::NaiveDate::from_ymd_opt(2026, 9, 1);
    // Two prices, one with dates, and no upper age limit (another directory's 100).
    imported.maximum_age = Some(100);
    imported.cost_options = vec![
        mns_domain::directory::CostOption {
            id: "5c9b5cf4-2f3c-4b7e-9f0e-0d5a0c1e0012".into(),
            option: Some("Under 18s".into()),
            amount: Some(3.5),
            valid_from: chrono::NaiveDate::from_ymd_opt(2026, 4, 1),
            ..Default::default()
        },
        mns_domain::directory::CostOption {
            id: "5c9b5cf4-2f3c-4b7e-9f0e-0d5a0c1e0013".into(),
            option: Some("Adults".into()),
            amount: Some(5.0),
            ..Default::default()
        },
    ];
    imported.schedules.push(mns_domain::directory::Schedule {
        id: "5c9b5cf4-2f3c-4b7e-9f0e-0d5a0c1e0011".into(),
        days: vec![chrono::Weekday::Mon],
        monthly: true,
        byday: Some("2MO".into()),
        ..Default::default()
    });
    let officer_actor = mns_app::system_actor("test");
    app.app
        .import_directory(
            &officer_actor,
            &[],
            &[],
            std::slice::from_ref(&imported),
            "test",
        )
        .await
        .unwrap();
    let mut officer = app.signed_in("localoffer@demo.invalid").await;
    let path = format!("/local-offer/manage/services/{service_id}");
    let edit = officer.get(&path).await;
    assert!(
        edit.body.contains("The second Monday of the month"),
        "{}",
        edit.body
    );
    let saved = post_form(
        &mut officer,
        &path,
        &edit,
        &[("description", "Described again.")],
        &[],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = store
        .directory_service(&service_id)
        .await
        .unwrap()
        .unwrap()
        .service;
    assert_eq!(after.description, "Described again.");
    assert_eq!(after.locations, imported.locations);
    assert_eq!(after.cost_options, imported.cost_options);
    assert_eq!(after.maximum_age, Some(100));
    assert_eq!(after.schedules, imported.schedules);
    // Changing the monthly rule's day is refused, naming the rule.
    let edit = officer.get(&path).await;
    let mut fields = form_of(&edit, &[]);
    fields.retain(|(k, v)| !(k == "times-1-day" && v == "mon"));
    fields.push(("times-1-day".into(), "tue".into()));
    let refused = post_fields(&mut officer, &path, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("href=\"#times-1-day\""),
        "{}",
        refused.body
    );
}
