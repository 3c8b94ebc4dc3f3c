//! The reader on small exports of each shape, on each kind of bad input, and on arbitrary bytes.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::super::{AttendanceCode, HalfDay, PupilId, RetiredCode, Session};
use super::*;

const PUPIL_A: &str = "R926123425001";
const PUPIL_B: &str = "F926123425002";

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn read(text: &str) -> Result<AttendanceExport, ReadError> {
    read_attendance_export(text.as_bytes())
}

/// The marks of the export's pupil named `id`, as (session, code text) pairs.
fn marks(export: &AttendanceExport, id: &str) -> Vec<(Session, &'static str)> {
    let pupil = export
        .pupils
        .iter()
        .find(|pupil| pupil.pupil.as_str() == id)
        .unwrap_or_else(|| panic!("no pupil {id}"));
    pupil
        .herringbone
        .iter()
        .map(|(session, code)| (session, code.as_str()))
        .collect()
}

fn session(year: i32, month: u32, day: u32, half: HalfDay) -> Session {
    Session::new(date(year, month, day), half)
}

/// The one problem of a bad file, as its message.
fn only_problem(result: Result<AttendanceExport, ReadError>) -> String {
    match result {
        Err(ReadError::BadInput { problems, total }) => {
            assert_eq!(total, 1, "expected one problem, got {problems:?}");
            problems[0].to_string()
        }
        other => panic!("expected a bad-input error, got {other:?}"),
    }
}

#[test]
fn a_long_export_gives_each_pupil_a_herringbone() {
    let export = read(&format!(
        "UPN,Surname,Date,Session,Mark\n\
         {PUPIL_A},Smith,2025-09-03,AM,/\n\
         {PUPIL_A},Smith,2025-09-03,PM,\\\n\
         {PUPIL_A},Smith,2025-09-04,AM,I\n\
         {PUPIL_B},Jones,2025-09-03,am,L\n"
    ))
    .unwrap();
    assert_eq!(export.form, ExportForm::Long);
    assert_eq!(export.pupils.len(), 2);
    assert_eq!(
        export.pupils[0].pupil,
        PupilId::Upn(crate::identifiers::Upn::parse(PUPIL_A).unwrap())
    );
    assert_eq!(
        marks(&export, PUPIL_A),
        [
            (session(2025, 9, 3, HalfDay::Am), "/"),
            (session(2025, 9, 3, HalfDay::Pm), "\\"),
            (session(2025, 9, 4, HalfDay::Am), "I"),
        ]
    );
    assert_eq!(
        marks(&export, PUPIL_B),
        [(session(2025, 9, 3, HalfDay::Am), "L")]
    );
    assert!(export.unknown_codes.is_empty() && export.retired_codes.is_empty());
}

#[test]
fn british_dates_admission_numbers_and_other_header_names_are_read() {
    let export = read(
        "Adno,Attendance Date,AM/PM,Code\n\
         004512,3/9/2025,PM,I\n\
         004512,04/09/2025,AM,M\n\
         004513,2025-09-04,AM,K\n",
    )
    .unwrap();
    assert_eq!(
        marks(&export, "004512"),
        [
            (session(2025, 9, 3, HalfDay::Pm), "I"),
            (session(2025, 9, 4, HalfDay::Am), "M"),
        ]
    );
    assert!(matches!(
        export.pupils[1].pupil,
        PupilId::AdmissionNumber(_)
    ));
}

#[test]
fn a_pupil_id_column_holds_upns_and_admission_numbers_alike() {
    let export = read(&format!(
        "Pupil ID,Date,Session,Mark\n{PUPIL_A},2025-09-03,AM,/\n7781,2025-09-03,AM,/\n"
    ))
    .unwrap();
    assert!(matches!(export.pupils[0].pupil, PupilId::Upn(_)));
    assert!(matches!(
        export.pupils[1].pupil,
        PupilId::AdmissionNumber(_)
    ));
}

#[test]
fn a_blank_upn_falls_back_to_the_admission_number() {
    let export = read(&format!(
        "UPN,Adno,Date,Session,Mark\n{PUPIL_A},1,2025-09-03,AM,/\n,2,2025-09-03,AM,/\n"
    ))
    .unwrap();
    let ids: Vec<&str> = export.pupils.iter().map(|p| p.pupil.as_str()).collect();
    assert_eq!(ids, [PUPIL_A, "2"]);
}

