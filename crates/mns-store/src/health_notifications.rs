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

impl WriteTx {
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
