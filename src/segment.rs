//! Segmentation: a document's text becomes lines, paragraphs and words, each with its byte span.
//!
//! Words are UAX #29 word segments that contain at least one alphanumeric character
//! (`unicode-segmentation`'s definition of a word). ASCII text takes a fast path that applies the
//! same rules; property tests hold the two to each other. Every word is hashed once,
//! after normalisation (case folding, one apostrophe, one dash, canonical composition: NFC), and
//! later stages only see hashes; a word's span stays that of its bytes as written.

use crate::hash::{hash_bytes, hash_bytes_with};
use crate::types::Span;
use std::ops::Range;
use std::sync::OnceLock;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_segmentation::UnicodeSegmentation;

/// One word: where it is and the hash of its normalised form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    /// Start byte in the document text.
    pub start: u32,
    /// End byte (exclusive).
    pub end: u32,
    /// Hash of the normalised word.
    pub hash: u64,
}

impl Word {
    /// The word's byte span.
    pub fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }
}

/// A sentence of a paragraph (UAX #29 sentence boundaries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Bytes of the sentence, trailing white space excluded.
    pub span: Span,
    /// Range of word indices it holds.
    pub words: std::ops::Range<usize>,
}

/// A paragraph: a block between blank lines, or part of one: one of its long lines, or the lines
/// from an indented paragraph opening or list item to the next (see `split_block`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// Bytes from the first character of its first line to the end of its last line (no line
    /// terminator).
    pub span: Span,
    /// Index of its first line (0-based).
    pub first_line: usize,
    /// Index of its last line (0-based, inclusive).
    pub last_line: usize,
    /// Range of word indices it holds.
    pub words: std::ops::Range<usize>,
}

impl Paragraph {
    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.words.len()
    }
}

/// Line starts of a text, for turning byte offsets into 1-based line numbers. `\n`, `\r\n` and a
/// lone `\r` all end a line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// Line `i` spans `starts[i]..ends[i]` (terminator excluded).
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl LineIndex {
    /// Builds the index of `text`.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut ends = Vec::new();
        let mut i = 0;
        while let Some(at) = find_either(&bytes[i..], b'\n', b'\r') {
            let end = i + at;
            ends.push(end);
            i = end + 1;
            if bytes[end] == b'\r' && bytes.get(i) == Some(&b'\n') {
                i += 1;
            }
            starts.push(i);
        }
        ends.push(bytes.len());
        LineIndex { starts, ends }
    }

    /// Number of lines (a text ending in a terminator has an empty last line).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True when there are no lines (never: even "" has one empty line).
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Span of line `i` (0-based), terminator excluded.
    pub fn line(&self, i: usize) -> Span {
        Span::new(self.starts[i], self.ends[i])
    }

    /// 0-based index of the line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The blocks of `text` (the text indexed) between blank lines, as ranges of line indices:
    /// paragraphs before any splitting.
    pub fn blocks(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        let blank = |i: usize| text[self.line(i).range()].trim().is_empty();
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.len() {
            if blank(i) {
                i += 1;
                continue;
            }
            let first = i;
            while i < self.len() && !blank(i) {
                i += 1;
            }
            out.push(first..i);
        }
        out
    }

    /// 1-based inclusive line range covering a non-empty span.
    pub fn line_range(&self, span: Span) -> [usize; 2] {
        let first = self.line_of(span.start);
        let last = self.line_of(span.end.saturating_sub(1).max(span.start));
        [first + 1, last + 1]
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of the lowest zero byte of `x` (higher bytes may be flagged wrongly, which does
/// not matter for the first one).
fn zeros(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & (ONES * 0x80)
}

/// Position of the first byte of `bytes` that is `a` or `b`, eight bytes at a time.
pub(crate) fn find_either(bytes: &[u8], a: u8, b: u8) -> Option<usize> {
    first_flagged(
        bytes,
        |v| zeros(v ^ (ONES * u64::from(a))) | zeros(v ^ (ONES * u64::from(b))),
        |c| c == a || c == b,
    )
}

/// Position of the first byte of `bytes` that is `a`, eight bytes at a time.
pub(crate) fn find_byte(bytes: &[u8], a: u8) -> Option<usize> {
    first_flagged(bytes, |v| zeros(v ^ (ONES * u64::from(a))), |c| c == a)
}

/// Position of the first byte of `bytes` that `is` holds for, eight bytes at a time: `flags`
/// of eight bytes (little-endian) sets the high bit of the first such byte, if any, and of no
/// byte before it.
fn first_flagged(
    bytes: &[u8],
    flags: impl Fn(u64) -> u64,
    is: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut eights = bytes.chunks_exact(8);
    for (i, eight) in (&mut eights).enumerate() {
        let found = flags(u64::from_le_bytes(eight.try_into().expect("8 bytes")));
        if found != 0 {
            return Some(i * 8 + found.trailing_zeros() as usize / 8);
        }
    }
    let done = bytes.len() - eights.remainder().len();
    eights
        .remainder()
        .iter()
        .position(|&c| is(c))
        .map(|i| done + i)
}

/// A document cut into lines, paragraphs and words.
#[derive(Clone, Debug, Default)]
pub struct Segmented {
    /// Every word, in order.
    pub words: Vec<Word>,
    /// Every paragraph, in order; together they hold every word.
    pub paragraphs: Vec<Paragraph>,
    /// Line index of the text.
    pub lines: LineIndex,
}

impl Segmented {
    /// Segments `text`.
    pub fn new(text: &str) -> Segmented {
        let lines = LineIndex::new(text);
        let mut words = Vec::with_capacity(text.len() / 5);
        for_each_word(text, |start, end, hash| {
            words.push(Word {
                start: start as u32,
                end: end as u32,
                hash,
            })
        });
        let paragraphs = paragraphs(text, &lines, &words);
        Segmented {
            words,
            paragraphs,
            lines,
        }
    }

    /// The word hashes, in order.
    pub fn hashes(&self) -> Vec<u64> {
        self.words.iter().map(|w| w.hash).collect()
    }

    /// A hash of every word hash in order, as the streaming mode's fingerprint: two texts with
    /// the same words have the same one, and two with the same one the same words, barring a
    /// 64-bit collision.
    pub fn fingerprint(&self) -> u64 {
        crate::hash::combine_all(self.words.iter().map(|w| w.hash))
    }

    /// The sentences of paragraph `p` of `text` (the text this was built from), by UAX #29
    /// sentence boundaries, line breaks inside the paragraph read as spaces. Computed on demand: no stage needs them for every paragraph, and
    /// sentence segmentation costs as much as the rest of segmentation.
    pub fn sentences(&self, text: &str, p: &Paragraph) -> Vec<Sentence> {
        // UAX #29 ends a sentence at every line break; a hard-wrapped paragraph's breaks are
        // spaces. Both are one byte, so offsets stay put.
        let flat = text[p.span.range()].replace(['\n', '\r'], " ");
        flat.split_sentence_bound_indices()
            .filter_map(|(offset, s)| {
                let trimmed = s.trim_end();
                let lead = trimmed.len() - trimmed.trim_start().len();
                if trimmed.trim_start().is_empty() {
                    return None;
                }
                let start = p.span.start + offset + lead;
                let end = p.span.start + offset + trimmed.len();
                Some(Sentence {
                    span: Span::new(start, end),
                    words: self.word_at(start)..self.word_at(end),
                })
            })
            .collect()
    }

    /// Index of the first word starting at or after byte `offset`.
    pub fn word_at(&self, offset: usize) -> usize {
        self.words.partition_point(|w| (w.start as usize) < offset)
    }

    /// Byte span from the start of word `first` to the end of word `last - 1`.
    ///
    /// # Panics
    ///
    /// Unless `first < last <= ` the number of words.
    pub fn words_span(&self, first: usize, last: usize) -> Span {
        debug_assert!(first < last && last <= self.words.len());
        Span::new(
            self.words[first].start as usize,
            self.words[last - 1].end as usize,
        )
    }
}

/// `span` (of `text`, from a word's start to a word's end) with the punctuation that clings to
/// it: opening quotes and brackets right before it, and the full stop, closing quotes and
/// brackets right after it, so that a passage ends with its sentence ("… not yet known.\"").
pub fn with_clinging_punctuation(text: &str, span: Span) -> Span {
    const OPENING: &[char] = &[
        '"', '\'', '\u{201C}', '\u{2018}', '(', '[', '\u{AB}', '\u{BF}', '\u{A1}',
    ];
    const CLOSING: &[char] = &[
        '.', '!', '?', '\u{2026}', '"', '\'', '\u{201D}', '\u{2019}', ')', ']', '\u{BB}',
    ];
    let before = &text[..span.start];
    let start = before.len() - before.trim_end_matches(OPENING).len();
    let after = &text[span.end..];
    let end = after.len() - after.trim_start_matches(CLOSING).len();
    Span::new(span.start - start, span.end + end)
}

/// The hash of every word of `text`, written into `room` (a buffer reused from text to text; it
/// only grows): the streaming path for signatures. Words are written by index into room for the
/// most words `text` can hold: a push per word kept the vector's length in memory, a chain of
/// stores and loads through every word (word hashing took 12% longer).
pub fn word_hashes<'a>(text: &str, room: &'a mut Vec<u64>) -> &'a [u64] {
    let most = text.len().div_ceil(2);
    if room.len() < most {
        room.resize(most, 0);
    }
    let mut n = 0;
    for_each_word(text, |_, _, h| {
        room[n] = h;
        n += 1;
    });
    &room[..n]
}

