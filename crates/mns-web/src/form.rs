//! Reading what a browser sent, and answering a form with problems: one way each.
//!
//! [`Fields`] is every name and value of a form body or a query string, in order, a name as
//! often as it was sent. A page reads it into typed values (its own form struct, or a domain
//! type through `TryFrom`) with the readers here: text, a closed-list choice, yes or no, a
//! GOV.UK date input, hours. A reader that finds a value it cannot read pushes a
//! [`FieldError`] naming the field, so that every problem is shown at once.
//!
//! A form with problems is shown again, with the problems and what was typed, with status 422:
//! [`redirect_or_show_again`] after an operation (redirect when it worked), [`show_again`] when
//! what follows success is not a redirect, and [`with_status_422`] for a page that is only
//! shown again.

use crate::errors::PageError;
use crate::pages::PageResult;
use crate::pages::referral_form::questions::{from_key, parse_date};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use mns_app::{AppError, AppResult, FieldError};
use mns_domain::referral::Entered;
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::Future;
use std::str::FromStr;

/// A form as sent: every name and value, in order; a name may come more than once (ticked
/// checkboxes that share a name). A page shown again keeps its `Fields` to show what was typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(Vec<(String, String)>);

impl From<Vec<(String, String)>> for Fields {
    fn from(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = BytesRejection;

    /// Reads the request's body as a URL-encoded form.
    async fn from_request(request: Request, state: &S) -> Result<Fields, BytesRejection> {
        let body = Bytes::from_request(request, state).await?;
        Ok(Fields::from_body(&body))
    }
}

impl Fields {
    /// Parses a URL-encoded form body.
    pub fn from_body(body: &[u8]) -> Fields {
        Fields(form_urlencoded::parse(body).into_owned().collect())
    }

    /// Parses a query string (the part of the URL after `?`, if there is one).
    pub fn from_query(query: Option<&str>) -> Fields {
        Fields::from_body(query.unwrap_or_default().as_bytes())
    }

    /// Every name and value, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// The first value of `name`, if it was sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, or "" if it was not sent.
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or_default()
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of `name` without surrounding spaces, or "" if it was not sent.
    pub fn trimmed(&self, name: &str) -> String {
        self.text(name).trim().to_string()
    }

    /// Every value of `name`, each split at commas and trimmed (a link may carry
    /// `need=autism,adhd` as well as `need=autism&need=adhd`).
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.all(name)
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect()
    }

