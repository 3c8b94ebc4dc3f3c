//! The school's referral journey, in the GOV.UK patterns: a task list of the form's sections,
//! a question page for each section ("Save and continue"), "Check your answers" with every
//! problem in an error summary, and submission (MN-REF-1 to MN-REF-5, MN-CHK-1, MN-CHK-2,
//! MN-EV-1 to MN-EV-7, MN-ABS-2, MN-ELIG-8). Every page works without JavaScript.
//!
//! A draft may be incomplete: a section's page saves whatever was answered through
//! `App::save_referral`, and identifiers are kept as typed, valid or not. Only a date (or a
//! number) that cannot be read is refused, on its page, with what was typed shown again.
//! Whether a section is complete, and what is left to do, always comes from
//! `App::submission_problems` (the form's `Referral::submission_problems`, with the attendance
//! export), the same list that `App::submit_referral` checks, in the order of the form. The task
//! list shows the files too: the attendance export submission needs (MN-REF-4) and the letters.
//! Yes/no questions start unanswered, and follow-up questions use the GOV.UK conditional reveal
//! (`referral_form_question.html`). A draft never sent can be deleted (`delete.rs`).
//!
//! Only a school user edits a referral, and only while it is a draft or sent back with
//! questions; anyone else gets the same 404 as for a referral that does not exist, and a
//! referral the school can no longer change opens at its own page, `/referrals/{id}`.

mod answers;
mod checklist;
mod consent;
mod delete;
pub(crate) mod evidence;
mod health_need;
mod pupil;
pub(crate) mod questions;
mod school;
mod sections;
mod support;

pub use sections::Section;

use super::{Chrome, FormState, PageResult, render};
use crate::auth::SignedIn;
use crate::errors::PageError;
use crate::form::{Fields, redirect_or_show_again, with_status_422};
use crate::{AppState, Route};
use answers::Row;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use evidence::{Action, EvidenceCard};
use mns_app::FieldError;
use mns_app::referrals::{ReferralFiles, ReferralView, Status};
use mns_domain::referral::{ATTENDANCE_EXPORT, FieldProblem, Referral, ReferralAction};
use questions::{Group, Question, keep_all};

/// The journey's routes: the task list, each section's page (GET shows it, POST saves it),
/// "Check your answers" and submission.
pub fn routes() -> Vec<Route> {
    let route = |method: Method, path: &'static str, handler| Route {
        method,
        path,
        handler,
    };
    let mut routes = vec![
        route(Method::GET, "/referrals/{id}/form", get(task_list)),
        route(
            Method::GET,
            "/referrals/{id}/check-answers",
            get(check_answers),
        ),
        route(Method::POST, "/referrals/{id}/submit", post(submit)),
        route(Method::GET, "/referrals/{id}/delete", get(delete::confirm)),
        route(Method::POST, "/referrals/{id}/delete", post(delete::delete)),
    ];
    // A route per section rather than `/form/{section}`: the router answers 404 for a section
    // that does not exist, and the authorisation matrix walks every page.
    for section in Section::ALL {
        routes.push(route(
            Method::GET,
            section.route_path(),
            get(
                move |state: State<AppState>,
                      user: SignedIn,
                      Path(id): Path<String>,
                      RawQuery(query): RawQuery| {
                    show_section(
                        state,
                        user,
                        id,
                        Fields::from_query(query.as_deref()),
                        section,
                    )
                },
            ),
        ));
        routes.push(route(
            Method::POST,
            section.route_path(),
            post(
                move |state: State<AppState>,
                      user: SignedIn,
                      Path(id): Path<String>,
                      fields: Fields| {
                    save_section(state, user, id, fields, section)
                },
            ),
        ));
    }
    routes
}

/// The referral if the school may still change it; `None` if it may not (it has been
/// submitted, or decided). Anyone but a school user gets `NotFound`.
async fn editable(
    state: &AppState,
    user: &SignedIn,
    id: &str,
) -> Result<Option<ReferralView>, PageError> {
    Ok(state.app.referral_for_editing(&user.actor, id).await?)
}

/// Where a referral the school can no longer change opens.
fn referral_page(id: &str) -> Response {
    Redirect::to(&format!("/referrals/{id}")).into_response()
}

fn task_list_path(id: &str) -> String {
    format!("/referrals/{id}/form")
}

