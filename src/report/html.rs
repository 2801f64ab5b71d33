//! The report as one self-contained HTML page (`--html FILE`): every document's text with its
//! repeats, shared passages and boilerplate highlighted in distinct colours, a legend, documents
//! listed by originality (lowest first) with a bar each, and shared passages side by side.
//!
//! Inline CSS and JavaScript only; a Content-Security-Policy forbids every network request and
//! lets only the page's own script run (by nonce). All document text, paths and messages are
//! HTML-escaped: a document containing `<script>` shows it as text.

use super::{Report, Rounded};
use crate::corpus::Document;
use std::collections::HashMap;
use std::fmt::Write;

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    escape_into(s, &mut out);
    out
}

fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// What a highlighted interval is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A copy of an earlier paragraph.
    Repeat,
    /// A passage shared with another document.
    Overlap,
    /// Boilerplate.
    Boilerplate,
    /// The paragraph a repeat repeats: its first occurrence, or a copy when only that matches.
    Original,
}

impl Kind {
    fn class(self) -> &'static str {
        match self {
            Kind::Repeat => "repeat",
            Kind::Overlap => "overlap",
            Kind::Boilerplate => "boilerplate",
            Kind::Original => "orig",
        }
    }
}

/// One highlighted interval of a document, in decoded byte offsets.
struct Mark {
    start: usize,
    end: usize,
    kind: Kind,
    /// Anchor id of the interval's start.
    id: String,
    /// Tooltip.
    title: String,
    /// Link target (overlaps: the other passage; repeats: the paragraph repeated).
    href: Option<String>,
    /// A badge shown at the start (boilerplate reason, repeat).
    badge: Option<String>,
    /// `data-ov` and `data-side` for overlaps.
    overlap: Option<(usize, char)>,
    /// `data-reason` for boilerplate.
    reason: Option<&'static str>,
}

/// Counts per document for the index.
#[derive(Default, Clone, Copy)]
struct Counts {
    repeats: usize,
    overlaps: usize,
    boilerplate: usize,
}

