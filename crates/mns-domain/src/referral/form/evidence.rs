//! Medical evidence (§11b.ii, MN-EV-1 to MN-EV-7): who gave it, when they saw the young person,
//! what kind of document it is, and what it says.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::identifiers::{OdsCode, ProfessionalRegistration};

/// One piece of medical evidence: a letter, a report, a form, or evidence given verbally to the
/// coordinator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MedicalEvidence {
    /// The kind of professional who gave it (required; MN-EV-1).
    pub professional: Option<ProfessionalKind>,
    /// The professional's name and service, e.g. "Dr A Patel, Norfolk and Norwich Hospital".
    pub professional_name: String,
    /// The kind of document (required; MN-EV-3, MN-EV-4, MN-EV-6).
    pub document: Option<DocumentKind>,
    /// The date the professional saw the young person (required; MN-EV-2, MN-EV-5).
    pub date_seen: Option<NaiveDate>,
    /// Whether the professional physically saw the young person (required; MN-EV-2).
    pub seen_in_person: Option<bool>,
    /// The evidence says the professional has not seen or spoken to the young person: it is
    /// challenged (MN-EV-2).
    pub has_not_seen_or_spoken_to_young_person: bool,
    /// The evidence names SEND but no associated illness or diagnosis (MN-EV-4).
    pub names_send_without_illness: bool,
    /// What written evidence says (MN-EV-5).
    pub content: EvidenceContent,
    /// For verbal evidence: who, when and what, as the coordinator recorded it (MN-EV-6).
    pub verbal: Option<VerbalEvidence>,
    /// The professional's registration with their regulator (GMC, NMC or HCPC), when they gave
    /// the evidence themselves through the service (MN-EV-1).
    pub registration: Option<ProfessionalRegistration>,
    /// Their organisation's NHS ODS code, when they gave the evidence through the service.
    pub organisation: Option<OdsCode>,
    /// The id of the health professional's account, when they gave the evidence themselves
    /// through the service rather than the school attaching it.
    pub given_by_user: Option<String>,
    /// The day the health professional gave it through the service.
    pub given_on: Option<NaiveDate>,
}

/// What written evidence should contain (MN-EV-5); the date seen is
/// [`MedicalEvidence::date_seen`]. An empty field is one the evidence does not cover.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvidenceContent {
    /// The health condition and its treatment, and how they affect attendance.
    pub condition_and_treatment: String,
    /// Referrals to other services (e.g. CAMHS), or that there are none.
    pub referrals_to_other_services: String,
    /// How the young person may best be supported to reintegrate into full-time education.
    pub reintegration: String,
}

/// Evidence a health professional gave verbally: by telephone to the coordinator, or at a
/// multi-agency meeting (MN-EV-6). The professional is [`MedicalEvidence::professional_name`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VerbalEvidence {
    /// How it was given (required).
    pub setting: Option<VerbalSetting>,
    /// When it was given (required).
    pub given_on: Option<NaiveDate>,
    /// What the professional said (required).
    pub summary: String,
    /// The coordinator who recorded it (required).
    pub recorded_by: String,
}

/// How verbal evidence was given (MN-EV-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerbalSetting {
    /// A telephone call between the professional and the coordinator.
    Telephone,
    /// A multi-agency meeting, at the coordinator's discretion.
    MultiAgencyMeeting,
}

/// The kinds of health professional evidence may come from: the nine the policy accepts
/// (MN-EV-1), then others, whose evidence is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfessionalKind {
    /// A CAMHS professional (mental health nurse or practitioner).
    CamhsProfessional,
    /// The Norfolk and Suffolk ME/CFS service (e.g. a specialist physiotherapist).
    MeCfsService,
    /// A school nurse.
    SchoolNurse,
    /// A paediatrician.
    Paediatrician,
    /// A clinical child psychologist.
    ClinicalChildPsychologist,
    /// A consultant child psychiatrist.
    ConsultantChildPsychiatrist,
    /// Another specialist NHS service.
    OtherSpecialistNhsService,
    /// A primary care health professional (practice nurse, for example).
    PrimaryCareHealthProfessional,
    /// A general practitioner.
    GeneralPractitioner,
    /// A health professional of a kind the policy does not list (a private therapist, say).
    OtherHealthProfessional,
    /// Someone who is not a health professional (a parent, a teacher).
    NotAHealthProfessional,
}

impl ProfessionalKind {
    /// Whether the policy accepts evidence from this kind of professional (MN-EV-1).
    pub fn is_accepted(self) -> bool {
        !matches!(
            self,
            Self::OtherHealthProfessional | Self::NotAHealthProfessional
        )
    }

    /// Whether this is primary care (a GP or practice staff) rather than another health
    /// service (MN-EV-7).
    pub fn is_primary_care(self) -> bool {
        matches!(
            self,
            Self::GeneralPractitioner | Self::PrimaryCareHealthProfessional
        )
    }

    /// The kind in a coordinator's words, e.g. "paediatrician".
    pub fn label(self) -> &'static str {
        match self {
            Self::CamhsProfessional => "CAMHS professional",
            Self::MeCfsService => "ME/CFS service",
            Self::SchoolNurse => "school nurse",
            Self::Paediatrician => "paediatrician",
            Self::ClinicalChildPsychologist => "clinical child psychologist",
            Self::ConsultantChildPsychiatrist => "consultant child psychiatrist",
            Self::OtherSpecialistNhsService => "specialist NHS service",
            Self::PrimaryCareHealthProfessional => "primary care health professional",
            Self::GeneralPractitioner => "GP",
            Self::OtherHealthProfessional => {
                "health professional of a kind the policy does not list"
            }
            Self::NotAHealthProfessional => "person who is not a health professional",
        }
    }
}

/// The kind of document evidence comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A clinic letter or report.
    Letter,
    /// A hospital discharge summary.
    DischargeSummary,
    /// A GP's Joint Medical Protocol form (MN-EV-7).
    JointMedicalProtocolForm,
    /// A "Fitness for Work" note ("sick note"; MN-EV-4).
    FitNote,
    /// An appointment letter: not accepted (MN-EV-3).
    AppointmentLetter,
    /// An appointment card: not accepted (MN-EV-3).
    AppointmentCard,
    /// No document: given verbally to the coordinator (MN-EV-6).
    Verbal,
    /// Another kind of document.
    Other,
}

impl DocumentKind {
    /// The kind in a coordinator's words, e.g. "appointment letter".
    pub fn label(self) -> &'static str {
        match self {
            Self::Letter => "letter",
            Self::DischargeSummary => "discharge summary",
            Self::JointMedicalProtocolForm => "Joint Medical Protocol form",
            Self::FitNote => "fit note",
            Self::AppointmentLetter => "appointment letter",
            Self::AppointmentCard => "appointment card",
            Self::Verbal => "verbal evidence",
            Self::Other => "document",
        }
    }

    /// Whether this is an appointment letter or card, which the service does not accept for a
    /// referral (MN-EV-3).
    pub fn is_appointment(self) -> bool {
        matches!(self, Self::AppointmentLetter | Self::AppointmentCard)
    }
}
