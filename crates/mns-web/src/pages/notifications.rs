//! "Tell us about a child" (issue 14): a health professional notifies the service that a child
//! cannot attend school because of their health. One question page (the school found by typing
//! its name or URN and picking from the matches, without JavaScript), "Check your answers",
//! "Send", and a confirmation whose next step is giving the medical evidence. The referral it
//! becomes waits for the school to complete its part.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, show_again, with_status_422};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mns_app::referrals::{NotificationToSend, referral_reference};
use mns_app::{AppError, AppResult, FieldError};
use mns_domain::referral::{HealthNotification, HealthNotificationEntry, Notifier};

/// Who is sending the notification: a signed-in health professional, or anyone through the
/// public form (`/health-notification`, with its pre-session CSRF token and their address).
pub enum Sender<'a> {
    /// A signed-in health professional.
    SignedIn(&'a SignedIn),
    /// Anyone, through the public form.
    Public {
        /// The form's CSRF token.
        csrf_token: String,
        /// Where the request came from, for the rate limit.
        source: String,
    },
}

impl Sender<'_> {
    fn chrome(&self, state: &AppState) -> Chrome {
        match self {
            Sender::SignedIn(user) => Chrome::signed_in(state, user, "/notifications/new"),
            Sender::Public { csrf_token, .. } => {
                let mut chrome = Chrome::new(state, None, "/health-notification");
                chrome.csrf_token = csrf_token.clone();
                chrome
            }
        }
    }

    fn action(&self) -> &'static str {
        match self {
            Sender::SignedIn(_) => "/notifications/new",
            Sender::Public { .. } => "/health-notification",
        }
    }

    fn public(&self) -> bool {
        matches!(self, Sender::Public { .. })
    }

    async fn schools(
        &self,
        state: &AppState,
        search: &str,
    ) -> AppResult<Vec<mns_app::records::SchoolRecord>> {
        match self {
            Sender::SignedIn(user) => {
                state
                    .app
                    .schools_for_notification(&user.actor, search)
                    .await
            }
            Sender::Public { .. } if search.trim().is_empty() => Ok(Vec::new()),
            Sender::Public { .. } => state.app.search_schools(search).await,
        }
    }

    async fn read(
        &self,
        state: &AppState,
        entry: &HealthNotificationEntry,
    ) -> AppResult<NotificationToSend> {
        match self {
            Sender::SignedIn(user) => state.app.read_health_notification(&user.actor, entry).await,
            Sender::Public { .. } => state.app.read_public_health_notification(entry).await,
        }
    }

    /// Sends it; where to go next.
    async fn send(
        &self,
        state: &AppState,
        entry: &HealthNotificationEntry,
        checked: &NotificationToSend,
    ) -> AppResult<String> {
        match self {
            Sender::SignedIn(user) => state
                .app
                .notify_health(&user.actor, &checked.notification)
                .await
                .map(|id| format!("/notifications/{id}/sent")),
            Sender::Public { source, .. } => state
                .app
                .receive_health_notification(entry, source)
                .await
                .map(|_| "/health-notification/sent".to_string()),
        }
    }
}

/// A school the search found, as a radio option.
pub struct SchoolOption {
    urn: String,
    label: String,
}

#[derive(Template)]
#[template(path = "notification_new.html")]
struct NotificationForm {
    chrome: Chrome,
    /// Where the form posts.
    action: &'static str,
    /// The public form: say that documents are asked for afterwards.
    public: bool,
    form: FormState,
    errors: Vec<FieldError>,
    values: Fields,
    /// The schools matching the search, with the one chosen, if any.
    schools: Vec<SchoolOption>,
    /// Whether a search was made (to say when it found nothing).
    searched: bool,
}

#[derive(Template)]
#[template(path = "notification_check.html")]
struct CheckPage {
    chrome: Chrome,
    action: &'static str,
    /// What was typed, sent again with "Send" or "Change".
    hidden: Vec<(String, String)>,
    rows: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "notification_sent.html")]
struct SentPage {
    chrome: Chrome,
    id: String,
    reference: String,
    child: String,
    school: String,
    notified_on: String,
}

