//! The SPEC's `.env` and credential-file checks, one module each behind [`EnvCheck`], listed
//! once in [`checklist`]. The config's `disable` and `severity` are applied once, in [`run`].

pub mod client_exposed;
pub mod credential_not_ignored;
pub mod credential_secret;
pub mod credential_staged;
pub mod credential_tracked;
mod file_findings;
pub mod not_ignored;
pub mod staged;
pub mod template_secret;
pub mod tracked;

use super::context::{severity, EnvCheck, RepoContext};
use crate::finding::Finding;

/// The five `.env` checks, then the credential-file checks, in report order.
pub fn checklist() -> Vec<Box<dyn EnvCheck>> {
    vec![
        Box::new(staged::Staged),
        Box::new(tracked::Tracked),
        Box::new(not_ignored::NotIgnored),
        Box::new(template_secret::TemplateSecret),
        Box::new(client_exposed::ClientExposed),
        Box::new(credential_staged::CredentialStaged),
        Box::new(credential_tracked::CredentialTracked),
        Box::new(credential_not_ignored::CredentialNotIgnored),
        Box::new(credential_secret::CredentialSecret),
    ]
}

/// Runs every enabled check with the config's severities. In staged mode a file the staged
/// change adds is reported once, as `env-staged` (`credential-file-staged`), not also as
/// `env-tracked` (`credential-file-tracked`).
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
    for (staged_id, tracked_id) in [
        (staged::ID, tracked::ID),
        (credential_staged::ID, credential_tracked::ID),
    ] {
        let staged: Vec<String> = out
            .iter()
            .filter(|f| f.rule_id == staged_id)
            .map(|f| f.file.clone())
            .collect();
        out.retain(|f| f.rule_id != tracked_id || !staged.contains(&f.file));
    }
    out
}
