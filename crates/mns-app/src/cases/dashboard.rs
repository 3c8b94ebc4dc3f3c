//! The coordinator's dashboard over the open cases, and the reminders to schools
//! (MN-DEC-2, MN-REV-1, MN-CONT-2, MN-CONT-3, MN-PROV-3).

use super::*;
use crate::{Actor, App, AppResult};
use chrono::Days;
use mns_domain::provision::{
    CaseState, days_from_referral_to_provision_start, due_this_week, overdue,
};
use mns_store::SessionLogRecord;

impl App {
    /// The coordinator's dashboard: what is due this week, what is overdue, cases by state,
    /// days from referral to provision (MN-DEC-2), flags (MN-CONT-3, MN-PROV-3) and requests to
    /// end.
    pub async fn case_dashboard(&self, actor: &Actor) -> AppResult<Dashboard> {
        actor.require(mns_domain::permissions::Capability::ReadCaseDashboard)?;
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
            let state = case.state;
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
            if state == CaseState::ContinuationRequested {
                dashboard.continuations_waiting.push(line.clone());
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
}
