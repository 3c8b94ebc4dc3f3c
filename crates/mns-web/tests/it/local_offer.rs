//! The Local Offer through the HTTP layer: a provider's change waits for the council, the
//! council approves, rejects with a reason, and restores; families search, use the guided
//! search, keep a shortlist and leave feedback; stale entries' owners are reminded once.

use crate::support::{TestApp, TestResponse};
use axum::http::StatusCode;
use mns_store::Backend;

pub(crate) async fn provider_service(app: &TestApp) -> (String, String) {
    let store = &app.app.store_for_tests();
    let provider = store
        .find_user_by_email("provider@demo.invalid")
        .await
        .unwrap()
        .unwrap();
    let org = store.organizations_of_user(&provider.id).await.unwrap()[0]
        .id
        .clone();
    let entries = store.services_of_organization(&org).await.unwrap();
    let entry = entries
        .iter()
        .find(|e| e.service.status == mns_domain::directory::ServiceStatus::Active)
        .unwrap();
    (entry.service.id.clone(), org)
}

/// The edit form as the page shows it, with `changes` applied.
pub(crate) fn form_of(page: &TestResponse, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    fn attr(tag: &str, name: &str) -> Option<String> {
        let marker = format!(" {name}=\"");
        let start = tag.find(&marker)? + marker.len();
        let end = tag[start..].find('"')? + start;
        Some(tag[start..end].to_string())
    }
    let body = &page.body;
    let mut fields: Vec<(String, String)> = Vec::new();
    for part in body.split("<input").skip(1) {
        let tag = &part[..part.find('>').unwrap_or(part.len())];
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        let kind = attr(tag, "type").unwrap_or_default();
        if name == "csrf_token"
            || ((kind == "checkbox" || kind == "radio") && !tag.contains(" checked"))
        {
            continue;
        }
        fields.push((name, html_unescape(&attr(tag, "value").unwrap_or_default())));
    }
    for part in body.split("<textarea").skip(1) {
        let tag_end = part.find('>').unwrap_or(0);
        let Some(name) = attr(&part[..tag_end], "name") else {
            continue;
        };
        let text_end = part.find("</textarea>").unwrap_or(tag_end + 1);
        fields.push((name, html_unescape(&part[tag_end + 1..text_end])));
    }
    for part in body.split("<select").skip(1) {
        let tag_end = part.find('>').unwrap_or(0);
        let Some(name) = attr(&part[..tag_end], "name") else {
            continue;
        };
        let options = &part[..part.find("</select>").unwrap_or(part.len())];
        let chosen = options
            .split("<option")
            .skip(1)
            .find(|o| o[..o.find('>').unwrap_or(0)].contains(" selected"))
            .and_then(|o| attr(&o[..o.find('>').unwrap_or(0)], "value"));
        fields.push((name, chosen.unwrap_or_default()));
    }
    for (k, v) in changes {
        fields.retain(|(name, _)| name != k);
        fields.push(((*k).to_string(), (*v).to_string()));
    }
    fields
}

