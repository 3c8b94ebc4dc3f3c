//! Special situations (§7, §8, §9, §10): pupils with SEND or an EHCP (MN-SEND-1), in-patients
//! and their discharge (MN-HOSP-1), and invoices from privately funded hospitals (MN-HOSP-2).
//! The life-limiting illness rule (MN-LIFE-1) is with the end of provision, in [`super::end`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::referral::SendStatus;

/// What the case records about SEND (MN-SEND-1): the plan, its coordinator, SEN support,
/// and whether the health needs were raised with the Designated Clinical Officer. The fields
/// added after the first (`sen_support`, `ehcp_last_reviewed`, `summary`) read as empty from
/// details stored before them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendDetails {
    /// The pupil has an Education, Health and Care Plan.
    pub has_ehcp: bool,
    /// The plan's coordinator, where there is one.
    pub ehcp_coordinator: Option<String>,
    /// The significant health needs were raised with the Designated Clinical Officer.
    pub designated_clinical_officer_raised: bool,
    /// The pupil has SEN support at school (without a plan).
    #[serde(default)]
    pub sen_support: bool,
    /// The date of the plan's last annual review, if known.
    #[serde(default)]
    pub ehcp_last_reviewed: Option<NaiveDate>,
    /// The needs and the support or provision in place, as the school summarised them.
    #[serde(default)]
    pub summary: String,
}

impl SendDetails {
    /// What the referral said about SEND (MN-REF-2), carried into the case when it opens, so
    /// nobody types it twice (MN-SEND-1).
    pub fn from_referral(send: &SendStatus) -> SendDetails {
        match send {
            SendStatus::NoIdentifiedNeeds => SendDetails::default(),
            SendStatus::SenSupport { summary } => SendDetails {
                sen_support: true,
                summary: summary.trim().to_owned(),
                ..SendDetails::default()
            },
            SendStatus::Ehcp {
                ehcp_coordinator,
                last_reviewed,
                summary,
            } => SendDetails {
                has_ehcp: true,
                ehcp_coordinator: Some(ehcp_coordinator.trim().to_owned())
                    .filter(|c| !c.is_empty()),
                ehcp_last_reviewed: *last_reviewed,
                summary: summary.trim().to_owned(),
                ..SendDetails::default()
            },
        }
    }

    /// Whether to suggest a review of the EHCP (MN-SEND-1): the pupil has one and their health
    /// has changed significantly. A suggestion to the coordinator, not a decision.
    pub fn review_of_plan_suggested(&self, significant_health_change: bool) -> bool {
        self.has_ehcp && significant_health_change
    }

    /// Whether to suggest raising the needs with the Designated Clinical Officer (MN-SEND-1):
    /// they are significant and have not been raised yet.
    pub fn designated_clinical_officer_suggested(&self, significant_health_needs: bool) -> bool {
        significant_health_needs && !self.designated_clinical_officer_raised
    }
}

/// Whether the authority is responsible for the pupil's education during a hospital admission
/// (MN-HOSP-1): always. The hospital school usually teaches an in-patient, but the duty stays
/// with the authority during the admission and after discharge, so a case is never closed or
/// refused because the pupil is in hospital.
pub fn authority_responsible_during_admission() -> bool {
    true
}

/// Whether a discharge opens a case or a planning meeting now (MN-HOSP-1): as soon as a
/// discharge date is known and has not passed, so that provision is ready on the day the pupil
/// leaves hospital. A discharge already past is not discharge planning: it should already
/// have opened a case, and is followed up as a referral.
pub fn discharge_opens_planning(discharge_date: NaiveDate, today: NaiveDate) -> bool {
    discharge_date >= today
}

/// Where a hospital invoice is (MN-HOSP-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceStatus {
    /// Held: evidence is missing, so it may not be paid.
    Held,
    /// Every piece of evidence is in: finance may pay it.
    Payable,
    /// Paid.
    Paid,
}

impl InvoiceStatus {
    /// Every status.
    pub const ALL: [InvoiceStatus; 3] = [
        InvoiceStatus::Held,
        InvoiceStatus::Payable,
        InvoiceStatus::Paid,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Held => "held",
            InvoiceStatus::Payable => "payable",
            InvoiceStatus::Paid => "paid",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<InvoiceStatus> {
        InvoiceStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// How people see it.
    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Held => "Held: evidence missing",
            InvoiceStatus::Payable => "Ready to pay",
            InvoiceStatus::Paid => "Paid",
        }
    }

