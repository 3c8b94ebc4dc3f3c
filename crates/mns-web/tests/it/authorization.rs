//! The authorisation matrix: every route of the router × every role (and nobody) × a record in
//! the user's scope and one outside it. A route added to `mns_web::routes()` without an entry
//! here fails this test.

use crate::support::{Client, TestApp, TestResponse};
use axum::http::{Method, StatusCode};
use mns_domain::identity::Role;
use mns_store::Backend;

/// What a caller should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The operation runs (any 2xx, a redirect that is not to sign-in, or 422 for a bad form).
    Allow,
    /// 404: outside the caller's scope, or not for their role.
    Deny,
    /// Sent to sign in (pages) or 401 (API).
    SignIn,
}

pub use Expect::*;

/// Whose record the `{id}` in the path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    Own,
    Other,
}

const STAFF_ALL: [Role; 3] = [Role::Coordinator, Role::Caseworker, Role::Auditor];

/// The expectation for a route, or `None` if the matrix has no entry for it.
fn expectation(method: &Method, path: &str, role: Option<Role>, object: Object) -> Option<Expect> {
    let signed_in = |allowed: bool| match role {
        None => SignIn,
        Some(_) if allowed => Allow,
        Some(_) => Deny,
    };
    let is = |roles: &[Role]| role.is_some_and(|r| roles.contains(&r));
    let pupil_in_scope = match role {
        None => false,
        Some(Role::Finance | Role::LocalOfferOfficer | Role::SendTeam) => false,
        Some(r) if STAFF_ALL.contains(&r) => true,
        Some(_) => object == Object::Own,
    };
    Some(match (method.as_str(), path) {
        ("GET", "/" | "/accessibility" | "/privacy" | "/sign-in" | "/healthz" | "/readyz")
        | ("GET", "/assets/{file}" | "/api/v1/openapi.json")
        | ("POST", "/sign-in" | "/sign-out") => Allow,
        ("GET" | "POST", "/sign-in/code") => signed_in(true),
        // No OpenID Connect provider is configured here: every provider is unknown (404), for
        // everyone; signing in through one is tested in `oidc`, against a real OIDC server.
        ("GET", "/sign-in/oidc/{provider}" | "/sign-in/oidc/{provider}/callback") => Deny,
        ("GET", "/signed-out") => Allow,
        // Getting back into an account: open to anyone; an unknown reset link gets a page
        // saying it does not work (410), never someone's account.
        ("GET" | "POST", "/forgotten-password" | "/reset-password/{token}") => Allow,
        // An invitation link: open to anyone; a link no invitation has is not found, for
        // everyone (accepting one is tested on its own, in `invitations`).
        ("GET" | "POST", "/invitations/{token}") => Deny,
        // No invitation has that id: refused alike for everyone (cancelling is tested on its
        // own).
        ("GET" | "POST", "/pupils/{id}/invitations/{invitation}/cancel") => signed_in(false),
        // Only a half-finished sign-in is ended; a finished one is sent home.
        ("POST", "/sign-in/someone-else") => signed_in(true),
        ("GET" | "POST", "/account/password") => signed_in(true),
        ("GET", "/users/{id}/account") => {
            signed_in(is(&[Role::Coordinator]) && object == Object::Own)
        }
        (
            "GET" | "POST",
            "/users/{id}/unlock"
            | "/users/{id}/reset-password"
            | "/users/{id}/reset-code"
            | "/users/{id}/self-reset",
        ) => signed_in(is(&[Role::Coordinator]) && object == Object::Own),
        ("GET", "/home" | "/api/v1/me" | "/api/v1/schools") => signed_in(true),
        ("GET", "/pupils" | "/api/v1/pupils") => signed_in(!is(&[
            Role::Finance,
            Role::LocalOfferOfficer,
            Role::SendTeam,
        ])),
        ("GET", "/pupils/{id}" | "/api/v1/pupils/{id}") => signed_in(pupil_in_scope),
        ("POST", "/pupils/{id}/legal-hold") => {
            signed_in(is(&[Role::Coordinator]) && pupil_in_scope)
        }
        // Access to a child: the coordinator, and a school for its own pupils (parents only).
        ("GET", "/pupils/{id}/access/new") | ("POST", "/pupils/{id}/access") => {
            signed_in(is(&[Role::Coordinator, Role::School]) && pupil_in_scope)
        }
        // `{user}` is the demo parent, linked to the own pupil only.
        ("GET" | "POST", "/pupils/{id}/access/{user}/remove") => signed_in(
            is(&[Role::Coordinator, Role::School]) && pupil_in_scope && object == Object::Own,
        ),
        ("GET" | "POST", "/pupils/{id}/access/{user}/restrict") => {
            signed_in(is(&[Role::Coordinator]) && object == Object::Own)
        }
        ("GET", "/pupils/{id}/access-history") => {
            signed_in(is(&[Role::Coordinator, Role::Auditor]) && pupil_in_scope)
        }
        ("GET", "/users" | "/users/new") | ("POST", "/users") => {
            signed_in(is(&[Role::Coordinator]))
        }
        ("GET" | "POST", "/users/{id}/disable" | "/users/{id}/api-tokens") => {
            signed_in(is(&[Role::Coordinator]) && object == Object::Own)
        }
        // Sending a link to connect a sign-in account: the coordinator (here told no provider is
        // set up). No identity is linked: unlinking is refused alike for everyone (tested in
        // `oidc`).
        ("POST", "/users/{id}/identities/link") => {
            signed_in(is(&[Role::Coordinator]) && object == Object::Own)
        }
        ("GET", "/users/{id}/identities/disconnect")
        | ("POST", "/users/{id}/identities/unlink") => signed_in(false),
        // No token has that id: refused alike for everyone (revoking is tested on its own).
        ("POST", "/users/{id}/api-tokens/{token}/revoke") => signed_in(false),
        // The demo referrals have no UPN match to resolve: 404 for everyone, the coordinator
        // included (the match journey is tested on its own).
        ("POST", "/referrals/{id}/pupil-match")
        | ("GET" | "POST", "/api/v1/referrals/{id}/pupil-match") => signed_in(false),
        ("GET", "/schools" | "/calendars") => signed_in(
            role.is_some_and(Role::is_staff) && !is(&[Role::LocalOfferOfficer, Role::SendTeam]),
        ),
        ("POST", "/calendars") => signed_in(is(&[Role::Coordinator])),
        ("GET", "/audit") => signed_in(is(&[Role::Coordinator, Role::Auditor])),
        ("GET", "/referrals") => signed_in(is(&[
            Role::School,
            Role::Coordinator,
            Role::Caseworker,
            Role::Auditor,
        ])),
        ("POST", "/referrals") => signed_in(is(&[Role::School])),
        ("GET", "/referrals.csv") => signed_in(is(&STAFF_ALL)),
        ("GET", "/referrals/{id}") => {
            signed_in(is(&STAFF_ALL) || (is(&[Role::School]) && object == Object::Own))
        }
        // A parent is owed the decision letter on their own child's referral (MN-ROLE-3).
        ("GET", "/referrals/{id}/letter.pdf") => signed_in(
            is(&STAFF_ALL) || (is(&[Role::School, Role::Parent]) && object == Object::Own),
        ),
        ("POST", "/referrals/{id}/decision" | "/api/v1/referrals/{id}/decision") => {
            signed_in(is(&[Role::Coordinator]))
        }
        // The coordinator shares out the work on any sent referral.
        ("POST", "/referrals/{id}/assign") => signed_in(is(&[Role::Coordinator])),
        // The confirmation that a referral was sent: for its school, and the coordinator.
        ("GET", "/referrals/{id}/sent") => {
            signed_in(is(&[Role::Coordinator]) || (is(&[Role::School]) && object == Object::Own))
        }
        ("GET", "/api/v1/referrals") => signed_in(is(&[
            Role::School,
            Role::Coordinator,
            Role::Caseworker,
            Role::Auditor,
        ])),
        ("POST", "/api/v1/referrals") => signed_in(is(&[Role::School])),
        ("GET", "/api/v1/referrals/{id}" | "/documents/{id}" | "/api/v1/documents/{id}") => {
            signed_in(is(&STAFF_ALL) || (is(&[Role::School]) && object == Object::Own))
        }
        ("PUT", "/api/v1/referrals/{id}") | ("POST", "/api/v1/referrals/{id}/submit") => {
            signed_in(is(&[Role::School]) && object == Object::Own)
        }
        ("GET", "/api/v1/referrals/{id}/checks") => signed_in(is(&STAFF_ALL)),
        (
            "GET",
            "/referrals/{id}/attendance"
            | "/referrals/{id}/documents"
            | "/api/v1/referrals/{id}/attendance",
        ) => signed_in(is(&STAFF_ALL) || (is(&[Role::School]) && object == Object::Own)),
        ("POST", "/referrals/{id}/attendance" | "/api/v1/referrals/{id}/attendance") => signed_in(
            (is(&[Role::Coordinator, Role::Caseworker]) && object == Object::Other)
                || (is(&[Role::School]) && object == Object::Own),
        ),
        ("POST", "/referrals/{id}/documents" | "/api/v1/referrals/{id}/documents") => signed_in(
            // Own is the school's draft, which council staff do not see; other was sent back to
            // Yare Bank with questions, and they may add to it.
            (is(&[Role::Coordinator, Role::Caseworker]) && object == Object::Other)
                || (is(&[Role::School]) && object == Object::Own),
        ),
        ("POST", "/referrals/{id}/waiting-for-evidence" | "/referrals/{id}/notes")
        | ("POST", "/cases/{id}/notes") => signed_in(is(&[Role::Coordinator, Role::Caseworker])),
        // Health professionals give evidence for the children linked to them: own is Noah's
        // referral (waiting for evidence, linked to the demo's health professional), other is
        // Amelia's, linked to other people.
        ("GET", "/evidence") => signed_in(is(&[Role::HealthProfessional])),
        ("GET", "/referrals/{id}/evidence/new") | ("POST", "/referrals/{id}/evidence") => {
            signed_in(is(&[Role::HealthProfessional]) && object == Object::Own)
        }
        ("GET", "/alerts") => signed_in(is(&[Role::Coordinator, Role::Caseworker, Role::School])),
        // An alert's page with an id that is no alert: not found for everyone (the triage
        // journey in attendance_alerts.rs covers a real alert, and the roles that may not see it).
        ("GET" | "POST", "/alerts/{id}" | "/alerts/{id}/assessment") => signed_in(false),
        // Assessments: the id is a pupil's, not an assessment's, so not found for everyone;
        // attendance_alerts.rs covers real assessments and who sees them.
        ("GET" | "POST", "/assessments/{id}" | "/assessments/{id}/outcome") => signed_in(false),
        ("GET", "/pupils/{id}/assessments/new") | ("POST", "/pupils/{id}/assessments") => {
            signed_in(is(&[Role::Coordinator, Role::Caseworker]))
        }
        ("GET" | "POST", "/enquiries") => signed_in(is(&[Role::Coordinator, Role::Caseworker])),
        // Health notifications (issue 14): health professionals only. An empty form is a 422
        // with its problems.
        ("GET" | "POST", "/notifications/new") => signed_in(is(&[Role::HealthProfessional])),
        // The confirmation is its sender's only: no demo record was notified by anyone, so it
        // is 404 for everyone here (the sender's page is tested in health_notification.rs).
        ("GET", "/notifications/{id}/sent") => signed_in(false),
        // The public form: anyone, signed in or not (an empty form is a 422).
        ("GET" | "POST", "/health-notification") | ("GET", "/health-notification/sent") => Allow,
        // A notification sent through the public form is the coordinator's to triage; the `{id}`
        // here names none, so it is 404 for everyone (triage is tested in
        // health_notification.rs).
        ("GET", "/health-notifications/{id}")
        | ("POST", "/health-notifications/{id}/referral" | "/health-notifications/{id}/close") => {
            signed_in(false)
        }
        // The Local Offer is public; its API is open to every origin.
        ("GET", "/local-offer" | "/local-offer/guided" | "/local-offer/glossary")
        | ("GET", "/local-offer/shortlist" | "/local-offer/services/{id}")
        | ("POST", "/local-offer/services/{id}/feedback" | "/local-offer/shortlist")
        | ("POST", "/local-offer/shortlist/remove" | "/local-offer/shortlist/email") => Allow,
        ("GET", p) if p.starts_with("/api/oruk") => Allow,
        // Events (issue 19): public. Own is a demo event to come, other names none. Booking
        // with an empty form is a 422; no booking has the `{token}` here (booking and cancelling
        // are tested in `events`).
        ("GET", "/local-offer/events" | "/local-offer/events.ics") => Allow,
        ("GET", "/local-offer/events/{id}") | ("POST", "/local-offer/events/{id}/book") => {
            if object == Object::Own { Allow } else { Deny }
        }
        (
            "GET",
            "/local-offer/events/bookings/{token}"
            | "/local-offer/events/bookings/{token}/event.ics",
        )
        | ("POST", "/local-offer/events/bookings/{token}/cancel") => Deny,
        // Organising events: the Local Offer officer (empty forms are 422s, so nothing is
        // published or cancelled here).
        ("GET" | "POST", "/local-offer/manage/events/new")
        | ("GET", "/local-offer/manage/events") => signed_in(is(&[Role::LocalOfferOfficer])),
        (
            "GET",
            "/local-offer/manage/events/{id}" | "/local-offer/manage/events/{id}/attendance.csv",
        )
        | ("GET", "/local-offer/manage/events/{id}/attendance.ods")
        | (
            "GET" | "POST",
            "/local-offer/manage/events/{id}/edit" | "/local-offer/manage/events/{id}/cancel",
        )
        | ("POST", "/local-offer/manage/events/{id}/attendance") => {
            signed_in(is(&[Role::LocalOfferOfficer]) && object == Object::Own)
        }
        ("GET", "/local-offer/manage") => signed_in(is(&[Role::Provider, Role::LocalOfferOfficer])),
        // A new service: for the council, and for a provider who looks after an organisation
        // (the demo's does). An empty form is a 422 with its problems.
        ("GET" | "POST", "/local-offer/manage/services/new") => {
            signed_in(is(&[Role::Provider, Role::LocalOfferOfficer]))
        }
        ("GET" | "POST", "/local-offer/manage/services/{id}")
        | ("POST", "/local-offer/manage/services/{id}/confirm")
        | ("GET", "/local-offer/manage/services/{id}/history")
        | ("GET", "/local-offer/manage/changes/{id}") => signed_in(
            is(&[Role::LocalOfferOfficer])
                && (object == Object::Own || !path.contains("/changes/"))
                || (is(&[Role::Provider]) && object == Object::Own),
        ),
        ("POST", "/local-offer/manage/services/{id}/restore") => {
            signed_in(is(&[Role::LocalOfferOfficer]))
        }
        ("POST", "/local-offer/manage/changes/{id}" | "/local-offer/manage/feedback/{id}/read") => {
            signed_in(is(&[Role::LocalOfferOfficer]) && object == Object::Own)
        }
        ("GET", "/local-offer/manage/feedback" | "/local-offer/manage/stale") => {
            signed_in(is(&[Role::LocalOfferOfficer]))
        }
        // "You said, we did" (issue 19): the public page and feedback form (an empty form is
        // a 422); the officer records, moderates (an empty decision is a 422) and downloads the
        // year's report (no year is a 422).
        ("GET", "/local-offer/you-said-we-did" | "/local-offer/feedback")
        | ("POST", "/local-offer/feedback") => Allow,
        ("GET" | "POST", "/local-offer/manage/feedback/new")
        | (
            "GET",
            "/local-offer/manage/feedback/report.csv" | "/local-offer/manage/feedback/report.ods",
        ) => signed_in(is(&[Role::LocalOfferOfficer])),
        ("GET" | "POST", "/local-offer/manage/feedback/{id}") => {
            signed_in(is(&[Role::LocalOfferOfficer]) && object == Object::Own)
        }
        // Importing services: the council's Local Offer officer only (an empty form is a 422).
        ("GET" | "POST", "/local-offer/manage/import")
        | ("POST", "/local-offer/manage/import/feed") => signed_in(is(&[Role::LocalOfferOfficer])),
        // Cases: own is Isla's (Wensum Valley's, linked to the demo parent, provider, health
        // professional and case viewer); other is Ava's at Yare Bank, linked to nobody. The
        // End of Provision letter's own case is Grace's, which has ended.
        ("GET", "/cases") => signed_in(!is(&[
            Role::Finance,
            Role::LocalOfferOfficer,
            Role::SendTeam,
        ])),
        // Core Consultations (issue 19): a school its own (own is Wensum Valley's, other Yare
        // Bank's), the SEND team every one. Empty forms are 422s.
        ("GET" | "POST", "/consultations/new") | ("GET", "/consultations") => {
            signed_in(is(&[Role::School, Role::SendTeam]))
        }
        ("GET", "/consultations/{id}") => {
            signed_in(is(&[Role::SendTeam]) || (is(&[Role::School]) && object == Object::Own))
        }
        ("GET" | "POST", "/consultations/{id}/schedule" | "/consultations/{id}/record") => {
            signed_in(is(&[Role::SendTeam]))
        }
        ("GET" | "POST", "/consultations/{id}/cancel") => {
            signed_in(is(&[Role::SendTeam]) || (is(&[Role::School]) && object == Object::Own))
        }
        ("GET" | "POST", "/consultations/{id}/evaluation") => {
            signed_in(is(&[Role::School]) && object == Object::Own)
        }
        // Specialist place sufficiency: the SEND team (an upload that is not a file, and an
        // empty scenario, are 422s).
        ("GET", "/sufficiency" | "/sufficiency.csv" | "/sufficiency.ods")
        | ("POST", "/sufficiency/returns" | "/sufficiency/scenarios") => {
            signed_in(is(&[Role::SendTeam]))
        }
        ("GET", "/cases/dashboard" | "/resources") => signed_in(is(&STAFF_ALL)),
        // The service's reports name children: the staff who see every child (issue 17). The
        // download without a table is a 422 for them.
        (
            "GET",
            "/reports/section-19"
            | "/reports/section-19.csv"
            | "/reports/section-19.ods"
            | "/reports/ap-census.csv"
            | "/reports/ap-census.ods"
            | "/reports/annual-report.pdf",
        ) => signed_in(is(&STAFF_ALL)),
        // What the service spends names no child: finance, the coordinator and the auditor read
        // it; finance and the coordinator keep the prices and budgets (an empty form is a 422).
        (
            "GET",
            "/reports/finance"
            | "/reports/finance.csv"
            | "/reports/finance.ods"
            | "/finance/prices",
        ) => signed_in(is(&[Role::Finance, Role::Coordinator, Role::Auditor])),
        ("POST", "/finance/prices" | "/finance/budgets") => {
            signed_in(is(&[Role::Finance, Role::Coordinator]))
        }
        ("POST", "/cases/{id}/send" | "/cases/{id}/admissions" | "/cases/{id}/invoices")
        | ("GET", "/cases/{id}/send" | "/cases/{id}/admissions/new" | "/cases/{id}/invoices/new") => {
            signed_in(is(&[Role::Coordinator, Role::Caseworker]))
        }
        ("GET", "/invoices") => signed_in(is(&[Role::Finance, Role::Coordinator, Role::Auditor])),
        // Own is the demo's payable invoice; other names no invoice.
        ("POST", "/invoices/{id}/paid") => signed_in(is(&[Role::Finance]) && object == Object::Own),
        ("POST", p) if p.starts_with("/resources/") => {
            signed_in(is(&[Role::Coordinator, Role::Caseworker]))
        }
        ("GET", "/cases/{id}") => signed_in(pupil_in_scope),
        ("GET" | "POST", "/cases/{id}/plan" | "/cases/{id}/review")
        | ("POST", "/cases/{id}/review/start") => {
            signed_in(is(&[Role::Coordinator, Role::School]) && pupil_in_scope)
        }
        // The forms' pages (GET) open for the roles that may send them; a page whose step the
        // case's state does not allow sends its reader back to the case (a redirect).
        (
            "GET" | "POST",
            "/cases/{id}/start"
            | "/cases/{id}/continuation/agree"
            | "/cases/{id}/end"
            | "/cases/{id}/life-limiting",
        ) => signed_in(is(&[Role::Coordinator])),
        ("GET", "/cases/{id}/attendance") => {
            signed_in(is(&[Role::Coordinator, Role::Caseworker, Role::School]) && pupil_in_scope)
        }
        // Only Isla's (own) case has started; a herringbone waits for provision.
        ("POST", "/cases/{id}/attendance") => signed_in(
            is(&[Role::Coordinator, Role::Caseworker, Role::School]) && object == Object::Own,
        ),
        ("POST", "/cases/{id}/welfare-checks") | ("GET", "/cases/{id}/welfare-checks/new") => {
            signed_in(is(&[Role::School]) && object == Object::Own)
        }
        ("POST", "/cases/{id}/concerns") | ("GET", "/cases/{id}/concerns/new") => {
            signed_in(is(&[Role::Provider, Role::Coordinator]) && pupil_in_scope)
        }
        ("POST", "/cases/{id}/sessions") | ("GET", "/cases/{id}/sessions/new") => {
            signed_in(is(&[Role::Provider, Role::Coordinator]) && pupil_in_scope)
        }
        ("GET" | "POST", "/cases/{id}/continuation") => {
            signed_in(is(&[Role::School]) && object == Object::Own)
        }
        ("GET" | "POST", "/cases/{id}/end-request") => signed_in(
            is(&[Role::School, Role::Provider, Role::HealthProfessional]) && pupil_in_scope,
        ),
        ("GET", "/cases/{id}/plan.pdf") => signed_in(
            is(&[
                Role::Coordinator,
                Role::Caseworker,
                Role::Auditor,
                Role::School,
                Role::Parent,
                Role::HealthProfessional,
            ]) && pupil_in_scope
                && object == Object::Own,
        ),
        ("GET", "/cases/{id}/end-letter.pdf") => signed_in(
            is(&[
                Role::Coordinator,
                Role::Caseworker,
                Role::Auditor,
                Role::School,
            ]) && object == Object::Own,
        ),
        _ => return crate::referral_form_matrix::expectation(method, path, role, object),
    })
}