fn html_unescape(text: &str) -> String {
    text.replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn a_providers_change_waits_for_the_council_then_is_published_and_can_be_restored() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (service_id, _) = provider_service(&app).await;
    let before = app
        .app
        .store_for_tests()
        .directory_service(&service_id)
        .await
        .unwrap()
        .unwrap();

    let mut provider = app.signed_in("provider@demo.invalid").await;
    let edit = provider
        .get(&format!("/local-offer/manage/services/{service_id}"))
        .await;
    assert_eq!(edit.status, StatusCode::OK);
    // A bad age is refused with the field named, and nothing is saved.
    let fields = form_of(&edit, &[("maximum_age", "40")]);
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let bad = provider
        .post(&format!("/local-offer/manage/services/{service_id}"), &refs)
        .await;
    assert!(bad.body.contains("href=\"#maximum_age\""), "{}", bad.body);
    assert!(
        app.app
            .store_for_tests()
            .directory_changes_of_service(&service_id)
            .await
            .unwrap()
            .iter()
            .all(|c| !c.proposed.description.contains("Now with a sensory room"))
    );

    let description = format!("{} Now with a sensory room.", before.service.description);
    let fields = form_of(&edit, &[("description", &description)]);
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let sent = provider
        .post(&format!("/local-offer/manage/services/{service_id}"), &refs)
        .await;
    assert_eq!(
        sent.location(),
        "/local-offer/manage?submitted=yes",
        "{}",
        sent.body
    );
    // Not yet published.
    let mut family = app.client();
    let page = family
        .get(&format!("/local-offer/services/{service_id}"))
        .await;
    assert!(!page.body.contains("Now with a sensory room"));

    let change = app
        .app
        .store_for_tests()
        .directory_changes_of_service(&service_id)
        .await
        .unwrap()
        .into_iter()
        .rfind(|c| c.proposed.description.contains("sensory room"))
        .unwrap();
    // Another provider's service is out of reach (404), and so is deciding.
    let denied = provider
        .post(
            &format!("/local-offer/manage/changes/{}", change.id),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);

    let mut officer = app.signed_in("localoffer@demo.invalid").await;
    let shown = officer
        .get(&format!("/local-offer/manage/changes/{}", change.id))
        .await;
    assert!(
        shown.body.contains("Now with a sensory room."),
        "the difference is shown"
    );
    let no_reason = officer
        .post(
            &format!("/local-offer/manage/changes/{}", change.id),
            &[("decision", "reject"), ("reason", "")],
        )
        .await;
    assert!(
        no_reason.body.contains("href=\"#reason\""),
        "rejecting needs a reason"
    );
    let approved = officer
        .post(
            &format!("/local-offer/manage/changes/{}", change.id),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let page = family
        .get(&format!("/local-offer/services/{service_id}"))
        .await;
    assert!(page.body.contains("Now with a sensory room."));
    let after = app
        .app
        .store_for_tests()
        .directory_service(&service_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.version, before.version + 1);
    assert_eq!(
        after.service.last_reviewed,
        app.app.today(),
        "approving counts as a review"
    );

    // The search index follows the published text.
    let found = family.get("/local-offer?q=sensory+room").await;
    assert!(found.body.contains(&service_id));

    // Restore the version before: the old description is back, as a new version.
    let restored = officer
        .post(
            &format!("/local-offer/manage/services/{service_id}/restore"),
            &[("version", &before.version.to_string())],
        )
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    let now = app
        .app
        .store_for_tests()
        .directory_service(&service_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.version, before.version + 2);
    assert_eq!(now.service.description, before.service.description);
    let history = officer
        .get(&format!(
            "/local-offer/manage/services/{service_id}/history"
        ))
        .await;
    assert!(
        history
            .body
            .contains(&format!("restored version {}", before.version))
    );
    // The provider heard about the approval.
    let outbox = app
        .app
        .store_for_tests()
        .outbox_messages_to("provider@demo.invalid")
        .await
        .unwrap();
    assert!(
        outbox
            .iter()
            .any(|m| m.subject == "Your Local Offer change is published")
    );
}

#[tokio::test]
async fn families_search_use_the_guided_search_keep_a_shortlist_and_leave_feedback() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut family = app.client();
    let results = family
        .get("/local-offer?postcode=NR2&distance=10&need=autism&category=activities&age=9")
        .await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.body.contains("near NR2"), "{}", results.body);
    assert!(results.body.contains("Distance: "));
    let bad = family.get("/local-offer?postcode=ZZ99&age=40").await;
    assert!(bad.body.contains("href=\"#postcode\"") || bad.body.contains("href=\"#age\""));
    assert!(bad.body.contains("Enter an age from 0 to 25"));

    // The guided search asks one question at a time and lands on the same results.
    let first = family.get("/local-offer/guided").await;
    assert!(first.body.contains("How old is your child"));
    let redirect = family
        .get("/local-offer/guided?age=9&need=autism&category=activities&postcode=NR2")
        .await;
    assert_eq!(redirect.status, StatusCode::SEE_OTHER);
    assert!(redirect.location().starts_with("/local-offer?"));
    assert!(redirect.location().contains("distance=10"));
    let unknown = family
        .get("/local-offer/guided?age=9&need=autism&category=activities&postcode=ZZ9")
        .await;
    assert!(unknown.body.contains("We do not know that postcode"));
    let nothing = family.get("/local-offer/guided?age=9&asked=need").await;
    assert!(nothing.body.contains("Select at least one"));

    // Shortlist: add, see, email, remove.
    let id = results.body.split("/local-offer/services/").nth(1).unwrap()[..36].to_string();
    family.get("/local-offer").await;
    let added = family
        .post(
            "/local-offer/shortlist",
            &[("service_id", &id), ("back", "/local-offer")],
        )
        .await;
    assert_eq!(added.location(), "/local-offer");
    let list = family.get("/local-offer/shortlist").await;
    assert!(list.body.contains(&id));
    let bad_email = family
        .post(
            "/local-offer/shortlist/email",
            &[("email", "not an address")],
        )
        .await;
    assert!(bad_email.body.contains("href=\"#email\""));
    let sent = family
        .post(
            "/local-offer/shortlist/email",
            &[("email", "family@example.org")],
        )
        .await;
    assert_eq!(sent.location(), "/local-offer/shortlist?sent=1");
    let mail = app
        .app
        .store_for_tests()
        .outbox_messages_to("family@example.org")
        .await
        .unwrap();
    assert!(
        mail[0]
            .body
            .contains(&format!("/local-offer/services/{id}"))
    );
    family.get("/local-offer/shortlist").await;
    family
        .post("/local-offer/shortlist/remove", &[("service_id", &id)])
        .await;
    assert!(
        !family
            .get("/local-offer/shortlist")
            .await
            .body
            .contains(&format!("services/{id}"))
    );

    // Feedback: empty is refused; a comment reaches the council, not the email.
    family.get(&format!("/local-offer/services/{id}")).await;
    let empty = family
        .post(
            &format!("/local-offer/services/{id}/feedback"),
            &[("comment", "")],
        )
        .await;
    assert!(empty.body.contains("Enter your feedback"));
    let left = family
        .post(
            &format!("/local-offer/services/{id}/feedback"),
            &[("comment", "Lovely staff, my son Tom enjoyed it")],
        )
        .await;
    assert!(left.location().ends_with("?feedback=sent#feedback"));
    let notice = app
        .app
        .store_for_tests()
        .outbox_messages_to("local.offer@council.invalid")
        .await
        .unwrap();
    assert!(
        notice.iter().all(|m| !m.body.contains("Tom")),
        "no personal details in emails"
    );
    let mut officer = app.signed_in("localoffer@demo.invalid").await;
    assert!(
        officer
            .get("/local-offer/manage/feedback")
            .await
            .body
            .contains("my son Tom enjoyed it")
    );
}

