//! The service's reports (issue 17): `/reports/section-19`, Section 19 compliance for each child
//! and for the service, with its filters (period, school, district), charts with their tables,
//! the children to act on by name, and a CSV export of every table.

use super::charts::{Bar, bar_chart};
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, with_status_422};
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use mns_app::reports::{
    ChildCompliance, ComplianceReport, ComplianceTable, ExportFormat, ReportFilter, table_rows,
};
use mns_app::{AppError, FieldError};
use mns_domain::outcomes::DAYS_TO_START_BANDS;
use mns_domain::permissions::Capability;

/// A child on one of the lists to act on.
struct ChildRow {
    case_id: String,
    pupil: String,
    school: String,
    detail: String,
}

/// A table as the page shows it: a caption, a header and rows, and its export.
struct TableView {
    id: String,
    caption: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    csv: String,
}

#[derive(Template)]
#[template(path = "report_section19.html")]
struct Section19Page {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    /// Empty when the filters had a problem.
    figures: Option<Figures>,
    schools: Vec<(String, String)>,
    districts: Vec<String>,
    applied: Vec<(String, String)>,
}

struct Figures {
    /// The period covered, in words.
    period: String,
    cases: u64,
    median_days: String,
    within_target: String,
    target_days: u32,
    long_case_days: u32,
    policy_version: String,
    part_time_without_reason: Vec<ChildRow>,
    late: Vec<ChildRow>,
    reviews_late: Vec<ChildRow>,
    continuations_late: Vec<ChildRow>,
    long_cases: Vec<ChildRow>,
    days_chart: String,
    days_table: TableView,
    package_chart: String,
    package_table: TableView,
    tables: Vec<TableView>,
    children_csv: String,
    census_csv: String,
    annual_pdf: String,
}

/// Reads a report's period from the query string (`from-*`, `to-*`): either day may be
/// empty; a day that does not exist, or an end before the start, is a problem.
pub(super) fn read_period(
    values: &Fields,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let from = values.date("from", "The start of the period", &mut errors);
    let to = values.date("to", "The end of the period", &mut errors);
    if errors.is_empty()
        && let Err(AppError::Invalid(problems)) = mns_app::reports::check_period(from, to)
    {
        errors.extend(problems);
    }
    if errors.is_empty() {
        Ok((from, to))
    } else {
        Err(errors)
    }
}

/// Reads the filters from the query string: the period, a school and a district.
pub(super) fn read_filter(values: &Fields) -> Result<ReportFilter, Vec<FieldError>> {
    let (from, to) = read_period(values)?;
    let text = |name: &str| Some(values.trimmed(name)).filter(|t| !t.is_empty());
    Ok(ReportFilter {
        from,
        to,
        school_urn: text("school"),
        district: text("district"),
    })
}

fn long(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn rows<'a>(children: impl Iterator<Item = ChildRowSource<'a>>) -> Vec<ChildRow> {
    children
        .map(|(child, detail)| ChildRow {
            case_id: child.line.case_id.clone(),
            pupil: child.line.pupil_name.clone(),
            school: child.line.school_name.clone(),
            detail,
        })
        .collect()
}

type ChildRowSource<'a> = (&'a ChildCompliance, String);

fn table(report: &ComplianceReport, t: ComplianceTable, caption: &str, query: &str) -> TableView {
    let mut all = table_rows(report, t, false);
    let header = if all.is_empty() {
        Vec::new()
    } else {
        all.remove(0)
    };
    TableView {
        id: format!("table-{}", t.slug()),
        caption: caption.to_string(),
        header,
        rows: all,
        csv: csv_link(t, query),
    }
}

/// `path` with the report's filters from `query` (and `table`, when given), for a download.
fn link(path: &str, table: Option<ComplianceTable>, query: &str) -> String {
    let mut params = form_urlencoded::Serializer::new(String::new());
    if let Some(t) = table {
        params.append_pair("table", t.slug());
    }
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k != "table" {
            params.append_pair(&k, &v);
        }
    }
    let params = params.finish();
    if params.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{params}")
    }
}

fn csv_link(t: ComplianceTable, query: &str) -> String {
    link("/reports/section-19.csv", Some(t), query)
}

