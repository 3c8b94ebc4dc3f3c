//! Authorisation-matrix entries for the school's referral journey routes
//! (`mns_web::pages::referral_form::routes()`): only a school user, and only on their own
//! school's referral (Wensum Valley's draft for Oliver); another school's referral (Yare Bank's
//! for Leo) and every other role get 404, as if it did not exist. Deleting a draft is the same
//! (each cell that may delete gets a fresh draft of its own, so Oliver's stays).

use crate::authorization::{Expect, Object};
use axum::http::Method;
use mns_domain::identity::Role;

/// Whether the route is one of the journey's.
fn is_journey_route(method: &Method, path: &str) -> bool {
    let section_page = path
        .strip_prefix("/referrals/{id}/form/")
        .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'));
    match method.as_str() {
        "GET" => {
            section_page
                || path == "/referrals/{id}/form"
                || path == "/referrals/{id}/check-answers"
                || path == "/referrals/{id}/delete"
        }
        "POST" => {
            section_page || path == "/referrals/{id}/submit" || path == "/referrals/{id}/delete"
        }
        _ => false,
    }
}

/// The expectation for a referral-journey route, or `None` if it is not one.
pub fn expectation(
    method: &Method,
    path: &str,
    role: Option<Role>,
    object: Object,
) -> Option<Expect> {
    if !is_journey_route(method, path) {
        return None;
    }
    Some(match role {
        None => Expect::SignIn,
        Some(Role::School) if object == Object::Own => Expect::Allow,
        Some(_) => Expect::Deny,
    })
}
