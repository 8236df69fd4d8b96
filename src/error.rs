//! The crate-wide error type. Messages are written for users and never hold a secret.

use std::path::PathBuf;

/// Everything that can stop a check from running. Any `Err` becomes exit code 2, so a commit is
/// never let through because of one.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}:{line}:{column}: {message}")]
    Config {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("git {op} failed: {source}")]
    Git {
        op: &'static str,
        #[source]
        source: git2::Error,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("rule {id}: {message}")]
    Rule { id: String, message: String },
    #[error("{} is not inside a Git repository{hint}", path.display())]
    NotARepository { path: PathBuf, hint: &'static str },
    #[error("{0}")]
    Usage(String),
    #[error("could not check {count} file(s); first: {first}")]
    Unreadable { count: usize, first: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn git(op: &'static str) -> impl FnOnce(git2::Error) -> Self {
        move |source| Error::Git { op, source }
    }
}
