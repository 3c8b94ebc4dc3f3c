//! The referrals list: a school's own referrals, and the council's queue with its filters
//! (status, school, who it is assigned to), search, paging and the CSV download.

use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, PageResult, render};
use askama::Template;
use axum::extract::{Query, State};
use mns_app::records::{AssignedFilter, QueueCursor, QueuePage};
use mns_domain::referral::ReferralOrigin;
use serde::Deserialize;

/// A line of the queue as the page shows it.
pub struct QueueRow {
    id: String,
    pupil: String,
    school: String,
    status: &'static str,
    tag: &'static str,
    referred: String,
    days: i64,
    waiting: String,
    pupil_match_open: bool,
    assigned: String,
    /// It came from a health professional's notification (issue 14).
    health_notification: bool,
}

/// A school in the queue's school filter.
pub struct SchoolChoice {
    urn: String,
    name: String,
    selected: bool,
}

/// A status filter link with its count.
pub struct StatusLink {
    value: &'static str,
    label: &'static str,
    count: i64,
    current: bool,
}

#[derive(Template)]
#[template(path = "referral_queue.html")]
struct QueueView {
    chrome: Chrome,
    rows: Vec<QueueRow>,
    statuses: Vec<StatusLink>,
    status: String,
    /// What was searched for, as typed.
    search: String,
    /// `&search=…&school=…&assigned=…` for links that keep the search and filters, or "".
    filter_query: String,
    /// The schools that have sent referrals, for the school filter.
    schools: Vec<SchoolChoice>,
    /// The chosen school's URN, or "".
    school: String,
    /// `me`, `nobody` or "" (anyone).
    assigned: String,
    newest: bool,
    /// The cursors of the "Previous" and "Next" links ("" when there is none).
    previous: String,
    next: String,
}

/// A school's referral in its list.
pub struct SchoolRow {
    id: String,
    pupil: String,
    status: &'static str,
    tag: &'static str,
    updated: String,
    /// A health notification the school has not completed yet: the list asks it to.
    complete_school_part: bool,
}

#[derive(Template)]
#[template(path = "referral_school_list.html")]
struct SchoolListPage {
    chrome: Chrome,
    rows: Vec<SchoolRow>,
    /// A draft was just deleted (`?deleted=draft`): say so.
    deleted: bool,
}

/// The queue's filters.
#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    status: String,
    /// A pupil's name, a school's name or a UPN.
    #[serde(default)]
    search: String,
    /// Only this school's referrals (its URN).
    #[serde(default)]
    school: String,
    /// `me` (assigned to the reader), `nobody`, or anyone.
    #[serde(default)]
    assigned: String,
    #[serde(default)]
    sort: String,
    /// The page after this line (`date_id`), or before it.
    #[serde(default)]
    after: String,
    #[serde(default)]
    before: String,
    /// `draft` after the school deleted a draft.
    #[serde(default)]
    deleted: String,
}

impl QueueQuery {
    /// The search, if something was typed.
    fn search_text(&self) -> Option<String> {
        Some(self.search.trim().to_string()).filter(|s| !s.is_empty())
    }

    /// The chosen school's URN, if one was chosen.
    fn school_urn(&self) -> Option<String> {
        Some(self.school.trim().to_string()).filter(|s| !s.is_empty())
    }

    /// `me` or `nobody`, if one was chosen ("" otherwise).
    fn assigned_choice(&self) -> &'static str {
        match self.assigned.as_str() {
            "me" => "me",
            "nobody" => "nobody",
            _ => "",
        }
    }

    /// `&search=…&school=…&assigned=…` for links that keep the search and filters, or "".
    fn filter_query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(s) = self.search_text() {
            q.append_pair("search", &s);
        }
        if let Some(urn) = self.school_urn() {
            q.append_pair("school", &urn);
        }
        if !self.assigned_choice().is_empty() {
            q.append_pair("assigned", self.assigned_choice());
        }
        let query = q.finish();
        if query.is_empty() {
            query
        } else {
            format!("&{query}")
        }
    }

    /// The filter the queue and its CSV share, for the reader with user id `me`.
    fn filter(&self, me: &str) -> QueueFilter {
        QueueFilter {
            statuses: Status::parse(&self.status)
                .filter(|s| *s != Status::Draft)
                .map(|s| vec![s.as_str().to_string()])
                .unwrap_or_default(),
            search: self.search_text(),
            school_urn: self.school_urn(),
            assigned: match self.assigned_choice() {
                "me" => Some(AssignedFilter::To(me.to_string())),
                "nobody" => Some(AssignedFilter::Nobody),
                _ => None,
            },
            newest_first: self.sort == "newest",
            ..QueueFilter::default()
        }
    }
}

