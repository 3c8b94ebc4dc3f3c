//! The Section 19 report (issue 17) through HTTP, on the demo's cases: the children to act on
//! by name, the filters, the downloads with small numbers suppressed, and bad filters.

use crate::support::TestApp;
use axum::http::{StatusCode, header};
use mns_store::Backend;
use mns_store::testing::backends;

/// The part of `body` from the element with `id` to the end of its table or paragraph.
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {body}"));
    let rest = &body[start..];
    let end = rest
        .find("</table>")
        .or_else(|| rest.find("</p>"))
        .unwrap_or(rest.len());
    &rest[..end]
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    app.app
        .store_for_tests()
        .audit_page(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.record_id))
        .collect()
}

#[tokio::test]
async fn s19_the_report_lists_a_part_time_package_without_a_medical_reason_and_late_starts() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let page = coordinator.get("/reports/section-19").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);

        // Ruby's school wrote down a 27.5-hour week as full time: her year group is owed 32.5
        // hours, and her record gives no medical reason (MN-DEC-3).
        let no_reason = section(&page.body, "no-reason");
        assert!(no_reason.contains("Ruby Norris"), "{no_reason}");
        assert!(
            no_reason.contains("27.5 hours a week of a full-time week of 32.5"),
            "{no_reason}"
        );
        assert!(!no_reason.contains("Isla Dawson"), "Isla's has its reason");

        // Evie waited 24 days and Grace 31 against a 15-day target; Isla started in 10.
        let late = section(&page.body, "late");
        for name in ["Evie Parker", "Grace Rowe"] {
            assert!(late.contains(name), "{name}: {late}");
        }
        assert!(late.contains("24 days"), "{late}");
        assert!(!late.contains("Isla Dawson"), "{late}");

        // The charts are images with their figures in words, with a table beside each.
        assert!(page.body.contains("<svg class=\"app-chart\""));
        assert!(
            page.body
                .contains("aria-labelledby=\"days-to-start-title days-to-start-desc\"")
        );
        assert!(page.body.contains("id=\"table-days-to-start\""));
        assert!(
            page.body
                .contains("Where children went when provision ended")
        );
        assert!(page.body.contains("Back at school full time"));
        // The figures by the condition group each Part A records.
        let conditions = section(&page.body, "table-conditions");
        for group in ["Mental health", "Cancer and its treatment"] {
            assert!(conditions.contains(group), "{group}: {conditions}");
        }
        let download = coordinator
            .get("/reports/section-19.csv?table=conditions")
            .await;
        assert_eq!(download.status, StatusCode::OK);
        assert!(
            download.body.starts_with("Condition group,Cases,"),
            "{}",
            download.body
        );
        // Viewing the report is audited.
        assert!(
            audit_actions(&app)
                .await
                .contains(&("report.section19".into(), "section-19".into()))
        );
    }
}

#[tokio::test]
async fn s19_the_filters_narrow_the_report_to_a_school_a_district_or_a_period() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    // Broadland High School (URN 121003): Ruby, not Evie.
    let school = coordinator.get("/reports/section-19?school=121003").await;
    assert_eq!(school.status, StatusCode::OK);
    assert!(school.body.contains("Ruby Norris"));
    assert!(!school.body.contains("Evie Parker"));
    assert!(section(&school.body, "applied").contains("Broadland High School"));
    assert!(school.body.contains("value=\"121003\" selected"));
    // Norwich's schools: Evie, not Ruby.
    let district = coordinator
        .get("/reports/section-19?district=Norwich")
        .await;
    assert!(district.body.contains("Evie Parker"));
    assert!(!district.body.contains("Ruby Norris"));
    // A period in the past, before any case opened: nothing.
    let period = coordinator
        .get("/reports/section-19?from-day=1&from-month=9&from-year=2020&to-day=31&to-month=12&to-year=2020")
        .await;
    assert_eq!(period.status, StatusCode::OK);
    assert!(
        period.body.contains("id=\"case-count\">0<"),
        "{}",
        period.body
    );
    assert!(section(&period.body, "applied").contains("1 September 2020 to 31 December 2020"));
}

