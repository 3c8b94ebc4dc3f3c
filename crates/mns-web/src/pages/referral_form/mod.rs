//! The school's referral journey (being written).

use crate::Route;

/// The journey's routes.
pub fn routes() -> Vec<Route> {
    Vec::new()
}
