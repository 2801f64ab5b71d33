//! The manifest: its types, and paths and bytes as it records them.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Schema version of the [`Manifest`].
pub const MANIFEST_VERSION: u32 = 1;

/// The manifest's format of a file copied unchanged.
pub(super) const COPY: &str = "copy";

/// File name of the manifest in the output directory; hidden, so that `dedupe DIR` never reads
/// it as a document.
pub const MANIFEST_NAME: &str = ".dedupe-manifest.json";

/// The record of a `clean` run: enough to undo every change.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Schema version, 1.
    pub version: u32,
    /// The program that wrote it.
    pub tool: String,
    /// What was removed: `repeats`, `overlaps`, `boilerplate` or reason codes.
    pub remove: Vec<String>,
    /// Whether near-duplicates were dropped.
    pub drop_duplicates: bool,
    /// `first` or `longest`.
    pub keep: String,
    /// The JSONL text field.
    pub text_field: String,
    /// Near-duplicate clusters and the member kept of each (with `drop_duplicates`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<ClusterChoice>,
    /// One entry per file written or dropped.
    pub files: Vec<FileEntry>,
    /// Messages about inputs; files with errors were not written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The document kept of a near-duplicate cluster.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClusterChoice {
    /// Members, by name.
    pub members: Vec<String>,
    /// The one written (the first kept, in `--keep` order).
    pub kept: String,
    /// Members written too: each is a near-duplicate of no member kept before it (the cluster
    /// is a chain of near-duplicates, not all alike).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_kept: Vec<String>,
    /// Why that one.
    pub why: String,
}

/// Length and FNV-1a 64-bit hash of a file's content (decompressed for `.gz`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// Length in bytes.
    pub bytes: usize,
    /// FNV-1a 64 of the bytes, 16 hex digits.
    pub fnv1a64: String,
}

impl Digest {
    pub(super) fn of(bytes: &[u8]) -> Digest {
        let mut h = Hasher::default();
        h.update(bytes);
        h.digest()
    }
}

/// A [`Digest`] computed piece by piece, for files copied as they stream past.
pub(super) struct Hasher {
    hash: u64,
    bytes: usize,
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher {
            hash: 0xcbf2_9ce4_8422_2325,
            bytes: 0,
        }
    }
}

impl Hasher {
    pub(super) fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.hash ^= u64::from(b);
            self.hash = self.hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.bytes += bytes.len();
    }

    pub(super) fn digest(&self) -> Digest {
        Digest {
            bytes: self.bytes,
            fnv1a64: format!("{:016x}", self.hash),
        }
    }
}

/// One input file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileEntry {
    /// The input path, as named in the report.
    pub source: String,
    /// The path of the cleaned copy relative to the output directory, `/`-separated.
    pub path: String,
    /// The path's bytes in base64, when they are not UTF-8 (Unix): `path` then shows them with
    /// U+FFFD for the invalid bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_base64: Option<String>,
    /// `text`, `jsonl`, `jsonl.gz`, or `copy` for a file copied unchanged.
    pub format: String,
    /// Why a `copy` was not cleaned: what the analysis said when it skipped the file (binary,
    /// too large, not decodable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copied: Option<String>,
    /// The original content.
    pub original: Digest,
    /// The cleaned content; absent when the whole file was dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleaned: Option<Digest>,
    /// Set when the whole file was dropped as a near-duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<Dropped>,
    /// Removed spans of a text file, by byte offset in the original.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedSpan>,
    /// Changed or dropped records of a JSONL file, by line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordEntry>,
}

/// Why a document was dropped.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Dropped {
    /// The near-duplicate kept in its place.
    pub kept: String,
    /// Why that one was kept.
    pub why: String,
    /// Exact Jaccard of the two: a reported pair, or compared directly when the pairs listed do
    /// not link them (see `choose_kept`). Optional only for manifests written before it always
    /// was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jaccard: Option<f64>,
}

