use super::ics::{CalendarEvent, calendar, escape, fold};
use super::*;
use chrono::TimeZone;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn roadshow_form() -> EventForm {
    EventForm {
        title: "Family roadshow: Great Yarmouth".into(),
        kind: "roadshow".into(),
        audience: "families".into(),
        description: "Meet the SEND teams.".into(),
        date: Some(day(2027, 1, 16)),
        starts: "10am".into(),
        ends: "1pm".into(),
        format: "in_person".into(),
        venue_name: "Great Yarmouth Library".into(),
        address: "Market Gates".into(),
        postcode: "nr30 2sh".into(),
        access: vec!["step_free".into(), "hearing_loop".into()],
        capacity: "40".into(),
        ..EventForm::default()
    }
}

#[test]
fn an_event_form_reads_into_an_event_on_the_uk_clock() {
    let event = roadshow_form().parse(day(2026, 12, 7)).unwrap();
    assert_eq!(
        event.starts_at,
        Utc.with_ymd_and_hms(2027, 1, 16, 10, 0, 0).unwrap()
    );
    assert_eq!(
        event.ends_at,
        Utc.with_ymd_and_hms(2027, 1, 16, 13, 0, 0).unwrap()
    );
    assert_eq!(event.when(), "Saturday 16 January 2027, 10am to 1pm");
    assert_eq!(
        event.place(),
        "Great Yarmouth Library, Market Gates, NR30 2SH"
    );
    assert_eq!(event.booking_opens, day(2026, 12, 7));
    assert_eq!(event.booking_closes, day(2027, 1, 15));
    assert_eq!(event.capacity, 40);
    assert_eq!(
        EventForm::of(&event).parse(day(2026, 12, 7)).unwrap(),
        event
    );
    let mut summer = roadshow_form();
    summer.date = Some(day(2027, 6, 12));
    let event = summer.parse(day(2026, 12, 7)).unwrap();
    assert_eq!(
        event.starts_at,
        Utc.with_ymd_and_hms(2027, 6, 12, 9, 0, 0).unwrap()
    );
}

#[test]
fn an_event_in_the_past_or_today_is_refused() {
    let mut form = roadshow_form();
    form.date = Some(day(2026, 12, 1));
    let problems = form.parse(day(2026, 12, 7)).unwrap_err();
    assert_eq!(problems[0].0, "date");
    assert!(problems[0].1.contains("after today"));
    form.date = Some(day(2026, 12, 7));
    assert_eq!(form.parse(day(2026, 12, 7)).unwrap_err()[0].0, "date");
}

#[test]
fn every_problem_with_an_event_is_named_in_the_order_of_the_form() {
    let form = EventForm {
        starts: "2pm".into(),
        ends: "11am".into(),
        format: "in_person".into(),
        postcode: "not a postcode".into(),
        access: vec!["jetpack".into()],
        capacity: "0".into(),
        ..EventForm::default()
    };
    let fields: Vec<&str> = form
        .parse(day(2026, 12, 7))
        .unwrap_err()
        .iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(
        fields,
        vec![
            "title",
            "kind",
            "audience",
            "description",
            "date",
            "ends",
            "venue_name",
            "address",
            "postcode",
            "access",
            "capacity"
        ]
    );
}

#[test]
fn an_online_event_needs_joining_details_and_no_address() {
    let mut form = roadshow_form();
    form.format = "online".into();
    assert_eq!(form.parse(day(2026, 12, 7)).unwrap_err()[0].0, "joining");
    form.joining = "Microsoft Teams: the link comes the day before".into();
    let event = form.parse(day(2026, 12, 7)).unwrap();
    assert!(event.is_online());
    assert_eq!(event.place(), "Online");
}

#[test]
fn booking_must_close_by_the_event_and_open_before_it_closes() {
    let mut form = roadshow_form();
    form.booking_closes = Some(day(2027, 1, 20));
    assert_eq!(
        form.parse(day(2026, 12, 7)).unwrap_err()[0].0,
        "booking_closes"
    );
    form.booking_closes = Some(day(2027, 1, 10));
    form.booking_opens = Some(day(2027, 1, 11));
    assert_eq!(
        form.parse(day(2026, 12, 7)).unwrap_err()[0].0,
        "booking_opens"
    );
}

