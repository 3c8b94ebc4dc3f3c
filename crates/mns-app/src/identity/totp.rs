//! Time-based one-time codes (RFC 6238: SHA-1, 6 digits, 30 seconds) for staff accounts.

use chrono::{DateTime, Utc};
use totp_rs::{Algorithm, Secret, TOTP};

fn totp(secret_base32: &str, issuer: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_string()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(issuer.to_string()),
        account.to_string(),
    )
    .ok()
}

/// A new random secret, base32.
pub fn new_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

/// Whether `code` is right for `secret` at `now` (one step either side is allowed for clock
/// drift).
pub fn check_code(secret_base32: &str, code: &str, now: DateTime<Utc>) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let Ok(now) = u64::try_from(now.timestamp()) else {
        return false;
    };
    totp(secret_base32, "mns", "user").is_some_and(|t| t.check(&code, now))
}

/// The 30-second time step whose code `code` is, for `secret` at `now` (one step either side
/// is allowed for clock drift), or `None` if it is none of them. The step is what makes a code
/// single-use: a sign-in accepts only a step later than the last one it accepted.
pub fn matching_step(secret_base32: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    use subtle::ConstantTimeEq;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = u64::try_from(now.timestamp()).ok()?;
    let totp = totp(secret_base32, "mns", "user")?;
    let step = now / 30;
    [step.saturating_sub(1), step, step + 1]
        .into_iter()
        .find(|s| {
            let expected = totp.generate(s * 30);
            bool::from(expected.as_bytes().ct_eq(code.as_bytes()))
        })
        .and_then(|s| i64::try_from(s).ok())
}

/// The code for `secret` at `now` (for the demo's sign-in help and for tests).
pub fn current_code(secret_base32: &str, now: DateTime<Utc>) -> Option<String> {
    let now = u64::try_from(now.timestamp()).ok()?;
    totp(secret_base32, "mns", "user").map(|t| t.generate(now))
}

/// The `otpauth://` URI an authenticator app reads, naming the service and the account.
pub fn setup_uri(secret_base32: &str, issuer: &str, account: &str) -> Option<String> {
    totp(secret_base32, issuer, account).map(|t| t.get_url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_code_checks_and_an_old_one_does_not() {
        let secret = new_secret();
        let now = Utc::now();
        let code = current_code(&secret, now).unwrap();
        assert!(check_code(&secret, &code, now));
        assert!(check_code(
            &secret,
            &code,
            now + chrono::Duration::seconds(29)
        ));
        assert!(!check_code(
            &secret,
            &code,
            now + chrono::Duration::minutes(5)
        ));
        assert!(!check_code(&secret, "not a code", now));
    }

    #[test]
    fn a_code_names_its_time_step() {
        let secret = new_secret();
        let now = Utc::now();
        let code = current_code(&secret, now).unwrap();
        let step = now.timestamp() / 30;
        assert_eq!(matching_step(&secret, &code, now), Some(step));
        let earlier = current_code(&secret, now - chrono::Duration::seconds(30)).unwrap();
        assert_eq!(matching_step(&secret, &earlier, now), Some(step - 1));
        assert_eq!(
            matching_step(&secret, &code, now + chrono::Duration::minutes(5)),
            None
        );
    }
}
