//! The whole chain: inputs → documents → segments → shingles → signatures → candidates → verified
//! pairs, then repeats, overlaps, boilerplate and scores, assembled into a [`Report`].

use crate::analyze::{boilerplate, overlap, repeats};
use crate::config::{Analyses, Config};
use crate::corpus::{self, Diagnostic, Document, Input, Place, Places};
use crate::error::Result;
use crate::minhash::{MinHasher, Signature};
use crate::report::{self, Report, Rounded};
use crate::score::{Coverage, Kind};
use crate::segment::{with_clinging_punctuation, word_hashes, Segmented};
use crate::shingle::{jaccard, shingle_set};
use crate::types::{DocId, Loc, Span};
use crate::{lsh, verify};
use rayon::prelude::*;
use std::path::PathBuf;

/// Prints how long each stage took to stderr when `DEDUPE_TIMINGS` is set: the profile a user can
/// take without a profiler.
struct Timer {
    on: bool,
    last: std::time::Instant,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            on: std::env::var_os("DEDUPE_TIMINGS").is_some(),
            last: std::time::Instant::now(),
        }
    }

    fn lap(&mut self, stage: &str) {
        if self.on {
            eprintln!(
                "dedupe: timing: {stage}: {:.3} s",
                self.last.elapsed().as_secs_f64()
            );
        }
        self.last = std::time::Instant::now();
    }
}

/// Peak memory of the full analysis per byte of text, roughly: the words (16 bytes each), the
/// passage stage's seed index (16 bytes a seed, about two seeds a content word) and the report
/// coexist. Measured: 9.9 at 10k documents of the bench's Reuters corpus (371 MB for 37.5 MB),
/// 8.1 at 100k (3.03 GB for 374 MB), 9.3 on 4,800 documents of PAN13's sources (143 MB for
/// 15.4 MB), 12 for one 100 MB line. The doc-level mode needs a small fraction: 1.1 GB for
/// 3.7 GB at 1M documents.
const FULL_ANALYSIS_MEMORY_PER_BYTE: u64 = 12;

/// Peak memory of an analysis in memory without the passage stage, per byte of text: the words
/// and the report. Measured: 5.1 on the bench's 10k documents (`--only repeats,boilerplate`,
/// 191 MB), 5.7 on PAN13's sources (`--only near-duplicates,repeats,boilerplate`, 87 MB).
const NO_PASSAGES_MEMORY_PER_BYTE: u64 = 6;

/// Peak memory, roughly, per byte of text of the analyses `run` in memory.
pub fn memory_per_byte(run: Analyses) -> u64 {
    if run.overlaps {
        FULL_ANALYSIS_MEMORY_PER_BYTE
    } else {
        NO_PASSAGES_MEMORY_PER_BYTE
    }
}

/// Text handed to the signature stage at a time in streaming mode.
const BATCH_BYTES: usize = 2 << 20;

/// Runs the analysis the configuration asks for over `paths`.
///
/// # Errors
///
/// [`Error::NotFound`](crate::Error::NotFound) when a path does not exist. Problems with single
/// files are diagnostics in the report, not errors.
pub fn run(paths: &[PathBuf], config: &Config) -> Result<(Report, Vec<Diagnostic>)> {
    if config.analyses.streams() {
        let (inputs, mut diags) = corpus::inputs(paths, &config.read)?;
        let report = near_duplicates_streaming(&inputs, config, &mut diags);
        Ok(finish(report, diags))
    } else {
        run_with_documents(paths, config).map(|(report, diags, _)| (report, diags))
    }
}

/// The analyses of `config` in memory (all of them by default), also handing back the documents
/// read (sorted by name), for the stages that act on their text: `clean` and the HTML report.
///
/// # Errors
///
/// As [`run`].
pub fn run_with_documents(
    paths: &[PathBuf],
    config: &Config,
) -> Result<(Report, Vec<Diagnostic>, Vec<Document>)> {
    let (inputs, mut diags) = corpus::inputs(paths, &config.read)?;
    let mut timer = Timer::new();
    let (docs, read_diags) =
        corpus::read_all_observed(&inputs, &config.read, |n, b| config.notify("reading", n, b));
    timer.lap("read");
    diags.extend(read_diags);
    let (report, diags) = finish(analyze(&docs, config), diags);
    Ok((report, diags, docs))
}

