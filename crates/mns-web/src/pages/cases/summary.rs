//! The top of a case's page: where it stands and its dates, the next step, who is involved,
//! the parts of the page, and links to the referral, the pupil's record and the documents,
//! each only for those who may see them. Rule ids are shown to council staff and schools only.

use super::forms::CaseForm;
use super::*;
use crate::auth::SignedIn;
use mns_app::cases::{CaseView, long_date};
use mns_domain::permissions::Capability;
use mns_domain::provision::{CaseAction, CaseState};
use mns_domain::referral::ReferralAction;
use mns_domain::wording::count;

/// The top of a case's page.
pub struct Summary {
    /// Where the case stands and its dates, the next step first.
    pub facts: Vec<(&'static str, String)>,
    /// What needs attention.
    pub flags: Vec<String>,
    /// Who is working with the child.
    pub involved: Vec<(&'static str, String)>,
    /// The next steps the reader may take, as links to their pages.
    pub next: Vec<(&'static str, String)>,
    /// The parts of the page shown to this reader: anchor and name.
    pub parts: Vec<(&'static str, &'static str)>,
    /// Other records about the child the reader may open.
    pub elsewhere: Vec<(&'static str, String)>,
    /// The case's letters and documents the reader may open.
    pub documents: Vec<(&'static str, String)>,
}

/// Which parts with data of their own the page has to show.
pub struct Shown {
    /// The attendance coding was checked.
    pub coding: bool,
    /// Notes are shown.
    pub notes: bool,
    /// SEND and hospital details are shown.
    pub special: bool,
}

/// The rule id in brackets, for readers who are shown rule ids.
fn rule(show: bool, id: &str) -> String {
    if show {
        format!(" ({id})")
    } else {
        String::new()
    }
}

/// The next step in words, if the case has one.
fn next_step(view: &CaseView) -> Option<String> {
    let case = view.case();
    Some(match view.state {
        CaseState::Accepted | CaseState::Planning if case.plan_finalised_at.is_none() => {
            "The school arranges the planning meeting and writes Part A with the Medical Needs Service"
                .to_string()
        }
        CaseState::Accepted | CaseState::Planning => {
            "The Medical Needs Coordinator starts provision".to_string()
        }
        CaseState::InProvision | CaseState::Continued => match case.review_due {
            Some(d) if case.review_held_on.is_none() => {
                format!("The review, by {}", long_date(d))
            }
            _ => "Sessions continue until the end of the period".to_string(),
        },
        CaseState::Review => "The school and the service record the review (Part B)".into(),
        CaseState::ContinuationRequested => {
            "The Medical Needs Coordinator decides the continuation request".into()
        }
        CaseState::Ended => return None,
    })
}

fn facts(view: &CaseView, today: chrono::NaiveDate) -> Vec<(&'static str, String)> {
    let case = view.case();
    let mut facts = Vec::new();
    if let Some(next) = next_step(view) {
        facts.push(("Next step", next));
    }
    facts.push(("Referral date", long_date(case.referral_date)));
    match case.provision_start {
        Some(start) => facts.push((
            "Provision started",
            format!(
                "{} ({} after the referral)",
                long_date(start),
                count((start - case.referral_date).num_days(), "day", "days")
            ),
        )),
        None if view.state != CaseState::Ended => facts.push((
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
    // An ended case has no review or request still to come.
    let open = view.state != CaseState::Ended;
    if let Some(d) = case.review_due.filter(|_| open) {
        let done = case
            .review_held_on
            .map(|h| format!(", held {}", long_date(h)))
            .unwrap_or_default();
        facts.push(("Next review due by", format!("{}{done}", long_date(d))));
    }
    if let Some(d) = case.continuation_due.filter(|_| open) {
        facts.push(("Continuation request due by", long_date(d)));
    }
    if let (Some(h), Some(f)) = (case.hours_per_week, case.full_time_hours) {
        facts.push(("Hours a week", format!("{h} of a full-time week of {f}")));
    }
    if let Some(reason) = case.end_reason {
        facts.push((
            "Ended",
            format!(
                "{}: {}",
                case.ended_at
                    .map(mns_domain::calendar::format_uk_datetime)
                    .unwrap_or_default(),
                capitalised(reason.label())
            ),
        ));
        if let Some(last) = case.ends_on {
            facts.push(("Last day of provision", long_date(last)));
        }
        if let Some(outcome) = case.outcome {
            facts.push(("Where the young person went", outcome.label().to_string()));
        }
    }
    facts
}

fn flags(view: &CaseView, today: chrono::NaiveDate, ids: bool) -> Vec<String> {
    let case = view.case();
    let running = matches!(
        view.state,
        CaseState::InProvision
            | CaseState::Review
            | CaseState::ContinuationRequested
            | CaseState::Continued
    );
    let mut flags = Vec::new();
    if view.non_engagement {
        flags.push(format!(
            "Sessions show repeated cancellations or refusals: a review is proposed{}",
            rule(ids, "MN-PROV-3")
        ));
    }
    if view.no_continuation {
        flags.push(format!(
            "The continuation request was due and has not come: this case is flagged for ending{}",
            rule(ids, "MN-CONT-3")
        ));
    }
    if running && case.review_held_on.is_none() && case.review_due.is_some_and(|d| d < today) {
        flags.push("The review is overdue".to_string());
    }
    flags
}

fn involved(view: &CaseView) -> Vec<(&'static str, String)> {
    let people = &view.involved;
    let mut out = vec![("School", view.line.school_name.clone())];
    out.push((
        "Medical Needs Service",
        people
            .coordinator
            .as_ref()
            .map_or("The Medical Needs Coordinator".to_string(), |name| {
                format!("{name}, who accepted the referral")
            }),
    ));
    if let Some(name) = &people.caseworker {
        out.push(("Caseworker", name.clone()));
    }
    for (one, many, names) in [
        ("Provider", "Providers", &people.providers),
        (
            "Health professional",
            "Health professionals",
            &people.health_professionals,
        ),
    ] {
        if !names.is_empty() {
            out.push((if names.len() == 1 { one } else { many }, names.join(", ")));
        }
    }
    out
}

/// The top of the page for `view`'s reader, `user`.
pub(super) fn summary(
    view: &CaseView,
    user: &SignedIn,
    today: chrono::NaiveDate,
    offered: &[CaseForm],
    shown: Shown,
) -> Summary {
    let case = view.case();
    let id = &case.id;
    let role = user.actor.role();
    let works = view.may(CaseAction::ReadCaseWork);
    let offers = |f: CaseForm| offered.contains(&f);
    let reads_referral = works && user.actor.may(Capability::ReadReferrals);

    let mut next = Vec::new();
    if view.may(CaseAction::WritePlan) {
        next.push((
            if view.plan.is_some() {
                "Continue Part A of the record"
            } else {
                "Write Part A of the record"
            },
            format!("/cases/{id}/plan"),
        ));
    }
    if offers(CaseForm::Start) {
        next.push(("Start provision", CaseForm::Start.href(id)));
    }
    if view.may(CaseAction::RecordReview) {
        next.push(("Record the review (Part B)", format!("/cases/{id}/review")));
    }
    if view.may(CaseAction::RequestContinuation) {
        next.push(("Request continuation", format!("/cases/{id}/continuation")));
    }
    if view.may(CaseAction::DecideContinuation) {
        next.push((
            "Agree the continuation",
            format!("/cases/{id}/continuation/agree"),
        ));
    }

    let mut documents = Vec::new();
    if view.may(CaseAction::ReadPlanRecord) {
        documents.push((
            "The Planning and Review Record (PDF)",
            format!("/cases/{id}/plan.pdf"),
        ));
    }
    if view.may(CaseAction::ReadEndLetter) {
        documents.push((
            "The End of Provision letter (PDF)",
            format!("/cases/{id}/end-letter.pdf"),
        ));
    }
    if ReferralAction::ReadDecisionLetter.allowed_for(role) {
        documents.push((
            "The referral's decision letter (PDF)",
            format!("/referrals/{id}/letter.pdf"),
        ));
    }
    if reads_referral {
        documents.push((
            "Documents sent with the referral",
            format!("/referrals/{id}/documents"),
        ));
    }

    let mut elsewhere = Vec::new();
    if reads_referral {
        elsewhere.push(("The referral", format!("/referrals/{id}")));
    }
    if let Some(pupil) = &case.pupil_id {
        elsewhere.push(("The pupil's record", format!("/pupils/{pupil}")));
        if user.actor.may(Capability::ManageChildAccess) {
            elsewhere.push((
                "People who can see this child",
                format!("/pupils/{pupil}#people"),
            ));
        }
        if user.actor.may(Capability::ReadAccessHistory) {
            elsewhere.push((
                "Who has seen or changed the pupil's record",
                format!("/pupils/{pupil}/access-history"),
            ));
        }
    }

    let parts = [
        ("plan", "The plan", true),
        (
            "sessions",
            "Sessions",
            offers(CaseForm::Session) || !view.sessions.is_empty(),
        ),
        ("reviews", "Reviews", !view.reviews.is_empty()),
        (
            "continuations",
            "Continuation requests",
            !view.continuations.is_empty(),
        ),
        (
            "coding",
            "Attendance coding",
            offers(CaseForm::Attendance) || shown.coding,
        ),
        ("documents", "Documents", !documents.is_empty()),
        ("welfare", "Welfare checks", works),
        (
            "concerns",
            "Safeguarding",
            offers(CaseForm::Concern) || !view.concerns.is_empty(),
        ),
        ("send", "Special educational needs", shown.special),
        ("hospital", "Hospital", shown.special),
        (
            "ending",
            "Ending provision",
            offers(CaseForm::End)
                || offers(CaseForm::EndRequest)
                || offers(CaseForm::LifeLimiting)
                || !view.end_requests.is_empty()
                || view.state == CaseState::Ended,
        ),
        ("notes", "Notes", shown.notes),
        ("timeline", "History", true),
    ]
    .into_iter()
    .filter(|(.., shown)| *shown)
    .map(|(anchor, name, _)| (anchor, name))
    .collect();

    Summary {
        facts: facts(view, today),
        flags: flags(view, today, works),
        involved: involved(view),
        next,
        parts,
        elsewhere,
        documents,
    }
}
