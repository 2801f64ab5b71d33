//! Command-line arguments, parsed by clap and turned into a [`Config`].

use clap::{Parser, Subcommand, ValueEnum};
use dedupe::clean::{Keep, Remove};
use dedupe::{Analyses, Config, ReadOptions};
use std::path::PathBuf;

/// Find near-duplicate documents, repeated paragraphs, shared passages and boilerplate.
///
/// Reads text files (directories are walked recursively, hidden entries skipped) and JSONL files
/// (one document per line), and reports what it finds: a report for people by default, JSON with
/// --json, an HTML page with --html. `dedupe clean` writes cleaned copies; `dedupe restore` undoes
/// a clean.
#[derive(Debug, Parser)]
#[command(
    name = "dedupe",
    version,
    about,
    max_term_width = 100,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Args {
    /// Act on the findings instead of reporting them.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files and directories to read.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// How documents are read and analysed.
    #[command(flatten)]
    pub analysis: Analysis,

    /// Run only these analyses, comma-separated: near-duplicates, repeats, overlaps,
    /// boilerplate. near-duplicates alone is the streaming doc-level mode (pairs and clusters,
    /// fastest, least memory); any other choice skips the analyses not named.
    #[arg(long, value_enum, value_name = "WHAT", value_delimiter = ',')]
    pub only: Vec<Only>,

    /// Print JSON (schema version 1) instead of the report for people.
    #[arg(long)]
    pub json: bool,

    /// Exit with 1 when anything is found, 0 when nothing is.
    #[arg(long)]
    pub check: bool,

    /// Also write the report as one self-contained HTML page to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Colour the report for people: auto (on a terminal, unless NO_COLOR is set or TERM=dumb),
    /// always or never.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a cleaned copy of every input under --out: repeat copies and boilerplate removed,
    /// everything else byte for byte; plus a manifest of every removed span. Files the analysis
    /// skips (binary, too large) are copied unchanged; hidden entries are not inputs.
    Clean(CleanArgs),
    /// Rebuild the originals from a cleaned directory and its manifest.
    Restore(RestoreArgs),
}

/// Options shared by every command that analyses documents.
#[derive(Debug, clap::Args)]
pub struct Analysis {
    /// Jaccard similarity at or above which two documents (or two paragraphs of one document)
    /// are near-duplicates.
    #[arg(
        short,
        long,
        default_value_t = 0.8,
        value_name = "T",
        allow_negative_numbers = true
    )]
    pub threshold: f64,

    /// Words per shingle, 1 to 32.
    #[arg(
        long,
        default_value_t = 5,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub shingle: usize,

    /// MinHash signature length (bins), 1 to 1024; fewer than 64 make LSH miss pairs near the
    /// threshold.
    #[arg(
        long,
        default_value_t = 128,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub num_perm: usize,

    /// MinHash seed; the same seed gives the same estimates.
    #[arg(
        long,
        default_value_t = 42,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub seed: u64,

    /// Shortest passage shared by two documents that is reported, in words from its first to its
    /// last matching content word (the stop words both share around it are added after).
    #[arg(
        long,
        default_value_t = 10,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub min_overlap: usize,

    /// Longest run of differing words bridged inside one shared passage [default: 15].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub overlap_gap: Option<usize>,

    /// Weight of missed pairs against needless candidates when choosing LSH bands and rows.
    #[arg(
        long,
        default_value_t = 0.99,
        value_name = "W",
        allow_negative_numbers = true
    )]
    pub fn_weight: f64,

    /// Read every file as JSONL (by default only *.jsonl, *.ndjson and their .gz).
    #[arg(long)]
    pub jsonl: bool,

    /// JSONL field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME", value_parser = field_name)]
    pub text_field: String,

    /// JSONL field holding the document id; documents are named PATH#ID.
    #[arg(long, default_value = "id", value_name = "NAME", value_parser = field_name)]
    pub id_field: String,

    /// Skip text files and JSONL lines larger than this (suffixes K, M, G; at most 4G, which reads
    /// up to 4 GiB - 1 bytes).
    #[arg(long, default_value = "256M", value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Worker threads, 1 to 1024 [default: RAYON_NUM_THREADS, else one per core].
    #[arg(short = 'j', long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
}

/// `dedupe clean`.
#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// Files and directories to clean.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Directory for the cleaned copies (created; must be outside every input). Inputs are
    /// mirrored below the deepest directory holding every PATH.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// What to remove, comma-separated: repeats, boilerplate, overlaps (from the later document
    /// of each pair in --keep order), boilerplate reason codes (call-to-action, metadata, …), or
    /// none.
    #[arg(long, default_value = "repeats,boilerplate", value_name = "KINDS", value_parser = Remove::parse)]
    pub remove: Remove,

    /// Drop each document that is a near-duplicate of a document kept (see --keep): of a
    /// cluster whose members are all alike, one is written; of a chain of versions, as many as
    /// it takes for each dropped one to have a near-duplicate written.
    #[arg(long)]
    pub drop_duplicates: bool,

    /// Which documents are kept first: by --drop-duplicates, each later one that is a
    /// near-duplicate of one kept is dropped; by --remove overlaps, a passage is removed from the
    /// later document of the two.
    #[arg(long, value_enum, default_value_t = KeepArg::First, value_name = "WHICH")]
    pub keep: KeepArg,

    /// Where to write the manifest [default: DIR/.dedupe-manifest.json].
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,

    /// Print what would change as a unified diff; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// How documents are read and analysed.
    #[command(flatten)]
    pub analysis: Analysis,
}

