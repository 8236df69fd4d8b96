//! `credential-file-staged`: the staged change adds or modifies a credential file (`.netrc`,
//! `.pgpass`, `id_rsa`, a token-holding `.npmrc`, …).

use crate::finding::Finding;
use crate::git::display_path;
use crate::hygiene::context::{EnvCheck, RepoContext};

pub const ID: &str = crate::rules::env::CREDENTIAL_STAGED;

pub struct CredentialStaged;

impl EnvCheck for CredentialStaged {
    fn id(&self) -> &'static str {
        ID
    }

    /// Only in staged mode; on a working tree `credential-file-tracked` reports the same files.
    fn run(&self, ctx: &RepoContext) -> Vec<Finding> {
        let Some(staged) = &ctx.staged else {
            return Vec::new();
        };
        let staged: Vec<String> = staged.iter().map(|p| display_path(p)).collect();
        super::file_findings::credential_file_findings(
            ctx,
            ID,
            |f| f.tracked && staged.contains(&f.display),
            |file, line| {
                format!(
                    "the staged change adds {file}, a credential file that must stay out of Git; \
                     run `keygate fix`, or `git rm --cached {file}` and add `{line}` to .gitignore"
                )
            },
            "Keep credential files on your machine only (or in a secrets manager); everything in \
             them is a secret, however weak it looks.",
        )
    }
}
