//! The seed index: which document pairs share seeds, and their hits.

use super::StopWords;
use crate::hash::{combine, fmix64};
use crate::segment::Segmented;
use rayon::prelude::*;

/// Content words at most this far apart (in content words) pair into a seed. Pairs survive the
/// edits of a paraphrase (a replaced, inserted or swapped word breaks only the pairs it is in)
/// far better than word triples: on PAN13's random-obfuscation class, recall goes from 0.24 with
/// sorted triples to 0.77 with pairs at distance 2 (eval/README.md).
const SKIP: usize = 2;

/// A seed as the index holds it, in 16 bytes: its key, document, and first and past-the-last
/// word. Its partition holds the top [`PARTITION_BITS`] bits of its hash and the key the low 32,
/// so that equal seeds are told apart by 44 bits: among tens of millions of seeds, a handful of
/// chance matches, each a lone hit that no passage is made of. An array rather than a struct, so
/// that the index (a gigabyte at 100k documents) is allocated zeroed by the system, not filled
/// by a pass of its own before it is written.
pub(super) type Seed = [u32; 4];

/// The parts of a [`Seed`].
pub(super) trait SeedParts {
    fn key(&self) -> u32;
    fn doc(&self) -> u32;
    fn start(&self) -> u32;
    fn end(&self) -> u32;
}

impl SeedParts for Seed {
    fn key(&self) -> u32 {
        self[0]
    }
    fn doc(&self) -> u32 {
        self[1]
    }
    fn start(&self) -> u32 {
        self[2]
    }
    fn end(&self) -> u32 {
        self[3]
    }
}

#[derive(Clone, Copy)]
pub(super) struct Hit {
    pub(super) a: u32,
    pub(super) b: u32,
    pub(super) a0: u32,
    pub(super) a1: u32,
    pub(super) b0: u32,
    pub(super) b1: u32,
}

/// Seeds are spread over this many partitions by the top bits of their hash, so that each
/// partition is sorted on its own, in cache, and in parallel with the others.
const PARTITION_BITS: u32 = 12;

/// One document's hits, by the document they pair it with, each pair's hits in position order;
/// reused from document to document.
pub(super) struct PairHits {
    /// Slot of each document: while hits are counted, its place in `partners`; then its place
    /// among the kept partners, or [`TOO_FEW`]; `u32::MAX` when it shares no seed with this one.
    slot_of: Vec<u32>,
    /// Documents that share a seed with this one, in the order first met.
    partners: Vec<u32>,
    /// Hits with each of `partners`.
    counts: Vec<u32>,
    members: Vec<Member>,
    hits: Vec<(u32, Hit)>,
    /// Start of each kept partner's hits in `sorted`.
    starts: Vec<usize>,
    sorted: Vec<Hit>,
}

/// A document's members are walked in batches of this many, the first seed after each loaded
/// for the whole batch first. The groups lie anywhere in an index of hundreds of megabytes, so
/// nearly each is a cache miss; loaded together, the misses overlap, where the walk alone waits
/// for them one after another (its branches on who the partner is mispredict, and each
/// misprediction discards the loads begun past it). Counting hits took 40% less time at 1
/// thread (16 and 32 did as well; 8 and 64 less well).
const LOAD_AHEAD: usize = 16;

/// [`PairHits::slot_of`] of a partner with too few hits to make a passage.
const TOO_FEW: u32 = u32::MAX - 1;

impl PairHits {
    pub(super) fn new(num_docs: usize) -> PairHits {
        PairHits {
            slot_of: vec![u32::MAX; num_docs],
            partners: Vec::new(),
            counts: Vec::new(),
            members: Vec::new(),
            hits: Vec::new(),
            starts: Vec::new(),
            sorted: Vec::new(),
        }
    }

