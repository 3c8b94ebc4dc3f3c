//! The SEND Local Offer directory's operations: public search and service pages, providers'
//! proposed changes and the council's approval, history and restore, feedback, review
//! reminders, imports and the postcode table.
//!
//! Directory entries are public information about services, not about children, so reading
//! them needs no sign-in and is not audited; every change is, with who made it.

use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::{Duration, NaiveDate};
use mns_domain::directory::search::{Point, SearchQuery, index_words};
use mns_domain::directory::taxonomy::{builtin_taxonomies, builtin_terms};
use mns_domain::directory::{
    Organization, Service, ServiceStatus, Taxonomy, TaxonomyTerm, check_service,
};
use mns_domain::identity::Role;
use mns_store::{
    ChangeRecord, FeedbackRecord, SearchPage, SearchUnit, ServiceEntry, ServiceIndex,
    ServiceVersion, WriteTx, new_id,
};

/// How long a service may go unreviewed before it is flagged and its owner reminded.
pub const REVIEW_MONTHS: u32 = 12;
/// How often an owner is reminded about the same stale entry.
pub const REMINDER_INTERVAL_DAYS: i64 = 28;

/// Search results with what the page needs to show them.
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// The page of results.
    pub page: SearchPage,
    /// The point distances were measured from, and the place it is in.
    pub origin: Option<(Point, String)>,
    /// The organisations that run the page's services, read in one query.
    pub organizations: Vec<Organization>,
}

impl SearchResults {
    /// The organisation with this id, if it is one of the page's.
    pub fn organization(&self, id: &str) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id)
    }
}

/// A service with its organisation and the names of its terms, for the service page.
#[derive(Debug, Clone)]
pub struct ServiceView {
    /// The service and version.
    pub entry: ServiceEntry,
    /// The organisation that runs it.
    pub organization: Option<Organization>,
    /// Its terms, resolved.
    pub terms: Vec<TaxonomyTerm>,
}

/// May this actor approve changes and manage the directory?
pub fn is_local_offer_officer(actor: &Actor) -> bool {
    actor.role() == Role::LocalOfferOfficer
}

/// The rate-limit kind of anonymous shortlist emails.
const SHORTLIST_EMAIL: &str = "shortlist_email";

