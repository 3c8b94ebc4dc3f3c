//! Notes on referrals and cases: the Medical Needs team's working notes, dated and signed,
//! never edited (a correction is a new note). Council staff read them; the coordinator and
//! caseworkers write them (MN-ROLE-1, MN-ROLE-6). Writing is audited without the note's words
//! (no personal data in the audit detail); reading is part of viewing the referral or case,
//! which is audited.

use crate::{Actor, App, AppError, AppResult};
use mns_domain::permissions::Capability;
use mns_store::{NoteRecord, new_id};

/// What a note is written on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteOn {
    /// A referral.
    Referral,
    /// A case.
    Case,
}

impl NoteOn {
    fn as_str(self) -> &'static str {
        match self {
            NoteOn::Referral => "referral",
            NoteOn::Case => "case",
        }
    }
}

/// The longest note, in characters.
const MAX_NOTE: usize = 5_000;

impl App {
    /// Checks that `actor` may see the record at all (`NotFound` otherwise).
    async fn note_target_in_scope(&self, actor: &Actor, on: NoteOn, id: &str) -> AppResult<()> {
        match on {
            NoteOn::Referral => self.referral_in_scope(actor, id).await.map(|_| ()),
            NoteOn::Case => self.case_in_scope(actor, id).await.map(|_| ()),
        }
    }

    /// The notes on a referral or case, oldest first, for council staff (others get none).
    pub async fn notes(&self, actor: &Actor, on: NoteOn, id: &str) -> AppResult<Vec<NoteRecord>> {
        if !actor.may(Capability::ReadReferralQueue) {
            return Ok(Vec::new());
        }
        Ok(self.store.notes(on.as_str(), id).await?)
    }

    /// Adds a note to a referral or case (the coordinator and caseworkers), dated now and
    /// signed by `actor`. An empty note, or one over 5,000 characters, is refused with the
    /// problem named.
    pub async fn add_note(&self, actor: &Actor, on: NoteOn, id: &str, body: &str) -> AppResult<()> {
        actor.require(Capability::WorkReferral)?;
        self.note_target_in_scope(actor, on, id).await?;
        let body = body.trim();
        if body.is_empty() {
            return Err(AppError::invalid("note", "Enter the note"));
        }
        if body.chars().count() > MAX_NOTE {
            return Err(AppError::invalid(
                "note",
                "The note must be 5,000 characters or fewer",
            ));
        }
        let note = NoteRecord {
            id: new_id(),
            record_type: on.as_str().into(),
            record_id: id.into(),
            author_id: actor.user.id.clone(),
            author_name: actor.user.display_name.clone(),
            written_at: self.now(),
            body: body.into(),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_note(&note).await?;
        self.audit(&mut tx, actor, "note.add", on.as_str(), id, &note.id)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