    /// Collects the hits of document `a` with later documents from its members, keeping only
    /// the pairs with at least `min_hits` hits.
    ///
    /// Most pairs share a seed or two by chance (at 10k documents of news, 3.7M of 4M pairs
    /// have fewer than three hits), so the hits are counted first, and only those of pairs that
    /// can make a passage are stored, sorted and chained.
    pub(super) fn collect<'m>(
        &mut self,
        a: u32,
        members: impl Iterator<Item = &'m [Member]>,
        seeds: &[Seed],
        copies: &Copies,
        min_hits: usize,
    ) {
        for &p in &self.partners {
            self.slot_of[p as usize] = u32::MAX;
        }
        self.partners.clear();
        self.counts.clear();
        // The rest of each member's group: groups are sorted by document, so it is `a` or later.
        let partners_of = move |m: &Member| {
            seeds[m.at as usize + 1..m.group_end as usize]
                .iter()
                .filter(move |y| y.doc() != a && copies.may_pair(a, y.doc()))
        };
        // Members in position order, so that each pair's hits come out in position order.
        self.members.clear();
        for run in members {
            self.members.extend_from_slice(run);
        }
        self.members.sort_unstable_by_key(|m| (m.start, m.end));
        for batch in self.members.chunks(LOAD_AHEAD) {
            // Each group's first partner, loaded for the whole batch before any group is walked.
            let first = batch
                .iter()
                .fold(0, |x, m| x ^ seeds[m.at as usize + 1].doc());
            std::hint::black_box(first);
            for m in batch {
                for y in partners_of(m) {
                    let slot = &mut self.slot_of[y.doc() as usize];
                    if *slot == u32::MAX {
                        *slot = self.partners.len() as u32;
                        self.partners.push(y.doc());
                        self.counts.push(0);
                    }
                    self.counts[*slot as usize] += 1;
                }
            }
        }
        // Kept partners are numbered afresh, in the order first met.
        let mut kept = 0;
        for (&p, &count) in self.partners.iter().zip(&self.counts) {
            self.slot_of[p as usize] = if count as usize >= min_hits {
                kept += 1;
                kept - 1
            } else {
                TOO_FEW
            };
        }
        self.hits.clear();
        for m in &self.members {
            for y in partners_of(m) {
                let slot = self.slot_of[y.doc() as usize];
                if slot == TOO_FEW {
                    continue;
                }
                let hit = Hit {
                    a,
                    b: y.doc(),
                    a0: m.start,
                    a1: m.end,
                    b0: y.start(),
                    b1: y.end(),
                };
                self.hits.push((slot, hit));
            }
        }
        // A stable sort by partner keeps each pair's hits in position order.
        sort_into_buckets(
            self.hits.iter().map(|&(slot, hit)| (slot as usize, hit)),
            kept as usize,
            &mut self.starts,
            &mut self.sorted,
        );
        // Each pair's hits are now in (a0, a1, b0, b1) order; the hits at one position in `a`
        // are put in `b` order, so that `b` coverage is counted along `b` (a few hits at most
        // share a start, so the insertion sort is linear).
        for w in self.starts.windows(2) {
            insertion_sort_by_key(&mut self.sorted[w[0]..w[1]], |h| (h.a0, h.b0, h.a1, h.b1));
        }
    }

    /// The hits of each pair, sorted by position in `a`, then in `b`.
    pub(super) fn by_pair(&self) -> impl Iterator<Item = &[Hit]> {
        self.starts.windows(2).map(|w| &self.sorted[w[0]..w[1]])
    }
}

