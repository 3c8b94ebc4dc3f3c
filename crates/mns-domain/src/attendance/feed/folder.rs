//! A folder of per-school MIS exports (issue 16, the third input): each file is one school's
//! export in any form the single-school reader knows (long, wide by week, wide by date). The
//! single-school reader reads it; its marks then go into the same session grids as a county
//! file's, so the figures, the checks across schools and the alerts follow one path.
//!
//! # The school
//! A `URN` column if the file has one (every row must name the same school); otherwise the
//! file's name, which must start with the six-digit URN (`121234-sims.csv`, `121234.csv`).
//!
//! # Bad input
//! Anything wrong with a file refuses that school only, every problem listed with its line:
//! the single-school reader's problems, and what a county import adds to them (as for a county
//! file): a pupil named only by admission number (the county knows pupils by UPN), a mark that
//! is no code of the 2024 regulations, a date outside the school year, a second school in the
//! file, and two files for one school.

use std::collections::HashMap;
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use csv::ByteRecord;

use super::super::code::{Recognised, recognise};
use super::super::reader::dates::parse_date;
use super::super::reader::header::{Layout, PupilColumnKind, Shape, detect_layout};
use super::super::{HalfDay, ProblemKind, PupilId, ReadError, read_attendance_export};
use super::{CountyTally, FeedProblems, SLOTS, SchoolTally, grid, is_urn_header, pack_upn};
use crate::calendar::SchoolYear;

/// What a file is refused with when neither a column nor its name gives its school.
pub const NAME_BY_URN: &str = "name the file by its school's URN, e.g. 121234-sims.csv";

/// Reads each school's export, given as (file name, bytes), into one tally for the whole folder
/// (one school a file, in the order given). A file that cannot be put down to a school, or
/// cannot be read at all, is still a school of the tally, with a blank URN and its problems.
pub fn tally_from_exports(
    files: impl IntoIterator<Item = (String, Vec<u8>)>,
    school_year: SchoolYear,
) -> CountyTally {
    let dates = grid::school_year_dates(school_year);
    let mut schools: Vec<SchoolTally> = files
        .into_iter()
        .map(|(name, bytes)| school_from_export(name, &bytes, school_year))
        .collect();
    refuse_one_school_in_two_files(&mut schools);
    CountyTally {
        school_year,
        rows: schools.iter().map(|school| school.rows).sum(),
        schools,
        file_problems: FeedProblems::default(),
        dates,
    }
}

/// Whether a header row is a school's attendance export in a form the single-school reader
/// knows (a pupil file's header, with URN, UPN and names but no marks, is not; an export may
/// have names and a URN too).
pub fn is_school_export_header(names: &[String]) -> bool {
    detect_layout(names.to_vec(), 1).is_ok()
}

/// The URN a file's name starts with: six digits, then anything but a digit.
pub fn urn_of_file_name(name: &str) -> Option<&str> {
    let base = Path::new(name).file_name()?.to_str()?;
    let urn = base.get(..6)?;
    let next_is_digit = base[6..].starts_with(|c: char| c.is_ascii_digit());
    (urn.bytes().all(|byte| byte.is_ascii_digit()) && !next_is_digit).then_some(urn)
}

/// One file: its school, its problems and (when the school is known) its pupils' grids.
fn school_from_export(file: String, bytes: &[u8], school_year: SchoolYear) -> SchoolTally {
    let survey = Survey::of(bytes, school_year);
    let mut school = SchoolTally::new(String::new());
    school.rows = survey.rows;
    let header = survey.header_line;
    let from_name = urn_of_file_name(&file);
    let from_column = survey.urn.as_ref().map(|(urn, line)| (urn.as_str(), *line));
    match (from_column, from_name) {
        (Some((urn, line)), Some(named)) if urn != named => {
            let text = format!("the file is named for school {named} but its URN says {urn}");
            school
                .problems
                .add(line, survey.urn_column.as_deref(), ProblemKind::File(text));
            school.urn = urn.to_owned();
        }
        (Some((urn, _)), _) | (None, Some(urn)) => school.urn = urn.to_owned(),
        (None, None) => {
            let kind = ProblemKind::File(NAME_BY_URN.into());
            school.problems.add(header, None, kind);
        }
    }
    school.file = Some(file);
    match read_attendance_export(bytes) {
        Err(ReadError::BadInput { problems, total }) => {
            let read = FeedProblems {
                listed: problems,
                total,
            };
            school.problems.absorb(read, 0);
        }
        Err(error) => {
            let kind = ProblemKind::File(error.to_string());
            school.problems.add(header, None, kind);
        }
        Ok(export) if !school.urn.is_empty() => {
            for pupil in &export.pupils {
                let PupilId::Upn(upn) = &pupil.pupil else {
                    continue; // refused by the survey: the county knows pupils by UPN
                };
                let Some(key) = pack_upn(upn.as_str().as_bytes()) else {
                    continue;
                };
                let line = survey.first_lines.get(upn.as_str()).copied();
                let index = school.pupil_index(key, line.unwrap_or(header + 1));
                for (session, code) in pupil.herringbone.iter() {
                    let Some(day) = day_of_school_year(session.date, school_year) else {
                        continue; // listed by the survey as outside the school year
                    };
                    let slot = day * 2 + usize::from(session.half == HalfDay::Pm);
                    // A herringbone holds one mark a session, so no slot is filled twice.
                    let _ = school.mark(index, slot, grid::byte_of(code));
                }
            }
        }
        Ok(_) => {}
    }
    school.problems.absorb(survey.problems, 0);
    school
}

