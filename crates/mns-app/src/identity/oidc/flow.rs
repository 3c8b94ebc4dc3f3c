//! The sign-in itself: starting it, and finishing it when the provider sends the browser back
//! (state, code exchange, ID-token checks, finding or linking the account, the provider's rules,
//! the session); and signing out at the provider.

use super::{
    ClientAuth, OidcProviders, Provider, ProviderConfig, REQUEST_LIFETIME_MINUTES, error_chain,
    sign_jws,
};
use crate::identity::sessions::NewSession;
use crate::identity::{email_key, new_token, token_hash};
use crate::{App, AppError, AppResult, Context, system_actor};
use chrono::Utc;
use mns_domain::oidc::{
    AccountFacts, DfeOrganisation, IdentityKey, ProviderKind, Refusal, VerifiedClaims,
    check_account, check_claims, dfe_roles_allow, email_link_allowed, identity_key,
};
use mns_store::{OidcRequestRecord, UserRecord};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret,
    CsrfToken, IdToken, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    ProviderMetadataWithLogout, RedirectUrl, RequestTokenError, Scope, SignatureVerificationError,
    UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Claims beyond the standard ones that providers send.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
struct MnsClaims {
    #[serde(default)]
    oid: Option<String>,
    #[serde(default)]
    tid: Option<String>,
    #[serde(default)]
    roles: Option<Vec<String>>,
    #[serde(default)]
    organisation: Option<serde_json::Value>,
    #[serde(default)]
    vot: Option<String>,
}
impl AdditionalClaims for MnsClaims {}

type MnsIdToken =
    IdToken<MnsClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// DfE Sign-in's `organisation` arrives as an object, or (through some libraries) as a string
/// holding one.
fn read_organisation(value: &serde_json::Value) -> Option<DfeOrganisation> {
    match value {
        serde_json::Value::String(text) => serde_json::from_str(text).ok(),
        other => serde_json::from_value(other.clone()).ok(),
    }
}

/// Where the browser goes to sign in, and the cookie that binds the sign-in to it.
#[derive(Debug, Clone)]
pub struct OidcStart {
    /// The provider's authorization URL.
    pub url: String,
    /// The browser-binding cookie's value (only its hash is stored).
    pub binding: String,
}

/// What the provider sent the browser back with.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackParams {
    /// The authorization code.
    #[serde(default)]
    pub code: Option<String>,
    /// The state sent with the request.
    #[serde(default)]
    pub state: Option<String>,
    /// An error instead of a code.
    #[serde(default)]
    pub error: Option<String>,
}

/// A token response's parts that are needed after the exchange.
struct Exchanged {
    id_token: String,
    access_token: openidconnect::AccessToken,
}

impl App {
    /// The configured providers.
    pub fn oidc(&self) -> &OidcProviders {
        &self.oidc
    }

    /// This application with OpenID Connect providers.
    pub fn with_oidc(mut self, providers: OidcProviders) -> App {
        self.oidc = Arc::new(providers);
        self
    }

    fn redirect_uri(&self, provider: &str) -> String {
        format!(
            "{}/sign-in/oidc/{provider}/callback",
            self.settings.public_url
        )
    }

