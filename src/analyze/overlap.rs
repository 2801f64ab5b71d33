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

use super::repeats::aligned_similarity;
use crate::hash::{combine, fmix64, hash_bytes};
use crate::segment::{Paragraph, Segmented};
use crate::types::DocId;
use ahash::AHashSet;
use rayon::prelude::*;
use std::ops::Range;

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
    /// Fewest matching seeds in a passage: two shared word triples are a common phrase, not
    /// evidence of reuse.
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

/// Content words at most this far apart (in content words) pair into a seed. Pairs survive the
/// edits of a paraphrase (a replaced, inserted or swapped word breaks only the pairs it is in)
/// far better than word triples: on PAN13's random-obfuscation class, recall goes from 0.24 with
/// sorted triples to 0.77 with pairs at distance 2 (eval/README.md).
const SKIP: usize = 2;

/// A passage whose seeds cover at least this share of its words is reported at any length from
/// `min_words` on: near-verbatim reuse.
const CLOSE_DENSITY: f64 = 0.7;

/// A passage matching more loosely (down to `min_density`) must be this long, in words, on its
/// longer side (an obfuscated copy may drop half its source's words): short, loose matches are
/// what two articles on one topic share without reuse. 40 words keeps most of PAN13's obfuscated
/// cases while the seed articles, five reports of one event, show no such topical matches (see
/// eval/README.md).
pub const LOOSE_MIN_WORDS: u32 = 40;

/// Least density of either side of a passage: a few words of one document matched, at long
/// intervals, by words spread over a page of the other is no passage.
const SIDE_DENSITY: f64 = 0.2;

/// How much lower than its denser part a merged passage's density may be. 0.35 rather than
/// 0.25 since a merge can no longer stretch a passage by realigning its words (see
/// `MIN_EXTENSION_DENSITY`): PAN13 random obfuscation plagdet 0.808 -> 0.820, verbatim 0.9556 ->
/// 0.9546, seeds unchanged.
const MAX_DILUTION: f64 = 0.35;

/// Least similarity of a reported passage (the Jaccard of its two sides' aligned words): below
/// it, fewer than about one word in four of either side lines up with the other, and the seeds
/// matched words two texts on one subject share in another order. PAN13 overall 0.8283 ->
/// 0.8307 (random obfuscation 0.8115 -> 0.8163, verbatim 0.9590 -> 0.9605): it drops
/// detections outside the cases; at 0.12 0.8300, at 0.17 0.8288, at 0.25 0.8084 (obfuscated
/// copies align poorly).
const MIN_SIMILARITY: f64 = 0.15;

/// A passage shorter than [`LOOSE_MIN_WORDS`] on both sides must align at least this well: a
/// short match must be mostly the same words in the same order (a quote with a word or two
/// changed scores 0.7 and more), where a sentence retold, a stock phrase with its list in
/// another order or two rewritten ledes sharing their names score 0.3–0.5. PAN13 0.8306 ->
/// 0.8381 (no detection left in its 1,000 pairs without reuse; verbatim 0.9613 -> 0.9747, random
/// obfuscation 0.8160 -> 0.8077); 0.5 gave 0.8349, 0.8 gave 0.8434 with random obfuscation at
/// 0.8008, but would drop a 15-word quote with two words changed (0.76).
const SHORT_MIN_SIMILARITY: f64 = 0.6;

/// Chains of one pair within this many `max_gap`s of each other are merged into one passage.
const MERGE_FACTOR: usize = 4;

/// A merge that realigns words of the larger chain on one side may stretch the other side only
/// if the smaller chain's seeds cover this share of the words added there.
const MIN_EXTENSION_DENSITY: f64 = 0.5;

/// Reported passages of one pair within this many `max_gap`s of each other in both documents
/// are joined into one.
const JOIN_FACTOR: usize = 5;

/// A hit whose `b` words the passage already covers may push the passage's end in `a` at most
/// this many words: further, it aligns copied words to a second occurrence in `a` (a date or
/// name the source repeats just after the copied text). The same holds the other way: a hit
/// whose `a` words the passage covers may move its ends in `b` at most this far, so that a
/// chain does not step from one copy of a sentence `b` gives twice to the other (PAN13 overall
/// 0.8270 -> 0.8283: verbatim recall 0.986 -> 0.991).
const REALIGN_SLACK: u32 = 3;

/// A paragraph of at least `APART_FACTOR` × `min_words` words lying wholly between two chains
/// keeps them apart when it holds fewer than `APART_HITS` hits of the pair per content word (a
/// paragraph copied word for word holds about two, one per seed): it is not shared text, however
/// edited. Only hits that land within the passage the two would make on the other side count:
/// an update's edited copy of a paragraph from far above, moved between its last two, bridged
/// them (PAN13 0.8392 -> 0.8390). Bridged, an article's own paragraph between two quoted ones (or between two quotes in
/// swapped order) counted as quoted, and `clean` removed it.
///
/// Heavily obfuscated copies hold few hits too (PAN13's translations and synonym swaps), so the
/// rule splits a few real cases: PAN13 overall 0.8330 unguarded, 0.8307 with these. At 0.25 hits
/// per word (0.8313), or with a rule on the share of the paragraph's words found on the other
/// side (0.8328), an own paragraph on the quotes' subject was still bridged: it shares their
/// names and phrases ("vice president", "Barack Obama").
const APART_FACTOR: usize = 2;
const APART_HITS: f64 = 0.5;

