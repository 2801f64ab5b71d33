//! Locality-sensitive hashing: signatures cut into `bands` of `rows` bins; two documents whose
//! signatures agree on a whole band become a candidate pair (Leskovec, Rajaraman and Ullman,
//! *Mining of Massive Datasets*, §3.4).

use crate::hash::{combine, fmix64};
use crate::minhash::Signature;
use crate::types::DocId;
use rayon::prelude::*;

/// Bands and rows of an LSH index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Banding {
    /// Number of bands (b).
    pub bands: usize,
    /// Bins per band (r).
    pub rows: usize,
}

impl Banding {
    /// The `bands × rows ≤ num_perm` that minimises
    /// `fp_weight · ∫₀ᵗ P(candidate | s) ds + fn_weight · ∫ₜ¹ P(miss | s) ds`, where
    /// `P(candidate | s) = 1 − (1 − sʳ)ᵇ` (the method of datasketch's `_optimal_param`).
    pub fn optimal(threshold: f64, num_perm: usize, fp_weight: f64, fn_weight: f64) -> Banding {
        let mut best = (
            f64::INFINITY,
            Banding {
                bands: 1,
                rows: num_perm,
            },
        );
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let p = |s: f64| 1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32);
                let fp = integrate(p, 0.0, threshold);
                let fneg = integrate(|s| 1.0 - p(s), threshold, 1.0);
                let err = fp_weight * fp + fn_weight * fneg;
                if err < best.0 - 1e-12 {
                    best = (err, Banding { bands, rows });
                }
            }
        }
        best.1
    }

    /// Probability that a pair with Jaccard `s` becomes a candidate.
    pub fn candidate_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }
}

/// Midpoint rule; the integrands are smooth and bounded in [0, 1].
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let n = 200;
    let h = (b - a) / n as f64;
    (0..n).map(|i| f(a + (i as f64 + 0.5) * h)).sum::<f64>() * h
}

/// Buckets holding more documents than this are not paired every document with every other:
/// listing every pair is quadratic (20,000 copies of one text made 200 million candidate pairs,
/// each verified, and ran out of memory). See `large_bucket_pairs`.
pub const STAR_BUCKET: usize = 64;

/// In a bucket of more than [`STAR_BUCKET`] documents, each distinct signature pairs with this
/// many after it, in an order that changes from band to band.
const WINDOW: usize = STAR_BUCKET;

/// All candidate pairs `(a, b)` with `a < b`, sorted and deduplicated. Empty signatures take no
/// part. A bucket of more than [`STAR_BUCKET`] documents is paired by `large_bucket_pairs`.
pub fn candidates(signatures: &[Signature], banding: Banding) -> Vec<(DocId, DocId)> {
    let bands = banding.bands;
    // Every band key of a signature at once, while it is in cache: a pass over the signatures
    // per band cost more than sorting the keys.
    let all_keys: Vec<u64> = signatures
        .par_iter()
        .flat_map_iter(|s| {
            (0..bands).map(move |band| {
                let rows = band * banding.rows..(band + 1) * banding.rows;
                s.0.get(rows).map_or(0, |rows| band_key(rows, band))
            })
        })
        .collect();
    let mut pairs: Vec<(DocId, DocId)> = (0..bands)
        .into_par_iter()
        .flat_map_iter(|band| {
            let mut keys: Vec<(u64, u32)> = signatures
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.is_empty())
                .map(|(i, _)| (all_keys[i * bands + band], i as u32))
                .collect();
            keys.sort_unstable();
            let mut pairs = Vec::new();
            for bucket in keys.chunk_by(|x, y| x.0 == y.0) {
                if bucket.len() > STAR_BUCKET {
                    large_bucket_pairs(bucket, signatures, band * banding.rows, &mut pairs);
                    continue;
                }
                for (i, x) in bucket.iter().enumerate() {
                    pairs.extend(bucket[i + 1..].iter().map(|y| (DocId(x.1), DocId(y.1))));
                }
            }
            pairs
        })
        .collect();
    // A pair collides in several bands (copies in all of them): listed once.
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// The candidate pairs of a bucket of more than [`STAR_BUCKET`] documents, in time linear in its
/// size. Documents with the very same signature (copies) pair with the first of them only: they
/// still make one cluster. The first of each distinct signature pairs with the next [`WINDOW`]
/// in the order of their signatures read from `from` (the band's first row), so that similar
/// ones lie near each other, and each band brings other neighbours. Before, every document of
/// such a bucket was paired with its first only: fine for copies, but 300 variants of one
/// template, each pair in a bucket of them in every band, lost 1,029 of 1,606 pairs at 0.8.
fn large_bucket_pairs(
    bucket: &[(u64, u32)],
    signatures: &[Signature],
    from: usize,
    pairs: &mut Vec<(DocId, DocId)>,
) {
    let rows = |d: u32| {
        let s = &signatures[d as usize].0;
        let from = from % s.len();
        s[from..].iter().chain(&s[..from])
    };
    let mut docs: Vec<u32> = bucket.iter().map(|x| x.1).collect();
    docs.sort_by(|&x, &y| rows(x).cmp(rows(y)).then(x.cmp(&y)));
    let pair = |x: u32, y: u32| (DocId(x.min(y)), DocId(x.max(y)));
    let mut firsts = Vec::new();
    for copies in docs.chunk_by(|&x, &y| signatures[x as usize].0 == signatures[y as usize].0) {
        // Sorted by document within equal signatures: the first is the smallest.
        pairs.extend(copies[1..].iter().map(|&d| pair(copies[0], d)));
        firsts.push(copies[0]);
    }
    for (i, &x) in firsts.iter().enumerate() {
        pairs.extend(firsts[i + 1..].iter().take(WINDOW).map(|&y| pair(x, y)));
    }
}