/// The analyses of `config` of texts held in memory, each with its name: the library's entry
/// point when the text is not in files. Byte offsets in the report are those of each text.
/// Documents are sorted by name; of two with one name, the second is skipped with a warning. A
/// text over the read limit (`config.read().limit()`, 256 MiB by default) is skipped with an
/// error, as a file would be.
///
/// ```
/// let config = dedupe::Config::default();
/// let para = "The committee met on Monday to discuss the budget for the coming year in detail.";
/// let (report, _diagnostics) = dedupe::pipeline::analyze_texts(
///     [("a", format!("{para}\n\nSomething else.\n\n{para}")), ("b", "Nothing shared.".into())],
///     &config,
/// );
/// assert_eq!(report.repeats.len(), 1);
/// assert_eq!(report.repeats[0].path, "a");
/// assert_eq!(report.documents.len(), 2);
/// ```
pub fn analyze_texts<N, T>(
    texts: impl IntoIterator<Item = (N, T)>,
    config: &Config,
) -> (Report, Vec<Diagnostic>)
where
    N: Into<String>,
    T: Into<String>,
{
    let (mut docs, mut diags) = (Vec::new(), Vec::new());
    for (name, text) in texts {
        let (name, text) = (name.into(), text.into());
        let len = text.len() as u64;
        if len > config.read.limit() {
            diags.push(Diagnostic {
                path: name,
                line: None,
                severity: corpus::Severity::Error,
                message: config.read.over_limit("text", len),
            });
            continue;
        }
        docs.push(Document::from_text(name, text));
    }
    corpus::finish(&mut docs, &mut diags);
    finish(analyze(&docs, config), diags)
}

/// The passage stage's parameters for a corpus of `num_documents` under `config`.
pub fn overlap_params(config: &Config, num_documents: usize) -> overlap::Params {
    overlap::Params {
        min_words: config.min_overlap,
        max_gap: config.overlap_gap,
        max_docs: boilerplate::recurrence_bar(num_documents).max(16),
        min_density: 0.4,
        min_seeds: 3,
    }
}

/// Sorts the diagnostics and copies them into the report's warnings.
fn finish(mut report: Report, mut diags: Vec<Diagnostic>) -> (Report, Vec<Diagnostic>) {
    diags.sort();
    diags.dedup();
    report.warnings = diags.iter().map(ToString::to_string).collect();
    (report, diags)
}

fn params(config: &Config, num_documents: usize) -> report::Params {
    report::Params {
        threshold: config.threshold,
        shingle: config.shingle,
        num_perm: config.num_perm,
        bands: config.banding.bands,
        rows: config.banding.rows,
        seed: config.seed,
        min_overlap: config.min_overlap,
        overlap_gap: config.overlap_gap,
        fp_weight: config.fp_weight,
        fn_weight: config.fn_weight,
        recall_at_threshold: Rounded(config.banding.candidate_probability(config.threshold)),
        recurrence_bar: boilerplate::recurrence_bar(num_documents),
        mode: config.analyses.label(),
        analyses: config.analyses,
        num_documents,
    }
}

fn empty_report(config: &Config, num_documents: usize) -> Report {
    Report::empty(params(config, num_documents))
}

/// The pairs and their clusters (as [`verify::clusters`] makes them), named.
fn near_duplicate_lists(
    names: &[&str],
    pairs: &[verify::Pair],
    clusters: &[Vec<DocId>],
) -> (Vec<report::NearDuplicate>, Vec<report::Cluster>) {
    let clusters = clusters
        .iter()
        .map(|c| report::Cluster {
            members: c.iter().map(|d| names[d.index()].to_string()).collect(),
        })
        .collect();
    let mut named: Vec<report::NearDuplicate> = pairs
        .iter()
        .map(|p| report::NearDuplicate {
            a: names[p.a.index()].to_string(),
            b: names[p.b.index()].to_string(),
            jaccard: Rounded(p.jaccard),
            estimate: Rounded(p.estimate),
        })
        .collect();
    named.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    (named, clusters)
}

