//! The demo's price list, budgets and a paid hospital invoice (issue 17), so every figure of
//! the finance report has something in it: prices from the April before last, an HLSA rise
//! from this September (or this April, early in the year), the year's budgets, and an invoice
//! the finance officer paid.

use crate::costs::NewPrice;
use crate::{Actor, App, AppResult};
use chrono::{Datelike, NaiveDate};
use mns_domain::outcomes::costs::financial_year;

impl App {
    /// Prices, budgets and a paid invoice, as finance would enter them.
    pub(super) async fn load_demo_costs(
        &self,
        finance: &Actor,
        coordinator: &Actor,
    ) -> AppResult<()> {
        let today = self.today();
        let year = financial_year(today);
        let april = |y: i32| NaiveDate::from_ymd_opt(y, 4, 1);
        for (kind, amount, source) in [
            ("hlsa_hour", "24.00", "high_needs_block"),
            ("tutor_hour", "32.00", "high_needs_block"),
            ("group_session", "45.00", "service_budget"),
            ("online_place_week", "95.00", "high_needs_block"),
            ("av1_robot_week", "42.00", "service_budget"),
            ("hospital_day", "150.00", "high_needs_block"),
            ("transport_journey", "28.00", "home_school_recharge"),
        ] {
            self.add_price(
                finance,
                &NewPrice {
                    kind: kind.into(),
                    amount: amount.into(),
                    source: source.into(),
                    valid_from: april(year - 1),
                    valid_to: None,
                },
            )
            .await?;
        }
        let september = NaiveDate::from_ymd_opt(year, 9, 1).filter(|d| *d <= today);
        self.add_price(
            finance,
            &NewPrice {
                kind: "hlsa_hour".into(),
                amount: "25.50".into(),
                source: "high_needs_block".into(),
                valid_from: september.or(april(year)),
                valid_to: None,
            },
        )
        .await?;
        for (source, amount) in [
            ("high_needs_block", "450000"),
            ("service_budget", "120000"),
            ("home_school_recharge", "30000"),
        ] {
            self.set_budget(finance, &year.to_string(), source, amount)
                .await?;
        }
        // An invoice from last month, complete and paid.
        if let Some(case) = self
            .store
            .case_lines(&[], None, None)
            .await?
            .into_iter()
            .find(|l| l.pupil_name.starts_with("Ava "))
        {
            self.record_invoice(
                coordinator,
                &case.case.id,
                "Priory Hospital Norwich",
                &format!("PHN-{}", 4300 + today.month()),
                "1,120.00",
                (true, true, true),
            )
            .await?;
            let paid = self
                .store
                .invoices(None)
                .await?
                .into_iter()
                .find(|i| i.amount_pence == 112_000);
            if let Some(invoice) = paid {
                self.pay_invoice(finance, &invoice.id).await?;
            }
        }
        Ok(())
    }
}
