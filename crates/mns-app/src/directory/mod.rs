//! The SEND Local Offer directory's operations: public search and service pages, providers'
//! proposed changes and the council's approval, history and restore, feedback, review
//! reminders, imports and the postcode table.
//!
//! Directory entries are public information about services, not about children, so reading
//! them needs no sign-in and is not audited; every change is, with who made it.

use crate::{Actor, App, AppError, AppResult};
use mns_domain::directory::relevance::{Field, weighted_words};
use mns_domain::directory::search::{Point, SearchQuery};
use mns_domain::directory::taxonomy::{builtin_taxonomies, builtin_terms};
use mns_domain::directory::{Organization, Service, ServiceStatus, Taxonomy, TaxonomyTerm};
use mns_store::{SearchPage, SearchUnit, ServiceEntry, ServiceIndex, WriteTx};

/// How long a service may go unreviewed before it is flagged and its owner reminded.
pub const REVIEW_MONTHS: u32 = 12;
/// How often an owner is reminded about the same stale entry.
pub const REMINDER_INTERVAL_DAYS: i64 = 28;

impl App {
    /// The name the SEND Local Offer's emails are sent under, e.g. "Norfolk County Council SEND
    /// Local Offer": families and providers hear from the Local Offer, not the Medical Needs
    /// Service that shares its mail server.
    pub fn local_offer_sender(&self) -> String {
        format!("{} SEND Local Offer", self.settings.council_name)
    }
}

/// Search results with what the page needs to show them.
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// The page of results.
    pub page: SearchPage,
    /// The point distances were measured from, and the place it is in.
    pub origin: Option<(Point, String)>,
    /// The organisations that run the page's services, read in one query.
    pub organizations: Vec<Organization>,
    /// Keywords that matched nothing, each with the word searched instead.
    pub corrections: Vec<(String, String)>,
    /// When nothing matched: keywords spelt differently that find something.
    pub suggestion: Option<String>,
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

/// May this actor approve changes and manage the whole directory?
pub fn is_local_offer_officer(actor: &Actor) -> bool {
    actor.may(mns_domain::permissions::Capability::ApproveDirectoryChanges)
}

mod families;
mod feed;
mod import;
mod manage;
mod owners;
mod search;
mod you_said;

pub use import::{DirectoryImport, parse_postcode_csv};
pub use search::parse_search;
pub use you_said::{FeedbackYear, GatheredFeedback};

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
        let (page, corrections, suggestion) = self
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
            corrections,
            suggestion,
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
}

/// The search words of a service with their weights: its name (counting most), its terms'
/// names, its organisation's name, and its other text and places.
pub fn service_index(
    service: &Service,
    organization: Option<&Organization>,
    terms: &[TaxonomyTerm],
) -> ServiceIndex {
    let mut fields: Vec<(Field, &str)> = vec![
        (Field::Name, &service.name),
        (Field::Text, &service.description),
    ];
    if let Some(org) = organization {
        fields.push((Field::Organisation, &org.name));
    }
    for t in terms.iter().filter(|t| service.terms.contains(&t.id)) {
        fields.push((Field::Term, &t.name));
    }
    if let Some(lo) = &service.local_offer {
        fields.push((Field::Text, &lo.who_for));
        fields.push((Field::Text, &lo.send_support));
    }
    for l in &service.locations {
        fields.push((Field::Text, &l.location.name));
        fields.push((Field::Text, &l.location.address.city));
    }
    for a in &service.service_areas {
        fields.push((Field::Text, &a.name));
    }
    for l in &service.languages {
        fields.push((Field::Text, &l.name));
    }
    ServiceIndex {
        words: weighted_words(fields),
    }
}