/// The demo directory's records that stand for "own" (the demo provider's) and "other" on the
/// Local Offer's routes.
struct DirectoryIds {
    own_service: String,
    other_service: String,
    own_location: String,
    other_location: String,
    change: String,
    feedback: String,
    taxonomy: String,
    term: String,
    own_organization: String,
    other_organization: String,
    event: String,
}

const NO_SUCH_RECORD: &str = "00000000-0000-4000-8000-000000000000";

impl DirectoryIds {
    async fn of(app: &TestApp) -> DirectoryIds {
        let store = &app.app.store_for_tests();
        let provider = store
            .find_user_by_email("provider@demo.invalid")
            .await
            .unwrap()
            .expect("demo provider");
        let own_org = store.organizations_of_user(&provider.id).await.unwrap()[0]
            .id
            .clone();
        let active = |entries: Vec<mns_store::ServiceEntry>| {
            entries
                .into_iter()
                .find(|e| {
                    e.service.status == mns_domain::directory::ServiceStatus::Active
                        && !e.service.locations.is_empty()
                })
                .expect("an active service with a location")
                .service
        };
        let own = active(store.services_of_organization(&own_org).await.unwrap());
        let (_, orgs) = store.directory_organizations(None, 1, 500).await.unwrap();
        let mut other = None;
        for org in orgs.iter().filter(|o| o.id != own_org) {
            let entries = store.services_of_organization(&org.id).await.unwrap();
            if entries.iter().any(|e| {
                e.service.status == mns_domain::directory::ServiceStatus::Active
                    && !e.service.locations.is_empty()
            }) {
                other = Some(active(entries));
                break;
            }
        }
        let other = other.expect("another organisation's service");
        let change = store
            .directory_changes_with_status("pending")
            .await
            .unwrap()[0]
            .id
            .clone();
        let feedback = store.directory_feedback(None).await.unwrap()[0].id.clone();
        let term = store.directory_terms(None).await.unwrap()[0].clone();
        let event = store
            .events(Some(app.app.now()), false)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.confirmed < e.event.capacity)
            .expect("a demo event with places")
            .id;
        DirectoryIds {
            event,
            own_location: own.locations[0].id.clone(),
            other_location: other.locations[0].id.clone(),
            own_service: own.id,
            other_service: other.id.clone(),
            change,
            feedback,
            taxonomy: term.taxonomy_id.clone(),
            term: term.id,
            own_organization: own_org,
            other_organization: other.organization_id,
        }
    }

    fn id_for(&self, path: &str, object: Object) -> String {
        let own = object == Object::Own;
        let pick = |a: &String, b: &String| if own { a.clone() } else { b.clone() };
        if path.contains("/events/") {
            pick(&self.event, &NO_SUCH_RECORD.to_string())
        } else if path.contains("/changes/") {
            pick(&self.change, &NO_SUCH_RECORD.to_string())
        } else if path.contains("/feedback/") {
            pick(&self.feedback, &NO_SUCH_RECORD.to_string())
        } else if path.contains("/service_at_locations/") {
            pick(&self.own_location, &self.other_location)
        } else if path.contains("/taxonomies/") {
            self.taxonomy.clone()
        } else if path.contains("/taxonomy_terms/") {
            self.term.clone()
        } else if path.contains("/organizations/") {
            pick(&self.own_organization, &self.other_organization)
        } else {
            pick(&self.own_service, &self.other_service)
        }
    }
}