#[tokio::test]
async fn owners_of_stale_entries_are_reminded_once() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let system = mns_app::system_actor("test");
    let stale = app.app.stale_directory_entries().await.unwrap();
    assert!(stale > 0, "the demo has entries not checked for a year");
    let first = app.app.send_review_reminders(&system).await.unwrap();
    assert_eq!(first as u64, stale);
    assert_eq!(
        app.app.send_review_reminders(&system).await.unwrap(),
        0,
        "not twice within 28 days"
    );
    app.app.clock.advance(chrono::Duration::days(29));
    assert_eq!(
        app.app.send_review_reminders(&system).await.unwrap() as u64,
        app.app.stale_directory_entries().await.unwrap()
    );

    // The officer's count links to the entries themselves, oldest first, a page at a time.
    let mut officer = app.signed_in("localoffer@demo.invalid").await;
    let home = officer.get("/local-offer/manage").await;
    assert!(home.body.contains("href=\"/local-offer/manage/stale\""));
    let mut shown = 0;
    let mut next = Some("/local-offer/manage/stale".to_string());
    let mut last_dates: Vec<String> = Vec::new();
    while let Some(path) = next.take() {
        let page = officer.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        shown += page
            .body
            .matches("href=\"/local-offer/manage/services/")
            .count();
        last_dates.extend(
            page.body
                .split("</a></td><td class=\"govuk-table__cell\">")
                .skip(1)
                .map(|rest| rest.split('<').next().unwrap().to_string()),
        );
        next = page
            .body
            .split("href=\"/local-offer/manage/stale?after=")
            .nth(1)
            .map(|rest| {
                format!(
                    "/local-offer/manage/stale?after={}",
                    &rest[..rest.find('"').unwrap()]
                )
            });
    }
    assert_eq!(
        shown as u64,
        app.app.stale_directory_entries().await.unwrap()
    );
    let days: Vec<chrono::NaiveDate> = last_dates
        .iter()
        .map(|d| chrono::NaiveDate::parse_from_str(d, "%-d %B %Y").unwrap())
        .collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    // Nobody else sees it.
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let hidden = coordinator.get("/local-offer/manage/stale").await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_council_moves_a_service_and_changes_its_days_and_search_follows() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (service_id, _) = provider_service(&app).await;
    let mut officer = app.signed_in("localoffer@demo.invalid").await;
    let edit = officer
        .get(&format!("/local-offer/manage/services/{service_id}"))
        .await;
    assert!(edit.body.contains("Place 1"), "{}", edit.body);
    let path = format!("/local-offer/manage/services/{service_id}");
    // An unknown postcode and a bad time are refused, naming the fields.
    let fields = form_of(
        &edit,
        &[
            ("place-0-postal_code", "ZZ9 9ZZ"),
            ("times-0-opens_at", "25:00"),
        ],
    );
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let bad = officer.post(&path, &refs).await;
    assert!(
        bad.body.contains("href=\"#place-0-postal_code\""),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("href=\"#times-0-opens_at\""));
    // Great Yarmouth on Sundays, 10:00 to 12:00.
    let mut fields = form_of(
        &edit,
        &[
            ("place-0-name", "Marina Centre"),
            ("place-0-address_1", "Marine Parade"),
            ("place-0-city", "Great Yarmouth"),
            ("place-0-postal_code", "nr30 2er"),
            ("times-0-opens_at", "10:00"),
            ("times-0-closes_at", "12:00"),
        ],
    );
    fields.retain(|(k, _)| k != "times-0-day");
    fields.push(("times-0-day".into(), "sun".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = officer.post(&path, &refs).await;
    assert_eq!(
        saved.location(),
        format!("/local-offer/services/{service_id}"),
        "{}",
        saved.body
    );
    let entry = app
        .app
        .store_for_tests()
        .directory_service(&service_id)
        .await
        .unwrap()
        .unwrap();
    let place = &entry.service.locations[0].location;
    assert_eq!(place.address.postal_code, "NR30 2ER");
    assert!(
        (place.latitude - 52.6).abs() < 0.1,
        "geocoded to its district: {}",
        place.latitude
    );
    let mut family = app.client();
    let near = family
        .get("/local-offer?postcode=NR30&distance=3&day=sunday")
        .await;
    assert!(
        near.body.contains(&service_id),
        "found near Great Yarmouth on a Sunday"
    );
    let norwich = family
        .get("/local-offer?postcode=NR2&distance=3&day=sunday")
        .await;
    assert!(!norwich.body.contains(&service_id));
}

/// A page missing from the SEND Local Offer is the Local Offer's 404: its name, its navigation,
/// not the Medical Needs Service's.
#[tokio::test]
async fn a_missing_local_offer_page_keeps_the_local_offers_name() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut family = app.client();
    let missing = family.get("/local-offer/services/no-such-service").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.body.contains("– SEND Local Offer –"),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("/local-offer/guided"));
    let elsewhere = family.get("/no-such-page").await;
    assert!(elsewhere.body.contains("– Medical Needs Service –"));
}

