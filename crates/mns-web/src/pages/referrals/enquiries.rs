//! Enquiries from parents and carers (MN-ENQ-1, MN-ENQ-2): logging one, and the recent ones.

use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{Chrome, PageResult, render};
use askama::Template;
use axum::extract::State;

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
    /// Health notifications sent through the public form, to triage (the coordinator's).
    notifications: Vec<crate::pages::public_notification::NotificationLine>,
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
    let notifications =
        crate::pages::public_notification::open_notification_lines(state, user).await?;
    let form = FormState::with(errors.clone());
    Ok(render(&EnquiriesPage {
        notifications,
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
