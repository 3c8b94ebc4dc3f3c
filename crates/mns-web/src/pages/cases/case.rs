//! A case's page: its timeline, sessions, reviews and what its reader may do next.

use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use mns_app::FieldError;
use mns_app::cases::{CaseView, long_date};
use mns_domain::provision::{CaseAction, CaseState, Component, EndReason};
use mns_domain::wording::{count, hours};

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
    /// The team's notes, for council staff.
    notes: Vec<crate::pages::referrals::NoteLine>,
    /// Whether the reader may add a note.
    may_note: bool,
    /// Where a note is posted.
    notes_action: String,
    /// Links to the referral, the pupil's record and the documents, for those who may see them.
    links: Vec<(&'static str, String)>,
    /// Rule ids are for council staff and schools, not parents' screens.
    show_rule_ids: bool,
    errors: Vec<FieldError>,
    values: Fields,
    id: String,
    pupil: String,
    school: String,
    state: &'static str,
    tag: &'static str,
    facts: Vec<(&'static str, String)>,
    flags: Vec<String>,
    package: Vec<String>,
    has_plan: bool,
    plan_final: bool,
    events: Vec<EventRow>,
    sessions: Vec<SessionRow>,
    reviews: Vec<ReviewRow>,
    continuations: Vec<ContinuationRow>,
    end_requests: Vec<(String, String, bool, &'static str)>,
    may_write_plan: bool,
    may_start: bool,
    may_log_session: bool,
    may_start_review: bool,
    may_record_review: bool,
    may_request_continuation: bool,
    may_decide_continuation: bool,
    may_end: bool,
    may_request_end: bool,
    may_set_life_limiting: bool,
    life_limiting: bool,
    plan_pdf: bool,
    end_letter: bool,
    end_reasons: Vec<(&'static str, String)>,
    welfare_checks: Vec<(String, String)>,
    may_log_welfare: bool,
    concerns: Vec<(String, String, String)>,
    may_raise_concern: bool,
    show_special: bool,
    may_work_case: bool,
    send: Option<mns_domain::provision::SendDetails>,
    episodes: Vec<(String, String, String, String)>,
    invoices: Vec<(String, String, String, String, String)>,
    coding: Option<(String, Vec<String>)>,
    may_upload_attendance: bool,
}

/// Pence as pounds: `£1,250.00`.
pub fn pounds(pence: i64) -> String {
    let whole = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("£{grouped}.{:02}", pence % 100)
}

fn outcome_label(kind: &str) -> &'static str {
    match kind {
        "delivered" => "Delivered",
        "cancelled_by_family" => "Cancelled by the family",
        "cancelled_by_provider" => "Cancelled by the provider",
        "refused" => "Refused",
        _ => "Unknown",
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
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

pub(super) async fn case_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let view: CaseView = state.app.view_case(&user.actor, id).await?;
    let _role = user.actor.role();
    let case = view.case();
    let s = view.state;
    let running = matches!(
        s,
        CaseState::InProvision
            | CaseState::Review
            | CaseState::ContinuationRequested
            | CaseState::Continued
    );
    let today = state.app.today();
    let mut facts = vec![("Referral date", long_date(case.referral_date))];
    let next = match s {
        CaseState::Accepted | CaseState::Planning if case.plan_finalised_at.is_none() => Some(
            "The school arranges the planning meeting and writes Part A with the Medical Needs Service"
                .to_string(),
        ),
        CaseState::Accepted | CaseState::Planning => {
            Some("The Medical Needs Coordinator starts provision".to_string())
        }
        CaseState::InProvision | CaseState::Continued => Some(match case.review_due {
            Some(d) if case.review_held_on.is_none() => {
                format!("The review, by {}", long_date(d))
            }
            _ => "Sessions continue until the end of the period".to_string(),
        }),
        CaseState::Review => Some("The school and the service record the review (Part B)".into()),
        CaseState::ContinuationRequested => {
            Some("The Medical Needs Coordinator decides the continuation request".into())
        }
        CaseState::Ended => None,
    };
    if let Some(next) = next {
        facts.insert(0, ("Next step", next));
    }
    match case.provision_start {
        Some(start) => facts.push((
            "Provision started",
            format!(
                "{} ({} after the referral)",
                long_date(start),
                count((start - case.referral_date).num_days(), "day", "days")
            ),
        )),
        None if s != CaseState::Ended => facts.push((
            "Waiting for provision",
            format!(
                "{} since the referral",
                count((today - case.referral_date).num_days(), "day", "days")
            ),
        )),
        None => {}
    }
    if let (Some(start), Some(end)) = (case.period_start, case.period_end) {
        facts.push((
            "Period",
            format!(
                "{} ({} to {})",
                case.period_number,
                long_date(start),
                long_date(end)
            ),
        ));
    }
    if let Some(d) = case.review_due {
        let done = case
            .review_held_on
            .map(|h| format!(", held {}", long_date(h)))
            .unwrap_or_default();
        facts.push(("Review due by", format!("{}{done}", long_date(d))));
    }
    if let Some(d) = case.continuation_due {
        facts.push(("Continuation request due by", long_date(d)));
    }
    if let (Some(h), Some(f)) = (case.hours_per_week, case.full_time_hours) {
        facts.push(("Hours a week", format!("{h} of a full-time week of {f}")));
    }
    if let Some(reason) = case.end_reason {
        let label = capitalised(reason.label());
        facts.push((
            "Ended",
            format!(
                "{}: {label}",
                case.ended_at
                    .map(mns_domain::calendar::format_uk_datetime)
                    .unwrap_or_default()
            ),
        ));
    }
    let mut flags = Vec::new();
    if view.non_engagement {
        flags.push(
            "Sessions show repeated cancellations or refusals: a review is proposed (MN-PROV-3)"
                .to_string(),
        );
    }
    if view.no_continuation {
        flags.push("The continuation request was due and has not come: this case is flagged for ending (MN-CONT-3)".to_string());
    }
    if running && case.review_held_on.is_none() && case.review_due.is_some_and(|d| d < today) {
        flags.push("The review is overdue".to_string());
    }
    let package = view
        .plan
        .as_ref()
        .map(|p| p.package.components.iter().map(component_line).collect())
        .unwrap_or_default();
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
    let council_or_school = view.may(CaseAction::ReadCaseWork);
    let page = CasePage {
        chrome: Chrome::signed_in(state, user, "/cases")
            .with_errors(&FormState::with(errors.clone())),
        form: FormState::with(errors.clone()),
        notes: crate::pages::referrals::note_lines(
            state
                .app
                .notes(&user.actor, mns_app::notes::NoteOn::Case, &case.id)
                .await?,
        ),
        may_note: user
            .actor
            .may(mns_domain::permissions::Capability::WorkReferral),
        notes_action: format!("/cases/{}/notes", case.id),
        links: {
            let mut links = Vec::new();
            let reads_referral = council_or_school
                && user
                    .actor
                    .may(mns_domain::permissions::Capability::ReadReferrals);
            if reads_referral {
                links.push(("The referral", format!("/referrals/{}", case.id)));
            }
            if let Some(pupil) = &case.pupil_id {
                links.push(("The pupil's record", format!("/pupils/{pupil}")));
            }
            if reads_referral {
                links.push(("Documents", format!("/referrals/{}/documents", case.id)));
            }
            links
        },
        show_rule_ids: council_or_school,
        errors,
        values,
        id: case.id.clone(),
        pupil: view.line.pupil_name.clone(),
        school: view.line.school_name.clone(),
        state: s.label(),
        tag: tag(s),
        facts,
        flags,
        package,
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
        may_write_plan: view.may(CaseAction::WritePlan),
        may_start: view.may(CaseAction::StartProvision),
        may_log_session: view.may(CaseAction::LogSession),
        may_start_review: view.may(CaseAction::StartReview),
        may_record_review: view.may(CaseAction::RecordReview),
        may_request_continuation: view.may(CaseAction::RequestContinuation),
        may_decide_continuation: view.may(CaseAction::DecideContinuation),
        may_end: view.may(CaseAction::EndProvision),
        may_request_end: view.may(CaseAction::RequestEnd),
        may_set_life_limiting: view.may(CaseAction::SetLifeLimiting),
        life_limiting: case.life_limiting,
        plan_pdf: view.may(CaseAction::ReadPlanRecord),
        end_letter: view.may(CaseAction::ReadEndLetter),
        end_reasons: EndReason::ALL
            .iter()
            .map(|r| (r.as_str(), capitalised(r.label())))
            .collect(),
        welfare_checks: view
            .welfare_checks
            .iter()
            .map(|w| (long_date(w.checked_on), w.notes.clone()))
            .collect(),
        may_log_welfare: view.may(CaseAction::LogWelfareCheck),
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
        may_raise_concern: view.may(CaseAction::RaiseConcern),
        show_special,
        may_work_case: view.may(CaseAction::RecordSpecialSituations),
        send,
        episodes,
        invoices,
        coding,
        may_upload_attendance: view.may(CaseAction::UploadAttendance),
    };
    Ok(render(&page))
}

/// `GET /cases/{id}`.
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    case_page(&state, &user, &id, Fields::default(), Vec::new()).await
}
