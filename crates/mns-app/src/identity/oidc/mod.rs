//! Signing in through OpenID Connect providers: Microsoft Entra ID for council staff, DfE
//! Sign-in for school staff, GOV.UK One Login for parents and carers, or any other provider.
//!
//! The protocol is the `openidconnect` crate's: discovery, the authorization-code flow with
//! PKCE, `state` and `nonce`, and ID-token checks (signature against the provider's published
//! keys, `iss`, `aud`, `exp`, `nonce`, and only RS256 or ES256). What is ours:
//! - **The sign-in in progress** is a row in `oidc_requests` keyed by the hash of `state`, bound
//!   to the browser by a cookie whose hash is stored with it, and used once (deleted as it is
//!   read). A callback with an unknown, used, expired or other browser's `state` is refused.
//! - **Keys are cached** with the discovery document for an hour, and fetched again at once when
//!   a token names a key id the cache does not hold (at most once a minute), so a provider's key
//!   rotation needs no restart.
//! - **`private_key_jwt`** (GOV.UK One Login): the crate does not do it, so the client assertion
//!   is signed here with the crate's own RSA key type and sent as extra parameters.
//! - **Who it is** is decided by the rules in [`mns_domain::oidc`]: which claims identify the
//!   user, which accounts the provider may sign in, DfE Sign-in's school and role codes.
//!   No account is ever created because a token is valid. An identity is linked to an account
//!   only by a coordinator's link ([`super::oidc_links`]) or, where the council allows it for
//!   that provider, by a verified email address.
//!
//! Every refusal is a page for the person, a log line for the council naming the provider and
//! the reason (never a token, code, state or claim), and an `oidc.refused` audit entry.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use mns_domain::oidc::{ProviderKind, ProviderPolicy};
use openidconnect::core::{CoreHmacKey, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey};
use openidconnect::{
    IssuerUrl, JsonWebKeySet, PrivateSigningKey, ProviderMetadataWithLogout, reqwest,
};
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a sign-in may take between leaving for the provider and coming back.
pub const REQUEST_LIFETIME_MINUTES: i64 = 10;
/// How long discovery and keys are kept before they are fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// The least time between two fetches of the keys forced by an unknown key id.
const FORCED_REFRESH_GAP: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// How the service proves itself to a provider's token endpoint.
#[derive(Clone)]
pub enum ClientAuth {
    /// `client_secret_basic`: Entra ID, DfE Sign-in.
    Secret(String),
    /// `private_key_jwt` with an RSA key (GOV.UK One Login): the key in PKCS#1 or PKCS#8 PEM.
    PrivateKey {
        /// The private key, PEM.
        pem: String,
        /// The key id registered with the provider.
        key_id: String,
    },
}

impl std::fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Secret(_) => f.write_str("client secret (hidden)"),
            Self::PrivateKey { key_id, .. } => write!(f, "private key '{key_id}' (hidden)"),
        }
    }
}

/// DfE Sign-in's public API, which gives a user's roles in the service.
#[derive(Clone)]
pub struct DfeApi {
    /// The API's base address (`https://api.signin.education.gov.uk`).
    pub url: String,
    /// The API secret (not the client secret) the bearer token is signed with.
    pub secret: String,
}

impl std::fmt::Debug for DfeApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DfE Sign-in API at {} (secret hidden)", self.url)
    }
}

/// One provider, as the council configures it.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// The id in URLs and the environment (`entra`, `dfe`, `onelogin`).
    pub id: String,
    /// The sign-in button's words.
    pub label: String,
    /// What the account there is called in sentences ("GOV.UK One Login").
    pub name: String,
    /// The issuer, exactly as its discovery document gives it.
    pub issuer: String,
    /// The client id the provider gave the service.
    pub client_id: String,
    /// How the service authenticates to the token endpoint.
    pub auth: ClientAuth,
    /// The scopes asked for (`openid` is always asked for).
    pub scopes: Vec<String>,
    /// What the provider may do.
    pub policy: ProviderPolicy,
    /// DfE Sign-in's role API, for a DfE Sign-in provider.
    pub dfe_api: Option<DfeApi>,
}

