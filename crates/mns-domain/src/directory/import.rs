//! Moving an existing directory in: services from another directory's Open Referral UK 3.0 feed,
//! or from a spreadsheet saved as CSV. Parsing only: the application fetches the feed's pages
//! or receives the upload, stores what comes back here, and writes the audit entries.
//!
//! ## From an ORUK feed
//!
//! [`from_oruk_page`] reads one page of a `/services` feed; [`from_oruk_service`] reads one full
//! service as `/services/{id}` returns it. Ids are kept. Optional parts that are missing are
//! simply absent; parts the model cannot hold are listed in [`ImportedService::left_out`], so
//! the council can see what did not come across. A service is not checked against the
//! directory's rules here: run [`check_service`] before storing it (another directory may allow
//! ages over 25, for example).
//!
//! What the round trip through [`service_full`](super::oruk::service_full) cannot carry:
//! `last_modified` keeps milliseconds, not finer; schedule times keep hours and minutes, not
//! seconds. A Local Offer entry with no answer filled in comes back as not in the Local Offer
//! (see [`LOCAL_OFFER_FIELD`]). A taxonomy comes back with its id and name only: an attribute
//! carries no taxonomy description or version, so keep a stored taxonomy with the same id rather
//! than overwrite it.
//!
//! ## From a spreadsheet (CSV)
//!
//! One row per service. The first line names the columns; they are found by name, in any
//! order, and any may be left out except `organisation`, `name` and `description`. A column
//! this import does not know is refused, so that a misspelt heading does not lose data
//! silently. Every cell is trimmed; an empty cell means "not given".
//!
//! | column | what goes in it |
//! | --- | --- |
//! | `id` | the service's UUID; left empty, one is made from the organisation and name, the same every time |
//! | `organisation` | the organisation's name (`organization` is accepted too); rows with the same name share one organisation |
//! | `name`, `description` | the service's name and what it does |
//! | `url`, `email`, `phone` | its web page (starting `https://`), email address and phone number |
//! | `contact_name` | a person to contact; also the Local Offer's contact answer (else the phone, else the email) |
//! | `minimum_age`, `maximum_age` | whole years from 0 to 25 |
//! | `cost` | `free` or `0` for free; an amount (`3.50`, `£3.50 per session`); other words are kept as the fees text |
//! | `days` | the days it runs, separated by `;` (`Mon;Sat`; full names and two-letter codes work too) |
//! | `opens_at`, `closes_at` | times like `09:30` |
//! | `needs`, `categories`, `delivery` | codes of the built-in taxonomies separated by `;` (`autism;adhd`, `activities`, `in-person`) |
//! | `local_offer` | `yes` if the service is in the SEND Local Offer, else `no` or empty |
//! | `who_for`, `how_to_access`, `send_support` | the Local Offer answers; only with `local_offer` yes |
//! | `funding` | who pays for it: the funding source, and the Local Offer's funding answer |
//! | `location_name`, `address_1`, `city`, `postcode`, `latitude`, `longitude` | where it is delivered; if any is given, all but the name are needed |
//! | `last_reviewed` | the day someone last checked the entry (`2026-09-01` or `01/09/2026`); empty means today |
//!
//! The whole file is refused if any row has a problem, so a council never ends up with half a
//! directory; every problem found (up to [`MAX_ROW_PROBLEMS`]) names its line and column.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use serde_json::{Map, Value};

use super::model::{
    Accessibility, Address, Contact, CostOption, Funding, Language, LocalOfferAnswers, Location,
    Organization, Phone, Schedule, Service, ServiceArea, ServiceAtLocation, ServiceStatus,
    Taxonomy, TaxonomyTerm,
};
use super::oruk::{LOCAL_OFFER_FIELD, stable_uuid};
use super::taxonomy::{self, CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY};
use super::{check_service, is_uuid};
use crate::identifiers::Postcode;

/// The columns a CSV import understands, in the order of the template.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "organisation",
    "name",
    "description",
    "url",
    "email",
    "phone",
    "contact_name",
    "minimum_age",
    "maximum_age",
    "cost",
    "days",
    "opens_at",
    "closes_at",
    "needs",
    "categories",
    "delivery",
    "local_offer",
    "who_for",
    "how_to_access",
    "send_support",
    "funding",
    "location_name",
    "address_1",
    "city",
    "postcode",
    "latitude",
    "longitude",
    "last_reviewed",
];

/// The columns a CSV file must have.
pub const REQUIRED_CSV_COLUMNS: &[&str] = &["organisation", "name", "description"];

/// The most problems a refused CSV file reports one by one; the rest are counted.
pub const MAX_ROW_PROBLEMS: usize = 50;

/// The oldest age the directory serves, as in [`check_service`].
const MAX_AGE: u8 = 25;

/// One service read from a feed or a file, with what it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedService {
    /// The service, its parts and its taxonomy links.
    pub service: Service,
    /// Its organisation, when the source describes it.
    pub organization: Option<Organization>,
    /// The taxonomy terms its attributes describe, to store alongside (empty for CSV, whose
    /// codes name built-in terms).
    pub terms: Vec<TaxonomyTerm>,
    /// The taxonomies of those terms, as far as the source describes them: id and name.
    pub taxonomies: Vec<Taxonomy>,
    /// What the source had that the model cannot hold, in words, naming where it was.
    pub left_out: Vec<String>,
}

/// A problem with one line of a CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line of the file, from 1 (the column names).
    pub line: u64,
    /// The column, when the problem is in one.
    pub column: Option<String>,
    /// What is wrong and how to put it right.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// Why an import was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The ORUK document lacks something a service cannot do without.
    #[error("{field}: missing, and a service cannot be imported without it")]
    Missing {
        /// Where it should be, as a path in the document (`organization_id`).
        field: String,
    },
    /// Something in the ORUK document is not what the standard says it should be.
    #[error("{field}: {message}")]
    Invalid {
        /// Where, as a path in the document (`schedules/0/opens_at`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The CSV file has problems, so none of it was imported.
    #[error("{}", rows_message(.problems, *.more))]
    Rows {
        /// The problems, in file order.
        problems: Vec<RowError>,
        /// How many more there were beyond [`MAX_ROW_PROBLEMS`].
        more: usize,
    },
}

fn rows_message(problems: &[RowError], more: usize) -> String {
    let mut text = String::from("the file was not imported; put these right and try again:");
    for problem in problems {
        text.push('\n');
        text.push_str(&problem.to_string());
    }
    if more > 0 {
        text.push_str(&format!("\nand {more} more"));
    }
    text
}

// ---------------------------------------------------------------------------------------------
// ORUK

