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
use mns_domain::outcomes::{
    CaseOutcome, Compliance, ComplianceFacts, ComplianceTargets, DAYS_TO_START_BANDS, Disclosed,
    ServiceCompliance, assess, disclose, disclose_share,
};
use mns_domain::outcomes::{Measures, Reintegration, WellbeingMeasure};
use mns_domain::permissions::Capability;
use mns_domain::provision::record::{PartA, PartB};
use mns_domain::provision::{CaseState, Component};
use mns_domain::spreadsheet::safe_cell;
use mns_store::ComplianceLine;
pub use mns_store::ReportFilter;

use crate::{Actor, App, AppError, AppResult, Context};

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
    /// Where the children whose provision ended went, by outcome, with those ended before the
    /// outcome was asked last.
    pub outcomes: Vec<(&'static str, u64)>,
    /// Benefit tracking: each measure from the baseline to the latest review.
    pub benefits: Vec<(String, Change)>,
    /// Reintegration at the latest review, by progress, with those not recorded last.
    pub reintegration: Vec<(&'static str, u64)>,
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
    /// Where children went when provision ended.
    Outcomes,
    /// Benefit tracking: each measure from the baseline to the latest review.
    Benefits,
    /// Reintegration at the latest review.
    Reintegration,
    /// Every child, by name (personal data).
    Children,
}

impl ComplianceTable {
    /// Every table.
    pub const ALL: [ComplianceTable; 8] = [
        ComplianceTable::Service,
        ComplianceTable::DaysToStart,
        ComplianceTable::Schools,
        ComplianceTable::Districts,
        ComplianceTable::Outcomes,
        ComplianceTable::Benefits,
        ComplianceTable::Reintegration,
        ComplianceTable::Children,
    ];

    /// Its name in addresses and file names.
    pub fn slug(self) -> &'static str {
        match self {
            ComplianceTable::Service => "service",
            ComplianceTable::DaysToStart => "days-to-start",
            ComplianceTable::Schools => "schools",
            ComplianceTable::Districts => "districts",
            ComplianceTable::Outcomes => "outcomes",
            ComplianceTable::Benefits => "benefits",
            ComplianceTable::Reintegration => "reintegration",
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
    let plan: Option<PartA> = line
        .plan_json
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let state = CaseState::parse(&line.state).ok();
    ComplianceFacts {
        referral_date: line.referral_date,
        absence_threshold_on: line.absence_threshold_on,
        provision_start: line.provision_start,
        last_day: line.last_day,
        opened_on: line.opened_on,
        hours_per_week: line.hours_per_week,
        plan_full_time_hours: line.full_time_hours,
        medical_reason: plan.and_then(|p| p.medical_reason),
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

/// The setting an AP census return names for a part of the package, and whether the part is
/// a placement at all (contact with the home school and the reintegration plan are not).
fn setting(component: &Component) -> Option<&'static str> {
    match component {
        Component::Hlsa { .. } => Some("One-to-one tuition at home (HLSA)"),
        Component::OnlineLearning { provider, .. }
            if provider.trim().eq_ignore_ascii_case("home school") =>
        {
            Some("Online learning from the home school")
        }
        Component::OnlineLearning { .. } => Some("Online provider"),
        Component::Av1Robot { .. } => Some("Remote attendance at the home school (AV1 robot)"),
        Component::AlternativeProvision { .. } => {
            Some("Alternative provision commissioned by the school")
        }
        Component::HomeSchoolContact { .. } | Component::ReintegrationPlan { .. } => None,
    }
}

/// The AP census-style rows: one per pupil placement (each part of a finalised package that
/// is a setting), with the pupil's UPN, the setting, the reason, hours a week, and the first
/// and last day.
pub fn ap_census_rows(children: &[ChildCompliance]) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "UPN",
            "Home school URN",
            "Setting type",
            "Reason for placement",
            "Hours a week",
            "Start date",
            "End date",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for child in children {
        let line = &child.line;
        let (Some(start), Some(plan)) = (
            line.provision_start,
            line.plan_json
                .as_deref()
                .and_then(|json| serde_json::from_str::<PartA>(json).ok()),
        ) else {
            continue;
        };
        if line.hours_per_week.is_none() {
            continue;
        }
        for component in &plan.package.components {
            let Some(setting) = setting(component) else {
                continue;
            };
            rows.push(vec![
                line.upn.clone().unwrap_or_default(),
                line.school_urn.clone().unwrap_or_default(),
                setting.to_string(),
                "Health needs: cannot attend school because of health (Section 19)".to_string(),
                component.hours_per_week().to_string(),
                start.to_string(),
                line.last_day.map(|d| d.to_string()).unwrap_or_default(),
            ]);
        }
    }
    rows
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
        .filter_map(|c| {
            let plan: PartA = serde_json::from_str(c.line.plan_json.as_deref()?).ok()?;
            let review: PartB = serde_json::from_str(c.line.latest_review_json.as_deref()?).ok()?;
            Some((plan.baseline, review.measures))
        })
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
        .filter_map(|c| {
            serde_json::from_str::<PartB>(c.line.latest_review_json.as_deref()?)
                .ok()
                .map(|r| r.measures.reintegration)
        })
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
    /// during the period, at the school or in the district if given, measured against the
    /// policy in force.
    pub async fn compliance_report(
        &self,
        actor: &Actor,
        filter: &ReportFilter,
    ) -> AppResult<ComplianceReport> {
        actor.require(Capability::ReadServiceReports)?;
        check_period(filter.from, filter.to)?;
        self.audit_view(actor, "report.section19", "report", "section-19")
            .await?;
        self.build_compliance_report(filter).await
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
            service: ServiceCompliance::of(children.iter().map(|c| &c.compliance)),
            by_school: grouped(&children, |l| Some(l.school_name.clone())),
            by_district: grouped(&children, |l| l.district.clone()),
            schools: self.store.case_schools().await?,
            districts: self.store.case_districts().await?,
            filter: filter.clone(),
            targets,
            children,
        })
    }

    /// One table of the Section 19 report as CSV: counts of fewer than 5 children
    /// suppressed, every cell safe to open in a spreadsheet, and the export audited.
    pub async fn compliance_csv(
        &self,
        actor: &Actor,
        filter: &ReportFilter,
        table: ComplianceTable,
    ) -> AppResult<Vec<u8>> {
        actor.require(Capability::ReadServiceReports)?;
        check_period(filter.from, filter.to)?;
        let report = self.build_compliance_report(filter).await?;
        let rows = table_rows(&report, table, true);
        let bytes = csv_bytes(&rows)?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "report.export",
            "report",
            &format!("section-19/{}", table.slug()),
            &format!("{} rows", rows.len().saturating_sub(1)),
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }
}

