//! A case's page: a summary at the top (where it stands, the dates, the next step, who is
//! involved), a list of its parts, and each part with what its reader may do there. The forms
//! themselves are on pages of their own ([`super::forms`]).

use super::forms::{CaseForm, banner};
use super::summary::{Summary, summary};
use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use mns_app::FieldError;
use mns_app::cases::{CaseView, long_date};
use mns_domain::provision::{CaseAction, Component};
use mns_domain::wording::hours;

/// A timeline entry as shown.
pub struct EventRow {
    when: String,
    what: String,
}

/// A session as shown.
pub struct SessionRow {
    held_on: String,
    outcome: &'static str,
    hours: String,
    note: String,
}

/// A review as shown.
pub struct ReviewRow {
    held_on: String,
    by: &'static str,
    progress: String,
    amendments: String,
    steps: Vec<&'static str>,
    plan: String,
}

/// A continuation request as shown.
pub struct ContinuationRow {
    submitted: String,
    evidence: String,
    attendance: bool,
    plan: bool,
    note: String,
    decision: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    form: FormState,
    /// What the last step did (`?done=`), with the part of the page it is about.
    banner: Option<(String, Option<&'static str>)>,
    /// The team's notes, for council staff.
    notes: Vec<crate::pages::referrals::NoteLine>,
    /// Whether the reader may add a note.
    may_note: bool,
    /// Where a note is posted.
    notes_action: String,
    /// Rule ids are for council staff and schools, never parents' screens.
    show_rule_ids: bool,
    errors: Vec<FieldError>,
    id: String,
    pupil: String,
    state: &'static str,
    tag: &'static str,
    /// The summary, who is involved, the parts, links and documents.
    summary: Summary,
    /// The forms the reader may open now.
    offered: Vec<CaseForm>,
    package: Vec<String>,
    has_plan: bool,
    plan_final: bool,
    events: Vec<EventRow>,
    sessions: Vec<SessionRow>,
    reviews: Vec<ReviewRow>,
    continuations: Vec<ContinuationRow>,
    end_requests: Vec<(String, String, bool, &'static str)>,
    may_start_review: bool,
    may_decide_continuation: bool,
    life_limiting: bool,
    welfare_checks: Vec<(String, String)>,
    concerns: Vec<(String, String, String)>,
    send: Option<mns_domain::provision::SendDetails>,
    episodes: Vec<(String, String, String, String)>,
    invoices: Vec<(String, String, String, String, String)>,
    coding: Option<(String, Vec<String>)>,
    /// Where the reader changes who can see the child ("People who can see this child" on the
    /// pupil's page), if they may.
    people_link: Option<String>,
}

impl CasePage {
    /// The page of `kind`, if the reader may open it now.
    fn offer(&self, kind: CaseForm) -> Option<String> {
        self.offered.contains(&kind).then(|| kind.href(&self.id))
    }

    /// Whether the page shows the part with this anchor.
    fn shows(&self, part: &str) -> bool {
        self.summary.parts.iter().any(|(anchor, _)| *anchor == part)
    }
}

/// Pence as pounds: `£1,250.00`.
pub use mns_domain::outcomes::costs::pounds;

fn outcome_label(kind: &str) -> &'static str {
    match kind {
        "delivered" => "Delivered",
        "cancelled_by_family" => "Cancelled by the family",
        "cancelled_by_provider" => "Cancelled by the provider",
        "refused" => "Refused",
        _ => "Unknown",
    }
}

fn component_line(c: &Component) -> String {
    match c {
        Component::ReintegrationPlan { text } => format!("{}: {text}", c.label()),
        Component::OnlineLearning {
            provider,
            hours_per_week,
        } => {
            format!(
                "{} ({provider}): {} a week",
                c.label(),
                hours(*hours_per_week)
            )
        }
        _ => format!("{}: {} a week", c.label(), hours(c.hours_per_week())),
    }
}

/// The case page with the problems of a step that has no page of its own (a note, arranging
/// the review).
pub(super) async fn case_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    errors: Vec<FieldError>,
) -> PageResult {
    page(state, user, id, errors, None).await
}

