//! The start page and the footer's fixed pages.

use super::{Chrome, render};
use crate::AppState;
use crate::auth::MaybeSession;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    chrome: Chrome,
}

/// `GET /`: what the service is, and a way in. Signed-in users go to their home page.
pub async fn show(State(state): State<AppState>, MaybeSession(session): MaybeSession) -> Response {
    if session.as_ref().is_some_and(|s| !s.needs_code) {
        return Redirect::to("/home").into_response();
    }
    render(&StartPage {
        chrome: Chrome::new(&state, None, "/"),
    })
}

#[derive(Template)]
#[template(path = "info.html")]
struct InfoPage {
    chrome: Chrome,
    heading: &'static str,
    paragraphs: Vec<String>,
}

/// `GET /accessibility`: the accessibility statement.
pub async fn accessibility(State(state): State<AppState>) -> Response {
    render(&InfoPage {
        chrome: Chrome::new(&state, None, "/accessibility"),
        heading: "Accessibility statement",
        paragraphs: vec![
            format!("{} wants as many people as possible to be able to use this service. It is built to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.", state.app.settings.council_name),
            "Every page works without JavaScript, can be used with a keyboard alone, at 320 pixels wide, and zoomed to 400%.".into(),
            "If you find a problem, or need information in a different format, contact the Medical Needs Coordinator.".into(),
        ],
    })
}

/// `GET /privacy`: the privacy notice.
pub async fn privacy(State(state): State<AppState>) -> Response {
    render(&InfoPage {
        chrome: Chrome::new(&state, None, "/privacy"),
        heading: "Privacy notice",
        paragraphs: vec![
            format!("{} uses the information in this service to carry out its duty to arrange suitable education for children who cannot attend school because of their health (Section 19, Education Act 1996).", state.app.settings.council_name),
            "Health information is special category data. Only the people who need to see a child's record can see it, and every time anyone views or changes it, that is recorded.".into(),
            "Records are kept until the child's 25th birthday, then destroyed or anonymised.".into(),
            "Attendance of every pupil in the county. Schools share pupils' daily attendance with the Department for Education and the council (section 537A of the Education Act 1996 and the Education (Information About Individual Pupils) (England) Regulations 2013). The council uses it to find children who may be missing school through illness before anyone has referred them, so that it can offer help early. Our lawful basis is that this is a task in the public interest (UK GDPR Article 6(1)(e)), the council's duty under Section 19 of the Education Act 1996; for health information, it is necessary for reasons of substantial public interest under a statutory purpose (Article 9(2)(g) and the Data Protection Act 2018, Schedule 1, paragraph 6).".into(),
            "From the attendance we keep figures for each pupil for the school year (days of illness absence, the longest run of it, medical appointments, the attendance rate, and sessions of part-time timetable and of council-arranged education), not the daily marks. Names are kept only for pupils the rules raise an alert about. The figures are deleted on 31 August after the end of the following school year; an alert that led to an assessment or a referral is kept with the child's record.".into(),
            "An alert asks a person to look; it never decides anything about a child. Only the Medical Needs Service's coordinator and caseworkers, and the pupil's own school, can see a pupil's figures and alerts, and every import and every view is recorded.".into(),
            "Booking a place at a SEND Local Offer event. The council's Local Offer team uses the name, email address, phone number and access needs you give only to run that event: to confirm your place, remind you, tell you of changes and give you a place from the waiting list. Only the Local Offer team sees them. They are erased a year after the event; how many people came is kept.".into(),
        ],
    })
}