/// One removed span: where it was in the original, why, and its bytes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RemovedSpan {
    /// Byte range `[start, end)` in the original (a file, or a JSONL record's text field),
    /// including the line terminator and blank lines removed with a whole paragraph.
    pub bytes: [usize; 2],
    /// Lines `[first, last]`, 1-based.
    pub lines: [usize; 2],
    /// `repeat`, `overlap`, `duplicate` or a boilerplate reason code, each once.
    pub reasons: Vec<String>,
    /// The findings behind the removal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingRef>,
    /// The removed bytes.
    #[serde(flatten)]
    pub content: Content,
}

/// Bytes stored losslessly: `text` when they are UTF-8, else `base64` (standard alphabet,
/// padded), with a readable `preview` of the decoded text.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Content {
    /// The bytes, when they are UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The bytes in base64, when they are not UTF-8 (or the file is UTF-16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// For people only: the decoded text of base64 content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
}

impl Content {
    pub(super) fn of(bytes: &[u8], readable: bool, preview: impl FnOnce() -> String) -> Content {
        match std::str::from_utf8(bytes) {
            Ok(s) if readable => Content {
                text: Some(s.to_string()),
                ..Content::default()
            },
            _ => Content {
                text: None,
                base64: Some(base64_encode(bytes)),
                preview: Some(preview()),
            },
        }
    }

    pub(super) fn bytes(&self) -> std::result::Result<Vec<u8>, String> {
        match (&self.text, &self.base64) {
            (Some(t), _) => Ok(t.as_bytes().to_vec()),
            (None, Some(b)) => base64_decode(b),
            (None, None) => Err("a removed span has neither text nor base64".into()),
        }
    }
}

/// A finding behind a removal.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FindingRef {
    /// `repeat`, `overlap`, `duplicate` or a boilerplate reason code.
    pub reason: String,
    /// Lines of the finding itself.
    pub lines: [usize; 2],
    /// Bytes of the finding itself (without the separator removed with it).
    pub bytes: [usize; 2],
    /// For a repeat, the paragraph it repeats, which stays; for an overlap, the passage in the
    /// other document, which stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<Place>,
}

/// A place in a named document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Place {
    /// The document.
    pub path: String,
    /// Lines `[first, last]`.
    pub lines: [usize; 2],
    /// Bytes `[start, end)`.
    pub bytes: [usize; 2],
}

/// A changed or dropped JSONL record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecordEntry {
    /// Line in the original file, 1-based.
    pub line: usize,
    /// The document's name, `path#id`.
    pub name: String,
    /// Set when the record was dropped as a near-duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<Dropped>,
    /// The whole line of a dropped record, terminator included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<Content>,
    /// Spans removed from the text field (offsets into the decoded text, as UTF-8).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedSpan>,
    /// The text field's original JSON string as written, when re-encoding the restored text
    /// would not give it back (other escapes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// `rel` as the manifest records it: `/`-separated, plus its bytes in base64 when they are not
/// UTF-8. A Unix name is bytes, so any name is recorded there; elsewhere a name that is not
/// Unicode is not (`None`).
pub(super) fn manifest_path(rel: &Path) -> Option<(String, Option<String>)> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let parts: Vec<&[u8]> = rel.components().map(|c| c.as_os_str().as_bytes()).collect();
        let bytes = parts.join(&b'/');
        match String::from_utf8(bytes) {
            Ok(s) => Some((s, None)),
            Err(e) => Some((
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Some(base64_encode(e.as_bytes())),
            )),
        }
    }
    #[cfg(not(unix))]
    {
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        Some((parts?.join("/"), None))
    }
}

/// The relative path a manifest entry names (see [`manifest_path`]).
pub(super) fn entry_path(entry: &FileEntry) -> std::result::Result<PathBuf, String> {
    let Some(b64) = &entry.path_base64 else {
        return Ok(PathBuf::from(&entry.path));
    };
    let bytes = base64_decode(b64)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(&bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes).map(PathBuf::from).map_err(|_| {
            format!(
                "{:?} is not a Unicode name, which this system cannot create",
                entry.path
            )
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Base64 (standard alphabet, padded).

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(s: &str) -> std::result::Result<Vec<u8>, String> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = B64
            .iter()
            .position(|&x| x == c)
            .ok_or_else(|| format!("invalid base64 character {:?}", c as char))?;
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}
