//! Who the service is for (§2, §5, §9, §11b): where the child lives, the kind of school, looked-
//! after children, home education, children not on a roll, interim measures and pregnancy
//! (MN-ELIG-1 to 3 and 6 to 9; age is in `school_age`).

use super::{Check, Context};
use crate::referral::{Enrolment, LookedAfter, SchoolType};

/// MN-ELIG-1: the child lives in the council's area ("ordinarily resident"), whatever the type or
/// location of their school and whether or not they are on a roll.
pub(super) fn ordinarily_resident(context: &Context) -> Check {
    const RULE: &str = "MN-ELIG-1";
    match context.referral.pupil.ordinarily_resident {
        Some(true) => Check::pass(
            RULE,
            "The pupil lives in the council's area, so the council's duty applies whatever school they attend.",
        ),
        Some(false) => Check::fail(
            RULE,
            "The referral says the pupil does not live in the council's area: the council where they live is responsible.",
        ),
        None => Check::fail(
            RULE,
            "The referral does not say whether the pupil lives in the council's area.",
        ),
    }
}

/// MN-ELIG-2: an independent special school provides medical needs support under its contract
/// with the local authority, so its referrals are flagged, not accepted by default.
pub(super) fn independent_special_school(context: &Context) -> Check {
    const RULE: &str = "MN-ELIG-2";
    let referral = context.referral;
    if !matches!(referral.pupil.enrolment, None | Some(Enrolment::OnRoll)) {
        return Check::not_applicable(RULE, "The pupil is not on a school roll.");
    }
    match referral.school.school_type {
        Some(SchoolType::IndependentSpecial) => Check::flag(
            RULE,
            "The school is an independent special school, which provides medical needs support under its contract with the local authority: check the contract before accepting.",
        ),
        Some(school_type) => Check::pass(
            RULE,
            format!(
                "The school is {}; the duty applies whatever the type of school.",
                super::wording::with_article(school_type.label())
            ),
        ),
        None => Check::flag(
            RULE,
            "The referral does not say what type of school it is: check whether it is an independent special school.",
        ),
    }
}

/// MN-ELIG-3: a looked-after child placed in the area by another authority is eligible, and the
/// placing authority is recorded so the cost can be recouped.
pub(super) fn looked_after_placed_by_another_authority(context: &Context) -> Check {
    const RULE: &str = "MN-ELIG-3";
    match &context.referral.pupil.looked_after {
        Some(LookedAfter::PlacedByAnotherAuthority { placing_authority })
            if !placing_authority.trim().is_empty() =>
        {
            Check::pass(
                RULE,
                format!(
                    "A looked-after child placed here by {}: eligible; record the placing authority so the cost can be recouped.",
                    placing_authority.trim()
                ),
            )
        }
        Some(LookedAfter::PlacedByAnotherAuthority { .. }) => Check::flag(
            RULE,
            "A looked-after child placed here by another authority, but the referral does not say which: ask, so the cost can be recouped.",
        ),
        Some(LookedAfter::ByThisCouncil) => {
            Check::pass(RULE, "A child looked after by this council: eligible.")
        }
        Some(LookedAfter::No) => Check::not_applicable(RULE, "Not a looked-after child."),
        None => Check::flag(
            RULE,
            "The referral does not say whether the pupil is a looked-after child.",
        ),
    }
}

/// MN-ELIG-6: an electively home-educated child is not eligible unless the coordinator records
/// exceptional circumstances.
pub(super) fn electively_home_educated(context: &Context) -> Check {
    const RULE: &str = "MN-ELIG-6";
    match &context.referral.pupil.enrolment {
        Some(Enrolment::ElectivelyHomeEducated {
            exceptional_circumstances,
        }) if !exceptional_circumstances.trim().is_empty() => Check::flag(
            RULE,
            format!(
                "Electively home educated, so not normally eligible; exceptional circumstances are recorded for the coordinator to weigh: {}",
                exceptional_circumstances.trim()
            ),
        ),
        Some(Enrolment::ElectivelyHomeEducated { .. }) => Check::fail(
            RULE,
            "Electively home educated: the parents have taken on the child's education, so the child is not eligible unless the coordinator records exceptional circumstances.",
        ),
        Some(_) => Check::not_applicable(RULE, "Not electively home educated."),
        None => Check::flag(
            RULE,
            "The referral does not say whether the pupil is on a school roll or home educated.",
        ),
    }
}

