//! Shingles: hashes of `k` consecutive words, built from the word hashes without allocating.

use crate::hash::{combine, fmix64};

/// Calls `f` with the hash of every `k`-word shingle of `words`, in order. A document shorter
/// than `k` words (but not empty) has one shingle made of all its words, so that short documents
/// can still be compared.
#[inline]
pub fn for_each_shingle(words: &[u64], k: usize, mut f: impl FnMut(u64)) {
    let k = k.max(1);
    if words.is_empty() {
        return;
    }
    if words.len() < k {
        f(shingle_hash(words));
        return;
    }
    for window in words.windows(k) {
        f(shingle_hash(window));
    }
}

/// Hash of one shingle (a window of word hashes).
#[inline]
pub fn shingle_hash(window: &[u64]) -> u64 {
    let mut h = window[0];
    for &w in &window[1..] {
        h = combine(h, w);
    }
    fmix64(h ^ window.len() as u64)
}

/// The sorted, deduplicated shingle set of `words`.
pub fn shingle_set(words: &[u64], k: usize) -> Vec<u64> {
    let mut set = Vec::with_capacity(words.len());
    for_each_shingle(words, k, |h| set.push(h));
    set.sort_unstable();
    set.dedup();
    set
}

/// Exact Jaccard similarity `|A ∩ B| / |A ∪ B|` of two sorted, deduplicated sets. Two empty sets
/// have similarity 0: an empty document is a duplicate of nothing.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let inter = intersection_len(a, b);
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// Size of the intersection of two sorted, deduplicated sets.
pub fn intersection_len(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingle_counts() {
        let words: Vec<u64> = (1..=7).collect();
        let mut n = 0;
        for_each_shingle(&words, 5, |_| n += 1);
        assert_eq!(n, 3);
        let mut short = Vec::new();
        for_each_shingle(&words[..3], 5, |h| short.push(h));
        assert_eq!(short.len(), 1);
        for_each_shingle(&[], 5, |_| panic!("no shingle for no words"));
    }

    #[test]
    fn shingles_are_order_sensitive() {
        assert_ne!(shingle_hash(&[1, 2, 3]), shingle_hash(&[3, 2, 1]));
        assert_ne!(shingle_hash(&[1, 2]), shingle_hash(&[1, 2, 0]));
    }

    #[test]
    fn jaccard_of_sets() {
        assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard(&[1], &[1]), 1.0);
        assert_eq!(jaccard(&[], &[]), 0.0);
        assert_eq!(jaccard(&[1], &[]), 0.0);
    }
}
