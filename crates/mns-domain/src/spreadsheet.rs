//! Cells for a spreadsheet. A CSV file is opened in Excel or LibreOffice, which run a cell that
//! starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return): a name typed by a
//! school as `=HYPERLINK(…)` would run on the coordinator's computer. Such a cell is written
//! with a leading apostrophe, which spreadsheets show as text (OWASP's advice on CSV injection).

use std::borrow::Cow;

/// `text` as a cell no spreadsheet will run as a formula.
pub fn safe_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_starts_like_a_formula_is_neutralised() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            let safe = safe_cell(formula);
            assert!(safe.starts_with('\''), "{formula:?}");
            assert_eq!(&safe[1..], formula);
        }
        for text in [
            "Amelia Barnes",
            "",
            "12 days",
            "O'Neil",
            "Wensum Valley (=)",
        ] {
            assert_eq!(safe_cell(text), text);
        }
    }
}
