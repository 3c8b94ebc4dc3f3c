//! The coordinator's referral desk: a decision is checked and confirmed before it is recorded,
//! the school lands on a confirmation page after sending, referrals are assigned and the queue
//! filtered by school and assignee, and a pupil whose age does not fit the school is flagged.

use crate::authorization::referral_of;
use crate::support::{Client, TestApp, TestResponse};
use axum::http::StatusCode;
use mns_store::Backend;

async fn status_of(app: &TestApp, id: &str) -> String {
    app.app
        .store_for_tests()
        .get_referral(id)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn audited(app: &TestApp, id: &str, action: &str) -> Vec<String> {
    app.app
        .store_for_tests()
        .audit_for_record("referral", id, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .map(|e| e.detail)
        .collect()
}

async fn outbox_count(app: &TestApp) -> i64 {
    app.app
        .store_for_tests()
        .pending_message_count()
        .await
        .unwrap()
}

/// Nothing about a decision is written: no decision, no case, no change of status, no email,
/// no `referral.decide` entry.
async fn assert_nothing_recorded(app: &TestApp, id: &str, messages_before: i64) {
    let store = app.app.store_for_tests();
    assert_eq!(status_of(app, id).await, "submitted");
    assert!(store.decisions_for(id).await.unwrap().is_empty());
    assert!(store.get_case(id).await.unwrap().is_none());
    assert_eq!(
        outbox_count(app).await,
        messages_before,
        "nobody is told yet"
    );
    assert!(audited(app, id, "referral.decide").await.is_empty());
}

async fn decide(coordinator: &mut Client<'_>, id: &str, fields: &[(&str, &str)]) -> TestResponse {
    coordinator
        .post(&format!("/referrals/{id}/decision"), fields)
        .await
}

/// MN-DEC-1: accepting shows what will happen and who will be told, with the answers carried
/// in hidden fields; nothing is recorded until the coordinator confirms, and then the referral
/// says so in a banner that links to the new case.
#[tokio::test]
async fn mn_dec_1_accepting_is_confirmed_on_a_check_page_before_anything_is_recorded() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = referral_of(&app, "Amelia").await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get(&format!("/referrals/{amelia}")).await;
    // The follow-up questions are revealed under their answers.
    assert!(page.body.contains("govuk-radios__conditional"));
    assert!(
        page.body
            .contains("data-aria-controls=\"conditional-decision-decline\"")
    );
    assert!(page.body.contains(">Continue</button>"));
    let before = outbox_count(&app).await;

    let check = decide(&mut coordinator, &amelia, &[("decision", "accept")]).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert!(
        check
            .body
            .contains("<title>Check your decision on the referral for Amelia Barnes"),
        "{}",
        check.body
    );
    assert!(check.body.contains("a case is opened for Amelia Barnes"));
    assert!(check.body.contains("an initial 12 school weeks"));
    // Who is told: the school's one user and Amelia's parent (consent allows it).
    assert!(
        check
            .body
            .contains("Wensum Valley Primary School: its 1 user gets an email")
    );
    assert!(check.body.contains("parent or carer gets an email"));
    assert!(
        check
            .body
            .contains("<input type=\"hidden\" name=\"decision\" value=\"accept\">")
    );
    assert!(check.body.contains("name=\"step\" value=\"confirm\""));
    assert!(
        check
            .body
            .contains("Change<span class=\"govuk-visually-hidden\"> the decision")
    );
    assert_nothing_recorded(&app, &amelia, before).await;

    // "Change" goes back to the form with the answer kept.
    let change = decide(
        &mut coordinator,
        &amelia,
        &[("decision", "accept"), ("step", "change")],
    )
    .await;
    assert_eq!(change.status, StatusCode::OK);
    assert!(change.body.contains("value=\"accept\" checked"));
    assert_nothing_recorded(&app, &amelia, before).await;

    let confirmed = decide(
        &mut coordinator,
        &amelia,
        &[("decision", "accept"), ("step", "confirm")],
    )
    .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    assert_eq!(
        confirmed.location(),
        format!("/referrals/{amelia}?decided=accept")
    );
    assert_eq!(status_of(&app, &amelia).await, "accepted");
    assert_eq!(audited(&app, &amelia, "referral.decide").await, ["accept"]);
    assert_eq!(
        outbox_count(&app).await,
        before + 2,
        "the school and the parent"
    );
    let shown = coordinator.get(confirmed.location()).await;
    assert!(
        shown.body.contains(
            "Referral accepted. The case is open: <a class=\"govuk-notification-banner__link\""
        ),
        "{}",
        shown.body
    );
    assert!(shown.body.contains(&format!("href=\"/cases/{amelia}\"")));
    assert!(shown.body.contains("govuk-notification-banner--success"));
    // The banner is the referral's state, not the link's: a plain visit shows none.
    let plain = coordinator.get(&format!("/referrals/{amelia}")).await;
    assert!(!plain.body.contains("Referral accepted."));
}

/// MN-DEC-1: a decline needs a reason (and words for "another reason"), named at its field,
/// before the check page; confirmed, the school is told.
#[tokio::test]
async fn mn_dec_1_declining_names_what_is_missing_then_confirms_and_tells_the_school() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = referral_of(&app, "Amelia").await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let before = outbox_count(&app).await;

    let missing = decide(&mut coordinator, &amelia, &[("decision", "decline")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("href=\"#reasons\""),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("id=\"reasons\""));
    assert!(missing.body.contains("id=\"reasons-error\""));
    let other = decide(
        &mut coordinator,
        &amelia,
        &[("decision", "decline"), ("reasons", "other")],
    )
    .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        other.body.contains("href=\"#explanation\""),
        "{}",
        other.body
    );
    assert_nothing_recorded(&app, &amelia, before).await;

    let fields = [
        ("decision", "decline"),
        ("reasons", "need_met_by_school"),
        ("explanation", "The school's plan meets the need."),
    ];
    let check = decide(&mut coordinator, &amelia, &fields).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert!(
        check
            .body
            .contains("The school can meet the need with its own support")
    );
    assert!(check.body.contains("no case is opened"));
    assert!(check.body.contains("value=\"need_met_by_school\""));
    assert_nothing_recorded(&app, &amelia, before).await;

    let mut confirm = fields.to_vec();
    confirm.push(("step", "confirm"));
    let confirmed = decide(&mut coordinator, &amelia, &confirm).await;
    assert_eq!(
        confirmed.location(),
        format!("/referrals/{amelia}?decided=decline")
    );
    assert_eq!(status_of(&app, &amelia).await, "declined");
    let shown = coordinator.get(confirmed.location()).await;
    assert!(
        shown
            .body
            .contains("Referral declined. The school has been told."),
        "{}",
        shown.body
    );
    assert!(
        !app.app
            .store_for_tests()
            .outbox_messages_to("school@demo.invalid")
            .await
            .unwrap()
            .is_empty()
    );
}

