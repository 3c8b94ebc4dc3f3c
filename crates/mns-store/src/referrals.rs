//! Referrals, their decisions, and parent enquiries. The coordinator's queue is one indexed
//! query: it must answer quickly with 100,000 referrals in the database.

use crate::{QueuePage, Store, StoreResult, WriteTx, parse_ts, ts};
use chrono::{DateTime, NaiveDate, Utc};

/// A stored referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRecord {
    /// The referral's id.
    pub id: String,
    /// The pupil, once matched or created on submission.
    pub pupil_id: Option<String>,
    /// The referring school.
    pub school_urn: Option<String>,
    /// Where it is: `draft`, `awaiting_school` (a health notification the school has not
    /// completed), `submitted`, `information_requested`, `waiting_for_evidence`,
    /// `accepted`, `declined`.
    pub status: String,
    /// The form as entered (the domain's `Referral`, as JSON).
    pub form_json: String,
    /// The user who started it.
    pub created_by: String,
    /// When it was started.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When the school submitted it.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The referral date the clock runs from (MN-DEC-2).
    pub referral_date: Option<NaiveDate>,
    /// Since when the case has waited for medical evidence (MN-EV-8).
    pub waiting_for_evidence_since: Option<NaiveDate>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// The policy version it was decided under.
    pub policy_version: Option<String>,
    /// Where it came from: `school` or `health_notification` (set when it is made, never
    /// changed by saving it).
    pub origin: String,
}

/// One line of the coordinator's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueLine {
    /// The referral's id.
    pub id: String,
    /// Its status.
    pub status: String,
    /// The pupil's given and family name.
    pub pupil_name: String,
    /// The school's name.
    pub school_name: String,
    /// The referral date.
    pub referral_date: Option<NaiveDate>,
    /// Waiting for evidence since.
    pub waiting_for_evidence_since: Option<NaiveDate>,
    /// A UPN match waits for the coordinator to say whether this is an existing child.
    pub pupil_match_open: bool,
    /// Who it is assigned to (a user's id), if anyone.
    pub assigned_to: Option<String>,
    /// Their name.
    pub assigned_name: Option<String>,
    /// Where it came from: `school` or `health_notification`.
    pub origin: String,
}

/// Whose referrals the queue shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignedFilter {
    /// Those assigned to this user (by id).
    To(String),
    /// Those assigned to nobody.
    Nobody,
}

/// Which referrals the queue shows, and in what order.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Only these statuses (empty: every status but `draft`).
    pub statuses: Vec<String>,
    /// Only this school.
    pub school_urn: Option<String>,
    /// Only referrals whose pupil's name or school's name contains this text (any case), or
    /// whose pupil has this UPN.
    pub search: Option<String>,
    /// Only referrals assigned to someone, or to nobody.
    pub assigned: Option<AssignedFilter>,
    /// Oldest referral first (the default) or newest first.
    pub newest_first: bool,
    /// How many lines.
    pub limit: i64,
    /// Which page: the first, or the lines after or before a line already shown (keyset
    /// pagination, so a deep page costs what the first does).
    pub page: QueuePage,
}

/// A decision as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    /// The decision's id.
    pub id: String,
    /// The referral decided.
    pub referral_id: String,
    /// `accept`, `decline` or `ask_for_information`.
    pub decision: String,
    /// Reasons (JSON list) for a decline, questions for a request for information.
    pub reasons_json: String,
    /// Free text.
    pub note: String,
    /// Who decided.
    pub decided_by: String,
    /// When.
    pub decided_at: DateTime<Utc>,
    /// Under which policy version.
    pub policy_version: String,
    /// The checks shown to the coordinator (JSON).
    pub checks_json: String,
    /// Days from the referral date to the decision (MN-DEC-2).
    pub days_from_referral: i64,
}

type DecisionRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
);

type QueueRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    String,
);

const COLUMNS: &str = "id, pupil_id, school_urn, status, form_json, created_by, created_at, \
    updated_at, submitted_at, referral_date, waiting_for_evidence_since, decided_at, policy_version, \
    origin";

type ReferralRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// A referral's row with one more column: whether a pupil match on it is open.
type ReferralMatchRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    i64,
);