    /// Whether `name` was sent with `value` (a ticked box or a chosen radio).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// A yes-or-no answer: `Some` if `name` was sent as `yes` or `no`.
    pub fn yes_no(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        }
    }

    /// A choice from a closed list sent as its snake_case name, if a valid one was sent.
    pub fn choice<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        self.get(name).and_then(from_key)
    }

    /// A GOV.UK date input's date, from `name-day`, `name-month` and `name-year`: `None` when
    /// nothing was entered; a date that is not real (named as in `label`, e.g. "The start
    /// date") is a problem with `name`, added to `errors`.
    pub fn date(&self, name: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
        match parse_date(
            self.text(&format!("{name}-day")),
            self.text(&format!("{name}-month")),
            self.text(&format!("{name}-year")),
            label,
        ) {
            Ok(date) => date,
            Err(message) => {
                errors.push(FieldError::new(name, message));
                None
            }
        }
    }

    /// Hours from `name`: `None` when blank; a problem added to `errors` when not a number of
    /// hours (named as in `label`).
    pub fn hours(&self, name: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<f64> {
        let text = self.text(name).trim();
        if text.is_empty() {
            return None;
        }
        match text.parse::<f64>() {
            Ok(h) if h.is_finite() && h >= 0.0 => Some(h),
            _ => {
                errors.push(FieldError::new(
                    name,
                    format!("{label} must be a number of hours, like 2 or 2.5"),
                ));
                None
            }
        }
    }

    // Changing a draft: a field that was not sent leaves the draft as it was (a browser sends
    // every text input on a page, so an absent field is one the page did not show).

    /// Sets `target` to the text sent for `name`, as typed, if it was sent.
    pub fn set_text(&self, name: &str, target: &mut String) {
        if let Some(value) = self.get(name) {
            *target = value.to_string();
        }
    }

    /// Sets an optional yes-or-no answer, if one was sent.
    pub fn set_answer(&self, name: &str, target: &mut Option<bool>) {
        if let Some(answer) = self.yes_no(name) {
            *target = Some(answer);
        }
    }

    /// Sets an identifier to the text typed, kept even when it is not valid (a draft keeps what
    /// was entered; the problem is shown with the field). Nothing typed clears it.
    pub fn set_entered<T>(&self, name: &str, target: &mut Option<Entered<T>>)
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        if let Some(text) = self.get(name) {
            *target = (!text.trim().is_empty()).then(|| Entered::new(text));
        }
    }

    /// Sets a date from its day, month and year, if all three were sent. All three left empty
    /// clears it; a date that is not real is a problem (named as in `label`, e.g. "Date of
    /// birth") added to `errors`, and leaves it as it was.
    pub fn set_date(
        &self,
        name: &str,
        label: &str,
        target: &mut Option<NaiveDate>,
        errors: &mut Vec<FieldError>,
    ) {
        let part = |p: &str| self.get(&format!("{name}-{p}"));
        let (Some(day), Some(month), Some(year)) = (part("day"), part("month"), part("year"))
        else {
            return;
        };
        match parse_date(day, month, year, label) {
            Ok(date) => *target = date,
            Err(message) => errors.push(FieldError::new(name, message)),
        }
    }

    // Filling a form in, to show what is stored.

    /// Makes `value` the only value of `name`.
    pub fn put(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_string(), value.into()));
    }

    /// Puts a date into a GOV.UK date input's three fields; no date leaves them as they are.
    pub fn put_date(&mut self, name: &str, date: Option<NaiveDate>) {
        if let Some(d) = date {
            self.put(&format!("{name}-day"), d.format("%-d").to_string());
            self.put(&format!("{name}-month"), d.format("%-m").to_string());
            self.put(&format!("{name}-year"), d.format("%Y").to_string());
        }
    }
}

/// The problems a page found in its own fields (dates that are not real) first, then the
/// operation's for the other fields: one list, so the form shows every problem at once.
pub fn with_own_problems<T>(result: AppResult<T>, mut errors: Vec<FieldError>) -> AppResult<T> {
    if errors.is_empty() {
        return result;
    }
    if let Err(AppError::Invalid(problems)) = result {
        let more: Vec<FieldError> = problems
            .into_iter()
            .filter(|p| !errors.iter().any(|e| e.field == p.field))
            .collect();
        errors.extend(more);
    }
    Err(AppError::Invalid(errors))
}

/// A page shown again because its form has problems: status 422.
pub fn with_status_422(mut page: Response) -> Response {
    *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    page
}

/// After a form's operation failed: on `AppError::Invalid(problems)`, shows the page again
/// (built by `again`, with the problems) with status 422; any other error is returned.
pub async fn show_again<F, Fut>(error: AppError, again: F) -> PageResult
where
    F: FnOnce(Vec<FieldError>) -> Fut,
    Fut: Future<Output = PageResult>,
{
    match error {
        AppError::Invalid(problems) => Ok(with_status_422(again(problems).await?)),
        e => Err(PageError(e)),
    }
}

