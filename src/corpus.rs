//! Input: paths become documents.
//!
//! Directories are walked recursively in sorted order, hidden entries skipped. Text files are read
//! whole and decoded (UTF-8, lossily if need be; UTF-16 with a byte-order mark); JSONL files give
//! one document per line. Every problem becomes a [`Diagnostic`] naming the file (and the line of
//! a JSONL file) and the run goes on; only a path argument that does not exist is an error.
//!
//! Memory stays bounded whatever the input:
//! - a text file larger than [`ReadOptions::max_file_bytes`] is skipped before it is read, and one
//!   that grows past it while being read is skipped at the limit;
//! - a JSONL line longer than the same limit is skipped, holding at most the limit meanwhile;
//! - a file whose first 8 KiB hold NUL bytes is binary (the rule of git and grep) unless they are
//!   stray bytes in text (see `mostly_text`), and the rest of a binary file is not read;
//! - no document holds more than [`MAX_DOCUMENT_BYTES`] of text: positions are 32-bit.
//!
//! Each part of reading is a submodule: `walk` finds the inputs, `decode` turns a text file's
//! bytes into its document, `jsonl` reads JSON Lines a batch of lines at a time, `gzip` reads
//! `.gz` streams as `gzip -d` does, and `reread` finds documents again by their places. What the
//! rest of the crate uses from them is re-exported here.

mod decode;
mod gzip;
mod jsonl;
mod reread;
mod walk;

use decode::read_text_file;
pub use decode::{decode_document, BINARY_PROBE_BYTES};
pub(crate) use gzip::{is_gz, GzStream};
use jsonl::read_jsonl;
pub(crate) use jsonl::unescape;
pub use jsonl::{read_jsonl_from, MAX_LISTED};
pub use reread::{reread, Place, Places};
pub use walk::{inputs, inputs_and_aliases, is_jsonl_name, Alias};

use rayon::prelude::*;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The most text one document may hold, in bytes (4 GiB − 1): word positions are 32-bit.
pub const MAX_DOCUMENT_BYTES: u64 = u32::MAX as u64;

/// How a diagnostic affects the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Input was analysed, but not as given (lossy decoding, a duplicate id), or skipped by
    /// design (binary, not a regular file): the exit code is unaffected.
    Warning,
    /// Input could not be analysed (unreadable, too large, malformed): the exit code becomes 2.
    Error,
}

/// A message about one input, in the order of paths and lines.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file.
    pub path: String,
    /// The line, for JSONL.
    pub line: Option<usize>,
    /// Warning or error.
    pub severity: Severity,
    /// What happened and what to do about it.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        // Control characters in a file name or a message (which may quote a JSONL id) are shown
        // escaped, so that neither can forge or garble other messages.
        let (path, message) = (Escaped(&self.path), Escaped(&self.message));
        match self.line {
            Some(line) => write!(f, "{level}: {path}:{line}: {message}"),
            None => write!(f, "{level}: {path}: {message}"),
        }
    }
}

/// Displays a string with its control characters (and bidirectional controls) escaped (`\n`,
/// `\u{1b}`, `\u{202e}`).
struct Escaped<'a>(&'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        for c in self.0.chars() {
            if crate::types::unprintable(c) {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

fn diag(path: &Path, line: Option<usize>, severity: Severity, message: String) -> Diagnostic {
    Diagnostic {
        path: path.display().to_string(),
        line,
        severity,
        message,
    }
}

/// Maps byte offsets in the decoded text back to byte offsets in the file as read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum OffsetMap {
    /// Decoded offset + shift (plain UTF-8; the shift skips a byte-order mark).
    #[default]
    Identity,
    /// Offset + `shift`.
    Shift(usize),
    /// Sorted `(decoded, raw)` breakpoints; between them the map has slope 1 (lossy UTF-8).
    Breakpoints(Vec<(usize, usize)>),
    /// Runs of characters of the same widths (UTF-16), sorted, starting at decoded offset 0 and
    /// ending with a run of width 0 at the end of the text.
    Runs(Vec<Run>),
}

/// Characters from `decoded` (in the decoded text) and `raw` (in the file) on, each `utf8_width`
/// bytes decoded and `raw_width` bytes raw, up to the next run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// Decoded offset of the run's first character.
    pub decoded: usize,
    /// Raw offset of the run's first character.
    pub raw: usize,
    /// Bytes per character in the decoded text (0 for the end marker).
    pub utf8_width: u8,
    /// Bytes per character in the file.
    pub raw_width: u8,
}

