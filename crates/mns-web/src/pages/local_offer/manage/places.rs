//! The edit form's places and opening times: every place and every schedule of the entry, each
//! a group of fields numbered from 0 (`place-0-postal_code`, `times-1-opens_at`), and one blank
//! group after them to add another. A group is taken off only by ticking Remove. A group posted
//! as it was shown is kept exactly as stored, whatever the form does not show (an imported
//! place's exact position, a foreign address, a schedule's validity dates), and is not checked
//! again; only a group the user changed is read back and checked.

use super::WEEKDAYS;
use crate::AppState;
use crate::form::Fields;
use crate::pages::local_offer::Choice;
use mns_app::{AppError, FieldError};
use mns_domain::directory::search::{parse_time, schedule_days};
use mns_domain::directory::{
    Accessibility, Address, Location, Schedule, Service, ServiceAtLocation,
};

/// One place as the form shows and posts it.
#[derive(Debug, Default, Clone)]
pub struct PlaceValues {
    /// Its position in the form.
    pub n: usize,
    /// The service-at-location id; blank for the group that adds a place.
    pub id: String,
    pub name: String,
    pub address_1: String,
    pub city: String,
    pub postal_code: String,
    pub accessibility: String,
    pub remove: bool,
}

impl PlaceValues {
    /// The form name of one of its fields (`place-2-city`).
    pub fn key(&self, field: &str) -> String {
        format!("place-{}-{field}", self.n)
    }

    fn is_blank(&self) -> bool {
        [&self.name, &self.address_1, &self.city, &self.postal_code]
            .iter()
            .all(|t| t.trim().is_empty())
    }
}

/// One schedule as the form shows and posts it.
#[derive(Debug, Default, Clone)]
pub struct TimesValues {
    pub n: usize,
    /// The schedule's id; blank for the group that adds opening times.
    pub id: String,
    /// The days ticked, as `mon`, `tue`…
    pub days: Vec<String>,
    pub opens_at: String,
    pub closes_at: String,
    pub description: String,
    pub remove: bool,
    /// What a monthly rule from another directory says ("The second Monday of the month"),
    /// which the form keeps as it is.
    pub rule: String,
}

impl TimesValues {
    /// The form name of one of its fields (`times-0-opens_at`).
    pub fn key(&self, field: &str) -> String {
        format!("times-{}-{field}", self.n)
    }

    /// The days of the week as checkboxes.
    pub fn day_choices(&self) -> Vec<Choice> {
        WEEKDAYS
            .iter()
            .map(|(_, code, label)| Choice {
                value: (*code).into(),
                label: (*label).into(),
                hint: String::new(),
                checked: self.days.iter().any(|d| d == code),
            })
            .collect()
    }

    fn is_blank(&self) -> bool {
        self.days.is_empty()
            && [&self.opens_at, &self.closes_at, &self.description]
                .iter()
                .all(|t| t.trim().is_empty())
    }
}

fn clock(time: Option<chrono::NaiveTime>) -> String {
    time.map(|t| t.format("%H:%M").to_string())
        .unwrap_or_default()
}

/// The entry's places, then a blank one to add.
pub fn places_of(service: &Service) -> Vec<PlaceValues> {
    let mut places: Vec<PlaceValues> = service
        .locations
        .iter()
        .enumerate()
        .map(|(n, sal)| place_values(n, sal))
        .collect();
    places.push(PlaceValues {
        n: places.len(),
        ..PlaceValues::default()
    });
    places
}

fn place_values(n: usize, sal: &ServiceAtLocation) -> PlaceValues {
    let l = &sal.location;
    PlaceValues {
        n,
        id: sal.id.clone(),
        name: l.name.clone(),
        address_1: l.address.address_1.clone(),
        city: l.address.city.clone(),
        postal_code: l.address.postal_code.clone(),
        accessibility: l
            .accessibility
            .iter()
            .map(|a| a.description.clone())
            .collect::<Vec<_>>()
            .join(", "),
        remove: false,
    }
}

/// Whether a posted place is what the form showed for it.
fn same_place(posted: &PlaceValues, shown: &PlaceValues) -> bool {
    [
        (&posted.name, &shown.name),
        (&posted.address_1, &shown.address_1),
        (&posted.city, &shown.city),
        (&posted.postal_code, &shown.postal_code),
        (&posted.accessibility, &shown.accessibility),
    ]
    .iter()
    .all(|(a, b)| a.trim() == b.trim())
}

/// The entry's schedules, then a blank one to add.
pub fn times_of(service: &Service) -> Vec<TimesValues> {
    let mut times: Vec<TimesValues> = service
        .schedules
        .iter()
        .enumerate()
        .map(|(n, s)| times_values(n, s))
        .collect();
    times.push(TimesValues {
        n: times.len(),
        ..TimesValues::default()
    });
    times
}

