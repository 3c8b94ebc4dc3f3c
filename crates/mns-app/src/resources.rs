//! The limited resources (MN-PROV-1): home learning support assistants (HLSAs) with their
//! weekly hours and areas, the AV1 robot pool, and the waiting list. Allocating checks
//! capacity; what a child needs beyond it goes on the waiting list, so the gap is recorded and
//! shown, never cut (MN-DEC-3). Council staff who work cases manage them; the auditor reads.

use crate::{Actor, App, AppError, AppResult, FieldError};
use mns_domain::permissions::Capability;
use mns_domain::provision::{CaseState, RobotState, hlsa_capacity_left};
use mns_store::{
    HlsaAllocationRecord, HlsaWorkerRecord, OnlineAllocationRecord, OnlineProviderRecord,
    RobotRecord, WaitingRecord, new_id,
};
use std::collections::HashMap;

/// An HLSA with their hours.
#[derive(Debug, Clone)]
pub struct HlsaLine {
    /// The worker.
    pub worker: HlsaWorkerRecord,
    /// Hours a week allocated now.
    pub allocated: f64,
    /// Hours a week left (negative never happens: allocation stops at capacity).
    pub left: f64,
    /// The cases they support: pupil's name and hours.
    pub cases: Vec<(String, String, f64)>,
}

/// Resources at a glance.
#[derive(Debug, Clone, Default)]
pub struct ResourcesView {
    /// HLSAs.
    pub hlsa: Vec<HlsaLine>,
    /// Robots, with the pupil each is with.
    pub robots: Vec<(RobotRecord, Option<String>)>,
    /// The waiting list in the order resources are offered, with the pupil and days waited.
    pub waiting: Vec<(WaitingRecord, String, i64)>,
    /// Open cases that may be given a resource: id and pupil's name.
    pub open_cases: Vec<(String, String)>,
    /// Online-learning providers: the provider, places in use, and the pupils (case id, name).
    pub online: Vec<OnlineLine>,
}

/// An online-learning provider with its places in use and the pupils (case id, name).
pub type OnlineLine = (OnlineProviderRecord, i64, Vec<(String, String)>);

impl ResourcesView {
    /// HLSA hours a week needed and not available.
    pub fn hlsa_shortfall(&self) -> f64 {
        self.waiting
            .iter()
            .filter(|(w, ..)| w.resource == "hlsa")
            .map(|(w, ..)| w.hours_needed)
            .sum()
    }

    /// Pupils waiting for a robot.
    pub fn robots_waiting(&self) -> usize {
        self.waiting
            .iter()
            .filter(|(w, ..)| w.resource == "av1_robot")
            .count()
    }
}

fn may_manage(actor: &Actor) -> AppResult<()> {
    actor.require(Capability::ManageResources)
}

impl App {
    /// Notes a change to a case's resources on its timeline and in the audit trail.
    async fn note_resource(
        &self,
        tx: &mut mns_store::WriteTx,
        actor: &Actor,
        case_id: &str,
        action: &str,
        note: &str,
    ) -> AppResult<()> {
        tx.insert_case_event(&self.new_event(actor, case_id, "resource", None, None, note))
            .await?;
        self.audit(tx, actor, action, "case", case_id, note).await
    }

