//! Early identification (issue 16): a county import opens alerts; the coordinator sees them on
//! the triage list by priority, records what was done (a reason required for "no action"), and
//! an alert re-opens when the figures worsen after the decision. Only the coordinator and
//! caseworkers see alerts.

use crate::support::TestApp;
use axum::http::StatusCode;
use mns_app::early_identification::{ImportedPupil, SchoolImport};
use mns_app::system_actor;
use mns_domain::attendance::feed::{ScanContext, all_figures, read_county, school_alerts};
use mns_domain::calendar::SchoolYear;
use mns_domain::identifiers::Upn;
use mns_store::testing::backends;

const URN: &str = "121001";

/// Imports a county file for the demo school where one pupil was ill for `ill_days` school
/// days from 3 September 2025.
async fn import(
    app: &TestApp,
    ill_days: usize,
) -> (String, mns_app::early_identification::AlertChanges) {
    let upn = Upn::with_check_letter("926200025077")
        .unwrap()
        .as_str()
        .to_owned();
    import_for(app, &upn, ill_days).await
}

/// [`import`] for a given UPN.
async fn import_for(
    app: &TestApp,
    upn: &str,
    ill_days: usize,
) -> (String, mns_app::early_identification::AlertChanges) {
    import_at(app, URN, upn, ill_days).await
}

/// [`import`] for a given school and UPN.
async fn import_at(
    app: &TestApp,
    urn: &str,
    upn: &str,
    ill_days: usize,
) -> (String, mns_app::early_identification::AlertChanges) {
    let upn = upn.to_owned();
    let mut text = String::from("URN,UPN,Date,Session,Mark\n");
    let mut date = chrono::NaiveDate::from_ymd_opt(2025, 9, 3).unwrap();
    let mut day = 0;
    while day < 30 {
        if chrono::Datelike::weekday(&date).num_days_from_monday() < 5 {
            let (am, pm) = if day < ill_days {
                ("I", "I")
            } else {
                ("/", "\\")
            };
            text.push_str(&format!(
                "{urn},{upn},{date},AM,{am}\n{urn},{upn},{date},PM,{pm}\n"
            ));
            day += 1;
        }
        date = date.succ_opt().unwrap();
    }
    let tally = read_county(text.as_bytes(), SchoolYear::new(2025)).unwrap();
    let figures = all_figures(&tally, 1);
    let school = &tally.schools[0];
    let context = ScanContext::default();
    let policy = app.app.policy().clone();
    let alerts = school_alerts(
        &tally,
        school,
        &figures[0],
        &context,
        &policy,
        app.app.today(),
    );
    let import = SchoolImport {
        urn: urn.into(),
        school_year: SchoolYear::new(2025),
        source: "county.csv".into(),
        fingerprint: "test".into(),
        rows: school.rows,
        pupils: vec![ImportedPupil {
            upn: upn.clone(),
            figures: figures[0][0],
            details: None,
            alerts: alerts.into_iter().map(|(_, a)| a).collect(),
        }],
    };
    let changes = app
        .app
        .import_school_attendance(&system_actor("test"), &import)
        .await
        .unwrap();
    (upn, changes)
}

