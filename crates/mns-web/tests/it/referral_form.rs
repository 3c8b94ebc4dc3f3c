//! The school's referral journey through its pages: task list, a page per section, "Check your
//! answers" and submission (MN-REF-1 to MN-REF-5).

use crate::authorization::referral_of;
use crate::support::{Client, TestApp, TestResponse};
use axum::http::StatusCode;
use mns_domain::identifiers::Upn;
use mns_domain::referral::{ChecklistItem, Referral};
use mns_store::Backend;

/// Starts a referral as the client's school and returns its id.
async fn start_referral(client: &mut Client<'_>) -> String {
    let response = client.post("/referrals", &[]).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let id = response
        .location()
        .strip_prefix("/referrals/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("started at {}", response.location()))
        .to_string();
    assert!(!id.is_empty());
    id
}

/// The referral's form as stored.
async fn stored_form(app: &TestApp, id: &str) -> Referral {
    let record = app
        .app
        .store_for_tests()
        .get_referral(id)
        .await
        .unwrap()
        .unwrap();
    serde_json::from_str(&record.form_json).unwrap()
}

async fn stored_status(app: &TestApp, id: &str) -> String {
    app.app
        .store_for_tests()
        .get_referral(id)
        .await
        .unwrap()
        .unwrap()
        .status
}

/// Opens a page (for its CSRF token and to check it shows), then posts to it.
async fn fill(client: &mut Client<'_>, page: &str, fields: &[(&str, &str)]) -> TestResponse {
    let shown = client.get(page).await;
    assert_eq!(shown.status, StatusCode::OK, "{page}: {}", shown.body);
    let path = page.split('?').next().unwrap();
    client.post(path, fields).await
}

fn assert_saved(response: &TestResponse, then: &str) {
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "expected a redirect to {then}: {}",
        response.body
    );
    assert_eq!(response.location(), then);
}

