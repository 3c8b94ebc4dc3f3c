//! Each instance's directory search index, kept in step with the database.
//!
//! Search is answered from a [`SearchIndex`] in memory (filters, words, terms and places of
//! every active service), and only the page's documents are read from the database. The
//! database stays the truth: every write to a service's search columns bumps a generation
//! number and logs the service under it, in the same transaction. Before each search the
//! instance reads the generation (one row); if it has moved, it applies what the log says
//! changed since, service by service, or reloads everything after a large import. Several
//! instances on one PostgreSQL therefore each answer with every committed change, and a
//! restart costs one load.

use crate::directory::service_index;
use crate::{App, AppResult};
use mns_domain::directory::index::{IndexPage, SearchIndex, SearchUnit};
use mns_domain::directory::search::{Point, SearchQuery};
use mns_domain::directory::{Organization, Service};
use mns_store::{SearchHit, SearchPage};
use std::collections::{BTreeSet, HashMap};
use tokio::sync::RwLock;

/// How many generations of the index log are kept: an instance that falls further behind
/// (stopped for a long while) reloads its index whole.
pub const INDEX_LOG_KEPT: i64 = 10_000;

/// Past this many changed services, reloading everything is quicker than catching up.
const RELOAD_AFTER_CHANGES: usize = 2_000;

/// An instance's search index and the generation it reflects.
#[derive(Default)]
pub struct DirectoryIndex {
    state: RwLock<Option<Loaded>>,
}

impl std::fmt::Debug for DirectoryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DirectoryIndex")
    }
}

struct Loaded {
    generation: i64,
    index: SearchIndex,
}

impl App {
    /// Whether this instance's search index has loaded (not while it is loading). The worker
    /// holds the day's chores back until it has, so that they do not compete with loading it
    /// for the cores and the database at start-up.
    pub fn directory_index_loaded(&self) -> bool {
        self.directory_index
            .state
            .try_read()
            .is_ok_and(|state| state.is_some())
    }

    /// Loads the search index now (at start-up), so the first family to search does not wait.
    /// Returns how many services it holds.
    pub async fn warm_directory_index(&self) -> AppResult<usize> {
        let started = std::time::Instant::now();
        self.reanalyse_directory().await?;
        tracing::info!(
            ms = started.elapsed().as_millis() as u64,
            "directory search words checked"
        );
        let generation = self.store.directory_generation().await?;
        let mut state = self.directory_index.state.write().await;
        self.catch_up(&mut state, generation).await?;
        Ok(state.as_ref().map_or(0, |l| l.index.len()))
    }

    /// Remakes the search words of services whose words an older version of the text
    /// analysis made (after an upgrade), a batch to a transaction. Returns how many.
    pub async fn reanalyse_directory(&self) -> AppResult<usize> {
        let terms = self.store.directory_terms(None).await?;
        let mut organizations: HashMap<String, Option<Organization>> = HashMap::new();
        let mut done = 0;
        loop {
            let batch = self.store.directory_services_to_reanalyse(500).await?;
            if batch.is_empty() {
                break;
            }
            let mut tx = self.store.begin().await?;
            for service in &batch {
                if !organizations.contains_key(&service.organization_id) {
                    let found = self
                        .store
                        .directory_organization(&service.organization_id)
                        .await?;
                    organizations.insert(service.organization_id.clone(), found);
                }
                let organization = organizations[&service.organization_id].as_ref();
                tx.put_search_words(&service.id, &service_index(service, organization, &terms))
                    .await?;
            }
            tx.commit().await?;
            done += batch.len();
        }
        if done > 0 {
            tracing::info!(services = done, "directory search words remade");
        }
        Ok(done)
    }

    /// Prunes the directory's history (daily): each service keeps its newest
    /// [`Settings::directory_versions_kept`](crate::Settings) versions, and the index log its
    /// last [`INDEX_LOG_KEPT`] generations. Audited when anything goes.
    pub async fn prune_directory_history(&self) -> AppResult<(u64, u64)> {
        let generation = self.store.directory_generation().await?;
        let mut tx = self.store.begin().await?;
        let (versions, log) = tx
            .prune_directory_history(
                self.settings.directory_versions_kept.max(1),
                generation - INDEX_LOG_KEPT,
            )
            .await?;
        if versions > 0 {
            self.audit(
                &mut tx,
                &crate::system_actor("worker"),
                "directory.history.prune",
                "directory",
                "-",
                &format!(
                    "{versions} old versions removed, keeping {} a service",
                    self.settings.directory_versions_kept.max(1)
                ),
            )
            .await?;
        }
        tx.commit().await?;
        Ok((versions, log))
    }

