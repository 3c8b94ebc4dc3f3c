//! MN-PROV-6: while provision arranged by the local authority runs, the school codes those
//! sessions `K`; when a herringbone is uploaded the service shows the sessions that are not.

use chrono::NaiveDate;
use serde::Serialize;

use super::{AttendanceCode, Herringbone, Session};

/// A session during local-authority provision that the school did not code `K` (MN-PROV-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProvisionCodingMismatch {
    /// The session.
    pub session: Session,
    /// The code the school recorded instead.
    pub code: AttendanceCode,
}

/// MN-PROV-6: the sessions from `first` to `last` (the days the authority's provision ran, both
/// included) whose mark is not `K`, in session order.
///
/// Sessions that are not possible sessions (`#` closures, `Y1`..`Y7` and the like) are left
/// out: the pupil was not expected at school then, so `K` would wrongly count them as
/// attendance. Unmarked days are not listed; the herringbone has nothing to compare there.
pub fn provision_coding_mismatches(
    herringbone: &Herringbone,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<ProvisionCodingMismatch> {
    herringbone
        .between(first, last)
        .filter(|(_, code)| {
            *code != AttendanceCode::LocalAuthorityProvision && code.is_possible_session()
        })
        .map(|(session, code)| ProvisionCodingMismatch { session, code })
        .collect()
}