/// Calls `f(start, end, hash)` for every word of `text`, in order.
///
/// ASCII text takes the fast path; only the stretches around non-ASCII characters go through
/// UAX #29. A curly quote or a dash in a line used to send the
/// whole line there, and a JSONL document is one line: on web text where a fifth of the
/// documents hold such a character, that doubled the time of the doc-level mode.
pub fn for_each_word(text: &str, mut f: impl FnMut(usize, usize, u64)) {
    let bytes = text.as_bytes();
    if bytes.is_ascii() {
        // The standard library's test, faster than looking for the first non-ASCII byte.
        return ascii_words_in::<false>(bytes, 0..bytes.len(), &mut f);
    }
    let mut scratch = WordScratch::default();
    let mut done = 0;
    while let Some(stretch) = next_unicode_stretch(bytes, done) {
        ascii_words_in::<true>(bytes, done..stretch.start, &mut f);
        for (s, w) in text[stretch.clone()].unicode_word_indices() {
            let s = stretch.start + s;
            // Many words of a stretch are ASCII ("Hello" in “Hello, but not "don’t"): they hash
            // as on the fast path, without a lower-cased copy.
            let hash = if w.is_ascii() {
                hash_ascii_word(w.as_bytes())
            } else {
                hash_word(w, &mut scratch)
            };
            f(s, s + w.len(), hash);
        }
        done = stretch.end;
    }
    ascii_words_in::<true>(bytes, done..bytes.len(), &mut f);
}

/// Calls `f(start, end, hash)` for every word of `bytes[range]`, with offsets in `bytes`. The
/// range is ASCII, but for [`PLAIN_SEPARATORS`] when `SEPARATORS`.
fn ascii_words_in<const SEPARATORS: bool>(
    bytes: &[u8],
    range: Range<usize>,
    f: &mut impl FnMut(usize, usize, u64),
) {
    let from = range.start;
    ascii_words::<SEPARATORS>(&bytes[range], |s, e| {
        f(from + s, from + e, hash_ascii_in(bytes, from + s, from + e))
    });
}

