//! Storage for mns: the only crate that speaks SQL.
//!
//! One query code path serves both databases through sqlx's `Any` driver: SQLite (WAL, foreign
//! keys on) as the embedded default, PostgreSQL in production. Every query is written once with
//! `$1` placeholders, which both accept; the few dialect differences live in [`Backend`].
//! Schema migrations are portable SQL embedded in the binary.
//!
//! Reads are methods on [`Store`]; changes are methods on [`WriteTx`], a transaction that first
//! claims the audit trail's head row. That claim is a write, so on SQLite the transaction holds
//! the write lock from its first statement (no upgrade deadlock) and on PostgreSQL audited
//! transactions are serialised across instances, which the hash chain needs.

mod assessments;
mod attendance_context;
mod attendance_feed;
mod attendance_writes;
mod audit;
mod backdating;
mod backup;
mod bulk;
mod calendars;
mod case_list;
mod cases;
mod child_access;
mod columns;
mod consultations;
mod costs;
mod directory;
mod documents;
mod events;
mod feedback;
mod health_notifications;
mod hospital;
mod invitations;
mod notes;
mod oidc;
mod outbox;
mod outcomes;
mod paging;
mod pupils;
mod rate_limits;
mod recovery;
mod referral_counts;
mod referrals;
mod report_columns;
mod resources;
mod retention;
mod reviews;
mod schools;
mod sessions;
mod sufficiency;
mod users;

#[doc(hidden)]
pub mod testing;

pub use assessments::AssessmentRecord;
pub use attendance_feed::{
    AlertEventRecord, AlertFilter, AlertListRow, AlertPriority, AlertRecord, AlertStatus,
    AttendanceFiguresRecord, AttendanceImportRecord,
};
pub use attendance_writes::{AlertImportUpdate, AlertState};
pub use audit::NewAuditEntry;
pub use calendars::CalendarRecord;
pub use case_list::CaseListFilter;
pub use cases::{
    CaseEvent, CaseLine, CaseRecord, ConcernRecord, ContinuationRecord, EndRequestRecord,
    SessionLogRecord, WelfareCheckRecord, day,
};
pub use child_access::{ChildAccessRecord, NewChildAccess};
pub use consultations::{ConsultationRecord, consultation_day};
pub use costs::{BudgetRecord, CostedCase, PriceRecord};
pub use directory::{
    ChangeRecord, SearchHit, SearchPage, SearchUnit, ServiceEntry, ServiceIndex, ServiceVersion,
};
pub use documents::{DocumentKeyRecord, DocumentMeta, DocumentRecord};
pub use events::{BookingRecord, EventRecord, NewBooking};
pub use feedback::FeedbackRecord;
pub use health_notifications::{HealthNotificationRecord, NotificationEnquiryRecord};
pub use hospital::{EpisodeRecord, InvoiceRecord};
pub use invitations::{InvitationRecord, NewInvitation};
pub use notes::NoteRecord;
pub use oidc::{IdentityLinkRecord, IdentityRecord, OidcRequestRecord};
pub use outbox::{OutboxMessage, OutboxStatus};
pub use outcomes::{ComplianceLine, ReportFilter};
pub use paging::{CaseCursor, CasePage, Page, QueueCursor, QueuePage};
pub use pupils::{PupilMatchRecord, PupilRecord};
pub use recovery::{PasswordResetRecord, RecoveryFlags};
pub use referrals::{AssignedFilter, DecisionRecord, QueueFilter, QueueLine, ReferralRecord};
pub use resources::{
    HlsaAllocationRecord, HlsaWorkerRecord, OnlineAllocationRecord, OnlineProviderRecord,
    RobotRecord, WaitingRecord,
};
pub use retention::RetentionCandidate;
pub use reviews::ReviewRecord;
pub use schools::SchoolRecord;
pub use sessions::{SessionRecord, SessionWithUser, SignInReservation};
pub use sufficiency::{ReturnRecord, ScenarioRecord};
pub use users::{ApiTokenRecord, CredentialRecord, UserRecord};

use chrono::{DateTime, SecondsFormat, Utc};
use mns_domain::audit::AuditKeys;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::sync::{Arc, Once};
use std::time::Duration;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, embedded: one file in the data directory.
    Sqlite,
    /// PostgreSQL: one or more instances share it.
    Postgres,
}

