//! Small shared vocabulary: document ids, byte spans and locations.

use serde::Serialize;

/// Index of a document in a corpus, in sorted-name order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId(pub u32);

impl DocId {
    /// The id as an index into the corpus' document list.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A half-open byte range `start..end` into a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// Creates a span; `start <= end` is the caller's promise.
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span {start}..{end} is reversed");
        Span { start, end }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True for an empty span.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The range, for slicing.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// Where a finding sits in a file: 1-based inclusive lines and a 0-based half-open byte range into
/// the file as read (before any decoding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Loc {
    /// `[first, last]`, 1-based, inclusive.
    pub lines: [usize; 2],
    /// `[start, end]`, 0-based, half-open, in bytes of the file as read.
    pub bytes: [usize; 2],
}

/// Whether `c` is shown escaped in messages and reports: a control character (a newline, an
/// escape sequence) or a bidirectional override or isolate, which reorders the rest of a
/// terminal line (U+202A–U+202E, U+2066–U+2069).
pub fn unprintable(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
