//! Properties of the near-duplicate stage against a brute-force oracle, on generated corpora.

mod util;

use dedupe::lsh::{candidates, Banding};
use dedupe::minhash::MinHasher;
use dedupe::shingle::{jaccard, shingle_set};
use dedupe::verify::verify;
use dedupe::{Config, DocId};
use util::Words;

/// A corpus of families: a base document and variants with some words replaced, so that pairs
/// spread over the whole range of Jaccard similarity.
fn corpus(seed: u64) -> Vec<Vec<u64>> {
    let mut w = Words::new(seed);
    let mut docs = Vec::new();
    for _ in 0..12 {
        let len = 40 + (w.next_u64() % 300) as usize;
        let base: Vec<u64> = (0..len).map(|_| w.next_u64() % 20_000).collect();
        docs.push(base.clone());
        for _ in 0..4 {
            let mut v = base.clone();
            let changes = (w.next_u64() % (len as u64 / 8 + 1)) as usize;
            for _ in 0..changes {
                let at = (w.next_u64() as usize) % v.len();
                v[at] = w.next_u64() % 20_000;
            }
            docs.push(v);
        }
    }
    docs
}

#[test]
fn lsh_and_verification_find_every_pair_clearly_above_the_threshold() {
    let config = Config::default();
    let hasher = MinHasher::new(config.num_perm(), config.seed());
    let (mut checked, mut near) = (0, 0);
    for seed in 1..=12 {
        let docs = corpus(seed);
        let sets: Vec<Vec<u64>> = docs
            .iter()
            .map(|d| shingle_set(d, config.shingle()))
            .collect();
        let sigs: Vec<_> = sets
            .iter()
            .map(|s| hasher.signature(s.iter().copied()))
            .collect();
        let cands = candidates(&sigs, config.banding());
        let found = verify(
            &cands,
            &sigs,
            |d: DocId| sets[d.index()].as_slice(),
            config.threshold(),
        );
        for i in 0..docs.len() {
            for j in i + 1..docs.len() {
                let exact = jaccard(&sets[i], &sets[j]);
                let reported = found.iter().find(|p| p.a.index() == i && p.b.index() == j);
                // Precision is 1: every reported pair is at or above the threshold, exactly.
                if let Some(p) = reported {
                    assert!(p.jaccard >= config.threshold() && (p.jaccard - exact).abs() < 1e-12);
                }
                if exact >= config.threshold() + 0.05 {
                    assert!(
                        reported.is_some(),
                        "seed {seed}: missed pair ({i}, {j}) with J = {exact}"
                    );
                    near += 1;
                }
                checked += 1;
            }
        }
    }
    assert!(
        near > 50,
        "the corpora must hold enough near pairs to test anything ({near})"
    );
    assert!(checked > 10_000);
}

#[test]
fn banding_recall_at_the_threshold_is_high() {
    let c = Config::default();
    assert_eq!((c.banding().bands, c.banding().rows), (18, 7));
    assert!(c.banding().candidate_probability(0.85) > 0.999);
    let even = Banding::optimal(0.8, 128, 0.5, 0.5);
    assert!(even.candidate_probability(0.8) < c.banding().candidate_probability(0.8));
}
