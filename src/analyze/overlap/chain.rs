//! Chaining: the hits of one document pair into passages.

use super::index::Hit;
use super::{Params, Passage, StopWords, LOOSE_MIN_WORDS};
use crate::analyze::repeats::aligned_similarity;
use crate::segment::{Paragraph, Segmented};
use crate::types::DocId;
use std::ops::Range;

/// A passage whose seeds cover at least this share of its words is reported at any length from
/// `min_words` on: near-verbatim reuse.
const CLOSE_DENSITY: f64 = 0.7;

/// Least density of either side of a passage: a few words of one document matched, at long
/// intervals, by words spread over a page of the other is no passage.
const SIDE_DENSITY: f64 = 0.2;

/// How much lower than its denser part a merged passage's density may be. 0.35 rather than
/// 0.25 since a merge can no longer stretch a passage by realigning its words (see
/// `MIN_EXTENSION_DENSITY`): PAN13 random obfuscation plagdet 0.808 -> 0.820, verbatim 0.9556 ->
/// 0.9546, seeds unchanged.
const MAX_DILUTION: f64 = 0.35;

/// Least similarity of a reported passage (the Jaccard of its two sides' aligned words): below
/// it, fewer than about one word in four of either side lines up with the other, and the seeds
/// matched words two texts on one subject share in another order. PAN13 overall 0.8283 ->
/// 0.8307 (random obfuscation 0.8115 -> 0.8163, verbatim 0.9590 -> 0.9605): it drops
/// detections outside the cases; at 0.12 0.8300, at 0.17 0.8288, at 0.25 0.8084 (obfuscated
/// copies align poorly).
const MIN_SIMILARITY: f64 = 0.15;

/// A passage shorter than [`LOOSE_MIN_WORDS`] on both sides must align at least this well: a
/// short match must be mostly the same words in the same order (a quote with a word or two
/// changed scores 0.7 and more), where a sentence retold, a stock phrase with its list in
/// another order or two rewritten ledes sharing their names score 0.3–0.5. PAN13 0.8306 ->
/// 0.8381 (no detection left in its 1,000 pairs without reuse; verbatim 0.9613 -> 0.9747, random
/// obfuscation 0.8160 -> 0.8077); 0.5 gave 0.8349, 0.8 gave 0.8434 with random obfuscation at
/// 0.8008, but would drop a 15-word quote with two words changed (0.76).
const SHORT_MIN_SIMILARITY: f64 = 0.6;

/// Chains of one pair within this many `max_gap`s of each other are merged into one passage.
const MERGE_FACTOR: usize = 4;

/// A merge that realigns words of the larger chain on one side may stretch the other side only
/// if the smaller chain's seeds cover this share of the words added there.
const MIN_EXTENSION_DENSITY: f64 = 0.5;

/// Reported passages of one pair within this many `max_gap`s of each other in both documents
/// are joined into one.
const JOIN_FACTOR: usize = 5;

/// A hit whose `b` words the passage already covers may push the passage's end in `a` at most
/// this many words: further, it aligns copied words to a second occurrence in `a` (a date or
/// name the source repeats just after the copied text). The same holds the other way: a hit
/// whose `a` words the passage covers may move its ends in `b` at most this far, so that a
/// chain does not step from one copy of a sentence `b` gives twice to the other (PAN13 overall
/// 0.8270 -> 0.8283: verbatim recall 0.986 -> 0.991).
const REALIGN_SLACK: u32 = 3;

/// A paragraph of at least `APART_FACTOR` × `min_words` words lying wholly between two chains
/// keeps them apart when it holds fewer than `APART_HITS` hits of the pair per content word (a
/// paragraph copied word for word holds about two, one per seed): it is not shared text, however
/// edited. Only hits that land within the passage the two would make on the other side count:
/// an update's edited copy of a paragraph from far above, moved between its last two, bridged
/// them (PAN13 0.8392 -> 0.8390). Bridged, an article's own paragraph between two quoted ones
/// (or between two quotes in swapped order) counted as quoted, and `clean` removed it.
///
/// Heavily obfuscated copies hold few hits too (PAN13's translations and synonym swaps), so the
/// rule splits a few real cases: PAN13 overall 0.8330 unguarded, 0.8307 with these. At 0.25 hits
/// per word (0.8313), or with a rule on the share of the paragraph's words found on the other
/// side (0.8328), an own paragraph on the quotes' subject was still bridged: it shares their
/// names and phrases ("vice president", "Barack Obama").
const APART_FACTOR: usize = 2;
const APART_HITS: f64 = 0.5;