/// MN-DEC-2: asking for information needs a question; the check page says the clock keeps
/// running from the referral date, and the banner says the questions went.
#[tokio::test]
async fn mn_dec_2_asking_for_information_says_the_days_keep_counting_before_it_is_sent() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = referral_of(&app, "Amelia").await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let before = outbox_count(&app).await;
    let missing = decide(
        &mut coordinator,
        &amelia,
        &[("decision", "ask_for_information"), ("questions", "  \n ")],
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("href=\"#questions\""),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("id=\"questions-error\""));

    let fields = [
        ("decision", "ask_for_information"),
        (
            "questions",
            "Please send the consultant's letter.\nWhen did the absence start?",
        ),
    ];
    let check = decide(&mut coordinator, &amelia, &fields).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert!(check.body.contains("<li>When did the absence start?</li>"));
    assert!(
        check
            .body
            .contains("do not start again when the school answers")
    );
    assert!(
        check
            .body
            .contains("counted from the referral date, 19 Nov 2026")
    );
    assert_nothing_recorded(&app, &amelia, before).await;

    let mut confirm = fields.to_vec();
    confirm.push(("step", "confirm"));
    let confirmed = decide(&mut coordinator, &amelia, &confirm).await;
    assert_eq!(
        confirmed.location(),
        format!("/referrals/{amelia}?decided=ask_for_information")
    );
    let decisions = app
        .app
        .store_for_tests()
        .decisions_for(&amelia)
        .await
        .unwrap();
    assert_eq!(
        decisions[0].reasons_json,
        r#"["Please send the consultant's letter.","When did the absence start?"]"#
    );
    let shown = coordinator.get(confirmed.location()).await;
    assert!(
        shown.body.contains("Questions sent to the school."),
        "{}",
        shown.body
    );
}

