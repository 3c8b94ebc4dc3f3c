//! The search page (`GET /local-offer`): the form with its filters, and a page of results once
//! anything is asked.

use super::shortlist::shortlist;
use super::{Choice, age_text, choices, cost_text, form_token, term_names, with_cookie};
use crate::AppState;
use crate::auth::Authenticated;
use crate::form::Fields;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use mns_app::AppError;
use mns_app::directory::parse_search;
use mns_app::records::SearchUnit;
use mns_domain::directory::search::describe_distance;
use mns_domain::directory::taxonomy::{CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY};

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

/// A filter the search has, with the link that takes it away.
pub struct Applied {
    label: String,
    remove: String,
}

/// A group of checkboxes, collapsed unless one is chosen or it has an error.
pub struct FilterGroup {
    name: &'static str,
    legend: &'static str,
    choices: Vec<Choice>,
    chosen: usize,
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
    groups: Vec<FilterGroup>,
    free: bool,
    local_offer: bool,
    applied: Vec<Applied>,
    order: &'static str,
    corrections: Vec<(String, String)>,
    suggestion: Option<(String, String)>,
    stop_words_only: bool,
    total: u64,
    origin: String,
    results: Vec<ResultLine>,
    pages: Vec<PageLink>,
    previous: Option<String>,
    next: Option<String>,
    this_url: String,
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

/// The filters a search has, in the order of its parameters, each with the search's address
/// without it (taking the postcode also takes the distance, which needs one).
fn applied_filters(pairs: &[(String, String)], groups: &[FilterGroup]) -> Vec<Applied> {
    let mut out = Vec::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let label = match key.as_str() {
            "q" => format!("Search words: {value}"),
            "postcode" => format!("Near: {value}"),
            "distance" => format!("Within: {value} miles"),
            "age" => format!("Age: {value}"),
            "free" => "Free services only".into(),
            "local_offer" => "In the SEND Local Offer".into(),
            name => match groups.iter().find(|g| g.name == name) {
                Some(group) => match group
                    .choices
                    .iter()
                    .find(|c| c.value.eq_ignore_ascii_case(value))
                {
                    Some(choice) => format!("{}: {}", group.legend, choice.label),
                    None => continue,
                },
                None => continue,
            },
        };
        let kept: Vec<(String, String)> = pairs
            .iter()
            .enumerate()
            .filter(|(j, (k, _))| *j != i && !(key == "postcode" && k == "distance"))
            .map(|(_, pair)| pair.clone())
            .collect();
        out.push(Applied {
            label,
            remove: url_with_page(&kept, 1),
        });
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
    let fields = Fields::from_query(raw.as_deref());
    let pairs = fields.pairs();
    let (_, terms) = state.app.directory_vocabulary().await?;
    let searched = pairs
        .iter()
        .any(|(k, v)| k != "page" && !v.trim().is_empty());
    let mut form = FormState::default();
    let mut results = Vec::new();
    let (mut corrections, mut suggestion, mut stop_words_only) = (Vec::new(), None, false);
    let (mut keywords, mut near) = (false, false);
    let (mut total, mut origin, mut pages, mut previous, mut next) =
        (0, String::new(), Vec::new(), None, None);
    let listed = shortlist(&headers);
    let mut public_pairs = pairs.to_vec();
    // The public search is for families: it always asks for active services of 20 a page.
    public_pairs.retain(|(k, _)| k != "per_page");
    let parsed = searched.then(|| parse_search(&public_pairs, &terms));
    if let Some(Ok(query)) = &parsed {
        stop_words_only = query.stop_words_only;
        keywords = !query.words.is_empty();
        near = query.postcode.is_some();
    }
    if let Some(parsed) = parsed {
        match parsed {
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
                    corrections = found.corrections.clone();
                    suggestion = found.suggestion.as_ref().map(|words| {
                        let mut with: Vec<(String, String)> =
                            pairs.iter().filter(|(k, _)| k != "q").cloned().collect();
                        with.insert(0, ("q".to_string(), words.clone()));
                        (words.clone(), url_with_page(&with, 1))
                    });
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
                                href: url_with_page(pairs, n),
                                current: n == current,
                            })
                            .collect();
                    }
                    previous = (current > 1).then(|| url_with_page(pairs, current - 1));
                    next = (current < last).then(|| url_with_page(pairs, current + 1));
                }
            },
        }
    }
    let (csrf_token, cookie) = form_token(&state, auth.as_ref(), &headers);
    let distance = fields.trimmed("distance");
    let group = |name: &'static str, legend: &'static str, choices: Vec<Choice>| FilterGroup {
        name,
        legend,
        chosen: choices.iter().filter(|c| c.checked).count(),
        choices,
    };
    let days = {
        let chosen: Vec<String> = fields
            .list("day")
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
    };
    let groups = vec![
        group(
            "need",
            "Needs",
            choices(&terms, NEEDS_TAXONOMY, &fields.list("need")),
        ),
        group(
            "category",
            "Kind of help",
            choices(&terms, CATEGORY_TAXONOMY, &fields.list("category")),
        ),
        group(
            "delivery",
            "How it is delivered",
            choices(&terms, DELIVERY_TAXONOMY, &fields.list("delivery")),
        ),
        group("day", "Days", days),
    ];
    let applied = if searched {
        applied_filters(pairs, &groups)
    } else {
        Vec::new()
    };
    let page = SearchPage {
        chrome: Chrome::local_offer(&state, auth.as_ref(), "/local-offer").with_errors(&form),
        form,
        csrf_token,
        searched,
        q: fields.trimmed("q"),
        postcode: fields.trimmed("postcode"),
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
        age: fields.trimmed("age"),
        groups,
        free: fields.trimmed("free") == "yes",
        local_offer: fields.trimmed("local_offer") == "yes",
        applied,
        order: if near {
            "nearest first"
        } else if keywords {
            "most relevant first"
        } else {
            "A to Z"
        },
        corrections,
        suggestion,
        stop_words_only,
        total,
        origin,
        results,
        pages,
        previous,
        next,
        this_url: url_with_page(
            pairs,
            pairs
                .iter()
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1),
        ),
    };
    Ok(with_cookie(render(&page), cookie))
}