fn date(text: Option<String>) -> StoreResult<Option<NaiveDate>> {
    text.map(|t| {
        NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .map_err(|_| crate::StoreError::Corrupt(format!("'{t}' is not a date")))
    })
    .transpose()
}

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn referral(row: ReferralRow) -> StoreResult<ReferralRecord> {
    let (
        id,
        pupil_id,
        school_urn,
        status,
        form_json,
        created_by,
        created,
        updated,
        submitted,
        referral_date,
        waiting,
        decided,
        policy_version,
        origin,
    ) = row;
    Ok(ReferralRecord {
        id,
        pupil_id,
        school_urn,
        status,
        form_json,
        created_by,
        created_at: parse_ts(&created)?,
        updated_at: parse_ts(&updated)?,
        submitted_at: submitted.as_deref().map(parse_ts).transpose()?,
        referral_date: date(referral_date)?,
        waiting_for_evidence_since: date(waiting)?,
        decided_at: decided.as_deref().map(parse_ts).transpose()?,
        policy_version,
        origin,
    })
}

impl WriteTx {
    /// Saves a referral: inserts it, or replaces every field of the stored one. The queue's
    /// counts move with its status and school, in this transaction.
    pub async fn save_referral(&mut self, r: &ReferralRecord) -> StoreResult<()> {
        let before: Option<(Option<String>, String)> =
            sqlx::query_as("SELECT school_urn, status FROM referrals WHERE id = $1")
                .bind(&r.id)
                .fetch_optional(&mut *self.tx)
                .await?;
        let after = (r.school_urn.clone(), r.status.clone());
        if before.as_ref() != Some(&after) {
            if let Some((school, status)) = &before {
                self.count_referral(school.as_deref(), status, -1).await?;
            }
            self.count_referral(after.0.as_deref(), &after.1, 1).await?;
        }
        sqlx::query(&format!(
            "INSERT INTO referrals ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (id) DO UPDATE SET pupil_id = excluded.pupil_id, school_urn = excluded.school_urn, \
             status = excluded.status, form_json = excluded.form_json, updated_at = excluded.updated_at, \
             submitted_at = excluded.submitted_at, referral_date = excluded.referral_date, \
             waiting_for_evidence_since = excluded.waiting_for_evidence_since, \
             decided_at = excluded.decided_at, policy_version = excluded.policy_version"
        ))
        .bind(&r.id)
        .bind(&r.pupil_id)
        .bind(&r.school_urn)
        .bind(&r.status)
        .bind(&r.form_json)
        .bind(&r.created_by)
        .bind(ts(r.created_at))
        .bind(ts(r.updated_at))
        .bind(r.submitted_at.map(ts))
        .bind(day(r.referral_date))
        .bind(day(r.waiting_for_evidence_since))
        .bind(r.decided_at.map(ts))
        .bind(&r.policy_version)
        .bind(&r.origin)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Assigns a referral to a user (by id), or to nobody. Saving the referral's other fields
    /// leaves this as it is.
    pub async fn set_referral_assignee(
        &mut self,
        id: &str,
        user_id: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE referrals SET assigned_to = $1 WHERE id = $2")
            .bind(user_id.map(str::to_string))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Deletes a referral that is still a draft; false when there is no such draft (a
    /// referral that has been submitted is never deleted). Its documents are the caller's to
    /// delete in the same transaction ([`WriteTx::delete_documents_of`]).
    pub async fn delete_draft_referral(&mut self, id: &str) -> StoreResult<bool> {
        let school: Option<(Option<String>,)> = sqlx::query_as(
            "DELETE FROM referrals WHERE id = $1 AND status = 'draft' RETURNING school_urn",
        )
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some((school,)) = school else {
            return Ok(false);
        };
        self.count_referral(school.as_deref(), "draft", -1).await?;
        Ok(true)
    }

    /// Adds `by` to the queue's count of referrals from `school` in `status`.
    async fn count_referral(
        &mut self,
        school: Option<&str>,
        status: &str,
        by: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO referral_counts (school_urn, status, n) VALUES ($1, $2, $3) \
             ON CONFLICT (school_urn, status) DO UPDATE SET n = referral_counts.n + excluded.n",
        )
        .bind(school.unwrap_or_default())
        .bind(status)
        .bind(by)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records a decision.
    pub async fn insert_decision(&mut self, d: &DecisionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO referral_decisions (id, referral_id, decision, reasons_json, note, decided_by, \
             decided_at, policy_version, checks_json, days_from_referral) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&d.id)
        .bind(&d.referral_id)
        .bind(&d.decision)
        .bind(&d.reasons_json)
        .bind(&d.note)
        .bind(&d.decided_by)
        .bind(ts(d.decided_at))
        .bind(&d.policy_version)
        .bind(&d.checks_json)
        .bind(d.days_from_referral)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The referral with this id.
    pub async fn get_referral(&self, id: &str) -> StoreResult<Option<ReferralRecord>> {
        self.row_where(
            &format!("SELECT {COLUMNS} FROM referrals WHERE id = $1"),
            &[id],
            referral,
        )
        .await
    }

    /// A referral and whether a pupil match on it is still open, in one read: what every
    /// operation on a referral checks first (issue 20).
    pub async fn get_referral_with_open_match(
        &self,
        id: &str,
    ) -> StoreResult<Option<(ReferralRecord, bool)>> {
        let row: Option<ReferralMatchRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS}, CAST(CASE WHEN EXISTS (SELECT 1 FROM pupil_matches m \
             WHERE m.referral_id = referrals.id AND m.resolved_at IS NULL) THEN 1 ELSE 0 END \
             AS BIGINT) FROM referrals WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let record = referral((
                r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11, r.12, r.13,
            ))?;
            Ok((record, r.14 == 1))
        })
        .transpose()
    }

