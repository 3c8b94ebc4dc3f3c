//! Keeping the Local Offer true: providers edit their own entries (changes wait for the
//! council), the council approves or rejects with the difference shown, keeps every version
//! and can restore one, and reads families' feedback.

use super::{Choice, choices, first, values};
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::directory::is_local_offer_officer;
use mns_app::records::{ChangeRecord, ServiceEntry};
use mns_app::{AppError, FieldError};
use mns_domain::directory::diff::{FieldChange, diff};
use mns_domain::directory::taxonomy::{CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY};
use mns_domain::directory::{
    Contact, CostOption, LocalOfferAnswers, Phone, Service, ServiceStatus,
};
use mns_domain::identity::Role;

fn chrome(state: &AppState, user: &SignedIn, path: &str) -> Chrome {
    let mut c = Chrome::signed_in(state, user, path);
    c.service_name = crate::pages::LOCAL_OFFER;
    c.service_href = "/local-offer";
    c
}

/// A line of the provider's list of entries.
pub struct EntryLine {
    id: String,
    name: String,
    organization: String,
    status: String,
    last_reviewed: String,
    stale: bool,
}

/// A line of the list of changes waiting.
pub struct ChangeLine {
    id: String,
    name: String,
    submitted: String,
    kind: &'static str,
}

#[derive(Template)]
#[template(path = "local_offer_manage.html")]
struct ManagePage {
    chrome: Chrome,
    officer: bool,
    entries: Vec<EntryLine>,
    changes: Vec<ChangeLine>,
    my_changes: Vec<(ChangeLine, String)>,
    stale: u64,
    feedback_new: usize,
    submitted: bool,
}

/// `GET /local-offer/manage`: the provider's entries, or the council's work to do.
pub async fn home(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let actor = &user.actor;
    if !matches!(actor.role(), Role::Provider | Role::LocalOfferOfficer) {
        return Err(AppError::NotFound.into());
    }
    let officer = is_local_offer_officer(actor);
    let today = state.app.today();
    let mut entries = Vec::new();
    let mut my_changes = Vec::new();
    if !officer {
        for org in state.app.my_directory_organizations(actor).await? {
            for e in state.app.organization_services(actor, &org.id).await? {
                let s = e.service;
                entries.push(EntryLine {
                    stale: mns_domain::directory::review_overdue(
                        s.last_reviewed,
                        today,
                        mns_app::directory::REVIEW_MONTHS,
                    ),
                    id: s.id,
                    name: s.name,
                    organization: org.name.clone(),
                    status: s.status.label().into(),
                    last_reviewed: s.last_reviewed.format("%-d %B %Y").to_string(),
                });
            }
        }
        for c in state.app.my_directory_changes(actor).await? {
            let status = c.status.clone();
            my_changes.push((change_line(&c), status));
        }
    }
    let (changes, stale, feedback_new) = if officer {
        let changes = state
            .app
            .pending_directory_changes(actor)
            .await?
            .iter()
            .map(change_line)
            .collect();
        let feedback = state.app.directory_feedback(actor).await?;
        (
            changes,
            state.app.stale_directory_entries().await?,
            feedback.iter().filter(|(f, _)| f.status == "new").count(),
        )
    } else {
        (Vec::new(), 0, 0)
    };
    Ok(render(&ManagePage {
        chrome: chrome(&state, &user, "/local-offer/manage"),
        officer,
        entries,
        changes,
        my_changes,
        stale,
        feedback_new,
        submitted: raw.as_deref() == Some("submitted=yes"),
    }))
}

fn change_line(c: &ChangeRecord) -> ChangeLine {
    ChangeLine {
        id: c.id.clone(),
        name: c.proposed.name.clone(),
        submitted: mns_domain::calendar::format_uk_datetime(c.submitted_at),
        kind: if c.base_version == 0 {
            "New service"
        } else {
            "Change"
        },
    }
}

/// The edit form's values, as typed.
#[derive(Debug, Default, Clone)]
pub struct EditValues {
    name: String,
    description: String,
    status: String,
    url: String,
    email: String,
    phone: String,
    contact_name: String,
    contact_title: String,
    minimum_age: String,
    maximum_age: String,
    free: String,
    cost: String,
    cost_option: String,
    alert: String,
    local_offer: String,
    who_for: String,
    how_to_access: String,
    send_support: String,
    funding: String,
    contact: String,
    location_name: String,
    address_1: String,
    city: String,
    postal_code: String,
    accessibility: String,
    opens_at: String,
    closes_at: String,
    days: Vec<String>,
}

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

const WEEKDAYS: [(chrono::Weekday, &str, &str); 7] = [
    (chrono::Weekday::Mon, "mon", "Monday"),
    (chrono::Weekday::Tue, "tue", "Tuesday"),
    (chrono::Weekday::Wed, "wed", "Wednesday"),
    (chrono::Weekday::Thu, "thu", "Thursday"),
    (chrono::Weekday::Fri, "fri", "Friday"),
    (chrono::Weekday::Sat, "sat", "Saturday"),
    (chrono::Weekday::Sun, "sun", "Sunday"),
];

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
        maximum_age: s.maximum_age.map(|a| a.to_string()).unwrap_or_default(),
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

