//! The reports' tables as rows of text (issue 17): for the service's own pages, every figure;
//! published (a download, the annual report), counts of fewer than 5 children suppressed and
//! shares over fewer than 5 not given. Also the AP census-style rows, and the two download
//! formats.

use mns_domain::outcomes::{
    DAYS_TO_START_BANDS, Disclosed, ServiceCompliance, disclose, disclose_share,
};
use mns_domain::provision::Component;
use mns_domain::spreadsheet::safe_cell;

use super::{ChildCompliance, ComplianceReport, ComplianceTable, GroupCompliance};
use crate::{AppResult, Context};

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
        let (Some(start), Some(package)) = (line.provision_start, line.package.as_ref()) else {
            continue;
        };
        if line.hours_per_week.is_none() {
            continue;
        }
        for component in &package.components {
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

/// How a table is downloaded: CSV, or an OpenDocument spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values, every cell safe to open in a spreadsheet.
    Csv,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
}

impl ExportFormat {
    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Ods => "ods",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Ods => mns_domain::spreadsheet::ODS_MEDIA_TYPE,
        }
    }

    /// `rows` in this format, on a sheet named `sheet`.
    pub(crate) fn bytes(self, sheet: &str, rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
        match self {
            ExportFormat::Csv => csv_bytes(rows),
            ExportFormat::Ods => Ok(mns_domain::spreadsheet::ods(sheet, rows)),
        }
    }
}

/// Rows as CSV, every cell safe to open in a spreadsheet.
fn csv_bytes(rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
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
        ComplianceTable::Conditions => {
            figures_rows(&groups(&report.by_condition), "Condition group", published)
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
        ComplianceTable::Waiting => {
            let mut rows = vec![
                [
                    "Waiting for",
                    "Children waiting now",
                    "Hours a week still needed",
                    "Longest wait (days)",
                ]
                .map(String::from)
                .to_vec(),
            ];
            for (label, children, hours, longest) in &report.waiting {
                let shown = *children == 0 || !published || *children >= 5;
                rows.push(vec![
                    label.to_string(),
                    count(published, *children),
                    if shown {
                        format!("{hours}")
                    } else {
                        "not given".into()
                    },
                    if shown {
                        longest.to_string()
                    } else {
                        "not given".into()
                    },
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
    use crate::AppError;
    use crate::reports::check_period;
    use chrono::NaiveDate;

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
