//! Letters as PDF: decision letters, planning records, End of Provision letters.
//!
//! A letter is a list of blocks (headings, paragraphs, label–value lines) laid out on A4 in
//! Helvetica, one of the PDF standard fonts every reader has, so nothing is embedded and no font
//! file is needed at build or run time. Text is wrapped by Helvetica's published character
//! widths and encoded as WinAnsi (so "£" and "é" print); other characters become "?".

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// One block of a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading, in bold.
    Heading(String),
    /// A paragraph, wrapped to the page.
    Paragraph(String),
    /// A label and its value on one line (wrapped if long), e.g. "Date of birth: 3 May 2014".
    Field(String, String),
    /// A bulleted list item.
    Bullet(String),
    /// Vertical space.
    Gap,
}

/// A letter: who it is from, its date and title, and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The council's name, printed at the top of every page.
    pub council: String,
    /// The service's name under it.
    pub service: String,
    /// The letter's date, as written ("22 November 2026").
    pub date: String,
    /// The title, e.g. "Decision on a Medical Needs referral".
    pub title: String,
    /// The body.
    pub blocks: Vec<Block>,
}

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 64.0;
const BODY_SIZE: f32 = 11.0;
const LEADING: f32 = 15.0;

/// Helvetica's widths (per 1000 units of font size) for characters 32 to 126.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// The width of `text` in points at `size`; bold is about 6% wider.
fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c as u32 {
            code @ 32..=126 => u32::from(HELVETICA[(code - 32) as usize]),
            _ => 556,
        })
        .sum();
    let width = units as f32 * size / 1000.0;
    if bold { width * 1.06 } else { width }
}

/// Splits `text` into lines no wider than `width`.
fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size, bold) <= width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            }
        }
        lines.push(line);
    }
    lines
}

/// Encodes text for a WinAnsi-encoded standard font.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{2022}' => 0x95,
            '\u{20ac}' => 0x80,
            _ => b'?',
        })
        .collect()
}

struct Layout {
    pages: Vec<Content>,
    y: f32,
    header: (String, String),
}

impl Layout {
    fn new_page(&mut self) {
        let mut content = Content::new();
        content.begin_text();
        content.set_font(Name(b"F2"), 14.0);
        content.next_line(MARGIN, PAGE_HEIGHT - MARGIN);
        content.show(Str(&win_ansi(&self.header.0)));
        content.set_font(Name(b"F1"), 10.0);
        content.next_line(0.0, -16.0);
        content.show(Str(&win_ansi(&self.header.1)));
        content.end_text();
        self.pages.push(content);
        self.y = PAGE_HEIGHT - MARGIN - 52.0;
    }

    fn line(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        if self.y < MARGIN + LEADING {
            self.new_page();
        }
        let y = self.y;
        if let Some(content) = self.pages.last_mut() {
            content.begin_text();
            content.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
            content.next_line(MARGIN + indent, y);
            content.show(Str(&win_ansi(text)));
            content.end_text();
        }
        self.y -= if size > BODY_SIZE {
            size + 8.0
        } else {
            LEADING
        };
    }

    fn wrapped(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        for line in wrap(text, size, bold, PAGE_WIDTH - 2.0 * MARGIN - indent) {
            self.line(&line, size, bold, indent);
        }
    }
}

