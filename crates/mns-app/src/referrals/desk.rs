//! The coordinator's desk around a decision: what a decision will do and who will be told,
//! shown before anything is recorded (nothing is irreversible on one click); the school's
//! confirmation that its referral was sent; and the pupil's age against the school's phase.

use super::*;
use mns_domain::referral::{PhaseMismatch, StatutoryAgeRange, school_phase_mismatch};

/// Who is told of a decision: the school's users, and the parents where consent allows.
pub(super) struct Told {
    /// The referring school's active users.
    pub school: Vec<String>,
    /// The parents linked to the pupil, where the consent on the referral allows contact
    /// (MN-REF-3); empty otherwise.
    pub parents: Vec<String>,
}

/// What recording a decision will do, for the coordinator to confirm (nothing is recorded
/// yet): who will be told, and the facts the page says it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionPreview {
    /// The pupil's name.
    pub pupil_name: String,
    /// The referring school's name.
    pub school_name: String,
    /// How many of the school's users will be emailed that there is an update.
    pub school_users_told: usize,
    /// How many parents or carers will be emailed that there is an update.
    pub parents_told: usize,
    /// Whether the consent on the referral allows the service to contact the parents.
    pub parents_consent: bool,
    /// The referral date the days are counted from (MN-DEC-2).
    pub referral_date: Option<NaiveDate>,
    /// How many school weeks the initial period of provision runs (MN-PLAN-5).
    pub initial_period_weeks: u32,
}

/// A sent referral, for its school's confirmation page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralSent {
    /// The referral's reference, as the school quotes it: the first eight letters and digits
    /// of its id, in capitals.
    pub reference: String,
    /// The pupil's name.
    pub pupil_name: String,
    /// The referral date the days are counted from (MN-DEC-2).
    pub referral_date: Option<NaiveDate>,
}

/// The reference a school quotes for a referral: the first eight letters and digits of its
/// id, in capitals.
pub fn referral_reference(id: &str) -> String {
    id.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_uppercase()
}

/// The pupil's name as the form gives it.
fn pupil_name(form: &Referral) -> String {
    format!(
        "{} {}",
        form.pupil.first_name.trim(),
        form.pupil.last_name.trim()
    )
    .trim()
    .to_string()
}

/// Whether `outcome` may be recorded on the referral as the coordinator sees it: it waits for
/// a decision, any UPN match has been decided first (only questions may go before that), and
/// the outcome is complete (MN-DEC-1). The same check before the confirmation page and when
/// recording, so the page never promises what recording would refuse.
pub(super) fn may_record(view: &ReferralView, outcome: &DecisionOutcome) -> AppResult<()> {
    if !view.may(ReferralAction::Decide) {
        return Err(AppError::invalid(
            "decision",
            "This referral has already been decided",
        ));
    }
    if !matches!(outcome, DecisionOutcome::AskForInformation { .. })
        && view.may(ReferralAction::ResolvePupilMatch)
    {
        return Err(AppError::invalid(
            "decision",
            "Decide first whether this is the same child as the existing record with this UPN",
        ));
    }
    match outcome.problem() {
        Some(problem) => Err(AppError::invalid(problem.field(), problem.to_string())),
        None => Ok(()),
    }
}

impl App {
    /// Who is told of a decision on `referral` (its form `form`): one list for the decision
    /// itself and for the page that asks the coordinator to confirm it.
    pub(super) async fn told_of_decision(
        &self,
        form: &Referral,
        referral: &ReferralRecord,
    ) -> AppResult<Told> {
        let school = match &referral.school_urn {
            Some(urn) => self.store.school_user_emails(urn).await?,
            None => Vec::new(),
        };
        let parents = match &referral.pupil_id {
            Some(pupil) if form.consent.allows_contact_on(self.today()) => {
                self.store
                    .linked_user_emails(pupil, "parent", self.today())
                    .await?
            }
            _ => Vec::new(),
        };
        Ok(Told { school, parents })
    }

    /// What recording `outcome` on the referral would do, checked as recording checks it
    /// (the coordinator only; a problem with the outcome is named at its field), without
    /// recording anything. Audited as a view of the referral: the page names the pupil.
    pub async fn preview_decision(
        &self,
        actor: &Actor,
        id: &str,
        outcome: &DecisionOutcome,
    ) -> AppResult<DecisionPreview> {
        let view = self
            .referral_for_action(actor, id, ReferralAction::Decide)
            .await?;
        may_record(&view, outcome)?;
        let told = self.told_of_decision(&view.form, &view.record).await?;
        self.audit_view(actor, "referral.view", "referral", id)
            .await?;
        Ok(DecisionPreview {
            pupil_name: pupil_name(&view.form),
            initial_period_weeks: self.policy().initial_period_weeks,
            school_name: view.form.school.name.clone(),
            school_users_told: told.school.len(),
            parents_told: told.parents.len(),
            parents_consent: view.form.consent.allows_contact_on(self.today()),
            referral_date: view.record.referral_date,
        })
    }

    /// A sent referral for its confirmation page: its school's users and the coordinator see
    /// it; anyone else, and a draft, is `NotFound`. Audited as a view of the referral.
    pub async fn referral_sent(&self, actor: &Actor, id: &str) -> AppResult<ReferralSent> {
        if !(actor.may(Capability::StartReferral) || actor.may(Capability::DecideReferral)) {
            return Err(AppError::NotFound);
        }
        let view = self.referral_in_scope(actor, id).await?;
        if view.status == Status::Draft {
            return Err(AppError::NotFound);
        }
        self.audit_view(actor, "referral.view", "referral", id)
            .await?;
        Ok(ReferralSent {
            reference: referral_reference(id),
            pupil_name: pupil_name(&view.form),
            referral_date: view.record.referral_date,
        })
    }

    /// Whether the pupil's year group falls outside the statutory age range of the referring
    /// school on the schools list (council staff who read the checks; shown with them).
    pub async fn school_phase_flag(
        &self,
        actor: &Actor,
        view: &ReferralView,
    ) -> AppResult<Option<PhaseMismatch>> {
        if !ReferralAction::ReadChecks.allowed_for(actor.role()) {
            return Err(AppError::NotFound);
        }
        self.phase_mismatch(view).await
    }

    /// The phase check on a referral, on its stored referral date: `None` when the school, or
    /// its age range, is not on the schools list.
    pub(super) async fn phase_mismatch(
        &self,
        view: &ReferralView,
    ) -> AppResult<Option<PhaseMismatch>> {
        let Some(urn) = &view.record.school_urn else {
            return Ok(None);
        };
        let Some(school) = self.store.get_school(urn).await? else {
            return Ok(None);
        };
        let Some(ages) = school
            .statutory_low_age
            .zip(school.statutory_high_age)
            .and_then(|(low, high)| StatutoryAgeRange::new(low, high))
        else {
            return Ok(None);
        };
        let mut form = view.form.clone();
        form.referral_date = view.record.referral_date.or(form.referral_date);
        Ok(school_phase_mismatch(
            &form,
            &school.name,
            ages,
            self.today(),
        ))
    }
}
