use std::io::Cursor;

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;

use super::super::alerts::{AlertRule, CaseSpan, Priority, PupilContext, evaluate};
use super::super::{AttendanceCode, AttendanceFigures, read_attendance_export};
use super::*;
use crate::calendar::SchoolYear;
use crate::identifiers::Upn;
use crate::referral::PolicyParameters;

mod rules;

const YEAR: SchoolYear = SchoolYear::new(2025);

fn upn(n: u32) -> String {
    Upn::with_check_letter(&format!("9262000250{n:02}"))
        .unwrap()
        .as_str()
        .to_owned()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// School days (Monday to Friday) from 3 September 2025.
fn weekdays(count: usize) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    let mut date = day(2025, 9, 3);
    while days.len() < count {
        if date.weekday().num_days_from_monday() < 5 {
            days.push(date);
        }
        date = date.checked_add_days(Days::new(1)).unwrap();
    }
    days
}

/// One school's pupil: URN, pupil number, marks by day as (AM, PM).
type PupilRows<'a> = (&'a str, u32, &'a [(&'a str, &'a str)]);

/// A county file of pupils' rows.
fn county(rows: &[PupilRows<'_>]) -> String {
    let mut text = String::from("URN,UPN,Date,Session,Mark\n");
    for (urn, pupil, marks) in rows {
        for (date, (am, pm)) in weekdays(marks.len()).iter().zip(marks.iter()) {
            text.push_str(&format!("{urn},{},{date},AM,{am}\n", upn(*pupil)));
            text.push_str(&format!("{urn},{},{date},PM,{pm}\n", upn(*pupil)));
        }
    }
    text
}

fn read(text: &str) -> CountyTally {
    read_county(text.as_bytes(), YEAR).unwrap()
}

fn problems(tally: &CountyTally, urn: &str) -> Vec<String> {
    tally
        .schools
        .iter()
        .find(|s| s.urn == urn)
        .unwrap()
        .problems
        .listed
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn codes_are_declared_in_the_order_of_all_so_a_grid_byte_is_the_place() {
    for (place, code) in AttendanceCode::ALL.iter().enumerate() {
        assert_eq!(*code as usize, place, "{code:?}");
        assert_eq!(grid::code_of(grid::byte_of(*code)), *code);
    }
}

#[test]
fn a_upn_packs_into_a_number_and_back() {
    for text in [
        upn(1),
        "A12345678901Z".to_owned(),
        "Z99999999999A".to_owned(),
    ] {
        let key = pack_upn(text.as_bytes()).unwrap();
        assert_eq!(unpack_upn(key), text);
    }
    assert_eq!(pack_upn(b"A1234"), None);
    assert_eq!(pack_upn(b"A12345678X01Z"), None);
}

#[test]
fn schools_and_pupils_interleaved_are_kept_apart() {
    let ill: &[(&str, &str)] = &[("I", "I"), ("I", "I"), ("/", "\\")];
    let well: &[(&str, &str)] = &[("/", "\\"), ("/", "\\"), ("/", "\\")];
    let text = county(&[("121234", 1, ill), ("121299", 2, well), ("121234", 3, well)]);
    let tally = read(&text);
    assert_eq!(tally.schools.len(), 2);
    assert_eq!(tally.schools[0].pupils(), 2);
    assert_eq!(tally.rows, 18);
    assert_eq!((tally.schools[0].rows, tally.schools[1].rows), (12, 6));
    let figures = all_figures(&tally, 2);
    assert_eq!(figures[0][0].figures.health_absence.days(), 2.0);
    assert_eq!(figures[0][1].figures.health_absence.days(), 0.0);
    assert_eq!(figures[1][0].figures.present, 6);
}

proptest! {
    /// The grid's figures are the single-school reader's, on the same marks in any order.
    #[test]
    fn grid_figures_equal_the_herringbone_figures(
        marks in proptest::collection::vec(0usize..AttendanceCode::ALL.len(), 2..120),
        reverse in any::<bool>(),
    ) {
        let days = weekdays(marks.len().div_ceil(2));
        let mut rows: Vec<String> = marks.iter().enumerate().map(|(i, code)| {
            let half = if i % 2 == 0 { "AM" } else { "PM" };
            format!("{},{},{half},{}", upn(7), days[i / 2], AttendanceCode::ALL[*code].as_str())
        }).collect();
        if reverse { rows.reverse(); }
        let single = format!("UPN,Date,Session,Mark\n{}\n", rows.join("\n"));
        let county = format!("URN,UPN,Date,Session,Mark\n{}\n",
            rows.iter().map(|r| format!("121234,{r}")).collect::<Vec<_>>().join("\n"));
        let export = read_attendance_export(single.as_bytes()).unwrap();
        let expected = AttendanceFigures::for_school_year(&export.pupils[0].herringbone, YEAR, None);
        let tally = read(&county);
        let figures = all_figures(&tally, 1);
        prop_assert_eq!(figures[0][0].figures, expected);
    }

    /// The one-pass counting of a grid gives what the mark-by-mark counting it replaced
    /// gives, every figure (runs, K, C2 and its weeks, the last session) on any grid.
    #[test]
    fn a_grid_counted_in_one_pass_equals_it_counted_mark_by_mark(
        cells in proptest::collection::vec(
            prop_oneof![3 => Just(0u8), 1 => 1u8..=AttendanceCode::ALL.len() as u8],
            SLOTS,
        ),
        illness_days in proptest::collection::vec(0usize..SLOTS / 2, 0..40),
    ) {
        let mut cells = cells;
        // Runs of illness long enough to matter, among the noise.
        for day in illness_days {
            let end = (day * 2 + 6).min(SLOTS);
            cells[day * 2..end].fill(grid::byte_of(AttendanceCode::Illness));
        }
        let dates = grid::school_year_dates(YEAR);
        let marks = PupilMarks::new(&cells, &dates);
        prop_assert_eq!(GridFigures::of(marks, YEAR), GridFigures::of_by_marks(marks, YEAR));
    }

    /// Reading on several threads gives the same schools, figures and problem lines as one.
    #[test]
    fn reading_split_between_threads_gives_the_same_tally(threads in 2usize..5, bad in 0usize..60) {
        let ill: &[(&str, &str)] = &[("I", "I"), ("/", "\\"), ("I", "M"), ("/", "\\"), ("C2", "C2")];
        let mut text = county(&[("121234", 1, ill), ("121299", 2, ill), ("121234", 3, ill), ("121300", 4, ill)]);
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let index = 1 + bad % (lines.len() - 1);
        lines[index] = lines[index].replace(",I", ",Q9").replace(",/", ",Q9").replace(",\\", ",Q9").replace(",M", ",Q9").replace(",C2", ",Q9");
        text = lines.join("\r\n") + "\r\n";
        let one = read(&text);
        let len = text.len() as u64;
        let split = read_county_split(|| Ok(Cursor::new(text.as_bytes())), len, YEAR, threads).unwrap();
        prop_assert_eq!(one.rows, split.rows);
        let summary = |t: &CountyTally| t.schools.iter().map(|s| (s.urn.clone(), s.pupils(), s.rows, s.problems.clone())).collect::<Vec<_>>();
        let mut a = summary(&one);
        let mut b = summary(&split);
        a.sort_by(|x, y| x.0.cmp(&y.0));
        b.sort_by(|x, y| x.0.cmp(&y.0));
        prop_assert_eq!(a, b);
        prop_assert_eq!(all_figures(&one, 1).concat().len(), all_figures(&split, 2).concat().len());
    }
}

#[test]
fn an_unknown_code_refuses_its_school_only_with_line_and_column() {
    let well: &[(&str, &str)] = &[("/", "\\"), ("/", "\\")];
    let text = county(&[("121234", 1, well), ("121299", 2, well)]);
    let mut lines: Vec<&str> = text.lines().collect();
    let bad = lines[2].replace(",\\", ",Q9");
    lines[2] = &bad;
    let tally = read(&(lines.join("\r\n") + "\r\n"));
    assert_eq!(
        problems(&tally, "121234"),
        ["line 3, column Mark: 'Q9' is not an attendance code of the 2024 regulations"]
    );
    assert!(problems(&tally, "121299").is_empty());
}

#[test]
fn rows_after_a_pupils_first_are_read_the_same_in_any_form_and_their_problems_named() {
    // Lines 3 to 8 start as line 2 does, so the reader takes its school and pupil from line 2
    // and reads only the rest; each line here leaves that short way in a different place.
    let u = upn(1);
    let text = format!(
        "URN,UPN,Date,Session,Mark\n\
         121234,{u},2025-09-03,AM,/\n\
         121234,{u},2025-09-03,pm,\\\n\
         121234,{u},04/09/2025,AM,/\n\
         121234,{u},2025-09-05,AM, I \n\
         121234,{u},2025-09-03,AM,L\n\
         121234,{u},2026-09-01,AM,/\n\
         121234,{u},2025-09-08,XX,/\n\
         121234,{u},2025-09-08,PM,N\n"
    );
    let tally = read(&text);
    let found: Vec<String> = problems(&tally, "121234")
        .iter()
        .map(|problem| problem.split(':').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        found,
        [
            "line 6, column Mark",
            "line 7, column Date",
            "line 8, column Session"
        ]
    );
    let school = &tally.schools[0];
    let (_, cells) = school.pupil(0).unwrap();
    assert_eq!(cells.iter().filter(|cell| **cell != 0).count(), 5);
    assert_eq!((school.pupils(), school.rows), (1, 8));
}

#[test]
fn a_date_outside_the_school_year_is_a_problem() {
    let text = format!(
        "URN,UPN,Date,Session,Mark\n121234,{},2025-07-18,AM,/\n",
        upn(1)
    );
    assert_eq!(
        problems(&read(&text), "121234"),
        ["line 2, column Date: 2025-07-18 is outside 2025/26 (1 Sep 2025 to 31 Aug 2026)"]
    );
}

#[test]
fn a_file_cut_short_mid_row_says_so() {
    let text = format!(
        "URN,UPN,Date,Session,Mark\n121234,{u},2025-09-03,AM,/\n121234,{u},2025-09-0",
        u = upn(1)
    );
    assert_eq!(
        problems(&read(&text), "121234"),
        ["line 3: the file ends in the middle of a row; was it cut short?"]
    );
}

#[test]
fn a_pupil_at_two_schools_on_one_day_refuses_both() {
    let well: &[(&str, &str)] = &[("/", "\\"), ("/", "\\")];
    let dual: &[(&str, &str)] = &[("D", "D"), ("/", "\\")];
    let mut tally = read(&county(&[("121234", 1, well), ("121299", 1, dual)]));
    tally.check_two_schools_one_day();
    let upn = upn(1);
    assert_eq!(
        problems(&tally, "121234"),
        [format!(
            "line 2: {upn} has a possible session at 121234 and at 121299 on 2025-09-04"
        )]
    );
    assert_eq!(problems(&tally, "121299").len(), 1);
}

#[test]
fn a_school_not_on_the_schools_list_is_refused() {
    let well: &[(&str, &str)] = &[("/", "\\")];
    let mut tally = read(&county(&[("999999", 1, well), ("121234", 2, well)]));
    tally.check_schools(|urn| urn == "121234");
    assert_eq!(
        problems(&tally, "999999"),
        ["line 2, column URN: 999999 is not a school on the schools list"]
    );
    assert!(problems(&tally, "121234").is_empty());
}

#[test]
fn a_row_without_its_school_refuses_the_whole_file() {
    let text = format!("URN,UPN,Date,Session,Mark\n,{},2025-09-03,AM,/\n", upn(1));
    let tally = read(&text);
    assert_eq!(
        tally.file_problems.listed[0].to_string(),
        "line 2, column URN: is blank"
    );
}

#[test]
fn a_header_without_a_urn_is_not_a_county_file() {
    let error = read_county("UPN,Date,Session,Mark\n".as_bytes(), YEAR).unwrap_err();
    assert!(error.to_string().contains("'URN' column"), "{error}");
}

#[test]
fn the_pupil_file_gives_ehcp_looked_after_and_leaving_date() {
    let text = format!(
        "URN,UPN,Forename,Surname,EHCP,CLA,Actual leaving date\n121234,{},Sam,Smith,Y,N,2025-10-03\n",
        upn(1)
    );
    assert!(is_pupil_file_header(
        &text
            .lines()
            .next()
            .unwrap()
            .split(',')
            .map(str::to_owned)
            .collect::<Vec<_>>()
    ));
    let file = read_pupil_file(text.as_bytes()).unwrap();
    let details = &file.pupils[&("121234".to_owned(), upn(1))];
    assert_eq!(details.name().as_deref(), Some("Sam Smith"));
    assert_eq!(
        (details.ehcp, details.looked_after),
        (Some(true), Some(false))
    );
    assert_eq!(details.leaving_date, Some(day(2025, 10, 3)));
}

/// One pupil of a school's export: pupil number, marks by day as (AM, PM) from 3 September.
type ExportPupil<'a> = (u32, &'a [(&'a str, &'a str)]);

/// A school's export in long form, with a URN column when `urn` is given.
fn long_export(urn: Option<&str>, pupils: &[ExportPupil<'_>]) -> Vec<u8> {
    let mut text = String::from(if urn.is_some() {
        "URN,UPN,Date,Session,Mark\r\n"
    } else {
        "UPN,Date,Session,Mark\r\n"
    });
    let prefix = urn.map(|urn| format!("{urn},")).unwrap_or_default();
    for (pupil, marks) in pupils {
        for (date, (am, pm)) in weekdays(marks.len()).iter().zip(marks.iter()) {
            text.push_str(&format!("{prefix}{},{date},AM,{am}\r\n", upn(*pupil)));
            text.push_str(&format!("{prefix}{},{date},PM,{pm}\r\n", upn(*pupil)));
        }
    }
    text.into_bytes()
}

/// A school's export wide by week: a row per pupil per week, a column per weekday session.
fn wide_by_week_export(pupils: &[ExportPupil<'_>]) -> Vec<u8> {
    let mut text = String::from("UPN,Name,Week beginning");
    for day in ["Mon", "Tue", "Wed", "Thu", "Fri"] {
        text.push_str(&format!(",{day} AM,{day} PM"));
    }
    text.push('\n');
    for (pupil, marks) in pupils {
        let mut weeks: Vec<(NaiveDate, [&str; 10])> = Vec::new();
        for (date, (am, pm)) in weekdays(marks.len()).iter().zip(marks.iter()) {
            let weekday = date.weekday().num_days_from_monday() as usize;
            let monday = *date - Days::new(weekday as u64);
            if weeks.last().is_none_or(|(week, _)| *week != monday) {
                weeks.push((monday, [""; 10]));
            }
            let (_, cells) = weeks.last_mut().unwrap();
            cells[weekday * 2] = am;
            cells[weekday * 2 + 1] = pm;
        }
        for (monday, cells) in weeks {
            text.push_str(&format!(
                "{},Sam,{monday},{}\n",
                upn(*pupil),
                cells.join(",")
            ));
        }
    }
    text.into_bytes()
}

fn folder(files: Vec<(&str, Vec<u8>)>) -> CountyTally {
    let files = files
        .into_iter()
        .map(|(name, bytes)| (name.to_owned(), bytes));
    let mut tally = tally_from_exports(files, YEAR);
    tally.check_two_schools_one_day();
    tally
}

/// Every problem of the school whose file is `file`.
fn file_problems(tally: &CountyTally, file: &str) -> Vec<String> {
    let school = tally
        .schools
        .iter()
        .find(|s| s.file.as_deref() == Some(file));
    school
        .unwrap()
        .problems
        .listed
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_folder_of_a_wide_by_week_and_a_long_export_gives_the_county_files_figures() {
    let ill: &[(&str, &str)] = &[("I", "I"), ("/", "\\"), ("I", "M"), ("/", "C2"), ("K", "K")];
    let ill = [ill, ill, &[("/", "\\"), ("I", "I")]].concat();
    let well: &[(&str, &str)] = &[("/", "\\"), ("/", "\\"), ("L", "\\"), ("O", "G")];
    let county = read(&county(&[
        ("121234", 1, &ill),
        ("121234", 2, well),
        ("121299", 3, well),
        ("121299", 4, &ill),
    ]));
    let folder = folder(vec![
        (
            "exports/121234-sims.csv",
            wide_by_week_export(&[(1, &ill), (2, well)]),
        ),
        (
            "exports/arbor.csv",
            long_export(Some("121299"), &[(3, well), (4, &ill)]),
        ),
    ]);
    for school in &folder.schools {
        assert!(school.problems.is_empty(), "{:?}", school.problems);
    }
    let urns = |t: &CountyTally| t.schools.iter().map(|s| s.urn.clone()).collect::<Vec<_>>();
    assert_eq!(urns(&folder), urns(&county));
    assert_eq!(
        folder.schools[0].file.as_deref(),
        Some("exports/121234-sims.csv")
    );
    assert_eq!(folder.schools[0].rows, 3 + 2, "a row per pupil per week");
    assert_eq!(folder.schools[1].rows, county.schools[1].rows);
    for (ours, theirs) in folder.schools.iter().zip(&county.schools) {
        assert_eq!(ours.pupils(), theirs.pupils());
        for index in 0..ours.pupils() {
            assert_eq!(ours.pupil(index), theirs.pupil(index));
        }
    }
    assert_eq!(all_figures(&folder, 2), all_figures(&county, 2));
}

#[test]
fn an_export_without_a_urn_column_or_a_urn_file_name_is_refused() {
    let well: &[(&str, &str)] = &[("/", "\\")];
    let tally = folder(vec![
        ("exports/sims-export.csv", long_export(None, &[(1, well)])),
        ("exports/121234.csv", long_export(None, &[(2, well)])),
    ]);
    assert_eq!(
        file_problems(&tally, "exports/sims-export.csv"),
        [format!("line 1: {NAME_BY_URN}")]
    );
    assert_eq!(tally.schools[0].urn, "");
    assert_eq!(
        tally.schools[0].pupils(),
        0,
        "no school, so no pupils to check"
    );
    assert_eq!(tally.schools[1].urn, "121234");
    assert!(tally.schools[1].problems.is_empty());
    assert_eq!(urn_of_file_name("121234-sims.csv"), Some("121234"));
    assert_eq!(urn_of_file_name("/data/feeds/121234.csv"), Some("121234"));
    assert_eq!(urn_of_file_name("1212345.csv"), None);
    assert_eq!(urn_of_file_name("12123.csv"), None);
}

#[test]
fn an_export_whose_urn_column_names_two_schools_is_refused() {
    let mut bytes = long_export(Some("121234"), &[(1, &[("/", "\\")])]);
    bytes.extend_from_slice(format!("121299,{},2025-09-04,AM,/\r\n", upn(1)).as_bytes());
    let tally = folder(vec![("a.csv", bytes)]);
    assert_eq!(
        file_problems(&tally, "a.csv"),
        ["line 4, column URN: 121299 is a second school \
          (line 2 gives 121234); give each school its own file"]
    );
}

#[test]
fn a_pupil_named_only_by_admission_number_refuses_the_school() {
    let text = "Adno,Date,Session,Mark\n004512,2025-09-03,AM,/\n004512,2025-09-03,PM,\\\n";
    let well: &[(&str, &str)] = &[("/", "\\")];
    let tally = folder(vec![
        ("121234-sims.csv", text.as_bytes().to_vec()),
        ("121299-sims.csv", long_export(None, &[(2, well)])),
    ]);
    assert_eq!(
        file_problems(&tally, "121234-sims.csv"),
        ["line 2, column Adno: pupil '004512' has only an \
          admission number; a county import needs each pupil's UPN"]
    );
    assert!(file_problems(&tally, "121299-sims.csv").is_empty());
}

#[test]
fn an_unknown_code_in_an_export_refuses_the_school_with_line_and_column() {
    let marks: &[(&str, &str)] = &[("/", "\\"), ("Q9", "\\"), ("/", "\\")];
    let well: &[(&str, &str)] = &[("/", "\\")];
    let tally = folder(vec![
        ("121234-sims.csv", wide_by_week_export(&[(1, marks)])),
        ("121299-sims.csv", long_export(None, &[(2, well)])),
    ]);
    assert_eq!(
        file_problems(&tally, "121234-sims.csv"),
        ["line 2, column Thu AM: 'Q9' is not an attendance code of the 2024 regulations"]
    );
    assert!(file_problems(&tally, "121299-sims.csv").is_empty());
}

#[test]
fn an_export_the_reader_refuses_or_dated_outside_the_year_refuses_its_school() {
    let text = format!(
        "UPN,Date,Session,Mark\n{u},2025-07-18,AM,/\n{u},31/02/2026,AM,/\n",
        u = upn(1)
    );
    let tally = folder(vec![("121234.csv", text.into_bytes())]);
    assert_eq!(
        file_problems(&tally, "121234.csv"),
        [
            "line 2, column Date: 2025-07-18 is outside 2025/26 (1 Sep 2025 to 31 Aug 2026)",
            "line 3, column Date: '31/02/2026' is not a date; write dates as 2025-09-03 or 03/09/2025",
        ]
    );
    let tally = folder(vec![("121234.csv", b"Name,Form\nSam,7B\n".to_vec())]);
    assert_eq!(
        file_problems(&tally, "121234.csv"),
        ["line 1: The header has no pupil column: name one \
          'UPN', 'Pupil ID', 'Admission Number' or 'Adno'"]
    );
}

#[test]
fn two_files_for_one_school_refuse_both_and_a_pupil_at_two_schools_refuses_both() {
    let well: &[(&str, &str)] = &[("/", "\\"), ("/", "\\")];
    let tally = folder(vec![
        ("121234-autumn.csv", long_export(None, &[(1, well)])),
        ("121234-spring.csv", long_export(None, &[(2, well)])),
        ("121299.csv", long_export(None, &[(1, well)])),
        ("121300.csv", long_export(None, &[(3, well)])),
    ]);
    assert_eq!(
        file_problems(&tally, "121234-autumn.csv"),
        [
            "line 1: 121234-spring.csv also holds school \
             121234's marks; give each school one file",
            format!(
                "line 2: {} has a possible session at 121234 and at 121299 on 2025-09-03",
                upn(1)
            )
            .as_str(),
        ]
    );
    assert_eq!(file_problems(&tally, "121234-spring.csv").len(), 1);
    assert_eq!(file_problems(&tally, "121299.csv").len(), 1);
    assert!(file_problems(&tally, "121300.csv").is_empty());
}

#[test]
fn a_wide_export_with_names_and_a_urn_is_a_school_export_not_a_pupil_file() {
    let header = |text: &str| text.split(',').map(str::to_owned).collect::<Vec<_>>();
    let export = header("URN,UPN,Forename,Surname,Week beginning,Mon AM,Mon PM");
    assert!(is_pupil_file_header(&export) && is_school_export_header(&export));
    let pupils = header("URN,UPN,Forename,Surname,EHCP,CLA,Actual leaving date");
    assert!(is_pupil_file_header(&pupils) && !is_school_export_header(&pupils));
}

#[test]
fn iso_and_british_dates_land_on_the_same_day_and_the_first_of_next_september_is_outside() {
    let iso = format!(
        "URN,UPN,Date,Session,Mark\n121234,{u},2026-08-31,AM,I\n",
        u = upn(1)
    );
    let british = format!(
        "URN,UPN,Date,Session,Mark\n121234,{u},31/08/2026,AM,I\n",
        u = upn(1)
    );
    let a = all_figures(&read(&iso), 1);
    let b = all_figures(&read(&british), 1);
    assert_eq!(a, b);
    assert_eq!(a[0][0].last_session.map(|s| s.date), Some(day(2026, 8, 31)));
    let next = format!(
        "URN,UPN,Date,Session,Mark\n121234,{u},2026-09-01,AM,I\n",
        u = upn(1)
    );
    assert_eq!(
        problems(&read(&next), "121234"),
        ["line 2, column Date: 2026-09-01 is outside 2025/26 (1 Sep 2025 to 31 Aug 2026)"]
    );
}
