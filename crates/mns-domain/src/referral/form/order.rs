//! The order of the referral form's fields, as the school meets them: section by section, and
//! question by question within a section (a revealed question right after the answer that
//! reveals it). Problems are listed in this order (MN-REF-1), so an error summary reads down the
//! form the way the school fills it in, whichever check found each problem.

use super::{ChecklistItem, FieldProblem};

/// Every field path, or the start of one, in the order of the form. A field sorts at the
/// longest entry it is or starts with (`pupil.send.ehcp_coordinator` at `pupil.send`);
/// checklist items and pieces of evidence are ordered within their entry.
const ORDER: [&str; 48] = [
    "referral_date",
    // About the pupil
    "pupil.first_name",
    "pupil.last_name",
    "pupil.date_of_birth",
    "pupil.upn",
    "pupil.nhs_number",
    "pupil.home_address.line_1",
    "pupil.home_address.line_2",
    "pupil.home_address.town",
    "pupil.home_address.postcode",
    "pupil.home_address",
    "pupil.ordinarily_resident",
    "pupil.year_group",
    "pupil.repeating_year_11_for_medical_reasons",
    "pupil.pregnant",
    "pupil.expected_due_date",
    // School, SEND and looked-after status
    "school.urn",
    "pupil.enrolment",
    "school.school_type",
    "school",
    "pupil.send",
    "pupil.looked_after",
    // The schools' checklist
    "checklist",
    // Healthy Child Programme and consent
    "healthy_child_programme.contacted",
    "healthy_child_programme.contacted_on",
    "healthy_child_programme.parental_consent_before_contact",
    "healthy_child_programme.outcome",
    "consent.given",
    "consent.given_on",
    "consent.withdrawn",
    "consent.withdrawal.withdrawn_on",
    "consent.withdrawal.note",
    "consent.withdrawal",
    // Health need and expected absence
    "health_need.description",
    "health_need.absence_expected",
    "health_need.expected_absence.further_school_days",
    "health_need.expected_absence.reason",
    "health_need.expected_absence.details",
    "health_need.expected_absence",
    "awaiting_specialist_place",
    // Medical evidence, then the section's own question
    "evidence",
    "repeat_referral",
    // Support until provision starts
    "support_meanwhile.learning_supported_by",
    "support_meanwhile.welfare_checks_by",
    "support_meanwhile",
    // Files attached to the referral
    super::missing_fields::ATTENDANCE_EXPORT,
    // Fields of the coordinator's desk, never asked of the school
    "waiting_on_evidence_since",
    "herringbone_attached",
];

/// The questions about one piece of evidence, in the order of its page.
const EVIDENCE: [&str; 10] = [
    "professional",
    "professional_name",
    "document",
    "verbal",
    "verbal.setting",
    "verbal.given_on",
    "verbal.summary",
    "verbal.recorded_by",
    "date_seen",
    "seen_in_person",
];

