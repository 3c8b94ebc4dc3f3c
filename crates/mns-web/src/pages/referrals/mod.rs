//! Referrals: the school's list and the coordinator's queue, a referral's page (the school's
//! view, or the coordinator's desk with every check), the decision, the decision letter, and
//! logging parent enquiries.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again, show_again};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use mns_app::records::{QueueFilter, QueueLine};
use mns_app::referrals::{DECLINE_REASONS, ReferralView, Status, decline_reason_label};
use mns_app::{AppError, FieldError};
use mns_domain::permissions::Capability;
use mns_domain::referral::{
    Check, DecisionOutcome, DeclineReason, Enquirer, Enquiry, Outcome, ReferralAction,
};
use mns_domain::wording::count;
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

mod assignment;
mod decision;
mod enquiries;
mod pupil_match;
mod queue;
mod sent;
pub use assignment::assign;
use assignment::{AssignedBanner, AssignmentPanel, assignment_panel};
pub use decision::decide;
use decision::{DecidedBanner, DecisionForm, decided_banner};
pub use enquiries::*;
pub use pupil_match::resolve_match;
use pupil_match::{MatchPanel, match_panel};
pub use queue::*;
pub use sent::sent;

fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn tag_class(status: Status) -> &'static str {
    match status {
        Status::Submitted => "govuk-tag--blue",
        Status::InformationRequested => "govuk-tag--yellow",
        Status::WaitingForEvidence => "govuk-tag--orange",
        Status::Accepted => "govuk-tag--green",
        Status::Declined => "govuk-tag--red",
        Status::Draft => "govuk-tag--grey",
        Status::AwaitingSchool => "govuk-tag--purple",
    }
}

/// A note as a page shows it.
pub struct NoteLine {
    /// When, in words.
    pub when: String,
    /// Who wrote it.
    pub who: String,
    /// What it says.
    pub body: String,
}

/// Notes as a page shows them.
pub fn note_lines(notes: Vec<mns_app::records::NoteRecord>) -> Vec<NoteLine> {
    notes
        .into_iter()
        .map(|n| NoteLine {
            when: mns_domain::calendar::format_uk_datetime(n.written_at),
            who: n.author_name,
            body: n.body,
        })
        .collect()
}

fn pupil_name(view: &ReferralView) -> String {
    let name = format!(
        "{} {}",
        view.form.pupil.first_name.trim(),
        view.form.pupil.last_name.trim()
    );
    if name.trim().is_empty() {
        "New referral (no name yet)".into()
    } else {
        name
    }
}

/// `POST /referrals`: a school starts a referral.
pub async fn start(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let view = state.app.start_referral(&user.actor).await?;
    Ok(Redirect::to(&format!("/referrals/{}", view.record.id)).into_response())
}

/// A check as the desk shows it.
pub struct CheckRow {
    rule: &'static str,
    outcome: &'static str,
    tag: &'static str,
    message: String,
}

fn check_row(c: Check) -> CheckRow {
    let (outcome, tag) = match c.outcome {
        Outcome::Pass => ("Pass", "govuk-tag--green"),
        Outcome::Flag => ("Flag", "govuk-tag--yellow"),
        Outcome::Fail => ("Fail", "govuk-tag--red"),
        Outcome::NotApplicable => ("Not applicable", "govuk-tag--grey"),
    };
    CheckRow {
        rule: c.rule,
        outcome,
        tag,
        message: c.message,
    }
}

/// A past decision as the page shows it.
pub struct DecisionLine {
    what: &'static str,
    when: String,
    details: Vec<String>,
    policy_version: String,
    days: i64,
}

/// A line of the referral's history as the page shows it.
pub struct HistoryRow {
    what: &'static str,
    on: String,
    days: i64,
}