/// Refuses every file of a school given more than one file, since the service cannot tell
/// which holds the school's register.
fn refuse_one_school_in_two_files(schools: &mut [SchoolTally]) {
    let mut files_of: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, school) in schools.iter().enumerate() {
        if !school.urn.is_empty() {
            files_of.entry(school.urn.clone()).or_default().push(index);
        }
    }
    for (urn, indexes) in files_of {
        if indexes.len() < 2 {
            continue;
        }
        for index in &indexes {
            let others: Vec<&str> = indexes
                .iter()
                .filter(|other| *other != index)
                .filter_map(|other| schools[*other].file.as_deref())
                .collect();
            let text = format!(
                "{} also holds school {urn}'s marks; give each school one file",
                others.join(", ")
            );
            schools[*index]
                .problems
                .add(1, None, ProblemKind::File(text));
        }
    }
}

/// The day index of a date in the school year's grid, if the date is in it.
fn day_of_school_year(date: NaiveDate, school_year: SchoolYear) -> Option<usize> {
    if !school_year.contains(date) {
        return None;
    }
    let day = (date - school_year.first_day()).num_days();
    usize::try_from(day).ok().filter(|day| *day < SLOTS / 2)
}

/// What a county import checks in a school's export beyond the single-school reader: the
/// school's URN, the rows, where each pupil first appears, and the problems a county import
/// refuses that the reader lets through.
#[derive(Default)]
struct Survey {
    header_line: u64,
    urn_column: Option<String>,
    /// The URN the first row gives, and its line.
    urn: Option<(String, u64)>,
    rows: u64,
    /// Each pupil's first line, by the pupil cell's text in upper case.
    first_lines: HashMap<String, u64>,
    problems: FeedProblems,
}

