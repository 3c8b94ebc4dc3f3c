//! The school's referral form beyond its questions: the files on the task list and the
//! attendance export submission needs (MN-REF-4), yes/no questions that start unanswered
//! (MN-REF-1), the conditional reveal's markup, errors in the order of the page, and deleting a
//! draft.

use crate::authorization::referral_of;
use crate::support::{Client, TestApp, TestResponse};
use axum::http::StatusCode;
use mns_domain::identifiers::Upn;
use mns_domain::referral::{ChecklistItem, EXAMPLE_REFERRAL_JSON, Referral};
use mns_store::Backend;

/// An attendance export (one row per session, four weeks) for the pupil with this UPN: two
/// weeks present, then two weeks ill.
pub fn attendance_csv(upn: &str) -> String {
    let mut csv = String::from("UPN,Date,Session,Mark\n");
    let first = chrono::NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
    for offset in 0..28 {
        let day = first + chrono::Duration::days(offset);
        if offset % 7 >= 5 {
            continue; // Saturday and Sunday
        }
        let (am, pm) = if offset >= 14 {
            ("I", "I")
        } else {
            ("/", "\\")
        };
        csv.push_str(&format!("{upn},{day},AM,{am}\n{upn},{day},PM,{pm}\n"));
    }
    csv
}