/// A decline reason choice.
pub struct ReasonChoice {
    value: String,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    chrome: Chrome,
    /// The assessment the referral was made from (issue 16): its page and when it opened.
    from_assessment: Option<(String, String)>,
    /// Shown once, just after the coordinator records a decision.
    decided: Option<DecidedBanner>,
    /// Shown once, just after the coordinator assigns the referral.
    assigned_banner: Option<AssignedBanner>,
    /// Who the referral is assigned to, and the form to change it (council staff).
    assignment: Option<AssignmentPanel>,
    /// The pupil's year group does not fit the school's statutory age range (council staff).
    phase_flag: Option<String>,
    /// The team's notes, for council staff.
    notes: Vec<NoteLine>,
    /// Whether the reader may add a note.
    may_note: bool,
    /// Where a note is posted.
    notes_action: String,
    /// Where a referral from a health notification came from: by whom, on what date.
    notification: Option<String>,
    /// Every answer the school gave, read-only (for those who may read the checks).
    answers: Vec<crate::pages::referral_form::AnswerCard>,
    /// Evidence health professionals gave through the service: who, and what it says.
    given_evidence: Vec<(String, String)>,
    form: FormState,
    errors: Vec<FieldError>,
    id: String,
    pupil: String,
    facts: Vec<(&'static str, String)>,
    status: &'static str,
    tag: &'static str,
    days_since_referral: Option<i64>,
    waiting_days: Option<i64>,
    checks: Vec<CheckRow>,
    counts: (usize, usize, usize),
    decisions: Vec<DecisionLine>,
    /// What happened to the referral, oldest first, each counted from the referral date.
    history: Vec<HistoryRow>,
    has_letter: bool,
    may_decide: bool,
    may_mark_waiting: bool,
    may_resolve_match: bool,
    may_read_checks: bool,
    reasons: Vec<ReasonChoice>,
    values: DecisionForm,
    documents: Vec<super::documents::DocumentLine>,
    may_upload: bool,
    pupil_match: Option<MatchPanel>,
}

/// A count of days (halves allowed) in words: "1 day", "7.5 days".
fn days_in_words(days: mns_domain::attendance::DayCount, one: &str, many: &str) -> String {
    if days.days() == 1.0 {
        format!("1 {one}")
    } else {
        format!("{days} {many}")
    }
}

async fn referral_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: DecisionForm,
    errors: Vec<FieldError>,
) -> PageResult {
    referral_page_after(state, user, id, values, errors, &ShowQuery::default()).await
}

