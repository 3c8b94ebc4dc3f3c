//! Keeping entries true: providers propose changes to their organisation's services, the
//! Local Offer officer compares and approves or sends them back, versions are kept and
//! restored, and owners confirm an entry is still right.

use super::*;
use crate::{Actor, App, AppError, AppResult, FieldError};
use mns_domain::directory::{Organization, Service, check_service};
use mns_domain::permissions::Capability;
use mns_store::{ChangeRecord, ServiceEntry, ServiceVersion, new_id};

impl App {
    /// Whether the actor may propose changes to (provider) or publish (officer) a service.
    pub async fn may_edit_service(
        &self,
        actor: Option<&Actor>,
        service: &Service,
    ) -> AppResult<bool> {
        let Some(actor) = actor else { return Ok(false) };
        if is_local_offer_officer(actor) {
            return Ok(true);
        }
        if !actor.may(Capability::ProposeDirectoryChanges) {
            return Ok(false);
        }
        let orgs = self.store.organizations_of_user(&actor.user.id).await?;
        Ok(orgs.iter().any(|o| o.id == service.organization_id))
    }

    /// The organisations whose entries the actor looks after (all of them for the council).
    pub async fn my_directory_organizations(&self, actor: &Actor) -> AppResult<Vec<Organization>> {
        actor.require(Capability::ManageDirectoryEntries)?;
        if actor.may(Capability::ApproveDirectoryChanges) {
            Ok(self.store.directory_organizations(None, 1, 500).await?.1)
        } else {
            Ok(self.store.organizations_of_user(&actor.user.id).await?)
        }
    }

    /// An organisation's services, for the provider's or the council's list.
    pub async fn organization_services(
        &self,
        actor: &Actor,
        organization_id: &str,
    ) -> AppResult<Vec<ServiceEntry>> {
        let orgs = self.my_directory_organizations(actor).await?;
        if !is_local_offer_officer(actor) && !orgs.iter().any(|o| o.id == organization_id) {
            return Err(AppError::NotFound);
        }
        Ok(self.store.services_of_organization(organization_id).await?)
    }

