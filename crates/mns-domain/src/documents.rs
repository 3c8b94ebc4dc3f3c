//! Documents attached to a child's record (medical evidence, letters, plans): which kinds are
//! accepted, how an upload's contents are checked against its name, and how a download is named
//! safely.
//!
//! A file is accepted only when its extension names a kind the service takes *and* its first
//! bytes are that kind's signature, so a renamed executable or a web page called `letter.pdf`
//! is refused with a message naming the file. The name a user gave is kept for display, cleaned
//! of anything that could escape a header or a folder ([`clean_filename`]), and a download
//! always carries a `Content-Disposition` built here ([`content_disposition`]).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The upload limit the service uses unless configured otherwise: 20 MB.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 20 * MIB;

/// The longest name, in characters, that is kept for a document.
const MAX_NAME_CHARS: usize = 150;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// The kinds of document the service accepts. The string forms are stable: they are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A PDF (`.pdf`).
    Pdf,
    /// A PNG image (`.png`).
    Png,
    /// A JPEG image (`.jpg` or `.jpeg`).
    Jpeg,
    /// A Word document (`.docx`).
    Docx,
    /// A Word 97-2003 document (`.doc`).
    Doc,
    /// A CSV file in UTF-8 (`.csv`).
    Csv,
}

/// What a document belongs to: its owner's kind, stored beside it and named in the audit trail.
/// Who may read or add documents is decided per kind of owner (the application's
/// `may_use_documents`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentOwner {
    /// A pupil's record.
    Pupil,
    /// A referral (medical evidence, healthcare plans).
    Referral,
    /// A referral's attendance export (the herringbone, MN-REF-4).
    ReferralAttendance,
    /// A case's attendance export during provision (MN-PROV-6).
    CaseAttendance,
    /// The document a health professional uploaded with their evidence on a referral (the
    /// record id is the referral's), held encrypted until they confirm their answers, when it
    /// becomes the referral's; nobody reads it before (MN-EV-1).
    PendingEvidence,
}

impl DocumentOwner {
    /// Every kind of owner.
    pub const ALL: [DocumentOwner; 5] = [
        DocumentOwner::Pupil,
        DocumentOwner::Referral,
        DocumentOwner::ReferralAttendance,
        DocumentOwner::CaseAttendance,
        DocumentOwner::PendingEvidence,
    ];

    /// The stored form (also the audit trail's record type).
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentOwner::Pupil => "pupil",
            DocumentOwner::Referral => "referral",
            DocumentOwner::ReferralAttendance => "referral_attendance",
            DocumentOwner::CaseAttendance => "case_attendance",
            DocumentOwner::PendingEvidence => "pending_evidence",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<DocumentOwner> {
        DocumentOwner::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// Why an upload was refused. Each message names the file, in plain English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The name's extension is not one the service accepts.
    #[error(
        "{name} must be a PDF, a PNG or JPEG image, a Word document (.docx or .doc) or a CSV file"
    )]
    UnsupportedType {
        /// The file's cleaned name, or "The selected file".
        name: String,
    },
    /// The file has no contents.
    #[error("{name} is empty")]
    Empty {
        /// The file's cleaned name, or "The selected file".
        name: String,
    },
    /// The file is over the size limit.
    #[error("{name} must be {} or smaller", describe_size(*max_bytes))]
    TooLarge {
        /// The file's cleaned name, or "The selected file".
        name: String,
        /// The limit, in bytes.
        max_bytes: usize,
    },
    /// The contents are not what the extension says.
    #[error("{name} is not {}: its contents do not match its name", kind.with_article())]
    ContentMismatch {
        /// The file's cleaned name, or "The selected file".
        name: String,
        /// The kind its extension claims.
        kind: DocumentKind,
    },
    /// The first bytes are right but the whole file does not read as its kind: damaged,
    /// password-protected, or something else dressed up (a web page starting `%PDF-`).
    #[error(
        "{name} could not be opened as {}: it may be damaged or password-protected. Save it again (or scan it again) and upload the new file",
        kind.with_article()
    )]
    Unreadable {
        /// The file's cleaned name, or "The selected file".
        name: String,
        /// The kind its extension claims.
        kind: DocumentKind,
    },
    /// A `.csv` file that is not UTF-8 text (often a CSV saved by Excel in a Windows encoding).
    #[error("{name} is not a CSV file in UTF-8: save it as \"CSV UTF-8\" and upload it again")]
    CsvNotUtf8 {
        /// The file's cleaned name, or "The selected file".
        name: String,
    },
}

