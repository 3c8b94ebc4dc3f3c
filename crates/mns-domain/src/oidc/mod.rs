//! Signing in with a council's, a school's or a family's own account (OpenID Connect): which
//! identity a verified ID token names, whether it may sign in to the account it is linked to,
//! and the reasons a sign-in is refused.
//!
//! Pure rules. The protocol itself (discovery, PKCE, signature checks) is in
//! `mns_app::identity::oidc`, on the `openidconnect` crate; by the time these functions run,
//! the ID token's signature, issuer, audience, expiry and nonce have been checked.
//!
//! Three kinds of provider have their own rules:
//! - **Microsoft Entra ID** (council staff): one tenant; the identity is `tid` and `oid`, never
//!   `preferred_username` or `email`, which users and admins can change. App roles (the `roles`
//!   claim) can be mapped to mns roles: then a sign-in whose app roles do not include the
//!   account's role is refused. Roles are never *changed* by a token.
//! - **DfE Sign-in** (school staff): the identity is `sub`; the `organisation` claim's URN must
//!   be the school the account belongs to, and the service's role API must give the user one of
//!   the codes the council configured.
//! - **GOV.UK One Login** (parents and carers): the identity is `sub`; the token's level of
//!   confidence (`vot`) must be the one asked for (`Cl.Cm`, "medium": two factors).

use crate::identity::Role;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of provider this is, which decides which claims identify a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// Microsoft Entra ID (v2.0 endpoint, one tenant): council staff.
    Entra,
    /// DfE Sign-in: school staff.
    Dfe,
    /// GOV.UK One Login: parents and carers.
    OneLogin,
    /// Any other OpenID Connect provider: the identity is `sub`.
    Generic,
}

/// The text did not name a kind of provider.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a kind of provider; use one of: entra, dfe, onelogin, generic")]
pub struct UnknownProviderKind(pub String);

impl ProviderKind {
    /// Parses the configured form (`entra`, `dfe`, `onelogin`, `generic`).
    pub fn parse(text: &str) -> Result<Self, UnknownProviderKind> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], "")
            .as_str()
        {
            "entra" | "entraid" | "azuread" => Ok(Self::Entra),
            "dfe" | "dfesignin" => Ok(Self::Dfe),
            "onelogin" | "govukonelogin" => Ok(Self::OneLogin),
            "generic" => Ok(Self::Generic),
            _ => Err(UnknownProviderKind(text.trim().to_string())),
        }
    }

    /// The configured form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Entra => "entra",
            Self::Dfe => "dfe",
            Self::OneLogin => "onelogin",
            Self::Generic => "generic",
        }
    }

    /// The scopes asked for unless the council configures others. Entra gives `oid` only
    /// with `profile`; DfE Sign-in gives the school only with `organisation`.
    pub fn default_scopes(self) -> &'static [&'static str] {
        match self {
            Self::Entra | Self::Generic => &["openid", "profile", "email"],
            Self::Dfe => &["openid", "email", "profile", "organisation"],
            Self::OneLogin => &["openid", "email"],
        }
    }

    /// What the account at the provider is called, in sentences ("connect your …"), unless the
    /// council configures another name.
    pub fn default_name(self) -> &'static str {
        match self {
            Self::Entra => "council Microsoft account",
            Self::Dfe => "DfE Sign-in",
            Self::OneLogin => "GOV.UK One Login",
            Self::Generic => "organisation account",
        }
    }

    /// The button's words unless the council configures others.
    pub fn default_label(self) -> &'static str {
        match self {
            Self::Entra => "Sign in with your council account",
            Self::Dfe => "Sign in with DfE Sign-in",
            Self::OneLogin => "Sign in with GOV.UK One Login",
            Self::Generic => "Sign in with your organisation's account",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The GOV.UK One Login level of confidence asked for by default: medium, two factors.
pub const ONE_LOGIN_DEFAULT_VTR: &str = "Cl.Cm";

/// DfE Sign-in's organisation category for an establishment (a school).
pub const DFE_CATEGORY_ESTABLISHMENT: &str = "001";

/// What the council allows one provider to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderPolicy {
    /// What kind of provider it is.
    pub kind: ProviderKind,
    /// The roles whose accounts may sign in through it. Required: no default.
    pub roles: Vec<Role>,
    /// Whether a first sign-in may be linked to an account by a verified email address.
    /// Off unless the council turns it on.
    pub link_by_email: bool,
    /// Whether the provider's own second factor stands for the one-time code staff give.
    pub trust_mfa: bool,
    /// Entra: the one tenant (directory) whose users may sign in.
    pub tenant_id: Option<String>,
    /// Entra: app role values mapped to mns roles. Empty means app roles are not checked.
    pub role_map: Vec<(String, Role)>,
    /// DfE Sign-in: the service role codes, at least one of which the user must hold.
    pub dfe_role_codes: Vec<String>,
    /// GOV.UK One Login: the level of confidence asked for and required (`Cl.Cm`).
    pub vtr: String,
}