/// Reads one page of an ORUK list endpoint (`/services?page=N`): its `contents`, and its
/// `total_pages` when it says. A bare JSON array is taken as a single page of items.
pub fn from_oruk_page(value: &Value) -> Result<(Vec<Value>, Option<u32>), ImportError> {
    if let Value::Array(items) = value {
        return Ok((items.clone(), None));
    }
    let page = Node::root(value)?;
    let contents = match page.fields.get("contents") {
        Some(Value::Array(items)) => items.clone(),
        None | Some(Value::Null) => return Err(missing("contents")),
        Some(_) => return Err(page.invalid("contents", "must be a list")),
    };
    let total_pages = match page.number("total_pages")? {
        None => None,
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Some(n as u32),
        Some(_) => return Err(page.invalid("total_pages", "must be a whole number")),
    };
    Ok((contents, total_pages))
}

/// Reads a full ORUK 3.0 service (`/services/{id}`, or an item of a `/services` page) into the
/// model. `today` stands in for a missing `assured_date` and `last_modified`. The documents
/// [`service_full`](super::oruk::service_full) writes come back unchanged, Local Offer answers
/// included.
pub fn from_oruk_service(value: &Value, today: NaiveDate) -> Result<ImportedService, ImportError> {
    let root = Node::root(value)?;
    let mut left_out = Vec::new();
    let id = root.text("id")?.ok_or_else(|| missing("id"))?;
    let organization = match root.object("organization")? {
        Some(node) => organization_from(&node, &mut left_out)?,
        None => None,
    };
    let organization_id = root
        .text("organization_id")?
        .or_else(|| organization.as_ref().map(|o| o.id.clone()))
        .ok_or_else(|| missing("organization_id"))?;
    let status = match root.text("status")? {
        None => ServiceStatus::Active,
        Some(text) => ServiceStatus::parse(&text).ok_or_else(|| {
            root.invalid(
                "status",
                "must be active, inactive, defunct or temporarily closed",
            )
        })?,
    };
    let last_reviewed = match root.text("assured_date")? {
        None => today,
        Some(text) => date(&text)
            .ok_or_else(|| root.invalid("assured_date", "must be a date like 2026-09-01"))?,
    };
    let last_modified = match root.text("last_modified")? {
        None => midnight(today),
        Some(text) => date_time(&text).ok_or_else(|| {
            root.invalid(
                "last_modified",
                "must be a date and time like 2026-09-01T10:00:00Z",
            )
        })?,
    };
    let mut links = Links::default();
    for attribute in root.list("attributes")? {
        links.read(&attribute, &mut left_out)?;
    }
    let service = Service {
        organization_id,
        name: root.text("name")?.ok_or_else(|| missing("name"))?,
        description: root.text("description")?.unwrap_or_default(),
        url: root.text("url")?,
        email: root.text("email")?,
        status,
        fees_description: root.text("fees")?,
        accreditations: root.text("accreditations")?,
        minimum_age: age(&root, "minimum_age", false)?,
        maximum_age: age(&root, "maximum_age", true)?,
        alert: root.text("alert")?,
        last_reviewed,
        last_modified,
        local_offer: root
            .object(LOCAL_OFFER_FIELD)?
            .map(|node| local_offer_from(&node))
            .transpose()?,
        terms: links.term_ids,
        contacts: kept(root.list("contacts")?, &id, &mut left_out, contact_from)?,
        phones: kept(root.list("phones")?, &id, &mut left_out, phone_from)?,
        schedules: kept(root.list("schedules")?, &id, &mut left_out, schedule_from)?,
        cost_options: kept(root.list("cost_options")?, &id, &mut left_out, cost_from)?,
        languages: kept(root.list("languages")?, &id, &mut left_out, language_from)?,
        service_areas: kept(root.list("service_areas")?, &id, &mut left_out, area_from)?,
        funding: kept(root.list("funding")?, &id, &mut left_out, funding_from)?,
        locations: kept(
            root.list("service_at_locations")?,
            &id,
            &mut left_out,
            service_at_location_from,
        )?,
        id,
    };
    Ok(ImportedService {
        service,
        organization,
        terms: links.terms,
        taxonomies: links.taxonomies,
        left_out,
    })
}

/// An object of the document being read, and where it is, for messages.
struct Node<'a> {
    fields: &'a Map<String, Value>,
    path: String,
}

impl<'a> Node<'a> {
    fn root(value: &'a Value) -> Result<Node<'a>, ImportError> {
        match value {
            Value::Object(fields) => Ok(Node {
                fields,
                path: String::new(),
            }),
            _ => Err(ImportError::Invalid {
                field: "(document)".into(),
                message: "must be a JSON object".into(),
            }),
        }
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}/{key}", self.path)
        }
    }

    fn invalid(&self, key: &str, message: &str) -> ImportError {
        ImportError::Invalid {
            field: self.at(key),
            message: message.into(),
        }
    }

    fn missing(&self, key: &str) -> ImportError {
        missing(&self.at(key))
    }

    /// Text, trimmed; a blank string or `null` is absent. Numbers are taken as their text,
    /// since feeds write postcodes and identifiers either way.
    fn text(&self, key: &str) -> Result<Option<String>, ImportError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => {
                let text = text.trim();
                Ok((!text.is_empty()).then(|| text.to_owned()))
            }
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(self.invalid(key, "must be text")),
        }
    }

    /// A number, or text that is one.
    fn number(&self, key: &str) -> Result<Option<f64>, ImportError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .map(Some)
                .ok_or_else(|| self.invalid(key, "must be a number")),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(Value::String(text)) => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Some)
                .ok_or_else(|| self.invalid(key, "must be a number")),
            Some(_) => Err(self.invalid(key, "must be a number")),
        }
    }

    fn object(&self, key: &str) -> Result<Option<Node<'a>>, ImportError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(fields)) => Ok(Some(Node {
                fields,
                path: self.at(key),
            })),
            Some(_) => Err(self.invalid(key, "must be an object")),
        }
    }

    fn list(&self, key: &str) -> Result<Vec<Node<'a>>, ImportError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(n, item)| match item {
                    Value::Object(fields) => Ok(Node {
                        fields,
                        path: format!("{}/{n}", self.at(key)),
                    }),
                    _ => Err(ImportError::Invalid {
                        field: format!("{}/{n}", self.at(key)),
                        message: "must be an object".into(),
                    }),
                })
                .collect(),
            Some(_) => Err(self.invalid(key, "must be a list")),
        }
    }

    /// The node's id, or a stable one made from `seed` when it has none.
    fn id_or(&self, seed: &str) -> Result<String, ImportError> {
        Ok(self
            .text("id")?
            .unwrap_or_else(|| stable_uuid(&format!("{seed} {}", self.path))))
    }
}

fn missing(field: &str) -> ImportError {
    ImportError::Missing {
        field: field.into(),
    }
}

