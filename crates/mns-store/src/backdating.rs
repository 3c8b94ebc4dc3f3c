//! What only demo data does (issue 17): a case that must look as if it began months ago has
//! its referral date and opening moved back. The service itself never moves either.

use chrono::NaiveDate;

use crate::cases::day;
use crate::{StoreResult, WriteTx, ts};

impl WriteTx {
    /// Moves a referral's date, on the referral and on its case, and the case's opening to two
    /// days after it (for demo data that must look as if it began months ago; the service
    /// itself never moves a referral date, MN-DEC-1).
    pub async fn backdate_referral(
        &mut self,
        id: &str,
        referral_date: NaiveDate,
    ) -> StoreResult<()> {
        for table in ["referrals", "cases"] {
            sqlx::query(&format!(
                "UPDATE {table} SET referral_date = $1 WHERE id = $2"
            ))
            .bind(day(referral_date))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        }
        let opened = (referral_date + chrono::Days::new(2))
            .and_hms_opt(9, 0, 0)
            .map(|t| ts(t.and_utc()));
        sqlx::query("UPDATE cases SET opened_at = $1 WHERE id = $2 AND opened_at > $1")
            .bind(opened)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}
