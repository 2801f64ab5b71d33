//! The real binary on the seeds and on temporary corpora.

mod util;

use serde::Deserialize;
use util::{dedupe, json, root, stderr, stdout, Corpus, Words};

const P004: &str = "seeds/004_9fb2f88967479f4d.txt";
const P000: &str = "seeds/000_ca49e1c1fd87fc1f.txt";
const P001: &str = "seeds/001_a44d78c5ea0fce22.txt";
const P002: &str = "seeds/002_896b3e09b23975d2.txt";

/// The README's quick start shows what `cargo run --release -- seeds/ --threshold 0.8` prints; it
/// must stay true.
#[test]
fn the_readme_shows_what_the_first_command_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let after = &readme[readme
        .find("The first command prints:")
        .expect("the sample's lead-in")..];
    let start = after.find("```text\n").expect("the sample's block") + "```text\n".len();
    let sample = &after[start..start + after[start..].find("```").expect("the block's end")];
    let out = dedupe(&root(), &["seeds/", "--threshold", "0.8"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), sample);
}

#[test]
fn seeds_report_what_a_reader_checks_first() {
    let out = dedupe(&root(), &["seeds/", "--threshold", "0.8"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // No progress display when stderr is not a terminal, and nothing else to say.
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    // 004's five-paragraph block (13-21) repeats twice.
    assert!(
        text.contains(&format!("{P004}:23-31: repeat: 5 paragraphs")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{P004}:33-41: repeat: 5 paragraphs")),
        "{text}"
    );
    assert!(text.contains("repeating lines 13-21, exact"), "{text}");
    // 001 and 002 share Biden's quote on line 3 of each.
    assert!(
        text.contains(&format!("{P001}:3: overlap"))
            && text.contains(&format!("shared with {P002}:3 ")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{P000}:9: boilerplate (inserted-headline)")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{P000}:19: boilerplate (inserted-headline)")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{P000}:29: boilerplate (call-to-action): \"CLICK HERE TO GET THE FOX NEWS APP\""
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{P001}:41: boilerplate (label): \"Categorized in:\""
        )),
        "{text}"
    );
    assert!(
        text.contains("near-duplicates (Jaccard >= 0.8): none"),
        "{text}"
    );
    assert!(
        text.contains("lowest originality 0.5") && text.contains(&format!("({P004})")),
        "{text}"
    );
    assert!(
        text.lines().count() <= 40,
        "the seeds report fits on a screen:\n{text}"
    );
}

#[test]
fn seeds_json_findings() {
    let out = dedupe(&root(), &["seeds", "--json"]);
    let r = json(&out);
    let docs = r["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 5);
    let d004 = docs.iter().find(|d| d["path"] == P004).unwrap();
    let orig = d004["originality"].as_f64().unwrap();
    assert!((0.4..0.6).contains(&orig), "004 originality {orig}");
    for d in docs {
        assert!(
            d["originality"].as_f64().unwrap() >= orig,
            "004 has the lowest originality"
        );
    }
    let repeats = r["repeats"].as_array().unwrap();
    assert_eq!(repeats.len(), 10);
    assert!(repeats
        .iter()
        .all(|x| x["path"] == P004 && x["similarity"] == 1.0));
    assert_eq!(repeats[0]["copy"]["lines"], serde_json::json!([23, 23]));
    assert_eq!(repeats[0]["original"]["lines"], serde_json::json!([13, 13]));
    // Byte ranges point into the file as read.
    let bytes = std::fs::read(root().join(P004)).unwrap();
    let b = &repeats[0]["copy"]["bytes"];
    let (s, e) = (
        b[0].as_u64().unwrap() as usize,
        b[1].as_u64().unwrap() as usize,
    );
    assert!(std::str::from_utf8(&bytes[s..e])
        .unwrap()
        .starts_with("Harris' trip to Guatemala"));
    // Only 000's metadata prefix is flagged on its first line, not the article's first sentence.
    let meta = r["boilerplate"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["path"] == P000 && x["reason"] == "metadata")
        .unwrap();
    assert_eq!(meta["text"], " date 2021-04-26 ");
    assert!(r["near_duplicates"].as_array().unwrap().is_empty());
    // The quote 001 and 002 share, counted on each side: 002 words it a little differently.
    let quote = r["overlaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["a"]["path"] == P001 && o["b"]["path"] == P002)
        .unwrap();
    assert_eq!(
        (quote["words"].as_u64(), quote["b_words"].as_u64()),
        (Some(49), Some(46))
    );
}

/// The schema, version 1, pinned: unknown or missing fields fail to deserialise.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // Fields exist to be checked by serde.
struct Report {
    version: u32,
    params: Params,
    documents: Vec<Doc>,
    near_duplicates: Vec<Pair>,
    clusters: Vec<Cluster>,
    repeats: Vec<Repeat>,
    overlaps: Vec<Overlap>,
    boilerplate: Vec<Boilerplate>,
    warnings: Vec<String>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Params {
    threshold: f64,
    shingle: usize,
    num_perm: usize,
    bands: usize,
    rows: usize,
    seed: u64,
    min_overlap: usize,
    overlap_gap: usize,
    fp_weight: f64,
    fn_weight: f64,
    recall_at_threshold: f64,
    recurrence_bar: usize,
    mode: String,
    num_documents: usize,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Doc {
    path: String,
    words: usize,
    paragraphs: usize,
    originality: f64,
    repeated_words: usize,
    overlap_words: usize,
    boilerplate_words: usize,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Pair {
    a: String,
    b: String,
    jaccard: f64,
    estimate: f64,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Cluster {
    members: Vec<String>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Loc {
    lines: [usize; 2],
    bytes: [usize; 2],
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PathLoc {
    path: String,
    lines: [usize; 2],
    bytes: [usize; 2],
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Repeat {
    path: String,
    copy: Loc,
    original: Loc,
    similarity: f64,
    words: usize,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Overlap {
    a: PathLoc,
    b: PathLoc,
    words: usize,
    b_words: usize,
    similarity: f64,
    text: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Boilerplate {
    path: String,
    at: Loc,
    words: usize,
    reason: String,
    text: String,
}

#[test]
fn json_schema_version_1_is_pinned() {
    let out = dedupe(&root(), &["seeds", "--json"]);
    let r: Report = serde_json::from_slice(&out.stdout).expect("schema v1");
    assert_eq!(r.version, 1);
    assert_eq!(
        (r.params.threshold, r.params.shingle, r.params.num_perm),
        (0.8, 5, 128)
    );
    assert!(r.params.bands * r.params.rows <= 128);
    assert!(!r.overlaps.is_empty() && !r.boilerplate.is_empty() && !r.repeats.is_empty());
}

#[test]
fn output_is_the_same_for_any_thread_count_and_argument_order() {
    let files: Vec<String> = std::fs::read_dir(root().join("seeds"))
        .unwrap()
        .map(|e| format!("seeds/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    let mut reversed = sorted.clone();
    reversed.reverse();
    let run = |threads: &str, paths: &[String]| {
        let mut args = vec!["--json"];
        args.extend(paths.iter().map(String::as_str));
        std::process::Command::new(env!("CARGO_BIN_EXE_dedupe"))
            .args(&args)
            .current_dir(root())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1", &sorted);
    assert_eq!(one, run("2", &sorted));
    assert_eq!(one, run("8", &reversed));
}

#[test]
fn a_thread_count_out_of_range_in_the_environment_is_refused_with_a_warning() {
    let run = |threads: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dedupe"))
            .args(["--json", "seeds/"])
            .current_dir(root())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
    };
    let normal = run("2");
    assert_eq!(stderr(&normal), "");
    // 99999 threads would take minutes to start; "abc" was silently ignored.
    for bad in ["99999", "abc", "-1"] {
        let out = run(bad);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!(
                "warning: RAYON_NUM_THREADS={bad} is not a number from 1 to 1024"
            )),
            "{}",
            stderr(&out)
        );
        assert_eq!(out.stdout, normal.stdout);
    }
}

/// A document of `n` words and a copy with `changes` words replaced, spread evenly.
fn variant(base: &[String], changes: usize) -> String {
    let mut v = base.to_vec();
    let step = base.len() / (changes + 1);
    for i in 0..changes {
        v[(i + 1) * step] = format!("changed{i}");
    }
    v.join(" ")
}

#[test]
fn near_duplicate_just_above_the_threshold_and_one_clearly_below() {
    let c = Corpus::new();
    let base = Words::new(1).text(400, 5000);
    c.file("base.txt", base.join(" "));
    // 400 words, 396 shingles; each isolated change breaks 5: 3 changes -> 381/411 = 0.927,
    // 8 changes -> 356/436 = 0.817, 30 changes -> 0.45.
    c.file("close.txt", variant(&base, 8));
    c.file("far.txt", variant(&base, 30));
    let r = json(&dedupe(c.path(), &["--json", "."]));
    let pairs = r["near_duplicates"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(
        (pairs[0]["a"].as_str(), pairs[0]["b"].as_str()),
        (Some("./base.txt"), Some("./close.txt"))
    );
    let j = pairs[0]["jaccard"].as_f64().unwrap();
    assert!((0.8..0.83).contains(&j), "jaccard {j}");
    assert!((pairs[0]["estimate"].as_f64().unwrap() - j).abs() < 0.15);
    assert_eq!(
        r["clusters"][0]["members"],
        serde_json::json!(["./base.txt", "./close.txt"])
    );
    // Doc-level mode finds the same pairs and leaves the other lists empty.
    let fast = json(&dedupe(
        c.path(),
        &["--json", "--only", "near-duplicates", "."],
    ));
    assert_eq!(fast["near_duplicates"], r["near_duplicates"]);
    assert!(
        fast["repeats"].as_array().unwrap().is_empty()
            && fast["documents"].as_array().unwrap().is_empty()
    );
    assert_eq!(fast["params"]["mode"], "near-duplicates");
    let text =
        String::from_utf8(dedupe(c.path(), &["--only", "near-duplicates", "."]).stdout).unwrap();
    assert!(
        text.contains(
            "summary: 3 documents; 1 near-duplicate pair in 1 cluster (--only \
             near-duplicates: no repeats, passages or boilerplate looked for)"
        ),
        "{text}"
    );
}

#[test]
fn exact_and_near_repeats_inside_a_document() {
    let c = Corpus::new();
    let mut w = Words::new(7);
    let p1 = w.text(30, 3000).join(" ");
    let p2 = w.text(40, 3000).join(" ");
    let mut near: Vec<&str> = p1.split(' ').collect();
    near[15] = "replaced";
    let near = near.join(" ");
    c.file("doc.txt", format!("{p1}\n\n{p2}\n\n{p1}\n\n{near}\n"));
    let r = json(&dedupe(c.path(), &["--json", "doc.txt"]));
    let reps = r["repeats"].as_array().unwrap();
    assert_eq!(reps.len(), 2, "{reps:?}");
    assert_eq!(reps[0]["copy"]["lines"], serde_json::json!([5, 5]));
    assert_eq!(reps[0]["similarity"], 1.0);
    assert_eq!(reps[1]["copy"]["lines"], serde_json::json!([7, 7]));
    assert_eq!(reps[1]["original"]["lines"], serde_json::json!([1, 1]));
    let s = reps[1]["similarity"].as_f64().unwrap();
    assert!((0.8..1.0).contains(&s), "near repeat similarity {s}");
    // For people: the two copies of line 1 in a row are one block.
    let text = stdout(&dedupe(c.path(), &["doc.txt"]));
    assert!(
        text.contains("doc.txt:5-7: repeat: 2 paragraphs (60 words) repeating line 1, similarity"),
        "{text}"
    );
    assert!(
        text.contains("summary: 1 document, 130 words; 0 near-duplicate pairs in 0 clusters; 1 repeated block (2 paragraphs)"),
        "{text}"
    );
}

#[test]
fn a_paragraph_repeated_with_two_words_changed_is_a_repeat_as_it_is_a_passage_between_documents() {
    // The review's case: inside one document the edited copy went unreported (shingles of three
    // words: 0.79) though between two documents it is a shared passage.
    let p = "The city council voted on Tuesday to set aside four million dollars for the \
        renovation of public parks in the northern districts, ending months of debate among \
        members about how residents wanted the money spent this spring.";
    let q = p
        .replace("residents", "citizens")
        .replace("spring", "summer");
    let f1 = "Opponents argued that the money would be better spent on road repairs, citing a \
        recent survey in which drivers ranked potholes as their top complaint about the city and \
        its services over the past year.";
    let f2 = "The mayor is expected to sign the budget next week, and work on the first three \
        parks could begin as early as the autumn, according to the parks department, which has \
        already drawn up plans.";
    let c = Corpus::new();
    c.file(
        "article.txt",
        format!("Parks budget approved\n\n{p}\n\n{f1}\n\n{f2}\n\n{q}\n"),
    );
    c.file("two/a.txt", format!("{p}\n\n{f1}\n"));
    c.file("two/b.txt", format!("{q}\n\n{f2}\n"));
    let text = stdout(&dedupe(c.path(), &["article.txt"]));
    assert!(
        text.contains(
            "article.txt:9: repeat: 1 paragraph (37 words) repeating line 3, similarity 0.90"
        ),
        "{text}"
    );
    let r = json(&dedupe(c.path(), &["--json", "article.txt"]));
    let reps = r["repeats"].as_array().unwrap();
    assert_eq!(reps.len(), 1, "{reps:?}");
    // 35 of 37 words aligned: 35 / (37 + 37 − 35).
    let s = reps[0]["similarity"].as_f64().unwrap();
    assert!((s - 35.0 / 39.0).abs() < 1e-4, "{s}"); // JSON gives four decimals
    let two = json(&dedupe(c.path(), &["--json", "two"]));
    assert_eq!(two["overlaps"].as_array().unwrap().len(), 1, "{two}");
    assert!(two["repeats"].as_array().unwrap().is_empty());
}

#[test]
fn crlf_files_give_the_same_lines_and_findings_as_lf() {
    let c = Corpus::new();
    let seed = std::fs::read_to_string(root().join(P004)).unwrap();
    c.file("lf/doc.txt", &seed);
    c.file("crlf/doc.txt", seed.replace('\n', "\r\n"));
    let lf = json(&dedupe(c.path(), &["--json", "lf/doc.txt"]));
    let crlf = json(&dedupe(c.path(), &["--json", "crlf/doc.txt"]));
    let lines = |r: &serde_json::Value| -> Vec<serde_json::Value> {
        r["repeats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["copy"]["lines"].clone())
            .collect()
    };
    assert_eq!(lines(&lf), lines(&crlf));
    assert_eq!(lf["documents"][0]["words"], crlf["documents"][0]["words"]);
    assert_eq!(
        lf["boilerplate"].as_array().unwrap().len(),
        crlf["boilerplate"].as_array().unwrap().len()
    );
    // Bytes are the file's own: CRLF adds one byte per earlier line.
    let b = |r: &serde_json::Value| r["repeats"][0]["copy"]["bytes"][0].as_u64().unwrap();
    assert_eq!(b(&crlf), b(&lf) + 22);
}

#[test]
fn empty_binary_and_invalid_utf8_files() {
    let c = Corpus::new();
    c.file("empty.txt", "");
    c.file("image.bin", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    c.file("latin1.txt", b"Caf\xe9 au lait and more words follow here in this file.\n\nCaf\xe9 au lait and more words follow here in this file.\n");
    let out = dedupe(c.path(), &["--json", "."]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("./image.bin: binary file"), "{err}");
    assert!(
        err.contains("./latin1.txt: invalid UTF-8 (2 bytes)"),
        "{err}"
    );
    let r = json(&out);
    let docs = r["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["path"], "./empty.txt");
    assert_eq!(
        (docs[0]["words"].as_u64(), docs[0]["originality"].as_f64()),
        (Some(0), Some(1.0))
    );
    // The repeat's bytes are offsets into the raw file, not into the decoded text.
    let rep = &r["repeats"][0]["copy"]["bytes"];
    assert_eq!(rep, &serde_json::json!([55, 108]));
    assert_eq!(r["warnings"].as_array().unwrap().len(), 2);
}

#[test]
fn missing_path_and_bad_flags_exit_2() {
    let c = Corpus::new();
    let out = dedupe(c.path(), &["nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("dedupe: error: nope: no such file or directory"),
        "{}",
        stderr(&out)
    );
    let out = dedupe(&root(), &["seeds", "--threshold", "80"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean 0.8?"),
        "{}",
        stderr(&out)
    );
    let out = dedupe(&root(), &["seeds", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    // Values that would wrap or swamp the machine are refused, not cut to size.
    for (flag, value, says) in [
        ("--min-overlap", "4294967306", "--min-overlap must be 3 to"),
        (
            "--overlap-gap",
            "4294967296",
            "--overlap-gap must be at most",
        ),
        ("--max-file-size", "5G", "at most 4G"),
        ("--threads", "0", "not in 1..=1024"),
        ("--threads", "100000", "not in 1..=1024"),
    ] {
        let out = dedupe(&root(), &["seeds", flag, value]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    }
}

/// `--only` with analyses other than near-duplicates alone: the named ones report exactly what
/// the full analysis reports, the others nothing, and each document's parts count only what was
/// looked for.
#[test]
fn only_the_named_analyses_run() {
    let c = Corpus::new();
    for entry in std::fs::read_dir(root().join("seeds")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        c.file(&name, std::fs::read(&path).unwrap());
    }
    // A near-duplicate of 003, so that every list of the full analysis has entries.
    let text = std::fs::read_to_string(root().join("seeds/003_c830c1c83e80df10.txt")).unwrap();
    c.file("005_copy.txt", text.replacen("Mexico", "Belize", 1));
    let full = json(&dedupe(c.path(), &["--json", "."]));
    let lists = [
        "near_duplicates",
        "clusters",
        "repeats",
        "overlaps",
        "boilerplate",
    ];
    for list in lists {
        assert!(!full[list].as_array().unwrap().is_empty(), "{list}");
    }
    let parts = [
        ("repeats", "repeated_words"),
        ("overlaps", "overlap_words"),
        ("boilerplate", "boilerplate_words"),
    ];
    for only in [
        "repeats",
        "overlaps",
        "boilerplate",
        "repeats,boilerplate",
        "near-duplicates,overlaps",
    ] {
        let out = dedupe(c.path(), &["--json", "--only", only, "."]);
        assert!(out.status.success(), "{}", stderr(&out));
        let part = json(&out);
        assert_eq!(part["params"]["mode"], only);
        let named = |analysis: &str| only.split(',').any(|o| o == analysis);
        for list in lists {
            let analysis = match list {
                "near_duplicates" | "clusters" => "near-duplicates",
                other => other,
            };
            if named(analysis) {
                assert_eq!(part[list], full[list], "--only {only}: {list}");
            } else {
                assert_eq!(part[list], serde_json::json!([]), "--only {only}: {list}");
            }
        }
        let docs = part["documents"].as_array().unwrap();
        assert_eq!(docs.len(), 6, "--only {only}");
        for (doc, whole) in docs.iter().zip(full["documents"].as_array().unwrap()) {
            assert_eq!(doc["words"], whole["words"]);
            for (analysis, field) in parts {
                let expected = if named(analysis) {
                    &whole[field]
                } else {
                    &serde_json::json!(0)
                };
                assert_eq!(&doc[field], expected, "--only {only}: {field}");
            }
        }
        let text = stdout(&dedupe(c.path(), &["--only", only, "."]));
        assert!(
            text.contains(&format!("(--only {only}: no ")) && text.contains(" looked for)"),
            "{text}"
        );
        assert_eq!(
            text.contains("near-duplicates (Jaccard >= 0.8)"),
            named("near-duplicates"),
            "{text}"
        );
        // The page's legend offers only the highlights looked for.
        let elsewhere = Corpus::new();
        let page = elsewhere.path().join("page.html");
        let out = dedupe(
            c.path(),
            &["--only", only, "--html", page.to_str().unwrap(), "."],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let html = std::fs::read_to_string(&page).unwrap();
        for (analysis, kind) in [
            ("repeats", "repeat"),
            ("overlaps", "overlap"),
            ("boilerplate", "boilerplate"),
        ] {
            let key = format!("data-kind=\"{kind}\"><span class=\"swatch");
            assert_eq!(
                html.contains(&key),
                named(analysis),
                "--only {only}: {kind}"
            );
        }
    }
    let out = dedupe(c.path(), &["--only", "repeats,passages", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("possible values"), "{}", stderr(&out));
}

/// Each document's overlap line counts and quotes its own side of the passage; names with
/// control characters cannot break the report's lines or reach the terminal raw.
#[test]
fn each_side_quotes_its_own_text_and_names_are_printable() {
    let out = dedupe(&root(), &["seeds/"]);
    let text = stdout(&out);
    // 002 is the passage's `a` side, 004 its `b` side.
    assert!(
        text.contains(&format!(
            "{P004}:9: overlap: 15 words shared with {P002}:5 (similarity 0.76): \
             \"Republican critics and the media, who have portrayed her immigration ro…\""
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{P002}:5: overlap: 15 words shared with {P004}:9 (similarity 0.76): \
             \"Republican critics and the media have painted her new immigration role"
        )),
        "{text}"
    );

    let c = Corpus::new();
    let body = "A paragraph long enough to be read as a document of its own words.";
    c.file("x\ny\u{1b}[31mred.txt", body);
    c.file("plain.txt", body);
    let out = dedupe(c.path(), &["."]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("x\\ny\\u{1b}[31mred.txt"), "{text}");
}

#[test]
fn check_exits_1_on_findings_and_0_on_none() {
    let out = dedupe(&root(), &["seeds", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let c = Corpus::new();
    c.file("a.txt", "A short note about nothing in particular.");
    c.file("b.txt", "Another unrelated remark on the weather today.");
    let out = dedupe(c.path(), &[".", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn jsonl_records_are_documents_and_bad_lines_are_reported() {
    let c = Corpus::new();
    let base = Words::new(3).text(200, 4000).join(" ");
    let lines = [
        serde_json::json!({"id": "a", "text": base}).to_string(),
        "{not json".to_string(),
        serde_json::json!({"id": 7, "text": base}).to_string(),
        serde_json::json!({"id": "c", "body": "no text field"}).to_string(),
    ];
    c.file("docs.jsonl", lines.join("\n"));
    let out = dedupe(c.path(), &["--json", "docs.jsonl"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "lost records make the exit code 2"
    );
    let err = stderr(&out);
    assert!(err.contains("docs.jsonl:2: malformed JSON"), "{err}");
    assert!(err.contains("docs.jsonl:4: no \"text\" field"), "{err}");
    let r = json(&out);
    assert_eq!(r["near_duplicates"][0]["a"], "docs.jsonl#7");
    assert_eq!(r["near_duplicates"][0]["b"], "docs.jsonl#a");
    assert_eq!(r["near_duplicates"][0]["jaccard"], 1.0);
}

/// A French article for the normalisation test: most of its accents are precomposed characters
/// in NFC and a letter and a combining mark in NFD.
const ARTICLE: &str = "Le conseil municipal a approuvé mardi soir un budget révisé qui prévoit \
près de quatre millions d'euros pour la rénovation des parcs publics des quartiers nord, mettant \
fin à des mois de débats entre les élus.

La conseillère Rita Álvarez, qui présidait la commission des finances, a déclaré que le plan \
reflétait les souhaits des habitants qui s'étaient pressés aux réunions publiques tout au long du \
printemps pour réclamer de meilleures aires de jeux et des sentiers plus sûrs.

Les opposants ont fait valoir que l'argent serait mieux dépensé pour la réfection des routes, \
citant une enquête récente dans laquelle les automobilistes classaient les nids-de-poule comme \
leur principale plainte.";

#[test]
fn nfc_and_nfd_copies_are_the_same_words() {
    use unicode_normalization::UnicodeNormalization;
    let nfc = |s: &str| s.nfc().collect::<String>();
    let nfd = |s: &str| s.nfd().collect::<String>();
    assert_ne!(nfc(ARTICLE), nfd(ARTICLE));
    let c = Corpus::new();
    let edited = ARTICLE.replace("quatre", "cinq");
    c.file("nfc.txt", nfc(ARTICLE));
    c.file("nfd.txt", nfd(ARTICLE));
    // Edited copies make pairs whose words differ, which the doc-level mode reads again to verify.
    c.file("nfc-edited.txt", nfc(&edited));
    c.file("nfd-edited.txt", nfd(&edited));
    let full = json(&dedupe(c.path(), &["--json", "."]));
    let fast = json(&dedupe(
        c.path(),
        &["--json", "--only", "near-duplicates", "."],
    ));
    for r in [&full, &fast] {
        let pairs: Vec<(&str, &str, f64)> = r["near_duplicates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let name = |k: &str| p[k].as_str().unwrap().trim_start_matches("./");
                (name("a"), name("b"), p["jaccard"].as_f64().unwrap())
            })
            .collect();
        assert_eq!(pairs.len(), 6, "{pairs:?}");
        let j = |a: &str, b: &str| {
            pairs
                .iter()
                .find(|p| (p.0, p.1) == (a, b))
                .unwrap_or_else(|| panic!("no pair {a} {b}: {pairs:?}"))
                .2
        };
        assert_eq!(j("nfc.txt", "nfd.txt"), 1.0);
        assert_eq!(j("nfc-edited.txt", "nfd-edited.txt"), 1.0);
        let edit = j("nfc-edited.txt", "nfc.txt");
        assert!((0.8..1.0).contains(&edit), "{edit}");
        for (a, b) in [
            ("nfc-edited.txt", "nfd.txt"),
            ("nfc.txt", "nfd-edited.txt"),
            ("nfd-edited.txt", "nfd.txt"),
        ] {
            assert_eq!(j(a, b), edit, "{a} {b}");
        }
    }
    assert_eq!(fast["near_duplicates"], full["near_duplicates"]);
    // A paragraph repeated in NFD is a repeat, found at its own (decomposed) bytes.
    let paragraphs: Vec<&str> = ARTICLE.split("\n\n").collect();
    let first = nfc(ARTICLE) + "\n\n";
    let copy = nfd(paragraphs[1]);
    c.file("one/doc.txt", format!("{first}{copy}\n"));
    let r = json(&dedupe(c.path(), &["--json", "one/doc.txt"]));
    let reps = r["repeats"].as_array().unwrap();
    assert_eq!(reps.len(), 1, "{reps:?}");
    assert_eq!(reps[0]["similarity"], 1.0);
    assert_eq!(reps[0]["original"]["lines"], serde_json::json!([3, 3]));
    assert_eq!(
        reps[0]["copy"]["bytes"],
        serde_json::json!([first.len(), first.len() + copy.len()])
    );
}

#[test]
fn gzipped_jsonl_is_read() {
    use std::io::Write;
    let c = Corpus::new();
    let text = Words::new(5).text(100, 4000).join(" ");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for id in ["x", "y"] {
        writeln!(gz, "{}", serde_json::json!({"id": id, "text": text})).unwrap();
    }
    c.file("docs.jsonl.gz", gz.finish().unwrap());
    let r = json(&dedupe(
        c.path(),
        &["--json", "--only", "near-duplicates", "docs.jsonl.gz"],
    ));
    assert_eq!(r["near_duplicates"].as_array().unwrap().len(), 1);
}

#[test]
fn doc_level_mode_rereads_only_candidates_and_agrees_with_the_full_analysis() {
    use std::io::Write;
    let c = Corpus::new();
    let mut w = Words::new(11);
    // Over 2 MB of records, so that reading crosses batches; the planted pairs lie far apart in
    // the file (the second pass seeks to them), behind a byte-order mark, CRLF line endings, a
    // blank line, a malformed line and a duplicate id.
    let base = w.text(300, 20_000);
    let mut lines = vec![
        serde_json::json!({"id": "first", "text": base.join(" ")}).to_string(),
        String::new(),
        "{broken".to_string(),
    ];
    for i in 0..1500 {
        let text = w.text(300, 20_000).join(" ");
        lines.push(serde_json::json!({"id": format!("filler{i}"), "text": text}).to_string());
    }
    lines.push(serde_json::json!({"id": "close", "text": variant(&base, 6)}).to_string());
    lines.push(serde_json::json!({"id": "first", "text": base.join(" ")}).to_string());
    let body = lines.join("\r\n") + "\r\n";
    assert!(body.len() > 2 << 20);
    let mut plain = b"\xEF\xBB\xBF".to_vec();
    plain.extend(body.as_bytes());
    c.file("docs.jsonl", &plain);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&plain).unwrap();
    c.file("docs.jsonl.gz", gz.finish().unwrap());
    for file in ["docs.jsonl", "docs.jsonl.gz"] {
        let full = json(&dedupe(c.path(), &["--json", file]));
        let fast = json(&dedupe(
            c.path(),
            &["--json", "--only", "near-duplicates", file],
        ));
        let pairs = fast["near_duplicates"].as_array().unwrap();
        let names: Vec<(&str, &str)> = pairs
            .iter()
            .map(|p| (p["a"].as_str().unwrap(), p["b"].as_str().unwrap()))
            .collect();
        let name = |id: &str| format!("{file}#{id}");
        let (close, first, again) = (name("close"), name("first"), name("first@1505"));
        let mut expected = vec![
            (close.as_str(), first.as_str()),
            (close.as_str(), again.as_str()),
            (first.as_str(), again.as_str()),
        ];
        expected.sort();
        assert_eq!(names, expected, "{file}");
        assert_eq!(fast["near_duplicates"], full["near_duplicates"], "{file}");
        assert_eq!(fast["clusters"], full["clusters"], "{file}");
        assert!(fast["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains(":3: malformed JSON")));
    }
}

/// The one line of `text` that starts with `prefix`.
fn only_line<'t>(text: &'t str, prefix: &str) -> &'t str {
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with(prefix)).collect();
    assert_eq!(lines.len(), 1, "lines starting {prefix:?}:\n{text}");
    lines[0]
}

#[test]
fn a_passage_with_every_copy_of_an_article_is_one_line_of_the_text_report() {
    let mut w = Words::new(11);
    let article = w.text(300, 5000).join(" ");
    let quote = w.text(60, 5000).join(" ");
    let c = Corpus::new();
    for name in ["copy1.txt", "copy2.txt", "copy3.txt"] {
        c.file(name, format!("{article}\n\n{quote}\n"));
    }
    c.file(
        "quoting.txt",
        format!("{}\n\n{quote}\n", w.text(200, 5000).join(" ")),
    );
    let out = dedupe(c.path(), &["."]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        only_line(&text, "  ./quoting.txt")
            .contains("shared with ./copy1.txt:3 (similarity 1.00) and 2 near-duplicates of it: "),
        "{text}"
    );
    // The JSON lists every passage.
    let report = json(&dedupe(c.path(), &[".", "--json"]));
    let with_quoting = report["overlaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["b"]["path"] == "./quoting.txt")
        .count();
    assert_eq!(with_quoting, 3);
}

#[test]
fn a_paragraph_several_documents_carry_is_one_line_naming_them() {
    let mut w = Words::new(12);
    let paragraph = w.text(60, 5000).join(" ");
    let c = Corpus::new();
    for k in 1..=6 {
        let own = w.text(200, 5000).join(" ");
        c.file(&format!("d{k}.txt"), format!("{own}\n\n{paragraph}\n"));
    }
    let text = stdout(&dedupe(c.path(), &["."]));
    assert!(
        only_line(&text, "  ./d1.txt:3: overlap").contains(
            "60 words shared with ./d2.txt:3 (similarity 1.00), ./d3.txt:3 (similarity 1.00), \
             ./d4.txt:3 (similarity 1.00), ./d5.txt:3 (similarity 1.00), and 1 other: "
        ),
        "{text}"
    );
}

#[test]
fn a_site_s_furniture_two_pages_share_is_boilerplate_not_a_passage() {
    let mut w = Words::new(13);
    let promo = "Sign up for our morning newsletter and get the day's most important stories \
                 delivered to your inbox before breakfast.";
    let c = Corpus::new();
    for name in ["a.txt", "b.txt"] {
        let own = w.text(200, 5000).join(" ");
        c.file(
            name,
            format!("{own}\n\n{promo}\n\n{}\n", w.text(80, 5000).join(" ")),
        );
    }
    let report = json(&dedupe(c.path(), &[".", "--json"]));
    assert_eq!(report["overlaps"], serde_json::json!([]), "{report}");
    let promos = report["boilerplate"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["reason"] == "call-to-action")
        .count();
    assert_eq!(promos, 2, "{report}");
}

/// Mistakes get messages that say what to do: a negative number gets the range it must be in,
/// not clap's tip to pass it after `--` (which would make it a path).
#[test]
fn mistakes_are_explained() {
    let c = Corpus::new();
    c.file("in/f.txt", "some text");
    c.file("afile", "not a directory");
    for (args, says) in [
        (
            vec!["-t", "-0.1", "in"],
            "--threshold must be in (0, 1], got -0.1",
        ),
        (
            vec!["--seed", "-1", "in"],
            "invalid value '-1' for '--seed <N>'",
        ),
        (vec!["-"], "standard input is not read"),
        (
            vec!["--max-file-size", "0", "in"],
            "must be at least 1 byte (every file would be skipped)",
        ),
        (
            vec!["--text-field", "", "in"],
            "a field name cannot be empty",
        ),
        (
            vec!["clean", "in", "--out", "afile"],
            "--out is not a directory",
        ),
        (
            vec!["restore", "in", "--out", "back"],
            "not a directory written by `dedupe clean`",
        ),
    ] {
        let out = dedupe(c.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("tip:"), "{}", stderr(&out));
    }
}
