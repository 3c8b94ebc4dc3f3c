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
//!
//! This file holds what every step shares (who sees a case, moving its state, the timeline,
//! the case as its reader sees it); each step has a file of its own: `plan` (Part A and the
//! start), `sessions`, `welfare` (checks and concerns), `review` (Part B), `continuation`,
//! `end`, `dashboard` (and reminders) and `letters` (the PDFs).

use crate::Context as _;
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::NaiveDate;
use mns_domain::identity::Role;
use mns_domain::permissions::ChildScope;
use mns_domain::provision::record::{PartA, PartB, RecordProblem};
use mns_domain::provision::{
    CaseAction, CaseFacts, CaseState, SessionOutcome, case_actions, may_move, non_engagement,
};
use mns_store::{
    CaseEvent, CaseLine, CaseListFilter, CasePage, CaseRecord, ConcernRecord, ContinuationRecord,
    EndRequestRecord, ReviewRecord, SessionLogRecord, WelfareCheckRecord, WriteTx, new_id,
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
    /// What the reader may do on the case now ([`mns_domain::provision::case_actions`]):
    /// the page offers exactly these.
    pub actions: Vec<CaseAction>,
    /// Who is working with the child, by name.
    pub involved: Involved,
}

/// Who is working with a child on a case, by name (no addresses): what a case page's summary
/// shows everyone who may see the case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Involved {
    /// The Medical Needs Coordinator who accepted the referral, if known.
    pub coordinator: Option<String>,
    /// The caseworker (or coordinator) the referral is assigned to, who works the case.
    pub caseworker: Option<String>,
    /// The providers linked to the child (MN-ROLE-4).
    pub providers: Vec<String>,
    /// The health professionals linked to the child (MN-ROLE-5).
    pub health_professionals: Vec<String>,
}

/// Who a step on a case tells by email: what its confirmation page lists, and what the step
/// then sends to, so the two cannot differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Told {
    /// Who, in plain words ("the school's staff").
    pub who: &'static str,
    /// Their addresses (pages show how many people, not the addresses).
    pub addresses: Vec<String>,
}

impl CaseView {
    /// The case.
    pub fn case(&self) -> &CaseRecord {
        &self.line.case
    }

    /// Whether the reader may take `action` on the case now.
    pub fn may(&self, action: CaseAction) -> bool {
        self.actions.contains(&action)
    }
}

/// What the table needs to know about a stored case.
fn facts_of(case: &CaseRecord, state: CaseState) -> CaseFacts {
    CaseFacts {
        state,
        plan_finalised: case.plan_finalised_at.is_some(),
        provision_started: case.provision_start.is_some(),
        end_recorded: case.end_reason.is_some(),
    }
}

