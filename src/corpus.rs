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

use crate::error::{Error, Result};
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The most text one document may hold, in bytes (4 GiB − 1): word positions are 32-bit.
pub const MAX_DOCUMENT_BYTES: u64 = u32::MAX as u64;

/// How much of a file decides whether it is binary: a NUL byte in it means binary.
pub const BINARY_PROBE_BYTES: usize = 8 << 10;

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
    /// break) in the decompressed JSONL stream. [`reread`] finds it again by this.
    pub at: Range<u64>,
    /// Decoded → raw byte offsets (raw offsets of a JSONL record are into its text field).
    pub offsets: OffsetMap,
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
    fn over_limit(&self, what: &str, len: u64) -> String {
        if len > MAX_DOCUMENT_BYTES && self.max_file_bytes > MAX_DOCUMENT_BYTES {
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

/// What tells two paths to one file apart from two files: device and inode.
type FileId = Option<(u64, u64)>;

#[cfg(unix)]
fn file_id(meta: &fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    // Some file systems report no inode numbers: then no two paths are taken for one file.
    (meta.ino() != 0).then(|| (meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_meta: &fs::Metadata) -> FileId {
    None
}

/// Expands path arguments into the files to read, sorted by path, without duplicates: a file
/// reached by two paths (`dir` and `./dir`, a symlink, a hard link) is read once, under the first
/// path, with a warning.
///
/// # Errors
///
/// [`Error::NotFound`] when a path argument does not exist. A path that exists but cannot be
/// followed (a dangling or looping symlink) or is not a regular file or directory (a FIFO, a
/// device) is an error diagnostic instead, and the other paths are read.
pub fn inputs(paths: &[PathBuf], opts: &ReadOptions) -> Result<(Vec<Input>, Vec<Diagnostic>)> {
    inputs_and_aliases(paths, opts).map(|(inputs, _, diags)| (inputs, diags))
}

/// Another path to one of the [`inputs`]: the input's index, and the path.
pub type Alias = (usize, Input);

/// [`inputs`], and the other paths to them: `clean` writes a copy under each.
///
/// # Errors
///
/// As [`inputs`].
pub fn inputs_and_aliases(
    paths: &[PathBuf],
    opts: &ReadOptions,
) -> Result<(Vec<Input>, Vec<Alias>, Vec<Diagnostic>)> {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            // The name exists (a symlink) but does not lead to a file.
            Err(e) if fs::symlink_metadata(path).is_ok() => {
                diags.push(diag(
                    path,
                    None,
                    Severity::Error,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
            Err(_) => return Err(Error::NotFound(path.clone())),
        };
        if meta.is_dir() {
            let mut ancestors = HashSet::new();
            walk(path, &mut ancestors, &mut files, &mut diags);
        } else if meta.is_file() {
            files.push((path.clone(), file_id(&meta)));
        } else {
            // Reading a FIFO would wait for a writer, a device may never end.
            diags.push(diag(
                path,
                None,
                Severity::Error,
                "not a regular file (a FIFO, socket or device), not read (save it to a file first)"
                    .into(),
            ));
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    let mut first = ahash::AHashMap::<(u64, u64), usize>::new();
    let mut kept: Vec<PathBuf> = Vec::with_capacity(files.len());
    let mut aliases = Vec::new();
    let input = |path: PathBuf| {
        let jsonl = opts.force_jsonl || is_jsonl_name(&path);
        Input { path, jsonl }
    };
    for (path, id) in files {
        match id.and_then(|id| first.get(&id).copied()) {
            Some(i) => {
                diags.push(diag(
                    &path,
                    None,
                    Severity::Warning,
                    format!(
                        "same file as {}, read once under that name",
                        kept[i].display()
                    ),
                ));
                // Read as the file was read under its first path, whatever this one is named.
                let jsonl = opts.force_jsonl || is_jsonl_name(&kept[i]);
                aliases.push((i, Input { path, jsonl }));
            }
            None => {
                if let Some(id) = id {
                    first.insert(id, kept.len());
                }
                kept.push(path);
            }
        }
    }
    let inputs = kept.into_iter().map(input).collect();
    Ok((inputs, aliases, diags))
}

/// True for `.jsonl`, `.ndjson`, and either followed by `.gz`.
pub fn is_jsonl_name(path: &Path) -> bool {
    let name = path.to_string_lossy().to_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.ends_with(".jsonl") || name.ends_with(".ndjson")
}

/// What tells a directory apart from the others on the way down: its device and inode, else
/// (on file systems without inode numbers) its canonical path. Device and inode come with one
/// `stat`; a canonical path takes a `readlink` per level, which made walking a tree 500 levels
/// deep take 3.6 s.
#[derive(Clone, PartialEq, Eq, Hash)]
enum DirKey {
    Id(u64, u64),
    Path(PathBuf),
}

fn dir_key(dir: &Path) -> io::Result<DirKey> {
    match file_id(&fs::metadata(dir)?) {
        Some((dev, ino)) => Ok(DirKey::Id(dev, ino)),
        None => fs::canonicalize(dir).map(DirKey::Path),
    }
}

fn walk(
    dir: &Path,
    ancestors: &mut HashSet<DirKey>,
    files: &mut Vec<(PathBuf, FileId)>,
    diags: &mut Vec<Diagnostic>,
) {
    let canonical = match dir_key(dir) {
        Ok(c) => c,
        Err(e) => {
            diags.push(diag(
                dir,
                None,
                Severity::Error,
                format!("cannot read directory: {e}"),
            ));
            return;
        }
    };
    if !ancestors.insert(canonical.clone()) {
        diags.push(diag(
            dir,
            None,
            Severity::Warning,
            "directory link loop, not followed".into(),
        ));
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(diag(
                dir,
                None,
                Severity::Error,
                format!("cannot read directory: {e}"),
            ));
            ancestors.remove(&canonical);
            return;
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => names.push(e.file_name()),
            Err(e) => diags.push(diag(
                dir,
                None,
                Severity::Error,
                format!("cannot read a directory entry: {e}"),
            )),
        }
    }
    names.sort();
    for name in names {
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = dir.join(&name);
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, ancestors, files, diags),
            Ok(m) if m.is_file() => files.push((path, file_id(&m))),
            Ok(_) => diags.push(diag(
                &path,
                None,
                Severity::Warning,
                "not a regular file (a FIFO, socket or device), skipped".into(),
            )),
            Err(e) => diags.push(diag(
                &path,
                None,
                Severity::Error,
                format!("cannot read: {e}"),
            )),
        }
    }
    ancestors.remove(&canonical);
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

/// Reads and decodes one text file: the document, with a warning when decoding was lossy, or the
/// reason it was skipped.
fn read_text_file(path: &Path, opts: &ReadOptions) -> (Option<Document>, Option<Diagnostic>) {
    let skip = |message: String| (None, Some(diag(path, None, Severity::Error, message)));
    let mut file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return skip(format!("cannot read: {e}")),
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => return skip(format!("cannot read: {e}")),
    };
    if !meta.is_file() {
        return skip("not a regular file, not read".into());
    }
    let limit = opts.limit();
    if meta.len() > limit {
        return skip(opts.over_limit("file", meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The head first: the rest of a binary file is not read.
    let read = (&mut file)
        .take((BINARY_PROBE_BYTES as u64).min(limit + 1))
        .read_to_end(&mut bytes);
    if let Err(e) = read {
        return skip(format!("cannot read: {e}"));
    }
    if let Some(d) = compressed(path, &bytes, false) {
        return (None, Some(d));
    }
    if let Some(why) = binary(&bytes) {
        return (None, Some(diag(path, None, Severity::Warning, why)));
    }
    // At most one byte past the limit, however much the file grows meanwhile.
    let rest = (limit + 1).saturating_sub(bytes.len() as u64);
    if let Err(e) = (&mut file).take(rest).read_to_end(&mut bytes) {
        return skip(format!("cannot read: {e}"));
    }
    if bytes.len() as u64 > limit {
        return skip(format!(
            "grew past the limit of {limit} bytes while being read, skipped"
        ));
    }
    let jsonl = looks_like_jsonl(path, &bytes);
    let (doc, note) = decode_document(path, bytes);
    let note = note.or_else(|| {
        jsonl.then(|| {
            let message = "looks like JSON Lines, read as one text document (name it .jsonl, or \
                           pass --jsonl, to read a document per line)";
            diag(path, None, Severity::Warning, message.into())
        })
    });
    (doc, note)
}

/// Whether a `.json` file holds JSON Lines: its first two lines with text are objects.
fn looks_like_jsonl(path: &Path, bytes: &[u8]) -> bool {
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|l| !l.is_empty())
        .take(2);
    let object = |l: Option<&[u8]>| l.is_some_and(|l| l.starts_with(b"{") && l.ends_with(b"}"));
    json && object(lines.next()) && object(lines.next())
}

/// Decodes the bytes of the text file `path` into its document, as the reader does: UTF-16 by its
/// byte-order mark, else UTF-8 (a BOM skipped, invalid bytes replaced with U+FFFD); binary when
/// the first [`BINARY_PROBE_BYTES`] hold a NUL byte. The diagnostic says what was not as given.
pub fn decode_document(path: &Path, bytes: Vec<u8>) -> (Option<Document>, Option<Diagnostic>) {
    let raw_len = bytes.len() as u64;
    match decode(bytes) {
        Decoded::Text(text, offsets, note) => {
            if text.len() as u64 > MAX_DOCUMENT_BYTES {
                let message = format!(
                    "decodes to {} bytes of text, over {MAX_DOCUMENT_BYTES} bytes, the most one \
                     document can hold, skipped (split it)",
                    text.len()
                );
                return (None, Some(diag(path, None, Severity::Error, message)));
            }
            let doc = Document {
                name: path.display().to_string(),
                text,
                origin: Origin::File(path.to_path_buf()),
                at: 0..raw_len,
                offsets,
            };
            (
                Some(doc),
                note.map(|n| diag(path, None, Severity::Warning, n)),
            )
        }
        // Skipping a binary file is a decision, not a failure: a warning.
        Decoded::Binary(why) => (None, Some(diag(path, None, Severity::Warning, why))),
    }
}

enum Decoded {
    Text(String, OffsetMap, Option<String>),
    Binary(String),
}

const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

fn has_utf32_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF])
}

/// Why the head of the file `path` says it is a compressed stream, which is text nobody can
/// read as it is (a corpus as `.jsonl.zst`): an error, where other binary files are skipped
/// with a warning, and so is a compressed tar archive. `jsonl` when the file is read as JSONL
/// (which gzip may be, named `.gz`).
fn compressed(path: &Path, head: &[u8], jsonl: bool) -> Option<Diagnostic> {
    let (format, command) = match head {
        [0x1F, 0x8B, ..] => ("gzip", "gunzip"),
        [0x28, 0xB5, 0x2F, 0xFD, ..] => ("zstd", "zstd -d"),
        [b'B', b'Z', b'h', b'1'..=b'9', ..] => ("bzip2", "bunzip2"),
        [0xFD, b'7', b'z', b'X', b'Z', 0, ..] => ("xz", "xz -d"),
        _ => return None,
    };
    let name = path.to_string_lossy().to_lowercase();
    let archive = [".tar.", ".tgz", ".tbz", ".txz"]
        .iter()
        .any(|t| name.contains(t));
    let (severity, message) = if archive {
        (
            Severity::Warning,
            format!("a {format}-compressed archive, skipped (extract it to read its files)"),
        )
    } else if format == "gzip" && jsonl && is_gz(path) {
        // Named .gz and read as gzip already: the data inside is gzip again.
        (
            Severity::Error,
            "compressed twice with gzip, not read (gunzip it once)".to_string(),
        )
    } else if format == "gzip" {
        let read_as = if jsonl {
            "name it .jsonl.gz to read it"
        } else {
            "gzip is read as JSONL when the name ends in .jsonl.gz or .ndjson.gz, or with --jsonl"
        };
        (
            Severity::Error,
            format!("gzip-compressed, not read ({read_as}; or decompress it: {command})"),
        )
    } else {
        (
            Severity::Error,
            format!(
                "{format}-compressed, which dedupe does not read; decompress it first ({command})"
            ),
        )
    };
    Some(diag(path, None, severity, message))
}

/// Why the head of a file says it is not text, if it does.
fn binary(head: &[u8]) -> Option<String> {
    if has_utf32_bom(head) {
        return Some(
            "UTF-32 text is not supported, skipped (convert it: iconv -f UTF-32 -t UTF-8)".into(),
        );
    }
    if has_utf16_bom(head) {
        return None;
    }
    let head = &head[..head.len().min(BINARY_PROBE_BYTES)];
    if !head.contains(&0) {
        return None;
    }
    // UTF-16 without a byte-order mark: NUL bytes at even or at odd offsets only.
    let nul_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let half = head.len() / 2;
    let (even, odd) = (nul_at(0), nul_at(1));
    let looks_utf16 = half >= 4 && (even.min(odd) == 0 && even.max(odd) * 2 >= half);
    if !looks_utf16 && mostly_text(head) {
        return None;
    }
    Some(if looks_utf16 {
        "binary file (NUL bytes), skipped; it looks like UTF-16 without a byte-order mark \
         (convert it: iconv -f UTF-16LE -t UTF-8, or UTF-16BE)"
            .into()
    } else {
        "binary file (NUL bytes in its first 8 KiB), skipped".into()
    })
}

/// True when a head holding NUL bytes is still text: valid UTF-8 (a character cut by the end of
/// the head allowed) in which control bytes are under a quarter. OCR output and scraped pages
/// carry stray NULs; executables, images and archives are not valid UTF-8, and records of small
/// binary integers are mostly control bytes.
fn mostly_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C | 0x1B))
        .count();
    valid && controls * 4 < head.len()
}

