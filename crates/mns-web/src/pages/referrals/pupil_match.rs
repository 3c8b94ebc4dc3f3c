//! A referral's UPN match on the coordinator's desk (MN-ROLE-2): both records side by side,
//! and the form that says whether they are the same child.

use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again};
use crate::pages::PageResult;
use axum::extract::{Path, State};

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
    fields: Fields,
) -> PageResult {
    let resolution = mns_domain::referral::MatchResolution::parse(fields.text("resolution"));
    let note = fields.text("note").to_string();
    let result = state
        .app
        .resolve_pupil_match(&user.actor, &id, resolution, &note)
        .await;
    redirect_or_show_again(
        result,
        |()| format!("/referrals/{id}"),
        |errors| {
            let values = DecisionForm {
                match_note: note,
                ..DecisionForm::default()
            };
            referral_page(&state, &user, &id, values, errors)
        },
    )
    .await
}
