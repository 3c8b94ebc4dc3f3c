//! The home page: what each role can do from here.

use super::{Chrome, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use askama::Template;
use axum::extract::State;
use mns_domain::identity::Role;

/// A link on the home page.
pub struct Card {
    href: &'static str,
    title: &'static str,
    text: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    user_id: String,
    school_name: Option<String>,
    cards: Vec<Card>,
}

fn cards_for(role: Role) -> Vec<Card> {
    let pupils = Card {
        href: "/pupils",
        title: "Pupils",
        text: match role {
            Role::School => "Pupils on your school's roll.",
            Role::Parent => "Your children.",
            Role::Provider => "The pupils you teach or support.",
            _ => "Children known to the service.",
        },
    };
    let mut cards = Vec::new();
    if role == Role::School {
        cards.push(Card {
            href: "/referrals",
            title: "Referrals",
            text: "Refer a pupil who is too unwell to attend school, and follow your referrals.",
        });
    }
    if matches!(role, Role::Coordinator | Role::Caseworker | Role::Auditor) {
        cards.push(Card {
            href: "/referrals",
            title: "Referrals",
            text: "The queue of referrals, with the days each has waited.",
        });
    }
    if matches!(role, Role::Coordinator | Role::Caseworker) {
        cards.push(Card {
            href: "/enquiries",
            title: "Enquiries",
            text: "Log a call from a parent or carer.",
        });
    }
    if role != Role::Finance {
        cards.push(pupils);
    }
    if role == Role::Coordinator {
        cards.push(Card {
            href: "/users",
            title: "Users",
            text: "Add users, and disable those who have left.",
        });
    }
    if matches!(role, Role::Provider | Role::LocalOfferOfficer) {
        cards.push(Card {
            href: "/local-offer/manage",
            title: "Local Offer entries",
            text: "Keep the SEND Local Offer's entries for your services up to date.",
        });
    }
    if role.is_staff() && role != Role::LocalOfferOfficer {
        cards.push(Card {
            href: "/schools",
            title: "Schools",
            text: "Schools from Get Information About Schools.",
        });
        cards.push(Card {
            href: "/calendars",
            title: "Term dates",
            text: "The calendars school weeks are counted on.",
        });
    }
    if matches!(role, Role::Coordinator | Role::Auditor) {
        cards.push(Card {
            href: "/audit",
            title: "Audit trail",
            text: "Check that no record of access has been altered.",
        });
    }
    cards
}

/// `GET /home`.
pub async fn show(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let school_name = match &user.actor.user.school_urn {
        Some(urn) => state.app.school(urn).await?.map(|s| s.name),
        None => None,
    };
    Ok(render(&HomePage {
        chrome: Chrome::signed_in(&state, &user, "/home"),
        user_id: user.actor.user.id.clone(),
        cards: cards_for(user.actor.role()),
        school_name,
    }))
}