/// The near-duplicate pairs of segmented documents, verified. What it holds (signatures, the
/// shingle sets of candidates) is dropped on return, before the passage stage builds its index.
fn near_duplicates_of(segs: &[Segmented], config: &Config) -> Vec<verify::Pair> {
    let hasher = MinHasher::new(config.num_perm, config.seed);
    let signatures: Vec<Signature> = segs
        .par_iter()
        .map_init(Vec::new, |words, s| {
            words.clear();
            words.extend(s.words.iter().map(|w| w.hash));
            hasher.signature_of_words(words, config.shingle)
        })
        .collect();
    let candidates = lsh::candidates(&signatures, config.banding);
    // Exact shingle sets only for the documents that verification needs.
    let mut needed = vec![false; segs.len()];
    for &(a, b) in &candidates {
        needed[a.index()] = true;
        needed[b.index()] = true;
    }
    let sets: Vec<Vec<u64>> = segs
        .par_iter()
        .zip(&needed)
        .map(|(s, &need)| {
            if need {
                shingle_set(&s.hashes(), config.shingle)
            } else {
                Vec::new()
            }
        })
        .collect();
    verify::verify(
        &candidates,
        &signatures,
        |d| &sets[d.index()],
        config.threshold,
    )
}

/// The analyses of `config` (all of them by default) of documents sorted by name, each name
/// once (as [`corpus::finish`] leaves them; [`analyze_texts`] does that for texts in memory).
/// Originality counts what the analyses made found.
pub fn analyze(docs: &[Document], config: &Config) -> Report {
    let mut report = empty_report(config, docs.len());
    if docs.is_empty() {
        return report;
    }
    let mut timer = Timer::new();
    // Each stage tells the observer it has begun: the passage stage takes most of a full
    // analysis, and a display stuck at "reading" all that while looked hung.
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let begin = |stage: &'static str| config.notify(stage, docs.len(), bytes);
    begin("segmenting");
    let segs: Vec<Segmented> = docs.par_iter().map(|d| Segmented::new(&d.text)).collect();
    timer.lap("segment");
    let run = config.analyses;
    // The overlap and boilerplate stages need the clusters too: copies of one document count
    // once towards how many documents a phrase or a paragraph recurs in.
    let mut copy_of: Vec<u32> = (0..docs.len() as u32).collect();
    if run.near_duplicates || run.overlaps || run.boilerplate {
        begin("near-duplicates");
        let pairs = near_duplicates_of(&segs, config);
        let clusters = verify::clusters(&pairs, docs.len());
        for cluster in &clusters {
            for d in cluster {
                copy_of[d.index()] = cluster[0].0;
            }
        }
        if run.near_duplicates {
            let names: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
            (report.near_duplicates, report.clusters) =
                near_duplicate_lists(&names, &pairs, &clusters);
        }
        timer.lap("near-duplicates");
    }
    let mut found_repeats: Vec<Vec<repeats::Repeat>> = Vec::new();
    if run.repeats {
        begin("repeats");
        found_repeats = segs
            .par_iter()
            .map(|s| repeats::find(s, config.threshold))
            .collect();
        timer.lap("repeats");
    }
    let mut passages = Vec::new();
    if run.overlaps {
        begin("passages");
        let seg_refs: Vec<&Segmented> = segs.iter().collect();
        let ties: Vec<u64> = docs
            .par_iter()
            .map(|d| crate::hash::hash_bytes(d.text.as_bytes()))
            .collect();
        let params = overlap_params(config, docs.len());
        passages = overlap::find_tied(&seg_refs, &ties, &copy_of, params);
        timer.lap("overlaps");
    }
    let mut found_boilerplate = Vec::new();
    if run.boilerplate {
        begin("boilerplate");
        let texts: Vec<(&str, &Segmented)> =
            docs.iter().map(|d| d.text.as_str()).zip(&segs).collect();
        found_boilerplate = boilerplate::find(&texts, &copy_of);
        timer.lap("boilerplate");
    }
    begin("assembling");
    let mut coverage: Vec<Coverage> = segs.iter().map(|s| Coverage::new(s.words.len())).collect();
    let here = |d: usize, span: Span| locate(&docs[d], &segs[d], span);
    for (d, found) in found_repeats.iter().enumerate() {
        let seg = &segs[d];
        for r in found {
            let (copy, original) = (&seg.paragraphs[r.copy], &seg.paragraphs[r.original]);
            coverage[d].mark_words(copy.words.clone(), Kind::Repeat);
            report.repeats.push(report::Repeat {
                path: docs[d].name.clone(),
                copy: here(d, copy.span),
                original: here(d, original.span),
                similarity: Rounded(r.similarity),
                words: copy.word_count(),
                copy_paragraph: r.copy,
                original_paragraph: r.original,
            });
        }
    }
    for (d, found) in found_boilerplate.iter().enumerate() {
        for s in found {
            coverage[d].mark_span(&segs[d], s.span, Kind::Boilerplate);
            let words = segs[d].word_at(s.span.end) - segs[d].word_at(s.span.start);
            report.boilerplate.push(report::Boilerplate {
                path: docs[d].name.clone(),
                at: here(d, s.span),
                words,
                reason: s.reason,
                text: docs[d].text[s.span.range()].to_string(),
            });
        }
    }
    // A short passage (under 40 words) with fewer than `--min-overlap` words outside
    // boilerplate on one side is a site's furniture that two of its pages share (a newsletter
    // promo, a share line): reported as boilerplate, not again as a passage (13 of an editor's
    // 49 passages). Long ones stay: text copied into many documents recurs (on PAN13, dropping
    // passages of any length so cost 0.83 -> 0.79; short ones only, +0.001).
    let outside = |d: DocId, words: &std::ops::Range<usize>| {
        words.len() - coverage[d.index()].marked(words.clone(), Kind::Boilerplate)
    };
    passages.retain(|p| {
        p.a_words.len().max(p.b_words.len()) >= overlap::LOOSE_MIN_WORDS as usize
            || (outside(p.a, &p.a_words) >= config.min_overlap
                && outside(p.b, &p.b_words) >= config.min_overlap)
    });
    for p in &passages {
        coverage[p.a.index()].mark_words(p.a_words.clone(), Kind::Overlap);
        coverage[p.b.index()].mark_words(p.b_words.clone(), Kind::Overlap);
    }
    // In parallel: a corpus that shares much has hundreds of thousands of passages, each with
    // its text copied out.
    report.overlaps = passages
        .par_iter()
        .map(|p| {
            let (a, b) = (p.a.index(), p.b.index());
            let span = |d: usize, words: &std::ops::Range<usize>| {
                let span = segs[d].words_span(words.start, words.end);
                with_clinging_punctuation(&docs[d].text, span)
            };
            let (span_a, span_b) = (span(a, &p.a_words), span(b, &p.b_words));
            let path_loc = |d: usize, span: Span| {
                let loc = here(d, span);
                report::PathLoc {
                    path: docs[d].name.clone(),
                    lines: loc.lines,
                    bytes: loc.bytes,
                }
            };
            report::Overlap {
                a: path_loc(a, span_a),
                b: path_loc(b, span_b),
                words: p.a_words.len(),
                similarity: Rounded(p.similarity),
                text: docs[a].text[span_a.range()].to_string(),
                b_words: p.b_words.len(),
                b_excerpt: report::excerpt(&docs[b].text[span_b.range()]),
            }
        })
        .collect();
    report.documents = docs
        .iter()
        .zip(&segs)
        .zip(&coverage)
        .map(|((doc, seg), cov)| {
            let s = cov.score();
            report::DocumentSummary {
                path: doc.name.clone(),
                words: s.words,
                paragraphs: seg.paragraphs.len(),
                originality: Rounded(s.originality),
                repeated_words: s.repeated,
                overlap_words: s.overlap,
                boilerplate_words: s.boilerplate,
            }
        })
        .collect();
    timer.lap("assemble");
    report
}

