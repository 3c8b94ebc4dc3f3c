//! Delivering the package (§11g): sessions and what became of them (MN-PROV-2), lack of
//! engagement (MN-PROV-3), the limited resources, HLSA hours and AV1 robots, and who waits for
//! them (MN-PROV-1), welfare checks (MN-PROV-4) and safeguarding concerns (MN-PROV-5).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::identity::Role;
use crate::referral::PolicyParameters;

/// What became of a session the provider logged (MN-PROV-2), with its hours: delivered, or
/// booked and lost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case", deny_unknown_fields)]
pub enum SessionOutcome {
    /// The session took place.
    Delivered {
        /// Hours delivered.
        hours: f64,
    },
    /// The family cancelled it.
    CancelledByFamily {
        /// Hours booked.
        hours: f64,
    },
    /// The provider cancelled it.
    CancelledByProvider {
        /// Hours booked.
        hours: f64,
    },
    /// The young person refused it.
    Refused {
        /// Hours booked.
        hours: f64,
    },
}

impl SessionOutcome {
    /// The session's hours: delivered, or booked and lost.
    pub fn hours(self) -> f64 {
        match self {
            SessionOutcome::Delivered { hours }
            | SessionOutcome::CancelledByFamily { hours }
            | SessionOutcome::CancelledByProvider { hours }
            | SessionOutcome::Refused { hours } => hours,
        }
    }

    /// Hours of education the pupil actually received.
    pub fn hours_delivered(self) -> f64 {
        match self {
            SessionOutcome::Delivered { hours } => hours,
            _ => 0.0,
        }
    }

    /// Whether the outcome counts towards a lack of engagement (MN-PROV-3): a family
    /// cancellation or a refusal. A provider's cancellation is not the pupil's.
    pub fn counts_against_engagement(self) -> bool {
        matches!(
            self,
            SessionOutcome::CancelledByFamily { .. } | SessionOutcome::Refused { .. }
        )
    }

    /// How the outcome is named to people.
    pub fn label(self) -> &'static str {
        match self {
            SessionOutcome::Delivered { .. } => "Delivered",
            SessionOutcome::CancelledByFamily { .. } => "Cancelled by the family",
            SessionOutcome::CancelledByProvider { .. } => "Cancelled by the provider",
            SessionOutcome::Refused { .. } => "Refused",
        }
    }
}

/// Whether the sessions show a lack of engagement (MN-PROV-3): at least **3** family
/// cancellations or refusals dated in the **4** weeks up to and including `today` (calendar
/// weeks, counted back from today). Provider cancellations do not count. The alert goes to
/// the coordinator and proposes a review; it ends nothing by itself.
pub fn non_engagement(
    sessions: &[(NaiveDate, SessionOutcome)],
    today: NaiveDate,
    policy: &PolicyParameters,
) -> bool {
    let window = Days::new(u64::from(policy.non_engagement_window_weeks) * 7);
    let window_starts_after = today.checked_sub_days(window).unwrap_or(NaiveDate::MIN);
    let counted = sessions
        .iter()
        .filter(|(date, outcome)| {
            *date > window_starts_after && *date <= today && outcome.counts_against_engagement()
        })
        .count();
    counted >= usize::try_from(policy.non_engagement_count).unwrap_or(usize::MAX)
}

/// HLSA hours per week still free (MN-PROV-1): the capacity less the hours allocated. Negative
/// when more is allocated than the capacity: provision is never cut to fit (MN-DEC-3), so the
/// shortfall is shown to the coordinator, not hidden.
pub fn hlsa_capacity_left(capacity_hours: f64, allocated: &[f64]) -> f64 {
    capacity_hours - allocated.iter().sum::<f64>()
}

/// Where an AV1 robot in the pool is (MN-PROV-1). The string forms are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RobotState {
    /// In the service's store, free to allocate.
    InStore,
    /// Allocated to a pupil, not yet with the school.
    Allocated,
    /// With the pupil's school and in use.
    WithSchool,
    /// Back from the school, to be checked before it goes into store.
    Returned,
    /// Being repaired.
    Repair,
}

impl RobotState {
    /// Every state, in the order a robot usually passes through them.
    pub const ALL: [RobotState; 5] = [
        RobotState::InStore,
        RobotState::Allocated,
        RobotState::WithSchool,
        RobotState::Returned,
        RobotState::Repair,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            RobotState::InStore => "in_store",
            RobotState::Allocated => "allocated",
            RobotState::WithSchool => "with_school",
            RobotState::Returned => "returned",
            RobotState::Repair => "repair",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<RobotState> {
        RobotState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// How the state is named to people.
    pub fn label(self) -> &'static str {
        match self {
            RobotState::InStore => "In store",
            RobotState::Allocated => "Allocated",
            RobotState::WithSchool => "With the school",
            RobotState::Returned => "Returned",
            RobotState::Repair => "Being repaired",
        }
    }

    /// Whether the robot can be given to the next pupil waiting (MN-PROV-1).
    pub fn is_available(self) -> bool {
        self == RobotState::InStore
    }

    /// Whether a robot may go from this state to `next` (MN-PROV-1): from store it is
    /// allocated; an allocation goes to the school or is cancelled back to store; the school
    /// returns it or sends it for repair; a returned robot is checked into store or sent for
    /// repair; a repaired one goes back to store.
    pub fn may_become(self, next: RobotState) -> bool {
        use RobotState::*;
        matches!(
            (self, next),
            (InStore, Allocated)
                | (Allocated, WithSchool | InStore)
                | (WithSchool, Returned | Repair)
                | (Returned, InStore | Repair)
                | (Repair, InStore)
        )
    }
}

/// A limited resource a pupil can wait for (MN-PROV-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitingResource {
    /// HLSA hours.
    Hlsa,
    /// An AV1 robot.
    Av1Robot,
}

