//! Verifying the audit trail (MN-REC-1): `mns audit verify` and the coordinator's check.

use crate::{App, AppResult};
use mns_domain::audit::{ChainBreak, GENESIS_HASH, verify_run};

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many entries were checked.
    pub entries: i64,
    /// The first break found, if any.
    pub problem: Option<ChainBreak>,
}

impl App {
    /// Walks the whole trail in pages, checking every hash and link, and that the last entry is
    /// the one the head records (so a deleted tail is caught too).
    pub async fn verify_audit_trail(&self) -> AppResult<VerifyReport> {
        const PAGE: i64 = 5_000;
        let (head_seq, head_hash) = self.store.audit_head().await?;
        let mut last = (0_i64, GENESIS_HASH.to_string());
        loop {
            let page = self.store.audit_page(last.0, PAGE).await?;
            if page.is_empty() {
                break;
            }
            match verify_run((last.0, &last.1), &page) {
                Ok(next) => last = next,
                Err(problem) => {
                    return Ok(VerifyReport {
                        entries: last.0,
                        problem: Some(problem),
                    });
                }
            }
        }
        let problem =
            (last.0 != head_seq || last.1 != head_hash).then_some(ChainBreak::Truncated {
                last: last.0,
                expected: head_seq,
            });
        Ok(VerifyReport {
            entries: last.0,
            problem,
        })
    }
}
