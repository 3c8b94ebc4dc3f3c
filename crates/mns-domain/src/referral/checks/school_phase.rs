//! The pupil's age against the school's phase: each school on the schools list (GIAS) has a
//! statutory age range (`StatutoryLowAge`, `StatutoryHighAge`). A secondary-age pupil on a
//! primary school's roll is more likely a mistake in the referral (the wrong school, or the
//! wrong date of birth or year group) than a fact, so it is flagged for the coordinator to
//! check. A flag, never a failure: a school may keep a pupil back or teach one early.

use std::ops::RangeInclusive;

use chrono::NaiveDate;

use super::school_age::year_label;
use super::{Check, Outcome};
use crate::calendar::{SchoolYear, year_group};
use crate::referral::Referral;

/// The rule a phase flag is shown under: MN-ELIG-4 is the rule about the pupil's age and
/// year group.
const RULE: &str = "MN-ELIG-4";

/// A school's statutory age range, as the schools list gives it: the youngest and the oldest
/// age of its pupils (a primary school 4 to 11, a secondary school 11 to 16 or 11 to 18).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatutoryAgeRange {
    low: u8,
    high: u8,
}

impl StatutoryAgeRange {
    /// The range from the list's two numbers, if they make one: both from 0 to 25, the low
    /// age not above the high one.
    pub fn new(low: i64, high: i64) -> Option<StatutoryAgeRange> {
        let low = u8::try_from(low).ok().filter(|a| *a <= 25)?;
        let high = u8::try_from(high).ok().filter(|a| *a <= 25)?;
        (low <= high).then_some(StatutoryAgeRange { low, high })
    }

    /// The youngest age.
    pub fn low(self) -> u8 {
        self.low
    }

    /// The oldest age.
    pub fn high(self) -> u8 {
        self.high
    }

    /// The year groups a school with this range teaches. A pupil in year group `y` (Reception
    /// is 0) is `y + 4` on the last day of August before the school year and `y + 5` by its
    /// end, so 4 to 11 is Reception to Year 6, 7 to 11 Years 3 to 6 (a junior school), 11 to
    /// 16 Years 7 to 11 and 11 to 18 Years 7 to 13. Empty for a range too narrow to hold a
    /// whole school year.
    pub fn year_groups(self) -> RangeInclusive<i32> {
        (i32::from(self.low) - 4)..=(i32::from(self.high) - 5)
    }

    /// Whether the school teaches pupils in year group `year`.
    pub fn takes(self, year: i32) -> bool {
        self.year_groups().contains(&year)
    }
}

/// A pupil whose year group falls outside the school's statutory age range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseMismatch {
    /// The year group that does not fit (Reception is 0).
    pub year_group: i32,
    /// Whether that is the year group the date of birth gives (otherwise it is the one the
    /// school recorded, because the date of birth is missing or fits).
    pub by_age: bool,
    /// When the year group was counted: "on the referral date" or "today".
    pub on: &'static str,
    /// The school's name.
    pub school_name: String,
    /// The school's statutory age range.
    pub ages: StatutoryAgeRange,
}

impl PhaseMismatch {
    /// What was found, in a sentence or two for the coordinator.
    pub fn message(&self) -> String {
        let range = self.ages.year_groups();
        let teaches = if range.is_empty() {
            String::new()
        } else if range.start() == range.end() {
            format!(", {}", year_label(*range.start()))
        } else {
            format!(
                ", {} to {}",
                year_label(*range.start()),
                year_label(*range.end())
            )
        };
        let school = format!(
            "{}'s statutory age range is {} to {}{teaches}",
            if self.school_name.trim().is_empty() {
                "the school"
            } else {
                self.school_name.trim()
            },
            self.ages.low,
            self.ages.high,
        );
        if self.by_age {
            format!(
                "The pupil's age does not fit the school: {} by age {}, but {school}. Check the school and the date of birth with the school.",
                year_label(self.year_group),
                self.on
            )
        } else {
            format!(
                "The year group does not fit the school: the school records {}, but {school}. Check the year group with the school.",
                year_label(self.year_group)
            )
        }
    }