impl DocumentKind {
    /// Every kind, in the order they are listed to people.
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::Pdf,
        DocumentKind::Png,
        DocumentKind::Jpeg,
        DocumentKind::Docx,
        DocumentKind::Doc,
        DocumentKind::Csv,
    ];

    /// Decides what an upload is: the extension of `filename` (any case) names the kind, and
    /// `bytes` must start with that kind's signature. Empty files and files over `max_bytes`
    /// are refused.
    pub fn sniff(
        filename: &str,
        bytes: &[u8],
        max_bytes: usize,
    ) -> Result<DocumentKind, DocumentError> {
        let cleaned = cleaned_name(filename);
        let name = cleaned
            .clone()
            .unwrap_or_else(|| "The selected file".to_string());
        let Some(kind) = cleaned.as_deref().and_then(DocumentKind::from_filename) else {
            return Err(DocumentError::UnsupportedType { name });
        };
        if bytes.is_empty() {
            return Err(DocumentError::Empty { name });
        }
        if bytes.len() > max_bytes {
            return Err(DocumentError::TooLarge { name, max_bytes });
        }
        if kind == DocumentKind::Csv {
            if bytes.contains(&0) || std::str::from_utf8(bytes).is_err() {
                return Err(DocumentError::CsvNotUtf8 { name });
            }
        } else if !kind.signature_matches(bytes) {
            return Err(DocumentError::ContentMismatch { name, kind });
        } else if !crate::document_structure::is_well_formed(kind, bytes) {
            return Err(DocumentError::Unreadable { name, kind });
        }
        Ok(kind)
    }

    /// The kind a file name claims by its extension (any case), if the service takes it.
    pub fn from_filename(filename: &str) -> Option<DocumentKind> {
        let (_, extension) = filename.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "pdf" => Some(DocumentKind::Pdf),
            "png" => Some(DocumentKind::Png),
            "jpg" | "jpeg" => Some(DocumentKind::Jpeg),
            "docx" => Some(DocumentKind::Docx),
            "doc" => Some(DocumentKind::Doc),
            "csv" => Some(DocumentKind::Csv),
            _ => None,
        }
    }

    /// Whether `bytes` start the way this kind of file does. CSV has no signature: it is
    /// UTF-8 text without NUL bytes.
    fn signature_matches(self, bytes: &[u8]) -> bool {
        match self {
            DocumentKind::Pdf => bytes.starts_with(b"%PDF-"),
            DocumentKind::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            DocumentKind::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            // A .docx is a ZIP archive whose parts live under `word/`; a plain ZIP or an
            // .xlsx renamed to .docx has no such part.
            DocumentKind::Docx => {
                bytes.starts_with(b"PK\x03\x04") && bytes.windows(5).any(|w| w == b"word/")
            }
            DocumentKind::Doc => {
                bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
            }
            DocumentKind::Csv => !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok(),
        }
    }

    /// The media type a download is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            DocumentKind::Pdf => "application/pdf",
            DocumentKind::Png => "image/png",
            DocumentKind::Jpeg => "image/jpeg",
            DocumentKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocumentKind::Doc => "application/msword",
            DocumentKind::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The stored form (`pdf`, `png`, `jpeg`, `docx`, `doc`, `csv`).
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Pdf => "pdf",
            DocumentKind::Png => "png",
            DocumentKind::Jpeg => "jpeg",
            DocumentKind::Docx => "docx",
            DocumentKind::Doc => "doc",
            DocumentKind::Csv => "csv",
        }
    }

    /// Reads the stored form back.
    pub fn parse(text: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// How the kind is named to people.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Pdf => "PDF",
            DocumentKind::Png => "PNG image",
            DocumentKind::Jpeg => "JPEG image",
            DocumentKind::Docx => "Word document",
            DocumentKind::Doc => "Word 97-2003 document",
            DocumentKind::Csv => "CSV file",
        }
    }

    fn with_article(self) -> String {
        format!("a {}", self.label())
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name to keep and show for an uploaded file: only the last part of any path (browsers
/// on Windows have sent `C:\Users\…\letter.pdf`), without control characters, quotes,
/// backslashes, bidirectional overrides (which can disguise `exe.pdf` as `fdp.exe`) or leading
/// dots, and at most 150 characters with the extension kept. A name with nothing left is
/// `document`.
pub fn clean_filename(filename: &str) -> String {
    cleaned_name(filename).unwrap_or_else(|| "document".to_string())
}

fn cleaned_name(filename: &str) -> Option<String> {
    let last = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let kept: String = last.chars().filter(|&c| !is_unsafe_in_name(c)).collect();
    let trimmed = kept.trim().trim_start_matches('.').trim_start();
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.chars().count() <= MAX_NAME_CHARS {
        return Some(trimmed.to_string());
    }
    // Keep the extension (it says what the file is) and shorten the stem.
    let extension = trimmed
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| ext.chars().count() <= 8)
        .unwrap_or("");
    let stem_chars =
        MAX_NAME_CHARS - extension.chars().count() - usize::from(!extension.is_empty());
    let stem: String = trimmed.chars().take(stem_chars).collect();
    let stem = stem.trim_end();
    Some(if extension.is_empty() {
        stem.to_string()
    } else {
        format!("{stem}.{extension}")
    })
}

fn is_unsafe_in_name(c: char) -> bool {
    c.is_control()
        || matches!(c, '"' | '\\' | '/')
        // Bidirectional embeddings, overrides and isolates, and the marks.
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        // Line and paragraph separators: some software breaks lines on them.
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The `Content-Disposition` header for downloading a file called `filename`: always an
/// attachment (never shown inline, where a browser could run it), with an ASCII fallback name
/// for old clients and the full name in RFC 8187 form:
/// `attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>`.
/// The name is cleaned first ([`clean_filename`]), so no CR, LF, quote or path survives.
pub fn content_disposition(filename: &str) -> String {
    let name = clean_filename(filename);
    let fallback: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%')) || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        // RFC 8187 attr-char: everything else is percent-encoded.
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// A size as people read it: `20 MB`, `512 KB` or `100 bytes`.
fn describe_size(bytes: usize) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Real files, made by other tools: a one-page PDF, an 8×8 PNG and JPEG, a Word document.
    const PDF: &[u8] = include_bytes!("documents_fixtures/letter.pdf");
    const PNG: &[u8] = include_bytes!("documents_fixtures/scan.png");
    const JPEG: &[u8] = include_bytes!("documents_fixtures/scan.jpg");
    const DOCX: &[u8] = include_bytes!("documents_fixtures/plan.docx");

    /// A Word 97-2003 document's container with its main stream.
    fn doc() -> Vec<u8> {
        let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        std::io::Write::write_all(
            &mut file.create_stream("/WordDocument").unwrap(),
            b"\xec\xa5",
        )
        .unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }
    const CSV: &[u8] = "pupil,date,note\nAlex,2026-11-02,Café visit\n".as_bytes();
    const LIMIT: usize = DEFAULT_MAX_DOCUMENT_BYTES;

    #[test]
    fn each_kind_is_accepted_when_its_contents_match_its_extension() {
        let doc = doc();
        let cases: [(&str, &[u8], DocumentKind); 7] = [
            ("letter.pdf", PDF, DocumentKind::Pdf),
            ("scan.png", PNG, DocumentKind::Png),
            ("photo.jpg", JPEG, DocumentKind::Jpeg),
            ("photo.jpeg", JPEG, DocumentKind::Jpeg),
            ("plan.docx", DOCX, DocumentKind::Docx),
            ("old plan.doc", &doc, DocumentKind::Doc),
            ("attendance.csv", CSV, DocumentKind::Csv),
        ];
        for (name, bytes, kind) in cases {
            assert_eq!(DocumentKind::sniff(name, bytes, LIMIT), Ok(kind), "{name}");
        }
    }

    #[test]
    fn extensions_are_matched_in_any_case() {
        assert_eq!(
            DocumentKind::sniff("LETTER.PDF", PDF, LIMIT),
            Ok(DocumentKind::Pdf)
        );
        assert_eq!(
            DocumentKind::sniff("Photo.JpEg", JPEG, LIMIT),
            Ok(DocumentKind::Jpeg)
        );
    }

    #[test]
    fn contents_that_do_not_match_the_name_are_refused_naming_the_file() {
        let err = DocumentKind::sniff("notes.pdf", PNG, LIMIT).unwrap_err();
        assert_eq!(
            err.to_string(),
            "notes.pdf is not a PDF: its contents do not match its name"
        );
        let err = DocumentKind::sniff("scan.png", JPEG, LIMIT).unwrap_err();
        assert_eq!(
            err.to_string(),
            "scan.png is not a PNG image: its contents do not match its name"
        );
        assert!(DocumentKind::sniff("photo.jpg", PDF, LIMIT).is_err());
        assert!(DocumentKind::sniff("plan.doc", DOCX, LIMIT).is_err());
        assert!(DocumentKind::sniff("plan.docx", &doc(), LIMIT).is_err());
    }

    /// Issue 11: the first bytes of a kind followed by something else are refused, naming the
    /// file and what to do.
    #[test]
    fn a_file_that_only_starts_like_its_kind_is_refused() {
        let html_pdf = b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n";
        assert_eq!(
            DocumentKind::sniff("letter.pdf", html_pdf, LIMIT),
            Err(DocumentError::Unreadable {
                name: "letter.pdf".into(),
                kind: DocumentKind::Pdf
            })
        );
        assert!(
            DocumentKind::sniff("letter.pdf", html_pdf, LIMIT)
                .unwrap_err()
                .to_string()
                .starts_with("letter.pdf could not be opened as a PDF")
        );
        let mut cut_png = PNG.to_vec();
        cut_png.truncate(PNG.len() / 2);
        let mut cut_jpeg = JPEG.to_vec();
        cut_jpeg.truncate(JPEG.len() / 2);
        let mut cut_pdf = PDF.to_vec();
        cut_pdf.truncate(PDF.len() / 2);
        for (name, bytes) in [
            ("scan.png", &b"\x89PNG\r\n\x1a\n<html>"[..]),
            ("scan.png", &cut_png[..]),
            ("photo.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, b'<', b'h'][..]),
            ("photo.jpg", &cut_jpeg[..]),
            ("letter.pdf", &cut_pdf[..]),
            ("plan.docx", &b"PK\x03\x04word/document.xml<html>"[..]),
            (
                "plan.doc",
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0][..],
            ),
        ] {
            assert!(
                matches!(
                    DocumentKind::sniff(name, bytes, LIMIT),
                    Err(DocumentError::Unreadable { .. })
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn a_zip_that_is_not_a_word_document_is_refused_as_docx() {
        let xlsx = b"PK\x03\x04\x14\0\x06\0[Content_Types].xml xl/workbook.xml";
        assert!(matches!(
            DocumentKind::sniff("plan.docx", xlsx, LIMIT),
            Err(DocumentError::ContentMismatch {
                kind: DocumentKind::Docx,
                ..
            })
        ));
    }

    #[test]
    fn a_csv_must_be_utf8_text_without_nul_bytes() {
        let latin1 = b"name\nR\xe9my\n";
        let err = DocumentKind::sniff("list.csv", latin1, LIMIT).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("list.csv is not a CSV file in UTF-8")
        );
        assert!(DocumentKind::sniff("list.csv", b"a,b\0c\n", LIMIT).is_err());
        assert!(DocumentKind::sniff("list.csv", PDF, LIMIT).is_err());
    }

    #[test]
    fn other_extensions_and_names_without_one_are_refused() {
        for name in [
            "setup.exe",
            "letter",
            "letter.pdf.exe",
            "page.html",
            ".pdf",
            "",
        ] {
            assert!(
                matches!(
                    DocumentKind::sniff(name, PDF, LIMIT),
                    Err(DocumentError::UnsupportedType { .. })
                ),
                "{name}"
            );
        }
        assert_eq!(
            DocumentKind::sniff("setup.exe", PDF, LIMIT)
                .unwrap_err()
                .to_string(),
            "setup.exe must be a PDF, a PNG or JPEG image, a Word document (.docx or .doc) or a CSV file"
        );
        assert!(
            DocumentKind::sniff("", PDF, LIMIT)
                .unwrap_err()
                .to_string()
                .starts_with("The selected file must be")
        );
    }

    #[test]
    fn empty_files_are_refused() {
        assert_eq!(
            DocumentKind::sniff("letter.pdf", b"", LIMIT)
                .unwrap_err()
                .to_string(),
            "letter.pdf is empty"
        );
    }

    #[test]
    fn files_over_the_limit_are_refused_and_the_limit_itself_is_allowed() {
        let mut big = PDF.to_vec();
        big.resize(LIMIT + 1, b' ');
        assert_eq!(
            DocumentKind::sniff("letter.pdf", &big, LIMIT)
                .unwrap_err()
                .to_string(),
            "letter.pdf must be 20 MB or smaller"
        );
        big.truncate(LIMIT);
        assert!(!matches!(
            DocumentKind::sniff("letter.pdf", &big, LIMIT),
            Err(DocumentError::TooLarge { .. })
        ));
        assert!(DocumentKind::sniff("letter.pdf", PDF, 4).is_err());
    }

    #[test]
    fn error_messages_name_the_file_without_its_path_or_control_characters() {
        let err = DocumentKind::sniff("C:\\Users\\me\\notes\r\n.pdf", PNG, LIMIT).unwrap_err();
        assert_eq!(
            err.to_string(),
            "notes.pdf is not a PDF: its contents do not match its name"
        );
    }

    #[test]
    fn content_types_are_those_of_each_kind() {
        assert_eq!(DocumentKind::Pdf.content_type(), "application/pdf");
        assert_eq!(DocumentKind::Png.content_type(), "image/png");
        assert_eq!(DocumentKind::Jpeg.content_type(), "image/jpeg");
        assert_eq!(
            DocumentKind::Docx.content_type(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert_eq!(DocumentKind::Doc.content_type(), "application/msword");
        assert_eq!(DocumentKind::Csv.content_type(), "text/csv; charset=utf-8");
    }

    #[test]
    fn stored_forms_read_back() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DocumentKind::parse("exe"), None);
        for owner in DocumentOwner::ALL {
            assert_eq!(DocumentOwner::parse(owner.as_str()), Some(owner));
        }
        assert_eq!(DocumentOwner::parse("case"), None);
    }

    #[test]
    fn a_plain_name_is_kept_in_both_forms() {
        assert_eq!(
            content_disposition("letter.pdf"),
            "attachment; filename=\"letter.pdf\"; filename*=UTF-8''letter.pdf"
        );
    }

    #[test]
    fn spaces_and_non_ascii_names_are_percent_encoded_with_an_ascii_fallback() {
        assert_eq!(
            content_disposition("Zoë's letter.pdf"),
            "attachment; filename=\"Zo_'s letter.pdf\"; filename*=UTF-8''Zo%C3%AB%27s%20letter.pdf"
        );
        assert_eq!(
            content_disposition("50% plan.pdf"),
            "attachment; filename=\"50_ plan.pdf\"; filename*=UTF-8''50%25%20plan.pdf"
        );
    }

    #[test]
    fn path_separators_are_stripped_from_the_download_name() {
        assert_eq!(
            content_disposition("../../etc/passwd.csv"),
            "attachment; filename=\"passwd.csv\"; filename*=UTF-8''passwd.csv"
        );
        assert_eq!(
            content_disposition("C:\\Users\\me\\letter.pdf"),
            "attachment; filename=\"letter.pdf\"; filename*=UTF-8''letter.pdf"
        );
    }

    #[test]
    fn quotes_are_stripped_from_the_download_name() {
        assert_eq!(
            content_disposition("a\"; filename=\"evil.exe.pdf"),
            "attachment; filename=\"a; filename=evil.exe.pdf\"; filename*=UTF-8''a%3B%20filename%3Devil.exe.pdf"
        );
    }

    #[test]
    fn control_characters_are_stripped_from_the_download_name() {
        assert_eq!(
            content_disposition("let\0ter\x07\x7f.pdf"),
            "attachment; filename=\"letter.pdf\"; filename*=UTF-8''letter.pdf"
        );
        // A right-to-left override would show "invoice\u{202E}fdp.exe" as "invoiceexe.pdf".
        assert_eq!(
            content_disposition("invoice\u{202E}fdp.exe"),
            "attachment; filename=\"invoicefdp.exe\"; filename*=UTF-8''invoicefdp.exe"
        );
    }

    #[test]
    fn cr_and_lf_cannot_inject_a_header() {
        let header = content_disposition("a.pdf\r\nSet-Cookie: session=stolen");
        assert!(!header.contains('\r') && !header.contains('\n'), "{header}");
        assert_eq!(
            header,
            "attachment; filename=\"a.pdfSet-Cookie: session=stolen\"; filename*=UTF-8''a.pdfSet-Cookie%3A%20session%3Dstolen"
        );
    }

    #[test]
    fn a_name_with_nothing_left_is_called_document() {
        assert_eq!(clean_filename("../"), "document");
        assert_eq!(clean_filename(" \r\n "), "document");
        assert_eq!(clean_filename("..."), "document");
        assert_eq!(
            content_disposition(""),
            "attachment; filename=\"document\"; filename*=UTF-8''document"
        );
    }

    #[test]
    fn long_names_are_shortened_keeping_the_extension() {
        let name = format!("{}.pdf", "a".repeat(400));
        let cleaned = clean_filename(&name);
        assert_eq!(cleaned.chars().count(), 150);
        assert!(cleaned.ends_with("a.pdf"));
        let wide = format!("{}.docx", "é".repeat(400));
        assert_eq!(clean_filename(&wide).chars().count(), 150);
    }

    fn filenames() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Z0-9 ._\"'%;=/\\\\\\r\\n\\t\\x00\\x{202E}é漢-]{0,40}",
            "[a-z\\r\\n\"]{0,10}\\.(pdf|PNG|jpg|jpeg|docx|doc|csv|exe)",
        ]
    }

    fn contents() -> impl Strategy<Value = Vec<u8>> {
        let prefixes: Vec<&'static [u8]> = vec![
            b"",
            PDF,
            PNG,
            JPEG,
            DOCX,
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            b"PK\x03\x04",
        ];
        (
            proptest::sample::select(prefixes),
            proptest::collection::vec(any::<u8>(), 0..64),
        )
            .prop_map(|(prefix, rest)| [prefix, rest.as_slice()].concat())
    }

    proptest! {
        #[test]
        fn sniffing_never_panics(name in filenames(), bytes in contents(), limit in 0usize..100) {
            let _ = DocumentKind::sniff(&name, &bytes, limit);
            let _ = DocumentKind::sniff(&name, &bytes, LIMIT);
        }

        #[test]
        fn the_disposition_never_breaks_the_header(name in filenames()) {
            let header = content_disposition(&name);
            prop_assert!(!header.contains('\r') && !header.contains('\n'), "{header}");
            prop_assert!(header.is_ascii() && !header.chars().any(|c| c.is_ascii_control()), "{header}");
            // Exactly the two quotes around the fallback name, and none in the encoded name.
            prop_assert_eq!(header.matches('"').count(), 2, "{}", header);
            let (quoted, encoded) = header.split_once("; filename*=UTF-8''").unwrap();
            prop_assert!(quoted.starts_with("attachment; filename=\"") && quoted.ends_with('"'));
            prop_assert!(!encoded.contains(['"', ';', ' ', '\\']));
        }

        #[test]
        fn a_cleaned_name_keeps_no_path_or_control_characters(name in filenames()) {
            let cleaned = clean_filename(&name);
            prop_assert!(!cleaned.is_empty() && cleaned.chars().count() <= 150);
            prop_assert!(!cleaned.contains(['/', '\\', '"']) && !cleaned.chars().any(char::is_control));
        }
    }
}
