//! MinHash signatures by one-permutation hashing with optimal densification.
//!
//! Classical MinHash hashes every shingle `num_perm` times. One-permutation hashing (Li, Owen and
//! Zhang, NIPS 2012) hashes each shingle once: the hash picks one of `num_perm` bins and the bin
//! keeps its minimum. Bins that no shingle reached are filled by optimal densification
//! (Shrivastava, ICML 2017): bin `i` borrows the value of the first non-empty bin on its own
//! pseudo-random probe sequence, the same sequence for every document, so that
//! `P[sig_a[i] == sig_b[i]] = J(a, b)` still holds for every bin. The tests check the estimate
//! against exact Jaccard and against classical MinHash.

use crate::hash::{fmix64, mum};

/// Builds signatures with a fixed number of bins and seed.
#[derive(Clone, Debug)]
pub struct MinHasher {
    num_perm: usize,
    seed: u64,
    /// For each bin, the probe sequence used to densify it (bins to borrow from, in order).
    probes: Vec<Vec<u16>>,
}

/// A document's signature. An empty document (no shingles) has an empty signature that matches
/// nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature(pub Box<[u32]>);

impl Signature {
    /// True for the signature of a document with no shingles.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The Jaccard estimate: the share of bins on which two signatures agree.
    ///
    /// # Panics
    ///
    /// When both are non-empty and of different lengths (made by hashers with other numbers of
    /// bins): their bins do not correspond.
    pub fn estimate(&self, other: &Signature) -> f64 {
        if self.is_empty() || other.is_empty() {
            return 0.0;
        }
        assert_eq!(
            self.0.len(),
            other.0.len(),
            "signatures of different numbers of bins"
        );
        let same = self
            .0
            .iter()
            .zip(other.0.iter())
            .filter(|(a, b)| a == b)
            .count();
        same as f64 / self.0.len() as f64
    }
}

impl MinHasher {
    /// A hasher with `num_perm` bins (1 to 65,536) and a seed.
    ///
    /// # Panics
    ///
    /// When `num_perm` is out of that range ([`Config`](crate::Config)'s builder checks it).
    pub fn new(num_perm: usize, seed: u64) -> MinHasher {
        assert!(
            (1..=1 << 16).contains(&num_perm),
            "num_perm {num_perm} out of range"
        );
        // Enough probes that a bin finds a non-empty one unless almost all are empty; the last
        // resort below covers the rest.
        let depth = 64;
        let probes = (0..num_perm)
            .map(|bin| {
                (1..=depth)
                    .map(|attempt| {
                        let h = fmix64(seed ^ mum(bin as u64 + 1, 0x9e37_79b9_7f4a_7c15 ^ attempt));
                        fast_range(h, num_perm) as u16
                    })
                    .collect()
            })
            .collect();
        MinHasher {
            num_perm,
            seed,
            probes,
        }
    }

    /// Number of bins.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// The signature of a set given as shingle hashes (duplicates are harmless).
    pub fn signature(&self, shingles: impl IntoIterator<Item = u64>) -> Signature {
        let mut bins = self.start();
        for s in shingles {
            self.add(&mut bins, s);
        }
        self.finish(bins)
    }

    /// The signature of the `k`-word shingles of `words` (word hashes), hashed as they slide by.
    pub fn signature_of_words(&self, words: &[u64], k: usize) -> Signature {
        let mut bins = self.start();
        crate::shingle::for_each_shingle(words, k, |s| self.add(&mut bins, s));
        self.finish(bins)
    }

    fn start(&self) -> Vec<u32> {
        vec![EMPTY; self.num_perm]
    }

    /// Adds one shingle hash to `bins`: the bin its hash picks keeps its minimum value.
    #[inline]
    fn add(&self, bins: &mut [u32], shingle: u64) {
        let v = mum(shingle ^ self.seed, MIX);
        let bin = fast_range(v >> 32, bins.len());
        // EMPTY marks an unreached bin, so a value never takes it. Branch-free: which bin
        // lowers is unpredictable.
        let value = (v as u32).min(EMPTY - 1);
        bins[bin] = bins[bin].min(value);
    }

    /// The signature of the shingles added to `bins`, its empty bins densified.
    fn finish(&self, mut bins: Vec<u32>) -> Signature {
        if bins.iter().all(|&b| b == EMPTY) {
            return Signature(Box::new([]));
        }
        if bins.contains(&EMPTY) {
            let filled: Vec<bool> = bins.iter().map(|&b| b != EMPTY).collect();
            self.densify(&mut bins, &filled);
        }
        Signature(bins.into_boxed_slice())
    }

    fn densify(&self, bins: &mut [u32], filled: &[bool]) {
        let n = bins.len();
        // Fallback when every probe missed: the next filled bin in circular order. Both
        // documents of a pair with equal sets take the same path, so equality holds. Found for
        // every bin in one pass, the first time it is needed: probes miss most when few bins are
        // filled, and scanning for each empty bin made a two-word document cost O(n²).
        let mut next: Vec<usize> = Vec::new();
        let next_filled = |next: &mut Vec<usize>, i: usize| {
            if next.is_empty() {
                next.resize(n, 0);
                // After the last filled bin, the first.
                let first = (0..n).find(|&p| filled[p]);
                let mut at = first.expect("a non-empty signature has a filled bin");
                for p in (0..n).rev() {
                    next[p] = at;
                    if filled[p] {
                        at = p;
                    }
                }
            }
            next[i]
        };
        for i in 0..n {
            if filled[i] {
                continue;
            }
            let from = self.probes[i]
                .iter()
                .map(|&p| p as usize)
                .find(|&p| filled[p])
                .unwrap_or_else(|| next_filled(&mut next, i));
            bins[i] = bins[from];
        }
    }
}

