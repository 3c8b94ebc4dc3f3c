//! Core Consultations (issue 19): the list (a school's own; every one with the figures for the
//! SEND team), asking for one, its page, and booking, recording and evaluating it.

use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again};
use crate::pages::{Chrome, FormState, PageResult, render};
use crate::route;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::Method;
use axum::routing::{get, post};
use mns_app::FieldError;
use mns_app::consultations::{ConsultationFigures, Demand};
use mns_app::records::ConsultationRecord;
use mns_domain::calendar::format_uk_datetime;
use mns_domain::consultations::{
    BookingForm, ChildConcern, EvaluationForm, Facilitator, FollowUpForm, MAX_CHILDREN, Record,
    Request, Strand,
};
use mns_domain::events::clock;
use mns_domain::identity::Role;
use mns_domain::permissions::Capability;

/// Core Consultations' routes.
pub fn routes() -> Vec<crate::Route> {
    vec![
        route(Method::GET, "/consultations", get(list)),
        route(Method::GET, "/consultations/new", get(new_form)),
        route(Method::POST, "/consultations/new", post(ask)),
        route(Method::GET, "/consultations/{id}", get(show)),
        route(
            Method::GET,
            "/consultations/{id}/schedule",
            get(schedule_form),
        ),
        route(Method::POST, "/consultations/{id}/schedule", post(schedule)),
        route(Method::GET, "/consultations/{id}/record", get(record_form)),
        route(Method::POST, "/consultations/{id}/record", post(record)),
        route(Method::GET, "/consultations/{id}/cancel", get(cancel_form)),
        route(Method::POST, "/consultations/{id}/cancel", post(cancel)),
        route(
            Method::GET,
            "/consultations/{id}/evaluation",
            get(evaluation_form),
        ),
        route(
            Method::POST,
            "/consultations/{id}/evaluation",
            post(evaluate),
        ),
    ]
}

/// A line of the list.
pub struct Line {
    id: String,
    school: String,
    strand: &'static str,
    status: &'static str,
    asked: String,
    when: String,
}

fn status_label(c: &ConsultationRecord) -> &'static str {
    match c.status.as_str() {
        "requested" => "Waiting to be booked",
        "scheduled" => "Booked",
        "held" if c.evaluation.is_none() => "Held: evaluation due",
        "held" => "Held",
        _ => "Cancelled",
    }
}

fn booked_when(c: &ConsultationRecord) -> String {
    c.booking
        .as_ref()
        .map(|b| format!("{} at {}", b.date.format("%-d %B %Y"), clock(b.starts)))
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "consultations.html")]
struct ListPage {
    chrome: Chrome,
    team: bool,
    lines: Vec<Line>,
    figures: Option<ConsultationFigures>,
    done: &'static str,
}

async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let all = state.app.consultations(&user.actor).await?;
    let team = user.actor.may(Capability::ManageConsultations);
    let figures = if team {
        Some(state.app.consultation_figures(&user.actor).await?)
    } else {
        None
    };
    let done = match Fields::from_query(raw.as_deref()).text("done") {
        "asked" => "Your request is with the SEND team. They will contact you to book it.",
        _ => "",
    };
    Ok(render(&ListPage {
        chrome: Chrome::signed_in(&state, &user, "/consultations"),
        team,
        lines: all
            .iter()
            .map(|c| Line {
                id: c.id.clone(),
                school: c.school_name.clone(),
                strand: c.strand.label(),
                status: status_label(c),
                asked: c.requested_at.format("%-d %B %Y").to_string(),
                when: booked_when(c),
            })
            .collect(),
        figures,
        done,
    }))
}

/// Demand figures as table rows.
pub fn demand_rows(d: &[Demand]) -> Vec<(String, usize, usize, usize)> {
    d.iter()
        .map(|d| (d.name.clone(), d.waiting, d.scheduled, d.held))
        .collect()
}

#[derive(Template)]
#[template(path = "consultation_new.html")]
struct NewPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    team: bool,
    strands: Vec<(&'static str, &'static str)>,
    rows: Vec<usize>,
}

fn new_page(
    state: &AppState,
    user: &SignedIn,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    user.actor.require(Capability::RequestConsultation)?;
    let form = FormState::with(errors);
    Ok(render(&NewPage {
        chrome: Chrome::signed_in(state, user, "/consultations").with_errors(&form),
        form,
        values,
        team: user.actor.role() == Role::SendTeam,
        strands: Strand::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        rows: (0..4).collect(),
    }))
}

async fn new_form(State(state): State<AppState>, user: SignedIn) -> PageResult {
    new_page(&state, &user, Fields::default(), Vec::new())
}

