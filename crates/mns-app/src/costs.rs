//! Unit costs, budgets and what the service spends (issue 17). Finance and the coordinator keep
//! the dated price list and the year's budgets; the finance report works out, from the cases'
//! finalised packages, their delivered sessions, the robot pool and the hospital invoices paid,
//! what was spent in a period, by kind, source, school and district, against the budget, and
//! what the rest of each open 12-week period commits. No child is named: finance sees none.

use chrono::{Datelike, Days, NaiveDate};
use mns_domain::outcomes::ConditionGroup;
use mns_domain::outcomes::condition::NOT_RECORDED;
use mns_domain::outcomes::costs::pounds;
use mns_domain::outcomes::costs::{
    CostKind, CostLine, FundingSource, PriceError, UnitPrice, check_new_price, delivered_cost,
    financial_year, parse_pounds, price_changes, price_on, share_fixed_cost, weekly_cost,
};
use mns_domain::outcomes::{disclose, disclose_share};
use mns_domain::permissions::Capability;
use mns_store::{BudgetRecord, CostedCase, PriceRecord, ReportFilter, new_id};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::{Actor, App, AppError, AppResult, FieldError};

/// A price as someone typed it.
#[derive(Debug, Clone, Default)]
pub struct NewPrice {
    /// The kind's stored form.
    pub kind: String,
    /// The amount in pounds.
    pub amount: String,
    /// The source's stored form.
    pub source: String,
    /// The first day.
    pub valid_from: Option<NaiveDate>,
    /// The last day, if any.
    pub valid_to: Option<NaiveDate>,
}

/// The price list and the budgets.
#[derive(Debug, Clone)]
pub struct PriceList {
    /// Every price, by kind and first day.
    pub prices: Vec<PriceRecord>,
    /// Every budget, by year and source.
    pub budgets: Vec<BudgetRecord>,
}

/// Spend and budget for one source.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSpend {
    /// The source.
    pub source: FundingSource,
    /// Spent in the period, in pence.
    pub spent: i64,
    /// Committed by the open periods, in pence.
    pub committed: i64,
    /// The budget for the financial year the period ends in, if set.
    pub budget: Option<i64>,
}

/// Spend for one school or district.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSpend {
    /// Its name.
    pub name: String,
    /// Children costed.
    pub children: u64,
    /// Spent, in pence.
    pub spent: i64,
}

/// The finance report for a period.
#[derive(Debug, Clone)]
pub struct FinanceReport {
    /// The period's first day.
    pub from: NaiveDate,
    /// Its last day.
    pub to: NaiveDate,
    /// The financial year whose budgets it is measured against.
    pub financial_year: i32,
    /// Spent, in pence, by kind.
    pub by_kind: Vec<(CostKind, i64)>,
    /// Spent, committed and budgeted, by source.
    pub by_source: Vec<SourceSpend>,
    /// By school, by name.
    pub by_school: Vec<GroupSpend>,
    /// By district.
    pub by_district: Vec<GroupSpend>,
    /// By the condition group Part A records, with the cases without one as not recorded.
    pub by_condition: Vec<GroupSpend>,
    /// Children whose provision was costed.
    pub children: u64,
    /// Weeks of provision costed (child-weeks).
    pub child_weeks: u64,
    /// Hours delivered in sessions.
    pub hours_delivered: f64,
    /// What those hours cost, in pence.
    pub delivered_cost: i64,
    /// Hospital invoices paid in the period, in pence, and how many.
    pub invoices_paid: (i64, u64),
    /// The robot pool's cost in the period, in pence, and the part no child was using.
    pub robot_pool: (i64, i64),
    /// Kinds a package used with no price on some day: not counted.
    pub unpriced: Vec<CostKind>,
    /// Everything spent in the period, in pence.
    pub total: i64,
    /// Committed by the rest of the open periods, in pence.
    pub committed: i64,
}

impl FinanceReport {
    /// Spend per child per week, in pence.
    pub fn per_child_week(&self) -> Option<i64> {
        let packages: i64 = self.by_kind.iter().map(|(_, pence)| pence).sum::<i64>();
        (self.child_weeks > 0).then(|| packages / self.child_weeks as i64)
    }

    /// What an hour delivered cost, in pence.
    pub fn per_hour_delivered(&self) -> Option<i64> {
        (self.hours_delivered > 0.0)
            .then(|| (self.delivered_cost as f64 / self.hours_delivered).round() as i64)
    }
}

fn price_problem(error: PriceError) -> AppError {
    AppError::invalid(error.field(), error.to_string())
}

