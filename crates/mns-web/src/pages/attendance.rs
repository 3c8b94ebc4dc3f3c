//! A referral's attendance: the herringbone grid (weeks × AM/PM, coloured by category, every
//! mark also written as text), the MN-ABS-1 figures, and uploading the school's export.

use super::{Chrome, FormState, PageResult, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::redirect_or_show_again;
use askama::Template;
use axum::extract::{Path, Request, State};
use mns_app::documents::DocumentAccess;
use mns_app::referrals::REFERRAL_ATTENDANCE;
use mns_app::{AppError, FieldError};
use mns_domain::attendance::{AttendanceCategory, AttendanceGrid};

/// One cell of the grid.
pub struct Cell {
    code: String,
    class: &'static str,
    description: String,
}

/// One week of the grid.
pub struct Week {
    beginning: String,
    cells: Vec<Cell>,
}

fn class_of(category: AttendanceCategory) -> &'static str {
    match category {
        AttendanceCategory::Present => "app-mark--present",
        AttendanceCategory::ApprovedActivity => "app-mark--activity",
        AttendanceCategory::AuthorisedAbsence => "app-mark--authorised",
        AttendanceCategory::UnauthorisedAbsence => "app-mark--unauthorised",
        AttendanceCategory::NotPossible => "app-mark--not-possible",
    }
}

fn weeks(grid: &AttendanceGrid) -> Vec<Week> {
    grid.weeks
        .iter()
        .map(|w| Week {
            beginning: w.week_beginning.format("%-d %b %Y").to_string(),
            cells: w
                .cells
                .iter()
                .map(|cell| match cell {
                    Some(c) => Cell {
                        code: c.code.as_str().to_string(),
                        class: class_of(c.category),
                        description: format!(
                            "{}: {}",
                            c.category.description(),
                            c.code.description()
                        ),
                    },
                    None => Cell {
                        code: String::new(),
                        class: "app-mark--none",
                        description: "No mark".into(),
                    },
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "referral_attendance.html")]
struct AttendancePage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    id: String,
    pupil: String,
    figures: Option<Figures>,
    weeks: Vec<Week>,
    notes: Vec<String>,
    may_upload: bool,
}

/// The MN-ABS-1 figures as the page shows them.
pub struct Figures {
    file: String,
    school_year: String,
    possible: u32,
    present: u32,
    authorised: u32,
    unauthorised: u32,
    health_days: String,
    longest_run: String,
    medical: u32,
}

async fn page(state: &AppState, user: &SignedIn, id: &str, errors: Vec<FieldError>) -> PageResult {
    let view = state.app.view_referral(&user.actor, id).await?;
    let attendance = state.app.referral_attendance(&user.actor, &view).await?;
    let may_upload = state
        .app
        .may_use_documents(&user.actor, REFERRAL_ATTENDANCE, id, DocumentAccess::Upload)
        .await?;
    let form = FormState::with(errors.clone());
    Ok(render(&AttendancePage {
        chrome: Chrome::signed_in(state, user, "/referrals/").with_errors(&form),
        form,
        errors,
        id: id.to_string(),
        pupil: format!(
            "{} {}",
            view.form.pupil.first_name, view.form.pupil.last_name
        ),
        figures: attendance.as_ref().map(|a| Figures {
            file: a.document.filename.clone(),
            school_year: a.figures.school_year.to_string(),
            possible: a.figures.sessions_possible,
            present: a.figures.present,
            authorised: a.figures.authorised,
            unauthorised: a.figures.unauthorised,
            health_days: a.figures.health_absence.to_string(),
            longest_run: a.figures.longest_health_run_length().to_string(),
            medical: a.figures.medical_appointment_sessions,
        }),
        weeks: attendance
            .as_ref()
            .map(|a| weeks(&a.grid))
            .unwrap_or_default(),
        notes: attendance.map(|a| a.notes).unwrap_or_default(),
        may_upload,
    }))
}

/// `GET /referrals/{id}/attendance`: the herringbone.
pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    page(&state, &user, &id, Vec::new()).await
}

/// `POST /referrals/{id}/attendance`: attaches the school's export (CSV).
pub async fn upload(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    request: Request,
) -> PageResult {
    if !state
        .app
        .may_use_documents(
            &user.actor,
            REFERRAL_ATTENDANCE,
            &id,
            DocumentAccess::Upload,
        )
        .await?
    {
        return Err(AppError::NotFound.into());
    }
    redirect_or_show_again(
        read_and_attach(&state, &user, &id, request).await,
        |()| format!("/referrals/{id}/attendance"),
        |errors| page(&state, &user, &id, errors),
    )
    .await
}

async fn read_and_attach(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    request: Request,
) -> Result<(), AppError> {
    let (name, bytes) = super::documents::uploaded_file(
        state,
        request,
        "attendance",
        "Choose the attendance file to upload",
    )
    .await?;
    state
        .app
        .attach_attendance(&user.actor, id, &name, &bytes)
        .await?;
    Ok(())
}
