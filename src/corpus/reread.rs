//! Reading again: the texts of documents found by their places, the rest of the inputs unread.

use super::decode::read_text_file;
use super::gzip::{is_gz, GzLines};
use super::jsonl::parse_record;
use super::{Document, Input, Origin, ReadOptions};
use rayon::prelude::*;
use std::fs;
use std::io;
use std::path::Path;

/// Where a document that [`stream`] handed over can be found again: its input (an index into the
/// inputs streamed), the bytes it was read from ([`Document::at`]) and, for a JSONL record, its
/// line.
///
/// [`stream`]: super::stream
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
///
/// [`stream`]: super::stream
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
