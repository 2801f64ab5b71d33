//! Originality: the share of a document's words that are its own.
//!
//! `originality = 1 − |repeated ∪ overlapping ∪ boilerplate words| / words`. Each part is also
//! counted on its own. An empty document has originality 1.0 by convention: nothing in it is
//! borrowed.

use crate::segment::Segmented;
use crate::types::Span;

/// Word counts of one document.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    /// Words in the document.
    pub words: usize,
    /// Words inside repeat copies.
    pub repeated: usize,
    /// Words inside passages shared with other documents.
    pub overlap: usize,
    /// Words inside boilerplate.
    pub boilerplate: usize,
    /// `1 − covered / words`, or 1.0 for an empty document.
    pub originality: f64,
}

/// Marks of which words each kind of finding covers.
#[derive(Clone, Debug)]
pub struct Coverage {
    marks: Vec<u8>,
}

const REPEAT: u8 = 1;
const OVERLAP: u8 = 2;
const BOILERPLATE: u8 = 4;

/// Kinds of finding.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A repeat copy.
    Repeat,
    /// A shared passage.
    Overlap,
    /// Boilerplate.
    Boilerplate,
}

impl Kind {
    fn bit(self) -> u8 {
        match self {
            Kind::Repeat => REPEAT,
            Kind::Overlap => OVERLAP,
            Kind::Boilerplate => BOILERPLATE,
        }
    }
}

impl Coverage {
    /// No word covered yet.
    pub fn new(words: usize) -> Coverage {
        Coverage {
            marks: vec![0; words],
        }
    }

    /// Marks the words `range` (word indices).
    pub fn mark_words(&mut self, range: std::ops::Range<usize>, kind: Kind) {
        let bit = kind.bit();
        for m in &mut self.marks[range] {
            *m |= bit;
        }
    }

    /// How many of the words `range` (word indices) are marked as `kind`.
    pub fn marked(&self, range: std::ops::Range<usize>, kind: Kind) -> usize {
        let bit = kind.bit();
        self.marks[range].iter().filter(|&&m| m & bit != 0).count()
    }

    /// Marks the words that start inside `span` (bytes).
    pub fn mark_span(&mut self, seg: &Segmented, span: Span, kind: Kind) {
        let first = seg.word_at(span.start);
        let last = seg.word_at(span.end);
        self.mark_words(first..last, kind);
    }

    /// The counts and the score.
    pub fn score(&self) -> Score {
        let count = |bit: u8| self.marks.iter().filter(|&&m| m & bit != 0).count();
        let covered = self.marks.iter().filter(|&&m| m != 0).count();
        let words = self.marks.len();
        Score {
            words,
            repeated: count(REPEAT),
            overlap: count(OVERLAP),
            boilerplate: count(BOILERPLATE),
            originality: if words == 0 {
                1.0
            } else {
                1.0 - covered as f64 / words as f64
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_overlap_but_count_once_in_the_score() {
        let mut c = Coverage::new(10);
        c.mark_words(0..4, Kind::Repeat);
        c.mark_words(2..6, Kind::Overlap);
        c.mark_words(9..10, Kind::Boilerplate);
        let s = c.score();
        assert_eq!((s.repeated, s.overlap, s.boilerplate), (4, 4, 1));
        assert!((s.originality - 0.3).abs() < 1e-12);
    }

    #[test]
    fn empty_document_is_original() {
        assert_eq!(Coverage::new(0).score().originality, 1.0);
    }
}
