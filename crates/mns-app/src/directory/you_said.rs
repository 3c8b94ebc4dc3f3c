//! "You said, we did" (issue 19): the Local Offer officer records comments gathered at events,
//! consultations and elsewhere beside those left online, themes and moderates each (publish
//! with the council's answer, or withhold with the reason), and downloads the year's report;
//! the public page lists what was published.

use super::families::new_feedback;
use super::is_local_offer_officer;
use crate::reports::ExportFormat;
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::NaiveDate;
use mns_domain::directory::feedback::{FeedbackSource, ModerationForm, Theme, WithheldReason};
use mns_store::FeedbackRecord;

/// A comment the officer gathered in person, as typed.
#[derive(Debug, Clone, Default)]
pub struct GatheredFeedback {
    /// The source's stored form (an event, a consultation or other).
    pub source: String,
    /// The event's id, for a comment made at one.
    pub event_id: String,
    /// What was said.
    pub comment: String,
}

/// What a year's comments came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackYear {
    /// Comments received.
    pub received: usize,
    /// Published with an answer.
    pub published: usize,
    /// Withheld, by reason.
    pub withheld: Vec<(WithheldReason, usize)>,
    /// Not yet moderated.
    pub pending: usize,
}

fn year_bounds(year: i32) -> AppResult<(String, String)> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| AppError::invalid("year", "Enter a year, like 2026"))?;
    let end = NaiveDate::from_ymd_opt(year + 1, 1, 1)
        .ok_or_else(|| AppError::invalid("year", "Enter a year, like 2026"))?;
    Ok((
        mns_store::ts(start.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        mns_store::ts(end.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
    ))
}

impl App {
    /// What a comment is about: the service's name, the event's title, or where it came from.
    pub(crate) async fn feedback_subject(&self, f: &FeedbackRecord) -> AppResult<String> {
        if let Some(id) = &f.service_id
            && let Some(e) = self.store.directory_service(id).await?
        {
            return Ok(e.service.name);
        }
        if let Some(id) = &f.event_id
            && let Some(e) = self.store.event(id).await?
        {
            return Ok(format!("At {}", e.event.title));
        }
        Ok(f.source.label().to_string())
    }

    /// Records a comment the officer gathered at an event, a consultation or elsewhere.
    pub async fn record_feedback(
        &self,
        actor: &Actor,
        form: &GatheredFeedback,
    ) -> AppResult<String> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        let mut errors = Vec::new();
        let source = FeedbackSource::parse(&form.source)
            .filter(|s| !matches!(s, FeedbackSource::Service | FeedbackSource::Website));
        if source.is_none() {
            errors.push(FieldError::new(
                "source",
                "Select where the comment was made",
            ));
        }
        let event_id = form.event_id.trim();
        if source == Some(FeedbackSource::Event) {
            if event_id.is_empty() {
                errors.push(FieldError::new("event_id", "Select the event"));
            } else if self.store.event(event_id).await?.is_none() {
                errors.push(FieldError::new("event_id", "Select an event from the list"));
            }
        }
        let comment = form.comment.trim();
        if comment.is_empty() {
            errors.push(FieldError::new("comment", "Enter what was said"));
        } else if comment.chars().count() > 2000 {
            errors.push(FieldError::new(
                "comment",
                "The comment must be 2,000 characters or fewer",
            ));
        }
        let Some(source) = source.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let record = FeedbackRecord {
            event_id: (source == FeedbackSource::Event).then(|| event_id.to_string()),
            recorded_by: Some(actor.user.id.clone()),
            ..new_feedback(source, comment, self.now())
        };
        let mut tx = self.store.begin().await?;
        tx.insert_feedback(&record).await?;
        self.audit(
            &mut tx,
            actor,
            "directory.feedback.record",
            "local_offer_feedback",
            &record.id,
            source.as_str(),
        )
        .await?;
        tx.commit().await?;
        Ok(record.id)
    }

    /// One comment for the officer to moderate, with what it is about (audited: a comment
    /// may carry a family's details).
    pub async fn feedback_for_moderation(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(FeedbackRecord, String)> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        let f = self
            .store
            .feedback_item(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let about = self.feedback_subject(&f).await?;
        self.audit_view(actor, "directory.feedback.view", "local_offer_feedback", id)
            .await?;
        Ok((f, about))
    }

    /// Publishes a comment with the council's answer, or withholds it with the reason; a
    /// published one can be answered again as the action moves on.
    pub async fn moderate_feedback(
        &self,
        actor: &Actor,
        id: &str,
        form: &ModerationForm,
    ) -> AppResult<()> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        self.store
            .feedback_item(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let decision = form.parse().map_err(|problems| {
            AppError::Invalid(
                problems
                    .into_iter()
                    .map(|(field, message)| FieldError::new(field, message))
                    .collect(),
            )
        })?;
        let mut tx = self.store.begin().await?;
        if !tx
            .moderate_feedback(id, &decision, &actor.user.id, self.now())
            .await?
        {
            return Err(AppError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            "directory.feedback.moderate",
            "local_offer_feedback",
            id,
            &form.decision,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What has been published, most recently answered first (public).
    pub async fn published_feedback(&self) -> AppResult<Vec<FeedbackRecord>> {
        Ok(self.store.published_feedback().await?)
    }

    /// What a year's comments came to (public: counts only).
    pub async fn feedback_year(&self, year: i32) -> AppResult<FeedbackYear> {
        let (from, to) = year_bounds(year)?;
        let items = self.store.feedback_between(&from, &to).await?;
        let mut out = FeedbackYear {
            received: items.len(),
            ..FeedbackYear::default()
        };
        for reason in WithheldReason::ALL {
            let n = items
                .iter()
                .filter(|f| f.moderation == "withheld" && f.withheld_reason == Some(*reason))
                .count();
            if n > 0 {
                out.withheld.push((*reason, n));
            }
        }
        out.published = items.iter().filter(|f| f.moderation == "published").count();
        out.pending = items.iter().filter(|f| f.moderation == "pending").count();
        Ok(out)
    }

    /// The year's "You said, we did" report (the Code of Practice's annual publication): every
    /// comment received in `year` by theme, with the published wording and answer; withheld
    /// ones only by theme and reason, and never a comment's own words or an email address.
    pub async fn feedback_report(
        &self,
        actor: &Actor,
        year: &str,
        format: ExportFormat,
    ) -> AppResult<(String, Vec<u8>)> {
        if !is_local_offer_officer(actor) {
            return Err(AppError::NotFound);
        }
        let year: i32 = year
            .trim()
            .parse()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| AppError::invalid("year", "Enter a year, like 2026"))?;
        let (from, to) = year_bounds(year)?;
        let items = self.store.feedback_between(&from, &to).await?;
        let mut rows = vec![
            [
                "Received",
                "Where",
                "Theme",
                "Decision",
                "You said",
                "We did",
                "Status",
                "Why not published",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for f in &items {
            let theme = f.theme.map(Theme::label).unwrap_or("Not themed");
            let decision = match f.moderation.as_str() {
                "published" => "Published",
                "withheld" => "Not published",
                _ => "Not yet moderated",
            };
            rows.push(vec![
                f.created_at.get(..10).unwrap_or_default().to_string(),
                f.source.label().into(),
                theme.into(),
                decision.into(),
                f.you_said.clone().unwrap_or_default(),
                f.we_did.clone().unwrap_or_default(),
                f.action_status
                    .map(|s| s.label())
                    .unwrap_or_default()
                    .into(),
                f.withheld_reason
                    .map(|r| r.label())
                    .unwrap_or_default()
                    .into(),
            ]);
        }
        rows.push(Vec::new());
        rows.push(vec!["Theme".into(), "Received".into(), "Published".into()]);
        for theme in Theme::ALL {
            let of: Vec<&FeedbackRecord> =
                items.iter().filter(|f| f.theme == Some(*theme)).collect();
            if !of.is_empty() {
                rows.push(vec![
                    theme.label().into(),
                    of.len().to_string(),
                    of.iter()
                        .filter(|f| f.moderation == "published")
                        .count()
                        .to_string(),
                ]);
            }
        }
        // One width for every row (a CSV's records are all the same length).
        for row in &mut rows {
            row.resize(8, String::new());
        }
        let bytes = format.bytes("You said, we did", &rows)?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "directory.feedback.report",
            "local_offer_feedback",
            &year.to_string(),
            format.extension(),
        )
        .await?;
        tx.commit().await?;
        Ok((format!("you-said-we-did-{year}"), bytes))
    }
}
