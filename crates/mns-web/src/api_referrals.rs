//! Referrals in the JSON API, so a council's forms platform or a school's MIS can submit them
//! directly: the same operations, permissions and audit as the pages. The body of a referral is
//! the domain's `Referral` JSON (documented in `mns_domain::referral::form`, with a complete
//! example in the OpenAPI document).

use crate::AppState;
use crate::auth::ApiCaller;
use crate::errors::ApiError;
use crate::pages::documents::attachment;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mns_app::records::{QueueCursor, QueueFilter, QueuePage};
use mns_app::referrals::{REFERRAL, ReferralView, Status};
use mns_app::{AppError, FieldError};
use mns_domain::referral::{Check, DecisionOutcome, Referral};
use serde::{Deserialize, Serialize};

/// A referral in the API.
#[derive(Serialize)]
pub struct ReferralBody {
    id: String,
    status: &'static str,
    school_urn: Option<String>,
    pupil_id: Option<String>,
    referral_date: Option<String>,
    waiting_for_evidence_since: Option<String>,
    /// What still stops it being submitted, in the order of the form (MN-REF-1, MN-REF-4).
    problems: Vec<FieldError>,
    referral: Referral,
}

impl ReferralBody {
    /// The referral as the API shows it to `actor`, with what still stops it being submitted
    /// while the school may change it (the attendance export included, MN-REF-4).
    async fn of(
        state: &AppState,
        actor: &mns_app::Actor,
        v: ReferralView,
    ) -> Result<ReferralBody, ApiError> {
        let problems = if v.status.school_may_edit() {
            state
                .app
                .submission_problems(actor, &v)
                .await?
                .into_iter()
                .map(|p| FieldError::new(&p.field, p.message))
                .collect()
        } else {
            Vec::new()
        };
        Ok(ReferralBody {
            problems,
            id: v.record.id,
            status: v.status.as_str(),
            school_urn: v.record.school_urn,
            pupil_id: v.record.pupil_id,
            referral_date: v.record.referral_date.map(|d| d.to_string()),
            waiting_for_evidence_since: v.record.waiting_for_evidence_since.map(|d| d.to_string()),
            referral: v.form,
        })
    }
}

/// Reads a referral body strictly ([`Referral::from_json`]): a JSON object of the documented
/// shape at every level, or a 422 naming what is wrong.
fn parse_referral(body: &Bytes) -> Result<Referral, ApiError> {
    Referral::from_json(body).map_err(|message| {
        ApiError(AppError::Invalid(vec![FieldError::new(
            "referral", message,
        )]))
    })
}

/// `POST /api/v1/referrals`: a school starts a referral with what it has (a draft).
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.app.may_start_referral(&actor)?;
    let form = if body.is_empty() {
        Referral::default()
    } else {
        parse_referral(&body)?
    };
    let draft = state.app.start_referral(&actor).await?;
    let saved = state
        .app
        .save_referral(&actor, &draft.record.id, form)
        .await?;
    let body = ReferralBody::of(&state, &actor, saved).await?;
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /api/v1/referrals/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ReferralBody>, ApiError> {
    let view = state.app.view_referral(&actor, &id).await?;
    Ok(Json(ReferralBody::of(&state, &actor, view).await?))
}

