use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_request_needs_the_issues_and_for_each_child_a_reference_and_what_the_school_sees() {
    let problems = Request {
        issues: " ".into(),
        children: vec![
            ChildConcern {
                year_group: "Year 4".into(),
                ..ChildConcern::default()
            },
            ChildConcern::default(),
        ],
        availability: String::new(),
    }
    .checked()
    .unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        fields,
        vec!["issues", "child-0-reference", "child-0-concern"]
    );
}

#[test]
fn a_childs_name_is_refused_unless_a_parent_has_agreed() {
    let mut request = Request {
        issues: "Two pupils in Year 4 are struggling with transitions.".into(),
        children: vec![ChildConcern {
            reference: "Child A".into(),
            year_group: "Year 4".into(),
            concern: "Distressed at transitions between lessons".into(),
            name: "Sam Smith".into(),
            parent_agreed: false,
        }],
        availability: "Tuesday afternoons".into(),
    };
    let problems = request.clone().checked().unwrap_err();
    assert_eq!(problems[0].0, "child-0-name");
    assert!(problems[0].1.contains("Child A"));
    request.children[0].parent_agreed = true;
    assert_eq!(
        request.clone().checked().unwrap().children[0].name,
        "Sam Smith"
    );
    request.children[0].name.clear();
    assert!(!request.checked().unwrap().children[0].parent_agreed);
}

#[test]
fn a_booking_is_from_today_on_with_a_time_a_place_and_a_facilitator() {
    let form = BookingForm {
        date: Some(day(2026, 12, 1)),
        starts: "teatime".into(),
        place: " ".into(),
        facilitators: vec!["astronaut".into()],
        facilitator_names: String::new(),
    };
    let fields: Vec<String> = form
        .parse(day(2026, 12, 7))
        .unwrap_err()
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(fields, vec!["date", "starts", "place", "facilitators"]);
    let ok = BookingForm {
        date: Some(day(2027, 1, 12)),
        starts: "1:30pm".into(),
        place: "The school".into(),
        facilitators: vec!["semh_practitioner".into(), "autism_team".into()],
        facilitator_names: "Jo Bell, Sam Reid".into(),
    }
    .parse(day(2026, 12, 7))
    .unwrap();
    assert_eq!(
        ok.facilitators,
        vec![Facilitator::SemhPractitioner, Facilitator::AutismTeam]
    );
    assert_eq!(ok.starts, NaiveTime::from_hms_opt(13, 30, 0).unwrap());
}

#[test]
fn a_record_needs_who_came_what_was_discussed_a_recommendation_and_whole_follow_ups() {
    let problems = Record::default()
        .checked(
            &[FollowUpForm {
                action: "Visual timetable".into(),
                owner: String::new(),
                due: Some(day(2026, 12, 1)),
            }],
            day(2026, 12, 7),
        )
        .unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "attended",
            "discussed",
            "whole_school",
            "follow-0-owner",
            "follow-0-due"
        ]
    );
    let record = Record {
        attended: "SENCO, class teacher, SEMH practitioner".into(),
        discussed: "Transitions".into(),
        per_child: vec![
            ("Child A".into(), "A now-and-next board".into()),
            ("Child B".into(), " ".into()),
        ],
        ..Record::default()
    }
    .checked(
        &[FollowUpForm {
            action: "Review the board".into(),
            owner: "SENCO".into(),
            due: Some(day(2027, 2, 1)),
        }],
        day(2027, 1, 12),
    )
    .unwrap();
    assert_eq!(record.per_child.len(), 1);
    assert_eq!(record.follow_ups[0].owner, "SENCO");
}

#[test]
fn an_evaluation_scores_usefulness_and_confidence_from_1_to_5() {
    let problems = EvaluationForm {
        useful: "6".into(),
        confident: "".into(),
        recommend: "maybe".into(),
        comments: String::new(),
    }
    .parse()
    .unwrap_err();
    assert_eq!(problems.len(), 3);
    let ok = EvaluationForm {
        useful: "5".into(),
        confident: "4".into(),
        recommend: "yes".into(),
        comments: " Very practical ".into(),
    }
    .parse()
    .unwrap();
    assert_eq!(
        (ok.useful, ok.confident, ok.recommend, ok.comments.as_str()),
        (5, 4, true, "Very practical")
    );
}

#[test]
fn the_median_is_the_middle_value() {
    assert_eq!(median(&mut [9, 1, 5]), Some(5));
    assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
    assert_eq!(median(&mut []), None);
}
