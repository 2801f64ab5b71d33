//! The `dedupe` binary: arguments in, report out, exit code from what happened.

mod cli;

use clap::Parser;
use dedupe::{pipeline, report, Severity};
use std::io::Write;
use std::process::ExitCode;

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

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match run(&args) {
        Ok(exit) => exit.into(),
        Err(err) => {
            eprintln!("dedupe: {err:#}");
            Exit::Error.into()
        }
    }
}

fn run(args: &cli::Args) -> anyhow::Result<Exit> {
    let config = args.config()?;
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()?;
    }
    let (report, diagnostics) = pipeline::run(&args.paths, &config)?;
    for d in &diagnostics {
        eprintln!("dedupe: {d}");
    }
    let out = if args.json {
        report::json::render(&report)
    } else {
        report::text::render(&report)
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A closed pipe (`dedupe … | head`) is not an error, as for every Unix filter.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(Exit::Success),
        other => other?,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(ExitCode::from(Exit::Success), ExitCode::from(0));
        assert_eq!(ExitCode::from(Exit::Found), ExitCode::from(1));
        assert_eq!(ExitCode::from(Exit::Error), ExitCode::from(2));
    }
}
