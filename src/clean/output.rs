//! Output paths, checked before anything is written, and atomic writes.

use super::manifest::{Digest, Hasher};
use crate::corpus::{self, Input};
use crate::error::{Error, Result};
use std::collections::HashSet;
use std::fs;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Paths.

/// `path` made absolute, component by component: each prefix that exists is resolved
/// physically (symbolic links, `..`), the rest lexically.
fn resolve(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut cur = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                cur.pop();
            }
            other => {
                cur.push(other);
                if let Ok(real) = fs::canonicalize(&cur) {
                    cur = real;
                }
            }
        }
    }
    cur
}

/// Refuses an output location inside an input, or an input inside it.
pub(super) fn check_outside(out: &Path, what: &str, inputs: &[(PathBuf, PathBuf)]) -> Result<()> {
    let out_r = resolve(out);
    for (given, canon) in inputs {
        let refuse = |msg: String| {
            Err(Error::Io {
                path: out.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, msg),
            })
        };
        if out_r.starts_with(canon) {
            return refuse(format!(
                "refusing to write: {what} is inside the input {} (choose a location outside every input)",
                given.display()
            ));
        }
        if canon.starts_with(&out_r) {
            return refuse(format!(
                "refusing to write: {what} contains the input {} (choose a location outside every input)",
                given.display()
            ));
        }
    }
    Ok(())
}

/// Refuses, before anything is written, an output tree that would write through a symbolic link
/// to a directory (see [`create_parent_under`]) or put the manifest where a cleaned file goes
/// (`--manifest` naming one, or an input named like the manifest): that file would be lost.
pub(super) fn check_output_tree(out: &Path, rel_paths: &[PathBuf], manifest: &Path) -> Result<()> {
    let refuse = |path: &Path, msg: &str| {
        Err(io_err(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, msg.to_string()),
        ))
    };
    let mut dirs: HashSet<&Path> = HashSet::new();
    for rel in rel_paths {
        dirs.extend(
            rel.ancestors()
                .skip(1)
                .filter(|d| !d.as_os_str().is_empty()),
        );
    }
    let mut dirs: Vec<&Path> = dirs.into_iter().collect();
    dirs.sort();
    for dir in dirs {
        let dir = out.join(dir);
        if fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return refuse(
                &dir,
                "refusing to write: a symbolic link in --out; nothing is written through links \
                 there (remove it, or choose another --out)",
            );
        }
    }
    // A cleaned file is renamed into place (over a link, not through it); the manifest is
    // written through links.
    let manifest = resolve(manifest);
    let lands_on_manifest = |rel: &&PathBuf| {
        let path = out.join(rel);
        rel.file_name() == manifest.file_name()
            && resolve(dir_of(&path)).join(rel.file_name().unwrap_or_default()) == manifest
    };
    if let Some(rel) = rel_paths.iter().find(lands_on_manifest) {
        return refuse(
            &out.join(rel),
            "refusing to write: the manifest would replace this cleaned file (choose another \
             --manifest, or another --out)",
        );
    }
    Ok(())
}

pub(super) fn io_err(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Relative output path of every input: inputs are mirrored below the deepest directory that
/// holds every path argument (a directory argument, or a file argument's directory). Then that
/// of every alias (another path to an input), `None` where it is an input's own (`dir` and
/// `./dir`).
pub(super) fn relative_paths(
    args: &[PathBuf],
    inputs: &[Input],
    aliases: &[corpus::Alias],
) -> Result<(Vec<PathBuf>, Vec<Option<PathBuf>>)> {
    let mut anchors: Vec<(PathBuf, PathBuf, bool)> = Vec::new(); // (given, anchor, is_dir)
    for a in args {
        let canon = fs::canonicalize(a).map_err(|e| io_err(a, e))?;
        if canon.is_dir() {
            anchors.push((a.clone(), canon, true));
        } else {
            let parent = canon.parent().map(Path::to_path_buf).unwrap_or_default();
            anchors.push((a.clone(), parent, false));
        }
    }
    let mut base = anchors.first().map(|a| a.1.clone()).unwrap_or_default();
    for (_, anchor, _) in &anchors {
        while !anchor.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    let rel_of = |p: &Path| -> PathBuf {
        let found = anchors.iter().find_map(|(given, anchor, is_dir)| {
            let below = if *is_dir {
                p.strip_prefix(given).ok()?.to_path_buf()
            } else if p == given {
                PathBuf::from(p.file_name()?)
            } else {
                return None;
            };
            Some(anchor.strip_prefix(&base).ok()?.join(below))
        });
        let rel = found.unwrap_or_else(|| PathBuf::from(p.file_name().unwrap_or(p.as_os_str())));
        rel.components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect()
    };
    let mut out = Vec::with_capacity(inputs.len());
    let mut seen = HashSet::new();
    for input in inputs {
        let rel = rel_of(&input.path);
        if !seen.insert(rel.clone()) {
            return Err(io_err(
                &input.path,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("two inputs would be written to {}", rel.display()),
                ),
            ));
        }
        out.push(rel);
    }
    let aliases = aliases
        .iter()
        .map(|(_, alias)| {
            let rel = rel_of(&alias.path);
            seen.insert(rel.clone()).then_some(rel)
        })
        .collect();
    Ok((out, aliases))
}

/// Writes `bytes` to `path` atomically: a hidden temporary file in the same directory, flushed
/// to disk, then renamed over `path` (over a symbolic link too, never through it). An
/// interruption leaves at most a hidden `.NAME.dedupe-tmp-*` file, never a half-written `path`.
/// The directory must exist.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be written.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |f| f.write_all(bytes).map_err(|e| io_err(path, e)))
}

