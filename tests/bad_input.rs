//! Dirty inputs, run through the real binary: every case must end in a clear message naming the
//! file (and the line of a JSONL file), the documented exit code, the good file next to it still
//! analysed, no panic, and bounded time and memory.
//!
//! The heavy cases (a 100 MB line, a 1 GB file, 100,000 files) are `#[ignore]`d; run them with
//! `cargo test --release --test bad_input -- --ignored` (a few minutes; the release build is the
//! one whose time and memory they bound).

mod util;

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use util::{root, Corpus, Words};

/// A good document, analysed next to every bad input.
const GOOD: &str = "The council approved the new budget on Tuesday after a long debate about \
                    schools, roads and the library.\n\nMembers thanked the staff for their work.\n";

/// What one run of the binary gave.
struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    err: String,
    /// Peak resident memory of the child in bytes, where the platform tells (Linux).
    peak_rss: Option<u64>,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                String::from_utf8_lossy(&self.stdout),
                self.err
            )
        })
    }

    fn paths(&self) -> Vec<String> {
        self.json()["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["path"].as_str().unwrap().to_string())
            .collect()
    }

    fn doc(&self, path: &str) -> Value {
        self.json()["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"] == path)
            .unwrap_or_else(|| panic!("{path} not among the documents: {:?}", self.paths()))
            .clone()
    }

    /// The exit code is `code`, stderr holds `message`, the good file was analysed.
    fn expect(&self, code: i32, message: &str) -> &Run {
        assert_eq!(self.code, Some(code), "exit code; stderr:\n{}", self.err);
        assert!(
            self.err.contains(message),
            "stderr lacks {message:?}:\n{}",
            self.err
        );
        self
    }

    fn good_analysed(&self) -> &Run {
        let good = self.doc("./good.txt");
        assert_eq!(good["words"], 25, "{good}");
        self
    }
}

/// Runs the binary in `dir` with `args`, and `env`; fails on a panic, a crash or a run over
/// `limit`, and measures the child's peak memory.
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Run {
    let out_path = tempfile::NamedTempFile::new().unwrap();
    let err_path = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dedupe"));
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out_path.reopen().unwrap())
        .stderr(err_path.reopen().unwrap());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run dedupe");
    let start = Instant::now();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = None;
    let status = loop {
        // VmHWM is the peak resident set so far; read it until the child is gone.
        if let Some(hwm) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| vm_hwm(&s))
        {
            peak = Some(peak.unwrap_or(0).max(hwm));
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dedupe {args:?} ran over {limit:?} (a hang?)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = std::fs::read(out_path.path()).unwrap();
    let err = String::from_utf8_lossy(&std::fs::read(err_path.path()).unwrap()).into_owned();
    assert!(
        !err.contains("panicked"),
        "dedupe {args:?} panicked:\n{err}"
    );
    assert!(
        status.code().is_some(),
        "dedupe {args:?} was killed by a signal ({status:?}):\n{err}"
    );
    Run {
        code: status.code(),
        stdout,
        err,
        peak_rss: peak,
    }
}

fn vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, args, &[], Duration::from_secs(60))
}

/// `dedupe --json .` in the corpus.
fn run_json(c: &Corpus) -> Run {
    run(c.path(), &["--json", "."])
}

fn with_good() -> Corpus {
    let c = Corpus::new();
    c.file("good.txt", GOOD);
    c
}

fn words(n: usize, seed: u64) -> String {
    Words::new(seed).text(n, 5000).join(" ")
}

// ---------------------------------------------------------------------------------------------
// Paths

#[test]
fn a_path_that_does_not_exist_is_a_usage_error() {
    // A missing path argument is checked before anything is read, like a bad flag: exit 2 and
    // no report, so that a typo never passes for a clean corpus.
    let c = with_good();
    let r = run(c.path(), &["--json", "good.txt", "nope.txt"]);
    r.expect(2, "dedupe: error: nope.txt: no such file or directory");
    assert!(r.stdout.is_empty());
}

#[test]
fn a_dangling_symlink_is_an_error_and_the_rest_is_read() {
    let c = with_good();
    std::os::unix::fs::symlink("gone.txt", c.path().join("broken.txt")).unwrap();
    run_json(&c)
        .expect(
            2,
            "error: ./broken.txt: cannot read: No such file or directory",
        )
        .good_analysed();
    // Named explicitly, too: it exists as a name, so it is not a usage error.
    run(c.path(), &["--json", "good.txt", "broken.txt"])
        .expect(2, "error: broken.txt: cannot read:")
        .doc("good.txt");
}

#[test]
fn an_unreadable_file_is_an_error_and_the_rest_is_read() {
    use std::os::unix::fs::PermissionsExt;
    let c = with_good();
    let locked = c.file("locked.txt", words(50, 1));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_ok() {
        println!("chmod 000 case skipped: running with privileges that read any file (root)");
        std::fs::remove_file(&locked).unwrap();
    } else {
        run_json(&c)
            .expect(2, "error: ./locked.txt: cannot read: Permission denied")
            .good_analysed();
        std::fs::remove_file(&locked).unwrap();
    }
    // A file that opens and then fails every read, even for root: /proc/self/mem at offset 0.
    if Path::new("/proc/self/mem").exists() {
        std::os::unix::fs::symlink("/proc/self/mem", c.path().join("mem.txt")).unwrap();
        run_json(&c)
            .expect(2, "error: ./mem.txt: cannot read: Input/output error")
            .good_analysed();
    }
}

#[test]
fn a_fifo_is_never_waited_on() {
    let c = with_good();
    let fifo = c.path().join("pipe.txt");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("FIFO case skipped: mkfifo unavailable");
        return;
    }
    // Found while walking: skipped with a warning.
    run_json(&c)
        .expect(
            0,
            "warning: ./pipe.txt: not a regular file (a FIFO, socket or device), skipped",
        )
        .good_analysed();
    // Named explicitly: the user asked for it and it was not read, an error.
    run(c.path(), &["--json", "good.txt", "pipe.txt"])
        .expect(
            2,
            "error: pipe.txt: not a regular file (a FIFO, socket or device), not read",
        )
        .doc("good.txt");
}

