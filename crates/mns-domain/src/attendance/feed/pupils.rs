//! The pupil file beside the session marks (the DfE daily data share's pupil items): each
//! pupil's school, names, EHC plan, looked-after status and leaving date. Names are read for
//! the pupils who get an alert and kept for no one else (the caller drops the rest).

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;
use serde::Serialize;

use super::super::reader::dates::parse_date;
use super::super::reader::header::normalise;
use super::super::{ProblemKind, ReadError};
use super::{FeedProblems, is_urn_header};
use crate::identifiers::Upn;

/// One pupil's details from the pupil file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PupilDetails {
    /// Forename, if given.
    pub forename: Option<String>,
    /// Surname, if given.
    pub surname: Option<String>,
    /// Date of birth, if given.
    pub date_of_birth: Option<NaiveDate>,
    /// Whether the pupil has an EHC plan (`None`: not said).
    pub ehcp: Option<bool>,
    /// Whether the pupil is looked after (`None`: not said).
    pub looked_after: Option<bool>,
    /// The actual leaving date, if the pupil has left.
    pub leaving_date: Option<NaiveDate>,
}

impl PupilDetails {
    /// "Forename Surname", if either is known.
    pub fn name(&self) -> Option<String> {
        let parts: Vec<&str> = [self.forename.as_deref(), self.surname.as_deref()]
            .into_iter()
            .flatten()
            .filter(|part| !part.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// A pupil file read: details by (URN, UPN), and what was wrong.
#[derive(Debug, Clone, Default)]
pub struct PupilFile {
    /// The pupils, by school URN and UPN.
    pub pupils: HashMap<(String, String), PupilDetails>,
    /// Problems, with lines; the file is refused if there are any.
    pub problems: FeedProblems,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Urn,
    Upn,
    Forename,
    Surname,
    DateOfBirth,
    Ehcp,
    LookedAfter,
    LeavingDate,
}

fn column_of(name: &str) -> Option<Column> {
    if is_urn_header(name) {
        return Some(Column::Urn);
    }
    Some(match normalise(name).as_str() {
        "upn" | "uniquepupilnumber" => Column::Upn,
        "forename" | "firstname" | "legalforename" | "givenname" => Column::Forename,
        "surname" | "lastname" | "legalsurname" | "familyname" => Column::Surname,
        "dateofbirth" | "dob" | "birthdate" => Column::DateOfBirth,
        "ehcp" | "ehcplan" | "ehcplanstatus" => Column::Ehcp,
        "cla" | "lookedafter" | "childlookedafter" | "looked_after" => Column::LookedAfter,
        "leavingdate" | "dateofleaving" | "actualleavingdate" => Column::LeavingDate,
        _ => return None,
    })
}

/// Whether a header row is a pupil file's: a URN and a UPN, no marks, and at least one of the
/// pupil items.
pub fn is_pupil_file_header(names: &[String]) -> bool {
    let columns: Vec<Option<Column>> = names.iter().map(|name| column_of(name)).collect();
    let has = |wanted: Column| columns.contains(&Some(wanted));
    let marks = names.iter().any(|name| {
        matches!(
            normalise(name).as_str(),
            "mark" | "code" | "attendancecode" | "attendancemark" | "sessionmark"
        )
    });
    has(Column::Urn)
        && has(Column::Upn)
        && !marks
        && [
            Column::Forename,
            Column::Surname,
            Column::DateOfBirth,
            Column::Ehcp,
            Column::LookedAfter,
            Column::LeavingDate,
        ]
        .into_iter()
        .any(has)
}

/// Reads a yes/no cell: `Y`, `Yes`, `True`, `1` or `N`, `No`, `False`, `0`; blank is not said.
fn yes_no(text: &str) -> Result<Option<bool>, ()> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "y" | "yes" | "true" | "1" => Ok(Some(true)),
        "n" | "no" | "false" | "0" => Ok(Some(false)),
        _ => Err(()),
    }
}

/// Reads a pupil file.
pub fn read_pupil_file(input: impl Read) -> Result<PupilFile, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| ReadError::Empty)?
        .iter()
        .map(|name| name.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    let columns: Vec<Option<Column>> = headers.iter().map(|name| column_of(name)).collect();
    let find = |wanted: Column| columns.iter().position(|c| *c == Some(wanted));
    let (Some(urn), Some(upn)) = (find(Column::Urn), find(Column::Upn)) else {
        return Err(ReadError::NoPupilColumn);
    };
    let mut file = PupilFile::default();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                file.problems
                    .add(line, None, ProblemKind::NotCsv(error.to_string()));
                break;
            }
        }
        let line = record.position().map_or(line, csv::Position::line);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let cell = |index: Option<usize>| index.and_then(|i| record.get(i)).map(str::trim);
        let urn_text = cell(Some(urn)).unwrap_or_default().to_owned();
        let upn_text = cell(Some(upn)).unwrap_or_default();
        let upn_value = match Upn::parse(upn_text) {
            Ok(value) => value,
            Err(error) => {
                file.problems.add(
                    line,
                    Some(&headers[upn]),
                    ProblemKind::NotAPupil {
                        value: upn_text.to_owned(),
                        error: error.into(),
                    },
                );
                continue;
            }
        };
        let mut details = PupilDetails {
            forename: cell(find(Column::Forename))
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            surname: cell(find(Column::Surname))
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            ..PupilDetails::default()
        };
        for (column, target) in [
            (Column::DateOfBirth, &mut details.date_of_birth),
            (Column::LeavingDate, &mut details.leaving_date),
        ] {
            let Some(index) = find(column) else { continue };
            let text = record.get(index).unwrap_or_default().trim();
            if text.is_empty() {
                continue;
            }
            match parse_date(text.as_bytes()) {
                Some(date) => *target = Some(date),
                None => file.problems.add(
                    line,
                    Some(&headers[index]),
                    ProblemKind::NotADate(text.to_owned()),
                ),
            }
        }
        for (column, target) in [
            (Column::Ehcp, &mut details.ehcp),
            (Column::LookedAfter, &mut details.looked_after),
        ] {
            let Some(index) = find(column) else { continue };
            let text = record.get(index).unwrap_or_default();
            match yes_no(text) {
                Ok(value) => *target = value,
                Err(()) => file.problems.add(
                    line,
                    Some(&headers[index]),
                    ProblemKind::NotCsv(format!("'{}' is not Y or N", text.trim())),
                ),
            }
        }
        file.pupils
            .insert((urn_text, upn_value.as_str().to_owned()), details);
    }
    Ok(file)
}
