//! Layout: the page's main body, found from word counts alone, and its head and tail.

use super::{Reason, Segment};
use crate::segment::Paragraph;

/// Paragraphs of more than this many words read as running text, shorter ones as links, menu
/// items, labels and titles: Kohlschütter et al. (2010) found the split between boilerplate and
/// full-text blocks at 15-16 words per block.
pub(super) const TEXT_WORDS: usize = 15;

/// How many short or flagged paragraphs make a run of links (a menu, a list of related stories,
/// a comment header and its buttons) rather than a heading, a byline and a date.
const LINK_RUN: usize = 3;

/// How many short paragraphs right before the main body are kept as its headline: the title and
/// the deck, byline or date line under it.
const HEADLINE_KEEP: usize = 2;

/// Whether paragraph `p` reads as running text: more than [`TEXT_WORDS`] words ending like a
/// sentence.
pub(super) fn is_text(text: &str, p: &Paragraph) -> bool {
    p.word_count() > TEXT_WORDS && ends_sentence(&text[p.span.range()])
}

/// Whether a paragraph reads as program code (a page's script left in its text), with more than
/// one brace, `;`, `=`, `<` or `>` per eight words: running text has a semicolon or two per
/// hundred, and tables of results have parentheses, not these. Code is no body text, however
/// long: a 142-word script at the top of an L3S page was taken for its main body, and the
/// article below it for the page's tail.
pub(super) fn is_code(ptext: &str, words: usize) -> bool {
    let symbols = ptext.bytes().filter(|b| b"{};=<>".contains(b)).count();
    symbols * 8 > words
}

/// Whether a paragraph ends like a sentence (or a quoted sentence).
fn ends_sentence(ptext: &str) -> bool {
    ptext
        .trim_end()
        .ends_with(['.', '!', '?', '"', '\'', '\u{201D}', '\u{2019}'])
}

/// Finds the main body and marks what lies before and after it ([`Reason::PageHead`],
/// [`Reason::PageTail`]); `cues[i]` is the cue found for paragraph `i`, and only paragraphs
/// without one are marked.
pub(super) fn layout(
    text: &str,
    paras: &[Paragraph],
    first_content: usize,
    cues: &mut [Option<Segment>],
) {
    let flagged: Vec<bool> = paras
        .iter()
        .zip(cues.iter())
        .map(|(p, c)| c.is_some_and(|c| c.span == p.span))
        .collect();
    let short = |i: usize| {
        let p = &paras[i];
        p.word_count() <= TEXT_WORDS && !ends_sentence(&text[p.span.range()])
    };
    // The main body: the run with the largest sum of scores (Kadane), the first one on ties.
    let (mut best, mut body) = (0i64, None);
    let (mut sum, mut start) = (0i64, 0);
    for (i, p) in paras.iter().enumerate() {
        if p.word_count() == 0 {
            continue;
        }
        let score = if flagged[i] || is_code(&text[p.span.range()], p.word_count()) {
            -(TEXT_WORDS as i64)
        } else {
            p.word_count() as i64 - TEXT_WORDS as i64
        };
        if sum <= 0 {
            sum = 0;
            start = i;
        }
        sum += score;
        if sum > best {
            best = sum;
            body = Some((start, i));
        }
    }
    // Layout is evidence of a web page only beside other evidence of one (a menu, a call, a
    // label, text that recurs across the corpus): a document without any is an article, and its
    // sub-headings and list items are its own; a byline or a date line is an article's too.
    // Before, a loose list or short sections ended the body early, and `clean` cut everything
    // after them. (Every L3S-GN1 page has such a cue; its figures are unchanged.)
    if !cues.iter().flatten().any(|c| c.reason.is_page_chrome()) {
        return;
    }
    let Some((first, mut last)) = body else {
        return;
    };
    // Readers' comments: a comment section's heading ("53 Comments", "Have your say") after
    // the body, or a sure one after [`COMMENTS_AFTER_WORDS`] of it, opens the page's tail,
    // however long the comments under it (which the body may have taken in, being text: so no
    // share of the body will do, as fourteen comments outweigh an article). On L3S-GN1 comments
    // are most of what was kept that is not content.
    let words_in = |r: std::ops::Range<usize>| r.map(|k| paras[k].word_count()).sum::<usize>();
    let comments = (first + 1..paras.len()).find(|&h| {
        let ptext = &text[paras[h].span.range()];
        match comment_heading(ptext, paras[h].word_count()) {
            Some(_) if h > last => true,
            // Inside the body, a sure heading, not in a share bar ("Comments (3) | Share"); or
            // one by name that another cue flagged (it recurs across the site's pages, or is a
            // call): an article's own section so named is neither.
            Some(how) => {
                (how == Heading::Sure || flagged[h])
                    && !ptext.contains(" | ")
                    && words_in(first..h) >= COMMENTS_AFTER_WORDS
            }
            None => false,
        }
    });
    let end = comments.unwrap_or(paras.len());
    last = last.min(end - 1);
    let mark = |cues: &mut [Option<Segment>], i: usize, reason| {
        cues[i] = Some(Segment {
            span: paras[i].span,
            reason,
        });
    };
    // Before the body: runs of short paragraphs (flagged and empty ones do not break a run) with
    // at least LINK_RUN unflagged ones. The document's first paragraph is kept, and so are, when
    // the run reaches the body, its last two unflagged paragraphs: the headline and the deck,
    // byline or date that often stands between it and the body.
    let mut i = 0;
    while i < first {
        let run_start = i;
        let mut unflagged = 0;
        while i < first && (paras[i].word_count() == 0 || flagged[i] || short(i)) {
            unflagged += usize::from(paras[i].word_count() > 0 && !flagged[i]);
            i += 1;
        }
        if unflagged >= LINK_RUN {
            let marked = if i == first {
                unflagged - HEADLINE_KEEP
            } else {
                unflagged
            };
            (run_start..i)
                .filter(|&k| paras[k].word_count() > 0 && !flagged[k])
                .take(marked)
                .filter(|&k| k != first_content)
                .for_each(|k| mark(cues, k, Reason::PageHead));
        }
        i = i.max(run_start + 1);
    }
    // After the body: sentences that directly follow it still belong to it (a short closing
    // paragraph), and so does a single flagged paragraph between two of them (an inserted
    // headline, a call to action). The tail starts at the first other paragraph and is marked
    // when it holds at least LINK_RUN short or flagged paragraphs.
    let nonempty_after = |k: usize| (k + 1..end).find(|&q| paras[q].word_count() > 0);
    let sentence = |k: usize| !flagged[k] && ends_sentence(&text[paras[k].span.range()]);
    let mut tail = last + 1;
    while tail < end {
        if paras[tail].word_count() == 0 || sentence(tail) {
            tail += 1;
        } else if let Some(next) = nonempty_after(tail).filter(|&q| flagged[tail] && sentence(q)) {
            tail = next;
        } else {
            break;
        }
    }
    let evidence = (tail..end)
        .filter(|&k| paras[k].word_count() > 0 && (flagged[k] || short(k)))
        .count();
    let tail = if evidence >= LINK_RUN { tail } else { end };
    for k in tail..paras.len() {
        if paras[k].word_count() > 0 && !flagged[k] {
            mark(cues, k, Reason::PageTail);
        }
    }
}

