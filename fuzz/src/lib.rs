//! The fuzz targets of dedupe as plain functions of bytes, shared by the cargo-fuzz targets
//! (`fuzz_targets/`, libFuzzer on nightly) and the stable driver (`src/bin/stable_fuzz.rs`).
//!
//! Each one runs a stage on arbitrary input and checks what must hold whatever the input; a
//! violated invariant panics, which both drivers report as a crash.
//!
//! - [`segment`]: segmentation and tokenisation: words, lines, paragraphs, word hashes, shingles.
//! - [`jsonl`]: the JSONL reader (any bytes, any limit, any batch size) and text decoding.
//! - [`analyze`]: the whole analysis of a small corpus cut out of the input, and its reports.

use dedupe::corpus::{self, Diagnostic, Document, OffsetMap, Origin, ReadOptions, Severity};
use dedupe::segment::{word_hashes, LineIndex, Segmented};
use dedupe::shingle::shingle_set;
use dedupe::{pipeline, report, Config};
use std::path::Path;

/// Segmentation and tokenisation of any text (the bytes decoded lossily).
pub fn segment(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_segmentation(&text);
}

fn check_segmentation(text: &str) -> Segmented {
    let seg = Segmented::new(text);
    let len = text.len();
    let mut prev_end = 0;
    for w in &seg.words {
        let (s, e) = (w.start as usize, w.end as usize);
        assert!(
            prev_end <= s && s < e && e <= len,
            "word {s}..{e} after {prev_end}"
        );
        assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
        assert!(
            !text[s..e].contains(['\n', '\r']),
            "a word spans a line end: {:?}",
            &text[s..e]
        );
        prev_end = e;
    }
    let lines = &seg.lines;
    assert!(!lines.is_empty());
    let mut prev = 0;
    for i in 0..lines.len() {
        let sp = lines.line(i);
        assert!(prev <= sp.start && sp.start <= sp.end && sp.end <= len);
        assert!(!text[sp.range()].contains(['\n', '\r']));
        prev = sp.end;
    }
    let mut next = 0;
    let mut prev_end = 0;
    for p in &seg.paragraphs {
        assert_eq!(
            p.words.start, next,
            "paragraphs hold every word once, in order"
        );
        next = p.words.end;
        assert!(prev_end <= p.span.start && p.span.start < p.span.end && p.span.end <= len);
        assert!(text.is_char_boundary(p.span.start) && text.is_char_boundary(p.span.end));
        assert!(!text[p.span.range()].trim().is_empty(), "a blank paragraph");
        assert!(p.first_line <= p.last_line && p.last_line < lines.len());
        for w in &seg.words[p.words.clone()] {
            assert!(p.span.start <= w.start as usize && w.end as usize <= p.span.end);
        }
        let [a, b] = lines.line_range(p.span);
        assert_eq!([a, b], [p.first_line + 1, p.last_line + 1]);
        prev_end = p.span.end;
    }
    assert_eq!(next, seg.words.len());
    // The streaming path hashes exactly as segmentation does.
    let mut room = Vec::new();
    let hashes = word_hashes(text, &mut room).to_vec();
    assert_eq!(
        hashes,
        seg.hashes(),
        "streaming and segmented word hashes differ"
    );
    for k in [1, 2, 5] {
        let set = shingle_set(&hashes, k);
        assert!(set.windows(2).all(|w| w[0] < w[1]));
        assert!(set.len() <= hashes.len().max(1));
        assert_eq!(set.is_empty(), hashes.is_empty());
    }
    seg
}

fn collect_jsonl(
    data: &[u8],
    opts: &ReadOptions,
    batch: usize,
) -> (Vec<Document>, Vec<Diagnostic>) {
    let (mut docs, mut diags) = (Vec::new(), Vec::new());
    corpus::read_jsonl_from(Path::new("f.jsonl"), data, opts, batch, &mut |b, d| {
        docs.extend(b);
        diags.extend(d);
    });
    (docs, diags)
}

