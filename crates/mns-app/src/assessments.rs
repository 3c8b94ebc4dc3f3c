//! The assessment phase (issue 16): before a full referral, the coordinator or a caseworker
//! opens an assessment with the school for a pupil (often from an attendance alert): the
//! concern, the advice and strategies agreed, who does what by when, a review date, and then
//! the outcome (resolved, referral invited, referral made). A referral made from it carries it
//! across, so the pupil's and the referral's pages both show the link. The school sees its own
//! pupils' assessments.

use chrono::NaiveDate;
use mns_domain::identity::Role;
use mns_domain::permissions::Capability;
use mns_store::{AssessmentRecord, PupilRecord, new_id, ts};

use crate::early_identification::{alert_event, decide};
use serde::{Deserialize, Serialize};

use crate::{Actor, App, AppError, AppResult, FieldError};

/// Who does an agreed action.
pub const OWNERS: [(&str, &str); 3] = [
    ("school", "The school"),
    ("service", "The Medical Needs Service"),
    ("family", "The family"),
];

/// The outcomes an assessment can have.
pub const OUTCOMES: [(&str, &str); 3] = [
    ("resolved", "Resolved: no referral needed"),
    (
        "referral_invited",
        "Referral invited: the school has been asked to refer",
    ),
    ("referral_made", "Referral made"),
];

/// The label of a stored value in a list of (value, label).
pub fn label_of<'a>(list: &'a [(&'a str, &'a str)], value: &'a str) -> &'a str {
    list.iter()
        .find(|(v, _)| *v == value)
        .map_or(value, |(_, label)| label)
}

/// One agreed action: what, who, by when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreedAction {
    /// What will be done.
    pub action: String,
    /// `school`, `service` or `family`.
    pub owner: String,
    /// By when, if agreed.
    pub by: Option<NaiveDate>,
}

/// What the person opening an assessment gives.
#[derive(Debug, Clone, Default)]
pub struct AssessmentEntry {
    /// The concern.
    pub concern: String,
    /// The advice and strategies agreed.
    pub advice: String,
    /// Who does what, by when (rows with no action are ignored).
    pub actions: Vec<AgreedAction>,
    /// The review date.
    pub review_date: Option<NaiveDate>,
}

/// A pupil the service has no record of yet (an alert's UPN): the names and date of birth to
/// make the record with.
#[derive(Debug, Clone, Default)]
pub struct NewPupilEntry {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
}

/// Where an assessment is opened from.
pub enum AssessmentSubject<'a> {
    /// A pupil with a record.
    Pupil(&'a str),
    /// An attendance alert; with the details to make the pupil's record if there is none.
    Alert(&'a str, Option<NewPupilEntry>),
}

fn field(field: &str, message: &str) -> FieldError {
    FieldError::new(field, message)
}

/// The problems with an entry, in the order of the form.
pub fn entry_problems(entry: &AssessmentEntry, today: NaiveDate) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if entry.concern.trim().is_empty() {
        problems.push(field("concern", "Enter the concern"));
    }
    if entry.advice.trim().is_empty() {
        problems.push(field("advice", "Enter the advice and strategies agreed"));
    }
    for (index, action) in entry.actions.iter().enumerate() {
        if action.action.trim().is_empty() {
            continue;
        }
        if !OWNERS.iter().any(|(value, _)| *value == action.owner) {
            problems.push(FieldError::new(
                &format!("owner_{index}"),
                format!("Select who will do action {}", index + 1),
            ));
        }
    }
    if let Some(review) = entry.review_date
        && review < today
    {
        problems.push(field(
            "review_date",
            "The review date must be today or in the future",
        ));
    }
    for (name, text) in [("concern", &entry.concern), ("advice", &entry.advice)] {
        if text.chars().count() > 4000 {
            problems.push(FieldError::new(
                name,
                "Keep this to 4,000 characters or fewer",
            ));
        }
    }
    problems
}

impl App {
    /// Whether the actor may see assessments of a pupil it can see: the coordinator,
    /// caseworkers and the pupil's school.
    fn may_see_assessments(actor: &Actor) -> bool {
        matches!(
            actor.role(),
            Role::Coordinator | Role::Caseworker | Role::School
        )
    }

