//! Snapshot tests: a page's HTML and the API's JSON as a person or a client sees them, with the
//! values that change from run to run (tokens, ids) redacted. `cargo insta review` shows a change.

use crate::support::TestApp;
use chrono::NaiveDate;
use mns_domain::calendar::{
    SchoolCalendar, england_bank_holidays_2025_2027, norfolk_2025_26, norfolk_2026_27_provisional,
};
use mns_domain::referral::{EXAMPLE_REFERRAL_JSON, PolicyParameters, Referral, evaluate};
use mns_store::Backend;

pub(crate) fn redact_tokens(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let marker = "name=\"csrf_token\" value=\"";
    while let Some(start) = rest.find(marker) {
        let value_start = start + marker.len();
        out.push_str(&rest[..value_start]);
        out.push_str("[csrf]");
        let end = rest[value_start..]
            .find('"')
            .map_or(rest.len(), |e| value_start + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn the_sign_in_page() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let page = app.client().get("/sign-in").await;
    insta::assert_snapshot!(redact_tokens(&page.body));
}

#[tokio::test]
async fn the_callers_details_in_the_api() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app
        .app
        .issue_api_token(
            &mns_app::system_actor("test"),
            "school@demo.invalid",
            "test",
            None,
        )
        .await
        .unwrap();
    let mut client = app.client();
    client.bearer = Some(token);
    let me = client.get("/api/v1/me").await.json();
    insta::assert_json_snapshot!(me, { ".id" => "[id]" });
}

/// Every rule's outcome and sentence for the example referral on a fixed day: a change to any
/// rule's wording or outcome shows here.
#[test]
fn the_checks_for_the_example_referral() {
    let referral: Referral = serde_json::from_str(EXAMPLE_REFERRAL_JSON).unwrap();
    let calendar = SchoolCalendar::new(norfolk_2025_26(), england_bank_holidays_2025_2027())
        .with_term_calendar(norfolk_2026_27_provisional())
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let checks = evaluate(
        &referral,
        None,
        Some(&calendar),
        &PolicyParameters::norfolk_2024(),
        today,
    );
    insta::assert_json_snapshot!(checks);
}
