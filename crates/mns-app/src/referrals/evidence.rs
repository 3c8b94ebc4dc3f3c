//! Health professionals give medical evidence (MN-EV-1, MN-EV-8, MN-ROLE-5): a health
//! professional linked to a child sees the child's referrals that wait for evidence, and gives
//! it with a document; the evidence goes onto the referral, the waiting-for-evidence clock
//! stops, and the Medical Needs team and the school are told.
//!
//! A health professional's view of a referral is kept small on purpose ([`EvidenceRequest`]:
//! the child's name, the school, since when evidence is awaited). They never read the school's
//! form, the checks or the documents; the document they upload is held as a pending upload
//! (`DocumentOwner::PendingEvidence`, encrypted like any other, readable by nobody) until they
//! confirm their answers, when it becomes the referral's in the same transaction as the
//! evidence.

use super::*;
use mns_domain::referral::{
    EvidenceAnswers, MedicalEvidence, evidence_from_answers, lacks_accepted_evidence,
};
use mns_store::DocumentMeta;

/// The record type of a health professional's upload before they confirm it.
pub const PENDING_EVIDENCE: DocumentOwner = DocumentOwner::PendingEvidence;

/// A referral as a health professional sees it: enough to know which child and what is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRequest {
    /// The referral's id.
    pub referral_id: String,
    /// The child's name.
    pub child_name: String,
    /// The referring school's name.
    pub school: String,
    /// Since when evidence has been awaited: the day it was marked as waiting, or else the
    /// referral date (MN-EV-8).
    pub waiting_since: NaiveDate,
    /// Days waited since then (MN-EV-8).
    pub days_waited: i64,
    /// Whether evidence may be given now (the referral still waits for a decision).
    pub open: bool,
    /// Whether the coordinator marked it as waiting for evidence.
    pub marked_waiting: bool,
    /// Whether it is for a case's continuation request (MN-CONT-1) rather than a decision.
    pub for_continuation: bool,
}

/// Who is told when evidence is given, in words for the page that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceTold {
    /// The Medical Needs team: the person the referral is assigned to, or the coordinator.
    pub team: String,
    /// The referring school.
    pub school: String,
}

