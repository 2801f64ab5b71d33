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
//!
//! The parts are submodules: `manifest` (the manifest's types, and paths and bytes as it records
//! them), `spans` (what a finding removes), `diff` (edits and unified diffs), `output` (output
//! paths and atomic writes), `jsonl` (a field's value in a JSONL line) and `restore`; cleaning
//! itself is here.
//!
//! [`restore`]: fn@restore

mod diff;
mod jsonl;
mod manifest;
mod output;
mod restore;
mod spans;

pub use manifest::{
    ClusterChoice, Content, Digest, Dropped, FileEntry, FindingRef, Manifest, Place, RecordEntry,
    RemovedSpan, MANIFEST_NAME, MANIFEST_VERSION,
};
pub use output::{write_atomically, write_output};
pub use restore::{read_manifest, restore, Restored};
pub use spans::decoded_offset;

use crate::analyze::boilerplate::Reason;
use crate::config::{Analyses, Config};
use crate::corpus::{self, Diagnostic, Document, Input, Origin, Severity};
use crate::error::{Error, Result};
use crate::report::Report;
use crate::segment::{LineIndex, Segmented};
use crate::types::Span;
use crate::{shingle, verify};
use diff::{apply, unified_diff, Edit};
use jsonl::find_field;
use manifest::{manifest_path, COPY};
use output::{
    check_output_tree, check_outside, copy_hashing, create_parent_under, encode_content, io_err,
    prepare_output, read_content, relative_paths, write_atomically_with,
};
use rayon::prelude::*;
use spans::{removal_spans, Cause};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// How the cleaning says it could not read an input.
const CANNOT_READ: &str = "cannot read:";

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
    let mut outcome = Outcome::default();
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
    let config = config.clone().with_analyses(Analyses {
        near_duplicates: opts.drop_duplicates,
        repeats: opts.remove.repeats,
        overlaps: opts.remove.overlaps,
        boilerplate: opts.remove.any_boilerplate(),
    });
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
