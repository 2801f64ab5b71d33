//! Settings of a run, validated. The command line builds one; the library sees nothing else.

use crate::corpus::ReadOptions;
use crate::error::{Error, Result};
use crate::lsh::Banding;

/// Which analyses a run makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Analyses {
    /// Near-duplicate document pairs and their clusters.
    pub near_duplicates: bool,
    /// Paragraphs a document repeats.
    pub repeats: bool,
    /// Passages two documents share.
    pub overlaps: bool,
    /// Boilerplate segments.
    pub boilerplate: bool,
}

impl Analyses {
    /// Every analysis, and originality scores from all of them.
    pub const ALL: Analyses = Analyses {
        near_duplicates: true,
        repeats: true,
        overlaps: true,
        boilerplate: true,
    };

    /// Near-duplicate pairs and clusters alone: the doc-level mode, which streams (text is not
    /// kept once hashed) and reports no documents.
    pub const NEAR_DUPLICATES: Analyses = Analyses {
        near_duplicates: true,
        repeats: false,
        overlaps: false,
        boilerplate: false,
    };

    /// None: documents are read and counted, nothing is looked for.
    pub const NONE: Analyses = Analyses {
        near_duplicates: false,
        repeats: false,
        overlaps: false,
        boilerplate: false,
    };

    /// Whether the run streams: near-duplicates alone need no text kept.
    pub fn streams(self) -> bool {
        self == Analyses::NEAR_DUPLICATES
    }

    /// The names of the analyses made (as `--only` takes them), in report order.
    pub fn names(self) -> Vec<&'static str> {
        [
            (self.near_duplicates, "near-duplicates"),
            (self.repeats, "repeats"),
            (self.overlaps, "overlaps"),
            (self.boilerplate, "boilerplate"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// The report's name for the selection: `full` for all, `none`, or the names joined by
    /// commas (`near-duplicates` for the doc-level mode).
    pub fn label(self) -> String {
        match self {
            Analyses::ALL => "full".to_string(),
            Analyses::NONE => "none".to_string(),
            _ => self.names().join(","),
        }
    }
}

/// A validated configuration. Build it with [`Config::builder`]; read it with its getters. Its
/// fields are not public, so that no setting escapes the builder's checks and the LSH banding
/// always follows the threshold and the number of bins:
///
/// ```compile_fail,E0616
/// let mut config = dedupe::Config::default();
/// config.threshold = 0.5; // private: use Config::builder().threshold(0.5)
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    // Each setting is described by its getter below.
    pub(crate) threshold: f64,
    pub(crate) shingle: usize,
    pub(crate) num_perm: usize,
    pub(crate) seed: u64,
    pub(crate) min_overlap: usize,
    pub(crate) overlap_gap: usize,
    /// Weight of false positives when choosing the banding: 1 - `fn_weight`, rounded.
    pub(crate) fp_weight: f64,
    pub(crate) fn_weight: f64,
    pub(crate) banding: Banding,
    pub(crate) analyses: Analyses,
    pub(crate) read: ReadOptions,
    /// Told how far reading and hashing have got, and which analysis stage runs, for a progress
    /// display.
    pub(crate) progress: Option<Observer>,
}

/// What a run reports while it reads and hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What is being done: `reading`, `hashing`, `verifying` (as they go); then, once each as it
    /// begins, the in-memory analysis's stages: `segmenting`, `near-duplicates`, `repeats`,
    /// `passages`, `boilerplate`, `assembling`.
    pub stage: &'static str,
    /// Documents done so far in this stage (in an analysis stage: all it works on).
    pub documents: usize,
    /// Bytes of text done so far in this stage (in an analysis stage: all it works on).
    pub bytes: u64,
}