/// The value of a bin no shingle reached.
const EMPTY: u32 = u32::MAX;
/// Multiplier mixing a seeded shingle hash into a bin and a value.
const MIX: u64 = 0xe703_7ed1_a0b4_28db;

/// Maps a hash uniformly onto `0..n` (Lemire's multiply-shift).
#[inline]
fn fast_range(h: u64, n: usize) -> usize {
    ((u128::from(h as u32) * n as u128) >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::jaccard;

    /// Two sets with a chosen overlap: `common` shared elements, `only` private ones each.
    fn pair(common: u64, only: u64, salt: u64) -> (Vec<u64>, Vec<u64>) {
        let h = |x: u64| fmix64(x ^ salt.wrapping_mul(0x1234_5678_9abc_def1));
        let mut a: Vec<u64> = (0..common + only).map(h).collect();
        let mut b: Vec<u64> = (0..common)
            .chain(1_000_000..1_000_000 + only)
            .map(h)
            .collect();
        a.sort_unstable();
        b.sort_unstable();
        (a, b)
    }

    /// Classical MinHash with `k` independent hash functions: the reference estimator.
    fn classical(a: &[u64], b: &[u64], k: u64) -> f64 {
        let min = |s: &[u64], i: u64| s.iter().map(|&x| fmix64(x ^ mum(i + 1, 0xabcd))).min();
        (0..k).filter(|&i| min(a, i) == min(b, i)).count() as f64 / k as f64
    }

    #[test]
    fn identical_sets_have_identical_signatures() {
        let h = MinHasher::new(128, 7);
        let (a, _) = pair(50, 3, 1);
        assert_eq!(
            h.signature(a.iter().copied()),
            h.signature(a.iter().rev().copied())
        );
        assert_eq!(
            h.signature(a.iter().copied())
                .estimate(&h.signature(a.iter().copied())),
            1.0
        );
    }

    #[test]
    fn empty_signature_matches_nothing() {
        let h = MinHasher::new(16, 7);
        let e = h.signature([]);
        assert!(e.is_empty());
        assert_eq!(e.estimate(&e), 0.0);
    }

    #[test]
    fn an_empty_bin_takes_its_first_filled_probe_else_the_next_filled_bin() {
        let h = MinHasher::new(128, 5);
        for seed in 0..200u64 {
            // A few filled bins, so that probes miss and the circular fallback is used.
            let mut filled = vec![false; 128];
            for j in 0..1 + seed % 4 {
                filled[(fmix64(seed * 31 + j) % 128) as usize] = true;
            }
            let mut bins: Vec<u32> = (0..128).collect();
            h.densify(&mut bins, &filled);
            for i in (0..128).filter(|&i| !filled[i]) {
                let probed = h.probes[i].iter().map(|&p| p as usize).find(|&p| filled[p]);
                let next = (1..128).map(|d| (i + d) % 128).find(|&p| filled[p]);
                assert_eq!(
                    bins[i] as usize,
                    probed.or(next).unwrap(),
                    "seed {seed} bin {i}"
                );
            }
        }
    }

    #[test]
    fn tiny_sets_still_fill_every_bin() {
        let h = MinHasher::new(256, 3);
        let s = h.signature([42]);
        assert!(s.0.iter().all(|&v| v == s.0[0]));
    }

    #[test]
    fn error_matches_classical_minhash() {
        // Mean squared error over many pairs, for small and large sets, against the exact value.
        let k = 128;
        let h = MinHasher::new(k, 11);
        for (common, only) in [(30, 10), (300, 100), (2000, 500)] {
            let (mut oph, mut cla) = (0.0, 0.0);
            let trials = 60;
            for salt in 0..trials {
                let (a, b) = pair(common, only, salt);
                let j = jaccard(&a, &b);
                let e = h
                    .signature(a.iter().copied())
                    .estimate(&h.signature(b.iter().copied()));
                oph += (e - j).powi(2);
                cla += (classical(&a, &b, k as u64) - j).powi(2);
            }
            let (oph, cla) = (oph / trials as f64, cla / trials as f64);
            // Same order of error: within a factor 1.6 either way (sampling noise on 60 trials).
            assert!(
                oph < cla * 1.6 + 1e-4,
                "{common}/{only}: oph mse {oph} vs classical {cla}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "signatures of different numbers of bins")]
    fn signatures_of_different_lengths_are_not_compared() {
        let (a, b) = pair(50, 10, 7);
        let eight = MinHasher::new(8, 1).signature(a);
        let sixteen = MinHasher::new(16, 1).signature(b);
        eight.estimate(&sixteen);
    }

    #[test]
    fn estimate_within_three_sigma() {
        // Over many random pairs, the estimate stays within 3 binomial standard deviations of the
        // exact Jaccard as often as a binomial estimator should (99.7%; allow 98.5%).
        let k = 128;
        let h = MinHasher::new(k, 42);
        let mut state = 0u64;
        let mut below = |n: u64| {
            state = fmix64(state.wrapping_add(0x9e37_79b9_7f4a_7c15));
            state % n
        };
        let trials = 400;
        let mut outside = 0;
        for salt in 0..trials {
            let common = 1 + below(399);
            let only = below(400);
            let (a, b) = pair(common, only, salt);
            let j = jaccard(&a, &b);
            let e = h
                .signature(a.iter().copied())
                .estimate(&h.signature(b.iter().copied()));
            // Floored so that J near 0 or 1 keeps a tolerance of about one bin.
            let sigma = (j * (1.0 - j) / k as f64).sqrt().max(1.0 / k as f64);
            if (e - j).abs() > 3.0 * sigma + 1e-9 {
                outside += 1;
            }
        }
        assert!(
            outside * 1000 <= trials * 15,
            "{outside} of {trials} outside 3 sigma"
        );
    }
}
