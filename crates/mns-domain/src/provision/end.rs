//! The end of provision (§11g, §11j): the reasons the End of Provision letter can give
//! (MN-END-1) and the rule for a life-limiting or terminal illness (MN-LIFE-1). Who may end a
//! case, and who may only ask, is in [`super::timeline`] (MN-END-2, MN-END-3).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why provision ends (MN-END-1): the six reasons the policy gives, one of which the End of
/// Provision letter states. The string forms are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// No continuation request came within the period (MN-CONT-3).
    NoContinuationRequest,
    /// The pupil is well enough to return to school, or has returned.
    WellEnoughToReturn,
    /// No further health evidence supports the absence.
    NoFurtherHealthEvidence,
    /// The pupil is not well enough to engage with the package.
    NotWellEnoughToEngage,
    /// The pupil will not engage, even after the package was adapted (MN-PROV-3).
    WillNotEngage,
    /// The pupil reaches the end of statutory school age.
    EndOfStatutorySchoolAge,
}

/// Whether a request to end provision still waits for the coordinator (MN-END-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    /// Waiting for the coordinator.
    Open,
    /// Closed: the case ended or continued.
    Closed,
}

impl RequestStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Closed => "closed",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<RequestStatus> {
        [RequestStatus::Open, RequestStatus::Closed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// How people see it.
    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Open => "Open",
            RequestStatus::Closed => "Closed",
        }
    }
}

/// The text did not name an end reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a reason for ending provision; use one of: {list}", list = EndReason::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "))]
pub struct UnknownEndReason(pub String);

impl EndReason {
    /// Every reason, in the policy's order.
    pub const ALL: [EndReason; 6] = [
        EndReason::NoContinuationRequest,
        EndReason::WellEnoughToReturn,
        EndReason::NoFurtherHealthEvidence,
        EndReason::NotWellEnoughToEngage,
        EndReason::WillNotEngage,
        EndReason::EndOfStatutorySchoolAge,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::NoContinuationRequest => "no_continuation_request",
            EndReason::WellEnoughToReturn => "well_enough_to_return",
            EndReason::NoFurtherHealthEvidence => "no_further_health_evidence",
            EndReason::NotWellEnoughToEngage => "not_well_enough_to_engage",
            EndReason::WillNotEngage => "will_not_engage",
            EndReason::EndOfStatutorySchoolAge => "end_of_statutory_school_age",
        }
    }

    /// Parses the stored form; case, spaces and `-`/`_` are forgiven.
    pub fn parse(text: &str) -> Result<EndReason, UnknownEndReason> {
        let key = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        EndReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == key)
            .ok_or_else(|| UnknownEndReason(text.trim().to_owned()))
    }

    /// The reason as the End of Provision letter states it, completing "Provision ends
    /// because ...".
    pub fn label(self) -> &'static str {
        match self {
            EndReason::NoContinuationRequest => {
                "no request to continue provision was received from the school within the period"
            }
            EndReason::WellEnoughToReturn => {
                "the young person is well enough to return to school, or has returned"
            }
            EndReason::NoFurtherHealthEvidence => {
                "there is no further health evidence to support the absence from school"
            }
            EndReason::NotWellEnoughToEngage => {
                "the young person is not well enough to engage with the package of provision"
            }
            EndReason::WillNotEngage => {
                "the young person has not engaged with the package of provision, even after it was adapted"
            }
            EndReason::EndOfStatutorySchoolAge => {
                "the young person has reached the end of statutory school age"
            }
        }
    }
}

/// The last day of provision given when ending it is in the past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("The last day of provision must be today or later")]
pub struct LastDayInThePast;

/// Whether `last_day` may be the last day of provision when the coordinator ends it on `today`
/// (MN-END-2): today or later. The case is ended when this is recorded and the End of Provision
/// letter names `last_day`; a day already past would tell the family and the school that
/// provision had stopped before anyone was told.
pub fn check_last_day(last_day: NaiveDate, today: NaiveDate) -> Result<(), LastDayInThePast> {
    if last_day < today {
        Err(LastDayInThePast)
    } else {
        Ok(())
    }
}

/// Whether provision continues for a pupil with a life-limiting or terminal illness
/// (MN-LIFE-1): it continues while the parents and medical staff both deem it appropriate, so
/// it stops when the parents no longer agree, and a withdrawal is respected when medical advice
/// supports it.
pub fn may_continue_life_limiting(
    parents_agree: bool,
    medical_advice_supports_withdrawal: bool,
) -> bool {
    parents_agree && !medical_advice_supports_withdrawal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mn_end_1_the_six_reasons_round_trip_and_read_in_the_letter() {
        assert_eq!(EndReason::ALL.len(), 6);
        for reason in EndReason::ALL {
            assert_eq!(EndReason::parse(reason.as_str()), Ok(reason));
            let sentence = format!("Provision ends because {}.", reason.label());
            assert!(!sentence.contains(".."), "{sentence}");
        }
        assert_eq!(
            EndReason::parse("Will not engage"),
            Ok(EndReason::WillNotEngage)
        );
        let error = EndReason::parse("cost").unwrap_err().to_string();
        assert!(error.starts_with("'cost' is not a reason"), "{error}");
        let json = serde_json::to_string(&EndReason::EndOfStatutorySchoolAge).unwrap();
        assert_eq!(json, r#""end_of_statutory_school_age""#);
    }

    #[test]
    fn mn_end_2_the_last_day_of_provision_is_today_or_later() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(check_last_day(today, today), Ok(()));
        assert_eq!(check_last_day(today.succ_opt().unwrap(), today), Ok(()));
        let error = check_last_day(today.pred_opt().unwrap(), today).unwrap_err();
        assert_eq!(
            error.to_string(),
            "The last day of provision must be today or later"
        );
    }

    #[test]
    fn mn_life_1_provision_continues_while_parents_and_medical_advice_agree() {
        assert!(may_continue_life_limiting(true, false));
        assert!(!may_continue_life_limiting(true, true));
        assert!(!may_continue_life_limiting(false, false));
        assert!(!may_continue_life_limiting(false, true));
    }
}