impl OffsetMap {
    /// The raw offset of decoded offset `d` (inside a character: the character's start).
    ///
    /// # Panics
    ///
    /// For `Runs` without a run: the decoder makes one from offset 0 on.
    pub fn raw(&self, d: usize) -> usize {
        match self {
            OffsetMap::Identity => d,
            OffsetMap::Shift(s) => d + s,
            OffsetMap::Breakpoints(points) => {
                let i = points.partition_point(|p| p.0 <= d);
                match i {
                    0 => d,
                    _ => {
                        let (dp, rp) = points[i - 1];
                        rp + (d - dp)
                    }
                }
            }
            OffsetMap::Runs(runs) => {
                let i = runs.partition_point(|r| r.decoded <= d).max(1);
                let r = runs[i - 1];
                match r.utf8_width {
                    0 => r.raw,
                    w => r.raw + (d - r.decoded) / usize::from(w) * usize::from(r.raw_width),
                }
            }
        }
    }
}

/// Where a document came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A whole text file.
    File(PathBuf),
    /// One line of a JSONL file (1-based).
    Jsonl(PathBuf, usize),
}

/// One document: its name, its decoded text, and the way back to raw byte offsets.
#[derive(Clone, Debug)]
pub struct Document {
    /// The path as given (`seeds/004_….txt`), or `path#id` for a JSONL record.
    pub name: String,
    /// The decoded text.
    pub text: String,
    /// Where it came from.
    pub origin: Origin,
    /// The bytes of its input it was read from: the whole text file, or its line (with the line
    /// break) in the decompressed JSONL stream. [`reread`](fn@reread) finds it again by this.
    pub at: Range<u64>,
    /// Decoded → raw byte offsets (raw offsets of a JSONL record are into its text field).
    pub offsets: OffsetMap,
}

impl Document {
    /// A document held in memory: `text` named `name`, its byte offsets those of `text` (a
    /// byte-order mark in it is text). Its origin names a file `name`, which nothing reads
    /// unless the document is passed to [`reread`](fn@reread). At most [`MAX_DOCUMENT_BYTES`]
    /// bytes are analysed; [`crate::pipeline::analyze_texts`] skips a longer text with an error.
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Document {
        let (name, text) = (name.into(), text.into());
        Document {
            origin: Origin::File(PathBuf::from(&name)),
            at: 0..text.len() as u64,
            offsets: OffsetMap::Identity,
            name,
            text,
        }
    }
}

/// What the reader accepts.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Treat every file as JSONL, whatever its extension.
    pub force_jsonl: bool,
    /// JSONL field holding the text.
    pub text_field: String,
    /// JSONL field holding the id (a string or a number).
    pub id_field: String,
    /// Text files larger than this, and JSONL lines longer than this, are skipped with an error
    /// diagnostic (never more than [`MAX_DOCUMENT_BYTES`]).
    pub max_file_bytes: u64,
}

impl ReadOptions {
    /// The limit in force: `max_file_bytes`, at most [`MAX_DOCUMENT_BYTES`].
    pub fn limit(&self) -> u64 {
        self.max_file_bytes.min(MAX_DOCUMENT_BYTES)
    }