/// A callback receiving [`Progress`]; it must be cheap, as it runs between batches.
#[derive(Clone)]
pub struct Observer(pub std::sync::Arc<dyn Fn(Progress) + Send + Sync>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

impl Config {
    /// Jaccard threshold for near-duplicates and near repeats.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
    /// Words per shingle.
    pub fn shingle(&self) -> usize {
        self.shingle
    }
    /// MinHash bins.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }
    /// MinHash seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Shortest shared passage reported, in words.
    pub fn min_overlap(&self) -> usize {
        self.min_overlap
    }
    /// Longest run of unmatched words bridged inside one shared passage.
    pub fn overlap_gap(&self) -> usize {
        self.overlap_gap
    }
    /// Weight of false negatives when choosing the banding (false positives weigh the rest).
    pub fn fn_weight(&self) -> f64 {
        self.fn_weight
    }
    /// LSH bands and rows, chosen from the threshold, the bins and the weights.
    pub fn banding(&self) -> Banding {
        self.banding
    }
    /// Which analyses run.
    pub fn analyses(&self) -> Analyses {
        self.analyses
    }
    /// How inputs are read.
    pub fn read(&self) -> &ReadOptions {
        &self.read
    }

    /// This configuration running `analyses` instead.
    pub fn with_analyses(self, analyses: Analyses) -> Config {
        Config { analyses, ..self }
    }

    /// This configuration telling `observer` how far reading and hashing have got, and which
    /// analysis stage runs.
    pub fn with_progress(self, observer: Option<Observer>) -> Config {
        Config {
            progress: observer,
            ..self
        }
    }

    /// Tells the observer, if any, how far `stage` has got.
    pub(crate) fn notify(&self, stage: &'static str, documents: usize, bytes: u64) {
        if let Some(Observer(f)) = &self.progress {
            f(Progress {
                stage,
                documents,
                bytes,
            });
        }
    }

    /// A builder with the defaults.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::builder().build().expect("defaults are valid")
    }
}

/// The longest `--min-overlap`: word positions inside the passage stage are 32-bit.
const MAX_WORDS: usize = 1_000_000_000;

/// The longest `--overlap-gap`: far beyond any use (a gap this long bridges whole documents), and
/// small enough that multiples of it stay 32-bit.
const MAX_GAP: usize = 100_000;

/// Builds a [`Config`].
#[derive(Clone, Debug)]
pub struct ConfigBuilder {
    threshold: f64,
    shingle: usize,
    num_perm: usize,
    seed: u64,
    min_overlap: usize,
    overlap_gap: Option<usize>,
    fn_weight: f64,
    analyses: Analyses,
    read: ReadOptions,
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        ConfigBuilder {
            threshold: 0.8,
            shingle: 5,
            num_perm: 128,
            seed: 42,
            min_overlap: 10,
            overlap_gap: None,
            // Candidates are verified exactly, so a false positive costs one set comparison and
            // a false negative costs a missed pair: weigh misses 99 to 1 (18 bands of 7 rows at
            // 0.8, so a pair at 0.85 is a candidate with probability 0.999).
            fn_weight: 0.99,
            analyses: Analyses::ALL,
            read: ReadOptions::default(),
        }
    }
}