async fn page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    errors: Vec<FieldError>,
    done: Option<String>,
) -> PageResult {
    let view: CaseView = state.app.view_case(&user.actor, id).await?;
    let case = view.case();
    let show_special = view.may(CaseAction::ReadSpecialSituations);
    let (send, episodes) = if show_special {
        (
            state.app.send_details(&user.actor, &case.id).await?,
            state
                .app
                .episodes(&user.actor, &case.id)
                .await?
                .into_iter()
                .map(|e| {
                    (
                        e.hospital,
                        e.hospital_school,
                        long_date(e.admitted_on),
                        e.discharge_on.map(long_date).unwrap_or_default(),
                    )
                })
                .collect(),
        )
    } else {
        (None, Vec::new())
    };
    let invoices = if view.may(CaseAction::ReadInvoices) {
        state
            .app
            .case_invoices(&user.actor, &case.id)
            .await?
            .into_iter()
            .map(|l| {
                (
                    l.invoice.reference.clone(),
                    l.invoice.hospital.clone(),
                    pounds(l.invoice.amount_pence),
                    l.invoice.status.label().to_string(),
                    l.missing.join(", "),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let coding = state
        .app
        .case_coding_mismatches(&user.actor, &case.id)
        .await?
        .map(|(document, mismatches)| {
            (
                document.filename,
                mismatches
                    .iter()
                    .map(|m| {
                        format!(
                            "{} {}: coded {} ({})",
                            m.session.date.format("%a %-d %b %Y"),
                            if m.session.half.as_str() == "AM" {
                                "morning"
                            } else {
                                "afternoon"
                            },
                            m.code.as_str(),
                            m.code.description()
                        )
                    })
                    .collect(),
            )
        });
    let notes = crate::pages::referrals::note_lines(
        state
            .app
            .notes(&user.actor, mns_app::notes::NoteOn::Case, &case.id)
            .await?,
    );
    let may_note = user
        .actor
        .may(mns_domain::permissions::Capability::WorkReferral);
    let council_or_school = view.may(CaseAction::ReadCaseWork);
    let offered: Vec<CaseForm> = CaseForm::ALL
        .into_iter()
        .filter(|f| view.may(f.needs()))
        .collect();
    let summary = summary(
        &view,
        user,
        state.app.today(),
        &offered,
        super::summary::Shown {
            coding: coding.is_some(),
            notes: may_note || !notes.is_empty(),
            special: show_special,
        },
    );
    let form = FormState::with(errors.clone());
    let page = CasePage {
        chrome: Chrome::signed_in(state, user, "/cases").with_errors(&form),
        form,
        banner: done.and_then(|d| banner(&d, &view)),
        notes,
        may_note,
        notes_action: format!("/cases/{}/notes", case.id),
        show_rule_ids: council_or_school,
        errors,
        id: case.id.clone(),
        pupil: view.line.pupil_name.clone(),
        people_link: case
            .pupil_id
            .as_ref()
            .filter(|_| {
                user.actor
                    .may(mns_domain::permissions::Capability::ManageChildAccess)
            })
            .map(|p| format!("/pupils/{p}#people")),
        state: view.state.label(),
        tag: tag(view.state),
        summary,
        offered,
        package: view
            .plan
            .as_ref()
            .map(|p| p.package.components.iter().map(component_line).collect())
            .unwrap_or_default(),
        has_plan: view.plan.is_some(),
        plan_final: case.plan_finalised_at.is_some(),
        events: view
            .events
            .iter()
            .map(|e| EventRow {
                when: mns_domain::calendar::format_uk_datetime(e.at),
                what: match (e.to_state, council_or_school) {
                    (_, true) => e.note.clone(),
                    (Some(to), false) => to.label().to_string(),
                    (None, false) => String::new(),
                },
            })
            .collect(),
        sessions: view
            .sessions
            .iter()
            .map(|x| SessionRow {
                held_on: short(x.held_on),
                outcome: outcome_label(&x.outcome),
                hours: format!("{}", x.hours),
                note: x.note.clone(),
            })
            .collect(),
        reviews: view
            .reviews
            .iter()
            .map(|(_, b)| ReviewRow {
                held_on: b.held_on.map(long_date).unwrap_or_default(),
                by: if b.held_by_school {
                    "the school"
                } else {
                    "the Medical Needs Service"
                },
                progress: b.progress.clone(),
                amendments: b.amendments.clone(),
                steps: b.steps.iter().map(|s| s.label()).collect(),
                plan: b.reintegration_plan.clone(),
            })
            .collect(),
        continuations: view
            .continuations
            .iter()
            .map(|c| ContinuationRow {
                submitted: mns_domain::calendar::format_uk_datetime(c.submitted_at),
                evidence: c.evidence_dated.map(long_date).unwrap_or_default(),
                attendance: c.has_attendance != 0,
                plan: c.has_updated_plan != 0,
                note: c.note.clone(),
                decision: match c.decision.as_deref() {
                    Some("agreed") => "Agreed".into(),
                    Some("declined") => {
                        format!("Declined: {}", c.reason.clone().unwrap_or_default())
                    }
                    _ => "Waiting for the coordinator".into(),
                },
            })
            .collect(),
        end_requests: view
            .end_requests
            .iter()
            .map(|r| {
                (
                    r.stops_on.map(long_date).unwrap_or_default(),
                    r.reason.clone(),
                    r.early != 0,
                    r.status.label(),
                )
            })
            .collect(),
        may_start_review: view.may(CaseAction::StartReview),
        may_decide_continuation: view.may(CaseAction::DecideContinuation),
        life_limiting: case.life_limiting,
        welfare_checks: view
            .welfare_checks
            .iter()
            .map(|w| (long_date(w.checked_on), w.notes.clone()))
            .collect(),
        concerns: view
            .concerns
            .iter()
            .map(|c| {
                (
                    mns_domain::calendar::format_uk_datetime(c.raised_at),
                    c.sent_to_dsl.clone(),
                    c.concern.clone(),
                )
            })
            .collect(),
        send,
        episodes,
        invoices,
        coding,
    };
    Ok(render(&page))
}

/// `GET /cases/{id}`, with `?done=` after a step to say what happened.
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let done = Fields::from_query(query.as_deref())
        .get("done")
        .map(str::to_string);
    page(&state, &user, &id, Vec::new(), done).await
}