/// The Mondays of the weeks that overlap `from..=to`.
fn mondays(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    let first = from - Days::new(u64::from(from.weekday().num_days_from_monday()));
    std::iter::successors(Some(first), |d| d.checked_add_days(Days::new(7)))
        .take_while(move |d| *d <= to)
}

/// The spend so far, each child counted by their place in the report's list of cases.
struct Tally {
    by_kind: BTreeMap<CostKind, i64>,
    by_source: BTreeMap<FundingSource, (i64, i64)>,
    by_school: BTreeMap<String, (BTreeSet<usize>, i64)>,
    by_district: BTreeMap<String, (BTreeSet<usize>, i64)>,
    by_condition: BTreeMap<String, (BTreeSet<usize>, i64)>,
    unpriced: BTreeSet<CostKind>,
}

impl Tally {
    fn add(&mut self, (n, case): (usize, &CostedCase), line: CostLine) {
        *self.by_kind.entry(line.kind).or_default() += line.pence;
        self.by_source.entry(line.source).or_default().0 += line.pence;
        let count = |map: &mut BTreeMap<String, (BTreeSet<usize>, i64)>, key: &str| {
            let group = match map.get_mut(key) {
                Some(group) => group,
                None => map.entry(key.to_owned()).or_default(),
            };
            group.0.insert(n);
            group.1 += line.pence;
        };
        count(&mut self.by_school, &case.school_name);
        if let Some(district) = &case.district {
            count(&mut self.by_district, district);
        }
        count(
            &mut self.by_condition,
            case.condition_group
                .map_or(NOT_RECORDED, ConditionGroup::label),
        );
    }
}

fn groups(map: BTreeMap<String, (BTreeSet<usize>, i64)>) -> Vec<GroupSpend> {
    map.into_iter()
        .map(|(name, (children, spent))| GroupSpend {
            name,
            children: children.len() as u64,
            spent,
        })
        .collect()
}

impl App {
    /// The price list and budgets (finance, the coordinator and the auditor).
    pub async fn price_list(&self, actor: &Actor) -> AppResult<PriceList> {
        actor.require(Capability::ReadCosts)?;
        Ok(PriceList {
            prices: self.store.prices().await?,
            budgets: self.store.budgets().await?,
        })
    }