/// [`write_atomically`] with the content written by `fill` into the temporary file; when `fill`
/// fails, the temporary file is removed and `path` left as it was.
pub(super) fn write_atomically_with<T>(
    path: &Path,
    fill: impl FnOnce(&mut fs::File) -> Result<T>,
) -> Result<T> {
    let tmp = temporary_beside(path, "tmp");
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| io_err(path, e))?;
        let made = fill(&mut f)?;
        f.sync_all().map_err(|e| io_err(path, e))?;
        drop(f);
        fs::rename(&tmp, path).map_err(|e| io_err(path, e))?;
        Ok(made)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Copies `from` (opened as `src`) into `dst` and returns the digest of the bytes copied: a file
/// the analysis skipped may be large, so it streams instead of being read whole.
pub(super) fn copy_hashing(
    from: &Path,
    src: &mut impl Read,
    to: &Path,
    dst: &mut impl Write,
) -> Result<Digest> {
    let mut hasher = Hasher::default();
    let mut buf = vec![0; 64 << 10];
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => return Ok(hasher.digest()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err(from, e)),
        };
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n]).map_err(|e| io_err(to, e))?;
    }
}

/// Writes a file the user named (`--html`, `--manifest`): through a symbolic link to its
/// target, atomically; into a device, a pipe, or anything reached through `/dev` or `/proc`
/// (`/dev/null`, `/dev/stdout`), in place, never replacing it.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be written.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    // This process's own standard output: through its handle, in order with what else is
    // printed there (a descriptor opened anew would write from the start of a redirected file).
    if ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]
        .iter()
        .any(|name| path == Path::new(name))
    {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(|e| io_err(path, e));
    }
    match resolve_output(path).map_err(|e| io_err(path, e))? {
        Output::InPlace(target) => fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| io_err(path, e)),
        Output::Replace(target) => write_atomically(&target, bytes),
    }
}

/// How a file the user named is written.
enum Output {
    /// Into the file as it is: a device, a pipe, a descriptor.
    InPlace(PathBuf),
    /// Atomically, at this path (the named one with its symbolic links followed).
    Replace(PathBuf),
}

/// How to write `path`: its symbolic links followed (also when the last one dangles, so the
/// file is made where the link points).
fn resolve_output(path: &Path) -> std::io::Result<Output> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        if path.starts_with("/dev") || path.starts_with("/proc") {
            return Ok(Output::InPlace(path));
        }
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                // Relative to the link's directory; `join` keeps an absolute target as it is.
                path = dir_of(&path).join(fs::read_link(&path)?);
            }
            Ok(meta) if !meta.is_file() && !meta.is_dir() => return Ok(Output::InPlace(path)),
            _ => return Ok(Output::Replace(path)),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// A hidden name for a temporary file beside `path`, unique in this process.
fn temporary_beside(path: &Path, what: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    dir_of(path).join(format!(
        ".{name}.dedupe-{what}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Creates the directories of the manifest's place and fails as [`write_output`] would there
/// (a directory, a read-only one), writing nothing but a temporary file, removed at once.
pub(super) fn prepare_output(path: &Path) -> Result<()> {
    let target = match resolve_output(path).map_err(|e| io_err(path, e))? {
        Output::InPlace(_) => return Ok(()),
        Output::Replace(target) => target,
    };
    if target.is_dir() {
        return Err(io_err(path, std::io::Error::other("is a directory")));
    }
    create_parent(&target)?;
    let probe = temporary_beside(&target, "probe");
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| io_err(path, e))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// The directory `path` is in (`.` for a bare name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Creates the directory `path` goes in (the output tree mirrors the inputs').
fn create_parent(path: &Path) -> Result<()> {
    let dir = dir_of(path);
    fs::create_dir_all(dir).map_err(|e| io_err(dir, e))
}

/// Creates the directories between `root` (the output directory, made already) and `target`, a
/// file in it, refusing to go through a symbolic link: a link under `--out` to a directory of
/// the inputs (left by an earlier job, say) had the cleaned copy written over the input.
pub(super) fn create_parent_under(root: &Path, target: &Path) -> Result<()> {
    let rel = target.strip_prefix(root).unwrap_or(target);
    let mut dir = root.to_path_buf();
    for part in rel.parent().into_iter().flat_map(Path::components) {
        dir.push(part);
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(io_err(
                    &dir,
                    std::io::Error::other(
                        "is a symbolic link; nothing is written through links in the output \
                         directory (remove it, or choose another --out)",
                    ),
                ))
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir(&dir).or_else(|e| {
                    // Made meanwhile by another worker.
                    if dir.is_dir() && !dir.is_symlink() {
                        Ok(())
                    } else {
                        Err(io_err(&dir, e))
                    }
                })?;
            }
            Err(e) => return Err(io_err(&dir, e)),
        }
    }
    Ok(())
}

pub(super) fn read_content(path: &Path, gz: bool) -> std::io::Result<Vec<u8>> {
    if gz {
        let mut out = Vec::new();
        corpus::GzStream::new(fs::File::open(path)?).read_to_end(&mut out)?;
        Ok(out)
    } else {
        fs::read(path)
    }
}

pub(super) fn encode_content(bytes: &[u8], gz: bool) -> std::io::Result<Vec<u8>> {
    if gz {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes)?;
        enc.finish()
    } else {
        Ok(bytes.to_vec())
    }
}
