//! The demo's cases and the resources they use: HLSAs, online places and robots.

use super::*;
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;

impl App {
    /// The demo's HLSAs and robots (MN-PROV-1): Ruby needs more HLSA hours than are free, so
    /// the gap waits; Harry waits for a robot while one is in repair.
    pub(super) async fn load_demo_resources(
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
                    ..Default::default()
                },
            )
            .await?;
        }
        Ok(())
    }
}

/// Days from each demo child's referral to their first day of provision (issue 17): most
/// within the council's 15-day target, two later.
fn demo_wait(given: &str) -> i64 {
    match given {
        "Isla" => 10,
        "Harry" => 12,
        "Ruby" => 9,
        "Jack" => 14,
        "Evie" => 24,
        _ => 31,
    }
}

/// The Part A agreed for a demo child: Ruby's school wrote down its own 27.5-hour week as full
/// time, so her package has no medical reason though it is less than the 32.5 hours owed to
/// her year group (the Section 19 report lists her); Jack's is full time; the others are part
/// time for a medical reason.
fn demo_plan_for(given: &str, meeting: NaiveDate) -> mns_domain::provision::record::PartA {
    use mns_domain::outcomes::ConditionGroup;
    use mns_domain::provision::{Component, Package};
    let mut plan = demo_plan(meeting);
    // The health condition behind each referral, as a group for the service's figures.
    plan.condition_group = Some(match given {
        "Isla" => ConditionGroup::Cancer,
        "Harry" => ConditionGroup::LongTermPhysical,
        "Evie" | "Ruby" | "Mia" => ConditionGroup::MentalHealth,
        "Jack" => ConditionGroup::InjuryOrSurgery,
        "Ava" => ConditionGroup::EatingDisorder,
        _ => ConditionGroup::ChronicFatigue,
    });
    // Where each child started from: little or no attendance, no education yet.
    plan.baseline = mns_domain::outcomes::Measures {
        attendance_percent: Some(match given {
            "Jack" => 30.0,
            "Ruby" => 15.0,
            _ => 5.0,
        }),
        hours_received: Some(0.0),
        reintegration: None,
        wellbeing: [("personal_development".to_string(), 2)]
            .into_iter()
            .collect(),
    };
    if given == "Ruby" {
        plan.package = Package::new(vec![
            Component::Hlsa {
                hours_per_week: 8.0,
            },
            Component::OnlineLearning {
                provider: "Norfolk Online Academy".into(),
                hours_per_week: 15.0,
            },
            Component::Av1Robot {
                hours_per_week: 2.5,
            },
            Component::HomeSchoolContact {
                hours_per_week: 2.0,
            },
        ]);
        plan.full_time_hours = 27.5;
        plan.medical_reason = None;
    }
    // Jack is well enough for a full-time week, most of it through the robot in his lessons.
    if given == "Jack" {
        plan.package = Package::new(vec![
            Component::OnlineLearning {
                provider: "Norfolk Online Academy".into(),
                hours_per_week: 10.0,
            },
            Component::Av1Robot {
                hours_per_week: 20.0,
            },
            Component::HomeSchoolContact {
                hours_per_week: 2.5,
            },
        ]);
        plan.medical_reason = None;
        plan.readiness_statement = None;
    }
    plan
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
        condition_group: None,
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
        baseline: Default::default(),
    }
}

impl App {
    /// Drives the demo's accepted referrals through the timeline, so that every state and
    /// every dashboard figure has something in it: Isla in provision with an overdue review and
    /// repeated refusals; Ava's Part A in draft; Mia waiting; Harry's review due this week;
    /// Evie's continuation request missing; Ruby's continuation waiting for the coordinator;
    /// Jack continued into a second period; Grace ended.
    pub(super) async fn load_demo_cases(
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
                let mut tx = self.store.begin().await?;
                tx.backdate_referral(&id, start - chrono::Duration::days(demo_wait(given)))
                    .await?;
                tx.commit().await?;
                let school = school_for(given)?;
                // The school's demo user is its Designated Safeguarding Lead.
                let mut plan = demo_plan_for(given, start - chrono::Duration::days(6));
                plan.dsl_name = school.user.display_name.clone();
                plan.dsl_email = school.user.email.clone();
                self.save_plan(school, &id, plan, true).await?;
                self.start_provision(coordinator, &id, start, None).await?;
                AppResult::Ok(id)
            }
        };
        // Each review records where the child is now against the baseline (issue 17).
        let review = |held_on: NaiveDate, attendance: f64, wellbeing: u32| PartB {
            measures: mns_domain::outcomes::Measures {
                attendance_percent: Some(attendance),
                hours_received: Some(16.0),
                reintegration: Some(if attendance > 0.0 {
                    mns_domain::outcomes::Reintegration::Partial
                } else {
                    mns_domain::outcomes::Reintegration::None
                }),
                wellbeing: [("personal_development".to_string(), wellbeing)]
                    .into_iter()
                    .collect(),
            },
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
            self.record_review(
                school,
                &id,
                review(day_before(today, 14).max(start), 10.0, 3),
            )
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
            self.record_review(
                school,
                &id,
                review(day_before(today, 7).max(start), 25.0, 3),
            )
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
            self.record_review(
                school,
                &id,
                review(day_before(today, 30).max(start), 60.0, 4),
            )
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
                (
                    EndReason::WellEnoughToReturn,
                    mns_domain::outcomes::CaseOutcome::BackFullTime,
                ),
                today,
                "Back in school full time.",
            )
            .await?;
        }
        Ok(())
    }
}
