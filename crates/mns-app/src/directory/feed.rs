//! Reading another directory's Open Referral UK feed over HTTPS: `mns import directory --from
//! URL`, and the daily sync of the feed in [`Settings::directory_feed`](crate::Settings).

use super::import::read_oruk_items;
use crate::{Actor, App, AppError, AppResult, system_actor};
use chrono::{DateTime, SecondsFormat, Utc};
use mns_domain::directory::import::from_oruk_page;
use openidconnect::reqwest;
use serde_json::Value;

use super::{DirectoryImport, is_local_offer_officer};

/// Full services asked for on each page (feeds may answer with fewer, and say so).
const PER_PAGE: usize = 200;

/// The most pages one read follows: 400,000 services at 200 a page.
const MOST_PAGES: u32 = 2_000;

/// The most one page may weigh: 200 full services are about 1 MB.
const MOST_PAGE_BYTES: usize = 64 << 20;

impl App {
    /// Imports every service of another directory's ORUK 3.0 feed: each page of
    /// `{url}/services?full=true`, with `modified_after` when given, read over HTTPS (plain
    /// HTTP only to this machine, for testing), then written as one import, all or nothing
    /// unless `skip_bad` (see [`App::import_directory_file`]). `url` is the feed's API stub; a
    /// trailing `/services` is allowed.
    pub async fn import_directory_feed(
        &self,
        actor: &Actor,
        url: &str,
        modified_after: Option<DateTime<Utc>>,
        skip_bad: bool,
    ) -> AppResult<DirectoryImport> {
        if !is_local_offer_officer(actor) && actor.user.id != "system" {
            return Err(AppError::NotFound);
        }
        let base = feed_base(url)?;
        // A redirect is followed only where the feed itself may be: HTTPS, or this machine.
        let redirects = reqwest::redirect::Policy::custom(|attempt| {
            if attempt.previous().len() >= 3 {
                attempt.error("more than 3 redirects")
            } else if allowed(attempt.url()) {
                attempt.follow()
            } else {
                attempt.error("a redirect away from HTTPS")
            }
        });
        let client = reqwest::ClientBuilder::new()
            .redirect(redirects)
            .timeout(std::time::Duration::from_secs(120))
            .user_agent(concat!("mns/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AppError::internal(format!("HTTP client: {e}")))?;
        let today = self.today();
        let mut skipped = Vec::new();
        let mut imported = Vec::new();
        let mut read = 0;
        let mut previous_first: Option<Value> = None;
        for page in 1..=MOST_PAGES {
            let mut address = base.join("services").map_err(|e| bad_url(&e.to_string()))?;
            address
                .query_pairs_mut()
                .append_pair("full", "true")
                .append_pair("per_page", &PER_PAGE.to_string())
                .append_pair("page", &page.to_string());
            if let Some(after) = modified_after {
                address.query_pairs_mut().append_pair(
                    "modified_after",
                    &after.to_rfc3339_opts(SecondsFormat::Secs, true),
                );
            }
            let value = fetch_page(&client, address, page).await?;
            let (items, total_pages) = from_oruk_page(&value)
                .map_err(|e| AppError::invalid("url", format!("page {page}: {e}")))?;
            imported.extend(read_oruk_items(
                &items,
                read,
                today,
                skip_bad,
                &mut skipped,
            )?);
            read += items.len();
            // A feed that ignores `page` answers the same page again: stop, rather than
            // import it 2,000 times.
            let first_id = items.first().and_then(|i| i.get("id")).cloned();
            if page > 1 && first_id.is_some() && first_id == previous_first {
                return Err(AppError::invalid(
                    "url",
                    format!(
                        "page {page} of the feed repeats page {}: nothing was imported",
                        page - 1
                    ),
                ));
            }
            previous_first = first_id;
            let last = match (value.get("last_page").and_then(Value::as_bool), total_pages) {
                (Some(flag), _) => flag,
                (None, Some(total)) => page >= total,
                // A bare list is all there is.
                (None, None) => value.is_array() || items.len() < PER_PAGE,
            };
            if last || items.is_empty() {
                return self
                    .store_imported(actor, imported, skip_bad, skipped, base.as_str())
                    .await;
            }
        }
        Err(AppError::invalid(
            "url",
            format!("the feed has more than {MOST_PAGES} pages; nothing was imported"),
        ))
    }

    /// Reads the configured feed ([`Settings::directory_feed`](crate::Settings)) once a day:
    /// what changed since the last complete read, or everything the first time. One instance a
    /// day takes it. `None` when there is no feed or another instance has taken today's.
    pub async fn sync_directory_feed(&self) -> AppResult<Option<DirectoryImport>> {
        let Some(url) = self.settings.directory_feed.clone() else {
            return Ok(None);
        };
        if !self.store.claim_directory_feed(&url, self.today()).await? {
            return Ok(None);
        }
        // An hour's margin: the other directory's clock may run behind ours, and reading a
        // service twice does no harm.
        let since = self
            .store
            .directory_feed_synced_from(&url)
            .await?
            .map(|t| t - chrono::Duration::hours(1));
        let started = self.now();
        let done = self
            .import_directory_feed(&system_actor("worker"), &url, since, true)
            .await?;
        self.store.set_directory_feed_synced(&url, started).await?;
        Ok(Some(done))
    }
}

/// The feed's API stub as a URL ending in `/`, so that `services` joins beneath it. HTTPS, or
/// HTTP to this machine.
fn feed_base(url: &str) -> AppResult<reqwest::Url> {
    let trimmed = url.trim().trim_end_matches('/');
    let trimmed = trimmed.strip_suffix("/services").unwrap_or(trimmed);
    let parsed =
        reqwest::Url::parse(&format!("{trimmed}/")).map_err(|e| bad_url(&e.to_string()))?;
    if allowed(&parsed) {
        Ok(parsed)
    } else {
        Err(AppError::invalid(
            "url",
            format!("The feed's address must start with https://; got '{url}'"),
        ))
    }
}

/// Where a feed may be read from: HTTPS anywhere, plain HTTP only on this machine (tests).
fn allowed(url: &reqwest::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
        _ => false,
    }
}

fn bad_url(why: &str) -> AppError {
    AppError::invalid(
        "url",
        format!("The feed's address is not a web address: {why}"),
    )
}

/// One page of the feed as JSON, refusing an error status, an oversized page or text that is
/// not JSON, each naming the page.
async fn fetch_page(
    client: &reqwest::Client,
    address: reqwest::Url,
    page: u32,
) -> AppResult<Value> {
    let failed = |why: String| AppError::invalid("url", format!("page {page} of the feed: {why}"));
    let mut response = client
        .get(address.clone())
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| failed(format!("could not be read ({e})")))?;
    if !response.status().is_success() {
        return Err(failed(format!("{address} answered {}", response.status())));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| failed(format!("stopped part way ({e})")))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > MOST_PAGE_BYTES {
            return Err(failed(format!("is over {} MB", MOST_PAGE_BYTES >> 20)));
        }
    }
    serde_json::from_slice(&body).map_err(|e| failed(format!("is not JSON ({e})")))
}
