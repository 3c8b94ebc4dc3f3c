//! Term calendars and bank holidays: data the council loads and edits, not code. The built-in
//! Norfolk calendars and England's bank holidays are the starting data the demo loads.

use crate::Context as _;
use crate::{Actor, App, AppError, AppResult};
use mns_domain::calendar::{
    BankHolidays, SchoolCalendar, TermCalendar, england_bank_holidays_2025_2027, norfolk_2025_26,
    norfolk_2026_27_provisional,
};
use mns_store::CalendarRecord;

/// A stored calendar, read back into the domain's type.
#[derive(Debug, Clone)]
pub struct StoredCalendar {
    /// The calendar's id.
    pub id: String,
    /// The school year it starts in.
    pub school_year: i64,
    /// The checked term dates.
    pub calendar: TermCalendar,
}

fn calendar_id(calendar: &TermCalendar) -> String {
    calendar
        .name()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

impl App {
    /// Saves term calendars and bank holidays in one transaction.
    pub async fn save_calendars(
        &self,
        actor: &Actor,
        calendars: &[TermCalendar],
        bank_holidays: &BankHolidays,
    ) -> AppResult<()> {
        actor.require(mns_domain::permissions::Capability::ChangeReferenceData)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        for calendar in calendars {
            let first = calendar.first_day().ok_or_else(|| {
                AppError::invalid("calendar", "A calendar needs at least one term")
            })?;
            let record = CalendarRecord {
                id: calendar_id(calendar),
                name: calendar.name().to_string(),
                school_year: i64::from(
                    mns_domain::calendar::SchoolYear::containing(first).start_year(),
                ),
                provisional: calendar.is_provisional(),
                terms_json: serde_json::to_string(calendar).context("writing a calendar")?,
            };
            tx.upsert_calendar(&record, now).await?;
            self.audit(&mut tx, actor, "calendar.save", "calendar", &record.id, "")
                .await?;
        }
        for day in bank_holidays.iter() {
            tx.upsert_bank_holiday(day, "Bank holiday").await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Loads Norfolk's 2025/26 and provisional 2026/27 term dates and England's bank holidays
    /// for 2025 to 2027.
    pub async fn load_standard_calendars(&self, actor: &Actor) -> AppResult<()> {
        self.save_calendars(
            actor,
            &[norfolk_2025_26(), norfolk_2026_27_provisional()],
            &england_bank_holidays_2025_2027(),
        )
        .await
    }

    /// Every stored calendar.
    pub async fn list_calendars(&self) -> AppResult<Vec<StoredCalendar>> {
        self.store
            .list_calendars()
            .await?
            .into_iter()
            .map(|record| {
                let calendar: TermCalendar = serde_json::from_str(&record.terms_json)
                    .with_context(|| format!("calendar {}", record.id))?;
                Ok(StoredCalendar {
                    id: record.id,
                    school_year: record.school_year,
                    calendar,
                })
            })
            .collect()
    }

    /// Saves a school's own term calendar (MN-PLAN-5): it replaces the council's for its
    /// school year when that school's pupils' weeks are counted.
    pub async fn save_school_calendar(
        &self,
        actor: &Actor,
        school_urn: &str,
        calendar: &TermCalendar,
    ) -> AppResult<()> {
        if self.store.get_school(school_urn).await?.is_none() {
            return Err(AppError::invalid(
                "school",
                format!("No school has the URN {school_urn}"),
            ));
        }
        self.save_calendars(
            actor,
            std::slice::from_ref(calendar),
            &BankHolidays::default(),
        )
        .await?;
        let mut tx = self.store.begin().await?;
        tx.assign_calendar(&calendar_id(calendar), school_urn)
            .await?;
        self.audit(
            &mut tx,
            actor,
            "calendar.school",
            "calendar",
            &calendar_id(calendar),
            school_urn,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The term calendar a school's pupils' weeks are counted on (MN-PLAN-5): the council's,
    /// with the school's own calendar in place of the council's for any school year it has one
    /// for.
    pub async fn calendar_for_school(
        &self,
        school_urn: Option<&str>,
    ) -> AppResult<Option<SchoolCalendar>> {
        let owned = self.store.school_calendar_ids().await?;
        let all = self.list_calendars().await?;
        let own_years: Vec<i64> = all
            .iter()
            .filter(|c| {
                owned
                    .iter()
                    .any(|(id, urn)| *id == c.id && Some(urn.as_str()) == school_urn)
            })
            .map(|c| c.school_year)
            .collect();
        let chosen: Vec<StoredCalendar> = all
            .into_iter()
            .filter(|c| match owned.iter().find(|(id, _)| *id == c.id) {
                Some((_, urn)) => Some(urn.as_str()) == school_urn,
                None => !own_years.contains(&c.school_year),
            })
            .collect();
        self.calendar_of(chosen).await
    }

    /// The council's school calendar: every council term calendar and the bank holidays.
    pub async fn school_calendar(&self) -> AppResult<Option<SchoolCalendar>> {
        self.calendar_for_school(None).await
    }

    async fn calendar_of(
        &self,
        calendars: Vec<StoredCalendar>,
    ) -> AppResult<Option<SchoolCalendar>> {
        let holidays: BankHolidays = self
            .store
            .list_bank_holidays()
            .await?
            .into_iter()
            .filter_map(|(day, _)| chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok())
            .collect();
        let mut iter = calendars.into_iter();
        let Some(first) = iter.next() else {
            return Ok(None);
        };
        let mut school = SchoolCalendar::new(first.calendar, holidays);
        for next in iter {
            school = school
                .with_term_calendar(next.calendar)
                .context("a school's own calendar")?;
        }
        Ok(Some(school))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_ids_are_readable_slugs() {
        assert_eq!(calendar_id(&norfolk_2025_26()), "norfolk-2025-26");
    }
}
