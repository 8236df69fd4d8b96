//! The SPEC's `.env` checks, one module each behind [`EnvCheck`], listed once in [`checklist`].
//! The config's `disable` and `severity` are applied once, in [`run`].

pub mod client_exposed;
pub mod not_ignored;
pub mod staged;
pub mod template_secret;
pub mod tracked;

use super::context::{severity, EnvCheck, RepoContext};
use crate::finding::Finding;

/// The five SPEC checks, in report order.
pub fn checklist() -> Vec<Box<dyn EnvCheck>> {
    vec![
        Box::new(staged::Staged),
        Box::new(tracked::Tracked),
        Box::new(not_ignored::NotIgnored),
        Box::new(template_secret::TemplateSecret),
        Box::new(client_exposed::ClientExposed),
    ]
}

/// Runs every enabled check with the config's severities. In staged mode a file the staged
/// change adds is reported once, as `env-staged`, not also as `env-tracked`.
pub fn run(ctx: &RepoContext) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for check in checklist() {
        let Some(severity) = severity(ctx.config, check.id()) else {
            continue;
        };
        for mut finding in check.run(ctx) {
            finding.severity = severity;
            out.push(finding);
        }
    }
    let staged: Vec<String> = out
        .iter()
        .filter(|f| f.rule_id == staged::ID)
        .map(|f| f.file.clone())
        .collect();
    out.retain(|f| f.rule_id != tracked::ID || !staged.contains(&f.file));
    out
}
