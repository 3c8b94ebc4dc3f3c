//! What families do without signing in: leave feedback on an entry, and email themselves a
//! shortlist (rate-limited per address and per recipient).

use super::*;
use crate::{Actor, App, AppError, AppResult, FieldError};
use mns_domain::directory::ServiceStatus;
use mns_domain::directory::feedback::FeedbackSource;
use mns_store::FeedbackRecord;

/// A new comment from `source`, not yet read or moderated.
pub(crate) fn new_feedback(
    source: FeedbackSource,
    comment: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> FeedbackRecord {
    FeedbackRecord {
        id: mns_store::new_id(),
        source,
        service_id: None,
        event_id: None,
        created_at: mns_store::ts(now),
        comment: comment.into(),
        email: None,
        status: "new".into(),
        recorded_by: None,
        moderation: "pending".into(),
        theme: None,
        withheld_reason: None,
        you_said: None,
        we_did: None,
        action_status: None,
        moderated_by: None,
        moderated_at: None,
    }
}

impl App {
    /// A family leaves feedback on a service; the council is told there is some (the email
    /// carries no words of it, which may include personal details).
    pub async fn leave_directory_feedback(
        &self,
        service_id: &str,
        comment: &str,
        email: Option<&str>,
    ) -> AppResult<()> {
        let entry = self
            .store
            .directory_service(service_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if entry.service.status != ServiceStatus::Active {
            return Err(AppError::NotFound);
        }
        self.take_feedback(FeedbackSource::Service, Some(service_id), comment, email)
            .await
    }

    /// A family tells the council what they think of the Local Offer as a whole (its own
    /// feedback form).
    pub async fn leave_local_offer_feedback(
        &self,
        comment: &str,
        email: Option<&str>,
    ) -> AppResult<()> {
        self.take_feedback(FeedbackSource::Website, None, comment, email)
            .await
    }

    async fn take_feedback(
        &self,
        source: FeedbackSource,
        service_id: Option<&str>,
        comment: &str,
        email: Option<&str>,
    ) -> AppResult<()> {
        let comment = comment.trim();
        let mut errors = Vec::new();
        if comment.is_empty() {
            errors.push(FieldError::new("comment", "Enter your feedback"));
        } else if comment.chars().count() > 2000 {
            errors.push(FieldError::new(
                "comment",
                "Feedback must be 2,000 characters or fewer",
            ));
        }
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = email
            && (!e.contains('@') || e.contains(char::is_whitespace) || e.len() > 254)
        {
            errors.push(FieldError::new(
                "email",
                "Enter an email address in the correct format, like name@example.com",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let now = self.now();
        let record = new_feedback(source, comment, now);
        let record = FeedbackRecord {
            service_id: service_id.map(str::to_string),
            email: email.map(str::to_string),
            ..record
        };
        let mut tx = self.store.begin().await?;
        tx.insert_feedback(&record).await?;
        let actor = crate::system_actor("public");
        self.audit(
            &mut tx,
            &actor,
            "directory.feedback.leave",
            if service_id.is_some() {
                "directory_service"
            } else {
                "local_offer_feedback"
            },
            service_id.unwrap_or(&record.id),
            &record.id,
        )
        .await?;
        let body = format!(
            "A family has left feedback about the Local Offer.\n\nRead it: {}/local-offer/manage/feedback\n",
            self.settings.public_url
        );
        tx.enqueue_message_from(
            &self.local_offer_sender(),
            &self.settings.local_offer_email,
            "New feedback on the Local Offer",
            &body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Feedback for the council, newest first, with what it is about (a service's name, an
    /// event's title, or where it came from).
    pub async fn directory_feedback(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<(FeedbackRecord, String)>> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        let mut out = Vec::new();
        for f in self.store.directory_feedback(None).await? {
            let about = self.feedback_subject(&f).await?;
            out.push((f, about));
        }
        Ok(out)
    }

    /// How many pieces of feedback nobody has read yet (officers only).
    pub async fn new_directory_feedback_count(&self, actor: &Actor) -> AppResult<i64> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        Ok(self.store.count_feedback_with_status("new").await?)
    }

    /// Marks feedback as read.
    pub async fn mark_directory_feedback_read(&self, actor: &Actor, id: &str) -> AppResult<()> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.begin().await?;
        if !tx.mark_feedback_read(id).await? {
            return Err(AppError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            "directory.feedback.read",
            "directory_feedback",
            id,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Emails a shortlist of services to the address a family gives. Only names, phone
    /// numbers and links go out: nothing the family typed but the address. Anyone may ask, so
    /// it is rate-limited per requesting address (`source`) and per recipient, and every
    /// sending and refusal is logged (the recipient only as a short hash).
    pub async fn email_shortlist(
        &self,
        ids: &[String],
        email: &str,
        source: &str,
    ) -> AppResult<usize> {
        let email = email.trim();
        if email.is_empty()
            || !email.contains('@')
            || email.contains(char::is_whitespace)
            || email.len() > 254
        {
            return Err(AppError::invalid(
                "email",
                "Enter an email address in the correct format, like name@example.com",
            ));
        }
        let services = self.directory_services(ids).await?;
        if services.is_empty() {
            return Err(AppError::invalid(
                "email",
                "Your shortlist is empty: add services to it first",
            ));
        }
        let mut body = format!(
            "Your shortlist from the {} SEND Local Offer:\n\n",
            self.settings.council_name
        );
        for s in &services {
            body.push_str(&format!("{}\n", s.name));
            if let Some(phone) = s.phones.first() {
                body.push_str(&format!("Phone: {}\n", phone.number));
            }
            body.push_str(&format!(
                "{}/local-offer/services/{}\n\n",
                self.settings.public_url, s.id
            ));
        }
        let now = self.now();
        let since = now - self.settings.shortlist_window;
        let recipient = format!(
            "to:{}",
            &crate::identity::token_hash(&email.to_lowercase())[..16]
        );
        let from = format!("from:{source}");
        let mut tx = self.store.begin().await?;
        let by_source = tx.count_rate_events(SHORTLIST_EMAIL, &from, since).await?;
        let by_recipient = tx
            .count_rate_events(SHORTLIST_EMAIL, &recipient, since)
            .await?;
        if by_source >= self.settings.shortlist_per_address
            || by_recipient >= self.settings.shortlist_per_recipient
        {
            tracing::warn!(%source, %recipient, by_source, by_recipient, "shortlist email refused: rate limit");
            return Err(AppError::Throttled);
        }
        tx.record_rate_event(SHORTLIST_EMAIL, &from, now).await?;
        tx.record_rate_event(SHORTLIST_EMAIL, &recipient, now)
            .await?;
        tracing::info!(%source, %recipient, "shortlist email queued");
        tx.enqueue_message_from(
            &self.local_offer_sender(),
            email,
            "Your Local Offer shortlist",
            &body,
            now,
        )
        .await?;
        let actor = crate::system_actor("public");
        self.audit(
            &mut tx,
            &actor,
            "directory.shortlist.email",
            "directory_shortlist",
            "-",
            &format!("{} services", services.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(services.len())
    }
}
