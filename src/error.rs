//! The crate-wide error type. Messages are written for users and never hold a secret.

use std::path::{Path, PathBuf};

/// Everything that can stop a check from running. Any `Err` becomes exit code 2, so a commit is
/// never let through because of one.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Values quoted in the message are redacted when shown (see [`redact_quoted`]): a key
    /// pasted into a config file is not printed back whole.
    #[error("{}:{line}:{column}: {}", path.display(), redact_quoted(message))]
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

/// `message` with each quoted value (in backticks or double quotes) redacted unless it is plainly
/// not a secret: a short word of lower-case letters, `_`, `-`, `.` and spaces (config keys, rule
/// ids, type names) or three characters at most. A redacted value keeps at most 4 characters,
/// and at most a quarter of it, as findings do.
pub fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest[open..].chars().next().expect("found");
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else {
            break;
        };
        out.push_str(&rest[..=open]);
        out.push_str(&redact_value(&after[..close]));
        out.push(quote);
        rest = &after[close + 1..];
    }
    // An unclosed quote: the rest is a value too.
    if let Some(open) = rest.find(['`', '"']) {
        out.push_str(&rest[..=open]);
        out.push_str(&redact_value(&rest[open + 1..]));
    } else {
        out.push_str(rest);
    }
    out
}

fn redact_value(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let plain = chars.len() <= 24
        && chars
            .iter()
            .all(|c| c.is_ascii_lowercase() || matches!(c, '_' | '-' | '.' | ' '));
    if plain || chars.len() <= 3 {
        return value.to_string();
    }
    let total = (chars.len() / 4).min(4);
    let (head, tail) = (total - total / 2, total / 2);
    let head: String = chars[..head].iter().collect();
    let tail: String = chars[chars.len() - tail..].iter().collect();
    format!("{head}…{tail}")
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
    fn quoted_values_are_redacted_and_names_kept() {
        let cases = [
            (
                "disable: unknown rule id `AKIAIOSFODNN7EXAMPLE` (see `keygate rules`)",
                "disable: unknown rule id `AK…LE` (see `keygate rules`)",
            ),
            (
                "unknown field `Xabcdefghij`, expected one of `exclude`, `disable`",
                "unknown field `X…j`, expected one of `exclude`, `disable`",
            ),
            (
                "invalid type: string \"ABCDEFGHIJKL\"",
                "invalid type: string \"AB…L\"",
            ),
            ("unclosed `(abcdefgh", "unclosed `(…h"),
            ("no quotes here", "no quotes here"),
            ("expected `\"`", "expected `\"`"),
        ];
        for (message, want) in cases {
            assert_eq!(redact_quoted(message), want, "{message}");
        }
    }

    #[test]
    fn line_column_table() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 3));
    }
}
