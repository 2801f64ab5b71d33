//! The JSON format: [`Report`] as one pretty-printed object.

use super::Report;

/// Serialises a report, with a trailing newline.
pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("a report always serialises");
    s.push('\n');
    s
}
