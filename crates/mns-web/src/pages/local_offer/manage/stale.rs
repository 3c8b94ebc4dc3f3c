//! The entries overdue for review (`/local-offer/manage/stale`), oldest first, a page at a time
//! after the last entry shown: what the Local Offer officer works through when the count on
//! their home page is not zero.

use super::chrome;
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, PageResult, render};
use askama::Template;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde::Deserialize;

/// Entries a page.
const PAGE: u32 = 50;

/// One overdue entry.
pub struct StaleLine {
    id: String,
    name: String,
    last_reviewed: String,
}

#[derive(Template)]
#[template(path = "local_offer_stale.html")]
struct StalePage {
    chrome: Chrome,
    entries: Vec<StaleLine>,
    next: Option<String>,
    first_page: bool,
}

/// Where a page starts: after the entry with this review date and id (`2025-01-31_id`).
#[derive(Deserialize)]
pub struct After {
    after: Option<String>,
}

/// `GET /local-offer/manage/stale`: entries not checked for over a year, oldest first.
pub async fn stale(
    State(state): State<AppState>,
    user: SignedIn,
    Query(query): Query<After>,
) -> PageResult {
    // A cursor that does not read as a date and an id starts from the beginning.
    let after = query.after.as_deref().and_then(|text| {
        let (day, id) = text.split_once('_')?;
        Some((NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?, id))
    });
    let (services, more) = state
        .app
        .stale_directory_list(&user.actor, after, PAGE)
        .await?;
    let next = services.last().filter(|_| more).map(|s| {
        format!(
            "/local-offer/manage/stale?after={}_{}",
            s.last_reviewed, s.id
        )
    });
    Ok(render(&StalePage {
        chrome: chrome(&state, &user, "/local-offer/manage/stale"),
        entries: services
            .iter()
            .map(|s| StaleLine {
                id: s.id.clone(),
                name: s.name.clone(),
                last_reviewed: s.last_reviewed.format("%-d %B %Y").to_string(),
            })
            .collect(),
        next,
        first_page: after.is_none(),
    }))
}