fn times_values(n: usize, s: &Schedule) -> TimesValues {
    TimesValues {
        n,
        id: s.id.clone(),
        days: WEEKDAYS
            .iter()
            .filter(|(d, _, _)| s.days.contains(d))
            .map(|(_, code, _)| (*code).to_string())
            .collect(),
        opens_at: clock(s.opens_at),
        closes_at: clock(s.closes_at),
        description: s.description.clone().unwrap_or_default(),
        remove: false,
        rule: if s.monthly || s.interval.is_some_and(|i| i > 1) {
            schedule_days(s)
        } else {
            String::new()
        },
    }
}

/// Whether two groups have the same days ticked, in any order.
fn same_days(posted: &TimesValues, shown: &TimesValues) -> bool {
    let mut a = posted.days.clone();
    let mut b = shown.days.clone();
    a.sort();
    b.sort();
    a == b
}

/// Whether posted opening times are what the form showed for them.
fn same_times(posted: &TimesValues, shown: &TimesValues) -> bool {
    same_days(posted, shown)
        && [
            (&posted.opens_at, &shown.opens_at),
            (&posted.closes_at, &shown.closes_at),
            (&posted.description, &shown.description),
        ]
        .iter()
        .all(|(x, y)| x.trim() == y.trim())
}

/// The places as posted: `places` groups, numbered from 0.
pub fn read_places(fields: &Fields) -> Vec<PlaceValues> {
    let count: usize = fields.trimmed("places").parse().unwrap_or(0).min(100);
    (0..count)
        .map(|n| {
            let get = |f: &str| fields.trimmed(&format!("place-{n}-{f}"));
            PlaceValues {
                n,
                id: get("id"),
                name: get("name"),
                address_1: get("address_1"),
                city: get("city"),
                postal_code: get("postal_code"),
                accessibility: get("accessibility"),
                remove: get("remove") == "yes",
            }
        })
        .collect()
}

/// The opening times as posted: `times` groups, numbered from 0.
pub fn read_times(fields: &Fields) -> Vec<TimesValues> {
    let count: usize = fields.trimmed("times").parse().unwrap_or(0).min(100);
    (0..count)
        .map(|n| {
            let get = |f: &str| fields.trimmed(&format!("times-{n}-{f}"));
            TimesValues {
                n,
                id: get("id"),
                days: fields
                    .list(&format!("times-{n}-day"))
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                opens_at: get("opens_at"),
                closes_at: get("closes_at"),
                description: get("description"),
                remove: get("remove") == "yes",
                rule: String::new(),
            }
        })
        .collect()
}

/// Puts the posted places on the service: each existing place kept as stored when posted as
/// shown, updated in place when changed (its ids kept, and its position unless the postcode
/// changed), removed when ticked; a filled new group is added. A place the form did not post is
/// kept as it was.
pub async fn apply_places(
    state: &AppState,
    s: &mut Service,
    posted: &[PlaceValues],
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    let before = std::mem::take(&mut s.locations);
    let mut kept = Vec::new();
    for old in &before {
        let Some(p) = posted.iter().find(|p| p.id == old.id) else {
            kept.push(old.clone());
            continue;
        };
        if p.remove {
            continue;
        }
        let mut sal = old.clone();
        if same_place(p, &place_values(p.n, old)) {
            kept.push(sal);
            continue;
        }
        if let Some(point) = checked_place(state, p, errors).await? {
            let l = &mut sal.location;
            // The same postcode however it was written (an imported "nr21ab") is no move.
            let before = mns_domain::identifiers::Postcode::parse(&l.address.postal_code)
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|_| l.address.postal_code.clone());
            let moved = before != point.1;
            l.name = p.name.trim().into();
            l.address.address_1 = p.address_1.trim().into();
            l.address.city = p.city.trim().into();
            l.address.postal_code = point.1;
            l.accessibility = accessibility(&p.accessibility, &l.accessibility);
            // A new postcode moves the place to its centroid; an unchanged one keeps the more
            // exact position already known.
            if moved {
                l.latitude = point.0.latitude;
                l.longitude = point.0.longitude;
            }
        }
        kept.push(sal);
    }
    for p in posted.iter().filter(|p| p.id.is_empty() && !p.is_blank()) {
        if let Some((point, postcode)) = checked_place(state, p, errors).await? {
            kept.push(ServiceAtLocation {
                id: mns_app::records::new_id(),
                location: Location {
                    id: mns_app::records::new_id(),
                    name: p.name.trim().into(),
                    latitude: point.latitude,
                    longitude: point.longitude,
                    address: Address {
                        id: mns_app::records::new_id(),
                        address_1: p.address_1.trim().into(),
                        city: p.city.trim().into(),
                        postal_code: postcode,
                        ..Address::default()
                    },
                    accessibility: accessibility(&p.accessibility, &[]),
                    ..Location::default()
                },
            });
        }
    }
    s.locations = kept;
    Ok(())
}

