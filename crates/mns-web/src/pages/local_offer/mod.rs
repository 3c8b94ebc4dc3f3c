//! The SEND Local Offer's public pages: search with filters, the needs-led guided search, a
//! service's page with feedback, the shortlist (print or email) and the glossary. No sign-in is
//! needed; forms that change something carry the pre-session CSRF token. `manage` holds the
//! pages where providers and the council keep entries true.

pub mod manage;

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::{Authenticated, Source, presession_cookie_name, read_cookie};
use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mns_app::directory::{ServiceView, parse_search};
use mns_app::records::SearchUnit;
use mns_app::{AppError, FieldError};
use mns_domain::directory::glossary::{GLOSSARY, GlossaryEntry, anchor};
use mns_domain::directory::search::{describe_distance, ical_day};
use mns_domain::directory::taxonomy::{CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY};
use mns_domain::directory::{Service, TaxonomyTerm};
use serde::Deserialize;

/// The cookie that holds a family's shortlist (service ids, comma-separated).
const SHORTLIST_COOKIE: &str = "lo_shortlist";
/// The most services a shortlist holds.
const SHORTLIST_MAX: usize = 30;

/// A checkbox or radio choice.
pub struct Choice {
    /// Submitted value.
    pub value: String,
    /// Label.
    pub label: String,
    /// Hint.
    pub hint: String,
    /// Whether it is chosen.
    pub checked: bool,
}

/// One search result as the page shows it.
pub struct ResultLine {
    id: String,
    name: String,
    organization: String,
    summary: String,
    local_offer: bool,
    distance: Option<String>,
    ages: String,
    cost: String,
    delivery: String,
    in_shortlist: bool,
}

/// A page link for pagination.
pub struct PageLink {
    number: u32,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "local_offer_search.html")]
struct SearchPage {
    chrome: Chrome,
    form: FormState,
    csrf_token: String,
    searched: bool,
    q: String,
    postcode: String,
    distances: Vec<Choice>,
    age: String,
    needs: Vec<Choice>,
    categories: Vec<Choice>,
    deliveries: Vec<Choice>,
    days: Vec<Choice>,
    free: bool,
    local_offer: bool,
    total: u64,
    origin: String,
    results: Vec<ResultLine>,
    pages: Vec<PageLink>,
    previous: Option<String>,
    next: Option<String>,
    this_url: String,
}

fn pairs_of(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn values<'a>(pairs: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .collect()
}

