//! Installing and removing keygate's hooks in one repository, reversibly: the hook is written
//! where Git runs hooks (found with git2: `core.hooksPath`, else the common dir's `hooks`, shared
//! by linked worktrees). A foreign hook is moved aside and run from ours; `uninstall` moves it
//! back byte for byte.

use super::files::{
    exists, is_ours, read_regular, write_executable, HookFile, PRE_COMMIT, PRE_MERGE_COMMIT,
    PRE_PUSH,
};
use super::managers::{
    install_husky, manager, mentions_keygate, uninstall_husky, LEFTHOOK_SNIPPET, PRE_COMMIT_SNIPPET,
};
use super::outcome::{Installed, Manager, Uninstalled};
use crate::error::{Error, Result};
use crate::git::Repo;
use std::path::Path;

/// Installs the hook for `repo`, running `binary` when `keygate` is not on PATH.
pub fn install(repo: &Repo, binary: &Path) -> Result<Installed> {
    match manager(repo)? {
        Some(Manager::Husky { script }) => install_husky(repo, script, binary),
        Some(manager) => Ok(Installed::Snippet {
            present: mentions_keygate(&manager),
            snippet: match manager {
                Manager::Lefthook { .. } => LEFTHOOK_SNIPPET,
                _ => PRE_COMMIT_SNIPPET,
            },
            manager,
        }),
        None => {
            let dir = repo.hooks_dir()?.path;
            let done = install_hook(&dir, binary, PRE_COMMIT)?;
            // Merges that make a commit skip pre-commit; the same check runs for them.
            install_hook(&dir, binary, PRE_MERGE_COMMIT)?;
            Ok(done)
        }
    }
}

/// Removes what [`install`] added, restoring what it moved or changed.
pub fn uninstall(repo: &Repo) -> Result<Uninstalled> {
    let hooks_dir = repo.hooks_dir()?.path;
    let manager = manager(repo)?;
    if let Some(Manager::Husky { script }) = &manager {
        if let Some(done) = uninstall_husky(repo, script)? {
            return Ok(done);
        }
    }
    uninstall_hook(&hooks_dir, PRE_MERGE_COMMIT)?;
    if let Some(done) = uninstall_hook(&hooks_dir, PRE_COMMIT)? {
        return Ok(done);
    }
    match manager {
        Some(manager @ (Manager::Lefthook { .. } | Manager::PreCommit { .. })) => {
            Ok(Uninstalled::Snippet {
                present: mentions_keygate(&manager),
                manager,
            })
        }
        _ => Ok(Uninstalled::NotInstalled { hooks_dir }),
    }
}

/// Installs the pre-push hook in the folder Git runs hooks from, keeping and chaining one that
/// is there. Hook managers are not wired: `install --pre-push` writes the plain hook.
pub fn install_pre_push(repo: &Repo, binary: &Path) -> Result<Installed> {
    install_hook(&repo.hooks_dir()?.path, binary, PRE_PUSH)
}

/// Removes keygate's pre-push hook, restoring the one it chained; `None` when it has none.
pub fn uninstall_pre_push(repo: &Repo) -> Result<Option<Uninstalled>> {
    uninstall_hook(&repo.hooks_dir()?.path, PRE_PUSH)
}

fn install_hook(dir: &Path, binary: &Path, file: HookFile) -> Result<Installed> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let hook = dir.join(file.name);
    let chained = dir.join(file.chained());
    let text = file.render(binary);
    let mut updated = false;
    match read_regular(&hook)? {
        Some((bytes, executable)) if is_ours(&bytes) => {
            if bytes == text.as_bytes() && executable {
                return Ok(Installed::Unchanged {
                    path: hook,
                    chained: exists(&chained).then_some(chained),
                });
            }
            updated = true;
        }
        Some(_) => {
            if exists(&chained) {
                return Err(Error::Usage(format!(
                    "{} already exists, so the {} hook at {} cannot be kept beside \
                     keygate's; move one of them away and run `keygate install` again",
                    chained.display(),
                    file.name,
                    hook.display()
                )));
            }
            std::fs::rename(&hook, &chained).map_err(|e| Error::io(&hook, e))?;
        }
        None => {}
    }
    write_executable(&hook, text.as_bytes())?;
    Ok(Installed::Hook {
        path: hook,
        chained: exists(&chained).then_some(chained),
        binary: binary.to_path_buf(),
        updated,
    })
}

fn uninstall_hook(dir: &Path, file: HookFile) -> Result<Option<Uninstalled>> {
    let hook = dir.join(file.name);
    match read_regular(&hook)? {
        Some((bytes, _)) if is_ours(&bytes) => {}
        _ => return Ok(None),
    }
    std::fs::remove_file(&hook).map_err(|e| Error::io(&hook, e))?;
    let chained = dir.join(file.chained());
    let restored = if exists(&chained) {
        std::fs::rename(&chained, &hook).map_err(|e| Error::io(&chained, e))?;
        Some(hook.clone())
    } else {
        None
    };
    Ok(Some(Uninstalled::Hook {
        path: hook,
        restored,
    }))
}
