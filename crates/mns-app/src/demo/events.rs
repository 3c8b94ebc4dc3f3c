//! The demo's Local Offer events (issue 19): two family roadshows, the termly SEND forum for
//! professionals in Norwich, and an online workshop that is full with a waiting list, each
//! with believable bookings.

use crate::{Actor, App, AppResult};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use mns_domain::events::{BookingForm, EventForm};

/// (title, kind, audience, days from today, start, end, venue, address, postcode or "" for
/// online, capacity, description)
type DemoEvent = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const EVENTS: [DemoEvent; 4] = [
    (
        "Family roadshow: Great Yarmouth",
        "roadshow",
        "families",
        12,
        "10am",
        "1pm",
        "Great Yarmouth Library",
        "Market Gates, Great Yarmouth",
        "NR30 2SH",
        "40",
        "Drop in to meet the council's SEND teams: the Local Offer, SEND Information Advice and Support (SENDIASS), the educational psychology service, the Medical Needs Service and Family Voice Norfolk.\n\nBring your questions about support in school, EHC needs assessments, short breaks or preparing for adulthood. Children are welcome; there is a quiet room.",
    ),
    (
        "Family roadshow: King's Lynn",
        "roadshow",
        "families",
        26,
        "4pm",
        "7pm",
        "King's Lynn Town Hall",
        "Saturday Market Place, King's Lynn",
        "PE30 5DQ",
        "40",
        "An after-school roadshow with the council's SEND teams and local services from the Local Offer.\n\nTalk to specialists about your child's needs, find out what support is available near you, and tell us what would make the Local Offer better for your family.",
    ),
    (
        "SEND forum: Norwich (spring term)",
        "forum",
        "professionals",
        40,
        "9:30am",
        "12:30pm",
        "The Forum",
        "Millennium Plain, Norwich",
        "NR2 1TF",
        "60",
        "The termly forum for SENCOs, early years settings, health and social care practitioners.\n\nThis term: the new Core Consultations, specialist resource base places for September, and what families told us at the autumn roadshows.",
    ),
    (
        "Preparing for adulthood: an online session for parents",
        "workshop",
        "families",
        19,
        "7pm",
        "8:30pm",
        "",
        "",
        "",
        "3",
        "What changes at 14, 16 and 18: annual reviews with a preparing-for-adulthood focus, post-16 education and training, and moving from children's to adult services.\n\nThere is time for questions at the end.",
    ),
];

/// (name, email, who, access needs, event index)
const BOOKINGS: [(&str, &str, &str, &str, usize); 9] = [
    (
        "Sam Carter",
        "sam.carter@demo.invalid",
        "parent_carer",
        "",
        0,
    ),
    (
        "Priya Shah",
        "priya.shah@demo.invalid",
        "parent_carer",
        "Step-free access, please: I use a wheelchair",
        0,
    ),
    (
        "Dan Hewitt",
        "dan.hewitt@demo.invalid",
        "parent_carer",
        "",
        0,
    ),
    (
        "Lucy Brown",
        "lucy.brown@demo.invalid",
        "parent_carer",
        "",
        1,
    ),
    (
        "Mark Ellis",
        "senco@wensum-valley.demo.invalid",
        "professional",
        "",
        2,
    ),
    (
        "Jo Price",
        "jo.price@demo.invalid",
        "parent_carer",
        "Live captions would help me follow",
        3,
    ),
    ("Tom Walsh", "tom.walsh@demo.invalid", "parent_carer", "", 3),
    (
        "Aisha Khan",
        "aisha.khan@demo.invalid",
        "parent_carer",
        "",
        3,
    ),
    (
        "Ellie Moore",
        "ellie.moore@demo.invalid",
        "parent_carer",
        "",
        3,
    ),
];

/// The first Saturday from `day` (a Saturday roadshow), or its first weekday.
fn event_day(day: NaiveDate, saturday: bool) -> NaiveDate {
    let mut d = day;
    while (d.weekday() == Weekday::Sat) != saturday || (!saturday && d.weekday() == Weekday::Sun) {
        d += Duration::days(1);
    }
    d
}

impl App {
    /// Publishes the demo's events and books their places (the online workshop ends up full,
    /// with one person waiting).
    pub(super) async fn load_demo_events(&self, officer: &Actor) -> AppResult<()> {
        let today = self.today();
        let mut ids = Vec::new();
        for (
            title,
            kind,
            audience,
            days,
            starts,
            ends,
            venue,
            address,
            postcode,
            capacity,
            about,
        ) in EVENTS
        {
            let online = postcode.is_empty();
            let form = EventForm {
                title: title.into(),
                kind: kind.into(),
                audience: audience.into(),
                description: about.into(),
                date: Some(event_day(
                    today + Duration::days(days),
                    kind == "roadshow" && starts == "10am",
                )),
                starts: starts.into(),
                ends: ends.into(),
                format: if online { "online" } else { "in_person" }.into(),
                venue_name: venue.into(),
                address: address.into(),
                postcode: postcode.into(),
                joining: if online {
                    "Microsoft Teams: https://teams.microsoft.com/l/meetup-join/demo (the meeting opens 10 minutes before the start)".into()
                } else {
                    String::new()
                },
                access: if online {
                    vec!["captions".into()]
                } else {
                    vec![
                        "step_free".into(),
                        "accessible_toilet".into(),
                        "hearing_loop".into(),
                        "quiet_space".into(),
                    ]
                },
                access_notes: String::new(),
                capacity: capacity.into(),
                booking_opens: None,
                booking_closes: None,
            };
            ids.push(self.publish_event(officer, &form).await?);
        }
        for (i, (name, email, who, needs, event)) in BOOKINGS.into_iter().enumerate() {
            let form = BookingForm {
                name: name.into(),
                email: email.into(),
                phone: String::new(),
                attendee: who.into(),
                access_needs: needs.into(),
            };
            self.book_event(&ids[event], &form, &format!("demo-{i}"))
                .await?;
        }
        Ok(())
    }
}