async fn referral_page_after(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: DecisionForm,
    errors: Vec<FieldError>,
    shown: &ShowQuery,
) -> PageResult {
    let view = state.app.view_referral(&user.actor, id).await?;
    let decided = shown
        .decided
        .as_deref()
        .and_then(|d| decided_banner(d, view.status, id));
    let may_read_checks = view.may(ReferralAction::ReadChecks);
    let (assignment, assigned_banner) = if may_read_checks {
        let panel = assignment_panel(
            state.app.referral_assignment(&user.actor, id).await?,
            &errors,
        );
        let banner = (shown.assigned.as_deref() == Some("yes")).then(|| panel.banner());
        (Some(panel), banner)
    } else {
        (None, None)
    };
    let phase_flag = if may_read_checks {
        state
            .app
            .school_phase_flag(&user.actor, &view)
            .await?
            .map(|m| m.message())
    } else {
        None
    };
    let attendance = state.app.referral_attendance(&user.actor, &view).await?;
    let checks = if !may_read_checks {
        Vec::new()
    } else {
        state
            .app
            .checks_for(&user.actor, &view, attendance.as_ref().map(|a| &a.evidence))
            .await?
    };
    let counts = (
        checks.iter().filter(|c| c.outcome == Outcome::Fail).count(),
        checks.iter().filter(|c| c.outcome == Outcome::Flag).count(),
        checks.iter().filter(|c| c.outcome == Outcome::Pass).count(),
    );
    let decisions = state.app.referral_decisions(&user.actor, id).await?;
    let history = state
        .app
        .referral_history(&user.actor, id)
        .await?
        .into_iter()
        .map(|l| HistoryRow {
            what: l.step.label(),
            on: day(l.on),
            days: l.days_since_referral,
        })
        .collect();
    let today = state.app.today();
    let pupil = &view.form.pupil;
    let mut facts = vec![
        (
            "Date of birth",
            pupil.date_of_birth.map(day).unwrap_or_default(),
        ),
        (
            "UPN",
            pupil
                .upn
                .as_ref()
                .map(|u| u.text().to_string())
                .unwrap_or_default(),
        ),
        ("School", view.form.school.name.clone()),
        (
            "Year group",
            pupil
                .year_group
                .map(|y| {
                    if y == 0 {
                        "Reception".into()
                    } else {
                        format!("Year {y}")
                    }
                })
                .unwrap_or_default(),
        ),
    ];
    if let Some(d) = view.record.referral_date {
        facts.push(("Referred", day(d)));
    }
    match &attendance {
        Some(a) => facts.push((
            "Absence because of illness",
            format!(
                "{} this school year; longest run {}; {}",
                days_in_words(a.figures.health_absence, "day", "days"),
                days_in_words(
                    a.figures.longest_health_run_length(),
                    "school day",
                    "school days"
                ),
                count(
                    i64::from(a.figures.medical_appointment_sessions),
                    "medical appointment session",
                    "medical appointment sessions"
                )
            ),
        )),
        None => facts.push((
            "Absence because of illness",
            "No attendance export attached".into(),
        )),
    }
    let documents = super::documents::document_lines(state, user, id).await?;
    let may_upload = view.may(ReferralAction::AddDocuments);
    let pupil_match = state
        .app
        .referral_pupil_match(&user.actor, id)
        .await?
        .map(|m| match_panel(m, values.match_note.clone()));
    let form = FormState::with(errors.clone());
    let answers = if may_read_checks {
        crate::pages::referral_form::read_only_answers(
            &view.form,
            id,
            &state.app.settings.council_name,
        )
    } else {
        Vec::new()
    };
    let notes = note_lines(
        state
            .app
            .notes(&user.actor, mns_app::notes::NoteOn::Referral, id)
            .await?,
    );
    let notification = state
        .app
        .referral_notification(&user.actor, id)
        .await?
        .map(|v| {
            let n = &v.notification.notifier;
            format!(
                "This referral came from a health notification by {} ({}, {}) on {}.{}",
                n.name,
                n.role,
                n.organisation,
                v.notification.notified_on.format("%-d %B %Y"),
                if view.status == Status::AwaitingSchool {
                    " The school has not completed its part yet."
                } else {
                    ""
                }
            )
        });
    let from_assessment = state
        .app
        .assessment_of_referral(&user.actor, id)
        .await?
        .map(|a| {
            (
                format!("/assessments/{}", a.id),
                a.opened_at.format("%-d %B %Y").to_string(),
            )
        });
    Ok(render(&ReferralPage {
        from_assessment,
        notification,
        decided,
        assigned_banner,
        assignment,
        phase_flag,
        notes,
        may_note: user.actor.may(Capability::WorkReferral),
        notes_action: format!("/referrals/{id}/notes"),
        answers,
        given_evidence: view
            .form
            .evidence
            .iter()
            .filter_map(|e| {
                crate::pages::referral_form::evidence::given_line(e)
                    .map(|who| (who, e.content.condition_and_treatment.clone()))
            })
            .collect(),
        pupil_match,
        documents,
        may_upload,
        chrome: Chrome::signed_in(state, user, "/referrals/").with_errors(&form),
        form,
        errors,
        id: id.to_string(),
        pupil: pupil_name(&view),
        facts,
        status: view.status.label(),
        tag: tag_class(view.status),
        days_since_referral: view.record.referral_date.map(|d| (today - d).num_days()),
        waiting_days: view
            .record
            .waiting_for_evidence_since
            .map(|d| (today - d).num_days()),
        counts,
        checks: checks.into_iter().map(check_row).collect(),
        history,
        has_letter: decisions
            .iter()
            .any(|d| d.decision != "ask_for_information"),
        decisions: decisions
            .into_iter()
            .map(|d| DecisionLine {
                what: match d.decision.as_str() {
                    "accept" => "Accepted",
                    "decline" => "Declined",
                    _ => "Asked the school for more information",
                },
                when: mns_domain::calendar::format_uk_datetime(d.decided_at),
                details: match d.decision.as_str() {
                    "decline" => serde_json::from_str::<Vec<DeclineReason>>(&d.reasons_json)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|r| decline_reason_label(r).to_string())
                        .chain((!d.note.is_empty()).then(|| d.note.clone()))
                        .collect(),
                    "ask_for_information" => {
                        serde_json::from_str(&d.reasons_json).unwrap_or_default()
                    }
                    _ => Vec::new(),
                },
                policy_version: d.policy_version,
                days: d.days_from_referral,
            })
            .collect(),
        may_decide: view.may(ReferralAction::Decide),
        may_resolve_match: view.may(ReferralAction::ResolvePupilMatch),
        may_mark_waiting: view.may(ReferralAction::MarkWaitingForEvidence),
        may_read_checks,
        reasons: DECLINE_REASONS
            .iter()
            .map(|(r, label)| ReasonChoice {
                value: serde_json::to_value(r)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                label,
            })
            .collect(),
        values,
    }))
}

