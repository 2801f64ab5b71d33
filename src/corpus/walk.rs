//! Finding the inputs: path arguments expanded into the files to read, directories walked.

use super::{diag, Diagnostic, Input, ReadOptions, Severity};
use crate::error::{Error, Result};
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What tells two paths to one file apart from two files: device and inode.
type FileId = Option<(u64, u64)>;

#[cfg(unix)]
fn file_id(meta: &fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    // Some file systems report no inode numbers: then no two paths are taken for one file.
    (meta.ino() != 0).then(|| (meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_meta: &fs::Metadata) -> FileId {
    None
}

/// Expands path arguments into the files to read, sorted by path, without duplicates: a file
/// reached by two paths (`dir` and `./dir`, a symlink, a hard link) is read once, under the first
/// path, with a warning.
///
/// # Errors
///
/// [`Error::NotFound`] when a path argument does not exist. A path that exists but cannot be
/// followed (a dangling or looping symlink) or is not a regular file or directory (a FIFO, a
/// device) is an error diagnostic instead, and the other paths are read.
pub fn inputs(paths: &[PathBuf], opts: &ReadOptions) -> Result<(Vec<Input>, Vec<Diagnostic>)> {
    inputs_and_aliases(paths, opts).map(|(inputs, _, diags)| (inputs, diags))
}

/// Another path to one of the [`inputs`]: the input's index, and the path.
pub type Alias = (usize, Input);

/// [`inputs`], and the other paths to them: `clean` writes a copy under each.
///
/// # Errors
///
/// As [`inputs`].
pub fn inputs_and_aliases(
    paths: &[PathBuf],
    opts: &ReadOptions,
) -> Result<(Vec<Input>, Vec<Alias>, Vec<Diagnostic>)> {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            // The name exists (a symlink) but does not lead to a file.
            Err(e) if fs::symlink_metadata(path).is_ok() => {
                diags.push(diag(
                    path,
                    None,
                    Severity::Error,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
            Err(_) => return Err(Error::NotFound(path.clone())),
        };
        if meta.is_dir() {
            let mut ancestors = HashSet::new();
            walk(path, &mut ancestors, &mut files, &mut diags);
        } else if meta.is_file() {
            files.push((path.clone(), file_id(&meta)));
        } else {
            // Reading a FIFO would wait for a writer, a device may never end.
            diags.push(diag(
                path,
                None,
                Severity::Error,
                "not a regular file (a FIFO, socket or device), not read (save it to a file first)"
                    .into(),
            ));
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    let mut first = ahash::AHashMap::<(u64, u64), usize>::new();
    let mut kept: Vec<PathBuf> = Vec::with_capacity(files.len());
    let mut aliases = Vec::new();
    let input = |path: PathBuf| {
        let jsonl = opts.force_jsonl || is_jsonl_name(&path);
        Input { path, jsonl }
    };
    for (path, id) in files {
        match id.and_then(|id| first.get(&id).copied()) {
            Some(i) => {
                diags.push(diag(
                    &path,
                    None,
                    Severity::Warning,
                    format!(
                        "same file as {}, read once under that name",
                        kept[i].display()
                    ),
                ));
                // Read as the file was read under its first path, whatever this one is named.
                let jsonl = opts.force_jsonl || is_jsonl_name(&kept[i]);
                aliases.push((i, Input { path, jsonl }));
            }
            None => {
                if let Some(id) = id {
                    first.insert(id, kept.len());
                }
                kept.push(path);
            }
        }
    }
    let inputs = kept.into_iter().map(input).collect();
    Ok((inputs, aliases, diags))
}

/// True for `.jsonl`, `.ndjson`, and either followed by `.gz`.
pub fn is_jsonl_name(path: &Path) -> bool {
    let name = path.to_string_lossy().to_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.ends_with(".jsonl") || name.ends_with(".ndjson")
}

/// What tells a directory apart from the others on the way down: its device and inode, else
/// (on file systems without inode numbers) its canonical path. Device and inode come with one
/// `stat`; a canonical path takes a `readlink` per level, which made walking a tree 500 levels
/// deep take 3.6 s.
#[derive(Clone, PartialEq, Eq, Hash)]
enum DirKey {
    Id(u64, u64),
    Path(PathBuf),
}

fn dir_key(dir: &Path) -> io::Result<DirKey> {
    match file_id(&fs::metadata(dir)?) {
        Some((dev, ino)) => Ok(DirKey::Id(dev, ino)),
        None => fs::canonicalize(dir).map(DirKey::Path),
    }
}

fn walk(
    dir: &Path,
    ancestors: &mut HashSet<DirKey>,
    files: &mut Vec<(PathBuf, FileId)>,
    diags: &mut Vec<Diagnostic>,
) {
    let cannot_read = |e: io::Error| {
        diag(
            dir,
            None,
            Severity::Error,
            format!("cannot read directory: {e}"),
        )
    };
    let canonical = match dir_key(dir) {
        Ok(c) => c,
        Err(e) => {
            diags.push(cannot_read(e));
            return;
        }
    };
    if !ancestors.insert(canonical.clone()) {
        diags.push(diag(
            dir,
            None,
            Severity::Warning,
            "directory link loop, not followed".into(),
        ));
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(cannot_read(e));
            ancestors.remove(&canonical);
            return;
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => names.push(e.file_name()),
            Err(e) => diags.push(diag(
                dir,
                None,
                Severity::Error,
                format!("cannot read a directory entry: {e}"),
            )),
        }
    }
    names.sort();
    for name in names {
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = dir.join(&name);
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, ancestors, files, diags),
            Ok(m) if m.is_file() => files.push((path, file_id(&m))),
            Ok(_) => diags.push(diag(
                &path,
                None,
                Severity::Warning,
                "not a regular file (a FIFO, socket or device), skipped".into(),
            )),
            Err(e) => diags.push(diag(
                &path,
                None,
                Severity::Error,
                format!("cannot read: {e}"),
            )),
        }
    }
    ancestors.remove(&canonical);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_under_two_paths_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), "words").unwrap();
        let link = dir.path().join("b.txt");
        #[cfg(unix)]
        std::os::unix::fs::symlink("a.txt", &link).unwrap();
        #[cfg(not(unix))]
        fs::hard_link(dir.path().join("a.txt"), &link).unwrap();
        let (inputs, diags) = inputs(&[dir.path().to_path_buf()], &ReadOptions::default()).unwrap();
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].path, dir.path().join("a.txt"));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].path, link.display().to_string());
        assert!(diags[0].message.starts_with("same file as "), "{diags:?}");
    }
}