impl ProviderPolicy {
    /// A policy with nothing allowed beyond signing in the given roles.
    pub fn new(kind: ProviderKind, roles: Vec<Role>) -> Self {
        Self {
            kind,
            roles,
            link_by_email: false,
            trust_mfa: false,
            tenant_id: None,
            role_map: Vec::new(),
            dfe_role_codes: Vec::new(),
            vtr: ONE_LOGIN_DEFAULT_VTR.to_string(),
        }
    }
}

/// DfE Sign-in's `organisation` claim (only the parts mns uses; every field may be null).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DfeOrganisation {
    /// DfE Sign-in's id for the organisation (used with the role API).
    #[serde(default)]
    pub id: Option<String>,
    /// The organisation's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The establishment's URN, for a school.
    #[serde(default)]
    pub urn: Option<String>,
    /// The category (`001` is an establishment).
    #[serde(default)]
    pub category: Option<DfeCategory>,
}

/// The category of a DfE Sign-in organisation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DfeCategory {
    /// The category's code (`001` is an establishment).
    #[serde(default)]
    pub id: Option<String>,
    /// The category's name.
    #[serde(default)]
    pub name: Option<String>,
}

impl DfeOrganisation {
    /// The school's URN, if the organisation is an establishment with one.
    pub fn school_urn(&self) -> Option<&str> {
        let establishment = self
            .category
            .as_ref()
            .and_then(|c| c.id.as_deref())
            .is_none_or(|id| id == DFE_CATEGORY_ESTABLISHMENT);
        self.urn
            .as_deref()
            .map(str::trim)
            .filter(|u| establishment && !u.is_empty())
    }
}

/// The claims of an ID token (and userinfo) that has been verified, as mns uses them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifiedClaims {
    /// `iss`.
    pub issuer: String,
    /// `sub`.
    pub subject: String,
    /// Entra's immutable object id.
    pub oid: Option<String>,
    /// Entra's tenant id.
    pub tid: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `email_verified`.
    pub email_verified: Option<bool>,
    /// Entra's app roles.
    pub roles: Vec<String>,
    /// DfE Sign-in's organisation.
    pub organisation: Option<DfeOrganisation>,
    /// GOV.UK One Login's level of confidence.
    pub vot: Option<String>,
}

/// The identity a token names: the issuer and a subject that never changes for that user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityKey {
    /// The issuer, exactly as the token gives it.
    pub issuer: String,
    /// The subject: `sub`, or for Entra `{tid}/{oid}`.
    pub subject: String,
}

