//! The demo dataset: schools, users of every role, pupils and links, term calendars: enough
//! to walk every page. Created once, on the first start of `mns demo` in a data directory.
//! Every name here is invented. The Local Offer's generated directory is in [`directory`].

pub mod directory;

use crate::Context as _;
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

/// Postcode districts with their centroids, for the demo's distance search.
const DEMO_OUTCODES: &str = include_str!("../../data/uk-outcodes.csv");
/// How many Local Offer services the demo generates.
pub const DEMO_SERVICES: usize = 300;

/// (email, name, role, school)
const USERS: [(&str, &str, &str, Option<&str>); 12] = [
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

/// A demo pupil: given name, family name, date of birth, school URN, and the 12 characters of
/// the UPN after its check letter.
type DemoPupil = (
    &'static str,
    &'static str,
    (i32, u32, u32),
    &'static str,
    &'static str,
);

const PUPILS: [DemoPupil; 17] = [
    ("Amelia", "Barnes", (2016, 3, 14), "121001", "926200125001"),
    ("Oliver", "Chapman", (2015, 11, 2), "121001", "926200125002"),
    ("Isla", "Dawson", (2017, 6, 21), "121001", "926200125003"),
    ("Noah", "Ellis", (2012, 1, 9), "121002", "926400121004"),
    ("Freya", "Fletcher", (2011, 5, 30), "121002", "926400120005"),
    ("Leo", "Grant", (2013, 9, 17), "121002", "926400122006"),
    ("Ava", "Harding", (2010, 12, 3), "121002", "926400119007"),
    ("Theo", "Irving", (2012, 7, 25), "121003", "926400321008"),
    ("Mia", "Jennings", (2011, 2, 11), "121003", "926400320009"),
    ("Arlo", "Kemp", (2014, 4, 4), "121004", "926300123010"),
    ("Ivy", "Lambert", (2015, 8, 19), "121004", "926300124011"),
    ("Finley", "Marsh", (2010, 10, 28), "121005", "926600119012"),
    ("Ruby", "Norris", (2011, 3, 8), "121003", "926400320013"),
    ("Jack", "Oakley", (2012, 6, 14), "121003", "926400321014"),
    ("Evie", "Parker", (2010, 9, 2), "121002", "926400119015"),
    ("Harry", "Quinn", (2016, 1, 27), "121001", "926200125016"),
    ("Grace", "Rowe", (2015, 4, 30), "121001", "926200124017"),
];

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
                    town: Some(town.into()),
                    postcode: Some(postcode.into()),
                    ..SchoolRecord::default()
                },
                now,
            )
            .await?;
        }
        let mut pupil_ids = Vec::new();
        for (given, family, (y, m, d), urn, stem) in PUPILS {
            let id = new_id();
            tx.insert_pupil(&PupilRecord {
                id: id.clone(),
                upn: upn_for(stem),
                given_name: given.into(),
                family_name: family.into(),
                date_of_birth: NaiveDate::from_ymd_opt(y, m, d)
                    .ok_or_else(|| AppError::internal("bad demo date"))?,
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
        self.load_demo_directory(
            &actor_for("provider@demo.invalid")?,
            &actor_for("localoffer@demo.invalid")?,
        )
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

    /// Referrals in every state: new, draft, waiting for evidence, accepted, declined, waiting
    /// for information, each a few days old so the queue shows days waited.
    async fn load_demo_referrals(&self, coordinator: &Actor, schools: &[Actor]) -> AppResult<()> {
        use mns_domain::referral::{
            DecisionOutcome, DeclineReason, EXAMPLE_REFERRAL_JSON, Entered, Referral,
        };
        let today = self.today();
        // (pupil index in PUPILS, school actor, days ago, final state)
        let plan: [(usize, usize, i64, &str); 14] = [
            (0, 0, 3, "submitted"),
            (1, 0, 0, "draft"),
            (2, 0, 20, "accepted"),
            (6, 1, 10, "accepted"),
            (8, 2, 5, "accepted"),
            (12, 2, 30, "accepted"),
            (13, 2, 30, "accepted"),
            (14, 1, 30, "accepted"),
            (15, 0, 30, "accepted"),
            (16, 0, 30, "accepted"),
            (3, 1, 12, "waiting_for_evidence"),
            (4, 1, 16, "declined"),
            (5, 1, 9, "information_requested"),
            (7, 2, 1, "submitted"),
        ];
        for (pupil_index, school_index, days_ago, state) in plan {
            let (given, family, (y, m, d), urn, stem) = PUPILS[pupil_index];
            let school = &schools[school_index];
            let dob = NaiveDate::from_ymd_opt(y, m, d)
                .ok_or_else(|| AppError::internal("bad demo date"))?;
            let mut form: Referral =
                serde_json::from_str(EXAMPLE_REFERRAL_JSON).context("example referral")?;
            form.pupil.first_name = given.into();
            form.pupil.last_name = family.into();
            form.pupil.date_of_birth = Some(dob);
            form.pupil.upn = upn_for(stem).map(Entered::new);
            form.pupil.year_group = Some(mns_domain::calendar::year_group(
                dob,
                mns_domain::calendar::SchoolYear::containing(today),
            ));
            form.school.name = SCHOOLS
                .iter()
                .find(|s| s.0 == urn)
                .map(|s| s.1.to_string())
                .unwrap_or_default();
            let referral_day = today - chrono::Duration::days(days_ago);
            if let Some(evidence) = form.evidence.first_mut() {
                evidence.date_seen = Some(referral_day - chrono::Duration::days(20));
            }
            form.healthy_child_programme.contacted_on =
                Some(referral_day - chrono::Duration::days(30));
            form.consent.given_on = Some(referral_day - chrono::Duration::days(5));
            form.referral_date = Some(referral_day);
            let draft = self.start_referral(school).await?;
            let id = draft.record.id.clone();
            if state == "draft" {
                let mut partial = Referral::default();
                partial.pupil.first_name = given.into();
                partial.pupil.last_name = family.into();
                partial.pupil.date_of_birth = Some(dob);
                self.save_referral(school, &id, partial).await?;
                continue;
            }
            let letter = crate::letters::render(&crate::letters::Letter {
                council: "Norfolk and Waveney Children's Services (demo)".into(),
                service: "Paediatric outpatients".into(),
                date: referral_day.format("%-d %B %Y").to_string(),
                title: format!("Clinic letter: {given} {family}"),
                blocks: vec![
                    crate::letters::Block::Paragraph("Invented demo evidence. I saw this young person in clinic today with their parent.".into()),
                    crate::letters::Block::Paragraph("Diagnosis and treatment: Crohn's disease, severe flare, on steroids; surgery planned. They are not well enough to attend school for a full day.".into()),
                ],
            });
            self.store_document(
                school,
                crate::referrals::REFERRAL,
                &id,
                "clinic-letter.pdf",
                &letter,
            )
            .await?;
            self.save_referral(school, &id, form).await?;
            self.submit_referral(school, &id).await?;
            // Back-date the referral so the demo's queue shows days waited.
            if let Some(mut record) = self.store.get_referral(&id).await? {
                record.referral_date = Some(referral_day);
                let mut tx = self.store.begin().await?;
                tx.save_referral(&record).await?;
                tx.commit().await?;
            }
            match state {
                "waiting_for_evidence" => {
                    self.set_waiting_for_evidence(
                        coordinator,
                        &id,
                        Some(referral_day + chrono::Duration::days(2)),
                    )
                    .await?;
                }
                "accepted" => {
                    self.decide_referral(coordinator, &id, DecisionOutcome::Accept)
                        .await?;
                }
                "declined" => {
                    let outcome = DecisionOutcome::Decline {
                        reasons: vec![DeclineReason::NeedMetBySchool],
                        explanation: "The school's reduced timetable and online work meet the need for now; refer again if absence continues.".into(),
                    };
                    self.decide_referral(coordinator, &id, outcome).await?;
                }
                "information_requested" => {
                    let outcome = DecisionOutcome::AskForInformation {
                        questions: vec![
                            "Please send the consultant's letter from the October appointment."
                                .into(),
                        ],
                    };
                    self.decide_referral(coordinator, &id, outcome).await?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl App {
    /// The demo's HLSAs and robots (MN-PROV-1): Ruby needs more HLSA hours than are free, so
    /// the gap waits; Harry waits for a robot while one is in repair.
    async fn load_demo_resources(
        &self,
        coordinator: &Actor,
        cases: &std::collections::HashMap<&str, String>,
    ) -> AppResult<()> {
        use mns_domain::provision::RobotState;
        for (name, hours, areas) in [
            ("Sam Reed", 20.0, "Norwich, Broadland"),
            ("Lou Baker", 12.0, "King's Lynn and West Norfolk"),
            ("Kit Moss", 6.0, "Great Yarmouth, North Norfolk"),
        ] {
            self.add_hlsa_worker(coordinator, name, Some(hours), areas)
                .await?;
        }
        let workers = self.store.hlsa_workers().await?;
        let worker = |name: &str| {
            workers
                .iter()
                .find(|w| w.name == name)
                .map(|w| w.id.clone())
        };
        for (pupil, who, hours) in [
            ("Isla", "Sam Reed", 5.0),
            ("Harry", "Sam Reed", 5.0),
            ("Ruby", "Kit Moss", 8.0),
        ] {
            if let (Some(case), Some(worker)) = (cases.get(pupil), worker(who)) {
                self.allocate_hlsa(coordinator, case, &worker, Some(hours))
                    .await?;
            }
        }
        for serial in ["AV1-1001", "AV1-1002", "AV1-1003"] {
            self.add_robot(coordinator, serial).await?;
        }
        let moves: [(&str, &str, &[RobotState]); 3] = [
            (
                "AV1-1001",
                "Jack",
                &[RobotState::Allocated, RobotState::WithSchool],
            ),
            ("AV1-1002", "Ruby", &[RobotState::Allocated]),
            (
                "AV1-1003",
                "Evie",
                &[
                    RobotState::Allocated,
                    RobotState::WithSchool,
                    RobotState::Repair,
                ],
            ),
        ];
        for (serial, pupil, path) in moves {
            let Some(case) = cases.get(pupil) else {
                continue;
            };
            for to in path {
                self.move_robot(coordinator, serial, Some(*to), Some(case))
                    .await?;
            }
        }
        if let Some(case) = cases.get("Harry") {
            self.wait_for_robot(coordinator, case).await?;
        }
        // Norfolk Online Academy has two places: Jack and Evie have them, Ruby waits.
        self.add_online_provider(coordinator, "Norfolk Online Academy", Some(2))
            .await?;
        if let Some(provider) = self.store.online_providers().await?.first() {
            for pupil in ["Jack", "Evie", "Ruby"] {
                if let Some(case) = cases.get(pupil) {
                    self.allocate_online_place(coordinator, case, &provider.id)
                        .await?;
                }
            }
        }
        // Ava is in hospital with discharge planned; a private hospital's invoices, one
        // complete and one still missing the timetable (MN-HOSP-1, MN-HOSP-2). Jack has an EHCP
        // (MN-SEND-1).
        let today = self.today();
        if let Some(case) = cases.get("Ava") {
            self.record_admission(
                coordinator,
                case,
                "Priory Hospital Norwich (Tier 4)",
                "Norfolk Hospital School",
                today.checked_sub_days(chrono::Days::new(12)),
                today.checked_add_days(chrono::Days::new(9)),
            )
            .await?;
            self.record_invoice(
                coordinator,
                case,
                "Priory Hospital Norwich",
                "PHN-4471",
                "1,250.00",
                (true, true, true),
            )
            .await?;
            self.record_invoice(
                coordinator,
                case,
                "Priory Hospital Norwich",
                "PHN-4502",
                "980.00",
                (true, false, true),
            )
            .await?;
        }
        if let Some(case) = cases.get("Jack") {
            self.set_send_details(
                coordinator,
                case,
                mns_domain::provision::SendDetails {
                    has_ehcp: true,
                    ehcp_coordinator: Some("Morgan Hale".into()),
                    designated_clinical_officer_raised: false,
                },
            )
            .await?;
        }
        Ok(())
    }
}

/// The Part A the demo's planning meetings agreed: part time for a medical reason, with an
/// HLSA, online learning and actions.
fn demo_plan(meeting: NaiveDate) -> mns_domain::provision::record::PartA {
    use mns_domain::provision::record::{Attendee, PartA};
    use mns_domain::provision::{Action, AttendeeKind, Component, MeetingPlace, Package};
    PartA {
        meeting_date: Some(meeting),
        place: Some(MeetingPlace::Home),
        attendees: vec![
            Attendee { kind: AttendeeKind::ParentCarer, name: "Pat Green".into() },
            Attendee { kind: AttendeeKind::HomeSchoolRepresentative, name: "Jo Turner".into() },
            Attendee { kind: AttendeeKind::Coordinator, name: "Alex Morgan".into() },
            Attendee { kind: AttendeeKind::HealthProfessional, name: "Dr Kim Shaw".into() },
        ],
        learning_needs: "Keep up with English, maths and science; short sessions because of fatigue.".into(),
        expectations: "The school sets and marks work weekly; the family makes sure the young person is ready for each session.".into(),
        package: Package::new(vec![
            Component::Hlsa { hours_per_week: 5.0 },
            Component::OnlineLearning { provider: "Home school".into(), hours_per_week: 10.0 },
            Component::HomeSchoolContact { hours_per_week: 1.0 },
        ]),
        full_time_hours: 32.5,
        medical_reason: Some("Fatigue from treatment: the consultant advises no more than three hours of learning a day.".into()),
        readiness_statement: Some(mns_domain::provision::HLSA_READINESS_STATEMENT.into()),
        actions: vec![Action {
            description: "Send the weekly timetable and log-in details".into(),
            owner: "Home school".into(),
            due: meeting.checked_add_days(chrono::Days::new(7)),
        }],
        dsl_name: "Jo Turner".into(),
        dsl_email: "dsl@wensum-valley.example".into(),
        joint_approach: "One weekly call between the school and the family; the HLSA reports to the school after each visit.".into(),
        has_ehcp: false,
        has_social_worker: false,
    }
}

impl App {
    /// Drives the demo's accepted referrals through the timeline, so that every state and
    /// every dashboard figure has something in it: Isla in provision with an overdue review and
    /// repeated refusals; Ava's Part A in draft; Mia waiting; Harry's review due this week;
    /// Evie's continuation request missing; Ruby's continuation waiting for the coordinator;
    /// Jack continued into a second period; Grace ended.
    async fn load_demo_cases(
        &self,
        coordinator: &Actor,
        schools: &[Actor],
        provider: &Actor,
    ) -> AppResult<()> {
        use mns_domain::provision::record::PartB;
        use mns_domain::provision::{
            ContinuationRequest, EndReason, ProvisionPeriod, ReintegrationStep,
        };
        let Some(calendar) = self.school_calendar().await? else {
            return Ok(());
        };
        let today = self.today();
        let policy = self.policy().clone();
        // The latest school day before today whose period satisfies `want`.
        let find_start = |want: &dyn Fn(&ProvisionPeriod) -> bool| -> Option<NaiveDate> {
            (1..=320u64).find_map(|back| {
                let start = today.checked_sub_days(chrono::Days::new(back))?;
                let weekday = start.weekday().num_days_from_monday() < 5;
                if !weekday || !calendar.is_school_week(start) {
                    return None;
                }
                let p = mns_domain::provision::period(&calendar, start, &policy, None).ok()?;
                want(&p).then_some(start)
            })
        };
        let case_of = |given: &str| -> AppResult<usize> {
            PUPILS
                .iter()
                .position(|p| p.0 == given)
                .ok_or_else(|| AppError::internal(format!("no demo pupil {given}")))
        };
        let mut cases: std::collections::HashMap<&str, String> = Default::default();
        for line in self.store.case_lines(&[], None, None).await? {
            for (given, ..) in PUPILS {
                if line.pupil_name.starts_with(&format!("{given} ")) {
                    cases.insert(given, line.case.id.clone());
                }
            }
        }
        let school_for = |given: &str| -> AppResult<&Actor> {
            let urn = PUPILS[case_of(given)?].3;
            schools
                .iter()
                .find(|s| s.user.school_urn.as_deref() == Some(urn))
                .ok_or_else(|| AppError::internal(format!("no demo school user for {given}")))
        };
        // Part A and the start of provision, back-dating the referral before it.
        let start_case = |given: &'static str, start: NaiveDate| {
            let id = cases.get(given).cloned();
            async move {
                let id =
                    id.ok_or_else(|| AppError::internal(format!("no demo case for {given}")))?;
                if let Some(mut case) = self.store.get_case(&id).await? {
                    case.referral_date = start - chrono::Duration::days(24);
                    let mut tx = self.store.begin().await?;
                    tx.save_case(&case).await?;
                    tx.commit().await?;
                }
                let school = school_for(given)?;
                // The school's demo user is its Designated Safeguarding Lead.
                let mut plan = demo_plan(start - chrono::Duration::days(6));
                plan.dsl_name = school.user.display_name.clone();
                plan.dsl_email = school.user.email.clone();
                self.save_plan(school, &id, plan, true).await?;
                self.start_provision(coordinator, &id, start, None).await?;
                AppResult::Ok(id)
            }
        };
        let review = |held_on: NaiveDate| PartB {
            held_on: Some(held_on),
            held_by_school: false,
            progress: "Engaging well with online lessons; energy improving.".into(),
            amendments: String::new(),
            steps: vec![
                ReintegrationStep::BreakOrLunchTimes,
                ReintegrationStep::MetOnArrivalByKeyWorker,
            ],
            reintegration_plan: "Two lunchtimes a week in school from next half term.".into(),
            actions: Vec::new(),
        };
        let day_before =
            |d: NaiveDate, n: u64| d.checked_sub_days(chrono::Days::new(n)).unwrap_or(d);

        // Isla: in provision, review overdue, three refusals in the last four weeks.
        if let Some(start) = find_start(&|p| p.review_due < today && p.continuation_due > today) {
            let id = start_case("Isla", start).await?;
            for (back, outcome) in [
                (20, "delivered"),
                (13, "delivered"),
                (9, "refused"),
                (6, "cancelled_by_family"),
                (2, "refused"),
            ] {
                let day = day_before(today, back);
                if day >= start {
                    self.log_session(provider, &id, day, outcome, 2.0, "")
                        .await?;
                }
            }
        }
        // Ava: Part A drafted at the planning meeting, not yet finalised.
        if let Some(id) = cases.get("Ava") {
            let mut draft = demo_plan(day_before(today, 2));
            draft.dsl_name = String::new();
            self.save_plan(school_for("Ava")?, id, draft, false).await?;
        }
        // Harry: the review is due this week, and arranged.
        if let Some(start) =
            find_start(&|p| mns_domain::provision::due_this_week(p.review_due, today))
                .or_else(|| find_start(&|p| p.review_due >= today))
        {
            let id = start_case("Harry", start).await?;
            self.start_review(school_for("Harry")?, &id).await?;
        }
        // Evie: reviewed, but no continuation request though it was due (MN-CONT-3); the
        // school asks to end provision.
        if let Some(start) = find_start(&|p| {
            p.continuation_due < today && p.end >= today && p.review_due < day_before(today, 14)
        }) {
            let id = start_case("Evie", start).await?;
            let school = school_for("Evie")?;
            self.start_review(school, &id).await?;
            self.record_review(school, &id, review(day_before(today, 14).max(start)))
                .await?;
            self.request_end(
                school,
                &id,
                None,
                "Evie's consultant expects her back in school full time after the holiday.",
            )
            .await?;
        }
        // Ruby: reviewed, and the school's continuation request waits for the coordinator.
        if let Some(start) = find_start(&|p| p.review_due < day_before(today, 7) && p.end > today) {
            let id = start_case("Ruby", start).await?;
            let school = school_for("Ruby")?;
            self.start_review(school, &id).await?;
            self.record_review(school, &id, review(day_before(today, 7).max(start)))
                .await?;
            self.request_continuation(
                school,
                &id,
                ContinuationRequest {
                    evidence_dated: Some(day_before(today, 5)),
                    has_attendance: true,
                    has_updated_healthcare_plan: true,
                },
                true,
                "Treatment continues until February.",
            )
            .await?;
        }
        // Jack: the first period ended and the coordinator agreed a second.
        if let Some(start) =
            find_start(&|p| p.end < day_before(today, 7) && p.end > day_before(today, 60))
        {
            let id = start_case("Jack", start).await?;
            let school = school_for("Jack")?;
            self.start_review(school, &id).await?;
            self.record_review(school, &id, review(day_before(today, 30).max(start)))
                .await?;
            self.request_continuation(
                school,
                &id,
                ContinuationRequest {
                    evidence_dated: Some(day_before(today, 20)),
                    has_attendance: true,
                    has_updated_healthcare_plan: false,
                },
                false,
                "",
            )
            .await?;
            self.agree_continuation(coordinator, &id).await?;
        }
        self.load_demo_resources(coordinator, &cases).await?;
        // Grace: provision ended and the letter issued.
        if let Some(start) = find_start(&|p| p.end < day_before(today, 20)) {
            let id = start_case("Grace", start).await?;
            self.end_case(
                coordinator,
                &id,
                EndReason::WellEnoughToReturn,
                "Back in school full time.",
            )
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_pupil_has_a_valid_upn() {
        for (.., stem) in PUPILS {
            assert!(upn_for(stem).is_some(), "{stem}");
        }
    }
}
