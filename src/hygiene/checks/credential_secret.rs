//! `credential-file-secret`: a credential file that is committed (tracked), about to be (staged),
//! or would be (on disk, not ignored) holds a password, token or key: every value in it, with no
//! entropy or placeholder filter (a `.pgpass` password of `postgres` is still a password). The
//! finding points at the value, redacted, so a user sees what to rotate.

use crate::finding::{Category, Finding};
use crate::hygiene::context::{EnvCheck, RepoContext};

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
            let name = &file.display;
            for value in &file.values {
                out.push(Finding {
                    rule_id: ID.to_string(),
                    category: Category::Env,
                    severity: crate::rules::env::default_severity(ID),
                    file: name.clone(),
                    line: Some(value.line),
                    column: Some(value.column),
                    commit: None,
                    redacted: Some(value.value.redacted()),
                    fingerprint: ctx.fingerprints.secret(ID, name, &value.value),
                    message: format!(
                        "{name} is a credential file and its {} is a secret, however weak it \
                         looks; keep the file out of Git",
                        value.field
                    ),
                    remedy: "Revoke and rotate this credential, then keep the file out of Git \
                             (`keygate fix`); read the value from the environment or a secrets \
                             manager instead."
                        .to_string(),
                    provenance: None,
                });
            }
        }
        out
    }
}
