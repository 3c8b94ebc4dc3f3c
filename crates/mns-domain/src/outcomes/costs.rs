//! Unit costs and funding (issue 17): a dated price list for each kind of provision, each price
//! with who pays it, and the year's budget for each source. A price applies from its date; a
//! new price of the same kind ends the one before it the day before, and the old one is kept.
//!
//! What a case costs comes from its package and its delivered sessions, priced on the day:
//! [`weekly_cost`] for the package agreed, [`delivered_cost`] for the hours logged. Robots are a
//! fixed cost: the pool's weekly price is shared out among the children using one that week
//! ([`share_fixed_cost`]) before anything is counted per child.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::provision::{Component, Package};

/// What a price is for, and its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostKind {
    /// An hour of a home learning support assistant.
    HlsaHour,
    /// An hour of tutoring (alternative provision).
    TutorHour,
    /// A group session.
    GroupSession,
    /// A week of a place with a commissioned online-learning provider.
    OnlinePlaceWeek,
    /// A week of an AV1 robot (the pool's fixed cost, per robot).
    Av1RobotWeek,
    /// A day of hospital education.
    HospitalDay,
    /// Transport, per journey.
    TransportJourney,
}

impl CostKind {
    /// Every kind, in the order the price list shows them.
    pub const ALL: [CostKind; 7] = [
        CostKind::HlsaHour,
        CostKind::TutorHour,
        CostKind::GroupSession,
        CostKind::OnlinePlaceWeek,
        CostKind::Av1RobotWeek,
        CostKind::HospitalDay,
        CostKind::TransportJourney,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            CostKind::HlsaHour => "hlsa_hour",
            CostKind::TutorHour => "tutor_hour",
            CostKind::GroupSession => "group_session",
            CostKind::OnlinePlaceWeek => "online_place_week",
            CostKind::Av1RobotWeek => "av1_robot_week",
            CostKind::HospitalDay => "hospital_day",
            CostKind::TransportJourney => "transport_journey",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<CostKind> {
        CostKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim())
    }

    /// How people see it, with its unit.
    pub fn label(self) -> &'static str {
        match self {
            CostKind::HlsaHour => "Home learning support (HLSA), per hour",
            CostKind::TutorHour => "Tutor or alternative provision, per hour",
            CostKind::GroupSession => "Group session, per session",
            CostKind::OnlinePlaceWeek => "Online-learning place, per week",
            CostKind::Av1RobotWeek => "AV1 robot, per robot per week",
            CostKind::HospitalDay => "Hospital education, per day",
            CostKind::TransportJourney => "Transport, per journey",
        }
    }
}

/// Who pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    /// The Dedicated Schools Grant's high needs block.
    HighNeedsBlock,
    /// The Medical Needs Service's own budget.
    ServiceBudget,
    /// Recharged to the home school.
    HomeSchoolRecharge,
}

impl FundingSource {
    /// Every source.
    pub const ALL: [FundingSource; 3] = [
        FundingSource::HighNeedsBlock,
        FundingSource::ServiceBudget,
        FundingSource::HomeSchoolRecharge,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            FundingSource::HighNeedsBlock => "high_needs_block",
            FundingSource::ServiceBudget => "service_budget",
            FundingSource::HomeSchoolRecharge => "home_school_recharge",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<FundingSource> {
        FundingSource::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
    }

    /// How people see it.
    pub fn label(self) -> &'static str {
        match self {
            FundingSource::HighNeedsBlock => "High needs block",
            FundingSource::ServiceBudget => "The service's budget",
            FundingSource::HomeSchoolRecharge => "Recharged to the home school",
        }
    }
}

/// One price on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPrice {
    /// What it is for.
    pub kind: CostKind,
    /// In pence.
    pub amount_pence: i64,
    /// Who pays.
    pub source: FundingSource,
    /// The first day it applies.
    pub valid_from: NaiveDate,
    /// The last day, if it has one (a later price of the same kind gives it one).
    pub valid_to: Option<NaiveDate>,
}

impl UnitPrice {
    /// Whether it applies on `day`.
    pub fn applies_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// Why a price cannot go on the list; each names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    /// Nothing, or less than nothing.
    #[error("Enter an amount of more than £0")]
    NotPositive,
    /// It ends before it starts.
    #[error("The last day must be the same as or after the first day")]
    EndsBeforeItStarts,
    /// Another price of the kind covers some of the same days.
    #[error("This overlaps the price from {from}{to}: choose dates outside it")]
    Overlaps {
        /// The other price's first day, written out.
        from: String,
        /// ", to <day>" or " (with no end)".
        to: String,
    },
}

impl PriceError {
    /// The form field the problem is about.
    pub fn field(&self) -> &'static str {
        match self {
            PriceError::NotPositive => "amount",
            PriceError::EndsBeforeItStarts => "valid_to",
            PriceError::Overlaps { .. } => "valid_from",
        }
    }
}

