//! Uploading a document to a referral (a file upload form) and downloading one. Documents are
//! encrypted at rest; a download names the file safely and is never shown inline.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again};
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mns_app::AppError;
use mns_app::FieldError;
use mns_app::documents::DocumentAccess;
use mns_app::referrals::REFERRAL;

/// The largest request a file upload may be (the document limit is 20 MB; the rest is the
/// form around it).
pub const UPLOAD_LIMIT: usize = 21 * 1024 * 1024;

/// `POST /referrals/{id}/documents`: attaches the uploaded file to the referral.
pub async fn upload(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    request: Request,
) -> PageResult {
    // Refuse before reading the upload, so that a caller outside scope learns nothing.
    if !state
        .app
        .may_use_documents(&user.actor, REFERRAL, &id, DocumentAccess::Upload)
        .await?
    {
        return Err(AppError::NotFound.into());
    }
    redirect_or_show_again(
        read_and_store(&state, &user, &id, request).await,
        |()| format!("/referrals/{id}/documents"),
        |errors| documents_page(&state, &user, &id, errors),
    )
    .await
}

async fn read_and_store(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    request: Request,
) -> Result<(), AppError> {
    let (name, bytes) =
        uploaded_file(state, request, "document", "Choose a file to upload").await?;
    state
        .app
        .store_document(&user.actor, REFERRAL, id, &name, &bytes)
        .await?;
    Ok(())
}

/// The file sent in the form field `field` of a file upload form (multipart), as its name and
/// bytes; `missing` is the message when no file was chosen.
pub(crate) async fn uploaded_file(
    state: &AppState,
    request: Request,
    field: &str,
    missing: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let (_, file) = multipart_form(state, request, field, missing).await?;
    file.ok_or_else(|| AppError::invalid(field, missing))
}

/// A file upload form (multipart) read whole: its other fields, in order, and the file sent in
/// `field`, if one was chosen (name and bytes). A body that is not a multipart form is a
/// problem with `field` (`missing` says what to do).
pub(crate) async fn multipart_form(
    state: &AppState,
    request: Request,
    field: &str,
    missing: &str,
) -> Result<(Fields, Option<(String, Vec<u8>)>), AppError> {
    let incomplete = |e: &dyn std::fmt::Display| {
        AppError::invalid(field, format!("The upload did not arrive whole: {e}"))
    };
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| AppError::invalid(field, format!("{missing} ({e})")))?;
    let mut fields = Vec::new();
    let mut file = None;
    while let Some(part) = multipart.next_field().await.map_err(|e| incomplete(&e))? {
        let name = part.name().unwrap_or_default().to_string();
        if name == field {
            let filename = part.file_name().unwrap_or_default().to_string();
            let bytes = part.bytes().await.map_err(|e| incomplete(&e))?;
            if !filename.is_empty() && file.is_none() {
                file = Some((filename, bytes.to_vec()));
            }
        } else {
            let value = part.text().await.map_err(|e| incomplete(&e))?;
            fields.push((name, value));
        }
    }
    Ok((Fields::from(fields), file))
}

/// A document as the lists show it.
pub struct DocumentLine {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: &'static str,
    pub(crate) size: String,
    pub(crate) uploaded: String,
}

/// The documents of a referral, as lines for a page.
pub async fn document_lines(
    state: &AppState,
    user: &SignedIn,
    id: &str,
) -> Result<Vec<DocumentLine>, AppError> {
    Ok(state
        .app
        .list_documents(&user.actor, REFERRAL, id)
        .await?
        .into_iter()
        .map(|d| DocumentLine {
            id: d.id,
            name: d.filename,
            kind: d.kind.label(),
            size: format!("{:.0} KB", (d.size as f64 / 1024.0).ceil()),
            uploaded: mns_domain::calendar::format_uk_datetime(d.uploaded_at),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "referral_documents.html")]
struct DocumentsPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    id: String,
    pupil: String,
    documents: Vec<DocumentLine>,
    may_upload: bool,
}

async fn documents_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    errors: Vec<FieldError>,
) -> PageResult {
    let view = state.app.view_referral(&user.actor, id).await?;
    let form = FormState::with(errors.clone());
    Ok(render(&DocumentsPage {
        chrome: Chrome::signed_in(state, user, "/referrals/").with_errors(&form),
        form,
        errors,
        id: id.to_string(),
        pupil: format!(
            "{} {}",
            view.form.pupil.first_name, view.form.pupil.last_name
        ),
        documents: document_lines(state, user, id).await?,
        may_upload: state
            .app
            .may_use_documents(&user.actor, REFERRAL, id, DocumentAccess::Upload)
            .await?,
    }))
}

/// `GET /referrals/{id}/documents`: a referral's documents, and adding one.
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    documents_page(&state, &user, &id, Vec::new()).await
}

/// The response for a decrypted document: its own type, a safe attachment name, no sniffing.
pub fn attachment(meta: &mns_app::records::DocumentMeta, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, meta.kind.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                mns_domain::documents::content_disposition(&meta.filename),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /documents/{id}`: downloads a document the user may see.
pub async fn download(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let (meta, bytes) = state.app.read_document(&user.actor, &id).await?;
    Ok(attachment(&meta, bytes))
}
