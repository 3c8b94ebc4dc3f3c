//! The assessment phase (issue 16): "Open an assessment" from an attendance alert or a
//! pupil's page (the concern, the advice agreed, who does what by when, a review date), the
//! assessment's page, and its outcome (resolved, referral invited, referral made).

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, show_again};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::FieldError;
use mns_app::assessments::{
    AgreedAction, AssessmentEntry, AssessmentSubject, NewPupilEntry, OUTCOMES, OWNERS, label_of,
};
use mns_domain::calendar::format_uk_datetime;

/// A date as a page shows it: 3 November 2025.
fn format_uk_date(date: chrono::NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// Rows of "who does what" on the form.
const ACTION_ROWS: usize = 3;

#[derive(Template)]
#[template(path = "assessment_new.html")]
struct NewPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Fields,
    action: String,
    back: String,
    pupil: String,
    /// The alert's UPN has no record yet: ask for the names and date of birth.
    ask_pupil: bool,
    rows: Vec<usize>,
    owners: Vec<(&'static str, &'static str)>,
}

/// The entry from the form's fields (problems with dates added to `errors`).
fn entry_of(fields: &Fields, errors: &mut Vec<FieldError>) -> AssessmentEntry {
    AssessmentEntry {
        concern: fields.trimmed("concern"),
        advice: fields.trimmed("advice"),
        actions: (0..ACTION_ROWS)
            .map(|i| AgreedAction {
                action: fields.trimmed(&format!("action_{i}")),
                owner: fields.trimmed(&format!("owner_{i}")),
                by: fields.date(
                    &format!("by_{i}"),
                    &format!("The date for action {}", i + 1),
                    errors,
                ),
            })
            .collect(),
        review_date: fields.date("review_date", "The review date", errors),
    }
}

async fn new_page(
    state: &AppState,
    user: &SignedIn,
    subject: &Subject,
    mut values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let (action, back, pupil, ask_pupil) = match subject {
        Subject::Alert(id) => {
            let (alert, pupil) = state.app.assessment_subject_pupil(&user.actor, id).await?;
            // The names the county's pupil file gave, to start from.
            if pupil.is_none()
                && values.pairs().is_empty()
                && let Some((given, family)) =
                    alert.pupil_name.as_deref().and_then(|n| n.split_once(' '))
            {
                values.put("given_name", given);
                values.put("family_name", family);
            }
            let name = pupil.as_ref().map_or_else(
                || {
                    alert
                        .pupil_name
                        .clone()
                        .unwrap_or_else(|| alert.upn.clone())
                },
                |p| format!("{} {}", p.given_name, p.family_name),
            );
            (
                format!("/alerts/{id}/assessment"),
                format!("/alerts/{id}"),
                name,
                pupil.is_none(),
            )
        }
        Subject::Pupil(id) => {
            let pupil = state.app.view_pupil(&user.actor, id).await?;
            (
                format!("/pupils/{id}/assessments"),
                format!("/pupils/{id}"),
                format!("{} {}", pupil.given_name, pupil.family_name),
                false,
            )
        }
    };
    let form = FormState::with(errors.clone());
    Ok(render(&NewPage {
        chrome: Chrome::signed_in(state, user, "/alerts").with_errors(&form),
        form,
        errors,
        values,
        action,
        back,
        pupil,
        ask_pupil,
        rows: (0..ACTION_ROWS).collect(),
        owners: OWNERS.to_vec(),
    }))
}

/// What the assessment is opened for.
enum Subject {
    Alert(String),
    Pupil(String),
}

async fn submit(state: &AppState, user: &SignedIn, subject: Subject, fields: Fields) -> PageResult {
    let mut errors = Vec::new();
    let entry = entry_of(&fields, &mut errors);
    let new_pupil = NewPupilEntry {
        given_name: fields.trimmed("given_name"),
        family_name: fields.trimmed("family_name"),
        date_of_birth: fields.date("date_of_birth", "The date of birth", &mut errors),
    };
    let result = if errors.is_empty() {
        let target = match &subject {
            Subject::Alert(id) => AssessmentSubject::Alert(id, Some(new_pupil)),
            Subject::Pupil(id) => AssessmentSubject::Pupil(id),
        };
        state.app.open_assessment(&user.actor, target, &entry).await
    } else {
        Err(mns_app::AppError::Invalid(errors))
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/assessments/{id}?done=opened")).into_response()),
        Err(e) => show_again(e, |errors| new_page(state, user, &subject, fields, errors)).await,
    }
}