impl Backend {
    /// Picks the backend from a database URL; anything but `sqlite:` and `postgres:` is refused.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    /// The row-locking clause for claiming queued work. PostgreSQL skips rows another instance
    /// holds; SQLite has one writer at a time, so the statement is already exclusive.
    fn skip_locked(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        }
    }

    /// A short name for logs and `check-config`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    }
}

/// How the connection pool behaves: `MNS_DB_POOL_SIZE`, `MNS_DB_STATEMENT_TIMEOUT` and
/// `MNS_DB_MAX_LIFETIME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSettings {
    /// The most connections open at once; `None`: 4 on SQLite (one writer at a time anyway),
    /// 10 on PostgreSQL.
    pub max_connections: Option<u32>,
    /// PostgreSQL cancels a statement that runs longer (`statement_timeout`); `None`: never.
    /// SQLite has no such limit (a writer waits up to 10 s for the lock).
    pub statement_timeout: Option<Duration>,
    /// A connection is closed and replaced after this long (so a database's restarts and
    /// failovers are picked up).
    pub max_lifetime: Option<Duration>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: None,
            statement_timeout: None,
            max_lifetime: Some(Duration::from_secs(30 * 60)),
        }
    }
}

impl PoolSettings {
    /// The pool's size on `backend`.
    pub fn max_connections(&self, backend: Backend) -> u32 {
        self.max_connections.unwrap_or(match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 10,
        })
    }
}

/// What can go wrong in storage. The database's own message is kept for the log, never shown
/// to users.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names neither SQLite nor PostgreSQL.
    #[error("the database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A unique key already exists (e.g. an email address).
    #[error("{0} already exists")]
    Duplicate(&'static str),
    /// No audit key is configured, so no audited change can be written.
    #[error(
        "no audit key is configured: set MNS_AUDIT_KEYS or keep the data directory's audit-keys file"
    )]
    NoAuditKey,
    /// The audit trail cannot be sealed with the key as it stands (see the message).
    #[error("the audit trail cannot be sealed: {0}")]
    AuditChain(String),
    /// The operation copies a SQLite database file (online backup); PostgreSQL has its own
    /// tools.
    #[error("this works on a SQLite deployment only; back up PostgreSQL with pg_dump")]
    NotSqlite,
    /// A stored value could not be read back as its type.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}

/// The result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// The storage handle: a connection pool and the backend it talks to. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    audit_keys: Option<Arc<AuditKeys>>,
}

