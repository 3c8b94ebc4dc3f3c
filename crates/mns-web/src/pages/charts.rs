//! Charts drawn on the server as SVG (issue 17): no JavaScript, and accessible. Each chart is
//! an image with a title and a description that gives every value in words, and the page puts
//! the same figures in a table beside it, so nothing is only in the picture.

use std::fmt::Write;

/// One bar: its label and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What the bar is.
    pub label: String,
    /// How long it is.
    pub value: f64,
    /// The value as the page writes it (a count, hours, a percentage).
    pub shown: String,
}

/// Escapes text for SVG (XML) content and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart as an SVG element. `id` names its title and description for
/// `aria-labelledby`; the bars are in GOV.UK blue, labelled on the left with the value at the
/// end of each bar, so the chart reads without colour.
pub fn bar_chart(id: &str, title: &str, bars: &[Bar]) -> String {
    const LABEL_WIDTH: f64 = 220.0;
    const BAR_SPACE: f64 = 300.0;
    const ROW: f64 = 32.0;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let height = ROW * bars.len().max(1) as f64 + 8.0;
    let width = LABEL_WIDTH + BAR_SPACE + 80.0;
    let description = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"app-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" focusable=\"false\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(&description)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = ROW * i as f64 + 4.0;
        let length = if max > 0.0 {
            (bar.value / max * BAR_SPACE).max(if bar.value > 0.0 { 2.0 } else { 0.0 })
        } else {
            0.0
        };
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-family=\"arial, sans-serif\" font-size=\"16\" fill=\"#0b0c0c\">{}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{length:.1}\" height=\"{h}\" fill=\"#1d70b8\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" font-family=\"arial, sans-serif\" font-size=\"16\" fill=\"#0b0c0c\">{}</text>",
            escape(&bar.label),
            escape(&bar.shown),
            lx = LABEL_WIDTH - 8.0,
            ty = y + 19.0,
            h = ROW - 8.0,
            vx = LABEL_WIDTH + length + 6.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_names_every_value_in_its_description_and_escapes_labels() {
        let bars = [
            Bar {
                label: "Up to 7 days".into(),
                value: 4.0,
                shown: "4".into(),
            },
            Bar {
                label: "<script>".into(),
                value: 0.0,
                shown: "0".into(),
            },
        ];
        let svg = bar_chart("days", "Days & weeks", &bars);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\" aria-labelledby=\"days-title days-desc\""));
        assert!(svg.contains("<title id=\"days-title\">Days &amp; weeks</title>"));
        assert!(svg.contains("<desc id=\"days-desc\">Up to 7 days: 4; &lt;script&gt;: 0</desc>"));
        assert!(!svg.contains("<script>"));
        // The longest bar fills the space; a zero bar has no length.
        assert!(svg.contains("width=\"300.0\""));
        assert!(svg.contains("width=\"0.0\""));
    }
}
