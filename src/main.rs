//! The `dedupe` binary: arguments in, report out, exit code from what happened.

mod cli;

use clap::Parser;
use dedupe::corpus::Input;
use dedupe::{clean, pipeline, report, Analyses, Observer, Progress, Severity};
use indicatif::{ProgressBar, ProgressDrawTarget};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exit {
    /// Success (with `--check`: nothing found).
    Success,
    /// `--check` and something was found.
    Found,
    /// A usage error, a missing path, or an input that could not be read.
    Error,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(match e {
            Exit::Success => 0,
            Exit::Found => 1,
            Exit::Error => 2,
        })
    }
}

/// A spinner on stderr while reading and hashing, only when stderr is a terminal.
fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_draw_target(ProgressDrawTarget::stderr());
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(bar)
}

fn main() -> ExitCode {
    let args = cli::Args::parse();
    let result = match &args.command {
        None => run(&args),
        Some(cli::Command::Clean(c)) => run_clean(c),
        Some(cli::Command::Restore(r)) => run_restore(r),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(err) => {
            say(&format!("dedupe: error: {}", message(&err)));
            Exit::Error.into()
        }
    }
}

/// An error and the causes its message does not already state (the library's messages name
/// their cause).
fn message(err: &anyhow::Error) -> String {
    let mut message = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}

/// An HTML report larger than this draws a warning: browsers grow slow past a hundred megabytes or
/// so of page (it holds every document's text and every shared passage side by side, about 20×
/// the input on a corpus whose documents share much).
const HTML_WARN_BYTES: usize = 64 << 20;

/// Fails when `--html` names one of the inputs (or a link to one): the page would replace a
/// document.
fn refuse_input(html: &Path, inputs: &[Input]) -> anyhow::Result<()> {
    let Ok(target) = std::fs::canonicalize(html) else {
        return Ok(()); // Not there yet, so not an input.
    };
    let is_input = inputs
        .iter()
        .any(|i| std::fs::canonicalize(&i.path).is_ok_and(|p| p == target));
    anyhow::ensure!(
        !is_input,
        "refusing to write --html over the input {}",
        html.display()
    );
    Ok(())
}

/// Sets the worker threads: `-j`, else `RAYON_NUM_THREADS` when it is a number from 1 to 1024
/// (as `-j`; 0 means the default), else one per core. Rayon alone would take any number there,
/// and silently ignore what is not one: 5,000 threads took 49 s over the five seeds.
fn init_threads(threads: Option<u16>) -> anyhow::Result<()> {
    let from_env = || {
        let value = std::env::var_os("RAYON_NUM_THREADS").filter(|v| !v.is_empty())?;
        let n = value.to_str().and_then(|v| v.trim().parse::<usize>().ok());
        match n {
            Some(n) if n <= MAX_THREADS => Some(n),
            _ => {
                eprintln!(
                    "dedupe: warning: RAYON_NUM_THREADS={} is not a number from 1 to \
                     {MAX_THREADS}; using one thread per core",
                    value.to_string_lossy()
                );
                Some(0)
            }
        }
    };
    let n = match threads.map(usize::from).or_else(from_env) {
        None | Some(0) => std::thread::available_parallelism().map_or(1, usize::from),
        Some(n) => n,
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()?;
    Ok(())
}

/// Most worker threads `-j` and `RAYON_NUM_THREADS` may ask for.
const MAX_THREADS: usize = 1024;

/// Writes to stdout; a closed pipe (`dedupe … | head`) is not an error, as for every Unix filter.
/// Returns false when the pipe was closed.
fn print(bytes: &[u8]) -> anyhow::Result<bool> {
    print_with(|out| out.write_all(bytes))
}

/// [`print`] for output written piece by piece.
fn print_with(
    write: impl FnOnce(&mut std::io::StdoutLock) -> std::io::Result<()>,
) -> anyhow::Result<bool> {
    let mut stdout = std::io::stdout().lock();
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        other => other
            .map(|()| true)
            .map_err(|e| anyhow::anyhow!("cannot write to standard output: {e}")),
    }
}

