//! Throughput of each stage in bytes of text per second, on a generated corpus.
//!
//! `cargo bench --bench pipeline -- segment` runs one group. Groups: `segment` (words and
//! paragraphs), `signature` (word hashes → shingles → MinHash), `near_duplicates` (the streaming
//! doc-level stage: signatures, LSH, verification), `pipeline` (the full analysis).

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dedupe::corpus::{Document, OffsetMap, Origin};
use dedupe::minhash::MinHasher;
use dedupe::segment::{word_hashes, Segmented};
use dedupe::{pipeline, Config};

/// Seeded text with the shape of news prose: sentences, paragraphs, some shared passages.
fn corpus(docs: usize, words_per_doc: usize) -> Vec<Document> {
    let mut state = 0x1234_5678_9abc_def1u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const SYL: [&str; 12] = [
        "ka", "lo", "mi", "ser", "tu", "van", "de", "po", "ri", "zen", "ba", "th",
    ];
    let word = |next: &mut dyn FnMut() -> u64| {
        let mut x = next() % 30_000 + 12;
        let mut s = String::new();
        while x > 0 {
            s.push_str(SYL[(x % 12) as usize]);
            x /= 12;
        }
        s
    };
    let shared: Vec<String> = (0..40).map(|_| word(&mut next)).collect();
    (0..docs)
        .map(|d| {
            let mut text = String::new();
            for i in 0..words_per_doc {
                if i > 0 {
                    text.push_str(if i % 60 == 0 {
                        ".\n\n"
                    } else if i % 15 == 0 {
                        ". "
                    } else {
                        " "
                    });
                }
                if d % 10 == 0 && (100..140).contains(&i) {
                    text.push_str(&shared[i - 100]);
                } else {
                    text.push_str(&word(&mut next));
                }
            }
            text.push_str(".\n");
            Document {
                name: format!("doc{d:05}.txt"),
                text,
                origin: Origin::File(format!("doc{d:05}.txt").into()),
                at: 0,
                offsets: OffsetMap::Identity,
            }
        })
        .collect()
}

fn bytes(docs: &[Document]) -> u64 {
    docs.iter().map(|d| d.text.len() as u64).sum()
}

fn stages(c: &mut Criterion) {
    let docs = corpus(500, 600);
    let size = bytes(&docs);
    let config = Config::default();

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
        let mut out = Vec::new();
        b.iter(|| {
            docs.iter()
                .map(|d| {
                    out.clear();
                    word_hashes(black_box(&d.text), &mut out);
                    out.len()
                })
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("signature");
    g.throughput(Throughput::Bytes(size));
    let hasher = MinHasher::new(config.num_perm, config.seed);
    g.bench_function(BenchmarkId::new("500x600", "shingle+minhash"), |b| {
        let mut words = Vec::new();
        b.iter(|| {
            for d in &docs {
                words.clear();
                word_hashes(&d.text, &mut words);
                black_box(hasher.signature_of_words(&words, config.shingle));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(size));
    g.bench_function(BenchmarkId::new("500x600", "full"), |b| {
        b.iter(|| black_box(pipeline::analyze(&docs, &config)))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