fn first(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

fn choices(terms: &[TaxonomyTerm], taxonomy: &str, chosen: &[&str]) -> Vec<Choice> {
    terms
        .iter()
        .filter(|t| t.taxonomy_id == taxonomy)
        .map(|t| Choice {
            value: t.code.clone(),
            label: t.name.clone(),
            hint: t.description.clone(),
            checked: chosen.contains(&t.code.as_str()),
        })
        .collect()
}

/// The pre-session (or session) CSRF token for anonymous forms, and a cookie to set if new.
pub fn form_token(
    state: &AppState,
    auth: Option<&Authenticated>,
    headers: &HeaderMap,
) -> (String, Option<HeaderValue>) {
    if let Some(Authenticated::Session(s)) = auth {
        return (s.csrf_token.clone(), None);
    }
    let name = presession_cookie_name(state.https);
    match read_cookie(headers, name) {
        Some(token) => (token, None),
        None => {
            let token = mns_app::identity::new_token();
            let cookie = crate::auth::cookie(state.https, name, &token, None);
            (token, Some(cookie))
        }
    }
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(value) = cookie {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn shortlist(headers: &HeaderMap) -> Vec<String> {
    read_cookie(headers, SHORTLIST_COOKIE)
        .map(|v| {
            v.split('.')
                .filter(|id| mns_domain::directory::is_uuid(id))
                .map(str::to_string)
                .take(SHORTLIST_MAX)
                .collect()
        })
        .unwrap_or_default()
}

fn shortlist_cookie(state: &AppState, ids: &[String]) -> HeaderValue {
    // Kept for 30 days; it holds only public service ids.
    crate::auth::cookie(
        state.https,
        SHORTLIST_COOKIE,
        &ids.join("."),
        Some(30 * 24 * 3600),
    )
}

fn age_text(s: &Service) -> String {
    match (s.minimum_age, s.maximum_age) {
        (Some(a), Some(b)) => format!("{a} to {b} years"),
        (Some(a), None) => format!("{a} years and over"),
        (None, Some(b)) => format!("Up to {b} years"),
        (None, None) => "All ages".into(),
    }
}

fn cost_text(s: &Service) -> String {
    if s.is_free() {
        return "Free".into();
    }
    s.cost_options
        .iter()
        .filter_map(|c| match (c.amount, &c.option) {
            (Some(a), Some(o)) if a > 0.0 => Some(format!("£{a:.2} {o}")),
            (Some(a), None) if a > 0.0 => Some(format!("£{a:.2}")),
            _ => c.amount_description.clone(),
        })
        .next()
        .or_else(|| s.fees_description.clone())
        .unwrap_or_else(|| "There is a charge".into())
}

fn term_names(s: &Service, terms: &[TaxonomyTerm], taxonomy: &str) -> String {
    terms
        .iter()
        .filter(|t| t.taxonomy_id == taxonomy && s.terms.contains(&t.id))
        .map(|t| t.name.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary(text: &str) -> String {
    let mut out: String = text.chars().take(220).collect();
    if text.chars().count() > 220 {
        if let Some(cut) = out.rfind(' ') {
            out.truncate(cut);
        }
        out.push('…');
    }
    out
}

fn url_with_page(pairs: &[(String, String)], page: u32) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(k, v)| k != "page" && !v.is_empty()) {
        s.append_pair(k, v);
    }
    if page > 1 {
        s.append_pair("page", &page.to_string());
    }
    let q = s.finish();
    if q.is_empty() {
        "/local-offer".into()
    } else {
        format!("/local-offer?{q}")
    }
}

/// `GET /local-offer`: the search form, and results once anything is asked.
pub async fn search(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let pairs = pairs_of(raw.as_deref());
    let (_, terms) = state.app.directory_vocabulary().await?;
    let searched = pairs
        .iter()
        .any(|(k, v)| k != "page" && !v.trim().is_empty());
    let mut form = FormState::default();
    let mut results = Vec::new();
    let (mut total, mut origin, mut pages, mut previous, mut next) =
        (0, String::new(), Vec::new(), None, None);
    let listed = shortlist(&headers);
    let mut public_pairs = pairs.clone();
    // The public search is for families: it always asks for active services of 20 a page.
    public_pairs.retain(|(k, _)| k != "per_page");
    if searched {
        match parse_search(&public_pairs, &terms) {
            Err(errors) => form = FormState::with(errors),
            Ok(query) => match state
                .app
                .search_directory(&query, SearchUnit::Service)
                .await
            {
                Err(AppError::Invalid(errors)) => form = FormState::with(errors),
                Err(e) => return Err(e.into()),
                Ok(found) => {
                    total = found.page.total;
                    origin = found
                        .origin
                        .as_ref()
                        .map(|(_, label)| label.clone())
                        .unwrap_or_default();
                    let from = found.origin.as_ref().map(|(p, _)| *p);
                    for hit in &found.page.hits {
                        let s = &hit.service;
                        results.push(ResultLine {
                            id: s.id.clone(),
                            name: s.name.clone(),
                            organization: found
                                .organization(&s.organization_id)
                                .map(|o| o.name.clone())
                                .unwrap_or_default(),
                            summary: summary(&s.description),
                            local_offer: s.in_local_offer(),
                            distance: match (from, hit.nearest) {
                                (Some(a), Some(b)) => Some(describe_distance(a.distance_metres(b))),
                                (Some(_), None) => Some("Online or by phone".into()),
                                _ => None,
                            },
                            ages: age_text(s),
                            cost: cost_text(s),
                            delivery: term_names(s, &terms, DELIVERY_TAXONOMY),
                            in_shortlist: listed.contains(&s.id),
                        });
                    }
                    let last = total.div_ceil(u64::from(query.per_page)).max(1) as u32;
                    let current = query.page;
                    let window = current.saturating_sub(2).max(1)..=(current + 2).min(last);
                    if last > 1 {
                        pages = window
                            .map(|n| PageLink {
                                number: n,
                                href: url_with_page(&pairs, n),
                                current: n == current,
                            })
                            .collect();
                    }
                    previous = (current > 1).then(|| url_with_page(&pairs, current - 1));
                    next = (current < last).then(|| url_with_page(&pairs, current + 1));
                }
            },
        }
    }
    let (csrf_token, cookie) = form_token(&state, auth.as_ref(), &headers);
    let distance = first(&pairs, "distance");
    let page = SearchPage {
        chrome: Chrome::local_offer(&state, auth.as_ref(), "/local-offer").with_errors(&form),
        form,
        csrf_token,
        searched,
        q: first(&pairs, "q"),
        postcode: first(&pairs, "postcode"),
        distances: [
            ("", "Any distance"),
            ("1", "1 mile"),
            ("3", "3 miles"),
            ("5", "5 miles"),
            ("10", "10 miles"),
            ("25", "25 miles"),
        ]
        .into_iter()
        .map(|(v, l)| Choice {
            value: v.into(),
            label: l.into(),
            hint: String::new(),
            checked: distance == v,
        })
        .collect(),
        age: first(&pairs, "age"),
        needs: choices(&terms, NEEDS_TAXONOMY, &values(&pairs, "need")),
        categories: choices(&terms, CATEGORY_TAXONOMY, &values(&pairs, "category")),
        deliveries: choices(&terms, DELIVERY_TAXONOMY, &values(&pairs, "delivery")),
        days: {
            let chosen: Vec<String> = values(&pairs, "day")
                .iter()
                .map(|d| d.to_ascii_lowercase())
                .collect();
            [
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
            ]
            .into_iter()
            .map(|d| Choice {
                value: d.into(),
                label: format!("{}{}", d[..1].to_uppercase(), &d[1..]),
                hint: String::new(),
                checked: chosen.iter().any(|c| c == d),
            })
            .collect()
        },
        free: first(&pairs, "free") == "yes",
        local_offer: first(&pairs, "local_offer") == "yes",
        total,
        origin,
        results,
        pages,
        previous,
        next,
        this_url: url_with_page(
            &pairs,
            pairs
                .iter()
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1),
        ),
    };
    Ok(with_cookie(render(&page), cookie))
}

/// One question of the guided search.
struct GuidedStep {
    name: &'static str,
    question: &'static str,
    hint: &'static str,
}

const GUIDED_STEPS: [GuidedStep; 4] = [
    GuidedStep {
        name: "age",
        question: "How old is your child or young person?",
        hint: "In years. The Local Offer covers ages 0 to 25.",
    },
    GuidedStep {
        name: "need",
        question: "What are they getting support with?",
        hint: "Choose any that apply. They do not need a diagnosis.",
    },
    GuidedStep {
        name: "category",
        question: "What kind of help are you looking for?",
        hint: "Choose any that apply.",
    },
    GuidedStep {
        name: "postcode",
        question: "Where do you live?",
        hint: "Your postcode, or the first half of it, like NR2. We use it to show what is near you.",
    },
];

#[derive(Template)]
#[template(path = "local_offer_guided.html")]
struct GuidedPage {
    chrome: Chrome,
    form: FormState,
    step: usize,
    steps: usize,
    name: &'static str,
    question: &'static str,
    hint: &'static str,
    value: String,
    options: Vec<Choice>,
    carried: Vec<(String, String)>,
}

/// `GET /local-offer/guided`: a short needs-led route to results, one question a page. A
/// council web page can link here with some answers already given (`?age=9&need=autism`);
/// once every question is answered or skipped, it goes to the results.
pub async fn guided(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let pairs = pairs_of(raw.as_deref());
    let (_, terms) = state.app.directory_vocabulary().await?;
    let asked = first(&pairs, "asked");
    let skipped = first(&pairs, "skip");
    // A question is answered by a value, or by an empty one carried from an earlier skip; the
    // question just asked counts only if it was given a value or skipped on purpose.
    let answered = |name: &str| {
        skipped == name
            || pairs
                .iter()
                .any(|(k, v)| k == name && (!v.trim().is_empty() || asked != name))
    };
    // Check what has been given so far, so a wrong answer is asked again with its error.
    let mut form = FormState::default();
    let checked = parse_search(
        &pairs
            .iter()
            .filter(|(k, _)| k != "skip" && k != "asked")
            .cloned()
            .collect::<Vec<_>>(),
        &terms,
    );
    let bad: Vec<String> = match &checked {
        Err(errors) => errors.iter().map(|e| e.field.clone()).collect(),
        Ok(_) => Vec::new(),
    };
    let postcode = first(&pairs, "postcode");
    let mut postcode_bad = false;
    if !postcode.is_empty()
        && bad.is_empty()
        && state.app.locate_postcode(&postcode).await?.is_none()
    {
        postcode_bad = true;
    }
    let step = GUIDED_STEPS.iter().position(|s| {
        !answered(s.name)
            || bad.iter().any(|b| b == s.name)
            || (s.name == "postcode" && postcode_bad)
    });
    let Some(step) = step else {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs
            .iter()
            .filter(|(k, v)| !v.is_empty() && k != "skip" && k != "asked")
        {
            s.append_pair(k, v);
        }
        if !postcode.is_empty() {
            s.append_pair("distance", "10");
        }
        return Ok(Redirect::to(&format!("/local-offer?{}", s.finish())).into_response());
    };
    let current = &GUIDED_STEPS[step];
    if let Err(errors) = &checked {
        form = FormState::with(
            errors
                .iter()
                .filter(|e| e.field == current.name)
                .cloned()
                .collect(),
        );
    }
    if asked == current.name && !answered(current.name) {
        let message = match current.name {
            "need" | "category" => "Select at least one, or choose Skip this question",
            "age" => "Enter an age from 0 to 25, or choose Skip this question",
            _ => "Enter a postcode, or choose Skip this question",
        };
        form = FormState::with(vec![FieldError::new(current.name, message)]);
    }
    if postcode_bad && current.name == "postcode" {
        form = FormState::with(vec![FieldError::new(
            "postcode",
            "We do not know that postcode. Enter a postcode like NR2 1AB, or the first half, like NR2",
        )]);
    }
    // The form's answers to this question start empty when it has an error, so the family sees
    // what they typed in the field and the message beside it.
    let value = first(&pairs, current.name);
    let chosen = values(&pairs, current.name);
    let options = match current.name {
        "need" => choices(&terms, NEEDS_TAXONOMY, &chosen),
        "category" => choices(&terms, CATEGORY_TAXONOMY, &chosen),
        _ => Vec::new(),
    };
    // Earlier answers ride along, empty ones too: an empty answer is a skipped question.
    let mut carried: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != current.name && k != "skip" && k != "asked")
        .cloned()
        .collect();
    if !skipped.is_empty() && skipped != current.name && !carried.iter().any(|(k, _)| *k == skipped)
    {
        carried.push((skipped.clone(), String::new()));
    }
    Ok(render(&GuidedPage {
        chrome: Chrome::local_offer(&state, auth.as_ref(), "/local-offer/guided")
            .with_errors(&form),
        form,
        step: step + 1,
        steps: GUIDED_STEPS.len(),
        name: current.name,
        question: current.question,
        hint: current.hint,
        value,
        options,
        carried,
    }))
}

/// A labelled line of the service page.
pub struct Fact {
    key: String,
    value: String,
}

#[derive(Template)]
#[template(path = "local_offer_service.html")]
struct ServicePage {
    chrome: Chrome,
    form: FormState,
    csrf_token: String,
    view: ServiceView,
    organization_name: String,
    facts: Vec<Fact>,
    local_offer: Vec<Fact>,
    needs: String,
    kinds: String,
    times: Vec<String>,
    in_shortlist: bool,
    can_edit: bool,
    comment: String,
    email: String,
    thanks: bool,
    stale: bool,
    last_reviewed: String,
}

/// The feedback form's state on the service page.
#[derive(Default)]
struct FeedbackState {
    comment: String,
    email: String,
    thanks: bool,
}

async fn service_page(
    state: &AppState,
    auth: Option<&Authenticated>,
    headers: &HeaderMap,
    id: &str,
    form: FormState,
    feedback: FeedbackState,
) -> PageResult {
    let FeedbackState {
        comment,
        email,
        thanks,
    } = feedback;
    let actor = match auth {
        Some(Authenticated::Session(s)) if !s.needs_code => Some(&s.actor),
        _ => None,
    };
    let view = state.app.directory_service(actor, id).await?;
    let can_edit = state
        .app
        .may_edit_service(actor, &view.entry.service)
        .await?;
    let s = &view.entry.service;
    let all_terms = view.terms.clone();
    let mut facts = vec![
        Fact {
            key: "Ages".into(),
            value: age_text(s),
        },
        Fact {
            key: "Cost".into(),
            value: cost_text(s),
        },
    ];
    let delivery = term_names(s, &all_terms, DELIVERY_TAXONOMY);
    if !delivery.is_empty() {
        facts.push(Fact {
            key: "How it is delivered".into(),
            value: delivery,
        });
    }
    for c in &s.contacts {
        let mut v = c.name.clone();
        if let Some(t) = &c.title {
            v.push_str(&format!(", {t}"));
        }
        facts.push(Fact {
            key: "Named contact".into(),
            value: v,
        });
        if let Some(p) = &c.phone {
            facts.push(Fact {
                key: "Contact's phone".into(),
                value: p.clone(),
            });
        }
        if let Some(e) = &c.email {
            facts.push(Fact {
                key: "Contact's email".into(),
                value: e.clone(),
            });
        }
    }
    for p in &s.phones {
        facts.push(Fact {
            key: p.description.clone().unwrap_or_else(|| "Phone".into()),
            value: p.number.clone(),
        });
    }
    if let Some(e) = &s.email {
        facts.push(Fact {
            key: "Email".into(),
            value: e.clone(),
        });
    }
    if let Some(u) = &s.url {
        facts.push(Fact {
            key: "Website".into(),
            value: u.clone(),
        });
    }
    for sal in &s.locations {
        let l = &sal.location;
        let a = &l.address;
        facts.push(Fact {
            key: "Where".into(),
            value: [
                Some(l.name.clone()),
                Some(a.address_1.clone()),
                a.address_2.clone(),
                Some(a.city.clone()),
                Some(a.postal_code.clone()),
            ]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        });
        if !l.accessibility.is_empty() {
            facts.push(Fact {
                key: "Accessibility".into(),
                value: joined(&l.accessibility, |x| &x.description),
            });
        }
    }
    if !s.languages.is_empty() {
        facts.push(Fact {
            key: "Languages".into(),
            value: joined(&s.languages, |l| &l.name),
        });
    }
    if !s.service_areas.is_empty() {
        facts.push(Fact {
            key: "Areas covered".into(),
            value: joined(&s.service_areas, |a| &a.name),
        });
    }
    if let Some(f) = &s.fees_description {
        facts.push(Fact {
            key: "Fees".into(),
            value: f.clone(),
        });
    }
    if !s.funding.is_empty() {
        facts.push(Fact {
            key: "Funded by".into(),
            value: joined(&s.funding, |f| &f.source),
        });
    }
    let local_offer = s
        .local_offer
        .as_ref()
        .map(|lo| {
            vec![
                Fact {
                    key: "Who is it for?".into(),
                    value: lo.who_for.clone(),
                },
                Fact {
                    key: "How do I get it?".into(),
                    value: lo.how_to_access.clone(),
                },
                Fact {
                    key: "How does it support children and young people with SEND?".into(),
                    value: lo.send_support.clone(),
                },
                Fact {
                    key: "How is it funded?".into(),
                    value: lo.funding.clone(),
                },
                Fact {
                    key: "Whom can I contact?".into(),
                    value: lo.contact.clone(),
                },
            ]
        })
        .unwrap_or_default();
    let times = s
        .schedules
        .iter()
        .map(|sc| {
            let days = sc
                .days
                .iter()
                .map(|d| day_name(*d))
                .collect::<Vec<_>>()
                .join(", ");
            let hours = match (sc.opens_at, sc.closes_at) {
                (Some(o), Some(c)) => {
                    format!(", {} to {}", o.format("%-I:%M%P"), c.format("%-I:%M%P"))
                }
                _ => String::new(),
            };
            let note = sc
                .description
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            format!("{days}{hours}{note}")
        })
        .collect();
    let today = state.app.today();
    let stale = mns_domain::directory::review_overdue(
        s.last_reviewed,
        today,
        mns_app::directory::REVIEW_MONTHS,
    );
    let (csrf_token, cookie) = form_token(state, auth, headers);
    let organization_name = view
        .organization
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let page = ServicePage {
        chrome: Chrome::local_offer(state, auth, "/local-offer/services").with_errors(&form),
        form,
        csrf_token,
        organization_name,
        facts,
        local_offer,
        needs: term_names(s, &all_terms, NEEDS_TAXONOMY),
        kinds: term_names(s, &all_terms, CATEGORY_TAXONOMY),
        times,
        in_shortlist: shortlist(headers).contains(&s.id),
        can_edit,
        comment,
        email,
        thanks,
        stale,
        last_reviewed: s.last_reviewed.format("%-d %B %Y").to_string(),
        view,
    };
    Ok(with_cookie(render(&page), cookie))
}

/// The names of `items`, comma-separated, for a summary line.
fn joined<T>(items: &[T], name: impl Fn(&T) -> &str) -> String {
    items.iter().map(name).collect::<Vec<_>>().join(", ")
}

fn day_name(day: chrono::Weekday) -> &'static str {
    match ical_day(day) {
        "MO" => "Monday",
        "TU" => "Tuesday",
        "WE" => "Wednesday",
        "TH" => "Thursday",
        "FR" => "Friday",
        "SA" => "Saturday",
        _ => "Sunday",
    }
}

