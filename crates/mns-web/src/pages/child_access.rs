//! "People who can see this child": the coordinator (and a school, for its own pupils' parents
//! and carers) adds a person, removes them, and restricts a parent's access. The list is on the
//! pupil's page ([`people`]); each change has a page of its own.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::child_access::{ChildAccessRequest, Granted};
use mns_app::invitations::Invitation;
use mns_app::records::ChildAccessRecord;
use mns_app::{AppError, FieldError};
use mns_domain::calendar::format_uk_datetime;
use mns_domain::child_access::{AccessKind, ParentalResponsibility};

/// A person on the pupil page's "People who can see this child".
pub struct PersonLine {
    /// Their user id, for the remove and restrict links.
    pub user_id: String,
    /// Name and email.
    pub name: String,
    /// Email.
    pub email: String,
    /// The kind of access, in words.
    pub kind: &'static str,
    /// In words.
    pub relationship: String,
    /// For parents and carers; empty otherwise.
    pub parental_responsibility: &'static str,
    /// Why it is restricted, if it is.
    pub restriction: Option<String>,
    /// The last day, in words, if it ends.
    pub ends: Option<String>,
    /// Whether the reader may restrict it (or lift the restriction).
    pub may_restrict: bool,
}

/// The people `user` manages who can see the child, for the pupil page.
pub fn people(user: &SignedIn, records: Vec<ChildAccessRecord>) -> Vec<PersonLine> {
    records
        .into_iter()
        .filter_map(|a| {
            let kind = AccessKind::parse(&a.kind)?;
            Some(PersonLine {
                user_id: a.user_id,
                name: a.display_name,
                email: a.email,
                kind: kind.label(),
                relationship: a.relationship,
                parental_responsibility: if kind == AccessKind::Parent {
                    ParentalResponsibility::parse(&a.parental_responsibility)
                        .unwrap_or(ParentalResponsibility::Unknown)
                        .label()
                } else {
                    ""
                },
                restriction: a.restricted.then_some(a.restricted_reason),
                ends: a.ends_on.map(|d| d.format("%-d %B %Y").to_string()),
                may_restrict: kind.restricted_by(user.actor.role()),
            })
        })
        .collect()
}

/// An invitation waiting on the pupil page's "People who can see this child".
pub struct InvitationLine {
    /// Its id, for the cancel link.
    pub id: String,
    /// Where it went.
    pub email: String,
    /// The kind of access, in words.
    pub kind: &'static str,
    /// In words.
    pub relationship: String,
    /// When it was sent, in words.
    pub sent: String,
    /// When its link stops (or stopped) working, in words.
    pub expires: String,
    /// Whether it has.
    pub expired: bool,
}

/// The invitations waiting for the child, for the pupil page.
pub fn invitations(records: Vec<Invitation>) -> Vec<InvitationLine> {
    records
        .into_iter()
        .map(|i| InvitationLine {
            id: i.id,
            email: i.email,
            kind: i.kind.label(),
            relationship: i.relationship,
            sent: format_uk_datetime(i.sent_at),
            expires: format_uk_datetime(i.expires_at),
            expired: i.expired,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "child_access_new.html")]
struct AddPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Fields,
    pupil_id: String,
    pupil_name: String,
    kinds: Vec<(&'static str, &'static str)>,
    responsibilities: Vec<(&'static str, &'static str)>,
}

async fn add_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let (pupil, _) = state.app.child_access_list(&user.actor, id).await?;
    let form = FormState::with(errors.clone());
    Ok(render(&AddPage {
        chrome: Chrome::signed_in(state, user, "/pupils/").with_errors(&form),
        form,
        errors,
        values,
        pupil_name: format!("{} {}", pupil.given_name, pupil.family_name),
        pupil_id: pupil.id,
        kinds: AccessKind::ALL
            .into_iter()
            .filter(|k| k.managed_by(user.actor.role()))
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        responsibilities: [
            ParentalResponsibility::Yes,
            ParentalResponsibility::No,
            ParentalResponsibility::Unknown,
        ]
        .into_iter()
        .map(|p| (p.as_str(), p.label()))
        .collect(),
    }))
}

/// `GET /pupils/{id}/access/new`: the form to add a person.
pub async fn new(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    add_page(&state, &user, &id, Fields::from(Vec::new()), Vec::new()).await
}

/// `POST /pupils/{id}/access`: adds the person; back to the pupil's page.
pub async fn add(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let mut date_errors = Vec::new();
    let ends_on = values.date("ends_on", "The last day of access", &mut date_errors);
    let request = ChildAccessRequest {
        email: values.text("email").to_string(),
        kind: values.text("kind").to_string(),
        relationship: values.text("relationship").to_string(),
        parental_responsibility: values.text("parental_responsibility").to_string(),
        ends_on: match date_errors.into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(ends_on),
        },
        reason: values.text("reason").to_string(),
    };
    let result = state
        .app
        .grant_child_access(&user.actor, &id, request)
        .await;
    redirect_or_show_again(
        result,
        |granted| match granted {
            Granted::Access(_) => format!("/pupils/{id}?done=added#people"),
            Granted::Invited(_) => format!("/pupils/{id}?done=invited#people"),
        },
        |errors| add_page(&state, &user, &id, values, errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "child_access_remove.html")]
