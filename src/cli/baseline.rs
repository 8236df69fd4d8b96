//! `keygate baseline`: scans the working tree (or the history) and records the findings in the
//! tracked `.keygate-baseline`, so that they stop blocking; `--update` adds to an existing file
//! and reports the entries that no longer match anything (stale).

use super::check::{self, Context};
use super::scan_config::{Outcome, ScanConfig, Target};
use crate::baseline::{Baseline, Entry, FILE_NAME};
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::git::Tips;
use crate::report::Color;
use clap::Args;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Add the current findings to the existing baseline (its entries are kept; stale ones are
    /// reported).
    #[arg(long)]
    pub update: bool,
    /// With --update: also remove the stale entries.
    #[arg(long, requires = "update")]
    pub prune: bool,
    /// Record the findings of the whole history (`check --history`) instead of the working tree.
    #[arg(long)]
    pub history: bool,
    /// Use FILE instead of `.keygate.toml` at the repository root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(args: BaselineArgs, cwd: &Path) -> Result<Outcome> {
    let root = Repo::require(
        cwd,
        "; `keygate baseline` records a repository's findings: run it inside the repository",
    )?
    .root()
    .to_path_buf();
    let existing = Baseline::load(&root)?;
    if existing.path.is_some() && !args.update {
        return Err(Error::Usage(format!(
            "{FILE_NAME} already exists; `keygate baseline --update` adds the current findings \
             to it (and `--prune` removes stale entries)"
        )));
    }
    // The same scan as `keygate check [--history]`, built the one way every scan is.
    let target = if args.history {
        Target::History {
            tips: Tips::Head,
            since: Vec::new(),
        }
    } else {
        Target::Worktree
    };
    let cfg = ScanConfig {
        color: Color::Never,
        config: args.config,
        ..ScanConfig::new(target, cwd.to_path_buf())
    };
    let mut ctx = Context::new(&cfg)?;
    // The salt is generated once, when the file is first written, and kept by every update.
    let salt = match &existing.salt {
        Some(salt) => salt.clone(),
        None => Baseline::new_salt()?,
    };
    let mut next = Baseline {
        salt: Some(salt),
        ..Baseline::default()
    };
    ctx.fingerprints = next.fingerprinter();
    let (mut report, errors) = check::scan(&cfg, &ctx)?;
    if let Some(first) = errors.first() {
        // A baseline of an incomplete scan would hide nothing it should, but say so loudly.
        return Err(Error::Unreadable {
            count: errors.len(),
            first: first.clone(),
        });
    }
    check::apply_config(&ctx.config, &mut report);

    let mut entries: BTreeMap<String, Entry> = existing
        .entries
        .iter()
        .map(|e| (e.fingerprint.clone(), e.clone()))
        .collect();
    let mut current = BTreeMap::new();
    for f in &report.findings {
        current.insert(f.fingerprint.clone(), Entry::of(f));
    }
    let added = current.keys().filter(|k| !entries.contains_key(*k)).count();
    let stale: Vec<Entry> = entries
        .values()
        .filter(|e| !current.contains_key(&e.fingerprint))
        .cloned()
        .collect();
    if args.prune {
        entries.retain(|k, _| current.contains_key(k));
    }
    entries.extend(current);
    next.entries = entries.into_values().collect();
    let path = root.join(FILE_NAME);
    std::fs::write(&path, next.render()).map_err(|e| Error::io(&path, e))?;

    let mut out = format!(
        "keygate: recorded {} finding(s) in {FILE_NAME} ({added} new); they no longer block. \
         Commit {FILE_NAME} (it holds no secret).\n",
        next.entries.len()
    );
    for e in &stale {
        let what = if args.prune { "removed" } else { "stale" };
        out += &format!(
            "{what}: {}  {}  {}: matches no current finding (the secret was removed, or the file \
             moved or renamed)\n",
            e.fingerprint, e.rule_id, e.file
        );
    }
    if !stale.is_empty() && !args.prune {
        out += &format!(
            "{} stale entr(y/ies) kept; `keygate baseline --update --prune` removes them\n",
            stale.len()
        );
    }
    use std::io::Write;
    std::io::stdout()
        .write_all(out.as_bytes())
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(Outcome::Clean)
}
