//! Cross-document overlaps: passages that two different documents share, verbatim or nearly.
//!
//! Seeds are unordered pairs of nearby content words (stop words skipped), so that a swapped,
//! inserted or replaced word breaks few seeds. One index over the whole corpus (seeds partitioned
//! by hash, each partition sorted) pairs the places where a seed occurs in two documents; no two
//! documents are compared unless they share a seed. Seeds found in more than `max_docs`
//! documents are common phrases or boilerplate, not evidence of reuse. Hits of one document pair
//! are then chained into passages, bridging gaps of up to `max_gap` words on both sides along one
//! diagonal, so a changed word does not split a passage in two; nearby chains are merged, chance
//! fragments dropped by their seed count and density, the fragments left of one reused passage
//! (edited or reordered sentences) joined, and weaker second alignments of text already reported
//! dropped.
//!
//! The stage has three parts, a file each: `stop`, the stop words that seeds skip; `index`, the
//! seed index, which finds the document pairs that share seeds and their hits; and `chain`, which
//! makes the hits of one pair into passages.

mod chain;
mod index;
mod stop;

use crate::segment::Segmented;
use crate::types::DocId;
use chain::passages;
use index::{partitioned_seeds, Copies, Members, PairHits};
use rayon::prelude::*;
use std::ops::Range;

pub use stop::StopWords;

/// Settings of the overlap stage.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Shortest passage reported, in words, on both sides.
    pub min_words: usize,
    /// Longest run of unmatched words bridged inside one passage.
    pub max_gap: usize,
    /// Seeds found in more documents than this are ignored.
    pub max_docs: usize,
    /// Lowest share of a passage's words covered by matching seeds.
    pub min_density: f64,
    /// Fewest matching seeds in a passage: two shared pairs of content words are a common phrase,
    /// not evidence of reuse.
    pub min_seeds: usize,
}

/// A passage shared by two documents, `a < b`.
#[derive(Clone, Debug, PartialEq)]
pub struct Passage {
    /// First document.
    pub a: DocId,
    /// Second document.
    pub b: DocId,
    /// Word range in `a`.
    pub a_words: Range<usize>,
    /// Word range in `b`.
    pub b_words: Range<usize>,
    /// The Jaccard of the two ranges' aligned words, measured as repeats are (1.0 for a
    /// verbatim copy); for a pair too long to align (over 2^28 steps), the mean share of their
    /// words covered by matching seeds.
    pub similarity: f64,
}

/// A passage matching more loosely (down to `min_density`) must be this long, in words, on its
/// longer side (an obfuscated copy may drop half its source's words): short, loose matches are
/// what two articles on one topic share without reuse. 40 words keeps most of PAN13's obfuscated
/// cases while the seed articles, five reports of one event, show no such topical matches (see
/// eval/README.md).
pub const LOOSE_MIN_WORDS: u32 = 40;

/// Finds the passages shared by documents of `docs` (indexed by [`DocId`]); `copy_of[d]` is the
/// first (smallest) document of `d`'s near-duplicate cluster, `d` itself when it has none.
/// Copies of one document count once towards `max_docs`, and pair with one of them only: the
/// cluster's longest document (see below).
///
/// The seeds are partitioned by hash and each partition sorted, so that equal seeds lie
/// together; a group of equal seeds from two or more documents pairs them. Each document then
/// counts its hits with each document after it, and buckets by partner and chains the hits of
/// the partners with at least `min_seeds` of them (fewer make no passage): the hits of one
/// document are generated, sorted and chained while in cache, and the hits of the whole corpus
/// (tens of millions when documents share much) are never held at once.
///
/// # Panics
///
/// When `copy_of` is shorter than `docs` or names a document past its end.
pub fn find(docs: &[&Segmented], copy_of: &[u32], params: Params) -> Vec<Passage> {
    // Where the words lie tells apart most documents with the very same words.
    let layouts: Vec<u64> = docs
        .par_iter()
        .map(|seg| {
            crate::hash::combine_all(
                seg.words
                    .iter()
                    .map(|w| (u64::from(w.start) << 32) | u64::from(w.end)),
            )
        })
        .collect();
    find_tied(docs, &layouts, copy_of, params)
}