/// Decodes a file's bytes: UTF-16 by its byte-order mark, UTF-8 (a BOM skipped), lossily when
/// invalid. NUL bytes in the first 8 KiB make it binary unless that head is mostly text; NULs
/// kept in text are reported with a warning.
fn decode(bytes: Vec<u8>) -> Decoded {
    if let Some(why) = binary(&bytes) {
        return Decoded::Binary(why);
    }
    if has_utf16_bom(&bytes) {
        return decode_utf16(&bytes);
    }
    let nuls = bytes.iter().filter(|&&b| b == 0).count();
    let nul_note = (nuls > 0).then(|| format!("{nuls} NUL bytes, kept as control characters"));
    let bom = if bytes.starts_with(&UTF8_BOM) { 3 } else { 0 };
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if bom > 0 {
                s.drain(..bom);
                Decoded::Text(s, OffsetMap::Shift(bom), nul_note)
            } else {
                Decoded::Text(s, OffsetMap::Identity, nul_note)
            }
        }
        Err(e) => {
            let bytes = e.into_bytes();
            let mut text = String::with_capacity(bytes.len());
            let mut points = Vec::new();
            let mut raw = bom;
            let mut invalid = 0usize;
            for chunk in bytes[bom..].utf8_chunks() {
                text.push_str(chunk.valid());
                raw += chunk.valid().len();
                if !chunk.invalid().is_empty() {
                    points.push((text.len(), raw));
                    text.push('\u{FFFD}');
                    raw += chunk.invalid().len();
                    invalid += chunk.invalid().len();
                    points.push((text.len(), raw));
                }
            }
            if bom > 0 {
                points.insert(0, (0, bom));
            }
            let mut note = format!("invalid UTF-8 ({invalid} bytes) replaced with U+FFFD");
            if let Some(n) = nul_note {
                note = format!("{note}; {n}");
            }
            Decoded::Text(text, OffsetMap::Breakpoints(points), Some(note))
        }
    }
}

