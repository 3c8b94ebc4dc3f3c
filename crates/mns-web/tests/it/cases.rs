//! A case's whole journey through the pages, each step as the role that does it: Part A
//! (with its problems named), the start of provision, sessions and the lack-of-engagement
//! alert, the review, the continuation request (refused until complete) and its agreement, a
//! request to end, the end, and the letters.

use crate::authorization::referral_of;
use crate::support::TestApp;
use axum::http::StatusCode;
use mns_store::testing::backends;

fn date<'a>(name: &str, d: (&'a str, &'a str, &'a str)) -> Vec<(String, &'a str)> {
    vec![
        (format!("{name}-day"), d.0),
        (format!("{name}-month"), d.1),
        (format!("{name}-year"), d.2),
    ]
}

fn fields<'a>(pairs: &'a [(String, &'a str)]) -> Vec<(&'a str, &'a str)> {
    pairs.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

#[tokio::test]
async fn a_case_goes_from_planning_to_the_end_each_step_by_its_role() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        // Mia's referral was accepted; her school is Broadland High (school3).
        let id = referral_of(&app, "Mia").await;
        let mia = app.pupil("Mia").await;
        let parent_id = app
            .app
            .store_for_tests()
            .find_user_by_email("parent@demo.invalid")
            .await
            .unwrap()
            .unwrap()
            .id;
        let provider_id = app
            .app
            .store_for_tests()
            .find_user_by_email("provider@demo.invalid")
            .await
            .unwrap()
            .unwrap()
            .id;
        let mut tx = app.app.store_for_tests().begin().await.unwrap();
        let now = app.app.now();
        tx.link_pupil(&parent_id, &mia.id, "parent", now)
            .await
            .unwrap();
        tx.link_pupil(&provider_id, &mia.id, "provider", now)
            .await
            .unwrap();
        // The story starts provision in early November, so Mia was referred in October
        // (provision never starts before the referral, MN-DEC-2).
        tx.backdate_referral(&id, chrono::NaiveDate::from_ymd_opt(2026, 10, 12).unwrap())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let case = format!("/cases/{id}");

        // Part A: a part-time package without a medical reason, and no DSL, is refused with
        // each problem named (MN-DEC-3, MN-PLAN-2, MN-PLAN-3).
        let mut school = app.signed_in("school3@demo.invalid").await;
        let page = school.get(&format!("{case}/plan")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let mut plan: Vec<(String, &str)> = date("meeting_date", ("16", "11", "2026"));
        plan.extend([
            ("place".to_string(), "home"),
            ("attendee_1_kind".to_string(), "parent_carer"),
            ("attendee_1_name".to_string(), "Pat Green"),
            ("learning_needs".to_string(), "GCSE maths and English"),
            ("hlsa_hours".to_string(), "6"),
            ("full_time_hours".to_string(), "32.5"),
            ("joint_approach".to_string(), "Weekly call"),
            ("finalise".to_string(), "yes"),
            ("condition_group".to_string(), "flu"),
        ]);
        let refused = school.post(&format!("{case}/plan"), &fields(&plan)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        for expected in [
            "Select the group the young person",
            "the medical reason",
            "ready to learn at the agreed time",
            "Designated Safeguarding Lead",
        ] {
            assert!(
                refused.body.contains(expected),
                "{expected}: {}",
                refused.body
            );
        }
        // Nothing was finalised.
        assert!(
            app.app
                .store_for_tests()
                .get_case(&id)
                .await
                .unwrap()
                .unwrap()
                .plan_finalised_at
                .is_none()
        );
        plan.extend([
            (
                "medical_reason".to_string(),
                "Fatigue after chemotherapy limits learning to mornings",
            ),
            ("readiness".to_string(), "yes"),
            ("dsl_name".to_string(), "Taylor Brooks"),
        ]);
        plan.retain(|(k, _)| k != "condition_group");
        plan.push(("condition_group".to_string(), "cancer"));
        let saved = school.post(&format!("{case}/plan"), &fields(&plan)).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        // The condition group is kept with Part A, for the service's figures (issue 17).
        let kept = app
            .app
            .store_for_tests()
            .get_case(&id)
            .await
            .unwrap()
            .unwrap();
        assert!(
            kept.plan_json
                .unwrap()
                .contains("\"condition_group\":\"cancer\"")
        );
        assert!(
            !app.app
                .store_for_tests()
                .outbox_messages_to("parent@demo.invalid")
                .await
                .unwrap()
                .is_empty()
        );

        // The coordinator starts provision; a half-typed date is named.
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let bad = coordinator
            .post(
                &format!("{case}/start"),
                &fields(&date("start", ("2", "11", ""))),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("must include a year"), "{}", bad.body);
        // The start is checked first, and changes nothing until confirmed.
        let check = coordinator
            .post(
                &format!("{case}/start"),
                &fields(&date("start", ("2", "11", "2026"))),
            )
            .await;
        assert_eq!(check.status, StatusCode::OK, "{}", check.body);
        assert!(check.body.contains("Check before you start provision"));
        assert!(check.body.contains("The 12-school-week period ends on"));
        assert!(
            check
                .body
                .contains("The school&#39;s staff: 1 person, by email")
        );
        assert_eq!(
            crate::case_pages::state_of(&app, &id).await,
            mns_domain::provision::CaseState::Planning
        );
        let mut confirmed = date("start", ("2", "11", "2026"));
        confirmed.push(("confirm".to_string(), "yes"));
        let started = coordinator
            .post(&format!("{case}/start"), &fields(&confirmed))
            .await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
        assert_eq!(started.location(), format!("{case}?done=started"));
        let record = app
            .app
            .store_for_tests()
            .get_case(&id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.state, mns_domain::provision::CaseState::InProvision);
        assert_eq!(record.period_number, 1);
        // 12 school weeks from 2 November 2026 skip the Christmas holiday (MN-PLAN-5).
        assert!(record.period_end.unwrap() > chrono::NaiveDate::from_ymd_opt(2027, 1, 25).unwrap());

        // The provider logs three refusals: the coordinator is told (MN-PROV-3).
        let mut provider = app.signed_in("provider@demo.invalid").await;
        let before = app
            .app
            .store_for_tests()
            .outbox_messages_to("medical.needs@council.invalid")
            .await
            .unwrap()
            .len();
        for (day, outcome) in [
            ("9", "refused"),
            ("12", "cancelled_by_family"),
            ("19", "refused"),
        ] {
            let mut s = date("held_on", (day, "11", "2026"));
            s.extend([("outcome".to_string(), outcome), ("hours".to_string(), "2")]);
            let r = provider
                .post(&format!("{case}/sessions"), &fields(&s))
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let mut future = date("held_on", ("30", "11", "2026"));
        future.extend([
            ("outcome".to_string(), "delivered"),
            ("hours".to_string(), "two"),
        ]);
        let r = provider
            .post(&format!("{case}/sessions"), &fields(&future))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("must be a number of hours"), "{}", r.body);
        let alerts = app
            .app
            .store_for_tests()
            .outbox_messages_to("medical.needs@council.invalid")
            .await
            .unwrap();
        assert_eq!(alerts.len(), before + 1);
        assert!(
            !alerts.last().unwrap().body.contains("Mia"),
            "no names in emails"
        );
        let dashboard = coordinator.get("/cases/dashboard").await;
        assert!(
            dashboard.body.contains("review proposed"),
            "{}",
            dashboard.body
        );
        // The provider sees the sessions but not the record's PDF.
        assert_eq!(
            provider.get(&format!("{case}/plan.pdf")).await.status,
            StatusCode::NOT_FOUND
        );

        // The school holds the review (MN-REV-1, MN-REV-2).
        assert_eq!(
            school
                .post(&format!("{case}/review/start"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let mut review = date("held_on", ("20", "11", "2026"));
        review.extend([
            ("progress".to_string(), "Managing mornings"),
            ("steps".to_string(), "break_or_lunch_times"),
        ]);
        let r = school
            .post(&format!("{case}/review"), &fields(&review))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            app.app
                .store_for_tests()
                .get_case(&id)
                .await
                .unwrap()
                .unwrap()
                .state,
            mns_domain::provision::CaseState::InProvision
        );

        // A continuation request without evidence or attendance is refused (MN-CONT-1).
        let r = school
            .post(
                &format!("{case}/continuation"),
                &[("has_healthcare_plan", "no")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("updated medical evidence"), "{}", r.body);
        let mut request = date("evidence_dated", ("18", "11", "2026"));
        request.extend([
            ("has_attendance".to_string(), "yes"),
            ("has_healthcare_plan".to_string(), "no"),
        ]);
        let r = school
            .post(&format!("{case}/continuation"), &fields(&request))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Only the coordinator agrees it; the clock starts again (MN-CONT-2).
        assert_eq!(
            school
                .post(&format!("{case}/continuation/agree"), &[])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let end_of_first = app
            .app
            .store_for_tests()
            .get_case(&id)
            .await
            .unwrap()
            .unwrap()
            .period_end
            .unwrap();
        let r = coordinator
            .post(&format!("{case}/continuation/agree"), &[("confirm", "yes")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let record = app
            .app
            .store_for_tests()
            .get_case(&id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (record.state.as_str(), record.period_number),
            ("continued", 2)
        );
        assert!(record.period_start.unwrap() > end_of_first);

        // The provider may only ask to end (MN-END-2); stopping early is flagged (MN-END-3).
        assert_eq!(
            provider
                .post(&format!("{case}/end"), &[("reason", "will_not_engage")])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let mut ask = date("stops_on", ("4", "12", "2026"));
        ask.push(("end_reason".to_string(), "Refuses every session"));
        let r = provider
            .post(&format!("{case}/end-request"), &fields(&ask))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let dashboard = coordinator.get("/cases/dashboard").await;
        assert!(dashboard.body.contains("Stops early"), "{}", dashboard.body);

        // The coordinator ends it with a reason (MN-END-1); the letter is for the school and
        // the parent, and says nothing medical.
        let r = coordinator.post(&format!("{case}/end"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let mut end = date("ends_on", ("22", "11", "2026"));
        end.extend([
            ("reason".to_string(), "will_not_engage"),
            ("outcome".to_string(), "other"),
            ("confirm".to_string(), "yes"),
        ]);
        let r = coordinator
            .post(&format!("{case}/end"), &fields(&end))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mut parent = app.signed_in("parent@demo.invalid").await;
        let letter = parent.get(&format!("{case}/end-letter.pdf")).await;
        assert_eq!(letter.status, StatusCode::OK);
        assert!(letter.body.starts_with("%PDF"));
        assert!(letter.body.contains("End of Provision"));
        assert!(!letter.body.contains("chemotherapy"));
        let record = parent.get(&format!("{case}/plan.pdf")).await;
        assert_eq!(record.status, StatusCode::OK);
        assert!(record.body.contains("Planning and Review Record"));
        assert_eq!(
            provider.get(&format!("{case}/end-letter.pdf")).await.status,
            StatusCode::NOT_FOUND
        );
        // Nothing moves an ended case.
        let r = coordinator.post(&format!("{case}/review/start"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = parent.get(&case).await;
        assert!(page.body.contains("Ended"), "{}", page.body);
    }
}

#[tokio::test]
async fn mn_cont_2_schools_are_reminded_once_before_the_review_and_continuation_fall_due() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    // Look a long way ahead so the demo's running cases all have something due.
    let first = app.app.send_case_reminders(120).await.unwrap();
    assert!(first > 0);
    assert_eq!(
        app.app.send_case_reminders(120).await.unwrap(),
        0,
        "once per period"
    );
    let to_school = app
        .app
        .store_for_tests()
        .outbox_messages_to("school3@demo.invalid")
        .await
        .unwrap();
    assert!(
        to_school
            .iter()
            .any(|m| m.subject.contains("continuation request is due"))
    );
    assert!(
        to_school
            .iter()
            .all(|m| !m.body.contains("Ruby") && !m.body.contains("Jack"))
    );
}

#[tokio::test]
async fn the_dashboard_counts_every_state_of_the_demo() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let coordinator = mns_app::Actor {
        user: app
            .app
            .store_for_tests()
            .find_user_by_email("coordinator@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    let d = app.app.case_dashboard(&coordinator).await.unwrap();
    for (state, n) in &d.by_state {
        assert!(*n > 0, "no demo case is {state:?}");
    }
    assert!(!d.overdue.is_empty());
    assert!(!d.no_continuation.is_empty());
    assert!(!d.non_engagement.is_empty());
    assert!(!d.end_requests.is_empty());
    assert!(!d.waiting.is_empty());
    assert!(d.median_days_to_start().is_some());
    assert!(d.robots_waiting > 0, "a robot waiting list");
    assert!(d.hlsa_hours_short > 0.0, "an HLSA shortfall");
}

#[tokio::test]
async fn mn_prov_4_the_school_logs_welfare_checks_and_mn_prov_5_concerns_reach_only_those_who_need_them()
 {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let id = referral_of(&app, "Isla").await;
    let case = format!("/cases/{id}");

    // MN-PROV-4: the school logs a check; a missing finding is named; the parent does not see
    // the school's notes.
    let mut school = app.signed_in("school@demo.invalid").await;
    let r = school
        .post(
            &format!("{case}/welfare-checks"),
            &fields(&date("checked_on", ("20", "11", "2026"))),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Enter what the check found"), "{}", r.body);
    let mut check = date("checked_on", ("20", "11", "2026"));
    check.push((
        "welfare_notes".to_string(),
        "Spoke with Isla and her dad; managing well",
    ));
    let r = school
        .post(&format!("{case}/welfare-checks"), &fields(&check))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(school.get(&case).await.body.contains("managing well"));
    let mut parent = app.signed_in("parent@demo.invalid").await;
    assert!(!parent.get(&case).await.body.contains("managing well"));
    let mut provider = app.signed_in("provider@demo.invalid").await;
    assert_eq!(
        provider
            .post(&format!("{case}/welfare-checks"), &fields(&check))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // MN-PROV-5: the provider raises a concern; it goes to the DSL on the record (the demo
    // school user) and the service mailbox, with nothing of it in the emails.
    let r = provider
        .post(&format!("{case}/concerns"), &[("concern", "  ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let words = "Bruising on the arm; said she fell";
    let r = provider
        .post(&format!("{case}/concerns"), &[("concern", words)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for address in ["school@demo.invalid", "medical.needs@council.invalid"] {
        let mails = app
            .app
            .store_for_tests()
            .outbox_messages_to(address)
            .await
            .unwrap();
        let mail = mails
            .iter()
            .find(|m| m.subject.contains("safeguarding concern"))
            .unwrap_or_else(|| panic!("{address} was not told"));
        assert!(!mail.body.contains("Bruising") && !mail.body.contains("Isla"));
    }
    assert!(
        provider.get(&case).await.body.contains(words),
        "the raiser sees it"
    );
    assert!(
        school.get(&case).await.body.contains(words),
        "the DSL sees it"
    );
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    assert!(coordinator.get(&case).await.body.contains(words));
    for who in [
        "parent@demo.invalid",
        "health@demo.invalid",
        "viewer@demo.invalid",
        "caseworker@demo.invalid",
    ] {
        let mut other = app.signed_in(who).await;
        let page = other.get(&case).await;
        assert_eq!(page.status, StatusCode::OK, "{who}");
        assert!(!page.body.contains("Bruising"), "{who} sees the concern");
    }
    // A school colleague who is not the DSL does not see it either.
    app.app
        .add_user(
            &mns_app::system_actor("test"),
            mns_app::identity::users::NewUser {
                email: "teacher@demo.invalid".into(),
                display_name: "A Teacher".into(),
                role: "school".into(),
                school_urn: Some("121001".into()),
                password: Some("demo-password-2026".into()),
            },
        )
        .await
        .unwrap();
    let mut teacher = app.signed_in("teacher@demo.invalid").await;
    let page = teacher.get(&case).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Bruising"));
}

#[tokio::test]
async fn mn_prov_1_resources_are_allocated_within_capacity_and_the_gap_waits() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get("/resources").await;
    assert_eq!(page.status, StatusCode::OK);
    // The demo: Ruby needs 8 hours of an HLSA with 6, so 2 wait; Harry waits for a robot.
    assert!(page.body.contains("2 HLSA hours a week"), "{}", page.body);
    assert!(page.body.contains("An AV1 robot"));

    // Bad input is named, and nothing is written.
    let r = coordinator
        .post("/resources/hlsa/allocate", &[("hlsa_hours", "lots")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "Select an assistant",
        "Select a case",
        "Enter the hours a week",
    ] {
        assert!(r.body.contains(field), "{field}");
    }
    // Lou Baker has 12 hours; Mia needs 15: 12 are given and 3 wait (MN-DEC-3).
    let mia = referral_of(&app, "Mia").await;
    let lou = app
        .app
        .store_for_tests()
        .hlsa_workers()
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.name == "Lou Baker")
        .unwrap()
        .id;
    let r = coordinator
        .post(
            "/resources/hlsa/allocate",
            &[("case", &mia), ("worker", &lou), ("hlsa_hours", "15")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let waiting = app.app.store_for_tests().open_waiting().await.unwrap();
    assert!(
        waiting
            .iter()
            .any(|w| w.case_id == mia && w.hours_needed == 3.0)
    );
    let given: f64 = app
        .app
        .store_for_tests()
        .current_hlsa_allocations()
        .await
        .unwrap()
        .iter()
        .filter(|a| a.case_id == mia)
        .map(|a| a.hours)
        .sum();
    assert_eq!(given, 12.0);

    // A robot cannot skip from repair to a school; allocating one takes Harry off the list.
    let r = coordinator
        .post(
            "/resources/robots/move",
            &[("robot", "AV1-1003"), ("robot_state", "with_school")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("cannot go from being repaired"),
        "{}",
        r.body
    );
    let harry = referral_of(&app, "Harry").await;
    for state in ["in_store", "allocated"] {
        let r = coordinator
            .post(
                "/resources/robots/move",
                &[
                    ("robot", "AV1-1003"),
                    ("robot_state", state),
                    ("robot_case", &harry),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{state}: {}", r.body);
    }
    assert!(
        !app.app
            .store_for_tests()
            .open_waiting()
            .await
            .unwrap()
            .iter()
            .any(|w| w.case_id == harry)
    );
    let robot = app
        .app
        .store_for_tests()
        .robot("AV1-1003")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(robot.case_id.as_deref(), Some(harry.as_str()));

    // Online learning: the demo provider's 2 places are taken and Ruby waits; Mia waits too.
    let page = coordinator.get("/resources").await;
    assert!(
        page.body.contains("An online-learning place"),
        "{}",
        page.body
    );
    let academy = app.app.store_for_tests().online_providers().await.unwrap()[0]
        .id
        .clone();
    let r = coordinator
        .post(
            "/resources/online/allocate",
            &[("online_case", &mia), ("online_provider", &academy)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        app.app
            .store_for_tests()
            .open_waiting()
            .await
            .unwrap()
            .iter()
            .any(|w| w.case_id == mia && w.resource == "online_learning")
    );
    let r = coordinator
        .post(
            "/resources/online",
            &[("provider_name", "Tutors Direct"), ("places", "none")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Enter the places commissioned"));

    // Schools and providers do not manage resources.
    let mut school = app.signed_in("school@demo.invalid").await;
    assert_eq!(school.get("/resources").await.status, StatusCode::NOT_FOUND);
}

/// Writes the demo's Planning and Review Record (Isla) and End of Provision letter (Grace) to
/// `target/letters/` for `scripts/check-letters.sh` to turn into PNG pages.
#[tokio::test]
#[ignore = "writes files for a person to look at"]
async fn write_case_letters() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let coordinator = mns_app::Actor {
        user: app
            .app
            .store_for_tests()
            .find_user_by_email("coordinator@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/letters");
    std::fs::create_dir_all(&dir).unwrap();
    let isla = referral_of(&app, "Isla").await;
    let plan = app.app.plan_record_pdf(&coordinator, &isla).await.unwrap();
    std::fs::write(dir.join("planning-and-review-record.pdf"), plan).unwrap();
    let grace = referral_of(&app, "Grace").await;
    let letter = app.app.end_letter_pdf(&coordinator, &grace).await.unwrap();
    std::fs::write(dir.join("end-of-provision.pdf"), letter).unwrap();
    let annual = app
        .app
        .annual_report_pdf(&coordinator, &Default::default())
        .await
        .unwrap();
    std::fs::write(dir.join("annual-report.pdf"), annual).unwrap();
}

#[tokio::test]
async fn mn_rec_2_records_past_retention_are_anonymised_unless_a_legal_hold_keeps_them() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let coordinator = mns_app::Actor {
        user: app
            .app
            .store_for_tests()
            .find_user_by_email("coordinator@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    let ava = app.pupil("Ava").await;
    let evie = app.pupil("Evie").await;
    let ava_referral = referral_of(&app, "Ava").await;
    assert!(
        !app.app
            .store_for_tests()
            .documents_for("referral", &ava_referral)
            .await
            .unwrap()
            .is_empty()
    );
    app.app
        .add_note(
            &coordinator,
            mns_app::notes::NoteOn::Referral,
            &ava_referral,
            "Spoke to Ava's mother about the evidence.",
        )
        .await
        .unwrap();
    // A hold needs a reason; Evie's records are kept for a complaint.
    assert!(
        app.app
            .set_legal_hold(&coordinator, &evie.id, true, " ")
            .await
            .is_err()
    );
    app.app
        .set_legal_hold(
            &coordinator,
            &evie.id,
            true,
            "Complaint to the Ombudsman open",
        )
        .await
        .unwrap();
    // An assessment's free text goes with the rest (issue 16).
    app.app
        .open_assessment(
            &coordinator,
            mns_app::assessments::AssessmentSubject::Pupil(&ava.id),
            &mns_app::assessments::AssessmentEntry {
                concern: "Ava is off with fatigue".into(),
                advice: "Rest breaks".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // Nothing is due in 2026.
    let system = mns_app::system_actor("test");
    assert_eq!(app.app.run_retention(&system).await.unwrap().anonymised, 0);

    // On 1 January 2036 Ava (born December 2010), Finley (October 2010) and Evie (September
    // 2010) are past their 25th birthdays.
    if let mns_app::Clock::Fixed(now) = &app.app.clock {
        *now.lock().unwrap() =
            chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2036, 1, 1, 9, 0, 0).unwrap();
    }
    let report = app.app.run_retention(&system).await.unwrap();
    assert_eq!((report.anonymised, report.held), (2, 1));
    assert!(
        app.app
            .store_for_tests()
            .notes("referral", &ava_referral)
            .await
            .unwrap()
            .is_empty(),
        "notes go with the rest of the free text"
    );
    assert!(report.documents >= 1);
    let assessments = app
        .app
        .store_for_tests()
        .assessments_for_pupil(&ava.id)
        .await
        .unwrap();
    assert_eq!(assessments.len(), 1);
    assert_eq!(
        (
            assessments[0].concern.as_str(),
            assessments[0].advice.as_str()
        ),
        ("", "")
    );
    let gone = app
        .app
        .store_for_tests()
        .get_pupil(&ava.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (gone.given_name.as_str(), gone.upn.is_none()),
        ("Removed", true)
    );
    assert!(
        app.app
            .store_for_tests()
            .documents_for("referral", &ava_referral)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        app.app
            .store_for_tests()
            .get_case(&ava_referral)
            .await
            .unwrap()
            .unwrap()
            .plan_json
            .is_none()
    );
    assert_eq!(
        app.app
            .store_for_tests()
            .get_pupil(&evie.id)
            .await
            .unwrap()
            .unwrap()
            .given_name,
        "Evie"
    );
    // The case still opens, with no name and no plan.
    let mut page = app.signed_in("coordinator@demo.invalid").await;
    let case = page.get(&format!("/cases/{ava_referral}")).await;
    assert_eq!(case.status, StatusCode::OK);
    assert!(!case.body.contains("Harding"));
    // Done once: a second run finds nothing new.
    assert_eq!(
        app.app.run_retention(&system).await.unwrap(),
        mns_app::retention::RetentionReport {
            anonymised: 0,
            documents: 0,
            held: 1,
            attendance_figures: 0,
            attendance_alerts: 0,
            event_bookings: 0,
        }
    );
}

#[tokio::test]
async fn mn_hosp_1_mn_hosp_2_and_mn_send_1_special_situations_on_a_case() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let ava = referral_of(&app, "Ava").await;
    let case = format!("/cases/{ava}");
    // MN-HOSP-1: the demo's admission with a discharge ahead told the school to plan, and the
    // case stays open.
    let to_school = app
        .app
        .store_for_tests()
        .outbox_messages_to("school2@demo.invalid")
        .await
        .unwrap();
    assert!(
        to_school
            .iter()
            .any(|m| m.subject.contains("Discharge planning"))
    );
    assert!(to_school.iter().all(|m| !m.body.contains("Ava")));
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get(&case).await;
    assert!(
        page.body.contains("Norfolk Hospital School"),
        "{}",
        page.body
    );
    let mut bad = date("admitted_on", ("20", "11", "2026"));
    bad.extend(date("discharge_on", ("1", "11", "2026")));
    bad.extend([
        ("hospital".to_string(), "NNUH"),
        ("hospital_school".to_string(), "Norfolk Hospital School"),
    ]);
    let r = coordinator
        .post(&format!("{case}/admissions"), &fields(&bad))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("on or after the admission"), "{}", r.body);

    // MN-HOSP-2: finance pays the complete invoice, not the one missing the timetable, and
    // sees no child's name.
    let mut finance = app.signed_in("finance@demo.invalid").await;
    let list = finance.get("/invoices").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("PHN-4471") && list.body.contains("needs the timetable"));
    assert!(!list.body.contains("Ava") && !list.body.contains("Harding"));
    assert_eq!(finance.get(&case).await.status, StatusCode::NOT_FOUND);
    let invoices = app.app.store_for_tests().invoices(None).await.unwrap();
    let held = invoices.iter().find(|i| i.reference == "PHN-4502").unwrap();
    let r = finance
        .post(&format!("/invoices/{}/paid", held.id), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("cannot be paid until the hospital sends the timetable"),
        "{}",
        r.body
    );
    let payable = invoices.iter().find(|i| i.reference == "PHN-4471").unwrap();
    let r = finance
        .post(&format!("/invoices/{}/paid", payable.id), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = coordinator
        .post(
            &format!("{case}/invoices"),
            &[
                ("invoice_hospital", "Priory"),
                ("reference", "X1"),
                ("amount", "lots"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Enter the amount in pounds"));

    // MN-SEND-1: an EHCP needs its coordinator named.
    let r = coordinator
        .post(&format!("{case}/send"), &[("has_ehcp", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = coordinator
        .post(
            &format!("{case}/send"),
            &[("has_ehcp", "yes"), ("ehcp_coordinator", "Sam Ives")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        coordinator
            .get(&case)
            .await
            .body
            .contains("coordinated by Sam Ives")
    );
}

#[tokio::test]
async fn mn_prov_6_sessions_during_provision_not_coded_k_are_listed_from_the_schools_herringbone() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let id = referral_of(&app, "Isla").await;
    let case = format!("/cases/{id}");
    let record = app
        .app
        .store_for_tests()
        .get_case(&id)
        .await
        .unwrap()
        .unwrap();
    let start = record.provision_start.unwrap();
    let upn = app.pupil("Isla").await.upn.unwrap();
    // The school was told to code the sessions K when provision started.
    let to_school = app
        .app
        .store_for_tests()
        .outbox_messages_to("school@demo.invalid")
        .await
        .unwrap();
    assert!(
        to_school
            .iter()
            .any(|m| m.subject.contains("code the sessions K"))
    );
    // Three school days from the start: K, K; present (/), K; ill (I), K.
    let mut csv = String::from("UPN,Date,Session,Mark\n");
    let mut day = start;
    for (am, pm) in [("K", "K"), ("/", "K"), ("I", "K")] {
        while chrono::Datelike::weekday(&day).num_days_from_monday() > 4 {
            day = day.succ_opt().unwrap();
        }
        csv.push_str(&format!("{upn},{day},AM,{am}\n{upn},{day},PM,{pm}\n"));
        day = day.succ_opt().unwrap();
    }
    let mut school = app.signed_in("school@demo.invalid").await;
    school.get(&case).await;
    // A file with nobody's rows for the pupil is refused, naming the UPN.
    let other = csv.replace(&upn, "A123456789012");
    let r = school
        .upload(
            &format!("{case}/attendance"),
            "attendance",
            "other.csv",
            other.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&upn), "{}", r.body);
    let r = school
        .upload(
            &format!("{case}/attendance"),
            "attendance",
            "autumn.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = school.get(&case).await;
    assert!(
        page.body
            .contains("2 sessions since provision started are not coded K"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("coded / ") && page.body.contains("coded I "),
        "{}",
        page.body
    );
    // The parent and the provider do not see the school's register.
    let mut parent = app.signed_in("parent@demo.invalid").await;
    assert!(!parent.get(&case).await.body.contains("not coded K"));
    let mut provider = app.signed_in("provider@demo.invalid").await;
    let r = provider
        .upload(
            &format!("{case}/attendance"),
            "attendance",
            "autumn.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn mn_plan_5_a_schools_own_calendar_sets_its_pupils_school_weeks() {
    use mns_domain::calendar::{SchoolCalendar, TermCalendar, norfolk_2026_27_provisional};
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    // Broadland High (121003) closes a week earlier for Christmas than the council's calendar.
    let mut json = serde_json::to_value(norfolk_2026_27_provisional()).unwrap();
    json["name"] = "Broadland High 2026/27".into();
    let council_autumn_end = json["terms"][0]["end"].as_str().unwrap().to_string();
    let end = chrono::NaiveDate::parse_from_str(&council_autumn_end, "%Y-%m-%d").unwrap()
        - chrono::Duration::days(7);
    json["terms"][0]["end"] = end.to_string().into();
    let own: TermCalendar = serde_json::from_value(json).unwrap();
    let system = mns_app::system_actor("test");
    app.app
        .save_school_calendar(&system, "121003", &own)
        .await
        .unwrap();
    assert!(
        app.app
            .save_school_calendar(&system, "999999", &own)
            .await
            .is_err()
    );

    let council = app.app.calendar_for_school(None).await.unwrap().unwrap();
    let school: SchoolCalendar = app
        .app
        .calendar_for_school(Some("121003"))
        .await
        .unwrap()
        .unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let policy = app.app.policy().clone();
    let by_council = mns_domain::provision::period(&council, start, &policy, None).unwrap();
    let by_school = mns_domain::provision::period(&school, start, &policy, None).unwrap();
    assert!(
        by_school.end > by_council.end,
        "a week less of term pushes the end later"
    );

    // Mia is at Broadland High: her period is counted on the school's calendar.
    let id = referral_of(&app, "Mia").await;
    let coordinator = mns_app::Actor {
        user: app
            .app
            .store_for_tests()
            .find_user_by_email("coordinator@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    let school_user = mns_app::Actor {
        user: app
            .app
            .store_for_tests()
            .find_user_by_email("school3@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    use mns_domain::provision::record::{Attendee, PartA};
    use mns_domain::provision::{AttendeeKind, Component, MeetingPlace, Package};
    let plan = PartA {
        meeting_date: Some(start),
        place: Some(MeetingPlace::School),
        attendees: vec![Attendee {
            kind: AttendeeKind::ParentCarer,
            name: "A Parent".into(),
        }],
        learning_needs: "Maths".into(),
        package: Package::new(vec![Component::OnlineLearning {
            provider: "Home school".into(),
            hours_per_week: 32.5,
        }]),
        dsl_name: "Taylor Brooks".into(),
        joint_approach: "Weekly call".into(),
        ..PartA::default()
    };
    app.app
        .save_plan(&school_user, &id, plan, true)
        .await
        .unwrap();
    app.app
        .start_provision(&coordinator, &id, start, None)
        .await
        .unwrap();
    let case = app
        .app
        .store_for_tests()
        .get_case(&id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.period_end, Some(by_school.end));
}

/// MN-DEC-2: days from referral to provision are never negative. No demo case starts before
/// its referral, the case and its referral agree on the referral date, and the coordinator
/// cannot start provision before the referral date.
#[tokio::test]
async fn mn_dec_2_provision_never_starts_before_the_referral() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let store = app.app.store_for_tests();
    let lines = store.case_lines(&[], None, None).await.unwrap();
    assert!(lines.iter().any(|l| l.case.provision_start.is_some()));
    for line in &lines {
        let case = &line.case;
        if let Some(start) = case.provision_start {
            assert!(
                start >= case.referral_date,
                "{} starts {start}, before its referral on {}",
                line.pupil_name,
                case.referral_date
            );
        }
        let referral = store.get_referral(&case.id).await.unwrap().unwrap();
        assert_eq!(
            referral.referral_date,
            Some(case.referral_date),
            "{}",
            line.pupil_name
        );
    }
    let coordinator = mns_app::Actor {
        user: store
            .find_user_by_email("coordinator@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    let waiting = lines
        .iter()
        .find(|l| l.case.provision_start.is_none() && l.case.plan_finalised_at.is_some())
        .or_else(|| lines.iter().find(|l| l.case.provision_start.is_none()))
        .expect("a case waiting to start");
    let before = waiting.case.referral_date - chrono::Duration::days(1);
    match app
        .app
        .start_provision(&coordinator, &waiting.case.id, before, None)
        .await
    {
        Err(mns_app::AppError::Invalid(problems)) => assert!(
            problems
                .iter()
                .any(|p| p.field == "start" || p.field == "plan"),
            "{problems:?}"
        ),
        other => panic!("a start before the referral was not refused: {other:?}"),
    }
}

/// MN-PROV-1, MN-END-2: a case that ends leaves every waiting list: a child who has left
/// school provision waits for no robot and no place.
#[tokio::test]
async fn mn_prov_1_an_ended_case_leaves_every_waiting_list() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let store = app.app.store_for_tests();
    let waiting = store.open_waiting().await.unwrap();
    let case_id = waiting.first().expect("a demo case waits").case_id.clone();
    let coordinator = mns_app::Actor {
        user: store
            .find_user_by_email("coordinator@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    app.app
        .end_case(
            &coordinator,
            &case_id,
            (
                mns_domain::provision::EndReason::WellEnoughToReturn,
                mns_domain::outcomes::CaseOutcome::BackFullTime,
            ),
            app.app.today(),
            "",
        )
        .await
        .unwrap();
    let after = store.open_waiting().await.unwrap();
    assert!(
        after.iter().all(|w| w.case_id != case_id),
        "the ended case still waits: {after:?}"
    );
    assert!(after.len() < waiting.len());
}

/// The case page opens with what comes next and where everything is: a contents list of the
/// parts shown, links to the referral, the pupil and the documents for those who may see them,
/// and no rule ids on a parent's screen.
#[tokio::test]
async fn the_case_page_says_what_comes_next_and_where_everything_is() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let isla = referral_of(&app, "Isla").await;
    let store = app.app.store_for_tests();
    let coordinator = mns_app::Actor {
        user: store
            .find_user_by_email("coordinator@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    app.app
        .set_life_limiting(&coordinator, &isla, true)
        .await
        .unwrap();
    let mut council = app.signed_in("coordinator@demo.invalid").await;
    let page = council.get(&format!("/cases/{isla}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "Next step",
        "On this page",
        "href=\"#timeline\"",
        "id=\"timeline\"",
        &format!("href=\"/referrals/{isla}\""),
        "(MN-LIFE-1)",
    ] {
        assert!(
            page.body.contains(expected),
            "the coordinator's page lacks {expected}"
        );
    }
    let mut parent = app.signed_in("parent@demo.invalid").await;
    let page = parent.get(&format!("/cases/{isla}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("On this page"));
    assert!(page.body.contains("Life-limiting illness"));
    assert!(!page.body.contains("MN-LIFE-1"), "no rule ids for parents");
    assert!(!page.body.contains(&format!("href=\"/referrals/{isla}\"")));
}

/// MN-CONT-1: what a continuation request lacks is said once each, at its own field.
#[tokio::test]
async fn mn_cont_1_an_incomplete_continuation_request_names_each_gap_at_its_field() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let isla = referral_of(&app, "Isla").await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let refused = school
        .post(
            &format!("/cases/{isla}/continuation"),
            &[("has_healthcare_plan", "yes")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    for (field, message) in [
        (
            "evidence_dated",
            "The request needs updated medical evidence",
        ),
        (
            "has_attendance",
            "The request needs the attendance herringbone",
        ),
        (
            "has_updated_plan",
            "The request needs the updated individual healthcare plan",
        ),
    ] {
        assert!(
            refused.body.contains(&format!("id=\"{field}-error\"")),
            "{field} has no error of its own"
        );
        // Once in the summary and once at the field.
        assert_eq!(refused.body.matches(message).count(), 2, "{message}");
    }
}