fn long(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// What adding a price to the list does: the price as it goes on, and the open-ended price of
/// the same kind it ends (the day before it starts), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceChange {
    /// The index in the list of the price it ends, and that price's new last day.
    pub ends: Option<(usize, NaiveDate)>,
}

/// Checks a new price against the list (issue 17): an amount above zero, an end on or after
/// its start, and no day covered by another price of the same kind, except that an open-ended
/// price starting earlier is ended the day before the new one starts (the price change applies
/// from its date, and the old price is kept).
pub fn check_new_price(list: &[UnitPrice], new: &UnitPrice) -> Result<PriceChange, PriceError> {
    if new.amount_pence <= 0 {
        return Err(PriceError::NotPositive);
    }
    if new.valid_to.is_some_and(|to| to < new.valid_from) {
        return Err(PriceError::EndsBeforeItStarts);
    }
    let mut ends = None;
    for (i, old) in list.iter().enumerate().filter(|(_, p)| p.kind == new.kind) {
        let new_end = new.valid_to.unwrap_or(NaiveDate::MAX);
        let old_end = old.valid_to.unwrap_or(NaiveDate::MAX);
        let overlaps = old.valid_from <= new_end && new.valid_from <= old_end;
        if !overlaps {
            continue;
        }
        if old.valid_to.is_none() && old.valid_from < new.valid_from && ends.is_none() {
            ends = new.valid_from.pred_opt().map(|day| (i, day));
            continue;
        }
        return Err(PriceError::Overlaps {
            from: long(old.valid_from),
            to: old
                .valid_to
                .map_or_else(|| " (with no end)".into(), |to| format!(" to {}", long(to))),
        });
    }
    Ok(PriceChange { ends })
}

/// The price of `kind` on `day`, if the list has one.
pub fn price_on(list: &[UnitPrice], kind: CostKind, day: NaiveDate) -> Option<&UnitPrice> {
    list.iter().find(|p| p.kind == kind && p.applies_on(day))
}

/// One line of a cost: what, who pays, how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostLine {
    /// What it is for.
    pub kind: CostKind,
    /// Who pays.
    pub source: FundingSource,
    /// In pence.
    pub pence: i64,
}

fn hours_at(list: &[UnitPrice], kind: CostKind, day: NaiveDate, hours: f64) -> Option<CostLine> {
    price_on(list, kind, day).map(|p| CostLine {
        kind,
        source: p.source,
        pence: (p.amount_pence as f64 * hours).round() as i64,
    })
}

/// What a week of a package costs, priced on `day` (a day of that week), per child: HLSA and
/// alternative provision by the hour, a commissioned online-learning place by the week (online
/// learning from the home school costs the service nothing), contact with the home school and
/// the reintegration plan nothing. Robots are a fixed cost, shared out separately
/// ([`share_fixed_cost`]). A kind with no price on the day is left out; the report says which.
pub fn weekly_cost(package: &Package, list: &[UnitPrice], day: NaiveDate) -> Vec<CostLine> {
    package
        .components
        .iter()
        .filter_map(|component| match component {
            Component::Hlsa { hours_per_week } => {
                hours_at(list, CostKind::HlsaHour, day, *hours_per_week)
            }
            Component::AlternativeProvision { hours_per_week } => {
                hours_at(list, CostKind::TutorHour, day, *hours_per_week)
            }
            Component::OnlineLearning { provider, .. }
                if !provider.trim().eq_ignore_ascii_case("home school") =>
            {
                hours_at(list, CostKind::OnlinePlaceWeek, day, 1.0)
            }
            _ => None,
        })
        .collect()
}

/// What hours delivered in sessions cost, priced on the day they were held: at the HLSA rate
/// when the package has an HLSA, otherwise the tutor rate.
pub fn delivered_cost(
    package: &Package,
    list: &[UnitPrice],
    held_on: NaiveDate,
    hours: f64,
) -> Option<CostLine> {
    let kind = if package.has_hlsa() {
        CostKind::HlsaHour
    } else {
        CostKind::TutorHour
    };
    hours_at(list, kind, held_on, hours)
}

/// The days after `from`, up to `to`, on which some price starts or stops applying: between two
/// of them every price is the same, so hours delivered can be summed over each stretch and
/// priced once on its first day, as each day's hours priced on that day would be.
pub fn price_changes(list: &[UnitPrice], from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = list
        .iter()
        .flat_map(|p| [Some(p.valid_from), p.valid_to.and_then(|d| d.succ_opt())])
        .flatten()
        .filter(|d| from < *d && *d <= to)
        .collect();
    days.sort();
    days.dedup();
    days
}

