//! The service's reports (issue 17): Section 19 compliance for each child and for the service,
//! from the cases themselves, with exports of every table.
//!
//! Each figure is worked out by the domain ([`mns_domain::outcomes`]) from what the store reads
//! for the period ([`mns_store::ReportFilter`]); `docs/ARCHITECTURE.md` says where each comes
//! from. Exports of figures suppress counts of fewer than 5 children
//! ([`mns_domain::outcomes::disclose`]); the list of children by name is the coordinator's
//! working list, exported as the personal data it is and audited.

use chrono::NaiveDate;
use mns_domain::calendar::{SchoolYear, year_group};
use mns_domain::outcomes::benefit::{Change, change};
use mns_domain::outcomes::condition::NOT_RECORDED;
use mns_domain::outcomes::{
    CaseOutcome, Compliance, ComplianceFacts, ComplianceTargets, ServiceCompliance, assess,
};
use mns_domain::outcomes::{ConditionGroup, Measures, Reintegration, WellbeingMeasure};
use mns_domain::permissions::Capability;
use mns_domain::provision::CaseState;
use mns_store::ComplianceLine;
pub use mns_store::ReportFilter;

mod annual;
mod tables;
pub use tables::{ExportFormat, ap_census_rows, table_rows};

use crate::{Actor, App, AppError, AppResult};

/// One child on the report.
#[derive(Debug, Clone)]
pub struct ChildCompliance {
    /// What the store read.
    pub line: ComplianceLine,
    /// How the case measures up.
    pub compliance: Compliance,
}

/// The figures for one school or district.
#[derive(Debug, Clone)]
pub struct GroupCompliance {
    /// The school's or district's name.
    pub name: String,
    /// Its figures.
    pub figures: ServiceCompliance,
}