/// `dedupe restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The directory `dedupe clean` wrote.
    #[arg(value_name = "CLEANED_DIR")]
    pub cleaned: PathBuf,

    /// Directory to write the originals to (outside CLEANED_DIR).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// The manifest [default: CLEANED_DIR/.dedupe-manifest.json].
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
}

/// Which members of a near-duplicate cluster are kept first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeepArg {
    /// The first in reading order (files by path, JSONL records by line).
    First,
    /// The one with the most words.
    Longest,
}

impl From<KeepArg> for Keep {
    fn from(k: KeepArg) -> Keep {
        match k {
            KeepArg::First => Keep::First,
            KeepArg::Longest => Keep::Longest,
        }
    }
}

/// When to colour the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set (non-empty) or TERM is dumb.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorWhen {
    /// Whether to colour output going to stdout.
    pub fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Analyses `--only` can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// Near-duplicate pairs and clusters.
    NearDuplicates,
    /// Paragraphs repeated inside a document.
    Repeats,
    /// Passages shared by two documents.
    Overlaps,
    /// Boilerplate segments.
    Boilerplate,
}

/// A JSONL field's name: not empty.
fn field_name(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Err("a field name cannot be empty".into());
    }
    Ok(s.to_string())
}

fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, mult) = match s.char_indices().last() {
        Some((i, 'K' | 'k')) => (&s[..i], 1u64 << 10),
        Some((i, 'M' | 'm')) => (&s[..i], 1 << 20),
        Some((i, 'G' | 'g')) => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    let size = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("expected a size such as 512K, 256M or 2G, got {s:?}"))?;
    if size == 0 {
        return Err("must be at least 1 byte (every file would be skipped)".into());
    }
    // Offsets inside a document are 32-bit: `4G` asks for the most there is, 4 GiB - 1 (the
    // reader caps it, and says so of a larger file).
    if size > 1 << 32 {
        return Err(format!("at most 4G (4 GiB - 1 bytes are read), got {s}"));
    }
    Ok(size)
}

impl Args {
    /// The validated configuration.
    pub fn config(&self) -> dedupe::Result<Config> {
        if self.only.is_empty() {
            return self.analysis.config(Analyses::ALL);
        }
        let mut analyses = Analyses::NONE;
        for only in &self.only {
            match only {
                Only::NearDuplicates => analyses.near_duplicates = true,
                Only::Repeats => analyses.repeats = true,
                Only::Overlaps => analyses.overlaps = true,
                Only::Boilerplate => analyses.boilerplate = true,
            }
        }
        self.analysis.config(analyses)
    }
}

impl Analysis {
    /// The validated configuration making `analyses`.
    pub fn config(&self, analyses: Analyses) -> dedupe::Result<Config> {
        let mut builder = Config::builder()
            .threshold(self.threshold)
            .shingle(self.shingle)
            .num_perm(self.num_perm)
            .seed(self.seed)
            .min_overlap(self.min_overlap)
            .fn_weight(self.fn_weight)
            .analyses(analyses)
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
    fn the_plain_form_and_the_subcommands_both_parse() {
        let a = Args::try_parse_from(["dedupe", "seeds/", "-t", "0.7"]).unwrap();
        assert!(a.command.is_none());
        assert_eq!(a.paths, [PathBuf::from("seeds/")]);
        assert_eq!(a.analysis.threshold, 0.7);
        let a = Args::try_parse_from(["dedupe", "clean", "seeds/", "--out", "/tmp/x", "-t", "0.7"])
            .unwrap();
        match a.command {
            Some(Command::Clean(c)) => {
                assert_eq!(c.out, PathBuf::from("/tmp/x"));
                assert_eq!(c.analysis.threshold, 0.7);
                assert_eq!(c.remove, Remove::default());
                assert_eq!(c.keep, KeepArg::First);
            }
            other => panic!("{other:?}"),
        }
        assert!(Args::try_parse_from(["dedupe"]).is_err());
        assert!(Args::try_parse_from(["dedupe", "clean", "seeds/"]).is_err());
        assert!(
            Args::try_parse_from(["dedupe", "clean", "x", "--out", "y", "--remove", "junk"])
                .is_err()
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("256M"), Ok(256 << 20));
        assert_eq!(parse_size("10"), Ok(10));
        assert!(parse_size("lots").is_err());
        assert_eq!(parse_size("4294967295"), Ok(u64::from(u32::MAX)));
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert!(parse_size("4097M").unwrap_err().contains("at most 4G"));
    }
}
