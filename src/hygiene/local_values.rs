//! Known local secrets (`env-value-leak`): the values of the repository's local, untracked `.env`
//! files that look like real keys. They are handed to the engine as plain data, an
//! [`KnownValues`] matcher that every input mode runs beside the rules, so a line holding one,
//! whatever its shape (a comment, a test, a JSON blob), is a finding that names the variable and
//! its file, never the value.

use super::context::{severity, RepoContext};
use super::parse;
use super::patterns::Kind;
use crate::engine::known::{KnownValue, KnownValues};
use crate::finding::Secret;

pub const ID: &str = crate::rules::env::VALUE_LEAK;

/// The values of the repository's `.env` files that are on disk and not tracked (templates are
/// not local values) and look like real keys, with the config's severity for `env-value-leak`;
/// none when the config disables the rule.
pub fn known_values(ctx: &RepoContext) -> KnownValues {
    let Some(severity) = severity(ctx.config, ID) else {
        return KnownValues::default();
    };
    // A value a template holds too is a shared default, not a local secret (and when it is a
    // real key, `env-template-secret` reports the template).
    let shared: Vec<&[u8]> = ctx
        .files
        .iter()
        .filter(|f| f.kind == Kind::Template)
        .filter_map(|f| f.parsed.as_ref())
        .flat_map(|p| p.vars.iter().filter_map(|v| v.value.as_ref()))
        .map(Secret::expose)
        .collect();
    let mut values = Vec::new();
    for file in &ctx.files {
        if file.kind != Kind::Env || file.tracked || !file.on_disk {
            continue;
        }
        let Some(parsed) = &file.parsed else { continue };
        for var in &parsed.vars {
            let Some(value) = var.value.as_ref() else {
                continue;
            };
            if parse::looks_like_key(&var.name, value.expose()) && !shared.contains(&value.expose())
            {
                values.push(KnownValue {
                    name: var.name.clone(),
                    file: file.display.clone(),
                    value: Secret::new(value.expose()),
                });
            }
        }
    }
    KnownValues::new(values, severity)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only values that look like keys become known values: ordinary settings and placeholders
    /// would match all over a codebase.
    #[test]
    fn only_real_looking_values_are_keys() {
        // Built at run time, so that keygate's check of its own repository has nothing to find.
        let key = ["tk_9fQ2mZx7", "LpR4vW8nB3cY6tHs"].concat();
        let table = [
            ("TELNXO_API_KEY", key.as_str(), true),
            ("NODE_ENV", "development", false),
            ("PORT", "3000", false),
            ("API_KEY", "your_api_key_here", false),
        ];
        for (name, value, want) in table {
            assert_eq!(
                parse::looks_like_key(name, value.as_bytes()),
                want,
                "{name}"
            );
        }
    }
}