/// The next stretch of `bytes`, from `from` on, that holds non-ASCII characters other than
/// [`PLAIN_SEPARATORS`], with the text around them out to the nearest cut on each side; `None`
/// if there is none.
///
/// A cut is a place after an ASCII space, tab or line terminator and before an ASCII character
/// other than white space. UAX #29 breaks words there (WB3a, WB999: only WB3d joins a space to
/// a following ASCII character, which is then another space; no ASCII character is Extend,
/// Format or ZWJ, which WB4 would attach), and none of its rules looks across one: those that
/// look past the neighbouring characters (WB6/7, WB7b/c, WB11/12, WB15/16) need a letter, a
/// digit, a quote or a regional indicator where the cut has a space, a tab or a line
/// terminator. So the words of a stretch segmented alone are those of the whole text; a
/// property test holds them to it.
fn next_unicode_stretch(bytes: &[u8], from: usize) -> Option<Range<usize>> {
    let mut first = from;
    loop {
        first += first_flagged(&bytes[first..], |v| v & (ONES * 0x80), |c| !c.is_ascii())?;
        match plain_separator_at(bytes, first) {
            Some(len) => first += len,
            None => break,
        }
    }
    let cut = |i: usize| {
        matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r')
            && bytes[i].is_ascii()
            && !bytes[i].is_ascii_whitespace()
    };
    let start = (from + 1..first).rev().find(|&i| cut(i)).unwrap_or(from);
    let end = (first + 1..bytes.len())
        .find(|&i| cut(i))
        .unwrap_or(bytes.len());
    Some(start..end)
}

/// Characters that UAX #29 breaks words around and never makes part of one (Word_Break Other,
/// not alphanumeric): typographic quotes and dashes, the ellipsis, guillemets, the no-break
/// space. [`next_unicode_stretch`] passes over them, and the ASCII scanner reads their bytes as
/// it reads a space. (A mark right after one would join it, WB4; but the mark starts a stretch,
/// which reaches back over the separator to the last cut before it.)
const PLAIN_SEPARATORS: [char; 8] = [
    '\u{A0}', '\u{AB}', '\u{BB}', '\u{2013}', '\u{2014}', '\u{201C}', '\u{201D}', '\u{2026}',
];

/// The length of the plain separator starting at byte `at` of `bytes` (which starts a UTF-8
/// character), if one does.
fn plain_separator_at(bytes: &[u8], at: usize) -> Option<usize> {
    let len = match bytes[at] {
        0xC2 => 2,
        0xE2 => 3,
        _ => return None,
    };
    let c = std::str::from_utf8(bytes.get(at..at + len)?)
        .ok()?
        .chars()
        .next()?;
    PLAIN_SEPARATORS.contains(&c).then_some(len)
}

/// Byte classes for the ASCII word scanner: 0 no word character, then these.
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const JOINER: u8 = 3;

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => LETTER,
            b'0'..=b'9' => DIGIT,
            b'_' => JOINER,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// UAX #29 word boundaries restricted to ASCII, keeping words with an alphanumeric character.
///
/// Rules applied: letters and digits join (WB5, WB8-10); `_` joins anything (WB13a/b); `:` joins
/// letters (WB6/7, MidLetter); `.` and `'` join letters or digits (MidNumLet, Single_Quote);
/// `,` and `;` join digits (WB11/12, MidNum).
///
/// Scans 64 bytes at a time: bit masks mark the word characters and the punctuation that may
/// join two of them; the rule is checked only where such punctuation sits between two word
/// characters (a few times a line), and only the edges of the joined runs are visited, so the
/// cost per byte is a few bit operations and no branch.
fn ascii_words<const SEPARATORS: bool>(line: &[u8], mut f: impl FnMut(usize, usize)) {
    let n = line.len();
    let class = |i: usize| CLASS[line[i] as usize];
    // Whether the character at `p`, between two word characters, joins them into one word.
    let joins = |p: usize| {
        let (last, next) = (class(p - 1), class(p + 1));
        match line[p] {
            b':' => last == LETTER && next == LETTER,
            b'.' | b'\'' => last == next && last != JOINER,
            b',' | b';' => last == DIGIT && next == DIGIT,
            _ => false,
        }
    };
    let (mut start, mut inside) = (0, false);
    // 1 when the byte before the block is a word character; 1 when it is part of a word (a
    // word character or a joining one).
    let (mut carry_char, mut carry_word) = (0u64, 0u64);
    // One block more than whole blocks: the last, partial or empty, ends a run that reaches the
    // end of the line with an edge at `n`, so that words are handed over in one place.
    for base in (0..=n / 64).map(|b| b * 64) {
        let chunk = &line[base..n.min(base + 64)];
        let (mut chars, mut marks) = (0u64, 0u64);
        let mut eights = chunk.chunks_exact(8);
        for (i, eight) in (&mut eights).enumerate() {
            let v = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
            let (word, punct) = word_bytes8::<SEPARATORS>(v);
            chars |= word << (8 * i);
            marks |= punct << (8 * i);
        }
        let done = chunk.len() - eights.remainder().len();
        for (i, &c) in eights.remainder().iter().enumerate() {
            chars |= u64::from(CLASS[c as usize] != 0) << (done + i);
            marks |= u64::from(is_mark(c)) << (done + i);
        }
        // Punctuation between two word characters (the one after the block looked up).
        let after = u64::from(base + 64 < n && class(base + 64) != 0);
        let mut between =
            marks & !chars & ((chars << 1) | carry_char) & ((chars >> 1) | (after << 63));
        let mut words = chars;
        while between != 0 {
            let p = between.trailing_zeros();
            between &= between - 1;
            if joins(base + p as usize) {
                words |= 1 << p;
            }
        }
        // Bit i: byte i starts or ends a word. A word reaching the end of a short last block
        // ends at bit `chunk.len()`, that is at `n`.
        let mut edges = words ^ ((words << 1) | carry_word);
        carry_char = chars >> 63;
        carry_word = words >> 63;
        while edges != 0 {
            let p = base + edges.trailing_zeros() as usize;
            edges &= edges - 1;
            if !inside {
                start = p;
            } else if class(start) != JOINER || line[start..p].iter().any(u8::is_ascii_alphanumeric)
            {
                // (A run of `_` alone is not a word.)
                f(start, p);
            }
            inside = !inside;
        }
    }
}