struct RemovePage {
    chrome: Chrome,
    pupil_id: String,
    pupil_name: String,
    user_id: String,
    name: String,
    kind: &'static str,
}

/// `GET /pupils/{id}/access/{user}/remove`: "are you sure?".
pub async fn confirm_remove(
    State(state): State<AppState>,
    user: SignedIn,
    Path((id, person)): Path<(String, String)>,
) -> PageResult {
    let (pupil, access) = state.app.child_access_of(&user.actor, &id, &person).await?;
    Ok(render(&RemovePage {
        chrome: Chrome::signed_in(&state, &user, "/pupils/"),
        pupil_name: format!("{} {}", pupil.given_name, pupil.family_name),
        pupil_id: pupil.id,
        user_id: access.user_id,
        name: access.display_name,
        kind: AccessKind::parse(&access.kind).map_or("", |k| k.label()),
    }))
}

/// `POST /pupils/{id}/access/{user}/remove`.
pub async fn remove(
    State(state): State<AppState>,
    user: SignedIn,
    Path((id, person)): Path<(String, String)>,
) -> PageResult {
    state
        .app
        .remove_child_access(&user.actor, &id, &person)
        .await?;
    Ok(Redirect::to(&format!("/pupils/{id}?done=removed#people")).into_response())
}

#[derive(Template)]
#[template(path = "child_access_restrict.html")]
struct RestrictPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Fields,
    pupil_id: String,
    pupil_name: String,
    user_id: String,
    name: String,
    restricted: bool,
    restricted_reason: String,
}

async fn restrict_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    person: &str,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let (pupil, access) = state.app.child_access_of(&user.actor, id, person).await?;
    if !AccessKind::parse(&access.kind).is_some_and(|k| k.restricted_by(user.actor.role())) {
        return Err(AppError::NotFound.into());
    }
    let form = FormState::with(errors.clone());
    Ok(render(&RestrictPage {
        chrome: Chrome::signed_in(state, user, "/pupils/").with_errors(&form),
        form,
        errors,
        values,
        pupil_name: format!("{} {}", pupil.given_name, pupil.family_name),
        pupil_id: pupil.id,
        user_id: access.user_id,
        name: access.display_name,
        restricted: access.restricted,
        restricted_reason: access.restricted_reason,
    }))
}

/// `GET /pupils/{id}/access/{user}/restrict`: restrict a parent's access, or lift it.
pub async fn restrict_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path((id, person)): Path<(String, String)>,
) -> PageResult {
    restrict_page(
        &state,
        &user,
        &id,
        &person,
        Fields::from(Vec::new()),
        Vec::new(),
    )
    .await
}

/// `POST /pupils/{id}/access/{user}/restrict`: `restrict=yes` with a reason, or lifts it.
pub async fn restrict(
    State(state): State<AppState>,
    user: SignedIn,
    Path((id, person)): Path<(String, String)>,
    values: Fields,
) -> PageResult {
    let result = state
        .app
        .restrict_parental_access(
            &user.actor,
            &id,
            &person,
            values.text("restrict") == "yes",
            values.text("restricted_reason"),
        )
        .await;
    redirect_or_show_again(
        result,
        |()| format!("/pupils/{id}?done=restricted#people"),
        |errors| restrict_page(&state, &user, &id, &person, values, errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "child_access_cancel_invitation.html")]
struct CancelInvitationPage {
    chrome: Chrome,
    pupil_id: String,
    pupil_name: String,
    invitation: InvitationLine,
}

/// `GET /pupils/{id}/invitations/{invitation}/cancel`: "are you sure?".
pub async fn confirm_cancel_invitation(
    State(state): State<AppState>,
    user: SignedIn,
    Path((id, invitation)): Path<(String, String)>,
) -> PageResult {
    let (pupil, invitation) = state
        .app
        .invitation_to(&user.actor, &id, &invitation)
        .await?;
    Ok(render(&CancelInvitationPage {
        chrome: Chrome::signed_in(&state, &user, "/pupils/"),
        pupil_name: format!("{} {}", pupil.given_name, pupil.family_name),
        pupil_id: pupil.id,
        invitation: invitations(vec![invitation]).remove(0),
    }))
}

/// `POST /pupils/{id}/invitations/{invitation}/cancel`.
pub async fn cancel_invitation(
    State(state): State<AppState>,
    user: SignedIn,
    Path((id, invitation)): Path<(String, String)>,
) -> PageResult {
    state
        .app
        .cancel_invitation(&user.actor, &id, &invitation)
        .await?;
    Ok(Redirect::to(&format!("/pupils/{id}?done=invitation-cancelled#people")).into_response())
}