/// MN-ELIG-7: a child on no school roll (missing education) is handled by the coordinator or
/// the EHCP coordinator, who can open a case without a school referral.
pub(super) fn not_on_roll(context: &Context) -> Check {
    const RULE: &str = "MN-ELIG-7";
    let referral = context.referral;
    match &referral.pupil.enrolment {
        Some(Enrolment::OnRoll) => {
            let school = referral.school.name.trim();
            let school = if school.is_empty() {
                "the referring school".to_owned()
            } else {
                school.to_owned()
            };
            Check::pass(RULE, format!("On the roll of {school}."))
        }
        Some(Enrolment::NotOnRoll) => Check::flag(
            RULE,
            "Not on a school roll (a child missing education): the council remains responsible; the coordinator or the EHCP coordinator handles the case, without a school referral.",
        ),
        Some(Enrolment::ElectivelyHomeEducated { .. }) => Check::not_applicable(
            RULE,
            "Electively home educated, which is not missing education (see MN-ELIG-6).",
        ),
        None => Check::flag(
            RULE,
            "The referral does not say whether the pupil is on a school roll.",
        ),
    }
}

/// MN-ELIG-8: the service is not an interim measure for a pupil awaiting a specialist school
/// place, nor a way to avoid attendance procedures; the referral asks, and a yes is flagged.
pub(super) fn not_an_interim_measure(context: &Context) -> Check {
    const RULE: &str = "MN-ELIG-8";
    match context.referral.awaiting_specialist_place {
        Some(true) => Check::flag(
            RULE,
            "The pupil is waiting for a specialist school place: the service is not an interim measure while a place is found (§11b), so check that the health need is what keeps the pupil away.",
        ),
        Some(false) => Check::pass(
            RULE,
            "The pupil is not waiting for a specialist school place.",
        ),
        None => Check::flag(
            RULE,
            "The referral does not say whether the pupil is waiting for a specialist school place.",
        ),
    }
}

