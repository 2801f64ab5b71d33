//! The human report: per document, compiler-style `path:line` findings, then a summary, in colour
//! on a terminal when asked ([`render_color`]).

use super::{count, excerpt, printable, PathLoc, Report, Rounded};
use std::fmt::Write;

/// One finding line of one document, sortable by place.
struct Line {
    first_line: usize,
    byte: usize,
    text: String,
}

/// A run of consecutive repeated paragraphs copying a run of consecutive originals, or all
/// copying one.
struct Block {
    lines: [usize; 2],
    original: [usize; 2],
    bytes: usize,
    paragraphs: usize,
    words: usize,
    min_similarity: f64,
    /// How far the original moves from one copy to the next: 1 for a block copied whole, 0
    /// for one paragraph copied again and again (`None` while the block has one copy).
    step: Option<usize>,
}

/// One document's side of a shared passage, as its line says it: with how many more members of
/// the other document's near-duplicate cluster share the same place.
struct Side<'r> {
    me: &'r PathLoc,
    words: usize,
    quote: String,
    /// Where the other documents hold the passage, with its similarity there and how many more
    /// members of the other's near-duplicate cluster hold it too.
    others: Vec<(&'r PathLoc, Rounded, usize)>,
}

/// A place shared with more documents than this lists the first of them and counts the rest.
const LISTED_PARTNERS: usize = 4;

/// ANSI styles, or nothing when colour is off.
#[derive(Clone, Copy)]
pub(super) struct Paint(pub(super) bool);

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn repeat(self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    fn overlap(self, s: &str) -> String {
        self.wrap("1;36", s)
    }
    fn boilerplate(self, s: &str) -> String {
        self.wrap("1;33", s)
    }
    fn dim(self, s: &str) -> String {
        self.wrap("2", s)
    }
    /// Originality: green when high, yellow, red when low.
    fn score(self, x: Rounded) -> String {
        let code = match super::Band::of(x) {
            super::Band::High => "32",
            super::Band::Mid => "33",
            super::Band::Low => "1;31",
        };
        self.wrap(code, &two(x))
    }
}

/// Renders the report for a person, without colour.
pub fn render(report: &Report) -> String {
    render_color(report, false)
}

