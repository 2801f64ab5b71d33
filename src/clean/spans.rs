//! What a finding removes: decoded offsets, and the spans removed for a document's findings.

use super::manifest::FindingRef;
use crate::corpus::Document;
use crate::segment::LineIndex;
use crate::types::Span;

/// The offset in `doc.text` of raw byte offset `raw` (the inverse of the document's offset map,
/// on character boundaries): the first character whose raw offset is at or after `raw`.
pub fn decoded_offset(doc: &Document, raw: usize) -> usize {
    let text = &doc.text;
    let floor = |mut d: usize| {
        while !text.is_char_boundary(d) {
            d -= 1;
        }
        d
    };
    let (mut lo, mut hi) = (0usize, text.len());
    if doc.offsets.raw(text.len()) < raw {
        return text.len();
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if doc.offsets.raw(floor(mid)) >= raw {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    floor(lo)
}

// ---------------------------------------------------------------------------------------------
// Spans to remove.

/// A finding to remove from one document, in decoded offsets.
#[derive(Clone, Debug)]
pub(super) struct Cause {
    pub(super) span: Span,
    pub(super) finding: FindingRef,
}

/// The spans removed from a text for `causes`: merged, and widened to whole lines with their
/// separators where they cover whole lines.
pub(super) fn removal_spans(text: &str, causes: &[Cause]) -> Vec<(Span, Vec<FindingRef>)> {
    let snap = |mut d: usize| {
        d = d.min(text.len());
        while !text.is_char_boundary(d) {
            d -= 1;
        }
        d
    };
    let mut spans: Vec<Span> = causes
        .iter()
        .map(|c| Span::new(snap(c.span.start), snap(c.span.end).max(snap(c.span.start))))
        .filter(|s| !s.is_empty())
        .collect();
    if spans.is_empty() {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    // Twice: a quotation in brackets (`("…")`) takes its marks, then its brackets.
    spans = merge(
        spans
            .into_iter()
            .map(|s| with_quotes(text, with_quotes(text, s)))
            .collect(),
    );
    spans = merge([remnants(text, &lines, &spans), spans].concat());
    for _ in 0..16 {
        let next = merge(spans.iter().map(|&s| widen(text, &lines, s)).collect());
        if next == spans {
            break;
        }
        spans = next;
    }
    let mut out: Vec<(Span, Vec<FindingRef>)> =
        spans.into_iter().map(|s| (s, Vec::new())).collect();
    for c in causes {
        let start = snap(c.span.start);
        let i = out
            .partition_point(|(s, _)| s.end <= start)
            .min(out.len() - 1);
        out[i].1.push(c.finding.clone());
    }
    out
}

/// What removing `spans` (sorted, disjoint) from a line leaves of it.
#[derive(Clone, Copy, Default)]
struct Left {
    /// Letters or digits were removed.
    lost_text: bool,
    /// Letters or digits stay.
    text: bool,
    /// Anything but whitespace stays.
    marks: bool,
}

impl Left {
    fn of(line: &str, at: usize, spans: &[Span]) -> Left {
        let removed = |at: usize| {
            let i = spans.partition_point(|s| s.end <= at);
            spans.get(i).is_some_and(|s| s.start <= at)
        };
        let mut left = Left::default();
        for (i, c) in line.char_indices() {
            if removed(at + i) {
                left.lost_text |= c.is_alphanumeric();
            } else {
                left.text |= c.is_alphanumeric();
                left.marks |= !c.is_whitespace();
            }
        }
        left
    }

    /// What is left of two lines together.
    fn and(self, other: Left) -> Left {
        Left {
            lost_text: self.lost_text || other.lost_text,
            text: self.text || other.text,
            marks: self.marks || other.marks,
        }
    }

    /// Lost its text and keeps only punctuation (or symbols): a remnant.
    fn remnant(self) -> bool {
        self.lost_text && !self.text && self.marks
    }
}

/// The stray punctuation removing `spans` (sorted, disjoint) would leave: a passage found by its
/// words stops short of the quotation marks and full stop around them, so its paragraph would
/// keep `".`. Each line that loses text and keeps no letter or digit goes; and when its whole
/// paragraph keeps no letter or digit, so does a line there that lost nothing but closes what
/// was removed (a `.` or `”` on a line of its own). Any other line that loses nothing keeps its
/// punctuation: it belongs to text that stays (a `* * *` scene break).
fn remnants(text: &str, lines: &LineIndex, spans: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for block in lines.blocks(text) {
        let paragraph: Vec<(Span, Left)> = block
            .clone()
            .map(|l| {
                let line = lines.line(l);
                (line, Left::of(&text[line.range()], line.start, spans))
            })
            .collect();
        let whole = paragraph
            .iter()
            .fold(Left::default(), |all, (_, l)| all.and(*l));
        let closing = |line: &Span| {
            let line = text[line.range()].trim();
            !line.is_empty()
                && line
                    .chars()
                    .all(|c| CLOSING.contains(c) || c.is_whitespace())
        };
        out.extend(
            paragraph
                .iter()
                .filter(|(s, l)| l.remnant() || (whole.remnant() && !l.lost_text && closing(s)))
                .map(|(s, _)| *s),
        );
    }
    out
}

/// Punctuation that closes a sentence or a quotation.
const CLOSING: &str = ".,;:!?…\"'”’»)]";

/// A span that is a whole quotation but for its marks (a passage is found by its words) with
/// the marks (or brackets), the punctuation just inside them, and the space after them when one
/// stands before them too: without them, `"We will rebuild," the mayor said` lost its quote as
/// `"," the mayor said`, and `He said "shared words" and left` as `He said "" and left`.
fn with_quotes(text: &str, span: Span) -> Span {
    const PAIRS: [(char, char); 7] = [
        ('"', '"'),
        ('\'', '\''),
        ('\u{201C}', '\u{201D}'),
        ('\u{2018}', '\u{2019}'),
        ('\u{AB}', '\u{BB}'),
        ('(', ')'),
        ('[', ']'),
    ];
    let before = &text[..span.start];
    let Some(&(open, close)) = before
        .chars()
        .next_back()
        .and_then(|c| PAIRS.iter().find(|p| p.0 == c))
    else {
        return span;
    };
    let after = &text[span.end..];
    let inside = after.len() - after.trim_start_matches(|c| ".,;:!?…".contains(c)).len();
    if !after[inside..].starts_with(close) {
        return span;
    }
    let start = span.start - open.len_utf8();
    let mut end = span.end + inside + close.len_utf8();
    let spaced = text[..start].ends_with(char::is_whitespace) || start == 0;
    if spaced && text[end..].starts_with(' ') {
        end += 1;
    }
    Span::new(start, end)
}

/// Sorts spans and merges those that overlap or touch.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// Widens a span that covers whole lines (give or take surrounding whitespace) to those lines
/// and their terminators; a span that starts a block of lines also takes the blank lines after
/// it, and one that ends the text the blank lines before it, so that no blank lines are
/// doubled. Any other span is left as it is.
fn widen(text: &str, lines: &LineIndex, span: Span) -> Span {
    let blank = |i: usize| text[lines.line(i).range()].trim().is_empty();
    let next_start = |i: usize| {
        if i + 1 < lines.len() {
            lines.line(i + 1).start
        } else {
            text.len()
        }
    };
    let (s, e) = (span.start, span.end);
    let mut first = lines.line_of(s);
    let last = lines.line_of(e.saturating_sub(1).max(s));
    let (line_start, line_end) = (lines.line(first).start, lines.line(last).end);
    let lead = text[line_start..s].trim().is_empty();
    let tail = e > line_end || text[e..line_end].trim().is_empty();
    if !(lead && tail) {
        return span;
    }
    let mut start = line_start;
    let mut end = next_start(last).max(e);
    if first == 0 || blank(first - 1) {
        while end < text.len() {
            let j = lines.line_of(end);
            if !blank(j) {
                break;
            }
            end = next_start(j);
        }
    }
    if end == text.len() && start > 0 {
        while first > 0 && blank(first - 1) {
            first -= 1;
        }
        start = lines.line(first).start;
        // Keep the text's own ending: without a final line break, the new last line has none.
        let terminated = text.ends_with('\n') || text.ends_with('\r');
        if !terminated && first > 0 {
            start = lines.line(first - 1).end;
        }
    }
    Span::new(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spans removed from `text` when each of `words` is a finding there.
    fn removed(text: &str, words: &[&str]) -> Vec<String> {
        let causes: Vec<Cause> = words
            .iter()
            .map(|w| {
                let start = text.find(w).expect("the words are in the text");
                Cause {
                    span: Span::new(start, start + w.len()),
                    finding: FindingRef {
                        reason: "overlap".into(),
                        lines: [1, 1],
                        bytes: [start, start + w.len()],
                        kept: None,
                    },
                }
            })
            .collect();
        removal_spans(text, &causes)
            .into_iter()
            .map(|(s, _)| text[s.range()].to_string())
            .collect()
    }

    #[test]
    fn punctuation_left_without_text_goes_with_it() {
        // A quoted paragraph: its quotation marks and full stop.
        assert_eq!(
            removed(
                "Kept.\n\n\"Shared words here.\"\n\nKept too.\n",
                &["Shared words here"]
            ),
            ["\"Shared words here.\"\n\n"]
        );
        // A full stop on a line of its own ends the paragraph that goes.
        assert_eq!(
            removed(
                "Kept.\n\nShared\nwords\n.\n\nKept too.\n",
                &["Shared\nwords"]
            ),
            ["Shared\nwords\n.\n\n"]
        );
        // A line that loses its text in a paragraph that keeps some.
        assert_eq!(
            removed("Kept line\n(shared words)\nkept line.\n", &["shared words"]),
            ["(shared words)\n"]
        );
    }

    #[test]
    fn punctuation_of_text_that_stays_stays() {
        // A quotation removed whole takes its marks, the punctuation inside them and a space.
        assert_eq!(
            removed("He said \"shared words\" and left.\n", &["shared words"]),
            ["\"shared words\" "]
        );
        assert_eq!(
            removed(
                "\u{201C}We will rebuild it,\u{201D} the mayor said.\n",
                &["We will rebuild it"]
            ),
            ["\u{201C}We will rebuild it,\u{201D} "]
        );
        assert_eq!(
            removed("Critics ('shared words,') left.\n", &["shared words"]),
            ["('shared words,') "]
        );
        // Quotation marks around more than what goes stay.
        assert_eq!(
            removed(
                "He said \"shared words and more\" then.\n",
                &["shared words"]
            ),
            ["shared words"]
        );
        // A line that loses nothing keeps its punctuation, next to one that goes.
        assert_eq!(
            removed("Kept\nShared words.\n* * *\n", &["Shared words"]),
            ["Shared words.\n"]
        );
        assert_eq!(
            removed("Kept.\n\nShared words.\n\n* * *\n", &["Shared words"]),
            ["Shared words.\n\n"]
        );
        // A scene break in the paragraph that goes is not its punctuation.
        assert_eq!(
            removed(
                "Kept.\n\nShared words.\n* * *\n\nKept too.\n",
                &["Shared words"]
            ),
            ["Shared words.\n"]
        );
    }
}
