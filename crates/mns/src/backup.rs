//! `mns backup FILE` and `mns restore FILE` for a SQLite deployment (issue 20).
//!
//! The backup is one file: a consistent copy of the database made while the service runs
//! (`VACUUM INTO`), with a manifest table naming the mns version, the schema, the audit
//! trail's head and the fingerprints of the keys its documents and audit entries are sealed
//! with. It never holds the keys themselves: they are kept apart (`MNS_DOCUMENT_KEYS` and
//! `MNS_AUDIT_KEYS`, or the data directory's `document-keys` and `audit-keys` files), so a
//! stolen backup opens no document. A restore goes into an empty data directory, refuses
//! unless the keys configured there are the ones the backup needs, brings the schema up to
//! this version and verifies the audit trail.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use mns_app::documents::DocumentKeys;
use mns_store::Store;

use crate::config::{Config, Secret};
use crate::files;

/// What the manifest's `format` says.
const FORMAT: &str = "mns-backup-1";

/// `FILE` with `suffix` added to its name.
fn beside(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes a SQLite file with its `-wal` and `-shm` companions, if there are any.
fn remove_database_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(beside(path, suffix));
    }
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rw", path.display())
}

/// The keys configured (from the environment, or the data directory's key file), without
/// making a key file where there is none.
fn configured_keys(
    secret: Option<&Secret>,
    file: &Path,
    name: &str,
) -> Result<Option<DocumentKeys>> {
    match secret {
        Some(text) => DocumentKeys::parse(text.expose())
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{name}: {e}")),
        None if file.exists() => DocumentKeys::load_or_create(file)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display())),
        None => Ok(None),
    }
}

/// The two key rings a deployment is configured with: documents', then the audit trail's.
fn key_rings(config: &Config) -> Result<[Option<DocumentKeys>; 2]> {
    Ok([
        configured_keys(
            config.document_keys.as_ref(),
            &config.data_dir.join("document-keys"),
            "MNS_DOCUMENT_KEYS",
        )?,
        configured_keys(
            config.audit_keys.as_ref(),
            &config.data_dir.join("audit-keys"),
            "MNS_AUDIT_KEYS",
        )?,
    ])
}

/// The manifest's names for the two kinds of key, and where each is configured.
const KINDS: [(&str, &str, &str); 2] = [
    ("document_key", "MNS_DOCUMENT_KEYS", "document-keys"),
    ("audit_key", "MNS_AUDIT_KEYS", "audit-keys"),
];

