//! Acting on the findings: [`clean`] writes a copy of every input with repeat copies and
//! boilerplate removed (and, on request, each document that is a near-duplicate of one kept),
//! plus a [`Manifest`] of every removed span from which [`restore`] rebuilds the originals byte
//! for byte. Files the analysis skips (binary, too large) are copied unchanged.
//!
//! Removal works on the raw bytes of each file: the findings' byte ranges point into the file as
//! read, so whatever is not removed keeps its encoding, line endings and paragraph breaks. A
//! removed paragraph takes the blank lines after it along, so no doubled blank lines are left; a
//! partial prefix (a date, a dateline) loses just its bytes. JSONL records keep every field and
//! every byte of the line except the text field's value, which is re-encoded with the cleaned
//! text.
//!
//! Nothing is written into an input tree, each file is written atomically (a hidden temporary
//! file in the same directory, then a rename), and the manifest is written last.

use crate::analyze::boilerplate::Reason;
use crate::config::{Analyses, Config};
use crate::corpus::{self, Diagnostic, Document, Input, Origin, Severity};
use crate::error::{Error, Result};
use crate::report::Report;
use crate::segment::{LineIndex, Segmented};
use crate::types::Span;
use crate::{shingle, verify};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::{Read, Write};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// Schema version of the [`Manifest`].
pub const MANIFEST_VERSION: u32 = 1;

/// The manifest's format of a file copied unchanged.
const COPY: &str = "copy";

/// How the cleaning says it could not read an input.
const CANNOT_READ: &str = "cannot read:";

/// File name of the manifest in the output directory; hidden, so that `dedupe DIR` never reads
/// it as a document.
pub const MANIFEST_NAME: &str = ".dedupe-manifest.json";

/// Which findings [`clean`] removes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remove {
    /// Copies of paragraphs repeated inside a document (the first occurrence stays).
    pub repeats: bool,
    /// Passages shared with another document: removed from the later document in `--keep` order
    /// (reading order, or the longer document first).
    pub overlaps: bool,
    /// Every kind of boilerplate.
    pub all_boilerplate: bool,
    /// These kinds of boilerplate (when not `all_boilerplate`).
    pub boilerplate: Vec<Reason>,
}

impl Default for Remove {
    /// Repeats and all boilerplate.
    fn default() -> Self {
        Remove {
            repeats: true,
            overlaps: false,
            all_boilerplate: true,
            boilerplate: Vec::new(),
        }
    }
}

impl Remove {
    /// Parses a comma-separated list: `repeats`, `overlaps`, `boilerplate`, a boilerplate reason
    /// code (`call-to-action`, `metadata`, …) or `none`.
    ///
    /// # Errors
    ///
    /// A message naming the unknown word and the accepted ones.
    pub fn parse(list: &str) -> std::result::Result<Remove, String> {
        let mut r = Remove {
            repeats: false,
            overlaps: false,
            all_boilerplate: false,
            boilerplate: Vec::new(),
        };
        let words: Vec<&str> = list.split(',').map(str::trim).collect();
        if words.iter().all(|w| w.is_empty()) {
            // Like `--only ""`: an empty list is a slip (an unset variable), not a choice;
            // `none` says it.
            return Err(
                "empty list: name what to remove (repeats, overlaps, boilerplate, a boilerplate \
                 reason) or none"
                    .to_string(),
            );
        }
        for word in words.into_iter().filter(|w| !w.is_empty()) {
            match word {
                "none" => {}
                "repeats" | "repeat" => r.repeats = true,
                "overlaps" | "overlap" => r.overlaps = true,
                "boilerplate" => r.all_boilerplate = true,
                code => match Reason::ALL.iter().find(|x| x.code() == code) {
                    Some(&reason) => {
                        if !r.boilerplate.contains(&reason) {
                            r.boilerplate.push(reason);
                        }
                    }
                    None => {
                        let codes: Vec<&str> = Reason::ALL.iter().map(|x| x.code()).collect();
                        return Err(format!(
                            "unknown kind {code:?}: expected repeats, overlaps, boilerplate, none, or a boilerplate reason ({})",
                            codes.join(", ")
                        ));
                    }
                },
            }
        }
        Ok(r)
    }

    /// True when some boilerplate is removed.
    pub fn any_boilerplate(&self) -> bool {
        self.all_boilerplate || !self.boilerplate.is_empty()
    }

    /// True when boilerplate with this reason is removed.
    pub fn boilerplate(&self, reason: Reason) -> bool {
        self.all_boilerplate || self.boilerplate.contains(&reason)
    }

    /// The list as words, for the manifest.
    pub fn words(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.repeats {
            out.push("repeats".to_string());
        }
        if self.overlaps {
            out.push("overlaps".to_string());
        }
        if self.all_boilerplate {
            out.push("boilerplate".to_string());
        } else {
            out.extend(self.boilerplate.iter().map(|r| r.code().to_string()));
        }
        out
    }
}

/// The order in which `--drop-duplicates` keeps the members of a near-duplicate cluster: each
/// near-duplicate of a member kept before it is dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Keep {
    /// The first in reading order: files in sorted path order, JSONL records by line.
    #[default]
    First,
    /// The one with the most words (the first of those on a tie).
    Longest,
}

impl Keep {
    fn code(self) -> &'static str {
        match self {
            Keep::First => "first",
            Keep::Longest => "longest",
        }
    }
}

/// What [`clean`] does.
#[derive(Clone, Debug)]
pub struct Options {
    /// Which findings are removed.
    pub remove: Remove,
    /// Drop each document that is a near-duplicate of one kept.
    pub drop_duplicates: bool,
    /// Which are kept first.
    pub keep: Keep,
    /// Directory the cleaned copies go to.
    pub out: PathBuf,
    /// Where the manifest goes [default: `out/.dedupe-manifest.json`].
    pub manifest: Option<PathBuf>,
    /// Compute everything, write nothing; the outcome carries a unified diff.
    pub dry_run: bool,
}

/// What [`clean`] did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Problems with inputs (those files are not written).
    pub diagnostics: Vec<Diagnostic>,
    /// The unified diff of every change (only with `dry_run`).
    pub diff: Vec<u8>,
    /// The manifest (also written unless `dry_run`).
    pub manifest: Manifest,
    /// Where the manifest was written.
    pub manifest_path: PathBuf,
    /// Inputs: files written, copied, dropped, or not written for an error.
    pub files: usize,
    /// Files written (or that would be), copies included.
    pub files_written: usize,
    /// Files copied unchanged: the analysis skipped them (binary, too large, not decodable).
    pub files_copied: usize,
    /// Whole files dropped as near-duplicates.
    pub files_dropped: usize,
    /// Files that differ from their input.
    pub files_changed: usize,
    /// Spans removed from documents that were kept.
    pub spans_removed: usize,
    /// Bytes removed, dropped documents included.
    pub bytes_removed: usize,
    /// Documents dropped as near-duplicates: whole files and JSONL records.
    pub documents_dropped: usize,
}

/// The record of a `clean` run: enough to undo every change.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Schema version, 1.
    pub version: u32,
    /// The program that wrote it.
    pub tool: String,
    /// What was removed: `repeats`, `overlaps`, `boilerplate` or reason codes.
    pub remove: Vec<String>,
    /// Whether near-duplicates were dropped.
    pub drop_duplicates: bool,
    /// `first` or `longest`.
    pub keep: String,
    /// The JSONL text field.
    pub text_field: String,
    /// Near-duplicate clusters and the member kept of each (with `drop_duplicates`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<ClusterChoice>,
    /// One entry per file written or dropped.
    pub files: Vec<FileEntry>,
    /// Messages about inputs; files with errors were not written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The document kept of a near-duplicate cluster.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClusterChoice {
    /// Members, by name.
    pub members: Vec<String>,
    /// The one written (the first kept, in `--keep` order).
    pub kept: String,
    /// Members written too: each is a near-duplicate of no member kept before it (the cluster
    /// is a chain of near-duplicates, not all alike).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_kept: Vec<String>,
    /// Why that one.
    pub why: String,
}

/// Length and FNV-1a 64-bit hash of a file's content (decompressed for `.gz`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// Length in bytes.
    pub bytes: usize,
    /// FNV-1a 64 of the bytes, 16 hex digits.
    pub fnv1a64: String,
}

impl Digest {
    fn of(bytes: &[u8]) -> Digest {
        let mut h = Hasher::default();
        h.update(bytes);
        h.digest()
    }
}

/// A [`Digest`] computed piece by piece, for files copied as they stream past.
struct Hasher {
    hash: u64,
    bytes: usize,
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher {
            hash: 0xcbf2_9ce4_8422_2325,
            bytes: 0,
        }
    }
}

impl Hasher {
    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.hash ^= u64::from(b);
            self.hash = self.hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.bytes += bytes.len();
    }

    fn digest(&self) -> Digest {
        Digest {
            bytes: self.bytes,
            fnv1a64: format!("{:016x}", self.hash),
        }
    }
}

/// One input file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileEntry {
    /// The input path, as named in the report.
    pub source: String,
    /// The path of the cleaned copy relative to the output directory, `/`-separated.
    pub path: String,
    /// The path's bytes in base64, when they are not UTF-8 (Unix): `path` then shows them with
    /// U+FFFD for the invalid bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_base64: Option<String>,
    /// `text`, `jsonl`, `jsonl.gz`, or `copy` for a file copied unchanged.
    pub format: String,
    /// Why a `copy` was not cleaned: what the analysis said when it skipped the file (binary,
    /// too large, not decodable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copied: Option<String>,
    /// The original content.
    pub original: Digest,
    /// The cleaned content; absent when the whole file was dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleaned: Option<Digest>,
    /// Set when the whole file was dropped as a near-duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<Dropped>,
    /// Removed spans of a text file, by byte offset in the original.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedSpan>,
    /// Changed or dropped records of a JSONL file, by line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordEntry>,
}

