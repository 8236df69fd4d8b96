//! `keygate install` / `keygate uninstall`: thin wrappers over [`crate::hook`] that say what
//! they did.

use super::scan_config::Outcome;
use crate::error::{Error, Result};
use crate::git::{display_path, Repo};
use crate::hook::{self, Installed, Manager, Uninstalled};
use std::io::Write;
use std::path::Path;

const NOT_A_REPO: &str = "; run `keygate install` inside the repository to protect (or \
    `keygate install --global` for every repository)";
const NOT_A_REPO_UNINSTALL: &str =
    "; run `keygate uninstall` inside the repository to unprotect (or `keygate uninstall --global`)";

#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// Also install a pre-push hook that checks every commit a push sends (catching what
    /// `--no-verify`, a rebase or a cherry-pick let through).
    #[arg(long)]
    pub pre_push: bool,
    /// Protect every repository of this user: a hooks folder in ~/.config/keygate/hooks that
    /// runs keygate and then each repository's own hooks, set as the global core.hooksPath.
    #[arg(long, conflicts_with = "pre_push")]
    pub global: bool,
}

#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// Undo `install --global`: unset the global core.hooksPath and remove keygate's folder.
    #[arg(long)]
    pub global: bool,
}

/// Installs the pre-commit hook (and with `--pre-push` the pre-push hook) in the repository
/// around `cwd`.
pub fn install(args: &InstallArgs, cwd: &Path, out: &mut dyn Write) -> Result<Outcome> {
    let binary = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| Error::io("the keygate binary", e))?;
    if args.global {
        let line = match hook::install_global(&binary)? {
            hook::GlobalInstalled::Installed { dir } => format!(
                "keygate: every repository of this user now runs keygate's hooks from {} (global \
                 core.hooksPath); each repository's own hooks still run after keygate's check. \
                 `keygate uninstall --global` undoes this",
                dir.display()
            ),
            hook::GlobalInstalled::Updated { dir } => {
                format!("keygate: updated the global hooks in {}", dir.display())
            }
        };
        return say(out, &[line]);
    }
    let repo = Repo::require(cwd, NOT_A_REPO)?;
    let done = hook::install(&repo, &binary)?;
    let mut lines = installed(&repo, done);
    if args.pre_push {
        lines.extend(match hook::install_pre_push(&repo, &binary)? {
            Installed::Unchanged { path, .. } => vec![format!(
                "keygate: the pre-push hook at {} is already installed",
                shown(&repo, &path)
            )],
            Installed::Hook { path, chained, .. } => {
                let mut lines = vec![format!(
                    "keygate: installed the pre-push hook at {}: every push is checked for the \
                     commits the remote does not have",
                    shown(&repo, &path)
                )];
                if let Some(chained) = chained {
                    lines.push(format!(
                        "keygate: your existing pre-push hook is kept as {} and still runs first",
                        shown(&repo, &chained)
                    ));
                }
                lines
            }
            // A plain hook is only ever written or found unchanged.
            _ => Vec::new(),
        });
    }
    say(out, &lines)
}

/// Removes what `install` added to the repository around `cwd`.
pub fn uninstall(args: &UninstallArgs, cwd: &Path, out: &mut dyn Write) -> Result<Outcome> {
    if args.global {
        let line = match hook::uninstall_global()? {
            Some(dir) => format!(
                "keygate: removed the global hooks from {} and unset the global core.hooksPath",
                dir.display()
            ),
            None => "keygate: no global hooks of keygate's were installed; nothing changed".into(),
        };
        return say(out, &[line]);
    }
    let repo = Repo::require(cwd, NOT_A_REPO_UNINSTALL)?;
    let done = hook::uninstall(&repo)?;
    let mut lines = uninstalled(&repo, done);
    if let Some(Uninstalled::Hook { path, restored }) = hook::uninstall_pre_push(&repo)? {
        lines.push(match restored {
            Some(_) => format!(
                "keygate: removed the pre-push hook and restored your own at {}",
                shown(&repo, &path)
            ),
            None => format!(
                "keygate: removed the pre-push hook at {}",
                shown(&repo, &path)
            ),
        });
    }
    say(out, &lines)
}

fn say(out: &mut dyn Write, lines: &[String]) -> Result<Outcome> {
    for line in lines {
        writeln!(out, "{line}").map_err(|e| Error::io("<stdout>", e))?;
    }
    Ok(Outcome::Clean)
}