/// The JSONL reader on any bytes, with a limit and batch sizes taken from the first byte, and the
/// text decoder on the same bytes.
pub fn jsonl(data: &[u8]) {
    let Some((&ctl, body)) = data.split_first() else {
        return;
    };
    let opts = ReadOptions {
        max_file_bytes: 8 + u64::from(ctl) * 16,
        ..ReadOptions::default()
    };
    let (docs, diags) = collect_jsonl(body, &opts, 1);
    let (docs2, diags2) = collect_jsonl(body, &opts, 1 + usize::from(ctl) * 64);
    let names = |d: &[Document]| d.iter().map(|d| d.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&docs),
        names(&docs2),
        "batch size changed the documents"
    );
    assert_eq!(diags, diags2, "batch size changed the diagnostics");
    let lines = body.split(|&b| b == b'\n').count();
    let mut seen = std::collections::HashSet::new();
    let mut prev_line = 0;
    for d in &docs {
        assert!(seen.insert(d.name.clone()), "duplicate name {}", d.name);
        assert!(d.name.starts_with("f.jsonl#"));
        let Origin::Jsonl(_, n) = d.origin else {
            panic!("a JSONL record from a file")
        };
        assert!(
            prev_line < n && n <= lines,
            "line {n} after {prev_line} of {lines}"
        );
        prev_line = n;
        assert!(d.text.len() as u64 <= opts.limit());
        check_segmentation(&d.text);
    }
    // No line is both a document and an error.
    for diag in &diags {
        assert!(!diag.path.is_empty());
        if let Some(l) = diag.line {
            assert!(
                (1..=lines + 1).contains(&l),
                "diagnostic on line {l} of {lines}"
            );
            if diag.severity == Severity::Error {
                assert!(
                    !docs
                        .iter()
                        .any(|d| matches!(d.origin, Origin::Jsonl(_, n) if n == l)),
                    "line {l} is a document and an error"
                );
            }
        }
    }
    text_file(data);
}

/// Text decoding: offsets map back into the bytes, monotonically, to the end.
fn text_file(data: &[u8]) -> Option<Document> {
    let (doc, note) = corpus::decode_document(Path::new("f.txt"), data.to_vec());
    let Some(doc) = doc else {
        assert!(note.is_some(), "a file skipped without a word");
        return None;
    };
    let t = &doc.text;
    let map = &doc.offsets;
    // UTF-16 text ends with its last whole code unit: an odd last byte is no part of it (a
    // note says so).
    let end = match map {
        OffsetMap::Runs(_) => data.len() & !1,
        _ => data.len(),
    };
    assert_eq!(map.raw(t.len()), end, "the end of the text is the end of the file");
    let mut last = 0;
    for (i, c) in t.char_indices() {
        let (r0, r1) = (map.raw(i), map.raw(i + c.len_utf8()));
        assert!(
            last <= r0 && r0 <= r1 && r1 <= data.len(),
            "raw offsets out of order"
        );
        last = r0;
        if c == '\u{FFFD}' {
            continue;
        }
        let raw = &data[r0..r1];
        match map {
            OffsetMap::Runs(_) => {
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|u| match data[0] {
                        0xFF => u16::from_le_bytes([u[0], u[1]]),
                        _ => u16::from_be_bytes([u[0], u[1]]),
                    })
                    .collect();
                assert_eq!(String::from_utf16(&units).ok(), Some(c.to_string()));
            }
            _ => assert_eq!(raw, c.to_string().as_bytes(), "char {i} maps elsewhere"),
        }
    }
    Some(doc)
}