/// MN-ELIG-9: pregnancy is not an illness; a pregnant pupil's referral needs evidence that she is
/// too unwell to attend, and the expected due date.
pub(super) fn pregnancy(context: &Context) -> Check {
    const RULE: &str = "MN-ELIG-9";
    let referral = context.referral;
    if referral.pupil.pregnant != Some(true) {
        return Check::not_applicable(RULE, "The pupil is not pregnant.");
    }
    let evidence_of_illness = referral.evidence.iter().any(|evidence| {
        evidence.professional.is_some_and(|kind| kind.is_accepted())
            && !evidence.document.is_some_and(|kind| kind.is_appointment())
            && !evidence.content.condition_and_treatment.trim().is_empty()
    });
    let due = referral.pupil.expected_due_date;
    let mut missing = Vec::new();
    if due.is_none() {
        missing.push("the date the baby is expected");
    }
    if !evidence_of_illness {
        missing.push("medical evidence that she is too unwell to attend school");
    }
    match due {
        Some(due) if missing.is_empty() => Check::pass(
            RULE,
            format!(
                "Pregnant, with the baby due on {}. Pregnancy is not an illness: the medical evidence describes a health condition that keeps her from school.",
                super::wording::date(due)
            ),
        ),
        _ => Check::flag(
            RULE,
            format!(
                "Pregnant. Pregnancy is not an illness (§9): the referral needs {}.",
                super::wording::list(&missing)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::referral::test_support::{check, example};
    use crate::referral::{Enrolment, LookedAfter, Outcome, SchoolType};

    #[test]
    fn mn_elig_1_a_pupil_living_in_the_area_is_eligible_whatever_the_school() {
        let referral = example();
        assert_eq!(check(&referral, "MN-ELIG-1").outcome, Outcome::Pass);
    }

    #[test]
    fn mn_elig_1_a_pupil_living_elsewhere_fails() {
        let mut referral = example();
        referral.pupil.ordinarily_resident = Some(false);
        let result = check(&referral, "MN-ELIG-1");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(
            result
                .message
                .contains("does not live in the council's area")
        );
        referral.pupil.ordinarily_resident = None;
        assert_eq!(check(&referral, "MN-ELIG-1").outcome, Outcome::Fail);
    }

    #[test]
    fn mn_elig_2_an_independent_special_school_is_flagged() {
        let mut referral = example();
        referral.school.school_type = Some(SchoolType::IndependentSpecial);
        let result = check(&referral, "MN-ELIG-2");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("under its contract"));
        referral.school.school_type = Some(SchoolType::Independent);
        let result = check(&referral, "MN-ELIG-2");
        assert_eq!(result.outcome, Outcome::Pass);
        assert_eq!(
            result.message,
            "The school is an independent school; the duty applies whatever the type of school."
        );
    }

    #[test]
    fn mn_elig_3_a_child_placed_by_another_authority_is_eligible_and_the_authority_recorded() {
        let mut referral = example();
        referral.pupil.looked_after = Some(LookedAfter::PlacedByAnotherAuthority {
            placing_authority: "Suffolk County Council".to_owned(),
        });
        let result = check(&referral, "MN-ELIG-3");
        assert_eq!(result.outcome, Outcome::Pass);
        assert!(
            result
                .message
                .contains("placed here by Suffolk County Council")
        );
        referral.pupil.looked_after = Some(LookedAfter::PlacedByAnotherAuthority {
            placing_authority: String::new(),
        });
        assert_eq!(check(&referral, "MN-ELIG-3").outcome, Outcome::Flag);
        referral.pupil.looked_after = Some(LookedAfter::No);
        assert_eq!(
            check(&referral, "MN-ELIG-3").outcome,
            Outcome::NotApplicable
        );
    }

    #[test]
    fn mn_elig_6_home_education_fails_unless_exceptional_circumstances_are_recorded() {
        let mut referral = example();
        referral.pupil.enrolment = Some(Enrolment::ElectivelyHomeEducated {
            exceptional_circumstances: String::new(),
        });
        assert_eq!(check(&referral, "MN-ELIG-6").outcome, Outcome::Fail);
        referral.pupil.enrolment = Some(Enrolment::ElectivelyHomeEducated {
            exceptional_circumstances: "Parent too ill to educate; pupil in hospital.".to_owned(),
        });
        let result = check(&referral, "MN-ELIG-6");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("Parent too ill"));
        assert_eq!(
            check(&example(), "MN-ELIG-6").outcome,
            Outcome::NotApplicable
        );
    }

    #[test]
    fn mn_elig_7_a_child_not_on_roll_is_flagged_for_the_coordinator() {
        let mut referral = example();
        assert_eq!(
            check(&referral, "MN-ELIG-7").message,
            "On the roll of Example High School."
        );
        referral.pupil.enrolment = Some(Enrolment::NotOnRoll);
        referral.school = Default::default();
        let result = check(&referral, "MN-ELIG-7");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("without a school referral"));
        // A child not on a roll needs no school details or UPN to be complete.
        assert!(
            referral.missing_fields().iter().all(
                |problem| !problem.field.starts_with("school.") && problem.field != "pupil.upn"
            )
        );
    }

    #[test]
    fn mn_elig_8_waiting_for_a_specialist_place_is_flagged() {
        let mut referral = example();
        assert_eq!(check(&referral, "MN-ELIG-8").outcome, Outcome::Pass);
        referral.awaiting_specialist_place = Some(true);
        let result = check(&referral, "MN-ELIG-8");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("not an interim measure"));
    }

    #[test]
    fn mn_elig_9_a_pregnant_pupil_needs_a_due_date_and_evidence_of_illness() {
        let mut referral = example();
        assert_eq!(
            check(&referral, "MN-ELIG-9").outcome,
            Outcome::NotApplicable
        );
        referral.pupil.pregnant = Some(true);
        let result = check(&referral, "MN-ELIG-9");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("the date the baby is expected"));
        referral.pupil.expected_due_date = Some(crate::referral::test_support::date(2027, 3, 1));
        let result = check(&referral, "MN-ELIG-9");
        assert_eq!(result.outcome, Outcome::Pass);
        assert!(result.message.contains("due on 1 March 2027"));
        referral.evidence[0].content.condition_and_treatment.clear();
        let result = check(&referral, "MN-ELIG-9");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("too unwell to attend school"));
    }
}
