//! Whether an upload is really what its name says, read as a whole: a PDF must parse as a PDF
//! with at least one page, an image must decode, a Word document must be the container Word
//! writes with its main part inside. Checking only the first bytes let through a web page that
//! starts `%PDF-`; these readers do not.
//!
//! The readers are maintained parsers (lopdf, png, zune-jpeg, zip, cfb), run on bytes in
//! memory. Input is hostile by assumption, so each runs behind `catch_unwind`: a reader that
//! panics refuses the file instead of taking the request down.

use crate::documents::DocumentKind;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The most pixels an uploaded image may decode to (a 600 dpi A4 scan is about 35 million).
const MAX_IMAGE_PIXELS: usize = 60_000_000;

/// Whether `bytes` hold a whole, readable file of `kind`. CSV is text, checked elsewhere.
pub fn is_well_formed(kind: DocumentKind, bytes: &[u8]) -> bool {
    catch_unwind(AssertUnwindSafe(|| match kind {
        DocumentKind::Pdf => pdf(bytes),
        DocumentKind::Png => png_image(bytes),
        DocumentKind::Jpeg => jpeg_image(bytes),
        DocumentKind::Docx => docx(bytes),
        DocumentKind::Doc => doc(bytes),
        DocumentKind::Csv => true,
    }))
    .unwrap_or(false)
}

fn pdf(bytes: &[u8]) -> bool {
    // A PDF ends with `startxref`, the offset and `%%EOF` (ISO 32000-1, 7.5.5). lopdf forgives
    // a file cut short by rebuilding its table from the objects it finds, so a download that
    // stopped half-way is caught here.
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let ends_well =
        tail.windows(9).any(|w| w == b"startxref") && tail.windows(5).any(|w| w == b"%%EOF");
    ends_well && lopdf::Document::load_mem(bytes).is_ok_and(|doc| !doc.get_pages().is_empty())
}

fn png_image(bytes: &[u8]) -> bool {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_limits(png::Limits {
        bytes: MAX_IMAGE_PIXELS * 4,
    });
    let Ok(mut reader) = decoder.read_info() else {
        return false;
    };
    let Some(size) = reader.output_buffer_size() else {
        return false;
    };
    let mut buffer = vec![0; size];
    reader.next_frame(&mut buffer).is_ok()
}

fn jpeg_image(bytes: &[u8]) -> bool {
    use zune_jpeg::zune_core::options::DecoderOptions;
    let side = 30_000;
    let options = DecoderOptions::default()
        .set_max_width(side)
        .set_max_height(side);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(Cursor::new(bytes), options);
    if decoder.decode_headers().is_err() {
        return false;
    }
    match decoder.dimensions() {
        Some((w, h)) if w.saturating_mul(h) <= MAX_IMAGE_PIXELS => decoder.decode().is_ok(),
        _ => false,
    }
}

fn docx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes))
        .is_ok_and(|archive| archive.index_for_name("word/document.xml").is_some())
}

fn doc(bytes: &[u8]) -> bool {
    cfb::CompoundFile::open(Cursor::new(bytes)).is_ok_and(|file| file.is_stream("/WordDocument"))
}
