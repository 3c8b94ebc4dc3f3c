//! OpenID Connect providers from the environment. Provider names are the council's own, so the
//! variables are read by name rather than declared as flags:
//!
//! ```text
//! MNS_OIDC_PROVIDERS=entra,dfe,onelogin
//! MNS_OIDC_ENTRA_KIND=entra            # entra | dfe | onelogin | generic (default: the id)
//! MNS_OIDC_ENTRA_ISSUER=https://login.microsoftonline.com/<tenant-id>/v2.0
//! MNS_OIDC_ENTRA_CLIENT_ID=…
//! MNS_OIDC_ENTRA_CLIENT_SECRET=…       # or _PRIVATE_KEY_FILE and _KEY_ID (private_key_jwt)
//! MNS_OIDC_ENTRA_ROLES=coordinator,caseworker,finance,auditor,local_offer_officer
//! MNS_OIDC_ENTRA_TENANT_ID=<tenant-id>
//! ```
//! See the README for every variable.

use mns_app::identity::oidc::{ClientAuth, DfeApi, ProviderConfig};
use mns_domain::identity::Role;
use mns_domain::oidc::{ProviderKind, ProviderPolicy, parse_role_map, valid_provider_id};

/// The providers configured in the environment (none if `MNS_OIDC_PROVIDERS` is unset).
pub fn providers() -> Result<Vec<ProviderConfig>, String> {
    providers_from(
        &|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()),
        &|path| std::fs::read_to_string(path).map_err(|e| format!("could not read {path}: {e}")),
    )
}

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;
type ReadFile<'a> = &'a dyn Fn(&str) -> Result<String, String>;

fn flag(get: Lookup<'_>, name: &str) -> Result<bool, String> {
    match get(name).as_deref().map(str::trim) {
        None => Ok(false),
        Some("true" | "yes" | "1") => Ok(true),
        Some("false" | "no" | "0") => Ok(false),
        Some(other) => Err(format!("{name} must be true or false; got '{other}'")),
    }
}

fn list(text: &str) -> Vec<String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads the providers through `get` (an environment lookup) and `read` (a file reader).
pub fn providers_from(get: Lookup<'_>, read: ReadFile<'_>) -> Result<Vec<ProviderConfig>, String> {
    let Some(ids) = get("MNS_OIDC_PROVIDERS") else {
        return Ok(Vec::new());
    };
    let mut providers = Vec::new();
    for id in list(&ids) {
        if !valid_provider_id(&id) {
            return Err(format!(
                "MNS_OIDC_PROVIDERS: '{id}' is not a provider id: use 1 to 32 lower-case letters, digits or '-'"
            ));
        }
        if providers.iter().any(|p: &ProviderConfig| p.id == id) {
            return Err(format!("MNS_OIDC_PROVIDERS names '{id}' twice"));
        }
        let prefix = format!("MNS_OIDC_{}_", id.to_ascii_uppercase().replace('-', "_"));
        let var = |name: &str| get(&format!("{prefix}{name}"));
        let required = |name: &str| {
            var(name).ok_or_else(|| format!("{prefix}{name} is needed for provider '{id}'"))
        };
        let kind = ProviderKind::parse(&var("KIND").unwrap_or_else(|| id.clone()))
            .map_err(|e| format!("{prefix}KIND: {e}"))?;
        let roles = list(&required("ROLES")?)
            .iter()
            .map(|r| Role::parse(r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{prefix}ROLES: {e}"))?;
        let auth = match (var("CLIENT_SECRET"), var("PRIVATE_KEY_FILE")) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "{prefix}CLIENT_SECRET and {prefix}PRIVATE_KEY_FILE are both set: use one"
                ));
            }
            (Some(secret), None) => ClientAuth::Secret(secret),
            (None, Some(path)) => ClientAuth::PrivateKey {
                pem: read(&path).map_err(|e| format!("{prefix}PRIVATE_KEY_FILE: {e}"))?,
                key_id: required("KEY_ID")?,
            },
            (None, None) => {
                return Err(format!(
                    "{prefix}CLIENT_SECRET or {prefix}PRIVATE_KEY_FILE is needed for provider '{id}'"
                ));
            }
        };
        let mut policy = ProviderPolicy::new(kind, roles);
        policy.link_by_email = flag(get, &format!("{prefix}LINK_BY_EMAIL"))?;
        policy.trust_mfa = flag(get, &format!("{prefix}TRUST_MFA"))?;
        policy.tenant_id = var("TENANT_ID");
        if let Some(map) = var("ROLE_MAP") {
            policy.role_map = parse_role_map(&map).map_err(|e| format!("{prefix}ROLE_MAP: {e}"))?;
        }
        policy.dfe_role_codes = var("ROLE_CODES").map(|c| list(&c)).unwrap_or_default();
        if let Some(vtr) = var("VTR") {
            policy.vtr = vtr.trim().to_string();
        }
        let dfe_api = match (kind, var("API_URL"), var("API_SECRET")) {
            (ProviderKind::Dfe, Some(url), Some(secret)) => Some(DfeApi { url, secret }),
            (ProviderKind::Dfe, _, _) => {
                return Err(format!(
                    "{prefix}API_URL and {prefix}API_SECRET are needed for DfE Sign-in: its roles come from its API"
                ));
            }
            _ => None,
        };
        if kind == ProviderKind::Entra && policy.tenant_id.is_none() {
            return Err(format!(
                "{prefix}TENANT_ID is needed for Entra ID: only that tenant's users may sign in"
            ));
        }
        if kind == ProviderKind::OneLogin && matches!(auth, ClientAuth::Secret(_)) {
            return Err(format!(
                "GOV.UK One Login uses private_key_jwt: set {prefix}PRIVATE_KEY_FILE and {prefix}KEY_ID instead of {prefix}CLIENT_SECRET"
            ));
        }
        let scopes = var("SCOPES").map(|s| list(&s)).unwrap_or_else(|| {
            kind.default_scopes()
                .iter()
                .map(|s| s.to_string())
                .collect()
        });
        providers.push(ProviderConfig {
            label: var("LABEL").unwrap_or_else(|| kind.default_label().to_string()),
            name: var("NAME").unwrap_or_else(|| kind.default_name().to_string()),
            issuer: required("ISSUER")?,
            client_id: required("CLIENT_ID")?,
            auth,
            scopes,
            policy,
            dfe_api,
            id,
        });
    }
    Ok(providers)
}