/// Sorts, stably, a short slice or one nearly sorted already (its cost grows with the square of
/// the distance each item moves).
fn insertion_sort_by_key<T: Copy, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && key(&v[j - 1]) > key(&x) {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

/// A stable counting sort: `items` by their bucket (below `buckets`) into `out`, with the start
/// of each bucket (and the end of the last) in `starts`.
fn sort_into_buckets<T: Copy>(
    items: impl Iterator<Item = (usize, T)> + Clone,
    buckets: usize,
    starts: &mut Vec<usize>,
    out: &mut Vec<T>,
) {
    starts.clear();
    starts.resize(buckets + 1, 0);
    for (bucket, _) in items.clone() {
        starts[bucket + 1] += 1;
    }
    for i in 0..buckets {
        starts[i + 1] += starts[i];
    }
    out.clear();
    if let Some((_, first)) = items.clone().next() {
        out.resize(starts[buckets], first);
    }
    let mut next = starts.clone();
    for (bucket, item) in items {
        out[next[bucket]] = item;
        next[bucket] += 1;
    }
}

/// The largest bucket [`sort_by_key_bits`] sorts by insertion.
const INSERTION_MAX: usize = 32;

/// Sorts seeds by key, stably: by the key's top bits (a counting sort into `sorted`, with about
/// two seeds per bucket), then each bucket by insertion. The keys are hash bits, so the buckets
/// fill evenly; but a seed found in thousands of places (a common pair of words) fills one
/// bucket alone, and two such seeds in one bucket, interleaved, would make insertion quadratic,
/// so a bucket of more than [`INSERTION_MAX`] seeds gets the standard library's stable sort.
/// On the partitions of the bench corpus (about two thousand seeds each) this took two thirds
/// of the time of that sort for the whole partition (80 ms against 122 at 10k documents, one
/// thread); with about eight seeds per bucket 85 ms, one 90–110 ms, thirty 125 ms or more.
fn sort_by_key_bits(part: &mut [Seed], starts: &mut Vec<usize>, sorted: &mut Vec<Seed>) {
    let bits = (usize::BITS - part.len().leading_zeros()).clamp(2, 17) - 1;
    let bucket = |s: &Seed| (s.key() >> (32 - bits)) as usize;
    sort_into_buckets(
        part.iter().map(|s| (bucket(s), *s)),
        1 << bits,
        starts,
        sorted,
    );
    for w in starts.windows(2) {
        let bucket = &mut sorted[w[0]..w[1]];
        if bucket.len() <= INSERTION_MAX {
            insertion_sort_by_key(bucket, SeedParts::key);
        } else {
            bucket.sort_by_key(SeedParts::key);
        }
    }
    part.copy_from_slice(sorted);
}

/// `v` cut into consecutive slices of the given sizes.
fn split_sizes<T>(mut v: &mut [T], sizes: impl IntoIterator<Item = usize>) -> Vec<&mut [T]> {
    let mut slices = Vec::new();
    for size in sizes {
        let (head, tail) = v.split_at_mut(size);
        slices.push(head);
        v = tail;
    }
    slices
}

/// Every document's seeds, grouped in `1 << PARTITION_BITS` partitions by hash, each partition
/// sorted by (key, document, position); with the partitions' bounds.
pub(super) fn partitioned_seeds(docs: &[&Segmented], stop: &StopWords) -> (Vec<Seed>, Vec<usize>) {
    let parts = 1usize << PARTITION_BITS;
    let partition = |hash: u64| (hash >> (64 - PARTITION_BITS)) as usize;
    // Documents in runs (a few per thread, for balance). The seeds are made twice, once to count
    // them by partition and once to write each straight into its place: cheaper than holding a
    // second copy, whose fresh memory the kernel must zero first.
    let run = docs.len().div_ceil(8 * rayon::current_num_threads()).max(1);
    let seeds_of_run = |r: usize, chunk: &[&Segmented], emit: &mut dyn FnMut(u64, Seed)| {
        for (i, seg) in chunk.iter().enumerate() {
            seeds_of((r * run + i) as u32, seg, stop, &mut *emit);
        }
    };
    let counts: Vec<Vec<usize>> = docs
        .par_chunks(run)
        .enumerate()
        .map(|(r, chunk)| {
            let mut counts = vec![0usize; parts];
            seeds_of_run(r, chunk, &mut |hash, _| counts[partition(hash)] += 1);
            counts
        })
        .collect();
    let sizes: Vec<usize> = (0..parts)
        .map(|p| counts.iter().map(|c| c[p]).sum())
        .collect();
    let mut bounds = vec![0usize; parts + 1];
    for p in 0..parts {
        bounds[p + 1] = bounds[p] + sizes[p];
    }
    let mut all: Vec<Seed> = vec![[0; 4]; bounds[parts]];
    // Each run's share of each partition, in run (so document) order within the partition.
    let runs = counts.len();
    let mut shares: Vec<Vec<&mut [Seed]>> = (0..runs).map(|_| Vec::new()).collect();
    let pieces = (0..parts).flat_map(|p| counts.iter().map(move |c| c[p]));
    for (i, piece) in split_sizes(&mut all, pieces).into_iter().enumerate() {
        shares[i % runs].push(piece);
    }
    docs.par_chunks(run)
        .zip(shares)
        .enumerate()
        .for_each(|(r, (chunk, mut share))| {
            let mut next = vec![0usize; parts];
            seeds_of_run(r, chunk, &mut |hash, seed| {
                let p = partition(hash);
                share[p][next[p]] = seed;
                next[p] += 1;
            });
        });
    // Runs are in document order, so sorting by key alone, stably, leaves each group in
    // (document, position) order.
    split_sizes(&mut all, sizes).into_par_iter().for_each_init(
        || (Vec::new(), Vec::new()),
        |(starts, sorted), part| sort_by_key_bits(part, starts, sorted),
    );
    (all, bounds)
}

/// Where a document's seed sits in a group that pairs it with later documents: its partners are
/// the seeds from `at + 1` to `group_end` (its own document's left out).
#[derive(Clone, Copy)]
pub(super) struct Member {
    /// Index of the seed (with [`Pairing::Next`], of the seed before its partner's).
    at: u32,
    /// End of its partners: of its group, or of its partner's seeds.
    group_end: u32,
    /// The seed's words.
    start: u32,
    end: u32,
}

/// Runs of partitions whose [`Members`] are sorted apart. Each run holds where each document's
/// members start, so runs are few, and as many whatever the number of threads: 32 runs of 100k
/// documents hold 26 MB of starts.
const RUNS: usize = 32;

/// The [`Member`]s of every document: for each run of partitions, its members by document (a
/// counting sort), so that only the runs being sorted (one per thread) hold a second copy of
/// their members, not all of them (72 MB at 10k documents).
pub(super) struct Members {
    /// Each run's members, by document, with the start of each document's (and the end).
    runs: Vec<(Vec<Member>, Vec<usize>)>,
}

impl Members {
    /// The members of `seeds`, whose partitions start at `bounds`.
    /// `texts[d]` is document `d`'s fingerprint, which orders the documents of a
    /// [`Pairing::Next`] group.
    pub(super) fn of(
        seeds: &[Seed],
        bounds: &[usize],
        copies: &Copies,
        texts: &[u64],
        max_docs: usize,
    ) -> Members {
        let num_docs = copies.cluster.len();
        // The members of partition `p` with their documents, in (key, document, position)
        // order.
        let members_in = |p: usize| {
            seeds[bounds[p]..bounds[p + 1]]
                .chunk_by(|x, y| x.key() == y.key())
                .scan(bounds[p], |at, group| {
                    let first = *at;
                    *at += group.len();
                    Some((first, group))
                })
                .filter_map(move |(first, group)| {
                    pairing(group, copies.cluster, max_docs).map(|how| (first, group, how))
                })
                .flat_map(move |(first, group, how)| {
                    let next = match how {
                        Pairing::Next => next_members(first, group, texts),
                        Pairing::All => Vec::new(),
                    };
                    let last = group[group.len() - 1].doc();
                    let all = (how == Pairing::All).then(|| {
                        let pairs_later = pairs_later(group, copies);
                        let group_end = seed_index(first + group.len());
                        group
                            .iter()
                            .zip(first..)
                            .take_while(move |(s, _)| s.doc() != last)
                            .filter(move |(_, at)| pairs_later.get(at - first))
                            .map(move |(s, at)| {
                                let member = Member {
                                    at: seed_index(at),
                                    group_end,
                                    start: s.start(),
                                    end: s.end(),
                                };
                                (s.doc() as usize, member)
                            })
                    });
                    all.into_iter().flatten().chain(next)
                })
        };
        let parts = bounds.len() - 1;
        let per_run = parts.div_ceil(RUNS);
        let runs = (0..parts)
            .step_by(per_run)
            .collect::<Vec<usize>>()
            .into_par_iter()
            .map(|first| {
                // Collected once, then sorted: walking the groups twice (to count, then to
                // write) cost more than this run's share of the copy.
                let found: Vec<(usize, Member)> = (first..(first + per_run).min(parts))
                    .flat_map(members_in)
                    .collect();
                let (mut members, mut starts) = (Vec::new(), Vec::new());
                sort_into_buckets(found.iter().copied(), num_docs, &mut starts, &mut members);
                (members, starts)
            })
            .collect();
        Members { runs }
    }

    /// The members of `doc`, in partition order.
    pub(super) fn of_doc(&self, doc: usize) -> impl Iterator<Item = &[Member]> {
        self.runs
            .iter()
            .map(move |(members, starts)| &members[starts[doc]..starts[doc + 1]])
    }
}

/// A seed's index as a [`Member`] holds it.
fn seed_index(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 seeds")
}

/// The members of a [`Pairing::Next`] group (sorted by document, starting at seed `first`):
/// its documents in the order of their fingerprints (`texts`), each paired with the next in that
/// order, the seeds of the one with the smaller id becoming members. The order is the texts', not
/// the names': paired by id, thirty documents quoting one sentence scored other originality when
/// renamed.
fn next_members(first: usize, group: &[Seed], texts: &[u64]) -> Vec<(usize, Member)> {
    let mut runs: Vec<(usize, &[Seed])> = Vec::new();
    let mut at = first;
    for run in group.chunk_by(|x, y| x.doc() == y.doc()) {
        runs.push((at, run));
        at += run.len();
    }
    let doc = |r: &(usize, &[Seed])| r.1[0].doc();
    runs.sort_by_key(|r| (texts[doc(r) as usize], doc(r)));
    let mut out = Vec::new();
    for pair in runs.windows(2) {
        let (x, y) = if doc(&pair[0]) < doc(&pair[1]) {
            (pair[0], pair[1])
        } else {
            (pair[1], pair[0])
        };
        let (y_start, y_seeds) = y;
        out.extend(x.1.iter().map(|s| {
            let member = Member {
                at: seed_index(y_start - 1),
                group_end: seed_index(y_start + y_seeds.len()),
                start: s.start(),
                end: s.end(),
            };
            (s.doc() as usize, member)
        }));
    }
    out
}

/// Seeds of a document: every pair of content words at most [`SKIP`] content words apart, as an
/// unordered pair, in order of their second word. `emit` gets each seed's 64-bit hash and the
/// seed.
pub(super) fn seeds_of(
    doc: u32,
    seg: &Segmented,
    stop: &StopWords,
    mut emit: impl FnMut(u64, Seed),
) {
    // The last `SKIP` content words, the farthest first.
    let mut recent = [usize::MAX; SKIP];
    for (second, word) in seg.words.iter().enumerate() {
        if stop.contains(word.hash) {
            continue;
        }
        for &first in recent.iter().filter(|&&f| f != usize::MAX) {
            let (x, y) = (seg.words[first].hash, word.hash);
            let hash = fmix64(combine(x.min(y), x.max(y)));
            emit(hash, [hash as u32, doc, first as u32, second as u32 + 1]);
        }
        recent.rotate_left(1);
        recent[SKIP - 1] = second;
    }
}

/// The near-duplicate clusters, as the passage stage pairs their documents.
pub(super) struct Copies<'c> {
    /// `cluster[d]`: the first (smallest) document of `d`'s cluster, `d` itself when it has none.
    cluster: &'c [u32],
    /// `exact[d]`: the first document of `d`'s cluster with the very words of `d`.
    exact: Vec<u32>,
    /// Whether a later document has `d` as its `exact`.
    has_exact: Vec<bool>,
}

