//! The findings of a run, and the formats that print them.
//!
//! [`Report`] is the JSON schema, version 1: fields may be added, never renamed. Every list is
//! sorted (documents by path; pairs by `(a, b)`; findings by path, then byte offset), so output is
//! byte-identical whatever the thread count or the order of the inputs.

pub mod html;
pub mod json;
pub mod text;

use crate::analyze::boilerplate::Reason;
use crate::config::Analyses;
use crate::types::Loc;
use serde::{Serialize, Serializer};

/// Schema version of [`Report`].
pub const VERSION: u32 = 1;

/// Everything a run found.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Schema version, 1.
    pub version: u32,
    /// The settings used.
    pub params: Params,
    /// One entry per document, by path (empty in `--only near-duplicates` mode).
    pub documents: Vec<DocumentSummary>,
    /// Pairs with exact Jaccard at or above the threshold.
    pub near_duplicates: Vec<NearDuplicate>,
    /// Connected components of the near-duplicate pairs.
    pub clusters: Vec<Cluster>,
    /// Paragraphs repeating an earlier paragraph of the same document.
    pub repeats: Vec<Repeat>,
    /// Passages shared by two documents.
    pub overlaps: Vec<Overlap>,
    /// Segments that are not the author's content.
    pub boilerplate: Vec<Boilerplate>,
    /// Files or records skipped or read with changes, one message each.
    pub warnings: Vec<String>,
}

/// The settings of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Params {
    /// Jaccard threshold.
    pub threshold: f64,
    /// Words per shingle.
    pub shingle: usize,
    /// MinHash bins.
    pub num_perm: usize,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// MinHash seed.
    pub seed: u64,
    /// Shortest shared passage, in words.
    pub min_overlap: usize,
    /// Longest gap bridged in a shared passage, in words.
    pub overlap_gap: usize,
    /// Weight of false positives in the banding choice.
    pub fp_weight: f64,
    /// Weight of false negatives in the banding choice.
    pub fn_weight: f64,
    /// Probability that a pair exactly at the threshold becomes a candidate.
    pub recall_at_threshold: Rounded,
    /// Documents a paragraph must recur in to be boilerplate.
    pub recurrence_bar: usize,
    /// The analyses made: `full` (all), `near-duplicates` (the streaming doc-level mode), or
    /// those `--only` named, in this order, joined by commas (`repeats,boilerplate`).
    pub mode: String,
    /// The same, for the renderers.
    #[serde(skip)]
    pub analyses: Analyses,
    /// Documents analysed.
    pub num_documents: usize,
}

/// A float printed with four decimals, so that output does not depend on the last bits of a
/// division.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Rounded(pub f64);

impl Serialize for Rounded {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64((self.0 * 10_000.0).round() / 10_000.0)
    }
}

/// How original a document is, for colouring: at least 0.9, at least 0.7, or lower.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    /// 0.9 and above.
    High,
    /// 0.7 to 0.9.
    Mid,
    /// Below 0.7.
    Low,
}

impl Band {
    /// The band of an originality score.
    pub fn of(originality: Rounded) -> Band {
        match originality.0 {
            x if x >= 0.9 => Band::High,
            x if x >= 0.7 => Band::Mid,
            _ => Band::Low,
        }
    }
}

/// Per-document counts.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentSummary {
    /// The document's name.
    pub path: String,
    /// Words.
    pub words: usize,
    /// Paragraphs.
    pub paragraphs: usize,
    /// Share of its words that are its own.
    pub originality: Rounded,
    /// Words in repeat copies.
    pub repeated_words: usize,
    /// Words in passages shared with other documents.
    pub overlap_words: usize,
    /// Words in boilerplate.
    pub boilerplate_words: usize,
}

/// A near-duplicate pair.
#[derive(Clone, Debug, Serialize)]
pub struct NearDuplicate {
    /// First document (by path).
    pub a: String,
    /// Second document.
    pub b: String,
    /// Exact Jaccard of the shingle sets.
    pub jaccard: Rounded,
    /// MinHash estimate.
    pub estimate: Rounded,
}

/// A cluster of near-duplicates.
#[derive(Clone, Debug, Serialize)]
pub struct Cluster {
    /// Members, by path.
    pub members: Vec<String>,
}

/// A paragraph that repeats an earlier one.
#[derive(Clone, Debug, Serialize)]
pub struct Repeat {
    /// The document.
    pub path: String,
    /// Where the copy is.
    pub copy: Loc,
    /// Where the paragraph it repeats is: the first occurrence, unless only a later copy matches.
    pub original: Loc,
    /// 1.0 when exact, else the Jaccard of the two paragraphs' words aligned in order (`L / (n + m
    /// − L)`, `L` their longest common subsequence).
    pub similarity: Rounded,
    /// Words in the copy.
    pub words: usize,
    /// Paragraph index of the copy (0-based), for grouping.
    #[serde(skip)]
    pub copy_paragraph: usize,
    /// Paragraph index of the original (0-based).
    #[serde(skip)]
    pub original_paragraph: usize,
}

/// A location in a named document.
#[derive(Clone, Debug, Serialize)]
pub struct PathLoc {
    /// The document.
    pub path: String,
    /// Lines `[first, last]`, 1-based.
    pub lines: [usize; 2],
    /// Bytes `[start, end)` of the file as read.
    pub bytes: [usize; 2],
}

