//! `env-tracked`: a `.env` file is in the index, whether or not this commit touches it.

use crate::finding::Finding;
use crate::hygiene::context::{EnvCheck, RepoContext};
use crate::hygiene::patterns::Kind;

pub const ID: &str = crate::rules::env::TRACKED;

pub struct Tracked;

impl EnvCheck for Tracked {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &RepoContext) -> Vec<Finding> {
        super::file_findings::env_file_findings(
            ctx,
            ID,
            |f| f.tracked && f.kind == Kind::Env && !f.harmless,
            |file, line| {
                format!(
                    "{file} is a .env file tracked by Git; run `keygate fix`, or \
                     `git rm --cached {file}` and add `{line}` to .gitignore"
                )
            },
            |_, _| {
                "Untracking does not erase history: revoke and rotate every key this file ever \
                 held in a commit."
                    .to_string()
            },
        )
    }
}