impl Survey {
    /// Goes through the export's rows once. A file the reader cannot read gives an empty
    /// survey: the reader's error says why.
    fn of(bytes: &[u8], school_year: SchoolYear) -> Self {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let lines = LineStarts::of(body);
        let mut survey = Self {
            header_line: 1,
            ..Self::default()
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let mut record = ByteRecord::new();
        let names: Vec<String> = loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) if is_blank(&record) => continue,
                Ok(true) => {
                    break record
                        .iter()
                        .map(|cell| String::from_utf8_lossy(cell).trim().to_owned())
                        .collect();
                }
                Ok(false) | Err(_) => return survey,
            }
        };
        survey.header_line = lines.at(&record);
        let urn_column = names.iter().position(|name| is_urn_header(name));
        survey.urn_column = urn_column.map(|index| names[index].clone());
        let layout = detect_layout(names, survey.header_line).ok();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            if is_blank(&record) {
                continue;
            }
            let line = lines.at(&record);
            survey.rows += 1;
            if let Some(index) = urn_column {
                survey.school(cell(&record, index), line);
            }
            if let Some(layout) = &layout {
                survey.pupil(layout, &record, line);
                survey.marks(layout, &record, line, school_year);
            }
        }
        survey
    }

    /// A URN cell: every row must name the school the first names.
    fn school(&mut self, raw: &[u8], line: u64) {
        let column = self.urn_column.clone();
        let text = String::from_utf8_lossy(raw).into_owned();
        match &self.urn {
            _ if raw.is_empty() => self
                .problems
                .add(line, column.as_deref(), ProblemKind::Blank),
            None => self.urn = Some((text, line)),
            Some((first, first_line)) if *first != text => {
                let text = format!(
                    "{text} is a second school (line {first_line} gives {first}); \
                     give each school its own file"
                );
                self.problems
                    .add(line, column.as_deref(), ProblemKind::File(text));
            }
            Some(_) => {}
        }
    }

    /// The row's pupil (the first pupil column with a value, as the reader takes it): its
    /// first line, and a problem the first time a pupil is named only by admission number.
    fn pupil(&mut self, layout: &Layout, record: &ByteRecord, line: u64) {
        let found = layout
            .pupils
            .iter()
            .map(|column| (*column, cell(record, column.index)))
            .find(|(_, raw)| !raw.is_empty());
        let Some((column, raw)) = found else {
            return;
        };
        let text = String::from_utf8_lossy(raw).to_ascii_uppercase();
        if self.first_lines.contains_key(&text) {
            return;
        }
        let upn_shaped =
            text.chars().count() == 13 && text.starts_with(|c: char| c.is_ascii_alphabetic());
        let admission_number = match column.kind {
            PupilColumnKind::Upn => false,
            PupilColumnKind::Either => !upn_shaped,
            PupilColumnKind::AdmissionNumber => true,
        };
        if admission_number {
            let message = format!(
                "pupil '{text}' has only an admission number; a county import needs each pupil's UPN"
            );
            let name = layout.names.get(column.index).map(String::as_str);
            self.problems.add(line, name, ProblemKind::File(message));
        }
        self.first_lines.insert(text, line);
    }

    /// The row's marks: an unknown code is a problem in each cell, and a date outside the
    /// school year once a row.
    fn marks(&mut self, layout: &Layout, record: &ByteRecord, line: u64, year: SchoolYear) {
        // (the mark's column, the column that dates it, the date if it reads)
        let marked: Vec<(usize, usize, Option<NaiveDate>)> = match &layout.shape {
            Shape::Long { date, mark, .. } => {
                vec![(*mark, *date, parse_date(cell(record, *date)))]
            }
            Shape::ByWeek {
                week_beginning,
                sessions,
            } => {
                let week = parse_date(cell(record, *week_beginning));
                sessions
                    .iter()
                    .map(|column| {
                        let date = week.and_then(|first| day_of_week(first, column.weekday));
                        (column.index, column.index, date)
                    })
                    .collect()
            }
            Shape::ByDate { sessions } => sessions
                .iter()
                .map(|column| (column.index, column.index, Some(column.session.date)))
                .collect(),
        };
        let mut outside_reported = false;
        for (mark, dated_by, date) in marked {
            let raw = cell(record, mark);
            if raw.is_empty() {
                continue;
            }
            let name = |index: usize| layout.names.get(index).map(String::as_str);
            if recognise(raw) == Recognised::Unknown {
                let code = String::from_utf8_lossy(raw).into_owned();
                self.problems
                    .add(line, name(mark), ProblemKind::UnknownCode(code));
            }
            if let Some(date) = date
                && !outside_reported
                && day_of_school_year(date, year).is_none()
            {
                outside_reported = true;
                let kind = ProblemKind::OutsideSchoolYear { date, year };
                self.problems.add(line, name(dated_by), kind);
            }
        }
    }
}

/// Whether every cell of a row is blank (such rows are skipped, as the reader skips them).
fn is_blank(record: &ByteRecord) -> bool {
    record.iter().all(|cell| cell.trim_ascii().is_empty())
}

/// A cell's bytes without surrounding spaces; a missing cell is blank.
fn cell(record: &ByteRecord, index: usize) -> &[u8] {
    record.get(index).unwrap_or_default().trim_ascii()
}

/// The date of the weekday in the week starting on `first_day`, as the reader works it out.
fn day_of_week(first_day: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let from = first_day.weekday().num_days_from_monday();
    let offset = (weekday.num_days_from_monday() + 7 - from) % 7;
    first_day.checked_add_days(Days::new(u64::from(offset)))
}

/// Where the lines start, to give a record the line the reader gives it (the csv crate's own
/// count is one short in CRLF files).
struct LineStarts<'a> {
    body: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> LineStarts<'a> {
    fn of(body: &'a [u8]) -> Self {
        Self {
            body,
            newlines: memchr::memchr_iter(b'\n', body).collect(),
        }
    }

    /// The 1-based line a record starts on: past any line ends at its position.
    fn at(&self, record: &ByteRecord) -> u64 {
        let Some(position) = record.position() else {
            return 0;
        };
        let mut start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
        while matches!(self.body.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        self.newlines.partition_point(|&newline| newline < start) as u64 + 1
    }
}