/// Everything still to do, as submission would see it (the attendance export included), in
/// the order of the form.
async fn problems_on_submission(
    state: &AppState,
    user: &SignedIn,
    view: &ReferralView,
) -> Result<Vec<FieldProblem>, PageError> {
    Ok(state.app.submission_problems(&user.actor, view).await?)
}

// --- The task list -------------------------------------------------------------------------

/// A section on the task list.
pub struct Task {
    slug: &'static str,
    title: &'static str,
    complete: bool,
}

/// A file to attach, on the task list: its page, what it holds, and whether it is done.
pub struct FileTask {
    slug: &'static str,
    title: &'static str,
    href: String,
    hint: String,
    /// The status in words: "Attached", "2 attached".
    status: String,
    /// Whether the status is a task still to do (shown as a tag).
    to_do: bool,
}

/// The files task list: the attendance export (required, MN-REF-4) and the documents (the
/// medical evidence letters).
fn file_tasks(id: &str, files: &ReferralFiles) -> Vec<FileTask> {
    let documents = files.documents.len();
    vec![
        FileTask {
            slug: "attendance",
            title: "Attendance export (the herringbone)",
            href: format!("/referrals/{id}/attendance"),
            hint: match files.attendance_export() {
                Some(export) => export.filename.clone(),
                None => {
                    "Required: the pupil's attendance for this school year, from your MIS".into()
                }
            },
            status: if files.attendance.is_empty() {
                "Not started".into()
            } else {
                "Attached".into()
            },
            to_do: files.attendance.is_empty(),
        },
        FileTask {
            slug: "documents",
            title: "Medical evidence letters and other documents",
            href: format!("/referrals/{id}/documents"),
            hint: "The letters and reports the medical evidence section describes".into(),
            status: match documents {
                0 => "None attached".into(),
                n => format!("{n} attached"),
            },
            to_do: false,
        },
    ]
}

#[derive(Template)]
#[template(path = "referral_form_tasks.html")]
struct TaskListPage {
    chrome: Chrome,
    id: String,
    pupil_name: String,
    questions: Vec<String>,
    tasks: Vec<Task>,
    files: Vec<FileTask>,
    /// Tasks done: sections complete, and the attendance export attached.
    completed: usize,
    /// Tasks to do before submitting.
    total: usize,
    /// Whether the school may delete the referral (a draft never sent).
    may_delete: bool,
    /// A health notification waiting for the school: who sent it, and when.
    notified: Option<String>,
}

/// The coordinator's questions when the referral was sent back: the newest request for
/// information (MN-DEC-1).
async fn coordinator_questions(
    state: &AppState,
    user: &SignedIn,
    id: &str,
) -> Result<Vec<String>, PageError> {
    let decisions = state.app.referral_decisions(&user.actor, id).await?;
    Ok(decisions
        .iter()
        .filter(|d| d.decision == "ask_for_information")
        .max_by_key(|d| d.decided_at)
        .and_then(|d| serde_json::from_str::<Vec<String>>(&d.reasons_json).ok())
        .unwrap_or_default())
}

/// `GET /referrals/{id}/form`: the task list.
async fn task_list(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let Some(view) = editable(&state, &user, &id).await? else {
        return Ok(referral_page(&id));
    };
    let questions = if view.status == Status::InformationRequested {
        coordinator_questions(&state, &user, &id).await?
    } else {
        Vec::new()
    };
    let problems = problems_on_submission(&state, &user, &view).await?;
    let tasks: Vec<Task> = Section::ALL
        .into_iter()
        .map(|section| Task {
            slug: section.slug(),
            title: section.title(),
            complete: section.is_complete(&problems),
        })
        .collect();
    let files = state.app.referral_files(&user.actor, &id).await?;
    let attached = !files.attendance.is_empty();
    let notified = state
        .app
        .referral_notification(&user.actor, &id)
        .await?
        .filter(|_| view.status == Status::AwaitingSchool)
        .map(|v| {
            format!(
                "{}, {} at {}, told the Medical Needs Service on {} that this pupil cannot attend \
                 school because of their health. Complete the school's part: the checklist, the \
                 attendance and the other sections still to do. The referral date stays {}.",
                v.notification.notifier.name,
                v.notification.notifier.role,
                v.notification.notifier.organisation,
                v.notification.notified_on.format("%-d %B %Y"),
                v.notification.notified_on.format("%-d %B %Y"),
            )
        });
    Ok(render(&TaskListPage {
        notified,
        chrome: Chrome::signed_in(&state, &user, &task_list_path(&id)),
        pupil_name: view.form.pupil.display_name(),
        completed: tasks.iter().filter(|t| t.complete).count() + usize::from(attached),
        total: tasks.len() + 1,
        tasks,
        files: file_tasks(&id, &files),
        may_delete: view.may(ReferralAction::DeleteDraft),
        questions,
        id,
    }))
}

