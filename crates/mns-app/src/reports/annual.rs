//! The annual report (issue 17): a PDF for elected members and the Schools Forum, from the
//! same figures as the Section 19 and finance reports. It leaves the service, so every table
//! is published: counts of fewer than 5 children suppressed, shares over fewer than 5 not
//! given. Laid out as the letters are ([`crate::letters`]).

use chrono::NaiveDate;
use mns_domain::outcomes::costs::{financial_year, pounds};
use mns_domain::permissions::Capability;

use super::{ComplianceTable, ReportFilter, check_period, table_rows};
use crate::costs::finance_tables;
use crate::letters::{Block, Letter, render};
use crate::{Actor, App, AppResult};

fn long(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// A published table as lines: each row's first cell, then "header: value" for the rest.
fn table_blocks(rows: &[Vec<String>]) -> Vec<Block> {
    let Some((header, rows)) = rows.split_first() else {
        return Vec::new();
    };
    rows.iter()
        .map(|row| {
            let rest: Vec<String> = header
                .iter()
                .zip(row)
                .skip(1)
                .map(|(h, v)| format!("{}: {v}", h.to_lowercase()))
                .collect();
            Block::Field(row.first().cloned().unwrap_or_default(), rest.join("; "))
        })
        .collect()
}

impl App {
    /// The annual report as a PDF for the period (default: the financial year to date): the
    /// Medical Needs team and the auditor; what it cost only for those who read the costs.
    /// Audited as an export.
    pub async fn annual_report_pdf(
        &self,
        actor: &Actor,
        filter: &ReportFilter,
    ) -> AppResult<Vec<u8>> {
        actor.require(Capability::ReadServiceReports)?;
        check_period(filter.from, filter.to)?;
        let today = self.today();
        let to = filter.to.unwrap_or(today);
        let from = filter
            .from
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(financial_year(to), 4, 1).unwrap_or(to));
        let filter = ReportFilter {
            from: Some(from),
            to: Some(to),
            ..filter.clone()
        };
        // The two reports read the database apart: worked out at once.
        let may_see_costs = actor.may(Capability::ReadCosts);
        let (report, finance) = tokio::join!(self.build_compliance_report(&filter), async {
            if may_see_costs {
                self.build_finance_report(&filter).await.map(Some)
            } else {
                Ok(None)
            }
        });
        let (report, finance) = (report?, finance?);
        let t = &report.targets;
        let mut blocks = vec![
            Block::Paragraph(format!(
                "This report covers every child whose case with the Medical Needs Service was open between {} and {}. The council must arrange suitable education for a child who cannot attend school because of their health (Section 19, Education Act 1996), as soon as possible and full time unless their health says otherwise. Every figure comes from the cases themselves.",
                long(from),
                long(to)
            )),
            Block::Paragraph(format!(
                "Figures for fewer than 5 children are given as \"fewer than 5\", and shares and averages over fewer than 5 children are not given, so that no child can be identified. The council's targets (policy {}): provision within {} days of the referral; the full-time week for each pupil's year group.",
                self.policy().version,
                t.start_target_days
            )),
        ];
        if let Some(school) = &filter.school_urn {
            blocks.push(Block::Field("School (URN)".into(), school.clone()));
        }
        if let Some(district) = &filter.district {
            blocks.push(Block::Field("District".into(), district.clone()));
        }
        let sections = [
            ("The service's figures", ComplianceTable::Service),
            (
                "How long children waited for provision",
                ComplianceTable::DaysToStart,
            ),
            ("By district", ComplianceTable::Districts),
            ("By condition group", ComplianceTable::Conditions),
            (
                "Where children went when provision ended",
                ComplianceTable::Outcomes,
            ),
            (
                "Progress from the baseline to the latest review",
                ComplianceTable::Benefits,
            ),
            (
                "Back at school at the latest review",
                ComplianceTable::Reintegration,
            ),
        ];
        for (heading, table) in sections {
            blocks.push(Block::Heading(heading.into()));
            blocks.extend(table_blocks(&table_rows(&report, table, true)));
        }
        if let Some(finance) = finance {
            blocks.push(Block::Heading("What it cost".into()));
            blocks.push(Block::Paragraph(format!(
                "{} spent in the period, with {} committed by the rest of the open periods. The AV1 robots are a fixed cost, shared among the children using them before any per-child figure.",
                pounds(finance.total),
                pounds(finance.committed)
            )));
            for table in finance_tables(&finance, true)
                .into_iter()
                .filter(|t| ["sources", "kinds", "conditions"].contains(&t.slug))
            {
                let mut rows = vec![table.header.iter().map(|h| h.to_string()).collect()];
                rows.extend(table.rows);
                blocks.extend(table_blocks(&rows));
            }
        }
        let letter = Letter {
            council: self.settings.council_name.clone(),
            service: "Medical Needs Service".into(),
            date: long(today),
            title: format!("Annual report: {} to {}", long(from), long(to)),
            blocks,
        };
        let bytes = render(&letter);
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "report.export",
            "report",
            "annual-report",
            &format!("{} to {}", from, to),
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }
}
