//! Reading services from another directory's Open Referral UK 3.0 feed.

use super::*;

use chrono::{NaiveDate, NaiveTime};
use serde_json::{Map, Value};

use crate::directory::model::{
    Accessibility, Address, COUNTRY, Contact, CostOption, Funding, Language, LocalOfferAnswers,
    Location, Organization, OrganizationIdentifier, Phone, Schedule, Service, ServiceArea,
    ServiceAtLocation, ServiceStatus, Taxonomy, TaxonomyTerm,
};
use crate::directory::oruk::{LOCAL_OFFER_FIELD, stable_uuid};

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
        assurer_email: root.text("assurer_email")?,
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
    let summary_only = !super::PART_KEYS
        .iter()
        .any(|key| root.fields.contains_key(*key));
    Ok(ImportedService {
        service,
        organization,
        terms: links.terms,
        taxonomies: links.taxonomies,
        left_out,
        summary_only,
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

    /// A date like 2026-09-01 (a date and time is taken as its day).
    fn day(&self, key: &str) -> Result<Option<NaiveDate>, ImportError> {
        self.text(key)?
            .map(|text| {
                date(&text).ok_or_else(|| self.invalid(key, "must be a date like 2026-09-01"))
            })
            .transpose()
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
        description: node.text("description")?.unwrap_or_default(),
        email: node.text("email")?,
        website: node.text("website")?,
        logo: node.text("logo")?,
        uri: node.text("uri")?,
        parent_organization_id: node.text("parent_organization_id")?,
        identifiers: kept(
            node.list("organization_identifiers")?,
            &id,
            left_out,
            identifier_from,
        )?,
        id,
        name,
    }))
}

