//! Who works on a referral: the "Assigned to" part of the referral's page and its form.

use super::*;
use mns_app::referrals::Assignment;

/// Someone the referral can be assigned to, as the select shows them.
pub struct AssigneeChoice {
    pub(super) id: String,
    pub(super) label: String,
    pub(super) selected: bool,
}

/// The "Assigned to" part of the referral's page.
pub struct AssignmentPanel {
    /// Who has it, in words ("Sam Patel, Caseworker"), or `None`.
    pub(super) assigned: Option<String>,
    /// The people it may be given to (empty: the reader may not assign it).
    pub(super) choices: Vec<AssigneeChoice>,
    /// Whether nobody has it.
    pub(super) nobody: bool,
    /// The problem with the last choice, if any.
    pub(super) error: Option<String>,
}

/// What the page says just after an assignment.
pub struct AssignedBanner {
    pub(super) text: String,
}

impl AssignmentPanel {
    /// The banner after the assignment was saved.
    pub(super) fn banner(&self) -> AssignedBanner {
        AssignedBanner {
            text: match &self.assigned {
                Some(who) => format!("The referral is assigned to {who}."),
                None => "The referral is not assigned to anyone.".into(),
            },
        }
    }
}

/// The panel for an assignment as the app gives it, with the problem with `assigned_to` among
/// `errors`, if any.
pub(super) fn assignment_panel(assignment: Assignment, errors: &[FieldError]) -> AssignmentPanel {
    let current = assignment.assigned.as_ref().map(|a| a.id.clone());
    AssignmentPanel {
        assigned: assignment
            .assigned
            .as_ref()
            .map(|a| format!("{}, {}", a.name, a.role)),
        nobody: assignment.assigned.is_none(),
        choices: assignment
            .choices
            .into_iter()
            .map(|c| AssigneeChoice {
                selected: current.as_deref() == Some(c.id.as_str()),
                label: format!("{} ({})", c.name, c.role),
                id: c.id,
            })
            .collect(),
        error: errors
            .iter()
            .find(|e| e.field == "assigned_to")
            .map(|e| e.message.clone()),
    }
}

/// `POST /referrals/{id}/assign` (the coordinator): assigns the referral to the chosen person,
/// or to nobody (`assigned_to` empty).
pub async fn assign(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    fields: Fields,
) -> PageResult {
    let chosen = fields.trimmed("assigned_to");
    redirect_or_show_again(
        state
            .app
            .assign_referral(
                &user.actor,
                &id,
                Some(chosen.as_str()).filter(|c| !c.is_empty()),
            )
            .await,
        |()| format!("/referrals/{id}?assigned=yes#assignment"),
        |errors| referral_page(&state, &user, &id, DecisionForm::default(), errors),
    )
    .await
}
