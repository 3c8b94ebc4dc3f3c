//! Events on the Local Offer (issue 19), through HTTP: the officer publishes an event, people
//! book it and join its waiting list, a cancellation moves the list up, the officer marks
//! attendance and downloads the list, and cancels the event. The last place, asked for by two
//! people at once, goes to one of them, on both databases.

use crate::support::{Client, TestApp, TestResponse};
use axum::http::StatusCode;
use mns_domain::events::{BookingForm, BookingStatus, EventForm};
use mns_store::Backend;
use mns_store::testing::backends;

const OFFICER: &str = "localoffer@demo.invalid";

fn event_fields(capacity: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", "Sensory play workshop".into()),
        ("kind", "workshop".into()),
        ("audience", "everyone".into()),
        (
            "description",
            "Ideas for sensory play at home.\n\nWith the sensory support team.".into(),
        ),
        ("date-day", "10".into()),
        ("date-month", "12".into()),
        ("date-year", "2026".into()),
        ("starts", "10am".into()),
        ("ends", "12:30".into()),
        ("format", "in_person".into()),
        ("venue_name", "The Forum".into()),
        ("address", "Millennium Plain, Norwich".into()),
        ("postcode", "NR2 1TF".into()),
        ("access", "step_free".into()),
        ("access", "hearing_loop".into()),
        ("capacity", capacity.into()),
    ]
}

async fn post_owned(
    client: &mut Client<'_>,
    path: &str,
    fields: &[(&str, String)],
) -> TestResponse {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.post(path, &refs).await
}

async fn book(client: &mut Client<'_>, id: &str, name: &str, email: &str) -> TestResponse {
    client.get(&format!("/local-offer/events/{id}")).await;
    client
        .post(
            &format!("/local-offer/events/{id}/book"),
            &[
                ("name", name),
                ("email", email),
                ("attendee", "parent_carer"),
                ("access_needs", "A quiet space for my son"),
            ],
        )
        .await
}

fn token_of(response: &TestResponse) -> String {
    let location = response.location();
    location
        .strip_prefix("/local-offer/events/bookings/")
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("a booking link, not {location}"))
        .to_string()
}

async fn subjects(app: &TestApp, email: &str) -> Vec<String> {
    app.app
        .store_for_tests()
        .outbox_messages_to(email)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.subject)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Subjects in the order `subjects` gives them (the test clock stands still, so sorted).
fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn an_officer_publishes_an_event_people_book_it_and_a_cancellation_moves_the_waiting_list_up()
{
    let app = TestApp::spawn(Backend::Sqlite).await;
    let store = app.app.store_for_tests();
    let mut officer = app.signed_in(OFFICER).await;
    assert_eq!(
        officer.get("/local-offer/manage/events").await.status,
        StatusCode::OK
    );
    assert_eq!(
        officer.get("/local-offer/manage/events/new").await.status,
        StatusCode::OK
    );
    let before = store.events(None, true).await.unwrap().len();

    // Bad input: every problem named, what was typed kept, nothing published.
    let mut bad = event_fields("0");
    bad.retain(|(k, _)| !k.starts_with("date-") && *k != "postcode");
    bad.extend([
        ("date-day", "1".to_string()),
        ("date-month", "11".to_string()),
        ("date-year", "2026".to_string()),
        ("postcode", "not a postcode".to_string()),
    ]);
    let page = post_owned(&mut officer, "/local-offer/manage/events/new", &bad).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "The event must be after today",
        "Enter the venue&#39;s full postcode",
        "Enter the number of places, a whole number from 1 to 5,000",
    ] {
        assert!(page.body.contains(message), "{message}");
    }
    assert!(page.body.contains("value=\"Sensory play workshop\""));
    assert_eq!(store.events(None, true).await.unwrap().len(), before);

    // Published with one place.
    let published = post_owned(
        &mut officer,
        "/local-offer/manage/events/new",
        &event_fields("1"),
    )
    .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let id = published
        .location()
        .strip_prefix("/local-offer/manage/events/")
        .and_then(|r| r.split('?').next())
        .unwrap()
        .to_string();
    let list = app.client().get("/local-offer/events").await;
    assert!(list.body.contains("Sensory play workshop"));
    let mut family = app.client();
    let page = family.get(&format!("/local-offer/events/{id}")).await;
    assert!(page.body.contains("1 place left"), "{}", page.body);
    assert!(
        page.body
            .contains("Thursday 10 December 2026, 10am to 12:30pm")
    );

    // A booking with problems keeps what was typed.
    family.get(&format!("/local-offer/events/{id}")).await;
    let refused = family
        .post(
            &format!("/local-offer/events/{id}/book"),
            &[("name", "Ana Test"), ("email", "ana")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Enter an email address in the correct format")
    );
    assert!(refused.body.contains("Select who is coming"));
    assert!(refused.body.contains("value=\"Ana Test\""));

    // The place, then the waiting list.
    let first = book(&mut family, &id, "Ana Test", "ana@example.com").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let ana = token_of(&first);
    let shown = family.get(first.location()).await;
    assert!(shown.body.contains("Place booked"));
    let mut other = app.client();
    let second = book(&mut other, &id, "Ben Test", "ben@example.com").await;
    let ben = token_of(&second);
    let shown = other.get(second.location()).await;
    assert!(shown.body.contains("You are on the waiting list"));
    assert!(shown.body.contains("Number 1 on the list"));
    let page = family.get(&format!("/local-offer/events/{id}")).await;
    assert!(
        page.body
            .contains("Fully booked: you can join the waiting list")
    );
    assert!(page.body.contains("Join the waiting list"));
    assert_eq!(
        subjects(&app, "ana@example.com").await,
        sorted(&["Your place is booked", "Reminder: your event is tomorrow"])
    );
    assert_eq!(
        subjects(&app, "ben@example.com").await,
        sorted(&["You are on the waiting list"])
    );
    for m in store.outbox_messages_to("ana@example.com").await.unwrap() {
        assert!(
            !m.body.contains("Ana") && !m.body.contains("quiet space"),
            "{}",
            m.body
        );
        assert_eq!(
            m.sender_name.as_deref(),
            Some("Norfolk County Council SEND Local Offer")
        );
    }

    // Ana cancels: Ben gets the place and her reminder goes; the link used again changes
    // nothing.
    let booking = family
        .get(&format!("/local-offer/events/bookings/{ana}"))
        .await;
    assert!(booking.body.contains("Cancel my place"));
    let cancelled = family
        .post(&format!("/local-offer/events/bookings/{ana}/cancel"), &[])
        .await;
    assert_eq!(
        cancelled.location(),
        format!("/local-offer/events/bookings/{ana}?cancelled=yes")
    );
    let again = family
        .post(&format!("/local-offer/events/bookings/{ana}/cancel"), &[])
        .await;
    assert_eq!(
        again.location(),
        format!("/local-offer/events/bookings/{ana}?cancelled=already")
    );
    let page = family.get(again.location()).await;
    assert!(page.body.contains("This booking was already cancelled on"));
    assert!(!page.body.contains("Cancel my place"));
    assert_eq!(
        subjects(&app, "ana@example.com").await,
        sorted(&["Your place is booked", "Your booking is cancelled"])
    );
    assert_eq!(
        subjects(&app, "ben@example.com").await,
        sorted(&[
            "You are on the waiting list",
            "You have a place at an event",
            "Reminder: your event is tomorrow"
        ])
    );
    let shown = other
        .get(&format!("/local-offer/events/bookings/{ben}"))
        .await;
    assert!(shown.body.contains("Place booked"));
    let ics = other
        .get(&format!("/local-offer/events/bookings/{ben}/event.ics"))
        .await;
    assert_eq!(ics.headers["content-type"], "text/calendar; charset=utf-8");
    assert!(ics.body.contains("SUMMARY:Sensory play workshop\r\n"));
    assert!(ics.body.contains("DTSTART:20261210T100000Z\r\n"));
    let feed = app.client().get("/local-offer/events.ics").await;
    assert!(feed.body.contains("SUMMARY:Sensory play workshop\r\n"));
    assert!(feed.body.matches("BEGIN:VEVENT").count() >= 5);

    // Someone whose name would run as a formula joins the waiting list.
    book(
        &mut app.client(),
        &id,
        "=HYPERLINK(\"x\")",
        "eve@example.com",
    )
    .await;

    // The officer's list: Ben has the place, and is marked as having come.
    let page = officer
        .get(&format!("/local-offer/manage/events/{id}"))
        .await;
    assert!(page.body.contains("Ben Test"));
    assert!(page.body.contains("A quiet space for my son"));
    let bookings = store.event_bookings(&id).await.unwrap();
    let ben_id = bookings
        .iter()
        .find(|b| b.details.name == "Ben Test")
        .unwrap()
        .id
        .clone();
    let marked = officer
        .post(
            &format!("/local-offer/manage/events/{id}/attendance"),
            &[(&format!("came-{ben_id}"), "yes")],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    let refused = officer
        .post(
            &format!("/local-offer/manage/events/{id}/attendance"),
            &[("came-not-a-booking", "yes")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ben_booking = store
        .event_bookings(&id)
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.id == ben_id)
        .unwrap();
    assert_eq!(ben_booking.attended, Some(true));
    let csv = officer
        .get(&format!("/local-offer/manage/events/{id}/attendance.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("Status,Name,Email"));
    assert!(csv.body.contains("Place booked,Ben Test,ben@example.com"));
    assert!(csv.body.contains("Yes"));
    assert!(csv.body.contains("'=HYPERLINK"), "{}", csv.body);
    assert!(!csv.body.contains("Ana Test"));

    // Cancelling the event needs a reason; then everyone is told and the reminders go.
    let refused = officer
        .post(
            &format!("/local-offer/manage/events/{id}/cancel"),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Enter why the event is cancelled"));
    let done = officer
        .post(
            &format!("/local-offer/manage/events/{id}/cancel"),
            &[("reason", "The room is flooded. We will set a new date.")],
        )
        .await;
    assert_eq!(done.location(), "/local-offer/manage/events?done=cancelled");
    assert_eq!(
        subjects(&app, "ben@example.com").await,
        sorted(&[
            "You are on the waiting list",
            "You have a place at an event",
            "An event you booked is cancelled"
        ])
    );
    assert!(
        subjects(&app, "eve@example.com")
            .await
            .contains(&"An event you booked is cancelled".to_string())
    );
    let page = app.client().get(&format!("/local-offer/events/{id}")).await;
    assert!(
        page.body
            .contains("This event is cancelled. The room is flooded.")
    );
    assert!(!page.body.contains("Book a place"));
    let trail = store.audit_for_record("event", &id, 20).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "event.publish",
        "event.attendance.view",
        "event.attendance.mark",
        "event.attendance.export",
        "event.cancel",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn a_booking_for_an_event_that_has_started_is_refused_and_the_organiser_cannot_shrink_below_the_booked()
 {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut officer = app.signed_in(OFFICER).await;
    let published = post_owned(
        &mut officer,
        "/local-offer/manage/events/new",
        &event_fields("2"),
    )
    .await;
    let id = published
        .location()
        .strip_prefix("/local-offer/manage/events/")
        .and_then(|r| r.split('?').next())
        .unwrap()
        .to_string();
    let mut family = app.client();
    book(&mut family, &id, "Ana Test", "ana@example.com").await;
    book(&mut family, &id, "Cal Test", "cal@example.com").await;
    let again = book(&mut family, &id, "Ana Test", "ana@example.com").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .body
            .contains("already booked with this email address")
    );
    let mut fewer = event_fields("1");
    fewer[0].1 = "Sensory play workshop (changed)".into();
    let refused = post_owned(
        &mut officer,
        &format!("/local-offer/manage/events/{id}/edit"),
        &fewer,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("2 places are already booked"));
    // A new time: both are told.
    let mut later = event_fields("3");
    later.retain(|(k, _)| *k != "starts");
    later.push(("starts", "11am".into()));
    let changed = post_owned(
        &mut officer,
        &format!("/local-offer/manage/events/{id}/edit"),
        &later,
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert!(
        subjects(&app, "cal@example.com")
            .await
            .contains(&"An event you booked has changed".to_string())
    );
    let edit = officer
        .get(&format!("/local-offer/manage/events/{id}/edit"))
        .await;
    assert!(edit.body.contains("value=\"11:00\""));

    app.app
        .clock
        .advance(chrono::Duration::days(18) + chrono::Duration::hours(1));
    let late = book(&mut family, &id, "Dee Test", "dee@example.com").await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        late.body.contains("This event has already happened"),
        "{}",
        late.body
    );
    assert_eq!(
        app.client()
            .get("/local-offer/events/not-an-event")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.client()
            .get("/local-offer/events/bookings/not-a-token")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A year after the event, the retention job erases who booked; the counts stay.
    app.app.clock.advance(chrono::Duration::days(366));
    let report = app
        .app
        .run_retention(&mns_app::system_actor("test"))
        .await
        .unwrap();
    assert!(report.event_bookings >= 2, "{report:?}");
    let store = app.app.store_for_tests();
    for b in store.event_bookings(&id).await.unwrap() {
        assert_eq!(
            (b.details.name.as_str(), b.details.email.as_str()),
            ("", "")
        );
    }
    assert_eq!(store.event(&id).await.unwrap().unwrap().confirmed, 2);
}

fn person(n: usize) -> BookingForm {
    BookingForm {
        name: format!("Person {n}"),
        email: format!("person{n}@example.com"),
        phone: String::new(),
        attendee: "parent_carer".into(),
        access_needs: String::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_people_asking_for_the_last_place_at_once_get_the_place_and_the_waiting_list() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let officer = mns_app::Actor {
            user: app
                .app
                .store_for_tests()
                .find_user_by_email(OFFICER)
                .await
                .unwrap()
                .unwrap(),
            source: "test".into(),
        };
        for round in 0..5 {
            let form = EventForm {
                title: format!("Last place {round}"),
                kind: "forum".into(),
                audience: "professionals".into(),
                description: "The forum.".into(),
                date: Some(chrono::NaiveDate::from_ymd_opt(2027, 1, 12).unwrap()),
                starts: "9:30am".into(),
                ends: "12pm".into(),
                format: "online".into(),
                joining: "Teams".into(),
                capacity: "1".into(),
                ..EventForm::default()
            };
            let id = app.app.publish_event(&officer, &form).await.unwrap();
            // Two tasks on two threads, each in its own transaction.
            let tasks: Vec<_> = [2 * round, 2 * round + 1]
                .into_iter()
                .map(|n| {
                    let (app, id) = (app.app.clone(), id.clone());
                    tokio::spawn(
                        async move { app.book_event(&id, &person(n), &format!("s{n}")).await },
                    )
                })
                .collect();
            let mut got = Vec::new();
            for t in tasks {
                got.push(t.await.unwrap().unwrap().1);
            }
            got.sort_by_key(|s| s.as_str());
            assert_eq!(
                got,
                vec![BookingStatus::Confirmed, BookingStatus::Waiting],
                "{backend:?}"
            );
            let stored = app.app.store_for_tests().event(&id).await.unwrap().unwrap();
            assert_eq!((stored.confirmed, stored.waiting), (1, 1), "{backend:?}");
        }
        // One address may make 20 bookings an hour.
        let form = EventForm {
            title: "Big forum".into(),
            kind: "forum".into(),
            audience: "professionals".into(),
            description: "The forum.".into(),
            date: Some(chrono::NaiveDate::from_ymd_opt(2027, 1, 13).unwrap()),
            starts: "9:30am".into(),
            ends: "12pm".into(),
            format: "online".into(),
            joining: "Teams".into(),
            capacity: "100".into(),
            ..EventForm::default()
        };
        let id = app.app.publish_event(&officer, &form).await.unwrap();
        for n in 0..20 {
            app.app
                .book_event(&id, &person(100 + n), "busy")
                .await
                .unwrap();
        }
        assert!(matches!(
            app.app.book_event(&id, &person(200), "busy").await,
            Err(mns_app::AppError::Throttled)
        ));
    }
}