    /// The mismatch as a flagged check, to show with the others (a flag, never a failure).
    pub fn check(&self) -> Check {
        Check::new(RULE, Outcome::Flag, self.message())
    }
}

/// Whether the pupil's year group falls outside the statutory age range of their school
/// (`school_name`, `ages`): by age on the referral date (or `today` for a draft without one)
/// where the date of birth is known, and as the school records it. A pupil repeating Year 11
/// for medical reasons is taken in Year 11 (MN-ELIG-5). `None` when the year group fits, or
/// when there is neither a date of birth nor a year group to go on.
pub fn school_phase_mismatch(
    referral: &Referral,
    school_name: &str,
    ages: StatutoryAgeRange,
    today: NaiveDate,
) -> Option<PhaseMismatch> {
    let pupil = &referral.pupil;
    let on = referral.referral_date.unwrap_or(today);
    let by_age = pupil
        .date_of_birth
        .map(|born| year_group(born, SchoolYear::containing(on)));
    let recorded = pupil.year_group;
    let repeating_year_11 = pupil.repeating_year_11_for_medical_reasons == Some(true)
        && recorded == Some(11)
        && by_age == Some(12);
    let mismatch = |year_group: i32, by_age: bool| PhaseMismatch {
        year_group,
        by_age,
        on: if referral.referral_date.is_some() {
            "on the referral date"
        } else {
            "today"
        },
        school_name: school_name.to_string(),
        ages,
    };
    if let Some(year) = by_age.filter(|y| !repeating_year_11 && !ages.takes(*y)) {
        return Some(mismatch(year, true));
    }
    recorded
        .filter(|y| !ages.takes(*y))
        .map(|year| mismatch(year, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::test_support::{date, example, today};

    fn primary() -> StatutoryAgeRange {
        StatutoryAgeRange::new(4, 11).unwrap()
    }

    fn secondary() -> StatutoryAgeRange {
        StatutoryAgeRange::new(11, 16).unwrap()
    }

    #[test]
    fn a_statutory_age_range_gives_the_year_groups_a_school_teaches() {
        assert_eq!(primary().year_groups(), 0..=6);
        assert_eq!(secondary().year_groups(), 7..=11);
        assert_eq!(
            StatutoryAgeRange::new(11, 18).unwrap().year_groups(),
            7..=13
        );
        // An infant, a junior and a middle school; a primary school with a nursery.
        assert_eq!(StatutoryAgeRange::new(4, 7).unwrap().year_groups(), 0..=2);
        assert_eq!(StatutoryAgeRange::new(7, 11).unwrap().year_groups(), 3..=6);
        assert_eq!(StatutoryAgeRange::new(9, 13).unwrap().year_groups(), 5..=8);
        assert!(StatutoryAgeRange::new(3, 11).unwrap().takes(-1));
        assert!(!primary().takes(7));
        assert!(!secondary().takes(6));
        assert!(!secondary().takes(12));
    }

    #[test]
    fn a_statutory_age_range_must_make_sense() {
        assert_eq!(StatutoryAgeRange::new(11, 4), None);
        assert_eq!(StatutoryAgeRange::new(-1, 11), None);
        assert_eq!(StatutoryAgeRange::new(4, 99), None);
        let range = StatutoryAgeRange::new(2, 19).unwrap();
        assert_eq!((range.low(), range.high()), (2, 19));
    }

    #[test]
    fn mn_elig_4_a_secondary_age_pupil_at_a_primary_school_is_flagged_not_failed() {
        // The example: born 14 May 2012, referred on 16 November 2026: Year 10 by age.
        let referral = example();
        let found = school_phase_mismatch(
            &referral,
            "Wensum Valley Primary School",
            primary(),
            today(),
        )
        .expect("a Year 10 pupil does not fit a primary school");
        assert_eq!(found.year_group, 10);
        assert!(found.by_age);
        assert_eq!(
            found.message(),
            "The pupil's age does not fit the school: Year 10 by age on the referral date, but \
             Wensum Valley Primary School's statutory age range is 4 to 11, Reception to Year 6. \
             Check the school and the date of birth with the school."
        );
        let check = found.check();
        assert_eq!(check.outcome, Outcome::Flag);
        assert_eq!(check.rule, "MN-ELIG-4");
    }

    #[test]
    fn mn_elig_4_a_pupil_of_an_age_for_the_school_is_not_flagged() {
        let mut referral = example();
        assert_eq!(
            school_phase_mismatch(&referral, "Broadland High School", secondary(), today()),
            None
        );
        // Reception and Year 6 are both a primary school's.
        referral.pupil.date_of_birth = Some(date(2022, 8, 31));
        referral.pupil.year_group = Some(0);
        assert_eq!(
            school_phase_mismatch(&referral, "Primary", primary(), today()),
            None
        );
        referral.pupil.date_of_birth = Some(date(2015, 9, 1));
        referral.pupil.year_group = Some(6);
        assert_eq!(
            school_phase_mismatch(&referral, "Primary", primary(), today()),
            None
        );
    }

    #[test]
    fn mn_elig_4_a_primary_age_pupil_at_a_secondary_school_is_flagged() {
        let mut referral = example();
        referral.pupil.date_of_birth = Some(date(2016, 3, 1));
        referral.pupil.year_group = Some(6);
        let found =
            school_phase_mismatch(&referral, "Yare Bank Academy", secondary(), today()).unwrap();
        assert_eq!((found.year_group, found.by_age), (6, true));
        assert!(
            found
                .message()
                .contains("statutory age range is 11 to 16, Year 7 to Year 11"),
            "{}",
            found.message()
        );
    }

    #[test]
    fn mn_elig_4_without_a_date_of_birth_the_recorded_year_group_is_checked() {
        let mut referral = example();
        referral.pupil.date_of_birth = None;
        referral.pupil.year_group = Some(8);
        let found = school_phase_mismatch(&referral, "", primary(), today()).unwrap();
        assert_eq!((found.year_group, found.by_age), (8, false));
        assert_eq!(
            found.message(),
            "The year group does not fit the school: the school records Year 8, but the \
             school's statutory age range is 4 to 11, Reception to Year 6. Check the year group \
             with the school."
        );
        referral.pupil.year_group = None;
        assert_eq!(
            school_phase_mismatch(&referral, "", primary(), today()),
            None
        );
    }

    #[test]
    fn mn_elig_4_a_recorded_year_group_outside_the_range_is_flagged_even_when_the_age_fits() {
        let mut referral = example();
        referral.pupil.year_group = Some(6);
        let found = school_phase_mismatch(&referral, "High", secondary(), today()).unwrap();
        assert_eq!((found.year_group, found.by_age), (6, false));
    }

    #[test]
    fn mn_elig_5_a_pupil_repeating_year_11_at_an_11_to_16_school_is_not_flagged() {
        let mut referral = example();
        // Year 12 by age in 2026/27, repeating Year 11 for medical reasons.
        referral.pupil.date_of_birth = Some(date(2010, 1, 10));
        referral.pupil.year_group = Some(11);
        referral.pupil.repeating_year_11_for_medical_reasons = Some(true);
        assert_eq!(
            school_phase_mismatch(&referral, "High", secondary(), today()),
            None
        );
        referral.pupil.repeating_year_11_for_medical_reasons = Some(false);
        let found = school_phase_mismatch(&referral, "High", secondary(), today()).unwrap();
        assert_eq!((found.year_group, found.by_age), (12, true));
    }

    #[test]
    fn mn_elig_4_a_draft_is_counted_today() {
        let mut referral = example();
        referral.referral_date = None;
        let found = school_phase_mismatch(&referral, "P", primary(), today()).unwrap();
        assert_eq!(found.on, "today");
        assert!(found.message().contains("Year 10 by age today"));
    }
}
