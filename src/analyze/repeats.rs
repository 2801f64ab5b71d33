//! Repeats inside one document: a paragraph that repeats an earlier one, exactly (the same words
//! after normalisation) or nearly (the Jaccard of their aligned words at or above the threshold).
//!
//! Nearly: two paragraphs are compared word by word, in order. Their longest common subsequence
//! of words, `L`, is what they share; `L / (n + m − L)` is the Jaccard similarity of that
//! alignment, the words both hold over the words either holds (shingles of one word, kept in
//! order and counted with their repeats). It reaches `--threshold` (0.8) with up to one word in
//! nine changed: a 35-word paragraph with two words changed scores 33 / 37 = 0.89, as an
//! editor's lightly edited copy should, where the shingles of several words used before scored
//! it 0.69 (a changed word breaks every shingle it is in, `k` of them). Shingles were also blind
//! to word order in short paragraphs (one-word shingles below 20 words): "nfl home forum … nfl
//! betting" matched "mlb home forum … mlb betting" at 0.80, and the aligned words give 0.67.
//! A paragraph of fewer than [`MIN_NEAR_WORDS`] words repeats only exactly.
//!
//! The passage stage's measure, the share of words covered by shared seeds, is no repeat test:
//! a seed spans a changed word, so it calls "posted by travis on december 30 2007 03 51 pm" and
//! the next comment's byline, or two product blurbs with other prices, near-verbatim (0.7 and
//! up); inside a document those are different lines of one template, and `clean` deletes
//! repeats. A copy the passage stage finds between documents whose words align at the threshold
//! is a repeat within one (but for the sketch's rare misses, see `SKETCH`).

use crate::hash::{combine, fmix64};
use crate::segment::{Segmented, Word};
use crate::shingle::intersection_len;
use ahash::AHashMap;
use std::cell::{OnceCell, RefCell};

/// Paragraphs shorter than this are never reported as repeats (a one-word line recurring is not a
/// repeated paragraph; if it is noise, boilerplate detection sees it).
pub const MIN_WORDS: usize = 5;
/// Paragraphs shorter than this repeat only exactly: parallel lines of 10 to 20 words (an
/// interview's questions, a how-to's steps) differ in the one word that carries their meaning
/// ("the hardest part of the first season" / "… of the second season": 0.85), and `clean`
/// removed the second question.
pub const MIN_NEAR_WORDS: usize = 20;
/// Independent minima of a paragraph's word-pair hashes that index it. Two paragraphs whose
/// word-pair sets have Jaccard `J` share a minimum with probability `J` for each, so with 4 a
/// pair at J = 0.8 is found with probability 1 − 0.2⁴ = 0.998. Two changed words in 35 leave
/// the word pairs at J = 0.79 (found: 0.998); at the threshold's edge, one word in nine changed
/// apart from the others, they are at 0.64 (found: 0.98).
const SKETCH: usize = 4;
/// Paragraphs checked from each end of a sketch key's list. A document of thousands of nearly
/// identical paragraphs puts most of them under the same keys; checking them all is quadratic
/// (4 MB of them took 50 s). The first ones hold the first occurrences, the last the neighbours.
const WINDOW: usize = 32;

/// Steps of alignment a paragraph may spend per word of its own. Aligning paragraphs of `n` and
/// `m ≥ n` words takes `m · (⌈n / 64⌉ + 1)` steps. Only pairs that pass the linear bounds are
/// aligned, but paragraphs whose sentences come back in another order pass them: 8 MB of
/// 5,000-word paragraphs, each ten blocks of one text shuffled, took 22 s. With the budget the
/// stage stays linear in the text (0.3 s for that file, about a second for one of 500-word
/// paragraphs shuffled alike): a 35-word paragraph can be aligned with 32 candidates that pass the bounds, one
/// of 5,000 words with the first that does.
const ALIGN_BUDGET: usize = 64;

/// Most steps a paragraph's first alignment may take beyond its budget: two paragraphs of about
/// 130,000 words each, a quarter of a second.
const FIRST_ALIGN_MAX: usize = 1 << 28;

/// A paragraph that repeats an earlier one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Repeat {
    /// Index of the repeating paragraph.
    pub copy: usize,
    /// Index of the earlier paragraph it repeats (see [`find`] for which one).
    pub original: usize,
    /// 1.0 for an exact repeat, else the Jaccard of the two paragraphs' aligned words:
    /// `L / (n + m − L)` for paragraphs of `n` and `m` words whose longest common subsequence of
    /// words is `L` long.
    pub similarity: f64,
}

