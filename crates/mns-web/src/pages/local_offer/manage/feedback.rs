//! Families' feedback for the council (`/local-offer/manage/feedback`) and "You said, we did"
//! (issue 19): the list, marking an item read, recording a comment gathered in person,
//! moderating one (publish with the council's answer, or withhold with the reason), and the
//! year's report.

use super::chrome;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again};
use crate::pages::reports::download;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::directory::GatheredFeedback;
use mns_app::records::FeedbackRecord;
use mns_app::reports::ExportFormat;
use mns_app::{AppError, FieldError};
use mns_domain::calendar::format_uk_datetime;
use mns_domain::directory::feedback::{
    ActionStatus, FeedbackSource, ModerationForm, Theme, WithheldReason,
};

fn when(stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored)
        .map(|t| format_uk_datetime(t.with_timezone(&chrono::Utc)))
        .unwrap_or_default()
}

/// A line of the list.
pub struct FeedbackLine {
    id: String,
    about: String,
    comment: String,
    received: String,
    new: bool,
    moderation: &'static str,
}

#[derive(Template)]
#[template(path = "local_offer_feedback.html")]
struct FeedbackPage {
    chrome: Chrome,
    form: FormState,
    items: Vec<FeedbackLine>,
    year: String,
    done: &'static str,
}

async fn list_page(
    state: &AppState,
    user: &SignedIn,
    done: &'static str,
    errors: Vec<FieldError>,
) -> PageResult {
    let items = state.app.directory_feedback(&user.actor).await?;
    let form = FormState::with(errors);
    Ok(render(&FeedbackPage {
        chrome: chrome(state, user, "/local-offer/manage/feedback").with_errors(&form),
        form,
        items: items
            .into_iter()
            .map(|(f, about)| FeedbackLine {
                moderation: match f.moderation.as_str() {
                    "published" => "Published",
                    "withheld" => "Not published",
                    _ => "To moderate",
                },
                new: f.status == "new",
                received: when(&f.created_at),
                id: f.id,
                about,
                comment: f.comment,
            })
            .collect(),
        year: state.app.today().format("%Y").to_string(),
        done,
    }))
}

/// `GET /local-offer/manage/feedback`: what families have said.
pub async fn feedback(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let done = match Fields::from_query(raw.as_deref()).text("done") {
        "recorded" => "The comment is recorded. Moderate it when you are ready.",
        "moderated" => "Saved",
        _ => "",
    };
    list_page(&state, &user, done, Vec::new()).await
}

/// `POST /local-offer/manage/feedback/{id}/read`: marks it read.
pub async fn feedback_read(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    state
        .app
        .mark_directory_feedback_read(&user.actor, &id)
        .await?;
    Ok(Redirect::to("/local-offer/manage/feedback").into_response())
}

#[derive(Template)]
#[template(path = "local_offer_feedback_item.html")]
struct ItemPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    item: FeedbackRecord,
    about: String,
    received: String,
    decisions: Vec<(&'static str, &'static str)>,
    themes: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
}

async fn item_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Option<Fields>,
    errors: Vec<FieldError>,
) -> PageResult {
    let (item, about) = state.app.feedback_for_moderation(&user.actor, id).await?;
    let values = values.unwrap_or_else(|| {
        let mut v = Fields::default();
        let decision = match item.moderation.as_str() {
            "published" => "publish",
            "withheld" => "withhold",
            _ => "",
        };
        v.put("decision", decision);
        v.put("theme", item.theme.map(Theme::as_str).unwrap_or_default());
        v.put(
            "you_said",
            item.you_said
                .clone()
                .unwrap_or_else(|| item.comment.clone()),
        );
        v.put("we_did", item.we_did.clone().unwrap_or_default());
        v.put(
            "action_status",
            item.action_status
                .map(ActionStatus::as_str)
                .unwrap_or_default(),
        );
        v.put(
            "withheld_reason",
            item.withheld_reason
                .map(WithheldReason::as_str)
                .unwrap_or_default(),
        );
        v
    });
    let form = FormState::with(errors);
    Ok(render(&ItemPage {
        chrome: chrome(state, user, "/local-offer/manage/feedback").with_errors(&form),
        form,
        values,
        received: when(&item.created_at),
        item,
        about,
        decisions: vec![
            ("publish", "Publish it, with our answer"),
            ("withhold", "Do not publish it"),
        ],
        themes: Theme::ALL.iter().map(|t| (t.as_str(), t.label())).collect(),
        statuses: ActionStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        reasons: WithheldReason::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
    }))
}

