//! Configuration: flags, then environment variables, then defaults. Secrets (the database
//! URL's password, the SMTP URL) are wrapped so they never print.

use anyhow::{Result, bail};
use clap::Args as ClapArgs;
use std::fmt;
use std::path::PathBuf;

/// The configuration flags, each with its environment variable.
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// Address to listen on.
    #[arg(
        long,
        env = "MNS_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    bind: String,
    /// Where the SQLite database, emails written as files and other data live.
    #[arg(
        long,
        env = "MNS_DATA_DIR",
        default_value = "./mns-data",
        global = true
    )]
    data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL, `sqlite://PATH` for SQLite; default: a SQLite file in the
    /// data directory.
    #[arg(long, env = "MNS_DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,
    /// The address people reach the service at (for links in emails); `https://…` turns on
    /// secure cookies and HSTS. Default: `http://` and the bind address.
    #[arg(long, env = "MNS_PUBLIC_URL", global = true)]
    public_url: Option<String>,
    /// The council's name, shown on every page.
    #[arg(
        long,
        env = "MNS_COUNCIL_NAME",
        default_value = "Norfolk County Council",
        global = true
    )]
    council_name: String,
    /// An image file (PNG or SVG) with the council's logo, shown in the header.
    #[arg(long, env = "MNS_COUNCIL_LOGO", global = true)]
    council_logo: Option<PathBuf>,
    /// SMTP server for email, e.g. `smtps://user:password@smtp.example.org`; without it, emails
    /// are written as files to the data directory's `outbox` folder.
    #[arg(long, env = "MNS_SMTP_URL", hide_env_values = true, global = true)]
    smtp_url: Option<String>,
    /// The address emails come from.
    #[arg(
        long,
        env = "MNS_MAIL_FROM",
        default_value = "Medical Needs Service <no-reply@mns.invalid>",
        global = true
    )]
    mail_from: String,
    /// Keys that encrypt documents at rest: `id:BASE64KEY[,id:BASE64KEY…]`, the first for new
    /// documents. Without it, a key file `document-keys` in the data directory is used (and
    /// made on first start): fine for one server; several instances must share this setting.
    #[arg(long, env = "MNS_DOCUMENT_KEYS", hide_env_values = true, global = true)]
    document_keys: Option<String>,
    /// Keys that seal the audit trail (HMAC-SHA-256): `id:BASE64KEY[,id:BASE64KEY…]`, the
    /// first for new entries, the others still verify older ones. Without it, a key file
    /// `audit-keys` in the data directory is used (and made on first start). Keep it apart from
    /// the database (a secret store), so that someone with only the database cannot rewrite
    /// the trail; several instances must share this setting.
    #[arg(long, env = "MNS_AUDIT_KEYS", hide_env_values = true, global = true)]
    audit_keys: Option<String>,
    /// The append-only file the audit checkpoints are written to (each also goes to the log);
    /// default: `audit-checkpoints` in the data directory. Keep a copy (or the log) where the
    /// database's administrators cannot write.
    #[arg(long, env = "MNS_AUDIT_CHECKPOINT_FILE", global = true)]
    audit_checkpoint_file: Option<PathBuf>,
    /// The Medical Needs Coordinator's mailbox, told of new referrals.
    #[arg(
        long,
        env = "MNS_COORDINATOR_EMAIL",
        default_value = "medical.needs@council.invalid",
        global = true
    )]
    coordinator_email: String,
    /// The SEND Local Offer team's mailbox, told of providers' changes and families' feedback.
    #[arg(
        long,
        env = "MNS_LOCAL_OFFER_EMAIL",
        default_value = "local.offer@council.invalid",
        global = true
    )]
    local_offer_email: String,
    /// The most database connections open at once (default: 4 on SQLite, 10 on PostgreSQL).
    #[arg(long, env = "MNS_DB_POOL_SIZE", global = true)]
    db_pool_size: Option<u32>,
    /// PostgreSQL cancels a statement running longer than this many seconds (0: never).
    #[arg(
        long,
        env = "MNS_DB_STATEMENT_TIMEOUT",
        default_value_t = 60,
        global = true
    )]
    db_statement_timeout: u64,
    /// A database connection is replaced after this many seconds (0: never).
    #[arg(
        long,
        env = "MNS_DB_MAX_LIFETIME",
        default_value_t = 1800,
        global = true
    )]
    db_max_lifetime: u64,
    /// How many published versions of each Local Offer entry to keep (older ones are pruned
    /// daily and can no longer be restored).
    #[arg(
        long,
        env = "MNS_DIRECTORY_VERSIONS_KEPT",
        default_value_t = 50,
        global = true
    )]
    directory_versions_kept: u32,
    /// Another directory's Open Referral UK feed (its API stub, https://…) to read into the
    /// Local Offer once a day: every service the first time, then what changed since.
    #[arg(long, env = "MNS_DIRECTORY_FEED", global = true)]
    directory_feed: Option<String>,
    /// Seconds a stopping server gives requests in flight and email being sent to finish.
    #[arg(
        long,
        env = "MNS_SHUTDOWN_TIMEOUT",
        default_value_t = 30,
        global = true
    )]
    shutdown_timeout: u64,
    /// The bearer token `/metrics` answers to (Prometheus's `authorization` setting); without
    /// one, `/metrics` is not served.
    #[arg(long, env = "MNS_METRICS_TOKEN", global = true, hide_env_values = true)]
    metrics_token: Option<String>,
    /// The policy parameters in force, as JSON (thresholds such as the 15-day absence threshold
    /// and the 12-week evidence age, with a `version`); default: Norfolk's December 2024 policy.
    #[arg(long, env = "MNS_POLICY_FILE", global = true)]
    policy_file: Option<PathBuf>,
    /// The reverse proxies (load balancers) in front of the service, as IP addresses separated
    /// by commas: requests from them are taken to come from the last other address in
    /// `X-Forwarded-For`, for the audit trail and the per-address sign-in limit.
    #[arg(long, env = "MNS_TRUSTED_PROXIES", global = true)]
    trusted_proxies: Option<String>,
    /// Log format: `text` or `json`.
    #[arg(long, env = "MNS_LOG_FORMAT", default_value = "text", global = true)]
    log_format: String,
}

