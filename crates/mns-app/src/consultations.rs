//! Core Consultations (issue 19): a school asks (or the SEND team asks for it, when a school
//! phones); the SEND team books, records and follows up; the school evaluates. A school sees
//! its own consultations, the SEND team every one with the service's figures; anyone else is
//! answered "not found". Emails say there is an update and link to sign in: no child's details.

use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::{Datelike, NaiveDate};
use mns_domain::consultations::{
    BookingForm, EvaluationForm, FollowUpForm, Problem, Record, Request, Strand, median,
};
use mns_domain::identity::Role;
use mns_domain::permissions::Capability;
use mns_store::{ConsultationRecord, new_id};

fn problems(list: Vec<Problem>) -> AppError {
    AppError::Invalid(
        list.into_iter()
            .map(|(field, message)| FieldError::new(&field, message))
            .collect(),
    )
}

/// A count per strand, or per district.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Demand {
    /// What is counted (a strand's label, or a district).
    pub name: String,
    /// Asked for, not yet booked.
    pub waiting: usize,
    /// Booked, not yet held.
    pub scheduled: usize,
    /// Held.
    pub held: usize,
}

/// The SEND team's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConsultationFigures {
    /// By strand.
    pub by_strand: Vec<Demand>,
    /// By district.
    pub by_district: Vec<Demand>,
    /// Median days from a school's request to its consultation (booked ones).
    pub median_wait_days: Option<i64>,
    /// The longest any request not yet booked has waited, in days.
    pub longest_waiting_days: Option<i64>,
    /// Schools with a consultation held this school year.
    pub schools_reached: usize,
    /// Open schools on the schools list.
    pub open_schools: i64,
    /// Evaluations returned.
    pub evaluations: usize,
    /// Their mean usefulness (1–5).
    pub mean_useful: Option<f64>,
    /// Their mean confidence to act (1–5).
    pub mean_confident: Option<f64>,
    /// How many would recommend it.
    pub recommend: usize,
}

/// The first day of the school year `today` is in (1 September).
fn school_year_start(today: NaiveDate) -> NaiveDate {
    let year = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    NaiveDate::from_ymd_opt(year, 9, 1).unwrap_or(today)
}

impl App {
    fn consultation_in_scope(actor: &Actor, c: &ConsultationRecord) -> bool {
        match actor.role() {
            Role::SendTeam => true,
            Role::School => actor.user.school_urn.as_deref() == Some(c.school_urn.as_str()),
            _ => false,
        }
    }

    /// One consultation the actor may see (404 otherwise).
    pub async fn consultation(&self, actor: &Actor, id: &str) -> AppResult<ConsultationRecord> {
        actor.require(Capability::RequestConsultation)?;
        let c = self
            .store
            .consultation(id)
            .await?
            .filter(|c| Self::consultation_in_scope(actor, c))
            .ok_or(AppError::NotFound)?;
        self.audit_view(actor, "consultation.view", "consultation", id)
            .await?;
        Ok(c)
    }

    /// The consultations the actor sees: a school its own, the SEND team every one.
    pub async fn consultations(&self, actor: &Actor) -> AppResult<Vec<ConsultationRecord>> {
        actor.require(Capability::RequestConsultation)?;
        let school = match actor.role() {
            Role::SendTeam => None,
            _ => Some(actor.user.school_urn.clone().ok_or(AppError::NotFound)?),
        };
        Ok(self.store.consultations(school.as_deref()).await?)
    }

    async fn tell_about_consultation(
        &self,
        tx: &mut mns_store::WriteTx,
        to: &[String],
        subject: &str,
        id: &str,
    ) -> AppResult<()> {
        let body = format!(
            "There is an update to a Core Consultation.\n\nSign in to see it: {}/consultations/{id}\n",
            self.settings.public_url
        );
        for email in to {
            tx.enqueue_message(email, subject, &body, self.now())
                .await?;
        }
        Ok(())
    }

    async fn send_team_emails(&self) -> AppResult<Vec<String>> {
        Ok(self
            .store
            .list_users()
            .await?
            .into_iter()
            .filter(|u| u.role == Role::SendTeam && u.disabled_at.is_none())
            .map(|u| u.email)
            .collect())
    }

    async fn school_emails(&self, urn: &str) -> AppResult<Vec<String>> {
        Ok(self
            .store
            .list_users()
            .await?
            .into_iter()
            .filter(|u| {
                u.role == Role::School
                    && u.school_urn.as_deref() == Some(urn)
                    && u.disabled_at.is_none()
            })
            .map(|u| u.email)
            .collect())
    }

