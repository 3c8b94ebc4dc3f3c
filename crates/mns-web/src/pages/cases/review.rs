//! Part B of the record: the review's form (MN-REV-1, MN-REV-2).

use super::plan::{ACTION_ROWS, read_actions};
use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::redirect_or_show_again;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use mns_app::cases::CaseView;
use mns_app::{AppError, FieldError};
use mns_domain::identity::Role;
use mns_domain::provision::record::PartB;
use mns_domain::provision::{CaseAction, ReintegrationStep};

#[derive(Template)]
#[template(path = "case_review.html")]
struct ReviewPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Fields,
    id: String,
    pupil: String,
    steps: Vec<(String, &'static str)>,
    action_rows: Vec<usize>,
    /// The council's wellbeing scales and the reintegration choices (issue 17).
    scales: Vec<super::measures::Scale>,
    reintegration: Vec<(&'static str, &'static str)>,
}

fn review_page(
    state: &AppState,
    user: &SignedIn,
    view: &CaseView,
    values: Fields,
    errors: Vec<FieldError>,
) -> Response {
    let form = FormState::with(errors.clone());
    render(&ReviewPage {
        chrome: Chrome::signed_in(state, user, "/cases").with_errors(&form),
        form,
        errors,
        values,
        id: view.case().id.clone(),
        pupil: view.line.pupil_name.clone(),
        steps: ReintegrationStep::ALL
            .iter()
            .map(|s| (crate::pages::referral_form::questions::key(*s), s.label()))
            .collect(),
        action_rows: (1..=ACTION_ROWS).collect(),
        scales: super::measures::scales("review_", &state.app.policy().wellbeing_measures),
        reintegration: super::measures::reintegration_choices(),
    })
}

/// `GET /cases/{id}/review`: Part B of the record.
pub async fn review_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let view = match open_step(&state, &user, &id, CaseAction::RecordReview).await? {
        Ok(view) => view,
        Err(back) => return Ok(back),
    };
    Ok(review_page(
        &state,
        &user,
        &view,
        Fields::default(),
        Vec::new(),
    ))
}

/// `POST /cases/{id}/review`: records Part B.
pub async fn save_review(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let view = state
        .app
        .view_case_for(&user.actor, &id, CaseAction::RecordReview)
        .await?;
    let mut errors = Vec::new();
    let held_on = values.date("held_on", "The review date", &mut errors);
    let part_b = PartB {
        held_on,
        held_by_school: user.actor.role() == Role::School,
        progress: values.text("progress").trim().to_string(),
        amendments: values.text("amendments").trim().to_string(),
        steps: ReintegrationStep::ALL
            .into_iter()
            .filter(|s| values.has("steps", &crate::pages::referral_form::questions::key(*s)))
            .collect(),
        reintegration_plan: values.text("reintegration_plan").trim().to_string(),
        actions: read_actions(&values, &mut errors),
        measures: super::measures::read(
            &values,
            "review_",
            &state.app.policy().wellbeing_measures,
            &mut errors,
        ),
    };
    let result = if errors.is_empty() {
        state.app.record_review(&user.actor, &id, part_b).await
    } else {
        Err(AppError::Invalid(errors))
    };
    redirect_or_show_again(
        result,
        |()| format!("/cases/{id}?done=review"),
        |errors| std::future::ready(Ok(review_page(&state, &user, &view, values, errors))),
    )
    .await
}