fn decode_utf16(bytes: &[u8]) -> Decoded {
    let le = bytes[0] == 0xFF;
    let units = bytes[2..].chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut runs: Vec<Run> = Vec::new();
    let mut raw = 2usize;
    let mut lossy = false;
    for r in char::decode_utf16(units) {
        let (c, width) = match r {
            Ok(c) => (c, c.len_utf16() * 2),
            Err(_) => {
                lossy = true;
                ('\u{FFFD}', 2)
            }
        };
        let (w8, wr) = (c.len_utf8() as u8, width as u8);
        if runs
            .last()
            .map_or(true, |r| (r.utf8_width, r.raw_width) != (w8, wr))
        {
            runs.push(Run {
                decoded: text.len(),
                raw,
                utf8_width: w8,
                raw_width: wr,
            });
        }
        text.push(c);
        raw += width;
    }
    // The text ends with its last whole code unit: an odd last byte is no part of it.
    runs.push(Run {
        decoded: text.len(),
        raw,
        utf8_width: 0,
        raw_width: 0,
    });
    let note = if bytes.len() % 2 == 1 {
        Some("UTF-16 with an odd byte count; last byte ignored".to_string())
    } else {
        lossy.then(|| "invalid UTF-16 replaced with U+FFFD".to_string())
    };
    Decoded::Text(text, OffsetMap::Runs(runs), note)
}

/// Reads a JSONL file (gzip by extension) a batch at a time; records are parsed in parallel.
fn read_jsonl<T: Send>(
    path: &Path,
    opts: &ReadOptions,
    batch_bytes: usize,
    each: &Each<'_, T>,
    sink: &mut Sink<T>,
) {
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return sink(
                Vec::new(),
                vec![diag(
                    path,
                    None,
                    Severity::Error,
                    format!("cannot read: {e}"),
                )],
            )
        }
    };
    if is_gz(path) {
        let mut stream = GzStream::new(file);
        read_jsonl_each(path, &mut stream, opts, batch_bytes, each, sink);
        let zeros = stream.padding;
        if zeros > 0 {
            let message = format!("{zeros} zero bytes after the gzip data ignored (padding)");
            sink(
                Vec::new(),
                vec![diag(path, None, Severity::Warning, message)],
            );
        }
    } else {
        read_jsonl_each(path, file, opts, batch_bytes, each, sink);
    }
}

/// Where a document that [`stream`] handed over can be found again: its input (an index into the
/// inputs streamed), the bytes it was read from ([`Document::at`]) and, for a JSONL record, its
/// line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// Index of the input.
    pub input: u32,
    /// Start of [`Document::at`].
    pub start: u64,
    /// End of [`Document::at`].
    pub end: u64,
    /// The record's line (1-based); 0 for a text file.
    pub line: usize,
}

/// Finds the [`Place`] of documents read from a list of inputs.
pub struct Places<'a>(ahash::AHashMap<&'a Path, u32>);

impl<'a> Places<'a> {
    /// The places of documents read from `inputs`.
    pub fn new(inputs: &'a [Input]) -> Places<'a> {
        let index = |i: usize| u32::try_from(i).expect("fewer than 2^32 inputs");
        Places(
            inputs
                .iter()
                .enumerate()
                .map(|(i, input)| (input.path.as_path(), index(i)))
                .collect(),
        )
    }

    /// Where `doc` is; `None` for a document that was not read from these inputs.
    pub fn of(&self, doc: &Document) -> Option<Place> {
        let (path, line) = match &doc.origin {
            Origin::File(p) => (p, 0),
            Origin::Jsonl(p, line) => (p, *line),
        };
        let input = *self.0.get(path.as_path())?;
        Some(Place {
            input,
            start: doc.at.start,
            end: doc.at.end,
            line,
        })
    }
}

/// Reads again the texts of documents that an earlier [`stream`] of the same `inputs` handed
/// over, from their places alone: a text file whole, a JSONL record by seeking to its line (or
/// reading a gzip stream up to it), so that the rest of the inputs is neither read nor parsed.
/// `each` is called with each wanted document's index in `wanted` and its text as it reads now,
/// on the thread that read it, and `sink` gets what it made, about `batch_bytes` of text at a
/// time. A document that can no longer be read, or no longer parses, is left out: the caller
/// notices the gap.
pub fn reread<T: Send>(
    inputs: &[Input],
    wanted: &[Place],
    opts: &ReadOptions,
    batch_bytes: usize,
    each: &(dyn Fn(usize, String) -> T + Sync),
    mut sink: impl FnMut(Vec<T>),
) {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_unstable_by_key(|&w| wanted[w]);
    let mut batch: Vec<(usize, Pending)> = Vec::new();
    let mut bytes = 0u64;
    let mut flush = |batch: &mut Vec<(usize, Pending)>, bytes: &mut u64| {
        let texts: Vec<T> = std::mem::take(batch)
            .into_par_iter()
            .filter_map(|(w, pending)| Some(each(w, pending.text(opts)?)))
            .collect();
        *bytes = 0;
        sink(texts);
    };
    // Plain JSONL files are opened once, and their lines read by position by the workers that
    // parse them (the main thread does no reading): a file opened per line costs more than
    // parsing the line.
    let mut opened: Vec<Option<fs::File>> = (0..inputs.len()).map(|_| None).collect();
    for place in wanted {
        let input = &inputs[place.input as usize];
        let slot = &mut opened[place.input as usize];
        if input.jsonl && !is_gz(&input.path) && slot.is_none() {
            *slot = fs::File::open(&input.path).ok();
        }
    }
    let mut gz: Option<(u32, GzLines)> = None;
    for w in order {
        let place = wanted[w];
        let input = &inputs[place.input as usize];
        let pending = if !input.jsonl {
            Pending::File(&input.path)
        } else if !is_gz(&input.path) {
            let Some(file) = &opened[place.input as usize] else {
                continue;
            };
            Pending::Range(&input.path, file, place)
        } else {
            // A gzip stream is read from its start, once, by this thread.
            if !matches!(&gz, Some((i, _)) if *i == place.input) {
                gz = GzLines::open(&input.path).ok().map(|g| (place.input, g));
            }
            let Some((_, lines)) = gz.as_mut() else {
                continue;
            };
            match lines.line_at(place.start, opts.limit()) {
                Some(line) => Pending::Line(&input.path, place.line, line),
                None => continue,
            }
        };
        bytes += place.end - place.start;
        batch.push((w, pending));
        if bytes >= batch_bytes as u64 {
            flush(&mut batch, &mut bytes);
        }
    }
    if !batch.is_empty() {
        flush(&mut batch, &mut bytes);
    }
}

/// A document [`reread`] has located but not yet read or decoded.
enum Pending<'a> {
    /// A whole text file.
    File(&'a Path),
    /// A line of a plain JSONL file (open), still to be read.
    Range(&'a Path, &'a fs::File, Place),
    /// A line read from a gzip stream: its number and bytes.
    Line(&'a Path, usize, Vec<u8>),
}

impl Pending<'_> {
    fn text(self, opts: &ReadOptions) -> Option<String> {
        let record = |path: &Path, line: usize, raw: &[u8]| {
            parse_record(path, line, raw, opts)
                .ok()
                .flatten()
                .map(|(_, _, d, _)| d.text)
        };
        match self {
            Pending::File(path) => read_text_file(path, opts).0.map(|d| d.text),
            Pending::Range(path, file, place) => {
                let len = place.end - place.start;
                if len > opts.limit() + 1 {
                    return None;
                }
                let mut raw = vec![0; len as usize];
                read_exact_at(file, &mut raw, place.start).ok()?;
                record(path, place.line, &raw)
            }
            Pending::Line(path, line, raw) => record(path, line, &raw),
        }
    }
}

/// Fills `buf` from `file` at `offset`, without moving the file's cursor: workers share one open
/// file.
#[cfg(unix)]
fn read_exact_at(file: &fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Fills `buf` from `file` at `offset`. Windows moves the file's cursor, but every read names
/// its offset, so workers sharing the file do not disturb each other.
#[cfg(windows)]
fn read_exact_at(file: &fs::File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// True for a path that names a gzip file.
pub(crate) fn is_gz(path: &Path) -> bool {
    path.to_string_lossy().to_lowercase().ends_with(".gz")
}

/// A gzip file read as `gzip -d` reads it: its members one after another, and zero bytes after
/// the last (the padding that tape and block devices add) taken for its end. flate2's
/// `MultiGzDecoder` reads such padding as the header of one more member, and fails with
/// "invalid gzip header" after all the data.
pub(crate) struct GzStream {
    /// The member being read; `None` at the end.
    member: Option<flate2::bufread::GzDecoder<BufReader<fs::File>>>,
    /// Zero bytes found after the last member.
    padding: u64,
}

impl GzStream {
    pub(crate) fn new(file: fs::File) -> GzStream {
        GzStream {
            member: Some(flate2::bufread::GzDecoder::new(BufReader::new(file))),
            padding: 0,
        }
    }
}

impl Read for GzStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while let Some(member) = &mut self.member {
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The member is done: what follows is another, zero padding, or nothing.
            let rest = member.get_mut();
            match rest.fill_buf()?.first().copied() {
                Some(0) => {
                    let zeros = skip_zeros(rest)?;
                    self.padding += zeros;
                    self.member = None;
                }
                Some(0x1F) => {
                    let rest = self.member.take().map(|m| m.into_inner());
                    self.member = rest.map(flate2::bufread::GzDecoder::new);
                }
                Some(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "data after the gzip data that is not gzip (trailing garbage)",
                    ))
                }
                None => self.member = None,
            }
        }
        Ok(0)
    }
}

