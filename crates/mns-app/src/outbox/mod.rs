//! Delivering the outbox: a worker claims due messages and sends them by SMTP, or in the demo
//! and tests writes them as `.eml` files in the data directory. Failures are retried with a
//! growing delay and given up after [`MAX_ATTEMPTS`].

use crate::{App, AppResult};
use chrono::Duration;
use lettre::message::{Mailbox, Message, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use mns_store::OutboxMessage;
use std::path::PathBuf;

/// Attempts before a message is marked failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// How messages leave the service.
#[derive(Clone)]
pub enum Delivery {
    /// Write each message as `<id>.eml` in a folder (demo and tests).
    Files(PathBuf),
    /// Send through an SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Delivery::Files(dir) => write!(f, "files in {}", dir.display()),
            Delivery::Smtp(_) => f.write_str("smtp"),
        }
    }
}

impl Delivery {
    /// SMTP from a URL such as `smtps://user:password@smtp.example.org` or
    /// `smtp://localhost:2525` (lettre's URL form).
    pub fn smtp(url: &str) -> Result<Delivery, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|b| Delivery::Smtp(b.build()))
            .map_err(|e| format!("the SMTP URL is not valid: {e}"))
    }

    async fn send(&self, from: &str, message: &OutboxMessage) -> Result<(), String> {
        let mut from: Mailbox = from.parse().map_err(|e| format!("bad from address: {e}"))?;
        // A part of the service with a name of its own (the SEND Local Offer) sends from the
        // same address under its own name.
        if let Some(name) = &message.sender_name {
            from.name = Some(name.clone());
        }
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|e| format!("bad recipient address: {e}"))?;
        let email = Message::builder()
            .from(from)
            .to(to)
            .subject(&message.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| e.to_string())?;
        match self {
            Delivery::Files(dir) => {
                let path = dir.join(format!("{}.eml", message.id));
                let (dir, bytes) = (dir.clone(), email.formatted());
                tokio::task::spawn_blocking(move || write_owner_only(&dir, &path, &bytes))
                    .await
                    .map_err(|e| e.to_string())?
                    .map_err(|e| e.to_string())
            }
            Delivery::Smtp(transport) => transport
                .send(email)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        }
    }
}

/// Writes an email file readable by its owner only (0600, in a 0700 folder), whatever the
/// umask: emails carry no child's details, but they are still the council's mail.
fn write_owner_only(
    dir: &std::path::Path,
    path: &std::path::Path,
    bytes: &[u8],
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    std::io::Write::write_all(&mut file, bytes)
}

impl App {
    /// Claims and delivers the messages that are due, as `worker`; returns how many were sent.
    pub async fn deliver_due_messages(
        &self,
        delivery: &Delivery,
        worker: &str,
    ) -> AppResult<usize> {
        let now = self.now();
        let claimed = self
            .store
            .claim_messages(worker, now, now + Duration::minutes(5), 20)
            .await?;
        let mut sent = 0;
        for message in &claimed {
            match delivery.send(&self.settings.mail_from, message).await {
                Ok(()) => {
                    self.store
                        .mark_message_sent(&message.id, worker, self.now())
                        .await?;
                    sent += 1;
                }
                Err(error) => {
                    // The error names the transport's problem, never the message's content.
                    tracing::warn!(message_id = %message.id, attempts = message.attempts, %error, "delivery failed");
                    let retry_at = (message.attempts < MAX_ATTEMPTS).then(|| {
                        self.now() + Duration::minutes(2_i64.pow(message.attempts as u32))
                    });
                    self.store
                        .mark_message_failed(&message.id, worker, &error, self.now(), retry_at)
                        .await?;
                }
            }
        }
        Ok(sent)
    }

