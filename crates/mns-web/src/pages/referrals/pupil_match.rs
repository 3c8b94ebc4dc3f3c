//! A referral's UPN match on the coordinator's desk (MN-ROLE-2): both records side by side,
//! and the form that says whether they are the same child.

use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::PageResult;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use mns_app::AppError;

/// A UPN match shown to the coordinator: both records side by side (MN-ROLE-2).
pub struct MatchPanel {
    pub(super) label: &'static str,
    pub(super) possible: bool,
    pub(super) rows: Vec<(&'static str, String, String)>,
    pub(super) open: bool,
    pub(super) outcome: String,
    pub(super) existing_id: String,
    pub(super) note: String,
}

/// The panel for a match; `note` is what the coordinator typed, kept when the form comes back.
pub(super) fn match_panel(m: mns_app::referrals::PupilMatchView, note: String) -> MatchPanel {
    use mns_domain::referral::{MatchResolution, UpnMatch};
    let school =
        |p: &mns_app::records::PupilRecord| p.school_urn.clone().unwrap_or_else(|| "None".into());
    let rows = vec![
        (
            "First name",
            m.new_pupil.given_name.clone(),
            m.existing.given_name.clone(),
        ),
        (
            "Last name",
            m.new_pupil.family_name.clone(),
            m.existing.family_name.clone(),
        ),
        (
            "Date of birth",
            day(m.new_pupil.date_of_birth),
            day(m.existing.date_of_birth),
        ),
        ("School (URN)", school(&m.new_pupil), school(&m.existing)),
        (
            "Record made",
            day(m.new_pupil.created_at.date_naive()),
            day(m.existing.created_at.date_naive()),
        ),
    ];
    MatchPanel {
        label: m.kind.label(),
        possible: m.kind == UpnMatch::PossibleMatch,
        rows,
        open: m.record.resolved_at.is_none(),
        outcome: match m
            .record
            .resolution
            .as_deref()
            .and_then(MatchResolution::parse)
        {
            Some(MatchResolution::SameChild) => format!(
                "Confirmed as the same child{}",
                m.record
                    .resolved_at
                    .map(|t| format!(" on {}", day(t.date_naive())))
                    .unwrap_or_default()
            ),
            Some(MatchResolution::DifferentChildren) => "Kept as different children".to_string(),
            None => String::new(),
        },
        existing_id: m.existing.id,
        note,
    }
}

/// `POST /referrals/{id}/pupil-match` (the coordinator): the same child as the record with
/// this UPN, or different children (MN-ROLE-2).
pub async fn resolve_match(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let resolution = mns_domain::referral::MatchResolution::parse(&field("resolution"));
    let note = field("note");
    match state
        .app
        .resolve_pupil_match(&user.actor, &id, resolution, &note)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let values = DecisionForm {
                match_note: note,
                ..DecisionForm::default()
            };
            let mut response = referral_page(&state, &user, &id, values, errors).await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}
