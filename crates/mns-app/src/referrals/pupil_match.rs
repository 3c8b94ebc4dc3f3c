//! A referral's UPN match (MN-ROLE-2): a UPN is guessable, so a match on it alone never
//! joins a referral to another school's child. The coordinator decides, seeing both records.

use super::*;
use crate::{Actor, App, AppError, AppResult};
use mns_domain::referral::Referral;
use mns_domain::referral::{Identity, MatchResolution, UpnMatch, classify_upn_match};
use mns_store::{PupilMatchRecord, PupilRecord, new_id};

/// A UPN match on a referral, with both records side by side for the coordinator.
#[derive(Debug, Clone)]
pub struct PupilMatchView {
    /// What kind of match it is.
    pub kind: UpnMatch,
    /// The stored match and its resolution.
    pub record: PupilMatchRecord,
    /// The record made for the referral (the existing one, once joined to it).
    pub new_pupil: PupilRecord,
    /// The existing record with the UPN.
    pub existing: PupilRecord,
}

impl App {
    /// Finds the referral's pupil, or makes a record for them (MN-ROLE-2). A UPN match joins
    /// the existing record only when it is the same school's and the name and date of birth
    /// agree; any other match gets a record of its own without the UPN, and a
    /// [`PupilMatchRecord`] for the coordinator, so the submitting school never sees another
    /// school's child.
    pub(super) async fn match_or_create_pupil(
        &self,
        tx: &mut mns_store::WriteTx,
        referral_id: &str,
        form: &Referral,
        school_urn: Option<&str>,
    ) -> AppResult<String> {
        let now = self.now();
        let upn = form
            .pupil
            .upn
            .as_ref()
            .and_then(|u| u.value())
            .map(|u| u.as_str().to_string());
        let date_of_birth = form.pupil.date_of_birth.ok_or_else(|| {
            AppError::invalid("pupil.date_of_birth", "Enter the pupil's date of birth")
        })?;
        let existing = match &upn {
            Some(upn) => self.store.pupil_by_upn(upn).await?,
            None => None,
        };
        let pupil = PupilRecord {
            id: new_id(),
            upn,
            given_name: form.pupil.first_name.trim().to_string(),
            family_name: form.pupil.last_name.trim().to_string(),
            date_of_birth,
            school_urn: school_urn.map(str::to_string),
            created_at: now,
            updated_at: now,
        };
        let nhs_number = form
            .pupil
            .nhs_number
            .as_ref()
            .and_then(|n| n.value())
            .map(|n| n.as_str().to_string());
        self.join_or_create_pupil(tx, referral_id, pupil, existing, nhs_number.as_deref())
            .await
    }

    /// The rule every way into the service shares (MN-ROLE-2): `pupil` (the child as the
    /// referral or notification gives them) joins `existing` (the record found by UPN or NHS
    /// number) only when it is the same school's and the name and date of birth agree. Any
    /// other match gets a record of its own without the UPN, and a [`PupilMatchRecord`] for the
    /// coordinator: never merged. Without a match the record is made. A new record keeps the
    /// NHS number given, so a later notification finds the child.
    pub(super) async fn join_or_create_pupil(
        &self,
        tx: &mut mns_store::WriteTx,
        referral_id: &str,
        mut pupil: PupilRecord,
        existing: Option<PupilRecord>,
        nhs_number: Option<&str>,
    ) -> AppResult<String> {
        if let Some(existing) = existing {
            let kind = classify_upn_match(
                Identity {
                    given_name: &existing.given_name,
                    family_name: &existing.family_name,
                    date_of_birth: existing.date_of_birth,
                    school_urn: existing.school_urn.as_deref(),
                },
                Identity {
                    given_name: &pupil.given_name,
                    family_name: &pupil.family_name,
                    date_of_birth: pupil.date_of_birth,
                    school_urn: pupil.school_urn.as_deref(),
                },
            );
            if kind == UpnMatch::SameRecord {
                return Ok(existing.id);
            }
            // The UPN stays with the existing record until the coordinator decides.
            pupil.upn = None;
            self.insert_pupil_with_nhs_number(tx, &pupil, nhs_number)
                .await?;
            tx.insert_pupil_match(&PupilMatchRecord {
                referral_id: referral_id.to_string(),
                new_pupil_id: pupil.id.clone(),
                existing_pupil_id: existing.id,
                kind: kind.as_str().to_string(),
                created_at: pupil.created_at,
                resolution: None,
                resolved_by: None,
                resolved_at: None,
                note: String::new(),
            })
            .await?;
            return Ok(pupil.id);
        }
        self.insert_pupil_with_nhs_number(tx, &pupil, nhs_number)
            .await?;
        Ok(pupil.id)
    }

