//! A `.gitleaks.toml` translated into the equivalent keygate [`Config`]: `[extend]`, each
//! `[[rules]]` entry and each allowlist in turn, with a note for everything that has no keygate
//! equivalent.

use super::pattern::{kebab, prefix_keywords, secret_pattern};
use super::schema::{GlAllowlist, GlExtend, GlFile, GlRule, FAMILY};
use crate::config::positions::{Pos, RulePositions};
use crate::config::schema::Config;
use crate::config::validate::{owner_of, IdOwner};
use crate::error::{line_column, Error, Result};
use crate::rules::RuleSpec;
use std::ops::Range;
use std::path::Path;

/// A `.gitleaks.toml` translated: the config, what was not imported (with why), and the
/// `.gitleaksignore` entries, which never are.
#[derive(Debug)]
pub struct Import {
    pub config: Config,
    pub not_imported: Vec<String>,
    pub ignore_entries: Vec<String>,
    /// Rules that were imported.
    pub rules: usize,
}

/// Translates the text of a `.gitleaks.toml`; `path` names it in errors.
pub fn translate(path: &Path, text: &str) -> Result<Import> {
    let file: GlFile = toml::from_str(text).map_err(|e| Error::toml(path, text, &e))?;
    let mut t = Translation {
        text,
        config: Config {
            source: Some(path.to_path_buf()),
            ..Config::default()
        },
        not_imported: Vec::new(),
    };
    if let Some(extend) = &file.extend {
        t.extend(extend, !file.rules.is_empty());
    }
    for rule in &file.rules {
        t.rule(rule)?;
    }
    for list in file.allowlist.iter().chain(&file.allowlists) {
        t.allowlist(list);
    }
    let rules = t.config.rules.len();
    Ok(Import {
        config: t.config,
        not_imported: t.not_imported,
        ignore_entries: Vec::new(),
        rules,
    })
}

/// The config built so far and the notes on what was not imported.
struct Translation<'a> {
    text: &'a str,
    config: Config,
    not_imported: Vec<String>,
}

