//! Referrals: the school's list and the coordinator's queue, a referral's page (the school's
//! view, or the coordinator's desk with every check), the decision, the decision letter, and
//! logging parent enquiries.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again, show_again};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use mns_app::records::{QueueFilter, QueueLine};
use mns_app::referrals::{DECLINE_REASONS, ReferralView, Status, decline_reason_label};
use mns_app::{AppError, FieldError};
use mns_domain::permissions::Capability;
use mns_domain::referral::{
    Check, DecisionOutcome, DeclineReason, Enquirer, Enquiry, Outcome, ReferralAction,
};
use mns_domain::wording::count;
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

mod pupil_match;
pub use pupil_match::resolve_match;
use pupil_match::{MatchPanel, match_panel};

fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// A line of the queue as the page shows it.
pub struct QueueRow {
    id: String,
    pupil: String,
    school: String,
    status: &'static str,
    tag: &'static str,
    referred: String,
    days: i64,
    waiting: String,
    pupil_match_open: bool,
}

fn tag_class(status: Status) -> &'static str {
    match status {
        Status::Submitted => "govuk-tag--blue",
        Status::InformationRequested => "govuk-tag--yellow",
        Status::WaitingForEvidence => "govuk-tag--orange",
        Status::Accepted => "govuk-tag--green",
        Status::Declined => "govuk-tag--red",
        Status::Draft => "govuk-tag--grey",
    }
}

/// A status filter link with its count.
pub struct StatusLink {
    value: &'static str,
    label: &'static str,
    count: i64,
    current: bool,
}

#[derive(Template)]
#[template(path = "referral_queue.html")]
struct QueuePage {
    chrome: Chrome,
    rows: Vec<QueueRow>,
    statuses: Vec<StatusLink>,
    status: String,
    /// What was searched for, as typed.
    search: String,
    /// `&search=…` for links that keep the search, or "".
    search_query: String,
    newest: bool,
    page: i64,
    has_next: bool,
}

/// A school's referral in its list.
pub struct SchoolRow {
    id: String,
    pupil: String,
    status: &'static str,
    tag: &'static str,
    updated: String,
}

#[derive(Template)]
#[template(path = "referral_school_list.html")]
struct SchoolListPage {
    chrome: Chrome,
    rows: Vec<SchoolRow>,
}

/// The queue's filters.
#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    status: String,
    /// A pupil's name, a school's name or a UPN.
    #[serde(default)]
    search: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<i64>,
}

impl QueueQuery {
    /// The search, if something was typed.
    fn search_text(&self) -> Option<String> {
        Some(self.search.trim().to_string()).filter(|s| !s.is_empty())
    }

    /// `&search=…` for links that keep the search, or "".
    fn search_query(&self) -> String {
        self.search_text()
            .map(|s| {
                let mut q = form_urlencoded::Serializer::new(String::from("&"));
                q.append_pair("search", &s);
                q.finish()
            })
            .unwrap_or_default()
    }

    /// The filter the queue and its CSV share.
    fn filter(&self) -> QueueFilter {
        QueueFilter {
            statuses: Status::parse(&self.status)
                .filter(|s| *s != Status::Draft)
                .map(|s| vec![s.as_str().to_string()])
                .unwrap_or_default(),
            search: self.search_text(),
            newest_first: self.sort == "newest",
            ..QueueFilter::default()
        }
    }
}

