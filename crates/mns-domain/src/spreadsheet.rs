//! Cells for a spreadsheet. A CSV file is opened in Excel or LibreOffice, which run a cell that
//! starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return): a name typed by a
//! school as `=HYPERLINK(…)` would run on the coordinator's computer. Such a cell is written
//! with a leading apostrophe, which spreadsheets show as text (OWASP's advice on CSV injection).
//!
//! [`ods`] writes the same rows as an OpenDocument spreadsheet (issue 17), where every text
//! cell is a string cell: a spreadsheet never runs it, so no apostrophe is needed.

use std::borrow::Cow;
use std::io::Write;

/// `text` as a cell no spreadsheet will run as a formula.
pub fn safe_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// The OpenDocument spreadsheet media type.
pub const ODS_MEDIA_TYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot carry are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `rows` as an OpenDocument spreadsheet with one sheet named `sheet`: the first row bold as a
/// header is not styled (no styles part), cells that are plain numbers are number cells, and
/// everything else is a string cell. The package is the smallest LibreOffice and Excel open:
/// `mimetype` first and stored, a manifest, and the content.
pub fn ods(sheet: &str, rows: &[Vec<String>]) -> Vec<u8> {
    let mut content = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet>",
    );
    content.push_str(&format!(
        "<table:table table:name=\"{}\">",
        xml_escape(sheet)
    ));
    for row in rows {
        content.push_str("<table:table-row>");
        for cell in row {
            let number = cell
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && !cell.starts_with('+') && !cell.contains(['e', 'E']));
            match number {
                Some(n) => content.push_str(&format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{}</text:p></table:table-cell>",
                    xml_escape(cell)
                )),
                None => content.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                    xml_escape(cell)
                )),
            }
        }
        content.push_str("</table:table-row>");
    }
    content.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
        </manifest:manifest>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    // Writing to memory cannot fail but for a bug: an empty file then, not a panic.
    let written = (|| -> zip::result::ZipResult<Vec<u8>> {
        zip.start_file("mimetype", stored)?;
        zip.write_all(ODS_MEDIA_TYPE.as_bytes())?;
        zip.start_file("META-INF/manifest.xml", stored)?;
        zip.write_all(manifest.as_bytes())?;
        zip.start_file("content.xml", stored)?;
        zip.write_all(content.as_bytes())?;
        Ok(zip.finish()?.into_inner())
    })();
    written.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_written_as_an_ods_that_reads_back() {
        let rows = vec![
            vec!["Pupil".to_string(), "Days".to_string()],
            vec!["=HYPERLINK(\"x\") & <b>".to_string(), "12".to_string()],
            vec!["fewer than 5".to_string(), "-3.5".to_string()],
        ];
        let bytes = ods("Section 19", &rows);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        // The mimetype comes first, stored, as the OpenDocument standard requires.
        {
            let mut first = archive.by_index(0).unwrap();
            assert_eq!(first.name().unwrap(), "mimetype");
            assert_eq!(first.compression(), zip::CompressionMethod::Stored);
            let mut text = String::new();
            std::io::Read::read_to_string(&mut first, &mut text).unwrap();
            assert_eq!(text, ODS_MEDIA_TYPE);
        }
        let mut content = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("content.xml").unwrap(), &mut content)
            .unwrap();
        assert!(content.contains("table:name=\"Section 19\""));
        assert!(content.contains(
            "office:value-type=\"string\"><text:p>=HYPERLINK(&quot;x&quot;) &amp; &lt;b&gt;</text:p>"
        ));
        assert!(content.contains("office:value-type=\"float\" office:value=\"12\""));
        assert!(content.contains("office:value=\"-3.5\""));
        assert!(archive.by_name("META-INF/manifest.xml").is_ok());
    }

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