async fn ask(State(state): State<AppState>, user: SignedIn, values: Fields) -> PageResult {
    let children = (0..MAX_CHILDREN)
        .map(|i| ChildConcern {
            reference: values.text(&format!("child-{i}-reference")).into(),
            year_group: values.text(&format!("child-{i}-year")).into(),
            concern: values.text(&format!("child-{i}-concern")).into(),
            name: values.text(&format!("child-{i}-name")).into(),
            parent_agreed: values.has(&format!("child-{i}-agreed"), "yes"),
        })
        .collect();
    let request = Request {
        issues: values.text("issues").into(),
        children,
        availability: values.text("availability").into(),
    };
    let result = state
        .app
        .request_consultation(
            &user.actor,
            values.text("urn"),
            values.text("strand"),
            request,
        )
        .await;
    redirect_or_show_again(
        result,
        |_| "/consultations?done=asked".into(),
        |errors| async { new_page(&state, &user, values.clone(), errors) },
    )
    .await
}

#[derive(Template)]
#[template(path = "consultation.html")]
struct ShowPage {
    chrome: Chrome,
    c: ConsultationRecord,
    status: &'static str,
    when: String,
    facilitators: String,
    signposted: Vec<(String, String)>,
    team: bool,
    may_evaluate: bool,
    recorded: String,
    done: &'static str,
}

async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let c = state.app.consultation(&user.actor, &id).await?;
    let mut signposted = Vec::new();
    if let Some(r) = &c.record {
        let services = state.app.directory_services(&r.signposted).await?;
        signposted = services.into_iter().map(|s| (s.id, s.name)).collect();
    }
    let done = match Fields::from_query(raw.as_deref()).text("done") {
        "booked" => "The consultation is booked and the school has been told",
        "recorded" => "The consultation is recorded and the school has been asked to evaluate it",
        "evaluated" => "Thank you: your evaluation is saved",
        "cancelled" => "The consultation is cancelled and the other side has been told",
        _ => "",
    };
    Ok(render(&ShowPage {
        chrome: Chrome::signed_in(&state, &user, "/consultations"),
        status: status_label(&c),
        when: booked_when(&c),
        facilitators: c
            .booking
            .as_ref()
            .map(|b| {
                let kinds: Vec<&str> = b.facilitators.iter().map(|f| f.label()).collect();
                let mut text = kinds.join(", ");
                if !b.facilitator_names.is_empty() {
                    text.push_str(&format!(" ({})", b.facilitator_names));
                }
                text
            })
            .unwrap_or_default(),
        signposted,
        team: user.actor.may(Capability::ManageConsultations),
        may_evaluate: user.actor.role() == Role::School
            && c.status == "held"
            && c.evaluation.is_none(),
        recorded: c.recorded_at.map(format_uk_datetime).unwrap_or_default(),
        done,
        c,
    }))
}

#[derive(Template)]
#[template(path = "consultation_schedule.html")]
struct SchedulePage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    c: ConsultationRecord,
    facilitators: Vec<(&'static str, &'static str)>,
}

async fn schedule_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Option<Fields>,
    errors: Vec<FieldError>,
) -> PageResult {
    user.actor.require(Capability::ManageConsultations)?;
    let c = state.app.consultation(&user.actor, id).await?;
    let values = values.unwrap_or_else(|| {
        let mut v = Fields::default();
        if let Some(b) = &c.booking {
            v.put_date("date", Some(b.date));
            v.put("starts", b.starts.format("%H:%M").to_string());
            v.put("place", b.place.clone());
            v.put("facilitator_names", b.facilitator_names.clone());
            for f in &b.facilitators {
                v.put("facilitators", f.as_str());
            }
        } else {
            v.put("place", c.school_name.clone());
        }
        v
    });
    let form = FormState::with(errors);
    Ok(render(&SchedulePage {
        chrome: Chrome::signed_in(state, user, "/consultations").with_errors(&form),
        form,
        values,
        c,
        facilitators: Facilitator::ALL
            .iter()
            .map(|f| (f.as_str(), f.label()))
            .collect(),
    }))
}

async fn schedule_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    schedule_page(&state, &user, &id, None, Vec::new()).await
}