/// Consumes `reader` to its end, which must hold nothing but zero bytes; returns how many.
fn skip_zeros(reader: &mut impl BufRead) -> io::Result<u64> {
    let mut zeros = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(zeros);
        }
        if let Some(at) = buf.iter().position(|&b| b != 0) {
            let zeros = zeros + at as u64;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("data after {zeros} zero bytes at the end of the gzip data"),
            ));
        }
        let n = buf.len();
        reader.consume(n);
        zeros += n as u64;
    }
}

/// Reads the lines of a gzip JSONL stream at given offsets, in increasing order, by reading up to
/// them.
struct GzLines {
    reader: BufReader<GzStream>,
    pos: u64,
}

impl GzLines {
    fn open(path: &Path) -> io::Result<GzLines> {
        Ok(GzLines {
            reader: BufReader::new(GzStream::new(fs::File::open(path)?)),
            pos: 0,
        })
    }

    /// The line starting at byte `at` of the stream, or `None` when it cannot be read or is
    /// longer than `max` bytes (then no more than `max` bytes of it are held).
    fn line_at(&mut self, at: u64, max: u64) -> Option<Vec<u8>> {
        let skip = at.checked_sub(self.pos)?;
        let skipped = io::copy(&mut (&mut self.reader).take(skip), &mut io::sink()).ok()?;
        self.pos += skipped;
        if skipped < skip {
            return None;
        }
        let mut buf = Vec::new();
        let (n, kept) = read_line_bounded(&mut self.reader, &mut buf, max).ok()?;
        self.pos += n as u64;
        kept.then_some(buf)
    }
}

/// Reads JSONL from `reader` as the reader reads the file `path` (already decompressed): one
/// document per non-blank line, a UTF-8 byte-order mark skipped, lines longer than the limit
/// skipped without being held, duplicate ids renamed `ID@LINE`. Documents and diagnostics go to
/// `sink` a batch of about `batch_bytes` (at most 64 MiB) at a time.
pub fn read_jsonl_from<R: Read + Send>(
    path: &Path,
    reader: R,
    opts: &ReadOptions,
    batch_bytes: usize,
    sink: &mut dyn FnMut(Vec<Document>, Vec<Diagnostic>),
) {
    read_jsonl_each(
        path,
        reader,
        opts,
        batch_bytes,
        &|_| (),
        &mut |docs, diags| sink(documents(docs), diags),
    );
}

/// [`read_jsonl_from`], calling `each` on every document as [`stream_with`] does.
fn read_jsonl_each<R: Read + Send, T: Send>(
    path: &Path,
    mut reader: R,
    opts: &ReadOptions,
    batch_bytes: usize,
    each: &Each<'_, T>,
    sink: &mut Sink<T>,
) {
    let fail = |line: Option<usize>, m: String| vec![diag(path, line, Severity::Error, m)];
    let mut head = Vec::with_capacity(6);
    if let Err(e) = (&mut reader).take(6).read_to_end(&mut head) {
        return sink(Vec::new(), fail(Some(1), format!("cannot read: {e}")));
    }
    if let Some(d) = compressed(path, &head, true) {
        return sink(Vec::new(), vec![d]);
    }
    if has_utf16_bom(&head) {
        let what = if has_utf32_bom(&head) { "32" } else { "16" };
        return sink(
            Vec::new(),
            fail(
                None,
                format!(
                    "UTF-{what} JSONL is not supported, skipped (convert it: iconv -f UTF-{what} \
                     -t UTF-8)"
                ),
            ),
        );
    }
    // Two characters of UTF-16 without a byte-order mark ("{\0\"\0"): every line would be
    // malformed JSON, and the NUL after each line end a line of its own.
    if let [a, b, c, d, ..] = head[..] {
        let order = match (a, b, c, d) {
            (1.., 0, 1.., 0) => Some("LE"),
            (0, 1.., 0, 1..) => Some("BE"),
            _ => None,
        };
        if let Some(order) = order {
            return sink(
                Vec::new(),
                fail(
                    None,
                    format!(
                        "looks like UTF-16 JSONL without a byte-order mark, which is not \
                         supported; skipped (convert it: iconv -f UTF-16{order} -t UTF-8)"
                    ),
                ),
            );
        }
    }
    // Byte offset of the next line in the stream.
    let mut at = 0u64;
    if head.starts_with(&UTF8_BOM) {
        head.drain(..3);
        at = 3;
    }
    let reader = io::Cursor::new(head).chain(reader);
    let batch_bytes = batch_bytes.clamp(1, 64 << 20);
    let max_line = usize::try_from(opts.limit()).unwrap_or(usize::MAX);
    // Ids (and the names given to duplicates) already taken, with the line that took them.
    let mut taken = ahash::AHashMap::<String, usize>::new();
    // Messages about single lines: the first MAX_LISTED of each severity, then a count, so that a
    // file of millions of bad lines (a wrong --text-field) does not print millions of messages.
    let mut listed = Listed::default();
    // One thread reads and splits the next batch while this one parses and hands on the last;
    // the buffers go back to the reader, so that memory is not mapped afresh for every batch.
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let (back, spare) = std::sync::mpsc::channel::<Vec<u8>>();
        scope.spawn(move || {
            let mut batches = LineBatches::new(reader, at, max_line);
            loop {
                let buffer = spare.try_recv().unwrap_or_default();
                let batch = batches.next(batch_bytes, buffer);
                let last = batch.end;
                if tx.send(batch).is_err() || last {
                    break;
                }
            }
        });
        for batch in rx {
            let buffer = process_batch(path, opts, batch, each, &mut taken, &mut listed, sink);
            // The reader may be gone after its last batch.
            let _ = back.send(buffer);
        }
    });
}

