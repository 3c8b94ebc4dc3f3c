//! What a decided referral leaves behind: the decision letter (for the school, council staff
//! and the child's parents, MN-ROLE-3) and the outcomes a child's page lists.

use super::*;

/// A decided referral as a child's page shows it (MN-ROLE-3: what a parent is owed).
#[derive(Debug, Clone)]
pub struct ReferralOutcome {
    /// The referral's id (its letter is at `/referrals/{id}/letter.pdf`).
    pub id: String,
    /// When it was made.
    pub referral_date: Option<NaiveDate>,
    /// When it was decided.
    pub decided_at: Option<chrono::DateTime<Utc>>,
    /// Accepted or declined.
    pub status: Status,
    /// The case it opened, when accepted.
    pub case_id: Option<String>,
}

impl App {
    /// A decided referral of a parent's own child (MN-ROLE-3): parents are owed the outcome and
    /// its letter, not the form. `NotFound` for anyone else.
    async fn referral_for_parent(&self, actor: &Actor, id: &str) -> AppResult<ReferralView> {
        let record = self
            .store
            .get_referral(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let Some(pupil) = &record.pupil_id else {
            return Err(AppError::NotFound);
        };
        let parent = actor.role() == Role::Parent
            && self
                .store
                .pupil_link(&actor.user.id, pupil, self.today())
                .await?
                .as_deref()
                == Some("parent");
        let decided = matches!(
            Status::parse(&record.status),
            Some(Status::Accepted | Status::Declined)
        );
        if !(parent && decided) {
            return Err(AppError::NotFound);
        }
        App::view_of(record, actor.role(), false)
    }

    /// The decided referrals of a child, for their page: what a parent is owed (the outcome,
    /// its date and its letter) and what council staff and the school see alike. For the page
    /// that has just viewed (and audited) the child's record; `NotFound` outside scope.
    pub async fn referral_outcomes(
        &self,
        actor: &Actor,
        pupil_id: &str,
    ) -> AppResult<Vec<ReferralOutcome>> {
        let pupil = self.pupil_for(actor, pupil_id).await?;
        let may = match actor.child_scope() {
            ChildScope::Every | ChildScope::OwnSchool => true,
            ChildScope::Linked => {
                actor.role() == Role::Parent
                    && self
                        .store
                        .pupil_link(&actor.user.id, &pupil.id, self.today())
                        .await?
                        .as_deref()
                        == Some("parent")
            }
            ChildScope::None => false,
        };
        if !may {
            return Ok(Vec::new());
        }
        let mut outcomes = Vec::new();
        for record in self.store.referrals_of_pupil(&pupil.id).await? {
            let Some(status) = Status::parse(&record.status) else {
                continue;
            };
            // A school sees its own referrals only, even for a pupil who has moved to it.
            if actor.child_scope() == ChildScope::OwnSchool
                && (actor.user.school_urn.is_none() || record.school_urn != actor.user.school_urn)
            {
                continue;
            }
            if !matches!(status, Status::Accepted | Status::Declined) {
                continue;
            }
            outcomes.push(ReferralOutcome {
                id: record.id.clone(),
                referral_date: record.referral_date,
                decided_at: record.decided_at,
                status,
                case_id: (status == Status::Accepted).then(|| record.id.clone()),
            });
        }
        Ok(outcomes)
    }
}

impl App {
    /// The decision letter for a referral's latest decision (accept or decline), as PDF. It
    /// carries what the school and the parent may see: the pupil's name and date of birth, the
    /// school, the dates and the decision with its reasons, and nothing of the medical evidence.
    pub async fn decision_letter(&self, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
        let view = match self.referral_in_scope(actor, id).await {
            Err(AppError::NotFound) => self.referral_for_parent(actor, id).await?,
            other => other?,
        };
        let decision = self
            .store
            .decisions_for(id)
            .await?
            .into_iter()
            .rev()
            .find(|d| d.decision != "ask_for_information")
            .ok_or(AppError::NotFound)?;
        self.audit_view(actor, "referral.letter", "referral", id)
            .await?;
        let day = |d: NaiveDate| d.format("%-d %B %Y").to_string();
        let pupil = &view.form.pupil;
        let mut blocks = vec![
            crate::letters::Block::Field(
                "Pupil".into(),
                format!("{} {}", pupil.first_name, pupil.last_name),
            ),
            crate::letters::Block::Field(
                "Date of birth".into(),
                pupil.date_of_birth.map(day).unwrap_or_default(),
            ),
            crate::letters::Block::Field("School".into(), view.form.school.name.clone()),
            crate::letters::Block::Field(
                "Referral received".into(),
                view.record.referral_date.map(day).unwrap_or_default(),
            ),
            crate::letters::Block::Field(
                "Decided".into(),
                mns_domain::calendar::format_uk_datetime(decision.decided_at),
            ),
            crate::letters::Block::Gap,
            crate::letters::Block::Heading("Our decision".into()),
        ];
        if decision.decision == "accept" {
            blocks.push(crate::letters::Block::Paragraph(
                "We have accepted this referral. The school will now arrange an initial planning meeting with the family, the school, the Medical Needs Service and the health professional who gave the evidence, to agree a package of education.".into(),
            ));
            blocks.push(crate::letters::Block::Heading("What happens next".into()));
            blocks.push(crate::letters::Block::Bullet(
                "The school arranges the planning meeting and tells everyone the date and place."
                    .into(),
            ));
            blocks.push(crate::letters::Block::Bullet("Until provision starts, the school keeps supporting the pupil's learning and doing welfare checks.".into()));
            blocks.push(crate::letters::Block::Bullet(format!(
                "Provision is arranged for an initial period of {} school weeks, with a review by school week {}.",
                self.policy().initial_period_weeks, self.policy().review_due_by_week
            )));
        } else {
            blocks.push(crate::letters::Block::Paragraph(
                "We have not accepted this referral, for these reasons:".into(),
            ));
            let reasons: Vec<mns_domain::referral::DeclineReason> =
                serde_json::from_str(&decision.reasons_json).unwrap_or_default();
            for reason in reasons {
                blocks.push(crate::letters::Block::Bullet(
                    decline_reason_label(reason).into(),
                ));
            }
            if !decision.note.trim().is_empty() {
                blocks.push(crate::letters::Block::Paragraph(decision.note.clone()));
            }
            blocks.push(crate::letters::Block::Paragraph(
                "The school can refer again if the pupil's health or absence changes. Parents and carers can ask the Medical Needs Coordinator to explain this decision.".into(),
            ));
        }
        blocks.push(crate::letters::Block::Paragraph(format!(
            "If you have questions, contact the Medical Needs Coordinator at {}.",
            self.settings.coordinator_email
        )));
        Ok(crate::letters::render(&crate::letters::Letter {
            council: self.settings.council_name.clone(),
            service: "Medical Needs Service".into(),
            date: day(mns_domain::calendar::uk_local_time(decision.decided_at).date()),
            title: "Decision on a Medical Needs referral".into(),
            blocks,
        }))
    }
}
