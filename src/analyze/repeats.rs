//! Repeats inside one document: a paragraph that repeats an earlier one, exactly (the same words
//! after normalisation) or nearly (Jaccard of word shingles at or above the threshold).
//!
//! Short paragraphs get shorter shingles: with `k`-word shingles one changed word breaks `k`
//! shingles, so a 30-word paragraph with one word changed keeps a similarity of 0.81 with
//! 3-word shingles but only 0.68 with 5-word shingles. The shingle length is `n / 10` words,
//! between 1 and `--shingle`, for the shorter paragraph of the two.

use crate::segment::Segmented;
use crate::shingle::{jaccard, shingle_hash, shingle_set};
use ahash::AHashMap;

/// Paragraphs shorter than this are never reported as repeats (a one-word line recurring is not a
/// repeated paragraph; if it is noise, boilerplate detection sees it).
pub const MIN_WORDS: usize = 5;
/// Paragraphs shorter than this repeat only exactly.
pub const MIN_NEAR_WORDS: usize = 10;
/// Bigrams found in more paragraphs than this are too common to suggest a match.
const MAX_POSTINGS: usize = 64;

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
    let hashes: Vec<u64> = seg.words.iter().map(|w| w.hash).collect();
    let para = |i: usize| &hashes[seg.paragraphs[i].words.clone()];
    let mut exact: AHashMap<u64, usize> = AHashMap::new();
    let mut bigrams: AHashMap<u64, Vec<usize>> = AHashMap::new();
    let mut original_of: Vec<Option<usize>> = vec![None; seg.paragraphs.len()];
    let mut out = Vec::new();
    for j in 0..seg.paragraphs.len() {
        let words = para(j);
        if words.len() < MIN_WORDS {
            continue;
        }
        let key = shingle_hash(words);
        let mut found = exact
            .get(&key)
            .filter(|&&i| para(i) == words)
            .map(|&i| (i, 1.0));
        if found.is_none() && words.len() >= MIN_NEAR_WORDS {
            found = near_match(j, words, &bigrams, &para, threshold, shingle);
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
        if words.len() >= MIN_NEAR_WORDS {
            let mut seen: Vec<u64> = words.windows(2).map(shingle_hash).collect();
            seen.sort_unstable();
            seen.dedup();
            for b in seen {
                let list = bigrams.entry(b).or_default();
                if list.len() <= MAX_POSTINGS {
                    list.push(j);
                }
            }
        }
    }
    out
}

/// The earliest earlier paragraph similar enough to paragraph `j`.
fn near_match<'a>(
    j: usize,
    words: &[u64],
    bigrams: &AHashMap<u64, Vec<usize>>,
    para: &impl Fn(usize) -> &'a [u64],
    threshold: f64,
    shingle: usize,
) -> Option<(usize, f64)> {
    let mut shared: AHashMap<usize, usize> = AHashMap::new();
    let mut mine: Vec<u64> = words.windows(2).map(shingle_hash).collect();
    mine.sort_unstable();
    mine.dedup();
    for b in &mine {
        if let Some(list) = bigrams.get(b).filter(|l| l.len() <= MAX_POSTINGS) {
            for &i in list {
                *shared.entry(i).or_default() += 1;
            }
        }
    }
    let mut candidates: Vec<usize> = shared
        .into_iter()
        // A similar paragraph shares at least half of the shorter one's bigrams.
        .filter(|&(i, n)| 2 * n >= mine.len().min(para(i).len().saturating_sub(1)))
        .map(|(i, _)| i)
        .collect();
    candidates.sort_unstable();
    candidates.into_iter().find_map(|i| {
        let other = para(i);
        let (short, long) = (words.len().min(other.len()), words.len().max(other.len()));
        // Jaccard can't reach the threshold when the lengths differ too much.
        if (short as f64) < threshold * long as f64 - 1.0 {
            return None;
        }
        let k = (short / 10).clamp(1, shingle.max(1));
        let s = jaccard(&shingle_set(words, k), &shingle_set(other, k));
        (s + 1e-12 >= threshold && i < j).then_some((i, s))
    })
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