fn installed(repo: &Repo, done: Installed) -> Vec<String> {
    let show = |p: &Path| shown(repo, p);
    match done {
        Installed::Hook {
            path,
            chained,
            binary,
            updated,
        } => {
            let verb = if updated { "updated" } else { "installed" };
            let mut lines = vec![format!(
                "keygate: {verb} the pre-commit hook at {}",
                show(&path)
            )];
            if !inside(repo, &path) {
                lines.push(
                    "keygate: note: core.hooksPath points outside this repository, so every \
                     repository that uses that folder runs this hook"
                        .into(),
                );
            }
            if let Some(chained) = chained {
                lines.push(format!(
                    "keygate: your existing pre-commit hook is kept as {}; it still runs on \
                     every commit (before keygate) and its failure still blocks the commit",
                    show(&chained)
                ));
            }
            lines.push(format!(
                "keygate: every `git commit` now runs `keygate check --staged` (keygate from \
                 PATH, else {}); `keygate uninstall` removes the hook",
                binary.display()
            ));
            lines
        }
        Installed::Unchanged { path, .. } => vec![format!(
            "keygate: the pre-commit hook at {} is already installed and up to date; \
             nothing changed",
            show(&path)
        )],
        Installed::Husky { script, created } => {
            let verb = if created {
                "created"
            } else {
                "added a block to"
            };
            vec![
                format!(
                    "keygate: husky manages this repository's hooks (core.hooksPath); {verb} {} \
                     to run `keygate check --staged`",
                    show(&script)
                ),
                "keygate: commit that file so that everyone gets the check".into(),
            ]
        }
        Installed::HuskyUnchanged { script } => vec![format!(
            "keygate: {} already runs keygate; nothing changed",
            show(&script)
        )],
        Installed::Snippet {
            manager,
            snippet,
            present,
        } => {
            let config = show(config_of(&manager));
            let name = manager.name();
            if present {
                return vec![format!(
                    "keygate: {name} manages this repository's hooks, and {config} already runs \
                     `keygate check --staged`; nothing changed"
                )];
            }
            let (how, then) = match manager {
                Manager::Lefthook { .. } => ("", "lefthook install"),
                _ => (" (merged into its `repos:` list)", "pre-commit install"),
            };
            vec![
                format!(
                    "keygate: {name} manages this repository's hooks, so keygate changed nothing."
                ),
                format!("Add this to {config}{how}, then run `{then}`:"),
                String::new(),
                snippet.trim_end().to_string(),
            ]
        }
    }
}

fn uninstalled(repo: &Repo, done: Uninstalled) -> Vec<String> {
    let show = |p: &Path| shown(repo, p);
    let line = match done {
        Uninstalled::Hook {
            path,
            restored: Some(_),
        } => format!(
            "keygate: removed keygate's pre-commit hook and restored your original hook at {}",
            show(&path)
        ),
        Uninstalled::Hook {
            path,
            restored: None,
        } => format!("keygate: removed the pre-commit hook at {}", show(&path)),
        Uninstalled::Husky {
            script,
            deleted,
            edited,
        } => {
            let script = show(&script);
            if deleted {
                format!("keygate: deleted {script} (keygate install had created it)")
            } else if edited {
                format!(
                    "keygate: removed keygate's lines from {script} (it was edited since \
                     install; the rest is kept as it is)"
                )
            } else {
                format!("keygate: restored {script} as it was before install")
            }
        }
        Uninstalled::Snippet { manager, present } => {
            let config = show(config_of(&manager));
            if present {
                format!(
                    "keygate: {} runs keygate through {config}, which keygate never changes: \
                     remove the `keygate` hook from it yourself",
                    manager.name()
                )
            } else {
                format!(
                    "keygate: keygate's hook is not installed here ({config} does not run it); \
                     nothing changed"
                )
            }
        }
        Uninstalled::NotInstalled { hooks_dir } => format!(
            "keygate: keygate's pre-commit hook is not installed in {}; nothing changed",
            show(&hooks_dir)
        ),
    };
    vec![line]
}

/// Whether `path` is inside the repository's working tree or its Git folders.
fn inside(repo: &Repo, path: &Path) -> bool {
    let dir = path.parent().and_then(|d| d.canonicalize().ok());
    let within = |base: &Path| {
        base.canonicalize()
            .is_ok_and(|base| dir.as_ref().is_some_and(|d| d.starts_with(base)))
    };
    within(repo.root()) || within(repo.git_dir()) || within(repo.common_dir())
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
