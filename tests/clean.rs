//! `dedupe clean` and `dedupe restore` on the real binary: the round trip gives the original bytes
//! back (LF, CRLF, invalid UTF-8, UTF-16, JSONL, gzipped JSONL), the output is never inside an
//! input, a dry run writes nothing, and near-duplicates are dropped with the reason recorded.

mod util;

use std::fs;
use std::path::{Path, PathBuf};
use util::{dedupe, root, stderr, stdout, Corpus, Words};

const P000: &str = "000_ca49e1c1fd87fc1f.txt";
const P004: &str = "004_9fb2f88967479f4d.txt";
const P001: &str = "001_a44d78c5ea0fce22.txt";

fn seed(name: &str) -> Vec<u8> {
    fs::read(root().join("seeds").join(name)).unwrap()
}

fn seed_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file below `dir`, relative, sorted (hidden files included).
fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join(".dedupe-manifest.json")).unwrap()).unwrap()
}

/// The manifest's entry for the file written at `path`.
fn file_entry<'a>(m: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    m["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no entry for {path}: {m}"))
}

/// Cleans `input` (relative to the corpus) into `out`, restores into `back`, and checks that
/// every input file comes back byte for byte. Returns the manifest.
fn round_trip(c: &Corpus, input: &str, extra: &[&str]) -> serde_json::Value {
    round_trip_exiting(c, input, extra, 0)
}

/// [`round_trip`] where clean exits with `code` (2 when an input has errors).
fn round_trip_exiting(c: &Corpus, input: &str, extra: &[&str], code: i32) -> serde_json::Value {
    let mut args = vec!["clean", input, "--out", "out"];
    args.extend_from_slice(extra);
    let out = dedupe(c.path(), &args);
    assert_eq!(out.status.code(), Some(code), "clean: {}", stderr(&out));
    let restored = dedupe(c.path(), &["restore", "out", "--out", "back"]);
    assert!(restored.status.success(), "restore: {}", stderr(&restored));
    let inputs = tree(&c.path().join(input));
    assert!(!inputs.is_empty());
    for rel in &inputs {
        let original = fs::read(c.path().join(input).join(rel)).unwrap();
        let back = fs::read(c.path().join("back").join(rel)).unwrap();
        assert!(
            original == back,
            "{} differs after clean + restore",
            rel.display()
        );
    }
    // Nothing else was restored, and no temporary files were left anywhere.
    let mut restored_files = tree(&c.path().join("back"));
    restored_files.retain(|p| !p.to_string_lossy().contains(".dedupe-manifest"));
    let dropped: Vec<PathBuf> = inputs.clone();
    assert_eq!(restored_files, dropped);
    for dir in ["out", "back"] {
        for f in tree(&c.path().join(dir)) {
            assert!(
                !f.to_string_lossy().contains("dedupe-tmp"),
                "{}",
                f.display()
            );
        }
    }
    manifest(&c.path().join("out"))
}

fn seeds_into(c: &Corpus, dir: &str, transform: impl Fn(Vec<u8>) -> Vec<u8>) {
    for name in seed_names() {
        c.file(&format!("{dir}/{name}"), transform(seed(&name)));
    }
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

fn to_crlf(b: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + b.len() / 20);
    for &x in &b {
        if x == b'\n' {
            out.push(b'\r');
        }
        out.push(x);
    }
    out
}

/// The first repeated paragraph of seed 004 (lines 13, 23 and 33).
fn repeated_004() -> Vec<u8> {
    let text = String::from_utf8(seed(P004)).unwrap();
    text.lines().nth(12).unwrap().as_bytes().to_vec()
}

#[test]
fn seeds_lose_repeat_copies_and_boilerplate_and_nothing_else() {
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    let m = round_trip(&c, "in", &[]);
    let cleaned = fs::read(c.path().join("out").join(P004)).unwrap();
    // The first occurrence stays, the two copies go.
    assert_eq!(count(&seed(P004), &repeated_004()), 3);
    assert_eq!(count(&cleaned, &repeated_004()), 1);
    assert!(!cleaned.windows(4).any(|w| w == b"\n\n\n\n"));
    assert!(!String::from_utf8_lossy(&cleaned).contains("CNN – Washington D.C. –"));
    let cleaned000 = String::from_utf8(fs::read(c.path().join("out").join(P000)).unwrap()).unwrap();
    assert!(cleaned000.starts_with("White House press secretary"));
    assert!(!cleaned000.contains("CLICK HERE"));
    assert!(!cleaned000.contains("KAMALA HARRIS SLAMMED"));
    assert!(!cleaned000.contains("\n\n\n"), "no doubled blank lines");
    // Everything else is preserved: the cleaned text is the original minus the removed spans.
    let original000 = String::from_utf8(seed(P000)).unwrap();
    let kept_paragraphs = original000
        .split("\n\n")
        .filter(|p| {
            !p.contains("CLICK HERE") && !p.starts_with("KAMALA") && !p.starts_with("BIDEN TO")
        })
        .count();
    assert_eq!(cleaned000.split("\n\n").count(), kept_paragraphs);
    // The manifest says what went and why.
    let files = m["files"].as_array().unwrap();
    let f004 = files.iter().find(|f| f["path"] == P004).unwrap();
    let reasons: Vec<&str> = f004["removed"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
        })
        .collect();
    assert!(
        reasons.contains(&"repeat") && reasons.contains(&"dateline"),
        "{reasons:?}"
    );
    let f000 = files.iter().find(|f| f["path"] == P000).unwrap();
    let removed = f000["removed"].as_array().unwrap();
    assert_eq!(removed[0]["bytes"], serde_json::json!([0, 17]));
    assert_eq!(removed[0]["text"], " date 2021-04-26 ");
    assert_eq!(removed[0]["reasons"], serde_json::json!(["metadata"]));
    assert_eq!(m["remove"], serde_json::json!(["repeats", "boilerplate"]));
}

#[test]
fn a_drifting_paragraph_loses_every_other_copy() {
    // Each paragraph changes three of 40 words of the one before: a near repeat of it (0.86) and
    // of nothing earlier (0.74). Removing every copy would leave the first paragraph alone.
    let c = Corpus::new();
    let mut words: Vec<String> = (0..40).map(|i| format!("word{i}")).collect();
    let mut paragraphs = vec![words.join(" ")];
    for k in 0..12 {
        for r in 0..3 {
            words[((k * 3 + r) * 7 + 3) % 40] = format!("chg{k}x{r}");
        }
        paragraphs.push(words.join(" "));
    }
    c.file("in/drift.txt", paragraphs.join("\n\n") + "\n");
    round_trip(&c, "in", &["--remove", "repeats"]);
    let cleaned = fs::read_to_string(c.path().join("out/drift.txt")).unwrap();
    let kept: Vec<&str> = cleaned.split("\n\n").map(str::trim_end).collect();
    let every_other: Vec<&str> = paragraphs.iter().step_by(2).map(String::as_str).collect();
    assert_eq!(kept, every_other);
}