/// Why a document was dropped.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Dropped {
    /// The near-duplicate kept in its place.
    pub kept: String,
    /// Why that one was kept.
    pub why: String,
    /// Exact Jaccard of the two: a reported pair, or compared directly when the pairs listed do
    /// not link them (see `choose_kept`). Optional only for manifests written before it always
    /// was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jaccard: Option<f64>,
}

/// One removed span: where it was in the original, why, and its bytes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RemovedSpan {
    /// Byte range `[start, end)` in the original (a file, or a JSONL record's text field),
    /// including the line terminator and blank lines removed with a whole paragraph.
    pub bytes: [usize; 2],
    /// Lines `[first, last]`, 1-based.
    pub lines: [usize; 2],
    /// `repeat`, `overlap`, `duplicate` or a boilerplate reason code, each once.
    pub reasons: Vec<String>,
    /// The findings behind the removal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingRef>,
    /// The removed bytes.
    #[serde(flatten)]
    pub content: Content,
}

/// Bytes stored losslessly: `text` when they are UTF-8, else `base64` (standard alphabet,
/// padded), with a readable `preview` of the decoded text.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Content {
    /// The bytes, when they are UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The bytes in base64, when they are not UTF-8 (or the file is UTF-16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// For people only: the decoded text of base64 content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
}

impl Content {
    fn of(bytes: &[u8], readable: bool, preview: impl FnOnce() -> String) -> Content {
        match std::str::from_utf8(bytes) {
            Ok(s) if readable => Content {
                text: Some(s.to_string()),
                ..Content::default()
            },
            _ => Content {
                text: None,
                base64: Some(base64_encode(bytes)),
                preview: Some(preview()),
            },
        }
    }

    fn bytes(&self) -> std::result::Result<Vec<u8>, String> {
        match (&self.text, &self.base64) {
            (Some(t), _) => Ok(t.as_bytes().to_vec()),
            (None, Some(b)) => base64_decode(b),
            (None, None) => Err("a removed span has neither text nor base64".into()),
        }
    }
}

/// A finding behind a removal.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FindingRef {
    /// `repeat`, `overlap`, `duplicate` or a boilerplate reason code.
    pub reason: String,
    /// Lines of the finding itself.
    pub lines: [usize; 2],
    /// Bytes of the finding itself (without the separator removed with it).
    pub bytes: [usize; 2],
    /// For a repeat, the paragraph it repeats, which stays; for an overlap, the passage in the
    /// other document, which stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<Place>,
}

/// A place in a named document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Place {
    /// The document.
    pub path: String,
    /// Lines `[first, last]`.
    pub lines: [usize; 2],
    /// Bytes `[start, end)`.
    pub bytes: [usize; 2],
}

/// A changed or dropped JSONL record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecordEntry {
    /// Line in the original file, 1-based.
    pub line: usize,
    /// The document's name, `path#id`.
    pub name: String,
    /// Set when the record was dropped as a near-duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<Dropped>,
    /// The whole line of a dropped record, terminator included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<Content>,
    /// Spans removed from the text field (offsets into the decoded text, as UTF-8).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedSpan>,
    /// The text field's original JSON string as written, when re-encoding the restored text
    /// would not give it back (other escapes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Analysis with the documents kept.

/// The offset in `doc.text` of raw byte offset `raw` (the inverse of the document's offset map,
/// on character boundaries): the first character whose raw offset is at or after `raw`.
pub fn decoded_offset(doc: &Document, raw: usize) -> usize {
    let text = &doc.text;
    let floor = |mut d: usize| {
        while !text.is_char_boundary(d) {
            d -= 1;
        }
        d
    };
    let (mut lo, mut hi) = (0usize, text.len());
    if doc.offsets.raw(text.len()) < raw {
        return text.len();
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if doc.offsets.raw(floor(mid)) >= raw {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    floor(lo)
}

// ---------------------------------------------------------------------------------------------
// Spans to remove.

/// A finding to remove from one document, in decoded offsets.
#[derive(Clone, Debug)]
struct Cause {
    span: Span,
    finding: FindingRef,
}

/// The spans removed from a text for `causes`: merged, and widened to whole lines with their
/// separators where they cover whole lines.
fn removal_spans(text: &str, causes: &[Cause]) -> Vec<(Span, Vec<FindingRef>)> {
    let snap = |mut d: usize| {
        d = d.min(text.len());
        while !text.is_char_boundary(d) {
            d -= 1;
        }
        d
    };
    let mut spans: Vec<Span> = causes
        .iter()
        .map(|c| Span::new(snap(c.span.start), snap(c.span.end).max(snap(c.span.start))))
        .filter(|s| !s.is_empty())
        .collect();
    if spans.is_empty() {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    // Twice: a quotation in brackets (`("…")`) takes its marks, then its brackets.
    spans = merge(
        spans
            .into_iter()
            .map(|s| with_quotes(text, with_quotes(text, s)))
            .collect(),
    );
    spans = merge([remnants(text, &lines, &spans), spans].concat());
    for _ in 0..16 {
        let next = merge(spans.iter().map(|&s| widen(text, &lines, s)).collect());
        if next == spans {
            break;
        }
        spans = next;
    }
    let mut out: Vec<(Span, Vec<FindingRef>)> =
        spans.into_iter().map(|s| (s, Vec::new())).collect();
    for c in causes {
        let start = snap(c.span.start);
        let i = out
            .partition_point(|(s, _)| s.end <= start)
            .min(out.len() - 1);
        out[i].1.push(c.finding.clone());
    }
    out
}

/// What removing `spans` (sorted, disjoint) from a line leaves of it.
#[derive(Clone, Copy, Default)]
struct Left {
    /// Letters or digits were removed.
    lost_text: bool,
    /// Letters or digits stay.
    text: bool,
    /// Anything but whitespace stays.
    marks: bool,
}

impl Left {
    fn of(line: &str, at: usize, spans: &[Span]) -> Left {
        let removed = |at: usize| {
            let i = spans.partition_point(|s| s.end <= at);
            spans.get(i).is_some_and(|s| s.start <= at)
        };
        let mut left = Left::default();
        for (i, c) in line.char_indices() {
            if removed(at + i) {
                left.lost_text |= c.is_alphanumeric();
            } else {
                left.text |= c.is_alphanumeric();
                left.marks |= !c.is_whitespace();
            }
        }
        left
    }

    /// What is left of two lines together.
    fn and(self, other: Left) -> Left {
        Left {
            lost_text: self.lost_text || other.lost_text,
            text: self.text || other.text,
            marks: self.marks || other.marks,
        }
    }

    /// Lost its text and keeps only punctuation (or symbols): a remnant.
    fn remnant(self) -> bool {
        self.lost_text && !self.text && self.marks
    }
}

/// The stray punctuation removing `spans` (sorted, disjoint) would leave: a passage found by its
/// words stops short of the quotation marks and full stop around them, so its paragraph would
/// keep `".`. Each line that loses text and keeps no letter or digit goes; and when its whole
/// paragraph keeps no letter or digit, so does a line there that lost nothing but closes what
/// was removed (a `.` or `”` on a line of its own). Any other line that loses nothing keeps its
/// punctuation: it belongs to text that stays (a `* * *` scene break).
fn remnants(text: &str, lines: &LineIndex, spans: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for block in lines.blocks(text) {
        let paragraph: Vec<(Span, Left)> = block
            .clone()
            .map(|l| {
                let line = lines.line(l);
                (line, Left::of(&text[line.range()], line.start, spans))
            })
            .collect();
        let whole = paragraph
            .iter()
            .fold(Left::default(), |all, (_, l)| all.and(*l));
        let closing = |line: &Span| {
            let line = text[line.range()].trim();
            !line.is_empty()
                && line
                    .chars()
                    .all(|c| CLOSING.contains(c) || c.is_whitespace())
        };
        out.extend(
            paragraph
                .iter()
                .filter(|(s, l)| l.remnant() || (whole.remnant() && !l.lost_text && closing(s)))
                .map(|(s, _)| *s),
        );
    }
    out
}

/// Punctuation that closes a sentence or a quotation.
const CLOSING: &str = ".,;:!?…\"'”’»)]";

/// A span that is a whole quotation but for its marks (a passage is found by its words) with
/// the marks (or brackets), the punctuation just inside them, and the space after them when one
/// stands before them too: without them, `"We will rebuild," the mayor said` lost its quote as
/// `"," the mayor said`, and `He said "shared words" and left` as `He said "" and left`.
fn with_quotes(text: &str, span: Span) -> Span {
    const PAIRS: [(char, char); 7] = [
        ('"', '"'),
        ('\'', '\''),
        ('\u{201C}', '\u{201D}'),
        ('\u{2018}', '\u{2019}'),
        ('\u{AB}', '\u{BB}'),
        ('(', ')'),
        ('[', ']'),
    ];
    let before = &text[..span.start];
    let Some(&(open, close)) = before
        .chars()
        .next_back()
        .and_then(|c| PAIRS.iter().find(|p| p.0 == c))
    else {
        return span;
    };
    let after = &text[span.end..];
    let inside = after.len() - after.trim_start_matches(|c| ".,;:!?…".contains(c)).len();
    if !after[inside..].starts_with(close) {
        return span;
    }
    let start = span.start - open.len_utf8();
    let mut end = span.end + inside + close.len_utf8();
    let spaced = text[..start].ends_with(char::is_whitespace) || start == 0;
    if spaced && text[end..].starts_with(' ') {
        end += 1;
    }
    Span::new(start, end)
}

/// Sorts spans and merges those that overlap or touch.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// Widens a span that covers whole lines (give or take surrounding whitespace) to those lines
/// and their terminators; a span that starts a block of lines also takes the blank lines after
/// it, and one that ends the text the blank lines before it, so that no blank lines are
/// doubled. Any other span is left as it is.
fn widen(text: &str, lines: &LineIndex, span: Span) -> Span {
    let blank = |i: usize| text[lines.line(i).range()].trim().is_empty();
    let next_start = |i: usize| {
        if i + 1 < lines.len() {
            lines.line(i + 1).start
        } else {
            text.len()
        }
    };
    let (s, e) = (span.start, span.end);
    let mut first = lines.line_of(s);
    let last = lines.line_of(e.saturating_sub(1).max(s));
    let (line_start, line_end) = (lines.line(first).start, lines.line(last).end);
    let lead = text[line_start..s].trim().is_empty();
    let tail = e > line_end || text[e..line_end].trim().is_empty();
    if !(lead && tail) {
        return span;
    }
    let mut start = line_start;
    let mut end = next_start(last).max(e);
    if first == 0 || blank(first - 1) {
        while end < text.len() {
            let j = lines.line_of(end);
            if !blank(j) {
                break;
            }
            end = next_start(j);
        }
    }
    if end == text.len() && start > 0 {
        while first > 0 && blank(first - 1) {
            first -= 1;
        }
        start = lines.line(first).start;
        // Keep the text's own ending: without a final line break, the new last line has none.
        let terminated = text.ends_with('\n') || text.ends_with('\r');
        if !terminated && first > 0 {
            start = lines.line(first - 1).end;
        }
    }
    Span::new(start, end)
}

// ---------------------------------------------------------------------------------------------
// Edits, applied and shown as a unified diff.

/// Replace `range` of the original by `with`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edit {
    range: Range<usize>,
    with: Vec<u8>,
}

fn apply(old: &[u8], edits: &[Edit]) -> Vec<u8> {
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
fn unified_diff(old: &[u8], edits: &[Edit], old_name: &str, new_name: &str) -> Vec<u8> {
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

// ---------------------------------------------------------------------------------------------
// Paths.

/// `path` made absolute, component by component: each prefix that exists is resolved
/// physically (symbolic links, `..`), the rest lexically.
fn resolve(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut cur = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                cur.pop();
            }
            other => {
                cur.push(other);
                if let Ok(real) = fs::canonicalize(&cur) {
                    cur = real;
                }
            }
        }
    }
    cur
}

/// Refuses an output location inside an input, or an input inside it.
fn check_outside(out: &Path, what: &str, inputs: &[(PathBuf, PathBuf)]) -> Result<()> {
    let out_r = resolve(out);
    for (given, canon) in inputs {
        let refuse = |msg: String| {
            Err(Error::Io {
                path: out.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, msg),
            })
        };
        if out_r.starts_with(canon) {
            return refuse(format!(
                "refusing to write: {what} is inside the input {} (choose a location outside every input)",
                given.display()
            ));
        }
        if canon.starts_with(&out_r) {
            return refuse(format!(
                "refusing to write: {what} contains the input {} (choose a location outside every input)",
                given.display()
            ));
        }
    }
    Ok(())
}

