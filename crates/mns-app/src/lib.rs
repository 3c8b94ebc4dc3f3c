//! Application operations for mns: everything a page, an API call or a command asks the
//! service to do.
//!
//! Each operation takes the acting user ([`Actor`]), checks that they may do it, does it
//! through the store in one transaction, and writes the audit entry in that same transaction.
//! A record outside the actor's scope and a missing record look the same ([`AppError::NotFound`]),
//! so the web layer cannot leak which records exist. Handlers in `mns-web` and the commands in
//! the `mns` binary call these operations and nothing below them.

pub mod assessments;
pub mod attendance;
pub mod attention;
pub mod audit;
pub mod audit_group;
pub mod calendars;
pub mod cases;
pub mod child_access;
pub mod consultations;
pub mod costs;
pub mod demo;
pub mod directory;
pub mod directory_index;
pub mod documents;
pub mod early_identification;
pub mod events;
pub mod hospital;
pub mod identity;
pub mod invitations;
pub mod letters;
pub mod notes;
pub mod operations;
pub mod outbox;
pub mod pupils;
pub mod referrals;
pub mod reports;
pub mod resources;
pub mod retention;
pub mod schools;
pub mod sufficiency;

use chrono::{DateTime, Duration, Utc};
use mns_domain::identity::Role;
use mns_domain::permissions::{Capability, ChildScope};
use mns_store::{NewAuditEntry, Store, StoreError, UserRecord, WriteTx};
use std::sync::{Arc, Mutex};

pub use mns_store::Backend;

/// The stored records the application's operations return, for the layers above it (which do
/// not depend on the store themselves).
pub mod records {
    pub use mns_store::{
        AlertEventRecord, AlertFilter, AlertListRow, AlertPriority, AlertRecord, AlertStatus,
    };
    pub use mns_store::{
        ApiTokenRecord, AssignedFilter, BookingRecord, CaseCursor, CaseLine, CasePage,
        ChangeRecord, ChildAccessRecord, ConsultationRecord, DocumentMeta, EventRecord,
        FeedbackRecord, NoteRecord, PupilRecord, QueueCursor, QueueFilter, QueueLine, QueuePage,
        SchoolRecord, SearchUnit, ServiceEntry, new_id, ts,
    };
}

/// Settings the operations need (the binary builds them from flags and environment).
#[derive(Debug, Clone)]
pub struct Settings {
    /// The council's name, shown on every page and in emails.
    pub council_name: String,
    /// The address people reach the service at, for links in emails (no trailing slash).
    pub public_url: String,
    /// The address emails come from.
    pub mail_from: String,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however active.
    pub session_absolute: Duration,
    /// Failed sign-ins allowed per account in [`Settings::throttle_window`].
    pub throttle_attempts: i64,
    /// The window failed sign-ins are counted over.
    pub throttle_window: Duration,
    /// Running `mns demo`: the sign-in page may show demo help.
    pub demo: bool,
    /// The Medical Needs Coordinator's mailbox (MN-ROLE-1): new referrals are announced there.
    pub coordinator_email: String,
    /// The policy parameters in force; every decision records their version.
    pub policy: mns_domain::referral::PolicyParameters,
    /// The SEND Local Offer team's mailbox: proposed changes and feedback are announced there.
    pub local_offer_email: String,
    /// Failed sign-ins allowed from one address in [`Settings::throttle_window`], whatever
    /// accounts they name.
    pub throttle_address_attempts: i64,
    /// The append-only file audit checkpoints are written to (outside the database), if any.
    pub audit_checkpoints: Option<std::path::PathBuf>,
    /// How often the worker writes an audit checkpoint.
    pub audit_checkpoint_every: Duration,
    /// How long a new API token lasts unless its issuer says otherwise.
    pub api_token_lifetime: Duration,
    /// Shortlist emails one address may send in [`Settings::shortlist_window`].
    pub shortlist_per_address: i64,
    /// How many published versions of each Local Offer entry are kept (the newest; older ones
    /// are pruned daily and can no longer be restored).
    pub directory_versions_kept: u32,
    /// Another directory's Open Referral UK feed (its API stub, `https://…`) read once a day
    /// into this one, asking for what changed since the last complete read.
    pub directory_feed: Option<String>,
    /// Shortlist emails one recipient may be sent in [`Settings::shortlist_window`].
    pub shortlist_per_recipient: i64,
    /// The window shortlist emails are counted over.
    pub shortlist_window: Duration,
}

