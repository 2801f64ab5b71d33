//! A mutational fuzzer on stable Rust, for machines without a nightly toolchain (cargo-fuzz needs
//! one): the same targets as `fuzz_targets/`, fed with seeds mutated by a seeded generator.
//!
//! ```text
//! stable_fuzz TARGET SECONDS [--seed N] [--max-len BYTES] [CORPUS_DIR...]
//! ```
//!
//! It has no coverage feedback; it makes up for it with mutations aimed at the inputs dedupe
//! meets (line ends, byte-order marks, invalid UTF-8, JSON tokens, scripts, long runs), and keeps
//! a pool of recent mutants to mutate further. A panic is a crash: the input is written to
//! `fuzz/artifacts/TARGET/crash-HASH` and the run goes on. An input that takes over 10 s is saved
//! as `slow-HASH`. The last line sums up: `TARGET: N executions in S s (R/s), C crashes, L slow`.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TOKENS: &[&[u8]] = &[
    b"\0",
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"\r\r",
    b" ",
    b"\t",
    b"    ",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xFE\xFF",
    b"\xFF\xFE\0\0",
    b"\xC3",
    b"\xE2\x80",
    b"\xF0\x9F\x98",
    b"\x80",
    b"\xFF",
    b"\xED\xA0\x80",
    "\u{FFFD}".as_bytes(),
    "\u{200D}".as_bytes(),
    "\u{301}".as_bytes(),
    "\u{202B}".as_bytes(),
    "\u{2028}".as_bytes(),
    "\u{85}".as_bytes(),
    "\u{3000}".as_bytes(),
    "\u{a0}".as_bytes(),
    "👨‍👩‍👧‍👦".as_bytes(),
    "🇺🇳".as_bytes(),
    "中文汉字".as_bytes(),
    "東京都は".as_bytes(),
    "مرحبا".as_bytes(),
    "שלום".as_bytes(),
    "ß".as_bytes(),
    "İ".as_bytes(),
    "ﬁ".as_bytes(),
    "’".as_bytes(),
    "“".as_bytes(),
    "—".as_bytes(),
    "\x1b[31m".as_bytes(),
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\\udc00",
    b"\\ud83d\\ude00",
    b"\"text\":",
    b"\"id\":",
    b"{\"id\":1,\"text\":\"",
    b"\"}\n",
    b"null",
    b"true",
    b"1e400",
    b"-0",
    b"\x1E",
    b"CLICK HERE TO GET THE APP",
    b"Categorized in:",
    b"BREAKING NEWS HEADLINE",
    b"Copyright 2021",
    b"By Jane Doe",
    b"WASHINGTON (AP) \xE2\x80\x94",
    b"date 2021-04-26",
    b"Home | News | Sport",
    b"\xC2\xBB",
    b"the vice president of the united states said",
    b"3.5 million, 1,000 e-mails_ok",
    b"Harris's",
];

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, pool: &[Vec<u8>], max_len: usize) {
    for _ in 0..1 + rng.below(6) {
        let len = input.len();
        match rng.below(12) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next() as u8;
            }
            2 | 3 | 4 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                input.splice(i..i, t.iter().copied());
            }
            5 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                input.drain(a..b);
            }
            6 if len > 0 => {
                // Copy a chunk elsewhere: repeats and shared passages.
                let a = rng.below(len);
                let b = (a + 1 + rng.below(256)).min(len);
                let chunk = input[a..b].to_vec();
                let i = rng.below(len + 1);
                input.splice(i..i, chunk);
            }
            7 if len > 0 => {
                // A run: long lines, long words, many lines.
                let a = rng.below(len);
                let b = (a + 1 + rng.below(8)).min(len);
                let chunk = input[a..b].to_vec();
                let times = 1 + rng.below(2000);
                let i = rng.below(len + 1);
                let run: Vec<u8> = chunk
                    .iter()
                    .copied()
                    .cycle()
                    .take(chunk.len() * times)
                    .collect();
                input.splice(i..i, run);
            }
            8 if !pool.is_empty() => {
                // Splice with another input.
                let other = &pool[rng.below(pool.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = (a + 1 + rng.below(1024)).min(other.len());
                    let i = rng.below(len + 1);
                    input.splice(i..i, other[a..b].iter().copied());
                }
            }
            9 if len > 0 => input.truncate(rng.below(len)),
            10 => {
                // ASCII case flips and a digit: normalisation paths.
                if len > 0 {
                    let i = rng.below(len);
                    let c = input[i];
                    input[i] = if c.is_ascii_alphabetic() {
                        c ^ 0x20
                    } else {
                        b'0' + (c % 10)
                    };
                }
            }
            _ => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
        }
    }
    input.truncate(max_len);
}