/// `PUT /api/v1/referrals/{id}`: replaces the draft's form.
pub async fn update(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ReferralBody>, ApiError> {
    // Refuse before reading the body, so that a caller outside scope learns nothing from it.
    state.app.may_edit_referral(&actor, &id).await?;
    let form = parse_referral(&body)?;
    let saved = state.app.save_referral(&actor, &id, form).await?;
    Ok(Json(ReferralBody::of(&state, &actor, saved).await?))
}

/// `POST /api/v1/referrals/{id}/submit`: 422 with every problem when it is incomplete.
pub async fn submit(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ReferralBody>, ApiError> {
    let submitted = state.app.submit_referral(&actor, &id).await?;
    Ok(Json(ReferralBody::of(&state, &actor, submitted).await?))
}

/// The checks, as `mns referral check` prints them.
#[derive(Serialize)]
pub struct ChecksBody {
    policy_version: String,
    checks: Vec<Check>,
}

/// `GET /api/v1/referrals/{id}/checks` (council staff): every rule's outcome and why.
pub async fn checks(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ChecksBody>, ApiError> {
    let view = state.app.view_referral(&actor, &id).await?;
    Ok(Json(ChecksBody {
        policy_version: state.app.policy().version.clone(),
        checks: {
            let attendance = state.app.referral_attendance(&actor, &view).await?;
            state
                .app
                .checks_for(&actor, &view, attendance.as_ref().map(|a| &a.evidence))
                .await?
        },
    }))
}

/// `POST /api/v1/referrals/{id}/decision` (the coordinator): `{"decision": "accept"}`,
/// `{"decision": "decline", "reasons": [...], "explanation": "..."}` or
/// `{"decision": "ask_for_information", "questions": [...]}`.
pub async fn decide(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.app.may_decide_referral(&actor, &id).await?;
    let outcome: DecisionOutcome = serde_json::from_slice(&body).map_err(|e| {
        ApiError(AppError::invalid(
            "decision",
            format!("The decision is not valid: {e}"),
        ))
    })?;
    let record = state.app.decide_referral(&actor, &id, outcome).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({
            "id": record.id,
            "decision": record.decision,
            "decided_at": mns_app::records::ts(record.decided_at),
            "policy_version": record.policy_version,
            "days_from_referral": record.days_from_referral,
        })),
    )
        .into_response())
}

fn pupil_json(p: &mns_app::records::PupilRecord) -> serde_json::Value {
    serde_json::json!({
        "id": p.id, "upn": p.upn, "given_name": p.given_name, "family_name": p.family_name,
        "date_of_birth": p.date_of_birth.to_string(), "school_urn": p.school_urn,
    })
}

/// `GET /api/v1/referrals/{id}/pupil-match` (council staff): the UPN match the coordinator
/// must resolve, with both records (MN-ROLE-2); 404 when there is none.
pub async fn pupil_match(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let m = state
        .app
        .referral_pupil_match(&actor, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(serde_json::json!({
        "kind": m.kind.as_str(),
        "resolution": m.record.resolution,
        "resolved_at": m.record.resolved_at.map(mns_app::records::ts),
        "note": m.record.note,
        "referral_pupil": pupil_json(&m.new_pupil),
        "existing_pupil": pupil_json(&m.existing),
    })))
}

/// The coordinator's resolution of a UPN match.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchBody {
    resolution: String,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/referrals/{id}/pupil-match` (the coordinator): `{"resolution":
/// "same_child" | "different_children", "note": "…"}`.
pub async fn resolve_pupil_match(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    // A body that does not parse is an unanswered question: the operation decides first
    // whether the caller may ask at all (404), then names the missing answer (422).
    let body: MatchBody = serde_json::from_slice(&body).unwrap_or(MatchBody {
        resolution: String::new(),
        note: String::new(),
    });
    let resolution = mns_domain::referral::MatchResolution::parse(&body.resolution);
    state
        .app
        .resolve_pupil_match(&actor, &id, resolution, &body.note)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The list's parameters, read as text so that a bad value is named, never ignored.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    /// The page after this cursor (the `next` of the page before).
    #[serde(default)]
    after: Option<String>,
}

impl ListQuery {
    /// The status asked for (`None`: all but drafts) and where the page starts.
    fn parse(&self) -> Result<(Option<Status>, QueuePage), ApiError> {
        let mut problems = Vec::new();
        let status = match self.status.as_deref() {
            None => None,
            Some(text) => match Status::parse(text).filter(|s| *s != Status::Draft) {
                Some(s) => Some(s),
                None => {
                    problems.push(FieldError::new(
                        "status",
                        "status must be one of submitted, awaiting_school, information_requested, waiting_for_evidence, accepted or declined",
                    ));
                    None
                }
            },
        };
        let page = match self.after.as_deref() {
            None => QueuePage::First,
            Some(text) => match QueueCursor::parse(text) {
                Some(cursor) => QueuePage::After(cursor),
                None => {
                    problems.push(FieldError::new(
                        "after",
                        "after must be the next value of the page before",
                    ));
                    QueuePage::First
                }
            },
        };
        if problems.is_empty() {
            Ok((status, page))
        } else {
            Err(ApiError(AppError::Invalid(problems)))
        }
    }
}

/// `GET /api/v1/referrals`: a school's own referrals, or the council's queue (50 a page; `next`
/// is the `after` of the page that follows, or null on the last).
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Query(q): Query<ListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (status, page) = q.parse()?;
    if actor.may(mns_domain::permissions::Capability::StartReferral) {
        let items: Vec<serde_json::Value> = state
            .app
            .school_referrals(&actor)
            .await?
            .into_iter()
            .map(|v| serde_json::json!({"id": v.record.id, "status": v.status.as_str(), "referral_date": v.record.referral_date}))
            .collect();
        return Ok(Json(serde_json::json!({"items": items})));
    }
    let lines = state
        .app
        .referral_queue(
            &actor,
            &QueueFilter {
                statuses: status
                    .map(|s| vec![s.as_str().to_string()])
                    .unwrap_or_default(),
                limit: 51,
                page,
                ..QueueFilter::default()
            },
        )
        .await?;
    let next = (lines.len() > 50)
        .then(|| lines.get(49))
        .flatten()
        .and_then(|l| {
            l.referral_date
                .map(|d| QueueCursor::of(d, &l.id).to_param())
        });
    let items: Vec<serde_json::Value> = lines
        .into_iter()
        .take(50)
        .map(|l| {
            serde_json::json!({
                "id": l.id, "status": l.status, "pupil_name": l.pupil_name, "school_name": l.school_name,
                "referral_date": l.referral_date, "waiting_for_evidence_since": l.waiting_for_evidence_since,
                "pupil_match_open": l.pupil_match_open,
            })
        })
        .collect();
    Ok(Json(serde_json::json!({"items": items, "next": next})))
}

