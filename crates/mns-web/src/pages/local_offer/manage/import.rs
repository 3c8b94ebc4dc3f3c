//! Moving services in from the browser (`/local-offer/manage/import`): the Local Offer officer
//! uploads an ORUK JSON or CSV file, or reads another directory's live feed, as `mns import
//! directory` does, and sees what was imported, left out and kept only in part.

use super::chrome;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::Fields;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Request, State};
use mns_app::directory::{DirectoryImport, is_local_offer_officer};
use mns_app::{AppError, FieldError};

/// The largest file the page takes, as for any upload (21 MB: a directory of about 5,000 full
/// ORUK services). Bigger directories come in through a feed or `mns import directory`.
pub const IMPORT_LIMIT: usize = crate::pages::documents::UPLOAD_LIMIT;

#[derive(Template)]
#[template(path = "local_offer_import.html")]
struct ImportPage {
    chrome: Chrome,
    form: FormState,
    /// What the last import did, and from where.
    done: Option<(DirectoryImport, String)>,
    url: String,
    skip_bad: bool,
}

fn page(
    state: &AppState,
    user: &SignedIn,
    form: FormState,
    done: Option<(DirectoryImport, String)>,
    url: String,
    skip_bad: bool,
) -> PageResult {
    let problems = !form.errors.is_empty();
    let shown = render(&ImportPage {
        chrome: chrome(state, user, "/local-offer/manage/import").with_errors(&form),
        form,
        done,
        url,
        skip_bad,
    });
    Ok(if problems {
        crate::form::with_status_422(shown)
    } else {
        shown
    })
}

fn officer_only(user: &SignedIn) -> Result<(), AppError> {
    if is_local_offer_officer(&user.actor) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Every problem of a refused import under the form's field, so the summary links to it.
fn under(field: &str, error: AppError) -> AppError {
    match error {
        AppError::Invalid(errors) => AppError::Invalid(
            errors
                .into_iter()
                .map(|e| {
                    if e.field == field {
                        e
                    } else {
                        FieldError::new(field, format!("{}: {}", e.field, e.message))
                    }
                })
                .collect(),
        ),
        other => other,
    }
}

/// `GET /local-offer/manage/import`: the two ways in.
pub async fn import_form(State(state): State<AppState>, user: SignedIn) -> PageResult {
    officer_only(&user)?;
    page(
        &state,
        &user,
        FormState::default(),
        None,
        String::new(),
        false,
    )
}

/// `POST /local-offer/manage/import`: a file, imported whole or (when asked) without its bad
/// services.
pub async fn import_file(
    State(state): State<AppState>,
    user: SignedIn,
    request: Request,
) -> PageResult {
    officer_only(&user)?;
    let (fields, file) = match crate::pages::documents::multipart_form(
        &state,
        request,
        "file",
        "Choose an ORUK JSON or CSV file to import",
    )
    .await
    {
        Ok(read) => read,
        Err(AppError::Invalid(errors)) => {
            return page(
                &state,
                &user,
                FormState::with(errors),
                None,
                String::new(),
                false,
            );
        }
        Err(e) => return Err(e.into()),
    };
    let skip_bad = fields.trimmed("skip_bad") == "yes";
    let result = match file {
        None => Err(AppError::invalid(
            "file",
            "Choose an ORUK JSON or CSV file to import",
        )),
        Some((name, bytes)) => state
            .app
            .import_directory_file(&user.actor, &name, &bytes, skip_bad)
            .await
            .map(|done| (done, name))
            .map_err(|e| under("file", e)),
    };
    show(&state, &user, result, String::new(), skip_bad)
}

/// `POST /local-offer/manage/import/feed`: another directory's live feed, read now.
pub async fn import_feed(State(state): State<AppState>, user: SignedIn, body: Bytes) -> PageResult {
    officer_only(&user)?;
    let fields = Fields::from_body(&body);
    let url = fields.trimmed("url");
    let skip_bad = fields.trimmed("skip_bad") == "yes";
    let result = if url.is_empty() {
        Err(AppError::invalid(
            "url",
            "Enter the feed's address, like https://directory.example.org/api",
        ))
    } else {
        state
            .app
            .import_directory_feed(&user.actor, &url, None, skip_bad)
            .await
            .map(|done| (done, url.clone()))
            .map_err(|e| under("url", e))
    };
    show(&state, &user, result, url, skip_bad)
}

fn show(
    state: &AppState,
    user: &SignedIn,
    result: Result<(DirectoryImport, String), AppError>,
    url: String,
    skip_bad: bool,
) -> PageResult {
    match result {
        Ok(done) => page(state, user, FormState::default(), Some(done), url, skip_bad),
        Err(AppError::Invalid(errors)) => {
            page(state, user, FormState::with(errors), None, url, skip_bad)
        }
        Err(e) => Err(e.into()),
    }
}