/// `GET /referrals.csv`: the queue as filtered, as a spreadsheet (council staff who read the
/// queue); every cell is safe to open in a spreadsheet, and the export is audited.
pub async fn export_csv(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<QueueQuery>,
) -> PageResult {
    let bytes = state
        .app
        .referral_queue_csv(&user.actor, &q.filter())
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"referrals.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A note as a page shows it.
pub struct NoteLine {
    /// When, in words.
    pub when: String,
    /// Who wrote it.
    pub who: String,
    /// What it says.
    pub body: String,
}

/// Notes as a page shows them.
pub fn note_lines(notes: Vec<mns_app::records::NoteRecord>) -> Vec<NoteLine> {
    notes
        .into_iter()
        .map(|n| NoteLine {
            when: mns_domain::calendar::format_uk_datetime(n.written_at),
            who: n.author_name,
            body: n.body,
        })
        .collect()
}

fn pupil_name(view: &ReferralView) -> String {
    let name = format!(
        "{} {}",
        view.form.pupil.first_name.trim(),
        view.form.pupil.last_name.trim()
    );
    if name.trim().is_empty() {
        "New referral (no name yet)".into()
    } else {
        name
    }
}

/// `GET /referrals`: the school's own referrals, or the coordinator's queue.
pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<QueueQuery>,
) -> PageResult {
    if user.actor.may(Capability::StartReferral) {
        let rows = state
            .app
            .school_referrals(&user.actor)
            .await?
            .into_iter()
            .map(|v| SchoolRow {
                pupil: pupil_name(&v),
                id: v.record.id.clone(),
                status: v.status.label(),
                tag: tag_class(v.status),
                updated: mns_domain::calendar::format_uk_datetime(v.record.updated_at),
            })
            .collect();
        return Ok(render(&SchoolListPage {
            chrome: Chrome::signed_in(&state, &user, "/referrals"),
            rows,
        }));
    }
    let counts = state.app.referral_counts(&user.actor).await?;
    let status = Status::parse(&q.status).filter(|s| *s != Status::Draft);
    let page = q.page.unwrap_or(1).max(1);
    let newest = q.sort == "newest";
    let lines = state
        .app
        .referral_queue(
            &user.actor,
            &QueueFilter {
                limit: PAGE_SIZE + 1,
                offset: (page - 1) * PAGE_SIZE,
                ..q.filter()
            },
        )
        .await?;
    let has_next = lines.len() as i64 > PAGE_SIZE;
    let today = state.app.today();
    let rows = lines
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|l: QueueLine| {
            let s = Status::parse(&l.status).unwrap_or(Status::Submitted);
            QueueRow {
                id: l.id,
                pupil: l.pupil_name,
                school: l.school_name,
                status: s.label(),
                tag: tag_class(s),
                referred: l.referral_date.map(day).unwrap_or_default(),
                days: l.referral_date.map_or(0, |d| (today - d).num_days()),
                waiting: l
                    .waiting_for_evidence_since
                    .map(|d| count((today - d).num_days(), "day", "days"))
                    .unwrap_or_default(),
                pupil_match_open: l.pupil_match_open,
            }
        })
        .collect();
    let statuses = Status::ALL
        .into_iter()
        .filter(|s| *s != Status::Draft)
        .map(|s| StatusLink {
            value: s.as_str(),
            label: s.label(),
            count: counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n),
            current: status == Some(s),
        })
        .collect();
    Ok(render(&QueuePage {
        chrome: Chrome::signed_in(&state, &user, "/referrals"),
        rows,
        statuses,
        status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        search: q.search.trim().to_string(),
        search_query: q.search_query(),
        newest,
        page,
        has_next,
    }))
}

/// `POST /referrals`: a school starts a referral.
pub async fn start(State(state): State<AppState>, user: SignedIn) -> PageResult {
    let view = state.app.start_referral(&user.actor).await?;
    Ok(Redirect::to(&format!("/referrals/{}", view.record.id)).into_response())
}

/// A check as the desk shows it.
pub struct CheckRow {
    rule: &'static str,
    outcome: &'static str,
    tag: &'static str,
    message: String,
}

fn check_row(c: Check) -> CheckRow {
    let (outcome, tag) = match c.outcome {
        Outcome::Pass => ("Pass", "govuk-tag--green"),
        Outcome::Flag => ("Flag", "govuk-tag--yellow"),
        Outcome::Fail => ("Fail", "govuk-tag--red"),
        Outcome::NotApplicable => ("Not applicable", "govuk-tag--grey"),
    };
    CheckRow {
        rule: c.rule,
        outcome,
        tag,
        message: c.message,
    }
}

