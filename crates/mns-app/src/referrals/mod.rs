//! Referrals: a school drafts and submits one; the coordinator sees the queue, the checks
//! against every numbered rule, and decides (MN-REF, MN-DEC). Enquiries from parents are logged
//! (MN-ENQ).
//!
//! Who may do what (MN-ROLE-1, MN-ROLE-2): only a school user starts, edits and submits a
//! referral, and only for their own school; the coordinator decides; council staff read the
//! queue and every submitted referral. A school sees its own referrals, drafts included.

use crate::Context as _;
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::{NaiveDate, Utc};
use mns_domain::documents::DocumentOwner;
use mns_domain::identity::Role;
use mns_domain::permissions::{Capability, ChildScope};
use mns_domain::referral::{
    AttendanceEvidence, Check, Decision, DecisionOutcome, Enquiry, Entered, Referral,
    ReferralAction, ReferralFacts, days_from_referral_to_decision, evaluate, referral_actions,
};
use mns_store::{DecisionRecord, QueueFilter, QueueLine, ReferralRecord, new_id};

/// The record type documents attached to a referral (medical evidence, healthcare plans) belong to.
pub const REFERRAL: DocumentOwner = DocumentOwner::Referral;

/// The record type of a referral's attendance export (the herringbone, MN-REF-4).
pub const REFERRAL_ATTENDANCE: DocumentOwner = DocumentOwner::ReferralAttendance;

mod assignment;
mod desk;
mod drafts;
mod evidence;
mod export;
mod history;
mod notification;
mod notification_enquiries;
mod outcome;
mod pupil_match;
pub use assignment::{Assignee, Assignment};
pub use desk::{DecisionPreview, ReferralSent, referral_reference};
pub use drafts::ReferralFiles;
pub use evidence::{EvidenceRequest, EvidenceTold, PENDING_EVIDENCE};
pub use notification::{NotificationToSend, NotificationView};
pub use notification_enquiries::NotificationEnquiry;
pub use outcome::ReferralOutcome;
pub use pupil_match::PupilMatchView;

/// Where a referral is: the domain's [`mns_domain::referral::ReferralStatus`].
pub use mns_domain::referral::ReferralStatus as Status;

/// A referral with its form read back.
#[derive(Debug, Clone)]
pub struct ReferralView {
    /// The stored record.
    pub record: ReferralRecord,
    /// Its status.
    pub status: Status,
    /// The form.
    pub form: Referral,
    /// What the reader may do on it now ([`mns_domain::referral::actions`]): pages show these
    /// and nothing else.
    pub actions: Vec<ReferralAction>,
}

impl ReferralView {
    /// Whether the reader may take `action` now.
    pub fn may(&self, action: ReferralAction) -> bool {
        self.actions.contains(&action)
    }
}

/// Whether `actor` decides UPN matches and `record` is at a stage where one is decided.
fn may_decide_match(actor: &Actor, record: &ReferralRecord) -> bool {
    ReferralAction::ResolvePupilMatch.allowed_for(actor.role())
        && Status::parse(&record.status).is_some_and(Status::awaits_decision)
}

impl App {
    /// Reads a stored referral back for `role`, with what that role may do on it.
    fn view_of(
        record: ReferralRecord,
        role: Role,
        pupil_match_open: bool,
    ) -> AppResult<ReferralView> {
        App::view_with_case(record, role, pupil_match_open, false)
    }

    /// A view whose state part knows whether the referral's case wants updated evidence
    /// (MN-CONT-1).
    fn view_with_case(
        record: ReferralRecord,
        role: Role,
        pupil_match_open: bool,
        case_wants_evidence: bool,
    ) -> AppResult<ReferralView> {
        let status = Status::parse(&record.status).ok_or_else(|| {
            AppError::internal(format!("unknown referral status {}", record.status))
        })?;
        let form: Referral = serde_json::from_str(&record.form_json)
            .with_context(|| format!("referral {} form", record.id))?;
        let facts = ReferralFacts {
            status,
            pupil_match_open,
            case_wants_evidence,
        };
        Ok(ReferralView {
            record,
            status,
            form,
            actions: referral_actions(role, &facts),
        })
    }

