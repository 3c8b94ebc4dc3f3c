//! Saving the edit form (`POST /local-offer/manage/services/{id}`): the typed values checked and
//! put on the service, which a provider proposes as a change and the council publishes at once.

use super::EditValues;
use super::edit::edit_page;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::Fields;
use crate::pages::{FormState, PageResult};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::directory::is_local_offer_officer;
use mns_app::{AppError, FieldError};
use mns_domain::directory::taxonomy::{CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY};
use mns_domain::directory::{Contact, CostOption, LocalOfferAnswers, Phone, ServiceStatus};

fn opt(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// `POST /local-offer/manage/services/{id}`: a provider proposes the change (the council
/// publishes at once).
pub async fn save(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let entry = state.app.service_for_editing(&user.actor, &id).await?;
    save_form(&state, &user, entry, &Fields::from_body(&body)).await
}

/// `POST /local-offer/manage/services/new`: a provider proposes a new service for one of its
/// organisations, which the council approves like a change (the council's own is published
/// at once).
pub async fn save_new(State(state): State<AppState>, user: SignedIn, body: Bytes) -> PageResult {
    let fields = Fields::from_body(&body);
    let entry = super::edit::new_entry(&state, &user, &fields.trimmed("organization_id")).await?;
    save_form(&state, &user, entry, &fields).await
}

/// The edit form's values put on `entry` and proposed, or the form again with what is wrong.
async fn save_form(
    state: &AppState,
    user: &SignedIn,
    entry: mns_app::records::ServiceEntry,
    fields: &Fields,
) -> PageResult {
    let id = entry.service.id.clone();
    let get = |k: &str| fields.trimmed(k);
    let v = EditValues {
        name: get("name"),
        description: get("description"),
        status: get("status"),
        url: get("url"),
        email: get("email"),
        phone: get("phone"),
        contact_name: get("contact_name"),
        contact_title: get("contact_title"),
        minimum_age: get("minimum_age"),
        maximum_age: get("maximum_age"),
        free: get("free"),
        cost: get("cost"),
        cost_option: get("cost_option"),
        alert: get("alert"),
        local_offer: get("local_offer"),
        who_for: get("who_for"),
        how_to_access: get("how_to_access"),
        send_support: get("send_support"),
        funding: get("funding"),
        contact: get("contact"),
        places: super::places::read_places(fields),
        times: super::places::read_times(fields),
    };
    let (_, terms) = state.app.directory_vocabulary().await?;
    let mut codes = Vec::new();
    let mut term_ids = Vec::new();
    for (field, taxonomy) in [
        ("need", NEEDS_TAXONOMY),
        ("category", CATEGORY_TAXONOMY),
        ("delivery", DELIVERY_TAXONOMY),
    ] {
        for code in fields.list(field) {
            if let Some(t) = terms
                .iter()
                .find(|t| t.taxonomy_id == taxonomy && t.code == code)
            {
                codes.push(format!("{taxonomy}:{code}"));
                term_ids.push(t.id.clone());
            }
        }
    }
    // Terms of other taxonomies (from an import) are kept as they were.
    let builtin: Vec<&str> = [NEEDS_TAXONOMY, CATEGORY_TAXONOMY, DELIVERY_TAXONOMY].into();
    for t in &entry.service.terms {
        if !terms
            .iter()
            .any(|x| &x.id == t && builtin.contains(&x.taxonomy_id.as_str()))
        {
            term_ids.push(t.clone());
        }
    }
    let mut errors = Vec::new();
    let mut s = entry.service.clone();
    if entry.version == 0
        && !state
            .app
            .my_directory_organizations(&user.actor)
            .await?
            .iter()
            .any(|o| o.id == s.organization_id)
    {
        errors.push(FieldError::new(
            "organization_id",
            "Choose the organisation that runs the service",
        ));
    }
    s.name = v.name.trim().to_string();
    s.description = v.description.trim().to_string();
    s.status = match ServiceStatus::parse(&v.status) {
        Some(st) => st,
        None => {
            errors.push(FieldError::new(
                "status",
                "Select whether the service is running",
            ));
            s.status
        }
    };
    s.url = opt(&v.url);
    s.email = opt(&v.email);
    s.alert = opt(&v.alert);
    let mut age = |field: &str, text: &str| -> Option<u8> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        match t.parse::<u8>() {
            Ok(a) if a <= 25 => Some(a),
            _ => {
                errors.push(FieldError::new(field, "Enter an age from 0 to 25"));
                None
            }
        }
    };
    s.minimum_age = age("minimum_age", &v.minimum_age);
    let shown = super::edit::values_of(&entry.service);
    // An oldest age above the form's range (another directory's 100, no upper limit) is shown
    // blank; left blank, it stays.
    s.maximum_age = match age("maximum_age", &v.maximum_age) {
        None if v.maximum_age.trim().is_empty() && shown.maximum_age.is_empty() => {
            entry.service.maximum_age
        }
        other => other,
    };
    match opt(&v.phone) {
        Some(number) => match s.phones.first_mut() {
            Some(p) => p.number = number,
            None => s.phones.push(Phone {
                id: mns_app::records::new_id(),
                number,
                description: None,
            }),
        },
        None => s.phones.clear(),
    }
    match opt(&v.contact_name) {
        Some(name) => match s.contacts.first_mut() {
            Some(c) => {
                c.name = name;
                c.title = opt(&v.contact_title);
            }
            None => s.contacts.push(Contact {
                id: mns_app::records::new_id(),
                name,
                title: opt(&v.contact_title),
                email: None,
                phone: None,
            }),
        },
        None => s.contacts.clear(),
    }
    // Costs posted as shown are kept as stored: the form shows one price, and an imported entry
    // may have several, with their validity dates.
    let same_costs = [
        (&v.free, &shown.free),
        (&v.cost, &shown.cost),
        (&v.cost_option, &shown.cost_option),
    ]
    .iter()
    .all(|(a, b)| a.trim() == b.trim());
    match v.free.as_str() {
        _ if same_costs && entry.version > 0 => {}
        "yes" => {
            s.cost_options = vec![CostOption {
                id: s
                    .cost_options
                    .first()
                    .map_or_else(mns_app::records::new_id, |c| c.id.clone()),
                option: None,
                amount: Some(0.0),
                amount_description: Some("Free".into()),
                ..Default::default()
            }];
            s.fees_description = None;
        }
        "no" => match v.cost.trim().trim_start_matches('£').parse::<f64>() {
            Ok(amount) if amount > 0.0 && amount.is_finite() => {
                s.cost_options = vec![CostOption {
                    id: s
                        .cost_options
                        .first()
                        .map_or_else(mns_app::records::new_id, |c| c.id.clone()),
                    option: opt(&v.cost_option),
                    amount: Some(amount),
                    amount_description: None,
                    ..Default::default()
                }];
            }
            _ => errors.push(FieldError::new(
                "cost",
                "Enter the cost in pounds, like 3.50",
            )),
        },
        _ => errors.push(FieldError::new(
            "free",
            "Select whether the service is free",
        )),
    }
    s.local_offer = match v.local_offer.as_str() {
        "yes" => {
            let answers = LocalOfferAnswers {
                who_for: v.who_for.trim().into(),
                how_to_access: v.how_to_access.trim().into(),
                send_support: v.send_support.trim().into(),
                funding: v.funding.trim().into(),
                contact: v.contact.trim().into(),
            };
            for (field, text, label) in [
                ("who_for", &answers.who_for, "who the service is for"),
                (
                    "how_to_access",
                    &answers.how_to_access,
                    "how families get the service",
                ),
                (
                    "send_support",
                    &answers.send_support,
                    "how the service supports children and young people with SEND",
                ),
                ("funding", &answers.funding, "how the service is funded"),
                ("contact", &answers.contact, "whom families can contact"),
            ] {
                if text.is_empty() {
                    errors.push(FieldError::new(
                        field,
                        format!("Enter {label}: it is one of the Local Offer's questions"),
                    ));
                }
            }
            Some(answers)
        }
        "no" => None,
        _ => {
            errors.push(FieldError::new(
                "local_offer",
                "Select whether the service is part of the SEND Local Offer",
            ));
            s.local_offer.clone()
        }
    };
    s.terms = term_ids;
    super::places::apply_places(state, &mut s, &v.places, &mut errors).await?;
    super::places::apply_times(&mut s, &v.times, &mut errors);
    let base_version: i64 = get("version").parse().unwrap_or(-1);
    // With the form's own problems, the directory's rules are named too (they are checked
    // again when the change is proposed), so that one round shows everything to put right.
    if !errors.is_empty() {
        for e in mns_domain::directory::check_service(&s) {
            let on_form = ["name", "description", "email", "url"].contains(&e.field);
            if on_form && !errors.iter().any(|x| x.field == e.field) {
                errors.push(FieldError::new(e.field, e.message));
            }
        }
    }
    if errors.is_empty() {
        match state
            .app
            .propose_service_change(&user.actor, s, base_version)
            .await
        {
            Ok(_) if is_local_offer_officer(&user.actor) => {
                return Ok(Redirect::to(&format!("/local-offer/services/{id}")).into_response());
            }
            Ok(_) => return Ok(Redirect::to("/local-offer/manage?submitted=yes").into_response()),
            Err(AppError::Invalid(more)) => errors.extend(more),
            Err(e) => return Err(e.into()),
        }
    }
    edit_page(state, user, &entry, v, Some(codes), FormState::with(errors))
        .await
        .map(crate::form::with_status_422)
}