impl Copies<'_> {
    /// The copies of `cluster`, whose documents' words hash to `texts`.
    pub(super) fn new<'c>(texts: &[u64], cluster: &'c [u32]) -> Copies<'c> {
        let mut exact: Vec<u32> = (0..cluster.len() as u32).collect();
        let mut has_exact = vec![false; cluster.len()];
        let mut clustered = vec![false; cluster.len()];
        for (d, &first) in cluster.iter().enumerate() {
            if first as usize != d {
                clustered[d] = true;
                clustered[first as usize] = true;
            }
        }
        let mut in_clusters: Vec<(u32, u64, u32)> = (0..cluster.len())
            .filter(|&d| clustered[d])
            .map(|d| (cluster[d], texts[d], d as u32))
            .collect();
        in_clusters.sort_unstable();
        for same in in_clusters.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
            let first = same[0].2;
            for &(_, _, d) in same {
                exact[d as usize] = first;
            }
            has_exact[first as usize] = same.len() > 1;
        }
        Copies {
            cluster,
            exact,
            has_exact,
        }
    }

    /// Whether documents `a < b` are compared: copies of one document (a near-duplicate
    /// cluster) pair with its first, and with the first of those with the very same words.
    /// They share nearly all their text, so every pair of sixty copies of a long text made
    /// 1,770 passages of all of it (5 s for 12 MB, not 0.2), saying no more than 59 do. But two
    /// identical copies of a first that differs from them share what it lacks: paired with it
    /// only, they scored that text as their own. (The first is the cluster's smallest document,
    /// so `a` is it, or neither is.)
    fn may_pair(&self, a: u32, b: u32) -> bool {
        let cluster = |d: u32| self.cluster[d as usize];
        cluster(a) != cluster(b) || cluster(a) == a || self.exact[b as usize] == a
    }
}