/// Two chains of at least [`LOOSE_MIN_WORDS`] words each, whose seeds cover at least this share
/// of their words, in one order in one document and in the other order in the other, are two
/// passages, not one: two paragraphs copied verbatim and swapped. PAN13 0.8299 -> 0.8300; at
/// [`CLOSE_DENSITY`] (0.7), 0.8292, and with chains of 20 words, 0.8288: the phrases shuffled
/// by its random obfuscation cross too. (So sentences swapped inside a paragraph still make one
/// passage, as other edits of one do.)
const SWAPPED_DENSITY: f64 = 0.9;

/// Words of one document between two chains, at least `APART_FACTOR` × `min_words` of them
/// with fewer than `INSERTED_HITS` hits per content word, keep the chains apart when the other
/// document has at most `1 / INSERTION_FACTOR` as many between them and both chains match at
/// `INSERTION_DENSITY` or more: the words were inserted into copied text (an outlet's own
/// reporting added inside a wire story's paragraph), and bridged they counted as shared, so
/// that `clean --remove overlaps` deleted them. Obfuscated copies (PAN13's random class) drop
/// and insert stretches too, which their annotation counts as reused: at any density the rule
/// cost 0.8289 -> 0.8218 overall; at 0.85 it costs 0.8270 (random obfuscation 0.8140 ->
/// 0.8112, summaries 0.163 -> 0.157).
const INSERTION_FACTOR: u32 = 4;
const INSERTED_HITS: f64 = 0.1;
const INSERTION_DENSITY: f64 = 0.85;

struct Open {
    a: Range<u32>,
    b: Range<u32>,
    covered_a: u32,
    covered_b: u32,
    last_b: u32,
    /// `b − a` position offset of the last hit: the diagonal the passage follows.
    diagonal: i64,
    seeds: usize,
}

impl Open {
    /// This passage and `later` as one: the union of their ranges, their seeds and coverage
    /// added, following `later`'s diagonal.
    fn joined(&self, later: &Open) -> Open {
        Open {
            a: self.a.start.min(later.a.start)..self.a.end.max(later.a.end),
            b: self.b.start.min(later.b.start)..self.b.end.max(later.b.end),
            covered_a: self.covered_a + later.covered_a,
            covered_b: self.covered_b + later.covered_b,
            last_b: self.last_b.max(later.last_b),
            diagonal: later.diagonal,
            seeds: self.seeds + later.seeds,
        }
    }

    /// Shares of the two ranges' words covered by matching seeds.
    fn densities(&self) -> (f64, f64) {
        let (la, lb) = (self.a.len().max(1) as f64, self.b.len().max(1) as f64);
        (
            f64::from(self.covered_a).min(la) / la,
            f64::from(self.covered_b).min(lb) / lb,
        )
    }

    /// Mean share of the two ranges' words covered by matching seeds.
    fn density(&self) -> f64 {
        let (da, db) = self.densities();
        (da + db) / 2.0
    }
}