impl App {
    /// The AP census-style return for the period, school or district (the Medical Needs team
    /// and the auditor): one row per pupil placement, with UPNs, audited as an export.
    pub async fn ap_census_csv(&self, actor: &Actor, filter: &ReportFilter) -> AppResult<Vec<u8>> {
        actor.require(Capability::ReadServiceReports)?;
        check_period(filter.from, filter.to)?;
        let report = self.build_compliance_report(filter).await?;
        let rows = ap_census_rows(&report.children);
        let bytes = csv_bytes(&rows)?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "report.export",
            "report",
            "ap-census",
            &format!("{} placements", rows.len() - 1),
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }
}

/// A count as the table gives it: suppressed from 1 to 4 when `published` (it leaves the
/// service), as it is on the service's own pages otherwise.
fn count(published: bool, n: u64) -> String {
    if published {
        disclose(n).to_string()
    } else {
        n.to_string()
    }
}

/// A share or average over `children`: not given over fewer than 5 when `published`.
fn share(published: bool, children: u64, value: f64) -> Option<f64> {
    if published {
        disclose_share(children, value)
    } else {
        Some(value)
    }
}

/// Rows as CSV, every cell safe to open in a spreadsheet.
pub(crate) fn csv_bytes(rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.write_record(row.iter().map(|cell| safe_cell(cell).into_owned()))
            .context("writing a report's CSV")?;
    }
    out.into_inner().context("writing a report's CSV")
}