/// A past decision as the page shows it.
pub struct DecisionLine {
    what: &'static str,
    when: String,
    details: Vec<String>,
    policy_version: String,
    days: i64,
}

/// A decline reason choice.
pub struct ReasonChoice {
    value: String,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    chrome: Chrome,
    /// Shown once, just after the school sends the referral.
    sent: Option<SentBanner>,
    /// The team's notes, for council staff.
    notes: Vec<NoteLine>,
    /// Whether the reader may add a note.
    may_note: bool,
    /// Where a note is posted.
    notes_action: String,
    /// Every answer the school gave, read-only (for those who may read the checks).
    answers: Vec<crate::pages::referral_form::AnswerCard>,
    form: FormState,
    errors: Vec<FieldError>,
    id: String,
    pupil: String,
    facts: Vec<(&'static str, String)>,
    status: &'static str,
    tag: &'static str,
    days_since_referral: Option<i64>,
    waiting_days: Option<i64>,
    checks: Vec<CheckRow>,
    counts: (usize, usize, usize),
    decisions: Vec<DecisionLine>,
    has_letter: bool,
    may_decide: bool,
    may_mark_waiting: bool,
    may_resolve_match: bool,
    may_read_checks: bool,
    reasons: Vec<ReasonChoice>,
    values: DecisionForm,
    documents: Vec<super::documents::DocumentLine>,
    may_upload: bool,
    pupil_match: Option<MatchPanel>,
}

/// The decision form.
#[derive(Deserialize, Default, Clone)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reasons: Vec<String>,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    questions: String,
    #[serde(default)]
    match_note: String,
}

impl From<&Fields> for DecisionForm {
    fn from(fields: &Fields) -> DecisionForm {
        let mut form = DecisionForm::default();
        for (k, v) in fields.pairs() {
            let v = v.clone();
            match k.as_str() {
                "decision" => form.decision = v,
                "reasons" => form.reasons.push(v),
                "explanation" => form.explanation = v,
                "questions" => form.questions = v,
                "note" => form.match_note = v,
                _ => {}
            }
        }
        form
    }
}

/// The decision the coordinator chose, read as the domain's outcome; a decision not chosen is
/// a problem with the field.
impl TryFrom<&DecisionForm> for DecisionOutcome {
    type Error = AppError;

    fn try_from(values: &DecisionForm) -> Result<DecisionOutcome, AppError> {
        match values.decision.as_str() {
            "accept" => Ok(DecisionOutcome::Accept),
            "decline" => {
                let reasons: Vec<DeclineReason> = values
                    .reasons
                    .iter()
                    .filter_map(|r| {
                        serde_json::from_value(serde_json::Value::String(r.clone())).ok()
                    })
                    .collect();
                Ok(DecisionOutcome::Decline {
                    reasons,
                    explanation: values.explanation.trim().to_string(),
                })
            }
            "ask_for_information" => Ok(DecisionOutcome::AskForInformation {
                questions: values
                    .questions
                    .lines()
                    .map(str::trim)
                    .filter(|q| !q.is_empty())
                    .map(str::to_string)
                    .collect(),
            }),
            _ => Err(AppError::invalid("decision", "Select a decision")),
        }
    }
}

impl DecisionForm {
    /// Whether `value` is one of the chosen reasons (for re-showing the form).
    pub fn has_reason(&self, value: &str) -> bool {
        self.reasons.iter().any(|r| r == value)
    }
}

/// A count of days (halves allowed) in words: "1 day", "7.5 days".
fn days_in_words(days: mns_domain::attendance::DayCount, one: &str, many: &str) -> String {
    if days.days() == 1.0 {
        format!("1 {one}")
    } else {
        format!("{days} {many}")
    }
}

async fn referral_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: DecisionForm,
    errors: Vec<FieldError>,
) -> PageResult {
    referral_page_after(state, user, id, values, errors, None).await
}

/// What a school is told after sending a referral: its reference, and what happens next.
pub struct SentBanner {
    reference: String,
    referred_on: String,
}

