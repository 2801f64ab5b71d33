//! Verification: candidate pairs are kept only when the exact Jaccard similarity of their shingle
//! sets reaches the threshold; clusters are the connected components of the pairs kept.

use crate::minhash::Signature;
use crate::shingle::jaccard;
use crate::types::DocId;
use rayon::prelude::*;

/// Slack for comparing a computed ratio with a threshold typed in decimal.
const EPSILON: f64 = 1e-12;

/// Whether Jaccard `j` reaches `threshold` (typed in decimal, so with a little slack).
pub fn reaches(j: f64, threshold: f64) -> bool {
    j + EPSILON >= threshold
}

/// A verified pair, `a < b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    /// First document.
    pub a: DocId,
    /// Second document.
    pub b: DocId,
    /// Exact Jaccard similarity of the shingle sets.
    pub jaccard: f64,
    /// MinHash estimate of it.
    pub estimate: f64,
}

/// Keeps the candidates whose exact Jaccard is at least `threshold`. `set(d)` gives the sorted
/// shingle set of document `d`.
pub fn verify<'a, F>(
    candidates: &[(DocId, DocId)],
    signatures: &[Signature],
    set: F,
    threshold: f64,
) -> Vec<Pair>
where
    F: Fn(DocId) -> &'a [u64] + Sync,
{
    verify_with(
        candidates,
        signatures,
        |a, b| jaccard(set(a), set(b)),
        threshold,
    )
}

/// As [`verify`], with the exact Jaccard of a pair given by `exact(a, b)`.
pub fn verify_with<F>(
    candidates: &[(DocId, DocId)],
    signatures: &[Signature],
    exact: F,
    threshold: f64,
) -> Vec<Pair>
where
    F: Fn(DocId, DocId) -> f64 + Sync,
{
    candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            let j = exact(a, b);
            reaches(j, threshold).then(|| Pair {
                a,
                b,
                jaccard: j,
                estimate: signatures[a.index()].estimate(&signatures[b.index()]),
            })
        })
        .collect()
}

/// Connected components of the pairs with two or more members, each sorted, in order of their
/// first member.
///
/// # Panics
///
/// When a pair names a document at or past `num_docs`.
pub fn clusters(pairs: &[Pair], num_docs: usize) -> Vec<Vec<DocId>> {
    let mut parent: Vec<u32> = (0..num_docs as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for p in pairs {
        let (ra, rb) = (root(&mut parent, p.a.0), root(&mut parent, p.b.0));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let mut members: std::collections::BTreeMap<u32, Vec<DocId>> = Default::default();
    let mut touched: Vec<u32> = pairs.iter().flat_map(|p| [p.a.0, p.b.0]).collect();
    touched.sort_unstable();
    touched.dedup();
    for d in touched {
        let r = root(&mut parent, d);
        members.entry(r).or_default().push(DocId(d));
    }
    members.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_keeps_only_pairs_at_the_threshold() {
        let sets: Vec<Vec<u64>> = vec![
            vec![1, 2, 3, 4, 5],
            vec![1, 2, 3, 4, 6],
            vec![1, 2, 3, 4, 5],
        ];
        let sigs = vec![Signature(Box::new([1])); 3];
        let cands = [
            (DocId(0), DocId(1)),
            (DocId(0), DocId(2)),
            (DocId(1), DocId(2)),
        ];
        let kept = verify(&cands, &sigs, |d| &sets[d.index()], 0.8);
        assert_eq!(kept.len(), 1);
        assert_eq!(
            (kept[0].a, kept[0].b, kept[0].jaccard),
            (DocId(0), DocId(2), 1.0)
        );
        // 4 shared of 6: 0.667.
        assert_eq!(verify(&cands, &sigs, |d| &sets[d.index()], 0.6).len(), 3);
    }

    #[test]
    fn clusters_are_connected_components() {
        let p = |a, b| Pair {
            a: DocId(a),
            b: DocId(b),
            jaccard: 1.0,
            estimate: 1.0,
        };
        let c = clusters(&[p(3, 4), p(0, 4), p(1, 2)], 6);
        assert_eq!(
            c,
            vec![vec![DocId(0), DocId(3), DocId(4)], vec![DocId(1), DocId(2)]]
        );
    }
}