/// A share as it leaves the service: not given over fewer than 5 children, nor when the count
/// it is a share of is suppressed (it would give the count away).
fn percent(published: bool, part: u64, whole: u64) -> String {
    if whole == 0 || (published && disclose(part) == Disclosed::Suppressed) {
        return "not given".into();
    }
    share(published, whole, part as f64 / whole as f64)
        .map(|share| format!("{:.0}%", share * 100.0))
        .unwrap_or_else(|| "not given".into())
}

/// The header and rows of one figures table, as they leave the service.
fn figures_rows(
    groups: &[(String, &ServiceCompliance)],
    first: &str,
    published: bool,
) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            first,
            "Cases",
            "Provision started",
            "Started within the target",
            "Started late",
            "Still waiting",
            "Waiting beyond the target",
            "Median days from referral to provision",
            "Median days from 15 days' absence to provision",
            "Full-time packages",
            "Part time with a medical reason",
            "Part time without a medical reason",
            "Hours offered as a share of full time",
            "Open more than a term",
            "Reviews late",
            "Continuation requests late",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (name, f) in groups {
        let median = |children: u64, days: Option<i64>| {
            days.and_then(|d| share(published, children, d as f64))
                .map(|d| format!("{d:.0}"))
                .unwrap_or_else(|| "not given".into())
        };
        rows.push(vec![
            name.clone(),
            count(published, f.cases),
            count(published, f.started),
            count(published, f.started_within_target),
            count(published, f.started_late),
            count(published, f.waiting),
            count(published, f.waiting_beyond_target),
            median(f.started, f.median_days_to_start),
            median(f.absence_known, f.median_days_from_absence),
            count(published, f.full_time),
            count(published, f.part_time_with_reason),
            count(published, f.part_time_without_reason),
            f.share_of_full_time()
                .and_then(|s| share(published, f.with_package, s))
                .map(|s| format!("{:.0}%", s * 100.0))
                .unwrap_or_else(|| "not given".into()),
            count(published, f.open_more_than_a_term),
            count(published, f.reviews_late),
            count(published, f.continuations_late),
        ]);
    }
    rows
}

