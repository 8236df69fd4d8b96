//! Switching from gitleaks: a repository with a `.gitleaks.toml` and no `.keygate.toml` keeps its
//! custom `[[rules]]` and global allowlists, read into the equivalent keygate [`Config`];
//! `keygate config import-gitleaks` writes that config out as a `.keygate.toml`. What has no
//! keygate equivalent is reported, with why, never dropped silently: `.gitleaksignore` entries
//! (tied to line numbers), commit allowlists, per-rule allowlists and path-only rules.

use crate::config::positions::{Pos, RulePositions};
use crate::config::schema::Config;
use crate::error::{Error, Result};
use crate::rules::RuleSpec;
use regex_syntax::ast::{Ast, GroupKind};
use serde::Deserialize;
use std::fmt::Write as _;
use std::path::Path;
use toml::Spanned;

pub const FILE_NAME: &str = ".gitleaks.toml";
pub const IGNORE_FILE: &str = ".gitleaksignore";
/// The `family` of rules read from a `.gitleaks.toml`.
pub const FAMILY: &str = crate::rules::GITLEAKS_FAMILY;

#[derive(Deserialize, Default)]
#[serde(default)]
struct GlFile {
    extend: Option<GlExtend>,
    rules: Vec<GlRule>,
    #[serde(alias = "allowList", alias = "AllowList")]
    allowlist: Option<GlAllowlist>,
    #[serde(alias = "allowLists", alias = "AllowLists")]
    allowlists: Vec<GlAllowlist>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GlExtend {
    #[serde(alias = "useDefault", alias = "usedefault")]
    use_default: bool,
    #[serde(alias = "disabledRules", alias = "disabledrules")]
    disabled_rules: Vec<String>,
    path: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GlRule {
    id: Option<Spanned<String>>,
    description: Option<String>,
    regex: Option<Spanned<String>>,
    #[serde(alias = "secretGroup", alias = "secretgroup")]
    secret_group: Option<usize>,
    entropy: Option<f64>,
    keywords: Vec<String>,
    path: Option<String>,
    #[serde(alias = "allowList")]
    allowlist: Option<GlAllowlist>,
    #[serde(alias = "allowLists")]
    allowlists: Vec<GlAllowlist>,
    #[serde(alias = "skipReport", alias = "skipreport")]
    skip_report: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GlAllowlist {
    condition: Option<String>,
    commits: Vec<String>,
    paths: Vec<Spanned<String>>,
    regexes: Vec<Spanned<String>>,
    #[serde(alias = "stopWords", alias = "StopWords")]
    stopwords: Vec<String>,
    #[serde(alias = "targetRules", alias = "targetrules")]
    target_rules: Vec<String>,
}

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

/// The config a check uses when the repository has a `.gitleaks.toml` and no `.keygate.toml`,
/// with notes saying so and naming what was not imported.
pub fn read(root: &Path) -> Result<Config> {
    let import = translate_file(root)?;
    let mut config = import.config;
    config.notes.push(format!(
        "no {}: read {} rule(s) and the allowlists of {FILE_NAME}; `keygate config \
         import-gitleaks` writes the equivalent {}",
        crate::config::FILE_NAME,
        import.rules,
        crate::config::FILE_NAME
    ));
    config.notes.extend(
        import
            .not_imported
            .iter()
            .map(|n| format!("{FILE_NAME}: not imported: {n}")),
    );
    if !import.ignore_entries.is_empty() {
        config.notes.push(format!(
            "{} entr(y/ies) of {IGNORE_FILE} not used: {}",
            import.ignore_entries.len(),
            IGNORE_WHY
        ));
    }
    Ok(config)
}

const IGNORE_WHY: &str = "each names a file, rule and line number (and a commit), which change \
                          whenever lines move; record accepted findings with `keygate baseline`, \
                          whose fingerprints survive edits";

/// Reads `.gitleaks.toml` (and `.gitleaksignore`) in `root`.
pub fn translate_file(root: &Path) -> Result<Import> {
    let path = root.join(FILE_NAME);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut import = translate(&path, &text)?;
    let ignore = root.join(IGNORE_FILE);
    if let Ok(text) = std::fs::read_to_string(&ignore) {
        import.ignore_entries = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect();
    }
    Ok(import)
}

/// Translates the text of a `.gitleaks.toml`; `path` names it in errors.
pub fn translate(path: &Path, text: &str) -> Result<Import> {
    let file: GlFile = toml::from_str(text).map_err(|e| crate::Error::toml(path, text, &e))?;
    let at = |span: std::ops::Range<usize>| crate::error::line_column(text, span.start);
    let mut config = Config {
        source: Some(path.to_path_buf()),
        ..Config::default()
    };
    let mut not_imported = Vec::new();
    let error = |pos: Pos, message: String| Error::Config {
        path: path.to_path_buf(),
        line: pos.0,
        column: pos.1,
        message,
    };

    if let Some(extend) = &file.extend {
        if !extend.use_default && !file.rules.is_empty() {
            not_imported.push(
                "`[extend] useDefault` is off, so gitleaks ran only these rules; keygate also runs \
                 its built-in catalog (disable rules in .keygate.toml if needed)"
                    .into(),
            );
        }
        for id in &extend.disabled_rules {
            if crate::rules::builtin_specs().iter().any(|s| s.id == *id) {
                config.disable.push(id.clone());
            } else {
                not_imported.push(format!(
                    "`disabledRules` entry `{id}`: keygate has no rule with this id (see `keygate rules`)"
                ));
            }
        }
        if extend.path.is_some() || extend.url.is_some() {
            not_imported.push(
                "`[extend] path`/`url`: keygate reads one config file; merge the extended file by hand"
                    .into(),
            );
        }
    }

    let mut ids: Vec<String> = Vec::new();
    for rule in &file.rules {
        let Some(id_span) = &rule.id else {
            not_imported.push("a rule without an `id`".into());
            continue;
        };
        let raw_id = id_span.get_ref();
        let id = kebab(raw_id);
        let id_pos = at(id_span.span());
        let Some(regex) = &rule.regex else {
            not_imported.push(format!(
                "rule `{raw_id}`: it matches file paths only (`path`, no `regex`); keygate rules match \
                 file contents (use `exclude`/`.env` hygiene, or write a content rule)"
            ));
            continue;
        };
        if rule.skip_report {
            not_imported.push(format!(
                "rule `{raw_id}`: `skipReport` rules only feed composite rules, which keygate does not have"
            ));
            continue;
        }
        if crate::rules::builtin_specs().iter().any(|s| s.id == id)
            || crate::rules::env::is_env_rule(&id)
        {
            not_imported.push(format!(
                "rule `{raw_id}`: keygate has a built-in rule with this id, which is used instead"
            ));
            continue;
        }
        if ids.contains(&id) {
            not_imported.push(format!("rule `{raw_id}`: a second rule with the same id"));
            continue;
        }
        let regex_pos = at(regex.span());
        let (pattern, note) = secret_pattern(regex.get_ref(), rule.secret_group)
            .map_err(|m| error(regex_pos, format!("rule `{raw_id}`: {m}")))?;
        if let Some(note) = note {
            not_imported.push(format!("rule `{raw_id}`: {note}"));
        }
        let keywords = if rule.keywords.iter().any(|k| k.len() >= 2) {
            let mut k: Vec<String> = rule
                .keywords
                .iter()
                .filter(|k| k.len() >= 2)
                .map(|k| k.to_lowercase())
                .collect();
            k.dedup();
            k
        } else {
            match prefix_keywords(&pattern) {
                Some(k) => k,
                None => {
                    not_imported.push(format!(
                        "rule `{raw_id}`: it has no `keywords` and its regex starts with no literal \
                         text; keygate runs a rule only near one of its keywords (write it in \
                         .keygate.toml with keywords)"
                    ));
                    continue;
                }
            }
        };
        if rule.path.is_some() {
            not_imported.push(format!(
                "rule `{raw_id}`: its `path` restriction (keygate rules apply to every file, so it \
                 may report more)"
            ));
        }
        if rule.allowlist.is_some() || !rule.allowlists.is_empty() {
            not_imported.push(format!(
                "rule `{raw_id}`: its own allowlist (keygate's allow lists apply to every rule; \
                 add the entries under [allow] in .keygate.toml if that is what you want, or use \
                 `keygate:allow` markers or `keygate baseline`)"
            ));
        }
        ids.push(id.clone());
        config.positions.rules.push(RulePositions {
            id: Some(id_pos),
            pattern: Some(regex_pos),
            ..Default::default()
        });
        config.rules.push(RuleSpec {
            id,
            description: rule.description.clone().unwrap_or_else(|| raw_id.clone()),
            pattern,
            keywords,
            min_entropy: rule.entropy.filter(|e| *e > 0.0),
            min_length: None,
            validator: None,
            generic: false,
            multiline: false,
            severity: None,
            examples: Default::default(),
            negative_examples: Default::default(),
            references: Default::default(),
            remedy: "Remove the secret from the code and rotate it; read it from the environment \
                     at run time (rule imported from .gitleaks.toml)."
                .into(),
            family: FAMILY.into(),
        });
    }

    for list in file.allowlist.iter().chain(&file.allowlists) {
        if !list.target_rules.is_empty() {
            not_imported.push(format!(
                "an allowlist for rules {:?}: keygate's allow lists apply to every rule",
                list.target_rules
            ));
            continue;
        }
        let kinds = [
            !list.regexes.is_empty(),
            !list.stopwords.is_empty(),
            !list.paths.is_empty(),
        ]
        .iter()
        .filter(|k| **k)
        .count();
        if list
            .condition
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("and"))
            && kinds > 1
        {
            not_imported.push(
                "an allowlist with `condition = \"AND\"`: keygate allows a finding when any one \
                 entry matches, which would allow more"
                    .into(),
            );
            continue;
        }
        for r in &list.regexes {
            config.allow.regexes.push(r.get_ref().clone());
            config.positions.allow_regexes.push(at(r.span()));
        }
        for p in &list.paths {
            config.allow.paths.push(p.get_ref().clone());
            config.positions.allow_paths.push(at(p.span()));
        }
        config
            .allow
            .stopwords
            .extend(list.stopwords.iter().cloned());
        if !list.commits.is_empty() {
            not_imported.push(format!(
                "{} allowlisted commit(s): keygate has no commit allowlist; record accepted \
                 findings with `keygate baseline`",
                list.commits.len()
            ));
        }
    }

    let rules = config.rules.len();
    Ok(Import {
        config,
        not_imported,
        ignore_entries: Vec::new(),
        rules,
    })
}

/// A gitleaks rule id as a keygate id (lowercase kebab-case).
fn kebab(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Rewrites a gitleaks regex so that the secret is keygate's one capture group `secret`: the
/// group `secret_group` (gitleaks' `secretGroup`), else the first group, else the whole match.
/// Every other capture group becomes non-capturing. Returns a note when the choice may differ
/// from gitleaks'.
fn secret_pattern(
    pattern: &str,
    secret_group: Option<usize>,
) -> Result<(String, Option<String>), String> {
    let ast = regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| format!("regex does not parse: {}", e.kind()))?;
    // (capture index, start of `(`, end of the group's opening)
    let mut groups: Vec<(u32, usize, usize)> = Vec::new();
    collect_groups(&ast, &mut groups);
    groups.sort_by_key(|g| g.0);
    let chosen = match secret_group.filter(|&n| n > 0) {
        Some(n) => Some(
            groups
                .iter()
                .position(|g| g.0 as usize == n)
                .ok_or_else(|| format!("secretGroup = {n}, but the regex has no group {n}"))?,
        ),
        None if groups.is_empty() => None,
        None => Some(0),
    };
    let note = (secret_group.is_none() && groups.len() > 1).then(|| {
        "several capture groups and no `secretGroup`: gitleaks takes the first non-empty group, \
         keygate takes group 1"
            .to_string()
    });
    let Some(chosen) = chosen else {
        return Ok((format!("(?P<secret>{pattern})"), note));
    };
    let mut edits: Vec<(usize, usize, &str)> = groups
        .iter()
        .enumerate()
        .map(|(i, &(_, start, end))| (start, end, if i == chosen { "(?P<secret>" } else { "(?:" }))
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = pattern.to_string();
    for (start, end, with) in edits {
        out.replace_range(start..end, with);
    }
    Ok((out, note))
}

fn collect_groups(ast: &Ast, out: &mut Vec<(u32, usize, usize)>) {
    match ast {
        Ast::Group(g) => {
            let index = match &g.kind {
                GroupKind::CaptureIndex(i) => Some(*i),
                GroupKind::CaptureName { name, .. } => Some(name.index),
                GroupKind::NonCapturing(_) => None,
            };
            if let Some(i) = index {
                out.push((i, g.span.start.offset, g.ast.span().start.offset));
            }
            collect_groups(&g.ast, out);
        }
        Ast::Repetition(r) => collect_groups(&r.ast, out),
        Ast::Alternation(a) => a.asts.iter().for_each(|a| collect_groups(a, out)),
        Ast::Concat(c) => c.asts.iter().for_each(|a| collect_groups(a, out)),
        _ => {}
    }
}

/// Keywords for a rule that has none: the literal texts every match starts with, when there are
/// a few and each is at least two characters.
fn prefix_keywords(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    // Small classes (case variants) are expanded, and lowercased below; digit or letter ranges
    // end the prefix.
    let seq = Extractor::new()
        .kind(ExtractKind::Prefix)
        .limit_class(4)
        .extract(&hir);
    let literals = seq.literals()?;
    let mut out: Vec<String> = Vec::new();
    for lit in literals {
        let text = std::str::from_utf8(lit.as_bytes()).ok()?.to_lowercase();
        if text.chars().count() < 2 {
            return None;
        }
        if !out.contains(&text) {
            out.push(text);
        }
    }
    (!out.is_empty() && out.len() <= 32).then_some(out)
}

/// `keygate config import-gitleaks`: writes the `.keygate.toml` equivalent to `.gitleaks.toml` in
/// `root` and returns what to tell the user. Refuses to overwrite a `.keygate.toml` unless `force`.
pub fn import(root: &Path, force: bool) -> Result<String> {
    let target = root.join(crate::config::FILE_NAME);
    if target.exists() && !force {
        return Err(Error::Usage(format!(
            "{} already exists; pass --force to overwrite it",
            target.display()
        )));
    }
    if !root.join(FILE_NAME).is_file() {
        return Err(Error::Usage(format!(
            "no {FILE_NAME} in {}",
            root.display()
        )));
    }
    let import = translate_file(root)?;
    let text = render(&import);
    // What is written must parse as a keygate config (examples are the user's to add).
    Config::parse_str(&target, &text)?;
    std::fs::write(&target, &text).map_err(|e| Error::io(&target, e))?;

    let mut out = format!(
        "wrote {}: {} rule(s), {} allow regex(es), {} stopword(s), {} allowed path(s)\n",
        crate::config::FILE_NAME,
        import.rules,
        import.config.allow.regexes.len(),
        import.config.allow.stopwords.len(),
        import.config.allow.paths.len()
    );
    if import.rules > 0 {
        out += &format!(
            "next: give each imported rule an example it must find and a near miss it must not \
             (fake values); keygate checks them when it loads {} and refuses a rule without \
             them. Check with `keygate rules --check`.\n",
            crate::config::FILE_NAME
        );
    }
    for n in &import.not_imported {
        out += &format!("not imported: {n}\n");
    }
    for entry in &import.ignore_entries {
        out += &format!("not imported: {IGNORE_FILE} entry `{entry}`: {IGNORE_WHY}\n");
    }
    Ok(out)
}

/// The `.keygate.toml` text for an import.
pub fn render(import: &Import) -> String {
    let c = &import.config;
    let mut out = format!(
        "# keygate config imported from {FILE_NAME} by `keygate config import-gitleaks`.\n\
         # See examples/keygate.toml in keygate's repository for every key.\n"
    );
    for n in &import.not_imported {
        let _ = writeln!(out, "# not imported: {}", n.replace('\n', " "));
    }
    if !import.ignore_entries.is_empty() {
        let _ = writeln!(
            out,
            "# not imported: {} entr(y/ies) of {IGNORE_FILE}: {IGNORE_WHY}",
            import.ignore_entries.len()
        );
    }
    if !c.disable.is_empty() {
        let _ = writeln!(out, "\ndisable = {}", toml_list(&c.disable));
    }
    if !(c.allow.regexes.is_empty() && c.allow.stopwords.is_empty() && c.allow.paths.is_empty()) {
        out += "\n[allow]\n";
        for (key, list) in [
            ("regexes", &c.allow.regexes),
            ("stopwords", &c.allow.stopwords),
            ("paths", &c.allow.paths),
        ] {
            if !list.is_empty() {
                let _ = writeln!(out, "{key} = {}", toml_list(list));
            }
        }
    }
    for r in &c.rules {
        out += "\n[[rules]]\n";
        let _ = writeln!(out, "id = {}", toml_str(&r.id));
        let _ = writeln!(out, "description = {}", toml_str(&r.description));
        let _ = writeln!(out, "pattern = {}", toml_str(&r.pattern));
        let _ = writeln!(out, "keywords = {}", toml_list(&r.keywords));
        if let Some(e) = r.min_entropy {
            let _ = writeln!(out, "min_entropy = {e:?}");
        }
        out += "# gitleaks keeps its rule tests in Go code, so this rule has no examples yet. Add a\n\
                # (fake) value the rule must find and a near miss it must not: keygate checks them\n\
                # at load and refuses a rule without them.\n";
        out += "examples = []\nnegative_examples = []\n";
        let _ = writeln!(out, "remedy = {}", toml_str(&r.remedy));
    }
    out
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_pattern_table() {
        let cases: &[(&str, Option<usize>, &str)] = &[
            ("abc[0-9]{4}", None, "(?P<secret>abc[0-9]{4})"),
            ("key=(abc)", None, "key=(?P<secret>abc)"),
            ("(k)=(v)", Some(2), "(?:k)=(?P<secret>v)"),
            ("(?i)(?:x)(a(b))", Some(2), "(?i)(?:x)(?:a(?P<secret>b))"),
            ("(?P<name>a)", None, "(?P<secret>a)"),
            (r"\(lit(a)", None, r"\(lit(?P<secret>a)"),
            ("[(]x(a)", None, "[(]x(?P<secret>a)"),
        ];
        for (pattern, group, want) in cases {
            assert_eq!(
                secret_pattern(pattern, *group).unwrap().0,
                *want,
                "{pattern}"
            );
        }
        assert!(secret_pattern("(a)", Some(3)).is_err());
        assert!(secret_pattern("(a)(b)", None).unwrap().1.is_some());
    }

    #[test]
    fn prefix_keywords_table() {
        assert_eq!(
            prefix_keywords("(?P<secret>acme_[a-z0-9]{20})"),
            Some(vec!["acme_".into()])
        );
        assert_eq!(
            prefix_keywords("(?:ab|cd)x[0-9]+"),
            Some(vec!["abx".into(), "cdx".into()])
        );
        assert_eq!(prefix_keywords("[a-f0-9]{40}"), None);
        assert_eq!(prefix_keywords("x+abc"), None);
        assert_eq!(
            prefix_keywords("(?i)acme_[0-9]{8}"),
            Some(vec!["acme_".into()])
        );
    }

    #[test]
    fn kebab_table() {
        assert_eq!(kebab("My Service_Key"), "my-service-key");
        assert_eq!(kebab("acme-token"), "acme-token");
    }
}
