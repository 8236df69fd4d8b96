//! `keygate config import-gitleaks`: the `.keygate.toml` equivalent to a `.gitleaks.toml`,
//! written out with what was not imported in comments.

use super::read::{translate_file, IGNORE_WHY};
use super::schema::{FILE_NAME, IGNORE_FILE};
use super::translate::Import;
use crate::config::schema::{Config, FILE_NAME as KEYGATE_FILE};
use crate::error::{Error, Result};
use std::fmt::Write as _;
use std::path::Path;

/// `keygate config import-gitleaks`: writes the `.keygate.toml` equivalent to `.gitleaks.toml` in
/// `root` and returns what to tell the user. Refuses to overwrite a `.keygate.toml` unless `force`.
pub fn import(root: &Path, force: bool) -> Result<String> {
    let target = root.join(KEYGATE_FILE);
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
        KEYGATE_FILE,
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
            KEYGATE_FILE
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
