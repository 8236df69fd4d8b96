//! Finding and reading the config: `--config FILE`, else `.keygate.toml`, else the equivalent of
//! `.gitleaks.toml`, else the defaults; each one validated before use.

use super::gitleaks;
use super::positions::Positions;
use super::schema::{Config, FILE_NAME};
use crate::error::{Error, Result};
use std::path::Path;

impl Config {
    /// Reads, parses and validates a config file: every key is known, every glob and regex
    /// compiles, every rule id exists. The custom rules are compiled and their examples run
    /// through the real engine right after, by [`Config::compile_rules`] (once per check);
    /// its errors are placed at the value at fault.
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
        config.positions = Positions::parse(path, text)?;
        config.validate()?;
        Ok(config)
    }

    /// `--config FILE` when given; else `.keygate.toml` in `root` when present; else the rules
    /// and allowlists of `.gitleaks.toml` in `root` (with a note saying so); else defaults.
    pub fn discover(explicit: Option<&Path>, root: Option<&Path>) -> Result<Config> {
        // Present in any form (a dangling link, a folder): read it, and fail as reading fails.
        let present = |name: &str| root.is_some_and(|r| r.join(name).symlink_metadata().is_ok());
        let mut config = match (explicit, root) {
            (Some(path), _) => Config::load(path)?,
            (None, Some(root)) if present(FILE_NAME) => Config::load(&root.join(FILE_NAME))?,
            (None, Some(root)) if present(gitleaks::FILE_NAME) => {
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
}