/// Parses one batch of lines and hands its documents and diagnostics to `sink`, renaming
/// duplicate ids. Gives back the batch's buffer.
fn process_batch<T: Send>(
    path: &Path,
    opts: &ReadOptions,
    batch: LineBatch,
    each: &Each<'_, T>,
    taken: &mut ahash::AHashMap<String, usize>,
    listed: &mut Listed,
    sink: &mut Sink<T>,
) -> Vec<u8> {
    let bytes = &batch.bytes;
    let parsed: Vec<_> = batch
        .lines
        .into_par_iter()
        .map(|(n, at, line)| match line {
            Ok(range) => {
                let at = at..at + range.len() as u64;
                parse_record(path, n, &bytes[range], opts).map(|r| {
                    r.map(|(id, named, doc, note)| {
                        (id, named, with(Document { at, ..doc }, each), note)
                    })
                })
            }
            Err(len) => Err(diag(
                path,
                Some(n),
                Severity::Error,
                opts.over_limit("line (with its line end)", len as u64),
            )),
        })
        .collect();
    let mut docs = Vec::new();
    let mut diags = Vec::new();
    for r in parsed {
        match r {
            Ok(Some((id, named, (mut doc, made), note))) => {
                listed.records += 1;
                listed.named += usize::from(named);
                let line = doc_line(&doc);
                if let Some(note) = note {
                    listed.push(&mut diags, note);
                }
                if let Some(&first) = taken.get(&id) {
                    let mut name = format!("{id}@{line}");
                    while taken.contains_key(&name) {
                        name = format!("{name}@{line}");
                    }
                    listed.push(
                        &mut diags,
                        diag(
                            path,
                            Some(line),
                            Severity::Warning,
                            format!(
                                "duplicate id {id:?} (first on line {first}); named {}#{name}",
                                path.display(),
                            ),
                        ),
                    );
                    doc.name = format!("{}#{name}", path.display());
                    taken.insert(name, line);
                } else {
                    taken.insert(id, line);
                }
                docs.push((doc, made));
            }
            Ok(None) => {}
            Err(d) => listed.push(&mut diags, d),
        }
    }
    if let Some((line, e)) = batch.failed {
        diags.push(diag(
            path,
            Some(line),
            Severity::Error,
            format!("read failed, rest of file skipped: {e}"),
        ));
    }
    if batch.end {
        listed.finish(path, &mut diags);
        // An id field named on purpose that no record has is likely misspelt.
        if listed.records > 0
            && listed.named == 0
            && opts.id_field != ReadOptions::default().id_field
        {
            diags.push(diag(
                path,
                None,
                Severity::Warning,
                format!(
                    "no record has a string or a number in the id field {:?} (--id-field); \
                     records are named by their line: {}#L1, …",
                    opts.id_field,
                    path.display()
                ),
            ));
        }
    }
    if !docs.is_empty() || !diags.is_empty() {
        sink(docs, diags);
    }
    batch.bytes
}

/// A line of a [`LineBatch`]: its number (1-based), its stream offset, and its range in the
/// batch's bytes, or only its length when it is over the limit (not held), so that diagnostics
/// stay in line order.
type BatchLine = (
    usize,
    u64,
    std::result::Result<std::ops::Range<usize>, usize>,
);

/// Lines of a stream, a batch at a time: the bytes of whole lines in one buffer, no allocation
/// or copy per line.
struct LineBatch {
    bytes: Vec<u8>,
    /// Each line's number (1-based), stream offset, and range in `bytes`; a line over the limit
    /// is only its length (not held), so that diagnostics stay in line order.
    lines: Vec<(
        usize,
        u64,
        std::result::Result<std::ops::Range<usize>, usize>,
    )>,
    /// A read error: the line it hit and what it was. Nothing more is read.
    failed: Option<(usize, io::Error)>,
    /// The last batch of the stream.
    end: bool,
}

/// Splits a stream into [`LineBatch`]es.
struct LineBatches<R> {
    reader: R,
    /// The start of an unfinished line, carried into the next batch.
    pending: Vec<u8>,
    /// Stream offset of `pending`.
    at: u64,
    /// Lines handed out so far.
    lineno: usize,
    /// Longest line held, in bytes.
    max: usize,
    eof: bool,
}

/// Bytes read from the stream at a time.
const READ_BYTES: usize = 1 << 20;

impl<R: Read> LineBatches<R> {
    fn new(reader: R, at: u64, max: usize) -> LineBatches<R> {
        LineBatches {
            reader,
            pending: Vec::new(),
            at,
            lineno: 0,
            max,
            eof: false,
        }
    }

    /// The next lines, about `batch_bytes` of them (each line counts 64 bytes more than its
    /// length, so that a batch of very many short lines stays as small as one of few long ones).
    /// `buffer` is spare memory to hold them.
    fn next(&mut self, batch_bytes: usize, mut buffer: Vec<u8>) -> LineBatch {
        buffer.clear();
        // Room for a batch, so that reads do not reallocate; a recycled buffer has it already.
        buffer.reserve(batch_bytes.min(self.max).min(READ_BYTES) + self.pending.len());
        buffer.extend_from_slice(&self.pending);
        self.pending.clear();
        let mut bytes = buffer;
        let mut lines = Vec::new();
        let (mut start, mut scan, mut cost) = (0, 0, 0);
        let mut failed = None;
        while cost < batch_bytes {
            if let Some(i) = crate::segment::find_byte(&bytes[scan..], b'\n') {
                let end = scan + i + 1;
                // The line's text, without its line end (LF or CRLF, as the limit is applied to
                // a file's lines whatever their ends).
                let crlf = end - 1 > start && bytes[end - 2] == b'\r';
                if end - 1 - usize::from(crlf) - start > self.max {
                    // Whole in the buffer but over the limit all the same.
                    self.push_line(&mut lines, Err(end - start));
                    cost += 64;
                } else {
                    self.push_line(&mut lines, Ok(start..end));
                    cost += end - start + 64;
                }
                (start, scan) = (end, end);
                continue;
            }
            scan = bytes.len();
            // Over the limit, but for a CR that may be the first half of the line's end.
            let held = bytes.len() - start;
            if held > self.max + 1 || (held == self.max + 1 && bytes.last() != Some(&b'\r')) {
                // Over the limit: drop what is held of it and read on to its end.
                bytes.truncate(start);
                match self.skip_line(&mut bytes) {
                    Ok(rest) => {
                        self.push_line(&mut lines, Err(held + rest));
                        cost += 64;
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
                scan = start;
                continue;
            }
            if self.eof {
                // After a read error the last line is cut short: not a line.
                if start < bytes.len() && failed.is_none() {
                    self.push_line(&mut lines, Ok(start..bytes.len()));
                    start = bytes.len();
                }
                break;
            }
            let want = READ_BYTES.min(self.max + 2 - (bytes.len() - start));
            match (&mut self.reader).take(want as u64).read_to_end(&mut bytes) {
                Ok(n) => self.eof = n < want,
                // What was read before the error still gives its whole lines.
                Err(e) => {
                    failed = Some(e);
                    self.eof = true;
                }
            }
        }
        let end = failed.is_some() || (self.eof && start == bytes.len());
        let failed = failed.map(|e| (self.lineno + 1, e));
        if !end {
            self.pending.extend_from_slice(&bytes[start..]);
        }
        bytes.truncate(start);
        LineBatch {
            bytes,
            lines,
            failed,
            end,
        }
    }

    /// Numbers and places the next line: held (its range) or over the limit (its length).
    fn push_line(
        &mut self,
        lines: &mut Vec<BatchLine>,
        line: std::result::Result<std::ops::Range<usize>, usize>,
    ) {
        self.lineno += 1;
        let len = match &line {
            Ok(range) => range.len(),
            Err(len) => *len,
        };
        lines.push((self.lineno, self.at, line));
        self.at += len as u64;
    }

    /// Reads past the end of the current line, holding none of it: the bytes it had beyond what
    /// was held. What follows its newline is appended to `bytes`.
    fn skip_line(&mut self, bytes: &mut Vec<u8>) -> io::Result<usize> {
        let mut block = vec![0u8; 64 << 10];
        let mut total = 0;
        loop {
            let n = match self.reader.read(&mut block) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.eof = true;
                return Ok(total);
            }
            if let Some(i) = block[..n].iter().position(|&b| b == b'\n') {
                bytes.extend_from_slice(&block[i + 1..n]);
                return Ok(total + i + 1);
            }
            total += n;
        }
    }
}

/// How many messages about single lines of one JSONL file are listed, of each severity.
pub const MAX_LISTED: usize = 100;

/// Counts the messages about lines of one file, listing the first [`MAX_LISTED`] of each severity.
#[derive(Default)]
struct Listed {
    errors: usize,
    warnings: usize,
    /// Records read, and how many of them were named by the id field.
    records: usize,
    named: usize,
}

impl Listed {
    fn push(&mut self, diags: &mut Vec<Diagnostic>, d: Diagnostic) {
        let n = match d.severity {
            Severity::Error => &mut self.errors,
            Severity::Warning => &mut self.warnings,
        };
        *n += 1;
        if *n <= MAX_LISTED {
            diags.push(d);
        }
    }

