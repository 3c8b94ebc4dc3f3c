//! The case page made navigable: every form on a page of its own (errors there, with what was
//! typed), the irreversible steps checked before they are done (nothing changes until they are
//! confirmed; a last day of provision in the past is refused), the banner afterwards, the
//! SEND answers and Part A carried over from the referral, and a parent's view: plain English,
//! Part A and the letters they are owed.

use crate::authorization::referral_of;
use crate::support::{TestApp, TestResponse};
use axum::http::StatusCode;
use mns_domain::provision::CaseState;
use mns_store::Backend;

async fn actor(app: &TestApp, email: &str) -> mns_app::Actor {
    mns_app::Actor {
        user: app
            .app
            .store_for_tests()
            .find_user_by_email(email)
            .await
            .unwrap()
            .unwrap(),
        source: "test".into(),
    }
}

/// Where a case stands, as stored.
pub async fn state_of(app: &TestApp, id: &str) -> CaseState {
    app.app
        .store_for_tests()
        .get_case(id)
        .await
        .unwrap()
        .unwrap()
        .state
}

/// A form's page: its own heading and the pupil's name, a way back to the case, not the case
/// page itself.
fn is_form_page(page: &TestResponse, title: &str, pupil: &str) {
    assert!(
        page.body
            .contains(&format!("<h1 class=\"govuk-heading-l\">{title}</h1>")),
        "not the page '{title}': {}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("<span class=\"govuk-caption-l\">{pupil}</span>"))
    );
    assert!(page.body.contains("Back to the case"));
    assert!(
        !page.body.contains("Provision for"),
        "the case page, not the form's"
    );
}