#[tokio::test]
async fn s19_a_period_that_ends_before_it_starts_or_a_date_that_does_not_exist_is_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let backwards = coordinator
        .get("/reports/section-19?from-day=10&from-month=9&from-year=2026&to-day=9&to-month=9&to-year=2026")
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.body.contains("There is a problem"));
    assert!(
        backwards
            .body
            .contains("The end of the period must be the same as or after its start")
    );
    // What was entered is kept, and no figures are shown.
    assert!(
        backwards
            .body
            .contains("name=\"from-day\" type=\"text\" inputmode=\"numeric\" value=\"10\"")
    );
    assert!(!backwards.body.contains("id=\"case-count\""));
    let no_such_day = coordinator
        .get("/reports/section-19?from-day=31&from-month=2&from-year=2026")
        .await;
    assert_eq!(no_such_day.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_such_day.body.contains("govuk-error-summary"));
    // The same for a download.
    let csv = coordinator
        .get("/reports/section-19.csv?table=service&from-day=10&from-month=9&from-year=2026&to-day=9&to-month=9&to-year=2026")
        .await;
    assert_eq!(csv.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn s19_downloads_suppress_small_numbers_and_are_audited() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let service = coordinator
        .get("/reports/section-19.csv?table=service")
        .await;
    assert_eq!(service.status, StatusCode::OK);
    assert_eq!(
        service.headers[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert!(
        service.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("section-19-service.csv")
    );
    let mut lines = service.body.lines();
    assert!(lines.next().unwrap().starts_with("Cases covered,Cases,"));
    let figures: Vec<&str> = lines.next().unwrap().split(',').collect();
    // The demo has more than 5 cases, and 2 that started late: shown, and suppressed.
    let cases: u64 = figures[1].parse().expect("the count of cases is shown");
    assert!(cases >= 5, "{}", service.body);
    assert_eq!(figures[4], "fewer than 5", "started late: {}", service.body);
    assert_eq!(
        figures[11], "fewer than 5",
        "part time, no reason: {}",
        service.body
    );

    // The children's list is the team's working list: by name, and audited as an export.
    let children = coordinator
        .get("/reports/section-19.csv?table=children")
        .await;
    assert_eq!(children.status, StatusCode::OK);
    assert!(children.body.contains("Ruby Norris"));
    assert!(
        audit_actions(&app)
            .await
            .contains(&("report.export".into(), "section-19/children".into()))
    );
    // The same table as an OpenDocument spreadsheet.
    let ods = coordinator
        .get("/reports/section-19.ods?table=service")
        .await;
    assert_eq!(ods.status, StatusCode::OK);
    assert_eq!(
        ods.headers[header::CONTENT_TYPE],
        "application/vnd.oasis.opendocument.spreadsheet"
    );
    assert!(ods.body.starts_with("PK"));
    assert!(
        ods.body
            .contains("mimetypeapplication/vnd.oasis.opendocument.spreadsheet")
    );
    assert!(ods.body.contains("<text:p>fewer than 5</text:p>"));
    // The annual report: a PDF whose figures are suppressed as downloads are.
    let annual = coordinator.get("/reports/annual-report.pdf").await;
    assert_eq!(annual.status, StatusCode::OK);
    assert_eq!(annual.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(annual.body.starts_with("%PDF"));
    for expected in [
        "Annual report: 1 April 2026 to 22 November 2026",
        "fewer than 5",
        "What it cost",
    ] {
        assert!(annual.body.contains(expected), "{expected}");
    }
    assert!(
        !annual.body.contains("Ruby Norris"),
        "the annual report names a child"
    );
    assert!(
        audit_actions(&app)
            .await
            .contains(&("report.export".into(), "annual-report".into()))
    );
    // No table: a clear error.
    let none = coordinator
        .get("/reports/section-19.csv?table=secrets")
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        none.body
            .contains("Choose a table of the report to download")
    );
}

#[tokio::test]
async fn s19_the_ap_census_return_has_a_row_per_placement_with_upns() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator
        .get("/reports/section-19?district=Broadland")
        .await;
    assert!(
        page.body
            .contains("href=\"/reports/ap-census.csv?district=Broadland\""),
        "{}",
        page.body
    );
    let census = coordinator.get("/reports/ap-census.csv").await;
    assert_eq!(census.status, StatusCode::OK);
    let mut lines = census.body.lines();
    assert_eq!(
        lines.next().unwrap(),
        "UPN,Home school URN,Setting type,Reason for placement,Hours a week,Start date,End date"
    );
    // Ruby (UPN 926400320013): an HLSA, an online provider and the robot; contact with the
    // home school is not a placement.
    let ruby: Vec<&str> = lines.filter(|l| l.contains("926400320013,")).collect();
    assert_eq!(ruby.len(), 3, "{}", census.body);
    assert!(
        ruby.iter()
            .any(|l| l.contains(",Online provider,") && l.contains(",15,"))
    );
    assert!(!census.body.contains("Contact with the home school"));
    assert!(
        audit_actions(&app)
            .await
            .contains(&("report.export".into(), "ap-census".into()))
    );
}

#[tokio::test]
async fn s19_a_review_records_progress_against_the_baseline_and_bad_measures_are_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let harry = app
        .app
        .store_for_tests()
        .case_lines(&[], None, None)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.pupil_name == "Harry Quinn")
        .unwrap()
        .case
        .id;
    let mut school = app.signed_in("school@demo.invalid").await;
    let form = school.get(&format!("/cases/{harry}/review")).await;
    assert!(form.body.contains("Where the young person is now"));
    assert!(
        form.body
            .contains("Personal development, from 1 (struggling) to 5 (thriving) (optional)")
    );
    let mut review = vec![
        ("held_on-day", "20"),
        ("held_on-month", "11"),
        ("held_on-year", "2026"),
        ("progress", "Managing two lessons a week by robot"),
        ("steps", "break_or_lunch_times"),
        ("review_attendance", "150"),
        ("review_wellbeing_personal_development", "9"),
    ];
    let refused = school
        .post(&format!("/cases/{harry}/review"), &review)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Attendance must be a percentage from 0 to 100")
    );
    assert!(refused.body.contains("must be from 1 to 5"));
    assert!(
        refused
            .body
            .contains("value=\"Managing two lessons a week by robot\"")
            || refused
                .body
                .contains("Managing two lessons a week by robot</textarea>")
    );
    review.retain(|(k, _)| !k.starts_with("review_"));
    review.extend([
        ("review_attendance", "40"),
        ("review_hours_received", "18"),
        ("review_reintegration", "partial"),
        ("review_wellbeing_personal_development", "3"),
    ]);
    let saved = school
        .post(&format!("/cases/{harry}/review"), &review)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // Evie, Ruby and Jack were reviewed in the demo; Harry makes four with both.
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get("/reports/section-19").await;
    let benefits = section(&page.body, "table-benefits");
    assert!(
        benefits.contains("Attendance at the home school (%)"),
        "{benefits}"
    );
    assert!(benefits.contains(">4<"), "{benefits}");
    let reintegration = section(&page.body, "table-reintegration");
    assert!(reintegration.contains("Back at school for part of the week"));
    // Downloaded, four children's averages are not given.
    let csv = coordinator
        .get("/reports/section-19.csv?table=benefits")
        .await;
    assert!(
        csv.body
            .contains("Attendance at the home school (%),fewer than 5,not given,not given"),
        "{}",
        csv.body
    );
}

/// The report as the coordinator sees it on the demo's cases (case ids redacted).
#[tokio::test]
async fn the_section_19_report_page() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get("/reports/section-19").await;
    let mut main =
        page.body[page.body.find("<main").unwrap()..page.body.find("</main>").unwrap()].to_string();
    for line in app
        .app
        .store_for_tests()
        .case_lines(&[], None, None)
        .await
        .unwrap()
    {
        main = main.replace(&line.case.id, "[case]");
    }
    insta::assert_snapshot!(main);
}