/// Renders the report for a person; with `color`, kinds of finding, scores and headings carry
/// ANSI colours (repeats red, overlaps cyan, boilerplate yellow; originality green to red).
pub fn render_color(report: &Report, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    let mut per_doc: std::collections::BTreeMap<&str, Vec<Line>> = Default::default();
    for b in &report.boilerplate {
        per_doc.entry(&b.path).or_default().push(Line {
            first_line: b.at.lines[0],
            byte: b.at.bytes[0],
            text: format!(
                "{}: {}: {}",
                loc(&b.path, b.at.lines),
                p.boilerplate(&format!("boilerplate ({})", b.reason.code())),
                p.dim(&excerpt(&b.text))
            ),
        });
    }
    // The passages of one place in a document are one line, naming every document that holds
    // it (a paragraph of a wire story that four outlets carried had four lines), and of the
    // members of one near-duplicate cluster only the first, counting the others: a document
    // quoting an article held in ten copies has one line, not ten.
    let cluster_of: std::collections::HashMap<&str, usize> = report
        .clusters
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.members.iter().map(move |m| (m.as_str(), i)))
        .collect();
    let mut places: std::collections::HashMap<(&str, [usize; 2]), usize> = Default::default();
    let mut in_cluster: std::collections::HashMap<(&str, [usize; 2], usize), (usize, usize)> =
        Default::default();
    // Each document's line counts and quotes its own side of the passage.
    let mut sides: Vec<Side> = Vec::new();
    for o in &report.overlaps {
        for (me, other, words, quote) in [
            (&o.a, &o.b, o.words, excerpt(&o.text)),
            (&o.b, &o.a, o.b_words, o.b_excerpt.clone()),
        ] {
            let place = (me.path.as_str(), me.bytes);
            if let Some(&cluster) = cluster_of.get(other.path.as_str()) {
                if let Some(&(side, k)) = in_cluster.get(&(place.0, place.1, cluster)) {
                    sides[side].others[k].2 += 1;
                    continue;
                }
            }
            let side = *places.entry(place).or_insert_with(|| {
                sides.push(Side {
                    me,
                    words,
                    quote,
                    others: Vec::new(),
                });
                sides.len() - 1
            });
            if let Some(&cluster) = cluster_of.get(other.path.as_str()) {
                let k = sides[side].others.len();
                in_cluster.insert((place.0, place.1, cluster), (side, k));
            }
            sides[side].others.push((other, o.similarity, 0));
        }
    }
    for Side {
        me,
        words,
        quote,
        others,
    } in sides
    {
        let mut with: Vec<String> = others
            .iter()
            .take(LISTED_PARTNERS)
            .map(|&(other, similarity, more)| {
                let also = match more {
                    0 => String::new(),
                    n => format!(
                        " and {}",
                        count(n, "near-duplicate of it", "near-duplicates of it")
                    ),
                };
                format!(
                    "{} (similarity {}){also}",
                    loc(&other.path, other.lines),
                    two(similarity)
                )
            })
            .collect();
        if others.len() > LISTED_PARTNERS {
            // Each hidden partner with the near-duplicates of it that hold the place too.
            let hidden: usize = others[LISTED_PARTNERS..].iter().map(|o| 1 + o.2).sum();
            with.push(format!("and {}", count(hidden, "other", "others")));
        }
        per_doc.entry(&me.path).or_default().push(Line {
            first_line: me.lines[0],
            byte: me.bytes[0],
            text: format!(
                "{}: {}: {words} words shared with {}: {}",
                loc(&me.path, me.lines),
                p.overlap("overlap"),
                with.join(", "),
                p.dim(&quote)
            ),
        });
    }
    for (path, block) in repeat_blocks(report) {
        let kind = if block.min_similarity >= 1.0 {
            "exact".to_string()
        } else {
            format!("similarity {:.2}", block.min_similarity)
        };
        let what = count(block.paragraphs, "paragraph", "paragraphs");
        per_doc.entry(path).or_default().push(Line {
            first_line: block.lines[0],
            byte: block.bytes,
            text: format!(
                "{}: {}: {what} ({} words) repeating {} {}, {kind}",
                loc(path, block.lines),
                p.repeat("repeat"),
                block.words,
                if block.original[0] == block.original[1] {
                    "line"
                } else {
                    "lines"
                },
                range(block.original)
            ),
        });
    }
    for doc in &report.documents {
        let _ = writeln!(
            out,
            "{}: {}, {}, originality {}",
            p.bold(&printable(&doc.path)),
            count(doc.words, "word", "words"),
            count(doc.paragraphs, "paragraph", "paragraphs"),
            p.score(doc.originality)
        );
        if let Some(lines) = per_doc.get_mut(doc.path.as_str()) {
            lines.sort_by_key(|l| (l.first_line, l.byte));
            for l in lines.iter() {
                let _ = writeln!(out, "  {}", l.text);
            }
        }
    }
    if !report.documents.is_empty() {
        out.push('\n');
    }
    let t = report.params.threshold;
    if !report.params.made("near-duplicates") {
        // Not looked for: the summary says so.
    } else if report.near_duplicates.is_empty() {
        let _ = writeln!(
            out,
            "{}: none",
            p.bold(&format!("near-duplicates (Jaccard >= {t})"))
        );
    } else {
        let _ = writeln!(
            out,
            "{}:",
            p.bold(&format!("near-duplicates (Jaccard >= {t})"))
        );
        for p in &report.near_duplicates {
            let _ = writeln!(
                out,
                "  {} ~ {}: Jaccard {} (estimate {})",
                printable(&p.a),
                printable(&p.b),
                two(p.jaccard),
                two(p.estimate)
            );
        }
        for (i, c) in report.clusters.iter().enumerate() {
            let members: Vec<_> = c.members.iter().map(|m| printable(m)).collect();
            let _ = writeln!(out, "  cluster {}: {}", i + 1, members.join(", "));
        }
    }
    summary(report, &mut out, p);
    out
}

fn summary(report: &Report, out: &mut String, p: Paint) {
    let _ = writeln!(out, "{} {}", p.bold("summary:"), summary_line(report, p));
    warned(report, out);
}

