//! The attendance rules end to end: MN-ABS-1's figures and runs, MN-ABS-3's early warning,
//! MN-PROV-6's coding check, and the summary an export gives (MN-REF-4).

use chrono::{Datelike, NaiveDate, Weekday};

use super::*;
use crate::calendar::{
    SchoolCalendar, SchoolYear, england_bank_holidays_2025_2027, norfolk_2025_26,
};

const YEAR: SchoolYear = SchoolYear::new(2025);

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn code(text: &str) -> AttendanceCode {
    AttendanceCode::parse(text).unwrap()
}

fn norfolk() -> SchoolCalendar {
    SchoolCalendar::new(norfolk_2025_26(), england_bank_holidays_2025_2027())
}

/// Marks both sessions of every weekday from `first` to `last` with `mark`.
fn fill(herringbone: &mut Herringbone, first: NaiveDate, last: NaiveDate, mark: &str) {
    for day in first.iter_days().take_while(|day| *day <= last) {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            for half in HalfDay::BOTH {
                herringbone.insert(Session::new(day, half), code(mark));
            }
        }
    }
}

fn mark(herringbone: &mut Herringbone, day: NaiveDate, half: HalfDay, text: &str) {
    herringbone.insert(Session::new(day, half), code(text));
}

fn figures(herringbone: &Herringbone, calendar: Option<&SchoolCalendar>) -> AttendanceFigures {
    AttendanceFigures::for_school_year(herringbone, YEAR, calendar)
}

#[test]
fn mn_abs_1_sessions_are_counted_by_category() {
    let mut herringbone = Herringbone::new();
    let day = date(2025, 9, 8);
    for (i, text) in ["/", "\\", "L", "K", "I", "M", "C2", "N", "U", "X", "#", "D"]
        .iter()
        .enumerate()
    {
        let day = day + chrono::Days::new(u64::try_from(i).unwrap());
        mark(&mut herringbone, day, HalfDay::Am, text);
    }
    let figures = figures(&herringbone, None);
    assert_eq!(figures.present, 4);
    assert_eq!(figures.authorised, 3);
    assert_eq!(figures.unauthorised, 2);
    assert_eq!(figures.sessions_possible, 9);
    assert_eq!(figures.health_absence, DayCount::from_sessions(1));
    assert_eq!(figures.medical_appointment_sessions, 1);
}

#[test]
fn mn_abs_1_a_day_is_two_sessions_so_a_half_day_counts_half() {
    let mut herringbone = Herringbone::new();
    fill(&mut herringbone, date(2025, 9, 8), date(2025, 9, 10), "/");
    for day in [8, 9, 10] {
        mark(&mut herringbone, date(2025, 9, day), HalfDay::Am, "I");
    }
    let figures = figures(&herringbone, None);
    assert_eq!(figures.health_absence.days(), 1.5);
    assert_eq!(figures.health_absence.to_string(), "1.5");
    assert_eq!(
        figures.longest_health_run_length(),
        DayCount::from_sessions(1)
    );
}

#[test]
fn mn_abs_1_m_sessions_are_shown_beside_health_absence_not_counted_in_it() {
    let mut herringbone = Herringbone::new();
    fill(&mut herringbone, date(2025, 9, 8), date(2025, 9, 12), "I");
    mark(&mut herringbone, date(2025, 9, 10), HalfDay::Am, "M");
    mark(&mut herringbone, date(2025, 9, 10), HalfDay::Pm, "M");
    let figures = figures(&herringbone, None);
    assert_eq!(figures.health_absence, DayCount::from_days(4));
    assert_eq!(figures.medical_appointment_sessions, 2);
    // An M session is not illness, so it ends the run it falls in.
    assert_eq!(figures.longest_health_run_length(), DayCount::from_days(2));
}

