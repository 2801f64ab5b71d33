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
//!
//! Each part is a submodule: `recurring` finds the paragraphs whose template recurs across the
//! corpus, `cues` the cues inside one document (with `dates`, its date and dateline prefixes), and
//! `layout` the main body and the page's head and tail; [`find`] and `in_document` join them.

mod cues;
mod dates;
mod layout;
mod recurring;

use crate::segment::Segmented;
use crate::types::Span;
use cues::{
    keep_lone_facts, lower_words, navigation_runs, opens_with_call, paragraph_cue,
    HEADLINE_CALL_WORDS,
};
use layout::layout;
use rayon::prelude::*;
use recurring::{recurring_paragraphs, recurring_templates, template, Template};
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

#[cfg(test)]
mod tests {
    use super::cues::is_all_caps_headline;
    use super::layout::is_code;
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
    fn a_disclaimer_in_capitals_and_a_copyright_definition_are_content() {
        let disclaimer = "THIS SOFTWARE IS PROVIDED BY THE REGENTS AND CONTRIBUTORS AS IS AND ANY \
                          EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED \
                          WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE \
                          DISCLAIMED.";
        let definition = "\"Copyright Holder\" is whoever is named in the copyright or copyrights \
                          for the package.";
        let text = format!("{BODY}\n\n{definition}\n\n{disclaimer}\n\n{BODY}\n\n{BODY}");
        assert_eq!(reasons(&text), []);
        let notices = format!(
            "{BODY}\n\n{BODY}\n\nCopyright (c) Example Corp.\n\nCopyright, 1895, by Charles \
             Scribner's Sons.\n\nCopyright Reuters"
        );
        let found: Vec<Reason> = reasons(&notices).into_iter().map(|f| f.1).collect();
        assert_eq!(found, [Reason::Copyright; 3]);
        // A headline in capitals has at most 25 words.
        let caps = |n: usize| vec!["WORDS"; n].join(" ");
        assert!(is_all_caps_headline(&caps(25), 25));
        assert!(!is_all_caps_headline(&caps(26), 26));
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
        // A menu of links separated by bars still is one; a quotation in guillemets is none.
        let text = format!("Home | News | Sport | Weather\n\n{LONG}\n\n{LONG}\n");
        assert_eq!(reasons(&text)[0].1, Reason::Navigation);
        let text = format!(
            "« Nous sommes prêts », a déclaré le maire, « et nous le serons »\n\n{LONG}\n\n{LONG}\n"
        );
        assert!(reasons(&text).is_empty(), "{:?}", reasons(&text));
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
    fn readers_comments_under_their_heading_are_the_page_tail() {
        let comment = "I have driven over that bridge every day for twenty years, and I think \
                       the city should have fixed it long before the floods came.";
        let page = |heading: &str| {
            format!(
                "Bridge talks resume in the capital\n\nClick here to subscribe\n\n{LONG}\n\n\
                 {LONG}\n\n{LONG}\n\n{heading}\n\n{comment}\n\n{comment}"
            )
        };
        for heading in [
            "53 Comments",
            "Have your say",
            "One Response to \u{201C}Bridge talks\u{201D}",
        ] {
            let found = reasons(&page(heading));
            let tail: Vec<&str> = found
                .iter()
                .filter(|f| f.1 == Reason::PageTail)
                .map(|f| f.0.as_str())
                .collect();
            assert_eq!(tail, [heading, comment, comment], "{found:?}");
        }
        // More comments than article: the body takes them in, and the heading (flagged itself,
        // a call to action) still cuts it.
        let thread = [comment; 8].join("\n\n");
        let text = format!(
            "Bridge talks resume in the capital\n\nClick here to subscribe\n\n{LONG}\n\n{LONG}\n\n\
             {LONG}\n\nPost a comment\n\n{thread}"
        );
        let found = reasons(&text);
        assert_eq!(
            found.iter().filter(|f| f.1 == Reason::PageTail).count(),
            8,
            "{found:?}"
        );
        // An interviewer's question, a quote declining to comment, a field: the article's own.
        for own in [
            "What do you think?",
            "No comment.",
            "\"No comment.\"",
            "Q: Do you have a comment on the Harris verdict?",
            "Why won't the minister comment on this?",
            "Comment: see the notes above",
            "examples/introduction_comments.cpp",
            "// a comment",
            "Orwell comments that",
            "The mayor comments on the plan",
            "Comments in Rust",
            "Comments (3) | Share",
        ] {
            let found = reasons(&page(own));
            assert!(
                found.iter().all(|f| f.1 != Reason::PageTail),
                "{own}: {found:?}"
            );
        }
        // A count of comments under the headline, before the body, opens no tail.
        let text = format!(
            "Bridge talks resume\n\nClick here to subscribe\n\nComments (3)\n\n{LONG}\n\n\
             {LONG}\n\n{LONG}"
        );
        let found = reasons(&text);
        assert!(found.iter().all(|f| f.1 != Reason::PageTail), "{found:?}");
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
