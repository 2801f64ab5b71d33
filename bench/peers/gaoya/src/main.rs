//! gaoya-peer: the `gaoya` peer of bench/peers/compare.py.
//!
//! Reads a JSONL corpus (`{"id": ..., "text": ...}` per line), turns each text into the set of
//! word 5-gram shingles (words = Unicode UAX#29 word segments that contain at least one
//! alphanumeric character, lower-cased: `unicode_words()` of `unicode-segmentation`, the same
//! definition dedupe uses; a document with 1..4 words has one shingle made of all its words; a
//! document with no word has no shingle and is never paired), each shingle the words joined by
//! one space. Signatures: `MinHasher32` with 128 hashes. Index: `MinHashIndex` with the band
//! layout from gaoya's own `calculate_minhash_params(0.8, 128)`. Every document is queried
//! against the index (`par_bulk_query`); gaoya's query already keeps only candidates whose
//! signature-estimated Jaccard is >= the threshold. Prints one `id_a<TAB>id_b` line per pair.
//!
//! Usage: gaoya-peer [--threads N] [--threshold T] [--num-perm P] [--shingle K] CORPUS.jsonl
//!        gaoya-peer --tokens CORPUS.jsonl   (per document: id, shingle count, FNV-1a of the
//!                                           sorted shingle set; used to check that Python's
//!                                           tokeniser agrees with this one)

use gaoya::minhash::{calculate_minhash_params, MinHashIndex, MinHasher, MinHasher32};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use unicode_segmentation::UnicodeSegmentation;

#[derive(Deserialize)]
struct Doc {
    id: serde_json::Value,
    text: String,
}

fn id_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn shingles(text: &str, k: usize) -> Vec<String> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.unicode_words().collect();
    if words.is_empty() {
        return Vec::new();
    }
    if words.len() < k {
        return vec![words.join(" ")];
    }
    words.windows(k).map(|w| w.join(" ")).collect()
}

fn fnv1a(h: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *h ^= *b as u64;
        *h = h.wrapping_mul(0x100000001b3);
    }
}

fn main() {
    let mut threads = 1usize;
    let mut threshold = 0.8f64;
    let mut num_perm = 128usize;
    let mut k = 5usize;
    let mut tokens_mode = false;
    let mut path: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => threads = args.next().expect("--threads N").parse().expect("int"),
            "--threshold" => threshold = args.next().expect("--threshold T").parse().expect("f64"),
            "--num-perm" => num_perm = args.next().expect("--num-perm P").parse().expect("int"),
            "--shingle" => k = args.next().expect("--shingle K").parse().expect("int"),
            "--tokens" => tokens_mode = true,
            _ if path.is_none() => path = Some(a),
            _ => {
                eprintln!("unexpected argument {a}");
                std::process::exit(2);
            }
        }
    }
    let path = path.unwrap_or_else(|| {
        eprintln!("usage: gaoya-peer [--threads N] CORPUS.jsonl");
        std::process::exit(2)
    });
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().unwrap();

    let file = std::fs::File::open(&path).expect("open corpus");
    let mut reader = BufReader::with_capacity(1 << 20, file).lines();
    // Read the corpus in chunks of CHUNK lines, each processed in parallel, so that only one
    // chunk of raw text is in memory at a time.
    const CHUNK: usize = 8192;
    let mut next_chunk = || -> Vec<String> {
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            match reader.next() {
                Some(l) => {
                    let l = l.expect("read corpus");
                    if !l.trim().is_empty() {
                        chunk.push(l);
                    }
                }
                None => break,
            }
        }
        chunk
    };

    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());

    if tokens_mode {
        loop {
            let lines = next_chunk();
            if lines.is_empty() {
                break;
            }
            let rows: Vec<(String, usize, u64)> = lines
                .par_iter()
                .map(|l| {
                    let d: Doc = serde_json::from_str(l).expect("json");
                    let set: BTreeSet<String> = shingles(&d.text, k).into_iter().collect();
                    let mut h = 0xcbf29ce484222325u64;
                    for s in &set {
                        fnv1a(&mut h, s.as_bytes());
                        fnv1a(&mut h, b"\n");
                    }
                    (id_string(&d.id), set.len(), h)
                })
                .collect();
            for (id, n, h) in rows {
                writeln!(out, "{id}\t{n}\t{h:016x}").unwrap();
            }
        }
        return;
    }

    let (bands, rows) = calculate_minhash_params(threshold, num_perm);
    let hasher = MinHasher32::new(bands * rows);
    // Parse, shingle and sign in parallel; empty documents get no signature.
    let mut docs: Vec<(String, Option<Vec<u32>>)> = Vec::new();
    loop {
        let lines = next_chunk();
        if lines.is_empty() {
            break;
        }
        let part: Vec<(String, Option<Vec<u32>>)> = lines
            .par_iter()
            .map(|l| {
                let d: Doc = serde_json::from_str(l).expect("json");
                let sh = shingles(&d.text, k);
                let sig = if sh.is_empty() { None } else { Some(hasher.create_signature(sh.iter())) };
                (id_string(&d.id), sig)
            })
            .collect();
        docs.extend(part);
    }

    let mut idx_ids: Vec<u32> = Vec::new();
    let mut sigs: Vec<Vec<u32>> = Vec::new();
    for (i, (_, sig)) in docs.iter().enumerate() {
        if let Some(s) = sig {
            idx_ids.push(i as u32);
            sigs.push(s.clone());
        }
    }
    let mut index: MinHashIndex<u32, u32> = MinHashIndex::new(bands, rows, threshold);
    index.par_bulk_insert(idx_ids.clone(), sigs.clone());
    let results = index.par_bulk_query(&sigs);
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (q, found) in idx_ids.iter().zip(results.iter()) {
        for &other in found {
            if other > *q {
                pairs.push((*q, other));
            }
        }
    }
    pairs.sort_unstable();
    for (a, b) in pairs {
        writeln!(out, "{}\t{}", docs[a as usize].0, docs[b as usize].0).unwrap();
    }
    eprintln!("gaoya-peer: {} docs, bands={} rows={}, threads={}", docs.len(), bands, rows, threads);
}
