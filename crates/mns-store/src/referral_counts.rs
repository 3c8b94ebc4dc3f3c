//! The referral queue's counts by status and its school filter (issue 20): read from the
//! counts kept with every change (`referral_counts`, migration 0020), never by counting or
//! grouping the referrals themselves.

use crate::referrals::queue_where;
use crate::{QueueFilter, Store, StoreError, StoreResult};

impl Store {
    /// How many referrals are in each status (drafts excluded), for the queue's filters: from
    /// the counts kept with every change (a row per school and status), not by counting.
    pub async fn referral_counts(
        &self,
        school_urn: Option<&str>,
    ) -> StoreResult<Vec<(String, i64)>> {
        let school = if school_urn.is_some() {
            " AND school_urn = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT status, CAST(SUM(n) AS BIGINT) FROM referral_counts \
             WHERE status <> $1{school} GROUP BY status HAVING SUM(n) > 0 ORDER BY status"
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql).bind("draft");
        if let Some(urn) = school_urn {
            query = query.bind(urn);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    /// [`Store::referral_counts`] counted from the referrals themselves: what the kept counts
    /// must always equal (for tests and benchmarks).
    pub async fn referral_counts_by_counting(
        &self,
        school_urn: Option<&str>,
    ) -> StoreResult<Vec<(String, i64)>> {
        let filter = QueueFilter {
            school_urn: school_urn.map(str::to_string),
            ..QueueFilter::default()
        };
        let (where_sql, binds) = queue_where(&filter);
        let sql = format!(
            "SELECT r.status, COUNT(*) FROM referrals r {where_sql} GROUP BY r.status ORDER BY r.status"
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
        for b in &binds {
            query = query.bind(b);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    /// The schools that have sent referrals (drafts aside), by name: (URN, name, or the URN
    /// when the schools list does not know it). From the kept counts (a row per school and
    /// status), so the queue's school filter does not group every referral on every page; and
    /// as one JSON row, not hundreds (see `Backend::json_rows`).
    pub async fn schools_with_referrals(&self) -> StoreResult<Vec<(String, String)>> {
        let (json,): (String,) = sqlx::query_as(&format!(
            "SELECT {} FROM (SELECT school_urn FROM referral_counts \
             WHERE status <> 'draft' AND school_urn <> '' GROUP BY school_urn \
             HAVING SUM(n) > 0) c LEFT JOIN schools s ON s.urn = c.school_urn",
            self.backend
                .json_rows("c.school_urn, COALESCE(s.name, c.school_urn)")
        ))
        .fetch_one(&self.pool)
        .await?;
        let mut schools: Vec<(String, String)> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("the schools with referrals: {e}")))?;
        schools.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Ok(schools)
    }
}
