//! The rules of signing in through a provider, one test per rule or refusal.
use super::*;

fn entra() -> ProviderPolicy {
    let mut p = ProviderPolicy::new(
        ProviderKind::Entra,
        vec![Role::Coordinator, Role::Caseworker],
    );
    p.tenant_id = Some("TENANT-1".into());
    p
}

fn claims() -> VerifiedClaims {
    VerifiedClaims {
        issuer: "https://login.example/tenant-1/v2.0".into(),
        subject: "pairwise-sub".into(),
        oid: Some("OID-1".into()),
        tid: Some("tenant-1".into()),
        ..VerifiedClaims::default()
    }
}

fn staff(role: Role) -> AccountFacts<'static> {
    AccountFacts {
        role,
        school_urn: None,
        disabled: false,
    }
}

fn school_org(urn: &str) -> DfeOrganisation {
    DfeOrganisation {
        id: Some("org-1".into()),
        name: Some("A School".into()),
        urn: Some(urn.into()),
        category: Some(DfeCategory {
            id: Some("001".into()),
            name: Some("Establishment".into()),
        }),
    }
}

#[test]
fn entra_identity_is_tenant_and_object_id_never_the_username() {
    let mut c = claims();
    c.email = Some("someone@council.example".into());
    let key = identity_key(&entra(), &c).unwrap();
    assert_eq!(key.subject, "tenant-1/oid-1");
    assert_eq!(key.issuer, c.issuer);
}

#[test]
fn entra_other_tenant_is_refused() {
    let mut c = claims();
    c.tid = Some("tenant-2".into());
    assert_eq!(identity_key(&entra(), &c), Err(Refusal::WrongTenant));
}

#[test]
fn entra_without_oid_is_refused() {
    let mut c = claims();
    c.oid = None;
    assert_eq!(identity_key(&entra(), &c), Err(Refusal::MissingObjectId));
}

#[test]
fn one_login_identity_is_sub_and_needs_the_confidence_asked_for() {
    let p = ProviderPolicy::new(ProviderKind::OneLogin, vec![Role::Parent]);
    let mut c = claims();
    c.subject = "urn:fdc:gov.uk:2022:abc".into();
    assert_eq!(
        identity_key(&p, &c).unwrap().subject,
        "urn:fdc:gov.uk:2022:abc"
    );
    assert_eq!(check_claims(&p, &c), Err(Refusal::WrongConfidence));
    c.vot = Some("Cl".into());
    assert_eq!(check_claims(&p, &c), Err(Refusal::WrongConfidence));
    c.vot = Some("Cl.Cm".into());
    assert_eq!(check_claims(&p, &c), Ok(()));
}

#[test]
fn entra_role_map_must_include_the_accounts_role() {
    let mut p = entra();
    p.role_map = parse_role_map("MNS.Coordinator=coordinator, MNS.Caseworker=caseworker").unwrap();
    let mut c = claims();
    c.roles = vec!["MNS.Caseworker".into()];
    assert_eq!(
        check_account(&p, &c, staff(Role::Coordinator), false),
        Err(Refusal::RoleNotAssigned)
    );
    assert_eq!(
        check_account(&p, &c, staff(Role::Caseworker), false),
        Ok(())
    );
    // Without a map, app roles are not checked.
    assert_eq!(
        check_account(&entra(), &claims(), staff(Role::Coordinator), false),
        Ok(())
    );
}

#[test]
fn a_role_the_provider_may_not_sign_in_is_refused() {
    assert_eq!(
        check_account(&entra(), &claims(), staff(Role::Parent), false),
        Err(Refusal::RoleNotAllowed)
    );
}

#[test]
fn a_disabled_account_is_refused_first() {
    let facts = AccountFacts {
        disabled: true,
        ..staff(Role::Coordinator)
    };
    assert_eq!(
        check_account(&entra(), &claims(), facts, false),
        Err(Refusal::AccountDisabled)
    );
}

#[test]
fn dfe_school_must_be_known_and_the_accounts_own() {
    let p = ProviderPolicy::new(ProviderKind::Dfe, vec![Role::School]);
    let mut c = claims();
    c.organisation = Some(school_org("121234"));
    let own = AccountFacts {
        role: Role::School,
        school_urn: Some("121234"),
        disabled: false,
    };
    assert_eq!(check_claims(&p, &c), Ok(()));
    assert_eq!(check_account(&p, &c, own, true), Ok(()));
    assert_eq!(
        check_account(&p, &c, own, false),
        Err(Refusal::UnknownSchool)
    );
    let other = AccountFacts {
        school_urn: Some("999999"),
        ..own
    };
    assert_eq!(
        check_account(&p, &c, other, true),
        Err(Refusal::OtherSchool)
    );
}