pub(super) fn day(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The notification as typed, and the dates that could not be read.
pub(super) fn entry(values: &Fields) -> (HealthNotificationEntry, Vec<FieldError>) {
    let mut date_errors = Vec::new();
    let date_of_birth = values.date("date_of_birth", "Date of birth", &mut date_errors);
    let agreed_on = values.date("agreed_on", "The date they agreed", &mut date_errors);
    let entry = HealthNotificationEntry {
        first_name: values.trimmed("first_name"),
        last_name: values.trimmed("last_name"),
        date_of_birth,
        nhs_number: values.trimmed("nhs_number"),
        postcode: values.trimmed("postcode"),
        school_urn: values.trimmed("school_urn"),
        condition: values.trimmed("condition"),
        expected_weeks_absent: values.trimmed("expected_weeks_absent"),
        parent_agreed: values.has("parent_agreed", "yes"),
        agreed_by: values.trimmed("agreed_by"),
        agreed_on,
        notifier: Notifier {
            name: values.trimmed("notifier_name"),
            role: values.trimmed("notifier_role"),
            organisation: values.trimmed("notifier_organisation"),
            email: values.trimmed("notifier_email"),
        },
    };
    (entry, date_errors)
}

/// The problems to show: a date that could not be read is said once, as the edge found it.
fn merged(date_errors: Vec<FieldError>, problems: Vec<FieldError>) -> Vec<FieldError> {
    let mut all = problems;
    for e in date_errors {
        match all.iter_mut().find(|p| p.field == e.field) {
            Some(p) => *p = e,
            None => all.push(e),
        }
    }
    all
}

async fn form_page(
    state: &AppState,
    sender: &Sender<'_>,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let search = values.trimmed("school_search");
    let chosen = values.trimmed("school_urn");
    let mut found = sender.schools(state, &search).await?;
    found.truncate(20);
    if !chosen.is_empty()
        && !found.iter().any(|s| s.urn == chosen)
        && let Some(school) = state.app.school(&chosen).await?
    {
        found.insert(0, school);
    }
    let schools = found
        .into_iter()
        .map(|s| SchoolOption {
            label: match &s.town {
                Some(town) if !town.is_empty() => format!("{} ({}), URN {}", s.name, town, s.urn),
                _ => format!("{}, URN {}", s.name, s.urn),
            },
            urn: s.urn,
        })
        .collect();
    let form = FormState::with(errors.clone());
    Ok(render(&NotificationForm {
        chrome: sender.chrome(state).with_errors(&form),
        action: sender.action(),
        public: sender.public(),
        form,
        errors,
        searched: !search.is_empty(),
        values,
        schools,
    }))
}

/// `GET /notifications/new`: the notification's questions, the notifier's name and email
/// filled in from their account.
pub async fn new(State(state): State<AppState>, user: SignedIn) -> PageResult {
    state.app.may_notify_health(&user.actor)?;
    let mut values = Fields::default();
    values.put("notifier_name", user.actor.user.display_name.clone());
    values.put("notifier_email", user.actor.user.email.clone());
    form_page(&state, &Sender::SignedIn(&user), values, Vec::new()).await
}

/// `POST /notifications/new`: see [`submit_as`].
pub async fn submit(State(state): State<AppState>, user: SignedIn, values: Fields) -> PageResult {
    state.app.may_notify_health(&user.actor)?;
    submit_as(&state, &Sender::SignedIn(&user), values).await
}

/// The notification's form posted: "Find school" shows the matches; "Continue" checks
/// everything and shows "Check your answers"; "Change" goes back to the questions; "Send"
/// sends it and goes to the confirmation. Problems show the questions again, as typed (429 when
/// the public form has been used too often from one address).
pub async fn submit_as(state: &AppState, sender: &Sender<'_>, values: Fields) -> PageResult {
    if matches!(values.text("action"), "find" | "change") {
        return form_page(state, sender, values, Vec::new()).await;
    }
    let (typed, date_errors) = entry(&values);
    let checked = match sender.read(state, &typed).await {
        Ok(checked) if date_errors.is_empty() => checked,
        Ok(_) => {
            let page = form_page(state, sender, values, date_errors).await?;
            return Ok(with_status_422(page));
        }
        Err(e) => {
            return show_again(e, |problems| {
                form_page(state, sender, values.clone(), merged(date_errors, problems))
            })
            .await;
        }
    };
    if values.text("action") != "send" {
        return Ok(check_page(state, sender, &values, &checked));
    }
    match sender.send(state, &typed, &checked).await {
        Ok(next) => Ok(Redirect::to(&next).into_response()),
        Err(AppError::Throttled) => {
            let problem = FieldError::new(
                "notifier_email",
                "Too many notifications have been sent from here. Try again in an hour, or telephone the Medical Needs Service",
            );
            let mut page = form_page(state, sender, values, vec![problem]).await?;
            *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            Ok(page)
        }
        Err(e) => show_again(e, |problems| form_page(state, sender, values, problems)).await,
    }
}

fn check_page(
    state: &AppState,
    sender: &Sender<'_>,
    values: &Fields,
    checked: &NotificationToSend,
) -> Response {
    let n: &HealthNotification = &checked.notification;
    let a = &n.notifier;
    render(&CheckPage {
        chrome: sender.chrome(state),
        action: sender.action(),
        hidden: values
            .pairs()
            .iter()
            .filter(|(k, _)| k != "csrf_token" && k != "action")
            .cloned()
            .collect(),
        rows: vec![
            ("Child's name", format!("{} {}", n.first_name, n.last_name)),
            ("Date of birth", day(n.date_of_birth)),
            ("NHS number", n.nhs_number.to_string()),
            ("Home postcode", n.postcode.to_string()),
            (
                "School",
                format!("{}, URN {}", checked.school.name, checked.school.urn),
            ),
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
    })
}

/// `GET /notifications/{id}/sent`: the confirmation, for the person who sent it; its next
/// step is giving the medical evidence.
pub async fn sent(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let view = state.app.sent_health_notification(&user.actor, &id).await?;
    let n = &view.notification;
    let school = state
        .app
        .school(n.school_urn.as_str())
        .await?
        .map_or_else(|| n.school_urn.to_string(), |s| s.name);
    Ok(render(&SentPage {
        chrome: Chrome::signed_in(&state, &user, "/notifications/new"),
        reference: referral_reference(&id),
        child: format!("{} {}", n.first_name, n.last_name),
        school,
        notified_on: day(n.notified_on),
        id,
    }))
}