#[test]
fn the_same_pupil_in_lower_case_is_one_pupil() {
    let lower = PUPIL_A.to_lowercase();
    let export = read(&format!(
        "UPN,Date,Session,Mark\n{PUPIL_A},2025-09-03,AM,/\n{PUPIL_B},2025-09-03,AM,/\n\
         {lower},2025-09-03,PM,\\\n"
    ))
    .unwrap();
    assert_eq!(export.pupils.len(), 2);
    assert_eq!(marks(&export, PUPIL_A).len(), 2);
}

#[test]
fn a_byte_order_mark_crlf_and_quoted_cells_are_read() {
    let export = read(&format!(
        "\u{feff}\"UPN\",\"Date\",\"Session\",\"Mark\"\r\n\
         \"{PUPIL_A}\",\"2025-09-03\",\"AM\",\"/\"\r\n\
         {PUPIL_A}, 2025-09-03 , PM , \\ \r\n"
    ))
    .unwrap();
    assert_eq!(marks(&export, PUPIL_A).len(), 2);
}

#[test]
fn blank_marks_are_no_session_and_blank_rows_are_skipped() {
    let export = read(&format!(
        "\nUPN,Date,Session,Mark\n{PUPIL_A},2025-09-03,AM,\n,,,\n{PUPIL_A},2025-09-03,PM,I\n"
    ))
    .unwrap();
    assert_eq!(
        marks(&export, PUPIL_A),
        [(session(2025, 9, 3, HalfDay::Pm), "I")]
    );
}

#[test]
fn a_pupil_with_only_blank_marks_is_listed_with_an_empty_herringbone() {
    let export = read(&format!(
        "UPN,Date,Session,Mark\n{PUPIL_A},2025-09-03,AM,\n"
    ))
    .unwrap();
    assert_eq!(export.pupils.len(), 1);
    assert!(export.pupils[0].herringbone.is_empty());
}

#[test]
fn a_wide_export_by_week_places_each_column_on_its_day() {
    let export = read(&format!(
        "UPN,Week beginning,Mon AM,Mon PM,Tue AM,Tue PM,Wed AM,Wed PM,Thu AM,Thu PM,Fri AM,Fri PM\n\
         {PUPIL_A},2025-09-01,,,,,/,\\,I,I,M,\\\n\
         {PUPIL_A},08/09/2025,I,I,I,I,I,I,I,I,I,I\n"
    ))
    .unwrap();
    assert_eq!(export.form, ExportForm::WideByWeek);
    let marks = marks(&export, PUPIL_A);
    assert_eq!(marks.len(), 16);
    assert_eq!(marks[0], (session(2025, 9, 3, HalfDay::Am), "/"));
    assert_eq!(marks[4], (session(2025, 9, 5, HalfDay::Am), "M"));
    assert_eq!(marks[15], (session(2025, 9, 12, HalfDay::Pm), "I"));
}

#[test]
fn a_week_given_from_its_sunday_still_puts_monday_on_monday() {
    let export = read(&format!(
        "UPN,Week commencing,Monday AM,Monday_PM,Sun AM\n{PUPIL_A},2025-09-07,I,I,\n"
    ))
    .unwrap();
    assert_eq!(
        marks(&export, PUPIL_A),
        [
            (session(2025, 9, 8, HalfDay::Am), "I"),
            (session(2025, 9, 8, HalfDay::Pm), "I"),
        ]
    );
}

#[test]
fn a_wide_export_by_date_reads_each_dated_column() {
    let export = read(
        "Adno,Name,2025-09-03 AM,2025-09-03 PM,04/09/2025 AM,2025-09-04_PM\n\
         004512,Sam,/,\\,I,\n\
         004513,Alex,,,/,\\\n",
    )
    .unwrap();
    assert_eq!(export.form, ExportForm::WideByDate);
    assert_eq!(
        marks(&export, "004512"),
        [
            (session(2025, 9, 3, HalfDay::Am), "/"),
            (session(2025, 9, 3, HalfDay::Pm), "\\"),
            (session(2025, 9, 4, HalfDay::Am), "I"),
        ]
    );
    assert_eq!(marks(&export, "004513").len(), 2);
}

