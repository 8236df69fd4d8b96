//! `credential-file-not-ignored`: a credential file exists in the working tree and Git would not
//! ignore it (Git's own verdict, as for `env-not-ignored`). A content-dependent one (an `.npmrc`,
//! a kubeconfig, …) only when it holds a credential.

use crate::finding::Finding;
use crate::hygiene::context::{EnvCheck, RepoContext};

pub const ID: &str = crate::rules::env::CREDENTIAL_NOT_IGNORED;

pub struct CredentialNotIgnored;

impl EnvCheck for CredentialNotIgnored {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &RepoContext) -> Vec<Finding> {
        super::file_findings::credential_file_findings(
            ctx,
            ID,
            |f| f.on_disk && !f.ignored,
            |file, line| {
                format!(
                    "{file} is a credential file that Git does not ignore; run `keygate fix`, or \
                     add `{line}` to .gitignore"
                )
            },
            "A credential file that is not ignored is one `git add .` away from a commit.",
        )
    }
}