/// `GET /local-offer/services/{id}`: everything families ask about a service.
pub async fn service(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let thanks = raw.as_deref() == Some("feedback=sent");
    service_page(
        &state,
        auth.as_ref(),
        &headers,
        &id,
        FormState::default(),
        FeedbackState {
            thanks,
            ..FeedbackState::default()
        },
    )
    .await
}

/// The feedback form.
#[derive(Debug, Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    email: String,
}

/// `POST /local-offer/services/{id}/feedback`: a family's feedback, for the council.
pub async fn feedback(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<FeedbackForm>,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    match state
        .app
        .leave_directory_feedback(&id, &form.comment, Some(&form.email))
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/local-offer/services/{id}?feedback=sent#feedback"
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            service_page(
                &state,
                auth.as_ref(),
                &headers,
                &id,
                FormState::with(errors),
                FeedbackState {
                    comment: form.comment,
                    email: form.email,
                    thanks: false,
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "local_offer_shortlist.html")]
struct ShortlistPage {
    chrome: Chrome,
    form: FormState,
    csrf_token: String,
    services: Vec<(Service, String, String)>,
    email: String,
    sent: Option<usize>,
    print: bool,
}

async fn shortlist_page(
    state: &AppState,
    auth: Option<&Authenticated>,
    headers: &HeaderMap,
    form: FormState,
    email: String,
    sent: Option<usize>,
    print: bool,
) -> PageResult {
    let ids = shortlist(headers);
    let services = state.app.directory_services(&ids).await?;
    let (_, terms) = state.app.directory_vocabulary().await?;
    let services = services
        .into_iter()
        .map(|s| {
            let line = format!("{} · {}", age_text(&s), cost_text(&s));
            let _ = &terms;
            let contact = s
                .phones
                .first()
                .map(|p| p.number.clone())
                .or_else(|| s.email.clone())
                .unwrap_or_default();
            (s, line, contact)
        })
        .collect();
    let (csrf_token, cookie) = form_token(state, auth, headers);
    let page = ShortlistPage {
        chrome: Chrome::local_offer(state, auth, "/local-offer/shortlist").with_errors(&form),
        form,
        csrf_token,
        services,
        email,
        sent,
        print,
    };
    Ok(with_cookie(render(&page), cookie))
}

/// `GET /local-offer/shortlist`: the services a family has saved, to print or email.
pub async fn show_shortlist(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let pairs = pairs_of(raw.as_deref());
    let sent = first(&pairs, "sent").parse().ok();
    let print = first(&pairs, "print") == "yes";
    shortlist_page(
        &state,
        auth.as_ref(),
        &headers,
        FormState::default(),
        String::new(),
        sent,
        print,
    )
    .await
}

/// The add/remove form.
#[derive(Debug, Deserialize)]
pub struct ShortlistForm {
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    back: String,
}

fn safe_back(back: &str) -> String {
    if back.starts_with("/local-offer") && !back.starts_with("//") {
        back.to_string()
    } else {
        "/local-offer/shortlist".into()
    }
}

/// `POST /local-offer/shortlist`: adds a service.
pub async fn add_to_shortlist(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ShortlistForm>,
) -> PageResult {
    let mut ids = shortlist(&headers);
    if state
        .app
        .directory_services(std::slice::from_ref(&form.service_id))
        .await?
        .is_empty()
    {
        return Err(
            AppError::invalid("service_id", "Choose a service to add to your shortlist").into(),
        );
    }
    if !ids.contains(&form.service_id) && ids.len() < SHORTLIST_MAX {
        ids.push(form.service_id.clone());
    }
    let response = Redirect::to(&safe_back(&form.back)).into_response();
    Ok(with_cookie(response, Some(shortlist_cookie(&state, &ids))))
}

/// `POST /local-offer/shortlist/remove`: takes a service off.
pub async fn remove_from_shortlist(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ShortlistForm>,
) -> PageResult {
    let ids: Vec<String> = shortlist(&headers)
        .into_iter()
        .filter(|id| *id != form.service_id)
        .collect();
    let response = Redirect::to(&safe_back(&form.back)).into_response();
    Ok(with_cookie(response, Some(shortlist_cookie(&state, &ids))))
}

/// The email form.
#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// `POST /local-offer/shortlist/email`: sends the shortlist to an address.
pub async fn email_shortlist(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    Source(source): Source,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let (errors, status) = match state
        .app
        .email_shortlist(&shortlist(&headers), &form.email, &source)
        .await
    {
        Ok(n) => {
            return Ok(Redirect::to(&format!("/local-offer/shortlist?sent={n}")).into_response());
        }
        Err(AppError::Invalid(errors)) => (errors, StatusCode::OK),
        Err(AppError::Throttled) => (
            vec![FieldError::new(
                "email",
                "Too many shortlists have been sent from here or to this address. Try again in an hour, or print your shortlist instead",
            )],
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(e) => return Err(e.into()),
    };
    let mut response = shortlist_page(
        &state,
        auth.as_ref(),
        &headers,
        FormState::with(errors),
        form.email,
        None,
        false,
    )
    .await?;
    if status != StatusCode::OK {
        *response.status_mut() = status;
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "local_offer_glossary.html")]
struct GlossaryPage {
    chrome: Chrome,
    entries: Vec<(String, &'static GlossaryEntry)>,
}

/// `GET /local-offer/glossary`: the words and acronyms families meet, explained.
pub async fn glossary(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
) -> Response {
    let auth = auth.map(|Extension(a)| a);
    render(&GlossaryPage {
        chrome: Chrome::local_offer(&state, auth.as_ref(), "/local-offer/glossary"),
        entries: GLOSSARY.iter().map(|e| (anchor(e), e)).collect(),
    })
}