/// Reads each part of a list with `read`, keeping those it returns and noting the rest.
fn kept<T>(
    nodes: Vec<Node<'_>>,
    service_id: &str,
    left_out: &mut Vec<String>,
    read: impl Fn(&Node<'_>, &str) -> Result<Part<T>, ImportError>,
) -> Result<Vec<T>, ImportError> {
    let mut parts = Vec::new();
    for node in &nodes {
        match read(node, service_id)? {
            Part::Kept(part) => parts.push(part),
            Part::KeptWithNote(part, note) => {
                parts.push(part);
                left_out.push(format!("{}: {note}", node.path));
            }
            Part::LeftOut(why) => left_out.push(format!("{}: {why}", node.path)),
        }
    }
    Ok(parts)
}

/// What became of one part of a service.
enum Part<T> {
    Kept(T),
    KeptWithNote(T, String),
    LeftOut(String),
}

fn organization_from(
    node: &Node<'_>,
    left_out: &mut Vec<String>,
) -> Result<Option<Organization>, ImportError> {
    let Some(id) = node.text("id")? else {
        left_out.push(format!("{}: has no id, so it was left out", node.path));
        return Ok(None);
    };
    let Some(name) = node.text("name")? else {
        left_out.push(format!("{}: has no name, so it was left out", node.path));
        return Ok(None);
    };
    Ok(Some(Organization {
        id,
        name,
        description: node.text("description")?.unwrap_or_default(),
        email: node.text("email")?,
        website: node.text("website")?,
        logo: node.text("logo")?,
        uri: node.text("uri")?,
        parent_organization_id: node.text("parent_organization_id")?,
    }))
}

/// The service's taxonomy links, and the terms and taxonomies its attributes describe.
#[derive(Default)]
struct Links {
    term_ids: Vec<String>,
    terms: Vec<TaxonomyTerm>,
    taxonomies: Vec<Taxonomy>,
}

impl Links {
    fn read(
        &mut self,
        attribute: &Node<'_>,
        left_out: &mut Vec<String>,
    ) -> Result<(), ImportError> {
        let term = attribute.object("taxonomy_term")?;
        let term_id = match (&term, attribute.text("taxonomy_term_id")?) {
            (_, Some(id)) => id,
            (Some(term), None) => match term.text("id")? {
                Some(id) => id,
                None => {
                    left_out.push(format!(
                        "{}: names no term, so it was left out",
                        attribute.path
                    ));
                    return Ok(());
                }
            },
            (None, None) => {
                left_out.push(format!(
                    "{}: names no term, so it was left out",
                    attribute.path
                ));
                return Ok(());
            }
        };
        if !self.term_ids.contains(&term_id) {
            self.term_ids.push(term_id.clone());
        }
        let Some(term) = term else { return Ok(()) };
        let Some(name) = term.text("name")?.or(term.text("term")?) else {
            return Ok(());
        };
        let taxonomy_text = term.text("taxonomy")?;
        let taxonomy_id = match term.text("taxonomy_id")? {
            Some(id) => id,
            None => stable_uuid(&format!(
                "taxonomy {}",
                taxonomy_text.as_deref().unwrap_or(IMPORTED_TAXONOMY)
            )),
        };
        if !self.taxonomies.iter().any(|t| t.id == taxonomy_id) {
            let is_uri = taxonomy_text
                .as_deref()
                .is_some_and(|t| t.starts_with("http://") || t.starts_with("https://"));
            self.taxonomies.push(Taxonomy {
                id: taxonomy_id.clone(),
                name: match &taxonomy_text {
                    Some(text) if !is_uri => text.clone(),
                    _ => IMPORTED_TAXONOMY.into(),
                },
                description: String::new(),
                uri: taxonomy_text.filter(|_| is_uri),
                version: None,
            });
        }
        if !self.terms.iter().any(|t| t.id == term_id) {
            self.terms.push(TaxonomyTerm {
                code: term.text("term")?.unwrap_or_else(|| slug(&name)),
                id: term_id,
                taxonomy_id,
                name,
                description: term.text("description")?.unwrap_or_default(),
                parent_id: term.text("parent_id")?,
            });
        }
        Ok(())
    }
}

/// The name of the taxonomy that holds imported terms whose taxonomy is not named.
const IMPORTED_TAXONOMY: &str = "Imported terms";

/// A code made from a name: lower case, words joined by hyphens.
fn slug(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

fn local_offer_from(node: &Node<'_>) -> Result<LocalOfferAnswers, ImportError> {
    Ok(LocalOfferAnswers {
        who_for: node.text("who_for")?.unwrap_or_default(),
        how_to_access: node.text("how_to_access")?.unwrap_or_default(),
        send_support: node.text("send_support")?.unwrap_or_default(),
        funding: node.text("funding")?.unwrap_or_default(),
        contact: node.text("contact")?.unwrap_or_default(),
    })
}

/// An age in whole years. A fraction is widened, never narrowed: a minimum rounds down and a
/// maximum up, so no one the source said was eligible is turned away.
fn age(node: &Node<'_>, key: &str, round_up: bool) -> Result<Option<u8>, ImportError> {
    let Some(years) = node.number(key)? else {
        return Ok(None);
    };
    let whole = if round_up {
        years.ceil()
    } else {
        years.floor()
    };
    if (0.0..=f64::from(u8::MAX)).contains(&whole) {
        Ok(Some(whole as u8))
    } else {
        Err(node.invalid(key, "must be an age in years"))
    }
}

fn contact_from(node: &Node<'_>, _service_id: &str) -> Result<Part<Contact>, ImportError> {
    let name = node.text("name")?;
    let title = node.text("title")?;
    let email = node.text("email")?;
    let phones = node.list("phones")?;
    let mut numbers = Vec::new();
    for phone in &phones {
        if let Some(number) = phone.text("number")? {
            numbers.push(number);
        }
    }
    if name.is_none() && title.is_none() && email.is_none() && numbers.is_empty() {
        return Ok(Part::LeftOut("has no name or way to get in touch".into()));
    }
    let contact = Contact {
        id: node.id_or("contact")?,
        name: name
            .or_else(|| title.clone())
            .unwrap_or_else(|| "Contact".into()),
        title,
        email,
        phone: numbers.first().cloned(),
    };
    Ok(if numbers.len() > 1 {
        Part::KeptWithNote(
            contact,
            format!("only the first of {} phone numbers was kept", numbers.len()),
        )
    } else {
        Part::Kept(contact)
    })
}

fn phone_from(node: &Node<'_>, _service_id: &str) -> Result<Part<Phone>, ImportError> {
    let Some(number) = node.text("number")? else {
        return Ok(Part::LeftOut("has no number, so it was left out".into()));
    };
    Ok(Part::Kept(Phone {
        id: node.id_or("phone")?,
        number,
        description: node.text("description")?,
    }))
}

fn schedule_from(node: &Node<'_>, _service_id: &str) -> Result<Part<Schedule>, ImportError> {
    let freq = node.text("freq")?.map(|f| f.to_ascii_uppercase());
    let byday = node.text("byday")?;
    let mut description = node.text("description")?;
    let opens_at = clock(node, "opens_at")?;
    let closes_at = clock(node, "closes_at")?;
    let id = node.id_or("schedule")?;
    if freq.as_deref().is_some_and(|f| f != "WEEKLY") {
        let rule = format!(
            "{} {}",
            freq.as_deref().unwrap_or_default(),
            byday.as_deref().unwrap_or_default()
        );
        let rule = rule.trim().to_owned();
        if description.is_none() {
            description = Some(format!("Repeats: {rule}"));
        }
        return Ok(Part::KeptWithNote(
            Schedule {
                id,
                days: Vec::new(),
                opens_at,
                closes_at,
                description,
            },
            format!("the rule {rule} is kept as words only, not as days of the week"),
        ));
    }
    let mut days = Vec::new();
    for code in byday.iter().flat_map(|b| b.split(',')) {
        // Occurrence prefixes ("2MO") belong to monthly rules; a weekly rule has none.
        let code = code
            .trim()
            .trim_start_matches(|c: char| c == '+' || c == '-' || c.is_ascii_digit());
        if code.is_empty() {
            continue;
        }
        let day = weekday(code).ok_or_else(|| {
            node.invalid(
                "byday",
                "must be days like MO,TU (MO, TU, WE, TH, FR, SA or SU)",
            )
        })?;
        if !days.contains(&day) {
            days.push(day);
        }
    }
    Ok(Part::Kept(Schedule {
        id,
        days,
        opens_at,
        closes_at,
        description,
    }))
}

fn clock(node: &Node<'_>, key: &str) -> Result<Option<NaiveTime>, ImportError> {
    node.text(key)?
        .map(|text| {
            time_of_day(&text).ok_or_else(|| node.invalid(key, "must be a time like 09:30"))
        })
        .transpose()
}

fn cost_from(node: &Node<'_>, _service_id: &str) -> Result<Part<CostOption>, ImportError> {
    Ok(Part::Kept(CostOption {
        id: node.id_or("cost option")?,
        option: node.text("option")?,
        amount: node.number("amount")?,
        amount_description: node.text("amount_description")?,
    }))
}

/// The UK profile's language has only ids: a name or code comes from HSDS 3.0's fields, which
/// the directory's own feed writes.
fn language_from(node: &Node<'_>, _service_id: &str) -> Result<Part<Language>, ImportError> {
    let code = node.text("code")?;
    let Some(name) = node.text("name")?.or_else(|| code.clone()) else {
        return Ok(Part::LeftOut(
            "names no language (no name or code), so it was left out".into(),
        ));
    };
    Ok(Part::Kept(Language {
        id: node.id_or("language")?,
        name,
        code,
    }))
}

fn area_from(node: &Node<'_>, _service_id: &str) -> Result<Part<ServiceArea>, ImportError> {
    let text = node.text("service_area")?;
    let Some(name) = node.text("name")?.or_else(|| text.clone()) else {
        return Ok(Part::LeftOut("has no name, so it was left out".into()));
    };
    Ok(Part::Kept(ServiceArea {
        id: node.id_or("service area")?,
        description: text.filter(|t| *t != name),
        name,
    }))
}

fn funding_from(node: &Node<'_>, _service_id: &str) -> Result<Part<Funding>, ImportError> {
    let Some(source) = node.text("source")? else {
        return Ok(Part::LeftOut("has no source, so it was left out".into()));
    };
    Ok(Part::Kept(Funding {
        id: node.id_or("funding")?,
        source,
    }))
}

fn service_at_location_from(
    node: &Node<'_>,
    service_id: &str,
) -> Result<Part<ServiceAtLocation>, ImportError> {
    let Some(place) = node.object("location")? else {
        return Ok(Part::LeftOut("has no location, so it was left out".into()));
    };
    let location_id = match place.text("id")? {
        Some(id) => id,
        None => node
            .text("location_id")?
            .ok_or_else(|| place.missing("id"))?,
    };
    let (Some(latitude), Some(longitude)) = (place.number("latitude")?, place.number("longitude")?)
    else {
        return Ok(Part::LeftOut(
            "the location has no latitude and longitude, so it was left out".into(),
        ));
    };
    let addresses = place.list("addresses")?;
    let mut address_types = Vec::new();
    for address in &addresses {
        address_types.push(address.text("address_type")?);
    }
    let chosen = address_types
        .iter()
        .position(|t| t.as_deref() == Some("physical"))
        .or((!addresses.is_empty()).then_some(0));
    let address = match chosen {
        Some(n) => address_from(&addresses[n])?,
        None => Address {
            id: stable_uuid(&format!("address {location_id}")),
            ..Address::default()
        },
    };
    let mut notes = Vec::new();
    let accessibility = kept(
        place.list("accessibility")?,
        service_id,
        &mut notes,
        accessibility_from,
    )?;
    if addresses.len() > 1 {
        notes.push(format!(
            "only one of its {} addresses was kept",
            addresses.len()
        ));
    }
    let id = match node.text("id")? {
        Some(id) => id,
        None => stable_uuid(&format!("service at location {service_id} {location_id}")),
    };
    let sal = ServiceAtLocation {
        id,
        location: Location {
            name: place
                .text("name")?
                .unwrap_or_else(|| address.address_1.clone()),
            id: location_id,
            description: place.text("description")?,
            latitude,
            longitude,
            address,
            accessibility,
        },
    };
    Ok(if notes.is_empty() {
        Part::Kept(sal)
    } else {
        Part::KeptWithNote(sal, notes.join("; "))
    })
}

/// The county comes from `region`, or from `state_province` when that is not just the town
/// again (the directory's own feed writes the town there when it knows no county).
fn address_from(node: &Node<'_>) -> Result<Address, ImportError> {
    let city = node.text("city")?.unwrap_or_default();
    let region = match node.text("region")? {
        Some(region) => Some(region),
        None => node.text("state_province")?.filter(|s| *s != city),
    };
    Ok(Address {
        id: node.id_or("address")?,
        address_1: node.text("address_1")?.unwrap_or_default(),
        address_2: node.text("address_2")?,
        city,
        region,
        postal_code: node.text("postal_code")?.unwrap_or_default(),
    })
}

fn accessibility_from(
    node: &Node<'_>,
    _service_id: &str,
) -> Result<Part<Accessibility>, ImportError> {
    let Some(description) = node.text("description")?.or(node.text("accessibility")?) else {
        return Ok(Part::LeftOut("has no description".into()));
    };
    Ok(Part::Kept(Accessibility {
        id: node.id_or("accessibility")?,
        description,
        details: node.text("details")?,
    }))
}

/// A date like `2026-09-01`, or the date of a date and time.
fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| date_time(text).map(|t| t.date_naive()))
}