/// The roles a DfE Sign-in user holds in this service at an organisation: the small interface
/// the role check goes through, so that it can be tested without DfE Sign-in.
pub trait DfeRoleSource: Send + Sync + std::fmt::Debug {
    /// The role codes, or an error when the API cannot be asked.
    fn roles<'a>(
        &'a self,
        config: &'a ProviderConfig,
        organisation_id: &'a str,
        user_id: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<String>, String>> + Send + 'a>>;
}

/// The real API: `GET {api}/services/{client}/organisations/{org}/users/{user}` with a bearer
/// token signed HS256 with the API secret. A 404 means the user has no roles.
#[derive(Debug)]
pub struct HttpDfeRoles {
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct DfeRolesAnswer {
    #[serde(default)]
    roles: Vec<DfeRole>,
}

#[derive(Deserialize)]
struct DfeRole {
    code: String,
    #[serde(default)]
    status: Option<DfeRoleStatus>,
}

#[derive(Deserialize)]
struct DfeRoleStatus {
    id: i64,
}

impl DfeRoleSource for HttpDfeRoles {
    fn roles<'a>(
        &'a self,
        config: &'a ProviderConfig,
        organisation_id: &'a str,
        user_id: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<String>, String>> + Send + 'a>> {
        Box::pin(async move {
            let api = config
                .dfe_api
                .as_ref()
                .ok_or("no DfE Sign-in API is configured")?;
            let now = Utc::now().timestamp();
            let bearer = sign_jws(
                &CoreHmacKey::new(api.secret.as_bytes()),
                CoreJwsSigningAlgorithm::HmacSha256,
                "HS256",
                None,
                &serde_json::json!({
                    "iss": config.client_id, "aud": "signin.education.gov.uk",
                    "iat": now, "exp": now + 300,
                }),
            )?;
            // Ids from a token go in as escaped path segments, never as raw text.
            let mut url = openidconnect::url::Url::parse(&api.url)
                .map_err(|e| format!("the DfE Sign-in API URL does not read: {e}"))?;
            url.path_segments_mut()
                .map_err(|()| "the DfE Sign-in API URL cannot have a path")?
                .pop_if_empty()
                .extend([
                    "services",
                    &config.client_id,
                    "organisations",
                    organisation_id,
                    "users",
                    user_id,
                ]);
            let response = self
                .http
                .get(url)
                .bearer_auth(bearer)
                .send()
                .await
                .map_err(|e| format!("role API unreachable: {e}"))?;
            match response.status().as_u16() {
                404 => Ok(Vec::new()),
                200 => {
                    let body = response
                        .bytes()
                        .await
                        .map_err(|e| format!("role API answer unreadable: {e}"))?;
                    let answer: DfeRolesAnswer = serde_json::from_slice(&body)
                        .map_err(|e| format!("role API answer unreadable: {e}"))?;
                    Ok(answer
                        .roles
                        .into_iter()
                        .filter(|r| r.status.as_ref().is_none_or(|s| s.id == 1))
                        .map(|r| r.code)
                        .collect())
                }
                status => Err(format!("role API answered {status}")),
            }
        })
    }
}

