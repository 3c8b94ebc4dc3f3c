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
        let mut tx = self.store.begin().await?;
        for (taxonomy, terms) in taxonomies {
            tx.put_taxonomy(taxonomy, terms).await?;
        }
        for org in organizations {
            tx.put_organization(org, now).await?;
        }
        let mut terms = builtin_terms();
        for (_, extra) in taxonomies {
            terms.extend(extra.iter().cloned());
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
    /// that, by whether the content starts like JSON. All or nothing.
    pub async fn import_directory_file(
        &self,
        actor: &Actor,
        name: &str,
        bytes: &[u8],
    ) -> AppResult<usize> {
        use mns_domain::directory::import::{
            ImportedService, from_csv, from_oruk_page, from_oruk_service,
        };
        let today = self.today();
        let looks_json = bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{' || *b == b'[');
        let imported: Vec<ImportedService> =
            if name.to_ascii_lowercase().ends_with(".csv") || !looks_json {
                from_csv(bytes, today).map_err(|e| AppError::invalid("file", e.to_string()))?
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
                let mut out = Vec::new();
                for (n, item) in items.iter().enumerate() {
                    out.push(from_oruk_service(item, today).map_err(|e| {
                        AppError::invalid("file", format!("service {}: {e}", n + 1))
                    })?);
                }
                out
            };
        let mut organizations: Vec<Organization> = Vec::new();
        let mut taxonomies: Vec<(Taxonomy, Vec<TaxonomyTerm>)> = Vec::new();
        let mut services = Vec::new();
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
            services.push(item.service);
        }
        self.import_directory(
            actor,
            &organizations,
            &taxonomies,
            &services,
            &format!("imported from {name}"),
        )
        .await
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
