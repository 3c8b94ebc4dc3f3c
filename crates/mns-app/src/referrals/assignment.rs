//! Sharing out the work: the coordinator assigns a sent referral to someone in the Medical
//! Needs team who works referrals (a caseworker, or a coordinator), or to nobody. The queue
//! filters on it and each person's home page counts what is assigned to them.

use super::*;
use mns_store::UserRecord;

/// Someone a referral is, or can be, assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignee {
    /// Their user id.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Their role, in words.
    pub role: &'static str,
}

impl From<&UserRecord> for Assignee {
    fn from(user: &UserRecord) -> Assignee {
        Assignee {
            id: user.id.clone(),
            name: user.display_name.clone(),
            role: user.role.label(),
        }
    }
}

/// Who a referral is assigned to, and who the reader could assign it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Who has it, if anyone.
    pub assigned: Option<Assignee>,
    /// Whom it may be given to (empty unless the reader may assign it).
    pub choices: Vec<Assignee>,
}

impl App {
    /// The people referrals may be assigned to: active users whose role works referrals.
    async fn possible_assignees(&self) -> AppResult<Vec<UserRecord>> {
        Ok(self
            .store
            .list_users()
            .await?
            .into_iter()
            .filter(|u| u.disabled_at.is_none() && Capability::WorkReferral.allowed_for(u.role))
            .collect())
    }

    /// Who a referral is assigned to (council staff who read the queue), with the choices for
    /// a reader who may assign it.
    pub async fn referral_assignment(&self, actor: &Actor, id: &str) -> AppResult<Assignment> {
        let view = self
            .referral_for_action(actor, id, ReferralAction::ReadChecks)
            .await?;
        let assigned = match self.store.referral_assignee(id).await? {
            Some(user_id) => self
                .store
                .get_user(&user_id)
                .await?
                .as_ref()
                .map(Assignee::from),
            None => None,
        };
        let choices = if view.may(ReferralAction::Assign) {
            let mut people: Vec<Assignee> = self
                .possible_assignees()
                .await?
                .iter()
                .map(Assignee::from)
                .collect();
            people.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            people
        } else {
            Vec::new()
        };
        Ok(Assignment { assigned, choices })
    }

    /// Assigns a sent referral to `user_id`, or to nobody (the coordinator). The assignee must
    /// be an active user whose role works referrals; they are told by email (without the
    /// child's details) unless they assigned it to themselves. Audited.
    pub async fn assign_referral(
        &self,
        actor: &Actor,
        id: &str,
        user_id: Option<&str>,
    ) -> AppResult<()> {
        let view = self
            .referral_for_action(actor, id, ReferralAction::Assign)
            .await?;
        if !view.may(ReferralAction::Assign) {
            return Err(AppError::NotFound);
        }
        let assignee = match user_id {
            Some(user_id) => Some(
                self.possible_assignees()
                    .await?
                    .into_iter()
                    .find(|u| u.id == user_id)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "assigned_to",
                            "Select someone in the Medical Needs team who works on referrals",
                        )
                    })?,
            ),
            None => None,
        };
        let mut tx = self.store.begin().await?;
        tx.set_referral_assignee(id, assignee.as_ref().map(|u| u.id.as_str()))
            .await?;
        self.audit(
            &mut tx,
            actor,
            "referral.assign",
            "referral",
            id,
            assignee.as_ref().map_or("nobody", |u| u.id.as_str()),
        )
        .await?;
        if let Some(to) = assignee.filter(|u| u.id != actor.user.id) {
            tx.enqueue_message(
                &to.email,
                "A Medical Needs referral has been assigned to you",
                &format!(
                    "A referral to the {} Medical Needs Service has been assigned to you.\n\nSign in to see it:\n{}/referrals/{id}\n",
                    self.settings.council_name, self.settings.public_url
                ),
                self.now(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The schools that have sent referrals, by name, as (URN, name): the queue's school
    /// filter (council staff who read the queue).
    pub async fn schools_with_referrals(&self, actor: &Actor) -> AppResult<Vec<(String, String)>> {
        actor.require(Capability::ReadReferralQueue)?;
        Ok(self.store.schools_with_referrals().await?)
    }
}
