//! A case's timeline after acceptance: the states it passes through, who may move it on
//! (MN-END-2), and the period of provision counted in school weeks on the term calendar
//! (MN-PLAN-5), with the review (MN-REV-1) and continuation request (MN-CONT-2) due inside it.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{OutsideCalendarError, SchoolCalendar};
use crate::identity::Role;
use crate::referral::PolicyParameters;

/// Days from the referral to the first day of provision (MN-DEC-2), measured for every case.
/// The referral module owns the measure; it is re-exported here because the provision
/// timeline is where the start date is known.
pub use crate::referral::days_from_referral_to_provision_start;

/// Where a case stands once the referral is accepted. The string forms are stable: they are
/// stored and shown in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// The coordinator accepted the referral (MN-DEC-1); the school is to arrange the planning
    /// meeting.
    Accepted,
    /// The planning meeting is being arranged or held and the record written (MN-PLAN-1..4).
    Planning,
    /// The package is being delivered in the initial period (MN-PLAN-5, MN-PROV-2).
    InProvision,
    /// The review and reintegration meeting is under way (MN-REV-1).
    Review,
    /// The school has submitted a continuation request for the coordinator to decide
    /// (MN-CONT-1).
    ContinuationRequested,
    /// The coordinator agreed the continuation and the timeline started again (MN-CONT-2).
    Continued,
    /// The coordinator ended provision and issued the End of Provision letter (MN-END-2).
    Ended,
}

/// The text did not name a case state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a case state; use one of: {list}", list = CaseState::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))]
pub struct UnknownCaseState(pub String);

impl CaseState {
    /// Every state, in the order a case usually passes through them.
    pub const ALL: [CaseState; 7] = [
        CaseState::Accepted,
        CaseState::Planning,
        CaseState::InProvision,
        CaseState::Review,
        CaseState::ContinuationRequested,
        CaseState::Continued,
        CaseState::Ended,
    ];

    /// The stored form (`accepted`, `in_provision`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Accepted => "accepted",
            CaseState::Planning => "planning",
            CaseState::InProvision => "in_provision",
            CaseState::Review => "review",
            CaseState::ContinuationRequested => "continuation_requested",
            CaseState::Continued => "continued",
            CaseState::Ended => "ended",
        }
    }

    /// Parses the stored form; case, spaces and `-`/`_` are forgiven.
    pub fn parse(text: &str) -> Result<CaseState, UnknownCaseState> {
        let key = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        CaseState::ALL
            .into_iter()
            .find(|state| state.as_str() == key)
            .ok_or_else(|| UnknownCaseState(text.trim().to_owned()))
    }

    /// How the state is named to people.
    pub fn label(self) -> &'static str {
        match self {
            CaseState::Accepted => "Accepted",
            CaseState::Planning => "Planning meeting",
            CaseState::InProvision => "In provision",
            CaseState::Review => "Review and reintegration",
            CaseState::ContinuationRequested => "Continuation requested",
            CaseState::Continued => "Continued",
            CaseState::Ended => "Ended",
        }
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a case cannot be moved as asked (MN-END-2, MN-ROLE-2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The case has ended; nothing moves it again.
    #[error("This case has ended; a new referral opens a new case")]
    CaseEnded,
    /// No role may move a case between these two states.
    #[error("A case cannot move from {} to {}", .from.label(), .to.label())]
    NoSuchMove {
        /// The state the case is in.
        from: CaseState,
        /// The state asked for.
        to: CaseState,
    },
    /// Only the coordinator ends provision (MN-END-2); others may ask.
    #[error("Only the Medical Needs Coordinator ends provision; ask the coordinator to end it")]
    OnlyTheCoordinatorEnds {
        /// The role that tried.
        role: Role,
    },
    /// Only the school submits a continuation request (MN-ROLE-2, MN-CONT-1).
    #[error("Only the pupil's school submits a continuation request")]
    OnlyTheSchoolRequestsContinuation {
        /// The role that tried.
        role: Role,
    },
    /// The move exists, but not for this role.
    #[error("{} cannot move a case from {} to {}", .role.label(), .from.label(), .to.label())]
    NotForThisRole {
        /// The role that tried.
        role: Role,
        /// The state the case is in.
        from: CaseState,
        /// The state asked for.
        to: CaseState,
    },
}