    /// Adds a price (finance and the coordinator): checked against the list
    /// ([`check_new_price`]); an open-ended price of the kind that starts earlier ends the day
    /// before. Nothing is saved if anything is wrong, and every problem is named.
    pub async fn add_price(&self, actor: &Actor, new: &NewPrice) -> AppResult<()> {
        actor.require(Capability::ManageCosts)?;
        let mut problems = Vec::new();
        let kind = CostKind::parse(&new.kind);
        if kind.is_none() {
            problems.push(FieldError::new("kind", "Select what the price is for"));
        }
        let amount = parse_pounds(&new.amount);
        if amount.is_none() {
            problems.push(FieldError::new(
                "amount",
                "Enter the amount in pounds, like 24.50",
            ));
        }
        let source = FundingSource::parse(&new.source);
        if source.is_none() {
            problems.push(FieldError::new("source", "Select who pays"));
        }
        if new.valid_from.is_none() {
            problems.push(FieldError::new(
                "valid_from",
                "Enter the first day the price applies",
            ));
        }
        let (Some(kind), Some(amount_pence), Some(source), Some(valid_from), true) =
            (kind, amount, source, new.valid_from, problems.is_empty())
        else {
            return Err(AppError::Invalid(problems));
        };
        let price = UnitPrice {
            kind,
            amount_pence,
            source,
            valid_from,
            valid_to: new.valid_to,
        };
        let list = self.store.prices().await?;
        let prices: Vec<UnitPrice> = list.iter().map(|r| r.price.clone()).collect();
        let change = check_new_price(&prices, &price).map_err(price_problem)?;
        let ends = change.ends.map(|(i, last)| (list[i].id.as_str(), last));
        let record = PriceRecord {
            id: new_id(),
            price,
            recorded_by: actor.user.id.clone(),
            recorded_at: self.now(),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_price(&record, ends).await?;
        self.audit(
            &mut tx,
            actor,
            "price.add",
            "unit_price",
            &record.id,
            &format!(
                "{} {} from {}",
                kind.as_str(),
                amount_pence,
                valid_from.format("%Y-%m-%d")
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a financial year's budget for a source (finance and the coordinator): a source
    /// the service has, and an amount of £0 or more.
    pub async fn set_budget(
        &self,
        actor: &Actor,
        year: &str,
        source: &str,
        amount: &str,
    ) -> AppResult<()> {
        actor.require(Capability::ManageCosts)?;
        let mut problems = Vec::new();
        let year = year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            problems.push(FieldError::new(
                "budget_year",
                "Enter the year the financial year starts in, like 2026",
            ));
        }
        let source = FundingSource::parse(source);
        if source.is_none() {
            problems.push(FieldError::new(
                "budget_source",
                "Select one of the service's funding sources",
            ));
        }
        let amount = parse_pounds(amount);
        match amount {
            None => problems.push(FieldError::new(
                "budget_amount",
                "Enter the budget in pounds, like 120000",
            )),
            Some(pence) if pence < 0 => problems.push(FieldError::new(
                "budget_amount",
                "A budget cannot be less than £0",
            )),
            Some(_) => {}
        }
        let (Some(financial_year), Some(source), Some(amount_pence), true) =
            (year, source, amount, problems.is_empty())
        else {
            return Err(AppError::Invalid(problems));
        };
        let mut tx = self.store.begin().await?;
        tx.set_budget(
            &BudgetRecord {
                financial_year,
                source,
                amount_pence,
            },
            &actor.user.id,
            self.now(),
        )
        .await?;
        self.audit(
            &mut tx,
            actor,
            "budget.set",
            "budget",
            &format!("{financial_year}/{}", source.as_str()),
            &amount_pence.to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The finance report for `from..=to` (default: the financial year to date), against the
    /// budgets of the financial year it ends in.
    pub async fn finance_report(
        &self,
        actor: &Actor,
        filter: &ReportFilter,
    ) -> AppResult<FinanceReport> {
        actor.require(Capability::ReadCosts)?;
        crate::reports::check_period(filter.from, filter.to)?;
        self.audit_view(actor, "report.finance", "report", "finance")
            .await?;
        self.build_finance_report(&self.financial_year_to_date(filter))
            .await
    }

    /// The filter with its period filled in: to today, from the start of the financial year
    /// it ends in.
    pub(crate) fn financial_year_to_date(&self, filter: &ReportFilter) -> ReportFilter {
        let to = filter.to.unwrap_or_else(|| self.today());
        let from = filter
            .from
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(financial_year(to), 4, 1).unwrap_or(to));
        ReportFilter {
            from: Some(from),
            to: Some(to),
            ..filter.clone()
        }
    }

    /// The schools and districts with cases, for the finance report's filters (no child's
    /// name: finance may see them).
    pub async fn cost_filter_lists(
        &self,
        actor: &Actor,
    ) -> AppResult<(Vec<(String, String)>, Vec<String>)> {
        actor.require(Capability::ReadCosts)?;
        Ok((
            self.store.case_schools().await?,
            self.store.case_districts().await?,
        ))
    }

    /// One table of the finance report as CSV or ODS (`slug` from [`finance_tables`]),
    /// audited.
    pub async fn finance_export(
        &self,
        actor: &Actor,
        filter: &ReportFilter,
        slug: &str,
        format: crate::reports::ExportFormat,
    ) -> AppResult<Vec<u8>> {
        actor.require(Capability::ReadCosts)?;
        crate::reports::check_period(filter.from, filter.to)?;
        let report = self
            .build_finance_report(&self.financial_year_to_date(filter))
            .await?;
        let table = finance_tables(&report, true)
            .into_iter()
            .find(|t| t.slug == slug)
            .ok_or_else(|| {
                AppError::invalid("table", "Choose a table of the report to download")
            })?;
        let mut rows = vec![table.header.iter().map(|h| h.to_string()).collect()];
        rows.extend(table.rows);
        let bytes = format.bytes(slug, &rows)?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "report.export",
            "report",
            &format!("finance/{slug}"),
            &format!("{} rows as {}", rows.len() - 1, format.extension()),
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }

    /// The report over `filter`, whose period is filled in ([`App::financial_year_to_date`]):
    /// at one school or in one district, the robot pool counts only the shares of its
    /// children, and only their invoices.
    pub(crate) async fn build_finance_report(
        &self,
        filter: &ReportFilter,
    ) -> AppResult<FinanceReport> {
        let today = self.today();
        let to = filter.to.unwrap_or(today);
        let from = filter.from.unwrap_or(to);
        let scoped = filter.school_urn.is_some() || filter.district.is_some();
        let prices: Vec<UnitPrice> = self
            .store
            .prices()
            .await?
            .into_iter()
            .map(|r| r.price)
            .collect();
        let cases: Vec<CostedCase> = self
            .store
            .costed_cases(from, to)
            .await?
            .into_iter()
            .filter(|c| {
                filter
                    .school_urn
                    .as_ref()
                    .is_none_or(|urn| c.school_urn.as_ref() == Some(urn))
                    && filter
                        .district
                        .as_ref()
                        .is_none_or(|d| c.district.as_ref() == Some(d))
            })
            .collect();
        let mut tally = Tally {
            by_kind: BTreeMap::new(),
            by_source: BTreeMap::new(),
            by_school: BTreeMap::new(),
            by_district: BTreeMap::new(),
            by_condition: BTreeMap::new(),
            unpriced: BTreeSet::new(),
        };
        let weeks: Vec<NaiveDate> = mondays(from, to).filter(|m| *m <= today).collect();
        let mut child_weeks = 0u64;
        let mut children = BTreeSet::new();
        let mut robot_users: Vec<Vec<usize>> = vec![Vec::new(); weeks.len()];
        for (n, case) in cases.iter().enumerate() {
            let needed = kinds_needed(&case.package);
            let robot = case.package.has_av1_robot();
            // The weeks (Monday to Sunday) the case's provision ran in.
            let first = weeks.partition_point(|m| *m + Days::new(6) < case.provision_start);
            for (w, monday) in weeks.iter().enumerate().skip(first) {
                if case.last_day.is_some_and(|last| last < (*monday).max(from)) {
                    break;
                }
                child_weeks += 1;
                children.insert(n);
                for line in weekly_cost(&case.package, &prices, *monday) {
                    tally.add((n, case), line);
                }
                for kind in &needed {
                    if price_on(&prices, *kind, *monday).is_none() {
                        tally.unpriced.insert(*kind);
                    }
                }
                if robot {
                    robot_users[w].push(n);
                }
            }
        }
        // The robot pool is a fixed cost: shared among the children using a robot each week
        // before anything is counted per child, and counted whole.
        let robots = self.store.robot_count().await?;
        let mut robot_pool = (0i64, 0i64);
        for (monday, users) in weeks.iter().zip(&robot_users) {
            let Some(price) = price_on(&prices, CostKind::Av1RobotWeek, *monday) else {
                continue;
            };
            let pool = price.amount_pence * robots;
            robot_pool.0 += pool;
            match share_fixed_cost(pool, users.len()) {
                Some(share) => {
                    for n in users {
                        let line = CostLine {
                            kind: CostKind::Av1RobotWeek,
                            source: price.source,
                            pence: share,
                        };
                        tally.add((*n, &cases[*n]), line);
                    }
                }
                None if scoped => {}
                None => {
                    robot_pool.1 += pool;
                    *tally.by_kind.entry(CostKind::Av1RobotWeek).or_default() += pool;
                    tally.by_source.entry(price.source).or_default().0 += pool;
                }
            }
        }
        // Hours delivered, priced on the day they were held: summed by the database over each
        // stretch between price changes, and priced on the stretch's first day.
        let ids: HashMap<&str, &CostedCase> =
            cases.iter().map(|c| (c.case_id.as_str(), c)).collect();
        let mut hours_delivered = 0.0;
        let mut delivered = 0i64;
        let changes = price_changes(&prices, from, to);
        for (case_id, stretch, hours) in self.store.delivered_hours(from, to, &changes).await? {
            let Some(case) = ids.get(case_id.as_str()) else {
                continue;
            };
            hours_delivered += hours;
            if let Some(line) = delivered_cost(&case.package, &prices, stretch, hours) {
                delivered += line.pence;
            }
        }
        // Hospital invoices count when paid, from the service's budget.
        let invoices: Vec<i64> = self
            .store
            .invoices_paid(from, to)
            .await?
            .into_iter()
            .filter(|(case, ..)| !scoped || ids.contains_key(case.as_str()))
            .map(|(_, pence, _)| pence)
            .collect();
        let invoice_total: i64 = invoices.iter().sum();
        tally
            .by_source
            .entry(FundingSource::ServiceBudget)
            .or_default()
            .0 += invoice_total;
        // What the rest of each open period commits, at today's prices.
        let mut committed = 0i64;
        let next_monday = today + Days::new(u64::from(7 - today.weekday().num_days_from_monday()));
        for case in cases.iter().filter(|c| c.last_day.is_none()) {
            let Some(end) = case.period_end else {
                continue;
            };
            let weeks = mondays(next_monday, end).count() as i64;
            for line in weekly_cost(&case.package, &prices, today) {
                committed += line.pence * weeks;
                tally.by_source.entry(line.source).or_default().1 += line.pence * weeks;
            }
        }
        let year = financial_year(to);
        let budgets = self.store.budgets().await?;
        let by_source = FundingSource::ALL
            .into_iter()
            .map(|source| {
                let (spent, committed) = tally.by_source.get(&source).copied().unwrap_or_default();
                SourceSpend {
                    source,
                    spent,
                    committed,
                    budget: budgets
                        .iter()
                        .find(|b| b.financial_year == year && b.source == source)
                        .map(|b| b.amount_pence),
                }
            })
            .collect::<Vec<_>>();
        let total = by_source.iter().map(|s| s.spent).sum();
        Ok(FinanceReport {
            from,
            to,
            financial_year: year,
            by_kind: tally.by_kind.into_iter().collect(),
            by_source,
            by_school: groups(tally.by_school),
            by_district: groups(tally.by_district),
            by_condition: groups(tally.by_condition),
            children: children.len() as u64,
            child_weeks,
            hours_delivered,
            delivered_cost: delivered,
            invoices_paid: (invoice_total, invoices.len() as u64),
            robot_pool,
            unpriced: tally.unpriced.into_iter().collect(),
            total,
            committed,
        })
    }
}

/// A table of the finance report.
pub struct FinanceTable {
    /// Its name in the download's address.
    pub slug: &'static str,
    /// Its caption.
    pub caption: &'static str,
    /// Its header.
    pub header: Vec<&'static str>,
    /// Its rows, as they leave the service.
    pub rows: Vec<Vec<String>>,
}

fn group_rows(groups: &[GroupSpend], published: bool) -> Vec<Vec<String>> {
    groups
        .iter()
        .map(|g| {
            if !published {
                return vec![g.name.clone(), g.children.to_string(), pounds(g.spent)];
            }
            vec![
                g.name.clone(),
                disclose(g.children).to_string(),
                // A group of fewer than 5 children's spend would be theirs: not given.
                disclose_share(g.children, g.spent as f64)
                    .map(|p| pounds(p as i64))
                    .unwrap_or_else(|| "not given".into()),
            ]
        })
        .collect()
}

/// The report's tables. `published`: for a download, which leaves the service, so the spend
/// of a school or district with fewer than 5 children is not given; the page shows it all.
pub fn finance_tables(r: &FinanceReport, published: bool) -> Vec<FinanceTable> {
    let money = |p: Option<i64>| p.map(pounds).unwrap_or_else(|| "not given".into());
    vec![
        FinanceTable {
            slug: "sources",
            caption: "Spend against budget, by funding source",
            header: vec![
                "Funding source",
                "Spent in the period",
                "Committed by the open periods",
                "Budget for the year",
                "Left after spend and commitments",
            ],
            rows: r
                .by_source
                .iter()
                .map(|s| {
                    vec![
                        s.source.label().to_string(),
                        pounds(s.spent),
                        pounds(s.committed),
                        money(s.budget),
                        money(s.budget.map(|b| b - s.spent - s.committed)),
                    ]
                })
                .collect(),
        },
        FinanceTable {
            slug: "kinds",
            caption: "Spend by kind of provision",
            header: vec!["Kind of provision", "Spent in the period"],
            rows: r
                .by_kind
                .iter()
                .map(|(k, p)| vec![k.label().to_string(), pounds(*p)])
                .chain(std::iter::once(vec![
                    "Hospital invoices paid".to_string(),
                    pounds(r.invoices_paid.0),
                ]))
                .collect(),
        },
        FinanceTable {
            slug: "districts",
            caption: "Spend by district",
            header: vec!["District", "Children", "Spent in the period"],
            rows: group_rows(&r.by_district, published),
        },
        FinanceTable {
            slug: "conditions",
            caption: "Spend by condition group",
            header: vec!["Condition group", "Children", "Spent in the period"],
            rows: group_rows(&r.by_condition, published),
        },
        FinanceTable {
            slug: "schools",
            caption: "Spend by school",
            header: vec!["School", "Children", "Spent in the period"],
            rows: group_rows(&r.by_school, published),
        },
    ]
}

/// The kinds of price a package's weekly cost needs.
fn kinds_needed(package: &mns_domain::provision::Package) -> Vec<CostKind> {
    use mns_domain::provision::Component;
    package
        .components
        .iter()
        .filter_map(|c| match c {
            Component::Hlsa { .. } => Some(CostKind::HlsaHour),
            Component::AlternativeProvision { .. } => Some(CostKind::TutorHour),
            Component::OnlineLearning { provider, .. }
                if !provider.trim().eq_ignore_ascii_case("home school") =>
            {
                Some(CostKind::OnlinePlaceWeek)
            }
            Component::Av1Robot { .. } => Some(CostKind::Av1RobotWeek),
            _ => None,
        })
        .collect()
}
