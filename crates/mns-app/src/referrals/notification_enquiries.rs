//! Health notifications sent through the public form (issue 14): anyone may send one, without
//! signing in (a health professional without an account), rate-limited by address like the
//! other public forms. It is kept as an enquiry the coordinator triages: a referral made from
//! it (the same path as a signed-in notification, dated the day it was received), or closed
//! with a reason.

use super::to_json;
use crate::{Actor, App, AppError, AppResult, FieldError};
use mns_domain::permissions::Capability;
use mns_domain::referral::{HealthNotification, HealthNotificationEntry};
use mns_store::{NotificationEnquiryRecord, new_id};

/// The rate-limit events of the public form.
const PUBLIC_NOTIFICATION: &str = "public_health_notification";

/// Notifications one address may send through the public form in an hour.
const PUBLIC_NOTIFICATIONS_PER_HOUR: i64 = 10;

/// A notification sent through the public form, as the coordinator sees it.
#[derive(Debug, Clone)]
pub struct NotificationEnquiry {
    /// The stored enquiry.
    pub record: NotificationEnquiryRecord,
    /// The notification.
    pub notification: HealthNotification,
}

impl App {
    /// Reads a notification sent through the public form and keeps it for the coordinator,
    /// who is emailed (without the child's details). Every problem at once; an address that has
    /// sent too many in the last hour is `Throttled`. Returns the enquiry's id.
    pub async fn receive_health_notification(
        &self,
        entry: &HealthNotificationEntry,
        source: &str,
    ) -> AppResult<String> {
        let notification = entry.parse(self.notification_rules()).map_err(|problems| {
            AppError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(&p.field, p.message))
                    .collect(),
            )
        })?;
        if self
            .store
            .get_school(notification.school_urn.as_str())
            .await?
            .is_none()
        {
            return Err(AppError::invalid(
                "school",
                "Choose the child's school from the schools list",
            ));
        }
        let now = self.now();
        let from = format!("from:{source}");
        let mut tx = self.store.begin().await?;
        let sent = tx
            .count_rate_events(PUBLIC_NOTIFICATION, &from, now - chrono::Duration::hours(1))
            .await?;
        if sent >= PUBLIC_NOTIFICATIONS_PER_HOUR {
            tracing::warn!(%source, sent, "public health notification refused: rate limit");
            return Err(AppError::Throttled);
        }
        tx.record_rate_event(PUBLIC_NOTIFICATION, &from, now)
            .await?;
        let id = new_id();
        tx.insert_notification_enquiry(&id, now, &to_json(&notification)?)
            .await?;
        self.audit(
            &mut tx,
            &crate::system_actor(source),
            "health_notification.receive",
            "health_notification_enquiry",
            &id,
            "",
        )
        .await?;
        tx.enqueue_message(
            &self.settings.coordinator_email,
            "A health notification has been sent through the public form",
            &format!(
                "A health professional has sent a health notification through the public form. \
                 Decide whether to make a referral from it.\n\nSign in to see it:\n{}/enquiries\n",
                self.settings.public_url
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The notifications sent through the public form and not handled yet, oldest first (the
    /// coordinator's).
    pub async fn open_notification_enquiries(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<NotificationEnquiry>> {
        actor.require(Capability::DecideReferral)?;
        self.store
            .open_notification_enquiries()
            .await?
            .into_iter()
            .map(enquiry_view)
            .collect()
    }

    /// One notification sent through the public form, for the coordinator; viewing is audited.
    pub async fn notification_enquiry(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<NotificationEnquiry> {
        actor.require(Capability::DecideReferral)?;
        let record = self
            .store
            .notification_enquiry(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.audit_view(
            actor,
            "health_notification.view",
            "health_notification_enquiry",
            id,
        )
        .await?;
        enquiry_view(record)
    }

    /// The coordinator makes a referral from a notification sent through the public form: the
    /// same path as a signed-in notification, dated the day it was received. Returns the
    /// referral's id; a notification already handled is `NotFound`.
    pub async fn refer_notification_enquiry(&self, actor: &Actor, id: &str) -> AppResult<String> {
        let enquiry = self.open_enquiry(actor, id).await?;
        self.make_notified_referral(actor, &enquiry.notification, Some(id))
            .await
    }

    /// The coordinator closes a notification sent through the public form without a referral,
    /// saying why (required).
    pub async fn close_notification_enquiry(
        &self,
        actor: &Actor,
        id: &str,
        reason: &str,
    ) -> AppResult<()> {
        self.open_enquiry(actor, id).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "Enter why the notification is closed without a referral",
            ));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx
            .handle_notification_enquiry(id, None, reason, &actor.user.id, now)
            .await?
        {
            return Err(AppError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            "health_notification.close",
            "health_notification_enquiry",
            id,
            reason,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn open_enquiry(&self, actor: &Actor, id: &str) -> AppResult<NotificationEnquiry> {
        actor.require(Capability::DecideReferral)?;
        let record = self
            .store
            .notification_enquiry(id)
            .await?
            .filter(|r| r.handled_at.is_none())
            .ok_or(AppError::NotFound)?;
        enquiry_view(record)
    }
}

fn enquiry_view(record: NotificationEnquiryRecord) -> AppResult<NotificationEnquiry> {
    let notification = serde_json::from_str(&record.notification_json)
        .map_err(|e| AppError::internal(format!("stored health notification: {e}")))?;
    Ok(NotificationEnquiry {
        record,
        notification,
    })
}