/// Which seeds of a group (sorted by document) pair their document with a later one
/// ([`Copies::may_pair`]): bit `i` for `group[i]`. A copy followed only by copies of its
/// cluster has no partner, and walking the group for it would find none (sixty copies of a long
/// text: 3.0 s against 0.1).
fn pairs_later(group: &[Seed], copies: &Copies) -> Bits {
    let mut bits = Bits::new(group.len());
    let cluster = |s: &Seed| copies.cluster[s.doc() as usize];
    let (mut later, mut mixed) = (None, false);
    for (i, s) in group.iter().enumerate().rev() {
        let mine = cluster(s);
        let first = mine == s.doc() || copies.has_exact[s.doc() as usize];
        if later.is_some_and(|c| first || mixed || c != mine) {
            bits.set(i);
        }
        match later {
            None => later = Some(mine),
            Some(c) => mixed |= c != mine,
        }
    }
    bits
}

/// A set of small numbers: in one word below 128 (nearly every group of seeds), else a list.
enum Bits {
    Word(u128),
    List(Vec<bool>),
}

impl Bits {
    fn new(len: usize) -> Bits {
        if len <= 128 {
            Bits::Word(0)
        } else {
            Bits::List(vec![false; len])
        }
    }

    fn set(&mut self, i: usize) {
        match self {
            Bits::Word(w) => *w |= 1 << i,
            Bits::List(l) => l[i] = true,
        }
    }

