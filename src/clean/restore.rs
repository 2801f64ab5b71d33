//! Restoring the originals from the cleaned copies and the manifest.

use super::jsonl::find_field;
use super::manifest::{
    entry_path, Digest, Manifest, RecordEntry, RemovedSpan, COPY, MANIFEST_NAME, MANIFEST_VERSION,
};
use super::output::{
    check_outside, copy_hashing, create_parent_under, encode_content, io_err, read_content,
    write_atomically, write_atomically_with,
};
use crate::error::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// What [`restore`] did.
#[derive(Debug)]
pub struct Restored {
    /// Files of the manifest that hold their original in the output: written, or found there
    /// already.
    pub files: usize,
    /// The manifest read.
    pub manifest_path: PathBuf,
}

/// Reads a manifest written by [`clean`].
///
/// # Errors
///
/// [`Error::Io`] when it cannot be read, is not a manifest, or has another version.
///
/// [`clean`]: super::clean
/// [`Error::Io`]: crate::error::Error::Io
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let bytes = fs::read(path).map_err(|e| io_err(path, e))?;
    let invalid = |m: String| {
        io_err(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, m),
        )
    };
    let m: Manifest = serde_json::from_slice(&bytes)
        .map_err(|e| invalid(format!("not a dedupe manifest: {e}")))?;
    if m.version != MANIFEST_VERSION {
        return Err(invalid(format!(
            "manifest version {} is not supported (this dedupe reads version {MANIFEST_VERSION})",
            m.version
        )));
    }
    Ok(m)
}

/// Puts removed spans back into `cleaned`: each span's bytes go back at its original offset.
fn reinsert(cleaned: &[u8], spans: &[RemovedSpan]) -> std::result::Result<Vec<u8>, String> {
    let mut spans: Vec<&RemovedSpan> = spans.iter().collect();
    spans.sort_by_key(|s| s.bytes);
    let mut out = Vec::with_capacity(cleaned.len());
    let mut at = 0;
    for s in spans {
        let take = s.bytes[0]
            .checked_sub(out.len())
            .ok_or("removed spans overlap")?;
        let kept = cleaned
            .get(at..at + take)
            .ok_or("the cleaned file is shorter than the manifest says")?;
        out.extend_from_slice(kept);
        at += take;
        let bytes = s.content.bytes()?;
        if bytes.len() != s.bytes[1].saturating_sub(s.bytes[0]) {
            return Err(format!(
                "removed span {:?} holds {} bytes",
                s.bytes,
                bytes.len()
            ));
        }
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(&cleaned[at..]);
    Ok(out)
}

/// Rebuilds a JSONL file: dropped lines go back in place, changed text fields get their spans
/// back.
fn rebuild_jsonl(
    cleaned: &[u8],
    records: &[RecordEntry],
    text_field: &str,
) -> std::result::Result<Vec<u8>, String> {
    let by_line: HashMap<usize, &RecordEntry> = records.iter().map(|r| (r.line, r)).collect();
    let last = records.iter().map(|r| r.line).max().unwrap_or(0);
    let mut out = Vec::with_capacity(cleaned.len());
    let mut rest = cleaned;
    let mut n = 0usize;
    loop {
        n += 1;
        let record = by_line.get(&n);
        if let Some(r) = record.filter(|r| r.dropped.is_some()) {
            let raw = r.raw.as_ref().ok_or("a dropped record has no raw line")?;
            out.extend_from_slice(&raw.bytes()?);
            continue;
        }
        if rest.is_empty() {
            if n <= last {
                return Err(format!(
                    "the cleaned file ends before line {n} of the original"
                ));
            }
            break;
        }
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(end);
        rest = tail;
        match record {
            Some(r) => {
                let tok = find_field(line, text_field)
                    .ok_or_else(|| format!("line {n}: no {text_field:?} field"))?;
                let text: String = serde_json::from_slice(&line[tok.clone()])
                    .map_err(|e| format!("line {n}: {e}"))?;
                let restored = reinsert(text.as_bytes(), &r.removed)?;
                let token = match &r.token {
                    Some(t) => t.clone().into_bytes(),
                    None => {
                        let s = String::from_utf8(restored)
                            .map_err(|_| format!("line {n}: restored text is not UTF-8"))?;
                        serde_json::to_string(&s)
                            .expect("a string always serialises")
                            .into_bytes()
                    }
                };
                out.extend_from_slice(&line[..tok.start]);
                out.extend_from_slice(&token);
                out.extend_from_slice(&line[tok.end..]);
            }
            None => out.extend_from_slice(line),
        }
    }
    Ok(out)
}

/// Whether `target` holds the original already (decompressed, for `gz`), so that restoring
/// need not write it; `false` when it does not exist.
///
/// # Errors
///
/// When it exists and holds something else: restoring never overwrites a file that is not the
/// original (an original edited since cleaning, say).
fn holds_original(target: &Path, original: &Digest, gz: bool) -> Result<bool> {
    let found = if gz {
        read_content(target, true).map(|bytes| Digest::of(&bytes))
    } else {
        fs::File::open(target).and_then(|mut f| {
            copy_hashing(target, &mut f, target, &mut std::io::sink())
                .map_err(|e| std::io::Error::other(e.to_string()))
        })
    };
    match found {
        Ok(digest) if digest == *original => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        _ => Err(io_err(
            target,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "exists and is not the original; not overwritten (move it away, or restore into \
                 another directory)",
            ),
        )),
    }
}

