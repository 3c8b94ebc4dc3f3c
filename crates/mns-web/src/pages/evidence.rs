//! Health professionals give medical evidence (MN-EV-1, MN-EV-8): the referrals of their
//! patients that wait for it (`/evidence`), and one page of structured questions with the
//! document (`/referrals/{id}/evidence/new`), checked, then confirmed on a check-your-answers
//! page. The document is held encrypted until they confirm (`App::hold_evidence_document`); the
//! check page carries the answers in hidden fields, so nothing is recorded until "Confirm and
//! send the evidence".

use super::referral_form::evidence::{document_label, given_line, professional_label};
use super::referral_form::questions::{Choice, Question, list_radios, long_date};
use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, with_status_422};
use askama::Template;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use mns_app::referrals::{EvidenceRequest, EvidenceTold};
use mns_app::{AppError, FieldError};
use mns_domain::identifiers::RegistrationBody;
use mns_domain::referral::given_evidence::{DOCUMENT_KINDS, PROFESSIONS};
use mns_domain::referral::{EvidenceAnswers, EvidenceContent, MedicalEvidence};
use serde::Deserialize;

/// The file input's name.
const DOCUMENT: &str = "document";

#[derive(Template)]
#[template(path = "evidence_requests.html")]
struct RequestsPage {
    chrome: Chrome,
    requests: Vec<EvidenceRequest>,
    sent: Option<(EvidenceRequest, EvidenceTold)>,
}

/// `?sent=` after evidence was given on that referral.
#[derive(Deserialize)]
pub struct SentQuery {
    sent: Option<String>,
}

/// `GET /evidence`: the referrals of the health professional's patients that wait for evidence.
pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Query(query): Query<SentQuery>,
) -> PageResult {
    let requests = state.app.evidence_requests(&user.actor).await?;
    let sent = match query.sent {
        Some(id) => Some((
            state.app.evidence_request(&user.actor, &id).await?,
            state.app.evidence_told(&user.actor, &id).await?,
        )),
        None => None,
    };
    Ok(render(&RequestsPage {
        chrome: Chrome::signed_in(&state, &user, "/evidence"),
        requests,
        sent,
    }))
}

#[derive(Template)]
#[template(path = "evidence_form.html")]
struct FormPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    request: EvidenceRequest,
    questions: Vec<Question>,
}

/// The page's questions, each named by its form field (the error summary links to it).
fn questions(child: &str) -> Vec<Question> {
    let mut profession = list_radios(
        "profession",
        "What is your profession?",
        &PROFESSIONS,
        None,
        professional_label,
    );
    for option in &mut profession.options {
        if option.value == "other_health_professional" {
            option.hint = "The coordinator is told the policy does not list this kind".into();
        }
    }
    let bodies = RegistrationBody::ALL
        .into_iter()
        .map(|b| Choice::new(b.code(), b.label(), false).hint(b.hint()))
        .collect();
    let mut document = list_radios(
        "document_kind",
        "What kind of document are you uploading?",
        &DOCUMENT_KINDS,
        None,
        document_label,
    );
    for option in &mut document.options {
        if option.value == "appointment_letter" {
            option.hint = "Not accepted as evidence for a referral".into();
        }
    }
    vec![
        profession,
        Question::radios(
            "registration_body",
            "Which body are you registered with?",
            bodies,
        ),
        Question::text("registration_number", "Your registration number", "")
            .hint("GMC: 7 digits, like 1234567. NMC: a PIN like 12A3456E. HCPC: the profession's letters and a number, like PYL012345.")
            .width("govuk-input--width-10"),
        Question::text("organisation_code", "Your organisation's ODS code", "")
            .hint("3 to 6 letters and numbers, like RMY for a trust or D82001 for a GP practice")
            .width("govuk-input--width-5"),
        Question::text("organisation_name", "Your organisation's name", ""),
        Question::date(
            "date_seen",
            &format!("When did you last see {child}?"),
            None,
        )
        .hint("For example, 27 10 2026"),
        Question::yes_no(
            "seen_in_person",
            &format!("Did you see {child} in person?"),
            None,
        )
        .hint("For diagnosis or treatment")
        .inline(),
        Question::textarea(
            "condition_and_treatment",
            "The health condition and its treatment, and how they affect attendance",
            "",
        )
        .rows(4),
        Question::textarea(
            "referrals_to_other_services",
            "Referrals to other services",
            "",
        )
        .hint("For example, CAMHS, or that there are none. Leave empty if you cannot say.")
        .rows(3),
        Question::textarea(
            "reintegration",
            "How the young person may best return to full-time education",
            "",
        )
        .hint("Leave empty if you cannot say")
        .rows(3),
        document,
    ]
}

