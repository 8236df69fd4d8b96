//! Validation of every value at load, so that a typo can never silently turn a check off: every
//! glob and regex compiles, every `.env` prefix is a name prefix, no stopword is empty, and every
//! rule id names a rule ([`owner_of`], the one place that says which ids exist).

use super::positions::Pos;
use super::schema::Config;
use crate::error::Result;
use crate::rules::RuleSpec;
use globset::{Glob, GlobSet, GlobSetBuilder};

/// Where a rule id is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdOwner {
    /// The built-in catalog.
    BuiltIn,
    /// The `.env` hygiene rules.
    Env,
    /// One of the custom rules given.
    Custom,
}

/// Which rule `id` names among the built-in rules, the `.env` hygiene rules and `custom`, in
/// that order; `None` when it names none. An id in `disable` or `severity` must name one; a new
/// custom (or imported) rule's id must name none (`custom` then being the rules before it).
pub(crate) fn owner_of(id: &str, custom: &[RuleSpec]) -> Option<IdOwner> {
    if crate::rules::is_builtin_id(id) {
        Some(IdOwner::BuiltIn)
    } else if crate::rules::env::is_env_rule(id) {
        Some(IdOwner::Env)
    } else if custom.iter().any(|r| r.id == id) {
        Some(IdOwner::Custom)
    } else {
        None
    }
}

impl Config {
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
    /// value. (The custom rules are compiled and their examples run by [`Config::check_rules`]
    /// and [`Config::compile_rules`].)
    pub(crate) fn validate(&self) -> Result<()> {
        self.excludes()?;
        self.validate_env()?;
        self.validate_allow()?;
        self.check_rule_ids()
    }

    /// The `[env]` and `[credentials]` globs compile and the client prefixes are variable-name
    /// prefixes.
    fn validate_env(&self) -> Result<()> {
        let (env, p) = (&self.env, &self.positions);
        for (key, list, pos) in [
            ("env.files", &env.files, &p.env_files),
            ("env.templates", &env.templates, &p.env_templates),
        ] {
            for (i, pattern) in list.iter().flatten().enumerate() {
                self.glob(key, pattern, pos.get(i))?;
            }
        }
        for (i, pattern) in self.credentials.files.iter().enumerate() {
            if pattern.trim().is_empty() {
                return Err(self.error_at(
                    p.credentials_files.get(i).copied(),
                    "credentials.files: an empty glob names no file".into(),
                ));
            }
            self.glob("credentials.files", pattern, p.credentials_files.get(i))?;
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
        Ok(())
    }

    /// The `[allow]` regexes compile and no stopword is empty.
    fn validate_allow(&self) -> Result<()> {
        let p = &self.positions;
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
        Ok(())
    }

    /// Every id in `disable` and `severity` names a built-in, `.env` or custom rule.
    pub(crate) fn check_rule_ids(&self) -> Result<()> {
        let p = &self.positions;
        let known = |id: &str| owner_of(id, &self.rules).is_some();
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

#[cfg(test)]
mod tests {
    use super::super::schema::FILE_NAME;
    use super::*;
    use crate::error::Error;
    use std::path::Path;

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
            (
                "[credentials]\nfiles = [\"*.vault\", \"a/[b\"]\n",
                (2, 21),
                "credentials.files",
            ),
            ("[credentials]\nfiles = [\"\"]\n", (2, 10), "empty glob"),
            ("[credentials]\nfile = []\n", (2, 1), "file"),
        ];
        for (text, pos, needle) in cases {
            let (line, column, message) = error_of(text);
            assert_eq!((line, column), *pos, "{text:?}: {message}");
            assert!(message.contains(needle), "{text:?}: {message}");
        }
    }

    #[test]
    fn owner_of_table() {
        let custom = crate::rules::parse_rule_file(
            "custom.toml",
            "[[rules]]\nid = \"acme-token\"\ndescription = \"d\"\npattern = \"acme_(x)\"\n\
             keywords = [\"acme_\"]\nexamples = []\nnegative_examples = []\nremedy = \"r\"\n",
        )
        .unwrap();
        assert_eq!(
            owner_of("migosmtp-api-key", &custom),
            Some(IdOwner::BuiltIn)
        );
        assert_eq!(owner_of("env-tracked", &custom), Some(IdOwner::Env));
        assert_eq!(
            owner_of("credential-file-tracked", &custom),
            Some(IdOwner::Env)
        );
        assert_eq!(owner_of("acme-token", &custom), Some(IdOwner::Custom));
        assert_eq!(owner_of("acme-token", &[]), None);
    }
}
