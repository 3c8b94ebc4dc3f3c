//! What the early-identification rules need from the rest of the service (issue 16): the
//! schools on the list, who has been referred this year, and when the cases' provision ran.

use crate::{Store, StoreResult};
use chrono::NaiveDate;

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

impl Store {
    /// Every URN on the schools list.
    pub async fn school_urns(&self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT urn FROM schools")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(urn,)| urn).collect())
    }

    /// The UPNs of pupils with a referral (not a draft) dated between two days, both included.
    pub async fn upns_referred_between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT p.upn FROM referrals r JOIN pupils p ON p.id = r.pupil_id \
             WHERE r.status <> 'draft' AND p.upn IS NOT NULL \
             AND COALESCE(r.referral_date, substr(r.submitted_at, 1, 10)) >= $1 \
             AND COALESCE(r.referral_date, substr(r.submitted_at, 1, 10)) <= $2",
        )
        .bind(first.to_string())
        .bind(last.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(upn,)| upn).collect())
    }

    /// Each case's provision by the pupil's UPN: its first day and, once ended, its last.
    pub async fn case_spans_by_upn(
        &self,
    ) -> StoreResult<Vec<(String, NaiveDate, Option<NaiveDate>)>> {
        let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT p.upn, c.provision_start, COALESCE(c.ends_on, substr(c.ended_at, 1, 10)) \
             FROM cases c JOIN pupils p ON p.id = c.pupil_id \
             WHERE p.upn IS NOT NULL AND c.provision_start IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(upn, first, last)| {
                Some((upn, date(&first)?, last.as_deref().and_then(date)))
            })
            .collect())
    }
}