static DRIVERS: Once = Once::new();
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Connects to `url` (`sqlite://PATH?mode=rwc` or `postgres://…`) with the default
    /// [`PoolSettings`].
    pub async fn connect(url: &str) -> StoreResult<Store> {
        Store::connect_with(url, &PoolSettings::default()).await
    }

    /// Connects to `url` with `settings`.
    pub async fn connect_with(url: &str, settings: &PoolSettings) -> StoreResult<Store> {
        let backend = Backend::from_url(url)?;
        DRIVERS.call_once(install_default_drivers);
        let options = AnyPoolOptions::new()
            .max_connections(settings.max_connections(backend))
            .max_lifetime(settings.max_lifetime)
            .acquire_timeout(Duration::from_secs(10));
        let timeout_ms = settings.statement_timeout.map_or(0, |t| t.as_millis());
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                         PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;",
                    )
                    .await?;
                    Ok(())
                })
            }),
            // A statement running longer is cancelled (0: never). A number, never a parameter.
            Backend::Postgres => options.after_connect(move |conn, _| {
                Box::pin(async move {
                    conn.execute(format!("SET statement_timeout = {timeout_ms}").as_str())
                        .await?;
                    Ok(())
                })
            }),
        };
        let pool = options.connect(url).await?;
        if backend == Backend::Sqlite {
            // WAL is a property of the database file: set once, kept by every connection.
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        Ok(Store {
            pool,
            backend,
            audit_keys: None,
        })
    }

    /// This store with the keys that seal audit entries. A store without them refuses every
    /// audited change ([`StoreError::NoAuditKey`]) rather than write an entry anyone could forge.
    pub fn with_audit_keys(mut self, keys: AuditKeys) -> Store {
        self.audit_keys = Some(Arc::new(keys));
        self
    }

    /// The keys that seal and verify audit entries, if set.
    pub fn audit_keys(&self) -> Option<&AuditKeys> {
        self.audit_keys.as_deref()
    }

    /// Applies the embedded migrations that have not been applied yet.
    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.pool).await?;
        if self.backend == Backend::Sqlite {
            // SQLite keeps a row's columns in order, so reaching the search columns added after
            // the document (0022) means reading through the document, and `status = 'active'`
            // visits the rows in name order, page by page across the file: loading the search
            // index of 50,000 services read for 3.2 s with a cold page cache. This index holds
            // every column the index loads, so loading reads it alone (0.2 s). It is SQLite's
            // only: PostgreSQL keeps a document out of line (TOAST) and scans the table as
            // quickly, and its B-tree entries are limited to about 2.7 kB, which a long
            // service's search words can pass. The query is the same on both.
            sqlx::query(
                "CREATE INDEX IF NOT EXISTS directory_services_search_columns ON \
                 directory_services (status, id, organization_id, name_key, local_offer, \
                 minimum_age, maximum_age, free, day_mask, opens_at, closes_at, last_modified, \
                 search_words)",
            )
            .execute(&self.pool)
            .await?;
        }
        self.fill_report_columns().await?;
        Ok(())
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool's size now, how many of those are idle, and its most.
    pub fn pool_stats(&self) -> (u32, usize, u32) {
        (
            self.pool.size(),
            self.pool.num_idle(),
            self.pool.options().get_max_connections(),
        )
    }

    /// Checks the database answers (for `/readyz`).
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Refreshes the query planner's statistics: SQLite's `PRAGMA optimize` (cheap, and what its
    /// documentation asks long-running applications to run now and then); PostgreSQL's
    /// autovacuum does this itself.
    pub async fn optimize(&self) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA optimize").execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Gathers planner statistics now (`ANALYZE`, on both databases): after a bulk load.
    pub async fn analyze(&self) -> StoreResult<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction. See the crate documentation for why it claims the audit
    /// head first.
    pub async fn begin(&self) -> StoreResult<WriteTx> {
        let mut tx = self.pool.begin().await?;
        let (seq, hash): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *tx)
                .await?;
        Ok(WriteTx {
            tx,
            head_seq: seq,
            head_hash: hash,
            head_moved: false,
            audit_keys: self.audit_keys.clone(),
            backend: self.backend,
        })
    }
}

/// A transaction for changes that belong together; dropped without [`WriteTx::commit`], it
/// rolls back and nothing is half-written.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    head_seq: i64,
    head_hash: String,
    head_moved: bool,
    audit_keys: Option<Arc<AuditKeys>>,
    backend: Backend,
}

impl WriteTx {
    /// Commits every change and audit entry of the transaction at once.
    pub async fn commit(mut self) -> StoreResult<()> {
        if self.head_moved {
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(self.head_seq)
                .bind(&self.head_hash)
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// The rows `sql` selects with `params` bound as `$1`, `$2`, …, each read by `read`.
    async fn rows_where<R, T>(
        &self,
        sql: &str,
        params: &[&str],
        read: impl Fn(R) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let mut query = sqlx::query_as::<_, R>(sql);
        for param in params {
            query = query.bind(*param);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(read)
            .collect()
    }

    /// The row `sql` selects with `params` bound, if there is one, read by `read`.
    async fn row_where<R, T>(
        &self,
        sql: &str,
        params: &[&str],
        read: impl Fn(R) -> StoreResult<T>,
    ) -> StoreResult<Option<T>>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let mut query = sqlx::query_as::<_, R>(sql);
        for param in params {
            query = query.bind(*param);
        }
        query
            .fetch_optional(&self.pool)
            .await?
            .map(read)
            .transpose()
    }

    /// The first column of each row `sql` selects with `params` bound (ids, emails).
    async fn texts_where(&self, sql: &str, params: &[&str]) -> StoreResult<Vec<String>> {
        self.rows_where(sql, params, |(text,): (String,)| Ok(text))
            .await
    }
}

/// Formats an instant the way the schema stores it: fixed-width UTC, so text order is time order.
pub fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Reads an instant stored by [`ts`].
pub fn parse_ts(text: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("'{text}' is not an instant")))
}

/// A new random id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `columns` ("a, b") qualified by a table alias ("p.a, p.b"), for joins.
fn qualified(columns: &str, alias: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Turns a unique-key violation into [`StoreError::Duplicate`] naming `what`.
fn duplicate_as(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |err| match err.as_database_error() {
        Some(db) if db.is_unique_violation() => StoreError::Duplicate(what),
        _ => StoreError::Database(err),
    }
}
