//! Writing the directory: services with their search columns and versions, organisations,
//! taxonomies, proposed changes, feedback and postcodes, each inside a [`WriteTx`].

use super::*;
use crate::{StoreResult, WriteTx, ts};
use chrono::{DateTime, NaiveDate, Utc};
use mns_domain::directory::relevance::{ANALYSIS_VERSION, encode_weighted};
use mns_domain::directory::search::Point;
use mns_domain::directory::{Organization, Service, Taxonomy, TaxonomyTerm};

impl WriteTx {
    /// Adds an organisation or replaces it.
    pub async fn put_organization(
        &mut self,
        org: &Organization,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO directory_organizations (id, name, name_key, document, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
             name_key = excluded.name_key, document = excluded.document, \
             updated_at = excluded.updated_at",
        )
        .bind(&org.id)
        .bind(&org.name)
        .bind(org.name.to_lowercase())
        .bind(to_json(org))
        .bind(ts(now))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Adds a taxonomy and its terms, or replaces them.
    pub async fn put_taxonomy(
        &mut self,
        taxonomy: &Taxonomy,
        terms: &[TaxonomyTerm],
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO directory_taxonomies (id, name, document) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, document = excluded.document",
        )
        .bind(&taxonomy.id)
        .bind(&taxonomy.name)
        .bind(to_json(taxonomy))
        .execute(&mut *self.tx)
        .await?;
        let mut moved = false;
        for (position, term) in terms.iter().enumerate() {
            let before: Option<(String,)> =
                sqlx::query_as("SELECT taxonomy_id FROM directory_terms WHERE id = $1")
                    .bind(&term.id)
                    .fetch_optional(&mut *self.tx)
                    .await?;
            moved |= before.is_none_or(|(t,)| t != term.taxonomy_id);
            sqlx::query(
                "INSERT INTO directory_terms (id, taxonomy_id, code, position, document) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET \
                 taxonomy_id = excluded.taxonomy_id, code = excluded.code, \
                 position = excluded.position, document = excluded.document",
            )
            .bind(&term.id)
            .bind(&term.taxonomy_id)
            .bind(&term.code)
            .bind(position as i64)
            .bind(to_json(term))
            .execute(&mut *self.tx)
            .await?;
        }
        // Search filters by taxonomy through its terms: a new term, or one that moved, changes
        // what search indexes hold.
        if moved {
            self.bump_directory_generation(None).await?;
        }
        Ok(())
    }

