//! Fresh databases for tests, on SQLite and PostgreSQL. Not used by the service.
//!
//! SQLite runs always. PostgreSQL runs when `MNS_TEST_POSTGRES_URL` is set; under CI (`CI`
//! set) it must be set and reachable, so a broken PostgreSQL fails the run instead of
//! silently skipping half the suite.

use crate::{Backend, Store};
use sqlx::{Connection, Executor};
use tokio::sync::OnceCell;

/// A database made for one test. SQLite files live in a temporary folder removed on drop;
/// PostgreSQL databases are named `mns_test_…` and removed when the next test run starts.
pub struct TestDb {
    /// The database's URL.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The PostgreSQL server tests use, if any. Panics under CI when it is not configured.
pub fn postgres_url() -> Option<String> {
    match std::env::var("MNS_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "MNS_TEST_POSTGRES_URL must be set under CI: the PostgreSQL suite may not be skipped"
            )
        }
        _ => None,
    }
}

static STALE_DROPPED: OnceCell<()> = OnceCell::const_new();

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A fresh, migrated-on-connect database of the given kind.
pub async fn fresh_database(backend: Backend) -> TestDb {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("test.sqlite").display()
            );
            TestDb {
                url,
                _dir: Some(dir),
            }
        }
        Backend::Postgres => {
            let server = postgres_url().expect("PostgreSQL tests need MNS_TEST_POSTGRES_URL");
            let mut admin = sqlx::PgConnection::connect(&server)
                .await
                .unwrap_or_else(|e| {
                    panic!("PostgreSQL at MNS_TEST_POSTGRES_URL is unreachable: {e}")
                });
            STALE_DROPPED
                .get_or_init(|| async {
                    let stale: Vec<(String,)> = sqlx::query_as(
                        "SELECT datname FROM pg_database WHERE datname LIKE 'mns_test_%'",
                    )
                    .fetch_all(&mut admin)
                    .await
                    .expect("list test databases");
                    for (name,) in stale {
                        let _ = admin
                            .execute(
                                format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str(),
                            )
                            .await;
                    }
                })
                .await;
            let name = format!("mns_test_{}", uuid::Uuid::new_v4().simple());
            admin
                .execute(format!("CREATE DATABASE \"{name}\"").as_str())
                .await
                .expect("create a test database");
            TestDb {
                url: with_database(&server, &name),
                _dir: None,
            }
        }
    }
}

/// A connected, migrated store on a fresh database.
pub async fn fresh_store(backend: Backend) -> (Store, TestDb) {
    let db = fresh_database(backend).await;
    let store = Store::connect(&db.url)
        .await
        .expect("connect to the test database")
        .with_audit_keys(test_audit_keys());
    store.migrate().await.expect("migrate the test database");
    (store, db)
}

/// Runs a statement that takes `seconds` on PostgreSQL (`pg_sleep`), for the statement
/// timeout's test; nothing on SQLite.
pub async fn sleep_in_database(store: &Store, seconds: f64) -> crate::StoreResult<()> {
    if store.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_sleep($1)")
            .bind(seconds)
            .execute(&store.pool)
            .await?;
    }
    Ok(())
}

/// The audit key tests seal with (never used by the service).
pub fn test_audit_keys() -> mns_domain::audit::AuditKeys {
    mns_domain::audit::AuditKeys::new(vec![mns_domain::audit::AuditKey::new("test", [42; 32])])
        .expect("one key")
}

/// The backends to test on here: SQLite, and PostgreSQL when configured.
pub fn backends() -> Vec<Backend> {
    let mut list = vec![Backend::Sqlite];
    if postgres_url().is_some() {
        list.push(Backend::Postgres);
    }
    list
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_replaces_the_one_in_the_url() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