#[test]
fn crlf_files_keep_their_line_endings() {
    let c = Corpus::new();
    seeds_into(&c, "in", to_crlf);
    round_trip(&c, "in", &[]);
    let cleaned = fs::read(c.path().join("out").join(P004)).unwrap();
    assert_eq!(count(&cleaned, &repeated_004()), 1);
    // Every line feed is still preceded by a carriage return, and no blank lines are doubled.
    assert_eq!(count(&cleaned, b"\n"), count(&cleaned, b"\r\n"));
    assert_eq!(count(&cleaned, b"\r\n\r\n\r\n"), 0);
    let cleaned000 = fs::read(c.path().join("out").join(P000)).unwrap();
    assert!(cleaned000.starts_with(b"White House"));
    assert_eq!(count(&cleaned000, b"\n"), count(&cleaned000, b"\r\n"));
}

#[test]
fn invalid_utf8_and_utf16_round_trip_byte_for_byte() {
    let c = Corpus::new();
    // Seed 000 with Windows-1252 bytes: one in a kept paragraph, two in a removed headline.
    let text = String::from_utf8(seed(P000)).unwrap();
    let latin = text
        .replace("Jen Psaki", "Jen Ps\u{1}aki")
        .replace("BORDER ‘EXCUSE’", "BORDER \u{2}EXCUSE\u{2}");
    let mut bytes = latin.into_bytes();
    for b in bytes.iter_mut() {
        match *b {
            1 => *b = 0xE9,
            2 => *b = 0x92,
            _ => {}
        }
    }
    c.file("in/latin.txt", &bytes);
    // Seed 004 as UTF-16LE with a byte-order mark.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in String::from_utf8(seed(P004)).unwrap().encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    c.file("in/utf16.txt", &utf16);
    // And UTF-8 with a byte-order mark.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(seed(P000));
    c.file("in/bom.txt", &bom);
    let m = round_trip(&c, "in", &[]);

    let cleaned = fs::read(c.path().join("out/latin.txt")).unwrap();
    assert!(
        cleaned.windows(7).any(|w| w == b"Jen Ps\xE9"),
        "kept bytes stay"
    );
    assert!(
        !cleaned.windows(6).any(|w| w == b"BORDER"),
        "headline removed"
    );
    let files = m["files"].as_array().unwrap();
    let latin = files.iter().find(|f| f["path"] == "latin.txt").unwrap();
    assert!(
        latin["removed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["base64"].is_string() && s["preview"].as_str().unwrap().contains("BORDER")),
        "non-UTF-8 removed bytes are stored as base64: {latin}"
    );
    let cleaned16 = fs::read(c.path().join("out/utf16.txt")).unwrap();
    assert_eq!(&cleaned16[..2], &[0xFF, 0xFE]);
    assert_eq!(cleaned16.len() % 2, 0);
    let units: Vec<u16> = cleaned16[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let decoded = String::from_utf16(&units).unwrap();
    let para = String::from_utf8(repeated_004()).unwrap();
    assert_eq!(
        decoded.matches(&para).count(),
        1,
        "repeats removed in UTF-16 too"
    );
    let cleaned_bom = fs::read(c.path().join("out/bom.txt")).unwrap();
    assert!(cleaned_bom.starts_with(b"\xEF\xBB\xBFWhite House"));
}

#[test]
fn utf16_with_an_odd_last_byte_ends_findings_before_it_and_keeps_it() {
    let c = Corpus::new();
    let para = "The harbour master closed the port for the night because of the storm.";
    let text = format!("{para}\n\nFishermen waited on the quay for news of the boats.\n\n{para}");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes.push(b'!');
    c.file("in/odd.txt", &bytes);
    let out = dedupe(c.path(), &["in", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let copy = &report["repeats"][0]["copy"]["bytes"];
    let (start, end) = (
        copy[0].as_u64().unwrap() as usize,
        copy[1].as_u64().unwrap() as usize,
    );
    assert_eq!(
        end,
        bytes.len() - 1,
        "the copy ends with the last whole code unit"
    );
    let units: Vec<u16> = bytes[start..end]
        .chunks(2)
        .map(|u| u16::from_le_bytes([u[0], u[1]]))
        .collect();
    assert_eq!(String::from_utf16(&units).unwrap(), para);
    round_trip(&c, "in", &[]);
    let cleaned = fs::read(c.path().join("out/odd.txt")).unwrap();
    assert_eq!(cleaned.last(), Some(&b'!'), "the odd byte is kept");
    assert!(cleaned.len() < bytes.len() - 100, "the copy is removed");
}

fn jsonl_corpus(c: &Corpus, name: &str) -> Vec<u8> {
    let t000 = String::from_utf8(seed(P000)).unwrap();
    let t004 = String::from_utf8(seed(P004)).unwrap();
    let t003 = String::from_utf8(seed("003_c830c1c83e80df10.txt")).unwrap();
    let mut out = String::new();
    // Fields in an order of their own, odd spacing, a nested value: all kept as they are.
    out.push_str(&format!(
        "{{\"url\": \"https://example.org/a\",  \"text\":{}, \"id\":\"a\", \"meta\":{{\"tags\":[\"x\",\"}}\"]}}}}\n",
        serde_json::to_string(&t000).unwrap()
    ));
    out.push_str(&format!(
        "{{\"id\":\"b\",\"text\":{},\"n\":1}}\r\n",
        serde_json::to_string(&t004).unwrap()
    ));
    out.push('\n');
    // Escapes serde_json would not write: restored from the manifest's token.
    let escaped = serde_json::to_string(&t003)
        .unwrap()
        .replace("date", "d\\u0061te");
    out.push_str(&format!("{{\"id\":\"c\",\"text\":{escaped}}}\n"));
    out.push_str("not json at all\n");
    c.file(name, out.as_bytes());
    out.into_bytes()
}

#[test]
fn jsonl_keeps_every_field_and_byte_but_the_cleaned_text() {
    let c = Corpus::new();
    let original = jsonl_corpus(&c, "in/docs.jsonl");
    // The line that is not JSON is an error (exit code 2), and is copied as it is.
    let m = round_trip_exiting(&c, "in", &[], 2);
    let cleaned = fs::read(c.path().join("out/docs.jsonl")).unwrap();
    let cleaned = String::from_utf8(cleaned).unwrap();
    let lines: Vec<&str> = cleaned.split_inclusive('\n').collect();
    let orig = String::from_utf8(original).unwrap();
    let orig_lines: Vec<&str> = orig.split_inclusive('\n').collect();
    assert_eq!(lines.len(), orig_lines.len());
    assert!(lines[0].starts_with("{\"url\": \"https://example.org/a\",  \"text\":\"White House"));
    assert!(lines[0].ends_with(", \"id\":\"a\", \"meta\":{\"tags\":[\"x\",\"}\"]}}\n"));
    assert!(lines[1].ends_with(",\"n\":1}\r\n"));
    assert_eq!(lines[2], "\n");
    assert_eq!(lines[4], "not json at all\n");
    let rec: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    let text = rec["text"].as_str().unwrap();
    assert_eq!(
        text.matches(std::str::from_utf8(&repeated_004()).unwrap())
            .count(),
        1
    );
    let rec0: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert!(!rec0["text"].as_str().unwrap().contains("CLICK HERE"));
    let rec2: serde_json::Value = serde_json::from_str(lines[3]).unwrap();
    assert!(!rec2["text"].as_str().unwrap().starts_with(" date"));
    let records = m["files"][0]["records"].as_array().unwrap();
    assert_eq!(records.len(), 3);
    assert!(records[2]["token"].as_str().unwrap().contains("d\\u0061te"));
    assert!(records[0]["token"].is_null());
}

#[test]
fn jsonl_with_a_byte_order_mark_and_crlf() {
    let c = Corpus::new();
    let t = String::from_utf8(seed(P000)).unwrap();
    let line = format!(
        "{{\"id\":1,\"text\":{}}}\r\n",
        serde_json::to_string(&t).unwrap()
    );
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend_from_slice(line.as_bytes());
    body.extend_from_slice(line.replace("\"id\":1", "\"id\":2").as_bytes());
    c.file("in/docs.jsonl", &body);
    round_trip(&c, "in", &[]);
    let cleaned = fs::read(c.path().join("out/docs.jsonl")).unwrap();
    assert!(cleaned.starts_with(b"\xEF\xBB\xBF{\"id\":1,\"text\":\"White House"));
    assert_eq!(count(&cleaned, b"CLICK HERE"), 0);
    assert_eq!(count(&cleaned, b"\r\n"), 2);
}

/// Half a surrogate pair (as JavaScript writes them) is read as U+FFFD, and the record is
/// cleaned like any other; restore gives back its escape.
#[test]
fn jsonl_with_half_a_surrogate_pair_is_cleaned_and_restored() {
    let c = Corpus::new();
    let t = serde_json::to_string(&String::from_utf8(seed(P004)).unwrap()).unwrap();
    let t = t.replacen("Harris", "Harris\\ud800", 1);
    c.file("in/docs.jsonl", format!("{{\"id\":1,\"text\":{t}}}\n"));
    let m = round_trip(&c, "in", &[]);
    assert_eq!(file_entry(&m, "docs.jsonl")["records"][0]["line"], 1);
    let cleaned = String::from_utf8(fs::read(c.path().join("out/docs.jsonl")).unwrap()).unwrap();
    assert!(cleaned.contains("Harris\u{fffd}"), "{cleaned}");
    assert!(cleaned.len() < t.len(), "nothing was removed");
}

#[test]
fn gzipped_jsonl_is_written_gzipped_and_restored() {
    use std::io::{Read, Write};
    let c = Corpus::new();
    let plain = jsonl_corpus(&c, "tmp/docs.jsonl");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    c.file("in/docs.jsonl.gz", gz.finish().unwrap());
    let out = dedupe(c.path(), &["clean", "in", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("docs.jsonl.gz:5: malformed JSON"));
    let restored = dedupe(c.path(), &["restore", "out", "--out", "back"]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    let mut back = Vec::new();
    flate2::read::GzDecoder::new(fs::File::open(c.path().join("back/docs.jsonl.gz")).unwrap())
        .read_to_end(&mut back)
        .unwrap();
    assert!(back == plain);
    let mut cleaned = Vec::new();
    flate2::read::GzDecoder::new(fs::File::open(c.path().join("out/docs.jsonl.gz")).unwrap())
        .read_to_end(&mut cleaned)
        .unwrap();
    assert!(cleaned.len() < plain.len());

    // A truncated archive: one error, said once, and the file copied as it is.
    let whole = fs::read(c.path().join("in/docs.jsonl.gz")).unwrap();
    c.file("cut/docs.jsonl.gz", &whole[..whole.len() / 2]);
    let out = dedupe(c.path(), &["clean", "cut", "--out", "cut-out"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    let errors = said
        .lines()
        .filter(|l| l.contains("docs.jsonl.gz") && l.contains("error"))
        .count();
    assert_eq!(errors, 1, "{said}");
    assert!(said.contains("copied unchanged"), "{said}");
    // Why: the damage, not "no text was read" (the records before it were).
    assert!(!said.contains("no text was read"), "{said}");
    assert!(said.contains("deflate stream; copied unchanged"), "{said}");
    assert_eq!(
        fs::read(c.path().join("cut-out/docs.jsonl.gz")).unwrap(),
        &whole[..whole.len() / 2]
    );
}

/// `--html` and `--manifest` write through a symbolic link and into a pipe, never replacing
/// them; a place that cannot be written is an error named once, before anything is written.
#[test]
fn outputs_go_through_links_and_into_pipes() {
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    std::os::unix::fs::symlink("target.html", c.path().join("link.html")).unwrap();
    let out = dedupe(c.path(), &["in", "--html", "link.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let link = fs::symlink_metadata(c.path().join("link.html")).unwrap();
    assert!(link.file_type().is_symlink());
    assert!(fs::read_to_string(c.path().join("target.html"))
        .unwrap()
        .contains("<h1>dedupe report</h1>"));

    let made = std::process::Command::new("mkfifo")
        .arg(c.path().join("pipe"))
        .status();
    if made.is_ok_and(|s| s.success()) {
        let pipe = c.path().join("pipe");
        let reader = std::thread::spawn(move || fs::read_to_string(pipe).unwrap());
        let out = dedupe(c.path(), &["in", "--html", "pipe"]);
        assert!(out.status.success(), "{}", stderr(&out));
        // Checked before waiting for the reader, which would wait forever on a pipe that was
        // replaced by a file.
        let kind = fs::symlink_metadata(c.path().join("pipe"))
            .unwrap()
            .file_type();
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind));
        assert!(reader.join().unwrap().contains("<h1>dedupe report</h1>"));
    }

    // Standard output, in order with the report: the page first, then the report.
    let out = dedupe(c.path(), &["in", "--html", "/dev/stdout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    let (page, summary) = (
        printed.find("<h1>dedupe report</h1>"),
        printed.find("summary:"),
    );
    assert!(
        page.is_some() && summary.is_some() && page < summary,
        "{printed}"
    );

    // The page over an input is refused, also in the streaming mode (which keeps no documents).
    let name = format!("in/{P000}");
    for only in [&[][..], &["--only", "near-duplicates"]] {
        let mut args = vec!["in", "--html", name.as_str()];
        args.extend_from_slice(only);
        let out = dedupe(c.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("refusing to write --html over the input"));
        assert!(fs::read(c.path().join(&name)).unwrap() == seed(P000));
    }

    // A directory, or a directory that does not exist: one message naming the path, and
    // nothing created.
    let out = dedupe(c.path(), &["in", "--html", "in"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).matches("Is a directory").count(),
        1,
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).starts_with("dedupe: error: in: "),
        "{}",
        stderr(&out)
    );
    let out = dedupe(c.path(), &["in", "--html", "no/such/dir/r.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!c.path().join("no").exists());
    // The manifest's directory is made as --out is, but a file in the way is an error found
    // before anything is written.
    c.file("blocker", "a file");
    let args = [
        "clean",
        "in",
        "--out",
        "out/a/b",
        "--manifest",
        "blocker/m.json",
    ];
    assert_refused(&c, &args, "blocker");
    assert!(!c.path().join("out").exists());
}

/// A symbolic link already in --out (say, to an input) is replaced by the cleaned file, never
/// written through: nothing is written into or over an input.
#[test]
fn a_link_inside_the_output_is_replaced_not_followed() {
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    fs::create_dir(c.path().join("out")).unwrap();
    std::os::unix::fs::symlink(format!("../in/{P000}"), c.path().join("out").join(P000)).unwrap();
    let out = dedupe(c.path(), &["clean", "in", "--out", "out"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fs::read(c.path().join("in").join(P000)).unwrap() == seed(P000));
    let cleaned = fs::symlink_metadata(c.path().join("out").join(P000)).unwrap();
    assert!(cleaned.file_type().is_file());
}

/// A file reached by a second path (a hard link, a link to a file in the tree) is analysed
/// once but written under every path, and restored under every path.
#[test]
fn every_path_to_one_file_is_cleaned_and_restored() {
    let c = Corpus::new();
    c.file("in/a.txt", seed(P004));
    fs::hard_link(c.path().join("in/a.txt"), c.path().join("in/b.txt")).unwrap();
    std::os::unix::fs::symlink("a.txt", c.path().join("in/link.txt")).unwrap();
    round_trip(&c, "in", &[]);
    let cleaned = fs::read(c.path().join("out/a.txt")).unwrap();
    assert!(cleaned.len() < seed(P004).len());
    for name in ["b.txt", "link.txt"] {
        assert!(fs::read(c.path().join("out").join(name)).unwrap() == cleaned);
    }
    // A second path with another extension is cleaned as the file was read (JSONL here).
    let c = Corpus::new();
    let t = String::from_utf8(seed(P004)).unwrap();
    let line = format!(
        "{{\"id\":1,\"text\":{}}}\n",
        serde_json::to_string(&t).unwrap()
    );
    c.file("in/a.jsonl", &line);
    fs::hard_link(c.path().join("in/a.jsonl"), c.path().join("in/b.txt")).unwrap();
    round_trip(&c, "in", &[]);
    let cleaned = fs::read(c.path().join("out/a.jsonl")).unwrap();
    assert!(cleaned.len() < line.len());
    assert!(fs::read(c.path().join("out/b.txt")).unwrap() == cleaned);
}

/// A link to a directory in --out is refused before anything is written: followed, the cleaned
/// copy of `in/sub/a.txt` replaced the input itself.
#[test]
fn a_linked_directory_inside_the_output_is_refused() {
    let c = Corpus::new();
    c.file("in/sub/a.txt", seed(P004));
    c.file("in/b.txt", seed(P000));
    fs::create_dir(c.path().join("out")).unwrap();
    std::os::unix::fs::symlink("../in/sub", c.path().join("out/sub")).unwrap();
    assert_refused(
        &c,
        &["clean", "in", "--out", "out"],
        "out/sub: refusing to write: a symbolic link in --out",
    );
    assert!(fs::read(c.path().join("in/sub/a.txt")).unwrap() == seed(P004));
}

/// The manifest may not take the place of a cleaned file: that file could not be restored.
#[test]
fn a_manifest_over_a_cleaned_file_is_refused() {
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    let manifest = format!("out/{P000}");
    c.file("named/x.txt", seed(P004));
    c.file("named/.dedupe-manifest.json", seed(P000));
    for args in [
        vec!["clean", "in", "--out", "out", "--manifest", &manifest],
        vec![
            "clean",
            "named",
            "named/.dedupe-manifest.json",
            "--out",
            "out",
        ],
    ] {
        assert_refused(&c, &args, "the manifest would replace this cleaned file");
    }
}
/// Runs `args` in `c`, which must fail with exit 2 saying `says` and write nothing; returns
/// stderr.
fn assert_refused(c: &Corpus, args: &[&str], says: &str) -> String {
    let before = tree(c.path());
    let out = dedupe(c.path(), args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = stderr(&out);
    assert!(err.contains(says), "{args:?}: {err}");
    assert_eq!(tree(c.path()), before, "{args:?} wrote something");
    err
}

/// The dry run's diff names files as the report does: control characters escaped.
#[test]
fn the_dry_run_names_files_printably() {
    let c = Corpus::new();
    c.file("in/x\ny\u{1b}[31m.txt", seed(P004));
    let out = dedupe(c.path(), &["clean", "in", "--out", "out", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(diff.contains("--- in/x\\ny\\u{1b}[31m.txt\n"), "{diff}");
    assert!(!diff.contains('\u{1b}'), "{diff:?}");
}

#[test]
fn refuses_an_output_inside_or_around_an_input() {
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    for (args, what) in [
        (
            vec!["clean", "in", "--out", "in/cleaned"],
            "inside the input",
        ),
        (vec!["clean", "in", "--out", "in"], "inside the input"),
        (
            vec!["clean", "in", "--out", "in/x/../y"],
            "inside the input",
        ),
        (
            vec!["clean", "./in/", "--out", "out/../in/z"],
            "inside the input",
        ),
        (vec!["clean", "in", "--out", "."], "contains the input"),
        (
            vec![
                "clean",
                "in",
                "--out",
                "elsewhere",
                "--manifest",
                "in/m.json",
            ],
            "inside the input",
        ),
    ] {
        let err = assert_refused(&c, &args, "refusing to write");
        assert!(err.contains(what), "{args:?}: {err}");
    }
    // A single file as input: the output may not be that file either.
    let out = dedupe(
        c.path(),
        &[
            "clean",
            &format!("in/{P000}"),
            "--out",
            &format!("in/{P000}"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    // restore refuses to write into the cleaned directory.
    let ok = dedupe(c.path(), &["clean", "in", "--out", "out"]);
    assert!(ok.status.success());
    let out = dedupe(c.path(), &["restore", "out", "--out", "out/back"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("refusing to write"));
}

#[test]
fn dry_run_prints_a_unified_diff_and_writes_nothing() {
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    let before = tree(c.path());
    let out = dedupe(c.path(), &["clean", "in", "--out", "out", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(tree(c.path()), before, "a dry run wrote something");
    let diff = stdout(&out);
    assert!(
        diff.starts_with(&format!(
            "--- in/{P000}\n+++ out/{P000}\n@@ -1,4 +1,4 @@\n- date 2021-04-26 White House"
        )),
        "{diff}"
    );
    assert!(
        diff.contains("\n-CLICK HERE TO GET THE FOX NEWS APP\n"),
        "{diff}"
    );
    assert!(diff.contains(&format!("--- in/{P004}\n+++ out/{P004}\n")));
    assert!(stderr(&out).contains("nothing written"));
    // The diff is exactly what clean writes: applying it to the inputs gives the cleaned copies.
    assert_the_diff_is_what_clean_writes(&c, &out.stdout);
}

/// Applying the dry run's diff `diff` to the inputs in `c` gives the cleaned copies.
fn assert_the_diff_is_what_clean_writes(c: &Corpus, diff: &[u8]) {
    let patched = apply_unified_diff(diff, c.path());
    assert!(!patched.is_empty());
    let cleaned = dedupe(c.path(), &["clean", "in", "--out", "out"]);
    assert!(cleaned.status.success(), "{}", stderr(&cleaned));
    for (path, bytes) in patched {
        let name = Path::new(&path).file_name().unwrap();
        let written = fs::read(c.path().join("out").join(name)).unwrap();
        assert_eq!(bytes, written, "{path}");
    }
}

/// The diff of a file with a byte-order mark or invalid UTF-8 shows the file's own bytes (not
/// U+FFFD), so that it applies.
#[test]
fn the_dry_run_diff_keeps_the_bytes_of_the_file() {
    let c = Corpus::new();
    seeds_into(&c, "in", |mut b| {
        // A BOM, and "é" in Latin-1 in the first line, which is context of the first hunk.
        let at = b.iter().position(|&x| x == b' ').unwrap();
        b.insert(at, 0xE9);
        [&b"\xEF\xBB\xBF"[..], &b].concat()
    });
    let out = dedupe(c.path(), &["clean", "in", "--out", "out", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&out.stdout, "\u{FFFD}".as_bytes()), 0);
    assert!(count(&out.stdout, b"\xEF\xBB\xBF") > 0);
    assert!(count(&out.stdout, b"\xE9") > 0);
    assert_the_diff_is_what_clean_writes(&c, &out.stdout);
}

/// A CR-only file's diff has a line of diff for each of its lines, the CR kept before each LF.
#[test]
fn the_dry_run_diff_of_a_cr_only_file_has_a_line_per_line() {
    let c = Corpus::new();
    let text = String::from_utf8(seed(P000)).unwrap().replace('\n', "\r");
    c.file("in/a.txt", &text);
    let out = dedupe(c.path(), &["clean", "in", "--out", "out", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(
        diff.contains("\n-CLICK HERE TO GET THE FOX NEWS APP\r\n"),
        "{diff:?}"
    );
    assert!(diff.lines().all(|l| l.len() < 2000), "{diff:?}");
}

/// A minimal `patch`: applies each file's hunks to the file named on its `---` line.
fn apply_unified_diff(diff: &[u8], dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut lines = diff.split_inclusive(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let Some(old) = line.strip_prefix(b"--- ") else {
            continue;
        };
        let old = String::from_utf8(old.trim_ascii_end().to_vec()).unwrap();
        lines.next(); // +++
        let original = fs::read(dir.join(&old)).unwrap();
        let src: Vec<&[u8]> = original.split_inclusive(|&b| b == b'\n').collect();
        let mut result = Vec::new();
        let mut at = 0;
        let mut last = b' ';
        while let Some(h) = lines.peek().filter(|l| l.starts_with(b"@@ ")) {
            let h = std::str::from_utf8(h).unwrap();
            let from: usize = h[4..].split([',', ' ']).next().unwrap().parse().unwrap();
            lines.next();
            for l in &src[at..from.saturating_sub(1)] {
                result.extend_from_slice(l);
            }
            at = from.saturating_sub(1);
            while let Some(l) = lines.peek().filter(|l| {
                l.starts_with(b" ")
                    || l.starts_with(b"-") && !l.starts_with(b"--- ")
                    || l.starts_with(b"+") && !l.starts_with(b"+++ ")
                    || l.starts_with(b"\\")
            }) {
                let l = *l;
                lines.next();
                let kind = l[0];
                if kind == b'\\' {
                    // "\ No newline at end of file": the previous line, if it is in the new
                    // file, has none.
                    if last != b'-' && result.ends_with(b"\n") {
                        result.pop();
                    }
                    continue;
                }
                last = kind;
                match kind {
                    b' ' => {
                        result.extend_from_slice(&l[1..]);
                        at += 1;
                    }
                    b'-' => at += 1,
                    _ => result.extend_from_slice(&l[1..]),
                }
            }
        }
        for l in &src[at..] {
            result.extend_from_slice(l);
        }
        out.push((old, result));
    }
    out
}

fn near_duplicate_corpus(c: &Corpus) -> (String, String) {
    let base = String::from_utf8(seed("003_c830c1c83e80df10.txt")).unwrap();
    // b: the same article with one word changed and a paragraph more (longer).
    let b = format!(
        "{}\n\nOne more paragraph that only this copy of the article carries at its end.\n",
        base.replacen("Harris", "Kamala Harris", 1)
    );
    c.file("in/a.txt", &base);
    c.file("in/b.txt", &b);
    c.file("in/c.txt", seed(P000));
    (base, b)
}

#[test]
fn drop_duplicates_keeps_one_per_cluster_and_says_why() {
    let c = Corpus::new();
    near_duplicate_corpus(&c);
    let m = round_trip(&c, "in", &["--drop-duplicates"]);
    assert!(c.path().join("out/a.txt").exists());
    assert!(
        !c.path().join("out/b.txt").exists(),
        "the later copy is dropped"
    );
    assert!(c.path().join("out/c.txt").exists());
    let b = file_entry(&m, "b.txt");
    assert_eq!(b["dropped"]["kept"], "in/a.txt");
    assert!(
        b["dropped"]["why"].as_str().unwrap().contains("first"),
        "{b}"
    );
    assert!(b["dropped"]["jaccard"].as_f64().unwrap() >= 0.8);
    assert_eq!(b["removed"][0]["reasons"], serde_json::json!(["duplicate"]));
    assert_eq!(m["clusters"][0]["kept"], "in/a.txt");
    assert_eq!(m["keep"], "first");

    let c = Corpus::new();
    near_duplicate_corpus(&c);
    let m = round_trip(&c, "in", &["--drop-duplicates", "--keep", "longest"]);
    assert!(!c.path().join("out/a.txt").exists());
    assert!(
        c.path().join("out/b.txt").exists(),
        "the longer copy is kept"
    );
    assert!(m["clusters"][0]["why"]
        .as_str()
        .unwrap()
        .starts_with("longest of a cluster of 2"));

    // Two as long: the first in reading order, and the reason says so.
    let c = Corpus::new();
    let base = String::from_utf8(seed("003_c830c1c83e80df10.txt")).unwrap();
    c.file("in/a.txt", &base);
    c.file("in/b.txt", base.replacen("Harris", "Kamala", 1));
    let m = round_trip(&c, "in", &["--drop-duplicates", "--keep", "longest"]);
    assert!(c.path().join("out/a.txt").exists());
    assert!(
        m["clusters"][0]["why"]
            .as_str()
            .unwrap()
            .starts_with("longest (with others as long) and first in reading order"),
        "{m}"
    );
}

/// An article a corpus holds three times is a near-duplicate, not boilerplate: each of its
/// paragraphs recurs in three documents, the bar of a small corpus, but copies count once.
#[test]
fn copies_of_an_article_are_kept_whole() {
    let c = Corpus::new();
    seeds_into(&c, "alone", |b| b);
    seeds_into(&c, "in", |b| b);
    c.file("in/001_copy1.txt", seed(P001));
    c.file("in/001_copy2.txt", seed(P001));
    // What cleaning 001 gives when the corpus holds it once.
    round_trip(&c, "alone", &[]);
    let once = fs::read(c.path().join("out").join(P001)).unwrap();
    assert!(once.len() > seed(P001).len() / 2);
    fs::remove_dir_all(c.path().join("out")).unwrap();
    fs::remove_dir_all(c.path().join("back")).unwrap();

    round_trip(&c, "in", &[]);
    for copy in [P001, "001_copy1.txt", "001_copy2.txt"] {
        assert!(
            fs::read(c.path().join("out").join(copy)).unwrap() == once,
            "{copy} lost more than its own boilerplate"
        );
    }
    fs::remove_dir_all(c.path().join("out")).unwrap();
    fs::remove_dir_all(c.path().join("back")).unwrap();
    round_trip(&c, "in", &["--drop-duplicates"]);
    assert!(fs::read(c.path().join("out").join(P001)).unwrap() == once);
    assert!(!c.path().join("out/001_copy1.txt").exists());
}

#[test]
fn drop_duplicates_in_jsonl_drops_the_record_line() {
    let c = Corpus::new();
    let t = String::from_utf8(seed("003_c830c1c83e80df10.txt")).unwrap();
    let t2 = t.replacen("Harris", "Kamala Harris", 1);
    let other = String::from_utf8(seed(P000)).unwrap();
    let line = |id: &str, text: &str| {
        format!(
            "{{\"id\":\"{id}\",\"text\":{}}}\n",
            serde_json::to_string(text).unwrap()
        )
    };
    // The last line has no line break.
    let body = format!("{}{}{}", line("x", &t), line("y", &other), line("z", &t2));
    c.file("in/docs.jsonl", body.trim_end());
    let m = round_trip(&c, "in", &["--drop-duplicates", "--remove", "none"]);
    let cleaned = fs::read_to_string(c.path().join("out/docs.jsonl")).unwrap();
    assert_eq!(cleaned.lines().count(), 2);
    assert!(cleaned.starts_with("{\"id\":\"x\""));
    let rec = &m["files"][0]["records"][0];
    assert_eq!(rec["line"], 3);
    assert_eq!(rec["dropped"]["kept"], "in/docs.jsonl#x");
}

#[test]
fn remove_chooses_what_goes() {
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    // Nothing removed: identical copies.
    round_trip(&c, "in", &["--remove", "none"]);
    for name in seed_names() {
        assert!(fs::read(c.path().join("out").join(&name)).unwrap() == seed(&name));
    }
    // Only calls to action.
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    let m = round_trip(&c, "in", &["--remove", "call-to-action"]);
    let cleaned000 = fs::read_to_string(c.path().join("out").join(P000)).unwrap();
    assert!(!cleaned000.contains("CLICK HERE"));
    assert!(cleaned000.contains("KAMALA HARRIS SLAMMED"));
    assert!(cleaned000.starts_with(" date"));
    assert_eq!(
        count(
            &fs::read(c.path().join("out").join(P004)).unwrap(),
            &repeated_004()
        ),
        3
    );
    assert_eq!(m["remove"], serde_json::json!(["call-to-action"]));
    // Overlaps: the shared quote goes from the later document only.
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    round_trip(&c, "in", &["--remove", "overlaps"]);
    let a = fs::read_to_string(c.path().join("out/001_a44d78c5ea0fce22.txt")).unwrap();
    let b = fs::read_to_string(c.path().join("out/002_896b3e09b23975d2.txt")).unwrap();
    assert!(a.contains("the most qualified person"));
    assert!(!b.contains("the most qualified person"));
    // With `--keep longest`, from the shorter document, whichever comes first by name: 001 (722
    // words) named to sort after 002 (634 words).
    for (keep, kept_by_longer) in [("first", false), ("longest", true)] {
        let c = Corpus::new();
        c.file("in/z.txt", seed("001_a44d78c5ea0fce22.txt"));
        c.file("in/b.txt", seed("002_896b3e09b23975d2.txt"));
        round_trip(&c, "in", &["--remove", "overlaps", "--keep", keep]);
        let longer = fs::read_to_string(c.path().join("out/z.txt")).unwrap();
        let shorter = fs::read_to_string(c.path().join("out/b.txt")).unwrap();
        let quote = "the most qualified person";
        assert_eq!(longer.contains(quote), kept_by_longer, "--keep {keep}");
        assert_eq!(shorter.contains(quote), !kept_by_longer, "--keep {keep}");
    }
    // An unknown kind is a usage error.
    let out = dedupe(
        c.path(),
        &["clean", "in", "--out", "x", "--remove", "adverts"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown kind"));
    // So is an empty list (an unset variable), where `none` says "remove nothing".
    for empty in ["", ",", " , "] {
        let out = dedupe(c.path(), &["clean", "in", "--out", "x", "--remove", empty]);
        assert_eq!(out.status.code(), Some(2), "{empty:?}");
        assert!(stderr(&out).contains("empty list"), "{}", stderr(&out));
    }
}

#[test]
fn restore_refuses_a_cleaned_file_that_was_edited() {
    let c = seeds_cleaned_into_out();
    let p = c.path().join("out").join(P000);
    let mut text = fs::read(&p).unwrap();
    text.extend_from_slice(b" edited");
    fs::write(&p, text).unwrap();
    assert_restore_refuses_an_edit(&c, "back");
}

#[test]
fn restore_never_overwrites_a_file_that_is_not_the_original() {
    let c = seeds_cleaned_into_out();
    // Into the inputs themselves, unchanged: nothing to write, and no error.
    let restore_into_in = || dedupe(c.path(), &["restore", "out", "--out", "in"]);
    let out = restore_into_in();
    assert!(out.status.success(), "{}", stderr(&out));
    // An original edited since cleaning is kept, and the run fails saying so.
    let p = c.path().join("in").join(P000);
    fs::write(&p, "edited since").unwrap();
    let out = restore_into_in();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not the original; not overwritten"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&p).unwrap(), "edited since");
}

/// The seeds in `in/`, cleaned with the default options into `out/`.
fn seeds_cleaned_into_out() -> Corpus {
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    assert!(dedupe(c.path(), &["clean", "in", "--out", "out"])
        .status
        .success());
    c
}

/// `restore out --out BACK` fails, saying a cleaned file changed.
fn assert_restore_refuses_an_edit(c: &Corpus, back: &str) {
    let out = dedupe(c.path(), &["restore", "out", "--out", back]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("changed since it was cleaned"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn several_inputs_are_mirrored_below_their_common_directory() {
    let c = Corpus::new();
    c.file("data/a/one.txt", seed(P000));
    c.file("data/b/two.txt", seed(P004));
    let out = dedupe(
        c.path(),
        &["clean", "data/a", "data/b/two.txt", "--out", "out"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        tree(&c.path().join("out")),
        [
            PathBuf::from(".dedupe-manifest.json"),
            PathBuf::from("a/one.txt"),
            PathBuf::from("b/two.txt")
        ]
    );
    // The plain form still works alongside the subcommands.
    let out = dedupe(c.path(), &["data"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("data/a/one.txt: "));
}

/// Eight versions of one text, each four word edits from the one before: one cluster, as a
/// chain, whose ends are far apart (v0 and v7 share about half their shingles).
fn versions(c: &Corpus) {
    let mut w = Words::new(7);
    let mut text = w.text(300, 3000);
    for v in 0..8 {
        c.file(&format!("in/v{v}.txt"), format!("{}\n", text.join(" ")));
        for _ in 0..4 {
            let at = (w.next_u64() % text.len() as u64) as usize;
            text[at] = w.word(3000);
        }
    }
}

/// Of more copies of a text than an LSH bucket lists every pair of (64), each is listed with the
/// first in name order only. When a near-duplicate read before them drops that one, the other
/// copies are still dropped: compared with the kept document directly.
#[test]
fn drop_duplicates_drops_every_copy_of_a_large_group() {
    let c = Corpus::new();
    let mut w = Words::new(11);
    let text = w.text(300, 3000);
    let mut near = text.clone();
    near[100] = "changed".into();
    let record = |id: &str, words: &[String]| {
        format!(
            "{}\n",
            serde_json::json!({"id": id, "text": words.join(" ")})
        )
    };
    // Read first, named last: `in/d.jsonl#zzz`.
    let mut lines = record("zzz", &near);
    for i in 0..100 {
        lines.push_str(&record(&format!("c{i:03}"), &text));
    }
    c.file("in/d.jsonl", &lines);
    let m = round_trip(&c, "in", &["--drop-duplicates", "--remove", "none"]);
    let cleaned = fs::read_to_string(c.path().join("out/d.jsonl")).unwrap();
    assert_eq!(cleaned, record("zzz", &near), "{m}");
    let cluster = &m["clusters"][0];
    assert_eq!(cluster["kept"], "in/d.jsonl#zzz");
    assert!(cluster.get("also_kept").is_none(), "{cluster}");
}

/// Each dropped document is a verified near-duplicate of one that is kept, so a chain of
/// versions keeps every other one instead of dropping all but the first.
#[test]
fn drop_duplicates_drops_only_near_duplicates_of_a_kept_document() {
    let c = Corpus::new();
    versions(&c);
    let m = round_trip(&c, "in", &["--drop-duplicates", "--remove", "none"]);
    let files = m["files"].as_array().unwrap();
    let written: Vec<&str> = files
        .iter()
        .filter(|f| f["dropped"].is_null())
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(written, ["v0.txt", "v2.txt", "v4.txt", "v6.txt"], "{m}");
    for f in files.iter().filter(|f| !f["dropped"].is_null()) {
        let kept = f["dropped"]["kept"].as_str().unwrap();
        assert!(written.contains(&kept.trim_start_matches("in/")), "{f}");
        assert!(f["dropped"]["jaccard"].as_f64().unwrap() >= 0.8, "{f}");
        assert!(c
            .path()
            .join("out")
            .join(kept.trim_start_matches("in/"))
            .exists());
    }
    let cluster = &m["clusters"][0];
    assert_eq!(cluster["kept"], "in/v0.txt");
    assert_eq!(
        cluster["also_kept"],
        serde_json::json!(["in/v2.txt", "in/v4.txt", "in/v6.txt"])
    );

    // The same bytes whatever the threads and the order of the arguments.
    let args = |j: &'static str, reversed: bool| {
        let mut a: Vec<String> = (0..8).map(|v| format!("in/v{v}.txt")).collect();
        if reversed {
            a.reverse();
        }
        a.splice(0..0, ["clean".to_string()]);
        let out = format!("out-{j}-{reversed}");
        a.extend(["--out", &out, "--drop-duplicates", "-j", j].map(String::from));
        (a, out)
    };
    let mut manifests = Vec::new();
    for (j, reversed) in [("1", false), ("2", true)] {
        let (a, out) = args(j, reversed);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        assert!(dedupe(c.path(), &a).status.success());
        manifests.push(fs::read(c.path().join(out).join(".dedupe-manifest.json")).unwrap());
    }
    assert!(manifests[0] == manifests[1]);

    // The dry run counts every input, the dropped ones too.
    let out = dedupe(
        c.path(),
        &[
            "clean",
            "in",
            "--out",
            "x",
            "--drop-duplicates",
            "--dry-run",
        ],
    );
    assert!(
        stderr(&out).contains(
            "dry run: of 8 files, 4 would be written (0 changed: 0 spans removed); \
             4 dropped as near-duplicates;"
        ),
        "{}",
        stderr(&out)
    );
}

/// A quoted paragraph copied into a second document: the passage found covers its words, not
/// the quotation marks and full stop around them, which go with it all the same.
#[test]
fn a_removed_passage_takes_its_stray_punctuation_along() {
    let c = Corpus::new();
    let words = "The committee finally agreed that the river crossing would be rebuilt in stone \
                 before the spring floods arrived, and that every family living along the eastern \
                 bank would be given a fair share of the timber left over from the old wooden \
                 bridge once the work was done";
    let quote = format!("\"{words}.\"");
    c.file(
        "in/a.txt",
        format!("Morning report from the valley.\n\n{quote}\n\nThat was the end of the meeting.\n"),
    );
    // The quote as a paragraph of its own, before a scene break that stays; its words, with a
    // full stop on a line of its own, before a paragraph whose "(see above)" loses nothing.
    c.file(
        "in/b.txt",
        format!(
            "A letter arrived later in the week with news.\n\n{quote}\n\n* * *\n\n\
             The letter closed with warm wishes to the family.\n"
        ),
    );
    c.file(
        "in/c.txt",
        format!(
            "Notes kept for the record by the clerk of the parish.\n\n{}\n.\n\n\
             Signed by the clerk (see above) on a rainy Tuesday afternoon.\n",
            words.replacen(", and", ",\nand", 1)
        ),
    );
    round_trip(&c, "in", &["--remove", "overlaps"]);
    let b = fs::read_to_string(c.path().join("out/b.txt")).unwrap();
    assert_eq!(
        b,
        "A letter arrived later in the week with news.\n\n* * *\n\n\
         The letter closed with warm wishes to the family.\n"
    );
    let cleaned = fs::read_to_string(c.path().join("out/c.txt")).unwrap();
    assert_eq!(
        cleaned,
        "Notes kept for the record by the clerk of the parish.\n\n\
         Signed by the clerk (see above) on a rainy Tuesday afternoon.\n"
    );
}

/// Inputs the analysis skips (binary, over --max-file-size) are copied byte for byte and
/// restored; hidden entries are not inputs at all.
#[test]
fn inputs_the_analysis_skips_are_copied_and_restored() {
    let c = Corpus::new();
    c.file("in/a.txt", "hello world here\n");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..900u32).map(|i| (i * 7919 % 251) as u8));
    png.push(0);
    c.file("in/img.png", &png);
    c.file(
        "in/sub/big.txt",
        "a line of text well over the limit\n".repeat(100),
    );
    let m = round_trip_exiting(&c, "in", &["--max-file-size", "1K"], 2);
    assert!(fs::read(c.path().join("out/img.png")).unwrap() == png);
    let copies: Vec<(&str, &str)> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["format"] == "copy")
        .map(|f| (f["path"].as_str().unwrap(), f["copied"].as_str().unwrap()))
        .collect();
    assert_eq!(copies.len(), 2, "{m}");
    assert_eq!(copies[0].0, "img.png");
    assert!(copies[0].1.starts_with("binary file"), "{m}");
    assert_eq!(copies[1].0, "sub/big.txt");
    assert!(copies[1].1.contains("--max-file-size"), "{m}");
    let out = dedupe(
        c.path(),
        &["clean", "in", "--out", "x", "--max-file-size", "1K"],
    );
    let err = stderr(&out);
    assert!(
        err.contains(
            "in/img.png: binary file (NUL bytes in its first 8 KiB), skipped; copied unchanged"
        ),
        "{err}"
    );
    assert!(
        err.contains("wrote 3 of 3 files to x (0 changed: 0 spans removed; 2 copied unchanged)"),
        "{err}"
    );

    // A hidden entry is not an input, as for the main command.
    c.file("in/.h/x", "s\n");
    let out = dedupe(c.path(), &["clean", "in", "--out", "hidden"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!c.path().join("hidden/.h").exists());

    // A copy edited after cleaning is refused, not restored.
    fs::write(c.path().join("out/img.png"), b"edited").unwrap();
    assert_restore_refuses_an_edit(&c, "again");
    assert!(!c.path().join("again/img.png").exists());
}

/// A file name that is not UTF-8 is a Unix name like any other: cleaned, recorded, restored.
#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_cleaned_and_restored() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let c = Corpus::new();
    seeds_into(&c, "in", |b| b);
    let name = OsStr::from_bytes(b"caf\xe9.txt");
    fs::write(c.path().join("in").join(name), seed(P004)).unwrap();
    let m = round_trip(&c, "in", &[]);
    let entry = file_entry(&m, "caf\u{FFFD}.txt");
    assert_eq!(entry["path_base64"], "Y2Fm6S50eHQ=");
    let cleaned = fs::read(c.path().join("out").join(name)).unwrap();
    assert_eq!(count(&cleaned, &repeated_004()), 1, "cleaned like any file");
}