#[test]
fn mn_abs_1_a_run_of_illness_spanning_half_term_is_one_run() {
    let mut herringbone = Herringbone::new();
    fill(
        &mut herringbone,
        date(2025, 10, 13),
        date(2025, 10, 17),
        "/",
    );
    // Ill from Monday 20 October to the half term, and on return on Tuesday 4 November
    // until Friday 7 November: 5 + 4 school days, half term unmarked between.
    fill(
        &mut herringbone,
        date(2025, 10, 20),
        date(2025, 10, 24),
        "I",
    );
    fill(&mut herringbone, date(2025, 11, 4), date(2025, 11, 7), "I");
    fill(
        &mut herringbone,
        date(2025, 11, 10),
        date(2025, 11, 14),
        "/",
    );
    for calendar in [None, Some(&norfolk())] {
        let figures = figures(&herringbone, calendar);
        let run = figures.longest_health_run.unwrap();
        assert_eq!(run.length, DayCount::from_days(9));
        assert_eq!(run.first, Session::new(date(2025, 10, 20), HalfDay::Am));
        assert_eq!(run.last, Session::new(date(2025, 11, 7), HalfDay::Pm));
        assert_eq!(figures.health_absence, DayCount::from_days(9));
    }
}

#[test]
fn mn_abs_1_a_run_of_illness_over_a_weekend_and_a_bank_holiday_is_one_run() {
    let mut herringbone = Herringbone::new();
    // Early May bank holiday: Monday 4 May 2026, which the school leaves unmarked.
    fill(&mut herringbone, date(2026, 4, 29), date(2026, 5, 1), "I");
    fill(&mut herringbone, date(2026, 5, 5), date(2026, 5, 8), "I");
    let calendar = norfolk();
    let run = figures(&herringbone, Some(&calendar))
        .longest_health_run
        .unwrap();
    assert_eq!(run.length, DayCount::from_days(7));
}

#[test]
fn mn_abs_1_a_session_in_school_ends_a_run_and_the_longest_is_reported() {
    let mut herringbone = Herringbone::new();
    fill(&mut herringbone, date(2025, 9, 8), date(2025, 9, 9), "I");
    mark(&mut herringbone, date(2025, 9, 10), HalfDay::Am, "/");
    mark(&mut herringbone, date(2025, 9, 10), HalfDay::Pm, "I");
    fill(&mut herringbone, date(2025, 9, 11), date(2025, 9, 12), "I");
    let figures = figures(&herringbone, None);
    let run = figures.longest_health_run.unwrap();
    assert_eq!(run.length, DayCount::from_sessions(5));
    assert_eq!(run.first, Session::new(date(2025, 9, 10), HalfDay::Pm));
    assert_eq!(figures.health_absence, DayCount::from_sessions(9));
}

#[test]
fn mn_abs_1_sessions_that_are_not_possible_do_not_break_a_run() {
    let mut herringbone = Herringbone::new();
    fill(&mut herringbone, date(2025, 9, 8), date(2025, 9, 12), "I");
    // An INSET day (planned closure) in the middle of the illness.
    fill(&mut herringbone, date(2025, 9, 10), date(2025, 9, 10), "#");
    for calendar in [None, Some(&norfolk())] {
        let figures = figures(&herringbone, calendar);
        assert_eq!(figures.longest_health_run_length(), DayCount::from_days(4));
        assert_eq!(figures.sessions_possible, 8);
    }
}

#[test]
fn mn_abs_1_with_a_calendar_an_unmarked_school_day_ends_a_run() {
    let mut herringbone = Herringbone::new();
    fill(&mut herringbone, date(2025, 9, 8), date(2025, 9, 9), "I");
    // Wednesday 10 September is a school day with no mark at all.
    fill(&mut herringbone, date(2025, 9, 11), date(2025, 9, 12), "I");
    let calendar = norfolk();
    assert_eq!(
        figures(&herringbone, Some(&calendar)).longest_health_run_length(),
        DayCount::from_days(2)
    );
    // Without a calendar the unmarked day is taken for a day without school.
    assert_eq!(
        figures(&herringbone, None).longest_health_run_length(),
        DayCount::from_days(4)
    );
}

#[test]
fn mn_abs_1_with_a_calendar_marks_on_days_without_school_are_passed_over() {
    let mut herringbone = Herringbone::new();
    fill(
        &mut herringbone,
        date(2025, 10, 22),
        date(2025, 10, 24),
        "I",
    );
    // A stray mark in the half term.
    mark(&mut herringbone, date(2025, 10, 29), HalfDay::Am, "N");
    fill(&mut herringbone, date(2025, 11, 4), date(2025, 11, 5), "I");
    let calendar = norfolk();
    assert_eq!(
        figures(&herringbone, Some(&calendar)).longest_health_run_length(),
        DayCount::from_days(5)
    );
    assert_eq!(
        figures(&herringbone, None).longest_health_run_length(),
        DayCount::from_days(3)
    );
}