/// Refuses, before anything is written, an output tree that would write through a symbolic link
/// to a directory (see [`create_parent_under`]) or put the manifest where a cleaned file goes
/// (`--manifest` naming one, or an input named like the manifest): that file would be lost.
fn check_output_tree(out: &Path, rel_paths: &[PathBuf], manifest: &Path) -> Result<()> {
    let refuse = |path: &Path, msg: &str| {
        Err(io_err(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, msg.to_string()),
        ))
    };
    let mut dirs: HashSet<&Path> = HashSet::new();
    for rel in rel_paths {
        dirs.extend(
            rel.ancestors()
                .skip(1)
                .filter(|d| !d.as_os_str().is_empty()),
        );
    }
    let mut dirs: Vec<&Path> = dirs.into_iter().collect();
    dirs.sort();
    for dir in dirs {
        let dir = out.join(dir);
        if fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return refuse(
                &dir,
                "refusing to write: a symbolic link in --out; nothing is written through links \
                 there (remove it, or choose another --out)",
            );
        }
    }
    // A cleaned file is renamed into place (over a link, not through it); the manifest is
    // written through links.
    let manifest = resolve(manifest);
    let lands_on_manifest = |rel: &&PathBuf| {
        let path = out.join(rel);
        rel.file_name() == manifest.file_name()
            && resolve(dir_of(&path)).join(rel.file_name().unwrap_or_default()) == manifest
    };
    if let Some(rel) = rel_paths.iter().find(lands_on_manifest) {
        return refuse(
            &out.join(rel),
            "refusing to write: the manifest would replace this cleaned file (choose another \
             --manifest, or another --out)",
        );
    }
    Ok(())
}

fn io_err(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Relative output path of every input: inputs are mirrored below the deepest directory that
/// holds every path argument (a directory argument, or a file argument's directory). Then that
/// of every alias (another path to an input), `None` where it is an input's own (`dir` and
/// `./dir`).
fn relative_paths(
    args: &[PathBuf],
    inputs: &[Input],
    aliases: &[corpus::Alias],
) -> Result<(Vec<PathBuf>, Vec<Option<PathBuf>>)> {
    let mut anchors: Vec<(PathBuf, PathBuf, bool)> = Vec::new(); // (given, anchor, is_dir)
    for a in args {
        let canon = fs::canonicalize(a).map_err(|e| io_err(a, e))?;
        if canon.is_dir() {
            anchors.push((a.clone(), canon, true));
        } else {
            let parent = canon.parent().map(Path::to_path_buf).unwrap_or_default();
            anchors.push((a.clone(), parent, false));
        }
    }
    let mut base = anchors.first().map(|a| a.1.clone()).unwrap_or_default();
    for (_, anchor, _) in &anchors {
        while !anchor.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    let rel_of = |p: &Path| -> PathBuf {
        let found = anchors.iter().find_map(|(given, anchor, is_dir)| {
            let below = if *is_dir {
                p.strip_prefix(given).ok()?.to_path_buf()
            } else if p == given {
                PathBuf::from(p.file_name()?)
            } else {
                return None;
            };
            Some(anchor.strip_prefix(&base).ok()?.join(below))
        });
        let rel = found.unwrap_or_else(|| PathBuf::from(p.file_name().unwrap_or(p.as_os_str())));
        rel.components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect()
    };
    let mut out = Vec::with_capacity(inputs.len());
    let mut seen = HashSet::new();
    for input in inputs {
        let rel = rel_of(&input.path);
        if !seen.insert(rel.clone()) {
            return Err(io_err(
                &input.path,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("two inputs would be written to {}", rel.display()),
                ),
            ));
        }
        out.push(rel);
    }
    let aliases = aliases
        .iter()
        .map(|(_, alias)| {
            let rel = rel_of(&alias.path);
            seen.insert(rel.clone()).then_some(rel)
        })
        .collect();
    Ok((out, aliases))
}

/// `rel` as the manifest records it: `/`-separated, plus its bytes in base64 when they are not
/// UTF-8. A Unix name is bytes, so any name is recorded there; elsewhere a name that is not
/// Unicode is not (`None`).
fn manifest_path(rel: &Path) -> Option<(String, Option<String>)> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let parts: Vec<&[u8]> = rel.components().map(|c| c.as_os_str().as_bytes()).collect();
        let bytes = parts.join(&b'/');
        match String::from_utf8(bytes) {
            Ok(s) => Some((s, None)),
            Err(e) => Some((
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Some(base64_encode(e.as_bytes())),
            )),
        }
    }
    #[cfg(not(unix))]
    {
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        Some((parts?.join("/"), None))
    }
}

/// The relative path a manifest entry names (see [`manifest_path`]).
fn entry_path(entry: &FileEntry) -> std::result::Result<PathBuf, String> {
    let Some(b64) = &entry.path_base64 else {
        return Ok(PathBuf::from(&entry.path));
    };
    let bytes = base64_decode(b64)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(&bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes).map(PathBuf::from).map_err(|_| {
            format!(
                "{:?} is not a Unicode name, which this system cannot create",
                entry.path
            )
        })
    }
}

/// Writes `bytes` to `path` atomically: a hidden temporary file in the same directory, flushed
/// to disk, then renamed over `path` (over a symbolic link too, never through it). An
/// interruption leaves at most a hidden `.NAME.dedupe-tmp-*` file, never a half-written `path`.
/// The directory must exist.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be written.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |f| f.write_all(bytes).map_err(|e| io_err(path, e)))
}

/// [`write_atomically`] with the content written by `fill` into the temporary file; when `fill`
/// fails, the temporary file is removed and `path` left as it was.
fn write_atomically_with<T>(
    path: &Path,
    fill: impl FnOnce(&mut fs::File) -> Result<T>,
) -> Result<T> {
    let tmp = temporary_beside(path, "tmp");
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| io_err(path, e))?;
        let made = fill(&mut f)?;
        f.sync_all().map_err(|e| io_err(path, e))?;
        drop(f);
        fs::rename(&tmp, path).map_err(|e| io_err(path, e))?;
        Ok(made)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Copies `from` (opened as `src`) into `dst` and returns the digest of the bytes copied: a file
