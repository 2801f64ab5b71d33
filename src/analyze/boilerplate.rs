//! Boilerplate: segments that are not the author's content, each with a reason.
//!
//! Two kinds of evidence. Recurrence: a paragraph whose template (numbers masked) occurs in at
//! least [`recurrence_bar`] documents of the corpus; the bar rises with the corpus size, so a
//! template line on 400 pages is boilerplate while a quote two articles share is an overlap. Cues
//! inside one document: calls to action, label-only lines, all-caps headlines inserted between
//! paragraphs, metadata and dateline prefixes, bylines, copyright lines and navigation. A
//! document's first paragraph (its headline) is never flagged as a whole by a cue.
//!
//! Then the page's layout, from word counts alone (after Kohlschütter et al. 2010, "Boilerplate
//! detection using shallow text features"): the main body is the run of paragraphs with the
//! largest sum of `words - TEXT_WORDS` (flagged paragraphs count `-TEXT_WORDS`), so long
//! paragraphs pull it in and short ones push it out. Runs of short link-like paragraphs before
//! it are [`Reason::PageHead`]; what follows it, once the page has turned to short link-like or
//! flagged paragraphs, is [`Reason::PageTail`]. Linear in the number of paragraphs.

use crate::hash::{combine_all, hash_bytes};
use crate::segment::{Paragraph, Segmented};
use crate::types::Span;
use rayon::prelude::*;
use serde::Serialize;

/// Why a segment is boilerplate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Recurs in many documents of the corpus.
    Recurring,
    /// "Click here", "subscribe", "follow us", "get the app".
    CallToAction,
    /// A label with nothing after it worth keeping: "Categorized in:", "Tags: …".
    Label,
    /// An all-caps headline of another story inserted between paragraphs.
    InsertedHeadline,
    /// A date or timestamp prefix: " date 2021-04-26 ".
    Metadata,
    /// A place and agency prefix: "WASHINGTON (Reuters) - ".
    Dateline,
    /// "By Jane Doe", "Reporting by …".
    Byline,
    /// "© 2021 …", "All rights reserved".
    Copyright,
    /// Menus and breadcrumbs: runs of very short lines, "Home | News | Sports".
    Navigation,
    /// Before the main body (the densest run of long paragraphs): a run of three or more short
    /// paragraphs without sentence punctuation, such as menus, teasers and link lists. The last
    /// two right before the body (the headline and its deck or byline) and the document's first
    /// paragraph are kept.
    PageHead,
    /// After the main body: everything that follows the article's last paragraph once the page
    /// turns to link lists, comment headers and footers ("Related stories", "12 comments").
    PageTail,
}

impl Reason {
    /// Whether the reason marks a web page's furniture, not an article's own (a byline, a date
    /// or a dateline).
    fn is_page_chrome(self) -> bool {
        !matches!(self, Reason::Byline | Reason::Metadata | Reason::Dateline)
    }

    /// Every reason, in declaration order (for parsing reason codes).
    pub const ALL: [Reason; 11] = [
        Reason::Recurring,
        Reason::CallToAction,
        Reason::Label,
        Reason::InsertedHeadline,
        Reason::Metadata,
        Reason::Dateline,
        Reason::Byline,
        Reason::Copyright,
        Reason::Navigation,
        Reason::PageHead,
        Reason::PageTail,
    ];

    /// The reason code, as printed.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Recurring => "recurring",
            Reason::CallToAction => "call-to-action",
            Reason::Label => "label",
            Reason::InsertedHeadline => "inserted-headline",
            Reason::Metadata => "metadata",
            Reason::Dateline => "dateline",
            Reason::Byline => "byline",
            Reason::Copyright => "copyright",
            Reason::Navigation => "navigation",
            Reason::PageHead => "page-head",
            Reason::PageTail => "page-tail",
        }
    }
}

/// A boilerplate segment of one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Bytes of the segment in the document text.
    pub span: Span,
    /// Why.
    pub reason: Reason,
}

/// The number of documents a paragraph must recur in to be boilerplate in a corpus of `n`:
/// `max(3, ⌈log₂ n⌉)`. A corpus of fewer than three documents has no recurring boilerplate.
pub fn recurrence_bar(n: usize) -> usize {
    let log = usize::BITS - n.saturating_sub(1).leading_zeros();
    (log as usize).max(3)
}

/// Finds boilerplate in every document; `docs[i]` is `(text, segmentation)` of document `i`, and
/// `copy_of[i]` the first document of its near-duplicate cluster (`i` when it has none).
///
/// Copies of one document count once towards recurrence: an article that a corpus holds three
/// times recurs nowhere, and cleaning it must not empty it.
pub fn find(docs: &[(&str, &Segmented)], copy_of: &[u32]) -> Vec<Vec<Segment>> {
    // Every paragraph's template, made once: counted across the corpus, then looked up.
    let templates: Vec<Vec<Template>> = docs
        .par_iter()
        .map(|(text, seg)| {
            seg.paragraphs
                .iter()
                .map(|p| template(text, seg, p))
                .collect()
        })
        .collect();
    let recurring = recurring_templates(docs, &templates, copy_of);
    docs.par_iter()
        .zip(&templates)
        .map(|((text, seg), templates)| {
            let recurs = recurring_paragraphs(text, seg, templates, &recurring);
            in_document(text, seg, &recurs)
        })
        .collect()
}

/// Which paragraphs of a document (`templates[i]` of paragraph `i`) are recurring boilerplate,
/// given the `recurring` templates of the corpus: those whose template recurs, but for text that
/// is the document's own though other documents carry it too.
fn recurring_paragraphs(
    text: &str,
    seg: &Segmented,
    templates: &[Template],
    recurring: &ahash::AHashSet<u64>,
) -> Vec<bool> {
    let paras = &seg.paragraphs;
    let template_recurs: Vec<bool> = templates
        .iter()
        .map(|t| t.masked.is_some_and(|k| recurring.contains(&k)))
        .collect();
    // Text of the document's own: running text whose template recurs nowhere.
    let own = |k: usize| !template_recurs[k] && is_text(text, &paras[k]);
    (0..paras.len())
        .map(|i| {
            if !template_recurs[i] {
                return false;
            }
            let (t, p) = (&templates[i], &paras[i]);
            // Made only when needed: reading a paragraph's words for notice words took 0.33 s
            // on the bench corpus, whose documents are one long paragraph each.
            let shared_text = || {
                p.word_count() > SHARED_TEXT_WORDS
                    && (((0..i).any(own) && (i + 1..paras.len()).any(own))
                        || !reads_as_notice(text, seg, p))
            };
            let report = t.exact.is_some_and(|e| !recurring.contains(&e));
            // A Markdown heading over text of the document's own heads a section of it ("## What
            // You Need" in a site's how-tos); over a list of links, it is the site's ("## Related
            // Articles").
            let section = p.first_line == p.last_line
                && is_markdown_heading(&text[p.span.range()])
                && (i + 1..paras.len())
                    .find(|&k| paras[k].word_count() > 0)
                    .is_some_and(own);
            !section && !(is_text(text, p) && (report || shared_text()))
        })
        .collect()
}

/// Running text longer than this that recurs across documents, between text of a document's
/// own before and after it, is a passage they share (the overlap stage reports it, and `clean
/// --remove overlaps` keeps its first copy), not a page template: a background paragraph that
/// three stories on one mill carried was removed from all three. A site's notice (cookies, the
/// publisher) stands before or after the article, and stays boilerplate however long, if it
/// reads as one ([`reads_as_notice`]): the last paragraph of a wire story that three outlets
/// carried, a fact about a warehouse's inspection, was removed from all three.
const SHARED_TEXT_WORDS: usize = 30;

/// Words only a site's notice about itself uses (its cookies, its subscriptions, its
/// advertising): one is enough.
const NOTICE_WORDS: &[&str] = &[
    "cookie",
    "cookies",
    "privacy",
    "newsletter",
    "newsletters",
    "subscribe",
    "unsubscribe",
    "subscription",
    "subscribers",
    "copyright",
    "javascript",
    "browser",
    "advertising",
    "advertisement",
    "advertisers",
    "affiliate",
    "sponsored",
    "donate",
    "donation",
    "disclaimer",
    "membership",
    "notifications",
    // German, Spanish, French, Italian, Portuguese.
    "datenschutz",
    "impressum",
    "werbung",
    "abonnieren",
    "privacidad",
    "publicidad",
    "suscríbete",
    "suscripción",
    "confidentialité",
    "publicité",
    "abonnez",
    "informativa",
    "pubblicità",
    "privacidade",
    "publicidade",
];

/// Words a site's notice uses that news uses too ("the site", "support", "content"): a
/// paragraph reads as a notice with two of them, or with one and the site speaking of itself
/// ("we", "our", "us").
const NOTICE_HINTS: &[&str] = &[
    "website",
    "websites",
    "site",
    "policy",
    "terms",
    "rights",
    "reserved",
    "content",
    "editorial",
    "journalism",
    "email",
    "mail",
    "app",
    "comment",
    "comments",
    "reader",
    "readers",
    "click",
    "download",
    "register",
    "account",
    "contact",
    "funded",
    "funding",
    "grant",
    "partnership",
    "support",
    "responsible",
    "license",
    "licence",
    "permission",
    "reproduced",
    "redistributed",
];

/// Whether paragraph `p` reads as a site's notice about itself ([`NOTICE_WORDS`],
/// [`NOTICE_HINTS`]).
fn reads_as_notice(text: &str, seg: &Segmented, p: &Paragraph) -> bool {
    let words = lower_words(text, seg, p);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let mut hints: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| NOTICE_HINTS.contains(w))
        .collect();
    hints.sort_unstable();
    hints.dedup();
    has(NOTICE_WORDS) || hints.len() >= 2 || (hints.len() == 1 && has(&["we", "our", "us"]))
}