fn figures(report: &ComplianceReport, query: &str, policy_version: &str) -> Figures {
    let s = &report.service;
    let percent = |part: u64, whole: u64| {
        if whole == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%", part as f64 * 100.0 / whole as f64)
        }
    };
    let days_bars: Vec<Bar> = DAYS_TO_START_BANDS
        .iter()
        .zip(s.days_to_start_bands)
        .map(|((_, _, label), n)| Bar {
            label: label.to_string(),
            value: n as f64,
            shown: n.to_string(),
        })
        .collect();
    let package_bars = vec![
        Bar {
            label: "Full time".into(),
            value: s.full_time as f64,
            shown: s.full_time.to_string(),
        },
        Bar {
            label: "Part time, medical reason".into(),
            value: s.part_time_with_reason as f64,
            shown: s.part_time_with_reason.to_string(),
        },
        Bar {
            label: "Part time, no reason".into(),
            value: s.part_time_without_reason as f64,
            shown: s.part_time_without_reason.to_string(),
        },
    ];
    let package_table = TableView {
        id: "package-table".into(),
        caption: "Packages by hours against the full-time week".into(),
        header: vec!["Package".into(), "Cases".into()],
        rows: package_bars
            .iter()
            .map(|b| vec![b.label.clone(), b.shown.clone()])
            .collect(),
        csv: csv_link(ComplianceTable::Service, query),
    };
    let pick = |f: fn(&ChildCompliance) -> Option<String>| {
        rows(report.children.iter().filter_map(|c| f(c).map(|d| (c, d))))
    };
    Figures {
        period: match (report.filter.from, report.filter.to) {
            (Some(from), Some(to)) => format!("{} to {}", long(from), long(to)),
            _ => "every case".to_string(),
        },
        cases: s.cases,
        median_days: s
            .median_days_to_start
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into()),
        within_target: percent(s.started_within_target, s.started),
        target_days: report.targets.start_target_days,
        long_case_days: report.targets.long_case_days,
        policy_version: policy_version.to_string(),
        part_time_without_reason: pick(|c| {
            c.compliance.part_time_without_reason.then(|| {
                format!(
                    "{} hours a week of a full-time week of {}",
                    c.compliance.hours_offered.unwrap_or_default(),
                    c.compliance.full_time_hours
                )
            })
        }),
        late: pick(|c| {
            c.compliance.late_start.then(|| {
                match (c.compliance.days_to_start, c.compliance.days_waiting) {
                    (Some(days), _) => format!(
                        "Started {} after a referral of {}: {days} days",
                        c.line.provision_start.map(long).unwrap_or_default(),
                        long(c.line.referral_date)
                    ),
                    (_, Some(days)) => format!(
                        "Still waiting: {days} days since the referral of {}",
                        long(c.line.referral_date)
                    ),
                    _ => String::new(),
                }
            })
        }),
        reviews_late: pick(|c| {
            c.compliance.review_late.then(|| {
                format!(
                    "Review due by {}",
                    c.line.review_due.map(long).unwrap_or_default()
                )
            })
        }),
        continuations_late: pick(|c| {
            c.compliance.continuation_late.then(|| {
                format!(
                    "Continuation request due by {}",
                    c.line.continuation_due.map(long).unwrap_or_default()
                )
            })
        }),
        long_cases: pick(|c| {
            c.compliance
                .open_more_than_a_term
                .then(|| format!("Open {} days", c.compliance.days_open))
        }),
        days_chart: bar_chart(
            "days-to-start",
            "Cases by days from referral to provision",
            &days_bars,
        ),
        days_table: table(
            report,
            ComplianceTable::DaysToStart,
            "Cases by days from referral to provision",
            query,
        ),
        package_chart: bar_chart(
            "packages",
            "Packages by hours against the full-time week",
            &package_bars,
        ),
        package_table,
        tables: vec![
            table(
                report,
                ComplianceTable::Service,
                "The service's figures",
                query,
            ),
            table(report, ComplianceTable::Districts, "By district", query),
            table(
                report,
                ComplianceTable::Conditions,
                "By condition group",
                query,
            ),
            table(report, ComplianceTable::Schools, "By school", query),
            table(
                report,
                ComplianceTable::Outcomes,
                "Where children went when provision ended",
                query,
            ),
            table(
                report,
                ComplianceTable::Benefits,
                "Benefit tracking: from the baseline to the latest review",
                query,
            ),
            table(
                report,
                ComplianceTable::Reintegration,
                "Back at school at the latest review",
                query,
            ),
            table(
                report,
                ComplianceTable::Waiting,
                "Need recorded and not yet met, now (never cut for cost, MN-DEC-3)",
                query,
            ),
        ],
        children_csv: csv_link(ComplianceTable::Children, query),
        census_csv: link("/reports/ap-census.csv", None, query),
        annual_pdf: link("/reports/annual-report.pdf", None, query),
    }
}

/// What the filters applied say, for the summary above the figures.
fn applied(filter: &ReportFilter, schools: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match (filter.from, filter.to) {
        (Some(from), Some(to)) => {
            out.push(("Period".into(), format!("{} to {}", long(from), long(to))))
        }
        (Some(from), None) => out.push(("Period".into(), format!("From {}", long(from)))),
        (None, Some(to)) => out.push(("Period".into(), format!("Up to {}", long(to)))),
        (None, None) => {}
    }
    if let Some(urn) = &filter.school_urn {
        let name = schools
            .iter()
            .find(|(u, _)| u == urn)
            .map_or(urn.as_str(), |(_, n)| n.as_str());
        out.push(("School".into(), name.to_string()));
    }
    if let Some(district) = &filter.district {
        out.push(("District".into(), district.clone()));
    }
    out
}