#[test]
fn booking_is_open_from_its_first_day_to_its_last_and_never_once_the_event_starts() {
    let mut form = roadshow_form();
    form.booking_opens = Some(day(2026, 12, 10));
    let event = form.parse(day(2026, 12, 7)).unwrap();
    let at = |y, m, d, h| Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap();
    assert_eq!(
        event.booking_window(at(2026, 12, 9, 23)),
        BookingWindow::NotYetOpen(day(2026, 12, 10))
    );
    assert_eq!(
        event.booking_window(at(2026, 12, 10, 0)),
        BookingWindow::Open
    );
    assert_eq!(
        event.booking_window(at(2027, 1, 15, 23)),
        BookingWindow::Open
    );
    assert_eq!(
        event.booking_window(at(2027, 1, 16, 0)),
        BookingWindow::Closed
    );
    assert_eq!(
        event.booking_window(at(2027, 1, 16, 10)),
        BookingWindow::Past
    );
}

#[test]
fn the_last_place_goes_to_the_first_booking_and_the_next_joins_the_waiting_list() {
    assert_eq!(place_for(39, 40), BookingStatus::Confirmed);
    assert_eq!(place_for(40, 40), BookingStatus::Waiting);
    assert_eq!(place_for(41, 40), BookingStatus::Waiting);
}

#[test]
fn the_waiting_list_moves_up_in_the_order_people_joined_it() {
    let waiting = ["first", "second", "third"];
    assert_eq!(promote(&waiting, 39, 40), vec!["first"]);
    assert_eq!(promote(&waiting, 38, 40), vec!["first", "second"]);
    assert!(promote(&waiting, 40, 40).is_empty());
    assert!(promote(&waiting, 45, 40).is_empty());
}

#[test]
fn times_are_read_as_people_type_them_and_written_as_gov_uk_does() {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    for (text, time) in [
        ("10am", t(10, 0)),
        ("10:30", t(10, 30)),
        ("2.30pm", t(14, 30)),
        ("12pm", t(12, 0)),
        ("12am", t(0, 0)),
        ("midday", t(12, 0)),
        (" 14:00 ", t(14, 0)),
    ] {
        assert_eq!(parse_clock(text), Some(time), "{text}");
    }
    for text in ["", "10", "13pm", "25:00", "10:5", "ten"] {
        assert_eq!(parse_clock(text), None, "{text}");
    }
    assert_eq!(clock(t(10, 0)), "10am");
    assert_eq!(clock(t(13, 30)), "1:30pm");
    assert_eq!(clock(t(12, 0)), "midday");
}

#[test]
fn a_booking_needs_a_name_an_email_and_who_is_coming() {
    let problems = BookingForm {
        phone: "12".into(),
        email: "not-an-email".into(),
        ..BookingForm::default()
    }
    .parse()
    .unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.0).collect();
    assert_eq!(fields, vec!["name", "email", "phone", "attendee"]);
    let ok = BookingForm {
        name: " Sam Carter ".into(),
        email: "sam@example.com".into(),
        phone: "01603 222222".into(),
        attendee: "parent_carer".into(),
        access_needs: "Step-free access please".into(),
    }
    .parse()
    .unwrap();
    assert_eq!(ok.name, "Sam Carter");
    assert_eq!(ok.attendee, Attendee::ParentCarer);
}

#[test]
fn icalendar_text_is_escaped_and_long_lines_are_folded_at_75_octets() {
    assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    let mut out = String::new();
    fold(&format!("DESCRIPTION:{}", "é".repeat(60)), &mut out);
    for line in out.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
    }
    assert_eq!(
        out.replace("\r\n ", ""),
        format!("DESCRIPTION:{}\r\n", "é".repeat(60))
    );
}

#[test]
fn a_calendar_gives_each_event_in_utc_with_its_place() {
    let event = roadshow_form().parse(day(2026, 12, 7)).unwrap();
    let text = calendar(
        "Norfolk SEND events",
        &[CalendarEvent {
            uid: "e1@example.org".into(),
            event: &event,
            url: "https://example.org/local-offer/events/e1".into(),
            stamp: Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap(),
            cancelled: false,
            note: String::new(),
        }],
    );
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(text.contains("DTSTART:20270116T100000Z\r\n"));
    assert!(text.contains("DTEND:20270116T130000Z\r\n"));
    assert!(text.contains("LOCATION:Great Yarmouth Library\\, Market Gates\\, NR30 2SH\r\n"));
    assert!(text.contains("STATUS:CONFIRMED"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
}