/// Who may make each move, or `None` where the move does not exist.
///
/// The coordinator decides (MN-ROLE-1), so may make every move but one: a continuation request
/// is the school's to submit (MN-ROLE-2), so the coordinator decides it rather than writes it.
/// The school arranges the planning meeting (MN-PLAN-1) and may hold the review (MN-REV-2).
fn movers(from: CaseState, to: CaseState) -> Option<&'static [Role]> {
    use CaseState::*;
    const COORDINATOR: &[Role] = &[Role::Coordinator];
    const COORDINATOR_OR_SCHOOL: &[Role] = &[Role::Coordinator, Role::School];
    const SCHOOL: &[Role] = &[Role::School];
    match (from, to) {
        (Ended, _) => None,
        (_, Ended) => Some(COORDINATOR),
        (Accepted, Planning) => Some(COORDINATOR_OR_SCHOOL),
        (Planning, InProvision) => Some(COORDINATOR),
        (InProvision | Continued, Review) => Some(COORDINATOR_OR_SCHOOL),
        (Review, InProvision) => Some(COORDINATOR_OR_SCHOOL),
        (InProvision | Review | Continued, ContinuationRequested) => Some(SCHOOL),
        (ContinuationRequested, Continued) => Some(COORDINATOR),
        _ => None,
    }
}

/// Whether `role` may move a case from `from` to `to` (MN-END-2): only the coordinator ends
/// provision; only the school requests continuation (MN-ROLE-2); the coordinator makes every
/// other move, and the school may also start planning and hold the review.
pub fn may_move(from: CaseState, to: CaseState, role: Role) -> Result<(), TransitionError> {
    if from == CaseState::Ended {
        return Err(TransitionError::CaseEnded);
    }
    let Some(roles) = movers(from, to) else {
        return Err(TransitionError::NoSuchMove { from, to });
    };
    if roles.contains(&role) {
        return Ok(());
    }
    Err(match to {
        CaseState::Ended => TransitionError::OnlyTheCoordinatorEnds { role },
        CaseState::ContinuationRequested => {
            TransitionError::OnlyTheSchoolRequestsContinuation { role }
        }
        _ => TransitionError::NotForThisRole { role, from, to },
    })
}

/// The states `role` may move a case in `from` to, in the usual order: the buttons to show.
pub fn moves_for(from: CaseState, role: Role) -> Vec<CaseState> {
    CaseState::ALL
        .into_iter()
        .filter(|&to| may_move(from, to, role).is_ok())
        .collect()
}

/// Whether `role` may ask the coordinator to end provision (MN-END-2, MN-END-3): the school, a
/// provider and a health professional can ask, and the system lets them. The coordinator does
/// not ask, it ends; parents and read-only roles go through the school or the coordinator.
pub fn may_request_end(role: Role) -> bool {
    super::CaseAction::RequestEnd.allowed_for(role)
}

/// Whether stopping provision on `stops_on` means the school must tell the coordinator at once
/// (MN-END-3): it stops before the period was due to end.
pub fn must_tell_coordinator_at_once(period: &ProvisionPeriod, stops_on: NaiveDate) -> bool {
    stops_on < period.end
}

/// A period of provision on the school calendar (MN-PLAN-5), with the review (MN-REV-1) and
/// the continuation request (MN-CONT-2) due inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionPeriod {
    /// The first day of provision.
    pub start: NaiveDate,
    /// The day the period has run: the same weekday as `start` in the last school week of the
    /// period, or the expected end of the absence if that is sooner (MN-PLAN-5).
    pub end: NaiveDate,
    /// The review meeting is due by this day (MN-REV-1): the start's weekday in the review
    /// week, and never after `end`.
    pub review_due: NaiveDate,
    /// The continuation request is due by this day (MN-CONT-2): the end's weekday the set
    /// number of school weeks before `end`, and never before `start`.
    pub continuation_due: NaiveDate,
    /// Whether `end` is the expected end of the absence rather than the full initial period.
    pub ends_with_expected_absence: bool,
}