    fn finish(&self, path: &Path, diags: &mut Vec<Diagnostic>) {
        for (n, severity, what) in [
            (self.errors, Severity::Error, "lines skipped with errors"),
            (self.warnings, Severity::Warning, "lines with warnings"),
        ] {
            if n > MAX_LISTED {
                diags.push(diag(
                    path,
                    None,
                    severity,
                    format!(
                        "{n} {what} in all; the first {MAX_LISTED} are listed, {} more are not",
                        n - MAX_LISTED
                    ),
                ));
            }
        }
    }
}

/// Reads one line, through its `\n`, into `buf`, holding at most `max` bytes of it (plus the
/// `\n`). Returns the bytes consumed (0 at the end of input) and whether the line was kept: a
/// longer line is consumed, not kept, and `buf` is left empty.
fn read_line_bounded<R: BufRead + ?Sized>(
    r: &mut R,
    buf: &mut Vec<u8>,
    max: u64,
) -> io::Result<(usize, bool)> {
    let n = (&mut *r)
        .take(max.saturating_add(1))
        .read_until(b'\n', buf)?;
    if (n as u64) <= max || buf.last() == Some(&b'\n') {
        return Ok((n, true));
    }
    *buf = Vec::new();
    let mut total = n;
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((total, false));
        }
        match available.iter().position(|&b| b == b'\n') {
            Some(i) => {
                r.consume(i + 1);
                return Ok((total + i + 1, false));
            }
            None => {
                let len = available.len();
                r.consume(len);
                total += len;
            }
        }
    }
}

fn doc_line(doc: &Document) -> usize {
    match doc.origin {
        Origin::Jsonl(_, n) => n,
        Origin::File(_) => 0,
    }
}

/// A record's id (and whether it came from the id field, not its line) and document, with a
/// warning about it; `None` for a blank line.
type Record = std::result::Result<Option<(String, bool, Document, Option<Diagnostic>)>, Diagnostic>;

fn parse_record(path: &Path, line: usize, raw: &[u8], opts: &ReadOptions) -> Record {
    let err = |m: String| Err(diag(path, Some(line), Severity::Error, m));
    let trimmed = raw.trim_ascii();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let text = match std::str::from_utf8(trimmed) {
        Ok(t) => t,
        Err(_) => return err("line is not valid UTF-8, skipped".into()),
    };
    // Only the two fields we need are materialised; the rest of the object is skipped.
    let seed = Fields {
        text: &opts.text_field,
        id: &opts.id_field,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let fields = match serde::de::DeserializeSeed::deserialize(seed, &mut de)
        .and_then(|f| de.end().map(|()| f))
    {
        Ok(f) => f,
        Err(e) if e.to_string().contains(NOT_OBJECT) => {
            return err("not a JSON object, skipped".into())
        }
        Err(e) => return err(format!("malformed JSON, skipped: {e}")),
    };
    let body = match fields.text {
        Some(Field::Str(s)) => s,
        Some(Field::Null) => return err(format!("field {:?} is null, skipped", opts.text_field)),
        None => {
            return err(format!(
                "no {:?} field, skipped (choose it with --text-field)",
                opts.text_field
            ))
        }
        Some(_) => {
            return err(format!(
                "field {:?} is not a string, skipped",
                opts.text_field
            ))
        }
    };
    let by_line = format!("L{line}");
    let (id, named, id_note) = match fields.id {
        Some(Field::Str(s) | Field::Number(s)) if !s.is_empty() => (s, true, None),
        Some(Field::Other) => {
            let message = format!(
                "field {:?} is not a string or a number; the record is named by its line, \
                 {by_line}",
                opts.id_field
            );
            (by_line, false, Some(message))
        }
        _ => (by_line, false, None),
    };
    // JSON parsers disagree on a repeated key (Python's takes the last value); `clean` edits the
    // first occurrence, as this reads it, so the record stays consistent, but the user is told.
    let note = fields
        .repeated
        .map(|key| format!("field {key:?} appears more than once; the first is used"))
        .or(id_note)
        .map(|message| diag(path, Some(line), Severity::Warning, message));
    Ok(Some((
        id.clone(),
        named,
        Document {
            name: format!("{}#{id}", path.display()),
            text: body,
            origin: Origin::Jsonl(path.to_path_buf(), line),
            at: 0..raw.len() as u64,
            offsets: OffsetMap::Identity,
        },
        note,
    )))
}

/// What the record visitor expects; serde's message says "expected a JSON object".
const NOT_OBJECT: &str = "expected a JSON object";

/// A field value we care about.
enum Field {
    Str(String),
    Number(String),
    Null,
    /// An array, an object or a boolean.
    Other,
}

impl Field {
    /// The value of a field from its raw JSON text. A string is unescaped straight into a
    /// string of its final size: serde would grow a scratch buffer and copy it, which is most of
    /// the cost of reading a record.
    fn of_raw(raw: &serde_json::value::RawValue) -> serde_json::Result<Field> {
        let raw = raw.get();
        if let Some(s) = unescape(raw) {
            return Ok(Field::Str(s));
        }
        // A number names its record as written: `-0`, `1e999` and integers past 2⁶⁴ would
        // otherwise come back as `-0.0`, an error and a rounded float that may name another.
        if raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            return Ok(Field::Number(raw.to_string()));
        }
        Ok(match serde_json::from_str(raw)? {
            serde_json::Value::Null => Field::Null,
            _ => Field::Other,
        })
    }
}

/// The value of the JSON string `raw` (quotes included, already checked by serde: no control
/// characters, no unknown escapes, four hex digits after each `\u`); `None` when `raw` is not a
/// string. A `\u` escape of half a surrogate pair with no other half (JavaScript writes them;
/// Python reads them) becomes U+FFFD, as invalid UTF-8 does, rather than costing the record.
pub(crate) fn unescape(raw: &str) -> Option<String> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    // Eight bytes at a time: hard-wrapped text has an escape every line, and `str::find` set up
    // a search for each (unescaping took 3.4% of the doc-level run on PAN13 text, 2.2% now).
    while let Some(i) = crate::segment::find_byte(rest.as_bytes(), b'\\') {
        out.push_str(&rest[..i]);
        out.push(match rest.as_bytes().get(i + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let (c, len) = unicode_escape(&rest[i..])?;
                out.push(c);
                rest = &rest[i + len..];
                continue;
            }
            _ => return None,
        });
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// The character of the `\uXXXX` escape that `s` starts with (two escapes for a surrogate pair),
/// and the escape's length in bytes.
fn unicode_escape(s: &str) -> Option<(char, usize)> {
    let unit = |at: usize| {
        let hex = s.get(at..at + 6)?.strip_prefix("\\u")?;
        u32::from_str_radix(hex, 16).ok()
    };
    let first = unit(0)?;
    if (0xD800..0xDC00).contains(&first) {
        if let Some(second @ 0xDC00..=0xDFFF) = unit(6) {
            let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            return Some((char::from_u32(c)?, 12));
        }
    }
    Some((
        char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER),
        6,
    ))
}