/// Whether an ASCII byte is one of the punctuation marks that may join word characters, or
/// near them in the table (the test [`word_bytes8`] makes on eight bytes at once).
fn is_mark(c: u8) -> bool {
    (b'\''..=b';').contains(&c)
}

/// Bits `i` set when byte `i` of eight ASCII bytes is a word character (a letter, a digit or
/// `_`), and when it [`is_mark`]: range tests on all eight bytes at once, then one bit gathered
/// from each. With `SEPARATORS`, bytes of [`PLAIN_SEPARATORS`] may be among the eight.
#[inline]
fn word_bytes8<const SEPARATORS: bool>(v: u64) -> (u64, u64) {
    const HIGH: u64 = ONES * 0x80;
    // Non-ASCII bytes count as zero bytes: neither word characters nor marks (1% more
    // instructions, so only where they may be).
    let v = if SEPARATORS {
        v & !(((v & HIGH) >> 7) * 0xFF)
    } else {
        v
    };
    // Bytes are now below 0x80, so these additions never carry into the next byte; the high
    // bit of each byte then tells whether it is at least `lo`, or above `hi`.
    let within = |x: u64, lo: u8, hi: u8| {
        let at_least = x.wrapping_add(ONES * u64::from(0x80 - lo));
        let above = x.wrapping_add(ONES * u64::from(0x7F - hi));
        at_least & !above & HIGH
    };
    let letter = within(v | (ONES * 0x20), b'a', b'z');
    let digit = within(v, b'0', b'9');
    let underscore = within(v, b'_', b'_');
    let mark = within(v, b'\'', b';');
    // Gathers the high bit of each byte into the top byte, byte i to bit i.
    let gather = |marks: u64| (marks >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    (gather(letter | digit | underscore), gather(mark))
}

/// Hashes an ASCII word as [`hash_bytes`] hashes its lower-cased bytes, lower-casing eight bytes
/// at a time.
#[inline]
fn hash_ascii_word(word: &[u8]) -> u64 {
    hash_bytes_with(word, lower8)
}

/// [`hash_ascii_word`] of `text[start..end]`, reading the word's bytes straight from `text` and
/// masking, instead of copying them into a buffer (the copy stalled store-to-load forwarding and
/// cost a third of the hashing time).
#[inline(always)]
fn hash_ascii_in(text: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    if len < 16 && start + 16 <= text.len() {
        // Nearly every word: two loads, masked to the word, and both steps of a word of 8 to 15
        // bytes computed whatever the length, the shorter word's result picked without a branch
        // (which of the two a word takes is unpredictable; a mispredicted branch cost more than
        // the spare multiply).
        let load = |at: usize| u64::from_le_bytes(text[at..at + 8].try_into().expect("8 bytes"));
        let keep = |n: usize| {
            if n >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            }
        };
        let first = lower8(load(start) & keep(len));
        let second = lower8(load(start + 8) & keep(len.saturating_sub(8)));
        let seed = crate::hash::seed_for_len(len);
        let long = crate::hash::mix_chunk(seed, first) ^ second;
        let last = if len >= 8 { long } else { seed ^ first };
        // `finish_tail(h, v)` is `mum(h ^ v, P2)`, and a word of exactly 8 bytes ends with
        // `mum(h, P2)`, that is a zero tail.
        return crate::hash::finish_tail(last, 0);
    }
    hash_ascii_word(&text[start..end])
}

/// ASCII lower-casing of eight bytes at once: a byte in `A..=Z` gains 0x20. Bytes are ASCII
/// (< 0x80), so the additions never carry into the next byte.
#[inline]
fn lower8(v: u64) -> u64 {
    let ge_a = v.wrapping_add(ONES * (0x80 - b'A' as u64));
    let gt_z = v.wrapping_add(ONES * (0x80 - b'Z' as u64 - 1));
    let upper = ge_a & !gt_z & (ONES * 0x80);
    v | (upper >> 2)
}

/// Buffers [`hash_word`] reuses from word to word, so that no word allocates.
#[derive(Default)]
struct WordScratch {
    /// The word case-folded, quotes and dashes unified.
    folded: String,
    /// Its canonical composition, when NFC may change it.
    composed: String,
}

/// Hashes a word after normalisation: case folding, curly and straight quotes unified, dashes
/// unified, then canonical composition (NFC), so that a word hashes the same whether its accents
/// are precomposed or combining marks (NFD text from macOS tools and PDF extraction).
fn hash_word(word: &str, scratch: &mut WordScratch) -> u64 {
    let folded = &mut scratch.folded;
    folded.clear();
    // Whether the folded word holds a character that NFC may change or move: only then is it
    // composed. Most words in NFC hold none, so they pay no more than one comparison per
    // non-ASCII character (accented Latin: all below U+0300) or a bit looked up (other scripts).
    let mut composable = false;
    for c in word.chars() {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
        } else if let Some(n) = normalize_char(c) {
            folded.push(n);
        } else {
            for l in c.to_lowercase() {
                composable |= nfc_may_change(l);
                folded.push(l);
            }
        }
    }
    if !composable || is_nfc_quick(folded.chars()) == IsNormalized::Yes {
        return hash_bytes(folded.as_bytes());
    }
    let composed = &mut scratch.composed;
    composed.clear();
    composed.extend(folded.chars().nfc());
    hash_bytes(composed.as_bytes())
}

