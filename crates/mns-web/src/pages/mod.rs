//! Page handlers, one module per area, each page a template struct. [`Chrome`] is what the
//! layout needs (council name, the signed-in user, navigation); [`FormState`] carries a form's
//! errors so every page shows them the GOV.UK way (summary at the top, message at the field).

pub mod account;
pub mod alerts;
pub mod assessments;
pub mod attendance;
pub mod cases;
pub mod charts;
pub mod child_access;
pub mod consultations;
pub mod documents;
pub mod evidence;
pub mod finance;
pub mod health;
pub mod home;
pub mod invitations;
pub mod local_offer;
pub mod notifications;
pub mod public_notification;
pub mod pupils;
pub mod reference;
pub mod referral_form;
pub mod referrals;
pub mod reports;
pub mod resources;
pub mod sign_in;
pub mod sign_in_oidc;
pub mod start;
pub mod sufficiency;
pub mod user_account;
pub mod users;

use crate::AppState;
use crate::auth::{Authenticated, SignedIn};
use crate::errors::PageError;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use mns_app::{AppError, FieldError};
use mns_domain::identity::Role;
use mns_domain::permissions::Capability;

/// The Medical Needs Service's name.
pub const MEDICAL_NEEDS: &str = "Medical Needs Service";
/// The Local Offer directory's name.
pub const LOCAL_OFFER: &str = "SEND Local Offer";

/// A navigation link.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// What it says.
    pub label: &'static str,
    /// Whether it is the current section.
    pub current: bool,
}

/// What the layout needs on every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The council's name.
    pub council_name: String,
    /// Whether a logo image is configured.
    pub has_logo: bool,
    /// Whether someone is signed in (fully).
    pub signed_in: bool,
    /// Their name.
    pub user_name: String,
    /// Their role's label.
    pub role_label: String,
    /// The session's CSRF token (for the sign-out form).
    pub csrf_token: String,
    /// The navigation for their role.
    pub nav: Vec<NavItem>,
    /// Whether the page shows form errors (the title then starts "Error:").
    pub has_errors: bool,
    /// The service the page belongs to ("Medical Needs Service" or "SEND Local Offer").
    pub service_name: &'static str,
    /// Where the service's name links to.
    pub service_href: &'static str,
}

/// The service's navigation: each item and what opens it, from the one permissions table
/// ([`mns_domain::permissions`]).
const NAV: [(&str, &str, Capability); 19] = [
    ("/referrals", "Referrals", Capability::ReadReferrals),
    (
        "/alerts",
        "Attendance alerts",
        Capability::ReadAttendanceAlerts,
    ),
    ("/evidence", "Evidence requests", Capability::GiveEvidence),
    (
        "/notifications/new",
        "Tell us about a child",
        Capability::NotifyHealth,
    ),
    ("/cases", "Cases", Capability::ReadChildren),
    ("/pupils", "Pupils", Capability::ReadChildren),
    ("/enquiries", "Enquiries", Capability::LogEnquiry),
    ("/resources", "Resources", Capability::ReadResources),
    ("/invoices", "Invoices", Capability::ReadInvoices),
    ("/reports/finance", "Finance", Capability::ReadCosts),
    (
        "/reports/section-19",
        "Reports",
        Capability::ReadServiceReports,
    ),
    ("/users", "Users", Capability::ManageUsers),
    ("/schools", "Schools", Capability::ReadReferenceData),
    ("/calendars", "Term dates", Capability::ReadReferenceData),
    ("/audit", "Audit trail", Capability::VerifyAuditTrail),
    (
        "/local-offer/manage",
        "Local Offer entries",
        Capability::ManageDirectoryEntries,
    ),
    (
        "/local-offer/manage/events",
        "Events",
        Capability::ManageEvents,
    ),
    (
        "/consultations",
        "Core Consultations",
        Capability::RequestConsultation,
    ),
    (
        "/sufficiency",
        "Place sufficiency",
        Capability::ManageSufficiency,
    ),
];