    /// Starts a sign-in with a provider: stores the sign-in in progress and gives the URL to
    /// send the browser to. `link_token` is a coordinator's link to connect an account, checked
    /// here so that a used or expired link is refused before the person leaves the service.
    pub async fn oidc_begin(
        &self,
        provider_id: &str,
        link_token: Option<&str>,
        source: &str,
    ) -> AppResult<Result<OidcStart, Refusal>> {
        let provider = self.oidc.get(provider_id).ok_or(AppError::NotFound)?;
        let config = &provider.config;
        let link_hash = link_token.map(token_hash);
        if let Some(hash) = &link_hash {
            let open = self
                .store
                .identity_link_by_token(hash)
                .await?
                .filter(|l| l.provider == config.id && l.is_open(self.now()));
            if open.is_none() {
                return self
                    .oidc_refuse(config, Refusal::LinkNotUsable, source, None)
                    .await;
            }
        }
        let metadata = match self.oidc.metadata(provider, None).await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(provider = %config.id, error = %e, "OpenID Connect provider unavailable");
                return self
                    .oidc_refuse(config, Refusal::ProviderUnavailable, source, None)
                    .await;
            }
        };
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id.clone()),
            None,
        )
        .set_redirect_uri(
            RedirectUrl::new(self.redirect_uri(&config.id)).context("the redirect URI")?,
        );
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in config.scopes.iter().filter(|s| s.as_str() != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if config.policy.kind == ProviderKind::OneLogin {
            request = request.add_extra_param("vtr", format!("[\"{}\"]", config.policy.vtr));
        }
        let (url, state, nonce) = request.url();
        let binding = new_token();
        let now = self.now();
        self.store
            .insert_oidc_request(&OidcRequestRecord {
                state_hash: token_hash(state.secret()),
                binding_hash: token_hash(&binding),
                provider: config.id.clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                link_token_hash: link_hash,
                created_at: now,
                expires_at: now + chrono::Duration::minutes(REQUEST_LIFETIME_MINUTES),
            })
            .await?;
        Ok(Ok(OidcStart {
            url: url.to_string(),
            binding,
        }))
    }

    /// Finishes a sign-in when the provider sends the browser back: checks `state` against the
    /// browser's binding cookie (once), exchanges the code, checks the ID token, finds the
    /// account the identity is linked to (or links it, by the coordinator's link or a verified
    /// email where allowed), applies the provider's rules, and starts a session.
    pub async fn oidc_callback(
        &self,
        provider_id: &str,
        params: &CallbackParams,
        binding: Option<&str>,
        source: &str,
    ) -> AppResult<Result<NewSession, Refusal>> {
        let provider = self.oidc.get(provider_id).ok_or(AppError::NotFound)?;
        let config = &provider.config;
        let request = match (params.state.as_deref(), binding) {
            (Some(state), Some(binding)) => {
                self.store
                    .take_oidc_request(
                        &token_hash(state),
                        &token_hash(binding),
                        &config.id,
                        self.now(),
                    )
                    .await?
            }
            _ => None,
        };
        let refuse = |refusal| self.oidc_refuse(config, refusal, source, None);
        if params.error.is_some() {
            return refuse(Refusal::ProviderError).await;
        }
        let Some(request) = request else {
            return refuse(Refusal::StateMismatch).await;
        };
        let Some(code) = params.code.clone().filter(|c| !c.is_empty()) else {
            return refuse(Refusal::ProviderError).await;
        };
        let metadata = match self.oidc.metadata(provider, None).await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(provider = %config.id, error = %e, "OpenID Connect provider unavailable");
                return refuse(Refusal::ProviderUnavailable).await;
            }
        };
        let exchanged = match self.exchange(provider, &metadata, code, &request).await? {
            Ok(e) => e,
            Err(refusal) => return refuse(refusal).await,
        };
        let claims = match self
            .verify_id_token(provider, metadata, &exchanged, &request.nonce)
            .await?
        {
            Ok(c) => c,
            Err(refusal) => return refuse(refusal).await,
        };
        if let Err(refusal) = check_claims(&config.policy, &claims) {
            return refuse(refusal).await;
        }
        let key = match identity_key(&config.policy, &claims) {
            Ok(k) => k,
            Err(refusal) => return refuse(refusal).await,
        };
        let (user, link) = match self.account_for(config, &claims, &key, &request).await? {
            Ok(found) => found,
            Err(refusal) => return refuse(refusal).await,
        };
        if let Err(refusal) = self.account_may_sign_in(config, &claims, &user).await? {
            return self
                .oidc_refuse(config, refusal, source, Some(&user.id))
                .await;
        }
        if let Some(how) = link
            && let Err(refusal) = self.link(config, &key, &user, how, source).await?
        {
            return self
                .oidc_refuse(config, refusal, source, Some(&user.id))
                .await;
        }
        let second_factor_done = !user.role.is_staff() || config.policy.trust_mfa;
        let token = self
            .start_session(&user, second_factor_done, source)
            .await?;
        self.store
            .set_session_oidc(&token_hash(&token), &config.id, &exchanged.id_token)
            .await?;
        let mut tx = self.store.begin().await?;
        let actor = crate::Actor {
            user: user.clone(),
            source: source.to_string(),
        };
        self.audit(
            &mut tx,
            &actor,
            "oidc.sign_in",
            "user",
            &user.id,
            &format!("provider={}", config.id),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(NewSession {
            token,
            needs_code: !second_factor_done,
        }))
    }

    async fn exchange(
        &self,
        provider: &Provider,
        metadata: &ProviderMetadataWithLogout,
        code: String,
        request: &OidcRequestRecord,
    ) -> AppResult<Result<Exchanged, Refusal>> {
        let config = &provider.config;
        let secret = match &config.auth {
            ClientAuth::Secret(s) => Some(ClientSecret::new(s.clone())),
            ClientAuth::PrivateKey { .. } => None,
        };
        let client = CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(config.client_id.clone()),
            secret,
        )
        .set_redirect_uri(
            RedirectUrl::new(self.redirect_uri(&config.id)).context("the redirect URI")?,
        );
        let Ok(mut exchange) = client.exchange_code(AuthorizationCode::new(code)) else {
            tracing::warn!(provider = %config.id, "the provider's discovery document has no token endpoint");
            return Ok(Err(Refusal::ProviderUnavailable));
        };
        exchange = exchange.set_pkce_verifier(PkceCodeVerifier::new(request.pkce_verifier.clone()));
        if let (Some(key), ClientAuth::PrivateKey { key_id, .. }) =
            (&provider.signing_key, &config.auth)
        {
            let token_url = metadata
                .token_endpoint()
                .map(|u| u.to_string())
                .unwrap_or_default();
            let now = Utc::now().timestamp();
            let assertion = sign_jws(
                key,
                CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                "RS256",
                Some(key_id),
                &serde_json::json!({
                    "iss": config.client_id, "sub": config.client_id, "aud": token_url,
                    "iat": now, "exp": now + 300, "jti": new_token(),
                }),
            )
            .map_err(AppError::internal)?;
            exchange = exchange
                .add_extra_param(
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                )
                .add_extra_param("client_assertion", assertion);
        }
        let response = match exchange.request_async(&self.oidc.http).await {
            Ok(r) => r,
            Err(RequestTokenError::ServerResponse(e)) => {
                let code = e.error().as_ref();
                tracing::warn!(provider = %config.id, error = %code, "the token endpoint refused the code");
                return Ok(Err(match code {
                    "invalid_grant"
                    | "invalid_client"
                    | "invalid_request"
                    | "unauthorized_client" => Refusal::CodeRejected,
                    _ => Refusal::ProviderUnavailable,
                }));
            }
            Err(e) => {
                tracing::warn!(provider = %config.id, error = %error_chain(&e), "the token endpoint failed");
                return Ok(Err(Refusal::ProviderUnavailable));
            }
        };
        let Some(id_token) = response.extra_fields().id_token() else {
            tracing::warn!(provider = %config.id, "the token response has no ID token");
            return Ok(Err(Refusal::InvalidToken));
        };
        Ok(Ok(Exchanged {
            id_token: id_token.to_string(),
            access_token: response.access_token().clone(),
        }))
    }

    /// Checks the ID token, fetching the provider's keys again once if it names a key the
    /// cache does not hold, then reads userinfo where the provider puts claims only there.
    async fn verify_id_token(
        &self,
        provider: &Provider,
        mut metadata: ProviderMetadataWithLogout,
        exchanged: &Exchanged,
        nonce: &str,
    ) -> AppResult<Result<VerifiedClaims, Refusal>> {
        let config = &provider.config;
        let Ok(token) = exchanged.id_token.parse::<MnsIdToken>() else {
            return Ok(Err(Refusal::InvalidToken));
        };
        let nonce = Nonce::new(nonce.to_string());
        let mut refreshed = false;
        let client_for = |metadata: &ProviderMetadataWithLogout| {
            CoreClient::from_provider_metadata(
                metadata.clone(),
                ClientId::new(config.client_id.clone()),
                None,
            )
        };
        let claims = loop {
            let client = client_for(&metadata);
            let verifier = client.id_token_verifier().set_allowed_algs([
                CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            ]);
            match token.claims(&verifier, &nonce) {
                Ok(claims) => break claims.clone(),
                Err(ClaimsVerificationError::SignatureVerification(
                    SignatureVerificationError::NoMatchingKey,
                )) if !refreshed => {
                    refreshed = true;
                    match self.oidc.metadata(provider, Some(self.now())).await {
                        Ok(m) => metadata = m,
                        Err(e) => {
                            tracing::warn!(provider = %config.id, error = %e, "unknown signing key; keys not fetched again");
                            return Ok(Err(Refusal::UnknownKey));
                        }
                    }
                }
                Err(e) => return Ok(Err(refusal_for(&e))),
            }
        };
        let extra = claims.additional_claims();
        let mut verified = VerifiedClaims {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
            oid: extra.oid.clone(),
            tid: extra.tid.clone(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified(),
            roles: extra.roles.clone().unwrap_or_default(),
            organisation: extra.organisation.as_ref().and_then(read_organisation),
            vot: extra.vot.clone(),
        };
        let wants_userinfo = match config.policy.kind {
            ProviderKind::OneLogin => true,
            ProviderKind::Dfe => verified.organisation.is_none(),
            _ => config.policy.link_by_email && verified.email.is_none(),
        };
        if wants_userinfo {
            let client = client_for(&metadata);
            let subject = claims.subject().clone();
            let Ok(request) = client.user_info(exchanged.access_token.clone(), Some(subject))
            else {
                return Ok(Ok(verified));
            };
            let info: Result<UserInfoClaims<MnsClaims, CoreGenderClaim>, _> =
                request.request_async(&self.oidc.http).await;
            match info {
                Ok(info) => {
                    if verified.email.is_none() {
                        verified.email = info.email().map(|e| e.to_string());
                        verified.email_verified = info.email_verified();
                    }
                    if verified.organisation.is_none() {
                        verified.organisation = info
                            .additional_claims()
                            .organisation
                            .as_ref()
                            .and_then(read_organisation);
                    }
                }
                Err(e) => {
                    tracing::warn!(provider = %config.id, error = %error_chain(&e), "userinfo failed");
                    return Ok(Err(Refusal::ProviderUnavailable));
                }
            }
        }
        Ok(Ok(verified))
    }

    /// The account an identity is linked to; or, if none, the account a coordinator's link or
    /// (where allowed) a verified email leads to, with how it is to be linked. Never creates one.
    async fn account_for(
        &self,
        config: &ProviderConfig,
        claims: &VerifiedClaims,
        key: &IdentityKey,
        request: &OidcRequestRecord,
    ) -> AppResult<Result<(UserRecord, Option<LinkHow>), Refusal>> {
        let linked = match self
            .store
            .find_user_by_identity(&key.issuer, &key.subject)
            .await?
        {
            Some(id) => self.store.get_user(&id).await?,
            None => None,
        };
        if let Some(hash) = &request.link_token_hash {
            let Some(link) = self
                .store
                .identity_link_by_token(hash)
                .await?
                .filter(|l| l.provider == config.id && l.is_open(self.now()))
            else {
                return Ok(Err(Refusal::LinkNotUsable));
            };
            return match linked {
                Some(user) if user.id == link.user_id => Ok(Ok((user, None))),
                Some(_) => Ok(Err(Refusal::IdentityLinkedElsewhere)),
                None => match self.store.get_user(&link.user_id).await? {
                    Some(user) => Ok(Ok((user, Some(LinkHow::Coordinator(hash.clone()))))),
                    None => Ok(Err(Refusal::LinkNotUsable)),
                },
            };
        }
        if let Some(user) = linked {
            return Ok(Ok((user, None)));
        }
        if !email_link_allowed(&config.policy, claims) {
            return Ok(Err(Refusal::NoLinkedAccount));
        }
        let email = email_key(claims.email.as_deref().unwrap_or_default());
        let Some(user) = self.store.find_user_by_email(&email).await? else {
            return Ok(Err(Refusal::NoLinkedAccount));
        };
        let already = self
            .store
            .identities_of(&user.id)
            .await?
            .into_iter()
            .any(|i| i.issuer == key.issuer);
        if already {
            return Ok(Err(Refusal::NoLinkedAccount));
        }
        Ok(Ok((user, Some(LinkHow::Email))))
    }

    /// The provider's rules for the account: role allowed, Entra's app roles, DfE Sign-in's
    /// school and its role codes from the role API.
    async fn account_may_sign_in(
        &self,
        config: &ProviderConfig,
        claims: &VerifiedClaims,
        user: &UserRecord,
    ) -> AppResult<Result<(), Refusal>> {
        let urn = claims
            .organisation
            .as_ref()
            .and_then(DfeOrganisation::school_urn);
        let known_school = match urn {
            Some(urn) => self.store.get_school(urn).await?.is_some(),
            None => false,
        };
        let facts = AccountFacts {
            role: user.role,
            school_urn: user.school_urn.as_deref(),
            disabled: user.disabled_at.is_some(),
        };
        if let Err(refusal) = check_account(&config.policy, claims, facts, known_school) {
            return Ok(Err(refusal));
        }
        if config.policy.kind == ProviderKind::Dfe {
            let org_id = claims
                .organisation
                .as_ref()
                .and_then(|o| o.id.clone())
                .unwrap_or_default();
            match self
                .oidc
                .roles
                .roles(config, &org_id, &claims.subject)
                .await
            {
                Ok(held) if dfe_roles_allow(&config.policy, &held) => {}
                Ok(_) => return Ok(Err(Refusal::NoServiceRole)),
                Err(e) => {
                    tracing::warn!(provider = %config.id, error = %e, "DfE Sign-in role API failed");
                    return Ok(Err(Refusal::ProviderUnavailable));
                }
            }
        }
        Ok(Ok(()))
    }

    /// Links the identity to the account, using the coordinator's link if that is how.
    async fn link(
        &self,
        config: &ProviderConfig,
        key: &IdentityKey,
        user: &UserRecord,
        how: LinkHow,
        source: &str,
    ) -> AppResult<Result<(), Refusal>> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let how_text = match &how {
            LinkHow::Coordinator(hash) => {
                if tx
                    .use_identity_link(hash, &config.id, now)
                    .await?
                    .as_deref()
                    != Some(user.id.as_str())
                {
                    return Ok(Err(Refusal::LinkNotUsable));
                }
                "coordinator"
            }
            LinkHow::Email => "email",
        };
        match tx
            .link_identity(&key.issuer, &key.subject, &user.id, now)
            .await
        {
            Ok(()) => {}
            Err(mns_store::StoreError::Duplicate(_)) => {
                return Ok(Err(Refusal::IdentityLinkedElsewhere));
            }
            Err(e) => return Err(e.into()),
        }
        tx.set_identity_provider(&key.issuer, &key.subject, &config.id)
            .await?;
        let actor = crate::Actor {
            user: user.clone(),
            source: source.to_string(),
        };
        self.audit(
            &mut tx,
            &actor,
            "identity.link",
            "user",
            &user.id,
            &format!("provider={} how={how_text}", config.id),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Records a refusal (log line and audit entry, neither with a token or claim) and returns
    /// it.
    async fn oidc_refuse<T>(
        &self,
        config: &ProviderConfig,
        refusal: Refusal,
        source: &str,
        user_id: Option<&str>,
    ) -> AppResult<Result<T, Refusal>> {
        tracing::warn!(provider = %config.id, reason = refusal.code(), "OpenID Connect sign-in refused");
        let mut tx = self.store.begin().await?;
        let (record_type, record_id) = match user_id {
            Some(id) => ("user", id),
            None => ("oidc_provider", config.id.as_str()),
        };
        self.audit(
            &mut tx,
            &system_actor(source),
            "oidc.refused",
            record_type,
            record_id,
            &format!("provider={} reason={}", config.id, refusal.code()),
        )
        .await?;
        tx.commit().await?;
        Ok(Err(refusal))
    }
}

/// How a first sign-in is linked to an account.
enum LinkHow {
    /// Through a coordinator's link (its token hash).
    Coordinator(String),
    /// By a verified email address, where the council allows it.
    Email,
}

fn refusal_for(error: &ClaimsVerificationError) -> Refusal {
    match error {
        ClaimsVerificationError::InvalidAudience(_) => Refusal::WrongAudience,
        ClaimsVerificationError::InvalidIssuer(_) => Refusal::WrongIssuer,
        ClaimsVerificationError::InvalidNonce(_) => Refusal::WrongNonce,
        ClaimsVerificationError::Expired(_) => Refusal::TokenExpired,
        ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        ) => Refusal::UnknownKey,
        _ => Refusal::InvalidToken,
    }
}

