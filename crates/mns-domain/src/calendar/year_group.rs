//! The year group a child's age puts them in (MN-ELIG-4, MN-ELIG-5).

use chrono::NaiveDate;

use super::SchoolYear;

/// The year group a child is in by age in a school year (MN-ELIG-4): Reception is 0, then
/// Year 1 to Year 13. Children born between 1 September and the following 31 August share a
/// year group; a child who is 4 on 31 August enters Reception that September.
///
/// Below Reception the value is negative (nursery), after Year 13 it goes on past 13. This is
/// the year group by age: a pupil repeating Year 11 is in Year 12 here, which is how MN-ELIG-5's
/// exception for a pupil "who would be in Year 12" is recognised against the school's record.
pub fn year_group(date_of_birth: NaiveDate, school_year: SchoolYear) -> i32 {
    let born_in = SchoolYear::containing(date_of_birth);
    // Reception is the school year starting five years after the school year of birth.
    school_year
        .start_year()
        .saturating_sub(born_in.start_year())
        .saturating_sub(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR_2025_26: SchoolYear = SchoolYear::new(2025);

    #[test]
    fn mn_elig_4_children_born_sep_2015_to_aug_2016_are_in_year_5_in_2025_26() {
        assert_eq!(year_group(date!(2015, 9, 1), YEAR_2025_26), 5);
        assert_eq!(year_group(date!(2016, 2, 29), YEAR_2025_26), 5);
        assert_eq!(year_group(date!(2016, 8, 31), YEAR_2025_26), 5);
        assert_eq!(year_group(date!(2015, 8, 31), YEAR_2025_26), 6);
        assert_eq!(year_group(date!(2016, 9, 1), YEAR_2025_26), 4);
    }

    #[test]
    fn mn_elig_4_a_child_aged_4_on_31_august_enters_reception() {
        // Turns 4 on 31 August 2025, so starts Reception in September 2025.
        assert_eq!(year_group(date!(2021, 8, 31), YEAR_2025_26), 0);
        // Turns 5 on 1 September 2025: 4 on 31 August, also Reception.
        assert_eq!(year_group(date!(2020, 9, 1), YEAR_2025_26), 0);
        assert_eq!(year_group(date!(2021, 9, 1), YEAR_2025_26), -1);
    }

    #[test]
    fn mn_elig_4_year_11_is_the_year_a_pupil_turns_16() {
        assert_eq!(year_group(date!(2009, 9, 1), YEAR_2025_26), 11);
        assert_eq!(year_group(date!(2010, 8, 31), YEAR_2025_26), 11);
        assert_eq!(year_group(date!(2008, 1, 15), YEAR_2025_26), 13);
    }

    #[test]
    fn mn_elig_5_a_pupil_repeating_year_11_is_in_year_12_by_age() {
        // Born March 2009: Year 11 in 2024/25, so Year 12 by age in 2025/26.
        let born = date!(2009, 3, 14);
        assert_eq!(year_group(born, SchoolYear::new(2024)), 11);
        assert_eq!(year_group(born, YEAR_2025_26), 12);
    }
}
