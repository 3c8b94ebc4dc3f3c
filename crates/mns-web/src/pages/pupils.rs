//! Pupils: the list in the user's scope, one pupil's record, and its access history.

use super::child_access::{InvitationLine, PersonLine, invitations, people};
use super::{Chrome, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use mns_app::records::PupilRecord;
use mns_domain::calendar::{SchoolYear, format_uk_datetime, year_group};
use mns_domain::identity::Role;
use mns_domain::permissions::Capability;

/// A pupil as pages show them.
pub struct PupilView {
    id: String,
    name: String,
    date_of_birth: String,
    upn: String,
    school: String,
    school_year: String,
    year_group: String,
}

async fn view(state: &AppState, p: PupilRecord) -> PupilView {
    let school = match &p.school_urn {
        Some(urn) => match state.app.school(urn).await {
            Ok(Some(s)) => s.name,
            _ => urn.clone(),
        },
        None => "Not on a school roll".into(),
    };
    let this_year = SchoolYear::containing(state.app.now().date_naive());
    let group = year_group(p.date_of_birth, this_year);
    PupilView {
        id: p.id,
        name: format!("{} {}", p.given_name, p.family_name),
        date_of_birth: p.date_of_birth.format("%-d %B %Y").to_string(),
        upn: p.upn.unwrap_or_else(|| "Not known".into()),
        school,
        school_year: this_year.to_string(),
        year_group: match group {
            0 => "Reception".into(),
            n if n < 0 => "Below school age".into(),
            n => format!("Year {n}"),
        },
    }
}

#[derive(Template)]
#[template(path = "pupils.html")]
struct PupilsPage {
    chrome: Chrome,
    pupils: Vec<PupilView>,
    /// Parents see plain English: no UPN.
    show_upn: bool,
}

/// `GET /pupils`.
pub async fn list(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let records = state.app.list_pupils(&user.actor).await?;
    let mut pupils = Vec::with_capacity(records.len());
    for p in records {
        pupils.push(view(&state, p).await);
    }
    Ok(render(&PupilsPage {
        chrome: Chrome::signed_in(&state, &user, "/pupils"),
        pupils,
        show_upn: user.actor.role() != Role::Parent,
    }))
}

#[derive(Template)]
#[template(path = "pupil.html")]
struct PupilPage {
    chrome: Chrome,
    pupil: PupilView,
    outcomes: Vec<OutcomeLine>,
    /// Parents see plain English: no UPN.
    show_upn: bool,
    show_history: bool,
    may_hold: bool,
    legal_hold: bool,
    hold_reason: String,
    hold_error: Option<String>,
    /// "People who can see this child", for those who manage access to it.
    people: Option<Vec<PersonLine>>,
    /// Invitations to create an account that have not been accepted.
    invitations: Vec<InvitationLine>,
    /// What was just done to the people who can see the child, in words.
    done: Option<&'static str>,
    /// Early-identification alerts for the child's UPN (issue 16), for those who see alerts.
    alerts: Vec<PupilAlertLine>,
    /// Assessments with the school (issue 16): link and one line each.
    assessments: Vec<(String, String)>,
    /// Whether the reader may open an assessment.
    may_assess: bool,
}

/// One attendance alert on the pupil's page.
struct PupilAlertLine {
    href: String,
    rule: String,
    year: String,
    status: &'static str,
    opened: String,
    why: String,
}

/// `GET /pupils/{id}`, with `?done=` after a change to who can see the child.
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let done = match Fields::from_query(query.as_deref()).get("done") {
        Some("added") => Some("The person has been given access and told by email."),
        Some("invited") => Some(
            "No one has an account with that email address, so we have emailed them an \
             invitation to create one. The link works for 7 days.",
        ),
        Some("invitation-cancelled") => Some("The invitation has been cancelled."),
        Some("removed") => Some("The person's access has been removed."),
        Some("restricted") => Some("The parent's access has been changed."),
        _ => None,
    };
    pupil_page(&state, &user, &id, None, done).await
}

