//! The Review/Reintegration Action Planning meeting (§11h): the reintegration steps Part B of
//! the record can agree (MN-REV-1) and who gets a copy of a review the school held (MN-REV-2).
//! When the review is due is in [`super::timeline`].

use serde::{Deserialize, Serialize};

use super::package::Recipient;
use crate::identity::Role;

/// A step back into school that Part B of the record can agree (MN-REV-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReintegrationStep {
    /// Attending school part time.
    PartTimeAttendance,
    /// Joining social events or trips.
    SocialEventsOrTrips,
    /// Coming in at break or lunch times.
    BreakOrLunchTimes,
    /// Visiting after the other pupils have left.
    VisitsAfterOthersLeave,
    /// Being met on arrival by a key worker.
    MetOnArrivalByKeyWorker,
}

impl ReintegrationStep {
    /// Every step, in the policy's order.
    pub const ALL: [ReintegrationStep; 5] = [
        ReintegrationStep::PartTimeAttendance,
        ReintegrationStep::SocialEventsOrTrips,
        ReintegrationStep::BreakOrLunchTimes,
        ReintegrationStep::VisitsAfterOthersLeave,
        ReintegrationStep::MetOnArrivalByKeyWorker,
    ];

    /// How the step is named on the record.
    pub fn label(self) -> &'static str {
        match self {
            ReintegrationStep::PartTimeAttendance => "Part-time attendance",
            ReintegrationStep::SocialEventsOrTrips => "Social events or trips",
            ReintegrationStep::BreakOrLunchTimes => "Break or lunch times",
            ReintegrationStep::VisitsAfterOthersLeave => "Visits after other pupils have left",
            ReintegrationStep::MetOnArrivalByKeyWorker => "Met on arrival by a key worker",
        }
    }
}

/// Who must be sent a copy of a review record beyond those who held it (MN-REV-2): a review the
/// school held is copied to the service mailbox; one the coordinator held is already the
/// service's.
pub fn review_copy_recipients(held_by: Role) -> Vec<Recipient> {
    if held_by == Role::School {
        vec![Recipient::ServiceMailbox]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mn_rev_2_a_review_held_by_the_school_is_copied_to_the_service_mailbox() {
        assert_eq!(
            review_copy_recipients(Role::School),
            [Recipient::ServiceMailbox]
        );
        assert!(review_copy_recipients(Role::Coordinator).is_empty());
    }

    #[test]
    fn mn_rev_1_part_b_lists_the_reintegration_steps_of_the_policy() {
        assert_eq!(ReintegrationStep::ALL.len(), 5);
        assert_eq!(
            ReintegrationStep::MetOnArrivalByKeyWorker.label(),
            "Met on arrival by a key worker"
        );
    }
}