/// Finds every paragraph that repeats an earlier paragraph of the same document.
///
/// A copy points at a paragraph it matches itself, never at what that one repeats in turn: one
/// word changed per paragraph drifts, and the tenth paragraph is nothing like the first. Among
/// the paragraphs it matches it points at the first with the same words; else at the earliest
/// paragraph that repeats nothing (so copies of one paragraph point at its first occurrence, which
/// `clean` keeps); else at the earliest copy. Candidates come from the ends of each sketch key's
/// list (32 from each end), so a paragraph is compared with a few hundred others at most, and
/// every repeat reported was compared in full.
pub fn find(seg: &Segmented, threshold: f64) -> Vec<Repeat> {
    let para = |i: usize| &seg.words[seg.paragraphs[i].words.clone()];
    let hashes = |i: usize| para(i).iter().map(|w| w.hash);
    let mut exact: AHashMap<u64, usize> = AHashMap::new();
    let mut buckets: AHashMap<u64, Bucket> = AHashMap::new();
    // Each paragraph's words indexed, made when first compared (most paragraphs never are) and
    // kept.
    let indexed: Vec<OnceCell<Indexed>> = vec![OnceCell::new(); seg.paragraphs.len()];
    let words = |i: usize| indexed[i].get_or_init(|| Indexed::new(hashes(i).collect()));
    let scratch = RefCell::new(Scratch::default());
    let mut out = Vec::new();
    for j in 0..seg.paragraphs.len() {
        let n = para(j).len();
        if n < MIN_WORDS {
            continue;
        }
        let key = hashes(j).fold(n as u64, combine);
        let same = |&&i: &&usize| hashes(i).eq(hashes(j));
        let mut found = exact.get(&key).filter(same).map(|&i| (i, 1.0));
        exact.entry(key).or_insert(j);
        // An exact copy needs no sketch: its first occurrence has the same, and comes earlier.
        if found.is_some() || n < MIN_NEAR_WORDS {
            push(&mut out, j, found);
            continue;
        }
        let sketch = sketch(para(j));
        let lists: Vec<&Bucket> = sketch.iter().filter_map(|k| buckets.get(k)).collect();
        let mut budget = Budget {
            left: ALIGN_BUDGET * n,
            used: false,
        };
        for tier in [FIRSTS, COPIES] {
            let mut candidates: Vec<usize> =
                lists.iter().flat_map(|b| ends(&b.tiers[tier])).collect();
            candidates.sort_unstable();
            candidates.dedup();
            found = candidates.into_iter().find_map(|i| {
                let scratch = &mut scratch.borrow_mut();
                similarity(words(j), words(i), threshold, &mut budget, scratch).map(|s| (i, s))
            });
            if found.is_some() {
                break;
            }
        }
        let tier = if found.is_some() { COPIES } else { FIRSTS };
        for k in sketch {
            buckets.entry(k).or_default().tiers[tier].push(j);
        }
        push(&mut out, j, found);
    }
    out
}

fn push(out: &mut Vec<Repeat>, copy: usize, found: Option<(usize, f64)>) {
    if let Some((original, similarity)) = found {
        out.push(Repeat {
            copy,
            original,
            similarity,
        });
    }
}

/// The paragraphs holding one sketch key, in order, in two tiers: [`FIRSTS`] repeat nothing
/// earlier, [`COPIES`] do. Apart, thousands of copies of a few paragraphs can't push the first
/// occurrences out of the [`WINDOW`].
#[derive(Default)]
struct Bucket {
    tiers: [Vec<usize>; 2],
}
const FIRSTS: usize = 0;
const COPIES: usize = 1;

/// The first and the last [`WINDOW`] entries of a list.
fn ends(list: &[usize]) -> impl Iterator<Item = usize> + '_ {
    let head = list.len().min(WINDOW);
    let tail = list.len().saturating_sub(WINDOW).max(head);
    list[..head].iter().chain(&list[tail..]).copied()
}