/// Chains the hits of one document pair (sorted by position in `a`) into passages; `docs` are
/// the pair's two documents.
///
/// A hit joins the open passage that it is close to in both documents (within `max_gap` words)
/// and whose diagonal it is nearest, so two copies of similar text in one document do not mix
/// into one chain.
fn chain(hits: &[Hit], params: Params, docs: [&Segmented; 2], stop: &StopWords) -> Vec<Passage> {
    let gap = params.max_gap as u32;
    // Every chain, in the order made, and the indices of those a later hit may still extend.
    let mut chains: Vec<Open> = Vec::new();
    let mut live: Vec<usize> = Vec::new();
    for h in hits {
        // Hits come in `a` order, so a chain ending more than `gap` words before this hit can
        // grow no more. Dropping it from `live` keeps the search below to the chains nearby:
        // searching all of them made chaining quadratic in a pair's hits (two 300k-word
        // documents of random words sharing scattered hits took 3.5 s, 0.1 s now).
        live.retain(|&i| h.a0 <= chains[i].a.end + gap);
        let diagonal = i64::from(h.b0) - i64::from(h.a0);
        let fits = live
            .iter()
            .copied()
            .filter(|&i| {
                let p = &chains[i];
                h.b0 <= p.b.end + gap
                    && h.b1 + gap >= p.b.start
                    && (p.diagonal - diagonal).unsigned_abs() <= u64::from(gap)
                    && (h.b0 < p.b.start || h.b1 > p.last_b || h.a1 <= p.a.end + REALIGN_SLACK)
                    && (h.a1 > p.a.end
                        || (h.b0 + REALIGN_SLACK >= p.b.start && h.b1 <= p.last_b + REALIGN_SLACK))
            })
            .min_by_key(|&i| {
                let p = &chains[i];
                ((p.diagonal - diagonal).unsigned_abs(), u32::MAX - p.a.end)
            });
        match fits {
            Some(i) => {
                let p = &mut chains[i];
                p.covered_a += h.a1.saturating_sub(p.a.end.max(h.a0));
                // Hits come in `a` order, so `b` coverage is counted against the last `b` end,
                // which is exact for passages copied in order.
                p.covered_b += h.b1.saturating_sub(p.last_b.max(h.b0));
                p.last_b = p.last_b.max(h.b1);
                p.a.end = p.a.end.max(h.a1);
                p.b.start = p.b.start.min(h.b0);
                p.b.end = p.b.end.max(h.b1);
                p.diagonal = diagonal;
                p.seeds += 1;
            }
            None => {
                live.push(chains.len());
                chains.push(Open {
                    a: h.a0..h.a1,
                    b: h.b0..h.b1,
                    covered_a: h.a1 - h.a0,
                    covered_b: h.b1 - h.b0,
                    last_b: h.b1,
                    diagonal,
                    seeds: 1,
                });
            }
        }
    }
    // A chain of one seed is a chance match: merging it could stretch a passage past the end of
    // what was reused.
    chains.retain(|p| p.seeds >= 2);
    // Two chains are one passage only if no long paragraph with few hits lies wholly between
    // them ([`APART_HITS`]) and no long run of words was inserted between them on one side
    // ([`INSERTION_FACTOR`]). Where the hits start in each document, in order, made when first
    // needed.
    // Two long, close copies in swapped order (two paragraphs copied verbatim, each where the
    // other stood) are two passages: joined, two verbatim paragraphs aligned at 0.34.
    // (`SWAPPED_DENSITY`.)
    let swapped = |x: &Open, y: &Open| {
        // (A few words of one may reach into the other: a seed of words the two share.)
        let before = |p: &Range<u32>, q: &Range<u32>| p.end <= q.start + PARAGRAPH_SLACK;
        let crossing = (before(&x.a, &y.a) && before(&y.b, &x.b))
            || (before(&y.a, &x.a) && before(&x.b, &y.b));
        // Long, or whole paragraphs on both sides: two short paragraphs swapped.
        let apart = |p: &Open| {
            p.a.len().min(p.b.len()) >= LOOSE_MIN_WORDS as usize
                || (whole_paragraphs(docs[0], &p.a) && whole_paragraphs(docs[1], &p.b))
        };
        crossing && apart(x) && apart(y) && x.density().min(y.density()) >= SWAPPED_DENSITY
    };
    // Where the hits start on each side, in order, with where they start on the other; made
    // when first needed.
    let placed = std::cell::OnceCell::new();
    let apart = |x: &Open, y: &Open| {
        let [a_placed, b_placed] = placed.get_or_init(|| {
            let a: Vec<(u32, u32)> = hits.iter().map(|h| (h.a0, h.b0)).collect();
            let mut b: Vec<(u32, u32)> = hits.iter().map(|h| (h.b0, h.a0)).collect();
            b.sort_unstable();
            [a, b]
        });
        // A paragraph between the two chains on one side is their own text unless its hits
        // land within the passage the two would make on the other side: hits with a copy of
        // the paragraph elsewhere (an edited paragraph the other document has further up) do
        // not bridge it.
        let extent = |p: &Range<u32>, q: &Range<u32>| {
            let slack = params.max_gap as u32;
            p.start.min(q.start).saturating_sub(slack)..p.end.max(q.end) + slack
        };
        let long = APART_FACTOR * params.min_words;
        let (gap_a, gap_b) = (between(&x.a, &y.a), between(&x.b, &y.b));
        let close = x.density().min(y.density()) >= INSERTION_DENSITY;
        let inserted =
            |gap: &Range<u32>, other: &Range<u32>, seg: &Segmented, placed: &[(u32, u32)]| {
                let words = gap.start as usize..gap.end as usize;
                close
                    && gap.len() >= long
                    && INSERTION_FACTOR * other.len() as u32 <= gap.len() as u32
                    && sparse(
                        seg,
                        &words,
                        hits_within(placed, &words, None),
                        stop,
                        INSERTED_HITS,
                    )
            };
        let own = |seg: &Segmented, p: &Paragraph, placed: &[(u32, u32)], other: Range<u32>| {
            let hits = hits_within(placed, &p.words, Some(other));
            sparse(seg, &p.words, hits, stop, APART_HITS)
        };
        swapped(x, y)
            || inserted(&gap_a, &gap_b, docs[0], a_placed)
            || inserted(&gap_b, &gap_a, docs[1], b_placed)
            || paragraphs_between(docs[0], &x.a, &y.a, long)
                .any(|p| own(docs[0], p, a_placed, extent(&x.b, &y.b)))
            || paragraphs_between(docs[1], &x.b, &y.b, long)
                .any(|p| own(docs[1], p, b_placed, extent(&x.a, &y.a)))
    };
    let merged = merge_nearby(chains, (MERGE_FACTOR * params.max_gap) as u32, apart);
    let kept: Vec<Open> = merged
        .into_iter()
        .filter(|p| {
            let (la, lb) = (p.a.len() as u32, p.b.len() as u32);
            let min = params.min_words as u32;
            if la < min || lb < min || p.seeds < params.min_seeds {
                return false;
            }
            let density = p.density();
            // Loosely matching text must be long to count: short, loose matches are what two
            // articles on one topic share without any reuse. The longer side counts: an
            // obfuscated copy often drops many of its source's words.
            let (da, db) = p.densities();
            // A short match twice as long on one side as on the other is a paraphrase (a
            // sentence retold in other words), not text the two documents share.
            let short = la.max(lb) < LOOSE_MIN_WORDS;
            da.min(db) >= SIDE_DENSITY
                && !(short && la.max(lb) > 2 * la.min(lb))
                && (density >= CLOSE_DENSITY
                    || (la.max(lb) >= LOOSE_MIN_WORDS && density >= params.min_density))
        })
        .collect();
    let (a, b) = (DocId(hits[0].a), DocId(hits[0].b));
    join_reported(kept, (JOIN_FACTOR * params.max_gap) as u32, apart)
        .into_iter()
        .map(|p| Passage {
            a,
            b,
            a_words: p.a.start as usize..p.a.end as usize,
            b_words: p.b.start as usize..p.b.end as usize,
            similarity: p.density(),
        })
        .collect()
}

