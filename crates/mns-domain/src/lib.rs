//! The domain of the Medical Needs Service: identifiers that parse at the edge, the school
//! calendar, roles, and the rules of the council's policy as plain functions.
//!
//! This crate does no I/O and depends on no framework, so every rule can be tested in
//! microseconds and read without knowing how the service is deployed.

pub mod attendance;
pub mod audit;
pub mod calendar;
pub mod child_access;
pub mod consultations;
pub mod directory;
pub mod document_structure;
pub mod documents;
pub mod events;
pub mod identifiers;
pub mod identity;
pub mod oidc;
pub mod outcomes;
pub mod permissions;
pub mod provision;
pub mod referral;
pub mod spreadsheet;
pub mod sufficiency;
pub mod wording;
