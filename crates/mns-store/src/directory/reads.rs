//! Reading the directory: services, organisations, taxonomies, versions, changes, feedback
//! and the entries due for review.

use super::*;
use crate::{Store, StoreError, StoreResult, parse_ts};
use chrono::NaiveDate;
use mns_domain::directory::{Organization, Taxonomy, TaxonomyTerm};

impl Store {
    /// A service by id, whatever its status.
    pub async fn directory_service(&self, id: &str) -> StoreResult<Option<ServiceEntry>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT document, version FROM directory_services WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(doc, version)| {
            Ok(ServiceEntry {
                service: from_json(&doc)?,
                version,
            })
        })
        .transpose()
    }

    /// The service a service-at-location belongs to.
    pub async fn service_of_location_link(
        &self,
        sal_id: &str,
    ) -> StoreResult<Option<ServiceEntry>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT service_id FROM directory_service_at_locations WHERE id = $1")
                .bind(sal_id)
                .fetch_optional(&self.pool)
                .await?;
        match row {
            Some((service_id,)) => self.directory_service(&service_id).await,
            None => Ok(None),
        }
    }

    /// An organisation by id.
    pub async fn directory_organization(&self, id: &str) -> StoreResult<Option<Organization>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT document FROM directory_organizations WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(doc,)| from_json(&doc)).transpose()
    }

    /// The organisations with these ids, in one query (those that exist; any order).
    pub async fn directory_organizations_by_id(
        &self,
        ids: &[String],
    ) -> StoreResult<Vec<Organization>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // As one JSON row of documents, 500 ids to a statement (see `directory_documents`).
        let mut found = Vec::with_capacity(ids.len());
        for batch in ids.chunks(500) {
            let from = format!(
                "directory_organizations WHERE id IN ({})",
                self.backend.in_list(batch.len())
            );
            let rows: Vec<(String,)> = self.json_table("document", &from, batch).await?;
            for (document,) in rows {
                found.push(from_json(&document)?);
            }
        }
        Ok(found)
    }

    /// A page of organisations by name, optionally those whose name contains `search`, and the
    /// total.
    pub async fn directory_organizations(
        &self,
        search: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> StoreResult<(u64, Vec<Organization>)> {
        let pattern = search.map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")));
        let filter = if pattern.is_some() {
            "WHERE name_key LIKE $1"
        } else {
            ""
        };
        let count_sql = format!("SELECT COUNT(*) FROM directory_organizations {filter}");
        let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
        if let Some(p) = &pattern {
            count = count.bind(p);
        }
        let (total,) = count.fetch_one(&self.pool).await?;
        let sql = format!(
            "SELECT document FROM directory_organizations {filter} ORDER BY name_key, id LIMIT {} OFFSET {}",
            per_page.max(1),
            u64::from(page.max(1) - 1) * u64::from(per_page)
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql);
        if let Some(p) = &pattern {
            q = q.bind(p);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let orgs = rows
            .iter()
            .map(|(d,)| from_json(d))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((total as u64, orgs))
    }

    /// An organisation's services (any status), by name.
    pub async fn services_of_organization(
        &self,
        organization_id: &str,
    ) -> StoreResult<Vec<ServiceEntry>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT document, version FROM directory_services WHERE organization_id = $1 \
             ORDER BY name_key, id",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|(d, v)| {
                Ok(ServiceEntry {
                    service: from_json(d)?,
                    version: *v,
                })
            })
            .collect()
    }

    /// Every taxonomy.
    pub async fn directory_taxonomies(&self) -> StoreResult<Vec<Taxonomy>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT document FROM directory_taxonomies ORDER BY name, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|(d,)| from_json(d)).collect()
    }

    /// Every term, by taxonomy then position; only one taxonomy's when `taxonomy_id` is given.
    pub async fn directory_terms(
        &self,
        taxonomy_id: Option<&str>,
    ) -> StoreResult<Vec<TaxonomyTerm>> {
        let rows: Vec<(String,)> = match taxonomy_id {
            Some(t) => sqlx::query_as(
                "SELECT document FROM directory_terms WHERE taxonomy_id = $1 ORDER BY position, id",
            )
            .bind(t)
            .fetch_all(&self.pool)
            .await?,
            None => {
                sqlx::query_as(
                    "SELECT document FROM directory_terms ORDER BY taxonomy_id, position, id",
                )
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(|(d,)| from_json(d)).collect()
    }

    /// The published versions of a service, newest first.
    pub async fn service_versions(&self, service_id: &str) -> StoreResult<Vec<ServiceVersion>> {
        let rows: Vec<(i64, String, Option<String>, String, String)> = sqlx::query_as(
            "SELECT version, document, changed_by, changed_at, note FROM directory_service_versions \
             WHERE service_id = $1 ORDER BY version DESC",
        )
        .bind(service_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(version, doc, changed_by, at, note)| {
                Ok(ServiceVersion {
                    version,
                    service: from_json(&doc)?,
                    changed_by,
                    changed_at: parse_ts(&at)?,
                    note,
                })
            })
            .collect()
    }

    /// One proposed change.
    pub async fn directory_change(&self, id: &str) -> StoreResult<Option<ChangeRecord>> {
        let rows = self.changes_where("id = $1", id).await?;
        Ok(rows.into_iter().next())
    }

    /// Changes with a status (`pending`, …), oldest first.
    pub async fn directory_changes_with_status(
        &self,
        status: &str,
    ) -> StoreResult<Vec<ChangeRecord>> {
        self.changes_where("status = $1", status).await
    }

    /// Every change to one service, oldest first.
    pub async fn directory_changes_of_service(
        &self,
        service_id: &str,
    ) -> StoreResult<Vec<ChangeRecord>> {
        self.changes_where("service_id = $1", service_id).await
    }

    /// The changes one user has sent, new services' included.
    pub async fn directory_changes_submitted_by(
        &self,
        user_id: &str,
    ) -> StoreResult<Vec<ChangeRecord>> {
        self.changes_where("submitted_by = $1", user_id).await
    }

    async fn changes_where(&self, condition: &str, value: &str) -> StoreResult<Vec<ChangeRecord>> {
        type Row = (
            String,
            String,
            String,
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT id, service_id, organization_id, base_version, proposed, status, submitted_by, \
             submitted_at, decided_by, decided_at, reason FROM directory_changes WHERE {condition} \
             ORDER BY submitted_at, id"
        ))
        .bind(value)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(
                    id,
                    service_id,
                    organization_id,
                    base_version,
                    proposed,
                    status,
                    submitted_by,
                    submitted_at,
                    decided_by,
                    decided_at,
                    reason,
                )| {
                    Ok(ChangeRecord {
                        id,
                        service_id,
                        organization_id,
                        base_version,
                        proposed: from_json(&proposed)?,
                        status,
                        submitted_by,
                        submitted_at: parse_ts(&submitted_at)?,
                        decided_by,
                        decided_at: decided_at.as_deref().map(parse_ts).transpose()?,
                        reason,
                    })
                },
            )
            .collect()
    }

    /// The organisations a user may edit.
    pub async fn organizations_of_user(&self, user_id: &str) -> StoreResult<Vec<Organization>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT o.document FROM directory_organizations o JOIN directory_organization_users u \
             ON u.organization_id = o.id WHERE u.user_id = $1 ORDER BY o.name_key",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|(d,)| from_json(d)).collect()
    }

    /// The users who may edit an organisation's entries.
    pub async fn users_of_organization(&self, organization_id: &str) -> StoreResult<Vec<String>> {
        self.texts_where(
            "SELECT user_id FROM directory_organization_users WHERE organization_id = $1 \
             ORDER BY user_id",
            &[organization_id],
        )
        .await
    }

    /// Active services last reviewed before `reviewed_before` whose owners have not been
    /// reminded since `reminded_before`: (service id, name, organisation id, last reviewed).
    pub async fn services_due_review(
        &self,
        reviewed_before: NaiveDate,
        reminded_before: NaiveDate,
    ) -> StoreResult<Vec<(String, String, String, NaiveDate)>> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT id, name_key, organization_id, last_reviewed FROM directory_services \
             WHERE status = 'active' AND last_reviewed < $1 \
             AND (review_reminded_on IS NULL OR review_reminded_on < $2) \
             ORDER BY last_reviewed, id",
        )
        .bind(reviewed_before.to_string())
        .bind(reminded_before.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, name, org, day)| {
                let day = day
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("'{day}' is not a date")))?;
                Ok((id, name, org, day))
            })
            .collect()
    }

    /// How many active services were last reviewed before `day`.
    pub async fn count_services_reviewed_before(&self, day: NaiveDate) -> StoreResult<u64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM directory_services WHERE status = 'active' AND last_reviewed < $1",
        )
        .bind(day.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(n as u64)
    }

    /// Active services last reviewed before `day`, oldest first (then by id), after the
    /// service `after` names by its review date and id: one page of the list of entries
    /// overdue for review.
    pub async fn services_reviewed_before(
        &self,
        day: NaiveDate,
        after: Option<(NaiveDate, &str)>,
        limit: u32,
    ) -> StoreResult<Vec<Service>> {
        let (from, id) = after.map_or((String::new(), String::new()), |(d, id)| {
            (d.to_string(), id.to_string())
        });
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT document FROM directory_services WHERE status = 'active' \
             AND last_reviewed < $1 AND (last_reviewed > $2 OR (last_reviewed = $3 AND id > $4)) \
             ORDER BY last_reviewed, id LIMIT $5",
        )
        .bind(day.to_string())
        .bind(&from)
        .bind(&from)
        .bind(&id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|(d,)| from_json::<Service>(d)).collect()
    }
}