/// The `href`s of the links in the page's error summary.
fn error_summary_links(body: &str) -> Vec<String> {
    let Some(start) = body.find("govuk-error-summary__list") else {
        return Vec::new();
    };
    let list = &body[start
        ..body[start..]
            .find("</ul>")
            .map_or(body.len(), |e| start + e)];
    list.split("<a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn a_school_fills_in_every_section_and_submits_the_referral() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let id = start_referral(&mut school).await;
    let form = format!("/referrals/{id}/form");

    let tasks = school.get(&form).await;
    assert_eq!(tasks.status, StatusCode::OK, "{}", tasks.body);
    assert!(
        tasks
            .body
            .contains("<title>Complete the referral for the pupil")
    );
    assert_eq!(tasks.body.matches(">Incomplete<").count(), 7);

    let upn = Upn::with_check_letter("926200125099").unwrap();
    let saved = fill(
        &mut school,
        &format!("{form}/pupil"),
        &[
            ("pupil.first_name", "Ruby"),
            ("pupil.last_name", "Hale"),
            ("pupil.date_of_birth-day", "3"),
            ("pupil.date_of_birth-month", "4"),
            ("pupil.date_of_birth-year", "2013"),
            ("pupil.upn", upn.as_str()),
            ("pupil.nhs_number", "943 476 5919"),
            ("pupil.home_address.line_1", "1 Riverside Walk"),
            ("pupil.home_address.line_2", ""),
            ("pupil.home_address.town", "Norwich"),
            ("pupil.home_address.postcode", "NR2 1AB"),
            ("pupil.ordinarily_resident", "yes"),
            ("pupil.year_group", "8"),
            ("pupil.repeating_year_11_for_medical_reasons", "no"),
            ("pupil.pregnant", "no"),
            ("pupil.expected_due_date-day", ""),
            ("pupil.expected_due_date-month", ""),
            ("pupil.expected_due_date-year", ""),
        ],
    )
    .await;
    assert_saved(&saved, &form);

    let saved = fill(
        &mut school,
        &format!("{form}/school"),
        &[
            ("pupil.enrolment", "on_roll"),
            ("school.school_type", "academy"),
            ("pupil.send", "sen_support"),
            (
                "pupil.send.sen_support_summary",
                "Anxiety; a keyworker and a quiet room.",
            ),
            ("pupil.send.ehcp_coordinator", ""),
            ("pupil.send.last_reviewed-day", ""),
            ("pupil.send.last_reviewed-month", ""),
            ("pupil.send.last_reviewed-year", ""),
            ("pupil.send.ehcp_summary", ""),
            ("pupil.looked_after", "no"),
            ("pupil.looked_after.placing_authority", ""),
        ],
    )
    .await;
    assert_saved(&saved, &form);

    let names: Vec<(String, String)> = ChecklistItem::ALL
        .iter()
        .flat_map(|item| {
            [
                (
                    format!("checklist.{}.answer", item.key()),
                    "done".to_string(),
                ),
                (
                    format!("checklist.{}.note", item.key()),
                    format!("{} in place", item.label()),
                ),
            ]
        })
        .collect();
    let fields: Vec<(&str, &str)> = names
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = fill(&mut school, &format!("{form}/checklist"), &fields).await;
    assert_saved(&saved, &form);

    let saved = fill(
        &mut school,
        &format!("{form}/consent"),
        &[
            ("healthy_child_programme.contacted", "yes"),
            ("healthy_child_programme.contacted_on-day", "12"),
            ("healthy_child_programme.contacted_on-month", "10"),
            ("healthy_child_programme.contacted_on-year", "2026"),
            (
                "healthy_child_programme.parental_consent_before_contact",
                "yes",
            ),
            (
                "healthy_child_programme.outcome",
                "School nurse assessment.",
            ),
            ("consent.given", "yes"),
            ("consent.given_on-day", "10"),
            ("consent.given_on-month", "11"),
            ("consent.given_on-year", "2026"),
            ("consent.withdrawn", "no"),
            ("consent.withdrawal.withdrawn_on-day", ""),
            ("consent.withdrawal.withdrawn_on-month", ""),
            ("consent.withdrawal.withdrawn_on-year", ""),
            ("consent.withdrawal.note", ""),
        ],
    )
    .await;
    assert_saved(&saved, &form);

    let saved = fill(
        &mut school,
        &format!("{form}/health-need"),
        &[
            (
                "health_need.description",
                "Crohn's disease with a severe flare.",
            ),
            ("health_need.absence_expected", "yes"),
            ("health_need.expected_absence.further_school_days", "20"),
            ("health_need.expected_absence.reason", "planned_surgery"),
            (
                "health_need.expected_absence.details",
                "Surgery on 30 November.",
            ),
            ("awaiting_specialist_place", "no"),
        ],
    )
    .await;
    assert_saved(&saved, &form);

    let evidence = format!("{form}/evidence");
    let added = fill(
        &mut school,
        &format!("{evidence}?add=1"),
        &[
            ("action", "add"),
            ("professional", "paediatrician"),
            (
                "professional_name",
                "Dr A Patel, Jenny Lind Children's Hospital",
            ),
            ("document", "letter"),
            ("verbal.given_on-day", ""),
            ("verbal.given_on-month", ""),
            ("verbal.given_on-year", ""),
            ("verbal.summary", ""),
            ("verbal.recorded_by", ""),
            ("date_seen-day", "28"),
            ("date_seen-month", "10"),
            ("date_seen-year", "2026"),
            ("seen_in_person", "yes"),
            (
                "content.condition_and_treatment",
                "Crohn's disease; surgery planned.",
            ),
            ("content.referrals_to_other_services", "None"),
            ("content.reintegration", "Part-time return after recovery."),
        ],
    )
    .await;
    assert_saved(&added, &evidence);
    let list = school.get(&evidence).await;
    assert!(
        list.body.contains("Evidence 1: paediatrician, letter"),
        "{}",
        list.body
    );
    let saved = school
        .post(&evidence, &[("action", "save"), ("repeat_referral", "no")])
        .await;
    assert_saved(&saved, &form);

    let saved = fill(
        &mut school,
        &format!("{form}/support"),
        &[
            (
                "support_meanwhile.learning_supported_by",
                "Ms J Patel, Head of Year 8",
            ),
            (
                "support_meanwhile.welfare_checks_by",
                "Mr K Singh, pastoral lead",
            ),
        ],
    )
    .await;
    assert_saved(&saved, &form);

    let tasks = school.get(&form).await;
    assert!(tasks.body.contains("Complete the referral for Ruby Hale"));
    assert_eq!(
        tasks.body.matches(">Completed<").count(),
        7,
        "{}",
        tasks.body
    );
    assert!(!tasks.body.contains(">Incomplete<"));
    // Every question answered, but the attendance export is still to attach.
    assert!(tasks.body.contains("You have completed 7 of 8 tasks"));
    assert!(tasks.body.contains(">Not started<"));
    let attached = school
        .upload(
            &format!("/referrals/{id}/attendance"),
            "attendance",
            "ruby-attendance.csv",
            crate::referral_form_tasks::attendance_csv(upn.as_str()).as_bytes(),
        )
        .await;
    assert_saved(&attached, &format!("/referrals/{id}/attendance"));
    let tasks = school.get(&form).await;
    assert!(tasks.body.contains("You have completed 8 of 8 tasks"));
    assert!(tasks.body.contains("Referral ready to check"));
    assert!(tasks.body.contains("ruby-attendance.csv"));

    let check = school.get(&format!("/referrals/{id}/check-answers")).await;
    assert_eq!(check.status, StatusCode::OK);
    assert!(!check.body.contains("There is a problem"), "{}", check.body);
    assert!(
        check
            .body
            .contains("<title>Check your answers before submitting")
    );
    assert!(
        check
            .body
            .contains("Change<span class=\"govuk-visually-hidden\"> date of birth</span>")
    );
    assert!(check.body.contains(upn.as_str()));

    let submitted = school.post(&format!("/referrals/{id}/submit"), &[]).await;
    assert_saved(&submitted, &format!("/referrals/{id}/sent"));
    assert_eq!(stored_status(&app, &id).await, "submitted");
    // The school is told it went, on a confirmation page with a reference and what happens
    // next.
    let sent = school.get(&format!("/referrals/{id}/sent")).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(
        sent.body.contains("govuk-panel--confirmation"),
        "{}",
        sent.body
    );
    assert!(sent.body.contains("Your reference is"), "{}", sent.body);
    assert!(
        sent.body
            .contains(&mns_app::referrals::referral_reference(&id))
    );
    assert!(sent.body.contains("What happens next"));
    assert!(sent.body.contains("do not start again"));
    let later = school.get(&format!("/referrals/{id}")).await;
    assert!(!later.body.contains("Referral sent"));
    let stored = stored_form(&app, &id).await;
    assert_eq!(stored.pupil.first_name, "Ruby");
    assert_eq!(stored.evidence.len(), 1);
    assert!(stored.missing_fields().is_empty());

    // Submitted, the form is closed: its pages open the referral instead.
    let closed = school.get(&form).await;
    assert_saved(&closed, &format!("/referrals/{id}"));
}

#[tokio::test]
async fn mn_ref_1_submitting_an_incomplete_referral_shows_every_problem_at_once_with_links() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let id = start_referral(&mut school).await;
    let saved = fill(
        &mut school,
        &format!("/referrals/{id}/form/pupil"),
        &[("pupil.first_name", "Ruby")],
    )
    .await;
    assert_saved(&saved, &format!("/referrals/{id}/form"));

    school.get(&format!("/referrals/{id}/check-answers")).await;
    let refused = school.post(&format!("/referrals/{id}/submit"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("<title>Error: Check your answers"));
    assert!(refused.body.contains("There is a problem"));
    assert_eq!(stored_status(&app, &id).await, "draft", "nothing changes");

    let mut expected = stored_form(&app, &id).await;
    expected.referral_date = Some(app.app.today());
    let problems = expected.missing_fields();
    let links = error_summary_links(&refused.body);
    assert!(problems.len() > 30, "a new draft lacks most answers");
    assert_eq!(
        links.len(),
        problems.len() + 1,
        "every problem at once, the attendance export too"
    );
    for wanted in [
        format!("/referrals/{id}/form/pupil#pupil.date_of_birth"),
        format!("/referrals/{id}/form/school#school.school_type"),
        format!("/referrals/{id}/form/checklist#checklist.keyworker.answer"),
        format!("/referrals/{id}/form/evidence?add=1#professional"),
        format!("/referrals/{id}/form/evidence#repeat_referral"),
        format!("/referrals/{id}/form/pupil#pupil.pregnant"),
        format!("/referrals/{id}/attendance#attendance"),
    ] {
        assert!(links.contains(&wanted), "no link to {wanted} in {links:?}");
    }
    // Every link lands on a page that has the field it names.
    for link in &links {
        let (page, anchor) = link.split_once('#').expect("a link to a field");
        let target = school.get(page).await;
        assert_eq!(target.status, StatusCode::OK, "{page}");
        assert!(
            target.body.contains(&format!("id=\"{anchor}\"")),
            "{page} has no field {anchor}"
        );
    }

    // The page before submitting shows the same problems.
    let check = school.get(&format!("/referrals/{id}/check-answers")).await;
    assert_eq!(error_summary_links(&check.body), links);
}

#[tokio::test]
async fn a_date_that_is_not_real_keeps_what_was_typed_and_shows_the_error() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let id = start_referral(&mut school).await;
    let response = fill(
        &mut school,
        &format!("/referrals/{id}/form/pupil"),
        &[
            ("pupil.first_name", "Ruby"),
            ("pupil.date_of_birth-day", "31"),
            ("pupil.date_of_birth-month", "2"),
            ("pupil.date_of_birth-year", "2015"),
        ],
    )
    .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("<title>Error: About the pupil"));
    assert!(response.body.contains("Date of birth must be a real date"));
    assert_eq!(
        error_summary_links(&response.body),
        vec!["#pupil.date_of_birth".to_string()]
    );
    assert!(response.body.contains("id=\"pupil.date_of_birth-error\""));
    assert!(response.body.contains(
        "name=\"pupil.date_of_birth-day\" type=\"text\" inputmode=\"numeric\" value=\"31\""
    ));
    assert!(response.body.contains(
        "name=\"pupil.date_of_birth-month\" type=\"text\" inputmode=\"numeric\" value=\"2\""
    ));
    assert!(
        response.body.contains("value=\"Ruby\""),
        "the rest of the page keeps what was typed"
    );
    let stored = stored_form(&app, &id).await;
    assert_eq!(
        stored.pupil.first_name, "",
        "nothing is saved from the page"
    );
    assert_eq!(stored.pupil.date_of_birth, None);
}