/// The upload's parameters.
#[derive(Deserialize)]
pub struct UploadQuery {
    filename: Option<String>,
}

/// `POST /api/v1/referrals/{id}/documents?filename=letter.pdf` with the file as the body.
pub async fn upload_document(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !state
        .app
        .may_use_documents(
            &actor,
            REFERRAL,
            &id,
            mns_app::documents::DocumentAccess::Upload,
        )
        .await?
    {
        return Err(ApiError(AppError::NotFound));
    }
    let Some(filename) = q.filename.filter(|f| !f.trim().is_empty()) else {
        return Err(ApiError(AppError::invalid(
            "filename",
            "Give the file's name as ?filename=letter.pdf",
        )));
    };
    let meta = state
        .app
        .store_document(&actor, REFERRAL, &id, &filename, &body)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"id": meta.id, "filename": meta.filename, "kind": meta.kind.as_str(), "size": meta.size})),
    )
        .into_response())
}

/// `GET /api/v1/documents/{id}`: the document's bytes.
pub async fn download_document(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (meta, bytes) = state.app.read_document(&actor, &id).await?;
    Ok(attachment(&meta, bytes))
}

/// `POST /api/v1/referrals/{id}/attendance?filename=attendance.csv` with the school's export as
/// the body: read first (a problem names its line and column and nothing is stored), then kept
/// encrypted with the referral.
pub async fn upload_attendance(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !state
        .app
        .may_use_documents(
            &actor,
            mns_app::referrals::REFERRAL_ATTENDANCE,
            &id,
            mns_app::documents::DocumentAccess::Upload,
        )
        .await?
    {
        return Err(ApiError(AppError::NotFound));
    }
    let filename = q
        .filename
        .filter(|f| !f.trim().is_empty())
        .unwrap_or_else(|| "attendance.csv".into());
    let meta = state
        .app
        .attach_attendance(&actor, &id, &filename, &body)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"id": meta.id, "filename": meta.filename, "size": meta.size})),
    )
        .into_response())
}

/// `GET /api/v1/referrals/{id}/attendance`: the MN-ABS-1 figures from the attached export
/// (`{"attached": false}` until there is one).
pub async fn attendance(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let view = state.app.view_referral(&actor, &id).await?;
    let Some(a) = state.app.referral_attendance(&actor, &view).await? else {
        return Ok(Json(serde_json::json!({"attached": false})));
    };
    Ok(Json(serde_json::json!({
        "attached": true,
        "file": a.document.filename,
        "school_year": a.figures.school_year.to_string(),
        "sessions_possible": a.figures.sessions_possible,
        "present": a.figures.present,
        "authorised": a.figures.authorised,
        "unauthorised": a.figures.unauthorised,
        "health_days": a.figures.health_absence.days(),
        "longest_health_run_days": a.figures.longest_health_run_length().days(),
        "medical_appointment_sessions": a.figures.medical_appointment_sessions,
        "notes": a.notes,
    })))
}