    /// The background worker: delivers the outbox and sweeps timed-out sessions until
    /// `shutdown` resolves.
    pub async fn run_worker(
        &self,
        delivery: Delivery,
        worker: String,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
        // Review reminders for stale Local Offer entries go out once a day per instance; the
        // store remembers who was reminded, so several instances do not repeat each other.
        let mut reminded_on: Option<chrono::NaiveDate> = None;
        let mut daily: Option<tokio::task::JoinHandle<Option<chrono::NaiveDate>>> = None;
        // Audit checkpoints go outside the database every few minutes (MN-REC-1).
        let mut checkpointed_at: Option<chrono::DateTime<chrono::Utc>> = None;
        // At start-up the day's chores wait for the directory's search index to load (at most
        // a minute): on a big directory they would otherwise share the cores and the database
        // with it, and families' first searches would wait the longer (issue 18's cold start).
        let started = std::time::Instant::now();
        loop {
            tokio::select! {
                () = &mut shutdown => {
                    // Each chore commits item by item: stopping one mid-way loses nothing.
                    if let Some(chores) = daily {
                        chores.abort();
                    }
                    return;
                }
                _ = tick.tick() => {
                    if let Err(e) = self.deliver_due_messages(&delivery, &worker).await {
                        tracing::error!(error = %e, "outbox delivery round failed");
                    }
                    if let Err(e) = self.sweep_sessions().await {
                        tracing::error!(error = %e, "session sweep failed");
                    }
                    let now = self.now();
                    if checkpointed_at
                        .is_none_or(|at| now - at >= self.settings.audit_checkpoint_every)
                    {
                        checkpointed_at = Some(now);
                        if let Err(e) = self.write_audit_checkpoint().await {
                            tracing::error!(error = %e, "audit checkpoint not written: the trail does not verify");
                        }
                    }
                    // The day's chores run beside delivery, not in its way: on a big directory
                    // the first day's review reminders take minutes, and email must not wait.
                    if daily.as_ref().is_some_and(tokio::task::JoinHandle::is_finished)
                        && let Some(finished) = daily.take()
                        && let Ok(Some(day)) = finished.await
                    {
                        reminded_on = Some(day);
                    }
                    let today = self.today();
                    let settled = self.directory_index_loaded()
                        || started.elapsed() >= std::time::Duration::from_secs(60);
                    if reminded_on != Some(today) && daily.is_none() && settled {
                        let app = self.clone();
                        daily = Some(tokio::spawn(async move { app.daily_chores(today).await }));
                    }
                }
            }
        }
    }

    /// Once a day: the Local Offer's review reminders, the schools' case reminders, pruning
    /// the directory's history, reading another directory's feed and the retention run. Returns `today` when the reminders went out (so they are not tried again
    /// today), `None` when they failed (tried again at the next tick).
    async fn daily_chores(&self, today: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
        let reminded = match self
            .send_review_reminders(&crate::system_actor("worker"))
            .await
        {
            Ok(n) => {
                if n > 0 {
                    tracing::info!(entries = n, "Local Offer review reminders queued");
                }
                Some(today)
            }
            Err(e) => {
                tracing::error!(error = %e, "review reminders failed");
                None
            }
        };
        // Schools are reminded of reviews and continuation requests due within a school week
        // (MN-REV-1, MN-CONT-2).
        match self.send_case_reminders(7).await {
            Ok(n) if n > 0 => tracing::info!(reminders = n, "case reminders queued"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "case reminders failed"),
        }
        // The Local Offer's old versions and the search index's log.
        match self.prune_directory_history().await {
            Ok((versions, log)) if versions + log > 0 => {
                tracing::info!(versions, log, "directory history pruned")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "pruning the directory's history failed"),
        }
        // Records past the retention period (MN-REC-2).
        match self.run_retention(&crate::system_actor("worker")).await {
            Ok(r) if r.anonymised > 0 => {
                tracing::info!(anonymised = r.anonymised, held = r.held, "retention run")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "retention run failed"),
        }
        // Another directory's feed, when one is configured: what changed since yesterday. Last,
        // since a slow feed must not hold up the retention run.
        match self.sync_directory_feed().await {
            Ok(Some(done)) => {
                // Directory entries are public: what was left out and why may be logged.
                for problem in &done.skipped {
                    tracing::warn!(problem = %problem, "directory feed: a service was left out");
                }
                for note in &done.notes {
                    tracing::info!(note = %note, "directory feed: a service was kept in part");
                }
                tracing::info!(
                    services = done.services,
                    left_out = done.skipped.len(),
                    notes = done.notes.len(),
                    "directory feed read"
                )
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "reading the directory feed failed"),
        }
        reminded
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::write_owner_only;
    use std::os::unix::fs::PermissionsExt;

    /// Emails written as files are the owner's alone, whatever the umask gave the folder.
    #[test]
    fn emails_written_as_files_are_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("outbox");
        std::fs::create_dir(&outbox).unwrap();
        std::fs::set_permissions(&outbox, std::fs::Permissions::from_mode(0o777)).unwrap();
        let file = outbox.join("m.eml");
        write_owner_only(
            &outbox,
            &file,
            b"Subject: An update\r\n\r\nSign in to see it.",
        )
        .unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&outbox), 0o700);
        assert_eq!(mode(&file), 0o600);
    }
}