    /// Why `len` bytes (of a file, or of a JSONL line) are too many.
    pub(crate) fn over_limit(&self, what: &str, len: u64) -> String {
        if len > MAX_DOCUMENT_BYTES {
            format!(
                "{what} of {len} bytes is over {MAX_DOCUMENT_BYTES} bytes, the most one document \
                 can hold, skipped (split it)"
            )
        } else {
            format!(
                "{what} of {len} bytes is over the limit of {} bytes, skipped (raise \
                 --max-file-size)",
                self.limit()
            )
        }
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            force_jsonl: false,
            text_field: "text".into(),
            id_field: "id".into(),
            max_file_bytes: 256 << 20,
        }
    }
}

/// One file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// The path as given, or as found under a directory given.
    pub path: PathBuf,
    /// Read as JSONL.
    pub jsonl: bool,
}

/// Reads every input, in parallel, into documents sorted by name.
pub fn read_all(inputs: &[Input], opts: &ReadOptions) -> (Vec<Document>, Vec<Diagnostic>) {
    read_all_observed(inputs, opts, |_, _| {})
}

/// [`read_all`], calling `progress(documents, bytes of text)` after each batch.
pub fn read_all_observed(
    inputs: &[Input],
    opts: &ReadOptions,
    mut progress: impl FnMut(usize, u64),
) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut docs = Vec::new();
    let mut diags = Vec::new();
    let mut bytes = 0u64;
    // Batches of 2 MB, so that the workers start soon after the reader (with 8 MB, reading the
    // 10k bench corpus took 0.096 s instead of 0.071 s).
    stream(inputs, opts, 2 << 20, |batch, d| {
        bytes += batch.iter().map(|d| d.text.len() as u64).sum::<u64>();
        docs.extend(batch);
        diags.extend(d);
        progress(docs.len(), bytes);
    });
    finish(&mut docs, &mut diags);
    (docs, diags)
}

/// Sorts documents by name and diagnostics by place. Names are unique by construction (see
/// [`stream`]); should two documents still share one, the first is kept and the other is named
/// in a warning, never dropped silently.
pub fn finish(docs: &mut Vec<Document>, diags: &mut Vec<Diagnostic>) {
    docs.par_sort_by(|a, b| a.name.cmp(&b.name));
    docs.dedup_by(|later, first| {
        let same = later.name == first.name;
        if same {
            diags.push(Diagnostic {
                path: later.name.clone(),
                line: None,
                severity: Severity::Warning,
                message: "a second document of this name, skipped".into(),
            });
        }
        same
    });
    diags.sort();
    diags.dedup();
}

/// Keeps document names unique across inputs. Within a JSONL file duplicate ids are renamed by
/// the reader; across inputs two names can only meet when a path holds `#` (a text file named
/// like a record) or two paths display alike (bytes that are not UTF-8), so only then are names
/// remembered.
struct Names {
    check: bool,
    seen: ahash::AHashSet<String>,
}

impl Names {
    fn new(inputs: &[Input]) -> Names {
        let mut shown: Vec<String> = inputs
            .iter()
            .map(|i| i.path.display().to_string())
            .collect();
        let hash = shown.iter().any(|s| s.contains('#'));
        let n = shown.len();
        shown.sort_unstable();
        shown.dedup();
        Names {
            check: hash || shown.len() != n,
            seen: ahash::AHashSet::new(),
        }
    }

    fn admit<'d>(
        &mut self,
        docs: impl Iterator<Item = &'d mut Document>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if !self.check {
            return;
        }
        for doc in docs {
            if self.seen.contains(&doc.name) {
                let new = (2..)
                    .map(|k| format!("{}@{k}", doc.name))
                    .find(|c| !self.seen.contains(c))
                    .expect("some suffix is free");
                let (path, line) = match &doc.origin {
                    Origin::File(p) => (p.as_path(), None),
                    Origin::Jsonl(p, l) => (p.as_path(), Some(*l)),
                };
                diags.push(diag(
                    path,
                    line,
                    Severity::Warning,
                    format!(
                        "document name {:?} is taken by an earlier input; named {new:?}",
                        doc.name
                    ),
                ));
                doc.name = new;
            }
            self.seen.insert(doc.name.clone());
        }
    }
}

