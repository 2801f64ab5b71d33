//! Throughput of each stage in bytes of text per second, on a generated corpus.
//!
//! `cargo bench --bench pipeline -- segment` runs one group. Groups, in pipeline order: `read`
//! (JSONL lines → documents), `segment` (words and paragraphs), `signature` (word hashes →
//! shingles → MinHash), `near_duplicates` (the streaming doc-level mode end to end on a JSONL
//! file: read, signatures, LSH, exact verification), `analyze` (repeats, overlaps and boilerplate
//! on segmented documents, each on its own), `pipeline` (the full analysis of documents in memory).
//! `analyze` and `pipeline` also run on a corpus whose documents share most of their text
//! ("500 shared"), where passages are most of the work.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dedupe::analyze::{boilerplate, overlap, repeats};
use dedupe::config::Analyses;
use dedupe::corpus::{self, Document, ReadOptions};
use dedupe::minhash::MinHasher;
use dedupe::segment::{word_hashes, Segmented};
use dedupe::{pipeline, Config};
use std::path::Path;

/// A seeded generator of pseudo-words made of syllables.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn word(&mut self) -> String {
        const SYL: [&str; 12] = [
            "ka", "lo", "mi", "ser", "tu", "van", "de", "po", "ri", "zen", "ba", "th",
        ];
        let mut x = self.next() % 30_000 + 12;
        let mut s = String::new();
        while x > 0 {
            s.push_str(SYL[(x % 12) as usize]);
            x /= 12;
        }
        s
    }
}

/// `words` as prose: a full stop every 15 words, a paragraph break every 60.
fn prose(words: &[String]) -> String {
    let mut text = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            text.push_str(if i % 60 == 0 {
                ".\n\n"
            } else if i % 15 == 0 {
                ". "
            } else {
                " "
            });
        }
        text.push_str(w);
    }
    text.push_str(".\n");
    text
}

fn document(d: usize, text: String) -> Document {
    Document::from_text(format!("doc{d:05}.txt"), text)
}

/// Seeded text with the shape of news prose: sentences, paragraphs, one passage that a tenth of
/// the documents share.
fn corpus(docs: usize, words_per_doc: usize) -> Vec<Document> {
    let mut gen = Gen(0x1234_5678_9abc_def1);
    let shared: Vec<String> = (0..40).map(|_| gen.word()).collect();
    (0..docs)
        .map(|d| {
            let words: Vec<String> = (0..words_per_doc)
                .map(|i| {
                    if d % 10 == 0 && (100..140).contains(&i) {
                        shared[i - 100].clone()
                    } else {
                        gen.word()
                    }
                })
                .collect();
            document(d, prose(&words))
        })
        .collect()
}

/// Documents made of five of `bodies` stories of 120 words each, drawn at random, with 3% of
/// their words replaced: every document shares most of its text with a few others, as the peer
/// comparison's corpus does (its passages are most of the full analysis's time).
fn shared_corpus(docs: usize, bodies: usize) -> Vec<Document> {
    let mut gen = Gen(0x9e37_79b9_7f4a_7c15);
    let pool: Vec<Vec<String>> = (0..bodies)
        .map(|_| (0..120).map(|_| gen.word()).collect())
        .collect();
    (0..docs)
        .map(|d| {
            let mut words = Vec::new();
            for _ in 0..5 {
                let body = &pool[(gen.next() % bodies as u64) as usize];
                words.extend(body.iter().map(|w| {
                    if gen.next() % 100 < 3 {
                        gen.word()
                    } else {
                        w.clone()
                    }
                }));
            }
            document(d, prose(&words))
        })
        .collect()
}

fn bytes(docs: &[Document]) -> u64 {
    docs.iter().map(|d| d.text.len() as u64).sum()
}

/// The documents as JSONL records `{"id": …, "text": …}`.
fn jsonl(docs: &[Document]) -> Vec<u8> {
    let mut out = Vec::new();
    for d in docs {
        let record = serde_json::json!({"id": d.name, "text": d.text});
        serde_json::to_writer(&mut out, &record).expect("in memory");
        out.push(b'\n');
    }
    out
}