/// The demo account of each role, and the pupil in its scope.
fn account(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Coordinator => ("coordinator@demo.invalid", "Amelia"),
        Role::Caseworker => ("caseworker@demo.invalid", "Amelia"),
        Role::School => ("school@demo.invalid", "Amelia"),
        Role::Parent => ("parent@demo.invalid", "Amelia"),
        Role::Provider => ("provider@demo.invalid", "Amelia"),
        Role::HealthProfessional => ("health@demo.invalid", "Noah"),
        Role::CaseViewer => ("viewer@demo.invalid", "Freya"),
        Role::Finance => ("finance@demo.invalid", "Amelia"),
        Role::Auditor => ("auditor@demo.invalid", "Amelia"),
        Role::LocalOfferOfficer => ("localoffer@demo.invalid", "Amelia"),
        Role::SendTeam => ("send@demo.invalid", "Amelia"),
    }
}

/// Which demo referral (by the pupil's first name) stands for "own" and "other" on a route:
/// the school journey edits a draft; letters need a decision; the desk needs a submitted one.
/// Own ones are Wensum Valley's (school@demo.invalid), other ones Yare Bank's.
fn referral_subjects(method: &Method, path: &str) -> (&'static str, &'static str) {
    if path.starts_with("/referrals/{id}/evidence") {
        ("Noah", "Amelia")
    } else if path.ends_with("/letter.pdf") {
        ("Isla", "Freya")
    } else if path.contains("/form/")
        || path.ends_with("/check-answers")
        || path.ends_with("/submit")
        || path.ends_with("/delete")
        || (path.ends_with("/documents") && *method == Method::POST)
        || path.ends_with("/form")
        || (path.ends_with("/attendance") && *method == Method::POST)
        || *method == Method::PUT
    {
        ("Oliver", "Leo")
    } else {
        ("Amelia", "Noah")
    }
}