/// `GET /local-offer/manage/feedback/{id}`: the comment and the moderation form.
pub async fn item(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    item_page(&state, &user, &id, None, Vec::new()).await
}

/// `POST /local-offer/manage/feedback/{id}`: publishes it with the answer, or withholds it.
pub async fn moderate(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let form = ModerationForm {
        decision: values.text("decision").into(),
        theme: values.text("theme").into(),
        you_said: values.text("you_said").into(),
        we_did: values.text("we_did").into(),
        action_status: values.text("action_status").into(),
        withheld_reason: values.text("withheld_reason").into(),
    };
    let result = state.app.moderate_feedback(&user.actor, &id, &form).await;
    redirect_or_show_again(
        result,
        |()| "/local-offer/manage/feedback?done=moderated".into(),
        |errors| item_page(&state, &user, &id, Some(values.clone()), errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "local_offer_feedback_new.html")]
struct NewPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    sources: Vec<(&'static str, &'static str)>,
    events: Vec<(String, String)>,
}

async fn new_page(
    state: &AppState,
    user: &SignedIn,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let events = state
        .app
        .organiser_events(&user.actor)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id.clone(),
                format!("{} ({})", r.event.title, r.event.when()),
            )
        })
        .collect();
    let form = FormState::with(errors);
    Ok(render(&NewPage {
        chrome: chrome(state, user, "/local-offer/manage/feedback").with_errors(&form),
        form,
        values,
        sources: [
            FeedbackSource::Event,
            FeedbackSource::Consultation,
            FeedbackSource::Other,
        ]
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect(),
        events,
    }))
}

/// `GET /local-offer/manage/feedback/new`: the form for a comment gathered in person.
pub async fn new_feedback(State(state): State<AppState>, user: SignedIn) -> PageResult {
    new_page(&state, &user, Fields::default(), Vec::new()).await
}

/// `POST /local-offer/manage/feedback/new`: records it.
pub async fn record(State(state): State<AppState>, user: SignedIn, values: Fields) -> PageResult {
    let form = GatheredFeedback {
        source: values.text("source").into(),
        event_id: values.text("event_id").into(),
        comment: values.text("comment").into(),
    };
    let result = state.app.record_feedback(&user.actor, &form).await;
    redirect_or_show_again(
        result,
        |_| "/local-offer/manage/feedback?done=recorded".into(),
        |errors| new_page(&state, &user, values.clone(), errors),
    )
    .await
}

async fn report(
    state: &AppState,
    user: &SignedIn,
    raw: Option<String>,
    format: ExportFormat,
) -> PageResult {
    let year = Fields::from_query(raw.as_deref()).text("year").to_string();
    match state.app.feedback_report(&user.actor, &year, format).await {
        Ok((name, bytes)) => Ok(download(format, &name, bytes)),
        Err(AppError::Invalid(errors)) => Ok(crate::form::with_status_422(
            list_page(state, user, "", errors).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

/// `GET /local-offer/manage/feedback/report.csv?year=`: the year's report as CSV.
pub async fn report_csv(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(raw): RawQuery,
) -> PageResult {
    report(&state, &user, raw, ExportFormat::Csv).await
}

/// `GET /local-offer/manage/feedback/report.ods?year=`: the year's report as a spreadsheet.
pub async fn report_ods(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(raw): RawQuery,
) -> PageResult {
    report(&state, &user, raw, ExportFormat::Ods).await
}