/// What the run found, in one line: counts of what each analysis made found, the lowest
/// originality, and what `--only` left out. The HTML page's summary too.
pub(super) fn summary_line(report: &Report, p: Paint) -> String {
    let params = &report.params;
    let mut parts = Vec::new();
    let documents = count(params.num_documents, "document", "documents");
    if params.analyses.streams() {
        // The doc-level mode does not count words.
        parts.push(documents);
    } else {
        let words: usize = report.documents.iter().map(|d| d.words).sum();
        parts.push(format!("{documents}, {}", count(words, "word", "words")));
    }
    let mut part = |analysis: &str, found: String| {
        if params.made(analysis) {
            parts.push(found);
        }
    };
    part(
        "near-duplicates",
        format!(
            "{} in {}",
            count(
                report.near_duplicates.len(),
                "near-duplicate pair",
                "near-duplicate pairs"
            ),
            count(report.clusters.len(), "cluster", "clusters")
        ),
    );
    part(
        "repeats",
        format!(
            "{} ({})",
            count(
                repeat_blocks(report).len(),
                "repeated block",
                "repeated blocks"
            ),
            count(report.repeats.len(), "paragraph", "paragraphs")
        ),
    );
    part(
        "overlaps",
        count(report.overlaps.len(), "shared passage", "shared passages"),
    );
    part(
        "boilerplate",
        count(
            report.boilerplate.len(),
            "boilerplate segment",
            "boilerplate segments",
        ),
    );
    let lowest = report
        .documents
        .iter()
        .filter(|d| d.words > 0)
        .min_by(|a, b| {
            a.originality
                .0
                .total_cmp(&b.originality.0)
                .then(a.path.cmp(&b.path))
        });
    if let Some(d) = lowest {
        parts.push(format!(
            "lowest originality {} ({})",
            p.score(d.originality),
            printable(&d.path)
        ));
    }
    let mut line = parts.join("; ");
    if let Some(note) = params.not_looked_for() {
        let _ = write!(line, " ({note})");
    }
    line
}

fn warned(report: &Report, out: &mut String) {
    if !report.warnings.is_empty() {
        let n = report.warnings.len();
        let messages = if n == 1 { "message" } else { "messages" };
        let _ = writeln!(out, "{n} {messages} about the inputs (see stderr)");
    }
}

/// Groups consecutive repeats whose originals are consecutive too.
fn repeat_blocks(report: &Report) -> Vec<(&str, Block)> {
    let mut out: Vec<(&str, Block)> = Vec::new();
    let mut last: Option<(&str, usize, usize)> = None;
    for r in &report.repeats {
        // The next paragraph, copying the next original (a block copied whole) or the same one
        // (one paragraph copied again and again), as the block's earlier copies did.
        let step = last.and_then(|(p, c, o)| {
            let step = r.original_paragraph.checked_sub(o).filter(|&s| s <= 1)?;
            (p == r.path && r.copy_paragraph == c + 1).then_some(step)
        });
        let block = out.last_mut().map(|(_, b)| b);
        match (step, block) {
            (Some(step), Some(b)) if b.step.unwrap_or(step) == step => {
                b.step = Some(step);
                b.lines[1] = r.copy.lines[1];
                b.original[1] = r.original.lines[1];
                b.paragraphs += 1;
                b.words += r.words;
                b.min_similarity = b.min_similarity.min(r.similarity.0);
            }
            _ => out.push((
                &r.path,
                Block {
                    lines: r.copy.lines,
                    original: r.original.lines,
                    bytes: r.copy.bytes[0],
                    paragraphs: 1,
                    words: r.words,
                    min_similarity: r.similarity.0,
                    step: None,
                },
            )),
        }
        last = Some((&r.path, r.copy_paragraph, r.original_paragraph));
    }
    out
}

fn loc(path: &str, lines: [usize; 2]) -> String {
    format!("{}:{}", printable(path), range(lines))
}

fn range(lines: [usize; 2]) -> String {
    if lines[0] == lines[1] {
        lines[0].to_string()
    } else {
        format!("{}-{}", lines[0], lines[1])
    }
}

fn two(x: Rounded) -> String {
    format!("{:.2}", x.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_only_added_when_asked() {
        let p = Paint(true);
        assert_eq!(p.repeat("repeat"), "\x1b[1;31mrepeat\x1b[0m");
        assert_eq!(Paint(false).repeat("repeat"), "repeat");
        assert_eq!(Paint(false).score(Rounded(0.5)), "0.50");
        assert!(p.score(Rounded(0.95)).starts_with("\x1b[32m"));
    }

    #[test]
    fn ranges_print_like_compilers() {
        assert_eq!(loc("a.txt", [3, 3]), "a.txt:3");
        assert_eq!(loc("a.txt", [3, 9]), "a.txt:3-9");
    }
}