    /// The decisions on a referral, oldest first.
    pub async fn decisions_for(&self, referral_id: &str) -> StoreResult<Vec<DecisionRecord>> {
        let rows: Vec<DecisionRow> = sqlx::query_as(
            "SELECT id, referral_id, decision, reasons_json, note, decided_by, decided_at, policy_version, \
             checks_json, days_from_referral FROM referral_decisions WHERE referral_id = $1 ORDER BY decided_at, id",
        )
        .bind(referral_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(
                    id,
                    referral_id,
                    decision,
                    reasons_json,
                    note,
                    decided_by,
                    at,
                    policy_version,
                    checks_json,
                    days,
                )| {
                    Ok(DecisionRecord {
                        id,
                        referral_id,
                        decision,
                        reasons_json,
                        note,
                        decided_by,
                        decided_at: parse_ts(&at)?,
                        policy_version,
                        checks_json,
                        days_from_referral: days,
                    })
                },
            )
            .collect()
    }

    /// The coordinator's queue: one page of referrals, with the pupil's and school's names.
    ///
    /// With several statuses chosen, each status is read in date order from its own index and
    /// the runs merged (`UNION ALL`), rather than sorting every matching referral: the first
    /// page stays fast with 100,000 referrals on both databases.
    pub async fn referral_queue(&self, filter: &QueueFilter) -> StoreResult<Vec<QueueLine>> {
        let mut binds: Vec<String> = Vec::new();
        let mut bind = |value: &str| {
            binds.push(value.to_string());
            format!("${}", binds.len())
        };
        let mut school = filter
            .school_urn
            .as_deref()
            .map(|urn| format!(" AND school_urn = {}", bind(urn)))
            .unwrap_or_default();
        match &filter.assigned {
            Some(AssignedFilter::To(user)) => {
                school.push_str(&format!(" AND assigned_to = {}", bind(user)));
            }
            Some(AssignedFilter::Nobody) => school.push_str(" AND assigned_to IS NULL"),
            None => {}
        }
        if let Some(text) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let pattern = format!("%{}%", like_escaped(&text.to_lowercase()));
            let like = bind(&pattern);
            let upn = bind(&text.replace(char::is_whitespace, "").to_uppercase());
            school.push_str(&format!(
                " AND id IN (SELECT r.id FROM referrals r JOIN pupils p ON p.id = r.pupil_id \
                 LEFT JOIN schools s ON s.urn = r.school_urn \
                 WHERE LOWER(p.given_name || ' ' || p.family_name) LIKE {like} ESCAPE '\\' \
                 OR LOWER(COALESCE(s.name, '')) LIKE {like} ESCAPE '\\' OR p.upn = {upn})"
            ));
        }
        // Keyset pagination: the lines after (or before) a cursor, read from the index in the
        // direction of travel; a page before the cursor is read backwards and turned round.
        let backwards = filter.page.backwards();
        let descending = filter.newest_first != backwards;
        let order = if descending { "DESC" } else { "ASC" };
        if let Some(cursor) = filter.page.cursor() {
            let date = bind(&cursor.referral_date);
            let id = bind(&cursor.id);
            let beyond = if descending { "<" } else { ">" };
            school.push_str(&format!(
                " AND (referral_date {beyond} {date} OR (referral_date = {date} AND id {beyond} {id}))"
            ));
        }
        let window = filter.limit.max(0);
        let source = if filter.statuses.len() > 1 {
            let runs: Vec<String> = filter
                .statuses
                .iter()
                .enumerate()
                .map(|(i, status)| {
                    format!(
                        "SELECT * FROM (SELECT id, referral_date FROM referrals WHERE status = {}{school} \
                         ORDER BY referral_date {order}, id {order} LIMIT {window}) AS run{i}",
                        bind(status)
                    )
                })
                .collect();
            format!("({})", runs.join(" UNION ALL "))
        } else {
            let status = match filter.statuses.first() {
                Some(status) => format!("status = {}", bind(status)),
                None => "status <> 'draft'".to_string(),
            };
            format!("(SELECT id, referral_date FROM referrals WHERE {status}{school})")
        };
        let sql = format!(
            "SELECT r.id, r.status, p.given_name || ' ' || p.family_name, COALESCE(s.name, ''), \
             r.referral_date, r.waiting_for_evidence_since, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM pupil_matches m WHERE m.referral_id = r.id \
             AND m.resolved_at IS NULL) THEN 1 ELSE 0 END AS BIGINT), \
             r.assigned_to, u.display_name, r.origin \
             FROM (SELECT id FROM {source} AS chosen ORDER BY referral_date {order}, id {order} \
             LIMIT {window}) AS page \
             JOIN referrals r ON r.id = page.id JOIN pupils p ON p.id = r.pupil_id \
             LEFT JOIN schools s ON s.urn = r.school_urn \
             LEFT JOIN users u ON u.id = r.assigned_to \
             ORDER BY r.referral_date {order}, r.id {order}"
        );
        let mut query = sqlx::query_as::<_, QueueRow>(&sql);
        for b in &binds {
            query = query.bind(b);
        }
        let mut rows = query.fetch_all(&self.pool).await?;
        if backwards {
            rows.reverse();
        }
        rows.into_iter()
            .map(
                |(
                    id,
                    status,
                    pupil_name,
                    school_name,
                    referral_date,
                    waiting,
                    open_match,
                    assigned_to,
                    assigned_name,
                    origin,
                )| {
                    Ok(QueueLine {
                        id,
                        status,
                        pupil_name,
                        school_name,
                        referral_date: date(referral_date)?,
                        waiting_for_evidence_since: date(waiting)?,
                        pupil_match_open: open_match == 1,
                        assigned_to,
                        assigned_name,
                        origin,
                    })
                },
            )
            .collect()
    }

    /// Who a referral is assigned to (a user's id), if anyone.
    pub async fn referral_assignee(&self, id: &str) -> StoreResult<Option<String>> {
        Ok(self
            .row_where(
                "SELECT assigned_to FROM referrals WHERE id = $1",
                &[id],
                |(assigned,): (Option<String>,)| Ok(assigned),
            )
            .await?
            .flatten())
    }

    /// How many referrals in these statuses are assigned to `user_id`.
    pub async fn count_assigned(&self, user_id: &str, statuses: &[&str]) -> StoreResult<i64> {
        let marks: Vec<String> = (0..statuses.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT COUNT(*) FROM referrals WHERE assigned_to = $1 AND status IN ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query_as::<_, (i64,)>(&sql).bind(user_id);
        for status in statuses {
            query = query.bind(*status);
        }
        Ok(query.fetch_one(&self.pool).await?.0)
    }

    /// The ids of the open cases (not ended) whose referral is assigned to `user_id`: the
    /// caseworker's cases (a case has its referral's id).
    pub async fn open_case_ids_assigned_to(&self, user_id: &str) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT c.id FROM cases c JOIN referrals r ON r.id = c.id \
             WHERE r.assigned_to = $1 AND c.state <> 'ended' ORDER BY c.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// A school's referrals, newest first (drafts included): the school's own list.
    pub async fn referrals_for_school(
        &self,
        urn: &str,
        limit: i64,
    ) -> StoreResult<Vec<ReferralRecord>> {
        let rows: Vec<ReferralRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM referrals WHERE school_urn = $1 ORDER BY updated_at DESC, id LIMIT $2"
        ))
        .bind(urn)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(referral).collect()
    }

    /// A pupil's referrals, oldest first.
    pub async fn referrals_of_pupil(&self, pupil_id: &str) -> StoreResult<Vec<ReferralRecord>> {
        self.rows_where(
            &format!("SELECT {COLUMNS} FROM referrals WHERE pupil_id = $1 ORDER BY created_at, id"),
            &[pupil_id],
            referral,
        )
        .await
    }
}