/// For `check-config`: prints the providers (no secrets), fetches each one's discovery document
/// and keys, and fails naming those that do not answer.
pub async fn check(app: &mns_app::App, public_url: &str) -> anyhow::Result<()> {
    let providers: Vec<ProviderConfig> = app.oidc().configs().cloned().collect();
    print!("{}", describe(&providers, public_url));
    let mut failed = Vec::new();
    for check in app.oidc().check().await {
        match &check.problem {
            None => println!(
                "provider {}: discovery answers at {} ({} signing keys, {})",
                check.id,
                check.issuer,
                check.keys,
                if check.end_session {
                    "signs out there too"
                } else {
                    "no end-session endpoint: signing out ends only this service's session"
                }
            ),
            Some(problem) => {
                println!("provider {}: {problem}", check.id);
                failed.push(check.id.clone());
            }
        }
        for warning in &check.warnings {
            println!("provider {}: warning: {warning}", check.id);
        }
    }
    if !failed.is_empty() {
        anyhow::bail!(
            "OpenID Connect provider(s) not usable: {}",
            failed.join(", ")
        );
    }
    Ok(())
}

/// The providers as `check-config` prints them: no secrets.
pub fn describe(providers: &[ProviderConfig], public_url: &str) -> String {
    if providers.is_empty() {
        return "OpenID Connect providers: none (local accounts only)\n".into();
    }
    let mut text = String::from("OpenID Connect providers:\n");
    for p in providers {
        let roles: Vec<&str> = p.policy.roles.iter().map(|r| r.as_str()).collect();
        text.push_str(&format!(
            "  {id} ({kind}): issuer {issuer}, client id {client}, {auth:?}, scopes '{scopes}', roles {roles}, link by email: {link}, trust its second factor: {mfa}\n    redirect URI to register: {url}/sign-in/oidc/{id}/callback\n    post-logout redirect URI to register: {url}/signed-out\n",
            id = p.id,
            kind = p.policy.kind,
            issuer = p.issuer,
            client = p.client_id,
            auth = p.auth,
            scopes = p.scopes.join(" "),
            roles = roles.join(", "),
            link = p.policy.link_by_email,
            mfa = p.policy.trust_mfa,
            url = public_url.trim_end_matches('/'),
        ));
        if let Some(api) = &p.dfe_api {
            text.push_str(&format!("    {api:?}\n"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(env: &[(&str, &str)]) -> Result<Vec<ProviderConfig>, String> {
        let map: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        providers_from(&|name| map.get(name).cloned(), &|path| {
            if path == "/keys/onelogin.pem" {
                Ok("PEM".into())
            } else {
                Err(format!("no file {path}"))
            }
        })
    }

    const ENTRA: &[(&str, &str)] = &[
        ("MNS_OIDC_PROVIDERS", "entra"),
        (
            "MNS_OIDC_ENTRA_ISSUER",
            "https://login.microsoftonline.com/t1/v2.0",
        ),
        ("MNS_OIDC_ENTRA_CLIENT_ID", "client"),
        ("MNS_OIDC_ENTRA_CLIENT_SECRET", "s3cret"),
        ("MNS_OIDC_ENTRA_ROLES", "coordinator, caseworker"),
        ("MNS_OIDC_ENTRA_TENANT_ID", "t1"),
        ("MNS_OIDC_ENTRA_ROLE_MAP", "MNS.Coordinator=coordinator"),
        ("MNS_OIDC_ENTRA_TRUST_MFA", "true"),
    ];

    #[test]
    fn no_providers_unless_listed() {
        assert!(read(&[]).unwrap().is_empty());
    }

    #[test]
    fn an_entra_provider_reads_and_its_secret_never_prints() {
        let providers = read(ENTRA).unwrap();
        let p = &providers[0];
        assert_eq!(p.policy.kind, ProviderKind::Entra);
        assert_eq!(p.policy.roles, vec![Role::Coordinator, Role::Caseworker]);
        assert!(p.policy.trust_mfa && !p.policy.link_by_email);
        assert_eq!(p.scopes, vec!["openid", "profile", "email"]);
        let text = describe(&providers, "https://mns.example/");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("https://mns.example/sign-in/oidc/entra/callback"));
    }

    #[test]
    fn missing_and_conflicting_settings_are_named() {
        let mut env = ENTRA.to_vec();
        env.retain(|(k, _)| *k != "MNS_OIDC_ENTRA_TENANT_ID");
        assert!(read(&env).unwrap_err().contains("MNS_OIDC_ENTRA_TENANT_ID"));
        let mut env = ENTRA.to_vec();
        env.push(("MNS_OIDC_ENTRA_PRIVATE_KEY_FILE", "/keys/onelogin.pem"));
        assert!(read(&env).unwrap_err().contains("both set"));
        let mut env = ENTRA.to_vec();
        env.retain(|(k, _)| *k != "MNS_OIDC_ENTRA_ROLES");
        assert!(read(&env).unwrap_err().contains("MNS_OIDC_ENTRA_ROLES"));
        let mut env = ENTRA.to_vec();
        env.push(("MNS_OIDC_ENTRA_LINK_BY_EMAIL", "perhaps"));
        assert!(read(&env).unwrap_err().contains("true or false"));
        assert!(read(&[("MNS_OIDC_PROVIDERS", "Entra")]).is_err());
    }

    #[test]
    fn one_login_needs_a_private_key_and_dfe_needs_its_api() {
        let onelogin = [
            ("MNS_OIDC_PROVIDERS", "onelogin"),
            (
                "MNS_OIDC_ONELOGIN_ISSUER",
                "https://oidc.integration.account.gov.uk/",
            ),
            ("MNS_OIDC_ONELOGIN_CLIENT_ID", "client"),
            ("MNS_OIDC_ONELOGIN_ROLES", "parent"),
            ("MNS_OIDC_ONELOGIN_PRIVATE_KEY_FILE", "/keys/onelogin.pem"),
            ("MNS_OIDC_ONELOGIN_KEY_ID", "k1"),
        ];
        let p = &read(&onelogin).unwrap()[0];
        assert_eq!(p.policy.vtr, "Cl.Cm");
        assert!(matches!(p.auth, ClientAuth::PrivateKey { .. }));
        let mut secret = onelogin[..4].to_vec();
        secret.push(("MNS_OIDC_ONELOGIN_CLIENT_SECRET", "x"));
        assert!(read(&secret).unwrap_err().contains("private_key_jwt"));
        let dfe = [
            ("MNS_OIDC_PROVIDERS", "dfe"),
            (
                "MNS_OIDC_DFE_ISSUER",
                "https://oidc.signin.education.gov.uk",
            ),
            ("MNS_OIDC_DFE_CLIENT_ID", "client"),
            ("MNS_OIDC_DFE_CLIENT_SECRET", "x"),
            ("MNS_OIDC_DFE_ROLES", "school"),
        ];
        assert!(read(&dfe).unwrap_err().contains("API_URL"));
    }
}
