//! The demo dataset: schools, users of every role, pupils and links, term calendars: enough
//! to walk every page. Created once, on the first start of `mns demo` in a data directory.
//! Every name here is invented. The Local Offer's generated directory is in [`directory`].

mod attendance;
mod cases;
mod consultations;
mod costs;
pub mod directory;
mod events;
mod referrals;
mod sufficiency;

use crate::identity::users::NewUser;
use crate::{Actor, App, AppError, AppResult, system_actor};
use chrono::{Datelike, NaiveDate};
use mns_domain::identifiers::Upn;
use mns_store::{CredentialRecord, PupilRecord, SchoolRecord, new_id};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo-password-2026";

/// The TOTP secret of every demo staff account (the demo's sign-in page shows the current code).
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// One demo sign-in, for printing.
#[derive(Debug, Clone)]
pub struct DemoSignIn {
    /// The account's email.
    pub email: String,
    /// Its role's label.
    pub role: &'static str,
    /// Whether it needs a one-time code.
    pub needs_code: bool,
}

/// (URN, name, type, phase, town, postcode)
const SCHOOLS: [(&str, &str, &str, &str, &str, &str); 5] = [
    (
        "121001",
        "Wensum Valley Primary School",
        "Community school",
        "Primary",
        "Norwich",
        "NR2 4AB",
    ),
    (
        "121002",
        "Yare Bank Academy",
        "Academy converter",
        "Secondary",
        "Norwich",
        "NR1 2CD",
    ),
    (
        "121003",
        "Broadland High School",
        "Community school",
        "Secondary",
        "Wroxham",
        "NR12 8EF",
    ),
    (
        "121004",
        "Fenland Edge Junior School",
        "Foundation school",
        "Primary",
        "King's Lynn",
        "PE30 1GH",
    ),
    (
        "121005",
        "Heathside Independent Special School",
        "Other independent special school",
        "Not applicable",
        "Thetford",
        "IP24 3JK",
    ),
];

/// The Norfolk district (GIAS "DistrictAdministrative") of a demo school's town.
fn demo_district(town: &str) -> &'static str {
    match town {
        "Norwich" => "Norwich",
        "Wroxham" => "Broadland",
        "King's Lynn" => "King's Lynn and West Norfolk",
        "Thetford" => "Breckland",
        _ => "South Norfolk",
    }
}

/// Postcode districts with their centroids, for the demo's distance search.
const DEMO_OUTCODES: &str = include_str!("../../data/uk-outcodes.csv");
/// How many Local Offer services the demo generates.
pub const DEMO_SERVICES: usize = 300;

/// (email, name, role, school)
const USERS: [(&str, &str, &str, Option<&str>); 13] = [
    (
        "coordinator@demo.invalid",
        "Alex Morgan",
        "coordinator",
        None,
    ),
    ("caseworker@demo.invalid", "Sam Patel", "caseworker", None),
    ("school@demo.invalid", "Jo Turner", "school", Some("121001")),
    (
        "school2@demo.invalid",
        "Chris Lee",
        "school",
        Some("121002"),
    ),
    ("parent@demo.invalid", "Pat Green", "parent", None),
    ("provider@demo.invalid", "Robin Hale", "provider", None),
    (
        "health@demo.invalid",
        "Dr Kim Shaw",
        "health_professional",
        None,
    ),
    ("viewer@demo.invalid", "Lee Carter", "case_viewer", None),
    ("send@demo.invalid", "Rowan Ellis", "send_team", None),
    ("finance@demo.invalid", "Morgan Price", "finance", None),
    ("auditor@demo.invalid", "Jamie Wood", "auditor", None),
    (
        "school3@demo.invalid",
        "Taylor Brooks",
        "school",
        Some("121003"),
    ),
    (
        "localoffer@demo.invalid",
        "Dana Whitfield",
        "local_offer_officer",
        None,
    ),
];