    /// The status of a new invoice with this evidence (MN-HOSP-2).
    pub fn on_receipt(
        has_admission_evidence: bool,
        has_timetable: bool,
        has_attendance: bool,
    ) -> InvoiceStatus {
        match invoice_payable(has_admission_evidence, has_timetable, has_attendance) {
            Ok(()) => InvoiceStatus::Payable,
            Err(_) => InvoiceStatus::Held,
        }
    }
}

/// Whether a privately funded hospital's invoice may be paid (MN-HOSP-2): only with evidence of
/// the admission, the timetable and attendance records from the hospital school. Otherwise the
/// list of what is missing, in that order, to send back to the hospital.
pub fn invoice_payable(
    has_admission_evidence: bool,
    has_timetable: bool,
    has_attendance: bool,
) -> Result<(), Vec<&'static str>> {
    let missing: Vec<&'static str> = [
        (has_admission_evidence, "evidence of admission"),
        (has_timetable, "the timetable"),
        (has_attendance, "attendance records"),
    ]
    .into_iter()
    .filter_map(|(supplied, what)| (!supplied).then_some(what))
    .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::test_support::date;

    #[test]
    fn mn_send_1_a_plan_review_is_suggested_after_a_significant_health_change() {
        let with_plan = SendDetails {
            has_ehcp: true,
            ehcp_coordinator: Some("A. Coordinator".to_owned()),
            ..SendDetails::default()
        };
        assert!(with_plan.review_of_plan_suggested(true));
        assert!(!with_plan.review_of_plan_suggested(false));
        assert!(!SendDetails::default().review_of_plan_suggested(true));
    }

    #[test]
    fn mn_send_1_the_referrals_send_answers_carry_into_the_case() {
        let ehcp = SendDetails::from_referral(&SendStatus::Ehcp {
            ehcp_coordinator: " Sam Ives, SEND team ".into(),
            last_reviewed: Some(date(2026, 3, 1)),
            summary: "Speech and language".into(),
        });
        assert!(ehcp.has_ehcp && !ehcp.sen_support);
        assert_eq!(
            ehcp.ehcp_coordinator.as_deref(),
            Some("Sam Ives, SEND team")
        );
        assert_eq!(ehcp.ehcp_last_reviewed, Some(date(2026, 3, 1)));
        assert_eq!(ehcp.summary, "Speech and language");
        let support = SendDetails::from_referral(&SendStatus::SenSupport {
            summary: "Reading support".into(),
        });
        assert!(support.sen_support && !support.has_ehcp);
        assert_eq!(support.ehcp_coordinator, None);
        assert_eq!(
            SendDetails::from_referral(&SendStatus::NoIdentifiedNeeds),
            SendDetails::default()
        );
        // Details stored before SEN support was recorded still read.
        let old: SendDetails = serde_json::from_str(
            r#"{"has_ehcp":true,"ehcp_coordinator":"X","designated_clinical_officer_raised":false}"#,
        )
        .unwrap();
        assert!(old.has_ehcp && !old.sen_support && old.summary.is_empty());
    }

    #[test]
    fn mn_send_1_significant_needs_are_raised_with_the_dco_once() {
        let mut details = SendDetails::default();
        assert!(details.designated_clinical_officer_suggested(true));
        assert!(!details.designated_clinical_officer_suggested(false));
        details.designated_clinical_officer_raised = true;
        assert!(!details.designated_clinical_officer_suggested(true));
    }

    #[test]
    fn mn_hosp_1_the_authority_stays_responsible_and_discharge_opens_planning() {
        assert!(authority_responsible_during_admission());
        let today = date(2025, 11, 10);
        assert!(discharge_opens_planning(date(2025, 11, 21), today));
        assert!(discharge_opens_planning(today, today));
        assert!(!discharge_opens_planning(date(2025, 11, 7), today));
    }

    #[test]
    fn mn_hosp_2_an_invoice_is_paid_only_with_all_three_kinds_of_evidence() {
        assert_eq!(invoice_payable(true, true, true), Ok(()));
        assert_eq!(
            invoice_payable(true, false, false),
            Err(vec!["the timetable", "attendance records"])
        );
        assert_eq!(
            invoice_payable(false, true, true),
            Err(vec!["evidence of admission"])
        );
    }
}