/// An object key, borrowed from the line when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(Visit)
    }
}

/// The text and id fields of one record, by name.
struct Fields<'a> {
    text: &'a str,
    id: &'a str,
}

struct Found {
    text: Option<Field>,
    id: Option<Field>,
    /// The first of the two fields found more than once.
    repeated: Option<String>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Fields<'_> {
    type Value = Found;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Found, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Fields<'_> {
    type Value = Found;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&NOT_OBJECT["expected ".len()..])
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Found, A::Error> {
        let mut found = Found {
            text: None,
            id: None,
            repeated: None,
        };
        let field = |raw| Field::of_raw(raw).map_err(serde::de::Error::custom);
        while let Some(Key(key)) = map.next_key()? {
            if key == self.text && found.text.is_none() {
                found.text = Some(field(map.next_value()?)?);
            } else if key == self.id && found.id.is_none() {
                found.id = Some(field(map.next_value()?)?);
            } else {
                if key == self.text || key == self.id {
                    found.repeated.get_or_insert_with(|| key.into_owned());
                }
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
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

    fn jsonl(bytes: &[u8], opts: &ReadOptions, batch: usize) -> (Vec<Document>, Vec<Diagnostic>) {
        let (mut docs, mut diags) = (Vec::new(), Vec::new());
        read_jsonl_from(Path::new("d.jsonl"), bytes, opts, batch, &mut |b, d| {
            docs.extend(b);
            diags.extend(d);
        });
        (docs, diags)
    }

    fn names(docs: &[Document]) -> Vec<&str> {
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

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_growing_past_the_limit_while_read_is_skipped_at_the_limit() {
        // /proc files say they are empty and then give more: a file that grows while being read.
        let opts = ReadOptions {
            max_file_bytes: 16,
            ..ReadOptions::default()
        };
        let (doc, d) = read_text_file(Path::new("/proc/self/status"), &opts);
        assert!(doc.is_none());
        let d = d.unwrap();
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(
            d.message,
            "grew past the limit of 16 bytes while being read, skipped"
        );
    }

    #[test]
    fn jsonl_lines_over_the_limit_are_skipped_wherever_they_fall() {
        // Found by the fuzzer: a long line read whole in one block, not only one that spills
        // over a block, must be held to the limit. Lines of exactly the limit are kept.
        let opts = ReadOptions {
            max_file_bytes: 24,
            ..ReadOptions::default()
        };
        let ok = r#"{"id":"a","text":"x y"}"#; // 23 bytes
        let exact = r#"{"id":"b","text":"xy z"}"#; // 24 bytes
        let long = r#"{"id":"c","text":"long line"}"#; // 29 bytes
        for batch in [1, 7, 1 << 20] {
            let body = [ok, long, exact, long].join("\n");
            let (docs, diags) = jsonl(body.as_bytes(), &opts, batch);
            assert_eq!(names(&docs), ["d.jsonl#a", "d.jsonl#b"], "batch {batch}");
            let lines: Vec<Option<usize>> = diags.iter().map(|d| d.line).collect();
            assert_eq!(lines, [Some(2), Some(4)], "{diags:?}");
            assert!(diags.iter().all(|d| d.message.contains("over the limit")));
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
        assert!(ReadOptions::default()
            .over_limit("file", 300 << 20)
            .contains("raise --max-file-size"));
    }

    #[test]
    fn utf16_offsets_match_a_per_byte_map() {
        let text = "a\u{e9}\u{4e2d}\u{1F600}b\r\n\u{200D}z";
        for le in [true, false] {
            let mut bytes = if le {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            let mut per_byte = Vec::new();
            for c in text.chars() {
                let raw = bytes.len();
                per_byte.extend(std::iter::repeat(raw).take(c.len_utf8()));
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
                }
            }
            for odd in [false, true] {
                let mut b = bytes.clone();
                if odd {
                    b.push(b'x');
                }
                let Decoded::Text(t, map, note) = decode(b.clone()) else {
                    panic!("UTF-16 is text")
                };
                assert_eq!(t, text);
                assert_eq!(note.is_some(), odd);
                for (d, &r) in per_byte.iter().enumerate() {
                    assert_eq!(map.raw(d), r, "offset {d}");
                }
                assert_eq!(map.raw(t.len()), bytes.len());
                assert_eq!(map.raw(t.len() + 5), bytes.len());
            }
        }
        let Decoded::Text(t, map, _) = decode(vec![0xFF, 0xFE]) else {
            panic!()
        };
        assert_eq!((t.as_str(), map.raw(0)), ("", 2));
    }

    #[test]
    fn nul_bytes_make_binary_only_a_head_that_is_not_text() {
        for (head, tail) in [("", "\0 and more words"), ("a title\0 ", "\0 and more")] {
            let mut text = head.as_bytes().to_vec();
            text.extend(b"words ".repeat(2000));
            text.extend(tail.as_bytes());
            let Decoded::Text(t, _, note) = decode(text) else {
                panic!("stray NULs in text are kept")
            };
            assert!(t.starts_with(head) && t.ends_with(tail));
            let nuls = t.bytes().filter(|&b| b == 0).count();
            let expected = format!("{nuls} NUL bytes, kept as control characters");
            assert_eq!(note.as_deref(), Some(expected.as_str()));
        }
        // Valid UTF-8 but a quarter control bytes: records of small integers.
        let Decoded::Binary(_) = decode(b"\x01\0\0\0ab\x02\0\0\0cd".repeat(50)) else {
            panic!("mostly control bytes is binary")
        };
        // A character cut by the end of the probe does not make the head invalid.
        let mut cut = "é".repeat(BINARY_PROBE_BYTES / 2 - 1).into_bytes();
        cut.extend("\0é more".as_bytes());
        assert!(std::str::from_utf8(&cut[..BINARY_PROBE_BYTES]).is_err());
        assert!(mostly_text(&cut[..BINARY_PROBE_BYTES]));
        let Decoded::Binary(why) = decode(b"PK\x03\x04\0\0rest".to_vec()) else {
            panic!()
        };
        assert_eq!(why, "binary file (NUL bytes in its first 8 KiB), skipped");
        let utf16: Vec<u8> = "plain words here"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let Decoded::Binary(why) = decode(utf16) else {
            panic!()
        };
        assert!(why.contains("UTF-16 without a byte-order mark"), "{why}");
        let Decoded::Binary(why) = decode(vec![0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]) else {
            panic!()
        };
        assert!(why.starts_with("UTF-32 text is not supported"), "{why}");
    }

    #[test]
    fn the_line_limit_is_the_same_for_lf_and_crlf() {
        let opts = ReadOptions {
            max_file_bytes: 40,
            ..ReadOptions::default()
        };
        // 40 bytes of record: at the limit, read whatever its line end.
        let record = format!("{{\"id\":\"a\",\"text\":\"{}\"}}", "x".repeat(20));
        assert_eq!(record.len(), 40);
        for (end, batch) in ["\n", "\r\n", ""]
            .into_iter()
            .flat_map(|e| [(e, 1), (e, 1 << 20)])
        {
            let (docs, diags) = jsonl(format!("{record}{end}").as_bytes(), &opts, batch);
            assert_eq!(names(&docs), ["d.jsonl#a"], "{end:?}: {diags:?}");
        }
        // One byte more is over it, whatever the line end.
        for end in ["\n", "\r\n", ""] {
            let (docs, _) = jsonl(format!("{record} {end}").as_bytes(), &opts, 1 << 20);
            assert!(docs.is_empty(), "{end:?}");
        }
    }

    #[test]
    fn jsonl_bom_long_lines_and_batches() {
        let opts = ReadOptions {
            max_file_bytes: 40,
            ..ReadOptions::default()
        };
        let long = format!("{{\"id\":\"b\",\"text\":\"{}\"}}", "x".repeat(100));
        let input = format!(
            "\u{FEFF}{{\"id\":\"a\",\"text\":\"one\"}}\n{long}\n{{\"id\":\"c\",\"text\":\"three\"}}\n{long}"
        );
        for batch in [1, 7, 1 << 20] {
            let (docs, diags) = jsonl(input.as_bytes(), &opts, batch);
            assert_eq!(names(&docs), ["d.jsonl#a", "d.jsonl#c"], "batch {batch}");
            let lines: Vec<_> = diags.iter().map(|d| d.line).collect();
            assert_eq!(lines, [Some(2), Some(4)], "{diags:?}");
            assert_eq!(
                diags[0].message,
                "line (with its line end) of 121 bytes is over the limit of 40 bytes, skipped (raise --max-file-size)"
            );
        }
        let utf16: Vec<u8> = "\u{FEFF}{\"text\":\"x\"}\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (docs, diags) = jsonl(&utf16, &opts, 1 << 20);
        assert!(docs.is_empty());
        assert_eq!(diags.len(), 1);
        assert!(diags[0]
            .message
            .starts_with("UTF-16 JSONL is not supported"));
        // Without its byte-order mark: one message, which says what the file is.
        let (docs, diags) = jsonl(&utf16[2..], &opts, 1 << 20);
        assert!(docs.is_empty());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("iconv -f UTF-16LE"), "{diags:?}");
    }

    /// Found by fuzzing (the stable driver, `jsonl` target): a line over the limit was reported
    /// before the errors of the lines above it when they shared a batch.
    #[test]
    fn diagnostics_come_in_line_order_whatever_the_batch_size() {
        let opts = ReadOptions {
            max_file_bytes: 20,
            ..ReadOptions::default()
        };
        let long = "x".repeat(50);
        let input = format!("{{bad\n{long}\n[1]\n{long}\n{{\"text\":\"ok\"}}\n");
        let (_, small) = jsonl(input.as_bytes(), &opts, 1);
        let (_, large) = jsonl(input.as_bytes(), &opts, 1 << 20);
        assert_eq!(small, large);
        let lines: Vec<_> = large.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(1), Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn messages_about_lines_are_listed_up_to_a_cap() {
        let mut input = String::new();
        for i in 0..250 {
            input.push_str(&format!("{{\"id\": {},\"body\": \"x\"}}\n", i % 2));
            input.push_str("{\"id\": 1, \"text\": \"dup\"}\n\n");
        }
        let (docs, diags) = jsonl(input.as_bytes(), &ReadOptions::default(), 1000);
        assert_eq!(docs.len(), 250);
        let count = |s: Severity, line: bool| {
            diags
                .iter()
                .filter(|d| d.severity == s && d.line.is_some() == line)
                .count()
        };
        assert_eq!(count(Severity::Error, true), MAX_LISTED);
        assert_eq!(count(Severity::Warning, true), MAX_LISTED);
        let totals: Vec<_> = diags.iter().filter(|d| d.line.is_none()).collect();
        assert_eq!(
            totals[0].message,
            "250 lines skipped with errors in all; the first 100 are listed, 150 more are not"
        );
        assert_eq!(totals[0].severity, Severity::Error);
        assert_eq!(
            totals[1].message,
            "249 lines with warnings in all; the first 100 are listed, 149 more are not"
        );
    }

    #[test]
    fn duplicate_ids_get_unique_names() {
        let lines = [
            r#"{"id":"a@3","text":"x"}"#,
            r#"{"id":"a","text":"x"}"#,
            r#"{"id":"a","text":"x"}"#,
            r#"{"id":"a@3","text":"x"}"#,
            r#"{"text":"x"}"#,
            r#"{"id":"L5","text":"x"}"#,
        ];
        let (docs, diags) = jsonl(lines.join("\n").as_bytes(), &ReadOptions::default(), 1);
        assert_eq!(
            names(&docs),
            [
                "d.jsonl#a@3",
                "d.jsonl#a",
                "d.jsonl#a@3@3",
                "d.jsonl#a@3@4",
                "d.jsonl#L5",
                "d.jsonl#L5@6"
            ]
        );
        assert_eq!(diags.len(), 3);
        assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    }

    #[test]
    fn a_repeated_field_is_read_at_its_first_and_warned_about() {
        let lines = [
            r#"{"id":"a","text":"first","text":"second"}"#,
            r#"{"id":"b","id":"c","text":"once"}"#,
            r#"{"id":"d","text":"once","other":1,"other":2}"#,
        ];
        let (docs, diags) = jsonl(lines.join("\n").as_bytes(), &ReadOptions::default(), 1);
        assert_eq!(names(&docs), ["d.jsonl#a", "d.jsonl#b", "d.jsonl#d"]);
        assert_eq!(docs[0].text, "first");
        let messages: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "warning: d.jsonl:1: field \"text\" appears more than once; the first is used",
                "warning: d.jsonl:2: field \"id\" appears more than once; the first is used",
            ]
        );
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
    fn one_file_under_two_paths_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), "words").unwrap();
        let link = dir.path().join("b.txt");
        #[cfg(unix)]
        std::os::unix::fs::symlink("a.txt", &link).unwrap();
        #[cfg(not(unix))]
        fs::hard_link(dir.path().join("a.txt"), &link).unwrap();
        let (inputs, diags) = inputs(&[dir.path().to_path_buf()], &ReadOptions::default()).unwrap();
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].path, dir.path().join("a.txt"));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].path, link.display().to_string());
        assert!(diags[0].message.starts_with("same file as "), "{diags:?}");
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

    proptest::proptest! {
        /// Any string, as serde writes it (with `\u` escapes for control characters), reads
        /// back as itself.
        #[test]
        fn a_text_field_reads_back_as_written(text in "(?s).{0,64}", quote in "[\"\\\\/]{0,3}") {
            let text = format!("{quote}{text}{quote}\n\t");
            let raw = serde_json::to_string(&text).unwrap();
            let raw: Box<serde_json::value::RawValue> = serde_json::from_str(&raw).unwrap();
            match Field::of_raw(&raw).unwrap() {
                Field::Str(s) => proptest::prop_assert_eq!(s, text),
                _ => proptest::prop_assert!(false, "not read as a string"),
            }
        }
    }

    #[test]
    fn strings_are_unescaped_half_surrogates_replaced() {
        assert_eq!(
            unescape(r#""say \"hi\"\n\ta\\b\/c""#).as_deref(),
            Some("say \"hi\"\n\ta\\b/c")
        );
        assert_eq!(
            unescape(r#""caf\u00e9 \ud83d\ude00""#).as_deref(),
            Some("café 😀")
        );
        // Half a pair alone, at the end, or followed by another high half: U+FFFD each.
        assert_eq!(
            unescape(r#""a\ud800b \udc00 \ud83d\ud83d\ude00 \ud800""#).as_deref(),
            Some("a\u{fffd}b \u{fffd} \u{fffd}😀 \u{fffd}")
        );
        assert_eq!(unescape("12"), None);
    }

    #[test]
    fn ids_are_named_as_written() {
        let opts = ReadOptions::default();
        let lines = concat!(
            r#"{"id": -0, "text": "a"}"#,
            "\n",
            r#"{"id": 18446744073709551616, "text": "b"}"#,
            "\n",
            r#"{"id": 1e999, "text": "c"}"#,
            "\n",
            r#"{"id": "", "text": "d \ud800"}"#,
            "\n",
        );
        let (docs, diags) = jsonl(lines.as_bytes(), &opts, 1 << 20);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            names(&docs),
            [
                "d.jsonl#-0",
                "d.jsonl#18446744073709551616",
                "d.jsonl#1e999",
                "d.jsonl#L4"
            ]
        );
        assert_eq!(docs[3].text, "d \u{fffd}");
    }
}