/// Warns, before an analysis in memory starts, when it looks too big for this machine's memory: it
/// would be killed for want of memory after minutes of reading, with no word why. `instead`
/// says what to do about it.
fn warn_if_too_big(inputs: &[Input], run: Analyses, instead: &str) {
    let Some(available) = available_memory() else {
        return;
    };
    let text: u64 = inputs
        .iter()
        .filter_map(|input| {
            let bytes = std::fs::metadata(&input.path).ok()?.len();
            // Compressed text: news and books shrink about threefold.
            let gz = input
                .path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
            Some(if gz { bytes.saturating_mul(3) } else { bytes })
        })
        .sum();
    let need = text.saturating_mul(pipeline::memory_per_byte(run));
    if let Some(note) = too_big_note(text, need, available, instead) {
        eprintln!("dedupe: warning: {note}");
    }
}

/// What an analysis too big for memory may do instead.
const NEAR_DUPLICATES_ONLY: &str =
    "`--only near-duplicates` (near-duplicate pairs and clusters) needs a small fraction of that";
const CLEAN_IN_PARTS: &str = "clean the corpus in parts";

/// The warning for an analysis in memory of `text` bytes that needs `need` bytes of memory,
/// with `available`, if it needs more.
fn too_big_note(text: u64, need: u64, available: u64, instead: &str) -> Option<String> {
    let gb = |bytes: u64| format!("{:.1} GB", bytes as f64 / 1e9);
    (need > available).then(|| {
        format!(
            "analysing {} of text may need about {} of memory, more than the {} \
             available, and be stopped for want of it; {instead}",
            gb(text),
            gb(need),
            gb(available)
        )
    })
}

/// Memory this process may still take: the kernel's estimate of what is available, or what is
/// left under the memory limit of its control group (v1 or v2) or of one above it, when that
/// is less (in a container or a systemd slice). `None` off Linux.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let available = line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024;
    let read = |path: &std::path::Path| -> Option<u64> {
        std::fs::read_to_string(path).ok()?.trim().parse().ok()
    };
    // Each group of this process ("0::/path" for v2, "N:...,memory,...:/path" for v1) and the
    // groups above it, up to the root of the hierarchy.
    let groups = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let mut left = available;
    for line in groups.lines() {
        let mut parts = line.splitn(3, ':').skip(1);
        let (Some(controllers), Some(path)) = (parts.next(), parts.next()) else {
            continue;
        };
        let (root, limit, usage) = if controllers.is_empty() {
            ("/sys/fs/cgroup", "memory.max", "memory.current")
        } else if controllers.split(',').any(|c| c == "memory") {
            (
                "/sys/fs/cgroup/memory",
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
            )
        } else {
            continue;
        };
        let mut dir = std::path::Path::new(root).join(path.trim_start_matches('/'));
        loop {
            if let (Some(limit), Some(usage)) = (read(&dir.join(limit)), read(&dir.join(usage))) {
                left = left.min(limit.saturating_sub(usage));
            }
            if dir == std::path::Path::new(root) || !dir.pop() {
                break;
            }
        }
    }
    Some(left)
}

