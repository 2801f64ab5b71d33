//! Recurrence: paragraphs whose template (numbers masked) recurs in many documents of the corpus.

use super::cues::{is_markdown_heading, lower_words};
use super::layout::is_text;
use super::recurrence_bar;
use crate::hash::{combine_all, hash_bytes};
use crate::segment::{Paragraph, Segmented};
use rayon::prelude::*;

/// Which paragraphs of a document (`templates[i]` of paragraph `i`) are recurring boilerplate,
/// given the `recurring` templates of the corpus: those whose template recurs, but for text that
/// is the document's own though other documents carry it too.
pub(super) fn recurring_paragraphs(
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

/// A paragraph's keys for recurrence.
pub(super) struct Template {
    /// Its word hashes with every word holding a digit masked; none when every word is masked (or
    /// there is none): a row of figures is data, and any two of as many figures would share one.
    masked: Option<u64>,
    /// Its word hashes as they are, when figures were masked. A sentence whose template recurs
    /// with other figures each time is a report ("The Dow rose 221 points, or 0.6 percent, to
    /// 33663"), where a notice repeats its figures too ("quotes delayed by at least 20 minutes").
    exact: Option<u64>,
}

/// The [`Template`] of a paragraph.
pub(super) fn template(text: &str, seg: &Segmented, p: &Paragraph) -> Template {
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
pub(super) fn recurring_templates(
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