/// Why a period of provision cannot be worked out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The term dates loaded do not reach the end of the period.
    #[error(transparent)]
    OutsideCalendar(#[from] OutsideCalendarError),
    /// The expected end of the absence is before provision starts.
    #[error(
        "The absence is expected to end on {}, before provision starts on {}; check the dates",
        .expected_absence_end.format("%-d %B %Y"),
        .start.format("%-d %B %Y")
    )]
    AbsenceEndsBeforeStart {
        /// The first day of provision.
        start: NaiveDate,
        /// The expected end of the absence.
        expected_absence_end: NaiveDate,
    },
}

/// The period of provision starting on `start` (MN-PLAN-5): the policy's initial period
/// (**12** school weeks) counted on the term calendar, or up to the expected end of the
/// absence if that is sooner. The review is due by school week **6** of it (MN-REV-1) and the
/// continuation request **2** school weeks before its end (MN-CONT-2).
///
/// School weeks are counted as [`SchoolCalendar::add_school_weeks`] counts them: holiday weeks
/// do not count, and the dates found keep the weekday they were counted from, so one can fall
/// on a bank holiday in a school week.
pub fn period(
    calendar: &SchoolCalendar,
    start: NaiveDate,
    policy: &PolicyParameters,
    expected_absence_end: Option<NaiveDate>,
) -> Result<ProvisionPeriod, PeriodError> {
    let full_end = calendar.add_school_weeks(start, policy.initial_period_weeks)?;
    let (end, ends_with_expected_absence) = match expected_absence_end {
        Some(absence_end) if absence_end < start => {
            return Err(PeriodError::AbsenceEndsBeforeStart {
                start,
                expected_absence_end: absence_end,
            });
        }
        Some(absence_end) if absence_end < full_end => (absence_end, true),
        _ => (full_end, false),
    };
    let review_due = calendar
        .add_school_weeks(start, policy.review_due_by_week)?
        .min(end);
    let continuation_due = school_weeks_before(
        calendar,
        start,
        end,
        policy.continuation_due_weeks_before_end,
    );
    Ok(ProvisionPeriod {
        start,
        end,
        review_due,
        continuation_due,
        ends_with_expected_absence,
    })
}

/// The Monday of the week the date falls in.
fn monday_of(date: NaiveDate) -> NaiveDate {
    date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
        .unwrap_or(date)
}

/// The weekday of `end` in the `weeks`-th school week before the week of `end`, counted back
/// the way [`SchoolCalendar::add_school_weeks`] counts forward; `start` if that would reach the
/// week of `start` or earlier. The walk stays inside weeks already counted forward, so it
/// cannot leave the calendar.
fn school_weeks_before(
    calendar: &SchoolCalendar,
    start: NaiveDate,
    end: NaiveDate,
    weeks: u32,
) -> NaiveDate {
    let start_monday = monday_of(start);
    let mut monday = monday_of(end);
    let mut counted = 0;
    while counted < weeks {
        match monday.checked_sub_days(Days::new(7)) {
            Some(previous) if previous > start_monday => monday = previous,
            _ => return start,
        }
        if calendar.is_school_week(monday) {
            counted += 1;
        }
    }
    let weekday = Days::new(u64::from(end.weekday().num_days_from_monday()));
    monday
        .checked_add_days(weekday)
        .unwrap_or(monday)
        .max(start)
}

/// What a school sends to ask for another period (MN-CONT-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContinuationRequest {
    /// The date of the newest medical evidence sent with the request.
    pub evidence_dated: Option<NaiveDate>,
    /// Whether the attendance herringbone for the period is attached.
    pub has_attendance: bool,
    /// Whether an updated individual healthcare plan is attached.
    pub has_updated_healthcare_plan: bool,
}

