//! The JSON format: [`Report`] as one pretty-printed object.

use super::Report;
use std::io::{self, Write};

/// Serialises a report, with a trailing newline.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("a report always serialises");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes a report to `out` as it is serialised, with a trailing newline: a corpus with many
/// findings makes a report of hundreds of megabytes, which need not be held whole.
pub fn write(report: &Report, out: impl Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, report).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}
