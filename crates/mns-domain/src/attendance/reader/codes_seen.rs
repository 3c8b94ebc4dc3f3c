//! Marks an import read but did not take at face value: retired codes, read as their 2024
//! replacements, and unknown codes, left out. Neither stops an import; both are reported so the
//! school and the coordinator can see what was done.

use std::collections::HashMap;

use serde::Serialize;

use super::super::{AttendanceCode, RetiredCode};

/// How many line numbers are listed for each unknown code; the rest are only counted.
const MAX_LINES_LISTED: usize = 20;

/// How much of an unknown mark's text is kept, so a stray paragraph in a mark cell does not
/// fill the report.
const MAX_CODE_CHARS: usize = 12;

/// A retired code the export used, and what it was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetiredCodeSeen {
    /// The retired code.
    pub code: RetiredCode,
    /// The 2024 code its sessions were read as.
    pub read_as: AttendanceCode,
    /// How many sessions had it.
    pub count: u64,
}

/// A mark that is no attendance code, past or present. Its sessions were left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownCodeSeen {
    /// The mark as written (trimmed, and cut short if long).
    pub code: String,
    /// How many cells had it.
    pub count: u64,
    /// The lines it was on, the first twenty (a line appears once even if several of its cells
    /// had the mark).
    pub lines: Vec<u64>,
}

/// The retired and unknown codes met so far.
#[derive(Debug, Default)]
pub(super) struct CodesSeen {
    retired: [u64; RetiredCode::ALL.len()],
    unknown: Vec<UnknownCodeSeen>,
    unknown_index: HashMap<Vec<u8>, usize>,
}

impl CodesSeen {
    /// Counts a session marked with a retired code.
    pub(super) fn retired(&mut self, code: RetiredCode) {
        let position = RetiredCode::ALL.iter().position(|c| *c == code);
        if let Some(count) = position.and_then(|position| self.retired.get_mut(position)) {
            *count = count.saturating_add(1);
        }
    }

    /// Counts a cell holding an unknown mark, on `line`.
    pub(super) fn unknown(&mut self, raw: &[u8], line: u64) {
        let text = raw.trim_ascii();
        let index = match self.unknown_index.get(text) {
            Some(index) => *index,
            None => {
                let code: String = String::from_utf8_lossy(text)
                    .chars()
                    .take(MAX_CODE_CHARS)
                    .collect();
                self.unknown.push(UnknownCodeSeen {
                    code,
                    count: 0,
                    lines: Vec::new(),
                });
                let index = self.unknown.len() - 1;
                self.unknown_index.insert(text.to_vec(), index);
                index
            }
        };
        if let Some(seen) = self.unknown.get_mut(index) {
            seen.count = seen.count.saturating_add(1);
            if seen.lines.len() < MAX_LINES_LISTED && seen.lines.last() != Some(&line) {
                seen.lines.push(line);
            }
        }
    }

    /// The report: retired codes in code order (only those seen), unknown codes in the order
    /// first met.
    pub(super) fn into_report(self) -> (Vec<RetiredCodeSeen>, Vec<UnknownCodeSeen>) {
        let retired = RetiredCode::ALL
            .into_iter()
            .zip(self.retired)
            .filter(|(_, count)| *count > 0)
            .map(|(code, count)| RetiredCodeSeen {
                code,
                read_as: code.replacement(),
                count,
            })
            .collect();
        (retired, self.unknown)
    }
}