/// Reads the inputs in order and hands documents over in batches of about `batch_bytes` of text,
/// so that a caller that needs only signatures never holds the whole corpus. The same inputs give
/// the same documents under the same names in the same order, call after call.
pub fn stream(
    inputs: &[Input],
    opts: &ReadOptions,
    batch_bytes: usize,
    mut sink: impl FnMut(Vec<Document>, Vec<Diagnostic>),
) {
    stream_with(inputs, opts, batch_bytes, &|_| (), |docs, diags| {
        sink(documents(docs), diags)
    });
}

/// [`stream`], calling `each` on every document as soon as it is decoded, on the thread that
/// decoded it, while its text is in cache: a caller that needs only what `each` computes (a
/// signature) can take the text away there.
pub fn stream_with<T: Send>(
    inputs: &[Input],
    opts: &ReadOptions,
    batch_bytes: usize,
    each: &Each<'_, T>,
    mut sink: impl FnMut(Vec<(Document, T)>, Vec<Diagnostic>),
) {
    let mut names = Names::new(inputs);
    let mut sink = |mut docs: Vec<(Document, T)>, mut diags: Vec<Diagnostic>| {
        names.admit(docs.iter_mut().map(|(doc, _)| doc), &mut diags);
        sink(docs, diags);
    };
    let (jsonl, text): (Vec<&Input>, Vec<&Input>) = inputs.iter().partition(|i| i.jsonl);
    // Text files: read in parallel, a group at a time.
    let mut group: Vec<&Input> = Vec::new();
    let mut group_bytes = 0usize;
    let flush = |group: &mut Vec<&Input>, sink: &mut Sink<T>| {
        let results: Vec<_> = group
            .par_iter()
            .map(|i| {
                let (doc, note) = read_text_file(&i.path, opts);
                (doc.map(|doc| with(doc, each)), note)
            })
            .collect();
        let (mut docs, mut diags) = (Vec::new(), Vec::new());
        for (doc, note) in results {
            docs.extend(doc);
            diags.extend(note);
        }
        group.clear();
        sink(docs, diags);
    };
    for input in text {
        group_bytes += fs::metadata(&input.path).map_or(0, |m| m.len() as usize);
        group.push(input);
        if group_bytes >= batch_bytes || group.len() >= 4096 {
            flush(&mut group, &mut sink);
            group_bytes = 0;
        }
    }
    if !group.is_empty() {
        flush(&mut group, &mut sink);
    }
    for input in jsonl {
        read_jsonl(&input.path, opts, batch_bytes, each, &mut sink);
    }
}

/// What [`stream_with`] calls on every document.
pub type Each<'a, T> = dyn Fn(&mut Document) -> T + Sync + 'a;

/// Where batches of documents go.
type Sink<'a, T> = dyn FnMut(Vec<(Document, T)>, Vec<Diagnostic>) + 'a;

/// The documents of a batch read with nothing made of them.
fn documents(batch: Vec<(Document, ())>) -> Vec<Document> {
    batch.into_iter().map(|(doc, ())| doc).collect()
}