// --- A section's page ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "referral_form_section.html")]
struct SectionPage {
    chrome: Chrome,
    id: String,
    pupil_name: String,
    slug: &'static str,
    title: &'static str,
    errors: Vec<FieldError>,
    groups: Vec<Group>,
}

/// The section's questions for `form`.
fn groups(section: Section, form: &Referral, council_name: &str) -> Vec<Group> {
    match section {
        Section::Pupil => pupil::groups(form, council_name),
        Section::School => school::groups(form, council_name),
        Section::Checklist => checklist::groups(form),
        Section::Consent => consent::groups(form),
        Section::HealthNeed => health_need::groups(form),
        Section::Evidence => Vec::new(),
        Section::Support => support::groups(form),
    }
}

/// A section's page showing `form`, or what was posted (`fields`) with its errors.
fn section_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    section: Section,
    form: &Referral,
    fields: &Fields,
    errors: Vec<FieldError>,
) -> Response {
    let mut groups = groups(section, form, &state.app.settings.council_name);
    keep_all(&mut groups, fields, &errors);
    let state_of_form = FormState::with(errors.clone());
    let page = render(&SectionPage {
        chrome: Chrome::signed_in(
            state,
            user,
            &format!("{}/{}", task_list_path(id), section.slug()),
        )
        .with_errors(&state_of_form),
        id: id.to_string(),
        pupil_name: form.pupil.display_name(),
        slug: section.slug(),
        title: section.title(),
        errors,
        groups,
    });
    if state_of_form.errors.is_empty() {
        page
    } else {
        with_status_422(page)
    }
}

/// `GET /referrals/{id}/form/{section}`.
async fn show_section(
    State(state): State<AppState>,
    user: SignedIn,
    id: String,
    query: Fields,
    section: Section,
) -> PageResult {
    let Some(view) = editable(&state, &user, &id).await? else {
        return Ok(referral_page(&id));
    };
    if section == Section::Evidence {
        return Ok(show_evidence(&state, &user, &id, &view, &query));
    }
    Ok(section_page(
        &state,
        &user,
        &id,
        section,
        &view.form,
        &Fields::default(),
        Vec::new(),
    ))
}

/// `POST /referrals/{id}/form/{section}`: saves the draft, then back to the task list.
async fn save_section(
    State(state): State<AppState>,
    user: SignedIn,
    id: String,
    fields: Fields,
    section: Section,
) -> PageResult {
    let Some(view) = editable(&state, &user, &id).await? else {
        return Ok(referral_page(&id));
    };
    if section == Section::Evidence {
        return save_evidence(&state, &user, &id, view, &fields).await;
    }
    let mut form = view.form.clone();
    let errors = match section {
        Section::Pupil => pupil::apply(&fields, &mut form),
        Section::School => school::apply(&fields, &mut form),
        Section::Checklist => checklist::apply(&fields, &mut form),
        Section::Consent => consent::apply(&fields, &mut form),
        Section::HealthNeed => health_need::apply(&fields, &mut form),
        Section::Evidence => evidence::apply(&fields, &mut form),
        Section::Support => support::apply(&fields, &mut form),
    };
    if !errors.is_empty() {
        // Nothing is saved; the page shows what was typed, with the problems.
        return Ok(section_page(
            &state, &user, &id, section, &view.form, &fields, errors,
        ));
    }
    let saved = state.app.save_referral(&user.actor, &id, form).await?;
    if section == Section::Pupil {
        // Saved as typed, but say at once that an identifier is not valid.
        let problems = pupil::identifier_problems(&saved.form);
        if !problems.is_empty() {
            return Ok(section_page(
                &state,
                &user,
                &id,
                section,
                &saved.form,
                &Fields::default(),
                problems,
            ));
        }
    }
    Ok(Redirect::to(&task_list_path(&id)).into_response())
}

// --- Medical evidence ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "referral_form_evidence.html")]
struct EvidencePage {
    chrome: Chrome,
    id: String,
    pupil_name: String,
    cards: Vec<EvidenceCard>,
    repeat: Question,
}