/// Two chains of at least [`LOOSE_MIN_WORDS`] words each, whose seeds cover at least this share
/// of their words, in one order in one document and in the other order in the other, are two
/// passages, not one: two paragraphs copied verbatim and swapped. PAN13 0.8299 -> 0.8300; at
/// [`CLOSE_DENSITY`] (0.7), 0.8292, and with chains of 20 words, 0.8288: the phrases shuffled
/// by its random obfuscation cross too. (So sentences swapped inside a paragraph still make one
/// passage, as other edits of one do.)
const SWAPPED_DENSITY: f64 = 0.9;

/// Words of one document between two chains, at least `APART_FACTOR` × `min_words` of them
/// with fewer than `INSERTED_HITS` hits per content word, keep the chains apart when the other
/// document has at most `1 / INSERTION_FACTOR` as many between them and both chains match at
/// `INSERTION_DENSITY` or more: the words were inserted into copied text (an outlet's own
/// reporting added inside a wire story's paragraph), and bridged they counted as shared, so
/// that `clean --remove overlaps` deleted them. Obfuscated copies (PAN13's random class) drop
/// and insert stretches too, which their annotation counts as reused: at any density the rule
/// cost 0.8289 -> 0.8218 overall; at 0.85 it costs 0.8270 (random obfuscation 0.8140 ->
/// 0.8112, summaries 0.163 -> 0.157).
const INSERTION_FACTOR: u32 = 4;
const INSERTED_HITS: f64 = 0.1;
const INSERTION_DENSITY: f64 = 0.85;

/// Common English function words. Seeds skip them: they carry no evidence of reuse and they are
/// the words an editor most often changes.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he",
    "her", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "it's", "just", "may",
    "me", "more", "most", "my", "no", "not", "of", "on", "one", "only", "or", "other", "our",
    "out", "over", "said", "says", "she", "should", "so", "some", "such", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "to", "up", "us", "very",
    "was", "we", "were", "what", "when", "where", "which", "while", "who", "will", "with", "would",
    "you", "your",
];

/// The commonest function words of Spanish, French, German, Portuguese and Italian, so that two
/// texts in one of them do not share passages of articles and prepositions ("de la … por la …
/// de"). Those that are also English content words are left out (son, era, war, man, pour,
/// sin, hay, han, ante); "die" is kept, German's commonest word. Each language lists only the
/// words that English and the languages before it lack.
const OTHER_STOP_WORDS: [&[&str]; 5] = [
    // Spanish
    &[
        "de", "la", "que", "el", "en", "y", "los", "del", "se", "las", "por", "un", "para", "con",
        "una", "su", "al", "lo", "como", "más", "pero", "sus", "le", "ya", "o", "este", "sí",
        "porque", "esta", "entre", "cuando", "muy", "sobre", "también", "hasta", "donde", "quien",
        "desde", "todo", "nos", "durante", "todos", "uno", "les", "ni", "contra", "otros", "ese",
        "eso", "ellos", "e", "esto", "mí", "antes", "algunos", "qué", "unos", "yo", "otro",
        "otras", "otra", "él", "tanto", "esa", "estos", "mucho", "quienes", "nada", "muchos",
        "cual", "ella", "estar", "estas", "algunas", "algo", "nosotros", "mi", "mis", "tú", "te",
        "ti", "tu", "tus", "ellas", "es", "fue", "ha", "ser", "está", "están", "había", "sido",
    ],
    // French
    &[
        "des", "du", "une", "et", "est", "qui", "dans", "pas", "sur", "au", "aux", "avec", "ce",
        "ces", "cette", "il", "elle", "ils", "elles", "nous", "vous", "ne", "sont", "par", "plus",
        "mais", "ou", "sa", "ses", "leur", "leurs", "été", "être", "avait", "ont", "comme", "tout",
        "aussi", "à", "ça", "était", "avoir", "c'est", "d'un", "d'une", "l'on", "qu'il", "n'est",
    ],
    // German
    &[
        "der", "die", "und", "den", "das", "ist", "nicht", "ein", "eine", "einen", "einem",
        "einer", "zu", "mit", "sich", "auf", "für", "im", "dem", "von", "auch", "sie", "er", "wir",
        "ihr", "noch", "nach", "bei", "aus", "wie", "oder", "aber", "wird", "werden", "wurde",
        "sind", "hat", "haben", "um", "am", "als", "dass", "nur", "vor", "zum", "zur", "über",
        "durch", "bis", "kann", "wenn", "ihre", "seine", "sein", "vom", "ich", "wurden", "keine",
    ],
    // Portuguese
    &[
        "da", "em", "é", "não", "os", "na", "dos", "mas", "foi", "ao", "ele", "tem", "seu", "sua",
        "quando", "muito", "há", "já", "eu", "só", "pelo", "pela", "até", "isso", "depois", "sem",
        "mesmo", "aos", "ter", "seus", "quem", "nas", "esse", "eles", "estão", "você", "foram",
        "essa", "num", "nem", "suas", "meu", "às", "minha", "numa", "pelos", "elas", "havia",
        "seja", "qual", "será", "nós", "lhe", "deles", "pelas", "dele",
    ],
    // Italian
    &[
        "di", "che", "è", "per", "non", "si", "dei", "nel", "alla", "della", "più", "sono", "gli",
        "ma", "anche", "delle", "dal", "questo", "nella", "essere", "dalla", "ci", "degli", "suo",
        "tra", "io", "loro", "lui", "lei", "stato",
    ],
];