/// A decided referral on a child's page.
pub struct OutcomeLine {
    decided: String,
    outcome: &'static str,
    letter: String,
    case: Option<String>,
    /// The case's letters the reader may open: the Planning and Review Record and the End of
    /// Provision letter.
    case_letters: Vec<(&'static str, String)>,
}

async fn pupil_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    hold_error: Option<String>,
    done: Option<&'static str>,
) -> PageResult {
    let pupil = state.app.view_pupil(&user.actor, id).await?;
    let alerts = match &pupil.upn {
        Some(upn) => state
            .app
            .attendance_alerts_for_upn(&user.actor, upn)
            .await?
            .into_iter()
            .map(|a| PupilAlertLine {
                href: format!("/alerts/{}", a.id),
                rule: mns_app::early_identification::rule_title(&a.rule_id),
                year: a.school_year.clone(),
                status: match a.status {
                    mns_app::records::AlertStatus::Open => "Open",
                    mns_app::records::AlertStatus::Decided => "Decided",
                },
                opened: format_uk_datetime(a.first_opened_at),
                why: a.why,
            })
            .collect(),
        None => Vec::new(),
    };
    let assessments = state
        .app
        .assessments_of_pupil(&user.actor, id)
        .await?
        .into_iter()
        .map(|a| {
            let outcome = a.outcome.as_deref().map_or("open", |o| {
                mns_app::assessments::label_of(&mns_app::assessments::OUTCOMES, o)
            });
            (
                format!("/assessments/{}", a.id),
                format!("Opened {}: {}", format_uk_datetime(a.opened_at), outcome),
            )
        })
        .collect();
    let may_assess = user.actor.may(Capability::ManageAssessments);
    let (people, invitations) = if user.actor.may(Capability::ManageChildAccess) {
        let (_, records) = state.app.child_access_list(&user.actor, id).await?;
        let waiting = state.app.invitations_to(&user.actor, id).await?;
        (Some(people(user, records)), invitations(waiting))
    } else {
        (None, Vec::new())
    };
    let may_hold = user.actor.may(Capability::ManageRetention);
    let (legal_hold, hold_reason) = if may_hold {
        state.app.legal_hold(&user.actor, id).await?
    } else {
        (false, String::new())
    };
    let mut outcomes = Vec::new();
    for o in state.app.referral_outcomes(&user.actor, id).await? {
        let mut case_letters = Vec::new();
        if let Some(case) = &o.case_id {
            // A case outside the reader's scope has no letters for them.
            let letters = match state.app.case_letters(&user.actor, case).await {
                Err(mns_app::AppError::NotFound) => Default::default(),
                other => other?,
            };
            if letters.planning_record {
                case_letters.push((
                    "the Planning and Review Record (PDF)",
                    format!("/cases/{case}/plan.pdf"),
                ));
            }
            if letters.end_letter {
                case_letters.push((
                    "the End of Provision letter (PDF)",
                    format!("/cases/{case}/end-letter.pdf"),
                ));
            }
        }
        outcomes.push(OutcomeLine {
            decided: o.decided_at.map(format_uk_datetime).unwrap_or_default(),
            outcome: o.status.label(),
            letter: format!("/referrals/{}/letter.pdf", o.id),
            case: o.case_id.map(|c| format!("/cases/{c}")),
            case_letters,
        });
    }
    Ok(render(&PupilPage {
        show_upn: user.actor.role() != Role::Parent,
        outcomes,
        chrome: Chrome::signed_in(state, user, "/pupils/"),
        show_history: user.actor.may(Capability::ReadAccessHistory),
        pupil: view(state, pupil).await,
        may_hold,
        legal_hold,
        hold_reason,
        hold_error,
        people,
        invitations,
        done,
        alerts,
        assessments,
        may_assess,
    }))
}

/// `POST /pupils/{id}/legal-hold`: the coordinator sets (`hold=yes`, with a reason) or lifts a
/// legal hold that keeps the child's records past the retention period (MN-REC-2).
pub async fn legal_hold(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    fields: Fields,
) -> PageResult {
    let result = state
        .app
        .set_legal_hold(
            &user.actor,
            &id,
            fields.text("hold") == "yes",
            fields.text("hold_reason"),
        )
        .await;
    redirect_or_show_again(
        result,
        |()| format!("/pupils/{id}"),
        |errors| {
            let message = errors.into_iter().next().map(|e| e.message);
            pupil_page(&state, &user, &id, message, None)
        },
    )
    .await
}

/// What an audit action means, in words.
fn describe_action(action: &str) -> &str {
    match action {
        "pupil.view" => "Viewed the record",
        "pupil.access_history" => "Viewed who has seen the record",
        "pupil.update" => "Changed the record",
        "pupil.access_list" => "Viewed who can see the child",
        "pupil.access_grant" => "Gave a person access",
        "pupil.access_remove" => "Removed a person's access",
        "pupil.access_invite" => "Invited a person to create an account and see the child",
        "pupil.access_invite_cancel" => "Cancelled an invitation",
        "pupil.access_accept" => "Accepted an invitation: created an account and can see the child",
        "pupil.access_restrict" => "Restricted a parent's access",
        "pupil.access_unrestrict" => "Lifted the restriction on a parent's access",
        other => other,
    }
}

/// One line of an access history.
pub struct AccessLine {
    at: String,
    who: String,
    role: String,
    action: String,
    source: String,
}

#[derive(Template)]
#[template(path = "access_history.html")]
struct AccessHistoryPage {
    chrome: Chrome,
    pupil_id: String,
    pupil_name: String,
    entries: Vec<AccessLine>,
}

/// `GET /pupils/{id}/access-history` (coordinator and auditor).
pub async fn access_history(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let (pupil, entries) = state.app.pupil_access_history(&user.actor, &id).await?;
    let mut lines = Vec::with_capacity(entries.len());
    for e in entries {
        let who = state
            .app
            .user_label(&user.actor, &e.actor_id)
            .await?
            .unwrap_or_else(|| e.actor_id.clone());
        lines.push(AccessLine {
            at: chrono::DateTime::parse_from_rfc3339(&e.at)
                .map(|t| format_uk_datetime(t.with_timezone(&chrono::Utc)))
                .unwrap_or_else(|_| e.at.clone()),
            who,
            role: Role::parse(&e.actor_role)
                .map_or(e.actor_role.clone(), |r| r.label().to_string()),
            action: describe_action(&e.action).to_string(),
            source: e.source,
        });
    }
    Ok(render(&AccessHistoryPage {
        chrome: Chrome::signed_in(&state, &user, "/pupils/"),
        pupil_id: pupil.id,
        pupil_name: format!("{} {}", pupil.given_name, pupil.family_name),
        entries: lines,
    }))
}