    /// Re-reads a view after a change, for the same reader.
    async fn refreshed(&self, actor: &Actor, record: ReferralRecord) -> AppResult<ReferralView> {
        let open = self.match_open_for(actor, &record).await?;
        App::view_of(record, actor.role(), open)
    }

    /// Whether a UPN match waits for `actor` to decide it (asked only of those who may).
    async fn match_open_for(&self, actor: &Actor, record: &ReferralRecord) -> AppResult<bool> {
        if may_decide_match(actor, record) {
            self.pupil_match_open(&record.id).await
        } else {
            Ok(false)
        }
    }

    /// The referral if `actor` may see it: a school user sees their school's; council staff see
    /// every submitted one. Anyone else, or a draft of another school, is `NotFound`.
    pub(crate) async fn referral_in_scope(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<ReferralView> {
        // The referral and its open match in one read: every operation on a referral starts
        // here, and a page calls several.
        let (record, open_match) = self
            .store
            .get_referral_with_open_match(id)
            .await?
            .ok_or(AppError::NotFound)?;
        actor.require(Capability::ReadReferrals)?;
        let allowed = match actor.child_scope() {
            ChildScope::OwnSchool => {
                actor.user.school_urn.is_some() && record.school_urn == actor.user.school_urn
            }
            ChildScope::Every => record.status != Status::Draft.as_str(),
            ChildScope::Linked | ChildScope::None => false,
        };
        if !allowed {
            return Err(AppError::NotFound);
        }
        let open = open_match && may_decide_match(actor, &record);
        App::view_of(record, actor.role(), open)
    }

    /// The referral if `actor` may see it and their role may ever take `action` on a referral
    /// (`NotFound` otherwise); whether its state allows the action now is `view.may(action)`.
    async fn referral_for_action(
        &self,
        actor: &Actor,
        id: &str,
        action: ReferralAction,
    ) -> AppResult<ReferralView> {
        if !action.allowed_for(actor.role()) {
            return Err(AppError::NotFound);
        }
        self.referral_in_scope(actor, id).await
    }

    /// Starts a draft referral for the acting school user's school (MN-ROLE-2).
    pub async fn start_referral(&self, actor: &Actor) -> AppResult<ReferralView> {
        actor.require(Capability::StartReferral)?;
        let Some(urn) = &actor.user.school_urn else {
            return Err(AppError::NotFound);
        };
        let now = self.now();
        let mut form = Referral::default();
        if let Some(school) = self.store.get_school(urn).await? {
            form.school.urn = Some(Entered::new(urn.as_str()));
            form.school.name = school.name;
        }
        let record = ReferralRecord {
            id: new_id(),
            pupil_id: None,
            school_urn: Some(urn.clone()),
            status: Status::Draft.as_str().into(),
            form_json: to_json(&form)?,
            created_by: actor.user.id.clone(),
            created_at: now,
            updated_at: now,
            submitted_at: None,
            referral_date: None,
            waiting_for_evidence_since: None,
            decided_at: None,
            policy_version: None,
            origin: mns_domain::referral::ReferralOrigin::School.as_str().into(),
        };
        let mut tx = self.store.begin().await?;
        tx.save_referral(&record).await?;
        self.audit(&mut tx, actor, "referral.start", "referral", &record.id, "")
            .await?;
        tx.commit().await?;
        App::view_of(record, actor.role(), false)
    }

    /// One referral, audited as a view of the child's record.
    pub async fn view_referral(&self, actor: &Actor, id: &str) -> AppResult<ReferralView> {
        let view = self.referral_in_scope(actor, id).await?;
        self.audit_view(actor, "referral.view", "referral", id)
            .await?;
        Ok(view)
    }

    /// Saves the school's changes to a draft (or a referral sent back with questions). The form
    /// may be incomplete: a draft keeps what was entered (MN-REF-1).
    pub async fn save_referral(
        &self,
        actor: &Actor,
        id: &str,
        form: Referral,
    ) -> AppResult<ReferralView> {
        let view = self
            .referral_for_action(actor, id, ReferralAction::EditForm)
            .await?;
        if !view.may(ReferralAction::EditForm) {
            return Err(AppError::NotFound);
        }
        let mut record = view.record;
        // The school cannot move a referral to another school by editing the form.
        let mut form = form;
        form.school.urn = record.school_urn.as_deref().map(Entered::new);
        form.referral_date = view.form.referral_date;
        form.waiting_on_evidence_since = view.form.waiting_on_evidence_since;
        record.form_json = to_json(&form)?;
        record.updated_at = self.now();
        let mut tx = self.store.begin().await?;
        tx.save_referral(&record).await?;
        self.audit(&mut tx, actor, "referral.update", "referral", id, "")
            .await?;
        tx.commit().await?;
        self.refreshed(actor, record).await
    }

    /// Submits a referral. Every problem is returned at once and nothing changes unless the form
    /// is complete and the attendance export is attached (MN-REF-1, MN-REF-4). The pupil's
    /// record is found by UPN, or made, so a pupil who moves school keeps one record. A
    /// resubmission after questions keeps the first referral date: the clock keeps running
    /// (MN-DEC-1, MN-DEC-2).
    pub async fn submit_referral(&self, actor: &Actor, id: &str) -> AppResult<ReferralView> {
        let view = self
            .referral_for_action(actor, id, ReferralAction::EditForm)
            .await?;
        if !view.may(ReferralAction::EditForm) {
            return Err(AppError::NotFound);
        }
        let now = self.now();
        let today = self.today();
        let files = self.referral_files(actor, id).await?;
        let mut form = view.form;
        // The referral date is the first submission's, always (MN-DEC-1, MN-DEC-2): the
        // record's, which a request for information and its answer never move.
        form.referral_date = Some(
            view.record
                .referral_date
                .or(form.referral_date)
                .unwrap_or(today),
        );
        // Everything at once, the attendance export included (MN-REF-1, MN-REF-4).
        let problems = form.submission_problems(today, files.attendance_export().is_some());
        if !problems.is_empty() {
            return Err(AppError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(&p.field, p.message))
                    .collect(),
            ));
        }
        let mut record = view.record;
        let mut tx = self.store.begin().await?;
        // A resubmission (after questions) keeps the pupil found the first time.
        let pupil_id = match record.pupil_id.clone() {
            Some(pupil_id) => pupil_id,
            None => {
                self.match_or_create_pupil(&mut tx, id, &form, record.school_urn.as_deref())
                    .await?
            }
        };
        record.pupil_id = Some(pupil_id.clone());
        record.status = Status::Submitted.as_str().into();
        record.form_json = to_json(&form)?;
        record.updated_at = now;
        record.submitted_at = Some(now);
        record.referral_date = form.referral_date;
        tx.save_referral(&record).await?;
        self.audit(&mut tx, actor, "referral.submit", "referral", id, "")
            .await?;
        self.audit(&mut tx, actor, "pupil.referred", "pupil", &pupil_id, id)
            .await?;
        tx.enqueue_message(
            &self.settings.coordinator_email,
            "A referral has been submitted",
            &format!(
                "A school has submitted a referral to the Medical Needs Service.\n\nSign in to see it:\n{}/referrals/{id}\n",
                self.settings.public_url
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        self.refreshed(actor, record).await
    }

    /// Evaluates every rule against a referral (decision support: shown, never enforced). For
    /// council staff only: a school sees its referral, never the coordinator's checks.
    pub async fn checks_for(
        &self,
        actor: &Actor,
        view: &ReferralView,
        attendance: Option<&AttendanceEvidence>,
    ) -> AppResult<Vec<Check>> {
        if !ReferralAction::ReadChecks.allowed_for(actor.role()) {
            return Err(AppError::NotFound);
        }
        let calendar = self.school_calendar().await?;
        let mut form = view.form.clone();
        form.referral_date = view.record.referral_date.or(form.referral_date);
        form.waiting_on_evidence_since = view
            .record
            .waiting_for_evidence_since
            .or(form.waiting_on_evidence_since);
        let mut checks = evaluate(
            &form,
            attendance,
            calendar.as_ref(),
            self.policy(),
            self.today(),
        );
        // The school's phase is in the schools list, not the form: its flag goes beside the
        // other age check.
        if let Some(mismatch) = self.phase_mismatch(view).await? {
            let at = checks
                .iter()
                .position(|c| c.rule == mismatch.check().rule)
                .map_or(checks.len(), |i| i + 1);
            checks.insert(at, mismatch.check());
        }
        Ok(checks)
    }

    /// The coordinator's queue (council staff only).
    pub async fn referral_queue(
        &self,
        actor: &Actor,
        filter: &QueueFilter,
    ) -> AppResult<Vec<QueueLine>> {
        actor.require(Capability::ReadReferralQueue)?;
        Ok(self.store.referral_queue(filter).await?)
    }

    /// How many referrals are in each status (council staff only).
    pub async fn referral_counts(&self, actor: &Actor) -> AppResult<Vec<(Status, i64)>> {
        actor.require(Capability::ReadReferralQueue)?;
        Ok(self
            .store
            .referral_counts(None)
            .await?
            .into_iter()
            .filter_map(|(s, n)| Status::parse(&s).map(|s| (s, n)))
            .collect())
    }

    /// A school's own referrals, drafts included, newest first.
    pub async fn school_referrals(&self, actor: &Actor) -> AppResult<Vec<ReferralView>> {
        actor.require(Capability::StartReferral)?;
        let Some(urn) = &actor.user.school_urn else {
            return Err(AppError::NotFound);
        };
        self.store
            .referrals_for_school(urn, 200)
            .await?
            .into_iter()
            .map(|record| App::view_of(record, actor.role(), false))
            .collect()
    }

    /// Records the coordinator's decision (MN-DEC-1) with the checks shown and the policy
    /// version, moves the referral on, and tells the school (and the parents, where consent
    /// allows) through the outbox in the same transaction. Days from referral to decision are
    /// recorded (MN-DEC-2).
    pub async fn decide_referral(
        &self,
        actor: &Actor,
        id: &str,
        outcome: DecisionOutcome,
    ) -> AppResult<DecisionRecord> {
        let view = self
            .referral_for_action(actor, id, ReferralAction::Decide)
            .await?;
        desk::may_record(&view, &outcome)?;
        let attendance = self.referral_attendance(actor, &view).await?;
        let checks = self
            .checks_for(actor, &view, attendance.as_ref().map(|a| &a.evidence))
            .await?;
        let now = self.now();
        let decision = Decision::record(outcome, actor.user.id.clone(), now, self.policy(), checks)
            .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
        let referral_date = view.record.referral_date.unwrap_or_else(|| self.today());
        let (status, kind, reasons) = match &decision.outcome {
            DecisionOutcome::Accept => (Status::Accepted, "accept", serde_json::json!([])),
            DecisionOutcome::Decline { reasons, .. } => {
                (Status::Declined, "decline", serde_json::json!(reasons))
            }
            DecisionOutcome::AskForInformation { questions } => (
                Status::InformationRequested,
                "ask_for_information",
                serde_json::json!(questions),
            ),
        };
        let note = match &decision.outcome {
            DecisionOutcome::Decline { explanation, .. } => explanation.clone(),
            _ => String::new(),
        };
        let record = DecisionRecord {
            id: new_id(),
            referral_id: id.to_string(),
            decision: kind.into(),
            reasons_json: reasons.to_string(),
            note,
            decided_by: actor.user.id.clone(),
            decided_at: now,
            policy_version: decision.policy_version.clone(),
            checks_json: to_json(&decision.checks_shown)?,
            days_from_referral: days_from_referral_to_decision(referral_date, self.today()),
        };
        let mut referral = view.record;
        referral.status = status.as_str().into();
        referral.updated_at = now;
        if status != Status::InformationRequested {
            referral.decided_at = Some(now);
            referral.policy_version = Some(decision.policy_version.clone());
        }
        let mut tx = self.store.begin().await?;
        tx.save_referral(&referral).await?;
        tx.insert_decision(&record).await?;
        self.audit(&mut tx, actor, "referral.decide", "referral", id, kind)
            .await?;
        if status == Status::Accepted {
            self.open_case(&mut tx, actor, &referral).await?;
        }
        let told = self.told_of_decision(&view.form, &referral).await?;
        // Parents are sent to a page they can see: the case once accepted, otherwise their
        // child's page with the outcome and the letter.
        if let Some(pupil) = &referral.pupil_id {
            let page = if status == Status::Accepted {
                format!("cases/{id}")
            } else {
                format!("pupils/{pupil}")
            };
            for to in told.parents {
                tx.enqueue_message(
                    &to,
                    "There is an update on a Medical Needs referral",
                    &format!(
                        "There is an update on a referral to the {} Medical Needs Service.\n\nSign in to see it:\n{}/{page}\n",
                        self.settings.council_name, self.settings.public_url
                    ),
                    now,
                )
                .await?;
            }
        }
        for to in told.school {
            tx.enqueue_message(
                &to,
                "There is an update on a Medical Needs referral",
                &format!(
                    "There is an update on a referral to the {} Medical Needs Service.\n\nSign in to see it:\n{}/referrals/{id}\n",
                    self.settings.council_name, self.settings.public_url
                ),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(record)
    }

    /// Who may read and attach a referral's documents: whoever may see the referral reads them;
    /// its school attaches them while it may still edit the referral, and council staff who
    /// work cases (not read-only roles) at any time.
    pub(crate) async fn may_use_referral_documents(
        &self,
        actor: &Actor,
        id: &str,
        access: crate::documents::DocumentAccess,
    ) -> AppResult<bool> {
        let view = match self.referral_in_scope(actor, id).await {
            Ok(view) => view,
            Err(AppError::NotFound) => return Ok(false),
            Err(e) => return Err(e),
        };
        Ok(match access {
            crate::documents::DocumentAccess::Read => true,
            crate::documents::DocumentAccess::Upload => view.may(ReferralAction::AddDocuments),
        })
    }

    /// Whether `actor` may start a referral: a school user bound to a school (MN-ROLE-2).
    pub fn may_start_referral(&self, actor: &Actor) -> AppResult<()> {
        actor.require(Capability::StartReferral)?;
        match &actor.user.school_urn {
            Some(_) => Ok(()),
            None => Err(AppError::NotFound),
        }
    }

    /// The referral for its school's form pages: `NotFound` for anyone but its school (council
    /// staff may read a referral sent back with questions, but only the school edits it), and
    /// `None` once the school can no longer change it. Viewing is audited.
    pub async fn referral_for_editing(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<Option<ReferralView>> {
        if !ReferralAction::EditForm.allowed_for(actor.role()) {
            return Err(AppError::NotFound);
        }
        let view = self.view_referral(actor, id).await?;
        Ok(view.may(ReferralAction::EditForm).then_some(view))
    }

    /// Whether `actor` may change this referral's form: its school, while it is a draft or has
    /// been sent back with questions.
    pub async fn may_edit_referral(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let view = self.referral_in_scope(actor, id).await?;
        if view.may(ReferralAction::EditForm) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Whether `actor` may decide this referral: the coordinator, on a referral they can see.
    /// Handlers ask before reading the decision form, so that a refusal looks the same however
    /// the form was filled in.
    pub async fn may_decide_referral(&self, actor: &Actor, id: &str) -> AppResult<()> {
        self.referral_for_action(actor, id, ReferralAction::Decide)
            .await
            .map(|_| ())
    }

    /// The decisions on a referral the actor may see.
    pub async fn referral_decisions(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<Vec<DecisionRecord>> {
        self.referral_in_scope(actor, id).await?;
        Ok(self.store.decisions_for(id).await?)
    }

    /// Marks a referral as waiting for medical evidence since `since` (MN-EV-8), or clears it.
    pub async fn set_waiting_for_evidence(
        &self,
        actor: &Actor,
        id: &str,
        since: Option<NaiveDate>,
    ) -> AppResult<()> {
        let view = self
            .referral_for_action(actor, id, ReferralAction::MarkWaitingForEvidence)
            .await?;
        if !view.may(ReferralAction::MarkWaitingForEvidence) {
            return Err(AppError::invalid(
                "status",
                "Only a referral waiting for a decision can wait for evidence",
            ));
        }
        let mut record = view.record;
        record.waiting_for_evidence_since = since;
        record.status = if since.is_some() {
            Status::WaitingForEvidence
        } else {
            Status::Submitted
        }
        .as_str()
        .into();
        record.updated_at = self.now();
        let mut tx = self.store.begin().await?;
        tx.save_referral(&record).await?;
        self.audit(
            &mut tx,
            actor,
            "referral.waiting_for_evidence",
            "referral",
            id,
            if since.is_some() {
                "waiting"
            } else {
                "arrived"
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Logs a parent's or carer's enquiry (MN-ENQ-1). There is no threshold opinion to record
    /// (MN-ENQ-2).
    pub async fn log_enquiry(&self, actor: &Actor, mut enquiry: Enquiry) -> AppResult<String> {
        actor.require(Capability::LogEnquiry)?;
        let problems = enquiry_problems(&enquiry);
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        enquiry.recorded_by = actor.user.display_name.clone();
        let id = new_id();
        let mut tx = self.store.begin().await?;
        tx.insert_enquiry(&id, &actor.user.id, self.now(), &to_json(&enquiry)?)
            .await?;
        self.audit(&mut tx, actor, "enquiry.log", "enquiry", &id, "")
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The most recent enquiries (coordinator and caseworker).
    pub async fn recent_enquiries(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<(String, chrono::DateTime<Utc>, Enquiry)>> {
        actor.require(Capability::LogEnquiry)?;
        self.store
            .recent_enquiries(100)
            .await?
            .into_iter()
            .map(|(id, at, json)| {
                serde_json::from_str(&json)
                    .map(|e| (id, at, e))
                    .context("stored enquiry")
            })
            .collect()
    }
}

/// What is missing from an enquiry, every problem at once.
pub fn enquiry_problems(enquiry: &Enquiry) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if enquiry.enquirer_name.trim().is_empty() {
        problems.push(FieldError::new(
            "enquirer_name",
            "Enter the name of the person who made the enquiry",
        ));
    }
    if enquiry.child_name.trim().is_empty() {
        problems.push(FieldError::new("child_name", "Enter the child's name"));
    }
    if enquiry.summary.trim().is_empty() {
        problems.push(FieldError::new(
            "summary",
            "Enter what the enquiry was about",
        ));
    }
    problems
}

fn to_json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).context("writing JSON")
}

/// Every reason a referral may be declined, with how people read it (MN-DEC-1). There is none
/// about cost or resources (MN-DEC-3).
pub const DECLINE_REASONS: [(mns_domain::referral::DeclineReason, &str); 11] = {
    use mns_domain::referral::DeclineReason::*;
    [
        (
            LivesOutsideTheArea,
            "The child does not live in the council's area",
        ),
        (
            IndependentSpecialSchoolContract,
            "The independent special school provides this support under its contract",
        ),
        (
            NotOfCompulsorySchoolAge,
            "The child is not of compulsory school age",
        ),
        (
            ElectivelyHomeEducated,
            "The child is electively home educated",
        ),
        (
            InterimMeasureForSpecialistPlace,
            "The referral is an interim measure while a specialist place is found",
        ),
        (
            PregnancyWithoutIllness,
            "There is no evidence that the pregnant pupil is too unwell to attend",
        ),
        (
            BelowAbsenceThreshold,
            "The absence, recorded and expected, is below the threshold",
        ),
        (
            EvidenceNotAccepted,
            "The medical evidence is not of a kind the service accepts",
        ),
        (EvidenceOutOfDate, "The medical evidence is out of date"),
        (
            NeedMetBySchool,
            "The school can meet the need with its own support",
        ),
        (Other, "Another reason (explained below)"),
    ]
};

/// How people read a decline reason.
pub fn decline_reason_label(reason: mns_domain::referral::DeclineReason) -> &'static str {
    DECLINE_REASONS
        .iter()
        .find(|(r, _)| *r == reason)
        .map_or("Another reason", |(_, label)| label)
}