#[test]
fn a_bad_date_names_its_line_and_column_and_nothing_is_imported() {
    let result = read(&format!(
        "UPN,Date,Session,Mark\n{PUPIL_A},2025-09-03,AM,/\n{PUPIL_A},31/02/2025,PM,I\n"
    ));
    assert_eq!(
        only_problem(result),
        "line 3, column Date: '31/02/2025' is not a date; write dates as 2025-09-03 or \
         03/09/2025"
    );
}

#[test]
fn a_bad_session_names_its_line_and_column() {
    let result = read(&format!(
        "UPN,Date,AM/PM,Mark\n{PUPIL_A},2025-09-03,AM,/\n{PUPIL_A},2025-09-03,XM,/\n"
    ));
    assert_eq!(
        only_problem(result),
        "line 3, column AM/PM: 'XM' is not a session; use AM or PM"
    );
}

#[test]
fn a_bad_week_beginning_names_its_line_and_column() {
    let result = read(&format!(
        "UPN,Week beginning,Mon AM\n{PUPIL_A},2025-09-01,/\n{PUPIL_A},next week,/\n"
    ));
    assert_eq!(
        only_problem(result),
        "line 3, column Week beginning: 'next week' is not a date; write dates as 2025-09-03 \
         or 03/09/2025"
    );
}

#[test]
fn a_bad_upn_says_what_is_wrong_with_it() {
    let result = read("UPN,Date,Session,Mark\nC801200005001,2025-09-03,AM,/\n");
    assert_eq!(
        only_problem(result),
        "line 2, column UPN: 'C801200005001' does not identify a pupil: UPN check letter \
         should be B, not C"
    );
}

#[test]
fn a_blank_pupil_or_date_is_a_problem() {
    let result = read("UPN,Date,Session,Mark\n,2025-09-03,AM,/\n");
    assert_eq!(only_problem(result), "line 2, column UPN: is blank");
    let result = read(&format!("UPN,Date,Session,Mark\n{PUPIL_A},,AM,\n"));
    assert_eq!(only_problem(result), "line 2, column Date: is blank");
}

#[test]
fn every_problem_is_counted_and_the_first_is_named() {
    let result = read(&format!(
        "UPN,Date,Session,Mark\n\
         {PUPIL_A},2025-13-01,AM,/\n\
         {PUPIL_A},2025-09-03,noon,/\n\
         {PUPIL_A},2025-09-04,AM,/,extra\n"
    ));
    let Err(error) = result else {
        panic!("expected an error");
    };
    assert_eq!(
        error.to_string(),
        "The file has 3 problems; the first is at line 2, column Date: '2025-13-01' is not a \
         date; write dates as 2025-09-03 or 03/09/2025"
    );
    let ReadError::BadInput { problems, .. } = error else {
        panic!("expected bad input");
    };
    assert_eq!(problems[1].line, 3);
    assert_eq!(problems[1].column.as_deref(), Some("Session"));
    assert_eq!(
        problems[2].to_string(),
        "line 4: the row has 5 cells but the header has 4 columns"
    );
}

#[test]
fn the_list_of_problems_is_capped_but_all_are_counted() {
    let mut text = String::from("UPN,Date,Session,Mark\n");
    for _ in 0..150 {
        text.push_str(&format!("{PUPIL_A},someday,AM,/\n"));
    }
    let Err(ReadError::BadInput { problems, total }) = read(&text) else {
        panic!("expected bad input");
    };
    assert_eq!(problems.len(), 100);
    assert_eq!(total, 150);
}

#[test]
fn trailing_blank_cells_beyond_the_header_are_allowed() {
    let export = read(&format!(
        "UPN,Date,Session,Mark\n{PUPIL_A},2025-09-03,AM,/,,\n"
    ))
    .unwrap();
    assert_eq!(marks(&export, PUPIL_A).len(), 1);
}

#[test]
fn unknown_codes_are_reported_with_their_lines_and_left_out() {
    let export = read(&format!(
        "UPN,Date,Session,Mark\n\
         {PUPIL_A},2025-09-03,AM,F\n\
         {PUPIL_A},2025-09-03,PM,\\\n\
         {PUPIL_A},2025-09-04,AM,F\n\
         {PUPIL_A},2025-09-04,PM,??\n"
    ))
    .unwrap();
    assert_eq!(marks(&export, PUPIL_A).len(), 1);
    assert_eq!(
        export.unknown_codes,
        [
            UnknownCodeSeen {
                code: "F".to_owned(),
                count: 2,
                lines: vec![2, 4]
            },
            UnknownCodeSeen {
                code: "??".to_owned(),
                count: 1,
                lines: vec![5]
            },
        ]
    );
}