    fn get(&self, i: usize) -> bool {
        match self {
            Bits::Word(w) => w >> i & 1 == 1,
            Bits::List(l) => l[i],
        }
    }
}

/// How the documents of a group of equal seeds are paired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pairing {
    /// Each with every later one.
    All,
    /// Each with the next one only (a seed found in many documents).
    Next,
}

/// A seed found in more than `max_docs` documents, but no more than this many times as many,
/// pairs each document with the next one holding it: a common phrase then makes a hit or two
/// between scattered pairs, too few for a passage, where a sentence that many documents quote
/// (a press release, a syndicated paragraph) makes a passage between each and the next. Before,
/// such seeds were dropped: seventeen documents quoting one sentence shared nothing, where
/// sixteen shared it. Hits grow with the group, not with its square, but they are hits the stage
/// did not count before: on the bench corpus, whose Reuters stories recur in about 26 documents
/// each at 100k, the full analysis found 440,000 more passages and took 1.55 times as long
/// (11.0 s to 17.0 s, 3.1 to 3.7 GB, two interleaved runs each); at 10k, where they recur in
/// about 3, its time was within the noise. PAN13 0.8293 → 0.8292. Twice `max_docs` cost 1.4
/// times at 100k, eight times 1.8.
const NEXT_FACTOR: usize = 4;

/// Whether and how a group of equal seeds (sorted by document) is evidence of reuse between its
/// documents: found in two or more; every pair when in no more than `max_docs`, each with the
/// next when in up to [`NEXT_FACTOR`] times as many (common phrases and boilerplate, found in
/// more, are no evidence). The copies of one document (`copy_of`, the first document of each
/// one's near-duplicate cluster) count once: seventeen copies of an article share all their
/// words, not a common phrase.
pub(super) fn pairing(group: &[Seed], copy_of: &[u32], max_docs: usize) -> Option<Pairing> {
    let n = group.len();
    if n < 2 || group[0].doc() == group[n - 1].doc() {
        return None;
    }
    let docs = 1 + group
        .windows(2)
        .filter(|w| w[0].doc() != w[1].doc())
        .count();
    // A phrase repeated many times inside documents multiplies hits; cap the group too.
    if docs <= max_docs && n <= 4 * max_docs {
        return Some(Pairing::All);
    }
    // Copies pair with their cluster's first only, so a cluster's entries make hits in
    // proportion to their number, and only entries of different clusters multiply.
    let mut clusters: Vec<u32> = group.iter().map(|s| copy_of[s.doc() as usize]).collect();
    clusters.sort_unstable();
    let sizes: Vec<usize> = clusters.chunk_by(|x, y| x == y).map(<[u32]>::len).collect();
    let across = (n * n - sizes.iter().map(|s| s * s).sum::<usize>()) / 2;
    if sizes.len() <= max_docs && across <= 8 * max_docs * max_docs && n <= 4 * docs {
        return Some(Pairing::All);
    }
    (docs <= NEXT_FACTOR * max_docs && n <= 4 * docs).then_some(Pairing::Next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the keys (few distinct ones, sharing their top bits, interleaved), the
        /// seeds come out as the standard library's stable sort leaves them.
        #[test]
        fn seeds_sort_as_a_stable_sort_does(
            keys in proptest::collection::vec(
                prop_oneof![any::<u32>(), 0u32..4, (0u32..3).prop_map(|k| 0xABCD_0000 | k)],
                0..3000,
            )
        ) {
            let mut part: Vec<Seed> = keys.iter().zip(0u32..).map(|(&k, i)| [k, i, 0, 0]).collect();
            let mut want = part.clone();
            want.sort_by_key(SeedParts::key);
            sort_by_key_bits(&mut part, &mut Vec::new(), &mut Vec::new());
            prop_assert_eq!(part, want);
        }
    }
}