fn stages(c: &mut Criterion) {
    let docs = corpus(500, 600);
    let size = bytes(&docs);
    let config = Config::default();
    let records = jsonl(&docs);

    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Bytes(records.len() as u64));
    g.bench_function(BenchmarkId::new("500x600", "jsonl"), |b| {
        let opts = ReadOptions::default();
        b.iter(|| {
            let mut n = 0;
            corpus::read_jsonl_from(
                Path::new("bench.jsonl"),
                black_box(records.as_slice()),
                &opts,
                2 << 20,
                &mut |batch, _| n += batch.len(),
            );
            n
        })
    });
    g.finish();

    let mut g = c.benchmark_group("segment");
    g.throughput(Throughput::Bytes(size));
    g.bench_function(BenchmarkId::new("500x600", "segmented"), |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| Segmented::new(black_box(&d.text)).words.len())
                .sum::<usize>()
        })
    });
    g.bench_function(BenchmarkId::new("500x600", "word_hashes"), |b| {
        let mut room = Vec::new();
        b.iter(|| {
            docs.iter()
                .map(|d| word_hashes(black_box(&d.text), &mut room).len())
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("signature");
    g.throughput(Throughput::Bytes(size));
    let hasher = MinHasher::new(config.num_perm(), config.seed());
    g.bench_function(BenchmarkId::new("500x600", "shingle+minhash"), |b| {
        let mut room = Vec::new();
        b.iter(|| {
            for d in &docs {
                let words = word_hashes(&d.text, &mut room);
                black_box(hasher.signature_of_words(words, config.shingle()));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("near_duplicates");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(size));
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("corpus.jsonl");
    std::fs::write(&file, &records).expect("write the corpus");
    let doc_level = Config::default().with_analyses(Analyses::NEAR_DUPLICATES);
    g.bench_function(BenchmarkId::new("500x600", "jsonl file"), |b| {
        b.iter(|| black_box(pipeline::run(std::slice::from_ref(&file), &doc_level)))
    });
    g.finish();

    let segs: Vec<Segmented> = docs.iter().map(|d| Segmented::new(&d.text)).collect();
    let mut g = c.benchmark_group("analyze");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(size));
    g.bench_function(BenchmarkId::new("500x600", "repeats"), |b| {
        b.iter(|| {
            segs.iter()
                .map(|s| repeats::find(s, config.threshold()).len())
                .sum::<usize>()
        })
    });
    let refs: Vec<&Segmented> = segs.iter().collect();
    let params = pipeline::overlap_params(&config, docs.len());
    let no_copies: Vec<u32> = (0..docs.len() as u32).collect();
    g.bench_function(BenchmarkId::new("500x600", "overlaps"), |b| {
        b.iter(|| overlap::find(black_box(&refs), &no_copies, params).len())
    });
    let texts: Vec<(&str, &Segmented)> = docs.iter().map(|d| d.text.as_str()).zip(&segs).collect();
    g.bench_function(BenchmarkId::new("500x600", "boilerplate"), |b| {
        b.iter(|| boilerplate::find(black_box(&texts), &no_copies).len())
    });
    g.finish();

    // Passages are most of the full analysis where documents share much.
    let shared = shared_corpus(500, 250);
    let shared_segs: Vec<Segmented> = shared.iter().map(|d| Segmented::new(&d.text)).collect();
    let shared_refs: Vec<&Segmented> = shared_segs.iter().collect();
    let mut g = c.benchmark_group("analyze");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes(&shared)));
    g.bench_function(BenchmarkId::new("500 shared", "overlaps"), |b| {
        b.iter(|| overlap::find(black_box(&shared_refs), &no_copies, params).len())
    });
    g.finish();

    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(size));
    g.bench_function(BenchmarkId::new("500x600", "full"), |b| {
        b.iter(|| black_box(pipeline::analyze(&docs, &config)))
    });
    g.throughput(Throughput::Bytes(bytes(&shared)));
    g.bench_function(BenchmarkId::new("500 shared", "full"), |b| {
        b.iter(|| black_box(pipeline::analyze(&shared, &config)))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