/// Lines and raw bytes of a span of a document.
fn locate(doc: &Document, seg: &Segmented, span: Span) -> Loc {
    Loc {
        lines: seg.lines.line_range(span),
        bytes: [doc.offsets.raw(span.start), doc.offsets.raw(span.end)],
    }
}

/// What the streaming mode keeps of a document.
struct Hashed {
    name: String,
    signature: Signature,
    fingerprint: u64,
    place: Place,
}

/// A hash of every word hash in order: two documents with the same words have the same
/// fingerprint, and two with the same fingerprint the same words, barring a 64-bit collision.
fn fingerprint(words: &[u64]) -> u64 {
    crate::hash::combine_all(words.iter().copied())
}

thread_local! {
    /// A worker's room for word hashes, reused from document to document.
    static WORDS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Near-duplicates only, holding signatures but not text: one pass computes signatures, a second
/// pass re-reads only the documents of candidate pairs to verify them exactly.
fn near_duplicates_streaming(
    inputs: &[Input],
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Report {
    let mut timer = Timer::new();
    let hasher = MinHasher::new(config.num_perm, config.seed);
    let places = Places::new(inputs);
    let mut hashed: Vec<Hashed> = Vec::new();
    let (mut done, mut bytes) = (0usize, 0u64);
    // Each document is hashed by the worker that decoded it, and its text dropped there.
    let hash = |doc: &mut Document| {
        let text = std::mem::take(&mut doc.text);
        WORDS.with_borrow_mut(|room| {
            let words = word_hashes(&text, room);
            let hashed = Hashed {
                signature: hasher.signature_of_words(words, config.shingle),
                fingerprint: fingerprint(words),
                place: places.of(doc).expect("streamed from these inputs"),
                name: String::new(),
            };
            (hashed, text.len() as u64)
        })
    };
    corpus::stream_with(inputs, &config.read, BATCH_BYTES, &hash, |batch, d| {
        diags.extend(d);
        done += batch.len();
        hashed.extend(batch.into_iter().map(|(doc, (h, len))| {
            bytes += len;
            Hashed {
                name: doc.name,
                ..h
            }
        }));
        config.notify("hashing", done, bytes);
    });
    hashed.par_sort_by(|a, b| a.name.cmp(&b.name));
    hashed.dedup_by(|a, b| a.name == b.name);
    let mut report = empty_report(config, hashed.len());
    let signatures: Vec<Signature> = hashed
        .iter_mut()
        .map(|h| std::mem::replace(&mut h.signature, Signature(Box::new([]))))
        .collect();
    timer.lap("signatures");
    let candidates = lsh::candidates(&signatures, config.banding);
    timer.lap("candidates");
    if candidates.is_empty() {
        return report;
    }
    // Two documents with the same words (an equal fingerprint, a 64-bit hash of every word hash
    // in order; never for empty documents, which are no candidates) have Jaccard 1 and need no
    // second reading: exact copies are common in real corpora.
    let same_words = |a: DocId, b: DocId| {
        let (x, y) = (&hashed[a.index()], &hashed[b.index()]);
        x.fingerprint == y.fingerprint && !signatures[a.index()].is_empty()
    };
    // Second pass: shingle sets of the other documents in candidate pairs, read again by place
    // (in file order). A pair is verified as soon as both its sets are in, and a set is dropped
    // once its last pair is verified, so that memory follows the pairs still open, not all of
    // them.
    let to_read: Vec<(DocId, DocId)> = candidates
        .iter()
        .copied()
        .filter(|&(a, b)| !same_words(a, b))
        .collect();
    let mut needed: Vec<usize> = to_read
        .iter()
        .flat_map(|&(a, b)| [a.index(), b.index()])
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let at = |d: DocId| needed.binary_search(&d.index()).expect("a needed document");
    let pair_at: Vec<(usize, usize)> = to_read.iter().map(|&(a, b)| (at(a), at(b))).collect();
    let mut pairs_of: Vec<Vec<usize>> = vec![Vec::new(); needed.len()];
    for (p, &(x, y)) in pair_at.iter().enumerate() {
        pairs_of[x].push(p);
        pairs_of[y].push(p);
    }
    let mut open: Vec<usize> = pairs_of.iter().map(Vec::len).collect();
    let mut sets: Vec<Option<Vec<u64>>> = vec![None; needed.len()];
    let mut read = vec![false; needed.len()];
    let mut verified: Vec<Option<f64>> = vec![None; to_read.len()];
    let wanted: Vec<Place> = needed.iter().map(|&i| hashed[i].place).collect();
    let mut changed = Vec::new();
    let (mut done, mut bytes) = (0usize, 0u64);
    let set_of = |w: usize, text: String| {
        WORDS.with_borrow_mut(|room| {
            let words = word_hashes(&text, room);
            let same = fingerprint(words) == hashed[needed[w]].fingerprint;
            (
                w,
                shingle_set(words, config.shingle),
                same,
                text.len() as u64,
            )
        })
    };
    corpus::reread(inputs, &wanted, &config.read, BATCH_BYTES, &set_of, |out| {
        done += out.len();
        bytes += out.iter().map(|o| o.3).sum::<u64>();
        let mut ready = Vec::new();
        for (w, set, same, _) in out {
            if !same {
                changed.push(needed[w]);
            }
            read[w] = true;
            sets[w] = Some(set);
            ready.extend(pairs_of[w].iter().copied().filter(|&p| {
                let (x, y) = pair_at[p];
                sets[x].is_some() && sets[y].is_some()
            }));
        }
        // A pair with both documents in this batch is found from each.
        ready.sort_unstable();
        ready.dedup();
        let set = |w: usize| sets[w].as_deref().expect("read");
        let exact: Vec<f64> = ready
            .par_iter()
            .map(|&p| jaccard(set(pair_at[p].0), set(pair_at[p].1)))
            .collect();
        for (&p, j) in ready.iter().zip(exact) {
            verified[p] = Some(j);
            for w in [pair_at[p].0, pair_at[p].1] {
                open[w] -= 1;
                if open[w] == 0 {
                    sets[w] = None;
                }
            }
        }
        config.notify("verifying", done, bytes);
    });
    timer.lap(&format!("second pass ({} documents)", needed.len()));
    let gone = (0..needed.len()).filter(|&w| !read[w]).map(|w| needed[w]);
    for (i, why) in changed
        .iter()
        .map(|&i| {
            (
                i,
                "changed while being read; verified against the second reading",
            )
        })
        .chain(gone.map(|i| (i, "could not be read again; its pairs were not verified")))
    {
        diags.push(Diagnostic {
            path: hashed[i].name.clone(),
            line: None,
            severity: corpus::Severity::Warning,
            message: why.into(),
        });
    }
    let names: Vec<&str> = hashed.iter().map(|h| h.name.as_str()).collect();
    let by_pair: ahash::AHashMap<(DocId, DocId), f64> = to_read
        .iter()
        .zip(&verified)
        .filter_map(|(&pair, j)| Some((pair, (*j)?)))
        .collect();
    // A pair left unverified (a document could not be read again) is not reported.
    let exact = |a: DocId, b: DocId| {
        if same_words(a, b) {
            1.0
        } else {
            by_pair.get(&(a, b)).copied().unwrap_or(0.0)
        }
    };
    let pairs = verify::verify_with(&candidates, &signatures, exact, config.threshold);
    let clusters = verify::clusters(&pairs, names.len());
    (report.near_duplicates, report.clusters) = near_duplicate_lists(&names, &pairs, &clusters);
    timer.lap("verify");
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_in_memory_are_sorted_and_named_once() {
        let para =
            "The committee met on Monday to discuss the budget for the coming year in detail.";
        let (report, diags) = analyze_texts(
            [
                ("z", para),
                ("a", para),
                ("a", "Another text of the same name."),
            ],
            &Config::default(),
        );
        let names: Vec<&str> = report.documents.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(names, ["a", "z"]);
        assert_eq!(diags.len(), 1);
        assert!(report.warnings[0].contains("a second document of this name"));
        // "a" is the first given: the same paragraph as "z".
        assert_eq!(report.near_duplicates.len(), 1);
    }

    #[test]
    fn a_text_over_the_read_limit_is_skipped_with_an_error() {
        let read = corpus::ReadOptions {
            max_file_bytes: 10,
            ..corpus::ReadOptions::default()
        };
        let config = Config::builder().read(read).build().unwrap();
        let (report, diags) =
            analyze_texts([("long", "eleven bytes"), ("short", "ten bytes")], &config);
        let names: Vec<&str> = report.documents.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(names, ["short"]);
        assert_eq!(diags.len(), 1);
        assert!(report.warnings[0].starts_with("error: long: text of 12 bytes is over"));
    }

    #[test]
    fn each_analysis_stage_is_announced_as_it_begins() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let observer =
            crate::config::Observer(std::sync::Arc::new(move |p| sink.lock().unwrap().push(p)));
        let config = Config::default().with_progress(Some(observer));
        analyze_texts([("a", "One text."), ("b", "Another.")], &config);
        let got: Vec<(&str, usize, u64)> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|p| (p.stage, p.documents, p.bytes))
            .collect();
        let stages = [
            "segmenting",
            "near-duplicates",
            "repeats",
            "passages",
            "boilerplate",
            "assembling",
        ];
        assert_eq!(got, stages.map(|s| (s, 2, 17)));
    }
}