/// A demo pupil: given name, family name, (year group this school year, birth month, birth
/// day), school URN, and the 12 characters of the UPN after its check letter. Dates of birth
/// follow the school year the demo is loaded in, so every pupil is always of an age for their
/// school's phase (primary pupils in Reception to Year 6, a junior school's in Years 3 to 6).
type DemoPupil = (
    &'static str,
    &'static str,
    (i32, u32, u32),
    &'static str,
    &'static str,
);

const PUPILS: [DemoPupil; 17] = [
    ("Amelia", "Barnes", (6, 3, 14), "121001", "926200125001"),
    ("Oliver", "Chapman", (6, 11, 2), "121001", "926200125002"),
    ("Isla", "Dawson", (5, 6, 21), "121001", "926200125003"),
    ("Noah", "Ellis", (10, 1, 9), "121002", "926400121004"),
    ("Freya", "Fletcher", (11, 5, 30), "121002", "926400120005"),
    ("Leo", "Grant", (8, 9, 17), "121002", "926400122006"),
    ("Ava", "Harding", (11, 12, 3), "121002", "926400119007"),
    ("Theo", "Irving", (10, 7, 25), "121003", "926400321008"),
    ("Mia", "Jennings", (11, 2, 11), "121003", "926400320009"),
    ("Arlo", "Kemp", (5, 4, 4), "121004", "926300123010"),
    ("Ivy", "Lambert", (4, 8, 19), "121004", "926300124011"),
    ("Finley", "Marsh", (11, 10, 28), "121005", "926600119012"),
    ("Ruby", "Norris", (11, 3, 8), "121003", "926400320013"),
    ("Jack", "Oakley", (10, 6, 14), "121003", "926400321014"),
    ("Evie", "Parker", (11, 9, 2), "121002", "926400119015"),
    ("Harry", "Quinn", (6, 1, 27), "121001", "926200125016"),
    ("Grace", "Rowe", (3, 4, 30), "121001", "926200124017"),
];

/// The date of birth of a demo pupil in `year_group` on `today`'s school year: born between
/// September and December of one year or January to August of the next (the school year's
/// cohort, MN-ELIG-1).
fn demo_date_of_birth(
    (year_group, month, day): (i32, u32, u32),
    today: NaiveDate,
) -> AppResult<NaiveDate> {
    let first = mns_domain::calendar::SchoolYear::containing(today)
        .first_day()
        .year();
    let year = if month >= 9 {
        first - 5 - year_group
    } else {
        first - 4 - year_group
    };
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| AppError::internal("bad demo date"))
}

/// A valid UPN for a 12-character stem: the check letter that makes it valid.
fn upn_for(stem: &str) -> Option<String> {
    "ABCDEFGHJKLMNPQRTUVWXYZ"
        .chars()
        .map(|letter| format!("{letter}{stem}"))
        .find(|candidate| Upn::parse(candidate).is_ok())
}

