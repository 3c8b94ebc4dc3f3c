//! Prices, budgets and the finance report (issue 17) through HTTP: finance keeps the price
//! list, bad prices and budgets are refused with nothing saved, a price change applies from its
//! date, and the report costs the demo's cases without naming a child.

use crate::support::TestApp;
use axum::http::StatusCode;
use mns_store::Backend;
use mns_store::testing::backends;

/// A price form's fields: what, how much, who pays (empty for none) and the days, as
/// (day, month, year).
fn price<'a>(
    kind: &'a str,
    amount: &'a str,
    source: &'a str,
    from: (&'a str, &'a str, &'a str),
    to: Option<(&'a str, &'a str, &'a str)>,
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("kind", kind),
        ("amount", amount),
        ("valid_from-day", from.0),
        ("valid_from-month", from.1),
        ("valid_from-year", from.2),
    ];
    if !source.is_empty() {
        fields.push(("source", source));
    }
    if let Some((d, m, y)) = to {
        fields.extend([
            ("valid_to-day", d),
            ("valid_to-month", m),
            ("valid_to-year", y),
        ]);
    }
    fields
}

/// A budget form's fields.
fn budget<'a>(year: &'a str, source: &'a str, amount: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("budget_year", year),
        ("budget_source", source),
        ("budget_amount", amount),
    ]
}

#[tokio::test]
async fn s19_finance_keeps_a_dated_price_list_and_a_change_applies_from_its_date() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let store = app.app.store_for_tests();
        let mut finance = app.signed_in("finance@demo.invalid").await;
        let page = finance.get("/finance/prices").await;
        assert_eq!(page.status, StatusCode::OK);
        // The demo's HLSA rate rose on 1 September 2026; the old rate is kept, ended the day
        // before.
        assert!(page.body.contains("31 August 2026"), "{}", page.body);
        assert!(page.body.contains("£25.50"));
        assert!(page.body.contains("£24.00"));

        // A new tutor rate from 1 January 2027 ends the open one on 31 December 2026.
        let r = finance
            .post(
                "/finance/prices",
                &price(
                    "tutor_hour",
                    "34",
                    "high_needs_block",
                    ("1", "1", "2027"),
                    None,
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), "/finance/prices?done=price");
        let tutor: Vec<_> = store
            .prices()
            .await
            .unwrap()
            .into_iter()
            .filter(|p| p.price.kind.as_str() == "tutor_hour")
            .collect();
        assert_eq!(tutor.len(), 2);
        assert_eq!(
            tutor[0].price.valid_to,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 31)
        );
        assert_eq!(tutor[1].price.amount_pence, 3_400);
        let page = finance.get(r.location()).await;
        assert!(page.body.contains("The price is on the list"));
    }
}

#[tokio::test]
async fn s19_bad_prices_and_budgets_are_refused_with_nothing_saved() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let store = app.app.store_for_tests();
    let before = store.prices().await.unwrap().len();
    let mut finance = app.signed_in("finance@demo.invalid").await;
    // Overlapping an earlier, ended price.
    let overlap = finance
        .post(
            "/finance/prices",
            &price(
                "hlsa_hour",
                "26",
                "high_needs_block",
                ("1", "6", "2026"),
                Some(("30", "6", "2026")),
            ),
        )
        .await;
    assert_eq!(overlap.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        overlap.body.contains("This overlaps the price from"),
        "{}",
        overlap.body
    );
    assert!(
        overlap.body.contains("value=\"26\""),
        "what was entered is kept"
    );
    // A negative amount, no source, and a last day before the first.
    let bad = finance
        .post(
            "/finance/prices",
            &price("group_session", "-5", "", ("1", "5", "2027"), None),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Select who pays"));
    let negative = finance
        .post(
            "/finance/prices",
            &price(
                "group_session",
                "-5",
                "service_budget",
                ("1", "5", "2027"),
                Some(("1", "4", "2027")),
            ),
        )
        .await;
    assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(negative.body.contains("Enter an amount of more than £0"));
    let backwards = finance
        .post(
            "/finance/prices",
            &price(
                "group_session",
                "50",
                "service_budget",
                ("1", "5", "2027"),
                Some(("1", "4", "2027")),
            ),
        )
        .await;
    assert!(
        backwards
            .body
            .contains("The last day must be the same as or after the first day")
    );
    assert_eq!(store.prices().await.unwrap().len(), before, "nothing saved");

    // A budget for a source the service does not have, and a negative one.
    let budgets = store.budgets().await.unwrap();
    let unknown = finance
        .post("/finance/budgets", &budget("2026", "lottery", "1000"))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown
            .body
            .contains("Select one of the service&#39;s funding sources")
    );
    let negative = finance
        .post("/finance/budgets", &budget("2026", "service_budget", "-1"))
        .await;
    assert!(negative.body.contains("A budget cannot be less than £0"));
    assert_eq!(store.budgets().await.unwrap(), budgets, "nothing saved");
    let set = finance
        .post(
            "/finance/budgets",
            &budget("2027", "service_budget", "125,000"),
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    assert_eq!(store.budgets().await.unwrap().len(), budgets.len() + 1);
}