async fn referral_page_after(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    values: DecisionForm,
    errors: Vec<FieldError>,
    sent: Option<()>,
) -> PageResult {
    let view = state.app.view_referral(&user.actor, id).await?;
    let sent = sent
        .filter(|()| view.status == Status::Submitted)
        .map(|()| SentBanner {
            reference: id
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(8)
                .collect::<String>()
                .to_uppercase(),
            referred_on: view.record.referral_date.map(day).unwrap_or_default(),
        });
    let may_read_checks = view.may(ReferralAction::ReadChecks);
    let attendance = state.app.referral_attendance(&user.actor, &view).await?;
    let checks = if !may_read_checks {
        Vec::new()
    } else {
        state
            .app
            .checks_for(&user.actor, &view, attendance.as_ref().map(|a| &a.evidence))
            .await?
    };
    let counts = (
        checks.iter().filter(|c| c.outcome == Outcome::Fail).count(),
        checks.iter().filter(|c| c.outcome == Outcome::Flag).count(),
        checks.iter().filter(|c| c.outcome == Outcome::Pass).count(),
    );
    let decisions = state.app.referral_decisions(&user.actor, id).await?;
    let today = state.app.today();
    let pupil = &view.form.pupil;
    let mut facts = vec![
        (
            "Date of birth",
            pupil.date_of_birth.map(day).unwrap_or_default(),
        ),
        (
            "UPN",
            pupil
                .upn
                .as_ref()
                .map(|u| u.text().to_string())
                .unwrap_or_default(),
        ),
        ("School", view.form.school.name.clone()),
        (
            "Year group",
            pupil
                .year_group
                .map(|y| {
                    if y == 0 {
                        "Reception".into()
                    } else {
                        format!("Year {y}")
                    }
                })
                .unwrap_or_default(),
        ),
    ];
    if let Some(d) = view.record.referral_date {
        facts.push(("Referred", day(d)));
    }
    match &attendance {
        Some(a) => facts.push((
            "Absence because of illness",
            format!(
                "{} this school year; longest run {}; {}",
                days_in_words(a.figures.health_absence, "day", "days"),
                days_in_words(
                    a.figures.longest_health_run_length(),
                    "school day",
                    "school days"
                ),
                count(
                    i64::from(a.figures.medical_appointment_sessions),
                    "medical appointment session",
                    "medical appointment sessions"
                )
            ),
        )),
        None => facts.push((
            "Absence because of illness",
            "No attendance export attached".into(),
        )),
    }
    let documents = super::documents::document_lines(state, user, id).await?;
    let may_upload = view.may(ReferralAction::AddDocuments);
    let pupil_match = state
        .app
        .referral_pupil_match(&user.actor, id)
        .await?
        .map(|m| match_panel(m, values.match_note.clone()));
    let form = FormState::with(errors.clone());
    let answers = if may_read_checks {
        crate::pages::referral_form::read_only_answers(
            &view.form,
            id,
            &state.app.settings.council_name,
        )
    } else {
        Vec::new()
    };
    let notes = note_lines(
        state
            .app
            .notes(&user.actor, mns_app::notes::NoteOn::Referral, id)
            .await?,
    );
    Ok(render(&ReferralPage {
        sent,
        notes,
        may_note: user.actor.may(Capability::WorkReferral),
        notes_action: format!("/referrals/{id}/notes"),
        answers,
        pupil_match,
        documents,
        may_upload,
        chrome: Chrome::signed_in(state, user, "/referrals/").with_errors(&form),
        form,
        errors,
        id: id.to_string(),
        pupil: pupil_name(&view),
        facts,
        status: view.status.label(),
        tag: tag_class(view.status),
        days_since_referral: view.record.referral_date.map(|d| (today - d).num_days()),
        waiting_days: view
            .record
            .waiting_for_evidence_since
            .map(|d| (today - d).num_days()),
        counts,
        checks: checks.into_iter().map(check_row).collect(),
        has_letter: decisions
            .iter()
            .any(|d| d.decision != "ask_for_information"),
        decisions: decisions
            .into_iter()
            .map(|d| DecisionLine {
                what: match d.decision.as_str() {
                    "accept" => "Accepted",
                    "decline" => "Declined",
                    _ => "Asked the school for more information",
                },
                when: mns_domain::calendar::format_uk_datetime(d.decided_at),
                details: match d.decision.as_str() {
                    "decline" => serde_json::from_str::<Vec<DeclineReason>>(&d.reasons_json)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|r| decline_reason_label(r).to_string())
                        .chain((!d.note.is_empty()).then(|| d.note.clone()))
                        .collect(),
                    "ask_for_information" => {
                        serde_json::from_str(&d.reasons_json).unwrap_or_default()
                    }
                    _ => Vec::new(),
                },
                policy_version: d.policy_version,
                days: d.days_from_referral,
            })
            .collect(),
        may_decide: view.may(ReferralAction::Decide),
        may_resolve_match: view.may(ReferralAction::ResolvePupilMatch),
        may_mark_waiting: view.may(ReferralAction::MarkWaitingForEvidence),
        may_read_checks,
        reasons: DECLINE_REASONS
            .iter()
            .map(|(r, label)| ReasonChoice {
                value: serde_json::to_value(r)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                label,
            })
            .collect(),
        values,
    }))
}

