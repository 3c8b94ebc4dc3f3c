//! Reading services from a spreadsheet saved as CSV (the layout is in the module above).

use super::*;
use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveTime};

use crate::directory::model::{
    Address, Contact, CostOption, Funding, LocalOfferAnswers, Location, Organization, Phone,
    Schedule, Service, ServiceAtLocation, ServiceStatus,
};
use crate::directory::oruk::stable_uuid;
use crate::directory::taxonomy::{self, CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY};
use crate::directory::{check_service, is_uuid};
use crate::identifiers::Postcode;

/// Reads a spreadsheet of services (see the module's documentation for the layout). Every row
/// is checked, including with [`check_service`]; if any has a problem the whole file is refused
/// with every problem found. `today` stands in for an empty `last_reviewed`, and is each
/// service's `last_modified`.
pub fn from_csv(
    reader: impl std::io::Read,
    today: NaiveDate,
) -> Result<Vec<ImportedService>, ImportError> {
    let (imported, problems, _) = read_rows(reader, today)?;
    if problems.is_empty() {
        Ok(imported)
    } else {
        Err(problems.into_error())
    }
}

/// As [`from_csv`], but a line with a problem is left out instead of failing the file: the
/// services of the good lines, each problem of the lines left out (the first
/// [`MAX_ROW_PROBLEMS`]), and how many lines were left out. A header that cannot be read still
/// fails the file.
pub fn from_csv_skipping_bad(
    reader: impl std::io::Read,
    today: NaiveDate,
) -> Result<(Vec<ImportedService>, Vec<RowError>, usize), ImportError> {
    let (imported, problems, skipped) = read_rows(reader, today)?;
    Ok((imported, problems.kept, skipped))
}

/// Reads every line: the services of the clean ones, the problems, and how many lines had one.
fn read_rows(
    reader: impl std::io::Read,
    today: NaiveDate,
) -> Result<(Vec<ImportedService>, Problems, usize), ImportError> {
    let mut skipped = 0;
    let mut file = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let mut problems = Problems::default();
    let header = match file.headers() {
        Ok(header) => header.clone(),
        Err(error) => {
            problems.push(csv_error_line(&error), None, csv_error_message(&error));
            return Err(problems.into_error());
        }
    };
    let columns = read_header(&header, &mut problems);
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let mut imported = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for result in file.records() {
        let record = match result {
            Ok(record) => record,
            Err(error) => {
                skipped += 1;
                problems.push(csv_error_line(&error), None, csv_error_message(&error));
                if error.is_io_error() {
                    break;
                }
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        let mut row = Row {
            line,
            record: &record,
            width: header.len(),
            columns: &columns,
            problems: &mut problems,
            clean: true,
        };
        let Some(service) = row.service(today) else {
            skipped += 1;
            continue;
        };
        let service_column = if row.get("id").is_empty() {
            "name"
        } else {
            "id"
        };
        if let Some(first) = seen.get(&service.service.id) {
            let message = format!(
                "is the same service as line {first} (the same id, or the same organisation and \
                 name)"
            );
            row.problem(service_column, message);
            skipped += 1;
            continue;
        }
        seen.insert(service.service.id.clone(), line);
        for error in check_service(&service.service) {
            row.problem(column_of(error.field), error.message);
        }
        if row.clean {
            imported.push(service);
        } else {
            skipped += 1;
        }
    }
    Ok((imported, problems, skipped))
}

/// The CSV column that holds a field [`check_service`] names.
fn column_of(field: &str) -> &str {
    match field {
        "organization_id" => "organisation",
        "schedules" => "closes_at",
        "cost_options" => "cost",
        "locations" => "latitude",
        other => other,
    }
}

/// The problems found so far, the first [`MAX_ROW_PROBLEMS`] kept.
#[derive(Default)]
struct Problems {
    kept: Vec<RowError>,
    more: usize,
}

impl Problems {
    fn push(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        if self.kept.len() < MAX_ROW_PROBLEMS {
            self.kept.push(RowError {
                line,
                column: column.map(str::to_owned),
                message: message.into(),
            });
        } else {
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    fn into_error(self) -> ImportError {
        ImportError::Rows {
            problems: self.kept,
            more: self.more,
        }
    }
}

fn csv_error_line(error: &csv::Error) -> u64 {
    error.position().map_or(1, |p| p.line())
}

fn csv_error_message(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "is not UTF-8 text; save the spreadsheet as \"CSV UTF-8\" and try again".into()
        }
        csv::ErrorKind::Io(io) => format!("could not be read ({io})"),
        _ => format!("is not valid CSV ({error})"),
    }
}

/// Finds each known column's position from the first line.
fn read_header(
    header: &csv::StringRecord,
    problems: &mut Problems,
) -> HashMap<&'static str, usize> {
    let mut columns = HashMap::new();
    let mut named = HashSet::new();
    for (n, raw) in header.iter().enumerate() {
        let name = raw
            .trim_start_matches('\u{feff}')
            .trim()
            .to_lowercase()
            .replace([' ', '-'], "_");
        if name.is_empty() {
            continue;
        }
        let name = if name == "organization" {
            "organisation".to_owned()
        } else {
            name
        };
        let Some(known) = CSV_COLUMNS.iter().copied().find(|c| *c == name) else {
            problems.push(
                1,
                Some(raw.trim()),
                format!(
                    "is not a column this import knows; rename or remove it (the columns are {})",
                    CSV_COLUMNS.join(", ")
                ),
            );
            continue;
        };
        if !named.insert(known) {
            problems.push(1, Some(known), "appears twice; keep one");
            continue;
        }
        columns.insert(known, n);
    }
    for required in REQUIRED_CSV_COLUMNS {
        if !columns.contains_key(required) {
            problems.push(1, Some(required), "is missing; the first line must name it");
        }
    }
    columns
}

/// One line of the file being read, and the problems found on it.
struct Row<'a> {
    line: u64,
    record: &'a csv::StringRecord,
    /// How many columns the first line names.
    width: usize,
    columns: &'a HashMap<&'static str, usize>,
    problems: &'a mut Problems,
    clean: bool,
}