/// A place's fields checked: all four given, and a postcode the directory can place. Returns
/// its centroid and the postcode as written properly.
async fn checked_place(
    state: &AppState,
    p: &PlaceValues,
    errors: &mut Vec<FieldError>,
) -> Result<Option<(mns_domain::directory::search::Point, String)>, AppError> {
    let mut missing = false;
    for (field, text, label) in [
        ("name", &p.name, "the place's name"),
        ("address_1", &p.address_1, "the first line of the address"),
        ("city", &p.city, "the town"),
        ("postal_code", &p.postal_code, "the postcode"),
    ] {
        if text.trim().is_empty() {
            errors.push(FieldError::new(
                &p.key(field),
                format!("Enter {label}, or tick Remove to take the place off"),
            ));
            missing = true;
        }
    }
    if missing {
        return Ok(None);
    }
    let Ok(postcode) = mns_domain::identifiers::Postcode::parse(&p.postal_code) else {
        errors.push(FieldError::new(
            &p.key("postal_code"),
            "Enter a full postcode, like NR2 1AB",
        ));
        return Ok(None);
    };
    let postcode = postcode.as_str().to_string();
    match state.app.locate_postcode(&postcode).await? {
        Some((point, _)) => Ok(Some((point, postcode))),
        None => {
            errors.push(FieldError::new(
                &p.key("postal_code"),
                "We do not know that postcode: check it, or ask the council to load the latest postcode file",
            ));
            Ok(None)
        }
    }
}

/// Access features from the form's comma-separated text, keeping the ids (and details) of
/// those that were there already.
fn accessibility(text: &str, before: &[Accessibility]) -> Vec<Accessibility> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            before
                .iter()
                .find(|b| b.description.eq_ignore_ascii_case(a))
                .cloned()
                .unwrap_or_else(|| Accessibility {
                    id: mns_app::records::new_id(),
                    description: a.to_string(),
                    ..Accessibility::default()
                })
        })
        .collect()
}

/// Puts the posted opening times on the service, as [`apply_places`] does places. A monthly
/// rule from another directory keeps its rule; its times and words can be edited, and its days
/// only by removing it and adding new times.
pub fn apply_times(s: &mut Service, posted: &[TimesValues], errors: &mut Vec<FieldError>) {
    let before = std::mem::take(&mut s.schedules);
    let mut kept = Vec::new();
    for old in &before {
        let Some(t) = posted.iter().find(|t| t.id == old.id) else {
            kept.push(old.clone());
            continue;
        };
        if t.remove {
            continue;
        }
        let shown = times_values(t.n, old);
        let mut schedule = old.clone();
        if !same_times(t, &shown) {
            read_into(&mut schedule, t, errors);
            if old.byday.is_some() && !same_days(t, &shown) {
                errors.push(FieldError::new(
                    &t.key("day"),
                    format!(
                        "These times repeat monthly ({}); to change their days, tick Remove and add new times",
                        shown.rule
                    ),
                ));
            }
        }
        kept.push(schedule);
    }
    for t in posted.iter().filter(|t| t.id.is_empty() && !t.is_blank()) {
        let mut schedule = Schedule {
            id: mns_app::records::new_id(),
            ..Schedule::default()
        };
        read_into(&mut schedule, t, errors);
        kept.push(schedule);
    }
    s.schedules = kept;
}

fn read_into(schedule: &mut Schedule, t: &TimesValues, errors: &mut Vec<FieldError>) {
    let mut time = |field: &str, text: &str| {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = parse_time(text);
        if parsed.is_none() {
            errors.push(FieldError::new(
                &t.key(field),
                "Enter a time like 09:30 or 17:00",
            ));
        }
        parsed
    };
    schedule.opens_at = time("opens_at", &t.opens_at);
    schedule.closes_at = time("closes_at", &t.closes_at);
    schedule.days = WEEKDAYS
        .iter()
        .filter(|(_, code, _)| t.days.iter().any(|d| d == code))
        .map(|(d, _, _)| *d)
        .collect();
    let description = t.description.trim();
    schedule.description = (!description.is_empty()).then(|| description.to_string());
    if schedule.days.is_empty() && !schedule.monthly && schedule.bymonthday.is_none() {
        errors.push(FieldError::new(
            &t.key("day"),
            "Choose the days it runs, or tick Remove to take these times off",
        ));
    }
    if let (Some(o), Some(c)) = (schedule.opens_at, schedule.closes_at)
        && o >= c
    {
        errors.push(FieldError::new(
            &t.key("closes_at"),
            "The closing time must be after the opening time",
        ));
    }
}
