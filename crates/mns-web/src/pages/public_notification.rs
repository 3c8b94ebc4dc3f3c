//! The public health notification form (issue 14), for a health professional without an
//! account: `/health-notification`, the same questions, check page and rules as the signed-in
//! form ([`super::notifications`]), rate-limited by address; no documents (evidence is asked
//! for afterwards). What is sent is an enquiry the coordinator triages from the enquiries page:
//! a referral made from it, or closed with a reason.

use super::notifications::{Sender, day, submit_as};
use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::{MaybeSession, SignedIn, Source};
use crate::form::{Fields, redirect_or_show_again};
use crate::pages::account::{csrf_for, with_presession};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use mns_app::FieldError;
use mns_app::referrals::NotificationEnquiry;

fn public_sender(
    state: &AppState,
    headers: &HeaderMap,
    session: Option<&mns_app::identity::sessions::ResolvedSession>,
    source: String,
) -> (Sender<'static>, bool) {
    let (csrf_token, new) = csrf_for(state, headers, session);
    (Sender::Public { csrf_token, source }, new)
}

fn with_token(state: &AppState, sender: &Sender<'_>, page: Response, new: bool) -> Response {
    match sender {
        Sender::Public { csrf_token, .. } => with_presession(state, page, csrf_token, new),
        Sender::SignedIn(_) => page,
    }
}

/// `GET /health-notification`: the public form.
pub async fn new(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Source(source): Source,
    headers: HeaderMap,
) -> PageResult {
    let (sender, new) = public_sender(&state, &headers, session.as_ref(), source);
    let page = submit_as(
        &state,
        &sender,
        Fields::from(vec![("action".into(), "change".into())]),
    )
    .await?;
    Ok(with_token(&state, &sender, page, new))
}

/// `POST /health-notification`: as the signed-in form's, but what is sent waits for the
/// coordinator.
pub async fn submit(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Source(source): Source,
    headers: HeaderMap,
    values: Fields,
) -> PageResult {
    let (sender, new) = public_sender(&state, &headers, session.as_ref(), source);
    let page = submit_as(&state, &sender, values).await?;
    Ok(with_token(&state, &sender, page, new))
}

#[derive(Template)]
#[template(path = "info.html")]
struct ReceivedPage {
    chrome: Chrome,
    heading: &'static str,
    paragraphs: Vec<String>,
}

/// `GET /health-notification/sent`: what happens next.
pub async fn sent(State(state): State<AppState>) -> Response {
    render(&ReceivedPage {
        chrome: Chrome::new(&state, None, "/health-notification/sent"),
        heading: "Health notification received",
        paragraphs: vec![
            "The Medical Needs Coordinator will read your notification and decide whether to make a referral. If they do, they will ask the child's school to complete its part.".into(),
            "We will email you to ask for your medical evidence. You cannot attach documents to this form.".into(),
        ],
    })
}

/// A notification sent through the public form, as the coordinator's enquiries list shows it.
pub struct NotificationLine {
    /// The enquiry's id.
    pub id: String,
    /// When it was received.
    pub received: String,
    /// The child's name.
    pub child: String,
    /// Who sent it.
    pub notifier: String,
}

/// The open notifications, for the coordinator's enquiries page (empty for anyone else).
pub async fn open_notification_lines(
    state: &AppState,
    user: &SignedIn,
) -> Result<Vec<NotificationLine>, crate::errors::PageError> {
    if !user
        .actor
        .may(mns_domain::permissions::Capability::DecideReferral)
    {
        return Ok(Vec::new());
    }
    Ok(state
        .app
        .open_notification_enquiries(&user.actor)
        .await?
        .into_iter()
        .map(|e| NotificationLine {
            received: mns_domain::calendar::format_uk_datetime(e.record.received_at),
            child: format!("{} {}", e.notification.first_name, e.notification.last_name),
            notifier: format!(
                "{}, {}",
                e.notification.notifier.name, e.notification.notifier.organisation
            ),
            id: e.record.id,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "notification_enquiry.html")]
struct EnquiryPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    id: String,
    rows: Vec<(&'static str, String)>,
    reason: String,
}

async fn enquiry_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    reason: String,
    errors: Vec<FieldError>,
) -> PageResult {
    let NotificationEnquiry {
        record,
        notification: n,
    } = state.app.notification_enquiry(&user.actor, id).await?;
    let school = state.app.school(n.school_urn.as_str()).await?.map_or_else(
        || n.school_urn.to_string(),
        |s| format!("{}, URN {}", s.name, s.urn),
    );
    let a = &n.notifier;
    let form = FormState::with(errors.clone());
    Ok(render(&EnquiryPage {
        chrome: Chrome::signed_in(state, user, "/enquiries").with_errors(&form),
        form,
        errors,
        id: record.id,
        reason,
        rows: vec![
            (
                "Received",
                mns_domain::calendar::format_uk_datetime(record.received_at),
            ),
            ("Child's name", format!("{} {}", n.first_name, n.last_name)),
            ("Date of birth", day(n.date_of_birth)),
            ("NHS number", n.nhs_number.to_string()),
            ("Home postcode", n.postcode.to_string()),
            ("School", school),
            ("Condition", n.condition.clone()),
            (
                "Expected absence",
                format!("{} more weeks of school", n.expected_weeks_absent),
            ),
            (
                "Parent's or carer's agreement",
                format!(
                    "{} agreed on {}",
                    n.parent_agreement.agreed_by,
                    day(n.parent_agreement.agreed_on)
                ),
            ),
            (
                "Sent by",
                format!("{}, {}, {} ({})", a.name, a.role, a.organisation, a.email),
            ),
        ],
    }))
}

/// `GET /health-notifications/{id}`: a notification sent through the public form, with
/// "Create a referral from this notification" and "Close" (the coordinator's).
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    enquiry_page(&state, &user, &id, String::new(), Vec::new()).await
}

/// `POST /health-notifications/{id}/referral`: the referral, dated the day the notification
/// was received; on to its page.
pub async fn refer(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let referral = state.app.refer_notification_enquiry(&user.actor, &id).await;
    redirect_or_show_again(
        referral,
        |referral| format!("/referrals/{referral}"),
        |errors| enquiry_page(&state, &user, &id, String::new(), errors),
    )
    .await
}

/// `POST /health-notifications/{id}/close`: closed with a reason; back to the enquiries.
pub async fn close(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let reason = values.trimmed("reason");
    match state
        .app
        .close_notification_enquiry(&user.actor, &id, &reason)
        .await
    {
        Ok(()) => Ok(Redirect::to("/enquiries").into_response()),
        Err(e) => {
            crate::form::show_again(e, |errors| {
                enquiry_page(&state, &user, &id, reason.clone(), errors)
            })
            .await
        }
    }
}
