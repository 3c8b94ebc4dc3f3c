//! Cases after acceptance (§11e–§11j): the planning meeting and Part A of the Planning and
//! Review Record, the 12-school-week period on the term calendar, sessions, the review (Part
//! B), the continuation request and its decision, and the end with its letter. Every side sees
//! its part of one timeline.
//!
//! Who may do what: the school arranges the planning meeting and writes Part A with the
//! coordinator (MN-PLAN-1); the coordinator starts provision, decides continuations and alone
//! ends provision (MN-END-2); providers log sessions (MN-PROV-2); the school submits the
//! continuation request (MN-CONT-1); schools, providers and health professionals may ask for
//! the end (MN-END-2, MN-END-3). Everyone sees only the cases of children in their scope, and
//! anything else is `NotFound`. Every view and change is audited (MN-REC-1).

use crate::letters::{Block, Letter, render};
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::{Days, NaiveDate};
use mns_domain::calendar::uk_local_time;
use mns_domain::identity::Role;
use mns_domain::provision::record::{PartA, PartB, RecordProblem};
use mns_domain::provision::{
    CaseState, ContinuationRequest, EndReason, SessionOutcome,
    days_from_referral_to_provision_start, due_this_week, may_move, may_request_end,
    must_tell_coordinator_at_once, non_engagement, overdue, period, record_recipients,
};
use mns_store::{
    CaseEvent, CaseLine, CaseRecord, ConcernRecord, ContinuationRecord, EndRequestRecord,
    ReviewRecord, SessionLogRecord, WelfareCheckRecord, WriteTx, new_id, ts,
};

/// A case as its reader may see it. Fields a role may not see are empty.
#[derive(Debug, Clone)]
pub struct CaseView {
    /// The case with the pupil's and school's names.
    pub line: CaseLine,
    /// Where it stands.
    pub state: CaseState,
    /// Part A, if written (and the reader may see it).
    pub plan: Option<PartA>,
    /// The timeline (moves only, for a parent).
    pub events: Vec<CaseEvent>,
    /// Reviews with their Part B.
    pub reviews: Vec<(ReviewRecord, PartB)>,
    /// Sessions, most recent first.
    pub sessions: Vec<SessionLogRecord>,
    /// Continuation requests.
    pub continuations: Vec<ContinuationRecord>,
    /// Requests to end.
    pub end_requests: Vec<EndRequestRecord>,
    /// A lack of engagement shows in the sessions (MN-PROV-3).
    pub non_engagement: bool,
    /// The continuation request was due and none has come (MN-CONT-3).
    pub no_continuation: bool,
    /// Welfare checks (council staff and the school see them).
    pub welfare_checks: Vec<WelfareCheckRecord>,
    /// Safeguarding concerns the reader may see (MN-PROV-5).
    pub concerns: Vec<ConcernRecord>,
}

impl CaseView {
    /// The case.
    pub fn case(&self) -> &CaseRecord {
        &self.line.case
    }
}

/// One item on the coordinator's dashboard.
#[derive(Debug, Clone)]
pub struct DueItem {
    /// The case.
    pub line: CaseLine,
    /// What is due ("Review", "Continuation request", "End of period").
    pub what: &'static str,
    /// When.
    pub due: NaiveDate,
}

/// The coordinator's dashboard.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    /// Open cases in each state, in the usual order.
    pub by_state: Vec<(CaseState, usize)>,
    /// Due this week and not yet passed.
    pub due_this_week: Vec<DueItem>,
    /// Passed and not done.
    pub overdue: Vec<DueItem>,
    /// Cases whose continuation request did not come (MN-CONT-3).
    pub no_continuation: Vec<CaseLine>,
    /// Cases showing a lack of engagement (MN-PROV-3).
    pub non_engagement: Vec<CaseLine>,
    /// Open requests to end provision, with their case.
    pub end_requests: Vec<(EndRequestRecord, Option<CaseLine>)>,
    /// Days from referral to the start of provision, per case that has started (MN-DEC-2).
    pub days_to_start: Vec<i64>,
    /// Accepted cases still waiting for provision, with the days waited so far.
    pub waiting: Vec<(CaseLine, i64)>,
    /// Pupils waiting for an AV1 robot (MN-PROV-1).
    pub robots_waiting: usize,
    /// HLSA hours a week needed and not available (MN-PROV-1, MN-DEC-3).
    pub hlsa_hours_short: f64,
}

impl Dashboard {
    /// The median of [`Dashboard::days_to_start`].
    pub fn median_days_to_start(&self) -> Option<i64> {
        let mut days = self.days_to_start.clone();
        days.sort_unstable();
        days.get(days.len() / 2).copied()
    }
}

fn is_council(role: Role) -> bool {
    matches!(role, Role::Coordinator | Role::Caseworker | Role::Auditor)
}

fn state_of(case: &CaseRecord) -> AppResult<CaseState> {
    CaseState::parse(&case.state).map_err(|e| AppError::Internal(e.to_string()))
}

fn invalid(problems: Vec<RecordProblem>) -> AppError {
    AppError::Invalid(
        problems
            .into_iter()
            .map(|p| FieldError::new(&p.field, p.message))
            .collect(),
    )
}

/// A date as letters and pages write it.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

impl App {
    /// The case if `actor` may see it: council staff see every case, a school its own pupils',
    /// parents, providers, health professionals and case viewers the children linked to them.
    pub(crate) async fn case_in_scope(&self, actor: &Actor, id: &str) -> AppResult<CaseRecord> {
        let case = self.store.get_case(id).await?.ok_or(AppError::NotFound)?;
        let allowed = match actor.role() {
            Role::Coordinator | Role::Caseworker | Role::Auditor => true,
            Role::School => {
                actor.user.school_urn.is_some() && case.school_urn == actor.user.school_urn
            }
            Role::Parent | Role::Provider | Role::HealthProfessional | Role::CaseViewer => {
                match &case.pupil_id {
                    Some(pupil) => self
                        .store
                        .pupil_link(&actor.user.id, pupil)
                        .await?
                        .is_some(),
                    None => false,
                }
            }
            Role::Finance | Role::LocalOfferOfficer => false,
        };
        if allowed {
            Ok(case)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The case's line (with names) for a case already in scope.
    async fn line_of(&self, case: CaseRecord) -> AppResult<CaseLine> {
        let mut lines = self
            .store
            .case_lines(&[], None, case.pupil_id.as_ref().map(std::slice::from_ref))
            .await?;
        Ok(match lines.iter().position(|l| l.case.id == case.id) {
            Some(i) => lines.swap_remove(i),
            None => CaseLine {
                case,
                pupil_name: String::new(),
                school_name: String::new(),
            },
        })
    }

    /// Adds an event to the case's timeline and the audit trail.
    #[expect(
        clippy::too_many_arguments,
        reason = "a timeline entry is these fields; a struct would only be built to be taken apart"
    )]
    async fn case_event(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        case_id: &str,
        kind: &str,
        from: Option<CaseState>,
        to: Option<CaseState>,
        note: &str,
    ) -> AppResult<()> {
        tx.insert_case_event(&self.new_event(actor, case_id, kind, from, to, note))
            .await?;
        self.audit(tx, actor, &format!("case.{kind}"), "case", case_id, note)
            .await
    }

