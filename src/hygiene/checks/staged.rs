//! `env-staged`: the staged change adds or modifies a `.env` file.

use crate::finding::Finding;
use crate::git::display_path;
use crate::hygiene::context::{EnvCheck, RepoContext};
use crate::hygiene::patterns::Kind;

pub const ID: &str = crate::rules::env::STAGED;

pub struct Staged;

impl EnvCheck for Staged {
    fn id(&self) -> &'static str {
        ID
    }

    /// Only in staged mode (`RepoContext::staged` is `Some`); on a working tree `env-tracked`
    /// reports the same files.
    fn run(&self, ctx: &RepoContext) -> Vec<Finding> {
        let Some(staged) = &ctx.staged else {
            return Vec::new();
        };
        staged
            .iter()
            .map(|p| display_path(p))
            .filter(|file| ctx.patterns.classify(file) == Some(Kind::Env))
            .filter(|file| !ctx.files.iter().any(|f| f.display == *file && f.harmless))
            .map(|file| {
                let line = ctx.ignore_line(&file);
                ctx.file_finding(
                    ID,
                    &file,
                    format!(
                        "the staged change adds {file}, a .env file that must stay out of Git; \
                         run `keygate fix`, or `git rm --cached {file}` and add `{line}` to .gitignore"
                    ),
                    format!(
                        "Keep real keys in {file} on your machine only; commit a template \
                         (`.env.example`) with placeholders instead."
                    ),
                )
            })
            .collect()
    }
}