/// The stop words, by their hashes as the segmenter hashes words. A bit for each of 4,096 slots,
/// picked by a hash's top bits, rules out nearly every other word with one look-up; the set
/// confirms the rest (every word of a corpus is looked up, twice).
pub struct StopWords {
    slots: [u64; 64],
    hashes: AHashSet<u64>,
}

impl StopWords {
    /// The built-in lists of common function words: English, then five other languages.
    pub fn new() -> StopWords {
        let hashes: AHashSet<u64> = STOP_WORDS
            .iter()
            .chain(OTHER_STOP_WORDS.iter().copied().flatten())
            .map(|w| hash_bytes(w.as_bytes()))
            .collect();
        let mut slots = [0u64; 64];
        for &h in &hashes {
            let slot = StopWords::slot(h);
            slots[slot / 64] |= 1 << (slot % 64);
        }
        StopWords { slots, hashes }
    }

    fn slot(hash: u64) -> usize {
        (hash >> 52) as usize
    }

    /// Whether the word of this hash is a stop word.
    #[inline]
    pub fn contains(&self, hash: u64) -> bool {
        let slot = StopWords::slot(hash);
        self.slots[slot / 64] >> (slot % 64) & 1 != 0 && self.hashes.contains(&hash)
    }
}

impl Default for StopWords {
    fn default() -> Self {
        StopWords::new()
    }
}

/// A seed as the index holds it, in 16 bytes: its key, document, and first and past-the-last
/// word. Its partition holds the top [`PARTITION_BITS`] bits of its hash and the key the low 32,
/// so that equal seeds are told apart by 44 bits: among tens of millions of seeds, a handful of
/// chance matches, each a lone hit that no passage is made of. An array rather than a struct, so
/// that the index (a gigabyte at 100k documents) is allocated zeroed by the system, not filled
/// by a pass of its own before it is written.
type Seed = [u32; 4];

