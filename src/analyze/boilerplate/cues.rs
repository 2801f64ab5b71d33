//! Cues inside one document: calls to action, labels, inserted headlines, bylines, credits,
//! copyright lines, wire notes and navigation.

use super::dates::{date_prefix, dateline_prefix, DATE_LABELS, MONTHS, TIME_WORDS};
use super::layout::{is_text, TEXT_WORDS};
use super::{Reason, Segment};
use crate::segment::{Paragraph, Segmented};
use crate::types::Span;

/// Words of a paragraph, lower-cased, for matching cue phrases.
pub(super) fn lower_words(text: &str, seg: &Segmented, p: &Paragraph) -> Vec<String> {
    seg.words[p.words.clone()]
        .iter()
        .map(|w| {
            text[w.start as usize..w.end as usize]
                .to_lowercase()
                .replace('\u{2019}', "'")
        })
        .collect()
}

/// A short run of short lines that give facts ("Prep time: 10 minutes", "Serves 4": a figure,
/// or a label and its value) is a page's menu only beside other evidence of a page: in a
/// document with none, it is the article's (closing a recipe, it was `navigation`, and the
/// credit after it `page-tail`). Menus name places, without figures. Clears such runs' cues.
pub(super) fn keep_lone_facts(
    text: &str,
    paras: &[Paragraph],
    nav: &[Menu],
    cues: &mut [Option<Segment>],
) {
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
pub(super) enum Menu {
    No,
    /// One of a run of three or more very short lines.
    Run,
    /// Items separated by ` | `, `»`, `›`, ` > ` or `•` (guillemets past those that open a
    /// quotation), in at most 30 words.
    Separated,
}

/// A document whose only sign of a web page is a run of at most this many short lines giving
/// facts keeps them: a menu has more items, or comes with other furniture.
const LONE_MENU_LINES: usize = 4;

/// The cue that marks paragraph `i` (or a prefix of it), if any.
pub(super) fn paragraph_cue(
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

/// How far after the headline, in paragraphs, the lede (and its dateline) may start.
const LEDE_REACH: usize = 6;

/// Whether a paragraph is a Markdown heading: one to six `#` and a space.
pub(super) fn is_markdown_heading(ptext: &str) -> bool {
    let t = ptext.trim_start();
    let hashes = t.len() - t.trim_start_matches('#').len();
    (1..=6).contains(&hashes) && t[hashes..].starts_with(' ')
}

/// A page's first paragraphs that open with a call to action and are at most this long are calls
/// to action, not its headline.
pub(super) const HEADLINE_CALL_WORDS: usize = 8;

/// Whether `words` (lower-cased) open with a call to action.
pub(super) fn opens_with_call(words: &[String]) -> bool {
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
            let opens = previous_end.is_none_or(|end| {
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
            || (words[0] == "copyright" && n <= 15 && (n <= 4 || has_year_or_c(words))))
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

/// An all-caps line of three to [`HEADLINE_WORDS`] words: another story's headline inserted in
/// this one.
pub(super) fn is_all_caps_headline(ptext: &str, words: usize) -> bool {
    if !(3..=HEADLINE_WORDS).contains(&words) {
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

/// Whether a line opening with "copyright" reads as a notice: it holds a year (1500 to 2099:
/// "Copyright, 1895, by Charles Scribner's Sons") or "(c)" (the word "c"). Not so a definition
/// ("\"Copyright Holder\" is whoever is named in the copyright…", the Artistic licence's),
/// which `clean` had removed.
fn has_year_or_c(words: &[String]) -> bool {
    words.iter().any(|w| {
        w == "c"
            || (w.len() == 4
                && w.bytes().all(|b| b.is_ascii_digit())
                && ("1500".."2100").contains(&w.as_str()))
    })
}

/// The longest all-caps headline, in words. A longer all-caps paragraph is running text set in
/// capitals: a licence's warranty disclaimer (BSD's is 114 words, the GPL's 88 and 105), which
/// `clean` had removed as a headline.
const HEADLINE_WORDS: usize = 25;

/// Marks paragraphs that are navigation: separated menu items ("Home | News") or runs of three or
/// more very short paragraphs without sentence punctuation.
pub(super) fn navigation_runs(text: &str, seg: &Segmented) -> Vec<Menu> {
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
        // Guillemets that close a quotation (« … », » … «) are not separators.
        let unquoted = |close: char, open: char| {
            t.matches(close)
                .count()
                .saturating_sub(t.matches(open).count())
        };
        let seps = t.matches(" | ").count()
            + unquoted('»', '«')
            + unquoted('›', '‹')
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
