//! A health notification (issue 14): a health professional tells the service that a child
//! cannot attend school because of their health. It becomes a referral for the child's school,
//! waiting for the school to complete its part ([`ReferralStatus::AwaitingSchool`]); the
//! referral date is the day of the notification, so the clock runs from it (MN-DEC-2).
//!
//! What was typed ([`HealthNotificationEntry`]) is read once into a [`HealthNotification`],
//! whose identifiers cannot hold a bad value; every problem is reported at once, each with its
//! field (MN-REF-1's way), and a notification with problems changes nothing.
//!
//! [`ReferralStatus::AwaitingSchool`]: crate::referral::ReferralStatus::AwaitingSchool

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{compulsory_school_age_ends, compulsory_school_age_starts};
use crate::identifiers::{NhsNumber, Postcode, Urn};
use crate::referral::form::{ExpectedAbsence, ExpectedAbsenceReason, FieldProblem, Referral};
use crate::referral::{Enrolment, Entered};

/// Where a referral came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralOrigin {
    /// The child's school wrote it.
    School,
    /// A health professional told the service about the child; the school completes it.
    HealthNotification,
}

impl ReferralOrigin {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralOrigin::School => "school",
            ReferralOrigin::HealthNotification => "health_notification",
        }
    }

    /// Reads the stored form (anything unknown is a school's, the default).
    pub fn parse(text: &str) -> ReferralOrigin {
        if text == ReferralOrigin::HealthNotification.as_str() {
            ReferralOrigin::HealthNotification
        } else {
            ReferralOrigin::School
        }
    }
}

/// The parent's or carer's agreement to the notification, as the health professional recorded
/// it (required: the service does not act on a child without it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentAgreement {
    /// Who agreed (the parent's or carer's name).
    pub agreed_by: String,
    /// When they agreed.
    pub agreed_on: NaiveDate,
}

/// Who sent the notification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifier {
    /// Their name.
    pub name: String,
    /// Their role or profession, e.g. "Consultant paediatrician".
    pub role: String,
    /// Their organisation, e.g. "Norfolk and Norwich University Hospital".
    pub organisation: String,
    /// Their work email.
    pub email: String,
}

/// A health notification whose every field has been checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthNotification {
    /// The child's first name.
    pub first_name: String,
    /// The child's last name.
    pub last_name: String,
    /// Date of birth: real, past, and of compulsory school age on the notification's day.
    pub date_of_birth: NaiveDate,
    /// NHS number (check digit right; the 999 test range only where allowed).
    pub nhs_number: NhsNumber,
    /// Home postcode.
    pub postcode: Postcode,
    /// The school the child would normally attend, from the schools list.
    pub school_urn: Urn,
    /// The condition, and how it stops the child attending.
    pub condition: String,
    /// How many more weeks of school the child is expected to miss.
    pub expected_weeks_absent: u32,
    /// The parent's or carer's agreement.
    pub parent_agreement: ParentAgreement,
    /// Who sent it.
    pub notifier: Notifier,
    /// The day of the notification: the referral date.
    pub notified_on: NaiveDate,
}

/// A health notification as typed: every field may be missing or wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthNotificationEntry {
    /// The child's first name.
    pub first_name: String,
    /// The child's last name.
    pub last_name: String,
    /// Date of birth (`None`: not entered; an unreal date is the edge's problem to report).
    pub date_of_birth: Option<NaiveDate>,
    /// NHS number as typed.
    pub nhs_number: String,
    /// Home postcode as typed.
    pub postcode: String,
    /// The chosen school's URN (empty: none chosen).
    pub school_urn: String,
    /// The condition.
    pub condition: String,
    /// Weeks of school expected to be missed, as typed.
    pub expected_weeks_absent: String,
    /// Whether the parent or carer agreed.
    pub parent_agreed: bool,
    /// Who agreed.
    pub agreed_by: String,
    /// When they agreed.
    pub agreed_on: Option<NaiveDate>,
    /// Who is sending it.
    pub notifier: Notifier,
}

