//! Installing and removing the pre-commit hook, reversibly. The hook is the `hooks/pre-commit`
//! template with a marker line, written where Git runs hooks (found with git2: `core.hooksPath`,
//! else the common dir's `hooks`, shared by linked worktrees). A foreign hook is moved aside and
//! run from ours; `uninstall` moves it back byte for byte. Hook managers are integrated the way
//! each expects: a block in husky's `.husky/pre-commit`, and for lefthook and the pre-commit
//! framework a snippet for the user to add (their files are left alone).
//!
//! Nothing here prints: the functions return what they did, and `cli::install` reports it.

use crate::error::{Error, Result};
use crate::git::Repo;
use std::path::{Path, PathBuf};

/// The hook template, with `@KEYGATE_BIN@` standing for the installing binary's path.
pub const TEMPLATE: &str = include_str!("../hooks/pre-commit");
/// The pre-push hook `install --pre-push` writes: the commits a push sends are checked.
pub const PRE_PUSH_TEMPLATE: &str = include_str!("../hooks/pre-push");
/// A line starting with this marks a hook (or a husky block) as keygate's.
pub const MARKER: &str = "# keygate-managed-hook";
/// The hook file Git runs.
pub const HOOK_NAME: &str = "pre-commit";
/// The block added to husky's `.husky/pre-commit`.
pub const HUSKY_BLOCK: &str = "\
# keygate-managed-hook: added by `keygate install`; `keygate uninstall` removes it.
if command -v keygate >/dev/null 2>&1; then
  keygate check --staged || { s=$?; echo 'keygate: commit blocked (see above); `git commit --no-verify` skips all hooks.' >&2; exit $s; }
else
  echo 'keygate: commit blocked: keygate is not installed (run ./install.sh in a keygate checkout, or cargo install keygate); `git commit --no-verify` skips all hooks.' >&2; exit 1
fi
# end keygate-managed-hook
";
/// The lefthook configuration that runs keygate.
pub const LEFTHOOK_SNIPPET: &str = "\
pre-commit:
  commands:
    keygate:
      run: keygate check --staged
";
/// The pre-commit framework configuration that runs keygate (the installed binary).
pub const PRE_COMMIT_SNIPPET: &str = "\
repos:
  - repo: local
    hooks:
      - id: keygate
        name: keygate
        entry: keygate check --pre-commit
        language: system
        pass_filenames: true
        require_serial: true
";

const LEFTHOOK_FILES: [&str; 6] = [
    "lefthook.yml",
    ".lefthook.yml",
    "lefthook.yaml",
    ".lefthook.yaml",
    "lefthook.toml",
    "lefthook.json",
];
const PRE_COMMIT_FILES: [&str; 2] = [".pre-commit-config.yaml", ".pre-commit-config.yml"];

/// A hook manager that owns the repository's hooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manager {
    /// `core.hooksPath` is `.husky/_` (husky 9) or `.husky` (husky 4 to 8); `script` is the
    /// user's `.husky/pre-commit`.
    Husky {
        script: PathBuf,
    },
    Lefthook {
        config: PathBuf,
    },
    PreCommit {
        config: PathBuf,
    },
}

impl Manager {
    pub fn name(&self) -> &'static str {
        match self {
            Manager::Husky { .. } => "husky",
            Manager::Lefthook { .. } => "lefthook",
            Manager::PreCommit { .. } => "the pre-commit framework",
        }
    }
}

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// Wrote the hook. `chained` names the foreign hook kept and run from it, when there is one.
    Hook {
        path: PathBuf,
        chained: Option<PathBuf>,
        binary: PathBuf,
        /// An older keygate hook was replaced.
        updated: bool,
    },
    /// keygate's hook is already there, identical: nothing changed.
    Unchanged {
        path: PathBuf,
        chained: Option<PathBuf>,
    },
    /// Added keygate's block to husky's `.husky/pre-commit` (`created`: the file was new).
    Husky { script: PathBuf, created: bool },
    /// husky's `.husky/pre-commit` already runs keygate.
    HuskyUnchanged { script: PathBuf },
    /// lefthook or the pre-commit framework: nothing changed; the user adds `snippet`.
    Snippet {
        manager: Manager,
        snippet: &'static str,
        /// The configuration already mentions `keygate check --staged`.
        present: bool,
    },
}

/// What `uninstall` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uninstalled {
    /// Removed keygate's hook; `restored` is the foreign hook moved back in its place.
    Hook {
        path: PathBuf,
        restored: Option<PathBuf>,
    },
    /// Removed keygate's block from husky's script (`deleted`: install had created the file).
    Husky {
        script: PathBuf,
        deleted: bool,
        /// The script was edited since install, so only keygate's lines were taken out.
        edited: bool,
    },
    /// lefthook or the pre-commit framework: keygate changed nothing there; the user removes the
    /// snippet.
    Snippet { manager: Manager, present: bool },
    /// No keygate hook in `hooks_dir`: nothing changed.
    NotInstalled { hooks_dir: PathBuf },
}