impl ContinuationRequest {
    /// What the request still lacks (MN-CONT-1): updated medical evidence no older than the
    /// policy allows (the MN-EV age rule applies again), the attendance herringbone, and an
    /// updated healthcare plan where the pupil has one. Empty when it is complete.
    pub fn missing(
        &self,
        pupil_has_healthcare_plan: bool,
        today: NaiveDate,
        policy: &PolicyParameters,
    ) -> Vec<&'static str> {
        self.missing_by_field(pupil_has_healthcare_plan, today, policy)
            .into_iter()
            .map(|(_, what)| what)
            .collect()
    }

    /// [`ContinuationRequest::missing`], each with the request's field it belongs to
    /// (`evidence_dated`, `has_attendance`, `has_updated_healthcare_plan`), so a form can show
    /// each problem once, at its field (MN-CONT-1).
    pub fn missing_by_field(
        &self,
        pupil_has_healthcare_plan: bool,
        today: NaiveDate,
        policy: &PolicyParameters,
    ) -> Vec<(&'static str, &'static str)> {
        let mut missing = Vec::new();
        let oldest = today
            .checked_sub_days(Days::new(u64::from(policy.evidence_max_age_weeks) * 7))
            .unwrap_or(NaiveDate::MIN);
        match self.evidence_dated {
            None => missing.push(("evidence_dated", "updated medical evidence")),
            Some(dated) if dated < oldest || dated > today => missing.push((
                "evidence_dated",
                "medical evidence dated within the policy's evidence age",
            )),
            Some(_) => {}
        }
        if !self.has_attendance {
            missing.push(("has_attendance", "the attendance herringbone"));
        }
        if pupil_has_healthcare_plan && !self.has_updated_healthcare_plan {
            missing.push((
                "has_updated_healthcare_plan",
                "the updated individual healthcare plan",
            ));
        }
        missing
    }
}

/// Whether the case is flagged for ending (MN-CONT-3): the continuation request was due and
/// none has come. The flag is shown to the coordinator, who decides (MN-END-1).
pub fn flag_no_continuation(period: &ProvisionPeriod, today: NaiveDate, has_request: bool) -> bool {
    !has_request && today > period.continuation_due
}

/// Whether a date is due this week, for the dashboard: in today's Monday-to-Sunday week and not
/// yet passed (a passed date is [`overdue`]).
pub fn due_this_week(date: NaiveDate, today: NaiveDate) -> bool {
    date >= today && monday_of(date) == monday_of(today)
}

/// Whether a due date has passed, for the dashboard: the day itself is still on time.
pub fn overdue(date: NaiveDate, today: NaiveDate) -> bool {
    date < today
}

#[cfg(test)]
mod continuation_request_tests {
    use super::*;

    #[test]
    fn mn_cont_1_a_continuation_request_needs_new_evidence_attendance_and_the_plan() {
        let policy = PolicyParameters::norfolk_2024();
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        let complete = ContinuationRequest {
            evidence_dated: NaiveDate::from_ymd_opt(2026, 2, 20),
            has_attendance: true,
            has_updated_healthcare_plan: true,
        };
        assert!(complete.missing(true, today, &policy).is_empty());
        let stale = ContinuationRequest {
            evidence_dated: NaiveDate::from_ymd_opt(2025, 9, 1),
            has_attendance: false,
            has_updated_healthcare_plan: false,
        };
        assert_eq!(
            stale.missing(true, today, &policy),
            vec![
                "medical evidence dated within the policy's evidence age",
                "the attendance herringbone",
                "the updated individual healthcare plan",
            ]
        );
        // No healthcare plan to update: not asked for.
        let no_plan = ContinuationRequest {
            has_updated_healthcare_plan: false,
            ..complete
        };
        assert!(no_plan.missing(false, today, &policy).is_empty());
        let none = ContinuationRequest {
            evidence_dated: None,
            ..no_plan
        };
        assert_eq!(
            none.missing(false, today, &policy),
            vec!["updated medical evidence"]
        );
        let fields: Vec<&str> = stale
            .missing_by_field(true, today, &policy)
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        assert_eq!(
            fields,
            [
                "evidence_dated",
                "has_attendance",
                "has_updated_healthcare_plan"
            ]
        );
    }
}

#[cfg(test)]
mod tests {
    use chrono::Weekday;
    use proptest::prelude::*;

    use super::*;
    use crate::calendar::{BankHolidays, norfolk_2025_26};
    use crate::provision::test_support::{date, norfolk};

    fn policy() -> PolicyParameters {
        PolicyParameters::norfolk_2024()
    }

