//! Specialist place sufficiency (issue 19): the county's specialist places (special schools,
//! specialist resource bases, alternative provision, the hospital school) by primary need, phase
//! and district, from a dated return in the shape of the DfE's SCAP survey; the children with an
//! EHC plan by primary need, age and district; and a five-year projection of demand, rolling
//! each age's cohort forward a year at a time with rates the SEND team sets in named scenarios.

mod files;

pub use files::{parse_capacity, parse_ehcp_counts};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order tables list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code returns and files use.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// What people read.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// The value whose code is `text` (any case).
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                Self::ALL.iter().copied().find(|v| v.code().eq_ignore_ascii_case(t))
            }

            /// The codes, for a message.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

coded! {
    /// A primary type of need, as the SEN2 return codes it.
    Need {
        /// Autistic spectrum disorder.
        Asd = ("ASD", "Autism"),
        /// Social, emotional and mental health.
        Semh = ("SEMH", "Social, emotional and mental health"),
        /// Speech, language and communication needs.
        Slcn = ("SLCN", "Speech, language and communication"),
        /// Moderate learning difficulty.
        Mld = ("MLD", "Moderate learning difficulty"),
        /// Severe learning difficulty.
        Sld = ("SLD", "Severe learning difficulty"),
        /// Profound and multiple learning difficulty.
        Pmld = ("PMLD", "Profound and multiple learning difficulty"),
        /// Specific learning difficulty.
        Spld = ("SPLD", "Specific learning difficulty"),
        /// Physical disability.
        Pd = ("PD", "Physical disability"),
        /// Hearing impairment.
        Hi = ("HI", "Hearing impairment"),
        /// Vision impairment.
        Vi = ("VI", "Vision impairment"),
        /// Multi-sensory impairment.
        Msi = ("MSI", "Multi-sensory impairment"),
        /// Other difficulty or disability.
        Other = ("OTH", "Other"),
    }
}

coded! {
    /// A phase of education, by age on 31 August.
    Phase {
        /// Reception to Year 6 (ages 4 to 10).
        Primary = ("primary", "Primary"),
        /// Years 7 to 11 (ages 11 to 15).
        Secondary = ("secondary", "Secondary"),
        /// Years 12 to 14 (ages 16 to 18).
        Post16 = ("post16", "Post-16"),
    }
}

coded! {
    /// A kind of specialist provision.
    Provision {
        /// A special school.
        SpecialSchool = ("special_school", "Special school"),
        /// A specialist resource base in a mainstream school.
        ResourceBase = ("resource_base", "Specialist resource base"),
        /// Alternative provision (including the Medical Needs Service's).
        AlternativeProvision = ("alternative_provision", "Alternative provision"),
        /// The hospital school.
        HospitalSchool = ("hospital_school", "Hospital school"),
    }
}

impl Phase {
    /// The phase of a child aged `age` on 31 August; `None` outside 4 to 18.
    pub fn of_age(age: u8) -> Option<Phase> {
        match age {
            4..=10 => Some(Phase::Primary),
            11..=15 => Some(Phase::Secondary),
            16..=18 => Some(Phase::Post16),
            _ => None,
        }
    }
}

/// The youngest and oldest ages projected.
pub const AGES: std::ops::RangeInclusive<u8> = 4..=18;

/// One line of a capacity return: places of a kind, for a need and phase, in a district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Places {
    /// The school or base.
    pub provider: String,
    /// Its kind.
    pub provision: Provision,
    /// The need its places are for.
    pub need: Need,
    /// The phase.
    pub phase: Phase,
    /// The district it is in.
    pub district: String,
    /// How many places.
    pub places: u32,
}

/// One line of the EHCP counts: children with a plan of a need, an age and a district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EhcpCount {
    /// Their primary need.
    pub need: Need,
    /// Their age on 31 August.
    pub age: u8,
    /// Their district.
    pub district: String,
    /// How many.
    pub count: u32,
}

/// A named set of rates for the projection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Its name ("Trend continues").
    pub name: String,
    /// Each year's new plans at the youngest age, as a multiple of this year's (1.05: 5% more).
    pub intake: f64,
    /// Each year, how a primary cohort carries to the next age (1.08: 8% more plans by then).
    pub primary: f64,
    /// The same for a secondary cohort.
    pub secondary: f64,
    /// The same for a post-16 cohort.
    pub post16: f64,
    /// The share of children with a plan who need a specialist place (0.4: 40%).
    pub specialist_share: f64,
}

/// A scenario as typed.
#[derive(Debug, Clone, Default)]
pub struct ScenarioForm {
    /// Name.
    pub name: String,
    /// Intake multiple, as a percentage change ("5" for 5% more).
    pub intake: String,
    /// Primary carry-forward, as a percentage change.
    pub primary: String,
    /// Secondary carry-forward, as a percentage change.
    pub secondary: String,
    /// Post-16 carry-forward, as a percentage change.
    pub post16: String,
    /// Specialist share, as a percentage.
    pub specialist_share: String,
}

/// A problem with a form's field or a file's line: where, and what to do.
pub type Problem = (String, String);

