//! MN-REF-1: a referral is complete when every required field is present and valid. All the
//! problems are listed at once, in the order of the form (`order.rs`), each with the field it
//! belongs to, so a page can show an error summary that links to each field in turn.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::order::sort_in_form_order;
use super::{
    ChecklistAnswer, ChecklistItem, DocumentKind, Enrolment, LookedAfter, MedicalEvidence,
    Referral, SendStatus,
};
use crate::calendar::{SchoolYear, year_group};
use crate::referral::Entered;

/// The field a missing attendance export is reported on (MN-REF-4): the export is a file
/// attached to the referral, not a field of the form.
pub const ATTENDANCE_EXPORT: &str = "attendance";

/// A required field that is missing or not valid (MN-REF-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The field's path in the referral JSON, e.g. `pupil.date_of_birth` or
    /// `evidence[0].date_seen`.
    pub field: String,
    /// What to do about it, in plain English: "Enter the pupil's date of birth".
    pub message: String,
}

/// The problems found so far.
#[derive(Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldProblem {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Adds a problem when the text is empty.
    fn text(&mut self, field: &str, value: &str, message: &str) {
        if value.trim().is_empty() {
            self.add(field, message);
        }
    }

    /// Adds a problem when the value is missing.
    fn present<T>(&mut self, field: &str, value: Option<&T>, message: &str) {
        if value.is_none() {
            self.add(field, message);
        }
    }

    /// Adds a problem when an identifier is required but not given, or given but not valid
    /// (an identifier left empty counts as not given).
    fn identifier<T>(&mut self, field: &str, value: Option<&Entered<T>>, required: Option<&str>) {
        match value.filter(|entered| !entered.text().trim().is_empty()) {
            Some(entered) => {
                if let Some(error) = entered.error() {
                    self.add(field, error);
                }
            }
            None => {
                if let Some(message) = required {
                    self.add(field, message);
                }
            }
        }
    }
}

impl Referral {
    /// Every required field that is missing or not valid (MN-REF-1), in the order of the form;
    /// empty when the referral is complete and can be submitted.
    pub fn missing_fields(&self) -> Vec<FieldProblem> {
        let mut problems = Problems::default();
        problems.present(
            "referral_date",
            self.referral_date.as_ref(),
            "Enter the referral date",
        );
        self.pupil_problems(&mut problems);
        self.school_problems(&mut problems);
        self.checklist_problems(&mut problems);
        self.consent_problems(&mut problems);
        self.health_need_problems(&mut problems);
        if self.evidence.is_empty() {
            problems.add("evidence", "Add at least one piece of medical evidence");
        }
        for (index, evidence) in self.evidence.iter().enumerate() {
            evidence_problems(&mut problems, index, evidence);
        }
        problems.present(
            "repeat_referral",
            self.repeat_referral.as_ref(),
            "Select whether the pupil has been referred to the Medical Needs Service before",
        );
        let support = &self.support_meanwhile;
        problems.text(
            "support_meanwhile.learning_supported_by",
            &support.learning_supported_by,
            "Enter who at the school supports the pupil's learning until provision starts",
        );
        problems.text(
            "support_meanwhile.welfare_checks_by",
            &support.welfare_checks_by,
            "Enter who at the school carries out welfare checks until provision starts",
        );
        let mut problems = problems.0;
        sort_in_form_order(&mut problems);
        problems
    }

    /// Everything that stops the referral being submitted on `today`, at once and in the order
    /// of the form (MN-REF-1): what is missing or not valid, dates that cannot be true yet
    /// (MN-EV-2), and, last, the attendance export when none is attached (MN-REF-4: a file
    /// attached to the referral, which this type does not hold, so the caller says).
    pub fn submission_problems(
        &self,
        today: NaiveDate,
        attendance_export_attached: bool,
    ) -> Vec<FieldProblem> {
        let mut problems = self.missing_fields();
        // One problem a field: a date of birth after the referral date is not also "in the
        // future".
        for problem in self.impossible_dates(today) {
            if !problems.iter().any(|p| p.field == problem.field) {
                problems.push(problem);
            }
        }
        if !attendance_export_attached {
            problems.push(FieldProblem {
                field: ATTENDANCE_EXPORT.into(),
                message: "Attach the pupil's attendance export (the herringbone) for the school year to date".into(),
            });
        }
        sort_in_form_order(&mut problems);
        problems
    }

