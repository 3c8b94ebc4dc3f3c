//! The history of a referral as the school and the coordinator read it: when it was sent, when
//! the coordinator asked for more and when the school answered, the wait for medical evidence,
//! and the decision. Every line counts its days from the referral date, which is the first
//! submission and never moves when the school answers (MN-DEC-1, MN-DEC-2).

use chrono::NaiveDate;

/// One thing that happened to a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryStep {
    /// The school sent the referral: the referral date.
    Sent,
    /// The school answered a request for more information and sent the referral again.
    Answered,
    /// The coordinator asked the school for more information.
    AskedForInformation,
    /// The coordinator marked the referral as waiting for medical evidence.
    WaitingForEvidence,
    /// The medical evidence arrived.
    EvidenceArrived,
    /// The coordinator accepted the referral.
    Accepted,
    /// The coordinator declined the referral.
    Declined,
}

impl HistoryStep {
    /// The step an audited change records, from the audit entry's action and detail; `None`
    /// for entries that are not steps of the referral (views, edits of a draft, exports).
    /// `sent_before` says whether the referral had been sent already: a second submission is
    /// the school's answer.
    pub fn from_audit(action: &str, detail: &str, sent_before: bool) -> Option<HistoryStep> {
        match (action, detail) {
            ("referral.submit", _) if sent_before => Some(HistoryStep::Answered),
            ("referral.submit", _) => Some(HistoryStep::Sent),
            ("referral.decide", "accept") => Some(HistoryStep::Accepted),
            ("referral.decide", "decline") => Some(HistoryStep::Declined),
            ("referral.decide", "ask_for_information") => Some(HistoryStep::AskedForInformation),
            ("referral.waiting_for_evidence", "arrived") => Some(HistoryStep::EvidenceArrived),
            ("referral.waiting_for_evidence", _) => Some(HistoryStep::WaitingForEvidence),
            _ => None,
        }
    }

    /// The step in the words of the referral page.
    pub fn label(self) -> &'static str {
        match self {
            HistoryStep::Sent => "The school sent the referral",
            HistoryStep::Answered => {
                "The school answered the request for more information and sent the referral again"
            }
            HistoryStep::AskedForInformation => {
                "The coordinator asked the school for more information"
            }
            HistoryStep::WaitingForEvidence => "Marked as waiting for medical evidence",
            HistoryStep::EvidenceArrived => "The medical evidence arrived",
            HistoryStep::Accepted => "The coordinator accepted the referral",
            HistoryStep::Declined => "The coordinator declined the referral",
        }
    }
}

/// A line of the history: what happened, on which day, and how many days after the referral
/// date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    /// What happened.
    pub step: HistoryStep,
    /// The day it happened (UK time).
    pub on: NaiveDate,
    /// Days from the referral date to that day (MN-DEC-1: counted from the first submission).
    pub days_since_referral: i64,
}

/// The history from the referral's audited changes, oldest first (`(day, action, detail)`),
/// each counted from `referral_date`, the first submission (MN-DEC-1, MN-DEC-2).
pub fn referral_history<'a>(
    changes: impl IntoIterator<Item = (NaiveDate, &'a str, &'a str)>,
    referral_date: NaiveDate,
) -> Vec<HistoryLine> {
    let mut sent = false;
    let mut lines = Vec::new();
    for (on, action, detail) in changes {
        if let Some(step) = HistoryStep::from_audit(action, detail, sent) {
            sent |= matches!(step, HistoryStep::Sent);
            // The first submission is the referral date, whatever day the record was written
            // (a referral entered later, or moved from another system, keeps its own date).
            let on = if step == HistoryStep::Sent {
                referral_date
            } else {
                on
            };
            lines.push(HistoryLine {
                step,
                on,
                days_since_referral: (on - referral_date).num_days(),
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn mn_dec_1_an_answer_to_a_request_counts_from_the_first_referral_date() {
        let lines = referral_history(
            [
                (d("2026-11-02"), "referral.update", ""),
                (d("2026-11-02"), "referral.submit", ""),
                (d("2026-11-03"), "referral.view", ""),
                (d("2026-11-05"), "referral.decide", "ask_for_information"),
                (d("2026-11-12"), "referral.submit", ""),
                (d("2026-11-13"), "referral.waiting_for_evidence", "waiting"),
                (d("2026-11-16"), "referral.waiting_for_evidence", "arrived"),
                (d("2026-11-17"), "referral.decide", "accept"),
            ],
            d("2026-11-02"),
        );
        let got: Vec<_> = lines
            .iter()
            .map(|l| (l.step, l.days_since_referral))
            .collect();
        assert_eq!(
            got,
            vec![
                (HistoryStep::Sent, 0),
                (HistoryStep::AskedForInformation, 3),
                (HistoryStep::Answered, 10),
                (HistoryStep::WaitingForEvidence, 11),
                (HistoryStep::EvidenceArrived, 14),
                (HistoryStep::Accepted, 15),
            ]
        );
    }

    #[test]
    fn mn_dec_2_a_decline_is_a_step_and_views_are_not() {
        let lines = referral_history(
            [
                (d("2026-11-02"), "referral.submit", ""),
                (d("2026-11-04"), "referral.letter", ""),
                (d("2026-11-04"), "referral.decide", "decline"),
            ],
            d("2026-11-02"),
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].step, HistoryStep::Declined);
        assert_eq!(lines[1].days_since_referral, 2);
    }
}