async fn schedule(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let mut errors = Vec::new();
    let form = BookingForm {
        date: values.date("date", "The day", &mut errors),
        starts: values.text("starts").into(),
        place: values.text("place").into(),
        facilitators: values
            .all("facilitators")
            .into_iter()
            .map(String::from)
            .collect(),
        facilitator_names: values.text("facilitator_names").into(),
    };
    let result = state
        .app
        .schedule_consultation(&user.actor, &id, &form)
        .await;
    let result = crate::form::with_own_problems(result, errors);
    redirect_or_show_again(
        result,
        |()| format!("/consultations/{id}?done=booked"),
        |errors| schedule_page(&state, &user, &id, Some(values.clone()), errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "consultation_record.html")]
struct RecordPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    c: ConsultationRecord,
    follow_rows: Vec<usize>,
}

async fn record_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    user.actor.require(Capability::ManageConsultations)?;
    let c = state.app.consultation(&user.actor, id).await?;
    let form = FormState::with(errors);
    Ok(render(&RecordPage {
        chrome: Chrome::signed_in(state, user, "/consultations").with_errors(&form),
        form,
        values,
        c,
        follow_rows: (0..3).collect(),
    }))
}

async fn record_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    record_page(&state, &user, &id, Fields::default(), Vec::new()).await
}

async fn record(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let mut errors = Vec::new();
    let follow_ups: Vec<FollowUpForm> = (0..3)
        .map(|i| FollowUpForm {
            action: values.text(&format!("follow-{i}-action")).into(),
            owner: values.text(&format!("follow-{i}-owner")).into(),
            due: values.date(
                &format!("follow-{i}-due"),
                &format!("Follow-up {}'s day", i + 1),
                &mut errors,
            ),
        })
        .collect();
    let per_child = (0..MAX_CHILDREN)
        .filter_map(|i| {
            let text = values.get(&format!("child-{i}-recommendation"))?;
            Some((
                values.text(&format!("child-{i}-reference")).to_string(),
                text.to_string(),
            ))
        })
        .collect();
    let record = Record {
        attended: values.text("attended").into(),
        discussed: values.text("discussed").into(),
        whole_school: values.text("whole_school").into(),
        per_child,
        signposted: values
            .text("signposted")
            .lines()
            .map(String::from)
            .collect(),
        follow_ups: Vec::new(),
    };
    let result = state
        .app
        .record_consultation(&user.actor, &id, record, &follow_ups)
        .await;
    let result = crate::form::with_own_problems(result, errors);
    redirect_or_show_again(
        result,
        |()| format!("/consultations/{id}?done=recorded"),
        |errors| record_page(&state, &user, &id, values.clone(), errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "consultation_evaluation.html")]
struct EvaluationPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    c: ConsultationRecord,
    scale: Vec<(&'static str, &'static str)>,
    yes_no: Vec<(&'static str, &'static str)>,
}

async fn evaluation_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    if user.actor.role() != Role::School {
        return Err(mns_app::AppError::NotFound.into());
    }
    let c = state.app.consultation(&user.actor, id).await?;
    let form = FormState::with(errors);
    Ok(render(&EvaluationPage {
        chrome: Chrome::signed_in(state, user, "/consultations").with_errors(&form),
        form,
        values,
        c,
        scale: vec![
            ("1", "1: not at all"),
            ("2", "2"),
            ("3", "3"),
            ("4", "4"),
            ("5", "5: very"),
        ],
        yes_no: vec![("yes", "Yes"), ("no", "No")],
    }))
}

async fn evaluation_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    evaluation_page(&state, &user, &id, Fields::default(), Vec::new()).await
}

async fn evaluate(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let form = EvaluationForm {
        useful: values.text("useful").into(),
        confident: values.text("confident").into(),
        recommend: values.text("recommend").into(),
        comments: values.text("comments").into(),
    };
    let result = state
        .app
        .evaluate_consultation(&user.actor, &id, &form)
        .await;
    redirect_or_show_again(
        result,
        |()| format!("/consultations/{id}?done=evaluated"),
        |errors| evaluation_page(&state, &user, &id, values.clone(), errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "consultation_cancel.html")]
struct CancelPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    c: ConsultationRecord,
    team: bool,
}

async fn cancel_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let c = state.app.consultation(&user.actor, id).await?;
    let form = FormState::with(errors);
    Ok(render(&CancelPage {
        chrome: Chrome::signed_in(state, user, "/consultations").with_errors(&form),
        form,
        values,
        team: user.actor.role() == Role::SendTeam,
        c,
    }))
}

async fn cancel_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    cancel_page(&state, &user, &id, Fields::default(), Vec::new()).await
}

async fn cancel(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let result = state
        .app
        .cancel_consultation(&user.actor, &id, values.text("reason"))
        .await;
    redirect_or_show_again(
        result,
        |()| format!("/consultations/{id}?done=cancelled"),
        |errors| cancel_page(&state, &user, &id, values.clone(), errors),
    )
    .await
}
