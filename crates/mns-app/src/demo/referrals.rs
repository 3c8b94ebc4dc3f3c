//! The demo's referrals, in every state of the queue.

use super::*;
use crate::Context as _;
use crate::{Actor, App, AppResult};

impl App {
    /// Referrals in every state: new, draft, waiting for evidence, accepted, declined, waiting
    /// for information, each a few days old so the queue shows days waited.
    pub(super) async fn load_demo_referrals(
        &self,
        coordinator: &Actor,
        schools: &[Actor],
    ) -> AppResult<()> {
        use mns_domain::referral::{
            DecisionOutcome, DeclineReason, EXAMPLE_REFERRAL_JSON, Entered, Referral,
        };
        let today = self.today();
        // (pupil index in PUPILS, school actor, days ago, final state)
        let plan: [(usize, usize, i64, &str); 14] = [
            (0, 0, 3, "submitted"),
            (1, 0, 0, "draft"),
            (2, 0, 20, "accepted"),
            (6, 1, 10, "accepted"),
            (8, 2, 5, "accepted"),
            (12, 2, 30, "accepted"),
            (13, 2, 30, "accepted"),
            (14, 1, 30, "accepted"),
            (15, 0, 30, "accepted"),
            (16, 0, 30, "accepted"),
            (3, 1, 12, "waiting_for_evidence"),
            (4, 1, 16, "declined"),
            (5, 1, 9, "information_requested"),
            (7, 2, 1, "submitted"),
        ];
        for (pupil_index, school_index, days_ago, state) in plan {
            let (given, family, born, urn, stem) = PUPILS[pupil_index];
            let school = &schools[school_index];
            let dob = demo_date_of_birth(born, today)?;
            let mut form: Referral =
                serde_json::from_str(EXAMPLE_REFERRAL_JSON).context("example referral")?;
            form.pupil.first_name = given.into();
            form.pupil.last_name = family.into();
            form.pupil.date_of_birth = Some(dob);
            form.pupil.upn = upn_for(stem).map(Entered::new);
            form.pupil.year_group = Some(mns_domain::calendar::year_group(
                dob,
                mns_domain::calendar::SchoolYear::containing(today),
            ));
            form.school.name = SCHOOLS
                .iter()
                .find(|s| s.0 == urn)
                .map(|s| s.1.to_string())
                .unwrap_or_default();
            let referral_day = today - chrono::Duration::days(days_ago);
            if let Some(evidence) = form.evidence.first_mut() {
                evidence.date_seen = Some(referral_day - chrono::Duration::days(20));
            }
            form.healthy_child_programme.contacted_on =
                Some(referral_day - chrono::Duration::days(30));
            form.consent.given_on = Some(referral_day - chrono::Duration::days(5));
            form.referral_date = Some(referral_day);
            let draft = self.start_referral(school).await?;
            let id = draft.record.id.clone();
            if state == "draft" {
                let mut partial = Referral::default();
                partial.pupil.first_name = given.into();
                partial.pupil.last_name = family.into();
                partial.pupil.date_of_birth = Some(dob);
                self.save_referral(school, &id, partial).await?;
                continue;
            }
            let letter = crate::letters::render(&crate::letters::Letter {
                council: "Norfolk and Waveney Children's Services (demo)".into(),
                service: "Paediatric outpatients".into(),
                date: referral_day.format("%-d %B %Y").to_string(),
                title: format!("Clinic letter: {given} {family}"),
                blocks: vec![
                    crate::letters::Block::Paragraph("Invented demo evidence. I saw this young person in clinic today with their parent.".into()),
                    crate::letters::Block::Paragraph("Diagnosis and treatment: Crohn's disease, severe flare, on steroids; surgery planned. They are not well enough to attend school for a full day.".into()),
                ],
            });
            self.store_document(
                school,
                crate::referrals::REFERRAL,
                &id,
                "clinic-letter.pdf",
                &letter,
            )
            .await?;
            self.save_referral(school, &id, form).await?;
            // Submission needs the attendance export (MN-REF-4).
            let upn = upn_for(stem).unwrap_or_default();
            self.attach_attendance(
                school,
                &id,
                "attendance.csv",
                demo_attendance_export(&upn, referral_day).as_bytes(),
            )
            .await?;
            self.submit_referral(school, &id).await?;
            // Back-date the referral so the demo's queue shows days waited.
            if let Some(mut record) = self.store.get_referral(&id).await? {
                record.referral_date = Some(referral_day);
                let mut stored: Referral =
                    serde_json::from_str(&record.form_json).context("demo referral")?;
                stored.referral_date = Some(referral_day);
                record.form_json = serde_json::to_string(&stored).context("demo referral")?;
                let mut tx = self.store.begin().await?;
                tx.save_referral(&record).await?;
                tx.commit().await?;
            }
            match state {
                "waiting_for_evidence" => {
                    self.set_waiting_for_evidence(
                        coordinator,
                        &id,
                        Some(referral_day + chrono::Duration::days(2)),
                    )
                    .await?;
                }
                "accepted" => {
                    self.decide_referral(coordinator, &id, DecisionOutcome::Accept)
                        .await?;
                }
                "declined" => {
                    let outcome = DecisionOutcome::Decline {
                        reasons: vec![DeclineReason::NeedMetBySchool],
                        explanation: "The school's reduced timetable and online work meet the need for now; refer again if absence continues.".into(),
                    };
                    self.decide_referral(coordinator, &id, outcome).await?;
                }
                "information_requested" => {
                    let outcome = DecisionOutcome::AskForInformation {
                        questions: vec![
                            "Please send the consultant's letter from the October appointment."
                                .into(),
                        ],
                    };
                    self.decide_referral(coordinator, &id, outcome).await?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// A demo attendance export (one row per session) for the six weeks before the referral date:
/// present for three weeks, then ill (code I) for three, so the absence checks have figures.
fn demo_attendance_export(upn: &str, referral_day: NaiveDate) -> String {
    use chrono::Weekday;
    use std::fmt::Write as _;
    let mut csv = String::from("UPN,Date,Session,Mark\n");
    let first = referral_day - chrono::Duration::days(42);
    for offset in 0..42 {
        let day = first + chrono::Duration::days(offset);
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        let (am, pm) = if offset >= 21 {
            ("I", "I")
        } else {
            ("/", "\\")
        };
        let _ = writeln!(csv, "{upn},{day},AM,{am}\n{upn},{day},PM,{pm}");
    }
    csv
}
