//! A pupil's herringbone: the mark of every registration session over a date range, keyed by
//! (date, AM/PM). MIS exports and referrals (MN-REF-4) carry it; the figures of MN-ABS-1 are
//! counted from it.

use chrono::NaiveDate;

use super::{AttendanceCode, HalfDay, Session};

/// A pupil's session marks in date order, at most one per session.
///
/// Held as a sorted vector rather than a map: a county's exports hold tens of millions of
/// sessions, and marks nearly always arrive in date order, so appending is the common case and
/// eight bytes a session is all it costs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Herringbone {
    /// Sorted by session, no session twice.
    marks: Vec<(Session, AttendanceCode)>,
}

impl Herringbone {
    /// An empty herringbone.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the mark for a session, returning the mark it replaces, if there was one.
    pub fn insert(&mut self, session: Session, code: AttendanceCode) -> Option<AttendanceCode> {
        match self.marks.last() {
            None => {}
            Some((last, _)) if *last < session => {}
            Some(_) => {
                return match self.marks.binary_search_by_key(&session, |(s, _)| *s) {
                    Ok(index) => self
                        .marks
                        .get_mut(index)
                        .map(|(_, old)| std::mem::replace(old, code)),
                    Err(index) => {
                        self.marks.insert(index, (session, code));
                        None
                    }
                };
            }
        }
        self.marks.push((session, code));
        None
    }

    /// The mark for a session, if one was recorded.
    pub fn get(&self, session: Session) -> Option<AttendanceCode> {
        self.marks
            .binary_search_by_key(&session, |(s, _)| *s)
            .ok()
            .and_then(|index| self.marks.get(index))
            .map(|(_, code)| *code)
    }

    /// The mark for a date's morning or afternoon, if one was recorded.
    pub fn on(&self, date: NaiveDate, half: HalfDay) -> Option<AttendanceCode> {
        self.get(Session::new(date, half))
    }

    /// Every mark, in session order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (Session, AttendanceCode)> + '_ {
        self.marks.iter().copied()
    }

    /// The marks from `first` to `last` (both days included), in session order.
    pub fn between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> impl DoubleEndedIterator<Item = (Session, AttendanceCode)> + '_ {
        let start = self.marks.partition_point(|(s, _)| s.date < first);
        let end = self
            .marks
            .partition_point(|(s, _)| s.date <= last)
            .max(start);
        self.marks
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .copied()
    }

    /// How many sessions have a mark.
    pub fn len(&self) -> usize {
        self.marks.len()
    }

    /// Whether no session has a mark.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    /// The first and last marked sessions, if any.
    pub fn span(&self) -> Option<(Session, Session)> {
        Some((self.marks.first()?.0, self.marks.last()?.0))
    }

    /// Gives back memory reserved while reading, once no more marks will be added.
    pub fn shrink_to_fit(&mut self) {
        self.marks.shrink_to_fit();
    }
}

impl FromIterator<(Session, AttendanceCode)> for Herringbone {
    /// Collects marks; a later mark for the same session replaces an earlier one.
    fn from_iter<T: IntoIterator<Item = (Session, AttendanceCode)>>(iter: T) -> Self {
        let mut herringbone = Self::new();
        for (session, code) in iter {
            herringbone.insert(session, code);
        }
        herringbone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(day: u32, half: HalfDay) -> Session {
        Session::new(NaiveDate::from_ymd_opt(2025, 9, day).unwrap(), half)
    }

    #[test]
    fn marks_out_of_order_are_kept_in_session_order() {
        let mut herringbone = Herringbone::new();
        assert_eq!(
            herringbone.insert(session(9, HalfDay::Am), AttendanceCode::Illness),
            None
        );
        herringbone.insert(session(8, HalfDay::Pm), AttendanceCode::PresentPm);
        herringbone.insert(session(8, HalfDay::Am), AttendanceCode::PresentAm);
        let order: Vec<Session> = herringbone.iter().map(|(s, _)| s).collect();
        assert_eq!(
            order,
            [
                session(8, HalfDay::Am),
                session(8, HalfDay::Pm),
                session(9, HalfDay::Am)
            ]
        );
        assert_eq!(
            herringbone.insert(
                session(8, HalfDay::Am),
                AttendanceCode::LateBeforeRegisterClosed
            ),
            Some(AttendanceCode::PresentAm)
        );
        assert_eq!(herringbone.len(), 3);
    }

    #[test]
    fn a_mark_is_found_by_date_and_half() {
        let herringbone: Herringbone = [
            (session(8, HalfDay::Am), AttendanceCode::Illness),
            (session(10, HalfDay::Pm), AttendanceCode::MedicalAppointment),
        ]
        .into_iter()
        .collect();
        let date = |day| NaiveDate::from_ymd_opt(2025, 9, day).unwrap();
        assert_eq!(
            herringbone.on(date(8), HalfDay::Am),
            Some(AttendanceCode::Illness)
        );
        assert_eq!(herringbone.on(date(8), HalfDay::Pm), None);
        assert_eq!(herringbone.between(date(9), date(10)).count(), 1);
        assert_eq!(herringbone.between(date(11), date(9)).count(), 0);
        assert_eq!(
            herringbone.span(),
            Some((session(8, HalfDay::Am), session(10, HalfDay::Pm)))
        );
    }
}
