//! The case list, a page at a time (issue 20): open or ended cases, newest opened first, paged
//! by cursor so that the list's cost does not grow with the service's history.

use crate::cases::{COLUMNS, CaseLineRow};
use crate::{CaseLine, CasePage, Store, StoreResult, ts};

/// Which cases a list shows, and which page of them.
#[derive(Debug, Clone, Default)]
pub struct CaseListFilter {
    /// Ended cases, or (the default) those still open.
    pub ended: bool,
    /// Only this school's.
    pub school_urn: Option<String>,
    /// Only these pupils' (a parent's or provider's children).
    pub pupil_ids: Option<Vec<String>>,
    /// Only those whose referral is assigned to this user.
    pub assigned_to: Option<String>,
    /// How many lines.
    pub limit: i64,
    /// Which page.
    pub page: CasePage,
}

impl Store {
    /// One page of cases with names, newest opened first.
    pub async fn case_page(&self, filter: &CaseListFilter) -> StoreResult<Vec<CaseLine>> {
        let mut binds: Vec<String> = Vec::new();
        let mut bind = |value: &str| {
            binds.push(value.to_string());
            format!("${}", binds.len())
        };
        let mut clauses = vec![format!(
            "c.state {} {}",
            if filter.ended { "=" } else { "<>" },
            bind("ended")
        )];
        if let Some(urn) = &filter.school_urn {
            clauses.push(format!("c.school_urn = {}", bind(urn)));
        }
        if let Some(ids) = &filter.pupil_ids {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let list: Vec<String> = ids.iter().map(|id| bind(id)).collect();
            clauses.push(format!("c.pupil_id IN ({})", list.join(", ")));
        }
        if let Some(user) = &filter.assigned_to {
            clauses.push(format!(
                "c.id IN (SELECT id FROM referrals WHERE assigned_to = {})",
                bind(user)
            ));
        }
        // Newest first; a page before a cursor is read the other way and turned round.
        let backwards = filter.page.backwards();
        let (order, beyond) = if backwards {
            ("ASC", ">")
        } else {
            ("DESC", "<")
        };
        if let Some(cursor) = filter.page.cursor() {
            let at = bind(&ts(cursor.opened_at));
            let id = bind(&cursor.id);
            clauses.push(format!(
                "(c.opened_at {beyond} {at} OR (c.opened_at = {at} AND c.id {beyond} {id}))"
            ));
        }
        let sql = format!(
            "SELECT {COLUMNS}, p.given_name || ' ' || p.family_name AS pupil_name, \
             s.name AS school_name FROM cases c LEFT JOIN pupils p ON p.id = c.pupil_id \
             LEFT JOIN schools s ON s.urn = c.school_urn WHERE {} \
             ORDER BY c.opened_at {order}, c.id {order} LIMIT {}",
            clauses.join(" AND "),
            filter.limit.max(0)
        );
        let mut query = sqlx::query_as::<_, CaseLineRow>(&sql);
        for b in &binds {
            query = query.bind(b);
        }
        let mut lines: Vec<CaseLine> = query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(CaseLineRow::into_line)
            .collect::<StoreResult<_>>()?;
        if backwards {
            lines.reverse();
        }
        Ok(lines)
    }
}