/// Why a sign-in through a provider was refused. `code()` is stable: it goes in the audit trail
/// and the log, and tests match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The `state` was unknown, already used, too old, or started in another browser.
    StateMismatch,
    /// The provider sent the user back with an error instead of a code.
    ProviderError,
    /// The provider (discovery, keys or token endpoint) could not be reached or failed.
    ProviderUnavailable,
    /// The token endpoint refused the code (already used, or our client credentials).
    CodeRejected,
    /// The ID token was for another client.
    WrongAudience,
    /// The ID token was issued by someone else.
    WrongIssuer,
    /// The ID token's nonce was missing or not this sign-in's.
    WrongNonce,
    /// The ID token had expired.
    TokenExpired,
    /// The ID token was signed with a key the provider does not publish.
    UnknownKey,
    /// The ID token's signature or algorithm was not acceptable, or it could not be read.
    InvalidToken,
    /// Entra: the user belongs to another tenant.
    WrongTenant,
    /// Entra: the token has no `oid` (the `profile` scope was not granted).
    MissingObjectId,
    /// Entra: the user's app roles do not include their account's role.
    RoleNotAssigned,
    /// One Login: the level of confidence is not the one asked for.
    WrongConfidence,
    /// DfE Sign-in: the organisation is not a school the service knows.
    UnknownSchool,
    /// DfE Sign-in: the organisation is a different school from the account's.
    OtherSchool,
    /// DfE Sign-in: the user holds none of the configured role codes.
    NoServiceRole,
    /// No account is linked to this identity (and linking by email was not allowed).
    NoLinkedAccount,
    /// The account is disabled.
    AccountDisabled,
    /// The account's role may not sign in through this provider.
    RoleNotAllowed,
    /// The coordinator's link was unknown, used, expired, or for another provider.
    LinkNotUsable,
    /// The identity is already linked to another account.
    IdentityLinkedElsewhere,
}