/// The hook manager in charge of `repo`'s hooks, if any.
pub fn manager(repo: &Repo) -> Result<Option<Manager>> {
    let hooks = repo.hooks_dir()?;
    if hooks.from_config {
        let path = &hooks.path;
        let name = path.file_name().and_then(|n| n.to_str());
        let husky = match name {
            Some("_") => path
                .parent()
                .filter(|p| p.file_name() == Some(".husky".as_ref())),
            Some(".husky") => Some(path.as_path()),
            _ => None,
        };
        if let Some(husky) = husky {
            return Ok(Some(Manager::Husky {
                script: husky.join(HOOK_NAME),
            }));
        }
    }
    let root = repo.root();
    if let Some(file) = LEFTHOOK_FILES.iter().find(|f| root.join(f).is_file()) {
        return Ok(Some(Manager::Lefthook {
            config: root.join(file),
        }));
    }
    if let Some(file) = PRE_COMMIT_FILES.iter().find(|f| root.join(f).is_file()) {
        return Ok(Some(Manager::PreCommit {
            config: root.join(file),
        }));
    }
    Ok(None)
}

/// Installs the hook for `repo`, running `binary` when `keygate` is not on PATH.
pub fn install(repo: &Repo, binary: &Path) -> Result<Installed> {
    match manager(repo)? {
        Some(Manager::Husky { script }) => install_husky(repo, script),
        Some(manager) => Ok(Installed::Snippet {
            present: mentions_keygate(&manager),
            snippet: match manager {
                Manager::Lefthook { .. } => LEFTHOOK_SNIPPET,
                _ => PRE_COMMIT_SNIPPET,
            },
            manager,
        }),
        None => install_hook(&repo.hooks_dir()?.path, binary, PRE_COMMIT),
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

/// Whether a hook or hook manager's configuration runs keygate's commit check.
pub fn runs_keygate(text: &str) -> bool {
    text.contains("keygate check --staged") || text.contains("keygate check --pre-commit")
}

fn mentions_keygate(manager: &Manager) -> bool {
    let (Manager::Lefthook { config } | Manager::PreCommit { config }) = manager else {
        return false;
    };
    std::fs::read_to_string(config).is_ok_and(|text| runs_keygate(&text))
}

/// A hook keygate writes into a hooks folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HookFile {
    /// The file name Git runs (`pre-commit`, `pre-push`).
    pub name: &'static str,
    template: &'static str,
}

pub const PRE_COMMIT: HookFile = HookFile {
    name: HOOK_NAME,
    template: TEMPLATE,
};

pub const PRE_PUSH: HookFile = HookFile {
    name: "pre-push",
    template: PRE_PUSH_TEMPLATE,
};

impl HookFile {
    /// Where a hook that was there before keygate's is kept, and still run from.
    fn chained(&self) -> String {
        format!("{}.keygate-chained", self.name)
    }

    /// The hook text for `binary`.
    fn render(&self, binary: &Path) -> String {
        self.template
            .replacen("@KEYGATE_BIN@", &shell_quote(&binary.to_string_lossy()), 1)
    }
}

/// Removes keygate's pre-push hook, restoring the one it chained; `None` when it has none.
pub fn uninstall_pre_push(repo: &Repo) -> Result<Option<Uninstalled>> {
    uninstall_hook(&repo.hooks_dir()?.path, PRE_PUSH)
}

/// Installs the pre-push hook in the folder Git runs hooks from, keeping and chaining one that
/// is there. Hook managers are not wired: `install --pre-push` writes the plain hook.
pub fn install_pre_push(repo: &Repo, binary: &Path) -> Result<Installed> {
    install_hook(&repo.hooks_dir()?.path, binary, PRE_PUSH)
}

/// `text` as one single-quoted `sh` word.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn is_ours(bytes: &[u8]) -> bool {
    bytes
        .split(|&b| b == b'\n')
        .any(|line| line.starts_with(MARKER.as_bytes()))
}