const STYLE: &str = r#"
:root { --repeat: #fecdd3; --repeat-edge: #e11d48; --overlap: #bae6fd; --overlap-edge: #0369a1;
  --boiler: #fde68a; --boiler-edge: #b45309; --ink: #1f2937; --muted: #6b7280; --rule: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f9fafb; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0; word-break: break-all; }
a { color: #1d4ed8; }
.summary, .params { color: var(--muted); margin: 2px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 8px 18px; margin: 12px 0 4px; padding: 10px 14px; background: #fff; border: 1px solid var(--rule); border-radius: 8px; position: sticky; top: 0; z-index: 5; }
.legend label { display: inline-flex; align-items: center; gap: 6px; cursor: pointer; }
.swatch { display: inline-block; width: 28px; height: 14px; border-radius: 3px; }
.swatch.repeat { background: var(--repeat); border-bottom: 3px solid var(--repeat-edge); }
.swatch.overlap { background: var(--overlap); border-bottom: 3px solid var(--overlap-edge); }
.swatch.boilerplate { background: var(--boiler); border-bottom: 3px solid var(--boiler-edge); }
.swatch.orig { border-bottom: 2px dashed var(--repeat-edge); }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--rule); }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.path { word-break: break-all; }
.bar { display: inline-block; width: 160px; height: 12px; background: var(--rule); border-radius: 6px; overflow: hidden; vertical-align: middle; margin-right: 8px; }
.bar > span { display: block; height: 100%; }
.bar .hi { background: #16a34a; } .bar .mid { background: #d97706; } .bar .lo { background: #dc2626; }
.score { font-variant-numeric: tabular-nums; font-weight: 600; }
.count { display: inline-block; min-width: 1.6em; padding: 0 5px; margin-right: 4px; border-radius: 9px; font-size: 12px; text-align: center; }
.count.repeat { background: var(--repeat); } .count.overlap { background: var(--overlap); } .count.boilerplate { background: var(--boiler); }
article.doc { background: #fff; border: 1px solid var(--rule); border-radius: 8px; margin: 16px 0; padding: 14px 18px; }
article.doc .stats { color: var(--muted); margin: 2px 0 8px; font-size: 14px; }
pre.text { white-space: pre-wrap; overflow-wrap: anywhere; font: 14px/1.6 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; margin: 0; }
.hl { border-radius: 2px; -webkit-box-decoration-break: clone; box-decoration-break: clone; color: inherit; text-decoration: none; }
.hl.orig { text-decoration: underline dashed var(--repeat-edge); text-underline-offset: 3px; }
.hl.boilerplate { background: var(--boiler); box-shadow: inset 0 -2px 0 var(--boiler-edge); }
.hl.overlap { background: var(--overlap); box-shadow: inset 0 -2px 0 var(--overlap-edge); cursor: pointer; }
.hl.repeat { background: var(--repeat); box-shadow: inset 0 -2px 0 var(--repeat-edge); }
.hl.repeat.overlap { background: linear-gradient(var(--repeat) 50%, var(--overlap) 50%); }
a.hl:hover, .hl.focus { outline: 2px solid var(--ink); }
.badge { font: 600 11px/1.3 system-ui, sans-serif; padding: 0 5px; margin-right: 4px; border-radius: 3px; color: #fff; user-select: none; white-space: nowrap; text-decoration: none; }
.badge.boilerplate { background: var(--boiler-edge); }
.badge.repeat { background: var(--repeat-edge); }
body.hide-repeat .hl.repeat, body.hide-repeat .hl.orig { background: none; box-shadow: none; text-decoration: none; }
body.hide-overlap .hl.overlap { background: none; box-shadow: none; }
body.hide-boilerplate .hl.boilerplate { background: none; box-shadow: none; }
body.hide-repeat .badge.repeat, body.hide-boilerplate .badge.boilerplate { display: none; }
.passage { white-space: pre-wrap; font: 13px/1.5 ui-monospace, "DejaVu Sans Mono", monospace; background: var(--overlap); padding: 4px 6px; border-radius: 4px; }
.warnings li { font-family: ui-monospace, monospace; font-size: 13px; }
#compare { position: fixed; inset: 0; background: rgba(17,24,39,.55); z-index: 20; display: flex; padding: 24px; }
#compare[hidden] { display: none; }
#compare .panel { background: #fff; border-radius: 10px; flex: 1; display: flex; flex-direction: column; overflow: hidden; }
#compare .top { display: flex; justify-content: space-between; align-items: center; padding: 8px 14px; border-bottom: 1px solid var(--rule); }
#compare .cols { display: grid; grid-template-columns: 1fr 1fr; flex: 1; min-height: 0; }
#compare .col { overflow: auto; padding: 10px 14px; border-right: 1px solid var(--rule); }
#compare .col h3 { position: sticky; top: -10px; background: #fff; padding: 4px 0; }
footer { max-width: 1180px; margin: 30px auto; padding: 0 24px; color: var(--muted); font-size: 13px; }
"#;

const SCRIPT: &str = r#"
(function () {
  'use strict';
  var body = document.body;
  document.querySelectorAll('.legend input[data-kind]').forEach(function (box) {
    box.addEventListener('change', function () {
      body.classList.toggle('hide-' + box.dataset.kind, !box.checked);
    });
  });
  var panel = document.getElementById('compare');
  function fill(col, k, side) {
    var anchor = document.getElementById('ov-' + k + '-' + side);
    if (!anchor) { return; }
    var article = anchor.closest('article');
    col.querySelector('h3').textContent = article.dataset.path;
    var pre = article.querySelector('pre').cloneNode(true);
    pre.querySelectorAll('[id]').forEach(function (n) { n.dataset.anchor = n.id; n.removeAttribute('id'); });
    var holder = col.querySelector('.holder');
    while (holder.firstChild) { holder.removeChild(holder.firstChild); }
    holder.appendChild(pre);
    var first = null;
    pre.querySelectorAll('.hl.overlap').forEach(function (n) {
      if ((' ' + n.dataset.ov + ' ').indexOf(' ' + k + ' ') >= 0 && n.dataset.side === side) {
        n.classList.add('focus');
        if (!first) { first = n; }
      }
    });
    var target = pre.querySelector('[data-anchor="ov-' + k + '-' + side + '"]') || first;
    if (target) { col.scrollTop = Math.max(0, target.offsetTop - col.offsetTop - 60); }
  }
  function open(k, side) {
    var other = side === 'a' ? 'b' : 'a';
    var cols = panel.querySelectorAll('.col');
    panel.hidden = false;
    fill(cols[0], k, side);
    fill(cols[1], k, other);
  }
  document.addEventListener('click', function (e) {
    var link = e.target.closest ? e.target.closest('a.hl.overlap, a.compare') : null;
    if (!link) { return; }
    e.preventDefault();
    var k = String(link.dataset.ov).split(' ')[0];
    open(k, link.dataset.side);
  });
  panel.querySelector('button').addEventListener('click', function () { panel.hidden = true; });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') { panel.hidden = true; } });
  // A link to a comparison: report.html#compare-K-a opens passage K side by side.
  var wanted = /^#compare-([0-9]+)-([ab])$/.exec(location.hash);
  if (wanted) { open(wanted[1], wanted[2]); }
  body.dataset.ready = '1';
})();
"#;

/// Renders the page. `docs` supplies the text of each document named in the report (documents
/// not among them are listed without text).
pub fn render(report: &Report, docs: &[Document]) -> String {
    let by_name: HashMap<&str, &Document> = docs.iter().map(|d| (d.name.as_str(), d)).collect();
    let mut marks: HashMap<&str, Vec<Mark>> = HashMap::new();
    let mut counts: HashMap<&str, Counts> = HashMap::new();
    let offset = |path: &str, raw: usize| {
        by_name
            .get(path)
            .map_or(0, |d| crate::clean::decoded_offset(d, raw))
    };
    for (k, r) in report.repeats.iter().enumerate() {
        counts.entry(&r.path).or_default().repeats += 1;
        let similarity = if r.similarity.0 >= 1.0 {
            "exact".to_string()
        } else {
            format!("similarity {:.2}", r.similarity.0)
        };
        let list = marks.entry(&r.path).or_default();
        list.push(Mark {
            start: offset(&r.path, r.copy.bytes[0]),
            end: offset(&r.path, r.copy.bytes[1]),
            kind: Kind::Repeat,
            id: format!("rp-{k}"),
            title: format!(
                "repeat of {} ({similarity}, {} words)",
                lines(r.original.lines),
                r.words
            ),
            href: Some(format!("#rp-{k}-orig")),
            badge: Some(format!("repeat of {}", lines(r.original.lines))),
            overlap: None,
            reason: None,
        });
        list.push(Mark {
            start: offset(&r.path, r.original.bytes[0]),
            end: offset(&r.path, r.original.bytes[1]),
            kind: Kind::Original,
            id: format!("rp-{k}-orig"),
            title: format!("repeated at {}", lines(r.copy.lines)),
            href: None,
            badge: None,
            overlap: None,
            reason: None,
        });
    }
    for (k, o) in report.overlaps.iter().enumerate() {
        for (side, me, other) in [('a', &o.a, &o.b), ('b', &o.b, &o.a)] {
            counts.entry(&me.path).or_default().overlaps += 1;
            let other_side = if side == 'a' { 'b' } else { 'a' };
            marks.entry(&me.path).or_default().push(Mark {
                start: offset(&me.path, me.bytes[0]),
                end: offset(&me.path, me.bytes[1]),
                kind: Kind::Overlap,
                id: format!("ov-{k}-{side}"),
                title: format!(
                    "{} words shared with {}:{} (similarity {:.2}); click to compare side by side",
                    o.words,
                    other.path,
                    lines(other.lines),
                    o.similarity.0
                ),
                href: Some(format!("#ov-{k}-{other_side}")),
                badge: None,
                overlap: Some((k, side)),
                reason: None,
            });
        }
    }
    for (k, b) in report.boilerplate.iter().enumerate() {
        counts.entry(&b.path).or_default().boilerplate += 1;
        marks.entry(&b.path).or_default().push(Mark {
            start: offset(&b.path, b.at.bytes[0]),
            end: offset(&b.path, b.at.bytes[1]),
            kind: Kind::Boilerplate,
            id: format!("bp-{k}"),
            title: format!("boilerplate: {}", b.reason.code()),
            href: None,
            badge: Some(b.reason.code().to_string()),
            overlap: None,
            reason: Some(b.reason.code()),
        });
    }

    // Documents by originality, lowest first.
    let mut order: Vec<usize> = (0..report.documents.len()).collect();
    order.sort_by(|&x, &y| {
        let (a, b) = (&report.documents[x], &report.documents[y]);
        a.originality
            .0
            .total_cmp(&b.originality.0)
            .then(a.path.cmp(&b.path))
    });
    let anchor_of: HashMap<&str, String> = order
        .iter()
        .enumerate()
        .map(|(i, &d)| (report.documents[d].path.as_str(), format!("doc-{i}")))
        .collect();
    let doc_link = |path: &str| match anchor_of.get(path) {
        Some(a) => format!("<a href=\"#{a}\">{}</a>", escape(path)),
        None => escape(path),
    };

    let mut body = String::new();
    let _ = write!(
        body,
        "<header><h1>dedupe report</h1><p class=\"summary\">{}</p>\
         <p class=\"params\">threshold {}, shingle {}, min-overlap {}, mode {}</p>",
        escape(&super::text::summary_line(
            report,
            super::text::Paint(false)
        )),
        report.params.threshold,
        report.params.shingle,
        report.params.min_overlap,
        report.params.mode,
    );
    // A key for each kind of highlight the run looked for.
    body.push_str(
        "<div class=\"legend\" role=\"group\" aria-label=\"legend\"><strong>Legend</strong>",
    );
    let made = |analysis| report.params.made(analysis);
    if made("repeats") {
        body.push_str(
            "<label><input type=\"checkbox\" checked data-kind=\"repeat\"><span class=\"swatch repeat\"></span>repeat (a copy of an earlier paragraph)</label>\
             <label><span class=\"swatch orig\"></span>the paragraph it repeats</label>",
        );
    }
    if made("overlaps") {
        body.push_str("<label><input type=\"checkbox\" checked data-kind=\"overlap\"><span class=\"swatch overlap\"></span>passage shared with another document (click: side by side)</label>");
    }
    if made("boilerplate") {
        body.push_str("<label><input type=\"checkbox\" checked data-kind=\"boilerplate\"><span class=\"swatch boilerplate\"></span>boilerplate, with its reason</label>");
    }
    body.push_str("</div></header><main>");

    // Index.
    body.push_str("<section id=\"index\"><h2>Documents by originality, lowest first</h2>");
    if report.documents.is_empty() {
        body.push_str("<p>No per-document analysis in this mode.</p>");
    } else {
        body.push_str("<table class=\"docs\"><thead><tr><th>document</th><th>originality</th><th class=\"num\">words</th><th>findings</th></tr></thead><tbody>");
        for &d in &order {
            let doc = &report.documents[d];
            let c = counts.get(doc.path.as_str()).copied().unwrap_or_default();
            let _ = write!(
                body,
                "<tr data-path=\"{}\"><td class=\"path\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape(&doc.path),
                doc_link(&doc.path),
                bar(doc.originality),
                doc.words,
                count_badges(c)
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("</section>");

    // Near-duplicates.
    let _ = write!(
        body,
        "<section id=\"pairs\"><h2>Near-duplicates (Jaccard &ge; {})</h2>",
        report.params.threshold
    );
    if !report.params.made("near-duplicates") {
        body.push_str("<p>Not looked for.</p>");
    } else if report.near_duplicates.is_empty() {
        body.push_str("<p>None.</p>");
    } else {
        body.push_str("<table><thead><tr><th>document</th><th>document</th><th class=\"num\">Jaccard</th><th class=\"num\">estimate</th></tr></thead><tbody>");
        for p in &report.near_duplicates {
            let _ = write!(
                body,
                "<tr><td class=\"path\">{}</td><td class=\"path\">{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.2}</td></tr>",
                doc_link(&p.a),
                doc_link(&p.b),
                p.jaccard.0,
                p.estimate.0
            );
        }
        body.push_str("</tbody></table><ol class=\"clusters\">");
        for c in &report.clusters {
            let members: Vec<String> = c.members.iter().map(|m| doc_link(m)).collect();
            let _ = write!(body, "<li>{}</li>", members.join(", "));
        }
        body.push_str("</ol>");
    }
    body.push_str("</section>");

    // Shared passages, side by side.
    if !report.overlaps.is_empty() {
        body.push_str(
            "<section id=\"passages\"><h2>Shared passages, side by side</h2><table><tbody>",
        );
        for (k, o) in report.overlaps.iter().enumerate() {
            let passage = |side: char, loc: &super::PathLoc| {
                let text = by_name
                    .get(loc.path.as_str())
                    .map(|d| {
                        let (s, e) = (
                            offset(&loc.path, loc.bytes[0]),
                            offset(&loc.path, loc.bytes[1]),
                        );
                        d.text.get(s..e.max(s)).unwrap_or("").to_string()
                    })
                    .unwrap_or_default();
                format!(
                    "<td><a class=\"compare\" href=\"#ov-{k}-{side}\" data-ov=\"{k}\" data-side=\"{side}\">{}:{}</a><div class=\"passage\">{}</div></td>",
                    escape(&loc.path),
                    lines(loc.lines),
                    escape(&text)
                )
            };
            let _ = write!(
                body,
                "<tr><td colspan=\"2\">{} words, similarity {:.2}</td></tr><tr>{}{}</tr>",
                o.words,
                o.similarity.0,
                passage('a', &o.a),
                passage('b', &o.b)
            );
        }
        body.push_str("</tbody></table></section>");
    }

    // Documents.
    if !report.documents.is_empty() {
        body.push_str("<section id=\"documents\"><h2>Documents</h2>");
        for &d in &order {
            let summary = &report.documents[d];
            let path = summary.path.as_str();
            let c = counts.get(path).copied().unwrap_or_default();
            let _ = write!(
                body,
                "<article class=\"doc\" id=\"{}\" data-path=\"{}\"><h3>{}</h3><p class=\"stats\">{} {} words ({} in repeats, {} shared, {} boilerplate), {} paragraphs {} &middot; <a href=\"#index\">index</a></p>",
                anchor_of[path],
                escape(path),
                escape(path),
                bar(summary.originality),
                summary.words,
                summary.repeated_words,
                summary.overlap_words,
                summary.boilerplate_words,
                summary.paragraphs,
                count_badges(c),
            );
            match by_name.get(path) {
                Some(doc) => {
                    body.push_str("<pre class=\"text\">");
                    let mut list = marks.remove(path).unwrap_or_default();
                    highlight(&doc.text, &mut list, &mut body);
                    body.push_str("</pre>");
                }
                None => body.push_str("<p>(text not loaded)</p>"),
            }
            body.push_str("</article>");
        }
        body.push_str("</section>");
    }
    if !report.warnings.is_empty() {
        body.push_str("<section id=\"warnings\"><h2>Warnings</h2><ul class=\"warnings\">");
        for w in &report.warnings {
            let _ = write!(body, "<li>{}</li>", escape(w));
        }
        body.push_str("</ul></section>");
    }
    body.push_str("</main>");
    let _ = write!(
        body,
        "<footer>dedupe {} &middot; report schema version {}</footer>",
        env!("CARGO_PKG_VERSION"),
        report.version
    );
    body.push_str(
        "<div id=\"compare\" hidden><div class=\"panel\"><div class=\"top\"><strong>Shared passage, side by side</strong><button type=\"button\">Close (Esc)</button></div>\
         <div class=\"cols\"><div class=\"col\"><h3></h3><div class=\"holder\"></div></div><div class=\"col\"><h3></h3><div class=\"holder\"></div></div></div></div></div>",
    );

    // The nonce depends on the content, so the page is the same for the same report; text in
    // the page cannot predict it.
    let nonce = format!(
        "{:016x}",
        crate::hash::hash_bytes(body.as_bytes()) ^ crate::hash::hash_bytes(SCRIPT.as_bytes())
    );
    let mut page = String::with_capacity(body.len() + STYLE.len() + SCRIPT.len() + 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; img-src data:; base-uri 'none'; form-action 'none'\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>dedupe report: {} documents</title><style>{STYLE}</style></head>\n<body>",
        report.params.num_documents
    );
    page.push_str(&body);
    let _ = writeln!(
        page,
        "<script nonce=\"{nonce}\">{SCRIPT}</script></body></html>"
    );
    page
}

/// Writes `text` with the marks as nested-free highlight elements: the text is cut at every mark
/// boundary and each piece carries the classes of the marks covering it.
fn highlight(text: &str, marks: &mut [Mark], out: &mut String) {
    for m in marks.iter_mut() {
        m.start = m.start.min(text.len());
        m.end = m.end.clamp(m.start, text.len());
    }
    marks.sort_by(|a, b| (a.start, a.kind, b.end).cmp(&(b.start, b.kind, a.end)));
    let mut cuts: Vec<usize> = marks.iter().flat_map(|m| [m.start, m.end]).collect();
    cuts.push(0);
    cuts.push(text.len());
    cuts.sort_unstable();
    cuts.dedup();
    let mut next = 0; // next mark to open
    let mut active: Vec<usize> = Vec::new();
    for w in cuts.windows(2) {
        let (x, y) = (w[0], w[1]);
        active.retain(|&i| marks[i].end > x);
        while next < marks.len() && marks[next].start <= x {
            let m = &marks[next];
            // Anchors and badges sit before the piece they introduce.
            let _ = write!(out, "<span class=\"anchor\" id=\"{}\"></span>", m.id);
            if let Some(badge) = &m.badge {
                match &m.href {
                    Some(h) if m.kind == Kind::Repeat => {
                        let _ = write!(
                            out,
                            "<a class=\"badge {}\" href=\"{h}\">{}</a>",
                            m.kind.class(),
                            escape(badge)
                        );
                    }
                    _ => {
                        let _ = write!(
                            out,
                            "<span class=\"badge {}\">{}</span>",
                            m.kind.class(),
                            escape(badge)
                        );
                    }
                }
            }
            if m.end > x {
                active.push(next);
            }
            next += 1;
        }
        let piece = &text[x..y];
        if active.is_empty() {
            escape_into(piece, out);
            continue;
        }
        let mut kinds: Vec<Kind> = active.iter().map(|&i| marks[i].kind).collect();
        kinds.sort();
        kinds.dedup();
        let classes: Vec<&str> = kinds.iter().map(|k| k.class()).collect();
        let titles: Vec<&str> = active.iter().map(|&i| marks[i].title.as_str()).collect();
        let overlaps: Vec<(usize, char)> =
            active.iter().filter_map(|&i| marks[i].overlap).collect();
        let reasons: Vec<&str> = active.iter().filter_map(|&i| marks[i].reason).collect();
        let link = overlaps.first().map(|&(k, side)| (k, side));
        let tag = if link.is_some() { "a" } else { "span" };
        let _ = write!(out, "<{tag} class=\"hl {}\"", classes.join(" "));
        if let Some((k, side)) = link {
            let other = if side == 'a' { 'b' } else { 'a' };
            let ks: Vec<String> = overlaps.iter().map(|(k, _)| k.to_string()).collect();
            let _ = write!(
                out,
                " href=\"#ov-{k}-{other}\" data-ov=\"{}\" data-side=\"{side}\"",
                ks.join(" ")
            );
        }
        if !reasons.is_empty() {
            let _ = write!(out, " data-reason=\"{}\"", reasons.join(" "));
        }
        let _ = write!(out, " title=\"{}\">", escape(&titles.join("; ")));
        escape_into(piece, out);
        let _ = write!(out, "</{tag}>");
    }
    // Marks that start at the very end (empty) still get their anchors.
    for m in &marks[next..] {
        let _ = write!(out, "<span class=\"anchor\" id=\"{}\"></span>", m.id);
    }
}

fn bar(x: Rounded) -> String {
    let class = match super::Band::of(x) {
        super::Band::High => "hi",
        super::Band::Mid => "mid",
        super::Band::Low => "lo",
    };
    format!(
        "<span class=\"bar\" title=\"originality {:.2}\"><span class=\"{class}\" style=\"width:{:.1}%\"></span></span><span class=\"score\">{:.2}</span>",
        x.0,
        (x.0 * 100.0).clamp(0.0, 100.0),
        x.0
    )
}

fn count_badges(c: Counts) -> String {
    let mut out = String::new();
    for (n, class, what) in [
        (c.repeats, "repeat", "repeated paragraphs"),
        (c.overlaps, "overlap", "shared passages"),
        (c.boilerplate, "boilerplate", "boilerplate segments"),
    ] {
        if n > 0 {
            let _ = write!(
                out,
                "<span class=\"count {class}\" title=\"{n} {what}\">{n}</span>"
            );
        }
    }
    out
}

fn lines(l: [usize; 2]) -> String {
    if l[0] == l[1] {
        format!("line {}", l[0])
    } else {
        format!("lines {}-{}", l[0], l[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn overlapping_marks_cut_the_text_without_nesting() {
        let mark = |start, end, kind, id: &str| Mark {
            start,
            end,
            kind,
            id: id.into(),
            title: id.into(),
            href: None,
            badge: None,
            overlap: None,
            reason: None,
        };
        let mut marks = vec![
            mark(0, 6, Kind::Repeat, "r"),
            mark(3, 9, Kind::Boilerplate, "b"),
        ];
        let mut out = String::new();
        highlight("abcdefghij<", &mut marks, &mut out);
        assert_eq!(
            out,
            "<span class=\"anchor\" id=\"r\"></span><span class=\"hl repeat\" title=\"r\">abc</span>\
             <span class=\"anchor\" id=\"b\"></span><span class=\"hl repeat boilerplate\" title=\"r; b\">def</span>\
             <span class=\"hl boilerplate\" title=\"b\">ghi</span>j&lt;"
        );
    }
}
