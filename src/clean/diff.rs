//! Edits, applied and shown as a unified diff.

use std::ops::Range;

/// Replace `range` of the original by `with`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Edit {
    pub(super) range: Range<usize>,
    pub(super) with: Vec<u8>,
}

pub(super) fn apply(old: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(old.len());
    let mut at = 0;
    for e in edits {
        out.extend_from_slice(&old[at..e.range.start]);
        out.extend_from_slice(&e.with);
        at = e.range.end;
    }
    out.extend_from_slice(&old[at..]);
    out
}

/// Lines of `b`, each with its terminator (`\n`, `\r\n` or `\r`).
fn split_lines(b: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        let end = match b[i] {
            b'\n' => Some(i + 1),
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                i += 1;
                Some(i + 1)
            }
            b'\r' => Some(i + 1),
            _ => None,
        };
        if let Some(end) = end {
            out.push(start..end);
            start = end;
        }
        i += 1;
    }
    if start < b.len() {
        out.push(start..b.len());
    }
    out
}

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The unified diff of `old` and `old` with `edits` applied (empty when nothing changes).
pub(super) fn unified_diff(old: &[u8], edits: &[Edit], old_name: &str, new_name: &str) -> Vec<u8> {
    let edits: Vec<&Edit> = edits
        .iter()
        .filter(|e| !(e.range.is_empty() && e.with.is_empty()))
        .collect();
    let lines = split_lines(old);
    if edits.is_empty() || lines.is_empty() {
        return Vec::new();
    }
    let line_of = |off: usize| lines.partition_point(|r| r.end <= off).min(lines.len() - 1);
    // Changes: old lines first..=last, replaced by new bytes.
    struct Change {
        first: usize,
        last: usize,
        edits: Vec<Edit>,
    }
    let mut changes: Vec<Change> = Vec::new();
    for e in edits {
        let first = line_of(e.range.start);
        let last = if e.range.is_empty() {
            first
        } else {
            line_of(e.range.end - 1)
        };
        match changes.last_mut() {
            Some(c) if first <= c.last => {
                c.last = c.last.max(last);
                c.edits.push(e.clone());
            }
            _ => changes.push(Change {
                first,
                last,
                edits: vec![e.clone()],
            }),
        }
    }
    let news: Vec<(Vec<u8>, Vec<Range<usize>>)> = changes
        .iter()
        .map(|c| {
            let base = lines[c.first].start;
            let region = &old[base..lines[c.last].end];
            let local: Vec<Edit> = c
                .edits
                .iter()
                .map(|e| Edit {
                    range: e.range.start - base..e.range.end - base,
                    with: e.with.clone(),
                })
                .collect();
            let new = apply(region, &local);
            let new_lines = split_lines(&new);
            (new, new_lines)
        })
        .collect();
    let mut out = Vec::new();
    // Names escaped: a newline in one would break the diff, an escape sequence reach the terminal.
    out.extend_from_slice(
        format!(
            "--- {}\n+++ {}\n",
            crate::report::printable(old_name),
            crate::report::printable(new_name)
        )
        .as_bytes(),
    );
    // Each diff line ends in LF: a line of a CR-only file shows its CR before it (as `git diff`
    // shows `^M`), where alone the CR made the whole hunk one line.
    let emit = |out: &mut Vec<u8>, prefix: u8, line: &[u8]| {
        out.push(prefix);
        out.extend_from_slice(line);
        if line.ends_with(b"\r") {
            out.push(b'\n');
        } else if !line.ends_with(b"\n") {
            out.extend_from_slice(b"\n\\ No newline at end of file\n");
        }
    };
    let mut delta: isize = 0; // new line numbers minus old, before the current change
    let mut i = 0;
    while i < changes.len() {
        let mut j = i;
        while j + 1 < changes.len() && changes[j + 1].first - changes[j].last <= 2 * CONTEXT + 1 {
            j += 1;
        }
        let from = changes[i].first.saturating_sub(CONTEXT);
        let to = (changes[j].last + CONTEXT).min(lines.len() - 1);
        let old_count = to - from + 1;
        let grow: isize = (i..=j)
            .map(|k| news[k].1.len() as isize - (changes[k].last - changes[k].first + 1) as isize)
            .sum();
        let new_count = (old_count as isize + grow) as usize;
        let new_from = (from as isize + delta) as usize;
        let shown = |start: usize, count: usize| {
            if count == 0 {
                format!("{start},0")
            } else {
                format!("{},{count}", start + 1)
            }
        };
        out.extend_from_slice(
            format!(
                "@@ -{} +{} @@\n",
                shown(from, old_count),
                shown(new_from, new_count)
            )
            .as_bytes(),
        );
        let mut line = from;
        for k in i..=j {
            let c = &changes[k];
            for l in line..c.first {
                emit(&mut out, b' ', &old[lines[l].clone()]);
            }
            for l in c.first..=c.last {
                emit(&mut out, b'-', &old[lines[l].clone()]);
            }
            let (new, new_lines) = &news[k];
            for r in new_lines {
                emit(&mut out, b'+', &new[r.clone()]);
            }
            line = c.last + 1;
        }
        for l in line..=to {
            emit(&mut out, b' ', &old[lines[l].clone()]);
        }
        delta += grow;
        i = j + 1;
    }
    out
}