/// The paragraph's index keys: for each of [`SKETCH`] salts, the minimum over its word pairs.
fn sketch(words: &[Word]) -> [u64; SKETCH] {
    let mut mins = [u64::MAX; SKETCH];
    for w in words.windows(2) {
        let pair = combine(w[0].hash, w[1].hash);
        for (salt, m) in mins.iter_mut().enumerate() {
            *m = (*m).min(fmix64(pair ^ SALTS[salt]));
        }
    }
    // Keys of different salts never collide with each other.
    for (salt, m) in mins.iter_mut().enumerate() {
        *m = combine(*m, salt as u64);
    }
    mins
}

const SALTS: [u64; SKETCH] = [
    0x51_7cc1_b727_220a,
    0x2545_f491_4f6c_dd1d,
    0x9e37_79b9_7f4a_7c15,
    0xbf58_476d_1ce4_e5b9,
];

/// A paragraph's word hashes, in order and sorted with their positions: a paragraph is compared
/// with many.
#[derive(Clone)]
struct Indexed {
    words: Vec<u64>,
    /// The word hashes, sorted.
    sorted: Vec<u64>,
    /// The position of each word of `sorted`.
    positions: Vec<u32>,
}

impl Indexed {
    fn new(words: Vec<u64>) -> Indexed {
        let mut pairs: Vec<(u64, u32)> = words.iter().zip(0..).map(|(&w, i)| (w, i)).collect();
        pairs.sort_unstable();
        let (sorted, positions) = pairs.into_iter().unzip();
        Indexed {
            words,
            sorted,
            positions,
        }
    }
}

/// The Jaccard similarity of `shared` words aligned between paragraphs of `n` and `m` words.
fn aligned_jaccard(shared: usize, n: usize, m: usize) -> f64 {
    shared as f64 / (n + m - shared) as f64
}

/// The similarity of two paragraphs when it reaches the threshold: the Jaccard of their aligned
/// words (see the module's documentation). Two bounds on the words they can share come first,
/// each linear: the shorter one's length, and the words they hold in common counted with their
/// repeats (order aside), which rules out nearly every pair that does not match. The alignment's
/// steps are taken from `budget`; a pair it can't pay for is not aligned ([`Budget`]).
fn similarity(
    a: &Indexed,
    b: &Indexed,
    threshold: f64,
    budget: &mut Budget,
    scratch: &mut Scratch,
) -> Option<f64> {
    let (n, m) = (a.words.len(), b.words.len());
    let reaches = |shared: usize| aligned_jaccard(shared, n, m) + 1e-12 >= threshold;
    if !reaches(n.min(m)) || !reaches(intersection_len(&a.sorted, &b.sorted)) {
        return None;
    }
    let (short, long) = if n <= m { (a, b) } else { (b, a) };
    let cost = long.words.len() * (short.words.len().div_ceil(64) + 1);
    if !budget.pay(cost) {
        return None;
    }
    let s = aligned_jaccard(lcs(short, long, scratch), n, m);
    (s + 1e-12 >= threshold).then_some(s)
}

/// The Jaccard of the aligned words of two runs of words, `L / (n + m − L)`: the similarity
/// the passage stage reports, measured as repeats are; `None` when aligning them would take more
/// than [`FIRST_ALIGN_MAX`] steps.
pub(crate) fn aligned_similarity(a: &[Word], b: &[Word]) -> Option<f64> {
    aligned_similarity_within(a, b, MASK_WORDS)
}

