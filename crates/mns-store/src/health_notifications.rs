//! Health notifications (issue 14): the notification a health professional sent, kept with the
//! referral it became, and the NHS number that finds the child again.

use crate::pupils::{COLUMNS, pupil};
use crate::{PupilRecord, Store, StoreResult, WriteTx, parse_ts, ts};
use chrono::{DateTime, Utc};

/// A health notification as stored with its referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthNotificationRecord {
    /// The referral it became.
    pub referral_id: String,
    /// Who sent it (a user's id), if they were signed in.
    pub notified_by: Option<String>,
    /// When the service received it.
    pub notified_at: DateTime<Utc>,
    /// The notification (the domain's `HealthNotification`, as JSON).
    pub notification_json: String,
}

/// A health notification sent through the public form: an enquiry for the coordinator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationEnquiryRecord {
    /// Its id.
    pub id: String,
    /// When the service received it.
    pub received_at: DateTime<Utc>,
    /// The notification (the domain's `HealthNotification`, as JSON).
    pub notification_json: String,
    /// The referral the coordinator made from it, if they did.
    pub referral_id: Option<String>,
    /// Why the coordinator closed it without a referral ("" if they did not).
    pub closed_reason: String,
    /// Who handled it (a user's id), once handled.
    pub handled_by: Option<String>,
    /// When, once handled.
    pub handled_at: Option<DateTime<Utc>>,
}

type EnquiryRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

const ENQUIRY_COLUMNS: &str = "id, received_at, notification_json, referral_id, closed_reason, \
    handled_by, handled_at";

fn enquiry(
    (id, received, notification_json, referral_id, closed_reason, handled_by, handled): EnquiryRow,
) -> StoreResult<NotificationEnquiryRecord> {
    Ok(NotificationEnquiryRecord {
        id,
        received_at: parse_ts(&received)?,
        notification_json,
        referral_id,
        closed_reason,
        handled_by,
        handled_at: handled.as_deref().map(parse_ts).transpose()?,
    })
}

impl WriteTx {
    /// Keeps a notification sent through the public form, open for the coordinator.
    pub async fn insert_notification_enquiry(
        &mut self,
        id: &str,
        received_at: DateTime<Utc>,
        notification_json: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO health_notification_enquiries (id, received_at, notification_json) \
             VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(ts(received_at))
        .bind(notification_json)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Marks an open notification enquiry handled: made into `referral_id`, or closed with
    /// `closed_reason`. False if it was already handled (checked in the statement).
    pub async fn handle_notification_enquiry(
        &mut self,
        id: &str,
        referral_id: Option<&str>,
        closed_reason: &str,
        handled_by: &str,
        handled_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        // `referral_id` is bound as text ('' for none), so PostgreSQL's prepared statement
        // keeps one parameter type.
        let done = sqlx::query(
            "UPDATE health_notification_enquiries SET referral_id = NULLIF($1, ''), \
             closed_reason = $2, handled_by = $3, handled_at = $4 \
             WHERE id = $5 AND handled_at IS NULL",
        )
        .bind(referral_id.unwrap_or_default())
        .bind(closed_reason)
        .bind(handled_by)
        .bind(ts(handled_at))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Keeps a notification with the referral it became.
    pub async fn insert_health_notification(
        &mut self,
        n: &HealthNotificationRecord,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO health_notifications (referral_id, notified_by, notified_at, notification_json) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&n.referral_id)
        .bind(&n.notified_by)
        .bind(ts(n.notified_at))
        .bind(&n.notification_json)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records a pupil's NHS number (ten digits, checked at the edge).
    pub async fn set_pupil_nhs_number(
        &mut self,
        pupil_id: &str,
        nhs_number: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE pupils SET nhs_number = $1 WHERE id = $2")
            .bind(nhs_number)
            .bind(pupil_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// The notification enquiry with this id.
    pub async fn notification_enquiry(
        &self,
        id: &str,
    ) -> StoreResult<Option<NotificationEnquiryRecord>> {
        self.row_where(
            &format!("SELECT {ENQUIRY_COLUMNS} FROM health_notification_enquiries WHERE id = $1"),
            &[id],
            enquiry,
        )
        .await
    }

    /// The notification enquiries not handled yet, oldest first (at most 200).
    pub async fn open_notification_enquiries(&self) -> StoreResult<Vec<NotificationEnquiryRecord>> {
        self.rows_where(
            &format!(
                "SELECT {ENQUIRY_COLUMNS} FROM health_notification_enquiries \
                 WHERE handled_at IS NULL ORDER BY received_at, id LIMIT 200"
            ),
            &[],
            enquiry,
        )
        .await
    }

    /// The notification a referral came from, if it came from one.
    pub async fn health_notification(
        &self,
        referral_id: &str,
    ) -> StoreResult<Option<HealthNotificationRecord>> {
        self.row_where(
            "SELECT referral_id, notified_by, notified_at, notification_json \
             FROM health_notifications WHERE referral_id = $1",
            &[referral_id],
            |(referral_id, notified_by, at, notification_json): (
                String,
                Option<String>,
                String,
                String,
            )| {
                Ok(HealthNotificationRecord {
                    referral_id,
                    notified_by,
                    notified_at: parse_ts(&at)?,
                    notification_json,
                })
            },
        )
        .await
    }

    /// The pupils with this NHS number (ten digits), oldest first.
    pub async fn pupils_by_nhs_number(&self, nhs_number: &str) -> StoreResult<Vec<PupilRecord>> {
        self.rows_where(
            &format!("SELECT {COLUMNS} FROM pupils WHERE nhs_number = $1 ORDER BY created_at, id"),
            &[nhs_number],
            pupil,
        )
        .await
    }

    /// The pupils of a school with this given and family name (any case) whose NHS number is
    /// not known or is `nhs_number`, oldest first: a different NHS number is a different child.
    pub async fn pupils_named_at_school(
        &self,
        school_urn: &str,
        given_name: &str,
        family_name: &str,
        nhs_number: &str,
    ) -> StoreResult<Vec<PupilRecord>> {
        self.rows_where(
            &format!(
                "SELECT {COLUMNS} FROM pupils WHERE school_urn = $1 AND LOWER(given_name) = $2 \
                 AND LOWER(family_name) = $3 AND (nhs_number IS NULL OR nhs_number = $4) \
                 ORDER BY created_at, id"
            ),
            &[
                school_urn,
                &given_name.trim().to_lowercase(),
                &family_name.trim().to_lowercase(),
                nhs_number,
            ],
            pupil,
        )
        .await
    }
}