/// A compact JWS: base64url(header).base64url(claims).base64url(signature).
fn sign_jws(
    key: &impl PrivateSigningKey<VerificationKey = openidconnect::core::CoreJsonWebKey>,
    alg: CoreJwsSigningAlgorithm,
    alg_name: &str,
    kid: Option<&str>,
    claims: &serde_json::Value,
) -> Result<String, String> {
    let mut header = serde_json::json!({"alg": alg_name, "typ": "JWT"});
    if let Some(kid) = kid {
        header["kid"] = kid.into();
    }
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = key
        .sign(&alg, input.as_bytes())
        .map_err(|e| format!("signing failed: {e}"))?;
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

struct Provider {
    config: ProviderConfig,
    signing_key: Option<CoreRsaPrivateSigningKey>,
    cache: tokio::sync::Mutex<Option<Cached>>,
}

struct Cached {
    metadata: ProviderMetadataWithLogout,
    fetched_at: Instant,
    /// When the keys were last fetched because of an unknown key id (the service's clock).
    forced_at: Option<chrono::DateTime<Utc>>,
}

/// The configured providers, the HTTP client they are reached with, and their cached
/// discovery documents and keys.
pub struct OidcProviders {
    http: reqwest::Client,
    providers: Vec<Provider>,
    roles: Arc<dyn DfeRoleSource>,
}

impl std::fmt::Debug for OidcProviders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.providers.iter().map(|p| &p.config.id))
            .finish()
    }
}

impl Default for OidcProviders {
    fn default() -> Self {
        Self::new(Vec::new(), "mns").unwrap_or_else(|e| panic!("{e}"))
    }
}

impl OidcProviders {
    /// The providers, reached with a client that sends `user_agent` (GOV.UK One Login
    /// refuses requests without one), follows no redirects, and gives up after 10 seconds.
    /// Fails, naming the provider, on a private key that does not read.
    pub fn new(configs: Vec<ProviderConfig>, user_agent: &str) -> Result<Self, String> {
        let http = reqwest::ClientBuilder::new()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(user_agent)
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {e}"))?;
        let providers = configs
            .into_iter()
            .map(|config| {
                let signing_key = match &config.auth {
                    ClientAuth::PrivateKey { pem, key_id } => Some(
                        read_private_key(pem, key_id)
                            .map_err(|e| format!("provider '{}': {e}", config.id))?,
                    ),
                    ClientAuth::Secret(_) => None,
                };
                Ok(Provider {
                    config,
                    signing_key,
                    cache: tokio::sync::Mutex::new(None),
                })
            })
            .collect::<Result<_, String>>()?;
        let roles = Arc::new(HttpDfeRoles { http: http.clone() });
        Ok(Self {
            http,
            providers,
            roles,
        })
    }

    /// These providers with another source of DfE Sign-in roles (for tests).
    pub fn with_role_source(mut self, roles: Arc<dyn DfeRoleSource>) -> Self {
        self.roles = roles;
        self
    }

