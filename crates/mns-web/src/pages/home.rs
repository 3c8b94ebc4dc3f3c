//! The home page: what each role can do from here.

use super::{Chrome, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use askama::Template;
use axum::extract::State;
use mns_domain::identity::Role;
use mns_domain::permissions::{Capability, ChildScope};

/// A link on the home page.
#[derive(Clone, Copy)]
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
    /// What needs the user today, counted, with links.
    attention: Vec<mns_app::attention::Attention>,
    /// Whether the user's role has anything the home page counts.
    counts_anything: bool,
}

/// The home page's cards, each with what opens it (from the one permissions table).
const CARDS: [(Capability, Card); 18] = [
    (
        Capability::StartReferral,
        Card {
            href: "/referrals",
            title: "Referrals",
            text: "Refer a pupil who is too unwell to attend school, and follow your referrals.",
        },
    ),
    (
        Capability::ReadReferralQueue,
        Card {
            href: "/referrals",
            title: "Referrals",
            text: "The queue of referrals, with the days each has waited.",
        },
    ),
    (
        Capability::GiveEvidence,
        Card {
            href: "/evidence",
            title: "Evidence requests",
            text: "Referrals for the young people you care for that wait for your medical evidence.",
        },
    ),
    (
        Capability::NotifyHealth,
        Card {
            href: "/notifications/new",
            title: "Tell us about a child",
            text: "Tell the service about a child who cannot attend school because of their health.",
        },
    ),
    (
        Capability::ReadAttendanceAlerts,
        Card {
            href: "/alerts",
            title: "Attendance alerts",
            text: "Children the county's attendance shows may be missing school through illness, before anyone refers them.",
        },
    ),
    (
        Capability::ReadCaseDashboard,
        Card {
            href: "/cases/dashboard",
            title: "Case dashboard",
            text: "What is due, overdue and waiting, and the days from referral to provision.",
        },
    ),
    (
        Capability::ReadServiceReports,
        Card {
            href: "/reports/section-19",
            title: "Section 19 report",
            text: "How long children waited for education and how much of a full-time week they get, by child, school and district.",
        },
    ),
    (
        Capability::ReadCosts,
        Card {
            href: "/reports/finance",
            title: "Finance",
            text: "What the service spends against its budgets, and the price list it is worked out from.",
        },
    ),
    (
        Capability::LogEnquiry,
        Card {
            href: "/enquiries",
            title: "Enquiries",
            text: "Log a call from a parent or carer.",
        },
    ),
    (
        Capability::ReadChildren,
        Card {
            href: "/pupils",
            title: "Pupils",
            text: "Children known to the service.",
        },
    ),
    (
        Capability::ManageUsers,
        Card {
            href: "/users",
            title: "Users",
            text: "Add users, and disable those who have left.",
        },
    ),
    (
        Capability::ManageDirectoryEntries,
        Card {
            href: "/local-offer/manage",
            title: "Local Offer entries",
            text: "Keep the SEND Local Offer's entries for your services up to date.",
        },
    ),
    (
        Capability::ManageEvents,
        Card {
            href: "/local-offer/manage/events",
            title: "Events",
            text: "Publish roadshows, forums and workshops, and see who has booked.",
        },
    ),
    (
        Capability::RequestConsultation,
        Card {
            href: "/consultations",
            title: "Core Consultations",
            text: "Free consultations between the council's SEND specialists and schools.",
        },
    ),
    (
        Capability::ManageSufficiency,
        Card {
            href: "/sufficiency",
            title: "Place sufficiency",
            text: "Specialist places against the projected need for them, five years ahead.",
        },
    ),
    (
        Capability::ReadReferenceData,
        Card {
            href: "/schools",
            title: "Schools",
            text: "Schools from Get Information About Schools.",
        },
    ),
    (
        Capability::ReadReferenceData,
        Card {
            href: "/calendars",
            title: "Term dates",
            text: "The calendars school weeks are counted on.",
        },
    ),
    (
        Capability::VerifyAuditTrail,
        Card {
            href: "/audit",
            title: "Audit trail",
            text: "Check that no record of access has been altered.",
        },
    ),
];

fn cards_for(role: Role) -> Vec<Card> {
    CARDS
        .iter()
        .filter(|(needs, _)| needs.allowed_for(role))
        .map(|(_, card)| Card {
            // The pupils card says whose children they are.
            text: match (card.href, ChildScope::of(role)) {
                ("/pupils", ChildScope::OwnSchool) => "Pupils on your school's roll.",
                ("/pupils", ChildScope::Linked) if role == Role::Parent => "Your children.",
                ("/pupils", ChildScope::Linked) if role == Role::Provider => {
                    "The pupils you teach or support."
                }
                _ => card.text,
            },
            ..*card
        })
        .collect()
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
        attention: state.app.needs_attention(&user.actor).await?,
        counts_anything: user.actor.may(Capability::ReadReferralQueue)
            || user.actor.may(Capability::StartReferral),
        school_name,
    }))
}