/// Whether NFC may change a string holding `c` (false only when it certainly does not): `c` is
/// not its own composition in every context (NFC quick check not Yes), or it is a combining mark
/// that composes or is reordered (canonical combining class not 0). A string of characters
/// without either property is in NFC. No character below U+0300 has either; the rest of the
/// Basic Multilingual Plane is looked up in a bit table made from `unicode-normalization`'s own
/// tables on first use, since its quick check looks up two tables per character (Russian text
/// in NFC: 29% more instructions in the doc-level mode); the other planes are left to the quick
/// check.
#[inline]
fn nfc_may_change(c: char) -> bool {
    static BMP: OnceLock<Box<[u64; 1024]>> = OnceLock::new();
    if c < '\u{300}' {
        return false;
    }
    let c = c as usize;
    if c >= 0x10000 {
        return true;
    }
    let bits = BMP.get_or_init(|| {
        let mut bits = Box::new([0u64; 1024]);
        // CJK ideographs, Hangul syllables and private use have neither property (a test holds
        // the table to both over the whole plane): skipping them makes the table in 4 million
        // instructions instead of 11, about a millisecond, once per run.
        let plain = |c: u32| matches!(c, 0x3400..=0x9FFF | 0xAC00..=0xD7A3 | 0xE000..=0xF8FF);
        for c in (0x300..0x10000)
            .filter(|&c| !plain(c))
            .filter_map(char::from_u32)
        {
            if is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes
                || canonical_combining_class(c) != 0
            {
                bits[c as usize / 64] |= 1 << (c as usize % 64);
            }
        }
        bits
    });
    bits[c / 64] >> (c % 64) & 1 != 0
}

/// Maps quote and dash variants to their ASCII form, and the Greek final sigma to σ (case
/// folding: lower-cased character by character, "ΣΟΦΙΑΣ" ends in σ, "σοφιας" in ς).
pub fn normalize_char(c: char) -> Option<char> {
    match c {
        '\u{03C2}' => Some('\u{03C3}'),
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{FF07}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => Some('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => Some('-'),
        _ => None,
    }
}

/// Blocks between blank lines; a block of long lines gives one paragraph per line, a hard-wrapped
/// block stays one paragraph except where an indented line opens a new one: a list item, a
/// first-line indent, or a line after one that ends a sentence (see `split_block`).
fn paragraphs(text: &str, lines: &LineIndex, words: &[Word]) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let push = |first: usize, last: usize, out: &mut Vec<Paragraph>| {
        let start = lines.line(first).start;
        let end = lines.line(last).end;
        let w0 = words.partition_point(|w| (w.start as usize) < start);
        let w1 = words.partition_point(|w| (w.start as usize) < end);
        out.push(Paragraph {
            span: Span::new(start, end),
            first_line: first,
            last_line: last,
            words: w0..w1,
        });
    };
    for block in lines.blocks(text) {
        for (a, b) in split_block(text, lines, block.start, block.end - 1) {
            push(a, b, &mut out);
        }
    }
    out
}

/// Lines longer than this (in characters) are not hard-wrapped text.
const WRAP_WIDTH: usize = 100;

fn split_block(text: &str, lines: &LineIndex, first: usize, last: usize) -> Vec<(usize, usize)> {
    if first == last {
        return vec![(first, last)];
    }
    let line = |i: usize| &text[lines.line(i).range()];
    // Every line but the last (which may be a short tail) decides whether the block is wrapped.
    let long = (first..last).any(|i| line(i).chars().count() > WRAP_WIDTH);
    if long {
        return (first..=last).map(|i| (i, i)).collect();
    }
    // Each line's indentation in columns (a tab reaching the next multiple of 8) and list label,
    // found once: `opens` looks at each line and the one before.
    let indents: Vec<usize> = (first..=last).map(|i| indent_columns(line(i))).collect();
    let labels: Vec<Option<Label>> = (first..=last).map(|i| list_item(line(i))).collect();
    let indent = |i: usize| indents[i - first];
    // A letter or roman numeral labels an item only beside another so labelled: alone, "v."
    // and "J." and "p." open a case name, initials, a page reference.
    let lettered = labels.iter().filter(|&&l| l == Some(Label::Letter)).count();
    let item = |i: usize| match labels[i - first] {
        Some(Label::Letter) => lettered >= 2,
        label => label.is_some(),
    };
    // A block indented throughout (an RFC's body) is one paragraph but for its list items.
    let indented_body = indents.iter().all(|&column| column > 0);
    // An indented line opens a paragraph when it is a list item, or indented deeper than the
    // line before (a first-line indent) unless that line is a list item (whose wrapped text is
    // indented under its words). At the same depth it continues the line before (a definition
    // indented under its term, a hanging indent), unless a sentence ends there and another
    // begins (indented one-line paragraphs under a title). Each line of MPL-2.0's definitions
    // had been a paragraph of its own, and `clean` took some of them out of their sentences as
    // the page's head.
    let opens = |i: usize| {
        if indent(i) == 0 {
            false
        } else if item(i) {
            true
        } else if indented_body {
            false
        } else if indent(i) > indent(i - 1) {
            !item(i - 1)
        } else {
            ends_sentence(line(i - 1)) && opens_sentence(line(i))
        }
    };
    let mut out = Vec::new();
    let mut start = first;
    for i in first + 1..=last {
        if opens(i) {
            out.push((start, i - 1));
            start = i;
        }
    }
    out.push((start, last));
    out
}

/// A line's indentation in columns, a tab reaching the next multiple of 8.
fn indent_columns(line: &str) -> usize {
    let mut column = 0;
    for c in line.chars() {
        match c {
            ' ' => column += 1,
            '\t' => column = column / 8 * 8 + 8,
            _ => break,
        }
    }
    column
}

/// Whether a line ends a sentence: `.`, `!`, `?` or `:` last, but for closing quotes and brackets.
fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', ']'])
        .ends_with(['.', '!', '?', ':'])
}

/// Whether a line opens as a sentence does: a capital, a digit, a quote or a bracket (so that
/// "Acme Inc.", then "and its" on the next line, is one sentence).
fn opens_sentence(line: &str) -> bool {
    line.trim_start().chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[')
    })
}

