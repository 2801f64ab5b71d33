//! Decoding: a text file's bytes become its document (UTF-8 or UTF-16), or a reason to skip it.

use super::gzip::is_gz;
use super::{
    diag, Diagnostic, Document, OffsetMap, Origin, ReadOptions, Run, Severity, MAX_DOCUMENT_BYTES,
};
use std::fs;
use std::io::Read;
use std::path::Path;

/// How much of a file decides whether it is binary: a NUL byte in it means binary.
pub const BINARY_PROBE_BYTES: usize = 8 << 10;

/// Reads and decodes one text file: the document, with a warning when decoding was lossy, or the
/// reason it was skipped.
pub(super) fn read_text_file(
    path: &Path,
    opts: &ReadOptions,
) -> (Option<Document>, Option<Diagnostic>) {
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

pub(super) const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

pub(super) fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

pub(super) fn has_utf32_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF])
}

/// Why the head of the file `path` says it is a compressed stream, which is text nobody can
/// read as it is (a corpus as `.jsonl.zst`): an error, where other binary files are skipped
/// with a warning, and so is a compressed tar archive. `jsonl` when the file is read as JSONL
/// (which gzip may be, named `.gz`).
pub(super) fn compressed(path: &Path, head: &[u8], jsonl: bool) -> Option<Diagnostic> {
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
            .is_none_or(|r| (r.utf8_width, r.raw_width) != (w8, wr))
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

#[cfg(test)]
mod tests {
    use super::*;

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
                per_byte.extend(std::iter::repeat_n(raw, c.len_utf8()));
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
}