    /// Resources at a glance, for council staff.
    pub async fn resources(&self, actor: &Actor) -> AppResult<ResourcesView> {
        actor.require(Capability::ReadResources)?;
        self.audit_view(actor, "resources.view", "resources", "all")
            .await?;
        let lines = self.store.case_lines(&[], None, None).await?;
        let names: HashMap<&str, &str> = lines
            .iter()
            .map(|l| (l.case.id.as_str(), l.pupil_name.as_str()))
            .collect();
        let allocations = self.store.current_hlsa_allocations().await?;
        let hlsa = self
            .store
            .hlsa_workers()
            .await?
            .into_iter()
            .map(|worker| {
                let mine: Vec<&HlsaAllocationRecord> = allocations
                    .iter()
                    .filter(|a| a.worker_id == worker.id)
                    .collect();
                let hours: Vec<f64> = mine.iter().map(|a| a.hours).collect();
                HlsaLine {
                    allocated: hours.iter().sum(),
                    left: hlsa_capacity_left(worker.weekly_hours, &hours),
                    cases: mine
                        .iter()
                        .map(|a| {
                            (
                                a.case_id.clone(),
                                names
                                    .get(a.case_id.as_str())
                                    .copied()
                                    .unwrap_or("")
                                    .to_string(),
                                a.hours,
                            )
                        })
                        .collect(),
                    worker,
                }
            })
            .collect();
        let robots = self
            .store
            .robots()
            .await?
            .into_iter()
            .map(|r| {
                let name = r
                    .case_id
                    .as_deref()
                    .and_then(|id| names.get(id))
                    .map(|n| n.to_string());
                (r, name)
            })
            .collect();
        let today = self.today();
        let waiting = self
            .store
            .open_waiting()
            .await?
            .into_iter()
            .map(|w| {
                let days = (today - w.requested_on).num_days();
                let name = names
                    .get(w.case_id.as_str())
                    .copied()
                    .unwrap_or("")
                    .to_string();
                (w, name, days)
            })
            .collect();
        let open_cases = lines
            .iter()
            .filter(|l| l.case.state != CaseState::Ended)
            .map(|l| (l.case.id.clone(), l.pupil_name.clone()))
            .collect();
        let places = self.store.current_online_allocations().await?;
        let online = self
            .store
            .online_providers()
            .await?
            .into_iter()
            .map(|p| {
                let pupils: Vec<(String, String)> = places
                    .iter()
                    .filter(|a| a.provider_id == p.id)
                    .map(|a| {
                        (
                            a.case_id.clone(),
                            names
                                .get(a.case_id.as_str())
                                .copied()
                                .unwrap_or("")
                                .to_string(),
                        )
                    })
                    .collect();
                (p, pupils.len() as i64, pupils)
            })
            .collect();
        Ok(ResourcesView {
            hlsa,
            robots,
            waiting,
            open_cases,
            online,
        })
    }

