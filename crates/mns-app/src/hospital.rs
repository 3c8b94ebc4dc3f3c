//! Special situations on a case: SEND details (MN-SEND-1), in-patient episodes with discharge
//! planning (MN-HOSP-1), and invoices from privately funded hospitals, payable only with
//! evidence of admission, the timetable and attendance (MN-HOSP-2).

use crate::Context as _;
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::NaiveDate;
use mns_domain::provision::CaseAction;
use mns_domain::provision::InvoiceStatus;
use mns_domain::provision::{SendDetails, discharge_opens_planning, invoice_payable};
use mns_store::{EpisodeRecord, InvoiceRecord, new_id};

/// An invoice with what it still lacks, for the finance list (no child's name: finance sees
/// no child's record).
#[derive(Debug, Clone)]
pub struct InvoiceLine {
    /// The invoice.
    pub invoice: InvoiceRecord,
    /// What is missing before it may be paid (empty when payable or paid).
    pub missing: Vec<&'static str>,
}

fn missing_of(i: &InvoiceRecord) -> Vec<&'static str> {
    invoice_payable(
        i.has_admission_evidence != 0,
        i.has_timetable != 0,
        i.has_attendance != 0,
    )
    .err()
    .unwrap_or_default()
}

/// Reads an amount like `1,250.00` or `£980` into pence (the domain's, shared with the
/// price list).
pub use mns_domain::outcomes::costs::parse_pounds;

impl InvoiceLine {
    /// An invoice with what it lacks, if it is held (MN-HOSP-2).
    fn of(invoice: InvoiceRecord) -> InvoiceLine {
        InvoiceLine {
            missing: if invoice.status == InvoiceStatus::Held {
                missing_of(&invoice)
            } else {
                Vec::new()
            },
            invoice,
        }
    }
}

impl App {
    /// A case's special situations (SEND details, hospital episodes) and its invoices, for
    /// whom the table says ([`CaseAction::ReadSpecialSituations`], [`CaseAction::ReadInvoices`]).
    /// Anyone else, or a case out of scope, is `NotFound`.
    async fn special_situations_in_scope(
        &self,
        actor: &Actor,
        case_id: &str,
        invoices: bool,
    ) -> AppResult<()> {
        let action = if invoices {
            CaseAction::ReadInvoices
        } else {
            CaseAction::ReadSpecialSituations
        };
        if !action.allowed_for(actor.role()) {
            return Err(AppError::NotFound);
        }
        self.case_in_scope(actor, case_id).await.map(|_| ())
    }

