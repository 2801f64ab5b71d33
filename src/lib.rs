//! # dedupe
//!
//! Finds near-duplicate documents, paragraphs repeated inside a document, passages shared by
//! documents, and boilerplate, and scores each document's originality.
//!
//! ## Brief overview
//!
//! The pipeline is the module tree, one stage a module:
//!
//! - [`corpus`]: paths → [`Document`]s (files walked in sorted order, JSONL records).
//! - [`segment`]: a document → lines, paragraphs and words, each word hashed once.
//! - [`shingle`]: word hashes → shingle hashes; exact Jaccard of shingle sets.
//! - [`minhash`]: shingles → [`Signature`]s (one-permutation hashing, optimal densification).
//! - [`lsh`]: signatures → candidate pairs, by banding.
//! - [`verify`]: candidates → pairs whose exact Jaccard reaches the threshold, and clusters.
//! - [`analyze`]: repeats inside documents, overlaps between them, boilerplate.
//! - [`score`](mod@score): originality.
//! - [`report`]: the [`Report`] (the JSON schema) and its text and JSON formats.
//!
//! [`pipeline::run`] chains them over files and directories, [`pipeline::analyze_texts`] over
//! texts held in memory:
//!
//! ```
//! # fn main() -> Result<(), dedupe::Error> {
//! let dir = std::env::temp_dir().join(format!("dedupe-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let para = "The committee met on Monday to discuss the budget for the coming year in detail.";
//! std::fs::write(dir.join("a.txt"), format!("{para}\n\nSomething else entirely.\n\n{para}\n")).unwrap();
//! let config = dedupe::Config::builder().threshold(0.8).build()?;
//! let (report, _diagnostics) = dedupe::pipeline::run(&[dir.clone()], &config)?;
//! assert_eq!(report.repeats.len(), 1);
//! assert_eq!(report.repeats[0].copy.lines, [5, 5]);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod analyze;
pub mod clean;
pub mod config;
pub mod corpus;
pub mod error;
pub mod hash;
pub mod lsh;
pub mod minhash;
pub mod pipeline;
pub mod report;
pub mod score;
pub mod segment;
pub mod shingle;
pub mod types;
pub mod verify;

pub use config::{Analyses, Config, ConfigBuilder, Observer, Progress};
pub use corpus::{Diagnostic, Document, ReadOptions, Severity};
pub use error::{Error, Result};
pub use minhash::{MinHasher, Signature};
pub use report::Report;
pub use types::{DocId, Loc, Span};

#[cfg(test)]
mod tests {
    #[test]
    fn public_types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<crate::Report>();
        check::<crate::Config>();
        check::<crate::Document>();
        check::<crate::Signature>();
        check::<crate::Error>();
    }
}