/// Lays the letter out and returns the PDF's bytes.
pub fn render(letter: &Letter) -> Vec<u8> {
    let mut layout = Layout {
        pages: Vec::new(),
        y: 0.0,
        header: (letter.council.clone(), letter.service.clone()),
    };
    layout.new_page();
    layout.line(&letter.date, BODY_SIZE, false, 0.0);
    layout.y -= 8.0;
    layout.wrapped(&letter.title, 16.0, true, 0.0);
    layout.y -= 4.0;
    for block in &letter.blocks {
        match block {
            Block::Heading(text) => {
                layout.y -= 6.0;
                layout.wrapped(text, 12.5, true, 0.0);
            }
            Block::Paragraph(text) => {
                layout.wrapped(text, BODY_SIZE, false, 0.0);
                layout.y -= 5.0;
            }
            Block::Field(label, value) => {
                layout.wrapped(&format!("{label}: {value}"), BODY_SIZE, false, 0.0);
            }
            Block::Bullet(text) => {
                let lines = wrap(text, BODY_SIZE, false, PAGE_WIDTH - 2.0 * MARGIN - 14.0);
                for (i, line) in lines.iter().enumerate() {
                    if i == 0 {
                        layout.line("\u{2022}", BODY_SIZE, false, 2.0);
                        layout.y += LEADING;
                    }
                    layout.line(line, BODY_SIZE, false, 14.0);
                }
            }
            Block::Gap => layout.y -= LEADING,
        }
    }

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let count = layout.pages.len();
    let page_ids: Vec<Ref> = (0..count).map(|i| Ref::new(5 + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(count as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (i, (content, id)) in layout.pages.into_iter().zip(&page_ids).enumerate() {
        let content_id = Ref::new(6 + 2 * i as i32);
        let mut page = pdf.page(*id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        fonts.finish();
        resources.finish();
        page.finish();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(paragraphs: usize) -> Letter {
        Letter {
            council: "Norfolk County Council".into(),
            service: "Medical Needs Service".into(),
            date: "22 November 2026".into(),
            title: "Decision on a Medical Needs referral".into(),
            blocks: (0..paragraphs)
                .map(|n| {
                    Block::Paragraph(format!(
                        "Paragraph {n}: the pupil's referral was accepted. Costs £0."
                    ))
                })
                .collect(),
        }
    }

    #[test]
    fn a_letter_is_a_pdf_with_its_text() {
        let bytes = render(&letter(2));
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("Decision on a Medical Needs referral"));
        assert!(text.contains("/Helvetica-Bold"));
    }

    #[test]
    fn long_letters_flow_onto_more_pages() {
        let text = String::from_utf8_lossy(&render(&letter(120))).into_owned();
        assert!(
            text.contains("/Count 4") || text.contains("/Count 5") || text.contains("/Count 3"),
            "several pages"
        );
    }

    #[test]
    fn lines_wrap_within_the_page() {
        let long = "word ".repeat(200);
        for line in wrap(&long, BODY_SIZE, false, 400.0) {
            assert!(text_width(&line, BODY_SIZE, false) <= 400.0);
        }
    }

    #[test]
    fn pound_signs_and_smart_quotes_are_encoded() {
        assert_eq!(
            win_ansi("£5 \u{2019}ok\u{2019} \u{1f600}"),
            vec![0xa3, b'5', b' ', 0x92, b'o', b'k', 0x92, b' ', b'?']
        );
    }
}

/// Writes sample letters to `target/letters/` for a person (or `scripts/check-letters.sh`, which
/// turns them into PNG pages with `pdftoppm`) to look at: `cargo test -p mns-app
/// write_sample_letters -- --ignored`.
#[cfg(test)]
#[test]
#[ignore = "writes files for a person to look at"]
fn write_sample_letters() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/letters");
    std::fs::create_dir_all(&dir).unwrap();
    let letter = Letter {
        council: "Norfolk County Council".into(),
        service: "Medical Needs Service".into(),
        date: "22 November 2026".into(),
        title: "Decision on a Medical Needs referral".into(),
        blocks: vec![
            Block::Field("Pupil".into(), "Amelia Barnes".into()),
            Block::Field("School".into(), "Wensum Valley Primary School".into()),
            Block::Field("Referral received".into(), "10 November 2026".into()),
            Block::Gap,
            Block::Heading("Our decision".into()),
            Block::Paragraph("We have accepted this referral. The school will now arrange an initial planning meeting with the family, the school and the health professional who gave the evidence.".into()),
            Block::Heading("What happens next".into()),
            Block::Bullet("The school arranges the planning meeting within 10 school days.".into()),
            Block::Bullet("Until provision starts, the school keeps supporting the pupil's learning and doing welfare checks, as the referral records.".into()),
            Block::Paragraph("If you have questions, contact the Medical Needs Coordinator, Alex Morgan, at medicalneeds@norfolk.gov.uk.".into()),
        ],
    };
    std::fs::write(dir.join("decision.pdf"), render(&letter)).unwrap();
}
