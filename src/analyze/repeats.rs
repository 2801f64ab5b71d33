//! Repeats inside one document: a paragraph that repeats an earlier one, exactly (the same words
//! after normalisation) or nearly (Jaccard of word shingles at or above the threshold).
//!
//! Short paragraphs get shorter shingles: with `k`-word shingles one changed word breaks `k`
//! shingles, so a 30-word paragraph with one word changed keeps a similarity of 0.81 with
//! 3-word shingles but only 0.68 with 5-word shingles. The shingle length is `n / 10` words,
//! between 1 and `--shingle`, for the shorter paragraph of the two.

use crate::hash::{combine, fmix64};
use crate::segment::{Segmented, Word};
use crate::shingle::{jaccard, shingle_set};
use ahash::AHashMap;

/// Paragraphs shorter than this are never reported as repeats (a one-word line recurring is not a
/// repeated paragraph; if it is noise, boilerplate detection sees it).
pub const MIN_WORDS: usize = 5;
/// Paragraphs shorter than this repeat only exactly.
pub const MIN_NEAR_WORDS: usize = 10;
/// Independent minima of a paragraph's word-pair hashes that index it. Two paragraphs whose
/// word-pair sets have Jaccard `J` share a minimum with probability `J` for each, so with 4 a
/// pair at J = 0.8 is found with probability 1 − 0.2⁴ = 0.998.
const SKETCH: usize = 4;

/// A paragraph that repeats an earlier one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Repeat {
    /// Index of the repeating paragraph.
    pub copy: usize,
    /// Index of the first occurrence.
    pub original: usize,
    /// 1.0 for an exact repeat, else the Jaccard of the two paragraphs' shingle sets.
    pub similarity: f64,
}

/// Finds every paragraph that repeats an earlier paragraph of the same document. Each copy points
/// at the first occurrence: if the earliest match is itself a copy, at that copy's original.
pub fn find(seg: &Segmented, threshold: f64, shingle: usize) -> Vec<Repeat> {
    let para = |i: usize| &seg.words[seg.paragraphs[i].words.clone()];
    let hashes = |i: usize| para(i).iter().map(|w| w.hash);
    let mut exact: AHashMap<u64, usize> = AHashMap::new();
    // Sketch key → paragraphs holding it, in order.
    let mut sketches: AHashMap<u64, Vec<usize>> = AHashMap::new();
    let mut original_of: Vec<Option<usize>> = vec![None; seg.paragraphs.len()];
    let mut out = Vec::new();
    for j in 0..seg.paragraphs.len() {
        let n = para(j).len();
        if n < MIN_WORDS {
            continue;
        }
        let key = hashes(j).fold(n as u64, combine);
        let same = |&&i: &&usize| hashes(i).eq(hashes(j));
        let mut found = exact.get(&key).filter(same).map(|&i| (i, 1.0));
        let sketch = (n >= MIN_NEAR_WORDS).then(|| sketch(para(j)));
        if let (None, Some(sk)) = (found, &sketch) {
            let mut candidates: Vec<usize> = sk
                .iter()
                .filter_map(|k| sketches.get(k))
                .flatten()
                .copied()
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            let mine: Vec<u64> = hashes(j).collect();
            found = candidates.into_iter().find_map(|i| {
                let other: Vec<u64> = hashes(i).collect();
                similarity(&mine, &other, threshold, shingle).map(|s| (i, s))
            });
        }
        if let Some((i, similarity)) = found {
            let original = original_of[i].unwrap_or(i);
            original_of[j] = Some(original);
            out.push(Repeat {
                copy: j,
                original,
                similarity,
            });
        }
        exact.entry(key).or_insert(j);
        for k in sketch.into_iter().flatten() {
            sketches.entry(k).or_default().push(j);
        }
    }
    out
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

/// The similarity of two paragraphs when it reaches the threshold: Jaccard of shingles of
/// `n / 10` words (1 to `shingle`) for the shorter one's `n`.
fn similarity(a: &[u64], b: &[u64], threshold: f64, shingle: usize) -> Option<f64> {
    let (short, long) = (a.len().min(b.len()), a.len().max(b.len()));
    // Jaccard can't reach the threshold when the lengths differ too much.
    if (short as f64) < threshold * long as f64 - 1.0 {
        return None;
    }
    let k = (short / 10).clamp(1, shingle.max(1));
    let s = jaccard(&shingle_set(a, k), &shingle_set(b, k));
    (s + 1e-12 >= threshold).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repeats(text: &str) -> Vec<(usize, usize, bool)> {
        find(&Segmented::new(text), 0.8, 5)
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
        let found = find(&Segmented::new(&text), 0.8, 5);
        assert_eq!(found.len(), 1);
        assert!(found[0].similarity >= 0.8 && found[0].similarity < 1.0);
    }

    #[test]
    fn different_paragraphs_and_short_lines_are_not_repeats() {
        assert!(repeats(&format!("{A}\n\n{B}")).is_empty());
        assert!(repeats("Advertisement\n\nText here.\n\nAdvertisement").is_empty());
    }
}