/// `GET /alerts/{id}/assessment`.
pub async fn new_from_alert(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    new_page(
        &state,
        &user,
        &Subject::Alert(id),
        Fields::default(),
        Vec::new(),
    )
    .await
}

/// `POST /alerts/{id}/assessment`.
pub async fn open_from_alert(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    fields: Fields,
) -> PageResult {
    submit(&state, &user, Subject::Alert(id), fields).await
}

/// `GET /pupils/{id}/assessments/new`.
pub async fn new_for_pupil(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    user.actor
        .require(mns_domain::permissions::Capability::ManageAssessments)?;
    new_page(
        &state,
        &user,
        &Subject::Pupil(id),
        Fields::default(),
        Vec::new(),
    )
    .await
}

/// `POST /pupils/{id}/assessments`.
pub async fn open_for_pupil(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    fields: Fields,
) -> PageResult {
    submit(&state, &user, Subject::Pupil(id), fields).await
}

struct ActionLine {
    action: String,
    owner: String,
    by: String,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Fields,
    id: String,
    pupil: String,
    pupil_href: String,
    opened: String,
    concern: String,
    advice: String,
    actions: Vec<ActionLine>,
    review: String,
    outcome: Option<String>,
    outcome_note: Option<String>,
    referral: Option<(String, String)>,
    alert: Option<String>,
    may_record: bool,
    referrals: Vec<(String, String)>,
    outcomes: Vec<(&'static str, &'static str)>,
    done: &'static str,
}

async fn assessment_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Fields,
    errors: Vec<FieldError>,
    done: &'static str,
) -> PageResult {
    let (record, pupil) = state.app.assessment(&user.actor, id).await?;
    let may_record = user
        .actor
        .may(mns_domain::permissions::Capability::ManageAssessments)
        && record.outcome.is_none();
    let referrals = if may_record {
        state
            .app
            .referrals_for_assessment(&user.actor, &pupil.id)
            .await?
    } else {
        Vec::new()
    };
    let actions: Vec<AgreedAction> = serde_json::from_str(&record.actions_json).unwrap_or_default();
    let form = FormState::with(errors.clone());
    Ok(render(&AssessmentPage {
        chrome: Chrome::signed_in(state, user, "/pupils/").with_errors(&form),
        form,
        errors,
        values,
        id: record.id.clone(),
        pupil: format!("{} {}", pupil.given_name, pupil.family_name),
        pupil_href: format!("/pupils/{}", pupil.id),
        opened: format_uk_datetime(record.opened_at),
        concern: record.concern,
        advice: record.advice,
        actions: actions
            .into_iter()
            .map(|a| ActionLine {
                owner: label_of(&OWNERS, &a.owner).to_owned(),
                by: a.by.map(format_uk_date).unwrap_or_default(),
                action: a.action,
            })
            .collect(),
        review: record
            .review_date
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(format_uk_date)
            .unwrap_or_else(|| "None set".into()),
        outcome: record
            .outcome
            .as_deref()
            .map(|o| label_of(&OUTCOMES, o).to_owned()),
        outcome_note: record.outcome_note,
        referral: record.referral_id.map(|r| {
            (
                format!("/referrals/{r}"),
                mns_app::referrals::referral_reference(&r),
            )
        }),
        alert: record.alert_id.map(|a| format!("/alerts/{a}")),
        may_record,
        referrals,
        outcomes: OUTCOMES.to_vec(),
        done,
    }))
}

/// `GET /assessments/{id}` (`?done=opened|outcome` after a change).
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> PageResult {
    let done = match Fields::from_query(query.as_deref()).get("done") {
        Some("opened") => "The assessment has been opened",
        Some("outcome") => "The outcome has been recorded",
        _ => "",
    };
    assessment_page(&state, &user, &id, Fields::default(), Vec::new(), done).await
}

/// `POST /assessments/{id}/outcome`.
pub async fn outcome(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    fields: Fields,
) -> PageResult {
    match state
        .app
        .record_assessment_outcome(
            &user.actor,
            &id,
            fields.text("outcome"),
            fields.text("referral_id"),
            fields.text("note"),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/assessments/{id}?done=outcome")).into_response()),
        Err(e) => {
            show_again(e, |errors| {
                assessment_page(&state, &user, &id, fields, errors, "")
            })
            .await
        }
    }
}