impl Settings {
    /// Sensible defaults for a service at `public_url`.
    pub fn new(public_url: &str) -> Settings {
        Settings {
            council_name: "Norfolk County Council".into(),
            public_url: public_url.trim_end_matches('/').to_string(),
            mail_from: "Medical Needs Service <no-reply@mns.invalid>".into(),
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(12),
            throttle_attempts: 5,
            throttle_window: Duration::minutes(15),
            demo: false,
            coordinator_email: "medical.needs@council.invalid".into(),
            policy: mns_domain::referral::PolicyParameters::norfolk_2024(),
            local_offer_email: "local.offer@council.invalid".into(),
            throttle_address_attempts: 30,
            audit_checkpoints: None,
            audit_checkpoint_every: Duration::minutes(10),
            api_token_lifetime: Duration::days(90),
            shortlist_per_address: 10,
            directory_versions_kept: 50,
            directory_feed: None,
            shortlist_per_recipient: 3,
            shortlist_window: Duration::hours(1),
        }
    }
}

/// Where "now" comes from: the system clock, or a clock tests move by hand.
#[derive(Clone, Debug)]
pub enum Clock {
    /// The system's clock.
    System,
    /// A fixed instant that tests can advance.
    Fixed(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a fixed clock on (no effect on the system clock).
    pub fn advance(&self, by: Duration) {
        if let Clock::Fixed(at) = self {
            let mut at = at.lock().unwrap_or_else(|e| e.into_inner());
            *at += by;
        }
    }
}

/// The application: the store, the settings and the clock. Cheap to clone.
#[derive(Clone, Debug)]
pub struct App {
    /// The storage behind every operation: private to the application, so pages, the API and
    /// commands reach records only through operations that check who is asking.
    pub(crate) store: Store,
    /// The service's settings.
    pub settings: Arc<Settings>,
    /// Where "now" comes from.
    pub clock: Clock,
    /// This instance's directory search index.
    pub(crate) directory_index: Arc<directory_index::DirectoryIndex>,
    /// The keys that encrypt documents at rest ([`App::with_document_keys`]).
    pub(crate) document_keys: Arc<documents::DocumentKeys>,
    /// The OpenID Connect providers people may sign in with ([`App::with_oidc`]).
    pub(crate) oidc: Arc<identity::oidc::OidcProviders>,
    /// Views waiting to share an audit commit ([`audit_group`]).
    pub(crate) audit_group: Arc<audit_group::AuditGroup>,
}

/// Who is acting, and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The signed-in user.
    pub user: UserRecord,
    /// Where the request came from (an IP address), or `cli`.
    pub source: String,
}

impl Actor {
    /// The actor's role.
    pub fn role(&self) -> Role {
        self.user.role
    }

    /// Whether the actor's role has `capability` (the table in [`mns_domain::permissions`]).
    pub fn may(&self, capability: Capability) -> bool {
        capability.allowed_for(self.role())
    }

    /// `Ok` if the actor's role has `capability`; otherwise `NotFound`, so that a refusal
    /// looks like a missing record.
    pub fn require(&self, capability: Capability) -> AppResult<()> {
        if self.may(capability) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Which children's records the actor sees.
    pub fn child_scope(&self) -> ChildScope {
        ChildScope::of(self.role())
    }
}

/// One problem with one field of a form or request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field's name (as in the form).
    pub field: String,
    /// What is wrong, in plain English.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Why an operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such record, or not one the actor may see: the two are deliberately the same.
    #[error("not found")]
    NotFound,
    /// The input has problems; every one is listed.
    #[error("the request has {} problem(s)", .0.len())]
    Invalid(Vec<FieldError>),
    /// Sign-in failed (wrong email or password: never says which).
    #[error("sign-in failed")]
    SignInFailed,
    /// Too many failed sign-ins (or other limited requests); try later.
    #[error("too many attempts")]
    Throttled,
    /// A state change that does not carry the session's CSRF token.
    #[error("the form's token is missing or wrong")]
    Forbidden,
    /// A storage failure: logged with its cause, shown as a reference.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else unexpected (a stored record that does not read back, delivery, files):
    /// logged with its cause, shown as a reference.
    #[error("{context}")]
    Internal {
        /// What was being done, in words (no personal data).
        context: String,
        /// The error underneath, when there is one.
        #[source]
        cause: Option<Cause>,
    },
}

/// The error underneath an [`AppError::Internal`].
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The result of an operation.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// An invalid-input error with one field problem.
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    /// An unexpected failure with no error underneath (a broken invariant).
    pub fn internal(context: impl Into<String>) -> AppError {
        AppError::Internal {
            context: context.into(),
            cause: None,
        }
    }

    /// The error's message followed by each cause's, for the log: "reading X: expected Y".
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(cause) = next {
            let more = cause.to_string();
            if !text.ends_with(&more) {
                text.push_str(": ");
                text.push_str(&more);
            }
            next = cause.source();
        }
        text
    }
}