/// `NotFound` unless `actor`'s role may ever take `action` on a case (the role part of the
/// table; the state part is each operation's to explain in its own words).
fn require(actor: &Actor, action: CaseAction) -> AppResult<()> {
    if action.allowed_for(actor.role()) {
        Ok(())
    } else {
        Err(AppError::NotFound)
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
    /// Continuation requests waiting for the coordinator's decision (MN-CONT-1).
    pub continuations_waiting: Vec<CaseLine>,
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

mod continuation;
mod dashboard;
mod end;
mod letters;
mod plan;
mod review;
mod sessions;
mod welfare;

pub use continuation::ContinuationCheck;
pub use end::EndCheck;
pub use letters::CaseLetters;
pub use plan::StartCheck;

impl App {
    /// The case if `actor` may see it: council staff see every case, a school its own pupils',
    /// parents, providers, health professionals and case viewers the children linked to them.
    pub(crate) async fn case_in_scope(&self, actor: &Actor, id: &str) -> AppResult<CaseRecord> {
        let case = self.store.get_case(id).await?.ok_or(AppError::NotFound)?;
        let allowed = match actor.child_scope() {
            ChildScope::Every => true,
            ChildScope::OwnSchool => {
                actor.user.school_urn.is_some() && case.school_urn == actor.user.school_urn
            }
            ChildScope::Linked => match &case.pupil_id {
                Some(pupil) => self
                    .store
                    .pupil_link(&actor.user.id, pupil, self.today())
                    .await?
                    .is_some(),
                None => false,
            },
            ChildScope::None => false,
        };
        if allowed {
            Ok(case)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The school's staff with an account on the service: told when provision starts, continues
    /// or ends.
    pub(crate) async fn told_school(&self, case: &CaseRecord) -> AppResult<Told> {
        Ok(Told {
            who: "the school's staff",
            addresses: match &case.school_urn {
                Some(urn) => self.store.school_user_emails(urn).await?,
                None => Vec::new(),
            },
        })
    }

    /// The school's staff and the child's parents with an account: told when provision
    /// continues or ends.
    pub(crate) async fn told_school_and_parents(&self, case: &CaseRecord) -> AppResult<Vec<Told>> {
        Ok(vec![
            self.told_school(case).await?,
            Told {
                who: "the parents",
                addresses: match &case.pupil_id {
                    Some(pupil) => {
                        self.store
                            .linked_user_emails(pupil, "parent", self.today())
                            .await?
                    }
                    None => Vec::new(),
                },
            },
        ])
    }

    /// Queues an email to `to` about case `id`: `text`, then "Sign in to `verb`:" and the case's
    /// address. Emails carry no child's details (MN-REC-1).
    pub(crate) async fn email_about_case(
        &self,
        tx: &mut WriteTx,
        to: &str,
        subject: &str,
        (text, verb): (&str, &str),
        id: &str,
    ) -> AppResult<()> {
        tx.enqueue_message(
            to,
            subject,
            &format!(
                "{text}\n\nSign in to {verb}:\n{}/cases/{id}\n",
                self.settings.public_url
            ),
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// Records the coordinator's answer on the case's open continuation request, if it has
    /// one (MN-CONT-1): `agreed`, or `declined` with the reason.
    pub(crate) async fn answer_open_continuation(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        id: &str,
        (decision, reason): (&str, Option<String>),
    ) -> AppResult<()> {
        let mut continuations = self.store.case_continuations(id).await?;
        if let Some(open) = continuations
            .iter_mut()
            .rev()
            .find(|c| c.decision.is_none())
        {
            open.decision = Some(decision.into());
            open.decided_by = Some(actor.user.id.clone());
            open.decided_at = Some(self.now());
            open.reason = reason;
            tx.save_continuation(open).await?;
        }
        Ok(())
    }

    /// `Ok` if `actor`'s role may ever take `action` and the case is in their scope; otherwise
    /// `NotFound`. Handlers ask this before reading a form, so that a refusal looks the same
    /// however the form was filled in.
    pub async fn require_case_action(
        &self,
        actor: &Actor,
        id: &str,
        action: CaseAction,
    ) -> AppResult<()> {
        require(actor, action)?;
        self.case_in_scope(actor, id).await.map(|_| ())
    }

    /// The case as `actor` sees it, for the page of one step: `NotFound` unless their role may
    /// take `action` and the case is in their scope. The view is audited.
    pub async fn view_case_for(
        &self,
        actor: &Actor,
        id: &str,
        action: CaseAction,
    ) -> AppResult<CaseView> {
        require(actor, action)?;
        self.view_case(actor, id).await
    }

    /// What `actor` may do on a case in their scope now (`NotFound` outside it).
    pub(crate) async fn view_case_actions(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<Vec<CaseAction>> {
        let case = self.case_in_scope(actor, id).await?;
        let state = case.state;
        Ok(case_actions(actor.role(), &facts_of(&case, state)))
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
            at: self.now(),
            actor_id: (actor.user.id != "system").then(|| actor.user.id.clone()),
            kind: kind.to_string(),
            from_state: from,
            to_state: to,
            note: note.to_string(),
        }
    }

    /// Moves the case, if the actor may (MN-END-2 and the rest of the timeline's rules).
    fn move_case(actor: &Actor, case: &mut CaseRecord, to: CaseState) -> AppResult<CaseState> {
        let from = case.state;
        may_move(from, to, actor.role()).map_err(|e| AppError::invalid("state", e.to_string()))?;
        case.state = to;
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
            state: CaseState::Accepted,
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
            ends_on: None,
            updated_at: now,
            outcome: None,
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
        .await?;
        self.carry_send_details(tx, actor, referral).await
    }

    /// Copies the referral's SEND answers into the new case's SEND details (MN-SEND-1), unless
    /// the case already has some, so nobody types them twice.
    async fn carry_send_details(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        referral: &mns_store::ReferralRecord,
    ) -> AppResult<()> {
        let form: mns_domain::referral::Referral =
            serde_json::from_str(&referral.form_json).context("referral form")?;
        let Some(send) = &form.pupil.send else {
            return Ok(());
        };
        if self.store.send_details(&referral.id).await?.is_some() {
            return Ok(());
        }
        let details = mns_domain::provision::SendDetails::from_referral(send);
        tx.save_send_details(
            &referral.id,
            &serde_json::to_string(&details).context("writing SEND details")?,
            self.now(),
        )
        .await?;
        self.audit(
            tx,
            actor,
            "case.send_details",
            "case",
            &referral.id,
            "from the referral",
        )
        .await
    }

    /// A page of the cases `actor` may see, newest opened first: open ones, or ended ones; with
    /// `assigned_to_me`, only those whose referral is assigned to them (a caseworker's list).
    /// Audited as the case list.
    pub async fn my_cases(
        &self,
        actor: &Actor,
        ended: bool,
        assigned_to_me: bool,
        page: CasePage,
        limit: i64,
    ) -> AppResult<Vec<CaseLine>> {
        let mut filter = CaseListFilter {
            ended,
            assigned_to: assigned_to_me.then(|| actor.user.id.clone()),
            limit,
            page,
            ..CaseListFilter::default()
        };
        match actor.child_scope() {
            ChildScope::Every => {}
            ChildScope::OwnSchool => match &actor.user.school_urn {
                Some(urn) => filter.school_urn = Some(urn.clone()),
                None => filter.pupil_ids = Some(Vec::new()),
            },
            ChildScope::Linked => {
                filter.pupil_ids = Some(
                    self.store
                        .pupils_linked_to(&actor.user.id, self.today())
                        .await?
                        .into_iter()
                        .map(|p| p.id)
                        .collect(),
                );
            }
            ChildScope::None => return Err(AppError::NotFound),
        }
        let lines = self.store.case_page(&filter).await?;
        self.audit_view(actor, "case.list", "case_list", actor.role().as_str())
            .await?;
        Ok(lines)
    }

    /// A case as `actor` may see it; the view is audited.
    pub async fn view_case(&self, actor: &Actor, id: &str) -> AppResult<CaseView> {
        let case = self.case_in_scope(actor, id).await?;
        self.audit_view(actor, "case.view", "case", id).await?;
        let state = case.state;
        let role = actor.role();
        let plan: Option<PartA> = match &case.plan_json {
            Some(json) => {
                Some(serde_json::from_str(json).with_context(|| format!("case {id} plan"))?)
            }
            None => None,
        };
        // A parent, provider or health professional sees a plan once it is agreed.
        let reads_work = CaseAction::ReadCaseWork.allowed_for(role);
        let plan = if reads_work || case.plan_finalised_at.is_some() {
            plan
        } else {
            None
        };
        let mut events = self.store.case_events(id).await?;
        if !reads_work {
            events.retain(|e| e.to_state.is_some());
        }
        let reviews = if !CaseAction::ReadReviews.allowed_for(role) {
            Vec::new()
        } else {
            self.store
                .case_reviews(id)
                .await?
                .into_iter()
                .map(|r| {
                    let part_b: PartB = serde_json::from_str(&r.record_json)
                        .with_context(|| format!("review {}", r.id))?;
                    Ok((r, part_b))
                })
                .collect::<AppResult<Vec<_>>>()?
        };
        let sessions = self.store.case_sessions(id).await?;
        let (continuations, end_requests) = if reads_work {
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
        let welfare_checks = if reads_work {
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
        let actions = case_actions(role, &facts_of(&case, state));
        let involved = self.involved(&case, &events).await?;
        let line = self.line_of(case).await?;
        Ok(CaseView {
            involved,
            actions,
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

    /// Who is working with the child: the coordinator who opened the case, the caseworker the
    /// referral is assigned to, and the providers and health professionals linked to the child.
    async fn involved(&self, case: &CaseRecord, events: &[CaseEvent]) -> AppResult<Involved> {
        let opener = events
            .iter()
            .find(|e| e.kind == "opened")
            .and_then(|e| e.actor_id.clone());
        let coordinator = match opener {
            Some(id) => self.store.get_user(&id).await?.map(|u| u.display_name),
            None => None,
        };
        let assignee = self.store.referral_assignee(&case.id).await?;
        let caseworker = match assignee {
            Some(id) => self.store.get_user(&id).await?.map(|u| u.display_name),
            None => None,
        };
        let (providers, health_professionals) = match &case.pupil_id {
            Some(pupil) => (
                self.store
                    .linked_user_names(pupil, "provider", self.today())
                    .await?,
                self.store
                    .linked_user_names(pupil, "health_professional", self.today())
                    .await?,
            ),
            None => (Vec::new(), Vec::new()),
        };
        Ok(Involved {
            coordinator,
            caseworker,
            providers,
            health_professionals,
        })
    }

    fn shows_non_engagement(&self, sessions: &[SessionLogRecord], today: NaiveDate) -> bool {
        let outcomes: Vec<(NaiveDate, SessionOutcome)> = sessions
            .iter()
            .filter_map(|s| Some((s.held_on, outcome(&s.outcome, s.hours)?)))
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
                (Recipient::ParentCarer, Some(pupil), _) => out.extend(
                    self.store
                        .linked_user_emails(pupil, "parent", self.today())
                        .await?,
                ),
                (Recipient::HomeSchool, _, Some(urn)) => {
                    out.extend(self.store.school_user_emails(urn).await?)
                }
                (Recipient::ServiceMailbox, _, _) => {
                    out.push(self.settings.coordinator_email.clone())
                }
                (Recipient::HealthProfessional, Some(pupil), _) => out.extend(
                    self.store
                        .linked_user_emails(pupil, "health_professional", self.today())
                        .await?,
                ),
                _ => {}
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Tells everyone in `told` that there is an update on the case (no child's details).
    async fn tell(
        &self,
        tx: &mut WriteTx,
        case: &CaseRecord,
        told: &[Told],
        subject: &str,
    ) -> AppResult<()> {
        for address in told.iter().flat_map(|t| &t.addresses) {
            tx.enqueue_message(
                address,
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
