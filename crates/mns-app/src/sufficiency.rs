//! Specialist place sufficiency (issue 19): the SEND team imports the capacity return and the
//! EHCP counts (each dated; a file with any bad line is refused whole, every line named), keeps
//! named scenarios, and reads the projection: demand against places by need, district and
//! phase for this year and the next five, with the Medical Needs Service's open cases against
//! alternative provision places by district.

use crate::reports::ExportFormat;
use crate::{Actor, App, AppError, AppResult, FieldError};
use chrono::{Datelike, NaiveDate};
use mns_domain::permissions::Capability;
use mns_domain::sufficiency::{
    EhcpCount, Line, Places, Provision, Scenario, ScenarioForm, parse_capacity, parse_ehcp_counts,
    project, sufficiency,
};
use mns_store::ScenarioRecord;

/// How many years after this one are projected.
pub const YEARS: usize = 5;

/// A return's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnKind {
    /// Specialist places.
    Capacity,
    /// Children with an EHC plan.
    Ehcp,
}

impl ReturnKind {
    fn as_str(self) -> &'static str {
        match self {
            ReturnKind::Capacity => "capacity",
            ReturnKind::Ehcp => "ehcp",
        }
    }
}

/// The picture the sufficiency page shows.
#[derive(Debug, Clone)]
pub struct SufficiencyView {
    /// The capacity return used: the day it is for and its lines.
    pub capacity: Option<(NaiveDate, usize)>,
    /// The EHCP counts used.
    pub ehcp: Option<(NaiveDate, usize)>,
    /// Every scenario.
    pub scenarios: Vec<ScenarioRecord>,
    /// The one shown.
    pub scenario: Option<Scenario>,
    /// Its id.
    pub scenario_id: String,
    /// The year shown (0 is this year).
    pub year: usize,
    /// Each year's label ("2026/27") with the county's demand and places.
    pub years: Vec<(String, f64, u32)>,
    /// The table for the year shown.
    pub lines: Vec<Line>,
    /// Alternative provision by district: places, and the Medical Needs Service's open cases.
    pub alternative: Vec<(String, u32, i64)>,
    /// The Medical Needs Service's open cases by condition group (its label).
    pub conditions: Vec<(&'static str, i64)>,
}

fn school_year(start: i32) -> String {
    format!("{start}/{:02}", (start + 1) % 100)
}

impl App {
    /// Imports a return: all or nothing; `as_at` is the day its figures are for (not in the
    /// future).
    pub async fn import_sufficiency_return(
        &self,
        actor: &Actor,
        kind: ReturnKind,
        as_at: Option<NaiveDate>,
        name: &str,
        bytes: &[u8],
    ) -> AppResult<usize> {
        actor.require(Capability::ManageSufficiency)?;
        let mut errors = Vec::new();
        match as_at {
            None => errors.push(FieldError::new(
                "as_at",
                "Enter the day the figures are for",
            )),
            Some(d) if d > self.today() => errors.push(FieldError::new(
                "as_at",
                "The day the figures are for must be today or before",
            )),
            Some(_) => {}
        }
        let mut tx = self.store.begin().await?;
        let n = match kind {
            ReturnKind::Capacity => {
                self.keep_return(
                    &mut tx,
                    actor,
                    kind,
                    as_at,
                    name,
                    parse_capacity(bytes),
                    errors,
                )
                .await?
            }
            ReturnKind::Ehcp => {
                self.keep_return(
                    &mut tx,
                    actor,
                    kind,
                    as_at,
                    name,
                    parse_ehcp_counts(bytes),
                    errors,
                )
                .await?
            }
        };
        self.audit(
            &mut tx,
            actor,
            "sufficiency.import",
            "sufficiency_return",
            kind.as_str(),
            &format!("{n} lines from {name}"),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Stores a return's lines when the file and the form are both sound; otherwise every
    /// problem, the form's first. How many lines.
    #[allow(clippy::too_many_arguments)]
    async fn keep_return<T: serde::Serialize>(
        &self,
        tx: &mut mns_store::WriteTx,
        actor: &Actor,
        kind: ReturnKind,
        as_at: Option<NaiveDate>,
        name: &str,
        parsed: Result<Vec<T>, Vec<(String, String)>>,
        mut errors: Vec<FieldError>,
    ) -> AppResult<usize> {
        match parsed {
            Ok(lines) if errors.is_empty() => {
                tx.insert_return(
                    kind.as_str(),
                    as_at.unwrap_or_default(),
                    name,
                    &lines,
                    &actor.user.id,
                    self.now(),
                )
                .await?;
                Ok(lines.len())
            }
            Ok(_) => Err(AppError::Invalid(errors)),
            Err(list) => {
                errors.extend(list.into_iter().map(|(f, m)| FieldError::new(&f, m)));
                Err(AppError::Invalid(errors))
            }
        }
    }

    /// Adds a named scenario.
    pub async fn add_scenario(&self, actor: &Actor, form: &ScenarioForm) -> AppResult<String> {
        actor.require(Capability::ManageSufficiency)?;
        let scenario = form.parse().map_err(|list| {
            AppError::Invalid(
                list.into_iter()
                    .map(|(f, m)| FieldError::new(&f, m))
                    .collect(),
            )
        })?;
        let mut tx = self.store.begin().await?;
        let id = tx
            .insert_scenario(&scenario, &actor.user.id, self.now())
            .await?;
        self.audit(
            &mut tx,
            actor,
            "sufficiency.scenario",
            "sufficiency_scenario",
            &id,
            &scenario.name,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The sufficiency picture for a scenario (the first when none is asked for) and a year
    /// (0 to 5 from this school year).
    pub async fn sufficiency(
        &self,
        actor: &Actor,
        scenario: &str,
        year: usize,
    ) -> AppResult<SufficiencyView> {
        actor.require(Capability::ManageSufficiency)?;
        let capacity = self.store.latest_return("capacity").await?;
        let ehcp = self.store.latest_return("ehcp").await?;
        let places: Vec<Places> = match &capacity {
            Some(r) => r.read()?,
            None => Vec::new(),
        };
        let counts: Vec<EhcpCount> = match &ehcp {
            Some(r) => r.read()?,
            None => Vec::new(),
        };
        let scenarios = self.store.scenarios().await?;
        let chosen = scenarios
            .iter()
            .find(|s| s.id == scenario)
            .or_else(|| scenarios.first())
            .cloned();
        let year = year.min(YEARS);
        let today = self.today();
        let first = if today.month() >= 9 {
            today.year()
        } else {
            today.year() - 1
        };
        let mut years = Vec::new();
        let mut lines = Vec::new();
        if let Some(chosen) = &chosen {
            let projected = project(&counts, &chosen.scenario, YEARS);
            for (i, y) in projected.iter().enumerate() {
                let table = sufficiency(y, &places, &chosen.scenario);
                let demand: f64 = table.iter().map(|l| l.demand).sum();
                let total: u32 = table.iter().map(|l| l.places).sum();
                years.push((school_year(first + i as i32), demand, total));
                if i == year {
                    lines = table;
                }
            }
        }
        let open = self.store.open_cases_by_district().await?;
        let mut districts: Vec<String> = places
            .iter()
            .filter(|p| p.provision == Provision::AlternativeProvision)
            .map(|p| p.district.clone())
            .chain(open.iter().map(|(d, _)| d.clone()))
            .collect();
        districts.sort();
        districts.dedup();
        let alternative = districts
            .into_iter()
            .map(|d| {
                let ap: u32 = places
                    .iter()
                    .filter(|p| p.provision == Provision::AlternativeProvision && p.district == d)
                    .map(|p| p.places)
                    .sum();
                let cases = open.iter().find(|(od, _)| *od == d).map_or(0, |(_, n)| *n);
                (d, ap, cases)
            })
            .collect();
        let mut conditions: Vec<(&'static str, i64)> = Vec::new();
        for (group, n) in self.store.open_cases_by_condition().await? {
            let label = mns_domain::outcomes::ConditionGroup::label_of(group.as_deref());
            match conditions.iter_mut().find(|(l, _)| *l == label) {
                Some((_, total)) => *total += n,
                None => conditions.push((label, n)),
            }
        }
        Ok(SufficiencyView {
            conditions,
            capacity: capacity.map(|r| (r.as_at, r.line_count as usize)),
            ehcp: ehcp.map(|r| (r.as_at, r.line_count as usize)),
            scenario_id: chosen.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
            scenario: chosen.map(|c| c.scenario),
            scenarios,
            year,
            years,
            lines,
            alternative,
        })
    }

    /// The sufficiency table for a scenario and year as CSV or ODS (audited as an export).
    pub async fn sufficiency_export(
        &self,
        actor: &Actor,
        scenario: &str,
        year: usize,
        format: ExportFormat,
    ) -> AppResult<(String, Vec<u8>)> {
        let view = self.sufficiency(actor, scenario, year).await?;
        let label = view
            .years
            .get(view.year)
            .map(|y| y.0.clone())
            .unwrap_or_default();
        let mut rows = vec![
            [
                "School year",
                "Primary need",
                "District",
                "Phase",
                "Children with a plan",
                "Needing a specialist place",
                "Specialist places",
                "Places less demand",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for l in &view.lines {
            rows.push(vec![
                label.clone(),
                l.need.label().into(),
                l.district.clone(),
                l.phase.label().into(),
                format!("{:.0}", l.plans),
                format!("{:.0}", l.demand),
                l.places.to_string(),
                format!("{:.0}", l.gap()),
            ]);
        }
        let bytes = format.bytes("Sufficiency", &rows)?;
        let mut tx = self.store.begin().await?;
        self.audit(
            &mut tx,
            actor,
            "sufficiency.export",
            "sufficiency",
            &label,
            format.extension(),
        )
        .await?;
        tx.commit().await?;
        Ok((format!("sufficiency-{}", label.replace('/', "-")), bytes))
    }
}