#[test]
fn a_directory_symlink_loop_is_not_followed() {
    let c = with_good();
    c.file("sub/inner.txt", words(30, 2));
    std::os::unix::fs::symlink("..", c.path().join("sub/up")).unwrap();
    std::os::unix::fs::symlink(".", c.path().join("self")).unwrap();
    let r = run_json(&c);
    r.expect(0, "warning: ./self: directory link loop, not followed")
        .expect(0, "warning: ./sub/up: directory link loop, not followed")
        .good_analysed();
    assert_eq!(r.paths(), ["./good.txt", "./sub/inner.txt"]);
}

#[test]
fn one_file_reached_by_two_paths_is_read_once() {
    let c = with_good();
    std::os::unix::fs::symlink("good.txt", c.path().join("link.txt")).unwrap();
    let r = run(c.path(), &["--json", ".", "./good.txt", "good.txt"]);
    r.expect(0, "warning: ./link.txt: same file as ./good.txt, read once")
        .good_analysed();
    assert_eq!(r.paths(), ["./good.txt"]);
    assert!(r.json()["near_duplicates"].as_array().unwrap().is_empty());
}

#[test]
fn deeply_nested_directories() {
    let c = with_good();
    let deep: String = (0..300).map(|i| format!("d{i}/")).collect();
    c.file(&format!("{deep}leaf.txt"), words(20, 3));
    let r = run_json(&c);
    r.expect(0, "").good_analysed();
    assert_eq!(r.paths().len(), 2);
}

#[test]
fn file_names_with_control_characters_and_invalid_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let c = with_good();
    // Two names that differ only in bytes that are not UTF-8 display alike.
    for name in [&b"caf\xe9.txt"[..], b"caf\xe8.txt"] {
        let path = c.path().join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, words(40, 4)).unwrap();
    }
    c.file("bad\nname\x1b[31m.bin", b"\0\x01\x02binary");
    let r = run_json(&c);
    r.expect(0, "warning: ./bad\\nname\\u{1b}[31m.bin: binary file")
        .expect(
            0,
            "is taken by an earlier input; named \"./caf\u{FFFD}.txt@2\"",
        )
        .good_analysed();
    let paths = r.paths();
    assert!(
        paths.contains(&"./caf\u{FFFD}.txt".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"./caf\u{FFFD}.txt@2".to_string()),
        "{paths:?}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_skipped_with_an_error() {
    let c = with_good();
    c.file("big.txt", words(2000, 5));
    let r = run(c.path(), &["--json", "--max-file-size", "1K", "."]);
    r.expect(2, "error: ./big.txt: file of ")
        .expect(
            2,
            "bytes is over the limit of 1024 bytes, skipped (raise --max-file-size)",
        )
        .good_analysed();
    assert_eq!(r.paths(), ["./good.txt"]);
}

// ---------------------------------------------------------------------------------------------
// Bytes and encodings