fn band_key(rows: &[u32], band: usize) -> u64 {
    let mut h = fmix64(band as u64);
    for pair in rows.chunks(2) {
        let v = u64::from(pair[0]) | pair.get(1).map_or(0, |&x| u64::from(x) << 32);
        h = combine(h, v);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banding_fits_the_signature() {
        for t in [0.5, 0.8, 0.9] {
            let b = Banding::optimal(t, 128, 0.5, 0.5);
            assert!(b.bands * b.rows <= 128);
            // The S-curve's steepest point sits near the threshold.
            let mid = (1.0 / b.bands as f64).powf(1.0 / b.rows as f64);
            assert!((mid - t).abs() < 0.12, "t={t} {b:?} mid={mid}");
        }
    }

    #[test]
    fn recall_weight_moves_the_curve_left() {
        let even = Banding::optimal(0.8, 128, 0.5, 0.5);
        let recall = Banding::optimal(0.8, 128, 0.05, 0.95);
        assert!(recall.candidate_probability(0.8) > even.candidate_probability(0.8));
    }

    #[test]
    fn equal_bands_make_candidates() {
        let s = |v: [u32; 4]| Signature(Box::new(v));
        let sigs = [
            s([1, 2, 3, 4]),
            s([1, 2, 9, 9]),
            s([7, 7, 3, 4]),
            Signature(Box::new([])),
        ];
        let pairs = candidates(&sigs, Banding { bands: 2, rows: 2 });
        assert_eq!(pairs, [(DocId(0), DocId(1)), (DocId(0), DocId(2))]);
    }

    #[test]
    fn a_large_bucket_pairs_copies_with_their_first_and_others_with_neighbours() {
        let banding = Banding { bands: 2, rows: 2 };
        let similar = |n: usize| -> Vec<Signature> {
            (0..n)
                .map(|i| Signature(Box::new([1, 2, 3, i as u32])))
                .collect()
        };
        // Up to the limit, every pair (each listed once, though it collides in band 0 only).
        let n = STAR_BUCKET;
        assert_eq!(candidates(&similar(n), banding).len(), n * (n - 1) / 2);
        // Past it, copies (the same signature) make a star around the first of them.
        let copies: Vec<Signature> = (0..=n).map(|_| Signature(Box::new([1, 2, 3, 4]))).collect();
        let star: Vec<(DocId, DocId)> = (1..=n as u32).map(|i| (DocId(0), DocId(i))).collect();
        assert_eq!(candidates(&copies, banding), star);
        // Documents that differ pair with their next `WINDOW` in signature order: here (the
        // last row tells them apart, in document order) each with the `WINDOW` after it.
        let n = 4 * STAR_BUCKET;
        let pairs = candidates(&similar(n), banding);
        let windows: Vec<(DocId, DocId)> = (0..n as u32)
            .flat_map(|a| (a + 1..(a + 1 + WINDOW as u32).min(n as u32)).map(move |b| (a, b)))
            .map(|(a, b)| (DocId(a), DocId(b)))
            .collect();
        assert_eq!(pairs, windows);
    }

    #[test]
    fn each_pair_that_collides_in_any_band_is_listed_once() {
        // Bins drawn from few values, so that pairs collide in no band, one, several or all.
        let mut state = 7u64;
        let sigs: Vec<Signature> = (0..60)
            .map(|_| {
                let bins: Vec<u32> = (0..12)
                    .map(|_| {
                        state = fmix64(state.wrapping_add(0x9e37_79b9_7f4a_7c15));
                        (state % 3) as u32
                    })
                    .collect();
                Signature(bins.into())
            })
            .collect();
        let banding = Banding { bands: 4, rows: 3 };
        let collide = |a: &Signature, b: &Signature| {
            (0..banding.bands).any(|band| a.0[band * 3..][..3] == b.0[band * 3..][..3])
        };
        let mut want = Vec::new();
        for a in 0..sigs.len() {
            for b in a + 1..sigs.len() {
                if collide(&sigs[a], &sigs[b]) {
                    want.push((DocId(a as u32), DocId(b as u32)));
                }
            }
        }
        let several = want
            .iter()
            .filter(|(a, b)| {
                let (x, y) = (&sigs[a.index()], &sigs[b.index()]);
                (0..4)
                    .filter(|band| x.0[band * 3..][..3] == y.0[band * 3..][..3])
                    .count()
                    > 1
            })
            .count();
        assert!(
            several > 10,
            "the test needs pairs that collide in several bands"
        );
        assert_eq!(candidates(&sigs, banding), want);
    }
}