    /// Searches the in-memory index, caught up first, and reads the page's documents.
    pub(crate) async fn search_index(
        &self,
        query: &SearchQuery,
        near: Option<Point>,
        unit: SearchUnit,
    ) -> AppResult<(SearchPage, Vec<(String, String)>, Option<String>)> {
        let generation = self.store.directory_generation().await?;
        let current = {
            let state = self.directory_index.state.read().await;
            match &*state {
                Some(loaded) if loaded.generation >= generation => {
                    Some(loaded.index.search(query, near, unit))
                }
                _ => None,
            }
        };
        let page = match current {
            Some(page) => page,
            None => {
                let mut state = self.directory_index.state.write().await;
                self.catch_up(&mut state, generation).await?;
                match &*state {
                    Some(loaded) => loaded.index.search(query, near, unit),
                    None => IndexPage::default(),
                }
            }
        };
        let ids: Vec<String> = page.rows.iter().map(|r| r.service_id.clone()).collect();
        let mut services = self.store.directory_documents(&ids).await?;
        // A service changed between the index and the read is shown as it now is.
        let IndexPage {
            total,
            rows,
            corrections,
            suggestion,
        } = page;
        // A service's last row takes its document; earlier rows (a service at several places,
        // searching by place) take copies.
        let last: HashMap<&str, usize> = rows
            .iter()
            .enumerate()
            .map(|(at, row)| (row.service_id.as_str(), at))
            .collect();
        let documents: Vec<Option<Service>> = rows
            .iter()
            .enumerate()
            .map(|(at, row)| {
                if last.get(row.service_id.as_str()) == Some(&at) {
                    services.remove(&row.service_id)
                } else {
                    services.get(&row.service_id).cloned()
                }
            })
            .collect();
        let hits = rows
            .into_iter()
            .zip(documents)
            .filter_map(|(row, service)| {
                service.map(|s| SearchHit::new(s, row.service_at_location_id, near))
            })
            .collect();
        Ok((SearchPage { total, hits }, corrections, suggestion))
    }