async fn form_page(
    state: &AppState,
    user: &SignedIn,
    request: EvidenceRequest,
    fields: &Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let mut questions = questions(&request.child_name);
    for question in &mut questions {
        question.keep(fields, &errors);
    }
    let form = FormState::with(errors.clone());
    Ok(render(&FormPage {
        chrome: Chrome::signed_in(state, user, "/evidence").with_errors(&form),
        form,
        errors,
        request,
        questions,
    }))
}

/// The referral if the health professional may give evidence on it now (`NotFound` otherwise:
/// not linked, or decided).
async fn open_request(
    state: &AppState,
    user: &SignedIn,
    id: &str,
) -> Result<EvidenceRequest, AppError> {
    let request = state.app.evidence_request(&user.actor, id).await?;
    if request.open {
        Ok(request)
    } else {
        Err(AppError::NotFound)
    }
}

/// `GET /referrals/{id}/evidence/new`: the evidence form.
pub async fn new(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let request = open_request(&state, &user, &id).await?;
    form_page(&state, &user, request, &Fields::default(), Vec::new()).await
}

/// What the health professional answered, as posted; a date that is not real is a problem.
fn answers_from(fields: &Fields, errors: &mut Vec<FieldError>) -> EvidenceAnswers {
    EvidenceAnswers {
        profession: fields.choice("profession"),
        registration_body: fields
            .get("registration_body")
            .and_then(RegistrationBody::from_code),
        registration_number: fields.trimmed("registration_number"),
        organisation_code: fields.trimmed("organisation_code"),
        organisation_name: fields.trimmed("organisation_name"),
        date_seen: fields.date("date_seen", "The date you saw the young person", errors),
        seen_in_person: fields.yes_no("seen_in_person"),
        content: EvidenceContent {
            condition_and_treatment: fields.trimmed("condition_and_treatment"),
            referrals_to_other_services: fields.trimmed("referrals_to_other_services"),
            reintegration: fields.trimmed("reintegration"),
        },
        document: fields.choice("document_kind"),
    }
}

/// Adds `more` to `errors`, one problem a field (the first found stays).
fn merge(errors: &mut Vec<FieldError>, more: Vec<FieldError>) {
    for e in more {
        if !errors.iter().any(|had| had.field == e.field) {
            errors.push(e);
        }
    }
}

#[derive(Template)]
#[template(path = "evidence_check.html")]
struct CheckPage {
    chrome: Chrome,
    request: EvidenceRequest,
    rows: Vec<(String, Vec<String>)>,
    told: EvidenceTold,
    hidden: Vec<(String, String)>,
    document_id: String,
}

fn check_rows(evidence: &MedicalEvidence, filename: &str) -> Vec<(String, Vec<String>)> {
    let text = |t: &str| {
        if t.is_empty() {
            "Not given: the evidence does not say".to_string()
        } else {
            t.to_string()
        }
    };
    let seen = match (evidence.date_seen, evidence.seen_in_person) {
        (Some(d), Some(true)) => format!("In person on {}", long_date(d)),
        (Some(d), _) => format!("On {}, not in person", long_date(d)),
        _ => String::new(),
    };
    vec![
        (
            "Profession".into(),
            vec![
                evidence
                    .professional
                    .map(professional_label)
                    .unwrap_or_default(),
            ],
        ),
        (
            "Who is giving it".into(),
            vec![given_line(evidence).unwrap_or_default()],
        ),
        ("When you saw them".into(), vec![seen]),
        (
            "Condition and treatment".into(),
            vec![text(&evidence.content.condition_and_treatment)],
        ),
        (
            "Referrals to other services".into(),
            vec![text(&evidence.content.referrals_to_other_services)],
        ),
        (
            "Return to education".into(),
            vec![text(&evidence.content.reintegration)],
        ),
        (
            "Document".into(),
            vec![
                evidence.document.map(document_label).unwrap_or_default(),
                filename.to_string(),
            ],
        ),
    ]
}