impl Refusal {
    /// The stable code for the audit trail and the log.
    pub fn code(self) -> &'static str {
        match self {
            Self::StateMismatch => "state_mismatch",
            Self::ProviderError => "provider_error",
            Self::ProviderUnavailable => "provider_unavailable",
            Self::CodeRejected => "code_rejected",
            Self::WrongAudience => "wrong_audience",
            Self::WrongIssuer => "wrong_issuer",
            Self::WrongNonce => "wrong_nonce",
            Self::TokenExpired => "token_expired",
            Self::UnknownKey => "unknown_key",
            Self::InvalidToken => "invalid_token",
            Self::WrongTenant => "wrong_tenant",
            Self::MissingObjectId => "missing_oid",
            Self::RoleNotAssigned => "role_not_assigned",
            Self::WrongConfidence => "wrong_confidence",
            Self::UnknownSchool => "unknown_school",
            Self::OtherSchool => "other_school",
            Self::NoServiceRole => "no_service_role",
            Self::NoLinkedAccount => "no_linked_account",
            Self::AccountDisabled => "account_disabled",
            Self::RoleNotAllowed => "role_not_allowed",
            Self::LinkNotUsable => "link_not_usable",
            Self::IdentityLinkedElsewhere => "identity_linked_elsewhere",
        }
    }

    /// The HTTP status the refusal page is sent with.
    pub fn status(self) -> u16 {
        match self {
            Self::ProviderUnavailable => 503,
            Self::StateMismatch
            | Self::ProviderError
            | Self::CodeRejected
            | Self::WrongAudience
            | Self::WrongIssuer
            | Self::WrongNonce
            | Self::TokenExpired
            | Self::UnknownKey
            | Self::InvalidToken => 400,
            _ => 403,
        }
    }

    /// Whether the fault is in the sign-in itself (a token or request that does not check
    /// out), rather than in who the person is: the page then says so and offers a retry.
    pub fn is_token_fault(self) -> bool {
        self.status() == 400
    }

    /// The refusal page's heading (and title): what went wrong, in a few words.
    pub fn heading(self) -> &'static str {
        match self {
            Self::StateMismatch => "The sign-in could not be finished",
            Self::ProviderError => "The sign-in service did not sign you in",
            Self::ProviderUnavailable => "Sorry, you cannot sign in this way at the moment",
            Self::CodeRejected
            | Self::WrongAudience
            | Self::WrongIssuer
            | Self::WrongNonce
            | Self::TokenExpired
            | Self::UnknownKey
            | Self::InvalidToken => "The sign-in could not be checked",
            Self::WrongTenant => "This account is from another organisation",
            Self::MissingObjectId => "Your council account did not share what is needed",
            Self::RoleNotAssigned => "Your council account does not have access to this service",
            Self::WrongConfidence => "You need to sign in with your second security step",
            Self::UnknownSchool => "Your organisation is not a school this service works with",
            Self::OtherSchool => "Your organisation is not your account's school",
            Self::NoServiceRole => "You do not have access to this service at your school",
            Self::NoLinkedAccount => "Your account is not connected to this service yet",
            Self::AccountDisabled => "Your account has been disabled",
            Self::RoleNotAllowed => "This sign-in option is not for your account",
            Self::LinkNotUsable => "The link to connect your account does not work",
            Self::IdentityLinkedElsewhere => "This account is connected to someone else",
        }
    }

    /// What the person is told: what happened and what to do next. Never names a claim value.
    pub fn message(self) -> &'static str {
        match self {
            Self::StateMismatch => {
                "The sign-in could not be finished: it was started in another browser or tab, took longer than 10 minutes, or was already used. Start again from the sign-in page."
            }
            Self::ProviderError => {
                "The sign-in service did not sign you in. Start again from the sign-in page."
            }
            Self::ProviderUnavailable => {
                "The sign-in service is not answering at the moment. Try again in a few minutes. If it still does not work, sign in with your email address and password if you have one."
            }
            Self::CodeRejected
            | Self::WrongAudience
            | Self::WrongIssuer
            | Self::WrongNonce
            | Self::TokenExpired
            | Self::UnknownKey
            | Self::InvalidToken => {
                "The sign-in service's answer could not be checked, so you have not been signed in. Start again from the sign-in page. If this keeps happening, contact the Medical Needs Service."
            }
            Self::WrongTenant => {
                "This council account is from another organisation's directory. Sign in with your account at this council."
            }
            Self::MissingObjectId => {
                "Your council account did not share the details this service needs. Ask your council's IT team to check the service's sign-in settings."
            }
            Self::RoleNotAssigned => {
                "Your council account has not been given access to this service for your role. Ask your council's IT team to assign you the role."
            }
            Self::WrongConfidence => {
                "Your GOV.UK One Login was not signed in with the security this service needs. Start again and use your second security step (a code by text message or an authenticator app)."
            }
            Self::UnknownSchool => {
                "Your DfE Sign-in organisation is not a school this service works with. If you work at a school in this council's area, sign in with your school's organisation."
            }
            Self::OtherSchool => {
                "Your DfE Sign-in organisation is not the school your account here belongs to. Choose your school's organisation when you sign in, or ask the Medical Needs Service to move your account."
            }
            Self::NoServiceRole => {
                "Your DfE Sign-in account has not been given access to this service at your school. Ask your school's DfE Sign-in approver to give you access."
            }
            Self::NoLinkedAccount => {
                "The account you signed in with is not connected to an account in this service, so you have not been signed in. Ask the Medical Needs Service to email you a link that connects it, or sign in with your email address and password."
            }
            Self::AccountDisabled => {
                "Your account has been disabled. Contact the Medical Needs Service if you need access."
            }
            Self::RoleNotAllowed => {
                "This sign-in option is for other kinds of account. Go back to the sign-in page and choose another option, or sign in with your email address and password."
            }
            Self::LinkNotUsable => {
                "The link to connect your account has already been used, has expired or was cancelled. Ask the Medical Needs Service for a new one."
            }
            Self::IdentityLinkedElsewhere => {
                "This sign-in account is already connected to another account in this service. Contact the Medical Needs Service."
            }
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The identity a verified token names, by the provider's rules: Entra's `tid`/`oid` (and
/// only in the configured tenant), everyone else's `sub`.
pub fn identity_key(
    policy: &ProviderPolicy,
    claims: &VerifiedClaims,
) -> Result<IdentityKey, Refusal> {
    let subject = match policy.kind {
        ProviderKind::Entra => {
            let tid = claims.tid.as_deref().unwrap_or_default();
            if let Some(tenant) = &policy.tenant_id
                && !tenant.eq_ignore_ascii_case(tid)
            {
                return Err(Refusal::WrongTenant);
            }
            let oid = claims
                .oid
                .as_deref()
                .filter(|o| !o.is_empty())
                .ok_or(Refusal::MissingObjectId)?;
            if tid.is_empty() {
                return Err(Refusal::WrongTenant);
            }
            format!("{}/{}", tid.to_ascii_lowercase(), oid.to_ascii_lowercase())
        }
        ProviderKind::Dfe | ProviderKind::OneLogin | ProviderKind::Generic => {
            claims.subject.clone()
        }
    };
    if subject.is_empty() {
        return Err(Refusal::InvalidToken);
    }
    Ok(IdentityKey {
        issuer: claims.issuer.clone(),
        subject,
    })
}

/// Checks the token's claims that do not depend on an account: One Login's level of
/// confidence, DfE Sign-in's organisation being a school.
pub fn check_claims(policy: &ProviderPolicy, claims: &VerifiedClaims) -> Result<(), Refusal> {
    match policy.kind {
        ProviderKind::OneLogin if claims.vot.as_deref() != Some(policy.vtr.as_str()) => {
            Err(Refusal::WrongConfidence)
        }
        ProviderKind::Dfe
            if claims
                .organisation
                .as_ref()
                .and_then(DfeOrganisation::school_urn)
                .is_none() =>
        {
            Err(Refusal::UnknownSchool)
        }
        _ => Ok(()),
    }
}

/// What an account needs to be to sign in through a provider.
#[derive(Debug, Clone, Copy)]
pub struct AccountFacts<'a> {
    /// The account's role.
    pub role: Role,
    /// For a school user, the school's URN.
    pub school_urn: Option<&'a str>,
    /// Whether the account is disabled.
    pub disabled: bool,
}

/// Whether the account the identity leads to may sign in through this provider: it is not
/// disabled, its role is one the provider may sign in, Entra's mapped app roles include it,
/// and a DfE Sign-in user's organisation is the account's own school.
///
/// `known_school` says whether the organisation's URN is a school the service knows (from the
/// schools register); the DfE role codes are checked separately, because they need the role
/// API and only once the account is known.
pub fn check_account(
    policy: &ProviderPolicy,
    claims: &VerifiedClaims,
    account: AccountFacts<'_>,
    known_school: bool,
) -> Result<(), Refusal> {
    if account.disabled {
        return Err(Refusal::AccountDisabled);
    }
    if !policy.roles.contains(&account.role) {
        return Err(Refusal::RoleNotAllowed);
    }
    match policy.kind {
        ProviderKind::Entra if !policy.role_map.is_empty() => {
            let assigned = policy
                .role_map
                .iter()
                .any(|(value, role)| *role == account.role && claims.roles.contains(value));
            if !assigned {
                return Err(Refusal::RoleNotAssigned);
            }
        }
        ProviderKind::Dfe => {
            let urn = claims
                .organisation
                .as_ref()
                .and_then(DfeOrganisation::school_urn)
                .ok_or(Refusal::UnknownSchool)?;
            if !known_school {
                return Err(Refusal::UnknownSchool);
            }
            if account.role == Role::School && account.school_urn != Some(urn) {
                return Err(Refusal::OtherSchool);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether the DfE Sign-in role API's answer gives one of the configured codes. With no codes
/// configured, any role at all for this service will do.
pub fn dfe_roles_allow(policy: &ProviderPolicy, held: &[String]) -> bool {
    if policy.dfe_role_codes.is_empty() {
        return !held.is_empty();
    }
    held.iter().any(|code| policy.dfe_role_codes.contains(code))
}

/// Whether a first sign-in may be matched to an account by email: only where the council
/// turned it on for this provider, and only for an address the provider says it verified.
/// (Entra's `email` is not verified and is never used; keep it off there.)
pub fn email_link_allowed(policy: &ProviderPolicy, claims: &VerifiedClaims) -> bool {
    policy.link_by_email
        && claims.email_verified == Some(true)
        && claims.email.as_deref().is_some_and(|e| e.contains('@'))
}

/// Parses an Entra role map, `Value=role,Value=role` (`MNS.Coordinator=coordinator`).
pub fn parse_role_map(text: &str) -> Result<Vec<(String, Role)>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (value, role) = pair
                .split_once('=')
                .ok_or_else(|| format!("'{pair}' is not VALUE=role"))?;
            let role = Role::parse(role).map_err(|e| e.to_string())?;
            Ok((value.trim().to_string(), role))
        })
        .collect()
}

/// A provider id as it appears in the environment and in URLs: 1 to 32 of `a-z`, `0-9`, `-`.
pub fn valid_provider_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests;
