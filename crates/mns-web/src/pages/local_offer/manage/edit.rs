//! The edit form for a directory entry (`GET /local-offer/manage/services/{id}`): the entry's
//! values as the form shows them, and the page itself, which saving shows again with errors.

use super::{EditValues, chrome};
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::local_offer::{Choice, choices};
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use mns_app::AppError;
use mns_app::directory::is_local_offer_officer;
use mns_app::records::ServiceEntry;
use mns_domain::directory::taxonomy::{CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY};
use mns_domain::directory::{Service, ServiceStatus};

#[derive(Template)]
#[template(path = "local_offer_edit.html")]
struct EditPage {
    chrome: Chrome,
    form: FormState,
    id: String,
    version: i64,
    /// A service not yet in the directory (version 0).
    new: bool,
    /// For a new service: the organisations it may belong to.
    organizations: Vec<Choice>,
    officer: bool,
    values: EditValues,
    statuses: Vec<Choice>,
    needs: Vec<Choice>,
    categories: Vec<Choice>,
    deliveries: Vec<Choice>,
}

pub(super) fn values_of(s: &Service) -> EditValues {
    let lo = s.local_offer.clone().unwrap_or_default();
    let cost = s
        .cost_options
        .iter()
        .find(|c| c.amount.is_some_and(|a| a > 0.0));
    EditValues {
        name: s.name.clone(),
        description: s.description.clone(),
        status: s.status.as_str().into(),
        url: s.url.clone().unwrap_or_default(),
        email: s.email.clone().unwrap_or_default(),
        phone: s
            .phones
            .first()
            .map(|p| p.number.clone())
            .unwrap_or_default(),
        contact_name: s
            .contacts
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        contact_title: s
            .contacts
            .first()
            .and_then(|c| c.title.clone())
            .unwrap_or_default(),
        minimum_age: s.minimum_age.map(|a| a.to_string()).unwrap_or_default(),
        // Above the form's range (another directory's 100) means no upper limit: left blank.
        maximum_age: s
            .maximum_age
            .filter(|a| *a <= mns_domain::directory::SEND_AGE_LIMIT)
            .map(|a| a.to_string())
            .unwrap_or_default(),
        free: if s.is_free() { "yes" } else { "no" }.into(),
        cost: cost
            .and_then(|c| c.amount)
            .map(|a| format!("{a:.2}"))
            .unwrap_or_default(),
        cost_option: cost.and_then(|c| c.option.clone()).unwrap_or_default(),
        alert: s.alert.clone().unwrap_or_default(),
        local_offer: if s.local_offer.is_some() { "yes" } else { "no" }.into(),
        who_for: lo.who_for,
        how_to_access: lo.how_to_access,
        send_support: lo.send_support,
        funding: lo.funding,
        contact: lo.contact,
        places: super::places::places_of(s),
        times: super::places::times_of(s),
    }
}

pub(super) async fn edit_page(
    state: &AppState,
    user: &SignedIn,
    entry: &ServiceEntry,
    values: EditValues,
    codes: Option<Vec<String>>,
    form: FormState,
) -> PageResult {
    let (_, terms) = state.app.directory_vocabulary().await?;
    let codes: Vec<String> = codes.unwrap_or_else(|| {
        terms
            .iter()
            .filter(|t| entry.service.terms.contains(&t.id))
            .map(|t| format!("{}:{}", t.taxonomy_id, t.code))
            .collect()
    });
    let chosen = |taxonomy: &str| -> Vec<String> {
        codes
            .iter()
            .filter_map(|c| c.strip_prefix(&format!("{taxonomy}:")).map(str::to_string))
            .collect()
    };
    let (n, c, d) = (
        chosen(NEEDS_TAXONOMY),
        chosen(CATEGORY_TAXONOMY),
        chosen(DELIVERY_TAXONOMY),
    );
    let as_refs = |v: &Vec<String>| {
        v.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let (n, c, d) = (as_refs(&n), as_refs(&c), as_refs(&d));
    let statuses = [
        ServiceStatus::Active,
        ServiceStatus::TemporarilyClosed,
        ServiceStatus::Inactive,
        ServiceStatus::Defunct,
    ]
    .into_iter()
    .map(|s| Choice {
        value: s.as_str().into(),
        label: s.label().into(),
        hint: String::new(),
        checked: values.status == s.as_str(),
    })
    .collect();
    let new = entry.version == 0;
    let organizations = if new {
        state
            .app
            .my_directory_organizations(&user.actor)
            .await?
            .into_iter()
            .map(|o| Choice {
                checked: o.id == entry.service.organization_id,
                value: o.id,
                label: o.name,
                hint: String::new(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&EditPage {
        new,
        organizations,
        chrome: chrome(state, user, "/local-offer/manage/services").with_errors(&form),
        form,
        id: entry.service.id.clone(),
        version: entry.version,
        officer: is_local_offer_officer(&user.actor),
        values,
        statuses,
        needs: choices(
            &terms,
            NEEDS_TAXONOMY,
            &n.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
        categories: choices(
            &terms,
            CATEGORY_TAXONOMY,
            &c.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
        deliveries: choices(
            &terms,
            DELIVERY_TAXONOMY,
            &d.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
    }))
}

/// `GET /local-offer/manage/services/{id}`: the edit form.
pub async fn edit(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let entry = state.app.service_for_editing(&user.actor, &id).await?;
    let values = values_of(&entry.service);
    edit_page(&state, &user, &entry, values, None, FormState::default()).await
}

/// A blank service for the new-service form, belonging to `organization_id` (or the user's only
/// organisation when none is chosen). Version 0: nothing is in the directory until it is
/// approved.
pub(super) async fn new_entry(
    state: &AppState,
    user: &SignedIn,
    organization_id: &str,
) -> Result<ServiceEntry, AppError> {
    let mine = state.app.my_directory_organizations(&user.actor).await?;
    if mine.is_empty() {
        return Err(AppError::NotFound);
    }
    let organization_id = match (organization_id, mine.as_slice()) {
        ("", [only]) => only.id.clone(),
        (chosen, _) => chosen.to_string(),
    };
    let today = state.app.today();
    Ok(ServiceEntry {
        service: Service {
            id: mns_app::records::new_id(),
            organization_id,
            last_reviewed: today,
            last_modified: state.app.now(),
            ..Service::default()
        },
        version: 0,
    })
}

/// `GET /local-offer/manage/services/new`: the form for a service not yet in the directory.
pub async fn new_service(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let chosen = crate::form::Fields::from_query(raw.as_deref()).trimmed("organization");
    let entry = new_entry(&state, &user, &chosen).await?;
    let mut values = values_of(&entry.service);
    // A new entry has its answers to give: no choice is made for the provider.
    values.free.clear();
    values.local_offer.clear();
    edit_page(&state, &user, &entry, values, None, FormState::default()).await
}
