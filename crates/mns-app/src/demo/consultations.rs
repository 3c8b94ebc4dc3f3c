//! The demo's Core Consultations (issue 19): a held and evaluated one at Wensum Valley with
//! another waiting to be booked, one booked at Yare Bank, one held at Broadland High awaiting
//! its evaluation, and requests from Fenland Edge and Heathside. Past ones are written with
//! their own dates (the operations only book from today on).

use crate::{Actor, App, AppResult};
use chrono::{Duration, NaiveTime};
use mns_domain::consultations::{
    Booking, ChildConcern, Evaluation, Facilitator, FollowUp, Record, Request, Strand,
};
use mns_store::new_id;

fn child(reference: &str, year: &str, concern: &str) -> ChildConcern {
    ChildConcern {
        reference: reference.into(),
        year_group: year.into(),
        concern: concern.into(),
        ..ChildConcern::default()
    }
}

/// (urn, strand, asked days ago, booked for days from today, held, evaluated, request)
type DemoConsultation = (
    &'static str,
    Strand,
    i64,
    Option<i64>,
    bool,
    Option<Evaluation>,
    Request,
);

impl App {
    /// The demo's consultations, asked for by the schools' demo users (`schools[i]` is the
    /// user of URN 12100{i+1} where there is one) and worked by the SEND team.
    pub(super) async fn load_demo_consultations(
        &self,
        send: &Actor,
        school: &Actor,
    ) -> AppResult<()> {
        let now = self.now();
        let today = self.today();
        let at = |days: i64| now - Duration::days(days);
        let requests: Vec<DemoConsultation> = vec![
            (
                "121001",
                Strand::Mainstream,
                40,
                Some(-18),
                true,
                Some(Evaluation {
                    useful: 5,
                    confident: 4,
                    recommend: true,
                    comments: "Practical ideas we could use the next day.".into(),
                }),
                Request {
                    issues: "Two pupils find the move between lessons very hard, and we would like ideas for supporting reading in Key Stage 2.".into(),
                    children: vec![
                        child("Child A", "Year 3", "Distressed at transitions; leaves the classroom several times a day."),
                        child("Child B", "Year 5", "Reading age about three years below; avoids reading aloud."),
                    ],
                    availability: "Tuesday or Thursday afternoons".into(),
                },
            ),
            (
                "121003",
                Strand::Plus,
                70,
                Some(-45),
                true,
                None,
                Request {
                    issues: "A Year 9 pupil with autism is not coping with the noise of the canteen and corridors; attendance is falling.".into(),
                    children: vec![child("Pupil 1", "Year 9", "Anxious in crowded spaces; attendance 78% this term.")],
                    availability: "Any morning".into(),
                },
            ),
            (
                "121002",
                Strand::Plus,
                21,
                Some(9),
                false,
                None,
                Request {
                    issues: "Several Year 7 pupils with social, emotional and mental health needs are struggling since starting secondary school.".into(),
                    children: vec![
                        child("Student X", "Year 7", "Withdrawn; has stopped attending clubs."),
                        child("Student Y", "Year 7", "Frequent conflict at break times."),
                    ],
                    availability: "Wednesdays".into(),
                },
            ),
            (
                "121004",
                Strand::Mainstream,
                12,
                None,
                false,
                None,
                Request {
                    issues: "How to adapt phonics teaching for a pupil with a speech and language need.".into(),
                    children: vec![child("Child C", "Year 4", "Difficulty blending sounds; speech is hard to understand.")],
                    availability: String::new(),
                },
            ),
            (
                "121005",
                Strand::Special,
                30,
                None,
                false,
                None,
                Request {
                    issues: "Planning for two students preparing to move to college next year.".into(),
                    children: Vec::new(),
                    availability: "Friday mornings".into(),
                },
            ),
        ];
        for (urn, strand, asked, booked, held, evaluation, request) in requests {
            let id = new_id();
            let by = if urn == "121001" {
                &school.user.id
            } else {
                &send.user.id
            };
            let mut tx = self.store.begin().await?;
            tx.insert_consultation(&id, urn, strand, &request, by, at(asked))
                .await?;
            if let Some(days) = booked {
                let booking = Booking {
                    date: today + Duration::days(days),
                    starts: NaiveTime::from_hms_opt(13, 30, 0).unwrap_or_default(),
                    place: if urn == "121003" {
                        "Online".into()
                    } else {
                        "At the school".into()
                    },
                    facilitators: match strand {
                        Strand::Mainstream => vec![Facilitator::LearningSupportTeacher],
                        _ => vec![
                            Facilitator::SemhPractitioner,
                            Facilitator::AutismTeam,
                            Facilitator::EducationalPsychologist,
                        ],
                    },
                    facilitator_names: "Jo Bell, Sam Reid".into(),
                };
                tx.schedule_consultation(&id, &booking).await?;
                if held {
                    let per_child = request
                        .children
                        .iter()
                        .map(|c| (c.reference.clone(), format!("A visual now-and-next board and a named adult at transitions for {}.", c.reference)))
                        .collect();
                    let record = Record {
                        attended: "SENCO, class teachers, specialist facilitators".into(),
                        discussed: "What the school has tried, what it sees, and what to try next.".into(),
                        whole_school: "Quiet spaces at lunchtime; a whole-staff briefing on regulation strategies.".into(),
                        per_child,
                        signposted: Vec::new(),
                        follow_ups: vec![FollowUp {
                            action: "Review the strategies with the SENCO".into(),
                            owner: "Specialist learning support teacher".into(),
                            due: booking.date + Duration::days(42),
                        }],
                    };
                    tx.record_consultation(&id, &record, at(-days)).await?;
                    if let Some(e) = &evaluation {
                        tx.evaluate_consultation(&id, e, at(-days - 3)).await?;
                    }
                }
            }
            tx.commit().await?;
        }
        // And one Wensum Valley has just asked for, through the service.
        self.request_consultation(
            school,
            "",
            "plus",
            Request {
                issues: "A Year 6 pupil's anxiety about moving to secondary school is affecting their attendance.".into(),
                children: vec![child("Child D", "Year 6", "Attendance 85% this term; anxious on Monday mornings.")],
                availability: "After 2pm any day".into(),
            },
        )
        .await?;
        Ok(())
    }
}
