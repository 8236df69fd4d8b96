//! `.keygate.toml`: schema, loading with file:line:column errors, and validation of every value
//! (globs, regexes, rule ids, custom rules and their examples) at load, so that a typo can never
//! silently turn a check off. A repository with a `.gitleaks.toml` and no `.keygate.toml` gets
//! the equivalent config read from it (see [`gitleaks`]).

pub mod gitleaks;

use crate::error::{line_column, Error, Result};
use crate::finding::Severity;
use crate::rules::{Rule, RuleSpec};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

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

/// A 1-based line and column in the config file.
pub type Pos = (usize, usize);

/// Positions of the values that are validated after parsing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Positions {
    pub exclude: Vec<Pos>,
    pub disable: Vec<Pos>,
    pub severity: BTreeMap<String, Pos>,
    pub allow_regexes: Vec<Pos>,
    pub allow_stopwords: Vec<Pos>,
    pub allow_paths: Vec<Pos>,
    pub env_files: Vec<Pos>,
    pub env_templates: Vec<Pos>,
    pub env_client_prefixes: Vec<Pos>,
    pub rules: Vec<RulePositions>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RulePositions {
    pub id: Option<Pos>,
    pub pattern: Option<Pos>,
    pub keywords: Option<Pos>,
    pub validator: Option<Pos>,
    pub examples: Vec<Pos>,
    pub negative_examples: Vec<Pos>,
    /// The `examples` array itself (for a rule whose list is empty).
    pub examples_list: Option<Pos>,
}

