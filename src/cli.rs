//! Command-line arguments, parsed by clap and turned into a [`Config`].

use clap::{Parser, ValueEnum};
use dedupe::{Config, Mode, ReadOptions};
use std::path::PathBuf;

/// Find near-duplicate documents, repeated paragraphs, shared passages and boilerplate.
///
/// Reads text files (directories are walked recursively, hidden entries skipped) and JSONL files
/// (one document per line), and reports what it finds: a report for people by default, JSON with
/// --json.
#[derive(Debug, Parser)]
#[command(name = "dedupe", version, about, max_term_width = 100)]
pub struct Args {
    /// Files and directories to read.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Jaccard similarity at or above which two documents (or two paragraphs of one document)
    /// are near-duplicates.
    #[arg(short, long, default_value_t = 0.8, value_name = "T")]
    pub threshold: f64,

    /// Words per shingle.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub shingle: usize,

    /// MinHash signature length (bins).
    #[arg(long, default_value_t = 128, value_name = "N")]
    pub num_perm: usize,

    /// MinHash seed; the same seed gives the same estimates.
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub seed: u64,

    /// Shortest passage shared by two documents that is reported, in words.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub min_overlap: usize,

    /// Longest run of differing words bridged inside one shared passage [default: --min-overlap].
    #[arg(long, value_name = "N")]
    pub overlap_gap: Option<usize>,

    /// Weight of missed pairs against needless candidates when choosing LSH bands and rows.
    #[arg(long, default_value_t = 0.99, value_name = "W")]
    pub fn_weight: f64,

    /// Run only one analysis: near-duplicates (pairs and clusters, streaming, fastest).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub only: Option<Only>,

    /// Print JSON (schema version 1) instead of the report for people.
    #[arg(long)]
    pub json: bool,

    /// Exit with 1 when anything is found, 0 when nothing is.
    #[arg(long)]
    pub check: bool,

    /// Read every file as JSONL (by default only *.jsonl, *.ndjson and their .gz).
    #[arg(long)]
    pub jsonl: bool,

    /// JSONL field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,

    /// JSONL field holding the document id; documents are named PATH#ID.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,

    /// Skip text files larger than this (suffixes K, M, G).
    #[arg(long, default_value = "256M", value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Worker threads [default: RAYON_NUM_THREADS, else one per core].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Analyses that can run alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// Near-duplicate pairs and clusters.
    NearDuplicates,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, mult) = match s.char_indices().last() {
        Some((i, 'K' | 'k')) => (&s[..i], 1u64 << 10),
        Some((i, 'M' | 'm')) => (&s[..i], 1 << 20),
        Some((i, 'G' | 'g')) => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("expected a size such as 512K, 256M or 2G, got {s:?}"))
}

impl Args {
    /// The validated configuration.
    pub fn config(&self) -> dedupe::Result<Config> {
        let mut builder = Config::builder()
            .threshold(self.threshold)
            .shingle(self.shingle)
            .num_perm(self.num_perm)
            .seed(self.seed)
            .min_overlap(self.min_overlap)
            .fn_weight(self.fn_weight)
            .mode(match self.only {
                Some(Only::NearDuplicates) => Mode::NearDuplicates,
                None => Mode::Full,
            })
            .read(ReadOptions {
                force_jsonl: self.jsonl,
                text_field: self.text_field.clone(),
                id_field: self.id_field.clone(),
                max_file_bytes: self.max_file_size,
            });
        if let Some(gap) = self.overlap_gap {
            builder = builder.overlap_gap(gap);
        }
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_app() {
        Args::command().debug_assert();
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("256M"), Ok(256 << 20));
        assert_eq!(parse_size("10"), Ok(10));
        assert!(parse_size("lots").is_err());
    }
}