    /// A service the actor may edit, with its version, for the edit form.
    pub async fn service_for_editing(&self, actor: &Actor, id: &str) -> AppResult<ServiceEntry> {
        let entry = self
            .store
            .directory_service(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !self.may_edit_service(Some(actor), &entry.service).await? {
            return Err(AppError::NotFound);
        }
        Ok(entry)
    }

    /// A provider proposes a change to a service (or a new one); it waits for the council. The
    /// council's own edits are published at once. Returns the change's id, or the service id
    /// when published directly.
    pub async fn propose_service_change(
        &self,
        actor: &Actor,
        mut proposed: Service,
        base_version: i64,
    ) -> AppResult<String> {
        let current = self.store.directory_service(&proposed.id).await?;
        let owner_check = match &current {
            Some(entry) => entry.service.clone(),
            None => proposed.clone(),
        };
        if !self.may_edit_service(Some(actor), &owner_check).await? {
            return Err(AppError::NotFound);
        }
        // A provider cannot move a service to an organisation it does not belong to.
        if !self.may_edit_service(Some(actor), &proposed).await? {
            return Err(AppError::invalid(
                "organization_id",
                "Choose one of your organisations",
            ));
        }
        let errors: Vec<FieldError> = check_service(&proposed)
            .into_iter()
            .map(|e| FieldError::new(e.field, e.message))
            .collect();
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        if let Some(entry) = &current
            && entry.version != base_version
        {
            return Err(AppError::invalid(
                "base_version",
                "Someone else changed this service while you were editing it. Open it again to see their change.",
            ));
        }
        let now = self.now();
        proposed.last_modified = now;
        if is_local_offer_officer(actor) {
            proposed.last_reviewed = self.today();
            let mut tx = self.store.begin().await?;
            self.publish(&mut tx, actor, &proposed, "edited by the council")
                .await?;
            tx.commit().await?;
            return Ok(proposed.id);
        }
        let change = ChangeRecord {
            id: new_id(),
            service_id: proposed.id.clone(),
            organization_id: proposed.organization_id.clone(),
            base_version: current.as_ref().map_or(0, |e| e.version),
            proposed,
            status: "pending".into(),
            submitted_by: actor.user.id.clone(),
            submitted_at: now,
            decided_by: None,
            decided_at: None,
            reason: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_change(&change).await?;
        self.audit(
            &mut tx,
            actor,
            "directory.change.propose",
            "directory_service",
            &change.service_id,
            &change.id,
        )
        .await?;
        let subject = "A Local Offer entry change is waiting for approval";
        let body = format!(
            "A provider has proposed a change to a Local Offer entry.\n\nReview it: {}/local-offer/manage/changes/{}\n",
            self.settings.public_url, change.id
        );
        tx.enqueue_message_from(
            &self.local_offer_sender(),
            &self.settings.local_offer_email,
            subject,
            &body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(change.id)
    }

    /// A change, for the council's approval page (or its author's view).
    pub async fn directory_change(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(ChangeRecord, Option<ServiceEntry>)> {
        let change = self
            .store
            .directory_change(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !is_local_offer_officer(actor) && change.submitted_by != actor.user.id {
            return Err(AppError::NotFound);
        }
        let current = self.store.directory_service(&change.service_id).await?;
        Ok((change, current))
    }

    /// The changes a provider has proposed, newest first.
    pub async fn my_directory_changes(&self, actor: &Actor) -> AppResult<Vec<ChangeRecord>> {
        actor.require(Capability::ProposeDirectoryChanges)?;
        let orgs = self.store.organizations_of_user(&actor.user.id).await?;
        let mut out: Vec<ChangeRecord> = self
            .store
            .directory_changes_submitted_by(&actor.user.id)
            .await?
            .into_iter()
            .filter(|c| orgs.iter().any(|o| o.id == c.organization_id))
            .collect();
        out.sort_by_key(|c| std::cmp::Reverse(c.submitted_at));
        Ok(out)
    }

    /// Changes waiting for the council, oldest first.
    pub async fn pending_directory_changes(&self, actor: &Actor) -> AppResult<Vec<ChangeRecord>> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        Ok(self.store.directory_changes_with_status("pending").await?)
    }

    /// The council approves or rejects a proposed change. Approving publishes it as a new
    /// version (the entry counts as reviewed today) and tells the provider.
    pub async fn decide_directory_change(
        &self,
        actor: &Actor,
        id: &str,
        approve: bool,
        reason: Option<&str>,
    ) -> AppResult<()> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        let change = self
            .store
            .directory_change(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if !approve && reason.is_none() {
            return Err(AppError::invalid(
                "reason",
                "Enter why the change is not approved, so the provider can put it right",
            ));
        }
        if change.status != "pending" {
            return Err(AppError::invalid(
                "decision",
                "This change has already been decided",
            ));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let status = if approve { "approved" } else { "rejected" };
        if !tx
            .decide_change(id, status, &actor.user.id, reason, now)
            .await?
        {
            return Err(AppError::invalid(
                "decision",
                "This change has already been decided",
            ));
        }
        if approve {
            let mut service = change.proposed.clone();
            service.last_modified = now;
            service.last_reviewed = self.today();
            self.publish(&mut tx, actor, &service, "approved a provider's change")
                .await?;
        }
        self.audit(
            &mut tx,
            actor,
            &format!("directory.change.{status}"),
            "directory_service",
            &change.service_id,
            id,
        )
        .await?;
        if let Some(author) = self.store.get_user(&change.submitted_by).await? {
            let subject = if approve {
                "Your Local Offer change is published"
            } else {
                "Your Local Offer change needs another look"
            };
            let body = format!(
                "{}\n\nSee it: {}/local-offer/manage/changes/{}\n",
                if approve {
                    "The council has approved and published your change."
                } else {
                    "The council has not approved your change. The reason is on the change's page."
                },
                self.settings.public_url,
                id
            );
            tx.enqueue_message_from(
                &self.local_offer_sender(),
                &author.email,
                subject,
                &body,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The published versions of a service, newest first.
    pub async fn service_history(
        &self,
        actor: &Actor,
        service_id: &str,
    ) -> AppResult<Vec<ServiceVersion>> {
        self.service_for_editing(actor, service_id).await?;
        Ok(self.store.service_versions(service_id).await?)
    }

    /// The council restores an older version: it is published again as the newest version.
    pub async fn restore_service_version(
        &self,
        actor: &Actor,
        service_id: &str,
        version: i64,
    ) -> AppResult<i64> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        let versions = self.store.service_versions(service_id).await?;
        let old = versions
            .into_iter()
            .find(|v| v.version == version)
            .ok_or(AppError::NotFound)?;
        let mut service = old.service;
        service.last_modified = self.now();
        let mut tx = self.store.begin().await?;
        let new_version = self
            .publish(
                &mut tx,
                actor,
                &service,
                &format!("restored version {version}"),
            )
            .await?;
        tx.commit().await?;
        Ok(new_version)
    }

    /// The provider or the council confirms an entry is still correct: it counts as reviewed
    /// today, with no other change.
    pub async fn confirm_service_reviewed(&self, actor: &Actor, service_id: &str) -> AppResult<()> {
        let entry = self.service_for_editing(actor, service_id).await?;
        let mut service = entry.service;
        service.last_reviewed = self.today();
        service.last_modified = self.now();
        let mut tx = self.store.begin().await?;
        self.publish(&mut tx, actor, &service, "confirmed still correct")
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
