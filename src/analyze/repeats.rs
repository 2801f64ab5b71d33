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
use std::borrow::Cow;
use std::cell::OnceCell;

/// Paragraphs shorter than this are never reported as repeats (a one-word line recurring is not a
/// repeated paragraph; if it is noise, boilerplate detection sees it).
pub const MIN_WORDS: usize = 5;
/// Paragraphs shorter than this repeat only exactly.
pub const MIN_NEAR_WORDS: usize = 10;
/// Independent minima of a paragraph's word-pair hashes that index it. Two paragraphs whose
/// word-pair sets have Jaccard `J` share a minimum with probability `J` for each, so with 4 a
/// pair at J = 0.8 is found with probability 1 − 0.2⁴ = 0.998.
const SKETCH: usize = 4;
/// Paragraphs checked from each end of a sketch key's list. A document of thousands of nearly
/// identical paragraphs puts most of them under the same keys; checking them all is quadratic
/// (4 MB of them took 50 s). The first ones hold the first occurrences, the last the neighbours.
const WINDOW: usize = 32;

/// A paragraph that repeats an earlier one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Repeat {
    /// Index of the repeating paragraph.
    pub copy: usize,
    /// Index of the earlier paragraph it repeats (see [`find`] for which one).
    pub original: usize,
    /// 1.0 for an exact repeat, else the Jaccard of the two paragraphs' shingle sets.
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
pub fn find(seg: &Segmented, threshold: f64, shingle: usize) -> Vec<Repeat> {
    let para = |i: usize| &seg.words[seg.paragraphs[i].words.clone()];
    let hashes = |i: usize| para(i).iter().map(|w| w.hash);
    let mut exact: AHashMap<u64, usize> = AHashMap::new();
    let mut buckets: AHashMap<u64, Bucket> = AHashMap::new();
    // Each paragraph's shingles, made when first compared (most paragraphs never are) and kept.
    let shingled: Vec<OnceCell<Shingled>> = vec![OnceCell::new(); seg.paragraphs.len()];
    let shingles =
        |i: usize| shingled[i].get_or_init(|| Shingled::new(hashes(i).collect(), shingle));
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
        for tier in [FIRSTS, COPIES] {
            let mut candidates: Vec<usize> =
                lists.iter().flat_map(|b| ends(&b.tiers[tier])).collect();
            candidates.sort_unstable();
            candidates.dedup();
            found = candidates
                .into_iter()
                .find_map(|i| similarity(shingles(j), shingles(i), threshold).map(|s| (i, s)));
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

/// A paragraph's word hashes and its shingle set, made once: a paragraph is compared with many.
#[derive(Clone)]
struct Shingled {
    words: Vec<u64>,
    /// The shingle length when it is the shorter paragraph of a pair.
    k: usize,
    set: Vec<u64>,
}

impl Shingled {
    fn new(words: Vec<u64>, shingle: usize) -> Shingled {
        let k = shingle_len(words.len(), shingle);
        let set = shingle_set(&words, k);
        Shingled { words, k, set }
    }

    /// The shingle set at length `k`: its own, or made again for a shorter paragraph's `k`.
    fn set(&self, k: usize) -> Cow<'_, [u64]> {
        if k == self.k {
            Cow::Borrowed(&self.set)
        } else {
            Cow::Owned(shingle_set(&self.words, k))
        }
    }
}

/// Shingle length for a pair whose shorter paragraph has `n` words: `n / 10`, 1 to `shingle`.
fn shingle_len(n: usize, shingle: usize) -> usize {
    (n / 10).clamp(1, shingle.max(1))
}

/// The similarity of two paragraphs when it reaches the threshold: Jaccard of their shingle sets
/// at the shorter one's shingle length.
fn similarity(a: &Shingled, b: &Shingled, threshold: f64) -> Option<f64> {
    let (short, long) = (a.words.len(), b.words.len());
    let (short, long) = (short.min(long), short.max(long));
    // Jaccard can't reach the threshold when the lengths differ too much.
    if (short as f64) < threshold * long as f64 - 1.0 {
        return None;
    }
    let k = a.k.min(b.k);
    let s = jaccard(&a.set(k), &b.set(k));
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
        let found = find(&seg, threshold, 5);
        for r in &found {
            let (copy, original) = (hashes(r.copy), hashes(r.original));
            assert!(r.original < r.copy, "{r:?}");
            if r.similarity == 1.0 {
                assert_eq!(copy, original, "exact {r:?} has other words");
            } else {
                let k = (copy.len().min(original.len()) / 10).clamp(1, 5);
                let real = jaccard(&shingle_set(&copy, k), &shingle_set(&original, k));
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
        // One word changed per paragraph: each matches the one before it and no earlier one.
        let mut changes: Vec<(usize, String)> = Vec::new();
        let mut edits: Vec<Vec<(usize, String)>> = vec![Vec::new()];
        for k in 0..12 {
            changes.push(((k * 7 + 3) % 30, format!("chg{k}")));
            edits.push(changes.clone());
        }
        let edits: Vec<Vec<(usize, &str)>> = edits
            .iter()
            .map(|e| e.iter().map(|(at, w)| (*at, w.as_str())).collect())
            .collect();
        let edits: Vec<&[(usize, &str)]> = edits.iter().map(Vec::as_slice).collect();
        let found = check_claims(&edited(30, &edits), 0.8);
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
        // 1 nearly repeats 0; 2 is 1 with one more word changed, too far from 0.
        let text = edited(
            30,
            &[
                &[],
                &[(3, "a")],
                &[(3, "a"), (17, "b")],
                &[(3, "a"), (17, "b")],
            ],
        );
        let found = check_claims(&text, 0.8);
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn thousands_of_near_copies_still_point_at_first_occurrences() {
        // Paragraph i changes word 2f + 1, f = 3i mod 10, to a word of its own: it matches the
        // paragraphs changed at the same place, the first of which is paragraph i mod 10. All
        // share sketch keys, and 2000 of them can't all be compared with each other.
        let news: Vec<String> = (0..2000).map(|i| format!("new{i}")).collect();
        let edits: Vec<[(usize, &str); 1]> = (0..2000)
            .map(|i| [(i * 3 % 10 * 2 + 1, news[i].as_str())])
            .collect();
        let edits: Vec<&[(usize, &str)]> = edits.iter().map(|e| &e[..]).collect();
        let found = check_claims(&edited(20, &edits), 0.8);
        let first = found.iter().filter(|r| r.original == r.copy % 10).count();
        // Only when the sketches miss (0.19⁴ each) is one found elsewhere or not at all.
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

    #[test]
    fn different_paragraphs_and_short_lines_are_not_repeats() {
        assert!(repeats(&format!("{A}\n\n{B}")).is_empty());
        assert!(repeats("Advertisement\n\nText here.\n\nAdvertisement").is_empty());
    }
}
