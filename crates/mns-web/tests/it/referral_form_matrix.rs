//! Authorisation-matrix entries for the school's referral journey routes
//! (`mns_web::pages::referral_form::routes()`).

use crate::authorization::{Expect, Object};
use axum::http::Method;
use mns_domain::identity::Role;

/// The expectation for a referral-journey route, or `None` if it is not one.
pub fn expectation(
    _method: &Method,
    _path: &str,
    _role: Option<Role>,
    _object: Object,
) -> Option<Expect> {
    None
}
