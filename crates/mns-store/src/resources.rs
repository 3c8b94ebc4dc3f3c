//! The limited resources of MN-PROV-1: HLSA workers and their allocations, the AV1 robot pool,
//! and the waiting list.

use crate::columns::{OptText, Text};
use crate::{Store, StoreResult, WriteTx, day, ts};
use chrono::{DateTime, NaiveDate, Utc};
use mns_domain::provision::RobotState;
use sqlx::FromRow;

/// A home learning support assistant.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct HlsaWorkerRecord {
    /// Their id.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Hours a week they can give.
    pub weekly_hours: f64,
    /// The areas they cover, in words.
    pub areas: String,
    /// When added .
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub created_at: DateTime<Utc>,
}

/// Hours of an HLSA given to a case.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct HlsaAllocationRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The worker.
    pub worker_id: String,
    /// Hours a week.
    pub hours: f64,
    /// When .
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub allocated_at: DateTime<Utc>,
    /// When released, if it has been.
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    pub released_at: Option<DateTime<Utc>>,
}

/// An AV1 robot.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct RobotRecord {
    /// Its serial number.
    pub serial: String,
    /// Where it is (the domain's `RobotState`, stored form).
    #[sqlx(try_from = "Text<RobotState>")]
    pub state: RobotState,
    /// The case it is with, when allocated or with the school.
    pub case_id: Option<String>,
    /// When it last moved .
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub updated_at: DateTime<Utc>,
}

/// A case waiting for a resource.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct WaitingRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// `hlsa` or `av1_robot`.
    pub resource: String,
    /// HLSA hours a week still needed (0 for a robot).
    pub hours_needed: f64,
    /// The day it was asked for (`YYYY-MM-DD`).
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub requested_on: NaiveDate,
    /// When it was met .
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    pub resolved_at: Option<DateTime<Utc>>,
}

/// A commissioned online-learning provider and its places.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OnlineProviderRecord {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Places commissioned.
    pub places: i64,
    /// When added .
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub created_at: DateTime<Utc>,
}

/// A case's place with an online-learning provider.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OnlineAllocationRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The provider.
    pub provider_id: String,
    /// When .
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub allocated_at: DateTime<Utc>,
    /// When released.
    #[sqlx(try_from = "OptText<DateTime<Utc>>")]
    pub released_at: Option<DateTime<Utc>>,
}

impl WriteTx {
    /// Adds an online-learning provider.
    pub async fn insert_online_provider(&mut self, p: &OnlineProviderRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO online_providers (id, name, places, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&p.id)
        .bind(&p.name)
        .bind(p.places)
        .bind(ts(p.created_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Gives a case a place with an online-learning provider.
    pub async fn insert_online_allocation(
        &mut self,
        a: &OnlineAllocationRecord,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO online_allocations (id, case_id, provider_id, allocated_at, released_at) \
             VALUES ($1, $2, $3, $4, NULL)",
        )
        .bind(&a.id)
        .bind(&a.case_id)
        .bind(&a.provider_id)
        .bind(ts(a.allocated_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Adds an HLSA worker.
    pub async fn insert_hlsa_worker(&mut self, w: &HlsaWorkerRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO hlsa_workers (id, name, weekly_hours, areas, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&w.id)
        .bind(&w.name)
        .bind(w.weekly_hours)
        .bind(&w.areas)
        .bind(ts(w.created_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Gives HLSA hours to a case.
    pub async fn insert_hlsa_allocation(&mut self, a: &HlsaAllocationRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO hlsa_allocations (id, case_id, worker_id, hours, allocated_at, \
             released_at) VALUES ($1, $2, $3, $4, $5, NULL)",
        )
        .bind(&a.id)
        .bind(&a.case_id)
        .bind(&a.worker_id)
        .bind(a.hours)
        .bind(ts(a.allocated_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Releases a case's HLSA hours and online-learning place (when it ends).
    pub async fn release_hlsa(&mut self, case_id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        for table in ["hlsa_allocations", "online_allocations"] {
            sqlx::query(&format!(
                "UPDATE {table} SET released_at = $1 WHERE case_id = $2 AND released_at IS NULL"
            ))
            .bind(ts(at))
            .bind(case_id)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// Writes a robot, new or moved.
    pub async fn save_robot(&mut self, r: &RobotRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO robots (serial, state, case_id, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (serial) DO UPDATE SET state = excluded.state, \
             case_id = excluded.case_id, updated_at = excluded.updated_at",
        )
        .bind(&r.serial)
        .bind(r.state.as_str())
        .bind(&r.case_id)
        .bind(ts(r.updated_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Puts a case on the waiting list.
    pub async fn insert_waiting(&mut self, w: &WaitingRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO resource_waiting (id, case_id, resource, hours_needed, requested_on, \
             resolved_at) VALUES ($1, $2, $3, $4, $5, NULL)",
        )
        .bind(&w.id)
        .bind(&w.case_id)
        .bind(&w.resource)
        .bind(w.hours_needed)
        .bind(day(w.requested_on))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Takes a case off every waiting list (when it ends: a child who has left waits for
    /// nothing).
    pub async fn leave_waiting_lists(
        &mut self,
        case_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE resource_waiting SET resolved_at = $1 WHERE case_id = $2 AND resolved_at IS NULL",
        )
        .bind(ts(at))
        .bind(case_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Takes a case off the waiting list for a resource.
    pub async fn resolve_waiting(
        &mut self,
        case_id: &str,
        resource: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE resource_waiting SET resolved_at = $1 WHERE case_id = $2 AND resource = $3 \
             AND resolved_at IS NULL",
        )
        .bind(ts(at))
        .bind(case_id)
        .bind(resource)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Every HLSA worker, by name.
    pub async fn hlsa_workers(&self) -> StoreResult<Vec<HlsaWorkerRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, name, weekly_hours, areas, created_at FROM hlsa_workers ORDER BY name, id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Allocations not yet released.
    pub async fn current_hlsa_allocations(&self) -> StoreResult<Vec<HlsaAllocationRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, worker_id, hours, allocated_at, released_at FROM hlsa_allocations \
             WHERE released_at IS NULL ORDER BY allocated_at, id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every online-learning provider, by name.
    pub async fn online_providers(&self) -> StoreResult<Vec<OnlineProviderRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, name, places, created_at FROM online_providers ORDER BY name, id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Online-learning places in use.
    pub async fn current_online_allocations(&self) -> StoreResult<Vec<OnlineAllocationRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, provider_id, allocated_at, released_at FROM online_allocations \
             WHERE released_at IS NULL ORDER BY allocated_at, id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every robot, by serial.
    pub async fn robots(&self) -> StoreResult<Vec<RobotRecord>> {
        Ok(
            sqlx::query_as("SELECT serial, state, case_id, updated_at FROM robots ORDER BY serial")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// A robot by serial.
    pub async fn robot(&self, serial: &str) -> StoreResult<Option<RobotRecord>> {
        Ok(sqlx::query_as(
            "SELECT serial, state, case_id, updated_at FROM robots WHERE serial = $1",
        )
        .bind(serial)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Cases still waiting, oldest request first.
    pub async fn open_waiting(&self) -> StoreResult<Vec<WaitingRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, resource, hours_needed, requested_on, resolved_at \
             FROM resource_waiting WHERE resolved_at IS NULL ORDER BY requested_on, case_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
