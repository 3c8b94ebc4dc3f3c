//! The guided search, "Help me choose" (`GET /local-offer/guided`): one question a page, then
//! the results.

use super::{Choice, choices};
use crate::AppState;
use crate::auth::Authenticated;
use crate::form::Fields;
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect};
use mns_app::FieldError;
use mns_app::directory::parse_search;
use mns_domain::directory::taxonomy::{CATEGORY_TAXONOMY, NEEDS_TAXONOMY};

/// One question of the guided search.
struct GuidedStep {
    name: &'static str,
    question: &'static str,
    hint: &'static str,
}

const GUIDED_STEPS: [GuidedStep; 4] = [
    GuidedStep {
        name: "age",
        question: "How old is your child or young person?",
        hint: "In years. The Local Offer covers ages 0 to 25.",
    },
    GuidedStep {
        name: "need",
        question: "What are they getting support with?",
        hint: "Choose any that apply. They do not need a diagnosis.",
    },
    GuidedStep {
        name: "category",
        question: "What kind of help are you looking for?",
        hint: "Choose any that apply.",
    },
    GuidedStep {
        name: "postcode",
        question: "Where do you live?",
        hint: "Your postcode, or the first half of it, like NR2. We use it to show what is near you.",
    },
];

#[derive(Template)]
#[template(path = "local_offer_guided.html")]
struct GuidedPage {
    chrome: Chrome,
    form: FormState,
    step: usize,
    steps: usize,
    name: &'static str,
    question: &'static str,
    hint: &'static str,
    value: String,
    options: Vec<Choice>,
    carried: Vec<(String, String)>,
}

/// `GET /local-offer/guided`: a short needs-led route to results, one question a page. A
/// council web page can link here with some answers already given (`?age=9&need=autism`);
/// once every question is answered or skipped, it goes to the results.
pub async fn guided(
    State(state): State<AppState>,
    auth: Option<Extension<Authenticated>>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let auth = auth.map(|Extension(a)| a);
    let fields = Fields::from_query(raw.as_deref());
    let pairs = fields.pairs();
    let (_, terms) = state.app.directory_vocabulary().await?;
    let asked = fields.trimmed("asked");
    let skipped = fields.trimmed("skip");
    // A question is answered by a value, or by an empty one carried from an earlier skip; the
    // question just asked counts only if it was given a value or skipped on purpose.
    let answered = |name: &str| {
        skipped == name
            || pairs
                .iter()
                .any(|(k, v)| k == name && (!v.trim().is_empty() || asked != name))
    };
    // Check what has been given so far, so a wrong answer is asked again with its error.
    let mut form = FormState::default();
    let checked = parse_search(
        &pairs
            .iter()
            .filter(|(k, _)| k != "skip" && k != "asked")
            .cloned()
            .collect::<Vec<_>>(),
        &terms,
    );
    let bad: Vec<String> = match &checked {
        Err(errors) => errors.iter().map(|e| e.field.clone()).collect(),
        Ok(_) => Vec::new(),
    };
    let postcode = fields.trimmed("postcode");
    let mut postcode_bad = false;
    if !postcode.is_empty()
        && bad.is_empty()
        && state.app.locate_postcode(&postcode).await?.is_none()
    {
        postcode_bad = true;
    }
    let step = GUIDED_STEPS.iter().position(|s| {
        !answered(s.name)
            || bad.iter().any(|b| b == s.name)
            || (s.name == "postcode" && postcode_bad)
    });
    let Some(step) = step else {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs
            .iter()
            .filter(|(k, v)| !v.is_empty() && k != "skip" && k != "asked")
        {
            s.append_pair(k, v);
        }
        if !postcode.is_empty() {
            s.append_pair("distance", "10");
        }
        return Ok(Redirect::to(&format!("/local-offer?{}", s.finish())).into_response());
    };
    let current = &GUIDED_STEPS[step];
    if let Err(errors) = &checked {
        form = FormState::with(
            errors
                .iter()
                .filter(|e| e.field == current.name)
                .cloned()
                .collect(),
        );
    }
    if asked == current.name && !answered(current.name) {
        let message = match current.name {
            "need" | "category" => "Select at least one, or choose Skip this question",
            "age" => "Enter an age from 0 to 25, or choose Skip this question",
            _ => "Enter a postcode, or choose Skip this question",
        };
        form = FormState::with(vec![FieldError::new(current.name, message)]);
    }
    if postcode_bad && current.name == "postcode" {
        form = FormState::with(vec![FieldError::new(
            "postcode",
            "We do not know that postcode. Enter a postcode like NR2 1AB, or the first half, like NR2",
        )]);
    }
    // The form's answers to this question start empty when it has an error, so the family sees
    // what they typed in the field and the message beside it.
    let value = fields.trimmed(current.name);
    let chosen = fields.list(current.name);
    let options = match current.name {
        "need" => choices(&terms, NEEDS_TAXONOMY, &chosen),
        "category" => choices(&terms, CATEGORY_TAXONOMY, &chosen),
        _ => Vec::new(),
    };
    // Earlier answers ride along, empty ones too: an empty answer is a skipped question.
    let mut carried: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != current.name && k != "skip" && k != "asked")
        .cloned()
        .collect();
    if !skipped.is_empty() && skipped != current.name && !carried.iter().any(|(k, _)| *k == skipped)
    {
        carried.push((skipped.clone(), String::new()));
    }
    Ok(render(&GuidedPage {
        chrome: Chrome::local_offer(&state, auth.as_ref(), "/local-offer/guided")
            .with_errors(&form),
        form,
        step: step + 1,
        steps: GUIDED_STEPS.len(),
        name: current.name,
        question: current.question,
        hint: current.hint,
        value,
        options,
        carried,
    }))
}