#[derive(Template)]
#[template(path = "referral_form_evidence_item.html")]
struct EvidenceItemPage {
    chrome: Chrome,
    id: String,
    pupil_name: String,
    /// The number (from 1) of the piece being changed; `None` when adding one.
    number: Option<usize>,
    index: Option<usize>,
    errors: Vec<FieldError>,
    questions: Vec<Question>,
}

fn evidence_path(id: &str) -> String {
    format!("{}/evidence", task_list_path(id))
}

/// The page to add a piece of evidence (`index` `None`) or change one.
fn evidence_item_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    form: &Referral,
    index: Option<usize>,
    fields: &Fields,
    errors: Vec<FieldError>,
) -> Response {
    let item = index
        .and_then(|i| form.evidence.get(i))
        .cloned()
        .unwrap_or_default();
    let mut questions = evidence::item_questions(&item);
    for question in &mut questions {
        question.keep(fields, &errors);
    }
    let state_of_form = FormState::with(errors.clone());
    let page = render(&EvidenceItemPage {
        chrome: Chrome::signed_in(state, user, &evidence_path(id)).with_errors(&state_of_form),
        id: id.to_string(),
        pupil_name: form.pupil.display_name(),
        number: index.map(|i| i + 1),
        index,
        errors,
        questions,
    });
    if state_of_form.errors.is_empty() {
        page
    } else {
        with_status_422(page)
    }
}

/// The evidence section's page: the list, or (with `?add=1` or `?change=N`) the page for one
/// piece.
fn show_evidence(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    view: &ReferralView,
    query: &Fields,
) -> Response {
    if let Some(change) = query.get("change") {
        return match change.parse::<usize>() {
            Ok(index) if index < view.form.evidence.len() => evidence_item_page(
                state,
                user,
                id,
                &view.form,
                Some(index),
                &Fields::default(),
                Vec::new(),
            ),
            // A link to a piece since removed: back to the list.
            _ => Redirect::to(&evidence_path(id)).into_response(),
        };
    }
    if query.get("add").is_some() {
        return evidence_item_page(
            state,
            user,
            id,
            &view.form,
            None,
            &Fields::default(),
            Vec::new(),
        );
    }
    render(&EvidencePage {
        chrome: Chrome::signed_in(state, user, &evidence_path(id)),
        id: id.to_string(),
        pupil_name: view.form.pupil.display_name(),
        cards: evidence::cards(&view.form),
        repeat: evidence::repeat_question(&view.form),
    })
}

/// The order of the questions on the evidence page, for the error summary.
const EVIDENCE_ORDER: [&str; 9] = [
    "professional",
    "professional_name",
    "document",
    "verbal.setting",
    "verbal.given_on",
    "verbal.summary",
    "verbal.recorded_by",
    "date_seen",
    "seen_in_person",
];

/// A post to the evidence section: add or change a piece, remove one, or save the section.
async fn save_evidence(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    view: ReferralView,
    fields: &Fields,
) -> PageResult {
    let mut form = view.form.clone();
    match evidence::action(fields) {
        Action::Save => {
            evidence::apply(fields, &mut form);
            state.app.save_referral(&user.actor, id, form).await?;
            Ok(Redirect::to(&task_list_path(id)).into_response())
        }
        Action::Remove(index) => {
            if let Some(index) = index.filter(|&i| i < form.evidence.len()) {
                form.evidence.remove(index);
                state.app.save_referral(&user.actor, id, form).await?;
            }
            Ok(Redirect::to(&evidence_path(id)).into_response())
        }
        Action::Add(index) => {
            let mut errors = Vec::new();
            let item = evidence::item_from(fields, &mut errors);
            let at = evidence::place(&mut form, index, item);
            for problem in evidence::item_problems(&form, at) {
                if !errors.iter().any(|e: &FieldError| e.field == problem.field) {
                    errors.push(problem);
                }
            }
            if errors.is_empty() {
                state.app.save_referral(&user.actor, id, form).await?;
                return Ok(Redirect::to(&evidence_path(id)).into_response());
            }
            errors.sort_by_key(|e| {
                EVIDENCE_ORDER
                    .iter()
                    .position(|f| *f == e.field)
                    .unwrap_or(EVIDENCE_ORDER.len())
            });
            let index = index.filter(|&i| i < view.form.evidence.len());
            Ok(evidence_item_page(
                state, user, id, &view.form, index, fields, errors,
            ))
        }
    }
}

// --- Check your answers and submit ---------------------------------------------------------