#[test]
fn retired_codes_are_read_as_their_replacements_and_reported() {
    let export = read(&format!(
        "UPN,Week beginning,Mon AM,Mon PM,Tue AM,Tue PM,Wed AM\n\
         {PUPIL_A},2025-09-08,H,H,y,J,I\n"
    ))
    .unwrap();
    let codes: Vec<&str> = marks(&export, PUPIL_A).iter().map(|(_, c)| *c).collect();
    assert_eq!(codes, ["C", "C", "Y7", "J1", "I"]);
    assert_eq!(
        export.retired_codes,
        [
            RetiredCodeSeen {
                code: RetiredCode::AuthorisedHoliday,
                read_as: AttendanceCode::ExceptionalCircumstances,
                count: 2
            },
            RetiredCodeSeen {
                code: RetiredCode::Interview,
                read_as: AttendanceCode::Interview,
                count: 1
            },
            RetiredCodeSeen {
                code: RetiredCode::UnableToAttend,
                read_as: AttendanceCode::OtherUnavoidableCause,
                count: 1
            },
        ]
    );
}

#[test]
fn the_same_mark_twice_is_fine_but_two_different_marks_are_not() {
    let same = read(&format!(
        "UPN,Date,Session,Mark\n{PUPIL_A},2025-09-03,AM,I\n{PUPIL_A},03/09/2025,AM,I\n"
    ));
    assert_eq!(marks(&same.unwrap(), PUPIL_A).len(), 1);
    let different = read(&format!(
        "UPN,Date,Session,Mark\n{PUPIL_A},2025-09-03,AM,I\n{PUPIL_A},03/09/2025,AM,N\n"
    ));
    assert_eq!(
        only_problem(different),
        format!(
            "line 3: pupil {PUPIL_A} has a second, different mark for 2025-09-03 AM: 'N' after 'I'"
        )
    );
}

#[test]
fn headers_that_are_not_an_attendance_export_say_what_is_missing() {
    assert_eq!(read(""), Err(ReadError::Empty));
    assert_eq!(read("\n\n"), Err(ReadError::Empty));
    assert_eq!(
        read("Name,Date,Session,Mark\nSam,2025-09-03,AM,/\n"),
        Err(ReadError::NoPupilColumn)
    );
    assert_eq!(read("UPN,Name\n"), Err(ReadError::NoSessionColumns));
    assert_eq!(
        read("UPN,Date,Mark\n").unwrap_err().to_string(),
        "The header is missing the 'Session' (AM/PM) column a one-row-per-session export needs"
    );
    assert_eq!(
        read("UPN,Mon AM,Mon PM\n"),
        Err(ReadError::WeekdayColumnsWithoutWeekBeginning)
    );
    assert_eq!(
        read("UPN,Week beginning,Mon AM,2025-09-03 PM\n"),
        Err(ReadError::MixedSessionColumns)
    );
}

#[test]
fn a_header_with_two_columns_for_one_job_or_a_bad_date_is_a_line_1_problem() {
    assert_eq!(
        only_problem(read("UPN,Date,Session date,Session,Mark\n")),
        "line 1, column Session date: this column and 'Date' both give the date; keep one"
    );
    assert_eq!(
        only_problem(read("UPN,Mon AM,Monday AM,WB\n")),
        "line 1, column Monday AM: this column and 'Mon AM' both give the marks for one \
         session; keep one"
    );
    assert_eq!(
        only_problem(read("UPN,2025-02-31 AM\n")),
        "line 1, column 2025-02-31 AM: '2025-02-31' is not a date; write dates as 2025-09-03 \
         or 03/09/2025"
    );
}

#[test]
fn a_header_alone_is_an_export_with_no_pupils() {
    let export = read("UPN,Date,Session,Mark\r\n").unwrap();
    assert!(export.pupils.is_empty());
    assert_eq!(export.latest_school_year(), None);
}

#[test]
fn text_that_is_not_utf8_is_reported_not_panicked_on() {
    let mut bytes = b"Adno,Date,Session,Mark\n".to_vec();
    bytes.extend_from_slice(b"\xff\xfe,2025-09-03,AM,/\n");
    let result = read_attendance_export(&bytes);
    assert_eq!(
        only_problem(result),
        "line 2, column Adno: is not readable text (the file should be saved as UTF-8)"
    );
}

