//! Early identification from the county's attendance (issue 16): each school's figures kept
//! per pupil (never the marks), the alerts the policy's rules raise on them, and the
//! coordinator's triage of those alerts. An alert prompts a person; it never decides, and it
//! never disappears without a recorded decision.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use mns_domain::attendance::alerts::{Alert, AlertRule, CaseSpan, Priority};
use mns_domain::attendance::feed::{AlertFigures, GridFigures, PupilDetails};
use mns_domain::calendar::SchoolYear;
use mns_domain::permissions::Capability;
use mns_store::{
    AlertEventRecord, AlertFilter, AlertImportUpdate, AlertListRow, AlertPriority, AlertRecord,
    AlertState, AlertStatus, AttendanceFiguresRecord, AttendanceImportRecord, new_id,
};

use crate::{Actor, App, AppError, AppResult};

/// One pupil of a school being imported.
pub struct ImportedPupil<'a> {
    /// The UPN.
    pub upn: String,
    /// The figures.
    pub figures: GridFigures,
    /// The pupil file's details, if it gave any.
    pub details: Option<&'a PupilDetails>,
    /// The alerts the rules raised.
    pub alerts: Vec<Alert>,
}

/// One school's rows, read without problems, to keep.
pub struct SchoolImport<'a> {
    /// The school's URN.
    pub urn: String,
    /// The school year.
    pub school_year: SchoolYear,
    /// The file the rows came from.
    pub source: String,
    /// The file's size and modification time, to tell imports apart.
    pub fingerprint: String,
    /// The rows read.
    pub rows: u64,
    /// The pupils.
    pub pupils: Vec<ImportedPupil<'a>>,
}

/// What an import changed for one school's alerts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct AlertChanges {
    /// New alerts.
    pub opened: u32,
    /// Open alerts whose figures got worse.
    pub worsened: u32,
    /// Decided alerts whose figures got worse since the decision.
    pub reopened: u32,
    /// Open alerts whose rule no longer fires (they stay open until someone decides).
    pub no_longer_met: u32,
}

/// What a person can record about an alert.
pub const ALERT_ACTIONS: [(&str, &str); 5] = [
    ("contacted_school", "Contacted the school"),
    ("advice_given", "Advice given"),
    ("hcp_contact_made", "Healthy Child Programme contact made"),
    ("referral_invited", "Referral invited"),
    ("no_action", "No action"),
];

/// The label of an action.
pub fn action_label(action: &str) -> &str {
    if action == "assessment_opened" {
        return "Assessment opened with the school";
    }
    ALERT_ACTIONS
        .iter()
        .find(|(value, _)| *value == action)
        .map_or(action, |(_, label)| label)
}

/// The day figures from `school_year` are deleted: 31 August after the end of the following
/// school year.
pub fn figures_delete_after(school_year: SchoolYear) -> NaiveDate {
    let last = school_year.last_day();
    NaiveDate::from_ymd_opt(last.year() + 1, 8, 31).unwrap_or(last)
}

fn priority(p: Priority) -> AlertPriority {
    AlertPriority::parse(p.as_str()).unwrap_or(AlertPriority::Routine)
}

fn figures_record(
    urn: &str,
    year: SchoolYear,
    upn: &str,
    grid: &GridFigures,
    details: Option<&PupilDetails>,
) -> AttendanceFiguresRecord {
    let f = &grid.figures;
    AttendanceFiguresRecord {
        school_year: year.to_string(),
        urn: urn.to_owned(),
        upn: upn.to_owned(),
        sessions_possible: f.sessions_possible,
        present: f.present,
        authorised: f.authorised,
        unauthorised: f.unauthorised,
        illness_sessions: f.health_absence.sessions(),
        longest_run_sessions: f.longest_health_run_length().sessions(),
        longest_run_first: f.longest_health_run.map(|r| r.first.date),
        longest_run_last: f.longest_health_run.map(|r| r.last.date),
        run_ongoing: grid.run_ongoing,
        m_sessions: f.medical_appointment_sessions,
        k_sessions: grid.k_sessions,
        c2_sessions: grid.c2_sessions,
        c2_weeks: grid.c2_weeks,
        persistent: grid.persistent(),
        severe: grid.severe(),
        ehcp: details.and_then(|d| d.ehcp),
        looked_after: details.and_then(|d| d.looked_after),
        leaving_date: details.and_then(|d| d.leaving_date),
        last_session: grid.last_session.map(|s| s.date),
    }
}

