//! The herringbone laid out as a page shows it: one row per week, ten cells from Monday morning
//! to Friday afternoon, each with its code and category or empty.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

use super::{AttendanceCategory, AttendanceCode, HalfDay, Herringbone, Session};
use crate::calendar::SchoolYear;

/// How many cells a week has: Monday to Friday, morning and afternoon.
pub const CELLS_PER_WEEK: usize = 10;

/// One marked cell of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GridCell {
    /// The code recorded.
    pub code: AttendanceCode,
    /// How it counts, for colouring.
    pub category: AttendanceCategory,
}

/// One week of the grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GridWeek {
    /// The Monday the week begins on.
    pub week_beginning: NaiveDate,
    /// Monday AM, Monday PM, Tuesday AM, ... Friday PM; `None` where nothing was recorded.
    pub cells: [Option<GridCell>; CELLS_PER_WEEK],
}

/// A herringbone as weeks × (Monday..Friday × AM/PM), ready for a page to render.
///
/// Weeks run from the first marked week to the last, with the weeks between included (empty
/// where nothing was marked, as in a holiday) so the page shows the gaps. Weekend marks are
/// not shown.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AttendanceGrid {
    /// The weeks, in date order.
    pub weeks: Vec<GridWeek>,
}

impl GridWeek {
    /// The session a cell stands for: cell 0 is Monday AM, cell 9 is Friday PM (`None` past
    /// cell 9).
    pub fn session_of(&self, cell: usize) -> Option<Session> {
        if cell >= CELLS_PER_WEEK {
            return None;
        }
        let half = match cell % 2 {
            0 => HalfDay::Am,
            _ => HalfDay::Pm,
        };
        let days = u64::try_from(cell / 2).ok()?;
        let date = self.week_beginning.checked_add_days(Days::new(days))?;
        Some(Session::new(date, half))
    }

    /// The cell for a weekday's morning or afternoon (`None` at weekends or where unmarked).
    pub fn cell(&self, weekday: Weekday, half: HalfDay) -> Option<GridCell> {
        let index = cell_index(weekday, half)?;
        self.cells.get(index).copied().flatten()
    }
}

impl AttendanceGrid {
    /// The grid of the herringbone's marks from `first` to `last` (both included).
    pub fn new(herringbone: &Herringbone, first: NaiveDate, last: NaiveDate) -> Self {
        let mut weeks: Vec<GridWeek> = Vec::new();
        for (session, code) in herringbone.between(first, last) {
            let Some(index) = cell_index(session.date.weekday(), session.half) else {
                continue;
            };
            let Some(monday) = monday_of(session.date) else {
                continue;
            };
            while weeks.last().is_none_or(|week| week.week_beginning < monday) {
                let next = match weeks.last() {
                    Some(week) => week.week_beginning.checked_add_days(Days::new(7)),
                    None => Some(monday),
                };
                let Some(week_beginning) = next else { break };
                weeks.push(GridWeek {
                    week_beginning,
                    cells: [None; CELLS_PER_WEEK],
                });
            }
            if let Some(cell) = weeks.last_mut().and_then(|week| week.cells.get_mut(index)) {
                *cell = Some(GridCell {
                    code,
                    category: code.category(),
                });
            }
        }
        Self { weeks }
    }

    /// The grid of the herringbone's marks in a school year.
    pub fn for_school_year(herringbone: &Herringbone, school_year: SchoolYear) -> Self {
        Self::new(herringbone, school_year.first_day(), school_year.last_day())
    }
}

/// The Monday of the date's week.
fn monday_of(date: NaiveDate) -> Option<NaiveDate> {
    date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
}

/// Where a weekday's morning or afternoon sits in a week's cells (`None` at weekends).
fn cell_index(weekday: Weekday, half: HalfDay) -> Option<usize> {
    let day = usize::try_from(weekday.num_days_from_monday()).ok()?;
    let half = match half {
        HalfDay::Am => 0,
        HalfDay::Pm => 1,
    };
    (day < 5).then_some(day * 2 + half)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, month, day).unwrap()
    }

    #[test]
    fn the_grid_has_a_row_per_week_with_the_gaps_kept() {
        let herringbone: Herringbone = [
            // Wednesday 3 September 2025, the first day of term.
            (
                Session::new(date(9, 3), HalfDay::Am),
                AttendanceCode::PresentAm,
            ),
            (
                Session::new(date(9, 3), HalfDay::Pm),
                AttendanceCode::Illness,
            ),
            // A Saturday mark is not shown.
            (
                Session::new(date(9, 6), HalfDay::Am),
                AttendanceCode::EducationalVisit,
            ),
            // Friday 19 September, two weeks later.
            (
                Session::new(date(9, 19), HalfDay::Pm),
                AttendanceCode::MedicalAppointment,
            ),
        ]
        .into_iter()
        .collect();
        let grid = AttendanceGrid::new(&herringbone, date(9, 1), date(9, 30));
        let mondays: Vec<NaiveDate> = grid.weeks.iter().map(|w| w.week_beginning).collect();
        assert_eq!(mondays, [date(9, 1), date(9, 8), date(9, 15)]);
        let first = &grid.weeks[0];
        assert_eq!(
            first.cell(Weekday::Wed, HalfDay::Pm),
            Some(GridCell {
                code: AttendanceCode::Illness,
                category: AttendanceCategory::AuthorisedAbsence
            })
        );
        assert_eq!(first.cells.iter().flatten().count(), 2);
        assert!(grid.weeks[1].cells.iter().all(Option::is_none));
        assert_eq!(
            grid.weeks[2].cells[9].map(|cell| cell.code),
            Some(AttendanceCode::MedicalAppointment)
        );
        assert_eq!(
            first.session_of(4),
            Some(Session::new(date(9, 3), HalfDay::Am))
        );
        assert_eq!(first.session_of(10), None);
    }

    #[test]
    fn an_empty_herringbone_has_no_weeks() {
        let grid = AttendanceGrid::for_school_year(&Herringbone::new(), SchoolYear::new(2025));
        assert!(grid.weeks.is_empty());
    }
}