/// A secret value: shown as `***` in logs and output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Secret {
    /// Shows a URL with its password replaced by `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({self})")
    }
}

/// `scheme://user:password@host/…` → `scheme://user:***@host/…`; anything else unchanged.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, None), |(a, p)| (a, Some(p)));
    let authority = match authority.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{credentials}@{host}"),
        },
        None => authority.to_string(),
    };
    // Query parameters can carry passwords too (`?password=`): hide the whole query.
    let path = path.map(|p| match p.split_once('?') {
        Some((p, _)) => format!("/{p}?***"),
        None => format!("/{p}"),
    });
    format!("{scheme}://{authority}{}", path.unwrap_or_default())
}

/// `n` seconds, or none for 0.
fn seconds(n: u64) -> Option<std::time::Duration> {
    (n > 0).then(|| std::time::Duration::from_secs(n))
}

/// The configuration in force.
pub struct Config {
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: Secret,
    pub public_url: String,
    /// Whether `public_url` was given (`MNS_PUBLIC_URL`) rather than made from `bind`.
    pub public_url_given: bool,
    pub council_name: String,
    pub council_logo: Option<PathBuf>,
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub log_format: String,
    pub demo: bool,
    pub document_keys: Option<Secret>,
    pub audit_keys: Option<Secret>,
    pub audit_checkpoint_file: PathBuf,
    pub metrics_token: Option<Secret>,
    pub directory_versions_kept: u32,
    pub directory_feed: Option<String>,
    pub pool: mns_store::PoolSettings,
    pub shutdown_timeout: std::time::Duration,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub coordinator_email: String,
    pub local_offer_email: String,
    pub policy: mns_domain::referral::PolicyParameters,
}

