//! A realistic, made-up Norfolk SEND Local Offer directory, for demonstrations, load tests and
//! search tuning. Generation is pure and deterministic: the same size, seed and day always give
//! the same organisations and services, with the same ids.
//!
//! Everything is invented but plausible: Norfolk towns with their postcode districts and
//! approximate positions, council and NHS teams, local charities and clubs, and services built
//! from templates for each kind of service. Phone numbers come only from Ofcom's range for
//! drama (01632 960xxx) and addresses for email and the web only from `example.org`, so nothing
//! generated can reach a real person.

use chrono::{Days, NaiveDate, NaiveTime, Weekday};

use mns_domain::directory::model::{
    Accessibility, Address, Contact, CostOption, Funding, Language, LocalOfferAnswers, Location,
    Organization, Phone, Schedule, Service, ServiceArea, ServiceAtLocation, ServiceStatus,
};
use mns_domain::directory::taxonomy::{
    CATEGORY_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY, term_id,
};

/// A generated directory: organisations and the services they run.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedDirectory {
    /// The organisations; every service's `organization_id` is one of theirs.
    pub organizations: Vec<Organization>,
    /// The services.
    pub services: Vec<Service>,
}

/// Generates a directory of `services` services (and about a quarter as many organisations, at
/// least 12) from `seed`, with review dates spread over the 20 months before `today`.
pub fn generate_directory(services: usize, seed: u64, today: NaiveDate) -> GeneratedDirectory {
    let mut generator = Generator::new(seed);
    let organizations = generator.organizations(services);
    let list = (0..services)
        .map(|i| generator.service(i, &organizations, today))
        .collect();
    GeneratedDirectory {
        organizations: organizations.into_iter().map(|o| o.record).collect(),
        services: list,
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// SplitMix64: small, fast and good enough for made-up data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index chosen in proportion to `weights`.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }

    /// A version 4 UUID.
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            0x4000 | (a & 0x0fff),
            0x8000 | ((b >> 48) & 0x0fff),
            b & 0xffff_ffff_ffff
        )
    }
}

mod tables;
mod templates;
use tables::*;
use templates::TEMPLATES;

// ---------------------------------------------------------------------------------------------
// The generator

struct Org {
    record: Organization,
    focus: Vec<usize>,
    home: usize,
    funder: Option<&'static str>,
    public: bool,
}

struct Generator {
    rng: SplitMix64,
    ids: SplitMix64,
    needs: Vec<String>,
    categories: Vec<String>,
    delivery: Vec<String>,
    place_weights: Vec<u32>,
    /// The organisations whose focus is each kind of service.
    by_category: Vec<Vec<usize>>,
}

fn term_ids(taxonomy: &str, codes: &[&str]) -> Vec<String> {
    codes
        .iter()
        .map(|code| term_id(taxonomy, code).expect("built-in term"))
        .collect()
}

fn time(hour: u32, minute: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// Lower-case letters and digits joined by hyphens, for email addresses and web paths.
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !matches!(c, '\'' | '’')) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn join_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn money(amount: f64) -> String {
    format!("£{amount:.2}")
}

impl Generator {
    fn new(seed: u64) -> Generator {
        Generator {
            rng: SplitMix64(seed),
            ids: SplitMix64(seed ^ 0x5EED_1D5E_ED1D_5EED),
            needs: term_ids(NEEDS_TAXONOMY, &NEED_CODES),
            categories: term_ids(CATEGORY_TAXONOMY, &CATEGORY_CODES),
            delivery: term_ids(DELIVERY_TAXONOMY, &DELIVERY_CODES),
            place_weights: PLACES.iter().map(|p| p.6).collect(),
            by_category: vec![Vec::new(); CATEGORY_CODES.len()],
        }
    }

    fn place(&mut self) -> usize {
        self.rng.weighted(&self.place_weights)
    }

    fn phone_number(&mut self) -> String {
        format!("01632 960{:03}", self.rng.below(1000))
    }

