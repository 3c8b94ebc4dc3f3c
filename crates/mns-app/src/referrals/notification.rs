//! Health notifications (issue 14): a health professional tells the service that a child cannot
//! attend school because of their health. The service makes a referral for the child's school,
//! waiting for the school to complete its part (the checklist, the attendance), dated the day of
//! the notification: the clock runs from it, and the school's later send never moves it
//! (MN-DEC-1, MN-DEC-2). The child is found or made by the same rule as a school's referral,
//! never merged on a mismatch (MN-ROLE-2).

use super::{Status, to_json};
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::{DateTime, Utc};
use mns_domain::child_access::AccessKind;
use mns_domain::permissions::Capability;
use mns_domain::referral::{
    HealthNotification, HealthNotificationEntry, NotificationRules, ReferralOrigin,
};
use mns_store::{
    HealthNotificationRecord, NewChildAccess, PupilRecord, ReferralRecord, SchoolRecord, new_id,
};

/// The questions about the child, which come before the school's in the form.
const CHILD_FIELDS: [&str; 5] = [
    "first_name",
    "last_name",
    "date_of_birth",
    "nhs_number",
    "postcode",
];

/// A notification read and checked, with its school from the schools list: what the
/// check-your-answers page shows before anything is sent.
#[derive(Debug, Clone)]
pub struct NotificationToSend {
    /// The notification.
    pub notification: HealthNotification,
    /// Its school.
    pub school: SchoolRecord,
}

/// A notification the service has, as its referral's readers see it.
#[derive(Debug, Clone)]
pub struct NotificationView {
    /// The referral it became.
    pub referral_id: String,
    /// The notification.
    pub notification: HealthNotification,
    /// When the service received it.
    pub notified_at: DateTime<Utc>,
}

impl App {
    /// What the service allows in a notification today: NHS numbers of the 999 test range only
    /// in the demo.
    pub fn notification_rules(&self) -> NotificationRules {
        NotificationRules {
            today: self.today(),
            allow_test_nhs_numbers: self.settings.demo,
        }
    }

    /// Whether `actor` may send a health notification (`NotFound` otherwise).
    pub fn may_notify_health(&self, actor: &Actor) -> AppResult<()> {
        actor.require(Capability::NotifyHealth)
    }

    /// Schools in the schools list matching `search` (name, town or URN), for the
    /// notification's school question (those who may notify only).
    pub async fn schools_for_notification(
        &self,
        actor: &Actor,
        search: &str,
    ) -> AppResult<Vec<SchoolRecord>> {
        actor.require(Capability::NotifyHealth)?;
        if search.trim().is_empty() {
            return Ok(Vec::new());
        }
        self.search_schools(search).await
    }

    /// Reads a notification as typed (those who may notify only): every problem at once, the
    /// school looked up in the schools list. Nothing is written.
    pub async fn read_health_notification(
        &self,
        actor: &Actor,
        entry: &HealthNotificationEntry,
    ) -> AppResult<NotificationToSend> {
        actor.require(Capability::NotifyHealth)?;
        self.checked_notification(entry).await
    }

    /// Reads a notification sent through the public form (anyone may), as
    /// [`App::read_health_notification`] does. Nothing is written.
    pub async fn read_public_health_notification(
        &self,
        entry: &HealthNotificationEntry,
    ) -> AppResult<NotificationToSend> {
        self.checked_notification(entry).await
    }

