//! Specialist place sufficiency (issue 19), through HTTP: the demo's picture, a capacity return
//! with negative places and an unknown need refused whole with every bad line named (nothing
//! replaced), a new return and scenario taken, and the table downloaded.

use crate::support::TestApp;
use axum::http::StatusCode;
use mns_store::Backend;

#[tokio::test]
async fn the_send_team_reads_the_projection_and_a_bad_return_changes_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut team = app.signed_in("send@demo.invalid").await;
    let page = team.get("/sufficiency").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("30 lines, for"),
        "the demo's capacity return"
    );
    assert!(
        page.body
            .contains("Early support takes effect: new plans +3% a year")
    );
    assert!(page.body.contains(">Trend continues</option>"));
    assert!(page.body.contains("id=\"sufficiency-chart-title\""));
    assert!(
        page.body
            .contains("<th scope=\"row\" class=\"govuk-table__header\">2026/27</th>")
    );
    assert!(
        page.body
            .contains("<th scope=\"row\" class=\"govuk-table__header\">2031/32</th>")
    );
    assert!(page.body.contains("Chapel Green") || page.body.contains("Severe learning difficulty"));
    assert!(page.body.contains("id=\"alternative\""));
    assert!(page.body.contains("id=\"conditions\""));
    let norwich = team.get("/sufficiency?district=Norwich").await;
    assert!(norwich.body.contains("<option value=\"Norwich\" selected>"));
    assert!(
        norwich
            .body
            .matches("<tr class=\"govuk-table__row\">")
            .count()
            < page.body.matches("<tr class=\"govuk-table__row\">").count()
    );

    let bad = b"provider,kind,need,phase,district,places\n\
        New school,special_school,ADHD,primary,Norwich,10\n\
        Other school,special_school,ASD,primary,Norwich,-3\n";
    let refused = team
        .upload_form(
            "/sufficiency/returns",
            &[
                ("kind", "capacity"),
                ("as_at-day", "1"),
                ("as_at-month", "11"),
                ("as_at-year", "2026"),
            ],
            "file",
            "scap.csv",
            bad,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Line 2: &#39;ADHD&#39; is not a primary need"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Line 3: &#39;-3&#39; places"));
    let page = team.get("/sufficiency").await;
    assert!(page.body.contains("30 lines, for"), "nothing replaced");

    let good = b"provider,kind,need,phase,district,places\nNew school,special_school,ASD,primary,Norwich,500\n";
    let taken = team
        .upload_form(
            "/sufficiency/returns",
            &[
                ("kind", "capacity"),
                ("as_at-day", "21"),
                ("as_at-month", "11"),
                ("as_at-year", "2026"),
            ],
            "file",
            "scap-new.csv",
            good,
        )
        .await;
    assert_eq!(taken.location(), "/sufficiency?done=capacity");
    let page = team.get("/sufficiency").await;
    assert!(page.body.contains("1 lines, for 21 November 2026"));

    let refused = team
        .post("/sufficiency/scenarios", &[("name", ""), ("intake", "900")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Enter the scenario&#39;s name"));
    let added = team
        .post(
            "/sufficiency/scenarios",
            &[
                ("name", "Three new special schools"),
                ("intake", "5"),
                ("primary", "3"),
                ("secondary", "2"),
                ("post16", "-10"),
                ("specialist_share", "35"),
            ],
        )
        .await;
    assert!(added.location().starts_with("/sufficiency?scenario="));
    let page = team.get(added.location()).await;
    assert!(
        page.body
            .contains("Three new special schools: new plans +5% a year")
    );
    let id = added
        .location()
        .split("scenario=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let csv = team
        .get(&format!("/sufficiency.csv?scenario={id}&year=5"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body
            .starts_with("School year,Primary need,District,Phase")
    );
    assert!(csv.body.contains("2031/32,Autism,Norwich,Primary"));
    assert_eq!(
        app.signed_in("coordinator@demo.invalid")
            .await
            .get("/sufficiency")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