/// A fixed weekly cost (the robot pool: robots × the weekly price) shared equally among the
/// children using it that week, in pence each, so the pool's whole cost is counted once and
/// spread before anything is counted per child. `None` when nobody used it.
pub fn share_fixed_cost(pool_pence: i64, children: usize) -> Option<i64> {
    (children > 0).then(|| (pool_pence as f64 / children as f64).round() as i64)
}

/// The financial year (April to March) a day falls in, by its first year: 2026 for
/// 1 April 2026 to 31 March 2027.
pub fn financial_year(day: NaiveDate) -> i32 {
    if day.month() >= 4 {
        day.year()
    } else {
        day.year() - 1
    }
}

/// Reads an amount of money as a person types it ("1,250.00", "£45", "12.5") into pence.
pub fn parse_pounds(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (pounds, pence) = match cleaned.split_once('.') {
        Some((p, d)) if (1..=2).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()) => {
            (p, format!("{d:0<2}"))
        }
        Some(_) => return None,
        None => (cleaned.as_str(), "00".to_string()),
    };
    let negative = pounds.starts_with('-');
    let digits = pounds.trim_start_matches('-');
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 12 {
        return None;
    }
    let value = digits.parse::<i64>().ok()? * 100 + pence.parse::<i64>().ok()?;
    Some(if negative { -value } else { value })
}

