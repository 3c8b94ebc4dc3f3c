//! The forms on a case, each on a page of its own (one thing per page): a table of the forms
//! ([`CaseForm`]), one template that lays any of them out (`case_form.html`), one handler that
//! shows any of them, and the banner the case page shows after one has worked.
//!
//! A form's page is open to the roles the case's table allows ([`CaseAction::allowed_for`]);
//! when the case's state closes the form (provision has not started, the case has ended), the
//! page sends its reader back to the case, which offers only what is open.

use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use mns_app::FieldError;
use mns_app::cases::{CaseView, long_date};
use mns_domain::provision::{CaseAction, EndReason, SendDetails};

/// A form on a case that has a page of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseForm {
    /// The coordinator starts provision (then checks the dates, [`super::confirm`]).
    Start,
    /// A provider or the coordinator logs a session (MN-PROV-2).
    Session,
    /// The school's attendance export, checked for `K` coding (MN-PROV-6).
    Attendance,
    /// The school logs a welfare check (MN-PROV-4).
    WelfareCheck,
    /// A provider or the coordinator raises a safeguarding concern (MN-PROV-5).
    Concern,
    /// SEND details (MN-SEND-1).
    Send,
    /// An in-patient episode (MN-HOSP-1).
    Admission,
    /// An invoice from a privately funded hospital (MN-HOSP-2).
    Invoice,
    /// The coordinator ends provision (then checks, [`super::confirm`]).
    End,
    /// The school, a provider or a health professional asks for the end (MN-END-3).
    EndRequest,
    /// The coordinator records a life-limiting or terminal illness (MN-LIFE-1).
    LifeLimiting,
}

impl CaseForm {
    /// Every form, in the order the case page lists its parts.
    pub const ALL: [CaseForm; 11] = [
        CaseForm::Start,
        CaseForm::Session,
        CaseForm::Attendance,
        CaseForm::WelfareCheck,
        CaseForm::Concern,
        CaseForm::Send,
        CaseForm::Admission,
        CaseForm::Invoice,
        CaseForm::End,
        CaseForm::EndRequest,
        CaseForm::LifeLimiting,
    ];

    /// The form's page (`GET`).
    pub fn page(self) -> &'static str {
        match self {
            CaseForm::Start => "/cases/{id}/start",
            CaseForm::Session => "/cases/{id}/sessions/new",
            CaseForm::Attendance => "/cases/{id}/attendance",
            CaseForm::WelfareCheck => "/cases/{id}/welfare-checks/new",
            CaseForm::Concern => "/cases/{id}/concerns/new",
            CaseForm::Send => "/cases/{id}/send",
            CaseForm::Admission => "/cases/{id}/admissions/new",
            CaseForm::Invoice => "/cases/{id}/invoices/new",
            CaseForm::End => "/cases/{id}/end",
            CaseForm::EndRequest => "/cases/{id}/end-request",
            CaseForm::LifeLimiting => "/cases/{id}/life-limiting",
        }
    }

    /// Where it posts, under the case's address.
    pub(super) fn posts_to(self) -> &'static str {
        match self {
            CaseForm::Start => "start",
            CaseForm::Session => "sessions",
            CaseForm::Attendance => "attendance",
            CaseForm::WelfareCheck => "welfare-checks",
            CaseForm::Concern => "concerns",
            CaseForm::Send => "send",
            CaseForm::Admission => "admissions",
            CaseForm::Invoice => "invoices",
            CaseForm::End => "end",
            CaseForm::EndRequest => "end-request",
            CaseForm::LifeLimiting => "life-limiting",
        }
    }

    /// What the case's table must allow for its page to open.
    pub fn needs(self) -> CaseAction {
        match self {
            CaseForm::Start => CaseAction::StartProvision,
            CaseForm::Session => CaseAction::LogSession,
            CaseForm::Attendance => CaseAction::UploadAttendance,
            CaseForm::WelfareCheck => CaseAction::LogWelfareCheck,
            CaseForm::Concern => CaseAction::RaiseConcern,
            CaseForm::Send | CaseForm::Admission | CaseForm::Invoice => {
                CaseAction::RecordSpecialSituations
            }
            CaseForm::End => CaseAction::EndProvision,
            CaseForm::EndRequest => CaseAction::RequestEnd,
            CaseForm::LifeLimiting => CaseAction::SetLifeLimiting,
        }
    }

    /// The page's heading, and the link to it on the case page.
    pub fn title(self) -> &'static str {
        match self {
            CaseForm::Start => "Start provision",
            CaseForm::Session => "Log a session",
            CaseForm::Attendance => "Check the attendance coding",
            CaseForm::WelfareCheck => "Log a welfare check",
            CaseForm::Concern => "Raise a safeguarding concern",
            CaseForm::Send => "Special educational needs and disabilities",
            CaseForm::Admission => "Record a hospital admission",
            CaseForm::Invoice => "Record an invoice from a hospital",
            CaseForm::End => "End provision",
            CaseForm::EndRequest => "Ask the coordinator to end provision",
            CaseForm::LifeLimiting => "Life-limiting or terminal illness",
        }
    }

    fn button(self) -> &'static str {
        match self {
            CaseForm::Start | CaseForm::End => "Continue",
            CaseForm::Session => "Log the session",
            CaseForm::Attendance => "Upload and check",
            CaseForm::WelfareCheck => "Log the welfare check",
            CaseForm::Concern => "Raise the concern",
            CaseForm::Send => "Save SEND details",
            CaseForm::Admission => "Record the admission",
            CaseForm::Invoice => "Record the invoice",
            CaseForm::EndRequest => "Send the request",
            CaseForm::LifeLimiting => "Save",
        }
    }

    /// The case page's banner key after the form has worked (`?done=`).
    pub fn done(self) -> &'static str {
        match self {
            CaseForm::Start => "started",
            CaseForm::End => "ended",
            other => other.posts_to(),
        }
    }

    /// The form's page for case `id`.
    pub fn href(self, id: &str) -> String {
        self.page().replace("{id}", id)
    }
}

