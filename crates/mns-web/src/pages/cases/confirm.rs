//! The steps on a case that cannot be undone: starting provision, agreeing a continuation and
//! ending provision. Each first shows a check page that says what will happen and who will be
//! told, and changes nothing; the answers travel on in hidden fields with `confirm=yes`, so the
//! whole step works without JavaScript. Once confirmed, the case page says what happened
//! (`?done=`, [`super::forms::banner`]).

use super::actions::{after_case, after_form, form_problems};
use super::forms::CaseForm;
use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use mns_app::cases::{CaseView, Told, long_date};
use mns_app::{AppResult, FieldError};
use mns_domain::outcomes::CaseOutcome;
use mns_domain::provision::{CaseAction, EndReason};
use mns_domain::wording::count;

#[derive(Template)]
#[template(path = "case_check.html")]
struct CheckPage {
    chrome: Chrome,
    id: String,
    pupil: String,
    title: &'static str,
    /// What was chosen, each with where to change it.
    rows: Vec<(&'static str, String)>,
    /// The form again with the answers, for "Change".
    change: Option<String>,
    happens: Vec<String>,
    told: Vec<String>,
    action: String,
    hidden: Vec<(String, String)>,
    button: &'static str,
    warning: bool,
    /// Another way, with its link (declining a continuation is ending provision).
    instead: Option<(&'static str, String)>,
}

/// What a check page shows, before the page's common parts.
struct Check {
    title: &'static str,
    rows: Vec<(&'static str, String)>,
    happens: Vec<String>,
    told: Vec<Told>,
    button: &'static str,
    warning: bool,
}

/// Whether the step was confirmed on its check page.
fn confirmed(values: &Fields) -> bool {
    values.text("confirm") == "yes"
}

/// "The school's staff: 2 people", for each who a step tells.
fn told_lines(told: &[Told]) -> Vec<String> {
    told.iter()
        .map(|t| match t.addresses.len() {
            0 => format!(
                "Nobody among {}: none has an account on this service to be emailed",
                t.who
            ),
            n => format!(
                "{}: {}, by email",
                capitalised(t.who),
                count(n as i64, "person", "people")
            ),
        })
        .collect()
}

/// The check page for `check` on the case `view`, posting the answers in `values` (if any)
/// back to `form` with `confirm=yes`.
fn check_page(
    state: &AppState,
    user: &SignedIn,
    view: &CaseView,
    form: Option<CaseForm>,
    posts_to: &str,
    values: &Fields,
    check: Check,
) -> Response {
    let id = view.case().id.clone();
    let answers: Vec<(String, String)> = values
        .pairs()
        .iter()
        .filter(|(k, _)| k != "csrf_token" && k != "confirm")
        .cloned()
        .collect();
    let change = form.map(|f| {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&answers)
            .finish();
        format!("{}?{query}", f.href(&id))
    });
    render(&CheckPage {
        chrome: Chrome::signed_in(state, user, "/cases"),
        pupil: view.line.pupil_name.clone(),
        title: check.title,
        rows: check.rows,
        change,
        happens: check.happens,
        told: told_lines(&check.told),
        action: format!("/cases/{id}/{posts_to}"),
        hidden: answers,
        button: check.button,
        warning: check.warning,
        instead: (form.is_none()).then(|| {
            (
                "To decline the request, end provision with the reason instead",
                CaseForm::End.href(&id),
            )
        }),
        id,
    })
}

/// A step checked before it is done. With the form's `answers` read, shows the check page
/// (`check`), or, once confirmed, does the step (`act`) and goes back to the case with its
/// banner; problems (the form's, or the operation's) are shown on the step's form with what
/// was typed.
async fn checked_step<A>(
    (state, user, id): (&AppState, &SignedIn, &str),
    kind: CaseForm,
    values: Fields,
    answers: Result<A, Vec<FieldError>>,
    act: impl AsyncFnOnce(A) -> AppResult<()>,
    check: impl AsyncFnOnce(A) -> AppResult<Check>,
) -> PageResult {
    let result = match answers {
        Err(errors) => form_problems(state, user, id, kind.needs(), errors).await,
        Ok(answers) if confirmed(&values) => act(answers).await,
        Ok(answers) => match check(answers).await {
            Ok(check) => {
                let view = state
                    .app
                    .view_case_for(&user.actor, id, kind.needs())
                    .await?;
                return Ok(check_page(
                    state,
                    user,
                    &view,
                    Some(kind),
                    kind.posts_to(),
                    &values,
                    check,
                ));
            }
            Err(e) => Err(e),
        },
    };
    after_form(state, user, id, kind, values, result).await
}

/// The start form's answers: the first day and the expected end of the absence.
fn read_start(values: &Fields) -> Result<(NaiveDate, Option<NaiveDate>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let start = values.date("start", "The start date", &mut errors);
    let absence_end = values.date(
        "absence_end",
        "The expected end of the absence",
        &mut errors,
    );
    match start {
        Some(start) if errors.is_empty() => Ok((start, absence_end)),
        None if !errors.iter().any(|e| e.field == "start") => {
            errors.insert(
                0,
                FieldError::new("start", "Enter the day provision starts"),
            );
            Err(errors)
        }
        _ => Err(errors),
    }
}

/// `POST /cases/{id}/start`: the coordinator's start of provision: checked first (the period
/// and who is told), done once confirmed.
pub async fn start(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let answers = read_start(&values);
    checked_step(
        (&state, &user, &id),
        CaseForm::Start,
        values,
        answers,
        async |(start, absence)| {
            state
                .app
                .start_provision(&user.actor, &id, start, absence)
                .await
        },
        async |(start, absence)| {
            let c = state
                .app
                .check_start(&user.actor, &id, start, absence)
                .await?;
            Ok(start_check(
                c,
                absence,
                state.app.policy().initial_period_weeks,
            ))
        },
    )
    .await
}

/// What the start's check page says.
fn start_check(c: mns_app::cases::StartCheck, absence: Option<NaiveDate>, weeks: u32) -> Check {
    let p = c.period;
    let mut rows = vec![("Provision starts", long_date(p.start))];
    if let Some(end) = absence {
        rows.push(("The absence is expected to end", long_date(end)));
    }
    rows.extend([
        ("The period ends", long_date(p.end)),
        ("Review due by", long_date(p.review_due)),
        ("Continuation request due by", long_date(p.continuation_due)),
    ]);
    let period = if p.ends_with_expected_absence {
        format!(
            "The period ends on {}, when the absence is expected to end.",
            long_date(p.end)
        )
    } else {
        format!(
            "The {}-school-week period ends on {}.",
            weeks,
            long_date(p.end)
        )
    };
    Check {
        title: "Check before you start provision",
        rows,
        happens: vec![
            format!(
                "You are about to start provision on {}, {} after the referral.",
                long_date(p.start),
                count(c.days_from_referral, "day", "days")
            ),
            period,
            format!(
                "The review is due by {}, and the school's continuation request, if provision is to go on, by {}.",
                long_date(p.review_due),
                long_date(p.continuation_due)
            ),
            "The school is asked to code the sessions the pupil receives this provision as K from the first day.".into(),
        ],
        told: c.told,
        button: "Confirm and start provision",
        warning: false,
    }
}

/// `GET /cases/{id}/continuation/agree`: what agreeing the school's continuation request will
/// do, and who will be told, for the coordinator to confirm.
pub async fn agree_page(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let view = match open_step(&state, &user, &id, CaseAction::DecideContinuation).await? {
        Ok(view) => view,
        Err(back) => return Ok(back),
    };
    let c = state.app.check_continuation(&user.actor, &id).await?;
    let p = c.period;
    let check = Check {
        title: "Check before you agree the continuation",
        rows: vec![
            ("New period", format!("Period {}", c.period_number)),
            ("Starts", long_date(p.start)),
            ("Ends", long_date(p.end)),
            ("Review due by", long_date(p.review_due)),
            ("Continuation request due by", long_date(p.continuation_due)),
        ],
        happens: vec![
            format!(
                "You are about to agree the school's continuation request. Period {} starts on {} and runs to {}.",
                c.period_number,
                long_date(p.start),
                long_date(p.end)
            ),
            format!(
                "The review is due by {}, and another continuation request, if needed, by {}.",
                long_date(p.review_due),
                long_date(p.continuation_due)
            ),
            "Any open request to end provision is closed.".into(),
        ],
        told: c.told,
        button: "Confirm and agree the continuation",
        warning: false,
    };
    Ok(check_page(
        &state,
        &user,
        &view,
        None,
        "continuation/agree",
        &Fields::default(),
        check,
    ))
}

/// `POST /cases/{id}/continuation/agree`: once confirmed, the coordinator agrees the
/// continuation; without `confirm=yes`, to the check page.
pub async fn agree_continuation(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    state
        .app
        .require_case_action(&user.actor, &id, CaseAction::DecideContinuation)
        .await?;
    if !confirmed(&values) {
        return Ok(Redirect::to(&format!("/cases/{id}/continuation/agree")).into_response());
    }
    let result = state.app.agree_continuation(&user.actor, &id).await;
    after_case(&state, &user, &id, result, "?done=continued").await
}

/// What the end form records: why, and where the child goes now.
type Ending = (EndReason, CaseOutcome);

/// The end form's answers: why, where the child goes now, and the last day of provision.
fn read_end(values: &Fields) -> Result<(Ending, NaiveDate), Vec<FieldError>> {
    let mut errors = Vec::new();
    let reason = EndReason::parse(values.text("reason")).ok();
    if reason.is_none() {
        errors.push(FieldError::new("reason", "Select why provision ends"));
    }
    let outcome = CaseOutcome::parse(values.text("outcome"))
        .map_err(|e| errors.push(FieldError::new("outcome", e.to_string())))
        .ok();
    let last_day = values.date("ends_on", "The last day of provision", &mut errors);
    if last_day.is_none() && !errors.iter().any(|e| e.field == "ends_on") {
        errors.push(FieldError::new(
            "ends_on",
            "Enter the last day of provision",
        ));
    }
    match (reason, outcome, last_day) {
        (Some(reason), Some(outcome), Some(last_day)) if errors.is_empty() => {
            Ok(((reason, outcome), last_day))
        }
        _ => Err(errors),
    }
}

/// `POST /cases/{id}/end`: the coordinator ends provision: checked first (what happens and who
/// is told), done once confirmed.
pub async fn end(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let note = values.trimmed("end_note");
    let answers = read_end(&values);
    checked_step(
        (&state, &user, &id),
        CaseForm::End,
        values,
        answers,
        async |(reason, last_day)| {
            state
                .app
                .end_case(&user.actor, &id, reason, last_day, &note)
                .await
        },
        async |(reason, last_day)| {
            let c = state.app.check_end(&user.actor, &id, last_day).await?;
            Ok(end_check(c, (reason, last_day), &note))
        },
    )
    .await
}

/// What the end's check page says.
fn end_check(
    c: mns_app::cases::EndCheck,
    ((reason, outcome), last_day): (Ending, NaiveDate),
    note: &str,
) -> Check {
    let mut rows = vec![
        ("Why provision ends", capitalised(reason.label())),
        ("Where the young person is now", outcome.label().to_string()),
        ("The last day of provision", long_date(last_day)),
    ];
    if !note.is_empty() {
        rows.push(("Note for the case record", note.to_string()));
    }
    Check {
        title: "Check before you end provision",
        rows,
        happens: vec![
            "The case closes now: nothing more can be logged or planned on it, and this cannot be undone.".into(),
            format!(
                "The End of Provision letter says provision ends because {}, and that the last day of provision is {}. The school is responsible for the pupil's education from the day after.",
                reason.label(),
                long_date(last_day)
            ),
            "Any open continuation request is declined and requests to end are closed. HLSA hours and any online-learning place are released, and the case leaves every waiting list.".into(),
        ],
        told: c.told,
        button: "Confirm and end provision",
        warning: true,
    }
}
