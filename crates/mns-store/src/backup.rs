//! Online backups of a SQLite deployment (issue 20). `VACUUM INTO` writes a consistent copy of
//! the database as of one instant while the service keeps running: it reads in one read
//! transaction, and with WAL writers carry on meanwhile. The copy then gets a manifest table
//! saying what it needs to be opened (which keys, which schema), and the restore removes it.
//! PostgreSQL is backed up with its own tools (`pg_dump`; see the README).

use crate::{Backend, Store, StoreError, StoreResult};
use std::path::Path;

/// The manifest's table in a backup file; never in a live database.
const MANIFEST: &str = "mns_backup_manifest";

impl Store {
    /// Copies the database into `path`, which must not exist yet, as of one instant. SQLite
    /// only.
    pub async fn backup_into(&self, path: &Path) -> StoreResult<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::NotSqlite);
        }
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Corrupt("the backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The key ids that seal the stored documents' data keys, and the audit entries, each in
    /// order: what a restored copy needs the keys of.
    pub async fn key_ids_in_use(&self) -> StoreResult<(Vec<String>, Vec<String>)> {
        let documents = self
            .texts_where(
                "SELECT DISTINCT key_id FROM documents WHERE key_id <> $1 ORDER BY key_id",
                &[""],
            )
            .await?;
        let audit = self
            .texts_where(
                "SELECT DISTINCT key_id FROM audit_log WHERE key_id <> $1 ORDER BY key_id",
                &[""],
            )
            .await?;
        Ok((documents, audit))
    }

    /// The newest schema migration applied.
    pub async fn latest_migration(&self) -> StoreResult<i64> {
        let (version,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations")
                .fetch_one(&self.pool)
                .await?;
        Ok(version.unwrap_or(0))
    }

    /// Writes `entries` (name, value) as this database's backup manifest. For the copy
    /// [`Store::backup_into`] made, never the live database.
    pub async fn write_backup_manifest(&self, entries: &[(String, String)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!(
            "CREATE TABLE {MANIFEST} (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
        ))
        .execute(&mut *tx)
        .await?;
        for (name, value) in entries {
            sqlx::query(&format!(
                "INSERT INTO {MANIFEST} (name, value) VALUES ($1, $2)"
            ))
            .bind(name)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// This database's backup manifest, by name; `None` if it has none (it is not a backup
    /// made by `mns backup`). SQLite only.
    pub async fn backup_manifest(&self) -> StoreResult<Option<Vec<(String, String)>>> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::NotSqlite);
        }
        let tables = self
            .texts_where(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = $1",
                &[MANIFEST],
            )
            .await?;
        if tables.is_empty() {
            return Ok(None);
        }
        let rows: Vec<(String, String)> =
            sqlx::query_as(&format!("SELECT name, value FROM {MANIFEST} ORDER BY name"))
                .fetch_all(&self.pool)
                .await?;
        Ok(Some(rows))
    }

    /// Moves everything in the write-ahead log into the database file and empties the log, so
    /// that the file alone holds it all and can be renamed or copied (a backup's copy, a
    /// restore's). SQLite only; for a store only this process uses.
    pub async fn settle_into_one_file(&self) -> StoreResult<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::NotSqlite);
        }
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await?;
        if busy != 0 {
            return Err(StoreError::Corrupt(
                "the copy's write-ahead log could not be checkpointed".into(),
            ));
        }
        Ok(())
    }

    /// Removes the backup manifest from a restored copy.
    pub async fn remove_backup_manifest(&self) -> StoreResult<()> {
        sqlx::query(&format!("DROP TABLE IF EXISTS {MANIFEST}"))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