    fn organizations(&mut self, services: usize) -> Vec<Org> {
        let total = (services / 4).max(12).max(FIXED_ORGS.len() + 4);
        let mut orgs = Vec::with_capacity(total);
        for (name, description, focus, funder) in FIXED_ORGS {
            let s = slug(name);
            orgs.push(Org {
                record: Organization {
                    id: self.ids.uuid(),
                    name: name.into(),
                    description: description.into(),
                    email: Some(format!("{s}@example.org")),
                    website: Some(format!("https://example.org/{s}")),
                    logo: None,
                    uri: None,
                    parent_organization_id: None,
                    ..Default::default()
                },
                focus: focus.to_vec(),
                home: self.place(),
                funder: Some(funder),
                public: true,
            });
        }
        let mut names = std::collections::HashSet::new();
        let mut n = 0;
        while orgs.len() < total {
            let theme = if n < THEMES.len() {
                n
            } else {
                self.rng.below(THEMES.len())
            };
            n += 1;
            let (theme_name, theme_description, focus) = THEMES[theme];
            let home = self.place();
            let (town, _, _, _, area, _, _) = PLACES[home];
            let prefix = if self.rng.chance(0.5) { area } else { town };
            let mut name = format!("{prefix} {theme_name}");
            if !names.insert(name.clone()) {
                name = format!("{town} and District {theme_name}");
                if !names.insert(name.clone()) {
                    name = format!("{prefix} {theme_name} {}", names.len() + 1);
                    names.insert(name.clone());
                }
            }
            let s = slug(&name);
            let registered = self.rng.chance(0.6);
            let charity_number = 1_000_000 + self.rng.below(200_000);
            orgs.push(Org {
                record: Organization {
                    id: self.ids.uuid(),
                    description: format!("{theme_description} Based in {town}."),
                    email: Some(format!("hello@{s}.example.org")),
                    website: Some(format!("https://example.org/{s}")),
                    logo: None,
                    uri: registered
                        .then(|| format!("https://example.org/charity-register/{charity_number}")),
                    parent_organization_id: None,
                    name,
                    ..Default::default()
                },
                focus: vec![focus],
                home,
                funder: None,
                public: false,
            });
        }
        for (i, org) in orgs.iter().enumerate() {
            for category in &org.focus {
                self.by_category[*category].push(i);
            }
        }
        orgs
    }