fn nav_for(role: Role, path: &str) -> Vec<NavItem> {
    let mut items = vec![("/home", "Home")];
    items.extend(
        NAV.iter()
            .filter(|(.., needs)| needs.allowed_for(role))
            .map(|(href, label, _)| (*href, *label)),
    );
    // The item whose address is the longest that the path is at or under is the current one
    // (`/local-offer/manage/events/…` is Events, not Local Offer entries).
    let matches =
        |href: &str| path == href || (href != "/home" && path.starts_with(&format!("{href}/")));
    let current = items
        .iter()
        .filter(|(href, _)| matches(href))
        .map(|(href, _)| href.len())
        .max();
    items
        .into_iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            current: matches(href) && Some(href.len()) == current,
        })
        .collect()
}

impl Chrome {
    /// The chrome for a request from `auth` (if anyone) at `path`.
    pub fn new(state: &AppState, auth: Option<&Authenticated>, path: &str) -> Chrome {
        let mut chrome = Chrome {
            council_name: state.app.settings.council_name.clone(),
            has_logo: state.logo.is_some(),
            signed_in: false,
            user_name: String::new(),
            role_label: String::new(),
            csrf_token: String::new(),
            nav: Vec::new(),
            has_errors: false,
            service_name: MEDICAL_NEEDS,
            service_href: "/",
        };
        if let Some(Authenticated::Session(s)) = auth {
            chrome.csrf_token.clone_from(&s.csrf_token);
            if !s.needs_code {
                chrome.signed_in = true;
                chrome.user_name.clone_from(&s.actor.user.display_name);
                chrome.role_label = s.actor.role().label().to_string();
                chrome.nav = nav_for(s.actor.role(), path);
            }
        }
        chrome
    }

    /// The chrome for a signed-in user at `path`.
    pub fn signed_in(state: &AppState, user: &SignedIn, path: &str) -> Chrome {
        Chrome {
            council_name: state.app.settings.council_name.clone(),
            has_logo: state.logo.is_some(),
            signed_in: !user.csrf_token.is_empty(),
            user_name: user.actor.user.display_name.clone(),
            role_label: user.actor.role().label().to_string(),
            csrf_token: user.csrf_token.clone(),
            nav: nav_for(user.actor.role(), path),
            has_errors: false,
            service_name: MEDICAL_NEEDS,
            service_href: "/",
        }
    }

    /// The chrome of the public SEND Local Offer pages: the Local Offer's name and its own
    /// navigation, whoever is signed in.
    pub fn local_offer(state: &AppState, auth: Option<&Authenticated>, path: &str) -> Chrome {
        let mut chrome = Chrome::new(state, auth, path);
        chrome.service_name = LOCAL_OFFER;
        chrome.service_href = "/local-offer";
        let mut items = vec![
            ("/local-offer", "Search"),
            ("/local-offer/guided", "Help me choose"),
            ("/local-offer/events", "Events"),
            ("/local-offer/you-said-we-did", "You said, we did"),
            ("/local-offer/shortlist", "Your shortlist"),
            ("/local-offer/glossary", "Words we use"),
        ];
        if let Some(Authenticated::Session(s)) = auth
            && !s.needs_code
            && s.actor.may(Capability::ManageDirectoryEntries)
        {
            items.push(("/local-offer/manage", "Manage entries"));
        }
        chrome.nav = items
            .into_iter()
            .map(|(href, label)| NavItem {
                href,
                label,
                current: path == href
                    || (href != "/local-offer" && path.starts_with(&format!("{href}/"))),
            })
            .collect();
        chrome
    }

    /// Marks the page as showing errors.
    pub fn with_errors(mut self, form: &FormState) -> Chrome {
        self.has_errors = !form.errors.is_empty();
        self
    }
}

/// A form's problems.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    /// Every problem, in the order of the fields.
    pub errors: Vec<FieldError>,
}

impl FormState {
    /// A form with these problems.
    pub fn with(errors: Vec<FieldError>) -> FormState {
        FormState { errors }
    }

    /// The message for `field`, if it has a problem.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Whether `field` has a problem.
    pub fn has(&self, field: &str) -> bool {
        self.error(field).is_some()
    }
}

/// Renders a template as an HTML response (a render failure is a logged server error).
pub fn render<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError(AppError::internal(format!("template: {e}"))).into_response(),
    }
}

/// The result of a page handler.
pub type PageResult = Result<Response, PageError>;

impl From<AppError> for PageError {
    fn from(e: AppError) -> PageError {
        PageError(e)
    }
}