    /// Adds an HLSA with their weekly hours and areas.
    pub async fn add_hlsa_worker(
        &self,
        actor: &Actor,
        name: &str,
        weekly_hours: Option<f64>,
        areas: &str,
    ) -> AppResult<()> {
        may_manage(actor)?;
        let mut errors = Vec::new();
        if name.trim().is_empty() {
            errors.push(FieldError::new("worker_name", "Enter the assistant's name"));
        }
        let hours = weekly_hours.filter(|h| *h > 0.0 && *h <= 60.0);
        if hours.is_none() {
            errors.push(FieldError::new(
                "weekly_hours",
                "Enter the hours a week they can give, more than 0 and at most 60",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let id = new_id();
        let mut tx = self.store.begin().await?;
        tx.insert_hlsa_worker(&HlsaWorkerRecord {
            id: id.clone(),
            name: name.trim().to_string(),
            weekly_hours: hours.unwrap_or_default(),
            areas: areas.trim().to_string(),
            created_at: self.now(),
        })
        .await?;
        self.audit(&mut tx, actor, "resources.hlsa_added", "hlsa", &id, "")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The case for a resource: an open case in the actor's scope.
    async fn open_case_for_resource(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> AppResult<mns_store::CaseRecord> {
        let case = self
            .store
            .get_case(case_id)
            .await?
            .ok_or_else(|| AppError::invalid("case", "Select a case"))?;
        if case.state == CaseState::Ended {
            return Err(AppError::invalid("case", "That case has ended"));
        }
        let _ = actor;
        Ok(case)
    }

    /// Gives a case HLSA hours (MN-PROV-1). What the worker cannot give goes on the waiting
    /// list, so the child's need stays recorded and the gap shows (MN-DEC-3). Returns the hours
    /// still waited for.
    pub async fn allocate_hlsa(
        &self,
        actor: &Actor,
        case_id: &str,
        worker_id: &str,
        hours: Option<f64>,
    ) -> AppResult<f64> {
        may_manage(actor)?;
        let mut errors = Vec::new();
        let hours = hours.filter(|h| *h > 0.0 && *h <= 40.0);
        if hours.is_none() {
            errors.push(FieldError::new(
                "hlsa_hours",
                "Enter the hours a week the child needs, more than 0 and at most 40",
            ));
        }
        let workers = self.store.hlsa_workers().await?;
        let worker = workers.iter().find(|w| w.id == worker_id);
        if worker.is_none() {
            errors.push(FieldError::new("worker", "Select an assistant"));
        }
        let case = match self.open_case_for_resource(actor, case_id).await {
            Ok(case) => Some(case),
            Err(AppError::Invalid(mut e)) => {
                errors.append(&mut e);
                None
            }
            Err(e) => return Err(e),
        };
        let (Some(hours), Some(worker), Some(case), true) =
            (hours, worker, case, errors.is_empty())
        else {
            return Err(AppError::Invalid(errors));
        };
        let allocated: Vec<f64> = self
            .store
            .current_hlsa_allocations()
            .await?
            .into_iter()
            .filter(|a| a.worker_id == worker.id)
            .map(|a| a.hours)
            .collect();
        let left = hlsa_capacity_left(worker.weekly_hours, &allocated).max(0.0);
        let given = hours.min(left);
        let short = hours - given;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if given > 0.0 {
            tx.insert_hlsa_allocation(&HlsaAllocationRecord {
                id: new_id(),
                case_id: case.id.clone(),
                worker_id: worker.id.clone(),
                hours: given,
                allocated_at: now,
                released_at: None,
            })
            .await?;
        }
        tx.resolve_waiting(&case.id, "hlsa", now).await?;
        if short > 0.0 {
            tx.insert_waiting(&WaitingRecord {
                id: new_id(),
                case_id: case.id.clone(),
                resource: "hlsa".into(),
                hours_needed: short,
                requested_on: self.today(),
                resolved_at: None,
            })
            .await?;
        }
        let (given, short_words) = (
            mns_domain::wording::hours(given),
            mns_domain::wording::hours(short),
        );
        let note = if short > 0.0 {
            format!(
                "HLSA: {given} a week from {}; {short_words} a week more needed, on the waiting list",
                worker.name
            )
        } else {
            format!("HLSA: {given} a week from {}", worker.name)
        };
        self.note_resource(&mut tx, actor, &case.id, "resources.hlsa_allocated", &note)
            .await?;
        tx.commit().await?;
        Ok(short)
    }

    /// Adds a commissioned online-learning provider with its places.
    pub async fn add_online_provider(
        &self,
        actor: &Actor,
        name: &str,
        places: Option<i64>,
    ) -> AppResult<()> {
        may_manage(actor)?;
        let mut errors = Vec::new();
        if name.trim().is_empty() {
            errors.push(FieldError::new(
                "provider_name",
                "Enter the provider's name",
            ));
        }
        let places = places.filter(|p| (1..=1000).contains(p));
        if places.is_none() {
            errors.push(FieldError::new(
                "places",
                "Enter the places commissioned, a whole number from 1 to 1000",
            ));
        }
        let (Some(places), true) = (places, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let id = new_id();
        let mut tx = self.store.begin().await?;
        tx.insert_online_provider(&OnlineProviderRecord {
            id: id.clone(),
            name: name.trim().to_string(),
            places,
            created_at: self.now(),
        })
        .await?;
        self.audit(
            &mut tx,
            actor,
            "resources.online_added",
            "online_provider",
            &id,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives a case a place with an online-learning provider (MN-PROV-1); when the provider is
    /// full, the case goes on the waiting list instead, so the need is recorded (MN-DEC-3).
    /// Returns whether a place was given.
    pub async fn allocate_online_place(
        &self,
        actor: &Actor,
        case_id: &str,
        provider_id: &str,
    ) -> AppResult<bool> {
        may_manage(actor)?;
        let providers = self.store.online_providers().await?;
        let provider = providers.iter().find(|p| p.id == provider_id);
        let mut errors = Vec::new();
        if provider.is_none() {
            errors.push(FieldError::new("online_provider", "Select a provider"));
        }
        let case = match self.open_case_for_resource(actor, case_id).await {
            Ok(case) => Some(case),
            Err(AppError::Invalid(mut e)) => {
                errors.append(&mut e);
                None
            }
            Err(e) => return Err(e),
        };
        let (Some(provider), Some(case), true) = (provider, case, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let used = self
            .store
            .current_online_allocations()
            .await?
            .iter()
            .filter(|a| a.provider_id == provider.id)
            .count() as i64;
        let now = self.now();
        let placed = used < provider.places;
        let mut tx = self.store.begin().await?;
        if placed {
            tx.insert_online_allocation(&OnlineAllocationRecord {
                id: new_id(),
                case_id: case.id.clone(),
                provider_id: provider.id.clone(),
                allocated_at: now,
                released_at: None,
            })
            .await?;
            tx.resolve_waiting(&case.id, "online_learning", now).await?;
        } else {
            tx.insert_waiting(&WaitingRecord {
                id: new_id(),
                case_id: case.id.clone(),
                resource: "online_learning".into(),
                hours_needed: 0.0,
                requested_on: self.today(),
                resolved_at: None,
            })
            .await?;
        }
        let note = if placed {
            format!("Online learning: a place with {}", provider.name)
        } else {
            format!(
                "Online learning: {} is full; on the waiting list",
                provider.name
            )
        };
        self.note_resource(
            &mut tx,
            actor,
            &case.id,
            "resources.online_allocated",
            &note,
        )
        .await?;
        tx.commit().await?;
        Ok(placed)
    }

    /// Adds a robot to the pool, in store.
    pub async fn add_robot(&self, actor: &Actor, serial: &str) -> AppResult<()> {
        may_manage(actor)?;
        let serial = serial.trim().to_ascii_uppercase();
        if serial.is_empty() || serial.len() > 40 {
            return Err(AppError::invalid(
                "serial",
                "Enter the robot's serial number",
            ));
        }
        if self.store.robot(&serial).await?.is_some() {
            return Err(AppError::invalid(
                "serial",
                "A robot with that serial number is already in the pool",
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.save_robot(&RobotRecord {
            serial: serial.clone(),
            state: RobotState::InStore,
            case_id: None,
            updated_at: self.now(),
        })
        .await?;
        self.audit(
            &mut tx,
            actor,
            "resources.robot_added",
            "robot",
            &serial,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a robot (MN-PROV-1): allocating needs an open case (and takes it off the waiting
    /// list); back to store, returned or in repair, it is with nobody.
    pub async fn move_robot(
        &self,
        actor: &Actor,
        serial: &str,
        to: Option<RobotState>,
        case_id: Option<&str>,
    ) -> AppResult<()> {
        may_manage(actor)?;
        let Some(mut robot) = self.store.robot(serial).await? else {
            return Err(AppError::invalid("robot", "Select a robot"));
        };
        let Some(to) = to else {
            return Err(AppError::invalid(
                "robot_state",
                "Select where the robot is going",
            ));
        };
        let from = robot.state;
        if !from.may_become(to) {
            return Err(AppError::invalid(
                "robot_state",
                format!(
                    "A robot cannot go from {} to {}",
                    from.label().to_lowercase(),
                    to.label().to_lowercase()
                ),
            ));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        match to {
            RobotState::Allocated => {
                let case = self
                    .open_case_for_resource(actor, case_id.unwrap_or_default())
                    .await?;
                tx.resolve_waiting(&case.id, "av1_robot", now).await?;
                tx.insert_case_event(&self.new_event(
                    actor,
                    &case.id,
                    "resource",
                    None,
                    None,
                    &format!("AV1 robot {} allocated", robot.serial),
                ))
                .await?;
                robot.case_id = Some(case.id);
            }
            RobotState::WithSchool => {}
            _ => robot.case_id = None,
        }
        robot.state = to;
        robot.updated_at = now;
        tx.save_robot(&robot).await?;
        self.audit(
            &mut tx,
            actor,
            "resources.robot_moved",
            "robot",
            &robot.serial,
            to.as_str(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Puts a case on the waiting list for a robot (once).
    pub async fn wait_for_robot(&self, actor: &Actor, case_id: &str) -> AppResult<()> {
        may_manage(actor)?;
        let case = self.open_case_for_resource(actor, case_id).await?;
        if self
            .store
            .open_waiting()
            .await?
            .iter()
            .any(|w| w.case_id == case.id && w.resource == "av1_robot")
        {
            return Err(AppError::invalid(
                "case",
                "That case is already waiting for a robot",
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.insert_waiting(&WaitingRecord {
            id: new_id(),
            case_id: case.id.clone(),
            resource: "av1_robot".into(),
            hours_needed: 0.0,
            requested_on: self.today(),
            resolved_at: None,
        })
        .await?;
        self.audit(
            &mut tx,
            actor,
            "resources.robot_waiting",
            "case",
            &case.id,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