    /// A timeline entry by `actor` now (none for the system).
    pub(crate) fn new_event(
        &self,
        actor: &Actor,
        case_id: &str,
        kind: &str,
        from: Option<CaseState>,
        to: Option<CaseState>,
        note: &str,
    ) -> CaseEvent {
        CaseEvent {
            id: new_id(),
            case_id: case_id.to_string(),
            at: ts(self.now()),
            actor_id: (actor.user.id != "system").then(|| actor.user.id.clone()),
            kind: kind.to_string(),
            from_state: from.map(|s| s.as_str().to_string()),
            to_state: to.map(|s| s.as_str().to_string()),
            note: note.to_string(),
        }
    }

    /// Moves the case, if the actor may (MN-END-2 and the rest of the timeline's rules).
    fn move_case(actor: &Actor, case: &mut CaseRecord, to: CaseState) -> AppResult<CaseState> {
        let from = state_of(case)?;
        may_move(from, to, actor.role()).map_err(|e| AppError::invalid("state", e.to_string()))?;
        case.state = to.as_str().to_string();
        Ok(from)
    }

    /// Opens the case when a referral is accepted (called in the decision's transaction).
    pub(crate) async fn open_case(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        referral: &mns_store::ReferralRecord,
    ) -> AppResult<()> {
        let now = self.now();
        let case = CaseRecord {
            id: referral.id.clone(),
            pupil_id: referral.pupil_id.clone(),
            school_urn: referral.school_urn.clone(),
            state: CaseState::Accepted.as_str().into(),
            opened_at: now,
            referral_date: referral.referral_date.unwrap_or_else(|| self.today()),
            provision_start: None,
            period_number: 0,
            period_start: None,
            period_end: None,
            review_due: None,
            continuation_due: None,
            review_held_on: None,
            plan_json: None,
            plan_finalised_at: None,
            hours_per_week: None,
            full_time_hours: None,
            life_limiting: false,
            end_reason: None,
            ended_at: None,
            updated_at: now,
        };
        tx.save_case(&case).await?;
        self.case_event(
            tx,
            actor,
            &case.id,
            "opened",
            None,
            Some(CaseState::Accepted),
            "Referral accepted",
        )
        .await
    }

    /// The cases `actor` may see, by the end of their current period.
    pub async fn my_cases(&self, actor: &Actor) -> AppResult<Vec<CaseLine>> {
        let lines = match actor.role() {
            Role::Coordinator | Role::Caseworker | Role::Auditor => {
                self.store.case_lines(&[], None, None).await?
            }
            Role::School => match &actor.user.school_urn {
                Some(urn) => self.store.case_lines(&[], Some(urn), None).await?,
                None => Vec::new(),
            },
            Role::Parent | Role::Provider | Role::HealthProfessional | Role::CaseViewer => {
                let pupils: Vec<String> = self
                    .store
                    .pupils_linked_to(&actor.user.id)
                    .await?
                    .into_iter()
                    .map(|p| p.id)
                    .collect();
                self.store.case_lines(&[], None, Some(&pupils)).await?
            }
            Role::Finance | Role::LocalOfferOfficer => return Err(AppError::NotFound),
        };
        self.audit_view(actor, "case.list", "case_list", actor.role().as_str())
            .await?;
        Ok(lines)
    }