/// A document with what `each` made of it.
fn with<T>(mut doc: Document, each: &Each<'_, T>) -> (Document, T) {
    let made = each(&mut doc);
    (doc, made)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(path: &Path) -> Input {
        Input {
            path: path.to_path_buf(),
            jsonl: is_jsonl_name(path),
        }
    }

    pub(super) fn names(docs: &[Document]) -> Vec<&str> {
        docs.iter().map(|d| d.name.as_str()).collect()
    }

    #[test]
    fn read_errors_name_the_file_and_the_rest_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.txt");
        let gone = dir.path().join("gone.txt");
        fs::write(&good, "some words").unwrap();
        fs::write(&gone, "more words").unwrap();
        let (inputs, _) = inputs(&[dir.path().to_path_buf()], &ReadOptions::default()).unwrap();
        // Vanishes between listing and reading.
        fs::remove_file(&gone).unwrap();
        let mut all = inputs.clone();
        all.push(input(dir.path())); // a directory where a file was expected
        #[cfg(target_os = "linux")]
        all.push(input(Path::new("/proc/self/mem"))); // opens, then every read fails (EIO)
        let (docs, diags) = read_all(&all, &ReadOptions::default());
        assert_eq!(names(&docs), [good.display().to_string()]);
        let err = |p: &Path| {
            diags
                .iter()
                .find(|d| d.path == p.display().to_string())
                .unwrap_or_else(|| panic!("no diagnostic for {}: {diags:?}", p.display()))
        };
        assert_eq!(err(&gone).severity, Severity::Error);
        assert!(err(&gone).message.starts_with("cannot read: "), "{diags:?}");
        assert_eq!(err(dir.path()).message, "not a regular file, not read");
        #[cfg(target_os = "linux")]
        {
            let mem = err(Path::new("/proc/self/mem"));
            assert_eq!(mem.severity, Severity::Error);
            assert!(mem.message.starts_with("cannot read: "), "{mem:?}");
        }
    }

    #[test]
    fn limits_above_what_a_document_holds_are_capped() {
        let opts = ReadOptions {
            max_file_bytes: 8 << 30,
            ..ReadOptions::default()
        };
        assert_eq!(opts.limit(), MAX_DOCUMENT_BYTES);
        assert!(opts
            .over_limit("file", 5 << 30)
            .contains("the most one document can hold"));
        // Past what a document holds, no limit helps: whatever the limit, "split it".
        for max_file_bytes in [4 << 30, 256 << 20] {
            let opts = ReadOptions {
                max_file_bytes,
                ..ReadOptions::default()
            };
            assert!(opts.over_limit("file", 5 << 30).contains("split it"));
        }
        let opts = ReadOptions::default();
        assert!(opts
            .over_limit("file", (256 << 20) + 1)
            .contains("raise --max-file-size"));
        assert!(ReadOptions::default()
            .over_limit("file", 300 << 20)
            .contains("raise --max-file-size"));
    }

    #[test]
    fn names_stay_unique_across_inputs() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("x.jsonl#a"),
            "a text file named like a record",
        )
        .unwrap();
        fs::write(
            dir.path().join("x.jsonl"),
            "{\"id\":\"a\",\"text\":\"a record\"}\n",
        )
        .unwrap();
        let (inputs, _) = inputs(&[dir.path().to_path_buf()], &ReadOptions::default()).unwrap();
        let (docs, diags) = read_all(&inputs, &ReadOptions::default());
        let base = dir.path().join("x.jsonl#a").display().to_string();
        assert_eq!(names(&docs), [base.clone(), format!("{base}@2")]);
        assert!(diags[0].message.contains("is taken by an earlier input"));
    }

    #[test]
    fn control_characters_in_names_are_escaped() {
        let d = diag(
            Path::new("a\nerror: b\u{1b}[31m.txt"),
            Some(3),
            Severity::Warning,
            "m".into(),
        );
        assert_eq!(d.to_string(), "warning: a\\nerror: b\\u{1b}[31m.txt:3: m");
        // A message quoting a JSONL id, or holding a bidirectional override, is escaped too.
        let d = diag(
            Path::new("f.jsonl"),
            None,
            Severity::Warning,
            "named f.jsonl#a\nb\u{1b}[31m\u{202e}x".into(),
        );
        assert_eq!(
            d.to_string(),
            "warning: f.jsonl: named f.jsonl#a\\nb\\u{1b}[31m\\u{202e}x"
        );
    }
}