    #[test]
    fn case_states_round_trip_through_their_stored_form() {
        for state in CaseState::ALL {
            assert_eq!(CaseState::parse(state.as_str()), Ok(state));
            assert!(!state.label().is_empty());
        }
        assert_eq!(
            CaseState::parse(" In-Provision "),
            Ok(CaseState::InProvision)
        );
        let error = CaseState::parse("closed").unwrap_err().to_string();
        assert!(error.starts_with("'closed' is not a case state"), "{error}");
    }

    #[test]
    fn mn_end_2_only_the_coordinator_ends_provision() {
        for from in CaseState::ALL
            .into_iter()
            .filter(|s| *s != CaseState::Ended)
        {
            assert_eq!(may_move(from, CaseState::Ended, Role::Coordinator), Ok(()));
            for role in Role::ALL.into_iter().filter(|r| *r != Role::Coordinator) {
                assert_eq!(
                    may_move(from, CaseState::Ended, role),
                    Err(TransitionError::OnlyTheCoordinatorEnds { role }),
                    "{role} from {from}"
                );
            }
        }
    }

    #[test]
    fn mn_end_2_school_provider_and_health_professional_may_ask_to_end() {
        let askers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| may_request_end(*r))
            .collect();
        assert_eq!(
            askers,
            [Role::School, Role::Provider, Role::HealthProfessional]
        );
    }

    #[test]
    fn mn_end_3_stopping_before_the_period_ends_is_told_at_once() {
        let period = period(&norfolk(), date(2025, 9, 10), &policy(), None).unwrap();
        assert!(must_tell_coordinator_at_once(&period, date(2025, 11, 12)));
        assert!(!must_tell_coordinator_at_once(&period, period.end));
    }

    #[test]
    fn mn_role_2_only_the_school_requests_continuation() {
        let from = CaseState::InProvision;
        let to = CaseState::ContinuationRequested;
        assert_eq!(may_move(from, to, Role::School), Ok(()));
        assert_eq!(
            may_move(from, to, Role::Coordinator),
            Err(TransitionError::OnlyTheSchoolRequestsContinuation {
                role: Role::Coordinator
            })
        );
        assert_eq!(
            may_move(
                CaseState::ContinuationRequested,
                CaseState::Continued,
                Role::School
            ),
            Err(TransitionError::NotForThisRole {
                role: Role::School,
                from: CaseState::ContinuationRequested,
                to: CaseState::Continued
            })
        );
    }

    #[test]
    fn the_coordinator_moves_a_case_along_its_usual_path() {
        let path = [
            CaseState::Accepted,
            CaseState::Planning,
            CaseState::InProvision,
            CaseState::Review,
            CaseState::InProvision,
        ];
        for pair in path.windows(2) {
            assert_eq!(may_move(pair[0], pair[1], Role::Coordinator), Ok(()));
        }
        assert_eq!(
            moves_for(CaseState::Accepted, Role::School),
            [CaseState::Planning]
        );
        assert_eq!(
            moves_for(CaseState::Continued, Role::Coordinator),
            [CaseState::Review, CaseState::Ended]
        );
        assert!(moves_for(CaseState::InProvision, Role::Parent).is_empty());
    }

    #[test]
    fn an_ended_case_and_a_made_up_move_are_refused_with_a_reason() {
        assert_eq!(
            may_move(CaseState::Ended, CaseState::InProvision, Role::Coordinator),
            Err(TransitionError::CaseEnded)
        );
        let error =
            may_move(CaseState::Accepted, CaseState::Continued, Role::Coordinator).unwrap_err();
        assert_eq!(
            error.to_string(),
            "A case cannot move from Accepted to Continued"
        );
        let error =
            may_move(CaseState::Planning, CaseState::InProvision, Role::Provider).unwrap_err();
        assert_eq!(
            error.to_string(),
            "Provider cannot move a case from Planning meeting to In provision"
        );
    }

    #[test]
    fn mn_plan_5_twelve_school_weeks_skip_october_half_term_and_christmas() {
        // Monday 20 October 2025, the week before half term: half term (27 October to Monday
        // 3 November; back on Tuesday 4 November, so that week counts) and the two Christmas
        // weeks are skipped.
        let period = period(&norfolk(), date(2025, 10, 20), &policy(), None).unwrap();
        assert_eq!(period.end, date(2026, 2, 2));
        assert_eq!(period.review_due, date(2025, 12, 8));
        assert_eq!(period.continuation_due, date(2026, 1, 19));
        assert!(!period.ends_with_expected_absence);
        assert_eq!(norfolk().school_weeks_between(period.start, period.end), 12);
    }

    #[test]
    fn mn_plan_5_twelve_school_weeks_spanning_christmas_and_february_half_term() {
        let period = period(&norfolk(), date(2025, 12, 3), &policy(), None).unwrap();
        // 8 and 15 December, then 5 January on, skipping 16 February's half term.
        assert_eq!(period.end, date(2026, 3, 18));
        assert_eq!(period.review_due, date(2026, 1, 28));
        assert_eq!(period.continuation_due, date(2026, 3, 4));
    }

    #[test]
    fn mn_plan_5_twelve_school_weeks_over_easter_and_the_may_bank_holiday() {
        let calendar = norfolk();
        // Spring ends Friday 27 March 2026; the Easter weeks (Good Friday 3 April, Easter
        // Monday 6 April) do not count; summer starts Wednesday 15 April, so that week does.
        assert!(!calendar.is_school_week(date(2026, 4, 3)));
        assert!(!calendar.is_school_week(date(2026, 4, 6)));
        assert!(calendar.is_school_week(date(2026, 4, 13)));
        let period = period(&calendar, date(2026, 3, 9), &policy(), None).unwrap();
        // 16 and 23 March, 13 April to 18 May, then after May half term 1 to 22 June.
        assert_eq!(period.end, date(2026, 6, 22));
        // Week 6 is the week of the May bank holiday: it counts, and the due date keeps the
        // start's weekday although that Monday is a holiday.
        assert_eq!(period.review_due, date(2026, 5, 4));
        assert!(!calendar.is_school_day(period.review_due));
        assert_eq!(period.continuation_due, date(2026, 6, 8));
    }

    #[test]
    fn mn_plan_5_a_shorter_expected_absence_ends_the_period_sooner() {
        let calendar = norfolk();
        let start = date(2025, 9, 10);
        let period = period(&calendar, start, &policy(), Some(date(2025, 10, 17))).unwrap();
        assert_eq!(period.end, date(2025, 10, 17));
        assert!(period.ends_with_expected_absence);
        // School week 6 (22 October) is after the end, so the review is due by the end.
        assert_eq!(period.review_due, period.end);
        // Two school weeks before Friday 17 October is Friday 3 October.
        assert_eq!(period.continuation_due, date(2025, 10, 3));
        // A longer expected absence changes nothing.
        let full = super::period(&calendar, start, &policy(), Some(date(2026, 6, 1))).unwrap();
        assert_eq!(full.end, date(2025, 12, 10));
        assert!(!full.ends_with_expected_absence);
    }

    #[test]
    fn mn_plan_5_a_very_short_period_keeps_its_due_dates_inside_it() {
        let start = date(2025, 9, 10);
        let period = period(&norfolk(), start, &policy(), Some(date(2025, 9, 19))).unwrap();
        assert_eq!(period.continuation_due, start);
        assert_eq!(period.review_due, period.end);
    }

    #[test]
    fn mn_plan_5_an_absence_ending_before_the_start_is_refused() {
        let error = period(
            &norfolk(),
            date(2025, 9, 10),
            &policy(),
            Some(date(2025, 9, 1)),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "The absence is expected to end on 1 September 2025, before provision starts on 10 September 2025; check the dates"
        );
    }

    #[test]
    fn mn_plan_5_a_period_beyond_the_loaded_term_dates_fails_with_a_reason() {
        let calendar = SchoolCalendar::new(norfolk_2025_26(), BankHolidays::default());
        let error = period(&calendar, date(2026, 6, 1), &policy(), None).unwrap_err();
        assert!(matches!(error, PeriodError::OutsideCalendar(_)));
        assert!(error.to_string().contains("add the term dates"), "{error}");
    }

    #[test]
    fn mn_rev_1_review_is_due_by_school_week_6() {
        let calendar = norfolk();
        let start = date(2025, 9, 10);
        let period = period(&calendar, start, &policy(), None).unwrap();
        assert_eq!(calendar.school_weeks_between(start, period.review_due), 6);
        assert_eq!(period.review_due.weekday(), Weekday::Wed);
        let mut later = policy();
        later.review_due_by_week = 8;
        let period = super::period(&calendar, start, &later, None).unwrap();
        assert_eq!(calendar.school_weeks_between(start, period.review_due), 8);
    }

    #[test]
    fn mn_cont_2_continuation_is_due_two_school_weeks_before_the_end() {
        let calendar = norfolk();
        let start = date(2025, 9, 10);
        let period = period(&calendar, start, &policy(), None).unwrap();
        assert_eq!(period.end, date(2025, 12, 10));
        // Half term is earlier, so this is two calendar weeks.
        assert_eq!(period.continuation_due, date(2025, 11, 26));
        assert_eq!(
            calendar.school_weeks_between(period.continuation_due, period.end),
            2
        );
    }

    #[test]
    fn mn_cont_2_continuation_due_skips_holiday_weeks_counting_back() {
        // A period from Monday 29 September 2025 ends on Monday 12 January 2026; counting two
        // school weeks back skips the two Christmas weeks.
        let calendar = norfolk();
        let start = date(2025, 9, 29);
        let period = period(&calendar, start, &policy(), None).unwrap();
        assert_eq!(period.end, date(2026, 1, 12));
        assert_eq!(period.continuation_due, date(2025, 12, 15));
    }

    #[test]
    fn mn_cont_3_no_request_after_the_due_date_is_flagged_for_ending() {
        let period = period(&norfolk(), date(2025, 9, 10), &policy(), None).unwrap();
        let due = period.continuation_due;
        assert!(!flag_no_continuation(&period, due, false));
        assert!(flag_no_continuation(&period, due + Days::new(1), false));
        assert!(!flag_no_continuation(&period, due + Days::new(1), true));
    }

    #[test]
    fn due_this_week_and_overdue_for_the_dashboard() {
        // Wednesday 26 November 2025.
        let today = date(2025, 11, 26);
        assert!(due_this_week(today, today));
        assert!(due_this_week(date(2025, 11, 30), today));
        assert!(!due_this_week(date(2025, 12, 1), today));
        assert!(!due_this_week(date(2025, 11, 24), today));
        assert!(overdue(date(2025, 11, 24), today));
        assert!(!overdue(today, today));
    }

    #[test]
    fn mn_dec_2_days_from_referral_to_provision_start() {
        assert_eq!(
            days_from_referral_to_provision_start(date(2025, 9, 1), date(2025, 9, 22)),
            21
        );
    }

    /// A school day in Norfolk's 2025/26 school year: the 2026/27 dates loaded after it mean
    /// 12 school weeks always fit.
    fn school_day_2025_26() -> impl Strategy<Value = NaiveDate> {
        (0u64..330).prop_filter_map("not a school day", |offset| {
            let day = date(2025, 9, 1).checked_add_days(Days::new(offset))?;
            norfolk().is_school_day(day).then_some(day)
        })
    }

    proptest! {
        #[test]
        fn mn_plan_5_school_weeks_added_are_school_weeks_between(
            start in school_day_2025_26(),
            weeks in 1u32..=12,
        ) {
            let calendar = norfolk();
            let end = calendar.add_school_weeks(start, weeks).unwrap();
            prop_assert_eq!(calendar.school_weeks_between(start, end), weeks);
        }

        #[test]
        fn mn_plan_5_a_full_period_has_its_due_dates_in_the_right_weeks(
            start in school_day_2025_26(),
        ) {
            let calendar = norfolk();
            let period = period(&calendar, start, &policy(), None).unwrap();
            prop_assert_eq!(calendar.school_weeks_between(start, period.end), 12);
            prop_assert_eq!(calendar.school_weeks_between(start, period.review_due), 6);
            prop_assert_eq!(calendar.school_weeks_between(start, period.continuation_due), 10);
            prop_assert_eq!(
                Some(period.continuation_due),
                calendar.add_school_weeks(start, 10).ok()
            );
            prop_assert!(start < period.review_due && period.review_due < period.end);
        }
    }
}
