//! `mns`: the one binary of the Medical Needs Service. `serve` runs a deployment, `demo` runs
//! one with a demo dataset, and the other subcommands are the council's administration tasks.
//! Configuration comes from flags, then environment variables, then defaults.

mod backup;
mod config;
mod county;
mod files;
mod oidc_config;
mod server;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use config::Config;
use mns_app::{App, system_actor};
use mns_store::Store;

/// The allocator: glibc's spent a fifth of a loaded server's CPU in `malloc` and its
/// consolidation (issue 20's load benchmark, profiled with perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "mns",
    version,
    about = "The Medical Needs Service and SEND Local Offer"
)]
struct Cli {
    #[command(flatten)]
    config: config::Args,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve a deployment (migrations run on start).
    Serve,
    /// Serve with a demo dataset, created on first start in the data directory.
    Demo,
    /// Apply database migrations and stop.
    Migrate,
    /// Print the configuration in force (secrets hidden) and check the database answers.
    CheckConfig,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Import reference data.
    #[command(subcommand)]
    Import(ImportCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The SEND Local Offer directory.
    #[command(subcommand)]
    Directory(DirectoryCommand),
    /// Records past the retention period (MN-REC-2).
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Encrypted documents.
    #[command(subcommand)]
    Documents(DocumentsCommand),
    /// Copy a running SQLite deployment's database into FILE (a new file), with the
    /// fingerprints of the keys it needs; the service keeps running. PostgreSQL: use pg_dump.
    Backup {
        /// The backup file to write (it must not exist).
        file: std::path::PathBuf,
    },
    /// Restore a backup made by `mns backup` into an empty data directory, once its keys are
    /// configured there, and verify its audit trail.
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
    },
    /// Attendance exports (herringbones).
    #[command(subcommand)]
    Attendance(AttendanceCommand),
    /// Referrals.
    #[command(subcommand)]
    Referral(ReferralCommand),
}

#[derive(Subcommand)]
enum DocumentsCommand {
    /// Re-wrap every document's key under the current (first) key of MNS_DOCUMENT_KEYS, after
    /// adding a new key; the old key can then be removed.
    Rewrap,
}

#[derive(Subcommand)]
enum AttendanceCommand {
    /// Read a school's attendance export (CSV, long or wide form) and print each pupil's figures
    /// as JSON: sessions possible, present, authorised, unauthorised, health-absence days, the
    /// longest run, medical appointments, and any unknown or retired codes. No database needed.
    Summarise {
        /// The CSV file.
        file: std::path::PathBuf,
        /// The school year to count (e.g. 2025/26); default: the latest in the file.
        #[arg(long)]
        school_year: Option<String>,
    },
    /// Read the county's attendance (many schools at once) and print the early-identification
    /// alerts as JSON. No database needed. Exit code 3 if some schools' rows were refused.
    Scan(county::ScanArgs),
    /// Read the county's attendance and keep each school's figures and alerts, replacing the
    /// school's figures for the year. Exit code 3 if some schools' rows were refused.
    Import(county::FeedArgs),
}

