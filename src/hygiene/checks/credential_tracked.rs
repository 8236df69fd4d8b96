//! `credential-file-tracked`: a credential file is in the index, whether or not this commit
//! touches it.

use crate::finding::Finding;
use crate::hygiene::context::{EnvCheck, RepoContext};

pub const ID: &str = crate::rules::env::CREDENTIAL_TRACKED;

pub struct CredentialTracked;

impl EnvCheck for CredentialTracked {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &RepoContext) -> Vec<Finding> {
        super::file_findings::credential_file_findings(
            ctx,
            ID,
            |f| f.tracked,
            |file, line| {
                format!(
                    "{file} is a credential file tracked by Git; run `keygate fix`, or \
                     `git rm --cached {file}` and add `{line}` to .gitignore"
                )
            },
            "Untracking does not erase history: revoke and rotate every password, token and key \
             this file ever held in a commit.",
        )
    }
}
