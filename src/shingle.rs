//! Shingles: hashes of `k` consecutive words, built from the word hashes without allocating.
//!
//! A shingle's hash is a polynomial in its word hashes, `w0·M^(k-1) + w1·M^(k-2) + … + w(k-1)`
//! (wrapping), finished by one multiply-fold. Sliding the window one word costs two
//! multiplications: the first word's term is taken out and the next word's added.

use crate::hash::mum;

/// The polynomial's multiplier: odd, with well-spread bits.
const M: u64 = 0x9e37_79b9_7f4a_7c15;
/// Folds the window length into the finished hash.
const FINISH: u64 = 0xd6e8_feb8_6659_fd93;

/// Calls `f` with the hash of every `k`-word shingle of `words`, in order. A document shorter
/// than `k` words (but not empty) has one shingle made of all its words, so that short documents
/// can still be compared.
#[inline]
pub fn for_each_shingle(words: &[u64], k: usize, mut f: impl FnMut(u64)) {
    let k = k.max(1);
    if words.len() <= k {
        if !words.is_empty() {
            f(shingle_hash(words));
        }
        return;
    }
    // M^(k-1): the weight of the word leaving the window.
    let out = (1..k).fold(1u64, |p, _| p.wrapping_mul(M));
    let mut h = polynomial(&words[..k]);
    f(finish(h, k));
    for (&gone, &new) in words.iter().zip(&words[k..]) {
        h = h
            .wrapping_sub(gone.wrapping_mul(out))
            .wrapping_mul(M)
            .wrapping_add(new);
        f(finish(h, k));
    }
}

/// Hash of one shingle (a window of word hashes).
#[inline]
pub fn shingle_hash(window: &[u64]) -> u64 {
    finish(polynomial(window), window.len())
}

#[inline]
fn polynomial(window: &[u64]) -> u64 {
    window
        .iter()
        .fold(0u64, |h, &w| h.wrapping_mul(M).wrapping_add(w))
}

#[inline]
fn finish(h: u64, len: usize) -> u64 {
    mum(h ^ len as u64, FINISH)
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

/// Size of the intersection of two sorted, deduplicated sets; of two sorted lists with repeats,
/// the words they hold in common, each counted as often as it is in both.
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
    fn sliding_equals_hashing_each_window() {
        let words: Vec<u64> = (0..40u64).map(|i| crate::hash::fmix64(i * 7 + 1)).collect();
        for k in 1..=9 {
            let mut slid = Vec::new();
            for_each_shingle(&words, k, |h| slid.push(h));
            let each: Vec<u64> = words.windows(k).map(shingle_hash).collect();
            assert_eq!(slid, each, "k = {k}");
        }
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