/// the analysis skipped may be large, so it streams instead of being read whole.
fn copy_hashing(
    from: &Path,
    src: &mut impl Read,
    to: &Path,
    dst: &mut impl Write,
) -> Result<Digest> {
    let mut hasher = Hasher::default();
    let mut buf = vec![0; 64 << 10];
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => return Ok(hasher.digest()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err(from, e)),
        };
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n]).map_err(|e| io_err(to, e))?;
    }
}

/// Writes a file the user named (`--html`, `--manifest`): through a symbolic link to its
/// target, atomically; into a device, a pipe, or anything reached through `/dev` or `/proc`
/// (`/dev/null`, `/dev/stdout`), in place, never replacing it.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be written.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    // This process's own standard output: through its handle, in order with what else is
    // printed there (a descriptor opened anew would write from the start of a redirected file).
    if ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]
        .iter()
        .any(|name| path == Path::new(name))
    {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(|e| io_err(path, e));
    }
    match resolve_output(path).map_err(|e| io_err(path, e))? {
        Output::InPlace(target) => fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| io_err(path, e)),
        Output::Replace(target) => write_atomically(&target, bytes),
    }
}

/// How a file the user named is written.
enum Output {
    /// Into the file as it is: a device, a pipe, a descriptor.
    InPlace(PathBuf),
    /// Atomically, at this path (the named one with its symbolic links followed).
    Replace(PathBuf),
}

/// How to write `path`: its symbolic links followed (also when the last one dangles, so the
/// file is made where the link points).
fn resolve_output(path: &Path) -> std::io::Result<Output> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        if path.starts_with("/dev") || path.starts_with("/proc") {
            return Ok(Output::InPlace(path));
        }
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                // Relative to the link's directory; `join` keeps an absolute target as it is.
                path = dir_of(&path).join(fs::read_link(&path)?);
            }
            Ok(meta) if !meta.is_file() && !meta.is_dir() => return Ok(Output::InPlace(path)),
            _ => return Ok(Output::Replace(path)),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// A hidden name for a temporary file beside `path`, unique in this process.
fn temporary_beside(path: &Path, what: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    dir_of(path).join(format!(
        ".{name}.dedupe-{what}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Creates the directories of the manifest's place and fails as [`write_output`] would there
/// (a directory, a read-only one), writing nothing but a temporary file, removed at once.
fn prepare_output(path: &Path) -> Result<()> {
    let target = match resolve_output(path).map_err(|e| io_err(path, e))? {
        Output::InPlace(_) => return Ok(()),
        Output::Replace(target) => target,
    };
    if target.is_dir() {
        return Err(io_err(path, std::io::Error::other("is a directory")));
    }
    create_parent(&target)?;
    let probe = temporary_beside(&target, "probe");
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| io_err(path, e))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// The directory `path` is in (`.` for a bare name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Creates the directory `path` goes in (the output tree mirrors the inputs').
fn create_parent(path: &Path) -> Result<()> {
    let dir = dir_of(path);
    fs::create_dir_all(dir).map_err(|e| io_err(dir, e))
}

/// Creates the directories between `root` (the output directory, made already) and `target`, a
/// file in it, refusing to go through a symbolic link: a link under `--out` to a directory of
/// the inputs (left by an earlier job, say) had the cleaned copy written over the input.
fn create_parent_under(root: &Path, target: &Path) -> Result<()> {
    let rel = target.strip_prefix(root).unwrap_or(target);
    let mut dir = root.to_path_buf();
    for part in rel.parent().into_iter().flat_map(Path::components) {
        dir.push(part);
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(io_err(
                    &dir,
                    std::io::Error::other(
                        "is a symbolic link; nothing is written through links in the output \
                         directory (remove it, or choose another --out)",
                    ),
                ))
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir(&dir).or_else(|e| {
                    // Made meanwhile by another worker.
                    if dir.is_dir() && !dir.is_symlink() {
                        Ok(())
                    } else {
                        Err(io_err(&dir, e))
                    }
                })?;
            }
            Err(e) => return Err(io_err(&dir, e)),
        }
    }
    Ok(())
}

fn read_content(path: &Path, gz: bool) -> std::io::Result<Vec<u8>> {
    if gz {
        let mut out = Vec::new();
        corpus::GzStream::new(fs::File::open(path)?).read_to_end(&mut out)?;
        Ok(out)
    } else {
        fs::read(path)
    }
}

fn encode_content(bytes: &[u8], gz: bool) -> std::io::Result<Vec<u8>> {
    if gz {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes)?;
        enc.finish()
    } else {
        Ok(bytes.to_vec())
    }
}

// ---------------------------------------------------------------------------------------------
// JSONL: the byte range of one field's value in a line, found without re-encoding the line.

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let (mut j, mut depth) = (i, 0usize);
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// Byte range of the value of the first key `field` of the JSON object on `line` (a UTF-8
/// byte-order mark before it, as on the first line of a file, is skipped like the reader does).
fn find_field(line: &[u8], field: &str) -> Option<Range<usize>> {
    let bom = if line.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let mut i = skip_ws(line, bom);
    if line.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(line, i);
        if line.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = skip_string(line, i)?;
        let key: String = serde_json::from_slice(&line[i..key_end]).ok()?;
        i = skip_ws(line, key_end);
        if line.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(line, i + 1);
        let value_end = skip_value(line, i)?;
        if key == field {
            return Some(i..value_end);
        }
        i = skip_ws(line, value_end);
        match line.get(i) {
            Some(b',') => i += 1,
            _ => return None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Base64 (standard alphabet, padded).

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(s: &str) -> std::result::Result<Vec<u8>, String> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = B64
            .iter()
            .position(|&x| x == c)
            .ok_or_else(|| format!("invalid base64 character {:?}", c as char))?;
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Clean.

/// Per-document removal decisions.
struct Decisions<'a> {
    causes: HashMap<&'a str, Vec<Cause>>,
    dropped: HashMap<&'a str, Dropped>,
    clusters: Vec<ClusterChoice>,
}

/// Reading order of a document: its file, then its line.
fn reading_order(doc: &Document) -> (&Path, usize) {
    match &doc.origin {
        Origin::File(p) => (p.as_path(), 0),
        Origin::Jsonl(p, line) => (p.as_path(), *line),
    }
}

/// Each document's word count, by name.
fn words_of(report: &Report) -> HashMap<&str, usize> {
    report
        .documents
        .iter()
        .map(|d| (d.path.as_str(), d.words))
        .collect()
}

/// Which documents `--drop-duplicates` drops, and the clusters' choices. A cluster is a
/// connected component of near-duplicate pairs, so its ends may be far apart (eight versions of
/// a text, each a few edits from the one before): a document is dropped only for a kept
/// document it forms a verified pair with. Members go in `--keep` order; each that pairs with a
/// member already kept is dropped for the one it is most alike (the first of those on a tie),
/// any other is kept. In a cluster whose members all pair up, that keeps just the first.
///
/// The pairs listed do not always show it: in a bucket of more than [`crate::lsh::STAR_BUCKET`]
/// documents, each copy of one text is listed with the first in name order only, which another
/// member may drop, and each variant with its neighbours only. A member with no listed pair among
/// those kept is compared with them directly (`alike`: their exact Jaccard, when it reaches the
/// threshold).
fn choose_kept<'a>(
    report: &'a Report,
    order: &dyn Fn(&str) -> Option<(&'a Path, usize)>,
    alike: &dyn Fn(&str, &str) -> Option<f64>,
    keep: Keep,
) -> (HashMap<&'a str, Dropped>, Vec<ClusterChoice>) {
    let words = words_of(report);
    let w = |m: &str| words.get(m).copied().unwrap_or(0);
    let mut pairs: HashMap<&str, Vec<(&str, f64)>> = HashMap::new();
    for p in &report.near_duplicates {
        pairs.entry(&p.a).or_default().push((&p.b, p.jaccard.0));
        pairs.entry(&p.b).or_default().push((&p.a, p.jaccard.0));
    }
    let mut dropped = HashMap::new();
    let mut clusters = Vec::new();
    for c in &report.clusters {
        let mut members: Vec<&str> = c.members.iter().map(String::as_str).collect();
        members.sort_by(|a, b| order(a).cmp(&order(b)).then(a.cmp(b)));
        let n = members.len();
        if keep == Keep::Longest {
            // Stable: equally long members stay in reading order.
            members.sort_by_key(|m| std::cmp::Reverse(w(m)));
        }
        // Kept members, and their place in `members`.
        let mut kept: Vec<&str> = Vec::new();
        let mut rank: HashMap<&str, usize> = HashMap::new();
        for (i, &m) in members.iter().enumerate() {
            let most_alike = |x: &(&'a str, f64, usize), y: &(&'a str, f64, usize)| {
                x.1.total_cmp(&y.1).then(y.2.cmp(&x.2))
            };
            let partner = pairs
                .get(m)
                .into_iter()
                .flatten()
                .filter_map(|&(other, j)| Some((other, j, *rank.get(other)?)))
                .max_by(most_alike)
                .or_else(|| {
                    kept.iter()
                        .filter_map(|&k| Some((k, alike(m, k)?, rank[k])))
                        .max_by(most_alike)
                });
            let Some((partner, jaccard, _)) = partner else {
                kept.push(m);
                rank.insert(m, i);
                continue;
            };
            let why = match keep {
                Keep::First => format!("first in reading order of the two, in a cluster of {n}"),
                Keep::Longest if w(partner) > w(m) => format!(
                    "longer of the two: {} words (this one {}), in a cluster of {n}",
                    w(partner),
                    w(m)
                ),
                Keep::Longest => format!(
                    "as long ({} words) and first in reading order of the two, in a cluster of {n}",
                    w(m)
                ),
            };
            dropped.insert(
                m,
                Dropped {
                    kept: partner.to_string(),
                    why,
                    jaccard: Some(jaccard),
                },
            );
        }
        let Some(&head) = kept.first() else {
            continue;
        };
        let mut why = match keep {
            Keep::First => format!("first in reading order of a cluster of {n}"),
            Keep::Longest => {
                let others: Vec<String> = members
                    .iter()
                    .filter(|&&m| m != head)
                    .map(|m| w(m).to_string())
                    .collect();
                // Members sort longest first, then in reading order: a tie goes to the first.
                let tied = members.iter().any(|&m| m != head && w(m) == w(head));
                let rank = if tied {
                    "longest (with others as long) and first in reading order"
                } else {
                    "longest"
                };
                format!(
                    "{rank} of a cluster of {n}: {} words (others {})",
                    w(head),
                    others.join(", ")
                )
            }
        };
        if kept.len() > 1 {
            why.push_str(&format!(
                "; {} more kept, each a near-duplicate of no member kept before it",
                kept.len() - 1
            ));
        }
        clusters.push(ClusterChoice {
            members: members.iter().map(|m| m.to_string()).collect(),
            kept: head.to_string(),
            also_kept: kept[1..].iter().map(|m| m.to_string()).collect(),
            why,
        });
    }
    (dropped, clusters)
}

fn decide<'a>(
    report: &'a Report,
    docs: &'a [Document],
    config: &Config,
    opts: &Options,
) -> Decisions<'a> {
    let by_name: HashMap<&str, &Document> = docs.iter().map(|d| (d.name.as_str(), d)).collect();
    let order = |name: &str| by_name.get(name).map(|d| reading_order(d));
    // Shingle sets of the documents compared outside the pairs listed, made once each.
    let sets: RefCell<HashMap<&str, Rc<Vec<u64>>>> = RefCell::default();
    let set_of = |name: &str| {
        let doc = by_name.get(name)?;
        let mut sets = sets.borrow_mut();
        let set = sets.entry(doc.name.as_str()).or_insert_with(|| {
            let hashes = Segmented::new(&doc.text).hashes();
            Rc::new(shingle::shingle_set(&hashes, config.shingle))
        });
        Some(Rc::clone(set))
    };
    let alike = |a: &str, b: &str| {
        let j = shingle::jaccard(&set_of(a)?, &set_of(b)?);
        verify::reaches(j, config.threshold).then_some(j)
    };
    let (dropped, clusters) = if opts.drop_duplicates {
        choose_kept(report, &order, &alike, opts.keep)
    } else {
        (HashMap::new(), Vec::new())
    };
    let mut causes: HashMap<&str, Vec<Cause>> = HashMap::new();
    let mut add = |name: &'a str, bytes: [usize; 2], finding: FindingRef| {
        if dropped.contains_key(name) {
            return;
        }
        let Some(doc) = by_name.get(name) else {
            return;
        };
        let span = Span::new(
            decoded_offset(doc, bytes[0]),
            decoded_offset(doc, bytes[1]).max(decoded_offset(doc, bytes[0])),
        );
        causes
            .entry(name)
            .or_default()
            .push(Cause { span, finding });
    };
    if opts.remove.repeats {
        // A copy of a copy goes only if that copy stays: one word changed per paragraph makes
        // each paragraph a copy of the one before, and removing them all would leave only the
        // first, which the last may share nothing with. (Repeats come in reading order.)
        let mut removed: HashSet<(&str, usize)> = HashSet::new();
        for r in &report.repeats {
            if removed.contains(&(r.path.as_str(), r.original_paragraph)) {
                continue;
            }
            removed.insert((r.path.as_str(), r.copy_paragraph));
            add(
                &r.path,
                r.copy.bytes,
                FindingRef {
                    reason: "repeat".into(),
                    lines: r.copy.lines,
                    bytes: r.copy.bytes,
                    kept: Some(Place {
                        path: r.path.clone(),
                        lines: r.original.lines,
                        bytes: r.original.bytes,
                    }),
                },
            );
        }
    }
    if opts.remove.overlaps {
        // The document first in `--keep` order keeps the passage.
        let words = words_of(report);
        let rank = |name: &str| {
            let longest = opts.keep == Keep::Longest;
            let words = words.get(name).copied().unwrap_or(0);
            (
                std::cmp::Reverse(if longest { words } else { 0 }),
                order(name),
            )
        };
        for o in &report.overlaps {
            let (keep, lose) = if rank(&o.b.path) < rank(&o.a.path) {
                (&o.b, &o.a)
            } else {
                (&o.a, &o.b)
            };
            add(
                &lose.path,
                lose.bytes,
                FindingRef {
                    reason: "overlap".into(),
                    lines: lose.lines,
                    bytes: lose.bytes,
                    kept: Some(Place {
                        path: keep.path.clone(),
                        lines: keep.lines,
                        bytes: keep.bytes,
                    }),
                },
            );
        }
    }
    for b in &report.boilerplate {
        if opts.remove.boilerplate(b.reason) {
            add(
                &b.path,
                b.at.bytes,
                FindingRef {
                    reason: b.reason.code().into(),
                    lines: b.at.lines,
                    bytes: b.at.bytes,
                    kept: None,
                },
            );
        }
    }
    Decisions {
        causes,
        dropped,
        clusters,
    }
}