/// Whether paragraph `p` reads as running text: more than [`TEXT_WORDS`] words ending like a
/// sentence.
fn is_text(text: &str, p: &Paragraph) -> bool {
    p.word_count() > TEXT_WORDS && ends_sentence(&text[p.span.range()])
}

/// A paragraph's keys for recurrence.
struct Template {
    /// Its word hashes with every word holding a digit masked; none when every word is masked (or
    /// there is none): a row of figures is data, and any two of as many figures would share one.
    masked: Option<u64>,
    /// Its word hashes as they are, when figures were masked. A sentence whose template recurs
    /// with other figures each time is a report ("The Dow rose 221 points, or 0.6 percent, to
    /// 33663"), where a notice repeats its figures too ("quotes delayed by at least 20 minutes").
    exact: Option<u64>,
}

/// The [`Template`] of a paragraph.
fn template(text: &str, seg: &Segmented, p: &Paragraph) -> Template {
    let mask = hash_bytes(b"#");
    let words = &seg.words[p.words.clone()];
    let digits = |w: &crate::segment::Word| {
        text.as_bytes()[w.start as usize..w.end as usize]
            .iter()
            .any(u8::is_ascii_digit)
    };
    if words.iter().all(digits) {
        return Template {
            masked: None,
            exact: None,
        };
    }
    let masked = combine_all(words.iter().map(|w| if digits(w) { mask } else { w.hash }));
    Template {
        masked: Some(masked),
        exact: words
            .iter()
            .any(digits)
            .then(|| combine_all(words.iter().map(|w| w.hash))),
    }
}

/// The templates (`templates[d][i]` of paragraph `i` of document `d`) found in at least
/// [`recurrence_bar`] documents that are not copies of one another (`copy_of`).
fn recurring_templates(
    docs: &[(&str, &Segmented)],
    templates: &[Vec<Template>],
    copy_of: &[u32],
) -> ahash::AHashSet<u64> {
    let bar = recurrence_bar(docs.len());
    if docs.len() < bar {
        return Default::default();
    }
    let mut keys: Vec<(u64, u32)> = templates
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, templates)| {
            templates
                .iter()
                .flat_map(|t| t.masked.into_iter().chain(t.exact))
                .map(move |t| (t, copy_of[d]))
        })
        .collect();
    keys.par_sort_unstable();
    keys.dedup();
    keys.chunk_by(|x, y| x.0 == y.0)
        .filter(|g| g.len() >= bar)
        .map(|g| g[0].0)
        .collect()
}

/// Words of a paragraph, lower-cased, for matching cue phrases.
fn lower_words(text: &str, seg: &Segmented, p: &Paragraph) -> Vec<String> {
    seg.words[p.words.clone()]
        .iter()
        .map(|w| {
            text[w.start as usize..w.end as usize]
                .to_lowercase()
                .replace('\u{2019}', "'")
        })
        .collect()
}

/// The boilerplate of one document; `recurs[i]` tells whether paragraph `i`'s template recurs
/// across the corpus.
fn in_document(text: &str, seg: &Segmented, recurs: &[bool]) -> Vec<Segment> {
    let paras = &seg.paragraphs;
    let nav = navigation_runs(text, seg);
    // The first paragraph with words is the headline, unless it is a short call to action
    // ("Advertisement", "Subscribe to our newsletter") that opens the page.
    let first_content = paras
        .iter()
        .position(|p| {
            p.word_count() > HEADLINE_CALL_WORDS
                || (p.word_count() > 0 && !opens_with_call(&lower_words(text, seg, p)))
        })
        .unwrap_or(0);
    let mut cues: Vec<Option<Segment>> = paras
        .iter()
        .enumerate()
        .map(|(i, p)| paragraph_cue(text, seg, recurs[i], &nav, first_content, i, p))
        .collect();
    keep_lone_facts(text, paras, &nav, &mut cues);
    layout(text, paras, first_content, &mut cues);
    cues.into_iter().flatten().collect()
}

/// A short run of short lines that give facts ("Prep time: 10 minutes", "Serves 4": a figure,
/// or a label and its value) is a page's menu only beside other evidence of a page: in a
/// document with none, it is the article's (closing a recipe, it was `navigation`, and the
/// credit after it `page-tail`). Menus name places, without figures. Clears such runs' cues.
fn keep_lone_facts(text: &str, paras: &[Paragraph], nav: &[Menu], cues: &mut [Option<Segment>]) {
    let run =
        |k: usize| cues[k].is_some_and(|c| c.reason == Reason::Navigation) && nav[k] == Menu::Run;
    let runs: Vec<usize> = (0..paras.len()).filter(|&k| run(k)).collect();
    let lone =
        (0..paras.len()).all(|k| run(k) || !cues[k].is_some_and(|c| c.reason.is_page_chrome()));
    let facts = runs.iter().all(|&k| {
        let t = &text[paras[k].span.range()];
        let counter = t
            .split(|c: char| !c.is_alphabetic())
            .any(|w| COUNTERS.contains(&w.to_lowercase().as_str()));
        t.contains(char::is_alphabetic)
            && !counter
            && (t.contains(|c: char| c.is_ascii_digit())
                || t.split_once(':')
                    .is_some_and(|(_, v)| v.chars().any(char::is_alphanumeric)))
    });
    if lone && facts && runs.len() <= LONE_MENU_LINES {
        for k in runs {
            cues[k] = None;
        }
    }
}

/// Words of a page's counters and buttons ("Share 40", "Views: 1,204"), which are no facts.
const COUNTERS: &[&str] = &[
    "view",
    "views",
    "like",
    "likes",
    "share",
    "shares",
    "tweet",
    "tweets",
    "pin",
    "pins",
    "comment",
    "comments",
    "vote",
    "votes",
    "reply",
    "replies",
    "followers",
    "page",
    "print",
    "email",
];

/// How a paragraph is part of a menu.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Menu {
    No,
    /// One of a run of three or more very short lines.
    Run,
    /// Items separated by `|`, `»`, `›`, ` > ` or `•`.
    Separated,
}

/// A document whose only sign of a web page is a run of at most this many short lines giving
/// facts keeps them: a menu has more items, or comes with other furniture.
const LONE_MENU_LINES: usize = 4;

/// The cue that marks paragraph `i` (or a prefix of it), if any.
fn paragraph_cue(
    text: &str,
    seg: &Segmented,
    recurs: bool,
    nav: &[Menu],
    first_content: usize,
    i: usize,
    p: &Paragraph,
) -> Option<Segment> {
    let ptext = &text[p.span.range()];
    let whole = |reason| {
        Some(Segment {
            span: p.span,
            reason,
        })
    };
    if p.word_count() == 0 {
        return None;
    }
    // A Markdown heading is no call, label or inserted headline ("## Step 1: Sign Up for an
    // Account"); recurring across pages or in a menu, it is furniture still.
    let heading = p.first_line == p.last_line && is_markdown_heading(ptext);
    let (words, opens) = if p.word_count() <= 30 {
        (lower_words(text, seg, p), clause_opens(text, seg, p))
    } else {
        (Vec::new(), Vec::new())
    };
    let headline = i == first_content;
    if let Some(end) = date_prefix(text, seg, p) {
        let rest = &text[end..p.span.end];
        // "Posted on May 12, 2024 by Emma Clarke" goes whole: its byline alone was left behind.
        let byline = rest
            .trim_start()
            .get(..3)
            .is_some_and(|b| b.eq_ignore_ascii_case("by "))
            && rest.split_whitespace().count() <= 6;
        if rest.chars().any(char::is_alphanumeric) && !byline {
            return Some(Segment {
                span: Span::new(p.span.start, end),
                reason: Reason::Metadata,
            });
        }
        return whole(Reason::Metadata);
    }
    if recurs {
        return whole(Reason::Recurring);
    }
    if !words.is_empty() && !heading {
        if let Some(reason) = cue(ptext, &words, &opens, headline) {
            return whole(reason);
        }
    }
    // Navigation is checked even on the first paragraph: pages open with their menus.
    if nav[i] != Menu::No {
        return whole(Reason::Navigation);
    }
    if !headline
        && !heading
        && i > first_content
        && is_all_caps_headline(ptext, p.word_count())
        && !is_subheading(text, seg, i)
    {
        return whole(Reason::InsertedHeadline);
    }
    // The dateline opens the lede: the paragraph after the headline, or the first of running
    // text after a few short lines under it (a byline, a date, a wire's note).
    let lede = i <= first_content + 1
        || (i <= first_content + LEDE_REACH
            && seg.paragraphs[first_content + 1..i]
                .iter()
                .all(|q| q.word_count() <= TEXT_WORDS));
    if lede {
        if let Some(end) = dateline_prefix(ptext) {
            return Some(Segment {
                span: Span::new(p.span.start, p.span.start + end),
                reason: Reason::Dateline,
            });
        }
    }
    None
}

/// Paragraphs of more than this many words read as running text, shorter ones as links, menu
/// items, labels and titles: Kohlschütter et al. (2010) found the split between boilerplate and
/// full-text blocks at 15-16 words per block.
const TEXT_WORDS: usize = 15;

/// How far after the headline, in paragraphs, the lede (and its dateline) may start.
const LEDE_REACH: usize = 6;

/// How many short or flagged paragraphs make a run of links (a menu, a list of related stories,
/// a comment header and its buttons) rather than a heading, a byline and a date.
const LINK_RUN: usize = 3;

