//! Age (§2, §6): the duty is to children of compulsory school age (MN-ELIG-4), with one
//! exception after it, a pupil repeating Year 11 for medical reasons (MN-ELIG-5).

use chrono::{Days, Months, NaiveDate};

use super::wording::{date, day};
use super::{Check, Context};
use crate::calendar::{
    SchoolYear, compulsory_school_age_ends, compulsory_school_age_starts, year_group,
};
use crate::referral::SendStatus;

/// A year group in words: "Reception", "Year 10", "nursery age".
pub(super) fn year_label(year: i32) -> String {
    match year {
        ..0 => "nursery age".to_owned(),
        0 => "Reception".to_owned(),
        year => format!("Year {year}"),
    }
}

/// When the initial period would end if provision started on `start`: counted in school weeks
/// on the calendar where it reaches, otherwise in calendar weeks (which ends it no later).
fn initial_period_end(context: &Context, start: NaiveDate) -> Option<NaiveDate> {
    let weeks = context.policy.initial_period_weeks;
    context
        .calendar
        .and_then(|calendar| calendar.add_school_weeks(start, weeks).ok())
        .or_else(|| start.checked_add_days(Days::new(u64::from(weeks) * 7)))
}

/// MN-ELIG-4: the pupil is of compulsory school age (from the prescribed day after their fifth
/// birthday to the last Friday of June in the school year they turn 16), and the year group
/// the school gives matches the one the date of birth gives.
pub(super) fn compulsory_school_age(context: &Context) -> Check {
    const RULE: &str = "MN-ELIG-4";
    let pupil = &context.referral.pupil;
    let Some(born) = pupil.date_of_birth else {
        return Check::fail(
            RULE,
            "The referral has no date of birth, so compulsory school age cannot be checked.",
        );
    };
    let on = context.assessed_on();
    let starts = compulsory_school_age_starts(born);
    let ends = compulsory_school_age_ends(born);
    if on < starts {
        return Check::fail(
            RULE,
            format!(
                "Not yet of compulsory school age on {}: that starts on {}.",
                context.assessed_on_words(),
                date(starts)
            ),
        );
    }
    if on > ends {
        let message = format!("Past compulsory school age, which ended on {}.", day(ends));
        return if pupil.repeating_year_11_for_medical_reasons == Some(true) {
            Check::flag(
                RULE,
                format!(
                    "{message} The pupil is repeating Year 11 for medical reasons: see MN-ELIG-5."
                ),
            )
        } else {
            Check::fail(RULE, format!("{message} See MN-ELIG-5 for post-16 pupils."))
        };
    }
    let school_year = SchoolYear::containing(on);
    let by_age = year_group(born, school_year);
    let mut sentences = vec![format!(
        "Of compulsory school age on {}: {} by age in {school_year}.",
        context.assessed_on_words(),
        year_label(by_age)
    )];
    let mut flagged = false;
    if let Some(recorded) = pupil.year_group {
        let repeating = pupil.repeating_year_11_for_medical_reasons == Some(true) && recorded == 11;
        if recorded != by_age && !repeating {
            flagged = true;
            sentences.push(format!(
                "The school records {}, but the date of birth puts the pupil in {}: check both.",
                year_label(recorded),
                year_label(by_age)
            ));
        }
    }
    if SchoolYear::containing(ends) == school_year {
        let sixteenth = born
            .checked_add_months(Months::new(16 * 12))
            .unwrap_or(ends);
        sentences.push(format!(
            "Turns 16 on {} in this school year; compulsory school age ends on {}.",
            date(sixteenth),
            day(ends)
        ));
    }
    if let Some(period_end) = initial_period_end(context, on).filter(|end| ends < *end) {
        flagged = true;
        sentences.push(format!(
            "That is before an initial {}-week period from {} would end (about {}): plan for provision to end then (MN-END-1).",
            context.policy.initial_period_weeks,
            context.assessed_on_words(),
            date(period_end)
        ));
    }
    let message = sentences.join(" ");
    if flagged {
        Check::flag(RULE, message)
    } else {
        Check::pass(RULE, message)
    }
}

/// MN-ELIG-5: post-16 pupils are not eligible, except one who would be in Year 12 but is
/// repeating Year 11 for medical reasons, whose request "will be considered"; other post-16
/// referrals get advice (the host provider makes adjustments; the EHCP coordinator first where
/// there is an EHCP).
pub(super) fn post_16(context: &Context) -> Check {
    const RULE: &str = "MN-ELIG-5";
    let pupil = &context.referral.pupil;
    let Some(born) = pupil.date_of_birth else {
        return Check::not_applicable(RULE, "No date of birth (see MN-ELIG-4).");
    };
    let by_age = year_group(born, SchoolYear::containing(context.assessed_on()));
    let repeating = pupil.repeating_year_11_for_medical_reasons == Some(true);
    if by_age < 12 {
        return if repeating {
            Check::flag(
                RULE,
                format!(
                    "Marked as repeating Year 11 for medical reasons, but the date of birth puts the pupil in {}: check the date of birth.",
                    year_label(by_age)
                ),
            )
        } else {
            Check::not_applicable(RULE, format!("Not post-16: {} by age.", year_label(by_age)))
        };
    }
    if repeating && by_age == 12 {
        return Check::flag(
            RULE,
            "Would be in Year 12 by age and is repeating Year 11 for medical reasons: the policy says such a request will be considered (§6). The coordinator decides.",
        );
    }
    let mut message = format!(
        "Post-16 ({} by age), so not normally eligible: the host school, college or training provider makes reasonable adjustments and can ask the coordinator for advice.",
        year_label(by_age)
    );
    if matches!(pupil.send, Some(SendStatus::Ehcp { .. })) {
        message.push_str(
            " The young person has an EHCP: the provider should contact the EHCP coordinator first.",
        );
    }
    if repeating {
        message.push_str(&format!(
            " The exception for a pupil repeating Year 11 is for one who would be in Year 12, not {}.",
            year_label(by_age)
        ));
    }
    Check::fail(RULE, message)
}