/// Redirects to `to` when `result` is Ok; on `AppError::Invalid(problems)` shows the page
/// again (built by `again`) with status 422; any other error is returned.
pub async fn redirect_or_show_again<T, F, Fut>(
    result: AppResult<T>,
    to: impl FnOnce(T) -> String,
    again: F,
) -> PageResult
where
    F: FnOnce(Vec<FieldError>) -> Fut,
    Fut: Future<Output = PageResult>,
{
    match result {
        Ok(value) => Ok(Redirect::to(&to(value)).into_response()),
        Err(e) => show_again(e, again).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_order_and_repeated_names() {
        let fields = Fields::from_body(b"a=1&b=two+words&a=3&c=&d=%C3%A9");
        assert_eq!(fields.get("a"), Some("1"));
        assert_eq!(fields.all("a"), vec!["1", "3"]);
        assert_eq!(fields.text("b"), "two words");
        assert_eq!(fields.get("c"), Some(""));
        assert_eq!(fields.get("missing"), None);
        assert_eq!(fields.text("missing"), "");
        assert_eq!(fields.text("d"), "é");
        assert!(fields.has("a", "3"));
        assert!(!fields.has("a", "2"));
        assert_eq!(fields.pairs().len(), 5);
        assert_eq!(Fields::from_query(None), Fields::default());
        assert_eq!(Fields::from_query(Some("page=2")).text("page"), "2");
    }

    #[test]
    fn a_date_input_reads_its_three_parts_and_names_the_field_with_a_problem() {
        let fields = Fields::from_body(
            b"start-day=2&start-month=11&start-year=2026&end-day=31&end-month=2&end-year=2026",
        );
        let mut errors = Vec::new();
        assert_eq!(
            fields.date("start", "The start date", &mut errors),
            NaiveDate::from_ymd_opt(2026, 11, 2)
        );
        assert_eq!(fields.date("absent", "The end", &mut errors), None);
        assert!(errors.is_empty());
        assert_eq!(fields.date("end", "The end date", &mut errors), None);
        assert_eq!(
            errors,
            vec![FieldError::new("end", "The end date must be a real date")]
        );
    }

    #[test]
    fn a_date_not_sent_leaves_a_draft_as_it_was() {
        let was = NaiveDate::from_ymd_opt(2015, 1, 1);
        let mut date = was;
        let mut errors = Vec::new();
        Fields::default().set_date("dob", "Date of birth", &mut date, &mut errors);
        assert_eq!(date, was);
        Fields::from_body(b"dob-day=&dob-month=&dob-year=").set_date(
            "dob",
            "Date of birth",
            &mut date,
            &mut errors,
        );
        assert_eq!(date, None);
        assert!(errors.is_empty());
    }

    #[test]
    fn hours_are_a_number_or_a_problem() {
        let fields = Fields::from_body(b"a=2.5&b=&c=lots&d=-1");
        let mut errors = Vec::new();
        assert_eq!(fields.hours("a", "Hours", &mut errors), Some(2.5));
        assert_eq!(fields.hours("b", "Hours", &mut errors), None);
        assert!(errors.is_empty());
        assert_eq!(fields.hours("c", "Hours", &mut errors), None);
        assert_eq!(fields.hours("d", "Hours", &mut errors), None);
        assert_eq!(
            errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["c", "d"]
        );
    }

    #[test]
    fn yes_no_and_choices() {
        let fields = Fields::from_body(b"x=yes&y=no&z=maybe&t=academy_special");
        assert_eq!(fields.yes_no("x"), Some(true));
        assert_eq!(fields.yes_no("y"), Some(false));
        assert_eq!(fields.yes_no("z"), None);
        assert_eq!(
            fields.choice::<mns_domain::referral::SchoolType>("t"),
            Some(mns_domain::referral::SchoolType::AcademySpecial)
        );
        assert_eq!(fields.choice::<mns_domain::referral::SchoolType>("z"), None);
    }

    #[test]
    fn a_form_filled_in_shows_one_value_a_name() {
        let mut fields = Fields::from_body(b"a=1&a=2");
        fields.put("a", "3");
        fields.put_date("d", NaiveDate::from_ymd_opt(2026, 3, 7));
        assert_eq!(fields.all("a"), vec!["3"]);
        assert_eq!(
            (
                fields.text("d-day"),
                fields.text("d-month"),
                fields.text("d-year")
            ),
            ("7", "3", "2026")
        );
    }

    #[tokio::test]
    async fn an_invalid_result_shows_the_page_again_with_422_and_others_pass_through() {
        let again = |problems: Vec<FieldError>| async move {
            Ok(format!("{} problems", problems.len()).into_response())
        };
        let shown = redirect_or_show_again::<(), _, _>(
            Err(AppError::invalid("a", "Enter a")),
            |()| "/done".into(),
            again,
        )
        .await
        .unwrap();
        assert_eq!(shown.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let done = redirect_or_show_again(Ok(7), |n| format!("/done/{n}"), again)
            .await
            .unwrap();
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
        assert_eq!(done.headers()["location"], "/done/7");
        let other =
            redirect_or_show_again::<(), _, _>(Err(AppError::NotFound), |()| "/".into(), again)
                .await
                .unwrap_err();
        assert!(matches!(other.0, AppError::NotFound));
    }
}