    /// Brings the index up to `generation` at least: applies the logged changes since the
    /// index's own generation, or loads it whole the first time and after large changes.
    async fn catch_up(&self, state: &mut Option<Loaded>, generation: i64) -> AppResult<()> {
        if let Some(loaded) = state.as_mut() {
            if loaded.generation >= generation {
                return Ok(());
            }
            let changes = self
                .store
                .directory_changes_since(loaded.generation)
                .await?;
            // Every generation is logged; a gap after the index's own means the log was pruned
            // past it, and only a reload is sure to be whole.
            let pruned = changes
                .first()
                .is_none_or(|(first, _)| *first != loaded.generation + 1);
            let taxonomies = pruned || changes.iter().any(|(_, id)| id.is_none());
            let ids: Vec<String> = changes
                .iter()
                .filter_map(|(_, id)| id.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if !taxonomies && ids.len() <= RELOAD_AFTER_CHANGES {
                let entries = self.store.directory_index_entries(Some(&ids)).await?;
                for id in &ids {
                    loaded.index.remove(id);
                }
                for entry in entries {
                    loaded.index.upsert(entry);
                }
                let last = changes.last().map_or(generation, |(g, _)| *g);
                loaded.generation = loaded.generation.max(last).max(generation);
                return Ok(());
            }
        }
        // The generation is read before the rows, so anything committed meanwhile is applied
        // (again, harmlessly) by the next catch-up.
        let reading = std::time::Instant::now();
        let generation = self.store.directory_generation().await?;
        let terms = self.store.directory_term_taxonomies().await?;
        let entries = self.store.directory_index_entries(None).await?;
        let started = std::time::Instant::now();
        let index = SearchIndex::new(terms, entries);
        tracing::info!(
            services = index.len(),
            generation,
            read_ms = started.duration_since(reading).as_millis() as u64,
            build_ms = started.elapsed().as_millis() as u64,
            "directory search index loaded"
        );
        *state = Some(Loaded { generation, index });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::demo::directory::generate_directory;
    use crate::directory::parse_search;
    use crate::{App, Settings, system_actor};
    use mns_domain::directory::ServiceStatus;
    use mns_domain::directory::index::SearchUnit;
    use mns_domain::directory::relevance::units;
    use mns_domain::directory::search::SearchQuery;
    use mns_domain::directory::taxonomy::builtin_terms;
    use mns_store::SearchPage;
    use mns_store::testing::{backends, fresh_store};

    /// Searches covering every filter, both orders, both units and deep pages.
    const SEARCHES: [&str; 25] = [
        "",
        "page=3&per_page=7",
        "q=swim",
        "q=speech therapy",
        "q=club&page=2&per_page=5",
        "need=autism&age=9",
        "need=autism&need=adhd&category=activities",
        "postcode=NR2&distance=5",
        "postcode=NR2",
        "postcode=NR2&page=4&per_page=9",
        "postcode=NR2&distance=10&need=autism&category=activities&age=9",
        "postcode=PE30&distance=25&q=club",
        "free=yes&day=saturday&local_offer=yes",
        "delivery=online&category=advice",
        "minimum_age=5&maximum_age=18&start_time=09:00",
        "end_time=17:00&day=monday&day=friday",
        "modified_after=2026-01-01T00:00:00Z",
        "q=zzzz",
        "q=a",
        "age=0",
        "age=25&local_offer=yes",
        "page=40",
        "postcode=NR30&proximity=20000&page=2&per_page=3",
        "postcode=IP1&q=support",
        "organization_id=an-organisation-not-in-the-directory",
    ];

    fn queries() -> Vec<(String, SearchQuery)> {
        let terms = builtin_terms();
        let mut out: Vec<(String, SearchQuery)> = SEARCHES
            .iter()
            .map(|text| {
                let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
                    .into_owned()
                    .collect();
                let query = parse_search(&pairs, &terms)
                    .unwrap_or_else(|e| panic!("'{text}' does not parse: {e:?}"));
                (text.to_string(), query)
            })
            .collect();
        let mut by_taxonomy = SearchQuery::new();
        by_taxonomy.taxonomy_id = terms.first().map(|t| t.taxonomy_id.clone());
        out.push(("taxonomy_id".into(), by_taxonomy));
        out
    }

    fn rows(page: &SearchPage) -> Vec<(String, Option<String>)> {
        page.hits
            .iter()
            .map(|h| (h.service.id.clone(), h.service_at_location_id.clone()))
            .collect()
    }

    /// The index answers every search as the database's own search does: the same rows in the
    /// same order, except that keyword searches without a postcode are ranked by relevance
    /// (so the same rows in any order) and synonyms find more than the words alone.
    async fn assert_same_as_database(app: &App, when: &str) {
        for (text, mut query) in queries() {
            let synonyms = units(&query.words).iter().any(|u| !u.synonyms.is_empty());
            if synonyms {
                continue;
            }
            let ranked = !query.words.is_empty() && query.postcode.is_none();
            if ranked {
                query.page = 1;
                query.per_page = 200;
            }
            for unit in [SearchUnit::Service, SearchUnit::ServiceAtLocation] {
                let from_index = app.search_directory(&query, unit).await.unwrap();
                let near = from_index.origin.as_ref().map(|(p, _)| *p);
                let from_database = app
                    .store
                    .search_directory(&query, near, unit)
                    .await
                    .unwrap();
                let (mut index_rows, mut database_rows) =
                    (rows(&from_index.page), rows(&from_database));
                if ranked {
                    index_rows.sort();
                    database_rows.sort();
                } else {
                    assert_eq!(from_index.page.hits, from_database.hits, "{when}: '{text}'");
                }
                assert_eq!(
                    (from_index.page.total, index_rows),
                    (from_database.total, database_rows),
                    "{when}: '{text}' by {unit:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn the_index_answers_like_the_database_and_follows_every_change() {
        for backend in backends() {
            let (store, _db) = fresh_store(backend).await;
            let app = App::new(store.clone(), Settings::new("http://localhost"));
            let other = App::new(store, Settings::new("http://localhost"));
            let actor = system_actor("test");
            app.ensure_directory_taxonomies().await.unwrap();
            app.import_postcodes(&actor, include_str!("../data/uk-outcodes.csv").as_bytes())
                .await
                .unwrap();
            let generated = generate_directory(400, 11, app.today());
            app.import_directory(
                &actor,
                &generated.organizations,
                &[],
                &generated.services,
                "t",
            )
            .await
            .unwrap();
            // The worker's daily chores wait for this (see `run_worker`).
            assert!(!app.directory_index_loaded());
            assert_eq!(
                app.warm_directory_index().await.unwrap(),
                400 - withdrawn(&generated.services)
            );
            assert!(app.directory_index_loaded());
            assert_same_as_database(&app, "loaded").await;
            // One organisation's services, as `/organizations/{id}?full_service=true` asks.
            let mut by_organization = SearchQuery::new();
            by_organization.organization_id = Some(generated.organizations[3].id.clone());
            let from_index = app
                .search_directory(&by_organization, SearchUnit::Service)
                .await
                .unwrap();
            let from_database = app
                .store
                .search_directory(&by_organization, None, SearchUnit::Service)
                .await
                .unwrap();
            assert!(from_index.page.total > 0);
            assert_eq!(from_index.page.hits, from_database.hits);
            // The other instance loads now, and must follow changes made through the first.
            other.warm_directory_index().await.unwrap();

            let mut changed = generated.services[..30].to_vec();
            for (i, service) in changed.iter_mut().enumerate() {
                match i % 3 {
                    0 => service.name = format!("Aardvark swimming {i}"),
                    1 => service.status = ServiceStatus::Inactive,
                    _ => {
                        service.minimum_age = Some(3);
                        service.locations.truncate(0);
                    }
                }
            }
            app.import_directory(&actor, &[], &[], &changed, "t")
                .await
                .unwrap();
            assert_same_as_database(&app, "after changes").await;
            assert_same_as_database(&other, "on another instance").await;
            let first = other
                .search_directory(&SearchQuery::new(), SearchUnit::Service)
                .await
                .unwrap();
            assert!(first.page.hits[0].service.name.starts_with("Aardvark"));

            // Back again: running services return to the index.
            app.import_directory(&actor, &[], &[], &generated.services[..30], "t")
                .await
                .unwrap();
            assert_same_as_database(&other, "restored").await;
        }
    }

    #[tokio::test]
    async fn history_is_pruned_and_an_index_behind_the_pruned_log_reloads() {
        for backend in backends() {
            let (store, _db) = fresh_store(backend).await;
            let mut settings = Settings::new("http://localhost");
            settings.directory_versions_kept = 2;
            let app = App::new(store.clone(), settings);
            let other = App::new(store.clone(), Settings::new("http://localhost"));
            let actor = system_actor("test");
            app.ensure_directory_taxonomies().await.unwrap();
            let generated = generate_directory(6, 3, app.today());
            app.import_directory(
                &actor,
                &generated.organizations,
                &[],
                &generated.services,
                "t",
            )
            .await
            .unwrap();
            other.warm_directory_index().await.unwrap();
            let mut service = generated
                .services
                .iter()
                .find(|s| s.status == ServiceStatus::Active)
                .unwrap()
                .clone();
            for i in 0..5 {
                service.name = format!("Renamed {i}");
                app.import_directory(&actor, &[], &[], std::slice::from_ref(&service), "t")
                    .await
                    .unwrap();
            }
            // Six versions, two kept; every other service has one. The log is short enough to
            // keep whole.
            assert_eq!(app.prune_directory_history().await.unwrap(), (4, 0));
            let kept: Vec<i64> = store
                .service_versions(&service.id)
                .await
                .unwrap()
                .iter()
                .map(|v| v.version)
                .collect();
            assert_eq!(kept, [6, 5]);
            assert_eq!(app.prune_directory_history().await.unwrap(), (0, 0));

            // The log pruned past the other instance's index: it reloads, and misses nothing,
            // not even a change logged only in what was pruned.
            let mut closed = generated
                .services
                .iter()
                .find(|s| s.status == ServiceStatus::Active && s.id != service.id)
                .unwrap()
                .clone();
            closed.status = ServiceStatus::Inactive;
            app.import_directory(&actor, &[], &[], std::slice::from_ref(&closed), "t")
                .await
                .unwrap();
            let generation = store.directory_generation().await.unwrap();
            let mut tx = store.begin().await.unwrap();
            tx.prune_directory_history(2, generation).await.unwrap();
            tx.commit().await.unwrap();
            service.name = "Aardvark at last".into();
            app.import_directory(&actor, &[], &[], std::slice::from_ref(&service), "t")
                .await
                .unwrap();
            let first = other
                .search_directory(&SearchQuery::new(), SearchUnit::Service)
                .await
                .unwrap();
            assert_eq!(first.page.hits[0].service.name, "Aardvark at last");
            assert!(first.page.hits.iter().all(|h| h.service.id != closed.id));
            assert_eq!(
                first.page.total as usize,
                generated.services.len() - withdrawn(&generated.services) - 1
            );
        }
    }

    fn withdrawn(services: &[mns_domain::directory::Service]) -> usize {
        services
            .iter()
            .filter(|s| s.status != ServiceStatus::Active)
            .count()
    }
}