/// The report's page with the filters' problems (422): what was entered is kept, and no
/// figures are shown.
async fn refused_filters(
    state: &AppState,
    user: &SignedIn,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let mut chrome = Chrome::signed_in(state, user, "/reports/section-19");
    chrome.has_errors = true;
    Ok(with_status_422(render(&Section19Page {
        chrome,
        form: FormState::with(errors),
        figures: None,
        schools: state.app.report_schools(&user.actor).await?,
        districts: state.app.report_districts(&user.actor).await?,
        applied: Vec::new(),
        values,
    })))
}

/// `GET /reports/section-19`: the Section 19 report, filtered by the query string.
pub async fn section_19(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(query): RawQuery,
) -> PageResult {
    user.actor.require(Capability::ReadServiceReports)?;
    let query = query.unwrap_or_default();
    let values = Fields::from_query(Some(&query));
    let filter = match read_filter(&values) {
        Ok(filter) => filter,
        Err(errors) => return refused_filters(&state, &user, values, errors).await,
    };
    let report = state.app.compliance_report(&user.actor, &filter).await?;
    Ok(render(&Section19Page {
        chrome: Chrome::signed_in(&state, &user, "/reports/section-19"),
        form: FormState::default(),
        applied: applied(&filter, &report.schools),
        figures: Some(figures(&report, &query, &state.app.policy().version)),
        schools: report.schools.clone(),
        districts: report.districts.clone(),
        values,
    }))
}

/// The media type and file name of a download.
pub(super) fn download(
    format: ExportFormat,
    name: &str,
    bytes: Vec<u8>,
) -> axum::response::Response {
    (
        [
            (header::CONTENT_TYPE, format.media_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{}\"", format.extension()),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /reports/section-19.csv?table=…`: one table of the report, with the same filters;
/// counts of fewer than 5 children suppressed, and the export audited. Bad filters, or no
/// table, show the report's page with the problem.
pub async fn section_19_csv(state: State<AppState>, user: SignedIn, query: RawQuery) -> PageResult {
    section_19_export(state, user, query, ExportFormat::Csv).await
}

/// `GET /reports/section-19.ods?table=…`: the same as an OpenDocument spreadsheet.
pub async fn section_19_ods(state: State<AppState>, user: SignedIn, query: RawQuery) -> PageResult {
    section_19_export(state, user, query, ExportFormat::Ods).await
}

async fn section_19_export(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(query): RawQuery,
    format: ExportFormat,
) -> PageResult {
    user.actor.require(Capability::ReadServiceReports)?;
    let values = Fields::from_query(query.as_deref());
    let table = ComplianceTable::parse(values.text("table"));
    let (filter, table) = match (read_filter(&values), table) {
        (Ok(filter), Some(table)) => (filter, table),
        (filter, table) => {
            let mut errors = filter.err().unwrap_or_default();
            if table.is_none() {
                errors.push(FieldError::new(
                    "table",
                    "Choose a table of the report to download",
                ));
            }
            return refused_filters(&state, &user, values, errors).await;
        }
    };
    let bytes = state
        .app
        .compliance_export(&user.actor, &filter, table, format)
        .await?;
    Ok(download(
        format,
        &format!("section-19-{}", table.slug()),
        bytes,
    ))
}

/// `GET /reports/ap-census.csv` (or `.ods`): the AP census-style return for the report's
/// filters, one row per pupil placement (UPNs: personal data, audited). Bad filters show the
/// report's page.
pub async fn ap_census_csv(state: State<AppState>, user: SignedIn, query: RawQuery) -> PageResult {
    ap_census(state, user, query, ExportFormat::Csv).await
}

/// `GET /reports/ap-census.ods`.
pub async fn ap_census_ods(state: State<AppState>, user: SignedIn, query: RawQuery) -> PageResult {
    ap_census(state, user, query, ExportFormat::Ods).await
}

async fn ap_census(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(query): RawQuery,
    format: ExportFormat,
) -> PageResult {
    user.actor.require(Capability::ReadServiceReports)?;
    let values = Fields::from_query(query.as_deref());
    let filter = match read_filter(&values) {
        Ok(filter) => filter,
        Err(errors) => return refused_filters(&state, &user, values, errors).await,
    };
    let bytes = state
        .app
        .ap_census_export(&user.actor, &filter, format)
        .await?;
    Ok(download(format, "ap-census", bytes))
}

/// `GET /reports/annual-report.pdf`: the annual report for the report's filters (default: the
/// financial year to date), for members and the Schools Forum, small numbers suppressed.
pub async fn annual_report(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(query): RawQuery,
) -> PageResult {
    user.actor.require(Capability::ReadServiceReports)?;
    let values = Fields::from_query(query.as_deref());
    let filter = match read_filter(&values) {
        Ok(filter) => filter,
        Err(errors) => return refused_filters(&state, &user, values, errors).await,
    };
    let bytes = state.app.annual_report_pdf(&user.actor, &filter).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"annual-report.pdf\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
