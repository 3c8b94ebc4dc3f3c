//! A referral's attendance: the school's MIS export (the herringbone, MN-REF-4) is attached to
//! the referral, kept encrypted like any document, and read whenever the coordinator looks, so
//! the figures the checks use (MN-ABS-1) always come from the file itself.

use crate::documents::DocumentAccess;
use crate::referrals::{REFERRAL_ATTENDANCE, ReferralView};
use crate::{Actor, App, AppError, AppResult};
use mns_domain::attendance::{
    AttendanceExport, AttendanceFigures, AttendanceGrid, AttendanceSummary, Herringbone,
    read_attendance_export,
};
use mns_domain::calendar::SchoolCalendar;
use mns_domain::calendar::SchoolYear;
use mns_domain::referral::{AttendanceEvidence, HerringboneDates};
use mns_store::DocumentMeta;

/// What the referral's attendance export says about its pupil.
#[derive(Debug, Clone)]
pub struct ReferralAttendance {
    /// The export's file.
    pub document: DocumentMeta,
    /// The figures for the school year (MN-ABS-1).
    pub figures: AttendanceFigures,
    /// The herringbone grid (weeks × AM/PM) for the year to date.
    pub grid: AttendanceGrid,
    /// What the checks need.
    pub evidence: AttendanceEvidence,
    /// Codes the reader did not know, and retired codes it mapped (reported to the coordinator).
    pub notes: Vec<String>,
}

/// Reads an export and says whether it is good, naming each problem's line and column.
fn read(bytes: &[u8]) -> AppResult<mns_domain::attendance::AttendanceExport> {
    read_attendance_export(bytes).map_err(|e| {
        AppError::invalid(
            "attendance",
            format!("The attendance file cannot be read: {e}"),
        )
    })
}