    fn service(&mut self, index: usize, orgs: &[Org], today: NaiveDate) -> Service {
        let rng = &mut self.rng;

        // What it is and who runs it.
        let category = if index < CATEGORY_CODES.len() {
            index
        } else {
            rng.weighted(&CATEGORY_WEIGHTS)
        };
        let matching = &self.by_category[category];
        let org_index = if matching.is_empty() || rng.chance(0.1) {
            rng.below(orgs.len())
        } else {
            *rng.pick(matching)
        };
        let org = &orgs[org_index];
        let mut categories = vec![category];
        if rng.chance(0.3) {
            let second = rng.weighted(&CATEGORY_WEIGHTS);
            if second != category {
                categories.push(second);
            }
        }

        // Needs: autism is the most common need in any Local Offer.
        let first_need = if index < NEED_CODES.len() {
            index
        } else if rng.chance(0.4) {
            0
        } else {
            rng.below(NEED_CODES.len())
        };
        let mut needs = vec![first_need];
        for p in [0.5, 0.25] {
            if rng.chance(p) {
                let extra = rng.below(NEED_CODES.len());
                if !needs.contains(&extra) {
                    needs.push(extra);
                }
            }
        }

        // How it is delivered: mostly in person.
        let remote_kinds = matches!(
            category,
            ADVICE | FAMILY_SUPPORT | MENTAL_HEALTH | EDUCATION | ADULTHOOD
        );
        let mut delivery = Vec::new();
        let in_person = match index {
            1 => false,
            2 => false,
            _ => !rng.chance(if remote_kinds { 0.25 } else { 0.06 }),
        };
        if in_person {
            delivery.push(0);
            if rng.chance(0.2) {
                delivery.push(1 + rng.below(2));
            }
        } else {
            match index {
                1 => delivery.push(1),
                2 => delivery.push(2),
                _ => match rng.below(3) {
                    0 => delivery.push(1),
                    1 => delivery.push(2),
                    _ => delivery.extend([1, 2]),
                },
            }
        }

        // Ages.
        let (min_age, max_age) = match category {
            EARLY_YEARS => (0, 5),
            ADULTHOOD => *rng.pick(&[(14, 25), (16, 25)]),
            ACTIVITIES => *rng.pick(&[(4, 11), (5, 16), (8, 18), (11, 18), (2, 19), (5, 16)]),
            _ => *rng.pick(&AGE_RANGES),
        };

        // Where.
        let home = if org.public || rng.chance(0.1) {
            self.place()
        } else {
            org.home
        };
        let rng = &mut self.rng;
        let town = PLACES[home].0;
        let (template_name, template_description) = *rng.pick(TEMPLATES[category]);
        let name = if org.public {
            if in_person {
                format!("{template_name} – {town}")
            } else {
                template_name.to_string()
            }
        } else if in_person && rng.chance(0.5) {
            format!("{town} {template_name}")
        } else {
            format!("{} {template_name}", org.record.name)
        };
        let need_names: Vec<&str> = needs.iter().map(|n| NEED_TEXT[*n].0).collect();
        let extra = match rng.below(4) {
            0 => format!(
                "Especially welcoming to children and young people with {}.",
                join_words(&need_names)
            ),
            1 => format!("Run by {}.", org.record.name),
            2 if in_person => format!("Held in {town}; families from nearby villages are welcome."),
            _ => "Brothers and sisters are welcome too.".to_string(),
        };
        let description = format!("{template_description} {extra} {}", NEED_TEXT[first_need].1);

        // Cost: health, advice and council services are free; clubs often charge a little.
        let free = matches!(
            category,
            HEALTH | MENTAL_HEALTH | SOCIAL_CARE | ADVICE | EDUCATION
        ) || (org.public && category != SHORT_BREAKS)
            || rng.chance(if category == FAMILY_SUPPORT {
                0.7
            } else {
                0.35
            });
        let amount = if free {
            0.0
        } else {
            *rng.pick(&[3.5, 5.0, 12.0, 2.0, 4.0, 7.5])
        };

        // Schedule.
        let patterns: &[(Pattern, u32)] = match category {
            ACTIVITIES => &[
                (Pattern::AfterSchool, 35),
                (Pattern::Saturday, 30),
                (Pattern::Sunday, 15),
                (Pattern::Holiday, 20),
            ],
            SHORT_BREAKS => &[
                (Pattern::Holiday, 45),
                (Pattern::Saturday, 30),
                (Pattern::Sunday, 15),
                (Pattern::AfterSchool, 10),
            ],
            FAMILY_SUPPORT => &[
                (Pattern::Morning, 35),
                (Pattern::Evening, 30),
                (Pattern::Office, 20),
                (Pattern::Saturday, 15),
            ],
            EARLY_YEARS => &[(Pattern::Morning, 60), (Pattern::Office, 40)],
            ADULTHOOD => &[
                (Pattern::Office, 60),
                (Pattern::Evening, 20),
                (Pattern::AfterSchool, 20),
            ],
            _ => &[
                (Pattern::Office, 80),
                (Pattern::Morning, 10),
                (Pattern::AfterSchool, 10),
            ],
        };
        let weights: Vec<u32> = patterns.iter().map(|p| p.1).collect();
        let pattern = patterns[rng.weighted(&weights)].0;
        let mut schedules = vec![self.schedule(pattern)];
        if matches!(pattern, Pattern::AfterSchool | Pattern::Saturday) && self.rng.chance(0.25) {
            schedules.push(self.schedule(Pattern::Holiday));
        }
        let rng = &mut self.rng;

        // Contact.
        let first = *rng.pick(&FIRST_NAMES);
        let last = *rng.pick(&LAST_NAMES);
        let contact_name = format!("{first} {last}");
        let title = match category {
            ACTIVITIES | SHORT_BREAKS => "Club leader",
            HEALTH => "Clinical lead",
            MENTAL_HEALTH => "Wellbeing practitioner",
            SOCIAL_CARE => "Team manager",
            FAMILY_SUPPORT => "Family support worker",
            ADVICE => "Information officer",
            EARLY_YEARS => "Early years practitioner",
            EDUCATION => "Specialist teacher",
            _ => "Service coordinator",
        };
        let contact_email = format!("{}.{}@example.org", slug(first), slug(last));
        let phone = self.phone_number();
        let rng = &mut self.rng;

        // Reviews: most entries were checked within the year, the rest up to 20 months ago.
        let days_ago = if rng.chance(0.7) {
            rng.below(366) as u64
        } else {
            366 + rng.below(243) as u64
        };
        let last_reviewed = today.checked_sub_days(Days::new(days_ago)).unwrap_or(today);
        let last_modified = last_reviewed
            .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default())
            .and_utc();

        // Status and alerts.
        let roll = rng.unit();
        let (status, alert) = if roll < 0.03 {
            (
                ServiceStatus::TemporarilyClosed,
                Some(
                    "Temporarily closed while we recruit new staff; we hope to reopen soon.".into(),
                ),
            )
        } else if roll < 0.05 {
            (ServiceStatus::Inactive, None)
        } else if rng.chance(0.06) {
            (
                ServiceStatus::Active,
                Some((*rng.pick(&ALERTS)).to_string()),
            )
        } else {
            (ServiceStatus::Active, None)
        };