/// `mns backup FILE`.
pub async fn backup(config: &Config, file: &Path) -> Result<()> {
    let url = config.database_url.expose();
    let Some(database) = files::sqlite_path(url) else {
        bail!(
            "mns backup copies a SQLite deployment's database; this one uses PostgreSQL: back it up with pg_dump (see the README)"
        );
    };
    if !database.exists() {
        bail!("there is no database at {} to back up", database.display());
    }
    if file.exists() {
        bail!(
            "{} already exists: give the backup a new file name",
            file.display()
        );
    }
    let started = Instant::now();
    let partial = beside(file, ".partial");
    remove_database_files(&partial);
    let store = Store::connect(url)
        .await
        .with_context(|| format!("could not open the database {}", config.database_url))?;
    let copied = store.backup_into(&partial).await;
    store.close().await;
    copied.with_context(|| format!("could not write the backup to {}", partial.display()))?;
    files::make_private(&partial)?;

    // Everything the manifest says is read from the copy, so it describes the copy's instant.
    let written = write_manifest(config, &partial).await;
    if let Err(error) = written {
        remove_database_files(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, file)
        .with_context(|| format!("could not name the backup {}", file.display()))?;
    remove_database_files(&partial);
    let size = std::fs::metadata(file).map_or(0, |m| m.len());
    println!(
        "Backed up {} to {} ({:.1} MB in {:.1} s).",
        database.display(),
        file.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    println!(
        "The backup does not hold the keys. Keep MNS_DOCUMENT_KEYS and MNS_AUDIT_KEYS (or the data directory's document-keys and audit-keys files) safe, apart from it: a restore needs them."
    );
    Ok(())
}

async fn write_manifest(config: &Config, copy: &Path) -> Result<()> {
    let store = Store::connect(&sqlite_url(copy))
        .await
        .context("could not open the backup copy")?;
    let result = async {
        let (head_seq, head_hash) = store.audit_head().await?;
        let migration = store.latest_migration().await?;
        let (document_ids, audit_ids) = store.key_ids_in_use().await?;
        let mut entries = vec![
            ("format".to_owned(), FORMAT.to_owned()),
            ("made_at".to_owned(), mns_store::ts(chrono::Utc::now())),
            (
                "mns_version".to_owned(),
                env!("CARGO_PKG_VERSION").to_owned(),
            ),
            ("migration".to_owned(), migration.to_string()),
            ("audit_entries".to_owned(), head_seq.to_string()),
            ("audit_head".to_owned(), head_hash),
        ];
        let rings = key_rings(config)?;
        for (((kind, variable, _), ids), ring) in KINDS.iter().zip([document_ids, audit_ids]).zip(rings) {
            let fingerprints: BTreeMap<String, String> =
                ring.map(|r| r.fingerprints().into_iter().collect()).unwrap_or_default();
            for id in ids {
                let Some(fingerprint) = fingerprints.get(&id) else {
                    bail!(
                        "the database has entries sealed by key '{id}', which is not in {variable} here; back up where the service runs with its keys"
                    );
                };
                entries.push((format!("{kind}:{id}"), fingerprint.clone()));
            }
        }
        store.write_backup_manifest(&entries).await?;
        // Into the main file before it is renamed: the log is not renamed with it.
        store.settle_into_one_file().await?;
        Ok(())
    }
    .await;
    store.close().await;
    result
}

/// `mns restore FILE`.
pub async fn restore(config: &Config, file: &Path) -> Result<()> {
    let url = config.database_url.expose();
    let Some(target) = files::sqlite_path(url) else {
        bail!(
            "mns restore restores a SQLite deployment; for PostgreSQL use pg_restore or psql with your pg_dump file (see the README)"
        );
    };
    if std::fs::metadata(target).is_ok_and(|m| m.len() > 0) {
        bail!(
            "{} already exists: restore into an empty data directory, or move the database away first",
            target.display()
        );
    }
    if !file.is_file() {
        bail!("there is no backup file {}", file.display());
    }
    files::create_private_dir(&config.data_dir)?;
    let restoring = beside(target, ".restoring");
    remove_database_files(&restoring);
    std::fs::copy(file, &restoring)
        .with_context(|| format!("could not copy {} into the data directory", file.display()))?;
    files::make_private(&restoring)?;
    let manifest = match check_copy(config, file, &restoring).await {
        Ok(manifest) => manifest,
        Err(error) => {
            remove_database_files(&restoring);
            return Err(error);
        }
    };
    remove_database_files(target);
    std::fs::rename(&restoring, target)
        .with_context(|| format!("could not put the database at {}", target.display()))?;
    remove_database_files(&restoring);

    let app = super::open(config).await?;
    let said = |name: &str| manifest.get(name).map_or("?", String::as_str);
    println!(
        "Restored {} (made {} by mns {}) into {}.",
        file.display(),
        said("made_at"),
        said("mns_version"),
        target.display()
    );
    super::verify_audit_trail(&app, "restored, but the audit trail does not verify").await
}

/// Reads the copy's manifest, checks this deployment's keys are the ones it needs, and takes
/// the manifest out.
async fn check_copy(config: &Config, file: &Path, copy: &Path) -> Result<BTreeMap<String, String>> {
    let store = Store::connect(&sqlite_url(copy))
        .await
        .with_context(|| format!("{} is not a database", file.display()))?;
    let result = async {
        let manifest: BTreeMap<String, String> = store
            .backup_manifest()
            .await
            .with_context(|| format!("{} is not a backup made by mns backup", file.display()))?
            .with_context(|| {
                format!(
                    "{} is not a backup made by mns backup (it has no manifest)",
                    file.display()
                )
            })?
            .into_iter()
            .collect();
        if manifest.get("format").map(String::as_str) != Some(FORMAT) {
            bail!(
                "{} is a backup in a format this version does not know ({:?})",
                file.display(),
                manifest.get("format")
            );
        }
        let rings = key_rings(config)?;
        let mut missing = Vec::new();
        for ((kind, variable, key_file), ring) in KINDS.iter().zip(rings) {
            let have: BTreeMap<String, String> =
                ring.map(|r| r.fingerprints().into_iter().collect()).unwrap_or_default();
            for (name, fingerprint) in &manifest {
                let Some(id) = name.strip_prefix(&format!("{kind}:")) else {
                    continue;
                };
                if have.get(id) != Some(fingerprint) {
                    missing.push(format!(
                        "key '{id}' (fingerprint {fingerprint}): set {variable}, or copy the {key_file} file into {}",
                        config.data_dir.display()
                    ));
                }
            }
        }
        if !missing.is_empty() {
            bail!(
                "this deployment does not have the keys the backup needs; nothing was restored:\n  {}",
                missing.join("\n  ")
            );
        }
        store.remove_backup_manifest().await?;
        store.settle_into_one_file().await?;
        Ok(manifest)
    }
    .await;
    store.close().await;
    result
}