fn identifier_from(
    node: &Node<'_>,
    organization_id: &str,
) -> Result<Part<OrganizationIdentifier>, ImportError> {
    let (Some(identifier_type), Some(identifier)) =
        (node.text("identifier_type")?, node.text("identifier")?)
    else {
        return Ok(Part::LeftOut(
            "needs both identifier_type and identifier, so it was left out".into(),
        ));
    };
    Ok(Part::Kept(OrganizationIdentifier {
        id: node.id_or(&format!("organization identifier {organization_id}"))?,
        identifier_scheme: node.text("identifier_scheme")?,
        identifier_type,
        identifier,
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
                code: match term.text("term")? {
                    Some(code) => code,
                    // HSDS 3.0 calls it `code`.
                    None => term.text("code")?.unwrap_or_else(|| slug(&name)),
                },
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

fn contact_from(node: &Node<'_>, service_id: &str) -> Result<Part<Contact>, ImportError> {
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
        id: node.id_or(&format!("contact {service_id}"))?,
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

fn phone_from(node: &Node<'_>, service_id: &str) -> Result<Part<Phone>, ImportError> {
    let Some(number) = node.text("number")? else {
        return Ok(Part::LeftOut("has no number, so it was left out".into()));
    };
    Ok(Part::Kept(Phone {
        id: node.id_or(&format!("phone {service_id}"))?,
        number,
        description: node.text("description")?,
    }))
}

fn schedule_from(node: &Node<'_>, service_id: &str) -> Result<Part<Schedule>, ImportError> {
    let freq = node.text("freq")?.map(|f| f.to_ascii_uppercase());
    let byday = node
        .text("byday")?
        .map(|b| b.to_ascii_uppercase().replace(char::is_whitespace, ""));
    let mut description = node.text("description")?;
    let opens_at = clock(node, "opens_at")?;
    let closes_at = clock(node, "closes_at")?;
    let id = node.id_or(&format!("schedule {service_id}"))?;
    let interval = match node.number("interval")? {
        None => None,
        Some(n) if n.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(&n) => Some(n as u32),
        Some(_) => return Err(node.invalid("interval", "must be a whole number, 1 or more")),
    };
    let mut schedule = Schedule {
        id,
        days: Vec::new(),
        opens_at,
        closes_at,
        description: None,
        monthly: freq.as_deref() == Some("MONTHLY"),
        byday: None,
        bymonthday: node.text("bymonthday")?,
        interval,
        dtstart: node.day("dtstart")?,
        valid_from: node.day("valid_from")?,
        valid_to: node.day("valid_to")?,
        schedule_link: node.text("schedule_link")?,
        attending_type: node.text("attending_type")?,
        notes: node.text("notes")?,
    };
    if freq
        .as_deref()
        .is_some_and(|f| f != "WEEKLY" && f != "MONTHLY")
    {
        let rule = format!(
            "{} {}",
            freq.as_deref().unwrap_or_default(),
            byday.as_deref().unwrap_or_default()
        );
        let rule = rule.trim().to_owned();
        if description.is_none() {
            description = Some(format!("Repeats: {rule}"));
        }
        schedule.description = description;
        // Every n days or years is not every n weeks: the words carry the rule.
        schedule.interval = None;
        return Ok(Part::KeptWithNote(
            schedule,
            format!("the rule {rule} is kept as words only, not as days of the week"),
        ));
    }
    let mut days = Vec::new();
    for code in byday.iter().flat_map(|b| b.split(',')) {
        // Occurrence prefixes ("2MO") belong to monthly rules: the day itself is kept for
        // searching by day, and the whole rule beside it.
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
    // The rule is kept only where it says more than the days: a monthly one with ordinals
    // ("2MO" for the second Monday), each code written as iCalendar writes it.
    schedule.byday = byday
        .filter(|_| schedule.monthly)
        .map(|b| {
            b.split(',')
                .filter_map(|code| {
                    let code = code.trim();
                    let at = code
                        .find(|c: char| c.is_ascii_alphabetic())
                        .unwrap_or(code.len());
                    let day = weekday(&code[at..])?;
                    Some(format!(
                        "{}{}",
                        code[..at].trim_start_matches('+'),
                        crate::directory::oruk::byday_code(day)
                    ))
                })
                .collect::<Vec<_>>()
        })
        .filter(|codes| codes.iter().any(|c| c.len() > 2))
        .map(|codes| codes.join(","));
    schedule.days = days;
    schedule.description = description;
    Ok(Part::Kept(schedule))
}

fn clock(node: &Node<'_>, key: &str) -> Result<Option<NaiveTime>, ImportError> {
    node.text(key)?
        .map(|text| {
            time_of_day(&text).ok_or_else(|| node.invalid(key, "must be a time like 09:30"))
        })
        .transpose()
}

fn cost_from(node: &Node<'_>, service_id: &str) -> Result<Part<CostOption>, ImportError> {
    Ok(Part::Kept(CostOption {
        id: node.id_or(&format!("cost option {service_id}"))?,
        option: node.text("option")?,
        amount: node.number("amount")?,
        amount_description: node.text("amount_description")?,
        valid_from: node.day("valid_from")?,
        valid_to: node.day("valid_to")?,
    }))
}

/// The UK profile's language has only ids: a name or code comes from HSDS 3.0's fields, which
/// the directory's own feed writes.
fn language_from(node: &Node<'_>, service_id: &str) -> Result<Part<Language>, ImportError> {
    let code = node.text("code")?;
    let Some(name) = node.text("name")?.or_else(|| code.clone()) else {
        return Ok(Part::LeftOut(
            "names no language (no name or code), so it was left out".into(),
        ));
    };
    Ok(Part::Kept(Language {
        id: node.id_or(&format!("language {service_id}"))?,
        name,
        code,
    }))
}

fn area_from(node: &Node<'_>, service_id: &str) -> Result<Part<ServiceArea>, ImportError> {
    let text = node.text("service_area")?;
    let Some(name) = node.text("name")?.or_else(|| text.clone()) else {
        return Ok(Part::LeftOut("has no name, so it was left out".into()));
    };
    Ok(Part::Kept(ServiceArea {
        id: node.id_or(&format!("service area {service_id}"))?,
        description: text.filter(|t| *t != name),
        name,
        extent: node.text("extent")?,
        extent_type: node.text("extent_type")?,
        uri: node.text("uri")?,
    }))
}

fn funding_from(node: &Node<'_>, service_id: &str) -> Result<Part<Funding>, ImportError> {
    let Some(source) = node.text("source")? else {
        return Ok(Part::LeftOut("has no source, so it was left out".into()));
    };
    Ok(Part::Kept(Funding {
        id: node.id_or(&format!("funding {service_id}"))?,
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
    if !((-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude)) {
        return Ok(Part::LeftOut(format!(
            "the location's latitude and longitude ({latitude}, {longitude}) are not on Earth, \
             so it was left out"
        )));
    }
    let mut addresses = Vec::new();
    for address in place.list("addresses")? {
        addresses.push(address_from(&address, &location_id)?);
    }
    // The place's own address first; the rest (where to send post, say) are kept beside it.
    let main = addresses
        .iter()
        .position(|a| a.address_type.is_none())
        .unwrap_or(0);
    let address = if addresses.is_empty() {
        Address {
            id: stable_uuid(&format!("address {location_id}")),
            ..Address::default()
        }
    } else {
        addresses.remove(main)
    };
    let mut notes = Vec::new();
    // A further address without a first line, town and postcode is no address ORUK can carry
    // (they are required): it is left out, and said so.
    let before = addresses.len();
    addresses
        .retain(|a| !(a.address_1.is_empty() || a.city.is_empty() || a.postal_code.is_empty()));
    if addresses.len() < before {
        notes.push(format!(
            "{} of its further addresses had no first line, town or postcode, so were left out",
            before - addresses.len()
        ));
    }
    let accessibility = kept(
        place.list("accessibility")?,
        service_id,
        &mut notes,
        accessibility_from,
    )?;
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
            more_addresses: addresses,
            external_identifier: place.text("external_identifier")?,
            external_identifier_type: place.text("external_identifier_type")?,
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
fn address_from(node: &Node<'_>, location_id: &str) -> Result<Address, ImportError> {
    let city = node.text("city")?.unwrap_or_default();
    let region = match node.text("region")? {
        Some(region) => Some(region),
        None => node.text("state_province")?.filter(|s| *s != city),
    };
    // A second county-like field is kept only when it says something the region does not.
    let state_province = node
        .text("state_province")?
        .filter(|s| *s != city && region.as_ref() != Some(s));
    let address_type = match node.text("address_type")?.map(|t| t.to_ascii_lowercase()) {
        None => None,
        Some(t) if t == "physical" => None,
        Some(t) if t == "postal" || t == "virtual" => Some(t),
        Some(_) => {
            return Err(node.invalid("address_type", "must be physical, postal or virtual"));
        }
    };
    Ok(Address {
        id: node.id_or(&format!("address {location_id}"))?,
        address_1: node.text("address_1")?.unwrap_or_default(),
        address_2: node.text("address_2")?,
        city,
        region,
        postal_code: node.text("postal_code")?.unwrap_or_default(),
        attention: node.text("attention")?,
        state_province,
        // ISO 3166 codes only ("United Kingdom" is not one): anything else is taken as here.
        country: node
            .text("country")?
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
            .filter(|c| c != COUNTRY && c != "UK"),
        address_type,
    })
}

fn accessibility_from(
    node: &Node<'_>,
    service_id: &str,
) -> Result<Part<Accessibility>, ImportError> {
    let Some(description) = node.text("description")?.or(node.text("accessibility")?) else {
        return Ok(Part::LeftOut("has no description".into()));
    };
    Ok(Part::Kept(Accessibility {
        id: node.id_or(&format!("accessibility {service_id}"))?,
        description,
        details: node.text("details")?,
        url: node.text("url")?,
    }))
}