#[tokio::test]
async fn s19_the_finance_report_costs_the_cases_against_the_budget_without_naming_a_child() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut finance = app.signed_in("finance@demo.invalid").await;
    let page = finance.get("/reports/finance").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("1 April 2026 to 22 November 2026, against the budgets for 2026/27")
    );
    for expected in [
        "£1,120.00 in 1 hospital invoice paid",
        "The AV1 robots are a fixed cost",
        "Spend against budget, by funding source",
        "£450,000.00",
        "Home learning support (HLSA), per hour",
        "Online-learning place, per week",
        "<svg class=\"app-chart\"",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    let total = page.body.split("id=\"total\">").nth(1).unwrap();
    assert!(!total.starts_with("£0.00"), "nothing was costed");
    for name in ["Ruby Norris", "Isla Dawson", "Evie Parker"] {
        assert!(!page.body.contains(name), "{name} is named");
    }
    // Narrowed to a district: its children's provision only, said so.
    let broadland = finance.get("/reports/finance?district=Broadland").await;
    assert_eq!(broadland.status, StatusCode::OK);
    assert!(
        broadland
            .body
            .contains("District: Broadland: only its children")
    );
    assert!(broadland.body.contains("value=\"Broadland\" selected"));
    let total_of = |body: &str| {
        body.split("id=\"total\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string()
    };
    assert_ne!(total_of(&broadland.body), total_of(&page.body));
    // The downloads: spend of fewer than 5 children in a school is not given.
    let schools = finance.get("/reports/finance.csv?table=schools").await;
    assert_eq!(schools.status, StatusCode::OK);
    assert!(
        schools
            .body
            .starts_with("School,Children,Spent in the period")
    );
    assert!(
        schools.body.contains("fewer than 5,not given"),
        "{}",
        schools.body
    );
    // Spend by the condition group each Part A records (the demo's children are in several).
    assert!(page.body.contains("Spend by condition group"));
    let conditions = finance.get("/reports/finance.csv?table=conditions").await;
    assert_eq!(conditions.status, StatusCode::OK);
    assert!(
        conditions
            .body
            .starts_with("Condition group,Children,Spent in the period"),
        "{}",
        conditions.body
    );
    assert!(
        conditions
            .body
            .contains("Mental health,fewer than 5,not given")
    );
    let sources = finance.get("/reports/finance.csv?table=sources").await;
    assert!(sources.body.contains("High needs block"));
    // A table that does not exist: the report's page names the problem.
    let nonsense = finance.get("/reports/finance.csv?table=nonsense").await;
    assert_eq!(nonsense.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        nonsense
            .body
            .contains("Choose a table of the report to download"),
        "{}",
        nonsense.body
    );
    assert!(nonsense.body.contains("govuk-error-summary"));
    // A period that ends before it starts.
    let backwards = finance
        .get("/reports/finance?from-day=2&from-month=10&from-year=2026&to-day=1&to-month=10&to-year=2026")
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        backwards
            .body
            .contains("The end of the period must be the same as or after its start")
    );
}
