//! The page a school lands on after sending a referral: a confirmation with its reference and
//! what happens next.

use super::*;
use mns_app::referrals::ReferralSent;

#[derive(Template)]
#[template(path = "referral_sent.html")]
struct SentPage {
    chrome: Chrome,
    id: String,
    sent: ReferralSent,
    /// The referral date, in words.
    referred_on: String,
    /// Whether the reader may start another referral (the school).
    may_start: bool,
}

/// `GET /referrals/{id}/sent`: the confirmation that a referral was sent, for its school (and
/// the coordinator); anyone else gets 404.
pub async fn sent(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let sent = state.app.referral_sent(&user.actor, &id).await?;
    Ok(render(&SentPage {
        chrome: Chrome::signed_in(&state, &user, "/referrals/"),
        referred_on: sent.referral_date.map(day).unwrap_or_default(),
        may_start: user.actor.may(Capability::StartReferral),
        id,
        sent,
    }))
}