/// The same document again, keeping only where each validated value is.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SpanDoc {
    exclude: Vec<Spanned<String>>,
    disable: Vec<Spanned<String>>,
    severity: BTreeMap<Spanned<String>, toml::Value>,
    allow: SpanAllow,
    env: SpanEnv,
    rules: Vec<SpanRule>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpanAllow {
    regexes: Vec<Spanned<String>>,
    stopwords: Vec<Spanned<String>>,
    paths: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpanEnv {
    files: Vec<Spanned<String>>,
    templates: Vec<Spanned<String>>,
    client_prefixes: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpanRule {
    id: Option<Spanned<String>>,
    pattern: Option<Spanned<String>>,
    keywords: Option<Spanned<toml::Value>>,
    validator: Option<Spanned<String>>,
    examples: Option<Spanned<Vec<Spanned<String>>>>,
    negative_examples: Vec<Spanned<String>>,
}

impl Config {
    /// Reads, parses and validates a config file: every key is known, every glob and regex
    /// compiles, every rule id exists. The custom rules are compiled and their examples run
    /// through the real engine right after, by [`Config::compile_rules`] (once per check);
    /// its errors are placed at the value at fault by [`Config::error`].
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Config::parse_str(path, &text)
    }

    /// [`Config::load`] on text already read; `path` names it in errors.
    pub fn parse_str(path: &Path, text: &str) -> Result<Config> {
        let mut config: Config = toml::from_str(text).map_err(|e| Error::toml(path, text, &e))?;
        for rule in &mut config.rules {
            rule.family = "custom".into();
        }
        config.source = Some(path.to_path_buf());
        let spans: SpanDoc = toml::from_str(text).map_err(|e| Error::toml(path, text, &e))?;
        config.positions = positions(text, spans);
        config.validate()?;
        Ok(config)
    }

    /// `--config FILE` when given; else `.keygate.toml` in `root` when present; else the rules
    /// and allowlists of `.gitleaks.toml` in `root` (with a note saying so); else defaults.
    pub fn discover(explicit: Option<&Path>, root: Option<&Path>) -> Result<Config> {
        let mut config = match (explicit, root) {
            (Some(path), _) => Config::load(path)?,
            (None, Some(root)) if root.join(FILE_NAME).is_file() => {
                Config::load(&root.join(FILE_NAME))?
            }
            (None, Some(root)) if root.join(gitleaks::FILE_NAME).is_file() => {
                let config = gitleaks::read(root)?;
                config.validate()?;
                config
            }
            _ => Config::default(),
        };
        if let (Some(source), Some(root), false) = (&config.source, root, config.rules.is_empty()) {
            if source.file_name().is_some_and(|n| n != gitleaks::FILE_NAME) {
                let abs = source.canonicalize().ok();
                config.self_path = abs
                    .as_deref()
                    .and_then(|a| a.strip_prefix(root).ok())
                    .map(crate::git::display_path);
            }
        }
        Ok(config)
    }

    /// A config error; a problem with a custom rule (`rule ID: ...`) is placed at the value at
    /// fault, anything else at the start of the file.
    pub fn error(&self, message: String) -> Error {
        self.error_at(self.position_of(&message), message)
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

    /// The exclude globs, compiled (plus the config file itself when it holds custom rules).
    pub fn excludes(&self) -> Result<GlobSet> {
        let mut builder = GlobSetBuilder::new();
        for (i, pattern) in self.exclude.iter().enumerate() {
            builder.add(self.glob("exclude", pattern, self.positions.exclude.get(i))?);
        }
        if let Some(own) = &self.self_path {
            builder.add(Glob::new(&globset::escape(own)).map_err(|e| self.error(e.to_string()))?);
        }
        builder
            .build()
            .map_err(|e| self.error(format!("exclude patterns: {e}")))
    }

    fn glob(&self, key: &str, pattern: &str, pos: Option<&Pos>) -> Result<Glob> {
        Glob::new(pattern).map_err(|e| {
            self.error_at(
                pos.copied(),
                format!("{key}: invalid glob `{pattern}`: {}", e.kind()),
            )
        })
    }

    /// Compiles every glob and regex and checks every rule id, with the position of the first bad
    /// value.
    fn validate(&self) -> Result<()> {
        let p = &self.positions;
        self.excludes()?;
        let env = &self.env;
        for (key, list, pos) in [
            ("env.files", &env.files, &p.env_files),
            ("env.templates", &env.templates, &p.env_templates),
        ] {
            for (i, pattern) in list.iter().flatten().enumerate() {
                self.glob(key, pattern, pos.get(i))?;
            }
        }
        for (i, prefix) in env.client_prefixes.iter().flatten().enumerate() {
            if prefix.is_empty()
                || !prefix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(self.error_at(
                    p.env_client_prefixes.get(i).copied(),
                    format!("env.client_prefixes: `{prefix}` is not a variable-name prefix (letters, digits, `_`)"),
                ));
            }
        }
        for (i, re) in self.allow.regexes.iter().enumerate() {
            regex::bytes::Regex::new(re).map_err(|e| {
                self.error_at(
                    p.allow_regexes.get(i).copied(),
                    format!("allow.regexes: invalid regex: {}", one_line(&e)),
                )
            })?;
        }
        for (i, re) in self.allow.paths.iter().enumerate() {
            regex::Regex::new(re).map_err(|e| {
                self.error_at(
                    p.allow_paths.get(i).copied(),
                    format!("allow.paths: invalid regex: {}", one_line(&e)),
                )
            })?;
        }
        for (i, word) in self.allow.stopwords.iter().enumerate() {
            if word.trim().is_empty() {
                return Err(self.error_at(
                    p.allow_stopwords.get(i).copied(),
                    "allow.stopwords: an empty stopword would allow every secret".into(),
                ));
            }
        }
        let known = |id: &str| {
            crate::rules::is_builtin_id(id)
                || self.rules.iter().any(|r| r.id == id)
                || crate::rules::env::is_env_rule(id)
        };
        for (i, id) in self.disable.iter().enumerate() {
            if !known(id) {
                return Err(self.error_at(
                    p.disable.get(i).copied(),
                    format!("disable: unknown rule id `{id}` (see `keygate rules` for the list)"),
                ));
            }
        }
        for id in self.severity.keys() {
            if !known(id) {
                return Err(self.error_at(
                    p.severity.get(id).copied(),
                    format!("severity: unknown rule id `{id}` (see `keygate rules` for the list)"),
                ));
            }
        }
        Ok(())
    }

    /// Compiles the custom rules and runs their examples through the real engine; the first
    /// problem is the error, at the position of the value at fault. (A check does the same work
    /// in [`Config::compile_rules`], whose errors [`Config::error`] positions alike.)
    pub fn check_rules(&self) -> Result<()> {
        match self.rule_problems().into_iter().next() {
            Some((pos, message)) => Err(self.error_at(pos, message)),
            None => Ok(()),
        }
    }

    /// Every problem with the custom rules, each with the position of the value at fault: rules
    /// that do not compile, duplicate ids, and examples the engine does not report as the rule
    /// says (or near misses that it does).
    pub fn rule_problems(&self) -> Vec<(Option<Pos>, String)> {
        let mut problems = Vec::new();
        let mut ids: Vec<&str> = crate::rules::builtin_specs()
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        let mut compiled = Vec::new();
        for spec in &self.rules {
            let result =
                if ids.contains(&spec.id.as_str()) || crate::rules::env::is_env_rule(&spec.id) {
                    Err(crate::Error::Rule {
                        id: spec.id.clone(),
                        message: "duplicate rule id (a built-in or earlier rule has it)".into(),
                    })
                } else {
                    ids.push(&spec.id);
                    crate::rules::Rule::compile(spec.clone())
                        .map_err(crate::rules::RuleError::into_error)
                };
            match result {
                Ok(rule) => compiled.push(rule),
                Err(e) => {
                    let message = e.to_string();
                    problems.push((self.position_of(&message), message));
                }
            }
        }
        if compiled.is_empty() {
            return problems;
        }
        // All built-ins plus the custom rules that compiled, so that overlaps apply as in a check.
        let mut rules = match crate::rules::compile_all(&[]) {
            Ok(rules) => rules,
            Err(e) => return vec![(None, e.to_string())],
        };
        let first = rules.len();
        rules.extend(compiled);
        for problem in crate::engine::examples::check_examples(&rules, first..rules.len()) {
            let problem = problem.to_string();
            problems.push((self.position_of(&problem), problem));
        }
        problems
    }

    /// Where the value at fault in a rule problem (`rule ID: detail`, as [`crate::Error::Rule`]
    /// and [`crate::engine::examples::check_examples`] word them) sits in the file.
    fn position_of(&self, message: &str) -> Option<Pos> {
        let (id, detail) = message.strip_prefix("rule ")?.split_once(": ")?;
        let index = if detail.starts_with("duplicate") {
            // The later definition is the duplicate.
            self.rules.iter().rposition(|r| r.id == id)
        } else {
            self.rules.iter().position(|r| r.id == id)
        }?;
        let pos = self.positions.rules.get(index)?;
        let at = if let Some(n) = number_after(detail, "negative example ") {
            pos.negative_examples.get(n).copied()
        } else if let Some(n) = number_after(detail, "example ") {
            pos.examples.get(n).copied()
        } else if detail.contains("pattern") || detail.contains("capture group") {
            pos.pattern
        } else if detail.contains("keyword") {
            pos.keywords
        } else if detail.contains("validator") {
            pos.validator
        } else if detail.contains("example") {
            pos.examples.first().copied().or(pos.examples_list)
        } else {
            None
        };
        at.or(pos.id)
    }

    /// The rules a check runs with: built-ins plus the custom rules, with `disable` and
    /// `severity` applied, and the custom rules' examples checked through the real engine.
    pub fn compile_rules(&self) -> Result<Vec<Rule>> {
        let mut rules =
            crate::rules::compile_all(&self.rules).map_err(|e| self.error(e.to_string()))?;
        let known =
            |id: &str| rules.iter().any(|r| r.spec.id == id) || crate::rules::env::is_env_rule(id);
        for id in self.disable.iter().chain(self.severity.keys()) {
            if !known(id) {
                return Err(self.error(format!(
                    "unknown rule id `{id}` (see `keygate rules` for the list)"
                )));
            }
        }
        for rule in &mut rules {
            rule.enabled = !self.disable.contains(&rule.spec.id);
            if let Some(&severity) = self.severity.get(&rule.spec.id) {
                rule.severity = severity;
            }
        }
        let custom = rules.len() - self.rules.len();
        let problems = crate::engine::examples::check_examples(&rules, custom..rules.len());
        if let Some(first) = problems.first() {
            return Err(self.error(first.to_string()));
        }
        Ok(rules)
    }
}

fn number_after(problem: &str, marker: &str) -> Option<usize> {
    let at = problem.find(marker)? + marker.len();
    problem[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// A regex error on one line (the regex crate draws a multi-line caret diagram).
fn one_line(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map(|l| {
            l.trim_start()
                .trim_start_matches("error:")
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn positions(text: &str, spans: SpanDoc) -> Positions {
    let at = |s: std::ops::Range<usize>| line_column(text, s.start);
    let list = |v: &[Spanned<String>]| v.iter().map(|s| at(s.span())).collect::<Vec<_>>();
    Positions {
        exclude: list(&spans.exclude),
        disable: list(&spans.disable),
        severity: spans
            .severity
            .keys()
            .map(|k| (k.get_ref().clone(), at(k.span())))
            .collect(),
        allow_regexes: list(&spans.allow.regexes),
        allow_stopwords: list(&spans.allow.stopwords),
        allow_paths: list(&spans.allow.paths),
        env_files: list(&spans.env.files),
        env_templates: list(&spans.env.templates),
        env_client_prefixes: list(&spans.env.client_prefixes),
        rules: spans
            .rules
            .iter()
            .map(|r| RulePositions {
                id: r.id.as_ref().map(|s| at(s.span())),
                pattern: r.pattern.as_ref().map(|s| at(s.span())),
                keywords: r.keywords.as_ref().map(|s| at(s.span())),
                validator: r.validator.as_ref().map(|s| at(s.span())),
                examples: r
                    .examples
                    .as_ref()
                    .map_or(Vec::new(), |e| list(e.get_ref())),
                examples_list: r.examples.as_ref().map(|e| at(e.span())),
                negative_examples: list(&r.negative_examples),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> (usize, usize, String) {
        match Config::load_str_for_test(text) {
            Err(Error::Config {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            other => panic!("expected a config error for {text:?}, got {other:?}"),
        }
    }

    impl Config {
        fn load_str_for_test(text: &str) -> Result<Config> {
            let config = Config::parse_str(Path::new(FILE_NAME), text)?;
            config.check_rules()?;
            Ok(config)
        }
    }

    /// Each kind of config error, with the line and column of the value at fault.
    #[test]
    fn errors_name_line_and_column() {
        let cases: &[(&str, (usize, usize), &str)] = &[
            ("exclude = []\ndisabel = [\"x\"]\n", (2, 1), "disabel"),
            ("exclude = [\"ok/**\", \"a/[b\"]\n", (1, 21), "invalid glob"),
            (
                "[allow]\nregexes = [\"ok\", \"(unclosed\"]\n",
                (2, 18),
                "invalid regex",
            ),
            ("[allow]\npaths = [\"a(\"]\n", (2, 10), "allow.paths"),
            ("[allow]\nstopwords = [\"\"]\n", (2, 14), "empty stopword"),
            (
                "disable = [\"generic-api-key\", \"no-such-rule\"]\n",
                (1, 31),
                "no-such-rule",
            ),
            (
                "[severity]\nno-such-rule = \"block\"\n",
                (2, 1),
                "no-such-rule",
            ),
            (
                "[severity]\ngeneric-api-key = \"loud\"\n",
                (2, 19),
                "unknown variant",
            ),
            ("[env]\nfiles = [\"[\"]\n", (2, 10), "env.files"),
            (
                "[env]\nclient_prefixes = [\"NEXT PUBLIC\"]\n",
                (2, 20),
                "client_prefixes",
            ),
            ("[env]\ntemplate = []\n", (2, 1), "template"),
        ];
        for (text, pos, needle) in cases {
            let (line, column, message) = error_of(text);
            assert_eq!((line, column), *pos, "{text:?}: {message}");
            assert!(message.contains(needle), "{text:?}: {message}");
        }
    }
}