impl Config {
    /// Resolves defaults and checks the values.
    pub fn from_args(args: Args, demo: bool) -> Result<Config> {
        let database_url = match args.database_url {
            Some(url)
                if url.starts_with("postgres://")
                    || url.starts_with("postgresql://")
                    || url.starts_with("sqlite:") =>
            {
                url
            }
            Some(url) => bail!(
                "MNS_DATABASE_URL must start with postgres:// (PostgreSQL) or sqlite:// (SQLite); got '{}'",
                redact_url(&url)
            ),
            None => {
                let file = if demo {
                    "mns-demo.sqlite"
                } else {
                    "mns.sqlite"
                };
                format!("sqlite://{}?mode=rwc", args.data_dir.join(file).display())
            }
        };
        if !matches!(args.log_format.as_str(), "text" | "json") {
            bail!(
                "MNS_LOG_FORMAT must be text or json; got '{}'",
                args.log_format
            );
        }
        let public_url_given = args.public_url.is_some();
        let public_url = args
            .public_url
            .unwrap_or_else(|| format!("http://{}", args.bind))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("MNS_PUBLIC_URL must start with http:// or https://; got '{public_url}'");
        }
        let trusted_proxies = args
            .trusted_proxies
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse::<std::net::IpAddr>()
                    .map_err(|_| anyhow::anyhow!("MNS_TRUSTED_PROXIES: '{a}' is not an IP address"))
            })
            .collect::<Result<Vec<_>>>()?;
        let audit_checkpoint_file = args
            .audit_checkpoint_file
            .unwrap_or_else(|| args.data_dir.join("audit-checkpoints"));
        Ok(Config {
            bind: args.bind,
            data_dir: args.data_dir,
            database_url: Secret(database_url),
            public_url,
            public_url_given,
            council_name: args.council_name,
            council_logo: args.council_logo,
            smtp_url: args.smtp_url.map(Secret),
            mail_from: args.mail_from,
            log_format: args.log_format,
            demo,
            document_keys: args.document_keys.map(Secret),
            audit_keys: args.audit_keys.map(Secret),
            audit_checkpoint_file,
            metrics_token: args.metrics_token.filter(|t| !t.is_empty()).map(Secret),
            directory_versions_kept: match args.directory_versions_kept {
                0 => bail!("MNS_DIRECTORY_VERSIONS_KEPT must be at least 1"),
                n => n,
            },
            directory_feed: match args.directory_feed.filter(|f| !f.trim().is_empty()) {
                Some(feed) if !feed.trim().starts_with("https://") => {
                    bail!("MNS_DIRECTORY_FEED must start with https://; got '{feed}'")
                }
                feed => feed,
            },
            shutdown_timeout: std::time::Duration::from_secs(args.shutdown_timeout),
            pool: mns_store::PoolSettings {
                max_connections: match args.db_pool_size {
                    Some(0) => bail!("MNS_DB_POOL_SIZE must be at least 1"),
                    size => size,
                },
                statement_timeout: seconds(args.db_statement_timeout),
                max_lifetime: seconds(args.db_max_lifetime),
            },
            trusted_proxies,
            coordinator_email: args.coordinator_email,
            local_offer_email: args.local_offer_email,
            policy: load_policy(args.policy_file.as_deref())?,
        })
    }

    /// Served over HTTPS (behind a TLS-terminating proxy): secure cookies and HSTS.
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The application's settings.
    pub fn settings(&self) -> mns_app::Settings {
        let mut settings = mns_app::Settings::new(&self.public_url);
        settings.council_name.clone_from(&self.council_name);
        settings.mail_from.clone_from(&self.mail_from);
        settings.demo = self.demo;
        settings.directory_versions_kept = self.directory_versions_kept;
        settings.directory_feed.clone_from(&self.directory_feed);
        settings
            .coordinator_email
            .clone_from(&self.coordinator_email);
        settings
            .local_offer_email
            .clone_from(&self.local_offer_email);
        settings.audit_checkpoints = Some(self.audit_checkpoint_file.clone());
        settings
    }

    /// The keys that seal the audit trail: from `MNS_AUDIT_KEYS`, or the data directory's
    /// `audit-keys` file (made on first start, mode 0600).
    pub fn audit_keys(&self) -> Result<mns_domain::audit::AuditKeys> {
        let ring = match &self.audit_keys {
            Some(text) => mns_app::documents::DocumentKeys::parse(text.expose())
                .map_err(|e| anyhow::anyhow!("MNS_AUDIT_KEYS: {e}"))?,
            None => {
                mns_app::documents::DocumentKeys::load_or_create(&self.data_dir.join("audit-keys"))
                    .map_err(|e| anyhow::anyhow!("the audit key file: {e}"))?
            }
        };
        Ok(ring.to_audit_keys())
    }

    /// The keys that encrypt documents: from `MNS_DOCUMENT_KEYS`, or the data directory's key
    /// file (made on first start).
    pub fn document_keys(&self) -> Result<mns_app::documents::DocumentKeys> {
        match &self.document_keys {
            Some(text) => mns_app::documents::DocumentKeys::parse(text.expose())
                .map_err(|e| anyhow::anyhow!("MNS_DOCUMENT_KEYS: {e}")),
            None => {
                crate::files::create_private_dir(&self.data_dir)?;
                mns_app::documents::DocumentKeys::load_or_create(
                    &self.data_dir.join("document-keys"),
                )
                .map_err(|e| anyhow::anyhow!("the document key file: {e}"))
            }
        }
    }

    /// The council logo's content type and bytes, if one is configured.
    pub fn logo(&self) -> Result<Option<(String, Vec<u8>)>> {
        let Some(path) = &self.council_logo else {
            return Ok(None);
        };
        let content_type = match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("svg") => "image/svg+xml",
            Some("png") => "image/png",
            _ => bail!(
                "MNS_COUNCIL_LOGO must be a .png or .svg file; got {}",
                path.display()
            ),
        };
        let bytes = std::fs::read(path).map_err(|e| {
            anyhow::anyhow!("could not read the council logo {}: {e}", path.display())
        })?;
        Ok(Some((content_type.to_string(), bytes)))
    }

    /// The pool's settings as `check-config` prints them.
    fn describe_pool(&self) -> String {
        let backend = mns_store::Backend::from_url(self.database_url.expose())
            .unwrap_or(mns_store::Backend::Sqlite);
        let secs = |d: Option<std::time::Duration>| {
            d.map_or("never".into(), |d| format!("{} s", d.as_secs()))
        };
        format!(
            "{} connections at most; statement timeout {}; connections replaced after {}",
            self.pool.max_connections(backend),
            match backend {
                mns_store::Backend::Postgres => secs(self.pool.statement_timeout),
                mns_store::Backend::Sqlite =>
                    "none on SQLite (a writer waits up to 10 s for the lock)".into(),
            },
            secs(self.pool.max_lifetime),
        )
    }

    /// The configuration as `check-config` prints it: secrets hidden.
    pub fn describe(&self) -> String {
        format!(
            "bind: {}\ndata directory: {}\ndatabase: {}\ndatabase pool: {}\npublic URL: {}\ncouncil: {}\ncouncil logo: {}\nemail: {}\nemail from: {}\ncoordinator mailbox: {}\ndocument keys: {}\naudit keys: {}\naudit checkpoints: {}\nmetrics: {}\npolicy: version {}\nlog format: {}\n",
            self.bind,
            self.data_dir.display(),
            self.database_url,
            self.describe_pool(),
            self.public_url,
            self.council_name,
            self.council_logo
                .as_ref()
                .map_or("none".into(), |p| p.display().to_string()),
            self.smtp_url.as_ref().map_or_else(
                || format!(
                    "written as files to {}",
                    self.data_dir.join("outbox").display()
                ),
                |s| format!("SMTP {s}")
            ),
            self.mail_from,
            self.coordinator_email,
            if self.document_keys.is_some() {
                "from MNS_DOCUMENT_KEYS (hidden)".to_string()
            } else {
                format!("key file {}", self.data_dir.join("document-keys").display())
            },
            if self.audit_keys.is_some() {
                "from MNS_AUDIT_KEYS (hidden)".to_string()
            } else {
                format!("key file {}", self.data_dir.join("audit-keys").display())
            },
            self.audit_checkpoint_file.display(),
            if self.metrics_token.is_some() {
                "/metrics, with the bearer token in MNS_METRICS_TOKEN (hidden)"
            } else {
                "not served (set MNS_METRICS_TOKEN)"
            },
            self.policy.version,
            self.log_format,
        )
    }
}