    /// Dates that cannot be true on `today` (MN-REF-1, MN-EV-2): things the policy asks to have
    /// happened (the young person seen by the professional, verbal evidence given, consent
    /// given, the Healthy Child Programme contacted) cannot be in the future, and the pupil
    /// cannot be born after today. Each problem names its field, in the order of the form.
    pub fn impossible_dates(&self, today: NaiveDate) -> Vec<FieldProblem> {
        let mut problems = Problems::default();
        let mut past = |field: String, date: Option<NaiveDate>, what: &str| {
            if date.is_some_and(|d| d > today) {
                problems.add(field, format!("{what} must be today or in the past"));
            }
        };
        past(
            "pupil.date_of_birth".into(),
            self.pupil.date_of_birth,
            "The date of birth",
        );
        past(
            "healthy_child_programme.contacted_on".into(),
            self.healthy_child_programme.contacted_on,
            "The date the Healthy Child Programme was contacted",
        );
        past(
            "consent.given_on".into(),
            self.consent.given_on,
            "The date consent was given",
        );
        for (index, evidence) in self.evidence.iter().enumerate() {
            past(
                format!("evidence[{index}].date_seen"),
                evidence.date_seen,
                "The date the professional saw the young person",
            );
            past(
                format!("evidence[{index}].verbal.given_on"),
                evidence.verbal.as_ref().and_then(|v| v.given_on),
                "The date the verbal evidence was given",
            );
        }
        problems.0
    }

    /// Whether the pupil is on a school roll, or not known to be off one: then the school's
    /// details are required.
    fn on_roll_or_unknown(&self) -> bool {
        matches!(self.pupil.enrolment, None | Some(Enrolment::OnRoll))
    }

    fn pupil_problems(&self, problems: &mut Problems) {
        let pupil = &self.pupil;
        problems.text(
            "pupil.first_name",
            &pupil.first_name,
            "Enter the pupil's first name",
        );
        problems.text(
            "pupil.last_name",
            &pupil.last_name,
            "Enter the pupil's last name",
        );
        match (pupil.date_of_birth, self.referral_date) {
            (None, _) => problems.add("pupil.date_of_birth", "Enter the pupil's date of birth"),
            (Some(born), Some(referred)) if born >= referred => problems.add(
                "pupil.date_of_birth",
                "The pupil's date of birth must be before the referral date",
            ),
            _ => {}
        }
        let upn_required = self.on_roll_or_unknown()
            && self
                .school
                .school_type
                .is_none_or(|school_type| school_type.allocates_upns());
        problems.identifier(
            "pupil.upn",
            pupil.upn.as_ref(),
            upn_required.then_some("Enter the pupil's UPN"),
        );
        problems.identifier("pupil.nhs_number", pupil.nhs_number.as_ref(), None);
        let address = &pupil.home_address;
        problems.text(
            "pupil.home_address.line_1",
            &address.line_1,
            "Enter the first line of the pupil's home address",
        );
        problems.text(
            "pupil.home_address.town",
            &address.town,
            "Enter the town or city of the pupil's home address",
        );
        problems.identifier(
            "pupil.home_address.postcode",
            address.postcode.as_ref(),
            Some("Enter the postcode of the pupil's home address"),
        );
        problems.present(
            "pupil.ordinarily_resident",
            pupil.ordinarily_resident.as_ref(),
            "Select whether the pupil lives in the council's area",
        );
        match pupil.year_group {
            None => problems.add("pupil.year_group", "Enter the pupil's year group"),
            Some(year) if !(0..=13).contains(&year) => problems.add(
                "pupil.year_group",
                "Year group should be 0 for Reception, or 1 to 13",
            ),
            Some(_) => {}
        }
        if self.in_year_12_or_above_by_age() {
            problems.present(
                "pupil.repeating_year_11_for_medical_reasons",
                pupil.repeating_year_11_for_medical_reasons.as_ref(),
                "Select whether the pupil is repeating Year 11 for medical reasons",
            );
        }
        match pupil.pregnant {
            None => problems.add("pupil.pregnant", "Select whether the pupil is pregnant"),
            Some(true) => problems.present(
                "pupil.expected_due_date",
                pupil.expected_due_date.as_ref(),
                "Enter the date the baby is expected",
            ),
            Some(false) => {}
        }
    }