/// [`find`], where `ties[d]` (a hash of document `d`'s text as written) orders documents with
/// the very same words, before their names do.
pub fn find_tied(
    docs: &[&Segmented],
    ties: &[u64],
    copy_of: &[u32],
    params: Params,
) -> Vec<Passage> {
    // Each document's words, hashed as one: which side of a pair is chained from.
    let texts: Vec<u64> = docs.par_iter().map(|seg| seg.fingerprint()).collect();
    // The documents in an order of their own (the longest first, then by their words, then by
    // their text: copies differing in case or punctuation), so that what is found does not
    // hang on their names: in a near-duplicate cluster, its first document is the one the
    // others pair with. Named first, an article's shorter original left the update and its
    // syndicated copy unpaired, and the paragraph they alone share was each one's own;
    // renamed, it was shared. The longest holds the most of what the cluster shares.
    let mut order: Vec<u32> = (0..docs.len() as u32).collect();
    order.sort_unstable_by_key(|&d| {
        let d = d as usize;
        (std::cmp::Reverse(docs[d].words.len()), texts[d], ties[d], d)
    });
    let mut rank = vec![0u32; docs.len()];
    for (r, &d) in order.iter().enumerate() {
        rank[d as usize] = r as u32;
    }
    // Each cluster's first in that order.
    let mut first = vec![u32::MAX; docs.len()];
    for (d, &c) in copy_of.iter().enumerate() {
        first[c as usize] = first[c as usize].min(rank[d]);
    }
    let ordered: Vec<&Segmented> = order.iter().map(|&d| docs[d as usize]).collect();
    let ordered_texts: Vec<u64> = order.iter().map(|&d| texts[d as usize]).collect();
    let ordered_copy_of: Vec<u32> = order
        .iter()
        .map(|&d| first[copy_of[d as usize] as usize])
        .collect();
    let mut out: Vec<Passage> = find_ordered(&ordered, &ordered_texts, &ordered_copy_of, params)
        .into_par_iter()
        .map(|p| {
            let (a, b) = (DocId(order[p.a.index()]), DocId(order[p.b.index()]));
            if a < b {
                Passage { a, b, ..p }
            } else {
                Passage {
                    a: b,
                    b: a,
                    a_words: p.b_words,
                    b_words: p.a_words,
                    similarity: p.similarity,
                }
            }
        })
        .collect();
    out.par_sort_by(|x, y| {
        (x.a, x.b, x.a_words.start, x.b_words.start).cmp(&(
            y.a,
            y.b,
            y.a_words.start,
            y.b_words.start,
        ))
    });
    out
}