/// How many short paragraphs right before the main body are kept as its headline: the title and
/// the deck, byline or date line under it.
const HEADLINE_KEEP: usize = 2;

/// Whether a paragraph is a Markdown heading: one to six `#` and a space.
fn is_markdown_heading(ptext: &str) -> bool {
    let t = ptext.trim_start();
    let hashes = t.len() - t.trim_start_matches('#').len();
    (1..=6).contains(&hashes) && t[hashes..].starts_with(' ')
}

/// Whether a paragraph reads as program code (a page's script left in its text), with more than
/// one brace, `;`, `=`, `<` or `>` per eight words: running text has a semicolon or two per
/// hundred, and tables of results have parentheses, not these. Code is no body text, however
/// long: a 142-word script at the top of an L3S page was taken for its main body, and the
/// article below it for the page's tail.
fn is_code(ptext: &str, words: usize) -> bool {
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
fn layout(text: &str, paras: &[Paragraph], first_content: usize, cues: &mut [Option<Segment>]) {
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
    let Some((first, last)) = body else {
        return;
    };
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
    let nonempty_after = |k: usize| (k + 1..paras.len()).find(|&q| paras[q].word_count() > 0);
    let sentence = |k: usize| !flagged[k] && ends_sentence(&text[paras[k].span.range()]);
    let mut tail = last + 1;
    while tail < paras.len() {
        if paras[tail].word_count() == 0 || sentence(tail) {
            tail += 1;
        } else if let Some(next) = nonempty_after(tail).filter(|&q| flagged[tail] && sentence(q)) {
            tail = next;
        } else {
            break;
        }
    }
    let evidence = (tail..paras.len())
        .filter(|&k| paras[k].word_count() > 0 && (flagged[k] || short(k)))
        .count();
    if evidence >= LINK_RUN {
        for k in tail..paras.len() {
            if paras[k].word_count() > 0 && !flagged[k] {
                mark(cues, k, Reason::PageTail);
            }
        }
    }
}

/// A page's first paragraphs that open with a call to action and are at most this long are calls
/// to action, not its headline.
const HEADLINE_CALL_WORDS: usize = 8;

/// Whether `words` (lower-cased) open with a call to action.
fn opens_with_call(words: &[String]) -> bool {
    CALLS
        .iter()
        .any(|c| words.len() >= c.len() && words[..c.len()] == **c)
}

/// Phrases that mark a paragraph as a call to action, in three kinds: calls that are nothing
/// else ("click here", "share this"), which count where a clause opens with them; calls that
/// are also instructions (from [`SOFT_CALLS`] on: "sign up", "subscribe", "read more"), which
/// count in a sentence of more than [`SHORT_CALL_WORDS`] words only when it addresses the
/// reader as a site does ([`SITE_WORDS`], or a price: "Sign up for our newsletter", not a
/// how-to's "Sign up for a free account at github.com"); and
/// link labels (from [`CALL_LABELS`] on).
const CALLS: &[&[&str]] = &[
    &["click", "here"],
    &["tap", "here"],
    &["follow", "us"],
    &["like", "us", "on"],
    &["share", "this"],
    &["share", "on"],
    &["watch", "now"],
    &["print", "this"],
    &["email", "this"],
    &["e", "mail", "this"],
    &["back", "to", "top"],
    &["leave", "a", "comment"],
    &["post", "a", "comment"],
    &["join", "the", "conversation"],
    // Also instructions.
    &["click", "to"],
    &["subscribe"],
    &["sign", "up"],
    &["newsletter"],
    &["newsletters"],
    &["download", "the"],
    &["read", "more"],
    &["continue", "reading"],
    &["read", "the", "full"],
    &["skip", "to"],
    &["be", "the", "first", "to"],
    // German, Spanish, French, Italian, Portuguese.
    &["abonnieren"],
    &["suscríbete"],
    &["suscríbase"],
    &["abonnez", "vous"],
    &["iscriviti"],
    &["assine"],
    &["lesen", "sie", "auch"],
    &["lee", "también"],
    &["lea", "también"],
    &["lire", "aussi"],
    &["leggi", "anche"],
    &["leia", "também"],
    // Link labels.
    &["advertisement"],
    &["sponsored"],
    &["log", "in"],
    &["login"],
    &["privacy", "policy"],
    &["terms", "of", "use"],
    &["terms", "of", "service"],
    &["cookie", "policy"],
    &["contact", "us"],
    &["recommended", "for", "you"],
    &["most", "popular"],
    &["most", "read"],
    &["more", "stories"],
    &["related", "coverage"],
];

/// Where [`CALLS`]' calls that are also instructions start.
const SOFT_CALLS: usize = 14;

/// Where [`CALLS`]' link labels start: they are calls only in a short line or a line that is no
/// sentence ("Most popular", "Privacy Policy | Contact Us"); a sentence uses them as words, even
/// at its start ("Most read the decision as a defeat", "To log in, customers will now need a
/// code").
const CALL_LABELS: usize = 37;

/// Words with which a site addresses its reader: a sentence holding a call that is also an
/// instruction is a call only with one of them.
const SITE_WORDS: &[&str] = &[
    // German, Spanish, French, Italian, Portuguese.
    "unser",
    "unseren",
    "unseres",
    "nuestro",
    "nuestra",
    "nuestros",
    "boletín",
    "notre",
    "nos",
    "nostro",
    "nostra",
    "nosso",
    "nossa",
    "our",
    "us",
    "here",
    "now",
    "today",
    "newsletter",
    "newsletters",
    "inbox",
    "trial",
    "access",
    "alerts",
    "offer",
];

/// Words that, alone or followed by a colon, make a label line.
const LABELS: &[&[&str]] = &[
    &["categorized", "in"],
    &["categorised", "in"],
    &["categories"],
    &["category"],
    &["tags"],
    &["tagged"],
    &["tagged", "with"],
    &["filed", "under"],
    &["posted", "in"],
    &["topics"],
    &["related"],
    &["related", "articles"],
    &["related", "stories"],
    &["related", "topics"],
    &["keywords"],
    &["share"],
    &["like", "this"],
    &["see", "also"],
    &["more", "on"],
    &["read", "also"],
    // German, Spanish, French, Italian, Portuguese.
    &["schlagwörter"],
    &["themen"],
    &["kategorie"],
    &["kategorien"],
    &["lesen", "sie", "auch"],
    &["mehr", "zum", "thema"],
    &["etiquetas"],
    &["temas"],
    &["categorías"],
    &["lee", "también"],
    &["lea", "también"],
    &["noticias", "relacionadas"],
    &["mots", "clés"],
    &["catégories"],
    &["lire", "aussi"],
    &["à", "lire", "aussi"],
    &["voir", "aussi"],
    &["leggi", "anche"],
    &["argomenti"],
    &["leia", "também"],
    &["veja", "também"],
];

/// Whether each word of paragraph `p` opens a clause: the paragraph's first word, or one after
/// punctuation that ends a sentence or a clause, or after a separator ("Home | Subscribe").
fn clause_opens(text: &str, seg: &Segmented, p: &Paragraph) -> Vec<bool> {
    let mut previous_end = None;
    seg.words[p.words.clone()]
        .iter()
        .map(|w| {
            let opens = previous_end.map_or(true, |end| {
                let gap = &text[end..w.start as usize];
                // A hyphen only with space around it ("TV - just sign up"), not "e-mail".
                gap.contains(CLAUSE_ENDS)
                    || (gap.contains('-') && gap.contains(char::is_whitespace))
            });
            previous_end = Some(w.end as usize);
            opens
        })
        .collect()
}

/// What ends a clause before a call to action ("For more news, sign up …").
const CLAUSE_ENDS: &[char] = &[
    '.', '!', '?', ':', ';', ',', '|', '\n', '»', '›', '•', '·', '–', '—', '(', ')', '[', ']', '>',
];

/// A paragraph of at most this many words is a call to action when it holds a call anywhere
/// ("You can follow us on Twitter"), and so is a line that is no sentence ("Help Sitemap Home
/// Contact Us"); a longer sentence only when a clause of it opens with the call. In running text
/// "sign up", "most popular" or "privacy policy" are ordinary words ("She didn't sign up for
/// this", "the most popular image was …"): on L3S-GN1, 67 of the 80 article words the old rule
/// (a call anywhere in 25 words) removed.
const SHORT_CALL_WORDS: usize = 8;

/// Words that may stand between a clause's start and its call ("Please sign up", "and follow
/// us").
const CALL_LEADS: &[&str] = &["please", "and", "or", "then", "now", "just"];

/// Whether a paragraph (`ptext`, its `words` lower-cased, `opens[i]` when word `i` opens a
/// clause) holds a call to action.
fn is_call(ptext: &str, words: &[String], opens: &[bool]) -> bool {
    let n = words.len();
    let sentence = ptext
        .trim_end_matches(|c: char| c.is_whitespace() || "\"'”’)".contains(c))
        .ends_with(['.', '!', '?']);
    let anywhere = n <= SHORT_CALL_WORDS || !sentence;
    let placed = |i: usize| {
        anywhere
            || opens[i]
            || (i > 0 && opens[i - 1] && CALL_LEADS.contains(&words[i - 1].as_str()))
    };
    let get_app = words.iter().enumerate().any(|(g, w)| {
        (w == "get" || w == "download")
            && placed(g)
            && words[g..].iter().take(7).any(|w| w == "app")
    });
    // "Follow Radio North on Facebook and Instagram": a site names itself where it says "us".
    // ("Follow the threads back far enough" is no call: a network comes after "on".)
    let follow = words.iter().enumerate().any(|(f, w)| {
        w == "follow"
            && placed(f)
            && words[f..]
                .windows(2)
                .take(7)
                .any(|w| w[0] == "on" && SOCIAL_NETWORKS.contains(&w[1].as_str()))
    });
    let site = || {
        words.iter().any(|w| SITE_WORDS.contains(&w.as_str()))
            || ptext.contains(['$', '\u{a3}', '\u{20ac}'])
    };
    get_app
        || follow
        || CALLS.iter().enumerate().any(|(k, c)| {
            words.windows(c.len()).enumerate().any(|(i, w)| {
                let counts = match k {
                    k if k < SOFT_CALLS => placed(i),
                    k if k < CALL_LABELS => placed(i) && (anywhere || site()),
                    _ => anywhere,
                };
                counts && w.iter().zip(*c).all(|(a, b)| a == b)
            })
        })
}

/// Networks a site asks its readers to follow it on.
const SOCIAL_NETWORKS: &[&str] = &[
    "facebook",
    "twitter",
    "instagram",
    "linkedin",
    "tiktok",
    "youtube",
    "threads",
    "bluesky",
    "mastodon",
    "whatsapp",
    "telegram",
];

fn contains_seq(words: &[String], seq: &[&str]) -> bool {
    words
        .windows(seq.len())
        .any(|w| w.iter().zip(seq).all(|(a, b)| a == b))
}

/// A cue that marks the whole paragraph, for a paragraph of at most 30 words.
fn cue(ptext: &str, words: &[String], opens: &[bool], headline: bool) -> Option<Reason> {
    let trimmed = ptext.trim();
    let n = words.len();
    if n <= 12 {
        // How many words (split at white space) stand before the first colon, if there is one.
        let head = trimmed
            .find(':')
            .map(|c| trimmed[..c].split_whitespace().count());
        for label in LABELS {
            let starts = words.len() >= label.len()
                && words[..label.len()].iter().zip(*label).all(|(a, b)| a == b);
            if starts && (head == Some(label.len()) || n == label.len()) {
                return Some(Reason::Label);
            }
        }
    }
    if headline {
        return None;
    }
    if n <= 25 && is_call(ptext, words, opens) {
        return Some(Reason::CallToAction);
    }
    if n <= 30
        && (trimmed.contains('©')
            || contains_seq(words, &["all", "rights", "reserved"])
            || (words[0] == "copyright" && n <= 15))
    {
        return Some(Reason::Copyright);
    }
    // A wire's credit line names several people ("(Reporting by Anna Lindqvist and Jonas
    // Weber; Editing by Peter Graves)"), and a byline its outlet and the time ("By Anna
    // Lindqvist, Continental Wire Service | Published 12 March 2024, 10:42 GMT"): every word
    // after "by" but the joining ones is a name, a figure or a label, capitalised.
    let parenthesised = trimmed.starts_with('(') && trimmed.ends_with(')');
    let names = |from: usize| {
        trimmed.split_whitespace().skip(from).all(|w| {
            let w = w.trim_start_matches(['(', ';', ',']);
            !w.starts_with(char::is_lowercase)
                || BYLINE_WORDS.contains(&w.trim_end_matches([';', ',', ')']))
        })
    };
    // Past ten words, a byline goes on after its names with the outlet or the time, after a
    // separator ("By Anna Lindqvist, Continental Wire Service | Published 12 March 2024"); a
    // deck in title case does not ("By Train, Bus And Ferry: How To Cross Europe …").
    let dated = || {
        trimmed.contains(['|', ',', '\u{2014}', '\u{2013}'])
            && words.iter().any(|w| {
                w.starts_with(|c: char| c.is_ascii_digit())
                    || MONTHS.contains(&w.trim_end_matches('.'))
                    || DATE_LABELS.contains(&w.as_str())
                    || TIME_WORDS.contains(&w.as_str())
            })
    };
    let by = ["by", "por", "von", "par", "di"].contains(&words[0].as_str())
        && n >= 3
        && (n <= 10 || (n <= 16 && dated()))
        && names(1);
    let credit = CREDITS.contains(&words[0].as_str())
        && words.get(1).is_some_and(|w| w == "by")
        && (n <= 10 || (parenthesised && n <= 30 && names(0)));
    if by || credit {
        return Some(Reason::Byline);
    }
    // A wire's note on what an update changed: "(Adds death of worker, prosecutor statement in
    // paragraphs 1-5; updates evacuation)", a list, where a sentence in brackets ends as one
    // ("(Changes to the scheme mean … , the ministry said.)").
    let sentence = trimmed
        .trim_end_matches(')')
        .trim_end()
        .ends_with(['.', '!', '?']);
    if parenthesised && n <= 20 && !sentence && WIRE_NOTES.contains(&words[0].as_str()) {
        return Some(Reason::Metadata);
    }
    None
}

/// Words in a byline that are not capitalised names: joining words, name particles, a job.
const BYLINE_WORDS: &[&str] = &[
    "and",
    "in",
    "by",
    "with",
    "from",
    "de",
    "van",
    "von",
    "der",
    "den",
    "da",
    "di",
    "del",
    "du",
    "la",
    "le",
    "al",
    "bin",
    "staff",
    "writer",
    "reporter",
    "correspondent",
    "editor",
    "a.m.",
    "p.m.",
    "y",
    "und",
    "et",
    "e",
    // Months in lower case (Spanish, French, Italian, Portuguese): "12 de marzo de 2024".
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "janeiro",
    "fevereiro",
    "março",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
];

/// First words of a credit line, before "by": "Reporting by …".
const CREDITS: &[&str] = &[
    "reporting",
    "editing",
    "written",
    "writing",
    "additional",
    "compiled",
    "posted",
    "photo",
    "photos",
];

/// First words of a wire's note on an update, in brackets.
const WIRE_NOTES: &[&str] = &[
    "adds", "updates", "recasts", "corrects", "changes", "fixes", "repeats", "refiles", "removes",
    "rewrites", "moves", "inserts",
];

/// An all-caps line of at most this many words between two paragraphs of running text is a
/// sub-heading of the article ("WHAT HAPPENS NEXT"); another story's headline inserted in it is
/// longer ("KAMALA HARRIS SLAMMED BY TEXAS LAWMAKER FOR NEW BORDER EXCUSE").
const SUBHEADING_WORDS: usize = 6;

/// Whether paragraph `i` is a short line (not a label: no colon at its end) between two
/// paragraphs of running text.
fn is_subheading(text: &str, seg: &Segmented, i: usize) -> bool {
    let paras = &seg.paragraphs;
    let p = &paras[i];
    let text_at = |k: Option<usize>| k.is_some_and(|k| is_text(text, &paras[k]));
    let before = (0..i).rev().find(|&k| paras[k].word_count() > 0);
    let after = (i + 1..paras.len()).find(|&k| paras[k].word_count() > 0);
    p.word_count() <= SUBHEADING_WORDS
        && !text[p.span.range()].trim_end().ends_with(':')
        && text_at(before)
        && text_at(after)
}

/// An all-caps line of three or more words: another story's headline inserted in this one.
fn is_all_caps_headline(ptext: &str, words: usize) -> bool {
    if words < 3 {
        return false;
    }
    let (mut upper, mut total) = (0, 0);
    for (at, c) in ptext.char_indices().filter(|(_, c)| c.is_alphabetic()) {
        total += 1;
        upper += usize::from(c.is_uppercase());
        // Stop once the letters left (at most the bytes left) cannot make it: running text
        // is ruled out within its first words, where scanning it all cost 4% of the run.
        let most = total + ptext.len() - at - c.len_utf8();
        if (total - upper) * 10 > most {
            return false;
        }
    }
    total >= 12 && upper * 10 >= total * 9
}

/// Marks paragraphs that are navigation: separated menu items ("Home | News") or runs of three or
/// more very short paragraphs without sentence punctuation.
fn navigation_runs(text: &str, seg: &Segmented) -> Vec<Menu> {
    let paras = &seg.paragraphs;
    let short = |p: &Paragraph| {
        let t = text[p.span.range()].trim();
        p.word_count() <= 4
            && !t.ends_with(['.', '!', '?', '"', '\u{201D}', ':'])
            && p.first_line == p.last_line
    };
    let mut nav = vec![Menu::No; paras.len()];
    let mut i = 0;
    while i < paras.len() {
        let mut j = i;
        while j < paras.len() && short(&paras[j]) && paras[j].word_count() > 0 {
            j += 1;
        }
        if j - i >= 3 {
            if !amid_text(text, paras, i, j) {
                nav[i..j].iter_mut().for_each(|x| *x = Menu::Run);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    for (i, p) in paras
        .iter()
        .enumerate()
        .filter(|(_, p)| p.word_count() <= 30)
    {
        let t = &text[p.span.range()];
        let seps = t.matches(" | ").count()
            + t.matches('»').count()
            + t.matches('›').count()
            + t.matches(" > ").count()
            + t.matches('•').count();
        if seps >= 2 && !markdown_table(t) {
            nav[i] = Menu::Separated;
        }
    }
    nav
}

/// Whether `t` is a Markdown table: every line starts with `|`, and one is its header's rule
/// (`|---|:--:|`). Its cells are separated like a menu's links, but they are the text's data.
fn markdown_table(t: &str) -> bool {
    let rule = |line: &str| {
        line.contains('-')
            && line
                .chars()
                .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
    };
    let mut lines = t.lines().map(str::trim).filter(|l| !l.is_empty());
    lines.clone().all(|l| l.starts_with('|')) && lines.any(rule)
}

/// Whether the short paragraphs `i..j` are a list or the lines of a verse inside a text rather
/// than a menu: they stand between two paragraphs of more than [`TEXT_WORDS`] words (Markdown
/// headings passed over), and either each is a list item ("- 2 leeks", "3. Stir") or a Markdown
/// heading, or those two
/// paragraphs run over several lines (a poem's stanzas, hard-wrapped text; a scraped page puts
/// each paragraph on one line). A share bar between two one-line paragraphs stays a menu.
fn amid_text(text: &str, paras: &[Paragraph], i: usize, j: usize) -> bool {
    let body = |k: &usize| {
        let p = &paras[*k];
        p.word_count() > 0 && !text[p.span.range()].starts_with('#')
    };
    let (before, after) = ((0..i).rev().find(body), (j..paras.len()).find(body));
    let long = |k: Option<usize>| k.is_some_and(|k| paras[k].word_count() > TEXT_WORDS);
    let lines = |k: Option<usize>| k.is_some_and(|k| paras[k].last_line > paras[k].first_line);
    let item = |k: usize| {
        let t = text[paras[k].span.range()].trim_start();
        t.starts_with(['-', '*', '+', '\u{2022}', '#'])
            || t.split_once(['.', ')'])
                .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    long(before)
        && long(after)
        && ((i..j).all(|k| paras[k].word_count() == 0 || item(k))
            || (lines(before) && lines(after)))
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];
const DATE_LABELS: &[&str] = &[
    "date",
    "published",
    "updated",
    "posted",
    "modified",
    "dated",
    // German, Spanish, French, Italian, Portuguese.
    "datum",
    "stand",
    "veröffentlicht",
    "aktualisiert",
    "fecha",
    "publicado",
    "actualizado",
    "publié",
    "pubblicato",
    "aggiornato",
    "atualizado",
];

/// Words that label a date only after a label ("Posted on", "Last updated"): alone they open
/// sentences ("On March 3, 2021, the company told …").
const DATE_LABEL_LINKS: &[&str] = &["last", "on"];
const TIME_WORDS: &[&str] = &[
    "am", "pm", "a.m", "p.m", "gmt", "utc", "et", "est", "edt", "pt", "pst", "pdt", "bst", "cet",
    "cest", "uhr",
];

/// End byte of a date prefix at the start of paragraph `p` (" date 2021-04-26 ",
/// "Published: March 3, 2021 10:30 am", "16 January 2008"), if there is one.
fn date_prefix(text: &str, seg: &Segmented, p: &Paragraph) -> Option<usize> {
    let ws = &seg.words[p.words.clone()];
    let word = |i: usize| {
        ws.get(i)
            .map(|w| text[w.start as usize..w.end as usize].to_lowercase())
    };
    let is_num = |s: &str, max: u32| s.parse::<u32>().is_ok_and(|v| v >= 1 && v <= max);
    let is_year =
        |s: &str| s.len() == 4 && s.parse::<u32>().is_ok_and(|v| (1900..2100).contains(&v));
    let mut i = 0;
    while i < 3
        && word(i).is_some_and(|w| {
            DATE_LABELS.contains(&w.as_str())
                || (DATE_LABEL_LINKS.contains(&w.as_str())
                    && word(i + 1).is_some_and(|n| DATE_LABELS.contains(&n.as_str())))
                || (i > 0 && DATE_LABEL_LINKS.contains(&w.as_str()))
        })
    {
        i += 1;
    }
    let labelled = i > 0;
    let (a, b, c) = (
        word(i)?,
        word(i + 1).unwrap_or_default(),
        word(i + 2).unwrap_or_default(),
    );
    let month = |s: &str| MONTHS.contains(&s.trim_end_matches('.'));
    let numeric_date = |a: &str, b: &str, c: &str| {
        (is_year(a) && is_num(b, 12) && is_num(c, 31))
            || (is_num(a, 31) && is_num(b, 31) && (is_year(c) || is_num(c, 99)))
    };
    // "25.11.2026" is one word (UAX #29 joins digits across a full stop). Its month has two
    // digits, its year two or four: "3.5.7" and "1.2.10" are versions.
    let dotted = match a.split('.').collect::<Vec<_>>()[..] {
        [x, y, z] => {
            let day_first = x.len() <= 2 && matches!(z.len(), 2 | 4);
            let year_first = x.len() == 4 && z.len() == 2;
            y.len() == 2 && (day_first || year_first) && numeric_date(x, y, z)
        }
        _ => false,
    };
    let numeric = dotted || numeric_date(&a, &b, &c);
    let named = (month(&a) && is_num(&b, 31) && is_year(&c))
        || (is_num(&a, 31) && month(&b) && is_year(&c));
    if !numeric && !named {
        return None;
    }
    let date_len = if dotted { 1 } else { 3 };
    // What stands between the date's words.
    let gaps: Vec<&str> = (i..i + date_len - 1)
        .map(|k| &text[ws[k].end as usize..ws[k + 1].start as usize])
        .collect();
    // Only separators may.
    let seps_ok = gaps
        .iter()
        .all(|g| g.chars().all(|c| matches!(c, '-' | '/' | '.' | ',' | ' ')));
    // Unlabelled, figures alone make a date only joined by `-`, `/` or `.` ("2021-04-26",
    // "1/18/2008"): "12 15 18 21 24: the sequence continues" opens with figures, not a date.
    let joined = gaps.iter().all(|g| g.contains(['-', '/', '.']));
    if !seps_ok || (numeric && !named && !joined && !labelled) {
        return None;
    }
    let mut end = i + date_len;
    // A time may follow: "10:30 am EDT".
    while end < ws.len() && end < i + date_len + 4 {
        let w = word(end)?;
        let digits = w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 2;
        if digits || TIME_WORDS.contains(&w.as_str()) {
            end += 1;
        } else {
            break;
        }
    }
    let mut byte = ws[end - 1].end as usize;
    let next = ws.get(end).map_or(p.span.end, |w| w.start as usize);
    let gap = &text[byte..next];
    // An unlabelled date that a sentence goes on from is the sentence's subject or its opening
    // phrase ("15 June 2021 was the last day …", "March 3, 2021, the company …"), not metadata.
    // ("January 6, 2021, Congress met …": after a comma, any word goes on.)
    let goes_on = ws.get(end).is_some_and(|w| {
        (text[w.start as usize..].starts_with(char::is_lowercase) || gap.trim() == ",")
            && !gap.contains([
                '|', '-', '\u{2013}', '\u{2014}', ':', '\n', '\u{b7}', '\u{2022}',
            ])
    });
    if !labelled && goes_on {
        return None;
    }
    // Swallow trailing separators and spaces, up to the next word.
    if gap.chars().all(|c| !c.is_alphanumeric()) && !gap.contains(['"', '\u{201C}', '(']) {
        byte = next;
    }
    Some(byte)
}

/// Words in capitals that open a note or a label, not a dateline.
const NOT_PLACES: &[&str] = &[
    "NOTE",
    "NOTES",
    "NB",
    "PS",
    "TIP",
    "TIPS",
    "WARNING",
    "CAUTION",
    "IMPORTANT",
    "UPDATE",
    "UPDATED",
    "CORRECTION",
    "EDITOR",
    "EDITORS",
    "FYI",
    "Q",
    "A",
    "FAQ",
    "STEP",
];

/// End byte (relative to the paragraph) of a dateline prefix: an all-caps first word and at most
/// six words before a spaced dash in the first 60 bytes ("WASHINGTON (Reuters) - ",
/// "CNN – Washington D.C. – ").
fn dateline_prefix(ptext: &str) -> Option<usize> {
    let lead = ptext.len() - ptext.trim_start().len();
    let first = ptext[lead..].split_whitespace().next()?;
    let letters: Vec<char> = first.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 || !letters.iter().all(|c| c.is_uppercase()) {
        return None;
    }
    // A label in capitals opens a note, not a dateline ("NOTE - Use the ripest tomatoes").
    let word: String = letters.iter().collect();
    if NOT_PLACES.contains(&word.as_str()) {
        return None;
    }
    let mut end = None;
    for (pos, c) in ptext.char_indices() {
        if pos > 60 {
            break;
        }
        if !matches!(c, '-' | '\u{2013}' | '\u{2014}') {
            continue;
        }
        let after_pos = pos + c.len_utf8();
        // Spaced on both sides on its line: a space, a tab or a no-break space.
        let spacing = |c: char| matches!(c, ' ' | '\t' | '\u{a0}');
        let Some(space) = ptext[after_pos..].chars().next().filter(|&c| spacing(c)) else {
            continue;
        };
        if !ptext[..pos].ends_with(spacing) {
            continue;
        }
        let words: Vec<&str> = ptext[..pos].split_whitespace().collect();
        // A dateline names a place, an agency, a date: no word before its dash starts in lower
        // case ("NASA engineers - who had …" is a sentence), and the words before its first dash
        // are capitals, a date or an agency in brackets ("NEW YORK, Jan. 5 (AP) —"); a name may
        // follow only after them ("CNN – Washington D.C. –"). "US President Joe Biden - facing
        // …" is a sentence's subject.
        let lower = words.iter().any(|w| {
            w.trim_start_matches(|c: char| !c.is_alphanumeric())
                .starts_with(char::is_lowercase)
        });
        if words.len() > 6 || lower || (end.is_none() && !words.iter().all(|w| dateline_word(w))) {
            break;
        }
        end = Some(after_pos + space.len_utf8());
    }
    end
}

/// Whether a word may stand in a dateline's first part: in capitals ("WASHINGTON", "D.C."), a
/// number or a month ("Jan. 5,"), or in brackets ("(Reuters)").
fn dateline_word(word: &str) -> bool {
    let core = word.trim_matches(|c: char| ",.:;".contains(c));
    core.starts_with('(')
        || core.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
        || MONTHS.contains(&core.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(text: &str) -> Vec<(String, Reason)> {
        let seg = Segmented::new(text);
        find(&[(text, &seg)], &[0])[0]
            .iter()
            .map(|s| (text[s.span.range()].to_string(), s.reason))
            .collect()
    }

    const BODY: &str = "The officials met on Monday and talked about the plan for a long time.";

    #[test]
    fn cues_inside_one_document() {
        let text = format!(
            " date 2021-04-26 {BODY}\n\nKAMALA HARRIS SLAMMED BY TEXAS LAWMAKER FOR NEW BORDER EXCUSE\n\n{BODY}\n\nCLICK HERE TO GET THE FOX NEWS APP\n\n{BODY}\n\nLike this:\nLike Loading...\n\nCategorized in:"
        );
        let found = reasons(&text);
        assert_eq!(
            found.iter().map(|f| f.1).collect::<Vec<_>>(),
            [
                Reason::Metadata,
                Reason::InsertedHeadline,
                Reason::CallToAction,
                Reason::Label,
                Reason::Label
            ]
        );
        assert_eq!(found[0].0, " date 2021-04-26 ");
    }

    #[test]
    fn headlines_and_subheadings_are_content() {
        let text = format!("HARRIS AIMS TO TACKLE ROOT CAUSES OF MIGRATION\n\n{BODY}\n\nKamala Harris's goal\n\n{BODY}");
        assert!(reasons(&text).is_empty(), "{:?}", reasons(&text));
    }

    #[test]
    fn a_call_to_action_opening_the_page_is_not_its_headline() {
        // Taken as the headline, the call was kept and the real headline after it flagged as
        // another story's, inserted.
        let text =
            format!("Advertisement\n\nHARRIS AIMS TO TACKLE ROOT CAUSES OF MIGRATION\n\n{BODY}");
        assert_eq!(
            reasons(&text),
            [("Advertisement".to_string(), Reason::CallToAction)]
        );
        // A headline that merely starts like one, but is long, stays.
        let text = format!(
            "Sign up for flu shots now, health officials urge residents of the county\n\n{BODY}"
        );
        assert!(reasons(&text).is_empty(), "{:?}", reasons(&text));
    }

    #[test]
    fn all_caps_sub_headings_are_content_but_inserted_headlines_are_not() {
        let text = format!(
            "Council passes the budget\n\n{LONG}\n\nWHAT THE PLAN COSTS\n\n{LONG}\n\n\
             KAMALA HARRIS SLAMMED BY TEXAS LAWMAKER FOR NEW BORDER EXCUSE\n\n{LONG}\n\n\
             WHAT HAPPENS NEXT\n\n{LONG}\n\nMORE FROM THE NEWS DESK:\n\n{LONG}"
        );
        assert_eq!(
            reasons(&text),
            [
                (
                    "KAMALA HARRIS SLAMMED BY TEXAS LAWMAKER FOR NEW BORDER EXCUSE".to_string(),
                    Reason::InsertedHeadline
                ),
                (
                    "MORE FROM THE NEWS DESK:".to_string(),
                    Reason::InsertedHeadline
                ),
            ]
        );
    }

    #[test]
    fn call_words_inside_a_sentence_are_content() {
        for sentence in [
            "\"She could have said, 'Sorry, but I didn't sign up for this.' Instead, she's done it joyfully.\"",
            "Regardless of their height, the most popular image was the one with longer legs.",
            "Facebook changed its privacy policy on Tuesday, and thousands of users complained.",
            "So why should one sign up for this network rather than the big global names?",
            // Link labels at a sentence's start are its words.
            "To log in, customers will now need a code sent to their phones, the bank said.",
            "Most read the decision as a defeat for the government, though some disagreed.",
            "In the survey, most popular were the savings accounts with no fees at all.",
            // Instructions, not a site's calls.
            "Sign up for a free account at github.com and verify your email address first.",
            "Subscribe to notifications for the repository so that you hear about new issues.",
            "## Step 1: Sign Up for an Account",
        ] {
            let text = format!("HEADLINE OF THE STORY\n\n{BODY}\n\n{sentence}\n\n{BODY}");
            assert!(reasons(&text).is_empty(), "{sentence}: {:?}", reasons(&text));
        }
        for call in [
            "Want more stories like this? Sign up for our free daily newsletter today.",
            "For the latest news from the region, subscribe to our morning briefing.",
            "WIN a fantastic plasma TV - just sign up now for our fantasy cricket game this week.",
            "Help Sitemap Home Skip Navigation Contact Us Disability Statement",
            "Be the first to post a comment on this story. Send us your emails.",
            // Short lines count whatever their words (so "Read more than you write." would too).
            "Subscribe for daily updates.",
            "Read the full story.",
            "Subscribe to The Times for just $1 a week.",
        ] {
            let text = format!("HEADLINE OF THE STORY\n\n{BODY}\n\n{call}\n\n{BODY}");
            assert_eq!(
                reasons(&text),
                [(call.to_string(), Reason::CallToAction)],
                "{call}"
            );
        }
    }

    #[test]
    fn a_markdown_table_is_no_menu() {
        let table = "| Region | Quarter | Revenue | Margin |\n|---|---|---|---|\n| North | Q1 | 412.5 | 11.2% |\n| South | Q1 | 287.3 | 8.4% |";
        let text = format!("Results by region\n\n{LONG}\n\n{table}\n\n{LONG}\n");
        assert!(reasons(&text).is_empty(), "{:?}", reasons(&text));
        // A menu of links separated by bars still is one.
        let text = format!("Home | News | Sport | Weather\n\n{LONG}\n\n{LONG}\n");
        assert_eq!(reasons(&text)[0].1, Reason::Navigation);
    }

    #[test]
    fn navigation_and_bylines() {
        let text = format!("Home\n\nNews\n\nSports\n\nWeather\n\nTitle of the story here\n\nBy Jane Doe and John Roe\n\n{BODY}");
        let found = reasons(&text);
        assert_eq!(
            found.iter().filter(|f| f.1 == Reason::Navigation).count(),
            4
        );
        assert!(found.iter().any(|f| f.1 == Reason::Byline));
    }

    #[test]
    fn dates_that_open_a_sentence_are_content() {
        for (para, date) in [
            (
                "On March 3, 2021, the company told its employees about the plan.",
                None,
            ),
            (
                "15 June 2021 was the last day of production at the old mill.",
                None,
            ),
            (
                "January 6, 2021, Congress met to certify the election results.",
                None,
            ),
            ("12 15 18 21 24: the sequence continues by threes", None),
            ("Published: 12 04 2021", Some("Published: 12 04 2021")),
            ("1/18/2008 | Markets slip again", Some("1/18/2008 | ")),
            ("25.11.2026 | Märkte geben nach", Some("25.11.2026 | ")),
            ("2026.11.25 - Markets slip again", Some("2026.11.25 - ")),
            (
                "Aktualisiert: 25.11.26 10:30",
                Some("Aktualisiert: 25.11.26 10:30"),
            ),
            (
                "Stand: 25.11.2026, 10:30 Uhr | Märkte",
                Some("Stand: 25.11.2026, 10:30 Uhr | "),
            ),
            ("Updated: 25.11.26 10:30", Some("Updated: 25.11.26 10:30")),
            ("3.5.7 is the version that fixed it.", None),
            ("3.5.7 - Fixed a crash on start", None),
            ("1.2.10: Added support for tabs", None),
            ("2.0.1 Released With Many Fixes", None),
            ("25.11.2026 war ein kalter Tag in Berlin.", None),
            // With the byline after it, the line goes whole.
            (
                "Posted on March 3, 2021 by the news desk",
                Some("Posted on March 3, 2021 by the news desk"),
            ),
            (
                "Posted on March 3, 2021 | The storm closed the harbour",
                Some("Posted on March 3, 2021 | "),
            ),
            (
                "Last updated: 28 December 2007, 11:12",
                Some("Last updated: 28 December 2007, 11:12"),
            ),
            (
                "16 January 2008 | Markets slip again",
                Some("16 January 2008 | "),
            ),
        ] {
            let text = format!("HEADLINE OF THE STORY\n\n{BODY}\n\n{para}\n\n{BODY}");
            let found = reasons(&text);
            let metadata: Vec<&str> = found
                .iter()
                .filter(|f| f.1 == Reason::Metadata)
                .map(|f| f.0.as_str())
                .collect();
            assert_eq!(metadata, Vec::from_iter(date), "{para}");
        }
    }

    #[test]
    fn short_lines_amid_text_are_a_list_or_verse_not_a_menu() {
        let recipe = format!(
            "Winter soup\n\n{LONG}\n\n## Ingredients\n\n- 2 leeks\n\n- 3 potatoes\n\n\
             - 1 litre stock\n\n- salt\n\n## Method\n\n{LONG}"
        );
        assert!(reasons(&recipe).is_empty(), "{:?}", reasons(&recipe));
        let poem = "Winter Field\n\nI walked the frozen field at dawn\nand found the fence the \
                    wind had torn,\nthe posts like teeth along the hill,\nthe crows upon the \
                    wire, still.\n\nNo sound\n\nNo breath\n\nNo light\n\nThen from the barn a \
                    door swung wide\nand someone called my name inside,\nand all the white and \
                    silent land\ncame back to me, a kinder hand.";
        assert!(reasons(poem).is_empty(), "{:?}", reasons(poem));
        // Facts closing an article with no web furniture are its own, and so is the credit.
        let facts = format!(
            "Lemon chicken\n\n{LONG}\n\n{LONG}\n\nPrep time: 10 minutes\n\nCook time: 40 minutes\n\n\
             Serves 4\n\nAdapted from a recipe by my grandmother, Rosa"
        );
        assert!(reasons(&facts).is_empty(), "{:?}", reasons(&facts));
        // Counters are no facts: a share bar with its counts is a menu still.
        let counts = format!("Lemon chicken\n\n{LONG}\n\n{LONG}\n\nTweet 12\n\nShare 40\n\nPin 3");
        assert_eq!(
            reasons(&counts)
                .iter()
                .filter(|f| f.1 == Reason::Navigation)
                .count(),
            3
        );
        // A share bar between two paragraphs of a scraped page (each on one line) is a menu.
        let share = format!(
            "The title of the story today\n\n{LONG}\n\nFacebook\n\nTwitter\n\nEmail\n\n{LONG}"
        );
        assert_eq!(
            reasons(&share)
                .iter()
                .filter(|f| f.1 == Reason::Navigation)
                .count(),
            3
        );
        // A menu stands apart from the text: at the top of the page it is still one.
        let page =
            format!("Home\n\nNews\n\nSport\n\nWeather\n\nThe title of the story today\n\n{LONG}");
        assert_eq!(
            reasons(&page)
                .iter()
                .filter(|f| f.1 == Reason::Navigation)
                .count(),
            4
        );
    }

    #[test]
    fn datelines() {
        assert_eq!(
            dateline_prefix("WASHINGTON (Reuters) - The Senate voted."),
            Some(23)
        );
        assert_eq!(
            dateline_prefix("CNN \u{2013} Washington D.C. \u{2013} Vice President"),
            Some(28)
        );
        assert_eq!(dateline_prefix("The Senate - which voted - left."), None);
        assert_eq!(
            dateline_prefix("NASA engineers - who had spent a decade on it - cheered."),
            None
        );
        assert_eq!(
            dateline_prefix("US President Joe Biden - facing a tough fight - toured a plant."),
            None
        );
        assert_eq!(
            dateline_prefix("NEW YORK, Jan. 5 (AP) \u{2014} Stocks fell."),
            Some(26)
        );
        // A tab or a no-break space beside the dash, as scraped text has them; not a line
        // break (a label over a list).
        assert_eq!(
            dateline_prefix("CNN\t\u{2013} Washington D.C.\u{a0}\u{2013} Vice President"),
            Some(29)
        );
        assert_eq!(
            dateline_prefix("NOTE:\n- Bring your own water.\n- Dogs"),
            None
        );
        assert_eq!(dateline_prefix("NOTE - Use the ripest tomatoes."), None);
    }

    #[test]
    fn a_wire_story_s_furniture() {
        let text = format!(
            "Storm hits coast\n\n\
             By Anna Lindqvist, Continental Wire Service | Published 12 March 2024, 10:42 GMT\n\n\
             (Adds death of worker, prosecutor statement in paragraphs 1-5; updates evacuation)\n\n\
             HALLERTON, March 12 (CWS) - {LONG}\n\n{LONG}\n\n\
             Follow Radio North on Facebook and Instagram for the latest updates.\n\n\
             (Reporting by Anna Lindqvist and Jonas Weber; Editing by Peter Graves and Sarah Kent)"
        );
        let found = reasons(&text);
        let of = |r: Reason| -> Vec<&str> {
            found
                .iter()
                .filter(|f| f.1 == r)
                .map(|f| f.0.as_str())
                .collect()
        };
        assert_eq!(
            of(Reason::Byline),
            [
                "By Anna Lindqvist, Continental Wire Service | Published 12 March 2024, 10:42 GMT",
                "(Reporting by Anna Lindqvist and Jonas Weber; Editing by Peter Graves and Sarah \
                 Kent)"
            ]
        );
        assert_eq!(
            of(Reason::Metadata),
            ["(Adds death of worker, prosecutor statement in paragraphs 1-5; updates evacuation)"]
        );
        // Its dateline opens the lede, under the byline and the note.
        assert_eq!(of(Reason::Dateline), ["HALLERTON, March 12 (CWS) - "]);
        assert_eq!(
            of(Reason::CallToAction),
            ["Follow Radio North on Facebook and Instagram for the latest updates."]
        );
        // Look-alikes that are the article's own: a sentence that opens with "Reporting by", a
        // title-case deck opening with "By", a sentence in brackets, a following of threads.
        for own in [
            "Reporting by the regional paper in the spring showed that the dam had been neglected \
             for years, and the council was told so.",
            "By Train, Bus And Ferry: How To Cross Europe Without Flying This Summer",
            "(Changes to the scheme mean that most workers will retire a year later than they \
             had planned, the ministry said.)",
            "Follow the threads back far enough, the detective said, and they all lead to the \
             harbour.",
        ] {
            let text = format!("Storm hits coast\n\n{LONG}\n\n{own}\n\n{LONG}");
            assert_eq!(reasons(&text), [], "{own}");
        }
    }

    #[test]
    fn furniture_in_other_languages() {
        for (line, reason) in [
            (
                "Por Anna Lindqvist (CWS) | 12 de marzo de 2024",
                Reason::Byline,
            ),
            (
                "Lee también: El Gobierno regional aprueba un plan de seguridad para los puertos \
                 del norte",
                Reason::CallToAction,
            ),
            (
                "Suscríbete a nuestro boletín diario y recibe las noticias más importantes en tu \
                 correo.",
                Reason::CallToAction,
            ),
            ("Etiquetas: Hallerton, incendio, puerto", Reason::Label),
            (
                "Schlagwörter: Zinsen, Zentralbank, Inflation",
                Reason::Label,
            ),
            (
                "Jetzt den Newsletter abonnieren und keine Nachricht verpassen!",
                Reason::CallToAction,
            ),
        ] {
            let text = format!("Headline of the story\n\n{LONG}\n\n{line}\n\n{LONG}");
            assert_eq!(reasons(&text), [(line.to_string(), reason)], "{line}");
        }
        // "Por" opening a sentence is no byline.
        let own = "Por la tarde, los vecinos volvieron a sus casas.";
        let text = format!("Headline of the story\n\n{LONG}\n\n{own}\n\n{LONG}");
        assert_eq!(reasons(&text), []);
    }

    const LONG: &str =
        "The officials met on Monday in the capital and talked for several hours about the \
        plan to rebuild the bridge, which has been closed since the floods of last spring, and \
        about who would pay for it.";

    #[test]
    fn normal_articles_keep_their_last_paragraphs() {
        let text = format!(
            "Bridge talks resume in the capital\n\n{LONG}\n\n{LONG}\n\n{BODY}\n\n{LONG}\n\n\
             The mayor declined to comment.\n\nMore talks are planned.\n\n\u{201C}We will see,\u{201D} she said."
        );
        assert!(reasons(&text).is_empty(), "{:?}", reasons(&text));
        // A signature of two short lines is not a page tail either.
        let text = format!("{LONG}\n\n{LONG}\n\nJane Doe\n\nStaff writer of the Planet");
        assert!(reasons(&text).is_empty(), "{:?}", reasons(&text));
    }

    #[test]
    fn page_tail_after_the_main_body() {
        let text = format!(
            "Bridge talks resume in the capital\n\n{LONG}\n\n{LONG}\n\n{LONG}\n\nThat was all.\n\n\
             Storm damage closes the coastal highway again\n\nCity council votes on the new budget plan\n\n\
             Local team wins its first title in years\n\n12 reader comments on this story\n\n{LONG}\n\n\
             Subscribe to our newsletter"
        );
        let found = reasons(&text);
        assert_eq!(found.len(), 6, "{found:?}");
        assert!(
            found[..5].iter().all(|f| f.1 == Reason::PageTail),
            "{found:?}"
        );
        assert_eq!(found[0].0, "Storm damage closes the coastal highway again");
        assert_eq!(found[5].1, Reason::CallToAction);
    }

    #[test]
    fn an_article_without_web_chrome_keeps_its_lists_and_sections() {
        // No cue of a web page flags anything (a byline is an article's), so nothing is taken
        // for a page's head or tail: a loose list (items apart, no full stops) used to end the
        // body, and the rest was `page-tail`.
        let list = "- separate glass from other recyclables\n\n- rinse food containers\n\n\
                    - flatten all cardboard boxes\n\n- bring batteries to a drop-off site";
        let text = format!(
            "City adopts new recycling rules\n\nBy Jane Smith\n\n{LONG}\n\nHouseholds must now do \
             this:\n\n{list}\n\n{LONG}\n\n{LONG}"
        );
        assert_eq!(
            reasons(&text),
            [("By Jane Smith".to_string(), Reason::Byline)]
        );
        let sections = format!(
            "# What the rules mean\n\n{LONG}\n\n## Permits\n\n{BODY}\n\n## Meters\n\n{BODY}\n\n\
             ## Fines\n\n{BODY}"
        );
        assert!(reasons(&sections).is_empty(), "{:?}", reasons(&sections));
    }

    #[test]
    fn a_script_is_no_main_body() {
        let script = "var ie = document.all; var ns6 = document.getElementById && !document.all; \
            function show(e) { if (ie || ns6) { tip = document.getElementById(\"tip\"); \
            tip.style.left = (e.x + 10) + \"px\"; tip.style.top = (e.y + 10) + \"px\"; \
            tip.style.visibility = \"visible\"; } } function hide() { tip.style.visibility = \
            \"hidden\"; } document.onmousemove = show; window.onload = init; var count = 0; \
            var items = [1, 2, 3, 4]; for (i = 0; i < items.length; i++) { count += items[i]; }";
        assert!(is_code(script, Segmented::new(script).words.len()));
        assert!(!is_code(LONG, Segmented::new(LONG).words.len()));
        // Longer than the article's two paragraphs together.
        let text = format!(
            "{script} {script}\n\nHome\n\nNews\n\nSport\n\nThe title of the story today\n\n\
             {LONG}\n\n{LONG}"
        );
        let found = reasons(&text);
        assert!(
            found.iter().all(|f| !f.0.starts_with("The officials")),
            "{found:?}"
        );
    }

    #[test]
    fn page_head_before_the_main_body() {
        let text = format!(
            "Daily Planet front page and archive\n\nStorm damage closes the coastal highway again\n\n\
             City council votes on the new budget plan\n\nLocal team wins its first title in years\n\n\
             Bridge talks resume in the capital\n\nJane Doe, Staff writer\n\n{LONG}\n\n{LONG}\n\n\
             Advertisement"
        );
        let found = reasons(&text);
        assert_eq!(
            found[..3],
            [
                (
                    "Storm damage closes the coastal highway again".to_string(),
                    Reason::PageHead
                ),
                (
                    "City council votes on the new budget plan".to_string(),
                    Reason::PageHead
                ),
                (
                    "Local team wins its first title in years".to_string(),
                    Reason::PageHead
                ),
            ]
        );
        // An article that opens with a title and short sentences keeps them.
        let text = format!(
            "Bridge talks resume in the capital\n\nThe talks began at nine.\n\nThey lasted hours.\n\n\
             Nobody left early.\n\n{LONG}\n\n{LONG}"
        );
        assert!(reasons(&text).is_empty(), "{:?}", reasons(&text));
    }

    #[test]
    fn recurrence_needs_more_documents_as_the_corpus_grows() {
        assert_eq!(recurrence_bar(2), 3);
        assert_eq!(recurrence_bar(5), 3);
        assert_eq!(recurrence_bar(621), 10);
        assert_eq!(recurrence_bar(1_000_000), 20);
        let topics = ["rain", "trade", "chess", "music", "bridges", "taxes"];
        let texts: Vec<String> = topics
            .iter()
            .map(|t| {
                format!("This story is about {t} in depth.\n\nSent to you by the Daily Planet 2021")
            })
            .collect();
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let docs: Vec<(&str, &Segmented)> = texts.iter().map(|t| t.as_str()).zip(&segs).collect();
        let found = find(&docs, &[0, 1, 2, 3, 4, 5]);
        assert!(
            found
                .iter()
                .all(|f| f.len() == 1 && f[0].reason == Reason::Recurring),
            "{found:?}"
        );
        // The same six documents, where the last four are copies of the third: the line now
        // recurs in three documents that are not copies of one another, which is the bar.
        let found = find(&docs, &[0, 1, 2, 2, 2, 2]);
        assert!(found.iter().all(|f| f.len() == 1), "{found:?}");
        let found = find(&docs, &[0, 0, 2, 2, 2, 2]);
        assert!(found.iter().all(Vec::is_empty), "{found:?}");
    }

    #[test]
    fn rows_of_figures_do_not_recur_but_templates_around_figures_do() {
        let topics = ["rain", "trade", "chess", "music", "bridges", "taxes"];
        let texts: Vec<String> = topics
            .iter()
            .enumerate()
            .map(|(i, t)| {
                format!(
                    "This story is about {t} in depth.\n\n{} {} {}\n\nShr {i} cts vs {} cts",
                    100 + i,
                    200 * i,
                    7 * i + 3,
                    i + 1
                )
            })
            .collect();
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let docs: Vec<(&str, &Segmented)> = texts.iter().map(|t| t.as_str()).zip(&segs).collect();
        let found = find(&docs, &[0, 1, 2, 3, 4, 5]);
        for (f, text) in found.iter().zip(&texts) {
            let flagged: Vec<&str> = f.iter().map(|s| &text[s.span.range()]).collect();
            assert_eq!(flagged.len(), 1, "{flagged:?}");
            assert!(flagged[0].starts_with("Shr "), "{flagged:?}");
        }
    }

    #[test]
    fn shared_text_and_daily_figures_do_not_recur_but_notices_do() {
        let background =
            "The mill, which opened in 1921 on the banks of the river, was for most of \
            the last century the largest employer in the county, and at its peak it ran three \
            shifts a day and employed more than two thousand people.";
        let notice = "Quotes are delayed by at least 20 minutes, and the figures in this report \
            are supplied by the exchanges themselves.";
        // Longer than `SHARED_TEXT_WORDS`, but after the article: the site's, not shared text.
        let cookies = "We use cookies and similar technologies to improve your experience on our \
            website, to personalise content and adverts, to provide social media features and to \
            analyse our traffic. By continuing to use this site you agree to our use of cookies.";
        let texts: Vec<String> = ["rain", "trade", "chess"]
            .iter()
            .enumerate()
            .map(|(i, t)| {
                format!(
                    "A story about {t}, told at length for the readers of this paper on a quiet \
                     Sunday.\n\n{background}\n\nThe story of {t} goes on here, as stories do, \
                     for a good many more words.\n\nThe index rose {} points, or 0.{} percent, to {}, while the other index \
                     gained 0.{} percent to {}.\n\n{notice}\n\n{cookies}",
                    100 + i,
                    i + 4,
                    33000 + 7 * i,
                    i + 2,
                    4100 + i
                )
            })
            .collect();
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let docs: Vec<(&str, &Segmented)> = texts.iter().map(|t| t.as_str()).zip(&segs).collect();
        for (f, text) in find(&docs, &[0, 1, 2]).iter().zip(&texts) {
            let flagged: Vec<(&str, Reason)> = f
                .iter()
                .map(|s| (&text[s.span.range()], s.reason))
                .collect();
            assert_eq!(
                flagged,
                [(notice, Reason::Recurring), (cookies, Reason::Recurring)]
            );
        }
    }

    #[test]
    fn shared_text_at_an_edge_is_a_notice_only_when_it_reads_as_one() {
        // Two outlets' copies of one story and the wire's own: the lede and the last
        // paragraph are the story's, shared with nothing of an outlet's own on one side of them.
        let lede = "Fire broke out on Tuesday morning at the fertilizer warehouse on the edge of \
            the harbour, injuring fourteen people and forcing more than three thousand residents \
            of the town to leave their homes for most of the day.";
        let last = "The warehouse was last inspected in November, according to records of the \
            regional safety authority, which found no serious breaches at the site but ordered \
            improvements to the fire doors and to the maintenance of the sprinkler system.";
        let notice = "The wire service receives support from several private foundations for \
            its coverage of regional affairs. The service is solely responsible for all of the \
            content, and the foundations have no say in what it covers or how.";
        let texts: Vec<String> = ["rain", "trade", "chess"]
            .iter()
            .map(|t| {
                format!(
                    "{lede}\n\nA paragraph of the {t} desk's own, told at length for the \
                     readers of this paper on a quiet Sunday.\n\n{last}\n\n{notice}"
                )
            })
            .collect();
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let docs: Vec<(&str, &Segmented)> = texts.iter().map(|t| t.as_str()).zip(&segs).collect();
        for (f, text) in find(&docs, &[0, 1, 2]).iter().zip(&texts) {
            let flagged: Vec<&str> = f.iter().map(|s| &text[s.span.range()]).collect();
            assert_eq!(flagged, [notice]);
        }
    }

    #[test]
    fn a_shared_heading_over_own_text_heads_a_section() {
        let texts: Vec<String> = ["rain", "trade", "chess"]
            .iter()
            .map(|t| {
                format!(
                    "How to learn {t}\n\n## What You Need\n\nTo learn {t} you need time, patience \
                     and a good teacher, and the {t} books from the library.\n\n\
                     ## Related Articles\n\nTen tips for beginners\n\nWhy practice matters"
                )
            })
            .collect();
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let docs: Vec<(&str, &Segmented)> = texts.iter().map(|t| t.as_str()).zip(&segs).collect();
        for (f, text) in find(&docs, &[0, 1, 2]).iter().zip(&texts) {
            let recurring: Vec<&str> = f
                .iter()
                .filter(|s| s.reason == Reason::Recurring)
                .map(|s| &text[s.span.range()])
                .collect();
            assert_eq!(
                recurring,
                [
                    "## Related Articles",
                    "Ten tips for beginners",
                    "Why practice matters"
                ]
            );
        }
    }

    #[test]
    fn copies_of_one_article_are_not_boilerplate() {
        let article = "A long report on the harbour works and what they cost the town.\n\n\
                       The council voted on Tuesday to go ahead with the second phase.";
        let texts = [article; 4];
        let segs: Vec<Segmented> = texts.iter().map(|t| Segmented::new(t)).collect();
        let docs: Vec<(&str, &Segmented)> = texts.iter().copied().zip(&segs).collect();
        let found = find(&docs, &[0, 0, 0, 0]);
        assert!(found.iter().all(Vec::is_empty), "{found:?}");
        // Counted as four documents, each paragraph would recur: boilerplate everywhere.
        let found = find(&docs, &[0, 1, 2, 3]);
        assert!(found.iter().all(|f| f.len() == 2), "{found:?}");
    }

    proptest::proptest! {
        #[test]
        // The scan stops early; the answer is the count over all letters all the same.
        fn all_caps_is_nine_tenths_of_twelve_letters_or_more(
            s in "([A-Z]{1,8}|[a-z]|É|é|ß|ǅ|中| |1){0,30}"
        ) {
            let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
            let upper = letters.iter().filter(|c| c.is_uppercase()).count();
            let want = letters.len() >= 12 && upper * 10 >= letters.len() * 9;
            proptest::prop_assert_eq!(is_all_caps_headline(&s, 3), want);
        }
    }
}