impl WriteTx {
    /// Logs a parent's or carer's enquiry (stored as the domain's `Enquiry` in JSON).
    pub async fn insert_enquiry(
        &mut self,
        id: &str,
        logged_by: &str,
        at: DateTime<Utc>,
        enquiry_json: &str,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO enquiries (id, logged_by, logged_at, enquiry_json) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(logged_by)
            .bind(ts(at))
            .bind(enquiry_json)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// The most recent enquiries, newest first: (id, when, enquiry JSON).
    pub async fn recent_enquiries(
        &self,
        limit: i64,
    ) -> StoreResult<Vec<(String, DateTime<Utc>, String)>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, logged_at, enquiry_json FROM enquiries ORDER BY logged_at DESC, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, at, json)| Ok((id, parse_ts(&at)?, json)))
            .collect()
    }

    /// Users of a school (for telling the school about a decision).
    pub async fn school_user_emails(&self, urn: &str) -> StoreResult<Vec<String>> {
        self.texts_where(
            "SELECT email FROM users WHERE school_urn = $1 AND disabled_at IS NULL ORDER BY email",
            &[urn],
        )
        .await
    }

    /// Users linked to a pupil with `relation` (e.g. parents), for telling them about a decision.
    pub async fn linked_user_emails(
        &self,
        pupil_id: &str,
        relation: &str,
        today: NaiveDate,
    ) -> StoreResult<Vec<String>> {
        self.linked_users(pupil_id, relation, "email", today).await
    }

    /// The names of the users linked to a pupil with `relation` (e.g. providers), for a case's
    /// "who is involved".
    pub async fn linked_user_names(
        &self,
        pupil_id: &str,
        relation: &str,
        today: NaiveDate,
    ) -> StoreResult<Vec<String>> {
        self.linked_users(pupil_id, relation, "display_name", today)
            .await
    }

    /// One column (`email` or `display_name`) of the active users linked to a pupil with
    /// `relation` whose links give access on `today`, in its order.
    async fn linked_users(
        &self,
        pupil_id: &str,
        relation: &str,
        column: &'static str,
        today: NaiveDate,
    ) -> StoreResult<Vec<String>> {
        self.texts_where(
            &format!(
                "SELECT u.{column} FROM users u JOIN pupil_links l ON l.user_id = u.id \
                 WHERE l.pupil_id = $1 AND l.relation = $2 AND u.disabled_at IS NULL \
                 AND {active} ORDER BY u.{column}",
                active = crate::child_access::active_link("l", 3),
            ),
            &[pupil_id, relation, &crate::pupils::day(today)],
        )
        .await
    }
}

/// `text` with LIKE's wildcards escaped (by `\`), so a search for "50%" finds "50%".
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The WHERE clause and its bound values for a queue filter. Placeholders are numbered here,
/// so the same text runs on both databases.
pub(crate) fn queue_where(filter: &QueueFilter) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    if filter.statuses.is_empty() {
        clauses.push("r.status <> 'draft'".to_string());
    } else {
        let marks: Vec<String> = filter
            .statuses
            .iter()
            .map(|s| {
                binds.push(s.clone());
                format!("${}", binds.len())
            })
            .collect();
        clauses.push(format!("r.status IN ({})", marks.join(", ")));
    }
    if let Some(urn) = &filter.school_urn {
        binds.push(urn.clone());
        clauses.push(format!("r.school_urn = ${}", binds.len()));
    }
    (format!("WHERE {}", clauses.join(" AND ")), binds)
}
