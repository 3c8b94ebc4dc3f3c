//! The referral as data: what a school submits (§11b), plus the few things the coordinator's
//! desk adds. This is the JSON the API and `mns referral check FILE.json` accept; a complete
//! example is [`EXAMPLE_REFERRAL_JSON`](crate::referral::EXAMPLE_REFERRAL_JSON).
//!
//! Every field may be left out, so a draft loads and [`Referral::missing_fields`] lists
//! everything still to do at once (MN-REF-1); a field the schema does not know is an error, so a
//! misspelt name is caught rather than ignored. A yes/no left out is `null`: not answered, never
//! a silent "no". Dates are `YYYY-MM-DD`. Identifiers (UPN, NHS number, postcode, URN) are
//! strings kept as typed and parsed when read: a wrong one is reported with the field, not as a
//! failure to load. Closed lists are snake_case strings.
//!
//! # Schema
//!
//! | field | type | rule |
//! |---|---|---|
//! | `referral_date` | date, required | the day the school submitted it; MN-EV-2 counts back from it |
//! | `pupil.first_name`, `pupil.last_name` | text, required | MN-REF-2 |
//! | `pupil.date_of_birth` | date, required | MN-ELIG-4 |
//! | `pupil.upn` | UPN, permanent or temporary; required on the roll of a school that allocates UPNs | MN-REF-2 |
//! | `pupil.nhs_number` | NHS number, optional | MN-REF-2 |
//! | `pupil.home_address.line_1`, `.town` | text, required; `.line_2` optional | MN-REF-2 |
//! | `pupil.home_address.postcode` | postcode, required | MN-REF-2 |
//! | `pupil.ordinarily_resident` | yes/no, required: lives in the council's area | MN-ELIG-1 |
//! | `pupil.year_group` | 0 (Reception) to 13, required: as the school records it | MN-ELIG-4 |
//! | `pupil.repeating_year_11_for_medical_reasons` | yes/no; required for a pupil who would be in Year 12 or above by age on the referral date | MN-ELIG-5 |
//! | `pupil.enrolment.status` | `on_roll`, `not_on_roll`, `electively_home_educated` (with `exceptional_circumstances`), required | MN-ELIG-6, -7 |
//! | `pupil.send.status` | `none`, `sen_support` (with `summary`), `ehcp` (with `ehcp_coordinator` (required), `last_reviewed`, `summary`), required | MN-REF-2, MN-SEND-1 |
//! | `pupil.looked_after.status` | `no`, `by_this_council`, `placed_by_another_authority` (with `placing_authority`, required), required | MN-ELIG-3 |
//! | `pupil.pregnant`, `pupil.expected_due_date` | yes/no, required; date, required if pregnant | MN-ELIG-9 |
//! | `school.urn` | URN, required on roll | MN-REF-2 |
//! | `school.name` | text | |
//! | `school.school_type` | `maintained`, `maintained_special`, `academy`, `academy_special`, `alternative_provision`, `non_maintained_special`, `independent`, `independent_special`, `further_education`; required on roll | MN-ELIG-2 |
//! | `checklist.<item>.answer` | `done`, `not_applicable`, `not_done`, required for each of the 18 items of [`ChecklistItem::ALL`] | MN-CHK-1 |
//! | `checklist.<item>.note` | text, required when not done | MN-CHK-1 |
//! | `healthy_child_programme.contacted` | yes/no, required | MN-CHK-2, MN-ABS-3 |
//! | `healthy_child_programme.contacted_on`, `.parental_consent_before_contact` | date; yes/no; both required if contacted | MN-CHK-2 |
//! | `healthy_child_programme.outcome` | text | |
//! | `consent.given` | yes/no, required: to contact health professionals | MN-REF-3 |
//! | `consent.given_on` | date | MN-REF-3 |
//! | `consent.withdrawn` | yes/no, required if consent was given (a `withdrawal` record counts as yes) | MN-REF-3 |
//! | `consent.withdrawal.withdrawn_on`, `.note` | date, required if withdrawn; text | MN-REF-3 |
//! | `health_need.description` | text, required | |
//! | `health_need.absence_expected` | yes/no, required: more absence is expected (an `expected_absence` record counts as yes) | MN-ABS-2 |
//! | `health_need.expected_absence.further_school_days`, `.reason`, `.details` | whole school days, required; `planned_surgery`, `planned_treatment`, `hospital_admission`, `recovery`, `ongoing_condition`, `other`, required; text | MN-ABS-2 |
//! | `awaiting_specialist_place` | yes/no, required: is the pupil waiting for a specialist school place? | MN-ELIG-8 |
//! | `evidence[]` | at least one item, required | MN-EV-1 to -7 |
//! | `evidence[].professional` | `camhs_professional`, `me_cfs_service`, `school_nurse`, `paediatrician`, `clinical_child_psychologist`, `consultant_child_psychiatrist`, `other_specialist_nhs_service`, `primary_care_health_professional`, `general_practitioner` (accepted), `other_health_professional`, `not_a_health_professional`; required | MN-EV-1 |
//! | `evidence[].professional_name` | text | MN-EV-6 (who) |
//! | `evidence[].document` | `letter`, `discharge_summary`, `joint_medical_protocol_form`, `fit_note`, `appointment_letter`, `appointment_card`, `verbal`, `other`; required | MN-EV-3, -4, -6, -7 |
//! | `evidence[].date_seen` | date, required | MN-EV-2, -5 |
//! | `evidence[].seen_in_person` | yes/no, required | MN-EV-2 |
//! | `evidence[].has_not_seen_or_spoken_to_young_person` | yes/no, default no | MN-EV-2 |
//! | `evidence[].names_send_without_illness` | yes/no, default no | MN-EV-4 |
//! | `evidence[].content.condition_and_treatment`, `.referrals_to_other_services`, `.reintegration` | text; empty means the evidence does not say | MN-EV-5 |
//! | `evidence[].registration.body`, `.number` | `gmc` (7 digits), `nmc` (PIN like `12A3456E`), `hcpc` (prefix and digits like `PYL012345`); optional | MN-EV-1 |
//! | `evidence[].organisation` | NHS ODS code, 3 to 6 letters and digits; optional | MN-EV-1 |
//! | `evidence[].given_by_user` | the health professional's account id when they gave it in the service; set by the service | MN-EV-1 |
//! | `evidence[].given_on` | date the health professional gave it in the service; set by the service | MN-EV-8 |
//! | `evidence[].verbal.setting`, `.given_on`, `.summary`, `.recorded_by` | `telephone` or `multi_agency_meeting`; date; text; text; all required for verbal evidence | MN-EV-6 |
//! | `repeat_referral` | yes/no, required: the pupil has been referred before | MN-EV-7 |
//! | `herringbone_attached` | ignored: the attendance export attached to the referral is what counts, and submission requires one | MN-REF-4 |
//! | `support_meanwhile.learning_supported_by`, `.welfare_checks_by` | text, required | MN-REF-5 |
//! | `waiting_on_evidence_since` | date, the desk's: the case waits on evidence since then | MN-EV-8 |

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod checklist;
mod consent;
mod evidence;
mod health_need;
mod json;
mod missing_fields;
mod order;
mod pupil;
mod school;

