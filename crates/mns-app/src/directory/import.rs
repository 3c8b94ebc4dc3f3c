//! Moving a directory in: ORUK JSON and CSV files (read by the domain's importers) and the
//! postcode centroids distance search needs.

use super::*;
use crate::{Actor, App, AppError, AppResult, FieldError};
use mns_domain::directory::search::Point;
use mns_domain::directory::taxonomy::builtin_terms;
use mns_domain::directory::{Organization, Service, Taxonomy, TaxonomyTerm, check_service};

impl App {
    /// Loads organisations, taxonomies and services in one transaction (an import, the demo or
    /// a benchmark). Each service is checked first; nothing is written if any is bad.
    pub async fn import_directory(
        &self,
        actor: &Actor,
        organizations: &[Organization],
        taxonomies: &[(Taxonomy, Vec<TaxonomyTerm>)],
        services: &[Service],
        note: &str,
    ) -> AppResult<usize> {
        if !is_local_offer_officer(actor) && actor.user.id != "system" {
            return Err(AppError::NotFound);
        }
        let mut errors = Vec::new();
        for s in services {
            for e in check_service(s) {
                errors.push(FieldError::new(
                    &format!("service {} ({})", s.id, e.field),
                    e.message,
                ));
            }
        }
        if !errors.is_empty() {
            errors.truncate(50);
            return Err(AppError::Invalid(errors));
        }
        let now = self.now();
        // An organisation whose details change changes its services too: their ORUK documents
        // carry it and their search words hold its name. Those not in this import are
        // rewritten below with a new `last_modified`, so that a reader asking for what changed
        // (`modified_after`) gets them, and search finds them by the new name.
        let imported: std::collections::HashSet<&str> =
            services.iter().map(|s| s.id.as_str()).collect();
        let mut followers: Vec<(Organization, Service)> = Vec::new();
        for org in organizations {
            if self
                .store
                .directory_organization(&org.id)
                .await?
                .is_some_and(|before| before != *org)
            {
                for entry in self.store.services_of_organization(&org.id).await? {
                    if !imported.contains(entry.service.id.as_str()) {
                        followers.push((org.clone(), entry.service));
                    }
                }
            }
        }
        let mut tx = self.store.begin().await?;
        for (taxonomy, terms) in taxonomies {
            tx.put_taxonomy(taxonomy, terms).await?;
        }
        for org in organizations {
            tx.put_organization(org, now).await?;
        }
        // The terms services are indexed with: the built-in ones, those imported before (which
        // services not in this file may link to) and this file's.
        let mut terms = builtin_terms();
        for stored in self.store.directory_terms(None).await? {
            if !terms.iter().any(|t| t.id == stored.id) {
                terms.push(stored);
            }
        }
        for (_, extra) in taxonomies {
            for term in extra {
                terms.retain(|t| t.id != term.id);
                terms.push(term.clone());
            }
        }
        let orgs: std::collections::HashMap<&str, &Organization> =
            organizations.iter().map(|o| (o.id.as_str(), o)).collect();
        for s in services {
            let org = match orgs.get(s.organization_id.as_str()) {
                Some(o) => Some((*o).clone()),
                None => {
                    self.store
                        .directory_organization(&s.organization_id)
                        .await?
                }
            };
            if org.is_none() {
                return Err(AppError::invalid(
                    "organization_id",
                    format!(
                        "Service {} names an organisation that is not in the file or the directory",
                        s.id
                    ),
                ));
            }
            let index = service_index(s, org.as_ref(), &terms);
            tx.put_service(s, &index, None, note, now).await?;
        }
        for (org, mut service) in followers {
            service.last_modified = now;
            let index = service_index(&service, Some(&org), &terms);
            tx.put_service(
                &service,
                &index,
                None,
                "its organisation's details changed",
                now,
            )
            .await?;
        }
        self.audit(
            &mut tx,
            actor,
            "directory.import",
            "directory",
            "-",
            &format!("{} services: {note}", services.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(services.len())
    }

    /// Imports a file of services: Open Referral UK JSON (one service, a list, or a
    /// `/services` page) or the directory CSV layout, chosen by the name's extension or, failing
    /// that, by whether the content starts like JSON. All or nothing, unless `skip_bad`: then
    /// a service with a problem is left out and reported, and the rest imported. A service that
    /// carries none of its parts (an item of a list page without `full=true`) updates an
    /// existing entry's summary and keeps its contacts, schedules, places and the rest.
    pub async fn import_directory_file(
        &self,
        actor: &Actor,
        name: &str,
        bytes: &[u8],
        skip_bad: bool,
    ) -> AppResult<DirectoryImport> {
        use mns_domain::directory::import::{
            ImportedService, from_csv, from_csv_skipping_bad, from_oruk_page,
        };
        if !is_local_offer_officer(actor) && actor.user.id != "system" {
            return Err(AppError::NotFound);
        }
        let mut skipped: Vec<String> = Vec::new();
        let today = self.today();
        let looks_json = bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{' || *b == b'[');
        let imported: Vec<ImportedService> =
            if name.to_ascii_lowercase().ends_with(".csv") || !looks_json {
                let read = if skip_bad {
                    from_csv_skipping_bad(bytes, today).map(|(good, problems, lines)| {
                        skipped.extend(problems.iter().map(|p| p.to_string()));
                        if lines > problems.len() {
                            skipped.push(format!(
                                "and {} more lines with problems",
                                lines - problems.len()
                            ));
                        }
                        good
                    })
                } else {
                    from_csv(bytes, today)
                };
                read.map_err(|e| AppError::invalid("file", e.to_string()))?
            } else {
                let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
                    AppError::invalid("file", format!("The file is not valid JSON: {e}"))
                })?;
                let items = if value.get("contents").is_some() || value.is_array() {
                    from_oruk_page(&value)
                        .map_err(|e| AppError::invalid("file", e.to_string()))?
                        .0
                } else {
                    vec![value]
                };
                read_oruk_items(&items, 0, today, skip_bad, &mut skipped)?
            };
        self.store_imported(actor, imported, skip_bad, skipped, name)
            .await
    }

    /// Writes what an import read (see [`App::import_directory_file`]): its organisations,
    /// taxonomies and services in one transaction, noting what each service left out.
    pub(crate) async fn store_imported(
        &self,
        actor: &Actor,
        imported: Vec<mns_domain::directory::import::ImportedService>,
        skip_bad: bool,
        mut skipped: Vec<String>,
        source: &str,
    ) -> AppResult<DirectoryImport> {
        let mut organizations: Vec<Organization> = Vec::new();
        let mut taxonomies: Vec<(Taxonomy, Vec<TaxonomyTerm>)> = Vec::new();
        let mut services = Vec::new();
        let mut kept_parts = 0;
        let mut notes = Vec::new();
        for item in imported {
            if let Some(org) = item.organization
                && !organizations.iter().any(|o| o.id == org.id)
            {
                organizations.push(org);
            }
            for taxonomy in item.taxonomies {
                if !taxonomies.iter().any(|(t, _)| t.id == taxonomy.id) {
                    taxonomies.push((taxonomy, Vec::new()));
                }
            }
            for term in item.terms {
                if let Some((_, list)) = taxonomies
                    .iter_mut()
                    .find(|(t, _)| t.id == term.taxonomy_id)
                    && !list.iter().any(|t| t.id == term.id)
                {
                    list.push(term);
                }
            }
            // Without `skip_bad`, `import_directory` refuses the file for an unknown
            // organisation; only skipping needs to know before then.
            let known = !skip_bad
                || organizations
                    .iter()
                    .any(|o| o.id == item.service.organization_id)
                || self
                    .store
                    .directory_organization(&item.service.organization_id)
                    .await?
                    .is_some();
            if !known {
                skipped.push(format!(
                    "service {}: names an organisation that is not in the file or the directory",
                    item.service.id
                ));
                continue;
            }
            notes.extend(
                item.left_out
                    .iter()
                    .map(|note| format!("{} ({}): {note}", item.service.name, item.service.id)),
            );
            let service = match item.summary_only {
                true => match self.store.directory_service(&item.service.id).await? {
                    Some(existing) => {
                        kept_parts += 1;
                        existing.service.with_summary_of(&item.service)
                    }
                    None => item.service,
                },
                false => item.service,
            };
            services.push(service);
        }
        let services = self
            .import_directory(
                actor,
                &organizations,
                &taxonomies,
                &services,
                &format!("imported from {source}"),
            )
            .await?;
        Ok(DirectoryImport {
            services,
            kept_parts,
            skipped,
            notes,
        })
    }

    /// Loads postcode centroids from a CSV with a header: the demo's outcode file
    /// (`postcode,…,latitude,longitude,city,…`) or the ONS Postcode Directory (`pcds`, `lat`,
    /// `long`). Rows without coordinates are skipped (ONSPD marks them 99.999999).
    pub async fn import_postcodes(
        &self,
        actor: &Actor,
        csv_text: impl std::io::Read,
    ) -> AppResult<usize> {
        if !is_local_offer_officer(actor) && actor.user.id != "system" {
            return Err(AppError::NotFound);
        }
        let rows = parse_postcode_csv(csv_text)?;
        let mut tx = self.store.begin().await?;
        tx.put_postcodes(&rows).await?;
        self.audit(
            &mut tx,
            actor,
            "directory.postcodes.import",
            "postcodes",
            "-",
            &format!("{} rows", rows.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    }
}

/// What importing a file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryImport {
    /// Services written.
    pub services: usize,
    /// Of those, entries that already existed and were updated from a summary that carried
    /// none of their parts, so their contacts, schedules, places and the rest were kept.
    pub kept_parts: usize,
    /// With `skip_bad`: each service (or CSV line) left out, and why.
    pub skipped: Vec<String>,
    /// Parts of imported services that were left out or kept only in part (a place whose
    /// coordinates are not on Earth, a language with no name), each naming its service.
    pub notes: Vec<String>,
}

/// Reads ORUK services (`/services` page items, or whole services), numbering them from
/// `before + 1` in messages. One that cannot be read or breaks the directory's rules refuses
/// the lot, or with `skip_bad` is left out and noted in `skipped`.
pub(crate) fn read_oruk_items(
    items: &[serde_json::Value],
    before: usize,
    today: chrono::NaiveDate,
    skip_bad: bool,
    skipped: &mut Vec<String>,
) -> AppResult<Vec<mns_domain::directory::import::ImportedService>> {
    use mns_domain::directory::import::from_oruk_service;
    let mut out = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let problems = match from_oruk_service(item, today) {
            Ok(found) => {
                let problems: Vec<String> = check_service(&found.service)
                    .iter()
                    .map(|e| e.to_string())
                    .collect();
                if problems.is_empty() || !skip_bad {
                    out.push(found);
                    continue;
                }
                problems.join("; ")
            }
            Err(e) => e.to_string(),
        };
        let number = before + n + 1;
        if !skip_bad {
            return Err(AppError::invalid(
                "file",
                format!("service {number}: {problems}"),
            ));
        }
        skipped.push(format!("service {number}: {problems}"));
    }
    Ok(out)
}

/// Reads a postcode CSV by column name; see [`App::import_postcodes`].
pub fn parse_postcode_csv(
    input: impl std::io::Read,
) -> AppResult<Vec<(String, Point, Option<String>)>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| {
            AppError::invalid(
                "file",
                format!("The file is not a CSV with a header row: {e}"),
            )
        })?
        .clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&h.trim().to_ascii_lowercase().as_str()))
    };
    let (Some(pc), Some(lat), Some(lon)) = (
        find(&["postcode", "pcds", "pcd"]),
        find(&["latitude", "lat"]),
        find(&["longitude", "long", "lon"]),
    ) else {
        return Err(AppError::invalid(
            "file",
            "The file needs columns named postcode (or pcds), latitude (or lat) and longitude (or long)",
        ));
    };
    let place = find(&["city", "town", "place"]);
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| AppError::invalid("file", format!("line {line}: {e}")))?;
        let text = record.get(pc).unwrap_or("").trim().to_ascii_uppercase();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            continue;
        }
        let parse = |i: usize, what: &str| -> AppResult<f64> {
            record
                .get(i)
                .unwrap_or("")
                .trim()
                .parse::<f64>()
                .map_err(|_| {
                    AppError::invalid("file", format!("line {line}, column {what}: not a number"))
                })
        };
        let (latitude, longitude) = (parse(lat, "latitude")?, parse(lon, "longitude")?);
        if !(-90.0..=90.0).contains(&latitude)
            || !(-180.0..=180.0).contains(&longitude)
            || latitude > 99.0 - 1.0 && latitude < 100.0
        {
            continue;
        }
        let place = place
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        rows.push((
            text,
            Point {
                latitude,
                longitude,
            },
            place,
        ));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::DirectoryImport;
    use crate::{App, Settings, system_actor};
    use mns_domain::directory::oruk::{service_full, service_list_item};
    use mns_domain::directory::taxonomy::{builtin_taxonomies, builtin_terms};
    use mns_domain::directory::{Organization, example_service};
    use mns_store::testing::{backends, fresh_store};

    #[tokio::test]
    async fn a_list_page_without_parts_updates_an_entry_and_keeps_its_parts() {
        for backend in backends() {
            let (store, _db) = fresh_store(backend).await;
            let app = App::new(store, Settings::new("http://localhost"));
            let actor = system_actor("test");
            app.ensure_directory_taxonomies().await.unwrap();
            let service = example_service();
            let organization = Organization {
                id: service.organization_id.clone(),
                name: "Example Trust".into(),
                description: String::new(),
                email: None,
                website: None,
                logo: None,
                uri: None,
                parent_organization_id: None,
                ..Default::default()
            };
            let full = service_full(
                &service,
                Some(&organization),
                &builtin_terms(),
                &builtin_taxonomies(),
            );
            let done = app
                .import_directory_file(&actor, "full.json", full.to_string().as_bytes(), false)
                .await
                .unwrap();
            assert_eq!(
                done,
                DirectoryImport {
                    services: 1,
                    kept_parts: 0,
                    skipped: Vec::new(),
                    notes: Vec::new(),
                }
            );
            // Another directory's plain list page: the summary changed, the parts are absent.
            let mut renamed = service.clone();
            renamed.name = "Saturday Swim Club (renamed)".into();
            renamed.maximum_age = Some(18);
            let page = serde_json::json!({
                "total_items": 1, "total_pages": 1, "page_number": 1, "size": 1,
                "first_page": true, "last_page": true, "empty": false,
                "contents": [service_list_item(&renamed, Some(&organization))],
            });
            let done = app
                .import_directory_file(&actor, "page.json", page.to_string().as_bytes(), false)
                .await
                .unwrap();
            assert_eq!(done.kept_parts, 1);
            let stored = app
                .store
                .directory_service(&service.id)
                .await
                .unwrap()
                .unwrap()
                .service;
            assert_eq!(stored.name, renamed.name);
            assert_eq!(stored.maximum_age, Some(18));
            assert!(!service.contacts.is_empty() && !service.schedules.is_empty());
            assert_eq!(stored.contacts, service.contacts);
            assert_eq!(stored.schedules, service.schedules);
            assert_eq!(stored.locations, service.locations);
            assert_eq!(stored.terms, service.terms);
            assert_eq!(stored.local_offer, service.local_offer);
            // A full record still replaces the parts: one that lists no phones has none.
            let mut fewer = service.clone();
            fewer.phones.clear();
            let full = service_full(&fewer, Some(&organization), &builtin_terms(), &[]);
            let done = app
                .import_directory_file(&actor, "full.json", full.to_string().as_bytes(), false)
                .await
                .unwrap();
            assert_eq!(done.kept_parts, 0);
            let stored = app.store.directory_service(&service.id).await.unwrap();
            assert!(stored.unwrap().service.phones.is_empty());
        }
    }

    /// A renamed organisation moves `modified_after` and search for all its services, not only
    /// those in the file that renamed it.
    #[tokio::test]
    async fn an_organisations_new_details_reach_every_one_of_its_services() {
        use mns_domain::directory::search::SearchQuery;
        use mns_store::SearchUnit;
        for backend in backends() {
            let (store, _db) = fresh_store(backend).await;
            let app = App::new(store, Settings::new("http://localhost"));
            let actor = system_actor("test");
            app.ensure_directory_taxonomies().await.unwrap();
            let first = example_service();
            let mut second = example_service();
            second.id = "0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0999".into();
            second.name = "Splash Holiday Club".into();
            second.locations.clear();
            let mut organization = Organization {
                id: first.organization_id.clone(),
                name: "Example Trust".into(),
                ..Default::default()
            };
            let both = [first.clone(), second.clone()];
            app.import_directory(&actor, &[organization.clone()], &[], &both, "first")
                .await
                .unwrap();
            let renamed_at = app.now();
            organization.name = "Waveney Aquatics Trust".into();
            app.import_directory(
                &actor,
                &[organization.clone()],
                &[],
                std::slice::from_ref(&first),
                "renamed",
            )
            .await
            .unwrap();
            let stored = app
                .store
                .directory_service(&second.id)
                .await
                .unwrap()
                .unwrap();
            assert!(stored.service.last_modified >= renamed_at, "{backend:?}");
            assert_eq!(stored.version, 2);
            let query = SearchQuery {
                words: mns_domain::directory::search::words("waveney aquatics"),
                ..SearchQuery::default()
            };
            let found = app
                .search_directory(&query, SearchUnit::Service)
                .await
                .unwrap();
            let ids: Vec<&str> = found
                .page
                .hits
                .iter()
                .map(|h| h.service.id.as_str())
                .collect();
            assert!(ids.contains(&second.id.as_str()), "{backend:?}: {ids:?}");
            // Unchanged details touch nothing.
            app.import_directory(&actor, &[organization], &[], &[], "again")
                .await
                .unwrap();
            let again = app
                .store
                .directory_service(&second.id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(again.version, 2);
        }
    }
}