/// Reads `path` when it is a regular file (not a symbolic link), `None` when it does not exist.
fn read_regular(path: &Path) -> Result<Option<(Vec<u8>, bool)>> {
    match path.symlink_metadata() {
        Ok(meta) if meta.is_file() => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            Ok(Some((bytes, is_executable(&meta))))
        }
        Ok(_) => Ok(Some((Vec::new(), false))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn exists(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
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

/// Where the husky script's state before install is kept, so that uninstall restores it exactly.
fn husky_state(repo: &Repo) -> PathBuf {
    repo.git_dir().join("keygate").join("husky-pre-commit.orig")
}

/// The husky script with keygate's block appended to `original`.
fn with_husky_block(original: &[u8]) -> Vec<u8> {
    let mut out = original.to_vec();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out.extend_from_slice(HUSKY_BLOCK.as_bytes());
    out
}

fn install_husky(repo: &Repo, script: PathBuf) -> Result<Installed> {
    let original = match read_regular(&script)? {
        Some((bytes, _)) if is_ours(&bytes) => return Ok(Installed::HuskyUnchanged { script }),
        Some((bytes, _)) => Some(bytes),
        None => None,
    };
    let state = husky_state(repo);
    let state_dir = state.parent().expect("state file has a folder");
    std::fs::create_dir_all(state_dir).map_err(|e| Error::io(state_dir, e))?;
    match &original {
        Some(bytes) => std::fs::write(&state, bytes).map_err(|e| Error::io(&state, e))?,
        // No saved copy means: install created the script.
        None => match std::fs::remove_file(&state) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(&state, e)),
            _ => {}
        },
    }
    let text = with_husky_block(original.as_deref().unwrap_or_default());
    if original.is_some() {
        // In place, so that the script keeps its permissions.
        std::fs::write(&script, &text).map_err(|e| Error::io(&script, e))?;
    } else {
        let dir = script.parent().expect("husky script has a folder");
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        write_executable(&script, &text)?;
    }
    Ok(Installed::Husky {
        script,
        created: original.is_none(),
    })
}

fn uninstall_husky(repo: &Repo, script: &Path) -> Result<Option<Uninstalled>> {
    let Some((current, _)) = read_regular(script)? else {
        return Ok(None);
    };
    if !is_ours(&current) {
        return Ok(None);
    }
    let state = husky_state(repo);
    let saved = match std::fs::read(&state) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&state, e)),
    };
    let original = saved.clone().unwrap_or_default();
    let (restored, edited) = if current == with_husky_block(&original) {
        (original, false)
    } else {
        (strip_husky_block(&current), true)
    };
    let deleted = saved.is_none() && (!edited || restored.iter().all(u8::is_ascii_whitespace));
    if deleted {
        std::fs::remove_file(script).map_err(|e| Error::io(script, e))?;
    } else {
        // Rewrite in place, so the file keeps its permissions.
        std::fs::write(script, &restored).map_err(|e| Error::io(script, e))?;
    }
    if saved.is_some() {
        std::fs::remove_file(&state).map_err(|e| Error::io(&state, e))?;
    }
    Ok(Some(Uninstalled::Husky {
        script: script.to_path_buf(),
        deleted,
        edited,
    }))
}

/// `text` without keygate's block (from its marker line to its end line, inclusive).
fn strip_husky_block(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut inside = false;
    for line in text.split_inclusive(|&b| b == b'\n') {
        let trimmed = line.strip_suffix(b"\n").unwrap_or(line);
        if !inside && trimmed.starts_with(MARKER.as_bytes()) {
            inside = true;
        } else if inside && trimmed == b"# end keygate-managed-hook" {
            inside = false;
        } else if !inside {
            out.extend_from_slice(line);
        }
    }
    out
}

/// Writes `bytes` to `path` atomically (a temporary file renamed over it), mode 0755.
fn write_executable(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("hook path has a folder");
    let tmp = dir.join(format!(
        ".{}.keygate-tmp",
        path.file_name().unwrap_or_default().to_string_lossy()
    ));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_has_marker_and_one_placeholder() {
        assert!(is_ours(TEMPLATE.as_bytes()));
        assert_eq!(TEMPLATE.matches("@KEYGATE_BIN@").count(), 1);
        let text = PRE_COMMIT.render(Path::new("/opt/it's here/keygate"));
        assert!(text.contains(r"keygate_installed='/opt/it'\''s here/keygate'"));
        assert!(text.starts_with("#!/bin/sh\n"));
    }

    #[test]
    fn husky_block_round_trips() {
        for original in [
            &b""[..],
            b"npx lint-staged\n",
            b"npx lint-staged",
            b"#!/usr/bin/env sh\n. \"$(dirname -- \"$0\")/_/husky.sh\"\n\nnpm test\n",
        ] {
            let with = with_husky_block(original);
            assert!(is_ours(&with));
            let stripped = strip_husky_block(&with);
            let want: Vec<u8> = if original.ends_with(b"\n") || original.is_empty() {
                original.to_vec()
            } else {
                [original, b"\n"].concat()
            };
            assert_eq!(stripped, want);
        }
    }
}