#[derive(Template)]
#[template(path = "case_form.html")]
struct FormPage {
    chrome: Chrome,
    /// The form's problems (the error summary lists them).
    form: FormState,
    values: Fields,
    id: String,
    pupil: String,
    kind: CaseForm,
    title: &'static str,
    button: &'static str,
    action: String,
    show_rule_ids: bool,
    /// A date hint: today, in the form's numbers.
    example: String,
    /// The hint for the last day of provision.
    last_day_hint: String,
    end_reasons: Vec<(&'static str, String)>,
    outcomes: Vec<(&'static str, &'static str)>,
    sessions: Vec<(&'static str, &'static str)>,
    evidence: Vec<(&'static str, &'static str)>,
}

/// `GET` a form's page: empty, or filled in from the query string (a check page's "Change"
/// link) or from what is stored (SEND details, the life-limiting note).
pub async fn form_page(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    kind: CaseForm,
) -> PageResult {
    let view = match open_step(&state, &user, &id, kind.needs()).await? {
        Ok(view) => view,
        Err(back) => return Ok(back),
    };
    let mut values = Fields::from_query(query.as_deref());
    if values.pairs().is_empty() {
        match kind {
            CaseForm::Send => {
                if let Some(d) = state.app.send_details(&user.actor, &id).await? {
                    values = send_values(&d);
                }
            }
            CaseForm::LifeLimiting => {
                values.put(
                    "life_limiting",
                    if view.case().life_limiting {
                        "yes"
                    } else {
                        "no"
                    },
                );
            }
            _ => {}
        }
    }
    Ok(show_form(&state, &user, &view, kind, values, Vec::new()))
}

/// A form's page as `view`'s reader sees it, with `errors` (a 200 page; a handler showing it
/// again after problems gives it status 422).
pub(super) fn show_form(
    state: &AppState,
    user: &SignedIn,
    view: &CaseView,
    kind: CaseForm,
    values: Fields,
    errors: Vec<FieldError>,
) -> axum::response::Response {
    let form = FormState::with(errors);
    let id = view.case().id.clone();
    render(&FormPage {
        chrome: Chrome::signed_in(state, user, "/cases").with_errors(&form),
        form,
        values,
        action: format!("/cases/{id}/{}", kind.posts_to()),
        id,
        pupil: view.line.pupil_name.clone(),
        kind,
        title: kind.title(),
        button: kind.button(),
        show_rule_ids: view.may(CaseAction::ReadCaseWork),
        example: format!("For example, {}", state.app.today().format("%-d %-m %Y")),
        last_day_hint: format!(
            "Today or later. For example, {}",
            state.app.today().format("%-d %-m %Y")
        ),
        end_reasons: EndReason::ALL
            .iter()
            .map(|r| (r.as_str(), capitalised(r.label())))
            .collect(),
        outcomes: mns_domain::outcomes::CaseOutcome::ALL
            .iter()
            .map(|o| (o.as_str(), o.label()))
            .collect(),
        sessions: vec![
            ("delivered", "Delivered"),
            ("cancelled_by_family", "Cancelled by the family"),
            ("cancelled_by_provider", "Cancelled by the provider"),
            ("refused", "Refused by the young person"),
        ],
        evidence: vec![
            ("admission", "Evidence of admission"),
            ("timetable", "The timetable"),
            ("attendance", "Attendance records"),
        ],
    })
}

/// The SEND form filled in from what is stored.
fn send_values(d: &SendDetails) -> Fields {
    let mut v = Fields::default();
    for (name, on) in [
        ("has_ehcp", d.has_ehcp),
        ("sen_support", d.sen_support),
        ("dco_raised", d.designated_clinical_officer_raised),
    ] {
        if on {
            v.put(name, "yes");
        }
    }
    v.put(
        "ehcp_coordinator",
        d.ehcp_coordinator.clone().unwrap_or_default(),
    );
    v.put_date("ehcp_last_reviewed", d.ehcp_last_reviewed);
    v.put("send_summary", d.summary.clone());
    v
}

/// SEND details from the form.
pub(super) fn read_send(values: &Fields, errors: &mut Vec<FieldError>) -> SendDetails {
    SendDetails {
        has_ehcp: values.has("has_ehcp", "yes"),
        ehcp_coordinator: Some(values.trimmed("ehcp_coordinator")).filter(|c| !c.is_empty()),
        ehcp_last_reviewed: values.date(
            "ehcp_last_reviewed",
            "The date of the plan's last review",
            errors,
        ),
        sen_support: values.has("sen_support", "yes"),
        summary: values.trimmed("send_summary"),
        designated_clinical_officer_raised: values.has("dco_raised", "yes"),
    }
}

/// What the case page's success banner says after `done` (`?done=` after a form worked), if
/// the case bears it out: nothing for a key it does not know or a step that has not happened.
pub(super) fn banner(done: &str, view: &CaseView) -> Option<(String, Option<&'static str>)> {
    let case = view.case();
    let ended = view.state == mns_domain::provision::CaseState::Ended;
    let text = match done {
        "started" => {
            let (start, end) = (case.provision_start?, case.period_end?);
            format!(
                "Provision starts on {}. The period runs to {}, and the school has been told to code the sessions K.",
                long_date(start),
                long_date(end)
            )
        }
        "continued" if view.state == mns_domain::provision::CaseState::Continued => format!(
            "Continuation agreed. Period {} runs to {}; the school and the parents have been told.",
            case.period_number,
            long_date(case.period_end?)
        ),
        "ended" if ended => format!(
            "Provision has ended. The last day of provision is {}. The End of Provision letter is ready, and the school and the parents have been told.",
            long_date(case.ends_on?)
        ),
        "plan" if case.plan_finalised_at.is_some() => {
            "Part A of the record is finalised and has been sent to those who need it.".into()
        }
        "review" => "The review (Part B) is recorded.".into(),
        "continuation" => {
            "Your continuation request has been sent to the Medical Needs Coordinator.".into()
        }
        "sessions" => "The session is logged.".into(),
        "attendance" => "The attendance export is uploaded and checked.".into(),
        "welfare-checks" => "The welfare check is logged.".into(),
        "concerns" => "The concern has been raised. The school's Designated Safeguarding Lead and the Medical Needs Service have been told.".into(),
        "send" => "The SEND details are saved.".into(),
        "admissions" => "The hospital admission is recorded.".into(),
        "invoices" => "The invoice is recorded.".into(),
        "end-request" => {
            "Your request to end provision has been sent to the Medical Needs Coordinator.".into()
        }
        "life-limiting" => "The note about a life-limiting illness is saved.".into(),
        _ => return None,
    };
    let part = match done {
        "sessions" => Some("#sessions"),
        "attendance" => Some("#coding"),
        "welfare-checks" => Some("#welfare"),
        "concerns" => Some("#concerns"),
        "send" => Some("#send"),
        "admissions" | "invoices" => Some("#hospital"),
        "ended" => Some("#documents"),
        _ => None,
    };
    Some((text, part))
}