#[tokio::test]
async fn the_coordinator_triages_an_alert_and_it_reopens_when_figures_worsen() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let (upn, changes) = import(&app, 6).await;
        assert_eq!(changes.opened, 3, "MN-ABS-3, EI-RUN and EI-ATT-90 open");

        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let list = coordinator.get("/alerts?school=121001").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains(&upn), "{}", list.body);
        assert!(list.body.contains("Off ill for days in a row"));
        assert!(list.body.contains("3 alerts"));
        let soon = list.body.find("govuk-tag--orange").unwrap();
        let routine = list.body.find("govuk-tag--grey").unwrap();
        assert!(soon < routine, "the sooner alert comes first");
        let filtered = coordinator.get("/alerts?rule=EI-RUN&school=121001").await;
        assert!(filtered.body.contains("1 alert<"), "{}", filtered.body);

        let id = list
            .body
            .split("href=\"/alerts/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        let page = coordinator.get(&format!("/alerts/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("What did you do?"));
        assert!(page.body.contains("Alert opened by the attendance import"));

        let refused = coordinator
            .post(
                &format!("/alerts/{id}"),
                &[("action", "no_action"), ("reason", " ")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Enter why no action is needed"));
        let nothing = coordinator.post(&format!("/alerts/{id}"), &[]).await;
        assert!(nothing.body.contains("Select what you did"));

        let done = coordinator
            .post(
                &format!("/alerts/{id}"),
                &[
                    ("action", "contacted_school"),
                    ("reason", "Spoke to the SENCo"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(done.location(), "/alerts?done=1");
        let open = coordinator.get("/alerts?school=121001").await;
        assert!(
            open.body.contains("2 alerts<"),
            "two left open: {}",
            open.body
        );
        let decided = coordinator
            .get("/alerts?status=decided&school=121001")
            .await;
        assert!(decided.body.contains("1 alert<"));
        let page = coordinator.get(&format!("/alerts/{id}")).await;
        assert!(page.body.contains("Contacted the school (by you)"));
        assert!(page.body.contains("Spoke to the SENCo"));

        // The same figures again change nothing; worse figures re-open the decided alert.
        let (_, same) = import(&app, 6).await;
        assert_eq!((same.opened, same.reopened), (0, 0));
        let (_, worse) = import(&app, 9).await;
        assert_eq!((worse.reopened, worse.worsened), (1, 2));
        let page = coordinator.get(&format!("/alerts/{id}")).await;
        assert!(page.body.contains("Re-opened"), "{}", page.body);

        let actions: Vec<String> = app
            .app
            .store_for_tests()
            .audit_page(0, 100_000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .filter(|a| a.starts_with("attendance."))
            .collect();
        for expected in [
            "attendance.import",
            "attendance.alerts_list",
            "attendance.alert_view",
            "attendance.alert_action",
        ] {
            assert!(
                actions.iter().any(|a| a == expected),
                "{expected} audited: {actions:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_school_sees_its_own_pupils_alerts_and_says_what_it_is_doing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let (upn, _) = import(&app, 6).await;
        // One email to the school's staff, naming no child.
        let emails = app
            .app
            .store_for_tests()
            .outbox_messages_to("school@demo.invalid")
            .await
            .unwrap();
        let email = emails
            .iter()
            .find(|m| m.subject == "Attendance alerts for pupils at your school")
            .expect("the school is told");
        assert!(!email.body.contains(&upn) && email.body.contains("/alerts"));
        let mut school = app.signed_in("school@demo.invalid").await;
        let list = school.get("/alerts").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.body.contains("Pupils we&#x27;ve asked you about")
                || list.body.contains("Pupils we've asked you about")
        );
        assert!(list.body.contains(&upn));
        let id = list
            .body
            .split("href=\"/alerts/")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_owned();
        let page = school.get(&format!("/alerts/{id}")).await;
        assert!(page.body.contains("Tell us what the school is doing"));
        assert!(!page.body.contains("What did you do?"));
        let empty = school
            .post(&format!("/alerts/{id}"), &[("response", "")])
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Enter what the school is doing"));
        let told = school
            .post(
                &format!("/alerts/{id}"),
                &[("response", "Meeting the family on Monday")],
            )
            .await;
        assert_eq!(told.status, StatusCode::SEE_OTHER);
        // Still open for the coordinator, with the school's words in its history.
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let page = coordinator.get(&format!("/alerts/{id}")).await;
        assert!(page.body.contains("Meeting the family on Monday"));
        assert!(page.body.contains("The school said what it is doing"));
        let open = coordinator.get("/alerts?school=121001").await;
        assert!(open.body.contains("3 alerts<"));
        // A school may not decide.
        let decide = school
            .post(
                &format!("/alerts/{id}"),
                &[("action", "no_action"), ("reason", "x")],
            )
            .await;
        assert_eq!(decide.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn only_the_coordinator_caseworkers_and_the_pupils_school_see_alerts() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        // An alert at another school than the demo school user's (121001).
        let upn = Upn::with_check_letter("926200025088")
            .unwrap()
            .as_str()
            .to_owned();
        import_at(&app, "121002", &upn, 6).await;
        let mut caseworker = app.signed_in("caseworker@demo.invalid").await;
        let list = caseworker.get("/alerts").await;
        assert!(list.body.contains(&upn));
        let id = list
            .body
            .split("href=\"/alerts/")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_owned();
        for email in [
            "auditor@demo.invalid",
            "school@demo.invalid",
            "parent@demo.invalid",
            "health@demo.invalid",
        ] {
            let mut other = app.signed_in(email).await;
            let page = other.get(&format!("/alerts/{id}")).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{email}");
            let list = other.get("/alerts").await;
            assert!(!list.body.contains(&id), "{email}");
            let post = other
                .post(
                    &format!("/alerts/{id}"),
                    &[("action", "advice_given"), ("response", "x")],
                )
                .await;
            assert_eq!(post.status, StatusCode::NOT_FOUND, "{email}");
        }
    }
}

#[tokio::test]
async fn a_pupils_page_shows_their_alerts_to_the_coordinator_and_their_school_not_the_auditor() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let amelia = app.pupil("Amelia").await;
    let upn = amelia.upn.clone().expect("Amelia has a UPN");
    import_for(&app, &upn, 7).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get(&format!("/pupils/{}", amelia.id)).await;
    assert!(page.body.contains("Attendance alerts"), "{}", page.body);
    assert!(page.body.contains("Off ill for days in a row"));
    let mut school = app.signed_in("school@demo.invalid").await;
    let page = school.get(&format!("/pupils/{}", amelia.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Off ill for days in a row"));
    let mut auditor = app.signed_in("auditor@demo.invalid").await;
    let page = auditor.get(&format!("/pupils/{}", amelia.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Off ill for days in a row"));
}

#[tokio::test]
async fn an_assessment_opened_from_an_alert_makes_the_pupils_record_and_records_its_outcome() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let (upn, _) = import(&app, 6).await;
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let list = coordinator.get("/alerts?school=121001").await;
        let id = list
            .body
            .split("href=\"/alerts/")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_owned();
        let form = coordinator.get(&format!("/alerts/{id}/assessment")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(
            form.body
                .contains("The service has no record of this pupil yet")
        );

        let empty = coordinator
            .post(&format!("/alerts/{id}/assessment"), &[])
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        for message in [
            "first name",
            "Enter the concern",
            "Enter the advice and strategies agreed",
        ] {
            assert!(empty.body.contains(message), "{message}: {}", empty.body);
        }
        assert!(
            app.app
                .store_for_tests()
                .pupil_by_upn(&upn)
                .await
                .unwrap()
                .is_none(),
            "nothing half-written"
        );

        let opened = coordinator
            .post(
                &format!("/alerts/{id}/assessment"),
                &[
                    ("given_name", "Sam"),
                    ("family_name", "Field"),
                    ("date_of_birth-day", "14"),
                    ("date_of_birth-month", "5"),
                    ("date_of_birth-year", "2014"),
                    ("concern", "Off ill most of September"),
                    ("advice", "Work sent home weekly; GP appointment"),
                    ("action_0", "Send work home"),
                    ("owner_0", "school"),
                    ("by_0-day", "1"),
                    ("by_0-month", "12"),
                    ("by_0-year", "2026"),
                    ("review_date-day", "15"),
                    ("review_date-month", "12"),
                    ("review_date-year", "2026"),
                ],
            )
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
        let href = opened.location().to_owned();
        assert!(href.starts_with("/assessments/"));
        let page = coordinator.get(&href).await;
        assert!(page.body.contains("Off ill most of September"));
        assert!(page.body.contains("Send work home"));
        assert!(page.body.contains("15 December 2026"));
        let pupil = app
            .app
            .store_for_tests()
            .pupil_by_upn(&upn)
            .await
            .unwrap()
            .expect("the pupil's record is made");
        assert_eq!(pupil.school_urn.as_deref(), Some(URN));
        let alert_page = coordinator.get(&format!("/alerts/{id}")).await;
        assert!(
            alert_page
                .body
                .contains("Assessment opened with the school")
        );
        let pupil_page = coordinator.get(&format!("/pupils/{}", pupil.id)).await;
        assert!(pupil_page.body.contains("Assessments with the school"));

        // The school sees it and cannot record the outcome; the auditor does not see it.
        let assessment_path = href.split('?').next().unwrap().to_owned();
        let mut school = app.signed_in("school@demo.invalid").await;
        let seen = school.get(&assessment_path).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(!seen.body.contains("Record the outcome"));
        let mut auditor = app.signed_in("auditor@demo.invalid").await;
        assert_eq!(
            auditor.get(&assessment_path).await.status,
            StatusCode::NOT_FOUND
        );

        let outcome = format!("{assessment_path}/outcome");
        let missing = coordinator
            .post(&outcome, &[("outcome", "referral_made")])
            .await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.body.contains("Select the referral that was made"));
        let done = coordinator
            .post(
                &outcome,
                &[("outcome", "resolved"), ("note", "Back in school")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let page = coordinator.get(&assessment_path).await;
        assert!(page.body.contains("Resolved: no referral needed"));
        assert!(!page.body.contains("Record the outcome"));
    }
}

#[tokio::test]
async fn a_referral_made_from_an_assessment_shows_it_and_the_assessment_shows_the_referral() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let amelia = app.pupil("Amelia").await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let opened = coordinator
        .post(
            &format!("/pupils/{}/assessments", amelia.id),
            &[("concern", "Fatigue"), ("advice", "Rest breaks")],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let path = opened.location().split('?').next().unwrap().to_owned();
    let referral = app
        .app
        .store_for_tests()
        .sent_referrals_of_pupil(&amelia.id)
        .await
        .unwrap()[0]
        .0
        .clone();
    let done = coordinator
        .post(
            &format!("{path}/outcome"),
            &[("outcome", "referral_made"), ("referral_id", &referral)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = coordinator.get(&path).await;
    assert!(page.body.contains(&format!("/referrals/{referral}")));
    let referral_page = coordinator.get(&format!("/referrals/{referral}")).await;
    assert!(
        referral_page.body.contains("This referral was made from"),
        "{}",
        referral_page.body
    );
}