/// `GET /referrals/{id}`: a school's own referral (its form while it can still be changed), or
/// the coordinator's desk.
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Query(shown): Query<ShowQuery>,
) -> PageResult {
    if ReferralAction::EditForm.allowed_for(user.actor.role()) {
        let view = state.app.view_referral(&user.actor, &id).await?;
        if view.may(ReferralAction::EditForm) {
            return Ok(Redirect::to(&format!("/referrals/{id}/form")).into_response());
        }
    }
    let sent = (shown.sent.as_deref() == Some("yes")).then_some(());
    referral_page_after(
        &state,
        &user,
        &id,
        DecisionForm::default(),
        Vec::new(),
        sent,
    )
    .await
}

/// `?sent=yes` after a school sends a referral.
#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    sent: Option<String>,
}

/// `POST /referrals/{id}/decision` (the coordinator).
pub async fn decide(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    fields: Fields,
) -> PageResult {
    state.app.may_decide_referral(&user.actor, &id).await?;
    let values = DecisionForm::from(&fields);
    let result = match DecisionOutcome::try_from(&values) {
        Ok(outcome) => state
            .app
            .decide_referral(&user.actor, &id, outcome)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    redirect_or_show_again(
        result,
        |()| format!("/referrals/{id}"),
        |errors| referral_page(&state, &user, &id, values, errors),
    )
    .await
}

/// The waiting-for-evidence form.
#[derive(Deserialize)]
pub struct WaitingForm {
    #[serde(default)]
    waiting: String,
}

/// `POST /referrals/{id}/waiting-for-evidence`: marks (or clears) waiting for evidence from today.
pub async fn waiting_for_evidence(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<WaitingForm>,
) -> PageResult {
    let since = (form.waiting != "no").then(|| state.app.today());
    redirect_or_show_again(
        state
            .app
            .set_waiting_for_evidence(&user.actor, &id, since)
            .await,
        |()| format!("/referrals/{id}"),
        |errors| referral_page(&state, &user, &id, DecisionForm::default(), errors),
    )
    .await
}

/// `POST /referrals/{id}/notes`: the coordinator or a caseworker adds a note.
pub async fn add_note(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: crate::form::Fields,
) -> PageResult {
    redirect_or_show_again(
        state
            .app
            .add_note(
                &user.actor,
                mns_app::notes::NoteOn::Referral,
                &id,
                values.text("note"),
            )
            .await,
        |()| format!("/referrals/{id}#notes"),
        |errors| referral_page(&state, &user, &id, DecisionForm::default(), errors),
    )
    .await
}

/// `GET /referrals/{id}/letter.pdf`: the decision letter.
pub async fn letter(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let pdf = state.app.decision_letter(&user.actor, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                mns_domain::documents::content_disposition("decision-letter.pdf"),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// An enquiry as the list shows it.
pub struct EnquiryLine {
    when: String,
    enquirer: String,
    child: String,
    consent: bool,
    summary: String,
}

/// The enquiry form.
#[derive(Deserialize, Default, Clone)]
pub struct EnquiryForm {
    #[serde(default)]
    enquirer_name: String,
    #[serde(default)]
    enquirer: String,
    #[serde(default)]
    child_name: String,
    #[serde(default)]
    consent: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    guidance_given: String,
}

#[derive(Template)]
#[template(path = "enquiries.html")]
struct EnquiriesPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: EnquiryForm,
    enquiries: Vec<EnquiryLine>,
    threshold_note: &'static str,
    logged: bool,
}

async fn enquiries_page(
    state: &AppState,
    user: &SignedIn,
    values: EnquiryForm,
    errors: Vec<FieldError>,
    logged: bool,
) -> PageResult {
    let enquiries = state
        .app
        .recent_enquiries(&user.actor)
        .await?
        .into_iter()
        .map(|(_, at, e)| EnquiryLine {
            when: mns_domain::calendar::format_uk_datetime(at),
            enquirer: e.enquirer_name,
            child: e.child_name,
            consent: e.consent_to_discuss_with_school,
            summary: e.summary,
        })
        .collect();
    let form = FormState::with(errors.clone());
    Ok(render(&EnquiriesPage {
        chrome: Chrome::signed_in(state, user, "/enquiries").with_errors(&form),
        form,
        errors,
        values,
        enquiries,
        threshold_note: mns_domain::referral::NO_THRESHOLD_VIEW_WITHOUT_A_REFERRAL,
        logged,
    }))
}

/// `GET /enquiries`: log a parent's or carer's enquiry (MN-ENQ-1), and the recent ones.
pub async fn enquiries(State(state): State<AppState>, user: SignedIn) -> PageResult {
    enquiries_page(&state, &user, EnquiryForm::default(), Vec::new(), false).await
}

/// `POST /enquiries`.
pub async fn log_enquiry(
    State(state): State<AppState>,
    user: SignedIn,
    Form(values): Form<EnquiryForm>,
) -> PageResult {
    let mut errors = Vec::new();
    let enquirer = match values.enquirer.as_str() {
        "parent" => Some(Enquirer::Parent),
        "carer" => Some(Enquirer::Carer),
        _ => {
            errors.push(FieldError::new("enquirer", "Select who made the enquiry"));
            None
        }
    };
    let consent = match values.consent.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.push(FieldError::new(
                "consent",
                "Select whether they consent to us discussing the case with the school",
            ));
            None
        }
    };
    let enquiry = Enquiry {
        received_on: state.app.today(),
        enquirer_name: values.enquirer_name.trim().to_string(),
        enquirer: enquirer.unwrap_or(Enquirer::Parent),
        child_name: values.child_name.trim().to_string(),
        child_date_of_birth: None,
        school: None,
        consent_to_discuss_with_school: consent.unwrap_or(false),
        summary: values.summary.trim().to_string(),
        guidance_given: values.guidance_given.trim().to_string(),
        recorded_by: String::new(),
    };
    let result = if errors.is_empty() {
        state.app.log_enquiry(&user.actor, enquiry).await
    } else {
        // Every problem at once, in the order of the form.
        errors.extend(mns_app::referrals::enquiry_problems(&enquiry));
        let order = [
            "enquirer_name",
            "enquirer",
            "child_name",
            "consent",
            "summary",
        ];
        errors.sort_by_key(|e| {
            order
                .iter()
                .position(|f| *f == e.field)
                .unwrap_or(order.len())
        });
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(_) => enquiries_page(&state, &user, EnquiryForm::default(), Vec::new(), true).await,
        Err(e) => {
            show_again(e, |errors| {
                enquiries_page(&state, &user, values, errors, false)
            })
            .await
        }
    }
}