/// The name of the first result on a search page.
fn first_result(body: &str) -> String {
    let after = body.split("class=\"app-result\"").nth(1).expect("a result");
    let link = after
        .split("/local-offer/services/")
        .nth(1)
        .expect("a link");
    html_unescape(&link[38..link.find("</a>").expect("the link's end")])
}

#[tokio::test]
async fn a_family_finds_what_they_mean_misspelt_or_in_other_words_best_first() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut family = app.client();
    let autism = family.get("/local-offer?q=autism").await;
    let best = first_result(&autism.body);
    assert!(
        best.to_lowercase().contains("autism"),
        "first for autism: {best}"
    );
    assert!(autism.body.contains("Sorted most relevant first"));

    let misspelt = family.get("/local-offer?q=autsim").await;
    assert!(
        misspelt
            .body
            .contains("No services matched ‘autsim’, so we searched for ‘<strong>autism</strong>’"),
        "{}",
        misspelt.body
    );
    assert_eq!(first_result(&misspelt.body), best);
    let other_words = family.get("/local-offer?q=ASD").await;
    assert!(
        first_result(&other_words.body)
            .to_lowercase()
            .contains("autism")
    );

    // Words too common to search by find nothing, and say why, rather than everything.
    let common = family.get("/local-offer?q=the+and+of").await;
    assert!(common.body.contains("0 services found"), "{}", common.body);
    assert!(common.body.contains("too common to search by"));

    // Each filter applied is listed with a link that takes it (only it) away; taking the
    // postcode away takes its distance too.
    let filtered = family
        .get("/local-offer?q=autism&age=9&free=yes&postcode=NR2&distance=10")
        .await;
    for label in [
        "Search words: autism",
        "Age: 9",
        "Free services only",
        "Near: NR2",
    ] {
        assert!(
            filtered.body.contains(&format!(
                "Remove<span class=\"govuk-visually-hidden\"> {label}"
            )),
            "{label}"
        );
    }
    assert!(
        filtered
            .body
            .contains("href=\"/local-offer?q=autism&#38;age=9&#38;postcode=NR2&#38;distance=10\"")
    );
    assert!(
        filtered
            .body
            .contains("href=\"/local-offer?q=autism&#38;age=9&#38;free=yes\"")
    );

    // Other directories get the same ranking through the ORUK API.
    let api = family.get("/api/oruk/services?search=autsim").await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["contents"][0]["name"].as_str(), Some(best.as_str()));
}