/// What one input became.
struct FileOutcome {
    entry: FileEntry,
    diff: Vec<u8>,
    changed: bool,
    spans: usize,
    bytes_removed: usize,
    dropped: usize,
    written: bool,
    /// Copied unchanged, not cleaned.
    copied: bool,
}

fn reasons_of(findings: &[FindingRef]) -> Vec<String> {
    let set: BTreeSet<&str> = findings.iter().map(|f| f.reason.as_str()).collect();
    set.into_iter().map(str::to_string).collect()
}

fn error_diag(path: &Path, line: Option<usize>, message: String) -> Diagnostic {
    Diagnostic {
        path: path.display().to_string(),
        line,
        severity: Severity::Error,
        message,
    }
}

/// One file cleaned, in memory.
struct Cleaned {
    /// The cleaned content (decompressed).
    cleaned: Vec<u8>,
    /// The content (decompressed) the edits apply to; `None` for a UTF-16 text file, whose
    /// edits apply to the decoded text (a diff of UTF-16 bytes could neither be read nor
    /// applied).
    content: Option<Vec<u8>>,
    /// The changes, for the diff.
    edits: Vec<Edit>,
    /// The manifest entry.
    entry: FileEntry,
    /// Records that could not be cleaned.
    notes: Vec<Diagnostic>,
}

/// Cleans one text file.
fn clean_text(
    doc: &Document,
    path: &Path,
    decisions: &Decisions<'_>,
) -> std::result::Result<Cleaned, Diagnostic> {
    let raw = fs::read(path).map_err(|e| error_diag(path, None, format!("{CANNOT_READ} {e}")))?;
    let consistent = match doc.offsets {
        corpus::OffsetMap::Identity => raw == doc.text.as_bytes(),
        // UTF-16 text ends with its last whole code unit; an odd last byte is kept as it is.
        corpus::OffsetMap::Runs(_) => doc.offsets.raw(doc.text.len()) == raw.len() & !1,
        _ => doc.offsets.raw(doc.text.len()) == raw.len(),
    };
    if !consistent {
        return Err(error_diag(
            path,
            None,
            "changed while being cleaned, not written".into(),
        ));
    }
    // Non-UTF-8 content (lossy UTF-8, UTF-16) goes into the manifest as base64.
    let readable = matches!(
        doc.offsets,
        corpus::OffsetMap::Identity | corpus::OffsetMap::Shift(_)
    );
    let lines = LineIndex::new(&doc.text);
    let name = doc.name.as_str();
    let mut entry = FileEntry {
        // The path read, which is the document's name but for a second path to one file (a
        // hard link, written under each) and a name taken twice (`@2`).
        source: path.display().to_string(),
        path: String::new(),
        path_base64: None,
        format: "text".into(),
        copied: None,
        original: Digest::of(&raw),
        cleaned: None,
        dropped: None,
        removed: Vec::new(),
        records: Vec::new(),
    };
    let (decoded_edits, raw_edits): (Vec<Edit>, Vec<Edit>) =
        if let Some(d) = decisions.dropped.get(name) {
            entry.dropped = Some(d.clone());
            let all = Span::new(0, doc.text.len());
            entry.removed.push(RemovedSpan {
                bytes: [0, raw.len()],
                lines: lines.line_range(all),
                reasons: vec!["duplicate".into()],
                findings: Vec::new(),
                content: Content::of(&raw, readable, || doc.text.clone()),
            });
            (
                vec![Edit {
                    range: 0..doc.text.len(),
                    with: Vec::new(),
                }],
                vec![Edit {
                    range: 0..raw.len(),
                    with: Vec::new(),
                }],
            )
        } else {
            let causes = decisions.causes.get(name).map_or(&[][..], Vec::as_slice);
            let spans = removal_spans(&doc.text, causes);
            let mut dec = Vec::new();
            let mut rawe = Vec::new();
            for (span, findings) in spans {
                let r = doc.offsets.raw(span.start)..doc.offsets.raw(span.end);
                entry.removed.push(RemovedSpan {
                    bytes: [r.start, r.end],
                    lines: lines.line_range(span),
                    reasons: reasons_of(&findings),
                    findings,
                    content: Content::of(&raw[r.clone()], readable, || {
                        doc.text[span.range()].to_string()
                    }),
                });
                dec.push(Edit {
                    range: span.range(),
                    with: Vec::new(),
                });
                rawe.push(Edit {
                    range: r,
                    with: Vec::new(),
                });
            }
            (dec, rawe)
        };
    let cleaned = apply(&raw, &raw_edits);
    if entry.dropped.is_none() {
        entry.cleaned = Some(Digest::of(&cleaned));
    }
    // The diff shows the file's own bytes (a byte-order mark, invalid UTF-8), so that `patch`
    // applies it, but for UTF-16.
    let (content, edits) = match doc.offsets {
        corpus::OffsetMap::Runs(_) => (None, decoded_edits),
        _ => (Some(raw), raw_edits),
    };
    Ok(Cleaned {
        cleaned,
        content,
        edits,
        entry,
        notes: Vec::new(),
    })
}