#[test]
fn binary_files_are_skipped_with_a_warning() {
    let c = with_good();
    c.file("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
    elf.extend(std::iter::repeat_n(0xAA, 1 << 20));
    c.file("prog", elf);
    let r = run_json(&c);
    r.expect(
        0,
        "warning: ./image.png: binary file (NUL bytes in its first 8 KiB), skipped",
    )
    .expect(0, "warning: ./prog: binary file")
    .good_analysed();
    assert_eq!(r.paths(), ["./good.txt"]);
}

#[test]
fn nul_bytes_inside_text() {
    let c = with_good();
    // A NUL among text is a stray control character (OCR output, scraped pages): kept, with a
    // warning, wherever it is.
    let body = words(3000, 6);
    assert!(body.len() > 8192);
    c.file("late.txt", format!("{body}\0{body}"));
    c.file("early.txt", format!("title\0{body}"));
    // A head that is mostly control bytes is binary, even when it is valid UTF-8.
    c.file(
        "records.dat",
        b"\x01\0\0\0\x02\0\0\0abc\x03\0\0\0".repeat(100),
    );
    let r = run_json(&c);
    r.expect(
        0,
        "warning: ./late.txt: 1 NUL bytes, kept as control characters",
    )
    .expect(
        0,
        "warning: ./early.txt: 1 NUL bytes, kept as control characters",
    )
    .expect(
        0,
        "warning: ./records.dat: binary file (NUL bytes in its first 8 KiB), skipped",
    )
    .good_analysed();
    assert_eq!(r.doc("./late.txt")["words"], 6000);
    assert_eq!(r.doc("./early.txt")["words"], 3001);
    assert_eq!(r.paths(), ["./early.txt", "./good.txt", "./late.txt"]);
}

#[test]
fn invalid_utf8_is_replaced_and_offsets_stay_raw() {
    let c = with_good();
    let para = "Caf\u{e9} society gathered in the square to hear the mayor speak at length.";
    let latin1: Vec<u8> = para.chars().map(|ch| ch as u32 as u8).collect();
    let mut file = latin1.clone();
    file.extend(b"\n\nSomething else entirely, about trains and timetables.\n\n");
    file.extend(&latin1);
    file.push(b'\n');
    c.file("latin1.txt", &file);
    let r = run_json(&c);
    r.expect(
        0,
        "warning: ./latin1.txt: invalid UTF-8 (2 bytes) replaced with U+FFFD",
    )
    .good_analysed();
    let rep = &r.json()["repeats"][0];
    let [s, e] = [0, 1].map(|i| rep["copy"]["bytes"][i].as_u64().unwrap() as usize);
    assert_eq!(&file[s..e], &latin1[..], "byte ranges index the raw file");
}

/// UTF-16 (both byte orders, with a BOM) is decoded: the same words and findings as UTF-8, and
/// byte ranges into the UTF-16 file.
#[test]
fn utf16_with_a_bom_is_decoded() {
    let c = with_good();
    let para = "Ünïcödé “quotes” and 中文 travel well across the border of encodings today.";
    let text = format!("{para}\r\n\r\nA different paragraph sits here.\r\n\r\n{para}\r\n");
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    c.file("le.txt", &le);
    c.file("be.txt", &be);
    c.file("utf8.txt", &text);
    let r = run_json(&c);
    r.expect(0, "").good_analysed();
    assert!(
        !r.err.contains("le.txt") && !r.err.contains("be.txt"),
        "{}",
        r.err
    );
    let utf8 = r.doc("./utf8.txt");
    for (name, raw) in [("./le.txt", &le), ("./be.txt", &be)] {
        assert_eq!(r.doc(name)["words"], utf8["words"], "{name}");
        let rep = r.json()["repeats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["path"] == name)
            .unwrap()
            .clone();
        assert_eq!(rep["copy"]["lines"], serde_json::json!([5, 5]));
        let [s, e] = [0, 1].map(|i| rep["copy"]["bytes"][i].as_u64().unwrap() as usize);
        let units: Vec<u16> = raw[s..e]
            .chunks(2)
            .map(|u| {
                if name == "./le.txt" {
                    u16::from_le_bytes([u[0], u[1]])
                } else {
                    u16::from_be_bytes([u[0], u[1]])
                }
            })
            .collect();
        assert_eq!(String::from_utf16(&units).unwrap(), para, "{name}");
    }
}

#[test]
fn utf16_and_utf32_without_support_say_why() {
    let c = with_good();
    let no_bom: Vec<u8> = "Words without a byte order mark in UTF-16."
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    c.file("nobom.txt", no_bom);
    let mut utf32 = vec![0xFF, 0xFE, 0, 0];
    utf32.extend(
        "Thirty-two bits"
            .chars()
            .flat_map(|ch| (ch as u32).to_le_bytes()),
    );
    c.file("utf32.txt", utf32);
    let mut odd: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("odd length".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    odd.push(b'!');
    c.file("odd.txt", odd);
    let r = run_json(&c);
    r.expect(0, "warning: ./nobom.txt: binary file (NUL bytes), skipped; it looks like UTF-16 without a byte-order mark (convert it: iconv -f UTF-16LE -t UTF-8")
        .expect(0, "warning: ./utf32.txt: UTF-32 text is not supported, skipped (convert it: iconv -f UTF-32 -t UTF-8)")
        .expect(0, "warning: ./odd.txt: UTF-16 with an odd byte count; last byte ignored")
        .good_analysed();
    assert_eq!(r.doc("./odd.txt")["words"], 2);
}

#[test]
fn a_utf8_bom_is_skipped_and_counted_in_byte_ranges() {
    let c = with_good();
    let para = "The harbour master closed the port for the night because of the storm.";
    let body = format!("{para}\n\nOther words.\n\n{para}\n");
    c.file("bom.txt", format!("\u{FEFF}{body}"));
    c.file("plain.txt", &body);
    let r = run_json(&c);
    r.expect(0, "").good_analysed();
    assert_eq!(r.doc("./bom.txt")["words"], r.doc("./plain.txt")["words"]);
    let reps = r.json()["repeats"].as_array().unwrap().clone();
    let bytes = |p: &str| {
        reps.iter().find(|x| x["path"] == p).unwrap()["copy"]["bytes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    let (b, p) = (bytes("./bom.txt"), bytes("./plain.txt"));
    assert_eq!([b[0], b[1]], [p[0] + 3, p[1] + 3]);
}

#[test]
fn cr_crlf_and_mixed_line_endings_give_the_same_lines() {
    let c = with_good();
    let para = "Rain is expected on the coast tomorrow with strong winds from the west.";
    let lf = format!("Heading\n\n{para}\n\nMiddle words here.\n\n{para}\n");
    c.file("lf.txt", &lf);
    c.file("crlf.txt", lf.replace('\n', "\r\n"));
    c.file("cr.txt", lf.replace('\n', "\r"));
    // Mixed: every kind of terminator, a lone CR before a blank line too (a CR followed by an LF
    // is one CRLF, so no lone CR ends a line before an LF).
    c.file(
        "mixed.txt",
        format!("Heading\r\n\n{para}\r\r\nMiddle words here.\n\r{para}\n"),
    );
    let r = run_json(&c);
    r.expect(0, "").good_analysed();
    let reps = r.json()["repeats"].as_array().unwrap().clone();
    for name in ["./lf.txt", "./crlf.txt", "./cr.txt", "./mixed.txt"] {
        let rep = reps
            .iter()
            .find(|x| x["path"] == name)
            .unwrap_or_else(|| panic!("no repeat in {name}"));
        assert_eq!(rep["copy"]["lines"], serde_json::json!([7, 7]), "{name}");
        assert_eq!(
            rep["original"]["lines"],
            serde_json::json!([3, 3]),
            "{name}"
        );
        assert_eq!(r.doc(name)["paragraphs"], 4, "{name}");
    }
}

#[test]
fn empty_and_whitespace_only_files() {
    let c = with_good();
    c.file("empty.txt", "");
    c.file("blank.txt", " \n\t\n\r\n   \u{a0}\u{3000}\n");
    c.file("bom-only.txt", "\u{FEFF}");
    c.file("utf16-bom-only.txt", [0xFF, 0xFE]);
    let r = run_json(&c);
    r.expect(0, "").good_analysed();
    for name in [
        "./empty.txt",
        "./blank.txt",
        "./bom-only.txt",
        "./utf16-bom-only.txt",
    ] {
        let d = r.doc(name);
        assert_eq!(
            (d["words"].as_u64(), d["originality"].as_f64()),
            (Some(0), Some(1.0)),
            "{name}"
        );
    }
    // The text report too.
    run(c.path(), &["."]).expect(0, "");
}

#[test]
fn control_characters_in_text() {
    let c = with_good();
    let controls: String = (1u8..32)
        .chain([127])
        .filter(|b| !b"\n\r".contains(b))
        .map(char::from)
        .collect();
    let text = format!(
        "Bell\x07 and escape\x1b[1m bold\x1b[0m words\x0cform feed\x0bvertical {controls} tab\tend \u{85} next \u{2028} sep \u{200b}zero width\n"
    );
    c.file("controls.txt", &text);
    let r = run_json(&c);
    r.expect(0, "").good_analysed();
    assert!(r.doc("./controls.txt")["words"].as_u64().unwrap() >= 12);
    run(c.path(), &["."]).expect(0, "");
}

// ---------------------------------------------------------------------------------------------
// Scripts

/// Non-Latin scripts: analysed, findings located, and both output formats survive them (the text
/// report cuts excerpts, which must not split a character).
fn script_case(name: &str, para: &str) {
    let c = with_good();
    let doc = format!(
        "{para}\n\n{}\n\n{para}\n",
        "Ordinary English words in between."
    );
    c.file(name, &doc);
    c.file(&format!("copy-{name}"), &doc);
    let r = run_json(&c);
    r.expect(0, "").good_analysed();
    let d = r.doc(&format!("./{name}"));
    assert!(d["words"].as_u64().unwrap() > 5, "{d}");
    let json = r.json();
    let rep = json["repeats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["path"] == format!("./{name}").as_str())
        .unwrap_or_else(|| panic!("no repeat found in {name}: {json}"))
        .clone();
    let [s, e] = [0, 1].map(|i| rep["copy"]["bytes"][i].as_u64().unwrap() as usize);
    assert_eq!(&doc[s..e], para);
    assert_eq!(json["near_duplicates"].as_array().unwrap().len(), 1);
    let text = run(c.path(), &["."]);
    text.expect(0, "");
    assert!(String::from_utf8(text.stdout).is_ok());
}

#[test]
fn cjk_text_without_spaces() {
    script_case(
        "cjk.txt",
        "東京都は月曜日に新しい予算案を発表した。教育と交通への投資を大幅に増やす計画で、議会は来月にも審議を始める見通しだ。中文句子也没有空格，但是每个汉字都是一个词。",
    );
}

#[test]
fn right_to_left_text() {
    script_case(
        "rtl.txt",
        "\u{202B}أعلن المجلس البلدي يوم الثلاثاء عن ميزانية جديدة للمدارس والطرق والمكتبة العامة\u{202C} והעירייה אישרה את התקציב החדש לבתי הספר ולכבישים",
    );
}

#[test]
fn emoji_with_zwj_sequences() {
    script_case(
        "emoji.txt",
        "Family 👨‍👩‍👧‍👦 and flags 🏳️‍🌈 🇺🇳 with skin tones 👍🏽 joined the parade downtown 🎉🎉 on Sunday afternoon 🧑🏿‍🚀 rocket",
    );
}

#[test]
fn combining_marks() {
    script_case(
        "combining.txt",
        "Cafe\u{301} na\u{308}ive re\u{301}sume\u{301} a\u{30a} Zalgo: h\u{336}\u{337}e\u{338}\u{334}l\u{335}l\u{33a}o\u{33b} w\u{33c}o\u{33d}rld and more words, then \u{915}\u{94d}\u{937} Devanagari conjuncts",
    );
}

#[test]
fn one_enormous_word_and_very_many_short_lines() {
    let c = with_good();
    c.file("word.txt", "a".repeat(2 << 20));
    c.file("lines.txt", "x\n".repeat(100_000));
    c.file("paras.txt", "Same short paragraph here.\n\n".repeat(20_000));
    let r = run_env(c.path(), &["--json", "."], &[], Duration::from_secs(120));
    r.expect(0, "").good_analysed();
    assert_eq!(r.doc("./word.txt")["words"], 1);
    assert_eq!(r.doc("./lines.txt")["words"], 100_000);
    assert_eq!(r.doc("./paras.txt")["paragraphs"], 20_000);
}

/// A long line (4 MB, no newline) in the fast suite; 100 MB in the heavy one.
fn long_line(bytes: usize, limit: Duration, max_rss: u64) {
    let c = with_good();
    let mut w = Words::new(7);
    let mut line = String::with_capacity(bytes + 16);
    while line.len() < bytes {
        line.push_str(&w.word(50_000));
        line.push(' ');
    }
    c.file("line.txt", &line);
    let r = run_env(c.path(), &["--json", "."], &[], limit);
    r.expect(0, "").good_analysed();
    let d = r.doc("./line.txt");
    assert_eq!(d["paragraphs"], 1);
    assert!(d["words"].as_u64().unwrap() > (bytes / 16) as u64, "{d}");
    if let Some(peak) = r.peak_rss {
        println!("{bytes}-byte line: peak RSS {} MiB", peak >> 20);
        assert!(peak < max_rss, "peak RSS {} MiB", peak >> 20);
    }
}

#[test]
fn a_4_mb_line_without_a_newline() {
    long_line(4 << 20, Duration::from_secs(120), 1 << 30);
}

#[test]
#[ignore = "heavy: a 100 MB line; run with --release --ignored"]
fn a_100_mb_line_without_a_newline() {
    long_line(100 << 20, Duration::from_secs(600), 3 << 30);
}

// ---------------------------------------------------------------------------------------------
// Files that change

#[test]
fn files_that_vanish_or_change_while_being_read() {
    // A writer thread deletes, recreates, truncates and grows files while dedupe reads them.
    // Whatever it catches, the run ends with the documented codes, names any file it could not
    // read, and analyses the rest.
    let c = with_good();
    let n = 300;
    for i in 0..n {
        c.file(&format!("churn/{i:03}.txt"), words(200, i));
    }
    for mode in [
        &["--json", "."][..],
        &["--json", "--only", "near-duplicates", "."],
    ] {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let dir = c.path().join("churn");
        let writer = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut k = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let p = dir.join(format!("{:03}.txt", k % n));
                    match k % 4 {
                        0 => drop(std::fs::remove_file(&p)),
                        1 => drop(std::fs::write(&p, words(300, k))),
                        2 => drop(std::fs::write(&p, "")),
                        _ => {
                            if let Ok(mut f) = std::fs::OpenOptions::new().append(true).open(&p) {
                                let _ = f.write_all(words(100, k).as_bytes());
                            }
                        }
                    }
                    k += 1;
                }
            })
        };
        let r = run(c.path(), mode);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        writer.join().unwrap();
        assert!(
            matches!(r.code, Some(0 | 2)),
            "code {:?}: {}",
            r.code,
            r.err
        );
        for line in r.err.lines() {
            assert!(line.starts_with("dedupe: "), "{line}");
            if line.contains("error:") {
                assert!(line.contains("./churn/"), "{line}");
            }
        }
        if mode.len() == 2 {
            r.good_analysed();
        } else {
            assert!(r.json()["near_duplicates"].is_array());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSONL

/// Two identical good records that must still be found as near-duplicates.
fn good_records() -> [String; 2] {
    let text = words(120, 9);
    [
        serde_json::json!({"id": "g1", "text": text}).to_string(),
        serde_json::json!({"id": "g2", "text": text}).to_string(),
    ]
}

/// Writes `docs.jsonl` with the good records around `bad` lines, runs, and checks the pair.
fn jsonl_case(bad: &[&str], args: &[&str]) -> Run {
    let c = Corpus::new();
    let [g1, g2] = good_records();
    let mut lines = vec![g1.as_str()];
    lines.extend(bad);
    lines.push(&g2);
    c.file("docs.jsonl", lines.join("\n") + "\n");
    let mut all = vec!["--json"];
    all.extend(args);
    all.push("docs.jsonl");
    let r = run(c.path(), &all);
    let json = r.json();
    let pairs = json["near_duplicates"].as_array().unwrap();
    assert!(
        pairs
            .iter()
            .any(|p| p["a"] == "docs.jsonl#g1" && p["b"] == "docs.jsonl#g2"),
        "good records lost: {json}\n{}",
        r.err
    );
    r
}

#[test]
fn jsonl_malformed_lines() {
    let r = jsonl_case(
        &[
            "{not json",
            "{\"id\": \"x\", \"text\": \"unterminated",
            "{\"text\": \"a\"} trailing",
        ],
        &[],
    );
    r.expect(
        2,
        "error: docs.jsonl:2: malformed JSON, skipped: key must be a string at line 1 column 2",
    )
    .expect(
        2,
        "error: docs.jsonl:3: malformed JSON, skipped: EOF while parsing a string",
    )
    .expect(
        2,
        "error: docs.jsonl:4: malformed JSON, skipped: trailing characters",
    );
}

#[test]
fn jsonl_lines_that_are_not_objects() {
    jsonl_case(
        &["[1, 2, 3]", "\"just a string\"", "42", "null", "true"],
        &[],
    )
    .expect(2, "error: docs.jsonl:2: not a JSON object, skipped")
    .expect(2, "error: docs.jsonl:6: not a JSON object, skipped");
}

#[test]
fn jsonl_missing_or_non_string_text_field() {
    jsonl_case(
        &[
            r#"{"id": "m", "body": "no text field"}"#,
            r#"{"id": "n", "text": 12}"#,
            r#"{"id": "o", "text": ["a", "b"]}"#,
            r#"{"id": "p", "text": {"nested": "x"}}"#,
            r#"{"id": "q", "text": null}"#,
            r#"{"id": "r", "text": true}"#,
        ],
        &[],
    )
    .expect(
        2,
        "error: docs.jsonl:2: no \"text\" field, skipped (choose it with --text-field)",
    )
    .expect(
        2,
        "error: docs.jsonl:3: field \"text\" is not a string, skipped",
    )
    .expect(
        2,
        "error: docs.jsonl:4: field \"text\" is not a string, skipped",
    )
    .expect(
        2,
        "error: docs.jsonl:5: field \"text\" is not a string, skipped",
    )
    .expect(2, "error: docs.jsonl:6: field \"text\" is null, skipped")
    .expect(
        2,
        "error: docs.jsonl:7: field \"text\" is not a string, skipped",
    );
}

#[test]
fn jsonl_duplicate_ids_are_renamed_not_dropped() {
    let r = jsonl_case(
        &[
            r#"{"id": "g1", "text": "a second record with the first id"}"#,
            r#"{"id": "g1@2", "text": "an id that looks like a renamed one"}"#,
            r#"{"id": 7, "text": "numeric id"}"#,
            r#"{"id": "7", "text": "the same id as a string"}"#,
        ],
        &[],
    );
    r.expect(
        0,
        "warning: docs.jsonl:2: duplicate id \"g1\" (first on line 1); named docs.jsonl#g1@2",
    )
    .expect(
        0,
        "warning: docs.jsonl:3: duplicate id \"g1@2\" (first on line 2); named docs.jsonl#g1@2@3",
    )
    .expect(
        0,
        "warning: docs.jsonl:5: duplicate id \"7\" (first on line 4); named docs.jsonl#7@5",
    );
    let paths = r.paths();
    assert_eq!(paths.len(), 6, "{paths:?}");
}

#[test]
fn jsonl_ids_that_cannot_name_a_record_are_warned_about() {
    let records = [
        r#"{"id": true, "text": "a record whose id is a boolean"}"#,
        r#"{"id": {"n": 1}, "text": "a record whose id is an object"}"#,
        r#"{"text": "a record without an id"}"#,
    ];
    let r = jsonl_case(&records, &[]);
    r.expect(
        0,
        "warning: docs.jsonl:2: field \"id\" is not a string or a number; the record is named by \
         its line, L2",
    )
    .expect(
        0,
        "warning: docs.jsonl:3: field \"id\" is not a string or a number",
    );
    // Without an id field the record is named by its line, as documented: no warning.
    assert!(!r.err.contains("docs.jsonl:4"), "{}", r.err);
    // An id field that no record has is likely misspelt.
    let c = Corpus::new();
    c.file("docs.jsonl", records.join("\n"));
    let r = run(c.path(), &["--json", "--id-field", "uuid", "docs.jsonl"]);
    r.expect(
        0,
        "warning: docs.jsonl: no record has a string or a number in the id field \"uuid\" \
         (--id-field); records are named by their line: docs.jsonl#L1, …",
    );
    assert_eq!(r.paths().len(), 3);
}

#[test]
fn jsonl_with_the_wrong_field_name_says_so_a_hundred_times_then_counts() {
    let lines: Vec<String> = (0..5000)
        .map(|i| serde_json::json!({"id": i, "body": words(8, i)}).to_string())
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let r = jsonl_case(&refs, &[]);
    r.expect(
        2,
        "error: docs.jsonl:2: no \"text\" field, skipped (choose it with --text-field)",
    )
    .expect(
        2,
        "error: docs.jsonl: 5000 lines skipped with errors in all; the first 100 are listed, 4900 more are not",
    );
    assert_eq!(r.err.lines().count(), 101, "{}", r.err);
}

#[test]
fn jsonl_huge_lines() {
    // Over the limit: skipped without being held, the next records read.
    let huge = serde_json::json!({"id": "h", "text": words(20_000, 10)}).to_string();
    jsonl_case(&[&huge], &["--max-file-size", "64K"])
        .expect(2, "error: docs.jsonl:2: line (with its line end) of ")
        .expect(
            2,
            "bytes is over the limit of 65536 bytes, skipped (raise --max-file-size)",
        );
    // Under it: one record of 1.5 MB is read like any other.
    let big = serde_json::json!({"id": "b", "text": words(200_000, 11)}).to_string();
    let r = jsonl_case(&[&big], &[]);
    r.expect(0, "");
    assert_eq!(r.doc("docs.jsonl#b")["words"], 200_000);
}

#[test]
fn jsonl_invalid_utf8_line_and_control_characters() {
    let mut bad = b"{\"id\": \"u\", \"text\": \"caf".to_vec();
    bad.extend(b"\xe9\"}");
    let c = Corpus::new();
    let [g1, g2] = good_records();
    let mut file = format!("{g1}\n").into_bytes();
    file.extend(&bad);
    file.extend(b"\n{\"id\": \"c\", \"text\": \"raw\ttab\"}\n");
    file.extend(b"{\"id\": \"e\", \"text\": \"escaped \\u0000 \\u001b controls\"}\n");
    file.extend(format!("{g2}\n").as_bytes());
    c.file("docs.jsonl", &file);
    let r = run(c.path(), &["--json", "docs.jsonl"]);
    r.expect(2, "error: docs.jsonl:2: line is not valid UTF-8, skipped")
        .expect(
            2,
            "error: docs.jsonl:3: malformed JSON, skipped: control character",
        );
    assert_eq!(r.doc("docs.jsonl#e")["words"], 2);
    assert_eq!(r.json()["near_duplicates"].as_array().unwrap().len(), 1);
}

#[test]
fn jsonl_bom_crlf_and_blank_lines() {
    let c = Corpus::new();
    let [g1, g2] = good_records();
    c.file(
        "docs.jsonl",
        format!("\u{FEFF}{g1}\r\n\r\n   \r\n\t\r\n{g2}\r\n{{\"text\": \"no id\"}}"),
    );
    let r = run(c.path(), &["--json", "docs.jsonl"]);
    r.expect(0, "");
    assert_eq!(
        r.paths(),
        ["docs.jsonl#L6", "docs.jsonl#g1", "docs.jsonl#g2"]
    );
    assert_eq!(r.json()["near_duplicates"].as_array().unwrap().len(), 1);
}

#[test]
fn jsonl_utf16_is_refused_with_the_fix() {
    let c = with_good();
    let [g1, _] = good_records();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(format!("{g1}\n").encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    c.file("wide.jsonl", utf16);
    run_json(&c)
        .expect(
            2,
            "error: ./wide.jsonl: UTF-16 JSONL is not supported, skipped (convert it: iconv -f UTF-16 -t UTF-8)",
        )
        .good_analysed();
}

#[test]
fn jsonl_corrupt_and_truncated_gzip() {
    use flate2::write::GzEncoder;
    let c = with_good();
    let [g1, g2] = good_records();
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for i in 0..2000 {
        writeln!(gz, "{}", serde_json::json!({"id": i, "text": words(30, i)})).unwrap();
    }
    let full = gz.finish().unwrap();
    c.file("cut.jsonl.gz", &full[..full.len() / 2]);
    c.file("plain.jsonl.gz", format!("{g1}\n{g2}\n")); // not gzip at all
    let r = run_json(&c);
    r.expect(2, "error: ./cut.jsonl.gz:")
        .expect(2, "read failed, rest of file skipped")
        .expect(
            2,
            "error: ./plain.jsonl.gz:1: cannot read: invalid gzip header",
        )
        .good_analysed();
    assert!(r.paths().iter().any(|p| p == "./cut.jsonl.gz#0"));
}

#[test]
fn jsonl_gzip_with_zero_padding() {
    use flate2::write::GzEncoder;
    let c = with_good();
    let member = |from: usize| {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        for i in from..from + 3 {
            writeln!(
                gz,
                "{}",
                serde_json::json!({"id": i, "text": words(30, i as u64)})
            )
            .unwrap();
        }
        gz.finish().unwrap()
    };
    // Two members, then the zeros a tape or block device pads with: read as `gzip -d` reads it.
    let mut padded = [member(0), member(3)].concat();
    padded.extend([0u8; 512]);
    c.file("padded.jsonl.gz", &padded);
    // Zeros, then something else: damage, not padding.
    let mut damaged = member(10);
    damaged.extend([0u8; 20]);
    damaged.extend(b"junk");
    c.file("damaged.jsonl.gz", &damaged);
    let r = run_json(&c);
    r.expect(
        2,
        "warning: ./padded.jsonl.gz: 512 zero bytes after the gzip data ignored",
    )
    .expect(
        2,
        "error: ./damaged.jsonl.gz:4: read failed, rest of file skipped: data after 20 \
             zero bytes at the end of the gzip data",
    )
    .good_analysed();
    let paths = r.paths();
    for i in 0..6 {
        assert!(
            paths.contains(&format!("./padded.jsonl.gz#{i}")),
            "{paths:?}"
        );
    }
    for i in 10..13 {
        assert!(
            paths.contains(&format!("./damaged.jsonl.gz#{i}")),
            "{paths:?}"
        );
    }
}

#[test]
fn compressed_files_other_than_jsonl_gz_are_errors_that_say_how_to_read_them() {
    use flate2::write::GzEncoder;
    let c = with_good();
    let [g1, _] = good_records();
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    writeln!(gz, "{g1}").unwrap();
    let gz = gz.finish().unwrap();
    c.file("a.json.gz", &gz);
    c.file("b.jsonl", &gz);
    c.file(
        "c.jsonl.zst",
        [&[0x28, 0xB5, 0x2F, 0xFD][..], b"\x04\x00rest"].concat(),
    );
    c.file("d.txt.bz2", b"BZh91AY&SY rest");
    c.file(
        "e.jsonl.xz",
        [&[0xFD, b'7', b'z', b'X', b'Z', 0][..], b"rest"].concat(),
    );
    run_json(&c)
        .expect(2, "error: ./a.json.gz: gzip-compressed, not read (gzip is read as JSONL when")
        .expect(2, "error: ./b.jsonl: gzip-compressed, not read (name it .jsonl.gz")
        .expect(2, "error: ./c.jsonl.zst: zstd-compressed, which dedupe does not read; decompress it first (zstd -d)")
        .expect(2, "error: ./d.txt.bz2: bzip2-compressed")
        .expect(2, "error: ./e.jsonl.xz: xz-compressed")
        .good_analysed();
}

#[test]
fn a_json_file_of_json_lines_is_read_as_text_with_a_hint() {
    let c = with_good();
    let [g1, g2] = good_records();
    c.file("records.json", format!("{g1}\n{g2}\n"));
    // One JSON document is no JSON Lines.
    c.file(
        "one.json",
        "{\n  \"id\": 1,\n  \"text\": \"a record over lines\"\n}\n",
    );
    let r = run_json(&c);
    r.expect(
        0,
        "warning: ./records.json: looks like JSON Lines, read as one text document (name it \
         .jsonl, or pass --jsonl, to read a document per line)",
    )
    .good_analysed();
    assert!(!r.err.contains("one.json"), "{}", r.err);
    assert!(r.paths().contains(&"./records.json".to_string()));
}

#[test]
fn jsonl_deeply_nested_values() {
    let nest = |v: &str| format!("{}{v}{}", "[".repeat(100_000), "]".repeat(100_000));
    // Nesting in a field that is not read is skipped over, without recursion.
    let ignored = format!(r#"{{"other": {}, "id": "d", "text": "kept"}}"#, nest("1"));
    // Nesting in the text or id field hits serde_json's recursion limit: an error, no crash.
    let in_text = format!(r#"{{"id": "t", "text": {}}}"#, nest("\"x\""));
    let in_id = format!(r#"{{"id": {}, "text": "x"}}"#, nest("1"));
    let r = jsonl_case(&[&ignored, &in_text, &in_id], &[]);
    r.expect(
        2,
        "error: docs.jsonl:3: malformed JSON, skipped: recursion limit exceeded",
    )
    .expect(
        2,
        "error: docs.jsonl:4: malformed JSON, skipped: recursion limit exceeded",
    );
    assert_eq!(r.doc("docs.jsonl#d")["words"], 1);
}

// ---------------------------------------------------------------------------------------------
// Exit codes together

#[test]
fn exit_codes_errors_win_over_check() {
    let c = with_good();
    c.file("copy.txt", GOOD);
    // Findings, warnings only: --check gives 1.
    c.file("image.bin", b"\0\0");
    run(c.path(), &["--check", "."]).expect(1, "warning: ./image.bin: binary file");
    // Findings and an error: 2, whatever --check says.
    c.file("docs.jsonl", "{oops\n");
    run(c.path(), &["--check", "."]).expect(2, "error: ./docs.jsonl:1: malformed JSON");
    // Nothing found, warnings only: 0.
    let clean = with_good();
    clean.file("image.bin", b"\0\0");
    run(clean.path(), &["--check", "."]).expect(0, "warning: ./image.bin: binary file");
}

// ---------------------------------------------------------------------------------------------
// Determinism

/// A dirty corpus: every encoding and kind of record the reader handles, with findings.
fn dirty_corpus() -> Corpus {
    let c = with_good();
    let shared = words(150, 20);
    c.file(
        "a/utf8.txt",
        format!("{shared}\n\n{}\n\n{shared}\n", words(80, 21)),
    );
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            format!("{shared}\r\n\r\n{}\r\n", words(60, 22))
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    c.file("a/utf16.txt", le);
    let mut latin = words(100, 23).into_bytes();
    latin.extend(b" caf\xe9 ");
    latin.extend(shared.as_bytes());
    c.file("b/latin1.txt", latin);
    c.file(
        "b/crlf.txt",
        format!("{}\r\n\r\n{shared}\r\n", words(90, 24)),
    );
    c.file("b/image.png", b"\x89PNG\0\0");
    c.file(
        "c/cjk.txt",
        "東京都は月曜日に新しい予算案を発表した。".repeat(20),
    );
    let recs: Vec<String> = (0..40)
        .map(|i| serde_json::json!({"id": i % 30, "text": if i % 7 == 0 { shared.clone() } else { words(100, 100 + i) }}).to_string())
        .collect();
    c.file("d/docs.jsonl", recs.join("\n") + "\n{broken\n");
    for i in 0..40 {
        c.file(
            &format!("e/{i:02}.txt"),
            format!("{}\n\n{}", words(50, 200 + i), words(40, 300 + (i % 5))),
        );
    }
    c
}

#[test]
fn output_is_byte_identical_for_any_thread_count_and_input_order() {
    let c = dirty_corpus();
    let mut paths: Vec<String> = [
        "good.txt",
        "a",
        "b/latin1.txt",
        "b/crlf.txt",
        "b/image.png",
        "c",
        "d/docs.jsonl",
        "e",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    paths.sort();
    let mut reversed = paths.clone();
    reversed.reverse();
    for mode in [&[][..], &["--only", "near-duplicates"]] {
        let go = |threads: &str, paths: &[String]| {
            let mut args = vec!["--json"];
            args.extend(mode);
            args.extend(paths.iter().map(String::as_str));
            let r = run_env(
                c.path(),
                &args,
                &[("RAYON_NUM_THREADS", threads)],
                Duration::from_secs(60),
            );
            assert_eq!(r.code, Some(2), "the broken JSONL line: {}", r.err);
            (r.stdout, r.err)
        };
        let one = go("1", &paths);
        assert!(!one.0.is_empty());
        for (threads, order) in [
            ("2", &paths),
            ("8", &paths),
            ("1", &reversed),
            ("8", &reversed),
        ] {
            let other = go(threads, order);
            assert!(
                one.0 == other.0,
                "stdout differs with {threads} threads, mode {mode:?}"
            );
            assert_eq!(
                one.1, other.1,
                "stderr differs with {threads} threads, mode {mode:?}"
            );
        }
    }
}

#[test]
fn the_seeds_give_the_same_bytes_read_every_way() {
    let a = run(&root(), &["--json", "seeds"]);
    let b = run_env(
        &root(),
        &["--json", "seeds/004_9fb2f88967479f4d.txt", "seeds/"],
        &[("RAYON_NUM_THREADS", "8")],
        Duration::from_secs(60),
    );
    a.expect(0, "");
    assert!(a.stdout == b.stdout);
}

// ---------------------------------------------------------------------------------------------
// Heavy cases: `cargo test --release --test bad_input -- --ignored`

/// Writes `bytes` of words (lines of about 80 characters, a blank line every 10 lines).
fn write_text(path: &Path, bytes: u64) {
    let mut w = Words::new(30);
    let mut block = String::new();
    while block.len() < 4 << 20 {
        for _ in 0..10 {
            let mut line = String::new();
            while line.len() < 80 {
                line.push_str(&w.word(100_000));
                line.push(' ');
            }
            block.push_str(line.trim_end());
            block.push('\n');
        }
        block.push('\n');
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut written = 0u64;
    while written < bytes {
        let n = block.len().min((bytes - written) as usize);
        f.write_all(&block.as_bytes()[..n]).unwrap();
        written += n as u64;
    }
    f.flush().unwrap();
}

#[test]
#[ignore = "heavy: a 1 GiB file; run with --release --ignored"]
fn a_1_gb_file() {
    let c = with_good();
    let huge = c.path().join("huge.txt");
    write_text(&huge, 1 << 30);
    // Over the default limit: skipped before it is read, in no time and little memory.
    let r = run_env(c.path(), &["--json", "."], &[], Duration::from_secs(60));
    r.expect(
        2,
        "error: ./huge.txt: file of 1073741824 bytes is over the limit of 268435456 bytes, skipped (raise --max-file-size)",
    )
    .good_analysed();
    let peak = r.peak_rss.unwrap_or(0);
    println!("1 GiB file skipped: peak RSS {} MiB", peak >> 20);
    assert!(peak < 256 << 20, "peak RSS {} MiB", peak >> 20);
    // Raised limit, near-duplicates only: the file is read and hashed; memory stays within a
    // small multiple of its size.
    let r = run_env(
        c.path(),
        &[
            "--json",
            "--only",
            "near-duplicates",
            "--max-file-size",
            "2G",
            ".",
        ],
        &[],
        Duration::from_secs(900),
    );
    r.expect(0, "");
    assert_eq!(r.json()["params"]["num_documents"], 2);
    if let Some(peak) = r.peak_rss {
        println!(
            "1 GiB file, --only near-duplicates: peak RSS {} MiB",
            peak >> 20
        );
        assert!(peak < 6 << 30, "peak RSS {} MiB", peak >> 20);
    }
}

#[test]
#[ignore = "heavy: 100,000 files; run with --release --ignored"]
fn a_hundred_thousand_tiny_files() {
    let c = with_good();
    let n = 100_000;
    for i in 0..n {
        let dir = c.path().join(format!("t/{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&dir).unwrap();
        }
        std::fs::write(
            dir.join(format!("{i:06}.txt")),
            format!("note {i} about item {}", i % 977),
        )
        .unwrap();
    }
    for mode in [
        &["--json", "."][..],
        &["--json", "--only", "near-duplicates", "."],
    ] {
        let started = Instant::now();
        let r = run_env(c.path(), mode, &[], Duration::from_secs(900));
        r.expect(0, "");
        assert_eq!(r.json()["params"]["num_documents"], n + 1);
        let peak = r.peak_rss.unwrap_or(0);
        println!(
            "100,000 files {mode:?}: {:.1} s, peak RSS {} MiB",
            started.elapsed().as_secs_f64(),
            peak >> 20
        );
        assert!(peak < 2 << 30, "peak RSS {} MiB", peak >> 20);
    }
}