/// Joins passages of one pair, each strong enough to report on its own, that lie within `gap`
/// words of each other in both documents, unless they are `apart`: the fragments of one reused
/// passage whose sentences were edited or reordered are one finding.
fn join_reported(
    mut found: Vec<Open>,
    gap: u32,
    apart: impl Fn(&Open, &Open) -> bool,
) -> Vec<Open> {
    found.sort_by_key(|p| (p.a.start, p.b.start));
    // Two alignments of the same words are not fragments of one passage.
    let near = |x: &Range<u32>, y: &Range<u32>| {
        x.start <= y.end + gap
            && y.start <= x.end + gap
            && 2 * shared(x, y) < x.len().min(y.len()) as u32
    };
    let mut out: Vec<Open> = Vec::with_capacity(found.len());
    for p in found {
        let mut cur = p;
        // Joining grows a passage, which may bring it near one joined before.
        while let Some(i) = out
            .iter()
            .position(|q| near(&q.a, &cur.a) && near(&q.b, &cur.b) && !apart(q, &cur))
        {
            cur = out.swap_remove(i).joined(&cur);
        }
        out.push(cur);
    }
    out
}

/// Merges chains of one pair that lie within `gap` words of each other in both documents, unless
/// they are `apart`: one reused passage with a heavily edited stretch is still one finding.
fn merge_nearby(mut found: Vec<Open>, gap: u32, apart: impl Fn(&Open, &Open) -> bool) -> Vec<Open> {
    found.sort_by_key(|p| (p.a.start, p.b.start));
    let mut out: Vec<Open> = Vec::with_capacity(found.len());
    for p in found {
        if let Some(last) = out.last_mut() {
            let near_a = p.a.start <= last.a.end + gap;
            let near_b = p.b.start <= last.b.end + gap && p.b.end + gap >= last.b.start;
            let mut merged = last.joined(&p);
            // Bridging must not dilute a close match into a loose one: a verbatim quote does
            // not annex a stock phrase three lines up.
            let dense = merged.density() + MAX_DILUTION >= last.density().max(p.density());
            // A smaller chain that mostly realigns words of the larger one on one side (the
            // source repeats a phrase, say) may stretch the other side only if its seeds cover
            // what it adds there: a stray pair of words twenty words off does not extend a
            // verbatim copy.
            let (big, small) = if last.seeds >= p.seeds {
                (&*last, &p)
            } else {
                (&p, &*last)
            };
            let realigns = 2 * shared(&small.a, &big.a) >= small.a.len() as u32
                || 2 * shared(&small.b, &big.b) >= small.b.len() as u32;
            let covers = |covered: u32, added: usize| {
                added == 0 || f64::from(covered) >= MIN_EXTENSION_DENSITY * added as f64
            };
            let worth = !realigns
                || (covers(small.covered_a, merged.a.len() - big.a.len())
                    && covers(small.covered_b, merged.b.len() - big.b.len()));
            // The same words of one document copied verbatim at two places of the other (a
            // quote it gives twice) are two passages: merged, the words between the two copies
            // counted as shared, and `clean --remove overlaps` removed them. (Looser chains
            // overlapping so are one edited passage more often: on PAN13's random obfuscation,
            // keeping every such pair apart cost 0.816 -> 0.806.)
            let twice = |x: (&Range<u32>, &Range<u32>), y: (&Range<u32>, &Range<u32>)| {
                10 * shared(x.0, y.0) >= 9 * x.0.len().min(y.0.len()) as u32
                    && shared(x.1, y.1) == 0
            };
            let verbatim = small.density().min(big.density()) >= CLOSE_DENSITY;
            let copies = verbatim
                && (twice((&small.a, &small.b), (&big.a, &big.b))
                    || twice((&small.b, &small.a), (&big.b, &big.a)));
            if near_a && near_b && dense && worth && !copies && !apart(last, &p) {
                std::mem::swap(last, &mut merged);
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// The paragraphs of `seg` of at least `min_words` words wholly between the word ranges `x` and
/// `y`, touching neither.
fn paragraphs_between<'s>(
    seg: &'s Segmented,
    x: &Range<u32>,
    y: &Range<u32>,
    min_words: usize,
) -> impl Iterator<Item = &'s Paragraph> {
    let (start, end) = (x.end.min(y.end) as usize, x.start.max(y.start) as usize);
    let first = seg.paragraphs.partition_point(|p| p.words.start < start);
    seg.paragraphs[first..]
        .iter()
        .take_while(move |p| p.words.end <= end)
        .filter(move |p| p.word_count() >= min_words)
}

/// How many words a chain may fall short of a paragraph's edge, or reach past it: a chain
/// starts and ends on content words, and a seed may join words on both sides of an edge.
const PARAGRAPH_SLACK: u32 = 3;

/// Whether the words `words` of `seg` run from a paragraph's start to a paragraph's end, give
/// or take [`PARAGRAPH_SLACK`] words.
fn whole_paragraphs(seg: &Segmented, words: &Range<u32>) -> bool {
    let near = |at: u32, edge: fn(&Paragraph) -> usize| {
        let from = at.saturating_sub(PARAGRAPH_SLACK) as usize;
        let i = seg.paragraphs.partition_point(|p| edge(p) < from);
        seg.paragraphs
            .get(i)
            .is_some_and(|p| edge(p) <= (at + PARAGRAPH_SLACK) as usize)
    };
    near(words.start, |p| p.words.start) && near(words.end, |p| p.words.end)
}

/// The words strictly between two ranges (empty when they touch or overlap).
fn between(x: &Range<u32>, y: &Range<u32>) -> Range<u32> {
    let (start, end) = (x.end.min(y.end), x.start.max(y.start));
    start..end.max(start)
}

/// Whether the words `words` of `seg` hold fewer than `most` of `hits` per content word.
fn sparse(seg: &Segmented, words: &Range<usize>, hits: usize, stop: &StopWords, most: f64) -> bool {
    let content = seg.words[words.clone()]
        .iter()
        .filter(|w| !stop.contains(w.hash))
        .count();
    (hits as f64) < most * content as f64
}

/// How many of the hits `placed` (where each starts on one side, in order, and where on the
/// other) start within the words `words` on the first side, and within `other` on the second
/// if given.
fn hits_within(placed: &[(u32, u32)], words: &Range<usize>, other: Option<Range<u32>>) -> usize {
    let at = |w: usize| placed.partition_point(|&(s, _)| (s as usize) < w);
    let here = &placed[at(words.start)..at(words.end)];
    match other {
        None => here.len(),
        Some(other) => here.iter().filter(|&&(_, o)| other.contains(&o)).count(),
    }
}

/// Number of positions two ranges share.
fn shared(x: &Range<u32>, y: &Range<u32>) -> u32 {
    x.end.min(y.end).saturating_sub(x.start.max(y.start))
}

/// The passages of one document pair from its hits (sorted by position in `a`): chained, then
/// grown over the words the two documents share exactly at each end.
///
/// Chaining follows one document (hits come in its order), and where passages end can differ by
/// a few words from one side to the other. So that they do not hang on the documents' names
/// (which one is `a`), the pair is chained from the shorter document (the one whose words,
/// `texts`, hash lower when they are as long). On PAN13 this costs 0.0014 against chaining from
/// the source document, which its names put first (0.8293 against 0.8307 overall); from the
/// longer document, or by hash alone, 0.8272.
pub(super) fn passages(
    hits: &[Hit],
    params: Params,
    docs: &[&Segmented],
    texts: &[u64],
    stop: &StopWords,
) -> Vec<Passage> {
    let (x, y) = (hits[0].a as usize, hits[0].b as usize);
    let (a, b) = (docs[x], docs[y]);
    let found = if (b.words.len(), texts[y]) < (a.words.len(), texts[x]) {
        let mut flipped: Vec<Hit> = hits
            .iter()
            .map(|h| Hit {
                a: h.b,
                b: h.a,
                a0: h.b0,
                a1: h.b1,
                b0: h.a0,
                b1: h.a1,
            })
            .collect();
        // Stable, so runs already in order (a passage copied in order) cost a pass.
        flipped.sort_by_key(|h| (h.a0, h.b0, h.a1, h.b1));
        chain(&flipped, params, [b, a], stop)
            .into_iter()
            .map(|p| Passage {
                a: p.b,
                b: p.a,
                a_words: p.b_words,
                b_words: p.a_words,
                similarity: p.similarity,
            })
            .collect()
    } else {
        chain(hits, params, [a, b], stop)
    };
    // Chaining measures a passage by the share of its words its seeds cover, which counts a
    // changed word between two seed words as matched (two differently worded sentences scored
    // 1.0); the reported similarity is that of the words themselves, in order.
    // A passage is measured, and dropped if it aligns too poorly, before it may shadow another:
    // a reordered alignment shadowed a verbatim quote, then went itself.
    let measured = found
        .into_iter()
        .filter_map(|p| {
            let mut p = extended(p, a, b);
            let short = p.a_words.len().max(p.b_words.len()) < LOOSE_MIN_WORDS as usize;
            let least = if short {
                SHORT_MIN_SIMILARITY
            } else {
                MIN_SIMILARITY
            };
            match aligned_similarity(&a.words[p.a_words.clone()], &b.words[p.b_words.clone()]) {
                Some(s) if s < least => None,
                Some(s) => {
                    p.similarity = s;
                    Some(p)
                }
                None => Some(p),
            }
        })
        .collect();
    drop_shadowed(measured)
}

/// `p` grown over the words that match exactly on both sides at each end: the seeds are content
/// words, so a passage found from them starts and ends at one; the stop words (and any other
/// words) both documents share right around it are part of what they share. It does not grow
/// into another paragraph: a passage ending with its paragraph took the next one's "The".
fn extended(mut p: Passage, a: &Segmented, b: &Segmented) -> Passage {
    let same = |i: usize, j: usize| a.words[i].hash == b.words[j].hash;
    let opens = |seg: &Segmented, i: usize| {
        seg.paragraphs
            .binary_search_by_key(&i, |p| p.words.start)
            .is_ok()
    };
    while p.a_words.start > 0
        && p.b_words.start > 0
        && !opens(a, p.a_words.start)
        && !opens(b, p.b_words.start)
        && same(p.a_words.start - 1, p.b_words.start - 1)
    {
        p.a_words.start -= 1;
        p.b_words.start -= 1;
    }
    while p.a_words.end < a.words.len()
        && p.b_words.end < b.words.len()
        && !opens(a, p.a_words.end)
        && !opens(b, p.b_words.end)
        && same(p.a_words.end, p.b_words.end)
    {
        p.a_words.end += 1;
        p.b_words.end += 1;
    }
    p
}

/// Drops a passage when a longer passage of the same pair covers half of it in either document:
/// it is a second, weaker alignment of text already reported. (So the second of a quote's two
/// copies in one document goes too, and counts as its own words: keeping verbatim second
/// alignments cost PAN13 0.829 -> 0.783, its sources repeat many phrases.)
fn drop_shadowed(mut found: Vec<Passage>) -> Vec<Passage> {
    found.sort_by_key(|p| std::cmp::Reverse(p.a_words.len() + p.b_words.len()));
    let mut out: Vec<Passage> = Vec::with_capacity(found.len());
    let overlap =
        |x: &Range<usize>, y: &Range<usize>| x.end.min(y.end).saturating_sub(x.start.max(y.start));
    for p in found {
        let shadowed = out.iter().any(|q| {
            2 * overlap(&p.a_words, &q.a_words) >= p.a_words.len()
                || 2 * overlap(&p.b_words, &q.b_words) >= p.b_words.len()
        });
        if !shadowed {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::overlap::tests::PARAMS;

    #[test]
    fn a_few_words_matched_across_a_page_are_no_passage() {
        // Twenty words of `a` in a row, each seed found again in `b`, but 50 words apart: with
        // a gap wide enough to bridge them, one chain of 20 words against a thousand.
        let hits: Vec<Hit> = (0..20)
            .map(|i| Hit {
                a: 0,
                b: 1,
                a0: i,
                a1: i + 2,
                b0: 50 * i,
                b1: 50 * i + 2,
            })
            .collect();
        let wide = Params {
            max_gap: 1000,
            ..PARAMS
        };
        assert!(chain(&hits, wide, [&Segmented::new(""); 2], &StopWords::new()).is_empty());
        // The same words matched in a row on both sides are a passage.
        let close: Vec<Hit> = hits
            .iter()
            .map(|h| Hit {
                b0: h.a0 + 7,
                b1: h.a1 + 7,
                ..*h
            })
            .collect();
        assert_eq!(
            chain(&close, wide, [&Segmented::new(""); 2], &StopWords::new()).len(),
            1
        );
    }

    #[test]
    fn a_short_match_must_be_about_as_long_on_both_sides() {
        // Consecutive words of `a` matched by words three apart in `b`: the `b` side is nearly
        // three times as long.
        let spread = |n: u32| -> Vec<Hit> {
            (0..n)
                .map(|i| Hit {
                    a: 0,
                    b: 1,
                    a0: i,
                    a1: i + 2,
                    b0: 3 * i,
                    b1: 3 * i + 2,
                })
                .collect()
        };
        // Short (under 40 words on the longer side): a paraphrase, not a shared passage.
        assert!(chain(
            &spread(12),
            PARAMS,
            [&Segmented::new(""); 2],
            &StopWords::new()
        )
        .is_empty());
        // Long: an obfuscated copy may well drop many of its source's words.
        assert_eq!(
            chain(
                &spread(45),
                PARAMS,
                [&Segmented::new(""); 2],
                &StopWords::new()
            )
            .len(),
            1
        );
    }
}
