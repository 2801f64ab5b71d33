//! Gzip: a `.gz` JSONL file read as `gzip -d` reads it, and lines of it found again.

use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

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
    pub(super) padding: u64,
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
pub(super) struct GzLines {
    reader: BufReader<GzStream>,
    pos: u64,
}

impl GzLines {
    pub(super) fn open(path: &Path) -> io::Result<GzLines> {
        Ok(GzLines {
            reader: BufReader::new(GzStream::new(fs::File::open(path)?)),
            pos: 0,
        })
    }

    /// The line starting at byte `at` of the stream, or `None` when it cannot be read or is
    /// longer than `max` bytes (then no more than `max` bytes of it are held).
    pub(super) fn line_at(&mut self, at: u64, max: u64) -> Option<Vec<u8>> {
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
