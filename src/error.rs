//! The crate-wide error type. Messages are written for users and never hold a secret.

use std::path::{Path, PathBuf};

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

impl Error {
    /// A TOML parse error in `path` (whose text is `text`), with 1-based line and column.
    pub fn toml(path: &Path, text: &str, err: &toml::de::Error) -> Self {
        let (line, column) = err
            .span()
            .map(|span| line_column(text, span.start))
            .unwrap_or((1, 1));
        Error::Config {
            path: path.to_path_buf(),
            line,
            column,
            message: err.message().trim().to_string(),
        }
    }
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_table() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 3));
    }
}
