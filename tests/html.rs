//! The HTML report (`--html`) without a browser: self-contained, escaped, structured as the
//! browser test expects; and the colours of the report for people (`--color`).
//! `tests/browser/` opens the same page in headless Chromium.

mod util;

use std::fs;
use std::process::Command;
use util::{dedupe, root, stderr, stdout, Corpus};

const P000: &str = "seeds/000_ca49e1c1fd87fc1f.txt";
const P004: &str = "seeds/004_9fb2f88967479f4d.txt";

const EVIL: &str = "An article about markup that quotes <script>alert(1)</script> in its text.\n\n\
    It also shows <img src=x onerror=\"document.body.dataset.pwned=1\"> and </pre></article> and \
    a quote ' and \" and an ampersand &amp; for good measure.\n";

/// Seeds plus a document full of markup, in a temporary directory; the page written for them.
fn page(extra: &[&str]) -> (Corpus, String) {
    let c = Corpus::new();
    for e in fs::read_dir(root().join("seeds")).unwrap() {
        let p = e.unwrap().path();
        c.file(
            &format!("seeds/{}", p.file_name().unwrap().to_string_lossy()),
            fs::read(&p).unwrap(),
        );
    }
    c.file("xss/<b>evil</b>.txt", EVIL);
    let mut args = vec!["seeds", "xss", "--html", "report.html"];
    args.extend_from_slice(extra);
    let out = dedupe(c.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = fs::read_to_string(c.path().join("report.html")).unwrap();
    (c, html)
}

/// The `<article>` of one document.
fn article<'a>(html: &'a str, path: &str) -> &'a str {
    let start = html
        .find(&format!("\" data-path=\"{path}\"><h3>"))
        .unwrap_or_else(|| panic!("no article for {path}"));
    assert!(
        html[..start].ends_with("<article class=\"doc\" id=\"doc-0")
            || html[..start]
                .rfind("<article class=\"doc\" id=\"doc-")
                .is_some()
    );
    let end = start + html[start..].find("</article>").unwrap();
    &html[start..end]
}

#[test]
fn document_text_is_escaped_and_runs_nothing() {
    let (_c, html) = page(&[]);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;img src=x onerror=&quot;document.body.dataset.pwned=1&quot;&gt;"));
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;/pre&gt;&lt;/article&gt;"));
    assert!(html.contains("a quote &#39; and &quot; and an ampersand &amp;amp;"));
    // The path is escaped too, in text and in attributes.
    assert!(html.contains("xss/&lt;b&gt;evil&lt;/b&gt;.txt"));
    assert!(!html.contains("<b>evil"));
    // One script, ours, allowed by nonce; no inline handlers anywhere.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("script-src 'nonce-"));
    let markup = without_evil_text(&html);
    assert!(!markup.contains(" onerror=") && !markup.contains(" onclick="));
}

/// The page without the escaped text of [`EVIL`], which mentions `src=` and `onerror=`.
fn without_evil_text(html: &str) -> String {
    html.replace("&lt;img src=x onerror=", "")
}

#[test]
fn the_page_is_self_contained() {
    let (_c, html) = page(&[]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("default-src 'none'"));
    let markup = without_evil_text(&html);
    for needle in ["http://", "https://", "<link", " src=", "url(", "@import"] {
        assert!(!markup.contains(needle), "{needle}");
    }
    // The same report gives the same page.
    let (_c2, again) = page(&[]);
    assert_eq!(html, again);
}

#[test]
fn findings_are_highlighted_in_each_document() {
    let (_c, html) = page(&[]);
    // A legend with the three kinds.
    for class in ["swatch repeat", "swatch overlap", "swatch boilerplate"] {
        assert!(html.contains(class), "{class}");
    }
    // 004's two copies of its five-paragraph block are repeats, pointing at the first occurrence.
    let a004 = article(&html, P004);
    assert_eq!(a004.matches("<span class=\"hl repeat\"").count(), 10);
    assert!(a004.contains("<a class=\"badge repeat\" href=\"#rp-0-orig\">repeat of line 13</a>"));
    assert!(a004.contains("id=\"rp-0-orig\""));
    // 004's dateline is boilerplate and shows its reason.
    assert!(a004.contains("<span class=\"badge boilerplate\">dateline</span><span class=\"hl boilerplate\" data-reason=\"dateline\""));
    // 000's boilerplate lines, each with its reason.
    let a000 = article(&html, P000);
    for (reason, text) in [
        ("metadata", " date 2021-04-26 "),
        (
            "inserted-headline",
            "KAMALA HARRIS SLAMMED BY TEXAS LAWMAKER",
        ),
        ("inserted-headline", "BIDEN TO RALLY IN ATLANTA"),
        ("call-to-action", "CLICK HERE TO GET THE FOX NEWS APP"),
    ] {
        let opening = format!("<span class=\"hl boilerplate\" data-reason=\"{reason}\" title=\"boilerplate: {reason}\">{text}");
        assert!(a000.contains(&opening), "{opening}");
        assert!(a000.contains(&format!(
            "<span class=\"badge boilerplate\">{reason}</span>"
        )));
    }
    // An overlap links to the matching passage of the other document.
    let a001 = article(&html, "seeds/001_a44d78c5ea0fce22.txt");
    let anchor = "<a class=\"hl overlap\" href=\"#ov-";
    let at = a001.find(anchor).expect("001 has a shared passage") + anchor.len();
    let k: usize = a001[at..].split('-').next().unwrap().parse().unwrap();
    assert!(a001.contains(&format!("{anchor}{k}-b\" data-ov=\"{k}\" data-side=\"a\"")));
    let a002 = article(&html, "seeds/002_896b3e09b23975d2.txt");
    assert!(a002.contains(&format!("id=\"ov-{k}-b\"")));
    assert!(html.contains("<section id=\"passages\"><h2>Shared passages, side by side</h2>"));
}