    /// Whether the pupil would be in Year 12 or above by age on the referral date: then the
    /// school says whether they are repeating Year 11 for medical reasons (MN-ELIG-5).
    fn in_year_12_or_above_by_age(&self) -> bool {
        match (self.pupil.date_of_birth, self.referral_date) {
            (Some(born), Some(on)) => year_group(born, SchoolYear::containing(on)) >= 12,
            _ => false,
        }
    }

    fn circumstance_problems(&self, problems: &mut Problems) {
        let pupil = &self.pupil;
        match &pupil.send {
            None => problems.add("pupil.send", "Select the pupil's SEND status"),
            Some(SendStatus::Ehcp {
                ehcp_coordinator, ..
            }) => problems.text(
                "pupil.send.ehcp_coordinator",
                ehcp_coordinator,
                "Enter the pupil's EHCP coordinator",
            ),
            Some(_) => {}
        }
        match &pupil.looked_after {
            None => problems.add(
                "pupil.looked_after",
                "Select whether the pupil is a looked-after child",
            ),
            Some(LookedAfter::PlacedByAnotherAuthority { placing_authority }) => problems.text(
                "pupil.looked_after.placing_authority",
                placing_authority,
                "Enter the local authority that placed the child",
            ),
            Some(_) => {}
        }
    }

    /// The school section: the school, whether the pupil is on its roll, its type, then SEND
    /// and looked-after status.
    fn school_problems(&self, problems: &mut Problems) {
        let required = self.on_roll_or_unknown();
        problems.identifier(
            "school.urn",
            self.school.urn.as_ref(),
            required.then_some("Enter the school's URN"),
        );
        problems.present(
            "pupil.enrolment",
            self.pupil.enrolment.as_ref(),
            "Select whether the pupil is on a school roll",
        );
        if required {
            problems.present(
                "school.school_type",
                self.school.school_type.as_ref(),
                "Select the type of school",
            );
        }
        self.circumstance_problems(problems);
    }

    fn checklist_problems(&self, problems: &mut Problems) {
        for item in ChecklistItem::ALL {
            let entry = self.checklist.get(&item);
            match entry.and_then(|entry| entry.answer) {
                None => problems.add(
                    format!("checklist.{}.answer", item.key()),
                    format!(
                        "Select done, not applicable or not done for ‘{}’",
                        item.label()
                    ),
                ),
                Some(ChecklistAnswer::NotDone)
                    if entry.is_none_or(|entry| entry.note.trim().is_empty()) =>
                {
                    problems.add(
                        format!("checklist.{}.note", item.key()),
                        format!("Say why ‘{}’ was not done", item.label()),
                    );
                }
                Some(_) => {}
            }
        }
        let contact = &self.healthy_child_programme;
        match contact.contacted {
            None => problems.add(
                "healthy_child_programme.contacted",
                "Select whether the school contacted the Healthy Child Programme",
            ),
            Some(true) => {
                problems.present(
                    "healthy_child_programme.contacted_on",
                    contact.contacted_on.as_ref(),
                    "Enter the date the school contacted the Healthy Child Programme",
                );
                problems.present(
                    "healthy_child_programme.parental_consent_before_contact",
                    contact.parental_consent_before_contact.as_ref(),
                    "Select whether the parent or carer consented before the Healthy Child Programme was contacted",
                );
            }
            Some(false) => {}
        }
    }

