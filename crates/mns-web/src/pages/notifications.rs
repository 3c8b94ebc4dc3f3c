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
use axum::response::{IntoResponse, Redirect};
use mns_app::FieldError;
use mns_app::referrals::{NotificationToSend, referral_reference};
use mns_domain::referral::{HealthNotification, HealthNotificationEntry, Notifier};

/// A school the search found, as a radio option.
pub struct SchoolOption {
    urn: String,
    label: String,
}

#[derive(Template)]
#[template(path = "notification_new.html")]
struct NotificationForm {
    chrome: Chrome,
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

fn day(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The notification as typed, and the dates that could not be read.
fn entry(values: &Fields) -> (HealthNotificationEntry, Vec<FieldError>) {
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
    user: &SignedIn,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    state.app.may_notify_health(&user.actor)?;
    let search = values.trimmed("school_search");
    let chosen = values.trimmed("school_urn");
    let mut found = state
        .app
        .schools_for_notification(&user.actor, &search)
        .await?;
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
        chrome: Chrome::signed_in(state, user, "/notifications/new").with_errors(&form),
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
    let mut values = Fields::default();
    values.put("notifier_name", user.actor.user.display_name.clone());
    values.put("notifier_email", user.actor.user.email.clone());
    form_page(&state, &user, values, Vec::new()).await
}

/// `POST /notifications/new`: "Find school" shows the matches; "Continue" checks everything
/// and shows "Check your answers"; "Change" goes back to the questions; "Send" makes the
/// referral and goes to the confirmation. Problems show the questions again, as typed.
pub async fn submit(State(state): State<AppState>, user: SignedIn, values: Fields) -> PageResult {
    state.app.may_notify_health(&user.actor)?;
    match values.text("action") {
        "find" | "change" => return form_page(&state, &user, values, Vec::new()).await,
        _ => {}
    }
    let (typed, date_errors) = entry(&values);
    let checked = state
        .app
        .read_health_notification(&user.actor, &typed)
        .await;
    let checked = match checked {
        Ok(checked) if date_errors.is_empty() => checked,
        Ok(_) => {
            let page = form_page(&state, &user, values, date_errors).await?;
            return Ok(with_status_422(page));
        }
        Err(e) => {
            return show_again(e, |problems| {
                form_page(&state, &user, values.clone(), merged(date_errors, problems))
            })
            .await;
        }
    };
    if values.text("action") != "send" {
        return Ok(check_page(&state, &user, &values, &checked));
    }
    match state
        .app
        .notify_health(&user.actor, &checked.notification)
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/notifications/{id}/sent")).into_response()),
        Err(e) => show_again(e, |problems| form_page(&state, &user, values, problems)).await,
    }
}

fn check_page(
    state: &AppState,
    user: &SignedIn,
    values: &Fields,
    checked: &NotificationToSend,
) -> axum::response::Response {
    let n: &HealthNotification = &checked.notification;
    let a = &n.notifier;
    render(&CheckPage {
        chrome: Chrome::signed_in(state, user, "/notifications/new"),
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