    /// A case as `actor` may see it; the view is audited.
    pub async fn view_case(&self, actor: &Actor, id: &str) -> AppResult<CaseView> {
        let case = self.case_in_scope(actor, id).await?;
        self.audit_view(actor, "case.view", "case", id).await?;
        let state = state_of(&case)?;
        let role = actor.role();
        let plan: Option<PartA> = match &case.plan_json {
            Some(json) => Some(
                serde_json::from_str(json)
                    .map_err(|e| AppError::Internal(format!("case {id} plan: {e}")))?,
            ),
            None => None,
        };
        // A parent, provider or health professional sees a plan once it is agreed.
        let plan = if is_council(role) || role == Role::School || case.plan_finalised_at.is_some() {
            plan
        } else {
            None
        };
        let mut events = self.store.case_events(id).await?;
        if !(is_council(role) || role == Role::School) {
            events.retain(|e| e.to_state.is_some());
        }
        let reviews = if role == Role::Provider {
            Vec::new()
        } else {
            self.store
                .case_reviews(id)
                .await?
                .into_iter()
                .map(|r| {
                    let part_b: PartB = serde_json::from_str(&r.record_json)
                        .map_err(|e| AppError::Internal(format!("review {}: {e}", r.id)))?;
                    Ok((r, part_b))
                })
                .collect::<AppResult<Vec<_>>>()?
        };
        let sessions = self.store.case_sessions(id).await?;
        let (continuations, end_requests) = if is_council(role) || role == Role::School {
            (
                self.store.case_continuations(id).await?,
                self.store.case_end_requests(id).await?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let today = self.today();
        let non_engagement =
            state != CaseState::Ended && self.shows_non_engagement(&sessions, today);
        let no_continuation = self.lacks_continuation(&case, state, today);
        let welfare_checks = if is_council(role) || role == Role::School {
            self.store.case_welfare_checks(id).await?
        } else {
            Vec::new()
        };
        let is_dsl = role == Role::School
            && plan_dsl_email(&case).is_some_and(|e| e.eq_ignore_ascii_case(&actor.user.email));
        let concerns = self
            .store
            .case_concerns(id)
            .await?
            .into_iter()
            .filter(|c| {
                mns_domain::provision::may_see_concern(role, is_dsl, c.raised_by == actor.user.id)
            })
            .collect();
        let line = self.line_of(case).await?;
        Ok(CaseView {
            welfare_checks,
            concerns,
            line,
            state,
            plan,
            events,
            reviews,
            sessions,
            continuations,
            end_requests,
            non_engagement,
            no_continuation,
        })
    }

    /// Logs a welfare check (MN-PROV-4): the school's, with no fixed frequency.
    pub async fn log_welfare_check(
        &self,
        actor: &Actor,
        id: &str,
        checked_on: NaiveDate,
        notes: &str,
    ) -> AppResult<()> {
        if !mns_domain::provision::may_log_welfare_check(actor.role()) {
            return Err(AppError::NotFound);
        }
        let case = self.case_in_scope(actor, id).await?;
        let mut errors = Vec::new();
        if state_of(&case)? == CaseState::Ended {
            errors.push(FieldError::new("state", "This case has ended"));
        }
        if checked_on > self.today() {
            errors.push(FieldError::new(
                "checked_on",
                "The date of the check must be today or in the past",
            ));
        }
        if notes.trim().is_empty() {
            errors.push(FieldError::new(
                "welfare_notes",
                "Enter what the check found",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut tx = self.store.begin().await?;
        tx.insert_welfare_check(&WelfareCheckRecord {
            id: new_id(),
            case_id: id.to_string(),
            checked_on: mns_store::day(checked_on),
            notes: notes.trim().to_string(),
            logged_by: actor.user.id.clone(),
            logged_at: ts(self.now()),
        })
        .await?;
        self.audit(&mut tx, actor, "case.welfare_check", "case", id, "")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Raises a safeguarding concern (MN-PROV-5): a provider or the coordinator. It goes to the
    /// school's Designated Safeguarding Lead named on the record (told by email to sign in; the
    /// email carries nothing of the concern) and to the service mailbox, and only they and the
    /// person who raised it see it.
    pub async fn raise_concern(&self, actor: &Actor, id: &str, concern: &str) -> AppResult<()> {
        if !mns_domain::provision::may_raise_concern(actor.role()) {
            return Err(AppError::NotFound);
        }
        let case = self.case_in_scope(actor, id).await?;
        let plan: Option<PartA> = case
            .plan_json
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .filter(|_| case.plan_finalised_at.is_some());
        let Some(plan) = plan else {
            return Err(AppError::invalid(
                "concern",
                "The record names no Designated Safeguarding Lead yet: contact the school's DSL directly, as your own safeguarding procedure says",
            ));
        };
        if concern.trim().is_empty() {
            return Err(AppError::invalid("concern", "Enter the concern"));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.insert_concern(&ConcernRecord {
            id: new_id(),
            case_id: id.to_string(),
            raised_by: actor.user.id.clone(),
            raised_by_role: actor.role().as_str().to_string(),
            raised_at: ts(now),
            concern: concern.trim().to_string(),
            sent_to_dsl: plan.dsl_name.clone(),
            dsl_email: plan.dsl_email.clone(),
        })
        .await?;
        // The audit names the concern, not its words.
        self.audit(&mut tx, actor, "case.concern", "case", id, "raised")
            .await?;
        let mut to = vec![self.settings.coordinator_email.clone()];
        if !plan.dsl_email.trim().is_empty() {
            to.push(plan.dsl_email.trim().to_string());
        }
        for address in to {
            tx.enqueue_message(
                &address,
                "A safeguarding concern has been raised",
                &format!(
                    "A safeguarding concern has been raised about a pupil receiving Medical Needs provision. Please act on it under your safeguarding procedure.\n\nSign in to read it:\n{}/cases/{id}\n",
                    self.settings.public_url
                ),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    fn shows_non_engagement(&self, sessions: &[SessionLogRecord], today: NaiveDate) -> bool {
        let outcomes: Vec<(NaiveDate, SessionOutcome)> = sessions
            .iter()
            .filter_map(|s| {
                Some((
                    NaiveDate::parse_from_str(&s.held_on, "%Y-%m-%d").ok()?,
                    outcome(&s.outcome, s.hours)?,
                ))
            })
            .collect();
        non_engagement(&outcomes, today, self.policy())
    }

    /// MN-CONT-3: the continuation request was due, none has come, and the case is still in
    /// its period.
    fn lacks_continuation(&self, case: &CaseRecord, state: CaseState, today: NaiveDate) -> bool {
        matches!(
            state,
            CaseState::InProvision | CaseState::Review | CaseState::Continued
        ) && case.continuation_due.is_some_and(|due| today > due)
    }

    /// Saves Part A of the record; with `finalise`, checks it whole and finalises it
    /// (MN-PLAN-1..4, MN-DEC-3), sending it to those MN-PLAN-4 lists. The school and the
    /// coordinator write it, while the case is accepted or in planning.
    pub async fn save_plan(
        &self,
        actor: &Actor,
        id: &str,
        plan: PartA,
        finalise: bool,
    ) -> AppResult<()> {
        if !matches!(actor.role(), Role::Coordinator | Role::School) {
            return Err(AppError::NotFound);
        }
        let mut case = self.case_in_scope(actor, id).await?;
        let state = state_of(&case)?;
        if !matches!(state, CaseState::Accepted | CaseState::Planning)
            || case.plan_finalised_at.is_some()
        {
            return Err(AppError::invalid(
                "plan",
                "Part A has been finalised; changes are agreed at the review (Part B)",
            ));
        }
        if finalise {
            let problems = plan.problems();
            if !problems.is_empty() {
                return Err(invalid(problems));
            }
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if state == CaseState::Accepted {
            Self::move_case(actor, &mut case, CaseState::Planning)?;
            self.case_event(
                &mut tx,
                actor,
                id,
                "moved",
                Some(state),
                Some(CaseState::Planning),
                "Planning meeting arranged",
            )
            .await?;
        }
        case.plan_json =
            Some(serde_json::to_string(&plan).map_err(|e| AppError::Internal(e.to_string()))?);
        case.hours_per_week = Some(plan.hours());
        case.full_time_hours = Some(plan.full_time_hours);
        case.updated_at = now;
        if finalise {
            case.plan_finalised_at = Some(now);
            let hours = plan.hours();
            let note = if plan.is_part_time() {
                format!(
                    "Part A finalised: {hours} hours a week of {} (less than full time for a medical reason)",
                    plan.full_time_hours
                )
            } else {
                format!("Part A finalised: {hours} hours a week")
            };
            self.case_event(&mut tx, actor, id, "plan_finalised", None, None, &note)
                .await?;
            let recipients = record_recipients(
                &plan.attendee_kinds(),
                plan.has_ehcp,
                plan.has_social_worker,
            );
            for to in self.recipient_emails(&case, &recipients).await? {
                tx.enqueue_message(
                    &to,
                    "A Planning and Review Record has been finalised",
                    &format!(
                        "The Planning and Review Record for a child you support has been finalised by the {} Medical Needs Service.\n\nSign in to read it:\n{}/cases/{id}\n",
                        self.settings.council_name, self.settings.public_url
                    ),
                    now,
                )
                .await?;
            }
        } else {
            self.audit(&mut tx, actor, "case.plan_saved", "case", id, "draft")
                .await?;
        }
        tx.save_case(&case).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The email addresses behind the recipients of a record (MN-PLAN-4) that this service can
    /// reach: the parents (with consent to contact), the school's users, the service mailbox
    /// and the health professionals linked to the child.
    async fn recipient_emails(
        &self,
        case: &CaseRecord,
        recipients: &[mns_domain::provision::Recipient],
    ) -> AppResult<Vec<String>> {
        use mns_domain::provision::Recipient;
        let mut out = Vec::new();
        for r in recipients {
            match (r, &case.pupil_id, &case.school_urn) {
                (Recipient::ParentCarer, Some(pupil), _) => {
                    out.extend(self.store.linked_user_emails(pupil, "parent").await?)
                }
                (Recipient::HomeSchool, _, Some(urn)) => {
                    out.extend(self.store.school_user_emails(urn).await?)
                }
                (Recipient::ServiceMailbox, _, _) => {
                    out.push(self.settings.coordinator_email.clone())
                }
                (Recipient::HealthProfessional, Some(pupil), _) => out.extend(
                    self.store
                        .linked_user_emails(pupil, "health_professional")
                        .await?,
                ),
                _ => {}
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Starts provision on `start` (the coordinator, once Part A is final): the period is 12
    /// school weeks on the term calendar, or the expected absence if shorter (MN-PLAN-5), with
    /// the review (MN-REV-1) and continuation request (MN-CONT-2) dates inside it. The days from
    /// referral to start are recorded (MN-DEC-2).
    pub async fn start_provision(
        &self,
        actor: &Actor,
        id: &str,
        start: NaiveDate,
        expected_absence_end: Option<NaiveDate>,
    ) -> AppResult<()> {
        if actor.role() != Role::Coordinator {
            return Err(AppError::NotFound);
        }
        let mut case = self.case_in_scope(actor, id).await?;
        if case.plan_finalised_at.is_none() {
            return Err(AppError::invalid(
                "plan",
                "Finalise Part A of the record before provision starts",
            ));
        }
        let Some(calendar) = self.calendar_for_school(case.school_urn.as_deref()).await? else {
            return Err(AppError::invalid(
                "start",
                "Load the term calendar first: school weeks are counted on it",
            ));
        };
        let period = period(&calendar, start, self.policy(), expected_absence_end)
            .map_err(|e| AppError::invalid("start", e.to_string()))?;
        let from = Self::move_case(actor, &mut case, CaseState::InProvision)?;
        case.provision_start = Some(start);
        case.period_number = 1;
        case.period_start = Some(period.start);
        case.period_end = Some(period.end);
        case.review_due = Some(period.review_due);
        case.continuation_due = Some(period.continuation_due);
        case.review_held_on = None;
        case.updated_at = self.now();
        let days = days_from_referral_to_provision_start(case.referral_date, start);
        let mut tx = self.store.begin().await?;
        tx.save_case(&case).await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::InProvision),
            &format!(
                "Provision starts {} ({days} days after the referral); period ends {}, review due by {}, continuation request due by {}",
                long_date(period.start),
                long_date(period.end),
                long_date(period.review_due),
                long_date(period.continuation_due)
            ),
        )
        .await?;
        // The school codes the authority's provision `K` from its first day (MN-PROV-6, §11c).
        if let Some(urn) = &case.school_urn {
            for to in self.store.school_user_emails(urn).await? {
                tx.enqueue_message(
                    &to,
                    "Medical Needs provision starts: code the sessions K",
                    &format!(
                        "Provision arranged by the {} Medical Needs Service for a pupil of your school starts on {}. From that day, code the sessions the pupil is receiving this provision as K in your register.\n\nSign in to see the case:\n{}/cases/{id}\n",
                        self.settings.council_name,
                        long_date(period.start),
                        self.settings.public_url
                    ),
                    self.now(),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Logs a session (MN-PROV-2): the provider linked to the child, or the coordinator. When
    /// this session makes a lack of engagement show (MN-PROV-3), the coordinator is told and a
    /// review proposed.
    pub async fn log_session(
        &self,
        actor: &Actor,
        id: &str,
        held_on: NaiveDate,
        outcome_kind: &str,
        hours: f64,
        note: &str,
    ) -> AppResult<()> {
        if !matches!(actor.role(), Role::Provider | Role::Coordinator) {
            return Err(AppError::NotFound);
        }
        let case = self.case_in_scope(actor, id).await?;
        let state = state_of(&case)?;
        let mut errors = Vec::new();
        if !matches!(
            state,
            CaseState::InProvision
                | CaseState::Review
                | CaseState::ContinuationRequested
                | CaseState::Continued
        ) {
            errors.push(FieldError::new(
                "state",
                "Sessions can be logged only while provision runs",
            ));
        }
        let today = self.today();
        if held_on > today {
            errors.push(FieldError::new(
                "held_on",
                "The session date must be today or in the past",
            ));
        } else if case.provision_start.is_some_and(|s| held_on < s) {
            errors.push(FieldError::new(
                "held_on",
                "The session date must be on or after the day provision started",
            ));
        }
        if outcome(outcome_kind, hours).is_none() {
            errors.push(FieldError::new("outcome", "Select what happened: delivered, cancelled by the family, cancelled by the provider or refused"));
        }
        if !(hours > 0.0 && hours <= 8.0) {
            errors.push(FieldError::new(
                "hours",
                "Enter the session's hours, more than 0 and at most 8",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let before = self.store.case_sessions(id).await?;
        let was = self.shows_non_engagement(&before, today);
        let record = SessionLogRecord {
            id: new_id(),
            case_id: id.to_string(),
            held_on: mns_store::day(held_on),
            outcome: outcome_kind.to_string(),
            hours,
            note: note.trim().to_string(),
            logged_by: actor.user.id.clone(),
            logged_at: ts(self.now()),
        };
        let mut after = before;
        after.push(record.clone());
        let now_shows = self.shows_non_engagement(&after, today);
        let mut tx = self.store.begin().await?;
        tx.insert_case_session(&record).await?;
        self.audit(&mut tx, actor, "case.session", "case", id, outcome_kind)
            .await?;
        if now_shows && !was {
            self.case_event(
                &mut tx,
                actor,
                id,
                "non_engagement",
                None,
                None,
                &format!(
                    "{} cancellations or refusals within {} weeks: a review is proposed (MN-PROV-3)",
                    self.policy().non_engagement_count,
                    self.policy().non_engagement_window_weeks
                ),
            )
            .await?;
            tx.enqueue_message(
                &self.settings.coordinator_email,
                "A case shows a lack of engagement",
                &format!(
                    "Sessions on a case show repeated cancellations or refusals. A review is proposed.\n\nSign in to see it:\n{}/cases/{id}\n",
                    self.settings.public_url
                ),
                self.now(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Opens the review and reintegration meeting (MN-REV-1): the school or the coordinator.
    pub async fn start_review(&self, actor: &Actor, id: &str) -> AppResult<()> {
        if !matches!(actor.role(), Role::Coordinator | Role::School) {
            return Err(AppError::NotFound);
        }
        let mut case = self.case_in_scope(actor, id).await?;
        let from = Self::move_case(actor, &mut case, CaseState::Review)?;
        case.updated_at = self.now();
        let mut tx = self.store.begin().await?;
        tx.save_case(&case).await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::Review),
            "Review and reintegration meeting arranged",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records Part B of the review (MN-REV-1) and returns the case to provision. A review
    /// the school held is copied to the service mailbox (MN-REV-2).
    pub async fn record_review(&self, actor: &Actor, id: &str, mut part_b: PartB) -> AppResult<()> {
        if !matches!(actor.role(), Role::Coordinator | Role::School) {
            return Err(AppError::NotFound);
        }
        let mut case = self.case_in_scope(actor, id).await?;
        if state_of(&case)? != CaseState::Review {
            return Err(AppError::invalid(
                "state",
                "Arrange the review meeting first",
            ));
        }
        part_b.held_by_school = actor.role() == Role::School;
        let problems = part_b.problems(self.today());
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        let from = Self::move_case(actor, &mut case, CaseState::InProvision)?;
        case.review_held_on = part_b.held_on;
        case.updated_at = self.now();
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.save_case(&case).await?;
        tx.insert_case_review(&ReviewRecord {
            id: new_id(),
            case_id: id.to_string(),
            period_number: case.period_number,
            record_json: serde_json::to_string(&part_b)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            recorded_by: actor.user.id.clone(),
            recorded_at: ts(now),
        })
        .await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::InProvision),
            "Review recorded (Part B)",
        )
        .await?;
        for _ in mns_domain::provision::review_copy_recipients(actor.role()) {
            tx.enqueue_message(
                &self.settings.coordinator_email,
                "A school has recorded a review",
                &format!(
                    "A school has recorded a review and reintegration meeting (Part B).\n\nSign in to read it:\n{}/cases/{id}\n",
                    self.settings.public_url
                ),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The school submits a continuation request (MN-CONT-1): new medical evidence within the
    /// policy's age, the attendance, and the updated healthcare plan where there is one. What
    /// is missing is named and nothing is saved.
    pub async fn request_continuation(
        &self,
        actor: &Actor,
        id: &str,
        request: ContinuationRequest,
        pupil_has_healthcare_plan: bool,
        note: &str,
    ) -> AppResult<()> {
        if actor.role() != Role::School {
            return Err(AppError::NotFound);
        }
        let mut case = self.case_in_scope(actor, id).await?;
        let from = state_of(&case)?;
        may_move(from, CaseState::ContinuationRequested, actor.role())
            .map_err(|e| AppError::invalid("state", e.to_string()))?;
        let missing = request.missing(pupil_has_healthcare_plan, self.today(), self.policy());
        if !missing.is_empty() {
            return Err(AppError::Invalid(
                missing
                    .into_iter()
                    .map(|m| FieldError::new("continuation", format!("The request needs {m}")))
                    .collect(),
            ));
        }
        Self::move_case(actor, &mut case, CaseState::ContinuationRequested)?;
        let now = self.now();
        case.updated_at = now;
        let mut tx = self.store.begin().await?;
        tx.save_case(&case).await?;
        tx.save_continuation(&ContinuationRecord {
            id: new_id(),
            case_id: id.to_string(),
            period_number: case.period_number,
            submitted_by: actor.user.id.clone(),
            submitted_at: ts(now),
            evidence_dated: request.evidence_dated.map(mns_store::day),
            has_attendance: i64::from(request.has_attendance),
            has_updated_plan: i64::from(request.has_updated_healthcare_plan),
            note: note.trim().to_string(),
            decision: None,
            decided_by: None,
            decided_at: None,
            reason: None,
        })
        .await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::ContinuationRequested),
            "Continuation request submitted",
        )
        .await?;
        tx.enqueue_message(
            &self.settings.coordinator_email,
            "A continuation request is waiting for a decision",
            &format!(
                "A school has submitted a continuation request.\n\nSign in to decide it:\n{}/cases/{id}\n",
                self.settings.public_url
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The coordinator agrees a continuation: a new period starts the day after the current
    /// one ends and the timeline starts again (MN-CONT-2). To decline, the coordinator ends
    /// provision with a reason ([`App::end_case`]).
    pub async fn agree_continuation(&self, actor: &Actor, id: &str) -> AppResult<()> {
        if actor.role() != Role::Coordinator {
            return Err(AppError::NotFound);
        }
        let mut case = self.case_in_scope(actor, id).await?;
        let from = Self::move_case(actor, &mut case, CaseState::Continued)?;
        let Some(calendar) = self.calendar_for_school(case.school_urn.as_deref()).await? else {
            return Err(AppError::invalid(
                "start",
                "Load the term calendar first: school weeks are counted on it",
            ));
        };
        let start = case
            .period_end
            .and_then(|end| end.checked_add_days(Days::new(1)))
            .unwrap_or_else(|| self.today());
        let period = period(&calendar, start, self.policy(), None)
            .map_err(|e| AppError::invalid("start", e.to_string()))?;
        case.period_number += 1;
        case.period_start = Some(period.start);
        case.period_end = Some(period.end);
        case.review_due = Some(period.review_due);
        case.continuation_due = Some(period.continuation_due);
        case.review_held_on = None;
        let now = self.now();
        case.updated_at = now;
        let mut continuations = self.store.case_continuations(id).await?;
        let mut tx = self.store.begin().await?;
        if let Some(open) = continuations
            .iter_mut()
            .rev()
            .find(|c| c.decision.is_none())
        {
            open.decision = Some("agreed".into());
            open.decided_by = Some(actor.user.id.clone());
            open.decided_at = Some(ts(now));
            tx.save_continuation(open).await?;
        }
        tx.save_case(&case).await?;
        tx.close_end_requests(id).await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::Continued),
            &format!(
                "Continuation agreed: period {} runs to {}, review due by {}",
                case.period_number,
                long_date(period.end),
                long_date(period.review_due)
            ),
        )
        .await?;
        self.tell_school_and_parents(
            &mut tx,
            &case,
            "There is an update on Medical Needs provision",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn tell_school_and_parents(
        &self,
        tx: &mut WriteTx,
        case: &CaseRecord,
        subject: &str,
    ) -> AppResult<()> {
        let mut to = Vec::new();
        if let Some(urn) = &case.school_urn {
            to.extend(self.store.school_user_emails(urn).await?);
        }
        if let Some(pupil) = &case.pupil_id {
            to.extend(self.store.linked_user_emails(pupil, "parent").await?);
        }
        for address in to {
            tx.enqueue_message(
                &address,
                subject,
                &format!(
                    "There is an update from the {} Medical Needs Service.\n\nSign in to see it:\n{}/cases/{}\n",
                    self.settings.council_name, self.settings.public_url, case.id
                ),
                self.now(),
            )
            .await?;
        }
        Ok(())
    }

    /// Asks the coordinator to end provision (MN-END-2): the school, a provider or a health
    /// professional. Stopping before the period ends is flagged to the coordinator at once
    /// (MN-END-3).
    pub async fn request_end(
        &self,
        actor: &Actor,
        id: &str,
        stops_on: Option<NaiveDate>,
        reason: &str,
    ) -> AppResult<()> {
        if !may_request_end(actor.role()) {
            return Err(AppError::NotFound);
        }
        let case = self.case_in_scope(actor, id).await?;
        if state_of(&case)? == CaseState::Ended {
            return Err(AppError::invalid("state", "This case has already ended"));
        }
        if reason.trim().is_empty() {
            return Err(AppError::invalid(
                "reason",
                "Enter why provision should end",
            ));
        }
        let early = match (stops_on, case.period_start, case.period_end) {
            (Some(stops), Some(start), Some(end)) => must_tell_coordinator_at_once(
                &mns_domain::provision::ProvisionPeriod {
                    start,
                    end,
                    review_due: case.review_due.unwrap_or(end),
                    continuation_due: case.continuation_due.unwrap_or(end),
                    ends_with_expected_absence: false,
                },
                stops,
            ),
            _ => false,
        };
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.insert_end_request(&EndRequestRecord {
            id: new_id(),
            case_id: id.to_string(),
            requested_by: actor.user.id.clone(),
            requested_at: ts(now),
            stops_on: stops_on.map(mns_store::day),
            reason: reason.trim().to_string(),
            early: i64::from(early),
            status: "open".into(),
        })
        .await?;
        self.case_event(
            &mut tx,
            actor,
            id,
            "end_requested",
            None,
            None,
            if early {
                "Asked to end provision before the period ends"
            } else {
                "Asked to end provision"
            },
        )
        .await?;
        tx.enqueue_message(
            &self.settings.coordinator_email,
            if early { "Provision is to stop early: please act now" } else { "A request to end provision" },
            &format!(
                "Someone working with a child has asked for provision to end{}.\n\nSign in to see it:\n{}/cases/{id}\n",
                if early { " before the period ends" } else { "" },
                self.settings.public_url
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends provision (only the coordinator, MN-END-2) for one of the reasons of MN-END-1,
    /// declining any open continuation request; the End of Provision letter is then available.
    pub async fn end_case(
        &self,
        actor: &Actor,
        id: &str,
        reason: EndReason,
        note: &str,
    ) -> AppResult<()> {
        if actor.role() != Role::Coordinator {
            return Err(AppError::NotFound);
        }
        let mut case = self.case_in_scope(actor, id).await?;
        let from = Self::move_case(actor, &mut case, CaseState::Ended)?;
        let now = self.now();
        case.end_reason = Some(reason.as_str().into());
        case.ended_at = Some(now);
        case.updated_at = now;
        let mut continuations = self.store.case_continuations(id).await?;
        let mut tx = self.store.begin().await?;
        if let Some(open) = continuations
            .iter_mut()
            .rev()
            .find(|c| c.decision.is_none())
        {
            open.decision = Some("declined".into());
            open.decided_by = Some(actor.user.id.clone());
            open.decided_at = Some(ts(now));
            open.reason = Some(reason.label().to_string());
            tx.save_continuation(open).await?;
        }
        tx.save_case(&case).await?;
        tx.close_end_requests(id).await?;
        tx.release_hlsa(id, &ts(now)).await?;
        let mut text = format!("Provision ended: {}", reason.label());
        if !note.trim().is_empty() {
            text.push_str(&format!(". {}", note.trim()));
        }
        self.case_event(
            &mut tx,
            actor,
            id,
            "moved",
            Some(from),
            Some(CaseState::Ended),
            &text,
        )
        .await?;
        self.tell_school_and_parents(&mut tx, &case, "An End of Provision letter is ready")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records whether the child has a life-limiting or terminal illness (MN-LIFE-1).
    pub async fn set_life_limiting(
        &self,
        actor: &Actor,
        id: &str,
        life_limiting: bool,
    ) -> AppResult<()> {
        if actor.role() != Role::Coordinator {
            return Err(AppError::NotFound);
        }
        let mut case = self.case_in_scope(actor, id).await?;
        case.life_limiting = life_limiting;
        case.updated_at = self.now();
        let mut tx = self.store.begin().await?;
        tx.save_case(&case).await?;
        self.audit(
            &mut tx,
            actor,
            "case.life_limiting",
            "case",
            id,
            if life_limiting { "yes" } else { "no" },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The coordinator's dashboard: what is due this week, what is overdue, cases by state,
    /// days from referral to provision (MN-DEC-2), flags (MN-CONT-3, MN-PROV-3) and requests to
    /// end.
    pub async fn case_dashboard(&self, actor: &Actor) -> AppResult<Dashboard> {
        if !is_council(actor.role()) {
            return Err(AppError::NotFound);
        }
        self.audit_view(actor, "case.dashboard", "case_list", "dashboard")
            .await?;
        let today = self.today();
        let lines = self.store.case_lines(&[], None, None).await?;
        let window = Days::new(u64::from(self.policy().non_engagement_window_weeks) * 7 + 7);
        let sessions = self
            .store
            .sessions_since(today.checked_sub_days(window).unwrap_or(today))
            .await?;
        let mut dashboard = Dashboard::default();
        let mut counts = std::collections::HashMap::new();
        for line in &lines {
            let case = &line.case;
            let state = state_of(case)?;
            *counts.entry(state).or_insert(0usize) += 1;
            if let Some(start) = case.provision_start {
                dashboard
                    .days_to_start
                    .push(days_from_referral_to_provision_start(
                        case.referral_date,
                        start,
                    ));
            } else if state != CaseState::Ended {
                dashboard
                    .waiting
                    .push((line.clone(), (today - case.referral_date).num_days()));
            }
            if state == CaseState::Ended {
                continue;
            }
            let mut due = Vec::new();
            let running = matches!(
                state,
                CaseState::InProvision | CaseState::Continued | CaseState::Review
            );
            if let (true, None, Some(d)) = (running, case.review_held_on, case.review_due) {
                due.push(("Review", d));
            }
            if let (true, Some(d)) = (running, case.continuation_due) {
                due.push(("Continuation request", d));
            }
            if let Some(d) = case.period_end {
                due.push(("End of period", d));
            }
            for (what, date) in due {
                let item = DueItem {
                    line: line.clone(),
                    what,
                    due: date,
                };
                if overdue(date, today) {
                    dashboard.overdue.push(item);
                } else if due_this_week(date, today) {
                    dashboard.due_this_week.push(item);
                }
            }
            if self.lacks_continuation(case, state, today) {
                dashboard.no_continuation.push(line.clone());
            }
            let own: Vec<SessionLogRecord> = sessions
                .iter()
                .filter(|s| s.case_id == case.id)
                .cloned()
                .collect();
            if self.shows_non_engagement(&own, today) {
                dashboard.non_engagement.push(line.clone());
            }
        }
        dashboard.by_state = CaseState::ALL
            .into_iter()
            .map(|s| (s, counts.get(&s).copied().unwrap_or(0)))
            .collect();
        dashboard.overdue.sort_by_key(|i| i.due);
        dashboard.due_this_week.sort_by_key(|i| i.due);
        dashboard
            .waiting
            .sort_by_key(|(_, days)| std::cmp::Reverse(*days));
        for w in self.store.open_waiting().await? {
            if w.resource == "av1_robot" {
                dashboard.robots_waiting += 1;
            } else {
                dashboard.hlsa_hours_short += w.hours_needed;
            }
        }
        for request in self.store.open_end_requests().await? {
            let line = lines.iter().find(|l| l.case.id == request.case_id).cloned();
            dashboard.end_requests.push((request, line));
        }
        Ok(dashboard)
    }

    /// Sends reminders before things fall due (MN-CONT-2, MN-REV-1): to the school, once per
    /// period for each, within `days_ahead` days of the date. Returns how many went.
    pub async fn send_case_reminders(&self, days_ahead: u64) -> AppResult<usize> {
        let today = self.today();
        let horizon = today
            .checked_add_days(Days::new(days_ahead))
            .unwrap_or(today);
        let lines = self
            .store
            .case_lines(&["in_provision", "continued", "review"], None, None)
            .await?;
        let system = crate::system_actor("reminders");
        let mut sent = 0;
        for line in lines {
            let case = &line.case;
            let Some(urn) = &case.school_urn else {
                continue;
            };
            let events = self.store.case_events(&case.id).await?;
            let mut due = Vec::new();
            if case.review_held_on.is_none()
                && let Some(d) = case.review_due
            {
                due.push((
                    "review_reminder",
                    "The review and reintegration meeting is due soon",
                    d,
                ));
            }
            if let Some(d) = case.continuation_due {
                due.push((
                    "continuation_reminder",
                    "A continuation request is due soon",
                    d,
                ));
            }
            for (kind, subject, date) in due {
                let key = format!("period {}", case.period_number);
                if date < today
                    || date > horizon
                    || events
                        .iter()
                        .any(|e| e.kind == kind && e.note.contains(&key))
                {
                    continue;
                }
                let mut tx = self.store.begin().await?;
                for to in self.store.school_user_emails(urn).await? {
                    tx.enqueue_message(
                        &to,
                        subject,
                        &format!(
                            "{subject} (by {}) for a child your school referred to the Medical Needs Service.\n\nSign in to see it:\n{}/cases/{}\n",
                            long_date(date),
                            self.settings.public_url,
                            case.id
                        ),
                        self.now(),
                    )
                    .await?;
                }
                self.case_event(
                    &mut tx,
                    &system,
                    &case.id,
                    kind,
                    None,
                    None,
                    &format!("Reminder sent to the school for {key}"),
                )
                .await?;
                tx.commit().await?;
                sent += 1;
            }
        }
        Ok(sent)
    }

    /// The Planning and Review Record as PDF: Part A and every Part B, for those who may read
    /// the plan (council staff, the school, the parent and the health professional linked to
    /// the child, not providers).
    pub async fn plan_record_pdf(&self, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
        if !matches!(
            actor.role(),
            Role::Coordinator
                | Role::Caseworker
                | Role::Auditor
                | Role::School
                | Role::Parent
                | Role::HealthProfessional
        ) {
            return Err(AppError::NotFound);
        }
        let view = self.view_case(actor, id).await?;
        let Some(plan) = &view.plan else {
            return Err(AppError::NotFound);
        };
        if view.case().plan_finalised_at.is_none() {
            return Err(AppError::NotFound);
        }
        let case = view.case();
        let mut blocks = vec![
            Block::Field("Pupil".into(), view.line.pupil_name.clone()),
            Block::Field("School".into(), view.line.school_name.clone()),
            Block::Gap,
            Block::Heading("Part A: the planning meeting".into()),
            Block::Field(
                "Date".into(),
                plan.meeting_date.map(long_date).unwrap_or_default(),
            ),
            Block::Field(
                "Place".into(),
                match plan.place {
                    Some(mns_domain::provision::MeetingPlace::Home) => "Home",
                    Some(mns_domain::provision::MeetingPlace::Online) => "Online",
                    Some(mns_domain::provision::MeetingPlace::School) => "School",
                    None => "",
                }
                .into(),
            ),
            Block::Heading("Who attended".into()),
        ];
        for a in &plan.attendees {
            blocks.push(Block::Bullet(format!("{} ({})", a.name, a.kind.label())));
        }
        blocks.push(Block::Heading("Learning needs".into()));
        blocks.push(Block::Paragraph(plan.learning_needs.clone()));
        if !plan.expectations.trim().is_empty() {
            blocks.push(Block::Heading("Expectations".into()));
            blocks.push(Block::Paragraph(plan.expectations.clone()));
        }
        blocks.push(Block::Heading("The package".into()));
        for c in &plan.package.components {
            let text = match c {
                mns_domain::provision::Component::ReintegrationPlan { text } => {
                    format!("{}: {text}", c.label())
                }
                mns_domain::provision::Component::OnlineLearning {
                    provider,
                    hours_per_week,
                } => {
                    format!("{} ({provider}): {hours_per_week} hours a week", c.label())
                }
                _ => format!("{}: {} hours a week", c.label(), c.hours_per_week()),
            };
            blocks.push(Block::Bullet(text));
        }
        blocks.push(Block::Field(
            "Hours a week".into(),
            format!(
                "{} of a full-time week of {}",
                plan.hours(),
                plan.full_time_hours
            ),
        ));
        if let Some(reason) = plan.medical_reason.as_ref().filter(|_| plan.is_part_time()) {
            blocks.push(Block::Field(
                "Medical reason for less than full time".into(),
                reason.clone(),
            ));
        }
        if let Some(statement) = &plan.readiness_statement {
            blocks.push(Block::Paragraph(statement.clone()));
        }
        if !plan.actions.is_empty() {
            blocks.push(Block::Heading("Actions".into()));
            for a in &plan.actions {
                blocks.push(Block::Bullet(format!(
                    "{} - {} by {}",
                    a.description,
                    a.owner,
                    a.due.map(long_date).unwrap_or_default()
                )));
            }
        }
        blocks.push(Block::Field(
            "Designated Safeguarding Lead".into(),
            plan.dsl_name.clone(),
        ));
        blocks.push(Block::Heading("Joint approach".into()));
        blocks.push(Block::Paragraph(plan.joint_approach.clone()));
        if let (Some(start), Some(end)) = (case.period_start, case.period_end) {
            blocks.push(Block::Heading("Dates".into()));
            blocks.push(Block::Field(
                "Period".into(),
                format!("{} to {}", long_date(start), long_date(end)),
            ));
            if let Some(d) = case.review_due {
                blocks.push(Block::Field("Review due by".into(), long_date(d)));
            }
            if let Some(d) = case.continuation_due {
                blocks.push(Block::Field(
                    "Continuation request due by".into(),
                    long_date(d),
                ));
            }
        }
        for (i, (_, part_b)) in view.reviews.iter().enumerate() {
            blocks.push(Block::Gap);
            blocks.push(Block::Heading(format!("Part B: review {}", i + 1)));
            blocks.push(Block::Field(
                "Date".into(),
                part_b.held_on.map(long_date).unwrap_or_default(),
            ));
            blocks.push(Block::Field(
                "Held by".into(),
                if part_b.held_by_school {
                    "The school"
                } else {
                    "The Medical Needs Service"
                }
                .into(),
            ));
            blocks.push(Block::Paragraph(part_b.progress.clone()));
            if !part_b.amendments.trim().is_empty() {
                blocks.push(Block::Field(
                    "Changes to the package".into(),
                    part_b.amendments.clone(),
                ));
            }
            for step in &part_b.steps {
                blocks.push(Block::Bullet(step.label().into()));
            }
            if !part_b.reintegration_plan.trim().is_empty() {
                blocks.push(Block::Paragraph(part_b.reintegration_plan.clone()));
            }
        }
        self.audit_view(actor, "case.plan_pdf", "case", id).await?;
        let date = case
            .plan_finalised_at
            .map(|t| long_date(uk_local_time(t).date()))
            .unwrap_or_default();
        Ok(render(&Letter {
            council: self.settings.council_name.clone(),
            service: "Medical Needs Service".into(),
            date,
            title: "Planning and Review Record".into(),
            blocks,
        }))
    }

    /// The End of Provision letter as PDF (MN-END-1, MN-END-2), for the coordinator, the
    /// school and the parent: the pupil, the dates and the reason, nothing medical.
    pub async fn end_letter_pdf(&self, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
        if !matches!(
            actor.role(),
            Role::Coordinator | Role::Caseworker | Role::Auditor | Role::School | Role::Parent
        ) {
            return Err(AppError::NotFound);
        }
        let case = self.case_in_scope(actor, id).await?;
        let (Some(reason), Some(ended_at)) = (&case.end_reason, case.ended_at) else {
            return Err(AppError::NotFound);
        };
        let reason = EndReason::parse(reason).map_err(|e| AppError::Internal(e.to_string()))?;
        let line = self.line_of(case.clone()).await?;
        self.audit_view(actor, "case.end_letter", "case", id)
            .await?;
        let ended = uk_local_time(ended_at).date();
        let mut blocks = vec![
            Block::Field("Pupil".into(), line.pupil_name.clone()),
            Block::Field("School".into(), line.school_name.clone()),
        ];
        if let Some(start) = case.provision_start {
            blocks.push(Block::Field("Provision started".into(), long_date(start)));
        }
        blocks.push(Block::Field("Provision ends".into(), long_date(ended)));
        blocks.push(Block::Gap);
        blocks.push(Block::Heading("Why provision is ending".into()));
        blocks.push(Block::Paragraph(format!(
            "Provision arranged by the Medical Needs Service ends because {}.",
            reason.label()
        )));
        blocks.push(Block::Heading("What happens next".into()));
        blocks.push(Block::Bullet("The school is responsible for the pupil's education from the day after provision ends, and plans the return with the family.".into()));
        blocks.push(Block::Bullet(
            "If the pupil's health changes, the school can make a new referral.".into(),
        ));
        blocks.push(Block::Paragraph(format!(
            "If you have questions, contact the Medical Needs Coordinator at {}.",
            self.settings.coordinator_email
        )));
        Ok(render(&Letter {
            council: self.settings.council_name.clone(),
            service: "Medical Needs Service".into(),
            date: long_date(ended),
            title: "End of Provision".into(),
            blocks,
        }))
    }
}

/// The DSL's email address on a case's finalised Part A.
fn plan_dsl_email(case: &CaseRecord) -> Option<String> {
    case.plan_finalised_at?;
    let plan: PartA = serde_json::from_str(case.plan_json.as_deref()?).ok()?;
    Some(plan.dsl_email).filter(|e| !e.trim().is_empty())
}

/// A session outcome from its stored kind and hours.
pub fn outcome(kind: &str, hours: f64) -> Option<SessionOutcome> {
    Some(match kind {
        "delivered" => SessionOutcome::Delivered { hours },
        "cancelled_by_family" => SessionOutcome::CancelledByFamily { hours },
        "cancelled_by_provider" => SessionOutcome::CancelledByProvider { hours },
        "refused" => SessionOutcome::Refused { hours },
        _ => return None,
    })
}
