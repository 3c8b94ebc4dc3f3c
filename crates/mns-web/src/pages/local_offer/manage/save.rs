//! Saving the edit form (`POST /local-offer/manage/services/{id}`): the typed values checked and
//! put on the service, which a provider proposes as a change and the council publishes at once.

use super::edit::edit_page;
use super::{EditValues, WEEKDAYS};
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
use mns_domain::directory::{
    Contact, CostOption, LocalOfferAnswers, Phone, Service, ServiceStatus,
};

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
    let fields = Fields::from_body(&body);
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
        location_name: get("location_name"),
        address_1: get("address_1"),
        city: get("city"),
        postal_code: get("postal_code"),
        accessibility: get("accessibility"),
        opens_at: get("opens_at"),
        closes_at: get("closes_at"),
        days: fields.list("day").into_iter().map(str::to_string).collect(),
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
    s.maximum_age = age("maximum_age", &v.maximum_age);
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
    match v.free.as_str() {
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
    apply_where_and_when(&state, &mut s, &v, &mut errors).await?;
    let base_version: i64 = get("version").parse().unwrap_or(-1);
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
    edit_page(
        &state,
        &user,
        &entry,
        v,
        Some(codes),
        FormState::with(errors),
    )
    .await
}

/// Applies the form's place and opening times to the service: the first location and the first
/// schedule are edited in place (their ids kept), a blank place makes the service one without a
/// location (online or by phone), and no days means no regular opening times.
async fn apply_where_and_when(
    state: &AppState,
    s: &mut Service,
    v: &EditValues,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    use mns_domain::directory::{Accessibility, Address, Location, Schedule, ServiceAtLocation};
    let place_given = [&v.location_name, &v.address_1, &v.city, &v.postal_code]
        .iter()
        .any(|t| !t.trim().is_empty());
    if !place_given {
        s.locations.clear();
    } else {
        let mut missing = false;
        for (field, text, label) in [
            ("location_name", &v.location_name, "the place's name"),
            ("address_1", &v.address_1, "the first line of the address"),
            ("city", &v.city, "the town"),
            ("postal_code", &v.postal_code, "the postcode"),
        ] {
            if text.trim().is_empty() {
                errors.push(FieldError::new(field, format!("Enter {label}, or leave every part of the place blank for a service with no venue")));
                missing = true;
            }
        }
        if !missing {
            let postcode = match mns_domain::identifiers::Postcode::parse(&v.postal_code) {
                Ok(p) => Some(p.as_str().to_string()),
                Err(_) => {
                    errors.push(FieldError::new(
                        "postal_code",
                        "Enter a full postcode, like NR2 1AB",
                    ));
                    None
                }
            };
            if let Some(postcode) = postcode {
                match state.app.locate_postcode(&postcode).await? {
                    None => errors.push(FieldError::new("postal_code", "We do not know that postcode: check it, or ask the council to load the latest postcode file")),
                    Some((point, _)) => {
                        let moved = s.locations.first().is_none_or(|l| l.location.address.postal_code != postcode);
                        let accessibility = v
                            .accessibility
                            .split([',', ';', '\n'])
                            .map(str::trim)
                            .filter(|a| !a.is_empty())
                            .map(|a| Accessibility { id: mns_app::records::new_id(), description: a.to_string(), details: None , ..Default::default() })
                            .collect();
                        match s.locations.first_mut() {
                            Some(sal) => {
                                let l = &mut sal.location;
                                l.name = v.location_name.trim().into();
                                l.address.address_1 = v.address_1.trim().into();
                                l.address.city = v.city.trim().into();
                                l.address.postal_code = postcode;
                                l.accessibility = accessibility;
                                // A new postcode moves the place to its centroid; an unchanged
                                // one keeps the more exact position already known.
                                if moved {
                                    l.latitude = point.latitude;
                                    l.longitude = point.longitude;
                                }
                            }
                            None => s.locations.push(ServiceAtLocation {
                                id: mns_app::records::new_id(),
                                location: Location {
                                    id: mns_app::records::new_id(),
                                    name: v.location_name.trim().into(),
                                    description: None,
                                    latitude: point.latitude,
                                    longitude: point.longitude,
                                    address: Address {
                                        id: mns_app::records::new_id(),
                                        address_1: v.address_1.trim().into(),
                                        address_2: None,
                                        city: v.city.trim().into(),
                                        region: None,
                                        postal_code: postcode,
                                        ..Default::default()
                                    },
                                    accessibility,
                                    ..Default::default()
                                },
                            }),
                        }
                    }
                }
            }
        }
    }
    let days: Vec<chrono::Weekday> = WEEKDAYS
        .iter()
        .filter(|(_, code, _)| v.days.iter().any(|d| d == code))
        .map(|(d, _, _)| *d)
        .collect();
    let time = |field: &str, text: &str, errors: &mut Vec<FieldError>| {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let parsed = mns_domain::directory::search::parse_time(t);
        if parsed.is_none() {
            errors.push(FieldError::new(field, "Enter a time like 09:30 or 17:00"));
        }
        parsed
    };
    let opens_at = time("opens_at", &v.opens_at, errors);
    let closes_at = time("closes_at", &v.closes_at, errors);
    if days.is_empty() {
        s.schedules.clear();
    } else {
        match s.schedules.first_mut() {
            Some(schedule) => {
                schedule.days = days;
                schedule.opens_at = opens_at;
                schedule.closes_at = closes_at;
            }
            None => s.schedules.push(Schedule {
                id: mns_app::records::new_id(),
                days,
                opens_at,
                closes_at,
                description: None,
                ..Default::default()
            }),
        }
        // Further schedules (holiday sessions, say) are kept as they were.
    }
    Ok(())
}