impl Translation<'_> {
    fn at(&self, span: Range<usize>) -> Pos {
        line_column(self.text, span.start)
    }

    fn note(&mut self, note: impl Into<String>) {
        self.not_imported.push(note.into());
    }

    /// `[extend]`: gitleaks' default rules that it disables become `disable` entries.
    fn extend(&mut self, extend: &GlExtend, has_rules: bool) {
        if !extend.use_default && has_rules {
            self.note(
                "`[extend] useDefault` is off, so gitleaks ran only these rules; keygate also runs \
                 its built-in catalog (disable rules in .keygate.toml if needed)",
            );
        }
        for id in &extend.disabled_rules {
            if owner_of(id, &[]) == Some(IdOwner::BuiltIn) {
                self.config.disable.push(id.clone());
            } else {
                self.note(format!(
                    "`disabledRules` entry `{id}`: keygate has no rule with this id (see `keygate rules`)"
                ));
            }
        }
        if extend.path.is_some() || extend.url.is_some() {
            self.note(
                "`[extend] path`/`url`: keygate reads one config file; merge the extended file by hand",
            );
        }
    }

    /// One `[[rules]]` entry, imported or noted; `Err` only for a regex that does not parse.
    fn rule(&mut self, rule: &GlRule) -> Result<()> {
        let Some(id_span) = &rule.id else {
            self.note("a rule without an `id`");
            return Ok(());
        };
        let raw_id = id_span.get_ref();
        let id = kebab(raw_id);
        let Some(regex) = &rule.regex else {
            self.note(format!(
                "rule `{raw_id}`: it matches file paths only (`path`, no `regex`); keygate rules match \
                 file contents (use `exclude`/`.env` hygiene, or write a content rule)"
            ));
            return Ok(());
        };
        if rule.skip_report {
            self.note(format!(
                "rule `{raw_id}`: `skipReport` rules only feed composite rules, which keygate does not have"
            ));
            return Ok(());
        }
        match owner_of(&id, &self.config.rules) {
            Some(IdOwner::BuiltIn | IdOwner::Env) => {
                self.note(format!(
                    "rule `{raw_id}`: keygate has a built-in rule with this id, which is used instead"
                ));
                return Ok(());
            }
            Some(IdOwner::Custom) => {
                self.note(format!("rule `{raw_id}`: a second rule with the same id"));
                return Ok(());
            }
            None => {}
        }
        let regex_pos = self.at(regex.span());
        let (pattern, note) = secret_pattern(regex.get_ref(), rule.secret_group).map_err(|m| {
            self.config
                .error_at(Some(regex_pos), format!("rule `{raw_id}`: {m}"))
        })?;
        if let Some(note) = note {
            self.note(format!("rule `{raw_id}`: {note}"));
        }
        let Some(keywords) = self.keywords(raw_id, rule, &pattern) else {
            return Ok(());
        };
        self.restriction_notes(raw_id, rule);
        self.config.positions.rules.push(RulePositions {
            id: Some(self.at(id_span.span())),
            pattern: Some(regex_pos),
            ..Default::default()
        });
        self.config
            .rules
            .push(imported_spec(id, raw_id, rule, pattern, keywords));
        Ok(())
    }

    /// The rule's keywords (lowercased), else the literal text its matches start with; `None`
    /// (with a note) when it has neither.
    fn keywords(&mut self, raw_id: &str, rule: &GlRule, pattern: &str) -> Option<Vec<String>> {
        if rule.keywords.iter().any(|k| k.len() >= 2) {
            let mut k: Vec<String> = rule
                .keywords
                .iter()
                .filter(|k| k.len() >= 2)
                .map(|k| k.to_lowercase())
                .collect();
            k.dedup();
            return Some(k);
        }
        let keywords = prefix_keywords(pattern);
        if keywords.is_none() {
            self.note(format!(
                "rule `{raw_id}`: it has no `keywords` and its regex starts with no literal \
                 text; keygate runs a rule only near one of its keywords (write it in \
                 .keygate.toml with keywords)"
            ));
        }
        keywords
    }

    /// Notes on what of an imported rule keygate does not keep: its path restriction and its
    /// own allowlists.
    fn restriction_notes(&mut self, raw_id: &str, rule: &GlRule) {
        if rule.path.is_some() {
            self.note(format!(
                "rule `{raw_id}`: its `path` restriction (keygate rules apply to every file, so it \
                 may report more)"
            ));
        }
        if rule.allowlist.is_some() || !rule.allowlists.is_empty() {
            self.note(format!(
                "rule `{raw_id}`: its own allowlist (keygate's allow lists apply to every rule; \
                 add the entries under [allow] in .keygate.toml if that is what you want, or use \
                 `keygate:allow` markers or `keygate baseline`)"
            ));
        }
    }

    /// A global allowlist: its regexes, paths and stopwords join `[allow]`, unless it targets
    /// some rules or needs all its kinds of entry to match (`condition = "AND"`).
    fn allowlist(&mut self, list: &GlAllowlist) {
        if !list.target_rules.is_empty() {
            self.note(format!(
                "an allowlist for rules {:?}: keygate's allow lists apply to every rule",
                list.target_rules
            ));
            return;
        }
        if needs_all(list) {
            self.note(
                "an allowlist with `condition = \"AND\"`: keygate allows a finding when any one \
                 entry matches, which would allow more",
            );
            return;
        }
        for r in &list.regexes {
            self.config.allow.regexes.push(r.get_ref().clone());
            let pos = self.at(r.span());
            self.config.positions.allow_regexes.push(pos);
        }
        for p in &list.paths {
            self.config.allow.paths.push(p.get_ref().clone());
            let pos = self.at(p.span());
            self.config.positions.allow_paths.push(pos);
        }
        self.config
            .allow
            .stopwords
            .extend(list.stopwords.iter().cloned());
        if !list.commits.is_empty() {
            self.note(format!(
                "{} allowlisted commit(s): keygate has no commit allowlist; record accepted \
                 findings with `keygate baseline`",
                list.commits.len()
            ));
        }
    }
}

/// Whether an allowlist allows a finding only when entries of more than one kind all match.
fn needs_all(list: &GlAllowlist) -> bool {
    let kinds = [
        !list.regexes.is_empty(),
        !list.stopwords.is_empty(),
        !list.paths.is_empty(),
    ]
    .iter()
    .filter(|k| **k)
    .count();
    list.condition
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("and"))
        && kinds > 1
}

/// The keygate rule for an imported gitleaks rule (without examples: gitleaks keeps its rule
/// tests in Go code).
fn imported_spec(
    id: String,
    raw_id: &str,
    rule: &GlRule,
    pattern: String,
    keywords: Vec<String>,
) -> RuleSpec {
    RuleSpec {
        id: id.into(),
        description: rule
            .description
            .clone()
            .unwrap_or_else(|| raw_id.to_string())
            .into(),
        pattern: pattern.into(),
        keywords,
        min_entropy: rule.entropy.filter(|e| *e > 0.0),
        min_length: None,
        validator: None,
        generic: false,
        multiline: false,
        context_lines: 0,
        reject_before: None,
        reject_nearby: Vec::new(),
        severity: None,
        examples: Default::default(),
        negative_examples: Default::default(),
        references: Default::default(),
        remedy: "Remove the secret from the code and rotate it; read it from the environment \
                 at run time (rule imported from .gitleaks.toml)."
            .into(),
        revoke: None,
        family: FAMILY.into(),
    }
}