/// A passage two documents share.
#[derive(Clone, Debug, Serialize)]
pub struct Overlap {
    /// Where it is in the first document.
    pub a: PathLoc,
    /// Where it is in the second.
    pub b: PathLoc,
    /// Words of the passage in `a`.
    pub words: usize,
    /// Words of the passage in `b`: an edited copy is longer or shorter than its source.
    pub b_words: usize,
    /// The Jaccard of the two sides' words aligned in order (`L / (n + m − L)`, `L` their longest
    /// common subsequence): 1.0 verbatim. For sides too long to align (over 2^28 steps), the mean
    /// share of their words covered by matching seeds.
    pub similarity: Rounded,
    /// The passage as it reads in `a`.
    pub text: String,
    /// The start of the passage as it reads in `b`, as the report for people quotes it
    /// ([`excerpt`]).
    #[serde(skip)]
    pub b_excerpt: String,
}

/// A boilerplate segment.
#[derive(Clone, Debug, Serialize)]
pub struct Boilerplate {
    /// The document.
    pub path: String,
    /// Where.
    pub at: Loc,
    /// Words in it.
    pub words: usize,
    /// Why.
    pub reason: Reason,
    /// The segment's text.
    pub text: String,
}

/// `n` and the noun that goes with it: `1 file`, `3 files`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Longest excerpt shown for a finding, in characters.
pub const EXCERPT: usize = 72;

/// How the report for people quotes `text`: on one line (white space runs made one space), cut
/// to [`EXCERPT`] characters, in double quotes, control characters escaped. Reads no more of
/// `text` than it shows.
pub fn excerpt(text: &str) -> String {
    let mut flat: Vec<char> = Vec::with_capacity(EXCERPT + 1);
    'words: for (i, word) in text.split_whitespace().enumerate() {
        for c in (i > 0).then_some(' ').into_iter().chain(word.chars()) {
            flat.push(c);
            if flat.len() > EXCERPT {
                break 'words;
            }
        }
    }
    let cut = flat.len() > EXCERPT;
    if cut {
        flat.truncate(EXCERPT - 1);
        flat.push('…');
    }
    let mut out = String::with_capacity(flat.len() + 2);
    out.push('"');
    for c in flat {
        push_printable(&mut out, c);
    }
    out.push('"');
    out
}

/// `s` with its control characters escaped (`\n`, `\u{1b}`), and its bidirectional controls
/// (`\u{202e}`), so that a file name or an excerpt cannot break a report's lines, send a
/// terminal escape sequence or reverse the rest of a line.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(crate::types::unprintable) {
        let mut out = String::with_capacity(s.len() + 8);
        for c in s.chars() {
            push_printable(&mut out, c);
        }
        out.into()
    } else {
        s.into()
    }
}

/// Pushes `c`, escaped when it is a control character.
fn push_printable(out: &mut String, c: char) {
    if c.is_control() {
        out.extend(c.escape_debug());
    } else if crate::types::unprintable(c) {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

impl Params {
    /// Whether the run made this analysis (`near-duplicates`, `repeats`, `overlaps` or
    /// `boilerplate`).
    pub fn made(&self, analysis: &str) -> bool {
        self.analyses.names().contains(&analysis)
    }

    /// What was not looked for, for people (`--only repeats: no near-duplicates, passages or
    /// boilerplate looked for`), when `--only` left something out.
    pub fn not_looked_for(&self) -> Option<String> {
        // As people call them: the overlap stage finds passages.
        let skipped: Vec<&str> = Analyses::ALL
            .names()
            .into_iter()
            .filter(|&analysis| !self.made(analysis))
            .map(|analysis| {
                if analysis == "overlaps" {
                    "passages"
                } else {
                    analysis
                }
            })
            .collect();
        let (last, rest) = skipped.split_last()?;
        let list = if rest.is_empty() {
            last.to_string()
        } else {
            format!("{} or {last}", rest.join(", "))
        };
        Some(format!("--only {}: no {list} looked for", self.mode))
    }
}

impl Report {
    /// A report of this schema version with these settings and nothing found.
    pub fn empty(params: Params) -> Report {
        Report {
            version: VERSION,
            params,
            documents: Vec::new(),
            near_duplicates: Vec::new(),
            clusters: Vec::new(),
            repeats: Vec::new(),
            overlaps: Vec::new(),
            boilerplate: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// True when anything was found (for `--check`).
    pub fn has_findings(&self) -> bool {
        !(self.near_duplicates.is_empty()
            && self.repeats.is_empty()
            && self.overlaps.is_empty()
            && self.boilerplate.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_flat_short_and_printable() {
        assert_eq!(excerpt("a\n  b"), "\"a b\"");
        let long = "word ".repeat(40);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT + 2);
        assert!(e.ends_with("…\""));
        let exact = "x".repeat(EXCERPT);
        assert_eq!(excerpt(&exact), format!("\"{exact}\""));
        assert_eq!(excerpt("red \u{1b}[31m text"), "\"red \\u{1b}[31m text\"");
    }

    #[test]
    fn names_with_control_characters_are_escaped() {
        assert_eq!(printable("seeds/a.txt"), "seeds/a.txt");
        assert_eq!(printable("x\ny\u{1b}[31m.txt"), "x\\ny\\u{1b}[31m.txt");
        assert_eq!(printable("GET THE \u{202e}APP"), "GET THE \\u{202e}APP");
    }
}