impl Row<'_> {
    /// The cell of `column`, trimmed; empty when the file has no such column.
    fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|n| self.record.get(*n))
            .unwrap_or_default()
    }

    fn given(&self, column: &str) -> Option<String> {
        let text = self.get(column);
        (!text.is_empty()).then(|| text.to_owned())
    }

    fn problem(&mut self, column: &str, message: impl Into<String>) {
        self.clean = false;
        self.problems.push(self.line, Some(column), message);
    }

    fn required(&mut self, column: &str, message: &str) -> String {
        let text = self.get(column).to_owned();
        if text.is_empty() {
            self.problem(column, message);
        }
        text
    }

    fn service(&mut self, today: NaiveDate) -> Option<ImportedService> {
        let extra = self.record.iter().skip(self.width).any(|v| !v.is_empty());
        if extra {
            self.clean = false;
            self.problems.push(
                self.line,
                None,
                "has more values than the first line has column names",
            );
        }
        let organisation = self.required(
            "organisation",
            "enter the organisation that runs the service",
        );
        let name = self.required("name", "enter the service's name");
        let description = self.required("description", "enter a description of the service");
        let id = match self.given("id") {
            Some(id) if is_uuid(&id) => id.to_ascii_lowercase(),
            Some(_) => {
                self.problem(
                    "id",
                    "must be a UUID, like 0b6d8f52-7d3c-4e7a-9a61-2f1f0c6a0001, or left empty",
                );
                String::new()
            }
            None => stable_uuid(&format!(
                "service {}\n{}",
                comparable(&organisation),
                comparable(&name)
            )),
        };
        let part = |what: &str| stable_uuid(&format!("{id} {what}"));
        let minimum_age = self.age("minimum_age");
        let maximum_age = self.age("maximum_age");
        let (cost_options, fees_description) = self.cost(&part("cost option"));
        let schedules = self.schedule(&part("schedule"));
        let terms = self.terms();
        let local_offer = self.local_offer();
        let locations = self.location(
            &part("service at location"),
            &part("location"),
            &part("address"),
        );
        let last_reviewed = self.last_reviewed(today);
        if !self.clean {
            return None;
        }
        let organization = Organization {
            id: stable_uuid(&format!("organisation {}", comparable(&organisation))),
            name: organisation,
            description: String::new(),
            email: None,
            website: None,
            logo: None,
            uri: None,
            parent_organization_id: None,
            ..Default::default()
        };
        let service = Service {
            organization_id: organization.id.clone(),
            name,
            description,
            url: self.given("url"),
            email: self.given("email"),
            status: ServiceStatus::Active,
            fees_description,
            accreditations: None,
            minimum_age,
            maximum_age,
            alert: None,
            last_reviewed,
            last_modified: midnight(today),
            local_offer,
            terms,
            contacts: self
                .given("contact_name")
                .map(|name| Contact {
                    id: part("contact"),
                    name,
                    title: None,
                    email: None,
                    phone: None,
                })
                .into_iter()
                .collect(),
            phones: self
                .given("phone")
                .map(|number| Phone {
                    id: part("phone"),
                    number,
                    description: None,
                })
                .into_iter()
                .collect(),
            schedules,
            cost_options,
            languages: Vec::new(),
            service_areas: Vec::new(),
            funding: self
                .given("funding")
                .map(|source| Funding {
                    id: part("funding"),
                    source,
                })
                .into_iter()
                .collect(),
            locations,
            id,
            assurer_email: None,
        };
        Some(ImportedService {
            service,
            organization: Some(organization),
            terms: Vec::new(),
            taxonomies: Vec::new(),
            left_out: Vec::new(),
            summary_only: false,
        })
    }

    fn age(&mut self, column: &str) -> Option<u8> {
        let text = self.given(column)?;
        match text.parse::<u8>() {
            Ok(years) if years <= MAX_AGE => Some(years),
            _ => {
                self.problem(
                    column,
                    format!("must be a whole number from 0 to {MAX_AGE}"),
                );
                None
            }
        }
    }

    /// `free` or nothing to pay is an amount of 0; an amount, alone or in words, is that
    /// amount with the words kept; other words are the fees text, so the service does not
    /// count as free.
    fn cost(&mut self, id: &str) -> (Vec<CostOption>, Option<String>) {
        let Some(text) = self.given("cost") else {
            return (Vec::new(), None);
        };
        let option = |amount: f64, words: Option<String>| CostOption {
            id: id.to_owned(),
            option: None,
            amount: Some(amount),
            amount_description: words,
            ..Default::default()
        };
        let lower = text.to_lowercase();
        if lower == "free" || lower == "no charge" {
            return (vec![option(0.0, Some(text))], None);
        }
        if let Some(amount) = money(&text) {
            return (vec![option(amount, None)], None);
        }
        if let Some(amount) = text
            .split_once('£')
            .and_then(|(_, rest)| money_prefix(rest))
        {
            return (vec![option(amount, Some(text))], None);
        }
        (Vec::new(), Some(text))
    }

    fn schedule(&mut self, id: &str) -> Vec<Schedule> {
        let mut days = Vec::new();
        let codes: Vec<String> = self
            .get("days")
            .split([';', ','])
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        for code in codes {
            match weekday(&code) {
                Some(day) if !days.contains(&day) => days.push(day),
                Some(_) => {}
                None => {
                    let message = format!("\"{code}\" is not a day; write days like Mon;Sat");
                    self.problem("days", message);
                }
            }
        }
        let opens_at = self.time("opens_at");
        let closes_at = self.time("closes_at");
        if days.is_empty() && opens_at.is_none() && closes_at.is_none() {
            return Vec::new();
        }
        if days.is_empty() {
            self.problem(
                "days",
                "enter the days the opening times are for, like Mon;Sat",
            );
        }
        vec![Schedule {
            id: id.to_owned(),
            days,
            opens_at,
            closes_at,
            description: None,
            ..Default::default()
        }]
    }

    fn time(&mut self, column: &str) -> Option<NaiveTime> {
        let text = self.given(column)?;
        let time = NaiveTime::parse_from_str(&text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M:%S"))
            .ok();
        if time.is_none() {
            self.problem(column, "must be a time like 09:30");
        }
        time
    }

    fn terms(&mut self) -> Vec<String> {
        let mut ids = Vec::new();
        for (column, taxonomy_id, what) in [
            ("needs", NEEDS_TAXONOMY, "need"),
            ("categories", CATEGORY_TAXONOMY, "category"),
            ("delivery", DELIVERY_TAXONOMY, "delivery"),
        ] {
            let codes: Vec<String> = self
                .get(column)
                .split([';', ','])
                .map(|c| c.trim().to_lowercase())
                .filter(|c| !c.is_empty())
                .collect();
            for code in codes {
                match taxonomy::term_id(taxonomy_id, &code) {
                    Some(id) if !ids.contains(&id) => ids.push(id),
                    Some(_) => {}
                    None => {
                        let known: Vec<String> = taxonomy::builtin_terms()
                            .into_iter()
                            .filter(|t| t.taxonomy_id == taxonomy_id)
                            .map(|t| t.code)
                            .collect();
                        let message = format!(
                            "\"{code}\" is not a {what} code; the codes are {}",
                            known.join(", ")
                        );
                        self.problem(column, message);
                    }
                }
            }
        }
        ids
    }

    fn local_offer(&mut self) -> Option<LocalOfferAnswers> {
        let answer = self.get("local_offer").to_lowercase();
        let in_offer = match answer.as_str() {
            "yes" | "y" | "true" | "1" => true,
            "no" | "n" | "false" | "0" | "" => false,
            _ => {
                self.problem("local_offer", "must be yes or no");
                return None;
            }
        };
        if !in_offer {
            for column in ["who_for", "how_to_access", "send_support"] {
                if !self.get(column).is_empty() {
                    self.problem(
                        column,
                        "is a Local Offer answer: put yes in local_offer, or leave this empty",
                    );
                }
            }
            return None;
        }
        let contact = ["contact_name", "phone", "email"]
            .into_iter()
            .map(|c| self.get(c))
            .find(|c| !c.is_empty())
            .unwrap_or_default()
            .to_owned();
        Some(LocalOfferAnswers {
            who_for: self.get("who_for").to_owned(),
            how_to_access: self.get("how_to_access").to_owned(),
            send_support: self.get("send_support").to_owned(),
            funding: self.get("funding").to_owned(),
            contact,
        })
    }

    fn location(
        &mut self,
        id: &str,
        location_id: &str,
        address_id: &str,
    ) -> Vec<ServiceAtLocation> {
        const PLACE: [&str; 6] = [
            "location_name",
            "address_1",
            "city",
            "postcode",
            "latitude",
            "longitude",
        ];
        if PLACE.iter().all(|c| self.get(c).is_empty()) {
            return Vec::new();
        }
        let address_1 = self.required("address_1", "enter the first line of the address");
        let city = self.required("city", "enter the town or city");
        let postcode = match Postcode::parse(self.get("postcode")) {
            Ok(postcode) => postcode.as_str().to_owned(),
            Err(error) => {
                self.problem("postcode", error.to_string());
                String::new()
            }
        };
        let latitude = self.coordinate("latitude", 90.0, "52.6286");
        let longitude = self.coordinate("longitude", 180.0, "1.2924");
        let (Some(latitude), Some(longitude)) = (latitude, longitude) else {
            return Vec::new();
        };
        vec![ServiceAtLocation {
            id: id.to_owned(),
            location: Location {
                id: location_id.to_owned(),
                name: self
                    .given("location_name")
                    .unwrap_or_else(|| address_1.clone()),
                description: None,
                latitude,
                longitude,
                address: Address {
                    id: address_id.to_owned(),
                    address_1,
                    address_2: None,
                    city,
                    region: None,
                    postal_code: postcode,
                    ..Default::default()
                },
                accessibility: Vec::new(),
                ..Default::default()
            },
        }]
    }

    fn coordinate(&mut self, column: &str, limit: f64, example: &str) -> Option<f64> {
        let text = self.get(column).to_owned();
        if text.is_empty() {
            self.problem(
                column,
                format!("enter the {column} of the location, like {example}"),
            );
            return None;
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() && (-limit..=limit).contains(&value) => Some(value),
            _ => {
                self.problem(
                    column,
                    format!("must be a number from -{limit} to {limit}, like {example}"),
                );
                None
            }
        }
    }

    fn last_reviewed(&mut self, today: NaiveDate) -> NaiveDate {
        let Some(text) = self.given("last_reviewed") else {
            return today;
        };
        let parsed = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(&text, "%d/%m/%Y"));
        match parsed {
            Ok(day) if day <= today => day,
            Ok(_) => {
                self.problem("last_reviewed", "must be today or earlier");
                today
            }
            Err(_) => {
                self.problem(
                    "last_reviewed",
                    "must be a date like 2026-09-01 or 01/09/2026",
                );
                today
            }
        }
    }
}

/// Text compared the way people mean it: case and spacing ignored.
fn comparable(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// An amount of money written alone: `3.50`, `£3.50`, `0`.
fn money(text: &str) -> Option<f64> {
    let digits = text.trim().strip_prefix('£').unwrap_or(text.trim());
    let amount = digits.parse::<f64>().ok()?;
    (amount.is_finite() && amount >= 0.0 && digits.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then_some(amount)
}

/// The amount at the start of `text` (after a `£`): `3.50 per session` gives 3.5.
fn money_prefix(text: &str) -> Option<f64> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    money(text[..end].trim_end_matches('.'))
}