/// Cleans one JSONL file; records that could not be cleaned are left as they are, with a
/// diagnostic.
fn clean_jsonl(
    path: &Path,
    docs: &[&Document],
    decisions: &Decisions<'_>,
    text_field: &str,
) -> std::result::Result<Cleaned, Diagnostic> {
    let content = read_content(path, corpus::is_gz(path))
        .map_err(|e| error_diag(path, None, format!("{CANNOT_READ} {e}")))?;
    let by_line: HashMap<usize, &Document> = docs
        .iter()
        .filter_map(|d| match d.origin {
            Origin::Jsonl(_, n) => Some((n, *d)),
            Origin::File(_) => None,
        })
        .collect();
    let mut entry = FileEntry {
        source: path.display().to_string(),
        path: String::new(),
        path_base64: None,
        format: if corpus::is_gz(path) {
            "jsonl.gz"
        } else {
            "jsonl"
        }
        .into(),
        copied: None,
        original: Digest::of(&content),
        cleaned: None,
        dropped: None,
        removed: Vec::new(),
        records: Vec::new(),
    };
    let mut edits = Vec::new();
    let mut diags = Vec::new();
    let mut start = 0usize;
    let mut lineno = 0usize;
    while start < content.len() {
        let end = content[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(content.len(), |i| start + i + 1);
        lineno += 1;
        let line = &content[start..end];
        if let Some(doc) = by_line.get(&lineno) {
            let name = doc.name.as_str();
            if let Some(d) = decisions.dropped.get(name) {
                edits.push(Edit {
                    range: start..end,
                    with: Vec::new(),
                });
                entry.records.push(RecordEntry {
                    line: lineno,
                    name: name.to_string(),
                    dropped: Some(d.clone()),
                    raw: Some(Content::of(line, true, String::new)),
                    removed: Vec::new(),
                    token: None,
                });
            } else if let Some(causes) = decisions.causes.get(name) {
                let spans = removal_spans(&doc.text, causes);
                let token = find_field(line, text_field);
                // As the reader decoded it: half a surrogate pair is U+FFFD, so the record is
                // written back with U+FFFD there (the manifest keeps its original token).
                let decoded = token.as_ref().and_then(|t| {
                    std::str::from_utf8(&line[t.clone()])
                        .ok()
                        .and_then(crate::corpus::unescape)
                });
                match (token, decoded) {
                    (Some(tok), Some(text)) if text == doc.text => {
                        if !spans.is_empty() {
                            let edits_here: Vec<Edit> = spans
                                .iter()
                                .map(|(s, _)| Edit {
                                    range: s.range(),
                                    with: Vec::new(),
                                })
                                .collect();
                            let cleaned = apply(text.as_bytes(), &edits_here);
                            let cleaned = String::from_utf8(cleaned)
                                .expect("spans lie on character boundaries");
                            let encoded = serde_json::to_string(&cleaned)
                                .expect("a string always serialises");
                            let raw_token = &line[tok.clone()];
                            let canonical =
                                serde_json::to_string(&text).expect("a string always serialises");
                            let lines = LineIndex::new(&text);
                            entry.records.push(RecordEntry {
                                line: lineno,
                                name: name.to_string(),
                                dropped: None,
                                raw: None,
                                removed: spans
                                    .into_iter()
                                    .map(|(s, findings)| RemovedSpan {
                                        bytes: [s.start, s.end],
                                        lines: lines.line_range(s),
                                        reasons: reasons_of(&findings),
                                        findings,
                                        content: Content::of(
                                            text[s.range()].as_bytes(),
                                            true,
                                            String::new,
                                        ),
                                    })
                                    .collect(),
                                token: (canonical.as_bytes() != raw_token)
                                    .then(|| String::from_utf8_lossy(raw_token).into_owned()),
                            });
                            edits.push(Edit {
                                range: start + tok.start..start + tok.end,
                                with: encoded.into_bytes(),
                            });
                        }
                    }
                    _ => diags.push(error_diag(
                        path,
                        Some(lineno),
                        "record changed while being cleaned, left as it was".into(),
                    )),
                }
            }
        }
        start = end;
    }
    let cleaned = apply(&content, &edits);
    entry.cleaned = Some(Digest::of(&cleaned));
    Ok(Cleaned {
        cleaned,
        content: Some(content),
        edits,
        entry,
        notes: diags,
    })
}

/// Copies an input the analysis skipped (binary, too large, not decodable) into the output byte
/// for byte: it has no text to clean, and an output that silently lacked it would not restore
/// to the input. `why` is what the analysis said of it.
fn copy_unchanged(
    path: &Path,
    rel: String,
    path_base64: Option<String>,
    target: &Path,
    why: String,
    opts: &Options,
) -> Result<(Option<FileOutcome>, Vec<Diagnostic>)> {
    let mut src = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return Ok((
                None,
                vec![error_diag(path, None, format!("{CANNOT_READ} {e}"))],
            ))
        }
    };
    let digest = if opts.dry_run {
        // Nothing is written: its size is all the summary needs.
        let bytes = src.metadata().map_or(0, |m| m.len()) as usize;
        Digest {
            bytes,
            fnv1a64: String::new(),
        }
    } else {
        create_parent_under(&opts.out, target)?;
        match write_atomically_with(target, |f| copy_hashing(path, &mut src, target, f)) {
            Ok(digest) => digest,
            // Failing to read an input (unlike failing to write) concerns that input alone.
            Err(Error::Io {
                path: failed,
                source,
            }) if failed == path => {
                let d = error_diag(path, None, format!("{CANNOT_READ} {source}"));
                return Ok((None, vec![d]));
            }
            Err(e) => return Err(e),
        }
    };
    let entry = FileEntry {
        source: path.display().to_string(),
        path: rel,
        path_base64,
        format: COPY.into(),
        copied: Some(why),
        original: digest.clone(),
        cleaned: Some(digest),
        dropped: None,
        removed: Vec::new(),
        records: Vec::new(),
    };
    let outcome = FileOutcome {
        entry,
        diff: Vec::new(),
        changed: false,
        spans: 0,
        bytes_removed: 0,
        dropped: 0,
        written: true,
        copied: true,
    };
    Ok((Some(outcome), Vec::new()))
}

/// Cleans one input: its outcome (none when it is not written: unreadable) and diagnostics.
/// `skipped` is what the analysis said of the file as a whole, if anything.
fn clean_one(
    input: &Input,
    rel: &Path,
    docs: &[&Document],
    decisions: &Decisions<'_>,
    text_field: &str,
    skipped: Option<&str>,
    opts: &Options,
) -> Result<(Option<FileOutcome>, Vec<Diagnostic>)> {
    let Some((rel_s, path_base64)) = manifest_path(rel) else {
        let d = error_diag(
            &input.path,
            None,
            "file name is not UTF-8, which this system cannot record in the manifest; not written"
                .into(),
        );
        return Ok((None, vec![d]));
    };
    let target = opts.out.join(rel);
    let gz = input.jsonl && corpus::is_gz(&input.path);
    let result = if input.jsonl {
        clean_jsonl(&input.path, docs, decisions, text_field)
    } else if let Some(doc) = docs.first() {
        clean_text(doc, &input.path, decisions)
    } else {
        // No document: binary, too large, not decodable, or unreadable.
        let why = skipped.unwrap_or("not read by the analysis").to_string();
        return copy_unchanged(&input.path, rel_s, path_base64, &target, why, opts);
    };
    let Cleaned {
        cleaned,
        content,
        edits: diff_edits,
        mut entry,
        notes,
    } = match result {
        Ok(c) => c,
        // A JSONL file that cannot be read whole (a corrupt or cut archive) keeps its bytes.
        Err(d) if input.jsonl => {
            let why = skipped.unwrap_or(&d.message).to_string();
            let (outcome, mut notes) =
                copy_unchanged(&input.path, rel_s, path_base64, &target, why, opts)?;
            notes.push(d);
            return Ok((outcome, notes));
        }
        Err(d) => return Ok((None, vec![d])),
    };
    let old: &[u8] = match (&content, docs.first()) {
        (Some(c), _) => c,
        (None, Some(doc)) => doc.text.as_bytes(),
        (None, None) => &[],
    };
    entry.path = rel_s;
    entry.path_base64 = path_base64;
    let whole_dropped = entry.dropped.is_some();
    let diff = if opts.dry_run {
        let new_name = if whole_dropped {
            "/dev/null".to_string()
        } else {
            target.display().to_string()
        };
        unified_diff(old, &diff_edits, &entry.source, &new_name)
    } else {
        Vec::new()
    };
    drop(content);
    if !whole_dropped && !opts.dry_run {
        let bytes = encode_content(&cleaned, gz).map_err(|e| io_err(&target, e))?;
        create_parent_under(&opts.out, &target)?;
        write_atomically(&target, &bytes)?;
    }
    let dropped_records = entry.records.iter().filter(|r| r.dropped.is_some()).count();
    let outcome = FileOutcome {
        diff,
        changed: entry.cleaned.as_ref() != Some(&entry.original),
        spans: entry.removed.len() * usize::from(!whole_dropped)
            + entry.records.iter().map(|r| r.removed.len()).sum::<usize>(),
        bytes_removed: entry.original.bytes.saturating_sub(cleaned.len()),
        dropped: usize::from(whole_dropped) + dropped_records,
        written: !whole_dropped,
        copied: false,
        entry,
    };
    Ok((Some(outcome), notes))
}