/// For sign-out: the provider's end-session URL, if the session came from a provider that has
/// one, with the ID token as the hint and the service's signed-out page to come back to.
impl App {
    /// The URL that ends the session at the provider too, if there is one, with the
    /// provider's name.
    pub async fn oidc_logout_url(
        &self,
        session_token_hash: &str,
    ) -> AppResult<Option<(String, String)>> {
        let Some((provider_id, id_token)) = self.store.session_oidc(session_token_hash).await?
        else {
            return Ok(None);
        };
        let Some(provider) = self.oidc.get(&provider_id) else {
            return Ok(None);
        };
        let Ok(metadata) = self.oidc.metadata(provider, None).await else {
            return Ok(None);
        };
        let Some(end) = metadata.additional_metadata().end_session_endpoint.clone() else {
            return Ok(None);
        };
        let Ok(token) = id_token.parse::<MnsIdToken>() else {
            return Ok(None);
        };
        let back = openidconnect::PostLogoutRedirectUrl::new(format!(
            "{}/signed-out",
            self.settings.public_url
        ))
        .context("the signed-out URL")?;
        Ok(Some((
            openidconnect::LogoutRequest::from(end)
                .set_id_token_hint(&token)
                .set_client_id(ClientId::new(provider.config.client_id.clone()))
                .set_post_logout_redirect_uri(back)
                .set_state(CsrfToken::new_random())
                .http_get_url()
                .to_string(),
            provider.config.name.clone(),
        )))
    }
}
