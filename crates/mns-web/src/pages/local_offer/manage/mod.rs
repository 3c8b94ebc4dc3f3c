//! Keeping the Local Offer true: providers edit their own entries (changes wait for the
//! council), the council approves or rejects with the difference shown, keeps every version
//! and can restore one, and reads families' feedback.
//!
//! This file holds the home page (the provider's entries, or the council's work to do) and
//! what the other pages share; each task has its own file.

mod changes;
mod edit;
mod events;
mod feedback;
mod history;
mod import;
mod places;
mod save;
mod stale;

pub use changes::{decide_change, show_change};
pub use edit::{edit, new_service};
pub use events::{
    attendance as event_attendance, attendance_csv as event_attendance_csv,
    attendance_ods as event_attendance_ods, cancel as cancel_event,
    cancel_form as cancel_event_form, edit as edit_event, list as events, mark as mark_attendance,
    new_event, publish as publish_event, save as save_event,
};
pub use feedback::{
    feedback, feedback_read, item as feedback_item, moderate as moderate_feedback, new_feedback,
    record as record_feedback, report_csv as feedback_report_csv,
    report_ods as feedback_report_ods,
};
pub use history::{VersionLine, confirm, history, restore};
pub use import::{IMPORT_LIMIT, import_feed, import_file, import_form};
pub use save::{save, save_new};
pub use stale::stale;

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, PageResult, render};
use askama::Template;
use axum::extract::{RawQuery, State};
use mns_app::AppError;
use mns_app::directory::is_local_offer_officer;
use mns_app::records::ChangeRecord;
use mns_domain::permissions::Capability;

fn chrome(state: &AppState, user: &SignedIn, path: &str) -> Chrome {
    let mut c = Chrome::signed_in(state, user, path);
    c.service_name = crate::pages::LOCAL_OFFER;
    c.service_href = "/local-offer";
    c
}

/// A line of the provider's list of entries.
pub struct EntryLine {
    id: String,
    name: String,
    organization: String,
    status: String,
    last_reviewed: String,
    stale: bool,
}

/// A line of the list of changes waiting.
pub struct ChangeLine {
    id: String,
    name: String,
    submitted: String,
    kind: &'static str,
}

#[derive(Template)]
#[template(path = "local_offer_manage.html")]
struct ManagePage {
    chrome: Chrome,
    officer: bool,
    entries: Vec<EntryLine>,
    changes: Vec<ChangeLine>,
    my_changes: Vec<(ChangeLine, String)>,
    stale: u64,
    feedback_new: i64,
    submitted: bool,
    /// Whether the user may add a service (they look after an organisation, or are the council).
    can_add: bool,
}

/// `GET /local-offer/manage`: the provider's entries, or the council's work to do.
pub async fn home(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let actor = &user.actor;
    if !actor.may(Capability::ManageDirectoryEntries) {
        return Err(AppError::NotFound.into());
    }
    let officer = is_local_offer_officer(actor);
    let today = state.app.today();
    let mut entries = Vec::new();
    let mut my_changes = Vec::new();
    let mut can_add = officer;
    if !officer {
        for org in state.app.my_directory_organizations(actor).await? {
            can_add = true;
            for e in state.app.organization_services(actor, &org.id).await? {
                let s = e.service;
                entries.push(EntryLine {
                    stale: mns_domain::directory::review_overdue(
                        s.last_reviewed,
                        today,
                        mns_app::directory::REVIEW_MONTHS,
                    ),
                    id: s.id,
                    name: s.name,
                    organization: org.name.clone(),
                    status: s.status.label().into(),
                    last_reviewed: s.last_reviewed.format("%-d %B %Y").to_string(),
                });
            }
        }
        for c in state.app.my_directory_changes(actor).await? {
            let status = c.status.clone();
            my_changes.push((change_line(&c), status));
        }
    }
    let (changes, stale, feedback_new) = if officer {
        let changes = state
            .app
            .pending_directory_changes(actor)
            .await?
            .iter()
            .map(change_line)
            .collect();
        (
            changes,
            state.app.stale_directory_entries().await?,
            state.app.new_directory_feedback_count(actor).await?,
        )
    } else {
        (Vec::new(), 0, 0)
    };
    Ok(render(&ManagePage {
        chrome: chrome(&state, &user, "/local-offer/manage"),
        officer,
        entries,
        changes,
        my_changes,
        stale,
        feedback_new,
        submitted: raw.as_deref() == Some("submitted=yes"),
        can_add,
    }))
}

fn change_line(c: &ChangeRecord) -> ChangeLine {
    ChangeLine {
        id: c.id.clone(),
        name: c.proposed.name.clone(),
        submitted: mns_domain::calendar::format_uk_datetime(c.submitted_at),
        kind: if c.base_version == 0 {
            "New service"
        } else {
            "Change"
        },
    }
}

/// The edit form's values, as typed.
#[derive(Debug, Default, Clone)]
pub struct EditValues {
    name: String,
    description: String,
    status: String,
    url: String,
    email: String,
    phone: String,
    contact_name: String,
    contact_title: String,
    minimum_age: String,
    maximum_age: String,
    free: String,
    cost: String,
    cost_option: String,
    alert: String,
    local_offer: String,
    who_for: String,
    how_to_access: String,
    send_support: String,
    funding: String,
    contact: String,
    places: Vec<places::PlaceValues>,
    times: Vec<places::TimesValues>,
}

const WEEKDAYS: [(chrono::Weekday, &str, &str); 7] = [
    (chrono::Weekday::Mon, "mon", "Monday"),
    (chrono::Weekday::Tue, "tue", "Tuesday"),
    (chrono::Weekday::Wed, "wed", "Wednesday"),
    (chrono::Weekday::Thu, "thu", "Thursday"),
    (chrono::Weekday::Fri, "fri", "Friday"),
    (chrono::Weekday::Sat, "sat", "Saturday"),
    (chrono::Weekday::Sun, "sun", "Sunday"),
];