#[test]
fn mn_abs_1_health_absence_is_cumulative_within_the_school_year_only() {
    let mut herringbone = Herringbone::new();
    fill(&mut herringbone, date(2025, 7, 14), date(2025, 7, 18), "I");
    fill(&mut herringbone, date(2025, 9, 3), date(2025, 9, 5), "I");
    fill(&mut herringbone, date(2025, 9, 8), date(2025, 9, 12), "/");
    fill(&mut herringbone, date(2026, 1, 6), date(2026, 1, 7), "I");
    let figures = figures(&herringbone, None);
    assert_eq!(figures.school_year, YEAR);
    assert_eq!(figures.health_absence, DayCount::from_days(5));
    assert_eq!(figures.longest_health_run_length(), DayCount::from_days(3));
    let last_year = AttendanceFigures::for_school_year(&herringbone, YEAR.previous(), None);
    assert_eq!(last_year.health_absence, DayCount::from_days(5));
}

#[test]
fn mn_abs_1_no_health_absence_means_no_run() {
    let mut herringbone = Herringbone::new();
    fill(&mut herringbone, date(2025, 9, 8), date(2025, 9, 12), "/");
    let figures = figures(&herringbone, None);
    assert_eq!(figures.longest_health_run, None);
    assert_eq!(figures.longest_health_run_length(), DayCount::ZERO);
}

#[test]
fn mn_abs_3_early_warning_is_raised_at_the_threshold_and_not_below() {
    let mut herringbone = Herringbone::new();
    fill(&mut herringbone, date(2025, 9, 8), date(2025, 9, 11), "I");
    mark(&mut herringbone, date(2025, 9, 12), HalfDay::Am, "I");
    let threshold = DayCount::from_days(5);
    assert_eq!(early_warning(&figures(&herringbone, None), threshold), None);
    mark(&mut herringbone, date(2025, 9, 12), HalfDay::Pm, "I");
    assert_eq!(
        early_warning(&figures(&herringbone, None), threshold),
        Some(EarlyWarning {
            health_absence: DayCount::from_days(5),
            threshold
        })
    );
}

#[test]
fn mn_abs_3_early_warning_counts_scattered_days_not_only_runs() {
    let mut herringbone = Herringbone::new();
    for day in [8, 10, 15, 17, 22, 24] {
        fill(
            &mut herringbone,
            date(2025, 9, day),
            date(2025, 9, day),
            "I",
        );
    }
    let warning = early_warning(&figures(&herringbone, None), DayCount::from_days(5));
    assert_eq!(
        warning.map(|w| w.health_absence),
        Some(DayCount::from_days(6))
    );
}

#[test]
fn mn_prov_6_sessions_during_la_provision_not_coded_k_are_listed() {
    let mut herringbone = Herringbone::new();
    fill(&mut herringbone, date(2025, 11, 3), date(2025, 11, 21), "K");
    // Before provision: illness, not a mismatch.
    fill(
        &mut herringbone,
        date(2025, 10, 20),
        date(2025, 10, 24),
        "I",
    );
    // During provision: still coded I on one afternoon, and C2 on a morning.
    mark(&mut herringbone, date(2025, 11, 5), HalfDay::Pm, "I");
    mark(&mut herringbone, date(2025, 11, 12), HalfDay::Am, "C2");
    // An INSET day is not possible, so not a mismatch.
    fill(
        &mut herringbone,
        date(2025, 11, 14),
        date(2025, 11, 14),
        "#",
    );
    let mismatches =
        provision_coding_mismatches(&herringbone, date(2025, 11, 3), date(2025, 11, 21));
    assert_eq!(
        mismatches,
        [
            ProvisionCodingMismatch {
                session: Session::new(date(2025, 11, 5), HalfDay::Pm),
                code: AttendanceCode::Illness
            },
            ProvisionCodingMismatch {
                session: Session::new(date(2025, 11, 12), HalfDay::Am),
                code: AttendanceCode::PartTimeTimetable
            },
        ]
    );
}