/// `POST /referrals/{id}/evidence`: the form (a file upload) is checked and, with the document
/// held, its answers shown to check; the check page's "Confirm and send the evidence" posts
/// them back (`step=confirm`) and the evidence is given; "Change" (`step=change`) shows the
/// form again with the answers.
pub async fn submit(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    request: Request,
) -> PageResult {
    // Refuse before reading the body, so that a caller outside scope learns nothing.
    let open = open_request(&state, &user, &id).await?;
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (fields, file) = if multipart {
        match super::documents::multipart_form(
            &state,
            request,
            DOCUMENT,
            "Choose the document to upload",
        )
        .await
        {
            Ok(read) => read,
            Err(AppError::Invalid(errors)) => {
                let page = form_page(&state, &user, open, &Fields::default(), errors).await?;
                return Ok(with_status_422(page));
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        let fields = Fields::from_request(request, &state)
            .await
            .map_err(|e| AppError::invalid("form", e.to_string()))?;
        (fields, None)
    };
    let mut errors = Vec::new();
    let answers = answers_from(&fields, &mut errors);
    match fields.text("step") {
        "change" => return form_page(&state, &user, open, &fields, Vec::new()).await,
        "confirm" if errors.is_empty() => {
            return match state
                .app
                .give_evidence(&user.actor, &id, &answers, fields.text("document_id"))
                .await
            {
                Ok(_) => Ok(Redirect::to(&format!("/evidence?sent={id}")).into_response()),
                Err(AppError::Invalid(problems)) => {
                    merge(&mut errors, problems);
                    if !errors.iter().any(|e| e.field == DOCUMENT) {
                        errors.push(FieldError::new(
                            DOCUMENT,
                            "Choose the document again: a file is not kept when the form has a problem",
                        ));
                    }
                    let page = form_page(&state, &user, open, &fields, errors).await?;
                    Ok(with_status_422(page))
                }
                Err(e) => Err(e.into()),
            };
        }
        _ => {}
    }
    let checked = match state.app.preview_evidence(&user.actor, &id, &answers).await {
        Ok(checked) => Some(checked),
        Err(AppError::Invalid(problems)) => {
            merge(&mut errors, problems);
            None
        }
        Err(e) => return Err(e.into()),
    };
    let had_file = file.is_some();
    let (Some((evidence, told)), Some((filename, bytes)), true) =
        (checked, file, errors.is_empty())
    else {
        errors.push(FieldError::new(
            DOCUMENT,
            if had_file {
                "Choose the document again: a file is not kept when the form has a problem"
            } else {
                "Choose the document to upload"
            },
        ));
        let page = form_page(&state, &user, open, &fields, errors).await?;
        return Ok(with_status_422(page));
    };
    let held = match state
        .app
        .hold_evidence_document(&user.actor, &id, &filename, &bytes)
        .await
    {
        Ok(held) => held,
        Err(AppError::Invalid(problems)) => {
            let page = form_page(&state, &user, open, &fields, problems).await?;
            return Ok(with_status_422(page));
        }
        Err(e) => return Err(e.into()),
    };
    let hidden = fields
        .pairs()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "csrf_token" | "step" | "document_id"))
        .cloned()
        .collect();
    Ok(render(&CheckPage {
        chrome: Chrome::signed_in(&state, &user, "/evidence"),
        rows: check_rows(&evidence, &held.filename),
        request: open,
        told,
        hidden,
        document_id: held.id,
    }))
}