/// Copies back a file [`clean`] copied unchanged, streaming (it may be large), and refuses it
/// (writing nothing) when it no longer matches the original's digest.
///
/// [`clean`]: super::clean
fn restore_copy(source: &Path, out: &Path, target: &Path, original: &Digest) -> Result<()> {
    let mut src = fs::File::open(source).map_err(|e| io_err(source, e))?;
    create_parent_under(out, target)?;
    write_atomically_with(target, |f| {
        if copy_hashing(source, &mut src, target, f)? == *original {
            return Ok(());
        }
        Err(io_err(
            source,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "changed since it was cleaned; cannot restore it",
            ),
        ))
    })
}

/// Rebuilds the originals from the cleaned copies in `cleaned` and the manifest (by default
/// `cleaned/.dedupe-manifest.json`), writing them under `out` at the same relative paths. Every
/// cleaned file is checked against the manifest before, and every rebuilt file after.
///
/// # Errors
///
/// [`Error::Io`] when the manifest cannot be read, `out` is inside `cleaned` (or holds it), a
/// cleaned file is missing or was changed after cleaning, or a file cannot be written.
///
/// [`Error::Io`]: crate::error::Error::Io
pub fn restore(cleaned: &Path, manifest: Option<&Path>, out: &Path) -> Result<Restored> {
    let manifest_path = manifest.map_or_else(|| cleaned.join(MANIFEST_NAME), Path::to_path_buf);
    if manifest.is_none() && cleaned.is_dir() && !manifest_path.exists() {
        return Err(io_err(
            cleaned,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "holds no {MANIFEST_NAME}: not a directory written by `dedupe clean` (or \
                     name its manifest with --manifest)"
                ),
            ),
        ));
    }
    let m = read_manifest(&manifest_path)?;
    let canon = fs::canonicalize(cleaned).map_err(|e| io_err(cleaned, e))?;
    check_outside(out, "--out", &[(cleaned.to_path_buf(), canon)])?;
    fs::create_dir_all(out).map_err(|e| io_err(out, e))?;
    let results: Vec<Result<()>> = m
        .files
        .par_iter()
        .map(|entry| {
            let invalid = |p: &Path, msg: String| {
                io_err(p, std::io::Error::new(std::io::ErrorKind::InvalidData, msg))
            };
            let rel = entry_path(entry).map_err(|msg| invalid(&manifest_path, msg))?;
            if rel.as_os_str().is_empty()
                || !rel.components().all(|c| matches!(c, Component::Normal(_)))
            {
                return Err(invalid(
                    &manifest_path,
                    format!("{:?} is not a relative path", entry.path),
                ));
            }
            let gz = entry.format == "jsonl.gz";
            let source = cleaned.join(&rel);
            let target = out.join(&rel);
            if holds_original(&target, &entry.original, gz)? {
                return Ok(());
            }
            if entry.format == COPY {
                return restore_copy(&source, out, &target, &entry.original);
            }
            let cleaned_bytes = match &entry.cleaned {
                Some(digest) => {
                    let bytes = read_content(&source, gz).map_err(|e| io_err(&source, e))?;
                    if Digest::of(&bytes) != *digest {
                        return Err(invalid(
                            &source,
                            "changed since it was cleaned; cannot restore it".into(),
                        ));
                    }
                    bytes
                }
                None => Vec::new(),
            };
            let original = match entry.format.as_str() {
                "text" => reinsert(&cleaned_bytes, &entry.removed),
                "jsonl" | "jsonl.gz" => {
                    rebuild_jsonl(&cleaned_bytes, &entry.records, &m.text_field)
                }
                other => Err(format!("unknown format {other:?}")),
            }
            .map_err(|msg| invalid(&source, msg))?;
            if Digest::of(&original) != entry.original {
                return Err(invalid(
                    &source,
                    "the rebuilt file does not match the original's digest".into(),
                ));
            }
            let bytes = encode_content(&original, gz).map_err(|e| io_err(&target, e))?;
            create_parent_under(out, &target)?;
            write_atomically(&target, &bytes)
        })
        .collect();
    for r in results {
        r?;
    }
    Ok(Restored {
        files: m.files.len(),
        manifest_path,
    })
}