        let funder = org.funder.unwrap_or_else(|| *rng.pick(&CHARITY_FUNDERS));
        let mut funders = vec![funder];
        if org.funder.is_none() && rng.chance(0.3) {
            let other = *rng.pick(&CHARITY_FUNDERS);
            if other != funder {
                funders.push(other);
            }
        }

        // The Local Offer answers.
        let local_offer = rng
            .chance(if org.public { 0.8 } else { 0.42 })
            .then(|| {
                let how_to_access = match category {
                    HEALTH | MENTAL_HEALTH | SOCIAL_CARE | EDUCATION => format!(
                        "Ask your GP, health visitor or your child's school SENCo to refer you, or call {first} to talk it through first."
                    ),
                    SHORT_BREAKS => "Families can ask for a place themselves; overnight breaks need an assessment by the Children with Disabilities Team first.".to_string(),
                    _ if in_person && rng.chance(0.3) => {
                        "Just come along: there is no need to book and no referral is needed.".to_string()
                    }
                    _ => format!(
                        "No referral needed: phone or email {first} to book a place."
                    ),
                };
                let funding = if free {
                    format!("Free to families. Paid for by {}.", join_words(&funders))
                } else {
                    format!(
                        "{} per session. Part-funded by {}; ask us about help with costs.",
                        money(amount),
                        join_words(&funders)
                    )
                };
                LocalOfferAnswers {
                    who_for: format!(
                        "Children and young people aged {min_age} to {max_age} with {}, and their families.",
                        join_words(&need_names)
                    ),
                    how_to_access,
                    send_support: format!(
                        "{} All our staff have SEND training, and we agree with each family how best to support their child.",
                        NEED_TEXT[first_need].1
                    ),
                    funding,
                    contact: format!("{contact_name}, {title}, on {phone} or {contact_email}."),
                }
            });

        // Languages.
        let mut languages = vec![Language {
            id: self.ids.uuid(),
            name: "English".into(),
            code: Some("en".into()),
        }];
        for (language, code, p) in LANGUAGES {
            if self.rng.chance(p) {
                languages.push(Language {
                    id: self.ids.uuid(),
                    name: language.into(),
                    code: Some(code.into()),
                });
            }
        }

        let area_name = if org.public || !in_person {
            "Norfolk"
        } else {
            town
        };
        let locations = if in_person {
            vec![self.location(home)]
        } else {
            Vec::new()
        };
        let rng = &mut self.rng;
        let service_slug = slug(&name);
        let email = rng
            .chance(0.6)
            .then(|| format!("{}@example.org", slug(template_name)));
        let accreditations = match category {
            EARLY_YEARS | SHORT_BREAKS if rng.chance(0.5) => {
                Some((*rng.pick(&["Ofsted: Good", "Ofsted: Outstanding"])).to_string())
            }
            _ => None,
        };

        let mut terms: Vec<String> = needs.iter().map(|n| self.needs[*n].clone()).collect();
        terms.extend(categories.iter().map(|c| self.categories[*c].clone()));
        terms.extend(delivery.iter().map(|d| self.delivery[*d].clone()));

