//! The JSON API under `/api/v1`, for a council's forms platform or a school MIS. Callers use a
//! browser session or `Authorization: Bearer TOKEN` (from `mns user token EMAIL`). The same
//! application operations as the pages answer, so permissions and audit are the same.

use crate::AppState;
use crate::auth::ApiCaller;
use crate::errors::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mns_app::records::{PupilRecord, SchoolRecord};
use serde::{Deserialize, Serialize};

/// The OpenAPI document, kept beside this file.
const OPENAPI: &str = include_str!("openapi.json");

/// `GET /api/v1/openapi.json`, with the complete example referral from the domain filled in,
/// so the document's example is always the one the tests parse.
pub async fn openapi() -> Response {
    let mut doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
    if let Ok(example) =
        serde_json::from_str::<serde_json::Value>(mns_domain::referral::EXAMPLE_REFERRAL_JSON)
    {
        doc["components"]["examples"]["Referral"]["value"] = example;
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        doc.to_string(),
    )
        .into_response()
}

/// The caller, as `GET /api/v1/me` shows them.
#[derive(Serialize)]
pub struct Me {
    id: String,
    email: String,
    display_name: String,
    role: &'static str,
    school_urn: Option<String>,
}

/// `GET /api/v1/me`.
pub async fn me(ApiCaller(actor): ApiCaller) -> Json<Me> {
    Json(Me {
        id: actor.user.id,
        email: actor.user.email,
        display_name: actor.user.display_name,
        role: actor.user.role.as_str(),
        school_urn: actor.user.school_urn,
    })
}

/// A pupil in the API.
#[derive(Serialize)]
pub struct Pupil {
    id: String,
    upn: Option<String>,
    given_name: String,
    family_name: String,
    date_of_birth: String,
    school_urn: Option<String>,
}

impl From<PupilRecord> for Pupil {
    fn from(p: PupilRecord) -> Pupil {
        Pupil {
            id: p.id,
            upn: p.upn,
            given_name: p.given_name,
            family_name: p.family_name,
            date_of_birth: p.date_of_birth.format("%Y-%m-%d").to_string(),
            school_urn: p.school_urn,
        }
    }
}

/// A list in the API.
#[derive(Serialize)]
pub struct List<T> {
    items: Vec<T>,
}

/// `GET /api/v1/pupils`.
pub async fn pupils(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
) -> Result<Json<List<Pupil>>, ApiError> {
    let pupils = state.app.list_pupils(&actor).await?;
    Ok(Json(List {
        items: pupils.into_iter().map(Pupil::from).collect(),
    }))
}

/// `GET /api/v1/pupils/{id}`.
pub async fn pupil(
    State(state): State<AppState>,
    ApiCaller(actor): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Pupil>, ApiError> {
    Ok(Json(state.app.view_pupil(&actor, &id).await?.into()))
}

/// A school in the API.
#[derive(Serialize)]
pub struct School {
    urn: String,
    name: String,
    type_of_establishment: Option<String>,
    phase: Option<String>,
    status: Option<String>,
    town: Option<String>,
    postcode: Option<String>,
}

impl From<SchoolRecord> for School {
    fn from(s: SchoolRecord) -> School {
        School {
            urn: s.urn,
            name: s.name,
            type_of_establishment: s.type_of_establishment,
            phase: s.phase,
            status: s.status,
            town: s.town,
            postcode: s.postcode,
        }
    }
}

/// The school search's parameters.
#[derive(Deserialize)]
pub struct SchoolQuery {
    #[serde(default)]
    search: String,
}

/// `GET /api/v1/schools?search=`.
pub async fn schools(
    State(state): State<AppState>,
    ApiCaller(_): ApiCaller,
    Query(q): Query<SchoolQuery>,
) -> Result<Json<List<School>>, ApiError> {
    Ok(Json(List {
        items: state
            .app
            .search_schools(&q.search)
            .await?
            .into_iter()
            .map(School::from)
            .collect(),
    }))
}
