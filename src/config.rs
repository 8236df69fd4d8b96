//! `.keygate.toml`: schema, loading with file:line:column errors, and validation against the
//! known rule ids so that a typo can never silently turn a check off.

use crate::error::{Error, Result};
use crate::finding::Severity;
use crate::rules::RuleSpec;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".keygate.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Globs (relative to the repository root) of files never scanned for secrets.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Rule ids turned off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Per-rule severity overrides.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub allow: Allow,
    #[serde(default)]
    pub env: EnvConfig,
    /// Custom rules, in the same shape as the built-in catalog.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// Where the config came from, for error messages.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// Regexes: a secret (or its line) that one matches is not reported.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Words: a secret containing one is not reported.
    #[serde(default)]
    pub stopwords: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvConfig {
    /// Globs naming `.env` files; replaces the default list when set.
    #[serde(default)]
    pub files: Option<Vec<String>>,
    /// Globs naming templates that may be tracked; replaces the default list when set.
    #[serde(default)]
    pub templates: Option<Vec<String>>,
    /// Variable-name prefixes that bundlers inline into client code; replaces the default list.
    #[serde(default)]
    pub client_prefixes: Option<Vec<String>>,
}

impl Config {
    /// Reads and parses a config file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut config: Config = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
        for rule in &mut config.rules {
            rule.family = "custom".into();
        }
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// `--config FILE` when given, else `.keygate.toml` in `root` when present, else defaults.
    pub fn discover(explicit: Option<&Path>, root: Option<&Path>) -> Result<Config> {
        match (explicit, root) {
            (Some(path), _) => Config::load(path),
            (None, Some(root)) if root.join(FILE_NAME).is_file() => {
                Config::load(&root.join(FILE_NAME))
            }
            _ => Ok(Config::default()),
        }
    }

    /// A config error about the file as a whole (no position in it).
    pub fn error(&self, message: String) -> Error {
        Error::Config {
            path: self.source.clone().unwrap_or_else(|| FILE_NAME.into()),
            line: 1,
            column: 1,
            message,
        }
    }

    /// The exclude globs, compiled.
    pub fn excludes(&self) -> Result<GlobSet> {
        let mut builder = GlobSetBuilder::new();
        for pattern in &self.exclude {
            let glob = Glob::new(pattern)
                .map_err(|e| self.error(format!("exclude pattern `{pattern}`: {e}")))?;
            builder.add(glob);
        }
        builder
            .build()
            .map_err(|e| self.error(format!("exclude patterns: {e}")))
    }
}

/// Turns a TOML parse error into a config error with 1-based line and column.
pub fn toml_error(path: &Path, text: &str, err: &toml::de::Error) -> Error {
    let (line, column) = err
        .span()
        .map(|span| line_column(text, span.start))
        .unwrap_or((1, 1));
    Error::Config {
        path: path.to_path_buf(),
        line,
        column,
        message: err.message().to_string(),
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
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

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "exclude = []\ndisabel = [\"x\"]\n").unwrap();
        match Config::load(&path) {
            Err(Error::Config {
                line,
                column,
                message,
                ..
            }) => {
                assert_eq!((line, column), (2, 1));
                assert!(message.contains("disabel"), "{message}");
            }
            other => panic!("expected a config error, got {other:?}"),
        }
    }
}