/// [`find`] over documents in the order it chose; `texts` are their fingerprints.
fn find_ordered(
    docs: &[&Segmented],
    texts: &[u64],
    copy_of: &[u32],
    params: Params,
) -> Vec<Passage> {
    let stop = StopWords::new();
    let copies = Copies::new(texts, copy_of);
    let (seeds, bounds) = partitioned_seeds(docs, &stop);
    let members = Members::of(&seeds, &bounds, &copies, texts, params.max_docs);
    // Each job builds its own `PairHits` (a slot per document): jobs of at least this many
    // documents keep that to a few dozen, where rayon's splitting would otherwise make thousands
    // (at 100k documents, most of the run went to the kernel zeroing their memory).
    let per_job = docs
        .len()
        .div_ceil(32 * rayon::current_num_threads())
        .max(1);
    (0..docs.len())
        .into_par_iter()
        .with_min_len(per_job)
        .map_init(
            || PairHits::new(docs.len()),
            |pairs, a| {
                pairs.collect(
                    a as u32,
                    members.of_doc(a),
                    &seeds,
                    &copies,
                    params.min_seeds,
                );
                let mut found = Vec::new();
                for hits in pairs.by_pair() {
                    found.extend(passages(hits, params, docs, texts, &stop));
                }
                found
            },
        )
        .flatten_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::index::{pairing, seeds_of, Hit, Pairing, Seed, SeedParts};
    use super::*;

    pub(super) const PARAMS: Params = Params {
        min_words: 8,
        max_gap: 10,
        max_docs: 16,
        min_density: 0.5,
        min_seeds: 3,
    };

    /// `copy_of` for documents none of which is a copy of another.
    fn no_copies(n: usize) -> Vec<u32> {
        (0..n as u32).collect()
    }

    fn run(texts: &[&str]) -> (Vec<Segmented>, Vec<Passage>) {
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let refs: Vec<&Segmented> = segs.iter().collect();
        let found = find(&refs, &no_copies(refs.len()), PARAMS);
        (segs, found)
    }

    const QUOTE: &str = "we are tackling it and we are dealing with it but it is going to take some time before the numbers change";

    #[test]
    fn a_shared_quote_is_found_in_both_documents() {
        let a = format!("Officials met on Monday to plan. {QUOTE}. Then they left the capital.");
        let b =
            format!("Reporters waited outside all day long. {QUOTE}. Nobody answered questions.");
        let (segs, found) = run(&[&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
        let p = &found[0];
        let text_a = &a[segs[0].words_span(p.a_words.start, p.a_words.end).range()];
        let text_b = &b[segs[1].words_span(p.b_words.start, p.b_words.end).range()];
        // The whole quote: found from its content words, grown over the stop words around them.
        assert_eq!(text_a, QUOTE);
        assert_eq!(text_a, text_b);
        assert_eq!(p.similarity, 1.0);
    }

    #[test]
    fn copies_of_one_document_count_once_and_pair_with_its_first() {
        // One quote in more documents than `max_docs` (16): each document pairs with the next
        // one holding it, in the order of their texts' fingerprints (before, the quote was a
        // common phrase, and no passage was found).
        let texts: Vec<String> = (0..PARAMS.max_docs + 2)
            .map(|i| format!("zulu{i} yankee{i} xray{i}. {QUOTE}."))
            .collect();
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let refs: Vec<&Segmented> = segs.iter().collect();
        let pairs = |found: &[Passage]| -> Vec<(DocId, DocId)> {
            found.iter().map(|p| (p.a, p.b)).collect()
        };
        let mut order: Vec<u32> = (0..refs.len() as u32).collect();
        order.sort_by_key(|&d| refs[d as usize].fingerprint());
        let mut expected: Vec<(DocId, DocId)> = order
            .windows(2)
            .map(|w| (DocId(w[0].min(w[1])), DocId(w[0].max(w[1]))))
            .collect();
        expected.sort();
        let found = find(&refs, &no_copies(refs.len()), PARAMS);
        assert_eq!(pairs(&found), expected);
        // Renamed (the documents in another order), the same documents pair.
        let reversed: Vec<&Segmented> = refs.iter().rev().copied().collect();
        let last = refs.len() as u32 - 1;
        let mut renamed: Vec<(DocId, DocId)> = find(&reversed, &no_copies(refs.len()), PARAMS)
            .iter()
            .map(|p| (DocId(last - p.b.0), DocId(last - p.a.0)))
            .collect();
        renamed.sort();
        assert_eq!(renamed, expected);
        // Copies pair with their cluster's first document only: the longest, then by its
        // words' fingerprint (these are as long as one another), whatever the names.
        let first_of = |members: &mut dyn Iterator<Item = u32>| {
            members
                .min_by_key(|&d| {
                    let seg = refs[d as usize];
                    (std::cmp::Reverse(seg.words.len()), seg.fingerprint(), d)
                })
                .unwrap()
        };
        let one_cluster = vec![0; refs.len()];
        let found = find(&refs, &one_cluster, PARAMS);
        let first = first_of(&mut (0..refs.len() as u32));
        let with_first: Vec<(DocId, DocId)> = (0..refs.len() as u32)
            .filter(|&d| d != first)
            .map(|d| (DocId(d.min(first)), DocId(d.max(first))))
            .collect();
        assert_eq!(
            found.iter().map(|p| (p.a, p.b)).collect::<Vec<_>>(),
            with_first
        );
        assert!(found
            .iter()
            .all(|p| p.a_words.len() == QUOTE.split(' ').count()));
        // Two clusters: a copy pairs with its own first, and with the other cluster.
        let two: Vec<u32> = (0..refs.len() as u32).map(|d| d % 2).collect();
        let found = find(&refs, &two, PARAMS);
        let firsts: Vec<u32> = (0..2)
            .map(|c| first_of(&mut (0..refs.len() as u32).filter(|&d| two[d as usize] == c)))
            .collect();
        // Nine documents in each: 81 pairs across, 8 within each.
        assert_eq!(found.len(), 9 * 9 + 2 * 8);
        // More copies than a seed may occur times (4 × `max_docs`), and one other document
        // quoting them: still found, the copies with their first and the other with each.
        let n = 4 * PARAMS.max_docs + 6;
        let texts: Vec<String> = (0..=n)
            .map(|i| format!("zulu{i} yankee{i} xray{i}. {QUOTE}."))
            .collect();
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let refs: Vec<&Segmented> = segs.iter().collect();
        let mut copy_of = vec![0; n];
        copy_of.push(n as u32);
        assert_eq!(find(&refs, &copy_of, PARAMS).len(), (n - 1) + n);
        for p in found {
            let (ca, cb) = (two[p.a.0 as usize], two[p.b.0 as usize]);
            let first = firsts[ca as usize];
            assert!(ca != cb || p.a.0 == first || p.b.0 == first, "{p:?}");
        }
    }

    #[test]
    fn a_cluster_pairs_the_same_documents_whatever_their_names() {
        // An article, its update (a paragraph added) and the update syndicated under another
        // headline: one cluster. Named first, the original was the one all paired with, and
        // the added paragraph, shared by the update and its copy only, was each one's own.
        let story = include_str!("../../seeds/001_a44d78c5ea0fce22.txt");
        let added = "The library said the children's section on the ground floor will close at seven as before, and volunteers will staff the reading room on Sunday afternoons.";
        let update = format!("{story}\n\n{added}\n");
        let syndicated = format!("Central library to open later\n\n{update}");
        let added_at = |text: &str, seg: &Segmented| {
            let at = text.find("The library said").unwrap();
            seg.words
                .iter()
                .position(|w| w.start as usize >= at)
                .unwrap()
        };
        for names in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            let texts = [story, update.as_str(), syndicated.as_str()];
            let named: Vec<&str> = names.iter().map(|&i| texts[i]).collect();
            let segs: Vec<Segmented> = named.iter().map(|t| Segmented::new(t)).collect();
            let refs: Vec<&Segmented> = segs.iter().collect();
            let found = find(&refs, &[0, 0, 0], PARAMS);
            let at = |i: usize| names.iter().position(|&n| n == i).unwrap();
            let (u, c) = (at(1), at(2));
            let (word_u, word_c) = (added_at(&update, &segs[u]), added_at(&syndicated, &segs[c]));
            let shared = found.iter().any(|p| {
                let (wu, wc) = if p.a.index() == u {
                    (&p.a_words, &p.b_words)
                } else {
                    (&p.b_words, &p.a_words)
                };
                [p.a.index(), p.b.index()].contains(&u)
                    && [p.a.index(), p.b.index()].contains(&c)
                    && wu.contains(&word_u)
                    && wc.contains(&word_c)
            });
            assert!(shared, "names {names:?}: {found:?}");
        }
    }

    #[test]
    fn copies_with_the_same_words_pair_alike_whatever_their_names() {
        // Two copies with the very same words (one in capitals) and a variant: one cluster.
        // Which copy the variant pairs with hung on their names.
        let x = format!("Zulu yankee xray. {QUOTE}. Whiskey victor uniform tango sierra.");
        let y = x.to_uppercase();
        let z = format!("zulu yankee xray. {QUOTE}. romeo quebec papa oscar november.");
        let texts = [x.as_str(), y.as_str(), z.as_str()];
        let mut seen = None;
        for names in [[0, 1, 2], [1, 0, 2], [2, 1, 0], [1, 2, 0]] {
            let segs: Vec<Segmented> = names.iter().map(|&i| Segmented::new(texts[i])).collect();
            let refs: Vec<&Segmented> = segs.iter().collect();
            let ties: Vec<u64> = names
                .iter()
                .map(|&i| crate::hash::hash_bytes(texts[i].as_bytes()))
                .collect();
            let found = find_tied(&refs, &ties, &[0, 0, 0], PARAMS);
            let mut pairs: Vec<[usize; 2]> = found
                .iter()
                .map(|p| {
                    let mut pair = [names[p.a.index()], names[p.b.index()]];
                    pair.sort_unstable();
                    pair
                })
                .collect();
            pairs.sort_unstable();
            assert_eq!(*seen.get_or_insert(pairs.clone()), pairs, "names {names:?}");
        }
    }

    #[test]
    fn identical_copies_of_a_first_that_differs_pair_with_each_other() {
        let changed = format!("zulu yankee xray. {QUOTE}. whiskey victor uniform tango sierra.");
        let copy = format!("zulu yankee xray. {QUOTE}. romeo quebec papa oscar november.");
        let texts = [&changed, &copy, &copy];
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let refs: Vec<&Segmented> = segs.iter().collect();
        let found = find(&refs, &[0, 0, 0], PARAMS);
        let pairs: Vec<(u32, u32)> = found.iter().map(|p| (p.a.0, p.b.0)).collect();
        // Paired with the first only, the two copies' last words counted as their own.
        assert_eq!(pairs, [(0, 1), (0, 2), (1, 2)]);
        assert_eq!(found[2].a_words, 0..segs[1].words.len());
    }

    #[test]
    fn a_passage_of_exactly_the_fewest_seeds_is_found() {
        // Three content words, stop words between: three seeds, as many as `min_seeds` (3).
        let shared = "alpha of the and in beta of the and in gamma";
        let a = format!("zulu yankee xray. {shared}. whiskey victor uniform.");
        let b = format!("tango sierra romeo. {shared}. quebec papa oscar.");
        let (segs, found) = run(&[&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
        let p = &found[0];
        assert_eq!(
            &a[segs[0].words_span(p.a_words.start, p.a_words.end).range()],
            shared
        );
        // Two seeds shared (alpha-beta, and beta-gamma two content words apart, the word between
        // differing): a passage at two seeds, none at three.
        let c = "zulu yankee xray. alpha of the beta of the kilo of the gamma. whiskey victor.";
        let d = "tango sierra romeo. alpha of the beta of the lima of the gamma. quebec papa.";
        assert!(run(&[c, d]).1.is_empty());
        let segs = [Segmented::new(c), Segmented::new(d)];
        let two = Params {
            min_seeds: 2,
            ..PARAMS
        };
        assert_eq!(find(&[&segs[0], &segs[1]], &no_copies(2), two).len(), 1);
    }

    #[test]
    fn a_paragraph_on_another_subject_keeps_two_quotes_apart() {
        let p = "The harbour authority approved a new dredging plan on Tuesday after months of argument between fishermen and the shipping companies who use the northern channel. Engineers will remove silt from the approach over two winters.";
        let s = "Critics of the plan say the levy falls hardest on small operators, who move fewer boxes but pay the same rate per container as the largest lines, and who were never consulted.";
        let own = "Meanwhile the town museum reopened its maritime gallery, closed since a leak damaged the roof last spring; the curator said attendance on the first weekend doubled.";
        let a = format!("{p}\n\n{s}\n");
        // The quotes in the other order, around a paragraph of b's own.
        let b = format!("{s}\n\n{own}\n\n{p}\n");
        assert_two_passages_leave_out(&a, &b, own);
        // The same paragraph retold from the quotes' words is part of the reuse: one passage.
        let retold = "Fishermen argued for months with shipping companies; engineers on the northern channel will remove silt over two winters, and small operators pay the levy per container.";
        let b = format!("{s}\n\n{retold}\n\n{p}\n");
        let (_, found) = run(&[&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn an_own_paragraph_on_the_quotes_subject_is_not_quoted() {
        // Two runs of 30 words of one article with 40 words of another on the same subject
        // (Harris, Biden, migration) between them.
        let words = |text: &str, from: usize, to: usize| {
            text.split_whitespace()
                .skip(from)
                .take(to - from)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let source = include_str!("../../seeds/001_a44d78c5ea0fce22.txt");
        let other = include_str!("../../seeds/003_c830c1c83e80df10.txt");
        let own = words(other, 200, 240);
        let a = words(source, 0, 160);
        let b = format!(
            "{}\n\n{own}\n\n{}\n",
            words(source, 100, 130),
            words(source, 130, 160)
        );
        assert_two_passages_leave_out(&a, &b, &own);
    }

    /// Asserts that `a` and `b` share two passages, neither covering the paragraph `own` of `b`.
    fn assert_two_passages_leave_out(a: &str, b: &str, own: &str) {
        let (segs, found) = run(&[a, b]);
        let own_start = b.find(own).unwrap();
        let own_word = segs[1]
            .words
            .iter()
            .position(|w| w.start as usize >= own_start)
            .unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found.iter().all(|q| !q.b_words.contains(&own_word)),
            "{found:?}"
        );
    }

    #[test]
    fn own_words_inserted_inside_a_shared_paragraph_are_not_shared() {
        let first = "The regional weather service issued a severe storm warning for the northern valleys on Friday, telling residents to secure loose objects and avoid travel on mountain roads after dark.";
        let second = "Emergency crews from three neighbouring districts have been placed on standby, and several schools announced that classes would start two hours late on Monday.";
        let own = "In Brenna, volunteers at the community hall spent the afternoon filling sandbags for elderly neighbours whose cellars flooded during last winter's storms, and the ferry to Halvik cancelled its evening crossing.";
        let wire = format!("{first} {second}\n");
        // One paragraph in both: only the inserted sentence tells them apart.
        let local = format!("{first} {own} {second}\n");
        assert_two_passages_leave_out(&wire, &local, own);
        // The same sentence retold from the wire's words is part of the reuse: one passage.
        let retold = "Residents were told to secure objects and avoid mountain roads, crews were placed on standby, and schools will start late on Monday after the storm warning.";
        let (_, found) = run(&[&wire, &format!("{first} {retold} {second}\n")]);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn two_paragraphs_copied_in_swapped_order_are_two_verbatim_passages() {
        let p = "The blaze broke out shortly after three in the morning in a storage hall on the \
            eastern quay, according to the regional fire service, and within an hour the smoke \
            could be seen from the motorway bridge, where traffic was stopped until noon.";
        let q = "Our priority was to stop the fire reaching the north hall, where most of the \
            product is kept, and we have managed that for now, the fire chief told reporters at \
            a briefing near the harbour gates late on Tuesday evening.";
        // Long ones, and short ones that are whole paragraphs (their ends may drift by a word
        // or two: both share "fire").
        let short = |t: &str| t.split(", and").next().unwrap().to_string() + ".";
        for (p, q, least) in [
            (p.to_string(), q.to_string(), 1.0),
            (short(p), short(q), 0.8),
        ] {
            let (_, found) = run(&[&format!("{p}\n\n{q}\n"), &format!("{q}\n\n{p}\n")]);
            assert_eq!(found.len(), 2, "{p}: {found:?}");
            for f in &found {
                assert!(f.similarity >= least, "{f:?}");
            }
        }
    }

    #[test]
    fn an_edited_copy_of_a_paragraph_from_elsewhere_does_not_bridge_a_passage() {
        let words = |w: &str, n: usize| {
            (0..n)
                .map(|i| format!("{w}{i}"))
                .collect::<Vec<_>>()
                .join(" ")
                + "."
        };
        let (x, p, q) = (words("xray", 30), words("papa", 30), words("quebec", 30));
        let own: Vec<String> = ["alpha", "bravo", "charlie"]
            .iter()
            .map(|w| words(w, 30))
            .collect();
        // An update: the story's first paragraph, edited, moved between its last two.
        let edited = x
            .replacen("xray7 ", "yankee ", 1)
            .replacen("xray20 ", "zulu ", 1);
        let a = format!("{x}\n\n{}\n\n{p}\n\n{q}\n", own.join("\n\n"));
        let b = format!("{p}\n\n{edited}\n\n{q}\n");
        let (segs, found) = run(&[&a, &b]);
        let in_b = |f: &Passage| &b[segs[1].words_span(f.b_words.start, f.b_words.end).range()];
        // The two paragraphs around it are not one passage through it, and it is found where
        // it came from.
        assert!(
            found
                .iter()
                .all(|f| !(in_b(f).contains("papa0") && in_b(f).contains("quebec0"))),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.a_words.start == 0 && in_b(f).starts_with("xray0")),
            "{found:?}"
        );
    }

    #[test]
    fn a_quote_given_twice_does_not_take_the_words_between_its_copies() {
        let a = format!("The minister opened the debate. \"{QUOTE},\" she said to applause.");
        let b = format!(
            "Asked about it - \"{QUOTE}\" - she laughed. The nurses' union said: '{QUOTE}.' Then \
             they left."
        );
        let (segs, found) = run(&[&a, &b]);
        assert!(!found.is_empty());
        for p in &found {
            let text_b = &b[segs[1].words_span(p.b_words.start, p.b_words.end).range()];
            assert!(!text_b.contains("laughed"), "{text_b}");
        }
    }

    #[test]
    fn a_sentence_given_twice_in_the_other_document_is_found() {
        // The default settings: the copies lie within `max_gap` (15) of each other in `b`.
        let params = Params {
            min_words: 10,
            max_gap: 15,
            min_density: 0.4,
            ..PARAMS
        };
        let a = "The bridge on Mill Lane will be closed for repairs until Friday.\n";
        let b = format!("{a}\n{a}");
        let segs = [Segmented::new(a), Segmented::new(&b)];
        let found = find(&[&segs[0], &segs[1]], &no_copies(2), params);
        assert_eq!(found.len(), 1, "{found:?}");
        let text_b = &b[segs[1]
            .words_span(found[0].b_words.start, found[0].b_words.end)
            .range()];
        assert_eq!(text_b, a.trim_end().trim_end_matches('.'));
    }

    #[test]
    fn the_same_words_in_another_order_are_no_passage() {
        // Every four words reversed: each pair of nearby words still matches, but only one word
        // in four aligns (similarity 10 / 70).
        let words: Vec<String> = (0..40).map(|i| format!("word{i}x")).collect();
        let a = words.join(" ");
        let b = words
            .chunks(4)
            .flat_map(|c| c.iter().rev())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(run(&[&a, &b]).1, vec![]);
        // In order, they are one.
        assert_eq!(run(&[&a, &a.clone()]).1.len(), 1);
        // The reordered words may not hide a verbatim quote of half of them further on.
        let filler: Vec<String> = (0..100).map(|i| format!("fill{i}y")).collect();
        let b = format!("{b}\n\n{}\n\n{}\n", filler.join(" "), words[..20].join(" "));
        let (_, found) = run(&[&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].a_words.clone(), found[0].similarity),
            (0..20, 1.0)
        );
    }

    #[test]
    fn a_passage_does_not_grow_into_the_next_paragraph() {
        let a = format!("Officials met on Monday.\n\n{QUOTE}.\n\nThe mayor left early.\n");
        let b = format!("Reporters waited all day.\n\n{QUOTE}.\n\nThe council adjourned.\n");
        let (segs, found) = run(&[&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
        let text_a = &a[segs[0]
            .words_span(found[0].a_words.start, found[0].a_words.end)
            .range()];
        assert_eq!(text_a, QUOTE);
    }

    #[test]
    fn a_changed_word_does_not_split_the_passage() {
        let text = "the council approved a broad plan to rebuild the harbour district after the storm destroyed most piers and warehouses along the eastern shore of the bay last winter";
        let changed = text.replace("warehouses", "sheds");
        let (segs, found) = run(&[text, &changed]);
        assert_eq!(found.len(), 1, "{found:?}");
        let p = &found[0];
        let text_b = &changed[segs[1].words_span(p.b_words.start, p.b_words.end).range()];
        assert_eq!(text_b, changed);
        // 28 words, 27 aligned: 27 / 29, though the seeds span the changed word.
        assert!(
            (p.similarity - 27.0 / 29.0).abs() < 1e-9,
            "{}",
            p.similarity
        );
    }

    #[test]
    fn a_close_match_does_not_annex_a_stock_phrase_nearby() {
        let filler = |w: &str| {
            (0..25)
                .map(|i| format!("{w}{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let phrase = "leaders of Honduras Guatemala and El Salvador";
        let a = format!("{phrase} met. {} {QUOTE}.", filler("alpha"));
        let b = format!("{phrase} spoke. {} {QUOTE}.", filler("beta"));
        let (segs, found) = run(&[&a, &b]);
        let quote = found
            .iter()
            .map(|p| &a[segs[0].words_span(p.a_words.start, p.a_words.end).range()])
            .find(|t| t.contains("tackling"))
            .expect("the quote is found");
        assert_eq!(quote, QUOTE);
    }

    #[test]
    fn short_loose_matches_on_one_topic_are_not_reuse() {
        // The same names and topic, written independently: a few shared pairs, low density.
        let a = "Harris will meet the president of Guatemala on Monday to discuss migration from the Northern Triangle and the root causes behind it.";
        let b = "Migration from Central America rose again, and officials said the root causes in Guatemala and the Northern Triangle will take years to address.";
        let (_, found) = run(&[a, b]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn passages_do_not_hang_on_which_document_comes_first() {
        // Seeds 002 and 003's stock phrase was placed a few words apart depending on their
        // names (it is too short and too loose to report now); 001 and 002 share a quote.
        let x = include_str!("../../seeds/001_a44d78c5ea0fce22.txt");
        let y = include_str!("../../seeds/002_896b3e09b23975d2.txt");
        let (_, xy) = run(&[x, y]);
        let (_, yx) = run(&[y, x]);
        assert!(!xy.is_empty());
        let mut flipped: Vec<(Range<usize>, Range<usize>, f64)> = yx
            .iter()
            .map(|p| (p.b_words.clone(), p.a_words.clone(), p.similarity))
            .collect();
        flipped.sort_by_key(|(a, b, _)| (a.start, b.start));
        let same: Vec<(Range<usize>, Range<usize>, f64)> = xy
            .iter()
            .map(|p| (p.a_words.clone(), p.b_words.clone(), p.similarity))
            .collect();
        assert_eq!(same, flipped);
    }

    #[test]
    fn unrelated_spanish_articles_share_no_passage_of_function_words() {
        let a = "Los comerciantes de la calle Mayor temen perder clientes\n\nLos comerciantes de la calle Mayor se mostraron preocupados el viernes por la pérdida de plazas de aparcamiento que supondrá el nuevo plan de carriles bici.\n";
        let b = "La alcaldesa, Carmen Ortega, dijo que el presupuesto prioriza los servicios sociales y el mantenimiento de los colegios públicos de la ciudad. La oposición criticó la subida de algunas tasas municipales.\n";
        assert_eq!(run(&[a, b]).1, vec![]);
    }

    #[test]
    fn unrelated_documents_share_nothing() {
        let (_, found) = run(&[
            QUOTE,
            "The committee approved the budget for next year after a long debate in the chamber.",
        ]);
        assert!(found.is_empty());
    }

    /// The passages of a corpus as chained from hits found by comparing every seed of every
    /// pair of documents: what the partitioned index must reproduce.
    fn by_brute_force(segs: &[&Segmented], params: Params) -> Vec<Passage> {
        let stop = StopWords::new();
        let texts: Vec<u64> = segs.iter().map(|seg| seg.fingerprint()).collect();
        let seeds: Vec<Vec<(u64, Seed)>> = segs
            .iter()
            .enumerate()
            .map(|(d, seg)| {
                let mut out = Vec::new();
                seeds_of(d as u32, seg, &stop, |hash, seed| out.push((hash, seed)));
                out
            })
            .collect();
        let mut groups: ahash::AHashMap<u64, Vec<Seed>> = ahash::AHashMap::new();
        for (hash, s) in seeds.iter().flatten() {
            groups.entry(*hash).or_default().push(*s);
        }
        let mut out = Vec::new();
        for a in 0..segs.len() {
            for b in a + 1..segs.len() {
                let mut hits = Vec::new();
                for (hash, x) in &seeds[a] {
                    let group = &groups[hash];
                    let paired = match pairing(group, &no_copies(segs.len()), params.max_docs) {
                        None => false,
                        Some(Pairing::All) => true,
                        Some(Pairing::Next) => {
                            let mut order: Vec<u32> = group.iter().map(|s| s.doc()).collect();
                            order.dedup();
                            order.sort_by_key(|&d| (texts[d as usize], d));
                            order
                                .windows(2)
                                .any(|w| (w[0].min(w[1]), w[0].max(w[1])) == (a as u32, b as u32))
                        }
                    };
                    if !paired {
                        continue;
                    }
                    for (_, y) in seeds[b].iter().filter(|(h, _)| h == hash) {
                        hits.push(Hit {
                            a: a as u32,
                            b: b as u32,
                            a0: x.start(),
                            a1: x.end(),
                            b0: y.start(),
                            b1: y.end(),
                        });
                    }
                }
                hits.sort_by_key(|h| (h.a0, h.b0, h.a1, h.b1));
                if !hits.is_empty() {
                    out.extend(passages(&hits, params, segs, &texts, &stop));
                }
            }
        }
        out.sort_by_key(|p| (p.a, p.b, p.a_words.start, p.b_words.start));
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(24))]

        /// Documents made of shared, edited and repeated sentences: the index finds what
        /// comparing every pair of documents seed by seed finds.
        #[test]
        fn the_index_finds_what_brute_force_finds(
            picks in proptest::collection::vec(
                proptest::collection::vec((0usize..12, 0usize..4), 1..10),
                2..40,
            ),
            max_docs in 2usize..8,

        ) {
            let sentences: Vec<String> = (0..12)
                .map(|s| {
                    (0..14)
                        .map(|w| format!("w{}", (s * 7 + w * 3) % 53))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            let texts: Vec<String> = picks
                .iter()
                .map(|doc| {
                    doc.iter()
                        .map(|&(s, edit)| sentences[s].replacen(&format!("w{}", edit * 5), "changed", 1))
                        .collect::<Vec<_>>()
                        .join(". ")
                })
                .collect();
            let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
            let refs: Vec<&Segmented> = segs.iter().collect();
            let params = Params { max_docs, ..PARAMS };
            let found = find(&refs, &no_copies(refs.len()), params);
            proptest::prop_assert_eq!(found, by_brute_force(&refs, params));
        }
    }

    proptest::proptest! {
        /// A passage copied word for word into two unrelated texts is found whole, from its
        /// first word to its last (stop words at its ends included), and nothing else is. Its
        /// content words are all different: where they repeat within a few words, hits on
        /// several diagonals can leave one end of the passage a few words short.
        #[test]
        fn a_verbatim_copy_is_found_whole(
            stops in proptest::collection::vec(0usize..12, 14..60),
            before in (0usize..40, 0usize..40),
            after in (0usize..40, 0usize..40),
        ) {
            // Content words and stop words for the copy; the texts around it are other words.
            let stop = ["the", "of", "and", "to", "in", "was", "that", "with"];
            let copy: Vec<String> = stops
                .iter()
                .enumerate()
                .map(|(i, &s)| stop.get(s).map_or_else(|| format!("word{i}"), |w| w.to_string()))
                .collect();
            proptest::prop_assume!(copy.iter().filter(|w| w.starts_with("word")).count() >= 8);
            let filler = |tag: &str, n: usize| (0..n).map(|i| format!("{tag}{i}")).collect::<Vec<_>>();
            let text = |tag: &str, (x, y): (usize, usize)| {
                [filler(&format!("{tag}x"), x), copy.clone(), filler(&format!("{tag}y"), y)]
                    .concat()
                    .join(" ")
            };
            let (a, b) = (text("a", (before.0, after.0)), text("b", (before.1, after.1)));
            let (segs, found) = run(&[&a, &b]);
            proptest::prop_assert_eq!(found.len(), 1, "{:?}", found);
            let p = &found[0];
            let copied = copy.join(" ");
            proptest::prop_assert_eq!(&a[segs[0].words_span(p.a_words.start, p.a_words.end).range()], copied.as_str());
            proptest::prop_assert_eq!(&b[segs[1].words_span(p.b_words.start, p.b_words.end).range()], copied.as_str());
        }
    }
}
