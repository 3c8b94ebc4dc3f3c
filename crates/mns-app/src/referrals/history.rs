//! A referral's history (sent, asked, answered, waiting for evidence, decided), read from its
//! audited changes so that it is exactly what happened, each line counted from the referral
//! date (MN-DEC-1, MN-DEC-2).

use crate::Context as _;
use crate::{Actor, App, AppResult};
use chrono::{DateTime, Utc};
use mns_domain::calendar::uk_local_time;
use mns_domain::referral::history::{HistoryLine, referral_history};

impl App {
    /// The history of a referral the actor may see, oldest first. Empty for a draft (it has no
    /// referral date yet). Reading it is part of reading the referral, which is audited there.
    pub async fn referral_history(&self, actor: &Actor, id: &str) -> AppResult<Vec<HistoryLine>> {
        let view = self.referral_in_scope(actor, id).await?;
        let Some(referral_date) = view.record.referral_date else {
            return Ok(Vec::new());
        };
        let entries = self.store.referral_steps(id).await?;
        let mut changes = Vec::with_capacity(entries.len());
        for e in &entries {
            let at = DateTime::parse_from_rfc3339(&e.at)
                .with_context(|| format!("audit entry {} has no valid time", e.seq))?
                .with_timezone(&Utc);
            changes.push((
                uk_local_time(at).date(),
                e.action.as_str(),
                e.detail.as_str(),
            ));
        }
        Ok(referral_history(changes, referral_date))
    }
}
