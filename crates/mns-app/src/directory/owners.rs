//! The entries' owners: providers linked to organisations, and the reminders sent when an
//! entry has not been checked for [`REVIEW_MONTHS`](super::REVIEW_MONTHS) months.

use super::*;
use crate::{Actor, App, AppError, AppResult};
use chrono::{Duration, NaiveDate};
use mns_domain::identity::Role;

impl App {
    /// Reminds owners of entries not reviewed for [`REVIEW_MONTHS`] months, at most every
    /// [`REMINDER_INTERVAL_DAYS`] days each. Returns how many services were reminded about.
    pub async fn send_review_reminders(&self, actor: &Actor) -> AppResult<usize> {
        if actor.user.id != "system" && !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        let today = self.today();
        let reviewed_before = today
            .checked_sub_months(chrono::Months::new(REVIEW_MONTHS))
            .unwrap_or(NaiveDate::MIN)
            .succ_opt()
            .unwrap_or(today);
        let reminded_before = today - Duration::days(REMINDER_INTERVAL_DAYS);
        let due = self
            .store
            .services_due_review(reviewed_before, reminded_before)
            .await?;
        let now = self.now();
        let mut count = 0;
        for (service_id, _name, organization_id, last_reviewed) in due {
            let mut tx = self.store.begin().await?;
            let mut recipients = Vec::new();
            for user_id in self.store.users_of_organization(&organization_id).await? {
                if let Some(user) = self.store.get_user(&user_id).await?
                    && user.disabled_at.is_none()
                {
                    recipients.push(user.email);
                }
            }
            if recipients.is_empty() {
                recipients.push(self.settings.local_offer_email.clone());
            }
            for to in &recipients {
                let body = format!(
                    "A Local Offer entry you look after was last checked on {}. Families rely on it being right.\n\n\
                     Check it and confirm or update it: {}/local-offer/manage/services/{}\n",
                    last_reviewed.format("%-d %B %Y"),
                    self.settings.public_url,
                    service_id
                );
                tx.enqueue_message_from(
                    &self.local_offer_sender(),
                    to,
                    "Please check your Local Offer entry",
                    &body,
                    now,
                )
                .await?;
            }
            tx.mark_review_reminded(&service_id, today).await?;
            self.audit(
                &mut tx,
                actor,
                "directory.review.remind",
                "directory_service",
                &service_id,
                &format!("{} recipients", recipients.len()),
            )
            .await?;
            tx.commit().await?;
            count += 1;
        }
        Ok(count)
    }

    /// How many active entries are overdue for review.
    pub async fn stale_directory_entries(&self) -> AppResult<u64> {
        let today = self.today();
        let cutoff = today
            .checked_sub_months(chrono::Months::new(REVIEW_MONTHS))
            .unwrap_or(NaiveDate::MIN);
        Ok(self
            .store
            .count_services_reviewed_before(cutoff.succ_opt().unwrap_or(today))
            .await?)
    }

    /// A page of the active entries overdue for review, oldest first, for the Local Offer
    /// officer (404 for anyone else): `after` is the last entry of the page before, by its
    /// review date and id. Returns the page and whether more follow.
    pub async fn stale_directory_list(
        &self,
        actor: &Actor,
        after: Option<(NaiveDate, &str)>,
        limit: u32,
    ) -> AppResult<(Vec<Service>, bool)> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        let today = self.today();
        let cutoff = today
            .checked_sub_months(chrono::Months::new(REVIEW_MONTHS))
            .unwrap_or(NaiveDate::MIN);
        let mut page = self
            .store
            .services_reviewed_before(cutoff.succ_opt().unwrap_or(today), after, limit + 1)
            .await?;
        let more = page.len() > limit as usize;
        page.truncate(limit as usize);
        Ok((page, more))
    }

    /// Links the provider user with this email address to an organisation (`mns directory
    /// link-provider`): how a council gives a provider's account its entries to look after.
    pub async fn link_provider_by_email(
        &self,
        actor: &Actor,
        email: &str,
        organization_id: &str,
    ) -> AppResult<()> {
        let user = self
            .store
            .find_user_by_email(&crate::identity::email_key(email))
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "email",
                    format!("No user has the email address {}", email.trim()),
                )
            })?;
        if self
            .store
            .directory_organization(organization_id)
            .await?
            .is_none()
        {
            return Err(AppError::invalid(
                "organization",
                format!("No organisation in the directory has the id {organization_id}"),
            ));
        }
        self.link_provider_to_organization(actor, &user.id, organization_id)
            .await
    }

    /// Links a provider user to an organisation so they can edit its entries.
    pub async fn link_provider_to_organization(
        &self,
        actor: &Actor,
        user_id: &str,
        organization_id: &str,
    ) -> AppResult<()> {
        if !is_local_offer_officer(actor) && actor.user.id != "system" {
            return Err(AppError::NotFound);
        }
        let user = self
            .store
            .get_user(user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if user.role != Role::Provider {
            return Err(AppError::invalid(
                "user",
                "Only provider users can look after an organisation's entries",
            ));
        }
        self.store
            .directory_organization(organization_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut tx = self.store.begin().await?;
        tx.link_organization_user(user_id, organization_id).await?;
        self.audit(
            &mut tx,
            actor,
            "directory.organization.link_user",
            "directory_organization",
            organization_id,
            user_id,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
