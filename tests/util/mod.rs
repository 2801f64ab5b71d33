//! Shared fixtures: a temporary corpus and a way to run the real binary on it.

#![allow(dead_code)] // Each test file uses a different part of this module.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary directory of documents, removed when dropped.
pub struct Corpus {
    dir: tempfile::TempDir,
}

impl Corpus {
    pub fn new() -> Corpus {
        Corpus {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `name` (relative) with `content` and returns its full path.
    pub fn file(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, content).unwrap();
        path
    }
}

/// The `dedupe` binary with `args`, run in `dir`.
pub fn dedupe(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dedupe"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run dedupe")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("bad JSON ({e}): {}", stdout(o)))
}

/// The project root, where `seeds/` is.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Deterministic pseudo-random words, for generated documents.
pub struct Words(u64);

impl Words {
    pub fn new(seed: u64) -> Words {
        Words(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// One word from a vocabulary of `vocab` made-up words.
    pub fn word(&mut self, vocab: u64) -> String {
        let n = self.next_u64() % vocab;
        const SYL: [&str; 16] = [
            "ka", "lo", "mi", "ser", "tu", "van", "de", "po", "ri", "zen", "ba", "qua", "fi", "no",
            "gel", "th",
        ];
        let mut s = String::new();
        let mut x = n + 16;
        while x > 0 {
            s.push_str(SYL[(x % 16) as usize]);
            x /= 16;
        }
        s
    }

    pub fn text(&mut self, words: usize, vocab: u64) -> Vec<String> {
        (0..words).map(|_| self.word(vocab)).collect()
    }
}
