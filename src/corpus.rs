//! Input: paths become documents.
//!
//! Directories are walked recursively in sorted order, hidden entries skipped. Text files are read
//! whole and decoded (UTF-8, lossily if need be; UTF-16 with a byte-order mark); JSONL files give
//! one document per line. Every problem becomes a [`Diagnostic`] and the run goes on; only a path
//! argument that does not exist is an error.

use crate::error::{Error, Result};
use flate2::read::MultiGzDecoder;
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// How a diagnostic affects the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Input was analysed, but not as given (lossy decoding, a duplicate id).
    Warning,
    /// Input could not be analysed (unreadable, binary, malformed): the exit code becomes 2.
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
        match self.line {
            Some(line) => write!(f, "{level}: {}:{line}: {}", self.path, self.message),
            None => write!(f, "{level}: {}: {}", self.path, self.message),
        }
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
    /// One raw offset per decoded byte, plus one for the end (UTF-16).
    PerByte(Vec<u32>),
}

impl OffsetMap {
    /// The raw offset of decoded offset `d`.
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
            OffsetMap::PerByte(v) => v[d.min(v.len() - 1)] as usize,
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
    /// Files larger than this are skipped with an error diagnostic.
    pub max_file_bytes: u64,
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

/// Expands path arguments into the files to read, sorted by path, without duplicates.
///
/// # Errors
///
/// [`Error::NotFound`] when a path argument does not exist.
pub fn inputs(paths: &[PathBuf], opts: &ReadOptions) -> Result<(Vec<Input>, Vec<Diagnostic>)> {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|_| Error::NotFound(path.clone()))?;
        if meta.is_dir() {
            let mut ancestors = HashSet::new();
            walk(path, &mut ancestors, &mut files, &mut diags);
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    let inputs = files
        .into_iter()
        .map(|path| {
            let jsonl = opts.force_jsonl || is_jsonl_name(&path);
            Input { path, jsonl }
        })
        .collect();
    Ok((inputs, diags))
}

/// True for `.jsonl`, `.ndjson`, and either followed by `.gz`.
pub fn is_jsonl_name(path: &Path) -> bool {
    let name = path.to_string_lossy().to_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.ends_with(".jsonl") || name.ends_with(".ndjson")
}

fn walk(
    dir: &Path,
    ancestors: &mut HashSet<PathBuf>,
    files: &mut Vec<PathBuf>,
    diags: &mut Vec<Diagnostic>,
) {
    let canonical = match fs::canonicalize(dir) {
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
    let mut names: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    names.sort();
    for name in names {
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = dir.join(&name);
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, ancestors, files, diags),
            Ok(m) if m.is_file() => files.push(path),
            Ok(_) => diags.push(diag(
                &path,
                None,
                Severity::Warning,
                "not a regular file, skipped".into(),
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
    let mut docs = Vec::new();
    let mut diags = Vec::new();
    stream(inputs, opts, usize::MAX, |batch, d| {
        docs.extend(batch);
        diags.extend(d);
    });
    finish(&mut docs, &mut diags);
    (docs, diags)
}

/// Sorts documents by name and diagnostics by place; a name seen twice keeps its first document.
pub fn finish(docs: &mut Vec<Document>, diags: &mut Vec<Diagnostic>) {
    docs.par_sort_by(|a, b| a.name.cmp(&b.name));
    docs.dedup_by(|a, b| a.name == b.name);
    diags.sort();
    diags.dedup();
}

/// Reads the inputs in order and hands documents over in batches of about `batch_bytes` of text,
/// so that a caller that needs only signatures never holds the whole corpus.
pub fn stream(
    inputs: &[Input],
    opts: &ReadOptions,
    batch_bytes: usize,
    mut sink: impl FnMut(Vec<Document>, Vec<Diagnostic>),
) {
    let (jsonl, text): (Vec<&Input>, Vec<&Input>) = inputs.iter().partition(|i| i.jsonl);
    // Text files: read in parallel, a group at a time.
    let mut group: Vec<&Input> = Vec::new();
    let mut group_bytes = 0usize;
    let flush = |group: &mut Vec<&Input>, sink: &mut dyn FnMut(Vec<Document>, Vec<Diagnostic>)| {
        let results: Vec<_> = group
            .par_iter()
            .map(|i| read_text_file(&i.path, opts))
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
        read_jsonl(&input.path, opts, batch_bytes, &mut sink);
    }
}

/// Reads and decodes one text file: the document, with a warning when decoding was lossy, or the
/// reason it was skipped.
fn read_text_file(path: &Path, opts: &ReadOptions) -> (Option<Document>, Option<Diagnostic>) {
    let skip = |message: String| (None, Some(diag(path, None, Severity::Error, message)));
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return skip(format!("cannot read: {e}")),
    };
    if meta.len() > opts.max_file_bytes {
        return skip(format!(
            "{} bytes is over the limit of {} bytes, skipped (raise --max-file-size)",
            meta.len(),
            opts.max_file_bytes
        ));
    }
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => return skip(format!("cannot read: {e}")),
    };
    match decode(bytes) {
        Decoded::Text(text, offsets, note) => {
            let doc = Document {
                name: path.display().to_string(),
                text,
                origin: Origin::File(path.to_path_buf()),
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

/// Decodes a file's bytes: UTF-16 by its byte-order mark, UTF-8 (a BOM skipped), lossily when
/// invalid; bytes with NUL that are not UTF-16 are binary.
fn decode(bytes: Vec<u8>) -> Decoded {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return decode_utf16(&bytes);
    }
    if memchr_nul(&bytes) {
        return Decoded::Binary("binary file (contains NUL bytes), skipped".into());
    }
    let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if bom > 0 {
                s.drain(..bom);
                Decoded::Text(s, OffsetMap::Shift(bom), None)
            } else {
                Decoded::Text(s, OffsetMap::Identity, None)
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
            let note = format!("invalid UTF-8 ({invalid} bytes) replaced with U+FFFD");
            Decoded::Text(text, OffsetMap::Breakpoints(points), Some(note))
        }
    }
}

fn memchr_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
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
    let mut raw_of = Vec::with_capacity(bytes.len() / 2);
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
        for _ in 0..c.len_utf8() {
            raw_of.push(raw as u32);
        }
        text.push(c);
        raw += width;
    }
    raw_of.push(bytes.len() as u32);
    let note = lossy.then(|| "invalid UTF-16 replaced with U+FFFD".to_string());
    if bytes.len() % 2 == 1 {
        return Decoded::Text(
            text,
            OffsetMap::PerByte(raw_of),
            Some("UTF-16 with an odd byte count; last byte ignored".into()),
        );
    }
    Decoded::Text(text, OffsetMap::PerByte(raw_of), note)
}

/// Reads a JSONL file (gzip by extension) a batch at a time; records are parsed in parallel.
fn read_jsonl(
    path: &Path,
    opts: &ReadOptions,
    batch_bytes: usize,
    sink: &mut dyn FnMut(Vec<Document>, Vec<Diagnostic>),
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
    let gz = path.to_string_lossy().to_lowercase().ends_with(".gz");
    let reader: Box<dyn Read> = if gz {
        Box::new(MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let batch_bytes = batch_bytes.min(64 << 20);
    let mut seen_ids = ahash::AHashMap::<String, usize>::new();
    let mut lineno = 0usize;
    loop {
        let mut lines: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut bytes = 0;
        let mut failed = None;
        while bytes < batch_bytes {
            let mut buf = Vec::new();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    lineno += 1;
                    bytes += n;
                    lines.push((lineno, buf));
                }
                Err(e) => {
                    failed = Some(diag(
                        path,
                        Some(lineno + 1),
                        Severity::Error,
                        format!("read failed, rest of file skipped: {e}"),
                    ));
                    break;
                }
            }
        }
        let done = lines.is_empty() || failed.is_some() || bytes < batch_bytes;
        let parsed: Vec<_> = lines
            .into_par_iter()
            .map(|(n, line)| parse_record(path, n, &line, opts))
            .collect();
        let (mut docs, mut diags) = (Vec::new(), Vec::new());
        for r in parsed {
            match r {
                Ok(Some((id, doc))) => {
                    let mut doc = doc;
                    if let Some(first) = seen_ids.get(&id) {
                        diags.push(diag(
                            path,
                            Some(doc_line(&doc)),
                            Severity::Warning,
                            format!(
                                "duplicate id {id:?} (first on line {first}); named {}#{id}@{}",
                                path.display(),
                                doc_line(&doc)
                            ),
                        ));
                        doc.name = format!("{}#{id}@{}", path.display(), doc_line(&doc));
                    } else {
                        seen_ids.insert(id, doc_line(&doc));
                    }
                    docs.push(doc);
                }
                Ok(None) => {}
                Err(d) => diags.push(d),
            }
        }
        diags.extend(failed);
        sink(docs, diags);
        if done {
            break;
        }
    }
}

fn doc_line(doc: &Document) -> usize {
    match doc.origin {
        Origin::Jsonl(_, n) => n,
        Origin::File(_) => 0,
    }
}

type Record = std::result::Result<Option<(String, Document)>, Diagnostic>;

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
        Some(Field::Null) | None => {
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
    let id = match fields.id {
        Some(Field::Str(s)) => s,
        Some(Field::Number(n)) => n,
        _ => format!("L{line}"),
    };
    Ok(Some((
        id.clone(),
        Document {
            name: format!("{}#{id}", path.display()),
            text: body,
            origin: Origin::Jsonl(path.to_path_buf(), line),
            offsets: OffsetMap::Identity,
        },
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

impl<'de> serde::Deserialize<'de> for Field {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Field::Str(s),
            serde_json::Value::Number(n) => Field::Number(n.to_string()),
            serde_json::Value::Null => Field::Null,
            _ => Field::Other,
        })
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
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.text && found.text.is_none() {
                found.text = Some(map.next_value()?);
            } else if key == self.id && found.id.is_none() {
                found.id = Some(map.next_value()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}
