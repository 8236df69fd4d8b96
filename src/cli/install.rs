//! `keygate install` / `keygate uninstall`: thin wrappers over [`crate::hook`] that say what
//! they did.

use super::Outcome;
use crate::error::{Error, Result};
use crate::git::{display_path, Repo};
use crate::hook::{self, Installed, Manager, Uninstalled};
use std::io::Write;
use std::path::Path;

const NOT_A_REPO: &str = "; run `keygate install` inside the repository to protect";

/// Installs the pre-commit hook in the repository around `cwd`.
pub fn install(cwd: &Path, out: &mut dyn Write) -> Result<Outcome> {
    let repo = Repo::require(cwd, NOT_A_REPO)?;
    let binary = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| Error::io("the keygate binary", e))?;
    let done = hook::install(&repo, &binary)?;
    let show = |p: &Path| shown(&repo, p);
    let text =
        match done {
            Installed::Hook {
                path,
                chained,
                binary,
                updated,
            } => {
                let mut text = format!(
                    "keygate: {} the pre-commit hook at {}\n",
                    if updated { "updated" } else { "installed" },
                    show(&path)
                );
                if let Some(chained) = chained {
                    text += &format!(
                    "keygate: your existing pre-commit hook is kept as {} and still runs on every \
                     commit (before keygate); its failure still blocks the commit\n",
                    show(&chained)
                );
                }
                text += &format!(
                "keygate: every `git commit` now runs `keygate check --staged` (keygate from PATH, \
                 else {}); `keygate uninstall` removes the hook\n",
                binary.display()
            );
                text
            }
            Installed::Unchanged { path, .. } => format!(
                "keygate: the pre-commit hook at {} is already installed and up to date; nothing \
             changed\n",
                show(&path)
            ),
            Installed::Husky { script, created } => {
                format!(
            "keygate: husky manages this repository's hooks (core.hooksPath); {} {} to run \
             `keygate check --staged`. Commit that file so everyone gets the check.\n",
            if created { "created" } else { "added a block to" },
            show(&script)
        )
            }
            Installed::HuskyUnchanged { script } => format!(
                "keygate: {} already runs keygate; nothing changed\n",
                show(&script)
            ),
            Installed::Snippet {
                manager,
                snippet,
                present,
            } => {
                let config = config_of(&manager);
                if present {
                    format!(
                        "keygate: {} manages this repository's hooks, and {} already runs \
                     `keygate check --staged`; nothing changed\n",
                        manager.name(),
                        show(config)
                    )
                } else {
                    let (verb, then) = match manager {
                        Manager::Lefthook { .. } => ("Add this to", "`lefthook install`"),
                        _ => (
                            "Add this to (merge into its `repos:` list)",
                            "`pre-commit install`",
                        ),
                    };
                    format!(
                    "keygate: {} manages this repository's hooks, so keygate changed nothing.\n\
                     {verb} {}, then run {then}:\n\n{snippet}",
                    manager.name(),
                    show(config),
                )
                }
            }
        };
    out.write_all(text.as_bytes())
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(Outcome::Clean)
}

/// Removes what `install` added to the repository around `cwd`.
pub fn uninstall(cwd: &Path, out: &mut dyn Write) -> Result<Outcome> {
    let repo = Repo::require(cwd, NOT_A_REPO)?;
    let show = |p: &Path| shown(&repo, p);
    let text = match hook::uninstall(&repo)? {
        Uninstalled::Hook { path, restored } => match restored {
            Some(_) => format!(
                "keygate: removed keygate's pre-commit hook and restored your original hook at {}\n",
                show(&path)
            ),
            None => format!(
                "keygate: removed the pre-commit hook at {}\n",
                show(&path)
            ),
        },
        Uninstalled::Husky {
            script,
            deleted,
            edited,
        } => {
            let what = if deleted {
                format!("deleted {} (keygate install had created it)", show(&script))
            } else if edited {
                format!(
                    "removed keygate's lines from {} (it was edited since install; the rest is \
                     kept as it is)",
                    show(&script)
                )
            } else {
                format!("restored {} as it was before install", show(&script))
            };
            format!("keygate: {what}\n")
        }
        Uninstalled::Snippet { manager, present } => {
            let config = config_of(&manager);
            if present {
                format!(
                    "keygate: {} runs keygate through {}, which keygate never changes: remove the \
                     `keygate` hook from it yourself\n",
                    manager.name(),
                    show(config)
                )
            } else {
                format!(
                    "keygate: keygate's hook is not installed here ({} does not run it); nothing \
                     changed\n",
                    show(config)
                )
            }
        }
        Uninstalled::NotInstalled { hooks_dir } => format!(
            "keygate: keygate's pre-commit hook is not installed in {}; nothing changed\n",
            show(&hooks_dir)
        ),
    };
    out.write_all(text.as_bytes())
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(Outcome::Clean)
}

fn config_of(manager: &Manager) -> &Path {
    match manager {
        Manager::Husky { script } => script,
        Manager::Lefthook { config } | Manager::PreCommit { config } => config,
    }
}

/// `path` relative to the repository root when it is inside, else as it is.
fn shown(repo: &Repo, path: &Path) -> String {
    if let Ok(rel) = path.strip_prefix(repo.root()) {
        return display_path(rel);
    }
    let canonical = path
        .parent()
        .and_then(|dir| dir.canonicalize().ok())
        .zip(path.file_name())
        .map(|(dir, name)| dir.join(name));
    match canonical
        .as_deref()
        .and_then(|p| p.strip_prefix(repo.root()).ok())
    {
        Some(rel) => display_path(rel),
        None => path.display().to_string(),
    }
}
