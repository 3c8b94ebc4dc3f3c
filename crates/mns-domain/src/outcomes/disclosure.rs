//! Small numbers in figures that leave the service (issue 17): a count of fewer than
//! [`SMALL_NUMBER`] children could identify them, so anything exported, printed in the annual
//! report or sent to the Schools Forum shows "fewer than 5" instead, and a share or average
//! worked out over fewer than 5 children is not shown at all. Zero is shown: it identifies
//! nobody. Pages inside the service, read by the people who work the cases, show every figure.

use std::fmt;

/// Counts below this are suppressed when they leave the service.
pub const SMALL_NUMBER: u64 = 5;

/// A count as it may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosed {
    /// The count itself.
    Shown(u64),
    /// From 1 to 4: suppressed.
    Suppressed,
}

impl fmt::Display for Disclosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Disclosed::Shown(n) => write!(f, "{n}"),
            Disclosed::Suppressed => write!(f, "fewer than {SMALL_NUMBER}"),
        }
    }
}

/// A count of children as it may leave the service: 1 to 4 suppressed.
pub fn disclose(count: u64) -> Disclosed {
    if count == 0 || count >= SMALL_NUMBER {
        Disclosed::Shown(count)
    } else {
        Disclosed::Suppressed
    }
}

/// A share or average worked out over `children`: `None` (not shown) when they are fewer than
/// [`SMALL_NUMBER`], so a percentage cannot give away a small count.
pub fn disclose_share(children: u64, value: f64) -> Option<f64> {
    (children >= SMALL_NUMBER).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s19_small_numbers_from_1_to_4_are_suppressed_and_0_and_5_are_shown() {
        assert_eq!(disclose(0), Disclosed::Shown(0));
        for n in 1..=4 {
            assert_eq!(disclose(n), Disclosed::Suppressed, "{n}");
            assert_eq!(disclose(n).to_string(), "fewer than 5");
        }
        assert_eq!(disclose(5), Disclosed::Shown(5));
        assert_eq!(disclose(5).to_string(), "5");
    }

    #[test]
    fn s19_a_share_over_fewer_than_5_children_is_not_shown() {
        assert_eq!(disclose_share(4, 0.5), None);
        assert_eq!(disclose_share(5, 0.5), Some(0.5));
    }
}