impl App {
    /// A referral as `actor` may give evidence on it: a health professional (the table's role
    /// part), and the referral's child linked to them today. Anything else is `NotFound`.
    async fn evidence_scope(&self, actor: &Actor, id: &str) -> AppResult<ReferralView> {
        if !ReferralAction::GiveEvidence.allowed_for(actor.role()) {
            return Err(AppError::NotFound);
        }
        let record = self
            .store
            .get_referral(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let linked = match &record.pupil_id {
            Some(pupil) if record.status != Status::Draft.as_str() => self
                .store
                .pupil_link(&actor.user.id, pupil, self.today())
                .await?
                .is_some(),
            _ => false,
        };
        if !linked {
            return Err(AppError::NotFound);
        }
        self.evidence_view(record, actor)
            .await
            .map(|(view, _)| view)
    }

    /// Since when the referral's case wants updated evidence for its continuation request, if
    /// it was accepted and does (MN-CONT-1).
    async fn case_evidence_since(
        &self,
        record: &mns_store::ReferralRecord,
    ) -> AppResult<Option<NaiveDate>> {
        if record.status != Status::Accepted.as_str() {
            return Ok(None);
        }
        let Some(case) = self.store.get_case(&record.id).await? else {
            return Ok(None);
        };
        let form: mns_domain::referral::Referral = serde_json::from_str(&record.form_json)
            .map_err(|e| AppError::internal(format!("referral {} form: {e}", record.id)))?;
        Ok(mns_domain::referral::case_wants_evidence(
            case.state,
            case.period_start,
            case.continuation_due,
            &form.evidence,
            self.today(),
        ))
    }

    /// A referral as a health professional sees it, with since when its case wants evidence.
    async fn evidence_view(
        &self,
        record: mns_store::ReferralRecord,
        actor: &Actor,
    ) -> AppResult<(ReferralView, Option<NaiveDate>)> {
        let since = self.case_evidence_since(&record).await?;
        let view = App::view_with_case(record, actor.role(), false, since.is_some())?;
        Ok((view, since))
    }

    fn request_since(&self, view: &ReferralView, case_since: Option<NaiveDate>) -> EvidenceRequest {
        let since = case_since
            .or(view.record.waiting_for_evidence_since)
            .or(view.record.referral_date)
            .unwrap_or_else(|| self.today());
        EvidenceRequest {
            referral_id: view.record.id.clone(),
            child_name: format!(
                "{} {}",
                view.form.pupil.first_name.trim(),
                view.form.pupil.last_name.trim()
            ),
            school: view.form.school.name.clone(),
            waiting_since: since,
            days_waited: mns_domain::referral::days_waiting_on_evidence(since, self.today()),
            open: view.may(ReferralAction::GiveEvidence),
            marked_waiting: view.status == Status::WaitingForEvidence,
            for_continuation: case_since.is_some(),
        }
    }

    /// The referrals of the children linked to a health professional that wait for evidence
    /// (MN-EV-8): marked as waiting, or awaiting a decision with no evidence yet from a kind of
    /// professional the policy accepts; longest waiting first. The list is audited as a read.
    pub async fn evidence_requests(&self, actor: &Actor) -> AppResult<Vec<EvidenceRequest>> {
        actor.require(Capability::GiveEvidence)?;
        let mut requests = Vec::new();
        for pupil in self
            .store
            .pupils_linked_to(&actor.user.id, self.today())
            .await?
        {
            for record in self.store.referrals_of_pupil(&pupil.id).await? {
                let (view, case_since) = self.evidence_view(record, actor).await?;
                let waits = view.status == Status::WaitingForEvidence
                    || (view.status.awaits_decision()
                        && lacks_accepted_evidence(&view.form.evidence))
                    || case_since.is_some();
                if waits && view.may(ReferralAction::GiveEvidence) {
                    requests.push(self.request_since(&view, case_since));
                }
            }
        }
        requests.sort_by(|a, b| {
            b.days_waited
                .cmp(&a.days_waited)
                .then(a.referral_id.cmp(&b.referral_id))
        });
        self.audit_view(actor, "referral.evidence_requests", "pupil_list", "linked")
            .await?;
        Ok(requests)
    }

    /// One referral as a health professional linked to the child sees it (audited as a view).
    pub async fn evidence_request(&self, actor: &Actor, id: &str) -> AppResult<EvidenceRequest> {
        let view = self.evidence_scope(actor, id).await?;
        let case_since = self.case_evidence_since(&view.record).await?;
        self.audit_view(actor, "referral.evidence_view", "referral", id)
            .await?;
        Ok(self.request_since(&view, case_since))
    }

    /// Who is told when evidence is given on a referral `actor` may give evidence on (for the
    /// page that says it was sent).
    pub async fn evidence_told(&self, actor: &Actor, id: &str) -> AppResult<EvidenceTold> {
        let view = self.evidence_scope(actor, id).await?;
        Ok(self.evidence_recipients(&view).await?.0)
    }

    /// Who giving evidence on this referral tells: the person it is assigned to, or else the
    /// coordinator's mailbox; and the referring school's users. Names and addresses, in words.
    async fn evidence_recipients(
        &self,
        view: &ReferralView,
    ) -> AppResult<(EvidenceTold, Vec<String>)> {
        let assignee = match self.store.referral_assignee(&view.record.id).await? {
            Some(user_id) => self
                .store
                .get_user(&user_id)
                .await?
                .filter(|u| u.disabled_at.is_none()),
            None => None,
        };
        let (team, mut emails) = match assignee {
            Some(user) => (
                format!("{} in the Medical Needs team", user.display_name),
                vec![user.email],
            ),
            None => (
                "the Medical Needs coordinator".to_string(),
                vec![self.settings.coordinator_email.clone()],
            ),
        };
        if let Some(urn) = &view.record.school_urn {
            emails.extend(self.store.school_user_emails(urn).await?);
        }
        let school = if view.form.school.name.trim().is_empty() {
            "the school".to_string()
        } else {
            view.form.school.name.clone()
        };
        Ok((EvidenceTold { team, school }, emails))
    }

    /// Checks a health professional's answers on a referral they may give evidence on, without
    /// recording anything: the evidence as it will be put on the referral, and who will be told.
    /// Problems are [`AppError::Invalid`], each on its field.
    pub async fn preview_evidence(
        &self,
        actor: &Actor,
        id: &str,
        answers: &EvidenceAnswers,
    ) -> AppResult<(MedicalEvidence, EvidenceTold)> {
        let view = self.evidence_scope(actor, id).await?;
        if !view.may(ReferralAction::GiveEvidence) {
            return Err(AppError::invalid(
                "referral",
                "The Medical Needs Service has decided on this referral: evidence can no longer be given on it",
            ));
        }
        let evidence = self.evidence_of(actor, answers)?;
        let (told, _) = self.evidence_recipients(&view).await?;
        Ok((evidence, told))
    }

    fn evidence_of(&self, actor: &Actor, answers: &EvidenceAnswers) -> AppResult<MedicalEvidence> {
        evidence_from_answers(
            answers,
            &actor.user.display_name,
            &actor.user.id,
            self.today(),
        )
        .map_err(|problems| {
            AppError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(p.field, p.message))
                    .collect(),
            )
        })
    }

    /// Holds the document a health professional uploads with their evidence, encrypted, until
    /// they confirm ([`App::give_evidence`]). The contents are checked as for any document.
    pub async fn hold_evidence_document(
        &self,
        actor: &Actor,
        id: &str,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<DocumentMeta> {
        self.store_document(actor, PENDING_EVIDENCE, id, filename, bytes)
            .await
    }

    /// Whether `actor` may hold a document for evidence on this referral (pending uploads are
    /// never read back: the referral's documents are read once the evidence is given).
    pub(crate) async fn may_hold_evidence_document(
        &self,
        actor: &Actor,
        id: &str,
        access: crate::documents::DocumentAccess,
    ) -> AppResult<bool> {
        if access == crate::documents::DocumentAccess::Read {
            return Ok(false);
        }
        match self.evidence_scope(actor, id).await {
            Ok(view) => Ok(view.may(ReferralAction::GiveEvidence)),
            Err(AppError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Gives evidence on a referral (MN-EV-1, MN-EV-8), in one transaction: the answers,
    /// checked, are added to the referral's evidence with the professional's registration,
    /// organisation and account; the document held for it (`document_id`, uploaded by the
    /// actor for this referral) becomes the referral's; a referral waiting for evidence goes
    /// back to the coordinator (`referral.waiting_for_evidence` = `arrived`, so its history says
    /// the evidence arrived and the clock stops); `referral.evidence_given` is audited; and the
    /// Medical Needs team and the school are emailed, without the child's details. The checks
    /// are evaluated from the form each time the referral is read, so they reflect it at once.
    pub async fn give_evidence(
        &self,
        actor: &Actor,
        id: &str,
        answers: &EvidenceAnswers,
        document_id: &str,
    ) -> AppResult<EvidenceTold> {
        let (evidence, _) = self.preview_evidence(actor, id, answers).await?;
        let view = self.evidence_scope(actor, id).await?;
        let (told, emails) = self.evidence_recipients(&view).await?;
        let was_waiting = view.status == Status::WaitingForEvidence;
        let mut form = view.form;
        form.evidence.push(evidence);
        let mut record = view.record;
        record.form_json = to_json(&form)?;
        record.updated_at = self.now();
        if was_waiting {
            record.status = Status::Submitted.as_str().into();
            record.waiting_for_evidence_since = None;
        }
        let mut tx = self.store.begin().await?;
        if !tx
            .move_document(
                document_id,
                id,
                &actor.user.id,
                PENDING_EVIDENCE.as_str(),
                REFERRAL.as_str(),
            )
            .await?
        {
            return Err(AppError::invalid(
                "document",
                "The document you uploaded was not found: upload it again",
            ));
        }
        tx.save_referral(&record).await?;
        if was_waiting {
            self.audit(
                &mut tx,
                actor,
                "referral.waiting_for_evidence",
                "referral",
                id,
                "arrived",
            )
            .await?;
        }
        self.audit(
            &mut tx,
            actor,
            "referral.evidence_given",
            "referral",
            id,
            document_id,
        )
        .await?;
        let mut sent = std::collections::BTreeSet::new();
        for to in emails.into_iter().filter(|e| sent.insert(e.clone())) {
            tx.enqueue_message(
                &to,
                "Medical evidence has been given on a Medical Needs referral",
                &format!(
                    "A health professional has given medical evidence on a referral to the {} Medical Needs Service.\n\nSign in to see it:\n{}/referrals/{id}\n",
                    self.settings.council_name, self.settings.public_url
                ),
                self.now(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(told)
    }
}
