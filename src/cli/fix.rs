//! `keygate fix`: runs the hygiene fixers in order and prints every change.

use super::scan_config::{Outcome, ScanConfig, Target};
use crate::error::{Error, Result};
use crate::hygiene::context::RepoContext;
use crate::hygiene::fix;
use crate::hygiene::patterns::Kind;
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
    let mut untracked = Vec::new();
    let mut ignored = false;
    for fixer in fix::fixlist() {
        let changes = fixer.fix(&env, args.dry_run)?;
        let changed = changes.iter().any(|l| !l.starts_with("note:"));
        if fixer.id() == fix::UNTRACK && changed {
            untracked = env
                .files
                .iter()
                .filter(|f| f.tracked && f.kind == Kind::Env && !f.harmless)
                .map(|f| f.path.clone())
                .chain(
                    env.credentials
                        .iter()
                        .filter(|f| f.tracked && f.holds_credentials())
                        .map(|f| f.path.clone()),
                )
                .collect();
        }
        ignored |= fixer.id() == fix::GITIGNORE && changed;
        lines.extend(changes);
    }
    if ignored && !args.dry_run {
        // The new lines protect teammates only once committed: stage them with the untracking.
        stage_gitignore(repo.root())?;
        lines.push("staged .gitignore".into());
    }
    let changed = lines.iter().any(|l| !l.starts_with("note:"));
    if !changed {
        lines.push("keygate fix: nothing to fix".into());
    } else if args.dry_run {
        lines.push("dry run: nothing was changed; run `keygate fix` to make these changes".into());
    } else {
        lines.push("review and commit the changes (`git commit`)".into());
    }
    if ever_committed(repo.root(), &untracked) {
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

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| Error::io("git", e))
}

fn stage_gitignore(root: &Path) -> Result<()> {
    let out = git(root, &["add", "--", ".gitignore"])?;
    if !out.status.success() {
        return Err(Error::Usage(format!(
            "could not stage .gitignore: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

/// Whether any commit of any ref holds one of `paths` (a `.env` file only ever staged exposed
/// nothing). When it cannot tell, it says yes: better a needless rotation than a missed one.
fn ever_committed(root: &Path, paths: &[std::path::PathBuf]) -> bool {
    if paths.is_empty() {
        return false;
    }
    let mut args = vec![
        "rev-list".to_string(),
        "--all".into(),
        "-1".into(),
        "--".into(),
    ];
    args.extend(paths.iter().map(|p| p.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match git(root, &args) {
        Ok(out) if out.status.success() => !out.stdout.is_empty(),
        _ => true,
    }
}
