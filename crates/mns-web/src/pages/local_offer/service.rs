//! A service's page (`GET /local-offer/services/{id}`): everything families ask about it, and
//! the feedback form that goes to the council.

use super::shortlist::shortlist;
use super::{age_text, cost_text, form_token, term_names, with_cookie};
use crate::AppState;
use crate::auth::Authenticated;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use mns_app::AppError;
use mns_app::directory::ServiceView;
use mns_domain::directory::search::schedule_days;
use mns_domain::directory::taxonomy::{CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY};
use serde::Deserialize;

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
            let days = schedule_days(sc);
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
