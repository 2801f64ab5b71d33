//! The JSON format: [`Report`] as one pretty-printed object.

use super::Report;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};

/// Serialises a report, with a trailing newline.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("a report always serialises");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes a report to `out` as it is serialised, with a trailing newline: a corpus with many
/// findings makes a report of hundreds of megabytes, which need not be held whole.
///
/// The lists are serialised in parallel, a few thousand entries at a time, each batch while the
/// one before it is written out: the bytes are those `serde_json::to_writer_pretty` writes (a
/// test checks it). The 111 MB report of the 10k bench corpus takes 0.16–0.20 s on two threads.
pub fn write(report: &Report, out: impl Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    // The report with its lists empty: every `"name": []` of it is where a list goes.
    let skeleton = serde_json::to_string_pretty(&Report {
        version: report.version,
        ..Report::empty(report.params.clone())
    })
    .map_err(io::Error::from)?;
    let mut rest = skeleton.as_str();
    write_list(&mut rest, "documents", &mut out, &report.documents)?;
    write_list(
        &mut rest,
        "near_duplicates",
        &mut out,
        &report.near_duplicates,
    )?;
    write_list(&mut rest, "clusters", &mut out, &report.clusters)?;
    write_list(&mut rest, "repeats", &mut out, &report.repeats)?;
    write_list(&mut rest, "overlaps", &mut out, &report.overlaps)?;
    write_list(&mut rest, "boilerplate", &mut out, &report.boilerplate)?;
    write_list(&mut rest, "warnings", &mut out, &report.warnings)?;
    out.write_all(rest.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Entries serialised per parallel step: enough to share out, few enough to keep memory small.
const STEP: usize = 4096;

/// Entries serialised by one job of a step.
const JOB: usize = 64;

/// Writes `skeleton` up to its empty list `name`, then `items` in its place, indented as the
/// pretty printer indents a list of the report object; moves `skeleton` past the list.
///
/// Each step is serialised in parallel while the step before it is written out.
fn write_list<T: Serialize + Sync>(
    skeleton: &mut &str,
    name: &str,
    out: &mut dyn Write,
    items: &[T],
) -> io::Result<()> {
    // A key of the top level follows a newline and two spaces; a newline inside a string is
    // escaped, so the key cannot match there.
    let key = format!("\n  \"{name}\": ");
    let at = skeleton.find(&key).expect("the skeleton has every list") + key.len();
    out.write_all(&skeleton.as_bytes()[..at])?;
    *skeleton = skeleton[at..].strip_prefix("[]").expect("an empty list");
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let mut steps = items.chunks(STEP);
    let mut ready = render_step(steps.next().expect("a non-empty list"));
    // No comma before the list's first entry.
    ready[0].remove(0);
    for step in steps {
        let done = std::mem::take(&mut ready);
        // In place: the writer need not move to another thread.
        rayon::in_place_scope(|s| {
            s.spawn(|_| ready = render_step(step));
            done.iter().try_for_each(|buf| out.write_all(buf))
        })?;
    }
    ready.iter().try_for_each(|buf| out.write_all(buf))?;
    out.write_all(b"\n  ]")
}

/// `step`'s entries as the pretty printer writes them in a list of the report object: each
/// after a comma and a newline, every line of it indented by four more spaces than on its own.
fn render_step<T: Serialize + Sync>(step: &[T]) -> Vec<Vec<u8>> {
    /// An object holding one list: the pretty printer writes the list's entries two levels
    /// deep, as the report's lists are, so only the object's head and tail need cutting off.
    #[derive(Serialize)]
    struct Nested<'a, T> {
        l: &'a [T],
    }
    const HEAD: &[u8] = b"{\n  \"l\": [";
    const TAIL: &[u8] = b"\n  ]\n}";
    step.par_chunks(JOB)
        .map(|entries| {
            let mut buf = serde_json::to_vec_pretty(&Nested { l: entries })
                .expect("report entries serialise");
            debug_assert!(buf.starts_with(HEAD) && buf.ends_with(TAIL));
            buf.truncate(buf.len() - TAIL.len());
            // The head's last byte becomes the comma before the first entry.
            buf.drain(..HEAD.len() - 1);
            buf[0] = b',';
            buf
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report of the seed documents.
    fn seeds_report() -> Report {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let config = crate::Config::builder().threshold(0.8).build().unwrap();
        crate::pipeline::run(&[dir], &config).unwrap().0
    }

    #[test]
    fn writes_what_the_pretty_printer_writes() {
        let report = seeds_report();
        assert!(!report.overlaps.is_empty() && !report.boilerplate.is_empty());
        let expected = serde_json::to_string_pretty(&report).unwrap() + "\n";
        assert_eq!(render(&report), expected);
        // Lists of a step, one entry more, and several steps; a report with every list empty.
        let mut long = report.clone();
        long.warnings = vec!["a \"quoted\"\nline".into(); 3];
        let one = report.overlaps[0].clone();
        for len in [STEP, STEP + 1, 2 * STEP + JOB + 1] {
            long.overlaps = vec![one.clone(); len];
            assert_eq!(
                render(&long),
                serde_json::to_string_pretty(&long).unwrap() + "\n",
                "{len} entries"
            );
        }
        long.documents.clear();
        long.near_duplicates.clear();
        long.clusters.clear();
        long.repeats.clear();
        long.overlaps.clear();
        long.boilerplate.clear();
        long.warnings.clear();
        assert_eq!(
            render(&long),
            serde_json::to_string_pretty(&long).unwrap() + "\n"
        );
    }

    /// A writer that takes `room` bytes, then fails.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::other("disk full"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_is_an_error_wherever_it_fails() {
        let mut report = seeds_report();
        report.overlaps = vec![report.overlaps[0].clone(); 3 * STEP];
        let size = render(&report).len();
        // In the skeleton, in the first step, in a step written while the next is rendered.
        for room in [10, size / 10, size / 2, size - 1] {
            let err = write(&report, Full { room }).expect_err("the writer fails");
            assert_eq!(err.to_string(), "disk full", "room {room}");
        }
        write(&report, Full { room: size }).expect("room enough");
    }
}
