//! The demo's county attendance (issue 16): this school year to date for two schools (Heath
//! High's and Riverside's pupils, and some pupils the service has no record of, named in a
//! pupil file), imported as the nightly feed would be, so the triage list has alerts.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use mns_domain::attendance::feed::{
    PupilDetails, PupilFile, ScanContext, all_figures, last_sessions, read_county, school_alerts,
};
use mns_domain::calendar::SchoolYear;
use mns_domain::identifiers::Upn;

use super::PUPILS;
use crate::early_identification::{ImportedPupil, SchoolImport};
use crate::{App, AppResult, system_actor};

/// The schools with demo attendance (not 121001, which the tests import into themselves).
const SCHOOLS: [&str; 2] = ["121002", "121003"];

/// Pupils the service has no record of: first name, last name, EHC plan.
const UNKNOWN: [(&str, &str, bool); 8] = [
    ("Sam", "Field", false),
    ("Alex", "Moss", true),
    ("Jordan", "Reed", false),
    ("Casey", "Hunt", false),
    ("Riley", "Shaw", false),
    ("Morgan", "Webb", false),
    ("Jamie", "Cross", false),
    ("Ellis", "Nash", false),
];

/// A pupil's marks on school day `day` (counting from 0), by pattern.
fn marks(pattern: usize, day: usize, days: usize) -> (&'static str, &'static str) {
    match pattern {
        // A week and a half off ill, a few weeks ago.
        0 if (10..18).contains(&day) => ("I", "I"),
        // Off one day in four.
        1 if day % 4 == 1 => ("I", "I"),
        // Ill now, for the last six school days.
        2 if day + 6 >= days => ("I", "I"),
        // Afternoons on a part-time timetable for the last eight weeks.
        3 if day + 40 >= days => ("/", "C2"),
        // A medical appointment now and then.
        4 if day % 9 == 3 => ("M", "\\"),
        // Off ill three days in four: severe absence.
        6 if !day.is_multiple_of(4) => ("I", "I"),
        _ => ("/", "\\"),
    }
}

impl App {
    /// Imports the demo's attendance for this school year to date.
    pub(super) async fn load_demo_attendance(&self) -> AppResult<()> {
        let today = self.today();
        let year = SchoolYear::containing(today);
        let mut days: Vec<NaiveDate> = Vec::new();
        let mut date = year
            .first_day()
            .checked_add_days(Days::new(2))
            .unwrap_or(today);
        while date < today {
            if date.weekday().num_days_from_monday() < 5 {
                days.push(date);
            }
            date = date.checked_add_days(Days::new(1)).unwrap_or(today);
        }
        if days.len() < 20 {
            return Ok(());
        }
        let mut text = String::from("URN,UPN,Date,Session,Mark\n");
        let mut pupil_file = PupilFile::default();
        for (school_index, urn) in SCHOOLS.iter().enumerate() {
            let mut upns: Vec<String> = PUPILS
                .iter()
                .filter(|(_, _, _, school, _)| school == urn)
                .filter_map(|(_, _, _, _, stem)| super::upn_for(stem))
                .collect();
            for (index, (given, family, ehcp)) in UNKNOWN.iter().enumerate() {
                if index % SCHOOLS.len() != school_index {
                    continue;
                }
                let stem = format!("92640{school_index}1250{index:02}");
                let Ok(upn) = Upn::with_check_letter(&stem) else {
                    continue;
                };
                let upn = upn.as_str().to_owned();
                pupil_file.pupils.insert(
                    ((*urn).to_owned(), upn.clone()),
                    PupilDetails {
                        forename: Some((*given).to_owned()),
                        surname: Some((*family).to_owned()),
                        ehcp: Some(*ehcp),
                        looked_after: Some(false),
                        ..PupilDetails::default()
                    },
                );
                upns.push(upn);
            }
            let known = upns.len()
                - UNKNOWN
                    .iter()
                    .skip(school_index)
                    .step_by(SCHOOLS.len())
                    .count();
            for (pupil, upn) in upns.iter().enumerate() {
                // The pupils with records follow the patterns in turn; those the service does
                // not know yet are all of concern (one off ill now with an EHC plan, one
                // severely absent).
                let pattern = if pupil < known {
                    (pupil + school_index) % 6
                } else {
                    [2, 6, 0, 1, 3][(pupil - known) % 5]
                };
                for (day, date) in days.iter().enumerate() {
                    let (am, pm) = marks(pattern, day, days.len());
                    text.push_str(&format!(
                        "{urn},{upn},{date},AM,{am}\n{urn},{upn},{date},PM,{pm}\n"
                    ));
                }
            }
        }
        let tally = read_county(text.as_bytes(), year)
            .map_err(|e| crate::AppError::internal(format!("demo attendance: {e}")))?;
        let figures = all_figures(&tally, 1);
        let (referred, cases) = self.attendance_rule_context(year).await?;
        let context = ScanContext {
            elsewhere: last_sessions([&tally]),
            pupils: Some(pupil_file),
            referred: Some(referred),
            cases: Some(cases),
        };
        let policy = self.policy().clone();
        let actor = system_actor("demo");
        for (school, pupils) in tally.schools.iter().zip(&figures) {
            let mut alerts: HashMap<usize, Vec<_>> = HashMap::new();
            for (pupil, alert) in school_alerts(&tally, school, pupils, &context, &policy, today) {
                alerts.entry(pupil).or_default().push(alert);
            }
            let details = context.pupils.as_ref();
            let import = SchoolImport {
                urn: school.urn.clone(),
                school_year: year,
                source: "demo attendance".into(),
                fingerprint: "demo".into(),
                rows: school.rows,
                pupils: pupils
                    .iter()
                    .enumerate()
                    .map(|(index, figures)| {
                        let upn = school.pupil(index).map(|(upn, _)| upn).unwrap_or_default();
                        ImportedPupil {
                            details: details.and_then(|file| {
                                file.pupils.get(&(school.urn.clone(), upn.clone()))
                            }),
                            upn,
                            figures: *figures,
                            alerts: alerts.remove(&index).unwrap_or_default(),
                        }
                    })
                    .collect(),
            };
            self.import_school_attendance(&actor, &import).await?;
        }
        Ok(())
    }
}