pub use checklist::{
    Checklist, ChecklistAnswer, ChecklistEntry, ChecklistItem, HealthyChildProgrammeContact,
};
pub use consent::{ConsentWithdrawal, HealthProfessionalConsent};
pub use evidence::{
    DocumentKind, EvidenceContent, MedicalEvidence, ProfessionalKind, VerbalEvidence, VerbalSetting,
};
pub use health_need::{ExpectedAbsence, ExpectedAbsenceReason, HealthNeed, SupportMeanwhile};
pub(in crate::referral) use missing_fields::is_identity_field;
pub use missing_fields::{ATTENDANCE_EXPORT, FieldProblem};
pub use order::{form_position, sort_in_form_order};
pub use pupil::{Enrolment, HomeAddress, LookedAfter, Pupil, SendStatus};
pub use school::{School, SchoolType};

/// A referral to the Medical Needs Service, as a school submits it (§11b), or a draft of one.
///
/// See the [module documentation](self) for the JSON schema, field by field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Referral {
    /// The day the school submitted the referral (required).
    pub referral_date: Option<NaiveDate>,
    /// Who the referral is for.
    pub pupil: Pupil,
    /// The school the pupil would normally attend.
    pub school: School,
    /// The schools' checklist (MN-CHK-1).
    pub checklist: Checklist,
    /// The contact with the Healthy Child Programme (MN-CHK-2).
    pub healthy_child_programme: HealthyChildProgrammeContact,
    /// Consent to contact health professionals (MN-REF-3).
    pub consent: HealthProfessionalConsent,
    /// The health need and any expected absence (MN-ABS-2).
    pub health_need: HealthNeed,
    /// Whether the pupil is waiting for a specialist school place (MN-ELIG-8; required).
    pub awaiting_specialist_place: Option<bool>,
    /// The medical evidence (MN-EV-1 to MN-EV-7).
    pub evidence: Vec<MedicalEvidence>,
    /// Whether the pupil has been referred before (MN-EV-7; required): `None` until the school
    /// answers.
    pub repeat_referral: Option<bool>,
    /// `herringbone_attached`, a yes or no (or null) that referrals once carried: read, so that
    /// stored referrals and older clients still load, never written, and used by nothing. What
    /// counts is the attendance export attached to the referral (MN-REF-4), which submission
    /// requires.
    #[serde(rename = "herringbone_attached", skip_serializing)]
    pub legacy_herringbone_attached: Option<bool>,
    /// Who supports the pupil until provision starts (MN-REF-5).
    pub support_meanwhile: SupportMeanwhile,
    /// For the coordinator's desk: the case has been waiting on medical evidence since this
    /// date (MN-EV-8).
    pub waiting_on_evidence_since: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::test_support::example;

    #[test]
    fn mn_ev_2_dates_that_have_not_happened_yet_are_refused_with_their_fields() {
        let mut referral = example();
        let today = crate::referral::test_support::today();
        assert_eq!(referral.impossible_dates(today), Vec::new());
        let tomorrow = today.succ_opt();
        referral.evidence[0].date_seen = tomorrow;
        referral.consent.given_on = tomorrow;
        referral.healthy_child_programme.contacted_on = tomorrow;
        let fields: Vec<String> = referral
            .impossible_dates(today)
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "healthy_child_programme.contacted_on",
                "consent.given_on",
                "evidence[0].date_seen"
            ]
        );
        assert!(referral.impossible_dates(tomorrow.unwrap()).is_empty());
    }

    #[test]
    fn mn_ref_1_a_draft_with_every_field_left_out_still_loads() {
        let draft: Referral = serde_json::from_str("{}").unwrap();
        assert_eq!(draft, Referral::default());
        assert!(!draft.missing_fields().is_empty());
    }

    #[test]
    fn mn_ref_1_a_wrong_identifier_loads_and_is_reported_with_its_field() {
        let draft: Referral = serde_json::from_str(
            r#"{"pupil": {"upn": "B926123426001", "nhs_number": "943 476 5919"}}"#,
        )
        .unwrap();
        assert_eq!(
            draft.pupil.upn.as_ref().map(|upn| upn.text()),
            Some("B926123426001")
        );
        assert!(
            draft
                .missing_fields()
                .iter()
                .any(|problem| problem.field == "pupil.upn"
                    && problem.message == "UPN check letter should be C, not B")
        );
        assert!(
            draft
                .pupil
                .nhs_number
                .as_ref()
                .and_then(|n| n.value())
                .is_some()
        );
    }

    #[test]
    fn mn_ref_1_a_referral_stored_before_yes_or_no_could_be_unanswered_still_loads() {
        // Stored drafts and submitted referrals wrote every yes/no as true or false, and the
        // herringbone as a yes/no: they read as the answers they were.
        let stored = r#"{
            "pupil": {"pregnant": false, "repeating_year_11_for_medical_reasons": false},
            "repeat_referral": false,
            "herringbone_attached": true,
            "consent": {"given": true, "withdrawal": {"withdrawn_on": "2026-11-01"}},
            "health_need": {"expected_absence": {"further_school_days": 5}}
        }"#;
        let referral: Referral = serde_json::from_str(stored).unwrap();
        assert_eq!(referral.pupil.pregnant, Some(false));
        assert_eq!(referral.repeat_referral, Some(false));
        assert_eq!(referral.consent.has_withdrawn(), Some(true));
        assert_eq!(referral.health_need.expects_absence(), Some(true));
        let written = serde_json::to_value(&referral).unwrap();
        assert!(
            written.get("herringbone_attached").is_none(),
            "never written"
        );
        assert!(written["repeat_referral"].is_boolean());
        // Left out, a yes/no is not answered.
        let draft: Referral = serde_json::from_str("{}").unwrap();
        assert_eq!(draft.pupil.pregnant, None);
        assert_eq!(
            serde_json::to_value(&draft).unwrap()["repeat_referral"],
            serde_json::Value::Null
        );
        // The old yes/no is still a yes/no: anything else is refused.
        assert!(serde_json::from_str::<Referral>(r#"{"herringbone_attached": {}}"#).is_err());
    }

    #[test]
    fn a_misspelt_field_is_refused_rather_than_ignored() {
        let error = serde_json::from_str::<Referral>(r#"{"pupil": {"frist_name": "A"}}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown field `frist_name`"), "{error}");
        let error = serde_json::from_str::<Referral>(
            r#"{"pupil": {"send": {"status": "ehcp", "coordinator": "X"}}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("unknown field `coordinator`"), "{error}");
    }

    #[test]
    fn the_example_round_trips_through_json_with_snake_case_names() {
        let referral = example();
        let json = serde_json::to_value(&referral).unwrap();
        assert_eq!(json["pupil"]["send"]["status"], "sen_support");
        assert_eq!(json["pupil"]["enrolment"]["status"], "on_roll");
        assert_eq!(json["school"]["school_type"], "academy");
        assert_eq!(
            json["checklist"]["outreach_or_alternative_provision"]["answer"],
            "not_done"
        );
        assert_eq!(json["evidence"][0]["professional"], "paediatrician");
        assert_eq!(
            json["health_need"]["expected_absence"]["reason"],
            "planned_surgery"
        );
        assert_eq!(serde_json::from_value::<Referral>(json).unwrap(), referral);
        let none: SendStatus = serde_json::from_str(r#"{"status": "none"}"#).unwrap();
        assert_eq!(none, SendStatus::NoIdentifiedNeeds);
        assert_eq!(referral.checklist.len(), ChecklistItem::ALL.len());
        for item in ChecklistItem::ALL {
            assert_eq!(serde_json::to_value(item).unwrap(), item.key());
        }
    }
}
