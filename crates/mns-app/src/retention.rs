//! Retention (MN-REC-2): a scheduled job anonymises the records of children past the retention
//! period (the policy's birthday, the 25th by default), writing what it did to the audit trail;
//! a legal hold, set by the coordinator with a reason, stops it.

use crate::Context as _;
use crate::{Actor, App, AppError, AppResult};
use mns_domain::permissions::Capability;
use mns_domain::provision::{may_destroy, retention_due};
use mns_store::ts;

/// What a retention run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// Children whose records were anonymised.
    pub anonymised: usize,
    /// Documents destroyed with them.
    pub documents: u64,
    /// Children past the period whose records a legal hold keeps.
    pub held: usize,
    /// Attendance figures rows past their school year's retention (issue 16), deleted.
    pub attendance_figures: u64,
    /// Attendance alerts not linked to a child's record, past the same date, deleted.
    pub attendance_alerts: u64,
    /// Event bookings whose people's details were erased, a year after the event (issue 19).
    pub event_bookings: u64,
}

impl App {
    /// Anonymises every child's records that are past the retention period and not held
    /// (MN-REC-2), each in its own transaction with its audit entry.
    pub async fn run_retention(&self, actor: &Actor) -> AppResult<RetentionReport> {
        if actor.user.id != "system" && !actor.may(Capability::ManageRetention) {
            return Err(AppError::NotFound);
        }
        let today = self.today();
        let policy = self.policy().clone();
        // Everyone due was born on or before this day (a 29 February birthday is due a day
        // later, which the exact check below catches).
        let born_by = today
            .checked_sub_months(chrono::Months::new(policy.retention_age_years * 12))
            .unwrap_or(today);
        let blank = serde_json::to_string(&mns_domain::referral::Referral::default())
            .context("writing a blank referral")?;
        let mut report = RetentionReport::default();
        for candidate in self
            .store
            .retention_candidates(&mns_store::day(born_by))
            .await?
        {
            let Ok(dob) = chrono::NaiveDate::parse_from_str(&candidate.date_of_birth, "%Y-%m-%d")
            else {
                continue;
            };
            let due = retention_due(dob, today, &policy);
            if !due {
                continue;
            }
            if !may_destroy(due, candidate.legal_hold != 0) {
                report.held += 1;
                continue;
            }
            let mut tx = self.store.begin().await?;
            let documents = tx
                .anonymise_pupil(
                    &candidate.id,
                    &blank,
                    &dob.format("%Y").to_string(),
                    &ts(self.now()),
                )
                .await?;
            self.audit(
                &mut tx,
                actor,
                "retention.anonymised",
                "pupil",
                &candidate.id,
                &format!(
                    "records past the retention period (age {}) anonymised; {documents} documents destroyed",
                    policy.retention_age_years
                ),
            )
            .await?;
            tx.commit().await?;
            report.anonymised += 1;
            report.documents += documents;
        }
        // Attendance figures of pupils who are not the service's clients go at the end of the
        // following school year (issue 16), with alerts no child's record holds.
        let mut tx = self.store.begin().await?;
        let (figures, alerts) = tx.delete_expired_attendance(today).await?;
        if figures + alerts > 0 {
            self.audit(
                &mut tx,
                actor,
                "attendance.figures_deleted",
                "attendance_figures",
                &today.to_string(),
                &format!("{figures} figures rows and {alerts} alerts past their retention deleted"),
            )
            .await?;
        }
        // Who booked an event is kept for a year after it, for the council's reporting; then
        // the names and contact details go and the counts stay.
        let ended_before = self.now() - crate::events::BOOKINGS_KEPT_FOR;
        let erased = tx.erase_event_bookings(ended_before).await?;
        if erased > 0 {
            self.audit(
                &mut tx,
                actor,
                "event.bookings_erased",
                "event_bookings",
                &today.to_string(),
                &format!("the details of {erased} bookings of events over a year ago erased"),
            )
            .await?;
        }
        tx.commit().await?;
        report.event_bookings = erased;
        report.attendance_figures = figures;
        report.attendance_alerts = alerts;
        Ok(report)
    }

    /// Whether a child's records are under a legal hold, and why: the coordinator's to see
    /// (anyone else is `NotFound`).
    pub async fn legal_hold(&self, actor: &Actor, pupil_id: &str) -> AppResult<(bool, String)> {
        actor.require(Capability::ManageRetention)?;
        Ok(match self.store.legal_hold(pupil_id).await? {
            Some((hold, reason, _)) => (hold, reason.unwrap_or_default()),
            None => (false, String::new()),
        })
    }

    /// Sets or lifts a legal hold on a child's records (the coordinator, with a reason when
    /// setting one).
    pub async fn set_legal_hold(
        &self,
        actor: &Actor,
        pupil_id: &str,
        hold: bool,
        reason: &str,
    ) -> AppResult<()> {
        actor.require(Capability::ManageRetention)?;
        self.view_pupil(actor, pupil_id).await?;
        if hold && reason.trim().is_empty() {
            return Err(AppError::invalid(
                "hold_reason",
                "Enter why the records must be kept (a complaint, a claim or an inquiry)",
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.set_legal_hold(pupil_id, hold, hold.then_some(reason.trim()))
            .await?;
        self.audit(
            &mut tx,
            actor,
            if hold {
                "retention.hold"
            } else {
                "retention.hold_lifted"
            },
            "pupil",
            pupil_id,
            reason.trim(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
