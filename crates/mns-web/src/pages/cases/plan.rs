//! Part A of the Planning and Review Record: the planning meeting's form (MN-PLAN-1..4).

use super::*;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::redirect_or_show_again;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use mns_app::cases::CaseView;
use mns_app::{AppError, FieldError};
use mns_domain::outcomes::ConditionGroup;
use mns_domain::provision::record::{Attendee, PartA};
use mns_domain::provision::{
    Action, AttendeeKind, CaseAction, Component, HLSA_READINESS_STATEMENT, MeetingPlace, Package,
};

/// Attendee rows on the form.
const ATTENDEE_ROWS: usize = 6;
/// Action rows on the forms.
pub(super) const ACTION_ROWS: usize = 4;

fn kind_key(kind: AttendeeKind) -> String {
    crate::pages::referral_form::questions::key(kind)
}

#[derive(Template)]
#[template(path = "case_plan.html")]
struct PlanPage {
    chrome: Chrome,
    form: FormState,
    errors: Vec<FieldError>,
    values: Fields,
    id: String,
    pupil: String,
    kinds: Vec<(String, &'static str)>,
    attendee_rows: Vec<usize>,
    action_rows: Vec<usize>,
    readiness: &'static str,
    /// The answers were filled in from the referral: say so, so they are checked.
    drafted: bool,
    /// The council's wellbeing scales for the baseline (issue 17).
    scales: Vec<super::measures::Scale>,
    /// No reintegration choice at the baseline.
    no_choices: Vec<(&'static str, &'static str)>,
    /// The condition groups: stored form, label and hint.
    groups: Vec<(&'static str, &'static str, &'static str)>,
}

fn plan_values(plan: &PartA) -> Fields {
    let mut v = Fields::default();
    v.put_date("meeting_date", plan.meeting_date);
    if let Some(place) = plan.place {
        v.put("place", crate::pages::referral_form::questions::key(place));
    }
    for (i, a) in plan.attendees.iter().enumerate() {
        v.put(&format!("attendee_{}_kind", i + 1), kind_key(a.kind));
        v.put(&format!("attendee_{}_name", i + 1), a.name.clone());
    }
    v.put("learning_needs", plan.learning_needs.clone());
    v.put("expectations", plan.expectations.clone());
    for c in &plan.package.components {
        match c {
            Component::Hlsa { hours_per_week } => v.put("hlsa_hours", hours_per_week.to_string()),
            Component::OnlineLearning {
                provider,
                hours_per_week,
            } => {
                v.put("online_hours", hours_per_week.to_string());
                v.put("online_provider", provider.clone());
            }
            Component::Av1Robot { hours_per_week } => {
                v.put("robot_hours", hours_per_week.to_string())
            }
            Component::AlternativeProvision { hours_per_week } => {
                v.put("ap_hours", hours_per_week.to_string())
            }
            Component::HomeSchoolContact { hours_per_week } => {
                v.put("contact_hours", hours_per_week.to_string())
            }
            Component::ReintegrationPlan { text } => v.put("reintegration", text.clone()),
        }
    }
    v.put("full_time_hours", plan.full_time_hours.to_string());
    v.put(
        "medical_reason",
        plan.medical_reason.clone().unwrap_or_default(),
    );
    if let Some(group) = plan.condition_group {
        v.put("condition_group", group.as_str());
    }
    if plan.readiness_statement.is_some() {
        v.put("readiness", "yes");
    }
    for (i, a) in plan.actions.iter().enumerate() {
        v.put(
            &format!("action_{}_description", i + 1),
            a.description.clone(),
        );
        v.put(&format!("action_{}_owner", i + 1), a.owner.clone());
        v.put_date(&format!("action_{}_due", i + 1), a.due);
    }
    v.put("dsl_name", plan.dsl_name.clone());
    v.put("dsl_email", plan.dsl_email.clone());
    v.put("joint_approach", plan.joint_approach.clone());
    super::measures::put(&mut v, "baseline_", &plan.baseline);
    if plan.has_ehcp {
        v.put("has_ehcp", "yes");
    }
    if plan.has_social_worker {
        v.put("has_social_worker", "yes");
    }
    v
}

pub(super) fn read_actions(values: &Fields, errors: &mut Vec<FieldError>) -> Vec<Action> {
    let mut actions = Vec::new();
    for i in 1..=ACTION_ROWS {
        let description = values
            .text(&format!("action_{i}_description"))
            .trim()
            .to_string();
        let owner = values.text(&format!("action_{i}_owner")).trim().to_string();
        let due = values.date(
            &format!("action_{i}_due"),
            &format!("Action {i}'s date"),
            errors,
        );
        if description.is_empty() && owner.is_empty() && due.is_none() {
            continue;
        }
        if description.is_empty() {
            errors.push(FieldError::new(
                &format!("action_{i}_description"),
                format!("Action {i}: say what will be done"),
            ));
        }
        actions.push(Action {
            description,
            owner,
            due,
        });
    }
    actions
}

fn read_plan(
    values: &Fields,
    scales: &[mns_domain::outcomes::WellbeingMeasure],
    errors: &mut Vec<FieldError>,
) -> PartA {
    let meeting_date = values.date("meeting_date", "The meeting date", errors);
    let place = match values.text("place") {
        "home" => Some(MeetingPlace::Home),
        "online" => Some(MeetingPlace::Online),
        "school" => Some(MeetingPlace::School),
        _ => None,
    };
    let mut attendees = Vec::new();
    for i in 1..=ATTENDEE_ROWS {
        let name = values
            .text(&format!("attendee_{i}_name"))
            .trim()
            .to_string();
        let kind = AttendeeKind::ALL
            .into_iter()
            .find(|k| kind_key(*k) == values.text(&format!("attendee_{i}_kind")));
        match (kind, name.is_empty()) {
            (None, true) => {}
            (Some(kind), _) => attendees.push(Attendee { kind, name }),
            (None, false) => errors.push(FieldError::new(
                &format!("attendee_{i}_kind"),
                format!("Attendee {i}: select in what capacity they attended"),
            )),
        }
    }
    let mut components = Vec::new();
    if let Some(h) = values.hours("hlsa_hours", "HLSA hours", errors) {
        components.push(Component::Hlsa { hours_per_week: h });
    }
    if let Some(h) = values.hours("online_hours", "Online learning hours", errors) {
        let provider = values.text("online_provider").trim();
        components.push(Component::OnlineLearning {
            provider: if provider.is_empty() {
                "Home school".into()
            } else {
                provider.to_string()
            },
            hours_per_week: h,
        });
    }
    if let Some(h) = values.hours("robot_hours", "AV1 robot hours", errors) {
        components.push(Component::Av1Robot { hours_per_week: h });
    }
    if let Some(h) = values.hours("ap_hours", "Alternative provision hours", errors) {
        components.push(Component::AlternativeProvision { hours_per_week: h });
    }
    if let Some(h) = values.hours("contact_hours", "Home school contact hours", errors) {
        components.push(Component::HomeSchoolContact { hours_per_week: h });
    }
    let reintegration = values.text("reintegration").trim();
    if !reintegration.is_empty() {
        components.push(Component::ReintegrationPlan {
            text: reintegration.to_string(),
        });
    }
    let full_time_hours = values
        .hours("full_time_hours", "The full-time week", errors)
        .unwrap_or(mns_domain::provision::record::DEFAULT_FULL_TIME_HOURS);
    let medical_reason =
        Some(values.text("medical_reason").trim().to_string()).filter(|r| !r.is_empty());
    let condition_group = match values.text("condition_group") {
        "" => None,
        text => match ConditionGroup::parse(text) {
            Ok(group) => Some(group),
            Err(e) => {
                errors.push(FieldError::new("condition_group", e.to_string()));
                None
            }
        },
    };
    PartA {
        meeting_date,
        place,
        attendees,
        learning_needs: values.text("learning_needs").trim().to_string(),
        expectations: values.text("expectations").trim().to_string(),
        package: Package::new(components),
        full_time_hours,
        medical_reason,
        condition_group,
        readiness_statement: values
            .has("readiness", "yes")
            .then(|| HLSA_READINESS_STATEMENT.to_string()),
        actions: read_actions(values, errors),
        dsl_name: values.text("dsl_name").trim().to_string(),
        dsl_email: values.text("dsl_email").trim().to_string(),
        joint_approach: values.text("joint_approach").trim().to_string(),
        has_ehcp: values.has("has_ehcp", "yes"),
        has_social_worker: values.has("has_social_worker", "yes"),
        baseline: super::measures::read(values, "baseline_", scales, errors),
    }
}

fn plan_page(
    state: &AppState,
    user: &SignedIn,
    view: &CaseView,
    (values, drafted): (Fields, bool),
    errors: Vec<FieldError>,
) -> Response {
    let form = FormState::with(errors.clone());
    render(&PlanPage {
        chrome: Chrome::signed_in(state, user, "/cases").with_errors(&form),
        form,
        errors,
        values,
        id: view.case().id.clone(),
        pupil: view.line.pupil_name.clone(),
        kinds: AttendeeKind::ALL
            .iter()
            .map(|k| (kind_key(*k), k.label()))
            .collect(),
        attendee_rows: (1..=ATTENDEE_ROWS).collect(),
        action_rows: (1..=ACTION_ROWS).collect(),
        readiness: HLSA_READINESS_STATEMENT,
        drafted,
        scales: super::measures::scales("baseline_", &state.app.policy().wellbeing_measures),
        no_choices: Vec::new(),
        groups: ConditionGroup::ALL
            .iter()
            .map(|g| (g.as_str(), g.label(), g.hint()))
            .collect(),
    })
}

/// `GET /cases/{id}/plan`: Part A of the record, as saved, or first drafted from the referral.
pub async fn plan_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let view = match open_step(&state, &user, &id, CaseAction::WritePlan).await? {
        Ok(view) => view,
        Err(back) => return Ok(back),
    };
    let (plan, drafted) = state.app.plan_draft(&user.actor, &id).await?;
    Ok(plan_page(
        &state,
        &user,
        &view,
        (plan_values(&plan), drafted),
        Vec::new(),
    ))
}

/// `POST /cases/{id}/plan`: saves Part A as a draft, or finalises it.
pub async fn save_plan(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    values: Fields,
) -> PageResult {
    let view = state
        .app
        .view_case_for(&user.actor, &id, CaseAction::WritePlan)
        .await?;
    let mut errors = Vec::new();
    let plan = read_plan(&values, &state.app.policy().wellbeing_measures, &mut errors);
    let finalise = values.text("finalise") == "yes";
    let result = if errors.is_empty() {
        state.app.save_plan(&user.actor, &id, plan, finalise).await
    } else {
        Err(AppError::Invalid(errors))
    };
    redirect_or_show_again(
        result,
        |()| {
            if finalise {
                format!("/cases/{id}?done=plan")
            } else {
                format!("/cases/{id}/plan")
            }
        },
        |errors| std::future::ready(Ok(plan_page(&state, &user, &view, (values, false), errors))),
    )
    .await
}
