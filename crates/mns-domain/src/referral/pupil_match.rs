//! What a referral's UPN match means (MN-ROLE-2: a school sees only its own pupils).
//!
//! A UPN is structured and guessable, so a match on it alone proves nothing. A referral whose
//! UPN names a pupil another school holds, or whose name or date of birth disagree with the
//! record, is never merged on its own: the coordinator decides, seeing both records side by
//! side. Until then the submitting school sees only its own referral.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who a referral or a record says the child is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    /// Given (first) name.
    pub given_name: &'a str,
    /// Family (last) name.
    pub family_name: &'a str,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// The school the record belongs to, by URN.
    pub school_urn: Option<&'a str>,
}

/// What a UPN match between a submitted referral and an existing record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpnMatch {
    /// The same school, name and date of birth: the same child, linked at once.
    SameRecord,
    /// Name and date of birth agree but the record is another school's (or no school's): a
    /// school move, which the coordinator confirms before the child's history is shared with
    /// the new school.
    SchoolMove,
    /// Name or date of birth disagree: possibly a mistyped or misused UPN. Never merged; the
    /// coordinator decides.
    PossibleMatch,
}

impl UpnMatch {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            UpnMatch::SameRecord => "same_record",
            UpnMatch::SchoolMove => "school_move",
            UpnMatch::PossibleMatch => "possible_match",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<UpnMatch> {
        [
            UpnMatch::SameRecord,
            UpnMatch::SchoolMove,
            UpnMatch::PossibleMatch,
        ]
        .into_iter()
        .find(|m| m.as_str() == text)
    }

    /// How the coordinator sees it.
    pub fn label(self) -> &'static str {
        match self {
            UpnMatch::SameRecord => "Same record",
            UpnMatch::SchoolMove => "Possible school move",
            UpnMatch::PossibleMatch => "Possible match: details differ",
        }
    }
}

/// MN-ROLE-2: classifies a UPN match. Names are compared ignoring case and
/// spacing; the date of birth must be equal.
pub fn classify_upn_match(existing: Identity<'_>, submitted: Identity<'_>) -> UpnMatch {
    let same_person = same_name(existing.given_name, submitted.given_name)
        && same_name(existing.family_name, submitted.family_name)
        && existing.date_of_birth == submitted.date_of_birth;
    if !same_person {
        UpnMatch::PossibleMatch
    } else if existing.school_urn.is_some() && existing.school_urn == submitted.school_urn {
        UpnMatch::SameRecord
    } else {
        UpnMatch::SchoolMove
    }
}

fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| -> String {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    fold(a) == fold(b)
}

/// How the coordinator resolved a UPN match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchResolution {
    /// The same child: the referral joins the existing record, which moves to the referring
    /// school (its history becomes visible to that school).
    SameChild,
    /// Different children: the referral keeps its own record, without the disputed UPN.
    DifferentChildren,
}

impl MatchResolution {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchResolution::SameChild => "same_child",
            MatchResolution::DifferentChildren => "different_children",
        }
    }

    /// Reads the stored (or submitted) form.
    pub fn parse(text: &str) -> Option<MatchResolution> {
        [
            MatchResolution::SameChild,
            MatchResolution::DifferentChildren,
        ]
        .into_iter()
        .find(|m| m.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who<'a>(given: &'a str, family: &'a str, dob: &str, urn: Option<&'a str>) -> Identity<'a> {
        Identity {
            given_name: given,
            family_name: family,
            date_of_birth: dob.parse().unwrap(),
            school_urn: urn,
        }
    }

    #[test]
    fn mn_role_2_the_same_child_at_the_same_school_is_the_same_record() {
        assert_eq!(
            classify_upn_match(
                who("Alex", "Smith", "2012-03-04", Some("100001")),
                who(" alex ", "SMITH", "2012-03-04", Some("100001")),
            ),
            UpnMatch::SameRecord
        );
    }

    #[test]
    fn mn_role_2_the_same_child_from_another_school_is_a_move_to_confirm() {
        assert_eq!(
            classify_upn_match(
                who("Alex", "Smith", "2012-03-04", Some("100001")),
                who("Alex", "Smith", "2012-03-04", Some("100002")),
            ),
            UpnMatch::SchoolMove
        );
        assert_eq!(
            classify_upn_match(
                who("Alex", "Smith", "2012-03-04", None),
                who("Alex", "Smith", "2012-03-04", Some("100002")),
            ),
            UpnMatch::SchoolMove
        );
    }

    #[test]
    fn mn_role_2_a_different_name_or_birthday_is_never_merged() {
        for submitted in [
            who("Sam", "Smith", "2012-03-04", Some("100001")),
            who("Alex", "Jones", "2012-03-04", Some("100001")),
            who("Alex", "Smith", "2012-03-05", Some("100001")),
            who("Alex", "Smith", "2012-03-05", Some("100002")),
        ] {
            assert_eq!(
                classify_upn_match(
                    who("Alex", "Smith", "2012-03-04", Some("100001")),
                    submitted
                ),
                UpnMatch::PossibleMatch,
                "{submitted:?}"
            );
        }
    }

    #[test]
    fn stored_forms_round_trip() {
        for m in [
            UpnMatch::SameRecord,
            UpnMatch::SchoolMove,
            UpnMatch::PossibleMatch,
        ] {
            assert_eq!(UpnMatch::parse(m.as_str()), Some(m));
        }
        for r in [
            MatchResolution::SameChild,
            MatchResolution::DifferentChildren,
        ] {
            assert_eq!(MatchResolution::parse(r.as_str()), Some(r));
        }
        assert_eq!(MatchResolution::parse("maybe"), None);
    }
}
