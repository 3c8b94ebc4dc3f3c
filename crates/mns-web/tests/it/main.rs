//! Integration tests through the HTTP layer: the whole router, a fresh database per test, the
//! demo dataset. One test binary for the crate (linking several is slow on two cores).

mod accounts;
mod api;
mod attendance_alerts;
mod audit;
mod authorization;
mod case_pages;
mod cases;
mod child_access;
mod consultations;
mod events;
mod finance;
mod health_evidence;
mod health_notification;
mod invitations;
mod local_offer;
mod local_offer_manage;
mod oidc;
mod operations;
mod oruk;
mod oruk_http;
mod outbox;
mod referral_desk;
mod referral_form;
mod referral_form_matrix;
mod referral_form_tasks;
mod reports;
mod security;
mod sessions;
mod snapshots_test;
mod sufficiency;
mod support;
mod you_said;
