//! Schools: importing the DfE's GIAS `edubasealldata` CSV by column name, and finding schools.

use crate::{Actor, App, AppError, AppResult, FieldError};
use mns_domain::identifiers::Urn;
use mns_store::SchoolRecord;

/// The GIAS columns read, by their header text. Other columns are ignored.
const REQUIRED: [&str; 2] = ["URN", "EstablishmentName"];

/// Reads a GIAS CSV into school records. GIAS files are Windows-1252; bytes that are not UTF-8
/// are read as Latin-1 so names like "Ørmesby" survive. Every problem names its line and column,
/// and nothing is returned unless the whole file is good.
pub fn parse_gias_csv(bytes: &[u8]) -> Result<Vec<SchoolRecord>, Vec<FieldError>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![FieldError::new(
                "file",
                format!("The file is not a CSV file: {e}"),
            )]);
        }
    };
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
    };
    let missing: Vec<FieldError> = REQUIRED
        .iter()
        .filter(|name| column(name).is_none())
        .map(|name| {
            FieldError::new(
                "file",
                format!("The file has no '{name}' column: is it a GIAS establishments CSV?"),
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut schools = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(FieldError::new("file", format!("Line {line}: {e}")));
                continue;
            }
        };
        let get = |name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let number = |name: &str, problems: &mut Vec<FieldError>| match get(name) {
            None => None,
            Some(v) => match v.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    problems.push(FieldError::new(
                        "file",
                        format!("Line {line}, column {name}: '{v}' is not a whole number"),
                    ));
                    None
                }
            },
        };
        let urn = match get("URN").map(|v| Urn::parse(&v)) {
            Some(Ok(urn)) => urn.as_str().to_string(),
            Some(Err(e)) => {
                problems.push(FieldError::new(
                    "file",
                    format!("Line {line}, column URN: {e}"),
                ));
                continue;
            }
            None => {
                problems.push(FieldError::new(
                    "file",
                    format!("Line {line}, column URN: the URN is missing"),
                ));
                continue;
            }
        };
        let Some(name) = get("EstablishmentName") else {
            problems.push(FieldError::new(
                "file",
                format!("Line {line}, column EstablishmentName: the name is missing"),
            ));
            continue;
        };
        schools.push(SchoolRecord {
            urn,
            name,
            la_code: get("LA (code)"),
            la_name: get("LA (name)"),
            establishment_number: get("EstablishmentNumber"),
            type_of_establishment: get("TypeOfEstablishment (name)"),
            type_group: get("EstablishmentTypeGroup (name)"),
            status: get("EstablishmentStatus (name)"),
            phase: get("PhaseOfEducation (name)"),
            statutory_low_age: number("StatutoryLowAge", &mut problems),
            statutory_high_age: number("StatutoryHighAge", &mut problems),
            street: get("Street"),
            locality: get("Locality"),
            town: get("Town"),
            postcode: get("Postcode"),
            easting: number("Easting", &mut problems),
            northing: number("Northing", &mut problems),
            calendar_id: None,
            district: get("DistrictAdministrative (name)"),
        });
    }
    if problems.is_empty() {
        Ok(schools)
    } else {
        Err(problems)
    }
}

impl App {
    /// Imports schools from a GIAS CSV in one transaction: all of them, or none.
    pub async fn import_schools(&self, actor: &Actor, bytes: &[u8]) -> AppResult<usize> {
        actor.require(mns_domain::permissions::Capability::ChangeReferenceData)?;
        let schools = parse_gias_csv(bytes).map_err(AppError::Invalid)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        for school in &schools {
            tx.upsert_school(school, now).await?;
        }
        self.audit(
            &mut tx,
            actor,
            "schools.import",
            "schools",
            "gias",
            &format!("{} schools", schools.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(schools.len())
    }

    /// The school with this URN (schools are public information).
    pub async fn school(&self, urn: &str) -> AppResult<Option<SchoolRecord>> {
        Ok(self.store.get_school(urn).await?)
    }

    /// Schools matching `search` (name, town or URN), for any signed-in user: schools are
    /// public information.
    pub async fn search_schools(&self, search: &str) -> AppResult<Vec<SchoolRecord>> {
        Ok(self.store.search_schools(search.trim(), 50).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),Town,Postcode,StatutoryLowAge,Unknown column";

    #[test]
    fn gias_columns_are_read_by_name_and_unknown_columns_ignored() {
        let csv = format!(
            "{HEADER}\n121234,926,Norfolk,2001,Riverside Primary School,Community school,Open,Norwich,NR1 1AA,4,whatever\n"
        );
        let schools = parse_gias_csv(csv.as_bytes()).unwrap();
        assert_eq!(schools.len(), 1);
        assert_eq!(schools[0].urn, "121234");
        assert_eq!(schools[0].name, "Riverside Primary School");
        assert_eq!(schools[0].la_code.as_deref(), Some("926"));
        assert_eq!(schools[0].statutory_low_age, Some(4));
        assert_eq!(schools[0].town.as_deref(), Some("Norwich"));
    }

    #[test]
    fn bad_rows_are_named_by_line_and_column_and_nothing_is_returned() {
        let csv = format!(
            "{HEADER}\n121234,926,Norfolk,2001,Good School,,Open,Norwich,NR1 1AA,4,\nABC,926,Norfolk,2002,Bad School,,Open,,,x,\n"
        );
        let problems = parse_gias_csv(csv.as_bytes()).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.message.starts_with("Line 3, column URN")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_file_without_the_key_columns_is_refused() {
        let problems = parse_gias_csv(b"name,town\nx,y\n").unwrap_err();
        assert!(problems[0].message.contains("no 'URN' column"));
    }

    #[test]
    fn latin1_names_survive() {
        let mut bytes = format!("{HEADER}\n121235,926,Norfolk,2003,").into_bytes();
        bytes.extend_from_slice(b"\xd8rmesby School,,Open,,,,\n");
        let schools = parse_gias_csv(&bytes).unwrap();
        assert_eq!(schools[0].name, "Ørmesby School");
    }
}