#[cfg(test)]
mod tests {
    use crate::referral::test_support::{Scenario, check, date, example};
    use crate::referral::{Outcome, SendStatus};

    #[test]
    fn mn_elig_4_a_year_10_pupil_is_of_compulsory_school_age() {
        let result = check(&example(), "MN-ELIG-4");
        assert_eq!(result.outcome, Outcome::Pass, "{}", result.message);
        assert_eq!(
            result.message,
            "Of compulsory school age on the referral date: Year 10 by age in 2026/27."
        );
    }

    #[test]
    fn mn_elig_4_a_pupil_turning_16_in_the_year_is_told_when_compulsory_school_age_ends() {
        let mut referral = example();
        // Turns 16 on 10 March 2027; compulsory school age ends on Friday 25 June 2027.
        referral.pupil.date_of_birth = Some(date(2011, 3, 10));
        referral.pupil.year_group = Some(11);
        let result = check(&referral, "MN-ELIG-4");
        assert_eq!(result.outcome, Outcome::Pass, "{}", result.message);
        assert!(
            result.message.contains(
                "Turns 16 on 10 March 2027 in this school year; compulsory school age ends on Friday 25 June 2027."
            ),
            "{}",
            result.message
        );
    }

    #[test]
    fn mn_elig_4_compulsory_school_age_ending_within_the_initial_period_is_flagged() {
        let mut referral = example();
        referral.pupil.date_of_birth = Some(date(2011, 3, 10));
        referral.pupil.year_group = Some(11);
        referral.referral_date = Some(date(2027, 4, 19));
        let result = check(&referral, "MN-ELIG-4");
        assert_eq!(result.outcome, Outcome::Flag, "{}", result.message);
        assert!(result.message.contains("plan for provision to end then"));
    }

    #[test]
    fn mn_elig_4_a_wrong_year_group_is_flagged() {
        let mut referral = example();
        referral.pupil.year_group = Some(9);
        let result = check(&referral, "MN-ELIG-4");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains(
            "The school records Year 9, but the date of birth puts the pupil in Year 10"
        ));
    }

    #[test]
    fn mn_elig_4_too_young_or_too_old_fails() {
        let mut referral = example();
        referral.pupil.date_of_birth = Some(date(2022, 1, 10));
        referral.pupil.year_group = Some(0);
        let result = check(&referral, "MN-ELIG-4");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(result.message.contains("that starts on 31 March 2027"));
        referral.pupil.date_of_birth = Some(date(2009, 1, 10));
        let result = check(&referral, "MN-ELIG-4");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(result.message.contains("ended on Friday 27 June 2025"));
    }

    #[test]
    fn mn_elig_5_a_year_11_repeater_is_considered_and_flagged_for_the_coordinator() {
        let mut referral = example();
        // Born March 2010: Year 11 in 2025/26, so Year 12 by age in 2026/27.
        referral.pupil.date_of_birth = Some(date(2010, 3, 14));
        referral.pupil.year_group = Some(11);
        referral.pupil.repeating_year_11_for_medical_reasons = Some(true);
        let scenario = Scenario::new(referral);
        let result = scenario.check("MN-ELIG-5");
        assert_eq!(result.outcome, Outcome::Flag);
        assert!(result.message.contains("will be considered"));
        // Past compulsory school age, shown as a flag that points to MN-ELIG-5, not a failure.
        let age = scenario.check("MN-ELIG-4");
        assert_eq!(age.outcome, Outcome::Flag);
        assert!(age.message.contains("see MN-ELIG-5"), "{}", age.message);
    }

    #[test]
    fn mn_elig_5_other_post_16_referrals_fail_with_advice() {
        let mut referral = example();
        referral.pupil.date_of_birth = Some(date(2010, 3, 14));
        referral.pupil.year_group = Some(12);
        referral.pupil.send = Some(SendStatus::Ehcp {
            ehcp_coordinator: "Ms R Shah".to_owned(),
            last_reviewed: None,
            summary: String::new(),
        });
        let result = check(&referral, "MN-ELIG-5");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(result.message.contains("makes reasonable adjustments"));
        assert!(
            result
                .message
                .contains("contact the EHCP coordinator first")
        );
        assert_eq!(
            check(&example(), "MN-ELIG-5").outcome,
            Outcome::NotApplicable
        );
    }

    #[test]
    fn mn_elig_5_a_repeater_who_would_be_in_year_13_is_not_the_exception() {
        let mut referral = example();
        referral.pupil.date_of_birth = Some(date(2009, 3, 14));
        referral.pupil.repeating_year_11_for_medical_reasons = Some(true);
        let result = check(&referral, "MN-ELIG-5");
        assert_eq!(result.outcome, Outcome::Fail);
        assert!(result.message.contains("not Year 13"));
    }
}