/// What the service allows when reading a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationRules {
    /// The day it is read: the notification's day.
    pub today: NaiveDate,
    /// Whether NHS numbers in the 999 test range are accepted (the demo only).
    pub allow_test_nhs_numbers: bool,
}

/// The longest expected absence a notification may give, in weeks (a school year).
pub const MOST_WEEKS_ABSENT: u32 = 52;

impl HealthNotificationEntry {
    /// Reads the entry into a notification, or returns every problem at once, in the order of
    /// the form. Data standards: the NHS number's modulus 11 check digit, and no number from the
    /// 999 test range outside the demo; the date of birth real (checked at the edge), past, and
    /// of compulsory school age (MN-ELIG-4); the postcode's format; a school from the list.
    pub fn parse(&self, rules: NotificationRules) -> Result<HealthNotification, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut add = |field: &str, message: String| {
            problems.push(FieldProblem {
                field: field.into(),
                message,
            })
        };
        let required = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_string());
        let first_name = required(&self.first_name);
        if first_name.is_none() {
            add("first_name", "Enter the child's first name".into());
        }
        let last_name = required(&self.last_name);
        if last_name.is_none() {
            add("last_name", "Enter the child's last name".into());
        }
        let date_of_birth = match self.date_of_birth {
            None => {
                add("date_of_birth", "Enter the child's date of birth".into());
                None
            }
            Some(born) if born >= rules.today => {
                add(
                    "date_of_birth",
                    "The child's date of birth must be in the past".into(),
                );
                None
            }
            Some(born)
                if rules.today < compulsory_school_age_starts(born)
                    || rules.today > compulsory_school_age_ends(born) =>
            {
                add(
                    "date_of_birth",
                    "The child must be of compulsory school age (from 5 to 16): check the date of birth"
                        .into(),
                );
                None
            }
            Some(born) => Some(born),
        };
        let nhs_number = match NhsNumber::parse(&self.nhs_number) {
            Ok(n) if n.is_test_range() && !rules.allow_test_nhs_numbers => {
                add(
                    "nhs_number",
                    "NHS numbers starting 999 are for testing only: enter the child's real NHS number"
                        .into(),
                );
                None
            }
            Ok(n) => Some(n),
            Err(e) => {
                add("nhs_number", e.to_string());
                None
            }
        };
        let postcode = match Postcode::parse(&self.postcode) {
            Ok(p) => Some(p),
            Err(e) => {
                add("postcode", e.to_string());
                None
            }
        };
        let school_urn = match self.school_urn.trim() {
            "" => {
                add(
                    "school",
                    "Choose the child's school: search by its name or URN".into(),
                );
                None
            }
            urn => match Urn::parse(urn) {
                Ok(u) => Some(u),
                Err(e) => {
                    add("school", e.to_string());
                    None
                }
            },
        };
        let condition = required(&self.condition);
        if condition.is_none() {
            add(
                "condition",
                "Enter the child's condition and how it stops them attending school".into(),
            );
        }
        let weeks = match self.expected_weeks_absent.trim().parse::<u32>() {
            Ok(w) if (1..=MOST_WEEKS_ABSENT).contains(&w) => Some(w),
            _ if self.expected_weeks_absent.trim().is_empty() => {
                add(
                    "expected_weeks_absent",
                    "Enter how many more weeks of school the child is expected to miss".into(),
                );
                None
            }
            _ => {
                add(
                    "expected_weeks_absent",
                    format!(
                        "Weeks of school expected to be missed must be a whole number from 1 to {MOST_WEEKS_ABSENT}"
                    ),
                );
                None
            }
        };
        if !self.parent_agreed {
            add(
                "parent_agreed",
                "Confirm that the child's parent or carer agrees to this notification".into(),
            );
        }
        let agreed_by = required(&self.agreed_by);
        if agreed_by.is_none() {
            add(
                "agreed_by",
                "Enter the name of the parent or carer who agreed".into(),
            );
        }
        let agreed_on = match self.agreed_on {
            None => {
                add(
                    "agreed_on",
                    "Enter the date the parent or carer agreed".into(),
                );
                None
            }
            Some(d) if d > rules.today => {
                add(
                    "agreed_on",
                    "The date the parent or carer agreed must be today or in the past".into(),
                );
                None
            }
            Some(d) => Some(d),
        };
        let n = &self.notifier;
        for (field, value, what) in [
            ("notifier_name", &n.name, "your name"),
            ("notifier_role", &n.role, "your role or profession"),
            (
                "notifier_organisation",
                &n.organisation,
                "your organisation",
            ),
        ] {
            if value.trim().is_empty() {
                add(field, format!("Enter {what}"));
            }
        }
        let email = n.email.trim();
        if email.is_empty() {
            add("notifier_email", "Enter your email address".into());
        } else if !looks_like_email(email) {
            add(
                "notifier_email",
                "Enter an email address in the correct format, like name@example.nhs.uk".into(),
            );
        }
        match (
            first_name,
            last_name,
            date_of_birth,
            nhs_number,
            postcode,
            school_urn,
            condition,
            weeks,
            agreed_by,
            agreed_on,
        ) {
            (
                Some(first_name),
                Some(last_name),
                Some(date_of_birth),
                Some(nhs_number),
                Some(postcode),
                Some(school_urn),
                Some(condition),
                Some(expected_weeks_absent),
                Some(agreed_by),
                Some(agreed_on),
            ) if problems.is_empty() => Ok(HealthNotification {
                first_name,
                last_name,
                date_of_birth,
                nhs_number,
                postcode,
                school_urn,
                condition,
                expected_weeks_absent,
                parent_agreement: ParentAgreement {
                    agreed_by,
                    agreed_on,
                },
                notifier: Notifier {
                    name: n.name.trim().into(),
                    role: n.role.trim().into(),
                    organisation: n.organisation.trim().into(),
                    email: email.into(),
                },
                notified_on: rules.today,
            }),
            _ => Err(problems),
        }
    }
}