/// The rows of a table: a header, then the lines. `published`: for a download, which leaves
/// the service, so small numbers are suppressed; the service's own pages show every figure.
pub fn table_rows(
    report: &ComplianceReport,
    table: ComplianceTable,
    published: bool,
) -> Vec<Vec<String>> {
    fn groups(list: &[GroupCompliance]) -> Vec<(String, &ServiceCompliance)> {
        list.iter().map(|g| (g.name.clone(), &g.figures)).collect()
    }
    match table {
        ComplianceTable::Service => figures_rows(
            &[("All cases".to_string(), &report.service)],
            "Cases covered",
            published,
        ),
        ComplianceTable::Schools => figures_rows(&groups(&report.by_school), "School", published),
        ComplianceTable::Districts => {
            figures_rows(&groups(&report.by_district), "District", published)
        }
        ComplianceTable::DaysToStart => {
            let mut rows = vec![vec![
                "Days from referral to provision".to_string(),
                "Cases".to_string(),
                "Share of the cases that started".to_string(),
            ]];
            for ((_, _, label), n) in DAYS_TO_START_BANDS
                .iter()
                .zip(report.service.days_to_start_bands)
            {
                rows.push(vec![
                    label.to_string(),
                    count(published, n),
                    percent(published, n, report.service.started),
                ]);
            }
            rows
        }
        ComplianceTable::Outcomes => {
            let ended: u64 = report.outcomes.iter().map(|(_, n)| n).sum();
            let mut rows = vec![vec![
                "Where the young person went when provision ended".to_string(),
                "Cases".to_string(),
                "Share of the cases that ended".to_string(),
            ]];
            for (label, n) in &report.outcomes {
                rows.push(vec![
                    label.to_string(),
                    count(published, *n),
                    percent(published, *n, ended),
                ]);
            }
            rows
        }
        ComplianceTable::Benefits => {
            let mut rows = vec![
                [
                    "Measure",
                    "Children with a baseline and a review",
                    "Average at the baseline",
                    "Average at the latest review",
                ]
                .map(String::from)
                .to_vec(),
            ];
            for (label, c) in &report.benefits {
                let averages = if published { c.published() } else { c.averages };
                let (base, latest) = averages.map_or_else(
                    || ("not given".to_string(), "not given".to_string()),
                    |(a, b)| (format!("{a:.1}"), format!("{b:.1}")),
                );
                rows.push(vec![label.clone(), count(published, c.cases), base, latest]);
            }
            rows
        }
        ComplianceTable::Reintegration => {
            let reviewed: u64 = report.reintegration.iter().map(|(_, n)| n).sum();
            let mut rows = vec![vec![
                "Back at school at the latest review".to_string(),
                "Children".to_string(),
                "Share of the children reviewed".to_string(),
            ]];
            for (label, n) in &report.reintegration {
                rows.push(vec![
                    label.to_string(),
                    count(published, *n),
                    percent(published, *n, reviewed),
                ]);
            }
            rows
        }
        ComplianceTable::Children => {
            let mut rows = vec![
                [
                    "Pupil",
                    "School",
                    "District",
                    "Referral date",
                    "First day of provision",
                    "Days from referral to provision",
                    "Days waiting so far",
                    "Days from 15 days' absence to provision",
                    "Started or waiting beyond the target",
                    "Hours a week",
                    "Full-time week",
                    "Part time without a medical reason",
                    "Days open",
                    "Review late",
                    "Continuation request late",
                ]
                .map(String::from)
                .to_vec(),
            ];
            let yes = |b: bool| if b { "Yes" } else { "No" }.to_string();
            let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
            for child in &report.children {
                let (l, c) = (&child.line, &child.compliance);
                rows.push(vec![
                    l.pupil_name.clone(),
                    l.school_name.clone(),
                    l.district.clone().unwrap_or_default(),
                    l.referral_date.to_string(),
                    l.provision_start.map(|d| d.to_string()).unwrap_or_default(),
                    num(c.days_to_start),
                    num(c.days_waiting),
                    num(c.days_from_absence),
                    yes(c.late_start),
                    c.hours_offered.map(|h| h.to_string()).unwrap_or_default(),
                    c.full_time_hours.to_string(),
                    yes(c.part_time_without_reason),
                    c.days_open.to_string(),
                    yes(c.review_late),
                    yes(c.continuation_late),
                ]);
            }
            rows
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s19_a_period_that_ends_before_it_starts_is_refused() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 9, d);
        let error = check_period(day(10), day(9)).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("The end of the period must be the same as or after its start")
                || matches!(error, AppError::Invalid(ref e) if e[0].field == "to"),
            "{error:?}"
        );
        assert!(check_period(day(10), day(10)).is_ok());
        assert!(check_period(None, day(1)).is_ok());
    }

    #[test]
    fn s19_exported_figures_suppress_counts_below_5() {
        let figures = ServiceCompliance {
            cases: 7,
            started: 3,
            started_late: 1,
            part_time_without_reason: 2,
            ..Default::default()
        };
        let rows = figures_rows(&[("A school".into(), &figures)], "School", true);
        let inside = figures_rows(&[("A school".into(), &figures)], "School", false);
        assert_eq!(inside[1][2], "3");
        let row = &rows[1];
        assert_eq!(row[1], "7");
        assert_eq!(row[2], "fewer than 5");
        assert_eq!(row[4], "fewer than 5");
        assert_eq!(row[5], "0");
        assert_eq!(row[11], "fewer than 5");
        // A median over 3 children is not shown.
        assert_eq!(row[7], "not given");
    }
}