    fn consent_problems(&self, problems: &mut Problems) {
        problems.present(
            "consent.given",
            self.consent.given.as_ref(),
            "Select whether the parent or carer consents to the coordinator contacting health professionals",
        );
        match self.consent.has_withdrawn() {
            None if self.consent.given == Some(true) => problems.add(
                "consent.withdrawn",
                "Select whether the parent or carer has withdrawn consent",
            ),
            Some(true) => problems.present(
                "consent.withdrawal.withdrawn_on",
                self.consent
                    .withdrawal
                    .as_ref()
                    .and_then(|w| w.withdrawn_on.as_ref()),
                "Enter the date consent was withdrawn",
            ),
            _ => {}
        }
    }

    fn health_need_problems(&self, problems: &mut Problems) {
        problems.text(
            "health_need.description",
            &self.health_need.description,
            "Describe the pupil's health need",
        );
        match self.health_need.expects_absence() {
            None => problems.add(
                "health_need.absence_expected",
                "Select whether you expect the pupil to miss more school because of their health",
            ),
            Some(true) => {
                let expected = self.health_need.expected_absence.as_ref();
                problems.present(
                    "health_need.expected_absence.further_school_days",
                    expected.and_then(|e| e.further_school_days.as_ref()),
                    "Enter how many more school days the pupil is expected to miss",
                );
                problems.present(
                    "health_need.expected_absence.reason",
                    expected.and_then(|e| e.reason.as_ref()),
                    "Select why further absence is expected",
                );
            }
            Some(false) => {}
        }
        problems.present(
            "awaiting_specialist_place",
            self.awaiting_specialist_place.as_ref(),
            "Select whether the pupil is waiting for a specialist school place",
        );
    }
}

fn evidence_problems(problems: &mut Problems, index: usize, evidence: &MedicalEvidence) {
    let field = |name: &str| format!("evidence[{index}].{name}");
    let number = index + 1;
    let mut add = |name: &str, message: &str| {
        problems.add(field(name), format!("Evidence {number}: {message}"));
    };
    if evidence.professional.is_none() {
        add("professional", "select the kind of health professional");
    }
    if evidence.document.is_none() {
        add("document", "select the kind of document");
    }
    if evidence.date_seen.is_none() {
        add(
            "date_seen",
            "enter the date the professional saw the young person",
        );
    }
    if evidence.seen_in_person.is_none() {
        add(
            "seen_in_person",
            "select whether the professional saw the young person in person",
        );
    }
    if evidence.document == Some(DocumentKind::Verbal) {
        verbal_problems(&mut add, evidence);
    }
}

fn verbal_problems(add: &mut impl FnMut(&str, &str), evidence: &MedicalEvidence) {
    if evidence.professional_name.trim().is_empty() {
        add("professional_name", "enter who gave the verbal evidence");
    }
    let Some(verbal) = &evidence.verbal else {
        add(
            "verbal",
            "record how and when the verbal evidence was given, and what was said",
        );
        return;
    };
    if verbal.setting.is_none() {
        add("verbal.setting", "select how the verbal evidence was given");
    }
    if verbal.given_on.is_none() {
        add(
            "verbal.given_on",
            "enter when the verbal evidence was given",
        );
    }
    if verbal.summary.trim().is_empty() {
        add("verbal.summary", "record what the professional said");
    }
    if verbal.recorded_by.trim().is_empty() {
        add(
            "verbal.recorded_by",
            "enter who recorded the verbal evidence",
        );
    }
}

/// The fields of a referral that identify the pupil and the school (MN-REF-2).
pub(in crate::referral) fn is_identity_field(field: &str) -> bool {
    const IDENTITY: [&str; 12] = [
        "pupil.first_name",
        "pupil.last_name",
        "pupil.date_of_birth",
        "pupil.upn",
        "pupil.nhs_number",
        "pupil.home_address",
        "pupil.year_group",
        "pupil.send",
        "pupil.looked_after",
        "school.urn",
        "school.school_type",
        "pupil.enrolment",
    ];
    IDENTITY.iter().any(|prefix| field.starts_with(prefix))
}
