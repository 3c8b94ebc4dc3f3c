//! Identity: local accounts (argon2id passwords, TOTP for staff), sign-in throttling,
//! server-side sessions, API tokens, and user administration.
//!
//! A user is a row in `users`; *how* they prove who they are is a local credential, a linked
//! external identity (issuer + subject) signed in through OpenID Connect ([`oidc`]: Entra ID,
//! DfE Sign-in, GOV.UK One Login), or both. Either way the session is started by
//! [`App::start_session`](crate::App::start_session).

pub mod oidc;
pub mod oidc_links;
pub mod passwords;
pub mod recovery;
pub mod sessions;
pub mod totp;
pub mod users;

use sha2::{Digest, Sha256};

/// SHA-256 of a secret token, hex: what is stored instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random secret token (256 bits, hex).
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Normalises an email address for lookup: trimmed and lower-cased.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}