/// Context for an unexpected error, keeping the error itself as the cause (as `anyhow` does,
/// but typed): `serde_json::from_str(json).context("case plan")?`.
pub trait Context<T> {
    /// On error, an [`AppError::Internal`] saying `context`, with the error as its cause.
    fn context(self, context: &'static str) -> AppResult<T>;
    /// As [`Context::context`], with the words made only when there is an error.
    fn with_context(self, context: impl FnOnce() -> String) -> AppResult<T>;
}

impl<T, E: Into<Cause>> Context<T> for Result<T, E> {
    fn context(self, context: &'static str) -> AppResult<T> {
        self.with_context(|| context.to_string())
    }

    fn with_context(self, context: impl FnOnce() -> String) -> AppResult<T> {
        self.map_err(|e| AppError::Internal {
            context: context(),
            cause: Some(e.into()),
        })
    }
}

impl App {
    /// An application over `store` with `settings` and the system clock. Documents are
    /// encrypted with a fresh random key until [`App::with_document_keys`] gives the configured
    /// ones (the binary always does; a fresh key suits tests only, since nothing it sealed
    /// opens after a restart).
    pub fn new(store: Store, settings: Settings) -> App {
        App {
            store,
            settings: Arc::new(settings),
            clock: Clock::System,
            directory_index: Arc::default(),
            document_keys: Arc::new(
                documents::DocumentKeys::generate("generated")
                    .unwrap_or_else(|e| panic!("the system's random source failed: {e}")),
            ),
            oidc: Arc::default(),
            audit_group: Arc::default(),
        }
    }

    /// This application with the document keys from configuration (`MNS_DOCUMENT_KEYS`).
    pub fn with_document_keys(mut self, keys: documents::DocumentKeys) -> App {
        self.document_keys = Arc::new(keys);
        self
    }

    /// The keys documents are encrypted with.
    pub fn document_keys(&self) -> &documents::DocumentKeys {
        &self.document_keys
    }

    /// Checks the database answers (for `/readyz` and `mns check-config`).
    pub async fn ping(&self) -> AppResult<()> {
        Ok(self.store.ping().await?)
    }

    /// Which database is behind the service.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Closes the database's connections, waiting for them to be returned (at shutdown).
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// The store itself, for tests and benchmarks that set up or inspect records directly.
    /// Pages, the API and commands never use it: they call operations.
    #[doc(hidden)]
    pub fn store_for_tests(&self) -> &Store {
        &self.store
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today's date in the UK (the day the service's clocks say).
    pub fn today(&self) -> chrono::NaiveDate {
        mns_domain::calendar::uk_local_time(self.now()).date()
    }

    /// The policy parameters in force.
    pub fn policy(&self) -> &mns_domain::referral::PolicyParameters {
        &self.settings.policy
    }

    /// Appends an audit entry about `record_type`/`record_id` by `actor` to the transaction.
    pub(crate) async fn audit(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        action: &str,
        record_type: &str,
        record_id: &str,
        detail: &str,
    ) -> AppResult<()> {
        tx.audit(NewAuditEntry {
            at: self.now(),
            actor_id: actor.user.id.clone(),
            actor_role: actor.role().as_str().to_string(),
            action: action.to_string(),
            record_type: record_type.to_string(),
            record_id: record_id.to_string(),
            source: actor.source.clone(),
            detail: detail.to_string(),
        })
        .await?;
        Ok(())
    }

    /// Records that `actor` viewed a record, and returns once the entry is committed: in a
    /// commit shared with the other views waiting at the same time ([`audit_group`]).
    pub(crate) async fn audit_view(
        &self,
        actor: &Actor,
        action: &str,
        record_type: &str,
        record_id: &str,
    ) -> AppResult<()> {
        let entry = NewAuditEntry {
            at: self.now(),
            actor_id: actor.user.id.clone(),
            actor_role: actor.role().as_str().to_string(),
            action: action.to_string(),
            record_type: record_type.to_string(),
            record_id: record_id.to_string(),
            source: actor.source.clone(),
            detail: String::new(),
        };
        self.audit_group
            .append(&self.store, entry)
            .await
            .map_err(|e| AppError::internal(format!("auditing a view: {e}")))
    }
}

/// The actor for commands run on the server (`mns user add`, imports, the demo loader).
pub fn system_actor(source: &str) -> Actor {
    Actor {
        user: UserRecord {
            id: "system".into(),
            email: "system".into(),
            display_name: "System".into(),
            role: Role::Coordinator,
            school_urn: None,
            disabled_at: None,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        },
        source: source.to_string(),
    }
}

#[cfg(test)]
mod error_tests {
    use super::*;

    #[test]
    fn an_unexpected_error_keeps_its_cause_for_the_log() {
        let err = serde_json::from_str::<u8>("x")
            .context("stored SEND details")
            .unwrap_err();
        assert!(std::error::Error::source(&err).is_some());
        let chain = err.chain();
        assert!(
            chain.starts_with("stored SEND details: expected value"),
            "{chain}"
        );
        assert_eq!(AppError::internal("no audit key").chain(), "no audit key");
    }
}