/// `GET /referrals/{id}`: a school's own referral (its form while it can still be changed), or
/// the coordinator's desk.
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Query(shown): Query<ShowQuery>,
) -> PageResult {
    if ReferralAction::EditForm.allowed_for(user.actor.role()) {
        let view = state.app.view_referral(&user.actor, &id).await?;
        if view.may(ReferralAction::EditForm) {
            return Ok(Redirect::to(&format!("/referrals/{id}/form")).into_response());
        }
    }
    referral_page_after(
        &state,
        &user,
        &id,
        DecisionForm::default(),
        Vec::new(),
        &shown,
    )
    .await
}

/// What the referral's page was sent to say: `?decided=accept` after a decision,
/// `?assigned=yes` after an assignment.
#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    decided: Option<String>,
    #[serde(default)]
    assigned: Option<String>,
}

/// The waiting-for-evidence form.
#[derive(Deserialize)]
pub struct WaitingForm {
    #[serde(default)]
    waiting: String,
}

/// `POST /referrals/{id}/waiting-for-evidence`: marks (or clears) waiting for evidence from today.
pub async fn waiting_for_evidence(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<WaitingForm>,
) -> PageResult {
    let since = (form.waiting != "no").then(|| state.app.today());
    redirect_or_show_again(
        state
            .app
            .set_waiting_for_evidence(&user.actor, &id, since)
            .await,
        |()| format!("/referrals/{id}"),
        |errors| referral_page(&state, &user, &id, DecisionForm::default(), errors),
    )
    .await
}

/// `POST /referrals/{id}/notes`: the coordinator or a caseworker adds a note.
pub async fn add_note(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: crate::form::Fields,
) -> PageResult {
    redirect_or_show_again(
        state
            .app
            .add_note(
                &user.actor,
                mns_app::notes::NoteOn::Referral,
                &id,
                values.text("note"),
            )
            .await,
        |()| format!("/referrals/{id}#notes"),
        |errors| referral_page(&state, &user, &id, DecisionForm::default(), errors),
    )
    .await
}

/// `GET /referrals/{id}/letter.pdf`: the decision letter.
pub async fn letter(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let pdf = state.app.decision_letter(&user.actor, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                mns_domain::documents::content_disposition("decision-letter.pdf"),
            ),
        ],
        pdf,
    )
        .into_response())
}