/// The id of the demo referral for the pupil with this first name.
pub async fn referral_of(app: &TestApp, first_name: &str) -> String {
    for urn in ["121001", "121002", "121003"] {
        for r in app
            .app
            .store_for_tests()
            .referrals_for_school(urn, 100)
            .await
            .unwrap()
        {
            let form: serde_json::Value = serde_json::from_str(&r.form_json).unwrap();
            if form["pupil"]["first_name"] == first_name {
                return r.id;
            }
        }
    }
    panic!("no demo referral for {first_name}")
}

fn outcome(path: &str, response: &TestResponse) -> Expect {
    let api = path.starts_with("/api/");
    match response.status {
        StatusCode::NOT_FOUND => Deny,
        StatusCode::UNAUTHORIZED if api => SignIn,
        StatusCode::SEE_OTHER if response.location() == "/sign-in" => SignIn,
        s if s.is_server_error() || s == StatusCode::FORBIDDEN => {
            panic!("{path} answered {s}: {}", response.body)
        }
        _ => Allow,
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // A user the coordinator may disable without breaking the other cells.
    let leaver = app
        .app
        .add_user(
            &mns_app::system_actor("test"),
            mns_app::identity::users::NewUser {
                email: "leaver@example.org".into(),
                display_name: "Leaver".into(),
                role: "parent".into(),
                school_urn: None,
                password: None,
            },
        )
        .await
        .unwrap()
        .user
        .id;
    let other_pupil = app.pupil("Finley").await.id;
    let demo_parent = app
        .app
        .store_for_tests()
        .find_user_by_email("parent@demo.invalid")
        .await
        .unwrap()
        .unwrap()
        .id;
    let directory = DirectoryIds::of(&app).await;
    let payable_invoice = app
        .app
        .store_for_tests()
        .invoices(None)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.status == mns_domain::provision::InvoiceStatus::Payable)
        .expect("a payable demo invoice")
        .id;
    let routes = mns_web::routes();
    let missing: Vec<String> = routes
        .iter()
        .filter(|r| expectation(&r.method, r.path, None, Object::Own).is_none())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes with no entry in the authorisation matrix: {missing:?}"
    );

    let mut roles: Vec<Option<Role>> = vec![None];
    roles.extend(Role::ALL.into_iter().map(Some));
    let mut checked = 0;
    let mut failures = Vec::new();
    for role in roles {
        let new_client = || async {
            match role {
                Some(role) => app.signed_in(account(role).0).await,
                None => {
                    let mut c = app.client();
                    c.get("/sign-in").await;
                    c
                }
            }
        };
        let mut client: Client<'_> = new_client().await;
        for object in [Object::Own, Object::Other] {
            let pupil_id = match (role, object) {
                (Some(role), Object::Own) => app.pupil(account(role).1).await.id,
                (None, Object::Own) => app.pupil("Amelia").await.id,
                (_, Object::Other) => other_pupil.clone(),
            };
            for r in &routes {
                let id = if r.path.starts_with("/users/") {
                    if object == Object::Own {
                        leaver.clone()
                    } else {
                        "00000000-0000-4000-8000-000000000000".into()
                    }
                } else if r.path.starts_with("/consultations/") {
                    let urn = if object == Object::Own {
                        "121001"
                    } else {
                        "121002"
                    };
                    app.app
                        .store_for_tests()
                        .consultations(Some(urn))
                        .await
                        .unwrap()
                        .first()
                        .expect("a demo consultation at each school")
                        .id
                        .clone()
                } else if r.path.starts_with("/local-offer/") || r.path.starts_with("/api/oruk/") {
                    directory.id_for(r.path, object)
                } else if r.path.contains("/documents/{id}") {
                    let referral = referral_of(
                        &app,
                        if object == Object::Own {
                            "Amelia"
                        } else {
                            "Noah"
                        },
                    )
                    .await;
                    app.app
                        .store_for_tests()
                        .documents_for("referral", &referral)
                        .await
                        .unwrap()[0]
                        .id
                        .clone()
                } else if r.path.starts_with("/invoices/") {
                    if object == Object::Own {
                        payable_invoice.clone()
                    } else {
                        NO_SUCH_RECORD.to_string()
                    }
                } else if r.path.starts_with("/cases/{id}") {
                    let own = if r.path.ends_with("/end-letter.pdf") {
                        "Grace"
                    } else {
                        "Isla"
                    };
                    referral_of(&app, if object == Object::Own { own } else { "Ava" }).await
                } else if r.path == "/referrals/{id}/delete"
                    && r.method == Method::POST
                    && object == Object::Own
                {
                    // Deleting is for real: a fresh draft of Wensum Valley's each time, so
                    // Oliver's stays for the other cells.
                    let school = mns_app::Actor {
                        user: app
                            .app
                            .store_for_tests()
                            .find_user_by_email("school@demo.invalid")
                            .await
                            .unwrap()
                            .unwrap(),
                        source: "test".into(),
                    };
                    app.app.start_referral(&school).await.unwrap().record.id
                } else if r.path.starts_with("/referrals/")
                    || r.path.starts_with("/api/v1/referrals/")
                {
                    let (own, other) = referral_subjects(&r.method, r.path);
                    referral_of(&app, if object == Object::Own { own } else { other }).await
                } else {
                    pupil_id.clone()
                };
                let path = r
                    .path
                    .replace("{id}", &id)
                    .replace("{file}", "govuk-frontend.min.css")
                    .replace("{token}", NO_SUCH_RECORD)
                    .replace("{provider}", "nobody")
                    .replace("{user}", &demo_parent);
                let response = if r.method == Method::POST {
                    client.post(&path, &[]).await
                } else if r.method == Method::GET {
                    client.get(&path).await
                } else {
                    let csrf = client.csrf.clone();
                    client
                        .request(r.method.clone(), &path, Some(vec![("csrf_token", &csrf)]))
                        .await
                };
                let expected = expectation(&r.method, r.path, role, object).unwrap();
                let got = outcome(&path, &response);
                checked += 1;
                if got != expected {
                    failures.push(format!(
                        "{} {} as {:?} ({object:?}): expected {expected:?}, got {got:?} ({})",
                        r.method, r.path, role, response.status
                    ));
                }
                if path == "/sign-out" {
                    client = new_client().await;
                }
                // Give the demo parent back the access a removal took.
                if r.path == "/pupils/{id}/access/{user}/remove"
                    && r.method == Method::POST
                    && got == Allow
                {
                    let mut tx = app.app.store_for_tests().begin().await.unwrap();
                    tx.link_pupil(&demo_parent, &pupil_id, "parent", app.app.now())
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                }
                // Re-enable the leaver so every role's cell sees the same world.
                if path.ends_with("/disable") && got == Allow {
                    let mut tx = app.app.store_for_tests().begin().await.unwrap();
                    tx.enable_user(&leaver).await.unwrap();
                    tx.commit().await.unwrap();
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, routes.len() * (Role::ALL.len() + 1) * 2);
}

#[tokio::test]
async fn a_school_user_cannot_see_or_change_another_schools_pupil() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut school = app.signed_in("school@demo.invalid").await;
    let own = app.pupil("Amelia").await;
    let other = app.pupil("Noah").await; // Yare Bank Academy
    assert_eq!(
        school.get(&format!("/pupils/{}", own.id)).await.status,
        StatusCode::OK
    );
    let response = school.get(&format!("/pupils/{}", other.id)).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert!(
        !response.body.contains("Noah"),
        "a 404 must not leak the pupil's name"
    );
    assert_eq!(
        school
            .get(&format!("/api/v1/pupils/{}", other.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The answer for another school's pupil is the same as for a pupil that does not exist.
    let missing = school
        .get("/pupils/00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let list = school.get("/pupils").await;
    assert!(list.body.contains("Amelia") && !list.body.contains("Noah"));
}

async fn pupils_seen_by(app: &TestApp, email: &str) -> Vec<String> {
    let mut client = app.signed_in(email).await;
    let json = client.get("/api/v1/pupils").await.json();
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["given_name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn mn_role_3_a_parent_sees_only_their_own_children_and_cannot_refer() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(
        pupils_seen_by(&app, "parent@demo.invalid").await,
        ["Amelia", "Oliver", "Isla"]
    );
    let mut parent = app.signed_in("parent@demo.invalid").await;
    assert_eq!(
        parent.post("/referrals", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn mn_role_4_a_provider_sees_only_the_pupils_assigned_to_them() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(
        pupils_seen_by(&app, "provider@demo.invalid").await,
        ["Amelia", "Isla", "Noah", "Theo"]
    );
}

#[tokio::test]
async fn mn_role_5_a_health_professional_sees_only_named_pupils() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(
        pupils_seen_by(&app, "health@demo.invalid").await,
        ["Isla", "Noah"]
    );
}

/// The operations that once took no acting user (a case's SEND details, hospital episodes and
/// invoices; a referral's checks) now decide for themselves, whatever page or API calls them.
#[tokio::test]
async fn case_details_and_referral_checks_are_decided_by_the_application_for_every_role() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let case = referral_of(&app, "Isla").await;
    let referral = referral_of(&app, "Amelia").await;
    for role in Role::ALL {
        let actor = mns_app::Actor {
            user: app
                .app
                .store_for_tests()
                .find_user_by_email(account(role).0)
                .await
                .unwrap()
                .unwrap(),
            source: "test".into(),
        };
        let council = STAFF_ALL.contains(&role);
        let special = council || role == Role::School;
        assert_eq!(
            app.app.send_details(&actor, &case).await.is_ok(),
            special,
            "SEND details as {role:?}"
        );
        assert_eq!(
            app.app.episodes(&actor, &case).await.is_ok(),
            special,
            "episodes as {role:?}"
        );
        assert_eq!(
            app.app.case_invoices(&actor, &case).await.is_ok(),
            council,
            "invoices as {role:?}"
        );
        if let Ok(view) = app.app.view_referral(&actor, &referral).await {
            assert_eq!(
                app.app.checks_for(&actor, &view, None).await.is_ok(),
                council,
                "checks as {role:?}"
            );
        }
    }
}

/// The case operations refuse exactly the roles the domain's table refuses
/// (`provision::CaseAction::allowed_for`), as every role, on a case each of them may see
/// when their role allows it: one table decides, and the case page shows the same table.
/// (Writing Part A or B and asking to continue take whole records; their role checks are the
/// same `require` call.)
#[tokio::test]
async fn case_operations_refuse_exactly_the_roles_the_table_refuses() {
    use mns_domain::provision::{CaseAction, EndReason};
    for role in Role::ALL {
        let app = TestApp::spawn(Backend::Sqlite).await;
        let case = referral_of(&app, "Isla").await;
        let ended = referral_of(&app, "Grace").await;
        let actor = mns_app::Actor {
            user: app
                .app
                .store_for_tests()
                .find_user_by_email(account(role).0)
                .await
                .unwrap()
                .unwrap(),
            source: "test".into(),
        };
        let a = &app.app;
        let day = a.today();
        let not_found =
            |r: Result<(), mns_app::AppError>| matches!(r, Err(mns_app::AppError::NotFound));
        let outcomes: Vec<(CaseAction, bool)> = vec![
            (
                CaseAction::StartProvision,
                not_found(a.start_provision(&actor, &case, day, None).await),
            ),
            (
                CaseAction::LogSession,
                not_found(
                    a.log_session(&actor, &case, day, "no-such-kind", -1.0, "")
                        .await,
                ),
            ),
            (
                CaseAction::DecideContinuation,
                not_found(a.agree_continuation(&actor, &case).await),
            ),
            (
                CaseAction::RequestEnd,
                not_found(a.request_end(&actor, &case, None, "").await),
            ),
            (
                CaseAction::SetLifeLimiting,
                not_found(a.set_life_limiting(&actor, &case, false).await),
            ),
            (
                CaseAction::LogWelfareCheck,
                not_found(
                    a.log_welfare_check(&actor, &case, day + chrono::Duration::days(400), "")
                        .await,
                ),
            ),
            (
                CaseAction::RaiseConcern,
                not_found(a.raise_concern(&actor, &case, "").await),
            ),
            (
                CaseAction::ReadSpecialSituations,
                not_found(a.episodes(&actor, &case).await.map(|_| ())),
            ),
            (
                CaseAction::RecordSpecialSituations,
                not_found(a.record_admission(&actor, &case, "", "", None, None).await),
            ),
            (
                CaseAction::ReadInvoices,
                not_found(a.case_invoices(&actor, &case).await.map(|_| ())),
            ),
            (
                CaseAction::ReadPlanRecord,
                not_found(a.plan_record_pdf(&actor, &case).await.map(|_| ())),
            ),
            (
                CaseAction::ReadEndLetter,
                not_found(a.end_letter_pdf(&actor, &ended).await.map(|_| ())),
            ),
            (
                CaseAction::StartReview,
                not_found(a.start_review(&actor, &case).await),
            ),
            (
                CaseAction::EndProvision,
                not_found(
                    a.end_case(
                        &actor,
                        &case,
                        (
                            EndReason::WellEnoughToReturn,
                            mns_domain::outcomes::CaseOutcome::Other,
                        ),
                        day,
                        "",
                    )
                    .await,
                ),
            ),
        ];
        for (action, refused) in outcomes {
            // Who may see the case at all is the scope's to say (a parent sees their own
            // children's), the same for every action.
            let on = if action == CaseAction::ReadEndLetter {
                &ended
            } else {
                &case
            };
            let in_scope = a.view_case(&actor, on).await.is_ok();
            assert_eq!(
                refused,
                !(in_scope && action.allowed_for(role)),
                "{action:?} as {role:?}"
            );
        }
    }
}

/// Every service-wide and referral operation of `App`, called as every role: each is refused
/// (`NotFound`) exactly when the permissions table refuses the role (or the record is outside
/// the actor's scope), whatever else is wrong with the request. Together with the case test
/// above, this covers every operation that takes the acting user.
#[tokio::test]
async fn service_operations_refuse_exactly_the_roles_the_table_refuses() {
    use mns_app::AppError;
    use mns_app::documents::DocumentAccess;
    use mns_domain::permissions::Capability;
    use mns_domain::referral::{DecisionOutcome, ReferralAction};
    use std::collections::HashSet;
    fn ok<T>(r: Result<T, AppError>) -> Result<(), AppError> {
        r.map(|_| ())
    }
    let mut covered = HashSet::new();
    for role in Role::ALL {
        let app = TestApp::spawn(Backend::Sqlite).await;
        let submitted = referral_of(&app, "Amelia").await;
        let draft = referral_of(&app, "Oliver").await;
        let decided = referral_of(&app, "Isla").await;
        let store = app.app.store_for_tests();
        let user = |email: &str| {
            let email = email.to_string();
            async move { store.find_user_by_email(&email).await.unwrap().unwrap() }
        };
        let actor = mns_app::Actor {
            user: user(account(role).0).await,
            source: "test".into(),
        };
        let coordinator = mns_app::Actor {
            user: user("coordinator@demo.invalid").await,
            source: "test".into(),
        };
        let pupil = app
            .app
            .view_referral(&coordinator, &submitted)
            .await
            .unwrap()
            .record
            .pupil_id
            .unwrap();
        let a = &app.app;
        let refused = |r: Result<(), AppError>| matches!(r, Err(AppError::NotFound));
        let event = store.events(None, true).await.unwrap()[0].id.clone();
        let consultation = store.consultations(None).await.unwrap()[0].id.clone();
        let feedback = store.directory_feedback(None).await.unwrap()[0].id.clone();

        // The service-wide part of the table: no record, so no scope.
        let outcomes: Vec<(Capability, bool)> =
            vec![
            (
                Capability::StartReferral,
                refused(a.may_start_referral(&actor)),
            ),
            (
                Capability::ReadReferralQueue,
                refused(ok(a.referral_queue(&actor, &Default::default()).await)),
            ),
            (
                Capability::ReadReferralQueue,
                refused(ok(a.referral_counts(&actor).await)),
            ),
            (
                Capability::ReadReferralQueue,
                refused(ok(a.schools_with_referrals(&actor).await)),
            ),
            (
                Capability::StartReferral,
                refused(ok(a.school_referrals(&actor).await)),
            ),
            (
                Capability::LogEnquiry,
                refused(ok(a.recent_enquiries(&actor).await)),
            ),
            (
                Capability::ReadChildren,
                refused(ok(a.list_pupils(&actor).await)),
            ),
            (
                Capability::ReadChildren,
                refused(ok(a
                    .my_cases(&actor, false, false, Default::default(), 50)
                    .await)),
            ),
            (
                Capability::ManageRetention,
                refused(ok(a.legal_hold(&actor, &pupil).await)),
            ),
            (
                Capability::ReadCaseDashboard,
                refused(ok(a.case_dashboard(&actor).await)),
            ),
            (
                Capability::ReadResources,
                refused(ok(a.resources(&actor).await)),
            ),
            (
                Capability::ReadCosts,
                refused(ok(a.price_list(&actor).await)),
            ),
            (
                Capability::ManageCosts,
                refused(ok(a
                    .set_budget(&actor, "2026", "service_budget", "1")
                    .await)),
            ),
            (
                Capability::ReadServiceReports,
                refused(ok(a
                    .compliance_report(&actor, &Default::default())
                    .await)),
            ),
            (
                Capability::ManageEvents,
                refused(ok(a.organiser_events(&actor).await)),
            ),
            (
                Capability::ManageEvents,
                refused(ok(a.publish_event(&actor, &Default::default()).await)),
            ),
            (
                Capability::ManageEvents,
                refused(ok(a.event_for_organiser(&actor, &event).await)),
            ),
            (
                Capability::ManageEvents,
                refused(ok(a.event_attendance(&actor, &event).await)),
            ),
            (
                Capability::ManageEvents,
                refused(a.change_event(&actor, &event, &Default::default()).await),
            ),
            (
                Capability::ManageEvents,
                refused(a.cancel_event(&actor, &event, "").await),
            ),
            (
                Capability::ManageEvents,
                refused(ok(a.mark_attendance(&actor, &event, &[]).await)),
            ),
            (
                Capability::ManageEvents,
                refused(ok(a
                    .attendance_export(&actor, &event, mns_app::reports::ExportFormat::Csv)
                    .await)),
            ),
            (
                Capability::RequestConsultation,
                refused(ok(a.consultations(&actor).await)),
            ),
            (
                Capability::RequestConsultation,
                refused(ok(a
                    .request_consultation(&actor, "", "", Default::default())
                    .await)),
            ),
            (
                Capability::ManageConsultations,
                refused(ok(a.consultation_figures(&actor).await)),
            ),
            (
                Capability::ManageConsultations,
                refused(a
                    .schedule_consultation(&actor, &consultation, &Default::default())
                    .await),
            ),
            (
                Capability::ManageConsultations,
                refused(a
                    .record_consultation(&actor, &consultation, Default::default(), &[])
                    .await),
            ),
            (
                Capability::ManageSufficiency,
                refused(ok(a.sufficiency(&actor, "", 0).await)),
            ),
            (
                Capability::ManageSufficiency,
                refused(ok(a
                    .sufficiency_export(&actor, "", 0, mns_app::reports::ExportFormat::Csv)
                    .await)),
            ),
            (
                Capability::ManageSufficiency,
                refused(ok(a.add_scenario(&actor, &Default::default()).await)),
            ),
            (
                Capability::ManageSufficiency,
                refused(ok(a
                    .import_sufficiency_return(
                        &actor,
                        mns_app::sufficiency::ReturnKind::Capacity,
                        None,
                        "",
                        b"",
                    )
                    .await)),
            ),
            (Capability::ManageResources, refused(a.add_robot(&actor, "").await)),
            (
                Capability::ReadInvoices,
                refused(ok(a.invoice_list(&actor).await)),
            ),
            (
                Capability::ReadAttendanceAlerts,
                refused(ok(a.attendance_alerts(&actor, &Default::default()).await)),
            ),
            (
                Capability::ReadAttendanceAlerts,
                refused(ok(a
                    .attendance_alert_counts(&actor, mns_app::records::AlertStatus::Open)
                    .await)),
            ),
            (
                Capability::ManageAssessments,
                refused(ok(a
                    .referrals_for_assessment(&actor, "00000000-0000-4000-8000-000000000000")
                    .await)),
            ),
            (
                Capability::ActOnAttendanceAlerts,
                refused(ok(a
                    .import_school_attendance(
                        &actor,
                        &mns_app::early_identification::SchoolImport {
                            urn: "121001".into(),
                            school_year: mns_domain::calendar::SchoolYear::new(2025),
                            source: "county.csv".into(),
                            fingerprint: "test".into(),
                            rows: 0,
                            pupils: Vec::new(),
                        },
                    )
                    .await)),
            ),
            (Capability::ManageUsers, refused(ok(a.list_users(&actor).await))),
            (
                Capability::ManageUsers,
                refused(ok(a
                    .issue_api_token(&actor, "parent@demo.invalid", "", None)
                    .await)),
            ),
            (
                Capability::ChangeReferenceData,
                refused(ok(a.import_schools(&actor, b"").await)),
            ),
            (
                Capability::ChangeReferenceData,
                refused(a.save_calendars(&actor, &[], &Default::default()).await),
            ),
            (
                Capability::VerifyAuditTrail,
                refused(ok(a.check_audit_trail(&actor).await)),
            ),
            (
                Capability::ReadAccessHistory,
                refused(ok(a.user_label(&actor, "nobody").await)),
            ),
            (
                Capability::ProposeDirectoryChanges,
                refused(ok(a.my_directory_changes(&actor).await)),
            ),
            (
                Capability::ManageDirectoryEntries,
                refused(ok(a.my_directory_organizations(&actor).await)),
            ),
            (
                Capability::ApproveDirectoryChanges,
                refused(ok(a.pending_directory_changes(&actor).await)),
            ),
            (
                Capability::ApproveDirectoryChanges,
                refused(ok(a.directory_feedback(&actor).await)),
            ),
            (
                Capability::ApproveDirectoryChanges,
                refused(ok(a.send_review_reminders(&actor).await)),
            ),
            (
                Capability::ApproveDirectoryChanges,
                refused(ok(a.feedback_for_moderation(&actor, &feedback).await)),
            ),
            (
                Capability::ApproveDirectoryChanges,
                refused(ok(a.record_feedback(&actor, &Default::default()).await)),
            ),
            (
                Capability::ApproveDirectoryChanges,
                refused(a.moderate_feedback(&actor, &feedback, &Default::default()).await),
            ),
            (
                Capability::ApproveDirectoryChanges,
                refused(ok(a
                    .feedback_report(&actor, "2026", mns_app::reports::ExportFormat::Csv)
                    .await)),
            ),
            (
                Capability::NotifyHealth,
                refused(a.may_notify_health(&actor)),
            ),
            (
                Capability::DecideReferral,
                refused(ok(a.open_notification_enquiries(&actor).await)),
            ),
            (
                Capability::NotifyHealth,
                refused(ok(a.schools_for_notification(&actor, "Wensum").await)),
            ),
            // Writes last: a role that may gets a named problem, not a change.
            (
                Capability::NotifyHealth,
                refused(ok(a
                    .read_health_notification(&actor, &Default::default())
                    .await)),
            ),
            (
                Capability::NotifyHealth,
                // A school that is not in the list: a named problem for those who may.
                refused(ok(a
                    .notify_health(&actor, &crate::health_notification::notification("999999"))
                    .await)),
            ),
            (
                Capability::LogEnquiry,
                refused(ok(a
                    .log_enquiry(
                        &actor,
                        serde_json::from_value(serde_json::json!({
                            "received_on": "2026-01-05", "enquirer_name": "", "enquirer": "parent",
                            "child_name": "", "child_date_of_birth": null, "school": null,
                            "consent_to_discuss_with_school": false, "summary": "",
                            "guidance_given": "", "recorded_by": ""
                        }))
                        .unwrap(),
                    )
                    .await)),
            ),
            (
                Capability::ManageUsers,
                refused(ok(a
                    .add_user(
                        &actor,
                        mns_app::identity::users::NewUser {
                            email: String::new(),
                            display_name: String::new(),
                            role: "nobody".into(),
                            school_urn: None,
                            password: None,
                        },
                    )
                    .await)),
            ),
            (
                Capability::PayInvoices,
                // No such invoice: refused alike, so only the role part can be seen here.
                refused(a.pay_invoice(&actor, "no-such-invoice").await)
                    && !Capability::PayInvoices.allowed_for(role),
            ),
        ];
        for (capability, was_refused) in outcomes {
            covered.insert(capability);
            assert_eq!(
                was_refused,
                !capability.allowed_for(role),
                "{capability:?} as {role:?}"
            );
        }

        // A child's record: the table and the actor's scope.
        let pupil_in_scope = a.view_pupil(&actor, &pupil).await.is_ok();
        for (capability, was_refused) in [
            (
                Capability::ReadAccessHistory,
                refused(ok(a.pupil_access_history(&actor, &pupil).await)),
            ),
            (
                Capability::ManageRetention,
                refused(a.set_legal_hold(&actor, &pupil, true, "").await),
            ),
            (
                Capability::ManageChildAccess,
                refused(ok(a.child_access_list(&actor, &pupil).await)),
            ),
        ] {
            covered.insert(capability);
            assert_eq!(
                was_refused,
                !(pupil_in_scope && capability.allowed_for(role)),
                "{capability:?} as {role:?}"
            );
        }

        // One referral: the referral's part of the table, on a referral in the right state.
        let view_as_coordinator = a.view_referral(&coordinator, &submitted).await.unwrap();
        let sees = |id: &str| {
            let id = id.to_string();
            let actor = actor.clone();
            async move { a.view_referral(&actor, &id).await.is_ok() }
        };
        let outcomes: Vec<(ReferralAction, &str, bool)> = vec![
            (
                ReferralAction::ReadChecks,
                &submitted,
                refused(ok(a.checks_for(&actor, &view_as_coordinator, None).await)),
            ),
            (
                ReferralAction::Decide,
                &submitted,
                refused(ok(a
                    .decide_referral(
                        &actor,
                        &submitted,
                        DecisionOutcome::Decline {
                            reasons: Vec::new(),
                            explanation: String::new(),
                        },
                    )
                    .await)),
            ),
            (
                ReferralAction::Decide,
                &submitted,
                refused(a.may_decide_referral(&actor, &submitted).await),
            ),
            (
                ReferralAction::Decide,
                &submitted,
                refused(ok(a
                    .preview_decision(&actor, &submitted, &DecisionOutcome::Accept)
                    .await)),
            ),
            (
                ReferralAction::ReadChecks,
                &submitted,
                refused(ok(a.referral_assignment(&actor, &submitted).await)),
            ),
            (
                ReferralAction::ReadChecks,
                &submitted,
                refused(ok(a.school_phase_flag(&actor, &view_as_coordinator).await)),
            ),
            (
                ReferralAction::Assign,
                &submitted,
                refused(a.assign_referral(&actor, &submitted, None).await),
            ),
            (
                ReferralAction::MarkWaitingForEvidence,
                &submitted,
                refused(a.set_waiting_for_evidence(&actor, &submitted, None).await),
            ),
            (
                ReferralAction::AddDocuments,
                &submitted,
                !a.may_use_documents(
                    &actor,
                    mns_app::referrals::REFERRAL,
                    &submitted,
                    DocumentAccess::Upload,
                )
                .await
                .unwrap(),
            ),
            (
                ReferralAction::EditForm,
                &draft,
                refused(ok(a
                    .save_referral(&actor, &draft, Default::default())
                    .await)),
            ),
            (
                ReferralAction::EditForm,
                &draft,
                refused(a.may_edit_referral(&actor, &draft).await),
            ),
            (
                ReferralAction::ReadDecisionLetter,
                &decided,
                refused(ok(a.decision_letter(&actor, &decided).await)),
            ),
            (
                ReferralAction::MarkWaitingForEvidence,
                &submitted,
                refused(
                    a.add_note(&actor, mns_app::notes::NoteOn::Referral, &submitted, "")
                        .await,
                ),
            ),
        ];
        for (action, id, was_refused) in outcomes {
            covered.extend(match action {
                ReferralAction::Decide
                | ReferralAction::ResolvePupilMatch
                | ReferralAction::Assign => Some(Capability::DecideReferral),
                ReferralAction::MarkWaitingForEvidence => Some(Capability::WorkReferral),
                ReferralAction::ReadDecisionLetter => Some(Capability::ReadReferrals),
                _ => None,
            });
            // The demo parent is Isla's (the decided referral): parents read the letter on
            // their own child's decided referral, and nothing else of it (MN-ROLE-3).
            let in_scope = sees(id).await
                || action == ReferralAction::ReadChecks
                || (action == ReferralAction::ReadDecisionLetter && role == Role::Parent);
            let record = store.get_referral(id).await.unwrap().unwrap();
            let open = action.open_in(
                role,
                &mns_domain::referral::ReferralFacts {
                    status: mns_domain::referral::ReferralStatus::parse(&record.status).unwrap(),
                    pupil_match_open: false,
                    case_wants_evidence: false,
                },
            );
            // The referrals are chosen so that each action is open for the roles it is for
            // (the school's own actions close once it has sent a referral).
            assert!(
                open || !action.allowed_for(role) || role == Role::School,
                "{action:?} should be open on the referral chosen for it"
            );
            assert_eq!(
                was_refused,
                !(in_scope && action.allowed_for(role) && open),
                "{action:?} as {role:?}"
            );
        }

        // Giving evidence (MN-EV-1, MN-EV-8): health professionals only, on a referral of a
        // child linked to them (Noah's, waiting for evidence). Empty answers and an empty file
        // are refused with their problems, so a role that may changes nothing here.
        let waiting = referral_of(&app, "Noah").await;
        let gives = Capability::GiveEvidence.allowed_for(role);
        assert_eq!(
            ReferralAction::GiveEvidence.allowed_for(role),
            gives,
            "GiveEvidence as {role:?}"
        );
        covered.insert(Capability::GiveEvidence);
        for (what, was_refused) in [
            ("requests", refused(ok(a.evidence_requests(&actor).await))),
            (
                "request",
                refused(ok(a.evidence_request(&actor, &waiting).await)),
            ),
            ("told", refused(ok(a.evidence_told(&actor, &waiting).await))),
            (
                "preview",
                refused(ok(a
                    .preview_evidence(&actor, &waiting, &Default::default())
                    .await)),
            ),
            (
                "hold",
                refused(ok(a
                    .hold_evidence_document(&actor, &waiting, "letter.pdf", b"")
                    .await)),
            ),
            (
                "give",
                refused(ok(a
                    .give_evidence(&actor, &waiting, &Default::default(), "none")
                    .await)),
            ),
        ] {
            assert_eq!(was_refused, !gives, "GiveEvidence ({what}) as {role:?}");
        }

        // Deleting a draft: on a fresh draft of Wensum Valley's (so the ones above stay), and
        // never on a referral that has been sent, whoever asks.
        let school = mns_app::Actor {
            user: user("school@demo.invalid").await,
            source: "test".into(),
        };
        let spare = a.start_referral(&school).await.unwrap().record.id;
        let in_scope = sees(&spare).await;
        assert_eq!(
            refused(a.delete_draft_referral(&actor, &spare).await),
            !(in_scope && ReferralAction::DeleteDraft.allowed_for(role)),
            "DeleteDraft as {role:?}"
        );
        assert!(
            refused(a.delete_draft_referral(&actor, &submitted).await),
            "a sent referral is never deleted, as {role:?}"
        );
        assert_eq!(
            refused(ok(a.draft_for_deleting(&actor, &draft).await)),
            !(sees(&draft).await && ReferralAction::DeleteDraft.allowed_for(role)),
            "the delete page as {role:?}"
        );
    }
    // Every capability with an operation is called (reference data is public: schools and term
    // dates are read without an actor, and only their pages are for staff).
    for capability in mns_domain::permissions::Capability::ALL {
        if capability != mns_domain::permissions::Capability::ReadReferenceData {
            assert!(
                covered.contains(&capability),
                "{capability:?} is not called"
            );
        }
    }
}