/// A pupil waiting for a resource (MN-PROV-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingListEntry {
    /// The case's reference.
    pub case_reference: String,
    /// What the pupil is waiting for.
    pub resource: WaitingResource,
    /// The day it was asked for.
    pub requested_on: NaiveDate,
}

/// The waiting list in the order resources are offered (MN-PROV-1): the oldest request first;
/// requests of the same day in case reference order, so the order never depends on how the
/// list was read.
pub fn in_waiting_order(mut entries: Vec<WaitingListEntry>) -> Vec<WaitingListEntry> {
    entries.sort_by(|a, b| {
        a.requested_on
            .cmp(&b.requested_on)
            .then_with(|| a.case_reference.cmp(&b.case_reference))
    });
    entries
}

/// A safeguarding concern about a pupil (MN-PROV-5): it goes to the school's Designated
/// Safeguarding Lead named on the record, is logged, and only those who need it see it (see
/// [`may_see_concern`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeguardingConcern {
    /// The role of the person who raised it.
    pub raised_by_role: Role,
    /// The user who raised it.
    pub raised_by: String,
    /// When it was raised.
    pub raised_on: NaiveDate,
    /// The concern, in the raiser's words.
    pub concern: String,
    /// The school's Designated Safeguarding Lead it was sent to, as named on the record.
    pub sent_to_dsl: String,
}

/// Whether `role` may raise a safeguarding concern through the service (MN-PROV-5): a provider
/// or the coordinator. The school's own staff go to their DSL directly.
pub fn may_raise_concern(role: Role) -> bool {
    super::CaseAction::RaiseConcern.allowed_for(role)
}

/// Whether someone may see a safeguarding concern (MN-PROV-5): the coordinator, the school's
/// Designated Safeguarding Lead (a school user who is that school's DSL), and whoever raised
/// it. Nobody else needs it, so nobody else sees it.
pub fn may_see_concern(role: Role, is_dsl_of_school: bool, raised_by_self: bool) -> bool {
    role == Role::Coordinator || (role == Role::School && is_dsl_of_school) || raised_by_self
}

/// A welfare check the school made (MN-PROV-4). There is no fixed frequency, so nothing is
/// ever due or overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WelfareCheck {
    /// When the check was made.
    pub checked_on: NaiveDate,
    /// The school user who logged it.
    pub logged_by: String,
    /// What was found.
    pub notes: String,
}

