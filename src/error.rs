//! The library's error type.

use std::fmt;
use std::path::PathBuf;

/// What went wrong, with the offending value in the message.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A path given on the command line does not exist.
    NotFound(PathBuf),
    /// An I/O error on a path.
    Io {
        /// The path being read or written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A setting is out of range.
    Config(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `-` is no file: standard input is not read.
            Error::NotFound(path) if path.as_os_str() == "-" => {
                f.write_str("-: no such file (standard input is not read: save it to a file first)")
            }
            Error::NotFound(path) => write!(f, "{}: no such file or directory", path.display()),
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::Config(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, Error>;
