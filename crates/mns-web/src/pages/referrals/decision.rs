//! The coordinator's decision, in two steps: the form on the referral's page, then a page that
//! says what recording it will do and who will be told, with the answers carried in hidden
//! fields (no JavaScript needed). Nothing is recorded until the coordinator confirms; then the
//! referral's page says what happened in a success banner.

use super::*;
use mns_app::referrals::DecisionPreview;

/// The decision form (also the hidden fields of the page that confirms it).
#[derive(Deserialize, Default, Clone)]
pub struct DecisionForm {
    #[serde(default)]
    pub(super) decision: String,
    #[serde(default)]
    pub(super) reasons: Vec<String>,
    #[serde(default)]
    pub(super) explanation: String,
    #[serde(default)]
    pub(super) questions: String,
    #[serde(default)]
    pub(super) match_note: String,
}

impl From<&Fields> for DecisionForm {
    fn from(fields: &Fields) -> DecisionForm {
        let mut form = DecisionForm::default();
        for (k, v) in fields.pairs() {
            let v = v.clone();
            match k.as_str() {
                "decision" => form.decision = v,
                "reasons" => form.reasons.push(v),
                "explanation" => form.explanation = v,
                "questions" => form.questions = v,
                "note" => form.match_note = v,
                _ => {}
            }
        }
        form
    }
}

/// The decision the coordinator chose, read as the domain's outcome; a decision not chosen is
/// a problem with the field.
impl TryFrom<&DecisionForm> for DecisionOutcome {
    type Error = AppError;

    fn try_from(values: &DecisionForm) -> Result<DecisionOutcome, AppError> {
        match values.decision.as_str() {
            "accept" => Ok(DecisionOutcome::Accept),
            "decline" => Ok(DecisionOutcome::Decline {
                reasons: values.decline_reasons(),
                explanation: values.explanation.trim().to_string(),
            }),
            "ask_for_information" => Ok(DecisionOutcome::AskForInformation {
                questions: values.question_lines(),
            }),
            _ => Err(AppError::invalid("decision", "Select a decision")),
        }
    }
}

impl DecisionForm {
    /// Whether `value` is one of the chosen reasons (for re-showing the form).
    pub fn has_reason(&self, value: &str) -> bool {
        self.reasons.iter().any(|r| r == value)
    }

    /// The chosen reasons that are reasons from the list.
    fn decline_reasons(&self) -> Vec<DeclineReason> {
        self.reasons
            .iter()
            .filter_map(|r| serde_json::from_value(serde_json::Value::String(r.clone())).ok())
            .collect()
    }

    /// The questions, one a line, blank lines left out.
    fn question_lines(&self) -> Vec<String> {
        self.questions
            .lines()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// The page that asks the coordinator to confirm a decision.
#[derive(Template)]
#[template(path = "referral_decision_check.html")]
struct DecisionCheckPage {
    chrome: Chrome,
    id: String,
    values: DecisionForm,
    preview: DecisionPreview,
    /// "Accept", "Decline" or "Ask the school for more information".
    decision_label: &'static str,
    /// The chosen decline reasons, as people read them.
    reason_labels: Vec<&'static str>,
    /// The questions, one a line.
    questions: Vec<String>,
    /// The referral date, in words.
    referred_on: String,
}

/// `POST /referrals/{id}/decision` (the coordinator): with no `step`, checks the decision and
/// shows what recording it will do (nothing recorded); `step=change` goes back to the form with
/// the answers; `step=confirm` records it and shows the referral with a banner.
pub async fn decide(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    fields: Fields,
) -> PageResult {
    state.app.may_decide_referral(&user.actor, &id).await?;
    let values = DecisionForm::from(&fields);
    let step = fields.text("step");
    if step == "change" {
        return referral_page(&state, &user, &id, values, Vec::new()).await;
    }
    let outcome = match DecisionOutcome::try_from(&values) {
        Ok(outcome) => outcome,
        Err(e) => {
            return show_again(e, |errors| {
                referral_page(&state, &user, &id, values, errors)
            })
            .await;
        }
    };
    if step == "confirm" {
        let result = state.app.decide_referral(&user.actor, &id, outcome).await;
        return redirect_or_show_again(
            result,
            |decision| format!("/referrals/{id}?decided={}", decision.decision),
            |errors| referral_page(&state, &user, &id, values, errors),
        )
        .await;
    }
    match state.app.preview_decision(&user.actor, &id, &outcome).await {
        Ok(preview) => {
            let decision_label = match &outcome {
                DecisionOutcome::Accept => "Accept",
                DecisionOutcome::Decline { .. } => "Decline",
                DecisionOutcome::AskForInformation { .. } => "Ask the school for more information",
            };
            Ok(render(&DecisionCheckPage {
                chrome: Chrome::signed_in(&state, &user, "/referrals/"),
                reason_labels: values
                    .decline_reasons()
                    .into_iter()
                    .map(decline_reason_label)
                    .collect(),
                questions: values.question_lines(),
                referred_on: preview.referral_date.map(day).unwrap_or_default(),
                decision_label,
                id,
                values,
                preview,
            }))
        }
        Err(e) => {
            show_again(e, |errors| {
                referral_page(&state, &user, &id, values, errors)
            })
            .await
        }
    }
}

/// What the referral page says after a decision was recorded (`?decided=…`), if the referral
/// is where that decision put it.
pub struct DecidedBanner {
    /// The banner's heading.
    pub(super) heading: &'static str,
    /// What follows it.
    pub(super) body: &'static str,
    /// A link to the case, once accepted.
    pub(super) case_link: Option<String>,
}

/// The banner for `?decided=…` on a referral now in `status`.
pub(super) fn decided_banner(decided: &str, status: Status, id: &str) -> Option<DecidedBanner> {
    match (decided, status) {
        ("accept", Status::Accepted) => Some(DecidedBanner {
            heading: "Referral accepted.",
            body: "The case is open:",
            case_link: Some(format!("/cases/{id}")),
        }),
        ("decline", Status::Declined) => Some(DecidedBanner {
            heading: "Referral declined.",
            body: "The school has been told.",
            case_link: None,
        }),
        ("ask_for_information", Status::InformationRequested) => Some(DecidedBanner {
            heading: "Questions sent to the school.",
            body: "The referral is back with the school until it answers. The days keep counting from the referral date.",
            case_link: None,
        }),
        _ => None,
    }
}