/// [`aligned_similarity`] building at most `mask_words` words of match masks.
fn aligned_similarity_within(a: &[Word], b: &[Word], mask_words: usize) -> Option<f64> {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return Some(f64::from(u8::from(n == m)));
    }
    fn hashes(words: &[Word]) -> impl DoubleEndedIterator<Item = u64> + ExactSizeIterator + '_ {
        words.iter().map(|w| w.hash)
    }
    // A common start and end are aligned as they are: only what lies between needs the
    // alignment, whose cost grows with the product of the lengths (a passage copied with a
    // few words changed aligns a fraction of its words).
    let head = hashes(a).zip(hashes(b)).take_while(|(x, y)| x == y).count();
    let tail = hashes(&a[head..])
        .rev()
        .zip(hashes(&b[head..]).rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[head..n - tail], &b[head..m - tail]);
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        // One side holds the other whole (a verbatim copy: both empty).
        return Some(aligned_jaccard(head + tail, n, m));
    }
    if long.len() * (short.len().div_ceil(64) + 1) > FIRST_ALIGN_MAX {
        return None;
    }
    if short.len() * short.len().div_ceil(64) > mask_words {
        // A mask per distinct word would take too much memory (two 120k-word passages: 1.8 GB):
        // where each word occurs comes from sorting both sides instead, in memory linear in
        // their lengths.
        let shared = lcs(
            &Indexed::new(hashes(short).collect()),
            &Indexed::new(hashes(long).collect()),
            &mut Scratch::default(),
        );
        return Some(aligned_jaccard(head + shared + tail, n, m));
    }
    thread_local! {
        static MASKS: RefCell<MatchMasks> = RefCell::default();
    }
    let shared = MASKS.with(|masks| {
        let mut masks = masks.borrow_mut();
        masks.fill(hashes(short));
        let MatchMasks { v, .. } = &mut *masks;
        let mut v = std::mem::take(v);
        v.clear();
        v.resize(short.len().div_ceil(64), u64::MAX);
        for w in hashes(long) {
            if let Some(m) = masks.of(w) {
                advance(&mut v, m);
            }
        }
        let shared = matched(&v, short.len());
        masks.v = v;
        shared
    });
    Some(aligned_jaccard(head + shared + tail, n, m))
}

/// Most 64-bit words of match masks [`aligned_similarity`] builds (16 MB a thread, kept): a
/// passage with more words than about 11,000 is aligned from its sorted words instead.
const MASK_WORDS: usize = 1 << 21;

/// Where each word of a sequence occurs in it, as a bit mask per distinct word, found by its
/// hash in an open-addressed table: built once per pair of passages, without sorting (a sort of
/// both sides cost the passage stage half its time again on the 10k bench corpus).
#[derive(Default)]
struct MatchMasks {
    /// `(word, 1 + its number)`, or `(_, 0)` when empty; a power of two long.
    slots: Vec<(u64, u32)>,
    /// `blocks` words of bits per distinct word, in order of numbers.
    bits: Vec<u64>,
    blocks: usize,
    /// The bit-parallel LCS's state, kept for its buffer.
    v: Vec<u64>,
}

impl MatchMasks {
    fn fill(&mut self, words: impl ExactSizeIterator<Item = u64>) {
        let len = words.len();
        self.blocks = len.div_ceil(64);
        self.slots.clear();
        self.slots.resize((2 * len).next_power_of_two(), (0, 0));
        self.bits.clear();
        let mask = self.slots.len() - 1;
        for (i, w) in words.enumerate() {
            let mut at = w as usize & mask;
            let number = loop {
                match self.slots[at] {
                    (_, 0) => {
                        let number = self.bits.len() / self.blocks;
                        self.slots[at] = (w, number as u32 + 1);
                        self.bits.resize(self.bits.len() + self.blocks, 0);
                        break number;
                    }
                    (h, n) if h == w => break n as usize - 1,
                    _ => at = (at + 1) & mask,
                }
            };
            self.bits[number * self.blocks + i / 64] |= 1 << (i % 64);
        }
    }

    fn of(&self, w: u64) -> Option<&[u64]> {
        let mask = self.slots.len() - 1;
        let mut at = w as usize & mask;
        loop {
            match self.slots[at] {
                (_, 0) => return None,
                (h, n) if h == w => {
                    let from = (n as usize - 1) * self.blocks;
                    return Some(&self.bits[from..from + self.blocks]);
                }
                _ => at = (at + 1) & mask,
            }
        }
    }
}

/// Length of the longest common subsequence of `a`'s words and `b`'s, bit-parallel (Hyyrö
/// 2004): a bit per word of `a`, 64 to a machine word, so a pair of 35-word paragraphs costs one
/// addition per word of `b`. A bit of `v` is cleared when its word of `a` is matched. Where each
/// word of `b` occurs in `a` comes from one merge of their sorted words.
fn lcs(a: &Indexed, b: &Indexed, scratch: &mut Scratch) -> usize {
    let blocks = a.words.len().div_ceil(64);
    let Scratch { bits, occurs } = scratch;
    occurs.clear();
    occurs.resize(b.words.len(), (0, 0));
    let mut from = 0;
    for (&w, &at) in b.sorted.iter().zip(&b.positions) {
        from += a.sorted[from..].partition_point(|&h| h < w);
        let len = a.sorted[from..].partition_point(|&h| h == w);
        occurs[at as usize] = (from as u32, (from + len) as u32);
    }
    bits.clear();
    bits.resize(2 * blocks, 0);
    let (v, matches) = bits.split_at_mut(blocks);
    v.fill(u64::MAX);
    for &(lo, hi) in occurs.iter() {
        let at = &a.positions[lo as usize..hi as usize];
        for &i in at {
            matches[i as usize / 64] |= 1 << (i % 64);
        }
        advance(v, matches);
        for &i in at {
            matches[i as usize / 64] = 0;
        }
    }
    matched(v, a.words.len())
}

