//! What the reports read of each case's records, kept in columns of `cases` whenever the
//! records are written (issue 17, migration 0025): a report over ten years of cases reads these
//! short columns instead of parsing every Part A and Part B.

use mns_domain::provision::record::{PartA, PartB};

use crate::{Store, StoreResult};

/// Part A's members the reports read, as stored.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct PlanColumns {
    /// The package, as JSON.
    pub package: Option<String>,
    /// The medical reason for a part-time package.
    pub medical_reason: Option<String>,
    /// The condition group (stored form).
    pub condition_group: Option<&'static str>,
    /// The baseline measures, as JSON.
    pub baseline: Option<String>,
}

/// Part A's report columns; none for a case without one, or whose record does not read (as
/// the reports treated such a record before these columns were kept).
pub(crate) fn plan_columns(plan_json: Option<&str>) -> PlanColumns {
    let Some(plan) = plan_json.and_then(|json| serde_json::from_str::<PartA>(json).ok()) else {
        return PlanColumns::default();
    };
    PlanColumns {
        package: serde_json::to_string(&plan.package).ok(),
        medical_reason: plan.medical_reason,
        condition_group: plan.condition_group.map(|g| g.as_str()),
        baseline: serde_json::to_string(&plan.baseline).ok(),
    }
}

/// A review's measures, as JSON.
pub(crate) fn review_measures(record_json: &str) -> Option<String> {
    let review: PartB = serde_json::from_str(record_json).ok()?;
    serde_json::to_string(&review.measures).ok()
}

/// How many cases are filled in one transaction.
const FILL_BATCH: i64 = 500;

impl Store {
    /// Fills the report columns of the cases written before they were kept (run by
    /// [`Store::migrate`]; nothing to do on a new database or once done).
    pub(crate) async fn fill_report_columns(&self) -> StoreResult<u64> {
        let mut filled = 0;
        loop {
            let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT c.id, c.plan_json, (SELECT r.record_json FROM case_reviews r \
                 WHERE r.case_id = c.id ORDER BY r.recorded_at DESC, r.id DESC LIMIT 1) \
                 FROM cases c WHERE c.report_columns = 0 ORDER BY c.id LIMIT $1",
            )
            .bind(FILL_BATCH)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                return Ok(filled);
            }
            let mut tx = self.pool.begin().await?;
            for (id, plan_json, review_json) in rows {
                let plan = plan_columns(plan_json.as_deref());
                sqlx::query(
                    "UPDATE cases SET plan_package = $1, plan_medical_reason = $2, \
                     plan_condition_group = $3, plan_baseline = $4, latest_measures = $5, \
                     report_columns = 1 WHERE id = $6",
                )
                .bind(plan.package)
                .bind(plan.medical_reason)
                .bind(plan.condition_group)
                .bind(plan.baseline)
                .bind(review_json.as_deref().and_then(review_measures))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                filled += 1;
            }
            tx.commit().await?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mns_domain::outcomes::ConditionGroup;

    #[test]
    fn s19_plan_columns_carry_what_the_reports_read_and_nothing_from_a_bad_record() {
        let plan = PartA {
            medical_reason: Some("Fatigue".into()),
            condition_group: Some(ConditionGroup::Cancer),
            ..PartA::default()
        };
        let json = serde_json::to_string(&plan).unwrap();
        let columns = plan_columns(Some(&json));
        assert_eq!(columns.medical_reason.as_deref(), Some("Fatigue"));
        assert_eq!(columns.condition_group, Some("cancer"));
        assert_eq!(
            columns.package.as_deref(),
            Some(serde_json::to_string(&plan.package).unwrap().as_str())
        );
        assert_eq!(plan_columns(Some("{not json")), PlanColumns::default());
        assert_eq!(plan_columns(None), PlanColumns::default());
        assert_eq!(review_measures("[]"), None);
    }
}
