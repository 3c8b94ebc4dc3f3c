//! The edit form for a directory entry (`GET /local-offer/manage/services/{id}`): the entry's
//! values as the form shows them, and the page itself, which saving shows again with errors.

use super::{EditValues, WEEKDAYS, chrome};
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::local_offer::{Choice, choices};
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
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
    officer: bool,
    values: EditValues,
    statuses: Vec<Choice>,
    needs: Vec<Choice>,
    categories: Vec<Choice>,
    deliveries: Vec<Choice>,
    days: Vec<Choice>,
}

fn values_of(s: &Service) -> EditValues {
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
        location_name: s
            .locations
            .first()
            .map(|l| l.location.name.clone())
            .unwrap_or_default(),
        address_1: s
            .locations
            .first()
            .map(|l| l.location.address.address_1.clone())
            .unwrap_or_default(),
        city: s
            .locations
            .first()
            .map(|l| l.location.address.city.clone())
            .unwrap_or_default(),
        postal_code: s
            .locations
            .first()
            .map(|l| l.location.address.postal_code.clone())
            .unwrap_or_default(),
        accessibility: s
            .locations
            .first()
            .map(|l| {
                l.location
                    .accessibility
                    .iter()
                    .map(|a| a.description.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        opens_at: s
            .schedules
            .first()
            .and_then(|x| x.opens_at)
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
        closes_at: s
            .schedules
            .first()
            .and_then(|x| x.closes_at)
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
        days: s
            .schedules
            .first()
            .map(|x| {
                WEEKDAYS
                    .iter()
                    .filter(|(d, _, _)| x.days.contains(d))
                    .map(|(_, code, _)| (*code).to_string())
                    .collect()
            })
            .unwrap_or_default(),
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
    let days = WEEKDAYS
        .iter()
        .map(|(_, code, label)| Choice {
            value: (*code).into(),
            label: (*label).into(),
            hint: String::new(),
            checked: values.days.iter().any(|d| d == code),
        })
        .collect();
    Ok(render(&EditPage {
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
        days,
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