/// One step of the bit-parallel LCS: `v` after a word of `b` whose places in `a` are the bits
/// of `matches`.
fn advance(v: &mut [u64], matches: &[u64]) {
    let mut carry = false;
    for (v, m) in v.iter_mut().zip(matches) {
        let u = *v & m;
        let (sum, c1) = v.overflowing_add(u);
        let (sum, c2) = sum.overflowing_add(u64::from(carry));
        carry = c1 || c2;
        *v = sum | (*v & !m);
    }
}

/// The words of `a` (`n` of them) matched once the bit-parallel LCS has read all of `b`: the
/// cleared bits of `v`.
fn matched(v: &[u64], n: usize) -> usize {
    let unmatched: usize = v
        .iter()
        .enumerate()
        .map(|(k, &x)| {
            let bits = (n - 64 * k).min(64);
            let mask = if bits == 64 {
                u64::MAX
            } else {
                (1 << bits) - 1
            };
            (x & mask).count_ones() as usize
        })
        .sum();
    n - unmatched
}

/// The alignment steps a paragraph may still spend on its candidates: [`ALIGN_BUDGET`] per word,
/// and its first alignment at any cost up to [`FIRST_ALIGN_MAX`], so that two long paragraphs
/// are compared once (two 4,100-word paragraphs differing in one word cost more than a budget
/// of 64 per word, and were no repeat).
struct Budget {
    left: usize,
    used: bool,
}

impl Budget {
    /// Takes `cost` steps; false when they are more than are left (or, for the first alignment,
    /// more than [`FIRST_ALIGN_MAX`]).
    fn pay(&mut self, cost: usize) -> bool {
        if cost > self.left && (self.used || cost > FIRST_ALIGN_MAX) {
            return false;
        }
        self.used = true;
        self.left = self.left.saturating_sub(cost);
        true
    }
}

/// Buffers of [`lcs`], kept from one alignment to the next.
#[derive(Default)]
struct Scratch {
    bits: Vec<u64>,
    /// For each word of `b`, the range of `a.sorted` holding it.
    occurs: Vec<(u32, u32)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repeats(text: &str) -> Vec<(usize, usize, bool)> {
        find(&Segmented::new(text), 0.8)
            .into_iter()
            .map(|r| (r.copy, r.original, r.similarity == 1.0))
            .collect()
    }

    const A: &str =
        "The pandemic and economic downturn have made migration from Latin America worse.";
    const B: &str =
        "Harris has been engaging with immigration advocates and regional experts on it.";

    #[test]
    fn exact_repeats_point_at_the_first_occurrence() {
        let text = format!("{A}\n\n{B}\n\n{A}\n\n{B}\n\n{A}");
        assert_eq!(repeats(&text), [(2, 0, true), (3, 1, true), (4, 0, true)]);
    }

    #[test]
    fn one_changed_word_in_a_thirty_word_paragraph_is_a_near_repeat() {
        let p: Vec<String> = (0..30).map(|i| format!("word{i}")).collect();
        let mut q = p.clone();
        q[15] = "changed".into();
        let text = format!("{}\n\n{}", p.join(" "), q.join(" "));
        let found = find(&Segmented::new(&text), 0.8);
        assert_eq!(found.len(), 1);
        assert!(found[0].similarity >= 0.8 && found[0].similarity < 1.0);
    }

    /// Paragraphs of `words` distinct words, each with the edits `(position, new word)` listed.
    fn edited(words: usize, edits: &[&[(usize, &str)]]) -> String {
        let paragraphs: Vec<String> = edits
            .iter()
            .map(|changes| {
                let mut p: Vec<String> = (0..words).map(|i| format!("word{i}")).collect();
                for &(at, new) in *changes {
                    p[at] = new.to_string();
                }
                p.join(" ")
            })
            .collect();
        paragraphs.join("\n\n")
    }

