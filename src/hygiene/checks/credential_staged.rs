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
        ctx.credentials
            .iter()
            .filter(|f| f.tracked && f.holds_credentials() && staged.contains(&f.display))
            .map(|f| {
                let file = &f.display;
                let line = ctx.credential_ignore_line(f);
                ctx.file_finding(
                    ID,
                    file,
                    format!(
                        "the staged change adds {file}, a credential file that must stay out of \
                         Git; run `keygate fix`, or `git rm --cached {file}` and add `{line}` to \
                         .gitignore"
                    ),
                    f.advice(
                        "Keep credential files on your machine only (or in a secrets manager); \
                         everything in them is a secret, however weak it looks.",
                    ),
                )
            })
            .collect()
    }
}