fn hash(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn read_dir_files(dir: &Path, max_len: usize, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_file() {
            if let Ok(mut b) = std::fs::read(&p) {
                b.truncate(max_len);
                out.push(b);
            }
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: stable_fuzz segment|jsonl|analyze SECONDS [--seed N] [--max-len BYTES] [CORPUS_DIR...]";
    let target = args.next().expect(usage);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).expect(usage);
    let run: fn(&[u8]) = match target.as_str() {
        "segment" => dedupe_fuzz::segment,
        "jsonl" => dedupe_fuzz::jsonl,
        "analyze" => dedupe_fuzz::analyze,
        _ => panic!("{usage}"),
    };
    let mut seed = 0x5eed_u64;
    let mut max_len = 16 << 10;
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).expect(usage),
            "--max-len" => max_len = args.next().and_then(|s| s.parse().ok()).expect(usage),
            dir => read_dir_files(Path::new(dir), max_len, &mut seeds),
        }
    }
    seeds.push(Vec::new());
    seeds.push(
        b"\x07\x93{\"id\":1,\"text\":\"one two three four five six\"}\n\x1Eone two three".to_vec(),
    );
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("artifacts")
        .join(&target);
    std::fs::create_dir_all(&artifacts).expect("artifacts directory");

    // Panics are counted, not printed one by one (the first of each kind is).
    let last_panic = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    {
        let last_panic = last_panic.clone();
        panic::set_hook(Box::new(move |info| {
            *last_panic.lock().unwrap() = info.to_string();
        }));
    }

    let mut rng = Rng(seed | 1);
    let mut pool: Vec<Vec<u8>> = seeds.clone();
    let start = Instant::now();
    let deadline = Duration::from_secs(seconds);
    let (mut execs, mut crashes, mut slow) = (0u64, 0u64, 0u64);
    let mut kinds = std::collections::HashSet::new();
    let mut next_report = Duration::from_secs(30);
    // Every seed once as it is, then mutants.
    let mut queue: Vec<Vec<u8>> = seeds.clone();
    while start.elapsed() < deadline {
        let input = queue.pop().unwrap_or_else(|| {
            let mut m = pool[rng.below(pool.len())].clone();
            mutate(&mut rng, &mut m, &pool, max_len);
            m
        });
        let t = Instant::now();
        let ok = panic::catch_unwind(AssertUnwindSafe(|| run(&input))).is_ok();
        let took = t.elapsed();
        execs += 1;
        if !ok {
            crashes += 1;
            let msg = last_panic.lock().unwrap().clone();
            let path = artifacts.join(format!("crash-{:016x}", hash(&input)));
            std::fs::write(&path, &input).expect("write crash");
            let kind = msg.lines().next().unwrap_or("").to_string();
            if kinds.insert(kind) {
                eprintln!(
                    "CRASH ({} bytes) saved as {}:\n{msg}",
                    input.len(),
                    path.display()
                );
            }
        } else if took > Duration::from_secs(10) {
            slow += 1;
            let path = artifacts.join(format!("slow-{:016x}", hash(&input)));
            std::fs::write(&path, &input).expect("write slow input");
            eprintln!(
                "SLOW ({:.1} s, {} bytes) saved as {}",
                took.as_secs_f64(),
                input.len(),
                path.display()
            );
        }
        // Keep the pool fresh: replace a random member with this input now and then.
        if ok && pool.len() < 4096 {
            pool.push(input);
        } else if ok && rng.below(4) == 0 {
            let i = rng.below(pool.len());
            pool[i] = input;
        }
        if start.elapsed() > next_report {
            eprintln!(
                "{target}: {execs} executions in {:.0} s, {crashes} crashes",
                start.elapsed().as_secs_f64()
            );
            next_report += Duration::from_secs(30);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{target}: {execs} executions in {secs:.0} s ({:.0}/s), {crashes} crashes ({} distinct), {slow} slow",
        execs as f64 / secs,
        kinds.len()
    );
    if crashes > 0 {
        std::process::exit(1);
    }
}