/// The whole analysis of a small corpus: the input cut at `0x1E` bytes into up to eight text
/// files (decoded as files are), settings from the first two bytes, and, on request, an edited
/// copy of the first document so that near-duplicates and shared passages turn up.
pub fn analyze(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let (ctl, rest) = data.split_at(2);
    let config = Config::builder()
        .threshold(0.3 + f64::from(ctl[0] % 8) / 10.0)
        .shingle(1 + usize::from(ctl[0] >> 3) % 5)
        .min_overlap(3 + usize::from(ctl[1] % 8))
        .num_perm(16 + usize::from((ctl[1] >> 3) & 0xF) * 8)
        .build()
        .expect("settings in range");
    let mut docs: Vec<Document> = Vec::new();
    for (i, part) in rest.split(|&b| b == 0x1E).take(8).enumerate() {
        if let (Some(mut doc), _) =
            corpus::decode_document(Path::new(&format!("d{i}.txt")), part.to_vec())
        {
            doc.name = format!("d{i}.txt");
            docs.push(doc);
        }
    }
    if ctl[1] & 0x80 != 0 {
        if let Some(first) = docs.first() {
            // Paragraphs reversed, one word dropped: a near copy.
            let mut paras: Vec<&str> = first.text.split("\n\n").collect();
            paras.reverse();
            let copy = paras.join("\n\n").replacen(' ', "", 1);
            docs.push(Document::from_text("e-copy.txt", copy));
        }
    }
    let report = pipeline::analyze(&docs, &config);
    check_report(&report, &docs, config.threshold());
    if ctl[0] & 0x80 != 0 {
        let again = pipeline::analyze(&docs, &config);
        assert_eq!(
            report::json::render(&report),
            report::json::render(&again),
            "two runs differ"
        );
    }
}

fn check_report(r: &report::Report, docs: &[Document], threshold: f64) {
    assert_eq!(r.documents.len(), docs.len());
    let by_name = |name: &str| -> &Document {
        docs.iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("unknown document {name}"))
    };
    for (s, d) in r.documents.iter().zip(docs) {
        assert_eq!(s.path, d.name);
        let o = s.originality.0;
        assert!((0.0..=1.0).contains(&o), "originality {o}");
        for part in [s.repeated_words, s.overlap_words, s.boilerplate_words] {
            assert!(part <= s.words);
        }
    }
    let check_loc = |name: &str, lines: [usize; 2], bytes: [usize; 2]| {
        let d = by_name(name);
        let raw_len = d.offsets.raw(d.text.len());
        let n = LineIndex::new(&d.text).len();
        assert!(
            bytes[0] <= bytes[1] && bytes[1] <= raw_len,
            "{name}: bytes {bytes:?} of {raw_len}"
        );
        assert!(
            1 <= lines[0] && lines[0] <= lines[1] && lines[1] <= n,
            "{name}: lines {lines:?} of {n}"
        );
    };
    for p in &r.near_duplicates {
        assert!(p.a < p.b, "pair out of order");
        assert!(
            p.jaccard.0 >= threshold - 1e-4,
            "pair below the threshold: {}",
            p.jaccard.0
        );
        by_name(&p.a);
        by_name(&p.b);
    }
    for c in &r.clusters {
        assert!(c.members.len() >= 2);
    }
    for x in &r.repeats {
        check_loc(&x.path, x.copy.lines, x.copy.bytes);
        check_loc(&x.path, x.original.lines, x.original.bytes);
        assert!(
            x.original.bytes[0] < x.copy.bytes[0],
            "a copy before its original"
        );
    }
    for o in &r.overlaps {
        check_loc(&o.a.path, o.a.lines, o.a.bytes);
        check_loc(&o.b.path, o.b.lines, o.b.bytes);
        assert!(o.words > 0 && !o.text.is_empty());
    }
    for b in &r.boilerplate {
        check_loc(&b.path, b.at.lines, b.at.bytes);
    }
    let json = report::json::render(r);
    let v: serde_json::Value = serde_json::from_str(&json).expect("the JSON report is JSON");
    assert_eq!(v["documents"].as_array().map(Vec::len), Some(docs.len()));
    let text = report::text::render(r);
    assert!(text.contains("summary: "));
}