fn percent(text: &str) -> Option<f64> {
    let t = text.trim().trim_end_matches('%').trim();
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

impl ScenarioForm {
    /// The scenario, or every problem: a name, changes from −50% to +100% a year, and a share
    /// from 0% to 100%.
    pub fn parse(&self) -> Result<Scenario, Vec<Problem>> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.push(("name".into(), "Enter the scenario's name".into()));
        } else if name.chars().count() > 80 {
            problems.push((
                "name".into(),
                "The name must be 80 characters or fewer".into(),
            ));
        }
        let mut rate = |field: &str, text: &str, what: &str| match percent(text) {
            Some(v) if (-50.0..=100.0).contains(&v) => 1.0 + v / 100.0,
            _ => {
                problems.push((
                    field.into(),
                    format!("Enter {what} as a percentage change from -50 to 100, like 5"),
                ));
                1.0
            }
        };
        let intake = rate("intake", &self.intake, "the yearly change in new plans");
        let primary = rate(
            "primary",
            &self.primary,
            "the primary cohort's yearly change",
        );
        let secondary = rate(
            "secondary",
            &self.secondary,
            "the secondary cohort's yearly change",
        );
        let post16 = rate("post16", &self.post16, "the post-16 cohort's yearly change");
        let share = match percent(&self.specialist_share) {
            Some(v) if (0.0..=100.0).contains(&v) => v / 100.0,
            _ => {
                problems.push((
                    "specialist_share".into(),
                    "Enter the share needing a specialist place as a percentage from 0 to 100"
                        .into(),
                ));
                0.0
            }
        };
        if problems.is_empty() {
            Ok(Scenario {
                name: name.into(),
                intake,
                primary,
                secondary,
                post16,
                specialist_share: share,
            })
        } else {
            Err(problems)
        }
    }
}

/// Children with a plan by need, district and age, projected for `years` years after this one
/// (index 0 is now): each age's cohort moves up an age a year, changed by its phase's rate; the
/// youngest age is this year's times the intake rate each year; those past 18 leave.
pub fn project(
    counts: &[EhcpCount],
    scenario: &Scenario,
    years: usize,
) -> Vec<BTreeMap<(Need, String, u8), f64>> {
    let mut now: BTreeMap<(Need, String, u8), f64> = BTreeMap::new();
    for c in counts.iter().filter(|c| AGES.contains(&c.age)) {
        *now.entry((c.need, c.district.clone(), c.age)).or_default() += f64::from(c.count);
    }
    let mut out = vec![now];
    for _ in 0..years {
        let last = out.last().cloned().unwrap_or_default();
        let mut next: BTreeMap<(Need, String, u8), f64> = BTreeMap::new();
        for ((need, district, age), n) in &last {
            if *age == *AGES.start() {
                *next.entry((*need, district.clone(), *age)).or_default() += n * scenario.intake;
            }
            let older = age + 1;
            if let Some(phase) = Phase::of_age(older) {
                let rate = match phase {
                    Phase::Primary => scenario.primary,
                    Phase::Secondary => scenario.secondary,
                    Phase::Post16 => scenario.post16,
                };
                *next.entry((*need, district.clone(), older)).or_default() += n * rate;
            }
        }
        out.push(next);
    }
    out
}

/// One line of the sufficiency table: a need, district and phase in a year.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The need.
    pub need: Need,
    /// The district.
    pub district: String,
    /// The phase.
    pub phase: Phase,
    /// Children with a plan projected.
    pub plans: f64,
    /// Of them, needing a specialist place.
    pub demand: f64,
    /// Specialist places (special schools and resource bases).
    pub places: u32,
}

impl Line {
    /// Places less demand: negative is a shortfall.
    pub fn gap(&self) -> f64 {
        f64::from(self.places) - self.demand
    }
}

/// The sufficiency table for one projected year: every need × district × phase with plans or
/// places, demand being the scenario's share of the plans, against the special school and
/// resource base places of the return.
pub fn sufficiency(
    year: &BTreeMap<(Need, String, u8), f64>,
    places: &[Places],
    scenario: &Scenario,
) -> Vec<Line> {
    fn line<'a>(
        lines: &'a mut BTreeMap<(Need, String, Phase), Line>,
        need: Need,
        district: &str,
        phase: Phase,
    ) -> &'a mut Line {
        lines
            .entry((need, district.to_string(), phase))
            .or_insert_with(|| Line {
                need,
                district: district.to_string(),
                phase,
                plans: 0.0,
                demand: 0.0,
                places: 0,
            })
    }
    let mut lines: BTreeMap<(Need, String, Phase), Line> = BTreeMap::new();
    for ((need, district, age), n) in year {
        if let Some(phase) = Phase::of_age(*age) {
            let l = line(&mut lines, *need, district, phase);
            l.plans += n;
            l.demand += n * scenario.specialist_share;
        }
    }
    for p in places.iter().filter(|p| {
        matches!(
            p.provision,
            Provision::SpecialSchool | Provision::ResourceBase
        )
    }) {
        line(&mut lines, p.need, &p.district, p.phase).places += p.places;
    }
    lines.into_values().collect()
}

#[cfg(test)]
mod tests;