#[test]
fn mn_prov_6_a_herringbone_coded_k_throughout_has_no_mismatches() {
    let mut herringbone = Herringbone::new();
    fill(&mut herringbone, date(2025, 11, 3), date(2025, 11, 21), "K");
    assert!(
        provision_coding_mismatches(&herringbone, date(2025, 11, 3), date(2025, 11, 21)).is_empty()
    );
}

#[test]
fn mn_ref_4_an_export_read_and_summarised_gives_each_pupils_figures() {
    let text = "UPN,Date,Session,Mark\n\
                R926123425001,2025-09-03,AM,I\n\
                R926123425001,2025-09-03,PM,I\n\
                R926123425001,2025-09-04,AM,M\n\
                R926123425001,2025-09-04,PM,\\\n\
                R926123425001,2025-09-05,AM,H\n\
                R926123425001,2025-09-05,PM,F\n\
                F926123425002,2025-09-03,AM,/\n\
                F926123425002,2025-09-03,PM,N\n";
    let export = read_attendance_export(text.as_bytes()).unwrap();
    let year = export.latest_school_year().unwrap();
    let summary = AttendanceSummary::new(&export, year, None);
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "pupils": [
                {
                    "pupil": "R926123425001",
                    "sessions_possible": 5,
                    "present": 1,
                    "authorised": 4,
                    "unauthorised": 0,
                    "health_days": 1.0,
                    "longest_health_run_days": 1.0,
                    "medical_appointment_sessions": 1
                },
                {
                    "pupil": "F926123425002",
                    "sessions_possible": 2,
                    "present": 1,
                    "authorised": 0,
                    "unauthorised": 1,
                    "health_days": 0.0,
                    "longest_health_run_days": 0.0,
                    "medical_appointment_sessions": 0
                }
            ],
            "unknown_codes": [{"code": "F", "count": 1, "lines": [7]}],
            "retired_codes": [{"code": "H", "read_as": "C", "count": 1}],
            "school_year": "2025/26"
        })
    );
}

#[test]
fn mn_ref_4_the_grid_of_a_read_herringbone_shows_each_code_in_its_cell() {
    let text = "UPN,Week beginning,Mon AM,Mon PM,Tue AM,Tue PM,Wed AM,Wed PM,Thu AM,Thu PM,Fri AM,Fri PM\n\
                R926123425001,2025-09-01,,,,,/,\\,I,I,I,M\n";
    let export = read_attendance_export(text.as_bytes()).unwrap();
    let grid = AttendanceGrid::for_school_year(&export.pupils[0].herringbone, YEAR);
    assert_eq!(grid.weeks.len(), 1);
    let cells: Vec<Option<&str>> = grid.weeks[0]
        .cells
        .iter()
        .map(|cell| cell.map(|cell| cell.code.as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            None,
            None,
            None,
            None,
            Some("/"),
            Some("\\"),
            Some("I"),
            Some("I"),
            Some("I"),
            Some("M")
        ]
    );
    let json = serde_json::to_value(grid.weeks[0].cells[9]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"code": "M", "category": "authorised_absence"})
    );
}

#[test]
fn mn_abs_1_a_summary_counts_runs_on_the_calendar_as_the_figures_do() {
    let mut herringbone = Herringbone::new();
    fill(
        &mut herringbone,
        date(2025, 10, 20),
        date(2025, 10, 24),
        "I",
    );
    mark(&mut herringbone, date(2025, 10, 29), HalfDay::Am, "N");
    fill(&mut herringbone, date(2025, 11, 4), date(2025, 11, 5), "I");
    // An unmarked school day on Thursday 6 November ends the run on the calendar.
    fill(&mut herringbone, date(2025, 11, 7), date(2025, 11, 7), "I");
    let export = AttendanceExport {
        form: ExportForm::Long,
        pupils: vec![PupilAttendance {
            pupil: PupilId::AdmissionNumber(AdmissionNumber::parse("1").unwrap()),
            herringbone: herringbone.clone(),
        }],
        unknown_codes: Vec::new(),
        retired_codes: Vec::new(),
    };
    let calendar = norfolk();
    let summary = AttendanceSummary::new(&export, YEAR, Some(&calendar));
    let figures = figures(&herringbone, Some(&calendar));
    assert_eq!(figures.longest_health_run_length(), DayCount::from_days(7));
    assert_eq!(
        summary.pupils[0],
        PupilSummary::new(export.pupils[0].pupil.clone(), &figures)
    );
}