    #[test]
    fn parallel_short_lines_are_no_near_repeat() {
        let text = "Q: What was the hardest part of the first season for you?\n\n\
                    A: Losing eleven straight games in December, when nobody believed.\n\n\
                    Q: What was the hardest part of the second season for you?";
        assert_eq!(repeats(text), []);
    }

    #[test]
    fn two_long_paragraphs_are_always_compared_once() {
        let text = edited(4100, &[&[], &[(2000, "changed")]]);
        let found = find(&Segmented::new(&text), 0.8);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].copy, found[0].original), (1, 0));
    }

    /// The longest common subsequence of two word lists, by the textbook dynamic programme.
    fn lcs_reference(a: &[u64], b: &[u64]) -> usize {
        let mut row = vec![0; b.len() + 1];
        for x in a {
            let mut diagonal = 0;
            for (j, y) in b.iter().enumerate() {
                let up = row[j + 1];
                row[j + 1] = if x == y { diagonal + 1 } else { up.max(row[j]) };
                diagonal = up;
            }
        }
        row[b.len()]
    }

    /// Checks what every reported repeat claims against the paragraph it names: an exact one has
    /// its words, a near one the similarity reported, measured from scratch, and it reaches the
    /// threshold.
    fn check_claims(text: &str, threshold: f64) -> Vec<Repeat> {
        let seg = Segmented::new(text);
        let hashes = |i: usize| -> Vec<u64> {
            seg.words[seg.paragraphs[i].words.clone()]
                .iter()
                .map(|w| w.hash)
                .collect()
        };
        let found = find(&seg, threshold);
        for r in &found {
            let (copy, original) = (hashes(r.copy), hashes(r.original));
            assert!(r.original < r.copy, "{r:?}");
            if r.similarity == 1.0 {
                assert_eq!(copy, original, "exact {r:?} has other words");
            } else {
                let shared = lcs_reference(&copy, &original);
                let real = aligned_jaccard(shared, copy.len(), original.len());
                assert_eq!(
                    r.similarity, real,
                    "{r:?} measured against another paragraph"
                );
                assert!(r.similarity >= threshold - 1e-12, "{r:?}");
            }
        }
        found
    }

    #[test]
    fn a_drifting_paragraph_points_at_the_one_it_matches() {
        // Three words of 40 changed per paragraph (0.86 with the one before), so each matches
        // the one before it and no earlier one (six changed: 0.74).
        let mut changes: Vec<(usize, String)> = Vec::new();
        let mut edits: Vec<Vec<(usize, String)>> = vec![Vec::new()];
        for k in 0..12 {
            for r in 0..3 {
                changes.push((((k * 3 + r) * 7 + 3) % 40, format!("chg{k}x{r}")));
            }
            edits.push(changes.clone());
        }
        let edits: Vec<Vec<(usize, &str)>> = edits
            .iter()
            .map(|e| e.iter().map(|(at, w)| (*at, w.as_str())).collect())
            .collect();
        let edits: Vec<&[(usize, &str)]> = edits.iter().map(Vec::as_slice).collect();
        let found = check_claims(&edited(40, &edits), 0.8);
        let pairs: Vec<(usize, usize)> = found.iter().map(|r| (r.copy, r.original)).collect();
        let chain: Vec<(usize, usize)> = (1..13).map(|i| (i, i - 1)).collect();
        assert_eq!(pairs, chain);
    }

    #[test]
    fn an_exact_copy_of_a_near_copy_points_at_that_near_copy() {
        // 2 nearly repeats 0; 4 is 2 word for word, not 0.
        let text = format!(
            "{}\n\n{A}\n\n{}\n\n{B}\n\n{}",
            edited(30, &[&[]]),
            edited(30, &[&[(15, "changed")]]),
            edited(30, &[&[(15, "changed")]]),
        );
        let found = check_claims(&text, 0.8);
        let got: Vec<(usize, usize, bool)> = found
            .iter()
            .map(|r| (r.copy, r.original, r.similarity == 1.0))
            .collect();
        assert_eq!(got, [(2, 0, false), (4, 2, true)]);
    }

    #[test]
    fn a_repeat_of_a_near_copy_is_measured_against_the_paragraph_it_names() {
        // 1 nearly repeats 0; 2 is 1 with two more words changed, too far from 0 (0.76).
        let text = edited(
            30,
            &[
                &[],
                &[(3, "a"), (9, "b")],
                &[(3, "a"), (9, "b"), (17, "c"), (24, "d")],
                &[(3, "a"), (9, "b"), (17, "c"), (24, "d")],
            ],
        );
        let found = check_claims(&text, 0.8);
        let pairs: Vec<(usize, usize)> = found.iter().map(|r| (r.copy, r.original)).collect();
        assert_eq!(pairs, [(1, 0), (2, 1), (3, 2)]);
    }

    #[test]
    fn thousands_of_near_copies_still_point_at_first_occurrences() {
        // Paragraph i changes words 3f and 3f + 1, f = 3i mod 10, of 30 to words of its own: it
        // matches the paragraphs changed at the same place (0.88), not the others (four words
        // apart: 0.76); the first of those is paragraph i mod 10. All share sketch keys, and 2000 of
        // them can't all be compared with each other.
        let news: Vec<[String; 2]> = (0..2000)
            .map(|i| [format!("new{i}"), format!("other{i}")])
            .collect();
        let edits: Vec<[(usize, &str); 2]> = (0..2000)
            .map(|i| {
                let f = i * 3 % 10 * 3;
                [(f, news[i][0].as_str()), (f + 1, news[i][1].as_str())]
            })
            .collect();
        let edits: Vec<&[(usize, &str)]> = edits.iter().map(|e| &e[..]).collect();
        let found = check_claims(&edited(30, &edits), 0.8);
        let first = found.iter().filter(|r| r.original == r.copy % 10).count();
        // Only when the sketches miss (0.19⁴ each: the word pairs are at 0.81) is one found
        // elsewhere or not at all.
        assert!(
            first >= 1980,
            "{first} of 1990 point at their first occurrence"
        );
    }

    proptest::proptest! {
        /// Documents of a few paragraphs each written again and again with a word or two changed.
        #[test]
        fn every_repeat_is_what_it_claims_about_the_paragraph_it_names(
            versions in proptest::collection::vec(
                (0..3usize, proptest::collection::vec((0..24usize, 0..4usize), 0..3)),
                1..14,
            ),
            threshold in 0.5..0.95f64,
        ) {
            let paragraphs: Vec<String> = versions
                .iter()
                .map(|(base, changes)| {
                    let mut p: Vec<String> =
                        (0..24).map(|i| format!("base{base}word{i}")).collect();
                    for &(at, new) in changes {
                        p[at] = format!("new{new}");
                    }
                    p.join(" ")
                })
                .collect();
            let found = check_claims(&paragraphs.join("\n\n"), threshold);
            // A paragraph written word for word before is an exact repeat of its first occurrence.
            for (j, p) in paragraphs.iter().enumerate() {
                let first = paragraphs.iter().position(|q| q == p).unwrap();
                if first < j {
                    let exact = Repeat { copy: j, original: first, similarity: 1.0 };
                    proptest::prop_assert!(found.contains(&exact), "{j}: {found:?}");
                }
            }
        }
    }

    /// The paragraph of the bug report: 35 words, repeated later with two words changed.
    const PARKS: &str = "The city council voted on Tuesday to set aside four million dollars for \
        the renovation of public parks in the northern districts, ending months of debate among \
        members about how residents wanted the money spent.";

    #[test]
    fn two_edited_words_in_a_35_word_paragraph_are_a_near_repeat() {
        let edited = PARKS
            .replace("residents", "citizens")
            .replace("northern", "southern");
        let text = format!("Parks budget approved\n\n{PARKS}\n\n{A}\n\n{B}\n\n{edited}");
        let found = check_claims(&text, 0.8);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].copy, found[0].original), (4, 1));
        // 33 of 35 words aligned: 33 / (35 + 35 − 33).
        assert!(
            (found[0].similarity - 33.0 / 37.0).abs() < 1e-9,
            "{found:?}"
        );
        // The similarity shingles of three words gave it: a changed word breaks three of them.
        let words = |t: &str| Segmented::new(t).words.iter().map(|w| w.hash).collect();
        let (p, q): (Vec<u64>, Vec<u64>) = (words(PARKS), words(&edited));
        let shingled = crate::shingle::jaccard(
            &crate::shingle::shingle_set(&p, 3),
            &crate::shingle::shingle_set(&q, 3),
        );
        assert!(shingled < 0.7, "{shingled}");
    }

    #[test]
    fn paragraphs_on_one_topic_sharing_names_are_not_repeats() {
        // Same story, same names and phrases, other sentences: the words that align in order
        // are names and function words.
        let text = "Vice President Kamala Harris will travel to Guatemala and Mexico next month \
            to discuss the root causes of migration from the Northern Triangle, the White House \
            said on Wednesday.\n\n\
            The White House said on Wednesday that Vice President Kamala Harris has held calls \
            with the leaders of Guatemala and Mexico about migration from the Northern Triangle \
            and its root causes.\n\n\
            Vice President Kamala Harris, speaking at the White House on Wednesday, said the \
            root causes of migration from the Northern Triangle would take years to address in \
            Guatemala and Mexico.";
        assert!(repeats(text).is_empty(), "{:?}", repeats(text));
    }

    #[test]
    fn a_six_word_line_with_two_words_changed_is_not_a_repeat() {
        // Four words of six in common is what two lines of one template share ("Photo: Reuters /
        // John Smith", a byline, a table row): under ten words a line repeats only word for word,
        // and 4 / 8 = 0.5 would not reach the threshold anyway.
        let text =
            format!("Photo by John Smith for Reuters\n\n{A}\n\nPhoto by Jane Doe for Reuters");
        assert!(repeats(&text).is_empty());
        let text =
            format!("Photo by John Smith for Reuters\n\n{A}\n\nPhoto by John Smith for Reuters");
        assert_eq!(repeats(&text), [(2, 0, true)]);
    }

    #[test]
    fn lines_of_one_template_with_other_words_are_not_repeats() {
        // Two of ten words changed (a comment's author and time), or the same words in another
        // order, are another line: 8 / 12 = 0.67.
        let text = "posted by travis on december 30 2007 at 03 51 pm\n\n\
            posted by wvh on december 30 2007 at 04 51 pm\n\n\
            nfl home forum odds scores live lines nfl betting articles\n\n\
            mlb home forum odds scores live lines mlb betting articles";
        assert!(repeats(text).is_empty(), "{:?}", repeats(text));
    }

    #[test]
    fn the_bit_parallel_lcs_is_the_textbook_one() {
        let mut state = 7u64;
        let mut next = |range: u64| {
            state = fmix64(state.wrapping_add(0x9e37_79b9_7f4a_7c15));
            state % range
        };
        let mut scratch = Scratch::default();
        // Lengths across block boundaries (63, 64, 65, 128, 129), from small alphabets (many
        // repeats) to large.
        for _ in 0..300 {
            let (n, m, vocab) = (next(200) as usize, next(200) as usize, 1 + next(40));
            let a: Vec<u64> = (0..n).map(|_| next(vocab)).collect();
            let b: Vec<u64> = (0..m).map(|_| next(vocab)).collect();
            assert_eq!(
                lcs(
                    &Indexed::new(a.clone()),
                    &Indexed::new(b.clone()),
                    &mut scratch
                ),
                lcs_reference(&a, &b),
                "{a:?} {b:?}"
            );
            // The passage stage's measure, from its hash table of match masks.
            let words = |v: &[u64]| -> Vec<Word> {
                v.iter()
                    .map(|&hash| Word {
                        start: 0,
                        end: 0,
                        hash,
                    })
                    .collect()
            };
            let l = lcs_reference(&a, &b);
            let expected = if n + m == 0 {
                1.0
            } else {
                l as f64 / (n + m - l) as f64
            };
            assert_eq!(
                aligned_similarity(&words(&a), &words(&b)),
                Some(expected),
                "{a:?} {b:?}"
            );
            // Without match masks (as for very long passages): the same.
            assert_eq!(
                aligned_similarity_within(&words(&a), &words(&b), 0),
                Some(expected),
                "{a:?} {b:?}"
            );
        }
    }

    #[test]
    fn different_paragraphs_and_short_lines_are_not_repeats() {
        assert!(repeats(&format!("{A}\n\n{B}")).is_empty());
        assert!(repeats("Advertisement\n\nText here.\n\nAdvertisement").is_empty());
    }
}