/// An RFC 3339 date and time, or a date alone (taken as midnight UTC).
fn date_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(midnight)
        })
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// A time of day like `09:30` or `09:30:00`. A zone suffix (`Z`, `+01:00`) is dropped: the
/// directory's times are local clock times, as families read them.
fn time_of_day(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    let clock = text
        .strip_suffix(['Z', 'z'])
        .or_else(|| {
            text.get(5..)
                .and_then(|rest| rest.rfind(['+', '-']).map(|n| &text[..5 + n]))
        })
        .unwrap_or(text);
    NaiveTime::parse_from_str(clock, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M"))
        .ok()
}

/// A weekday from an iCalendar code (`MO`), a short name (`Mon`) or a full name (`Monday`).
fn weekday(text: &str) -> Option<Weekday> {
    let lower = text.trim().to_ascii_lowercase();
    let day = match lower.get(..2)? {
        "mo" => Weekday::Mon,
        "tu" => Weekday::Tue,
        "we" => Weekday::Wed,
        "th" => Weekday::Thu,
        "fr" => Weekday::Fri,
        "sa" => Weekday::Sat,
        "su" => Weekday::Sun,
        _ => return None,
    };
    let full = match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    };
    // "Mo", "Mon", "Tues", "Thurs" and "Monday" are all the day; "Moon" is not.
    full.starts_with(lower.as_str()).then_some(day)
}

