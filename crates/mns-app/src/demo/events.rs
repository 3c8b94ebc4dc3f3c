//! The demo's Local Offer events (issue 19): two family roadshows, the termly SEND forum for
//! professionals in Norwich, and an online workshop that is full with a waiting list, each
//! with believable bookings.

use crate::directory::GatheredFeedback;
use crate::{Actor, App, AppResult};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use mns_domain::directory::feedback::ModerationForm;
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

fn publish(theme: &str, you_said: &str, we_did: &str, status: &str) -> ModerationForm {
    ModerationForm {
        decision: "publish".into(),
        theme: theme.into(),
        you_said: you_said.into(),
        we_did: we_did.into(),
        action_status: status.into(),
        withheld_reason: String::new(),
    }
}

/// (source, event index, comment, the officer's decision)
type DemoFeedback = (
    &'static str,
    Option<usize>,
    &'static str,
    Option<ModerationForm>,
);

const FEEDBACK_COUNT: usize = 5;

/// The demo's comments.
static FEEDBACK: std::sync::LazyLock<[DemoFeedback; FEEDBACK_COUNT]> = std::sync::LazyLock::new(
    || {
        [
            (
                "website",
                None,
                "It took me weeks to find out which short breaks my son could have. The information is spread over too many pages.",
                Some(publish(
                    "social_care",
                    "Information about short breaks was hard to find and spread over too many pages.",
                    "We have brought short breaks together on one Local Offer page, with who can have each and how to ask, and linked it from the search for short breaks.",
                    "done",
                )),
            ),
            (
                "event",
                Some(0),
                "Could you run roadshows in the west of the county too? Great Yarmouth is a long way from us.",
                Some(publish(
                    "communication",
                    "Families in the west of the county asked for roadshows nearer to them.",
                    "We have added an after-school roadshow in King's Lynn this term and will plan next year's roadshows with Family Voice Norfolk.",
                    "planned",
                )),
            ),
            (
                "event",
                Some(0),
                "Nobody explained what happens with college at 16. We need this earlier than Year 11.",
                Some(publish(
                    "adulthood",
                    "Families need to hear about post-16 options well before Year 11.",
                    "We are running an online preparing-for-adulthood session for parents of children in Years 8 and 9, and adding a page about post-16 choices to the Local Offer.",
                    "in_progress",
                )),
            ),
            (
                "other",
                None,
                "My daughter's annual review is three months late and no one answers my emails.",
                Some(ModerationForm {
                    decision: "withhold".into(),
                    theme: "education".into(),
                    withheld_reason: "individual_complaint".into(),
                    ..ModerationForm::default()
                }),
            ),
            (
                "website",
                None,
                "Searching for dyspraxia found nothing useful, even though the occupational therapy service helps with it.",
                None,
            ),
        ]
    },
);

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
        self.load_demo_feedback(officer, &ids).await
    }

    /// "You said, we did": comments from the website, a roadshow and a service's page, most
    /// published with the council's answer, one withheld as an individual complaint and one
    /// waiting to be moderated.
    async fn load_demo_feedback(&self, officer: &Actor, events: &[String]) -> AppResult<()> {
        // The comment left on a service's page (in the directory's demo) was about details.
        let mut answers: Vec<(String, ModerationForm)> = Vec::new();
        if let Some(f) = self.store.directory_feedback(None).await?.first() {
            answers.push((
                f.id.clone(),
                publish(
                    "accurate_information",
                    "Phone numbers and opening times on some entries were out of date.",
                    "We now email every provider when their entry has not been checked for a year, and list entries not checked on our own dashboard until they are.",
                    "done",
                ),
            ));
        }
        for (source, event, comment, answer) in FEEDBACK.iter().cloned() {
            let id = if source == "website" {
                self.leave_local_offer_feedback(comment, None).await?;
                self.store
                    .directory_feedback(None)
                    .await?
                    .into_iter()
                    .find(|f| f.comment == comment)
                    .map(|f| f.id)
                    .unwrap_or_default()
            } else {
                self.record_feedback(
                    officer,
                    &GatheredFeedback {
                        source: source.into(),
                        event_id: event.map(|i| events[i].clone()).unwrap_or_default(),
                        comment: comment.into(),
                    },
                )
                .await?
            };
            if let Some(form) = answer {
                answers.push((id, form));
            }
        }
        for (id, form) in answers {
            self.moderate_feedback(officer, &id, &form).await?;
        }
        Ok(())
    }
}