#[tokio::test]
async fn mn_ref_1_an_invalid_upn_is_saved_as_typed_and_shown_with_its_reason() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let id = start_referral(&mut school).await;
    let response = fill(
        &mut school,
        &format!("/referrals/{id}/form/pupil"),
        &[("pupil.first_name", "Ruby"), ("pupil.upn", "B926123426001")],
    )
    .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .body
            .contains("UPN check letter should be C, not B")
    );
    assert!(response.body.contains("value=\"B926123426001\""));
    let stored = stored_form(&app, &id).await;
    assert_eq!(stored.pupil.first_name, "Ruby");
    assert_eq!(
        stored.pupil.upn.as_ref().map(|u| u.text()),
        Some("B926123426001"),
        "the draft keeps what was typed"
    );
}

#[tokio::test]
async fn evidence_is_added_changed_and_removed_one_piece_at_a_time() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let id = start_referral(&mut school).await;
    let evidence = format!("/referrals/{id}/form/evidence");

    // A piece without what every piece needs is not added, and what was typed stays.
    let refused = fill(
        &mut school,
        &format!("{evidence}?add=1"),
        &[("action", "add"), ("professional_name", "Dr A Patel")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("<title>Error: Add medical evidence"));
    assert_eq!(
        error_summary_links(&refused.body),
        [
            "#professional",
            "#document",
            "#date_seen",
            "#seen_in_person"
        ]
    );
    assert!(refused.body.contains("value=\"Dr A Patel\""));
    assert!(stored_form(&app, &id).await.evidence.is_empty());

    let piece = |professional: &'static str| {
        vec![
            ("action", "add"),
            ("professional", professional),
            ("document", "letter"),
            ("date_seen-day", "2"),
            ("date_seen-month", "11"),
            ("date_seen-year", "2026"),
            ("seen_in_person", "yes"),
        ]
    };
    assert_saved(
        &school.post(&evidence, &piece("school_nurse")).await,
        &evidence,
    );
    assert_saved(
        &school.post(&evidence, &piece("general_practitioner")).await,
        &evidence,
    );
    let list = school.get(&evidence).await;
    assert!(list.body.contains("Evidence 1: school nurse, letter"));
    assert!(list.body.contains("Evidence 2: GP, letter"));

    let change = school.get(&format!("{evidence}?change=1")).await;
    assert!(change.body.contains("<title>Change evidence 2"));
    let mut changed = piece("paediatrician");
    changed.push(("index", "1"));
    assert_saved(&school.post(&evidence, &changed).await, &evidence);

    assert_saved(
        &school
            .post(&evidence, &[("action", "remove"), ("index", "0")])
            .await,
        &evidence,
    );
    let stored = stored_form(&app, &id).await;
    assert_eq!(stored.evidence.len(), 1);
    assert_eq!(
        stored.evidence[0].professional,
        Some(mns_domain::referral::ProfessionalKind::Paediatrician)
    );
}