/// The Section 19 report for a period, school or district.
#[derive(Debug, Clone)]
pub struct ComplianceReport {
    /// What it covers.
    pub filter: ReportFilter,
    /// The targets it measures against (the policy in force).
    pub targets: ComplianceTargets,
    /// The service's figures.
    pub service: ServiceCompliance,
    /// Every child, in referral date order.
    pub children: Vec<ChildCompliance>,
    /// The figures by school, by name.
    pub by_school: Vec<GroupCompliance>,
    /// The figures by district.
    pub by_district: Vec<GroupCompliance>,
    /// The figures by the condition group Part A records ("Not recorded" without one).
    pub by_condition: Vec<GroupCompliance>,
    /// Where the children whose provision ended went, by outcome, with those ended before the
    /// outcome was asked last.
    pub outcomes: Vec<(&'static str, u64)>,
    /// Benefit tracking: each measure from the baseline to the latest review.
    pub benefits: Vec<(String, Change)>,
    /// Reintegration at the latest review, by progress, with those not recorded last.
    pub reintegration: Vec<(&'static str, u64)>,
    /// Need recorded and not yet met, now (MN-DEC-3): by resource, the children waiting, the
    /// hours a week still needed, and the longest wait in days.
    pub waiting: Vec<(&'static str, u64, f64, i64)>,
    /// The schools and districts with cases, for the filters.
    pub schools: Vec<(String, String)>,
    /// The districts.
    pub districts: Vec<String>,
}

impl ComplianceReport {
    /// The children whose package is part time with no medical reason recorded (MN-DEC-3).
    pub fn part_time_without_reason(&self) -> impl Iterator<Item = &ChildCompliance> {
        self.children
            .iter()
            .filter(|c| c.compliance.part_time_without_reason)
    }

    /// The children whose provision started, or who have waited, longer than the target
    /// (MN-DEC-2).
    pub fn late_starts(&self) -> impl Iterator<Item = &ChildCompliance> {
        self.children.iter().filter(|c| c.compliance.late_start)
    }
}

/// The tables of the report that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplianceTable {
    /// The service's figures.
    Service,
    /// Cases by days from referral to provision (the chart's data).
    DaysToStart,
    /// By school.
    Schools,
    /// By district.
    Districts,
    /// By condition group.
    Conditions,
    /// Where children went when provision ended.
    Outcomes,
    /// Benefit tracking: each measure from the baseline to the latest review.
    Benefits,
    /// Reintegration at the latest review.
    Reintegration,
    /// Need recorded and not yet met (MN-DEC-3).
    Waiting,
    /// Every child, by name (personal data).
    Children,
}

impl ComplianceTable {
    /// Every table.
    pub const ALL: [ComplianceTable; 10] = [
        ComplianceTable::Service,
        ComplianceTable::DaysToStart,
        ComplianceTable::Schools,
        ComplianceTable::Districts,
        ComplianceTable::Conditions,
        ComplianceTable::Outcomes,
        ComplianceTable::Benefits,
        ComplianceTable::Reintegration,
        ComplianceTable::Waiting,
        ComplianceTable::Children,
    ];

    /// Its name in addresses and file names.
    pub fn slug(self) -> &'static str {
        match self {
            ComplianceTable::Service => "service",
            ComplianceTable::DaysToStart => "days-to-start",
            ComplianceTable::Schools => "schools",
            ComplianceTable::Districts => "districts",
            ComplianceTable::Conditions => "conditions",
            ComplianceTable::Outcomes => "outcomes",
            ComplianceTable::Benefits => "benefits",
            ComplianceTable::Reintegration => "reintegration",
            ComplianceTable::Waiting => "waiting",
            ComplianceTable::Children => "children",
        }
    }

    /// Reads a slug.
    pub fn parse(slug: &str) -> Option<ComplianceTable> {
        ComplianceTable::ALL.into_iter().find(|t| t.slug() == slug)
    }
}

/// Checks a report period: it may not end before it starts.
pub fn check_period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> AppResult<()> {
    match (from, to) {
        (Some(from), Some(to)) if to < from => Err(AppError::invalid(
            "to",
            "The end of the period must be the same as or after its start",
        )),
        _ => Ok(()),
    }
}

fn facts(line: &ComplianceLine) -> ComplianceFacts {
    let state = CaseState::parse(&line.state).ok();
    ComplianceFacts {
        referral_date: line.referral_date,
        absence_threshold_on: line.absence_threshold_on,
        provision_start: line.provision_start,
        last_day: line.last_day,
        opened_on: line.opened_on,
        hours_per_week: line.hours_per_week,
        plan_full_time_hours: line.full_time_hours,
        medical_reason: line.medical_reason.clone(),
        year_group: line
            .date_of_birth
            .map(|dob| year_group(dob, SchoolYear::containing(line.referral_date))),
        running: matches!(
            state,
            Some(CaseState::InProvision | CaseState::Continued | CaseState::Review)
        ),
        review_due: line.review_due,
        review_held_on: line.review_held_on,
        continuation_due: line.continuation_due,
        continuation_requested: line.continuation_requested,
    }
}

fn grouped(
    children: &[ChildCompliance],
    key: impl Fn(&ComplianceLine) -> Option<String>,
) -> Vec<GroupCompliance> {
    let mut groups: std::collections::BTreeMap<String, Vec<&Compliance>> = Default::default();
    for child in children {
        if let Some(name) = key(&child.line) {
            groups.entry(name).or_default().push(&child.compliance);
        }
    }
    groups
        .into_iter()
        .map(|(name, cases)| GroupCompliance {
            name,
            figures: ServiceCompliance::of(cases),
        })
        .collect()
}

/// The baseline (Part A) and the latest review's measures (Part B) of each child with both.
fn measure_pairs(children: &[ChildCompliance]) -> Vec<(Measures, Measures)> {
    children
        .iter()
        .filter_map(|c| Some((c.line.baseline.clone()?, c.line.latest_measures.clone()?)))
        .collect()
}

/// Each measure's change from the baseline to the latest review (suppressed below 5 children).
fn benefits(children: &[ChildCompliance], scales: &[WellbeingMeasure]) -> Vec<(String, Change)> {
    let pairs = measure_pairs(children);
    let refs: Vec<(&Measures, &Measures)> = pairs.iter().map(|(a, b)| (a, b)).collect();
    let mut out = vec![
        (
            "Attendance at the home school (%)".to_string(),
            change(&refs, |m| m.attendance_percent),
        ),
        (
            "Hours of education received a week".to_string(),
            change(&refs, |m| m.hours_received),
        ),
    ];
    for scale in scales {
        out.push((
            scale.label.clone(),
            change(&refs, |m| m.wellbeing.get(&scale.id).map(|s| f64::from(*s))),
        ));
    }
    out
}

/// Reintegration progress at each child's latest review.
fn reintegration(children: &[ChildCompliance]) -> Vec<(&'static str, u64)> {
    let latest: Vec<Option<Reintegration>> = children
        .iter()
        .filter_map(|c| c.line.latest_measures.as_ref().map(|m| m.reintegration))
        .collect();
    let mut out: Vec<(&'static str, u64)> = Reintegration::ALL
        .iter()
        .map(|r| {
            (
                r.label(),
                latest.iter().filter(|l| **l == Some(*r)).count() as u64,
            )
        })
        .collect();
    out.push((
        "Not recorded at the review",
        latest.iter().filter(|l| l.is_none()).count() as u64,
    ));
    out
}

/// The waiting lists now (MN-DEC-3: need is recorded, never cut): by resource.
fn waiting(
    open: Vec<mns_store::WaitingRecord>,
    today: NaiveDate,
) -> Vec<(&'static str, u64, f64, i64)> {
    [
        ("hlsa", "Home learning support (HLSA) hours"),
        ("online_learning", "An online-learning place"),
        ("av1_robot", "An AV1 robot"),
    ]
    .into_iter()
    .map(|(resource, label)| {
        let list: Vec<&mns_store::WaitingRecord> =
            open.iter().filter(|w| w.resource == resource).collect();
        (
            label,
            list.len() as u64,
            list.iter().map(|w| w.hours_needed).sum(),
            list.iter()
                .map(|w| (today - w.requested_on).num_days())
                .max()
                .unwrap_or(0),
        )
    })
    .collect()
}

/// Counts the ended cases by outcome.
fn outcomes(children: &[ChildCompliance]) -> Vec<(&'static str, u64)> {
    let ended: Vec<&ComplianceLine> = children
        .iter()
        .map(|c| &c.line)
        .filter(|l| l.last_day.is_some())
        .collect();
    let mut out: Vec<(&'static str, u64)> = CaseOutcome::ALL
        .iter()
        .map(|o| {
            let n = ended
                .iter()
                .filter(|l| l.outcome.as_deref() == Some(o.as_str()))
                .count();
            (o.label(), n as u64)
        })
        .collect();
    let unrecorded = ended
        .iter()
        .filter(|l| {
            l.outcome
                .as_deref()
                .is_none_or(|o| CaseOutcome::parse(o).is_err())
        })
        .count();
    out.push((
        "Not recorded (ended before it was asked)",
        unrecorded as u64,
    ));
    out
}

impl App {
    /// The Section 19 report (the head of service and the Medical Needs team): every case open
    /// during the period (default: the financial year to date, as the finance and annual
    /// reports), at the school or in the district if given, measured against the policy in
    /// force.
    pub async fn compliance_report(
        &self,
        actor: &Actor,
        filter: &ReportFilter,
    ) -> AppResult<ComplianceReport> {
        actor.require(Capability::ReadServiceReports)?;
        check_period(filter.from, filter.to)?;
        self.audit_view(actor, "report.section19", "report", "section-19")
            .await?;
        self.build_compliance_report(&self.financial_year_to_date(filter))
            .await
    }

    /// The schools with cases, URN and name, for the reports' filter.
    pub async fn report_schools(&self, actor: &Actor) -> AppResult<Vec<(String, String)>> {
        actor.require(Capability::ReadServiceReports)?;
        Ok(self.store.case_schools().await?)
    }

    /// The districts of the schools with cases, for the reports' filter.
    pub async fn report_districts(&self, actor: &Actor) -> AppResult<Vec<String>> {
        actor.require(Capability::ReadServiceReports)?;
        Ok(self.store.case_districts().await?)
    }

    async fn build_compliance_report(&self, filter: &ReportFilter) -> AppResult<ComplianceReport> {
        let today = self.today();
        let targets = ComplianceTargets::from_policy(self.policy());
        let children: Vec<ChildCompliance> = self
            .store
            .compliance_lines(filter)
            .await?
            .into_iter()
            .map(|line| ChildCompliance {
                compliance: assess(&facts(&line), &targets, today),
                line,
            })
            .collect();
        Ok(ComplianceReport {
            outcomes: outcomes(&children),
            benefits: benefits(&children, &self.policy().wellbeing_measures),
            reintegration: reintegration(&children),
            waiting: waiting(self.store.open_waiting().await?, today),
            service: ServiceCompliance::of(children.iter().map(|c| &c.compliance)),
            by_school: grouped(&children, |l| Some(l.school_name.clone())),
            by_district: grouped(&children, |l| l.district.clone()),
            by_condition: grouped(&children, |l| {
                Some(
                    l.condition_group
                        .map_or(NOT_RECORDED, ConditionGroup::label)
                        .to_owned(),
                )
            }),
            schools: self.store.case_schools().await?,
            districts: self.store.case_districts().await?,
            filter: filter.clone(),
            targets,
            children,
        })
    }

    /// One table of the Section 19 report as CSV or ODS: counts of fewer than 5 children
    /// suppressed, every cell safe to open in a spreadsheet, and the export audited.
    pub async fn compliance_export(
        &self,
        actor: &Actor,
        filter: &ReportFilter,
        table: ComplianceTable,
        format: ExportFormat,
    ) -> AppResult<Vec<u8>> {
        actor.require(Capability::ReadServiceReports)?;
        check_period(filter.from, filter.to)?;
        let report = self
            .build_compliance_report(&self.financial_year_to_date(filter))
            .await?;
        let rows = table_rows(&report, table, true);
        let bytes = format.bytes(table.slug(), &rows)?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "report.export",
            "report",
            &format!("section-19/{}", table.slug()),
            &format!(
                "{} rows as {}",
                rows.len().saturating_sub(1),
                format.extension()
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }
}

impl App {
    /// The AP census-style return for the period (default: the financial year to date), school
    /// or district (the Medical Needs team and the auditor): one row per pupil placement, with UPNs, audited as an export.
    pub async fn ap_census_export(
        &self,
        actor: &Actor,
        filter: &ReportFilter,
        format: ExportFormat,
    ) -> AppResult<Vec<u8>> {
        actor.require(Capability::ReadServiceReports)?;
        check_period(filter.from, filter.to)?;
        let report = self
            .build_compliance_report(&self.financial_year_to_date(filter))
            .await?;
        let rows = ap_census_rows(&report.children);
        let bytes = format.bytes("AP census", &rows)?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "report.export",
            "report",
            "ap-census",
            &format!("{} placements as {}", rows.len() - 1, format.extension()),
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }
}