fn run(args: &cli::Args) -> anyhow::Result<Exit> {
    let config = args.config()?;
    init_threads(args.analysis.threads)?;
    // The inputs, listed (stat only) for the checks made before reading them.
    if args.html.is_some() || !config.analyses().streams() {
        let (inputs, _) = dedupe::corpus::inputs(&args.paths, config.read())?;
        if let Some(path) = &args.html {
            refuse_input(path, &inputs)?;
        }
        if !config.analyses().streams() {
            warn_if_too_big(&inputs, config.analyses(), NEAR_DUPLICATES_ONLY);
        }
    }
    let progress = progress_bar();
    let config = config.with_progress(progress.clone().map(|bar| {
        Observer(Arc::new(move |p: Progress| {
            bar.set_message(format!(
                "{}: {} documents, {:.1} MB",
                p.stage,
                p.documents,
                p.bytes as f64 / 1e6
            ));
        }))
    }));
    // The HTML page shows the documents' text, so it needs them kept.
    let (report, diagnostics, docs) = if args.html.is_some() && !config.analyses().streams() {
        pipeline::run_with_documents(&args.paths, &config)?
    } else {
        let (report, diagnostics) = pipeline::run(&args.paths, &config)?;
        (report, diagnostics, Vec::new())
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    for d in &diagnostics {
        eprintln!("dedupe: {d}");
    }
    if let Some(path) = &args.html {
        let page = report::html::render(&report, &docs);
        if page.len() > HTML_WARN_BYTES {
            say(&format!(
                "dedupe: warning: the HTML report {} is {} MB; a browser may take minutes to open \
                 it (fewer documents, or --only, make it smaller)",
                path.display(),
                page.len() >> 20
            ));
        }
        clean::write_output(path, page.as_bytes())?;
    }
    let printed = if args.json {
        print_with(|out| report::json::write(&report, out))?
    } else {
        print(report::text::render_color(&report, args.color.enabled()).as_bytes())?
    };
    if !printed {
        return Ok(Exit::Success);
    }
    Ok(
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            Exit::Error
        } else if args.check && report.has_findings() {
            Exit::Found
        } else {
            Exit::Success
        },
    )
}

fn run_clean(args: &cli::CleanArgs) -> anyhow::Result<Exit> {
    let config = args.analysis.config(Analyses::ALL)?;
    init_threads(args.analysis.threads)?;
    // Clean runs the passage stage only to remove passages.
    let run = Analyses {
        overlaps: args.remove.overlaps,
        ..Analyses::ALL
    };
    warn_if_too_big(
        &dedupe::corpus::inputs(&args.paths, config.read())?.0,
        run,
        CLEAN_IN_PARTS,
    );
    let opts = clean::Options {
        remove: args.remove.clone(),
        drop_duplicates: args.drop_duplicates,
        keep: args.keep.into(),
        out: args.out.clone(),
        manifest: args.manifest.clone(),
        dry_run: args.dry_run,
    };
    let outcome = clean::clean(&args.paths, &config, &opts)?;
    for d in &outcome.diagnostics {
        eprintln!("dedupe: {d}");
    }
    if args.dry_run {
        print(&outcome.diff)?;
    }
    say(&clean_summary(&outcome, &args.out, args.dry_run));
    Ok(
        if outcome
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            Exit::Error
        } else {
            Exit::Success
        },
    )
}

/// The line `clean` ends with: what became of every input, in counts that add up to the
/// inputs (a file dropped as a near-duplicate is one of them, not written).
fn clean_summary(o: &clean::Outcome, out: &Path, dry_run: bool) -> String {
    let mut written = format!(
        "{} changed: {} removed",
        o.files_changed,
        report::count(o.spans_removed, "span", "spans")
    );
    if o.files_copied > 0 {
        written.push_str(&format!("; {} copied unchanged", o.files_copied));
    }
    let files = report::count(o.files, "file", "files");
    let mut parts = vec![if dry_run {
        format!(
            "dry run: of {files}, {} would be written ({written})",
            o.files_written
        )
    } else {
        format!(
            "wrote {} of {files} to {} ({written})",
            o.files_written,
            out.display()
        )
    }];
    let dropped = |n: usize, what: String| {
        let kind = if n == 1 {
            "a near-duplicate"
        } else {
            "near-duplicates"
        };
        format!("{what} dropped as {kind}")
    };
    if o.files_dropped > 0 {
        parts.push(dropped(o.files_dropped, o.files_dropped.to_string()));
    }
    let records = o.documents_dropped.saturating_sub(o.files_dropped);
    if records > 0 {
        parts.push(dropped(
            records,
            report::count(records, "JSONL record", "JSONL records"),
        ));
    }
    let unwritten = o.files.saturating_sub(o.files_written + o.files_dropped);
    if unwritten > 0 {
        parts.push(format!("{unwritten} not written (see above)"));
    }
    parts.push(format!(
        "{} removed in all",
        report::count(o.bytes_removed, "byte", "bytes")
    ));
    parts.push(if dry_run {
        "nothing written".to_string()
    } else {
        format!("manifest {}", o.manifest_path.display())
    });
    format!("dedupe: {}", parts.join("; "))
}