#[tokio::test]
async fn a_referral_sent_back_with_questions_shows_the_coordinators_questions() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let leo = referral_of(&app, "Leo").await;
    let mut yare_bank = app.signed_in("school2@demo.invalid").await;
    let tasks = yare_bank.get(&format!("/referrals/{leo}/form")).await;
    assert_eq!(tasks.status, StatusCode::OK, "{}", tasks.body);
    assert!(tasks.body.contains("has asked for more information"));
    assert!(tasks.body.contains("Please send the consultant"));
}

#[tokio::test]
async fn another_schools_referral_pages_answer_404() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let leo = referral_of(&app, "Leo").await; // Yare Bank's
    let before = stored_form(&app, &leo).await;
    let mut school = app.signed_in("school@demo.invalid").await; // Wensum Valley
    for page in [
        "form",
        "form/pupil",
        "form/school",
        "form/checklist",
        "form/consent",
        "form/health-need",
        "form/evidence",
        "form/evidence?add=1",
        "form/support",
        "check-answers",
    ] {
        let response = school.get(&format!("/referrals/{leo}/{page}")).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{page}");
        assert!(
            !response.body.contains("Leo"),
            "a 404 must not leak the name"
        );
    }
    let response = school
        .post(
            &format!("/referrals/{leo}/form/pupil"),
            &[("pupil.first_name", "Changed")],
        )
        .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    let response = school.post(&format!("/referrals/{leo}/submit"), &[]).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(stored_form(&app, &leo).await, before, "nothing changed");
    // The same answer as for a referral that does not exist.
    let missing = school
        .get("/referrals/00000000-0000-4000-8000-000000000000/form")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// MN-DEC-1, MN-DEC-2: the referral date is the first submission's. A school answering a