impl App {
    /// Makes sure the built-in taxonomies exist (at start-up; cheap when they do).
    pub async fn ensure_directory_taxonomies(&self) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        for taxonomy in builtin_taxonomies() {
            let terms: Vec<TaxonomyTerm> = builtin_terms()
                .into_iter()
                .filter(|t| t.taxonomy_id == taxonomy.id)
                .collect();
            tx.put_taxonomy(&taxonomy, &terms).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every taxonomy and every term.
    pub async fn directory_vocabulary(&self) -> AppResult<(Vec<Taxonomy>, Vec<TaxonomyTerm>)> {
        Ok((
            self.store.directory_taxonomies().await?,
            self.store.directory_terms(None).await?,
        ))
    }

    /// Resolves a postcode or postcode district to its centroid. Tries the full postcode, then
    /// its district, so a family can type either.
    pub async fn locate_postcode(&self, text: &str) -> AppResult<Option<(Point, String)>> {
        let normalised = text
            .trim()
            .to_ascii_uppercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if normalised.is_empty() {
            return Ok(None);
        }
        let mut candidates = vec![normalised.clone()];
        if let Ok(postcode) = mns_domain::identifiers::Postcode::parse(&normalised) {
            candidates.push(postcode.as_str().to_string());
            candidates.push(postcode.outward().as_str().to_string());
        } else if let Ok(district) = mns_domain::identifiers::PostcodeDistrict::parse(&normalised) {
            candidates.push(district.as_str().to_string());
        }
        for candidate in candidates {
            if let Some((point, place)) = self.store.postcode_point(&candidate).await? {
                let label = match place {
                    Some(place) if !place.is_empty() => format!("{candidate} ({place})"),
                    _ => candidate,
                };
                return Ok(Some((point, label)));
            }
        }
        Ok(None)
    }

    /// Searches the directory: the one search behind the public pages and the ORUK API.
    pub async fn search_directory(
        &self,
        query: &SearchQuery,
        unit: SearchUnit,
    ) -> AppResult<SearchResults> {
        let origin = match &query.postcode {
            Some(text) => match self.locate_postcode(text).await? {
                Some(found) => Some(found),
                None => {
                    return Err(AppError::invalid(
                        "postcode",
                        "Enter a real postcode or the first half of one, like NR2 or NR2 1AB",
                    ));
                }
            },
            None => None,
        };
        let page = self
            .search_index(query, origin.as_ref().map(|(p, _)| *p), unit)
            .await?;
        let mut ids: Vec<String> = page
            .hits
            .iter()
            .map(|h| h.service.organization_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        let organizations = self.store.directory_organizations_by_id(&ids).await?;
        Ok(SearchResults {
            page,
            origin,
            organizations,
        })
    }

    /// One organisation of the directory (public).
    pub async fn directory_organization(&self, id: &str) -> AppResult<Option<Organization>> {
        Ok(self.store.directory_organization(id).await?)
    }

    /// A page of the directory's organisations by name, optionally those whose name contains
    /// `search`, and the total (public).
    pub async fn directory_organizations(
        &self,
        search: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> AppResult<(u64, Vec<Organization>)> {
        Ok(self
            .store
            .directory_organizations(search, page, per_page)
            .await?)
    }

    /// An organisation's running services (public).
    pub async fn active_services_of_organization(&self, id: &str) -> AppResult<Vec<Service>> {
        Ok(self
            .store
            .services_of_organization(id)
            .await?
            .into_iter()
            .filter(|e| e.service.status == ServiceStatus::Active)
            .map(|e| e.service)
            .collect())
    }

    /// The running service a service-at-location belongs to (public); `NotFound` otherwise.
    pub async fn service_of_location_link(&self, id: &str) -> AppResult<Service> {
        let entry = self
            .store
            .service_of_location_link(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if entry.service.status != ServiceStatus::Active {
            return Err(AppError::NotFound);
        }
        Ok(entry.service)
    }

    /// A service for its public page. Services that are not running are shown only to the
    /// council and to the organisation's own users.
    pub async fn directory_service(
        &self,
        actor: Option<&Actor>,
        id: &str,
    ) -> AppResult<ServiceView> {
        let entry = self
            .store
            .directory_service(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if entry.service.status != ServiceStatus::Active
            && !self.may_edit_service(actor, &entry.service).await?
        {
            return Err(AppError::NotFound);
        }
        let organization = self
            .store
            .directory_organization(&entry.service.organization_id)
            .await?;
        let all = self.store.directory_terms(None).await?;
        let terms = all
            .into_iter()
            .filter(|t| entry.service.terms.contains(&t.id))
            .collect();
        Ok(ServiceView {
            entry,
            organization,
            terms,
        })
    }

    /// Several active services by id, in the order given (for a shortlist); unknown ids are
    /// skipped.
    pub async fn directory_services(&self, ids: &[String]) -> AppResult<Vec<Service>> {
        let mut out = Vec::new();
        for id in ids.iter().take(50) {
            if let Some(entry) = self.store.directory_service(id).await?
                && entry.service.status == ServiceStatus::Active
            {
                out.push(entry.service);
            }
        }
        Ok(out)
    }

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
        if actor.role() != Role::Provider {
            return Ok(false);
        }
        let orgs = self.store.organizations_of_user(&actor.user.id).await?;
        Ok(orgs.iter().any(|o| o.id == service.organization_id))
    }

    /// The organisations whose entries the actor looks after (all of them for the council).
    pub async fn my_directory_organizations(&self, actor: &Actor) -> AppResult<Vec<Organization>> {
        match actor.role() {
            Role::Provider => Ok(self.store.organizations_of_user(&actor.user.id).await?),
            Role::LocalOfferOfficer => {
                Ok(self.store.directory_organizations(None, 1, 500).await?.1)
            }
            _ => Err(AppError::NotFound),
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
        tx.enqueue_message(&self.settings.local_offer_email, subject, &body, now)
            .await?;
        tx.commit().await?;
        Ok(change.id)
    }

    /// Writes a service and its search index as a new version, with an audit entry.
    async fn publish(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        service: &Service,
        note: &str,
    ) -> AppResult<i64> {
        let index = self.index_service(service).await?;
        let version = tx
            .put_service(service, &index, Some(&actor.user.id), note, self.now())
            .await?;
        self.audit(
            tx,
            actor,
            "directory.service.publish",
            "directory_service",
            &service.id,
            &format!("version {version}: {note}"),
        )
        .await?;
        Ok(version)
    }

    /// The search words of a service: its own text, its organisation's name, its terms' names
    /// and its places.
    async fn index_service(&self, service: &Service) -> AppResult<ServiceIndex> {
        let organization = self
            .store
            .directory_organization(&service.organization_id)
            .await?;
        let terms = self.store.directory_terms(None).await?;
        Ok(service_index(service, organization.as_ref(), &terms))
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
        if actor.role() != Role::Provider {
            return Err(AppError::NotFound);
        }
        let mut out = Vec::new();
        for org in self.store.organizations_of_user(&actor.user.id).await? {
            for service in self.store.services_of_organization(&org.id).await? {
                out.extend(
                    self.store
                        .directory_changes_of_service(&service.service.id)
                        .await?
                        .into_iter()
                        .filter(|c| c.submitted_by == actor.user.id),
                );
            }
        }
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
            tx.enqueue_message(&author.email, subject, &body, now)
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
        let record = FeedbackRecord {
            id: new_id(),
            service_id: service_id.into(),
            created_at: mns_store::ts(now),
            comment: comment.into(),
            email: email.map(str::to_string),
            status: "new".into(),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_feedback(&record).await?;
        let actor = crate::system_actor("public");
        self.audit(
            &mut tx,
            &actor,
            "directory.feedback.leave",
            "directory_service",
            service_id,
            &record.id,
        )
        .await?;
        let body = format!(
            "A family has left feedback about a Local Offer service.\n\nRead it: {}/local-offer/manage/feedback\n",
            self.settings.public_url
        );
        tx.enqueue_message(
            &self.settings.local_offer_email,
            "New feedback on the Local Offer",
            &body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Feedback for the council, newest first, with each service's name.
    pub async fn directory_feedback(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<(FeedbackRecord, String)>> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        let mut out = Vec::new();
        for f in self.store.directory_feedback(None).await? {
            let name = self
                .store
                .directory_service(&f.service_id)
                .await?
                .map(|e| e.service.name)
                .unwrap_or_default();
            out.push((f, name));
        }
        Ok(out)
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
        tx.enqueue_message(email, "Your Local Offer shortlist", &body, now)
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

    /// Reminds owners of entries not reviewed for [`REVIEW_MONTHS`] months, at most every
    /// [`REMINDER_INTERVAL_DAYS`] days each. Returns how many services were reminded about.
    pub async fn send_review_reminders(&self, actor: &Actor) -> AppResult<usize> {
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
                tx.enqueue_message(to, "Please check your Local Offer entry", &body, now)
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

    /// Loads organisations, taxonomies and services in one transaction (an import, the demo or
    /// a benchmark). Each service is checked first; nothing is written if any is bad.
    pub async fn import_directory(
        &self,
        actor: &Actor,
        organizations: &[Organization],
        taxonomies: &[(Taxonomy, Vec<TaxonomyTerm>)],
        services: &[Service],
        note: &str,
    ) -> AppResult<usize> {
        if !is_local_offer_officer(actor) && actor.user.id != "system" {
            return Err(AppError::NotFound);
        }
        let mut errors = Vec::new();
        for s in services {
            for e in check_service(s) {
                errors.push(FieldError::new(
                    &format!("service {} ({})", s.id, e.field),
                    e.message,
                ));
            }
        }
        if !errors.is_empty() {
            errors.truncate(50);
            return Err(AppError::Invalid(errors));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        for (taxonomy, terms) in taxonomies {
            tx.put_taxonomy(taxonomy, terms).await?;
        }
        for org in organizations {
            tx.put_organization(org, now).await?;
        }
        let mut terms = builtin_terms();
        for (_, extra) in taxonomies {
            terms.extend(extra.iter().cloned());
        }
        let orgs: std::collections::HashMap<&str, &Organization> =
            organizations.iter().map(|o| (o.id.as_str(), o)).collect();
        for s in services {
            let org = match orgs.get(s.organization_id.as_str()) {
                Some(o) => Some((*o).clone()),
                None => {
                    self.store
                        .directory_organization(&s.organization_id)
                        .await?
                }
            };
            if org.is_none() {
                return Err(AppError::invalid(
                    "organization_id",
                    format!(
                        "Service {} names an organisation that is not in the file or the directory",
                        s.id
                    ),
                ));
            }
            let index = service_index(s, org.as_ref(), &terms);
            tx.put_service(s, &index, None, note, now).await?;
        }
        self.audit(
            &mut tx,
            actor,
            "directory.import",
            "directory",
            "-",
            &format!("{} services: {note}", services.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(services.len())
    }

    /// Imports a file of services: Open Referral UK JSON (one service, a list, or a
    /// `/services` page) or the directory CSV layout, chosen by the name's extension or, failing
    /// that, by whether the content starts like JSON. All or nothing.
    pub async fn import_directory_file(
        &self,
        actor: &Actor,
        name: &str,
        bytes: &[u8],
    ) -> AppResult<usize> {
        use mns_domain::directory::import::{
            ImportedService, from_csv, from_oruk_page, from_oruk_service,
        };
        let today = self.today();
        let looks_json = bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{' || *b == b'[');
        let imported: Vec<ImportedService> =
            if name.to_ascii_lowercase().ends_with(".csv") || !looks_json {
                from_csv(bytes, today).map_err(|e| AppError::invalid("file", e.to_string()))?
            } else {
                let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
                    AppError::invalid("file", format!("The file is not valid JSON: {e}"))
                })?;
                let items = if value.get("contents").is_some() || value.is_array() {
                    from_oruk_page(&value)
                        .map_err(|e| AppError::invalid("file", e.to_string()))?
                        .0
                } else {
                    vec![value]
                };
                let mut out = Vec::new();
                for (n, item) in items.iter().enumerate() {
                    out.push(from_oruk_service(item, today).map_err(|e| {
                        AppError::invalid("file", format!("service {}: {e}", n + 1))
                    })?);
                }
                out
            };
        let mut organizations: Vec<Organization> = Vec::new();
        let mut taxonomies: Vec<(Taxonomy, Vec<TaxonomyTerm>)> = Vec::new();
        let mut services = Vec::new();
        for item in imported {
            if let Some(org) = item.organization
                && !organizations.iter().any(|o| o.id == org.id)
            {
                organizations.push(org);
            }
            for taxonomy in item.taxonomies {
                if !taxonomies.iter().any(|(t, _)| t.id == taxonomy.id) {
                    taxonomies.push((taxonomy, Vec::new()));
                }
            }
            for term in item.terms {
                if let Some((_, list)) = taxonomies
                    .iter_mut()
                    .find(|(t, _)| t.id == term.taxonomy_id)
                    && !list.iter().any(|t| t.id == term.id)
                {
                    list.push(term);
                }
            }
            services.push(item.service);
        }
        self.import_directory(
            actor,
            &organizations,
            &taxonomies,
            &services,
            &format!("imported from {name}"),
        )
        .await
    }

    /// Loads postcode centroids from a CSV with a header: the demo's outcode file
    /// (`postcode,…,latitude,longitude,city,…`) or the ONS Postcode Directory (`pcds`, `lat`,
    /// `long`). Rows without coordinates are skipped (ONSPD marks them 99.999999).
    pub async fn import_postcodes(
        &self,
        actor: &Actor,
        csv_text: impl std::io::Read,
    ) -> AppResult<usize> {
        if !is_local_offer_officer(actor) && actor.user.id != "system" {
            return Err(AppError::NotFound);
        }
        let rows = parse_postcode_csv(csv_text)?;
        let mut tx = self.store.begin().await?;
        tx.put_postcodes(&rows).await?;
        self.audit(
            &mut tx,
            actor,
            "directory.postcodes.import",
            "postcodes",
            "-",
            &format!("{} rows", rows.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    }
}

/// Reads a postcode CSV by column name; see [`App::import_postcodes`].
pub fn parse_postcode_csv(
    input: impl std::io::Read,
) -> AppResult<Vec<(String, Point, Option<String>)>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| {
            AppError::invalid(
                "file",
                format!("The file is not a CSV with a header row: {e}"),
            )
        })?
        .clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&h.trim().to_ascii_lowercase().as_str()))
    };
    let (Some(pc), Some(lat), Some(lon)) = (
        find(&["postcode", "pcds", "pcd"]),
        find(&["latitude", "lat"]),
        find(&["longitude", "long", "lon"]),
    ) else {
        return Err(AppError::invalid(
            "file",
            "The file needs columns named postcode (or pcds), latitude (or lat) and longitude (or long)",
        ));
    };
    let place = find(&["city", "town", "place"]);
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| AppError::invalid("file", format!("line {line}: {e}")))?;
        let text = record.get(pc).unwrap_or("").trim().to_ascii_uppercase();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            continue;
        }
        let parse = |i: usize, what: &str| -> AppResult<f64> {
            record
                .get(i)
                .unwrap_or("")
                .trim()
                .parse::<f64>()
                .map_err(|_| {
                    AppError::invalid("file", format!("line {line}, column {what}: not a number"))
                })
        };
        let (latitude, longitude) = (parse(lat, "latitude")?, parse(lon, "longitude")?);
        if !(-90.0..=90.0).contains(&latitude)
            || !(-180.0..=180.0).contains(&longitude)
            || latitude > 99.0 - 1.0 && latitude < 100.0
        {
            continue;
        }
        let place = place
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        rows.push((
            text,
            Point {
                latitude,
                longitude,
            },
            place,
        ));
    }
    Ok(rows)
}

/// The search words of a service: its text, its organisation, its terms and its places.
pub fn service_index(
    service: &Service,
    organization: Option<&Organization>,
    terms: &[TaxonomyTerm],
) -> ServiceIndex {
    let mut texts: Vec<&str> = vec![&service.name, &service.description];
    if let Some(org) = organization {
        texts.push(&org.name);
    }
    for t in terms.iter().filter(|t| service.terms.contains(&t.id)) {
        texts.push(&t.name);
    }
    if let Some(lo) = &service.local_offer {
        texts.push(&lo.who_for);
        texts.push(&lo.send_support);
    }
    for l in &service.locations {
        texts.push(&l.location.name);
        texts.push(&l.location.address.city);
    }
    for a in &service.service_areas {
        texts.push(&a.name);
    }
    for l in &service.languages {
        texts.push(&l.name);
    }
    ServiceIndex {
        words: index_words(texts).into_iter().collect(),
    }
}

/// Parses search parameters, as a URL's query string carries them, into a [`SearchQuery`]. One
/// parser serves the public pages (`q`, `postcode`, `distance` in miles, `age`, `need`,
/// `category`, `delivery` as term codes, `free`, `day`, `local_offer`) and the ORUK API
/// (`search`, `taxonomy_term_id`, `taxonomy_id`, `minimum_age`, `maximum_age`, `start_time`,
/// `end_time`, `day`, `postcode`, `proximity` in metres, `organization_id`, `modified_after`,
/// `page`, `per_page`), so both answer the same question the same way. Every problem is
/// reported, each naming its parameter.
pub fn parse_search(
    pairs: &[(String, String)],
    terms: &[TaxonomyTerm],
) -> Result<SearchQuery, Vec<FieldError>> {
    use mns_domain::directory::search::{
        MAX_PER_PAGE, MAX_PROXIMITY_METRES, parse_day, parse_number, parse_time, words,
    };
    use mns_domain::directory::taxonomy::{CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY};
    let mut q = SearchQuery::new();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut err = |field: &str, message: String| errors.push(FieldError::new(field, message));
    let mut groups: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (key, value) in pairs {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "q" | "search" => q.words.extend(words(value)),
            "postcode" => q.postcode = Some(value.to_string()),
            "distance" => match parse_number("distance", value, 1, 100) {
                Ok(miles) => q.within_metres = Some((f64::from(miles) * 1609.344).round() as u32),
                Err(e) => err("distance", format!("Distance {}", e.message)),
            },
            "proximity" => match parse_number("proximity", value, 1, MAX_PROXIMITY_METRES) {
                Ok(m) => q.within_metres = Some(m),
                Err(e) => err("proximity", format!("proximity {}", e.message)),
            },
            "age" => match parse_number("age", value, 0, 25) {
                Ok(a) => q.age = Some(a as u8),
                Err(_) => err("age", "Enter an age from 0 to 25, in years".into()),
            },
            "minimum_age" | "maximum_age" => match parse_number("age", value, 0, 255) {
                Ok(a) if key == "minimum_age" => q.minimum_age = Some(a.min(255) as u8),
                Ok(a) => q.maximum_age = Some(a.min(255) as u8),
                Err(_) => err(key, format!("{key} must be a whole number of years")),
            },
            "need" | "category" | "delivery" => {
                let taxonomy = match key.as_str() {
                    "need" => NEEDS_TAXONOMY,
                    "category" => CATEGORY_TAXONOMY,
                    _ => DELIVERY_TAXONOMY,
                };
                for code in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    match terms
                        .iter()
                        .find(|t| t.taxonomy_id == taxonomy && t.code == code)
                    {
                        Some(t) => groups.entry(key.as_str()).or_default().push(t.id.clone()),
                        None => err(key, format!("'{code}' is not one of the choices for {key}")),
                    }
                }
            }
            "taxonomy_term_id" => {
                for id in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    groups
                        .entry("taxonomy_term_id")
                        .or_default()
                        .push(id.to_string());
                }
            }
            "taxonomy_id" => q.taxonomy_id = Some(value.to_string()),
            "organization_id" => q.organization_id = Some(value.to_string()),
            "free" => q.free_only = matches!(value, "yes" | "true" | "1"),
            "local_offer" => q.local_offer_only = matches!(value, "yes" | "true" | "1"),
            "day" => {
                for d in value.split(',') {
                    match parse_day(d) {
                        Some(day) if !q.days.contains(&day) => q.days.push(day),
                        Some(_) => {}
                        None => err("day", format!("'{d}' is not a day of the week")),
                    }
                }
            }
            "start_time" | "end_time" => match parse_time(value) {
                Some(t) if key == "start_time" => q.start_time = Some(t),
                Some(t) => q.end_time = Some(t),
                None => err(key, format!("{key} must be a time like 09:30")),
            },
            "modified_after" => match chrono::DateTime::parse_from_rfc3339(value) {
                Ok(t) => q.modified_after = Some(t.with_timezone(&chrono::Utc)),
                Err(_) => match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                    Ok(d) => q.modified_after = d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()),
                    Err(_) => err(
                        "modified_after",
                        "modified_after must be a date-time like 2026-01-31T00:00:00Z".into(),
                    ),
                },
            },
            "page" => match parse_number("page", value, 1, 1_000_000) {
                Ok(p) => q.page = p,
                Err(e) => err("page", format!("page {}", e.message)),
            },
            "per_page" => match parse_number("per_page", value, 1, MAX_PER_PAGE) {
                Ok(p) => q.per_page = p,
                Err(e) => err("per_page", format!("per_page {}", e.message)),
            },
            _ => {}
        }
    }
    if q.postcode.is_none() && q.within_metres.is_some() {
        err("postcode", "Enter a postcode to search by distance".into());
    }
    // A postcode without a distance (the page's empty "any distance") orders by distance
    // without a radius.
    q.term_groups = groups.into_values().collect();
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(text.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn the_page_and_the_api_words_for_one_search_agree() {
        let terms = builtin_terms();
        let page =
            parse_search(&pairs("q=swimming&age=9&need=autism&day=sat"), &terms).expect("parses");
        let autism = mns_domain::directory::taxonomy::term_id(
            mns_domain::directory::taxonomy::NEEDS_TAXONOMY,
            "autism",
        )
        .expect("term");
        let api = parse_search(
            &pairs(&format!(
                "search=swimming&taxonomy_term_id={autism}&day=SA&age=9"
            )),
            &terms,
        )
        .expect("parses");
        assert_eq!(page, api);
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let errors = parse_search(
            &pairs("age=40&need=unicorns&day=someday&per_page=9999&proximity=5"),
            &builtin_terms(),
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["age", "need", "day", "per_page", "postcode"]);
    }
}