    fn get(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.config.id == id)
    }

    /// The providers' ids and button labels, in configured order.
    pub fn buttons(&self) -> Vec<(String, String)> {
        self.providers
            .iter()
            .map(|p| (p.config.id.clone(), p.config.label.clone()))
            .collect()
    }

    /// Every provider's configuration, in configured order.
    pub fn configs(&self) -> impl Iterator<Item = &ProviderConfig> {
        self.providers.iter().map(|p| &p.config)
    }

    /// The configuration of a provider.
    pub fn config(&self, id: &str) -> Option<&ProviderConfig> {
        self.get(id).map(|p| &p.config)
    }

    /// The provider's discovery document and keys: cached for an hour; with `force_keys` (at
    /// `now`), the keys are fetched again, at most once a minute. If the provider cannot be
    /// reached, a cached copy is used if there is one.
    async fn metadata(
        &self,
        provider: &Provider,
        force_keys: Option<chrono::DateTime<Utc>>,
    ) -> Result<ProviderMetadataWithLogout, String> {
        let mut cache = provider.cache.lock().await;
        if let Some(cached) = cache.as_mut() {
            if let Some(now) = force_keys {
                let recently = cached
                    .forced_at
                    .is_some_and(|at| now - at < FORCED_REFRESH_GAP);
                if recently {
                    return Err("keys were fetched again less than a minute ago".into());
                }
                cached.forced_at = Some(now);
                let keys = JsonWebKeySet::fetch_async(cached.metadata.jwks_uri(), &self.http)
                    .await
                    .map_err(|e| format!("keys could not be fetched: {e}"))?;
                cached.metadata = cached.metadata.clone().set_jwks(keys);
                return Ok(cached.metadata.clone());
            }
            if cached.fetched_at.elapsed() < METADATA_TTL {
                return Ok(cached.metadata.clone());
            }
        }
        match self.discover(&provider.config).await {
            Ok(metadata) => {
                let forced_at = cache.as_ref().and_then(|c| c.forced_at);
                *cache = Some(Cached {
                    metadata: metadata.clone(),
                    fetched_at: Instant::now(),
                    forced_at,
                });
                Ok(metadata)
            }
            Err(e) => match cache.as_ref() {
                Some(stale) => {
                    tracing::warn!(provider = %provider.config.id, error = %e, "discovery failed; using the cached copy");
                    Ok(stale.metadata.clone())
                }
                None => Err(e),
            },
        }
    }

    async fn discover(
        &self,
        config: &ProviderConfig,
    ) -> Result<ProviderMetadataWithLogout, String> {
        let issuer = IssuerUrl::new(config.issuer.clone())
            .map_err(|e| format!("the issuer is not a URL: {e}"))?;
        ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| format!("discovery failed: {}", error_chain(&e)))
    }

    /// Checks each provider's configuration against its discovery document (for
    /// `mns check-config`): nothing secret is in the answer.
    pub async fn check(&self) -> Vec<ProviderCheck> {
        let mut checks = Vec::new();
        for provider in &self.providers {
            let c = &provider.config;
            let mut check = ProviderCheck {
                id: c.id.clone(),
                kind: c.policy.kind,
                issuer: c.issuer.clone(),
                problem: None,
                keys: 0,
                end_session: false,
                warnings: Vec::new(),
            };
            match self.discover(c).await {
                Err(e) => check.problem = Some(e),
                Ok(meta) => {
                    check.keys = meta.jwks().keys().len();
                    check.end_session = meta.additional_metadata().end_session_endpoint.is_some();
                    let methods: Vec<String> = meta
                        .token_endpoint_auth_methods_supported()
                        .map(|m| m.iter().map(|m| format!("{m:?}")).collect())
                        .unwrap_or_default();
                    if matches!(c.auth, ClientAuth::PrivateKey { .. })
                        && !methods.is_empty()
                        && !methods.iter().any(|m| m.contains("PrivateKeyJwt"))
                    {
                        check.warnings.push(
                            "the provider does not list private_key_jwt among its client authentication methods".into(),
                        );
                    }
                    if meta.token_endpoint().is_none() {
                        check.problem = Some("the discovery document has no token endpoint".into());
                    }
                }
            }
            checks.push(check);
        }
        checks
    }
}

/// What `mns check-config` reports for one provider.
#[derive(Debug, Clone)]
pub struct ProviderCheck {
    /// The provider's id.
    pub id: String,
    /// Its kind.
    pub kind: ProviderKind,
    /// The configured issuer.
    pub issuer: String,
    /// Why it cannot be used, if it cannot.
    pub problem: Option<String>,
    /// How many signing keys it publishes.
    pub keys: usize,
    /// Whether it supports signing out there (RP-initiated logout).
    pub end_session: bool,
    /// Things that may be wrong.
    pub warnings: Vec<String>,
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

/// Reads an RSA private key in PKCS#1 or PKCS#8 PEM (as `openssl genpkey` makes).
fn read_private_key(pem: &str, key_id: &str) -> Result<CoreRsaPrivateSigningKey, String> {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let pkcs1 = if pem.contains("BEGIN RSA PRIVATE KEY") {
        pem.to_string()
    } else {
        rsa::RsaPrivateKey::from_pkcs8_pem(pem)
            .map_err(|e| format!("the private key does not read as PKCS#8 RSA: {e}"))?
            .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
            .map_err(|e| format!("the private key could not be converted: {e}"))?
            .to_string()
    };
    CoreRsaPrivateSigningKey::from_pem(
        &pkcs1,
        Some(openidconnect::JsonWebKeyId::new(key_id.into())),
    )
    .map_err(|e| format!("the private key does not read: {e}"))
}

mod flow;
pub use flow::{CallbackParams, OidcStart};