/// request for information days later sends the referral back to the queue with its days
/// counted from that first date, not from the answer.
#[tokio::test]
async fn mn_dec_2_answering_a_request_for_information_does_not_reset_the_clock() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let leo = referral_of(&app, "Leo").await;
    let store = app.app.store_for_tests();
    let first = store
        .get_referral(&leo)
        .await
        .unwrap()
        .unwrap()
        .referral_date;
    assert!(first.is_some_and(|d| d < app.app.today()), "{first:?}");
    app.app.clock.advance(chrono::Duration::days(5));
    let school = mns_app::Actor {
        user: store
            .find_user_by_email("school2@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    let view = app.app.submit_referral(&school, &leo).await.unwrap();
    assert_eq!(view.status.as_str(), "submitted");
    assert_eq!(view.record.referral_date, first);
    assert_eq!(view.form.referral_date, first);
    let days = (app.app.today() - first.unwrap()).num_days();
    assert!(days >= 5, "{days}");
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get(&format!("/referrals/{leo}")).await;
    assert!(
        page.body.contains(&format!("{days} days")),
        "the desk counts {days} days from the first submission"
    );
    // The history shows the answer, counted from the referral date too.
    let history = page.body.split("id=\"history\"").nth(1).expect("a history");
    let answered = history
        .split("The school answered the request for more information")
        .nth(1)
        .expect("the answer is in the history");
    assert!(
        answered.contains(&format!(">{days}</td>")),
        "the answer is {days} days after the referral: {answered}"
    );
    assert!(history.contains("The school sent the referral"));
}

/// MN-DEC-1: the coordinator reads every answer the school gave, read-only and grouped as the
/// school entered them, on the page where they decide; a school's own view of its sent
/// referral shows neither the checks nor the coordinator's reading.
#[tokio::test]
async fn mn_dec_1_the_coordinator_reads_the_schools_answers_before_deciding() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = referral_of(&app, "Amelia").await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let desk = coordinator.get(&format!("/referrals/{amelia}")).await;
    assert_eq!(desk.status, StatusCode::OK);
    for expected in [
        "What the school told us",
        "Anxiety; SEN support plan since Year 8",
        "Called 12 October 2026 with parental consent.",
        "Checks against the policy",
    ] {
        assert!(desk.body.contains(expected), "the desk lacks {expected:?}");
    }
    assert!(
        !desk.body.contains("/form/"),
        "the coordinator's copy has no Change links"
    );
    let mut school = app.signed_in("school@demo.invalid").await;
    let own = school.get(&format!("/referrals/{amelia}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.body.contains("What the school told us"));
    assert!(!own.body.contains("Checks against the policy"));
}

/// MN-ROLE-3: the link in a parent's email opens a page the parent can see, with the outcome
/// and the decision letter they are owed, in plain English (no UPN).
#[tokio::test]
async fn mn_role_3_a_parent_follows_the_email_link_to_the_outcome_and_its_letter() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = referral_of(&app, "Amelia").await;
    let store = app.app.store_for_tests();
    let coordinator = mns_app::Actor {
        user: store
            .find_user_by_email("coordinator@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    let before: Vec<String> = store
        .outbox_messages_to("parent@demo.invalid")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    app.app
        .decide_referral(
            &coordinator,
            &amelia,
            mns_domain::referral::DecisionOutcome::Decline {
                reasons: vec![mns_domain::referral::DeclineReason::LivesOutsideTheArea],
                explanation: "Attendance is not affected by illness.".into(),
            },
        )
        .await
        .unwrap();
    let messages: Vec<_> = store
        .outbox_messages_to("parent@demo.invalid")
        .await
        .unwrap()
        .into_iter()
        .filter(|m| !before.contains(&m.id))
        .collect();
    assert_eq!(messages.len(), 1, "the parent is told once");
    let body = &messages[0].body;
    let link = body
        .lines()
        .find_map(|l| l.strip_prefix("http://mns.test"))
        .expect("a link in the email");
    assert!(!body.contains("Amelia"), "no child's name in an email");
    let mut parent = app.signed_in("parent@demo.invalid").await;
    let page = parent.get(link).await;
    assert_eq!(page.status, StatusCode::OK, "{link}: {}", page.body);
    assert!(page.body.contains("Declined on"), "{}", page.body);
    assert!(!page.body.contains("Unique Pupil Number"));
    let list = parent.get("/pupils").await;
    assert!(!list.body.contains(">UPN<"), "no UPN on a parent's list");
    let letter = parent.get(&format!("/referrals/{amelia}/letter.pdf")).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.body.starts_with("%PDF"));
    // The form itself stays the school's and the council's.
    let form = parent.get(&format!("/referrals/{amelia}")).await;
    assert_eq!(form.status, StatusCode::NOT_FOUND);
}

/// The coordinator finds a referral by pupil, school or UPN, and takes the queue away as a
/// spreadsheet whose cells cannot run as formulas; the export is audited.
#[tokio::test]
async fn the_queue_is_searched_and_exported_with_formulas_neutralised() {
    for backend in mns_store::testing::backends() {
        let app = TestApp::spawn(backend).await;
        let store = app.app.store_for_tests();
        // A schools list arrives with a name that a spreadsheet would run.
        let coordinator_actor = mns_app::Actor {
            user: store
                .find_user_by_email("coordinator@demo.invalid")
                .await
                .unwrap()
                .unwrap(),
            source: "test".into(),
        };
        app.app
            .import_schools(
                &coordinator_actor,
                b"URN,EstablishmentName\n121001,\"=HYPERLINK(\"\"http://evil.invalid\"\")\"\n",
            )
            .await
            .unwrap();

        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let found = coordinator.get("/referrals?search=yare+bank").await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(found.body.contains("Yare Bank"), "{}", found.body);
        // The school filter lists every school with referrals; the results hold only Yare Bank's.
        let results = found.body.split("<tbody").nth(1).unwrap_or_default();
        assert!(!results.contains("HYPERLINK"));
        let by_name = coordinator.get("/referrals?search=THEO").await;
        assert!(by_name.body.contains("Theo Irving"), "{}", by_name.body);
        assert!(!by_name.body.contains("Mia Jennings"));
        let nothing = coordinator.get("/referrals?search=%25_nobody").await;
        assert!(
            nothing
                .body
                .contains("There are no referrals here matching")
        );

        let csv = coordinator.get("/referrals.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.starts_with("Pupil,School,Status,Referral date"));
        assert!(
            csv.body
                .contains("\"'=HYPERLINK(\"\"http://evil.invalid\"\")\""),
            "{}",
            csv.body
        );
        assert!(!csv.body.contains(",=HYPERLINK"));
        let audit = store
            .audit_for_record("referral_queue", "csv", 10)
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);

        let mut school = app.signed_in("school@demo.invalid").await;
        assert_eq!(
            school.get("/referrals.csv").await.status,
            StatusCode::NOT_FOUND
        );
    }
}

/// MN-DEC-2: each role's home page says what needs them today, counted and linked; the
/// coordinator's links the dashboard.
#[tokio::test]
async fn mn_dec_2_the_home_page_says_what_needs_each_user() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let home = coordinator.get("/home").await;
    assert!(home.body.contains("What needs you today"));
    assert!(
        home.body.contains("3 referrals waiting for a decision"),
        "{}",
        home.body
    );
    assert!(home.body.contains("href=\"/cases/dashboard\""));
    let mut yare_bank = app.signed_in("school2@demo.invalid").await;
    let home = yare_bank.get("/home").await;
    assert!(
        home.body
            .contains("1 referral sent back with questions for you to answer"),
        "{}",
        home.body
    );
    assert!(!home.body.contains("waiting for a decision"));
    let mut parent = app.signed_in("parent@demo.invalid").await;
    assert!(
        !parent
            .get("/home")
            .await
            .body
            .contains("What needs you today")
    );
}

/// Notes on referrals and cases: the Medical Needs team writes them, dated and signed; an
/// empty one is refused with its field named; nobody outside the team sees or writes them;
/// adding one is audited without its words.
#[tokio::test]
async fn the_team_keeps_dated_signed_notes_on_referrals_and_cases() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = referral_of(&app, "Amelia").await;
    let isla = referral_of(&app, "Isla").await; // accepted: a case with the same id
    let mut caseworker = app.signed_in("caseworker@demo.invalid").await;
    let empty = caseworker
        .post(&format!("/referrals/{amelia}/notes"), &[("note", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Enter the note"));
    let added = caseworker
        .post(
            &format!("/referrals/{amelia}/notes"),
            &[("note", "Rang the GP surgery: letter to follow.")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let case_note = caseworker
        .post(
            &format!("/cases/{isla}/notes"),
            &[("note", "Robot delivered to the school.")],
        )
        .await;
    assert_eq!(
        case_note.status,
        StatusCode::SEE_OTHER,
        "{}",
        case_note.body
    );

    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let desk = coordinator.get(&format!("/referrals/{amelia}")).await;
    assert!(desk.body.contains("Rang the GP surgery: letter to follow."));
    assert!(desk.body.contains("<strong>Sam Patel</strong>"), "signed");
    let case = coordinator.get(&format!("/cases/{isla}")).await;
    assert!(case.body.contains("Robot delivered to the school."));

    let mut school = app.signed_in("school@demo.invalid").await;
    let own_case = school.get(&format!("/cases/{isla}")).await;
    assert_eq!(own_case.status, StatusCode::OK);
    assert!(!own_case.body.contains("Robot delivered to the school."));
    assert_eq!(
        school
            .post(&format!("/cases/{isla}/notes"), &[("note", "x")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let audit = app
        .app
        .store_for_tests()
        .audit_for_record("referral", &amelia, 50)
        .await
        .unwrap();
    let entry = audit
        .iter()
        .find(|e| e.action == "note.add")
        .expect("audited");
    assert!(
        !entry.detail.contains("GP surgery"),
        "no words in the audit"
    );
}

/// MN-EV-2: a "seen" date in the future is a problem on the school's check-answers page and
/// stops the referral being submitted, named where it was typed.
#[tokio::test]
async fn mn_ev_2_a_future_seen_date_is_a_problem_before_submitting() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let oliver = referral_of(&app, "Oliver").await;
    let store = app.app.store_for_tests();
    let school = mns_app::Actor {
        user: store
            .find_user_by_email("school@demo.invalid")
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    };
    let mut form: Referral =
        serde_json::from_str(mns_domain::referral::EXAMPLE_REFERRAL_JSON).unwrap();
    form.evidence[0].date_seen = app.app.today().succ_opt();
    app.app.save_referral(&school, &oliver, form).await.unwrap();
    let mut client = app.signed_in("school@demo.invalid").await;
    let check = client
        .get(&format!("/referrals/{oliver}/check-answers"))
        .await;
    assert!(
        check.body.contains(
            "The date the professional saw the young person must be today or in the past"
        ),
        "{}",
        check.body
    );
    let submitted = client
        .post(&format!("/referrals/{oliver}/submit"), &[])
        .await;
    assert_eq!(submitted.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored_status(&app, &oliver).await, "draft");
}

/// MN-ROLE-2: a pupil who moves school keeps one record, but the new school sees only its own
/// referrals' outcomes on it, not the old school's.
#[tokio::test]
async fn mn_role_2_a_school_sees_only_its_own_referrals_outcomes_for_a_pupil_who_moved() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let amelia = referral_of(&app, "Amelia").await; // Wensum Valley's
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
        .decide_referral(
            &coordinator,
            &amelia,
            mns_domain::referral::DecisionOutcome::Decline {
                reasons: vec![mns_domain::referral::DeclineReason::LivesOutsideTheArea],
                explanation: String::new(),
            },
        )
        .await
        .unwrap();
    let pupil = app.pupil("Amelia").await;
    let mut wensum = app.signed_in("school@demo.invalid").await;
    assert!(
        wensum
            .get(&format!("/pupils/{}", pupil.id))
            .await
            .body
            .contains("Declined on")
    );
    let mut tx = store.begin().await.unwrap();
    tx.move_pupil(&pupil.id, "121002", app.app.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut yare_bank = app.signed_in("school2@demo.invalid").await;
    let page = yare_bank.get(&format!("/pupils/{}", pupil.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("Declined on"),
        "another school's outcome"
    );
}
