//! Cross-document overlaps: passages that two different documents share, verbatim or nearly.
//!
//! Seeds are sorted triples of consecutive content words (stop words skipped), so that a swapped,
//! inserted or replaced word breaks few seeds. One index over the whole corpus (a sort by seed
//! hash) pairs the places where a seed occurs in two documents; no two documents are compared
//! unless they share a seed. Seeds found in more than `max_docs` documents are common phrases or
//! boilerplate, not evidence of reuse. Hits of one document pair are then chained into passages,
//! bridging gaps of up to `max_gap` words on both sides, so a changed word does not split a
//! passage in two.

use crate::hash::{combine, fmix64, hash_bytes};
use crate::segment::Segmented;
use crate::types::DocId;
use ahash::AHashSet;
use rayon::prelude::*;
use std::ops::Range;

/// Settings of the overlap stage.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Shortest passage reported, in words, on both sides.
    pub min_words: usize,
    /// Longest run of unmatched words bridged inside one passage.
    pub max_gap: usize,
    /// Seeds found in more documents than this are ignored.
    pub max_docs: usize,
    /// Lowest share of a passage's words covered by matching seeds.
    pub min_density: f64,
    /// Fewest matching seeds in a passage: two shared word triples are a common phrase, not
    /// evidence of reuse.
    pub min_seeds: usize,
}

/// A passage shared by two documents, `a < b`.
#[derive(Clone, Debug, PartialEq)]
pub struct Passage {
    /// First document.
    pub a: DocId,
    /// Second document.
    pub b: DocId,
    /// Word range in `a`.
    pub a_words: Range<usize>,
    /// Word range in `b`.
    pub b_words: Range<usize>,
    /// Mean share of the two ranges' words covered by matching seeds (1.0 for a verbatim copy).
    pub similarity: f64,
}

/// Common English function words. Seeds skip them: they carry no evidence of reuse and they are
/// the words an editor most often changes.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he",
    "her", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "it's", "just", "may",
    "me", "more", "most", "my", "no", "not", "of", "on", "one", "only", "or", "other", "our",
    "out", "over", "said", "says", "she", "should", "so", "some", "such", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "to", "up", "us", "very",
    "was", "we", "were", "what", "when", "where", "which", "while", "who", "will", "with", "would",
    "you", "your",
];

/// The hashes of the stop words, as the segmenter hashes words.
pub fn stop_words() -> AHashSet<u64> {
    STOP_WORDS
        .iter()
        .map(|w| hash_bytes(w.as_bytes()))
        .collect()
}

#[derive(Clone, Copy)]
struct Seed {
    hash: u64,
    doc: u32,
    start: u32,
    end: u32,
}

#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    a: u32,
    b: u32,
    a0: u32,
    a1: u32,
    b0: u32,
    b1: u32,
}

/// Finds the passages shared by documents of `docs` (indexed by [`DocId`]).
pub fn find(docs: &[&Segmented], params: Params) -> Vec<Passage> {
    let stop = stop_words();
    let mut seeds: Vec<Seed> = docs
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, seg)| seeds_of(d as u32, seg, &stop))
        .collect();
    seeds.par_sort_unstable_by_key(|s| {
        (u128::from(s.hash) << 64) | (u128::from(s.doc) << 32) | u128::from(s.start)
    });
    let groups: Vec<&[Seed]> = seeds.chunk_by(|x, y| x.hash == y.hash).collect();
    // Groups are taken in chunks so that hits are collected into one buffer per chunk, not one
    // allocation per seed.
    let hits: Vec<Hit> = groups
        .par_chunks(4096)
        .flat_map_iter(|chunk| {
            let mut hits = Vec::new();
            for g in chunk {
                hits_of(g, params.max_docs, &mut hits);
            }
            hits
        })
        .collect();
    drop(groups);
    drop(seeds);
    // Bucket the hits by their first document (a counting sort, linear), then sort each bucket
    // on its own: many small sorts in parallel beat one large one.
    let mut starts = vec![0usize; docs.len() + 1];
    for h in &hits {
        starts[h.a as usize + 1] += 1;
    }
    for i in 0..docs.len() {
        starts[i + 1] += starts[i];
    }
    let mut next = starts.clone();
    let mut bucketed = vec![Hit::default(); hits.len()];
    for h in hits {
        bucketed[next[h.a as usize]] = h;
        next[h.a as usize] += 1;
    }
    let mut buckets: Vec<&mut [Hit]> = Vec::with_capacity(docs.len());
    let mut rest = bucketed.as_mut_slice();
    for i in 0..docs.len() {
        let (head, tail) = rest.split_at_mut(starts[i + 1] - starts[i]);
        buckets.push(head);
        rest = tail;
    }
    let mut out: Vec<Passage> = buckets
        .into_par_iter()
        .flat_map_iter(|bucket| {
            bucket.sort_unstable_by_key(|h| (u64::from(h.b) << 32 | u64::from(h.a0), h.b0));
            let mut found = Vec::new();
            for pair in bucket.chunk_by(|x, y| x.b == y.b) {
                found.extend(chain(pair, params));
            }
            found
        })
        .collect();
    out.sort_by(|x, y| {
        (x.a, x.b, x.a_words.start, x.b_words.start).cmp(&(
            y.a,
            y.b,
            y.a_words.start,
            y.b_words.start,
        ))
    });
    out
}