impl App {
    /// Creates the demo dataset unless the database already has schools. Returns the demo
    /// sign-ins either way.
    pub async fn load_demo(&self) -> AppResult<Vec<DemoSignIn>> {
        let sign_ins = USERS
            .iter()
            .map(|(email, _, role, _)| {
                let role = mns_domain::identity::Role::parse(role)
                    .unwrap_or(mns_domain::identity::Role::Parent);
                DemoSignIn {
                    email: (*email).to_string(),
                    role: role.label(),
                    needs_code: role.is_staff(),
                }
            })
            .collect();
        if self.store.count_schools().await? > 0 {
            return Ok(sign_ins);
        }
        let actor = system_actor("demo");
        let now = self.now();
        self.load_standard_calendars(&actor).await?;

        let mut tx = self.store.begin().await?;
        for (urn, name, kind, phase, town, postcode) in SCHOOLS {
            tx.upsert_school(
                &SchoolRecord {
                    urn: urn.into(),
                    name: name.into(),
                    la_code: Some("926".into()),
                    la_name: Some("Norfolk".into()),
                    establishment_number: Some(format!("2{}", &urn[3..])),
                    type_of_establishment: Some(kind.into()),
                    status: Some("Open".into()),
                    phase: Some(phase.into()),
                    statutory_low_age: Some(match phase {
                        "Primary" if name.contains("Junior") => 7,
                        "Primary" => 4,
                        "Secondary" => 11,
                        _ => 5,
                    }),
                    statutory_high_age: Some(match phase {
                        "Primary" => 11,
                        "Secondary" => 16,
                        _ => 19,
                    }),
                    town: Some(town.into()),
                    postcode: Some(postcode.into()),
                    district: Some(demo_district(town).into()),
                    ..SchoolRecord::default()
                },
                now,
            )
            .await?;
        }
        let mut pupil_ids = Vec::new();
        for (given, family, born, urn, stem) in PUPILS {
            let id = new_id();
            tx.insert_pupil(&PupilRecord {
                id: id.clone(),
                upn: upn_for(stem),
                given_name: given.into(),
                family_name: family.into(),
                date_of_birth: demo_date_of_birth(born, self.today())?,
                school_urn: Some(urn.into()),
                created_at: now,
                updated_at: now,
            })
            .await?;
            pupil_ids.push(id);
        }
        self.audit(
            &mut tx,
            &actor,
            "demo.load",
            "demo",
            "demo",
            "schools and pupils",
        )
        .await?;
        tx.commit().await?;

        let mut users = Vec::new();
        for (email, name, role, school) in USERS {
            let added = self
                .add_user(
                    &actor,
                    NewUser {
                        email: email.into(),
                        display_name: name.into(),
                        role: role.into(),
                        school_urn: school.map(str::to_string),
                        password: Some(DEMO_PASSWORD.into()),
                    },
                )
                .await?;
            users.push(added);
        }
        let mut tx = self.store.begin().await?;
        for added in &users {
            if added.user.role.is_staff() {
                let credentials = self
                    .store
                    .get_credentials(&added.user.id)
                    .await?
                    .ok_or_else(|| AppError::internal("demo user has no credentials"))?;
                tx.set_credentials(
                    &added.user.id,
                    &CredentialRecord {
                        totp_secret: Some(DEMO_TOTP_SECRET.into()),
                        totp_confirmed_at: Some(now),
                        ..credentials
                    },
                    now,
                )
                .await?;
            }
        }
        let by_email = |email: &str| {
            users
                .iter()
                .find(|u| u.user.email == email)
                .map(|u| u.user.id.clone())
        };
        let links = [
            ("parent@demo.invalid", 0, "parent"),
            ("parent@demo.invalid", 1, "parent"),
            ("provider@demo.invalid", 0, "provider"),
            ("provider@demo.invalid", 3, "provider"),
            ("provider@demo.invalid", 7, "provider"),
            ("health@demo.invalid", 3, "health_professional"),
            ("viewer@demo.invalid", 4, "case_viewer"),
            // Isla's case is followed by every side.
            ("parent@demo.invalid", 2, "parent"),
            ("provider@demo.invalid", 2, "provider"),
            ("health@demo.invalid", 2, "health_professional"),
            ("viewer@demo.invalid", 2, "case_viewer"),
        ];
        for (email, pupil, relation) in links {
            let user_id = by_email(email).ok_or_else(|| AppError::internal("demo user missing"))?;
            tx.link_pupil(&user_id, &pupil_ids[pupil], relation, now)
                .await?;
        }
        tx.commit().await?;
        let actor_for = |email: &str| -> AppResult<Actor> {
            users
                .iter()
                .find(|u| u.user.email == email)
                .map(|u| Actor {
                    user: u.user.clone(),
                    source: "demo".into(),
                })
                .ok_or_else(|| AppError::internal(format!("demo user {email} missing")))
        };
        self.load_demo_referrals(
            &actor_for("coordinator@demo.invalid")?,
            &[
                actor_for("school@demo.invalid")?,
                actor_for("school2@demo.invalid")?,
                actor_for("school3@demo.invalid")?,
            ],
        )
        .await?;
        self.load_demo_cases(
            &actor_for("coordinator@demo.invalid")?,
            &[
                actor_for("school@demo.invalid")?,
                actor_for("school2@demo.invalid")?,
                actor_for("school3@demo.invalid")?,
            ],
            &actor_for("provider@demo.invalid")?,
        )
        .await?;
        self.load_demo_costs(
            &actor_for("finance@demo.invalid")?,
            &actor_for("coordinator@demo.invalid")?,
        )
        .await?;
        self.load_demo_attendance().await?;
        self.load_demo_directory(
            &actor_for("provider@demo.invalid")?,
            &actor_for("localoffer@demo.invalid")?,
        )
        .await?;
        self.load_demo_events(&actor_for("localoffer@demo.invalid")?)
            .await?;
        self.load_demo_consultations(
            &actor_for("send@demo.invalid")?,
            &actor_for("school@demo.invalid")?,
        )
        .await?;
        self.load_demo_sufficiency(&actor_for("send@demo.invalid")?)
            .await?;
        Ok(sign_ins)
    }

