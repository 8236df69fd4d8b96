//! `credential-file-secret`: a credential file that is committed (tracked), about to be (staged),
//! or would be (on disk, not ignored) holds a password, token or key: every value in it, with no
//! entropy or placeholder filter (a `.pgpass` password of `postgres` is still a password). The
//! finding points at the value, redacted, so a user sees what to rotate.
//!
//! `keygate check PATH...` runs it too, on the named files that are credential files (inside a
//! repository or not): [`in_sources`].

use crate::config::Config;
use crate::finding::{Category, Finding, Fingerprinter};
use crate::hygiene::context::{read_limited, severity, EnvCheck, RepoContext};
use crate::hygiene::credential_patterns::CredentialPatterns;
use crate::hygiene::credentials::{self, CredentialValue};
use crate::input::Source;

pub const ID: &str = crate::rules::env::CREDENTIAL_SECRET;

pub struct CredentialSecret;

impl EnvCheck for CredentialSecret {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &RepoContext) -> Vec<Finding> {
        let mut out = Vec::new();
        for file in &ctx.credentials {
            if !(file.tracked || (file.on_disk && !file.ignored)) {
                continue;
            }
            out.extend(
                file.values
                    .iter()
                    .map(|v| finding(ctx.fingerprints, &file.display, v)),
            );
        }
        out
    }
}

/// The credential values in those of `sources` that are credential files (by the config's
/// list), at the config's severity; none when the config disables the rule. A file too large
/// to read for values is named in the second list.
pub fn in_sources(
    config: &Config,
    fingerprints: &Fingerprinter,
    sources: &[Source],
) -> crate::error::Result<(Vec<Finding>, Vec<String>)> {
    let Some(severity) = severity(config, ID) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let patterns = CredentialPatterns::from_config(config)?;
    let (mut out, mut notes) = (Vec::new(), Vec::new());
    for source in sources {
        let Some(format) = patterns.classify(&source.display) else {
            continue;
        };
        if format.binary() {
            continue;
        }
        match read_limited(&source.path) {
            Ok(text) => out.extend(credentials::values(format, &text).iter().map(|v| {
                let mut f = finding(fingerprints, &source.display, v);
                f.severity = severity;
                f
            })),
            Err(why) => notes.push(format!("could not read {}: {why}", source.display)),
        }
    }
    Ok((out, notes))
}

fn finding(fingerprints: &Fingerprinter, name: &str, value: &CredentialValue) -> Finding {
    Finding {
        rule_id: ID.to_string(),
        category: Category::Env,
        severity: crate::rules::env::default_severity(ID),
        file: name.to_string(),
        line: Some(value.line),
        column: Some(value.column),
        commit: None,
        redacted: Some(value.value.redacted()),
        fingerprint: fingerprints.secret(ID, name, &value.value),
        message: format!(
            "{name} is a credential file and its {} is a secret, however weak it looks; keep \
             the file out of Git",
            value.field
        ),
        remedy: "Revoke and rotate this credential, then keep the file out of Git (`keygate \
                 fix`); read the value from the environment or a secrets manager instead."
            .to_string(),
        provenance: None,
    }
}
