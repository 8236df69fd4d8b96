//! `install --global`: one hooks folder for every repository of the user, through the global
//! `core.hooksPath`.

use super::files::{is_ours, read_regular, shell_quote, write_executable};
use super::outcome::GlobalInstalled;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The hook `install --global` writes under every name Git runs (see [`install_global`]).
pub const GLOBAL_TEMPLATE: &str = include_str!("../../hooks/global");

/// The hooks the global folder holds: every client-side hook Git runs, so that a repository's
/// own hooks (in its `.git/hooks`, which a global `core.hooksPath` hides) still run.
const GLOBAL_HOOKS: &[&str] = &[
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "pre-commit",
    "pre-merge-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "pre-push",
    "pre-auto-gc",
    "post-rewrite",
    "push-to-checkout",
    "sendemail-validate",
    "post-index-change",
];

/// The folder `install --global` writes: `$XDG_CONFIG_HOME/keygate/hooks`, else
/// `~/.config/keygate/hooks`.
pub fn global_dir() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(config) => PathBuf::from(config),
        None => std::env::var_os("HOME")
            .filter(|v| !v.is_empty())
            .map(|home| PathBuf::from(home).join(".config"))
            .ok_or_else(|| Error::Usage("HOME is not set: no place for the global hooks".into()))?,
    };
    Ok(base.join("keygate").join("hooks"))
}

/// The user's global `core.hooksPath`, if set.
fn global_hooks_path() -> Result<Option<String>> {
    let out = git_global(&["--get", "core.hooksPath"])?;
    Ok(out.filter(|v| !v.is_empty()))
}

/// `git config --global ARGS`; `Ok(None)` when Git says the key is not set (exit 1).
fn git_global(args: &[&str]) -> Result<Option<String>> {
    let out = std::process::Command::new("git")
        .args(["config", "--global"])
        .args(args)
        .output()
        .map_err(|e| Error::io("git config --global", e))?;
    match out.status.code() {
        Some(0) => Ok(Some(
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        )),
        Some(1) | Some(5) => Ok(None),
        _ => Err(Error::Usage(format!(
            "git config --global {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
    }
}

/// Protects every repository of this user: writes keygate's hooks folder and points the global
/// `core.hooksPath` at it. `core.hooksPath` rather than `init.templateDir`, because a template
/// only reaches repositories cloned or created afterwards, while `core.hooksPath` covers the
/// clones already on the machine too. Each hook there runs the repository's own hook of the
/// same name afterwards. A repository that sets its own `core.hooksPath` (husky) overrides it.
pub fn install_global(binary: &Path) -> Result<GlobalInstalled> {
    let dir = global_dir()?;
    let current = global_hooks_path()?;
    let ours = current
        .as_deref()
        .is_some_and(|c| Path::new(c) == dir.as_path());
    if let (Some(current), false) = (&current, ours) {
        return Err(Error::Usage(format!(
            "core.hooksPath is already set globally to {current}; keygate will not replace \
             another tool's hooks folder: unset it, or run `keygate install` in each repository"
        )));
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let text =
        GLOBAL_TEMPLATE.replacen("@KEYGATE_BIN@", &shell_quote(&binary.to_string_lossy()), 1);
    for name in GLOBAL_HOOKS {
        write_executable(&dir.join(name), text.as_bytes())?;
    }
    if ours {
        return Ok(GlobalInstalled::Updated { dir });
    }
    git_global(&["core.hooksPath", &dir.to_string_lossy()])?;
    Ok(GlobalInstalled::Installed { dir })
}

/// Undoes [`install_global`] exactly: unsets the global `core.hooksPath` when it points at
/// keygate's folder, and removes the hooks keygate wrote there. `None` when nothing was installed.
pub fn uninstall_global() -> Result<Option<PathBuf>> {
    let dir = global_dir()?;
    let current = global_hooks_path()?;
    let ours = current
        .as_deref()
        .is_some_and(|c| Path::new(c) == dir.as_path());
    let mut removed = false;
    for name in GLOBAL_HOOKS {
        let path = dir.join(name);
        if let Some((bytes, _)) = read_regular(&path)? {
            if is_ours(&bytes) {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                removed = true;
            }
        }
    }
    let _ = std::fs::remove_dir(&dir); // only when empty
    if ours {
        git_global(&["--unset", "core.hooksPath"])?;
    }
    Ok((ours || removed).then_some(dir))
}