#[test]
fn documents_are_listed_by_originality_lowest_first_with_a_bar() {
    let (_c, html) = page(&[]);
    let index = &html[html.find("<section id=\"index\">").unwrap()..];
    let index = &index[..index.find("</section>").unwrap()];
    let rows: Vec<&str> = index.split("<tr data-path=\"").skip(1).collect();
    assert_eq!(rows.len(), 6);
    assert!(rows[0].starts_with(P004), "{}", rows[0]);
    let scores: Vec<f64> = rows
        .iter()
        .map(|r| {
            let s = &r[r.find("<span class=\"score\">").unwrap() + 20..];
            s[..s.find('<').unwrap()].parse().unwrap()
        })
        .collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    assert_eq!(index.matches("<span class=\"bar\"").count(), 6);
    // The bar's width is the originality.
    let w = &rows[0][rows[0].find("style=\"width:").unwrap() + 13..];
    let width: f64 = w[..w.find('%').unwrap()].parse().unwrap();
    assert!(
        (width / 100.0 - scores[0]).abs() < 0.01,
        "{width} vs {}",
        scores[0]
    );
    // Documents appear in the same order below.
    let docs = &html[html.find("<section id=\"documents\">").unwrap()..];
    assert!(docs.find(P004).unwrap() < docs.find(P000).unwrap());
}

#[test]
fn html_works_in_near_duplicate_mode_and_leaves_stdout_alone() {
    let c = Corpus::new();
    let out = dedupe(
        &root(),
        &[
            "seeds",
            "--only",
            "near-duplicates",
            "--html",
            c.path().join("nd.html").to_str().unwrap(),
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(util::json(&out)["version"] == 1);
    let html = fs::read_to_string(c.path().join("nd.html")).unwrap();
    assert!(html.contains("No per-document analysis in this mode."));
    // The text report is unchanged by --html.
    let with = dedupe(
        &root(),
        &["seeds", "--html", c.path().join("x.html").to_str().unwrap()],
    );
    let without = dedupe(&root(), &["seeds"]);
    assert_eq!(stdout(&with), stdout(&without));
}

#[test]
fn html_never_overwrites_an_input() {
    let c = Corpus::new();
    let doc = c.file("docs/a.txt", "Some text of a document that matters.\n");
    let out = dedupe(c.path(), &["docs", "--html", "docs/a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("refusing to write --html over the input"));
    assert_eq!(
        fs::read_to_string(doc).unwrap(),
        "Some text of a document that matters.\n"
    );
}

#[test]
fn the_text_report_is_coloured_only_when_asked_or_on_a_terminal() {
    let plain = stdout(&dedupe(&root(), &["seeds"]));
    assert!(!plain.contains('\x1b'), "not a terminal: no colour");
    let never = stdout(&dedupe(&root(), &["seeds", "--color", "never"]));
    assert_eq!(plain, never);
    let always = stdout(&dedupe(&root(), &["seeds", "--color", "always"]));
    assert!(always.contains("\x1b[1;31mrepeat\x1b[0m"));
    assert!(always.contains("\x1b[1;33mboilerplate (dateline)\x1b[0m"));
    assert!(always.contains("\x1b[1;36moverlap\x1b[0m"));
    // Without the escapes it is the plain report.
    let mut stripped = String::new();
    let mut rest = always.as_str();
    while let Some(i) = rest.find('\x1b') {
        stripped.push_str(&rest[..i]);
        rest = &rest[i + rest[i..].find('m').unwrap() + 1..];
    }
    stripped.push_str(rest);
    assert_eq!(stripped, plain);
    // NO_COLOR and TERM=dumb turn auto off; an explicit --color always still wins.
    for (var, value) in [("NO_COLOR", "1"), ("TERM", "dumb")] {
        let out = Command::new(env!("CARGO_BIN_EXE_dedupe"))
            .args(["seeds"])
            .current_dir(root())
            .env(var, value)
            .output()
            .unwrap();
        assert!(!stdout(&out).contains('\x1b'));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_dedupe"))
        .args(["seeds", "--color", "always"])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(stdout(&out).contains('\x1b'));
    // JSON is never coloured.
    let json = stdout(&dedupe(&root(), &["seeds", "--json", "--color", "always"]));
    assert!(!json.contains('\x1b'));
}