/// The school lands on a confirmation page after sending; only its school and the
/// coordinator see it, and nobody sees one for a draft.
#[tokio::test]
async fn the_sent_confirmation_is_for_the_referring_school_and_the_coordinator_only() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = referral_of(&app, "Amelia").await;
    let oliver = referral_of(&app, "Oliver").await; // Wensum Valley's draft
    let path = format!("/referrals/{amelia}/sent");
    let mut school = app.signed_in("school@demo.invalid").await;
    let page = school.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<h1 class=\"govuk-panel__title\">Referral sent for Amelia Barnes</h1>")
    );
    assert!(
        page.body
            .contains(&mns_app::referrals::referral_reference(&amelia))
    );
    assert!(page.body.contains("for Amelia Barnes"));
    assert!(page.body.contains(&format!("href=\"/referrals/{amelia}\"")));
    assert!(page.body.contains("Start another referral"));
    assert_eq!(
        school
            .get(&format!("/referrals/{oliver}/sent"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let seen = coordinator.get(&path).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("Start another referral"));
    for email in [
        "school2@demo.invalid",
        "caseworker@demo.invalid",
        "parent@demo.invalid",
        "auditor@demo.invalid",
    ] {
        let mut other = app.signed_in(email).await;
        let refused = other.get(&path).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{email}");
        assert!(!refused.body.contains("Amelia"), "{email}");
    }
}

/// The coordinator assigns a referral to a caseworker: audited, the caseworker is emailed
/// (without the child's details), sees it on their home page and under "Assigned to me";
/// the queue and its CSV show who has it. Nobody else may assign, and only to someone who
/// works referrals.
#[tokio::test]
async fn mn_role_1_the_coordinator_assigns_a_referral_and_the_queue_filters_on_it() {
    for backend in mns_store::testing::backends() {
        let app = TestApp::spawn(backend).await;
        let store = app.app.store_for_tests();
        let amelia = referral_of(&app, "Amelia").await;
        let caseworker_id = store
            .find_user_by_email("caseworker@demo.invalid")
            .await
            .unwrap()
            .unwrap()
            .id;
        let parent_id = store
            .find_user_by_email("parent@demo.invalid")
            .await
            .unwrap()
            .unwrap()
            .id;
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let page = coordinator.get(&format!("/referrals/{amelia}")).await;
        assert!(page.body.contains("Nobody yet"));
        assert!(page.body.contains("Sam Patel (Caseworker)"));
        assert!(!page.body.contains("Pat Green"), "a parent is no choice");

        // Only someone who works referrals.
        let wrong = coordinator
            .post(
                &format!("/referrals/{amelia}/assign"),
                &[("assigned_to", &parent_id)],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong.body.contains("href=\"#assigned_to\""),
            "{}",
            wrong.body
        );
        assert!(audited(&app, &amelia, "referral.assign").await.is_empty());

        let done = coordinator
            .post(
                &format!("/referrals/{amelia}/assign"),
                &[("assigned_to", &caseworker_id)],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(
            done.location(),
            format!("/referrals/{amelia}?assigned=yes#assignment")
        );
        let shown = coordinator
            .get(&format!("/referrals/{amelia}?assigned=yes"))
            .await;
        assert!(
            shown
                .body
                .contains("The referral is assigned to Sam Patel, Caseworker.")
        );
        assert_eq!(
            audited(&app, &amelia, "referral.assign").await,
            vec![caseworker_id.clone()]
        );
        let emails: Vec<_> = store
            .outbox_messages_to("caseworker@demo.invalid")
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.subject.contains("assigned to you"))
            .collect();
        assert_eq!(emails.len(), 1);
        assert!(!emails[0].body.contains("Amelia"));

        // The queue and its CSV.
        let queue = coordinator.get("/referrals").await;
        assert!(queue.body.contains(">Assigned to</th>"));
        assert!(
            queue
                .body
                .contains("<td class=\"govuk-table__cell\">Sam Patel</td>")
        );
        let unassigned = coordinator.get("/referrals?assigned=nobody").await;
        assert!(!unassigned.body.contains("Amelia Barnes"));
        assert!(unassigned.body.contains("Theo Irving"));
        let csv = coordinator.get("/referrals.csv").await;
        let header = csv.body.lines().next().unwrap();
        assert!(header.ends_with(",Assigned to"), "{header}");
        assert!(
            csv.body
                .lines()
                .any(|l| l.starts_with("Amelia Barnes,") && l.ends_with(",Sam Patel"))
        );

        // The caseworker: home page, "assigned to me", and no assigning of their own.
        let mut caseworker = app.signed_in("caseworker@demo.invalid").await;
        let home = caseworker.get("/home").await;
        assert!(
            home.body.contains("1 referral assigned to you"),
            "{}",
            home.body
        );
        assert!(home.body.contains("href=\"/referrals?assigned=me\""));
        let mine = caseworker.get("/referrals?assigned=me").await;
        assert!(mine.body.contains("Amelia Barnes"));
        assert!(!mine.body.contains("Theo Irving"));
        assert!(
            mine.body.contains("&#38;assigned=me"),
            "filters kept in links"
        );
        let theirs = caseworker.get(&format!("/referrals/{amelia}")).await;
        assert!(theirs.body.contains("Sam Patel, Caseworker"));
        assert!(
            !theirs
                .body
                .contains(&format!("action=\"/referrals/{amelia}/assign\""))
        );
        assert_eq!(
            caseworker
                .post(
                    &format!("/referrals/{amelia}/assign"),
                    &[("assigned_to", "")]
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let mut school = app.signed_in("school@demo.invalid").await;
        assert_eq!(
            school
                .post(
                    &format!("/referrals/{amelia}/assign"),
                    &[("assigned_to", "")]
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Taken away again.
        let cleared = coordinator
            .post(
                &format!("/referrals/{amelia}/assign"),
                &[("assigned_to", "")],
            )
            .await;
        assert_eq!(cleared.status, StatusCode::SEE_OTHER);
        assert_eq!(
            audited(&app, &amelia, "referral.assign").await,
            ["nobody".to_string(), caseworker_id.clone()]
        );
        assert!(
            !caseworker
                .get("/home")
                .await
                .body
                .contains("assigned to you")
        );
    }
}

/// The queue is filtered by school, with the status filter and the search, and the filter is
/// kept in the paging, sorting and CSV links; the CSV holds only that school's referrals.
#[tokio::test]
async fn the_queue_is_filtered_by_school_with_the_other_filters() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let all = coordinator.get("/referrals").await;
    assert!(
        all.body
            .contains("<option value=\"121002\">Yare Bank Academy</option>")
    );
    assert!(
        !all.body.contains("value=\"121004\""),
        "no referrals from Fenland Edge"
    );
    let yare = coordinator.get("/referrals?school=121002").await;
    assert_eq!(yare.status, StatusCode::OK);
    assert!(yare.body.contains("<option value=\"121002\" selected>"));
    assert!(yare.body.contains("Noah Ellis"));
    assert!(!yare.body.contains("Amelia Barnes"));
    assert!(!yare.body.contains("Theo Irving"));
    assert!(
        yare.body
            .contains("href=\"/referrals.csv?status=&#38;school=121002\""),
        "{}",
        yare.body
    );
    assert!(yare.body.contains("sort=newest&#38;school=121002"));
    let declined = coordinator
        .get("/referrals?school=121002&status=declined")
        .await;
    assert!(declined.body.contains("Freya Fletcher"));
    assert!(!declined.body.contains("Noah Ellis"));
    let searched = coordinator
        .get("/referrals?school=121002&search=noah")
        .await;
    assert!(searched.body.contains("Noah Ellis"));
    assert!(!searched.body.contains("Freya Fletcher"));
    let none = coordinator
        .get("/referrals?school=121001&search=noah")
        .await;
    assert!(
        none.body
            .contains("There are no referrals here matching &ldquo;noah&rdquo; with these filters")
    );
    let csv = coordinator.get("/referrals.csv?school=121002").await;
    assert!(csv.body.contains("Noah Ellis"));
    assert!(!csv.body.contains("Amelia Barnes"));
}

/// MN-ELIG-4: a pupil whose age does not fit the school's statutory age range (from the
/// schools list) is flagged on the coordinator's desk and among the checks, not failed; the
/// school does not see the checks.
#[tokio::test]
async fn mn_elig_4_a_secondary_age_pupil_at_a_primary_school_is_flagged_on_the_desk() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = referral_of(&app, "Amelia").await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let fits = coordinator.get(&format!("/referrals/{amelia}")).await;
    assert!(
        !fits.body.contains("id=\"phase-flag\""),
        "Amelia is in Year 6"
    );

    // The school sent Amelia's referral with a date of birth that makes her Year 9.
    let store = app.app.store_for_tests();
    let mut record = store.get_referral(&amelia).await.unwrap().unwrap();
    let mut form: mns_domain::referral::Referral = serde_json::from_str(&record.form_json).unwrap();
    form.pupil.date_of_birth = chrono::NaiveDate::from_ymd_opt(2012, 10, 1);
    record.form_json = serde_json::to_string(&form).unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.save_referral(&record).await.unwrap();
    tx.commit().await.unwrap();

    let flagged = coordinator.get(&format!("/referrals/{amelia}")).await;
    let message = "The pupil&#39;s age does not fit the school: Year 9 by age on the referral \
                   date, but Wensum Valley Primary School&#39;s statutory age range is 4 to 11, \
                   Reception to Year 6.";
    assert!(
        flagged.body.contains("id=\"phase-flag\""),
        "{}",
        flagged.body
    );
    assert_eq!(flagged.body.matches(message).count(), 2, "{}", flagged.body);
    let checks = coordinator
        .get(&format!("/api/v1/referrals/{amelia}/checks"))
        .await;
    let json = checks.json();
    let found = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("The pupil's age does not fit the school"))
        })
        .cloned()
        .expect("the phase flag among the checks");
    assert_eq!(found["outcome"], "flag");
    assert_eq!(found["rule"], "MN-ELIG-4");

    let mut school = app.signed_in("school@demo.invalid").await;
    let own = school.get(&format!("/referrals/{amelia}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.body.contains("does not fit the school"));
}

/// MN-ROLE-1: a case is worked by the caseworker its referral is assigned to. The case page
/// names them, their home page counts their open cases, and their case list can show only
/// those.
#[tokio::test]
async fn mn_role_1_the_caseworker_of_an_assigned_referral_sees_its_case_as_theirs() {
    for backend in mns_store::testing::backends() {
        let app = TestApp::spawn(backend).await;
        let isla = referral_of(&app, "Isla").await;
        let store = app.app.store_for_tests();
        assert!(
            store.get_case(&isla).await.unwrap().is_some(),
            "Isla has a case"
        );
        let caseworker_id = store
            .find_user_by_email("caseworker@demo.invalid")
            .await
            .unwrap()
            .unwrap()
            .id;
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let r = coordinator
            .post(
                &format!("/referrals/{isla}/assign"),
                &[("assigned_to", &caseworker_id)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        let mut caseworker = app.signed_in("caseworker@demo.invalid").await;
        let home = caseworker.get("/home").await;
        assert!(
            home.body.contains("1 open case assigned to you"),
            "{}",
            home.body
        );
        assert!(home.body.contains("href=\"/cases?assigned=me\""));
        let mine = caseworker.get("/cases?assigned=me").await;
        assert_eq!(mine.status, StatusCode::OK);
        assert!(mine.body.contains("Isla Dawson"));
        assert!(
            mine.body
                .contains("Showing open cases, most recently opened first, assigned to you")
        );
        let all = caseworker.get("/cases").await;
        let others = all
            .body
            .matches("<td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/cases/")
            .count();
        let only = mine
            .body
            .matches("<td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/cases/")
            .count();
        assert_eq!(only, 1, "{}", mine.body);
        assert!(others > only, "every case is listed without the filter");
        let page = coordinator.get(&format!("/cases/{isla}")).await;
        assert!(
            page.body.contains("Caseworker</dt>") && page.body.contains("Sam Patel"),
            "the case names its caseworker"
        );
        // Only cases assigned to the reader: none for a school user.
        let mut school = app.signed_in("school@demo.invalid").await;
        let none = school.get("/cases?assigned=me").await;
        assert!(
            none.body
                .contains("There are no open cases to show you assigned to you")
        );
    }
}