/// A problem in the error summary, linked to its field on its section's page.
pub struct Problem {
    href: String,
    message: String,
}

/// A section's answers.
pub struct AnswerCard {
    /// The section's title, as the school saw it.
    pub title: &'static str,
    /// Its answers.
    pub rows: Vec<Row>,
}

/// Every answer of a referral, read-only, grouped by section as the school entered them: the
/// coordinator reads them before deciding (MN-DEC-1).
pub fn read_only_answers(form: &Referral, id: &str, council_name: &str) -> Vec<AnswerCard> {
    Section::ALL
        .into_iter()
        .map(|section| AnswerCard {
            title: section.title(),
            rows: answer_rows(section, form, id, council_name)
                .into_iter()
                .map(|row| Row {
                    href: String::new(),
                    ..row
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "referral_form_check.html")]
struct CheckAnswersPage {
    chrome: Chrome,
    id: String,
    pupil_name: String,
    problems: Vec<Problem>,
    cards: Vec<AnswerCard>,
}

/// The files attached, as a card of "Check your answers", each row changed on its own page.
fn files_card(id: &str, files: &ReferralFiles) -> AnswerCard {
    let documents: Vec<String> = files.documents.iter().map(|d| d.filename.clone()).collect();
    AnswerCard {
        title: "Files",
        rows: vec![
            Row {
                key: "Attendance export".into(),
                lines: vec![
                    files
                        .attendance_export()
                        .map_or_else(|| "Not attached".into(), |d| d.filename.clone()),
                ],
                href: sections::problem_href(id, ATTENDANCE_EXPORT),
                hidden: "attendance export".into(),
            },
            Row {
                key: "Documents".into(),
                lines: if documents.is_empty() {
                    vec!["None attached".into()]
                } else {
                    documents
                },
                href: format!("/referrals/{id}/documents"),
                hidden: "documents".into(),
            },
        ],
    }
}

fn answer_rows(section: Section, form: &Referral, id: &str, council_name: &str) -> Vec<Row> {
    match section {
        Section::Pupil => pupil::answers(form, id),
        Section::School => school::answers(form, id, council_name),
        Section::Checklist => checklist::answers(form, id),
        Section::Consent => consent::answers(form, id),
        Section::HealthNeed => health_need::answers(form, id),
        Section::Evidence => evidence::answers(form, id),
        Section::Support => support::answers(form, id),
    }
}

async fn check_answers_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    form: &Referral,
    errors: Vec<FieldError>,
) -> PageResult {
    let council_name = &state.app.settings.council_name;
    let files = state.app.referral_files(&user.actor, id).await?;
    let state_of_form = FormState::with(errors);
    let mut cards: Vec<AnswerCard> = Section::ALL
        .into_iter()
        .map(|section| AnswerCard {
            title: section.title(),
            rows: answer_rows(section, form, id, council_name),
        })
        .collect();
    cards.push(files_card(id, &files));
    Ok(render(&CheckAnswersPage {
        chrome: Chrome::signed_in(state, user, &format!("/referrals/{id}/check-answers"))
            .with_errors(&state_of_form),
        id: id.to_string(),
        pupil_name: form.pupil.display_name(),
        problems: state_of_form
            .errors
            .iter()
            .map(|e| Problem {
                href: sections::problem_href(id, &e.field),
                message: e.message.clone(),
            })
            .collect(),
        cards,
    }))
}

/// `GET /referrals/{id}/check-answers`: every answer, and everything still to do at once
/// (MN-REF-1).
async fn check_answers(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let Some(view) = editable(&state, &user, &id).await? else {
        return Ok(referral_page(&id));
    };
    let errors = problems_on_submission(&state, &user, &view)
        .await?
        .into_iter()
        .map(|p| FieldError::new(&p.field, p.message))
        .collect();
    check_answers_page(&state, &user, &id, &view.form, errors).await
}

/// `POST /referrals/{id}/submit`: submits a complete referral; an incomplete one shows every
/// problem at once and stays a draft (MN-REF-1).
async fn submit(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let Some(view) = editable(&state, &user, &id).await? else {
        // Already submitted (a second click, say): show it.
        return Ok(referral_page(&id));
    };
    redirect_or_show_again(
        state.app.submit_referral(&user.actor, &id).await,
        |_| format!("/referrals/{id}/sent"),
        |errors| check_answers_page(&state, &user, &id, &view.form, errors),
    )
    .await
}