/// An event in an alert's history.
pub(crate) fn alert_event(
    alert_id: &str,
    at: chrono::DateTime<chrono::Utc>,
    kind: &str,
    action: Option<&str>,
    reason: Option<&str>,
    actor: Option<&Actor>,
) -> AlertEventRecord {
    AlertEventRecord {
        id: new_id(),
        alert_id: alert_id.to_owned(),
        at,
        kind: kind.to_owned(),
        action: action.map(str::to_owned),
        reason: reason.map(str::to_owned),
        actor_id: actor.map(|a| a.user.id.clone()),
        figures_json: None,
    }
}

/// Decides an open alert: what it measured now is what a worse figure must pass to re-open it.
pub(crate) fn decide(alert: &mut AlertRecord, now: chrono::DateTime<chrono::Utc>) {
    if alert.status == AlertStatus::Open {
        alert.status = AlertStatus::Decided;
        alert.decided_measure = Some(alert.measure);
    }
    alert.updated_at = now;
}

impl App {
    /// The URNs on the schools list, to refuse rows of schools not on it.
    pub async fn school_urns(&self) -> AppResult<HashSet<String>> {
        Ok(self.store.school_urns().await?.into_iter().collect())
    }

    /// What the service knows for the rules: the UPNs with a referral (not a draft) this
    /// school year, and the cases' provision dates by UPN.
    pub async fn attendance_rule_context(
        &self,
        school_year: SchoolYear,
    ) -> AppResult<(HashSet<String>, HashMap<String, Vec<CaseSpan>>)> {
        let referred = self
            .store
            .upns_referred_between(school_year.first_day(), school_year.last_day())
            .await?
            .into_iter()
            .collect();
        let mut cases: HashMap<String, Vec<CaseSpan>> = HashMap::new();
        for (upn, first, last) in self.store.case_spans_by_upn().await? {
            cases.entry(upn).or_default().push(CaseSpan { first, last });
        }
        Ok((referred, cases))
    }