/// Roman numerals that number list items.
const ROMAN: [&str; 20] = [
    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv",
    "xvi", "xvii", "xviii", "xix", "xx",
];

/// Whether a line opens a list item: a bullet (`-`, `*`, `+`, `•`), or a label of one to three
/// digits, one letter or a roman numeral, closed by `.` or `)` or in brackets (`2.`, `b)`,
/// `(iv)`); then white space. "Mr. Smith" and "No. 5" are not items.
fn list_item(line: &str) -> Option<Label> {
    let t = line.trim_start();
    let spaced = |rest: &str| rest.starts_with([' ', '\t']);
    if let Some(rest) = t.strip_prefix(['-', '*', '+', '•']) {
        return spaced(rest).then_some(Label::Bullet);
    }
    let (t, closes): (&str, &[char]) = match t.strip_prefix('(') {
        Some(inner) => (inner, &[')']),
        None => (t, &['.', ')']),
    };
    let end = t.find(closes)?;
    let label = &t[..end];
    if !spaced(&t[end + 1..]) {
        return None;
    }
    let number = (1..=3).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_digit());
    let letter = label.len() == 1 && label.bytes().all(|b| b.is_ascii_alphabetic());
    // One case throughout: "iv" or "IV", not "Iv".
    let one_case = label.bytes().all(|b| b.is_ascii_lowercase())
        || label.bytes().all(|b| b.is_ascii_uppercase());
    let roman = one_case && ROMAN.iter().any(|r| r.eq_ignore_ascii_case(label));
    if number {
        Some(Label::Number)
    } else {
        (letter || roman).then_some(Label::Letter)
    }
}

