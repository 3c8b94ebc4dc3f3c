//! The daily sync of another directory's ORUK feed: which day an instance took it, and where
//! the next one starts from.

use crate::{Store, StoreResult, parse_ts, ts};
use chrono::{DateTime, NaiveDate, Utc};

impl Store {
    /// Takes today's sync of the feed at `url` for this instance: true when no instance has
    /// taken it today, false when one has (it is then not run again).
    pub async fn claim_directory_feed(&self, url: &str, today: NaiveDate) -> StoreResult<bool> {
        let day = today.format("%Y-%m-%d").to_string();
        let claimed = sqlx::query(
            "INSERT INTO directory_feeds (url, claimed_on) VALUES ($1, $2) \
             ON CONFLICT (url) DO UPDATE SET claimed_on = excluded.claimed_on \
             WHERE directory_feeds.claimed_on <> excluded.claimed_on",
        )
        .bind(url)
        .bind(&day)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }

    /// When the last complete sync of the feed at `url` started, if one has completed.
    pub async fn directory_feed_synced_from(
        &self,
        url: &str,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT synced_from FROM directory_feeds WHERE url = $1")
                .bind(url)
                .fetch_optional(&self.pool)
                .await?;
        row.and_then(|(at,)| at)
            .as_deref()
            .map(parse_ts)
            .transpose()
    }

    /// Records a complete sync of the feed at `url` that started at `started`.
    pub async fn set_directory_feed_synced(
        &self,
        url: &str,
        started: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE directory_feeds SET synced_from = $1 WHERE url = $2")
            .bind(ts(started))
            .bind(url)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