/// Says of each file copied unchanged that it was: after what the analysis said of it when that
/// is why, else on its own.
fn say_copied(files: &[FileEntry], diagnostics: &mut Vec<Diagnostic>, dry_run: bool) {
    let copied = if dry_run {
        "would be copied unchanged, not cleaned"
    } else {
        "copied unchanged, not cleaned"
    };
    for entry in files.iter().filter(|f| f.format == COPY) {
        let said = diagnostics.iter_mut().find(|d| {
            d.path == entry.source && d.line.is_none() && Some(&d.message) == entry.copied.as_ref()
        });
        match said {
            Some(d) => d.message.push_str(&format!("; {copied}")),
            None => diagnostics.push(Diagnostic {
                path: entry.source.clone(),
                line: None,
                severity: Severity::Warning,
                // Why it was copied (a cut archive is read up to the damage, then copied whole).
                message: match &entry.copied {
                    Some(why) => format!("{why}; {copied}"),
                    None => format!("no text was read from it: {copied}"),
                },
            }),
        }
    }
}

/// Cleans `paths` as `opts` asks: analyses them with `config` (only the analyses whose findings
/// `opts` removes or drops), writes a cleaned copy of every input under `opts.out` (mirroring
/// the paths below the deepest directory holding every path argument) and then the manifest;
/// with `dry_run`, only computes the diff.
///
/// # Errors
///
/// [`Error::NotFound`] for a missing path; [`Error::Io`] when the output is inside an input (or
/// holds one), or a file cannot be written. Problems with single inputs are diagnostics, and
/// those inputs are not written.
pub fn clean(paths: &[PathBuf], config: &Config, opts: &Options) -> Result<Outcome> {
    let (inputs, aliases, _) = corpus::inputs_and_aliases(paths, &config.read)?;
    let mut outcome = Outcome {
        files: inputs.len(),
        ..Outcome::default()
    };
    let mut canon_args = Vec::new();
    for p in paths {
        canon_args.push((p.clone(), fs::canonicalize(p).map_err(|e| io_err(p, e))?));
    }
    check_outside(&opts.out, "--out", &canon_args)?;
    let manifest_path = opts
        .manifest
        .clone()
        .unwrap_or_else(|| opts.out.join(MANIFEST_NAME));
    check_outside(&manifest_path, "--manifest", &canon_args)?;
    let (mut rel_paths, alias_rels) = relative_paths(paths, &inputs, &aliases)?;
    // Another path to an input (a hard link, a link to a file in the tree) is written too, as a
    // copy of its cleaned file, so that restore rebuilds the whole tree.
    let mut jobs: Vec<(&Input, &Input)> = inputs.iter().map(|i| (i, i)).collect();
    for ((first, alias), rel) in aliases.iter().zip(alias_rels) {
        if let Some(rel) = rel {
            jobs.push((alias, &inputs[*first]));
            rel_paths.push(rel);
        }
    }
    outcome.files = jobs.len();
    check_output_tree(&opts.out, &rel_paths, &manifest_path)?;
    if !opts.dry_run {
        // The directories this run makes for --out, deepest first.
        let made: Vec<PathBuf> = opts
            .out
            .ancestors()
            .take_while(|dir| !dir.as_os_str().is_empty() && !dir.exists())
            .map(Path::to_path_buf)
            .collect();
        if opts.out.exists() && !opts.out.is_dir() {
            return Err(io_err(
                &opts.out,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "--out is not a directory (it names the directory the cleaned copies go in)",
                ),
            ));
        }
        fs::create_dir_all(&opts.out).map_err(|e| io_err(&opts.out, e))?;
        // Without the manifest the originals cannot be restored: where it goes is tried before
        // any cleaned file is written.
        if let Err(e) = prepare_output(&manifest_path) {
            for dir in &made {
                let _ = fs::remove_dir(dir);
            }
            return Err(e);
        }
    }

    // Only the analyses whose findings are acted on: the passage stage, the slowest, runs only
    // when passages are removed.
    let config = Config {
        analyses: Analyses {
            near_duplicates: opts.drop_duplicates,
            repeats: opts.remove.repeats,
            overlaps: opts.remove.overlaps,
            boilerplate: opts.remove.any_boilerplate(),
        },
        ..config.clone()
    };
    let (report, mut diagnostics, docs) = crate::pipeline::run_with_documents(paths, &config)?;
    let decisions = decide(&report, &docs, &config, opts);
    let mut by_file: HashMap<&Path, Vec<&Document>> = HashMap::new();
    for d in &docs {
        by_file.entry(reading_order(d).0).or_default().push(d);
    }
    // What the analysis said of whole files: why those without a document were skipped.
    let mut skipped: HashMap<&str, &str> = HashMap::new();
    for d in diagnostics.iter().filter(|d| d.line.is_none()) {
        skipped.entry(&d.path).or_insert(&d.message);
    }
    let text_field = config.read.text_field.as_str();
    let results: Vec<Result<(Option<FileOutcome>, Vec<Diagnostic>)>> = jobs
        .par_iter()
        .zip(&rel_paths)
        .map(|(&(input, read_as), rel)| {
            let here = by_file
                .get(read_as.path.as_path())
                .map_or(&[][..], Vec::as_slice);
            let said = skipped.get(read_as.path.display().to_string().as_str());
            clean_one(
                input,
                rel,
                here,
                &decisions,
                text_field,
                said.copied(),
                opts,
            )
        })
        .collect();
    // A file the analysis could not read fails again here: said once is enough.
    let unreadable: HashSet<String> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.path.clone())
        .collect();
    let mut files = Vec::new();
    for r in results {
        let (file, notes) = r?;
        diagnostics.extend(
            notes
                .into_iter()
                .filter(|n| !(n.message.starts_with(CANNOT_READ) && unreadable.contains(&n.path))),
        );
        if let Some(f) = file {
            outcome.diff.extend_from_slice(&f.diff);
            outcome.files_written += usize::from(f.written);
            outcome.files_copied += usize::from(f.copied);
            outcome.files_dropped += usize::from(!f.written);
            outcome.files_changed += usize::from(f.changed && f.written);
            outcome.spans_removed += f.spans;
            outcome.bytes_removed += f.bytes_removed;
            outcome.documents_dropped += f.dropped;
            files.push(f.entry);
        }
    }
    say_copied(&files, &mut diagnostics, opts.dry_run);
    diagnostics.sort();
    diagnostics.dedup();
    outcome.manifest = Manifest {
        version: MANIFEST_VERSION,
        tool: format!("dedupe {}", env!("CARGO_PKG_VERSION")),
        remove: opts.remove.words(),
        drop_duplicates: opts.drop_duplicates,
        keep: opts.keep.code().into(),
        text_field: text_field.to_string(),
        clusters: decisions.clusters,
        files,
        warnings: diagnostics.iter().map(ToString::to_string).collect(),
    };
    if !opts.dry_run {
        let mut json =
            serde_json::to_vec_pretty(&outcome.manifest).expect("the manifest always serialises");
        json.push(b'\n');
        write_output(&manifest_path, &json)?;
    }
    outcome.manifest_path = manifest_path;
    outcome.diagnostics = diagnostics;
    Ok(outcome)
}

// ---------------------------------------------------------------------------------------------
// Restore.

/// What [`restore`] did.
#[derive(Debug)]
pub struct Restored {
    /// Files written.
    pub files: usize,
    /// The manifest read.
    pub manifest_path: PathBuf,
}

/// Reads a manifest written by [`clean`].
///
/// # Errors
///
/// [`Error::Io`] when it cannot be read, is not a manifest, or has another version.
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let bytes = fs::read(path).map_err(|e| io_err(path, e))?;
    let invalid = |m: String| {
        io_err(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, m),
        )
    };
    let m: Manifest = serde_json::from_slice(&bytes)
        .map_err(|e| invalid(format!("not a dedupe manifest: {e}")))?;
    if m.version != MANIFEST_VERSION {
        return Err(invalid(format!(
            "manifest version {} is not supported (this dedupe reads version {MANIFEST_VERSION})",
            m.version
        )));
    }
    Ok(m)
}