/// A form shown again: 422, on its own page, the problem at its field, and what was typed.
fn shown_again(page: &TestResponse, title: &str, field: &str, kept: &str) {
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("href=\"#{field}\"")),
        "{field}: {}",
        page.body
    );
    assert!(
        page.body.contains(&format!("id=\"{field}-error\"")),
        "{field}"
    );
    assert!(
        page.body.contains(kept),
        "'{kept}' was not kept: {}",
        page.body
    );
    assert!(
        page.body.contains(&format!(">{title}</h1>")),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn every_form_has_a_page_of_its_own_that_keeps_what_was_typed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Isla's case runs (Wensum Valley, linked to the demo provider); Ava's is in planning.
    let isla = format!("/cases/{}", referral_of(&app, "Isla").await);
    let ava = format!("/cases/{}", referral_of(&app, "Ava").await);
    let mut provider = app.signed_in("provider@demo.invalid").await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;

    // The case page links to each form the reader may open, and holds no form of its own.
    let page = provider.get(&isla).await;
    for link in ["sessions/new", "concerns/new", "end-request"] {
        assert!(
            page.body.contains(&format!("href=\"{isla}/{link}\"")),
            "{link}"
        );
    }
    assert!(!page.body.contains(&format!("action=\"{isla}/sessions\"")));

    let form = provider.get(&format!("{isla}/sessions/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    is_form_page(&form, "Log a session", "Isla Dawson");
    let r = provider
        .post(
            &format!("{isla}/sessions"),
            &[
                ("held_on-day", "20"),
                ("held_on-month", "11"),
                ("held_on-year", "2026"),
                ("outcome", "delivered"),
                ("hours", "two"),
                ("note", "Fractions, kept"),
            ],
        )
        .await;
    shown_again(&r, "Log a session", "hours", "value=\"Fractions, kept\"");
    assert!(r.body.contains(
        "id=\"outcome-delivered\" name=\"outcome\" type=\"radio\" value=\"delivered\" checked"
    ));
    let r = provider
        .post(&format!("{isla}/concerns"), &[("concern", "  ")])
        .await;
    shown_again(
        &r,
        "Raise a safeguarding concern",
        "concern",
        "Designated Safeguarding Lead",
    );
    let r = provider
        .post(
            &format!("{isla}/end-request"),
            &[
                ("stops_on-day", "4"),
                ("stops_on-month", "12"),
                ("stops_on-year", "2026"),
            ],
        )
        .await;
    shown_again(
        &r,
        "Ask the coordinator to end provision",
        "end_reason",
        "value=\"4\"",
    );

    let r = school
        .post(
            &format!("{isla}/welfare-checks"),
            &[
                ("checked_on-day", "20"),
                ("checked_on-month", "11"),
                ("checked_on-year", "2026"),
            ],
        )
        .await;
    shown_again(&r, "Log a welfare check", "welfare_notes", "value=\"20\"");
    let page = school.get(&format!("{isla}/attendance")).await;
    assert_eq!(page.status, StatusCode::OK);
    is_form_page(&page, "Check the attendance coding", "Isla Dawson");
    assert!(page.body.contains("enctype=\"multipart/form-data\""));

    let r = coordinator
        .post(
            &format!("{ava}/send"),
            &[("has_ehcp", "yes"), ("send_summary", "Kept words")],
        )
        .await;
    shown_again(
        &r,
        "Special educational needs and disabilities",
        "ehcp_coordinator",
        "Kept words",
    );
    assert!(
        r.body
            .contains("id=\"has_ehcp\" name=\"has_ehcp\" type=\"checkbox\" value=\"yes\" checked")
    );
    let r = coordinator
        .post(
            &format!("{ava}/admissions"),
            &[
                ("hospital", "NNUH"),
                ("hospital_school", "Norfolk Hospital School"),
                ("admitted_on-day", "20"),
                ("admitted_on-month", "11"),
                ("admitted_on-year", "2026"),
                ("discharge_on-day", "1"),
                ("discharge_on-month", "11"),
                ("discharge_on-year", "2026"),
            ],
        )
        .await;
    shown_again(
        &r,
        "Record a hospital admission",
        "discharge_on",
        "value=\"NNUH\"",
    );
    let r = coordinator
        .post(
            &format!("{ava}/invoices"),
            &[
                ("invoice_hospital", "Priory"),
                ("reference", "X-77"),
                ("amount", "lots"),
            ],
        )
        .await;
    shown_again(
        &r,
        "Record an invoice from a hospital",
        "amount",
        "value=\"X-77\"",
    );
    let r = coordinator
        .post(&format!("{isla}/life-limiting"), &[])
        .await;
    shown_again(
        &r,
        "Life-limiting or terminal illness",
        "life_limiting",
        "Isla Dawson",
    );
    let r = coordinator
        .post(
            &format!("{isla}/life-limiting"),
            &[("life_limiting", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("{isla}?done=life-limiting"));
    let page = coordinator.get(&format!("{isla}/life-limiting")).await;
    assert!(
        page.body.contains("value=\"yes\" checked"),
        "the page shows what is stored"
    );

    // A form the case's state does not allow sends its reader back to the case: provision has
    // started on Isla's case, and has not on Ava's.
    for (case, form) in [(&isla, "start"), (&ava, "sessions/new")] {
        let r = coordinator.get(&format!("{case}/{form}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{form}");
        assert_eq!(r.location(), case.as_str());
    }
    // The end is a link to its own page, not a button on the case.
    let page = coordinator.get(&isla).await;
    assert!(
        page.body
            .contains(&format!("href=\"{isla}/end\">End provision</a>"))
    );
    assert!(!page.body.contains("govuk-button--warning"));
}

#[tokio::test]
async fn mn_end_2_ending_provision_is_checked_first_and_refuses_a_past_last_day() {
    for backend in mns_store::testing::backends() {
        ending_provision_on(backend).await;
    }
}

async fn ending_provision_on(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = referral_of(&app, "Isla").await;
    let case = format!("/cases/{id}");
    let store = app.app.store_for_tests();
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get(&format!("{case}/end")).await;
    assert_eq!(page.status, StatusCode::OK);
    is_form_page(&page, "End provision", "Isla Dawson");

    // The clock says 22 November 2026: the day before is refused, with the choices kept.
    let past = [
        ("reason", "well_enough_to_return"),
        ("outcome", "back_part_time"),
        ("ends_on-day", "21"),
        ("ends_on-month", "11"),
        ("ends_on-year", "2026"),
        ("end_note", "Back for mornings"),
    ];
    let r = coordinator.post(&format!("{case}/end"), &past).await;
    shown_again(&r, "End provision", "ends_on", "Back for mornings");
    assert!(
        r.body
            .contains("The last day of provision must be today or later")
    );
    assert!(r.body.contains("value=\"well_enough_to_return\" checked"));
    // Confirming does not get round it.
    let mut confirmed_past = past.to_vec();
    confirmed_past.push(("confirm", "yes"));
    let r = coordinator
        .post(&format!("{case}/end"), &confirmed_past)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(state_of(&app, &id).await, CaseState::InProvision);

    // A real day: the check page says what happens and who is told, and changes nothing.
    let outbox_before = store
        .outbox_messages_to("school@demo.invalid")
        .await
        .unwrap()
        .len();
    // Where the young person goes is required (issue 17), and the rest is kept.
    let r = coordinator
        .post(
            &format!("{case}/end"),
            &[
                ("reason", "well_enough_to_return"),
                ("ends_on-day", "4"),
                ("ends_on-month", "12"),
                ("ends_on-year", "2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Select where the young person is now that provision ends"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"well_enough_to_return\" checked"));
    let answers = [
        ("reason", "well_enough_to_return"),
        ("outcome", "back_part_time"),
        ("ends_on-day", "4"),
        ("ends_on-month", "12"),
        ("ends_on-year", "2026"),
        ("end_note", "Back for mornings"),
    ];
    let check = coordinator.post(&format!("{case}/end"), &answers).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    for expected in [
        "Check before you end provision",
        "4 December 2026",
        "Back at school part time",
        "Who will be told",
        "The school&#39;s staff: 1 person, by email",
        "The parents: 1 person, by email",
        "name=\"confirm\" value=\"yes\"",
        "name=\"ends_on-day\" value=\"4\"",
        "Confirm and end provision",
    ] {
        assert!(check.body.contains(expected), "{expected}: {}", check.body);
    }
    assert_eq!(state_of(&app, &id).await, CaseState::InProvision);
    assert_eq!(
        store
            .outbox_messages_to("school@demo.invalid")
            .await
            .unwrap()
            .len(),
        outbox_before,
        "nobody is told before the end is confirmed"
    );
    // "Change" goes back to the form with the answers in it.
    let change =
        format!("{case}/end?reason=well_enough_to_return&outcome=back_part_time&ends_on-day=4");
    assert!(
        check.body.contains(&change.replace('&', "&#38;")),
        "{}",
        check.body
    );
    let again = coordinator.get(&change).await;
    assert!(
        again
            .body
            .contains("name=\"ends_on-day\" type=\"text\" inputmode=\"numeric\" value=\"4\"")
    );

    let mut confirm = answers.to_vec();
    confirm.push(("confirm", "yes"));
    let done = coordinator.post(&format!("{case}/end"), &confirm).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), format!("{case}?done=ended"));
    let record = store.get_case(&id).await.unwrap().unwrap();
    assert_eq!(record.state, CaseState::Ended);
    assert_eq!(record.ends_on, chrono::NaiveDate::from_ymd_opt(2026, 12, 4));
    assert_eq!(
        record.outcome,
        Some(mns_domain::outcomes::CaseOutcome::BackPartTime)
    );
    let page = coordinator.get(done.location()).await;
    assert!(page.body.contains("govuk-notification-banner--success"));
    assert!(page.body.contains("role=\"alert\""));
    assert!(
        page.body
            .contains("The last day of provision is 4 December 2026")
    );
    assert!(
        store
            .outbox_messages_to("school@demo.invalid")
            .await
            .unwrap()
            .iter()
            .any(|m| m.subject == "An End of Provision letter is ready")
    );
    // The letter names the last day.
    let letter = coordinator.get(&format!("{case}/end-letter.pdf")).await;
    assert!(letter.body.contains("Last day of provision"));
    assert!(letter.body.contains("4 December 2026"));
    // No banner without the step: a key the case does not bear out says nothing.
    let page = coordinator.get(&format!("{case}?done=started&x=1")).await;
    assert!(
        page.body.contains("govuk-notification-banner--success"),
        "provision did start"
    );
    let page = coordinator.get(&format!("{case}?done=continued")).await;
    assert!(!page.body.contains("govuk-notification-banner"));
}

#[tokio::test]
async fn mn_cont_2_agreeing_a_continuation_is_checked_first() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Ruby's continuation request waits for the coordinator.
    let id = referral_of(&app, "Ruby").await;
    let case = format!("/cases/{id}");
    assert_eq!(state_of(&app, &id).await, CaseState::ContinuationRequested);
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get(&case).await;
    assert!(
        page.body
            .contains(&format!("href=\"{case}/continuation/agree\""))
    );
    // A press of the old button leads to the check page, and changes nothing.
    let r = coordinator
        .post(&format!("{case}/continuation/agree"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("{case}/continuation/agree"));
    let check = coordinator.get(&format!("{case}/continuation/agree")).await;
    assert_eq!(check.status, StatusCode::OK);
    for expected in [
        "Check before you agree the continuation",
        "Period 2",
        "The school&#39;s staff",
        "Confirm and agree the continuation",
        "end provision with the reason instead",
    ] {
        assert!(check.body.contains(expected), "{expected}: {}", check.body);
    }
    assert_eq!(state_of(&app, &id).await, CaseState::ContinuationRequested);
    let done = coordinator
        .post(&format!("{case}/continuation/agree"), &[("confirm", "yes")])
        .await;
    assert_eq!(done.location(), format!("{case}?done=continued"));
    assert_eq!(state_of(&app, &id).await, CaseState::Continued);
    let page = coordinator.get(done.location()).await;
    assert!(
        page.body.contains("Continuation agreed. Period 2 runs to"),
        "{}",
        page.body
    );
    // Once agreed, the check page is closed.
    let r = coordinator.get(&format!("{case}/continuation/agree")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_case_page_summarises_who_is_involved_and_lists_its_parts() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let isla = referral_of(&app, "Isla").await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let page = coordinator.get(&format!("/cases/{isla}")).await;
    for expected in [
        "Who is involved",
        "Wensum Valley",
        "Provider",
        "Referral date",
        "Next review due by",
        "Parts of this case",
        "href=\"#plan\"",
        "href=\"#sessions\"",
        "href=\"#documents\"",
        "href=\"#welfare\"",
        "href=\"#concerns\"",
        "href=\"#hospital\"",
        "href=\"#timeline\"",
        "/access-history\"",
        &format!("href=\"/referrals/{isla}/documents\""),
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    // Every part the page lists is on it.
    for anchor in [
        "plan",
        "sessions",
        "documents",
        "welfare",
        "concerns",
        "send",
        "hospital",
        "ending",
        "timeline",
    ] {
        assert!(page.body.contains(&format!("id=\"{anchor}\"")), "{anchor}");
    }
    // Who can see the case is changed from the child's page: linked for the coordinator, not
    // for a parent.
    let pupil = app.pupil("Isla").await;
    let people = format!("href=\"/pupils/{}#people\"", pupil.id);
    assert!(page.body.contains(&people));
    assert!(page.body.contains("People who can see this case"));
    let mut parent = app.signed_in("parent@demo.invalid").await;
    let seen = parent.get(&format!("/cases/{isla}")).await;
    assert_eq!(seen.status, axum::http::StatusCode::OK);
    assert!(!seen.body.contains(&people));
}

#[tokio::test]
async fn parents_see_plain_english_part_a_and_the_letters_they_are_owed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = referral_of(&app, "Isla").await;
    let case = format!("/cases/{id}");
    let isla = app.pupil("Isla").await;
    let a = &app.app;
    // Make the case show its flags and notes, which carry rule ids for staff.
    let coordinator = actor(&app, "coordinator@demo.invalid").await;
    a.set_life_limiting(&coordinator, &id, true).await.unwrap();
    let mut staff = app.signed_in("coordinator@demo.invalid").await;
    assert!(
        staff.get(&case).await.body.contains("MN-"),
        "staff see rule ids"
    );

    let mut parent = app.signed_in("parent@demo.invalid").await;
    let page = parent.get(&case).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("MN-"),
        "a rule id on a parent's case page"
    );
    assert!(
        !page.body.contains(isla.upn.as_deref().unwrap()),
        "a UPN for a parent"
    );
    for link in [
        format!("href=\"{case}/plan.pdf\""),
        format!("href=\"/referrals/{id}/letter.pdf\""),
    ] {
        assert!(page.body.contains(&link), "{link}");
    }
    assert!(
        !page.body.contains("end-letter.pdf"),
        "no letter before the end"
    );
    let pupil = parent.get(&format!("/pupils/{}", isla.id)).await;
    assert!(pupil.body.contains(&format!("href=\"{case}/plan.pdf\"")));

    a.end_case(
        &coordinator,
        &id,
        (
            mns_domain::provision::EndReason::WellEnoughToReturn,
            mns_domain::outcomes::CaseOutcome::BackPartTime,
        ),
        a.today(),
        "",
    )
    .await
    .unwrap();
    let page = parent.get(&case).await;
    assert!(!page.body.contains("MN-"));
    assert!(
        page.body
            .contains(&format!("href=\"{case}/end-letter.pdf\""))
    );
    let pupil = parent.get(&format!("/pupils/{}", isla.id)).await;
    assert!(
        pupil
            .body
            .contains(&format!("href=\"{case}/end-letter.pdf\""))
    );
    for pdf in ["plan.pdf", "end-letter.pdf"] {
        let r = parent.get(&format!("{case}/{pdf}")).await;
        assert_eq!(r.status, StatusCode::OK, "{pdf}");
        assert!(r.body.starts_with("%PDF"));
    }
    assert_eq!(
        parent
            .get(&format!("/referrals/{id}/letter.pdf"))
            .await
            .status,
        StatusCode::OK
    );
}

/// MN-SEND-1, MN-PLAN-1: accepting a referral carries its SEND answers into the case, and
/// Part A opens drafted from the referral.
#[tokio::test]
async fn mn_send_1_and_mn_plan_1_the_referral_carries_into_the_case() {
    for backend in mns_store::testing::backends() {
        carrying_the_referral_on(backend).await;
    }
}

async fn carrying_the_referral_on(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = referral_of(&app, "Amelia").await;
    let coordinator = actor(&app, "coordinator@demo.invalid").await;
    let store = app.app.store_for_tests();
    let form: mns_domain::referral::Referral =
        serde_json::from_str(&store.get_referral(&id).await.unwrap().unwrap().form_json).unwrap();
    app.app
        .decide_referral(
            &coordinator,
            &id,
            mns_domain::referral::DecisionOutcome::Accept,
        )
        .await
        .unwrap();
    let send = app.app.send_details(&coordinator, &id).await.unwrap();
    assert_eq!(
        send,
        Some(mns_domain::provision::SendDetails::from_referral(
            form.pupil
                .send
                .as_ref()
                .expect("the demo referral answers SEND")
        ))
    );

    let mut school = app.signed_in("school@demo.invalid").await;
    let page = school.get(&format!("/cases/{id}/plan")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("filled in from the referral"));
    let professional = form
        .evidence
        .iter()
        .max_by_key(|e| e.date_seen)
        .unwrap()
        .professional_name
        .trim()
        .to_string();
    assert!(
        page.body.contains(&format!(
            "value=\"{}\"",
            professional.replace('\'', "&#39;")
        )),
        "{professional}: {}",
        page.body
    );
    assert!(page.body.contains("value=\"health_professional\" selected"));
    // The referral does not name the school's Designated Safeguarding Lead, and another
    // child's record (Isla's, at the same school) is never read for it: the school names them.
    assert!(
        page.body
            .contains("id=\"dsl_name\" name=\"dsl_name\" type=\"text\" value=\"\"")
    );
    // Once a draft is saved, it is what the form shows.
    let r = school
        .post(
            &format!("/cases/{id}/plan"),
            &[("learning_needs", "Saved words"), ("finalise", "no")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = school.get(&format!("/cases/{id}/plan")).await;
    assert!(page.body.contains("Saved words"));
    assert!(!page.body.contains("filled in from the referral"));
}

/// The check page before provision ends, as the coordinator sees it.
#[tokio::test]
async fn the_check_page_before_ending_provision() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = referral_of(&app, "Isla").await;
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let check = coordinator
        .post(
            &format!("/cases/{id}/end"),
            &[
                ("reason", "will_not_engage"),
                ("outcome", "other"),
                ("ends_on-day", "27"),
                ("ends_on-month", "11"),
                ("ends_on-year", "2026"),
            ],
        )
        .await;
    assert_eq!(check.status, StatusCode::OK);
    let main = &check.body[check.body.find("<main").unwrap()..check.body.find("</main>").unwrap()];
    insta::assert_snapshot!(crate::snapshots_test::redact_tokens(main).replace(&id, "[case]"));
}