    /// The pupil an alert's UPN has a record for, if any (for the form).
    pub async fn assessment_subject_pupil(
        &self,
        actor: &Actor,
        alert_id: &str,
    ) -> AppResult<(mns_store::AlertRecord, Option<PupilRecord>)> {
        actor.require(Capability::ManageAssessments)?;
        let alert = self
            .store
            .alert(alert_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let pupil = self.store.pupil_by_upn(&alert.upn).await?;
        Ok((alert, pupil))
    }

    /// Opens an assessment; from an alert, that decides the alert ("assessment opened") and,
    /// if the service has no record of the pupil, makes one from the details given.
    pub async fn open_assessment(
        &self,
        actor: &Actor,
        subject: AssessmentSubject<'_>,
        entry: &AssessmentEntry,
    ) -> AppResult<String> {
        actor.require(Capability::ManageAssessments)?;
        let today = self.today();
        let now = self.now();
        let mut problems = Vec::new();
        let (pupil, alert, new_pupil) = match subject {
            AssessmentSubject::Pupil(id) => (Some(self.pupil_for(actor, id).await?), None, None),
            AssessmentSubject::Alert(id, details) => {
                let alert = self.store.alert(id).await?.ok_or(AppError::NotFound)?;
                match self.store.pupil_by_upn(&alert.upn).await? {
                    Some(pupil) => (Some(pupil), Some(alert), None),
                    None => {
                        let details = details.unwrap_or_default();
                        if details.given_name.trim().is_empty() {
                            problems.push(field("given_name", "Enter the pupil's first name"));
                        }
                        if details.family_name.trim().is_empty() {
                            problems.push(field("family_name", "Enter the pupil's last name"));
                        }
                        match details.date_of_birth {
                            None => problems.push(field(
                                "date_of_birth",
                                "Enter the pupil's date of birth, for example 14 5 2012",
                            )),
                            Some(date) if date >= today => problems.push(field(
                                "date_of_birth",
                                "The date of birth must be in the past",
                            )),
                            Some(_) => {}
                        }
                        (None, Some(alert), Some(details))
                    }
                }
            }
        };
        problems.extend(entry_problems(entry, today));
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let mut tx = self.store.begin().await?;
        let pupil = match (pupil, &alert, new_pupil) {
            (Some(pupil), _, _) => pupil,
            (None, Some(alert), Some(details)) => {
                let record = PupilRecord {
                    id: new_id(),
                    upn: Some(alert.upn.clone()),
                    given_name: details.given_name.trim().to_owned(),
                    family_name: details.family_name.trim().to_owned(),
                    date_of_birth: details.date_of_birth.unwrap_or(today),
                    school_urn: Some(alert.urn.clone()),
                    created_at: now,
                    updated_at: now,
                };
                tx.insert_pupil(&record).await?;
                self.audit(
                    &mut tx,
                    actor,
                    "pupil.create",
                    "pupil",
                    &record.id,
                    "from an attendance alert",
                )
                .await?;
                record
            }
            _ => return Err(AppError::NotFound),
        };
        let actions: Vec<&AgreedAction> = entry
            .actions
            .iter()
            .filter(|a| !a.action.trim().is_empty())
            .collect();
        let record = AssessmentRecord {
            id: new_id(),
            pupil_id: pupil.id.clone(),
            urn: alert
                .as_ref()
                .map(|a| a.urn.clone())
                .or_else(|| pupil.school_urn.clone()),
            alert_id: alert.as_ref().map(|a| a.id.clone()),
            opened_by: actor.user.id.clone(),
            opened_at: now,
            concern: entry.concern.trim().to_owned(),
            advice: entry.advice.trim().to_owned(),
            actions_json: serde_json::to_string(&actions)
                .map_err(|e| AppError::internal(format!("agreed actions: {e}")))?,
            review_date: entry.review_date.map(|d| d.to_string()),
            outcome: None,
            outcome_note: None,
            outcome_at: None,
            referral_id: None,
            updated_at: now,
        };
        tx.insert_assessment(&record).await?;
        if let Some(mut alert) = alert {
            tx.link_alerts_to_pupil(&alert.upn, &pupil.id).await?;
            alert.pupil_id = Some(pupil.id.clone());
            decide(&mut alert, now);
            tx.update_alert(&alert).await?;
            let opened = Some("assessment_opened");
            tx.insert_alert_event(&alert_event(
                &alert.id,
                now,
                "action",
                opened,
                None,
                Some(actor),
            ))
            .await?;
        }
        self.audit(
            &mut tx,
            actor,
            "assessment.open",
            "pupil",
            &pupil.id,
            &record.id,
        )
        .await?;
        tx.commit().await?;
        Ok(record.id)
    }

    /// An assessment and its pupil (audited); `NotFound` outside the actor's scope.
    pub async fn assessment(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(AssessmentRecord, PupilRecord)> {
        if !Self::may_see_assessments(actor) {
            return Err(AppError::NotFound);
        }
        let record = self.store.assessment(id).await?.ok_or(AppError::NotFound)?;
        let pupil = self.pupil_for(actor, &record.pupil_id).await?;
        self.audit_view(actor, "assessment.view", "pupil", &pupil.id)
            .await?;
        Ok((record, pupil))
    }

    /// A pupil's assessments, for their page (empty for those who may not see them).
    pub async fn assessments_of_pupil(
        &self,
        actor: &Actor,
        pupil_id: &str,
    ) -> AppResult<Vec<AssessmentRecord>> {
        if !Self::may_see_assessments(actor) {
            return Ok(Vec::new());
        }
        self.pupil_for(actor, pupil_id).await?;
        Ok(self.store.assessments_for_pupil(pupil_id).await?)
    }

    /// The pupil's sent referrals, for "Referral made": id and reference.
    pub async fn referrals_for_assessment(
        &self,
        actor: &Actor,
        pupil_id: &str,
    ) -> AppResult<Vec<(String, String)>> {
        actor.require(Capability::ManageAssessments)?;
        Ok(self
            .store
            .sent_referrals_of_pupil(pupil_id)
            .await?
            .into_iter()
            .map(|(id, _, created)| {
                let reference = crate::referrals::referral_reference(&id);
                (
                    id,
                    format!("{reference} (started {})", created.get(..10).unwrap_or("")),
                )
            })
            .collect())
    }

    /// Records the outcome. "Referral made" names one of the pupil's sent referrals, which
    /// then carries the assessment.
    pub async fn record_assessment_outcome(
        &self,
        actor: &Actor,
        id: &str,
        outcome: &str,
        referral_id: &str,
        note: &str,
    ) -> AppResult<()> {
        actor.require(Capability::ManageAssessments)?;
        let (mut record, pupil) = self.assessment(actor, id).await?;
        let mut problems = Vec::new();
        if !OUTCOMES.iter().any(|(value, _)| *value == outcome) {
            problems.push(field("outcome", "Select the outcome"));
        }
        let referral = if outcome == "referral_made" {
            let sent = self.store.sent_referrals_of_pupil(&pupil.id).await?;
            match sent.iter().find(|(r, _, _)| r == referral_id) {
                Some((r, _, _)) => Some(r.clone()),
                None => {
                    problems.push(field("referral_id", "Select the referral that was made"));
                    None
                }
            }
        } else {
            None
        };
        if note.chars().count() > 4000 {
            problems.push(field("note", "Keep this to 4,000 characters or fewer"));
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let now = self.now();
        record.outcome = Some(outcome.to_owned());
        record.outcome_note = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
        record.outcome_at = Some(ts(now));
        record.referral_id = referral;
        record.updated_at = now;
        let mut tx = self.store.begin().await?;
        tx.record_assessment_outcome(&record).await?;
        self.audit(
            &mut tx,
            actor,
            "assessment.outcome",
            "pupil",
            &pupil.id,
            outcome,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The assessment a referral came from (for the referral's page), if the actor may see it.
    pub async fn assessment_of_referral(
        &self,
        actor: &Actor,
        referral_id: &str,
    ) -> AppResult<Option<AssessmentRecord>> {
        if !Self::may_see_assessments(actor) {
            return Ok(None);
        }
        Ok(self.store.assessment_for_referral(referral_id).await?)
    }
}
