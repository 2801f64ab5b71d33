//! Dates: date and time prefixes (metadata) and datelines ("WASHINGTON (Reuters) - ").

use crate::segment::{Paragraph, Segmented};

pub(super) const MONTHS: &[&str] = &[
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
pub(super) const DATE_LABELS: &[&str] = &[
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
pub(super) const TIME_WORDS: &[&str] = &[
    "am", "pm", "a.m", "p.m", "gmt", "utc", "et", "est", "edt", "pt", "pst", "pdt", "bst", "cet",
    "cest", "uhr",
];

/// End byte of a date prefix at the start of paragraph `p` (" date 2021-04-26 ",
/// "Published: March 3, 2021 10:30 am", "16 January 2008"), if there is one.
pub(super) fn date_prefix(text: &str, seg: &Segmented, p: &Paragraph) -> Option<usize> {
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
pub(super) fn dateline_prefix(ptext: &str) -> Option<usize> {
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
}