impl Args {
    /// The policy parameters in force: `MNS_POLICY_FILE` (`--policy-file`), or Norfolk's
    /// December 2024 policy. For the commands that need no database (`mns referral check`).
    pub fn policy(&self) -> Result<mns_domain::referral::PolicyParameters> {
        load_policy(self.policy_file.as_deref())
    }
}

/// Reads and checks a policy file, or gives Norfolk's December 2024 policy without one.
fn load_policy(path: Option<&std::path::Path>) -> Result<mns_domain::referral::PolicyParameters> {
    let Some(path) = path else {
        return Ok(mns_domain::referral::PolicyParameters::norfolk_2024());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("could not read the policy file {}: {e}", path.display()))?;
    let policy: mns_domain::referral::PolicyParameters = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("the policy file {} is not valid: {e}", path.display()))?;
    policy
        .validate()
        .map_err(|e| anyhow::anyhow!("the policy file {}: {e}", path.display()))?;
    Ok(policy)
}

/// Structured logs to standard error: text for people (coloured only on a terminal), JSON for
/// log collectors. `RUST_LOG` sets the level (default `info`).
pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    // Colour codes only on a terminal: a log file or a collector gets plain text.
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(terminal)
        .with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_in_urls_are_hidden() {
        assert_eq!(
            redact_url("postgres://mns:s3cret@db.example.org:5432/mns"),
            "postgres://mns:***@db.example.org:5432/mns"
        );
        assert_eq!(
            redact_url("smtps://user:pw@smtp.example.org"),
            "smtps://user:***@smtp.example.org"
        );
        assert_eq!(
            redact_url("postgres://db/mns?password=x"),
            "postgres://db/mns?***"
        );
        assert_eq!(
            redact_url("sqlite://./mns-data/mns.sqlite?mode=rwc"),
            "sqlite://./mns-data/mns.sqlite?***"
        );
    }
}