/// The school's actor, for setting a draft up through the application.
async fn school_actor(app: &TestApp, email: &str) -> mns_app::Actor {
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

/// A new draft of Wensum Valley's, with `form` saved in it; its id.
async fn draft_with(app: &TestApp, form: Referral) -> String {
    let school = school_actor(app, "school@demo.invalid").await;
    let id = app.app.start_referral(&school).await.unwrap().record.id;
    app.app.save_referral(&school, &id, form).await.unwrap();
    id
}

/// The example referral: every question answered.
fn complete_form() -> Referral {
    serde_json::from_str(EXAMPLE_REFERRAL_JSON).unwrap()
}

/// The `href`s of the links in the page's error summary.
fn error_links(body: &str) -> Vec<String> {
    let Some(start) = body.find("govuk-error-summary__list") else {
        return Vec::new();
    };
    let end = body[start..]
        .find("</ul>")
        .map_or(body.len(), |e| start + e);
    body[start..end]
        .split("<a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// The status the task list shows for a task.
fn task_status(tasks: &str, slug: &str) -> String {
    let marker = format!("id=\"task-{slug}-status\">");
    let start = tasks.find(&marker).expect("the task") + marker.len();
    let end = tasks[start..].find("</div>").unwrap() + start;
    tasks[start..end]
        .replace("<strong class=\"govuk-tag govuk-tag--blue\">", "")
        .replace("</strong>", "")
        .trim()
        .to_string()
}

#[tokio::test]
async fn mn_ref_4_a_referral_is_not_submitted_without_its_attendance_export() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = draft_with(&app, complete_form()).await;
    let mut school = app.signed_in("school@demo.invalid").await;

    // Every question answered: the task list says only the export is left.
    let tasks = school.get(&format!("/referrals/{id}/form")).await;
    assert_eq!(
        tasks.body.matches(">Completed<").count(),
        7,
        "{}",
        tasks.body
    );
    assert_eq!(task_status(&tasks.body, "attendance"), "Not started");
    assert_eq!(task_status(&tasks.body, "documents"), "None attached");
    assert!(tasks.body.contains("You have completed 7 of 8 tasks"));
    assert!(tasks.body.contains("Referral incomplete"));

    // Submitting is refused, with one problem that links to where the export is attached.
    school.get(&format!("/referrals/{id}/check-answers")).await;
    let refused = school.post(&format!("/referrals/{id}/submit"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_links(&refused.body),
        [format!("/referrals/{id}/attendance#attendance")]
    );
    assert!(
        refused
            .body
            .contains("attendance export (the herringbone) for the school year to date"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Not attached"),
        "the files card says so"
    );
    let page = school.get(&format!("/referrals/{id}/attendance")).await;
    assert!(
        page.body.contains("id=\"attendance\""),
        "the link lands on the upload"
    );
    let status = app.app.store_for_tests().get_referral(&id).await.unwrap();
    assert_eq!(status.unwrap().status, "draft", "nothing was sent");

    // Attached (the example's UPN), it shows on the task list and the referral goes.
    let attached = school
        .upload(
            &format!("/referrals/{id}/attendance"),
            "attendance",
            "autumn-term.csv",
            attendance_csv("C926123426001").as_bytes(),
        )
        .await;
    assert_eq!(attached.status, StatusCode::SEE_OTHER, "{}", attached.body);
    let tasks = school.get(&format!("/referrals/{id}/form")).await;
    assert_eq!(task_status(&tasks.body, "attendance"), "Attached");
    assert!(tasks.body.contains("autumn-term.csv"));
    assert!(tasks.body.contains("You have completed 8 of 8 tasks"));
    let check = school.get(&format!("/referrals/{id}/check-answers")).await;
    assert!(!check.body.contains("There is a problem"), "{}", check.body);
    assert!(check.body.contains("autumn-term.csv"));
    let sent = school.post(&format!("/referrals/{id}/submit"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), format!("/referrals/{id}/sent"));
}

#[tokio::test]
async fn mn_ref_4_the_api_names_the_missing_attendance_export_and_ignores_the_old_yes_or_no() {
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
    let mut school = app.client();
    school.bearer = Some(token);
    // An older client still says the herringbone is attached: accepted, and not trusted.
    let mut body: serde_json::Value = serde_json::from_str(EXAMPLE_REFERRAL_JSON).unwrap();
    body["herringbone_attached"] = true.into();
    let created = school
        .send_json(
            axum::http::Method::POST,
            "/api/v1/referrals",
            &body.to_string(),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let created = created.json();
    assert_eq!(created["problems"][0]["field"], "attendance", "{created}");
    assert_eq!(created["problems"].as_array().unwrap().len(), 1);
    assert!(created["referral"].get("herringbone_attached").is_none());
    let id = created["id"].as_str().unwrap().to_string();
    let refused = school
        .send_json(
            axum::http::Method::POST,
            &format!("/api/v1/referrals/{id}/submit"),
            "",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("attendance export"),
        "{}",
        refused.body
    );

    // A new draft's yes/no answers are null: not answered, never a silent no.
    let empty = school
        .send_json(axum::http::Method::POST, "/api/v1/referrals", "")
        .await
        .json();
    assert!(empty["referral"]["repeat_referral"].is_null(), "{empty}");
    assert!(empty["referral"]["pupil"]["pregnant"].is_null());
    let fields: Vec<&str> = empty["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    for field in ["pupil.pregnant", "repeat_referral", "attendance"] {
        assert!(fields.contains(&field), "{field} not in {fields:?}");
    }

    // The OpenAPI document says so.
    let doc = app.client().get("/api/v1/openapi.json").await.json();
    let referral = &doc["components"]["schemas"]["Referral"]["properties"];
    assert_eq!(referral["repeat_referral"]["nullable"], true);
    assert_eq!(
        referral["pupil"]["properties"]["pregnant"]["nullable"],
        true
    );
    assert_eq!(referral["herringbone_attached"]["deprecated"], true);
}

/// The questions a new referral asks with yes and no, and the page each is on.
const YES_NO: [(&str, &str); 8] = [
    ("pupil", "pupil.ordinarily_resident"),
    ("pupil", "pupil.repeating_year_11_for_medical_reasons"),
    ("pupil", "pupil.pregnant"),
    ("consent", "healthy_child_programme.contacted"),
    ("consent", "consent.given"),
    ("consent", "consent.withdrawn"),
    ("health-need", "health_need.absence_expected"),
    ("health-need", "awaiting_specialist_place"),
];

#[tokio::test]
async fn mn_ref_1_no_answer_is_chosen_for_the_school_on_a_new_referral() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = draft_with(&app, Referral::default()).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let mut pages: Vec<(String, TestResponse)> = Vec::new();
    for slug in [
        "pupil",
        "school",
        "checklist",
        "consent",
        "health-need",
        "evidence",
        "support",
    ] {
        let page = school.get(&format!("/referrals/{id}/form/{slug}")).await;
        assert_eq!(page.status, StatusCode::OK, "{slug}");
        assert!(
            !page.body.contains("\" checked"),
            "a radio is chosen on the new referral's {slug} page"
        );
        pages.push((slug.to_string(), page));
    }
    for (slug, field) in YES_NO {
        let (_, page) = pages.iter().find(|(s, _)| s == slug).unwrap();
        assert!(
            page.body
                .contains(&format!("name=\"{field}\" type=\"radio\" value=\"no\"")),
            "{field} on {slug}"
        );
    }
    let evidence = &pages.iter().find(|(s, _)| s == "evidence").unwrap().1;
    assert!(
        evidence
            .body
            .contains("name=\"repeat_referral\" type=\"radio\" value=\"no\"")
    );
}

#[tokio::test]
async fn mn_ref_1_an_unanswered_yes_or_no_keeps_its_section_incomplete_and_blocks_submission() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut form = complete_form();
    form.pupil.pregnant = None;
    form.repeat_referral = None;
    let id = draft_with(&app, form).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let tasks = school.get(&format!("/referrals/{id}/form")).await;
    assert_eq!(task_status(&tasks.body, "pupil"), "Incomplete");
    assert_eq!(task_status(&tasks.body, "evidence"), "Incomplete");
    assert_eq!(task_status(&tasks.body, "school"), "Completed");

    let check = school.get(&format!("/referrals/{id}/check-answers")).await;
    let links = error_links(&check.body);
    assert_eq!(
        links,
        [
            format!("/referrals/{id}/form/pupil#pupil.pregnant"),
            format!("/referrals/{id}/form/evidence#repeat_referral"),
            format!("/referrals/{id}/attendance#attendance"),
        ]
    );
    assert!(check.body.contains("Select whether the pupil is pregnant"));
    // The answers say "Not answered", not "No".
    let pregnant = check.body.split("Pregnant</dt>").nth(1).unwrap();
    assert!(
        pregnant[..200].contains("Not answered"),
        "{}",
        &pregnant[..200]
    );

    // Answered "no", the section is complete.
    let saved = school
        .post(
            &format!("/referrals/{id}/form/pupil"),
            &[("pupil.pregnant", "no")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let tasks = school.get(&format!("/referrals/{id}/form")).await;
    assert_eq!(task_status(&tasks.body, "pupil"), "Completed");
    let stored: Referral = serde_json::from_str(
        &app.app
            .store_for_tests()
            .get_referral(&id)
            .await
            .unwrap()
            .unwrap()
            .form_json,
    )
    .unwrap();
    assert_eq!(stored.pupil.pregnant, Some(false));
}

#[tokio::test]
async fn mn_ref_2_a_section_with_an_invalid_upn_or_nhs_number_is_not_completed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = draft_with(&app, complete_form()).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let tasks = school.get(&format!("/referrals/{id}/form")).await;
    assert_eq!(task_status(&tasks.body, "pupil"), "Completed");
    for (field, wrong, right) in [
        ("pupil.upn", "B926123426001", "C926123426001"),
        ("pupil.nhs_number", "943 476 5918", "943 476 5919"),
    ] {
        school.get(&format!("/referrals/{id}/form/pupil")).await;
        let saved = school
            .post(&format!("/referrals/{id}/form/pupil"), &[(field, wrong)])
            .await;
        assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let tasks = school.get(&format!("/referrals/{id}/form")).await;
        assert_eq!(task_status(&tasks.body, "pupil"), "Incomplete", "{field}");
        school.get(&format!("/referrals/{id}/form/pupil")).await;
        let saved = school
            .post(&format!("/referrals/{id}/form/pupil"), &[(field, right)])
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{field}: {}",
            saved.body
        );
        let tasks = school.get(&format!("/referrals/{id}/form")).await;
        assert_eq!(task_status(&tasks.body, "pupil"), "Completed", "{field}");
    }
}

#[tokio::test]
async fn follow_up_questions_use_the_accessible_conditional_reveal() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut form = Referral::default();
    form.pupil.pregnant = Some(true);
    let id = draft_with(&app, form).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let page = school.get(&format!("/referrals/{id}/form/pupil")).await;
    // The radio names what it reveals for GOV.UK Frontend, with no aria-expanded (which ARIA
    // does not allow on a radio); what it reveals is hidden only when the answer is not chosen.
    assert!(page.body.contains("data-module=\"app-revealing-radios\""));
    assert!(page.body.contains(
        "id=\"pupil.pregnant\" name=\"pupil.pregnant\" type=\"radio\" value=\"yes\" checked data-aria-controls=\"conditional-pupil.pregnant\""
    ), "{}", page.body);
    assert!(
        page.body.contains(
            "<div class=\"govuk-radios__conditional\" id=\"conditional-pupil.pregnant\">"
        )
    );
    assert!(!page.body.contains("aria-expanded"));
    let consent = school.get(&format!("/referrals/{id}/form/consent")).await;
    assert!(consent.body.contains(
        "<div class=\"govuk-radios__conditional govuk-radios__conditional--hidden\" id=\"conditional-consent.withdrawn\">"
    ));
    // The script that reveals them is GOV.UK Frontend's radios without that attribute.
    let script = school.get("/assets/init-module.js").await;
    assert!(script.body.contains("extends Radios"));
    assert!(script.body.contains("'app-revealing-radios'"));
    assert!(!script.body.contains("setAttribute('aria-expanded'"));
}

/// Where each of `fields` first appears on a page: its `id`'s position.
fn positions(body: &str, fields: &[&str]) -> Vec<usize> {
    fields
        .iter()
        .map(|f| {
            body.find(&format!("id=\"{f}\""))
                .unwrap_or_else(|| panic!("no element {f}"))
        })
        .collect()
}

#[tokio::test]
async fn error_summaries_list_problems_in_the_order_of_the_page() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Problems from several checks, and from two sections out of their old order.
    let mut form = complete_form();
    form.pupil.pregnant = Some(true);
    form.pupil.date_of_birth = app.app.today().succ_opt();
    form.school.school_type = None;
    form.checklist.remove(&ChecklistItem::Keyworker);
    form.consent.given_on = app.app.today().succ_opt();
    let id = draft_with(&app, form).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let check = school.get(&format!("/referrals/{id}/check-answers")).await;
    let links = error_links(&check.body);
    let sections = [
        "pupil",
        "school",
        "checklist",
        "consent",
        "health-need",
        "evidence",
        "support",
    ];
    let mut seen: Vec<(usize, usize)> = Vec::new();
    for link in &links {
        let (page, anchor) = link.split_once('#').unwrap();
        let section = sections
            .iter()
            .position(|s| page.ends_with(&format!("/form/{s}")))
            .unwrap_or(sections.len());
        let body = school.get(page).await.body;
        let at = body
            .find(&format!("id=\"{anchor}\""))
            .unwrap_or_else(|| panic!("{page} has no {anchor}"));
        seen.push((section, at));
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "not in the order of the form: {links:?}");
    assert_eq!(
        links
            .iter()
            .map(|l| l.rsplit('#').next().unwrap())
            .collect::<Vec<_>>(),
        [
            "pupil.date_of_birth",
            "pupil.expected_due_date",
            "school.school_type",
            "checklist.keyworker.answer",
            "consent.given_on",
            "attendance",
        ]
    );

    // A section's own page: three identifiers that are not valid, in the order of the page.
    school.get(&format!("/referrals/{id}/form/pupil")).await;
    let shown = school
        .post(
            &format!("/referrals/{id}/form/pupil"),
            &[
                ("pupil.home_address.postcode", "NOT A POSTCODE"),
                ("pupil.nhs_number", "123"),
                ("pupil.upn", "B926123426001"),
            ],
        )
        .await;
    assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let links = error_links(&shown.body);
    let fields = [
        "pupil.upn",
        "pupil.nhs_number",
        "pupil.home_address.postcode",
    ];
    assert_eq!(
        links,
        fields.iter().map(|f| format!("#{f}")).collect::<Vec<_>>()
    );
    let at = positions(&shown.body, &fields);
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
}

/// Opens the draft's delete page and confirms.
async fn delete(client: &mut Client<'_>, id: &str) -> (TestResponse, TestResponse) {
    let page = client.get(&format!("/referrals/{id}/delete")).await;
    let deleted = client.post(&format!("/referrals/{id}/delete"), &[]).await;
    (page, deleted)
}

#[tokio::test]
async fn mn_rec_1_a_school_deletes_a_draft_with_its_files_and_never_a_sent_referral() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let store = app.app.store_for_tests();
    let mut school = app.signed_in("school@demo.invalid").await;

    // An empty draft: "an unnamed pupil".
    let started = school.post("/referrals", &[]).await;
    let empty = started.location().split('/').nth(2).unwrap().to_string();
    let tasks = school.get(&format!("/referrals/{empty}/form")).await;
    assert!(
        tasks
            .body
            .contains(&format!("href=\"/referrals/{empty}/delete\""))
    );
    let (page, deleted) = delete(&mut school, &empty).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Are you sure you want to delete the draft referral for an unnamed pupil?")
    );
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    assert_eq!(deleted.location(), "/referrals?deleted=draft");
    let list = school.get(deleted.location()).await;
    assert!(list.body.contains("govuk-notification-banner--success"));
    assert!(list.body.contains("The draft referral has been deleted"));
    assert!(store.get_referral(&empty).await.unwrap().is_none());
    assert!(
        !school
            .get("/referrals")
            .await
            .body
            .contains("has been deleted"),
        "the banner shows once"
    );

    // A named draft with an attendance export: the file goes too, and the trail says so.
    let mut form = Referral::default();
    form.pupil.first_name = "Robin".into();
    form.pupil.last_name = "Example".into();
    form.pupil.upn = Some(mns_domain::referral::Entered::new(
        Upn::with_check_letter("926200126014").unwrap().as_str(),
    ));
    let named = draft_with(&app, form).await;
    let upn = Upn::with_check_letter("926200126014").unwrap();
    school.get(&format!("/referrals/{named}/attendance")).await;
    let attached = school
        .upload(
            &format!("/referrals/{named}/attendance"),
            "attendance",
            "robin.csv",
            attendance_csv(upn.as_str()).as_bytes(),
        )
        .await;
    assert_eq!(attached.status, StatusCode::SEE_OTHER, "{}", attached.body);
    assert_eq!(
        store
            .documents_for("referral_attendance", &named)
            .await
            .unwrap()
            .len(),
        1
    );
    let (page, deleted) = delete(&mut school, &named).await;
    assert!(
        page.body
            .contains("Are you sure you want to delete the draft referral for Robin Example?")
    );
    assert_eq!(deleted.location(), "/referrals?deleted=draft");
    assert!(store.get_referral(&named).await.unwrap().is_none());
    assert!(
        store
            .documents_for("referral_attendance", &named)
            .await
            .unwrap()
            .is_empty(),
        "the draft's files are deleted with it"
    );
    let trail = store
        .audit_for_record("referral", &named, 10)
        .await
        .unwrap();
    let entry = trail
        .iter()
        .find(|e| e.action == "referral.delete_draft")
        .expect("audited");
    assert_eq!(entry.detail, "documents deleted: 1");
    assert_eq!(entry.actor_role, "school");

    // A referral that has been sent is never deleted, by its school or anyone.
    let sent = referral_of(&app, "Amelia").await;
    let (page, refused) = delete(&mut school, &sent).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(store.get_referral(&sent).await.unwrap().is_some());
    let sent_page = school.get(&format!("/referrals/{sent}")).await;
    assert!(!sent_page.body.contains("/delete\""));
    let school_actor = school_actor(&app, "school@demo.invalid").await;
    assert!(matches!(
        app.app.delete_draft_referral(&school_actor, &sent).await,
        Err(mns_app::AppError::NotFound)
    ));
    // Another school's draft, or anyone but a school: as if it did not exist.
    let oliver = referral_of(&app, "Oliver").await;
    let mut other_school = app.signed_in("school2@demo.invalid").await;
    let (page, refused) = delete(&mut other_school, &oliver).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
    let (_, refused) = delete(&mut coordinator, &oliver).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(store.get_referral(&oliver).await.unwrap().is_some());
}