/// `GET /referrals.csv`: the queue as filtered, as a spreadsheet (council staff who read the
/// queue); every cell is safe to open in a spreadsheet, and the export is audited.
pub async fn export_csv(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<QueueQuery>,
) -> PageResult {
    let bytes = state
        .app
        .referral_queue_csv(&user.actor, &q.filter(&user.actor.user.id))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"referrals.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /referrals`: the school's own referrals, or the coordinator's queue.
pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<QueueQuery>,
) -> PageResult {
    if user.actor.may(Capability::StartReferral) {
        let rows = state
            .app
            .school_referrals(&user.actor)
            .await?
            .into_iter()
            .map(|v| SchoolRow {
                pupil: pupil_name(&v),
                id: v.record.id.clone(),
                status: v.status.label(),
                tag: tag_class(v.status),
                updated: mns_domain::calendar::format_uk_datetime(v.record.updated_at),
                complete_school_part: v.status == Status::AwaitingSchool,
            })
            .collect();
        return Ok(render(&SchoolListPage {
            chrome: Chrome::signed_in(&state, &user, "/referrals"),
            rows,
            deleted: q.deleted == "draft",
        }));
    }
    let counts = state.app.referral_counts(&user.actor).await?;
    let status = Status::parse(&q.status).filter(|s| *s != Status::Draft);
    let newest = q.sort == "newest";
    let page = match (QueueCursor::parse(&q.after), QueueCursor::parse(&q.before)) {
        (Some(after), _) => QueuePage::After(after),
        (None, Some(before)) => QueuePage::Before(before),
        (None, None) => QueuePage::First,
    };
    let mut lines = state
        .app
        .referral_queue(
            &user.actor,
            &QueueFilter {
                limit: PAGE_SIZE + 1,
                page: page.clone(),
                ..q.filter(&user.actor.user.id)
            },
        )
        .await?;
    // One line more than a page says whether there is more in the direction of travel; the
    // other direction is where the reader came from.
    let more = lines.len() as i64 > PAGE_SIZE;
    if more {
        match page {
            QueuePage::Before(_) => lines.remove(0),
            _ => lines.remove(PAGE_SIZE as usize),
        };
    }
    let cursor = |line: Option<&QueueLine>| {
        line.and_then(|l| {
            l.referral_date
                .map(|d| QueueCursor::of(d, &l.id).to_param())
        })
    };
    let (has_previous, has_next) = match page {
        QueuePage::First => (false, more),
        QueuePage::After(_) => (true, more),
        QueuePage::Before(_) => (more, true),
    };
    let previous = cursor(lines.first()).filter(|_| has_previous);
    let next = cursor(lines.last()).filter(|_| has_next);
    let today = state.app.today();
    let rows = lines
        .into_iter()
        .map(|l: QueueLine| {
            let s = Status::parse(&l.status).unwrap_or(Status::Submitted);
            QueueRow {
                id: l.id,
                pupil: l.pupil_name,
                school: l.school_name,
                status: s.label(),
                tag: tag_class(s),
                referred: l.referral_date.map(day).unwrap_or_default(),
                days: l.referral_date.map_or(0, |d| (today - d).num_days()),
                waiting: l
                    .waiting_for_evidence_since
                    .map(|d| count((today - d).num_days(), "day", "days"))
                    .unwrap_or_default(),
                pupil_match_open: l.pupil_match_open,
                assigned: l.assigned_name.unwrap_or_default(),
                health_notification: ReferralOrigin::parse(&l.origin)
                    == ReferralOrigin::HealthNotification,
            }
        })
        .collect();
    let statuses = Status::ALL
        .into_iter()
        .filter(|s| *s != Status::Draft)
        .map(|s| StatusLink {
            value: s.as_str(),
            label: s.label(),
            count: counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n),
            current: status == Some(s),
        })
        .collect();
    let school = q.school_urn().unwrap_or_default();
    let schools = state
        .app
        .schools_with_referrals(&user.actor)
        .await?
        .into_iter()
        .map(|(urn, name)| SchoolChoice {
            selected: urn == school,
            urn,
            name,
        })
        .collect();
    Ok(render(&QueueView {
        chrome: Chrome::signed_in(&state, &user, "/referrals"),
        rows,
        statuses,
        status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        search: q.search.trim().to_string(),
        filter_query: q.filter_query(),
        schools,
        school,
        assigned: q.assigned_choice().to_string(),
        newest,
        previous: previous.unwrap_or_default(),
        next: next.unwrap_or_default(),
    }))
}