/// Whether `role` may log a welfare check (MN-PROV-4): welfare checks are the school's.
pub fn may_log_welfare_check(role: Role) -> bool {
    super::CaseAction::LogWelfareCheck.allowed_for(role)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::test_support::date;

    fn family() -> SessionOutcome {
        SessionOutcome::CancelledByFamily { hours: 2.0 }
    }

    fn refused() -> SessionOutcome {
        SessionOutcome::Refused { hours: 2.0 }
    }

    fn provider() -> SessionOutcome {
        SessionOutcome::CancelledByProvider { hours: 2.0 }
    }

    fn delivered() -> SessionOutcome {
        SessionOutcome::Delivered { hours: 2.0 }
    }

    #[test]
    fn mn_prov_2_sessions_log_hours_delivered_or_lost() {
        let sessions = [delivered(), family(), provider(), refused()];
        let delivered: f64 = sessions.iter().map(|s| s.hours_delivered()).sum();
        let booked: f64 = sessions.iter().map(|s| s.hours()).sum();
        assert_eq!((delivered, booked), (2.0, 8.0));
        let json = r#"{"outcome": "cancelled_by_family", "hours": 1.5}"#;
        let outcome: SessionOutcome = serde_json::from_str(json).unwrap();
        assert_eq!(outcome, SessionOutcome::CancelledByFamily { hours: 1.5 });
        assert_eq!(outcome.label(), "Cancelled by the family");
    }

    #[test]
    fn mn_prov_3_three_family_cancellations_or_refusals_in_four_weeks_alert() {
        let policy = PolicyParameters::norfolk_2024();
        let today = date(2025, 11, 28);
        let sessions = [
            (date(2025, 11, 3), family()),
            (date(2025, 11, 12), delivered()),
            (date(2025, 11, 19), refused()),
            (date(2025, 11, 28), family()),
        ];
        assert!(non_engagement(&sessions, today, &policy));
        // Two weeks earlier only one counts.
        assert!(!non_engagement(&sessions, date(2025, 11, 14), &policy));
    }

    #[test]
    fn mn_prov_3_provider_cancellations_do_not_count() {
        let policy = PolicyParameters::norfolk_2024();
        let today = date(2025, 11, 28);
        let sessions = [
            (date(2025, 11, 10), provider()),
            (date(2025, 11, 17), provider()),
            (date(2025, 11, 24), family()),
            (date(2025, 11, 26), refused()),
        ];
        assert!(!non_engagement(&sessions, today, &policy));
    }

    #[test]
    fn mn_prov_3_the_window_is_four_weeks_back_from_today() {
        let policy = PolicyParameters::norfolk_2024();
        let today = date(2025, 11, 28);
        // 31 October is exactly four weeks back: outside the window; 1 November is inside.
        let outside = [
            (date(2025, 10, 31), family()),
            (date(2025, 11, 20), family()),
            (date(2025, 11, 27), refused()),
        ];
        assert!(!non_engagement(&outside, today, &policy));
        let inside = [
            (date(2025, 11, 1), family()),
            (date(2025, 11, 20), family()),
            (date(2025, 11, 27), refused()),
        ];
        assert!(non_engagement(&inside, today, &policy));
        // Sessions logged for a future date are not counted yet.
        let future = [
            (date(2025, 11, 20), family()),
            (date(2025, 11, 27), refused()),
            (date(2025, 12, 1), refused()),
        ];
        assert!(!non_engagement(&future, today, &policy));
        let mut stricter = policy.clone();
        stricter.non_engagement_count = 2;
        assert!(non_engagement(&future, today, &stricter));
    }

    #[test]
    fn mn_prov_1_hlsa_capacity_left_shows_over_allocation() {
        assert_eq!(hlsa_capacity_left(40.0, &[10.0, 12.5]), 17.5);
        assert_eq!(hlsa_capacity_left(40.0, &[]), 40.0);
        assert_eq!(hlsa_capacity_left(20.0, &[15.0, 10.0]), -5.0);
    }

    #[test]
    fn mn_prov_1_a_robot_moves_through_its_loan() {
        use RobotState::*;
        let loan = [InStore, Allocated, WithSchool, Returned, InStore];
        for pair in loan.windows(2) {
            assert!(
                pair[0].may_become(pair[1]),
                "{:?} to {:?}",
                pair[0],
                pair[1]
            );
        }
        assert!(WithSchool.may_become(Repair));
        assert!(Repair.may_become(InStore));
        assert!(Allocated.may_become(InStore));
        assert!(!InStore.may_become(WithSchool));
        assert!(!Repair.may_become(Allocated));
        assert!(!WithSchool.may_become(InStore));
        for state in RobotState::ALL {
            assert!(!state.may_become(state));
            assert_eq!(state.is_available(), state == InStore);
        }
        assert_eq!(WithSchool.as_str(), "with_school");
        assert_eq!(WithSchool.label(), "With the school");
    }

    #[test]
    fn mn_prov_1_the_waiting_list_offers_the_oldest_request_first() {
        let entry = |reference: &str, requested_on| WaitingListEntry {
            case_reference: reference.to_owned(),
            resource: WaitingResource::Av1Robot,
            requested_on,
        };
        let ordered = in_waiting_order(vec![
            entry("MN-0003", date(2025, 10, 2)),
            entry("MN-0002", date(2025, 9, 15)),
            entry("MN-0001", date(2025, 10, 2)),
        ]);
        let references: Vec<&str> = ordered.iter().map(|e| e.case_reference.as_str()).collect();
        assert_eq!(references, ["MN-0002", "MN-0001", "MN-0003"]);
    }

    #[test]
    fn mn_prov_5_a_concern_is_seen_by_the_coordinator_the_dsl_and_the_raiser() {
        assert!(may_see_concern(Role::Coordinator, false, false));
        assert!(may_see_concern(Role::School, true, false));
        assert!(!may_see_concern(Role::School, false, false));
        assert!(may_see_concern(Role::Provider, false, true));
        assert!(!may_see_concern(Role::Provider, false, false));
        for role in [
            Role::Caseworker,
            Role::Parent,
            Role::HealthProfessional,
            Role::CaseViewer,
            Role::Finance,
            Role::Auditor,
        ] {
            assert!(!may_see_concern(role, false, false), "{role}");
            // Only a school user can be the school's DSL.
            assert!(!may_see_concern(role, true, false), "{role}");
        }
        assert!(may_raise_concern(Role::Provider));
        assert!(may_raise_concern(Role::Coordinator));
        assert!(!may_raise_concern(Role::Parent));
    }

    #[test]
    fn mn_prov_4_only_the_school_logs_welfare_checks() {
        let loggers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| may_log_welfare_check(*r))
            .collect();
        assert_eq!(loggers, [Role::School]);
    }
}