    fn may_work_cases(actor: &Actor) -> AppResult<()> {
        if CaseAction::RecordSpecialSituations.allowed_for(actor.role()) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// A case's SEND details (MN-SEND-1), for council staff and the school.
    pub async fn send_details(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> AppResult<Option<SendDetails>> {
        self.special_situations_in_scope(actor, case_id, false)
            .await?;
        Ok(match self.store.send_details(case_id).await? {
            Some(json) => Some(serde_json::from_str(&json).context("stored SEND details")?),
            None => None,
        })
    }

    /// Records the case's SEND details (MN-SEND-1): the coordinator or a caseworker.
    pub async fn set_send_details(
        &self,
        actor: &Actor,
        case_id: &str,
        details: SendDetails,
    ) -> AppResult<()> {
        Self::may_work_cases(actor)?;
        self.view_case(actor, case_id).await?;
        if details.has_ehcp
            && details
                .ehcp_coordinator
                .as_deref()
                .is_none_or(|c| c.trim().is_empty())
        {
            return Err(AppError::invalid(
                "ehcp_coordinator",
                "Enter the name of the EHCP coordinator",
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.save_send_details(
            case_id,
            &serde_json::to_string(&details).context("writing SEND details")?,
            self.now(),
        )
        .await?;
        self.audit(&mut tx, actor, "case.send_details", "case", case_id, "")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A case's in-patient episodes, for council staff and the school.
    pub async fn episodes(&self, actor: &Actor, case_id: &str) -> AppResult<Vec<EpisodeRecord>> {
        self.special_situations_in_scope(actor, case_id, false)
            .await?;
        Ok(self.store.episodes(case_id).await?)
    }

    /// Records an admission (MN-HOSP-1). The authority stays responsible: the case is not
    /// closed. A known discharge date that has not passed opens discharge planning: the school
    /// is told to arrange the planning meeting.
    pub async fn record_admission(
        &self,
        actor: &Actor,
        case_id: &str,
        hospital: &str,
        hospital_school: &str,
        admitted_on: Option<NaiveDate>,
        discharge_on: Option<NaiveDate>,
    ) -> AppResult<()> {
        Self::may_work_cases(actor)?;
        let view = self.view_case(actor, case_id).await?;
        let mut errors = Vec::new();
        if hospital.trim().is_empty() {
            errors.push(FieldError::new("hospital", "Enter the hospital or unit"));
        }
        if hospital_school.trim().is_empty() {
            errors.push(FieldError::new(
                "hospital_school",
                "Enter the hospital school",
            ));
        }
        match (admitted_on, discharge_on) {
            (None, _) => errors.push(FieldError::new(
                "admitted_on",
                "Enter the date of admission",
            )),
            (Some(a), Some(d)) if d < a => errors.push(FieldError::new(
                "discharge_on",
                "The discharge date must be on or after the admission",
            )),
            _ => {}
        }
        let (Some(admitted), true) = (admitted_on, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let now = self.now();
        let planning = discharge_on.is_some_and(|d| discharge_opens_planning(d, self.today()));
        let mut tx = self.store.begin().await?;
        tx.insert_episode(&EpisodeRecord {
            id: new_id(),
            case_id: case_id.to_string(),
            hospital: hospital.trim().to_string(),
            hospital_school: hospital_school.trim().to_string(),
            admitted_on: admitted,
            discharge_on,
            recorded_by: actor.user.id.clone(),
            recorded_at: now,
        })
        .await?;
        let note = match discharge_on {
            Some(d) if planning => format!(
                "In-patient from {}; discharge planned for {}: planning for the return starts now",
                crate::cases::long_date(admitted),
                crate::cases::long_date(d)
            ),
            _ => format!("In-patient from {}", crate::cases::long_date(admitted)),
        };
        tx.insert_case_event(&self.new_event(actor, case_id, "hospital", None, None, &note))
            .await?;
        self.audit(&mut tx, actor, "case.admission", "case", case_id, "")
            .await?;
        if planning && let Some(urn) = &view.case().school_urn {
            for to in self.store.school_user_emails(urn).await? {
                self.email_about_case(
                    &mut tx,
                    &to,
                    "Discharge planning: a pupil is leaving hospital",
                    (
                        "A pupil of your school is due to leave hospital. Please arrange the planning meeting so that provision is ready.",
                        "see it",
                    ),
                    case_id,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records an invoice from a privately funded hospital (MN-HOSP-2): held until evidence of
    /// admission, the timetable and attendance records are supplied. Returns what is missing.
    pub async fn record_invoice(
        &self,
        actor: &Actor,
        case_id: &str,
        hospital: &str,
        reference: &str,
        amount: &str,
        evidence: (bool, bool, bool),
    ) -> AppResult<Vec<&'static str>> {
        Self::may_work_cases(actor)?;
        self.view_case(actor, case_id).await?;
        let mut errors = Vec::new();
        if hospital.trim().is_empty() {
            errors.push(FieldError::new(
                "invoice_hospital",
                "Enter the hospital that sent the invoice",
            ));
        }
        if reference.trim().is_empty() {
            errors.push(FieldError::new("reference", "Enter the invoice reference"));
        }
        let pence = parse_pounds(amount).filter(|p| *p > 0);
        if pence.is_none() {
            errors.push(FieldError::new(
                "amount",
                "Enter the amount in pounds, like 1250.00",
            ));
        }
        let (Some(pence), true) = (pence, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let missing = invoice_payable(evidence.0, evidence.1, evidence.2)
            .err()
            .unwrap_or_default();
        let mut tx = self.store.begin().await?;
        tx.insert_invoice(&InvoiceRecord {
            id: new_id(),
            case_id: case_id.to_string(),
            hospital: hospital.trim().to_string(),
            reference: reference.trim().to_string(),
            amount_pence: pence,
            has_admission_evidence: i64::from(evidence.0),
            has_timetable: i64::from(evidence.1),
            has_attendance: i64::from(evidence.2),
            status: if missing.is_empty() {
                InvoiceStatus::Payable
            } else {
                InvoiceStatus::Held
            },
            recorded_by: actor.user.id.clone(),
            recorded_at: self.now(),
            paid_at: None,
        })
        .await?;
        self.audit(
            &mut tx,
            actor,
            "case.invoice",
            "case",
            case_id,
            reference.trim(),
        )
        .await?;
        tx.commit().await?;
        Ok(missing)
    }

    /// Invoices for finance, the coordinator and the auditor, with what each lacks.
    pub async fn invoice_list(&self, actor: &Actor) -> AppResult<Vec<InvoiceLine>> {
        actor.require(mns_domain::permissions::Capability::ReadInvoices)?;
        self.audit_view(actor, "invoice.list", "invoice_list", "all")
            .await?;
        Ok(self
            .store
            .invoices(None)
            .await?
            .into_iter()
            .map(InvoiceLine::of)
            .collect())
    }

    /// A case's invoices, for council staff.
    pub async fn case_invoices(&self, actor: &Actor, case_id: &str) -> AppResult<Vec<InvoiceLine>> {
        self.special_situations_in_scope(actor, case_id, true)
            .await?;
        Ok(self
            .store
            .invoices(Some(case_id))
            .await?
            .into_iter()
            .map(InvoiceLine::of)
            .collect())
    }

    /// Finance marks a payable invoice paid (MN-HOSP-2); a held one cannot be.
    pub async fn pay_invoice(&self, actor: &Actor, id: &str) -> AppResult<()> {
        actor.require(mns_domain::permissions::Capability::PayInvoices)?;
        let invoice = self
            .store
            .invoices(None)
            .await?
            .into_iter()
            .find(|i| i.id == id)
            .ok_or(AppError::NotFound)?;
        let missing = missing_of(&invoice);
        if !missing.is_empty() {
            return Err(AppError::invalid(
                "invoice",
                format!(
                    "This invoice cannot be paid until the hospital sends {}",
                    missing.join(", ")
                ),
            ));
        }
        let mut tx = self.store.begin().await?;
        if !tx.mark_invoice_paid(id, self.now()).await? {
            return Err(AppError::invalid(
                "invoice",
                "This invoice has already been paid",
            ));
        }
        self.audit(
            &mut tx,
            actor,
            "invoice.paid",
            "invoice",
            id,
            &invoice.reference,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_pounds;

    #[test]
    fn amounts_read_in_pounds_and_pence() {
        assert_eq!(parse_pounds("1,250.00"), Some(125_000));
        assert_eq!(parse_pounds("£980"), Some(98_000));
        assert_eq!(parse_pounds("12.5"), Some(1_250));
        for bad in ["", "ten", "1.234", "1.2.3"] {
            assert_eq!(parse_pounds(bad), None, "{bad}");
        }
        // A negative amount reads, so the form can say it must be more than £0.
        assert_eq!(parse_pounds("-5"), Some(-500));
    }
}