    /// A school asks for a consultation (its own URN), or the SEND team asks for one on a
    /// school's behalf (`urn`, which must be on the schools list). Every problem at once.
    pub async fn request_consultation(
        &self,
        actor: &Actor,
        urn: &str,
        strand: &str,
        request: Request,
    ) -> AppResult<String> {
        actor.require(Capability::RequestConsultation)?;
        let mut errors = Vec::new();
        let urn = match actor.role() {
            Role::School => actor.user.school_urn.clone().ok_or(AppError::NotFound)?,
            _ => {
                let urn = urn.trim().to_string();
                if urn.is_empty() {
                    errors.push(FieldError::new("urn", "Enter the school's URN"));
                } else if self.store.get_school(&urn).await?.is_none() {
                    errors.push(FieldError::new(
                        "urn",
                        format!("No school on the schools list has the URN {urn}"),
                    ));
                }
                urn
            }
        };
        let strand = Strand::parse(strand);
        if strand.is_none() {
            errors.push(FieldError::new("strand", "Select the kind of consultation"));
        }
        let request = match request.checked() {
            Ok(r) => Some(r),
            Err(list) => {
                if let AppError::Invalid(e) = problems(list) {
                    errors.extend(e);
                }
                None
            }
        };
        let (Some(strand), Some(request), true) = (strand, request, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let id = new_id();
        let to = self.send_team_emails().await?;
        let mut tx = self.store.begin().await?;
        tx.insert_consultation(&id, &urn, strand, &request, &actor.user.id, self.now())
            .await?;
        self.audit(
            &mut tx,
            actor,
            "consultation.request",
            "consultation",
            &id,
            strand.as_str(),
        )
        .await?;
        self.tell_about_consultation(
            &mut tx,
            &to,
            "A school has asked for a Core Consultation",
            &id,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Books a consultation (or moves it), and tells the school.
    pub async fn schedule_consultation(
        &self,
        actor: &Actor,
        id: &str,
        form: &BookingForm,
    ) -> AppResult<()> {
        actor.require(Capability::ManageConsultations)?;
        let c = self
            .store
            .consultation(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if c.status == "held" {
            return Err(AppError::invalid("date", "This consultation has been held"));
        }
        let booking = form.parse(self.today()).map_err(problems)?;
        let to = self.school_emails(&c.school_urn).await?;
        let mut tx = self.store.begin().await?;
        tx.schedule_consultation(id, &booking).await?;
        self.audit(
            &mut tx,
            actor,
            "consultation.schedule",
            "consultation",
            id,
            &booking.date.to_string(),
        )
        .await?;
        self.tell_about_consultation(&mut tx, &to, "Your Core Consultation is booked", id)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records what happened at a booked consultation (on or after its day), and asks the
    /// school to say how useful it was. Signposted services must be on the Local Offer.
    pub async fn record_consultation(
        &self,
        actor: &Actor,
        id: &str,
        record: Record,
        follow_ups: &[FollowUpForm],
    ) -> AppResult<()> {
        actor.require(Capability::ManageConsultations)?;
        let c = self
            .store
            .consultation(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let Some(booking) = &c.booking else {
            return Err(AppError::invalid(
                "attended",
                "Book the consultation before recording it",
            ));
        };
        if booking.date > self.today() {
            return Err(AppError::invalid(
                "attended",
                format!(
                    "The consultation is on {}: record it on the day or after",
                    booking.date.format("%-d %B %Y")
                ),
            ));
        }
        let mut errors = Vec::new();
        let mut signposted = Vec::new();
        for (i, s) in record.signposted.iter().enumerate() {
            let id = s
                .trim()
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string();
            if id.is_empty() {
                continue;
            }
            match self.store.directory_service(&id).await? {
                Some(_) => signposted.push(id),
                None => errors.push(FieldError::new(
                    "signposted",
                    format!(
                        "Line {} is not a Local Offer service: paste its page's address",
                        i + 1
                    ),
                )),
            }
        }
        let record = match (Record {
            signposted,
            ..record
        })
        .checked(follow_ups, booking.date)
        {
            Ok(r) if errors.is_empty() => r,
            Ok(_) => return Err(AppError::Invalid(errors)),
            Err(list) => {
                if let AppError::Invalid(e) = problems(list) {
                    errors.splice(0..0, e);
                }
                return Err(AppError::Invalid(errors));
            }
        };
        let to = self.school_emails(&c.school_urn).await?;
        let mut tx = self.store.begin().await?;
        tx.record_consultation(id, &record, self.now()).await?;
        self.audit(
            &mut tx,
            actor,
            "consultation.record",
            "consultation",
            id,
            "",
        )
        .await?;
        self.tell_about_consultation(
            &mut tx,
            &to,
            "Your Core Consultation's recommendations, and a short evaluation",
            id,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Cancels a consultation not yet held: a school its own (withdrawing the request), the
    /// SEND team any. The reason is required; the other side is told.
    pub async fn cancel_consultation(
        &self,
        actor: &Actor,
        id: &str,
        reason: &str,
    ) -> AppResult<()> {
        actor.require(Capability::RequestConsultation)?;
        let c = self
            .store
            .consultation(id)
            .await?
            .filter(|c| Self::consultation_in_scope(actor, c))
            .ok_or(AppError::NotFound)?;
        if matches!(c.status.as_str(), "held" | "cancelled") {
            return Err(AppError::invalid(
                "reason",
                "This consultation has been held or cancelled already",
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "Enter why it is cancelled"));
        }
        if reason.chars().count() > 1000 {
            return Err(AppError::invalid(
                "reason",
                "The reason must be 1,000 characters or fewer",
            ));
        }
        let to = if actor.role() == Role::SendTeam {
            self.school_emails(&c.school_urn).await?
        } else {
            self.send_team_emails().await?
        };
        let mut tx = self.store.begin().await?;
        tx.cancel_consultation(id, reason).await?;
        self.audit(
            &mut tx,
            actor,
            "consultation.cancel",
            "consultation",
            id,
            reason,
        )
        .await?;
        self.tell_about_consultation(&mut tx, &to, "A Core Consultation is cancelled", id)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The school says how useful a held consultation was (once).
    pub async fn evaluate_consultation(
        &self,
        actor: &Actor,
        id: &str,
        form: &EvaluationForm,
    ) -> AppResult<()> {
        if actor.role() != Role::School {
            return Err(AppError::NotFound);
        }
        let c = self
            .store
            .consultation(id)
            .await?
            .filter(|c| Self::consultation_in_scope(actor, c))
            .ok_or(AppError::NotFound)?;
        if c.status != "held" {
            return Err(AppError::invalid(
                "useful",
                "You can evaluate the consultation once it has been held",
            ));
        }
        if c.evaluation.is_some() {
            return Err(AppError::invalid(
                "useful",
                "The school has already evaluated this consultation",
            ));
        }
        let evaluation = form.parse().map_err(problems)?;
        let mut tx = self.store.begin().await?;
        tx.evaluate_consultation(id, &evaluation, self.now())
            .await?;
        self.audit(
            &mut tx,
            actor,
            "consultation.evaluate",
            "consultation",
            id,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The SEND team's figures over every consultation.
    pub async fn consultation_figures(&self, actor: &Actor) -> AppResult<ConsultationFigures> {
        actor.require(Capability::ManageConsultations)?;
        let all = self.store.consultations(None).await?;
        Ok(figures(
            &all,
            self.today(),
            self.store.count_open_schools().await?,
        ))
    }
}

/// The figures over `all` consultations, on `today`, with `open_schools` on the list.
pub fn figures(
    all: &[ConsultationRecord],
    today: NaiveDate,
    open_schools: i64,
) -> ConsultationFigures {
    let count = |name: String, of: &mut dyn Iterator<Item = &ConsultationRecord>| {
        let mut d = Demand {
            name,
            ..Demand::default()
        };
        for c in of {
            match c.status.as_str() {
                "requested" => d.waiting += 1,
                "scheduled" => d.scheduled += 1,
                "held" => d.held += 1,
                _ => {}
            }
        }
        d
    };
    let by_strand = Strand::ALL
        .iter()
        .map(|s| count(s.label().into(), &mut all.iter().filter(|c| c.strand == *s)))
        .collect();
    let mut districts: Vec<String> = all
        .iter()
        .map(|c| c.district.clone().unwrap_or_else(|| "Not known".into()))
        .collect();
    districts.sort();
    districts.dedup();
    let by_district = districts
        .into_iter()
        .map(|d| {
            count(
                d.clone(),
                &mut all
                    .iter()
                    .filter(|c| c.district.clone().unwrap_or_else(|| "Not known".into()) == d),
            )
        })
        .collect();
    let mut waits: Vec<i64> = all
        .iter()
        .filter_map(|c| {
            let day = c.booking.as_ref()?.date;
            Some((day - mns_domain::calendar::uk_local_time(c.requested_at).date()).num_days())
        })
        .collect();
    let longest_waiting_days = all
        .iter()
        .filter(|c| c.status == "requested")
        .map(|c| (today - mns_domain::calendar::uk_local_time(c.requested_at).date()).num_days())
        .max();
    let year_start = school_year_start(today);
    let mut reached: Vec<&str> = all
        .iter()
        .filter(|c| c.status == "held" && c.booking.as_ref().is_some_and(|b| b.date >= year_start))
        .map(|c| c.school_urn.as_str())
        .collect();
    reached.sort();
    reached.dedup();
    let evaluations: Vec<_> = all.iter().filter_map(|c| c.evaluation.as_ref()).collect();
    let mean = |f: &dyn Fn(&mns_domain::consultations::Evaluation) -> u8| {
        (!evaluations.is_empty()).then(|| {
            evaluations.iter().map(|e| f(e) as f64).sum::<f64>() / evaluations.len() as f64
        })
    };
    ConsultationFigures {
        by_strand,
        by_district,
        median_wait_days: median(&mut waits),
        longest_waiting_days,
        schools_reached: reached.len(),
        open_schools,
        evaluations: evaluations.len(),
        mean_useful: mean(&|e| e.useful),
        mean_confident: mean(&|e| e.confident),
        recommend: evaluations.iter().filter(|e| e.recommend).count(),
    }
}