async fn edit_page(
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
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| first(&pairs, k);
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
        days: values(&pairs, "day")
            .into_iter()
            .map(str::to_string)
            .collect(),
    };
    let (_, terms) = state.app.directory_vocabulary().await?;
    let mut codes = Vec::new();
    let mut term_ids = Vec::new();
    for (field, taxonomy) in [
        ("need", NEEDS_TAXONOMY),
        ("category", CATEGORY_TAXONOMY),
        ("delivery", DELIVERY_TAXONOMY),
    ] {
        for code in values(&pairs, field) {
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
                            .map(|a| Accessibility { id: mns_app::records::new_id(), description: a.to_string(), details: None })
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
                                    },
                                    accessibility,
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
            }),
        }
        // Further schedules (holiday sessions, say) are kept as they were.
    }
    Ok(())
}

/// `POST /local-offer/manage/services/{id}/confirm`: "this entry is still correct".
pub async fn confirm(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    state.app.confirm_service_reviewed(&user.actor, &id).await?;
    Ok(Redirect::to(&format!("/local-offer/manage/services/{id}/history")).into_response())
}

/// A line of a service's history.
pub struct VersionLine {
    version: i64,
    when: String,
    note: String,
    changes: Vec<FieldChange>,
    current: bool,
}

#[derive(Template)]
#[template(path = "local_offer_history.html")]
struct HistoryPage {
    chrome: Chrome,
    id: String,
    name: String,
    officer: bool,
    versions: Vec<VersionLine>,
}

/// `GET /local-offer/manage/services/{id}/history`: every published version, with what
/// changed in each.
pub async fn history(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let versions = state.app.service_history(&user.actor, &id).await?;
    let name = versions
        .first()
        .map(|v| v.service.name.clone())
        .unwrap_or_default();
    let lines = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionLine {
            version: v.version,
            when: mns_domain::calendar::format_uk_datetime(v.changed_at),
            note: v.note.clone(),
            changes: versions
                .get(i + 1)
                .map(|older| diff(&older.service, &v.service))
                .unwrap_or_default(),
            current: i == 0,
        })
        .collect();
    Ok(render(&HistoryPage {
        chrome: chrome(&state, &user, "/local-offer/manage/services"),
        id,
        name,
        officer: is_local_offer_officer(&user.actor),
        versions: lines,
    }))
}

/// `POST /local-offer/manage/services/{id}/restore`: the council publishes an older version
/// again.
pub async fn restore(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    if !is_local_offer_officer(&user.actor) {
        return Err(AppError::NotFound.into());
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let version: i64 = first(&pairs, "version")
        .parse()
        .map_err(|_| AppError::invalid("version", "Choose a version to restore"))?;
    state
        .app
        .restore_service_version(&user.actor, &id, version)
        .await?;
    Ok(Redirect::to(&format!("/local-offer/manage/services/{id}/history")).into_response())
}

#[derive(Template)]
#[template(path = "local_offer_change.html")]
struct ChangePage {
    chrome: Chrome,
    form: FormState,
    change: ChangeRecord,
    submitted: String,
    changes: Vec<FieldChange>,
    officer: bool,
    reason: String,
}

async fn change_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    form: FormState,
    reason: String,
) -> PageResult {
    let (change, current) = state.app.directory_change(&user.actor, id).await?;
    let changes = match &current {
        Some(entry) => diff(&entry.service, &change.proposed),
        None => diff(&change.proposed, &change.proposed),
    };
    Ok(render(&ChangePage {
        chrome: chrome(state, user, "/local-offer/manage/changes").with_errors(&form),
        form,
        submitted: mns_domain::calendar::format_uk_datetime(change.submitted_at),
        change,
        changes,
        officer: is_local_offer_officer(&user.actor),
        reason,
    }))
}

/// `GET /local-offer/manage/changes/{id}`: a proposed change with the difference shown.
pub async fn show_change(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    change_page(&state, &user, &id, FormState::default(), String::new()).await
}

/// `POST /local-offer/manage/changes/{id}`: the council approves or rejects it.
pub async fn decide_change(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    if !is_local_offer_officer(&user.actor) {
        return Err(AppError::NotFound.into());
    }
    // A change that does not exist is a 404 before anything about the form is said.
    state.app.directory_change(&user.actor, &id).await?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let decision = first(&pairs, "decision");
    let reason = first(&pairs, "reason");
    let result = match decision.as_str() {
        "approve" => {
            state
                .app
                .decide_directory_change(&user.actor, &id, true, None)
                .await
        }
        "reject" => {
            state
                .app
                .decide_directory_change(&user.actor, &id, false, Some(&reason))
                .await
        }
        _ => Err(AppError::invalid(
            "decision",
            "Select whether to approve the change",
        )),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/local-offer/manage").into_response()),
        Err(AppError::Invalid(errors)) => {
            change_page(&state, &user, &id, FormState::with(errors), reason).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "local_offer_feedback.html")]
struct FeedbackPage {
    chrome: Chrome,
    items: Vec<(mns_app::records::FeedbackRecord, String)>,
}

/// `GET /local-offer/manage/feedback`: what families have said.
pub async fn feedback(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let items = state.app.directory_feedback(&user.actor).await?;
    Ok(render(&FeedbackPage {
        chrome: chrome(&state, &user, "/local-offer/manage/feedback"),
        items,
    }))
}

/// `POST /local-offer/manage/feedback/{id}/read`: marks it read.
pub async fn feedback_read(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    state
        .app
        .mark_directory_feedback_read(&user.actor, &id)
        .await?;
    Ok(Redirect::to("/local-offer/manage/feedback").into_response())
}