fn seeds_of(doc: u32, seg: &Segmented, stop: &AHashSet<u64>) -> Vec<Seed> {
    let content: Vec<usize> = (0..seg.words.len())
        .filter(|&i| !stop.contains(&seg.words[i].hash))
        .collect();
    content
        .windows(3)
        .map(|w| {
            let mut h = [
                seg.words[w[0]].hash,
                seg.words[w[1]].hash,
                seg.words[w[2]].hash,
            ];
            h.sort_unstable();
            Seed {
                hash: fmix64(combine(combine(h[0], h[1]), h[2])),
                doc,
                start: w[0] as u32,
                end: w[2] as u32 + 1,
            }
        })
        .collect()
}

/// Appends the places at which one seed occurs in two different documents.
fn hits_of(group: &[Seed], max_docs: usize, hits: &mut Vec<Hit>) {
    if group.len() < 2 || group[0].doc == group[group.len() - 1].doc {
        return;
    }
    let docs = 1 + group.windows(2).filter(|w| w[0].doc != w[1].doc).count();
    // A phrase repeated many times inside documents multiplies hits; cap the group too.
    if docs > max_docs || group.len() > 4 * max_docs {
        return;
    }
    for (i, x) in group.iter().enumerate() {
        for y in &group[i + 1..] {
            if y.doc != x.doc {
                hits.push(Hit {
                    a: x.doc,
                    b: y.doc,
                    a0: x.start,
                    a1: x.end,
                    b0: y.start,
                    b1: y.end,
                });
            }
        }
    }
}

struct Open {
    a: Range<u32>,
    b: Range<u32>,
    covered_a: u32,
    covered_b: u32,
    last_b: u32,
    seeds: usize,
}

/// Chains the hits of one document pair (sorted by position in `a`) into passages.
fn chain(hits: &[Hit], params: Params) -> Vec<Passage> {
    let gap = params.max_gap as u32;
    let mut open: Vec<Open> = Vec::new();
    for h in hits {
        let fits = open
            .iter_mut()
            .rev()
            .find(|p| h.a0 <= p.a.end + gap && h.b0 <= p.b.end + gap && h.b1 + gap >= p.b.start);
        match fits {
            Some(p) => {
                p.covered_a += h.a1.saturating_sub(p.a.end.max(h.a0));
                // Hits come in `a` order, so `b` coverage is counted against the last `b` end,
                // which is exact for passages copied in order.
                p.covered_b += h.b1.saturating_sub(p.last_b.max(h.b0));
                p.last_b = p.last_b.max(h.b1);
                p.a.end = p.a.end.max(h.a1);
                p.b.start = p.b.start.min(h.b0);
                p.b.end = p.b.end.max(h.b1);
                p.seeds += 1;
            }
            None => open.push(Open {
                a: h.a0..h.a1,
                b: h.b0..h.b1,
                covered_a: h.a1 - h.a0,
                covered_b: h.b1 - h.b0,
                last_b: h.b1,
                seeds: 1,
            }),
        }
    }
    let (a, b) = (DocId(hits[0].a), DocId(hits[0].b));
    open.into_iter()
        .filter_map(|p| {
            let (la, lb) = (p.a.len() as u32, p.b.len() as u32);
            let min = params.min_words as u32;
            if la < min || lb < min || p.seeds < params.min_seeds {
                return None;
            }
            let density = (f64::from(p.covered_a.min(la)) / f64::from(la)
                + f64::from(p.covered_b.min(lb)) / f64::from(lb))
                / 2.0;
            (density >= params.min_density).then_some(Passage {
                a,
                b,
                a_words: p.a.start as usize..p.a.end as usize,
                b_words: p.b.start as usize..p.b.end as usize,
                similarity: density,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMS: Params = Params {
        min_words: 8,
        max_gap: 10,
        max_docs: 16,
        min_density: 0.5,
        min_seeds: 3,
    };

    fn run(texts: &[&str]) -> (Vec<Segmented>, Vec<Passage>) {
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let refs: Vec<&Segmented> = segs.iter().collect();
        let found = find(&refs, PARAMS);
        (segs, found)
    }

    const QUOTE: &str = "we are tackling it and we are dealing with it but it is going to take some time before the numbers change";

    #[test]
    fn a_shared_quote_is_found_in_both_documents() {
        let a = format!("Officials met on Monday to plan. {QUOTE}. Then they left the capital.");
        let b =
            format!("Reporters waited outside all day long. {QUOTE}. Nobody answered questions.");
        let (segs, found) = run(&[&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
        let p = &found[0];
        let text_a = &a[segs[0].words_span(p.a_words.start, p.a_words.end).range()];
        let text_b = &b[segs[1].words_span(p.b_words.start, p.b_words.end).range()];
        assert!(
            text_a.starts_with("tackling") && text_a.ends_with("change"),
            "{text_a}"
        );
        assert_eq!(text_a, text_b);
    }

    #[test]
    fn a_changed_word_does_not_split_the_passage() {
        let text = "the council approved a broad plan to rebuild the harbour district after the storm destroyed most piers and warehouses along the eastern shore of the bay last winter";
        let changed = text.replace("warehouses", "sheds");
        let (_, found) = run(&[text, &changed]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].similarity < 1.0 && found[0].similarity > 0.7);
    }

    #[test]
    fn unrelated_documents_share_nothing() {
        let (_, found) = run(&[
            QUOTE,
            "The committee approved the budget for next year after a long debate in the chamber.",
        ]);
        assert!(found.is_empty());
    }
}