/// Words of the main body a comment section's heading inside it must follow: a count of
/// comments under the headline opens no tail.
const COMMENTS_AFTER_WORDS: usize = 100;

/// The longest heading of a comment section, in words.
const COMMENT_HEADING_WORDS: usize = 10;

/// Words that name a comment section, in English, German, French, Spanish, Italian and
/// Portuguese.
const COMMENT_WORDS: &[&str] = &[
    "comments",
    "comment",
    "responses",
    "kommentare",
    "commentaires",
    "comentarios",
    "commenti",
    "comentários",
];

/// Words that may stand before one of [`COMMENT_WORDS`] in a heading of two words ("Your
/// Comments", "Reader comments").
const COMMENT_LEADS: &[&str] = &[
    "your", "reader", "readers", "reader's", "article", "latest", "recent", "user", "all",
];

/// Calls that open a comment section. Not "what do you think?", an interviewer's question too
/// (and a question is refused anyway).
const COMMENT_CALLS: &[&[&str]] = &[
    &["have", "your", "say"],
    &["tell", "us", "what", "you", "think"],
    &["discuss", "this"],
    &["comments", "on", "this"],
    &["comment", "on", "this"],
    &["post", "a", "comment"],
    &["leave", "a", "comment"],
    &["add", "a", "comment"],
    &["write", "a", "comment"],
    &["post", "comment"],
    &["add", "comment"],
];

/// How surely a line heads a comment section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Heading {
    /// A count ("53 Comments", "Comments (3)", "One Response to …") or a call ("Post a
    /// comment", "Have your say"): it may cut the main body short.
    Sure,
    /// The word alone or after a lead ("Comments", "Your Comments"): only after the main body,
    /// as a section of an article may be so named.
    Named,
}

/// Whether a paragraph of `words` words heads a comment section, and how surely. One line of at
/// most [`COMMENT_HEADING_WORDS`] words that is no sentence: a full stop (but for "..."), a
/// question or exclamation mark, a closing quote or a colon last refuses it ("No comment.", "Do
/// you have a comment on the verdict?", "Orwell comments that:"). Neither is a field labelled
/// "Comment:" (a Debian copyright file's), nor a line of program code (`// a comment`).
fn comment_heading(ptext: &str, words: usize) -> Option<Heading> {
    let t = ptext.trim();
    let code = ["//", "#", "/*", "<!--", "--"]
        .iter()
        .any(|m| t.starts_with(m));
    if words == 0 || words > COMMENT_HEADING_WORDS || t.contains('\n') || code {
        return None;
    }
    let lower = t.to_lowercase();
    if lower.starts_with("comment:") || lower.starts_with("comments:") {
        return None;
    }
    // Words between white space, their punctuation trimmed: a file name such as
    // `introduction_comments.cpp` holds no word "comments".
    let ws: Vec<&str> = lower
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    let number = |w: &str| w == "one" || w.bytes().all(|b| b.is_ascii_digit());
    // "One Response to “Bush expedites …”": a blog's count, whatever the title quoted ends with.
    if ws.len() >= 2
        && number(ws[0])
        && matches!(ws[1], "response" | "responses" | "reply" | "replies")
    {
        return Some(Heading::Sure);
    }
    let sentence = t.ends_with(['?', '!', ':', '"', '\'', '\u{201D}', '\u{2019}'])
        || (t.ends_with('.') && !t.ends_with("..."));
    if sentence {
        return None;
    }
    let named_at = |i: usize| ws.get(i).is_some_and(|w| COMMENT_WORDS.contains(w));
    let head = &ws[..ws.len().min(3)];
    let counted = (0..head.len()).any(named_at) && head.iter().any(|w| number(w));
    let called = COMMENT_CALLS
        .iter()
        .any(|call| ws.windows(call.len()).any(|w| w == *call));
    if counted || called {
        return Some(Heading::Sure);
    }
    let named = (ws.len() == 1 && named_at(0))
        || (ws.len() == 2 && named_at(1) && COMMENT_LEADS.contains(&ws[0]));
    named.then_some(Heading::Named)
}