    async fn insert_pupil_with_nhs_number(
        &self,
        tx: &mut mns_store::WriteTx,
        pupil: &PupilRecord,
        nhs_number: Option<&str>,
    ) -> AppResult<()> {
        tx.insert_pupil(pupil).await?;
        if let Some(nhs_number) = nhs_number {
            tx.set_pupil_nhs_number(&pupil.id, nhs_number).await?;
        }
        Ok(())
    }

    /// The UPN match on a referral, with both records, for council staff (MN-ROLE-2). `None`
    /// when the referral's UPN matched nothing it should not have.
    pub async fn referral_pupil_match(
        &self,
        actor: &Actor,
        referral_id: &str,
    ) -> AppResult<Option<PupilMatchView>> {
        if !actor.may(Capability::ReadReferralQueue) {
            return Ok(None);
        }
        self.referral_in_scope(actor, referral_id).await?;
        let Some(record) = self.store.pupil_match(referral_id).await? else {
            return Ok(None);
        };
        let (Some(new_pupil), Some(existing)) = (
            self.store.get_pupil(&record.new_pupil_id).await?,
            self.store.get_pupil(&record.existing_pupil_id).await?,
        ) else {
            // Resolved as the same child: the new record is gone and the referral is the
            // existing child's.
            return Ok(self
                .store
                .get_pupil(&record.existing_pupil_id)
                .await?
                .map(|existing| PupilMatchView {
                    kind: UpnMatch::parse(&record.kind).unwrap_or(UpnMatch::PossibleMatch),
                    new_pupil: existing.clone(),
                    existing,
                    record,
                }));
        };
        Ok(Some(PupilMatchView {
            kind: UpnMatch::parse(&record.kind).unwrap_or(UpnMatch::PossibleMatch),
            record,
            new_pupil,
            existing,
        }))
    }

    /// The coordinator decides whether a referral's UPN match is the same child (MN-ROLE-2).
    /// The same child: the referral joins the existing record, which moves to the referring
    /// school (audited as `pupil.move`, its own entry), and the record made for the referral
    /// goes. Different children: the referral keeps its own record. A note is required for a
    /// possible match, whose details disagree.
    pub async fn resolve_pupil_match(
        &self,
        actor: &Actor,
        referral_id: &str,
        resolution: Option<MatchResolution>,
        note: &str,
    ) -> AppResult<()> {
        let view = self
            .referral_for_action(actor, referral_id, ReferralAction::ResolvePupilMatch)
            .await?;
        let record = self
            .store
            .pupil_match(referral_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let Some(resolution) = resolution else {
            return Err(AppError::invalid(
                "resolution",
                "Select whether this is the same child as the existing record",
            ));
        };
        if record.resolved_at.is_some() {
            return Err(AppError::invalid(
                "resolution",
                "This match has already been decided",
            ));
        }
        let note = note.trim();
        if UpnMatch::parse(&record.kind) == Some(UpnMatch::PossibleMatch)
            && resolution == MatchResolution::SameChild
            && note.is_empty()
        {
            return Err(AppError::invalid(
                "note",
                "Say how you know this is the same child: the name or date of birth on the referral differ from the record",
            ));
        }
        let existing = self
            .store
            .get_pupil(&record.existing_pupil_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx
            .resolve_pupil_match(referral_id, resolution.as_str(), &actor.user.id, note, now)
            .await?
        {
            return Err(AppError::invalid(
                "resolution",
                "This match has already been decided",
            ));
        }
        if resolution == MatchResolution::SameChild {
            tx.set_referral_pupil(referral_id, &existing.id).await?;
            tx.delete_unused_pupil(&record.new_pupil_id).await?;
            if let Some(urn) = view.record.school_urn.as_deref()
                && existing.school_urn.as_deref() != Some(urn)
            {
                tx.move_pupil(&existing.id, urn, now).await?;
                self.audit(
                    &mut tx,
                    actor,
                    "pupil.move",
                    "pupil",
                    &existing.id,
                    &format!(
                        "from school {} to school {urn}, confirmed on referral {referral_id}",
                        existing.school_urn.as_deref().unwrap_or("none")
                    ),
                )
                .await?;
            }
        }
        self.audit(
            &mut tx,
            actor,
            "pupil_match.resolve",
            "referral",
            referral_id,
            resolution.as_str(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a decision must wait for the coordinator to resolve a UPN match first.
    pub(super) async fn pupil_match_open(&self, referral_id: &str) -> AppResult<bool> {
        Ok(self
            .store
            .pupil_match(referral_id)
            .await?
            .is_some_and(|m| m.resolved_at.is_none()))
    }
}