// ---------------------------------------------------------------------------------------------
// CSV

/// Reads a spreadsheet of services (see the module's documentation for the layout). Every row
/// is checked, including with [`check_service`]; if any has a problem the whole file is refused
/// with every problem found. `today` stands in for an empty `last_reviewed`, and is each
/// service's `last_modified`.
pub fn from_csv(
    reader: impl std::io::Read,
    today: NaiveDate,
) -> Result<Vec<ImportedService>, ImportError> {
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
            continue;
        }
        seen.insert(service.service.id.clone(), line);
        for error in check_service(&service.service) {
            row.problem(column_of(error.field), error.message);
        }
        if row.clean {
            imported.push(service);
        }
    }
    if problems.is_empty() {
        Ok(imported)
    } else {
        Err(problems.into_error())
    }
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
        };
        Some(ImportedService {
            service,
            organization: Some(organization),
            terms: Vec::new(),
            taxonomies: Vec::new(),
            left_out: Vec::new(),
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
                },
                accessibility: Vec::new(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::oruk::tests::{schema, schema_errors};
    use crate::directory::{example_service, oruk};
    use proptest::prelude::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 2).expect("date")
    }

    fn example_full() -> Value {
        oruk::service_full(
            &example_service(),
            None,
            &taxonomy::builtin_terms(),
            &taxonomy::builtin_taxonomies(),
        )
    }

    fn rows(error: ImportError) -> Vec<String> {
        match error {
            ImportError::Rows { problems, .. } => {
                problems.iter().map(ToString::to_string).collect()
            }
            other => panic!("not a row error: {other}"),
        }
    }

    #[test]
    fn the_example_service_comes_back_unchanged_through_oruk() {
        let imported = from_oruk_service(&example_full(), today()).expect("imports");
        assert_eq!(imported.service, example_service());
        assert_eq!(imported.left_out, Vec::<String>::new());
        assert_eq!(imported.organization, None);
        // The terms come back as the built-in ones; the taxonomies by id and name only.
        let builtin = taxonomy::builtin_terms();
        for term in &imported.terms {
            assert!(builtin.contains(term), "{term:?}");
        }
        assert_eq!(imported.terms.len(), 3);
        let names: Vec<&str> = imported
            .taxonomies
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(
            names,
            vec![
                "SEND needs",
                "Kinds of service",
                "How the service is delivered"
            ]
        );
    }

    #[test]
    fn a_service_with_every_optional_part_empty_comes_back_unchanged() {
        let mut service = example_service();
        service.url = None;
        service.email = None;
        service.minimum_age = None;
        service.maximum_age = None;
        service.local_offer = None;
        service.terms.clear();
        service.contacts.clear();
        service.phones.clear();
        service.schedules.clear();
        service.cost_options.clear();
        service.languages.clear();
        service.service_areas.clear();
        service.funding.clear();
        service.locations.clear();
        service.fees_description = Some("£3 a session".into());
        service.alert = Some("Closed over Easter".into());
        service.accreditations = Some("Swim England".into());
        let document = oruk::service_full(&service, None, &[], &[]);
        let imported = from_oruk_service(&document, today()).expect("imports");
        assert_eq!(imported.service, service);
    }

    #[test]
    fn parts_oruk_writes_differently_come_back_as_they_were() {
        let mut service = example_service();
        // No county: the town is written as `state_province` and must not come back as one.
        service.locations[0].location.address.region = None;
        service.locations[0].location.address.address_2 = Some("Riverside".into());
        service.service_areas[0].description = Some("The city and its suburbs".into());
        service.schedules[0].days = vec![Weekday::Mon, Weekday::Sat];
        service.last_modified = "2026-09-01T10:00:00.123Z".parse().expect("time");
        let document = oruk::service_full(&service, None, &[], &[]);
        let imported = from_oruk_service(&document, today()).expect("imports");
        assert_eq!(imported.service, service);
    }

    #[test]
    fn the_organisation_comes_back_with_the_service() {
        let org = Organization {
            id: example_service().organization_id,
            name: "Splash Swimming Trust".into(),
            description: "Runs swimming clubs.".into(),
            email: None,
            website: Some("https://example.org".into()),
            logo: None,
            uri: None,
            parent_organization_id: None,
        };
        let document = oruk::service_full(&example_service(), Some(&org), &[], &[]);
        let imported = from_oruk_service(&document, today()).expect("imports");
        assert_eq!(imported.organization, Some(org));
    }

    #[test]
    fn the_standards_example_service_is_read() {
        let example: Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/oruk-3.0/example_service_full.json"
        ))
        .expect("JSON");
        let imported = from_oruk_service(&example, today()).expect("imports");
        let s = &imported.service;
        assert_eq!(s.id, "ac148810-d857-441c-9679-408f346de14b");
        assert_eq!(s.organization_id, "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610");
        assert_eq!(s.name, "Community Counselling");
        assert_eq!(s.status, ServiceStatus::Active);
        assert_eq!(s.fees_description.as_deref(), Some("fees_description"));
        assert_eq!((s.minimum_age, s.maximum_age), (Some(12), Some(100)));
        assert_eq!(
            s.last_reviewed,
            NaiveDate::from_ymd_opt(2005, 1, 1).expect("date")
        );
        assert_eq!(
            s.last_modified,
            "2023-03-15T10:30:45.123Z"
                .parse::<DateTime<Utc>>()
                .expect("time")
        );
        let schedule = &s.schedules[0];
        assert_eq!(schedule.days, vec![Weekday::Thu, Weekday::Fri]);
        assert_eq!(schedule.opens_at, NaiveTime::from_hms_opt(10, 0, 0));
        assert_eq!(schedule.closes_at, NaiveTime::from_hms_opt(18, 0, 0));
        let location = &s.locations[0].location;
        assert_eq!(location.name, "MyCity Civic Center");
        assert_eq!(location.address.region.as_deref(), Some("MyRegion"));
        assert_eq!(location.address.postal_code, "ABC 1234");
        assert_eq!(location.accessibility.len(), 1);
        assert_eq!(s.cost_options[0].amount, Some(35.0));
        assert_eq!(s.contacts[0].name, "Ann Persona");
        assert_eq!(s.funding.len(), 1);
        assert_eq!(s.service_areas.len(), 1);
        assert_eq!(s.local_offer, None);
        let org = imported.organization.as_ref().expect("organisation");
        assert_eq!(org.name, "Example Organization Inc.");
        // The attribute's term, with a taxonomy made from its free-text `taxonomy`.
        assert_eq!(
            s.terms,
            vec!["3f7b145d-84af-42d7-8fae-eaca714b02b2".to_owned()]
        );
        assert_eq!(imported.terms[0].code, "name");
        assert_eq!(
            imported.terms[0].parent_id.as_deref(),
            Some("0bc248fa-dc27-4650-9ba4-8f1a24ef16a2")
        );
        assert_eq!(imported.taxonomies[0].name, "taxonomy");
        assert_eq!(imported.terms[0].taxonomy_id, imported.taxonomies[0].id);
        // The UK profile's language has no name, so there is nothing to keep.
        assert_eq!(
            imported.left_out,
            vec!["languages/0: names no language (no name or code), so it was left out"]
        );
        // The example's coordinates (100, 101) are not on Earth: the directory's rules say so.
        let fields: Vec<_> = check_service(s).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["maximum_age", "locations"]);
    }

    #[test]
    fn a_page_of_the_standards_example_feed_is_read() {
        let example: Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/oruk-3.0/example_service_list.json"
        ))
        .expect("JSON");
        let (items, total_pages) = from_oruk_page(&example).expect("a page");
        assert_eq!(total_pages, Some(10));
        assert_eq!(items.len(), 1);
        let imported = from_oruk_service(&items[0], today()).expect("a list item is a service");
        assert_eq!(imported.service.name, "Community Counselling");
        assert!(imported.service.schedules.is_empty());
    }

    #[test]
    fn a_page_without_contents_is_refused() {
        assert_eq!(
            from_oruk_page(&json!({"total_pages": 2})),
            Err(ImportError::Missing {
                field: "contents".into()
            })
        );
        assert!(from_oruk_page(&json!({"contents": {}})).is_err());
        assert!(from_oruk_page(&json!({"contents": [], "total_pages": -1})).is_err());
        assert!(from_oruk_page(&json!("page")).is_err());
        assert_eq!(
            from_oruk_page(&json!([{"id": "x"}])),
            Ok((vec![json!({"id": "x"})], None))
        );
        let (items, pages) = from_oruk_page(&oruk::page(Vec::new(), 0, 1, 20)).expect("page");
        assert_eq!((items.len(), pages), (0, Some(0)));
    }

    #[test]
    fn what_a_service_cannot_do_without_is_named() {
        let mut document = example_full();
        document
            .as_object_mut()
            .expect("object")
            .remove("organization_id");
        assert_eq!(
            from_oruk_service(&document, today()).map(|_| ()),
            Err(ImportError::Missing {
                field: "organization_id".into()
            })
        );
        let mut document = example_full();
        document["status"] = json!("open");
        let error = from_oruk_service(&document, today()).expect_err("bad status");
        assert_eq!(
            error.to_string(),
            "status: must be active, inactive, defunct or temporarily closed"
        );
        let mut document = example_full();
        document["schedules"][0]["opens_at"] = json!("ten o'clock");
        let error = from_oruk_service(&document, today()).expect_err("bad time");
        assert_eq!(
            error.to_string(),
            "schedules/0/opens_at: must be a time like 09:30"
        );
        let mut document = example_full();
        document["service_at_locations"][0]["location"]["latitude"] = json!([52]);
        let error = from_oruk_service(&document, today()).expect_err("bad latitude");
        assert_eq!(
            error.to_string(),
            "service_at_locations/0/location/latitude: must be a number"
        );
    }

    #[test]
    fn a_sparse_feed_is_filled_in_from_today_and_notes_what_it_left_out() {
        let document = json!({
            "id": "ac148810-d857-441c-9679-408f346de14b",
            "organization_id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
            "name": "Drop-in",
            "minimum_age": 0.5,
            "maximum_age": 17.5,
            "schedules": [{"freq": "MONTHLY", "byday": "2MO", "opens_at": "09:00Z"}],
            "service_at_locations": [{"location": {"id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "location_type": "virtual"}}],
            "phones": [{"id": "1554f2e2-a373-45db-a3fa-9fc48a61c15e"}],
            "attributes": [{"id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8e", "taxonomy_term_id": "3f7b145d-84af-42d7-8fae-eaca714b02b2"}],
        });
        let imported = from_oruk_service(&document, today()).expect("imports");
        let s = &imported.service;
        assert_eq!(s.last_reviewed, today());
        assert_eq!(s.last_modified.date_naive(), today());
        assert_eq!((s.minimum_age, s.maximum_age), (Some(0), Some(18)));
        assert_eq!(s.description, "");
        assert!(s.schedules[0].days.is_empty());
        assert_eq!(
            s.schedules[0].description.as_deref(),
            Some("Repeats: MONTHLY 2MO")
        );
        assert_eq!(s.schedules[0].opens_at, NaiveTime::from_hms_opt(9, 0, 0));
        assert!(s.locations.is_empty());
        assert!(s.phones.is_empty());
        assert_eq!(
            s.terms,
            vec!["3f7b145d-84af-42d7-8fae-eaca714b02b2".to_owned()]
        );
        assert!(imported.terms.is_empty());
        assert_eq!(
            imported.left_out,
            vec![
                "phones/0: has no number, so it was left out",
                "schedules/0: the rule MONTHLY 2MO is kept as words only, not as days of the week",
                "service_at_locations/0: the location has no latitude and longitude, so it was left out",
            ]
        );
    }

    #[test]
    fn times_are_read_with_or_without_seconds_and_zones() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(time_of_day("09:30"), t(9, 30));
        assert_eq!(time_of_day("09:30:00"), t(9, 30));
        assert_eq!(time_of_day("09:30Z"), t(9, 30));
        assert_eq!(time_of_day("09:30-05:00"), t(9, 30));
        assert_eq!(time_of_day("09:30:00+01:00"), t(9, 30));
        assert_eq!(time_of_day("9.30am"), None);
        assert_eq!(time_of_day("25:00"), None);
    }

    #[test]
    fn days_are_read_in_any_common_spelling() {
        for text in ["MO", "mon", "Monday", "mo"] {
            assert_eq!(weekday(text), Some(Weekday::Mon), "{text}");
        }
        assert_eq!(weekday("Tues"), Some(Weekday::Tue));
        assert_eq!(weekday("Thurs"), Some(Weekday::Thu));
        assert_eq!(weekday("Moon"), None);
        assert_eq!(weekday("M"), None);
        assert_eq!(weekday("Funday"), None);
    }

    #[test]
    fn a_good_spreadsheet_is_imported() {
        let file = include_str!("../../tests/fixtures/directory_import_good.csv");
        let imported = from_csv(file.as_bytes(), today()).expect("imports");
        assert_eq!(imported.len(), 3);

        let splash = &imported[0].service;
        let example = example_service();
        assert_eq!(splash.id, example.id);
        assert_eq!(splash.name, example.name);
        assert_eq!(splash.terms, example.terms);
        assert_eq!(
            splash.local_offer.as_ref().map(|a| a.contact.as_str()),
            Some("Sam Reed")
        );
        assert_eq!(
            splash.local_offer.as_ref().map(|a| a.funding.as_str()),
            Some("Norfolk County Council")
        );
        assert_eq!(splash.schedules[0].days, vec![Weekday::Sat]);
        assert_eq!(
            splash.schedules[0].closes_at,
            NaiveTime::from_hms_opt(11, 30, 0)
        );
        assert!(splash.is_free());
        let place = &splash.locations[0].location;
        assert_eq!(place.address.postal_code, "NR1 1WX");
        assert_eq!(place.latitude, 52.6237);
        assert_eq!(
            splash.last_reviewed,
            NaiveDate::from_ymd_opt(2026, 9, 1).expect("date")
        );
        assert_eq!(splash.last_modified.date_naive(), today());
        assert_eq!(
            imported[0].organization.as_ref().map(|o| o.name.as_str()),
            Some("Splash Swimming Trust")
        );

        let coffee = &imported[1].service;
        assert!(is_uuid(&coffee.id));
        assert_eq!(coffee.local_offer, None);
        assert_eq!(coffee.schedules[0].days, vec![Weekday::Mon, Weekday::Wed]);
        assert_eq!(coffee.cost_options[0].amount, Some(2.5));
        assert_eq!(
            coffee.cost_options[0].amount_description.as_deref(),
            Some("£2.50 per session")
        );
        assert!(!coffee.is_free());
        assert_eq!(coffee.terms.len(), 5);
        assert_eq!(
            coffee.last_reviewed,
            NaiveDate::from_ymd_opt(2026, 8, 1).expect("date")
        );

        let advice = &imported[2].service;
        assert_eq!(
            advice.fees_description.as_deref(),
            Some("Donations welcome")
        );
        assert!(advice.cost_options.is_empty());
        assert!(!advice.is_free());
        assert_eq!(advice.last_reviewed, today());
        // One organisation for the two rows that name it.
        assert_eq!(coffee.organization_id, advice.organization_id);
        assert_ne!(coffee.organization_id, splash.organization_id);
    }

    #[test]
    fn ids_made_for_rows_without_one_are_the_same_on_every_import() {
        let file = include_str!("../../tests/fixtures/directory_import_good.csv");
        let ids = |text: &str| -> Vec<String> {
            from_csv(text.as_bytes(), today())
                .expect("imports")
                .into_iter()
                .map(|i| i.service.id)
                .collect()
        };
        assert_eq!(ids(file), ids(file));
        // Case and spacing in the organisation and name do not make a different service.
        let respelt = file.replace(
            "Norfolk Parent Forum,SEND advice line",
            "norfolk  parent forum,Send Advice Line",
        );
        assert_eq!(ids(file), ids(&respelt));
    }

    #[test]
    fn an_imported_spreadsheet_is_valid_oruk() {
        let file = include_str!("../../tests/fixtures/directory_import_good.csv");
        for imported in from_csv(file.as_bytes(), today()).expect("imports") {
            let document = oruk::service_full(
                &imported.service,
                imported.organization.as_ref(),
                &taxonomy::builtin_terms(),
                &taxonomy::builtin_taxonomies(),
            );
            assert_eq!(
                schema_errors(&schema("service"), &document),
                Vec::<String>::new()
            );
            assert_eq!(oruk::empty_fields(&document), Vec::<String>::new());
        }
    }

    #[test]
    fn a_spreadsheet_with_two_bad_rows_is_refused_naming_every_problem() {
        let file = include_str!("../../tests/fixtures/directory_import_bad.csv");
        let error = from_csv(file.as_bytes(), today()).expect_err("refused");
        let needs: Vec<String> = taxonomy::builtin_terms()
            .into_iter()
            .filter(|t| t.taxonomy_id == NEEDS_TAXONOMY)
            .map(|t| t.code)
            .collect();
        assert_eq!(
            rows(error.clone()),
            vec![
                "line 3, column maximum_age: must be a whole number from 0 to 25".to_owned(),
                format!("line 3, column needs: \"autsim\" is not a need code; the codes are {}", needs.join(", ")),
                "line 5, column email: Enter an email address in the correct format, like name@example.com".to_owned(),
                "line 5, column closes_at: The closing time must be after the opening time".to_owned(),
            ]
        );
        assert!(error.to_string().starts_with(
            "the file was not imported; put these right and try again:\nline 3, column maximum_age:"
        ));
    }

    #[test]
    fn columns_are_found_by_name_not_position() {
        let file = "description,name,organization,maximum_age\nA chat.,Coffee mornings,Norfolk Parent Forum,12\n";
        let imported = from_csv(file.as_bytes(), today()).expect("imports");
        assert_eq!(imported[0].service.name, "Coffee mornings");
        assert_eq!(imported[0].service.maximum_age, Some(12));
        assert_eq!(
            imported[0].organization.as_ref().map(|o| o.name.as_str()),
            Some("Norfolk Parent Forum")
        );
    }

    #[test]
    fn an_unknown_or_missing_column_is_named() {
        let file = "organisation,name,maximum age,maxium_age\nA,B,1,2\n";
        assert_eq!(
            rows(from_csv(file.as_bytes(), today()).expect_err("refused"))
                .iter()
                .map(|p| p.split(':').next().unwrap_or_default().to_owned())
                .collect::<Vec<_>>(),
            vec!["line 1, column maxium_age", "line 1, column description"]
        );
    }

    #[test]
    fn a_repeated_service_is_refused() {
        let file =
            "organisation,name,description\nForum,Coffee,A chat.\nforum,coffee ,Another chat.\n";
        assert_eq!(
            rows(from_csv(file.as_bytes(), today()).expect_err("refused")),
            vec![
                "line 3, column name: is the same service as line 2 (the same id, or the same organisation and name)"
            ]
        );
    }

    #[test]
    fn row_problems_are_counted_beyond_the_limit() {
        let mut file = String::from("organisation,name,description,maximum_age\n");
        for n in 0..(MAX_ROW_PROBLEMS + 7) {
            file.push_str(&format!("Forum,Club {n},A club.,99\n"));
        }
        match from_csv(file.as_bytes(), today()) {
            Err(ImportError::Rows { problems, more }) => {
                assert_eq!(problems.len(), MAX_ROW_PROBLEMS);
                assert_eq!(more, 7);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn excel_files_with_a_byte_order_mark_and_crlf_are_read() {
        let file = "\u{feff}organisation,name,description\r\nForum,Coffee,A chat.\r\n\r\n";
        let imported = from_csv(file.as_bytes(), today()).expect("imports");
        assert_eq!(imported.len(), 1);
        assert_eq!(imported[0].service.description, "A chat.");
    }

    #[test]
    fn a_row_that_is_not_utf8_is_named() {
        let mut file = b"organisation,name,description\nForum,Coffee,A chat.\nForum,Caf".to_vec();
        file.extend([0xe9, b',', b'A', b'\n']);
        assert_eq!(
            rows(from_csv(file.as_slice(), today()).expect_err("refused")),
            vec!["line 3: is not UTF-8 text; save the spreadsheet as \"CSV UTF-8\" and try again"]
        );
    }

    #[test]
    fn a_location_needs_its_address_and_coordinates() {
        let file = "organisation,name,description,location_name,postcode,latitude\nForum,Coffee,A chat.,Library,NR2,91\n";
        assert_eq!(
            rows(from_csv(file.as_bytes(), today()).expect_err("refused")),
            vec![
                "line 2, column address_1: enter the first line of the address",
                "line 2, column city: enter the town or city",
                "line 2, column postcode: Postcode should have 5 to 7 letters and numbers, like NR2 1AB, but this one has 3",
                "line 2, column latitude: must be a number from -90 to 90, like 52.6286",
                "line 2, column longitude: enter the longitude of the location, like 1.2924",
            ]
        );
    }

    #[test]
    fn local_offer_answers_need_local_offer_yes() {
        let file = "organisation,name,description,local_offer,who_for\nForum,Coffee,A chat.,,Parents\nForum,Tea,A chat.,maybe,\n";
        assert_eq!(
            rows(from_csv(file.as_bytes(), today()).expect_err("refused")),
            vec![
                "line 2, column who_for: is a Local Offer answer: put yes in local_offer, or leave this empty",
                "line 3, column local_offer: must be yes or no",
            ]
        );
    }

    #[test]
    fn costs_in_words_are_understood() {
        let cost = |text: &str| {
            let file =
                format!("organisation,name,description,cost\nForum,Coffee,A chat.,\"{text}\"\n");
            let s = from_csv(file.as_bytes(), today())
                .expect("imports")
                .remove(0)
                .service;
            (
                s.cost_options.first().and_then(|c| c.amount),
                s.fees_description.clone(),
                s.is_free(),
            )
        };
        assert_eq!(cost("Free"), (Some(0.0), None, true));
        assert_eq!(cost("0"), (Some(0.0), None, true));
        assert_eq!(cost("£0.00"), (Some(0.0), None, true));
        assert_eq!(cost("3.50"), (Some(3.5), None, false));
        assert_eq!(cost("£4 a session"), (Some(4.0), None, false));
        assert_eq!(cost("Varies"), (None, Some("Varies".into()), false));
    }

    #[test]
    fn a_file_with_only_column_names_imports_nothing() {
        assert_eq!(
            from_csv("organisation,name,description\n".as_bytes(), today()),
            Ok(Vec::new())
        );
        assert!(from_csv("".as_bytes(), today()).is_err());
    }

    /// The JSON pointer of every value in `value`, itself included.
    fn every_pointer(value: &Value, pointer: String, found: &mut Vec<String>) {
        match value {
            Value::Object(fields) => {
                for (key, child) in fields {
                    every_pointer(child, format!("{pointer}/{key}"), found);
                }
            }
            Value::Array(items) => {
                for (n, child) in items.iter().enumerate() {
                    every_pointer(child, format!("{pointer}/{n}"), found);
                }
            }
            _ => {}
        }
        found.push(pointer);
    }

    proptest! {
        #[test]
        fn from_csv_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = from_csv(bytes.as_slice(), today());
        }

        #[test]
        fn from_csv_never_panics_on_rows_of_any_text(
            cells in proptest::collection::vec(proptest::collection::vec(".{0,12}", 0..12), 0..6)
        ) {
            let mut file = CSV_COLUMNS[..11].join(",");
            for row in cells {
                file.push('\n');
                file.push_str(&row.join(","));
            }
            let _ = from_csv(file.as_bytes(), today());
        }

        #[test]
        fn from_oruk_service_never_panics_when_any_field_is_wrong(
            which in 0usize..1000,
            replacement in prop_oneof![
                Just(Value::Null),
                Just(json!(-1)),
                Just(json!(1e300)),
                Just(json!(0.5)),
                Just(json!("")),
                Just(json!("MO,2XX,-1FR")),
                Just(json!("24:61")),
                Just(json!(["x"])),
                Just(json!({})),
                Just(json!(true)),
            ],
        ) {
            let mut document = example_full();
            let mut pointers = Vec::new();
            every_pointer(&document, String::new(), &mut pointers);
            let pointer = &pointers[which % pointers.len()];
            if let Some(slot) = document.pointer_mut(pointer) {
                *slot = replacement;
            }
            let _ = from_oruk_service(&document, today());
        }

        #[test]
        fn from_oruk_service_never_panics_on_any_json(text in "\\PC{0,200}") {
            if let Ok(value) = serde_json::from_str::<Value>(&text) {
                let _ = from_oruk_service(&value, today());
                let _ = from_oruk_page(&value);
            }
        }
    }
}