impl App {
    /// Attaches a school's attendance export to a referral. The file is read first: a file with
    /// any problem is refused whole, naming the line and column (nothing is half-imported), and
    /// one that does not include the referral's pupil is refused too.
    pub async fn attach_attendance(
        &self,
        actor: &Actor,
        referral_id: &str,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<DocumentMeta> {
        if !self
            .may_use_documents(
                actor,
                REFERRAL_ATTENDANCE,
                referral_id,
                DocumentAccess::Upload,
            )
            .await?
        {
            return Err(AppError::NotFound);
        }
        let export = read(bytes)?;
        let view = self.view_referral(actor, referral_id).await?;
        let upn = view.form.pupil.upn.as_ref().and_then(|u| u.value());
        if let Some(upn) = upn.filter(|upn| {
            !export
                .pupils
                .iter()
                .any(|p| p.pupil.as_str() == upn.as_str())
        }) {
            return Err(AppError::invalid(
                "attendance",
                format!(
                    "The attendance file has no rows for the pupil's UPN {upn}: export the pupil's own attendance"
                ),
            ));
        }
        self.store_document(actor, REFERRAL_ATTENDANCE, referral_id, filename, bytes)
            .await
    }

    /// The referral's latest attendance export, read for its pupil (matched by UPN, or the only
    /// pupil in the file), with the figures for the school year of the referral.
    pub async fn referral_attendance(
        &self,
        actor: &Actor,
        view: &ReferralView,
    ) -> AppResult<Option<ReferralAttendance>> {
        let documents = self
            .list_documents(actor, REFERRAL_ATTENDANCE, &view.record.id)
            .await?;
        let Some(latest) = documents.into_iter().max_by_key(|d| d.uploaded_at) else {
            return Ok(None);
        };
        let (document, bytes) = self.read_document(actor, &latest.id).await?;
        let export = read(&bytes)?;
        let upn = view
            .form
            .pupil
            .upn
            .as_ref()
            .and_then(|u| u.value())
            .map(|u| u.as_str().to_string());
        let day = view.record.referral_date.unwrap_or_else(|| self.today());
        let calendar = self.school_calendar().await?;
        let year = export.school_year_for_referral(day);
        let Some(PupilAttendanceFigures {
            figures,
            grid,
            evidence,
        }) = pupil_figures(&export, upn.as_deref(), year, calendar.as_ref())
        else {
            return Ok(None);
        };
        let mut notes: Vec<String> = export
            .unknown_codes
            .iter()
            .map(|u| {
                format!(
                    "Unknown code '{}' appears {} {} (first on line {})",
                    u.code,
                    u.count,
                    times(u.count),
                    u.lines.first().copied().unwrap_or(0)
                )
            })
            .collect();
        notes.extend(export.retired_codes.iter().map(|r| {
            format!(
                "Retired code '{}' appears {} {} and was read as '{}'",
                r.code.as_str(),
                r.count,
                times(r.count),
                r.read_as.as_str()
            )
        }));
        Ok(Some(ReferralAttendance {
            document,
            figures,
            grid,
            evidence,
            notes,
        }))
    }
}

/// The record type of a herringbone uploaded to a case during provision (MN-PROV-6).
pub const CASE_ATTENDANCE: mns_domain::documents::DocumentOwner =
    mns_domain::documents::DocumentOwner::CaseAttendance;

impl App {
    /// Attaches a herringbone during provision (MN-PROV-6): the school, or council staff who
    /// work cases. The file is read first and refused whole if it has a problem or no rows for
    /// the pupil.
    pub async fn attach_case_attendance(
        &self,
        actor: &Actor,
        case_id: &str,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<DocumentMeta> {
        if !self
            .may_use_documents(actor, CASE_ATTENDANCE, case_id, DocumentAccess::Upload)
            .await?
        {
            return Err(AppError::NotFound);
        }
        let export = read(bytes)?;
        let upn = self.case_pupil_upn(case_id).await?;
        if let Some(upn) = upn.filter(|upn| !export.pupils.iter().any(|p| p.pupil.as_str() == upn))
        {
            return Err(AppError::invalid(
                "attendance",
                format!(
                    "The attendance file has no rows for the pupil's UPN {upn}: export the pupil's own attendance"
                ),
            ));
        }
        self.store_document(actor, CASE_ATTENDANCE, case_id, filename, bytes)
            .await
    }

    async fn case_pupil_upn(&self, case_id: &str) -> AppResult<Option<String>> {
        let Some(case) = self.store.get_case(case_id).await? else {
            return Ok(None);
        };
        Ok(match &case.pupil_id {
            Some(pupil) => self.store.get_pupil(pupil).await?.and_then(|p| p.upn),
            None => None,
        })
    }

    /// The sessions during the authority's provision that the latest herringbone does not code
    /// `K` (MN-PROV-6), with the file they came from; `None` when none has been uploaded or the
    /// reader may not see it.
    pub async fn case_coding_mismatches(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> AppResult<
        Option<(
            DocumentMeta,
            Vec<mns_domain::attendance::ProvisionCodingMismatch>,
        )>,
    > {
        if !self
            .may_use_documents(actor, CASE_ATTENDANCE, case_id, DocumentAccess::Read)
            .await?
        {
            return Ok(None);
        }
        let Some(case) = self.store.get_case(case_id).await? else {
            return Ok(None);
        };
        let Some(start) = case.provision_start else {
            return Ok(None);
        };
        let documents = self.list_documents(actor, CASE_ATTENDANCE, case_id).await?;
        let Some(latest) = documents.into_iter().max_by_key(|d| d.uploaded_at) else {
            return Ok(None);
        };
        let (document, bytes) = self.read_document(actor, &latest.id).await?;
        let export = read(&bytes)?;
        let upn = self.case_pupil_upn(case_id).await?;
        let Some(pupil) = export
            .pupils
            .iter()
            .find(|p| upn.as_deref() == Some(p.pupil.as_str()))
            .or_else(|| (export.pupils.len() == 1).then(|| &export.pupils[0]))
        else {
            return Ok(Some((document, Vec::new())));
        };
        // Up to the last day of provision, or today if that is sooner.
        let last = case
            .ends_on
            .or(case
                .ended_at
                .map(|t| mns_domain::calendar::uk_local_time(t).date()))
            .map_or(self.today(), |d| d.min(self.today()));
        Ok(Some((
            document,
            mns_domain::attendance::provision_coding_mismatches(&pupil.herringbone, start, last),
        )))
    }
}

fn times(count: u64) -> &'static str {
    if count == 1 { "time" } else { "times" }
}

/// One pupil's figures, grid and the evidence the checks need.
#[derive(Debug, Clone)]
pub struct PupilAttendanceFigures {
    /// The figures for the school year (MN-ABS-1).
    pub figures: AttendanceFigures,
    /// The herringbone grid for the school year.
    pub grid: AttendanceGrid,
    /// What the referral checks need.
    pub evidence: AttendanceEvidence,
}

/// The figures for the pupil with this UPN in an export (or its only pupil, if it has one),
/// counted over `school_year` on `calendar`.
pub fn pupil_figures(
    export: &AttendanceExport,
    upn: Option<&str>,
    school_year: SchoolYear,
    calendar: Option<&SchoolCalendar>,
) -> Option<PupilAttendanceFigures> {
    let pupil = export
        .pupils
        .iter()
        .find(|p| upn == Some(p.pupil.as_str()))
        .or_else(|| (export.pupils.len() == 1).then(|| &export.pupils[0]))?;
    let figures = AttendanceFigures::for_school_year(&pupil.herringbone, school_year, calendar);
    let evidence = AttendanceEvidence {
        school_year,
        health_absence_days: figures.health_absence.days() as f32,
        longest_health_absence_run_days: figures.longest_health_run_length().days() as f32,
        medical_appointment_sessions: figures.medical_appointment_sessions,
        herringbone: span(&pupil.herringbone),
    };
    Some(PupilAttendanceFigures {
        grid: AttendanceGrid::for_school_year(&pupil.herringbone, school_year),
        figures,
        evidence,
    })
}

fn span(herringbone: &Herringbone) -> Option<HerringboneDates> {
    herringbone.span().map(|(first, last)| HerringboneDates {
        first_day: first.date,
        last_day: last.date,
    })
}

/// The summary `mns attendance summarise FILE` prints: every pupil's figures for the latest
/// school year in the file (or `school_year`), unknown and retired codes.
pub fn summarise(bytes: &[u8], school_year: Option<SchoolYear>) -> AppResult<AttendanceSummary> {
    let export = read(bytes)?;
    let year = school_year
        .or_else(|| export.latest_school_year())
        .ok_or_else(|| AppError::invalid("attendance", "The attendance file has no sessions"))?;
    Ok(AttendanceSummary::new(&export, year, None))
}