/// Pence written as pounds: "£1,250.00".
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let whole = (pence.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}£{grouped}.{:02}", pence.abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
    }

    fn price(kind: CostKind, pence: i64, from: NaiveDate, to: Option<NaiveDate>) -> UnitPrice {
        UnitPrice {
            kind,
            amount_pence: pence,
            source: FundingSource::HighNeedsBlock,
            valid_from: from,
            valid_to: to,
        }
    }

    #[test]
    fn s19_hours_priced_by_stretch_between_price_changes_cost_what_each_day_priced_does() {
        let list = vec![
            price(
                CostKind::HlsaHour,
                2_400,
                day(2026, 4, 1),
                Some(day(2026, 8, 31)),
            ),
            price(CostKind::HlsaHour, 2_600, day(2026, 9, 1), None),
            price(
                CostKind::TutorHour,
                3_200,
                day(2025, 4, 1),
                Some(day(2026, 10, 4)),
            ),
        ];
        let (from, to) = (day(2026, 7, 1), day(2026, 12, 31));
        let changes = price_changes(&list, from, to);
        assert_eq!(changes, [day(2026, 9, 1), day(2026, 10, 5)]);
        // Two hours on every day of the period, priced day by day and by stretch.
        let package = Package::new(vec![Component::Hlsa {
            hours_per_week: 5.0,
        }]);
        let daily: i64 = from
            .iter_days()
            .take_while(|d| *d <= to)
            .filter_map(|d| delivered_cost(&package, &list, d, 2.0))
            .map(|l| l.pence)
            .sum();
        let mut starts = vec![from];
        starts.extend(&changes);
        let stretched: i64 = starts
            .iter()
            .enumerate()
            .map(|(i, start)| {
                let end = starts
                    .get(i + 1)
                    .map_or(to, |next| next.pred_opt().unwrap());
                let days = (end - *start).num_days() + 1;
                delivered_cost(&package, &list, *start, 2.0 * days as f64)
                    .unwrap()
                    .pence
            })
            .sum();
        assert_eq!(daily, stretched);
        assert!(price_changes(&list, day(2026, 9, 1), day(2026, 9, 30)).is_empty());
    }

    #[test]
    fn s19_a_price_change_applies_from_its_date_and_the_old_price_is_kept() {
        let mut list = vec![price(CostKind::HlsaHour, 2_400, day(2026, 4, 1), None)];
        let rise = price(CostKind::HlsaHour, 2_600, day(2026, 9, 1), None);
        let change = check_new_price(&list, &rise).unwrap();
        assert_eq!(change.ends, Some((0, day(2026, 8, 31))));
        list[0].valid_to = Some(day(2026, 8, 31));
        list.push(rise);
        let at = |d| price_on(&list, CostKind::HlsaHour, d).map(|p| p.amount_pence);
        assert_eq!(at(day(2026, 3, 31)), None);
        assert_eq!(at(day(2026, 8, 31)), Some(2_400));
        assert_eq!(at(day(2026, 9, 1)), Some(2_600));
        assert_eq!(at(day(2030, 1, 1)), Some(2_600));
        // A week of 5 HLSA hours either side of the change.
        let package = Package::new(vec![Component::Hlsa {
            hours_per_week: 5.0,
        }]);
        assert_eq!(
            weekly_cost(&package, &list, day(2026, 8, 24))[0].pence,
            12_000
        );
        assert_eq!(
            weekly_cost(&package, &list, day(2026, 9, 7))[0].pence,
            13_000
        );
        assert_eq!(
            delivered_cost(&package, &list, day(2026, 9, 7), 2.0).map(|c| c.pence),
            Some(5_200)
        );
    }

    #[test]
    fn s19_overlapping_prices_a_negative_amount_and_backwards_dates_are_refused() {
        let list = vec![
            price(
                CostKind::TutorHour,
                3_000,
                day(2026, 4, 1),
                Some(day(2026, 12, 31)),
            ),
            price(CostKind::HlsaHour, 2_400, day(2026, 4, 1), None),
        ];
        let inside = price(CostKind::TutorHour, 3_200, day(2026, 6, 1), None);
        let error = check_new_price(&list, &inside).unwrap_err();
        assert_eq!(
            error.to_string(),
            "This overlaps the price from 1 April 2026 to 31 December 2026: choose dates outside it"
        );
        assert_eq!(error.field(), "valid_from");
        // The same first day as an open-ended price is an overlap too.
        let same_day = price(CostKind::HlsaHour, 2_500, day(2026, 4, 1), None);
        assert!(matches!(
            check_new_price(&list, &same_day),
            Err(PriceError::Overlaps { .. })
        ));
        // Before an open-ended price, ending before it starts: fine.
        let before = price(
            CostKind::HlsaHour,
            2_000,
            day(2025, 4, 1),
            Some(day(2026, 3, 31)),
        );
        assert_eq!(check_new_price(&list, &before).unwrap().ends, None);
        let negative = price(CostKind::HlsaHour, -100, day(2027, 4, 1), None);
        assert_eq!(
            check_new_price(&list, &negative),
            Err(PriceError::NotPositive)
        );
        let backwards = price(
            CostKind::GroupSession,
            100,
            day(2027, 4, 1),
            Some(day(2027, 3, 1)),
        );
        assert_eq!(
            check_new_price(&list, &backwards),
            Err(PriceError::EndsBeforeItStarts)
        );
    }

    #[test]
    fn s19_the_home_schools_online_learning_and_contact_cost_the_service_nothing() {
        let list = vec![
            price(CostKind::OnlinePlaceWeek, 9_500, day(2026, 4, 1), None),
            price(CostKind::TutorHour, 3_000, day(2026, 4, 1), None),
        ];
        let package = Package::new(vec![
            Component::OnlineLearning {
                provider: "Home school".into(),
                hours_per_week: 10.0,
            },
            Component::OnlineLearning {
                provider: "Norfolk Online Academy".into(),
                hours_per_week: 10.0,
            },
            Component::AlternativeProvision {
                hours_per_week: 2.0,
            },
            Component::HomeSchoolContact {
                hours_per_week: 1.0,
            },
        ]);
        let lines = weekly_cost(&package, &list, day(2026, 10, 5));
        assert_eq!(
            lines.iter().map(|l| (l.kind, l.pence)).collect::<Vec<_>>(),
            [
                (CostKind::OnlinePlaceWeek, 9_500),
                (CostKind::TutorHour, 6_000)
            ]
        );
        assert_eq!(
            delivered_cost(&package, &list, day(2026, 10, 5), 1.5).map(|c| c.pence),
            Some(4_500)
        );
    }

    #[test]
    fn s19_a_fixed_cost_is_shared_among_the_children_using_it() {
        assert_eq!(share_fixed_cost(3 * 4_000, 2), Some(6_000));
        assert_eq!(share_fixed_cost(12_000, 0), None);
    }

    #[test]
    fn s19_amounts_are_read_as_people_type_them() {
        assert_eq!(parse_pounds("1,250.00"), Some(125_000));
        assert_eq!(parse_pounds("£45"), Some(4_500));
        assert_eq!(parse_pounds("12.5"), Some(1_250));
        assert_eq!(parse_pounds("-3"), Some(-300));
        for bad in ["", "abc", "1.234", "£", "1.2.3", "12a"] {
            assert_eq!(parse_pounds(bad), None, "{bad}");
        }
        assert_eq!(pounds(125_000), "£1,250.00");
        assert_eq!(pounds(5), "£0.05");
        assert_eq!(pounds(123_456_789), "£1,234,567.89");
        assert_eq!(financial_year(day(2026, 4, 1)), 2026);
        assert_eq!(financial_year(day(2027, 3, 31)), 2026);
    }

    #[test]
    fn s19_every_kind_and_source_reads_back_from_its_stored_form() {
        for kind in CostKind::ALL {
            assert_eq!(CostKind::parse(kind.as_str()), Some(kind));
        }
        for source in FundingSource::ALL {
            assert_eq!(FundingSource::parse(source.as_str()), Some(source));
        }
        assert_eq!(FundingSource::parse("lottery"), None);
    }
}