    /// Keeps one school's figures for the year, replacing the last import's, and reconciles
    /// its alerts, in one transaction: a failure leaves the old figures whole.
    pub async fn import_school_attendance(
        &self,
        actor: &Actor,
        import: &SchoolImport<'_>,
    ) -> AppResult<AlertChanges> {
        actor.require(Capability::ActOnAttendanceAlerts)?;
        let now = self.now();
        let year = import.school_year.to_string();
        let delete_after = figures_delete_after(import.school_year);
        let record = AttendanceImportRecord {
            id: new_id(),
            urn: import.urn.clone(),
            school_year: year.clone(),
            source: import.source.clone(),
            file_sha256: import.fingerprint.clone(),
            rows: import.rows,
            pupils: import.pupils.len() as u64,
            imported_by: (actor.user.id != "system").then(|| actor.user.id.clone()),
            imported_at: now,
        };
        let rows: Vec<AttendanceFiguresRecord> = import
            .pupils
            .iter()
            .map(|p| {
                figures_record(
                    &import.urn,
                    import.school_year,
                    &p.upn,
                    &p.figures,
                    p.details,
                )
            })
            .collect();
        let mut tx = self.store.begin().await?;
        tx.replace_attendance_figures(&record, delete_after, &rows)
            .await?;
        let existing = tx.alert_states_for_school(&year, &import.urn).await?;
        let mut by_key: HashMap<(String, String), AlertState> = existing
            .into_iter()
            .map(|a| ((a.rule_id.clone(), a.upn.clone()), a))
            .collect();
        let mut changes = AlertChanges::default();
        let mut new_alerts: Vec<AlertRecord> = Vec::new();
        let mut events: Vec<AlertEventRecord> = Vec::new();
        let policy_version = self.policy().version.clone();
        // Pupils without an alert have nothing to reconcile (their figures are written above).
        for pupil in import.pupils.iter().filter(|p| !p.alerts.is_empty()) {
            let figures_json = serde_json::to_string(&AlertFigures::of(&pupil.figures))
                .map_err(|e| AppError::internal(format!("alert figures: {e}")))?;
            for alert in &pupil.alerts {
                let key = (alert.rule.id().to_owned(), pupil.upn.clone());
                let measure = i64::from(alert.measure);
                // A change keeps the figures it was made on.
                let event = |kind: &str, alert_id: &str| AlertEventRecord {
                    id: new_id(),
                    alert_id: alert_id.to_owned(),
                    at: now,
                    kind: kind.to_owned(),
                    action: None,
                    reason: None,
                    actor_id: None,
                    figures_json: Some(figures_json.clone()),
                };
                match by_key.remove(&key) {
                    None => {
                        let record = AlertRecord {
                            id: new_id(),
                            rule_id: key.0.clone(),
                            school_year: year.clone(),
                            urn: import.urn.clone(),
                            upn: pupil.upn.clone(),
                            pupil_id: None,
                            status: AlertStatus::Open,
                            priority: priority(alert.priority),
                            opened_at: now,
                            first_opened_at: now,
                            figures_json: figures_json.clone(),
                            why: alert.why.clone(),
                            measure,
                            decided_measure: None,
                            still_met: true,
                            policy_version: policy_version.clone(),
                            pupil_name: pupil.details.and_then(PupilDetails::name),
                            delete_after,
                            updated_at: now,
                        };
                        // No "opened" event: the alert's first_opened_at is that history's
                        // first line (a first import opens hundreds of thousands).
                        new_alerts.push(record);
                        changes.opened += 1;
                    }
                    Some(mut state) => {
                        let kind = match state.status {
                            AlertStatus::Decided
                                if measure > state.decided_measure.unwrap_or(i64::MAX) =>
                            {
                                state.status = AlertStatus::Open;
                                changes.reopened += 1;
                                Some("reopened")
                            }
                            AlertStatus::Open if measure > state.measure => {
                                changes.worsened += 1;
                                Some("worsened")
                            }
                            AlertStatus::Open if !state.still_met => Some("met_again"),
                            _ => None,
                        };
                        // Written only when something the list shows changed: a daily import
                        // of the same figures writes nothing.
                        let name = state
                            .pupil_name
                            .clone()
                            .or_else(|| pupil.details.and_then(PupilDetails::name));
                        let changed = kind.is_some()
                            || state.measure != measure
                            || state.priority != priority(alert.priority)
                            || state.pupil_name != name;
                        if changed {
                            let update = AlertImportUpdate {
                                id: &state.id,
                                status: state.status,
                                reopened_at: (kind == Some("reopened")).then_some(now),
                                priority: priority(alert.priority),
                                figures_json: &figures_json,
                                why: &alert.why,
                                measure,
                                policy_version: &policy_version,
                                pupil_name: name.as_deref(),
                                updated_at: now,
                            };
                            tx.update_alert_on_import(&update).await?;
                        }
                        if let Some(kind) = kind {
                            events.push(event(kind, &state.id));
                        }
                    }
                }
            }
        }
        // Alerts whose rule no longer fires stay open until someone decides.
        for (_, state) in by_key {
            if state.status == AlertStatus::Open && state.still_met {
                tx.set_alert_no_longer_met(&state.id, now).await?;
                events.push(alert_event(
                    &state.id,
                    now,
                    "no_longer_met",
                    None,
                    None,
                    None,
                ));
                changes.no_longer_met += 1;
            }
        }
        tx.insert_alerts(&new_alerts).await?;
        tx.insert_alert_events(&events).await?;
        // One email per school whose alerts opened or re-opened: no child's details in it.
        if changes.opened + changes.reopened > 0 {
            let url = &self.settings.public_url;
            for to in self.store.school_user_emails(&import.urn).await? {
                tx.enqueue_message(
                    &to,
                    "Attendance alerts for pupils at your school",
                    &format!(
                        "The {} Medical Needs Service has looked at the school's attendance and \
                         would like to know what the school is doing for some pupils who have \
                         been absent through illness.\n\nSign in to see them and tell us:\n\
                         {url}/alerts\n",
                        self.settings.council_name
                    ),
                    now,
                )
                .await?;
            }
        }
        let detail = format!(
            "urn={} year={} rows={} pupils={} opened={} worsened={} reopened={} no_longer_met={}",
            import.urn,
            year,
            import.rows,
            import.pupils.len(),
            changes.opened,
            changes.worsened,
            changes.reopened,
            changes.no_longer_met
        );
        self.audit(
            &mut tx,
            actor,
            "attendance.import",
            "attendance_import",
            &record.id,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(changes)
    }

    /// Records that a school's rows were refused (nothing of it was kept).
    pub async fn record_refused_attendance(
        &self,
        actor: &Actor,
        urn: &str,
        problems: usize,
    ) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        let detail = format!("urn={urn} problems={problems}");
        self.audit(
            &mut tx,
            actor,
            "attendance.import_refused",
            "school",
            urn,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The triage list: alerts by priority, then oldest first (audited with its filters).
    pub async fn attendance_alerts(
        &self,
        actor: &Actor,
        filter: &AlertFilter,
    ) -> AppResult<(Vec<AlertListRow>, u64)> {
        actor.require(Capability::ReadAttendanceAlerts)?;
        let mut filter = filter.clone();
        if actor.role() == mns_domain::identity::Role::School {
            // A school sees its own pupils' alerts only.
            filter.urn = Some(actor.user.school_urn.clone().unwrap_or_default());
        }
        let filter = &filter;
        let found = self.store.list_alerts(filter).await?;
        let detail = format!(
            "status={} school={} rules={} priority={} offset={}",
            filter.status.map_or("all", |s| s.as_str()),
            filter.urn.as_deref().unwrap_or("any"),
            filter.rules.join("+"),
            filter.priority.map_or("any", |p| p.as_str()),
            filter.offset
        );
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "attendance.alerts_list",
            "attendance_alerts",
            "list",
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Counts of alerts by rule (for the filters), no personal data.
    pub async fn attendance_alert_counts(
        &self,
        actor: &Actor,
        status: AlertStatus,
    ) -> AppResult<Vec<(String, u64)>> {
        actor.require(Capability::ReadAttendanceAlerts)?;
        Ok(self.store.alert_counts_by_rule(status).await?)
    }

    /// One alert with its history (audited); 404 for anyone who may not see alerts.
    pub async fn attendance_alert(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(AlertRecord, Vec<AlertEventRecord>, Option<String>)> {
        if !Capability::ReadAttendanceAlerts.allowed_for(actor.role()) {
            return Err(AppError::NotFound);
        }
        let mut alert = self.visible_alert(actor, id).await?;
        let events = self.store.alert_events(id).await?;
        let school = self.store.get_school(&alert.urn).await?.map(|s| s.name);
        // The service's own record of the pupil names them, if it has one.
        if let Some(pupil) = self.store.pupil_by_upn(&alert.upn).await? {
            alert.pupil_name = Some(format!("{} {}", pupil.given_name, pupil.family_name));
        }
        self.audit_view(actor, "attendance.alert_view", "attendance_alert", id)
            .await?;
        Ok((alert, events, school))
    }

    /// An alert the actor may see: any for the coordinator and caseworkers, a school's own
    /// pupils' for a school; `NotFound` otherwise.
    async fn visible_alert(&self, actor: &Actor, id: &str) -> AppResult<AlertRecord> {
        if !Capability::ReadAttendanceAlerts.allowed_for(actor.role()) {
            return Err(AppError::NotFound);
        }
        let alert = self.store.alert(id).await?.ok_or(AppError::NotFound)?;
        if actor.role() == mns_domain::identity::Role::School
            && actor.user.school_urn.as_deref() != Some(alert.urn.as_str())
        {
            return Err(AppError::NotFound);
        }
        Ok(alert)
    }

    /// A school tells the service what it is doing about an alert: kept in the alert's
    /// history; it does not decide the alert (the coordinator or a caseworker does).
    pub async fn respond_to_attendance_alert(
        &self,
        actor: &Actor,
        id: &str,
        response: &str,
    ) -> AppResult<()> {
        let alert = self.visible_alert(actor, id).await?;
        if actor.role() != mns_domain::identity::Role::School {
            return Err(AppError::NotFound);
        }
        let response = response.trim();
        if response.is_empty() {
            return Err(AppError::invalid(
                "response",
                "Enter what the school is doing",
            ));
        }
        if response.chars().count() > 2000 {
            return Err(AppError::invalid(
                "response",
                "What the school is doing must be 2,000 characters or fewer",
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.insert_alert_event(&alert_event(
            &alert.id,
            self.now(),
            "school_response",
            None,
            Some(response),
            Some(actor),
        ))
        .await?;
        self.audit(
            &mut tx,
            actor,
            "attendance.school_response",
            "attendance_alert",
            id,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records what was done about an alert, which decides it. "No action" needs a reason.
    pub async fn act_on_attendance_alert(
        &self,
        actor: &Actor,
        id: &str,
        action: &str,
        reason: &str,
    ) -> AppResult<AlertRecord> {
        let mut alert = self.visible_alert(actor, id).await?;
        actor.require(Capability::ActOnAttendanceAlerts)?;
        let mut errors = Vec::new();
        if !ALERT_ACTIONS.iter().any(|(value, _)| *value == action) {
            errors.push(("action", "Select what you did".to_owned()));
        }
        let reason = reason.trim();
        if action == "no_action" && reason.is_empty() {
            errors.push(("reason", "Enter why no action is needed".to_owned()));
        }
        if reason.chars().count() > 2000 {
            errors.push((
                "reason",
                "The reason must be 2,000 characters or fewer".to_owned(),
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(
                errors
                    .into_iter()
                    .map(|(field, message)| crate::FieldError::new(field, message))
                    .collect(),
            ));
        }
        let now = self.now();
        decide(&mut alert, now);
        let mut tx = self.store.begin().await?;
        tx.update_alert(&alert).await?;
        let reason = (!reason.is_empty()).then_some(reason);
        tx.insert_alert_event(&alert_event(
            &alert.id,
            now,
            "action",
            Some(action),
            reason,
            Some(actor),
        ))
        .await?;
        self.audit(
            &mut tx,
            actor,
            "attendance.alert_action",
            "attendance_alert",
            id,
            action,
        )
        .await?;
        tx.commit().await?;
        Ok(alert)
    }

    /// A pupil's alerts (for the pupil's page), for those who may see alerts.
    pub async fn attendance_alerts_for_upn(
        &self,
        actor: &Actor,
        upn: &str,
    ) -> AppResult<Vec<AlertRecord>> {
        if !Capability::ReadAttendanceAlerts.allowed_for(actor.role()) {
            return Ok(Vec::new());
        }
        let alerts = self.store.alerts_for_upn(upn).await?;
        Ok(match actor.role() {
            mns_domain::identity::Role::School => alerts
                .into_iter()
                .filter(|a| actor.user.school_urn.as_deref() == Some(a.urn.as_str()))
                .collect(),
            _ => alerts,
        })
    }
}

/// The rule's plain name for an id (the id itself if unknown).
pub fn rule_title(id: &str) -> String {
    AlertRule::parse(id).map_or_else(|| id.to_owned(), |rule| rule.title().to_owned())
}