/// What labels a list item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    /// `-`, `*`, `+` or `•`.
    Bullet,
    /// One to three digits.
    Number,
    /// One letter or a roman numeral.
    Letter,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<&str> {
        Segmented::new(text)
            .words
            .iter()
            .map(|w| &text[w.span().range()])
            .collect()
    }

    #[test]
    fn words_follow_uax29() {
        assert_eq!(
            words("Harris's goal: 3.5 million, 1,000 e-mails_ok."),
            ["Harris's", "goal", "3.5", "million", "1,000", "e", "mails_ok"]
        );
        assert_eq!(
            words("Harris’s “root causes”"),
            ["Harris’s", "root", "causes"]
        );
    }

    #[test]
    fn a_span_takes_the_punctuation_that_clings_to_it() {
        let text =
            "He said: \u{201C}the cost is not yet known.\u{201D} Then (twice) he left, slowly.";
        let seg = Segmented::new(text);
        let of = |first: usize, last: usize| {
            let span = with_clinging_punctuation(text, seg.words_span(first, last));
            &text[span.range()]
        };
        assert_eq!(of(2, 8), "\u{201C}the cost is not yet known.\u{201D}");
        assert_eq!(of(9, 10), "(twice)");
        // A comma is no end, a space no cling.
        assert_eq!(of(8, 12), "Then (twice) he left");
        assert_eq!(of(12, 13), "slowly.");
    }

    #[test]
    fn normalisation_unifies_case_quotes_and_dashes() {
        let a = Segmented::new("Harris’s ROOT");
        let b = Segmented::new("harris's root");
        assert_eq!(a.hashes(), b.hashes());
        let mut s = WordScratch::default();
        assert_eq!(hash_word("a\u{2014}b", &mut s), hash_word("a-b", &mut s));
        // Upper-case Greek has no final sigma.
        let a = Segmented::new("ΣΟΦΙΑΣ ΚΑΙ ΛΟΓΟΣ");
        let b = Segmented::new("σοφιας και λογος");
        assert_eq!(a.hashes(), b.hashes());
        // The ASCII path hashes exactly as the general one.
        for w in [
            "A",
            "Harris's",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{",
            "mIxEd_Case123",
        ] {
            assert_eq!(hash_ascii_word(w.as_bytes()), hash_word(w, &mut s), "{w}");
            let padded = format!("{w} and more text after it");
            assert_eq!(
                hash_ascii_in(padded.as_bytes(), 0, w.len()),
                hash_ascii_word(w.as_bytes())
            );
        }
    }

    #[test]
    fn words_hash_the_same_precomposed_or_decomposed() {
        let mut s = WordScratch::default();
        for (nfc, nfd) in [
            // French été, Swedish Ångström (upper case), Vietnamese việt (two marks on one
            // letter), Greek ά, Cyrillic й, Korean 한글 (syllables and conjoining jamo).
            ("\u{E9}t\u{E9}", "e\u{301}te\u{301}"),
            ("\u{C5}ngstr\u{F6}m", "A\u{30A}ngstro\u{308}m"),
            ("Vi\u{1EC7}t", "Vie\u{323}\u{302}t"),
            ("\u{3AC}", "\u{3B1}\u{301}"),
            ("\u{439}", "\u{438}\u{306}"),
            (
                "\u{D55C}\u{AE00}",
                "\u{1112}\u{1161}\u{11AB}\u{1100}\u{1173}\u{11AF}",
            ),
        ] {
            assert_eq!(nfc, nfc.nfc().collect::<String>());
            assert_eq!(nfd, nfc.nfd().collect::<String>());
            assert_eq!(hash_word(nfc, &mut s), hash_word(nfd, &mut s), "{nfc}");
        }
        // Marks in another order than canonical, and a case-folded precomposed capital.
        assert_eq!(
            hash_word("vie\u{302}\u{323}t", &mut s),
            hash_word("vi\u{1EC7}t", &mut s)
        );
        assert_eq!(
            hash_word("\u{C9}T\u{C9}", &mut s),
            hash_word("e\u{301}te\u{301}", &mut s)
        );
        // A word already in NFC hashes its folded bytes, as it did before composition; so does
        // an ASCII word.
        assert_eq!(
            hash_word("\u{C9}t\u{E9}", &mut s),
            hash_bytes("\u{E9}t\u{E9}".as_bytes())
        );
        assert_eq!(hash_word("Word", &mut s), hash_bytes(b"word"));
    }

    #[test]
    fn every_character_hashes_as_its_canonical_decomposition() {
        let mut s = WordScratch::default();
        let mut checked = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let one = c.to_string();
            let nfd: String = one.nfd().collect();
            if nfd != one {
                assert_eq!(hash_word(&one, &mut s), hash_word(&nfd, &mut s), "{c:?}");
                checked += 1;
            }
        }
        assert!(checked > 13_000, "{checked}");
    }

    #[test]
    fn only_characters_nfc_may_change_are_flagged() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let changes = is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes
                || canonical_combining_class(c) != 0;
            if c < '\u{10000}' {
                assert_eq!(nfc_may_change(c), changes, "{c:?}");
            } else {
                assert!(nfc_may_change(c));
            }
        }
        // Below U+0300 there are none; a few above.
        assert!(!nfc_may_change('\u{2FF}') && !nfc_may_change('\u{439}'));
        assert!(nfc_may_change('\u{300}') && nfc_may_change('\u{1161}'));
    }

    #[test]
    fn decomposed_words_keep_their_own_bytes() {
        let nfd = "Le re\u{301}sume\u{301}, de\u{301}ja\u{300}";
        let nfc: String = nfd.nfc().collect();
        assert_eq!(
            words(nfd),
            ["Le", "re\u{301}sume\u{301}", "de\u{301}ja\u{300}"]
        );
        assert_eq!(Segmented::new(nfd).hashes(), Segmented::new(&nfc).hashes());
        let mut room = Vec::new();
        assert_eq!(word_hashes(nfd, &mut room), Segmented::new(&nfc).hashes());
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        let text = "one two\nthree\n\n  \nfour five\n";
        let seg = Segmented::new(text);
        assert_eq!(seg.paragraphs.len(), 2);
        assert_eq!(seg.paragraphs[0].words, 0..3);
        assert_eq!(
            (seg.paragraphs[0].first_line, seg.paragraphs[0].last_line),
            (0, 1)
        );
        assert_eq!(&text[seg.paragraphs[1].span.range()], "four five");
    }

    #[test]
    fn long_lines_without_blank_lines_are_paragraphs_each() {
        let long = "word ".repeat(30);
        let text = format!("{long}\n{long}\n{long}");
        assert_eq!(Segmented::new(&text).paragraphs.len(), 3);
    }

    /// First lines of the paragraphs of `text`, and the last line of each.
    fn paragraph_lines(text: &str) -> Vec<(usize, usize)> {
        let seg = Segmented::new(text);
        seg.paragraphs
            .iter()
            .map(|p| (p.first_line, p.last_line))
            .collect()
    }

    #[test]
    fn a_definition_indented_under_its_term_is_one_paragraph() {
        // MPL-2.0's definitions: the term, then its definition indented under it.
        let text =
            "1.4. \"Covered Software\"\n    means Source Code Form to which the initial\n    \
                    Contributor has attached the notice in Exhibit A, and\n    Modifications of \
                    such Source Code Form.";
        assert_eq!(paragraph_lines(text), [(0, 0), (1, 3)]);
        // A tab reaches column 8, as eight spaces do.
        assert_eq!(
            paragraph_lines("Term\n\tdefined here\n        and here"),
            [(0, 0), (1, 2)]
        );
    }

    #[test]
    fn indented_lines_that_end_sentences_are_paragraphs_each() {
        let text =
            "A title\n    The first paragraph, one line.\n    The second asks \"why?\"\n    \
                    A third goes on\n    and wraps.";
        assert_eq!(paragraph_lines(text), [(0, 0), (1, 1), (2, 2), (3, 4)]);
        // An abbreviation at a line's end, a lower-case word after it: one sentence.
        let text = "A title\n    made by Acme Inc.\n    and sold in 1999.";
        assert_eq!(paragraph_lines(text), [(0, 0), (1, 2)]);
    }

    #[test]
    fn indented_list_items_are_paragraphs_each() {
        let text =
            "Before you start:\n  - read the guide\n  - install it\n  2. run it\n  b) check it\n  \
                    and wrap here\n  (iv) and IX. too";
        assert_eq!(
            paragraph_lines(text),
            [(0, 0), (1, 1), (2, 2), (3, 3), (4, 5), (6, 6)]
        );
        // An item's wrapped text, indented under its words, stays in the item.
        let text = "Intro\n  - item one that wraps\n    onto the next line\n  - item two";
        assert_eq!(paragraph_lines(text), [(0, 0), (1, 2), (3, 3)]);
        // A list indented throughout; an indented body without items is one paragraph.
        assert_eq!(
            paragraph_lines("  - a\n  - b\n  - c"),
            [(0, 0), (1, 1), (2, 2)]
        );
        assert_eq!(
            paragraph_lines("   An indented body.\n   It goes on.\n   And on."),
            [(0, 2)]
        );
    }

    #[test]
    fn a_lone_letter_with_a_full_stop_is_no_list_item() {
        let text = "A title\n    the court cited Roe\n    v. Wade and, on page 42,\n    Smith";
        assert_eq!(paragraph_lines(text), [(0, 0), (1, 3)]);
        // Two lettered lines make a list.
        assert_eq!(
            paragraph_lines("Choose:\n  a. the first\n  b. the second"),
            [(0, 0), (1, 1), (2, 2)]
        );
    }

    #[test]
    fn words_that_end_in_a_full_stop_open_no_list_item() {
        let text =
            "A title\n    said that\n    Mr. Smith had come, and\n    No. 5 with him, and\n    \
                    it. Then";
        assert_eq!(paragraph_lines(text), [(0, 0), (1, 4)]);
    }

    #[test]
    fn indented_lines_open_paragraphs_in_wrapped_text() {
        let text = "First line of text\nwrapped here.\n    Second paragraph\nwrapped too.";
        let seg = Segmented::new(text);
        assert_eq!(seg.paragraphs.len(), 2);
        assert_eq!(seg.paragraphs[1].first_line, 2);
    }

    #[test]
    fn sentences_carry_spans_and_words() {
        let text = "Title\n\nFirst one here. Second, \u{201C}quoted!\u{201D} Third\nwrapped.";
        let seg = Segmented::new(text);
        let s = seg.sentences(text, &seg.paragraphs[1]);
        let texts: Vec<&str> = s.iter().map(|x| &text[x.span.range()]).collect();
        assert_eq!(
            texts,
            [
                "First one here.",
                "Second, \u{201C}quoted!\u{201D}",
                "Third\nwrapped."
            ]
        );
        assert_eq!(s[0].words, 1..4);
        assert_eq!(s[2].words, 6..8);
    }

    #[test]
    fn crlf_and_cr_end_lines() {
        let lf = Segmented::new("a b\n\nc d\n");
        let crlf = Segmented::new("a b\r\n\r\nc d\r\n");
        let cr = Segmented::new("a b\r\rc d\r");
        for s in [&crlf, &cr] {
            assert_eq!(s.paragraphs.len(), lf.paragraphs.len());
            assert_eq!(s.hashes(), lf.hashes());
            assert_eq!(s.lines.len(), lf.lines.len());
        }
        assert_eq!(crlf.lines.line_range(crlf.paragraphs[1].span), [3, 3]);
    }

    #[test]
    fn line_numbers_are_one_based() {
        let idx = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(idx.line_range(Span::new(0, 2)), [1, 1]);
        assert_eq!(idx.line_range(Span::new(3, 9)), [2, 4]);
        assert_eq!(idx.line_of(8), 3);
    }

    #[test]
    fn line_ends_are_found_eight_bytes_at_a_time() {
        for len in 0..40 {
            for at in 0..=len {
                // Bytes that differ from '\n' or '\r' by one bit, or borrow in the zero-byte test.
                let mut bytes: Vec<u8> = (0..len)
                    .map(|i| [b'x', 0x0B, 0x08, 0x8A, 0x00, 0x0C][i % 6])
                    .collect();
                // A first terminator at `at` (none when `at == len`), and others after it.
                for (i, b) in [(at, b'\r'), (at + 1, b'\n'), (at + 3, b'\n')] {
                    if i < len {
                        bytes[i] = b;
                    }
                }
                let expected = (at < len).then_some(at);
                assert_eq!(
                    find_either(&bytes, b'\n', b'\r'),
                    expected,
                    "len {len}, at {at}"
                );
                let newline = (at + 1 < len).then_some(at + 1);
                assert_eq!(find_byte(&bytes, b'\n'), newline, "len {len}, at {at}");
            }
        }
    }

    #[test]
    fn lines_end_at_every_kind_of_terminator() {
        let text = "one\ntwo\r\nthree\rfour\n\r\nsix";
        let index = LineIndex::new(text);
        let lines: Vec<&str> = (0..index.len())
            .map(|i| &text[index.line(i).range()])
            .collect();
        assert_eq!(lines, ["one", "two", "three", "four", "", "six"]);
    }

    #[test]
    fn streaming_hashes_match_segmented_words() {
        let text = "Vice President Kamala Harris’s\r\nrole — “root causes”.\rEnd 1,000";
        let mut room = Vec::new();
        assert_eq!(word_hashes(text, &mut room), Segmented::new(text).hashes());
    }

    proptest! {
        #[test]
        // Long enough to cross the scanner's 64-byte blocks; sparse separators make words
        // straddle the block edges.
        fn ascii_fast_path_matches_uax29(s in "([aZ09_.',:;/( \\-]|aaaaaaaaaaaa){0,100}") {
            let mut fast = Vec::new();
            ascii_words::<false>(s.as_bytes(), |a, b| fast.push((a, &s[a..b])));
            let slow: Vec<_> = s.unicode_word_indices().collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn ascii_hashes_equal_hashing_each_lowercased_word(s in "([aZ09_.' ,]|Abcdefgh|bcdefghij){0,60}") {
            let mut room = vec![7; 3];
            let fast = word_hashes(&s, &mut room).to_vec();
            let slow: Vec<u64> = s
                .unicode_words()
                .map(|w| hash_bytes(w.to_lowercase().as_bytes()))
                .collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        // ASCII words and separators around characters that test the stretch cuts: combining
        // and spacing marks (a mark right after a space joins it, WB4), letters, ideographs,
        // curly quotes, an em dash, no-break and ideographic spaces, a soft hyphen, ZWJ,
        // regional indicators and an emoji; tabs and line terminators as well as spaces.
        fn words_are_those_of_uax29_on_the_whole_text(
            s in "(ab|Zz|09|[ \t\n\r.,:;'_]|\u{301}|\u{93F}|é|ß|中|カ|א|\u{2019}|\u{201C}|\u{201D}|\u{2014}|\u{2013}|\u{2026}|«|»|\u{A0}|\u{3000}|\u{AD}|\u{200D}|\u{1F1EB}|\u{1F44D}){0,80}"
        ) {
            let mut got = Vec::new();
            for_each_word(&s, |a, b, h| got.push((a, b, h)));
            let mut scratch = WordScratch::default();
            let want: Vec<_> = s
                .unicode_word_indices()
                .map(|(a, w)| (a, a + w.len(), hash_word(w, &mut scratch)))
                .collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn paragraphs_hold_every_word_once(s in "[a-c \\n]{0,200}") {
            let seg = Segmented::new(&s);
            let mut next = 0;
            for p in &seg.paragraphs {
                prop_assert_eq!(p.words.start, next);
                next = p.words.end;
            }
            prop_assert_eq!(next, seg.words.len());
        }
    }
}