    async fn checked_notification(
        &self,
        entry: &HealthNotificationEntry,
    ) -> AppResult<NotificationToSend> {
        let parsed = entry.parse(self.notification_rules());
        let school = match entry.school_urn.trim() {
            "" => None,
            urn => self.store.get_school(urn).await?,
        };
        let mut problems: Vec<FieldError> = match &parsed {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .iter()
                .map(|p| FieldError::new(&p.field, p.message.clone()))
                .collect(),
        };
        if school.is_none() && !entry.school_urn.trim().is_empty() {
            problems.retain(|p| p.field != "school");
            // In the order of the form: after the child, before their health.
            let at = problems
                .iter()
                .position(|p| !CHILD_FIELDS.contains(&p.field.as_str()))
                .unwrap_or(problems.len());
            problems.insert(
                at,
                FieldError::new(
                    "school",
                    "No school in the schools list has that URN: search for the school by its name",
                ),
            );
        }
        match (parsed, school) {
            (Ok(notification), Some(school)) if problems.is_empty() => Ok(NotificationToSend {
                notification,
                school,
            }),
            _ => Err(AppError::Invalid(problems)),
        }
    }

    /// Makes the referral a health notification asks for, in one transaction: the child found
    /// or made by the same rule as a school's referral (NHS number, then name at the school;
    /// never merged on a mismatch), the referral for the school waiting for it
    /// ([`Status::AwaitingSchool`]), dated the day of the notification, with the pupil's and the
    /// health need's parts filled in; the notification kept with it; the notifying health
    /// professional linked to the child; the audit entries; and emails without the child's
    /// details to the school's users and the coordinator. Returns the referral's id.
    pub async fn notify_health(
        &self,
        actor: &Actor,
        notification: &HealthNotification,
    ) -> AppResult<String> {
        actor.require(Capability::NotifyHealth)?;
        self.make_notified_referral(actor, notification, None).await
    }