impl ConfigBuilder {
    /// Jaccard threshold in `(0, 1]` (default 0.8).
    pub fn threshold(mut self, t: f64) -> Self {
        self.threshold = t;
        self
    }
    /// Words per shingle, 1 to 32 (default 5).
    pub fn shingle(mut self, k: usize) -> Self {
        self.shingle = k;
        self
    }
    /// MinHash bins, 1 to 1024 (default 128).
    pub fn num_perm(mut self, n: usize) -> Self {
        self.num_perm = n;
        self
    }
    /// MinHash seed (default 42).
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }
    /// Shortest shared passage reported, in words, at least 3 (default 10).
    pub fn min_overlap(mut self, n: usize) -> Self {
        self.min_overlap = n;
        self
    }
    /// Longest gap bridged inside a shared passage, in words (default 15).
    pub fn overlap_gap(mut self, n: usize) -> Self {
        self.overlap_gap = Some(n);
        self
    }
    /// Weight of false negatives in `(0, 1)` when choosing the banding; false positives weigh
    /// `1 − w` (default 0.99).
    pub fn fn_weight(mut self, w: f64) -> Self {
        self.fn_weight = w;
        self
    }
    /// Which analyses run (default [`Analyses::ALL`]).
    pub fn analyses(mut self, a: Analyses) -> Self {
        self.analyses = a;
        self
    }
    /// How inputs are read.
    pub fn read(mut self, r: ReadOptions) -> Self {
        self.read = r;
        self
    }

    /// Validates and builds.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the setting out of range.
    pub fn build(self) -> Result<Config> {
        let bad = |m: String| Err(Error::Config(m));
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            // A percentage ("80"), not a slip past 1 ("1.5", which is no 0.015).
            let hint = if self.threshold >= 2.0 && self.threshold <= 100.0 {
                format!(" (did you mean {}?)", self.threshold / 100.0)
            } else {
                String::new()
            };
            return bad(format!(
                "--threshold must be in (0, 1], got {}{hint}",
                self.threshold
            ));
        }
        if !(1..=32).contains(&self.shingle) {
            return bad(format!(
                "--shingle must be 1 to 32 words, got {}",
                self.shingle
            ));
        }
        if !(1..=1024).contains(&self.num_perm) {
            return bad(format!(
                "--num-perm must be 1 to 1024, got {}",
                self.num_perm
            ));
        }
        if !(3..=MAX_WORDS).contains(&self.min_overlap) {
            return bad(format!(
                "--min-overlap must be 3 to {MAX_WORDS} words, got {}",
                self.min_overlap
            ));
        }
        if let Some(gap) = self.overlap_gap.filter(|&g| g > MAX_GAP) {
            return bad(format!(
                "--overlap-gap must be at most {MAX_GAP} words, got {gap}"
            ));
        }
        if !(self.fn_weight > 0.0 && self.fn_weight < 1.0) {
            return bad(format!(
                "--fn-weight must be in (0, 1), got {}",
                self.fn_weight
            ));
        }
        let banding = Banding::optimal(
            self.threshold,
            self.num_perm,
            1.0 - self.fn_weight,
            self.fn_weight,
        );
        Ok(Config {
            threshold: self.threshold,
            shingle: self.shingle,
            num_perm: self.num_perm,
            seed: self.seed,
            min_overlap: self.min_overlap,
            overlap_gap: self.overlap_gap.unwrap_or(15),
            // Without the last bits of the subtraction (1 - 0.99 = 0.010000000000000009).
            fp_weight: ((1.0 - self.fn_weight) * 1e12).round() / 1e12,
            fn_weight: self.fn_weight,
            banding,
            analyses: self.analyses,
            read: self.read,
            progress: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_banding() {
        let c = Config::default();
        assert_eq!(
            (c.threshold, c.shingle, c.num_perm, c.min_overlap),
            (0.8, 5, 128, 10)
        );
        assert!(c.banding.bands * c.banding.rows <= 128);
    }

    #[test]
    fn analyses_are_named_as_the_report_names_them() {
        assert_eq!(Config::default().analyses, Analyses::ALL);
        assert_eq!(Analyses::ALL.label(), "full");
        assert_eq!(Analyses::NONE.label(), "none");
        assert_eq!(Analyses::NEAR_DUPLICATES.label(), "near-duplicates");
        let some = Analyses {
            repeats: true,
            boilerplate: true,
            ..Analyses::NONE
        };
        assert_eq!(some.label(), "repeats,boilerplate");
        assert!(Analyses::NEAR_DUPLICATES.streams());
        assert!(!Analyses::ALL.streams() && !some.streams() && !Analyses::NONE.streams());
    }

    #[test]
    fn progress_reaches_the_observer() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let mut c = Config::default();
        c.notify("hashing", 1, 2);
        c.progress = Some(Observer(std::sync::Arc::new(move |p| {
            sink.lock().unwrap().push(p)
        })));
        c.notify("hashing", 3, 40);
        let got = seen.lock().unwrap().clone();
        assert_eq!(
            got,
            [Progress {
                stage: "hashing",
                documents: 3,
                bytes: 40
            }]
        );
    }

    #[test]
    fn out_of_range_values_say_what_to_do() {
        let e = Config::builder()
            .threshold(80.0)
            .build()
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "--threshold must be in (0, 1], got 80 (did you mean 0.8?)"
        );
        let e = Config::builder().threshold(1.5).build().unwrap_err();
        assert_eq!(e.to_string(), "--threshold must be in (0, 1], got 1.5");
        assert!(Config::builder().shingle(0).build().is_err());
        assert!(Config::builder().num_perm(0).build().is_err());
        assert!(Config::builder().min_overlap(1).build().is_err());
    }
}