    /// Records that search columns changed (a service's, or with `None` the taxonomies'), so
    /// that every instance's search index catches up before its next search.
    async fn bump_directory_generation(&mut self, service_id: Option<&str>) -> StoreResult<()> {
        let (generation,): (i64,) = sqlx::query_as(
            "UPDATE directory_generation SET generation = generation + 1 WHERE id = 1 \
             RETURNING generation",
        )
        .fetch_one(&mut *self.tx)
        .await?;
        sqlx::query("INSERT INTO directory_index_log (generation, service_id) VALUES ($1, $2)")
            .bind(generation)
            .bind(service_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Publishes a service: writes the document, its search columns and side tables, and
    /// records it as a new version. Returns the version number.
    pub async fn put_service(
        &mut self,
        service: &Service,
        index: &ServiceIndex,
        changed_by: Option<&str>,
        note: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let document = to_json(service);
        let current: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM directory_services WHERE id = $1")
                .bind(&service.id)
                .fetch_optional(&mut *self.tx)
                .await?;
        let version = current.map_or(1, |(v,)| v + 1);
        let (opens, closes) = opening_bounds(service);
        sqlx::query(
            "INSERT INTO directory_services (id, organization_id, name_key, status, local_offer, \
             minimum_age, maximum_age, free, day_mask, opens_at, closes_at, last_reviewed, \
             last_modified, version, document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15) ON CONFLICT (id) DO UPDATE SET \
             organization_id = excluded.organization_id, name_key = excluded.name_key, \
             status = excluded.status, local_offer = excluded.local_offer, \
             minimum_age = excluded.minimum_age, maximum_age = excluded.maximum_age, \
             free = excluded.free, day_mask = excluded.day_mask, opens_at = excluded.opens_at, \
             closes_at = excluded.closes_at, last_reviewed = excluded.last_reviewed, \
             last_modified = excluded.last_modified, version = excluded.version, \
             document = excluded.document",
        )
        .bind(&service.id)
        .bind(&service.organization_id)
        .bind(service.name.to_lowercase())
        .bind(service.status.as_str())
        .bind(i64::from(service.in_local_offer()))
        .bind(service.minimum_age.map_or(NO_MINIMUM_AGE, i64::from))
        .bind(service.maximum_age.map_or(NO_MAXIMUM_AGE, i64::from))
        .bind(i64::from(service.is_free()))
        .bind(service.day_mask())
        .bind(opens)
        .bind(closes)
        .bind(service.last_reviewed.to_string())
        .bind(ts(service.last_modified))
        .bind(version)
        .bind(&document)
        .execute(&mut *self.tx)
        .await?;
        for table in ["directory_service_at_locations", "directory_service_terms"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE service_id = $1"))
                .bind(&service.id)
                .execute(&mut *self.tx)
                .await?;
        }
        for sal in &service.locations {
            sqlx::query(
                "INSERT INTO directory_service_at_locations (id, service_id, latitude, longitude) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&sal.id)
            .bind(&service.id)
            .bind(sal.location.latitude)
            .bind(sal.location.longitude)
            .execute(&mut *self.tx)
            .await?;
        }
        let mut terms = service.terms.clone();
        terms.sort();
        terms.dedup();
        insert_keys(
            self,
            "directory_service_terms",
            "term_id",
            &service.id,
            &terms,
        )
        .await?;
        self.put_search_words(&service.id, index).await?;
        sqlx::query(
            "INSERT INTO directory_service_versions (service_id, version, document, changed_by, \
             changed_at, note) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&service.id)
        .bind(version)
        .bind(&document)
        .bind(changed_by)
        .bind(ts(now))
        .bind(note)
        .execute(&mut *self.tx)
        .await?;
        Ok(version)
    }

    /// Replaces a service's keyword search words (its weighted words and the word list the SQL
    /// search reads), and logs the change for every instance's index.
    pub async fn put_search_words(
        &mut self,
        service_id: &str,
        index: &ServiceIndex,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE directory_services SET search_words = $1, search_version = $2 WHERE id = $3",
        )
        .bind(encode_weighted(&index.words))
        .bind(ANALYSIS_VERSION)
        .bind(service_id)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("DELETE FROM directory_words WHERE service_id = $1")
            .bind(service_id)
            .execute(&mut *self.tx)
            .await?;
        let mut words: Vec<String> = index.words.iter().map(|(w, _)| w.clone()).collect();
        words.sort();
        words.dedup();
        insert_keys(self, "directory_words", "word", service_id, &words).await?;
        self.bump_directory_generation(Some(service_id)).await
    }

    /// Prunes the directory's history: each service keeps its newest `versions_kept` published
    /// versions, and the index log keeps the generations after `log_after`. Returns how many
    /// versions and log rows went. An instance whose index is older than the log now reaches
    /// reloads it whole.
    pub async fn prune_directory_history(
        &mut self,
        versions_kept: u32,
        log_after: i64,
    ) -> StoreResult<(u64, u64)> {
        let versions = sqlx::query(
            "DELETE FROM directory_service_versions WHERE version <= (SELECT s.version \
             FROM directory_services s WHERE s.id = directory_service_versions.service_id) - $1",
        )
        .bind(i64::from(versions_kept))
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        let log = sqlx::query("DELETE FROM directory_index_log WHERE generation <= $1")
            .bind(log_after)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        Ok((versions, log))
    }

    /// Records a provider's proposed change.
    pub async fn insert_change(&mut self, change: &ChangeRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO directory_changes (id, service_id, organization_id, base_version, \
             proposed, status, submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&change.id)
        .bind(&change.service_id)
        .bind(&change.organization_id)
        .bind(change.base_version)
        .bind(to_json(&change.proposed))
        .bind(&change.status)
        .bind(&change.submitted_by)
        .bind(ts(change.submitted_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Marks a pending change approved or rejected. Returns false if it was not pending.
    pub async fn decide_change(
        &mut self,
        id: &str,
        status: &str,
        decided_by: &str,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE directory_changes SET status = $1, decided_by = $2, decided_at = $3, \
             reason = $4 WHERE id = $5 AND status = 'pending'",
        )
        .bind(status)
        .bind(decided_by)
        .bind(ts(now))
        .bind(reason)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Lets a user edit an organisation's entries.
    pub async fn link_organization_user(
        &mut self,
        user_id: &str,
        organization_id: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO directory_organization_users (user_id, organization_id) VALUES ($1, $2) \
             ON CONFLICT (user_id, organization_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(organization_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Notes that the owner of a service was reminded to review it on `day`.
    pub async fn mark_review_reminded(
        &mut self,
        service_id: &str,
        day: NaiveDate,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE directory_services SET review_reminded_on = $1 WHERE id = $2")
            .bind(day.to_string())
            .bind(service_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Adds postcode centroids, replacing any already known. Rows go in batches so that a
    /// national file loads in minutes, not hours.
    pub async fn put_postcodes(
        &mut self,
        rows: &[(String, Point, Option<String>)],
    ) -> StoreResult<()> {
        for batch in rows.chunks(200) {
            let mut sql = String::from(
                "INSERT INTO postcodes (postcode, latitude, longitude, place) VALUES ",
            );
            for i in 0..batch.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let n = i * 4;
                sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
            }
            sql.push_str(
                " ON CONFLICT (postcode) DO UPDATE SET latitude = excluded.latitude, \
                 longitude = excluded.longitude, place = excluded.place",
            );
            let mut q = sqlx::query(&sql);
            for (postcode, point, place) in batch {
                q = q
                    .bind(postcode)
                    .bind(point.latitude)
                    .bind(point.longitude)
                    .bind(place);
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}
