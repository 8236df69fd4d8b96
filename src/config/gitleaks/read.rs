//! Reading `.gitleaks.toml` (and `.gitleaksignore`) from a repository: the config a check uses
//! when there is no `.keygate.toml`.

use super::schema::{FILE_NAME, IGNORE_FILE};
use super::translate::{translate, Import};
use crate::config::schema::{Config, FILE_NAME as KEYGATE_FILE};
use crate::error::{Error, Result};
use std::path::Path;

/// The config a check uses when the repository has a `.gitleaks.toml` and no `.keygate.toml`,
/// with notes saying so and naming what was not imported.
pub fn read(root: &Path) -> Result<Config> {
    let import = translate_file(root)?;
    let mut config = import.config;
    config.notes.push(format!(
        "no {KEYGATE_FILE}: read {} rule(s) and the allowlists of {FILE_NAME}; `keygate config \
         import-gitleaks` writes the equivalent {KEYGATE_FILE}",
        import.rules
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

pub(super) const IGNORE_WHY: &str =
    "each names a file, rule and line number (and a commit), which change \
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