    /// [`App::notify_health`]'s work, for a health professional's notification or (`enquiry`
    /// given) the coordinator's referral from one sent through the public form, which is marked
    /// handled in the same transaction. Callers check the capability.
    pub(super) async fn make_notified_referral(
        &self,
        actor: &Actor,
        notification: &HealthNotification,
        enquiry: Option<&str>,
    ) -> AppResult<String> {
        if notification.nhs_number.is_test_range() && !self.settings.demo {
            return Err(AppError::invalid(
                "nhs_number",
                "NHS numbers starting 999 are for testing only: enter the child's real NHS number",
            ));
        }
        let urn = notification.school_urn.as_str();
        let school = self.store.get_school(urn).await?.ok_or_else(|| {
            AppError::invalid("school", "Choose the child's school from the schools list")
        })?;
        let now = self.now();
        let nhs = notification.nhs_number.as_str();
        let existing = match self
            .store
            .pupils_by_nhs_number(nhs)
            .await?
            .into_iter()
            .next()
        {
            Some(found) => Some(found),
            None => self
                .store
                .pupils_named_at_school(urn, &notification.first_name, &notification.last_name, nhs)
                .await?
                .into_iter()
                .next(),
        };
        let form = notification.prefilled_referral(&school.name);
        let mut record = ReferralRecord {
            id: new_id(),
            pupil_id: None,
            school_urn: Some(urn.to_string()),
            status: Status::AwaitingSchool.as_str().into(),
            form_json: to_json(&form)?,
            created_by: actor.user.id.clone(),
            created_at: now,
            updated_at: now,
            submitted_at: None,
            referral_date: Some(notification.notified_on),
            waiting_for_evidence_since: None,
            decided_at: None,
            policy_version: None,
            origin: ReferralOrigin::HealthNotification.as_str().into(),
        };
        let id = record.id.clone();
        let pupil = PupilRecord {
            id: new_id(),
            upn: None,
            given_name: notification.first_name.clone(),
            family_name: notification.last_name.clone(),
            date_of_birth: notification.date_of_birth,
            school_urn: Some(urn.to_string()),
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.store.begin().await?;
        // The referral first: a pupil match refers to it.
        tx.save_referral(&record).await?;
        let pupil_id = self
            .join_or_create_pupil(&mut tx, &id, pupil, existing, Some(nhs))
            .await?;
        record.pupil_id = Some(pupil_id.clone());
        tx.save_referral(&record).await?;
        tx.insert_health_notification(&HealthNotificationRecord {
            referral_id: id.clone(),
            notified_by: enquiry.is_none().then(|| actor.user.id.clone()),
            notified_at: now,
            notification_json: to_json(notification)?,
        })
        .await?;
        self.audit(
            &mut tx,
            actor,
            "referral.health_notification",
            "referral",
            &id,
            enquiry.unwrap_or_default(),
        )
        .await?;
        self.audit(&mut tx, actor, "pupil.referred", "pupil", &pupil_id, &id)
            .await?;
        // The notifying health professional keeps seeing the child (MN-ROLE-5), unless they
        // already do.
        if actor.role() == mns_domain::identity::Role::HealthProfessional
            && self
                .store
                .child_access_of(&pupil_id, &actor.user.id)
                .await?
                .is_none()
        {
            tx.grant_child_access(&NewChildAccess {
                user_id: &actor.user.id,
                pupil_id: &pupil_id,
                kind: AccessKind::HealthProfessional.as_str(),
                relationship: &notification.notifier.role,
                parental_responsibility: "unknown",
                ends_on: None,
                reason: "Sent a health notification about the child",
                granted_by: &actor.user.id,
                granted_at: now,
            })
            .await?;
            self.audit(
                &mut tx,
                actor,
                "pupil.access_grant",
                "pupil",
                &pupil_id,
                &format!(
                    "{} {}",
                    AccessKind::HealthProfessional.as_str(),
                    actor.user.id
                ),
            )
            .await?;
        }
        let url = &self.settings.public_url;
        for to in self.store.school_user_emails(urn).await? {
            tx.enqueue_message(
                &to,
                "A health professional has told us about one of your pupils",
                &format!(
                    "A health professional has told the {} Medical Needs Service that one of your \
                     pupils cannot attend school because of their health.\n\nSign in to complete \
                     the school's part of the referral:\n{url}/referrals/{id}\n",
                    self.settings.council_name
                ),
                now,
            )
            .await?;
        }
        tx.enqueue_message(
            &self.settings.coordinator_email,
            "A health notification has been received",
            &format!(
                "A health professional has sent a health notification to the Medical Needs \
                 Service. The school has been asked to complete its part.\n\nSign in to see \
                 it:\n{url}/referrals/{id}\n"
            ),
            now,
        )
        .await?;
        if let Some(enquiry) = enquiry
            && !tx
                .handle_notification_enquiry(enquiry, Some(&id), "", &actor.user.id, now)
                .await?
        {
            // Handled meanwhile by someone else: nothing is made twice.
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The notification the actor sent, for its confirmation page: `NotFound` for anyone but
    /// its sender. Viewing is audited.
    pub async fn sent_health_notification(
        &self,
        actor: &Actor,
        referral_id: &str,
    ) -> AppResult<NotificationView> {
        actor.require(Capability::NotifyHealth)?;
        let view = self
            .stored_notification(referral_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if view.0.notified_by.as_deref() != Some(actor.user.id.as_str()) {
            return Err(AppError::NotFound);
        }
        self.audit_view(actor, "referral.view", "referral", referral_id)
            .await?;
        Ok(view.1)
    }

    /// The notification a referral came from, for those who may see the referral (`None` for
    /// a school's own referral).
    pub async fn referral_notification(
        &self,
        actor: &Actor,
        referral_id: &str,
    ) -> AppResult<Option<NotificationView>> {
        self.referral_in_scope(actor, referral_id).await?;
        Ok(self.stored_notification(referral_id).await?.map(|v| v.1))
    }

    async fn stored_notification(
        &self,
        referral_id: &str,
    ) -> AppResult<Option<(HealthNotificationRecord, NotificationView)>> {
        let Some(record) = self.store.health_notification(referral_id).await? else {
            return Ok(None);
        };
        let notification: HealthNotification = serde_json::from_str(&record.notification_json)
            .map_err(|e| AppError::internal(format!("stored health notification: {e}")))?;
        let view = NotificationView {
            referral_id: record.referral_id.clone(),
            notification,
            notified_at: record.notified_at,
        };
        Ok(Some((record, view)))
    }
}