fn run_restore(args: &cli::RestoreArgs) -> anyhow::Result<Exit> {
    let restored = clean::restore(&args.cleaned, args.manifest.as_deref(), &args.out)?;
    say(&format!(
        "dedupe: restored {} to {} from {}",
        report::count(restored.files, "file", "files"),
        args.out.display(),
        restored.manifest_path.display()
    ));
    Ok(Exit::Success)
}

/// Prints a line of the tool's own to stderr, its control characters escaped: it may quote paths
/// from the command line, which can hold them.
fn say(line: &str) {
    eprintln!("{}", report::printable(line));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corpus_too_big_for_memory_is_warned_of() {
        let need = |text: u64, overlaps| {
            let run = Analyses {
                overlaps,
                ..Analyses::ALL
            };
            text * pipeline::memory_per_byte(run)
        };
        // 100 MB of text needs about 1.2 GB.
        let text = 100_000_000;
        assert_eq!(
            too_big_note(text, need(text, true), 2_000_000_000, NEAR_DUPLICATES_ONLY),
            None
        );
        let text = 3_700_000_000;
        let note = too_big_note(text, need(text, true), 24_000_000_000, NEAR_DUPLICATES_ONLY)
            .expect("a warning");
        assert!(
            note.contains("3.7 GB of text may need about 44.4 GB of memory, more than the 24.0 GB"),
            "{note}"
        );
        assert!(note.contains("--only near-duplicates"), "{note}");
        // Without the passage stage, half as much: 22.2 GB fit.
        assert_eq!(
            too_big_note(
                text,
                need(text, false),
                24_000_000_000,
                NEAR_DUPLICATES_ONLY
            ),
            None
        );
    }

    #[test]
    fn the_clean_summary_counts_every_input() {
        // Eight versions of a text, four dropped; a binary file copied; one unreadable.
        let o = clean::Outcome {
            files: 10,
            files_written: 5,
            files_changed: 0,
            files_copied: 1,
            files_dropped: 4,
            documents_dropped: 6,
            bytes_removed: 6748,
            manifest_path: "O/m.json".into(),
            ..clean::Outcome::default()
        };
        assert_eq!(
            clean_summary(&o, Path::new("O"), false),
            "dedupe: wrote 5 of 10 files to O (0 changed: 0 spans removed; 1 copied unchanged); \
             4 dropped as near-duplicates; 2 JSONL records dropped as near-duplicates; \
             1 not written (see above); 6748 bytes removed in all; manifest O/m.json"
        );
        let o = clean::Outcome {
            files: 8,
            files_written: 1,
            files_dropped: 7,
            documents_dropped: 7,
            bytes_removed: 19600,
            ..clean::Outcome::default()
        };
        assert_eq!(
            clean_summary(&o, Path::new("O"), true),
            "dedupe: dry run: of 8 files, 1 would be written (0 changed: 0 spans removed); \
             7 dropped as near-duplicates; 19600 bytes removed in all; nothing written"
        );
    }

    #[test]
    fn exit_codes() {
        assert_eq!(ExitCode::from(Exit::Success), ExitCode::from(0));
        assert_eq!(ExitCode::from(Exit::Found), ExitCode::from(1));
        assert_eq!(ExitCode::from(Exit::Error), ExitCode::from(2));
    }
}