        let ids = &mut self.ids;
        Service {
            id: ids.uuid(),
            organization_id: org.record.id.clone(),
            url: Some(format!(
                "https://example.org/{}/{service_slug}",
                slug(&org.record.name)
            )),
            name,
            description,
            email,
            status,
            fees_description: (!free)
                .then(|| format!("{} per session; ask about help with costs.", money(amount))),
            accreditations,
            minimum_age: Some(min_age),
            maximum_age: Some(max_age),
            alert,
            last_reviewed,
            last_modified,
            local_offer,
            terms,
            contacts: vec![Contact {
                id: ids.uuid(),
                name: contact_name,
                title: Some(title.into()),
                email: Some(contact_email),
                phone: Some(phone.clone()),
            }],
            phones: vec![Phone {
                id: ids.uuid(),
                number: phone,
                description: Some("Enquiries and bookings".into()),
            }],
            schedules,
            cost_options: vec![CostOption {
                id: ids.uuid(),
                option: Some(if free { "Free" } else { "per session" }.into()),
                amount: Some(amount),
                amount_description: Some(if free {
                    "Free".to_string()
                } else {
                    format!("{} per session", money(amount))
                }),
                ..Default::default()
            }],
            languages,
            service_areas: vec![ServiceArea {
                id: ids.uuid(),
                name: area_name.into(),
                description: None,
                ..Default::default()
            }],
            funding: funders
                .into_iter()
                .map(|source| Funding {
                    id: ids.uuid(),
                    source: source.into(),
                })
                .collect(),
            locations: locations
                .into_iter()
                .map(|location| ServiceAtLocation {
                    id: ids.uuid(),
                    location,
                })
                .collect(),
            assurer_email: None,
        }
    }

    fn schedule(&mut self, pattern: Pattern) -> Schedule {
        use Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
        const WEEKDAYS: [Weekday; 5] = [Mon, Tue, Wed, Thu, Fri];
        let rng = &mut self.rng;
        let (days, opens, closes, description) = match pattern {
            Pattern::AfterSchool => {
                let count = 1 + rng.below(3);
                let mut days: Vec<Weekday> = Vec::new();
                while days.len() < count {
                    let d = *rng.pick(&WEEKDAYS);
                    if !days.contains(&d) {
                        days.push(d);
                    }
                }
                days.sort_by_key(|d| d.num_days_from_monday());
                (
                    days,
                    time(15, 30),
                    time(17, 30),
                    "After school, term time only",
                )
            }
            Pattern::Saturday => (vec![Sat], time(10, 0), time(12, 0), "Saturday mornings"),
            Pattern::Sunday => (
                vec![Sun],
                time(14, 0),
                time(16, 0),
                "Sunday afternoons, twice a month",
            ),
            Pattern::Holiday => (
                WEEKDAYS.to_vec(),
                time(9, 30),
                time(15, 0),
                "School holidays only",
            ),
            Pattern::Office => (
                WEEKDAYS.to_vec(),
                time(9, 0),
                time(17, 0),
                "Office hours; closed on bank holidays",
            ),
            Pattern::Morning => (
                vec![*rng.pick(&WEEKDAYS)],
                time(10, 0),
                time(12, 0),
                "Weekly, term time only",
            ),
            Pattern::Evening => (
                vec![*rng.pick(&WEEKDAYS)],
                time(19, 0),
                time(21, 0),
                "Evenings, fortnightly",
            ),
        };
        Schedule {
            id: self.ids.uuid(),
            days,
            opens_at: opens,
            closes_at: closes,
            description: Some(description.into()),
            ..Default::default()
        }
    }

    fn location(&mut self, place: usize) -> Location {
        let (town, district, lat, lon, _, region, _) = PLACES[place];
        let rng = &mut self.rng;
        // Within about 2 km of the district's centre, spread evenly over a disc.
        let r = 1_900.0 * rng.unit().sqrt();
        let theta = std::f64::consts::TAU * rng.unit();
        let latitude = lat + r * theta.cos() / 111_195.0;
        let longitude = lon + r * theta.sin() / (111_195.0 * lat.to_radians().cos());
        let venue = *rng.pick(&VENUES);
        let street = *rng.pick(&STREETS);
        let number = 1 + rng.below(120);
        let letter = |rng: &mut SplitMix64| char::from(*rng.pick(POSTCODE_LETTERS));
        let postcode = format!(
            "{district} {}{}{}",
            1 + rng.below(9),
            letter(rng),
            letter(rng)
        );
        let description = rng.chance(0.3).then(|| {
            (*rng.pick(&[
                "The entrance is round the side of the building.",
                "On the bus route; the nearest stop is a two-minute walk.",
                "Use the side gate on weekday afternoons.",
                "Free parking behind the building.",
            ]))
            .to_string()
        });
        let mut features = Vec::new();
        for (feature, p, details) in ACCESS_FEATURES {
            if rng.chance(p) {
                features.push((feature, details.filter(|_| rng.chance(0.5))));
            }
        }
        let accessibility = features
            .into_iter()
            .map(|(feature, details)| Accessibility {
                id: self.ids.uuid(),
                description: feature.into(),
                details: details.map(Into::into),
                ..Default::default()
            })
            .collect();
        Location {
            id: self.ids.uuid(),
            name: format!("{town} {venue}"),
            description,
            latitude,
            longitude,
            address: Address {
                id: self.ids.uuid(),
                address_1: format!("{number} {street}"),
                address_2: None,
                city: town.into(),
                region: Some(region.into()),
                postal_code: postcode,
                ..Default::default()
            },
            accessibility,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests;