#[test]
fn dfe_organisation_that_is_not_an_establishment_is_not_a_school() {
    let p = ProviderPolicy::new(ProviderKind::Dfe, vec![Role::School]);
    let mut c = claims();
    let mut org = school_org("121234");
    org.category = Some(DfeCategory {
        id: Some("002".into()),
        name: Some("Local Authority".into()),
    });
    c.organisation = Some(org);
    assert_eq!(check_claims(&p, &c), Err(Refusal::UnknownSchool));
    c.organisation = None;
    assert_eq!(check_claims(&p, &c), Err(Refusal::UnknownSchool));
}

#[test]
fn dfe_organisation_claim_parses_with_nulls() {
    let org: DfeOrganisation = serde_json::from_str(
        r#"{"id":"A1","name":"X","urn":"121234","category":{"id":"001","name":"Establishment"},"ukprn":null,"status":{"id":1}}"#,
    )
    .unwrap();
    assert_eq!(org.school_urn(), Some("121234"));
    let none: DfeOrganisation = serde_json::from_str(r#"{"id":"A1","urn":null}"#).unwrap();
    assert_eq!(none.school_urn(), None);
}

#[test]
fn dfe_role_codes() {
    let mut p = ProviderPolicy::new(ProviderKind::Dfe, vec![Role::School]);
    assert!(!dfe_roles_allow(&p, &[]));
    assert!(dfe_roles_allow(&p, &["anything".into()]));
    p.dfe_role_codes = vec!["MNS_SCHOOL".into()];
    assert!(!dfe_roles_allow(&p, &["OTHER".into()]));
    assert!(dfe_roles_allow(&p, &["OTHER".into(), "MNS_SCHOOL".into()]));
}

#[test]
fn email_linking_is_off_by_default_and_needs_a_verified_address() {
    let mut p = ProviderPolicy::new(ProviderKind::OneLogin, vec![Role::Parent]);
    let mut c = claims();
    c.email = Some("parent@example.org".into());
    c.email_verified = Some(true);
    assert!(!email_link_allowed(&p, &c));
    p.link_by_email = true;
    assert!(email_link_allowed(&p, &c));
    c.email_verified = None;
    assert!(!email_link_allowed(&p, &c));
    c.email_verified = Some(false);
    assert!(!email_link_allowed(&p, &c));
}

#[test]
fn refusals_have_distinct_codes_and_token_faults_are_400() {
    use std::collections::HashSet;
    let all = [
        Refusal::StateMismatch,
        Refusal::ProviderError,
        Refusal::ProviderUnavailable,
        Refusal::CodeRejected,
        Refusal::WrongAudience,
        Refusal::WrongIssuer,
        Refusal::WrongNonce,
        Refusal::TokenExpired,
        Refusal::UnknownKey,
        Refusal::InvalidToken,
        Refusal::WrongTenant,
        Refusal::MissingObjectId,
        Refusal::RoleNotAssigned,
        Refusal::WrongConfidence,
        Refusal::UnknownSchool,
        Refusal::OtherSchool,
        Refusal::NoServiceRole,
        Refusal::NoLinkedAccount,
        Refusal::AccountDisabled,
        Refusal::RoleNotAllowed,
        Refusal::LinkNotUsable,
        Refusal::IdentityLinkedElsewhere,
    ];
    let codes: HashSet<_> = all.iter().map(|r| r.code()).collect();
    assert_eq!(codes.len(), all.len());
    assert!(Refusal::WrongNonce.is_token_fault());
    assert_eq!(Refusal::ProviderUnavailable.status(), 503);
    assert_eq!(Refusal::OtherSchool.status(), 403);
    assert!(all.iter().all(|r| !r.message().is_empty()));
    let headings: HashSet<_> = all.iter().map(|r| r.heading()).collect();
    assert!(headings.len() >= 15, "most refusals have their own heading");
}

#[test]
fn provider_kinds_and_ids_parse() {
    assert_eq!(ProviderKind::parse("OneLogin"), Ok(ProviderKind::OneLogin));
    assert_eq!(ProviderKind::parse("dfe-sign-in"), Ok(ProviderKind::Dfe));
    assert!(ProviderKind::parse("google").is_err());
    assert!(valid_provider_id("one-login"));
    assert!(!valid_provider_id("One"));
    assert!(!valid_provider_id(""));
    assert!(!valid_provider_id(&"a".repeat(33)));
    assert!(parse_role_map("MNS.X").is_err());
    assert!(parse_role_map("MNS.X=nobody").is_err());
}