#[test]
fn the_latest_school_year_is_the_year_of_the_last_mark() {
    let export = read(&format!(
        "UPN,Date,Session,Mark\n{PUPIL_A},2025-07-18,AM,/\n{PUPIL_B},2025-09-03,AM,/\n"
    ))
    .unwrap();
    assert_eq!(
        export.latest_school_year(),
        Some(crate::calendar::SchoolYear::new(2025))
    );
}

#[test]
fn mn_ref_4_last_years_export_is_read_early_in_the_year() {
    use crate::calendar::SchoolYear;
    let last_year = read(&format!(
        "UPN,Date,Session,Mark\n{PUPIL_A},2025-07-18,AM,/\n"
    ))
    .unwrap();
    let september = chrono::NaiveDate::from_ymd_opt(2025, 9, 10).unwrap();
    assert_eq!(
        last_year.school_year_for_referral(september),
        SchoolYear::new(2024),
        "nothing yet this year: last year's export is read for last year"
    );
    let this_year = read(&format!(
        "UPN,Date,Session,Mark\n{PUPIL_A},2025-07-18,AM,/\n{PUPIL_A},2025-09-08,AM,I\n"
    ))
    .unwrap();
    assert_eq!(
        this_year.school_year_for_referral(september),
        SchoolYear::new(2025)
    );
    let empty = read("UPN,Date,Session,Mark\n").unwrap();
    assert_eq!(
        empty.school_year_for_referral(september),
        SchoolYear::new(2025)
    );
}

/// Header rows of each shape, for building CSV-ish input.
const HEADERS: [&str; 4] = [
    "UPN,Date,Session,Mark",
    "Adno,Date,AM/PM,Code",
    "UPN,Week beginning,Mon AM,Mon PM,Tue AM,Fri PM",
    "Pupil ID,2025-09-03 AM,2025-09-03 PM",
];

/// A cell that is sometimes valid and often not.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(PUPIL_A.to_owned()),
        Just("2025-09-03".to_owned()),
        Just("31/02/2025".to_owned()),
        Just("AM".to_owned()),
        Just("PM".to_owned()),
        Just("\"".to_owned()),
        "[/\\\\LKIMNHYJ#C12Y7]{0,3}",
        "[0-9/-]{0,11}",
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn the_reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_attendance_export(&bytes);
    }

    #[test]
    fn the_reader_never_panics_on_csv_like_text(
        header in prop::sample::select(&HEADERS[..]),
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..8), 0..12),
        line_end in prop::sample::select(&["\n", "\r\n", "\r"][..]),
    ) {
        let mut text = format!("{header}{line_end}");
        for row in rows {
            text.push_str(&row.join(","));
            text.push_str(line_end);
        }
        match read(&text) {
            Ok(export) => {
                for pupil in &export.pupils {
                    let sessions: Vec<Session> = pupil.herringbone.iter().map(|(s, _)| s).collect();
                    prop_assert!(sessions.windows(2).all(|pair| pair[0] < pair[1]));
                }
            }
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }
}

/// Issue 16's fix: SIMS writes CRLF line ends; a mark is reported on the line it is on, as in
/// the same file with LF ends (a blank line before the header, a blank line between rows, and a
/// quoted cell with a line break in it included).
#[test]
fn a_crlf_file_reports_the_same_lines_as_an_lf_file() {
    let lf = format!(
        "\n\
         UPN,Surname,Date,Session,Mark\n\
         {PUPIL_A},Smith,2025-09-03,AM,/\n\
         \n\
         {PUPIL_A},\"Smith\nJones\",2025-09-03,PM,/\n\
         {PUPIL_A},Smith,2025-09-04,AM,/\n\
         {PUPIL_A},Smith,2025-09-04,PM,Q9\n\
         {PUPIL_A},Smith,2025-13-05,AM,/\n"
    );
    let crlf = lf.replace('\n', "\r\n");
    for text in [lf, crlf] {
        let message = only_problem(read(&text));
        assert!(message.starts_with("line 9, column Date:"), "{message}");
        let without_bad_date = text.replace("2025-13-05", "2025-09-05");
        let export = read(&without_bad_date).unwrap();
        assert_eq!(export.unknown_codes[0].lines, vec![8]);
    }
}