    /// The Local Offer directory: postcode districts, a few hundred generated Norfolk services,
    /// the demo provider looking after one organisation's entries with a change waiting for
    /// approval, and a piece of family feedback.
    async fn load_demo_directory(&self, provider: &Actor, officer: &Actor) -> AppResult<()> {
        let system = system_actor("demo");
        self.ensure_directory_taxonomies().await?;
        self.import_postcodes(&system, DEMO_OUTCODES.as_bytes())
            .await?;
        let generated = directory::generate_directory(DEMO_SERVICES, 2026, self.today());
        self.import_directory(
            &system,
            &generated.organizations,
            &[],
            &generated.services,
            "demo data",
        )
        .await?;
        // The provider looks after the organisation with the most services.
        let mut counts: std::collections::HashMap<&str, usize> = Default::default();
        for s in &generated.services {
            *counts.entry(s.organization_id.as_str()).or_default() += 1;
        }
        let Some((org_id, _)) = counts.into_iter().max_by_key(|(id, n)| (*n, *id)) else {
            return Ok(());
        };
        self.link_provider_to_organization(&system, &provider.user.id, org_id)
            .await?;
        let entries = self.store.services_of_organization(org_id).await?;
        if let Some(entry) = entries.first() {
            let mut changed = entry.service.clone();
            changed.description = format!(
                "{} Now also running in the school holidays.",
                changed.description
            );
            changed.alert = Some("New holiday sessions from April.".into());
            self.propose_service_change(provider, changed, entry.version)
                .await?;
        }
        if let Some(entry) = entries.get(1) {
            self.leave_directory_feedback(
                &entry.service.id,
                "The phone number on this page did not work when we rang on Tuesday.",
                None,
            )
            .await?;
        }
        let _ = officer;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_pupil_is_of_an_age_for_their_schools_phase() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        for (given, _, born, urn, _) in PUPILS {
            let dob = demo_date_of_birth(born, today).unwrap();
            let year = mns_domain::calendar::year_group(
                dob,
                mns_domain::calendar::SchoolYear::containing(today),
            );
            assert_eq!(year, born.0, "{given}");
            let phase = SCHOOLS.iter().find(|s| s.0 == urn).unwrap().3;
            let (low, high) = match phase {
                "Primary" if urn == "121004" => (3, 6),
                "Primary" => (0, 6),
                "Secondary" => (7, 11),
                _ => (1, 14),
            };
            assert!(
                (low..=high).contains(&born.0),
                "{given} in year {} at {urn}",
                born.0
            );
        }
    }

    #[test]
    fn every_demo_pupil_has_a_valid_upn() {
        for (.., stem) in PUPILS {
            assert!(upn_for(stem).is_some(), "{stem}");
        }
    }
}
