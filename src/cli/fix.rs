//! `keygate fix`: runs the hygiene fixers in order and prints every change.

use super::scan_config::{Outcome, ScanConfig, Target};
use crate::error::{Error, Result};
use crate::hygiene::context::RepoContext;
use crate::hygiene::fix;
use crate::report::Color;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Show the changes without making them.
    #[arg(long)]
    pub dry_run: bool,
    /// Use FILE instead of `.keygate.toml` at the repository root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(args: FixArgs, cwd: &Path) -> Result<Outcome> {
    // Outside a repository, say so without `check`'s advice about `keygate check .`.
    crate::git::Repo::require(
        cwd,
        "; `keygate fix` repairs a Git repository's .env hygiene",
    )?;
    let scan = ScanConfig {
        color: Color::Never,
        config: args.config,
        ..ScanConfig::new(Target::Worktree, cwd.to_path_buf())
    };
    let ctx = super::check::Context::new(&scan)?;
    let repo = ctx.repo.as_ref().expect("worktree mode opens a repository");
    let env = RepoContext::new(repo, &ctx.config, &ctx.scanner, &ctx.fingerprints, None)?;
    let mut lines = Vec::new();
    let mut untracked = false;
    for fixer in fix::fixlist() {
        let changes = fixer.fix(&env, args.dry_run)?;
        untracked |= fixer.id() == fix::UNTRACK && !changes.is_empty();
        lines.extend(changes);
    }
    let changed = lines.iter().any(|l| !l.starts_with("note:"));
    if !changed {
        lines.push("keygate fix: nothing to fix".into());
    } else if args.dry_run {
        lines.push("dry run: nothing was changed; run `keygate fix` to make these changes".into());
    } else {
        lines.push("review and commit the changes (`git commit`)".into());
    }
    if untracked {
        lines.push(
            "Untracking does not erase history: every key these files held in any commit is \
             exposed. Revoke and rotate those keys now."
                .into(),
        );
    }
    let mut out = std::io::stdout().lock();
    for line in lines {
        // Paths in it are printed with their control characters escaped (one line each).
        writeln!(out, "{}", crate::finding::escape_control(line.as_str()))
            .map_err(|e| Error::io("<stdout>", e))?;
    }
    Ok(Outcome::Clean)
}
