//! What needs a user today, for their home page: counts and links, no child's details (so not
//! audited). Each line is for those the permissions table lets act on it.

use crate::{Actor, App, AppResult};
use mns_domain::permissions::Capability;
use mns_domain::provision::CaseState;
use mns_domain::referral::ReferralStatus;
use mns_domain::wording::count;

/// One thing that needs the user, with where to deal with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attention {
    /// What, counted: "3 referrals waiting for a decision".
    pub text: String,
    /// Where to act on it.
    pub href: &'static str,
}

impl App {
    /// What needs `actor` today: referrals waiting for a decision and reviews overdue for the
    /// Medical Needs team (MN-DEC-2, MN-REV-1), the referrals assigned to the user that still
    /// wait for a decision and their open cases, continuation requests waiting (MN-CONT-1),
    /// and for a school its referrals sent back with questions and its reviews due. Empty
    /// for roles with nothing to act on.
    pub async fn needs_attention(&self, actor: &Actor) -> AppResult<Vec<Attention>> {
        let mut out = Vec::new();
        let today = self.today();
        let school = actor.user.school_urn.as_deref();
        let counting = if actor.may(Capability::ReadReferralQueue) {
            Some(None)
        } else if actor.may(Capability::StartReferral) && school.is_some() {
            Some(school)
        } else {
            None
        };
        let Some(scope) = counting else {
            return Ok(out);
        };
        let counts = self.store.referral_counts(scope).await?;
        let n = |status: ReferralStatus| {
            counts
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map_or(0, |(_, n)| *n)
        };
        if actor.may(Capability::WorkReferral) {
            let awaiting: Vec<&str> = ReferralStatus::ALL
                .into_iter()
                .filter(|s| s.awaits_decision())
                .map(ReferralStatus::as_str)
                .collect();
            let mine = self.store.count_assigned(&actor.user.id, &awaiting).await?;
            if mine > 0 {
                out.push(Attention {
                    text: format!("{} assigned to you", count(mine, "referral", "referrals")),
                    href: "/referrals?assigned=me",
                });
            }
            let cases = self.store.open_case_ids_assigned_to(&actor.user.id).await?;
            if !cases.is_empty() {
                out.push(Attention {
                    text: format!(
                        "{} assigned to you",
                        count(cases.len() as i64, "open case", "open cases")
                    ),
                    href: "/cases?assigned=me",
                });
            }
        }
        if actor.may(Capability::ReadReferralQueue) {
            let waiting = n(ReferralStatus::Submitted) + n(ReferralStatus::WaitingForEvidence);
            if waiting > 0 {
                out.push(Attention {
                    text: format!(
                        "{} waiting for a decision",
                        count(waiting, "referral", "referrals")
                    ),
                    href: "/referrals",
                });
            }
        } else {
            let asked = n(ReferralStatus::InformationRequested);
            if asked > 0 {
                out.push(Attention {
                    text: format!(
                        "{} sent back with questions for you to answer",
                        count(asked, "referral", "referrals")
                    ),
                    href: "/referrals",
                });
            }
        }
        // Counted by the database, not by reading every case: the home page's cost does not
        // grow with the service's history (issue 20).
        let running = [
            CaseState::InProvision,
            CaseState::Review,
            CaseState::Continued,
        ]
        .map(CaseState::as_str);
        let (reviews_overdue, continuations) = self
            .store
            .case_attention_counts(
                scope,
                today,
                &running,
                CaseState::ContinuationRequested.as_str(),
            )
            .await?;
        let href = if actor.may(Capability::ReadCaseDashboard) {
            "/cases/dashboard"
        } else {
            "/cases"
        };
        if reviews_overdue > 0 {
            out.push(Attention {
                text: format!("{} overdue", count(reviews_overdue, "review", "reviews")),
                href,
            });
        }
        if continuations > 0 && actor.may(Capability::ReadCaseDashboard) {
            out.push(Attention {
                text: format!(
                    "{} waiting for a decision",
                    count(
                        continuations,
                        "continuation request",
                        "continuation requests"
                    )
                ),
                href,
            });
        }
        Ok(out)
    }
}