#[derive(Subcommand)]
enum ReferralCommand {
    /// Evaluate a referral given as JSON (the API's schema) against every rule and print
    /// `{"checks":[{"rule":"MN-EV-2","outcome":"flag","message":"…"}]}`. No database needed.
    Check {
        /// The referral as JSON.
        file: std::path::PathBuf,
        /// The pupil's attendance export, for the absence checks.
        #[arg(long)]
        attendance: Option<std::path::PathBuf>,
        /// The day to check as of (default: today).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user and print their first password (and, for staff, the one-time code key).
    Add {
        /// Their email address.
        email: String,
        /// Their role: coordinator, caseworker, school, parent, provider, health_professional,
        /// case_viewer, finance, auditor or local_offer_officer.
        #[arg(long)]
        role: String,
        /// For a school user, their school's URN.
        #[arg(long)]
        school: Option<String>,
        /// Their name as others see it (defaults to the email address).
        #[arg(long)]
        name: Option<String>,
    },
    /// Issue a personal API token for a user and print it (it is shown only once). Their
    /// other tokens keep working; revoke one on their API tokens page.
    Token {
        /// The user's email address.
        email: String,
        /// What the token is for (shown on the tokens page), e.g. "School MIS".
        #[arg(long, default_value = "Issued on the command line")]
        name: String,
        /// How many days it lasts (1 to 366; default 90).
        #[arg(long)]
        days: Option<i64>,
    },
    /// Email a user a link that connects their account at an OpenID Connect provider (as the
    /// coordinator does on the user's "Signing in" page): it works once, for 7 days.
    Connect {
        /// The user's email address.
        email: String,
        /// The provider's id, as in MNS_OIDC_PROVIDERS.
        #[arg(long)]
        provider: String,
    },
    /// Give a person access to a child, as the coordinator does on the pupil's page: the user
    /// with this email (whose account must be of the matching role) sees the pupil with this
    /// UPN. Audited on the pupil's record.
    Link {
        /// The person's email address.
        email: String,
        /// The pupil's Unique Pupil Number.
        #[arg(long)]
        pupil: String,
        /// What they are to the child: parent, provider, health_professional or case_viewer.
        #[arg(long = "as")]
        kind: String,
        /// How they are related to the child, e.g. "Mother" (defaults to the kind).
        #[arg(long)]
        relationship: Option<String>,
        /// For a parent or carer: whether they hold parental responsibility (yes, no or
        /// unknown; default unknown).
        #[arg(long, default_value = "unknown")]
        parental_responsibility: String,
        /// Why they are given access.
        #[arg(long, default_value = "Given on the command line")]
        reason: String,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import postcode centroids for distance search from a CSV with a header: the ONS
    /// Postcode Directory (`pcds`, `lat`, `long`), Code-Point Open converted to latitude and
    /// longitude, or a districts file (`postcode`, `latitude`, `longitude`, `city`).
    Postcodes {
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Import Local Offer services: Open Referral UK 3.0 JSON files (one service, a list of
    /// services, or pages of another directory's `/services?full=true` feed), the CSV layout
    /// described in the README, or another directory's live feed (--from). Each file or feed is
    /// imported whole or not at all, unless --skip-bad.
    Directory {
        /// Leave out a service (or CSV line) with a problem, say why, and import the rest.
        #[arg(long)]
        skip_bad: bool,
        /// Read another directory's ORUK 3.0 feed over HTTPS: its API stub, e.g.
        /// https://directory.example.org/api (every page of /services?full=true).
        #[arg(long, value_name = "URL", required_unless_present = "files")]
        from: Option<String>,
        /// With --from: only services changed on or after this date and time (RFC 3339, e.g.
        /// 2026-12-01T00:00:00Z), as the feed's modified_after.
        #[arg(long, value_name = "WHEN", requires = "from")]
        modified_after: Option<chrono::DateTime<chrono::Utc>>,
        /// The JSON or CSV files.
        files: Vec<std::path::PathBuf>,
    },
    /// Import schools from a GIAS establishments CSV (edubasealldata).
    Schools {
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Import (or replace) a term calendar from JSON:
    /// `{"name": "Norfolk 2027/28", "provisional": false, "terms": [{"name": "Autumn",
    /// "start": "2027-09-02", "end": "2027-12-17", "half_term_start": "2027-10-25",
    /// "half_term_end": "2027-10-29"}, …]}`.
    Calendar {
        /// The JSON file.
        file: std::path::PathBuf,
        /// Make it this school's own calendar (by URN): it replaces the council's for its
        /// school year when that school's pupils' weeks are counted.
        #[arg(long)]
        school: Option<String>,
    },
    /// Import bank holidays from JSON: `["2028-01-03", "2028-04-14", …]`.
    BankHolidays {
        /// The JSON file.
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum DirectoryCommand {
    /// Email the owners of Local Offer entries not checked for 12 months (at most every 28
    /// days per entry); the server's worker also does this daily.
    Remind,
    /// Let a provider's account look after an organisation's Local Offer entries: edit them and
    /// add new services, each approved by the council. The account must have the provider role
    /// (`mns user add EMAIL --role provider`); the organisation's id is in the ORUK API
    /// (`/api/oruk/organizations`).
    LinkProvider {
        /// The provider's email address.
        email: String,
        /// The organisation's id.
        organization: String,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Anonymise the records of children past the retention period (their 25th birthday by
    /// default) unless a legal hold keeps them; each is written to the audit trail. The
    /// server's worker also does this daily.
    Run,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every entry's keyed hash and link, and every checkpoint in the checkpoint file;
    /// exits non-zero if the trail was altered.
    Verify,
    /// Verify the entries since the last checkpoint and append a checkpoint of the head to the
    /// checkpoint file and the log (the server's worker does this every 10 minutes).
    Checkpoint,
}

fn main() -> std::process::ExitCode {
    match run_cli() {
        Ok(code) => code,
        Err(error) => {
            // The chain of causes, one per line; never a backtrace for a user's mistake.
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run_cli() -> Result<std::process::ExitCode> {
    let cli = Cli::parse();
    // These read files and print; they need neither a database nor a runtime.
    match &cli.command {
        Command::Attendance(AttendanceCommand::Scan(args)) => {
            return county::scan(args, &cli.config.policy()?);
        }
        Command::Attendance(AttendanceCommand::Summarise { file, school_year }) => {
            return attendance_summarise(file, school_year.as_deref())
                .map(|()| std::process::ExitCode::SUCCESS);
        }
        Command::Referral(ReferralCommand::Check {
            file,
            attendance,
            today,
        }) => {
            return referral_check(file, attendance.as_deref(), *today, &cli.config.policy()?)
                .map(|()| std::process::ExitCode::SUCCESS);
        }
        _ => {}
    }
    let config = Config::from_args(cli.config, matches!(cli.command, Command::Demo))?;
    config::init_logging(&config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    if let Command::Attendance(AttendanceCommand::Import(args)) = &cli.command {
        return runtime.block_on(county_import(args, config));
    }
    runtime
        .block_on(run(cli.command, config))
        .map(|()| std::process::ExitCode::SUCCESS)
}

/// `mns attendance import`: reads the files, then keeps each school's figures and alerts.
async fn county_import(args: &county::FeedArgs, config: Config) -> Result<std::process::ExitCode> {
    let app = open(&config).await?;
    county::import(&app, args).await
}

async fn open(config: &Config) -> Result<App> {
    files::create_private_dir(&config.data_dir)?;
    files::prepare_sqlite_file(config.database_url.expose())?;
    let store = Store::connect_with(config.database_url.expose(), &config.pool)
        .await
        .with_context(|| format!("could not open the database {}", config.database_url))?
        .with_audit_keys(config.audit_keys()?);
    store
        .migrate()
        .await
        .context("could not apply migrations")?;
    let oidc = mns_app::identity::oidc::OidcProviders::new(
        oidc_config::providers().map_err(|e| anyhow::anyhow!(e))?,
        &format!("mns/{} (+{})", env!("CARGO_PKG_VERSION"), config.public_url),
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    let app = App::new(store, config.settings())
        .with_document_keys(config.document_keys()?)
        .with_oidc(oidc);
    // Entries written before the chain was keyed are sealed with the key, once.
    match app.seal_unkeyed_audit_entries().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(entries = n, "sealed the audit trail with the audit key"),
        Err(error) => tracing::error!(%error, "the audit trail was not sealed"),
    }
    app.ensure_directory_taxonomies()
        .await
        .context("could not load the Local Offer's taxonomies")?;
    Ok(app)
}

async fn run(command: Command, config: Config) -> Result<()> {
    match command {
        Command::Backup { file } => backup::backup(&config, &file).await,
        Command::Restore { file } => backup::restore(&config, &file).await,
        Command::Serve => {
            let app = open(&config).await?;
            server::serve(app, &config, Vec::new()).await
        }
        Command::Demo => {
            let app = open(&config).await?;
            let sign_ins = app
                .load_demo()
                .await
                .context("could not create the demo data")?;
            server::serve(app, &config, sign_ins).await
        }
        Command::Migrate => {
            open(&config).await?;
            println!("Migrations applied to {}", config.database_url);
            Ok(())
        }
        Command::CheckConfig => {
            print!("{}", config.describe());
            let app = open(&config).await?;
            app.ping().await.context("the database does not answer")?;
            println!("database: answers ({})", app.backend().name());
            let keys = app.document_keys();
            println!(
                "document keys: {} (new documents use '{}')",
                keys.ids().len(),
                keys.current_id()
            );
            oidc_config::check(&app, &config.public_url).await
        }
        Command::User(UserCommand::Add {
            email,
            role,
            school,
            name,
        }) => {
            let app = open(&config).await?;
            let added = app
                .add_user(
                    &system_actor("cli"),
                    mns_app::identity::users::NewUser {
                        display_name: name.unwrap_or_else(|| email.clone()),
                        email,
                        role,
                        school_urn: school,
                        password: None,
                    },
                )
                .await
                .map_err(describe)?;
            println!("Added {} ({}).", added.user.email, added.user.role.label());
            println!(
                "First password (give it to them in person or by phone): {}",
                added.password
            );
            if let Some(secret) = added.totp_secret {
                println!("One-time code key for their authenticator app: {secret}");
            }
            Ok(())
        }
        Command::User(UserCommand::Token { email, name, days }) => {
            let app = open(&config).await?;
            let token = app
                .issue_api_token(&system_actor("cli"), &email, &name, days)
                .await
                .map_err(describe)?;
            println!("{token}");
            Ok(())
        }
        Command::User(UserCommand::Connect { email, provider }) => {
            let app = open(&config).await?;
            app.send_identity_link_by_email(&system_actor("cli"), &email, &provider)
                .await
                .map_err(describe)?;
            println!(
                "Emailed {email} a link to connect their {provider} account; it works once, for {} days",
                mns_app::identity::oidc_links::LINK_LIFETIME_DAYS
            );
            Ok(())
        }
        Command::User(UserCommand::Link {
            email,
            pupil,
            kind,
            relationship,
            parental_responsibility,
            reason,
        }) => {
            let app = open(&config).await?;
            let actor = system_actor("cli");
            let record = app.pupil_by_upn(&actor, &pupil).await.map_err(describe)?;
            let relationship = relationship.unwrap_or_else(|| {
                mns_domain::child_access::AccessKind::parse(&kind)
                    .map_or(String::new(), |k| k.label().to_string())
            });
            let access = app
                .grant_child_access(
                    &actor,
                    &record.id,
                    mns_app::child_access::ChildAccessRequest {
                        email,
                        kind,
                        relationship,
                        parental_responsibility,
                        ends_on: Ok(None),
                        reason,
                    },
                )
                .await
                .map_err(describe)?;
            match access {
                mns_app::child_access::Granted::Access(access) => println!(
                    "{} can now see the pupil with UPN {pupil}; we have emailed them.",
                    access.email
                ),
                mns_app::child_access::Granted::Invited(invitation) => println!(
                    "No one has an account with {}: we have emailed them an invitation to \
                     create one, which works until {}. They see the pupil with UPN {pupil} \
                     once they have created it.",
                    invitation.email,
                    mns_domain::calendar::format_uk_datetime(invitation.expires_at)
                ),
            }
            Ok(())
        }
        Command::Import(ImportCommand::Postcodes { file }) => {
            let app = open(&config).await?;
            let f = std::fs::File::open(&file)
                .with_context(|| format!("could not read {}", file.display()))?;
            let count = app
                .import_postcodes(&system_actor("cli"), std::io::BufReader::new(f))
                .await
                .map_err(describe)?;
            println!("Imported {count} postcodes from {}", file.display());
            Ok(())
        }
        Command::Import(ImportCommand::Directory {
            skip_bad,
            from,
            modified_after,
            files,
        }) => {
            let app = open(&config).await?;
            if let Some(url) = from {
                let done = app
                    .import_directory_feed(&system_actor("cli"), &url, modified_after, skip_bad)
                    .await
                    .map_err(describe)
                    .with_context(|| format!("the feed at {url} was not imported"))?;
                report_directory_import(&done, &url);
            }
            for file in files {
                let bytes = std::fs::read(&file)
                    .with_context(|| format!("could not read {}", file.display()))?;
                let done = app
                    .import_directory_file(
                        &system_actor("cli"),
                        &file.to_string_lossy(),
                        &bytes,
                        skip_bad,
                    )
                    .await
                    .map_err(describe)
                    .with_context(|| format!("{} was not imported", file.display()))?;
                report_directory_import(&done, &file.display().to_string());
            }
            Ok(())
        }
        Command::Directory(DirectoryCommand::LinkProvider {
            email,
            organization,
        }) => {
            let app = open(&config).await?;
            app.link_provider_by_email(&system_actor("cli"), &email, &organization)
                .await
                .map_err(describe)?;
            println!("{email} now looks after the entries of organisation {organization}");
            Ok(())
        }
        Command::Directory(DirectoryCommand::Remind) => {
            let app = open(&config).await?;
            let count = app
                .send_review_reminders(&system_actor("cli"))
                .await
                .map_err(describe)?;
            println!("Reminded the owners of {count} entries");
            Ok(())
        }
        Command::Retention(RetentionCommand::Run) => {
            let app = open(&config).await?;
            let report = app
                .run_retention(&system_actor("cli"))
                .await
                .map_err(describe)?;
            println!(
                "Anonymised the records of {} children ({} documents destroyed); {} kept by a legal hold; \
                 deleted {} attendance figures rows and {} attendance alerts past their retention; \
                 erased the details of {} event bookings a year after their events",
                report.anonymised,
                report.documents,
                report.held,
                report.attendance_figures,
                report.attendance_alerts,
                report.event_bookings
            );
            Ok(())
        }
        Command::Import(ImportCommand::Schools { file }) => {
            let app = open(&config).await?;
            let bytes = std::fs::read(&file)
                .with_context(|| format!("could not read {}", file.display()))?;
            let count = app
                .import_schools(&system_actor("cli"), &bytes)
                .await
                .map_err(describe)?;
            println!("Imported {count} schools from {}", file.display());
            Ok(())
        }
        Command::Import(ImportCommand::Calendar { file, school }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("could not read {}", file.display()))?;
            let calendar: mns_domain::calendar::TermCalendar = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a valid term calendar", file.display()))?;
            let app = open(&config).await?;
            match &school {
                Some(urn) => app
                    .save_school_calendar(&system_actor("cli"), urn, &calendar)
                    .await
                    .map_err(describe)?,
                None => app
                    .save_calendars(
                        &system_actor("cli"),
                        std::slice::from_ref(&calendar),
                        &Default::default(),
                    )
                    .await
                    .map_err(describe)?,
            }
            println!(
                "Saved the term calendar '{}' ({} terms)",
                calendar.name(),
                calendar.terms().len()
            );
            Ok(())
        }
        Command::Import(ImportCommand::BankHolidays { file }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("could not read {}", file.display()))?;
            let days: mns_domain::calendar::BankHolidays = serde_json::from_str(&text)
                .with_context(|| {
                    format!("{} is not a list of dates (YYYY-MM-DD)", file.display())
                })?;
            let app = open(&config).await?;
            app.save_calendars(&system_actor("cli"), &[], &days)
                .await
                .map_err(describe)?;
            println!("Saved {} bank holidays", days.len());
            Ok(())
        }
        Command::Documents(DocumentsCommand::Rewrap) => {
            let app = open(&config).await?;
            let keys = app.document_keys();
            let count = app.rewrap_documents().await.map_err(describe)?;
            println!(
                "Re-wrapped {count} documents under key '{}'",
                keys.current_id()
            );
            Ok(())
        }
        Command::Attendance(_) | Command::Referral(_) => Ok(()),
        Command::Audit(AuditCommand::Checkpoint) => {
            let app = open(&config).await?;
            match app.write_audit_checkpoint().await.map_err(describe)? {
                Some(c) => println!(
                    "Checkpoint written to {}: {} entries, ending {}",
                    config.audit_checkpoint_file.display(),
                    c.seq,
                    c.hash
                ),
                None => println!("No new audit entries since the last checkpoint."),
            }
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let app = open(&config).await?;
            verify_audit_trail(&app, "the audit trail has been tampered with").await
        }
    }
}

fn attendance_summarise(file: &std::path::Path, school_year: Option<&str>) -> Result<()> {
    let bytes =
        std::fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
    let year = school_year
        .map(mns_domain::calendar::SchoolYear::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--school-year: {e}"))?;
    let summary = mns_app::attendance::summarise(&bytes, year).map_err(describe)?;
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(())
}

fn referral_check(
    file: &std::path::Path,
    attendance: Option<&std::path::Path>,
    today: Option<chrono::NaiveDate>,
    policy: &mns_domain::referral::PolicyParameters,
) -> Result<()> {
    use mns_domain::calendar::{
        SchoolCalendar, england_bank_holidays_2025_2027, norfolk_2025_26,
        norfolk_2026_27_provisional,
    };
    use mns_domain::referral::{Referral, evaluate};
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("could not read {}", file.display()))?;
    let referral: Referral = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a referral in the documented JSON schema",
            file.display()
        )
    })?;
    let today = today.unwrap_or_else(|| chrono::Local::now().date_naive());
    let calendar = SchoolCalendar::new(norfolk_2025_26(), england_bank_holidays_2025_2027())
        .with_term_calendar(norfolk_2026_27_provisional())
        .map_err(|e| anyhow::anyhow!("the built-in calendar: {e}"))?;
    let evidence = match attendance {
        None => None,
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("could not read {}", path.display()))?;
            let export = mns_domain::attendance::read_attendance_export(&bytes)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let upn = referral
                .pupil
                .upn
                .as_ref()
                .and_then(|u| u.value())
                .map(|u| u.as_str().to_string());
            let year = export.school_year_for_referral(referral.referral_date.unwrap_or(today));
            let found =
                mns_app::attendance::pupil_figures(&export, upn.as_deref(), year, Some(&calendar))
                    .ok_or_else(|| {
                        anyhow::anyhow!("{} has no rows for the referral's pupil", path.display())
                    })?;
            Some(found.evidence)
        }
    };
    let checks = evaluate(&referral, evidence.as_ref(), Some(&calendar), policy, today);
    println!(
        "{}",
        serde_json::to_string_pretty(&ChecksOutput { checks: &checks })?
    );
    Ok(())
}

/// What `mns referral check` prints.
#[derive(serde::Serialize)]
struct ChecksOutput<'a> {
    checks: &'a [mns_domain::referral::Check],
}

/// Turns an operation's error into a message that names every problem.
/// Verifies the audit trail and says so; an error starting with `broken` if it does not hold.
async fn verify_audit_trail(app: &App, broken: &str) -> Result<()> {
    let report = app.verify_audit_trail().await.map_err(describe)?;
    match report.problem {
        None => {
            println!(
                "The audit trail is intact: {} entries checked against the audit key, {} checkpoints matched.",
                report.entries, report.checkpoints
            );
            Ok(())
        }
        Some(problem) => bail!("{broken}: {problem}"),
    }
}

fn describe(error: mns_app::AppError) -> anyhow::Error {
    match error {
        mns_app::AppError::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => anyhow::Error::new(other),
    }
}

/// What `mns import directory` did with one file or feed.
fn report_directory_import(done: &mns_app::directory::DirectoryImport, source: &str) {
    for problem in &done.skipped {
        println!("Left out {problem}");
    }
    for note in &done.notes {
        println!("Kept in part: {note}");
    }
    println!("Imported {} services from {source}", done.services);
    if done.kept_parts > 0 {
        println!(
            "{} of them were summaries without contacts, schedules, places or other parts (a \
             list page without full=true), so those entries kept their own",
            done.kept_parts
        );
    }
}