/// An address with one `@`, something before it and a dot in the domain after it.
fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// How many school days a week of expected absence counts for.
const SCHOOL_DAYS_A_WEEK: u32 = 5;

impl HealthNotification {
    /// The referral the school is asked to complete, with the parts the notification answers
    /// filled in: the pupil's identity and postcode, the school, the health need and the
    /// absence expected, and the referral date (the notification's day: the clock runs from
    /// it, MN-DEC-2). The checklist, attendance and the rest are the school's.
    pub fn prefilled_referral(&self, school_name: &str) -> Referral {
        let mut form = Referral {
            referral_date: Some(self.notified_on),
            ..Referral::default()
        };
        form.pupil.first_name = self.first_name.clone();
        form.pupil.last_name = self.last_name.clone();
        form.pupil.date_of_birth = Some(self.date_of_birth);
        form.pupil.nhs_number = Some(Entered::new(self.nhs_number.to_string()));
        form.pupil.home_address.postcode = Some(Entered::new(self.postcode.as_str()));
        form.pupil.enrolment = Some(Enrolment::OnRoll);
        form.school.urn = Some(Entered::new(self.school_urn.as_str()));
        form.school.name = school_name.to_string();
        form.health_need.description = self.condition.clone();
        form.health_need.absence_expected = Some(true);
        form.health_need.expected_absence = Some(ExpectedAbsence {
            further_school_days: Some(self.expected_weeks_absent * SCHOOL_DAYS_A_WEEK),
            reason: Some(ExpectedAbsenceReason::OngoingCondition),
            details: format!(
                "{} weeks, as {} ({}, {}) told the service on {}",
                self.expected_weeks_absent,
                self.notifier.name,
                self.notifier.role,
                self.notifier.organisation,
                self.notified_on.format("%-d %B %Y")
            ),
        });
        form
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    fn rules() -> NotificationRules {
        NotificationRules {
            today: today(),
            allow_test_nhs_numbers: false,
        }
    }

    fn entry() -> HealthNotificationEntry {
        HealthNotificationEntry {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            date_of_birth: NaiveDate::from_ymd_opt(2014, 3, 2),
            nhs_number: "943 476 5919".into(),
            postcode: "NR1 1AA".into(),
            school_urn: "121001".into(),
            condition: "Post-viral fatigue".into(),
            expected_weeks_absent: "6".into(),
            parent_agreed: true,
            agreed_by: "Mary Lovelace".into(),
            agreed_on: NaiveDate::from_ymd_opt(2026, 12, 1),
            notifier: Notifier {
                name: "Dr Kim Shaw".into(),
                role: "Consultant paediatrician".into(),
                organisation: "NNUH".into(),
                email: "kim.shaw@example.nhs.uk".into(),
            },
        }
    }

    fn fields(entry: &HealthNotificationEntry, rules: NotificationRules) -> Vec<String> {
        entry
            .parse(rules)
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn a_complete_notification_is_read_and_dated_today() {
        let n = entry().parse(rules()).unwrap();
        assert_eq!(n.nhs_number.as_str(), "9434765919");
        assert_eq!(n.notified_on, today());
        assert_eq!(n.school_urn.as_str(), "121001");
    }

    #[test]
    fn nhs_number_with_a_wrong_check_digit_is_refused_with_its_field() {
        let mut e = entry();
        e.nhs_number = "943 476 5918".into();
        let problems = e.parse(rules()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "nhs_number");
        assert!(problems[0].message.contains("last digit should be 9"));
    }

    #[test]
    fn nhs_number_in_the_999_test_range_is_refused_outside_the_demo() {
        let mut e = entry();
        e.nhs_number = "999 000 0018".into();
        assert!(NhsNumber::parse("999 000 0018").is_ok());
        assert_eq!(fields(&e, rules()), ["nhs_number"]);
        let demo = NotificationRules {
            allow_test_nhs_numbers: true,
            ..rules()
        };
        assert!(e.parse(demo).is_ok());
    }

    #[test]
    fn mn_elig_4_a_date_of_birth_must_be_past_and_of_compulsory_school_age() {
        let mut e = entry();
        e.date_of_birth = Some(today());
        assert_eq!(fields(&e, rules()), ["date_of_birth"]);
        e.date_of_birth = NaiveDate::from_ymd_opt(2023, 1, 1);
        assert_eq!(fields(&e, rules()), ["date_of_birth"]);
        e.date_of_birth = NaiveDate::from_ymd_opt(2005, 1, 1);
        assert_eq!(fields(&e, rules()), ["date_of_birth"]);
    }

    #[test]
    fn every_problem_is_reported_at_once_in_the_order_of_the_form() {
        let e = HealthNotificationEntry {
            postcode: "not a postcode".into(),
            ..HealthNotificationEntry::default()
        };
        assert_eq!(
            fields(&e, rules()),
            [
                "first_name",
                "last_name",
                "date_of_birth",
                "nhs_number",
                "postcode",
                "school",
                "condition",
                "expected_weeks_absent",
                "parent_agreed",
                "agreed_by",
                "agreed_on",
                "notifier_name",
                "notifier_role",
                "notifier_organisation",
                "notifier_email"
            ]
        );
    }

    #[test]
    fn the_parents_agreement_is_required_and_cannot_be_in_the_future() {
        let mut e = entry();
        e.parent_agreed = false;
        e.agreed_on = today().succ_opt();
        assert_eq!(fields(&e, rules()), ["parent_agreed", "agreed_on"]);
    }

    #[test]
    fn mn_dec_2_the_prefilled_referral_is_dated_the_day_of_the_notification() {
        let n = entry().parse(rules()).unwrap();
        let form = n.prefilled_referral("Riverside Primary");
        assert_eq!(form.referral_date, Some(today()));
        assert_eq!(form.pupil.first_name, "Ada");
        assert_eq!(form.school.name, "Riverside Primary");
        assert_eq!(
            form.health_need
                .expected_absence
                .as_ref()
                .and_then(|a| a.further_school_days),
            Some(30)
        );
    }

    #[test]
    fn the_origin_round_trips_and_defaults_to_the_school() {
        for o in [ReferralOrigin::School, ReferralOrigin::HealthNotification] {
            assert_eq!(ReferralOrigin::parse(o.as_str()), o);
        }
        assert_eq!(ReferralOrigin::parse(""), ReferralOrigin::School);
    }
}
