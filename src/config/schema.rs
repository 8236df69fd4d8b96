//! The `.keygate.toml` schema as serde structs (`deny_unknown_fields`, so that a misspelt key is
//! an error), and errors placed in the file a config came from.

use super::positions::{Pos, Positions};
use crate::error::Error;
use crate::finding::Severity;
use crate::rules::RuleSpec;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

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
    #[serde(default)]
    pub credentials: CredentialsConfig,
    /// Custom rules, in the same shape as the built-in catalog.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// Where the config came from, for error messages.
    #[serde(skip)]
    pub source: Option<PathBuf>,
    /// Things to tell the user about how the config was read (e.g. taken from `.gitleaks.toml`).
    #[serde(skip)]
    pub notes: Vec<String>,
    /// Where each value sits in the source file, for errors found after parsing.
    #[serde(skip)]
    pub(crate) positions: Positions,
    /// The config file itself, relative to the repository root, when it holds custom rules: their
    /// examples match by design, so the file is not scanned for secrets.
    #[serde(skip)]
    pub(crate) self_path: Option<String>,
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
    /// Regexes over the file path (relative to the repository root, `/` separators): findings in
    /// a matching file are not reported. `exclude` globs are cheaper (files are not even read).
    #[serde(default)]
    pub paths: Vec<String>,
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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsConfig {
    /// Globs naming more credential files (any content is a credential); they extend the
    /// built-in list. A glob without `/` matches the file name in any folder, one with `/` the
    /// path from the repository root.
    #[serde(default)]
    pub files: Vec<String>,
}

impl Config {
    /// A config error that no one value is at fault for: placed at the start of the file.
    pub fn error(&self, message: String) -> Error {
        self.error_at(None, message)
    }

    /// A config error at `pos` (the start of the file when unknown).
    pub fn error_at(&self, pos: Option<Pos>, message: String) -> Error {
        let (line, column) = pos.unwrap_or((1, 1));
        Error::Config {
            path: self.source.clone().unwrap_or_else(|| FILE_NAME.into()),
            line,
            column,
            message,
        }
    }
}