/// The parts of a [`Seed`].
trait SeedParts {
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
struct Hit {
    a: u32,
    b: u32,
    a0: u32,
    a1: u32,
    b0: u32,
    b1: u32,
}

/// Seeds are spread over this many partitions by the top bits of their hash, so that each
/// partition is sorted on its own, in cache, and in parallel with the others.
const PARTITION_BITS: u32 = 12;

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

/// One document's hits, by the document they pair it with, each pair's hits in position order;
/// reused from document to document.
struct PairHits {
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
    fn new(num_docs: usize) -> PairHits {
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
    fn collect<'m>(
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
    fn by_pair(&self) -> impl Iterator<Item = &[Hit]> {
        self.starts.windows(2).map(|w| &self.sorted[w[0]..w[1]])
    }
}

/// Sorts a slice that is nearly sorted already.
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

/// Sorts seeds by key, stably: by the key's top bits (a counting sort into `sorted`, with about
/// two seeds per bucket), then each bucket by insertion. The keys are hash bits, so the buckets
/// fill evenly. On the partitions of the bench corpus (about two thousand seeds each) this took
/// two thirds of the time of the standard library's stable sort (80 ms against 122 at 10k
/// documents, one thread); one seed per bucket did as well, four per bucket less well.
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
        insertion_sort_by_key(&mut sorted[w[0]..w[1]], SeedParts::key);
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
fn partitioned_seeds(docs: &[&Segmented], stop: &StopWords) -> (Vec<Seed>, Vec<usize>) {
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
struct Member {
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
struct Members {
    /// Each run's members, by document, with the start of each document's (and the end).
    runs: Vec<(Vec<Member>, Vec<usize>)>,
}

impl Members {
    /// The members of `seeds`, whose partitions start at `bounds`.
    /// `texts[d]` is document `d`'s fingerprint, which orders the documents of a
    /// [`Pairing::Next`] group.
    fn of(
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
    fn of_doc(&self, doc: usize) -> impl Iterator<Item = &[Member]> {
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
/// unordered pair, in order of their second word. `emit` gets each seed's
/// 64-bit hash and the seed.
fn seeds_of(doc: u32, seg: &Segmented, stop: &StopWords, mut emit: impl FnMut(u64, Seed)) {
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
struct Copies<'c> {
    /// `cluster[d]`: the first (smallest) document of `d`'s cluster, `d` itself when it has none.
    cluster: &'c [u32],
    /// `exact[d]`: the first document of `d`'s cluster with the very words of `d`.
    exact: Vec<u32>,
    /// Whether a later document has `d` as its `exact`.
    has_exact: Vec<bool>,
}

impl Copies<'_> {
    /// The copies of `cluster`, whose documents' words hash to `texts`.
    fn new<'c>(texts: &[u64], cluster: &'c [u32]) -> Copies<'c> {
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
enum Pairing {
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
fn pairing(group: &[Seed], copy_of: &[u32], max_docs: usize) -> Option<Pairing> {
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

struct Open {
    a: Range<u32>,
    b: Range<u32>,
    covered_a: u32,
    covered_b: u32,
    last_b: u32,
    /// `b − a` position offset of the last hit: the diagonal the passage follows.
    diagonal: i64,
    seeds: usize,
}

impl Open {
    /// This passage and `later` as one: the union of their ranges, their seeds and coverage
    /// added, following `later`'s diagonal.
    fn joined(&self, later: &Open) -> Open {
        Open {
            a: self.a.start.min(later.a.start)..self.a.end.max(later.a.end),
            b: self.b.start.min(later.b.start)..self.b.end.max(later.b.end),
            covered_a: self.covered_a + later.covered_a,
            covered_b: self.covered_b + later.covered_b,
            last_b: self.last_b.max(later.last_b),
            diagonal: later.diagonal,
            seeds: self.seeds + later.seeds,
        }
    }

    /// Shares of the two ranges' words covered by matching seeds.
    fn densities(&self) -> (f64, f64) {
        let (la, lb) = (self.a.len().max(1) as f64, self.b.len().max(1) as f64);
        (
            f64::from(self.covered_a).min(la) / la,
            f64::from(self.covered_b).min(lb) / lb,
        )
    }

    /// Mean share of the two ranges' words covered by matching seeds.
    fn density(&self) -> f64 {
        let (da, db) = self.densities();
        (da + db) / 2.0
    }
}

/// Chains the hits of one document pair (sorted by position in `a`) into passages; `docs` are
/// the pair's two documents.
///
/// A hit joins the open passage that it is close to in both documents (within `max_gap` words)
/// and whose diagonal it is nearest, so two copies of similar text in one document do not mix
/// into one chain.
fn chain(hits: &[Hit], params: Params, docs: [&Segmented; 2], stop: &StopWords) -> Vec<Passage> {
    let gap = params.max_gap as u32;
    // Every chain, in the order made, and the indices of those a later hit may still extend.
    let mut chains: Vec<Open> = Vec::new();
    let mut live: Vec<usize> = Vec::new();
    for h in hits {
        // Hits come in `a` order, so a chain ending more than `gap` words before this hit can
        // grow no more. Dropping it from `live` keeps the search below to the chains nearby:
        // searching all of them made chaining quadratic in a pair's hits (two 300k-word
        // documents of random words sharing scattered hits took 3.5 s, 0.1 s now).
        live.retain(|&i| h.a0 <= chains[i].a.end + gap);
        let diagonal = i64::from(h.b0) - i64::from(h.a0);
        let fits = live
            .iter()
            .copied()
            .filter(|&i| {
                let p = &chains[i];
                h.b0 <= p.b.end + gap
                    && h.b1 + gap >= p.b.start
                    && (p.diagonal - diagonal).unsigned_abs() <= u64::from(gap)
                    && (h.b0 < p.b.start || h.b1 > p.last_b || h.a1 <= p.a.end + REALIGN_SLACK)
                    && (h.a1 > p.a.end
                        || (h.b0 + REALIGN_SLACK >= p.b.start && h.b1 <= p.last_b + REALIGN_SLACK))
            })
            .min_by_key(|&i| {
                let p = &chains[i];
                ((p.diagonal - diagonal).unsigned_abs(), u32::MAX - p.a.end)
            });
        match fits {
            Some(i) => {
                let p = &mut chains[i];
                p.covered_a += h.a1.saturating_sub(p.a.end.max(h.a0));
                // Hits come in `a` order, so `b` coverage is counted against the last `b` end,
                // which is exact for passages copied in order.
                p.covered_b += h.b1.saturating_sub(p.last_b.max(h.b0));
                p.last_b = p.last_b.max(h.b1);
                p.a.end = p.a.end.max(h.a1);
                p.b.start = p.b.start.min(h.b0);
                p.b.end = p.b.end.max(h.b1);
                p.diagonal = diagonal;
                p.seeds += 1;
            }
            None => {
                live.push(chains.len());
                chains.push(Open {
                    a: h.a0..h.a1,
                    b: h.b0..h.b1,
                    covered_a: h.a1 - h.a0,
                    covered_b: h.b1 - h.b0,
                    last_b: h.b1,
                    diagonal,
                    seeds: 1,
                });
            }
        }
    }
    // A chain of one seed is a chance match: merging it could stretch a passage past the end of
    // what was reused.
    chains.retain(|p| p.seeds >= 2);
    // Two chains are one passage only if no long paragraph with few hits lies wholly between
    // them ([`APART_HITS`]) and no long run of words was inserted between them on one side
    // ([`INSERTION_FACTOR`]). Where the hits start in each document, in order, made when first
    // needed.
    // Two long, close copies in swapped order (two paragraphs copied verbatim, each where the
    // other stood) are two passages: joined, two verbatim paragraphs aligned at 0.34.
    // (`SWAPPED_DENSITY`.)
    let swapped = |x: &Open, y: &Open| {
        // (A few words of one may reach into the other: a seed of words the two share.)
        let before = |p: &Range<u32>, q: &Range<u32>| p.end <= q.start + PARAGRAPH_SLACK;
        let crossing = (before(&x.a, &y.a) && before(&y.b, &x.b))
            || (before(&y.a, &x.a) && before(&x.b, &y.b));
        // Long, or whole paragraphs on both sides: two short paragraphs swapped.
        let apart = |p: &Open| {
            p.a.len().min(p.b.len()) >= LOOSE_MIN_WORDS as usize
                || (whole_paragraphs(docs[0], &p.a) && whole_paragraphs(docs[1], &p.b))
        };
        crossing && apart(x) && apart(y) && x.density().min(y.density()) >= SWAPPED_DENSITY
    };
    // Where the hits start on each side, in order, with where they start on the other; made
    // when first needed.
    let placed = std::cell::OnceCell::new();
    let apart = |x: &Open, y: &Open| {
        let [a_placed, b_placed] = placed.get_or_init(|| {
            let a: Vec<(u32, u32)> = hits.iter().map(|h| (h.a0, h.b0)).collect();
            let mut b: Vec<(u32, u32)> = hits.iter().map(|h| (h.b0, h.a0)).collect();
            b.sort_unstable();
            [a, b]
        });
        // A paragraph between the two chains on one side is their own text unless its hits
        // land within the passage the two would make on the other side: hits with a copy of
        // the paragraph elsewhere (an edited paragraph the other document has further up) do
        // not bridge it.
        let extent = |p: &Range<u32>, q: &Range<u32>| {
            let slack = params.max_gap as u32;
            p.start.min(q.start).saturating_sub(slack)..p.end.max(q.end) + slack
        };
        let long = APART_FACTOR * params.min_words;
        let (gap_a, gap_b) = (between(&x.a, &y.a), between(&x.b, &y.b));
        let close = x.density().min(y.density()) >= INSERTION_DENSITY;
        let inserted =
            |gap: &Range<u32>, other: &Range<u32>, seg: &Segmented, placed: &[(u32, u32)]| {
                let words = gap.start as usize..gap.end as usize;
                close
                    && gap.len() >= long
                    && INSERTION_FACTOR * other.len() as u32 <= gap.len() as u32
                    && sparse(
                        seg,
                        &words,
                        hits_within(placed, &words, None),
                        stop,
                        INSERTED_HITS,
                    )
            };
        let own = |seg: &Segmented, p: &Paragraph, placed: &[(u32, u32)], other: Range<u32>| {
            let hits = hits_within(placed, &p.words, Some(other));
            sparse(seg, &p.words, hits, stop, APART_HITS)
        };
        swapped(x, y)
            || inserted(&gap_a, &gap_b, docs[0], a_placed)
            || inserted(&gap_b, &gap_a, docs[1], b_placed)
            || paragraphs_between(docs[0], &x.a, &y.a, long)
                .any(|p| own(docs[0], p, a_placed, extent(&x.b, &y.b)))
            || paragraphs_between(docs[1], &x.b, &y.b, long)
                .any(|p| own(docs[1], p, b_placed, extent(&x.a, &y.a)))
    };
    let merged = merge_nearby(chains, (MERGE_FACTOR * params.max_gap) as u32, apart);
    let kept: Vec<Open> = merged
        .into_iter()
        .filter(|p| {
            let (la, lb) = (p.a.len() as u32, p.b.len() as u32);
            let min = params.min_words as u32;
            if la < min || lb < min || p.seeds < params.min_seeds {
                return false;
            }
            let density = p.density();
            // Loosely matching text must be long to count: short, loose matches are what two
            // articles on one topic share without any reuse. The longer side counts: an
            // obfuscated copy often drops many of its source's words.
            let (da, db) = p.densities();
            // A short match twice as long on one side as on the other is a paraphrase (a
            // sentence retold in other words), not text the two documents share.
            let short = la.max(lb) < LOOSE_MIN_WORDS;
            da.min(db) >= SIDE_DENSITY
                && !(short && la.max(lb) > 2 * la.min(lb))
                && (density >= CLOSE_DENSITY
                    || (la.max(lb) >= LOOSE_MIN_WORDS && density >= params.min_density))
        })
        .collect();
    let (a, b) = (DocId(hits[0].a), DocId(hits[0].b));
    join_reported(kept, (JOIN_FACTOR * params.max_gap) as u32, apart)
        .into_iter()
        .map(|p| Passage {
            a,
            b,
            a_words: p.a.start as usize..p.a.end as usize,
            b_words: p.b.start as usize..p.b.end as usize,
            similarity: p.density(),
        })
        .collect()
}

/// Joins passages of one pair, each strong enough to report on its own, that lie within `gap`
/// words of each other in both documents, unless they are `apart`: the fragments of one reused
/// passage whose sentences were edited or reordered are one finding.
fn join_reported(
    mut found: Vec<Open>,
    gap: u32,
    apart: impl Fn(&Open, &Open) -> bool,
) -> Vec<Open> {
    found.sort_by_key(|p| (p.a.start, p.b.start));
    // Two alignments of the same words are not fragments of one passage.
    let near = |x: &Range<u32>, y: &Range<u32>| {
        x.start <= y.end + gap
            && y.start <= x.end + gap
            && 2 * shared(x, y) < x.len().min(y.len()) as u32
    };
    let mut out: Vec<Open> = Vec::with_capacity(found.len());
    for p in found {
        let mut cur = p;
        // Joining grows a passage, which may bring it near one joined before.
        while let Some(i) = out
            .iter()
            .position(|q| near(&q.a, &cur.a) && near(&q.b, &cur.b) && !apart(q, &cur))
        {
            cur = out.swap_remove(i).joined(&cur);
        }
        out.push(cur);
    }
    out
}

/// Merges chains of one pair that lie within `gap` words of each other in both documents, unless
/// they are `apart`: one reused passage with a heavily edited stretch is still one finding.
fn merge_nearby(mut found: Vec<Open>, gap: u32, apart: impl Fn(&Open, &Open) -> bool) -> Vec<Open> {
    found.sort_by_key(|p| (p.a.start, p.b.start));
    let mut out: Vec<Open> = Vec::with_capacity(found.len());
    for p in found {
        if let Some(last) = out.last_mut() {
            let near_a = p.a.start <= last.a.end + gap;
            let near_b = p.b.start <= last.b.end + gap && p.b.end + gap >= last.b.start;
            let mut merged = last.joined(&p);
            // Bridging must not dilute a close match into a loose one: a verbatim quote does
            // not annex a stock phrase three lines up.
            let dense = merged.density() + MAX_DILUTION >= last.density().max(p.density());
            // A smaller chain that mostly realigns words of the larger one on one side (the
            // source repeats a phrase, say) may stretch the other side only if its seeds cover
            // what it adds there: a stray pair of words twenty words off does not extend a
            // verbatim copy.
            let (big, small) = if last.seeds >= p.seeds {
                (&*last, &p)
            } else {
                (&p, &*last)
            };
            let realigns = 2 * shared(&small.a, &big.a) >= small.a.len() as u32
                || 2 * shared(&small.b, &big.b) >= small.b.len() as u32;
            let covers = |covered: u32, added: usize| {
                added == 0 || f64::from(covered) >= MIN_EXTENSION_DENSITY * added as f64
            };
            let worth = !realigns
                || (covers(small.covered_a, merged.a.len() - big.a.len())
                    && covers(small.covered_b, merged.b.len() - big.b.len()));
            // The same words of one document copied verbatim at two places of the other (a
            // quote it gives twice) are two passages: merged, the words between the two copies
            // counted as shared, and `clean --remove overlaps` removed them. (Looser chains
            // overlapping so are one edited passage more often: on PAN13's random obfuscation,
            // keeping every such pair apart cost 0.816 -> 0.806.)
            let twice = |x: (&Range<u32>, &Range<u32>), y: (&Range<u32>, &Range<u32>)| {
                10 * shared(x.0, y.0) >= 9 * x.0.len().min(y.0.len()) as u32
                    && shared(x.1, y.1) == 0
            };
            let verbatim = small.density().min(big.density()) >= CLOSE_DENSITY;
            let copies = verbatim
                && (twice((&small.a, &small.b), (&big.a, &big.b))
                    || twice((&small.b, &small.a), (&big.b, &big.a)));
            if near_a && near_b && dense && worth && !copies && !apart(last, &p) {
                std::mem::swap(last, &mut merged);
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// The paragraphs of `seg` of at least `min_words` words wholly between the word ranges `x` and
/// `y`, touching neither.
fn paragraphs_between<'s>(
    seg: &'s Segmented,
    x: &Range<u32>,
    y: &Range<u32>,
    min_words: usize,
) -> impl Iterator<Item = &'s Paragraph> {
    let (start, end) = (x.end.min(y.end) as usize, x.start.max(y.start) as usize);
    let first = seg.paragraphs.partition_point(|p| p.words.start < start);
    seg.paragraphs[first..]
        .iter()
        .take_while(move |p| p.words.end <= end)
        .filter(move |p| p.word_count() >= min_words)
}

/// How many words a chain may fall short of a paragraph's edge, or reach past it: a chain
/// starts and ends on content words, and a seed may join words on both sides of an edge.
const PARAGRAPH_SLACK: u32 = 3;

/// Whether the words `words` of `seg` run from a paragraph's start to a paragraph's end, give
/// or take [`PARAGRAPH_SLACK`] words.
fn whole_paragraphs(seg: &Segmented, words: &Range<u32>) -> bool {
    let near = |at: u32, edge: fn(&Paragraph) -> usize| {
        let from = at.saturating_sub(PARAGRAPH_SLACK) as usize;
        let i = seg.paragraphs.partition_point(|p| edge(p) < from);
        seg.paragraphs
            .get(i)
            .is_some_and(|p| edge(p) <= (at + PARAGRAPH_SLACK) as usize)
    };
    near(words.start, |p| p.words.start) && near(words.end, |p| p.words.end)
}

/// The words strictly between two ranges (empty when they touch or overlap).
fn between(x: &Range<u32>, y: &Range<u32>) -> Range<u32> {
    let (start, end) = (x.end.min(y.end), x.start.max(y.start));
    start..end.max(start)
}

/// Whether the words `words` of `seg` hold fewer than `most` of `hits` per content word.
fn sparse(seg: &Segmented, words: &Range<usize>, hits: usize, stop: &StopWords, most: f64) -> bool {
    let content = seg.words[words.clone()]
        .iter()
        .filter(|w| !stop.contains(w.hash))
        .count();
    (hits as f64) < most * content as f64
}

/// How many of the hits `placed` (where each starts on one side, in order, and where on the
/// other) start within the words `words` on the first side, and within `other` on the second
/// if given.
fn hits_within(placed: &[(u32, u32)], words: &Range<usize>, other: Option<Range<u32>>) -> usize {
    let at = |w: usize| placed.partition_point(|&(s, _)| (s as usize) < w);
    let here = &placed[at(words.start)..at(words.end)];
    match other {
        None => here.len(),
        Some(other) => here.iter().filter(|&&(_, o)| other.contains(&o)).count(),
    }
}

/// Number of positions two ranges share.
fn shared(x: &Range<u32>, y: &Range<u32>) -> u32 {
    x.end.min(y.end).saturating_sub(x.start.max(y.start))
}

/// The passages of one document pair from its hits (sorted by position in `a`): chained, then
/// grown over the words the two documents share exactly at each end.
///
/// Chaining follows one document (hits come in its order), and where passages end can differ by
/// a few words from one side to the other. So that they do not hang on the documents' names
/// (which one is `a`), the pair is chained from the shorter document (the one whose words,
/// `texts`, hash lower when they are as long). On PAN13 this costs 0.0014 against chaining from
/// the source document, which its names put first (0.8293 against 0.8307 overall); from the
/// longer document, or by hash alone, 0.8272.
fn passages(
    hits: &[Hit],
    params: Params,
    docs: &[&Segmented],
    texts: &[u64],
    stop: &StopWords,
) -> Vec<Passage> {
    let (x, y) = (hits[0].a as usize, hits[0].b as usize);
    let (a, b) = (docs[x], docs[y]);
    let found = if (b.words.len(), texts[y]) < (a.words.len(), texts[x]) {
        let mut flipped: Vec<Hit> = hits
            .iter()
            .map(|h| Hit {
                a: h.b,
                b: h.a,
                a0: h.b0,
                a1: h.b1,
                b0: h.a0,
                b1: h.a1,
            })
            .collect();
        // Stable, so runs already in order (a passage copied in order) cost a pass.
        flipped.sort_by_key(|h| (h.a0, h.b0, h.a1, h.b1));
        chain(&flipped, params, [b, a], stop)
            .into_iter()
            .map(|p| Passage {
                a: p.b,
                b: p.a,
                a_words: p.b_words,
                b_words: p.a_words,
                similarity: p.similarity,
            })
            .collect()
    } else {
        chain(hits, params, [a, b], stop)
    };
    // Chaining measures a passage by the share of its words its seeds cover, which counts a
    // changed word between two seed words as matched (two differently worded sentences scored
    // 1.0); the reported similarity is that of the words themselves, in order.
    // A passage is measured, and dropped if it aligns too poorly, before it may shadow another:
    // a reordered alignment shadowed a verbatim quote, then went itself.
    let measured = found
        .into_iter()
        .filter_map(|p| {
            let mut p = extended(p, a, b);
            let short = p.a_words.len().max(p.b_words.len()) < LOOSE_MIN_WORDS as usize;
            let least = if short {
                SHORT_MIN_SIMILARITY
            } else {
                MIN_SIMILARITY
            };
            match aligned_similarity(&a.words[p.a_words.clone()], &b.words[p.b_words.clone()]) {
                Some(s) if s < least => None,
                Some(s) => {
                    p.similarity = s;
                    Some(p)
                }
                None => Some(p),
            }
        })
        .collect();
    drop_shadowed(measured)
}

/// `p` grown over the words that match exactly on both sides at each end: the seeds are content
/// words, so a passage found from them starts and ends at one; the stop words (and any other
/// words) both documents share right around it are part of what they share. It does not grow
/// into another paragraph: a passage ending with its paragraph took the next one's "The".
fn extended(mut p: Passage, a: &Segmented, b: &Segmented) -> Passage {
    let same = |i: usize, j: usize| a.words[i].hash == b.words[j].hash;
    let opens = |seg: &Segmented, i: usize| {
        seg.paragraphs
            .binary_search_by_key(&i, |p| p.words.start)
            .is_ok()
    };
    while p.a_words.start > 0
        && p.b_words.start > 0
        && !opens(a, p.a_words.start)
        && !opens(b, p.b_words.start)
        && same(p.a_words.start - 1, p.b_words.start - 1)
    {
        p.a_words.start -= 1;
        p.b_words.start -= 1;
    }
    while p.a_words.end < a.words.len()
        && p.b_words.end < b.words.len()
        && !opens(a, p.a_words.end)
        && !opens(b, p.b_words.end)
        && same(p.a_words.end, p.b_words.end)
    {
        p.a_words.end += 1;
        p.b_words.end += 1;
    }
    p
}

/// Drops a passage when a longer passage of the same pair covers half of it in either document:
/// it is a second, weaker alignment of text already reported. (So the second of a quote's two
/// copies in one document goes too, and counts as its own words: keeping verbatim second
/// alignments cost PAN13 0.829 -> 0.783, its sources repeat many phrases.)
fn drop_shadowed(mut found: Vec<Passage>) -> Vec<Passage> {
    found.sort_by_key(|p| std::cmp::Reverse(p.a_words.len() + p.b_words.len()));
    let mut out: Vec<Passage> = Vec::with_capacity(found.len());
    let overlap =
        |x: &Range<usize>, y: &Range<usize>| x.end.min(y.end).saturating_sub(x.start.max(y.start));
    for p in found {
        let shadowed = out.iter().any(|q| {
            2 * overlap(&p.a_words, &q.a_words) >= p.a_words.len()
                || 2 * overlap(&p.b_words, &q.b_words) >= p.b_words.len()
        });
        if !shadowed {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMS: Params = Params {
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
    fn a_few_words_matched_across_a_page_are_no_passage() {
        // Twenty words of `a` in a row, each seed found again in `b`, but 50 words apart: with
        // a gap wide enough to bridge them, one chain of 20 words against a thousand.
        let hits: Vec<Hit> = (0..20)
            .map(|i| Hit {
                a: 0,
                b: 1,
                a0: i,
                a1: i + 2,
                b0: 50 * i,
                b1: 50 * i + 2,
            })
            .collect();
        let wide = Params {
            max_gap: 1000,
            ..PARAMS
        };
        assert!(chain(&hits, wide, [&Segmented::new(""); 2], &StopWords::new()).is_empty());
        // The same words matched in a row on both sides are a passage.
        let close: Vec<Hit> = hits
            .iter()
            .map(|h| Hit {
                b0: h.a0 + 7,
                b1: h.a1 + 7,
                ..*h
            })
            .collect();
        assert_eq!(
            chain(&close, wide, [&Segmented::new(""); 2], &StopWords::new()).len(),
            1
        );
    }

    #[test]
    fn a_short_match_must_be_about_as_long_on_both_sides() {
        // Consecutive words of `a` matched by words three apart in `b`: the `b` side is nearly
        // three times as long.
        let spread = |n: u32| -> Vec<Hit> {
            (0..n)
                .map(|i| Hit {
                    a: 0,
                    b: 1,
                    a0: i,
                    a1: i + 2,
                    b0: 3 * i,
                    b1: 3 * i + 2,
                })
                .collect()
        };
        // Short (under 40 words on the longer side): a paraphrase, not a shared passage.
        assert!(chain(
            &spread(12),
            PARAMS,
            [&Segmented::new(""); 2],
            &StopWords::new()
        )
        .is_empty());
        // Long: an obfuscated copy may well drop many of its source's words.
        assert_eq!(
            chain(
                &spread(45),
                PARAMS,
                [&Segmented::new(""); 2],
                &StopWords::new()
            )
            .len(),
            1
        );
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