/// Puts removed spans back into `cleaned`: each span's bytes go back at its original offset.
fn reinsert(cleaned: &[u8], spans: &[RemovedSpan]) -> std::result::Result<Vec<u8>, String> {
    let mut spans: Vec<&RemovedSpan> = spans.iter().collect();
    spans.sort_by_key(|s| s.bytes);
    let mut out = Vec::with_capacity(cleaned.len());
    let mut at = 0;
    for s in spans {
        let take = s.bytes[0]
            .checked_sub(out.len())
            .ok_or("removed spans overlap")?;
        let kept = cleaned
            .get(at..at + take)
            .ok_or("the cleaned file is shorter than the manifest says")?;
        out.extend_from_slice(kept);
        at += take;
        let bytes = s.content.bytes()?;
        if bytes.len() != s.bytes[1].saturating_sub(s.bytes[0]) {
            return Err(format!(
                "removed span {:?} holds {} bytes",
                s.bytes,
                bytes.len()
            ));
        }
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(&cleaned[at..]);
    Ok(out)
}

/// Rebuilds a JSONL file: dropped lines go back in place, changed text fields get their spans
/// back.
fn rebuild_jsonl(
    cleaned: &[u8],
    records: &[RecordEntry],
    text_field: &str,
) -> std::result::Result<Vec<u8>, String> {
    let by_line: HashMap<usize, &RecordEntry> = records.iter().map(|r| (r.line, r)).collect();
    let last = records.iter().map(|r| r.line).max().unwrap_or(0);
    let mut out = Vec::with_capacity(cleaned.len());
    let mut rest = cleaned;
    let mut n = 0usize;
    loop {
        n += 1;
        let record = by_line.get(&n);
        if let Some(r) = record.filter(|r| r.dropped.is_some()) {
            let raw = r.raw.as_ref().ok_or("a dropped record has no raw line")?;
            out.extend_from_slice(&raw.bytes()?);
            continue;
        }
        if rest.is_empty() {
            if n <= last {
                return Err(format!(
                    "the cleaned file ends before line {n} of the original"
                ));
            }
            break;
        }
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(end);
        rest = tail;
        match record {
            Some(r) => {
                let tok = find_field(line, text_field)
                    .ok_or_else(|| format!("line {n}: no {text_field:?} field"))?;
                let text: String = serde_json::from_slice(&line[tok.clone()])
                    .map_err(|e| format!("line {n}: {e}"))?;
                let restored = reinsert(text.as_bytes(), &r.removed)?;
                let token = match &r.token {
                    Some(t) => t.clone().into_bytes(),
                    None => {
                        let s = String::from_utf8(restored)
                            .map_err(|_| format!("line {n}: restored text is not UTF-8"))?;
                        serde_json::to_string(&s)
                            .expect("a string always serialises")
                            .into_bytes()
                    }
                };
                out.extend_from_slice(&line[..tok.start]);
                out.extend_from_slice(&token);
                out.extend_from_slice(&line[tok.end..]);
            }
            None => out.extend_from_slice(line),
        }
    }
    Ok(out)
}

/// Whether `target` holds the original already (decompressed, for `gz`), so that restoring
/// need not write it; `false` when it does not exist.
///
/// # Errors
///
/// When it exists and holds something else: restoring never overwrites a file that is not the
/// original (an original edited since cleaning, say).
fn holds_original(target: &Path, original: &Digest, gz: bool) -> Result<bool> {
    let found = if gz {
        read_content(target, true).map(|bytes| Digest::of(&bytes))
    } else {
        fs::File::open(target).and_then(|mut f| {
            copy_hashing(target, &mut f, target, &mut std::io::sink())
                .map_err(|e| std::io::Error::other(e.to_string()))
        })
    };
    match found {
        Ok(digest) if digest == *original => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        _ => Err(io_err(
            target,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "exists and is not the original; not overwritten (move it away, or restore into \
                 another directory)",
            ),
        )),
    }
}

/// Copies back a file [`clean`] copied unchanged, streaming (it may be large), and refuses it
/// (writing nothing) when it no longer matches the original's digest.
fn restore_copy(source: &Path, out: &Path, target: &Path, original: &Digest) -> Result<()> {
    let mut src = fs::File::open(source).map_err(|e| io_err(source, e))?;
    create_parent_under(out, target)?;
    write_atomically_with(target, |f| {
        if copy_hashing(source, &mut src, target, f)? == *original {
            return Ok(());
        }
        Err(io_err(
            source,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "changed since it was cleaned; cannot restore it",
            ),
        ))
    })
}

/// Rebuilds the originals from the cleaned copies in `cleaned` and the manifest (by default
/// `cleaned/.dedupe-manifest.json`), writing them under `out` at the same relative paths. Every
/// cleaned file is checked against the manifest before, and every rebuilt file after.
///
/// # Errors
///
/// [`Error::Io`] when the manifest cannot be read, `out` is inside `cleaned` (or holds it), a
/// cleaned file is missing or was changed after cleaning, or a file cannot be written.
pub fn restore(cleaned: &Path, manifest: Option<&Path>, out: &Path) -> Result<Restored> {
    let manifest_path = manifest.map_or_else(|| cleaned.join(MANIFEST_NAME), Path::to_path_buf);
    if manifest.is_none() && cleaned.is_dir() && !manifest_path.exists() {
        return Err(io_err(
            cleaned,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "holds no {MANIFEST_NAME}: not a directory written by `dedupe clean` (or \
                     name its manifest with --manifest)"
                ),
            ),
        ));
    }
    let m = read_manifest(&manifest_path)?;
    let canon = fs::canonicalize(cleaned).map_err(|e| io_err(cleaned, e))?;
    check_outside(out, "--out", &[(cleaned.to_path_buf(), canon)])?;
    fs::create_dir_all(out).map_err(|e| io_err(out, e))?;
    let results: Vec<Result<()>> = m
        .files
        .par_iter()
        .map(|entry| {
            let invalid = |p: &Path, msg: String| {
                io_err(p, std::io::Error::new(std::io::ErrorKind::InvalidData, msg))
            };
            let rel = entry_path(entry).map_err(|msg| invalid(&manifest_path, msg))?;
            if rel.as_os_str().is_empty()
                || !rel.components().all(|c| matches!(c, Component::Normal(_)))
            {
                return Err(invalid(
                    &manifest_path,
                    format!("{:?} is not a relative path", entry.path),
                ));
            }
            let gz = entry.format == "jsonl.gz";
            let source = cleaned.join(&rel);
            let target = out.join(&rel);
            if holds_original(&target, &entry.original, gz)? {
                return Ok(());
            }
            if entry.format == COPY {
                return restore_copy(&source, out, &target, &entry.original);
            }
            let cleaned_bytes = match &entry.cleaned {
                Some(digest) => {
                    let bytes = read_content(&source, gz).map_err(|e| io_err(&source, e))?;
                    if Digest::of(&bytes) != *digest {
                        return Err(invalid(
                            &source,
                            "changed since it was cleaned; cannot restore it".into(),
                        ));
                    }
                    bytes
                }
                None => Vec::new(),
            };
            let original = match entry.format.as_str() {
                "text" => reinsert(&cleaned_bytes, &entry.removed),
                "jsonl" | "jsonl.gz" => {
                    rebuild_jsonl(&cleaned_bytes, &entry.records, &m.text_field)
                }
                other => Err(format!("unknown format {other:?}")),
            }
            .map_err(|msg| invalid(&source, msg))?;
            if Digest::of(&original) != entry.original {
                return Err(invalid(
                    &source,
                    "the rebuilt file does not match the original's digest".into(),
                ));
            }
            let bytes = encode_content(&original, gz).map_err(|e| io_err(&target, e))?;
            create_parent_under(out, &target)?;
            write_atomically(&target, &bytes)
        })
        .collect();
    for r in results {
        r?;
    }
    Ok(Restored {
        files: m.files.len(),
        manifest_path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spans removed from `text` when each of `words` is a finding there.
    fn removed(text: &str, words: &[&str]) -> Vec<String> {
        let causes: Vec<Cause> = words
            .iter()
            .map(|w| {
                let start = text.find(w).expect("the words are in the text");
                Cause {
                    span: Span::new(start, start + w.len()),
                    finding: FindingRef {
                        reason: "overlap".into(),
                        lines: [1, 1],
                        bytes: [start, start + w.len()],
                        kept: None,
                    },
                }
            })
            .collect();
        removal_spans(text, &causes)
            .into_iter()
            .map(|(s, _)| text[s.range()].to_string())
            .collect()
    }

    #[test]
    fn punctuation_left_without_text_goes_with_it() {
        // A quoted paragraph: its quotation marks and full stop.
        assert_eq!(
            removed(
                "Kept.\n\n\"Shared words here.\"\n\nKept too.\n",
                &["Shared words here"]
            ),
            ["\"Shared words here.\"\n\n"]
        );
        // A full stop on a line of its own ends the paragraph that goes.
        assert_eq!(
            removed(
                "Kept.\n\nShared\nwords\n.\n\nKept too.\n",
                &["Shared\nwords"]
            ),
            ["Shared\nwords\n.\n\n"]
        );
        // A line that loses its text in a paragraph that keeps some.
        assert_eq!(
            removed("Kept line\n(shared words)\nkept line.\n", &["shared words"]),
            ["(shared words)\n"]
        );
    }

    #[test]
    fn punctuation_of_text_that_stays_stays() {
        // A quotation removed whole takes its marks, the punctuation inside them and a space.
        assert_eq!(
            removed("He said \"shared words\" and left.\n", &["shared words"]),
            ["\"shared words\" "]
        );
        assert_eq!(
            removed(
                "\u{201C}We will rebuild it,\u{201D} the mayor said.\n",
                &["We will rebuild it"]
            ),
            ["\u{201C}We will rebuild it,\u{201D} "]
        );
        assert_eq!(
            removed("Critics ('shared words,') left.\n", &["shared words"]),
            ["('shared words,') "]
        );
        // Quotation marks around more than what goes stay.
        assert_eq!(
            removed(
                "He said \"shared words and more\" then.\n",
                &["shared words"]
            ),
            ["shared words"]
        );
        // A line that loses nothing keeps its punctuation, next to one that goes.
        assert_eq!(
            removed("Kept\nShared words.\n* * *\n", &["Shared words"]),
            ["Shared words.\n"]
        );
        assert_eq!(
            removed("Kept.\n\nShared words.\n\n* * *\n", &["Shared words"]),
            ["Shared words.\n\n"]
        );
        // A scene break in the paragraph that goes is not its punctuation.
        assert_eq!(
            removed(
                "Kept.\n\nShared words.\n* * *\n\nKept too.\n",
                &["Shared words"]
            ),
            ["Shared words.\n"]
        );
    }
}