/// Whether `field` is `entry` or a part of it (`entry.x`, `entry[0]`).
fn within(field: &str, entry: &str) -> bool {
    field
        .strip_prefix(entry)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// Where a field comes on the form: its entry in [`ORDER`], then its place within the entry
/// (a checklist item, a piece of evidence), then within that. Unknown fields come last.
pub fn form_position(field: &str) -> (usize, usize, usize) {
    let Some(entry) = ORDER
        .iter()
        .enumerate()
        .filter(|(_, entry)| within(field, entry))
        .max_by_key(|(_, entry)| entry.len())
        .map(|(position, _)| position)
    else {
        return (ORDER.len(), 0, 0);
    };
    let (item, part) = match ORDER[entry] {
        "checklist" => checklist_position(field),
        "evidence" => evidence_position(field),
        // A question revealed by an answer comes after the answer.
        whole => (0, usize::from(field != whole)),
    };
    (entry, item, part)
}

/// `checklist.keyworker.note`: the item's place in the policy's list, then answer before note.
fn checklist_position(field: &str) -> (usize, usize) {
    let mut parts = field.split('.').skip(1);
    let item = parts
        .next()
        .and_then(|key| ChecklistItem::ALL.iter().position(|i| i.key() == key))
        .unwrap_or(ChecklistItem::ALL.len());
    let part = usize::from(parts.next() == Some("note"));
    (item, part)
}

/// `evidence[1].date_seen`: the piece (after "no evidence at all"), then the question.
fn evidence_position(field: &str) -> (usize, usize) {
    let Some((index, name)) = field
        .strip_prefix("evidence[")
        .and_then(|rest| rest.split_once("]."))
    else {
        return (0, 0);
    };
    let piece = index.parse::<usize>().map_or(usize::MAX, |i| i + 1);
    let question = EVIDENCE
        .iter()
        .position(|q| *q == name)
        .unwrap_or(EVIDENCE.len());
    (piece, question)
}

/// Puts problems in the order of the form, keeping the order of problems on one field.
pub fn sort_in_form_order(problems: &mut [FieldProblem]) {
    problems.sort_by_key(|problem| form_position(&problem.field));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::test_support::{example, today};
    use crate::referral::{MedicalEvidence, Referral};

    fn fields(problems: &[FieldProblem]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn mn_ref_1_problems_follow_the_form_whichever_check_found_them() {
        let mut referral = Referral {
            evidence: vec![MedicalEvidence::default()],
            referral_date: Some(today()),
            ..Referral::default()
        };
        referral.pupil.pregnant = Some(true);
        referral.pupil.date_of_birth = today().succ_opt();
        referral.consent.given = Some(true);
        referral.consent.given_on = today().succ_opt();
        let problems = referral.submission_problems(today(), false);
        let order: Vec<_> = problems.iter().map(|p| form_position(&p.field)).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "{:?}", fields(&problems));
        let fields = fields(&problems);
        let at = |f: &str| fields.iter().position(|x| *x == f).unwrap();
        // A date of birth after today sits with the date of birth, not after the evidence.
        assert!(at("pupil.date_of_birth") < at("pupil.upn"));
        // The due date belongs to "About the pupil", before the school's questions.
        assert!(at("pupil.expected_due_date") < at("school.school_type"));
        assert!(at("pupil.enrolment") < at("school.school_type"));
        assert!(at("school.school_type") < at("pupil.send"));
        assert!(
            at("checklist.own_medical_needs_policy_followed.answer")
                < at("checklist.keyworker.answer")
        );
        assert!(at("consent.given_on") < at("consent.withdrawn"));
        assert!(at("evidence[0].professional") < at("evidence[0].date_seen"));
        assert!(at("evidence[0].date_seen") < at("repeat_referral"));
        assert_eq!(*fields.last().unwrap(), "attendance");
    }

    #[test]
    fn a_complete_referral_with_its_export_has_no_problems() {
        assert_eq!(example().submission_problems(today(), true), Vec::new());
        let problems = example().submission_problems(today(), false);
        assert_eq!(fields(&problems), ["attendance"]);
    }

    #[test]
    fn pieces_of_evidence_and_checklist_items_keep_their_own_order() {
        assert!(form_position("evidence") < form_position("evidence[0].professional"));
        assert!(
            form_position("evidence[0].seen_in_person") < form_position("evidence[1].professional")
        );
        assert!(
            form_position("evidence[0].professional_name")
                < form_position("evidence[0].verbal.setting")
        );
        assert!(
            form_position("checklist.keyworker.answer") < form_position("checklist.keyworker.note")
        );
        assert!(
            form_position("checklist.keyworker.note")
                < form_position("checklist.safe_space.answer")
        );
        assert!(form_position("pupil.send") < form_position("pupil.send.ehcp_coordinator"));
        assert!(form_position("pupil.send.ehcp_coordinator") < form_position("pupil.looked_after"));
        assert!(
            form_position("consent.withdrawn") < form_position("consent.withdrawal.withdrawn_on")
        );
        assert_eq!(form_position("no.such.field").0, ORDER.len());
    }
}
