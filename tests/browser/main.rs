//! The HTML report in a real browser: headless Chromium opens the seeds' report, and the test
//! checks from the DOM (after the page's script ran) that 004's repeated block and 000's
//! boilerplate lines are highlighted, that a document full of markup is shown as text and runs
//! nothing, and that a shared passage opens side by side; then it saves screenshots.
//!
//! It installs nothing. Without Chromium it is skipped with a message, except in CI (`CI=true`),
//! where it fails: `.ci/run` installs the Debian package `chromium` first. `DEDUPE_CHROMIUM`
//! names another binary. The screenshots go to `target/tmp/browser/`.

#[path = "../util/mod.rs"]
mod util;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use util::{dedupe, json, root, stderr, Corpus};

const P000: &str = "seeds/000_ca49e1c1fd87fc1f.txt";
const P001: &str = "seeds/001_a44d78c5ea0fce22.txt";
const P002: &str = "seeds/002_896b3e09b23975d2.txt";
const P004: &str = "seeds/004_9fb2f88967479f4d.txt";
const EVIL_PATH: &str = "xss/evil.txt";
const EVIL: &str = "A note on markup: <script>document.title='pwned'; document.body.dataset.pwned='1'</script> is text here.\n\n\
    So is <img src=x onerror=\"document.body.dataset.pwned='2'\"> and </pre></article><h1>not a heading</h1>.\n";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// The Chromium binary: `DEDUPE_CHROMIUM`, else the first of the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DEDUPE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Runs headless Chromium with `args` and the page URL; its stdout. Fails after two minutes.
fn run_chromium(bin: &Path, profile: &Path, args: &[String], url: &str) -> String {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).ok();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        stderr_pipe.read_to_string(&mut s).ok();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().unwrap();
    let err = err_reader.join().unwrap();
    assert!(status.success(), "chromium failed ({status}): {err}");
    out
}

// ---------------------------------------------------------------------------------------------
// A small HTML parser for the DOM Chromium serialises (double-quoted attributes, escaped text).

struct Node {
    tag: String,
    attrs: Vec<(String, String)>,
    children: Vec<usize>,
    text: Option<String>,
}

struct Dom {
    nodes: Vec<Node>,
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param",
];

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

