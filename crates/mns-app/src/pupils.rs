//! Pupils: who may see which child, and the audited views of a child's record.

use crate::{Actor, App, AppError, AppResult};
use mns_domain::audit::AuditEntry;
use mns_domain::permissions::{Capability, ChildScope};
use mns_store::PupilRecord;

/// How many pupils a council-wide list shows at once.
const LIST_LIMIT: i64 = 500;

impl App {
    /// Whether `actor` may see `pupil` at all (MN-ROLE-1..6): council staff see every child;
    /// a school user sees its own school's pupils; parents, providers, health professionals and
    /// case viewers see the children linked to them; finance sees no child's record.
    pub async fn pupil_in_scope(&self, actor: &Actor, pupil: &PupilRecord) -> AppResult<bool> {
        Ok(match actor.child_scope() {
            ChildScope::Every => true,
            ChildScope::OwnSchool => {
                actor.user.school_urn.is_some() && pupil.school_urn == actor.user.school_urn
            }
            ChildScope::Linked => self
                .store
                .pupil_link(&actor.user.id, &pupil.id, self.today())
                .await?
                .is_some(),
            ChildScope::None => false,
        })
    }

    /// The pupils `actor` may see, recording the list view in the audit trail.
    pub async fn list_pupils(&self, actor: &Actor) -> AppResult<Vec<PupilRecord>> {
        let (pupils, scope) = match actor.child_scope() {
            ChildScope::Every => (self.store.all_pupils(LIST_LIMIT).await?, "all".to_string()),
            ChildScope::OwnSchool => match &actor.user.school_urn {
                Some(urn) => (
                    self.store.pupils_at_school(urn).await?,
                    format!("school:{urn}"),
                ),
                None => (Vec::new(), "none".to_string()),
            },
            ChildScope::Linked => (
                self.store
                    .pupils_linked_to(&actor.user.id, self.today())
                    .await?,
                "linked".to_string(),
            ),
            ChildScope::None => return Err(AppError::NotFound),
        };
        self.audit_view(actor, "pupil.list", "pupil_list", &scope)
            .await?;
        Ok(pupils)
    }

    /// One pupil's record, if `actor` may see it; the view is audited (MN-REC-1).
    pub async fn view_pupil(&self, actor: &Actor, pupil_id: &str) -> AppResult<PupilRecord> {
        let pupil = self.pupil_for(actor, pupil_id).await?;
        self.audit_view(actor, "pupil.view", "pupil", &pupil.id)
            .await?;
        Ok(pupil)
    }

    /// Who has viewed or changed a pupil's record, newest first (coordinator and auditor only;
    /// looking at the history is itself audited).
    pub async fn pupil_access_history(
        &self,
        actor: &Actor,
        pupil_id: &str,
    ) -> AppResult<(PupilRecord, Vec<AuditEntry>)> {
        actor.require(Capability::ReadAccessHistory)?;
        let pupil = self.pupil_for(actor, pupil_id).await?;
        self.audit_view(actor, "pupil.access_history", "pupil", &pupil.id)
            .await?;
        let entries = self.store.audit_for_record("pupil", &pupil.id, 200).await?;
        Ok((pupil, entries))
    }

    pub(crate) async fn pupil_for(&self, actor: &Actor, pupil_id: &str) -> AppResult<PupilRecord> {
        let pupil = self
            .store
            .get_pupil(pupil_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if self.pupil_in_scope(actor, &pupil).await? {
            Ok(pupil)
        } else {
            Err(AppError::NotFound)
        }
    }
}
