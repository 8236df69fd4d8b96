//! `env-not-ignored`: a `.env` file exists in the working tree and Git would not ignore it.
//! "Ignored" is Git's own verdict (every `.gitignore` level, `.git/info/exclude`,
//! `core.excludesFile`), never a glob match of keygate's.

use crate::finding::Finding;
use crate::hygiene::context::{EnvCheck, RepoContext};
use crate::hygiene::patterns::Kind;

pub const ID: &str = crate::rules::env::NOT_IGNORED;

pub struct NotIgnored;

impl EnvCheck for NotIgnored {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &RepoContext) -> Vec<Finding> {
        super::file_findings::env_file_findings(
            ctx,
            ID,
            |f| f.on_disk && !f.ignored && f.kind == Kind::Env && !f.harmless,
            |file, line| {
                format!(
                    "{file} is a .env file that Git does not ignore; run `keygate fix`, or add \
                     `{line}` to .gitignore"
                )
            },
            |_, line| {
                format!(
                    "Add `{line}` to .gitignore (`keygate fix` adds it): a .env file that is not \
                     ignored is one `git add .` away from a commit."
                )
            },
        )
    }
}