impl Dom {
    fn parse(html: &str) -> Dom {
        let mut nodes = vec![Node {
            tag: "#root".into(),
            attrs: Vec::new(),
            children: Vec::new(),
            text: None,
        }];
        let mut stack = vec![0usize];
        let b = html.as_bytes();
        let mut i = 0;
        let add = |nodes: &mut Vec<Node>, stack: &[usize], node: Node| {
            let id = nodes.len();
            nodes.push(node);
            let parent = *stack.last().unwrap();
            nodes[parent].children.push(id);
            id
        };
        while i < b.len() {
            if html[i..].starts_with("<!--") {
                i += html[i..].find("-->").map_or(b.len() - i, |e| e + 3);
            } else if html[i..].starts_with("<!") {
                i += html[i..].find('>').map_or(b.len() - i, |e| e + 1);
            } else if html[i..].starts_with("</") {
                let end = i + html[i..].find('>').unwrap();
                let name = html[i + 2..end].trim().to_ascii_lowercase();
                if let Some(pos) = stack.iter().rposition(|&n| nodes[n].tag == name) {
                    stack.truncate(pos.max(1));
                }
                i = end + 1;
            } else if b[i] == b'<' && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
                let mut j = i + 1;
                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
                    j += 1;
                }
                let tag = html[i + 1..j].to_ascii_lowercase();
                let mut attrs = Vec::new();
                let mut self_closing = false;
                loop {
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j >= b.len() {
                        break;
                    }
                    if b[j] == b'>' {
                        j += 1;
                        break;
                    }
                    if b[j] == b'/' {
                        self_closing = true;
                        j += 1;
                        continue;
                    }
                    let start = j;
                    while j < b.len()
                        && !matches!(b[j], b'=' | b'>' | b'/')
                        && !b[j].is_ascii_whitespace()
                    {
                        j += 1;
                    }
                    let name = html[start..j].to_ascii_lowercase();
                    let mut value = String::new();
                    if b.get(j) == Some(&b'=') {
                        j += 1;
                        if b.get(j) == Some(&b'"') || b.get(j) == Some(&b'\'') {
                            let q = b[j] as char;
                            let end = j + 1 + html[j + 1..].find(q).unwrap();
                            value = unescape(&html[j + 1..end]);
                            j = end + 1;
                        } else {
                            let start = j;
                            while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                                j += 1;
                            }
                            value = unescape(&html[start..j]);
                        }
                    }
                    attrs.push((name, value));
                }
                let id = add(
                    &mut nodes,
                    &stack,
                    Node {
                        tag: tag.clone(),
                        attrs,
                        children: Vec::new(),
                        text: None,
                    },
                );
                i = j;
                if tag == "script" || tag == "style" {
                    let end = i + html[i..].find(&format!("</{tag}")).unwrap();
                    let raw = html[i..end].to_string();
                    stack.push(id);
                    add(
                        &mut nodes,
                        &stack,
                        Node {
                            tag: "#text".into(),
                            attrs: Vec::new(),
                            children: Vec::new(),
                            text: Some(raw),
                        },
                    );
                    stack.pop();
                    i = end + html[end..].find('>').unwrap() + 1;
                } else if !self_closing && !VOID.contains(&tag.as_str()) {
                    stack.push(id);
                }
            } else {
                let end = html[i..].find('<').map_or(b.len(), |e| i + e.max(1));
                add(
                    &mut nodes,
                    &stack,
                    Node {
                        tag: "#text".into(),
                        attrs: Vec::new(),
                        children: Vec::new(),
                        text: Some(unescape(&html[i..end])),
                    },
                );
                i = end;
            }
        }
        Dom { nodes }
    }

    fn attr(&self, n: usize, name: &str) -> Option<&str> {
        self.nodes[n]
            .attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn has_class(&self, n: usize, class: &str) -> bool {
        self.attr(n, "class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|x| x == class))
    }

    /// Elements below `n` (document order) for which `pred` holds.
    fn find(&self, n: usize, pred: &dyn Fn(usize) -> bool) -> Vec<usize> {
        let mut out = Vec::new();
        let mut todo = vec![n];
        while let Some(x) = todo.pop() {
            if x != n && self.nodes[x].text.is_none() && pred(x) {
                out.push(x);
            }
            todo.extend(self.nodes[x].children.iter().rev());
        }
        out
    }

    fn by_tag(&self, n: usize, tag: &str) -> Vec<usize> {
        self.find(n, &|x| self.nodes[x].tag == tag)
    }

    fn text(&self, n: usize) -> String {
        match &self.nodes[n].text {
            Some(t) => t.clone(),
            None => self.nodes[n]
                .children
                .iter()
                .map(|&c| self.text(c))
                .collect(),
        }
    }

    fn article(&self, path: &str) -> usize {
        let found = self.find(0, &|x| {
            self.nodes[x].tag == "article" && self.attr(x, "data-path") == Some(path)
        });
        assert_eq!(found.len(), 1, "article for {path}");
        found[0]
    }
}

/// The bytes `[start, end)` of `path` (relative to `dir`), as text.
fn slice(dir: &Path, path: &str, bytes: &serde_json::Value) -> String {
    let data = std::fs::read(dir.join(path)).unwrap();
    let (s, e) = (
        bytes[0].as_u64().unwrap() as usize,
        bytes[1].as_u64().unwrap() as usize,
    );
    String::from_utf8(data[s..e].to_vec()).unwrap()
}

/// Width and height of a PNG.
fn png_size(path: &Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(
        &b[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is not a PNG",
        path.display()
    );
    let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    (be(16), be(20))
}

#[test]
fn seeds_report_in_headless_chromium() {
    let Some(bin) = chromium() else {
        assert!(
            !in_ci(),
            "CI: headless Chromium is required for the browser test (apt-get install chromium)"
        );
        eprintln!(
            "SKIPPED browser test: no chromium on PATH (install the Debian package `chromium`, or set DEDUPE_CHROMIUM)"
        );
        return;
    };
    let c = Corpus::new();
    for entry in std::fs::read_dir(root().join("seeds")).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        c.file(&format!("seeds/{name}"), std::fs::read(&p).unwrap());
    }
    c.file(EVIL_PATH, EVIL);
    let out = dedupe(
        c.path(),
        &["seeds", "xss", "--html", "report.html", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    let page = c.path().join("report.html");
    let url = format!("file://{}", page.display());
    let profile = tempfile::tempdir().unwrap();

    // 1. The DOM after the page's script ran.
    let dom_text = run_chromium(&bin, profile.path(), &["--dump-dom".into()], &url);
    let dom = Dom::parse(&dom_text);
    let body = dom.by_tag(0, "body")[0];
    assert_eq!(
        dom.attr(body, "data-ready"),
        Some("1"),
        "the page's script did not finish"
    );

    // 004's repeated block: every copy paragraph is inside repeat highlights.
    let a004 = dom.article(P004);
    let repeat_text: String = dom
        .find(a004, &|x| {
            dom.has_class(x, "hl") && dom.has_class(x, "repeat")
        })
        .iter()
        .map(|&x| dom.text(x))
        .collect();
    let copies: Vec<&serde_json::Value> = report["repeats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == P004)
        .collect();
    assert_eq!(copies.len(), 10);
    for r in &copies {
        let copy = slice(c.path(), P004, &r["copy"]["bytes"]);
        assert!(
            repeat_text.contains(&copy),
            "not highlighted as a repeat: {copy}"
        );
    }
    // …and the first occurrence (lines 13-21) is not a repeat.
    let first = slice(c.path(), P004, &copies[0]["original"]["bytes"]);
    assert_eq!(repeat_text.matches(first.as_str()).count(), 2);

    // 000's boilerplate lines, each highlighted with its reason shown.
    let a000 = dom.article(P000);
    let boiler = dom.find(a000, &|x| {
        dom.has_class(x, "hl") && dom.has_class(x, "boilerplate")
    });
    let badges: Vec<String> = dom
        .find(a000, &|x| {
            dom.has_class(x, "badge") && dom.has_class(x, "boilerplate")
        })
        .iter()
        .map(|&x| dom.text(x))
        .collect();
    let findings: Vec<&serde_json::Value> = report["boilerplate"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["path"] == P000)
        .collect();
    assert_eq!(findings.len(), 4);
    for f in &findings {
        let text = f["text"].as_str().unwrap();
        let reason = f["reason"].as_str().unwrap();
        assert!(
            boiler
                .iter()
                .any(|&x| dom.text(x) == text && dom.attr(x, "data-reason") == Some(reason)),
            "not highlighted as {reason}: {text:?}"
        );
        assert!(
            badges.iter().any(|b| b == reason),
            "no {reason} badge: {badges:?}"
        );
    }

    // The document full of markup is text: nothing of it became an element or ran.
    let evil = dom.article(EVIL_PATH);
    let pre = dom.by_tag(evil, "pre")[0];
    let shown = dom.text(pre);
    assert!(
        shown.contains("<script>document.title='pwned'; document.body.dataset.pwned='1'</script>")
    );
    assert!(shown.contains("<img src=x onerror=\"document.body.dataset.pwned='2'\">"));
    assert!(shown.contains("</pre></article><h1>not a heading</h1>"));
    assert_eq!(
        dom.by_tag(0, "script").len(),
        1,
        "only the page's own script"
    );
    assert!(dom.by_tag(0, "img").is_empty());
    assert_eq!(dom.by_tag(0, "h1").len(), 1);
    assert_eq!(dom.attr(body, "data-pwned"), None);
    let title = dom.text(dom.by_tag(0, "title")[0]);
    assert!(title.starts_with("dedupe report"), "{title}");

    // 2. A shared passage side by side: 001's quote next to 002's.
    let quote = report["overlaps"]
        .as_array()
        .unwrap()
        .iter()
        .position(|o| o["a"]["path"] == P001 && o["b"]["path"] == P002)
        .expect("001 and 002 share a passage");
    let compare_url = format!("{url}#compare-{quote}-a");
    let dom_text = run_chromium(&bin, profile.path(), &["--dump-dom".into()], &compare_url);
    let dom = Dom::parse(&dom_text);
    let panel = dom.find(0, &|x| dom.attr(x, "id") == Some("compare"))[0];
    assert_eq!(
        dom.attr(panel, "hidden"),
        None,
        "the comparison did not open"
    );
    let cols = dom.find(panel, &|x| dom.has_class(x, "col"));
    assert_eq!(cols.len(), 2);
    for (&col, path) in cols.iter().zip([P001, P002]) {
        let heading = dom.by_tag(col, "h3")[0];
        assert_eq!(dom.text(heading), path);
        let focused: String = dom
            .find(col, &|x| dom.has_class(x, "focus"))
            .iter()
            .map(|&x| dom.text(x))
            .collect();
        assert!(
            focused.contains("the most qualified person"),
            "{path}: {focused:?}"
        );
    }

    // 3. Screenshots, to look at.
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, url) in [
        ("seeds-report.png", &url),
        ("seeds-compare.png", &compare_url),
    ] {
        let file = shots.join(name);
        let _ = std::fs::remove_file(&file);
        run_chromium(
            &bin,
            profile.path(),
            &[
                format!("--screenshot={}", file.display()),
                "--window-size=1280,2000".into(),
            ],
            url,
        );
        assert_eq!(png_size(&file), (1280, 2000));
        println!("screenshot: {}", file.display());
    }
}
