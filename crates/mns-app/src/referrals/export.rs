//! The queue as a spreadsheet (CSV) for the coordinator's returns and meetings. Every cell is
//! made safe to open in a spreadsheet (`mns_domain::spreadsheet::safe_cell`), and the export
//! is audited: it carries children's names.

use super::*;
use mns_domain::spreadsheet::safe_cell;

/// The most lines one export holds.
const EXPORT_LIMIT: i64 = 10_000;

impl App {
    /// The queue as CSV, as filtered (council staff who read the queue): pupil, school,
    /// status, referral date, days since the referral and days waiting for evidence (MN-DEC-2,
    /// MN-EV-8), on `today`, and who the referral is assigned to.
    pub async fn referral_queue_csv(
        &self,
        actor: &Actor,
        filter: &QueueFilter,
    ) -> AppResult<Vec<u8>> {
        actor.require(Capability::ReadReferralQueue)?;
        let filter = QueueFilter {
            limit: EXPORT_LIMIT,
            page: mns_store::QueuePage::First,
            ..filter.clone()
        };
        let lines = self.store.referral_queue(&filter).await?;
        let today = self.today();
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record([
            "Pupil",
            "School",
            "Status",
            "Referral date",
            "Days since the referral",
            "Waiting for evidence since",
            "Days waiting for evidence",
            "Assigned to",
        ])
        .context("writing the queue's CSV")?;
        for line in &lines {
            let status = Status::parse(&line.status).map_or("", Status::label);
            let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            let days = |d: Option<NaiveDate>| {
                d.map(|d| (today - d).num_days().to_string())
                    .unwrap_or_default()
            };
            out.write_record([
                safe_cell(&line.pupil_name).as_ref(),
                safe_cell(&line.school_name).as_ref(),
                status,
                &date(line.referral_date),
                &days(line.referral_date),
                &date(line.waiting_for_evidence_since),
                &days(line.waiting_for_evidence_since),
                safe_cell(line.assigned_name.as_deref().unwrap_or_default()).as_ref(),
            ])
            .context("writing the queue's CSV")?;
        }
        let bytes = out.into_inner().context("writing the queue's CSV")?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "referral.export",
            "referral_queue",
            "csv",
            &if lines.len() as i64 >= EXPORT_LIMIT {
                format!("{} referrals (cut at the limit)", lines.len())
            } else {
                format!("{} referrals", lines.len())
            },
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }
}
