//! Unit costs, budgets and the finance report (issue 17): `/finance/prices` where finance and
//! the coordinator keep the dated price list and the year's budgets, and `/reports/finance`,
//! what the service spends, against its budgets, with a CSV download of every table.

use super::charts::{Bar, bar_chart};
use super::reports::read_filter;
use crate::AppState;
use crate::auth::SignedIn;
use crate::form::{Fields, redirect_or_show_again, with_status_422};
use crate::pages::{Chrome, FormState, PageResult, render};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use chrono::NaiveDate;
use mns_app::costs::{FinanceReport, FinanceTable, NewPrice, finance_tables};
use mns_app::reports::ExportFormat;
use mns_app::{AppError, FieldError};
use mns_domain::outcomes::costs::{CostKind, FundingSource, pounds};
use mns_domain::outcomes::disclose;
use mns_domain::permissions::Capability;

struct PriceRow {
    kind: &'static str,
    amount: String,
    source: &'static str,
    from: String,
    to: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "finance_prices.html")]
struct PricesPage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    may_manage: bool,
    done: Option<&'static str>,
    prices: Vec<PriceRow>,
    budgets: Vec<(String, &'static str, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
}

fn long(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

async fn prices_page(
    state: &AppState,
    user: &SignedIn,
    values: Fields,
    errors: Vec<FieldError>,
) -> PageResult {
    let list = state.app.price_list(&user.actor).await?;
    let today = state.app.today();
    let form = FormState::with(errors);
    let done = match values.text("done") {
        "price" => Some("The price is on the list"),
        "budget" => Some("The budget is set"),
        _ => None,
    };
    Ok(render(&PricesPage {
        chrome: Chrome::signed_in(state, user, "/finance/prices").with_errors(&form),
        form,
        may_manage: user.actor.may(Capability::ManageCosts),
        done,
        prices: list
            .prices
            .iter()
            .map(|r| PriceRow {
                kind: r.price.kind.label(),
                amount: pounds(r.price.amount_pence),
                source: r.price.source.label(),
                from: long(r.price.valid_from),
                to: r.price.valid_to.map(long).unwrap_or_default(),
                current: r.price.applies_on(today),
            })
            .collect(),
        budgets: list
            .budgets
            .iter()
            .map(|b| {
                (
                    format!("{}/{:02}", b.financial_year, (b.financial_year + 1) % 100),
                    b.source.label(),
                    pounds(b.amount_pence),
                )
            })
            .collect(),
        kinds: CostKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        sources: FundingSource::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        values,
    }))
}

/// `GET /finance/prices`: the price list and the budgets.
pub async fn prices(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(query): RawQuery,
) -> PageResult {
    prices_page(
        &state,
        &user,
        Fields::from_query(query.as_deref()),
        Vec::new(),
    )
    .await
}

/// `POST /finance/prices`: adds a price; every problem is shown with what was entered.
pub async fn add_price(
    State(state): State<AppState>,
    user: SignedIn,
    values: Fields,
) -> PageResult {
    let mut errors = Vec::new();
    let valid_from = values.date("valid_from", "The first day", &mut errors);
    let valid_to = values.date("valid_to", "The last day", &mut errors);
    let result = state
        .app
        .add_price(
            &user.actor,
            &NewPrice {
                kind: values.text("kind").to_string(),
                amount: values.text("amount").to_string(),
                source: values.text("source").to_string(),
                valid_from,
                valid_to,
            },
        )
        .await;
    let result = match (result, errors.is_empty()) {
        (Err(AppError::Invalid(mut problems)), false) => {
            problems.retain(|p| !errors.iter().any(|e| e.field == p.field));
            errors.extend(problems);
            Err(AppError::Invalid(errors))
        }
        (Ok(()), false) | (Err(_), false) => Err(AppError::Invalid(errors)),
        (result, true) => result,
    };
    redirect_or_show_again(
        result,
        |()| "/finance/prices?done=price".into(),
        |errors| prices_page(&state, &user, values.clone(), errors),
    )
    .await
}

/// `POST /finance/budgets`: sets a year's budget for a source.
pub async fn set_budget(
    State(state): State<AppState>,
    user: SignedIn,
    values: Fields,
) -> PageResult {
    let result = state
        .app
        .set_budget(
            &user.actor,
            values.text("budget_year"),
            values.text("budget_source"),
            values.text("budget_amount"),
        )
        .await;
    redirect_or_show_again(
        result,
        |()| "/finance/prices?done=budget".into(),
        |errors| prices_page(&state, &user, values.clone(), errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "report_finance.html")]
struct FinancePage {
    chrome: Chrome,
    form: FormState,
    values: Fields,
    schools: Vec<(String, String)>,
    districts: Vec<String>,
    report: Option<FinanceView>,
}

/// A table as the page shows it, with its download.
struct TableView {
    id: String,
    caption: &'static str,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    csv: String,
}

struct FinanceView {
    period: String,
    /// The school or district the report is narrowed to, if any.
    scope: String,
    year: String,
    total: String,
    committed: String,
    per_child_week: String,
    per_hour: String,
    children: String,
    hours: String,
    robot_note: String,
    invoices: String,
    unpriced: Vec<&'static str>,
    chart: String,
    tables: Vec<TableView>,
}

fn view(r: &FinanceReport, query: &str, scope: String) -> FinanceView {
    let chart = bar_chart(
        "spend-by-source",
        "Spent in the period, by funding source",
        &r.by_source
            .iter()
            .map(|s| Bar {
                label: s.source.label().to_string(),
                value: s.spent as f64,
                shown: pounds(s.spent),
            })
            .collect::<Vec<_>>(),
    );
    FinanceView {
        period: format!("{} to {}", long(r.from), long(r.to)),
        scope,
        year: format!("{}/{:02}", r.financial_year, (r.financial_year + 1) % 100),
        total: pounds(r.total),
        committed: pounds(r.committed),
        per_child_week: r.per_child_week().map(pounds).unwrap_or_else(|| "-".into()),
        per_hour: r
            .per_hour_delivered()
            .map(pounds)
            .unwrap_or_else(|| "-".into()),
        children: disclose(r.children).to_string(),
        hours: format!("{:.1}", r.hours_delivered),
        robot_note: format!(
            "The AV1 robots are a fixed cost: the pool cost {} in the period, shared equally each week among the children using a robot before any per-child figure is worked out; {} of it fell in weeks when no child had one.",
            pounds(r.robot_pool.0),
            pounds(r.robot_pool.1)
        ),
        invoices: format!(
            "{} in {} paid from the service's budget (an invoice counts when it is paid).",
            pounds(r.invoices_paid.0),
            match r.invoices_paid.1 {
                1 => "1 hospital invoice".to_string(),
                n => format!("{n} hospital invoices"),
            }
        ),
        unpriced: r.unpriced.iter().map(|k| k.label()).collect(),
        chart,
        tables: finance_tables(r, false)
            .into_iter()
            .map(|t: FinanceTable| TableView {
                id: format!("table-{}", t.slug),
                csv: if query.is_empty() {
                    format!("/reports/finance.csv?table={}", t.slug)
                } else {
                    format!("/reports/finance.csv?table={}&{query}", t.slug)
                },
                caption: t.caption,
                header: t.header,
                rows: t.rows,
            })
            .collect(),
    }
}

/// `GET /reports/finance`: what the service spends, by period (default: the financial year to
/// date).
pub async fn report(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(query): RawQuery,
) -> PageResult {
    user.actor.require(Capability::ReadCosts)?;
    let query = query.unwrap_or_default();
    let values = Fields::from_query(Some(&query));
    let chrome = Chrome::signed_in(&state, &user, "/reports/finance");
    let (schools, districts) = state.app.cost_filter_lists(&user.actor).await?;
    match read_filter(&values) {
        Ok(filter) => {
            let r = state.app.finance_report(&user.actor, &filter).await?;
            let mut scope = Vec::new();
            if let Some(urn) = &filter.school_urn {
                let name = schools
                    .iter()
                    .find(|(u, _)| u == urn)
                    .map_or(urn, |(_, n)| n);
                scope.push(format!("School: {name}"));
            }
            if let Some(district) = &filter.district {
                scope.push(format!("District: {district}"));
            }
            Ok(render(&FinancePage {
                chrome,
                form: FormState::default(),
                values,
                schools,
                districts,
                report: Some(view(&r, &query, scope.join("; "))),
            }))
        }
        Err(errors) => Ok(refused(chrome, values, (schools, districts), errors)),
    }
}

/// The report's page with the problems in its filters or download named, and what was
/// entered kept.
fn refused(
    chrome: Chrome,
    values: Fields,
    (schools, districts): (Vec<(String, String)>, Vec<String>),
    errors: Vec<FieldError>,
) -> Response {
    let form = FormState::with(errors);
    with_status_422(render(&FinancePage {
        chrome: chrome.with_errors(&form),
        form,
        values,
        schools,
        districts,
        report: None,
    }))
}

/// `GET /reports/finance.csv?table=…`: one table of the finance report, with the same period;
/// every cell safe to open in a spreadsheet, the spend of fewer than 5 children not given, and
/// the download audited.
pub async fn report_csv(state: State<AppState>, user: SignedIn, query: RawQuery) -> PageResult {
    report_export(state, user, query, ExportFormat::Csv).await
}

/// `GET /reports/finance.ods?table=…`: the same as an OpenDocument spreadsheet.
pub async fn report_ods(state: State<AppState>, user: SignedIn, query: RawQuery) -> PageResult {
    report_export(state, user, query, ExportFormat::Ods).await
}

async fn report_export(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(query): RawQuery,
    format: ExportFormat,
) -> PageResult {
    user.actor.require(Capability::ReadCosts)?;
    let values = Fields::from_query(query.as_deref());
    let exported = match read_filter(&values) {
        Ok(filter) => {
            state
                .app
                .finance_export(&user.actor, &filter, values.text("table"), format)
                .await
        }
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match exported {
        Ok(bytes) => Ok(super::reports::download(
            format,
            &format!("finance-{}", values.text("table")),
            bytes,
        )),
        // A bad period or no such table: the report's page says which.
        Err(AppError::Invalid(errors)) => {
            let lists = state.app.cost_filter_lists(&user.actor).await?;
            let chrome = Chrome::signed_in(&state, &user, "/reports/finance");
            Ok(refused(chrome, values, lists, errors))
        }
        Err(e) => Err(e.into()),
    }
}
