//! A school's draft referral before it is sent: what still stops it being submitted (the form's
//! problems and the attendance export, MN-REF-1, MN-REF-4), the files attached to it, and
//! deleting a draft the school no longer wants.

use super::{REFERRAL, REFERRAL_ATTENDANCE, ReferralView};
use crate::documents::DocumentAccess;
use crate::{Actor, App, AppError, AppResult};
use mns_domain::referral::{FieldProblem, ReferralAction};
use mns_store::DocumentMeta;

/// The files attached to a referral, oldest first.
#[derive(Debug, Clone, Default)]
pub struct ReferralFiles {
    /// The attendance exports (the herringbone, MN-REF-4): the newest is the one read.
    pub attendance: Vec<DocumentMeta>,
    /// Medical evidence letters and other documents.
    pub documents: Vec<DocumentMeta>,
}

impl ReferralFiles {
    /// The attendance export the checks read: the newest.
    pub fn attendance_export(&self) -> Option<&DocumentMeta> {
        self.attendance.iter().max_by_key(|d| d.uploaded_at)
    }
}

impl App {
    /// The files attached to a referral the actor may see (details only, nothing decrypted;
    /// not audited on its own: they are shown on a page of the referral, whose view is).
    pub async fn referral_files(&self, actor: &Actor, id: &str) -> AppResult<ReferralFiles> {
        if !self
            .may_use_documents(actor, REFERRAL, id, DocumentAccess::Read)
            .await?
        {
            return Err(AppError::NotFound);
        }
        Ok(ReferralFiles {
            attendance: self
                .store
                .documents_for(REFERRAL_ATTENDANCE.as_str(), id)
                .await?,
            documents: self.store.documents_for(REFERRAL.as_str(), id).await?,
        })
    }

    /// Everything that stops the referral being submitted today, in the order of the form
    /// (MN-REF-1): the form's problems as submission would see them (it dates the referral
    /// today when it has no date yet), dates that cannot be true yet (MN-EV-2), and the
    /// attendance export when none is attached (MN-REF-4). The same list submission refuses
    /// with, so pages and the API can say what is left to do.
    pub async fn submission_problems(
        &self,
        actor: &Actor,
        view: &ReferralView,
    ) -> AppResult<Vec<FieldProblem>> {
        let files = self.referral_files(actor, &view.record.id).await?;
        let today = self.today();
        let mut form = view.form.clone();
        form.referral_date = Some(
            view.record
                .referral_date
                .or(form.referral_date)
                .unwrap_or(today),
        );
        Ok(form.submission_problems(today, !files.attendance.is_empty()))
    }

    /// The draft for its school's "delete" confirmation page: `NotFound` for anyone else, and
    /// for a referral that has been submitted, which is never deleted. Viewing is audited.
    pub async fn draft_for_deleting(&self, actor: &Actor, id: &str) -> AppResult<ReferralView> {
        if !ReferralAction::DeleteDraft.allowed_for(actor.role()) {
            return Err(AppError::NotFound);
        }
        let view = self.view_referral(actor, id).await?;
        if view.may(ReferralAction::DeleteDraft) {
            Ok(view)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Deletes a draft referral its school has not sent, with every document attached to it
    /// (evidence and attendance exports), in one transaction with its `referral.delete_draft`
    /// audit entry (the detail says how many documents went). A referral that has been
    /// submitted is never deleted: `NotFound`, as for anyone but its school.
    pub async fn delete_draft_referral(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let view = self
            .referral_for_action(actor, id, ReferralAction::DeleteDraft)
            .await?;
        if !view.may(ReferralAction::DeleteDraft) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.begin().await?;
        // The status is checked again in the statement, inside the transaction: a draft
        // submitted meanwhile stays.
        if !tx.delete_draft_referral(id).await? {
            return Err(AppError::NotFound);
        }
        let mut documents = 0;
        for owner in [REFERRAL, REFERRAL_ATTENDANCE] {
            documents += tx.delete_documents_of(owner.as_str(), id).await?;
        }
        self.audit(
            &mut tx,
            actor,
            "referral.delete_draft",
            "referral",
            id,
            &format!("documents deleted: {documents}"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
